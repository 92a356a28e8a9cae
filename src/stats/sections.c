/* sections.c — the statistics' figures counted by their own dates
 * (custody, referrals, seizures, register hits, wanted persons arrested,
 * complaints), now or as at T, from the views migration 0112 and 0211 own;
 * moved out of stats.c (stats_figures calls it for the period and the one
 * before). */
#include "stats/internal.h"

#include <string.h>

#include "core/clock.h"
#include "db/dbj.h"

/* A record counted by its own date, as at T: its version valid at T (0211:
 * the current row or an earlier version, superseded after T) among those
 * written by T. */
#define VALID_AT(kind) \
	" v.born_at <= ? AND (v.superseded_at IS NULL OR v.superseded_at > ?) AND NOT EXISTS (SELECT 1 FROM stats_" kind \
	"_hist hh WHERE hh.id = v.id AND hh.superseded_at > ? AND (v.superseded_at IS NULL OR hh.superseded_at <" \
	" v.superseded_at)) AND "
#define SQL_CUSTODY(src, valid) \
	"SELECT unit_id, COUNT(*) AS n, SUM(CASE WHEN ended_at IS NOT NULL THEN ended_at - started_at ELSE 0 END) AS dur," \
	" SUM(CASE WHEN ended_at IS NOT NULL THEN 1 ELSE 0 END) AS closed, MAX(COALESCE(ended_at, ?) - started_at) AS longest," \
	" SUM(extensions) AS ext, SUM(CASE WHEN (ended_at IS NULL AND deadline_at < ?) OR ended_at > deadline_at THEN 1" \
	" ELSE 0 END) AS overdue, SUM(CASE WHEN lawyer_contacted_at IS NOT NULL AND lawyer_max_hours IS NOT NULL AND" \
	" lawyer_contacted_at - started_at <= lawyer_max_hours * 3600000 THEN 1 ELSE 0 END) AS lawyer_ok," \
	" SUM(CASE WHEN lawyer_contacted_at IS NOT NULL THEN 1 ELSE 0 END) AS lawyer_rec" \
	" FROM " src " v WHERE " valid IN_PERIOD("started_at") " GROUP BY unit_id"
#define SQL_REFERRALS(src, valid) \
	"SELECT unit_id, office_code, outcome, COUNT(*) AS n FROM " src " v WHERE " valid IN_PERIOD("sent_at") \
	" GROUP BY unit_id, office_code, outcome"
#define SQL_SEIZURES(src, valid) \
	"SELECT unit_id, category, substance, COUNT(*) AS n, COALESCE(SUM(weight_mg), 0) AS mg FROM " src " v" \
	" WHERE " valid IN_PERIOD("seized_at") " GROUP BY unit_id, category, substance"
#define SQL_COMPLAINTS(src, valid) \
	"SELECT unit_id, disposition, COUNT(*) AS n, SUM(CASE WHEN disposed_at IS NOT NULL THEN disposed_at - received_at" \
	" ELSE 0 END) AS dur, SUM(CASE WHEN disposed_at IS NOT NULL THEN 1 ELSE 0 END) AS disposed" \
	" FROM " src " v WHERE " valid IN_PERIOD("received_at") " GROUP BY unit_id, disposition"
/* [0] now, [1] as at T; register hits and wanted persons arrested are
 * events, written when they happen: as at T, those of T or before */
static const char *const sql_custody[] = {SQL_CUSTODY("stats_custody_v", ""),
					  SQL_CUSTODY("stats_custody_all_v", VALID_AT("custody"))};
static const char *const sql_referrals[] = {SQL_REFERRALS("stats_referral_v", ""),
					    SQL_REFERRALS("stats_referral_all_v", VALID_AT("referral"))};
static const char *const sql_seizures[] = {SQL_SEIZURES("stats_seizure_v", ""),
					   SQL_SEIZURES("stats_seizure_all_v", VALID_AT("seizure"))};
static const char *const sql_complaints[] = {SQL_COMPLAINTS("stats_complaint_v", ""),
					     SQL_COMPLAINTS("stats_complaint_all_v", VALID_AT("complaint"))};
static const char *const sql_hits[] = {
	"SELECT unit_id, register, COUNT(*) AS n FROM stats_hit_v WHERE at <= ? AND " IN_PERIOD("at")
	" GROUP BY unit_id, register"};
static const char *const sql_wanted[] = {
	"SELECT unit_id, COUNT(*) AS n FROM stats_wanted_v WHERE at <= ? AND " IN_PERIOD("at") " GROUP BY unit_id"};

static void add_key(json_t *o, const char *k, int64_t n)
{
	json_t *v = json_object_get(o, k ? k : "none");
	json_object_set_new(o, k ? k : "none", json_integer((v ? json_integer_value(v) : 0) + n));
}

/* sections: the figures counted by their own dates, now (as_at 0) or as at
 * as_at (ms): each record as it stood then, "now" being as_at (an open
 * custody's length, an overdue one) */
