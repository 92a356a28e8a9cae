/* enrol.c — an application for a CNIE recorded on the kit, offline: the
 * request and its documents checked against the rules in force, captures
 * from registered devices verified and chained, exceptions with their
 * photo, the operator's sign-off (mobile.h). */
#include "mobile/mobile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/cases.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "exchange/exchange.h"
#include "desk/desk.h"
#include "org/units.h"
#include "persons/persons.h"

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* ------------------------------------------------------------ the records */

REC_ENUM_DEF(request_types, "mob_request_type", "first", "renewal", "duplicate", "change", "minor");
REC_ENUM_DEF(statuses, "mob_enrolment_status", "capturing", "signed", "approved", "rejected", "sealed");
REC_ENUM_DEF(modalities, "mob_modality", "finger", "face", "exception_photo");
REC_ENUM_DEF(exc_reasons, "mob_exception_reason", "amputated", "injured", "unreadable", "other");
REC_ENUM_DEF(doc_kinds, "mob_document_kind", "birth_extract", "residence_certificate", "old_card",
	     "loss_declaration", "supporting_act", "guardian_card");

#define DOC_FIELDS(X) \
	X(V, kind, ENUM, 0, 0, &doc_kinds, IN | REQ | OUT) \
	X(V, number, CODE, 1, SJ_MAX_REFERENCE, NULL, IN | REQ | OUT) \
	X(V, verified, BOOL, 0, 0, NULL, OUT)
static const rec_field doc_fields[] = {DOC_FIELDS(REC_FIELD)};
const rec_desc mob_document_rec = REC_DESC("mob_document", NULL, doc_fields, NULL);

#define CAPTURE_FIELDS(X) \
	X(C, enrolment_id, ID, 0, 36, NULL, 0) \
	X(C, seq, INT, 0, 0, NULL, OUT) \
	X(C, modality, ENUM, 0, 0, &modalities, OUT) \
	X(C, position, TEXT, 1, MOB_POS_MAX, NULL, OUT) \
	X(C, quality, INT, 0, 100, NULL, OUT) \
	X(C, accepted, BOOL, 0, 0, NULL, OUT) \
	X(C, device_serial, CODE, 1, SJ_MAX_REFERENCE, NULL, OUT) \
	X(C, data, TEXT, 1, MOB_MAX_JWS, NULL, 0) \
	X(C, bio_hash, CODE, MOB_HASH_HEX, MOB_HASH_HEX, NULL, OUT) \
	X(C, hash, CODE, MOB_HASH_HEX, MOB_HASH_HEX, NULL, OUT) \
	X(C, captured_at, TIME, 0, 0, NULL, OUT)
static const rec_field capture_fields[] = {REC_ID_FIELD, CAPTURE_FIELDS(REC_FIELD)};
const rec_desc mob_capture_rec = REC_DESC("mob_capture", "mob_captures", capture_fields, NULL);

#define EXC_FIELDS(X) \
	X(C, enrolment_id, ID, 0, 36, NULL, 0) \
	X(C, position, TEXT, 1, MOB_POS_MAX, NULL, IN | REQ | OUT) \
	X(C, reason, ENUM, 0, 0, &exc_reasons, IN | REQ | OUT) \
	X(C, notes, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | OUT | NULLABLE) \
	X(C, recorded_at, TIME, 0, 0, NULL, OUT)
static const rec_field exc_fields[] = {REC_ID_FIELD, EXC_FIELDS(REC_FIELD)};
const rec_desc mob_exception_rec = REC_DESC("mob_exception", "mob_exceptions", exc_fields, NULL);

/* POST /mobile/enrolments/{id}/captures: what the device answered (SBI
 * biometrics, checked here) and the exceptions. */
#define CAPTURES_FIELDS(X) \
	X(V, biometrics, ANY, 0, 0, NULL, IN | REQ) \
	X(V, exceptions, ARRAY, 0, MOB_MAX_EXCEPTIONS, &mob_exception_rec, IN | NULLABLE)
static const rec_field captures_fields[] = {CAPTURES_FIELDS(REC_FIELD)};
const rec_desc mob_captures_rec = REC_DESC("mob_captures", NULL, captures_fields, NULL);

