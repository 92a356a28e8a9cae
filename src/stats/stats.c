/* stats.c — the figures of a unit and a period (stats.h), counted by the
 * counting rules in force each day (refdata.h), from the monthly rollups
 * (whole months) and the case facts (partial months, as-at recomputation)
 * that migration 0111's triggers keep exact. One predicate, counted(),
 * decides for every figure, list, export and print. */
#include "stats/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "db/dbj.h"
#include "mobile/mobile.h"
#include "org/units.h"
#include "refdata/refdata.h"

/* ------------------------------------------------------------ the rules */

sj_err stats_rules_load(db_conn *c, rules *out)
{
	memset(out, 0, sizeof *out);
	sj_err e = ref_counting_rules_current(c, &out->list);
	if (e)
		return e;
	size_t i;
	json_t *x;
	json_array_foreach(out->list, i, x) {
		if (out->n == sizeof out->r / sizeof out->r[0])
			break;
		json_t *b = json_object_get(x, "body");
		rule *r = &out->r[out->n++];
		r->from = clock_legal_day(jint(x, "effective_from"));
		json_t *to = json_object_get(x, "effective_to");
		r->to = json_is_integer(to) ? clock_legal_day(json_integer_value(to) - 1) : 99991231;
		r->code = jstr(x, "code");
		r->version = jstr(x, "version");
		const char *basis = jstr(b, "date_basis"), *unit = jstr(b, "headline_unit");
		r->basis = strcmp(basis, "occurrence") == 0 ? BASIS_OCC : strcmp(basis, "referral") == 0 ? BASIS_REF : BASIS_REG;
		r->headline = strcmp(unit, "offence_line") == 0 ? UNIT_LINE : strcmp(unit, "victim") == 0 ? UNIT_VICTIM : UNIT_CASE;
		r->or_presented = strcmp(jstr(b, "cleared"), "suspect_and_referral_or_presentation") == 0;
		r->count_cancelled = strcmp(jstr(b, "cancelled"), "counted") == 0;
		r->threshold = jint(b, "small_cell_threshold");
	}
	return SJ_OK;
}

void stats_rules_free(rules *rs)
{
	json_decref(rs->list);
}

/* rule_at: the rule in force on day, NULL when none. */
const rule *stats_rule_at(const rules *rs, int64_t day)
{
	for (size_t i = rs->n; i-- > 0;)
		if (rs->r[i].from <= day && day <= rs->r[i].to)
			return &rs->r[i];
	return NULL;
}

/* counted is the one predicate of the counting rules: whether a row counts
 * under r (a cancelled case is excluded unless the rule counts it), its
 * weight for the headline unit, and whether it is cleared (a suspect
 * identified, and the case referred — or a person presented, when the rule
 * says so). */
int64_t stats_counted(const rule *r, const frow *f, bool *cleared)
{
	*cleared = false;
	if (f->cancelled && !r->count_cancelled)
		return 0;
	*cleared = f->suspect && (f->referred || (r->or_presented && f->presented));
	return r->headline == UNIT_LINE ? f->lines : r->headline == UNIT_VICTIM ? f->victims1 : f->n;
}

/* ------------------------------------------------------------ scope */

void stats_scope_free(scope *s)
{
	json_decref(s->into);
	json_decref(s->children);
	json_decref(s->ids);
}

