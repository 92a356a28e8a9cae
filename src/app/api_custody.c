/* api_custody.c — garde à vue over HTTP: opened, extended and closed by an
 * OPJ; the rights recorded by the unit's writers; the register, the
 * deadlines and the daily list (custody.h owns the rules, rule data and the
 * legal day). */
#include "app/app.h"
#include "core/buf.h"
#include "cases/custody.h"
#include "cases/print.h"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

void api_custody_open(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL, *in = http_json(r);
	const char *why = NULL;
	sj_err e = custody_open(c, &who, http_param(r, "id"), in, &out, &why);
	app_reply(a, r, c, e, NULL, why, jstr(out, "id"),
		  json_pack("{s:s?,s:s?,s:s?}", "case_id", jstr(out, "case_id"), "person_id", jstr(in, "person_id"),
			    "regime", jstr(in, "regime")),
		  201, out);
}

void api_custody_get(app *a, http_req *r, auth_user *u)
{
	app_serve_read(a, r, u, custody_read);
}

void api_custody_update(app *a, http_req *r, auth_user *u)
{
	app_serve_update(a, r, u, custody_update);
}

void api_custody_extend(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL, *in = http_json(r);
	const char *why = NULL;
	sj_err e = custody_extend(c, &who, http_param(r, "id"), in, &out, &why);
	app_reply(a, r, c, e, NULL, why, http_param(r, "id"),
		  json_pack("{s:s?,s:s?}", "authorisation_ref", jstr(in, "authorisation_ref"), "authorisation_date",
			    jstr(in, "authorisation_date")),
		  200, out);
}

void api_custody_close(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL, *in = http_json(r);
	const char *why = NULL;
	sj_err e = custody_close(c, &who, http_param(r, "id"), in, &out, &why);
	app_reply(a, r, c, e, NULL, why, http_param(r, "id"), json_pack("{s:s?}", "end", jstr(in, "end")), 200, out);
}

void api_custody_deadlines(app *a, http_req *r, auth_user *u)
{
	app_serve_scope(a, r, u, custody_deadlines);
}

void api_custody_register(app *a, http_req *r, auth_user *u)
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
	const char *why = NULL;
	sj_err e = custody_register(c, &who, http_param(r, "code"), limit, offset, &out, &why);
	app_reply(a, r, c, e, NULL, why, http_param(r, "code"), NULL, 200, out);
}

void api_custody_daily(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = custody_daily(c, &who, http_param(r, "code"), http_query(r, "date"), &out, &why);
	app_reply(a, r, c, e, NULL, why, http_param(r, "code"), NULL, 200, out);
}

void api_custody_daily_html(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_doc_actor(r, u, &who);
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	buf html;
	buf_init(&html, PRINT_MAX_HTML);
	const char *why = NULL;
	sj_err e = custody_daily_print(c, &who, http_param(r, "code"), http_query(r, "date"), &html, &why);
	app_reply_html(a, r, c, e, why, http_param(r, "code"), &html);
}
