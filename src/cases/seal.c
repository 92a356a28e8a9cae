/* seal.c — the OPJ keys, their bindings to users, the node's binding key, and
 * the re-verification of sealed documents on read (see seal.h). */
#include "cases/seal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "auth/roles.h"
#include "cases/pv.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/jdump.h"
#include "core/limits.h"
#include "db/dbj.h"

#define BIND_CONTEXT "sijill-opj-bind-v1"
#define PV_SIG_CONTEXT "sijill-pv-v1|"

static unsigned char wrap_key[crypto_secretbox_KEYBYTES];
static unsigned char node_pk[crypto_sign_PUBLICKEYBYTES], node_sk[crypto_sign_SECRETKEYBYTES];
static bool wrap_loaded;

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* derive_node_key makes the node's binding keypair from the wrapping key. */
static void derive_node_key(void)
{
	unsigned char seed[crypto_sign_SEEDBYTES];
	crypto_kdf_derive_from_key(seed, sizeof seed, 1, "sjopjbnd", wrap_key);
	crypto_sign_seed_keypair(node_pk, node_sk, seed);
	sodium_memzero(seed, sizeof seed);
}

sj_err pv_key_load_or_create(const char *path, bool create)
{
	char hex[2 * crypto_secretbox_KEYBYTES + 2];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, hex, sizeof hex - 1);
		close(fd);
		if (n < 2 * crypto_secretbox_KEYBYTES)
			return SJ_ECRYPTO;
		hex[2 * crypto_secretbox_KEYBYTES] = '\0';
		size_t bl = 0;
		if (sodium_hex2bin(wrap_key, sizeof wrap_key, hex, 2 * crypto_secretbox_KEYBYTES, NULL, &bl, NULL) ||
		    bl != sizeof wrap_key)
			return SJ_ECRYPTO;
		wrap_loaded = true;
		derive_node_key();
		return SJ_OK;
	}
	if (errno != ENOENT || !create)
		return SJ_EIO;
	crypto_secretbox_keygen(wrap_key);
	sodium_bin2hex(hex, sizeof hex, wrap_key, sizeof wrap_key);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return SJ_EIO;
	size_t len = strlen(hex);
	hex[len++] = '\n';
	bool ok = write(fd, hex, len) == (ssize_t)len && fsync(fd) == 0;
	close(fd);
	sodium_memzero(hex, sizeof hex);
	if (!ok)
		return SJ_EIO;
	wrap_loaded = true;
	derive_node_key();
	return SJ_OK;
}

/* ---------- the node key ---------- */

static bool node_sign_msg(const char *msg, char sighex[SEAL_SIG_HEX + 1])
{
	if (!wrap_loaded)
		return false;
	unsigned char sb[crypto_sign_BYTES];
	crypto_sign_detached(sb, NULL, (const unsigned char *)msg, strlen(msg), node_sk);
	sodium_bin2hex(sighex, SEAL_SIG_HEX + 1, sb, sizeof sb);
	return true;
}

static bool sig_ok(const char *msg, const char *sighex, const unsigned char *pk)
{
	unsigned char sb[crypto_sign_BYTES];
	size_t l = 0;
	return sighex && sodium_hex2bin(sb, sizeof sb, sighex, strlen(sighex), NULL, &l, NULL) == 0 &&
	       l == sizeof sb && crypto_sign_verify_detached(sb, (const unsigned char *)msg, strlen(msg), pk) == 0;
}

/* hash_hex writes content's BLAKE2b-256 as 64 hex digits; hash_ok says
 * whether content hashes to hash. */
static void hash_hex(const char *content, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)content, strlen(content), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof h);
}

static bool hash_ok(const char *content, const char *hash)
{
	char mine[65];
	hash_hex(content, mine);
	return hash && strcmp(mine, hash) == 0;
}

