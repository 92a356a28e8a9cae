/* referral.h — sending the case to the competent prosecution (loi 22-01 art
 * 23): the procureur du Roi at the tribunal de première instance (TPI) for
 * délits and contraventions, the procureur général du Roi at the cour
 * d'appel (CA) for crimes — derived from the case's class, overridable with a
 * reason. The bundle (case, offences, persons, sealed PVs, custodies,
 * seizures) is frozen as canonical JSON with its hash, under a transmission
 * number; the outcome is recorded when it comes back.
 */
#ifndef SJ_REFERRAL_H
#define SJ_REFERRAL_H

#include <jansson.h>
#include "auth/auth.h"
#include "cases/cases.h"
#include "core/err.h"
#include "db/db.h"

/* referral_create sends case r (under investigation, nobody still in
 * custody: 409) to the competent office, or to office_code (a different
 * office than the derived one needs override_reason: 422). */
SJ_MUST_USE sj_err referral_create(db_conn *c, const auth_user *u, case_ref *r, const char *office_code,
				   const char *override_reason, char id[ID_LEN + 1],
				   char transmission_no[CASE_NUMBER_MAX + 1], const char **why);
/* referral_case_id finds the case of referral id; SJ_ENOTFOUND. */
SJ_MUST_USE sj_err referral_case_id(db_conn *c, const char *id, char case_id[ID_LEN + 1]);
/* referral_get returns the referral with its bundle as a new object. */
SJ_MUST_USE sj_err referral_get(db_conn *c, const char *id, bool with_bundle, json_t **out);
/* referral_list_case returns the case's referrals (no bundles). */
SJ_MUST_USE sj_err referral_list_case(db_conn *c, const char *case_id, json_t **out);
/* referral_competent returns (new object, caller decrefs) the office a
 * referral of the case would go to without an override — {case_id,
 * derived_kind "ca"|"tpi", office {code, kind, name_fr, name_ar} or null} —
 * so the OPJ sees the competent parquet before sending (amend.c). */
SJ_MUST_USE sj_err referral_competent(db_conn *c, const case_ref *r, json_t **out);
/* referral_outcome records the prosecution's decision once (409 after). */
SJ_MUST_USE sj_err referral_outcome(db_conn *c, const auth_user *u, const case_ref *r, const char *id,
				    const char *outcome, const char *note, const char **why);

#endif
