/* device.c — capture devices modelled on MOSIP's SBI: registered at central
 * with their Ed25519 key, and the verification of each signed capture (its
 * signature, its device, its place in the hash chain) that the kit does on
 * capture and central does again on every packet (mobile.h). */
#include "mobile/mobile.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/id.h"
#include "core/limits.h"
#include "db/dbj.h"

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

REC_ENUM_DEF(device_kinds, "mob_device_kind", "finger", "face");
REC_ENUM_DEF(device_statuses, "mob_device_status", "active", "revoked");

#define DEVICE_FIELDS(X) \
	X(C, serial, CODE, 1, SJ_MAX_REFERENCE, NULL, IN | REQ | OUT) \
	X(C, kind, ENUM, 0, 0, &device_kinds, IN | REQ | OUT) \
	X(C, make, TEXT, 1, SJ_MAX_VEHICLE_TEXT, NULL, IN | REQ | OUT) \
	X(C, model, TEXT, 1, SJ_MAX_VEHICLE_TEXT, NULL, IN | REQ | OUT) \
	X(C, public_key, CODE, MOB_HASH_HEX, MOB_HASH_HEX, NULL, IN | REQ | OUT) \
	X(E, status, ENUM, 0, 0, &device_statuses, OUT) \
	X(C, registered_at, TIME, 0, 0, NULL, OUT) \
	X(C, registered_by, ID, 0, 36, NULL, 0)
static const rec_field device_fields[] = {REC_ID_FIELD, DEVICE_FIELDS(REC_FIELD)};
const rec_desc mob_device_rec = REC_DESC("mob_device", "mob_devices", device_fields, NULL);
#define DEVICES_FIELDS(X) X(V, items, ARRAY, 0, 0, &mob_device_rec, OUT)
static const rec_field devices_fields[] = {DEVICES_FIELDS(REC_FIELD)};
const rec_desc mob_devices_rec = REC_DESC("mob_devices", NULL, devices_fields, NULL);

static const char sql_add[] = "INSERT INTO mob_devices (" REC_COLS(DEVICE_FIELDS) ") VALUES (" REC_QS(DEVICE_FIELDS) ")";
static const char sql_get[] = "SELECT " REC_COLS(DEVICE_FIELDS) " FROM mob_devices WHERE id = ?";
static const char sql_list[] = "SELECT " REC_COLS(DEVICE_FIELDS) " FROM mob_devices ORDER BY serial";
static const char sql_by_serial[] = "SELECT COUNT(*) FROM mob_devices WHERE serial = ?";
static const char sql_key[] = "SELECT public_key FROM mob_devices WHERE serial = ? AND status = 'active'";

sj_err mob_device_register(db_conn *c, const sj_actor *a, json_t *in, json_t **out, const char **field,
			   const char **why)
{
	*out = NULL;
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	const char *hex = js(in, "public_key");
	if (sodium_hex2bin(pk, sizeof pk, hex, strlen(hex), NULL, NULL, NULL) != 0) {
		*field = "public_key";
		*why = "bad-key";
		return SJ_EINVAL;
	}
	int64_t n = 0;
	sj_err e = dbj_int(c, sql_by_serial, &n, "t", js(in, "serial"));
	if (e)
		return e;
	if (n) {
		*why = "device-exists";
		return SJ_ECONFLICT;
	}
	char id[ID_LEN + 1];
	id_new(id);
	json_t *row = json_deep_copy(in);
	json_object_set_new(row, "id", json_string(id));
	json_object_set_new(row, "status", json_string("active"));
	json_object_set_new(row, "registered_at", json_integer(clock_now_ms()));
	json_object_set_new(row, "registered_by", json_string(a->id));
	e = dbj_write(c, sql_add, &mob_device_rec, row, false, "");
	json_decref(row);
	return e ? e : dbj_rec_one(c, sql_get, &mob_device_rec, out, "t", id);
}

sj_err mob_devices_list(db_conn *c, json_t **out)
{
	json_t *rows = NULL;
	sj_err e = dbj_rec_rows(c, sql_list, &mob_device_rec, &rows, "");
	if (!e && !(*out = json_pack("{s:o}", "items", rows)))
		e = SJ_ENOMEM;
	return e;
}

/* ------------------------------------------------------------ hashes */

void mob_sha256_hex(const void *p, size_t n, char out[MOB_HASH_HEX + 1])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, p, n);
	sodium_bin2hex(out, MOB_HASH_HEX + 1, h, sizeof h);
}

void mob_chain_genesis(char out[MOB_HASH_HEX + 1])
{
	mob_sha256_hex("", 0, out);
}

