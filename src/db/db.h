/* db.h — the one storage interface; SQLite and PostgreSQL live behind it.
 *
 * A `db` is a pool of connections to one database, named by a URI: a file path
 * (SQLite, WAL mode) or "postgresql://..." (libpq). SQL is written once, in the
 * portable subset both accept, with `?` placeholders (rewritten to $n for
 * PostgreSQL). Types: TEXT and BIGINT only (times are UTC milliseconds).
 *
 * Usage, one unit of work:
 *     db_conn *c; if ((e = db_acquire(db, &c))) return e;
 *     if (!(e = db_begin(c, DB_WRITE))) { ...statements...; e = db_commit(c); }
 *     if (e) db_rollback(c);
 *     db_release(db, c);
 * A connection is used by one thread at a time. Statements are cached per
 * connection by their SQL text pointer: pass string literals.
 *
 * Durability and group commit: db_commit of a transaction that wrote returns
 * only once the commit is durable. On SQLite the connections run with
 * synchronous=NORMAL (a commit is written to the WAL but not flushed) and
 * db_commit then waits for one fdatasync of the WAL that started after its
 * COMMIT; concurrent committers share that flush (the first becomes the
 * leader, the others wait for it), so N commits cost one fsync, not N. On
 * PostgreSQL the server's own group commit does the same inside COMMIT.
 * In-process SQLite writers queue on a mutex instead of SQLite's sleeping
 * busy handler, so a write never sleeps behind another write of this process.
 */
#ifndef SJ_DB_H
#define SJ_DB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/err.h"

typedef struct db db;
typedef struct db_conn db_conn;
typedef struct db_stmt db_stmt;
typedef struct db_copy db_copy;

typedef enum { DB_SQLITE = 1, DB_PG = 2 } db_backend;
/* DB_READ: statements that only read (on PostgreSQL each runs on its own,
 * READ COMMITTED; on SQLite one deferred transaction). DB_WRITE: a write
 * transaction. DB_SNAPSHOT: a read that needs one snapshot for all its
 * statements (PostgreSQL REPEATABLE READ, READ ONLY; SQLite as DB_READ). */
typedef enum { DB_READ = 0, DB_WRITE = 1, DB_SNAPSHOT = 2 } db_mode;

/* db_open opens a pool of up to `pool` connections to uri; *out owned by the
 * caller, freed with db_close. On failure *out is NULL and a message is logged. */
SJ_MUST_USE sj_err db_open(const char *uri, int pool, db **out);
/* db_close closes every connection; NULL-safe. No connection may be acquired. */
void db_close(db *d);
db_backend db_kind(const db *d);
/* db_uri_is_pg returns true for postgres:// and postgresql:// URIs. */
bool db_uri_is_pg(const char *uri);

/* db_acquire lends a connection (waits while all are in use); give it back
 * with db_release, outside any transaction. */
SJ_MUST_USE sj_err db_acquire(db *d, db_conn **out);
void db_release(db *d, db_conn *c);
db_backend db_conn_kind(const db_conn *c);
/* db_conn_owner is the pool c belongs to. */
db *db_conn_owner(const db_conn *c);

/* --- a second pool for reads that tolerate lag (a standby) ---
 * db_open_reader attaches to d a pool of `pool` connections to uri (a
 * PostgreSQL standby, or a multi-host URI with target_session_attrs=
 * prefer-standby so libpq falls back to the primary). Only reads run there:
 * a write on a standby fails (SQLSTATE 25006, SJ_EUNAVAIL). SJ_EINVAL unless
 * both d and uri are PostgreSQL; d owns the pool (db_close closes it). */
SJ_MUST_USE sj_err db_open_reader(db *d, const char *uri, int pool);
bool db_has_reader(const db *d);
/* db_acquire_reader lends a connection for a read where a few seconds of lag
 * are acceptable: from the reader pool when d has one, else `held` itself (the
 * caller's connection on d, maybe inside its transaction: a thread never
 * waits for a second connection of the pool it holds one of), else (held
 * NULL) one of d. Statements on a reader connection run outside a
 * transaction. Give it back with db_release_reader(d, held, c), which does
 * nothing when c is held. */
