/* internal.h — what the files of src/comms/ share; nothing outside the
 * module includes it (its public header is comms.h). */
#ifndef SJ_COMMS_INTERNAL_H
#define SJ_COMMS_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "comms/comms.h"
#include "core/actor.h"
#include "core/id.h"
#include "db/db.h"
#include "org/units.h"

/* The sealed-content format and the signature's domain separation. */
#define COMMS_SEAL_FORMAT  "sijill-comms-v1"
#define COMMS_SEAL_CONTEXT "sijill-comms-v1|"

static inline const char *cj_str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static inline int64_t cj_int(json_t *o, const char *k)
{
	return (int64_t)json_integer_value(json_object_get(o, k));
}

/* comms_can_write: a communication user (ROLES_COMMS) whose scope holds
 * unit_path. comms_can_read: the same scope, or a national reader. */
bool comms_can_write(const sj_actor *a, const char *unit_path);
bool comms_can_read(const sj_actor *a, const char *unit_path);
/* comms_scope returns the unit path prefix the actor's lists are cut to
 * (NULL: everything, for a national reader). */
const char *comms_scope(const sj_actor *a);

/* comms_number allocates "UNIT/YEAR/<tag>-NNNNNN" for counter kind in
 * unit_id's year (cases.h counters, inside c's transaction). */
SJ_MUST_USE sj_err comms_number(db_conn *c, const char *kind, const char *tag, const char *unit_id,
				const char *unit_code, int64_t year, char out[COMMS_NUMBER_MAX + 1]);
/* comms_today writes the legal date of now ("YYYY-MM-DD"). */
void comms_today(char out[11]);
/* comms_file_meta reads file id's metadata (no bytes) into *out, a new
 * object (files.c). SJ_ENOTFOUND when there is none. */
SJ_MUST_USE sj_err comms_file_meta(db_conn *c, const char *id, json_t **out);
/* comms_hash_hex writes BLAKE2b-256 of data[0..n) as hex. */
void comms_hash_hex(const void *data, size_t n, char out[65]);
/* comms_median returns the median of v[0..n) (sorted here), 0 when n == 0. */
int64_t comms_median(int64_t *v, size_t n);
/* comms_channels_ok checks a channels value (array of distinct channel
 * names); appends field errors. */
void comms_channels_check(json_t *v, const char *prefix, const char *field, json_t *errs);

/* activity.c, for the other files: the activity's unit path and status and
 * whether it is published; SJ_ENOTFOUND. */
typedef struct comms_act_ref {
	char id[ID_LEN + 1];
	char number[COMMS_NUMBER_MAX + 1];
	char unit_id[ID_LEN + 1];
	char unit_path[UNIT_PATH_MAX + 1];
	char status[16];
	char kind[24];
	char date[11];
} comms_act_ref;
SJ_MUST_USE sj_err comms_act_ref_get(db_conn *c, const char *id, comms_act_ref *out);
/* activity.c, for regimport.c: an activity's own rules (the record's check)
 * and the insert of a whole row of comms_activity_rec. */
void comms_activity_check(json_t *o, const char *prefix, json_t *errs);
SJ_MUST_USE sj_err comms_activity_insert(db_conn *c, json_t *row);
/* claims.c, for activity.c: reserve / release / mark answered the claim a
 * truth statement answers. */
SJ_MUST_USE sj_err comms_claim_reserve(db_conn *c, const sj_actor *a, const char *claim_id, const char *answer_id,
				       const char **why);
SJ_MUST_USE sj_err comms_claim_release(db_conn *c, const char *answer_id);
SJ_MUST_USE sj_err comms_claim_answered(db_conn *c, const char *answer_id, int64_t at);
/* claims.c: {number, status, content} of a claim for an activity's view (new object or NULL). */
json_t *comms_claim_brief(db_conn *c, const char *claim_id);
/* claims.c, for bilan.c: counts of claims rows (as the claim lists give
 * them): reports, first reports, duplicates, by status, answered, median
 * time to rebuttal, reach. New object, NULL when out of memory. */
json_t *comms_claims_summary(json_t *claims);
/* links.c, for activity.c: the link (case_id, case_number, comm unit path,
 * summaries) when the actor may use it; SJ_ENOTFOUND / SJ_EFORBIDDEN. */
SJ_MUST_USE sj_err comms_link_for(db_conn *c, const sj_actor *a, const char *link_id, json_t **out);
/* events.c, for activity.c: the event exists (SJ_ENOTFOUND otherwise). */
SJ_MUST_USE sj_err comms_event_exists(db_conn *c, const char *event_id);

#endif
