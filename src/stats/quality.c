/* quality.c — the data-quality to-do list (stats.h): the coded edits of
 * migration 0113's view stats_quality_v, counted per code for the units of
 * a scope, with the cases each one flags (numbers only: no names). */
#include "stats/stats.h"

#include <string.h>

#include "db/dbj.h"
#include "org/units.h"

const char *const stats_edit_codes[] = {
#include "stats/edits.inc"
	NULL,
};

#define QUALITY_LIST_MAX 50

/* one unit's open edits (the flags' index on unit_id; the timed edits' view
 * takes the unit's condition into each of its arms) */
static const char sql_unit[] =
	"SELECT q.code, q.severity, q.case_id, q.unit_id, k_number AS number FROM stats_quality_v q"
	" JOIN (SELECT id AS k_id, number AS k_number FROM cases) k ON k.k_id = q.case_id WHERE q.unit_id = ?"
	" ORDER BY q.code, k_number";
/* "K of the N cases counted have open issues": K among those N. A cancelled
 * case counts in no figure, so its flags (Q-CASE-010, the timed edits) stay
 * on the to-do list but out of K — the bench at 1M cases counted more
 * flagged cases than cases. */
#define LIVE_FLAGS \
	" FROM stats_quality_v q JOIN (SELECT case_id AS f_id FROM stats_case_facts WHERE cancelled = 0) f" \
	" ON f.f_id = q.case_id"
static const char sql_count_all[] = "SELECT COUNT(DISTINCT q.case_id)" LIVE_FLAGS;
static const char sql_cases_all[] = "SELECT COUNT(*) FROM stats_case_facts WHERE cancelled = 0";
static const char sql_by_unit[] = "SELECT q.unit_id, COUNT(DISTINCT q.case_id) AS n" LIVE_FLAGS " GROUP BY q.unit_id";
static const char sql_cases_by_unit[] =
	"SELECT unit_id, COUNT(*) AS n FROM stats_case_facts WHERE cancelled = 0 GROUP BY unit_id";

/* has: id is a member of the set (an object id → true) */
static bool has(json_t *set, const char *id)
{
	return id && json_object_get(set, id) != NULL;
}

static json_t *set_of(json_t *ids)
{
	json_t *set = json_object(), *x;
	size_t i;
	json_array_foreach(ids, i, x)
		json_object_set_new(set, json_string_value(x), json_true());
	return set;
}

sj_err stats_quality_count(db_conn *c, json_t *unit_ids, int64_t *total, int64_t *n)
{
	*total = *n = 0;
	if (!unit_ids) {
		sj_err e = dbj_int(c, sql_cases_all, total, "");
		return e ? e : dbj_int(c, sql_count_all, n, "");
	}
	json_t *q = NULL, *k = NULL, *x, *set = set_of(unit_ids);
	sj_err e = dbj_rows(c, sql_by_unit, "unit_id:t,n:i", &q, "");
	e = e ? e : dbj_rows(c, sql_cases_by_unit, "unit_id:t,n:i", &k, "");
	size_t i;
	json_array_foreach(q, i, x)
		if (has(set, json_string_value(json_object_get(x, "unit_id"))))
			*n += json_integer_value(json_object_get(x, "n"));
	json_array_foreach(k, i, x)
		if (has(set, json_string_value(json_object_get(x, "unit_id"))))
			*total += json_integer_value(json_object_get(x, "n"));
	json_decref(q);
	json_decref(k);
	json_decref(set);
	return e;
}

sj_err stats_quality(db_conn *c, const sj_actor *a, const char *unit_code, json_t **out, const char **why)
{
	*out = NULL;
	unit_info u;
	sj_err e;
	if (unit_code && *unit_code) {
		e = unit_get_by_code(c, unit_code, &u);
		if (e == SJ_ENOTFOUND)
			*why = "stats-unit-not-found";
		if (e)
			return e;
		if (!a->national && !actor_in_scope(a, u.path))
			return SJ_EFORBIDDEN;
	} else {
		e = a->unit_code ? unit_get_by_code(c, a->unit_code, &u) : unit_get_root(c, &u);
		if (e)
			return e;
	}
	/* the ids of the units in scope: those whose path starts with u's */
	json_t *all = NULL, *ids = json_array(), *rows = NULL, *x;
	e = unit_list(c, &all);
	size_t i;
	json_array_foreach(all, i, x) {
		unit_info v;
		if (e || unit_get(c, json_string_value(json_object_get(x, "id")), &v))
			continue;
		if (unit_in_scope(u.path, v.path))
			json_array_append_new(ids, json_string(v.id));
	}
	rows = json_array();
	json_array_foreach(ids, i, x) {
		json_t *some = NULL;
		if (e || (e = dbj_rows(c, sql_unit, "code:t,severity:t,case_id:t,unit_id:t,number:t", &some, "t",
				       json_string_value(x))))
			break;
		json_array_extend(rows, some);
		json_decref(some);
	}
	json_t *edits = json_object(), *list = json_array();
	json_t *flagged = json_object();
	json_array_foreach(rows, i, x) {
		if (e)
			break;
		const char *code = json_string_value(json_object_get(x, "code"));
		json_t *ed = json_object_get(edits, code);
		if (!ed) {
			ed = json_pack("{s:s,s:s,s:i,s:[]}", "code", code, "severity",
				       json_string_value(json_object_get(x, "severity")), "n", 0, "records");
			json_object_set_new(edits, code, ed);
			json_array_append(list, ed);
		}
		json_object_set_new(ed, "n", json_integer(json_integer_value(json_object_get(ed, "n")) + 1));
		json_t *recs = json_object_get(ed, "records");
		if (json_array_size(recs) < QUALITY_LIST_MAX)
			json_array_append_new(recs, json_pack("{s:s,s:s}", "id", json_string_value(json_object_get(x, "case_id")),
							      "number", json_string_value(json_object_get(x, "number"))));
		json_object_set_new(flagged, json_string_value(json_object_get(x, "case_id")), json_true());
	}
	int64_t total = 0, n = 0;
	bool national = !u.parent_id[0];
	e = e ? e : stats_quality_count(c, national ? NULL : ids, &total, &n);
	if (!e)
		*out = json_pack("{s:o,s:O,s:I,s:I,s:I}", "unit", unit_to_json(&u), "edits", list, "catalogue",
				 (json_int_t)(sizeof stats_edit_codes / sizeof stats_edit_codes[0] - 1), "total_cases",
				 (json_int_t)total, "with_issues", (json_int_t)n);
	json_decref(list);
	json_decref(edits);
	json_decref(flagged);
	json_decref(rows);
	json_decref(ids);
	json_decref(all);
	return e;
}
