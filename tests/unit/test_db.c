/* test_db.c — the storage interface (db.h), the same scenarios on SQLite and
 * PostgreSQL.
 *
 * SQLite runs in a temporary file. PostgreSQL runs in a fresh database
 * (t_<random hex>) created on the cluster named by SIJILL_TEST_PG_URI (an admin
 * URI, as printed by tests/pg-cluster.sh) and dropped at the end. Without that
 * variable every PostgreSQL test FAILS, unless SIJILL_TEST_NO_PG=1 (then they
 * are skipped): the test command always provides PostgreSQL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libpq-fe.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "db/db.h"

#define BIG ((int64_t)9007199254740993LL) /* 2^53 + 1: not a double */
#define THREAD_ROUNDS 200
#define MAX_RETRIES 1000
#define EVICT_STMTS 300                   /* more than db.c's cache of 128 */

#define OK(x) assert_int_equal((x), SJ_OK)

typedef struct backend {
	const char *name;
	db_backend kind;
	char uri[1024];
	char pgname[32];  /* PostgreSQL: the test database */
	bool ready;
	bool skip;        /* PostgreSQL absent and SIJILL_TEST_NO_PG=1 */
} backend;

static backend be_sqlite = {.name = "sqlite", .kind = DB_SQLITE};
static backend be_pg = {.name = "pg", .kind = DB_PG};
static char sqlite_dir[64];

typedef struct fixture {
	backend *be;
	db *d;
	db_conn *c;
} fixture;

/* ---- PostgreSQL administration (outside the interface under test) ---- */

static bool pg_admin(const char *sql)
{
	PGconn *c = PQconnectdb(getenv("SIJILL_TEST_PG_URI"));
	bool ok = PQstatus(c) == CONNECTION_OK;
	if (ok) {
		PGresult *r = PQexec(c, sql);
		ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
		if (!ok)
			fprintf(stderr, "# %s: %s", sql, PQerrorMessage(c));
		PQclear(r);
	} else {
		fprintf(stderr, "# cannot reach the test PostgreSQL: %s", PQerrorMessage(c));
	}
	PQfinish(c);
	return ok;
}

/* pg_uri_for makes the URI of database name on the admin URI's server: the
 * path after the authority is replaced, any ?query is kept. */
static bool pg_uri_for(const char *admin, const char *name, char *out, size_t outsz)
{
	const char *auth = strstr(admin, "://");
	if (!auth)
		return false;
	auth += 3;
	size_t alen = strcspn(auth, "/?");
	const char *query = strchr(auth + alen, '?');
	int n = snprintf(out, outsz, "%.*s/%s%s", (int)(auth + alen - admin), admin, name, query ? query : "");
	return n > 0 && (size_t)n < outsz;
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(sqlite_dir, sizeof sqlite_dir, "/tmp/sijill-test-db-XXXXXX");
	if (!mkdtemp(sqlite_dir))
		return -1;
	snprintf(be_sqlite.uri, sizeof be_sqlite.uri, "%s/test.db", sqlite_dir);
	be_sqlite.ready = true;

	const char *admin = getenv("SIJILL_TEST_PG_URI");
	const char *nopg = getenv("SIJILL_TEST_NO_PG");
	if (!admin || !*admin) {
		be_pg.skip = nopg && strcmp(nopg, "1") == 0;
		if (!be_pg.skip)
			fprintf(stderr, "# SIJILL_TEST_PG_URI is not set: the PostgreSQL tests fail "
					"(tests/run.sh starts a cluster; SIJILL_TEST_NO_PG=1 skips them)\n");
		return 0;
	}
	unsigned char rnd[8];
	char hex[2 * sizeof rnd + 1];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
	snprintf(be_pg.pgname, sizeof be_pg.pgname, "t_%s", hex);
	char sql[128];
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", be_pg.pgname);
	if (!pg_admin(sql) || !pg_uri_for(admin, be_pg.pgname, be_pg.uri, sizeof be_pg.uri)) {
		be_pg.pgname[0] = '\0';
		return 0; /* every PostgreSQL test then fails in its setup */
	}
	be_pg.ready = true;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	int rc = 0;
	if (be_pg.pgname[0]) {
		char sql[128];
		snprintf(sql, sizeof sql, "DROP DATABASE %s WITH (FORCE)", be_pg.pgname);
		if (!pg_admin(sql))
			rc = -1;
	}
	const char *suffix[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		char p[128];
		snprintf(p, sizeof p, "%s/test.db%s", sqlite_dir, suffix[i]);
		unlink(p);
	}
	rmdir(sqlite_dir);
	return rc;
}