sj_err stats_scope_load(db_conn *c, const sj_actor *a, const char *unit_code, scope *s, const char **why)
{
	memset(s, 0, sizeof *s);
	sj_err e;
	if (unit_code && *unit_code) {
		e = unit_get_by_code(c, unit_code, &s->unit);
		if (e == SJ_ENOTFOUND)
			*why = "stats-unit-not-found";
		if (e)
			return e;
		if (!a->national && !actor_in_scope(a, s->unit.path))
			return SJ_EFORBIDDEN;
	} else {
		e = a->unit_code ? unit_get_by_code(c, a->unit_code, &s->unit) : unit_get_root(c, &s->unit);
		if (e)
			return e;
	}
	s->national = !s->unit.parent_id[0];
	json_t *all = NULL;
	e = unit_list(c, &all);
	if (e)
		return e;
	json_t *by_code = json_object(), *x;
	s->into = json_object();
	s->children = json_object();
	s->ids = json_array();
	size_t i;
	json_array_foreach(all, i, x)
		json_object_set(by_code, jstr(x, "code"), x);
	json_array_foreach(all, i, x) {
		/* walk up until the scope unit (in scope) or the root (outside) */
		const char *child = "";
		json_t *u = x;
		bool in = false;
		for (int depth = 0; u && depth < 32; depth++) {
			if (strcmp(jstr(u, "code"), s->unit.code) == 0) {
				in = true;
				break;
			}
			child = jstr(u, "code");
			const char *parent = jstr(u, "parent");
			u = parent ? json_object_get(by_code, parent) : NULL;
		}
		if (!in)
			continue;
		json_object_set_new(s->into, jstr(x, "id"), json_string(child));
		json_array_append_new(s->ids, json_string(jstr(x, "id")));
		if (*child && strcmp(child, jstr(x, "code")) == 0)
			json_object_set_new(s->children, child,
					    json_pack("{s:s,s:s,s:s,s:s}", "code", child, "kind", jstr(x, "kind"), "name_fr",
						      jstr(x, "name_fr"), "name_ar", jstr(x, "name_ar")));
	}
	json_decref(by_code);
	json_decref(all);
	return SJ_OK;
}

/* ------------------------------------------------------------ the sources */

/* Every query of the figures is filtered to the scope in SQL (the units
 * whose path starts with the scope's; NULL: national, through the units
 * view migration 0112 owns) and aggregated there: the national year reads
 * a few thousand grouped rows, not one per unit, month and category. */
#define SCOPE " AND (CAST(? AS TEXT) IS NULL OR unit_id IN (SELECT id FROM stats_unit_v" \
	      " WHERE SUBSTR(path, 1, LENGTH(CAST(? AS TEXT))) = CAST(? AS TEXT)))"
#define KEYS "class, category, cancelled, suspect, referred, presented"
#define FLAGS "cancelled, suspect, referred, presented"
/* the detail of a piece: by month, class, category and flags, all units of the scope */
#define DETAIL_FMT "month:i,class:t,category:t,cancelled:i,suspect:i,referred:i,presented:i,n:i,lines:i," \
		   "victims:i,victims1:i,arrested:i,flagrant:i,minors:i,foreigners:i,reclassified:i,flagged:i"
/* the units of a piece: by unit and flags (the table by unit) */
#define UNITS_FMT "unit_id:t,cancelled:i,suspect:i,referred:i,presented:i,n:i,lines:i,victims1:i"
#define ROLL_SUMS "SUM(n), SUM(lines), SUM(victims), SUM(victims1), SUM(arrested), SUM(arrested_flagrant)," \
		  " SUM(minors), SUM(foreigners), SUM(reclassified), SUM(flagged)"
static const char sql_roll_detail[] = "SELECT month, " KEYS ", " ROLL_SUMS " FROM stats_month WHERE basis = ? AND"
				      " month >= ? AND month <= ? AND n <> 0" SCOPE " GROUP BY month, " KEYS;
static const char sql_roll_units[] = "SELECT unit_id, " FLAGS ", SUM(n), SUM(lines), SUM(victims1) FROM stats_month"
				     " WHERE basis = ? AND month >= ? AND month <= ? AND n <> 0" SCOPE
				     " GROUP BY unit_id, " FLAGS;
#define FACT_COLS "case_id, unit_id, reg_day, occ_day, ref_day, class, category, offence_code, lines, cancelled," \
		  " suspect, referred, presented, reclassified, victims, arrested, arrested_flagrant, minors, foreigners, flagged"
#define FACT_SUMS "COUNT(*), SUM(lines), SUM(victims), SUM(CASE WHEN victims > 1 THEN victims ELSE 1 END)," \
		  " SUM(arrested), SUM(arrested_flagrant), SUM(minors), SUM(foreigners), SUM(reclassified), SUM(flagged)"
#define ASAT "(SELECT " FACT_COLS " FROM stats_case_facts WHERE changed_at <= ? UNION ALL SELECT " FACT_COLS \
	     " FROM stats_case_facts_hist WHERE changed_at <= ? AND superseded_at > ?) f"
