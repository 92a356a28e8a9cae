/* api_comms.c — security communication over HTTP (issue 15): each handler
 * is a row of early returns ending in comms_done (app_reply, or the problem
 * with its data for the refusals that carry some). The route rows hold the
 * bodies' records, the audit actions and the object types; dispatch has
 * already checked the bodies. The rules live in comms/comms.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "comms/comms.h"
#include "core/buf.h"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static const char *id_param(http_req *r)
{
	return http_param(r, "id");
}

/* comms_done ends a comms handler's unit of work on c: a refusal that
 * carries data (extra, stolen) or a file refusal with its own status is
 * answered as that problem; anything else (a refusal for scope included:
 * 403, audited) goes to app_reply (detail and out stolen). */
static void comms_done(app *a, http_req *r, db_conn *c, sj_err e, const char *why, json_t *extra,
		       const char *object_id, json_t *detail, int status, json_t *out)
{
	int fstatus = e && e != SJ_EFORBIDDEN ? comms_file_error_status(why) : 0;
	if (e && e != SJ_EFORBIDDEN && (extra || fstatus)) {
		json_decref(detail);
		json_decref(out);
		db_rollback(c);
		db_release(a->db, c);
		int st = fstatus ? fstatus : e == SJ_ECONFLICT ? 409 : e == SJ_EUNPROCESSABLE ? 422 : 400;
		http_problem(r, st, why, NULL, extra);
		return;
	}
	json_decref(extra);
	app_reply(a, r, c, e, NULL, why, object_id, detail, status, out);
}

static db_conn *begin(app *a, http_req *r, const auth_user *u, sj_actor *who)
{
	app_actor(r, u, who);
	return app_begin_or_reply(a, r, DB_WRITE); /* DB_READ once reads are group-committed (issue 21) */
}

static const char *nf(sj_err e, const char *why, const char *not_found)
{
	return e == SJ_ENOTFOUND && !why ? not_found : why;
}

/* year_or_reply reads ?year= (2000..2100; def when absent). */
static bool year_or_reply(http_req *r, int def, int *year)
{
	const char *y = http_query(r, "year");
	*year = def;
	if (!y)
		return true;
	char *end;
	long v = strtol(y, &end, 10);
	if (!*y || *end || v < 2000 || v > 2100) {
		http_problem(r, 400, "bad-query", "year must be a year from 2000 to 2100", NULL);
		return false;
	}
	*year = (int)v;
	return true;
}

static bool enum_or_reply(http_req *r, const char *name, const rec_enum *en, const char **out)
{
	*out = http_query(r, name);
	if (!*out)
		return true;
	for (const char *const *v = en->values; *v; v++)
		if (strcmp(*v, *out) == 0)
			return true;
	http_problem(r, 400, "bad-query", "a filter is not one of the accepted values", NULL);
	return false;
}

/* ------------------------------------------------------------ case links */

void api_comms_link_create(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	db_conn *c = begin(a, r, u, &who);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = comms_case_link_create(c, &who, id_param(r), http_json(r), &out, &why);
	comms_done(a, r, c, e, nf(e, why, "comms-case-not-found"), NULL, id_param(r),
		   out ? json_pack("{s:s?}", "link_id", jstr(out, "id")) : NULL, 201, out);
}

void api_comms_link_list(app *a, http_req *r, auth_user *u)
{
	int limit;
	int64_t offset;
	if (!app_paging_or_reply(r, &limit, &offset))
		return;
	sj_actor who;
	db_conn *c = begin(a, r, u, &who);
	if (!c)
		return;
	json_t *list = NULL;
	sj_err e = comms_case_link_list(c, &who, limit, offset, &list);
	comms_done(a, r, c, e, NULL, NULL, who.unit_code, NULL, 200, e ? NULL : json_pack("{s:o}", "links", list));
}

/* ------------------------------------------------------------ the register */

void api_comms_activity_create(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	db_conn *c = begin(a, r, u, &who);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = comms_activity_create(c, &who, http_json(r), &out, &why);
	comms_done(a, r, c, e, why, NULL, jstr(out, "id"), json_pack("{s:s?,s:s?}", "number", jstr(out, "number"),
								      "kind", jstr(out, "kind")),
		   201, out);
}

