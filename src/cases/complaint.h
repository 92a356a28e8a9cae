/* complaint.h — complaints (شكاية): recorded at the desk with a receipt
 * number, the complainant written through the one person index and checked
 * against the registers, then disposed of (a case opened, attached to a
 * case, no offence, referred elsewhere — cases.h).
 *
 * The complaint record is described once here (complaint_rec): the body of
 * POST /api/v1/complaints, the complaint as read, its columns and schema.
 * Every function works inside the caller's write transaction; the caller
 * appends the audit entry in the same one.
 */
#ifndef SJ_COMPLAINT_H
#define SJ_COMPLAINT_H

#include <jansson.h>
#include "core/actor.h"
#include "core/err.h"
#include "core/record.h"
#include "db/db.h"

extern const rec_desc complaint_rec;
extern const rec_enum complaint_dispositions;

/* complaint_create records in (a body checked against complaint_rec,
 * REC_CREATE; only read) in the actor's unit: the complainant through
 * persons_upsert, a receipt number UNIT/YEAR/PL-NNNNNN from the counters in
 * this transaction (the year in legal time), and the hit engine on the
 * complainant. *out (caller decrefs; NULL on failure) is the complaint as
 * read with "alerts" (the hits raised). */
SJ_MUST_USE sj_err complaint_create(db_conn *c, const sj_actor *a, json_t *in, json_t **out);
/* complaint_get returns the complaint (with its complainant, its unit's code
 * and, for scope checks only, unit_path — not OUT) as a new object;
 * SJ_ENOTFOUND. */
SJ_MUST_USE sj_err complaint_get(db_conn *c, const char *id, json_t **out);
/* complaint_list returns complaints whose unit lies in scope_path (all when
 * NULL), newest first, optionally with one disposition, as a new array. */
SJ_MUST_USE sj_err complaint_list(db_conn *c, const char *scope_path, const char *disposition, int limit,
				  int64_t offset, json_t **out);
/* complaint_find returns, newest first, at most limit complaints in
 * scope_path (all when NULL) whose receipt number contains q (ASCII
 * case-folded): {id, receipt_no, received_at, disposition, case_id}, a new
 * array (find.c). SJ_EINVAL when q is empty or longer than CASE_FIND_Q_MAX. */
SJ_MUST_USE sj_err complaint_find(db_conn *c, const char *scope_path, const char *q, int limit, json_t **out);

#endif
