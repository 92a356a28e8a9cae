/* test_ops.c — operations, against a real server on SQLite and PostgreSQL:
 * database settings (CLI and API, audited with old and new value, bad values
 * refused with nothing changed), the configuration file (refusals naming
 * file, line, key and range; limits that take effect), the clock status of
 * /healthz, the refusal to downgrade a database, backups (online, while four
 * clients write; restored into a fresh directory; a changed byte, a wrong
 * passphrase, a broken audit chain or PV, and a copy older than the last
 * acknowledged exchange refused) and, on PostgreSQL, reconnection after a
 * lost connection and 503 + Retry-After while only a read-only server
 * (SQLSTATE 25006) is reachable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

/* paths here are built from the scratch directory, far below PATH_MAX */
#pragma GCC diagnostic ignored "-Wformat-truncation"

static th_server S;
static pid_t conf_server; /* the second server of config_limits_take_effect, killed at teardown if left */
static char *admin_tok, *officer_tok, *opj_tok, *auditor_tok;

static int setup(void **state)
{
	(void)state;
	th_setup(&S);
	admin_tok = th_login(&S, "demo-admin");
	officer_tok = th_login(&S, "demo-officer");
	opj_tok = th_login(&S, "demo-opj");
	auditor_tok = th_login(&S, "demo-auditor");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(admin_tok);
	free(officer_tok);
	free(opj_tok);
	free(auditor_tok);
	if (conf_server > 0) {
		kill(conf_server, SIGKILL);
		waitpid(conf_server, NULL, 0);
	}
	return th_teardown(&S) == 0 ? 0 : -1;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static long long audit_count(const char *action)
{
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM audit_log WHERE action = '%s'", action);
	return th_sql_int(&S, sql);
}

/* run runs the binary with argv (NULL-terminated, without the binary) and
 * returns its exit status; out gets stdout+stderr. */
static int run(char *out, size_t outsz, const char *const *args)
{
	int o[2];
	assert_int_equal(pipe(o), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(o[1], 1);
		dup2(o[1], 2);
		close(o[0]);
		int devnull = open("/dev/null", O_RDONLY);
		dup2(devnull, 0);
		const char *argv[40];
		int n = 0;
		argv[n++] = getenv("SIJILL_BIN");
		for (int i = 0; args[i] && n < 39; i++)
			argv[n++] = args[i];
		argv[n] = NULL;
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(o[1]);
	size_t n = 0;
	ssize_t k;
	char tmp[4096];
	while ((k = read(o[0], tmp, sizeof tmp)) > 0)
		if (n + 1 < outsz) {
			size_t c = (size_t)k < outsz - 1 - n ? (size_t)k : outsz - 1 - n;
			memcpy(out + n, tmp, c);
			n += c;
		}
	out[n] = '\0';
	close(o[0]);
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---------- settings ---------- */

static void settings_cli_refuses_and_audits(void **st)
{
	(void)st;
	char out[8192];
	long long before = audit_count("settings.change");
	const char *bad[] = {"settings", "set", "lookup.max_per_minute", "abc", NULL};
	assert_int_equal(th_cli(&S, out, sizeof out, bad), 2);
	assert_non_null(strstr(out, "lookup.max_per_minute must be a whole number from 1 to 10000"));
	assert_non_null(strstr(out, "nothing changed"));
	const char *zero[] = {"settings", "set", "lookup.max_per_minute", "0", NULL};
	assert_int_equal(th_cli(&S, out, sizeof out, zero), 2);
	const char *unknown[] = {"settings", "set", "lookup.max_per_minut", "5", NULL};
	assert_int_equal(th_cli(&S, out, sizeof out, unknown), 2);
	assert_non_null(strstr(out, "no setting named"));
	assert_int_equal(audit_count("settings.change"), before);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM settings WHERE key = 'lookup.max_per_minute'"), 0);

	const char *get[] = {"settings", "get", "lookup.max_per_minute", NULL};
	assert_int_equal(th_cli(&S, out, sizeof out, get), 0);
	assert_int_equal(atoi(out), 30);
	const char *set[] = {"settings", "set", "lookup.max_per_minute", "45", NULL};
	assert_int_equal(th_cli(&S, out, sizeof out, set), 0);
	assert_int_equal(th_cli(&S, out, sizeof out, get), 0);
	assert_int_equal(atoi(out), 45);
	assert_int_equal(audit_count("settings.change"), before + 1);
	/* the audit entry carries the old and the new value */
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM audit_log WHERE action = 'settings.change'"
					" AND object_id = 'lookup.max_per_minute' AND detail LIKE '%\"old\":30%'"
					" AND detail LIKE '%\"new\":45%'"),
			 1);
	const char *list[] = {"settings", "list", NULL};
	assert_int_equal(th_cli(&S, out, sizeof out, list), 0);
	assert_non_null(strstr(out, "exchange.max_days_without"));
	const char *reset[] = {"settings", "reset", "lookup.max_per_minute", NULL};
	assert_int_equal(th_cli(&S, out, sizeof out, reset), 0);
	assert_int_equal(th_cli(&S, out, sizeof out, get), 0);
	assert_int_equal(atoi(out), 30);
}

static th_resp put_setting(const char *tok, const char *key, const char *body)
{
	char path[128];
	snprintf(path, sizeof path, "/api/v1/settings/%s", key);
	return th_json(&S, "PUT", path, tok, body);
}

static json_t *find_setting(json_t *list, const char *key)
{
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o) if (strcmp(json_string_value(json_object_get(o, "key")), key) == 0) return o;
	return NULL;
}

