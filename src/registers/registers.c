/* registers.c — central registers and the hit engine (see registers.h). */
#include "core/jdump.h"
#include "registers/registers.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "db/dbj.h"
#include "persons/persons.h"
#include "search/search.h"
#include "text/ident.h"

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static bool empty(const char *s)
{
	return !s || !*s;
}

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

/* ------------------------------------------------------------ registers */

static const char sql_event[] =
	"INSERT INTO register_events (id, register, record_id, at, actor_id, status, reason) VALUES (?, ?, ?, ?, ?, ?, ?)";

static sj_err add_event(db_conn *c, const char *reg, const char *id, const char *actor, const char *status,
			const char *reason)
{
	char eid[ID_LEN + 1];
	id_new(eid);
	return db_run(c, sql_event, "tttitt" "t", eid, reg, id, clock_now_ms(), actor, status, reason);
}

static const char sql_wanted_ins[] =
	"INSERT INTO wanted_notices (id, unit_id, reference, issuing_authority, offence, danger, status, person_id,"
	" cin, first_name_ar, last_name_ar, first_name_lat, last_name_lat, father_name_ar, father_name_lat,"
	" birth_date, sex, created_by, created_at, updated_at)"
	" VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char sql_wkey_ins[] = "INSERT INTO wanted_keys (key, notice_id) VALUES (?, ?)";

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

sj_err reg_wanted_create(db_conn *c, json_t *w, const char *unit_id, const char *actor_id, char id_out[ID_LEN + 1])
{
	char cin[PERSON_CIN_MAX + 1] = "";
	if (js(w, "cin") && !persons_cin_normalize(js(w, "cin"), cin))
		return SJ_EINVAL;
	int64_t now = clock_now_ms();
	id_new(id_out);
	sj_err e = db_run(c, sql_wanted_ins, "tttttt" "tttttttttt" "tii", id_out, unit_id, js(w, "reference"),
			  js(w, "issuing_authority"), js(w, "offence"), js(w, "danger"), js(w, "person_id"),
			  cin[0] ? cin : NULL, js(w, "first_name_ar"), js(w, "last_name_ar"), js(w, "first_name_lat"),
			  js(w, "last_name_lat"), js(w, "father_name_ar"), js(w, "father_name_lat"),
			  js(w, "birth_date"), js(w, "sex"), actor_id, now, now);
	if (e)
		return e;
	srch_names n = {js(w, "first_name_ar"), js(w, "last_name_ar"), js(w, "first_name_lat"),
			js(w, "last_name_lat"), js(w, "father_name_ar"), js(w, "father_name_lat"), NULL, NULL,
			js(w, "birth_date")};
	keyctx k = {c, id_out, SJ_OK};
	e = srch_name_keys(&n, put_wanted_key, &k);
	e = e ? e : k.e;
	return e ? e : add_event(c, "wanted", id_out, actor_id, "active", "created");
}

static const char sql_vehicle_ins[] =
	"INSERT INTO stolen_vehicles (id, unit_id, plate, plate_norm, vin, make, model, color, reference, status,"
	" created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?)";

sj_err reg_vehicle_create(db_conn *c, json_t *v, const char *unit_id, const char *actor_id, char id_out[ID_LEN + 1])
{
	char plate[REG_PLATE_MAX + 1] = "", vin[REG_DOC_MAX + 1] = "";
	if (js(v, "plate") && !reg_plate_normalize(js(v, "plate"), plate))
		return SJ_EINVAL;
	if (js(v, "vin") && !reg_doc_normalize(js(v, "vin"), vin))
		return SJ_EINVAL;
	if (!plate[0] && !vin[0])
		return SJ_EINVAL;
	int64_t now = clock_now_ms();
	id_new(id_out);
	sj_err e = db_run(c, sql_vehicle_ins, "ttttttttt" "tii", id_out, unit_id, js(v, "plate"),
			  plate[0] ? plate : NULL, vin[0] ? vin : NULL, js(v, "make"), js(v, "model"), js(v, "color"),
			  js(v, "reference"), actor_id, now, now);
	return e ? e : add_event(c, "vehicle", id_out, actor_id, "active", "created");
}

static const char sql_doc_ins[] =
	"INSERT INTO stolen_documents (id, unit_id, doc_type, doc_number, doc_norm, kind, holder_name, reference,"
	" status, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?)";

