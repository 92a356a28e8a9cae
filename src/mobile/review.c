/* review.c — the supervisor's end-of-day review on the kit, and the sealed
 * packet each approved application becomes: hashed (BLAKE2b-256), signed by
 * the kit (its exchange key), encrypted to central (libsodium sealed box to
 * central's box key, provisioned by the kit feed), and written to
 * mob_packets — an exchanged table, so the outbox carries it to central
 * (resumable, idempotent: xchg_rows is keyed by the packet's id). */
#include "mobile/mobile.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/id.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "exchange/exchange.h"

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

REC_ENUM_DEF(decisions, "mob_decision", "approved", "rejected");

#define REVIEW_FIELDS(X) \
	X(V, decision, ENUM, 0, 0, &decisions, IN | REQ) \
	X(V, reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | NULLABLE)
static const rec_field review_fields[] = {REVIEW_FIELDS(REC_FIELD)};
const rec_desc mob_review_rec = REC_DESC("mob_review", NULL, review_fields, NULL);

#define REVIEWS_FIELDS(X) X(V, items, ARRAY, 0, 0, &mob_enrolment_rec, OUT)
static const rec_field reviews_fields[] = {REVIEWS_FIELDS(REC_FIELD)};
const rec_desc mob_reviews_rec = REC_DESC("mob_reviews", NULL, reviews_fields, NULL);

#define PACKET_FIELDS(X) \
	X(C, unit_id, ID, 0, 36, NULL, 0) \
	X(C, enrolment_id, ID, 0, 36, NULL, OUT) \
	X(C, application_no, CODE, 1, 64, NULL, OUT) \
	X(C, sealed_at, TIME, 0, 0, NULL, OUT) \
	X(C, packet_hash, CODE, MOB_HASH_HEX, MOB_HASH_HEX, NULL, OUT) \
	X(C, kit_key, CODE, MOB_HASH_HEX, MOB_HASH_HEX, NULL, OUT) \
	X(C, signature, CODE, 128, 128, NULL, OUT) \
	X(C, box, TEXT, 1, MOB_MAX_PACKET, NULL, 0) \
	X(C, size, INT, 0, 0, NULL, OUT)
static const rec_field packet_fields[] = {REC_ID_FIELD, PACKET_FIELDS(REC_FIELD)};
const rec_desc mob_packet_rec = REC_DESC("mob_packet", "mob_packets", packet_fields, NULL);

/* ------------------------------------------------------------ review */

static const char sql_pending[] =
	"SELECT id FROM mob_enrolments WHERE tour_id = ? AND status = 'signed' ORDER BY created_at, id";

/* supervisor: the actor supervises tour_id. */
static sj_err supervisor(db_conn *c, const sj_actor *a, const char *tour_id, const char **why)
{
	bool yes = false;
	sj_err e = mob_tour_member(c, tour_id, a->id, "supervisor", &yes);
	if (!e && !yes) {
		*why = "not-supervisor";
		e = SJ_ECONFLICT;
	}
	return e;
}

sj_err mob_review_list(db_conn *c, const sj_actor *a, const char *tour_id, json_t **out, const char **why)
{
	*out = NULL;
	json_t *t = NULL, *ids = NULL, *items = json_array();
	sj_err e = mob_tour_read(c, a, tour_id, &t, why);
	json_decref(t);
	e = e ? e : dbj_rows(c, sql_pending, "id:t", &ids, "t", tour_id);
	size_t i;
	json_t *r;
	json_array_foreach(ids, i, r) {
		json_t *o = NULL;
		if (e || (e = mob_enrolment_read(c, a, js(r, "id"), &o, why)))
			break;
		json_object_del(o, "captures");
		json_array_append_new(items, o);
	}
	json_decref(ids);
	if (e) {
		json_decref(items);
		return e;
	}
	*out = json_pack("{s:o}", "items", items);
	return *out ? SJ_OK : SJ_ENOMEM;
}

static const char sql_decide[] =
	"UPDATE mob_enrolments SET status = ?, reviewed_by = ?, reviewed_at = ?, reject_reason = ?"
	" WHERE id = ? AND status = 'signed'";

