/* account.c — accounts as records: the login and account commands, users as
 * read and created (see auth.h). The sessions and the login itself are
 * auth.c's; this file describes the bodies and answers the account commands
 * for an actor. */
#include "auth/auth.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/password.h"
#include "core/limits.h"

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

REC_ENUM_DEF_PUBLIC(auth_roles, "role", "admin", "chief", "opj", "officer", "analyst", "auditor", "monitor",
		    "communication", "comm_head");
REC_ENUM_DEF_PUBLIC(auth_langs, "lang", "ar", "fr");
REC_ENUM_DEF(user_statuses, "status", "active", "disabled");

/* ------------------------------------------------------------ the records */

/* POST /session: a badge is taken as typed (an unknown one is a wrong login,
 * not a malformed request). */
#define LOGIN_FIELDS(X) \
	X(V, badge, TEXT, 1, SJ_MAX_BADGE, NULL, IN | REQ) \
	X(V, password, SECRET, 1, SJ_MAX_PASSWORD, NULL, IN | REQ) \
	X(V, otp, TEXT, 0, SJ_MAX_OTP, NULL, IN | NULLABLE)
static const rec_field login_fields[] = {LOGIN_FIELDS(REC_FIELD)};
const rec_desc auth_login_rec = REC_DESC("login", NULL, login_fields, NULL);

/* A unit as a principal shows it. */
#define UNIT_BRIEF_FIELDS(X) \
	X(V, code, CODE, 1, UNIT_CODE_MAX, NULL, OUT) \
	X(V, kind, CODE, 1, UNIT_CODE_MAX, NULL, OUT) \
	X(V, name, TEXT, 1, UNIT_NAME_MAX, NULL, OUT) \
	X(V, name_fr, TEXT, 1, UNIT_NAME_MAX, NULL, OUT) \
	X(V, name_ar, TEXT, 1, UNIT_NAME_MAX, NULL, OUT)
static const rec_field unit_brief_fields[] = {REC_ID_FIELD, UNIT_BRIEF_FIELDS(REC_FIELD)};
static const rec_desc unit_brief_rec = REC_DESC("unit_brief", NULL, unit_brief_fields, NULL);

