/* api_mobile.c — the mobile CNIE enrolment units over HTTP (mobile/mobile.h):
 * tours and their printed schedule, capture devices, enrolments on the kit
 * with their captures, sign-off and receipt. Each handler is a row of early
 * returns; the route row holds the body's record, the audit action and the
 * object. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "mobile/mobile.h"

#define MOB_MAX_HTML (1024 * 1024)

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

void api_mob_tour_create(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL, *field = NULL;
	sj_err e = mob_tour_create(c, &who, http_json(r), &out, &field, &why);
	app_reply(a, r, c, e, field, why, jstr(out, "id"),
		  json_pack("{s:s?,s:s?}", "code", jstr(out, "code"), "kit", jstr(out, "kit")), 201, out);
}

void api_mob_tour_get(app *a, http_req *r, auth_user *u)
{
	app_serve_read(a, r, u, mob_tour_read);
}

void api_mob_tours(app *a, http_req *r, auth_user *u)
{
	app_serve_scope(a, r, u, mob_tours_list);
}

void api_mob_booking(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL, *in = http_json(r);
	const char *why = NULL, *field = NULL;
	sj_err e = mob_booking_add(c, &who, http_param(r, "id"), in, &out, &field, &why);
	app_reply(a, r, c, e, field, why, http_param(r, "id"),
		  json_pack("{s:O?,s:O?,s:s?}", "stop_seq", json_object_get(in, "stop_seq"), "slot",
			    json_object_get(in, "slot"), "booking_id", jstr(out, "id")),
		  201, out);
}

void api_mob_schedule(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	buf html;
	buf_init(&html, MOB_MAX_HTML);
	const char *why = NULL;
	sj_err e = mob_schedule_html(c, &who, http_param(r, "id"), http_query(r, "commune"), &html, &why);
	app_reply_html(a, r, c, e, why, http_param(r, "id"), &html);
}

void api_mob_device_create(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL, *field = NULL;
	sj_err e = mob_device_register(c, &who, http_json(r), &out, &field, &why);
	app_reply(a, r, c, e, field, why, jstr(out, "id"), json_pack("{s:s?}", "serial", jstr(out, "serial")), 201,
		  out);
}

void api_mob_devices(app *a, http_req *r, auth_user *u)
{
	(void)u;
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	json_t *out = NULL;
	sj_err e = mob_devices_list(c, &out);
	app_reply(a, r, c, e, NULL, NULL, NULL, NULL, 200, out);
}

void api_mob_enrol(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL, *in = http_json(r);
	const char *why = NULL, *field = NULL;
	sj_err e = mob_enrol(c, &who, in, &out, &field, &why);
	app_reply(a, r, c, e, field, why, jstr(out, "id"),
		  json_pack("{s:s?,s:O?}", "application_no", jstr(out, "application_no"), "request_type",
			    json_object_get(in, "request_type")),
		  201, out);
}

void api_mob_enrolment_get(app *a, http_req *r, auth_user *u)
{
	app_serve_read(a, r, u, mob_enrolment_read);
}

void api_mob_captures(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL, *in = http_json(r);
	const char *why = NULL, *field = NULL;
	sj_err e = mob_captures_add(c, &who, http_param(r, "id"), in, &out, &field, &why);
	app_reply(a, r, c, e, field, why, http_param(r, "id"),
		  json_pack("{s:I,s:s?}", "captures", (json_int_t)json_array_size(json_object_get(in, "biometrics")),
			    "chain_head", jstr(out, "chain_head")),
		  200, out);
}

void api_mob_operator_print(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = mob_operator_print_add(c, &who, http_json(r), &out, &why);
	app_reply(a, r, c, e, NULL, why, who.id, NULL, 201, out);
}

void api_mob_signoff(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = mob_signoff(c, &who, http_param(r, "id"), &out, &why);
	app_reply(a, r, c, e, NULL, why, http_param(r, "id"),
		  json_pack("{s:O?}", "alerts", json_object_get(out, "alerts")), 200, out);
}

void api_mob_receipt(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	buf html;
	buf_init(&html, MOB_MAX_HTML);
	const char *why = NULL;
	char b[512];
	sj_err e = mob_receipt_html(c, &who, http_param(r, "id"), app_base_url(a, r, b, sizeof b), &html, &why);
	app_reply_html(a, r, c, e, why, http_param(r, "id"), &html);
}

void api_mob_review_list(app *a, http_req *r, auth_user *u)
{
	app_serve_read(a, r, u, mob_review_list);
}

void api_mob_review(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL, *in = http_json(r);
	const char *why = NULL;
	sj_err e = mob_review(c, &who, http_param(r, "id"), in, &out, &why);
	app_reply(a, r, c, e, NULL, why, http_param(r, "id"),
		  json_pack("{s:O?,s:O?,s:s?}", "decision", json_object_get(in, "decision"), "reason",
			    json_object_get(in, "reason"), "status", jstr(out, "status")),
		  200, out);
}

/* central: validate the packets the kits sent (each audited by itself, in
 * short transactions of its own on a connection of its own); the request's
 * own entry then commits in a transaction of its own */
