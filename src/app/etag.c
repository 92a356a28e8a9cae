/* etag.c — lost updates (issue 10 item 7): an ETag on reads, If-Match
 * required on edits of a case and of a draft PV, 412 on a stale copy.
 *
 * The ETag is the BLAKE2b-128 of the canonical JSON (sorted keys, compact) of
 * what an edit can change: the record's id, its E columns and its EDIT
 * members as the read returns them. No version column is needed: a change by
 * anyone to any of them changes the tag. */
#include "app/app.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/jdump.h"

void app_etag(const rec_desc *d, json_t *obj, char out[APP_ETAG_MAX])
{
	out[0] = '\0';
	json_t *pick = json_object();
	for (size_t i = 0; pick && d && i < d->nfields; i++) {
		const rec_field *f = &d->fields[i];
		bool edit = (f->flags & REC_KIND_E) || (f->flags & REC_F_EDIT) || strcmp(f->name, "id") == 0;
		json_t *v = edit ? json_object_get(obj, f->name) : NULL;
		if (v)
			json_object_set(pick, f->name, v);
	}
	char *canon = pick ? jdump_dumps(pick, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII) : NULL;
	json_decref(pick);
	if (!canon)
		return;
	unsigned char h[16];
	char hex[33];
	crypto_generichash(h, sizeof h, (const unsigned char *)canon, strlen(canon), NULL, 0);
	free(canon);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	snprintf(out, APP_ETAG_MAX, "\"%s\"", hex);
}

/* add_etag puts obj's ETag (for the route's reply record) on the answer. */
static void add_etag(http_req *r, json_t *obj)
{
	const route *rt = app_route(r);
	char tag[APP_ETAG_MAX];
	app_etag(rt ? rt->reply : NULL, obj, tag);
	if (tag[0] && http_add_header(r, "ETag", tag)) {
		/* the answer still goes out without it */
	}
}

void app_serve_read_tagged(app *a, http_req *r, const auth_user *u, app_read_fn fn)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = fn(c, &who, http_param(r, "id"), &out, &why);
	if (!e)
		add_etag(r, out);
	app_reply(a, r, c, e, NULL, why, http_param(r, "id"), NULL, 200, out);
}

void app_serve_update_matched(app *a, http_req *r, const auth_user *u, app_read_fn read, app_update_fn update)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	const route *rt = app_route(r);
	const char *id = http_param(r, "id"), *why = NULL, *match = http_header(r, "If-Match");
	json_t *cur = NULL, *out = NULL;
	char tag[APP_ETAG_MAX] = "";
	/* the copy the edit starts from, read in the edit's own transaction;
	 * the edit's own rules (scope, state) answer first, the precondition
	 * after them (RFC 9110 §13.2.2), and a refused edit is rolled back */
	sj_err e = read(c, &who, id, &cur, &why);
	if (!e)
		app_etag(rt->reply, cur, tag);
	e = e ? e : update(c, &who, id, http_json(r), &out, &why);
	if (!e && (!match || strcmp(match, tag) != 0)) {
		json_decref(out);
		const char *code = match ? "stale-copy" : "if-match-required";
		/* a stale copy gets the record as it is now: show the other change */
		http_problem(r, match ? 412 : 428, code,
			     match ? "the record changed since it was read: here it is now"
				   : "send If-Match with the ETag of the copy you edited",
			     match ? json_pack("{s:o}", "current", rec_out(rt->reply, cur)) : NULL);
		if (!match)
			json_decref(cur);
		app_finish(a, r, c, SJ_ECONFLICT);
		app_audit_refusal(a, r, u, rt->action, code);
		return;
	}
	json_decref(cur);
	if (!e)
		add_etag(r, out);
	app_reply(a, r, c, e, NULL, why, id, json_deep_copy(http_json(r)), 200, out);
}
