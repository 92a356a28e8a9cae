/* db.c — the connection pool, the per-connection statement cache and the
 * public db_* API, dispatching to the SQLite or PostgreSQL backend. */
#include "db/db.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "db/backend.h"

#define DB_STMT_CACHE 128
#define DB_COPY_MAX_COLS 32   /* columns of one db_copy stream */
#define DB_COPY_INT_TEXT 24   /* INT64_MIN is 20 characters */

struct db_stmt {
	const db_backend_ops *ops;
	void *impl;
	const char *sql;    /* the key: the literal's address */
	struct db_conn *conn;
};

struct db_conn {
	const db_backend_ops *ops;
	void *impl;
	bool in_tx;
	bool busy;          /* lent out */
	bool copying;       /* a db_copy stream is open: nothing else may run */
	struct db *home;    /* the pool it belongs to */
	int nstmt;
	db_stmt stmts[DB_STMT_CACHE];
};

struct db {
	const db_backend_ops *ops;
	char *uri;
	int size;
	int idle;
	db_conn *conns;
	pthread_mutex_t lock;
	pthread_cond_t freed;
	struct db *reader;  /* db_open_reader: the pool for lag-tolerant reads, or NULL */
};

bool db_uri_is_pg(const char *uri)
{
	return uri && (strncmp(uri, "postgresql://", 13) == 0 || strncmp(uri, "postgres://", 11) == 0);
}

sj_err db_open(const char *uri, int pool, db **out)
{
	*out = NULL;
	if (!uri || !*uri || pool < 1 || pool > 256)
		return SJ_EINVAL;
	db *d = calloc(1, sizeof *d);
	if (!d)
		return SJ_ENOMEM;
	d->ops = db_uri_is_pg(uri) ? &db_pg_ops : &db_sqlite_ops;
	d->uri = strdup(uri);
	d->conns = calloc((size_t)pool, sizeof *d->conns);
	if (!d->uri || !d->conns) {
		free(d->uri);
		free(d->conns);
		free(d);
		return SJ_ENOMEM;
	}
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->freed, NULL);
	for (int i = 0; i < pool; i++) {
		char msg[512] = "";
		d->conns[i].ops = d->ops;
		d->conns[i].home = d;
		sj_err e = d->ops->conn_open(uri, &d->conns[i].impl, msg, sizeof msg);
		if (e) {
			log_msg(LOG_ERROR, "database open failed", json_pack("{s:s}", "error", msg));
			d->size = i;
			db_close(d);
			return e;
		}
		d->size = i + 1;
	}
	d->idle = d->size;
	*out = d;
	return SJ_OK;
}

static void conn_clear_stmts(db_conn *c)
{
	for (int i = 0; i < c->nstmt; i++)
		c->ops->finalize(c->stmts[i].impl);
	c->nstmt = 0;
}

void db_close(db *d)
{
	if (!d)
		return;
	db_close(d->reader);
	for (int i = 0; i < d->size; i++) {
		conn_clear_stmts(&d->conns[i]);
		d->ops->conn_close(d->conns[i].impl);
	}
	pthread_mutex_destroy(&d->lock);
	pthread_cond_destroy(&d->freed);
	free(d->conns);
	free(d->uri);
	free(d);
}

db_backend db_kind(const db *d) { return d->ops->kind; }
db_backend db_conn_kind(const db_conn *c) { return c->ops->kind; }
bool db_in_tx(const db_conn *c) { return c->in_tx; }

sj_err db_acquire(db *d, db_conn **out)
{
	pthread_mutex_lock(&d->lock);
	while (d->idle == 0)
		pthread_cond_wait(&d->freed, &d->lock);
	for (int i = 0; i < d->size; i++) {
		if (!d->conns[i].busy) {
			d->conns[i].busy = true;
			d->idle--;
			*out = &d->conns[i];
			pthread_mutex_unlock(&d->lock);
			return SJ_OK;
		}
	}
	pthread_mutex_unlock(&d->lock);
	abort(); /* idle > 0 but no idle connection: impossible */
}

void db_release(db *d, db_conn *c)
{
	if (!c)
		return;
	d = c->home; /* a reader connection goes back to the reader pool */
	if (c->in_tx)
		db_rollback(c);
	pthread_mutex_lock(&d->lock);
	c->busy = false;
	d->idle++;
	pthread_cond_signal(&d->freed);
	pthread_mutex_unlock(&d->lock);
}

