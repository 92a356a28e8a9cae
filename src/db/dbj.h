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
#include "core/record.h"
#include "db/db.h"

#define DBJ_MAX_COLS 64

/* dbj_rows returns every row as a new JSON array of objects (*out, caller
 * decrefs; NULL on failure). */
SJ_MUST_USE sj_err dbj_rows(db_conn *c, const char *sql, const char *cols, json_t **out,
			    const char *fmt, ...);
/* dbj_one returns the first row as a new object; SJ_ENOTFOUND when none. */
SJ_MUST_USE sj_err dbj_one(db_conn *c, const char *sql, const char *cols, json_t **out,
			   const char *fmt, ...);
/* dbj_rec_rows / dbj_rec_one read rows whose members are named by the
 * statement itself — each result column's label, written once in the SQL
 * ("SELECT id, number, b.badge AS sealed_by ...") — and typed by record d's
 * field of that name, so no second list pairs names with positions. A column
 * d does not describe is SJ_EINTERNAL (logged): every member a read returns
 * is described. As dbj_rows / dbj_one otherwise. */
SJ_MUST_USE sj_err dbj_rec_rows(db_conn *c, const char *sql, const rec_desc *d, json_t **out, const char *fmt,
				...);
SJ_MUST_USE sj_err dbj_rec_one(db_conn *c, const char *sql, const rec_desc *d, json_t **out, const char *fmt,
			       ...);
/* dbj_int returns the first column of the first row; SJ_ENOTFOUND when there
 * is no row; a NULL value reads as 0. */
SJ_MUST_USE sj_err dbj_int(db_conn *c, const char *sql, int64_t *out, const char *fmt, ...);

/* dbj_write runs an INSERT or UPDATE whose first parameters are record d's
 * columns taken from obj by name — every column in REC_COLS/REC_QS order, or
 * only the E columns in REC_SET order when edit_only — followed by the
 * parameters fmt/... (as db_run). Absent or null members bind NULL, except a
 * BOOL, which binds 0; JSON members are stored as canonical text (sorted
 * keys, compact). obj is only read. SJ_ECONFLICT on a unique-key violation.
 *     static const char sql[] = "INSERT INTO persons (" REC_COLS(PERSON_FIELDS)
 *                               ") VALUES (" REC_QS(PERSON_FIELDS) ")";
 *     e = dbj_write(c, sql, &person_rec, row, false, "");
 *     static const char upd[] = "UPDATE cases SET " REC_SET(CASE_FIELDS)
 *                               "updated_at = ? WHERE id = ?";
 *     e = dbj_write(c, upd, &case_rec, merged, true, "it", now, id);   */
SJ_MUST_USE sj_err dbj_write(db_conn *c, const char *sql, const rec_desc *d, json_t *obj, bool edit_only,
			     const char *fmt, ...);

#endif
