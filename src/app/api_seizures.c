/* api_seizures.c — seized items and their chain of custody over HTTP. */
#include "app/app.h"
#include "cases/seizure.h"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

void api_seizure_create(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = seizure_create(c, &who, http_param(r, "id"), http_json(r), &out, &why);
	app_reply(a, r, c, e, NULL, why, jstr(out, "id"),
		  json_pack("{s:s?,s:s?}", "case_id", jstr(out, "case_id"), "seal_no", jstr(out, "seal_no")), 201, out);
}

void api_seizure_get(app *a, http_req *r, auth_user *u)
{
	app_serve_read(a, r, u, seizure_read);
}

void api_seizure_transfer(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL, *in = http_json(r);
	const char *why = NULL;
	sj_err e = seizure_transfer(c, &who, http_param(r, "id"), in, &out, &why);
	app_reply(a, r, c, e, NULL, why, http_param(r, "id"),
		  json_pack("{s:s?,s:s?}", "to", jstr(in, "to"), "reason", jstr(in, "reason")), 201, out);
}

void api_seizure_fate(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = seizure_decide_fate(c, &who, http_param(r, "id"), http_json(r), &out, &why);
	app_reply(a, r, c, e, NULL, why, http_param(r, "id"), NULL, 200, out);
}
