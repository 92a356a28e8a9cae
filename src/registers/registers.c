/* registers.c — central registers and the hit engine (see registers.h). */
#include "registers/registers.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "exchange/exchange.h"
#include "org/units.h"
#include "persons/persons.h"
#include "refdata/refdata.h"
#include "search/search.h"
#include "text/ident.h"

/* ------------------------------------------------------------ normalising */

/* Plates are read by the text module (ident_plate_normalize: Arabic or Latin
 * series letter, any separators, right-to-left copies); a plate it does not
 * know (foreign) is kept as its upper-cased letters and digits. */
bool reg_plate_normalize(const char *in, char out[REG_PLATE_MAX + 1])
{
	char canon[IDENT_PLATE_MAX + 1];
	if (in && ident_plate_normalize(in, canon, NULL) == SJ_OK) {
		snprintf(out, REG_PLATE_MAX + 1, "%s", canon);
		return true;
	}
	return reg_doc_normalize(in, out);
}

bool reg_doc_normalize(const char *in, char out[REG_DOC_MAX + 1])
{
	size_t n = 0;
	for (const char *p = in; p && *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch < 0x80 && isalnum(ch)) {
			if (n == REG_DOC_MAX)
				return false;
			out[n++] = (char)toupper(ch);
		}
	}
	out[n] = '\0';
	return n >= 4;
}

/* ------------------------------------------------------------ the records */

REC_ENUM_DEF_PUBLIC(reg_names, "register", "wanted", "vehicle", "document", "phone");
REC_ENUM_DEF_PUBLIC(reg_dangers, "danger", "low", "medium", "high");
REC_ENUM_DEF(wanted_statuses, "regstatus", "active", "executed", "cancelled");
REC_ENUM_DEF(vehicle_statuses, "regstatus", "active", "recovered", "cancelled");
REC_ENUM_DEF(document_statuses, "regstatus", "active", "found", "cancelled");
REC_ENUM_DEF(phone_statuses, "regstatus", "active", "found", "cancelled");
REC_ENUM_DEF(all_statuses, "regstatus", "active", "executed", "recovered", "found", "cancelled");
REC_ENUM_DEF_PUBLIC(reg_doc_types, "doctype", "cin", "passport", "licence", "registration", "other");
REC_ENUM_DEF_PUBLIC(reg_doc_kinds, "dockind", "lost", "stolen");

/* What every register entry carries besides its own fields: the home unit
 * (the only writer), status with its reason, who made it and when. */
#define REG_COMMON(X, statuses) \
	X(C, unit_id, ID, 0, 36, NULL, 0) \
	X(C, status, ENUM, 0, 0, statuses, OUT) \
	X(C, status_reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, created_by, ID, 0, 36, NULL, 0) \
	X(C, created_at, TIME, 0, 0, NULL, OUT) \
	X(C, updated_at, TIME, 0, 0, NULL, OUT) \
	X(C, found_unit_id, ID, 0, 36, NULL, 0) \
	X(C, found_at, TIME, 0, 0, NULL, OUT) \
	X(V, unit, CODE, 1, UNIT_CODE_MAX, NULL, OUT) \
	X(V, unit_path, TEXT, 1, UNIT_PATH_MAX, NULL, 0)

