/* figures.c — a tour's figures (issue 14 item 7), from the kit's own
 * applications as the status feed left them: enrolments per day, commune
 * and request type, rejections by reason (the supervisor's and central's),
 * duplicates found (the kit's same-person alerts, central's adjudications),
 * and the time from enrolment to ready and from ready to handed over
 * (median and 90th percentile, hours) (mobile.h). */
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

#define FIG_FIELDS(X) \
	X(V, tour_id, ID, 0, 36, NULL, OUT) \
	X(V, enrolments, INT, 0, 0, NULL, OUT) \
	X(V, per_day, ARRAY, 0, 0, NULL, OUT) \
	X(V, rejections, ARRAY, 0, 0, NULL, OUT) \
	X(V, duplicates, INT, 0, 0, NULL, OUT) \
	X(V, to_ready_h, OBJECT, 0, 0, NULL, OUT) \
	X(V, to_handed_h, OBJECT, 0, 0, NULL, OUT)
static const rec_field fig_fields[] = {FIG_FIELDS(REC_FIELD)};
const rec_desc mob_figures_rec = REC_DESC("mob_figures", NULL, fig_fields, NULL);

/* the legal day of created_at is computed in C (Africa/Casablanca), never in SQL */
static const char sql_rows[] =
	"SELECT created_at, commune, request_type, status, reject_reason, central_status, central_reason, central_at,"
	" handed_at, alerts FROM mob_enrolments WHERE tour_id = ?";

static int cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* pct: median and 90th percentile (nearest rank) of n values, in hours. */
static json_t *pct(int64_t *v, size_t n)
{
	if (!n)
		return json_pack("{s:n,s:n,s:i}", "median", "p90", "n", 0);
	qsort(v, n, sizeof *v, cmp);
	size_t m = (n - 1) / 2, p = (size_t)((n * 9 + 9) / 10) - 1;
	return json_pack("{s:f,s:f,s:I}", "median", (double)v[m] / 3600000.0, "p90", (double)v[p < n ? p : n - 1] / 3600000.0,
			 "n", (json_int_t)n);
}

static void count(json_t *obj, const char *key)
{
	json_int_t n = json_integer_value(json_object_get(obj, key));
	json_object_set_new(obj, key, json_integer(n + 1));
}

sj_err mob_figures(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why)
{
	*out = NULL;
	json_t *t = NULL, *rows = NULL;
	sj_err e = mob_tour_read(c, a, id, &t, why);
	json_decref(t);
	e = e ? e : dbj_rows(c, sql_rows,
			     "created_at:i,commune:t,request_type:t,status:t,reject_reason:t,central_status:t,central_reason:t,"
			     "central_at:i,handed_at:i,alerts:j",
			     &rows, "t", id);
	if (e)
		return e;
	size_t n = json_array_size(rows), nr = 0, nh = 0, i;
	int64_t *ready = calloc(n + 1, sizeof *ready), *handed = calloc(n + 1, sizeof *handed), dups = 0;
	json_t *days = json_object(), *rej = json_object(), *r;
	json_array_foreach(rows, i, r) {
		char day[11], key[200];
		clock_legal_date((int64_t)json_integer_value(json_object_get(r, "created_at")), day);
		snprintf(key, sizeof key, "%s|%s|%s", day, js(r, "commune"), js(r, "request_type"));
		count(days, key);
		if (js(r, "reject_reason"))
			count(rej, "supervisor");
		if (js(r, "central_reason"))
			count(rej, js(r, "central_reason"));
		char *al = json_dumps(json_object_get(r, "alerts"), 0);
		if ((al && strstr(al, "same-person")) || (js(r, "central_status") && strcmp(js(r, "central_status"), "adjudication") == 0))
			dups++;
		free(al);
		int64_t at = json_integer_value(json_object_get(r, "central_at")),
			h = json_integer_value(json_object_get(r, "handed_at")),
			c0 = json_integer_value(json_object_get(r, "created_at"));
		const char *cs = js(r, "central_status");
		if (cs && (strcmp(cs, "ready") == 0 || strcmp(cs, "dispatched") == 0) && at >= c0)
			ready[nr++] = at - c0;
		if (h && at && h >= at)
			handed[nh++] = h - at;
	}
	json_t *pd = json_array(), *rj = json_array();
	const char *k;
	json_t *v;
	json_object_foreach(days, k, v) {
		char d[11] = "", com[100] = "", rt[32] = "";
		sscanf(k, "%10[^|]|%99[^|]|%31s", d, com, rt);
		json_array_append_new(pd, json_pack("{s:s,s:s,s:s,s:O}", "day", d, "commune", com, "request_type", rt, "count", v));
	}
	json_object_foreach(rej, k, v) json_array_append_new(rj, json_pack("{s:s,s:O}", "reason", k, "count", v));
	*out = json_pack("{s:s,s:I,s:o,s:o,s:I,s:o,s:o}", "tour_id", id, "enrolments", (json_int_t)n, "per_day", pd,
			 "rejections", rj, "duplicates", (json_int_t)dups, "to_ready_h", pct(ready, nr), "to_handed_h",
			 pct(handed, nh));
	free(ready);
	free(handed);
	json_decref(days);
	json_decref(rej);
	json_decref(rows);
	return *out ? SJ_OK : SJ_ENOMEM;
}

/* ------------------------------------------------ the statistics report's figures */

/* At central, from what central holds: the tours planned (by the day they
 * start), the applications received (mob_received, by the time central
 * received the packet; a replay is a copy, not an application), what central
 * made of them, and the cards the kits handed over (mob_received.handed_at,
 * recorded from the kits' mob_handovers rows). Grouped by unit id in SQL,
 * scoped in C: the scope is a list of ids (the statistics' scope). */
