/* hits.c — the hit engine: every person, plate or document number entered
 * anywhere is checked against the active register entries; each hit is
 * recorded, notified to the entry's home unit and returned as an alert (see
 * registers.h). The entries themselves are registers.c's. */
#include "registers/registers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "exchange/exchange.h"
#include "org/units.h"
#include "persons/persons.h"
#include "search/search.h"
#include "text/ident.h"

REC_ENUM_DEF(hit_sources, "source", "lookup", "case", "complaint", "declaration", "import", "exchange");
REC_ENUM_DEF(check_sources, "source", "lookup", "case", "complaint", "declaration");
REC_ENUM_DEF(notification_kinds, "notification_kind", "hit", "found");

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static bool empty(const char *s)
{
	return !s || !*s;
}

/* A hit: what was entered matched an active entry (score 0..1000). */
#define HIT_FIELDS(X) \
	X(C, at, TIME, 0, 0, NULL, 0) \
	X(C, register, ENUM, 0, 0, &reg_names, 0) \
	X(C, record_id, ID, 0, 36, NULL, 0) \
	X(C, owner_unit_id, ID, 0, 36, NULL, 0) \
	X(C, source, ENUM, 0, 0, &hit_sources, 0) \
	X(C, source_ref, TEXT, 1, SJ_MAX_REFERENCE, NULL, 0) \
	X(C, entered, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, PII) \
	X(C, score, INT, 0, 1000, NULL, 0) \
	X(C, actor_id, ID, 0, 36, NULL, 0) \
	X(C, actor_unit_id, ID, 0, 36, NULL, 0)
static const rec_field hit_fields[] = {REC_ID_FIELD, HIT_FIELDS(REC_FIELD)};
const rec_desc reg_hit_rec = REC_DESC("hit", "hits", hit_fields, NULL);

/* A notification to the unit that owns the entry a hit matched. */
#define NOTIFICATION_FIELDS(X) \
	X(C, unit_id, ID, 0, 36, NULL, 0) \
	X(C, kind, ENUM, 0, 0, &notification_kinds, OUT) \
	X(C, hit_id, ID, 0, 36, NULL, OUT) \
	X(C, title, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, detail, JSON, 0, 0, NULL, OUT | PII) \
	X(C, created_at, TIME, 0, 0, NULL, OUT) \
	X(C, read_at, TIME, 0, 0, NULL, OUT) \
	X(C, read_by, ID, 0, 36, NULL, OUT) \
	X(V, path, TEXT, 1, UNIT_PATH_MAX, NULL, 0) \
	X(V, already, BOOL, 0, 0, NULL, OUT)
static const rec_field notification_fields[] = {REC_ID_FIELD, NOTIFICATION_FIELDS(REC_FIELD)};
const rec_desc reg_notification_rec = REC_DESC("notification", "notifications", notification_fields, NULL);

#define NOTIFICATIONS_FIELDS(X) \
	X(V, items, ARRAY, 0, SJ_MAX_PAGE, &reg_notification_rec, OUT) \
	X(V, unit, CODE, 1, UNIT_CODE_MAX, NULL, OUT)
static const rec_field notifications_fields[] = {NOTIFICATIONS_FIELDS(REC_FIELD)};
const rec_desc reg_notifications_rec = REC_DESC("notifications", NULL, notifications_fields, NULL);

