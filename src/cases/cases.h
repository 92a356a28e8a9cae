/* cases.h — felony and misdemeanour cases from complaint to prosecutor: the
 * complaint (شكاية) and its disposition, the case with its number, frame,
 * offences, place, OPJ, persons and status, and the case's history.
 *
 * Every function works inside the caller's write transaction (the handler
 * appends the audit entry in the same one). Numbers (UNIT/YEAR/SEQ, receipts,
 * transmissions) come from the counters table inside that transaction.
 * Nothing is deleted: cancellation carries a reason; every change appends a
 * case_events row.
 *
 * Errors: SJ_EINVAL with *field naming the bad input (400), SJ_EUNPROCESSABLE
 * with *why (422, a legal rule refuses it), SJ_ECONFLICT with *why (409, the
 * record's state refuses it), SJ_ENOTFOUND (404).
 */
#ifndef SJ_CASES_H
#define SJ_CASES_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "auth/auth.h"
#include "core/err.h"
#include "core/id.h"
#include "core/record.h"
#include "db/db.h"
#include "org/units.h"

#define CASE_NUMBER_MAX 96

/* What a handler needs to authorise an action on a case. */
typedef struct case_ref {
	char id[ID_LEN + 1];
	char number[CASE_NUMBER_MAX + 1];
	char unit_id[ID_LEN + 1];
	char unit_code[UNIT_CODE_MAX + 1];
	char unit_path[UNIT_PATH_MAX + 1];
	char status[24];
	char cls[24];
	char frame[16];
	char opj_id[ID_LEN + 1];
} case_ref;

/* case_ref_get reads case id into *out; SJ_ENOTFOUND. With lock true it first
 * touches the row (UPDATE) so concurrent writers of the same case queue up. */
SJ_MUST_USE sj_err case_ref_get(db_conn *c, const char *id, bool lock, case_ref *out);

/* case_can_read: national roles, or the case's unit in the caller's scope.
 * case_can_write: a unit writer (chief, OPJ, officer) whose scope holds it. */
bool case_can_read(const auth_user *u, const char *unit_path);
bool case_can_write(const auth_user *u, const char *unit_path);
/* case_is_open: registered or under_investigation (editable). */
bool case_is_open(const case_ref *r);

/* case_year returns the calendar year of t_ms in legal time (clock_legal_year). */
int64_t case_year(int64_t t_ms);
/* case_counter_next allocates the next number of kind for (unit, year):
 * INSERT .. ON CONFLICT DO UPDATE .. RETURNING, inside c's transaction, so two
 * transactions never get the same number (gaps are possible on rollback). */
SJ_MUST_USE sj_err case_counter_next(db_conn *c, const char *kind, const char *unit_id, int64_t year,
				     int64_t *n);

/* case_event appends to the case's history; detail (may be NULL) is stolen. */
SJ_MUST_USE sj_err case_event(db_conn *c, const char *case_id, const auth_user *u, const char *kind,
			      json_t *detail);
/* case_history returns the case's events, oldest first, as a new array. */
SJ_MUST_USE sj_err case_history(db_conn *c, const char *case_id, json_t **out);

/* --- complaints (complaint.h records them; their disposition is here) --- */

/* complaint_dispose sets the disposition of a pending complaint:
 * "attached" (case_id: an open case of the same unit scope), "no_offence" or
 * "referred_elsewhere" (referred_to), each with a reason. SJ_ECONFLICT when
 * already disposed. */
SJ_MUST_USE sj_err complaint_dispose(db_conn *c, const auth_user *u, const char *id,
				     const char *disposition, const char *reason, const char *case_id,
				     const char *referred_to, const char **why);

/* --- cases --- */

typedef struct case_new {
	const char *unit_code;     /* NULL: the caller's unit */
	const char *frame;         /* flagrant | preliminary | rogatory */
	json_t *offences;          /* [{code, attempted}] — at least one */
	int64_t occurred_from, occurred_to;   /* 0: not given */
	const char *commune, *address;
	bool has_coords;
	int64_t lat_e6, lon_e6;
	const char *summary;
	const char *opj_badge;     /* NULL: the creator when an OPJ */
	const char *complaint_id;  /* a pending complaint this case opens, or NULL */
	json_t *persons;           /* [{role, person:{...}}] validated, or NULL */
} case_new;

/* case_create allocates the number and writes the case, its offences, its
 * persons and its first event. */
SJ_MUST_USE sj_err case_create(db_conn *c, const auth_user *u, const case_new *in, char id[ID_LEN + 1],
			       char number[CASE_NUMBER_MAX + 1], const char **field, const char **why);

/* case_get returns the whole case (offences, persons with roles, PVs,
 * custodies, seizures, referrals) as a new object. */
