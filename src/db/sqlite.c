/* sqlite.c — the SQLite backend: one file, WAL journal.
 *
 * Durability: synchronous=NORMAL, so COMMIT appends to the WAL without
 * flushing it, and db.c's db_commit then flushes the WAL file (lite_log_path)
 * once for all the commits that asked at the same time (group commit). An
 * acknowledged commit so survives kill -9 and power loss as with
 * synchronous=FULL, at one fsync per group instead of one per commit. NORMAL
 * keeps the database safe from corruption on power loss in WAL mode (the WAL
 * header of a new generation is synced before its first frame, checkpoints
 * sync the WAL before and the database after; sqlite.org/pragma.html#pragma_synchronous). */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/backend.h"

#include <jansson.h>

/* sj_row_json(name1, value1, name2, value2, ...): the compact JSON object of
 * the pairs (text → string, integer → number, NULL → null), for the exchange's
 * outbox triggers (migration 0070). SQLite's own json_object() may not run in
 * a trigger under trusted_schema=OFF; this one is registered innocuous: it
 * has no side effect and reads nothing but its arguments. */
static void row_json(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	json_t *o = json_object();
	for (int i = 0; o && i + 1 < argc; i += 2) {
		const char *k = (const char *)sqlite3_value_text(argv[i]);
		sqlite3_value *v = argv[i + 1];
		json_t *j;
		switch (sqlite3_value_type(v)) {
		case SQLITE_INTEGER: j = json_integer(sqlite3_value_int64(v)); break;
		case SQLITE_NULL: j = json_null(); break;
		case SQLITE_FLOAT: j = json_real(sqlite3_value_double(v)); break;
		default: j = json_stringn((const char *)sqlite3_value_text(v), (size_t)sqlite3_value_bytes(v)); break;
		}
		if (!k || !j || json_object_set_new(o, k, j)) {
			json_decref(o);
			o = NULL;
		}
	}
	char *text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(o);
	if (!text) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	sqlite3_result_text(ctx, text, -1, free);
}

typedef struct lite_conn {
	sqlite3 *h;
	char wal[4096];     /* the WAL file: db.c flushes it for a group of commits */
} lite_conn;

typedef struct lite_stmt {
	sqlite3_stmt *st;
	sqlite3 *h;
	int64_t changes;
	bool done;
} lite_stmt;

static sj_err lite_map(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return SJ_OK;
	case SQLITE_NOMEM: return SJ_ENOMEM;
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return SJ_EBUSY;
	case SQLITE_CONSTRAINT: return SJ_ECONFLICT;
	case SQLITE_TOOBIG: return SJ_ELIMIT;
	default: return SJ_EDB;
	}
}

/* Once per process, before the first connection: no memory statistics.
 * With them on, every sqlite3_malloc and sqlite3_free of every connection
 * takes one process-wide mutex (SQLITE_CONFIG_MEMSTATUS); under 48 worker
 * threads that mutex was a tenth of an audited read's CPU, futex waits and
 * wake-ups included (perf, issue 21). Nothing reads the statistics. */