sj_err db_begin(db_conn *c, db_mode mode)
{
	if (c->in_tx)
		return SJ_EINTERNAL;
	sj_err e = c->ops->begin(c->impl, mode);
	if (!e)
		c->in_tx = true;
	return e;
}

sj_err db_commit(db_conn *c)
{
	if (!c->in_tx)
		return SJ_EINTERNAL;
	/* A statement left on a row (dbj_one) would keep SQLite's read snapshot
	 * open past the commit, and the next BEGIN IMMEDIATE on this connection
	 * fails with SQLITE_BUSY_SNAPSHOT once another process has written. */
	for (int i = 0; i < c->nstmt; i++)
		c->ops->reset(c->stmts[i].impl);
	sj_err e = c->ops->commit(c->impl);
	if (e) {
		c->ops->rollback(c->impl);
	}
	c->in_tx = false;
	return e;
}

void db_rollback(db_conn *c)
{
	if (!c->in_tx)
		return;
	for (int i = 0; i < c->nstmt; i++)
		c->ops->reset(c->stmts[i].impl);
	c->ops->rollback(c->impl);
	c->in_tx = false;
}

/* tx_lost: inside what we believe is a transaction, the database has rolled
 * it back on its own (SQLite does on out-of-memory and some I/O errors): any
 * further statement would run in autocommit mode and commit alone, so the
 * unit of work must fail whole instead. */
static bool tx_lost(const db_conn *c)
{
	return c->in_tx && !c->ops->tx_active(c->impl);
}

sj_err db_exec(db_conn *c, const char *sql)
{
	if (c->copying)
		return SJ_EINTERNAL;
	if (tx_lost(c))
		return SJ_EDB;
	return c->ops->exec(c->impl, sql);
}

sj_err db_prepare(db_conn *c, const char *sql, db_stmt **out)
{
	if (c->copying)
		return SJ_EINTERNAL;
	for (int i = 0; i < c->nstmt; i++) {
		if (c->stmts[i].sql == sql) {
			c->ops->reset(c->stmts[i].impl);
			*out = &c->stmts[i];
			return SJ_OK;
		}
	}
	if (c->nstmt == DB_STMT_CACHE) {
		/* Full: drop the oldest half (they are re-prepared on demand). */
		int keep = DB_STMT_CACHE / 2;
		for (int i = 0; i < DB_STMT_CACHE - keep; i++)
			c->ops->finalize(c->stmts[i].impl);
		memmove(c->stmts, c->stmts + (DB_STMT_CACHE - keep), (size_t)keep * sizeof c->stmts[0]);
		c->nstmt = keep;
	}
	void *impl = NULL;
	sj_err e = c->ops->prepare(c->impl, sql, &impl);
	if (e) {
		log_msg(LOG_ERROR, "prepare failed", json_pack("{s:s,s:s}", "sql", sql, "error", c->ops->errmsg(c->impl)));
		return e;
	}
	db_stmt *s = &c->stmts[c->nstmt++];
	s->ops = c->ops;
	s->impl = impl;
	s->sql = sql;
	s->conn = c;
	*out = s;
	return SJ_OK;
}

sj_err db_bind_text(db_stmt *s, int i, const char *v)
{
	return v ? s->ops->bind_text(s->impl, i, v) : s->ops->bind_null(s->impl, i);
}
sj_err db_bind_int(db_stmt *s, int i, int64_t v) { return s->ops->bind_int(s->impl, i, v); }
sj_err db_bind_null(db_stmt *s, int i) { return s->ops->bind_null(s->impl, i); }
sj_err db_step(db_stmt *s, bool *row)
{
	if (tx_lost(s->conn)) {
		*row = false;
		return SJ_EDB;
	}
	return s->ops->step(s->impl, row);
}
const char *db_col_text(db_stmt *s, int i) { return s->ops->col_text(s->impl, i); }
int64_t db_col_int(db_stmt *s, int i) { return s->ops->col_int(s->impl, i); }
bool db_col_null(db_stmt *s, int i) { return s->ops->col_null(s->impl, i); }
int db_col_count(db_stmt *s) { return s->ops->col_count(s->impl); }
const char *db_col_name(db_stmt *s, int i) { return s->ops->col_name(s->impl, i); }
int64_t db_changes(db_stmt *s) { return s->ops->changes(s->impl); }
const char *db_last_error(const db_conn *c) { return c->ops->errmsg(c->impl); }

