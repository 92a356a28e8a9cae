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
#include "core/clock.h"
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
	fputs("usage: sijill serve --db DB [--listen HOST:PORT] [options]\n"
	      "\n"
	      "Serve the web interface and the JSON API (/api/v1) until SIGINT or SIGTERM.\n"
	      "\n"
	      "  --db DB            a SQLite file path, or a postgresql:// URI\n"
	      "  --listen HOST:PORT address to listen on (default 127.0.0.1:8080; port 0 picks one;\n"
	      "                     IPv6 as [::1]:8080). A non-loopback address is refused while\n"
	      "                     demo accounts are active.\n"
	      "  --threads N        worker threads (default 4). A request waiting for the database\n"
	      "                     or for its audit entry to be durable holds its thread.\n"
	      "  --max-connections N  open connections at most (default 512), shared evenly by\n"
	      "                     the threads: with N = threads, no two connections share one\n"
	      "                     thread, so none waits behind another's audit flush\n"
	      "  --max-body BYTES   largest request body (default 1048576)\n"
	      "  --web DIR          the web UI's files (default: webroot next to the binary)\n"
	      "  --audit-key PATH   audit checkpoint key (default as for `sijill init`)\n"
	      "  --port-file FILE   write the bound port there once listening\n"
	      "  --test-clock       allow POST /api/v1/test/clock (tests only)\n"
	      "  --quiet            no access log\n"
	      "  -h, --help         this help\n", f);
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

int cli_serve(int argc, char **argv)
{
	const char *dbu = getenv("SIJILL_DB"), *listen = "127.0.0.1:8080", *web = NULL, *key = NULL,
		   *port_file = NULL;
	int threads = 4, test_clock = 0, quiet = 0, max_conns = SJ_MAX_CONNECTIONS;
	long long max_body = SJ_MAX_BODY_DEFAULT;
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"listen", required_argument, NULL, 'l'},
		{"threads", required_argument, NULL, 't'},
		{"max-connections", required_argument, NULL, 'C'},
		{"max-body", required_argument, NULL, 'b'},
		{"web", required_argument, NULL, 'w'},
		{"audit-key", required_argument, NULL, 'k'},
		{"port-file", required_argument, NULL, 'p'},
		{"test-clock", no_argument, NULL, 'T'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dbu = optarg; break;
		case 'l': listen = optarg; break;
		case 't': threads = atoi(optarg); break;
		case 'C': max_conns = atoi(optarg); break;
		case 'b': max_body = atoll(optarg); break;
		case 'w': web = optarg; break;
		case 'k': key = optarg; break;
		case 'p': port_file = optarg; break;
		case 'T': test_clock = 1; break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	char host[64];
	int port;
	if (!dbu || optind != argc || !parse_listen(listen, host, sizeof host, &port) || threads < 1 ||
	    threads > 64 || max_body < 1024 || max_body > 64LL * 1024 * 1024 || max_conns < threads ||
	    max_conns > 65536) {
		usage(stderr);
		return 2;
	}
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
	char pvkey[PATH_MAX + 16];
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
	cli_data_dir(a->data_dir);
	a->test_clock = test_clock;
	a->started_ms = clock_now_ms();
	a->db = cli_open_db(dbu, threads + 2);
	if (!a->db) {
		free(a);
		return 1;
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
	e = e ? e : audit_committer_start(a->db);
	if (e) {
		fprintf(stderr, "sijill: cannot start the checkpointer or the audit committer (%s)\n", sj_err_name(e));
		db_close(a->db);
		free(a);
		return 1;
	}
	http_config cfg = {
		.host = host,
		.port = port,
		.threads = threads,
		.max_connections = (unsigned)max_conns,
		.max_body = (size_t)max_body,
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
		json_pack("{s:s,s:i,s:s,s:i}", "host", host, "port", bound, "database",
			  db_kind(a->db) == DB_PG ? "postgresql" : "sqlite", "threads", threads));
	while (!stop_requested)
		pause();
	log_msg(LOG_INFO, "stopping", NULL);
	http_stop(srv);
	audit_committer_stop(); /* signs the head at rest */
	db_close(a->db);
	free(a);
	return 0;
}
