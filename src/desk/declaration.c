/* declaration.c — declarations of loss and of theft, their items, the
 * registers they feed, the finding of an item and the theft turned into a
 * complaint and a case (see desk.h). */
#include "desk/desk.h"

#include <stdio.h>
#include <string.h>

#include "cases/cases.h"
#include "cases/complaint.h"
#include "cases/seizure.h"
#include "core/clock.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "org/units.h"
#include "persons/persons.h"
#include "registers/registers.h"
#include "text/ident.h"

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* ------------------------------------------------------------ the records */

REC_ENUM_DEF(decl_kinds, "declaration_kind", "loss", "theft");
REC_ENUM_DEF(item_types, "item_type", "document", "phone", "vehicle", "card", "other");

/* One thing lost or stolen. What it is decides which members it needs
 * (item_check); a document, a phone or a vehicle is entered in its register
 * (register, register_id). found_at / found_unit: when and by whom it was
 * found (desk_item_found). */
#define ITEM_FIELDS(X) \
	X(C, declaration_id, ID, 0, 36, NULL, 0) \
	X(C, seq, INT, 0, 0, NULL, OUT) \
	X(C, item_type, ENUM, 0, 0, &item_types, IN | REQ | OUT) \
	X(C, doc_type, ENUM, 0, 0, &reg_doc_types, IN | OUT | NULLABLE) \
	X(C, doc_number, TEXT, 4, SJ_MAX_DOC_NUMBER, NULL, IN | OUT | PII | NULLABLE) \
	X(C, issued_on, DATE, 0, 10, NULL, IN | OUT | NULLABLE) \
	X(C, imei, TEXT, 15, SJ_MAX_IMEI_TYPED, NULL, IN | OUT | NULLABLE) \
	X(C, plate, TEXT, 2, SJ_MAX_PLATE_TYPED, NULL, IN | OUT | NULLABLE) \
	X(C, vin, TEXT, 4, SJ_MAX_VIN, NULL, IN | OUT | NULLABLE) \
	X(C, make, TEXT, 1, SJ_MAX_VEHICLE_TEXT, NULL, IN | OUT | NULLABLE) \
	X(C, model, TEXT, 1, SJ_MAX_VEHICLE_TEXT, NULL, IN | OUT | NULLABLE) \
	X(C, color, TEXT, 1, SJ_MAX_COLOR, NULL, IN | OUT | NULLABLE) \
	X(C, card_last4, TEXT, 1, SJ_MAX_DOC_NUMBER, NULL, IN | OUT | NULLABLE) \
	X(C, description, TEXT, 2, SJ_MAX_SHORT_TEXT, NULL, IN | OUT | NULLABLE) \
	X(C, register, ENUM, 0, 0, &reg_names, OUT) \
	X(C, register_id, ID, 0, 36, NULL, OUT) \
	X(C, found_at, TIME, 0, 0, NULL, OUT) \
	X(C, found_unit_id, ID, 0, 36, NULL, 0) \
	X(V, found_unit, CODE, 1, UNIT_CODE_MAX, NULL, OUT)

/* today's legal date, for "not in the future" */
static void today(char out[11])
{
	clock_legal_date(clock_now_ms(), out);
}