static int setup(void **state)
{
	backend *be = *state;
	if (!be->skip && !be->ready) {
		fprintf(stderr, "# %s: no database to test (SIJILL_TEST_PG_URI unset or unusable)\n", be->name);
		return -1;
	}
	fixture *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	f->be = be;
	if (!be->skip) {
		if (db_open(be->uri, 2, &f->d)) {
			free(f);
			return -1;
		}
		if (db_acquire(f->d, &f->c)) {
			db_close(f->d);
			free(f);
			return -1;
		}
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	if (f && f->d) {
		if (f->c)
			db_release(f->d, f->c);
		db_close(f->d);
	}
	free(f);
	return 0;
}

static fixture *fx(void **state)
{
	fixture *f = *state;
	if (f->be->skip)
		skip();
	assert_non_null(f->c);
	assert_int_equal(db_kind(f->d), f->be->kind);
	return f;
}

/* scalar runs sql (one optional text parameter) and returns the first column
 * of its single row. */
static int64_t scalar(db_conn *c, const char *sql, const char *arg)
{
	db_stmt *s;
	bool row = false;
	OK(db_prepare(c, sql, &s));
	if (arg)
		OK(db_bind_text(s, 1, arg));
	OK(db_step(s, &row));
	assert_true(row);
	int64_t v = db_col_int(s, 0);
	OK(db_step(s, &row));
	assert_false(row);
	return v;
}

/* ---- scenarios, on both backends ---- */

static void insert_and_select(void **state)
{
	fixture *f = fx(state);
	db_conn *c = f->c;
	OK(db_exec(c, "CREATE TABLE people (id TEXT PRIMARY KEY, name TEXT, born BIGINT, note TEXT)"));
	static const char ins[] = "INSERT INTO people (id, name, born, note) VALUES (?, ?, ?, ?)";
	db_stmt *s;
	bool row = true;

	OK(db_prepare(c, ins, &s));
	OK(db_bind_text(s, 1, "p1"));
	OK(db_bind_text(s, 2, "Ali"));
	OK(db_bind_int(s, 3, BIG));
	OK(db_bind_null(s, 4));
	OK(db_step(s, &row));
	assert_false(row);
	assert_int_equal(db_changes(s), 1);

	OK(db_prepare(c, ins, &s));
	OK(db_bind_text(s, 1, "p2"));
	OK(db_bind_text(s, 2, NULL)); /* NULL text binds NULL */
	OK(db_bind_int(s, 3, INT64_MIN));
	OK(db_bind_text(s, 4, "x"));
	OK(db_step(s, &row));
	assert_false(row);

	OK(db_run(c, ins, "ttin", "p3", "Max", (int64_t)INT64_MAX));

	static const char sel[] = "SELECT id, name, born, note FROM people ORDER BY id";
	OK(db_prepare(c, sel, &s));
	OK(db_step(s, &row));
	assert_true(row);
	assert_int_equal(db_col_count(s), 4);
	assert_string_equal(db_col_text(s, 0), "p1");
	assert_string_equal(db_col_text(s, 1), "Ali");
	assert_true(db_col_int(s, 2) == BIG);
	assert_string_equal(db_col_text(s, 2), "9007199254740993");
	assert_true(db_col_null(s, 3));
	assert_null(db_col_text(s, 3));
	assert_false(db_col_null(s, 0));

	OK(db_step(s, &row));
	assert_true(row);
	assert_string_equal(db_col_text(s, 0), "p2");
	assert_true(db_col_null(s, 1));
	assert_null(db_col_text(s, 1));
	assert_true(db_col_int(s, 2) == INT64_MIN);
	assert_string_equal(db_col_text(s, 3), "x");

	OK(db_step(s, &row));
	assert_true(row);
	assert_string_equal(db_col_text(s, 0), "p3");
	assert_true(db_col_int(s, 2) == INT64_MAX);
	assert_true(db_col_null(s, 3));

	OK(db_step(s, &row));
	assert_false(row);
	OK(db_step(s, &row)); /* stepping a finished statement stays finished */
	assert_false(row);

	/* A parameter beyond the statement's placeholders is refused. */
	OK(db_prepare(c, ins, &s));
	assert_int_not_equal(db_bind_int(s, 5, 1), SJ_OK);
	assert_int_not_equal(db_bind_int(s, 0, 1), SJ_OK);
}

static void integers_and_booleans(void **state)
{
	fixture *f = fx(state);
	db_conn *c = f->c;
	db_stmt *s;
	bool row;
	/* A parameter whose type the context does not give is CAST (db.md). */
	OK(db_prepare(c, "SELECT CAST(? AS BIGINT) + 1, CAST(? AS BIGINT) - 1", &s));
	OK(db_bind_int(s, 1, BIG));
	OK(db_bind_int(s, 2, INT64_MIN + 1));
	OK(db_step(s, &row));
	assert_true(row);
	assert_true(db_col_int(s, 0) == BIG + 1);
	assert_true(db_col_int(s, 1) == INT64_MIN);
	/* Boolean expressions read as 1/0 on both (PostgreSQL says t/f). */
	OK(db_exec(c, "CREATE TABLE flags (k TEXT PRIMARY KEY)"));
	OK(db_run(c, "INSERT INTO flags (k) VALUES (?)", "t", "on"));
	static const char ex[] = "SELECT EXISTS (SELECT 1 FROM flags WHERE k = ?)";
	assert_int_equal(scalar(c, ex, "on"), 1);
	assert_int_equal(scalar(c, ex, "off"), 0);
	assert_int_equal(scalar(c, "SELECT COUNT(*) > 0 FROM flags WHERE k = ?", "on"), 1);
}

static void unique_violation_is_conflict(void **state)
{
	fixture *f = fx(state);
	db_conn *c = f->c;
	static const char ins[] = "INSERT INTO uq (k, v) VALUES (?, ?)";
	static const char count[] = "SELECT COUNT(*) FROM uq";
	OK(db_exec(c, "CREATE TABLE uq (k TEXT PRIMARY KEY, v BIGINT NOT NULL)"));
	OK(db_run(c, ins, "ti", "a", (int64_t)1));

	OK(db_begin(c, DB_WRITE));
	assert_true(db_in_tx(c));
	OK(db_run(c, ins, "ti", "b", (int64_t)2));
	assert_int_equal(db_run(c, ins, "ti", "a", (int64_t)3), SJ_ECONFLICT);
	assert_true(db_last_error(c)[0] != '\0');
	db_rollback(c);
	assert_false(db_in_tx(c));
	assert_int_equal(scalar(c, count, NULL), 1); /* b went with the transaction */

	/* the connection is as good as new */
	OK(db_begin(c, DB_WRITE));
	OK(db_run(c, ins, "ti", "c", (int64_t)4));
	OK(db_commit(c));
	assert_int_equal(scalar(c, count, NULL), 2);

	/* outside a transaction too, and NOT NULL is a conflict as well */
	assert_int_equal(db_run(c, ins, "ti", "c", (int64_t)5), SJ_ECONFLICT);
	assert_int_equal(db_run(c, ins, "tn", "d"), SJ_ECONFLICT);
	OK(db_run(c, ins, "ti", "d", (int64_t)6));
	assert_int_equal(scalar(c, count, NULL), 3);
}

static void upsert_counter(void **state)
{
	fixture *f = fx(state);
	db_conn *c = f->c;
	static const char next[] =
		"INSERT INTO t (k, n) VALUES (?, 1) ON CONFLICT (k) DO UPDATE SET n = t.n + 1 RETURNING n";
	OK(db_exec(c, "CREATE TABLE t (k TEXT PRIMARY KEY, n BIGINT NOT NULL)"));
	for (int64_t i = 1; i <= 5; i++) {
		OK(db_begin(c, DB_WRITE));
		assert_int_equal(scalar(c, next, "TUN/2026"), i);
		OK(db_commit(c));
	}
	assert_int_equal(scalar(c, next, "SFX/2026"), 1);
	assert_int_equal(scalar(c, "SELECT n FROM t WHERE k = ?", "TUN/2026"), 5);
}

static void rollback_discards(void **state)
{
	fixture *f = fx(state);
	db_conn *c = f->c;
	static const char ins[] = "INSERT INTO rb (k) VALUES (?)";
	static const char count[] = "SELECT COUNT(*) FROM rb";
	OK(db_exec(c, "CREATE TABLE rb (k TEXT PRIMARY KEY)"));
	OK(db_begin(c, DB_WRITE));
	OK(db_run(c, ins, "t", "x"));
	OK(db_run(c, ins, "t", "y"));
	assert_int_equal(scalar(c, count, NULL), 2);
	db_rollback(c);
	assert_false(db_in_tx(c));
	db_rollback(c); /* always safe */
	assert_int_equal(scalar(c, count, NULL), 0);

	/* releasing a connection inside a transaction rolls it back */
	OK(db_begin(c, DB_WRITE));
	OK(db_run(c, ins, "t", "z"));
	db_release(f->d, c);
	f->c = NULL;
	OK(db_acquire(f->d, &f->c));
	c = f->c;
	assert_false(db_in_tx(c));
	assert_int_equal(scalar(c, count, NULL), 0);

	/* and a read transaction commits */
	OK(db_begin(c, DB_READ));
	assert_int_equal(scalar(c, count, NULL), 0);
	OK(db_commit(c));
	assert_int_equal(db_commit(c), SJ_EINTERNAL); /* nothing to commit */
}

static void question_mark_in_literal(void **state)
{
	fixture *f = fx(state);
	db_conn *c = f->c;
	db_stmt *s;
	bool row;
	OK(db_prepare(c,
		      "SELECT '?' || ?, 'it''s a ?', CAST(? AS BIGINT) /* why? */ AS \"a?b\" -- what?\n"
		      ", 'x?y'",
		      &s));
	OK(db_bind_text(s, 1, "x"));
	OK(db_bind_int(s, 2, 7));
	assert_int_not_equal(db_bind_int(s, 3, 1), SJ_OK); /* only two placeholders */
	OK(db_step(s, &row));
	assert_true(row);
	assert_int_equal(db_col_count(s), 4);
	assert_string_equal(db_col_text(s, 0), "?x");
	assert_string_equal(db_col_text(s, 1), "it's a ?");
	assert_int_equal(db_col_int(s, 2), 7);
	assert_string_equal(db_col_text(s, 3), "x?y");
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static void arabic_round_trip(void **state)
{
	fixture *f = fx(state);
	db_conn *c = f->c;
	static const char text[] = "محضر سماع: المشتبه فيه محمد بن علي — ولاية تونس، رقم ١٢٣/٢٠٢٦";
	db_stmt *s;
	bool row;
	OK(db_exec(c, "CREATE TABLE ar (id TEXT PRIMARY KEY, body TEXT NOT NULL)"));
	OK(db_run(c, "INSERT INTO ar (id, body) VALUES (?, ?)", "tt", "م-1", text));
	OK(db_prepare(c, "SELECT id, body, LENGTH(body) FROM ar WHERE body = ?", &s));
	OK(db_bind_text(s, 1, text));
	OK(db_step(s, &row));
	assert_true(row);
	assert_string_equal(db_col_text(s, 0), "م-1");
	assert_string_equal(db_col_text(s, 1), text);
	assert_int_equal(db_col_int(s, 2), (int64_t)utf8_chars(text)); /* characters, not bytes */
	assert_true(utf8_chars(text) < strlen(text));
}

static void statement_cache_reuse(void **state)
{
	fixture *f = fx(state);
	db_conn *c = f->c;
	static const char ins[] = "INSERT INTO sc (i) VALUES (?)";
	static const char upto[] = "SELECT COUNT(*) FROM sc WHERE i <= ?";
	OK(db_exec(c, "CREATE TABLE sc (i BIGINT PRIMARY KEY)"));
	db_stmt *first_ins = NULL, *first_sel = NULL;
	for (int64_t i = 0; i < 1000; i++) {
		db_stmt *s;
		bool row;
		OK(db_prepare(c, ins, &s));
		if (!first_ins)
			first_ins = s;
		assert_ptr_equal(s, first_ins);
		OK(db_bind_int(s, 1, i));
		OK(db_step(s, &row));
		assert_false(row);
		OK(db_prepare(c, upto, &s));
		if (!first_sel)
			first_sel = s;
		assert_ptr_equal(s, first_sel);
		OK(db_bind_int(s, 1, i));
		OK(db_step(s, &row));
		assert_true(row);
		assert_int_equal(db_col_int(s, 0), i + 1);
	}
	assert_int_equal(scalar(c, "SELECT COUNT(*) FROM sc", NULL), 1000);
	if (f->be->kind == DB_PG) /* prepared once each, not once per use */
		assert_true(scalar(c, "SELECT COUNT(*) FROM pg_prepared_statements", NULL) <= 8);

	/* More distinct statements than the cache holds: the oldest are evicted
	 * and (PostgreSQL) deallocated on the server. The texts must outlive
	 * the pool: the cache is keyed by their addresses. */
	char **texts = calloc(EVICT_STMTS, sizeof *texts);
	assert_non_null(texts);
	for (int i = 0; i < EVICT_STMTS; i++) {
		texts[i] = malloc(64);
		assert_non_null(texts[i]);
		snprintf(texts[i], 64, "SELECT CAST(? AS BIGINT) + %d", i);
		db_stmt *s;
		bool row;
		OK(db_prepare(c, texts[i], &s));
		OK(db_bind_int(s, 1, 1000));
		OK(db_step(s, &row));
		assert_true(row);
		assert_int_equal(db_col_int(s, 0), 1000 + i);
	}
	if (f->be->kind == DB_PG)
		assert_true(scalar(c, "SELECT COUNT(*) FROM pg_prepared_statements", NULL) <= 128);
	db_release(f->d, c);
	f->c = NULL;
	db_close(f->d);
	f->d = NULL;
	for (int i = 0; i < EVICT_STMTS; i++)
		free(texts[i]);
	free(texts);
}

static void changes_are_counted(void **state)
{
	fixture *f = fx(state);
	db_conn *c = f->c;
	static const char upd[] = "UPDATE ch SET g = ? WHERE g = ?";
	OK(db_exec(c, "CREATE TABLE ch (k TEXT PRIMARY KEY, g BIGINT NOT NULL);"
		      "INSERT INTO ch (k, g) VALUES ('a', 0), ('b', 1), ('c', 0);"
		      "INSERT INTO ch (k, g) VALUES ('d', 1), ('e', 0)"));
	db_stmt *s;
	bool row;
	OK(db_prepare(c, upd, &s));
	OK(db_bind_int(s, 1, 2));
	OK(db_bind_int(s, 2, 0));
	OK(db_step(s, &row));
	assert_false(row);
	assert_int_equal(db_changes(s), 3);
	OK(db_prepare(c, upd, &s));
	assert_int_equal(db_changes(s), 0); /* reset */
	OK(db_bind_int(s, 1, 3));
	OK(db_bind_int(s, 2, 9));
	OK(db_step(s, &row));
	assert_int_equal(db_changes(s), 0);
	OK(db_prepare(c, "DELETE FROM ch WHERE g = ?", &s));
	OK(db_bind_int(s, 1, 1));
	OK(db_step(s, &row));
	assert_int_equal(db_changes(s), 2);
	assert_int_equal(scalar(c, "SELECT COUNT(*) FROM ch", NULL), 3);
}

typedef struct worker {
	db *d;
	int rounds;
	int done;
	int retries;
	sj_err fail;      /* first non-retryable error */
	char msg[256];
} worker;

static void *count_up(void *arg)
{
	worker *w = arg;
	static const char next[] =
		"INSERT INTO ctr (k, n) VALUES ('c', 1) ON CONFLICT (k) DO UPDATE SET n = ctr.n + 1 RETURNING n";
	static const char take[] = "INSERT INTO taken (n) VALUES (?)";
	for (int i = 0; i < w->rounds && !w->fail; i++) {
		int tries = 0;
		for (;;) {
			db_conn *c;
			sj_err e = db_acquire(w->d, &c);
			if (e) {
				w->fail = e;
				return NULL;
			}
			db_stmt *s;
			bool row = false;
			int64_t n = 0;
			e = db_begin(c, DB_WRITE);
			if (!e)
				e = db_prepare(c, next, &s);
			if (!e)
				e = db_step(s, &row);
			if (!e && !row)
				e = SJ_EINTERNAL;
			if (!e) {
				/* left on its row: db_commit resets it (SQLite would
				 * refuse to COMMIT an INSERT ... RETURNING in progress) */
				n = db_col_int(s, 0);
				e = db_run(c, take, "i", n); /* the number is ours alone */
			}
			if (!e)
				e = db_commit(c);
			if (e) {
				snprintf(w->msg, sizeof w->msg, "%s", db_last_error(c));
				db_rollback(c);
			}
			db_release(w->d, c);
			if (!e) {
				w->done++;
				break;
			}
			if (e != SJ_EBUSY || ++tries > MAX_RETRIES) {
				w->fail = e;
				return NULL;
			}
			w->retries++;
		}
	}
	return NULL;
}

static void two_threads_count_to_400(void **state)
{
	fixture *f = fx(state);
	db_conn *c = f->c;
	OK(db_exec(c, "CREATE TABLE ctr (k TEXT PRIMARY KEY, n BIGINT NOT NULL);"
		      "CREATE TABLE taken (n BIGINT PRIMARY KEY)"));
	db_release(f->d, c); /* the pool has 2: one for each thread */
	f->c = NULL;
	worker w[2];
	pthread_t t[2];
	for (int i = 0; i < 2; i++) {
		w[i] = (worker){.d = f->d, .rounds = THREAD_ROUNDS};
		assert_int_equal(pthread_create(&t[i], NULL, count_up, &w[i]), 0);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 2; i++) {
		if (w[i].fail)
			fail_msg("thread %d: %s: %s", i, sj_err_name(w[i].fail), w[i].msg);
		assert_int_equal(w[i].done, THREAD_ROUNDS);
	}
	OK(db_acquire(f->d, &f->c));
	c = f->c;
	assert_int_equal(scalar(c, "SELECT n FROM ctr WHERE k = ?", "c"), 2 * THREAD_ROUNDS);
	assert_int_equal(scalar(c, "SELECT COUNT(*) FROM taken", NULL), 2 * THREAD_ROUNDS);
	assert_int_equal(scalar(c, "SELECT MAX(n) FROM taken", NULL), 2 * THREAD_ROUNDS);
}

static void bad_sql_is_reported(void **state)
{
	fixture *f = fx(state);
	db_conn *c = f->c;
	db_stmt *s = NULL;
	log_set_quiet(1); /* the failed prepare is logged; expected here */
	assert_int_not_equal(db_prepare(c, "SELEC nothing", &s), SJ_OK);
	log_set_quiet(0);
	assert_true(strlen(db_last_error(c)) > 0);
	assert_int_not_equal(db_exec(c, "CREATE TABLE"), SJ_OK);
	assert_int_equal(scalar(c, "SELECT 41 + 1", NULL), 42); /* still usable */
}

/* ---- PostgreSQL only ---- */

static void failed_transaction_cannot_commit(void **state)
{
	fixture *f = fx(state);
	db_conn *c = f->c;
	static const char ins[] = "INSERT INTO fx (k) VALUES (?)";
	OK(db_exec(c, "CREATE TABLE fx (k TEXT PRIMARY KEY)"));
	OK(db_run(c, ins, "t", "a"));
	/* PostgreSQL aborts the whole transaction on an error: COMMIT must fail. */
	OK(db_begin(c, DB_WRITE));
	OK(db_run(c, ins, "t", "b"));
	assert_int_equal(db_run(c, ins, "t", "a"), SJ_ECONFLICT);
	assert_int_not_equal(db_run(c, ins, "t", "c"), SJ_OK); /* aborted */
	assert_int_equal(db_commit(c), SJ_EDB);
	assert_false(db_in_tx(c));
	assert_int_equal(scalar(c, "SELECT COUNT(*) FROM fx", NULL), 1);

	/* A constraint checked at COMMIT fails the COMMIT itself. */
	OK(db_exec(c, "CREATE TABLE dfr (k TEXT, CONSTRAINT dfr_k UNIQUE (k) DEFERRABLE INITIALLY DEFERRED)"));
	OK(db_begin(c, DB_WRITE));
	OK(db_run(c, "INSERT INTO dfr (k) VALUES (?)", "t", "x"));
	OK(db_run(c, "INSERT INTO dfr (k) VALUES (?)", "t", "x"));
	assert_int_equal(db_commit(c), SJ_ECONFLICT);
	assert_false(db_in_tx(c));
	assert_int_equal(scalar(c, "SELECT COUNT(*) FROM dfr", NULL), 0);

	/* Data exceptions (SQLSTATE class 22) are invalid input. */
	db_stmt *s;
	bool row;
	OK(db_prepare(c, "SELECT CAST(? AS BIGINT)", &s));
	OK(db_bind_text(s, 1, "12abc"));
	assert_int_equal(db_step(s, &row), SJ_EINVAL);
	OK(db_prepare(c, "SELECT CAST(? AS BIGINT)", &s));
	OK(db_bind_text(s, 1, "12"));
	OK(db_step(s, &row));
	assert_int_equal(db_col_int(s, 0), 12);
}

typedef struct locker {
	db *d;
	pthread_barrier_t *bar;
	const char *first, *second;
	int delay_ms;
	sj_err e;
	char msg[256];
} locker;

static void *lock_two(void *arg)
{
	locker *l = arg;
	static const char upd[] = "UPDATE dl SET v = v + 1 WHERE k = ?";
	db_conn *c;
	l->e = db_acquire(l->d, &c);
	if (l->e) {
		pthread_barrier_wait(l->bar);
		return NULL;
	}
	sj_err e = db_begin(c, DB_WRITE);
	if (!e)
		e = db_run(c, upd, "t", l->first);
	pthread_barrier_wait(l->bar);
	if (l->delay_ms) {
		struct timespec ts = {0, (long)l->delay_ms * 1000000L};
		nanosleep(&ts, NULL);
	}
	if (!e)
		e = db_run(c, upd, "t", l->second);
	if (e)
		snprintf(l->msg, sizeof l->msg, "%s", db_last_error(c));
	if (!e)
		e = db_commit(c);
	else
		db_rollback(c);
	db_release(l->d, c);
	l->e = e;
	return NULL;
}

static void deadlock_is_busy(void **state)
{
	fixture *f = fx(state);
	db_conn *c = f->c;
	OK(db_exec(c, "CREATE TABLE dl (k TEXT PRIMARY KEY, v BIGINT NOT NULL);"
		      "INSERT INTO dl (k, v) VALUES ('a', 0), ('b', 0)"));
	db_release(f->d, c);
	f->c = NULL;
	pthread_barrier_t bar;
	pthread_barrier_init(&bar, NULL, 2);
	locker l[2] = {
		{.d = f->d, .bar = &bar, .first = "a", .second = "b"},
		{.d = f->d, .bar = &bar, .first = "b", .second = "a", .delay_ms = 200},
	};
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, lock_two, &l[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&bar);
	/* exactly one is the deadlock victim (40P01 -> busy), the other commits */
	int busy = (l[0].e == SJ_EBUSY) + (l[1].e == SJ_EBUSY);
	int ok = (l[0].e == SJ_OK) + (l[1].e == SJ_OK);
	if (busy != 1 || ok != 1)
		fail_msg("expected one busy, one ok: %s (%s) / %s (%s)", sj_err_name(l[0].e), l[0].msg,
			 sj_err_name(l[1].e), l[1].msg);
	const char *msg = l[0].e ? l[0].msg : l[1].msg;
	assert_non_null(strstr(msg, "deadlock"));
	OK(db_acquire(f->d, &f->c));
	assert_int_equal(scalar(f->c, "SELECT SUM(v) FROM dl", NULL), 2);
}

static void terminate_backend(db_conn *c)
{
	int64_t pid = scalar(c, "SELECT pg_backend_pid()", NULL);
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%lld, 5000)", (long long)pid);
	assert_true(pg_admin(sql));
}

static void reconnects_outside_transactions(void **state)
{
	fixture *f = fx(state);
	db_conn *c = f->c;
	static const char twice[] = "SELECT CAST(? AS BIGINT) * 2";
	static const char ins[] = "INSERT INTO rc (k) VALUES (?)";
	OK(db_exec(c, "CREATE TABLE rc (k TEXT PRIMARY KEY)"));
	assert_int_equal(scalar(c, twice, "21"), 42);

	/* the server drops the session: the next use outside a transaction
	 * notices (the farewell waits on the socket), reconnects and prepares
	 * the cached statement again */
	terminate_backend(c);
	assert_int_equal(scalar(c, twice, "5"), 10);
	terminate_backend(c);
	db_stmt *s;
	bool row;
	OK(db_prepare(c, twice, &s));
	OK(db_bind_text(s, 1, "6"));
	OK(db_step(s, &row));
	assert_true(row);
	assert_int_equal(db_col_int(s, 0), 12);

	/* a transaction start recovers at once (nothing was done yet) */
	terminate_backend(c);
	OK(db_begin(c, DB_WRITE));
	OK(db_run(c, ins, "t", "a"));
	OK(db_commit(c));

	/* but never inside a transaction: its work is lost, and said so */
	OK(db_begin(c, DB_WRITE));
	OK(db_run(c, ins, "t", "b"));
	terminate_backend(c);
	assert_int_equal(db_run(c, ins, "t", "c"), SJ_EUNAVAIL); /* HTTP: 503 + Retry-After */
	assert_int_not_equal(db_commit(c), SJ_OK);
	assert_false(db_in_tx(c));
	OK(db_run(c, ins, "t", "d")); /* the failure was seen: this use reconnects */
	assert_int_equal(scalar(c, "SELECT COUNT(*) FROM rc", NULL), 2);
	assert_int_equal(scalar(c, "SELECT COUNT(*) FROM rc WHERE k = ? OR k = 'd'", "a"), 2);
}

/* db_copy: the bulk path gives the same rows as INSERT, escapes what COPY's
 * text format must escape, refuses other statements while it streams, and
 * reports a constraint violation (at the row on SQLite, at the end on
 * PostgreSQL) so the transaction is rolled back. */
static void bulk_copy(void **state)
{
	fixture *f = fx(state);
	db_conn *c = f->c;
	OK(db_exec(c, "CREATE TABLE bulk (id TEXT PRIMARY KEY, name TEXT, n BIGINT)"));
	OK(db_begin(c, DB_WRITE));
	db_copy *cp = NULL;
	OK(db_copy_begin(c, "bulk", "id, name, n", &cp));
	db_stmt *s;
	assert_int_equal(db_prepare(c, "SELECT 1", &s), SJ_EINTERNAL);
	assert_int_equal(db_exec(c, "SELECT 1"), SJ_EINTERNAL);
	static const char odd[] = "tab\there, new\nline, back\\slash, cr\r, \\N, محمد العلوي";
	OK(db_copy_row(cp, "tti", "a", odd, (int64_t)-42));
	OK(db_copy_row(cp, "tni", "b", (int64_t)INT64_MIN));
	OK(db_copy_end(cp));
	/* many rows: several blocks on PostgreSQL */
	for (int i = 0; i < 2000; i++) {
		char id[16];
		snprintf(id, sizeof id, "r%04d", i);
		if (i == 0)
			OK(db_copy_begin(c, "bulk", "id, name, n", &cp));
		OK(db_copy_row(cp, "tti", id, "x", (int64_t)i));
	}
	OK(db_copy_end(cp));
	OK(db_commit(c));
	assert_int_equal(scalar(c, "SELECT COUNT(*) FROM bulk", NULL), 2002);
	assert_int_equal(scalar(c, "SELECT n FROM bulk WHERE id = ?", "a"), -42);
	assert_int_equal(scalar(c, "SELECT n FROM bulk WHERE id = ?", "b"), INT64_MIN);
	assert_int_equal(scalar(c, "SELECT COUNT(*) FROM bulk WHERE id = 'b' AND name IS NULL", NULL), 1);
	db_stmt *q;
	bool row = false;
	OK(db_prepare(c, "SELECT name FROM bulk WHERE id = 'a'", &q));
	OK(db_step(q, &row));
	assert_true(row);
	assert_string_equal(db_col_text(q, 0), odd);
	OK(db_step(q, &row));
	/* a row of the wrong shape poisons the stream */
	OK(db_begin(c, DB_WRITE));
	OK(db_copy_begin(c, "bulk", "id, name, n", &cp));
	assert_int_equal(db_copy_row(cp, "tt", "c", "too few"), SJ_EINTERNAL);
	assert_int_equal(db_copy_row(cp, "tti", "c", "right", (int64_t)1), SJ_EINTERNAL);
	assert_int_equal(db_copy_end(cp), SJ_EINTERNAL);
	db_rollback(c);
	/* a duplicate key fails the stream; the transaction is rolled back */
	OK(db_begin(c, DB_WRITE));
	OK(db_copy_begin(c, "bulk", "id, name, n", &cp));
	sj_err e = db_copy_row(cp, "tti", "z", "new", (int64_t)1);
	if (!e)
		e = db_copy_row(cp, "tti", "a", "dup", (int64_t)1);
	sj_err e2 = db_copy_end(cp);
	assert_int_equal(e ? e : e2, SJ_ECONFLICT);
	db_rollback(c);
	assert_int_equal(scalar(c, "SELECT COUNT(*) FROM bulk WHERE id = ?", "z"), 0);
	/* bad names never reach the SQL text; no stream outside a transaction */
	OK(db_begin(c, DB_WRITE));
	assert_int_equal(db_copy_begin(c, "bulk; DROP TABLE bulk", "id", &cp), SJ_EINTERNAL);
	assert_int_equal(db_copy_begin(c, "bulk", "id,,name", &cp), SJ_EINTERNAL);
	db_rollback(c);
	assert_int_equal(db_copy_begin(c, "bulk", "id", &cp), SJ_EINTERNAL);
	OK(db_bulk_session(c, true));
	OK(db_maintain(c, "bulk"));
	OK(db_bulk_session(c, false));
	assert_int_equal(db_maintain(c, "bulk x"), SJ_EINTERNAL);
}

#define TEST(be, f) {#be "_" #f, f, setup, teardown, &be_##be}
#define BOTH(f) TEST(sqlite, f), TEST(pg, f)

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		BOTH(insert_and_select),
		BOTH(integers_and_booleans),
		BOTH(unique_violation_is_conflict),
		BOTH(upsert_counter),
		BOTH(rollback_discards),
		BOTH(question_mark_in_literal),
		BOTH(arabic_round_trip),
		BOTH(statement_cache_reuse),
		BOTH(changes_are_counted),
		BOTH(two_threads_count_to_400),
		BOTH(bad_sql_is_reported),
		BOTH(bulk_copy),
		TEST(pg, failed_transaction_cannot_commit),
		TEST(pg, deadlock_is_busy),
		TEST(pg, reconnects_outside_transactions),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
