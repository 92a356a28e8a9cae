/* api_registers.c — the central registers (wanted persons, stolen vehicles,
 * lost and stolen documents), the check endpoint of the hit engine, and the
 * unit's notifications. The home unit writes; every unit reads. */
#include <string.h>

#include "app/app.h"
#include "audit/audit.h"
#include "core/limits.h"
#include "registers/registers.h"

static const char *const dangers[] = {"low", "medium", "high", NULL};
static const char *const sexes[] = {"M", "F", NULL};

static bool writer_or_reply(http_req *r, const auth_user *u)
{
	if (role_is_read_only(u->role)) {
		http_problem(r, 403, "forbidden", "your role writes no records", NULL);
		return false;
	}
	return true;
}

static void created(app *a, http_req *r, auth_user *u, db_conn *c, sj_err e, const char *reg, const char *id,
		    json_t *body)
{
	if (e == SJ_EINVAL) {
		db_rollback(c);
		db_release(a->db, c);
		http_problem(r, 400, "validation", "a number, plate or CIN could not be read", NULL);
		json_decref(body);
		return;
	}
	if (e == SJ_ECONFLICT) {
		db_rollback(c);
		db_release(a->db, c);
		http_problem(r, 409, "conflict", "this reference already exists in your unit", NULL);
		json_decref(body);
		return;
	}
	char action[48];
	snprintf(action, sizeof action, "register.%s.create", reg);
	e = e ? e : app_audit(c, r, u, action, reg, id, NULL, "ok", NULL);
	if (app_finish(a, r, c, e))
		http_reply_json(r, 201, json_pack("{s:s,s:s,s:s}", "id", id, "status", "active", "unit", u->unit.code));
	json_decref(body);
}

void api_wanted_create(app *a, http_req *r, auth_user *u)
{
	if (!writer_or_reply(r, u))
		return;
	json_t *body = hjson_body_or_reply(r);
	if (!body)
		return;
	const char *s[16] = {0};
	const hjson_field spec[] = {
		{"reference", HJ_STRING, 1, 1, 100, NULL, &s[0], 0},
		{"issuing_authority", HJ_STRING, 1, 2, SJ_MAX_SHORT_TEXT, NULL, &s[1], 0},
		{"offence", HJ_STRING, 1, 2, SJ_MAX_SHORT_TEXT, NULL, &s[2], 0},
		{"danger", HJ_ENUM, 1, 0, 8, dangers, &s[3], 0},
		{"cin", HJ_STRING, 0, 2, 16, NULL, &s[4], 1},
		{"first_name_ar", HJ_STRING, 0, 1, SJ_MAX_NAME, NULL, &s[5], 1},
		{"last_name_ar", HJ_STRING, 0, 1, SJ_MAX_NAME, NULL, &s[6], 1},
		{"first_name_lat", HJ_STRING, 0, 1, SJ_MAX_NAME, NULL, &s[7], 1},
		{"last_name_lat", HJ_STRING, 0, 1, SJ_MAX_NAME, NULL, &s[8], 1},
		{"father_name_ar", HJ_STRING, 0, 1, SJ_MAX_NAME, NULL, &s[9], 1},
		{"father_name_lat", HJ_STRING, 0, 1, SJ_MAX_NAME, NULL, &s[10], 1},
		{"birth_date", HJ_DATE, 0, 0, 0, NULL, &s[11], 1},
		{"sex", HJ_ENUM, 0, 0, 1, sexes, &s[12], 1},
		{"person_id", HJ_ID, 0, 0, 0, NULL, &s[13], 1},
		{NULL, 0, 0, 0, 0, NULL, NULL, 0},
	};
	if (!hjson_fields_or_reply(r, body, spec)) {
		json_decref(body);
		return;
	}
	if (!s[4] && !s[5] && !s[6] && !s[7] && !s[8]) {
		http_problem(r, 400, "validation", "a wanted notice names the person (a name or a CIN)", NULL);
		json_decref(body);
		return;
	}
	db_conn *c = app_begin_or_drop(a, r, body);
	if (!c)
		return;
	char id[ID_LEN + 1] = "";
	sj_err e = reg_wanted_create(c, body, u->unit.id, u->id, id);
	created(a, r, u, c, e, "wanted", id, body);
}