sj_err stats_sections(db_conn *c, const scope *s, int64_t from, int64_t to, int64_t as_at, json_t *out)
{
	int64_t a = stats_day_ms(from), b = stats_day_ms(stats_day_add(to, 1)), now = as_at ? as_at : clock_now_ms();
	json_t *k = NULL, *rf = NULL, *sz = NULL, *h = NULL, *w = NULL, *cp = NULL, *x;
	static const char kcols[] = "unit_id:t,n:i,dur:i,closed:i,longest:i,ext:i,overdue:i,lawyer_ok:i,lawyer_rec:i",
			  rcols[] = "unit_id:t,office:t,outcome:t,n:i", zcols[] = "unit_id:t,kind:t,substance:t,n:i,mg:i",
			  qcols[] = "unit_id:t,disposition:t,n:i,dur:i,disposed:i";
	sj_err e = as_at ? dbj_rows(c, sql_custody[1], kcols, &k, "iiiiiii", now, now, as_at, as_at, as_at, a, b)
			 : dbj_rows(c, sql_custody[0], kcols, &k, "iiii", now, now, a, b);
	if (!e)
		e = as_at ? dbj_rows(c, sql_referrals[1], rcols, &rf, "iiiii", as_at, as_at, as_at, a, b)
			  : dbj_rows(c, sql_referrals[0], rcols, &rf, "ii", a, b);
	if (!e)
		e = as_at ? dbj_rows(c, sql_seizures[1], zcols, &sz, "iiiii", as_at, as_at, as_at, a, b)
			  : dbj_rows(c, sql_seizures[0], zcols, &sz, "ii", a, b);
	if (!e)
		e = as_at ? dbj_rows(c, sql_complaints[1], qcols, &cp, "iiiii", as_at, as_at, as_at, a, b)
			  : dbj_rows(c, sql_complaints[0], qcols, &cp, "ii", a, b);
	e = e ? e : dbj_rows(c, sql_hits[0], "unit_id:t,register:t,n:i", &h, "iii", now, a, b);
	e = e ? e : dbj_rows(c, sql_wanted[0], "unit_id:t,n:i", &w, "iii", now, a, b);
	if (e)
		goto out;
	size_t i;
	int64_t n = 0, dur = 0, closed = 0, longest = 0, ext = 0, overdue = 0, lok = 0, lrec = 0;
	json_array_foreach(k, i, x) {
		if (!stats_in_scope(s, x))
			continue;
		n += jint(x, "n");
		dur += jint(x, "dur");
		closed += jint(x, "closed");
		longest = jint(x, "longest") > longest ? jint(x, "longest") : longest;
		ext += jint(x, "ext");
		overdue += jint(x, "overdue");
		lok += jint(x, "lawyer_ok");
		lrec += jint(x, "lawyer_rec");
	}
	json_object_set_new(out, "custody",
			    json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "count", (json_int_t)n, "closed",
				      (json_int_t)closed, "mean_minutes", (json_int_t)(closed ? dur / closed / 60000 : 0),
				      "longest_minutes", (json_int_t)(longest / 60000), "extensions", (json_int_t)ext,
				      "overdue", (json_int_t)overdue, "lawyer_in_time", (json_int_t)lok,
				      "lawyer_recorded", (json_int_t)lrec));
	json_t *office = json_object(), *outcome = json_object();
	int64_t nref = 0;
	json_array_foreach(rf, i, x) {
		if (!stats_in_scope(s, x))
			continue;
		add_key(office, jstr(x, "office"), jint(x, "n"));
		add_key(outcome, jstr(x, "outcome"), jint(x, "n"));
		nref += jint(x, "n");
	}
	json_object_set_new(out, "referrals", json_pack("{s:I,s:o,s:o}", "count", (json_int_t)nref, "by_office", office,
							 "by_outcome", outcome));
	/* seizures by kind (the item's category), drugs by substance: how many
	 * seizures and their weight (grams, the sum of the recorded mg) */
	int64_t nsz = 0, nw = 0;
	json_t *kind = json_object(), *drugs = json_object();
	json_array_foreach(sz, i, x) {
		if (!stats_in_scope(s, x))
			continue;
		nsz += jint(x, "n");
		add_key(kind, jstr(x, "kind"), jint(x, "n"));
		if (!jstr(x, "kind") || strcmp(jstr(x, "kind"), "drugs") != 0)
			continue;
		const char *sub = jstr(x, "substance") ? jstr(x, "substance") : "none";
		json_t *d = json_object_get(drugs, sub);
		if (!d)
			json_object_set_new(drugs, sub, d = json_pack("{s:I,s:I}", "count", (json_int_t)0, "mg", (json_int_t)0));
		json_object_set_new(d, "count", json_integer(jint(d, "count") + jint(x, "n")));
		json_object_set_new(d, "mg", json_integer(jint(d, "mg") + jint(x, "mg")));
	}
	const char *sub;
	json_object_foreach(drugs, sub, x)
		json_object_set_new(x, "grams", json_integer(jint(x, "mg") / 1000));
	json_object_set_new(out, "seizures",
			    json_pack("{s:I,s:o,s:o}", "count", (json_int_t)nsz, "by_kind", kind, "drugs", drugs));
	json_t *reg = json_object();
	json_array_foreach(h, i, x)
		if (stats_in_scope(s, x))
			add_key(reg, jstr(x, "register"), jint(x, "n"));
	json_array_foreach(w, i, x)
		if (stats_in_scope(s, x))
			nw += jint(x, "n");
	json_object_set_new(out, "registers", json_pack("{s:o,s:I}", "hits", reg, "wanted_arrested", (json_int_t)nw));
	json_t *disp = json_object();
	int64_t ncp = 0, cdur = 0, disposed = 0;
	json_array_foreach(cp, i, x) {
		if (!stats_in_scope(s, x))
			continue;
		add_key(disp, jstr(x, "disposition"), jint(x, "n"));
		ncp += jint(x, "n");
		cdur += jint(x, "dur");
		disposed += jint(x, "disposed");
	}
	json_object_set_new(out, "complaints",
			    json_pack("{s:I,s:o,s:I,s:I}", "count", (json_int_t)ncp, "by_disposition", disp, "disposed",
				      (json_int_t)disposed, "mean_hours_to_disposition",
				      (json_int_t)(disposed ? cdur / disposed / 3600000 : 0)));
out:
	json_decref(k);
	json_decref(rf);
	json_decref(sz);
	json_decref(h);
	json_decref(w);
	json_decref(cp);
	return e;
}

