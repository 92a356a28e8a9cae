/* api_session.c — log in, log out, who am I, my password, language and
 * second factor (the bodies are described in auth.h). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/limits.h"
#include "core/log.h"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static sj_err set_session_cookie(http_req *r, const char *token, int64_t max_age_s)
{
	char cookie[256];
	/* Secure once the client came over TLS (through the trusted proxy) */
	snprintf(cookie, sizeof cookie,
		 "sijill_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s", token,
		 (long long)max_age_s, http_secure(r) ? "; Secure" : "");
	return http_add_header(r, "Set-Cookie", cookie);
}

/* refuse_login answers a refused login (audited by auth_login itself). */
static void refuse_login(http_req *r, auth_login_outcome outcome, int64_t retry)
{
	char ra[32];
	snprintf(ra, sizeof ra, "%lld", (long long)retry);
	switch (outcome) {
	case AUTH_LOGIN_THROTTLED:
		if (http_add_header(r, "Retry-After", ra))
			ra[0] = '\0';
		http_problem(r, 429, "login-throttled", "too many attempts from this address; wait", NULL);
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

void api_login(app *a, http_req *r, auth_user *unused)
{
	(void)unused;
	json_t *in = http_json(r);
	auth_login_result *res = calloc(1, sizeof *res);
	if (!res) {
		app_fail(r, SJ_ENOMEM, NULL);
		return;
	}
	auth_login_outcome outcome;
	int64_t retry = 0;
	sj_err e = auth_login(a->db, jstr(in, "badge"), jstr(in, "password"), jstr(in, "otp"), http_client_ip(r),
			      http_request_id(r), res, &outcome, &retry);
	if (e) {
		app_fail(r, e, NULL);
	} else if (outcome != AUTH_LOGIN_OK) {
		refuse_login(r, outcome, retry);
	} else if (set_session_cookie(r, res->token, SJ_SESSION_ABS_MS / 1000)) {
		app_fail(r, SJ_ENOMEM, NULL);
	} else {
		http_reply_json(r, 200,
				json_pack("{s:s,s:s,s:I,s:o,s:b}", "token", res->token, "csrf", res->csrf, "expires_at",
					  (json_int_t)res->expires_at, "user", auth_user_json(&res->user),
					  "mfa_enrolment_required", res->user.mfa_pending));
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
	/* the cookie is cleared with the answer */
	if (!e && set_session_cookie(r, "", 0))
		e = SJ_ENOMEM;
	app_reply(a, r, c, e, NULL, NULL, u->id, NULL, 200, json_pack("{s:b}", "ok", 1));
}

void api_me(app *a, http_req *r, auth_user *u)
{
	(void)a;
	http_reply_json(r, 200, auth_me_json(u));
}

void api_me_password(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = auth_password_change(c, &who, u->session_id, http_json(r), &out, &why);
	app_reply(a, r, c, e, NULL, why, u->id, NULL, 200, out);
	/* a wrong current password is counted (the refusal rolled back) */
	if (e == SJ_EFORBIDDEN && why && strcmp(why, "bad-current-password") == 0) {
		char key[AUTH_ATTEMPT_KEY_MAX];
		auth_attempt_key(key, "password", u->id);
		if (auth_attempt_failed(a->db, key))
			log_msg(LOG_WARN, "auth", json_pack("{s:s}", "detail", "could not count a failed password check"));
	}
}

void api_me_lang(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL;
	sj_err e = auth_lang_choose(c, &who, http_json(r), &out);
	app_reply(a, r, c, e, NULL, NULL, u->id, json_pack("{s:s?}", "lang", jstr(http_json(r), "lang")), 200, out);
}

void api_me_totp_setup(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = auth_totp_begin(c, &who, &out, &why);
	app_reply(a, r, c, e, NULL, why, u->id, NULL, 200, out);
}

void api_me_totp_replace(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	int64_t retry = 0;
	sj_err e = auth_totp_replace(c, &who, http_json(r), &out, &why, &retry);
	app_retry_after(r, e, retry);
	app_reply(a, r, c, e, NULL, why, u->id, NULL, 200, out);
	/* a wrong current code: counted, and audited as a refused attempt */
	if (e == SJ_EUNPROCESSABLE && why && strcmp(why, "invalid-otp") == 0) {
		char key[AUTH_ATTEMPT_KEY_MAX];
		auth_attempt_key(key, "totp", u->id);
		if (auth_attempt_failed(a->db, key))
			log_msg(LOG_WARN, "auth", json_pack("{s:s}", "detail", "could not count a failed code"));
		app_audit_refusal(a, r, u, "user.totp.replace", why);
	}
}

void api_me_totp_confirm(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = auth_totp_enable(c, &who, u->session_id, http_json(r), &out, &why);
	app_reply(a, r, c, e, NULL, why, u->id, NULL, 200, out);
	/* a wrong or missing code is a refused attempt at the second factor: audited */
	if (e == SJ_EUNPROCESSABLE)
		app_audit_refusal(a, r, u, "user.totp.confirm", why);
}