sj_err reg_document_create(db_conn *c, json_t *d, const char *unit_id, const char *actor_id, char id_out[ID_LEN + 1])
{
	char num[REG_DOC_MAX + 1];
	if (!reg_doc_normalize(js(d, "doc_number"), num))
		return SJ_EINVAL;
	int64_t now = clock_now_ms();
	id_new(id_out);
	sj_err e = db_run(c, sql_doc_ins, "tttttttt" "tii", id_out, unit_id, js(d, "doc_type"), js(d, "doc_number"),
			  num, js(d, "kind"), js(d, "holder_name"), js(d, "reference"), actor_id, now, now);
	return e ? e : add_event(c, "document", id_out, actor_id, "active", "created");
}

typedef struct regdesc {
	const char *name;
	const char *table;
	const char *statuses[4];
	const char *sql_get;      /* SELECT u.path, r.status FROM ... WHERE r.id = ? */
	const char *sql_set;
	const char *sql_list_all;
	const char *sql_list_status;
	const char *cols;
} regdesc;

#define WANTED_COLS "id:t,unit:t,reference:t,issuing_authority:t,offence:t,danger:t,status:t,status_reason:t," \
	"person_id:t,cin:t,first_name_ar:t,last_name_ar:t,first_name_lat:t,last_name_lat:t,father_name_ar:t," \
	"father_name_lat:t,birth_date:t,sex:t,created_at:i,updated_at:i"
#define WANTED_SEL "SELECT r.id, u.code, r.reference, r.issuing_authority, r.offence, r.danger, r.status," \
	" r.status_reason, r.person_id, r.cin, r.first_name_ar, r.last_name_ar, r.first_name_lat, r.last_name_lat," \
	" r.father_name_ar, r.father_name_lat, r.birth_date, r.sex, r.created_at, r.updated_at" \
	" FROM wanted_notices r JOIN units u ON u.id = r.unit_id"
#define VEH_COLS "id:t,unit:t,plate:t,plate_norm:t,vin:t,make:t,model:t,color:t,reference:t,status:t," \
	"status_reason:t,created_at:i,updated_at:i"
#define VEH_SEL "SELECT r.id, u.code, r.plate, r.plate_norm, r.vin, r.make, r.model, r.color, r.reference," \
	" r.status, r.status_reason, r.created_at, r.updated_at FROM stolen_vehicles r JOIN units u ON u.id = r.unit_id"
#define DOC_COLS "id:t,unit:t,doc_type:t,doc_number:t,doc_norm:t,kind:t,holder_name:t,reference:t,status:t," \
	"status_reason:t,created_at:i,updated_at:i"
#define DOC_SEL "SELECT r.id, u.code, r.doc_type, r.doc_number, r.doc_norm, r.kind, r.holder_name, r.reference," \
	" r.status, r.status_reason, r.created_at, r.updated_at FROM stolen_documents r JOIN units u ON u.id = r.unit_id"

static const regdesc regs[] = {
	{"wanted", "wanted_notices", {"active", "executed", "cancelled", NULL},
	 "SELECT u.path, r.status FROM wanted_notices r JOIN units u ON u.id = r.unit_id WHERE r.id = ?",
	 "UPDATE wanted_notices SET status = ?, status_reason = ?, updated_at = ? WHERE id = ?",
	 WANTED_SEL " ORDER BY r.created_at DESC, r.id LIMIT ? OFFSET ?",
	 WANTED_SEL " WHERE r.status = ? ORDER BY r.created_at DESC, r.id LIMIT ? OFFSET ?", WANTED_COLS},
	{"vehicle", "stolen_vehicles", {"active", "recovered", "cancelled", NULL},
	 "SELECT u.path, r.status FROM stolen_vehicles r JOIN units u ON u.id = r.unit_id WHERE r.id = ?",
	 "UPDATE stolen_vehicles SET status = ?, status_reason = ?, updated_at = ? WHERE id = ?",
	 VEH_SEL " ORDER BY r.created_at DESC, r.id LIMIT ? OFFSET ?",
	 VEH_SEL " WHERE r.status = ? ORDER BY r.created_at DESC, r.id LIMIT ? OFFSET ?", VEH_COLS},
	{"document", "stolen_documents", {"active", "found", "cancelled", NULL},
	 "SELECT u.path, r.status FROM stolen_documents r JOIN units u ON u.id = r.unit_id WHERE r.id = ?",
	 "UPDATE stolen_documents SET status = ?, status_reason = ?, updated_at = ? WHERE id = ?",
	 DOC_SEL " ORDER BY r.created_at DESC, r.id LIMIT ? OFFSET ?",
	 DOC_SEL " WHERE r.status = ? ORDER BY r.created_at DESC, r.id LIMIT ? OFFSET ?", DOC_COLS},
};

static const regdesc *find_reg(const char *name)
{
	for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++)
		if (strcmp(regs[i].name, name) == 0)
			return &regs[i];
	return NULL;
}