static void lite_config(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static sj_err lite_open(const char *uri, void **out, char *errmsg, size_t errsz)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, lite_config);
	lite_conn *c = calloc(1, sizeof *c);
	if (!c)
		return SJ_ENOMEM;
	int rc = sqlite3_open_v2(uri, &c->h,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(errmsg, errsz, "%s: %s", uri, c->h ? sqlite3_errmsg(c->h) : sqlite3_errstr(rc));
		sqlite3_close(c->h);
		free(c);
		return SJ_EDB;
	}
	sqlite3_extended_result_codes(c->h, 1);
	sqlite3_busy_timeout(c->h, 10000);
	char *err = NULL;
	rc = sqlite3_exec(c->h,
			  "PRAGMA journal_mode=WAL;"
			  "PRAGMA synchronous=NORMAL;"
			  "PRAGMA foreign_keys=ON;"
			  "PRAGMA trusted_schema=OFF;"
			  /* statement journals and sorters in memory, not in
			   * temporary files created and unlinked per statement */
			  "PRAGMA temp_store=MEMORY;"
			  /* the database file read through a mapping: every read
			   * transaction after another connection's commit starts
			   * with an empty page cache (WAL), and re-read its pages
			   * with one pread each */
			  "PRAGMA mmap_size=268435456;",
			  NULL, NULL, &err);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(c->h, "sj_row_json", -1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
					     NULL, row_json, NULL, NULL);
	if (rc != SQLITE_OK) {
		snprintf(errmsg, errsz, "%s: %s", uri, err ? err : sqlite3_errstr(rc));
		sqlite3_free(err);
		sqlite3_close(c->h);
		free(c);
		return lite_map(rc) == SJ_EBUSY ? SJ_EBUSY : SJ_EDB;
	}
	const char *main_file = sqlite3_db_filename(c->h, "main");
	int n = snprintf(c->wal, sizeof c->wal, "%s-wal", main_file ? main_file : "");
	if (!main_file || !*main_file || n < 0 || (size_t)n >= sizeof c->wal) {
		snprintf(errmsg, errsz, "%s: the database file has no usable path", uri);
		sqlite3_close(c->h);
		free(c);
		return SJ_EDB;
	}
	*out = c;
	return SJ_OK;
}

static void lite_close(void *conn)
{
	lite_conn *c = conn;
	if (!c)
		return;
	sqlite3_close_v2(c->h);
	free(c);
}

static sj_err lite_exec(void *conn, const char *sql)
{
	lite_conn *c = conn;
	return lite_map(sqlite3_exec(c->h, sql, NULL, NULL, NULL));
}

static sj_err lite_begin(void *conn, db_mode mode)
{
	return lite_exec(conn, mode == DB_WRITE ? "BEGIN IMMEDIATE" : "BEGIN");
}

static sj_err lite_commit(void *conn)
{
	return lite_exec(conn, "COMMIT");
}

/* lite_rollback: ROLLBACK can itself fail when preparing it runs out of
 * memory, which would leave the transaction open on a connection that goes
 * back to the pool (its next user would then work inside it, or find the
 * database locked): it is tried again while a transaction is still open. */
static void lite_rollback(void *conn)
{
	lite_conn *c = conn;
	for (int i = 0; i < 4 && !sqlite3_get_autocommit(c->h); i++)
		(void)lite_exec(conn, "ROLLBACK");
}

static sj_err lite_prepare(void *conn, const char *sql, void **out)
{
	lite_conn *c = conn;
	lite_stmt *s = calloc(1, sizeof *s);
	if (!s)
		return SJ_ENOMEM;
	int rc = sqlite3_prepare_v3(c->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, NULL);
	if (rc != SQLITE_OK) {
		free(s);
		return lite_map(rc) ? lite_map(rc) : SJ_EDB;
	}
	s->h = c->h;
	*out = s;
	return SJ_OK;
}

static void lite_finalize(void *stmt)
{
	lite_stmt *s = stmt;
	if (!s)
		return;
	sqlite3_finalize(s->st);
	free(s);
}

static void lite_reset(void *stmt)
{
	lite_stmt *s = stmt;
	sqlite3_reset(s->st);
	sqlite3_clear_bindings(s->st);
	s->done = false;
	s->changes = 0;
}

static sj_err lite_bind_text(void *stmt, int i, const char *v)
{
	lite_stmt *s = stmt;
	return lite_map(sqlite3_bind_text(s->st, i, v, -1, SQLITE_TRANSIENT));
}

static sj_err lite_bind_int(void *stmt, int i, int64_t v)
{
	lite_stmt *s = stmt;
	return lite_map(sqlite3_bind_int64(s->st, i, v));
}

static sj_err lite_bind_null(void *stmt, int i)
{
	lite_stmt *s = stmt;
	return lite_map(sqlite3_bind_null(s->st, i));
}

