/* dbj.h — query rows straight into JSON objects, described once by a column
 * list. Built on db.h only; used by the capabilities (cases, persons,
 * reference data) to read records without a struct per query.
 *
 * A column list names the members in select order with a type letter:
 *     "id:t,number:t,created_at:i,verified:b,detail:j"
 * t text, i integer, b integer as true/false, j text holding JSON (parsed).
 * SQL NULL becomes JSON null. Parameters bind as in db_run: 't' const char *,
 * 'i' int64_t, 'n' NULL.
 */
#ifndef SJ_DBJ_H
#define SJ_DBJ_H

#include <jansson.h>
#include <stdint.h>
#include "db/db.h"

#define DBJ_MAX_COLS 64

/* dbj_rows returns every row as a new JSON array of objects (*out, caller
 * decrefs; NULL on failure). */
SJ_MUST_USE sj_err dbj_rows(db_conn *c, const char *sql, const char *cols, json_t **out,
			    const char *fmt, ...);
/* dbj_one returns the first row as a new object; SJ_ENOTFOUND when none. */
SJ_MUST_USE sj_err dbj_one(db_conn *c, const char *sql, const char *cols, json_t **out,
			   const char *fmt, ...);
/* dbj_int returns the first column of the first row; SJ_ENOTFOUND when there
 * is no row; a NULL value reads as 0. */
SJ_MUST_USE sj_err dbj_int(db_conn *c, const char *sql, int64_t *out, const char *fmt, ...);

#endif