void api_vehicle_create(app *a, http_req *r, auth_user *u)
{
	if (!writer_or_reply(r, u))
		return;
	json_t *body = hjson_body_or_reply(r);
	if (!body)
		return;
	const char *s[8] = {0};
	const hjson_field spec[] = {
		{"plate", HJ_STRING, 0, 2, 32, NULL, &s[0], 1},
		{"vin", HJ_STRING, 0, 4, 32, NULL, &s[1], 1},
		{"make", HJ_STRING, 0, 1, 100, NULL, &s[2], 1},
		{"model", HJ_STRING, 0, 1, 100, NULL, &s[3], 1},
		{"color", HJ_STRING, 0, 1, 50, NULL, &s[4], 1},
		{"reference", HJ_STRING, 0, 1, 100, NULL, &s[5], 1},
		{NULL, 0, 0, 0, 0, NULL, NULL, 0},
	};
	if (!hjson_fields_or_reply(r, body, spec)) {
		json_decref(body);
		return;
	}
	db_conn *c = app_begin_or_drop(a, r, body);
	if (!c)
		return;
	char id[ID_LEN + 1] = "";
	sj_err e = reg_vehicle_create(c, body, u->unit.id, u->id, id);
	created(a, r, u, c, e, "vehicle", id, body);
}

void api_document_create(app *a, http_req *r, auth_user *u)
{
	if (!writer_or_reply(r, u))
		return;
	json_t *body = hjson_body_or_reply(r);
	if (!body)
		return;
	static const char *const types[] = {"cin", "passport", "licence", "other", NULL};
	static const char *const kinds[] = {"lost", "stolen", NULL};
	const char *s[8] = {0};
	const hjson_field spec[] = {
		{"doc_type", HJ_ENUM, 1, 0, 16, types, &s[0], 0},
		{"doc_number", HJ_STRING, 1, 4, 32, NULL, &s[1], 0},
		{"kind", HJ_ENUM, 1, 0, 8, kinds, &s[2], 0},
		{"holder_name", HJ_STRING, 0, 1, SJ_MAX_NAME, NULL, &s[3], 1},
		{"reference", HJ_STRING, 0, 1, 100, NULL, &s[4], 1},
		{NULL, 0, 0, 0, 0, NULL, NULL, 0},
	};
	if (!hjson_fields_or_reply(r, body, spec)) {
		json_decref(body);
		return;
	}
	db_conn *c = app_begin_or_drop(a, r, body);
	if (!c)
		return;
	char id[ID_LEN + 1] = "";
	sj_err e = reg_document_create(c, body, u->unit.id, u->id, id);
	created(a, r, u, c, e, "document", id, body);
}

static const char *reg_of_path(http_req *r)
{
	const char *p = http_path(r);
	if (strstr(p, "/registers/wanted"))
		return "wanted";
	if (strstr(p, "/registers/vehicles"))
		return "vehicle";
	return "document";
}

void api_register_list(app *a, http_req *r, auth_user *u)
{
	int limit;
	int64_t offset;
	if (!app_paging_or_reply(r, &limit, &offset))
		return;
	const char *status = http_query(r, "status");
	const char *reg = reg_of_path(r);
	db_conn *c = app_begin_or_reply(a, r, DB_READ);
	if (!c)
		return;
	json_t *items = NULL;
	sj_err e = reg_list(c, reg, status, limit, offset, &items);
	char action[48];
	snprintf(action, sizeof action, "register.%s.list", reg);
	e = e ? e : app_audit(c, r, u, action, reg, NULL, NULL, "ok", json_pack("{s:o?}", "ids", audit_ids(items, "id")));
	if (app_finish(a, r, c, e))
		http_reply_json(r, 200, json_pack("{s:o}", "items", items));
	else
		json_decref(items);
}

