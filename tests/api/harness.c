/* harness.c — see harness.h. */
#include "harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "db/db.h"

static void die(const char *what)
{
	fprintf(stderr, "harness: %s\n", what);
	abort();
}

static const char *bin(void)
{
	const char *b = getenv("SIJILL_BIN");
	if (!b)
		die("SIJILL_BIN is not set");
	return b;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static int run_wait(const char *const *argv, const char *stdin_text, char *out, size_t outsz)
{
	int in[2], o[2];
	if (pipe(in) || pipe(o))
		die("pipe");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(o[1], 1);
		dup2(o[1], 2);
		close(in[1]);
		close(o[0]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	close(o[1]);
	if (stdin_text) {
		ssize_t w = write(in[1], stdin_text, strlen(stdin_text));
		(void)w;
	}
	close(in[1]);
	size_t n = 0;
	char tmp[4096];
	ssize_t k;
	while ((k = read(o[0], tmp, sizeof tmp)) > 0) {
		if (out && n + 1 < outsz) {
			size_t c = (size_t)k < outsz - 1 - n ? (size_t)k : outsz - 1 - n;
			memcpy(out + n, tmp, c);
			n += c;
		}
	}
	if (out && outsz)
		out[n] = '\0';
	close(o[0]);
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void pg_admin(const char *sql)
{
	const char *uri = getenv("SIJILL_TEST_PG_URI");
	PGconn *c = PQconnectdb(uri);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "harness: %s\n", PQerrorMessage(c));
		die("cannot reach the test PostgreSQL");
	}
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		fprintf(stderr, "harness: %s: %s\n", sql, PQerrorMessage(c));
		die("PostgreSQL admin statement failed");
	}
	PQclear(r);
	PQfinish(c);
}

void th_setup(th_server *s)
{
	memset(s, 0, sizeof *s);
	if (sodium_init() < 0)
		die("sodium");
	curl_global_init(CURL_GLOBAL_DEFAULT);
	snprintf(s->dir, sizeof s->dir, "/tmp/sijill-test-XXXXXX");
	if (!mkdtemp(s->dir))
		die("mkdtemp");
	snprintf(s->key, sizeof s->key, "%s/audit.key", s->dir);
	const char *backend = getenv("SIJILL_TEST_BACKEND");
	s->pg = backend && strcmp(backend, "pg") == 0;
	if (s->pg) {
		const char *uri = getenv("SIJILL_TEST_PG_URI");
		if (!uri || !*uri)
			die("SIJILL_TEST_BACKEND=pg needs SIJILL_TEST_PG_URI (tests/run.sh starts a cluster)");
		unsigned char rnd[6];
		char hex[13];
		randombytes_buf(rnd, sizeof rnd);
		sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
		snprintf(s->pgname, sizeof s->pgname, "t_%s", hex);
		char sql[128];
		snprintf(sql, sizeof sql, "CREATE DATABASE %s", s->pgname);
		pg_admin(sql);
		/* same server, other database: replace the path of the admin URI */
		const char *slash = strrchr(uri, '/');
		snprintf(s->db, sizeof s->db, "%.*s/%s", (int)(slash - uri), uri, s->pgname);
	} else {
		snprintf(s->db, sizeof s->db, "%s/sijill.db", s->dir);
	}
	char out[8192];
	const char *argv[] = {bin(), "init", "--db", s->db, "--demo", "--audit-key", s->key, NULL};
	if (run_wait(argv, NULL, out, sizeof out) != 0) {
		fprintf(stderr, "%s\n", out);
		die("sijill init failed");
	}
	const char *targv[] = {bin(), "user", "token", "--badge", "demo-admin", "--label", "test-clock",
			       "--db", s->db, "--audit-key", s->key, NULL};
	if (run_wait(targv, NULL, out, sizeof out) != 0)
		die("sijill user token failed");
	snprintf(s->clock_token, sizeof s->clock_token, "%.*s", (int)strcspn(out, "\r\n"), out);
	th_start_server(s);
}

