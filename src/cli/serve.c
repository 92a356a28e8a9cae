/* serve.c — `sijill serve`: the HTTP server (web UI + JSON API). */
#include <arpa/inet.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "audit/audit.h"
#include "cases/pv.h"
#include "cli/cli.h"
#include "exchange/exchange.h"
#include "mobile/mobile.h"
#include "procedure/procedure.h"
#include "config/config.h"
#include "core/clock.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/log.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void usage(FILE *f)
{
	fputs("usage: sijill serve [--config FILE] [--db DB] [--listen HOST:PORT] [options]\n"
	      "\n"
	      "Serve the web interface and the JSON API (/api/v1) until SIGINT or SIGTERM.\n"
	      "The process is configured by FILE (see sijill.conf(5): `sijill serve\n"
	      "--config-sample` prints every key with its default, unit and range); each\n"
	      "flag below overrides the key named after it. A bad file or value stops the\n"
	      "server before it starts, naming the file, line, key and allowed range.\n"
	      "\n"
	      "  --config FILE          the configuration file (the package's unit passes\n"
	      "                         /etc/sijill/sijill.conf); without it, the defaults\n"
	      "  --config-sample        print a documented configuration file and exit\n"
	      "  --db DB                (db) a SQLite file path, or a postgresql:// URI\n"
	      "  --db-read-uri URI      (db_read_uri) central: a standby for lag-tolerant reads\n"
	      "  --listen HOST:PORT     (listen) default 127.0.0.1:8080; port 0 picks one;\n"
	      "                         IPv6 as [::1]:8080. A non-loopback address is\n"
	      "                         refused while demo accounts are active.\n"
	      "  --threads N            (threads) worker threads, 1 to 64 (default 4). A request\n"
	      "                         waiting for the database or for its audit entry to be\n"
	      "                         durable holds its thread.\n"
	      "  --max-body BYTES       (max_body) largest request body (default 1048576)\n"
	      "  --max-connections N    (max_connections) default 512, shared evenly by the\n"
	      "                         threads: with N = threads no two connections share one\n"
	      "                         thread, so none waits behind another's audit flush\n"
	      "  --max-per-ip N         (max_connections_per_ip) default 64\n"
	      "  --timeout SECONDS      (connection_timeout) idle connection, default 30\n"
	      "  --login-max N          (login_attempts_per_address) per login window, default 60\n"
	      "  --login-window SECONDS (login_window) default 300\n"
	      "  --web DIR              (webroot) the web UI's files\n"
	      "  --data DIR             (data_dir) the reference data\n"
	      "  --audit-key PATH       (audit_key) audit checkpoint key (default as for\n"
	      "                         `sijill init`: $SIJILL_AUDIT_KEY, or DB.audit-key)\n"
	      "  --pv-key PATH          (pv_key) PV wrapping key (default AUDIT-KEY.pv-wrap)\n"
	      "  --central-url URL      (central_url) a field node's central\n"
	      "  --public-url URL       (public_url) the base URL printed in QR codes\n"
	      "  --port-file FILE       write the bound port there once listening\n"
	      "  --test-clock           allow POST /api/v1/test/clock (tests only)\n"
	      "  --quiet                (access_log = off) no access log\n"
	      "  -h, --help             this help\n"
	      "\n"
	      "Environment: SIJILL_AUDIT_KEY (the audit key's path), PGPASSFILE (libpq's\n"
	      "password file). Nothing else is read from the environment.\n", f);
}

static bool parse_listen(const char *s, char *host, size_t hostsz, int *port)
{
	const char *colon;
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');
		if (!rb || rb[1] != ':')
			return false;
		snprintf(host, hostsz, "%.*s", (int)(rb - s - 1), s + 1);
		colon = rb + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return false;
		snprintf(host, hostsz, "%.*s", (int)(colon - s), s);
	}
	char *end;
	long p = strtol(colon + 1, &end, 10);
	if (*end || p < 0 || p > 65535 || colon[1] == '\0')
		return false;
	*port = (int)p;
	return true;
}

static bool is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return false;
}

