/* api_pvs.c — PVs over HTTP: drafted by writers, sealed by an OPJ only
 * (pv.h owns the art 67 rules and the seal). */
#include "app/app.h"
#include "core/buf.h"
#include "cases/pv.h"
#include "cases/print.h"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

void api_pv_create(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = pv_create(c, &who, http_param(r, "id"), http_json(r), &out, &why);
	app_reply(a, r, c, e, NULL, why, jstr(out, "id"),
		  json_pack("{s:s?,s:s?,s:s?}", "case_id", jstr(out, "case_id"), "number", jstr(out, "number"), "type",
			    jstr(out, "type")),
		  201, out);
}

void api_pv_get(app *a, http_req *r, auth_user *u)
{
	app_serve_read_tagged(a, r, u, pv_read);
}

void api_pv_update(app *a, http_req *r, auth_user *u)
{
	app_serve_update_matched(a, r, u, pv_read, pv_update);
}

void api_pv_seal(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = pv_seal(c, &who, http_param(r, "id"), &out, &why);
	app_reply(a, r, c, e, NULL, why, http_param(r, "id"),
		  out ? json_pack("{s:O?}", "seal", json_object_get(out, "seal")) : NULL, 200, out);
}

void api_pv_print(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_doc_actor(r, u, &who);
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	buf html;
	buf_init(&html, PRINT_MAX_HTML);
	const char *why = NULL;
	sj_err e = pv_print(c, &who, http_param(r, "id"), &html, &why);
	app_reply_html(a, r, c, e, why, http_param(r, "id"), &html);
}
