/* procedure.h — the rest of judicial police procedure (issue 17): what a
 * judicial police unit records between the complaint and the referral that
 * the case chain itself does not.
 *
 * - The prosecutor's loop (CPP 23, 40, 49; prosecutor.c): the avis — the
 *   notice to the competent prosecutor that a crime or délit was opened, its
 *   time and means — and the prosecutor's instructions on the case (who,
 *   when, what: arrest, search, expertise, release, present the person) with
 *   their execution.
 * - The legal custody register (CPP 66, décret 2.22.222; register.c): per
 *   custody, each questioning session's start and end, the rest periods,
 *   meals, the medical examination, the lawyer's confidential visit (at most
 *   PROC_LAWYER_VISIT_MAX_MIN minutes, art 66 §4) and the family's; the
 *   register of a unit printable in the legal form in Arabic and French.
 * - Rights notified (CPP 66 §3, 67; rights.c): the reasons for the arrest,
 *   the right to silence, to a lawyer, to inform the family, to an
 *   interpreter, to a medical examination — each with the time notified, the
 *   language, the person's signature or the refusal and its reason. A custody
 *   PV is sealed only when every right was notified (pv.c asks
 *   proc_rights_missing).
 * - The main courante (courante.c): the unit's daily log — written
 *   automatically where the system knows (custody.c writes a custody's start
 *   and end through proc_courante_auto) and by hand — closed and sealed once
 *   the legal day is over, signed with the sealer's key like a PV.
 *
 * Every function works inside the caller's transaction (a write transaction
 * for the writes); the caller appends the audit entry in the same one.
 * Tables (the only SQL on them is here): proc_avis, proc_instructions,
 * custody_rights_notices, custody_sessions, main_courante,
 * main_courante_days, proc_minor_rules, proc_minor_officers.
 */
#ifndef SJ_PROCEDURE_H
#define SJ_PROCEDURE_H

#include <jansson.h>
#include <stdint.h>
#include "core/actor.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/record.h"
#include "db/db.h"

#define PROC_LAWYER_VISIT_MAX_MIN 30     /* the lawyer's confidential visit (CPP 66 §4) */
#define PROC_MAX_LINES            5000   /* lines of one day's main courante */
#define PROC_COURANTE_CONTEXT     "sijill-courante-v1|"

extern const rec_desc proc_avis_rec, proc_instruction_rec, proc_execution_rec, proc_case_rec;
extern const rec_desc proc_right_rec, proc_session_rec, proc_register_entry_rec;
extern const rec_desc proc_line_rec, proc_day_rec, proc_day_seal_rec;

/* --- the prosecutor's loop (prosecutor.c) --- */

/* proc_avis_add records the notice to the prosecutor of open case case_id
 * (409 "case-not-open") from in (an avis body: notified_at — not in the
 * future, not before the case was opened: 422 "proc-time-in-future",
 * "proc-time-before-case" — means, recipient, reference); a contravention
 * needs none (422 "avis-not-for-contravention"). *out: the case's
 * procedure (proc_case_read). */
SJ_MUST_USE sj_err proc_avis_add(db_conn *c, const sj_actor *a, const char *case_id, json_t *in, json_t **out,
				 const char **why);
/* proc_instruction_add records an instruction of the prosecutor on open
 * case case_id from in (given_at, given_by, kind, text, person_id — a
 * person of the case: 422 "proc-person-not-in-case"). *out: the case's
 * procedure. */
SJ_MUST_USE sj_err proc_instruction_add(db_conn *c, const sj_actor *a, const char *case_id, json_t *in,
					json_t **out, const char **why);
/* proc_instruction_execute records the execution of instruction
 * in.instruction_id of case case_id (422 "instruction-not-found", 409
 * "instruction-executed"): executed_at (absent: now; not in the future, not
 * before the instruction was given: "proc-time-before-instruction"), note.
 * *out: the case's procedure. */
SJ_MUST_USE sj_err proc_instruction_execute(db_conn *c, const sj_actor *a, const char *case_id, json_t *in,
					    json_t **out, const char **why);
/* proc_case_read returns {case_id, avis: [...], instructions: [...],
 * avis_overdue} for the actor (the case readable): avis_overdue is true for
 * a crime or délit opened more than PROC_AVIS_DELAY_MS ago without an avis. */
SJ_MUST_USE sj_err proc_case_read(db_conn *c, const sj_actor *a, const char *case_id, json_t **out,
				  const char **why);
#define PROC_AVIS_DELAY_MS (24LL * 3600 * 1000)   /* "at once" (CPP 23): flagged after a day */