/* A wanted notice (مذكرة بحث): the person by CIN or names in either script. */
#define WANTED_FIELDS(X) \
	X(C, reference, TEXT, 1, SJ_MAX_REFERENCE, NULL, IN | REQ | OUT) \
	X(C, issuing_authority, TEXT, 2, SJ_MAX_SHORT_TEXT, NULL, IN | REQ | OUT) \
	X(C, authority_code, CODE, 1, REF_CODE_MAX, NULL, IN | OUT | NULLABLE) \
	X(C, order_reference, TEXT, 1, SJ_MAX_REFERENCE, NULL, IN | OUT | NULLABLE) \
	X(C, order_date, DATE, 0, 10, NULL, IN | OUT | NULLABLE) \
	X(C, offence_code, CODE, 1, REF_CODE_MAX, NULL, IN | REQ | OUT) \
	X(C, offence, TEXT, 2, SJ_MAX_SHORT_TEXT, NULL, IN | OUT | NULLABLE) \
	X(C, danger, ENUM, 0, 0, &reg_dangers, IN | REQ | OUT) \
	X(C, person_id, ID, 0, 36, NULL, IN | OUT | NULLABLE) \
	X(C, cin, CIN, 1, SJ_MAX_CIN_TYPED, NULL, IN | OUT | PII | NULLABLE) \
	X(C, first_name_ar, TEXT, 1, SJ_MAX_NAME, NULL, IN | OUT | PII | NULLABLE) \
	X(C, last_name_ar, TEXT, 1, SJ_MAX_NAME, NULL, IN | OUT | PII | NULLABLE) \
	X(C, first_name_lat, TEXT, 1, SJ_MAX_NAME, NULL, IN | OUT | PII | NULLABLE) \
	X(C, last_name_lat, TEXT, 1, SJ_MAX_NAME, NULL, IN | OUT | PII | NULLABLE) \
	X(C, father_name_ar, TEXT, 1, SJ_MAX_NAME, NULL, IN | OUT | PII | NULLABLE) \
	X(C, father_name_lat, TEXT, 1, SJ_MAX_NAME, NULL, IN | OUT | PII | NULLABLE) \
	X(C, birth_date, DATE, 0, 10, NULL, IN | OUT | PII | NULLABLE) \
	X(C, sex, ENUM, 0, 1, &person_sexes, IN | OUT | PII | NULLABLE) \
	REG_COMMON(X, &wanted_statuses)

/* A stolen vehicle: its plate (Arabic or Latin series letter) or its VIN. */
#define VEHICLE_FIELDS(X) \
	X(C, plate, TEXT, 2, SJ_MAX_PLATE_TYPED, NULL, IN | OUT | NULLABLE) \
	X(C, plate_norm, TEXT, 1, REG_PLATE_MAX, NULL, OUT) \
	X(C, vin, TEXT, 4, SJ_MAX_VIN, NULL, IN | OUT | NULLABLE) \
	X(C, make, TEXT, 1, SJ_MAX_VEHICLE_TEXT, NULL, IN | OUT | NULLABLE) \
	X(C, model, TEXT, 1, SJ_MAX_VEHICLE_TEXT, NULL, IN | OUT | NULLABLE) \
	X(C, color, TEXT, 1, SJ_MAX_COLOR, NULL, IN | OUT | NULLABLE) \
	X(C, reference, TEXT, 1, SJ_MAX_REFERENCE, NULL, IN | OUT | NULLABLE) \
	REG_COMMON(X, &vehicle_statuses)

/* A lost or stolen mobile phone, by its IMEI (Luhn-checked, ident.h). */
#define PHONE_FIELDS(X) \
	X(C, imei, TEXT, 15, SJ_MAX_IMEI_TYPED, NULL, IN | REQ | OUT) \
	X(C, make, TEXT, 1, SJ_MAX_VEHICLE_TEXT, NULL, IN | OUT | NULLABLE) \
	X(C, model, TEXT, 1, SJ_MAX_VEHICLE_TEXT, NULL, IN | OUT | NULLABLE) \
	X(C, color, TEXT, 1, SJ_MAX_COLOR, NULL, IN | OUT | NULLABLE) \
	X(C, kind, ENUM, 0, 0, &reg_doc_kinds, IN | REQ | OUT) \
	X(C, holder_name, TEXT, 1, SJ_MAX_NAME, NULL, IN | OUT | PII | NULLABLE) \
	X(C, reference, TEXT, 1, SJ_MAX_REFERENCE, NULL, IN | OUT | NULLABLE) \
	REG_COMMON(X, &phone_statuses)

