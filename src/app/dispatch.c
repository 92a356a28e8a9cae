/* dispatch.c — the path of a request: route → authenticate → CSRF →
 * authorise (role × route table) → handler. Refusals are answered as
 * problem+json and audited. */
#include "app/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "audit/audit.h"
#include "core/buf.h"
#include "core/log.h"
#include "exchange/exchange.h"

/* match: pattern segments equal, or "{name}" capturing one non-empty segment. */
static bool match(const char *pattern, const char *path, http_req *r, bool capture)
{
	const char *p = pattern, *q = path;
	while (*p && *q) {
		if (*p == '{') {
			const char *pe = strchr(p, '}');
			if (!pe)
				return false;
			const char *qe = strchr(q, '/');
			size_t n = qe ? (size_t)(qe - q) : strlen(q);
			if (n == 0)
				return false;
			if (capture) {
				char name[32];
				size_t nl = (size_t)(pe - p - 1);
				if (nl >= sizeof name)
					return false;
				memcpy(name, p + 1, nl);
				name[nl] = '\0';
				if (http_set_param(r, name, q, n))
					return false;
			}
			p = pe + 1;
			q += n;
			continue;
		}
		if (*p != *q)
			return false;
		p++;
		q++;
	}
	return *p == '\0' && *q == '\0';
}

static const char *bearer_token(http_req *r)
{
	const char *h = http_header(r, "Authorization");
	if (h && strncasecmp(h, "Bearer ", 7) == 0)
		return h + 7;
	return NULL;
}

void app_fail(http_req *r, sj_err e, const char *detail)
{
	switch (e) {
	case SJ_EINVAL: http_problem(r, 400, "invalid", detail, NULL); break;
	case SJ_EUNPROCESSABLE: http_problem(r, 422, "unprocessable", detail, NULL); break;
	case SJ_ENOTFOUND: http_problem(r, 404, "not-found", detail, NULL); break;
	case SJ_ECONFLICT: http_problem(r, 409, "conflict", detail, NULL); break;
	case SJ_EAUTH: http_problem(r, 401, "unauthenticated", detail, NULL); break;
	case SJ_EFORBIDDEN: http_problem(r, 403, "forbidden", detail, NULL); break;
	case SJ_ELIMIT: http_problem(r, 413, "limit", detail, NULL); break;
	case SJ_EBUSY:
		if (http_add_header(r, "Retry-After", "1")) {
			/* the problem still goes out without the header */
		}
		http_problem(r, 503, "busy", "the database is busy; try again", NULL);
		break;
	case SJ_EUNAVAIL:
		/* no writable database now (failover, lost connection): never a 500 */
		if (http_add_header(r, "Retry-After", "2")) {
		}
		http_problem(r, 503, "database-unavailable",
			     "the database cannot be reached (failover or lost connection); try again shortly",
			     NULL);
		break;
	default:
		log_msg(LOG_ERROR, "request failed",
			json_pack("{s:s,s:s}", "request_id", http_request_id(r), "error", sj_err_name(e)));
		http_problem(r, 500, "internal", "the server could not complete the request", NULL);
		break;
	}
}

sj_err app_audit(db_conn *c, http_req *r, const auth_user *u, const char *action,
		 const char *object_type, const char *object_id, const char *purpose,
		 const char *outcome, json_t *detail)
{
	/* an auditor's read through an entry names that entry (issue 10 item 12) */
	const char *via = u && u->role == ROLE_AUDITOR && app_route(r) && (app_route(r)->flags & ROUTE_AUDIT_VIA)
				  ? http_query(r, "via")
				  : NULL;
	if (via && (detail || (detail = json_object())) && json_object_set_new(detail, "via", json_string(via))) {
		/* no memory: the entry still names the auditor and the record */
	}
	audit_entry ae = {
		.actor_id = u ? u->id : NULL,
		.badge = u ? u->badge : NULL,
		.role = u ? role_name(u->role) : NULL,
		.unit_code = u ? u->unit.code : NULL,
		.action = action,
		.object_type = object_type,
		.object_id = object_id,
		.purpose = purpose,
		.outcome = outcome ? outcome : "ok",
		.request_id = http_request_id(r),
		.ip = app_route(r) && (app_route(r)->flags & ROUTE_ANONYMOUS) ? NULL : http_client_ip(r),
		.detail = detail,
	};
	sj_err e = audit_append(c, &ae, NULL);
	json_decref(detail);
	return e;
}