static sj_err lite_step(void *stmt, bool *row)
{
	lite_stmt *s = stmt;
	*row = false;
	if (s->done)
		return SJ_OK;
	int rc = sqlite3_step(s->st);
	if (rc == SQLITE_ROW) {
		*row = true;
		return SJ_OK;
	}
	s->done = true;
	if (rc == SQLITE_DONE) {
		s->changes = sqlite3_changes64(s->h);
		return SJ_OK;
	}
	sj_err e = lite_map(rc);
	sqlite3_reset(s->st);
	return e ? e : SJ_EDB;
}

static const char *lite_col_text(void *stmt, int i)
{
	lite_stmt *s = stmt;
	return (const char *)sqlite3_column_text(s->st, i);
}

static int64_t lite_col_int(void *stmt, int i)
{
	lite_stmt *s = stmt;
	return sqlite3_column_int64(s->st, i);
}

static bool lite_col_null(void *stmt, int i)
{
	lite_stmt *s = stmt;
	return sqlite3_column_type(s->st, i) == SQLITE_NULL;
}

static int lite_col_count(void *stmt)
{
	lite_stmt *s = stmt;
	return sqlite3_column_count(s->st);
}

static const char *lite_col_name(void *stmt, int i)
{
	lite_stmt *s = stmt;
	return sqlite3_column_name(s->st, i);
}

static int64_t lite_changes(void *stmt)
{
	lite_stmt *s = stmt;
	return s->changes;
}

static bool lite_tx_active(void *conn)
{
	lite_conn *c = conn;
	return !sqlite3_get_autocommit(c->h);
}

static bool lite_tx_wrote(void *conn)
{
	lite_conn *c = conn;
	return sqlite3_txn_state(c->h, NULL) == SQLITE_TXN_WRITE;
}

static sj_err lite_checkpoint(void *conn)
{
	lite_conn *c = conn;
	int nlog = 0, nckpt = 0;
	int rc = sqlite3_wal_checkpoint_v2(c->h, NULL, SQLITE_CHECKPOINT_PASSIVE, &nlog, &nckpt);
	return rc == SQLITE_OK || (rc & 0xff) == SQLITE_BUSY ? SJ_OK : lite_map(rc) ? lite_map(rc) : SJ_EDB;
}

static sj_err lite_no_autocheckpoint(void *conn)
{
	lite_conn *c = conn;
	sqlite3_wal_autocheckpoint(c->h, 0);
	return SJ_OK;
}

static const char *lite_log_path(void *conn)
{
	lite_conn *c = conn;
	return c->wal;
}

static const char *lite_errmsg(void *conn)
{
	lite_conn *c = conn;
	return sqlite3_errmsg(c->h);
}

/* Bulk copy: SQLite has no COPY, and needs none: an INSERT prepared once and
 * stepped per row costs no round trip. */
typedef struct lite_copy {
	sqlite3 *h;
	sqlite3_stmt *st;
	int ncols;
	sj_err err;
} lite_copy;

static sj_err lite_copy_begin(void *conn, const char *table, const char *columns, int ncols, void **out)
{
	lite_conn *c = conn;
	*out = NULL;
	/* "INSERT INTO t (cols) VALUES (?, ?, ...)" */
	size_t n = strlen(table) + strlen(columns) + 3 * (size_t)ncols + 40;
	char *sql = malloc(n);
	lite_copy *cp = calloc(1, sizeof *cp);
	if (!sql || !cp) {
		free(sql);
		free(cp);
		return SJ_ENOMEM;
	}
	size_t o = (size_t)snprintf(sql, n, "INSERT INTO %s (%s) VALUES (", table, columns);
	for (int i = 0; i < ncols; i++)
		o += (size_t)snprintf(sql + o, n - o, i ? ", ?" : "?");
	snprintf(sql + o, n - o, ")");
	int rc = sqlite3_prepare_v2(c->h, sql, -1, &cp->st, NULL);
	free(sql);
	if (rc != SQLITE_OK) {
		free(cp);
		return lite_map(rc) ? lite_map(rc) : SJ_EDB;
	}
	cp->h = c->h;
	cp->ncols = ncols;
	*out = cp;
	return SJ_OK;
}

