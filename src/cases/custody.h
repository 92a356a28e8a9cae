/* custody.h — garde à vue (الحراسة النظرية), loi 22-01 arts 66 and 80 as
 * amended by loi 03.23: opened by an OPJ for a person of a case with a legal
 * ground and a regime; the deadline comes from the custody rule in force at
 * the custody's start (refdata: rules with effective dates); an extension
 * needs the prosecutor's written authorisation and stays within the regime's
 * limits; family informed, lawyer contacted; ended by release or presentation
 * to the prosecutor. The register, the deadlines view and the daily list of
 * persons held are read from the same rows.
 */
#ifndef SJ_CUSTODY_H
#define SJ_CUSTODY_H

#include <jansson.h>
#include "cases/cases.h"
#include "core/actor.h"
#include "core/buf.h"
#include "core/err.h"
#include "db/db.h"

#define CUSTODY_MAX_BACKDATE_MS (48LL * 3600 * 1000)   /* an arrest recorded late */

/* The custody (as opened and read, with its rule's figures and the rights
 * flags), an extension (the body of POST /custody/{id}/extensions and its
 * row), the rights a patch records (family, lawyer, guardian, the lawyer's
 * delay), the end, and the lists' answers. */
extern const rec_desc custody_rec, custody_extension_rec, custody_rights_rec, custody_end_rec,
	custody_deadlines_rec, custody_register_rec, custody_daily_rec;

/* custody_open opens a custody in open case case_id for the actor (an OPJ)
 * from in (a custody body). 422 with *why when the case's class allows no
 * custody (a contravention, "custody-rule-not-applicable"), no rule is in
 * force ("custody-no-rule"), the person is not in the case
 * ("custody-person-not-in-case"), the arrest time is outside the last 48
 * hours or in the future ("custody-start-out-of-range"); for the minor
 * regime (art 460) when the person's birth date is unknown
 * ("custody-minor-needs-birth-date") or shows an age at or above the rule's
 * majority_age_years at the start ("custody-not-a-minor"); for a regime
 * whose rule says minors_allowed = false when the birth date shows a person
 * under the minor rule's majority age ("custody-minor-regime-required").
 * 409 "custody-already-open" when the person is already held in this case.
 * Issue 17: ground_code names a ground of the art 66-1 list (reference data;
 * 422 "custody-ground-unknown"), required for a custody started since the
 * list is in force ("custody-ground-required", loi 03.23: data); the
 * condition on entry is required (condition_on_entry, a field error); a
 * minor's retention needs what the minor rule requires (proc_minor_check:
 * 403 "opj-minors-required", 422 "custody-minor-needs-agreement",
 * "custody-minor-place"); only a suspect is held (422
 * "custody-not-a-suspect"); the time already held by the person in the case
 * counts against the initial period (422 "custody-maximum-used" when none
 * is left); the start writes a line of the main courante.
 * Issue 11: the rule must apply to the case's class in every regime
 * ("custody-rule-not-applicable": loi 03.23's limits, and no custody for a
 * contravention under the 2003 rules either) and, for a regime listing
 * offence categories (terrorism, state security), to one standing charge
 * ("custody-regime-not-for-offences"); a person under the minor rule's
 * min_age_years is never held ("custody-under-criminal-age", CP 138) and a
 * minor only under the minor regime (ordinary's minors_allowed = false).
 * The rule is the one in force at the start unless the law changed between
 * the start and the recording: then the rule in force when recorded. The
 * custody keeps why (class, offences, categories, age, frame,
 * rule_chosen_at) and reads with rule {code, version, regime, source,
 * confidence, uncertain}. Under a rogatory commission (the rule's
 * frame_rules.rogatory, CPP 138–139) the commission must be on the case
 * ("custody-needs-rogatory-commission"); why gains presented_to,
 * extension_by and the commission, and authority says who decides an
 * extension ("juge_instruction"; otherwise "procureur").
 * The person gets the role "arrested" in the case if not already.
 * lawyer_deadline_at = start + the rule's lawyer_max_hours (NULL when the
 * rule gives none). *out: the custody. */
SJ_MUST_USE sj_err custody_open(db_conn *c, const sj_actor *a, const char *case_id, json_t *in, json_t **out,
				const char **why);
/* custody_allowed_regimes returns (new array of regime names) the regimes
 * whose rule in force now applies to the standing charges of case case_id
 * of class cls (the class limits of every regime, the offence categories of
 * terrorism and state security): what the UI offers (issue 11 item 1). */
SJ_MUST_USE sj_err custody_allowed_regimes(db_conn *c, const char *case_id, const char *cls, json_t **out);
/* custody_extend records an extension from in (an extension body):
 * authorisation_ref and _date (the prosecutor's written authorisation) are
 * required ("extension-needs-authorisation"), the regime's max_extensions
 * bounds the count ("extension-not-allowed", "extension-limit-reached"), the
 * custody must still be running ("custody-deadline-passed"), and when the
 * rule says guardian_required (minor regime, art 460) the guardian must have
 * been informed ("extension-needs-guardian"); under a rogatory commission
 * the juge d'instruction's decision names him in authorised_by
 * ("extension-needs-judge-decision") — each a 422; a closed custody
 * is 409 "custody-ended". *out: the custody. */
