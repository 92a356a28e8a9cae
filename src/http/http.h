/* http.h — the HTTP layer: libmicrohttpd lives behind this header only.
 *
 * The server reads a whole request (headers, then a size-capped body), gives it
 * a request id, and calls one dispatch function with an http_req. The
 * dispatcher answers with exactly one http_reply_* / http_problem call. Bodies
 * are JSON only (or static files); there is no form parsing.
 */
#ifndef SJ_HTTP_H
#define SJ_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/err.h"

typedef struct http_req http_req;
typedef void (*http_dispatch_fn)(http_req *req, void *ctx);

typedef struct http_config {
	const char *host;          /* "127.0.0.1", "::1", "0.0.0.0" ... */
	int port;                  /* 0: pick a free port */
	int threads;               /* worker threads (thread pool) */
	size_t max_body;           /* bytes; default SJ_MAX_BODY_DEFAULT */
	unsigned max_connections;
	unsigned max_per_ip;
	unsigned timeout_s;
	http_dispatch_fn dispatch;
	void *ctx;                 /* passed to dispatch */
	const char *trusted_proxy; /* the TLS-terminating proxy's address, or NULL (config trusted_proxy) */
} http_config;

typedef struct http_server http_server;

/* http_set_connect_origin adds origin (a loopback http://127.x:PORT, the
 * mobile kit's capture device; config device_url) to the pages'
 * Content-Security-Policy connect-src; NULL or "" none. Before http_start. */
void http_set_connect_origin(const char *origin);
/* http_start binds and starts serving; *out owned by the caller, stopped and
 * freed with http_stop. Returns SJ_EIO when the address cannot be bound. */
SJ_MUST_USE sj_err http_start(const http_config *cfg, http_server **out);
/* http_port returns the bound port (useful after port 0). */
int http_port(const http_server *s);
/* http_stop stops accepting, finishes running requests, frees s; NULL-safe. */
void http_stop(http_server *s);

/* --- reading the request (valid during dispatch only; strings owned by req) --- */
const char *http_method(const http_req *r);
const char *http_path(const http_req *r);           /* decoded path, no query */
const char *http_request_id(const http_req *r);
/* http_secure: the client reached us over TLS — the request came from the
 * configured trusted proxy with X-Forwarded-Proto: https (a Secure cookie). */
bool http_secure(const http_req *r);
const char *http_client_ip(const http_req *r);
/* http_header returns the first value of header name (case-insensitive) or NULL. */
const char *http_header(const http_req *r, const char *name);
/* http_query returns the decoded value of query parameter name, or NULL. */
const char *http_query(const http_req *r, const char *name);
/* http_query_count returns how many query parameters there are (all names). */
int http_query_count(const http_req *r);
/* http_query_dup returns true when some query parameter name appears twice. */
bool http_query_has_duplicates(const http_req *r);
/* http_query_name returns the name of the i-th query parameter (0-based) or NULL. */
const char *http_query_name(const http_req *r, int i);
/* http_cookie returns the value of cookie name, or NULL. */
const char *http_cookie(const http_req *r, const char *name);
/* http_body returns the body bytes (NUL-terminated) and sets *len. */
const char *http_body(const http_req *r, size_t *len);
/* Route parameters, set by the router: name → value (owned by req). */
SJ_MUST_USE sj_err http_set_param(http_req *r, const char *name, const char *value, size_t vlen);
const char *http_param(const http_req *r, const char *name);
/* An opaque pointer the dispatcher may hang on the request (the caller, say). */
void http_set_user(http_req *r, void *user);
void *http_user(const http_req *r);
/* The dispatcher's route row for this request (opaque to the HTTP layer). */
void http_set_route(http_req *r, const void *route);
const void *http_route(const http_req *r);
/* One more opaque pointer for the dispatcher's own bookkeeping during
 * dispatch (app: the request's idempotency key); never freed here. */
void http_set_app_data(http_req *r, void *data);
void *http_app_data(const http_req *r);
/* http_set_json hands the request its parsed, validated body (reference
 * stolen; replaces any earlier one); http_json returns it, borrowed, or NULL.
 * The request frees it when it ends: handlers never decref their body. */
void http_set_json(http_req *r, json_t *body);
json_t *http_json(const http_req *r);

