/* json.c — strict JSON request bodies (jansson): parsed once by dispatch,
 * then checked against the route's record (core/record.h). Every refusal is
 * a 400/415 problem+json; field errors name the field, so the UI can show
 * the error next to it. */
#include "core/jdump.h"
#include "http/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/limits.h"

static int json_depth(const json_t *j, int limit)
{
	if (limit < 0)
		return limit;
	int best = 0;
	if (json_is_object(j)) {
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)j, k, v) {
			int d = json_depth(v, limit - 1);
			if (d > best)
				best = d;
			if (best > limit)
				break;
		}
		return best + 1;
	}
	if (json_is_array(j)) {
		size_t i;
		json_t *v;
		json_array_foreach(j, i, v) {
			int d = json_depth(v, limit - 1);
			if (d > best)
				best = d;
			if (best > limit)
				break;
		}
		return best + 1;
	}
	return 0;
}

json_t *hjson_body_or_reply(http_req *r)
{
	const char *ct = http_header(r, "Content-Type");
	if (!ct || strncasecmp(ct, "application/json", 16) != 0 ||
	    (ct[16] != '\0' && ct[16] != ';' && ct[16] != ' ')) {
		http_problem(r, 415, "unsupported-media-type", "the body must be application/json", NULL);
		return NULL;
	}
	size_t len;
	const char *body = http_body(r, &len);
	if (len == 0) {
		http_problem(r, 400, "invalid-json", "the body is empty", NULL);
		return NULL;
	}
	json_error_t err;
	json_t *j = jdump_loadb(body, len, JSON_REJECT_DUPLICATES, &err);
	if (!j) {
		char detail[256];
		snprintf(detail, sizeof detail, "%s (line %d, column %d)", err.text, err.line, err.column);
		http_problem(r, 400, "invalid-json", detail, NULL);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		http_problem(r, 400, "invalid-json", "the body must be a JSON object", NULL);
		return NULL;
	}
	if (json_depth(j, SJ_MAX_JSON_DEPTH) > SJ_MAX_JSON_DEPTH) {
		json_decref(j);
		http_problem(r, 400, "invalid-json", "the body is nested too deeply", NULL);
		return NULL;
	}
	return j;
}

bool hjson_errors_or_reply(http_req *r, json_t *errs)
{
	if (!errs) {
		http_problem(r, 500, "internal", NULL, NULL);
		return false;
	}
	if (json_array_size(errs) == 0) {
		json_decref(errs);
		return true;
	}
	http_problem(r, 400, "validation", "the request has invalid fields",
		     json_pack("{s:o}", "errors", errs));
	return false;
}
