/* registers.h — the central registers and the hit engine.
 *
 * Registers: wanted notices (مذكرات البحث), stolen vehicles, lost and stolen
 * documents, lost and stolen phones (by IMEI). Every record has a home unit, the only one that writes it; all
 * units read (national). Status changes keep their history
 * (register_events); nothing is deleted.
 *
 * Hit engine: whenever a person, a plate or a document number is entered
 * anywhere (case, complaint, declaration, look-up), reg_check_* compares it
 * with the active records — names fuzzily across scripts (search.h keys and
 * scores) — records each hit (hits), notifies the owning unit
 * (notifications) and appends an alert to the caller's array, which the API
 * returns in its response.
 *
 * Records described here (core/record.h): wanted, vehicle, document (the
 * entries, as entered and read), their status commands (wanted_status ...),
 * register_event, hit, notification, alert (a hit as the caller sees it),
 * check and check_person (the body of POST /check). Every function works
 * inside the caller's transaction; the caller audits.
 */
#ifndef SJ_REGISTERS_H
#define SJ_REGISTERS_H

#include <jansson.h>
#include <stdbool.h>
#include "core/actor.h"
#include "core/err.h"
#include "core/id.h"
#include "core/record.h"
#include "db/db.h"
#include "exchange/exchange.h"

#define REG_PLATE_MAX 24
#define REG_DOC_MAX   24
#define REG_HIT_THRESHOLD 0.85   /* name evidence for a wanted-person hit */

extern const rec_desc reg_wanted_rec, reg_vehicle_rec, reg_document_rec, reg_phone_rec;
extern const rec_enum reg_names, reg_dangers, reg_doc_types, reg_doc_kinds;
extern const rec_desc reg_wanted_status_rec, reg_vehicle_status_rec, reg_document_status_rec, reg_phone_status_rec;
extern const rec_desc reg_event_rec, reg_hit_rec, reg_notification_rec, reg_alert_rec;
extern const rec_desc reg_check_rec, reg_check_person_rec, reg_check_reply_rec, reg_list_rec;
extern const rec_desc reg_notifications_rec;

/* Who entered the thing being checked, and where (for hits and notices). */
typedef struct reg_ctx {
	const char *actor_id;
	const char *actor_unit_id;
	const char *source;      /* lookup | case | complaint | declaration | import | exchange */
	const char *source_ref;  /* e.g. the case number; may be NULL */
	bool silent;             /* a read-only role's check: alerts answered, no hit recorded, nobody notified */
} reg_ctx;

/* reg_plate_normalize folds a Moroccan plate written with Arabic or Latin
 * letters ("12345-أ-6", "12345 A 6", "12345|ا|6") to one form ("12345A6");
 * false when nothing plate-like remains. */
bool reg_plate_normalize(const char *in, char out[REG_PLATE_MAX + 1]);
/* reg_doc_normalize upper-cases and keeps letters and digits. */
bool reg_doc_normalize(const char *in, char out[REG_DOC_MAX + 1]);

/* reg_create records an entry of register reg ("wanted", "vehicle",
 * "document", "phone"; in checked against its record) in the actor's unit, its names
 * indexed (wanted) or its plate, VIN or number normalised; *out gets
 * {"id", "status": "active", "unit"}. A reference already used in the unit is
 * SJ_ECONFLICT "register-reference-taken". A wanted notice carries the
 * issuing magistrate's order (issue 17 item 5): authority_code, an office of
 * the reference data, order_reference and order_date (422 "wanted-needs-order"
 * when one is missing, "wanted-authority-unknown", "wanted-order-in-future"). */
SJ_MUST_USE sj_err reg_create(db_conn *c, const sj_actor *a, const char *reg, json_t *in, json_t **out,
			      const char **why);

/* reg_set_status changes the status of entry id of register reg with in's
 * status and reason, when the actor's unit is its home unit or above it:
 * SJ_EFORBIDDEN "not-home-unit" otherwise; SJ_ENOTFOUND
 * "register-entry-not-found"; SJ_ECONFLICT "register-status-unchanged".
 * *out: {"id", "status"}. */
SJ_MUST_USE sj_err reg_set_status(db_conn *c, const sj_actor *a, const char *reg, const char *id, json_t *in,
				  json_t **out, const char **why);

/* reg_found closes the active entry id of register reg ("vehicle",
 * "document", "phone") as found (recovered, for a vehicle) by the actor's
 * unit — any unit may find what another declared — at found_at (UTC ms),
 * with reason: the status, the finding unit and date, a history row, and a
 * notification (kind "found") to the entry's home unit. SJ_ENOTFOUND
 * "register-entry-not-found"; SJ_ECONFLICT "register-entry-not-active".
 * *out: {"id", "status"}. */
SJ_MUST_USE sj_err reg_found(db_conn *c, const sj_actor *a, const char *reg, const char *id, int64_t found_at,
			     const char *reason, json_t **out, const char **why);

/* reg_hit_seized records that entry record_id of register reg, just
 * entered by the actor (entered: what was typed), is a thing already seized
 * in a case (seizure: {"seal_no", "case_number", "unit_id", "unit"}, as
 * seizure_known gives it; borrowed): a hit (source "case", the case number)
 * on the entry, notified to the entry's home unit and to the seizing unit,
 * appended to alerts. */
SJ_MUST_USE sj_err reg_hit_seized(db_conn *c, const sj_actor *a, const char *reg, const char *record_id,
				  const char *entered, json_t *seizure, json_t *alerts);

/* reg_notify notifies unit_id (kind "hit" or "found"; title in both
 * languages; detail borrowed) inside c's transaction. */
