/* api_cases.c — cases and the persons in them over HTTP. Each handler is a
 * row of early returns: the actor, a transaction, the capability's one call
 * (cases.h owns the rules, the scope and the hit engine), app_reply (audit
 * with the route row's action, commit, answer). Dispatch has already checked
 * the body against the route's record. */
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "cases/cases.h"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* query_ms reads ?name= as non-negative milliseconds (absent: 0). */
static bool query_ms(http_req *r, const char *name, int64_t *out)
{
	const char *v = http_query(r, name);
	*out = 0;
	if (!v)
		return true;
	char *end = NULL;
	long long n = strtoll(v, &end, 10);
	if (!*v || *end || n < 0)
		return false;
	*out = n;
	return true;
}

void api_case_create(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL;
	const char *field = NULL, *why = NULL;
	sj_err e = case_create(c, &who, http_json(r), &out, &field, &why);
	app_reply(a, r, c, e, field, why, jstr(out, "id"), json_pack("{s:s?}", "number", jstr(out, "number")), 201,
		  out);
}

void api_case_list(app *a, http_req *r, auth_user *u)
{
	int limit;
	int64_t offset;
	if (!app_paging_or_reply(r, &limit, &offset))
		return;
	const char *status = http_query(r, "status");
	if (status && !rec_enum_ok(rec_field_find(&case_rec, "status"), status)) {
		http_problem(r, 400, "bad-query", "status is not a case status", NULL);
		return;
	}
	/* q (number or words), from/to (creation, UTC ms): case_find (issue 18) */
	case_filter f = {.status = status, .q = http_query(r, "q")};
	if (!query_ms(r, "from", &f.from_ms) || !query_ms(r, "to", &f.to_ms) ||
	    (f.q && strlen(f.q) > CASE_FIND_Q_MAX)) {
		http_problem(r, 400, "bad-query", "q is at most 100 bytes; from and to are UTC milliseconds", NULL);
		return;
	}
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	json_t *out = NULL;
	sj_err e = case_find(c, &who, &f, limit, offset, &out);
	app_reply(a, r, c, e, NULL, NULL, who.unit_code,
		  json_pack("{s:s?,s:s?,s:i,s:I}", "status", status, "q", f.q, "limit", limit, "offset",
			    (json_int_t)offset),
		  200, out);
}

void api_case_get(app *a, http_req *r, auth_user *u)
{
	app_serve_read_tagged(a, r, u, case_read);
}

void api_case_history(app *a, http_req *r, auth_user *u)
{
	app_serve_read(a, r, u, case_history_read);
}

void api_case_update(app *a, http_req *r, auth_user *u)
{
	app_serve_update_matched(a, r, u, case_read, case_update);
}

void api_case_add_offence(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL, *in = http_json(r);
	const char *field = NULL, *why = NULL;
	sj_err e = case_add_offence(c, &who, http_param(r, "id"), in, &out, &field, &why);
	app_reply(a, r, c, e, field, why, http_param(r, "id"),
		  json_pack("{s:s?,s:b}", "code", jstr(in, "code"), "attempted", json_is_true(json_object_get(in, "attempted"))),
		  200, out);
}

void api_case_withdraw_offence(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL, *in = http_json(r);
	const char *field = NULL, *why = NULL;
	sj_err e = case_withdraw_offence(c, &who, http_param(r, "id"), http_param(r, "oid"), in, &out, &field, &why);
	app_reply(a, r, c, e, field, why, http_param(r, "id"),
		  json_pack("{s:s?,s:s?,s:s?}", "offence_id", http_param(r, "oid"), "replace_with", jstr(in, "replace_with"),
			    "reason", jstr(in, "reason")),
		  200, out);
}

void api_case_status(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL, *in = http_json(r);
	const char *why = NULL;
	char from[CASE_STATUS_MAX];
	sj_err e = case_set_status(c, &who, http_param(r, "id"), in, from, &out, &why);
	app_reply(a, r, c, e, NULL, why, http_param(r, "id"),
		  json_pack("{s:s,s:s?,s:s?}", "from", from, "to", jstr(in, "status"), "reason", jstr(in, "reason")), 200,
		  out);
}

void api_case_assign(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL, *in = http_json(r);
	const char *why = NULL;
	sj_err e = case_assign(c, &who, http_param(r, "id"), in, &out, &why);
	app_reply(a, r, c, e, NULL, why, http_param(r, "id"),
		  json_pack("{s:s?,s:s?}", "opj", jstr(in, "opj"), "reason", jstr(in, "reason")), 200, out);
}

void api_case_person_add(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL, *in = http_json(r);
	const char *why = NULL;
	int64_t retry = 0;
	sj_err e = case_person_add(c, &who, http_param(r, "id"), in, &out, &why, &retry);
	/* another unit's person never had here: a national look-up, audited
	 * with its subject and purpose in the same transaction as the link
	 * (issue 10 item 8; flagged with the searches, audit/lookups.c) */
	if (!e && json_is_true(json_object_get(out, "national_lookup")))
		e = app_audit(c, r, u, "case.person.lookup", "person", jstr(out, "id"), jstr(in, "purpose"), "ok",
			      json_pack("{s:s?,s:s?}", "case_id", jstr(out, "case_id"), "owner_unit",
					jstr(out, "owner_unit")));
	app_retry_after(r, e, retry);
	app_reply(a, r, c, e, NULL, why, jstr(out, "id"),
		  json_pack("{s:s?,s:s?,s:b}", "case_id", jstr(out, "case_id"), "role", jstr(out, "role"), "reused",
			    json_is_true(json_object_get(out, "reused"))),
		  201, out);
}

void api_case_protection_add(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = case_protection_add(c, &who, http_param(r, "id"), http_json(r), &out, &why);
	/* the entry names the case and the pseudonym, not the person */
	app_reply(a, r, c, e, NULL, why, http_param(r, "id"),
		  json_pack("{s:I}", "n", (json_int_t)json_integer_value(json_object_get(out, "n"))), 201, out);
}

/* the reveal is audited with its subject (the person) and the purpose, and
 * counted with the look-ups (lookup_link) */
void api_case_protection_reveal(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	int64_t retry = 0;
	sj_err e = case_protection_reveal(c, &who, http_param(r, "id"), http_param(r, "n"), http_json(r), &out, &why,
					  &retry);
	app_retry_after(r, e, retry);
	app_reply(a, r, c, e, NULL, why, jstr(json_object_get(out, "person"), "id"),
		  json_pack("{s:s?,s:s?}", "case_id", http_param(r, "id"), "n", http_param(r, "n")), 200, out);
}

void api_person_get(app *a, http_req *r, auth_user *u)
{
	app_serve_read(a, r, u, case_person_page);
}