/* audit_via_ok: the request names (?via=) an audit entry whose object is
 * the record asked for — the route's audit object, its {id}. */
static bool audit_via_ok(app *a, http_req *r, const route *rt)
{
	const char *via = http_query(r, "via"), *id = http_param(r, "id");
	if (!via || !*via || !id || !rt->object)
		return false;
	char *end;
	long long seq = strtoll(via, &end, 10);
	if (*end || seq < 1)
		return false;
	bool yes = false;
	return audit_entry_names(a->db, (int64_t)seq, rt->object, id, &yes) == SJ_OK && yes;
}

/* audit_refused appends a "refused" entry through the group committer (the
 * request's unit of work, if any, is already rolled back); detail stolen.
 * A failure is logged: the answer goes out regardless. */
static void audit_refused(app *a, http_req *r, const auth_user *u, const char *action, const char *object_type,
			  const char *object_id, json_t *detail)
{
	audit_entry ae = {
		.actor_id = u ? u->id : NULL,
		.badge = u ? u->badge : NULL,
		.role = u ? role_name(u->role) : NULL,
		.unit_code = u ? u->unit.code : NULL,
		.action = action,
		.object_type = object_type,
		.object_id = object_id,
		.outcome = "refused",
		.request_id = http_request_id(r),
		.ip = http_client_ip(r),
		.detail = detail,
	};
	/* no transaction of its own: the group committer chains it with others
	 * and returns once it is durable */
	sj_err e = detail ? audit_record(a->db, &ae) : SJ_ENOMEM;
	json_decref(detail);
	if (e)
		log_msg(LOG_ERROR, "could not audit a refusal",
			json_pack("{s:s,s:s}", "request_id", http_request_id(r), "error", sj_err_name(e)));
}

void app_audit_refusal(app *a, http_req *r, const auth_user *u, const char *action, const char *why)
{
	audit_refused(a, r, u, action, "route", http_path(r),
		      json_pack("{s:s,s:s,s:s}", "reason", why, "method", http_method(r), "path", http_path(r)));
}

/* anon_refused records an anonymous refusal: counted per address, reason
 * and minute (auth_anon_count); the first of each minute is audited with
 * the previous minute's count, the others only in the access log; over the
 * limit it answers 429 "anonymous-throttled" itself and returns true. */
static bool anon_refused(app *a, http_req *r, const char *why)
{
	auth_anon an;
	if (auth_anon_count(a->db, http_client_ip(r), why, &an)) {
		app_audit_refusal(a, r, NULL, "authn.refused", why);
		return false;
	}
	if (an.count == 1)
		audit_refused(a, r, NULL, "authn.refused", "route", http_path(r),
			      json_pack("{s:s,s:s,s:s,s:I,s:I,s:I}", "reason", why, "method", http_method(r), "path",
					http_path(r), "window_ms", (json_int_t)AUTH_ANON_WINDOW_MS, "previous_count",
					(json_int_t)an.prev_count, "previous_start", (json_int_t)an.prev_start));
	if (an.count <= AUTH_ANON_MAX)
		return false;
	app_retry_after(r, SJ_ELIMIT, an.retry_s);
	http_problem(r, 429, "anonymous-throttled", "too many unauthenticated requests from this address; wait", NULL);
	return true;
}

