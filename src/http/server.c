/* server.c — the libmicrohttpd listener: reads requests within named limits,
 * hands each one to the dispatcher, queues its single reply with the security
 * headers, and writes the JSON-lines access log.
 *
 * Threads: MHD's internal polling with epoll and a thread pool; a handler runs
 * on a pool thread and may block on the database.
 */
#include "core/jdump.h"
#include "http/http.h"
#include "http/http_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/log.h"
#include "text/norm.h"

struct http_server {
	struct MHD_Daemon *d;
	http_config cfg;
	int port;
};

static _Atomic uint64_t st_requests, st_active, st_limits, st_dur, st_waiting;
static _Atomic uint64_t st_class[6];

void http_stats_get(http_stats *out)
{
	out->requests = atomic_load(&st_requests);
	out->active = atomic_load(&st_active);
	out->rejected_limits = atomic_load(&st_limits);
	out->duration_us_sum = atomic_load(&st_dur);
	for (int i = 0; i < 6; i++)
		out->by_class[i] = atomic_load(&st_class[i]);
}

/* ---------- request accessors ---------- */

const char *http_method(const http_req *r) { return r->method; }
const char *http_path(const http_req *r) { return r->path; }
const char *http_request_id(const http_req *r) { return r->request_id; }
bool http_secure(const http_req *r) { return r->secure; }
const char *http_client_ip(const http_req *r) { return r->ip; }
void http_set_user(http_req *r, void *user) { r->user = user; }
void *http_user(const http_req *r) { return r->user; }

void http_set_route(http_req *r, const void *route)
{
	r->route = (void *)route;
}

const void *http_route(const http_req *r)
{
	return r->route;
}

void http_set_app_data(http_req *r, void *data) { r->app_data = data; }
void *http_app_data(const http_req *r) { return r->app_data; }

void http_set_json(http_req *r, json_t *body)
{
	json_decref(r->json);
	r->json = body;
}

json_t *http_json(const http_req *r)
{
	return r->json;
}
bool http_replied(const http_req *r) { return r->replied; }
int http_status(const http_req *r) { return r->status; }
int http_query_count(const http_req *r) { return r->nquery; }
bool http_query_has_duplicates(const http_req *r) { return r->query_dup || r->query_overflow; }

static const char *fake_header(const http_req *r, const char *name)
{
	for (int i = 0; i < r->nfheaders; i++)
		if (strcasecmp(r->fheaders[i].k, name) == 0)
			return r->fheaders[i].v;
	return NULL;
}

/* fake_cookie finds name=value in the fake request's Cookie header and keeps
 * a copy of the value on the request (freed with it). */
static const char *fake_cookie(const http_req *r, const char *name)
{
	const char *h = fake_header(r, "Cookie");
	size_t nl = strlen(name);
	while (h && *h) {
		while (*h == ' ' || *h == ';')
			h++;
		const char *end = strchr(h, ';');
		size_t len = end ? (size_t)(end - h) : strlen(h);
		if (len > nl && strncmp(h, name, nl) == 0 && h[nl] == '=') {
			http_req *w = (http_req *)r;
			free(w->fake_cookie);
			w->fake_cookie = strndup(h + nl + 1, len - nl - 1);
			return w->fake_cookie;
		}
		h = end;
	}
	return NULL;
}

