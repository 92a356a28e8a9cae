/* cases.h — felony and misdemeanour cases from complaint to prosecutor: the
 * case with its number, frame, offences, place, OPJ, persons and status, and
 * the case's history (complaint.h records complaints; pv.h, custody.h,
 * seizure.h and referral.h the rest of the file).
 *
 * Every capability takes the actor it works for (core/actor.h) and owns its
 * rules: the unit scope (a unit writer writes the cases of its unit and
 * below; national roles read everywhere), the open-case checks, the hit
 * engine on every person entered. Each works inside the caller's write
 * transaction; the caller appends the audit entry in the same one. Numbers
 * (UNIT/YEAR/SEQ, receipts, transmissions) come from the counters table
 * inside that transaction. Nothing is deleted: cancellation carries a reason;
 * every change appends a case_events row.
 *
 * Refusals: SJ_EINVAL with *field naming the bad input and *why its field
 * error code (400), SJ_EUNPROCESSABLE (422, a legal rule refuses it),
 * SJ_ECONFLICT (409, the record's state refuses it), SJ_ENOTFOUND (404),
 * each with its reason code in *why ("case-not-found", "case-not-open"...);
 * SJ_EFORBIDDEN when the record lies outside the actor's unit scope.
 *
 * Records described here (core/record.h): case, case_offence (an offence
 * line), case_person (a person in a case), case_status, case_assign (the
 * commands), case_event (the history), case_history, case_list and
 * person_page (GET /persons/{id}).
 */
#ifndef SJ_CASES_H
#define SJ_CASES_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "core/actor.h"
#include "core/err.h"
#include "core/id.h"
#include "core/record.h"
#include "db/db.h"
#include "org/units.h"

#define CASE_NUMBER_MAX 96
#define CASE_STATUS_MAX 24

extern const rec_desc case_rec, case_offence_rec, case_person_rec, case_status_rec, case_assign_rec,
	case_event_rec, case_history_rec, case_list_rec, person_page_rec, case_person_removal_rec, case_find_rec;
extern const rec_enum case_frames, case_statuses, case_person_roles;

/* What a capability needs to authorise an action on a case. */
typedef struct case_ref {
	char id[ID_LEN + 1];
	char number[CASE_NUMBER_MAX + 1];
	char unit_id[ID_LEN + 1];
	char unit_code[UNIT_CODE_MAX + 1];
	char unit_path[UNIT_PATH_MAX + 1];
	char status[CASE_STATUS_MAX];
	char cls[CASE_STATUS_MAX];
	char frame[16];
	char opj_id[ID_LEN + 1];
} case_ref;

/* case_ref_get reads case id into *out; SJ_ENOTFOUND. With lock true it first
 * touches the row (UPDATE) so concurrent writers of the same case queue up. */
SJ_MUST_USE sj_err case_ref_get(db_conn *c, const char *id, bool lock, case_ref *out);
/* case_ref_for reads case id for the actor: to write it (lock, and the actor
 * must be a writer of its unit scope) or to read it; SJ_ENOTFOUND
 * "case-not-found", SJ_EFORBIDDEN (unit scope). */
SJ_MUST_USE sj_err case_ref_for(db_conn *c, const sj_actor *a, const char *id, bool write, case_ref *out,
				const char **why);
/* case_ref_open reads case id for the actor to add to it or change it: as
 * case_ref_for with write, and the case must be open (registered or under
 * investigation), else SJ_ECONFLICT "case-not-open". The one open-case check
 * of every capability that writes into a case. */
SJ_MUST_USE sj_err case_ref_open(db_conn *c, const sj_actor *a, const char *id, case_ref *out, const char **why);
/* case_ref_of reads the case a child record (a PV, a custody, a seizure, a
 * referral) belongs to, for the actor as case_ref_for: case_of_sql (the
 * child module's own statement, "SELECT case_id FROM <table> WHERE id = ?")
 * maps the child's id to its case's id; no such child is SJ_ENOTFOUND with
 * *why = missing. */
SJ_MUST_USE sj_err case_ref_of(db_conn *c, const sj_actor *a, const char *case_of_sql, const char *child_id,
			       const char *missing, bool write, case_ref *out, const char **why);
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
SJ_MUST_USE sj_err case_event(db_conn *c, const char *case_id, const sj_actor *a, const char *kind,
			      json_t *detail);

/* --- cases --- */

/* case_create opens a case from in (a case body, REC_CREATE): in the actor's
 * unit or a unit of its scope (in.unit; field "unit" "unknown-unit"
 * otherwise), each offence current in the catalogue (field
 * "offences[i].code" "offence-not-current"; the class follows the most
 * serious, CP art 111), the OPJ named (an active OPJ of the case's unit or
 * above: 422 "assignee-not-opj"; the creator when an OPJ), the complaint it
 * opens (pending and of the actor's scope: field "complaint_id"
 * "unknown-complaint", 409 "complaint-already-disposed"), its persons; the
 * number from the counters; the hit engine on every person of the case.
 * *out: the case as read, with "alerts". */