void api_register_status(app *a, http_req *r, auth_user *u)
{
	if (!writer_or_reply(r, u))
		return;
	json_t *body = hjson_body_or_reply(r);
	if (!body)
		return;
	const char *status = NULL, *reason = NULL;
	const hjson_field spec[] = {
		{"status", HJ_STRING, 1, 1, 16, NULL, &status, 0},
		{"reason", HJ_STRING, 1, 3, SJ_MAX_SHORT_TEXT, NULL, &reason, 0},
		{NULL, 0, 0, 0, 0, NULL, NULL, 0},
	};
	if (!hjson_fields_or_reply(r, body, spec)) {
		json_decref(body);
		return;
	}
	const char *reg = reg_of_path(r), *id = http_param(r, "id");
	db_conn *c = app_begin_or_drop(a, r, body);
	if (!c)
		return;
	sj_err e = reg_set_status(c, reg, id, status, reason, u->unit.path, u->id);
	if (e == SJ_EFORBIDDEN) {
		db_rollback(c);
		db_release(a->db, c);
		app_audit_refusal(a, r, u, "authz.refused", "not-home-unit");
		http_problem(r, 403, "not-home-unit", "only the unit that owns this record may change it", NULL);
		json_decref(body);
		return;
	}
	char action[48];
	snprintf(action, sizeof action, "register.%s.status", reg);
	e = e ? e : app_audit(c, r, u, action, reg, id, NULL, "ok",
			      json_pack("{s:s,s:s}", "status", status, "reason", reason));
	if (app_finish(a, r, c, e))
		http_reply_json(r, 200, json_pack("{s:s,s:s}", "id", id, "status", status));
	json_decref(body);
}

/* POST /api/v1/check — a look-up against the registers (person, plate, VIN,
 * document number), with a purpose; hits come back as alerts. */