static const char sql_st_tours[] =
	"SELECT unit_id AS unit_id, COUNT(*) AS n FROM mob_tours WHERE starts_on >= ? AND starts_on <= ?"
	" AND status <> 'cancelled' GROUP BY unit_id";
static const char sql_st_received[] =
	"SELECT u.id AS unit_id, r.outcome AS outcome, r.reason AS reason, r.status AS status, COUNT(*) AS n"
	" FROM mob_received r JOIN units u ON u.code = r.unit"
	" WHERE r.received_at >= ? AND r.received_at < ? AND (r.reason IS NULL OR r.reason <> 'packet-replay')"
	" GROUP BY u.id, r.outcome, r.reason, r.status";
static const char sql_st_handed[] =
	"SELECT u.id AS unit_id, COUNT(*) AS n FROM mob_received r JOIN units u ON u.code = r.unit"
	" WHERE r.handed_at >= ? AND r.handed_at < ? GROUP BY u.id";

static bool st_in(json_t *ids, const char *id)
{
	if (!ids)
		return true;
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v) {
		if (id && json_is_string(v) && strcmp(json_string_value(v), id) == 0)
			return true;
	}
	return false;
}

/* st_add adds n to key of the totals and of the unit's own figures */
static void st_add(json_t *tot, json_t *units, const char *unit, const char *key, json_int_t n)
{
	json_t *u = json_object_get(units, unit);
	if (!u) {
		u = json_pack("{s:i,s:i,s:i,s:i,s:i,s:i}", "tours", 0, "enrolments", 0, "validated", 0, "rejected", 0,
			      "in_adjudication", 0, "handed_over", 0);
		json_object_set_new(units, unit, u);
	}
	json_t *objs[2] = {tot, u};
	for (int k = 0; k < 2; k++)
		json_object_set_new(objs[k], key, json_integer(json_integer_value(json_object_get(objs[k], key)) + n));
}

static void day_parts(int64_t day, int *y, int *m, int *d)
{
	*y = (int)(day / 10000);
	*m = (int)(day / 100 % 100);
	*d = (int)(day % 100);
}

sj_err mobile_stats_figures(db_conn *c, json_t *unit_ids, int64_t from_day, int64_t to_day, json_t **out)
{
	*out = NULL;
	if (from_day < 19000101 || to_day < from_day || to_day > 99991231)
		return SJ_EINVAL;
	int y, m, d;
	char from_s[16], to_s[16];
	day_parts(from_day, &y, &m, &d);
	int64_t from_ms = clock_legal_midnight(y, m, d);
	snprintf(from_s, sizeof from_s, "%04d-%02d-%02d", y, m, d);
	day_parts(to_day, &y, &m, &d);
	int64_t to_ms = clock_legal_midnight(y, m, d + 1);   /* mktime carries the day over */
	snprintf(to_s, sizeof to_s, "%04d-%02d-%02d", y, m, d);
	json_t *tours = NULL, *recv = NULL, *hand = NULL;
	sj_err e = dbj_rows(c, sql_st_tours, "unit_id:t,n:i", &tours, "tt", from_s, to_s);
	e = e ? e : dbj_rows(c, sql_st_received, "unit_id:t,outcome:t,reason:t,status:t,n:i", &recv, "ii", from_ms, to_ms);
	e = e ? e : dbj_rows(c, sql_st_handed, "unit_id:t,n:i", &hand, "ii", from_ms, to_ms);
	json_t *tot = json_pack("{s:i,s:i,s:i,s:i,s:i,s:i}", "tours", 0, "enrolments", 0, "validated", 0, "rejected", 0,
				"in_adjudication", 0, "handed_over", 0),
	       *units = json_object(), *reasons = json_object(), *r;
	size_t i;
	if (!e) {
		json_array_foreach(tours, i, r) {
			if (st_in(unit_ids, js(r, "unit_id")))
				st_add(tot, units, js(r, "unit_id"), "tours", json_integer_value(json_object_get(r, "n")));
		}
		json_array_foreach(recv, i, r) {
			const char *u = js(r, "unit_id");
			if (!st_in(unit_ids, u))
				continue;
			json_int_t n = json_integer_value(json_object_get(r, "n"));
			st_add(tot, units, u, "enrolments", n);
			bool ok = js(r, "outcome") && strcmp(js(r, "outcome"), "accepted") == 0;
			st_add(tot, units, u, ok ? "validated" : "rejected", n);
			if (ok && js(r, "status") && strcmp(js(r, "status"), "adjudication") == 0)
				st_add(tot, units, u, "in_adjudication", n);
			if (!ok) {
				const char *why = js(r, "reason") ? js(r, "reason") : "unknown";
				json_object_set_new(reasons, why,
						    json_integer(json_integer_value(json_object_get(reasons, why)) + n));
			}
		}
		json_array_foreach(hand, i, r) {
			if (st_in(unit_ids, js(r, "unit_id")))
				st_add(tot, units, js(r, "unit_id"), "handed_over",
				       json_integer_value(json_object_get(r, "n")));
		}
	}
	json_decref(tours);
	json_decref(recv);
	json_decref(hand);
	json_t *by = json_array(), *v;
	const char *k;
	json_object_foreach(reasons, k, v) json_array_append_new(by, json_pack("{s:s,s:O}", "reason", k, "count", v));
	json_decref(reasons);
	if (e) {
		json_decref(tot);
		json_decref(units);
		json_decref(by);
		return e;
	}
	json_object_set_new(tot, "from", json_string(from_s));
	json_object_set_new(tot, "to", json_string(to_s));
	json_object_set_new(tot, "rejected_by_reason", by);
	json_object_set_new(tot, "units", units);
	*out = tot;
	return SJ_OK;
}
