/* dbj.c — rows as JSON (see dbj.h). */
#include "core/jdump.h"
#include "db/dbj.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

typedef struct dbj_col {
	char name[48];
	char type;
} dbj_col;

/* parse_cols splits "a:t,b:i" into cols; returns the count or -1. */
static int parse_cols(const char *s, dbj_col cols[DBJ_MAX_COLS])
{
	int n = 0;
	while (s && *s) {
		const char *colon = strchr(s, ':');
		if (!colon || n == DBJ_MAX_COLS || (size_t)(colon - s) >= sizeof cols[0].name)
			return -1;
		memcpy(cols[n].name, s, (size_t)(colon - s));
		cols[n].name[colon - s] = '\0';
		cols[n].type = colon[1];
		n++;
		s = colon + 2;
		if (*s == ',')
			s++;
		else if (*s)
			return -1;
	}
	return n;
}

static json_t *row_object(db_stmt *s, const dbj_col *cols, int n)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	for (int i = 0; i < n; i++) {
		json_t *v;
		if (db_col_null(s, i)) {
			v = json_null();
		} else {
			switch (cols[i].type) {
			case 'i': v = json_integer((json_int_t)db_col_int(s, i)); break;
			case 'b': v = json_boolean(db_col_int(s, i) != 0); break;
			case 'j': {
				const char *t = db_col_text(s, i);
				v = t ? jdump_loads(t, JSON_DECODE_ANY, NULL) : NULL;
				if (!v)
					v = json_null();
				break;
			}
			default: v = json_string(db_col_text(s, i)); break;
			}
		}
		if (!v || json_object_set_new(o, cols[i].name, v)) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

/* rec_letter is the dbj type letter of a field that can be a column. */
static char rec_letter(rec_type t)
{
	switch (t) {
	case REC_TIME:
	case REC_INT: return 'i';
	case REC_BOOL: return 'b';
	case REC_JSON: return 'j';
	case REC_REAL:
	case REC_OBJECT:
	case REC_ARRAY:
	case REC_ANY: return 0;
	default: return 't';
	}
}

/* rec_cols names and types the current statement's columns from d: each
 * column's label must be a field of d (SJ_EINTERNAL, logged, otherwise —
 * a read that returns what its record does not describe is a bug). */
static sj_err rec_cols(db_stmt *s, const rec_desc *d, dbj_col cv[DBJ_MAX_COLS], int *n)
{
	int k = db_col_count(s);
	if (k > DBJ_MAX_COLS)
		return SJ_EINTERNAL;
	for (int i = 0; i < k; i++) {
		const char *name = db_col_name(s, i);
		if (!name)
			return SJ_ENOMEM;
		const rec_field *f = rec_field_view(d, name);
		char t = f ? rec_letter(f->type) : 0;
		if (!t || strlen(name) >= sizeof cv[i].name) {
			log_msg(LOG_ERROR, "a column its record does not describe",
				json_pack("{s:s,s:s}", "record", d->name, "column", name));
			return SJ_EINTERNAL;
		}
		memcpy(cv[i].name, name, strlen(name) + 1);
		cv[i].type = t;
	}
	*n = k;
	return SJ_OK;
}

static sj_err run_rows(db_conn *c, const char *sql, const char *cols, const rec_desc *d, json_t **out, bool one,
		       const char *fmt, va_list ap)
{
	*out = NULL;
	dbj_col cv[DBJ_MAX_COLS];
	int n = d ? 0 : parse_cols(cols, cv);
	if (n < 0)
		return SJ_EINTERNAL;
	bool typed = !d;
	db_stmt *s;
	sj_err e = db_prepare(c, sql, &s);
	if (e)
		return e;
	e = db_bind_va(s, 1, fmt, ap);
	if (e)
		return e;
	json_t *arr = one ? NULL : json_array();
	if (!one && !arr)
		return SJ_ENOMEM;
	bool row;
	while (!(e = db_step(s, &row)) && row) {
		if (!typed) {
			if ((e = rec_cols(s, d, cv, &n)))
				break;
			typed = true;
		}
		json_t *o = row_object(s, cv, n);
		if (!o) {
			e = SJ_ENOMEM;
			break;
		}
		if (one) {
			*out = o;
			/* finish the statement so it holds nothing */
			while (!(e = db_step(s, &row)) && row)
				;
			if (e) {
				json_decref(o);
				*out = NULL;
			}
			return e;
		}
		if (json_array_append_new(arr, o)) {
			e = SJ_ENOMEM;
			break;
		}
	}
	if (e) {
		json_decref(arr);
		return e;
	}
	if (one)
		return SJ_ENOTFOUND;
	*out = arr;
	return SJ_OK;
}

sj_err dbj_rows(db_conn *c, const char *sql, const char *cols, json_t **out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sj_err e = run_rows(c, sql, cols, NULL, out, false, fmt, ap);
	va_end(ap);
	return e;
}

sj_err dbj_one(db_conn *c, const char *sql, const char *cols, json_t **out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sj_err e = run_rows(c, sql, cols, NULL, out, true, fmt, ap);
	va_end(ap);
	return e;
}

sj_err dbj_rec_rows(db_conn *c, const char *sql, const rec_desc *d, json_t **out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sj_err e = run_rows(c, sql, NULL, d, out, false, fmt, ap);
	va_end(ap);
	return e;
}

sj_err dbj_rec_one(db_conn *c, const char *sql, const rec_desc *d, json_t **out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sj_err e = run_rows(c, sql, NULL, d, out, true, fmt, ap);
	va_end(ap);
	return e;
}

sj_err dbj_int(db_conn *c, const char *sql, int64_t *out, const char *fmt, ...)
{
	*out = 0;
	db_stmt *s;
	sj_err e = db_prepare(c, sql, &s);
	if (e)
		return e;
	va_list ap;
	va_start(ap, fmt);
	e = db_bind_va(s, 1, fmt, ap);
	va_end(ap);
	if (e)
		return e;
	bool row;
	e = db_step(s, &row);
	if (e)
		return e;
	if (!row)
		return SJ_ENOTFOUND;
	*out = db_col_null(s, 0) ? 0 : db_col_int(s, 0);
	while (!(e = db_step(s, &row)) && row)
		;
	return e;
}

/* bind_member binds obj's member for field f at parameter i. */
static sj_err bind_member(db_stmt *s, int i, const rec_field *f, json_t *obj)
{
	json_t *v = json_object_get(obj, f->name);
	if (f->type == REC_BOOL)
		return db_bind_int(s, i, json_is_true(v) ? 1 : 0);
	if (!v || json_is_null(v))
		return db_bind_null(s, i);
	switch (f->type) {
	case REC_TIME:
	case REC_INT:
		return json_is_integer(v) ? db_bind_int(s, i, (int64_t)json_integer_value(v)) : SJ_EINTERNAL;
	case REC_JSON: {
		char *t = jdump_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
		if (!t)
			return SJ_ENOMEM;
		sj_err e = db_bind_text(s, i, t); /* text is copied */
		free(t);
		return e;
	}
	default:
		return json_is_string(v) ? db_bind_text(s, i, json_string_value(v)) : SJ_EINTERNAL;
	}
}

sj_err dbj_write(db_conn *c, const char *sql, const rec_desc *d, json_t *obj, bool edit_only, const char *fmt,
		 ...)
{
	db_stmt *s;
	sj_err e = db_prepare(c, sql, &s);
	if (e)
		return e;
	int i = 1;
	for (size_t k = 0; k < d->nfields && !e; k++) {
		const rec_field *f = &d->fields[k];
		unsigned want = edit_only ? REC_KIND_E : (REC_KIND_C | REC_KIND_E);
		if (!(f->flags & want))
			continue;
		e = bind_member(s, i++, f, obj);
	}
	if (e)
		return e;
	va_list ap;
	va_start(ap, fmt);
	e = db_bind_va(s, i, fmt, ap);
	va_end(ap);
	if (e)
		return e;
	bool row;
	while (!(e = db_step(s, &row)) && row)
		;
	return e;
}
