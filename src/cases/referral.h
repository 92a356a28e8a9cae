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
#include "cases/cases.h"
#include "core/actor.h"
#include "core/buf.h"
#include "core/err.h"
#include "db/db.h"

/* The referral (the body of POST /cases/{id}/referral: an office and an
 * override reason; the row as read) and the outcome command. */
extern const rec_desc referral_rec, referral_outcome_rec, referral_competent_rec;
extern const rec_enum referral_outcomes;

/* referral_create sends case case_id (under investigation: 409
 * "referral-needs-investigation"; nobody still in custody: 409
 * "referral-custody-open"; no sealed PV: 422 "referral-no-sealed-pv"; drafts
 * left out without in's drafts_reason: 422 "referral-drafts-need-reason", the
 * reason and their numbers travel in the bundle) to the competent office, or to in's office (422
 * "office-not-found"; a different office than the derived one needs
 * override_reason: 422 "office-override-needs-reason"; no competent office
 * known: 422 "office-unknown-for-unit"). After a "further inquiry" the new
 * referral is supplementary: supplementary_of names the one sent back (and
 * the bundle its transmission number). *out: the referral. */
SJ_MUST_USE sj_err referral_create(db_conn *c, const sj_actor *a, const char *case_id, json_t *in, json_t **out,
				   const char **why);
/* referral_get returns the referral (with its bundle when with_bundle) as a
 * new object; no scope check. */
SJ_MUST_USE sj_err referral_get(db_conn *c, const char *id, bool with_bundle, json_t **out);
/* referral_read returns referral id for the actor: SJ_ENOTFOUND
 * "referral-not-found", SJ_EFORBIDDEN. */
SJ_MUST_USE sj_err referral_read(db_conn *c, const sj_actor *a, const char *id, bool with_bundle, json_t **out,
				 const char **why);
/* referral_print renders the bundle of referral id for the actor as the
 * printable document (HTML, into html: a buf the caller initialised). */
SJ_MUST_USE sj_err referral_print(db_conn *c, const sj_actor *a, const char *id, buf *html, const char **why);
/* referral_list_case returns the case's referrals (no bundles). */
SJ_MUST_USE sj_err referral_list_case(db_conn *c, const char *case_id, json_t **out);
/* referral_competent returns (new object, caller decrefs) the office a
 * referral of case case_id would go to without an override — {case_id,
 * derived_kind "ca"|"tpi", office {code, kind, name_fr, name_ar} or null} —
 * so the OPJ sees the competent parquet before sending (amend.c). */
SJ_MUST_USE sj_err referral_competent(db_conn *c, const sj_actor *a, const char *case_id, json_t **out,
				      const char **why);
/* referral_outcome records the prosecution's decision once from in (a
 * referral_outcome body; 409 "outcome-already-recorded" after); "further
 * inquiry" (complément d'enquête) moves the case back under investigation
 * (case_reopen_for_inquiry). */
SJ_MUST_USE sj_err referral_outcome(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out,
				    const char **why);

#endif
