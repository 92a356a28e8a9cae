/* record.c — validation, response shaping and OpenAPI schemas from record
 * descriptions (see record.h). */
#include "core/record.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "core/i18n.h"
#include "core/limits.h"
#include "core/log.h"

#define REC_PREFIX_MAX 160

const rec_field *rec_field_find(const rec_desc *d, const char *name)
{
	for (size_t i = 0; d && name && i < d->nfields; i++)
		if (strcmp(d->fields[i].name, name) == 0)
			return &d->fields[i];
	return NULL;
}

const rec_field *rec_field_view(const rec_desc *d, const char *name)
{
	const rec_field *f = rec_field_find(d, name);
	if (!f && d && d->flat) {
		f = rec_field_find(d->flat, name);
		if (f && !(f->flags & REC_F_OUT))
			f = NULL;
	}
	return f;
}

const rec_desc *rec_sub(const rec_field *f)
{
	return f && (f->type == REC_OBJECT || f->type == REC_ARRAY) ? f->ext : NULL;
}

const rec_enum *rec_enums(const rec_field *f)
{
	return f && f->type == REC_ENUM ? f->ext : NULL;
}

bool rec_enum_ok(const rec_field *f, const char *value)
{
	const rec_enum *en = rec_enums(f);
	for (const char *const *v = en ? en->values : NULL; v && *v; v++)
		if (strcmp(*v, value) == 0)
			return true;
	return false;
}

/* ------------------------------------------------------------ field errors */

void rec_err(json_t *errs, const char *prefix, const char *field, const char *code, const char *detail)
{
	char name[REC_PREFIX_MAX + 80];
	snprintf(name, sizeof name, "%s%.70s", prefix ? prefix : "", field ? field : "");
	char key[96];
	snprintf(key, sizeof key, "ferr.%s", code);
	json_t *e = json_pack("{s:s,s:s,s:s}", "field", name, "code", code, "detail", detail ? detail : code);
	if (e) {
		json_t *m = i18n_both(key, NULL);
		if (m)
			json_object_set_new(e, "message", m);
	}
	json_array_append_new(errs, e);
}

/* err_lim appends an error whose message names a limit ({n}). */
static void err_lim(json_t *errs, const char *prefix, const char *field, const char *code, const char *detail,
		    int64_t n)
{
	char name[REC_PREFIX_MAX + 80], key[96];
	snprintf(name, sizeof name, "%s%.70s", prefix ? prefix : "", field);
	snprintf(key, sizeof key, "ferr.%s", code);
	json_t *vars = json_pack("{s:I}", "n", (json_int_t)n);
	json_t *e = json_pack("{s:s,s:s,s:s,s:I}", "field", name, "code", code, "detail", detail, "limit",
			      (json_int_t)n);
	if (e) {
		json_t *m = i18n_both(key, vars);
		if (m)
			json_object_set_new(e, "message", m);
	}
	json_decref(vars);
	json_array_append_new(errs, e);
}

/* ------------------------------------------------------------ text hygiene */

/* vis_mark writes one visible marker (at most 16 bytes with its NUL). */
__attribute__((format(printf, 2, 3))) static int vis_mark(char *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(o, 16, fmt, ap);
	va_end(ap);
	return n < 0 ? 0 : (n > 15 ? 15 : n);
}

/* cp_refused names why code point cp is refused in stored text, or NULL. */
static const char *cp_refused(utf8proc_int32_t cp, bool multi)
{
	{
		if (cp < 0x20) {
			if (cp == '\n' || cp == '\t' || cp == '\r')
				return multi ? NULL : "control";
			return "control";
		}
		if (cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
			return "control";
		/* bidi embeddings, overrides and isolates (UAX #9): they reorder what is
		 * shown without changing what is stored, the "Trojan source" trick. */
		if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
			return "bidi";
		/* invisible characters; ZWNJ (U+200C) and ZWJ (U+200D) stay: Arabic
		 * and Persian spelling needs them. */
		if (cp == 0x200b || cp == 0x2060 || cp == 0xfeff || cp == 0x00ad || cp == 0x180e ||
		    (cp >= 0x2061 && cp <= 0x2064) || (cp >= 0xe0000 && cp <= 0xe007f) || cp == 0x034f ||
		    (cp >= 0xfff9 && cp <= 0xfffb))
			return "invisible";
		if ((cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) == 0xfffe)
			return "noncharacter";
		/* any other format or private-use character */
		utf8proc_category_t cat = utf8proc_category(cp);
		if (cat == UTF8PROC_CATEGORY_CO || cat == UTF8PROC_CATEGORY_CS)
			return "invisible";
	}
	return NULL;
}

const char *rec_text_ok(const char *s, size_t len, bool multi)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t left = (utf8proc_ssize_t)len;
	while (left > 0) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
		if (n <= 0 || cp < 0)
			return "utf8";
		p += n;
		left -= n;
		const char *why = cp_refused(cp, multi);
		if (why)
			return why;
	}
	return NULL;
}