SJ_MUST_USE sj_err case_create(db_conn *c, const sj_actor *a, json_t *in, json_t **out, const char **field,
			       const char **why);
/* case_get returns the case (offences, persons with roles; unit_path for
 * scope checks) as a new object; SJ_ENOTFOUND. No scope check. */
SJ_MUST_USE sj_err case_get(db_conn *c, const char *id, json_t **out);
/* case_read returns the whole case for the actor: case_get plus its PVs,
 * custodies, seizures and referrals. */
SJ_MUST_USE sj_err case_read(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why);
/* case_list returns {"cases": [...]}: the cases of the actor's scope (every
 * case for national roles), newest first, optionally with one status. */
SJ_MUST_USE sj_err case_list(db_conn *c, const sj_actor *a, const char *status, int limit, int64_t offset,
			     json_t **out);
/* The case list's filters (GET /cases?q=&from=&to=&status=); every member
 * may be NULL / 0 (no filter). q is a case number or a word of the summary
 * or the commune, matched as a substring, ASCII case-folded (find.c). */
#define CASE_FIND_Q_MAX 100
typedef struct case_filter {
	const char *status;
	const char *q;            /* at most CASE_FIND_Q_MAX bytes */
	int64_t from_ms, to_ms;   /* created in [from, to) */
} case_filter;
/* case_find returns {"cases": [...]}: the cases of the actor's scope (every
 * case for national roles) that pass f, newest first, each with its OPJ's
 * name and badge. SJ_EINVAL when q is too long (find.c). */
SJ_MUST_USE sj_err case_find(db_conn *c, const sj_actor *a, const case_filter *f, int limit, int64_t offset,
			     json_t **out);
/* case_find_any answers the header's search box (GET /find?q=): {q, cases,
 * complaints} — cases as case_find with q, complaints of the actor's scope
 * whose receipt number holds q — at most limit of each (find.c). */
SJ_MUST_USE sj_err case_find_any(db_conn *c, const sj_actor *a, const char *q, int limit, json_t **out);
/* case_history_read returns {"case_id", "number", "events"} (oldest first). */
SJ_MUST_USE sj_err case_history_read(db_conn *c, const sj_actor *a, const char *id, json_t **out,
				     const char **why);

/* case_update changes the descriptive fields of patch (a case patch: frame,
 * summary, commune, address, lat/lon, occurred_from/to) of an open case (409
 * "case-not-open"). *out: the case. */
SJ_MUST_USE sj_err case_update(db_conn *c, const sj_actor *a, const char *id, json_t *patch, json_t **out,
			       const char **why);
/* case_add_offence charges one more offence (in: a case_offence body) on an
 * open case; the class follows the most serious one (CP art 111). *out: the
 * case. */
SJ_MUST_USE sj_err case_add_offence(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out,
				    const char **field, const char **why);
/* case_withdraw_offence (requalification, issue 11 item 9) withdraws the
 * standing charge offence_id of the open case id, with in.reason (a
 * case_withdrawal body), and charges in.replace_with (a current catalogue
 * code; field "replace_with" "offence-not-current") in its place when
 * given; the line stays in the case with withdrawn_at, withdrawn_reason and
 * replaced_by, and the history keeps the change. The class follows the
 * standing charges down as well as up. 404 "offence-not-found", 409
 * "offence-withdrawn" (already), 422 "offence-last-charge" (withdrawing the
 * only standing charge without a replacement). *out: the case. */
SJ_MUST_USE sj_err case_withdraw_offence(db_conn *c, const sj_actor *a, const char *id, const char *offence_id,
					 json_t *in, json_t **out, const char **field, const char **why);
extern const rec_desc case_withdrawal_rec;
/* case_categories returns (new array of strings) the distinct offence
 * categories of the case's standing charges. */
SJ_MUST_USE sj_err case_categories(db_conn *c, const char *case_id, json_t **out);
/* case_offence_refusal names why offence entry off cannot be charged (issue
 * 17 item 7), or NULL: an attempted contravention ("attempt-contravention",
 * CP 116), an attempted délit no text punishes ("attempt-not-punishable", CP
 * 115: the entry's attempt_punishable), an entry not in force on the legal
 * date of facts_at ("offence-not-in-force-at-facts"; facts_at 0: unknown). */
const char *case_offence_refusal(json_t *off, bool attempted, int64_t facts_at);
/* For the capabilities of the module (charges.c): case_offence_insert
 * charges off (a catalogue entry, ref_offence_get, its law copied) in
 * case_id, its line's id into id; case_reclass sets the case's class to the
 * most serious standing charge (CP art 111) and returns it in cls_out. */