/* --- the grounds of art 66-1 (grounds.c) --- */

extern const rec_desc proc_ground_rec, proc_grounds_rec;
/* proc_grounds_load loads the "grounds" of data/custody_rules.json (code,
 * labels, confidence; in force from grounds_effective_from) once per code. */
SJ_MUST_USE sj_err proc_grounds_load(db_conn *c, json_t *root, int *added);
/* proc_ground_get returns the ground with that code (new object);
 * SJ_ENOTFOUND. */
SJ_MUST_USE sj_err proc_ground_get(db_conn *c, const char *code, json_t **out);
/* proc_grounds_required_at sets *required when a custody started at at
 * must name a ground of the list: its legal date is on or after the list's
 * effective date (loi 03.23: 2025-12-08, data); no list loaded: false. */
SJ_MUST_USE sj_err proc_grounds_required_at(db_conn *c, int64_t at, bool *required);
/* proc_ground_check checks a custody's ground_code code (NULL: none given)
 * for a custody started at start: 422 "custody-ground-unknown" for a code
 * not in the list, "custody-ground-required" for none once the list is in
 * force (proc_grounds_required_at). */
SJ_MUST_USE sj_err proc_ground_check(db_conn *c, const char *code, int64_t start, const char **why);
/* proc_grounds_list returns {"grounds": [...]} by code. */
SJ_MUST_USE sj_err proc_grounds_list(db_conn *c, json_t **out);

/* --- the minors' procedure (minors.c; CPP 458–460) --- */

/* What the minor rule in force requires of a retention (data/custody_rules.json,
 * by the custody rule's code); found false: no such rule, nothing required. */
typedef struct proc_minor_rule_t {
	bool found;
	bool specialised_opj;        /* an OPJ charged with minors (proc_minor_officers) */
	bool prosecutor_agreement;   /* the prosecutor's agreement, its reference and time */
	bool separate_place;         /* a place reserved for minors, apart from adults */
	bool guardian_at_hearings;   /* the guardian present at each questioning */
} proc_minor_rule_t;

extern const rec_desc proc_minor_officer_rec;
extern const rec_desc proc_minor_officers_rec;
/* proc_minor_officers_list: the OPJs charged with minors of the actor's
 * scope (every unit for a national actor), {"officers": [...]}. */
SJ_MUST_USE sj_err proc_minor_officers_list(db_conn *c, const sj_actor *a, json_t **out);
/* proc_minor_rules_load loads what each minor rule of custody_rules.json
 * (root) requires, once per rule code; SJ_EINVAL on a malformed flag. */
SJ_MUST_USE sj_err proc_minor_rules_load(db_conn *c, json_t *root, int *added);
/* proc_minor_rule fills *out for the custody rule with code rule_code
 * (NULL or unknown: found = false). */
SJ_MUST_USE sj_err proc_minor_rule(db_conn *c, const char *rule_code, proc_minor_rule_t *out);
/* proc_minor_check applies the minor rule rule_code to a retention opened
 * by the actor at start from in (a custody body): 403 "opj-minors-required"
 * when the rule wants an OPJ charged with minors and the actor was not
 * designated on the start's legal date; 422 "custody-minor-needs-agreement"
 * without prosecutor_agreement_ref and _at (not in the future:
 * "proc-time-in-future"); 422 "custody-minor-place" without place and
 * place_for_minors true. Called by custody_open for the minor regime. */
SJ_MUST_USE sj_err proc_minor_check(db_conn *c, const sj_actor *a, const char *rule_code, json_t *in, int64_t start,
				    const char **why);
/* proc_minor_officer_add records (administrator) that the user with that
 * badge (404 "user-not-found"; an OPJ: 422 "minors-officer-not-opj") is
 * charged with minors since in.since (not after today: 422
 * "proc-time-in-future") by decision in.decision_ref; once (409
 * "minors-officer-recorded"). *out: the designation. */
SJ_MUST_USE sj_err proc_minor_officer_add(db_conn *c, const sj_actor *a, const char *badge, json_t *in,
					  json_t **out, const char **why);

/* --- summons and warrants (summons.c) --- */

extern const rec_desc proc_summons_rec, proc_summons_outcome_rec;
/* proc_summons_add records a convocation (summoned_for required) or a
 * warrant received from a magistrate (mandat d'amener, d'arrêt, de
 * recherche: authority, order_reference, order_date required — field
 * errors) for a person of open case case_id (422 "proc-person-not-in-case");
 * the authority is an office of the reference data (422
 * "warrant-authority-unknown"), the order not dated after today (422
 * "proc-time-in-future"). *out: the case's procedure. */