/* A lost or stolen identity document. */
#define DOCUMENT_FIELDS(X) \
	X(C, doc_type, ENUM, 0, 0, &reg_doc_types, IN | REQ | OUT) \
	X(C, doc_number, TEXT, 4, SJ_MAX_DOC_NUMBER, NULL, IN | REQ | OUT) \
	X(C, doc_norm, TEXT, 4, REG_DOC_MAX, NULL, OUT) \
	X(C, kind, ENUM, 0, 0, &reg_doc_kinds, IN | REQ | OUT) \
	X(C, holder_name, TEXT, 1, SJ_MAX_NAME, NULL, IN | OUT | PII | NULLABLE) \
	X(C, reference, TEXT, 1, SJ_MAX_REFERENCE, NULL, IN | OUT | NULLABLE) \
	REG_COMMON(X, &document_statuses)

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void wanted_check(json_t *w, const char *prefix, json_t *errs)
{
	if (!js(w, "cin") && !js(w, "first_name_ar") && !js(w, "last_name_ar") && !js(w, "first_name_lat") &&
	    !js(w, "last_name_lat"))
		rec_err(errs, prefix, "", "name-required", "a wanted notice names the person (a name or a CIN)");
	char cin[PERSON_CIN_MAX + 1];
	if (js(w, "cin") && !persons_cin_normalize(js(w, "cin"), cin))
		rec_err(errs, prefix, "cin", "cin", "a CIN is 1-3 letters then 1-6 digits");
}

static void vehicle_check(json_t *v, const char *prefix, json_t *errs)
{
	char n[REG_PLATE_MAX + 1];
	if (!js(v, "plate") && !js(v, "vin"))
		rec_err(errs, prefix, "plate", "plate-or-vin", "give the plate or the VIN");
	if (js(v, "plate") && !reg_plate_normalize(js(v, "plate"), n))
		rec_err(errs, prefix, "plate", "plate", "the plate could not be read");
	if (js(v, "vin") && !reg_doc_normalize(js(v, "vin"), n))
		rec_err(errs, prefix, "vin", "vin", "the VIN could not be read");
}

static void document_check(json_t *d, const char *prefix, json_t *errs)
{
	char n[REG_DOC_MAX + 1];
	if (js(d, "doc_number") && !reg_doc_normalize(js(d, "doc_number"), n))
		rec_err(errs, prefix, "doc_number", "doc-number", "the number could not be read");
}

static void phone_check(json_t *p, const char *prefix, json_t *errs)
{
	char n[IDENT_IMEI_LEN + 1];
	if (js(p, "imei") && ident_imei_normalize(js(p, "imei"), n) != SJ_OK)
		rec_err(errs, prefix, "imei", "imei", "an IMEI is 15 digits, the last its Luhn check digit");
}

static const rec_field wanted_fields[] = {REC_ID_FIELD, WANTED_FIELDS(REC_FIELD)};
static const rec_field vehicle_fields[] = {REC_ID_FIELD, VEHICLE_FIELDS(REC_FIELD)};
static const rec_field document_fields[] = {REC_ID_FIELD, DOCUMENT_FIELDS(REC_FIELD)};
const rec_desc reg_wanted_rec = REC_DESC("wanted", "wanted_notices", wanted_fields, wanted_check);
const rec_desc reg_vehicle_rec = REC_DESC("vehicle", "stolen_vehicles", vehicle_fields, vehicle_check);
const rec_desc reg_document_rec = REC_DESC("document", "stolen_documents", document_fields, document_check);
static const rec_field phone_fields[] = {REC_ID_FIELD, PHONE_FIELDS(REC_FIELD)};
const rec_desc reg_phone_rec = REC_DESC("phone", "stolen_phones", phone_fields, phone_check);

/* The status commands (PATCH /registers/<kind>/{id}). */
#define STATUS_FIELDS(X, statuses) \
	X(V, status, ENUM, 0, 0, statuses, IN | REQ) \
	X(V, reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | REQ)