/* An alert: a hit as the one who entered the thing sees it. */
#define ALERT_FIELDS(X) \
	X(V, register, ENUM, 0, 0, &reg_names, OUT) \
	X(V, hit_id, ID, 0, 36, NULL, OUT) \
	X(V, owner_unit, CODE, 1, UNIT_CODE_MAX, NULL, OUT) \
	X(V, score, REAL, 0, 1, NULL, OUT) \
	X(V, matched, ARRAY, 0, SJ_MAX_MATCH_REASONS, NULL, OUT) \
	X(V, reference, TEXT, 1, SJ_MAX_REFERENCE, NULL, OUT) \
	X(V, issuing_authority, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(V, offence, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(V, danger, ENUM, 0, 0, &reg_dangers, OUT) \
	X(V, person, JSON, 0, 0, NULL, OUT | PII) \
	X(V, plate, TEXT, 1, SJ_MAX_PLATE_TYPED, NULL, OUT) \
	X(V, vin, TEXT, 1, SJ_MAX_VIN, NULL, OUT) \
	X(V, make, TEXT, 1, SJ_MAX_VEHICLE_TEXT, NULL, OUT) \
	X(V, model, TEXT, 1, SJ_MAX_VEHICLE_TEXT, NULL, OUT) \
	X(V, color, TEXT, 1, SJ_MAX_COLOR, NULL, OUT) \
	X(V, doc_type, ENUM, 0, 0, &reg_doc_types, OUT) \
	X(V, doc_number, TEXT, 1, SJ_MAX_DOC_NUMBER, NULL, OUT) \
	X(V, kind, ENUM, 0, 0, &reg_doc_kinds, OUT) \
	X(V, imei, TEXT, 1, SJ_MAX_IMEI_TYPED, NULL, OUT) \
	X(V, hotlist_issued_at, TIME, 0, 0, NULL, OUT) \
	X(V, hotlist_age_s, INT, 0, 0, NULL, OUT)
static const rec_field alert_fields[] = {REC_ID_FIELD, ALERT_FIELDS(REC_FIELD)};
const rec_desc reg_alert_rec = REC_DESC("alert", NULL, alert_fields, NULL);

/* POST /check: a look-up of a person, a plate, a VIN or a document number. */
#define CHECK_PERSON_FIELDS(X) \
	X(V, cin, TEXT, 2, SJ_MAX_CIN_TYPED, NULL, IN | PII | NULLABLE) \
	X(V, name, TEXT, 1, SJ_MAX_NAME, NULL, IN | PII | NULLABLE) \
	X(V, first_name_ar, TEXT, 1, SJ_MAX_NAME, NULL, IN | PII | NULLABLE) \
	X(V, last_name_ar, TEXT, 1, SJ_MAX_NAME, NULL, IN | PII | NULLABLE) \
	X(V, first_name_lat, TEXT, 1, SJ_MAX_NAME, NULL, IN | PII | NULLABLE) \
	X(V, last_name_lat, TEXT, 1, SJ_MAX_NAME, NULL, IN | PII | NULLABLE) \
	X(V, father_name, TEXT, 1, SJ_MAX_NAME, NULL, IN | PII | NULLABLE) \
	X(V, birth_date, DATE, 0, 10, NULL, IN | PII | NULLABLE)
static const rec_field check_person_fields[] = {CHECK_PERSON_FIELDS(REC_FIELD)};
const rec_desc reg_check_person_rec = REC_DESC("check_person", NULL, check_person_fields, NULL);

#define CHECK_FIELDS(X) \
	X(V, purpose, TEXT, 3, SJ_MAX_PURPOSE, NULL, IN | REQ) \
	X(V, source, ENUM, 0, 0, &check_sources, IN) \
	X(V, source_ref, TEXT, 1, SJ_MAX_REFERENCE, NULL, IN | NULLABLE) \
	X(V, person, OBJECT, 0, 0, &reg_check_person_rec, IN | NULLABLE) \
	X(V, plate, TEXT, 2, SJ_MAX_PLATE_TYPED, NULL, IN | NULLABLE) \
	X(V, vin, TEXT, 4, SJ_MAX_VIN, NULL, IN | NULLABLE) \
	X(V, document, TEXT, 4, SJ_MAX_DOC_NUMBER, NULL, IN | NULLABLE) \
	X(V, imei, TEXT, 4, SJ_MAX_IMEI_TYPED, NULL, IN | NULLABLE)
static const rec_field check_fields[] = {CHECK_FIELDS(REC_FIELD)};
const rec_desc reg_check_rec = REC_DESC("check", NULL, check_fields, NULL);

#define CHECK_REPLY_FIELDS(X) X(V, alerts, ARRAY, 0, SJ_MAX_ALERTS, &reg_alert_rec, OUT)
static const rec_field check_reply_fields[] = {CHECK_REPLY_FIELDS(REC_FIELD)};
const rec_desc reg_check_reply_rec = REC_DESC("alerts", NULL, check_reply_fields, NULL);


/* ------------------------------------------------------------ hits */

static const char sql_hit_ins[] = "INSERT INTO hits (" REC_COLS(HIT_FIELDS) ") VALUES (" REC_QS(HIT_FIELDS) ")";
static const char sql_notif_ins[] =
	"INSERT INTO notifications (" REC_COLS(NOTIFICATION_FIELDS) ") VALUES (" REC_QS(NOTIFICATION_FIELDS) ")";

/* record_hit stores the hit and the owner's notification and appends alert
 * (stolen) to alerts. */
static sj_err record_hit(db_conn *c, const char *reg, const char *record_id, const char *owner_unit_id,
			 const char *entered, double score, const reg_ctx *ctx, const char *title, json_t *alert,
			 json_t *alerts)
{
	char hid[ID_LEN + 1], nid[ID_LEN + 1];
	id_new(hid);
	id_new(nid);
	int64_t now = clock_now_ms();
	/* an entry of central's hotlist on a node: the hit says how old it is */
	bool pulled = false;
	int64_t issued = 0;
	sj_err pe = xchg_pulled_at(c, reg_table(reg), record_id, &pulled, &issued);
	if (pe) {
		json_decref(alert);
		return pe;
	}
	if (pulled) {
		json_object_set_new(alert, "hotlist_issued_at", issued ? json_integer(issued) : json_null());
		json_object_set_new(alert, "hotlist_age_s", issued ? json_integer((now - issued) / 1000) : json_null());
	}
	if (ctx->silent) {
		json_array_append(alerts, alert);
		json_decref(alert);
		return SJ_OK;
	}
	json_t *hit = json_pack("{s:s,s:I,s:s,s:s,s:s,s:s,s:s?,s:s?,s:I,s:s?,s:s?}", "id", hid, "at", (json_int_t)now,
				"register", reg, "record_id", record_id, "owner_unit_id", owner_unit_id, "source",
				ctx->source ? ctx->source : "lookup", "source_ref", ctx->source_ref, "entered", entered,
				"score", (json_int_t)(score * 1000 + 0.5), "actor_id", ctx->actor_id, "actor_unit_id",
				ctx->actor_unit_id);
	sj_err e = hit ? dbj_write(c, sql_hit_ins, &reg_hit_rec, hit, false, "") : SJ_ENOMEM;
	json_decref(hit);
	json_object_set_new(alert, "hit_id", json_string(hid));
	json_t *n = e ? NULL
		      : json_pack("{s:s,s:s,s:s,s:s,s:s,s:O,s:I}", "id", nid, "unit_id", owner_unit_id, "kind", "hit",
				  "hit_id", hid, "title", title, "detail", alert, "created_at", (json_int_t)now);
	if (!e && !n)
		e = SJ_ENOMEM;
	e = e ? e : dbj_write(c, sql_notif_ins, &reg_notification_rec, n, false, "");
	json_decref(n);
	if (!e)
		json_array_append(alerts, alert);
	json_decref(alert);
	return e;
}

static bool already(json_t *alerts, const char *record_id)
{
	size_t i;
	json_t *a;
	json_array_foreach(alerts, i, a) if (strcmp(js(a, "id") ? js(a, "id") : "", record_id) == 0) return true;
	return false;
}

static const char sql_wanted_by_cin[] =
	"SELECT id FROM wanted_notices WHERE cin = ? AND status = 'active'";
static const char sql_wanted_by_key[] =
	"SELECT k.notice_id FROM wanted_keys k JOIN wanted_notices w ON w.id = k.notice_id"
	" WHERE k.key = ? AND w.status = 'active' LIMIT 200";
static const char sql_wanted_get[] =
	"SELECT w.id, w.unit_id, u.code, w.reference, w.issuing_authority, w.offence, w.danger, w.cin,"
	" w.first_name_ar, w.last_name_ar, w.first_name_lat, w.last_name_lat, w.father_name_ar, w.father_name_lat,"
	" w.birth_date FROM wanted_notices w JOIN units u ON u.id = w.unit_id WHERE w.id = ?";
#define WGET_COLS "id:t,unit_id:t,unit:t,reference:t,issuing_authority:t,offence:t,danger:t,cin:t," \
	"first_name_ar:t,last_name_ar:t,first_name_lat:t,last_name_lat:t,father_name_ar:t,father_name_lat:t,birth_date:t"

#define MAX_WCANDS 64

typedef struct wcands {
	int n;
	char id[MAX_WCANDS][ID_LEN + 1];
	db_conn *c;
	sj_err e;
} wcands;

static void wc_add(wcands *w, const char *id)
{
	for (int i = 0; i < w->n; i++)
		if (strcmp(w->id[i], id) == 0)
			return;
	if (w->n < MAX_WCANDS && strlen(id) == ID_LEN)
		memcpy(w->id[w->n++], id, ID_LEN + 1);
}

static void wanted_by_key(const char *key, void *ctx)
{
	wcands *w = ctx;
	if (w->e)
		return;
	db_stmt *s;
	bool row;
	w->e = db_prepare(w->c, sql_wanted_by_key, &s);
	if (!w->e)
		w->e = db_bind_text(s, 1, key);
	while (!w->e && !(w->e = db_step(s, &row)) && row)
		wc_add(w, db_col_text(s, 0));
}

static double best_typed(const char *typed, const srch_names *n, unsigned *parts)
{
	return empty(typed) ? 0 : srch_name_similarity(typed, n, parts);
}

sj_err reg_check_person(db_conn *c, const reg_person *p, const reg_ctx *ctx, json_t *alerts)
{
	wcands *w = calloc(1, sizeof *w);
	if (!w)
		return SJ_ENOMEM;
	w->c = c;
	sj_err e = SJ_OK;
	char cin[PERSON_CIN_MAX + 1] = "";
	bool by_cin[MAX_WCANDS] = {false};
	if (p->cin && persons_cin_normalize(p->cin, cin)) {
		json_t *rows = NULL;
		e = dbj_rows(c, sql_wanted_by_cin, "id:t", &rows, "t", cin);
		size_t i;
		json_t *r;
		json_array_foreach(rows, i, r) {
			wc_add(w, js(r, "id"));
			if (w->n)
				by_cin[w->n - 1] = true;
		}
		json_decref(rows);
	}
	/* names: the typed query's keys, and the structured names' keys */
	char lat[2 * 256 + 2] = "", ar[2 * 256 + 2] = "";
	snprintf(lat, sizeof lat, "%s %s", p->first_name_lat ? p->first_name_lat : "",
		 p->last_name_lat ? p->last_name_lat : "");
	snprintf(ar, sizeof ar, "%s %s", p->first_name_ar ? p->first_name_ar : "", p->last_name_ar ? p->last_name_ar : "");
	if (!e && !empty(p->name))
		e = srch_query_keys(p->name, wanted_by_key, w);
	srch_names en = {p->first_name_ar, p->last_name_ar, p->first_name_lat, p->last_name_lat, NULL, NULL,
			 NULL, p->father_name, p->birth_date};
	if (!e && (!empty(p->first_name_ar) || !empty(p->last_name_ar) || !empty(p->first_name_lat) ||
		   !empty(p->last_name_lat)))
		e = srch_name_keys(&en, wanted_by_key, w);
	e = e ? e : w->e;
	for (int i = 0; !e && i < w->n; i++) {
		json_t *row = NULL;
		e = dbj_one(c, sql_wanted_get, WGET_COLS, &row, "t", w->id[i]);
		if (e)
			break;
		srch_names wn = {js(row, "first_name_ar"), js(row, "last_name_ar"), js(row, "first_name_lat"),
				 js(row, "last_name_lat"), js(row, "father_name_ar"), js(row, "father_name_lat"), NULL,
				 NULL, js(row, "birth_date")};
		unsigned parts = 0, pp = 0;
		double s = best_typed(p->name, &wn, &parts);
		double s2 = best_typed(lat, &wn, &pp);
		if (s2 > s) {
			s = s2;
			parts = pp;
		}
		s2 = best_typed(ar, &wn, &pp);
		if (s2 > s) {
			s = s2;
			parts = pp;
		}
		const char *wbd = js(row, "birth_date");
		bool dob_conflict = p->birth_date && wbd && strncmp(p->birth_date, wbd, 4) != 0;
		bool hit = by_cin[i] || (s >= REG_HIT_THRESHOLD && !dob_conflict);
		if (!hit || already(alerts, w->id[i])) {
			json_decref(row);
			continue;
		}
		json_t *matched = json_array();
		if (by_cin[i])
			json_array_append_new(matched, json_string("cin"));
		if (parts & 1)
			json_array_append_new(matched, json_string("first_name"));
		if (parts & 2)
			json_array_append_new(matched, json_string("last_name"));
		if (p->birth_date && wbd && strcmp(p->birth_date, wbd) == 0)
			json_array_append_new(matched, json_string("birth_date"));
		double score = by_cin[i] ? 1.0 : s;
		json_t *alert = json_pack("{s:s,s:s,s:O,s:O,s:O,s:O,s:O,s:f,s:o,s:{s:O,s:O,s:O,s:O}}", "register",
					  "wanted", "id", w->id[i], "reference", json_object_get(row, "reference"),
					  "issuing_authority", json_object_get(row, "issuing_authority"), "offence",
					  json_object_get(row, "offence"), "danger", json_object_get(row, "danger"),
					  "owner_unit", json_object_get(row, "unit"), "score",
					  (double)(long)(score * 1000 + 0.5) / 1000.0, "matched", matched, "person",
					  "first_name_ar", json_object_get(row, "first_name_ar"), "last_name_ar",
					  json_object_get(row, "last_name_ar"), "first_name_lat",
					  json_object_get(row, "first_name_lat"), "last_name_lat",
					  json_object_get(row, "last_name_lat"));
		const char *entered = !empty(p->name) ? p->name : !empty(lat) && strcmp(lat, " ") ? lat : ar;
		e = record_hit(c, "wanted", w->id[i], js(row, "unit_id"), entered, score, ctx,
			       "wanted person hit / إشعار بحث", alert, alerts);
		json_decref(row);
	}
	free(w);
	return e;
}

static const char sql_veh_by_plate[] =
	"SELECT r.id, r.unit_id, u.code, r.plate, r.vin, r.make, r.model, r.color, r.reference FROM stolen_vehicles r"
	" JOIN units u ON u.id = r.unit_id WHERE r.plate_norm = ? AND r.status = 'active'";
static const char sql_veh_by_vin[] =
	"SELECT r.id, r.unit_id, u.code, r.plate, r.vin, r.make, r.model, r.color, r.reference FROM stolen_vehicles r"
	" JOIN units u ON u.id = r.unit_id WHERE r.vin = ? AND r.status = 'active'";
#define VHIT_COLS "id:t,unit_id:t,unit:t,plate:t,vin:t,make:t,model:t,color:t,reference:t"

static sj_err vehicle_hits(db_conn *c, const char *sql, const char *key, const char *entered, const char *why,
			   const reg_ctx *ctx, json_t *alerts)
{
	json_t *rows = NULL;
	sj_err e = dbj_rows(c, sql, VHIT_COLS, &rows, "t", key);
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		if (e || already(alerts, js(r, "id")))
			continue;
		json_t *alert = json_pack("{s:s,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:f,s:[s]}", "register", "vehicle", "id",
					  json_object_get(r, "id"), "plate", json_object_get(r, "plate"), "vin",
					  json_object_get(r, "vin"), "make", json_object_get(r, "make"), "model",
					  json_object_get(r, "model"), "color", json_object_get(r, "color"), "reference",
					  json_object_get(r, "reference"), "owner_unit", json_object_get(r, "unit"), "score",
					  1.0, "matched", why);
		e = record_hit(c, "vehicle", js(r, "id"), js(r, "unit_id"), entered, 1.0, ctx,
			       "stolen vehicle hit / مركبة مسروقة", alert, alerts);
	}
	json_decref(rows);
	return e;
}

sj_err reg_check_plate(db_conn *c, const char *plate, const char *vin, const reg_ctx *ctx, json_t *alerts)
{
	char pn[REG_PLATE_MAX + 1], vn[REG_DOC_MAX + 1];
	sj_err e = SJ_OK;
	if (plate && reg_plate_normalize(plate, pn))
		e = vehicle_hits(c, sql_veh_by_plate, pn, plate, "plate", ctx, alerts);
	if (!e && vin && reg_doc_normalize(vin, vn))
		e = vehicle_hits(c, sql_veh_by_vin, vn, vin, "vin", ctx, alerts);
	return e;
}

static const char sql_doc_by_norm[] =
	"SELECT r.id, r.unit_id, u.code, r.doc_type, r.doc_number, r.kind, r.reference FROM stolen_documents r"
	" JOIN units u ON u.id = r.unit_id WHERE r.doc_norm = ? AND r.status = 'active'";

sj_err reg_check_document(db_conn *c, const char *number, const reg_ctx *ctx, json_t *alerts)
{
	char dn[REG_DOC_MAX + 1];
	if (!number || !reg_doc_normalize(number, dn))
		return SJ_OK;
	json_t *rows = NULL;
	sj_err e = dbj_rows(c, sql_doc_by_norm, "id:t,unit_id:t,unit:t,doc_type:t,doc_number:t,kind:t,reference:t",
			    &rows, "t", dn);
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		if (e || already(alerts, js(r, "id")))
			continue;
		json_t *alert = json_pack("{s:s,s:O,s:O,s:O,s:O,s:O,s:O,s:f,s:[s]}", "register", "document", "id",
					  json_object_get(r, "id"), "doc_type", json_object_get(r, "doc_type"),
					  "doc_number", json_object_get(r, "doc_number"), "kind", json_object_get(r, "kind"),
					  "reference", json_object_get(r, "reference"), "owner_unit",
					  json_object_get(r, "unit"), "score", 1.0, "matched", "doc_number");
		e = record_hit(c, "document", js(r, "id"), js(r, "unit_id"), number, 1.0, ctx,
			       "lost/stolen document hit / وثيقة مفقودة أو مسروقة", alert, alerts);
	}
	json_decref(rows);
	return e;
}