sj_err db_bind_va(db_stmt *s, int first, const char *fmt, va_list ap)
{
	sj_err e = SJ_OK;
	for (int i = 0; fmt && fmt[i] && !e; i++) {
		switch (fmt[i]) {
		case 't': e = db_bind_text(s, first + i, va_arg(ap, const char *)); break;
		case 'i': e = db_bind_int(s, first + i, va_arg(ap, int64_t)); break;
		case 'n': e = db_bind_null(s, first + i); break;
		default: e = SJ_EINTERNAL; break;
		}
	}
	return e;
}

sj_err db_run(db_conn *c, const char *sql, const char *fmt, ...)
{
	db_stmt *s;
	sj_err e = db_prepare(c, sql, &s);
	if (e)
		return e;
	va_list ap;
	va_start(ap, fmt);
	e = db_bind_va(s, 1, fmt, ap);
	va_end(ap);
	if (e)
		return e;
	bool row = true;
	while (!e && row)
		e = db_step(s, &row);
	return e;
}

/* ------------------------------------------------------------ bulk copy */

struct db_copy {
	db_conn *conn;
	void *impl;
	int ncols;
	sj_err err;         /* first failure of the stream */
};

/* names_ok: table and column lists are literals of the caller, checked so
 * that nothing but identifiers, commas and spaces reaches the SQL text. */
static bool names_ok(const char *s, bool list, int *ncols)
{
	int n = 1;
	bool word = false;
	if (!s || !*s)
		return false;
	for (const char *p = s; *p; p++) {
		char ch = *p;
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')
			word = true;
		else if (list && ch == ',') {
			if (!word)
				return false;
			word = false;
			n++;
		} else if (ch != ' ' || !list)
			return false;
	}
	if (!word)
		return false;
	if (ncols)
		*ncols = n;
	return true;
}

sj_err db_copy_begin(db_conn *c, const char *table, const char *columns, db_copy **out)
{
	*out = NULL;
	int ncols = 0;
	if (!c->in_tx || c->copying || !names_ok(table, false, NULL) || !names_ok(columns, true, &ncols) ||
	    ncols > DB_COPY_MAX_COLS)
		return SJ_EINTERNAL;
	if (tx_lost(c))
		return SJ_EDB;
	db_copy *cp = calloc(1, sizeof *cp);
	if (!cp)
		return SJ_ENOMEM;
	/* the backend's statements must not hold a result across the stream */
	for (int i = 0; i < c->nstmt; i++)
		c->ops->reset(c->stmts[i].impl);
	sj_err e = c->ops->copy_begin(c->impl, table, columns, ncols, &cp->impl);
	if (e) {
		free(cp);
		return e;
	}
	cp->conn = c;
	cp->ncols = ncols;
	c->copying = true;
	*out = cp;
	return SJ_OK;
}

sj_err db_copy_row(db_copy *cp, const char *fmt, ...)
{
	if (cp->err)
		return cp->err;
	const char *vals[DB_COPY_MAX_COLS];
	char num[DB_COPY_MAX_COLS][DB_COPY_INT_TEXT];
	va_list ap;
	va_start(ap, fmt);
	int n = 0;
	sj_err e = SJ_OK;
	for (; fmt && fmt[n] && !e; n++) {
		if (n == cp->ncols) {
			e = SJ_EINTERNAL;
			break;
		}
		switch (fmt[n]) {
		case 't': vals[n] = va_arg(ap, const char *); break;
		case 'i':
			snprintf(num[n], sizeof num[n], "%" PRId64, va_arg(ap, int64_t));
			vals[n] = num[n];
			break;
		case 'n': vals[n] = NULL; break;
		default: e = SJ_EINTERNAL; break;
		}
	}
	va_end(ap);
	if (!e && n != cp->ncols)
		e = SJ_EINTERNAL;
	if (!e)
		e = cp->conn->ops->copy_row(cp->impl, vals);
	if (e)
		cp->err = e;
	return e;
}