sj_err mob_review(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out, const char **why)
{
	*out = NULL;
	json_t *o = NULL;
	sj_err e = mob_enrolment_read(c, a, id, &o, why);
	if (!e && !actor_can_write(a, js(o, "unit_path")))
		e = SJ_EFORBIDDEN;
	e = e ? e : supervisor(c, a, js(o, "tour_id"), why);
	if (!e && strcmp(js(o, "status"), "signed") != 0) {
		*why = "enrolment-not-signed";
		e = SJ_ECONFLICT;
	}
	json_decref(o);
	if (e)
		return e;
	bool approve = strcmp(js(in, "decision"), "approved") == 0;
	if (!approve && !js(in, "reason")) {
		*why = "rejection-needs-reason";
		return SJ_EUNPROCESSABLE;
	}
	e = db_run(c, sql_decide, "ttitt", approve ? "approved" : "rejected", a->id, clock_now_ms(),
		   approve ? NULL : js(in, "reason"), id);
	if (!e && approve && (e = mob_packet_seal(c, id)) == SJ_ENOTFOUND) {
		*why = "no-central-key";
		e = SJ_ECONFLICT;
	}
	return e ? e : mob_enrolment_read(c, a, id, out, why);
}

/* ------------------------------------------------------------ packets */

static const char sql_row[] =
	"SELECT id, application_no, verify_code, request_type, last_name_lat, first_name_lat, last_name_ar, first_name_ar, sex,"
	" birth_date, birth_place, birth_act_no, father_name, mother_name, address, commune, prior_cin,"
	" declaration_no, guardian_name, guardian_cin, documents, fee_ref, alerts, created_at, signed_at,"
	" reviewed_at, tour_id, unit, operator, supervisor FROM mob_enrolments"
	" JOIN (SELECT id AS u_id, code AS unit FROM units) u ON u.u_id = unit_id"
	" JOIN (SELECT id AS o_id, badge AS operator FROM users) o ON o.o_id = operator_id"
	" JOIN (SELECT id AS s_id, badge AS supervisor FROM users) s ON s.s_id = reviewed_by WHERE id = ?";
static const char sql_row_cols[] =
	"id:t,application_no:t,verify_code:t,request_type:t,last_name_lat:t,first_name_lat:t,last_name_ar:t,first_name_ar:t,sex:t,"
	"birth_date:t,birth_place:t,birth_act_no:t,father_name:t,mother_name:t,address:t,commune:t,prior_cin:t,"
	"declaration_no:t,guardian_name:t,guardian_cin:t,documents:j,fee_ref:t,alerts:j,created_at:i,signed_at:i,"
	"reviewed_at:i,tour_id:t,unit:t,operator:t,supervisor:t";
static const char sql_caps[] =
	"SELECT seq, modality, position, quality, accepted, device_serial, data, hash FROM mob_captures"
	" WHERE enrolment_id = ? ORDER BY seq";
static const char sql_excs[] = "SELECT position, reason, notes FROM mob_exceptions WHERE enrolment_id = ? ORDER BY position";
static const char sql_box_key[] = "SELECT value FROM mob_kit_keys WHERE name = 'central_box_key'";

sj_err mob_packet_build(db_conn *c, const char *id, json_t **out)
{
	*out = NULL;
	json_t *row = NULL, *caps = NULL, *excs = NULL;
	sj_err e = dbj_one(c, sql_row, sql_row_cols, &row, "t", id);
	e = e ? e : dbj_rows(c, sql_caps, "seq:i,modality:t,position:t,quality:i,accepted:b,device_serial:t,data:t,hash:t",
			     &caps, "t", id);
	e = e ? e : dbj_rows(c, sql_excs, "position:t,reason:t,notes:t", &excs, "t", id);
	if (e) {
		json_decref(row);
		json_decref(caps);
		return e;
	}
	json_t *ops = json_pack("{s:O,s:O,s:O,s:O,s:O,s:O}", "operator", json_object_get(row, "operator"), "supervisor",
				json_object_get(row, "supervisor"), "created_at", json_object_get(row, "created_at"),
				"signed_at", json_object_get(row, "signed_at"), "reviewed_at",
				json_object_get(row, "reviewed_at"), "unit", json_object_get(row, "unit"));
	static const char *const opcols[] = {"operator", "supervisor", "created_at", "signed_at", "reviewed_at", "unit"};
	for (size_t i = 0; i < sizeof opcols / sizeof opcols[0]; i++)
		json_object_del(row, opcols[i]);
	*out = json_pack("{s:i,s:O,s:o,s:o,s:o,s:o}", "v", 1, "application_no", json_object_get(row, "application_no"),
			 "enrolment", row, "captures", caps, "exceptions", excs, "ops", ops);
	return *out ? SJ_OK : SJ_ENOMEM;
}

