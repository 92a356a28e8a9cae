/* problem.c — RFC 9457 problem documents (application/problem+json): a
 * stable code, a title, the request id, and a message a person can act on
 * in both languages from the dictionaries (err.<code>). Built on the public
 * reply functions of http.h (see server.c). */
#include "http/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/jdump.h"

static const char *status_title(int status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 411: return "Length Required";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Error";
	}
}

void http_problem(http_req *r, int status, const char *code, const char *detail, json_t *extra)
{
	char type[128], instance[64];
	snprintf(type, sizeof type, "urn:sijill:problem:%s", code);
	snprintf(instance, sizeof instance, "urn:uuid:%s", http_request_id(r));
	json_t *p = json_pack("{s:s,s:s,s:i,s:s,s:s,s:s}", "type", type, "title", status_title(status),
			      "status", status, "code", code, "instance", instance, "request_id",
			      http_request_id(r));
	if (p && detail)
		json_object_set_new(p, "detail", json_string(detail));
	if (p && extra)
		json_object_update_missing(p, extra);
	if (p && !json_object_get(p, "message")) {
		/* a message a person can act on, in both languages (err.<code>) */
		char key[96];
		snprintf(key, sizeof key, "err.%s", code);
		json_t *m = i18n_both(key, json_object_get(p, "vars"));
		if (m)
			json_object_set_new(p, "message", m);
	}
	json_decref(extra);
	char *s = p ? jdump_dumps(p, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(p);
	if (!s) {
		/* the problem document itself could not be built: a bare 500 */
		http_reply_bytes(r, 500, NULL, "", 0);
		return;
	}
	http_reply_bytes(r, status, "application/problem+json; charset=utf-8", s, strlen(s));
	free(s);
}