SJ_MUST_USE sj_err proc_summons_add(db_conn *c, const sj_actor *a, const char *case_id, json_t *in, json_t **out,
				    const char **why);
/* proc_summons_outcome records what came of in.summons_id (422
 * "summons-not-found"): a convocation served (served_how required: 422
 * "summons-served-how"), attended or absent; a warrant executed (any other
 * status: 422 "summons-outcome-not-for-kind"); once closed 409
 * "summons-closed"; at not before it was recorded ("proc-time-before-summons"). */
SJ_MUST_USE sj_err proc_summons_outcome(db_conn *c, const sj_actor *a, const char *case_id, json_t *in,
					json_t **out, const char **why);
/* proc_summons_list returns the case's summons and warrants (new array). */
SJ_MUST_USE sj_err proc_summons_list(db_conn *c, const char *case_id, json_t **out);

/* --- rights notified (rights.c) --- */

/* proc_rights_notify records one right notified (in: a proc_right body —
 * right_kind, notified_at, language, signed_by_person, refusal_reason) to
 * the person held in custody id (its case writable; 409 "custody-ended" once closed):
 * not in the future, not before the arrest (422 "proc-time-in-future",
 * "proc-time-before-arrest"), signed or refused with a reason (422
 * "right-refusal-needs-reason"), a right once only (409
 * "right-already-notified"). *out: the register entry
 * (proc_register_entry). */
SJ_MUST_USE sj_err proc_rights_notify(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out,
				      const char **why);
/* proc_rights_missing sets *missing to the number of rights of the list
 * (reasons, silence, lawyer, family, interpreter, medical) not yet notified
 * in custody custody_id. */
SJ_MUST_USE sj_err proc_rights_missing(db_conn *c, const char *custody_id, int64_t *missing);

/* --- the custody register (register.c) --- */

/* proc_session_add records a period of custody id from in (kind, started_at,
 * ended_at, note): within the custody (422 "proc-time-before-arrest",
 * "proc-time-in-future", "session-after-end"), ended after started (422
 * "session-ends-before-start"), a lawyer's visit at most
 * PROC_LAWYER_VISIT_MAX_MIN minutes (422 "lawyer-visit-too-long"), a
 * questioning session never overlapping another questioning or a rest
 * (409 "session-overlap"). *out: the register entry. */
SJ_MUST_USE sj_err proc_session_add(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out,
				    const char **why);
/* proc_register_entry returns custody id's page of the register (the
 * custody as read, its sessions and rights, rights_missing) for the actor:
 * SJ_ENOTFOUND "custody-not-found", SJ_EFORBIDDEN. */
SJ_MUST_USE sj_err proc_register_entry(db_conn *c, const sj_actor *a, const char *id, json_t **out,
				       const char **why);
/* proc_register_print renders the custody register of the unit with code
 * unit_code (every custody started in year, numbered pages, one per person
 * held) in the legal form, Arabic and French, into html (a buf the caller
 * initialised). SJ_ENOTFOUND "unit-not-found", SJ_EFORBIDDEN. */
SJ_MUST_USE sj_err proc_register_print(db_conn *c, const sj_actor *a, const char *unit_code, buf *html,
				       const char **why);

extern const rec_desc proc_visa_rec, proc_visas_rec;
/* proc_visa_add records the prosecutor's visa of the custody register of
 * the unit with code unit_code (a writer of it): visited_at (not in the
 * future), magistrate, office_code (an office of the reference data: 422
 * "visa-office-unknown"), observations; the visa covers the pages written so
 * far (last_page). *out: {"visas": [...]}, printed at the register's end. */
SJ_MUST_USE sj_err proc_visa_add(db_conn *c, const sj_actor *a, const char *unit_code, json_t *in, json_t **out,
				 const char **why);
/* proc_visas returns {"visas": [...]} of unit unit_id, oldest first. */
SJ_MUST_USE sj_err proc_visas(db_conn *c, const char *unit_id, json_t **out);

/* --- the main courante (courante.c) --- */

/* proc_courante_auto writes a line the system knows of (kind, at, text, the
 * record ref_id) to unit_id's main courante of the legal day the line is
 * recorded on (now). Used by custody.c; a line never fails a write for want
 * of an open day (the day recorded is today, which is never sealed). */
SJ_MUST_USE sj_err proc_courante_auto(db_conn *c, const sj_actor *a, const char *unit_id, const char *kind,
				      int64_t at, const char *text, const char *ref_id);
/* proc_courante_add writes a line by hand (kind, at — today's legal day,
 * not in the future: 422 "line-not-today", "proc-time-in-future" — text)
 * to the main courante of the unit with code unit_code (a writer of it).
 * *out: the day (proc_courante_day). */