SJ_MUST_USE sj_err case_offence_insert(db_conn *c, const sj_actor *a, const char *case_id, json_t *off,
				       bool attempted, char id[ID_LEN + 1]);
SJ_MUST_USE sj_err case_reclass(db_conn *c, const char *case_id, char cls_out[CASE_STATUS_MAX]);
/* case_set_status moves the case along the legal transitions (in: a
 * case_status body): registered → under_investigation | cancelled;
 * under_investigation → cancelled; referred → closed ("referred" is set by
 * referral_create only; 409 "status-change-not-allowed"). A cancellation
 * needs a reason (422 "cancellation-needs-reason"), a chief (403
 * "cancel-needs-chief"), no custody open in the case (409
 * "case-custody-open"), and when the case has sealed PVs the prosecutor's
 * decision (in.prosecutor_ref, kept in the reason; 422
 * "cancellation-needs-prosecutor-decision"). from receives the status
 * before. *out: the case. */
SJ_MUST_USE sj_err case_set_status(db_conn *c, const sj_actor *a, const char *id, json_t *in,
				   char from[CASE_STATUS_MAX], json_t **out, const char **why);
/* case_move applies one transition to r for the capabilities of the module
 * (a referral sends the case; a PV, a custody or a seizure starts the
 * investigation), with the rules of case_set_status. */
SJ_MUST_USE sj_err case_move(db_conn *c, const sj_actor *a, const case_ref *r, const char *to, const char *reason,
			     const char **why);
/* case_mark_investigating moves a registered case to under_investigation
 * (called when a PV, a custody or a seizure is recorded); no-op otherwise. */
/* case_reopen_for_inquiry moves a referred case back under investigation
 * on the prosecutor's decision of "further inquiry" (complément d'enquête,
 * issue 17 item 1) recorded on referral referral_id; the only way back from
 * referred (the status route cannot). Other statuses: nothing. */
SJ_MUST_USE sj_err case_reopen_for_inquiry(db_conn *c, const sj_actor *a, const case_ref *r,
					   const char *referral_id);
SJ_MUST_USE sj_err case_mark_investigating(db_conn *c, const sj_actor *a, case_ref *r);
/* case_assign gives the open case to the OPJ with in's badge (an active OPJ
 * whose scope holds the case's unit: 422 "assignee-not-opj"). *out: the case. */
SJ_MUST_USE sj_err case_assign(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out,
			       const char **why);

/* --- persons in a case (case_persons.c) --- */

/* case_person_add adds a person to an open case (409 "case-not-open") from
 * in (a case_person body: role, note, and either person_id — an existing
 * person, 422 "person-not-found" otherwise — or a person written through
 * persons_upsert), then runs the hit engine on the person. A person already
 * holding that role in the case is SJ_ECONFLICT "person-role-taken". *out:
 * the person with role, note, reused, case_id and alerts.
 * Another unit's person (issue 10 item 8) is linked, never written into:
 * *out has owner_unit, not_applied (the typed fields not written) and only
 * what a person search shows; one the actor's scope has never had in a
 * case is a national look-up (lookup_link: in.purpose required
 * "purpose-required", SJ_ELIMIT "rate-limited" with *retry_s) and *out has
 * national_lookup true — the caller audits it as "case.person.lookup". */
SJ_MUST_USE sj_err case_person_add(db_conn *c, const sj_actor *a, const char *case_id, json_t *in, json_t **out,
				   const char **why, int64_t *retry_s);
/* case_person_link links a person to case r with role and note (NULL: none):
 * person_id an existing person, or person (a checked person object) written
 * through persons_upsert. *person_id_out gets the id, *reused whether an
 * existing person was found. For the capabilities of the module (a case's
 * persons, a complaint attached, a person placed in custody). */
SJ_MUST_USE sj_err case_person_link(db_conn *c, const sj_actor *a, const case_ref *r, const char *role,
				    const char *person_id, json_t *person, const char *note,
				    char person_id_out[ID_LEN + 1], bool *reused, const char **why);
/* case_person_remove takes {pid} out of case case_id — one role (in.role),
 * or every role when absent — with in.reason (a case_person_removal body),
 * kept with who and when on the link rows and in the case's history; nothing
 * is deleted. *why: "case-person-not-found" (SJ_ENOTFOUND: no such active
 * role), "case-person-in-custody" (SJ_ECONFLICT: an open custody of that
 * person in the case), "case-person-case-closed" (SJ_ECONFLICT). *out: the
 * case (amend.c). */
SJ_MUST_USE sj_err case_person_remove(db_conn *c, const sj_actor *a, const char *case_id, const char *person_id,
				      json_t *in, json_t **out, const char **why);
