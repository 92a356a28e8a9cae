/* api_search.c — national person search (with a stated purpose, audited,
 * rate-limited, flagged for auditors), duplicates, merge and unmerge,
 * full-text search of cases. See docs/internals/search.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "audit/audit.h"
#include "core/clock.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "org/units.h"
#include "registers/registers.h"
#include "search/search.h"
#include "search/fts.h"

#define LOOKUP_WINDOW_MS   (60LL * 1000)          /* rate-limit window */
#define LOOKUP_MAX_DEFAULT 30                     /* look-ups per user per window */
#define FLAG_WINDOW_MS     (24LL * 60 * 60 * 1000)
#define FLAG_MAX_DEFAULT   200                    /* look-ups per user per day before a flag */

static const char sql_setting[] = "SELECT value FROM settings WHERE key = ?";

static int64_t setting_int(db_conn *c, const char *key, int64_t dflt)
{
	json_t *r = NULL;
	if (dbj_one(c, sql_setting, "v:t", &r, "t", key))
		return dflt;
	const char *v = json_string_value(json_object_get(r, "v"));
	int64_t n = v ? strtoll(v, NULL, 10) : 0;
	json_decref(r);
	return n > 0 ? n : dflt;
}

static const char sql_rate[] =
	"INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1)"
	" ON CONFLICT (key) DO UPDATE SET"
	" count = CASE WHEN rate_limits.window_start < ? THEN 1 ELSE rate_limits.count + 1 END,"
	" window_start = CASE WHEN rate_limits.window_start < ? THEN ? ELSE rate_limits.window_start END"
	" RETURNING count, window_start";

/* lookup_allowed counts one look-up for u in the current window (rate_limits
 * key "lookup:<user id>"); *retry_s is set when over the limit. */
static sj_err lookup_allowed(db_conn *c, const auth_user *u, bool *ok, int64_t *retry_s)
{
	char key[ID_LEN + 16];
	snprintf(key, sizeof key, "lookup:%s", u->id);
	int64_t now = clock_now_ms(), start = now - LOOKUP_WINDOW_MS;
	int64_t max = setting_int(c, "lookup.max_per_minute", LOOKUP_MAX_DEFAULT);
	db_stmt *s;
	bool row;
	sj_err e = db_prepare(c, sql_rate, &s);
	e = e ? e : db_bind_text(s, 1, key);
	e = e ? e : db_bind_int(s, 2, now);
	e = e ? e : db_bind_int(s, 3, start);
	e = e ? e : db_bind_int(s, 4, start);
	e = e ? e : db_bind_int(s, 5, now);
	e = e ? e : db_step(s, &row);
	if (e)
		return e;
	if (!row)
		return SJ_EDB;
	int64_t count = db_col_int(s, 0), ws = db_col_int(s, 1);
	while (!(e = db_step(s, &row)) && row) {
	}
	*ok = count <= max;
	*retry_s = (ws + LOOKUP_WINDOW_MS - now) / 1000 + 1;
	return e;
}

/* purpose_or_reply: every national look-up states why (loi 09-08). */
static const char *purpose_or_reply(http_req *r)
{
	const char *p = http_query(r, "purpose");
	if (!p || strlen(p) < 3 || strlen(p) > SJ_MAX_PURPOSE) {
		http_problem(r, 400, "purpose-required",
			     "a national look-up must state its purpose (purpose=, 3 to 300 characters)", NULL);
		return NULL;
	}
	return p;
}

/* rate_or_reply: false after answering 429 (the refusal is audited). */
static bool rate_or_reply(app *a, http_req *r, const auth_user *u, db_conn *c, const char *purpose, sj_err *err)
{
	bool ok = true;
	int64_t retry = 0;
	*err = lookup_allowed(c, u, &ok, &retry);
	if (*err || ok)
		return !*err;
	/* keep the counter, and say in the audit that it was refused */
	*err = app_audit(c, r, u, "person.search", "search", NULL, purpose, "refused",
			 json_pack("{s:s}", "reason", "rate-limit"));
	if (!app_finish(a, r, c, *err))
		return false;
	char ra[32];
	snprintf(ra, sizeof ra, "%lld", (long long)retry);
	if (http_add_header(r, "Retry-After", ra)) {
		/* the problem still goes out without the header */
	}
	http_problem(r, 429, "rate-limited", "too many look-ups; wait before searching again", NULL);
	return false;
}

