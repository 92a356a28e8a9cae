/* db.c — the connection pool, the per-connection statement cache and the
 * public db_* API, dispatching to the SQLite or PostgreSQL backend. */
#include "db/db.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "db/backend.h"

#define DB_WRITE_WAIT_S 10   /* longest wait for this process's write turn */
#define DB_WRITE_SKIPS  1024 /* tickets given up at once, at most (> the pool) */
#define DB_CKPT_MS      200  /* the checkpointer looks at the WAL this often */

struct db {
	const db_backend_ops *ops;
	char *uri;
	int size;
	int idle;
	db_conn *conns;
	pthread_mutex_t lock;
	pthread_cond_t freed;
	/* SQLite: this process's writers take turns here, first come first
	 * served, not in SQLite's sleeping busy handler (other processes still
	 * meet that one): a ticket lock */
	pthread_mutex_t write_lock;
	pthread_cond_t write_cv;
	uint64_t write_next, write_serving;
	uint64_t write_skip[DB_WRITE_SKIPS]; /* ticket + 1 of waiters that gave up */
	/* SQLite: the WAL is checkpointed by a thread of its own, not inside
	 * the COMMIT that crosses SQLite's threshold (db_start_checkpointer) */
	pthread_t ckpt_thread;
	bool ckpt_running, ckpt_stop;
	pthread_mutex_t ckpt_lock;
	pthread_cond_t ckpt_cv;
	void *ckpt_impl;
	/* group flush of the WAL (db_commit): sync_asked counts the commits
	 * that asked, sync_done the highest count a finished flush covered */
	pthread_mutex_t sync_lock;
	pthread_cond_t sync_cv;
	uint64_t sync_asked, sync_done;
	bool syncing;
	char *log_path;     /* the file to flush (SQLite) */
	_Atomic uint64_t flushes; /* flushes done (db_flushes) */
	void *sync_impl;    /* the flushing connection (PostgreSQL), opened on first use */
	struct db *reader;  /* db_open_reader: the pool for lag-tolerant reads, or NULL */
	struct db_fin *fin; /* db_commit_async's finishers (finish.c), or NULL */
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
	pthread_mutex_init(&d->write_lock, NULL);
	pthread_cond_init(&d->write_cv, NULL);
	pthread_mutex_init(&d->ckpt_lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&d->ckpt_cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&d->sync_lock, NULL);
	pthread_cond_init(&d->sync_cv, NULL);
	for (int i = 0; i < pool; i++) {
		char msg[512] = "";
		d->conns[i].ops = d->ops;
		d->conns[i].owner = d;
		sj_err e = d->ops->conn_open(uri, &d->conns[i].impl, msg, sizeof msg);
		if (e) {
			log_msg(LOG_ERROR, "database open failed", json_pack("{s:s}", "error", msg));
			d->size = i;
			db_close(d);
			return e;
		}
		d->size = i + 1;
	}
	if (d->ops->log_path) {
		d->log_path = strdup(d->ops->log_path(d->conns[0].impl));
		if (!d->log_path) {
			db_close(d);
			return SJ_ENOMEM;
		}
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
	db_stop_finishers(d);
	if (d->ckpt_running) {
		pthread_mutex_lock(&d->ckpt_lock);
		d->ckpt_stop = true;
		pthread_cond_signal(&d->ckpt_cv);
		pthread_mutex_unlock(&d->ckpt_lock);
		pthread_join(d->ckpt_thread, NULL);
	}
	if (d->ckpt_impl)
		d->ops->conn_close(d->ckpt_impl);
	db_close(d->reader);
	for (int i = 0; i < d->size; i++) {
		conn_clear_stmts(&d->conns[i]);
		d->ops->conn_close(d->conns[i].impl);
	}
	pthread_mutex_destroy(&d->lock);
	pthread_cond_destroy(&d->freed);
	pthread_mutex_destroy(&d->write_lock);
	pthread_cond_destroy(&d->write_cv);
	pthread_mutex_destroy(&d->ckpt_lock);
	pthread_cond_destroy(&d->ckpt_cv);
	pthread_mutex_destroy(&d->sync_lock);
	pthread_cond_destroy(&d->sync_cv);
	if (d->sync_impl)
		d->ops->conn_close(d->sync_impl);
	free(d->conns);
	free(d->uri);
	free(d->log_path);
	free(d);
}

db_backend db_kind(const db *d) { return d->ops->kind; }
db_backend db_conn_kind(const db_conn *c) { return c->ops->kind; }
db *db_conn_owner(const db_conn *c) { return c->owner; }
bool db_in_tx(const db_conn *c) { return c->in_tx; }
db_mode db_tx_mode(const db_conn *c) { return c->in_tx ? c->mode : DB_READ; }

sj_err db_tx_hook_set(db_conn *c, const db_tx_hook *h, void *arg)
{
	if (c->hook)
		return SJ_EINTERNAL;
	c->hook = h;
	c->hook_arg = arg;
	return SJ_OK;
}

void *db_tx_hook_get(const db_conn *c, const db_tx_hook *h)
{
	return c->hook == h ? c->hook_arg : NULL;
}

void *db_tx_hook_take(db_conn *c, const db_tx_hook *h)
{
	if (c->hook != h)
		return NULL;
	void *arg = c->hook_arg;
	c->hook = NULL;
	c->hook_arg = NULL;
	return arg;
}

/* hook_end detaches c's hook and runs committed (ok) or dropped. */
static void hook_end(db_conn *c, bool ok)
{
	const db_tx_hook *h = c->hook;
	void *arg = c->hook_arg;
	c->hook = NULL;
	c->hook_arg = NULL;
	if (!h)
		return;
	if (ok && h->committed)
		h->committed(c, arg);
	else if (!ok && h->dropped)
		h->dropped(arg);
}

/* write_turn waits for this process's turn to write, in arrival order;
 * SJ_EBUSY after DB_WRITE_WAIT_S (as long as SQLite's busy timeout). */
static sj_err write_turn(db_conn *c)
{
	db *d = c->owner;
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += DB_WRITE_WAIT_S;
	pthread_mutex_lock(&d->write_lock);
	uint64_t mine = d->write_next++;
	while (d->write_serving != mine) {
		if (pthread_cond_timedwait(&d->write_cv, &d->write_lock, &until) == ETIMEDOUT &&
		    d->write_serving != mine) {
			/* give the ticket up: the holder passes over it */
			d->write_skip[mine % DB_WRITE_SKIPS] = mine + 1;
			pthread_mutex_unlock(&d->write_lock);
			return SJ_EBUSY;
		}
	}
	pthread_mutex_unlock(&d->write_lock);
	c->write_locked = true;
	return SJ_OK;
}

static void write_unlock(db_conn *c)
{
	if (!c->write_locked)
		return;
	c->write_locked = false;
	db *d = c->owner;
	pthread_mutex_lock(&d->write_lock);
	d->write_serving++;
	/* tickets given up by waiters that timed out are skipped */
	while (d->write_serving < d->write_next &&
	       d->write_skip[d->write_serving % DB_WRITE_SKIPS] == d->write_serving + 1) {
		d->write_skip[d->write_serving % DB_WRITE_SKIPS] = 0;
		d->write_serving++;
	}
	pthread_cond_broadcast(&d->write_cv);
	pthread_mutex_unlock(&d->write_lock);
}

/* flush_log fdatasyncs the log file: every frame written to it before the
 * call, by any connection or process, is then durable (fdatasync acts on the
 * file, whichever descriptor names it). No file yet: nothing was written. */
static sj_err flush_log(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? SJ_OK : SJ_EIO;
	int rc = fdatasync(fd);
	close(fd);
	return rc == 0 ? SJ_OK : SJ_EIO;
}

/* group_sync makes every commit made before the call durable, sharing one
 * log flush among the threads that ask at the same time: the first asker
 * becomes the leader and flushes; those that ask while it runs wait, and
 * the next leader's flush covers them. A flush covers a commit when it
 * starts after the commit returned: the leader notes sync_asked before
 * flushing, and each asker counted itself in after its COMMIT. (The group
 * commit of PostgreSQL's WAL writer, in miniature.) */
/* flush_now runs one flush (the leader's, without sync_lock). */
static sj_err flush_now(db *d)
{
	if (d->log_path)
		return flush_log(d->log_path);
	if (!d->sync_impl) {
		char msg[512] = "";
		sj_err e = d->ops->conn_open(d->uri, &d->sync_impl, msg, sizeof msg);
		if (e) {
			d->sync_impl = NULL;
			log_msg(LOG_ERROR, "database: cannot open the flushing connection", json_pack("{s:s}", "error", msg));
			return e;
		}
	}
	return d->ops->sync_conn(d->sync_impl);
}

static sj_err group_sync(db *d)
{
	if (!d->log_path && !d->ops->sync_conn)
		return SJ_OK;
	sj_err e = SJ_OK;
	pthread_mutex_lock(&d->sync_lock);
	uint64_t mine = ++d->sync_asked;
	while (d->sync_done < mine) {
		if (d->syncing) {
			pthread_cond_wait(&d->sync_cv, &d->sync_lock);
			continue;
		}
		d->syncing = true;
		uint64_t target = d->sync_asked;
		pthread_mutex_unlock(&d->sync_lock);
		e = flush_now(d);
		atomic_fetch_add(&d->flushes, 1);
		pthread_mutex_lock(&d->sync_lock);
		d->syncing = false;
		if (!e && target > d->sync_done)
			d->sync_done = target;
		pthread_cond_broadcast(&d->sync_cv);
		if (e)
			break; /* the others retry as leaders themselves */
	}
	pthread_mutex_unlock(&d->sync_lock);
	if (e)
		log_msg(LOG_ERROR, "database log flush failed", json_pack("{s:s?}", "file", d->log_path));
	return e;
}

sj_err db_sync(db *d)
{
	return group_sync(d);
}

/* ckpt_main: the checkpointer thread, a PASSIVE checkpoint every DB_CKPT_MS
 * (nothing to do costs a few system calls). */
static void *ckpt_main(void *arg)
{
	db *d = arg;
	pthread_mutex_lock(&d->ckpt_lock);
	while (!d->ckpt_stop) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += DB_CKPT_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&d->ckpt_cv, &d->ckpt_lock, &ts);
		if (d->ckpt_stop)
			break;
		pthread_mutex_unlock(&d->ckpt_lock);
		sj_err e = d->ops->checkpoint(d->ckpt_impl);
		if (e)
			log_msg(LOG_WARN, "database checkpoint failed", json_pack("{s:s}", "error", sj_err_name(e)));
		pthread_mutex_lock(&d->ckpt_lock);
	}
	pthread_mutex_unlock(&d->ckpt_lock);
	return NULL;
}