void api_mob_validate(app *a, http_req *r, auth_user *u)
{
	(void)u;
	json_t *out = NULL;
	db_conn *vc = NULL;
	sj_err e = db_acquire(a->db, &vc);
	if (!e) {
		e = mob_validate_pending(vc, &out);
		db_release(a->db, vc);
	}
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c) {
		json_decref(out);
		return;
	}
	app_reply(a, r, c, e, NULL, NULL, NULL,
		  json_pack("{s:O?,s:O?}", "accepted", json_object_get(out, "accepted"), "refused",
			    json_object_get(out, "refused")),
		  200, out);
}

void api_mob_received(app *a, http_req *r, auth_user *u)
{
	(void)u;
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	json_t *out = NULL;
	sj_err e = mob_received_list(c, &out);
	app_reply(a, r, c, e, NULL, NULL, NULL, NULL, 200, out);
}

void api_mob_received_status(app *a, http_req *r, auth_user *u)
{
	(void)u;
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL, *in = http_json(r);
	const char *why = NULL;
	sj_err e = mob_received_status(c, http_param(r, "id"), in, &out, &why);
	app_reply(a, r, c, e, NULL, why, http_param(r, "id"), json_pack("{s:O?}", "status", json_object_get(in, "status")),
		  200, out);
}

void api_mob_adjudicate(app *a, http_req *r, auth_user *u)
{
	(void)u;
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL, *in = http_json(r);
	const char *why = NULL;
	sj_err e = mob_adjudicate(c, http_param(r, "id"), in, &out, &why);
	app_reply(a, r, c, e, NULL, why, http_param(r, "id"),
		  json_pack("{s:O?,s:O?}", "decision", json_object_get(in, "decision"), "reason", json_object_get(in, "reason")),
		  200, out);
}

void api_mob_handover(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL, *in = http_json(r);
	const char *why = NULL;
	sj_err e = mob_handover(c, &who, http_param(r, "id"), in, &out, &why);
	app_reply(a, r, c, e, NULL, why, http_param(r, "id"),
		  json_pack("{s:s?,s:O?,s:O?}", "check", jstr(out, "handover_check"), "override_reason",
			    json_object_get(in, "override_reason"), "pin_envelope", json_object_get(in, "pin_envelope")),
		  200, out);
}

/* GET /api/v1/mobile/status/{number}?c=CODE — outside the login, like the
 * desk's verification: the caller named only by its address's keyed hash,
 * the code never logged. */
void api_mob_public_status(app *a, http_req *r, auth_user *u)
{
	(void)u;
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	char hash[65] = "";
	int64_t retry = 0;
	sj_err e = mob_public_status(c, http_client_ip(r), http_param(r, "number"), http_query(r, "c"), &out, hash, &retry,
				     &why);
	app_retry_after(r, e, retry);
	app_reply(a, r, c, e, NULL, why, http_param(r, "number"),
		  json_pack("{s:s,s:O?}", "address_hash", hash, "found", json_object_get(out, "found")), 200, out);
}

void api_mob_figures(app *a, http_req *r, auth_user *u)
{
	app_serve_read(a, r, u, mob_figures);
}

/* GET /api/v1/mobile/abis/{ref}?exp=&sig= — MOSIP's referenceURL: the ABIS
 * fetches the CBEFF images of a referenceId with the URL central gave it
 * (no account: the URL's MAC and expiry are the credential), audited. */
void api_mob_abis_cbeff(app *a, http_req *r, auth_user *u)
{
	(void)u;
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	buf xml;
	buf_init(&xml, MOB_MAX_PACKET);
	const char *why = NULL;
	sj_err e = mob_abis_cbeff(c, http_param(r, "ref"), http_query(r, "exp"), http_query(r, "sig"), &xml, &why);
	app_reply_doc(a, r, c, e, why, http_param(r, "ref"), &xml, "application/xml; charset=utf-8");
}
