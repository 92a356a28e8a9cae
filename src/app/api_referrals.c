/* api_referrals.c — sending the case to the prosecutor, the bundle as sent,
 * and the prosecution's decision, over HTTP. */
#include "app/app.h"
#include "core/buf.h"
#include "cases/print.h"
#include "cases/referral.h"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

void api_referral_create(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = referral_create(c, &who, http_param(r, "id"), http_json(r), &out, &why);
	app_reply(a, r, c, e, NULL, why, jstr(out, "id"),
		  json_pack("{s:s?,s:s?}", "case_id", jstr(out, "case_id"), "transmission_no", jstr(out, "transmission_no")),
		  201, out);
}

/* referral_reply answers a referral read (with its bundle or not). */
static void referral_reply(app *a, http_req *r, auth_user *u, bool with_bundle)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = referral_read(c, &who, http_param(r, "id"), with_bundle, &out, &why);
	app_reply(a, r, c, e, NULL, why, http_param(r, "id"), NULL, 200, out);
}

void api_referral_get(app *a, http_req *r, auth_user *u)
{
	referral_reply(a, r, u, false);
}

void api_referral_bundle(app *a, http_req *r, auth_user *u)
{
	referral_reply(a, r, u, true);
}

void api_referral_bundle_html(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	buf html;
	buf_init(&html, PRINT_MAX_HTML);
	const char *why = NULL;
	sj_err e = referral_print(c, &who, http_param(r, "id"), &html, &why);
	app_reply_html(a, r, c, e, why, http_param(r, "id"), &html);
}

void api_referral_outcome(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL, *in = http_json(r);
	const char *why = NULL;
	sj_err e = referral_outcome(c, &who, http_param(r, "id"), in, &out, &why);
	app_reply(a, r, c, e, NULL, why, http_param(r, "id"), json_pack("{s:s?}", "outcome", jstr(in, "outcome")), 200,
		  out);
}