void api_check(app *a, http_req *r, auth_user *u)
{
	json_t *body = hjson_body_or_reply(r);
	if (!body)
		return;
	static const char *const sources[] = {"lookup", "case", "complaint", "declaration", NULL};
	const char *purpose = NULL, *source = NULL, *ref = NULL, *plate = NULL, *vin = NULL, *doc = NULL;
	json_t *person = NULL;
	const hjson_field spec[] = {
		{"purpose", HJ_STRING, 1, 3, SJ_MAX_PURPOSE, NULL, &purpose, 0},
		{"source", HJ_ENUM, 0, 0, 16, sources, &source, 0},
		{"source_ref", HJ_STRING, 0, 1, 100, NULL, &ref, 1},
		{"person", HJ_OBJECT, 0, 0, 0, NULL, &person, 1},
		{"plate", HJ_STRING, 0, 2, 32, NULL, &plate, 1},
		{"vin", HJ_STRING, 0, 4, 32, NULL, &vin, 1},
		{"document", HJ_STRING, 0, 4, 32, NULL, &doc, 1},
		{NULL, 0, 0, 0, 0, NULL, NULL, 0},
	};
	if (!hjson_fields_or_reply(r, body, spec)) {
		json_decref(body);
		return;
	}
	reg_person rp = {0};
	if (person) {
		const hjson_field pspec[] = {
			{"cin", HJ_STRING, 0, 2, 16, NULL, &rp.cin, 1},
			{"name", HJ_STRING, 0, 1, SJ_MAX_NAME, NULL, &rp.name, 1},
			{"first_name_ar", HJ_STRING, 0, 1, SJ_MAX_NAME, NULL, &rp.first_name_ar, 1},
			{"last_name_ar", HJ_STRING, 0, 1, SJ_MAX_NAME, NULL, &rp.last_name_ar, 1},
			{"first_name_lat", HJ_STRING, 0, 1, SJ_MAX_NAME, NULL, &rp.first_name_lat, 1},
			{"last_name_lat", HJ_STRING, 0, 1, SJ_MAX_NAME, NULL, &rp.last_name_lat, 1},
			{"father_name", HJ_STRING, 0, 1, SJ_MAX_NAME, NULL, &rp.father_name, 1},
			{"birth_date", HJ_DATE, 0, 0, 0, NULL, &rp.birth_date, 1},
			{NULL, 0, 0, 0, 0, NULL, NULL, 0},
		};
		json_t *errs = json_array();
		hjson_fields_check(person, pspec, "person.", errs);
		if (!hjson_errors_or_reply(r, errs)) {
			json_decref(body);
			return;
		}
	}
	db_conn *c = app_begin_or_drop(a, r, body);
	if (!c)
		return;
	reg_ctx ctx = {.actor_id = u->id, .actor_unit_id = u->unit.id, .source = source ? source : "lookup",
		       .source_ref = ref};
	json_t *alerts = json_array();
	sj_err e = person ? reg_check_person(c, &rp, &ctx, alerts) : SJ_OK;
	e = e ? e : reg_check_plate(c, plate, vin, &ctx, alerts);
	e = e ? e : reg_check_document(c, doc, &ctx, alerts);
	if (!e && rp.cin)
		e = reg_check_document(c, rp.cin, &ctx, alerts);
	e = e ? e : app_audit(c, r, u, "register.check", "check", NULL, purpose, "ok",
			      json_pack("{s:s,s:i}", "source", ctx.source, "alerts", (json_int_t)json_array_size(alerts)));
	if (app_finish(a, r, c, e))
		http_reply_json(r, 200, json_pack("{s:o}", "alerts", alerts));
	else
		json_decref(alerts);
	json_decref(body);
}

void api_notifications(app *a, http_req *r, auth_user *u)
{
	int limit;
	int64_t offset;
	if (!app_paging_or_reply(r, &limit, &offset))
		return;
	db_conn *c = app_begin_or_reply(a, r, DB_READ);
	if (!c)
		return;
	json_t *items = NULL;
	sj_err e = reg_notifications(c, u->unit.id, limit, offset, &items);
	e = e ? e : app_audit(c, r, u, "notification.list", "unit", u->unit.code, NULL, "ok",
			      json_pack("{s:o?}", "ids", audit_ids(items, "id")));
	if (app_finish(a, r, c, e))
		http_reply_json(r, 200, json_pack("{s:o,s:s}", "items", items, "unit", u->unit.code));
	else
		json_decref(items);
}

/* POST /api/v1/notifications/{id}/read — a notification of my unit (or a
 * unit below it) has been seen; the first reader and time are kept. */
void api_notification_read(app *a, http_req *r, auth_user *u)
{
	const char *id = http_param(r, "id");
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	int64_t at = 0;
	bool already = false;
	sj_err e = reg_notification_read(c, id, u->unit.path, u->id, &at, &already);
	if (e == SJ_EFORBIDDEN) {
		db_rollback(c);
		db_release(a->db, c);
		app_audit_refusal(a, r, u, "authz.refused", "not-my-unit");
		http_problem(r, 403, "forbidden", "this notification belongs to another unit", NULL);
		return;
	}
	if (e == SJ_ENOTFOUND) {
		db_rollback(c);
		db_release(a->db, c);
		http_problem(r, 404, "not-found", "no such notification", NULL);
		return;
	}
	e = e ? e : app_audit(c, r, u, "notification.read", "notification", id, NULL, "ok",
			      json_pack("{s:b}", "already", already));
	if (app_finish(a, r, c, e))
		http_reply_json(r, 200, json_pack("{s:s,s:I,s:b}", "id", id, "read_at", (json_int_t)at, "already", already));
}