SJ_MUST_USE sj_err db_acquire_reader(db *d, db_conn *held, db_conn **out);
void db_release_reader(db *d, db_conn *held, db_conn *c);

/* Replication, as the server behind c sees it (PostgreSQL; on SQLite
 * known is false). A primary that has replication slots or standbys but no
 * synchronous standby streaming runs without a second copy of each commit
 * (pg_auto_failover's wait_primary): one more failure loses writes. */
typedef struct db_repl {
	bool known;              /* the server answered */
	bool in_recovery;        /* a standby */
	int64_t sync_standbys;   /* streaming with sync_state sync or quorum */
	int64_t standbys;        /* every walsender (streaming or catching up) */
	int64_t slots;           /* physical replication slots (pg_auto_failover keeps one per other node) */
	int64_t replay_lag_ms;   /* a standby: now - last replayed commit; -1 unknown or primary */
	char sync_names[256];    /* synchronous_standby_names */
} db_repl;
/* db_replication fills *out (zeroed first); reads only, outside or inside a
 * transaction. The statistics views need the pg_monitor role (or superuser)
 * to show sync_state: without it sync_standbys reads 0. */
SJ_MUST_USE sj_err db_replication(db_conn *c, db_repl *out);

/* db_begin opens a transaction; DB_WRITE takes the write lock at once on
 * SQLite (BEGIN IMMEDIATE) so a read-then-write never deadlocks there. On
 * PostgreSQL (READ COMMITTED) a SELECT-then-UPDATE can lose updates: counters
 * must be single statements (UPDATE/INSERT ... RETURNING), which lock the row. */
SJ_MUST_USE sj_err db_begin(db_conn *c, db_mode mode);
/* db_commit commits; when the transaction wrote, it returns once the commit
 * is durable (see above). SJ_EIO: committed but the flush failed — the caller
 * must treat the unit of work as failed (it may or may not survive a crash). */
SJ_MUST_USE sj_err db_commit(db_conn *c);
/* db_commit_lazy commits without waiting for the flush: the commit is
 * visible (and its locks released) at once, durable once db_sync returns.
 * For a sequencer that commits batch after batch and lets its waiters share
 * the flush (audit/committer.c). On PostgreSQL: synchronous_commit off for
 * that transaction. */
SJ_MUST_USE sj_err db_commit_lazy(db_conn *c);
/* db_commit_async ends c's transaction without holding the calling thread
 * through its flush: fn(arg, e) is called once the commit is durable
 * (SJ_OK) or failed (rolled back), on a finisher thread or, when nothing
 * is left to wait for, before db_commit_async returns; c is released to its
 * pool before fn runs and must not be used by the caller any more. On
 * SQLite the COMMIT runs here (the write turn is free at once) and the
 * shared flush of the WAL and the transaction's hooks on a finisher; on
 * PostgreSQL the COMMIT itself on a finisher. False (c untouched, still in
 * its transaction) when no finisher runs (db_start_finishers) or memory
 * ran out: commit on the caller's thread. */
typedef void (*db_done_fn)(void *arg, sj_err e);
bool db_commit_async(db_conn *c, db_done_fn fn, void *arg);
/* db_start_finishers starts n (at most DB_FINISHERS) finisher threads for
 * db_commit_async; db_stop_finishers (and db_close) ends every commit
 * handed to them, then stops them. The pool needs n more connections:
 * each commit waiting for a finisher holds one. */