sj_err reg_set_status(db_conn *c, const char *reg, const char *id, const char *status, const char *reason,
		      const char *scope_path, const char *actor_id)
{
	const regdesc *r = find_reg(reg);
	if (!r)
		return SJ_EINVAL;
	bool known = false;
	for (int i = 0; r->statuses[i]; i++)
		known = known || strcmp(r->statuses[i], status) == 0;
	if (!known)
		return SJ_EINVAL;
	json_t *row = NULL;
	sj_err e = dbj_one(c, r->sql_get, "path:t,status:t", &row, "t", id);
	if (e)
		return e;
	const char *path = js(row, "path");
	bool ok = scope_path && path && strncmp(path, scope_path, strlen(scope_path)) == 0;
	bool same = strcmp(js(row, "status"), status) == 0;
	json_decref(row);
	if (!ok)
		return SJ_EFORBIDDEN;
	if (same)
		return SJ_ECONFLICT;
	e = db_run(c, r->sql_set, "ttit", status, reason, clock_now_ms(), id);
	return e ? e : add_event(c, reg, id, actor_id, status, reason);
}

sj_err reg_list(db_conn *c, const char *reg, const char *status, int limit, int64_t offset, json_t **out)
{
	const regdesc *r = find_reg(reg);
	if (!r)
		return SJ_EINVAL;
	if (status)
		return dbj_rows(c, r->sql_list_status, r->cols, out, "tii", status, (int64_t)limit, offset);
	return dbj_rows(c, r->sql_list_all, r->cols, out, "ii", (int64_t)limit, offset);
}

/* ------------------------------------------------------------ hits */

static const char sql_hit_ins[] =
	"INSERT INTO hits (id, at, register, record_id, owner_unit_id, source, source_ref, entered, score, actor_id,"
	" actor_unit_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char sql_notif_ins[] =
	"INSERT INTO notifications (id, unit_id, kind, hit_id, title, detail, created_at) VALUES (?, ?, 'hit', ?, ?, ?, ?)";

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
	sj_err e = db_run(c, sql_hit_ins, "titttttti" "tt", hid, now, reg, record_id, owner_unit_id,
			  ctx->source ? ctx->source : "lookup", ctx->source_ref, entered, (int64_t)(score * 1000 + 0.5),
			  ctx->actor_id, ctx->actor_unit_id);
	json_object_set_new(alert, "hit_id", json_string(hid));
	char *detail = jdump_dumps(alert, JSON_SORT_KEYS | JSON_COMPACT);
	if (!e && !detail)
		e = SJ_ENOMEM;
	if (!e)
		e = db_run(c, sql_notif_ins, "tttt" "ti", nid, owner_unit_id, hid, title, detail, now);
	free(detail);
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

static const char sql_notifs[] =
	"SELECT id, kind, hit_id, title, detail, created_at, read_at, read_by FROM notifications WHERE unit_id = ?"
	" ORDER BY created_at DESC, id LIMIT ? OFFSET ?";

sj_err reg_notifications(db_conn *c, const char *unit_id, int limit, int64_t offset, json_t **out)
{
	return dbj_rows(c, sql_notifs, "id:t,kind:t,hit_id:t,title:t,detail:j,created_at:i,read_at:i,read_by:t", out,
			"tii", unit_id, (int64_t)limit, offset);
}

static const char sql_notif_get[] =
	"SELECT u.path, n.read_at FROM notifications n JOIN units u ON u.id = n.unit_id WHERE n.id = ?";
static const char sql_notif_read[] =
	"UPDATE notifications SET read_at = ?, read_by = ? WHERE id = ? AND read_at IS NULL";

sj_err reg_notification_read(db_conn *c, const char *id, const char *scope_path, const char *actor_id,
			     int64_t *read_at_out, bool *already)
{
	json_t *row = NULL;
	sj_err e = dbj_one(c, sql_notif_get, "path:t,read_at:i", &row, "t", id);
	if (e)
		return e;
	const char *path = js(row, "path");
	bool ok = scope_path && path && strncmp(path, scope_path, strlen(scope_path)) == 0;
	json_t *ra = json_object_get(row, "read_at");
	bool was = json_is_integer(ra);
	int64_t at = was ? (int64_t)json_integer_value(ra) : clock_now_ms();
	json_decref(row);
	if (!ok)
		return SJ_EFORBIDDEN;
	if (!was)
		e = db_run(c, sql_notif_read, "itt", at, actor_id, id);
	if (!e && read_at_out)
		*read_at_out = at;
	if (!e && already)
		*already = was;
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
