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
#include "auth/auth.h"
#include "cases/cases.h"
#include "core/err.h"
#include "db/db.h"

/* pv_key_load_or_create reads the 32-byte wrapping key (hex) at path,
 * creating it (mode 0600) when create is true and it is missing. Sealing
 * fails with SJ_ECRYPTO until a key is loaded. */
SJ_MUST_USE sj_err pv_key_load_or_create(const char *path, bool create);

/* pv_create drafts a PV in case r from a validated body (type, person_id,
 * custody_id, corrects, act_at, place, statements, read_back, signature,
 * refusal_reason, drafter_rank, frame). */
SJ_MUST_USE sj_err pv_create(db_conn *c, const auth_user *u, case_ref *r, json_t *in, char id[ID_LEN + 1],
			     char number[CASE_NUMBER_MAX + 32], const char **field, const char **why);
/* pv_case_id finds the case of PV id (for authorisation); SJ_ENOTFOUND. */
SJ_MUST_USE sj_err pv_case_id(db_conn *c, const char *id, char case_id[ID_LEN + 1]);
/* pv_update changes a draft; SJ_ECONFLICT once sealed. */
SJ_MUST_USE sj_err pv_update(db_conn *c, const auth_user *u, const case_ref *r, const char *id, json_t *in,
			     const char **field, const char **why);
/* pv_seal checks the art 67 contents (422 with *why when something is
 * missing), freezes, hashes and signs the PV with u's key. */
SJ_MUST_USE sj_err pv_seal(db_conn *c, const auth_user *u, case_ref *r, const char *id, const char **why);
/* pv_get returns the PV (with its sealed content and a fresh signature check
 * "verified") as a new object. */
SJ_MUST_USE sj_err pv_get(db_conn *c, const char *id, json_t **out);
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

#endif