#define F_DETAIL(src, day) "SELECT " day " / 100, " KEYS ", " FACT_SUMS " FROM " src " WHERE " day " >= ? AND " \
			   day " <= ?" SCOPE " GROUP BY " day " / 100, " KEYS
#define F_UNITS(src, day) "SELECT unit_id, " FLAGS ", COUNT(*), SUM(lines), SUM(CASE WHEN victims > 1 THEN victims" \
			  " ELSE 1 END) FROM " src " WHERE " day " >= ? AND " day " <= ?" SCOPE " GROUP BY unit_id, " FLAGS
static const char *const sql_facts_detail[] = {F_DETAIL("stats_case_facts", "reg_day"),
					       F_DETAIL("stats_case_facts", "occ_day"),
					       F_DETAIL("stats_case_facts", "ref_day")};
static const char *const sql_facts_units[] = {F_UNITS("stats_case_facts", "reg_day"), F_UNITS("stats_case_facts", "occ_day"),
					      F_UNITS("stats_case_facts", "ref_day")};
static const char *const sql_asat_detail[] = {F_DETAIL(ASAT, "reg_day"), F_DETAIL(ASAT, "occ_day"),
					      F_DETAIL(ASAT, "ref_day")};
static const char *const sql_asat_units[] = {F_UNITS(ASAT, "reg_day"), F_UNITS(ASAT, "occ_day"), F_UNITS(ASAT, "ref_day")};
static const char *const basis_letter[] = {"r", "o", "f"};

/* scope_path: the path the SQL filters on, NULL for the nation */
static const char *scope_path(const scope *s)
{
	return s->national ? NULL : s->unit.path;
}

/* The accumulator of one period. */
typedef struct acc {
	int64_t n, cleared, lines, victims, arrested, flagrant, minors, foreigners, reclassified, excluded, cases,
		flagged;
	json_t *by_class, *by_category, *by_unit, *by_month; /* key → [n, cleared] */
	json_t *segments;                                    /* the rules used */
} acc;

static void acc_init(acc *x)
{
	memset(x, 0, sizeof *x);
	x->by_class = json_object();
	x->by_category = json_object();
	x->by_unit = json_object();
	x->by_month = json_object();
	x->segments = json_array();
}

static void acc_free(acc *x)
{
	json_decref(x->by_class);
	json_decref(x->by_category);
	json_decref(x->by_unit);
	json_decref(x->by_month);
	json_decref(x->segments);
}

static void bump(json_t *o, const char *k, int64_t n, int64_t cleared)
{
	json_t *v = json_object_get(o, k);
	if (!v) {
		json_object_set_new(o, k, json_pack("[I,I]", (json_int_t)n, (json_int_t)cleared));
		return;
	}
	json_integer_set(json_array_get(v, 0), json_integer_value(json_array_get(v, 0)) + n);
	json_integer_set(json_array_get(v, 1), json_integer_value(json_array_get(v, 1)) + cleared);
}

/* acc_detail adds a detail row (no unit: the scope's, filtered in SQL) */
static void acc_detail(acc *x, const rule *r, const frow *f)
{
	bool cl;
	int64_t w = stats_counted(r, f, &cl);
	if (!w) {
		if (f->cancelled)
			x->excluded += f->n;
		return;
	}
	int64_t wc = cl ? w : 0;
	x->n += w;
	x->cleared += wc;
	x->lines += f->lines;
	x->victims += f->victims;
	x->arrested += f->arrested;
	x->flagrant += f->flagrant;
	x->minors += f->minors;
	x->foreigners += f->foreigners;
	x->reclassified += f->reclassified;
	x->cases += f->n;
	x->flagged += f->flagged;
	bump(x->by_class, f->cls, w, wc);
	bump(x->by_category, *f->category ? f->category : "none", w, wc);
	char m[24];
	snprintf(m, sizeof m, "%06lld", (long long)f->month);
	bump(x->by_month, m, w, wc);
}

/* acc_unit adds a unit row to the table by unit (the child of the scope
 * unit it rolls into) */
static void acc_unit(acc *x, const scope *s, const rule *r, const frow *f)
{
	json_t *into = json_object_get(s->into, f->unit_id);
	if (!into)
		return;
	bool cl;
	int64_t w = stats_counted(r, f, &cl);
	if (!w)
		return;
	const char *u = json_string_value(into);
	bump(x->by_unit, *u ? u : s->unit.code, w, cl ? w : 0);
}