db_conn *app_begin_or_reply(app *a, http_req *r, db_mode mode)
{
	db_conn *c;
	sj_err e = db_acquire(a->db, &c);
	if (e) {
		app_fail(r, e, NULL);
		return NULL;
	}
	e = db_begin(c, mode);
	if (e) {
		db_release(a->db, c);
		app_fail(r, e, NULL);
		return NULL;
	}
	if (mode == DB_WRITE && app_idem_replay_in_tx(a, r, c))
		return NULL; /* this request's key was answered meanwhile (idempotency.c) */
	return c;
}

db_conn *app_begin_read_or_reply(app *a, http_req *r)
{
	/* Audited or not, a read only reads: its audit entries are queued on the
	 * connection and go through the group committer in app_finish, many
	 * requests' entries in one transaction and one flush (issue 21). */
	return app_begin_or_reply(a, r, DB_READ);
}

void app_serve_read(app *a, http_req *r, const auth_user *u, app_read_fn fn)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = fn(c, &who, http_param(r, "id"), &out, &why);
	app_reply(a, r, c, e, NULL, why, http_param(r, "id"), NULL, 200, out);
}

void app_serve_scope(app *a, http_req *r, const auth_user *u, app_scope_fn fn)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	json_t *out = NULL;
	sj_err e = fn(c, &who, &out);
	app_reply(a, r, c, e, NULL, NULL, who.unit_code, NULL, 200, out);
}

void app_serve_update(app *a, http_req *r, const auth_user *u, app_update_fn fn)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = fn(c, &who, http_param(r, "id"), http_json(r), &out, &why);
	app_reply(a, r, c, e, NULL, why, http_param(r, "id"), json_deep_copy(http_json(r)), 200, out);
}

/* durable: the group committer's report on a read's entries, or the
 * finisher's on a write's commit (issue 21) */
static void durable(void *arg, sj_err result)
{
	http_resume(arg, result);
}

bool app_finish(app *a, http_req *r, db_conn *c, sj_err e)
{
	/* A read's audit entries were only queued (app_audit on DB_READ): they
	 * go to the group committer once the read is over, and the answer waits
	 * until they are durable. A write's entry commits with it. */
	audit_queue *q = audit_take(c);
	if (!e && !q && db_tx_mode(c) == DB_WRITE) {
		/* A write: its record and its entry commit together, and the
		 * answer goes out once the commit is durable — but this worker
		 * does not wait through the flush (SQLite) or the COMMIT
		 * (PostgreSQL): a finisher ends it and resumes the connection
		 * (db_commit_async), so the reads behind this connection's worker
		 * are served meanwhile. A failed commit replaces the answer by a
		 * problem, as for a read. */
		http_waiter *w = http_defer(r);
		if (w && db_commit_async(c, durable, w))
			return true;
		if (w)
			http_resume(w, SJ_OK); /* committed here instead */
	}
	if (!e)
		e = db_commit(c);
	if (e)
		db_rollback(c);
	db_release(a->db, c);
	if (e) {
		audit_queue_free(q);
	} else if (q) {
		/* The answer the handler now builds goes out only once the entries
		 * are durable; meanwhile the connection is suspended and its worker
		 * serves others (http_defer). An error report replaces the answer
		 * by a 500/503 problem. Without a committer, or for an in-process
		 * request, this thread waits as before. */
		http_waiter *w = http_defer(r);
		if (w && audit_flush_async(q, durable, w))
			return true;
		if (w)
			http_resume(w, SJ_OK); /* waited here instead */
		e = audit_flush(a->db, q);
	}
	if (e && !http_replied(r))
		app_fail(r, e, NULL);
	return e == SJ_OK;
}

const route *app_route(const http_req *r)
{
	return http_route(r);
}

void app_actor(const http_req *r, const auth_user *u, sj_actor *out)
{
	*out = (sj_actor){0};
	out->via = "http";
	out->request_id = http_request_id(r);
	out->ip = http_client_ip(r);
	if (!u)
		return;
	out->id = u->id;
	out->badge = u->badge;
	out->name = u->name;
	out->role = (unsigned)u->role;
	out->role_name = role_name(u->role);
	out->unit_id = u->unit.id;
	out->unit_code = u->unit.code;
	out->unit_path = u->unit.path;
	out->unit_name_fr = u->unit.name_fr;
	out->unit_name_ar = u->unit.name_ar;
	out->national = role_is_national(u->role);
	out->writer = (u->role & ROLES_UNIT_WRITERS) && !role_is_read_only(u->role);
	out->rank = u->rank[0] ? u->rank : NULL;
	out->opj = u->opj; /* from the user's record (auth_session_lookup), CPP 20 */
	out->lang = u->lang;
}