SJ_MUST_USE sj_err case_get(db_conn *c, const char *id, json_t **out);
/* case_list returns cases whose unit lies in scope_path (all when NULL),
 * newest first, optionally with one status, as a new array. */
SJ_MUST_USE sj_err case_list(db_conn *c, const char *scope_path, const char *status, int limit,
			     int64_t offset, json_t **out);

/* The case list's filters (GET /cases?q=&from=&to=&status=); every member
 * may be NULL / 0 (no filter). q is a case number or a word of the summary
 * or the commune, matched as a substring, ASCII case-folded. */
#define CASE_FIND_Q_MAX 100
typedef struct case_filter {
	const char *scope_path;   /* NULL: every unit (national roles) */
	const char *status;
	const char *q;            /* at most CASE_FIND_Q_MAX bytes */
	int64_t from_ms, to_ms;   /* created in [from, to) */
} case_filter;
/* case_find returns the cases that pass f, newest first, each with its
 * OPJ's name and badge, as a new array (find.c). SJ_EINVAL when q is too long. */
SJ_MUST_USE sj_err case_find(db_conn *c, const case_filter *f, int limit, int64_t offset, json_t **out);

/* case_update changes the descriptive fields present in patch (frame,
 * summary, commune, address, lat/lon, occurred_from/to) of an open case. */
SJ_MUST_USE sj_err case_update(db_conn *c, const auth_user *u, const case_ref *r, json_t *patch,
			       const char **why);
/* case_add_offence charges one more offence; the class follows the most
 * serious one (CP art 111). *field names a bad code. */
SJ_MUST_USE sj_err case_add_offence(db_conn *c, const auth_user *u, const case_ref *r, const char *code,
				    bool attempted, const char **field, const char **why);
/* case_set_status moves the case along the legal transitions:
 * registered → under_investigation | cancelled; under_investigation →
 * cancelled; referred → closed. "referred" is set by referral_create only.
 * A cancellation needs a reason (422). */
SJ_MUST_USE sj_err case_set_status(db_conn *c, const auth_user *u, const case_ref *r, const char *to,
				   const char *reason, const char **why);
/* case_mark_investigating moves a registered case to under_investigation
 * (called when a PV, a custody or a seizure is recorded); no-op otherwise. */
SJ_MUST_USE sj_err case_mark_investigating(db_conn *c, const auth_user *u, case_ref *r);
/* case_assign gives the case to the OPJ with that badge (an active OPJ whose
 * scope holds the case's unit). */
SJ_MUST_USE sj_err case_assign(db_conn *c, const auth_user *u, const case_ref *r, const char *opj_badge,
			       const char *reason, const char **why);

/* --- persons in a case --- */

/* case_person_add links a person (existing person_id, or a validated person
 * object written through persons_upsert) with role; *person_id_out gets the
 * id and *reused whether an existing person was found. A person already
 * holding that role in the case is SJ_ECONFLICT. */
SJ_MUST_USE sj_err case_person_add(db_conn *c, const auth_user *u, const case_ref *r, const char *role,
				   const char *person_id, json_t *person, char person_id_out[ID_LEN + 1],
				   bool *reused, const char **why);
/* case_person_remove takes person_id out of the case — one role, or every
 * role when role is NULL — with reason (kept, with who and when, on the link
 * rows and in the case's history; nothing is deleted). *why (a stable code):
 * "case-person-not-found" (SJ_ENOTFOUND: no such active role),
 * "case-person-in-custody" (SJ_ECONFLICT: an open custody of that person in
 * the case), "case-person-case-closed" (SJ_ECONFLICT). (amend.c) */
/* The body of a removal: {role (optional), reason} (amend.c). */
extern const rec_desc case_person_removal_rec;
SJ_MUST_USE sj_err case_person_remove(db_conn *c, const auth_user *u, const case_ref *r, const char *person_id,
				      const char *prole, const char *reason, const char **why);
/* case_person_has_role: does person hold any of roles (NULL-terminated) in the case? */
SJ_MUST_USE sj_err case_person_has_role(db_conn *c, const char *case_id, const char *person_id,
					const char *const *roles, bool *has);
/* case_person_history returns, for the person, the cases in scope_path (all
 * when NULL) with roles, and *known whether any role anywhere is suspect or
 * arrested (a victim or witness is never "known to the police"). */
SJ_MUST_USE sj_err case_person_history(db_conn *c, const char *person_id, const char *scope_path,
				       json_t **cases, bool *known);
/* case_persons returns the persons of the case with their roles (new array). */
SJ_MUST_USE sj_err case_persons(db_conn *c, const char *case_id, json_t **out);

#endif