static void frow_of(json_t *o, frow *f)
{
	f->unit_id = jstr(o, "unit_id");
	f->cls = jstr(o, "class");
	f->category = jstr(o, "category") ? jstr(o, "category") : "";
	f->month = jint(o, "month");
	f->cancelled = jint(o, "cancelled");
	f->suspect = jint(o, "suspect");
	f->referred = jint(o, "referred");
	f->presented = jint(o, "presented");
	f->n = jint(o, "n");
	f->lines = jint(o, "lines");
	f->victims = jint(o, "victims");
	f->victims1 = jint(o, "victims1");
	f->arrested = jint(o, "arrested");
	f->flagrant = jint(o, "flagrant");
	f->minors = jint(o, "minors");
	f->foreigners = jint(o, "foreigners");
	f->reclassified = jint(o, "reclassified");
	f->flagged = jint(o, "flagged");
}

static sj_err add_rows(acc *x, const scope *s, const rule *r, json_t *detail, json_t *units)
{
	if (!detail || !units) {
		json_decref(detail);
		json_decref(units);
		return SJ_ENOMEM;
	}
	size_t i;
	json_t *o;
	frow f;
	json_array_foreach(detail, i, o) {
		frow_of(o, &f);
		if (f.cls)
			acc_detail(x, r, &f);
	}
	json_array_foreach(units, i, o) {
		frow_of(o, &f);
		if (f.unit_id)
			acc_unit(x, s, r, &f);
	}
	json_decref(detail);
	json_decref(units);
	return SJ_OK;
}

/* piece adds days a..b (one month at most, or whole months a..b when whole)
 * under rule r. */
static sj_err piece(db_conn *c, acc *x, const scope *s, const rule *r, int64_t a, int64_t b, bool whole,
		    int64_t as_at)
{
	json_t *detail = NULL, *units = NULL;
	const char *sp = scope_path(s);
	sj_err e;
	if (as_at) {
		e = dbj_rows(c, sql_asat_detail[r->basis], DETAIL_FMT, &detail, "iiiiittt", as_at, as_at, as_at, a, b, sp,
			     sp, sp);
		e = e ? e : dbj_rows(c, sql_asat_units[r->basis], UNITS_FMT, &units, "iiiiittt", as_at, as_at, as_at, a, b,
				     sp, sp, sp);
	} else if (whole) {
		e = dbj_rows(c, sql_roll_detail, DETAIL_FMT, &detail, "tiittt", basis_letter[r->basis], a / 100, b / 100, sp,
			     sp, sp);
		e = e ? e : dbj_rows(c, sql_roll_units, UNITS_FMT, &units, "tiittt", basis_letter[r->basis], a / 100,
				     b / 100, sp, sp, sp);
	} else {
		e = dbj_rows(c, sql_facts_detail[r->basis], DETAIL_FMT, &detail, "iittt", a, b, sp, sp, sp);
		e = e ? e : dbj_rows(c, sql_facts_units[r->basis], UNITS_FMT, &units, "iittt", a, b, sp, sp, sp);
	}
	if (e) {
		json_decref(detail);
		json_decref(units);
		return e;
	}
	return add_rows(x, s, r, detail, units);
}

/* tally adds the period from..to: cut at each rule's effective dates, then
 * into whole months (the rollup) and partial months (the facts). */
static sj_err tally(db_conn *c, const rules *rs, const scope *s, int64_t from, int64_t to, int64_t as_at, acc *x,
		    const char **why)
{
	int64_t d = from;
	while (d <= to) {
		const rule *r = stats_rule_at(rs, d);
		if (!r) {
			*why = "stats-no-counting-rule";
			return SJ_ECONFLICT;
		}
		int64_t end = r->to < to ? r->to : to;
		char f[11], t[11];
		stats_day_text(d, f);
		stats_day_text(end, t);
		json_array_append_new(x->segments, json_pack("{s:s,s:s,s:s,s:s}", "code", r->code, "version", r->version,
							      "from", f, "to", t));
		/* months of [d, end] */
		int64_t m0 = -1, m1 = -1; /* a run of whole months */
		for (int64_t a = d; a <= end;) {
			int y = (int)(a / 10000), m = (int)(a / 100 % 100);
			int64_t last = stats_ymd(y, m, stats_days_in_month(y, m)), b = last < end ? last : end;
			bool whole = a % 100 == 1 && b == last;
			sj_err e = SJ_OK;
			if (whole && !as_at) {
				if (m0 < 0)
					m0 = a;
				m1 = b;
			} else {
				if (m0 >= 0)
					e = piece(c, x, s, r, m0, m1, true, 0);
				m0 = -1;
				e = e ? e : piece(c, x, s, r, a, b, false, as_at);
			}
			if (e)
				return e;
			a = stats_day_add(b, 1);
		}
		if (m0 >= 0) {
			sj_err e = piece(c, x, s, r, m0, m1, true, 0);
			if (e)
				return e;
		}
		if (end == 99991231)
			break;
		d = stats_day_add(end, 1);
	}
	return SJ_OK;
}