sj_err db_start_checkpointer(db *d)
{
	if (!d->ops->checkpoint || d->ckpt_running)
		return SJ_OK;
	char msg[512] = "";
	sj_err e = d->ops->conn_open(d->uri, &d->ckpt_impl, msg, sizeof msg);
	if (e) {
		d->ckpt_impl = NULL;
		log_msg(LOG_ERROR, "database: cannot open the checkpointing connection", json_pack("{s:s}", "error", msg));
		return e;
	}
	(void)d->ops->no_autocheckpoint(d->ckpt_impl);
	d->ckpt_stop = false;
	if (pthread_create(&d->ckpt_thread, NULL, ckpt_main, d) != 0) {
		d->ops->conn_close(d->ckpt_impl);
		d->ckpt_impl = NULL;
		return SJ_ENOMEM;
	}
	d->ckpt_running = true;
	/* the pool's connections must be idle: before the server serves */
	pthread_mutex_lock(&d->lock);
	for (int i = 0; i < d->size; i++)
		(void)d->ops->no_autocheckpoint(d->conns[i].impl);
	pthread_mutex_unlock(&d->lock);
	return SJ_OK;
}

uint64_t db_flushes(const db *d)
{
	return atomic_load(&((db *)d)->flushes);
}

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
	d = c->owner; /* a reader connection goes back to the reader pool */
	if (c->in_tx)
		db_rollback(c);
	hook_end(c, false);
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
	if (mode == DB_WRITE && c->ops->kind == DB_SQLITE) {
		sj_err e = write_turn(c);
		if (e)
			return e;
	}
	sj_err e = c->ops->begin(c->impl, mode);
	if (!e) {
		c->in_tx = true;
		c->mode = mode;
	} else {
		write_unlock(c);
	}
	return e;
}

