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

extern const rec_desc complaint_rec, complaint_disposition_rec, complaint_list_rec;
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
/* complaint_read returns the complaint for the actor (as complaint_get):
 * SJ_ENOTFOUND "complaint-not-found", SJ_EFORBIDDEN outside its scope. */
SJ_MUST_USE sj_err complaint_read(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why);
/* complaint_list returns {"complaints": [...]}: the complaints of the
 * actor's scope (every one for national roles), newest first, optionally
 * with one disposition. */
SJ_MUST_USE sj_err complaint_list(db_conn *c, const sj_actor *a, const char *disposition, int limit,
				  int64_t offset, json_t **out);
/* complaint_dispose sets the disposition of a pending complaint of the
 * actor's scope from in (a complaint_disposition body): "attached" (case_id:
 * an open case the actor writes — the complainant joins it), "no_offence" or
 * "referred_elsewhere" (referred_to), each with a reason. SJ_ECONFLICT
 * "complaint-already-disposed"; 422 "attach-needs-case",
 * "attach-case-not-found", "attach-case-not-open",
 * "referral-needs-destination". *out: the complaint. */
SJ_MUST_USE sj_err complaint_dispose(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out,
				     const char **why);
/* complaint_mark_opened records that case case_id was opened from the
 * pending complaint id (case_create). */
SJ_MUST_USE sj_err complaint_mark_opened(db_conn *c, const sj_actor *a, const char *id, const char *case_id);

#endif