/* A flag and the configuration key it overrides. */
typedef struct flag_key {
	int ch;
	const char *flag;
	const char *key;
} flag_key;

static const flag_key FLAG_KEYS[] = {
	{'d', "--db", "db"},
	{'R', "--db-read-uri", "db_read_uri"},
	{'l', "--listen", "listen"},
	{'t', "--threads", "threads"},
	{'b', "--max-body", "max_body"},
	{'C', "--max-connections", "max_connections"},
	{'I', "--max-per-ip", "max_connections_per_ip"},
	{'o', "--timeout", "connection_timeout"},
	{'m', "--login-max", "login_attempts_per_address"},
	{'W', "--login-window", "login_window"},
	{'w', "--web", "webroot"},
	{'D', "--data", "data_dir"},
	{'k', "--audit-key", "audit_key"},
	{'K', "--pv-key", "pv_key"},
	{'u', "--central-url", "central_url"},
	{'P', "--public-url", "public_url"},
};
#define NFLAGS (sizeof FLAG_KEYS / sizeof FLAG_KEYS[0])

/* abs_path turns a relative path given on the command line into an absolute
 * one (the file's paths must be absolute; flags may be relative). */
static void abs_path(const char *in, char *out, size_t outsz)
{
	char cwd[PATH_MAX];
	int n = -1;
	if (in[0] != '/' && *in && getcwd(cwd, sizeof cwd))
		n = snprintf(out, outsz, "%s/%s", cwd, in);
	if (n < 0 || (size_t)n >= outsz)
		snprintf(out, outsz, "%s", in); /* too long: as given (config_set refuses a relative one) */
}