static const char sql_phone_by_imei[] =
	"SELECT r.id, r.unit_id, u.code, r.imei, r.make, r.model, r.color, r.kind, r.reference FROM stolen_phones r"
	" JOIN units u ON u.id = r.unit_id WHERE r.imei = ? AND r.status = 'active'";

sj_err reg_check_imei(db_conn *c, const char *imei, const reg_ctx *ctx, json_t *alerts)
{
	char n[IDENT_IMEI_LEN + 1];
	if (!imei || ident_imei_normalize(imei, n) != SJ_OK)
		return SJ_OK;
	json_t *rows = NULL;
	sj_err e = dbj_rows(c, sql_phone_by_imei, "id:t,unit_id:t,unit:t,imei:t,make:t,model:t,color:t,kind:t,reference:t",
			    &rows, "t", n);
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		if (e || already(alerts, js(r, "id")))
			continue;
		json_t *alert = json_pack("{s:s,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:f,s:[s]}", "register", "phone", "id",
					  json_object_get(r, "id"), "imei", json_object_get(r, "imei"), "make",
					  json_object_get(r, "make"), "model", json_object_get(r, "model"), "color",
					  json_object_get(r, "color"), "kind", json_object_get(r, "kind"), "reference",
					  json_object_get(r, "reference"), "owner_unit", json_object_get(r, "unit"), "score",
					  1.0, "matched", "imei");
		e = record_hit(c, "phone", js(r, "id"), js(r, "unit_id"), n, 1.0, ctx,
			       "lost/stolen phone hit / هاتف مفقود أو مسروق", alert, alerts);
	}
	json_decref(rows);
	return e;
}

