/* api_admin.c — users and units. Administrators act nationally; a chief
 * lists the users of their own unit and below. */
#include <string.h>

#include "app/app.h"
#include "core/limits.h"

void api_users_list(app *a, http_req *r, auth_user *u)
{
	db_conn *c = app_begin_or_reply(a, r, DB_READ);
	if (!c)
		return;
	json_t *users = NULL;
	const char *scope = role_is_national(u->role) ? NULL : u->unit.path;
	sj_err e = auth_user_list(c, scope, &users);
	e = e ? e : app_audit(c, r, u, "user.list", "unit", u->unit.code, NULL, "ok", NULL);
	if (app_finish(a, r, c, e))
		http_reply_json(r, 200, json_pack("{s:o}", "users", users));
	else
		json_decref(users);
}

void api_users_create(app *a, http_req *r, auth_user *u)
{
	json_t *body = hjson_body_or_reply(r);
	if (!body)
		return;
	static const char *const roles[] = {"admin", "chief", "opj", "officer", "analyst", "auditor", "monitor", NULL};
	static const char *const langs[] = {"ar", "fr", NULL};
	auth_new_user nu = {0};
	const hjson_field spec[] = {
		{"badge", HJ_STRING, 1, 2, SJ_MAX_BADGE, NULL, &nu.badge, 0},
		{"name", HJ_STRING, 1, 1, SJ_MAX_NAME, NULL, &nu.name, 0},
		{"role", HJ_ENUM, 1, 0, 16, roles, &nu.role, 0},
		{"unit", HJ_STRING, 1, 1, UNIT_CODE_MAX, NULL, &nu.unit_code, 0},
		{"password", HJ_STRING, 1, SJ_MIN_PASSWORD, SJ_MAX_PASSWORD, NULL, &nu.password, 0},
		{"lang", HJ_ENUM, 0, 0, 2, langs, &nu.lang, 0},
		{NULL, 0, 0, 0, 0, NULL, NULL, 0},
	};
	if (!hjson_fields_or_reply(r, body, spec)) {
		json_decref(body);
		return;
	}
	db_conn *c = app_begin_or_drop(a, r, body);
	if (!c)
		return;
	char id[ID_LEN + 1];
	const char *field = NULL;
	sj_err e = auth_user_add(c, &nu, id, &field);
	if (e == SJ_EINVAL || e == SJ_ECONFLICT) {
		db_rollback(c);
		db_release(a->db, c);
		const char *code = e == SJ_ECONFLICT ? "taken" : "invalid";
		http_problem(r, e == SJ_ECONFLICT ? 409 : 400, e == SJ_ECONFLICT ? "conflict" : "validation",
			     e == SJ_ECONFLICT ? "this badge is already taken" : "the request has invalid fields",
			     json_pack("{s:[{s:s,s:s,s:s}]}", "errors", "field", field ? field : "badge", "code",
				       code, "detail", e == SJ_ECONFLICT ? "already taken" : "not acceptable"));
		json_decref(body);
		return;
	}
	e = e ? e : app_audit(c, r, u, "user.create", "user", id, NULL, "ok",
			      json_pack("{s:s,s:s,s:s}", "badge", nu.badge, "role", nu.role, "unit", nu.unit_code));
	if (app_finish(a, r, c, e))
		http_reply_json(r, 201, json_pack("{s:s,s:s}", "id", id, "badge", nu.badge));
	json_decref(body);
}

void api_users_update(app *a, http_req *r, auth_user *u)
{
	json_t *body = hjson_body_or_reply(r);
	if (!body)
		return;
	static const char *const statuses[] = {"active", "disabled", NULL};
	const char *status = NULL, *reason = NULL;
	const hjson_field spec[] = {
		{"status", HJ_ENUM, 1, 0, 16, statuses, &status, 0},
		{"reason", HJ_STRING, 1, 3, SJ_MAX_SHORT_TEXT, NULL, &reason, 0},
		{NULL, 0, 0, 0, 0, NULL, NULL, 0},
	};
	if (!hjson_fields_or_reply(r, body, spec)) {
		json_decref(body);
		return;
	}
	const char *badge = http_param(r, "badge");
	if (strcmp(badge, u->badge) == 0 && strcmp(status, "disabled") == 0) {
		http_problem(r, 422, "self-disable", "you cannot disable your own account", NULL);
		json_decref(body);
		return;
	}
	db_conn *c = app_begin_or_drop(a, r, body);
	if (!c)
		return;
	sj_err e = auth_user_set_status(c, badge, status);
	e = e ? e : app_audit(c, r, u, "user.status", "user", badge, NULL, "ok",
			      json_pack("{s:s,s:s}", "status", status, "reason", reason));
	if (app_finish(a, r, c, e))
		http_reply_json(r, 200, json_pack("{s:s,s:s}", "badge", badge, "status", status));
	json_decref(body);
}

void api_units_list(app *a, http_req *r, auth_user *u)
{
	db_conn *c;
	sj_err e = db_acquire(a->db, &c);
	if (e) {
		app_fail(r, e, NULL);
		return;
	}
	json_t *units = NULL;
	e = unit_list(c, &units);
	db_release(a->db, c);
	if (e) {
		app_fail(r, e, NULL);
		return;
	}
	http_reply_json(r, 200, json_pack("{s:o,s:s}", "units", units, "mine", u->unit.code));
}
