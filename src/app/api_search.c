/* api_search.c — national person search (with a stated purpose, audited,
 * rate-limited, flagged for auditors), duplicates, merge and unmerge,
 * full-text search of cases. The look-ups are lookup.h's, the merges
 * persons.h's; see docs/internals/search.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/clock.h"
#include "exchange/exchange.h"
#include "core/limits.h"
#include "lookup/lookup.h"
#include "persons/persons.h"
#include "search/search.h"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* query_or_reply reads ?q (1 to SRCH_MAX_QUERY bytes); false after 400. */
static bool query_or_reply(http_req *r, lookup_query *q)
{
	q->q = http_query(r, "q");
	q->purpose = http_query(r, "purpose");
	if (!q->q || !*q->q || strlen(q->q) > SRCH_MAX_QUERY) {
		http_problem(r, 400, "bad-query", "q (1 to 300 bytes) is required", NULL);
		return false;
	}
	return true;
}

/* stale: this node is past exchange.max_days_without without a successful
 * exchange (its look-ups are refused below, central is not asked). A short
 * read of its own: no transaction is held while central is asked. */
static bool stale(app *a)
{
	db_conn *c;
	const char *why = NULL;
	sj_err e = db_acquire(a->db, &c);
	if (e)
		return false;
	if (!(e = db_begin(c, DB_READ))) {
		e = xchg_lookup_allowed(c, clock_now_ms(), &why);
		db_rollback(c);
	}
	db_release(a->db, c);
	return e == SJ_ECONFLICT;
}

void api_persons_search(app *a, http_req *r, auth_user *u)
{
	lookup_query q = {0};
	if (!query_or_reply(r, &q))
		return;
	q.birth_date = http_query(r, "birth_date");
	q.sex = http_query(r, "sex");
	q.father = http_query(r, "father");
	const char *lim = http_query(r, "limit");
	if (q.birth_date && !rec_date_ok(q.birth_date)) {
		http_problem(r, 400, "bad-query", "birth_date must be YYYY-MM-DD", NULL);
		return;
	}
	if (q.sex && !rec_enum_ok(rec_field_find(&person_rec, "sex"), q.sex)) {
		http_problem(r, 400, "bad-query", "sex must be M or F", NULL);
		return;
	}
	const char *by = http_query(r, "birth_year");
	q.birth_place = http_query(r, "birth_place");
	if (by && *by) {
		char *end;
		long v = strtol(by, &end, 10);
		if (*end || v < 1850 || v > 2100) {
			http_problem(r, 400, "bad-query", "birth_year must be a year from 1850 to 2100", NULL);
			return;
		}
		q.birth_year = (int)v;
	}
	if ((q.father && strlen(q.father) > SJ_MAX_NAME) || (q.birth_place && strlen(q.birth_place) > SJ_MAX_NAME)) {
		http_problem(r, 400, "bad-query", "father and birth_place are names (at most 200 bytes)", NULL);
		return;
	}
	if (lim) {
		char *end;
		long v = strtol(lim, &end, 10);
		if (!*lim || *end || v < 1 || v > SRCH_MAX_RESULTS) {
			http_problem(r, 400, "bad-query", "limit must be an integer from 1 to 50", NULL);
			return;
		}
		q.limit = (int)v;
	}
	sj_actor who;
	app_actor(r, u, &who);
	/* on a node, central answers a national look-up when it is reachable
	 * (purpose carried, audited and rate-limited there too); otherwise the
	 * node's copy does, saying so and how old it is (exchange.h) */
	json_t *remote = NULL, *problem = NULL;
	char rmsg[256] = "";
	sj_err re = q.purpose && *q.purpose && !stale(a) ? xchg_lookup_remote(&who, &q, &remote, &problem, rmsg,
									       sizeof rmsg)
							 : SJ_ENOTFOUND;
	if (re == SJ_EFORBIDDEN) {
		/* central refuses this node (suspended: a stolen laptop) */
		const char *code = json_string_value(json_object_get(problem, "code"));
		http_problem(r, 403, code ? code : "node-suspended", rmsg, NULL);
		json_decref(problem);
		return;
	}
	json_decref(problem);
	xchg_join jn;
	bool joined = xchg_join_read(&jn);
	/* a national look-up writes: it counts against the caller's rate limit
	 * and records the register hits it raises, with its audit entry */
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c) {
		json_decref(remote);
		return;
	}
	json_t *out = NULL;
	const char *why = NULL;
	int64_t retry = 0;
	if (re == SJ_OK || re == SJ_ELIMIT) {
		/* central answered (counted here too), or its rate limit refused */
		sj_err e = SJ_ELIMIT;
		if (re == SJ_ELIMIT) {
			why = "rate-limited";
			retry = LOOKUP_WINDOW_MS / 1000;
		} else
			e = lookup_count(c, &who, &why, &retry);
		if (e) {
			json_decref(remote);
			remote = NULL;
		} else
			json_object_set_new(remote, "source", json_string("central"));
		app_retry_after(r, e, retry);
		app_reply(a, r, c, e, NULL, why, NULL,
			  json_pack("{s:s,s:s,s:I}", "q", q.q, "source", "central", "results",
				    (json_int_t)json_array_size(json_object_get(remote, "results"))),
			  200, remote);
		return;
	}
	/* a node too long without an exchange answers from data too old to trust */
	sj_err e = xchg_lookup_allowed(c, clock_now_ms(), &why);
	if (e) {
		app_reply(a, r, c, e, NULL, why, NULL, NULL, 200, NULL);
		return;
	}
	e = db_acquire_reader(a->db, c, &q.reader); /* the search may read a standby (db_read_uri) */
	e = e ? e : lookup_persons(c, &who, &q, &out, &why, &retry);
	db_release_reader(a->db, c, q.reader);
	if (!e && joined) {
		/* central unreachable: the node's copy answered, and says how old it is */
		int64_t as_of = 0, age = -1, now = clock_now_ms();
		e = xchg_copy_age(c, now, &as_of, &age);
		json_object_set_new(out, "source", json_string("node"));
		json_object_set_new(out, "copy_as_of", as_of ? json_integer(as_of) : json_null());
		json_object_set_new(out, "copy_age_s", age >= 0 ? json_integer(age) : json_null());
	}
	app_retry_after(r, e, retry);
	app_reply(a, r, c, e, NULL, why, NULL,
		  json_pack("{s:s,s:s?,s:i,s:I,s:I,s:b}", "q", q.q, "birth_date", q.birth_date, "birth_year",
			    q.birth_year, "results", (json_int_t)json_array_size(json_object_get(out, "results")),
			    "alerts", (json_int_t)json_array_size(json_object_get(out, "alerts")), "too_broad",
			    json_object_get(out, "too_broad") != NULL),
		  200, out);
}