static void settings_api_refuses_audits_and_takes_effect(void **st)
{
	(void)st;
	th_resp r = th_request(&S, "GET", "/api/v1/settings", admin_tok, NULL, 0, NULL);
	assert_int_equal(r.status, 200);
	json_t *s = find_setting(json_object_get(r.json, "settings"), "lookup.max_per_minute");
	assert_non_null(s);
	assert_int_equal(json_integer_value(json_object_get(s, "default")), 30);
	assert_int_equal(json_integer_value(json_object_get(s, "max")), 10000);
	assert_non_null(json_string_value(json_object_get(s, "summary_ar")));
	th_resp_free(&r);

	long long before = audit_count("settings.change");
	const char *bad[] = {"{\"value\":\"abc\"}", "{\"value\":0}", "{\"value\":10001}", "{\"value\":1.5}", "{}",
			     "{\"value\":3,\"other\":1}", NULL};
	for (int i = 0; bad[i]; i++) {
		r = put_setting(admin_tok, "lookup.max_per_minute", bad[i]);
		assert_int_equal(r.status, 400);
		assert_string_equal(th_str(&r, "code"), "validation");
		th_resp_free(&r);
	}
	r = put_setting(admin_tok, "lookup.max_per_minute", "{\"value\":\"abc\"}");
	assert_non_null(strstr(th_str(&r, "detail"), "from 1 to 10000"));
	th_resp_free(&r);
	r = put_setting(admin_tok, "no.such.setting", "{\"value\":3}");
	assert_int_equal(r.status, 404);
	th_resp_free(&r);
	r = put_setting(officer_tok, "lookup.max_per_minute", "{\"value\":3}");
	assert_int_equal(r.status, 403);
	th_resp_free(&r);
	assert_int_equal(audit_count("settings.change"), before);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM settings WHERE key = 'lookup.max_per_minute'"), 0);

	r = put_setting(admin_tok, "lookup.max_per_minute", "{\"value\":2}");
	assert_int_equal(r.status, 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "value")), 2);
	assert_false(json_is_true(json_object_get(r.json, "is_default")));
	th_resp_free(&r);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM audit_log WHERE action = 'settings.change'"
					" AND badge = 'demo-admin' AND detail LIKE '%\"old\":30%' AND detail LIKE '%\"new\":2%'"),
			 1);
	/* the search reads the new limit: past two look-ups in a window, refused. Five
	 * look-ups: the window (60 s from its first look-up, which may be an earlier one of
	 * this officer's) can end among them at most once, so one side holds three or more —
	 * at least one is refused, where the default limit (30) refuses none. */
	int refused = 0;
	for (int i = 0; i < 5; i++) {
		r = th_request(&S, "GET", "/api/v1/persons/search?q=Bennani&purpose=ops-test", officer_tok, NULL, 0, NULL);
		refused += r.status == 429;
		th_resp_free(&r);
	}
	assert_true(refused >= 1);
	r = put_setting(admin_tok, "lookup.max_per_minute", "{\"reset\":true}");
	assert_int_equal(r.status, 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "value")), 30);
	th_resp_free(&r);
}

/* ---------- configuration ---------- */

static void config_refusals_name_file_line_key_range(void **st)
{
	(void)st;
	char path[PATH_MAX + 32], out[8192];
	snprintf(path, sizeof path, "%s/bad.conf", S.dir);
	write_file(path, "# a station\nlisten = 127.0.0.1:0\n\nthreads = 100\n");
	const char *a1[] = {"serve", "--config", path, "--db", S.db, NULL};
	assert_int_equal(run(out, sizeof out, a1), 2);
	assert_non_null(strstr(out, "bad.conf:4: threads = 100: must be a whole number from 1 to 64"));
	write_file(path, "max_conections_per_ip = 3\n");
	assert_int_equal(run(out, sizeof out, a1), 2);
	assert_non_null(strstr(out, "bad.conf:1: max_conections_per_ip = 3: unknown key"));
	write_file(path, "listen = localhost:80\n");
	assert_int_equal(run(out, sizeof out, a1), 2);
	assert_non_null(strstr(out, "bad.conf:1: listen"));
	write_file(path, "threads 4\n");
	assert_int_equal(run(out, sizeof out, a1), 2);
	assert_non_null(strstr(out, "bad.conf:1: expected `key = value`"));
	write_file(path, "login_window = 5\n");
	assert_int_equal(run(out, sizeof out, a1), 2);
	assert_non_null(strstr(out, "from 10 to 86400 (seconds)"));
	const char *a2[] = {"serve", "--db", S.db, "--max-per-ip", "0", NULL};
	assert_int_equal(run(out, sizeof out, a2), 2);
	assert_non_null(strstr(out, "--max-per-ip 0: must be a whole number from 1 to 100000"));
	const char *a3[] = {"serve", "--config", "/nonexistent/sijill.conf", NULL};
	assert_int_equal(run(out, sizeof out, a3), 2);
	assert_non_null(strstr(out, "/nonexistent/sijill.conf: cannot open"));
	/* the sample documents every key and is itself a valid file */
	const char *a4[] = {"serve", "--config-sample", NULL};
	assert_int_equal(run(out, sizeof out, a4), 0);
	assert_non_null(strstr(out, "#max_connections_per_ip = 64"));
	assert_non_null(strstr(out, "#login_attempts_per_address = 60"));
	assert_non_null(strstr(out, "#central_url ="));
	char src[PATH_MAX];
	snprintf(src, sizeof src, "%s/dist/sijill.conf", getenv("SIJILL_SOURCE_ROOT"));
	FILE *f = fopen(src, "r");
	assert_non_null(f);
	char shipped[16384];
	size_t n = fread(shipped, 1, sizeof shipped - 1, f);
	shipped[n] = '\0';
	fclose(f);
	if (strcmp(shipped, out) != 0)
		fail_msg("dist/sijill.conf differs from `sijill serve --config-sample`: regenerate it");
}

