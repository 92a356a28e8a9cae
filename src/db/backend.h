/* backend.h — what each storage backend provides to db.c (internal to src/db).
 *
 * db.c owns the pool, the statement cache keying and the public API; a backend
 * owns one connection and its statements. Each function reports failures with
 * an sj_err and leaves a message in its connection (errmsg).
 */
#ifndef SJ_DB_BACKEND_H
#define SJ_DB_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/err.h"
#include "db/db.h"

typedef struct db_backend_ops {
	db_backend kind;
	/* open one connection; *out is the backend's connection object */
	sj_err (*conn_open)(const char *uri, void **out, char *errmsg, size_t errsz);
	void (*conn_close)(void *conn);
	sj_err (*exec)(void *conn, const char *sql);
	sj_err (*begin)(void *conn, db_mode mode);
	sj_err (*commit)(void *conn);
	void (*rollback)(void *conn);
	/* prepare sql (with `?` placeholders) into a backend statement */
	sj_err (*prepare)(void *conn, const char *sql, void **stmt);
	void (*finalize)(void *stmt);
	void (*reset)(void *stmt);
	sj_err (*bind_text)(void *stmt, int i, const char *v);
	sj_err (*bind_int)(void *stmt, int i, int64_t v);
	sj_err (*bind_null)(void *stmt, int i);
	sj_err (*step)(void *stmt, bool *row);
	const char *(*col_text)(void *stmt, int i);
	int64_t (*col_int)(void *stmt, int i);
	bool (*col_null)(void *stmt, int i);
	int (*col_count)(void *stmt);
	/* col_name: the result column's name (its AS label), NULL when unknown */
	const char *(*col_name)(void *stmt, int i);
	int64_t (*changes)(void *stmt);
	const char *(*errmsg)(void *conn);
	/* tx_active: the server still holds an open transaction on conn (SQLite
	 * rolls a transaction back by itself on some errors, e.g. out of memory) */
	bool (*tx_active)(void *conn);
	/* tx_wrote: the open transaction has written (so its commit needs a
	 * flush); NULL when commit is durable by itself (PostgreSQL) */
	bool (*tx_wrote)(void *conn);
	/* log_path: the write-ahead log file whose flush makes every commit
	 * made before it durable (SQLite's "-wal"); NULL when commit is durable
	 * by itself (PostgreSQL) */
	const char *(*log_path)(void *conn);
	/* commit_lazy: commit without waiting for the log flush (NULL: commit);
	 * sync_conn: on a connection of its own, make every commit made before
	 * the call durable (NULL when log_path serves, or commits are durable) */
	sj_err (*commit_lazy)(void *conn);
	sj_err (*sync_conn)(void *conn);
	/* checkpoint: copy the log into the database without blocking writers
	 * (SQLite PASSIVE); no_autocheckpoint: commits on conn leave that to
	 * it. NULL where the server does it (PostgreSQL). */
	sj_err (*checkpoint)(void *conn);
	sj_err (*no_autocheckpoint)(void *conn);
	/* bulk copy (db_copy_*): begin a stream of rows of ncols columns into
	 * table; row gets ncols values as text (NULL: SQL NULL); end finishes
	 * the stream, frees it and returns the first error */
	sj_err (*copy_begin)(void *conn, const char *table, const char *columns, int ncols, void **copy);
	sj_err (*copy_row)(void *copy, const char *const *vals);
	sj_err (*copy_end)(void *copy);
} db_backend_ops;

/* The pool's statement and connection (db.c; copy.c streams on a
 * connection). */
#define DB_STMT_CACHE 128

struct db_stmt {
	const db_backend_ops *ops;
	void *impl;
	const char *sql;    /* the key: the literal's address */
	struct db_conn *conn;
};

struct db_conn {
	const db_backend_ops *ops;
	void *impl;
	struct db *owner;
	bool in_tx;
	bool busy;          /* lent out */
	bool write_locked;  /* holds owner->write_lock (SQLite DB_WRITE) */
	db_mode mode;
	const db_tx_hook *hook;
	void *hook_arg;
	bool copying;       /* a db_copy stream is open: nothing else may run */
	int nstmt;
	db_stmt stmts[DB_STMT_CACHE];
};

/* db_conn_tx_lost: inside what we believe is a transaction, the database
 * has rolled it back (db.c). */
bool db_conn_tx_lost(const db_conn *c);

/* The two halves of a commit (db.c), for the finishers (finish.c):
 * db_commit_start runs the before-commit hook and the COMMIT, releases the
 * write turn and tells whether the transaction wrote (on failure it is
 * rolled back); db_commit_end waits for the log flush when it wrote on
 * SQLite (unless lazy), then ends the hooks. */
sj_err db_commit_start(db_conn *c, bool lazy, bool *wrote);
sj_err db_commit_end(db_conn *c, sj_err e, bool wrote, bool lazy);
/* db_fin_slot: where d keeps its finishers (finish.c); db_has_log: d's
 * commits wait for a flush of a log file (SQLite). */
struct db_fin **db_fin_slot(db *d);
bool db_has_log(const db *d);

/* db_pg_placeholders copies sql to out (when not NULL), each `?` outside
 * strings, identifiers and comments turned into $n, and returns the number
 * of placeholders; out needs strlen(sql) + 6 * n + 1 (pg_sql.c). */
int db_pg_placeholders(const char *sql, char *out, size_t outsz);

extern const db_backend_ops db_sqlite_ops;
extern const db_backend_ops db_pg_ops;

#endif