const char *http_header(const http_req *r, const char *name)
{
	if (r->fake)
		return fake_header(r, name);
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *http_query(const http_req *r, const char *name)
{
	for (int i = 0; i < r->nquery; i++)
		if (strcmp(r->query[i].k, name) == 0)
			return r->query[i].v;
	return NULL;
}

const char *http_query_name(const http_req *r, int i)
{
	return i >= 0 && i < r->nquery ? r->query[i].k : NULL;
}

const char *http_cookie(const http_req *r, const char *name)
{
	if (r->fake)
		return fake_cookie(r, name);
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

const char *http_body(const http_req *r, size_t *len)
{
	*len = r->body.len;
	return buf_str(&r->body);
}

sj_err http_set_param(http_req *r, const char *name, const char *value, size_t vlen)
{
	if (r->nparams == HTTP_MAX_PARAMS)
		return SJ_ELIMIT;
	char *k = strdup(name), *v = strndup(value, vlen);
	if (!k || !v) {
		free(k);
		free(v);
		return SJ_ENOMEM;
	}
	r->params[r->nparams].k = k;
	r->params[r->nparams].v = v;
	r->nparams++;
	return SJ_OK;
}

const char *http_param(const http_req *r, const char *name)
{
	for (int i = 0; i < r->nparams; i++)
		if (strcmp(r->params[i].k, name) == 0)
			return r->params[i].v;
	return NULL;
}

/* ---------- replies ---------- */

sj_err http_add_header(http_req *r, const char *name, const char *value)
{
	if (r->nheaders == HTTP_MAX_RESP_HEADERS)
		return SJ_ELIMIT;
	char *k = strdup(name), *v = strdup(value);
	if (!k || !v) {
		free(k);
		free(v);
		return SJ_ENOMEM;
	}
	r->headers[r->nheaders].k = k;
	r->headers[r->nheaders].v = v;
	r->nheaders++;
	return SJ_OK;
}

/* fake_capture keeps a copy of a fake request's reply (tests and fuzzing). */
static void fake_capture(http_req *r, const char *ctype, const void *data, size_t len)
{
	if (!r->fake || r->replied)
		return;
	buf_reset(&r->reply_copy);
	if (buf_add(&r->reply_copy, data, len))
		buf_reset(&r->reply_copy);
	snprintf(r->reply_ctype, sizeof r->reply_ctype, "%s", ctype ? ctype : "");
}

static void set_response(http_req *r, int status, struct MHD_Response *resp, const char *ctype)
{
	if (r->replied) {
		/* A second reply is a bug in a handler. */
		if (resp)
			MHD_destroy_response(resp);
		log_msg(LOG_ERROR, "second reply ignored",
			json_pack("{s:s,s:i}", "request_id", r->request_id, "status", status));
		return;
	}
	r->replied = true;
	r->status = status;
	r->resp = resp;
	if (resp && ctype)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
}

void http_reply_bytes(http_req *r, int status, const char *ctype, const void *data, size_t len)
{
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
	fake_capture(r, ctype, data, len);
	set_response(r, status, resp, ctype);
}

void http_reply_file(http_req *r, int status, const char *ctype, int fd, uint64_t size)
{
	struct MHD_Response *resp = MHD_create_response_from_fd64(size, fd);
	if (!resp)
		close(fd);
	fake_capture(r, ctype, "", 0);
	set_response(r, status, resp, ctype);
}

void http_reply_json(http_req *r, int status, json_t *body)
{
	if (!body)
		body = json_object();
	char *s = jdump_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(body);
	if (!s) {
		set_response(r, 500, NULL, NULL);
		return;
	}
	size_t n = strlen(s);
	fake_capture(r, "application/json; charset=utf-8", s, n);
	struct MHD_Response *resp = MHD_create_response_from_buffer(n, s, MHD_RESPMEM_MUST_FREE);
	if (!resp)
		free(s);
	set_response(r, status, resp, "application/json; charset=utf-8");
}

/* ---------- answers that wait (http_defer) ---------- */

/* Shared by the request and its reporter; freed by the last of the two. The
 * connection is resumed only once it is suspended (the report may come
 * first, from the thread that ran the handler), and never after the request
 * is gone. */
struct http_waiter {
	pthread_mutex_t mx;
	int refs;
	bool done, suspended, gone;
	sj_err err;
	struct MHD_Connection *conn;
};

static void waiter_unref(http_waiter *w)
{
	pthread_mutex_lock(&w->mx);
	int left = --w->refs;
	pthread_mutex_unlock(&w->mx);
	if (left == 0) {
		pthread_mutex_destroy(&w->mx);
		free(w);
	}
}

http_waiter *http_defer(http_req *r)
{
	if (r->fake || r->waiter || !r->conn)
		return NULL;
	http_waiter *w = calloc(1, sizeof *w);
	if (!w || pthread_mutex_init(&w->mx, NULL) != 0) {
		free(w);
		return NULL;
	}
	w->refs = 2;
	w->conn = r->conn;
	r->waiter = w;
	return w;
}

void http_resume(http_waiter *w, sj_err e)
{
	pthread_mutex_lock(&w->mx);
	w->done = true;
	w->err = e;
	if (w->suspended && !w->gone)
		MHD_resume_connection(w->conn);
	pthread_mutex_unlock(&w->mx);
	waiter_unref(w);
}

uint64_t http_waiting(void) { return atomic_load(&st_waiting); }

/* ---------- the MHD side ---------- */

void http_req_release(http_req *r)
{
	if (!r)
		return;
	if (r->waiter) {
		pthread_mutex_lock(&r->waiter->mx);
		r->waiter->gone = true;
		pthread_mutex_unlock(&r->waiter->mx);
		waiter_unref(r->waiter);
	}
	free(r->path);
	buf_free(&r->body);
	json_decref(r->json);
	for (int i = 0; i < r->nquery; i++) {
		free(r->query[i].k);
		free(r->query[i].v);
	}
	for (int i = 0; i < r->nparams; i++) {
		free(r->params[i].k);
		free(r->params[i].v);
	}
	for (int i = 0; i < r->nheaders; i++) {
		free(r->headers[i].k);
		free(r->headers[i].v);
	}
	for (int i = 0; i < r->nfheaders; i++) {
		free(r->fheaders[i].k);
		free(r->fheaders[i].v);
	}
	buf_free(&r->reply_copy);
	free(r->fake_cookie);
	if (r->resp)
		MHD_destroy_response(r->resp);
	free(r);
}

enum MHD_Result http_collect_query(void *cls, enum MHD_ValueKind kind, const char *key,
				     const char *value)
{
	http_req *r = cls;
	(void)kind;
	if (!txt_valid_utf8(key, strlen(key)) || (value && !txt_valid_utf8(value, strlen(value))))
		r->query_bad = true;
	for (int i = 0; i < r->nquery; i++)
		if (strcmp(r->query[i].k, key) == 0)
			r->query_dup = true;
	if (r->nquery == SJ_MAX_QUERY_PARAMS) {
		r->query_overflow = true;
		return MHD_NO;
	}
	char *k = strdup(key), *v = strdup(value ? value : "");
	if (!k || !v) {
		free(k);
		free(v);
		r->query_overflow = true;
		return MHD_NO;
	}
	r->query[r->nquery].k = k;
	r->query[r->nquery].v = v;
	r->nquery++;
	return MHD_YES;
}

/* collect_query_n sees the decoded sizes: a value with an embedded NUL
 * (%00) would be silently cut short as a C string, so it is refused. */
static enum MHD_Result collect_query_n(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
				       const char *value, size_t value_size)
{
	http_req *r = cls;
	if (strlen(key) != key_size || (value && strlen(value) != value_size))
		r->query_bad = true;
	return http_collect_query(cls, kind, key, value);
}

typedef struct hdr_count {
	int content_length;
	int transfer_encoding;
	size_t bytes;
} hdr_count;

static enum MHD_Result count_headers(void *cls, enum MHD_ValueKind kind, const char *key,
				     const char *value)
{
	hdr_count *c = cls;
	(void)kind;
	if (strcasecmp(key, "Content-Length") == 0)
		c->content_length++;
	if (strcasecmp(key, "Transfer-Encoding") == 0)
		c->transfer_encoding++;
	c->bytes += strlen(key) + (value ? strlen(value) : 0) + 4;
	return MHD_YES;
}

#define CSP_HEAD \
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'"
#define CSP_TAIL "; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
static char g_csp[512] = CSP_HEAD CSP_TAIL;

void http_set_connect_origin(const char *origin)
{
	/* scheme://host:port only, and only loopback (the config's K_URL check) */
	char o[128] = "";
	if (origin && (strncmp(origin, "http://127.", 11) == 0 || strncmp(origin, "http://[::1]", 12) == 0)) {
		const char *p = origin + 7;
		size_t n = strcspn(p, "/?# ;,'\"");
		snprintf(o, sizeof o, "http://%.*s", (int)(n < 100 ? n : 100), p);
	}
	snprintf(g_csp, sizeof g_csp, "%s%s%s%s", CSP_HEAD, o[0] ? " " : "", o, CSP_TAIL);
}

static void add_security_headers(struct MHD_Response *resp, const http_req *r)
{
	MHD_add_response_header(resp, "X-Request-Id", r->request_id);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
	MHD_add_response_header(resp, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
	MHD_add_response_header(resp, "Content-Security-Policy", g_csp);
	bool has_cache = false;
	for (int i = 0; i < r->nheaders; i++) {
		MHD_add_response_header(resp, r->headers[i].k, r->headers[i].v);
		if (strcasecmp(r->headers[i].k, "Cache-Control") == 0)
			has_cache = true;
	}
	if (!has_cache)
		MHD_add_response_header(resp, "Cache-Control", "no-store");
}

static enum MHD_Result queue_reply(http_req *r)
{
	if (!r->replied)
		http_problem(r, 500, "internal", "the request was not answered", NULL);
	if (!r->resp) {
		/* Could not even build a response: answer a fixed 500. */
		static const char fallback[] = "{\"code\":\"internal\",\"status\":500}";
		r->resp = MHD_create_response_from_buffer(sizeof fallback - 1, (void *)fallback,
							  MHD_RESPMEM_PERSISTENT);
		if (!r->resp)
			return MHD_NO;
		MHD_add_response_header(r->resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/problem+json");
		r->status = 500;
	}
	add_security_headers(r->resp, r);
	enum MHD_Result ret = MHD_queue_response(r->conn, (unsigned)r->status, r->resp);
	return ret;
}

/* answer_waited sends what the handler built — once its report (if it
 * waited for one, http_defer) came: an error report replaces the answer by
 * a problem, so that nothing the handler built goes out. */
static enum MHD_Result answer_waited(http_req *r)
{
	http_waiter *w = r->waiter;
	if (w) {
		pthread_mutex_lock(&w->mx);
		sj_err e = w->err;
		if (w->suspended) {
			w->suspended = false;
			atomic_fetch_sub(&st_waiting, 1);
		}
		pthread_mutex_unlock(&w->mx);
		if (e) {
			if (r->resp)
				MHD_destroy_response(r->resp);
			r->resp = NULL;
			r->replied = false;
			for (int i = 0; i < r->nheaders; i++) {
				free(r->headers[i].k);
				free(r->headers[i].v);
			}
			r->nheaders = 0;
			bool busy = e == SJ_EBUSY || e == SJ_EUNAVAIL;
			if (busy && http_add_header(r, "Retry-After", "1")) {
				/* the problem still goes out without the header */
			}
			if (e == SJ_ECONFLICT) /* a write whose commit met another's */
				http_problem(r, 409, "conflict", "the change met another one; read again and retry", NULL);
			else
				http_problem(r, busy ? 503 : 500, busy ? "busy" : "internal",
					     busy ? "the change or the audit log could not be written now; try again" : NULL,
					     NULL);
		}
	}
	return queue_reply(r);
}

/* check_and_dispatch: the checks every whole request passes before the
 * dispatcher sees it (the listener and the test entry point share them). */
void http_check_and_dispatch(http_req *r, http_dispatch_fn dispatch, void *ctx)
{
	if (r->body_too_large) {
		atomic_fetch_add(&st_limits, 1);
		http_problem(r, 413, "body-too-large", "the request body exceeds the limit", NULL);
	} else if (r->query_overflow) {
		http_problem(r, 400, "bad-query", "too many query parameters", NULL);
	} else if (r->query_bad) {
		http_problem(r, 400, "bad-query", "a query parameter is not valid UTF-8 text", NULL);
	} else if (!txt_valid_utf8(r->path, strlen(r->path))) {
		http_problem(r, 400, "bad-path", "the path is not valid UTF-8 text", NULL);
	} else {
		dispatch(r, ctx);
	}
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	http_server *srv = cls;
	http_req *r = *con_cls;
	(void)version;

	if (!r) {
		r = calloc(1, sizeof *r);
		if (!r)
			return MHD_NO;
		*con_cls = r;
		atomic_fetch_add(&st_active, 1);
		r->conn = conn;
		r->cfg = &srv->cfg;
		r->started_us = clock_monotonic_us();
		id_new(r->request_id);
		snprintf(r->method, sizeof r->method, "%s", method);
		r->path = strdup(url ? url : "/");
		buf_init(&r->body, srv->cfg.max_body);
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (ci && ci->client_addr) {
			const struct sockaddr *sa = ci->client_addr;
			if (sa->sa_family == AF_INET)
				inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, r->ip, sizeof r->ip);
			else if (sa->sa_family == AF_INET6)
				inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, r->ip, sizeof r->ip);
		}
		if (!r->path)
			return MHD_NO;
		/* X-Forwarded-Proto is believed from the configured proxy only */
		const char *xfp = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-Proto");
		r->secure = srv->cfg.trusted_proxy && xfp && strcmp(r->ip, srv->cfg.trusted_proxy) == 0 &&
			    strcasecmp(xfp, "https") == 0;
		MHD_get_connection_values_n(conn, MHD_GET_ARGUMENT_KIND, collect_query_n, r);

		/* Framing checks before any body byte is read (RFC 9112 §6.3). */
		hdr_count hc = {0, 0, 0};
		MHD_get_connection_values(conn, MHD_HEADER_KIND, count_headers, &hc);
		if (hc.content_length > 1 || (hc.content_length && hc.transfer_encoding)) {
			r->early_reply = true;
			http_problem(r, 400, "bad-framing",
				     "duplicate Content-Length, or Content-Length with Transfer-Encoding", NULL);
			return queue_reply(r);
		}
		if (hc.bytes > SJ_MAX_HEADER_BYTES) {
			r->early_reply = true;
			atomic_fetch_add(&st_limits, 1);
			http_problem(r, 431, "headers-too-large", "request headers exceed the limit", NULL);
			return queue_reply(r);
		}
		if (strlen(r->path) > SJ_MAX_URL_BYTES) {
			r->early_reply = true;
			atomic_fetch_add(&st_limits, 1);
			http_problem(r, 414, "uri-too-long", "the request target exceeds the limit", NULL);
			return queue_reply(r);
		}
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
		if (cl) {
			char *end = NULL;
			unsigned long long n = strtoull(cl, &end, 10);
			if (!end || *end || end == cl) {
				r->early_reply = true;
				http_problem(r, 400, "bad-framing", "Content-Length is not a number", NULL);
				return queue_reply(r);
			}
			if (n > srv->cfg.max_body) {
				/* A client that did not ask (Expect: 100-continue) is
				 * already sending the body: answering now and closing
				 * would reset the connection under it ("broken pipe")
				 * before it reads the 413. Drain a body of bounded size
				 * instead (the connection timeout bounds a slow one)
				 * and answer 413 once it is read. */
				const char *ex = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Expect");
				if (!ex && n <= SJ_MAX_DRAIN_BYTES) {
					r->body_too_large = true;
					return MHD_YES;
				}
				r->early_reply = true;
				atomic_fetch_add(&st_limits, 1);
				http_problem(r, 413, "body-too-large", "the request body exceeds the limit", NULL);
				return queue_reply(r);
			}
		}
		return MHD_YES;
	}

	if (r->dispatched)
		return answer_waited(r); /* resumed: the report came */
	if (r->early_reply) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (!r->body_too_large && buf_add(&r->body, upload_data, *upload_data_size))
			r->body_too_large = true;
		*upload_data_size = 0;
		return MHD_YES;
	}
	http_check_and_dispatch(r, srv->cfg.dispatch, srv->cfg.ctx);
	r->dispatched = true;
	if (r->waiter) {
		/* the answer waits for its report: free this worker meanwhile */
		http_waiter *w = r->waiter;
		pthread_mutex_lock(&w->mx);
		bool wait = !w->done;
		if (wait) {
			MHD_suspend_connection(conn);
			w->suspended = true;
			atomic_fetch_add(&st_waiting, 1);
		}
		pthread_mutex_unlock(&w->mx);
		if (wait)
			return MHD_YES;
	}
	return answer_waited(r);
}

/* log_safe_path copies path into out, as is when it is UTF-8 text, else
 * with every byte outside printable ASCII written %XX. */
static void log_safe_path(const char *path, char *out, size_t outsz)
{
	size_t len = strlen(path), n = 0;
	if (txt_valid_utf8(path, len)) {
		snprintf(out, outsz, "%s", path);
		return;
	}
	for (size_t i = 0; i < len && n + 4 < outsz; i++) {
		unsigned char ch = (unsigned char)path[i];
		if (ch >= 0x20 && ch < 0x7f && ch != '%')
			out[n++] = (char)ch;
		else
			n += (size_t)snprintf(out + n, outsz - n, "%%%02X", ch);
	}
	out[n] = '\0';
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	http_req *r = *con_cls;
	if (!r)
		return;
	*con_cls = NULL;
	int64_t dur = clock_monotonic_us() - r->started_us;
	atomic_fetch_sub(&st_active, 1);
	atomic_fetch_add(&st_requests, 1);
	atomic_fetch_add(&st_dur, (uint64_t)(dur > 0 ? dur : 0));
	int cls_i = r->status / 100;
	if (cls_i >= 1 && cls_i <= 5)
		atomic_fetch_add(&st_class[cls_i], 1);
	/* a path that is not UTF-8 is logged with its bytes escaped (%XX):
	 * JSON holds only text, and the line must still name it */
	char safe[SJ_MAX_URL_BYTES * 3 + 1];
	log_safe_path(r->path ? r->path : "", safe, sizeof safe);
	log_msg(LOG_INFO, "request",
		json_pack("{s:s,s:s,s:s,s:i,s:I,s:s,s:b}", "request_id", r->request_id, "method",
			  r->method, "path", safe, "status", r->status,
			  "duration_us", (json_int_t)dur, "ip", r->ip,
			  "completed", toe == MHD_REQUEST_TERMINATED_COMPLETED_OK));
	http_req_release(r);
}

__attribute__((format(printf, 2, 0)))
static void mhd_logger(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char msg[512];
	vsnprintf(msg, sizeof msg, fmt, ap);
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	log_msg(LOG_WARN, "http", json_pack("{s:s}", "detail", msg));
}

sj_err http_start(const http_config *cfg, http_server **out)
{
	*out = NULL;
	http_server *s = calloc(1, sizeof *s);
	if (!s)
		return SJ_ENOMEM;
	s->cfg = *cfg;
	if (!s->cfg.max_body)
		s->cfg.max_body = SJ_MAX_BODY_DEFAULT;
	if (!s->cfg.max_connections)
		s->cfg.max_connections = SJ_MAX_CONNECTIONS;
	if (!s->cfg.max_per_ip)
		s->cfg.max_per_ip = SJ_MAX_PER_IP;
	if (!s->cfg.timeout_s)
		s->cfg.timeout_s = SJ_CONN_TIMEOUT_S;
	if (s->cfg.threads < 1)
		s->cfg.threads = 4;

	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	/* MHD_ALLOW_SUSPEND_RESUME: an answer waiting for its audit entry to be
	 * durable frees its worker (http_defer) */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, cfg->host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)cfg->port);
	} else if (inet_pton(AF_INET6, cfg->host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)cfg->port);
		flags |= MHD_USE_IPv6;
	} else {
		free(s);
		return SJ_EINVAL;
	}
	s->d = MHD_start_daemon(flags, (uint16_t)cfg->port, NULL, NULL, on_request, s,
				MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, NULL,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s->cfg.threads,
				MHD_OPTION_CONNECTION_LIMIT, s->cfg.max_connections,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT, s->cfg.max_per_ip,
				MHD_OPTION_CONNECTION_TIMEOUT, s->cfg.timeout_s,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SJ_CONN_MEMORY,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
				MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
				MHD_OPTION_END);
	if (!s->d) {
		free(s);
		return SJ_EIO;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di ? di->port : cfg->port;
	*out = s;
	return SJ_OK;
}

int http_port(const http_server *s) { return s->port; }

void http_stop(http_server *s)
{
	if (!s)
		return;
	/* libmicrohttpd refuses to stop with suspended connections: stop
	 * accepting, let the waiting answers go out (a pass takes milliseconds;
	 * bounded all the same), then stop */
	MHD_socket ls = MHD_quiesce_daemon(s->d);
	if (ls != MHD_INVALID_SOCKET)
		close(ls);
	for (int i = 0; i < HTTP_STOP_WAIT_MS / 10 && atomic_load(&st_waiting) > 0; i++)
		usleep(10 * 1000);
	MHD_stop_daemon(s->d);
	free(s);
}