static const rec_field wanted_status_fields[] = {STATUS_FIELDS(REC_FIELD, &wanted_statuses)};
static const rec_field vehicle_status_fields[] = {STATUS_FIELDS(REC_FIELD, &vehicle_statuses)};
static const rec_field document_status_fields[] = {STATUS_FIELDS(REC_FIELD, &document_statuses)};
const rec_desc reg_wanted_status_rec = REC_DESC("wanted_status", NULL, wanted_status_fields, NULL);
const rec_desc reg_vehicle_status_rec = REC_DESC("vehicle_status", NULL, vehicle_status_fields, NULL);
const rec_desc reg_document_status_rec = REC_DESC("document_status", NULL, document_status_fields, NULL);
static const rec_field phone_status_fields[] = {STATUS_FIELDS(REC_FIELD, &phone_statuses)};
const rec_desc reg_phone_status_rec = REC_DESC("phone_status", NULL, phone_status_fields, NULL);

/* A list of entries of any register (GET /registers/<kind>). */
#define REG_LIST_FIELDS(X) X(V, items, ARRAY, 0, SJ_MAX_PAGE, NULL, OUT)
static const rec_field reg_list_fields[] = {REG_LIST_FIELDS(REC_FIELD)};
const rec_desc reg_list_rec = REC_DESC("register_list", NULL, reg_list_fields, NULL);

/* The history of every entry: one row per status it took. */
#define EVENT_FIELDS(X) \
	X(C, register, ENUM, 0, 0, &reg_names, 0) \
	X(C, record_id, ID, 0, 36, NULL, 0) \
	X(C, at, TIME, 0, 0, NULL, 0) \
	X(C, actor_id, ID, 0, 36, NULL, 0) \
	X(C, status, ENUM, 0, 0, &all_statuses, 0) \
	X(C, reason, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, 0)
static const rec_field event_fields[] = {REC_ID_FIELD, EVENT_FIELDS(REC_FIELD)};
const rec_desc reg_event_rec = REC_DESC("register_event", "register_events", event_fields, NULL);

/* ------------------------------------------------------------ registers */

static const char sql_event[] =
	"INSERT INTO register_events (" REC_COLS(EVENT_FIELDS) ") VALUES (" REC_QS(EVENT_FIELDS) ")";

static sj_err add_event(db_conn *c, const char *reg, const char *id, const char *actor, const char *status,
			const char *reason)
{
	char eid[ID_LEN + 1];
	id_new(eid);
	json_t *row = json_pack("{s:s,s:s,s:s,s:I,s:s?,s:s,s:s?}", "id", eid, "register", reg, "record_id", id, "at",
				(json_int_t)clock_now_ms(), "actor_id", actor, "status", status, "reason", reason);
	if (!row)
		return SJ_ENOMEM;
	sj_err e = dbj_write(c, sql_event, &reg_event_rec, row, false, "");
	json_decref(row);
	return e;
}

static const char sql_wanted_ins[] =
	"INSERT INTO wanted_notices (" REC_COLS(WANTED_FIELDS) ") VALUES (" REC_QS(WANTED_FIELDS) ")";
static const char sql_wkey_ins[] = "INSERT INTO wanted_keys (key, notice_id) VALUES (?, ?)";
static const char sql_vehicle_ins[] =
	"INSERT INTO stolen_vehicles (" REC_COLS(VEHICLE_FIELDS) ") VALUES (" REC_QS(VEHICLE_FIELDS) ")";
static const char sql_phone_ins[] =
	"INSERT INTO stolen_phones (" REC_COLS(PHONE_FIELDS) ") VALUES (" REC_QS(PHONE_FIELDS) ")";
static const char sql_doc_ins[] =
	"INSERT INTO stolen_documents (" REC_COLS(DOCUMENT_FIELDS) ") VALUES (" REC_QS(DOCUMENT_FIELDS) ")";