SJ_MUST_USE sj_err custody_extend(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out,
				  const char **why);
/* custody_update records from patch (a custody_rights body) — each typed
 * time not after now ("custody-time-in-future"), not before the arrest
 * ("custody-time-before-arrest"), never rewritten once recorded (409
 * "custody-time-recorded") unless correction_reason is given (a row of
 * custody_corrections keeps old, new and reason) — 
 * family_informed_at (+how), lawyer_contacted_at, guardian_informed_at
 * (+how) and the prosecutor's authorisation to delay the lawyer contact
 * (lawyer_delay_ref, optional lawyer_delay_date), which moves
 * lawyer_deadline_at to start + the rule's lawyer_max_hours_delayed — 422
 * when the rule gives no delay ("lawyer-delay-no-rule"), the case's class is
 * not one the rule lets the prosecutor delay for ("lawyer-delay-crime-only";
 * terrorism: any class), 403 "opj-required" for an actor without OPJ
 * status, 409 "lawyer-delay-recorded" for a second one, or the lawyer deadline has already
 * passed ("lawyer-delay-too-late"). 409 "custody-ended" once closed. */
SJ_MUST_USE sj_err custody_update(db_conn *c, const sj_actor *a, const char *id, json_t *patch, json_t **out,
				  const char **why);
/* custody_close ends it from in (a custody_end body): end "released" |
 * "presented", condition_on_exit (required: the register and the custody
 * PV state it, issue 17 item 2), at (absent: now; between the arrest and now, 422
 * "custody-end-out-of-range"), note. 409 "custody-ended". The time the
 * system recorded the end is kept (close_recorded_at): a read shows
 * closed_late and overdue when either it or the typed end passed the
 * deadline. */
SJ_MUST_USE sj_err custody_close(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out,
				 const char **why);
/* custody_get returns one custody (with its extensions, time_left_ms and
 * overdue computed at clock_now_ms()) as a new object. Every custody row
 * also carries lawyer_deadline (ms or null), lawyer_overdue (not contacted
 * and the lawyer deadline passed: now, or the end for a closed custody),
 * lawyer_contacted_late, family_pending (family not informed) and
 * guardian_pending (the rule requires the guardian and none is recorded). */
SJ_MUST_USE sj_err custody_get(db_conn *c, const char *id, json_t **out);
/* custody_read returns custody id for the actor (its case readable):
 * SJ_ENOTFOUND "custody-not-found", SJ_EFORBIDDEN. */
SJ_MUST_USE sj_err custody_read(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why);
/* custody_list_case returns a case's custodies as a new array. */
SJ_MUST_USE sj_err custody_list_case(db_conn *c, const char *case_id, json_t **out);
/* custody_deadlines returns the open custodies of the actor's scope (all
 * for national roles), soonest deadline first, each with time_left_ms and
 * overdue, and the counts: {"now", "overdue", "lawyer_overdue",
 * "family_pending", "guardian_pending", "custodies"}. */
SJ_MUST_USE sj_err custody_deadlines(db_conn *c, const sj_actor *a, json_t **out);
/* custody_register returns {"unit", "custodies"}: every custody of the unit
 * with that code, newest first (paged); SJ_ENOTFOUND "unit-not-found",
 * SJ_EFORBIDDEN outside the actor's scope. */
SJ_MUST_USE sj_err custody_register(db_conn *c, const sj_actor *a, const char *unit_code, int limit, int64_t offset,
				    json_t **out, const char **why);
/* custody_daily returns the daily list for the prosecutor: the persons held
 * at any time on legal day date ("YYYY-MM-DD"; NULL: today) in the unit with
 * that code, from 00:00 to the next 00:00 in legal time (a day of 23 or 25
 * hours when the legal offset changes): {"unit", "unit_name_fr",
 * "unit_name_ar", "from", "to", "held"}. SJ_EINVAL "bad-date", as
 * custody_register otherwise. */
SJ_MUST_USE sj_err custody_daily(db_conn *c, const sj_actor *a, const char *unit_code, const char *date,
				 json_t **out, const char **why);
/* custody_daily_print renders the daily list as the printable document
 * (HTML, into html: a buf the caller initialised and frees). */
SJ_MUST_USE sj_err custody_daily_print(db_conn *c, const sj_actor *a, const char *unit_code, const char *date,
				       buf *html, const char **why);
/* custody_open_count counts the case's open custodies. */
SJ_MUST_USE sj_err custody_open_count(db_conn *c, const char *case_id, int64_t *n);
/* custody_in_case sets *yes when custody id belongs to case case_id. */
SJ_MUST_USE sj_err custody_in_case(db_conn *c, const char *id, const char *case_id, bool *yes);
/* custody_for_pv returns what a sealed PV states of custody id (regime,
 * ground, arrested_at, deadline_at, extensions, family_informed_at,
 * lawyer_contacted_at, ended_at, end_kind) as a new object. */
SJ_MUST_USE sj_err custody_for_pv(db_conn *c, const char *id, json_t **out);

#endif
