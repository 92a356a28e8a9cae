/* bilan.c — the yearly communication bilan of a unit (and below) or of the
 * whole country (see comms.h). Every figure is a count of published
 * activities by their date, or of claims by the times the system recorded. */
#include "comms/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "db/dbj.h"
#include "org/units.h"

#define SCOPE_JOIN " JOIN (SELECT id AS u_id, path AS unit_path FROM units) u ON u.u_id = a.unit_id"
#define SCOPE_WHERE " AND (CAST(? AS TEXT) IS NULL OR unit_path LIKE CAST(? AS TEXT) || '%')"
/* an item counts once, in its first version: a published correction is not a
 * new activity (it is counted apart, in totals.corrections) */
#define YEAR_WHERE " a.status = 'published' AND a.corrects_id IS NULL AND a.date >= ? AND a.date <= ?"

static const char sql_by_month[] =
	"SELECT a.kind, SUBSTR(a.date, 6, 2), COUNT(*) FROM comms_activities a" SCOPE_JOIN
	" WHERE" YEAR_WHERE SCOPE_WHERE " GROUP BY a.kind, SUBSTR(a.date, 6, 2)";
static const char sql_partners[] =
	"SELECT COALESCE(a.media_partner, ''), COUNT(*) FROM comms_activities a" SCOPE_JOIN
	" WHERE" YEAR_WHERE " AND a.kind = 'filmed_report'" SCOPE_WHERE
	" GROUP BY a.media_partner ORDER BY COUNT(*) DESC, COALESCE(a.media_partner, '')";
static const char sql_truth[] =
	"SELECT a.id, a.number, a.date, a.title_ar, a.title_fr, k.received_at, k.answered_at, k.number"
	" FROM comms_activities a LEFT JOIN comms_claims k ON k.answer_id = a.id" SCOPE_JOIN
	" WHERE" YEAR_WHERE " AND a.kind = 'truth_statement'" SCOPE_WHERE " ORDER BY a.date, a.number";
static const char sql_top[] =
	"SELECT a.id, a.number, a.kind, a.title_ar, a.title_fr, a.date, SUM(e.views), SUM(e.likes), SUM(e.shares),"
	" SUM(e.comments) FROM comms_engagement e"
	" JOIN (SELECT activity_id AS m_a, channel AS m_c, MAX(observed_on) AS m_d FROM comms_engagement"
	" GROUP BY activity_id, channel) m ON m.m_a = e.activity_id AND m.m_c = e.channel AND m.m_d = e.observed_on"
	" JOIN comms_activities a ON a.id = e.activity_id" SCOPE_JOIN
	" WHERE" YEAR_WHERE SCOPE_WHERE
	" GROUP BY a.id, a.number, a.kind, a.title_ar, a.title_fr, a.date"
	" ORDER BY SUM(e.views) DESC, SUM(e.likes) DESC, a.number LIMIT ?";
static const char sql_crises[] =
	"SELECT id, code, name_ar, name_fr, started_on, ended_on, status FROM comms_crises"
	" WHERE started_on <= ? AND (ended_on IS NULL OR ended_on >= ?) ORDER BY started_on, code";
static const char sql_crisis_claims[] =
	"SELECT a.id, a.status, a.reach, a.received_at, a.duplicate_of, a.answered_at FROM comms_claims a" SCOPE_JOIN
	" WHERE a.crisis_id = ?" SCOPE_WHERE;
static const char sql_year_claims[] =
	"SELECT a.id, a.status, a.reach, a.received_at, a.duplicate_of, a.answered_at FROM comms_claims a" SCOPE_JOIN
	" WHERE a.received_at >= ? AND a.received_at < ?" SCOPE_WHERE;
static const char sql_corrections[] =
	"SELECT COUNT(*) FROM comms_activities a" SCOPE_JOIN " WHERE a.status = 'published' AND a.corrects_id IS NOT NULL"
	" AND a.date >= ? AND a.date <= ?" SCOPE_WHERE;
static const char sql_events[] =
	"SELECT e.id, e.number, e.kind, e.name_ar, e.name_fr, e.starts_on, e.ends_on, e.visitors, e.online_viewers,"
	" (SELECT COUNT(*) FROM comms_activities a" SCOPE_JOIN " WHERE a.event_id = e.id AND a.status = 'published'"
	SCOPE_WHERE ") FROM comms_events e WHERE e.starts_on >= ? AND e.starts_on <= ? ORDER BY e.starts_on, e.number";
#define CLAIM_COLS "id:t,status:t,reach:i,received_at:i,duplicate_of:t,answered_at:i"

static bool is_info(const char *kind)
{
	return strcmp(kind, "communique") == 0 || strcmp(kind, "press_item") == 0;
}