/* db_commit_start (backend.h) runs the before-commit hook and the COMMIT (durable only
 * after the flush when *wrote on SQLite); the caller ends it with
 * db_commit_end. On failure the transaction is rolled back (hooks still to end). */
sj_err db_commit_start(db_conn *c, bool lazy, bool *wrote_out)
{
	*wrote_out = false;
	if (!c->in_tx)
		return SJ_EINTERNAL;
	if (c->hook && c->hook->before_commit) {
		sj_err he = c->hook->before_commit(c, c->hook_arg);
		if (he) {
			db_rollback(c);
			return he;
		}
	}
	/* A statement left on a row (dbj_one) would keep SQLite's read snapshot
	 * open past the commit, and the next BEGIN IMMEDIATE on this connection
	 * fails with SQLITE_BUSY_SNAPSHOT once another process has written. */
	for (int i = 0; i < c->nstmt; i++)
		c->ops->reset(c->stmts[i].impl);
	bool wrote = c->ops->tx_wrote && c->ops->tx_wrote(c->impl);
	if (wrote && c->mode != DB_WRITE)
		log_msg(LOG_WARN, "a read transaction wrote (begin it with DB_WRITE)", NULL);
	sj_err e = lazy && c->ops->commit_lazy ? c->ops->commit_lazy(c->impl) : c->ops->commit(c->impl);
	if (e) {
		c->ops->rollback(c->impl);
	}
	c->in_tx = false;
	write_unlock(c);
	*wrote_out = !e && wrote;
	return e;
}

