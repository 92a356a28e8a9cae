/* api_admin.c — users. Administrators act nationally; a chief lists the
 * users of their own unit and below (auth.h's account commands). */
#include "app/app.h"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

void api_users_list(app *a, http_req *r, auth_user *u)
{
	app_serve_scope(a, r, u, auth_users_list);
}

void api_users_create(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL, *in = http_json(r);
	const char *field = NULL, *why = NULL;
	sj_err e = auth_user_create(c, &who, in, &out, &field, &why);
	app_reply(a, r, c, e, field, why, jstr(out, "id"),
		  json_pack("{s:s?,s:s?,s:s?}", "badge", jstr(in, "badge"), "role", jstr(in, "role"), "unit",
			    jstr(in, "unit")),
		  201, out);
}

void api_users_rank(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL, *in = http_json(r);
	const char *why = NULL;
	sj_err e = auth_user_rank(c, &who, http_param(r, "badge"), in, &out, &why);
	app_reply(a, r, c, e, NULL, why, http_param(r, "badge"),
		  json_pack("{s:s?,s:s?,s:s?}", "rank", jstr(in, "rank"), "opj_since", jstr(in, "opj_since"), "opj_ref",
			    jstr(in, "opj_ref")),
		  200, out);
}

void api_users_update(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL, *in = http_json(r);
	const char *why = NULL;
	sj_err e = auth_user_status(c, &who, http_param(r, "badge"), in, &out, &why);
	app_reply(a, r, c, e, NULL, why, http_param(r, "badge"),
		  json_pack("{s:s?,s:s?}", "status", jstr(in, "status"), "reason", jstr(in, "reason")), 200, out);
}

void api_user_totp_reset(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL, *in = http_json(r);
	const char *why = NULL;
	sj_err e = auth_totp_reset(c, &who, http_param(r, "badge"), in, &out, &why);
	app_reply(a, r, c, e, NULL, why, http_param(r, "badge"), json_pack("{s:s?}", "reason", jstr(in, "reason")), 200,
		  out);
}