sj_err reg_hit_seized(db_conn *c, const sj_actor *a, const char *reg, const char *record_id, const char *entered,
		      json_t *seizure, json_t *alerts)
{
	reg_ctx ctx = {.actor_id = a->id, .actor_unit_id = a->unit_id, .source = "case",
		       .source_ref = js(seizure, "case_number")};
	const char *title = "declared thing already seized / شيء مصرح به سبق حجزه";
	json_t *alert = json_pack("{s:s,s:s,s:s,s:f,s:[s],s:O}", "register", reg, "id", record_id, "owner_unit",
				  a->unit_code, "score", 1.0, "matched", "seizure", "reference",
				  json_object_get(seizure, "seal_no"));
	json_t *detail = json_pack("{s:s,s:s,s:s,s:O,s:O,s:s}", "register", reg, "id", record_id, "declared_by_unit",
				   a->unit_code, "case_number", json_object_get(seizure, "case_number"), "seal_no",
				   json_object_get(seizure, "seal_no"), "entered", entered ? entered : "");
	if (!alert || !detail) {
		json_decref(alert);
		json_decref(detail);
		return SJ_ENOMEM;
	}
	sj_err e = record_hit(c, reg, record_id, a->unit_id, entered, 1.0, &ctx, title, alert, alerts);
	e = e ? e : reg_notify(c, js(seizure, "unit_id"), "hit", title, detail);
	json_decref(detail);
	return e;
}