void api_comms_activity_list(app *a, http_req *r, auth_user *u)
{
	int limit, year;
	int64_t offset;
	const char *kind, *status;
	if (!app_paging_or_reply(r, &limit, &offset) || !year_or_reply(r, 0, &year) ||
	    !enum_or_reply(r, "kind", &comms_kinds, &kind) || !enum_or_reply(r, "status", &comms_statuses, &status))
		return;
	sj_actor who;
	db_conn *c = begin(a, r, u, &who);
	if (!c)
		return;
	json_t *list = NULL;
	sj_err e = comms_activity_list(c, &who, kind, status, year, limit, offset, &list);
	comms_done(a, r, c, e, NULL, NULL, who.unit_code,
		   json_pack("{s:s?,s:s?,s:i,s:i,s:I}", "kind", kind, "status", status, "year", year, "limit", limit,
			     "offset", (json_int_t)offset),
		   200, e ? NULL : json_pack("{s:o}", "activities", list));
}

void api_comms_activity_get(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	db_conn *c = begin(a, r, u, &who);
	if (!c)
		return;
	json_t *out = NULL;
	sj_err e = comms_activity_get(c, &who, id_param(r), &out);
	comms_done(a, r, c, e, nf(e, NULL, "comms-activity-not-found"), NULL, id_param(r), NULL, 200, out);
}

void api_comms_activity_update(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	db_conn *c = begin(a, r, u, &who);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = comms_activity_update(c, &who, id_param(r), http_json(r), &out, &why);
	comms_done(a, r, c, e, nf(e, why, "comms-activity-not-found"), NULL, id_param(r), NULL, 200, out);
}

/* step runs one workflow transition of the activity named in the path. */
typedef sj_err (*step_fn)(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why);

static void step(app *a, http_req *r, auth_user *u, step_fn fn, int status)
{
	sj_actor who;
	db_conn *c = begin(a, r, u, &who);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = fn(c, &who, id_param(r), &out, &why);
	comms_done(a, r, c, e, nf(e, why, "comms-activity-not-found"), NULL, id_param(r),
		   json_pack("{s:s?,s:s?}", "number", jstr(out, "number"), "status", jstr(out, "status")), status, out);
}

void api_comms_activity_review(app *a, http_req *r, auth_user *u)
{
	step(a, r, u, comms_activity_review, 200);
}

void api_comms_activity_publish(app *a, http_req *r, auth_user *u)
{
	step(a, r, u, comms_activity_publish, 200);
}

void api_comms_activity_correct(app *a, http_req *r, auth_user *u)
{
	step(a, r, u, comms_activity_correct, 201);
}

void api_comms_activity_cancel(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	db_conn *c = begin(a, r, u, &who);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL, *reason = jstr(http_json(r), "reason");
	sj_err e = comms_activity_cancel(c, &who, id_param(r), reason, &out, &why);
	comms_done(a, r, c, e, nf(e, why, "comms-activity-not-found"), NULL, id_param(r),
		   json_pack("{s:s?}", "reason", reason), 200, out);
}

void api_comms_activity_pii(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	db_conn *c = begin(a, r, u, &who);
	if (!c)
		return;
	json_t *out = NULL;
	sj_err e = comms_activity_pii(c, &who, id_param(r), &out);
	comms_done(a, r, c, e, nf(e, NULL, "comms-activity-not-found"), NULL, id_param(r),
		   json_pack("{s:I}", "matches", (json_int_t)json_array_size(json_object_get(out, "matches"))), 200, out);
}

void api_comms_activity_approve(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	db_conn *c = begin(a, r, u, &who);
	if (!c)
		return;
	json_t *out = NULL, *extra = NULL, *confirm = json_object_get(http_json(r), "confirm");
	const char *why = NULL;
	sj_err e = comms_activity_approve(c, &who, id_param(r), confirm, &out, &why, &extra);
	comms_done(a, r, c, e, nf(e, why, "comms-activity-not-found"), extra, id_param(r),
		   json_pack("{s:s?,s:I}", "number", jstr(out, "number"), "confirmed",
			     (json_int_t)json_array_size(json_object_get(out, "pii"))),
		   200, out);
}