char *rec_text_visible(const char *s)
{
	size_t len = strlen(s);
	if (len > SIZE_MAX / 12 - 1)
		return NULL;
	char *out = malloc(len * 12 + 1), *o = out;
	if (!out)
		return NULL;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t left = (utf8proc_ssize_t)len;
	while (left > 0) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
		if (n <= 0 || cp < 0) {
			o += vis_mark(o, "\xe2\x9f\xa6" "0x%02X" "\xe2\x9f\xa7", *p); /* ⟦0xFF⟧ */
			p++;
			left--;
			continue;
		}
		if (cp_refused(cp, true) && cp != '\n' && cp != '\t')
			o += vis_mark(o, "\xe2\x9f\xa6" "U+%04X" "\xe2\x9f\xa7", (unsigned)cp); /* ⟦U+202E⟧ */
		else {
			memcpy(o, p, (size_t)n);
			o += n;
		}
		p += n;
		left -= n;
	}
	*o = '\0';
	return out;
}

void rec_json_visible(json_t *v)
{
	const char *k;
	json_t *m;
	size_t i;
	if (json_is_object(v)) {
		json_object_foreach(v, k, m) rec_json_visible(m);
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, m) rec_json_visible(m);
	} else if (json_is_string(v) && rec_text_ok(json_string_value(v), json_string_length(v), true)) {
		char *t = rec_text_visible(json_string_value(v));
		if (t && json_string_set(v, t))
			json_string_set(v, "?");
		free(t);
	}
}

/* ------------------------------------------------------------ scalars */

bool rec_date_ok(const char *s)
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

static bool id_like(const char *s, size_t n)
{
	if (!s)
		return false;
	if (n != 36)
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

bool rec_id_ok(const char *s)
{
	return s && id_like(s, strlen(s));
}

static bool code_like(const char *s)
{
	for (const char *p = s; *p; p++) {
		char c = *p;
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' ||
		      c == '_' || c == '-' || c == '/'))
			return false;
	}
	return *s != '\0';
}

/* cin_like: 1-3 Latin letters then 1-6 digits, spaces and hyphens anywhere
 * (typed "be 123 456"); the owner normalises (loi 04.20: permissive). */
static bool cin_like(const char *s)
{
	int letters = 0, digits = 0;
	for (const char *p = s; *p; p++) {
		char c = *p;
		if (c == ' ' || c == '-')
			continue;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
			if (digits)
				return false;
			letters++;
		} else if (c >= '0' && c <= '9') {
			digits++;
		} else {
			return false;
		}
	}
	return letters >= 1 && letters <= 3 && digits >= 1 && digits <= 6;
}

/* The pattern the schema publishes for REC_CIN (same rule as cin_like). */
#define CIN_PATTERN "^[ -]*[A-Za-z]([ -]*[A-Za-z]){0,2}([ -]*[0-9]){1,6}[ -]*$"

static bool accepted(const rec_field *f, rec_op op)
{
	/* a creation takes the IN fields; a patch the EDIT ones and the E
	 * columns that are IN */
	if (op == REC_PATCH)
		return (f->flags & REC_F_EDIT) || ((f->flags & REC_KIND_E) && (f->flags & REC_F_IN));
	return (f->flags & REC_F_IN) != 0;
}