SJ_MUST_USE sj_err reg_notify(db_conn *c, const char *unit_id, const char *kind, const char *title,
			      json_t *detail);

/* reg_list lists a register (national read) as {"items": [...]}, newest
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
/* reg_check_imei checks an IMEI (as typed; one failing its Luhn digit checks
 * nothing) against the active lost/stolen phones, as the others. */
SJ_MUST_USE sj_err reg_check_imei(db_conn *c, const char *imei, const reg_ctx *ctx, json_t *alerts);
/* reg_check_entered_person is the hit engine on entry ("a hit on every
 * entry"): a person just written by a capability (a person object as
 * person_rec describes it; only read; NULL is no-op) is checked by CIN and
 * names, across scripts, against the active registers; hits are recorded and
 * notified inside c's transaction and appended to alerts. source names the
 * entry (complaint, case, import, exchange), ref its human number (may be
 * NULL). An unknown suspect (no CIN, no name) checks nothing. */
SJ_MUST_USE sj_err reg_check_entered_person(db_conn *c, const sj_actor *a, json_t *person, const char *source,
					    const char *ref, json_t *alerts);
/* reg_check_lookup checks a typed national look-up (a name or a CIN, and an
 * optional birth date) against the registers for the actor: the person
 * registers by CIN and name, the document register by number. */
SJ_MUST_USE sj_err reg_check_lookup(db_conn *c, const sj_actor *a, const char *q, const char *birth_date,
				    json_t *alerts);
/* reg_check runs POST /check: in (checked against reg_check_rec) names a
 * person, a plate, a VIN or a document number; *out gets {"alerts": [...]}.
 * A read-only role (not a unit writer) gets the alerts, but its check is a
 * look-up: source "lookup" whatever it sent, no hit recorded, nobody notified. */
SJ_MUST_USE sj_err reg_check(db_conn *c, const sj_actor *a, json_t *in, json_t **out);

/* reg_notifications lists the notifications of the actor's unit (newest
 * first), with read_at / read_by (null while unread), as {"items", "unit"}. */
SJ_MUST_USE sj_err reg_notifications(db_conn *c, const sj_actor *a, int limit, int64_t offset, json_t **out);

/* reg_notification_read marks notification id read by the actor now, if the
 * actor's unit covers the notification's unit: SJ_ENOTFOUND
 * "notification-not-found", SJ_EFORBIDDEN otherwise. Marking a read
 * notification again is SJ_OK and keeps the first reader; *out gets
 * {"id", "read_at", "already"}. */
SJ_MUST_USE sj_err reg_notification_read(db_conn *c, const sj_actor *a, const char *id, json_t **out,
					 const char **why);

/* reg_reindex_wanted replaces the name keys of wanted notice w (a row of
 * wanted_notices as JSON, borrowed) inside c's write transaction: central
 * applying a node's notice into its own register. */
SJ_MUST_USE sj_err reg_reindex_wanted(db_conn *c, json_t *w);
/* reg_table names the table of register reg ("" when unknown). */
const char *reg_table(const char *reg);

/* ---- hotlists: the registers as feeds from central to its nodes
 * (hotlist.c; exchange.h's xchg_feed): central's entries, each with its
 * unit's code (and a wanted notice with its cross-script name keys), after a
 * cursor (updated_at); the node keeps them in its own register tables as
 * central's copies (read-only there: reg_set_status and reg_found refuse
 * them with "register-central-copy"), and the hit engine works from them
 * offline, saying how old the hotlist is (hotlist_issued_at, hotlist_age_s). */
SJ_MUST_USE sj_err reg_hotlist_wanted_produce(db_conn *c, const xchg_peer *p, int64_t after, int64_t upto,
					      size_t limit, json_t *records, int64_t *cursor, bool *more);
SJ_MUST_USE sj_err reg_hotlist_wanted_apply(db_conn *c, json_t *records, int64_t issued_at, int64_t *applied);
SJ_MUST_USE sj_err reg_hotlist_vehicles_produce(db_conn *c, const xchg_peer *p, int64_t after, int64_t upto,
						size_t limit, json_t *records, int64_t *cursor, bool *more);
SJ_MUST_USE sj_err reg_hotlist_vehicles_apply(db_conn *c, json_t *records, int64_t issued_at, int64_t *applied);
SJ_MUST_USE sj_err reg_hotlist_documents_produce(db_conn *c, const xchg_peer *p, int64_t after, int64_t upto,
						 size_t limit, json_t *records, int64_t *cursor, bool *more);
SJ_MUST_USE sj_err reg_hotlist_documents_apply(db_conn *c, json_t *records, int64_t issued_at, int64_t *applied);
SJ_MUST_USE sj_err reg_hotlist_phones_produce(db_conn *c, const xchg_peer *p, int64_t after, int64_t upto,
					      size_t limit, json_t *records, int64_t *cursor, bool *more);
SJ_MUST_USE sj_err reg_hotlist_phones_apply(db_conn *c, json_t *records, int64_t issued_at, int64_t *applied);

/* Retention (loi 09-08 art 3; the procedure's retention job calls this, the
 * registers own their SQL): reg_hits_purge deletes the hits recorded before
 * cut (ms) — not, at central, those of a node-hosted unit — handing each to
 * fn first with its unit's id, its id and the row as it was (for the
 * tombstone); fn's error stops the purge and is returned. */
typedef sj_err (*reg_purged_fn)(void *ctx, const char *unit_id, const char *record_id, json_t *row);
SJ_MUST_USE sj_err reg_hits_purge(db_conn *c, int64_t cut, reg_purged_fn fn, void *ctx);

#endif
