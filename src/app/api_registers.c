/* api_registers.c — the central registers (wanted persons, stolen vehicles,
 * lost and stolen documents), the check endpoint of the hit engine, and the
 * unit's notifications. The home unit writes; every unit reads. The register
 * a route serves is its row's object type ("wanted", "vehicle",
 * "document"). */
#include <string.h>

#include "app/app.h"
#include "registers/registers.h"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* reg_of names the register of the route being served. */
static const char *reg_of(http_req *r)
{
	return app_route(r)->object;
}

void api_register_create(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = reg_create(c, &who, reg_of(r), http_json(r), &out, &why);
	app_reply(a, r, c, e, NULL, why, jstr(out, "id"), NULL, 201, out);
}

void api_register_list(app *a, http_req *r, auth_user *u)
{
	int limit;
	int64_t offset;
	if (!app_paging_or_reply(r, &limit, &offset))
		return;
	(void)u;
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	json_t *out = NULL;
	db_conn *rc = NULL; /* national lists: may read a standby (db_read_uri) */
	sj_err e = db_acquire_reader(a->db, c, &rc);
	e = e ? e : reg_list(rc, reg_of(r), http_query(r, "status"), limit, offset, &out);
	db_release_reader(a->db, c, rc);
	app_reply(a, r, c, e, NULL, NULL, NULL, NULL, 200, out);
}

void api_register_status(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL, *in = http_json(r);
	const char *why = NULL;
	sj_err e = reg_set_status(c, &who, reg_of(r), http_param(r, "id"), in, &out, &why);
	app_reply(a, r, c, e, NULL, why, http_param(r, "id"),
		  json_pack("{s:s?,s:s?}", "status", jstr(in, "status"), "reason", jstr(in, "reason")), 200, out);
}

/* POST /api/v1/check — a look-up against the registers (person, plate, VIN,
 * document number), with a purpose; hits come back as alerts. */
void api_check(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL, *in = http_json(r);
	sj_err e = reg_check(c, &who, in, &out);
	/* audited with its subject: what was checked, not only that it was */
	json_t *subject = json_pack("{s:O?,s:O?,s:O?,s:O?}", "person", json_object_get(in, "person"), "plate",
				    json_object_get(in, "plate"), "vin", json_object_get(in, "vin"), "document",
				    json_object_get(in, "document"));
	app_reply(a, r, c, e, NULL, NULL, NULL,
		  json_pack("{s:s,s:s?,s:o?,s:b,s:i}", "source", jstr(in, "source") ? jstr(in, "source") : "lookup",
			    "source_ref", jstr(in, "source_ref"), "subject", subject, "notified", who.writer, "alerts",
			    (json_int_t)json_array_size(json_object_get(out, "alerts"))),
		  200, out);
}

void api_notifications(app *a, http_req *r, auth_user *u)
{
	int limit;
	int64_t offset;
	if (!app_paging_or_reply(r, &limit, &offset))
		return;
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	json_t *out = NULL;
	sj_err e = reg_notifications(c, &who, limit, offset, &out);
	app_reply(a, r, c, e, NULL, NULL, who.unit_code, NULL, 200, out);
}

/* POST /api/v1/notifications/{id}/read — a notification of my unit (or a
 * unit below it) has been seen; the first reader and time are kept. */
void api_notification_read(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = reg_notification_read(c, &who, http_param(r, "id"), &out, &why);
	app_reply(a, r, c, e, NULL, why, http_param(r, "id"),
		  json_pack("{s:b}", "already", json_is_true(json_object_get(out, "already"))), 200, out);
}
