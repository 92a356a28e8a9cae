/* test_audit.c — the audit chain as an insider would attack it, against a
 * real server and database (SIJILL_TEST_BACKEND):
 *   - a list read is one entry naming the ids it showed; concurrent reads are
 *     chained together (group commit), each with its request id;
 *   - with one worker, a write's commit does not hold it: reads are served
 *     while it commits (PostgreSQL: a COMMIT slowed by a deferred trigger),
 *     and the write's answer still waits for its commit;
 *   - two `sijill serve` processes on one database keep one chain;
 *   - after ~700 entries and a clean stop, each tampering of issue 21 is
 *     made on a copy of the database (and of the heads file), with write
 *     access to both but not to the audit key, and `sijill audit verify`
 *     must fail naming it: truncation with checkpoints and head rewritten,
 *     an old entry edited and the rest re-chained, one user's entries erased
 *     and re-chained, a wipe, the last entry rewritten (its database
 *     checkpoint deleted), a removed middle entry, a reordering, a rewritten
 *     signed head (database and file), a deleted heads file.
 * Re-chaining is done here from the documented format (DESIGN.md): leaf =
 * BLAKE2b(0x00 || canonical), head = BLAKE2b(0x01 || prev || leaf), the
 * canonical entry being sorted compact JSON of its columns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db/db.h"
#include "harness.h"

static th_server S;
static char *officer, *opj, *auditor;
static char case_id[64];
static long long total;           /* entries after the clean stop */
static int ncopy;