void api_comms_activity_print(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	db_conn *c = begin(a, r, u, &who);
	if (!c)
		return;
	buf html;
	buf_init(&html, 4 * 1024 * 1024);
	sj_err e = comms_activity_print_html(c, &who, id_param(r), &html);
	if (e) {
		buf_free(&html);
		comms_done(a, r, c, e, nf(e, NULL, "comms-activity-not-found"), NULL, id_param(r), NULL, 0, NULL);
		return;
	}
	const route *rt = app_route(r);
	e = app_audit(c, r, u, rt->action, rt->object, id_param(r), http_query(r, "purpose"), "ok", NULL);
	if (app_finish(a, r, c, e))
		http_reply_bytes(r, 200, "text/html; charset=utf-8", buf_str(&html), html.len);
	buf_free(&html);
}

void api_comms_register_import(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	db_conn *c = begin(a, r, u, &who);
	if (!c)
		return;
	json_t *out = NULL, *extra = NULL;
	const char *why = NULL;
	sj_err e = comms_register_import(c, &who, http_json(r), &out, &why, &extra);
	comms_done(a, r, c, e, why, extra, jstr(out, "unit") ? jstr(out, "unit") : who.unit_code,
		   out ? json_pack("{s:O,s:O}", "created", json_object_get(out, "created"), "skipped",
				   json_object_get(out, "skipped"))
		       : NULL,
		   200, out);
}

/* ------------------------------------------------------------ engagement */

void api_comms_engagement_list(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	db_conn *c = begin(a, r, u, &who);
	if (!c)
		return;
	json_t *out = NULL;
	sj_err e = comms_engagement_list(c, &who, id_param(r), &out);
	comms_done(a, r, c, e, nf(e, NULL, "comms-activity-not-found"), NULL, id_param(r), NULL, 200, out);
}

void api_comms_engagement_add(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	db_conn *c = begin(a, r, u, &who);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = comms_engagement_add(c, &who, id_param(r), http_json(r), &out, &why);
	comms_done(a, r, c, e, nf(e, why, "comms-activity-not-found"), NULL, id_param(r),
		   json_pack("{s:s?,s:s?}", "channel", jstr(http_json(r), "channel"), "observed_on",
			     jstr(http_json(r), "observed_on")),
		   201, out);
}

void api_comms_engagement_import(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	db_conn *c = begin(a, r, u, &who);
	if (!c)
		return;
	json_t *out = NULL, *extra = NULL;
	const char *why = NULL;
	sj_err e = comms_engagement_import(c, &who, id_param(r), http_json(r), &out, &why, &extra);
	comms_done(a, r, c, e, nf(e, why, "comms-activity-not-found"), extra, id_param(r),
		   out ? json_pack("{s:O,s:O,s:O}", "platform", json_object_get(out, "platform"), "rows",
				   json_object_get(out, "rows"), "already_imported", json_object_get(out, "already_imported"))
		       : NULL,
		   200, out);
}

/* ------------------------------------------------------------ claims and crises */

void api_comms_claim_create(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	db_conn *c = begin(a, r, u, &who);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = comms_claim_create(c, &who, http_json(r), &out, &why);
	comms_done(a, r, c, e, why, NULL, jstr(out, "id"),
		   json_pack("{s:s?,s:s?}", "number", jstr(out, "number"), "duplicate_of", jstr(out, "duplicate_of")), 201,
		   out);
}

