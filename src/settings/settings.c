/* settings.c — database settings and node state (see settings.h). The only
 * SQL on the `settings` and `node_state` tables. */
#include "settings/settings.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"

static const char sql_get[] = "SELECT value FROM settings WHERE key = ?";
static const char sql_put[] =
	"INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value";
static const char sql_del[] = "DELETE FROM settings WHERE key = ?";
static const char sql_state_get[] = "SELECT value FROM node_state WHERE key = ?";
static const char sql_state_put[] =
	"INSERT INTO node_state (key, value, updated_at) VALUES (?, ?, ?)"
	" ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at";

const settings_def *settings_find(const char *key)
{
	if (!key)
		return NULL;
	for (size_t i = 0; i < settings_catalogue_count; i++)
		if (strcmp(settings_catalogue[i].key, key) == 0)
			return &settings_catalogue[i];
	return NULL;
}

/* parse_int reads a whole decimal integer (optional sign, no spaces). */
static bool parse_int(const char *s, int64_t *out)
{
	if (!s || !*s || strlen(s) > SETTINGS_VALUE_MAX)
		return false;
	char *end = NULL;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || !end || *end || end == s || s[0] == ' ' || s[0] == '+')
		return false;
	*out = v;
	return true;
}

bool settings_parse(const settings_def *def, const char *text, int64_t *out, char *why, size_t whysz)
{
	int64_t v = 0;
	if (!parse_int(text, &v) || v < def->min || v > def->max) {
		snprintf(why, whysz, "%s must be a whole number from %" PRId64 " to %" PRId64 " (%s); got \"%.*s\"",
			 def->key, def->min, def->max, def->unit, 40, text ? text : "");
		return false;
	}
	*out = v;
	return true;
}

/* stored reads key's stored text; *found false when there is none. */
static sj_err stored(db_conn *c, const char *key, int64_t *v, bool *found)
{
	db_stmt *s;
	bool row = false;
	*found = false;
	sj_err e = db_prepare(c, sql_get, &s);
	e = e ? e : db_bind_text(s, 1, key);
	e = e ? e : db_step(s, &row);
	if (!e && row) {
		*found = parse_int(db_col_text(s, 0), v);
		while (!(e = db_step(s, &row)) && row) {
		}
	}
	return e;
}

/* effective: the stored value when valid, else the default. */
static sj_err effective(db_conn *c, const settings_def *def, int64_t *v, bool *is_default)
{
	int64_t sv = 0;
	bool found = false;
	sj_err e = stored(c, def->key, &sv, &found);
	if (e)
		return e;
	*is_default = !found || sv < def->min || sv > def->max;
	*v = *is_default ? def->dflt : sv;
	return SJ_OK;
}

int64_t settings_int(db_conn *c, const char *key)
{
	const settings_def *def = settings_find(key);
	if (!def)
		abort(); /* a key not in the catalogue: a bug in the caller */
	int64_t v;
	bool dflt;
	if (effective(c, def, &v, &dflt))
		return def->dflt;
	return v;
}

sj_err settings_set(db_conn *c, const char *key, int64_t value, int64_t *old, bool *was_default)
{
	const settings_def *def = settings_find(key);
	if (!def)
		return SJ_ENOTFOUND;
	if (value < def->min || value > def->max)
		return SJ_EINVAL;
	sj_err e = effective(c, def, old, was_default);
	if (e)
		return e;
	char text[SETTINGS_VALUE_MAX];
	snprintf(text, sizeof text, "%" PRId64, value);
	return db_run(c, sql_put, "tt", def->key, text);
}

sj_err settings_reset(db_conn *c, const char *key, int64_t *old, bool *was_default)
{
	const settings_def *def = settings_find(key);
	if (!def)
		return SJ_ENOTFOUND;
	sj_err e = effective(c, def, old, was_default);
	return e ? e : db_run(c, sql_del, "t", def->key);
}

/* ------------------------------------------------------------ records */