typedef struct keyctx {
	db_conn *c;
	const char *id;
	sj_err e;
} keyctx;

static void put_wanted_key(const char *key, void *ctx)
{
	keyctx *k = ctx;
	if (!k->e)
		k->e = db_run(k->c, sql_wkey_ins, "tt", key, k->id);
}

/* index_wanted keys the notice's names for the hit engine (wanted_keys). */
static sj_err index_wanted(db_conn *c, json_t *w, const char *id)
{
	srch_names n = {js(w, "first_name_ar"), js(w, "last_name_ar"), js(w, "first_name_lat"),
			js(w, "last_name_lat"), js(w, "father_name_ar"), js(w, "father_name_lat"), NULL, NULL,
			js(w, "birth_date")};
	keyctx k = {c, id, SJ_OK};
	sj_err e = srch_name_keys(&n, put_wanted_key, &k);
	return e ? e : k.e;
}

static const char sql_wkey_del[] = "DELETE FROM wanted_keys WHERE notice_id = ?";

sj_err reg_reindex_wanted(db_conn *c, json_t *w)
{
	const char *id = js(w, "id");
	if (!id)
		return SJ_EINVAL;
	sj_err e = db_run(c, sql_wkey_del, "t", id);
	return e ? e : index_wanted(c, w, id);
}

/* The registers, each described by its record, its statuses and its SQL. */
typedef struct regdesc {
	const char *name;
	const rec_desc *rec;
	const char *sql_insert;
	const char *sql_get;      /* the home unit's path and the status */
	const char *sql_set;
	const char *sql_list_all;
	const char *sql_list_status;
	const char *found_status;  /* what a finding makes it (NULL: cannot be found) */
} regdesc;

#define UNIT_JOIN " JOIN (SELECT id AS u_id, code AS unit, path AS unit_path FROM units) u ON u.u_id = unit_id"
#define WANTED_SEL "SELECT " REC_COLS(WANTED_FIELDS) ", unit FROM wanted_notices" UNIT_JOIN
#define VEH_SEL "SELECT " REC_COLS(VEHICLE_FIELDS) ", unit FROM stolen_vehicles" UNIT_JOIN
#define DOC_SEL "SELECT " REC_COLS(DOCUMENT_FIELDS) ", unit FROM stolen_documents" UNIT_JOIN
#define PHONE_SEL "SELECT " REC_COLS(PHONE_FIELDS) ", unit FROM stolen_phones" UNIT_JOIN
#define NEWEST " ORDER BY created_at DESC, id LIMIT ? OFFSET ?"

static const regdesc regs[] = {
	{"wanted", &reg_wanted_rec, sql_wanted_ins,
	 "SELECT unit_path, status FROM wanted_notices" UNIT_JOIN " WHERE id = ?",
	 "UPDATE wanted_notices SET status = ?, status_reason = ?, updated_at = ? WHERE id = ?", WANTED_SEL NEWEST,
	 WANTED_SEL " WHERE status = ?" NEWEST, NULL},
	{"vehicle", &reg_vehicle_rec, sql_vehicle_ins,
	 "SELECT unit_path, status FROM stolen_vehicles" UNIT_JOIN " WHERE id = ?",
	 "UPDATE stolen_vehicles SET status = ?, status_reason = ?, updated_at = ? WHERE id = ?", VEH_SEL NEWEST,
	 VEH_SEL " WHERE status = ?" NEWEST, "recovered"},
	{"document", &reg_document_rec, sql_doc_ins,
	 "SELECT unit_path, status FROM stolen_documents" UNIT_JOIN " WHERE id = ?",
	 "UPDATE stolen_documents SET status = ?, status_reason = ?, updated_at = ? WHERE id = ?", DOC_SEL NEWEST,
	 DOC_SEL " WHERE status = ?" NEWEST, "found"},
	{"phone", &reg_phone_rec, sql_phone_ins, "SELECT unit_path, status FROM stolen_phones" UNIT_JOIN " WHERE id = ?",
	 "UPDATE stolen_phones SET status = ?, status_reason = ?, updated_at = ? WHERE id = ?", PHONE_SEL NEWEST,
	 PHONE_SEL " WHERE status = ?" NEWEST, "found"},
};