int cli_serve(int argc, char **argv)
{
	const char *conf_path = NULL, *port_file = NULL;
	int test_clock = 0, quiet = 0;
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"config-sample", no_argument, NULL, 'S'},
		{"db", required_argument, NULL, 'd'},
		{"db-read-uri", required_argument, NULL, 'R'},
		{"listen", required_argument, NULL, 'l'},
		{"threads", required_argument, NULL, 't'},
		{"max-connections", required_argument, NULL, 'C'},
		{"max-body", required_argument, NULL, 'b'},
		{"max-connections", required_argument, NULL, 'C'},
		{"max-per-ip", required_argument, NULL, 'I'},
		{"timeout", required_argument, NULL, 'o'},
		{"login-max", required_argument, NULL, 'm'},
		{"login-window", required_argument, NULL, 'W'},
		{"web", required_argument, NULL, 'w'},
		{"data", required_argument, NULL, 'D'},
		{"audit-key", required_argument, NULL, 'k'},
		{"pv-key", required_argument, NULL, 'K'},
		{"central-url", required_argument, NULL, 'u'},
		{"public-url", required_argument, NULL, 'P'},
		{"port-file", required_argument, NULL, 'p'},
		{"test-clock", no_argument, NULL, 'T'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	/* flags are applied after the file, in the order given */
	struct {
		const flag_key *fk;
		const char *val;
	} given[64];
	size_t ngiven = 0;
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		const flag_key *fk = NULL;
		for (size_t i = 0; i < NFLAGS; i++)
			if (FLAG_KEYS[i].ch == ch)
				fk = &FLAG_KEYS[i];
		if (fk) {
			if (ngiven == sizeof given / sizeof given[0]) {
				usage(stderr);
				return 2;
			}
			given[ngiven].fk = fk;
			given[ngiven++].val = optarg;
			continue;
		}
		switch (ch) {
		case 'c': conf_path = optarg; break;
		case 'S': config_write_sample(stdout); return 0;
		case 'p': port_file = optarg; break;
		case 'T': test_clock = 1; break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	config cf;
	config_defaults(&cf);
	char err[1024], why[512];
	if (conf_path && !config_load(&cf, conf_path, err, sizeof err)) {
		fprintf(stderr, "sijill: %s\nsijill: not starting; fix the configuration file\n", err);
		return 2;
	}
	for (size_t i = 0; i < ngiven; i++) {
		char full[PATH_MAX];
		const char *v = given[i].val;
		bool pathish = strcmp(given[i].fk->key, "webroot") == 0 || strcmp(given[i].fk->key, "data_dir") == 0 ||
			       strcmp(given[i].fk->key, "audit_key") == 0 || strcmp(given[i].fk->key, "pv_key") == 0;
		if (pathish) {
			abs_path(v, full, sizeof full);
			v = full;
		}
		if (!config_set(&cf, given[i].fk->key, v, why, sizeof why)) {
			fprintf(stderr, "sijill: %s %s: %s\nsijill: not starting\n", given[i].fk->flag, given[i].val, why);
			return 2;
		}
	}
	if (quiet)
		cf.access_log = 0;
	const char *dbu = cf.db, *listen = cf.listen, *key = cf.audit_key[0] ? cf.audit_key : NULL,
		   *web = cf.webroot[0] ? cf.webroot : NULL;
	int threads = (int)cf.threads;
	long long max_body = cf.max_body;
	char host[64];
	int port;
	if (!parse_listen(listen, host, sizeof host, &port)) {
		usage(stderr);
		return 2;
	}
	quiet = !cf.access_log;
	auth_set_login_throttle(cf.login_attempts_per_address, cf.login_window * 1000);
	log_set_quiet(quiet);
	app *a = calloc(1, sizeof *a);
	if (!a)
		return 1;
	char keybuf[PATH_MAX];
	if (!key) {
		cli_default_key_path(dbu, keybuf);
		key = keybuf;
	}
	if (audit_key_load_or_create(key, false)) {
		fprintf(stderr, "sijill: cannot read the audit key %s (run `sijill init` first)\n", key);
		free(a);
		return 1;
	}
	if (xchg_keys_load(key, true)) {
		fprintf(stderr, "sijill: cannot read or create the exchange key %s.exchange\n", key);
		free(a);
		return 1;
	}
	/* the box key kits seal their packets to (mobile.h) */
	if (mob_box_keys_load(key)) {
		fprintf(stderr, "sijill: cannot read or create the mobile box key %s.mobile-box\n", key);
		free(a);
		return 1;
	}
	char pvkey[PATH_MAX + 16];
	if (cf.pv_key[0])
		snprintf(pvkey, sizeof pvkey, "%s", cf.pv_key);
	else
		snprintf(pvkey, sizeof pvkey, "%s.pv-wrap", key);
	if (pv_key_load_or_create(pvkey, true)) {
		fprintf(stderr, "sijill: cannot read or create the PV key %s\n", pvkey);
		free(a);
		return 1;
	}
	if (web) {
		if (!realpath(web, a->webroot)) {
			fprintf(stderr, "sijill: no web directory %s\n", web);
			free(a);
			return 1;
		}
	} else {
		char exe[PATH_MAX], cand[PATH_MAX + 16];
		cli_exe_dir(exe);
		snprintf(cand, sizeof cand, "%s/webroot", exe);
		if (!realpath(cand, a->webroot))
			snprintf(a->webroot, sizeof a->webroot, "/usr/share/sijill/web");
	}
	{
		/* the UI's dictionaries: problem messages and printed documents in both languages */
		char dict[PATH_MAX + 16];
		snprintf(dict, sizeof dict, "%s/i18n", a->webroot);
		if (i18n_load(dict)) {
			fprintf(stderr, "sijill: cannot read the dictionaries %s/ar.json and fr.json\n", dict);
			free(a);
			return 1;
		}
	}
	if (cf.data_dir[0])
		snprintf(a->data_dir, sizeof a->data_dir, "%s", cf.data_dir);
	else
		cli_data_dir(a->data_dir);
	mob_abis_configure(cf.abis_url, cf.abis_reference_base);
	mob_device_configure(cf.device_url);
	http_set_connect_origin(cf.device_url);
	snprintf(a->public_url, sizeof a->public_url, "%s", cf.public_url); /* "" = as the browser reached us */
	a->test_clock = test_clock;
	a->started_ms = clock_now_ms();
	a->db = cli_open_db(dbu, threads + 2 + DB_FINISHERS); /* + the commits waiting for a finisher */
	if (!a->db) {
		free(a);
		return 1;
	}
	if (cf.db_read_uri[0]) {
		/* a second pool for lag-tolerant reads (db.h: db_open_reader) */
		if (db_kind(a->db) != DB_PG) {
			fprintf(stderr, "sijill: db_read_uri needs a PostgreSQL db (it names a standby of central)\n");
			db_close(a->db);
			free(a);
			return 2;
		}
		if (db_open_reader(a->db, cf.db_read_uri, threads + 2)) {
			fprintf(stderr, "sijill: cannot open db_read_uri (see the log above)\n");
			db_close(a->db);
			free(a);
			return 1;
		}
	}
	bool demo = false;
	sj_err e;
	if (auth_demo_active(a->db, &demo)) {
		db_close(a->db);
		free(a);
		return 1;
	}
	if (demo && !is_loopback(host)) {
		fprintf(stderr, "sijill: refusing to listen on %s while demo accounts are active;\n"
				"        disable them (sijill user disable --badge demo-...) or listen on 127.0.0.1\n",
			host);
		db_close(a->db);
		free(a);
		return 1;
	}
	/* WAL checkpoints off the write path; the audit group committer:
	 * before the first request, after the last */
	e = db_start_checkpointer(a->db);
	e = e ? e : db_start_finishers(a->db, DB_FINISHERS);
	e = e ? e : audit_committer_start(a->db);
	if (e) {
		fprintf(stderr, "sijill: cannot start the checkpointer or the audit committer (%s)\n", sj_err_name(e));
		db_close(a->db);
		free(a);
		return 1;
	}
	/* a database that served a public address never gets its demo accounts back */
	if (!is_loopback(host) && auth_mark_public(a->db)) {
		fprintf(stderr, "sijill: cannot record that this database serves a public address\n");
		db_close(a->db);
		free(a);
		return 1;
	}
	http_config cfg = {
		.host = host,
		.trusted_proxy = cf.trusted_proxy[0] ? cf.trusted_proxy : NULL,
		.port = port,
		.threads = threads,
		.max_body = (size_t)max_body,
		.max_connections = (unsigned)cf.max_connections,
		.max_per_ip = (unsigned)cf.max_connections_per_ip,
		.timeout_s = (unsigned)cf.connection_timeout,
		.dispatch = app_dispatch,
		.ctx = a,
	};
	http_server *srv;
	e = http_start(&cfg, &srv);
	if (e) {
		fprintf(stderr, "sijill: cannot listen on %s (%s)\n", listen, sj_err_name(e));
		audit_committer_stop();
		db_close(a->db);
		free(a);
		return 1;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	int bound = http_port(srv);
	if (port_file) {
		char tmp[PATH_MAX + 8];
		snprintf(tmp, sizeof tmp, "%s.tmp", port_file);
		FILE *f = fopen(tmp, "w");
		if (f) {
			fprintf(f, "%d\n", bound);
			fclose(f);
			rename(tmp, port_file);
		}
	}
	log_msg(LOG_INFO, "listening",
		json_pack("{s:s,s:i,s:s,s:i,s:I,s:I,s:s?}", "host", host, "port", bound, "database",
			  db_kind(a->db) == DB_PG ? "postgresql" : "sqlite", "threads", threads, "max_connections_per_ip",
			  (json_int_t)cf.max_connections_per_ip, "login_attempts_per_address",
			  (json_int_t)cf.login_attempts_per_address, "central_url",
			  cf.central_url[0] ? cf.central_url : NULL));
	if (xchg_loop_start(a->db))
		log_msg(LOG_WARN, "the background exchange with central did not start", NULL);
	if (mob_job_start(a->db))
		log_msg(LOG_WARN, "the mobile units' packet validation did not start", NULL);
	if (proc_retention_job_start(a->db))
		log_msg(LOG_WARN, "the daily retention job did not start", NULL);
	while (!stop_requested)
		pause();
	log_msg(LOG_INFO, "stopping", NULL);
	xchg_loop_stop();
	mob_job_stop();
	proc_retention_job_stop();
	http_stop(srv);
	db_stop_finishers(a->db); /* every handed commit ended and answered */
	audit_committer_stop(); /* signs the head at rest */
	db_close(a->db);
	free(a);
	return 0;
}
