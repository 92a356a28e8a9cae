/* registers.h — the central registers and the hit engine.
 *
 * Registers: wanted notices (مذكرات البحث), stolen vehicles, lost and stolen
 * documents. Every record has a home unit, the only one that writes it; all
 * units read (national). Status changes keep their history
 * (register_events); nothing is deleted.
 *
 * Hit engine: whenever a person, a plate or a document number is entered
 * anywhere (case, complaint, declaration, look-up), reg_check_* compares it
 * with the active records — names fuzzily across scripts (search.h keys and
 * scores) — records each hit (hits), notifies the owning unit
 * (notifications) and appends an alert to the caller's array, which the API
 * returns in its response.
 */
#ifndef SJ_REGISTERS_H
#define SJ_REGISTERS_H

#include <jansson.h>
#include <stdbool.h>
#include "core/err.h"
#include "core/id.h"
#include "core/actor.h"
#include "db/db.h"

#define REG_PLATE_MAX 24
#define REG_DOC_MAX   24
#define REG_HIT_THRESHOLD 0.85   /* name evidence for a wanted-person hit */

/* Who entered the thing being checked, and where (for hits and notices). */
typedef struct reg_ctx {
	const char *actor_id;
	const char *actor_unit_id;
	const char *source;      /* lookup | case | complaint | declaration | import */
	const char *source_ref;  /* e.g. the case number; may be NULL */
} reg_ctx;

/* reg_plate_normalize folds a Moroccan plate written with Arabic or Latin
 * letters ("12345-أ-6", "12345 A 6", "12345|ا|6") to one form ("12345A6");
 * false when nothing plate-like remains. */
bool reg_plate_normalize(const char *in, char out[REG_PLATE_MAX + 1]);
/* reg_doc_normalize upper-cases and keeps letters and digits. */
bool reg_doc_normalize(const char *in, char out[REG_DOC_MAX + 1]);

/* reg_wanted_create stores a wanted notice from a validated object (see
 * api_registers.c) for home unit unit_id and indexes its names. */
SJ_MUST_USE sj_err reg_wanted_create(db_conn *c, json_t *w, const char *unit_id, const char *actor_id,
				     char id_out[ID_LEN + 1]);
/* reg_vehicle_create / reg_document_create: the same for the other registers.
 * SJ_EINVAL when the plate/VIN or number does not normalise. */
SJ_MUST_USE sj_err reg_vehicle_create(db_conn *c, json_t *v, const char *unit_id, const char *actor_id,
				      char id_out[ID_LEN + 1]);
SJ_MUST_USE sj_err reg_document_create(db_conn *c, json_t *d, const char *unit_id, const char *actor_id,
				       char id_out[ID_LEN + 1]);

/* reg_set_status changes the status of record id in register ("wanted",
 * "vehicle", "document") with a reason, if the caller's unit path
 * (scope_path) covers the record's home unit; SJ_EFORBIDDEN otherwise,
 * SJ_ENOTFOUND, SJ_EINVAL for a status the register does not know. */
SJ_MUST_USE sj_err reg_set_status(db_conn *c, const char *reg, const char *id, const char *status,
				  const char *reason, const char *scope_path, const char *actor_id);

/* reg_list lists a register (national read) as a new JSON array, newest
 * first; status may be NULL (all). */
SJ_MUST_USE sj_err reg_list(db_conn *c, const char *reg, const char *status, int limit, int64_t offset,
			    json_t **out);

/* The person being entered: names in either script (any may be NULL). */
typedef struct reg_person {
	const char *cin;
	const char *name;         /* a typed full name (a look-up), or NULL */
	const char *first_name_ar, *last_name_ar, *first_name_lat, *last_name_lat;
	const char *father_name;
	const char *birth_date;
} reg_person;

/* reg_check_person / _plate / _document check against the active records;
 * each hit is recorded and notified inside c's write transaction, and an
 * alert object is appended to alerts. */
SJ_MUST_USE sj_err reg_check_person(db_conn *c, const reg_person *p, const reg_ctx *ctx, json_t *alerts);
SJ_MUST_USE sj_err reg_check_plate(db_conn *c, const char *plate, const char *vin, const reg_ctx *ctx,
				   json_t *alerts);
SJ_MUST_USE sj_err reg_check_document(db_conn *c, const char *number, const reg_ctx *ctx, json_t *alerts);
/* reg_check_entered_person is the hit engine on entry ("a hit on every
 * entry"): a person just written by a capability (a person object as
 * person_rec describes it; only read; NULL is no-op) is checked by CIN and
 * names, across scripts, against the active registers; hits are recorded and
 * notified inside c's transaction and appended to alerts. source names the
 * entry (complaint, case, case_person, import, exchange), ref its human
 * number (may be NULL). An unknown suspect (no CIN, no name) checks nothing. */
SJ_MUST_USE sj_err reg_check_entered_person(db_conn *c, const sj_actor *a, json_t *person, const char *source,
					    const char *ref, json_t *alerts);

/* reg_notifications lists the notifications of unit_id (newest first), with
 * read_at / read_by (null while unread). */
SJ_MUST_USE sj_err reg_notifications(db_conn *c, const char *unit_id, int limit, int64_t offset, json_t **out);

/* reg_notification_read marks notification id read by actor_id now, if the
 * caller's unit path (scope_path) covers the notification's unit:
 * SJ_ENOTFOUND, SJ_EFORBIDDEN otherwise. Marking a read notification again
 * is SJ_OK and keeps the first reader; *read_at_out gets the stored time and
 * *already whether it was read before (either may be NULL). */
SJ_MUST_USE sj_err reg_notification_read(db_conn *c, const char *id, const char *scope_path, const char *actor_id,
					 int64_t *read_at_out, bool *already);

#endif