const char *reg_table(const char *reg)
{
	static const char *const t[][2] = {{"wanted", "wanted_notices"}, {"vehicle", "stolen_vehicles"},
					   {"document", "stolen_documents"}, {"phone", "stolen_phones"}};
	for (size_t i = 0; reg && i < sizeof t / sizeof t[0]; i++)
		if (strcmp(t[i][0], reg) == 0)
			return t[i][1];
	return "";
}

/* central_copy: on a node, entry id is central's (a hotlist copy), which the
 * node never writes (its home unit writes it, at central): *why set. */
static sj_err central_copy(db_conn *c, const char *reg, const char *id, const char **why)
{
	bool pulled = false;
	sj_err e = xchg_pulled_at(c, reg_table(reg), id, &pulled, NULL);
	if (!e && pulled) {
		*why = "register-central-copy";
		return SJ_EFORBIDDEN;
	}
	return e;
}

static const regdesc *find_reg(const char *name)
{
	for (size_t i = 0; name && i < sizeof regs / sizeof regs[0]; i++)
		if (strcmp(regs[i].name, name) == 0)
			return &regs[i];
	return NULL;
}

/* wanted_order checks the magistrate's order a wanted notice carries (issue
 * 17 item 5): the issuing authority is an office of the reference data
 * (data/prosecution.json), with the order's reference and date, not after
 * today — "moi-même" and a notice with no order are refused. */
static sj_err wanted_order(db_conn *c, json_t *in, const char **why)
{
	const char *code = js(in, "authority_code"), *ref_no = js(in, "order_reference"), *date = js(in, "order_date");
	if (!code || !ref_no || !*ref_no || !date) {
		*why = "wanted-needs-order";
		return SJ_EUNPROCESSABLE;
	}
	json_t *office = NULL;
	sj_err e = ref_prosecution_get(c, code, &office);
	json_decref(office);
	if (e == SJ_ENOTFOUND) {
		*why = "wanted-authority-unknown";
		return SJ_EUNPROCESSABLE;
	}
	char today[11];
	clock_legal_date(clock_now_ms(), today);
	if (!e && strcmp(date, today) > 0) {
		*why = "wanted-order-in-future";
		return SJ_EUNPROCESSABLE;
	}
	return e;
}

/* wanted_offence: the notice's offence is an entry of the catalogue in force
 * (data/offences.json; issue 17 item 5) — "wanted-offence-unknown" — and,
 * unless the order's own wording is given, the notice reads the catalogue's
 * label in both languages. A notice recorded before migration 0241 keeps its
 * offence as typed, without a code. */
static sj_err wanted_offence(db_conn *c, json_t *row, const char **why)
{
	json_t *o = NULL;
	sj_err e = ref_offence_get(c, js(row, "offence_code"), &o);
	if (e == SJ_ENOTFOUND) {
		*why = "wanted-offence-unknown";
		return SJ_EUNPROCESSABLE;
	}
	if (e)
		return e;
	if (!js(row, "offence")) {
		char label[SJ_MAX_SHORT_TEXT + 1];
		snprintf(label, sizeof label, "%s / %s", js(o, "label_fr") ? js(o, "label_fr") : "",
			 js(o, "label_ar") ? js(o, "label_ar") : "");
		json_object_set_new(row, "offence", json_string(label));
	}
	json_decref(o);
	return SJ_OK;
}