/* GET /me, and the user of a new session. */
#define ME_FIELDS(X) \
	X(V, badge, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(V, name, TEXT, 1, SJ_MAX_NAME, NULL, OUT) \
	X(V, role, ENUM, 0, 0, &auth_roles, OUT) \
	X(V, lang, ENUM, 0, 0, &auth_langs, OUT) \
	X(V, csrf, TEXT, 1, AUTH_TOKEN_MAX, NULL, OUT) \
	X(V, national, BOOL, 0, 0, NULL, OUT) \
	X(V, mfa_enrolment_required, BOOL, 0, 0, NULL, OUT) \
	X(V, unit, OBJECT, 0, 0, &unit_brief_rec, OUT)
static const rec_field me_fields[] = {REC_ID_FIELD, ME_FIELDS(REC_FIELD)};
const rec_desc auth_me_rec = REC_DESC("me", NULL, me_fields, NULL);

#define SESSION_FIELDS(X) \
	X(V, token, TEXT, 1, AUTH_TOKEN_MAX, NULL, OUT) \
	X(V, csrf, TEXT, 1, AUTH_TOKEN_MAX, NULL, OUT) \
	X(V, expires_at, TIME, 0, 0, NULL, OUT) \
	X(V, user, OBJECT, 0, 0, &auth_me_rec, OUT) \
	X(V, mfa_enrolment_required, BOOL, 0, 0, NULL, OUT)
static const rec_field session_fields[] = {SESSION_FIELDS(REC_FIELD)};
const rec_desc auth_session_rec = REC_DESC("session", NULL, session_fields, NULL);

/* strong_password holds member name of o to the password policy (pw_weakness). */
static void strong_password(json_t *o, const char *name, const char *prefix, json_t *errs)
{
	const char *weak = pw_weakness(js(o, name));
	if (weak)
		rec_err(errs, prefix, name, weak, "at least 12 characters, not one repeated character");
}

static void password_check(json_t *p, const char *prefix, json_t *errs)
{
	strong_password(p, "new_password", prefix, errs);
}

#define PASSWORD_FIELDS(X) \
	X(V, current_password, SECRET, 1, SJ_MAX_PASSWORD, NULL, IN | REQ) \
	X(V, new_password, SECRET, 1, SJ_MAX_PASSWORD, NULL, IN | REQ)
static const rec_field password_fields[] = {PASSWORD_FIELDS(REC_FIELD)};
const rec_desc auth_password_rec = REC_DESC("password_change", NULL, password_fields, password_check);

#define LANG_FIELDS(X) X(V, lang, ENUM, 0, 0, &auth_langs, IN | REQ | OUT)
static const rec_field lang_fields[] = {LANG_FIELDS(REC_FIELD)};
const rec_desc auth_lang_rec = REC_DESC("lang_choice", NULL, lang_fields, NULL);

#define TOTP_SETUP_FIELDS(X) \
	X(V, secret, TEXT, 1, AUTH_TOTP_SECRET_MAX, NULL, OUT) \
	X(V, otpauth_uri, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT)
static const rec_field totp_setup_fields[] = {TOTP_SETUP_FIELDS(REC_FIELD)};
const rec_desc auth_totp_setup_rec = REC_DESC("totp_setup", NULL, totp_setup_fields, NULL);

#define TOTP_CONFIRM_FIELDS(X) \
	X(V, otp, TEXT, SJ_TOTP_DIGITS, SJ_TOTP_DIGITS, NULL, IN | REQ) \
	X(V, enabled, BOOL, 0, 0, NULL, OUT)
static const rec_field totp_confirm_fields[] = {TOTP_CONFIRM_FIELDS(REC_FIELD)};
const rec_desc auth_totp_confirm_rec = REC_DESC("totp_confirm", NULL, totp_confirm_fields, NULL);

/* A user account as the administration reads it (the users table; secrets
 * are columns no response carries). */
#define USER_FIELDS(X) \
	X(C, badge, CODE, 2, SJ_MAX_BADGE, NULL, OUT) \
	X(C, name, TEXT, 1, SJ_MAX_NAME, NULL, OUT | PII) \
	X(C, role, ENUM, 0, 0, &auth_roles, OUT) \
	X(C, unit_id, ID, 0, 36, NULL, 0) \
	X(C, password_hash, SECRET, 1, PW_HASH_MAX, NULL, 0) \
	X(C, status, ENUM, 0, 0, &user_statuses, OUT) \
	X(C, failed_count, INT, 0, 0, NULL, 0) \
	X(C, locked_until, TIME, 0, 0, NULL, 0) \
	X(C, lang, ENUM, 0, 0, &auth_langs, OUT) \
	X(C, totp_secret, SECRET, 1, AUTH_TOTP_SECRET_MAX, NULL, 0) \
	X(C, totp_enabled, BOOL, 0, 0, NULL, 0) \
	X(C, demo, BOOL, 0, 0, NULL, 0) \
	X(C, password_set_at, TIME, 0, 0, NULL, 0) \
	X(C, created_at, TIME, 0, 0, NULL, 0) \
	X(C, updated_at, TIME, 0, 0, NULL, 0) \
	X(V, unit, OBJECT, 0, 0, &unit_brief_rec, OUT) \
	X(V, locked, BOOL, 0, 0, NULL, OUT)
static const rec_field user_fields[] = {REC_ID_FIELD, USER_FIELDS(REC_FIELD)};
const rec_desc auth_user_rec = REC_DESC("user", "users", user_fields, NULL);

#define USERS_FIELDS(X) X(V, users, ARRAY, 0, SJ_MAX_LIST, &auth_user_rec, OUT)
static const rec_field users_fields[] = {USERS_FIELDS(REC_FIELD)};
const rec_desc auth_users_rec = REC_DESC("users", NULL, users_fields, NULL);

static void user_create_check(json_t *u, const char *prefix, json_t *errs)
{
	strong_password(u, "password", prefix, errs);
}

#define USER_CREATE_FIELDS(X) \
	X(V, badge, CODE, 2, SJ_MAX_BADGE, NULL, IN | REQ) \
	X(V, name, TEXT, 1, SJ_MAX_NAME, NULL, IN | REQ | PII) \
	X(V, role, ENUM, 0, 0, &auth_roles, IN | REQ) \
	X(V, unit, CODE, 1, UNIT_CODE_MAX, NULL, IN | REQ) \
	X(V, password, SECRET, SJ_MIN_PASSWORD, SJ_MAX_PASSWORD, NULL, IN | REQ) \
	X(V, lang, ENUM, 0, 0, &auth_langs, IN)
static const rec_field user_create_fields[] = {USER_CREATE_FIELDS(REC_FIELD)};
const rec_desc auth_user_create_rec = REC_DESC("user_create", NULL, user_create_fields, user_create_check);

#define USER_STATUS_FIELDS(X) \
	X(V, status, ENUM, 0, 0, &user_statuses, IN | REQ) \
	X(V, reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | REQ)
static const rec_field user_status_fields[] = {USER_STATUS_FIELDS(REC_FIELD)};
const rec_desc auth_user_status_rec = REC_DESC("user_status", NULL, user_status_fields, NULL);

/* ------------------------------------------------------------ commands */

json_t *auth_me_json(const auth_user *u)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:{s:s,s:s,s:s,s:s}}", "badge", u->badge, "name", u->name,
			 "role", role_name(u->role), "lang", u->lang, "csrf", u->csrf, "national",
			 role_is_national(u->role), "mfa_enrolment_required", u->mfa_pending, "unit", "code",
			 u->unit.code, "name", u->lang[0] == 'f' ? u->unit.name_fr : u->unit.name_ar, "name_fr",
			 u->unit.name_fr, "name_ar", u->unit.name_ar);
}