static void check_string(const rec_field *f, json_t *v, const char *prefix, json_t *errs)
{
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	int64_t max = f->max ? f->max : SJ_MAX_SHORT_TEXT;
	if (strlen(s) != n) {
		rec_err(errs, prefix, f->name, "control", "must not contain NUL characters");
		return;
	}
	if ((int64_t)n > max) {
		err_lim(errs, prefix, f->name, "too-long", "is too long", max);
		return;
	}
	switch (f->type) {
	case REC_TEXT: {
		const char *bad = rec_text_ok(s, n, (f->flags & REC_F_MULTI) != 0);
		if (bad) {
			rec_err(errs, prefix, f->name, bad, "contains characters that are not accepted");
			return;
		}
		if ((int64_t)n < f->min) {
			err_lim(errs, prefix, f->name, "too-short", "is too short", f->min);
			return;
		}
		break;
	}
	case REC_SECRET:
		/* a password is taken as typed (no hygiene beyond controls) */
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)s[i] < 0x20 && s[i] != '\t' && s[i] != '\n' && s[i] != '\r') {
				rec_err(errs, prefix, f->name, "control", "must not contain control characters");
				return;
			}
		if ((int64_t)n < f->min)
			err_lim(errs, prefix, f->name, "too-short", "is too short", f->min);
		break;
	case REC_CODE:
		if ((int64_t)n < f->min)
			err_lim(errs, prefix, f->name, "too-short", "is too short", f->min);
		else if (!code_like(s))
			rec_err(errs, prefix, f->name, "format", "letters, digits and . _ - / only");
		break;
	case REC_CIN:
		if (!cin_like(s))
			rec_err(errs, prefix, f->name, "cin", "a CIN is 1-3 letters then 1-6 digits");
		break;
	case REC_ENUM:
		if (!rec_enum_ok(f, s))
			rec_err(errs, prefix, f->name, "enum", "is not one of the accepted values");
		break;
	case REC_DATE:
		if (!rec_date_ok(s))
			rec_err(errs, prefix, f->name, "date", "must be a date YYYY-MM-DD");
		break;
	case REC_ID:
		if (!id_like(s, n))
			rec_err(errs, prefix, f->name, "id", "must be an id");
		break;
	default:
		break;
	}
}

static void check_value(const rec_field *f, json_t *v, const char *prefix, json_t *errs)
{
	switch (f->type) {
	case REC_ID:
	case REC_TEXT:
	case REC_CODE:
	case REC_CIN:
	case REC_ENUM:
	case REC_DATE:
	case REC_SECRET:
		if (!json_is_string(v))
			rec_err(errs, prefix, f->name, "type", "must be a string");
		else
			check_string(f, v, prefix, errs);
		return;
	case REC_TIME:
	case REC_INT: {
		if (!json_is_integer(v)) {
			rec_err(errs, prefix, f->name, "type", "must be an integer");
			return;
		}
		int64_t x = json_integer_value(v), lo = f->min, hi = f->max;
		if (f->type == REC_TIME && !lo && !hi) {
			lo = REC_TIME_MIN;
			hi = REC_TIME_MAX;
		}
		if ((lo || hi) && (x < lo || x > hi))
			rec_err(errs, prefix, f->name, "range", "is out of range");
		return;
	}
	case REC_REAL: {
		if (!json_is_number(v)) {
			rec_err(errs, prefix, f->name, "type", "must be a number");
			return;
		}
		double x = json_number_value(v);
		if ((f->min || f->max) && (x < (double)f->min || x > (double)f->max))
			rec_err(errs, prefix, f->name, "range", "is out of range");
		return;
	}
	case REC_BOOL:
		if (!json_is_boolean(v))
			rec_err(errs, prefix, f->name, "type", "must be true or false");
		return;
	case REC_JSON:
		if (!json_is_object(v) && !json_is_array(v))
			rec_err(errs, prefix, f->name, "type", "must be an object or an array");
		return;
	case REC_ANY:
		return; /* the owner checks it */
	case REC_OBJECT: {
		if (!json_is_object(v)) {
			rec_err(errs, prefix, f->name, "type", "must be an object");
			return;
		}
		char sub[REC_PREFIX_MAX];
		snprintf(sub, sizeof sub, "%s%.60s.", prefix ? prefix : "", f->name);
		if (rec_sub(f))
			rec_check(rec_sub(f), REC_CREATE, v, sub, errs);
		return;
	}
	case REC_ARRAY: {
		if (!json_is_array(v)) {
			rec_err(errs, prefix, f->name, "type", "must be an array");
			return;
		}
		if (f->max && (int64_t)json_array_size(v) > f->max) {
			err_lim(errs, prefix, f->name, "too-many", "has too many elements", f->max);
			return;
		}
		size_t i;
		json_t *el;
		json_array_foreach(v, i, el) {
			char sub[REC_PREFIX_MAX];
			if (rec_sub(f)) {
				snprintf(sub, sizeof sub, "%s%.60s[%zu].", prefix ? prefix : "", f->name, i);
				if (!json_is_object(el)) {
					char name[96];
					snprintf(name, sizeof name, "%.60s[%zu]", f->name, i);
					rec_err(errs, prefix, name, "type", "must be an object");
				} else {
					rec_check(rec_sub(f), REC_CREATE, el, sub, errs);
				}
			} else {
				char name[96];
				snprintf(name, sizeof name, "%.60s[%zu]", f->name, i);
				rec_field ef = {name, REC_TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, 0};
				if (!json_is_string(el))
					rec_err(errs, prefix, name, "type", "must be a string");
				else
					check_string(&ef, el, prefix, errs);
			}
		}
		return;
	}
	}
}