#define DB_FINISHERS 8
SJ_MUST_USE sj_err db_start_finishers(db *d, int n);
void db_stop_finishers(db *d);
/* db_async_commits: the commits handed to the finishers so far. */
uint64_t db_async_commits(const db *d);
/* db_sync returns once every commit made on d before the call is durable:
 * one flush shared by the concurrent callers (SQLite: fdatasync of the WAL;
 * PostgreSQL: a synchronous one-statement transaction on a connection of
 * db_sync's own, whose commit flushes the WAL before it). */
SJ_MUST_USE sj_err db_sync(db *d);
/* db_start_checkpointer moves SQLite's WAL checkpoints to a thread of d's
 * own: without it the COMMIT that crosses SQLite's threshold checkpoints,
 * holding the write lock through two fsyncs. Call it before the pool is used
 * by others (it reconfigures every connection); db_close stops it. A no-op
 * on PostgreSQL. */
SJ_MUST_USE sj_err db_start_checkpointer(db *d);
/* db_flushes counts the group flushes done on d (each one fsync or one
 * synchronous commit, however many commits it covered). */
uint64_t db_flushes(const db *d);
/* db_rollback abandons the open transaction, if any; always safe to call. */
void db_rollback(db_conn *c);
bool db_in_tx(const db_conn *c);
/* db_tx_mode is the mode c's open transaction was begun with (DB_READ when
 * none is open). */
db_mode db_tx_mode(const db_conn *c);

/* A transaction hook: work tied to the transaction in progress on c (the
 * audit module queues a read's entries and a write's signed heads there).
 * At most one per connection. db_commit first runs before_commit(c, arg)
 * (may be NULL) inside the transaction: an error there rolls it back and is
 * db_commit's answer. After a successful commit, committed(c, arg) runs with
 * c outside any transaction (it may begin another); db_rollback, a failed
 * db_commit and db_release run dropped(arg). Either way the hook is detached
 * before committed or dropped runs. */
typedef struct db_tx_hook {
	sj_err (*before_commit)(db_conn *c, void *arg);
	void (*committed)(db_conn *c, void *arg);
	void (*dropped)(void *arg);
} db_tx_hook;
/* db_tx_hook_set attaches (h, arg) to c, replacing nothing: SJ_EINTERNAL when
 * another hook is attached. */
SJ_MUST_USE sj_err db_tx_hook_set(db_conn *c, const db_tx_hook *h, void *arg);
/* db_tx_hook_get returns arg when c's hook is h, else NULL. */
void *db_tx_hook_get(const db_conn *c, const db_tx_hook *h);
/* db_tx_hook_take detaches and returns arg when c's hook is h (no callback
 * runs; the caller now owns arg), else NULL. */
void *db_tx_hook_take(db_conn *c, const db_tx_hook *h);

/* db_exec runs one or more parameterless statements (migrations, DDL). */
SJ_MUST_USE sj_err db_exec(db_conn *c, const char *sql);

/* db_prepare returns the connection's cached statement for sql (a literal
 * whose address is stable), reset and with no bindings. The statement belongs
 * to the connection: never free it; it is valid until the next db_prepare of
 * the same text on this connection. */
SJ_MUST_USE sj_err db_prepare(db_conn *c, const char *sql, db_stmt **out);
/* Binding: parameters are numbered from 1. Text is copied. NULL text binds NULL. */
SJ_MUST_USE sj_err db_bind_text(db_stmt *s, int i, const char *v);
SJ_MUST_USE sj_err db_bind_int(db_stmt *s, int i, int64_t v);
SJ_MUST_USE sj_err db_bind_null(db_stmt *s, int i);
/* db_step executes (on the first call) and advances: *row is true while a row
 * is available. A unique-key violation returns SJ_ECONFLICT. */
SJ_MUST_USE sj_err db_step(db_stmt *s, bool *row);
/* Columns of the current row, numbered from 0. Text is valid until the next
 * db_step or db_prepare on this statement; NULL for SQL NULL. */