static void item_check(json_t *it, const char *prefix, json_t *errs)
{
	const char *t = js(it, "item_type");
	char n[IDENT_PLATE_MAX + IDENT_IMEI_LEN + 2], d[11];
	if (js(it, "issued_on")) {
		today(d);
		if (strcmp(js(it, "issued_on"), d) > 0)
			rec_err(errs, prefix, "issued_on", "in-future", "the issuing date is after today");
	}
	if (strcmp(t, "document") == 0) {
		if (!js(it, "doc_type"))
			rec_err(errs, prefix, "doc_type", "required", "a document has a kind");
		if (!js(it, "doc_number"))
			rec_err(errs, prefix, "doc_number", "required", "a document has a number");
		else if (!reg_doc_normalize(js(it, "doc_number"), n))
			rec_err(errs, prefix, "doc_number", "doc-number", "the number could not be read");
	} else if (strcmp(t, "phone") == 0) {
		if (!js(it, "imei"))
			rec_err(errs, prefix, "imei", "required", "a phone is declared by its IMEI (*#06#)");
		else if (ident_imei_normalize(js(it, "imei"), n) != SJ_OK)
			rec_err(errs, prefix, "imei", "imei", "an IMEI is 15 digits, the last its Luhn check digit");
	} else if (strcmp(t, "vehicle") == 0) {
		if (!js(it, "plate") && !js(it, "vin"))
			rec_err(errs, prefix, "plate", "plate-or-vin", "give the plate or the VIN");
		if (js(it, "plate") && ident_plate_normalize(js(it, "plate"), n, NULL) != SJ_OK)
			rec_err(errs, prefix, "plate", "plate", "the plate reads in neither script");
		if (js(it, "vin") && !reg_doc_normalize(js(it, "vin"), n))
			rec_err(errs, prefix, "vin", "vin", "the VIN could not be read");
	} else if (strcmp(t, "card") == 0) {
		const char *l4 = js(it, "card_last4");
		bool ok = l4 && strlen(l4) == 4;
		for (int i = 0; ok && i < 4; i++)
			ok = l4[i] >= '0' && l4[i] <= '9';
		if (!ok) /* never the whole number: a desk is not a card store */
			rec_err(errs, prefix, "card_last4", "card-last-four", "only the last four digits of a card");
	} else if (!js(it, "description")) {
		rec_err(errs, prefix, "description", "required", "describe the thing");
	}
}

static const rec_field item_fields[] = {REC_ID_FIELD, ITEM_FIELDS(REC_FIELD)};
const rec_desc desk_item_rec = REC_DESC("declaration_item", "declaration_items", item_fields, item_check);

/* The declaration as recorded and read. verify_no and verify_code are what
 * the receipt prints for its public verification (desk_verify). */