bool rec_check(const rec_desc *d, rec_op op, json_t *obj, const char *prefix, json_t *errs)
{
	size_t before = json_array_size(errs);
	if (!json_is_object(obj)) {
		rec_err(errs, NULL, prefix && *prefix ? prefix : "body", "type", "must be an object");
		return false;
	}
	const char *key;
	json_t *val;
	json_object_foreach(obj, key, val) {
		const rec_field *f = rec_field_find(d, key);
		if (!f || !accepted(f, op)) {
			char name[80];
			snprintf(name, sizeof name, "%.70s", key);
			rec_err(errs, prefix, name, "unknown-field", "this field is not accepted");
		}
	}
	size_t given = 0;
	for (size_t i = 0; i < d->nfields; i++) {
		const rec_field *f = &d->fields[i];
		if (!accepted(f, op))
			continue;
		json_t *v = json_object_get(obj, f->name);
		if (v && json_is_null(v) && (f->flags & REC_F_NULLABLE))
			v = NULL;
		if (!v) {
			if (op == REC_CREATE && (f->flags & REC_F_REQ))
				rec_err(errs, prefix, f->name, "required", "this field is required");
			continue;
		}
		given++;
		check_value(f, v, prefix, errs);
	}
	if (op == REC_PATCH && given == 0 && json_array_size(errs) == before)
		rec_err(errs, prefix, "", "empty-patch", "give at least one field to change");
	if (json_array_size(errs) == before && d->check)
		d->check(obj, prefix, errs);
	return json_array_size(errs) == before;
}

/* ------------------------------------------------------------ responses */

json_t *rec_out(const rec_desc *d, json_t *obj)
{
	if (!json_is_object(obj))
		return obj;
	const char *key;
	json_t *val;
	void *tmp;
	json_object_foreach_safe(obj, tmp, key, val) {
		const rec_field *f = rec_field_view(d, key);
		/* a member the record does not describe at all is a bug: say so
		 * (a described member that is not OUT is withheld on purpose) */
		if (!f)
			log_msg(LOG_WARN, "a response member its record does not describe",
				json_pack("{s:s,s:s}", "record", d->name, "member", key));
		if (!f || !(f->flags & REC_F_OUT))
			json_object_del(obj, key);
	}
	return obj;
}

/* ------------------------------------------------------------ OpenAPI */

/* ref_to points at d's schema in the same shape: nested members of a
 * request body are creations ("<name>.create"), of a response responses. */
static json_t *ref_to(const rec_desc *d, rec_op op)
{
	char ref[128];
	snprintf(ref, sizeof ref, "#/components/schemas/%s%s", d->name, op ? ".create" : "");
	return json_pack("{s:s}", "$ref", ref);
}