void th_set_clock(th_server *s, long long offset_ms)
{
	char body[64];
	snprintf(body, sizeof body, "{\"offset_ms\":%lld}", offset_ms);
	th_resp r = th_json(s, "POST", "/api/v1/test/clock", s->clock_token, body);
	if (r.status != 200) {
		fprintf(stderr, "harness: set clock -> %ld %s\n", r.status, r.body);
		die("set clock");
	}
	th_resp_free(&r);
}

void th_start_server(th_server *s)
{
	char portfile[PATH_MAX + 16], logfile[PATH_MAX + 16];
	snprintf(portfile, sizeof portfile, "%s/port", s->dir);
	snprintf(logfile, sizeof logfile, "%s/server.log", s->dir);
	unlink(portfile);
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		int fd = open(logfile, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0) {
			dup2(fd, 2);
			dup2(fd, 1);
		}
		const char *argv[] = {bin(), "serve", "--db", s->db, "--listen", "127.0.0.1:0",
				      "--port-file", portfile, "--audit-key", s->key, "--test-clock",
				      "--threads", s->threads[0] ? s->threads : "4", s->conf[0] ? "--config" : NULL, s->conf,
				      NULL};
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	s->pid = pid;
	for (int i = 0; i < 600; i++) {
		FILE *f = fopen(portfile, "r");
		if (f) {
			int p = 0;
			if (fscanf(f, "%d", &p) == 1 && p > 0) {
				fclose(f);
				s->port = p;
				return;
			}
			fclose(f);
		}
		int st;
		if (waitpid(pid, &st, WNOHANG) == pid) {
			fprintf(stderr, "harness: the server exited at start; see %s\n", logfile);
			die("server start");
		}
		sleep_ms(50);
	}
	die("the server did not start in 30 s");
}

int th_stop_server(th_server *s)
{
	if (s->pid <= 0)
		return 0;
	kill(s->pid, SIGTERM);
	int st = 0;
	waitpid(s->pid, &st, 0);
	s->pid = 0;
	int rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (rc != 0)
		fprintf(stderr, "harness: the server exited with %d; see %s/server.log\n", rc, s->dir);
	return rc;
}

void th_kill9(th_server *s)
{
	if (s->pid <= 0)
		return;
	kill(s->pid, SIGKILL);
	int st;
	waitpid(s->pid, &st, 0);
	s->pid = 0;
}

int th_teardown(th_server *s)
{
	int rc = th_stop_server(s);
	if (s->pg) {
		char sql[128];
		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", s->pgname);
		pg_admin(sql);
	}
	if (rc == 0 && !getenv("SIJILL_TEST_KEEP")) {
		char cmd[PATH_MAX + 16];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->dir);
		int r = system(cmd);
		(void)r;
	}
	return rc;
}

typedef struct grow {
	char *p;
	size_t n;
	size_t cap;
} grow;

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
	grow *g = ud;
	size_t k = size * nmemb;
	if (g->n + k + 1 > g->cap) {
		size_t nc = (g->n + k + 1) * 2;
		char *np = realloc(g->p, nc);
		if (!np)
			return 0;
		g->p = np;
		g->cap = nc;
	}
	memcpy(g->p + g->n, ptr, k);
	g->n += k;
	g->p[g->n] = '\0';
	return k;
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *ud)
{
	th_resp *r = ud;
	size_t k = size * nmemb;
	size_t have = strlen(r->headers);
	if (have + k + 1 < sizeof r->headers) {
		memcpy(r->headers + have, ptr, k);
		r->headers[have + k] = '\0';
	}
	return k;
}