SJ_MUST_USE sj_err proc_courante_add(db_conn *c, const sj_actor *a, const char *unit_code, json_t *in,
				     json_t **out, const char **why);
/* proc_courante_day returns the day date ("YYYY-MM-DD", NULL: today) of
 * the unit's main courante: {unit, day, status "open"|"sealed", lines (in
 * order of time, numbered), sealed_at, sealed_by, hash, verified}. */
SJ_MUST_USE sj_err proc_courante_day(db_conn *c, const sj_actor *a, const char *unit_code, const char *date,
				     json_t **out, const char **why);
/* proc_courante_seal closes and seals day in.day of the unit's main
 * courante: the legal day must be over (409 "courante-day-not-over"), once
 * (409 "courante-day-sealed"); the lines frozen as canonical JSON, hashed
 * and signed with the actor's key (PROC_COURANTE_CONTEXT). *out: the day. */
SJ_MUST_USE sj_err proc_courante_seal(db_conn *c, const sj_actor *a, const char *unit_code, json_t *in,
				      json_t **out, const char **why);
/* proc_courante_print renders the day as the printable bilingual document. */
SJ_MUST_USE sj_err proc_courante_print(db_conn *c, const sj_actor *a, const char *unit_code, const char *date,
				       buf *html, const char **why);

/* --- retention (retention.c) --- */

extern const rec_desc proc_tombstone_rec, proc_retention_run_rec;
/* proc_retention_load_rules loads data/retention.json (rules by record kind
 * "custody_register" | "main_courante", keep_days, effective_from) once per
 * code; *added: rules read. SJ_EINVAL on a malformed rule. */
SJ_MUST_USE sj_err proc_retention_load_rules(db_conn *c, json_t *root, int *added);
/* proc_retention_run purges, under every rule in force today, what is past
 * its time: the register periods and rights of a custody ended more than
 * keep_days ago, the lines (and the sealed content) of a main courante day
 * older than keep_days — never a PV, a custody or a case (their module's) —
 * each leaving a row of retention_tombstones (rule, rows, the digest of the
 * rows as they were). *out: {at, purged: [tombstones]} for the caller's
 * audit entry. The daily job calls it (POST /api/v1/retention/run). */
SJ_MUST_USE sj_err proc_retention_run(db_conn *c, const sj_actor *a, json_t **out);

extern const rec_desc proc_retention_part_rec, proc_person_retention_rec;
/* proc_retention_for_person returns when each part of the record of person
 * person_id goes (the person readable by the actor: case_person_page's
 * refusals): {person_id, parts: [{kind "custody_register", custody_id,
 * case_number, ended_at, rule_code, keep_days, uncertain, goes_at (null
 * while the custody is open), purged_at (once gone)}], kept: what the job
 * never purges}. The shortest custody_register rule in force applies (the
 * job applies every rule in force). */
SJ_MUST_USE sj_err proc_retention_for_person(db_conn *c, const sj_actor *a, const char *person_id, json_t **out,
					     const char **why);
#define PROC_RETENTION_HOUR   1    /* the daily run starts after 01:00 legal time */
#define PROC_RETENTION_POLL_S 60   /* the job looks every minute whether today's run is due */
/* proc_retention_daily runs today's retention once per legal day (claimed in
 * retention_job_runs, so several processes on one database run it once),
 * from PROC_RETENTION_HOUR legal time on, as the system: *ran says whether
 * it ran now; *out (new object or NULL) is proc_retention_run's answer. A
 * purge appends its audit entry (action "retention.run", every tombstone)
 * in the same transaction. */
SJ_MUST_USE sj_err proc_retention_daily(db_conn *c, bool *ran, json_t **out);
/* proc_retention_job_start starts the daily job of `sijill serve`
 * (retention_job.c): a round every PROC_RETENTION_POLL_S seconds, each in
 * its own write transaction; proc_retention_job_wake runs a round at once
 * (the test clock moved); proc_retention_job_stop joins it. */
SJ_MUST_USE sj_err proc_retention_job_start(db *d);
void proc_retention_job_wake(void);
void proc_retention_job_stop(void);

/* --- inside the module --- */

/* proc_time_ok checks a typed time t against [lo, now]: *why
 * "proc-time-in-future" or before_lo_why. */
bool proc_time_ok(int64_t t, int64_t lo, const char *before_lo_why, const char **why);
/* proc_html_esc appends s HTML-escaped (NULL: nothing). */
SJ_MUST_USE sj_err proc_html_esc(buf *b, const char *s);

#endif
