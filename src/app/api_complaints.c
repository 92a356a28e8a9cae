/* api_complaints.c — complaints over HTTP: each handler is a row of early
 * returns (the route row holds the body's record, the audit action and the
 * object type; dispatch has already checked the body). */
#include <string.h>

#include "app/app.h"
#include "cases/complaint.h"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

void api_complaint_create(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL;
	sj_err e = complaint_create(c, &who, http_json(r), &out);
	app_reply(a, r, c, e, NULL, NULL, jstr(out, "id"), json_pack("{s:s?}", "receipt_no", jstr(out, "receipt_no")),
		  201, out);
}

void api_complaint_get(app *a, http_req *r, auth_user *u)
{
	app_serve_read(a, r, u, complaint_read);
}

void api_complaint_list(app *a, http_req *r, auth_user *u)
{
	int limit;
	int64_t offset;
	if (!app_paging_or_reply(r, &limit, &offset))
		return;
	const char *disp = http_query(r, "disposition");
	if (disp && !rec_enum_ok(rec_field_find(&complaint_rec, "disposition"), disp)) {
		http_problem(r, 400, "bad-query", "disposition is not a complaint disposition", NULL);
		return;
	}
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	json_t *out = NULL;
	sj_err e = complaint_list(c, &who, disp, limit, offset, &out);
	app_reply(a, r, c, e, NULL, NULL, who.unit_code,
		  json_pack("{s:s?,s:i,s:I}", "disposition", disp, "limit", limit, "offset", (json_int_t)offset), 200,
		  out);
}

void api_complaint_dispose(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL, *in = http_json(r);
	const char *why = NULL;
	sj_err e = complaint_dispose(c, &who, http_param(r, "id"), in, &out, &why);
	app_reply(a, r, c, e, NULL, why, http_param(r, "id"),
		  json_pack("{s:s?,s:s?,s:s?}", "disposition", jstr(in, "disposition"), "reason", jstr(in, "reason"),
			    "case_id", jstr(in, "case_id")),
		  200, out);
}
