/* json.c — strict JSON request bodies and field validation (jansson).
 * Every refusal is a 400/415 problem+json naming the field, so the UI can show
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

bool hjson_valid_date(const char *s)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	if (y < 1800 || y > 2200 || m < 1 || m > 12 || d < 1)
		return false;
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int md = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		md = 29;
	return d <= md;
}

static bool uuid_like(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		char c = s[i];
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return false;
		} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
			return false;
		}
	}
	return true;
}

static bool has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r')
			return true;
	return false;
}

static void add_err(json_t *errs, const char *prefix, const char *field, const char *code,
		    const char *detail)
{
	char name[160];
	snprintf(name, sizeof name, "%s%.70s", prefix ? prefix : "", field);
	json_array_append_new(errs, json_pack("{s:s,s:s,s:s}", "field", name, "code", code, "detail", detail));
}

bool hjson_fields_check(json_t *obj, const hjson_field *spec, const char *prefix, json_t *errs)
{
	size_t before = json_array_size(errs);
	const char *key;
	json_t *val;
	json_object_foreach(obj, key, val) {
		bool known = false;
		for (const hjson_field *f = spec; f->name; f++)
			if (strcmp(f->name, key) == 0)
				known = true;
		if (!known) {
			char name[80];
			snprintf(name, sizeof name, "%.70s", key);
			add_err(errs, prefix, name, "unknown-field", "this field is not accepted");
		}
	}
	for (const hjson_field *f = spec; f->name; f++) {
		json_t *v = json_object_get(obj, f->name);
		if (v && json_is_null(v) && f->nullable)
			v = NULL;
		if (!v) {
			if (f->required)
				add_err(errs, prefix, f->name, "required", "this field is required");
			continue;
		}
		switch (f->kind) {
		case HJ_STRING:
		case HJ_ENUM:
		case HJ_DATE:
		case HJ_ID: {
			if (!json_is_string(v)) {
				add_err(errs, prefix, f->name, "type", "must be a string");
				break;
			}
			const char *s = json_string_value(v);
			size_t n = json_string_length(v);
			int64_t max = f->max ? f->max : SJ_MAX_SHORT_TEXT;
			if (strlen(s) != n) {
				add_err(errs, prefix, f->name, "invalid", "must not contain NUL characters");
				break;
			}
			if (f->kind == HJ_STRING && has_control(s)) {
				add_err(errs, prefix, f->name, "invalid", "must not contain control characters");
				break;
			}
			if ((int64_t)n > max) {
				add_err(errs, prefix, f->name, "too-long", "is too long");
				break;
			}
			if ((int64_t)n < f->min || (f->required && n == 0 && f->kind == HJ_STRING)) {
				add_err(errs, prefix, f->name, "too-short", "is too short");
				break;
			}
			if (f->kind == HJ_ENUM) {
				bool ok = false;
				for (const char *const *e = f->values; e && *e; e++)
					if (strcmp(*e, s) == 0)
						ok = true;
				if (!ok) {
					add_err(errs, prefix, f->name, "enum", "is not one of the accepted values");
					break;
				}
			}
			if (f->kind == HJ_DATE && !hjson_valid_date(s)) {
				add_err(errs, prefix, f->name, "date", "must be a date YYYY-MM-DD");
				break;
			}
			if (f->kind == HJ_ID && !uuid_like(s)) {
				add_err(errs, prefix, f->name, "id", "must be an id");
				break;
			}
			if (f->out)
				*(const char **)f->out = s;
			break;
		}
		case HJ_INT: {
			if (!json_is_integer(v)) {
				add_err(errs, prefix, f->name, "type", "must be an integer");
				break;
			}
			int64_t x = json_integer_value(v);
			if ((f->min || f->max) && (x < f->min || x > f->max)) {
				add_err(errs, prefix, f->name, "range", "is out of range");
				break;
			}
			if (f->out)
				*(int64_t *)f->out = x;
			break;
		}
		case HJ_REAL: {
			if (!json_is_number(v)) {
				add_err(errs, prefix, f->name, "type", "must be a number");
				break;
			}
			double x = json_number_value(v);
			if ((f->min || f->max) && (x < (double)f->min || x > (double)f->max)) {
				add_err(errs, prefix, f->name, "range", "is out of range");
				break;
			}
			if (f->out)
				*(double *)f->out = x;
			break;
		}
		case HJ_BOOL:
			if (!json_is_boolean(v)) {
				add_err(errs, prefix, f->name, "type", "must be true or false");
				break;
			}
			if (f->out)
				*(int *)f->out = json_is_true(v);
			break;
		case HJ_OBJECT:
			if (!json_is_object(v)) {
				add_err(errs, prefix, f->name, "type", "must be an object");
				break;
			}
			if (f->out)
				*(json_t **)f->out = v;
			break;
		case HJ_ARRAY:
			if (!json_is_array(v)) {
				add_err(errs, prefix, f->name, "type", "must be an array");
				break;
			}
			if (f->max && (int64_t)json_array_size(v) > f->max) {
				add_err(errs, prefix, f->name, "too-many", "has too many elements");
				break;
			}
			if (f->out)
				*(json_t **)f->out = v;
			break;
		}
	}
	return json_array_size(errs) == before;
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

bool hjson_fields_or_reply(http_req *r, json_t *obj, const hjson_field *spec)
{
	json_t *errs = json_array();
	if (errs)
		hjson_fields_check(obj, spec, NULL, errs);
	return hjson_errors_or_reply(r, errs);
}