void app_doc_actor(const http_req *r, const auth_user *u, sj_actor *out)
{
	app_actor(r, u, out);
	const char *l = http_query(r, "lang");
	if (l && (strcmp(l, "ar") == 0 || strcmp(l, "fr") == 0))
		out->lang = l;
}

static int status_of(sj_err e)
{
	switch (e) {
	case SJ_EINVAL: return 400;
	case SJ_EUNPROCESSABLE: return 422;
	case SJ_ENOTFOUND: return 404;
	case SJ_ECONFLICT: return 409;
	case SJ_EAUTH: return 401;
	case SJ_EFORBIDDEN: return 403;
	case SJ_ELIMIT: return 429;
	default: return 0;
	}
}

void app_fail_why(http_req *r, sj_err e, const char *field, const char *why)
{
	/* A reason is a stable code ("pv-no-statements"); a sentence is sent as
	 * the detail of the generic problem (none is left in the tree: the
	 * messages test holds every code to its two dictionaries). */
	bool is_code = why && !strchr(why, ' ');
	int status = status_of(e);
	if (field && status) {
		/* a refusal aimed at one field: the field error names it, with the
		 * reason as its code (ferr.<why>) */
		json_t *errs = json_array();
		rec_err(errs, NULL, field, is_code ? why : "invalid", is_code ? why : (why ? why : "not acceptable"));
		http_problem(r, status, e == SJ_EINVAL ? "validation" : is_code ? why : sj_err_name(e),
			     e == SJ_EINVAL ? "the request has invalid fields" : NULL, json_pack("{s:o}", "errors", errs));
		return;
	}
	if (!is_code || !status) {
		app_fail(r, e, why);
		return;
	}
	http_problem(r, status, why, NULL, NULL);
}

/* refused answers 403 for a capability's refusal (the record lies outside the
 * caller's unit scope, or is another unit's to change): the unit of work is
 * already rolled back; the refusal is audited under the route's action in a
 * transaction of its own. why: a reason code, or NULL for unit scope. */
static void refused(app *a, http_req *r, const char *object_id, const char *why)
{
	const route *rt = app_route(r);
	audit_refused(a, r, http_user(r), rt && rt->action ? rt->action : "authz.refused", rt ? rt->object : NULL,
		      object_id, json_pack("{s:s}", "reason", why ? why : "unit-scope"));
	http_problem(r, 403, why ? why : "forbidden", why ? NULL : "this record belongs to a unit outside your scope",
		     NULL);
}

/* purpose_of: the stated purpose of the request (?purpose=, or a body's
 * "purpose" member), for the audit entry. */
static const char *purpose_of(http_req *r)
{
	const char *p = http_query(r, "purpose");
	return p ? p : json_string_value(json_object_get(http_json(r), "purpose"));
}

/* finish_unit ends a unit of work that failed (e != SJ_OK): rolls back and
 * answers, a refusal audited (see app_reply). */
static void finish_failed(app *a, http_req *r, db_conn *c, sj_err e, const char *field, const char *why,
			  const char *object_id)
{
	db_rollback(c);
	db_release(a->db, c);
	if (e == SJ_EFORBIDDEN)
		refused(a, r, object_id, why);
	else if (!app_idem_replay_after_failure(a, r)) /* a twin with the same key succeeded */
		app_fail_why(r, e, field, why);
}

void app_reply_html(app *a, http_req *r, db_conn *c, sj_err e, const char *why, const char *object_id,
		    struct buf *html)
{
	app_reply_doc(a, r, c, e, why, object_id, html, "text/html; charset=utf-8");
}