#define DECL_FIELDS(X) \
	X(C, receipt_no, CODE, 1, CASE_NUMBER_MAX, NULL, OUT) \
	X(C, unit_id, ID, 0, 36, NULL, 0) \
	X(C, kind, ENUM, 0, 0, &decl_kinds, IN | REQ | OUT) \
	X(C, declarant_id, ID, 0, 36, NULL, OUT) \
	X(C, occurred_at, TIME, 0, 0, NULL, IN | REQ | OUT) \
	X(C, place, TEXT, 2, SJ_MAX_SHORT_TEXT, NULL, IN | REQ | OUT) \
	X(C, circumstances, TEXT, 3, SJ_MAX_LONG_TEXT, NULL, IN | OUT | PII | MULTI | NULLABLE) \
	X(C, declared_at, TIME, 0, 0, NULL, OUT) \
	X(C, declared_by, ID, 0, 36, NULL, 0) \
	X(C, verify_no, CODE, 1, DESK_NUMBER_MAX, NULL, OUT) \
	X(C, verify_code, CODE, 1, DESK_CODE_LEN, NULL, OUT) \
	X(E, complaint_id, ID, 0, 36, NULL, OUT) \
	X(E, case_id, ID, 0, 36, NULL, OUT) \
	X(E, cancelled_at, TIME, 0, 0, NULL, OUT) \
	X(E, cancelled_by, ID, 0, 36, NULL, 0) \
	X(E, cancel_reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(V, declarant, OBJECT, 0, 0, &person_rec, IN | REQ | OUT) \
	X(V, items, ARRAY, 0, DESK_MAX_ITEMS, &desk_item_rec, IN | REQ | OUT) \
	X(V, unit, CODE, 1, UNIT_CODE_MAX, NULL, OUT) \
	X(V, unit_name_fr, TEXT, 1, UNIT_NAME_MAX, NULL, OUT) \
	X(V, unit_name_ar, TEXT, 1, UNIT_NAME_MAX, NULL, OUT) \
	X(V, unit_path, TEXT, 1, UNIT_PATH_MAX, NULL, 0) \
	X(V, declared_by_badge, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(V, alerts, JSON, 0, 0, NULL, OUT)

static void decl_check(json_t *d, const char *prefix, json_t *errs)
{
	json_t *at = json_object_get(d, "occurred_at");
	if (json_is_integer(at) && json_integer_value(at) > clock_now_ms() + 60000)
		rec_err(errs, prefix, "occurred_at", "in-future", "the loss or theft cannot come after now");
	if (json_array_size(json_object_get(d, "items")) == 0)
		rec_err(errs, prefix, "items", "items-required", "declare at least one thing");
}

static const rec_field decl_fields[] = {REC_ID_FIELD, DECL_FIELDS(REC_FIELD)};
const rec_desc desk_declaration_rec = REC_DESC("declaration", "declarations", decl_fields, decl_check);

/* POST /declarations/found: which declaration (its receipt number, as
 * printed or in its public form), which item, when; the answer names the
 * finding unit and the register entry's new status. */
#define FOUND_FIELDS(X) \
	X(V, receipt_no, TEXT, 1, DESK_NUMBER_MAX, NULL, IN | REQ | OUT) \
	X(V, seq, INT, 1, DESK_MAX_ITEMS, NULL, IN | REQ | OUT) \
	X(V, found_at, TIME, 0, 0, NULL, IN | OUT | NULLABLE) \
	X(V, reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | NULLABLE) \
	X(V, declaration_id, ID, 0, 36, NULL, OUT) \
	X(V, found_unit, CODE, 1, UNIT_CODE_MAX, NULL, OUT) \
	X(V, register, ENUM, 0, 0, &reg_names, OUT) \
	X(V, register_status, TEXT, 1, 16, NULL, OUT)
static const rec_field found_fields[] = {FOUND_FIELDS(REC_FIELD)};
const rec_desc desk_found_rec = REC_DESC("declaration_found", NULL, found_fields, NULL);

/* POST /declarations/{id}/complaint: the case the theft opens. */
#define TO_COMPLAINT_FIELDS(X) \
	X(V, frame, ENUM, 0, 0, &case_frames, IN | REQ) \
	X(V, offences, ARRAY, 0, SJ_MAX_OFFENCES, &case_offence_rec, IN | REQ) \
	X(V, opj, CODE, 1, SJ_MAX_BADGE, NULL, IN | NULLABLE)
static const rec_field to_complaint_fields[] = {TO_COMPLAINT_FIELDS(REC_FIELD)};
const rec_desc desk_complaint_rec = REC_DESC("declaration_complaint", NULL, to_complaint_fields, NULL);

/* ------------------------------------------------------------ writes */

static const char sql_add[] =
	"INSERT INTO declarations (" REC_COLS(DECL_FIELDS) ") VALUES (" REC_QS(DECL_FIELDS) ")";
static const char sql_item_add[] =
	"INSERT INTO declaration_items (" REC_COLS(ITEM_FIELDS) ") VALUES (" REC_QS(ITEM_FIELDS) ")";

/* enter puts item it (seq) of the declaration in its register and checks it
 * against what is already there (before entering it, so it never hits
 * itself). reg/rid: the register and the new entry ("" when none). */
static sj_err enter(db_conn *c, const sj_actor *a, json_t *it, const char *kind, const char *ref, json_t *alerts,
		    const char **reg, char rid[ID_LEN + 1])
{
	const char *t = js(it, "item_type"), *lost = strcmp(kind, "theft") == 0 ? "stolen" : "lost";
	reg_ctx ctx = {.actor_id = a->id, .actor_unit_id = a->unit_id, .source = "declaration", .source_ref = ref};
	json_t *entry = NULL;
	sj_err e = SJ_OK;
	*reg = NULL;
	rid[0] = '\0';
	if (strcmp(t, "document") == 0) {
		*reg = "document";
		e = reg_check_document(c, js(it, "doc_number"), &ctx, alerts);
		entry = json_pack("{s:O,s:O,s:s,s:s}", "doc_type", json_object_get(it, "doc_type"), "doc_number",
				  json_object_get(it, "doc_number"), "kind", lost, "reference", ref);
	} else if (strcmp(t, "phone") == 0) {
		*reg = "phone";
		e = reg_check_imei(c, js(it, "imei"), &ctx, alerts);
		entry = json_pack("{s:O,s:O?,s:O?,s:O?,s:s,s:s}", "imei", json_object_get(it, "imei"), "make",
				  json_object_get(it, "make"), "model", json_object_get(it, "model"), "color",
				  json_object_get(it, "color"), "kind", lost, "reference", ref);
	} else if (strcmp(t, "vehicle") == 0) {
		*reg = "vehicle";
		e = reg_check_plate(c, js(it, "plate"), js(it, "vin"), &ctx, alerts);
		entry = json_pack("{s:O?,s:O?,s:O?,s:O?,s:O?,s:s}", "plate", json_object_get(it, "plate"), "vin",
				  json_object_get(it, "vin"), "make", json_object_get(it, "make"), "model",
				  json_object_get(it, "model"), "color", json_object_get(it, "color"), "reference", ref);
	} else {
		return SJ_OK;
	}
	if (!e && !entry)
		e = SJ_ENOMEM;
	json_t *out = NULL;
	const char *why = NULL;
	e = e ? e : reg_create(c, a, *reg, entry, &out, &why);
	json_decref(entry);
	if (!e)
		snprintf(rid, ID_LEN + 1, "%s", js(out, "id"));
	json_decref(out);
	/* and against what was already seized in a case, anywhere */
	char imei[IDENT_IMEI_LEN + 1] = "", plate[IDENT_PLATE_MAX + 1] = "";
	if (js(it, "imei") && ident_imei_normalize(js(it, "imei"), imei) != SJ_OK)
		imei[0] = '\0';
	if (js(it, "plate") && ident_plate_normalize(js(it, "plate"), plate, NULL) != SJ_OK)
		plate[0] = '\0';
	json_t *seized = NULL;
	if (!e && (imei[0] || plate[0]))
		e = seizure_known(c, imei[0] ? imei : NULL, plate[0] ? plate : NULL, &seized);
	size_t i;
	json_t *s;
	json_array_foreach(seized, i, s) if (!e) e = reg_hit_seized(c, a, *reg, rid, imei[0] ? imei : plate, s, alerts);
	json_decref(seized);
	return e;
}

sj_err desk_declare(db_conn *c, const sj_actor *a, json_t *in, json_t **out)
{
	*out = NULL;
	json_t *declarant = json_object_get(in, "declarant"), *items = json_object_get(in, "items");
	const char *kind = js(in, "kind");
	int64_t now = clock_now_ms(), year = clock_legal_year(now), n = 0;
	char pid[ID_LEN + 1], id[ID_LEN + 1], receipt[CASE_NUMBER_MAX + 1], pub[DESK_NUMBER_MAX + 1],
		code[DESK_CODE_LEN + 1];
	sj_err e = persons_upsert(c, declarant, a->unit_id, pid, NULL);
	e = e ? e : case_counter_next(c, "declaration", a->unit_id, year, &n);
	if (e)
		return e;
	snprintf(receipt, sizeof receipt, "%s/%lld/DC-%06lld", a->unit_code, (long long)year, (long long)n);
	desk_public_number(receipt, pub);
	desk_new_code(code);
	id_new(id);
	json_t *row = json_pack("{s:s,s:s,s:s,s:s,s:s,s:O,s:O,s:O?,s:I,s:s,s:s,s:s}", "id", id, "receipt_no", receipt,
				"unit_id", a->unit_id, "kind", kind, "declarant_id", pid, "occurred_at",
				json_object_get(in, "occurred_at"), "place", json_object_get(in, "place"),
				"circumstances", json_object_get(in, "circumstances"), "declared_at", (json_int_t)now,
				"declared_by", a->id, "verify_no", pub, "verify_code", code);
	if (!row)
		return SJ_ENOMEM;
	e = dbj_write(c, sql_add, &desk_declaration_rec, row, false, "");
	json_decref(row);
	json_t *alerts = json_array();
	if (!alerts)
		e = e ? e : SJ_ENOMEM;
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		if (e)
			break;
		char ref[CASE_NUMBER_MAX + 24], rid[ID_LEN + 1], iid[ID_LEN + 1];
		const char *reg = NULL;
		snprintf(ref, sizeof ref, "%s#%zu", receipt, i + 1);
		e = enter(c, a, it, kind, ref, alerts, &reg, rid);
		json_t *irow = e ? NULL : json_deep_copy(it);
		if (!e && !irow)
			e = SJ_ENOMEM;
		if (e)
			break;
		id_new(iid);
		json_object_set_new(irow, "id", json_string(iid));
		json_object_set_new(irow, "declaration_id", json_string(id));
		json_object_set_new(irow, "seq", json_integer((json_int_t)i + 1));
		json_object_set_new(irow, "register", reg ? json_string(reg) : json_null());
		json_object_set_new(irow, "register_id", rid[0] ? json_string(rid) : json_null());
		char imei[IDENT_IMEI_LEN + 1];
		if (js(it, "imei") && ident_imei_normalize(js(it, "imei"), imei) == SJ_OK)
			json_object_set_new(irow, "imei", json_string(imei));
		e = dbj_write(c, sql_item_add, &desk_item_rec, irow, false, "");
		json_decref(irow);
	}
	e = e ? e : desk_document_add(c, a, strcmp(kind, "theft") == 0 ? "theft_receipt" : "loss_receipt", id, pub,
				      code, now, 0);
	e = e ? e : reg_check_entered_person(c, a, declarant, "declaration", receipt, alerts);
	json_t *o = NULL;
	e = e ? e : desk_declaration_read(c, NULL, id, &o, NULL);
	if (e) {
		json_decref(alerts);
		return e;
	}
	json_object_set_new(o, "alerts", alerts);
	*out = o;
	return SJ_OK;
}

/* ------------------------------------------------------------ reads */

static const char sql_get[] =
	"SELECT " REC_COLS(DECL_FIELDS) ", unit, unit_name_fr, unit_name_ar, unit_path, declared_by_badge"
	" FROM declarations"
	" JOIN (SELECT id AS u_id, code AS unit, name_fr AS unit_name_fr, name_ar AS unit_name_ar, path AS unit_path"
	" FROM units) u ON u.u_id = unit_id"
	" JOIN (SELECT id AS b_id, badge AS declared_by_badge FROM users) b ON b.b_id = declared_by WHERE id = ?";
static const char sql_items[] =
	"SELECT " REC_COLS(ITEM_FIELDS) ", found_unit FROM declaration_items"
	" LEFT JOIN (SELECT id AS f_id, code AS found_unit FROM units) f ON f.f_id = found_unit_id"
	" WHERE declaration_id = ? ORDER BY seq";

/* desk_declaration_read with a NULL actor reads without a scope check (the
 * module's own use, after a write). */
sj_err desk_declaration_read(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why)
{
	*out = NULL;
	json_t *o = NULL, *p = NULL, *items = NULL;
	sj_err e = id_valid(id) ? dbj_rec_one(c, sql_get, &desk_declaration_rec, &o, "t", id) : SJ_ENOTFOUND;
	if (e == SJ_ENOTFOUND && why)
		*why = "declaration-not-found";
	if (!e && a && !actor_can_read(a, js(o, "unit_path")))
		e = SJ_EFORBIDDEN;
	e = e ? e : persons_get(c, js(o, "declarant_id"), &p);
	e = e ? e : dbj_rec_rows(c, sql_items, &desk_item_rec, &items, "t", id);
	if (e) {
		json_decref(o);
		json_decref(p);
		return e;
	}
	json_object_set_new(o, "declarant", p);
	json_object_set_new(o, "items", items);
	*out = o;
	return SJ_OK;
}

/* ------------------------------------------------------------ found */

static const char sql_item_get[] =
	"SELECT id, register, register_id, found_at FROM declaration_items WHERE declaration_id = ? AND seq = ?";
static const char sql_item_found[] =
	"UPDATE declaration_items SET found_at = ?, found_unit_id = ? WHERE id = ? AND found_at IS NULL";
static const char sql_by_receipt[] = "SELECT id FROM declarations WHERE receipt_no = ? OR verify_no = ?";

sj_err desk_item_found(db_conn *c, const sj_actor *a, json_t *in, json_t **out, const char **field, const char **why)
{
	*out = NULL;
	int64_t now = clock_now_ms();
	json_t *jat = json_object_get(in, "found_at"), *it = NULL, *d = NULL;
	int64_t at = json_is_integer(jat) ? (int64_t)json_integer_value(jat) : now;
	json_int_t seq = json_integer_value(json_object_get(in, "seq"));
	const char *receipt = js(in, "receipt_no");
	sj_err e = dbj_one(c, sql_by_receipt, "id:t", &d, "tt", receipt, receipt);
	if (e == SJ_ENOTFOUND) {
		*field = "receipt_no";
		*why = "unknown-receipt";
		return SJ_EINVAL;
	}
	if (e)
		return e;
	char id[ID_LEN + 1];
	snprintf(id, sizeof id, "%s", js(d, "id"));
	json_decref(d);
	if (at > now + 60000) {
		*field = "found_at";
		*why = "in-future";
		return SJ_EINVAL;
	}
	e = dbj_rec_one(c, sql_item_get, &desk_item_rec, &it, "ti", id, (int64_t)seq);
	if (e == SJ_ENOTFOUND) {
		*field = "seq";
		*why = "item-not-found";
		return SJ_EUNPROCESSABLE;
	}
	if (e)
		return e;
	char iid[ID_LEN + 1], reg[16] = "", rid[ID_LEN + 1] = "";
	snprintf(iid, sizeof iid, "%s", js(it, "id"));
	if (js(it, "register"))
		snprintf(reg, sizeof reg, "%s", js(it, "register"));
	if (js(it, "register_id"))
		snprintf(rid, sizeof rid, "%s", js(it, "register_id"));
	bool was = json_is_integer(json_object_get(it, "found_at"));
	json_decref(it);
	if (was) {
		*why = "item-already-found";
		return SJ_ECONFLICT;
	}
	json_t *r = NULL;
	const char *reason = js(in, "reason") ? js(in, "reason") : "found";
	if (rid[0])
		e = reg_found(c, a, reg, rid, at, reason, &r, why);
	else
		r = json_pack("{s:s}", "status", "found");
	e = e ? e : db_run(c, sql_item_found, "itt", at, a->unit_id, iid);
	if (!e && !(*out = json_pack("{s:s,s:s,s:I,s:I,s:s,s:s?,s:O}", "receipt_no", receipt, "declaration_id", id, "seq", seq, "found_at",
				     (json_int_t)at, "found_unit", a->unit_code, "register", rid[0] ? reg : NULL,
				     "register_status", json_object_get(r, "status"))))
		e = SJ_ENOMEM;
	json_decref(r);
	return e;
}

/* ------------------------------------------------------------ theft → complaint */

static const char sql_link[] = "UPDATE declarations SET complaint_id = ?, case_id = ? WHERE id = ?";

/* facts_of writes what the complaint says: the declaration's number, its
 * circumstances and the things, in both languages' words. */
static sj_err facts_of(json_t *d, buf *b)
{
	sj_err e = buf_printf(b, "Déclaration de vol / تصريح بالسرقة %s.\n", js(d, "receipt_no"));
	if (!e && js(d, "circumstances"))
		e = buf_printf(b, "%s\n", js(d, "circumstances"));
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(d, "items"), i, it) {
		const char *what = js(it, "doc_number") ? js(it, "doc_number")
				 : js(it, "imei")       ? js(it, "imei")
				 : js(it, "plate")      ? js(it, "plate")
				 : js(it, "vin")        ? js(it, "vin")
				 : js(it, "card_last4") ? js(it, "card_last4")
							: js(it, "description");
		e = e ? e : buf_printf(b, "- %s: %s\n", js(it, "item_type"), what ? what : "");
	}
	return e;
}