/* pk_of decodes a hex public key; false when it is not one. */
static bool pk_of(const char *hex, unsigned char pk[crypto_sign_PUBLICKEYBYTES])
{
	size_t l = 0;
	return hex && sodium_hex2bin(pk, crypto_sign_PUBLICKEYBYTES, hex, strlen(hex), NULL, &l, NULL) == 0 &&
	       l == crypto_sign_PUBLICKEYBYTES;
}

/* signed_ok: sig (hex) is pk's signature of context + hash. */
static bool signed_ok(const char *context, const char *hash, const char *sig, const unsigned char *pk)
{
	char msg[64 + 65];
	snprintf(msg, sizeof msg, "%s%s", context, hash);
	return sig_ok(msg, sig, pk);
}

bool seal_node_sign(const char *context, const char *hash, char sighex[SEAL_SIG_HEX + 1])
{
	char msg[128];
	snprintf(msg, sizeof msg, "%s|%s", context, hash);
	return node_sign_msg(msg, sighex);
}

bool seal_node_verify(const char *context, const char *hash, const char *sighex)
{
	if (!wrap_loaded || !hash)
		return false;
	char msg[128];
	snprintf(msg, sizeof msg, "%s|%s", context, hash);
	return sig_ok(msg, sighex, node_pk);
}

/* ---------- the records ---------- */

