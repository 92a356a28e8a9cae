/* pv.c — PVs: drafts, sealing (hash + OPJ signature), reads (see pv.h). */
#include "core/jdump.h"
#include "cases/pv.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/log.h"
#include "db/dbj.h"
#include "persons/persons.h"

#define PV_SIG_CONTEXT "sijill-pv-v1|"

static unsigned char wrap_key[crypto_secretbox_KEYBYTES];
static bool wrap_loaded;

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
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
	return SJ_OK;
}

/* ---------- OPJ keys ---------- */

static const char sql_key_by_user[] = "SELECT key_id, public_key, sealed_secret FROM opj_keys WHERE user_id = ?";
static const char sql_key_by_id[] = "SELECT public_key FROM opj_keys WHERE key_id = ?";
static const char sql_key_add[] =
	"INSERT INTO opj_keys (key_id, user_id, public_key, sealed_secret, created_at) VALUES (?, ?, ?, ?, ?)";

/* opj_secret returns u's signing key, creating the keypair on first use. */
static sj_err opj_secret(db_conn *c, const char *user_id, unsigned char sk[crypto_sign_SECRETKEYBYTES],
			 char key_id[17])
{
	if (!wrap_loaded)
		return SJ_ECRYPTO;
	unsigned char seed[crypto_sign_SEEDBYTES], pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char box[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + crypto_sign_SEEDBYTES];
	json_t *row = NULL;
	sj_err e = dbj_one(c, sql_key_by_user, "key_id:t,pk:t,sealed:t", &row, "t", user_id);
	if (!e) {
		size_t bl = 0;
		const char *sealed = jstr(row, "sealed");
		if (sodium_hex2bin(box, sizeof box, sealed, strlen(sealed), NULL, &bl, NULL) || bl != sizeof box ||
		    crypto_secretbox_open_easy(seed, box + crypto_secretbox_NONCEBYTES,
					       sizeof box - crypto_secretbox_NONCEBYTES, box, wrap_key)) {
			json_decref(row);
			return SJ_ECRYPTO;
		}
		snprintf(key_id, 17, "%s", jstr(row, "key_id"));
		json_decref(row);
		crypto_sign_seed_keypair(pk, sk, seed);
		sodium_memzero(seed, sizeof seed);
		return SJ_OK;
	}
	if (e != SJ_ENOTFOUND)
		return e;
	randombytes_buf(seed, sizeof seed);
	crypto_sign_seed_keypair(pk, sk, seed);
	randombytes_buf(box, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, seed, sizeof seed, box, wrap_key);
	sodium_memzero(seed, sizeof seed);
	unsigned char h[8];
	crypto_generichash(h, sizeof h, pk, sizeof pk, NULL, 0);
	char pkhex[2 * sizeof pk + 1], boxhex[2 * sizeof box + 1];
	sodium_bin2hex(key_id, 17, h, sizeof h);
	sodium_bin2hex(pkhex, sizeof pkhex, pk, sizeof pk);
	sodium_bin2hex(boxhex, sizeof boxhex, box, sizeof box);
	return db_run(c, sql_key_add, "tttti", key_id, user_id, pkhex, boxhex, clock_now_ms());
}

static void hash_hex(const char *content, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)content, strlen(content), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof h);
}

/* ---------- drafts ---------- */

static const char sql_next_n[] = "SELECT COALESCE(MAX(n), 0) + 1 FROM pvs WHERE case_id = ?";
static const char sql_pv_add[] =
	"INSERT INTO pvs (id, number, case_id, n, type, status, frame, person_id, custody_id, corrects_id, act_at,"
	" place, body, drafter_id, drafter_name, drafter_rank, drafter_unit, created_at, updated_at)"
	" VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char sql_pv_sealed_in_case[] =
	"SELECT COUNT(*) FROM pvs WHERE id = ? AND case_id = ? AND status = 'sealed'";
static const char sql_custody_in_case[] =
	"SELECT COUNT(*) FROM custodies WHERE id = ? AND case_id = ?";