sj_err desk_to_complaint(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out,
			 const char **field, const char **why)
{
	*out = NULL;
	json_t *d = NULL, *comp = NULL, *cs = NULL, *cin = NULL;
	sj_err e = desk_declaration_read(c, a, id, &d, why);
	if (!e && !actor_can_write(a, js(d, "unit_path")))
		e = SJ_EFORBIDDEN;
	if (!e && strcmp(js(d, "kind"), "theft") != 0) {
		*why = "declaration-not-theft";
		e = SJ_ECONFLICT;
	}
	if (!e && js(d, "complaint_id")) {
		*why = "declaration-already-complaint";
		e = SJ_ECONFLICT;
	}
	buf facts;
	buf_init(&facts, SJ_MAX_LONG_TEXT);
	e = e ? e : facts_of(d, &facts);
	e = e ? e : complaint_create_for(c, a, js(d, "declarant_id"), buf_str(&facts),
					 json_object_get(d, "occurred_at"), js(d, "place"), id, &comp);
	if (!e && !(cin = json_pack("{s:O,s:O,s:O?,s:s,s:O,s:O}", "frame", json_object_get(in, "frame"), "offences",
				    json_object_get(in, "offences"), "opj", json_object_get(in, "opj"), "summary",
				    buf_str(&facts), "complaint_id", json_object_get(comp, "id"), "occurred_from",
				    json_object_get(d, "occurred_at"))))
		e = SJ_ENOMEM;
	buf_free(&facts);
	e = e ? e : case_create(c, a, cin, &cs, field, why);
	e = e ? e : db_run(c, sql_link, "ttt", js(comp, "id"), js(cs, "id"), id);
	json_decref(cin);
	json_decref(comp);
	json_decref(cs);
	json_decref(d);
	return e ? e : desk_declaration_read(c, a, id, out, why);
}