sj_err comms_bilan(db_conn *c, const sj_actor *a, int year, const char *unit_code, json_t **out)
{
	*out = NULL;
	const char *scope = comms_scope(a);
	unit_info u;
	json_t *unit = json_null();
	if (unit_code) {
		sj_err e = unit_get_by_code(c, unit_code, &u);
		if (e)
			return e;
		if (!a->national && !actor_in_scope(a, u.path))
			return SJ_EFORBIDDEN;
		scope = u.parent_id[0] ? u.path : NULL; /* the root unit's bilan is the national one */
		if (scope)
			unit = unit_to_json(&u);
	} else if (scope) {
		sj_err e = unit_get_by_code(c, a->unit_code, &u);
		if (e)
			return e;
		if (u.parent_id[0])
			unit = unit_to_json(&u);
		else
			scope = NULL;
	}
	char from[11], to[11];
	snprintf(from, sizeof from, "%04d-01-01", year);
	snprintf(to, sizeof to, "%04d-12-31", year);
	json_t *months = NULL, *partners = NULL, *truth = NULL, *top = NULL, *crises = NULL, *events = NULL,
	       *yclaims = NULL;
	sj_err e = dbj_rows(c, sql_by_month, "kind:t,month:t,n:i", &months, "tttt", from, to, scope, scope);
	e = e ? e : dbj_rows(c, sql_partners, "partner:t,n:i", &partners, "tttt", from, to, scope, scope);
	e = e ? e : dbj_rows(c, sql_truth, "id:t,number:t,date:t,title_ar:t,title_fr:t,received_at:i,answered_at:i,claim:t",
			     &truth, "tttt", from, to, scope, scope);
	e = e ? e : dbj_rows(c, sql_top, "id:t,number:t,kind:t,title_ar:t,title_fr:t,date:t,views:i,likes:i,shares:i,comments:i",
			     &top, "tttti", from, to, scope, scope, (int64_t)COMMS_TOP_ITEMS);
	e = e ? e : dbj_rows(c, sql_crises, "id:t,code:t,name_ar:t,name_fr:t,started_on:t,ended_on:t,status:t", &crises,
			     "tt", to, from);
	e = e ? e : dbj_rows(c, sql_year_claims, CLAIM_COLS, &yclaims, "iitt", clock_legal_midnight(year, 1, 1),
			     clock_legal_midnight(year + 1, 1, 1), scope, scope);
	e = e ? e : dbj_rows(c, sql_events,
			     "id:t,number:t,kind:t,name_ar:t,name_fr:t,starts_on:t,ends_on:t,visitors:i,online_viewers:i,"
			     "coverage:i",
			     &events, "tttt", scope, scope, from, to);
	int64_t corrections = 0;
	e = e ? e : dbj_int(c, sql_corrections, &corrections, "tttt", from, to, scope, scope);
	size_t i;
	json_t *x;
	json_array_foreach(crises, i, x) {
		if (e)
			break;
		json_t *cl = NULL;
		e = dbj_rows(c, sql_crisis_claims, CLAIM_COLS, &cl, "ttt", cj_str(x, "id"), scope, scope);
		if (!e)
			json_object_set_new(x, "summary", comms_claims_summary(cl));
		json_decref(cl);
	}
	if (e)
		goto out;

	/* activities by kind and month */
	json_t *by_kind = json_object(), *by_month = json_array();
	for (const char *const *k = comms_kinds.values; *k; k++)
		json_object_set_new(by_kind, *k, json_integer(0));
	for (int m = 1; m <= 12; m++) {
		json_t *counts = json_object();
		for (const char *const *k = comms_kinds.values; *k; k++)
			json_object_set_new(counts, *k, json_integer(0));
		json_array_append_new(by_month, json_pack("{s:i,s:o,s:i}", "month", m, "counts", counts, "total", 0));
	}
	int64_t total = 0, info = 0;
	json_array_foreach(months, i, x) {
		const char *k = cj_str(x, "kind");
		int m = atoi(cj_str(x, "month"));
		int64_t n = cj_int(x, "n");
		if (m < 1 || m > 12 || !json_object_get(by_kind, k))
			continue;
		total += n;
		if (is_info(k))
			info += n;
		json_object_set_new(by_kind, k, json_integer(cj_int(by_kind, k) + n));
		json_t *mo = json_array_get(by_month, (size_t)(m - 1));
		json_t *counts = json_object_get(mo, "counts");
		json_object_set_new(counts, k, json_integer(cj_int(counts, k) + n));
		json_object_set_new(mo, "total", json_integer(cj_int(mo, "total") + n));
	}

	/* truth statements and the time to rebuttal (system times only) */
	size_t nt = json_array_size(truth), measured = 0;
	int64_t *reb = malloc((nt + 1) * sizeof *reb);
	if (!reb) {
		json_decref(by_kind);
		json_decref(by_month);
		e = SJ_ENOMEM;
		goto out;
	}
	json_array_foreach(truth, i, x) {
		if (json_is_integer(json_object_get(x, "answered_at")) && json_is_integer(json_object_get(x, "received_at"))) {
			int64_t d = cj_int(x, "answered_at") - cj_int(x, "received_at");
			json_object_set_new(x, "rebuttal_ms", json_integer(d));
			reb[measured++] = d;
		}
	}
	int64_t median = comms_median(reb, measured);
	free(reb);
	int64_t filmed = cj_int(by_kind, "filmed_report"), ts = cj_int(by_kind, "truth_statement");
	char now[32];
	clock_format_legal(clock_now_ms(), now);
	*out = json_pack("{s:i,s:o,s:s,s:{s:I,s:I,s:I,s:I,s:I,s:I},s:o,s:o,s:{s:I,s:I,s:I,s:O},s:O,s:O,s:o,s:O,s:O,s:s}",
			 "year", year, "unit", unit, "scope", scope ? "unit" : "national", "totals", "activities",
			 (json_int_t)total, "information", (json_int_t)info, "truth_statements", (json_int_t)ts,
			 "filmed_reports", (json_int_t)filmed, "other", (json_int_t)(total - info - ts - filmed),
			 "corrections", (json_int_t)corrections,
			 "by_kind", by_kind, "by_month", by_month, "truth", "count", (json_int_t)nt, "measured",
			 (json_int_t)measured, "median_rebuttal_ms", (json_int_t)median, "items", truth,
			 "filmed_by_partner", partners, "top_items", top, "claims", comms_claims_summary(yclaims),
			 "crises", crises, "events", events, "generated_at", now);
	unit = NULL;
	if (!*out)
		e = SJ_ENOMEM;
out:
	json_decref(unit);
	json_decref(months);
	json_decref(partners);
	json_decref(truth);
	json_decref(top);
	json_decref(crises);
	json_decref(events);
	json_decref(yclaims);
	return e;
}