/* a second server from a configuration file: its limits take effect */
static void config_limits_take_effect(void **st)
{
	(void)st;
	th_server C = S;
	snprintf(C.dir, sizeof C.dir, "%s/conf", S.dir);
	mkdir(C.dir, 0700);
	char conf[PATH_MAX + 32], portfile[PATH_MAX + 32], log[PATH_MAX + 32], text[PATH_MAX * 2];
	snprintf(conf, sizeof conf, "%s/sijill.conf", C.dir);
	snprintf(portfile, sizeof portfile, "%s/port", C.dir);
	snprintf(log, sizeof log, "%s/server.log", C.dir);
	snprintf(text, sizeof text,
		 "listen = 127.0.0.1:0\nthreads = 2\nmax_connections_per_ip = 2\n"
		 "login_attempts_per_address = 3   # a small station\nlogin_window = 60\ndb = \"%s\"\naudit_key = %s\n"
		 "access_log = off\n",
		 S.db, S.key);
	write_file(conf, text);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		dup2(fd, 1);
		dup2(fd, 2);
		const char *argv[] = {getenv("SIJILL_BIN"), "serve", "--config", conf, "--port-file", portfile, NULL};
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	C.pid = pid;
	conf_server = pid;
	C.port = 0;
	for (int i = 0; i < 600 && !C.port; i++) {
		FILE *f = fopen(portfile, "r");
		if (f) {
			if (fscanf(f, "%d", &C.port) != 1)
				C.port = 0;
			fclose(f);
		}
		if (!C.port)
			usleep(50000);
	}
	assert_true(C.port > 0);
	/* per address: two idle connections are allowed, the third is closed */
	int socks[3];
	for (int i = 0; i < 3; i++) {
		socks[i] = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)C.port)};
		inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
		assert_int_equal(connect(socks[i], (struct sockaddr *)&sa, sizeof sa), 0);
		usleep(100000);
	}
	const char req[] = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	ssize_t w = write(socks[2], req, sizeof req - 1);
	(void)w;
	char buf[256];
	struct timeval tv = {5, 0};
	setsockopt(socks[2], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	ssize_t got = read(socks[2], buf, sizeof buf);
	assert_true(got <= 0); /* closed without an answer */
	for (int i = 0; i < 3; i++)
		close(socks[i]);
	usleep(200000);
	/* the login throttle per address: 3 attempts per window, then 429 (the
	 * counter lives in the database: start from a fresh window) */
	assert_int_equal(th_sql(&S, "DELETE FROM rate_limits WHERE key = 'login-ip:127.0.0.1'"), 0);
	int throttled = 0;
	for (int i = 0; i < 5; i++) {
		th_resp r = th_json(&C, "POST", "/api/v1/session", NULL, "{\"badge\":\"demo-officer\",\"password\":\"wrong-password-1\"}");
		throttled += r.status == 429;
		th_resp_free(&r);
	}
	assert_int_equal(throttled, 2);
	conf_server = 0;
	assert_int_equal(th_stop_server(&C), 0);
	assert_int_equal(th_sql(&S, "DELETE FROM rate_limits WHERE key = 'login-ip:127.0.0.1'"), 0);
}

/* ---------- clock ---------- */

static void healthz_reports_the_clock(void **st)
{
	(void)st;
	th_resp r = th_request(&S, "GET", "/healthz", NULL, NULL, 0, NULL);
	assert_int_equal(r.status, 200);
	json_t *clk = json_object_get(r.json, "clock");
	assert_non_null(clk);
	json_t *sync = json_object_get(clk, "synchronised");
	assert_true(json_is_boolean(sync) || json_is_null(sync));
	assert_non_null(json_string_value(json_object_get(clk, "source")));
	th_resp_free(&r);
	const char *cases[][2] = {{"no", "false"}, {"yes", "true"}};
	for (int i = 0; i < 2; i++) {
		char body[96];
		snprintf(body, sizeof body, "{\"offset_ms\":0,\"clock_synchronised\":\"%s\"}", cases[i][0]);
		r = th_json(&S, "POST", "/api/v1/test/clock", S.clock_token, body);
		assert_int_equal(r.status, 200);
		th_resp_free(&r);
		r = th_request(&S, "GET", "/healthz", NULL, NULL, 0, NULL);
		assert_int_equal(r.status, 200); /* a warning, not unavailability */
		assert_string_equal(th_str(&r, "status"), "ok");
		clk = json_object_get(r.json, "clock");
		assert_int_equal(json_is_true(json_object_get(clk, "synchronised")), strcmp(cases[i][1], "true") == 0);
		assert_string_equal(json_string_value(json_object_get(clk, "source")), "test");
		th_resp_free(&r);
	}
	r = th_json(&S, "POST", "/api/v1/test/clock", S.clock_token, "{\"offset_ms\":0,\"clock_synchronised\":\"auto\"}");
	assert_int_equal(r.status, 200);
	th_resp_free(&r);
}