#define SETTINGS_ITEM_FIELDS(X) \
	X(V, key, CODE, 1, SETTINGS_KEY_MAX, NULL, OUT) \
	X(V, value, INT, 0, 0, NULL, OUT) \
	X(V, default, INT, 0, 0, NULL, OUT) \
	X(V, min, INT, 0, 0, NULL, OUT) \
	X(V, max, INT, 0, 0, NULL, OUT) \
	X(V, unit, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(V, unit_fr, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(V, unit_ar, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(V, summary_fr, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(V, summary_ar, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(V, is_default, BOOL, 0, 0, NULL, OUT)
static const rec_field settings_item_fields[] = {SETTINGS_ITEM_FIELDS(REC_FIELD)};
const rec_desc settings_item_rec = REC_DESC("setting", NULL, settings_item_fields, NULL);

#define SETTINGS_LIST_FIELDS(X) X(V, settings, ARRAY, 0, 0, &settings_item_rec, OUT)
static const rec_field settings_list_fields[] = {SETTINGS_LIST_FIELDS(REC_FIELD)};
const rec_desc settings_list_rec = REC_DESC("setting_list", NULL, settings_list_fields, NULL);

#define SETTINGS_PUT_FIELDS(X) \
	X(V, value, ANY, 0, 0, NULL, IN) \
	X(V, reset, BOOL, 0, 0, NULL, IN)
static const rec_field settings_put_fields[] = {SETTINGS_PUT_FIELDS(REC_FIELD)};
const rec_desc settings_put_rec = REC_DESC("setting_change", NULL, settings_put_fields, NULL);

sj_err settings_json(db_conn *c, const settings_def *def, json_t **out)
{
	*out = NULL;
	int64_t v;
	bool dflt;
	sj_err e = effective(c, def, &v, &dflt);
	if (e)
		return e;
	*out = json_pack("{s:s,s:I,s:I,s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:b}", "key", def->key, "value", (json_int_t)v,
			 "default", (json_int_t)def->dflt, "min", (json_int_t)def->min, "max", (json_int_t)def->max,
			 "unit", def->unit, "unit_fr", def->unit_fr, "unit_ar", def->unit_ar, "summary_fr",
			 def->summary_fr, "summary_ar", def->summary_ar, "is_default", dflt);
	return *out ? SJ_OK : SJ_ENOMEM;
}

sj_err settings_list(db_conn *c, json_t **out)
{
	*out = NULL;
	json_t *arr = json_array();
	if (!arr)
		return SJ_ENOMEM;
	for (size_t i = 0; i < settings_catalogue_count; i++) {
		json_t *o = NULL;
		sj_err e = settings_json(c, &settings_catalogue[i], &o);
		if (!e && json_array_append_new(arr, o))
			e = SJ_ENOMEM;
		if (e) {
			json_decref(arr);
			return e;
		}
	}
	*out = arr;
	return SJ_OK;
}

json_t *settings_change_detail(const char *key, int64_t old, bool was_default, int64_t value, bool reset)
{
	return json_pack("{s:s,s:I,s:b,s:I,s:b}", "key", key, "old", (json_int_t)old, "old_was_default", was_default,
			 "new", (json_int_t)value, "new_is_default", reset);
}

sj_err settings_state_get(db_conn *c, const char *key, int64_t *out, bool *found)
{
	db_stmt *s;
	bool row = false;
	*out = 0;
	*found = false;
	sj_err e = db_prepare(c, sql_state_get, &s);
	e = e ? e : db_bind_text(s, 1, key);
	e = e ? e : db_step(s, &row);
	if (!e && row) {
		*out = db_col_int(s, 0);
		*found = true;
		while (!(e = db_step(s, &row)) && row) {
		}
	}
	return e;
}

sj_err settings_state_set(db_conn *c, const char *key, int64_t value, int64_t now_ms)
{
	return db_run(c, sql_state_put, "tii", key, value, now_ms);
}
