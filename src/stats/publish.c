/* publish.c — a published report, reproducible "as at" (stats.h): the
 * figures are stored as published with the counting-rule segments and the
 * time they stood at; reading it back recomputes the case figures from the
 * facts valid at that time (stats_case_facts and its history) and the
 * custody, referral, seizure and complaint figures from each record's
 * version valid then (0211), says whether they match, and how many cases
 * of its scope changed since. */
#include "stats/stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/id.h"
#include "core/jdump.h"
#include "db/dbj.h"
#include "org/units.h"

static const char sql_add[] =
	"INSERT INTO stats_publications (id, unit_id, period, from_day, to_day, as_at, rules, figures, published_by,"
	" created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char sql_get[] =
	"SELECT id, unit_id, period, from_day, to_day, as_at, rules, figures, created_at FROM stats_publications"
	" WHERE id = ?";
static const char sql_changed[] =
	"SELECT unit_id, COUNT(*) AS n FROM stats_case_facts WHERE changed_at > ? GROUP BY unit_id";

/* The members recomputed exactly as at the publication: the case figures
 * from the facts valid then, the sections counted by their own dates from
 * each record's version valid then (migration 0211); the quality counts
 * (edits that depend on time passing) are kept as published. */
static const char *const exact[] = {"totals", "totals_previous", "by_class", "by_category", "by_offence", "by_unit",
				    "by_month", "rules", "custody", "referrals", "seizures", "registers", "complaints",
				    "previous_sections", NULL};

static void day_text(int64_t day, char out[11])
{
	unsigned y = (unsigned)(day / 10000) % 10000u, m = (unsigned)(day / 100 % 100) % 100u, d = (unsigned)(day % 100) % 100u;
	snprintf(out, 11, "%04u-%02u-%02u", y, m, d);
}

sj_err stats_publish(db_conn *c, const sj_actor *a, const char *unit_code, const stats_period *p, json_t **out,
		     const char **why)
{
	*out = NULL;
	/* as_at is a moment every write before it has committed by: this
	 * transaction's own start */
	int64_t as_at = clock_now_ms();
	json_t *fig = NULL;
	sj_err e = stats_figures(c, a, unit_code, p, as_at, &fig, why);
	if (e)
		return e;
	unit_info u;
	e = unit_get_by_code(c, json_string_value(json_object_get(json_object_get(fig, "unit"), "code")), &u);
	char *rules = jdump_dumps(json_object_get(fig, "rules"), JSON_COMPACT | JSON_SORT_KEYS);
	char *figs = jdump_dumps(fig, JSON_COMPACT | JSON_SORT_KEYS);
	char id[ID_LEN + 1];
	id_new(id);
	if (!e && (!rules || !figs))
		e = SJ_ENOMEM;
	e = e ? e : db_run(c, sql_add, "tttiiittti", id, u.id, p->kind, p->from, p->to, as_at, rules, figs, a->id,
			   clock_now_ms());
	free(rules);
	free(figs);
	if (!e)
		*out = json_pack("{s:s,s:s,s:s,s:I,s:O}", "id", id, "unit", u.code, "period", p->kind, "as_at_ms",
				 (json_int_t)as_at, "figures", fig);
	json_decref(fig);
	return e;
}

sj_err stats_publication(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why)
{
	*out = NULL;
	json_t *row = NULL, *re = NULL, *ch = NULL;
	sj_err e = dbj_one(c, sql_get, "id:t,unit_id:t,period:t,from:i,to:i,as_at:i,rules:j,figures:j,created_at:i", &row,
			   "t", id);
	if (e == SJ_ENOTFOUND)
		*why = "stats-publication-not-found";
	if (e)
		return e;
	unit_info u;
	e = unit_get(c, json_string_value(json_object_get(row, "unit_id")), &u);
	if (!e && !a->national && !actor_in_scope(a, u.path))
		e = SJ_EFORBIDDEN;
	stats_period p;
	char f[11], t[11];
	day_text(json_integer_value(json_object_get(row, "from")), f);
	day_text(json_integer_value(json_object_get(row, "to")), t);
	const char *kind = json_string_value(json_object_get(row, "period"));
	if (!e && !stats_period_parse(kind, f, f, t, &p, why))
		e = SJ_EINTERNAL;
	int64_t as_at = json_integer_value(json_object_get(row, "as_at"));
	e = e ? e : stats_figures(c, a, u.code, &p, as_at, &re, why);
	e = e ? e : dbj_rows(c, sql_changed, "unit_id:t,n:i", &ch, "i", as_at);
	if (e)
		goto out;
	json_t *stored = json_object_get(row, "figures");
	bool same = true;
	for (const char *const *k = exact; *k; k++)
		same = same && json_equal(json_object_get(stored, *k), json_object_get(re, *k));
	/* the changed cases of the scope: units whose path lies under u's */
	int64_t changed = 0;
	size_t i;
	json_t *x;
	json_array_foreach(ch, i, x) {
		unit_info v;
		if (unit_get(c, json_string_value(json_object_get(x, "unit_id")), &v) == SJ_OK && unit_in_scope(u.path, v.path))
			changed += json_integer_value(json_object_get(x, "n"));
	}
	json_t *recomputed = json_object();
	for (const char *const *k = exact; *k; k++)
		json_object_set(recomputed, *k, json_object_get(re, *k));
	*out = json_pack("{s:O,s:s,s:s,s:I,s:O,s:o,s:b,s:I}", "id", json_object_get(row, "id"), "unit", u.code, "period",
			 kind, "as_at_ms", (json_int_t)as_at, "figures", stored, "recomputed", recomputed, "identical", same,
			 "changed_since", (json_int_t)changed);
out:
	json_decref(row);
	json_decref(re);
	json_decref(ch);
	return e;
}