/* ---------- downgrade ---------- */

static void a_newer_database_is_refused(void **st)
{
	(void)st;
	char out[8192];
	assert_int_equal(th_sql(&S, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)"), 0);
	const char *list[] = {"user", "list", NULL};
	assert_int_equal(th_cli(&S, out, sizeof out, list), 1);
	assert_non_null(strstr(out, "migrated by a newer sijill (it has schema version 9999"));
	assert_non_null(strstr(out, "Refusing to downgrade"));
	const char *mig[] = {"migrate", "--no-backup", NULL};
	assert_int_equal(th_cli(&S, out, sizeof out, mig), 1);
	assert_non_null(strstr(out, "Refusing to downgrade"));
	assert_int_equal(th_sql(&S, "DELETE FROM schema_migrations WHERE version = 9999"), 0);
	assert_int_equal(th_cli(&S, out, sizeof out, list), 0);
	const char *mig2[] = {"migrate", S.pg ? "--no-backup" : "--backup-dir", S.pg ? NULL : S.dir, NULL};
	assert_int_equal(th_cli(&S, out, sizeof out, mig2), 0);
	assert_non_null(strstr(out, "schema up to date"));
}

/* ---------- backups (SQLite) ---------- */

typedef struct writer {
	pthread_t th;
	char *tok;
	int n;                    /* acknowledged cases */
	char ids[400][40];
	int64_t acked_us[400];    /* when each was acknowledged (monotonic) */
} writer;

static atomic_int writers_stop;

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void *write_cases(void *arg)
{
	writer *w = arg;
	while (!atomic_load(&writers_stop) && w->n < 400) {
		th_resp r = th_json(&S, "POST", "/api/v1/cases", w->tok,
				    "{\"frame\":\"preliminary\",\"offences\":[{\"code\":\"CP-505\"}],\"summary\":\"sauvegarde\"}");
		if (r.status == 201) {
			snprintf(w->ids[w->n], sizeof w->ids[0], "%s", th_str(&r, "id"));
			w->acked_us[w->n++] = mono_us();
		}
		th_resp_free(&r);
	}
	return NULL;
}

static void sealed_pv(void)
{
	th_resp r = th_json(&S, "POST", "/api/v1/cases", officer_tok,
			    "{\"frame\":\"flagrant\",\"offences\":[{\"code\":\"CP-505\"}],\"summary\":\"PV scellé\",\"opj\":\"demo-opj\"}");
	assert_int_equal(r.status, 201);
	char case_id[40], path[128], body[512];
	snprintf(case_id, sizeof case_id, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/cases/%s/persons", case_id);
	r = th_json(&S, "POST", path, officer_tok,
		    "{\"role\":\"suspect\",\"person\":{\"cin\":\"BK990001\",\"last_name_lat\":\"Sauvegarde\",\"first_name_lat\":\"Said\"}}");
	assert_int_equal(r.status, 201);
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/cases/%s", case_id);
	r = th_request(&S, "GET", path, officer_tok, NULL, 0, NULL);
	char person[40];
	snprintf(person, sizeof person, "%s",
		 json_string_value(json_object_get(json_array_get(json_object_get(r.json, "persons"), 0), "person_id")));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/cases/%s/pvs", case_id);
	snprintf(body, sizeof body,
		 "{\"type\":\"hearing_suspect\",\"person_id\":\"%s\",\"place\":\"Oulfa\",\"statements\":\"Je conteste.\","
		 "\"read_back\":true,\"signature\":\"signed\"}",
		 person);
	r = th_json(&S, "POST", path, officer_tok, body);
	assert_int_equal(r.status, 201);
	char pv[40];
	snprintf(pv, sizeof pv, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/pvs/%s/seal", pv);
	r = th_json(&S, "POST", path, opj_tok, "{}");
	if (r.status != 200)
		fprintf(stderr, "# seal: %ld %s\n", r.status, r.body);
	assert_int_equal(r.status, 200);
	th_resp_free(&r);
}

/* restored_server makes R a server on the database restored in dir. */
static void restored_server(th_server *R, const char *dir)
{
	*R = S;
	R->pid = 0;
	snprintf(R->dir, sizeof R->dir, "%s", dir);
	snprintf(R->db, sizeof R->db, "%s/sijill.db", dir);
	snprintf(R->key, sizeof R->key, "%s/sijill.db.audit-key", dir);
}

static int restore(th_server *R, const char *backup, const char *passfile, bool force, char *out, size_t outsz)
{
	const char *a[] = {"restore", "--passphrase-file", passfile, backup, force ? "--force" : NULL, NULL};
	return th_cli(R, out, outsz, a);
}

static void flip_byte(const char *path, long at)
{
	FILE *f = fopen(path, "r+b");
	assert_non_null(f);
	fseek(f, at, SEEK_SET);
	int c = fgetc(f);
	fseek(f, at, SEEK_SET);
	fputc(c ^ 0x01, f);
	fclose(f);
}

static void backup_while_writing_then_restore(void **st)
{
	(void)st;
	char out[16384], pass[PATH_MAX + 32], bk[PATH_MAX + 32], cmd[PATH_MAX * 3];
	snprintf(pass, sizeof pass, "%s/passphrase", S.dir);
	write_file(pass, "une phrase de passe assez longue\n");
	snprintf(bk, sizeof bk, "%s/backup-1", S.dir);
	if (S.pg) {
		const char *a[] = {"backup", "--passphrase-file", pass, bk, NULL};
		assert_int_equal(th_cli(&S, out, sizeof out, a), 2);
		assert_non_null(strstr(out, "pg_basebackup"));
		return;
	}
	sealed_pv();
	/* four clients write cases while the backup runs */
	writer *w = calloc(4, sizeof *w);
	const char *badges[] = {"demo-officer", "demo-opj", "demo-chief", "demo-officer2"};
	atomic_store(&writers_stop, 0);
	for (int i = 0; i < 4; i++) {
		w[i].tok = th_login(&S, badges[i]);
		pthread_create(&w[i].th, NULL, write_cases, &w[i]);
	}
	usleep(700000);
	int64_t backup_started = mono_us();
	const char *a[] = {"backup", "--passphrase-file", pass, bk, NULL};
	int rc = th_cli(&S, out, sizeof out, a);
	int64_t backup_ended = mono_us();
	usleep(300000);
	atomic_store(&writers_stop, 1);
	for (int i = 0; i < 4; i++)
		pthread_join(w[i].th, NULL);
	if (rc != 0)
		fprintf(stderr, "# backup: %s\n", out);
	assert_int_equal(rc, 0);
	int before = 0, during = 0, after = 0;
	for (int i = 0; i < 4; i++)
		for (int k = 0; k < w[i].n; k++) {
			if (w[i].acked_us[k] < backup_started)
				before++;
			else if (w[i].acked_us[k] <= backup_ended)
				during++;
			else
				after++;
		}
	fprintf(stderr, "# acknowledged: %d before the backup, %d during, %d after\n", before, during, after);
	assert_true(before > 0);
	assert_true(during + after > 0); /* the clients really wrote while it ran */

	/* restore into a fresh directory; a server there answers every case
	 * acknowledged before the backup began */
	char fresh[PATH_MAX + 32];
	snprintf(fresh, sizeof fresh, "%s/fresh", S.dir);
	mkdir(fresh, 0700);
	th_server R;
	restored_server(&R, fresh);
	rc = restore(&R, bk, pass, false, out, sizeof out);
	if (rc != 0)
		fprintf(stderr, "# restore: %s\n", out);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "1 sealed PVs verified"));
	const char *verify[] = {"audit", "verify", NULL};
	assert_int_equal(th_cli(&R, out, sizeof out, verify), 0);
	th_start_server(&R);
	char *tok = th_login(&R, "demo-admin");
	int present = 0, checked = 0;
	for (int i = 0; i < 4; i++)
		for (int k = 0; k < w[i].n; k++) {
			if (w[i].acked_us[k] >= backup_started)
				continue;
			char path[128];
			snprintf(path, sizeof path, "/api/v1/cases/%s", w[i].ids[k]);
			th_resp r = th_request(&R, "GET", path, tok, NULL, 0, NULL);
			checked++;
			present += r.status == 200;
			th_resp_free(&r);
		}
	free(tok);
	fprintf(stderr, "# restored server: %d of %d acknowledged-before-backup cases present\n", present, checked);
	assert_int_equal(present, checked);
	assert_int_equal(th_stop_server(&R), 0);
	for (int i = 0; i < 4; i++)
		free(w[i].tok);
	free(w);

	/* one changed byte, anywhere, is refused and nothing is put in place */
	const char *targets[] = {"sijill.db", "audit-key.enc", "MANIFEST.json", NULL};
	for (int t = 0; targets[t]; t++) {
		char bad[PATH_MAX + 32], f[PATH_MAX + 64], fresh2[PATH_MAX + 32];
		snprintf(bad, sizeof bad, "%s/backup-bad-%d", S.dir, t);
		snprintf(cmd, sizeof cmd, "cp -r '%s' '%s'", bk, bad);
		assert_int_equal(system(cmd), 0);
		snprintf(f, sizeof f, "%s/%s", bad, targets[t]);
		long at = t == 0 ? 40000 : 30;
		if (t == 2) { /* a digit of created_at: still valid JSON, so only the MAC tells */
			FILE *mf = fopen(f, "r");
			char mt[4096];
			size_t mn = fread(mt, 1, sizeof mt - 1, mf);
			mt[mn] = '\0';
			fclose(mf);
			at = (long)(strstr(mt, "\"created_at\": ") - mt) + 16;
		}
		flip_byte(f, at);
		snprintf(fresh2, sizeof fresh2, "%s/fresh-bad-%d", S.dir, t);
		mkdir(fresh2, 0700);
		th_server B;
		restored_server(&B, fresh2);
		assert_int_equal(restore(&B, bad, pass, false, out, sizeof out), 1);
		fprintf(stderr, "# corrupted %s: %s", targets[t], out);
		assert_non_null(strstr(out, "refusing to restore"));
		assert_true(t != 0 || strstr(out, "sijill.db is corrupted") != NULL);
		assert_true(t != 2 || strstr(out, "MAC") != NULL);
		assert_int_not_equal(access(B.db, F_OK), 0);
	}
	/* a wrong passphrase */
	char wrong[PATH_MAX + 32];
	snprintf(wrong, sizeof wrong, "%s/wrong", S.dir);
	write_file(wrong, "pas la bonne phrase de passe\n");
	th_server W;
	char fresh3[PATH_MAX + 32];
	snprintf(fresh3, sizeof fresh3, "%s/fresh-wrong", S.dir);
	mkdir(fresh3, 0700);
	restored_server(&W, fresh3);
	assert_int_equal(restore(&W, bk, wrong, false, out, sizeof out), 1);
	assert_non_null(strstr(out, "wrong passphrase"));

	/* a copy older than the node's last acknowledged exchange: refused
	 * without --force (the exchange will keep exchange.last_ack_seq) */
	assert_int_equal(th_sql(&R, "INSERT INTO node_state (key, value, updated_at) VALUES ('exchange.last_ack_seq', 12, 0)"), 0);
	assert_int_equal(restore(&R, bk, pass, false, out, sizeof out), 1);
	assert_non_null(strstr(out, "older than the node's last acknowledged exchange"));
	assert_non_null(strstr(out, "acknowledged sequence 12"));
	assert_int_equal(th_sql_int(&R, "SELECT value FROM node_state WHERE key = 'exchange.last_ack_seq'"), 12);
	assert_int_equal(restore(&R, bk, pass, true, out, sizeof out), 0);
	assert_int_equal(th_sql_int(&R, "SELECT COUNT(*) FROM node_state"), 0);
	snprintf(cmd, sizeof cmd, "ls '%s' | grep -q 'sijill.db.before-restore-'", fresh);
	assert_int_equal(system(cmd), 0); /* the replaced database is kept beside */

	/* a backup whose audit chain or sealed PV was tampered with */
	const char *tamper[] = {"UPDATE audit_log SET action = 'x.edited' WHERE seq = 3",
				"UPDATE pvs SET content = REPLACE(content, 'conteste', 'reconnais') WHERE status = 'sealed'",
				NULL};
	const char *why[] = {"audit chain of the copy is BROKEN", "sealed PV"};
	for (int t = 0; tamper[t]; t++) {
		char src[PATH_MAX + 32], bk2[PATH_MAX + 32], dst[PATH_MAX + 32];
		snprintf(src, sizeof src, "%s/tamper-%d", S.dir, t);
		mkdir(src, 0700);
		th_server T;
		restored_server(&T, src);
		assert_int_equal(restore(&T, bk, pass, false, out, sizeof out), 0);
		assert_int_equal(th_sql(&T, tamper[t]), 0);
		snprintf(bk2, sizeof bk2, "%s/backup-tamper-%d", S.dir, t);
		const char *b2[] = {"backup", "--passphrase-file", pass, bk2, NULL};
		assert_int_equal(th_cli(&T, out, sizeof out, b2), 0);
		snprintf(dst, sizeof dst, "%s/tamper-dst-%d", S.dir, t);
		mkdir(dst, 0700);
		th_server D;
		restored_server(&D, dst);
		assert_int_equal(restore(&D, bk2, pass, false, out, sizeof out), 1);
		fprintf(stderr, "# tampered: %s", out);
		assert_non_null(strstr(out, why[t]));
		assert_int_not_equal(access(D.db, F_OK), 0);
	}
}

/* ---------- PostgreSQL: reconnect, and 503 while no primary ---------- */

static void pg_reconnects_and_answers_503(void **st)
{
	(void)st;
	if (!S.pg)
		return; /* SQLite has no failover; its busy answer is 503 too (app_fail) */
	char sql[256];
	const char *kill_sessions = "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity"
				    " WHERE datname = current_database() AND pid <> pg_backend_pid()";
	const char *case_body = "{\"frame\":\"preliminary\",\"offences\":[{\"code\":\"CP-505\"}],\"summary\":\"bascule\"}";
	/* 1. every pooled connection is cut: the next requests reconnect */
	assert_true(th_sql_int(&S, kill_sessions) >= 1);
	th_resp r = th_json(&S, "POST", "/api/v1/cases", officer_tok, case_body);
	assert_int_equal(r.status, 201);
	th_resp_free(&r);
	for (int i = 0; i < 8; i++) { /* the pool's other connections too */
		r = th_request(&S, "GET", "/api/v1/me", officer_tok, NULL, 0, NULL);
		assert_int_equal(r.status, 200);
		th_resp_free(&r);
	}
	/* 2. only a read-only server is reachable (a demoted primary): writes
	 * fail with SQLSTATE 25006 and are answered 503 + Retry-After, never 500 */
	snprintf(sql, sizeof sql, "ALTER DATABASE %s SET default_transaction_read_only = on", S.pgname);
	assert_int_equal(th_sql(&S, sql), 0);
	assert_true(th_sql_int(&S, kill_sessions) >= 1);
	int unavailable = 0;
	for (int i = 0; i < 6; i++) {
		r = th_json(&S, "POST", "/api/v1/cases", officer_tok, case_body);
		assert_true(r.status != 500 && r.status != 201);
		if (r.status == 503) {
			unavailable++;
			assert_string_equal(th_str(&r, "code"), "database-unavailable");
			assert_non_null(strstr(r.headers, "Retry-After: 2"));
		}
		th_resp_free(&r);
	}
	assert_int_equal(unavailable, 6);
	/* 3. the primary is back: service resumes without a restart */
	snprintf(sql, sizeof sql, "BEGIN READ WRITE; ALTER DATABASE %s RESET default_transaction_read_only; COMMIT",
		 S.pgname);
	assert_int_equal(th_sql(&S, sql), 0);
	(void)th_sql_int(&S, kill_sessions);
	int created = 0;
	for (int i = 0; i < 6; i++) {
		r = th_json(&S, "POST", "/api/v1/cases", officer_tok, case_body);
		assert_true(r.status != 500);
		created += r.status == 201;
		th_resp_free(&r);
	}
	assert_int_equal(created, 6);
	char out[4096];
	const char *verify[] = {"audit", "verify", NULL};
	assert_int_equal(th_cli(&S, out, sizeof out, verify), 0);
}

/* ---------- PostgreSQL: replication in /healthz and /metrics ---------- */

static th_resp healthz(th_server *x)
{
	return th_request(x, "GET", "/healthz", NULL, NULL, 0, NULL);
}

static const char *repl_state(const th_resp *r)
{
	const char *v = json_string_value(json_object_get(json_object_get(r->json, "replication"), "state"));
	return v ? v : "";
}

static void pg_healthz_warns_without_a_sync_standby(void **st)
{
	(void)st;
	th_resp r = healthz(&S);
	assert_int_equal(r.status, 200);
	if (!S.pg) {
		assert_null(json_object_get(r.json, "replication")); /* SQLite: nothing to replicate */
		th_resp_free(&r);
		return;
	}
	/* the test cluster replicates nothing: standalone, no warning */
	assert_string_equal(th_str(&r, "status"), "ok");
	assert_string_equal(repl_state(&r), "standalone");
	th_resp_free(&r);
	/* a slot kept for a standby that is not streaming (pg_auto_failover's
	 * wait_primary): a second failure would lose writes */
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM pg_create_physical_replication_slot('sijill_test_standby')"), 1);
	r = healthz(&S);
	assert_int_equal(r.status, 200); /* still serving: a warning, not unavailability */
	assert_string_equal(th_str(&r, "status"), "degraded");
	assert_string_equal(repl_state(&r), "no-sync-standby");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r.json, "replication"), "sync_standbys")), 0);
	th_resp_free(&r);
	r = th_request(&S, "GET", "/metrics", admin_tok, NULL, 0, NULL);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\nsijill_db_without_sync_standby 1\n"));
	assert_non_null(strstr(r.body, "\nsijill_db_sync_standbys 0\n"));
	th_resp_free(&r);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM pg_drop_replication_slot('sijill_test_standby')"), 1);
	r = healthz(&S);
	assert_string_equal(th_str(&r, "status"), "ok");
	th_resp_free(&r);
	r = th_request(&S, "GET", "/metrics", admin_tok, NULL, 0, NULL);
	assert_non_null(strstr(r.body, "\nsijill_db_without_sync_standby 0\n"));
	th_resp_free(&r);
}

