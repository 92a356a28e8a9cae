/* api_desk.c — the front desk over HTTP (desk/desk.h): declarations of loss
 * and theft, residence certificates, their printed documents, the desk's
 * day, and the public verification. Each handler is a row of early returns;
 * the route row holds the body's record, the audit action and the object. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "desk/desk.h"

#define DESK_MAX_HTML (1024 * 1024)


static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

void api_declaration_create(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL;
	sj_err e = desk_declare(c, &who, http_json(r), &out);
	app_reply(a, r, c, e, NULL, NULL, jstr(out, "id"),
		  json_pack("{s:s?,s:s?}", "receipt_no", jstr(out, "receipt_no"), "kind", jstr(out, "kind")), 201, out);
}

static sj_err declaration_read(db_conn *c, const sj_actor *who, const char *id, json_t **out, const char **why)
{
	return desk_declaration_read(c, who, id, out, why);
}

void api_declaration_get(app *a, http_req *r, auth_user *u)
{
	app_serve_read(a, r, u, declaration_read);
}

void api_declaration_receipt(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	buf html;
	buf_init(&html, DESK_MAX_HTML);
	const char *why = NULL;
	char b[512];
	sj_err e = desk_receipt_html(c, &who, http_param(r, "id"), app_base_url(a, r, b, sizeof b), &html, &why);
	app_reply_html(a, r, c, e, why, http_param(r, "id"), &html);
}

void api_declaration_found(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL, *in = http_json(r);
	const char *why = NULL, *field = NULL;
	sj_err e = desk_item_found(c, &who, in, &out, &field, &why);
	app_reply(a, r, c, e, field, why, jstr(out, "declaration_id"),
		  json_pack("{s:O?,s:O?}", "receipt_no", json_object_get(in, "receipt_no"), "seq",
			    json_object_get(in, "seq")),
		  200, out);
}

void api_declaration_complaint(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL, *field = NULL;
	sj_err e = desk_to_complaint(c, &who, http_param(r, "id"), http_json(r), &out, &field, &why);
	app_reply(a, r, c, e, field, why, http_param(r, "id"),
		  json_pack("{s:s?,s:s?}", "complaint_id", jstr(out, "complaint_id"), "case_id", jstr(out, "case_id")),
		  201, out);
}

void api_residence_create(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL, *in = http_json(r);
	const char *why = NULL, *field = NULL;
	sj_err e = desk_residence_request(c, &who, in, &out, &field, &why);
	app_reply(a, r, c, e, field, why, jstr(out, "id"),
		  json_pack("{s:O?,s:O?}", "commune", json_object_get(in, "commune"), "purpose",
			    json_object_get(in, "purpose")),
		  201, out);
}

void api_residence_get(app *a, http_req *r, auth_user *u)
{
	app_serve_read(a, r, u, desk_residence_read);
}

void api_residence_check(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL, *in = http_json(r);
	const char *why = NULL, *field = NULL;
	sj_err e = desk_residence_check(c, &who, http_param(r, "id"), in, &out, &field, &why);
	app_reply(a, r, c, e, field, why, http_param(r, "id"),
		  json_pack("{s:O?,s:O?,s:O?}", "check_kind", json_object_get(in, "check_kind"), "check_on",
			    json_object_get(in, "check_on"), "check_result", json_object_get(in, "check_result")),
		  200, out);
}

void api_residence_decide(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL, *in = http_json(r);
	const char *why = NULL;
	sj_err e = desk_residence_decide(c, &who, http_param(r, "id"), in, &out, &why);
	app_reply(a, r, c, e, NULL, why, http_param(r, "id"),
		  json_pack("{s:O?,s:O?,s:s?}", "decision", json_object_get(in, "decision"), "reason",
			    json_object_get(in, "reason"), "serial_no", jstr(out, "serial_no")),
		  200, out);
}

void api_residence_handover(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = desk_residence_handover(c, &who, http_param(r, "id"), &out, &why);
	app_reply(a, r, c, e, NULL, why, http_param(r, "id"), NULL, 200, out);
}

/* undo runs one of the desk's undoing commands (cancel.c) on the path's
 * record with the body's reason, which the audit entry keeps. */
typedef sj_err (*desk_undo_fn)(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out,
			       const char **why);
static void undo(app *a, http_req *r, auth_user *u, desk_undo_fn fn)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = fn(c, &who, http_param(r, "id"), http_json(r), &out, &why);
	app_reply(a, r, c, e, NULL, why, http_param(r, "id"),
		  json_pack("{s:s?}", "reason", jstr(http_json(r), "reason")), 200, out);
}

void api_declaration_cancel(app *a, http_req *r, auth_user *u)
{
	undo(a, r, u, desk_declaration_cancel);
}

void api_residence_revoke(app *a, http_req *r, auth_user *u)
{
	undo(a, r, u, desk_residence_revoke);
}

void api_residence_print(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	buf html;
	buf_init(&html, DESK_MAX_HTML);
	const char *why = NULL;
	char b[512];
	sj_err e = desk_certificate_html(c, &who, http_param(r, "id"), app_base_url(a, r, b, sizeof b), &html, &why);
	app_reply_html(a, r, c, e, why, http_param(r, "id"), &html);
}

void api_desk_today(app *a, http_req *r, auth_user *u)
{
	app_serve_scope(a, r, u, desk_today);
}

void api_desk_communes(app *a, http_req *r, auth_user *u)
{
	(void)u;
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	json_t *out = NULL;
	sj_err e = desk_communes(c, &out);
	app_reply(a, r, c, e, NULL, NULL, NULL, NULL, 200, out);
}

/* GET /api/v1/verify/{number}?c=CODE — outside the login. The audit entry
 * names the caller only by the keyed hash of its address (the route is
 * ROUTE_ANONYMOUS: no address in the entry); the code is never logged. */
void api_verify(app *a, http_req *r, auth_user *u)
{
	(void)u;
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	char hash[65] = "";
	int64_t retry = 0;
	sj_err e = desk_verify(c, http_client_ip(r), http_param(r, "number"), http_query(r, "c"), &out, hash, &retry,
			       &why);
	app_retry_after(r, e, retry);
	app_reply(a, r, c, e, NULL, why, http_param(r, "number"),
		  json_pack("{s:s,s:O?}", "address_hash", hash, "found", json_object_get(out, "found")), 200, out);
}