void api_persons_search(app *a, http_req *r, auth_user *u)
{
	const char *q = http_query(r, "q"), *bd = http_query(r, "birth_date"), *sex = http_query(r, "sex"),
		   *father = http_query(r, "father"), *lim = http_query(r, "limit");
	if (!q || !*q || strlen(q) > SRCH_MAX_QUERY) {
		http_problem(r, 400, "bad-query", "q (1 to 300 bytes) is required", NULL);
		return;
	}
	const char *purpose = purpose_or_reply(r);
	if (!purpose)
		return;
	if (bd && !hjson_valid_date(bd)) {
		http_problem(r, 400, "bad-query", "birth_date must be YYYY-MM-DD", NULL);
		return;
	}
	if (sex && strcmp(sex, "M") != 0 && strcmp(sex, "F") != 0) {
		http_problem(r, 400, "bad-query", "sex must be M or F", NULL);
		return;
	}
	int limit = 10;
	if (lim) {
		char *end;
		long v = strtol(lim, &end, 10);
		if (!*lim || *end || v < 1 || v > SRCH_MAX_RESULTS) {
			http_problem(r, 400, "bad-query", "limit must be an integer from 1 to 50", NULL);
			return;
		}
		limit = (int)v;
	}
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	sj_err e;
	if (!rate_or_reply(a, r, u, c, purpose, &e)) {
		if (e)
			app_finish(a, r, c, e);
		return;
	}
	srch_query sq = {.q = q, .birth_date = bd, .sex = sex, .father = father, .limit = limit};
	json_t *results = NULL, *alerts = json_array();
	e = srch_persons(c, &sq, &results);
	if (e == SJ_EINVAL) {
		db_rollback(c);
		db_release(a->db, c);
		json_decref(alerts);
		http_problem(r, 400, "bad-query", "q is not a usable name (valid UTF-8 expected)", NULL);
		return;
	}
	/* the look-up itself is checked against the registers (hit engine) */
	reg_ctx ctx = {.actor_id = u->id, .actor_unit_id = u->unit.id, .source = "lookup", .source_ref = NULL};
	reg_person rp = {.cin = q, .name = q, .birth_date = bd};
	e = e ? e : reg_check_person(c, &rp, &ctx, alerts);
	e = e ? e : reg_check_document(c, q, &ctx, alerts);
	e = e ? e : app_audit(c, r, u, "person.search", "search", NULL, purpose, "ok",
			      json_pack("{s:s,s:s?,s:i,s:i,s:o?}", "q", q, "birth_date", bd, "results",
					(json_int_t)json_array_size(results), "alerts",
					(json_int_t)json_array_size(alerts), "ids", audit_ids(results, "id")));
	if (app_finish(a, r, c, e))
		http_reply_json(r, 200, json_pack("{s:o,s:o}", "results", results, "alerts", alerts));
	else {
		json_decref(results);
		json_decref(alerts);
	}
}

/* person_in_scope: SJ_OK when u may change person id's record: administrators
 * nationally; chiefs when the person's home unit is theirs or below (a record
 * has one home unit, which alone writes it) or is the root unit (the national
 * index loaded by `sijill import`, which no station owns). SJ_EFORBIDDEN
 * otherwise, SJ_ENOTFOUND when there is no such person. Found by the
 * authorisation matrix (tests/api/test_authz.c): before, a chief of any unit
 * could merge or un-merge any unit's persons. */
static const char sql_person_unit[] =
	"SELECT u.path, CASE WHEN u.parent_id IS NULL THEN 1 ELSE 0 END FROM persons p"
	" JOIN units u ON u.id = p.home_unit_id WHERE p.id = ?";

static sj_err person_in_scope(db_conn *c, const auth_user *u, const char *id)
{
	if (u->role == ROLE_ADMIN)
		return SJ_OK;
	json_t *row = NULL;
	sj_err e = dbj_one(c, sql_person_unit, "path:t,root:i", &row, "t", id);
	if (!e && json_integer_value(json_object_get(row, "root")) != 1 &&
	    !unit_in_scope(u->unit.path, json_string_value(json_object_get(row, "path"))))
		e = SJ_EFORBIDDEN;
	json_decref(row);
	return e;
}

static const char sql_merge_persons[] = "SELECT survivor_id, merged_id FROM person_merges WHERE id = ?";

static sj_err merge_in_scope(db_conn *c, const auth_user *u, const char *merge_id)
{
	if (u->role == ROLE_ADMIN)
		return SJ_OK;
	json_t *row = NULL;
	sj_err e = dbj_one(c, sql_merge_persons, "s:t,m:t", &row, "t", merge_id);
	if (!e)
		e = person_in_scope(c, u, json_string_value(json_object_get(row, "s")));
	if (!e)
		e = person_in_scope(c, u, json_string_value(json_object_get(row, "m")));
	json_decref(row);
	return e;
}

void api_person_duplicates(app *a, http_req *r, auth_user *u)
{
	const char *id = http_param(r, "id");
	db_conn *c = app_begin_or_reply(a, r, DB_READ);
	if (!c)
		return;
	json_t *dups = NULL;
	sj_err e = srch_duplicates(c, id, 20, &dups);
	e = e ? e : app_audit(c, r, u, "person.duplicates", "person", id, NULL, "ok",
			      json_pack("{s:i}", "candidates", (json_int_t)json_array_size(dups)));
	if (app_finish(a, r, c, e))
		http_reply_json(r, 200, json_pack("{s:s,s:o}", "id", id, "candidates", dups));
	else
		json_decref(dups);
}