/* db_commit_end (backend.h): the flush a SQLite commit that wrote waits for (unless lazy),
 * then the hooks, told whether it holds. */
sj_err db_commit_end(db_conn *c, sj_err e, bool wrote, bool lazy)
{
	if (!e && wrote && !lazy && c->owner->log_path)
		e = group_sync(c->owner);
	hook_end(c, e == SJ_OK);
	return e;
}

static sj_err commit(db_conn *c, bool lazy)
{
	bool wrote;
	if (!c->in_tx)
		return SJ_EINTERNAL;
	sj_err e = db_commit_start(c, lazy, &wrote);
	return db_commit_end(c, e, wrote, lazy);
}

struct db_fin **db_fin_slot(db *d) { return &d->fin; }
bool db_has_log(const db *d) { return d->log_path != NULL; }

sj_err db_commit(db_conn *c)
{
	return commit(c, false);
}

sj_err db_commit_lazy(db_conn *c)
{
	return commit(c, true);
}

void db_rollback(db_conn *c)
{
	if (!c->in_tx)
		return;
	for (int i = 0; i < c->nstmt; i++)
		c->ops->reset(c->stmts[i].impl);
	c->ops->rollback(c->impl);
	c->in_tx = false;
	write_unlock(c);
	hook_end(c, false);
}

/* db_conn_tx_lost: inside what we believe is a transaction, the database has rolled
 * it back on its own (SQLite does on out-of-memory and some I/O errors): any
 * further statement would run in autocommit mode and commit alone, so the
 * unit of work must fail whole instead. */
bool db_conn_tx_lost(const db_conn *c)
{
	return c->in_tx && !c->ops->tx_active(c->impl);
}

sj_err db_exec(db_conn *c, const char *sql)
{
	if (c->copying)
		return SJ_EINTERNAL;
	if (db_conn_tx_lost(c))
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
	if (db_conn_tx_lost(s->conn)) {
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
		db_release(c->owner, c);
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
