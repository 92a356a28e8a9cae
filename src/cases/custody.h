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
 * The person gets the role "arrested" in the case if not already.
 * lawyer_deadline_at = start + the rule's lawyer_max_hours (NULL when the
 * rule gives none). *out: the custody. */
SJ_MUST_USE sj_err custody_open(db_conn *c, const sj_actor *a, const char *case_id, json_t *in, json_t **out,
				const char **why);
/* custody_extend records an extension from in (an extension body):
 * authorisation_ref and _date (the prosecutor's written authorisation) are
 * required ("extension-needs-authorisation"), the regime's max_extensions
 * bounds the count ("extension-not-allowed", "extension-limit-reached"), the
 * custody must still be running ("custody-deadline-passed"), and when the
 * rule says guardian_required (minor regime, art 460) the guardian must have
 * been informed ("extension-needs-guardian") — each a 422; a closed custody
 * is 409 "custody-ended". *out: the custody. */
SJ_MUST_USE sj_err custody_extend(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out,
				  const char **why);
/* custody_update records from patch (a custody_rights body)
 * family_informed_at (+how), lawyer_contacted_at, guardian_informed_at
 * (+how) and the prosecutor's authorisation to delay the lawyer contact
 * (lawyer_delay_ref, optional lawyer_delay_date), which moves
 * lawyer_deadline_at to start + the rule's lawyer_max_hours_delayed — 422
 * when the rule gives no delay ("lawyer-delay-no-rule"), the case is not a
 * crime ("lawyer-delay-crime-only"), or the lawyer deadline has already
 * passed ("lawyer-delay-too-late"). 409 "custody-ended" once closed. */
SJ_MUST_USE sj_err custody_update(db_conn *c, const sj_actor *a, const char *id, json_t *patch, json_t **out,
				  const char **why);
/* custody_close ends it from in (a custody_end body): end "released" |
 * "presented", at (absent: now; between the arrest and now, 422
 * "custody-end-out-of-range"), note. 409 "custody-ended". */
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
