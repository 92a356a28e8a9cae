/* api_ui.c — the small routes the officer's screens need to find records
 * again and to correct mistakes (issue 18): the header's search box, a
 * person removed from a case with a reason, and the competent prosecution
 * office shown before a referral. Each is a row of early returns: the actor,
 * a transaction, the capability's one call, app_reply (audit with the route
 * row's action, commit, answer). */
#include <string.h>

#include "app/app.h"
#include "cases/cases.h"
#include "cases/referral.h"

#define FIND_LIMIT 10

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* GET /api/v1/find?q= — cases whose number, summary or commune holds q and
 * complaints whose receipt number holds q, in the caller's scope. */
void api_find(app *a, http_req *r, auth_user *u)
{
	const char *q = http_query(r, "q");
	if (!q || !*q || strlen(q) > CASE_FIND_Q_MAX) {
		http_problem(r, 400, "bad-query", "q is required (at most 100 bytes)", NULL);
		return;
	}
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	json_t *out = NULL;
	sj_err e = case_find_any(c, &who, q, FIND_LIMIT, &out);
	app_reply(a, r, c, e, NULL, NULL, who.unit_code, json_pack("{s:s}", "q", q), 200, out);
}

/* POST /api/v1/cases/{id}/persons/{pid}/removal {role?, reason} */
void api_case_person_remove(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL, *in = http_json(r);
	const char *why = NULL, *pid = http_param(r, "pid");
	sj_err e = case_person_remove(c, &who, http_param(r, "id"), pid, in, &out, &why);
	app_reply(a, r, c, e, NULL, why, pid,
		  json_pack("{s:s,s:s?,s:s?}", "case_id", http_param(r, "id"), "role", jstr(in, "role"), "reason",
			    jstr(in, "reason")),
		  200, out);
}

/* GET /api/v1/cases/{id}/referral/competent */
void api_referral_competent(app *a, http_req *r, auth_user *u)
{
	app_serve_read(a, r, u, referral_competent);
}