void api_comms_claim_list(app *a, http_req *r, auth_user *u)
{
	int limit;
	int64_t offset;
	const char *status, *crisis = http_query(r, "crisis");
	if (!app_paging_or_reply(r, &limit, &offset) || !enum_or_reply(r, "status", &comms_claim_statuses, &status))
		return;
	sj_actor who;
	db_conn *c = begin(a, r, u, &who);
	if (!c)
		return;
	json_t *list = NULL;
	sj_err e = comms_claim_list(c, &who, crisis, status, limit, offset, &list);
	comms_done(a, r, c, e, NULL, NULL, who.unit_code, json_pack("{s:s?,s:s?}", "crisis", crisis, "status", status),
		   200, e ? NULL : json_pack("{s:o}", "claims", list));
}

void api_comms_claim_get(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	db_conn *c = begin(a, r, u, &who);
	if (!c)
		return;
	json_t *out = NULL;
	sj_err e = comms_claim_get(c, &who, id_param(r), &out);
	comms_done(a, r, c, e, nf(e, NULL, "comms-claim-not-found"), NULL, id_param(r), NULL, 200, out);
}

void api_comms_claim_status(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	db_conn *c = begin(a, r, u, &who);
	if (!c)
		return;
	json_t *out = NULL, *in = http_json(r);
	const char *why = NULL;
	sj_err e = comms_claim_set_status(c, &who, id_param(r), jstr(in, "status"), jstr(in, "evidence"), &out, &why);
	comms_done(a, r, c, e, nf(e, why, "comms-claim-not-found"), NULL, id_param(r),
		   json_pack("{s:s?}", "status", jstr(in, "status")), 200, out);
}

void api_comms_claim_duplicate(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	db_conn *c = begin(a, r, u, &who);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL, *of = jstr(http_json(r), "of");
	sj_err e = comms_claim_link_duplicate(c, &who, id_param(r), of, &out, &why);
	comms_done(a, r, c, e, nf(e, why, "comms-claim-not-found"), NULL, id_param(r), json_pack("{s:s?}", "of", of), 200,
		   out);
}

void api_comms_claim_archive(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	db_conn *c = begin(a, r, u, &who);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = comms_claim_archive(c, &who, id_param(r), http_json(r), &out, &why);
	json_t *arch = json_object_get(out, "archive");
	comms_done(a, r, c, e, nf(e, why, "comms-claim-not-found"), NULL, id_param(r),
		   json_pack("{s:s?,s:s?}", "file_id", jstr(arch, "id"), "hash", jstr(arch, "hash")), 201, out);
}

void api_comms_claim_review(app *a, http_req *r, auth_user *u)
{
	const char *lang = http_query(r, "lang");
	if (lang && strcmp(lang, "ar") != 0 && strcmp(lang, "fr") != 0) {
		http_problem(r, 400, "bad-query", "lang is ar or fr", NULL);
		return;
	}
	sj_actor who;
	db_conn *c = begin(a, r, u, &who);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = comms_claim_review_jsonld(c, &who, id_param(r), lang ? lang : who.lang, &out, &why);
	comms_done(a, r, c, e, nf(e, why, "comms-claim-not-found"), NULL, id_param(r), NULL, 200, out);
}

void api_comms_crisis_create(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	db_conn *c = begin(a, r, u, &who);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = comms_crisis_create(c, &who, http_json(r), &out, &why);
	comms_done(a, r, c, e, why, NULL, jstr(out, "id"), json_pack("{s:s?}", "code", jstr(out, "code")), 201, out);
}

void api_comms_crisis_list(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	db_conn *c = begin(a, r, u, &who);
	if (!c)
		return;
	json_t *list = NULL;
	sj_err e = comms_crisis_list(c, &list);
	comms_done(a, r, c, e, NULL, NULL, NULL, NULL, 200, e ? NULL : json_pack("{s:o}", "crises", list));
}

void api_comms_crisis_board(app *a, http_req *r, auth_user *u)
{
	int limit;
	int64_t offset;
	if (!app_paging_or_reply(r, &limit, &offset))
		return;
	sj_actor who;
	db_conn *c = begin(a, r, u, &who);
	if (!c)
		return;
	json_t *out = NULL;
	sj_err e = comms_crisis_board(c, &who, id_param(r), limit, &out);
	comms_done(a, r, c, e, nf(e, NULL, "comms-crisis-not-found"), NULL, id_param(r), NULL, 200, out);
}