/* case_person_has_role: does person hold any of roles (NULL-terminated) in the case? */
SJ_MUST_USE sj_err case_person_has_role(db_conn *c, const char *case_id, const char *person_id,
					const char *const *roles, bool *has);
/* case_persons returns the persons of the case with their roles (new array). */
SJ_MUST_USE sj_err case_persons(db_conn *c, const char *case_id, json_t **out);
/* case_person_page returns the person page for the actor: the person, the
 * cases of the actor's scope it appears in with their roles (every case for
 * national roles), each with stands (false for a cancelled case or one
 * whose last referral outcome is no_further_action), and known_to_police
 * (a suspect or arrested in a case that stands: a victim or witness never
 * is; a cancelled case or a classement sans suite does not count). A person with no case in the actor's scope
 * is SJ_EFORBIDDEN for a unit role; SJ_ENOTFOUND "person-not-found". */
SJ_MUST_USE sj_err case_person_page(db_conn *c, const sj_actor *a, const char *person_id, json_t **out,
				    const char **why);

/* ------------------------------------------------------------ protected identities (protect.c) */

/* A witness's or a victim's identity protected on the case (loi 37-10, CPP
 * 82-4 to 82-10; issue 17 item 9): the decision and its pseudonym's number. */
extern const rec_desc case_protection_rec;
extern const rec_desc case_reveal_rec;
/* case_protection_add records the protection of the identity of in's
 * person_id (a witness, victim or complainant of the open case: 422
 * "protection-not-for-role") on its ground, decided at decided_at (not in
 * the future: "protection-in-future") with the authorisation of the office
 * authority_code (reference data: "protection-authority-unknown") and its
 * reference; once per person and case (409 "protection-recorded"). *out:
 * the decision with its number n, without the person. */
SJ_MUST_USE sj_err case_protection_add(db_conn *c, const sj_actor *a, const char *case_id, json_t *in,
				       json_t **out, const char **why);
/* case_protection_reveal reads the identity behind protected number n_s of
 * the case, for its OPJ or a chief of its unit only (403
 * "reveal-not-case-opj"), with in's purpose, counted on the look-up limit
 * (lookup_link: "purpose-required", SJ_ELIMIT with *retry_s); 404
 * "protection-not-found". *out: the decision with its person. The caller
 * audits it with its subject (the person's id) and the purpose. */
SJ_MUST_USE sj_err case_protection_reveal(db_conn *c, const sj_actor *a, const char *case_id, const char *n_s,
					  json_t *in, json_t **out, const char **why, int64_t *retry_s);
/* case_protected_n: the pseudonym's number of person_id in case_id, 0 when
 * the identity is not protected (either id NULL: 0). */
/* case_persons_scan reads the persons of case_id as case_persons does, the
 * protected identities included: for a scan that looks for their names in a
 * text (comms' personal-data check) and never shows them. */
SJ_MUST_USE sj_err case_persons_scan(db_conn *c, const char *case_id, json_t **out);
SJ_MUST_USE sj_err case_protected_n(db_conn *c, const char *case_id, const char *person_id, int64_t *n);

/* ------------------------------------------------------------ minor victims (case_persons.c) */

/* case_age_at: the age in whole years at instant at (legal time) of a person
 * born on birth ("YYYY-MM-DD"); -1 when birth is missing or malformed. */
int64_t case_age_at(const char *birth, int64_t at);
/* case_works: the actor works the case of unit unit_path — a writer of the
 * unit (chief, OPJ, officer) whose scope holds it. Outside the case page of
 * such a user, a minor victim's identity is masked (issue 17 item 4). */
bool case_works(const sj_actor *a, const char *unit_path);
/* case_minor_at: birth ("YYYY-MM-DD") is under the minor rule's majority age
 * (data/custody_rules.json, in force at at; 18 without one) at instant at. */
SJ_MUST_USE sj_err case_minor_at(db_conn *c, const char *birth, int64_t at, bool *minor);
/* case_person_masked: person_id is a victim, a minor at the facts, of a
 * case the actor does not work, and of none the actor works: their identity
 * is masked in what they are read through (the person page, a person
 * search). */
SJ_MUST_USE sj_err case_person_masked(db_conn *c, const sj_actor *a, const char *person_id, bool *masked);
/* case_person_mask removes the identity from p (a person or a case's person
 * as read) and marks it "masked": "minor_victim". */
void case_person_mask(json_t *p);
/* case_mask_minor_victims masks, in case k as read (its persons and
 * occurred_from), the minor victims when the actor does not work the case. */
SJ_MUST_USE sj_err case_mask_minor_victims(db_conn *c, const sj_actor *a, json_t *k, const char *unit_path);

#endif