sj_err reg_notify(db_conn *c, const char *unit_id, const char *kind, const char *title, json_t *detail)
{
	char nid[ID_LEN + 1];
	id_new(nid);
	json_t *n = json_pack("{s:s,s:s,s:s,s:s,s:O,s:I}", "id", nid, "unit_id", unit_id, "kind", kind, "title", title,
			      "detail", detail, "created_at", (json_int_t)clock_now_ms());
	sj_err e = n ? dbj_write(c, sql_notif_ins, &reg_notification_rec, n, false, "") : SJ_ENOMEM;
	json_decref(n);
	return e;
}

/* ------------------------------------------------------------ look-ups */

/* ctx_of names who enters a thing for the hits. */
static reg_ctx ctx_of(const sj_actor *a, const char *source, const char *ref)
{
	return (reg_ctx){.actor_id = a->id, .actor_unit_id = a->unit_id, .source = source, .source_ref = ref};
}

sj_err reg_check_lookup(db_conn *c, const sj_actor *a, const char *q, const char *birth_date, json_t *alerts)
{
	reg_ctx ctx = ctx_of(a, "lookup", NULL);
	reg_person rp = {.cin = q, .name = q, .birth_date = birth_date};
	sj_err e = reg_check_person(c, &rp, &ctx, alerts);
	return e ? e : reg_check_document(c, q, &ctx, alerts);
}