void api_comms_crisis_close(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	db_conn *c = begin(a, r, u, &who);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = comms_crisis_close(c, &who, id_param(r), &out, &why);
	comms_done(a, r, c, e, nf(e, why, "comms-crisis-not-found"), NULL, id_param(r), NULL, 200, out);
}

void api_comms_file_get(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	db_conn *c = begin(a, r, u, &who);
	if (!c)
		return;
	unsigned char *data = NULL;
	size_t len = 0;
	char type[COMMS_MAX_MEDIA + 1], name[80], disp[128];
	sj_err e = comms_file_get(c, &who, id_param(r), &data, &len, type, name);
	if (e) {
		comms_done(a, r, c, e, nf(e, NULL, "comms-file-not-found"), NULL, id_param(r), NULL, 0, NULL);
		return;
	}
	const route *rt = app_route(r);
	e = app_audit(c, r, u, rt->action, rt->object, id_param(r), http_query(r, "purpose"), "ok", NULL);
	snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", name);
	if (app_finish(a, r, c, e)) {
		if (http_add_header(r, "Content-Disposition", disp))
			http_problem(r, 500, "internal", NULL, NULL);
		else
			http_reply_bytes(r, 200, type, data, len);
	}
	free(data);
}

/* ------------------------------------------------------------ major events */

void api_comms_event_create(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	db_conn *c = begin(a, r, u, &who);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = comms_event_create(c, &who, http_json(r), &out, &why);
	comms_done(a, r, c, e, why, NULL, jstr(out, "id"), json_pack("{s:s?}", "number", jstr(out, "number")), 201, out);
}

void api_comms_event_list(app *a, http_req *r, auth_user *u)
{
	int limit, year;
	int64_t offset;
	if (!app_paging_or_reply(r, &limit, &offset) || !year_or_reply(r, 0, &year))
		return;
	sj_actor who;
	db_conn *c = begin(a, r, u, &who);
	if (!c)
		return;
	json_t *list = NULL;
	sj_err e = comms_event_list(c, year, limit, offset, &list);
	comms_done(a, r, c, e, NULL, NULL, NULL, NULL, 200, e ? NULL : json_pack("{s:o}", "events", list));
}

void api_comms_event_get(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	db_conn *c = begin(a, r, u, &who);
	if (!c)
		return;
	json_t *out = NULL;
	sj_err e = comms_event_get(c, &who, id_param(r), &out);
	comms_done(a, r, c, e, nf(e, NULL, "comms-event-not-found"), NULL, id_param(r), NULL, 200, out);
}

void api_comms_event_update(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	db_conn *c = begin(a, r, u, &who);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = comms_event_update(c, &who, id_param(r), http_json(r), &out, &why);
	comms_done(a, r, c, e, nf(e, why, "comms-event-not-found"), NULL, id_param(r), NULL, 200, out);
}

void api_comms_event_media(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	db_conn *c = begin(a, r, u, &who);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = comms_event_media(c, &who, id_param(r), http_json(r), &out, &why);
	comms_done(a, r, c, e, nf(e, why, "comms-event-not-found"), NULL, id_param(r),
		   json_pack("{s:s?}", "name", jstr(http_json(r), "name")), 201, out);
}

/* ------------------------------------------------------------ the bilan */

void api_comms_bilan(app *a, http_req *r, auth_user *u)
{
	int year;
	if (!year_or_reply(r, 0, &year))
		return;
	if (!year) {
		http_problem(r, 400, "bad-query", "year is required", NULL);
		return;
	}
	const char *unit = http_query(r, "unit");
	sj_actor who;
	db_conn *c = begin(a, r, u, &who);
	if (!c)
		return;
	json_t *out = NULL;
	sj_err e = comms_bilan(c, &who, year, unit, &out);
	comms_done(a, r, c, e, nf(e, NULL, "comms-unit-not-found"), NULL, unit ? unit : who.unit_code,
		   json_pack("{s:i,s:s?}", "year", year, "unit", unit), 200, out);
}