#define SEAL_KEY_FIELDS(X) \
	X(V, badge, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(V, key_id, TEXT, 16, 16, NULL, OUT) \
	X(V, public_key, TEXT, 64, 64, NULL, OUT) \
	X(V, enrolled_at, TIME, 0, 0, NULL, OUT) \
	X(V, revoked_at, TIME, 0, 0, NULL, OUT)
static const rec_field seal_key_fields[] = {SEAL_KEY_FIELDS(REC_FIELD)};
const rec_desc seal_key_rec = REC_DESC("opj_key", NULL, seal_key_fields, NULL);

#define SEAL_REVOKE_FIELDS(X) X(V, reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | REQ | MULTI)
static const rec_field seal_revoke_fields[] = {SEAL_REVOKE_FIELDS(REC_FIELD)};
const rec_desc seal_revoke_rec = REC_DESC("opj_key_revoke", NULL, seal_revoke_fields, NULL);

/* ---------- OPJ keys and their bindings ---------- */

static const char sql_key_by_user[] = "SELECT key_id, public_key, sealed_secret FROM opj_keys WHERE user_id = ?";
static const char sql_key_by_id[] = "SELECT user_id, public_key FROM opj_keys WHERE key_id = ?";
static const char sql_key_add[] =
	"INSERT INTO opj_keys (key_id, user_id, public_key, sealed_secret, created_at) VALUES (?, ?, ?, ?, ?)";
static const char sql_bind_add[] = "INSERT INTO opj_key_bindings (id, key_id, user_id, enrolled_at, enrolled_by,"
				   " signature) VALUES (?, ?, ?, ?, ?, ?)";
static const char sql_bind_active[] =
	"SELECT COUNT(*) FROM opj_key_bindings WHERE user_id = ? AND revoked_at IS NULL";
static const char sql_bind_count[] = "SELECT COUNT(*) FROM opj_key_bindings WHERE user_id = ?";
static const char sql_binds_of_key[] =
	"SELECT id, user_id, enrolled_at, signature, revoked_at FROM opj_key_bindings WHERE key_id = ?";
static const char sql_bind_revoke[] = "UPDATE opj_key_bindings SET revoked_at = ?, revoked_by = ?, revoke_reason = ?"
				      " WHERE user_id = ? AND revoked_at IS NULL";

static void bind_msg(char *msg, size_t n, const char *bid, const char *key_id, const char *user_id, const char *pk,
		     int64_t at)
{
	snprintf(msg, n, "%s|%s|%s|%s|%s|%lld", BIND_CONTEXT, bid, key_id, user_id, pk, (long long)at);
}

/* key_of loads (or, when make, creates) user_id's key: key_id and public key
 * hex, and the secret when sk is not NULL. SJ_ENOTFOUND when none and !make. */
static sj_err key_of(db_conn *c, const char *user_id, bool make, unsigned char *sk, char key_id[SEAL_KEY_ID_HEX + 1],
		     char pkhex[2 * crypto_sign_PUBLICKEYBYTES + 1])
{
	if (!wrap_loaded)
		return SJ_ECRYPTO;
	unsigned char seed[crypto_sign_SEEDBYTES], pk[crypto_sign_PUBLICKEYBYTES], skb[crypto_sign_SECRETKEYBYTES];
	unsigned char box[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + crypto_sign_SEEDBYTES];
	json_t *row = NULL;
	sj_err e = dbj_one(c, sql_key_by_user, "key_id:t,pk:t,sealed:t", &row, "t", user_id);
	if (!e) {
		size_t bl = 0;
		const char *sealed = jstr(row, "sealed");
		if (!sealed || sodium_hex2bin(box, sizeof box, sealed, strlen(sealed), NULL, &bl, NULL) ||
		    bl != sizeof box ||
		    crypto_secretbox_open_easy(seed, box + crypto_secretbox_NONCEBYTES,
					       sizeof box - crypto_secretbox_NONCEBYTES, box, wrap_key)) {
			json_decref(row);
			return SJ_ECRYPTO;
		}
		snprintf(key_id, SEAL_KEY_ID_HEX + 1, "%s", jstr(row, "key_id"));
		json_decref(row);
		crypto_sign_seed_keypair(pk, skb, seed);
		sodium_memzero(seed, sizeof seed);
		sodium_bin2hex(pkhex, 2 * crypto_sign_PUBLICKEYBYTES + 1, pk, sizeof pk);
		if (sk)
			memcpy(sk, skb, sizeof skb);
		sodium_memzero(skb, sizeof skb);
		return SJ_OK;
	}
	if (e != SJ_ENOTFOUND || !make)
		return e;
	randombytes_buf(seed, sizeof seed);
	crypto_sign_seed_keypair(pk, skb, seed);
	randombytes_buf(box, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, seed, sizeof seed, box, wrap_key);
	sodium_memzero(seed, sizeof seed);
	unsigned char h[8];
	crypto_generichash(h, sizeof h, pk, sizeof pk, NULL, 0);
	char boxhex[2 * sizeof box + 1];
	sodium_bin2hex(key_id, SEAL_KEY_ID_HEX + 1, h, sizeof h);
	sodium_bin2hex(pkhex, 2 * crypto_sign_PUBLICKEYBYTES + 1, pk, sizeof pk);
	sodium_bin2hex(boxhex, sizeof boxhex, box, sizeof box);
	if (sk)
		memcpy(sk, skb, sizeof skb);
	sodium_memzero(skb, sizeof skb);
	return db_run(c, sql_key_add, "tttti", key_id, user_id, pkhex, boxhex, clock_now_ms());
}

/* bind records a new binding of key_id (pkhex) to user_id from at, signed
 * with the node key, in the name of by. */
static sj_err bind(db_conn *c, const char *key_id, const char *user_id, const char *pkhex, int64_t at, const char *by)
{
	char bid[ID_LEN + 1], msg[512], sig[SEAL_SIG_HEX + 1];
	id_new(bid);
	bind_msg(msg, sizeof msg, bid, key_id, user_id, pkhex, at);
	if (!node_sign_msg(msg, sig))
		return SJ_ECRYPTO;
	return db_run(c, sql_bind_add, "tttitt", bid, key_id, user_id, at, by, sig);
}

sj_err seal_opj_key(db_conn *c, const sj_actor *a, int64_t at, unsigned char sk[crypto_sign_SECRETKEYBYTES],
		    char key_id[SEAL_KEY_ID_HEX + 1], const char **why)
{
	char pkhex[2 * crypto_sign_PUBLICKEYBYTES + 1];
	int64_t active = 0, ever = 0;
	sj_err e = dbj_int(c, sql_bind_active, &active, "t", a->id);
	e = e ? e : dbj_int(c, sql_bind_count, &ever, "t", a->id);
	if (!e && !active && ever) {
		*why = "opj-key-revoked";
		return SJ_ECONFLICT;
	}
	e = e ? e : key_of(c, a->id, true, sk, key_id, pkhex);
	/* an OPJ's first seal enrols the key (audited with the seal) */
	if (!e && !ever)
		e = bind(c, key_id, a->id, pkhex, at, a->id);
	if (e)
		sodium_memzero(sk, crypto_sign_SECRETKEYBYTES);
	return e;
}

/* bound: a binding of key_id to user_id (pkhex), signed by the node key,
 * covers the instant at (any binding at all when at is 0). */
static bool bound(db_conn *c, const char *key_id, const char *user_id, const char *pkhex, int64_t at)
{
	json_t *rows = NULL;
	if (dbj_rows(c, sql_binds_of_key, "id:t,user_id:t,enrolled_at:i,signature:t,revoked_at:i", &rows, "t", key_id))
		return false;
	bool ok = false;
	size_t i;
	json_t *b;
	json_array_foreach(rows, i, b) {
		const char *uid = jstr(b, "user_id");
		int64_t from = json_integer_value(json_object_get(b, "enrolled_at"));
		json_t *to = json_object_get(b, "revoked_at");
		if (!uid || strcmp(uid, user_id) != 0 ||
		    (at && (at < from || (json_is_integer(to) && at >= json_integer_value(to)))))
			continue;
		char msg[512];
		bind_msg(msg, sizeof msg, jstr(b, "id") ? jstr(b, "id") : "", key_id, user_id, pkhex, from);
		if (sig_ok(msg, jstr(b, "signature"), node_pk)) {
			ok = true;
			break;
		}
	}
	json_decref(rows);
	return ok;
}

const char *seal_pv_problem(db_conn *c, const char *content, const char *hash, const char *sig, const char *key_id,
			    const char *sealer_id, const char *number)
{
	if (!content || !hash || !sig || !key_id || !sealer_id)
		return "seal-incomplete";
	if (!hash_ok(content, hash))
		return "content-altered";
	json_t *ct = jdump_loads(content, 0, NULL);
	const char *cn = jstr(ct, "number");
	bool same = cn && number && strcmp(cn, number) == 0;
	int64_t at = json_integer_value(json_object_get(ct, "sealed_at"));
	json_decref(ct);
	if (!same)
		return "content-mismatch";
	json_t *k = NULL;
	if (dbj_one(c, sql_key_by_id, "user_id:t,pk:t", &k, "t", key_id))
		return "key-unknown";
	const char *why = NULL;
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	const char *pkh = jstr(k, "pk"), *uid = jstr(k, "user_id");
	if (!uid || strcmp(uid, sealer_id) != 0)
		why = "key-not-sealer";
	else if (!pk_of(pkh, pk))
		why = "key-unknown";
	else if (!bound(c, key_id, uid, pkh, at))
		why = "key-not-bound";
	else if (!signed_ok(PV_SIG_CONTEXT, hash, sig, pk))
		why = "signature-invalid";
	json_decref(k);
	return why;
}

sj_err seal_flag_broken(db_conn *c, const sj_actor *a, const char *object_type, const char *id, const char *problem)
{
	json_t *detail = json_pack("{s:s}", "problem", problem);
	audit_entry ae = {.actor_id = a->id, .badge = a->badge, .role = a->role_name, .unit_code = a->unit_code,
			  .action = "seal.broken", .object_type = object_type, .object_id = id, .outcome = "failed",
			  .request_id = a->request_id, .ip = a->ip, .detail = detail};
	sj_err e = detail ? audit_append(c, &ae, NULL) : SJ_ENOMEM;
	json_decref(detail);
	return e;
}

/* ---------- enrolment and revocation (administrators) ---------- */

static sj_err target(db_conn *c, const sj_actor *a, const char *badge, auth_user *u, const char **why)
{
	sj_err e = auth_user_find(c, badge, NULL, u);
	if (e == SJ_ENOTFOUND)
		*why = "user-not-found";
	if (e)
		return e;
	if (!a->national && !actor_in_scope(a, u->unit.path))
		return SJ_EFORBIDDEN;
	return SJ_OK;
}

sj_err seal_key_enrol(db_conn *c, const sj_actor *a, const char *badge, json_t **out, const char **why)
{
	*out = NULL;
	auth_user u;
	sj_err e = target(c, a, badge, &u, why);
	if (e)
		return e;
	if (u.role != ROLE_OPJ) {
		*why = "opj-key-not-opj";
		return SJ_EUNPROCESSABLE;
	}
	int64_t active = 0, now = clock_now_ms();
	if ((e = dbj_int(c, sql_bind_active, &active, "t", u.id)))
		return e;
	if (active) {
		*why = "opj-key-enrolled";
		return SJ_ECONFLICT;
	}
	char key_id[SEAL_KEY_ID_HEX + 1], pkhex[2 * crypto_sign_PUBLICKEYBYTES + 1];
	e = key_of(c, u.id, true, NULL, key_id, pkhex);
	e = e ? e : bind(c, key_id, u.id, pkhex, now, a->id);
	if (!e && !(*out = json_pack("{s:s,s:s,s:s,s:I}", "badge", u.badge, "key_id", key_id, "public_key", pkhex,
				     "enrolled_at", (json_int_t)now)))
		e = SJ_ENOMEM;
	return e;
}

sj_err seal_key_revoke(db_conn *c, const sj_actor *a, const char *badge, json_t *in, json_t **out, const char **why)
{
	*out = NULL;
	auth_user u;
	sj_err e = target(c, a, badge, &u, why);
	int64_t active = 0, now = clock_now_ms();
	e = e ? e : dbj_int(c, sql_bind_active, &active, "t", u.id);
	if (e)
		return e;
	if (!active) {
		*why = "opj-key-not-enrolled";
		return SJ_ECONFLICT;
	}
	char key_id[SEAL_KEY_ID_HEX + 1], pkhex[2 * crypto_sign_PUBLICKEYBYTES + 1];
	e = key_of(c, u.id, false, NULL, key_id, pkhex);
	e = e ? e : db_run(c, sql_bind_revoke, "ittt", now, a->id, jstr(in, "reason"), u.id);
	if (!e && !(*out = json_pack("{s:s,s:s,s:s,s:I}", "badge", u.badge, "key_id", key_id, "public_key", pkhex,
				     "revoked_at", (json_int_t)now)))
		e = SJ_ENOMEM;
	return e;
}

/* ---------- other sealed documents (comms) ---------- */

sj_err seal_user_sign(db_conn *c, const char *user_id, const char *context, const char *content, char hash[65],
		      char sig[SEAL_SIG_HEX + 1], char key_id[SEAL_KEY_ID_HEX + 1])
{
	if (!context || strlen(context) > 64 || !content)
		return SJ_EINVAL;
	int64_t active = 0, ever = 0, now = clock_now_ms();
	sj_err e = dbj_int(c, sql_bind_active, &active, "t", user_id);
	e = e ? e : dbj_int(c, sql_bind_count, &ever, "t", user_id);
	if (!e && !active && ever)
		return SJ_ECONFLICT; /* revoked: an administrator enrols a new binding first */
	unsigned char sk[crypto_sign_SECRETKEYBYTES], sb[crypto_sign_BYTES];
	char pkhex[2 * crypto_sign_PUBLICKEYBYTES + 1], msg[64 + 65];
	e = e ? e : key_of(c, user_id, true, sk, key_id, pkhex);
	if (!e && !ever)
		e = bind(c, key_id, user_id, pkhex, now, user_id);
	if (e) {
		sodium_memzero(sk, sizeof sk);
		return e;
	}
	hash_hex(content, hash);
	snprintf(msg, sizeof msg, "%s%s", context, hash);
	crypto_sign_detached(sb, NULL, (const unsigned char *)msg, strlen(msg), sk);
	sodium_memzero(sk, sizeof sk);
	sodium_bin2hex(sig, SEAL_SIG_HEX + 1, sb, sizeof sb);
	return SJ_OK;
}

bool seal_user_verify(db_conn *c, const char *context, const char *content, const char *hash, const char *sig,
		      const char *key_id)
{
	if (!context || strlen(context) > 64 || !content || !hash || !sig || !key_id)
		return false;
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	if (!hash_ok(content, hash))
		return false;
	json_t *k = NULL;
	if (dbj_one(c, sql_key_by_id, "user_id:t,pk:t", &k, "t", key_id))
		return false;
	const char *pkh = jstr(k, "pk"), *uid = jstr(k, "user_id");
	/* a key counts only when the node key bound it to its user */
	bool ok = uid && pk_of(pkh, pk) && bound(c, key_id, uid, pkh, 0) && signed_ok(context, hash, sig, pk);
	json_decref(k);
	return ok;
}

/* pv_seal_ok (pv.h): the check central makes of a sealed PV a node sent, with
 * the OPJ's public key the node sent before it (central holds no binding of
 * the node's users): the content's hash and the signature over it. */
bool pv_seal_ok(const char *content, const char *hash, const char *sig, const char *pk_hex)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	return content && hash_ok(content, hash) && pk_of(pk_hex, pk) && signed_ok(PV_SIG_CONTEXT, hash, sig, pk);
}