sj_err reg_check(db_conn *c, const sj_actor *a, json_t *in, json_t **out)
{
	*out = NULL;
	json_t *p = json_object_get(in, "person");
	reg_ctx ctx = ctx_of(a, js(in, "source") ? js(in, "source") : "lookup", js(in, "source_ref"));
	if (!a->writer)
		ctx = (reg_ctx){.actor_id = a->id, .actor_unit_id = a->unit_id, .source = "lookup", .silent = true};
	reg_person rp = {
		.cin = js(p, "cin"),
		.name = js(p, "name"),
		.first_name_ar = js(p, "first_name_ar"),
		.last_name_ar = js(p, "last_name_ar"),
		.first_name_lat = js(p, "first_name_lat"),
		.last_name_lat = js(p, "last_name_lat"),
		.father_name = js(p, "father_name"),
		.birth_date = js(p, "birth_date"),
	};
	json_t *alerts = json_array();
	sj_err e = alerts ? SJ_OK : SJ_ENOMEM;
	e = e ? e : json_is_object(p) ? reg_check_person(c, &rp, &ctx, alerts) : SJ_OK;
	e = e ? e : reg_check_plate(c, js(in, "plate"), js(in, "vin"), &ctx, alerts);
	e = e ? e : reg_check_document(c, js(in, "document"), &ctx, alerts);
	e = e ? e : reg_check_imei(c, js(in, "imei"), &ctx, alerts);
	if (!e && rp.cin)
		e = reg_check_document(c, rp.cin, &ctx, alerts);
	if (e) {
		json_decref(alerts);
		return e;
	}
	*out = json_pack("{s:o}", "alerts", alerts);
	return *out ? SJ_OK : SJ_ENOMEM;
}