const char *db_col_text(db_stmt *s, int i);
int64_t db_col_int(db_stmt *s, int i);
bool db_col_null(db_stmt *s, int i);
int db_col_count(db_stmt *s);
/* db_col_name returns column i's name as the statement labels it (the AS
 * name, lower case on PostgreSQL), valid while the statement is; NULL when
 * unknown (out of memory). Known once db_step has returned a row. */
const char *db_col_name(db_stmt *s, int i);
/* db_changes returns the rows changed by the last executed statement. */
int64_t db_changes(db_stmt *s);

/* db_bind_va binds parameters first, first + 1, ... of s from ap, one per
 * letter of fmt: 't' const char * (NULL binds NULL), 'i' int64_t, 'n' NULL
 * (takes no argument); another letter is SJ_EINTERNAL. */
SJ_MUST_USE sj_err db_bind_va(db_stmt *s, int first, const char *fmt, va_list ap);
/* db_run is prepare + bind + step-to-done for a write with no rows back.
 * fmt has one letter per parameter: 't' const char *, 'i' int64_t, 'n' NULL. */
SJ_MUST_USE sj_err db_run(db_conn *c, const char *sql, const char *fmt, ...);

/* db_sqlite_copy writes a consistent copy of the SQLite database file src
 * into dst (a new file) with SQLite's online backup API, in one read
 * transaction: a process serving src keeps writing while it runs. The copy
 * is a single file (journal_mode DELETE). On failure writes a message into
 * err; dst may then exist partly and should be removed by the caller. */
SJ_MUST_USE sj_err db_sqlite_copy(const char *src, const char *dst, char *err, size_t errsz);
/* db_ping checks that a connection of d answers a query (health checks). */
bool db_ping(db *d);

/* db_last_error returns the backend's message for the last failure on c. */
const char *db_last_error(const db_conn *c);

/* --- bulk loading (a national register of millions of rows) ---
 *
 *     db_copy *cp; if (!(e = db_copy_begin(c, "person_keys", "key, field, person_id", &cp))) {
 *         for (...) if ((e = db_copy_row(cp, "ttt", k, f, id))) break;
 *         sj_err e2 = db_copy_end(cp); e = e ? e : e2;
 *     }
 *
 * db_copy_begin starts a stream of rows into table (its columns as a
 * comma-separated list; both must be literals of [a-z0-9_, ]) inside c's open
 * write transaction. On PostgreSQL this is COPY ... FROM STDIN (text format,
 * rows sent in blocks as they are added); on SQLite a prepared INSERT run per
 * row. Until db_copy_end nothing else may run on c (db_prepare and db_exec
 * answer SJ_EINTERNAL). Constraints are checked as usual; on PostgreSQL a
 * violation may only surface at db_copy_end. db_copy_end ends the stream
 * (the rows are then visible to c), frees cp (NULL-safe) and returns the
 * first error of the stream; after any error roll the transaction back. */
SJ_MUST_USE sj_err db_copy_begin(db_conn *c, const char *table, const char *columns, db_copy **out);
/* db_copy_row appends one row: fmt has one letter per column, as db_run. */
SJ_MUST_USE sj_err db_copy_row(db_copy *cp, const char *fmt, ...);
SJ_MUST_USE sj_err db_copy_end(db_copy *cp);

/* db_bulk_session tunes c for a bulk load (on) or back to normal (off):
 * SQLite gets a 256 MiB page cache instead of 2 MiB (the difference between
 * reading and writing each B-tree page again per row and not) and a second
 * thread for the sorts of CREATE INDEX; PostgreSQL
 * gets maintenance_work_mem = 512MB for index builds. Outside a transaction. */
SJ_MUST_USE sj_err db_bulk_session(db_conn *c, bool on);
/* db_maintain refreshes the planner's statistics of table after a bulk load
 * (ANALYZE; on PostgreSQL VACUUM ANALYZE, which also lets index-only scans
 * skip the heap). Outside a transaction; table as for db_copy_begin. */
SJ_MUST_USE sj_err db_maintain(db_conn *c, const char *table);

#endif