bool mob_b64url_decode(const char *text, size_t max, unsigned char **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	size_t len = text ? strlen(text) : 0;
	if (!len || len / 4 * 3 + 3 > max)
		return false;
	unsigned char *p = malloc(len / 4 * 3 + 3);
	if (!p)
		return false;
	if (sodium_base642bin(p, len / 4 * 3 + 3, text, len, NULL, n, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING)) {
		free(p);
		return false;
	}
	*out = p;
	return true;
}

/* ------------------------------------------------------------ a capture */

sj_err mob_capture_verify(db_conn *c, json_t *bio, const char *prev_hash, const char *txn, json_t **payload,
			  char hash_out[MOB_HASH_HEX + 1], const char **why)
{
	*payload = NULL;
	const char *data = js(bio, "data"), *hash = js(bio, "hash");
	*why = "capture-malformed";
	if (!data || !hash || strlen(data) > MOB_MAX_JWS)
		return SJ_EUNPROCESSABLE;
	const char *d1 = strchr(data, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	if (!d1 || !d2 || strchr(d2 + 1, '.'))
		return SJ_EUNPROCESSABLE;
	/* the header names the device ("kid": its serial): the signature is
	 * checked before anything of the payload is believed */
	char *hd_b64 = strndup(data, (size_t)(d1 - data)), *pl_b64 = strndup(d1 + 1, (size_t)(d2 - d1 - 1));
	unsigned char *hd = NULL, *pl = NULL, *sig = NULL;
	size_t hdn = 0, pln = 0, sign = 0;
	json_t *p = NULL, *h = NULL, *k = NULL;
	sj_err e = SJ_EUNPROCESSABLE;
	if (!hd_b64 || !pl_b64 || !mob_b64url_decode(hd_b64, 4096, &hd, &hdn) ||
	    !mob_b64url_decode(d2 + 1, 256, &sig, &sign) || sign != crypto_sign_BYTES)
		goto out;
	h = json_loadb((const char *)hd, hdn, 0, NULL);
	const char *serial = js(h, "kid");
	if (!serial || !js(h, "alg") || strcmp(js(h, "alg"), "EdDSA") != 0)
		goto out;
	e = dbj_one(c, sql_key, "public_key:t", &k, "t", serial);
	if (e == SJ_ENOTFOUND) {
		*why = "device-unregistered";
		e = SJ_EUNPROCESSABLE;
		goto out;
	}
	if (e)
		goto out;
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	const char *hex = js(k, "public_key");
	bool keyok = sodium_hex2bin(pk, sizeof pk, hex, strlen(hex), NULL, NULL, NULL) == 0;
	e = SJ_EUNPROCESSABLE;
	if (!keyok || crypto_sign_verify_detached(sig, (const unsigned char *)data, (size_t)(d2 - data), pk) != 0) {
		*why = "capture-signature";
		goto out;
	}
	if (!mob_b64url_decode(pl_b64, MOB_MAX_JWS, &pl, &pln))
		goto out;
	p = json_loadb((const char *)pl, pln, 0, NULL);
	if (!p || !js(json_object_get(p, "digitalId"), "serialNo") ||
	    strcmp(js(json_object_get(p, "digitalId"), "serialNo"), serial) != 0 || !js(p, "bioValue") ||
	    !json_is_integer(json_object_get(p, "qualityScore")))
		goto out;
	if (!txn || !js(p, "transactionId") || strcmp(js(p, "transactionId"), txn) != 0) {
		*why = "capture-transaction";
		goto out;
	}
	unsigned char *bv = NULL;
	size_t bvn = 0;
	if (!mob_b64url_decode(js(p, "bioValue"), MOB_MAX_JWS, &bv, &bvn))
		goto out;
	char bh[MOB_HASH_HEX + 1], link[2 * MOB_HASH_HEX + 1], want[MOB_HASH_HEX + 1];
	mob_sha256_hex(bv, bvn, bh);
	free(bv);
	snprintf(link, sizeof link, "%s%s", prev_hash, bh);
	mob_sha256_hex(link, strlen(link), want);
	if (strcmp(want, hash) != 0) {
		*why = "capture-chain";
		goto out;
	}
	json_object_set_new(p, "bio_hash", json_string(bh));
	json_object_del(p, "bioValue");
	snprintf(hash_out, MOB_HASH_HEX + 1, "%s", want);
	*payload = p;
	p = NULL;
	*why = NULL;
	e = SJ_OK;
out:
	json_decref(p);
	json_decref(h);
	json_decref(k);
	free(hd_b64);
	free(hd);
	free(pl_b64);
	free(pl);
	free(sig);
	return e;
}
