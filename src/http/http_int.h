/* http_int.h — the HTTP layer's internal header: the request as the
 * listener (server.c) and the in-process requests of the tests (fake.c)
 * both build it. Included by nothing outside src/http. */
#ifndef SJ_HTTP_INT_H
#define SJ_HTTP_INT_H

#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/id.h"
#include "core/limits.h"
#include "http/http.h"

#define HTTP_MAX_PARAMS 8
#define HTTP_MAX_RESP_HEADERS 16
#define HTTP_FAKE_MAX_HEADERS 16
#define HTTP_STOP_WAIT_MS 10000 /* at a stop, how long suspended answers may still take */

typedef struct kv {
	char *k;
	char *v;
} kv;

struct http_req {
	struct MHD_Connection *conn;
	const http_config *cfg;
	char method[16];
	char *path;
	char request_id[ID_LEN + 1];
	char ip[INET6_ADDRSTRLEN];
	int64_t started_us;
	buf body;
	bool body_too_large;
	bool early_reply;      /* replied before reading the body */
	bool secure;           /* came over TLS through the trusted proxy */
	kv query[SJ_MAX_QUERY_PARAMS];
	int nquery;
	bool query_dup;
	bool query_overflow;
	bool query_bad;        /* a name or value with a NUL byte or invalid UTF-8 */
	kv params[HTTP_MAX_PARAMS];
	int nparams;
	void *user;
	void *route;           /* the dispatcher's route row (opaque here) */
	void *app_data;        /* the dispatcher's bookkeeping (opaque here) */
	json_t *json;          /* the parsed body, owned (http_set_json) */
	/* the reply */
	bool replied;
	int status;
	struct MHD_Response *resp;
	kv headers[HTTP_MAX_RESP_HEADERS];
	int nheaders;
	/* http_req_fake only (tests and fuzzing): no connection; request headers
	 * here, and a copy of the reply body */
	bool dispatched;       /* the handler ran (a resumed connection is called again) */
	http_waiter *waiter;   /* http_defer: the answer waits for http_resume */
	bool fake;
	kv fheaders[HTTP_FAKE_MAX_HEADERS];
	int nfheaders;
	buf reply_copy;
	char reply_ctype[96];
	char *fake_cookie;
};

/* http_req_release frees r and what it owns (its reply too). */
void http_req_release(http_req *r);
/* http_collect_query: the MHD_KeyValueIterator that adds one query
 * parameter to r (cls), checked (UTF-8 text, no NUL, no duplicates). */
enum MHD_Result http_collect_query(void *cls, enum MHD_ValueKind kind, const char *key, const char *value);
/* http_check_and_dispatch: the checks every whole request passes before
 * dispatch sees it (the listener and the in-process requests share them). */
void http_check_and_dispatch(http_req *r, http_dispatch_fn dispatch, void *ctx);

#endif