static sj_err lite_copy_row(void *copy, const char *const *vals)
{
	lite_copy *cp = copy;
	if (cp->err)
		return cp->err;
	int rc = SQLITE_OK;
	for (int i = 0; i < cp->ncols && rc == SQLITE_OK; i++)
		rc = vals[i] ? sqlite3_bind_text(cp->st, i + 1, vals[i], -1, SQLITE_STATIC) /* stepped at once */
			     : sqlite3_bind_null(cp->st, i + 1);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(cp->st);
	sqlite3_reset(cp->st);
	if (rc != SQLITE_DONE) {
		sj_err e = lite_map(rc);
		cp->err = e ? e : SJ_EDB;
	}
	return cp->err;
}

static sj_err lite_copy_end(void *copy)
{
	lite_copy *cp = copy;
	if (!cp)
		return SJ_OK;
	sj_err e = cp->err;
	sqlite3_finalize(cp->st);
	free(cp);
	return e;
}

const db_backend_ops db_sqlite_ops = {
	.kind = DB_SQLITE,
	.conn_open = lite_open,
	.conn_close = lite_close,
	.exec = lite_exec,
	.begin = lite_begin,
	.commit = lite_commit,
	.rollback = lite_rollback,
	.prepare = lite_prepare,
	.finalize = lite_finalize,
	.reset = lite_reset,
	.bind_text = lite_bind_text,
	.bind_int = lite_bind_int,
	.bind_null = lite_bind_null,
	.step = lite_step,
	.col_text = lite_col_text,
	.col_int = lite_col_int,
	.col_null = lite_col_null,
	.col_count = lite_col_count,
	.col_name = lite_col_name,
	.changes = lite_changes,
	.errmsg = lite_errmsg,
	.tx_active = lite_tx_active,
	.tx_wrote = lite_tx_wrote,
	.log_path = lite_log_path,
	.checkpoint = lite_checkpoint,
	.no_autocheckpoint = lite_no_autocheckpoint,
	.copy_begin = lite_copy_begin,
	.copy_row = lite_copy_row,
	.copy_end = lite_copy_end,
};

/* ---------- online copy (sijill backup, sijill migrate) ---------- */

sj_err db_sqlite_copy(const char *src, const char *dst, char *err, size_t errsz)
{
	sqlite3 *s = NULL, *d = NULL;
	sj_err e = SJ_OK;
	int rc = sqlite3_open_v2(src, &s, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_busy_timeout(s, 10000);
	if (rc != SQLITE_OK) {
		snprintf(err, errsz, "%s: %s", src, s ? sqlite3_errmsg(s) : sqlite3_errstr(rc));
		e = SJ_EDB;
		goto out;
	}
	rc = sqlite3_open_v2(dst, &d, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errsz, "%s: %s", dst, d ? sqlite3_errmsg(d) : sqlite3_errstr(rc));
		e = SJ_EIO;
		goto out;
	}
	/* One step of all pages: a single read transaction on the source, so a
	 * serving process keeps writing (WAL) and the copy is one consistent
	 * snapshot. Stepping by pages would restart on every write of another
	 * process and might never finish under load. */
	sqlite3_backup *b = sqlite3_backup_init(d, "main", s, "main");
	if (!b) {
		snprintf(err, errsz, "%s: %s", dst, sqlite3_errmsg(d));
		e = SJ_EDB;
		goto out;
	}
	do {
		rc = sqlite3_backup_step(b, -1);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(50);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	int fin = sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE || fin != SQLITE_OK) {
		snprintf(err, errsz, "copying %s: %s", src, sqlite3_errstr(rc != SQLITE_DONE ? rc : fin));
		e = SJ_EDB;
		goto out;
	}
	/* the copy is a rollback-journal file with nothing pending: one file */
	rc = sqlite3_exec(d, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errsz, "%s: %s", dst, sqlite3_errmsg(d));
		e = SJ_EDB;
	}
out:
	sqlite3_close_v2(s);
	if (sqlite3_close(d) != SQLITE_OK && !e) {
		snprintf(err, errsz, "%s: could not close the copy", dst);
		e = SJ_EIO;
	}
	return e;
}