void app_reply_doc(app *a, http_req *r, db_conn *c, sj_err e, const char *why, const char *object_id,
		   struct buf *html, const char *content_type)
{
	const route *rt = app_route(r);
	if (e) {
		finish_failed(a, r, c, e, NULL, why, object_id);
	} else {
		if (rt && rt->action)
			e = app_audit(c, r, http_user(r), rt->action, rt->object, object_id, purpose_of(r), "ok", NULL);
		if (app_finish(a, r, c, e))
			http_reply_bytes(r, 200, content_type, buf_str(html), html->len);
	}
	buf_free(html);
}

/* with_list_ids adds to detail (stolen, may be NULL; returned) the ids a list
 * read showed, so that a page of 50 cases is one audit entry naming them:
 * out's elements when out is a list, else the elements of each of its
 * members that is a list ({"cases": [...]}, {"results": [...], "alerts":
 * [...]}). A single record (out has an "id") is named by the entry's object. */
static void add_ids(json_t *ids, const json_t *list)
{
	json_t *more = audit_ids(list, "id");
	if (more && json_array_extend(ids, more)) {
		/* memory ran out: fewer ids, the entry still stands */
	}
	json_decref(more);
}

static json_t *with_list_ids(json_t *detail, const json_t *out)
{
	if (!out || json_object_get(out, "id"))
		return detail;
	json_t *ids = json_array();
	if (!ids)
		return detail;
	if (json_is_array(out)) {
		add_ids(ids, out);
	} else {
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)out, k, v)
			if (json_is_array(v))
				add_ids(ids, v);
	}
	if (!json_array_size(ids)) {
		json_decref(ids);
		return detail;
	}
	if (!detail)
		detail = json_object();
	if (json_object_set_new(detail, "ids", ids)) {
		/* jansson dropped ids (no memory, or detail is no object): the
		 * entry still names the route and the caller */
	}
	return detail;
}

void app_reply(app *a, http_req *r, db_conn *c, sj_err e, const char *field, const char *why,
	       const char *object_id, json_t *detail, int status, json_t *out)
{
	const route *rt = app_route(r);
	const char *action = rt ? rt->action : NULL;
	if (e == SJ_ELIMIT && action) {
		/* A limit refuses the request, but what counted it stays (the next
		 * attempt in the window is refused too): the refusal is audited in
		 * the same transaction, which commits. */
		json_decref(detail);
		json_decref(out);
		e = app_audit(c, r, http_user(r), action, rt->object, object_id, purpose_of(r), "refused",
			      json_pack("{s:s}", "reason", why ? why : "limit"));
		if (app_finish(a, r, c, e))
			app_fail_why(r, SJ_ELIMIT, NULL, why);
		return;
	}
	if (e) {
		json_decref(detail);
		json_decref(out);
		finish_failed(a, r, c, e, field, why, object_id);
		return;
	}
	if (action && db_tx_mode(c) != DB_WRITE)
		detail = with_list_ids(detail, out);
	if (action)
		e = app_audit(c, r, http_user(r), action, rt->object, object_id, purpose_of(r), "ok", detail);
	else
		json_decref(detail);
	/* with an Idempotency-Key, the result is stored with the write before COMMIT */
	app_finish_reply_as(a, r, c, e, action ? action : "unknown", object_id, status,
			    rt && rt->reply ? rec_out(rt->reply, out) : out);
}

/* body_or_reply parses and checks the route's request body against its
 * record (400 with per-field errors) and hands it to the request. */
static bool body_or_reply(http_req *r, const route *rt)
{
	if (!rt->body)
		return true;
	json_t *body = hjson_body_or_reply(r);
	if (!body)
		return false;
	json_t *errs = json_array();
	if (errs)
		rec_check(rt->body, rt->body_op ? rt->body_op : REC_CREATE, body, NULL, errs);
	if (!hjson_errors_or_reply(r, errs)) {
		json_decref(body);
		return false;
	}
	http_set_json(r, body);
	return true;
}

