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
#include "auth/auth.h"
#include "cases/cases.h"
#include "core/err.h"
#include "db/db.h"

#define CUSTODY_MAX_BACKDATE_MS (48LL * 3600 * 1000)   /* an arrest recorded late */

typedef struct custody_new {
	const char *person_id;
	const char *regime;        /* ordinary | terrorism | state_security | minor */
	const char *ground;        /* the legal ground stated (loi 03.23) */
	int64_t started_at;        /* time of arrest; 0: now */
	const char *place;
	int64_t guardian_informed_at;     /* minor regime (art 460); 0: not yet */
	const char *guardian_informed_how;
} custody_new;

/* custody_open opens a custody in case r. 422 (*why) when the case's class
 * allows no custody (a contravention), no rule is in force, the person is
 * not in the case; for the minor regime (art 460) when the person's birth
 * date is unknown or shows an age at or above the rule's majority_age_years
 * at the start; for a regime whose rule says minors_allowed = false when the
 * birth date shows a person under the minor rule's majority age. 409 when
 * the person is already held in this case. The person gets the role
 * "arrested" in the case if not already. lawyer_deadline_at = start + the
 * rule's lawyer_max_hours (NULL when the rule gives none). */
SJ_MUST_USE sj_err custody_open(db_conn *c, const auth_user *u, case_ref *r, const custody_new *in,
				char id[ID_LEN + 1], const char **why);
/* custody_case_id finds the case of custody id; SJ_ENOTFOUND. */
SJ_MUST_USE sj_err custody_case_id(db_conn *c, const char *id, char case_id[ID_LEN + 1]);
/* custody_extend records an extension: authorisation_ref and _date (the
 * prosecutor's written authorisation) are required, the regime's
 * max_extensions bounds the count, the custody must still be running, and
 * when the rule says guardian_required (minor regime, art 460) the guardian
 * must have been informed (each a 422 with *why); a closed custody is 409. */
SJ_MUST_USE sj_err custody_extend(db_conn *c, const auth_user *u, const case_ref *r, const char *id,
				  const char *authorisation_ref, const char *authorisation_date,
				  const char *authorised_by, const char **why);
/* custody_update records family_informed_at (+how), lawyer_contacted_at,
 * guardian_informed_at (+how) (ms, from patch) and the prosecutor's
 * authorisation to delay the lawyer contact (lawyer_delay_ref, optional
 * lawyer_delay_date), which moves lawyer_deadline_at to start + the rule's
 * lawyer_max_hours_delayed — 422 when the case is not a crime, the rule
 * gives no delay, or the lawyer deadline has already passed. 409 once closed. */
SJ_MUST_USE sj_err custody_update(db_conn *c, const auth_user *u, const case_ref *r, const char *id,
				  json_t *patch, const char **why);
/* custody_close ends it: end_kind "released" | "presented", at (0: now). */
SJ_MUST_USE sj_err custody_close(db_conn *c, const auth_user *u, const case_ref *r, const char *id,
				 const char *end_kind, int64_t at, const char *note, const char **why);
/* custody_get returns one custody (with its extensions, time_left_ms and
 * overdue computed at clock_now_ms()) as a new object. Every custody row
 * also carries lawyer_deadline (ms or null), lawyer_overdue (not contacted
 * and the lawyer deadline passed: now, or the end for a closed custody),
 * lawyer_contacted_late, family_pending (family not informed) and
 * guardian_pending (the rule requires the guardian and none is recorded). */
SJ_MUST_USE sj_err custody_get(db_conn *c, const char *id, json_t **out);
/* custody_list_case returns a case's custodies as a new array. */
SJ_MUST_USE sj_err custody_list_case(db_conn *c, const char *case_id, json_t **out);
/* custody_deadlines returns open custodies in scope_path (all when NULL),
 * soonest deadline first, each with time_left_ms and overdue. */
SJ_MUST_USE sj_err custody_deadlines(db_conn *c, const char *scope_path, json_t **out);
/* custody_register returns every custody of unit_id, newest first (paged). */
SJ_MUST_USE sj_err custody_register(db_conn *c, const char *unit_id, int limit, int64_t offset, json_t **out);
/* custody_daily returns the persons held at any time in [from, to) in
 * unit_id: the daily list for the prosecutor. */
SJ_MUST_USE sj_err custody_daily(db_conn *c, const char *unit_id, int64_t from, int64_t to, json_t **out);
/* custody_open_count counts the case's open custodies. */
SJ_MUST_USE sj_err custody_open_count(db_conn *c, const char *case_id, int64_t *n);

#endif