sj_err db_copy_end(db_copy *cp)
{
	if (!cp)
		return SJ_OK;
	sj_err e = cp->conn->ops->copy_end(cp->impl);
	cp->conn->copying = false;
	if (cp->err)
		e = cp->err;
	free(cp);
	return e;
}

sj_err db_bulk_session(db_conn *c, bool on)
{
	if (c->in_tx)
		return SJ_EINTERNAL;
	if (c->ops->kind == DB_SQLITE)
		return db_exec(c, on ? "PRAGMA cache_size = -262144; PRAGMA threads = 2"
				     : "PRAGMA cache_size = -2000; PRAGMA threads = 0");
	return db_exec(c, on ? "SET maintenance_work_mem = '512MB'" : "RESET maintenance_work_mem");
}

sj_err db_maintain(db_conn *c, const char *table)
{
	if (c->in_tx || !names_ok(table, false, NULL))
		return SJ_EINTERNAL;
	char sql[128];
	int w = snprintf(sql, sizeof sql, "%s %s", c->ops->kind == DB_PG ? "VACUUM (ANALYZE)" : "ANALYZE", table);
	if (w < 0 || (size_t)w >= sizeof sql)
		return SJ_ELIMIT;
	return db_exec(c, sql);
}

static const char sql_ping[] = "SELECT 1";

bool db_ping(db *d)
{
	db_conn *c;
	if (db_acquire(d, &c))
		return false;
	db_stmt *s;
	bool row = false;
	sj_err e = db_prepare(c, sql_ping, &s);
	e = e ? e : db_step(s, &row);
	bool ok = !e && row;
	if (!e)
		e = db_step(s, &row);
	db_release(d, c);
	return ok && !e;
}

sj_err db_open_reader(db *d, const char *uri, int pool)
{
	if (d->reader || d->ops->kind != DB_PG || !db_uri_is_pg(uri))
		return SJ_EINVAL;
	return db_open(uri, pool, &d->reader);
}

bool db_has_reader(const db *d) { return d->reader != NULL; }

sj_err db_acquire_reader(db *d, db_conn *held, db_conn **out)
{
	if (d->reader)
		return db_acquire(d->reader, out);
	if (held) {
		*out = held;
		return SJ_OK;
	}
	return db_acquire(d, out);
}

void db_release_reader(db *d, db_conn *held, db_conn *c)
{
	(void)d;
	if (c && c != held)
		db_release(c->home, c);
}

/* PostgreSQL only: pg_stat_replication lists the walsenders of this server,
 * pg_replication_slots its slots, pg_last_xact_replay_timestamp() a
 * standby's last replayed commit (PostgreSQL manual, 28.2 and 9.27). */
static const char sql_repl[] =
	"SELECT pg_is_in_recovery(), current_setting('synchronous_standby_names'),"
	" (SELECT COUNT(*) FROM pg_stat_replication WHERE sync_state IN ('sync', 'quorum')),"
	" (SELECT COUNT(*) FROM pg_stat_replication),"
	" (SELECT COUNT(*) FROM pg_replication_slots WHERE slot_type = 'physical'),"
	" CASE WHEN pg_is_in_recovery() THEN"
	"  CAST(EXTRACT(EPOCH FROM (clock_timestamp() - pg_last_xact_replay_timestamp())) * 1000 AS BIGINT) END";

sj_err db_replication(db_conn *c, db_repl *out)
{
	memset(out, 0, sizeof *out);
	out->replay_lag_ms = -1;
	if (c->ops->kind != DB_PG)
		return SJ_OK;
	db_stmt *s;
	bool row = false;
	sj_err e = db_prepare(c, sql_repl, &s);
	e = e ? e : db_step(s, &row);
	if (e || !row)
		return e ? e : SJ_EDB;
	out->known = true;
	out->in_recovery = db_col_int(s, 0) != 0;
	const char *names = db_col_text(s, 1);
	snprintf(out->sync_names, sizeof out->sync_names, "%s", names ? names : "");
	out->sync_standbys = db_col_int(s, 2);
	out->standbys = db_col_int(s, 3);
	out->slots = db_col_int(s, 4);
	if (!db_col_null(s, 5))
		out->replay_lag_ms = db_col_int(s, 5);
	return db_step(s, &row);
}
