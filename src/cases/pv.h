/* pv.h — procès-verbaux (محاضر): drafted, then sealed by an OPJ and
 * immutable from then on (art 67 of loi 22-01 lists what a PV must state;
 * art 289: a PV is valid only if correct in form).
 *
 * Sealing freezes the PV's content as canonical JSON (sorted keys, compact),
 * hashes it (BLAKE2b-256) and signs "sijill-pv-v1|<hash hex>" with the OPJ's
 * Ed25519 key. Each OPJ gets a keypair on first seal; its secret seed is kept
 * in opj_keys sealed with crypto_secretbox under the server's PV wrapping key
 * (a file next to the audit key, see pv_key_load_or_create). A correction is
 * a new PV whose corrects_id names the old one.
 */
#ifndef SJ_PV_H
#define SJ_PV_H

#include <jansson.h>
#include <stdbool.h>
#include "cases/cases.h"
#include "core/actor.h"
#include "core/buf.h"
#include "core/err.h"
#include "db/db.h"

#define PV_SEARCH_FROM_HOUR 6    /* legal hours of a search, legal time (CPP 62) */
#define PV_SEARCH_TO_HOUR   21
/* pv_key_load_or_create reads the 32-byte wrapping key (hex) at path,
 * creating it (mode 0600) when create is true and it is missing. Sealing
 * fails with SJ_ECRYPTO until a key is loaded. */
SJ_MUST_USE sj_err pv_key_load_or_create(const char *path, bool create);

/* The PV as drafted and read (pv), a PV in a case's list or a bundle
 * (pv_summary); the PV types and signature outcomes (art 67). */
extern const rec_desc pv_rec, pv_summary_rec;
extern const rec_enum pv_types, pv_signatures;

/* pv_create drafts a PV in case case_id from in (a pv body: type, person_id,
 * custody_id, corrects, act_at, place, statements, read_back, signature,
 * refusal_reason, drafter_rank, frame) for the actor, in an open case (409
 * "case-not-open"); the person must be in the case, the custody the case's,
 * a correction name a sealed PV of the case (422 "pv-person-not-in-case",
 * "pv-custody-not-in-case", "pv-corrects-not-sealed"). *out: the PV. */
SJ_MUST_USE sj_err pv_create(db_conn *c, const sj_actor *a, const char *case_id, json_t *in, json_t **out,
			     const char **why);
/* pv_update changes a draft from patch (a pv patch); 409 "pv-sealed" once
 * sealed. *out: the PV. */
SJ_MUST_USE sj_err pv_update(db_conn *c, const sj_actor *a, const char *id, json_t *patch, json_t **out,
			     const char **why);
/* pv_seal checks the art 67 contents (422 with the reason: "pv-no-statements",
 * "pv-no-person", "pv-not-read-back", "pv-no-signature",
 * "pv-refusal-needs-reason", "pv-custody-missing", "pv-person-unidentified"; a
 * search outside PV_SEARCH_FROM_HOUR–PV_SEARCH_TO_HOUR legal time without
 * hours_exception: "pv-search-outside-legal-hours"; a custody PV before the
 * custody ended, the family was informed and every right was notified:
 * "pv-custody-not-ended", "pv-custody-family-not-informed",
 * "pv-rights-not-notified"), refuses a referred case (409
 * "pv-case-referred": a new PV only after a further inquiry reopens it),
 * freezes, hashes and signs the PV with the actor's key (an OPJ). 409
 * "pv-already-sealed", "case-closed". *out: the PV. */
SJ_MUST_USE sj_err pv_seal(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why);
/* pv_load_templates loads data/pv_templates.json (issue 17 item 7): per PV
 * type, the groups of body fields it requires ("any" / "all", min_lines);
 * pv_seal refuses a PV its template finds incomplete (422
 * "pv-template-search" — the occupant or two witnesses —,
 * "pv-template-confrontation" — two persons or more —, "pv-template-seizure"
 * — the inventory of scellés). */
SJ_MUST_USE sj_err pv_load_templates(db_conn *c, json_t *root, int *added);
/* pv_get returns the PV (with its sealed content and a fresh signature check
 * "verified") as a new object; no scope check. */
SJ_MUST_USE sj_err pv_get(db_conn *c, const char *id, json_t **out);
/* pv_read returns PV id for the actor (its case readable): SJ_ENOTFOUND
 * "pv-not-found", SJ_EFORBIDDEN. */
SJ_MUST_USE sj_err pv_read(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why);
/* pv_print renders PV id for the actor as the bilingual print view into
 * html (a buf the caller initialised and frees). */
SJ_MUST_USE sj_err pv_print(db_conn *c, const sj_actor *a, const char *id, buf *html, const char **why);
/* pv_list returns the case's PVs (summaries) as a new array. */
SJ_MUST_USE sj_err pv_list(db_conn *c, const char *case_id, bool sealed_only, json_t **out);

/* --- sealing other documents with a user's key (comms, issue 15) ---
 * The PV construction for any canonical content: hash = BLAKE2b-256(content)
 * in hex, signature = Ed25519 over context || hash with user_id's key (made
 * on first use, kept like an OPJ's). context is a short domain-separation
 * prefix ("sijill-comms-v1|", at most 64 bytes) so a signature made for one
 * kind of document never verifies as another. */
/* pv_sign_content writes hash (65), sig (129, hex) and key_id (17) for
 * content (NUL-terminated, the caller's canonical bytes). SJ_ECRYPTO until
 * the wrapping key is loaded; SJ_EINVAL on a missing or long context. */
SJ_MUST_USE sj_err pv_sign_content(db_conn *c, const char *user_id, const char *context, const char *content,
				   char hash[65], char sig[2 * 64 + 1], char key_id[17]);
/* pv_verify_content: content hashes to hash and sig is key_id's signature of
 * context || hash. Any missing argument, unknown key or mismatch is false. */
bool pv_verify_content(db_conn *c, const char *context, const char *content, const char *hash, const char *sig,
		       const char *key_id);
/* pv_verify_all recomputes the hash and checks the OPJ signature of every
 * sealed PV (for `sijill restore`); *checked counts them and bad_id names the
 * first that fails ("" when all pass). An error only when the database does. */
SJ_MUST_USE sj_err pv_verify_all(db_conn *c, int64_t *checked, char bad_id[ID_LEN + 1]);
/* pv_seal_ok: content hashes (BLAKE2b-256, hex) to hash and sig (hex) is the
 * OPJ's Ed25519 signature of "sijill-pv-v1|<hash>" under pk_hex — a sealed
 * PV's check, wherever its row is (central verifies a node's PVs with it).
 * Any argument NULL: false. */
bool pv_seal_ok(const char *content, const char *hash, const char *sig, const char *pk_hex);

#endif
