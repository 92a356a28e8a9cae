/* seal.h — the keys behind sealed documents, and the checks made on every
 * read of one (issue 10, items 1–3).
 *
 * Two kinds of key, both outside the database:
 *   - the PV wrapping key (pv_key_load_or_create: a file beside the audit
 *     key) wraps each OPJ's Ed25519 seed in opj_keys;
 *   - the node's binding key, an Ed25519 keypair derived from the wrapping
 *     key (crypto_kdf, context "sjopjbnd"): it signs each key binding
 *     ("this public key is this user's, from this time") and each referral
 *     bundle at transmission.
 * A row inserted into opj_keys or opj_key_bindings by someone with only the
 * database carries no valid binding signature, so a seal made with it does
 * not verify. A binding is enrolled (the first seal of an OPJ, or an
 * administrator's POST /users/{badge}/opj-key) and revoked (POST
 * /users/{badge}/opj-key/revoke) through audited actions; a seal verifies
 * only when its sealed time lies inside a binding of the sealer's key.
 */
#ifndef SJ_SEAL_H
#define SJ_SEAL_H

#include <jansson.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include "core/actor.h"
#include "core/err.h"
#include "core/record.h"
#include "db/db.h"

#define SEAL_KEY_ID_HEX 16
#define SEAL_SIG_HEX (2 * crypto_sign_BYTES)

/* The answers of the enrolment routes and the revocation's body. */
extern const rec_desc seal_key_rec, seal_revoke_rec;

/* seal_opj_key gives the actor's signing key for a seal made at `at`:
 * created (and bound, audited as part of the seal) on an OPJ's first seal;
 * SJ_ECONFLICT "opj-key-revoked" when the key's binding was revoked and no
 * new one enrolled; SJ_ECRYPTO without the wrapping key. sk is wiped by the
 * caller after use. */
SJ_MUST_USE sj_err seal_opj_key(db_conn *c, const sj_actor *a, int64_t at, unsigned char sk[crypto_sign_SECRETKEYBYTES],
				char key_id[SEAL_KEY_ID_HEX + 1], const char **why);

/* seal_pv_problem re-verifies a sealed PV from its stored columns: the
 * content's hash, that the content is this PV's (its number), the key's
 * binding to the sealer at the sealed time, the signature. Returns NULL when
 * it all holds, else a stable reason ("seal-incomplete", "content-altered",
 * "content-mismatch", "key-unknown", "key-not-sealer", "key-not-bound",
 * "signature-invalid"). */
const char *seal_pv_problem(db_conn *c, const char *content, const char *hash, const char *sig, const char *key_id,
			    const char *sealer_id, const char *number);

/* seal_node_sign signs "<context>|<hash hex>" with the node's binding key
 * into sighex; false without the wrapping key. seal_node_verify checks one. */
bool seal_node_sign(const char *context, const char *hash, char sighex[SEAL_SIG_HEX + 1]);
bool seal_node_verify(const char *context, const char *hash, const char *sighex);

/* seal_user_sign / seal_user_verify: the PV construction for any canonical
 * content under a context prefix (comms' communiqués; pv_sign_content and
 * pv_verify_content in pv.h). Signing enrols the user's key on first use
 * (SJ_ECONFLICT once revoked); verifying needs a node-signed binding of the
 * key to its user, so an inserted key verifies nothing. */
SJ_MUST_USE sj_err seal_user_sign(db_conn *c, const char *user_id, const char *context, const char *content,
				  char hash[65], char sig[SEAL_SIG_HEX + 1], char key_id[SEAL_KEY_ID_HEX + 1]);
bool seal_user_verify(db_conn *c, const char *context, const char *content, const char *hash, const char *sig,
		      const char *key_id);

/* seal_flag_broken records a broken seal for the auditors: an audit entry
 * "seal.broken" (object_type, id, the reason as detail, outcome "failed")
 * in c's unit of work, in the actor's name. */
SJ_MUST_USE sj_err seal_flag_broken(db_conn *c, const sj_actor *a, const char *object_type, const char *id,
				    const char *problem);

/* seal_key_enrol binds badge's key (made now if the OPJ has none) for the
 * administrator a: 404 "user-not-found", 422 "opj-key-not-opj" (not an
 * OPJ), 409 "opj-key-enrolled" (a binding is active), 403 outside scope.
 * *out: a seal_key. seal_key_revoke ends the active binding with in's reason
 * (409 "opj-key-not-enrolled"); seals made before stay valid. */
SJ_MUST_USE sj_err seal_key_enrol(db_conn *c, const sj_actor *a, const char *badge, json_t **out, const char **why);
/* seal_key_bind_legacy binds badge's existing key over the seals it made
 * before bindings existed (PVs sealed before migration 0060 read
 * "key-not-bound"): a binding signed with the node key from the key's first
 * seal to its first binding (closed then, with reason), or from the first
 * seal on when it was never bound. An administrator's act (`sijill user
 * bind-key`), audited by the caller. 404 "user-not-found", SJ_ENOTFOUND
 * "opj-key-none", 409 "opj-key-no-seals" / "opj-key-bound" (nothing left
 * to bind). *out: badge, key_id, public_key, enrolled_at, until (0: open),
 * seals (how many PVs the key sealed). */
SJ_MUST_USE sj_err seal_key_bind_legacy(db_conn *c, const sj_actor *a, const char *badge, const char *reason,
					json_t **out, const char **why);
SJ_MUST_USE sj_err seal_key_revoke(db_conn *c, const sj_actor *a, const char *badge, json_t *in, json_t **out,
				   const char **why);

#endif
