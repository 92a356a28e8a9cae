/* fuzz_dispatch.c — every route's request validation through the real
 * dispatcher (app_dispatch), in process, on a SQLite database made like
 * `sijill init --demo` (fixture.c).
 *
 * Input: byte 0 picks the route (modulo the table), byte 1 the caller (a demo
 * user or nobody), byte 2 flags (bit 0: authenticate with the cookie instead
 * of a bearer token; bit 1: with the right X-CSRF-Token; bit 2: a wrong
 * Content-Type; bit 3: the path parameter from the input instead of a
 * fixture id), then "PARAM\nQUERY\nBODY". Checks (fz_request): never a 5xx,
 * every 4xx a problem document.
 *
 * Not driven: POST /session, PUT /me/password and POST /users (each spends an
 * argon2id hash of 64 MiB: too slow for fuzzing; their JSON validation is the
 * same hjson code), DELETE /session and PATCH /users/{badge} (they would
 * revoke or disable the fixture's callers). The test clock is off. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static bool skipped(const route *rt)
{
	return (strcmp(rt->pattern, "/api/v1/session") == 0) || strcmp(rt->pattern, "/api/v1/me/password") == 0 ||
	       (strcmp(rt->pattern, "/api/v1/users") == 0 && strcmp(rt->method, "POST") == 0) ||
	       strcmp(rt->pattern, "/api/v1/users/{badge}") == 0 || (rt->flags & ROUTE_TEST_ONLY);
}

/* pct appends s[0..n) percent-encoded (all but unreserved) to out. */
static size_t pct(char *out, size_t cap, size_t k, const char *s, size_t n, bool keep_query_syntax)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n && k + 4 < cap; i++) {
		unsigned char ch = (unsigned char)s[i];
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
		    ch == '_' || ch == '.' || ch == '~' || (keep_query_syntax && (ch == '&' || ch == '=' || ch == '%'))) {
			out[k++] = (char)ch;
		} else {
			out[k++] = '%';
			out[k++] = hex[ch >> 4];
			out[k++] = hex[ch & 15];
		}
	}
	out[k] = '\0';
	return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	fz_app();
	const route *rt = &app_routes[data[0] % app_routes_count];
	if (skipped(rt))
		return 0;
	int who = data[1] % FZ_NPRINCIPALS;
	unsigned flags = data[2];
	const char *rest = (const char *)data + 3, *end = (const char *)data + size;
	const char *nl1 = memchr(rest, '\n', (size_t)(end - rest));
	const char *param = rest;
	size_t plen = nl1 ? (size_t)(nl1 - rest) : (size_t)(end - rest);
	const char *query = nl1 ? nl1 + 1 : end;
	const char *nl2 = memchr(query, '\n', (size_t)(end - query));
	size_t qlen = nl2 ? (size_t)(nl2 - query) : (size_t)(end - query);
	const char *body = nl2 ? nl2 + 1 : end;
	size_t blen = (size_t)(end - body);

	/* the target: the pattern with its parameter filled in, then the query */
	char target[8192];
	size_t k = 0;
	for (const char *p = rt->pattern; *p && k + 8 < sizeof target;) {
		if (*p == '{') {
			const char *pe = strchr(p, '}');
			if (flags & 8)
				k = pct(target, sizeof target - 2048, k, param, plen, false);
			else if (strncmp(p, "{badge}", 7) == 0)
				k += (size_t)snprintf(target + k, sizeof target - k, "demo-officer");
			else if (strncmp(p, "{code}", 6) == 0)
				k += (size_t)snprintf(target + k, sizeof target - k, "AR-CASA-OULFA");
			else
				k += (size_t)snprintf(target + k, sizeof target - k, "%s", fz_fixture_id(data[0] >> 4));
			p = pe + 1;
			continue;
		}
		target[k++] = *p++;
	}
	target[k] = '\0';
	if (qlen) {
		target[k++] = '?';
		k = pct(target, sizeof target, k, query, qlen, true);
	}

	char auth[256], cookie[256], csrf[256];
	const char *h[5] = {NULL};
	int nh = 0;
	h[nh++] = flags & 4 ? "Content-Type: text/plain" : "Content-Type: application/json";
	const char *tok = fz_token(who);
	if (tok && (flags & 1)) {
		snprintf(cookie, sizeof cookie, "Cookie: sijill_session=%s", tok);
		h[nh++] = cookie;
		if (flags & 2) {
			snprintf(csrf, sizeof csrf, "X-CSRF-Token: %s", fz_csrf(who));
			h[nh++] = csrf;
		}
	} else if (tok) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok);
		h[nh++] = auth;
	}
	fz_request(rt->method, target, h, blen ? body : NULL, blen);
	return 0;
}