/* ---------- keys of seals made before the bindings (migration 0060) ---------- */

static const char sql_legacy_window[] =
	"SELECT COUNT(*) AS n, MIN(sealed_at) AS first FROM pvs WHERE key_id = ? AND sealed_by = ? AND sealed_at IS NOT NULL";
static const char sql_first_bind[] = "SELECT MIN(enrolled_at) FROM opj_key_bindings WHERE key_id = ?";
static const char sql_bind_close[] =
	"UPDATE opj_key_bindings SET revoked_at = ?, revoked_by = ?, revoke_reason = ? WHERE key_id = ? AND enrolled_at = ?";

sj_err seal_key_bind_legacy(db_conn *c, const sj_actor *a, const char *badge, const char *reason, json_t **out,
			    const char **why)
{
	*out = NULL;
	auth_user u;
	sj_err e = target(c, a, badge, &u, why);
	if (e)
		return e;
	char key_id[SEAL_KEY_ID_HEX + 1], pkhex[2 * crypto_sign_PUBLICKEYBYTES + 1];
	e = key_of(c, u.id, false, NULL, key_id, pkhex);
	if (e == SJ_ENOTFOUND)
		*why = "opj-key-none";
	if (e)
		return e;
	json_t *w = NULL;
	if ((e = dbj_one(c, sql_legacy_window, "n:i,first:i", &w, "tt", key_id, u.id)))
		return e;
	int64_t n = json_integer_value(json_object_get(w, "n")), first = json_integer_value(json_object_get(w, "first"));
	json_decref(w);
	int64_t later = 0;
	if (!n) {
		*why = "opj-key-no-seals";
		return SJ_ECONFLICT;
	}
	if ((e = dbj_int(c, sql_first_bind, &later, "t", key_id)))
		return e;
	if (later && later <= first) {
		*why = "opj-key-bound"; /* every seal of the key is covered already */
		return SJ_ECONFLICT;
	}
	/* the window from the first seal to the first binding (or open, when
	 * the key was never bound: it is enrolled from its first seal on) */
	e = bind(c, key_id, u.id, pkhex, first, a->id ? a->id : a->badge);
	if (!e && later)
		e = db_run(c, sql_bind_close, "ittti", later, a->id ? a->id : a->badge, reason, key_id, first);
	if (!e && !(*out = json_pack("{s:s,s:s,s:s,s:I,s:I,s:I}", "badge", u.badge, "key_id", key_id, "public_key",
				     pkhex, "enrolled_at", (json_int_t)first, "until", (json_int_t)later, "seals",
				     (json_int_t)n)))
		e = SJ_ENOMEM;
	return e;
}