/* ---------- PostgreSQL: lag-tolerant reads from db_read_uri ---------- */

static long long sql_int_on(const char *uri, const char *sql)
{
	th_server x;
	memset(&x, 0, sizeof x);
	snprintf(x.db, sizeof x.db, "%s", uri);
	return th_sql_int(&x, sql);
}

/* A second server whose db_read_uri names another, read-only database
 * standing in for a standby (empty registers): its national lists and
 * person search answer from there, while their audit entries and every
 * write go to the primary. */
static void pg_reads_from_db_read_uri(void **st)
{
	(void)st;
	if (!S.pg)
		return; /* the read pool is a PostgreSQL feature (serve refuses it with SQLite) */
	char sql[512], rdb[PATH_MAX + 128], rkey[PATH_MAX + 32], out[8192];
	const char *slash = strrchr(S.db, '/');
	snprintf(rdb, sizeof rdb, "%.*s/%s_r", (int)(slash - S.db), S.db, S.pgname);
	snprintf(rkey, sizeof rkey, "%s/reader.key", S.dir);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s_r", S.pgname);
	assert_int_equal(th_sql(&S, sql), 0);
	const char *init[] = {"init", "--db", rdb, "--demo", "--audit-key", rkey, NULL};
	assert_int_equal(run(out, sizeof out, init), 0);
	snprintf(sql, sizeof sql, "ALTER DATABASE %s_r SET default_transaction_read_only = on", S.pgname);
	assert_int_equal(th_sql(&S, sql), 0);
	/* a wanted notice on the primary only */
	th_resp r = th_json(&S, "POST", "/api/v1/registers/wanted", opj_tok,
			    "{\"reference\":\"HA-2026-001\",\"authority_code\":\"TPI-CASA-PENAL\",\"order_reference\":\"ORD-2024-1\",\"order_date\":\"2024-06-01\",\"issuing_authority\":\"Procureur du Roi, TPI Casablanca\","
			    "\"offence_code\":\"CP-505\",\"offence\":\"vol\",\"danger\":\"low\",\"first_name_lat\":\"Mourad\","
			    "\"last_name_lat\":\"Lagrini\",\"birth_date\":\"1980-01-02\"}");
	assert_int_equal(r.status, 201);
	th_resp_free(&r);

	th_server C = S;
	snprintf(C.dir, sizeof C.dir, "%s/reader", S.dir);
	mkdir(C.dir, 0700);
	char conf[PATH_MAX + 32], portfile[PATH_MAX + 32], log[PATH_MAX + 32], text[PATH_MAX * 3];
	snprintf(conf, sizeof conf, "%s/sijill.conf", C.dir);
	snprintf(portfile, sizeof portfile, "%s/port", C.dir);
	snprintf(log, sizeof log, "%s/server.log", C.dir);
	snprintf(text, sizeof text, "listen = 127.0.0.1:0\nthreads = 2\ndb = \"%s\"\ndb_read_uri = \"%s\"\naudit_key = %s\n",
		 S.db, rdb, S.key);
	write_file(conf, text);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		dup2(fd, 1);
		dup2(fd, 2);
		const char *argv[] = {getenv("SIJILL_BIN"), "serve", "--config", conf, "--port-file", portfile, NULL};
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	C.pid = pid;
	conf_server = pid;
	C.port = 0;
	for (int i = 0; i < 600 && !C.port; i++) {
		FILE *f = fopen(portfile, "r");
		if (f) {
			if (fscanf(f, "%d", &C.port) != 1)
				C.port = 0;
			fclose(f);
		}
		if (!C.port)
			usleep(50000);
	}
	assert_true(C.port > 0);

	long long audits = audit_count("register.wanted.list"), raudits = sql_int_on(rdb, "SELECT COUNT(*) FROM audit_log");
	r = th_request(&C, "GET", "/api/v1/registers/wanted", officer_tok, NULL, 0, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0); /* read from the reader */
	th_resp_free(&r);
	r = th_request(&S, "GET", "/api/v1/registers/wanted", officer_tok, NULL, 0, NULL);
	assert_true(json_array_size(json_object_get(r.json, "items")) >= 1); /* the primary has it */
	th_resp_free(&r);
	assert_int_equal(audit_count("register.wanted.list"), audits + 2); /* both audited on the primary */

	long long searches = audit_count("person.search");
	r = th_request(&C, "GET", "/api/v1/persons/search?q=Lagrini&purpose=verification", officer_tok, NULL, 0, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "results")), 0);
	th_resp_free(&r);
	assert_int_equal(audit_count("person.search"), searches + 1);
	r = th_request(&C, "GET", "/api/v1/audit/flags", auditor_tok, NULL, 0, NULL);
	assert_int_equal(r.status, 200);
	th_resp_free(&r);
	assert_int_equal(sql_int_on(rdb, "SELECT COUNT(*) FROM audit_log"), raudits); /* nothing written there */

	/* writes still go to the primary */
	r = th_json(&C, "POST", "/api/v1/cases", officer_tok,
		    "{\"frame\":\"preliminary\",\"offences\":[{\"code\":\"CP-505\"}],\"summary\":\"lecteur\"}");
	assert_int_equal(r.status, 201);
	th_resp_free(&r);
	r = healthz(&C);
	assert_int_equal(r.status, 200);
	json_t *reader = json_object_get(json_object_get(r.json, "replication"), "reader");
	assert_non_null(reader);
	assert_true(json_is_false(json_object_get(reader, "in_recovery")));
	th_resp_free(&r);
	conf_server = 0;
	assert_int_equal(th_stop_server(&C), 0);
	snprintf(sql, sizeof sql, "DROP DATABASE %s_r WITH (FORCE)", S.pgname);
	assert_int_equal(th_sql(&S, sql), 0);

	/* SQLite has no standby: the key is refused at start */
	snprintf(text, sizeof text, "listen = 127.0.0.1:0\ndb = \"%s/lite.db\"\ndb_read_uri = \"%s\"\naudit_key = %s\n",
		 S.dir, rdb, S.key);
	write_file(conf, text);
	const char *serve[] = {"serve", "--config", conf, NULL};
	assert_int_equal(run(out, sizeof out, serve), 2);
	assert_non_null(strstr(out, "db_read_uri needs a PostgreSQL db"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(settings_cli_refuses_and_audits),
		cmocka_unit_test(settings_api_refuses_audits_and_takes_effect),
		cmocka_unit_test(config_refusals_name_file_line_key_range),
		cmocka_unit_test(config_limits_take_effect),
		cmocka_unit_test(healthz_reports_the_clock),
		cmocka_unit_test(a_newer_database_is_refused),
		cmocka_unit_test(backup_while_writing_then_restore),
		cmocka_unit_test(pg_reconnects_and_answers_503),
		cmocka_unit_test(pg_healthz_warns_without_a_sync_standby),
		cmocka_unit_test(pg_reads_from_db_read_uri),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