#define ENROL_FIELDS(X) \
	X(C, unit_id, ID, 0, 36, NULL, 0) \
	X(C, tour_id, ID, 0, 36, NULL, IN | REQ | OUT) \
	X(C, application_no, CODE, 1, CASE_NUMBER_MAX, NULL, OUT) \
	X(C, verify_code, CODE, 1, DESK_CODE_LEN, NULL, OUT) \
	X(C, request_type, ENUM, 0, 0, &request_types, IN | REQ | OUT) \
	X(C, last_name_lat, TEXT, 1, SJ_MAX_NAME, NULL, IN | REQ | OUT | PII) \
	X(C, first_name_lat, TEXT, 1, SJ_MAX_NAME, NULL, IN | REQ | OUT | PII) \
	X(C, last_name_ar, TEXT, 1, SJ_MAX_NAME, NULL, IN | REQ | OUT | PII) \
	X(C, first_name_ar, TEXT, 1, SJ_MAX_NAME, NULL, IN | REQ | OUT | PII) \
	X(C, sex, ENUM, 0, 1, &person_sexes, IN | REQ | OUT | PII) \
	X(C, birth_date, DATE, 0, 10, NULL, IN | REQ | OUT | PII) \
	X(C, birth_place, TEXT, 2, SJ_MAX_SHORT_TEXT, NULL, IN | REQ | OUT | PII) \
	X(C, birth_act_no, CODE, 1, SJ_MAX_REFERENCE, NULL, IN | REQ | OUT | PII) \
	X(C, father_name, TEXT, 1, SJ_MAX_NAME, NULL, IN | REQ | OUT | PII) \
	X(C, mother_name, TEXT, 1, SJ_MAX_NAME, NULL, IN | REQ | OUT | PII) \
	X(C, address, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | REQ | OUT | PII) \
	X(C, commune, CODE, 1, SJ_MAX_REFERENCE, NULL, IN | REQ | OUT) \
	X(C, prior_cin, CIN, 1, SJ_MAX_CIN_TYPED, NULL, IN | OUT | PII | NULLABLE) \
	X(C, declaration_no, CODE, 1, CASE_NUMBER_MAX, NULL, IN | OUT | NULLABLE) \
	X(C, guardian_name, TEXT, 1, SJ_MAX_NAME, NULL, IN | OUT | PII | NULLABLE) \
	X(C, guardian_cin, CIN, 1, SJ_MAX_CIN_TYPED, NULL, IN | OUT | PII | NULLABLE) \
	X(C, documents, JSON, 0, 0, NULL, OUT) \
	X(C, fee_ref, CODE, 1, SJ_MAX_REFERENCE, NULL, IN | OUT | NULLABLE) \
	X(E, status, ENUM, 0, 0, &statuses, OUT) \
	X(E, chain_head, CODE, MOB_HASH_HEX, MOB_HASH_HEX, NULL, OUT) \
	X(E, alerts, JSON, 0, 0, NULL, OUT) \
	X(C, operator_id, ID, 0, 36, NULL, 0) \
	X(C, created_at, TIME, 0, 0, NULL, OUT) \
	X(E, signed_at, TIME, 0, 0, NULL, OUT) \
	X(E, reviewed_by, ID, 0, 36, NULL, 0) \
	X(E, reviewed_at, TIME, 0, 0, NULL, OUT) \
	X(E, reject_reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, name_key, CODE, 0, NK_KEY_MAX_, NULL, 0) \
	X(E, central_status, CODE, 1, 32, NULL, OUT) \
	X(E, central_reason, CODE, 1, 64, NULL, OUT) \
	X(E, central_at, TIME, 0, 0, NULL, OUT) \
	X(E, handed_at, TIME, 0, 0, NULL, OUT) \
	X(E, handed_by, ID, 0, 36, NULL, 0) \
	X(E, handover_check, CODE, 1, 16, NULL, OUT) \
	X(E, handover_reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(E, old_card_collected, BOOL, 0, 0, NULL, OUT) \
	X(E, pin_envelope, CODE, 1, SJ_MAX_REFERENCE, NULL, OUT) \
	X(V, docs, ARRAY, 1, MOB_MAX_DOCS, &mob_document_rec, IN | REQ) \
	X(V, operator, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(V, supervisor, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(V, tour_code, CODE, 1, CASE_NUMBER_MAX, NULL, OUT) \
	X(V, unit, CODE, 1, UNIT_CODE_MAX, NULL, OUT) \
	X(V, unit_name_fr, TEXT, 1, UNIT_NAME_MAX, NULL, OUT) \
	X(V, unit_name_ar, TEXT, 1, UNIT_NAME_MAX, NULL, OUT) \
	X(V, unit_path, TEXT, 1, UNIT_PATH_MAX, NULL, 0) \
	X(V, captures, ARRAY, 0, 0, &mob_capture_rec, OUT) \
	X(V, exceptions, ARRAY, 0, 0, &mob_exception_rec, OUT) \
	X(V, sent, BOOL, 0, 0, NULL, OUT) \
	X(V, device_url, TEXT, 0, 256, NULL, OUT)
#define NK_KEY_MAX_ 64
static const rec_field enrol_fields[] = {REC_ID_FIELD, ENROL_FIELDS(REC_FIELD)};
const rec_desc mob_enrolment_rec = REC_DESC("mob_enrolment", "mob_enrolments", enrol_fields, NULL);

#define OPRINT_FIELDS(X) \
	X(C, user_id, ID, 0, 36, NULL, 0) \
	X(C, bio_hash, CODE, MOB_HASH_HEX, MOB_HASH_HEX, NULL, OUT) \
	X(C, at, TIME, 0, 0, NULL, OUT) \
	X(V, biometrics, ANY, 0, 0, NULL, IN | REQ)
static const rec_field oprint_fields[] = {REC_ID_FIELD, OPRINT_FIELDS(REC_FIELD)};
const rec_desc mob_operator_print_rec = REC_DESC("mob_operator_print", "mob_operator_prints", oprint_fields, NULL);

/* ------------------------------------------------------------ SQL */

static const char sql_add[] =
	"INSERT INTO mob_enrolments (" REC_COLS(ENROL_FIELDS) ") VALUES (" REC_QS(ENROL_FIELDS) ")";
static const char sql_get[] =
	"SELECT " REC_COLS(ENROL_FIELDS) ", operator, supervisor, tour_code, unit, unit_name_fr, unit_name_ar, unit_path"
	" FROM mob_enrolments"
	" JOIN (SELECT id AS u_id, code AS unit, name_fr AS unit_name_fr, name_ar AS unit_name_ar, path AS unit_path"
	" FROM units) u ON u.u_id = unit_id"
	" JOIN (SELECT id AS o_id, badge AS operator FROM users) o ON o.o_id = operator_id"
	" JOIN (SELECT t.id AS t_id, t.code AS tour_code, s.badge AS supervisor FROM mob_tours t"
	" JOIN users s ON s.id = t.supervisor_id) t ON t.t_id = tour_id WHERE id = ?";
static char device_url[256];

void mob_device_configure(const char *url)
{
	snprintf(device_url, sizeof device_url, "%s", url ? url : "");
}

static const char sql_packet_of[] = "SELECT id FROM mob_packets WHERE enrolment_id = ?";
static const char sql_caps[] =
	"SELECT id, seq, modality, position, quality, accepted, device_serial, bio_hash, hash, captured_at"
	" FROM mob_captures WHERE enrolment_id = ? ORDER BY seq";
static const char sql_excs[] =
	"SELECT id, position, reason, notes, recorded_at FROM mob_exceptions WHERE enrolment_id = ? ORDER BY position";
static const char sql_tour[] =
	"SELECT status, unit_id, code, path FROM mob_tours JOIN (SELECT id AS u_id, path FROM units) u"
	" ON u.u_id = unit_id WHERE id = ?";
static const char sql_residence[] =
	"SELECT COUNT(*) FROM residence_certificates WHERE (serial_no = ? OR verify_no = ?) AND status = 'issued'";

static void name_key(json_t *in, char *out, size_t n)
{
	mob_name_key(js(in, "last_name_lat"), js(in, "first_name_lat"), out, n);
}

/* documents checks in.docs against the rule's list for the request type and
 * verifies what the kit can (a residence certificate in the desk's
 * register). *docs (new) is what is stored. */
static sj_err documents(db_conn *c, json_t *in, json_t *rule, json_t **docs, const char **field, const char **why)
{
	*docs = json_array();
	json_t *need = json_object_get(json_object_get(rule, "documents"), js(in, "request_type"));
	size_t i, j;
	json_t *k, *d;
	json_array_foreach(need, i, k) {
		bool have = false;
		json_array_foreach(json_object_get(in, "docs"), j, d) if (strcmp(js(d, "kind"), json_string_value(k)) == 0)
			have = true;
		if (!have) {
			json_decref(*docs);
			*docs = NULL;
			*field = "docs";
			*why = "document-missing";
			return SJ_EINVAL;
		}
	}
	json_array_foreach(json_object_get(in, "docs"), j, d) {
		int64_t n = 0;
		if (strcmp(js(d, "kind"), "residence_certificate") == 0) {
			char pub[DESK_NUMBER_MAX + 1];
			desk_public_number(js(d, "number"), pub);
			sj_err e = dbj_int(c, sql_residence, &n, "tt", js(d, "number"), pub);
			if (e) {
				json_decref(*docs);
				*docs = NULL;
				return e;
			}
		}
		json_array_append_new(*docs, json_pack("{s:s,s:s,s:b}", "kind", js(d, "kind"), "number", js(d, "number"),
						       "verified", n > 0));
	}
	return SJ_OK;
}

/* request_rules: what the request type asks of the applicant's age and
 * identity. */
static sj_err request_rules(json_t *in, json_t *rule, const char *today, const char **field, const char **why)
{
	const char *rt = js(in, "request_type");
	int age = mob_age_on(js(in, "birth_date"), today);
	if (age < 0 || strcmp(js(in, "birth_date"), today) > 0) {
		*field = "birth_date";
		*why = "in-future";
		return SJ_EINVAL;
	}
	if (strcmp(rt, "minor") == 0 && age >= 18) {
		*field = "request_type";
		*why = "not-a-minor";
		return SJ_EINVAL;
	}
	if ((strcmp(rt, "minor") == 0 || age < json_integer_value(json_object_get(rule, "mandatory_from_age"))) &&
	    !js(in, "guardian_name")) {
		*field = "guardian_name";
		*why = "required";
		return SJ_EINVAL;
	}
	if ((strcmp(rt, "renewal") == 0 || strcmp(rt, "change") == 0 || strcmp(rt, "duplicate") == 0) &&
	    !js(in, "prior_cin")) {
		*field = "prior_cin";
		*why = "required";
		return SJ_EINVAL;
	}
	if (strcmp(rt, "duplicate") == 0 && !js(in, "declaration_no")) {
		*field = "declaration_no";
		*why = "required";
		return SJ_EINVAL;
	}
	return SJ_OK;
}

sj_err mob_enrol(db_conn *c, const sj_actor *a, json_t *in, json_t **out, const char **field, const char **why)
{
	*out = NULL;
	json_t *t = NULL, *rule = NULL, *docs = NULL;
	sj_err e = dbj_one(c, sql_tour, "status:t,unit_id:t,code:t,path:t", &t, "t", js(in, "tour_id"));
	if (e == SJ_ENOTFOUND) {
		*field = "tour_id";
		*why = "tour-not-found";
		return SJ_EINVAL;
	}
	if (e)
		return e;
	bool member = false;
	const char *st = js(t, "status");
	if (!actor_can_write(a, js(t, "path")))
		e = SJ_EFORBIDDEN;
	if (!e && strcmp(st, "planned") != 0 && strcmp(st, "provisioned") != 0) {
		*why = "tour-closed";
		e = SJ_ECONFLICT;
	}
	e = e ? e : mob_tour_member(c, js(in, "tour_id"), a->id, "operator", &member);
	if (!e && !member) {
		*why = "not-on-team";
		e = SJ_ECONFLICT;
	}
	int64_t now = clock_now_ms(), year = clock_legal_year(now), n = 0;
	char today[11];
	clock_legal_date(now, today);
	if (!e && (e = mob_rule_at(c, today, &rule)) == SJ_ENOTFOUND) {
		*why = "no-cnie-rule";
		e = SJ_ECONFLICT;
	}
	e = e ? e : request_rules(in, rule, today, field, why);
	e = e ? e : documents(c, in, rule, &docs, field, why);
	e = e ? e : case_counter_next(c, "mobile_enrolment", js(t, "unit_id"), year, &n);
	if (e) {
		json_decref(t);
		json_decref(rule);
		json_decref(docs);
		return e;
	}
	char id[ID_LEN + 1], no[CASE_NUMBER_MAX + 1], code[DESK_CODE_LEN + 1], head[MOB_HASH_HEX + 1], key[64];
	id_new(id);
	snprintf(no, sizeof no, "%s/%lld/EN-%06lld", a->unit_code, (long long)year, (long long)n);
	desk_new_code(code);
	mob_chain_genesis(head);
	name_key(in, key, sizeof key);
	json_t *row = json_deep_copy(in);
	json_object_set_new(row, "id", json_string(id));
	json_object_set_new(row, "unit_id", json_string(js(t, "unit_id")));
	json_object_set_new(row, "application_no", json_string(no));
	json_object_set_new(row, "verify_code", json_string(code));
	json_object_set_new(row, "documents", docs);
	json_object_set_new(row, "status", json_string("capturing"));
	json_object_set_new(row, "chain_head", json_string(head));
	json_object_set_new(row, "alerts", json_array());
	json_object_set_new(row, "operator_id", json_string(a->id));
	json_object_set_new(row, "created_at", json_integer(now));
	json_object_set_new(row, "name_key", json_string(key));
	e = dbj_write(c, sql_add, &mob_enrolment_rec, row, false, "");
	json_decref(row);
	json_decref(t);
	json_decref(rule);
	return e ? e : mob_enrolment_read(c, a, id, out, why);
}

sj_err mob_enrolment_read(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why)
{
	*out = NULL;
	json_t *o = NULL, *caps = NULL, *excs = NULL;
	sj_err e = id_valid(id) ? dbj_rec_one(c, sql_get, &mob_enrolment_rec, &o, "t", id) : SJ_ENOTFOUND;
	if (e == SJ_ENOTFOUND)
		*why = "enrolment-not-found";
	if (!e && !actor_can_read(a, js(o, "unit_path")))
		e = SJ_EFORBIDDEN;
	e = e ? e : dbj_rec_rows(c, sql_caps, &mob_capture_rec, &caps, "t", id);
	e = e ? e : dbj_rec_rows(c, sql_excs, &mob_exception_rec, &excs, "t", id);
	if (e) {
		json_decref(o);
		json_decref(caps);
		return e;
	}
	json_object_set_new(o, "captures", caps);
	json_object_set_new(o, "exceptions", excs);
	/* a sealed application's packet: sent once central acknowledged it */
	json_t *pk = NULL;
	bool sent = false;
	e = js(o, "status") && strcmp(js(o, "status"), "sealed") == 0
		    ? dbj_one(c, sql_packet_of, "id:t", &pk, "t", id)
		    : SJ_ENOTFOUND;
	e = e == SJ_ENOTFOUND ? SJ_OK : e ? e : xchg_row_acked(c, "mob_packets", js(pk, "id"), &sent);
	json_decref(pk);
	if (e) {
		json_decref(o);
		return e;
	}
	json_object_set_new(o, "sent", json_boolean(sent));
	if (device_url[0])
		json_object_set_new(o, "device_url", json_string(device_url));
	*out = o;
	return SJ_OK;
}

/* ------------------------------------------------------------ captures */

static const char sql_cap_add[] =
	"INSERT INTO mob_captures (" REC_COLS(CAPTURE_FIELDS) ") VALUES (" REC_QS(CAPTURE_FIELDS) ")";
static const char sql_exc_add[] =
	"INSERT INTO mob_exceptions (" REC_COLS(EXC_FIELDS) ") VALUES (" REC_QS(EXC_FIELDS) ")"
	" ON CONFLICT (enrolment_id, position) DO NOTHING";
static const char sql_attempts[] =
	"SELECT COUNT(*) FROM mob_captures WHERE enrolment_id = ? AND position = ? AND modality = ?";
static const char sql_operator_print[] = "SELECT COUNT(*) FROM mob_operator_prints WHERE bio_hash = ?";
static const char sql_head[] = "UPDATE mob_enrolments SET chain_head = ? WHERE id = ? AND status = 'capturing'";
static const char sql_exc_photo[] =
	"SELECT COUNT(*) FROM mob_captures WHERE enrolment_id = ? AND modality = 'exception_photo'";

/* writable reads application id for a change by its operator in state want. */
static sj_err writable(db_conn *c, const sj_actor *a, const char *id, const char *want, const char *refusal,
		       json_t **o, const char **why)
{
	sj_err e = mob_enrolment_read(c, a, id, o, why);
	if (!e && !actor_can_write(a, js(*o, "unit_path")))
		e = SJ_EFORBIDDEN;
	if (!e && strcmp(js(*o, "status"), want) != 0) {
		*why = refusal;
		e = SJ_ECONFLICT;
	}
	if (e) {
		json_decref(*o);
		*o = NULL;
	}
	return e;
}

/* modality_of maps SBI's bioType and bioSubType. */
static const char *modality_of(json_t *p)
{
	const char *t = js(p, "bioType"), *s = js(p, "bioSubType");
	if (t && strcmp(t, "Finger") == 0)
		return "finger";
	if (t && strcmp(t, "Face") == 0)
		return s && strcmp(s, "ExceptionPhoto") == 0 ? "exception_photo" : "face";
	return NULL;
}

sj_err mob_captures_add(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out, const char **field,
			const char **why)
{
	*out = NULL;
	json_t *o = NULL, *rule = NULL;
	sj_err e = writable(c, a, id, "capturing", "enrolment-not-capturing", &o, why);
	if (e)
		return e;
	if (strcmp(js(o, "operator"), a->badge) != 0) {
		json_decref(o);
		*why = "not-operator";
		return SJ_ECONFLICT;
	}
	char today[11], head[MOB_HASH_HEX + 1];
	clock_legal_date(clock_now_ms(), today);
	snprintf(head, sizeof head, "%s", js(o, "chain_head"));
	int64_t seq = (int64_t)json_array_size(json_object_get(o, "captures"));
	json_decref(o);
	if ((e = mob_rule_at(c, today, &rule)) == SJ_ENOTFOUND) {
		*why = "no-cnie-rule";
		return SJ_ECONFLICT;
	}
	if (e)
		return e;
	json_t *bios = json_object_get(in, "biometrics");
	if (!json_is_array(bios) || json_array_size(bios) > MOB_MAX_CAPTURES) {
		json_decref(rule);
		*field = "biometrics";
		*why = "type";
		return SJ_EINVAL;
	}
	int64_t retries = json_integer_value(json_object_get(rule, "max_retries")), now = clock_now_ms();
	size_t i;
	json_t *b;
	json_array_foreach(bios, i, b) {
		json_t *p = NULL;
		char hash[MOB_HASH_HEX + 1];
		if ((e = mob_capture_verify(c, b, head, id, &p, hash, why)))
			break;
		const char *mod = modality_of(p), *pos = js(p, "bioSubType");
		if (!mod || !pos || strlen(pos) > MOB_POS_MAX) {
			json_decref(p);
			*why = "capture-malformed";
			e = SJ_EUNPROCESSABLE;
			break;
		}
		int64_t q = json_integer_value(json_object_get(p, "qualityScore")), n = 0;
		int64_t th = json_integer_value(json_object_get(json_object_get(rule, "quality"),
								strcmp(mod, "finger") == 0 ? "finger" : "face"));
		e = dbj_int(c, sql_attempts, &n, "ttt", id, pos, mod);
		if (!e && strcmp(mod, "exception_photo") != 0 && n >= retries) {
			*why = "retries-exhausted";
			e = SJ_EUNPROCESSABLE;
		}
		e = e ? e : dbj_int(c, sql_operator_print, &n, "t", js(p, "bio_hash"));
		if (!e && n) {
			*why = "operator-capture";
			e = SJ_EUNPROCESSABLE;
		}
		if (!e) {
			char cid[ID_LEN + 1];
			id_new(cid);
			json_t *row = json_pack("{s:s,s:s,s:I,s:s,s:s,s:I,s:b,s:s,s:s,s:s,s:s,s:I}", "id", cid,
						"enrolment_id", id, "seq", (json_int_t)++seq, "modality", mod, "position",
						pos, "quality", (json_int_t)q, "accepted", q >= th, "device_serial",
						js(json_object_get(p, "digitalId"), "serialNo"), "data", js(b, "data"),
						"bio_hash", js(p, "bio_hash"), "hash", hash, "captured_at", (json_int_t)now);
			e = row ? dbj_write(c, sql_cap_add, &mob_capture_rec, row, false, "") : SJ_ENOMEM;
			json_decref(row);
			snprintf(head, sizeof head, "%s", hash);
		}
		json_decref(p);
		if (e)
			break;
	}
	json_decref(rule);
	if (!e && json_array_size(json_object_get(in, "exceptions"))) {
		int64_t n = 0;
		e = dbj_int(c, sql_exc_photo, &n, "t", id);
		if (!e && !n) {
			*why = "exception-photo-missing";
			e = SJ_EUNPROCESSABLE;
		}
		json_array_foreach(json_object_get(in, "exceptions"), i, b) {
			if (e)
				break;
			char xid[ID_LEN + 1];
			id_new(xid);
			json_t *row = json_deep_copy(b);
			json_object_set_new(row, "id", json_string(xid));
			json_object_set_new(row, "enrolment_id", json_string(id));
			json_object_set_new(row, "recorded_at", json_integer(now));
			e = dbj_write(c, sql_exc_add, &mob_exception_rec, row, false, "");
			json_decref(row);
		}
	}
	e = e ? e : db_run(c, sql_head, "tt", head, id);
	return e ? e : mob_enrolment_read(c, a, id, out, why);
}

static const char sql_oprint_add[] = "INSERT INTO mob_operator_prints (id, user_id, bio_hash, at) VALUES (?, ?, ?, ?)";

sj_err mob_operator_print_add(db_conn *c, const sj_actor *a, json_t *in, json_t **out, const char **why)
{
	*out = NULL;
	json_t *bios = json_object_get(in, "biometrics");
	if (!json_is_array(bios) || !json_array_size(bios) || json_array_size(bios) > MOB_MAX_CAPTURES) {
		*why = "capture-malformed";
		return SJ_EUNPROCESSABLE;
	}
	char txn[SJ_MAX_BADGE + 16], head[MOB_HASH_HEX + 1];
	snprintf(txn, sizeof txn, "operator:%s", a->badge);
	mob_chain_genesis(head);
	size_t i;
	json_t *b;
	sj_err e = SJ_OK;
	int64_t now = clock_now_ms();
	json_array_foreach(bios, i, b) {
		json_t *p = NULL;
		char hash[MOB_HASH_HEX + 1], id[ID_LEN + 1];
		if ((e = mob_capture_verify(c, b, head, txn, &p, hash, why)))
			return e;
		id_new(id);
		e = db_run(c, sql_oprint_add, "ttti", id, a->id, js(p, "bio_hash"), now);
		json_decref(p);
		if (e)
			return e;
		snprintf(head, sizeof head, "%s", hash);
	}
	*out = json_pack("{s:I}", "prints", (json_int_t)json_array_size(bios));
	return *out ? SJ_OK : SJ_ENOMEM;
}

/* ------------------------------------------------------------ sign-off */

static const char sql_signed[] =
	"UPDATE mob_enrolments SET status = 'signed', signed_at = ?, alerts = ? WHERE id = ? AND status = 'capturing'";

/* covered: position pos has an accepted capture of modality mod in o, or an
 * exception. */
static bool covered(json_t *o, const char *mod, const char *pos)
{
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(o, "captures"), i, x) if (strcmp(js(x, "modality"), mod) == 0 &&
								     strcmp(js(x, "position"), pos) == 0 &&
								     json_is_true(json_object_get(x, "accepted"))) return true;
	json_array_foreach(json_object_get(o, "exceptions"), i, x) if (strcmp(js(x, "position"), pos) == 0) return true;
	return false;
}

sj_err mob_signoff(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why)
{
	*out = NULL;
	json_t *o = NULL, *rule = NULL, *alerts = NULL;
	sj_err e = writable(c, a, id, "capturing", "enrolment-not-capturing", &o, why);
	if (!e && strcmp(js(o, "operator"), a->badge) != 0) {
		*why = "not-operator";
		e = SJ_ECONFLICT;
	}
	char today[11];
	clock_legal_date(clock_now_ms(), today);
	if (!e && (e = mob_rule_at(c, today, &rule)) == SJ_ENOTFOUND) {
		*why = "no-cnie-rule";
		e = SJ_ECONFLICT;
	}
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(rule, "fingers"), i, f) {
		if (!e && !covered(o, "finger", json_string_value(f))) {
			*why = "captures-incomplete";
			e = SJ_EUNPROCESSABLE;
		}
	}
	if (!e && !covered(o, "face", "Face")) {
		*why = "captures-incomplete";
		e = SJ_EUNPROCESSABLE;
	}
	json_decref(rule);
	e = e ? e : mob_checks(c, a, o, &alerts);
	json_decref(o);
	if (e)
		return e;
	char *text = json_dumps(alerts, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(alerts);
	if (!text)
		return SJ_ENOMEM;
	e = db_run(c, sql_signed, "itt", clock_now_ms(), text, id);
	free(text);
	return e ? e : mob_enrolment_read(c, a, id, out, why);
}