/* --- answering (exactly one of these per request) --- */
/* http_reply_json sends body (reference stolen; NULL sends {}) as application/json. */
void http_reply_json(http_req *r, int status, json_t *body);
/* http_reply_bytes sends data (copied) with the given content type. */
void http_reply_bytes(http_req *r, int status, const char *ctype, const void *data, size_t len);
/* http_reply_file sends the file at path (opened read-only) with ctype. */
void http_reply_file(http_req *r, int status, const char *ctype, int fd, uint64_t size);
/* http_problem sends RFC 9457 application/problem+json:
 * {"type":"urn:sijill:problem:<code>","title":...,"status":...,"code":code,
 *  "detail":detail,"instance":request id} plus any extra members (stolen),
 * and "message": {"ar","fr"} from the dictionaries' "err.<code>" entry
 * (its {placeholders} filled from extra's "vars" object) unless extra has one. */
void http_problem(http_req *r, int status, const char *code, const char *detail, json_t *extra);
/* --- an answer that waits for another thread (issue 21: the worker is freed) ---
 * http_defer says that the answer r is building must not be sent before
 * another thread reports (http_resume): when the handler returns, the
 * connection is suspended (MHD_suspend_connection) and its worker thread
 * serves other connections; the report resumes it and the answer the
 * handler built goes out then — or, when the report is an error, a 503
 * (SJ_EBUSY, SJ_EUNAVAIL) or 500 problem instead. Returns the waiter the
 * reporter is given, or NULL when r cannot wait so (an in-process request,
 * or a waiter already set): the caller then waits on its own thread.
 * http_resume reports once, from any thread, even before the handler has
 * returned (the answer then goes out without a suspension); after it the
 * waiter is not the reporter's any more. */
typedef struct http_waiter http_waiter;
http_waiter *http_defer(http_req *r);
void http_resume(http_waiter *w, sj_err e);
/* http_waiting: connections suspended now (for a clean stop, /metrics). */
uint64_t http_waiting(void);

/* http_add_header adds a response header for the reply still to be sent. */
SJ_MUST_USE sj_err http_add_header(http_req *r, const char *name, const char *value);
/* http_replied returns true once a reply was queued; http_status its status. */
bool http_replied(const http_req *r);
int http_status(const http_req *r);

/* Statistics for /metrics (process-wide counters). */
typedef struct http_stats {
	uint64_t requests;
	uint64_t by_class[6];      /* 1xx..5xx by status/100; [0] unused */
	uint64_t rejected_limits;  /* 413/431/429 */
	uint64_t active;
	uint64_t duration_us_sum;
} http_stats;
void http_stats_get(http_stats *out);

/* --- in-process requests: FOR TESTS AND FUZZING ONLY (never used by the server) ---
 * http_req_fake builds a request without a connection: method, target (path
 * with an optional "?query", percent-encoded as on the wire), headers
 * ("Name: value", NULL-terminated; a "Cookie" header feeds http_cookie), the
 * body (copied, capped at SJ_MAX_BODY_DEFAULT) and the client address (NULL:
 * 127.0.0.1). Returns NULL when out of memory; free with http_req_fake_free.
 * http_req_fake_run hands it to dispatch (as the server would, after the
 * body-size and query checks) and returns the reply's status.
 * http_req_fake_reply returns a copy of the reply body (owned by r; "" for a
 * file) and its content type. */
http_req *http_req_fake(const char *method, const char *target, const char *const *headers, const void *body,
			size_t body_len, const char *ip);
int http_req_fake_run(http_req *r, http_dispatch_fn dispatch, void *ctx);
const char *http_req_fake_reply(const http_req *r, size_t *len, const char **ctype);
void http_req_fake_free(http_req *r);

#endif

/* --- static files (static.c) --- */
/* http_serve_static answers GET/HEAD of a file below root (an absolute, real
 * directory path): no "..", no hidden files, no symlinks out, correct content
 * type; "/" and unknown extension-less paths serve index.html (the UI routes
 * itself). Answers 404 problem+json when nothing matches. */
void http_serve_static(http_req *r, const char *root);

/* --- JSON bodies (json.c) --- */

/* hjson_body_or_reply parses the request body as one JSON object: it must be
 * application/json, valid UTF-8, no duplicate keys, nesting at most
 * SJ_MAX_JSON_DEPTH. Returns a new reference (caller decrefs) or NULL after
 * answering 400/415 problem+json. Fields are checked by the route's record
 * (core/record.h: rec_check), not here. */
json_t *hjson_body_or_reply(http_req *r);
/* hjson_errors_or_reply takes errs (reference stolen): empty → true; otherwise
 * answers 400 "validation" with {"errors": errs} and returns false. NULL errs
 * answers 500. */
bool hjson_errors_or_reply(http_req *r, json_t *errs);