/* ------------------------------------------------------------ notifications */

static const char sql_notifs[] =
	"SELECT id, kind, hit_id, title, detail, created_at, read_at, read_by FROM notifications WHERE unit_id = ?"
	" ORDER BY created_at DESC, id LIMIT ? OFFSET ?";

sj_err reg_notifications(db_conn *c, const sj_actor *a, int limit, int64_t offset, json_t **out)
{
	*out = NULL;
	json_t *items = NULL;
	sj_err e = dbj_rec_rows(c, sql_notifs, &reg_notification_rec, &items, "tii", a->unit_id, (int64_t)limit, offset);
	if (e)
		return e;
	*out = json_pack("{s:o,s:s}", "items", items, "unit", a->unit_code);
	return *out ? SJ_OK : SJ_ENOMEM;
}

static const char sql_notif_get[] =
	"SELECT path, read_at FROM notifications JOIN (SELECT id AS u_id, path FROM units) u ON u.u_id = unit_id"
	" WHERE id = ?";
static const char sql_notif_read[] =
	"UPDATE notifications SET read_at = ?, read_by = ? WHERE id = ? AND read_at IS NULL";

sj_err reg_notification_read(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why)
{
	*out = NULL;
	json_t *row = NULL;
	sj_err e = id_valid(id) ? dbj_rec_one(c, sql_notif_get, &reg_notification_rec, &row, "t", id) : SJ_ENOTFOUND;
	if (e == SJ_ENOTFOUND)
		*why = "notification-not-found";
	if (e)
		return e;
	bool mine = actor_in_scope(a, js(row, "path"));
	json_t *ra = json_object_get(row, "read_at");
	bool was = json_is_integer(ra);
	int64_t at = was ? (int64_t)json_integer_value(ra) : clock_now_ms();
	json_decref(row);
	if (!mine)
		return SJ_EFORBIDDEN;
	if (!was)
		e = db_run(c, sql_notif_read, "itt", at, a->id, id);
	if (!e && !(*out = json_pack("{s:s,s:I,s:b}", "id", id, "read_at", (json_int_t)at, "already", was)))
		e = SJ_ENOMEM;
	return e;
}

