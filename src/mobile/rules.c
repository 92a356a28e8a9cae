/* rules.c — the CNIE rules as reference data with effective dates
 * (data/cnie.json, mob_rules): loaded once per version, answered by date
 * (mobile.h). */
#include "mobile/mobile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "db/dbj.h"

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static const char sql_add[] =
	"INSERT INTO mob_rules (code, version, effective_from, effective_to, body, source, loaded_at)"
	" VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING";

sj_err mob_load_rules(db_conn *c, json_t *root, int *added)
{
	*added = 0;
	const char *version = js(root, "version");
	if (!version)
		return SJ_EINVAL;
	int64_t now = clock_now_ms();
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(root, "cnie"), i, r) {
		if (!js(r, "code") || !js(r, "effective_from") || !rec_date_ok(js(r, "effective_from")) ||
		    !json_is_integer(json_object_get(r, "adult_from_age")) ||
		    !json_is_integer(json_object_get(r, "validity_years_adult")) ||
		    !json_is_integer(json_object_get(r, "validity_years_minor_max")) ||
		    !json_is_integer(json_object_get(r, "mandatory_from_age")) ||
		    !json_is_object(json_object_get(r, "documents")) || !json_is_object(json_object_get(r, "quality")))
			return SJ_EINVAL;
		char *body = json_dumps(r, JSON_COMPACT | JSON_SORT_KEYS);
		if (!body)
			return SJ_ENOMEM;
		sj_err e = db_run(c, sql_add, "tttttti", js(r, "code"), version, js(r, "effective_from"),
				  js(r, "effective_to"), body, js(r, "source"), now);
		free(body);
		if (e)
			return e;
		(*added)++;
	}
	return SJ_OK;
}

static const char sql_at[] =
	"SELECT body FROM mob_rules WHERE effective_from <= ? AND (effective_to IS NULL OR effective_to >= ?)"
	" ORDER BY effective_from DESC LIMIT 1";

sj_err mob_rule_at(db_conn *c, const char *date, json_t **out)
{
	*out = NULL;
	json_t *row = NULL;
	sj_err e = dbj_one(c, sql_at, "body:t", &row, "tt", date, date);
	if (e)
		return e;
	*out = json_loads(js(row, "body"), 0, NULL);
	json_decref(row);
	return *out ? SJ_OK : SJ_EINTERNAL;
}

int mob_age_on(const char *birth, const char *date)
{
	int by, bm, bd, y, m, d;
	if (!birth || !date || !rec_date_ok(birth) || !rec_date_ok(date) ||
	    sscanf(birth, "%4d-%2d-%2d", &by, &bm, &bd) != 3 || sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return -1;
	int age = y - by;
	if (m < bm || (m == bm && d < bd))
		age--;
	return age;
}

int mob_validity_years(json_t *rule, int age)
{
	if (age >= json_integer_value(json_object_get(rule, "adult_from_age")))
		return (int)json_integer_value(json_object_get(rule, "validity_years_adult"));
	return (int)json_integer_value(json_object_get(rule, "validity_years_minor_max"));
}