sj_err reg_create(db_conn *c, const sj_actor *a, const char *reg, json_t *in, json_t **out, const char **why)
{
	*out = NULL;
	const regdesc *r = find_reg(reg);
	if (!r)
		return SJ_EINTERNAL;
	sj_err oe = r->rec == &reg_wanted_rec ? wanted_order(c, in, why) : SJ_OK;
	if (oe)
		return oe;
	json_t *row = json_deep_copy(in);
	if (!row)
		return SJ_ENOMEM;
	if (r->rec == &reg_wanted_rec && (oe = wanted_offence(c, row, why))) {
		json_decref(row);
		return oe;
	}
	/* what the server writes: normalised keys, the home unit, the status */
	char cin[PERSON_CIN_MAX + 1] = "", plate[REG_PLATE_MAX + 1] = "", vin[REG_DOC_MAX + 1] = "",
	     num[REG_DOC_MAX + 1] = "", imei[IDENT_IMEI_LEN + 1] = "";
	if (js(in, "cin") && persons_cin_normalize(js(in, "cin"), cin))
		json_object_set_new(row, "cin", json_string(cin));
	if (js(in, "plate") && reg_plate_normalize(js(in, "plate"), plate))
		json_object_set_new(row, "plate_norm", json_string(plate));
	if (js(in, "vin") && reg_doc_normalize(js(in, "vin"), vin))
		json_object_set_new(row, "vin", json_string(vin));
	if (js(in, "doc_number") && reg_doc_normalize(js(in, "doc_number"), num))
		json_object_set_new(row, "doc_norm", json_string(num));
	if (js(in, "imei") && ident_imei_normalize(js(in, "imei"), imei) == SJ_OK)
		json_object_set_new(row, "imei", json_string(imei));
	int64_t now = clock_now_ms();
	char id[ID_LEN + 1];
	id_new(id);
	json_object_set_new(row, "id", json_string(id));
	json_object_set_new(row, "unit_id", json_string(a->unit_id));
	json_object_set_new(row, "status", json_string("active"));
	json_object_set_new(row, "created_by", a->id ? json_string(a->id) : json_null());
	json_object_set_new(row, "created_at", json_integer(now));
	json_object_set_new(row, "updated_at", json_integer(now));
	sj_err e = dbj_write(c, r->sql_insert, r->rec, row, false, "");
	if (e == SJ_ECONFLICT)
		*why = "register-reference-taken";
	if (!e && r->rec == &reg_wanted_rec)
		e = index_wanted(c, row, id);
	json_decref(row);
	e = e ? e : add_event(c, reg, id, a->id, "active", "created");
	if (!e && !(*out = json_pack("{s:s,s:s,s:s}", "id", id, "status", "active", "unit", a->unit_code)))
		e = SJ_ENOMEM;
	return e;
}

sj_err reg_set_status(db_conn *c, const sj_actor *a, const char *reg, const char *id, json_t *in, json_t **out,
		      const char **why)
{
	*out = NULL;
	const regdesc *r = find_reg(reg);
	if (!r)
		return SJ_EINTERNAL;
	const char *status = js(in, "status"), *reason = js(in, "reason");
	json_t *row = NULL;
	sj_err e = id_valid(id) ? dbj_rec_one(c, r->sql_get, r->rec, &row, "t", id) : SJ_ENOTFOUND;
	if (e == SJ_ENOTFOUND)
		*why = "register-entry-not-found";
	if (e)
		return e;
	bool home = actor_in_scope(a, js(row, "unit_path"));
	bool same = strcmp(js(row, "status"), status) == 0;
	json_decref(row);
	if ((e = central_copy(c, reg, id, why)))
		return e;
	if (!home) {
		*why = "not-home-unit";
		return SJ_EFORBIDDEN;
	}
	if (same) {
		*why = "register-status-unchanged";
		return SJ_ECONFLICT;
	}
	e = db_run(c, r->sql_set, "ttit", status, reason, clock_now_ms(), id);
	e = e ? e : add_event(c, reg, id, a->id, status, reason);
	if (!e && !(*out = json_pack("{s:s,s:s}", "id", id, "status", status)))
		e = SJ_ENOMEM;
	return e;
}

