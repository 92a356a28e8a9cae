/* api_audit.c — auditors query the log ("who looked at whom") and verify
 * the chain. Reading the audit log is itself audited. */
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "audit/audit.h"

static bool int_param(http_req *r, const char *name, int64_t *out)
{
	const char *v = http_query(r, name);
	if (!v)
		return true;
	char *end;
	long long x = strtoll(v, &end, 10);
	if (!*v || *end || x < 0) {
		http_problem(r, 400, "bad-query", "a numeric query parameter is not a non-negative integer", NULL);
		return false;
	}
	*out = x;
	return true;
}

/* add_names gives each entry its actor's name (actor_name; null for the
 * system or an account since disabled): the auditor reads people, not
 * logins (issue 18). One look-up per distinct badge of the page. */
static sj_err add_names(db_conn *c, json_t *entries)
{
	json_t *seen = json_object();
	size_t i;
	json_t *o;
	sj_err e = seen ? SJ_OK : SJ_ENOMEM;
	json_array_foreach(entries, i, o) {
		const char *badge = json_string_value(json_object_get(o, "badge"));
		if (e || !badge || strncmp(badge, "cli:", 4) == 0) {
			json_object_set_new(o, "actor_name", json_null());
			continue;
		}
		json_t *name = json_object_get(seen, badge);
		if (!name) {
			auth_user who;
			sj_err f = auth_user_find(c, badge, NULL, &who);
			if (f && f != SJ_ENOTFOUND)
				e = f;
			name = f ? json_null() : json_string(who.name);
			/* json_object_set_new frees name when it fails: never use it after */
			if (!name || json_object_set_new(seen, badge, name) != 0) {
				e = e ? e : SJ_ENOMEM;
				continue;
			}
		}
		if (json_object_set(o, "actor_name", name) != 0)
			e = e ? e : SJ_ENOMEM;
	}
	json_decref(seen);
	return e;
}

void api_audit_list(app *a, http_req *r, auth_user *u)
{
	static const char *const known[] = {"badge", "action", "object_type", "object_id", "from", "to",
					    "after_seq", "limit", "offset", NULL};
	for (int i = 0; i < http_query_count(r); i++) {
		const char *n = http_query_name(r, i);
		bool ok = false;
		for (int k = 0; known[k]; k++)
			if (strcmp(n, known[k]) == 0)
				ok = true;
		if (!ok) {
			http_problem(r, 400, "bad-query", "unknown query parameter", NULL);
			return;
		}
	}
	int limit;
	int64_t offset, from = 0, to = INT64_MAX, after = 0;
	if (!app_paging_or_reply(r, &limit, &offset) || !int_param(r, "from", &from) ||
	    !int_param(r, "to", &to) || !int_param(r, "after_seq", &after))
		return;
	(void)u;
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	json_t *entries = NULL;
	sj_err e = audit_query(c, http_query(r, "badge"), http_query(r, "action"),
			       http_query(r, "object_type"), http_query(r, "object_id"), from, to, after,
			       limit, &entries);
	/* the auditor reads people, not logins: each entry's actor by name */
	if (!e)
		e = add_names(c, entries);
	/* stored text shows its invisible and reordering characters (issue 10 item 16) */
	if (!e)
		rec_json_visible(entries);
	json_t *out = e ? NULL : json_pack("{s:o}", "entries", entries);
	if (e)
		json_decref(entries);
	if (!e && !out)
		e = SJ_ENOMEM;
	app_reply(a, r, c, e, NULL, NULL, NULL,
		  json_pack("{s:s?,s:s?,s:s?,s:s?}", "badge", http_query(r, "badge"), "action", http_query(r, "action"),
			    "object_type", http_query(r, "object_type"), "object_id", http_query(r, "object_id")),
		  200, out);
}

void api_audit_verify(app *a, http_req *r, auth_user *u)
{
	audit_report rep;
	sj_err e = audit_verify(a->db, &rep, NULL, NULL);
	if (e) {
		app_fail(r, e, NULL);
		return;
	}
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	/* the outcome says whether the chain held: written by hand */
	e = app_audit(c, r, u, "audit.verify", NULL, NULL, NULL, rep.ok ? "ok" : "failed",
		      json_pack("{s:b,s:I}", "ok", rep.ok, "first_bad_seq", (json_int_t)rep.first_bad_seq));
	if (app_finish(a, r, c, e))
		http_reply_json(r, 200, json_pack("{s:b,s:I,s:I,s:I,s:s}", "ok", rep.ok, "entries",
						  (json_int_t)rep.entries, "checkpoints",
						  (json_int_t)rep.checkpoints, "first_bad_seq",
						  (json_int_t)rep.first_bad_seq, "reason", rep.reason));
}