/* ------------------------------------------------------------ other sections */

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

bool stats_in_scope(const scope *s, json_t *row)
{
	return json_object_get(s->into, jstr(row, "unit_id")) != NULL;
}

static void add_key(json_t *o, const char *k, int64_t n)
{
	json_t *v = json_object_get(o, k ? k : "none");
	json_object_set_new(o, k ? k : "none", json_integer((v ? json_integer_value(v) : 0) + n));
}

/* sections: the figures counted by their own dates, now (as_at 0) or as at
 * as_at (ms): each record as it stood then, "now" being as_at (an open
 * custody's length, an overdue one) */
static sj_err sections(db_conn *c, const scope *s, int64_t from, int64_t to, int64_t as_at, json_t *out)
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

/* ------------------------------------------------------------ offences */

#define OFF(src, day) "SELECT offence_code, " KEYS ", COUNT(*), SUM(lines), SUM(CASE WHEN victims > 1 THEN victims" \
		      " ELSE 1 END) FROM " src " WHERE " day " >= ? AND " day " <= ?" SCOPE " GROUP BY offence_code, " KEYS
static const char *const sql_off[] = {OFF("stats_case_facts", "reg_day"), OFF("stats_case_facts", "occ_day"),
				      OFF("stats_case_facts", "ref_day")};
static const char *const sql_off_asat[] = {OFF(ASAT, "reg_day"), OFF(ASAT, "occ_day"), OFF(ASAT, "ref_day")};

/* by_offence counts the principal offences of the period from the facts
 * (the rollup keeps classes and categories only), day by day under the rule
 * in force, with the same predicate. */
static sj_err by_offence(db_conn *c, const rules *rs, const scope *s, int64_t from, int64_t to, int64_t as_at,
			 json_t **out)
{
	*out = json_object();
	for (int64_t d = from; d <= to;) {
		const rule *r = stats_rule_at(rs, d);
		if (!r)
			return SJ_ECONFLICT;
		int64_t end = r->to < to ? r->to : to;
		json_t *rows = NULL, *x;
#define OFF_COLS "code:t,class:t,category:t,cancelled:i,suspect:i,referred:i,presented:i,n:i,lines:i,victims1:i"
		const char *sp = scope_path(s);
		sj_err e = as_at ? dbj_rows(c, sql_off_asat[r->basis], OFF_COLS, &rows, "iiiiittt", as_at, as_at, as_at, d,
					    end, sp, sp, sp)
				 : dbj_rows(c, sql_off[r->basis], OFF_COLS, &rows, "iittt", d, end, sp, sp, sp);
		if (e)
			return e;
		size_t i;
		json_array_foreach(rows, i, x) {
			frow f = {.cls = jstr(x, "class"), .category = jstr(x, "category"), .cancelled = jint(x, "cancelled"),
				  .suspect = jint(x, "suspect"), .referred = jint(x, "referred"),
				  .presented = jint(x, "presented"), .n = jint(x, "n"), .lines = jint(x, "lines"),
				  .victims1 = jint(x, "victims1")};
			bool cl;
			int64_t w = stats_counted(r, &f, &cl);
			if (w)
				bump(*out, *jstr(x, "code") ? jstr(x, "code") : "none", w, cl ? w : 0);
		}
		json_decref(rows);
		if (end == 99991231)
			break;
		d = stats_day_add(end, 1);
	}
	return SJ_OK;
}