static json_t *field_schema(const rec_desc *d, const rec_field *f, rec_op op)
{
	json_t *s = NULL;
	int64_t max = f->max;
	switch (f->type) {
	case REC_ID:
		s = json_pack("{s:s,s:s}", "type", "string", "format", "uuid");
		break;
	case REC_TEXT:
		s = json_pack("{s:s,s:I,s:I}", "type", "string", "minLength", (json_int_t)f->min,
			      "x-maxBytes", (json_int_t)(max ? max : SJ_MAX_SHORT_TEXT));
		if (f->flags & REC_F_MULTI)
			json_object_set_new(s, "x-multiline", json_true());
		break;
	case REC_SECRET:
		s = json_pack("{s:s,s:s,s:b,s:I,s:I}", "type", "string", "format", "password", "writeOnly", 1,
			      "minLength", (json_int_t)f->min, "x-maxBytes",
			      (json_int_t)(max ? max : SJ_MAX_SHORT_TEXT));
		break;
	case REC_CODE:
		s = json_pack("{s:s,s:s,s:I,s:I}", "type", "string", "pattern", "^[A-Za-z0-9._/-]+$", "minLength",
			      (json_int_t)(f->min ? f->min : 1), "x-maxBytes", (json_int_t)(max ? max : SJ_MAX_SHORT_TEXT));
		break;
	case REC_CIN:
		s = json_pack("{s:s,s:s,s:I}", "type", "string", "pattern", CIN_PATTERN, "x-maxBytes",
			      (json_int_t)(max ? max : 16));
		break;
	case REC_ENUM: {
		json_t *vals = json_array();
		const rec_enum *en = rec_enums(f);
		for (const char *const *v = en ? en->values : NULL; v && *v; v++)
			json_array_append_new(vals, json_string(*v));
		s = json_pack("{s:s,s:o,s:s}", "type", "string", "enum", vals, "x-enum", en ? en->name : "");
		break;
	}
	case REC_DATE:
		s = json_pack("{s:s,s:s}", "type", "string", "format", "date");
		break;
	case REC_TIME: {
		int64_t lo = f->min, hi = f->max;
		if (!lo && !hi) {
			lo = REC_TIME_MIN;
			hi = REC_TIME_MAX;
		}
		s = json_pack("{s:s,s:s,s:I,s:I}", "type", "integer", "format", "x-utc-ms", "minimum",
			      (json_int_t)lo, "maximum", (json_int_t)hi);
		break;
	}
	case REC_INT:
		s = json_pack("{s:s}", "type", "integer");
		if (f->min || f->max) {
			json_object_set_new(s, "minimum", json_integer(f->min));
			json_object_set_new(s, "maximum", json_integer(f->max));
		}
		break;
	case REC_REAL:
		s = json_pack("{s:s}", "type", "number");
		if (f->min || f->max) {
			json_object_set_new(s, "minimum", json_integer(f->min));
			json_object_set_new(s, "maximum", json_integer(f->max));
		}
		break;
	case REC_BOOL:
		s = json_pack("{s:s}", "type", "boolean");
		break;
	case REC_JSON:
		s = json_pack("{s:[s,s]}", "type", "object", "array");
		break;
	case REC_ANY:
		s = json_pack("{s:b}", "x-checked-by-owner", 1);
		break;
	case REC_OBJECT:
		s = rec_sub(f) ? ref_to(rec_sub(f), op) : json_pack("{s:s}", "type", "object");
		break;
	case REC_ARRAY:
		s = json_pack("{s:s,s:o}", "type", "array", "items",
			      rec_sub(f) ? ref_to(rec_sub(f), op) : json_pack("{s:s}", "type", "string"));
		if (f->max)
			json_object_set_new(s, "maxItems", json_integer(f->max));
		break;
	}
	if (!s)
		return NULL;
	char label[128];
	snprintf(label, sizeof label, "%s.%s", d->name, f->name);
	json_object_set_new(s, "x-label", json_string(label));
	if (f->flags & REC_F_PII)
		json_object_set_new(s, "x-personal", json_true());
	if (f->flags & REC_F_NULLABLE)
		json_object_set_new(s, "x-nullable", json_true());
	return s;
}

json_t *rec_schema(const rec_desc *d, rec_op op)
{
	json_t *props = json_object(), *req = json_array();
	for (size_t i = 0; i < d->nfields; i++) {
		const rec_field *f = &d->fields[i];
		bool in = op ? accepted(f, op) : (f->flags & REC_F_OUT) != 0;
		if (!in)
			continue;
		json_object_set_new(props, f->name, field_schema(d, f, op));
		if (op == REC_CREATE && (f->flags & REC_F_REQ))
			json_array_append_new(req, json_string(f->name));
	}
	for (size_t i = 0; !op && d->flat && i < d->flat->nfields; i++) {
		const rec_field *f = &d->flat->fields[i];
		if ((f->flags & REC_F_OUT) && !rec_field_find(d, f->name))
			json_object_set_new(props, f->name, field_schema(d->flat, f, op));
	}
	json_t *s = json_pack("{s:s,s:o,s:b,s:s}", "type", "object", "properties", props, "additionalProperties", 0,
			      "x-record", d->name);
	if (json_array_size(req))
		json_object_set_new(s, "required", req);
	else
		json_decref(req);
	if (op == REC_PATCH)
		json_object_set_new(s, "minProperties", json_integer(1));
	return s;
}
