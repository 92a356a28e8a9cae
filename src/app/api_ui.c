/* api_ui.c — the small routes the officer's screens need to find records
 * again and to correct mistakes (issue 18): the header's search box, a
 * person removed from a case with a reason, and the competent prosecution
 * office shown before a referral. Each is a row of early returns: unpack →
 * begin → scope → call → app_reply (audit with the route's action, commit,
 * answer). */
#include <string.h>

#include "app/app.h"
#include "cases/cases.h"
#include "cases/complaint.h"
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
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	const char *scope = who.national ? NULL : who.unit_path;
	case_filter f = {.scope_path = scope, .q = q};
	json_t *cases = NULL, *complaints = NULL;
	sj_err e = case_find(c, &f, FIND_LIMIT, 0, &cases);
	e = e ? e : complaint_find(c, scope, q, FIND_LIMIT, &complaints);
	json_t *out = e ? NULL : json_pack("{s:s,s:o,s:o}", "q", q, "cases", cases, "complaints", complaints);
	if (e) {
		json_decref(cases);
		json_decref(complaints);
	}
	app_reply(a, r, c, e, NULL, NULL, who.unit_code, json_pack("{s:s}", "q", q), 200, out);
}

/* case_for_write_or_reply loads the case of {id} for a write in the caller's
 * scope; false after answering (404 case-not-found, or 403 audited). */
static bool case_for_write_or_reply(app *a, http_req *r, auth_user *u, db_conn *c, bool write, case_ref *ref)
{
	sj_err e = case_ref_get(c, http_param(r, "id"), write, ref);
	if (e) {
		app_reply(a, r, c, e, NULL, e == SJ_ENOTFOUND ? "case-not-found" : NULL, NULL, NULL, 0, NULL);
		return false;
	}
	if (write ? !case_can_write(u, ref->unit_path) : !case_can_read(u, ref->unit_path)) {
		app_refuse(a, r, c, ref->id);
		return false;
	}
	return true;
}

/* POST /api/v1/cases/{id}/persons/{pid}/removal {role?, reason} */
void api_case_person_remove(app *a, http_req *r, auth_user *u)
{
	json_t *in = http_json(r);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	case_ref ref;
	if (!case_for_write_or_reply(a, r, u, c, true, &ref))
		return;
	const char *why = NULL, *pid = http_param(r, "pid");
	sj_err e = case_person_remove(c, u, &ref, pid, jstr(in, "role"), jstr(in, "reason"), &why);
	json_t *out = NULL;
	e = e ? e : case_get(c, ref.id, &out);
	if (out)
		json_object_del(out, "unit_path");
	app_reply(a, r, c, e, NULL, why, pid,
		  json_pack("{s:s,s:s?,s:s?}", "case_id", ref.id, "role", jstr(in, "role"), "reason", jstr(in, "reason")),
		  200, out);
}

/* GET /api/v1/cases/{id}/referral/competent */
void api_referral_competent(app *a, http_req *r, auth_user *u)
{
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	case_ref ref;
	if (!case_for_write_or_reply(a, r, u, c, false, &ref))
		return;
	json_t *out = NULL;
	sj_err e = referral_competent(c, &ref, &out);
	app_reply(a, r, c, e, NULL, NULL, ref.id, NULL, 200, out);
}
