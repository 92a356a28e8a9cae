/* copy.c — bulk loading (db.h: db_copy_*, db_bulk_session, db_maintain):
 * a stream of rows through the backend's copy_* (COPY on PostgreSQL, one
 * prepared INSERT on SQLite), and the session settings of a bulk load. */
#include "db/db.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "db/backend.h"

#define DB_COPY_MAX_COLS 32   /* columns of one db_copy stream */
#define DB_COPY_INT_TEXT 24   /* INT64_MIN is 20 characters */

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
	if (db_conn_tx_lost(c))
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