sj_err auth_password_change(db_conn *c, const sj_actor *a, const char *session_id, json_t *in, json_t **out,
			    const char **why)
{
	*out = NULL;
	bool ok = false;
	sj_err e = auth_user_check_password(c, a->id, js(in, "current_password"), &ok);
	if (!e && !ok) {
		*why = "bad-current-password";
		return SJ_EFORBIDDEN;
	}
	e = e ? e : auth_user_set_password(c, a->id, js(in, "new_password"), session_id);
	if (!e && !(*out = json_pack("{s:b}", "ok", 1)))
		e = SJ_ENOMEM;
	return e;
}

sj_err auth_lang_choose(db_conn *c, const sj_actor *a, json_t *in, json_t **out)
{
	*out = NULL;
	sj_err e = auth_user_set_lang(c, a->id, js(in, "lang"));
	if (!e && !(*out = json_pack("{s:s}", "lang", js(in, "lang"))))
		e = SJ_ENOMEM;
	return e;
}

sj_err auth_totp_begin(db_conn *c, const sj_actor *a, json_t **out)
{
	*out = NULL;
	char secret[AUTH_TOTP_SECRET_MAX + 1], uri[SJ_MAX_SHORT_TEXT];
	sj_err e = auth_totp_setup(c, a->id, secret);
	if (!e) {
		snprintf(uri, sizeof uri, "otpauth://totp/sijill:%s?secret=%s&issuer=sijill&digits=6&period=30",
			 a->badge, secret);
		if (!(*out = json_pack("{s:s,s:s}", "secret", secret, "otpauth_uri", uri)))
			e = SJ_ENOMEM;
		sodium_memzero(uri, sizeof uri);
	}
	sodium_memzero(secret, sizeof secret);
	return e;
}

sj_err auth_totp_enable(db_conn *c, const sj_actor *a, const char *session_id, json_t *in, json_t **out,
			const char **why)
{
	*out = NULL;
	sj_err e = auth_totp_confirm(c, a->id, session_id, js(in, "otp"));
	if (e == SJ_EAUTH) {
		*why = "invalid-otp";
		return SJ_EUNPROCESSABLE;
	}
	if (e == SJ_EUNPROCESSABLE) {
		*why = "totp-not-set-up";
		return e;
	}
	if (!e && !(*out = json_pack("{s:b}", "enabled", 1)))
		e = SJ_ENOMEM;
	return e;
}

sj_err auth_users_list(db_conn *c, const sj_actor *a, json_t **out)
{
	*out = NULL;
	json_t *users = NULL;
	sj_err e = auth_user_list(c, a->national ? NULL : a->unit_path, &users);
	if (e)
		return e;
	*out = json_pack("{s:o}", "users", users);
	return *out ? SJ_OK : SJ_ENOMEM;
}

sj_err auth_user_create(db_conn *c, const sj_actor *a, json_t *in, json_t **out, const char **field,
			const char **why)
{
	(void)a;
	*out = NULL;
	auth_new_user nu = {.badge = js(in, "badge"), .name = js(in, "name"), .role = js(in, "role"),
			    .unit_code = js(in, "unit"), .password = js(in, "password"), .lang = js(in, "lang")};
	char id[ID_LEN + 1];
	sj_err e = auth_user_add(c, &nu, id, field);
	if (e == SJ_ECONFLICT) {
		*field = "badge";
		*why = "badge-taken";
	} else if (e == SJ_EINVAL && *field && strcmp(*field, "unit") == 0) {
		*why = "unknown-unit";
	} else if (e == SJ_EINVAL) {
		*field = *field ? *field : "badge";
		*why = "invalid";
	}
	if (!e && !(*out = json_pack("{s:s,s:s}", "id", id, "badge", nu.badge)))
		e = SJ_ENOMEM;
	return e;
}

sj_err auth_user_status(db_conn *c, const sj_actor *a, const char *badge, json_t *in, json_t **out,
			const char **why)
{
	*out = NULL;
	const char *status = js(in, "status");
	if (a->badge && strcmp(badge, a->badge) == 0 && strcmp(status, "disabled") == 0) {
		*why = "self-disable";
		return SJ_EUNPROCESSABLE;
	}
	sj_err e = auth_user_set_status(c, badge, status);
	if (e == SJ_ENOTFOUND)
		*why = "user-not-found";
	if (!e && !(*out = json_pack("{s:s,s:s}", "badge", badge, "status", status)))
		e = SJ_ENOMEM;
	return e;
}