static const char *default_rank(role r)
{
	switch (r) {
	case ROLE_OPJ: return "ضابط الشرطة القضائية / officier de police judiciaire";
	case ROLE_CHIEF: return "رئيس الدائرة / chef d'arrondissement";
	default: return "مفتش الشرطة / inspecteur de police";
	}
}

/* body_from builds the PV's statements part from in, over base (may be NULL). */
static json_t *body_from(json_t *in, json_t *base)
{
	json_t *b = base ? json_deep_copy(base) : json_object();
	static const char *const keys[] = {"statements", "read_back", "signature", "refusal_reason", NULL};
	for (int i = 0; b && keys[i]; i++) {
		json_t *v = json_object_get(in, keys[i]);
		if (v)
			json_object_set(b, keys[i], v);
	}
	return b;
}

static sj_err check_links(db_conn *c, const case_ref *r, json_t *in, const char **field, const char **why)
{
	const char *person = jstr(in, "person_id"), *custody = jstr(in, "custody_id"),
		   *corrects = jstr(in, "corrects");
	static const char *const any[] = {"complainant", "victim", "suspect", "witness", "arrested", NULL};
	sj_err e;
	if (person) {
		bool has = false;
		if ((e = case_person_has_role(c, r->id, person, any, &has)))
			return e;
		if (!has) {
			*field = "person_id";
			*why = "this person is not part of the case";
			return SJ_EUNPROCESSABLE;
		}
	}
	int64_t n = 0;
	if (custody) {
		if ((e = dbj_int(c, sql_custody_in_case, &n, "tt", custody, r->id)))
			return e;
		if (!n) {
			*field = "custody_id";
			*why = "this custody is not part of the case";
			return SJ_EUNPROCESSABLE;
		}
	}
	if (corrects) {
		if ((e = dbj_int(c, sql_pv_sealed_in_case, &n, "tt", corrects, r->id)))
			return e;
		if (!n) {
			*field = "corrects";
			*why = "a correction refers to a sealed PV of the same case";
			return SJ_EUNPROCESSABLE;
		}
	}
	return SJ_OK;
}