static int setup(void **state)
{
	(void)state;
	th_setup(&S);
	officer = th_login(&S, "demo-officer");
	opj = th_login(&S, "demo-opj");
	auditor = th_login(&S, "demo-auditor");
	th_resp r = th_json(&S, "POST", "/api/v1/cases", officer,
			    "{\"frame\":\"flagrant\",\"offences\":[{\"code\":\"CP-505\"}],\"summary\":\"Audit\"}");
	assert_int_equal(r.status, 201);
	snprintf(case_id, sizeof case_id, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(officer);
	free(opj);
	free(auditor);
	return th_teardown(&S) == 0 ? 0 : -1;
}

static const char *req_id(const th_resp *r, char out[64])
{
	const char *h = strcasestr(r->headers, "X-Request-Id:");
	out[0] = '\0';
	if (h) {
		h += strlen("X-Request-Id:");
		while (*h == ' ')
			h++;
		snprintf(out, 64, "%.*s", (int)strcspn(h, "\r\n"), h);
	}
	return out;
}

static long long q(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static long long q(const char *fmt, ...)
{
	char sql[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	return th_sql_int(&S, sql);
}

/* ---------- the live server ---------- */

static void list_read_is_one_entry_naming_the_ids(void **st)
{
	(void)st;
	for (int i = 0; i < 3; i++) {
		th_resp r = th_json(&S, "POST", "/api/v1/cases", officer,
				    "{\"frame\":\"flagrant\",\"offences\":[{\"code\":\"CP-505\"}],\"summary\":\"Listed\"}");
		assert_int_equal(r.status, 201);
		th_resp_free(&r);
	}
	th_resp r = th_request(&S, "GET", "/api/v1/cases?limit=50", officer, NULL, 0, NULL);
	assert_int_equal(r.status, 200);
	size_t shown = json_array_size(json_object_get(r.json, "cases"));
	assert_true(shown >= 4);
	char rid[64];
	req_id(&r, rid);
	th_resp_free(&r);
	/* one entry for the whole page, durable before the answer */
	assert_int_equal(q("SELECT COUNT(*) FROM audit_log WHERE request_id = '%s'", rid), 1);
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT detail FROM audit_log WHERE request_id = '%s'", rid);
	db *d;
	assert_int_equal(db_open(S.db, 1, &d), SJ_OK);
	db_conn *c;
	assert_int_equal(db_acquire(d, &c), SJ_OK);
	db_stmt *s;
	bool row;
	assert_int_equal(db_prepare(c, sql, &s), SJ_OK);
	assert_int_equal(db_step(s, &row), SJ_OK);
	assert_true(row);
	json_t *detail = json_loads(db_col_text(s, 0), 0, NULL);
	assert_non_null(detail);
	assert_int_equal(json_array_size(json_object_get(detail, "ids")), shown);
	json_decref(detail);
	assert_int_equal(db_step(s, &row), SJ_OK);
	db_release(d, c);
	db_close(d);
	/* reference data needs no audit */
	long long before = q("SELECT COUNT(*) FROM audit_log");
	r = th_request(&S, "GET", "/api/v1/offences", officer, NULL, 0, NULL);
	assert_int_equal(r.status, 200);
	th_resp_free(&r);
	r = th_request(&S, "GET", "/api/v1/me", officer, NULL, 0, NULL);
	assert_int_equal(r.status, 200);
	th_resp_free(&r);
	assert_int_equal(q("SELECT COUNT(*) FROM audit_log"), before);
}

#define READERS 8
#define READS_EACH 25

typedef struct reader {
	th_server *s;
	const char *tok;
	int n;
	char ids[READS_EACH][64];
} reader;

static void *read_load(void *arg)
{
	reader *rd = arg;
	char path[128];
	snprintf(path, sizeof path, "/api/v1/cases/%s", case_id);
	for (int i = 0; i < READS_EACH; i++) {
		th_resp r = th_request(rd->s, "GET", path, rd->tok, NULL, 0, NULL);
		if (r.status == 200)
			req_id(&r, rd->ids[rd->n++]);
		th_resp_free(&r);
	}
	return NULL;
}

/* check_reads: every answered read has its entry, each once. */
static void check_reads(reader *rd, int n)
{
	for (int i = 0; i < n; i++) {
		assert_int_equal(rd[i].n, READS_EACH);
		for (int k = 0; k < rd[i].n; k++) {
			long long got = q("SELECT COUNT(*) FROM audit_log WHERE action = 'case.read' AND request_id = '%s'",
					  rd[i].ids[k]);
			if (got != 1)
				fprintf(stderr, "# read %s has %lld entries\n", rd[i].ids[k], got);
			assert_int_equal(got, 1);
		}
	}
}

static void concurrent_reads_each_have_their_entry(void **st)
{
	(void)st;
	static reader rd[READERS];
	pthread_t th[READERS];
	for (int i = 0; i < READERS; i++) {
		memset(&rd[i], 0, sizeof rd[i]);
		rd[i].s = &S;
		rd[i].tok = i % 2 ? officer : opj;
		pthread_create(&th[i], NULL, read_load, &rd[i]);
	}
	for (int i = 0; i < READERS; i++)
		pthread_join(th[i], NULL);
	check_reads(rd, READERS);
	char out[2048];
	const char *args[] = {"audit", "verify", NULL};
	int rc = th_cli(&S, out, sizeof out, args);
	if (rc)
		fprintf(stderr, "%s\n", out);
	assert_int_equal(rc, 0);
}


/* Issue 21: a read waiting for its entry to be durable frees its worker
 * (the connection is suspended): with one worker thread, concurrent reads
 * still share passes of the group committer — with the worker held, each
 * pass would hold one entry. Every answered read has its entry. */
static void one_worker_serves_the_reads_that_wait(void **st)
{
	(void)st;
	assert_int_equal(th_stop_server(&S), 0);
	snprintf(S.threads, sizeof S.threads, "1");
	th_start_server(&S);
	/* On PostgreSQL the test cluster makes a commit durable faster than this
	 * (sanitized) server handles a request, so the committer would rarely
	 * find two entries waiting whatever the worker does: the head row is
	 * held for a moment first, so the reads must wait for durability — and
	 * only a freed worker can take the next ones meanwhile. */
	db *hold = NULL;
	db_conn *hc = NULL;
	if (S.pg) {
		assert_int_equal(db_open(S.db, 1, &hold), SJ_OK);
		assert_int_equal(db_acquire(hold, &hc), SJ_OK);
		assert_int_equal(db_begin(hc, DB_WRITE), SJ_OK);
		assert_int_equal(db_run(hc, "UPDATE audit_head SET seq = seq WHERE id = 1", ""), SJ_OK);
	}
	static reader rd[READERS];
	pthread_t th[READERS];
	for (int i = 0; i < READERS; i++) {
		memset(&rd[i], 0, sizeof rd[i]);
		rd[i].s = &S;
		rd[i].tok = i % 2 ? officer : opj;
		pthread_create(&th[i], NULL, read_load, &rd[i]);
	}
	if (hold) {
		usleep(800 * 1000);
		db_rollback(hc);
		db_release(hold, hc);
		db_close(hold);
	}
	for (int i = 0; i < READERS; i++)
		pthread_join(th[i], NULL);
	check_reads(rd, READERS);
	char *admin = th_login(&S, "demo-admin");
	th_resp r = th_request(&S, "GET", "/metrics", admin, NULL, 0, NULL);
	assert_int_equal(r.status, 200);
	const char *m = strstr(r.body, "\nsijill_audit_batch_max ");
	assert_non_null(m);
	long max = strtol(m + strlen("\nsijill_audit_batch_max "), NULL, 10);
	fprintf(stderr, "# one worker, %d concurrent readers: at most %ld entries per pass\n", READERS, max);
	assert_true(max >= 2);
	th_resp_free(&r);
	free(admin);
	S.threads[0] = '\0';
	assert_int_equal(th_stop_server(&S), 0);
	th_start_server(&S);
}

static long long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long long metric(const char *name)
{
	char *admin = th_login(&S, "demo-admin");
	th_resp r = th_request(&S, "GET", "/metrics", admin, NULL, 0, NULL);
	assert_int_equal(r.status, 200);
	char key[128];
	snprintf(key, sizeof key, "\n%s ", name);
	const char *m = strstr(r.body, key);
	assert_non_null(m);
	long long v = strtoll(m + strlen(key), NULL, 10);
	th_resp_free(&r);
	free(admin);
	return v;
}

typedef struct slow_write {
	int status;
	long long done_ms;
} slow_write;

static void *post_complaint(void *arg)
{
	slow_write *w = arg;
	th_resp r = th_json(&S, "POST", "/api/v1/complaints", officer,
			    "{\"complainant\":{\"last_name_lat\":\"Lent\",\"first_name_lat\":\"Commit\"},"
			    "\"facts\":\"A write whose commit takes long\"}");
	w->status = (int)r.status;
	w->done_ms = mono_ms();
	th_resp_free(&r);
	return NULL;
}

/* A write's commit no longer holds its worker (issue 21): with one worker
 * thread, a write whose COMMIT takes 1.5 s (PostgreSQL: a deferred
 * constraint trigger sleeps at COMMIT) leaves the worker free, and a read
 * on another connection is answered meanwhile — before, it waited behind
 * the commit. The write's answer still comes only after its commit. On
 * SQLite (no way to slow its COMMIT from outside) the writes are seen going
 * through the finishers. */
static void one_worker_serves_others_while_a_write_commits(void **st)
{
	(void)st;
	assert_int_equal(th_stop_server(&S), 0);
	snprintf(S.threads, sizeof S.threads, "1");
	th_start_server(&S);
	long long before = metric("sijill_db_async_commits_total");
	if (S.pg) {
		assert_int_equal(th_sql(&S, "CREATE FUNCTION t_slow_commit() RETURNS trigger LANGUAGE plpgsql AS"
					    " $$ BEGIN PERFORM pg_sleep(1.5); RETURN NULL; END $$"), 0);
		assert_int_equal(th_sql(&S, "CREATE CONSTRAINT TRIGGER t_slow_commit AFTER INSERT ON complaints"
					    " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION t_slow_commit()"),
				 0);
		slow_write w = {0};
		pthread_t th;
		long long t0 = mono_ms();
		pthread_create(&th, NULL, post_complaint, &w);
		usleep(300 * 1000); /* the write is in its COMMIT */
		long long r0 = mono_ms();
		th_resp r = th_request(&S, "GET", "/api/v1/me", officer, NULL, 0, NULL);
		long long read_ms = mono_ms() - r0;
		assert_int_equal(r.status, 200);
		th_resp_free(&r);
		pthread_join(th, NULL);
		fprintf(stderr, "# one worker: a read answered in %lld ms while a write committed for %lld ms\n",
			read_ms, w.done_ms - t0);
		assert_int_equal(w.status, 201);
		assert_true(w.done_ms - t0 >= 1400); /* its answer waited for its commit */
		assert_true(read_ms < 900);          /* the worker was not waiting with it */
		assert_int_equal(th_sql(&S, "DROP TRIGGER t_slow_commit ON complaints"), 0);
		assert_int_equal(th_sql(&S, "DROP FUNCTION t_slow_commit()"), 0);
	} else {
		slow_write w = {0};
		post_complaint(&w);
		assert_int_equal(w.status, 201);
	}
	long long after = metric("sijill_db_async_commits_total");
	fprintf(stderr, "# writes ended by a finisher: %lld\n", after - before);
	assert_true(after - before >= 1);
	S.threads[0] = '\0';
	assert_int_equal(th_stop_server(&S), 0);
	th_start_server(&S);
}

static void two_servers_keep_one_chain(void **st)
{
	(void)st;
	/* a second process on the same database and key, its own port */
	th_server S2 = S;
	snprintf(S2.dir, sizeof S2.dir, "/tmp/sijill-test2-XXXXXX");
	assert_non_null(mkdtemp(S2.dir));
	th_start_server(&S2);
	static reader rd[READERS];
	pthread_t th[READERS];
	for (int i = 0; i < READERS; i++) {
		memset(&rd[i], 0, sizeof rd[i]);
		rd[i].s = i % 2 ? &S2 : &S;
		rd[i].tok = officer;
		pthread_create(&th[i], NULL, read_load, &rd[i]);
	}
	/* and writes on both meanwhile */
	int wrote = 0;
	for (int i = 0; i < 20; i++) {
		char body[256];
		snprintf(body, sizeof body,
			 "{\"complainant\":{\"last_name_lat\":\"Deux\",\"first_name_lat\":\"P%d\"},\"facts\":\"Two servers\"}", i);
		th_resp r = th_json(i % 2 ? &S2 : &S, "POST", "/api/v1/complaints", officer, body);
		wrote += r.status == 201;
		th_resp_free(&r);
	}
	for (int i = 0; i < READERS; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(wrote, 20);
	assert_int_equal(th_stop_server(&S2), 0);
	check_reads(rd, READERS);
	assert_int_equal(q("SELECT COUNT(*) FROM complaints c WHERE c.facts = 'Two servers' AND NOT EXISTS"
			   " (SELECT 1 FROM audit_log a WHERE a.action = 'complaint.create' AND a.object_id = c.id)"),
			 0);
	char out[2048];
	const char *args[] = {"audit", "verify", NULL};
	int rc = th_cli(&S, out, sizeof out, args);
	if (rc)
		fprintf(stderr, "%s\n", out);
	assert_int_equal(rc, 0);
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", S2.dir);
	assert_int_equal(system(cmd), 0);
}

static void many_entries_then_a_clean_stop(void **st)
{
	(void)st;
	char path[128];
	snprintf(path, sizeof path, "/api/v1/cases/%s", case_id);
	/* one user's 59 reads among the officer's ~500 */
	long long need = 620 - q("SELECT MAX(seq) FROM audit_log");
	for (int i = 0; i < need || i < 9 * 59; i++) {
		th_resp r = th_request(&S, "GET", path, i % 9 == 5 && i < 9 * 59 ? opj : officer, NULL, 0, NULL);
		assert_int_equal(r.status, 200);
		th_resp_free(&r);
	}
	assert_int_equal(th_stop_server(&S), 0); /* signs the head at rest */
	total = q("SELECT MAX(seq) FROM audit_log");
	assert_true(total >= 600);
	/* every 256th entry and the head at rest are signed, in both places */
	assert_true(q("SELECT COUNT(*) FROM audit_checkpoints WHERE seq = 512") == 1);
	assert_int_equal(q("SELECT COUNT(*) FROM audit_checkpoints WHERE seq = %lld", total), 1);
	char out[2048];
	const char *args[] = {"audit", "verify", NULL};
	int rc = th_cli(&S, out, sizeof out, args);
	if (rc)
		fprintf(stderr, "%s\n", out);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "intact"));
}

/* ---------- tampering, on copies ---------- */

typedef struct copy {
	th_server s;            /* db and key point at the copy */
	db *d;
} copy;

static void copy_file(const char *from, const char *to)
{
	char cmd[3 * PATH_MAX];
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", from, to);
	assert_int_equal(system(cmd), 0);
}

/* make_copy copies the stopped server's database, key and heads file
 * (without_heads: not the heads file) and opens the copy. */
static void make_copy(copy *cp, bool without_heads)
{
	memset(cp, 0, sizeof *cp);
	cp->s = S;
	cp->s.pid = 0;
	int w = snprintf(cp->s.dir, sizeof cp->s.dir, "%s/copy%d", S.dir, ++ncopy);
	assert_true(w > 0 && (size_t)w < sizeof cp->s.dir);
	assert_int_equal(mkdir(cp->s.dir, 0700), 0);
	snprintf(cp->s.key, sizeof cp->s.key, "%s/audit.key", cp->s.dir);
	copy_file(S.key, cp->s.key);
	if (!without_heads) {
		char from[PATH_MAX + 64], to[PATH_MAX + 64];
		snprintf(from, sizeof from, "%s.heads", S.key);
		snprintf(to, sizeof to, "%s.heads", cp->s.key);
		copy_file(from, to);
	}
	if (S.pg) {
		w = snprintf(cp->s.pgname, sizeof cp->s.pgname, "%.40s_c%d", S.pgname, ncopy);
		assert_true(w > 0 && (size_t)w < sizeof cp->s.pgname);
		char uri[PATH_MAX + 64];
		snprintf(uri, sizeof uri, "%s", S.db);
		char *slash = strrchr(uri, '/');
		*slash = '\0';
		w = snprintf(cp->s.db, sizeof cp->s.db, "%.3000s/%s", uri, cp->s.pgname);
		assert_true(w > 0 && (size_t)w < sizeof cp->s.db);
		char sql[256];
		snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE %s", cp->s.pgname, S.pgname);
		snprintf(uri + strlen(uri), sizeof uri - strlen(uri), "/postgres");
		db *a;
		assert_int_equal(db_open(uri, 1, &a), SJ_OK);
		db_conn *c;
		assert_int_equal(db_acquire(a, &c), SJ_OK);
		assert_int_equal(db_exec(c, sql), SJ_OK);
		db_release(a, c);
		db_close(a);
	} else {
		snprintf(cp->s.db, sizeof cp->s.db, "%s/sijill.db", cp->s.dir);
		copy_file(S.db, cp->s.db);
		char wal[PATH_MAX + 80], to[PATH_MAX + 80];
		snprintf(wal, sizeof wal, "%s-wal", S.db);
		snprintf(to, sizeof to, "%s-wal", cp->s.db);
		if (access(wal, F_OK) == 0)
			copy_file(wal, to);
	}
	assert_int_equal(db_open(cp->s.db, 1, &cp->d), SJ_OK);
}

static void drop_copy(copy *cp)
{
	db_close(cp->d);
	if (S.pg) {
		char uri[PATH_MAX + 64], sql[256];
		snprintf(uri, sizeof uri, "%s", S.db);
		*strrchr(uri, '/') = '\0';
		snprintf(uri + strlen(uri), sizeof uri - strlen(uri), "/postgres");
		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", cp->s.pgname);
		db *a;
		assert_int_equal(db_open(uri, 1, &a), SJ_OK);
		db_conn *c;
		assert_int_equal(db_acquire(a, &c), SJ_OK);
		assert_int_equal(db_exec(c, sql), SJ_OK);
		db_release(a, c);
		db_close(a);
	}
}

static void sql(copy *cp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sql(copy *cp, const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	db_conn *c;
	assert_int_equal(db_acquire(cp->d, &c), SJ_OK);
	sj_err e = db_exec(c, text);
	if (e)
		fprintf(stderr, "# %s: %s\n", text, db_last_error(c));
	assert_int_equal(e, SJ_OK);
	db_release(cp->d, c);
}

static void hex_hash(const unsigned char *parts[], const size_t lens[], int n, char out[65])
{
	unsigned char h[32];
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	for (int i = 0; i < n; i++)
		crypto_generichash_update(&st, parts[i], lens[i]);
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(out, 65, h, sizeof h);
}

static const char sql_rows[] =
	"SELECT seq, id, at, actor_id, badge, role, unit_code, action, object_type, object_id, purpose, outcome,"
	" request_id, ip, detail FROM audit_log WHERE seq >= ? ORDER BY seq";
static const char sql_head_of[] = "SELECT head FROM audit_log WHERE seq = ?";
static const char sql_set[] = "UPDATE audit_log SET leaf = ?, head = ? WHERE seq = ?";
static const char sql_set_head[] = "UPDATE audit_head SET seq = ?, head = ? WHERE id = 1";

/* rechain recomputes every leaf and head from entry `from` on, and the head
 * row: what an insider without the key can do after changing history. */
static void rechain(copy *cp, long long from)
{
	db_conn *c;
	assert_int_equal(db_acquire(cp->d, &c), SJ_OK);
	assert_int_equal(db_begin(c, DB_WRITE), SJ_OK);
	char prev[65] = "0000000000000000000000000000000000000000000000000000000000000000";
	db_stmt *s;
	bool row;
	if (from > 1) {
		assert_int_equal(db_prepare(c, sql_head_of, &s), SJ_OK);
		assert_int_equal(db_bind_int(s, 1, from - 1), SJ_OK);
		assert_int_equal(db_step(s, &row), SJ_OK);
		assert_true(row);
		snprintf(prev, sizeof prev, "%s", db_col_text(s, 0));
		assert_int_equal(db_step(s, &row), SJ_OK);
	}
	/* read first: then write */
	json_t *rows = json_array();
	assert_int_equal(db_prepare(c, sql_rows, &s), SJ_OK);
	assert_int_equal(db_bind_int(s, 1, from), SJ_OK);
	while (db_step(s, &row) == SJ_OK && row) {
		json_t *o = json_pack("{s:I,s:I,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?}", "seq",
				      (json_int_t)db_col_int(s, 0), "at", (json_int_t)db_col_int(s, 2), "id", db_col_text(s, 1),
				      "actor_id", db_col_text(s, 3), "badge", db_col_text(s, 4), "role", db_col_text(s, 5),
				      "unit_code", db_col_text(s, 6), "action", db_col_text(s, 7), "object_type",
				      db_col_text(s, 8), "object_id", db_col_text(s, 9), "purpose", db_col_text(s, 10),
				      "outcome", db_col_text(s, 11), "request_id", db_col_text(s, 12), "ip",
				      db_col_text(s, 13), "detail", db_col_text(s, 14));
		assert_non_null(o);
		json_array_append_new(rows, o);
	}
	long long last = from - 1;
	size_t i;
	json_t *o;
	json_array_foreach(rows, i, o) {
		char *canon = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
		const unsigned char zero = 0x00, one = 0x01;
		char leaf[65], head[65];
		const unsigned char *lp[] = {&zero, (const unsigned char *)canon};
		const size_t ll[] = {1, strlen(canon)};
		hex_hash(lp, ll, 2, leaf);
		free(canon);
		unsigned char pb[32], lb[32];
		assert_int_equal(sodium_hex2bin(pb, 32, prev, 64, NULL, NULL, NULL), 0);
		assert_int_equal(sodium_hex2bin(lb, 32, leaf, 64, NULL, NULL, NULL), 0);
		const unsigned char *hp[] = {&one, pb, lb};
		const size_t hl[] = {1, 32, 32};
		hex_hash(hp, hl, 3, head);
		last = (long long)json_integer_value(json_object_get(o, "seq"));
		assert_int_equal(db_run(c, sql_set, "tti", leaf, head, (int64_t)last), SJ_OK);
		memcpy(prev, head, sizeof prev);
	}
	json_decref(rows);
	assert_int_equal(db_run(c, sql_set_head, "it", (int64_t)last, prev), SJ_OK);
	assert_int_equal(db_commit(c), SJ_OK);
	db_release(cp->d, c);
}

/* renumber closes the gaps in seq left by deleted entries, from `from` on. */
static void renumber(copy *cp, long long from)
{
	db_conn *c;
	assert_int_equal(db_acquire(cp->d, &c), SJ_OK);
	static const char sql_seqs[] = "SELECT seq FROM audit_log WHERE seq >= ? ORDER BY seq";
	db_stmt *s;
	bool row;
	assert_int_equal(db_prepare(c, sql_seqs, &s), SJ_OK);
	assert_int_equal(db_bind_int(s, 1, from), SJ_OK);
	long long *seqs = calloc(4096, sizeof *seqs);
	size_t n = 0;
	while (db_step(s, &row) == SJ_OK && row && n < 4096)
		seqs[n++] = db_col_int(s, 0);
	assert_int_equal(db_begin(c, DB_WRITE), SJ_OK);
	static const char sql_move[] = "UPDATE audit_log SET seq = ? WHERE seq = ?";
	for (size_t i = 0; i < n; i++)
		if (seqs[i] != from + (long long)i)
			assert_int_equal(db_run(c, sql_move, "ii", (int64_t)(from + (long long)i), (int64_t)seqs[i]), SJ_OK);
	assert_int_equal(db_commit(c), SJ_OK);
	free(seqs);
	db_release(cp->d, c);
}

/* verify_copy runs `sijill audit verify` on the copy: it must fail and say want. */
static void verify_fails(copy *cp, const char *what, const char *want, const char *want2)
{
	char out[4096];
	const char *args[] = {"audit", "verify", NULL};
	int rc = th_cli(&cp->s, out, sizeof out, args);
	fprintf(stderr, "# %s: %s", what, out);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "BROKEN"));
	if (!strstr(out, want) || (want2 && !strstr(out, want2)))
		fprintf(stderr, "# expected \"%s\"%s%s%s\n", want, want2 ? " and \"" : "", want2 ? want2 : "",
			want2 ? "\"" : "");
	assert_non_null(strstr(out, want));
	if (want2)
		assert_non_null(strstr(out, want2));
}

static void an_untouched_copy_verifies(void **st)
{
	(void)st;
	copy cp;
	make_copy(&cp, false);
	char out[2048];
	const char *args[] = {"audit", "verify", NULL};
	int rc = th_cli(&cp.s, out, sizeof out, args);
	if (rc)
		fprintf(stderr, "%s\n", out);
	assert_int_equal(rc, 0);
	drop_copy(&cp);
}

static void truncation_with_checkpoints_and_head_rewritten(void **st)
{
	(void)st;
	copy cp;
	make_copy(&cp, false);
	sql(&cp, "DELETE FROM audit_log WHERE seq > 5");
	sql(&cp, "DELETE FROM audit_checkpoints WHERE seq > 5");
	sql(&cp, "UPDATE audit_head SET seq = 5, head = (SELECT head FROM audit_log WHERE seq = 5) WHERE id = 1");
	char want[128];
	snprintf(want, sizeof want, "entries 6–%lld are missing; the last signed head seen was %lld at ", total, total);
	verify_fails(&cp, "truncated", want, NULL);
	drop_copy(&cp);
}

static void old_entry_edited_and_rechained(void **st)
{
	(void)st;
	copy cp;
	make_copy(&cp, false);
	sql(&cp, "UPDATE audit_log SET badge = 'someone-else' WHERE seq = 20");
	rechain(&cp, 20);
	verify_fails(&cp, "edited and re-chained", "differs from its signed head", "history rewritten");
	/* and with the database's signed heads after it deleted as well: the
	 * heads file still names them */
	sql(&cp, "DELETE FROM audit_checkpoints WHERE seq >= 20");
	verify_fails(&cp, "edited, re-chained, checkpoints deleted", "differs from the head signed for it", NULL);
	drop_copy(&cp);
}

static void one_users_entries_erased_and_rechained(void **st)
{
	(void)st;
	copy cp;
	make_copy(&cp, false);
	long long erased = q("SELECT COUNT(*) FROM audit_log WHERE badge = 'demo-opj' AND action = 'case.read'");
	long long first = q("SELECT MIN(seq) FROM audit_log WHERE badge = 'demo-opj'");
	fprintf(stderr, "# erasing demo-opj's %lld reads (and its other entries) from entry %lld on\n", erased, first);
	assert_true(erased >= 59);
	sql(&cp, "DELETE FROM audit_log WHERE badge = 'demo-opj'");
	sql(&cp, "DELETE FROM audit_checkpoints WHERE seq >= %lld", first);
	renumber(&cp, first);
	rechain(&cp, first);
	verify_fails(&cp, "one user erased", "history rewritten", "are missing; the last signed head seen was");
	drop_copy(&cp);
}

static void wipe(void **st)
{
	(void)st;
	copy cp;
	make_copy(&cp, false);
	sql(&cp, "DELETE FROM audit_log");
	sql(&cp, "DELETE FROM audit_checkpoints");
	sql(&cp, "DELETE FROM audit_pending");
	sql(&cp, "UPDATE audit_head SET seq = 0, head = '0000000000000000000000000000000000000000000000000000000000000000'"
		 " WHERE id = 1");
	char want[64];
	snprintf(want, sizeof want, "entries 1–%lld are missing", total);
	verify_fails(&cp, "wiped", want, NULL);
	drop_copy(&cp);
}

static void entry_after_the_last_checkpoint_rewritten(void **st)
{
	(void)st;
	copy cp;
	make_copy(&cp, false);
	/* the last entry, made "after the last checkpoint" in the database by
	 * deleting the head signed at the stop */
	sql(&cp, "DELETE FROM audit_checkpoints WHERE seq = %lld", total);
	sql(&cp, "UPDATE audit_log SET object_id = 'another-case' WHERE seq = %lld", total);
	rechain(&cp, total);
	char want[96];
	snprintf(want, sizeof want, "entry %lld differs from the head signed for it", total);
	verify_fails(&cp, "last entry rewritten", want, NULL);
	drop_copy(&cp);
}

static void removed_middle_entry(void **st)
{
	(void)st;
	copy cp;
	make_copy(&cp, false);
	sql(&cp, "DELETE FROM audit_log WHERE seq = 300");
	verify_fails(&cp, "removed", "entry 300 is missing", NULL);
	drop_copy(&cp);
}

static void reordered(void **st)
{
	(void)st;
	copy cp;
	make_copy(&cp, false);
	sql(&cp, "UPDATE audit_log SET seq = -1 WHERE seq = 300");
	sql(&cp, "UPDATE audit_log SET seq = 300 WHERE seq = 301");
	sql(&cp, "UPDATE audit_log SET seq = 301 WHERE seq = -1");
	verify_fails(&cp, "reordered", "entry 300", "chain is broken");
	drop_copy(&cp);
}

static void rewritten_signed_head(void **st)
{
	(void)st;
	copy cp;
	make_copy(&cp, false);
	/* in the database: another entry's head under the signature of 512 */
	sql(&cp, "UPDATE audit_checkpoints SET head = (SELECT head FROM audit_log WHERE seq = 511) WHERE seq = 512");
	verify_fails(&cp, "signed head rewritten (database)", "entry 512 in the database has an invalid signature", NULL);
	drop_copy(&cp);
	/* in the heads file: the line of 512 says another head */
	make_copy(&cp, false);
	char cmd[3 * PATH_MAX];
	snprintf(cmd, sizeof cmd,
		 "sed -i -E 's/^(sijill-head-v2 seq=512 .* head=)[0-9a-f]{8}/\\100000000/' '%s.heads'", cp.s.key);
	assert_int_equal(system(cmd), 0);
	verify_fails(&cp, "signed head rewritten (file)", "heads file's signed head of entry 512", "invalid signature");
	drop_copy(&cp);
}

static void deleted_heads_file(void **st)
{
	(void)st;
	copy cp;
	make_copy(&cp, true);
	verify_fails(&cp, "heads file deleted", "heads file", "is missing");
	drop_copy(&cp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(list_read_is_one_entry_naming_the_ids),
		cmocka_unit_test(concurrent_reads_each_have_their_entry),
		cmocka_unit_test(one_worker_serves_the_reads_that_wait),
		cmocka_unit_test(one_worker_serves_others_while_a_write_commits),
		cmocka_unit_test(two_servers_keep_one_chain),
		cmocka_unit_test(many_entries_then_a_clean_stop),
		cmocka_unit_test(an_untouched_copy_verifies),
		cmocka_unit_test(truncation_with_checkpoints_and_head_rewritten),
		cmocka_unit_test(old_entry_edited_and_rechained),
		cmocka_unit_test(one_users_entries_erased_and_rechained),
		cmocka_unit_test(wipe),
		cmocka_unit_test(entry_after_the_last_checkpoint_rewritten),
		cmocka_unit_test(removed_middle_entry),
		cmocka_unit_test(reordered),
		cmocka_unit_test(rewritten_signed_head),
		cmocka_unit_test(deleted_heads_file),
	};
	return cmocka_run_group_tests_name(getenv("SIJILL_TEST_BACKEND") ? getenv("SIJILL_TEST_BACKEND") : "sqlite",
					   tests, setup, teardown);
}
