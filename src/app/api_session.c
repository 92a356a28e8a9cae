/* api_session.c — log in, log out, who am I, my password and language. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "auth/password.h"
#include "core/limits.h"

static sj_err set_session_cookie(http_req *r, const char *token, int64_t max_age_s)
{
	char cookie[256];
	snprintf(cookie, sizeof cookie,
		 "sijill_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld", token,
		 (long long)max_age_s);
	return http_add_header(r, "Set-Cookie", cookie);
}

void api_login(app *a, http_req *r, auth_user *unused)
{
	(void)unused;
	json_t *body = hjson_body_or_reply(r);
	if (!body)
		return;
	const char *badge = NULL, *password = NULL, *otp = NULL;
	const hjson_field spec[] = {
		{"badge", HJ_STRING, 1, 1, SJ_MAX_BADGE, NULL, &badge, 0},
		{"password", HJ_STRING, 1, 1, SJ_MAX_PASSWORD, NULL, &password, 0},
		{"otp", HJ_STRING, 0, 0, 16, NULL, &otp, 1},
		{NULL, 0, 0, 0, 0, NULL, NULL, 0},
	};
	if (!hjson_fields_or_reply(r, body, spec)) {
		json_decref(body);
		return;
	}
	auth_login_result *res = calloc(1, sizeof *res);
	if (!res) {
		json_decref(body);
		app_fail(r, SJ_ENOMEM, NULL);
		return;
	}
	auth_login_outcome outcome;
	int64_t retry = 0;
	sj_err e = auth_login(a->db, badge, password, otp, http_client_ip(r), http_request_id(r), res,
			      &outcome, &retry);
	json_decref(body);
	if (e) {
		app_fail(r, e, NULL);
	} else if (outcome == AUTH_LOGIN_OK) {
		int64_t max_age = SJ_SESSION_ABS_MS / 1000;
		if (set_session_cookie(r, res->token, max_age)) {
			app_fail(r, SJ_ENOMEM, NULL);
		} else {
			json_t *out = json_pack("{s:s,s:s,s:I,s:o,s:b}", "token", res->token, "csrf", res->csrf,
						"expires_at", (json_int_t)res->expires_at, "user",
						auth_user_json(&res->user), "mfa_enrolment_required",
						res->user.mfa_pending);
			http_reply_json(r, 200, out);
		}
	} else {
		char ra[32];
		snprintf(ra, sizeof ra, "%lld", (long long)retry);
		switch (outcome) {
		case AUTH_LOGIN_THROTTLED:
			if (http_add_header(r, "Retry-After", ra))
				ra[0] = '\0';
			http_problem(r, 429, "login-throttled", "too many attempts from this address; wait", NULL);
			break;
		case AUTH_LOGIN_LOCKED:
			if (http_add_header(r, "Retry-After", ra))
				ra[0] = '\0';
			http_problem(r, 401, "account-locked",
				     "this account is locked after repeated failures; wait or ask an administrator",
				     json_pack("{s:I}", "retry_after_s", (json_int_t)retry));
			break;
		case AUTH_LOGIN_OTP_REQUIRED:
			http_problem(r, 401, "otp-required", "enter the 6-digit code of your authenticator", NULL);
			break;
		case AUTH_LOGIN_BAD_OTP:
			http_problem(r, 401, "invalid-otp", "the authenticator code is wrong or already used", NULL);
			break;
		default:
			http_problem(r, 401, "invalid-credentials", "badge or password is wrong", NULL);
			break;
		}
	}
	sodium_memzero(res, sizeof *res);
	free(res);
}

void api_logout(app *a, http_req *r, auth_user *u)
{
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	sj_err e = auth_logout(c, u);
	e = e ? e : app_audit(c, r, u, "session.logout", "user", u->id, NULL, "ok", NULL);
	if (!app_finish(a, r, c, e))
		return;
	if (set_session_cookie(r, "", 0)) {
		app_fail(r, SJ_ENOMEM, NULL);
		return;
	}
	http_reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

void api_me(app *a, http_req *r, auth_user *u)
{
	(void)a;
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:{s:s,s:s,s:s,s:s}}", "badge", u->badge, "name",
			      u->name, "role", role_name(u->role), "lang", u->lang, "csrf", u->csrf,
			      "national", role_is_national(u->role), "mfa_enrolment_required",
			      u->mfa_pending, "unit", "code", u->unit.code,
			      "name", u->lang[0] == 'f' ? u->unit.name_fr : u->unit.name_ar, "name_fr",
			      u->unit.name_fr, "name_ar", u->unit.name_ar);
	http_reply_json(r, 200, o);
}

void api_me_password(app *a, http_req *r, auth_user *u)
{
	json_t *body = hjson_body_or_reply(r);
	if (!body)
		return;
	const char *cur = NULL, *next = NULL;
	const hjson_field spec[] = {
		{"current_password", HJ_STRING, 1, 1, SJ_MAX_PASSWORD, NULL, &cur, 0},
		{"new_password", HJ_STRING, 1, 1, SJ_MAX_PASSWORD, NULL, &next, 0},
		{NULL, 0, 0, 0, 0, NULL, NULL, 0},
	};
	if (!hjson_fields_or_reply(r, body, spec)) {
		json_decref(body);
		return;
	}
	const char *weak = pw_weakness(next);
	if (weak) {
		http_problem(r, 400, "validation", "the new password is not acceptable",
			     json_pack("{s:[{s:s,s:s,s:s}]}", "errors", "field", "new_password", "code", weak,
				       "detail", "at least 12 characters, not one repeated character"));
		json_decref(body);
		return;
	}
	db_conn *c = app_begin_or_drop(a, r, body);
	if (!c)
		return;
	bool ok = false;
	sj_err e = auth_user_check_password(c, u->id, cur, &ok);
	if (!e && !ok) {
		e = app_audit(c, r, u, "user.password", "user", u->id, NULL, "refused",
			      json_pack("{s:s}", "reason", "bad-current-password"));
		if (app_finish(a, r, c, e))
			http_problem(r, 403, "bad-current-password", "the current password is wrong", NULL);
		json_decref(body);
		return;
	}
	e = e ? e : auth_user_set_password(c, u->id, next, u->session_id);
	e = e ? e : app_audit(c, r, u, "user.password", "user", u->id, NULL, "ok", NULL);
	json_decref(body);
	if (app_finish(a, r, c, e))
		http_reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

void api_me_lang(app *a, http_req *r, auth_user *u)
{
	json_t *body = hjson_body_or_reply(r);
	if (!body)
		return;
	static const char *const langs[] = {"ar", "fr", NULL};
	const char *lang = NULL;
	const hjson_field spec[] = {
		{"lang", HJ_ENUM, 1, 0, 2, langs, &lang, 0},
		{NULL, 0, 0, 0, 0, NULL, NULL, 0},
	};
	if (!hjson_fields_or_reply(r, body, spec)) {
		json_decref(body);
		return;
	}
	db_conn *c = app_begin_or_drop(a, r, body);
	if (!c)
		return;
	sj_err e = auth_user_set_lang(c, u->id, lang);
	e = e ? e : app_audit(c, r, u, "user.lang", "user", u->id, NULL, "ok",
			      json_pack("{s:s}", "lang", lang));
	if (app_finish(a, r, c, e))
		http_reply_json(r, 200, json_pack("{s:s}", "lang", lang));
	json_decref(body);
}

void api_me_totp_setup(app *a, http_req *r, auth_user *u)
{
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	char secret[41];
	sj_err e = auth_totp_setup(c, u->id, secret);
	e = e ? e : app_audit(c, r, u, "user.totp.setup", "user", u->id, NULL, "ok", NULL);
	if (app_finish(a, r, c, e)) {
		char uri[256];
		snprintf(uri, sizeof uri, "otpauth://totp/sijill:%s?secret=%s&issuer=sijill&digits=6&period=30",
			 u->badge, secret);
		http_reply_json(r, 200, json_pack("{s:s,s:s}", "secret", secret, "otpauth_uri", uri));
	}
	sodium_memzero(secret, sizeof secret);
}

void api_me_totp_confirm(app *a, http_req *r, auth_user *u)
{
	json_t *body = hjson_body_or_reply(r);
	if (!body)
		return;
	const char *otp = NULL;
	const hjson_field spec[] = {
		{"otp", HJ_STRING, 1, 6, 6, NULL, &otp, 0},
		{NULL, 0, 0, 0, 0, NULL, NULL, 0},
	};
	if (!hjson_fields_or_reply(r, body, spec)) {
		json_decref(body);
		return;
	}
	db_conn *c = app_begin_or_drop(a, r, body);
	if (!c)
		return;
	sj_err e = auth_totp_confirm(c, u->id, u->session_id, otp);
	json_decref(body);
	if (e == SJ_EAUTH || e == SJ_EUNPROCESSABLE) {
		db_rollback(c);
		db_release(a->db, c);
		app_audit_refusal(a, r, u, "user.totp.confirm", e == SJ_EAUTH ? "bad-otp" : "no-secret");
		if (e == SJ_EAUTH)
			http_problem(r, 422, "invalid-otp", "the code does not match; check the device's clock", NULL);
		else
			http_problem(r, 422, "totp-not-set-up", "set up the authenticator first", NULL);
		return;
	}
	e = e ? e : app_audit(c, r, u, "user.totp.confirm", "user", u->id, NULL, "ok", NULL);
	if (app_finish(a, r, c, e))
		http_reply_json(r, 200, json_pack("{s:b}", "enabled", 1));
}