sj_err pv_create(db_conn *c, const auth_user *u, case_ref *r, json_t *in, char id[ID_LEN + 1],
		 char number[CASE_NUMBER_MAX + 32], const char **field, const char **why)
{
	if (!case_is_open(r)) {
		*why = "PVs are drafted only while the case is open";
		return SJ_ECONFLICT;
	}
	sj_err e = check_links(c, r, in, field, why);
	if (e)
		return e;
	int64_t n = 0, now = clock_now_ms();
	e = dbj_int(c, sql_next_n, &n, "t", r->id);
	if (e)
		return e;
	snprintf(number, CASE_NUMBER_MAX + 32, "%s/PV-%lld", r->number, (long long)n);
	id_new(id);
	json_t *body = body_from(in, NULL);
	char *bj = body ? jdump_dumps(body, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(body);
	if (!bj)
		return SJ_ENOMEM;
	json_t *act = json_object_get(in, "act_at");
	const char *frame = jstr(in, "frame") ? jstr(in, "frame") : r->frame;
	const char *rank = jstr(in, "drafter_rank") ? jstr(in, "drafter_rank") : default_rank(u->role);
	char unit[UNIT_CODE_MAX + 2 * UNIT_NAME_MAX + 16];
	snprintf(unit, sizeof unit, "%s — %s — %s", u->unit.code, u->unit.name_fr, u->unit.name_ar);
	e = db_run(c, sql_pv_add, "tttitttttit" "ttttt" "ii", id, number, r->id, n, jstr(in, "type"), frame,
		   jstr(in, "person_id"), jstr(in, "custody_id"), jstr(in, "corrects"),
		   act ? (int64_t)json_integer_value(act) : now, jstr(in, "place"), bj, u->id, u->name, rank, unit,
		   now, now);
	free(bj);
	e = e ? e : case_mark_investigating(c, u, r);
	return e ? e : case_event(c, r->id, u, "pv.drafted",
				  json_pack("{s:s,s:s,s:s,s:s?}", "pv_id", id, "number", number, "type",
					    jstr(in, "type"), "corrects", jstr(in, "corrects")));
}

static const char sql_pv_case[] = "SELECT case_id FROM pvs WHERE id = ?";

sj_err pv_case_id(db_conn *c, const char *id, char case_id[ID_LEN + 1])
{
	if (!id_valid(id))
		return SJ_ENOTFOUND;
	json_t *o = NULL;
	sj_err e = dbj_one(c, sql_pv_case, "case_id:t", &o, "t", id);
	if (!e)
		snprintf(case_id, ID_LEN + 1, "%s", jstr(o, "case_id"));
	json_decref(o);
	return e;
}

static const char sql_pv_row[] =
	"SELECT p.id, p.number, p.case_id, p.n, p.type, p.status, p.frame, p.person_id, p.custody_id,"
	" c.number, p.act_at, p.place, p.body, p.drafter_name, p.drafter_rank, p.drafter_unit, d.badge,"
	" p.content, p.content_hash, p.signature, p.key_id, s.badge, p.sealed_at, p.created_at, p.updated_at"
	" FROM pvs p JOIN users d ON d.id = p.drafter_id LEFT JOIN users s ON s.id = p.sealed_by"
	" LEFT JOIN pvs c ON c.id = p.corrects_id WHERE p.id = ?";
#define PV_COLS                                                                                            \
	"id:t,number:t,case_id:t,n:i,type:t,status:t,frame:t,person_id:t,custody_id:t,corrects:t,act_at:i,"  \
	"place:t,body:j,drafter_name:t,drafter_rank:t,drafter_unit:t,drafter_badge:t,content:t,content_hash:t," \
	"signature:t,key_id:t,sealed_by:t,sealed_at:i,created_at:i,updated_at:i"

static const char sql_pv_upd[] =
	"UPDATE pvs SET person_id = ?, custody_id = ?, act_at = ?, place = ?, body = ?, drafter_rank = ?,"
	" updated_at = ? WHERE id = ? AND status = 'draft'";

sj_err pv_update(db_conn *c, const auth_user *u, const case_ref *r, const char *id, json_t *in, const char **field,
		 const char **why)
{
	json_t *pv = NULL;
	sj_err e = dbj_one(c, sql_pv_row, PV_COLS, &pv, "t", id);
	if (e)
		return e;
	if (strcmp(jstr(pv, "status"), "draft") != 0) {
		json_decref(pv);
		*why = "a sealed PV cannot be changed; draft a correction that refers to it";
		return SJ_ECONFLICT;
	}
	e = check_links(c, r, in, field, why);
	json_t *body = e ? NULL : body_from(in, json_object_get(pv, "body"));
	char *bj = body ? jdump_dumps(body, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(body);
	if (!e && !bj)
		e = SJ_ENOMEM;
	json_t *act = json_object_get(in, "act_at");
	if (!e) {
		e = db_run(c, sql_pv_upd, "ttittt" "it", jstr(in, "person_id") ? jstr(in, "person_id") : jstr(pv, "person_id"),
			   jstr(in, "custody_id") ? jstr(in, "custody_id") : jstr(pv, "custody_id"),
			   act ? (int64_t)json_integer_value(act) : (int64_t)json_integer_value(json_object_get(pv, "act_at")),
			   jstr(in, "place") ? jstr(in, "place") : jstr(pv, "place"), bj,
			   jstr(in, "drafter_rank") ? jstr(in, "drafter_rank") : jstr(pv, "drafter_rank"),
			   clock_now_ms(), id);
	}
	free(bj);
	if (!e) {
		json_t *fields = json_array();
		const char *k;
		json_t *v;
		json_object_foreach(in, k, v) json_array_append_new(fields, json_string(k));
		e = case_event(c, r->id, u, "pv.edited",
			       json_pack("{s:s,s:s,s:o}", "pv_id", id, "number", jstr(pv, "number"), "fields", fields));
	}
	json_decref(pv);
	return e;
}

/* ---------- sealing ---------- */

static const char sql_custody_for_pv[] =
	"SELECT regime, ground, started_at, deadline_at, extensions, family_informed_at, lawyer_contacted_at,"
	" ended_at, end_kind FROM custodies WHERE id = ?";
static const char sql_pv_seal[] =
	"UPDATE pvs SET status = 'sealed', content = ?, content_hash = ?, signature = ?, key_id = ?, sealed_by = ?,"
	" sealed_at = ?, updated_at = ? WHERE id = ? AND status = 'draft'";

static bool needs_person(const char *type)
{
	return strncmp(type, "hearing_", 8) == 0 || strcmp(type, "confrontation") == 0 ||
	       strcmp(type, "arrest_custody") == 0;
}

sj_err pv_seal(db_conn *c, const auth_user *u, case_ref *r, const char *id, const char **why)
{
	json_t *pv = NULL, *person = NULL, *custody = NULL, *content = NULL;
	char *canon = NULL;
	sj_err e = dbj_one(c, sql_pv_row, PV_COLS, &pv, "t", id);
	if (e)
		return e;
	const char *type = jstr(pv, "type");
	json_t *body = json_object_get(pv, "body");
	const char *statements = jstr(body, "statements"), *sig = jstr(body, "signature"),
		   *refusal = jstr(body, "refusal_reason");
	if (strcmp(jstr(pv, "status"), "draft") != 0) {
		*why = "this PV is already sealed";
		e = SJ_ECONFLICT;
		goto out;
	}
	if (strcmp(r->status, "cancelled") == 0 || strcmp(r->status, "closed") == 0) {
		*why = "the case is closed or cancelled";
		e = SJ_ECONFLICT;
		goto out;
	}
	/* Art 67: what the PV must state before it can be sealed. */
	if (!statements || !*statements) {
		*why = "art 67: the PV must record the statements or the acts done";
		e = SJ_EUNPROCESSABLE;
		goto out;
	}
	if (needs_person(type)) {
		if (!jstr(pv, "person_id")) {
			*why = "art 67: the PV must name the person heard or arrested";
			e = SJ_EUNPROCESSABLE;
			goto out;
		}
		if (!json_is_true(json_object_get(body, "read_back"))) {
			*why = "art 67: the statements must have been read back to the person";
			e = SJ_EUNPROCESSABLE;
			goto out;
		}
		if (!sig) {
			*why = "art 67: the person's signature or thumbprint, or the reason for refusing, is required";
			e = SJ_EUNPROCESSABLE;
			goto out;
		}
		if (strcmp(sig, "refused") == 0 && (!refusal || !*refusal)) {
			*why = "art 67: a refusal to sign needs its reason";
			e = SJ_EUNPROCESSABLE;
			goto out;
		}
	}
	if (strcmp(type, "arrest_custody") == 0 && !jstr(pv, "custody_id")) {
		*why = "art 67: a custody PV names the custody (time of arrest)";
		e = SJ_EUNPROCESSABLE;
		goto out;
	}
	if (jstr(pv, "person_id") && (e = persons_get(c, jstr(pv, "person_id"), &person)))
		goto out;
	if (needs_person(type) && json_is_true(json_object_get(person, "unknown"))) {
		*why = "art 67: the person's identity must be established before sealing";
		e = SJ_EUNPROCESSABLE;
		goto out;
	}
	if (jstr(pv, "custody_id") &&
	    (e = dbj_one(c, sql_custody_for_pv,
			 "regime:t,ground:t,arrested_at:i,deadline_at:i,extensions:i,family_informed_at:i,"
			 "lawyer_contacted_at:i,ended_at:i,end_kind:t",
			 &custody, "t", jstr(pv, "custody_id"))))
		goto out;
	if (person) {
		json_object_del(person, "created_at");
	}
	int64_t now = clock_now_ms();
	content = json_pack("{s:s,s:s,s:{s:s,s:s},s:s,s:s,s:I,s:s?,s:{s:s,s:s,s:s,s:s},s:O?,s:s,s:O?,s:O?,s:O?,"
			    "s:O?,s:s?,s:I,s:{s:s,s:s}}",
			    "format", "sijill-pv-v1", "number", jstr(pv, "number"), "case", "number", r->number, "unit",
			    r->unit_code, "type", type, "frame", jstr(pv, "frame"), "act_at",
			    (json_int_t)json_integer_value(json_object_get(pv, "act_at")), "place", jstr(pv, "place"),
			    "drafter", "name", jstr(pv, "drafter_name"), "rank", jstr(pv, "drafter_rank"), "unit",
			    jstr(pv, "drafter_unit"), "badge", jstr(pv, "drafter_badge"), "person", person,
			    "statements", statements, "read_back", json_object_get(body, "read_back"), "signature",
			    json_object_get(body, "signature"), "refusal_reason", json_object_get(body, "refusal_reason"),
			    "custody", custody, "corrects", jstr(pv, "corrects"), "sealed_at", (json_int_t)now,
			    "sealed_by", "badge", u->badge, "name", u->name);
	if (!content) {
		e = SJ_ENOMEM;
		goto out;
	}
	canon = jdump_dumps(content, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	if (!canon) {
		e = SJ_ENOMEM;
		goto out;
	}
	char hash[65], key_id[17], msg[sizeof PV_SIG_CONTEXT + 64];
	hash_hex(canon, hash);
	snprintf(msg, sizeof msg, "%s%s", PV_SIG_CONTEXT, hash);
	unsigned char sk[crypto_sign_SECRETKEYBYTES], sigb[crypto_sign_BYTES];
	e = opj_secret(c, u->id, sk, key_id);
	if (e)
		goto out;
	crypto_sign_detached(sigb, NULL, (const unsigned char *)msg, strlen(msg), sk);
	sodium_memzero(sk, sizeof sk);
	char sighex[2 * crypto_sign_BYTES + 1];
	sodium_bin2hex(sighex, sizeof sighex, sigb, sizeof sigb);
	e = db_run(c, sql_pv_seal, "tttttiit", canon, hash, sighex, key_id, u->id, now, now, id);
	e = e ? e : case_mark_investigating(c, u, r);
	e = e ? e : case_event(c, r->id, u, "pv.sealed",
			       json_pack("{s:s,s:s,s:s,s:s}", "pv_id", id, "number", jstr(pv, "number"), "hash", hash,
					 "key_id", key_id));
out:
	free(canon);
	json_decref(content);
	json_decref(custody);
	json_decref(person);
	json_decref(pv);
	return e;
}

/* ---------- reads ---------- */

static bool verify(db_conn *c, json_t *pv)
{
	const char *content = jstr(pv, "content"), *hash = jstr(pv, "content_hash"), *sig = jstr(pv, "signature"),
		   *kid = jstr(pv, "key_id");
	if (!content || !hash || !sig || !kid)
		return false;
	char h[65];
	hash_hex(content, h);
	if (strcmp(h, hash) != 0)
		return false;
	json_t *k = NULL;
	if (dbj_one(c, sql_key_by_id, "pk:t", &k, "t", kid))
		return false;
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sb[crypto_sign_BYTES];
	size_t l1 = 0, l2 = 0;
	const char *pkh = jstr(k, "pk");
	bool ok = sodium_hex2bin(pk, sizeof pk, pkh, strlen(pkh), NULL, &l1, NULL) == 0 && l1 == sizeof pk &&
		  sodium_hex2bin(sb, sizeof sb, sig, strlen(sig), NULL, &l2, NULL) == 0 && l2 == sizeof sb;
	json_decref(k);
	char msg[sizeof PV_SIG_CONTEXT + 64];
	snprintf(msg, sizeof msg, "%s%s", PV_SIG_CONTEXT, hash);
	return ok && crypto_sign_verify_detached(sb, (const unsigned char *)msg, strlen(msg), pk) == 0;
}

sj_err pv_get(db_conn *c, const char *id, json_t **out)
{
	*out = NULL;
	if (!id_valid(id))
		return SJ_ENOTFOUND;
	json_t *pv = NULL;
	sj_err e = dbj_one(c, sql_pv_row, PV_COLS, &pv, "t", id);
	if (e)
		return e;
	if (strcmp(jstr(pv, "status"), "sealed") == 0) {
		bool ok = verify(c, pv);
		json_t *content = jdump_loads(jstr(pv, "content"), 0, NULL);
		json_object_set_new(pv, "seal",
				    json_pack("{s:O,s:O,s:O,s:b}", "hash", json_object_get(pv, "content_hash"),
					      "signature", json_object_get(pv, "signature"), "key_id",
					      json_object_get(pv, "key_id"), "verified", ok));
		json_object_set_new(pv, "content", content ? content : json_null());
	} else {
		json_object_del(pv, "content");
	}
	json_object_del(pv, "content_hash");
	json_object_del(pv, "signature");
	json_object_del(pv, "key_id");
	*out = pv;
	return SJ_OK;
}

static const char sql_pv_list[] =
	"SELECT p.id, p.number, p.type, p.status, p.person_id, p.act_at, p.content_hash, p.signature, p.key_id,"
	" p.content, p.sealed_at, c.number FROM pvs p LEFT JOIN pvs c ON c.id = p.corrects_id"
	" WHERE p.case_id = ? AND (? = 0 OR p.status = 'sealed') ORDER BY p.n";

sj_err pv_list(db_conn *c, const char *case_id, bool sealed_only, json_t **out)
{
	json_t *rows = NULL;
	sj_err e = dbj_rows(c, sql_pv_list,
			    "id:t,number:t,type:t,status:t,person_id:t,act_at:i,hash:t,signature:t,key_id:t,content:j,"
			    "sealed_at:i,corrects:t",
			    &rows, "ti", case_id, (int64_t)sealed_only);
	if (e)
		return e;
	if (!sealed_only) {
		size_t i;
		json_t *o;
		json_array_foreach(rows, i, o) {
			json_object_del(o, "content");
			json_object_del(o, "signature");
		}
	}
	*out = rows;
	return SJ_OK;
}

/* ---------- signing other sealed documents (comms, issue 15) ----------
 * Additive: the same per-user key and construction as a PV seal, for any
 * canonical content, under the caller's context string. Key management is
 * to move into its own module (insider-holes issue); callers only see these
 * two functions. */

sj_err pv_sign_content(db_conn *c, const char *user_id, const char *context, const char *content,
		       char hash[65], char sig[2 * 64 + 1], char key_id[17])
{
	if (!context || strlen(context) > 64 || !content)
		return SJ_EINVAL;
	char msg[64 + 65];
	unsigned char sk[crypto_sign_SECRETKEYBYTES], sigb[crypto_sign_BYTES];
	hash_hex(content, hash);
	snprintf(msg, sizeof msg, "%s%s", context, hash);
	sj_err e = opj_secret(c, user_id, sk, key_id);
	if (e)
		return e;
	crypto_sign_detached(sigb, NULL, (const unsigned char *)msg, strlen(msg), sk);
	sodium_memzero(sk, sizeof sk);
	sodium_bin2hex(sig, 2 * crypto_sign_BYTES + 1, sigb, sizeof sigb);
	return SJ_OK;
}

bool pv_verify_content(db_conn *c, const char *context, const char *content, const char *hash, const char *sig,
		       const char *key_id)
{
	if (!context || strlen(context) > 64 || !content || !hash || !sig || !key_id)
		return false;
	char mine[65], msg[64 + 65];
	hash_hex(content, mine);
	if (strcmp(mine, hash) != 0)
		return false;
	json_t *k = NULL;
	if (dbj_one(c, sql_key_by_id, "pk:t", &k, "t", key_id))
		return false;
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sb[crypto_sign_BYTES];
	size_t l1 = 0, l2 = 0;
	const char *pkh = jstr(k, "pk");
	snprintf(msg, sizeof msg, "%s%s", context, hash);
	bool ok = pkh && sodium_hex2bin(pk, sizeof pk, pkh, strlen(pkh), NULL, &l1, NULL) == 0 && l1 == sizeof pk &&
		  sodium_hex2bin(sb, sizeof sb, sig, strlen(sig), NULL, &l2, NULL) == 0 && l2 == sizeof sb &&
		  crypto_sign_verify_detached(sb, (const unsigned char *)msg, strlen(msg), pk) == 0;
	json_decref(k);
	return ok;
}
