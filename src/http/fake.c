/* fake.c — in-process requests, for tests and fuzzing only (never used by
 * the server): a request built without a connection and handed to the
 * dispatcher as the listener would (see http.h). */
#include "http/http.h"
#include "http/http_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"

/* ---------- in-process requests: tests and fuzzing only ---------- */

/* pct_decode decodes %XX (and, in a query, '+' as space) of s[0..n) into a
 * new string; NULL on allocation failure. Mirrors MHD_http_unescape. */
static char *pct_decode(const char *s, size_t n, bool plus)
{
	char *o = malloc(n + 1);
	if (!o)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		if (s[i] == '%' && i + 2 < n && isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2]) && sscanf(s + i + 1, "%2x", &v) == 1) {
			o[k++] = (char)v;
			i += 2;
		} else if (plus && s[i] == '+') {
			o[k++] = ' ';
		} else {
			o[k++] = s[i];
		}
	}
	o[k] = '\0';
	return o;
}

http_req *http_req_fake(const char *method, const char *target, const char *const *headers, const void *body,
			size_t body_len, const char *ip)
{
	http_req *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->fake = true;
	r->started_us = clock_monotonic_us();
	id_new(r->request_id);
	snprintf(r->method, sizeof r->method, "%s", method);
	snprintf(r->ip, sizeof r->ip, "%s", ip ? ip : "127.0.0.1");
	buf_init(&r->body, SJ_MAX_BODY_DEFAULT);
	buf_init(&r->reply_copy, 64u * 1024 * 1024);
	/* room for the reply copy now, so that capturing a reply of up to 64 KiB
	 * allocates nothing (tests/alloc/ fails allocations inside dispatch) */
	if (buf_add(&r->reply_copy, "", 0) || buf_printf(&r->reply_copy, "%65535s", ""))
		goto fail;
	buf_reset(&r->reply_copy);
	const char *q = strchr(target, '?');
	size_t plen = q ? (size_t)(q - target) : strlen(target);
	r->path = pct_decode(target, plen, false);
	if (!r->path)
		goto fail;
	/* the query: name[=value] separated by '&', as MHD splits it */
	for (const char *p = q ? q + 1 : NULL; p && *p;) {
		const char *amp = strchr(p, '&');
		size_t len = amp ? (size_t)(amp - p) : strlen(p);
		if (len) {
			const char *eq = memchr(p, '=', len);
			size_t kl = eq ? (size_t)(eq - p) : len;
			char *k = pct_decode(p, kl, true);
			char *v = eq ? pct_decode(eq + 1, len - kl - 1, true) : strdup("");
			if (!k || !v) {
				free(k);
				free(v);
				goto fail;
			}
			enum MHD_Result ok = http_collect_query(r, MHD_GET_ARGUMENT_KIND, k, v);
			free(k);
			free(v);
			if (ok != MHD_YES)
				break;
		}
		p = amp ? amp + 1 : NULL;
	}
	for (int i = 0; headers && headers[i]; i++) {
		const char *colon = strchr(headers[i], ':');
		if (!colon || r->nfheaders == HTTP_FAKE_MAX_HEADERS - 1)
			continue;
		const char *v = colon + 1;
		while (*v == ' ')
			v++;
		char *k = strndup(headers[i], (size_t)(colon - headers[i])), *vv = strdup(v);
		if (!k || !vv) {
			free(k);
			free(vv);
			goto fail;
		}
		r->fheaders[r->nfheaders].k = k;
		r->fheaders[r->nfheaders].v = vv;
		r->nfheaders++;
	}
	if (body_len && buf_add(&r->body, body, body_len))
		r->body_too_large = true;
	return r;
fail:
	http_req_release(r);
	return NULL;
}

int http_req_fake_run(http_req *r, http_dispatch_fn dispatch, void *ctx)
{
	http_check_and_dispatch(r, dispatch, ctx);
	if (!r->replied)
		http_problem(r, 500, "internal", "the request was not answered", NULL);
	return r->status;
}

const char *http_req_fake_reply(const http_req *r, size_t *len, const char **ctype)
{
	if (len)
		*len = r->reply_copy.len;
	if (ctype)
		*ctype = r->reply_ctype;
	return buf_str(&r->reply_copy);
}

void http_req_fake_free(http_req *r)
{
	http_req_release(r);
}