void api_person_merge(app *a, http_req *r, auth_user *u)
{
	json_t *body = hjson_body_or_reply(r);
	if (!body)
		return;
	const char *survivor = NULL, *merged = NULL, *reason = NULL;
	const hjson_field spec[] = {
		{"survivor_id", HJ_ID, 1, 0, 0, NULL, &survivor, 0},
		{"merged_id", HJ_ID, 1, 0, 0, NULL, &merged, 0},
		{"reason", HJ_STRING, 1, 3, SJ_MAX_SHORT_TEXT, NULL, &reason, 0},
		{NULL, 0, 0, 0, 0, NULL, NULL, 0},
	};
	if (!hjson_fields_or_reply(r, body, spec)) {
		json_decref(body);
		return;
	}
	db_conn *c = app_begin_or_drop(a, r, body);
	if (!c)
		return;
	char mid[ID_LEN + 1] = "";
	sj_err e = person_in_scope(c, u, survivor);
	e = e ? e : person_in_scope(c, u, merged);
	e = e ? e : srch_merge(c, survivor, merged, reason, u->id, mid);
	e = e ? e : app_audit(c, r, u, "person.merge", "person", merged, NULL, "ok",
			      json_pack("{s:s,s:s,s:s}", "merge_id", mid, "survivor_id", survivor, "reason", reason));
	if (app_finish(a, r, c, e))
		http_reply_json(r, 201, json_pack("{s:s,s:s,s:s}", "id", mid, "survivor_id", survivor, "merged_id", merged));
	json_decref(body);
}

void api_person_unmerge(app *a, http_req *r, auth_user *u)
{
	json_t *body = hjson_body_or_reply(r);
	if (!body)
		return;
	const char *reason = NULL;
	const hjson_field spec[] = {
		{"reason", HJ_STRING, 1, 3, SJ_MAX_SHORT_TEXT, NULL, &reason, 0},
		{NULL, 0, 0, 0, 0, NULL, NULL, 0},
	};
	if (!hjson_fields_or_reply(r, body, spec)) {
		json_decref(body);
		return;
	}
	const char *id = http_param(r, "id");
	db_conn *c = app_begin_or_drop(a, r, body);
	if (!c)
		return;
	sj_err e = merge_in_scope(c, u, id);
	e = e ? e : srch_unmerge(c, id, reason, u->id);
	e = e ? e : app_audit(c, r, u, "person.unmerge", "merge", id, NULL, "ok", json_pack("{s:s}", "reason", reason));
	if (app_finish(a, r, c, e))
		http_reply_json(r, 200, json_pack("{s:s,s:b}", "id", id, "undone", 1));
	json_decref(body);
}

static const char sql_flags[] =
	"SELECT actor_id, badge, unit_code, COUNT(*) FROM audit_log WHERE action = 'person.search' AND at >= ?"
	" GROUP BY actor_id, badge, unit_code HAVING COUNT(*) > ? ORDER BY COUNT(*) DESC LIMIT 200";

void api_audit_flags(app *a, http_req *r, auth_user *u)
{
	db_conn *c = app_begin_or_reply(a, r, DB_READ);
	if (!c)
		return;
	int64_t max = setting_int(c, "lookup.flag_per_day", FLAG_MAX_DEFAULT);
	json_t *flags = NULL;
	sj_err e = dbj_rows(c, sql_flags, "actor_id:t,badge:t,unit:t,lookups:i", &flags, "ii",
			    clock_now_ms() - FLAG_WINDOW_MS, max);
	size_t i;
	json_t *f;
	json_array_foreach(flags, i, f) json_object_set_new(f, "reason", json_string("unusual-lookup-volume"));
	e = e ? e : app_audit(c, r, u, "audit.flags", NULL, NULL, NULL, "ok", NULL);
	if (app_finish(a, r, c, e))
		http_reply_json(r, 200, json_pack("{s:o,s:I,s:I}", "flags", flags, "threshold", (json_int_t)max,
						  "window_ms", (json_int_t)FLAG_WINDOW_MS));
	else
		json_decref(flags);
}

void api_cases_fulltext(app *a, http_req *r, auth_user *u)
{
	const char *q = http_query(r, "q");
	if (!q || !*q || strlen(q) > SRCH_MAX_QUERY) {
		http_problem(r, 400, "bad-query", "q (1 to 300 bytes) is required", NULL);
		return;
	}
	const char *purpose = purpose_or_reply(r);
	if (!purpose)
		return;
	int limit;
	int64_t offset;
	if (!app_paging_or_reply(r, &limit, &offset))
		return;
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *hits = NULL;
	const char *scope = role_is_national(u->role) ? NULL : u->unit.path;
	sj_err e = fts_sync(c);
	e = e ? e : fts_search(c, q, scope, limit, &hits);
	if (e == SJ_EINVAL) {
		db_rollback(c);
		db_release(a->db, c);
		http_problem(r, 400, "bad-query", "q has no searchable words", NULL);
		return;
	}
	e = e ? e : app_audit(c, r, u, "case.fulltext", "search", NULL, purpose, "ok",
			      json_pack("{s:s,s:i}", "q", q, "results", (json_int_t)json_array_size(hits)));
	if (app_finish(a, r, c, e))
		http_reply_json(r, 200, json_pack("{s:o}", "results", hits));
	else
		json_decref(hits);
}