th_resp th_request(th_server *s, const char *method, const char *path, const char *token,
		   const char *body, size_t body_len, const char *const *headers)
{
	th_resp r;
	memset(&r, 0, sizeof r);
	CURL *c = curl_easy_init();
	if (!c)
		die("curl");
	char url[4096 + 64];
	snprintf(url, sizeof url, "http://127.0.0.1:%d%s", s->port, path);
	grow g = {NULL, 0, 0};
	struct curl_slist *hl = NULL;
	char auth[256];
	if (token) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
		hl = curl_slist_append(hl, auth);
	}
	for (int i = 0; headers && headers[i]; i++)
		hl = curl_slist_append(hl, headers[i]);
	/* a big body asks first ("Expect: 100-continue") and waits for the
	 * server's answer however loaded the machine is: a 413 then refuses it
	 * before it is sent. Sent at once, the server's early 413 and close race
	 * the upload, and curl may fail sending instead of reading the 413. */
	hl = curl_slist_append(hl, body_len > 65536 ? "Expect: 100-continue" : "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &g);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
	/* 60 s; SIJILL_TEST_HTTP_TIMEOUT for runs at a bench's size under the
	 * sanitizers (bench/mobile_acceptance.sh: a validation round of 500
	 * packets takes longer than that in the ASan build) */
	const char *tmo = getenv("SIJILL_TEST_HTTP_TIMEOUT");
	long timeout_s = tmo && atol(tmo) > 0 ? atol(tmo) : 60L;
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_s);
	curl_easy_setopt(c, CURLOPT_EXPECT_100_TIMEOUT_MS, 30000L);
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
	}
	CURLcode rc = curl_easy_perform(c);
	if (rc != CURLE_OK) {
		r.status = -1;
		fprintf(stderr, "harness: %s %s: %s\n", method, path, curl_easy_strerror(rc));
	} else {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
		char *ct = NULL;
		curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
		if (ct)
			snprintf(r.ctype, sizeof r.ctype, "%s", ct);
	}
	r.body = g.p ? g.p : calloc(1, 1);
	r.len = g.n;
	if (r.len)
		r.json = json_loadb(r.body, r.len, 0, NULL);
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
	return r;
}

th_resp th_json(th_server *s, const char *method, const char *path, const char *token, const char *body)
{
	const char *h[] = {"Content-Type: application/json", NULL};
	return th_request(s, method, path, token, body, body ? strlen(body) : 0, h);
}

th_resp th_req(th_server *s, const char *method, const char *path, const char *token, json_t *body)
{
	if (!body)
		return th_request(s, method, path, token, NULL, 0, NULL);
	char *js = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	th_resp r = th_json(s, method, path, token, js);
	free(js);
	return r;
}

void th_expect(const th_resp *r, long status)
{
	if (r->status != status)
		fprintf(stderr, "# expected %ld, got %ld: %s\n", status, r->status, r->body ? r->body : "");
	assert_int_equal(r->status, status);
}

th_resp th_json_matched(th_server *s, const char *method, const char *path, const char *token, const char *body)
{
	th_resp g = th_request(s, "GET", path, token, NULL, 0, NULL);
	char im[96] = "If-Match: ";
	const char *t = strstr(g.headers, "ETag: ");
	if (t)
		sscanf(t + 6, "%40s", im + 10);
	th_resp_free(&g);
	const char *h[] = {"Content-Type: application/json", im, NULL};
	return th_request(s, method, path, token, body, body ? strlen(body) : 0, h);
}

void th_resp_free(th_resp *r)
{
	free(r->body);
	json_decref(r->json);
	r->body = NULL;
	r->json = NULL;
}

const char *th_str(const th_resp *r, const char *name)
{
	const char *v = json_string_value(json_object_get(r->json, name));
	return v ? v : "";
}

char *th_login(th_server *s, const char *badge)
{
	char body[256];
	snprintf(body, sizeof body, "{\"badge\":\"%s\",\"password\":\"demo-password\"}", badge);
	th_resp r = th_json(s, "POST", "/api/v1/session", NULL, body);
	if (r.status != 200) {
		fprintf(stderr, "harness: login %s -> %ld %s\n", badge, r.status, r.body);
		die("login failed");
	}
	char *t = strdup(th_str(&r, "token"));
	th_resp_free(&r);
	return t;
}

int th_sql(th_server *s, const char *sql)
{
	db *d = NULL;
	if (db_open(s->db, 1, &d))
		return -1;
	db_conn *c;
	int rc = -1;
	if (!db_acquire(d, &c)) {
		rc = db_exec(c, sql) ? -1 : 0;
		db_release(d, c);
	}
	db_close(d);
	return rc;
}

/* one_int runs a one-value query on c (-1 on error) */
static long long one_int(db_conn *c, const char *sql)
{
	db_stmt *st;
	bool row;
	long long v = -1;
	if (!db_prepare(c, sql, &st) && !db_step(st, &row) && row) {
		v = db_col_int(st, 0);
		if (db_step(st, &row))
			v = -1;
	}
	return v;
}

