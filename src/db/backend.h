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
	/* bulk copy (db_copy_*): begin a stream of rows of ncols columns into
	 * table; row gets ncols values as text (NULL: SQL NULL); end finishes
	 * the stream, frees it and returns the first error */
	sj_err (*copy_begin)(void *conn, const char *table, const char *columns, int ncols, void **copy);
	sj_err (*copy_row)(void *copy, const char *const *vals);
	sj_err (*copy_end)(void *copy);
} db_backend_ops;

extern const db_backend_ops db_sqlite_ops;
extern const db_backend_ops db_pg_ops;

#endif