sj_err reg_list(db_conn *c, const char *reg, const char *status, int limit, int64_t offset, json_t **out)
{
	*out = NULL;
	const regdesc *r = find_reg(reg);
	if (!r)
		return SJ_EINTERNAL;
	json_t *items = NULL;
	sj_err e = status ? dbj_rec_rows(c, r->sql_list_status, r->rec, &items, "tii", status, (int64_t)limit, offset)
			  : dbj_rec_rows(c, r->sql_list_all, r->rec, &items, "ii", (int64_t)limit, offset);
	if (e)
		return e;
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o) rec_out(r->rec, o);
	*out = json_pack("{s:o}", "items", items);
	return *out ? SJ_OK : SJ_ENOMEM;
}

/* ------------------------------------------------------------ findings */

static const char *const sql_found_get[] = {
	"SELECT unit_id, status, reference FROM stolen_vehicles WHERE id = ?",
	"SELECT unit_id, status, reference FROM stolen_documents WHERE id = ?",
	"SELECT unit_id, status, reference FROM stolen_phones WHERE id = ?",
};
static const char *const sql_found_set[] = {
	"UPDATE stolen_vehicles SET status = ?, status_reason = ?, updated_at = ?, found_unit_id = ?, found_at = ?"
	" WHERE id = ? AND status = 'active'",
	"UPDATE stolen_documents SET status = ?, status_reason = ?, updated_at = ?, found_unit_id = ?, found_at = ?"
	" WHERE id = ? AND status = 'active'",
	"UPDATE stolen_phones SET status = ?, status_reason = ?, updated_at = ?, found_unit_id = ?, found_at = ?"
	" WHERE id = ? AND status = 'active'",
};

sj_err reg_found(db_conn *c, const sj_actor *a, const char *reg, const char *id, int64_t found_at,
		 const char *reason, json_t **out, const char **why)
{
	*out = NULL;
	const regdesc *r = find_reg(reg);
	if (!r || !r->found_status)
		return SJ_EINTERNAL;
	size_t k = (size_t)(r - regs) - 1; /* vehicle, document, phone follow wanted */
	json_t *row = NULL;
	sj_err e = id_valid(id) ? dbj_one(c, sql_found_get[k], "unit_id:t,status:t,reference:t", &row, "t", id)
				: SJ_ENOTFOUND;
	if (e == SJ_ENOTFOUND)
		*why = "register-entry-not-found";
	if (e)
		return e;
	char home[ID_LEN + 1];
	snprintf(home, sizeof home, "%s", js(row, "unit_id"));
	bool active = strcmp(js(row, "status"), "active") == 0;
	json_t *detail = json_pack("{s:s,s:s,s:s,s:s,s:I,s:O}", "register", reg, "id", id, "status", r->found_status,
				   "found_unit", a->unit_code, "found_at", (json_int_t)found_at, "reference",
				   json_object_get(row, "reference"));
	json_decref(row);
	if (!detail)
		return SJ_ENOMEM;
	if ((e = central_copy(c, reg, id, why))) {
		json_decref(detail);
		return e;
	}
	if (!active) {
		json_decref(detail);
		*why = "register-entry-not-active";
		return SJ_ECONFLICT;
	}
	e = db_run(c, sql_found_set[k], "ttitit", r->found_status, reason, clock_now_ms(), a->unit_id, found_at, id);
	e = e ? e : add_event(c, reg, id, a->id, r->found_status, reason);
	e = e ? e : reg_notify(c, home, "found", "item found / تم العثور على غرض مصرح به", detail);
	json_decref(detail);
	if (!e && !(*out = json_pack("{s:s,s:s}", "id", id, "status", r->found_status)))
		e = SJ_ENOMEM;
	return e;
}