bool app_paging_or_reply(http_req *r, int *limit, int64_t *offset)
{
	*limit = SJ_DEFAULT_PAGE;
	*offset = 0;
	const char *l = http_query(r, "limit"), *o = http_query(r, "offset");
	if (l) {
		char *end;
		long v = strtol(l, &end, 10);
		if (!*l || *end || v < 1 || v > SJ_MAX_PAGE) {
			http_problem(r, 400, "bad-query", "limit must be an integer from 1 to 200", NULL);
			return false;
		}
		*limit = (int)v;
	}
	if (o) {
		char *end;
		long long v = strtoll(o, &end, 10);
		if (!*o || *end || v < 0 || v > 1000000000LL) {
			http_problem(r, 400, "bad-query", "offset must be a non-negative integer", NULL);
			return false;
		}
		*offset = v;
	}
	return true;
}

static bool is_api_path(const char *p)
{
	return strncmp(p, "/api/", 5) == 0 || strcmp(p, "/api") == 0 || strcmp(p, "/healthz") == 0 ||
	       strcmp(p, "/metrics") == 0;
}

/* single_writer_or_reply answers 403 record-node-hosted, naming the node
 * and its unit, when the write would change records a node writes
 * (xchg_write_owner), audited as a refusal. */
static bool single_writer_or_reply(app *a, http_req *r, const auth_user *u)
{
	db_conn *c = NULL;
	xchg_owner o;
	sj_err e = db_acquire(a->db, &c);
	if (!e && !(e = db_begin(c, DB_READ))) {
		e = xchg_write_owner(c, u->unit.path, http_path(r), &o);
		db_rollback(c);
	}
	if (c)
		db_release(a->db, c);
	if (e) {
		app_fail(r, e, NULL);
		return false;
	}
	if (!o.owned)
		return true;
	app_audit_refusal(a, r, u, "authz.refused", "record-node-hosted");
	http_problem(r, 403, "record-node-hosted", NULL,
		     json_pack("{s:s,s:s,s:{s:s,s:s}}", "node", o.node_id, "unit", o.unit, "vars", "node", o.node_id, "unit",
			       o.unit));
	return false;
}

