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
#include "core/log.h"

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
	case SJ_EBUSY: http_problem(r, 503, "busy", "the database is busy; try again", NULL); break;
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
		.ip = http_client_ip(r),
		.detail = detail,
	};
	sj_err e = audit_append(c, &ae, NULL);
	json_decref(detail);
	return e;
}

void app_audit_refusal(app *a, http_req *r, const auth_user *u, const char *action, const char *why)
{
	json_t *detail = json_pack("{s:s,s:s,s:s}", "reason", why, "method", http_method(r), "path",
				   http_path(r));
	audit_entry ae = {
		.actor_id = u ? u->id : NULL,
		.badge = u ? u->badge : NULL,
		.role = u ? role_name(u->role) : NULL,
		.unit_code = u ? u->unit.code : NULL,
		.action = action,
		.object_type = "route",
		.object_id = http_path(r),
		.outcome = "refused",
		.request_id = http_request_id(r),
		.ip = http_client_ip(r),
		.detail = detail,
	};
	/* no transaction of its own: the committer chains it with others */
	sj_err e = detail ? audit_record(a->db, &ae) : SJ_ENOMEM;
	json_decref(detail);
	if (e)
		log_msg(LOG_ERROR, "could not audit a refusal",
			json_pack("{s:s,s:s}", "request_id", http_request_id(r), "error", sj_err_name(e)));
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
	return c;
}

db_conn *app_begin_or_drop(app *a, http_req *r, json_t *body)
{
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		json_decref(body);
	return c;
}

bool app_finish(app *a, http_req *r, db_conn *c, sj_err e)
{
	/* A read's audit entries were only queued (app_audit on DB_READ): they
	 * go to the group committer once the read is over, and the answer waits
	 * until they are durable. A write's entry commits with it. */
	audit_queue *q = audit_take(c);
	if (!e)
		e = db_commit(c);
	if (e)
		db_rollback(c);
	db_release(a->db, c);
	if (e)
		audit_queue_free(q);
	else
		e = audit_flush(a->db, q);
	if (e && !http_replied(r))
		app_fail(r, e, NULL);
	return e == SJ_OK;
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
	if (rt->flags & ROUTE_PUBLIC) {
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
		app_audit_refusal(a, r, NULL, "authn.refused", token ? "invalid-or-expired-session" : "no-credentials");
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
	http_set_user(r, u);
	rt->fn(a, r, u);
	http_set_user(r, NULL);
	sodium_memzero(u, sizeof *u);
	free(u);
}