static const char sql_sealed[] = "SELECT COUNT(*) FROM mob_packets WHERE enrolment_id = ?";
static const char sql_packet_add[] =
	"INSERT INTO mob_packets (" REC_COLS(PACKET_FIELDS) ") VALUES (" REC_QS(PACKET_FIELDS) ")";
static const char sql_seal_status[] = "UPDATE mob_enrolments SET status = 'sealed' WHERE id = ? AND status = 'approved'";

void mob_packet_hash(const char *text, size_t n, char out[MOB_HASH_HEX + 1])
{
	unsigned char h[crypto_generichash_BYTES];
	crypto_generichash(h, sizeof h, (const unsigned char *)text, n, NULL, 0);
	sodium_bin2hex(out, MOB_HASH_HEX + 1, h, sizeof h);
}

sj_err mob_packet_seal(db_conn *c, const char *id)
{
	int64_t n = 0;
	sj_err e = dbj_int(c, sql_sealed, &n, "t", id);
	if (e || n)
		return e;
	json_t *k = NULL, *p = NULL;
	if ((e = dbj_one(c, sql_box_key, "value:t", &k, "")))
		return e;
	unsigned char pk[crypto_box_PUBLICKEYBYTES];
	const char *hex = js(k, "value");
	bool ok = hex && sodium_hex2bin(pk, sizeof pk, hex, strlen(hex), NULL, NULL, NULL) == 0;
	json_decref(k);
	if (!ok)
		return SJ_ENOTFOUND;
	if ((e = mob_packet_build(c, id, &p)))
		return e;
	char *text = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
	char apno[64];
	snprintf(apno, sizeof apno, "%s", js(p, "application_no"));
	json_decref(p);
	if (!text)
		return SJ_ENOMEM;
	size_t tn = strlen(text);
	if (tn > MOB_MAX_PACKET / 2) {
		free(text);
		return SJ_ELIMIT;
	}
	char hash[MOB_HASH_HEX + 1], msg[80 + MOB_HASH_HEX], sig[XCHG_SIG_HEX + 1], kit[XCHG_KEY_HEX + 1];
	mob_packet_hash(text, tn, hash);
	snprintf(msg, sizeof msg, "sijill-mob-packet-v1|%s", hash);
	xchg_sign_hex(msg, strlen(msg), sig);
	xchg_public_hex(kit);
	size_t bn = tn + crypto_box_SEALBYTES;
	unsigned char *box = malloc(bn);
	size_t b64n = sodium_base64_encoded_len(bn, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = malloc(b64n);
	if (!box || !b64 || crypto_box_seal(box, (const unsigned char *)text, tn, pk) != 0) {
		free(box);
		free(b64);
		free(text);
		return box && b64 ? SJ_ECRYPTO : SJ_ENOMEM;
	}
	free(text);
	sodium_bin2base64(b64, b64n, box, bn, sodium_base64_VARIANT_ORIGINAL);
	free(box);
	char pid[ID_LEN + 1];
	id_new(pid);
	json_t *row = json_pack("{s:s,s:s,s:s,s:I,s:s,s:s,s:s,s:s,s:I}", "id", pid, "enrolment_id", id, "application_no",
				apno, "sealed_at", (json_int_t)clock_now_ms(), "packet_hash", hash, "kit_key", kit,
				"signature", sig, "box", b64, "size", (json_int_t)bn);
	free(b64);
	static const char sql_unit[] = "SELECT unit_id FROM mob_enrolments WHERE id = ?";
	json_t *u = NULL;
	e = row ? dbj_one(c, sql_unit, "unit_id:t", &u, "t", id) : SJ_ENOMEM;
	if (!e)
		json_object_set(row, "unit_id", json_object_get(u, "unit_id"));
	json_decref(u);
	e = e ? e : dbj_write(c, sql_packet_add, &mob_packet_rec, row, false, "");
	json_decref(row);
	return e ? e : db_run(c, sql_seal_status, "t", id);
}