/* ------------------------------------------------------------ the figures */

/* table turns key → [n, cleared] (and prev's) into [{key, n, cleared, prev,
 * prev_cleared}] sorted by n descending, then key. */
static int cmp_rows(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int64_t nx = jint(x, "n"), ny = jint(y, "n");
	if (nx != ny)
		return nx > ny ? -1 : 1;
	return strcmp(jstr(x, "key"), jstr(y, "key"));
}

static json_t *table(json_t *cur, json_t *prev, bool by_key, size_t limit)
{
	json_t *keys = json_object();
	const char *k;
	json_t *v;
	json_object_foreach(cur, k, v)
		json_object_set(keys, k, json_true());
	json_object_foreach(prev, k, v)
		json_object_set(keys, k, json_true());
	size_t n = json_object_size(keys), i = 0;
	json_t **rows = calloc(n + 1, sizeof *rows);
	json_object_foreach(keys, k, v) {
		json_t *c = json_object_get(cur, k), *p = json_object_get(prev, k);
		if (!rows)
			break;
		rows[i++] = json_pack("{s:s,s:I,s:I,s:I,s:I}", "key", k, "n", (json_int_t)json_integer_value(json_array_get(c, 0)),
				      "cleared", (json_int_t)json_integer_value(json_array_get(c, 1)), "prev",
				      (json_int_t)json_integer_value(json_array_get(p, 0)), "prev_cleared",
				      (json_int_t)json_integer_value(json_array_get(p, 1)));
	}
	json_decref(keys);
	json_t *out = json_array();
	if (!rows)
		return out;
	if (by_key)
		qsort(rows, i, sizeof *rows, cmp_rows);
	for (size_t j = 0; j < i; j++) {
		if (j < limit)
			json_array_append(out, rows[j]);
		json_decref(rows[j]);
	}
	free(rows);
	return out;
}

static int cmp_month(const void *a, const void *b)
{
	return strcmp(jstr(*(json_t *const *)a, "key"), jstr(*(json_t *const *)b, "key"));
}

/* rate: the clearance rate in tenths of a percent (955 = 95.5 %), -1 when
 * nothing was counted. */
static int64_t rate(int64_t cleared, int64_t n)
{
	return n ? (cleared * 1000 + n / 2) / n : -1;
}

static json_t *totals(const acc *x)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "cases", (json_int_t)x->n, "cleared",
			 (json_int_t)x->cleared, "clearance_permille", (json_int_t)rate(x->cleared, x->n), "offence_lines",
			 (json_int_t)x->lines, "victims", (json_int_t)x->victims, "arrested", (json_int_t)x->arrested,
			 "arrested_flagrant", (json_int_t)x->flagrant, "arrested_notice", (json_int_t)(x->arrested - x->flagrant),
			 "minors", (json_int_t)x->minors, "foreigners", (json_int_t)x->foreigners, "reclassified",
			 (json_int_t)x->reclassified, "cancelled_excluded", (json_int_t)x->excluded);
}

static json_t *period_json(int64_t from, int64_t to)
{
	char f[11], t[11];
	stats_day_text(from, f);
	stats_day_text(to, t);
	return json_pack("{s:s,s:s}", "from", f, "to", t);
}