void api_cases_fulltext(app *a, http_req *r, auth_user *u)
{
	lookup_query q = {0};
	if (!query_or_reply(r, &q))
		return;
	int limit;
	int64_t offset;
	if (!app_paging_or_reply(r, &limit, &offset))
		return;
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	int64_t retry = 0;
	sj_err e = lookup_cases(c, &who, &q, limit, offset, &out, &why, &retry);
	app_retry_after(r, e, retry);
	app_reply(a, r, c, e, NULL, why, NULL,
		  json_pack("{s:s,s:i}", "q", q.q, "results", (json_int_t)json_array_size(json_object_get(out, "results"))),
		  200, out);
}

void api_person_duplicates(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	int64_t retry = 0;
	sj_err e = lookup_duplicates(c, &who, http_param(r, "id"), http_query(r, "purpose"), &out, &why, &retry);
	app_retry_after(r, e, retry);
	app_reply(a, r, c, e, NULL, why, http_param(r, "id"),
		  json_pack("{s:i}", "candidates", (json_int_t)json_array_size(json_object_get(out, "candidates"))), 200,
		  out);
}

void api_person_merge(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL, *in = http_json(r);
	const char *why = NULL;
	sj_err e = persons_merge(c, &who, in, &out, &why);
	app_reply(a, r, c, e, NULL, why, jstr(in, "merged_id"),
		  json_pack("{s:s?,s:s?,s:s?}", "merge_id", jstr(out, "id"), "survivor_id", jstr(in, "survivor_id"),
			    "reason", jstr(in, "reason")),
		  201, out);
}

void api_person_unmerge(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL, *in = http_json(r);
	const char *why = NULL;
	sj_err e = persons_unmerge(c, &who, http_param(r, "id"), in, &out, &why);
	app_reply(a, r, c, e, NULL, why, http_param(r, "id"), json_pack("{s:s?}", "reason", jstr(in, "reason")), 200,
		  out);
}

void api_audit_flags(app *a, http_req *r, auth_user *u)
{
	(void)u;
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	json_t *out = NULL;
	db_conn *rc = NULL; /* a report: may read a standby (db_read_uri) */
	sj_err e = db_acquire_reader(a->db, c, &rc);
	e = e ? e : lookup_flags(c, rc, &out);
	db_release_reader(a->db, c, rc);
	app_reply(a, r, c, e, NULL, NULL, NULL, NULL, 200, out);
}