long long th_sql_int(th_server *s, const char *sql)
{
	db *d = NULL;
	if (db_open(s->db, 1, &d))
		return -1;
	db_conn *c;
	long long v = -1;
	if (!db_acquire(d, &c)) {
		/* A write's audit entry commits with the write into audit_pending; the
		 * committer chains it into audit_log just after (on PostgreSQL, after
		 * the answer may have left). A count of audit_log waits, up to 3 s,
		 * until nothing is pending, so it sees every answered request's entry. */
		for (int i = 0; strstr(sql, "audit_log") && i < 150 && one_int(c, "SELECT COUNT(*) FROM audit_pending") > 0;
		     i++)
			usleep(20 * 1000);
		v = one_int(c, sql);
		db_release(d, c);
	}
	db_close(d);
	return v;
}

int th_cli(th_server *s, char *out, size_t outsz, const char *const *args)
{
	return th_cli_in(s, NULL, out, outsz, args);
}

int th_cli_in(th_server *s, const char *stdin_text, char *out, size_t outsz, const char *const *args)
{
	const char *argv[32];
	int n = 0;
	argv[n++] = bin();
	for (int i = 0; args[i] && n < 26; i++)
		argv[n++] = args[i];
	argv[n++] = "--db";
	argv[n++] = s->db;
	argv[n++] = "--audit-key";
	argv[n++] = s->key;
	argv[n] = NULL;
	return run_wait(argv, stdin_text, out, outsz);
}

void th_whole_case(th_server *s, const char *officer, const char *opj, const th_person *suspect,
		   const th_person *victim, char case_id[64])
{
	th_resp r = th_req(s, "POST", "/api/v1/cases", officer,
			   json_pack("{s:s,s:[{s:s}],s:s,s:s}", "frame", "flagrant", "offences", "code", "CP-505", "summary",
				     "Vol à l'arraché, boulevard Oulfa", "opj", "demo-opj"));
	th_expect(&r, 201);
	char id[64], path[160], sid[37], custody[37], pv[37];
	snprintf(id, sizeof id, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/cases/%s/persons", id);
	r = th_req(s, "POST", path, officer,
		   json_pack("{s:s,s:{s:s,s:s,s:s,s:s,s:s,s:s,s:s}}", "role", "suspect", "person", "cin", suspect->cin,
			     "last_name_lat", suspect->last_lat, "first_name_lat", suspect->first_lat, "last_name_ar",
			     suspect->last_ar, "first_name_ar", suspect->first_ar, "birth_date", suspect->birth_date, "sex",
			     suspect->sex));
	th_expect(&r, 201);
	snprintf(sid, sizeof sid, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	r = th_req(s, "POST", path, officer,
		   json_pack("{s:s,s:{s:s,s:s,s:s}}", "role", "victim", "person", "last_name_lat", victim->last_lat,
			     "first_name_lat", victim->first_lat, "sex", victim->sex));
	th_expect(&r, 201);
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/cases/%s/custody", id);
	r = th_req(s, "POST", path, opj,
		   json_pack("{s:s,s:s,s:s,s:s,s:s}", "person_id", sid, "regime", "ordinary", "ground", "flagrant délit",
			     "condition_on_entry", "Bon état apparent", "ground_code", "PREVENT_FLIGHT"));
	th_expect(&r, 201);
	snprintf(custody, sizeof custody, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/cases/%s/pvs", id);
	r = th_req(s, "POST", path, officer,
		   json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:s}", "type", "hearing_suspect", "person_id", sid, "custody_id",
			     custody, "place", "Arrondissement Oulfa", "statements", "Je reconnais les faits.", "read_back", 1,
			     "signature", "signed"));
	th_expect(&r, 201);
	snprintf(pv, sizeof pv, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/pvs/%s/seal", pv);
	r = th_req(s, "POST", path, opj, NULL);
	th_expect(&r, 200);
	th_resp_free(&r);
	if (case_id)
		snprintf(case_id, 64, "%s", id);
}