sj_err stats_figures(db_conn *c, const sj_actor *a, const char *unit_code, const stats_period *p, int64_t as_at,
		     json_t **out, const char **why)
{
	*out = NULL;
	scope s;
	rules rs;
	acc cur, prev;
	acc_init(&cur);
	acc_init(&prev);
	memset(&rs, 0, sizeof rs);
	json_t *off = NULL, *off_prev = NULL, *o = NULL;
	sj_err e = stats_scope_load(c, a, unit_code, &s, why);
	e = e ? e : stats_rules_load(c, &rs);
	e = e ? e : tally(c, &rs, &s, p->from, p->to, as_at, &cur, why);
	e = e ? e : tally(c, &rs, &s, p->prev_from, p->prev_to, as_at, &prev, why);
	e = e ? e : by_offence(c, &rs, &s, p->from, p->to, as_at, &off);
	e = e ? e : by_offence(c, &rs, &s, p->prev_from, p->prev_to, as_at, &off_prev);
	if (e)
		goto out;
	o = json_object();
	json_t *months = table(cur.by_month, NULL, false, 1000);
	size_t nm = json_array_size(months);
	json_t **mv = calloc(nm + 1, sizeof *mv);
	for (size_t i = 0; mv && i < nm; i++)
		mv[i] = json_incref(json_array_get(months, i));
	if (mv)
		qsort(mv, nm, sizeof *mv, cmp_month);
	json_t *trend = json_array();
	for (size_t i = 0; mv && i < nm; i++)
		json_array_append_new(trend, mv[i]);
	free(mv);
	json_decref(months);
	json_t *units = table(cur.by_unit, prev.by_unit, true, 10000);
	size_t i;
	json_t *x;
	json_array_foreach(units, i, x) {
		json_t *ch = json_object_get(s.children, jstr(x, "key"));
		if (ch) {
			json_object_update(x, ch);
		} else {
			json_object_set_new(x, "direct", json_true());
			json_object_set_new(x, "name_fr", json_string(s.unit.name_fr));
			json_object_set_new(x, "name_ar", json_string(s.unit.name_ar));
		}
	}
	/* the offences by their names (the catalogue's current entry) */
	json_t *offences = table(off, off_prev, true, STATS_TOP_OFFENCES);
	json_array_foreach(offences, i, x) {
		json_t *ref = NULL;
		if (ref_offence_get(c, jstr(x, "key"), &ref) == SJ_OK) {
			json_object_set(x, "name_fr", json_object_get(ref, "label_fr"));
			json_object_set(x, "name_ar", json_object_get(ref, "label_ar"));
		}
		json_decref(ref);
	}
	const rule *r0 = stats_rule_at(&rs, p->to);
	char now[32];
	clock_format_legal(as_at ? as_at : clock_now_ms(), now);
	json_object_set_new(o, "unit", unit_to_json(&s.unit));
	json_object_set_new(o, "scope", json_string(s.national ? "national" : "unit"));
	json_object_set_new(o, "period", period_json(p->from, p->to));
	json_object_set_new(json_object_get(o, "period"), "kind", json_string(p->kind));
	json_object_set_new(o, "previous", period_json(p->prev_from, p->prev_to));
	json_object_set(o, "rules", cur.segments);
	json_object_set(o, "rules_previous", prev.segments);
	json_object_set_new(o, "small_cell_threshold", json_integer(r0 ? r0->threshold : 5));
	json_object_set_new(o, "totals", totals(&cur));
	json_object_set_new(o, "totals_previous", totals(&prev));
	json_object_set_new(o, "by_class", table(cur.by_class, prev.by_class, true, 100));
	json_object_set_new(o, "by_category", table(cur.by_category, prev.by_category, true, 1000));
	json_object_set_new(o, "by_offence", offences);
	json_object_set_new(o, "by_unit", units);
	json_object_set_new(o, "by_month", trend);
	json_t *sec = json_object(), *secp = json_object();
	e = sections(c, &s, p->from, p->to, as_at, sec);
	e = e ? e : sections(c, &s, p->prev_from, p->prev_to, as_at, secp);
	json_object_update(o, sec);
	json_object_set_new(o, "previous_sections", secp);
	json_decref(sec);
	/* the mobile CNIE units' figures (src/mobile: tours, enrolments, …) of
	 * the period and the scope's units; current figures, not "as at" */
	json_t *mob = NULL;
	e = e ? e : mobile_stats_figures(c, s.national ? NULL : s.ids, p->from, p->to, &mob);
	if (mob)
		json_object_set_new(o, "mobile", mob);
	if (e)
		goto out;
	/* "figures computed over N cases, M with open quality issues": the
	 * counted cases of the period, those with an open record edit */
	json_object_set_new(o, "quality", json_pack("{s:I,s:I}", "cases", (json_int_t)cur.cases, "with_issues",
						    (json_int_t)cur.flagged));
	json_object_set_new(o, "as_at", json_string(now));
	if (as_at)
		json_object_set_new(o, "as_at_ms", json_integer(as_at));
	*out = o;
	o = NULL;
out:
	json_decref(o);
	json_decref(off);
	json_decref(off_prev);
	acc_free(&cur);
	acc_free(&prev);
	stats_rules_free(&rs);
	stats_scope_free(&s);
	return e;
}