void app_dispatch(http_req *r, void *ctx)
{
	app *a = ctx;
	const char *path = http_path(r), *method = http_method(r);

	if (http_query_has_duplicates(r)) {
		http_problem(r, 400, "bad-query", "a query parameter is repeated", NULL);
		return;
	}
	if (!is_api_path(path)) {
		http_serve_static(r, a->webroot);
		return;
	}
	const route *rt = NULL;
	bool path_known = false;
	for (size_t i = 0; i < app_routes_count; i++) {
		const route *x = &app_routes[i];
		if ((x->flags & ROUTE_TEST_ONLY) && !a->test_clock)
			continue;
		if (!match(x->pattern, path, r, false))
			continue;
		path_known = true;
		if (strcmp(x->method, method) == 0 ||
		    (strcmp(method, "HEAD") == 0 && strcmp(x->method, "GET") == 0)) {
			rt = x;
			break;
		}
	}
	if (!rt) {
		if (path_known)
			http_problem(r, 405, "method-not-allowed", "this method is not allowed here", NULL);
		else
			http_problem(r, 404, "not-found", "no such route", NULL);
		return;
	}
	if (!match(rt->pattern, path, r, true)) {
		http_problem(r, 400, "bad-path", "the path could not be read", NULL);
		return;
	}
	http_set_route(r, rt);
	if (rt->flags & ROUTE_PUBLIC) {
		if (body_or_reply(r, rt))
			rt->fn(a, r, NULL);
		return;
	}

	/* Authentication: a bearer token (machines, the API) or the session cookie. */
	const char *token = bearer_token(r);
	bool via_cookie = false;
	if (!token) {
		token = http_cookie(r, "sijill_session");
		via_cookie = token != NULL;
	}
	auth_user *u = calloc(1, sizeof *u);
	if (!u) {
		http_problem(r, 500, "internal", NULL, NULL);
		return;
	}
	sj_err e = token ? auth_session_lookup(a->db, token, u) : SJ_EAUTH;
	if (e == SJ_EAUTH) {
		if (!anon_refused(a, r, token ? "invalid-or-expired-session" : "no-credentials"))
			http_problem(r, 401, "unauthenticated", token ? "the session is invalid or has expired"
								      : "log in first", NULL);
		free(u);
		return;
	}
	if (e) {
		app_fail(r, e, NULL);
		free(u);
		return;
	}
	/* CSRF: a browser's state-changing request must echo the session's token. */
	if (via_cookie && strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		const char *h = http_header(r, "X-CSRF-Token");
		if (!h || strlen(h) != strlen(u->csrf) || sodium_memcmp(h, u->csrf, strlen(u->csrf)) != 0) {
			app_audit_refusal(a, r, u, "authz.refused", "csrf");
			http_problem(r, 403, "csrf", "missing or wrong X-CSRF-Token", NULL);
			free(u);
			return;
		}
	}
	/* A national or administrator account without a second factor may only enrol one. */
	if (u->mfa_pending && !(rt->flags & ROUTE_MFA_ENROL)) {
		app_audit_refusal(a, r, u, "authz.refused", "mfa-enrolment-required");
		http_problem(r, 403, "mfa-enrolment-required",
			     "set up your authenticator (POST /api/v1/me/totp) before anything else", NULL);
		free(u);
		return;
	}
	/* Authorisation: deny by default. */
	if (!(rt->roles & (unsigned)u->role)) {
		app_audit_refusal(a, r, u, "authz.refused", "role");
		http_problem(r, 403, "forbidden", "your role may not do this", NULL);
		free(u);
		return;
	}
	/* A route that needs OPJ status (ROUTE_OPJ) asks the user's record, not
	 * only the role: a commissaire is an OPJ by law (CPP 20). */
	if ((rt->flags & ROUTE_OPJ) && !u->opj) {
		app_audit_refusal(a, r, u, "authz.refused", "opj-required");
		http_problem(r, 403, "opj-required", "only an officer with OPJ status (CPP 20) may do this", NULL);
		free(u);
		return;
	}
	/* An auditor reads a record only through an audit entry that names it
	 * (issue 10 item 12): ?via=<seq>, checked against the entry's object. */
	if ((rt->flags & ROUTE_AUDIT_VIA) && u->role == ROLE_AUDITOR && !audit_via_ok(a, r, rt)) {
		app_audit_refusal(a, r, u, "authz.refused", "audit-entry-required");
		http_problem(r, 403, "audit-entry-required",
			     "an auditor reads a record through an audit entry that names it (?via=<entry number>)", NULL);
		free(u);
		return;
	}
	/* Single writer per record (DESIGN.md): at central, a record of a unit
	 * a node hosts is written by that node only; central reads it. */
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 && !single_writer_or_reply(a, r, u)) {
		free(u);
		return;
	}
	http_set_user(r, u);
	app_idem idem;
	if (body_or_reply(r, rt) && app_idem_check_or_reply(a, r, u, &idem))
		rt->fn(a, r, u);
	http_set_app_data(r, NULL);
	http_set_user(r, NULL);
	sodium_memzero(u, sizeof *u);
	free(u);
}

const char *app_base_url(app *a, http_req *r, char *out, size_t n)
{
	if (a->public_url[0])
		return a->public_url;
	const char *host = http_header(r, "Host");
	snprintf(out, n, "http://%s", host && !strpbrk(host, "\"<>' /\\") ? host : "127.0.0.1");
	return out;
}

void app_retry_after(http_req *r, sj_err e, int64_t seconds)
{
	if (e != SJ_ELIMIT)
		return;
	char ra[32];
	snprintf(ra, sizeof ra, "%lld", (long long)seconds);
	if (http_add_header(r, "Retry-After", ra)) {
		/* the problem still goes out without the header */
	}
}