sj_err reg_check_entered_person(db_conn *c, const sj_actor *a, json_t *p, const char *source, const char *ref,
				json_t *alerts)
{
	if (!p)
		return SJ_OK;
	const char *father = js(p, "father_name_lat");
	if (!father)
		father = js(p, "father_name_ar");
	if (!father)
		father = js(p, "father_name");
	reg_person rp = {
		.cin = js(p, "cin"),
		.first_name_ar = js(p, "first_name_ar"),
		.last_name_ar = js(p, "last_name_ar"),
		.first_name_lat = js(p, "first_name_lat"),
		.last_name_lat = js(p, "last_name_lat"),
		.father_name = father,
		.birth_date = js(p, "birth_date"),
	};
	if (!rp.cin && !rp.first_name_ar && !rp.last_name_ar && !rp.first_name_lat && !rp.last_name_lat)
		return SJ_OK; /* an unknown suspect: nothing to look for */
	reg_ctx ctx = {.actor_id = a->id, .actor_unit_id = a->unit_id, .source = source, .source_ref = ref};
	return reg_check_person(c, &rp, &ctx, alerts);
}

/* ------------------------------------------------------------ retention (issue 17 item 9) */

/* hits recorded before the cut — not, at central, those of a unit a node
 * hosts: its host purges them (single writer) and the tombstones travel */
static const char sql_old_hits[] =
	"SELECT id, at, register, record_id, owner_unit_id, source, source_ref, entered, score, actor_id,"
	" COALESCE(actor_unit_id, owner_unit_id) AS unit_id FROM hits WHERE at < ?"
	" AND COALESCE(actor_unit_id, owner_unit_id) NOT IN " XCHG_SQL_NODE_UNITS " ORDER BY id";
static const char sql_del_hit[] = "DELETE FROM hits WHERE id = ?";

sj_err reg_hits_purge(db_conn *c, int64_t cut, reg_purged_fn fn, void *ctx)
{
	json_t *rows = NULL;
	sj_err e = dbj_rows(c, sql_old_hits,
			    "id:t,at:i,register:t,record_id:t,owner_unit_id:t,source:t,source_ref:t,entered:t,score:i,"
			    "actor_id:t,unit_id:t",
			    &rows, "i", cut);
	size_t i;
	json_t *o;
	json_array_foreach(e ? NULL : rows, i, o) {
		char id[ID_LEN + 1], unit[ID_LEN + 1];
		snprintf(id, sizeof id, "%s", json_string_value(json_object_get(o, "id")));
		snprintf(unit, sizeof unit, "%s", json_string_value(json_object_get(o, "unit_id")));
		json_object_del(o, "unit_id");
		/* the owner is told first (the tombstone), then the row goes */
		if ((e = fn(ctx, unit, id, o)) || (e = db_run(c, sql_del_hit, "t", id)))
			break;
	}
	json_decref(rows);
	return e;
}
