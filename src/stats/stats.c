/* stats.c — the figures of a unit and a period (stats.h), counted by the
 * counting rules in force each day (refdata.h), from the monthly rollups
 * (whole months) and the case facts (partial months, as-at recomputation)
 * that migration 0111's triggers keep exact. One predicate, counted(),
 * decides for every figure, list, export and print. */
#include "stats/stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "db/dbj.h"
#include "org/units.h"
#include "refdata/refdata.h"

/* ------------------------------------------------------------ days */

static int64_t ymd(int y, int m, int d)
{
	return (int64_t)y * 10000 + m * 100 + d;
}

static int days_in_month(int y, int m)
{
	static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : n[m - 1];
}

/* day_ms: the UTC ms of 00:00 legal time of day (YYYYMMDD). */
static int64_t day_ms(int64_t day)
{
	return clock_legal_midnight((int)(day / 10000), (int)(day / 100 % 100), (int)(day % 100));
}

/* day_add moves day by n days (n may be negative) through the calendar. */
static int64_t day_add(int64_t day, int n)
{
	int y = (int)(day / 10000), m = (int)(day / 100 % 100), d = (int)(day % 100);
	while (n > 0) {
		if (++d > days_in_month(y, m)) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
		n--;
	}
	while (n < 0) {
		if (--d < 1) {
			if (--m < 1) {
				m = 12;
				y--;
			}
			d = days_in_month(y, m);
		}
		n++;
	}
	return ymd(y, m, d);
}

static bool parse_day(const char *s, int64_t *out)
{
	int y, m, d;
	char tail;
	if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || y < STATS_YEAR_MIN ||
	    y > STATS_YEAR_MAX || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return false;
	*out = ymd(y, m, d);
	return true;
}

static void day_text(int64_t day, char out[11])
{
	unsigned y = (unsigned)(day / 10000) % 10000u, m = (unsigned)(day / 100 % 100) % 100u, d = (unsigned)(day % 100) % 100u;
	snprintf(out, 11, "%04u-%02u-%02u", y, m, d);
}

bool stats_period_parse(const char *kind, const char *date, const char *from, const char *to, stats_period *out,
			const char **why)
{
	memset(out, 0, sizeof *out);
	*why = "stats-bad-period";
	int64_t d = 0;
	if (!kind)
		kind = "year";
	if (strcmp(kind, "range") == 0) {
		int64_t f, t;
		if (!parse_day(from, &f) || !parse_day(to, &t) || t < f)
			return false;
		int n = 0;
		for (int64_t x = f; x < t && n <= STATS_RANGE_MAX_DAYS; x = day_add(x, 1))
			n++;
		if (n >= STATS_RANGE_MAX_DAYS || day_add(f, -(n + 1)) / 10000 < STATS_YEAR_MIN)
			return false;
		out->from = f;
		out->to = t;
		out->prev_to = day_add(f, -1);
		out->prev_from = day_add(f, -(n + 1));
	} else if (!parse_day(date, &d)) {
		return false;
	} else if (strcmp(kind, "day") == 0) {
		out->from = out->to = d;
		out->prev_from = out->prev_to = day_add(d, -1);
	} else if (strcmp(kind, "month") == 0) {
		int y = (int)(d / 10000), m = (int)(d / 100 % 100);
		out->from = ymd(y, m, 1);
		out->to = ymd(y, m, days_in_month(y, m));
		int py = m == 1 ? y - 1 : y, pm = m == 1 ? 12 : m - 1;
		out->prev_from = ymd(py, pm, 1);
		out->prev_to = ymd(py, pm, days_in_month(py, pm));
	} else if (strcmp(kind, "year") == 0) {
		int y = (int)(d / 10000);
		out->from = ymd(y, 1, 1);
		out->to = ymd(y, 12, 31);
		out->prev_from = ymd(y - 1, 1, 1);
		out->prev_to = ymd(y - 1, 12, 31);
	} else {
		return false;
	}
	if (out->prev_from / 10000 < STATS_YEAR_MIN)
		return false;
	snprintf(out->kind, sizeof out->kind, "%s", kind);
	*why = NULL;
	return true;
}

/* ------------------------------------------------------------ the calendar */

static const char sql_days_count[] = "SELECT COUNT(*) FROM stats_days";
static const char sql_day_add[] = "INSERT INTO stats_days (day, start_ms) VALUES (?, ?) ON CONFLICT (day) DO NOTHING";
static const char sql_missing[] =
	"SELECT COUNT(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM stats_case_facts f WHERE f.case_id = c.id)";
static const char sql_touch_missing[] =
	"INSERT INTO stats_touch (case_id) SELECT c.id FROM cases c"
	" WHERE NOT EXISTS (SELECT 1 FROM stats_case_facts f WHERE f.case_id = c.id)";

sj_err stats_calendar_fill(db_conn *c, int *added)
{
	*added = 0;
	int64_t have = 0, want = 0;
	for (int y = STATS_YEAR_MIN; y <= STATS_YEAR_MAX; y++)
		want += (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 366 : 365;
	sj_err e = dbj_int(c, sql_days_count, &have, "");
	if (e)
		return e;
	if (have < want) {
		for (int y = STATS_YEAR_MIN; y <= STATS_YEAR_MAX && !e; y++)
			for (int m = 1; m <= 12 && !e; m++)
				for (int d = 1; d <= days_in_month(y, m) && !e; d++) {
					e = db_run(c, sql_day_add, "ii", ymd(y, m, d), clock_legal_midnight(y, m, d));
					if (!e)
						(*added)++;
				}
		if (e)
			return e;
	}
	int64_t n = 0;
	return stats_rebuild(c, &n);
}

sj_err stats_rebuild(db_conn *c, int64_t *cases)
{
	*cases = 0;
	sj_err e = dbj_int(c, sql_missing, cases, "");
	return e || !*cases ? e : db_run(c, sql_touch_missing, "");
}

/* ------------------------------------------------------------ the rules */

enum { BASIS_REG = 0, BASIS_OCC = 1, BASIS_REF = 2 };
enum { UNIT_CASE = 0, UNIT_LINE = 1, UNIT_VICTIM = 2 };

typedef struct rule {
	int64_t from, to; /* legal days, inclusive */
	const char *code, *version;
	int basis, headline;
	bool or_presented, count_cancelled;
	int64_t threshold;
} rule;

typedef struct rules {
	json_t *list; /* owns the strings */
	rule r[64];
	size_t n;
} rules;

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int64_t jint(json_t *o, const char *k)
{
	return (int64_t)json_integer_value(json_object_get(o, k));
}

static sj_err rules_load(db_conn *c, rules *out)
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

static void rules_free(rules *rs)
{
	json_decref(rs->list);
}

/* rule_at: the rule in force on day, NULL when none. */
static const rule *rule_at(const rules *rs, int64_t day)
{
	for (size_t i = rs->n; i-- > 0;)
		if (rs->r[i].from <= day && day <= rs->r[i].to)
			return &rs->r[i];
	return NULL;
}

/* A row of facts as the rollup and the facts queries return it. */
typedef struct frow {
	const char *unit_id, *cls, *category;
	int64_t month, cancelled, suspect, referred, presented;
	int64_t n, lines, victims, victims1, arrested, flagrant, minors, foreigners, reclassified, flagged;
} frow;

/* counted is the one predicate of the counting rules: whether a row counts
 * under r (a cancelled case is excluded unless the rule counts it), its
 * weight for the headline unit, and whether it is cleared (a suspect
 * identified, and the case referred — or a person presented, when the rule
 * says so). */
static int64_t counted(const rule *r, const frow *f, bool *cleared)
{
	*cleared = false;
	if (f->cancelled && !r->count_cancelled)
		return 0;
	*cleared = f->suspect && (f->referred || (r->or_presented && f->presented));
	return r->headline == UNIT_LINE ? f->lines : r->headline == UNIT_VICTIM ? f->victims1 : f->n;
}

/* ------------------------------------------------------------ scope */

/* The units of the scope: id → the code of the child of the scope unit it
 * rolls into ("" for the scope unit itself); codes → names. */
typedef struct scope {
	unit_info unit;
	bool national;
	json_t *into;     /* id → child code */
	json_t *children; /* code → {code, name_fr, name_ar} */
	json_t *ids;      /* array of the ids in scope */
} scope;

static void scope_free(scope *s)
{
	json_decref(s->into);
	json_decref(s->children);
	json_decref(s->ids);
}

static sj_err scope_load(db_conn *c, const sj_actor *a, const char *unit_code, scope *s, const char **why)
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

#define ROLL_COLS "unit_id, month, class, category, cancelled, suspect, referred, presented, n, lines, victims," \
		  " victims1, arrested, arrested_flagrant, minors, foreigners, reclassified, flagged"
#define ROW_FMT "unit_id:t,month:i,class:t,category:t,cancelled:i,suspect:i,referred:i,presented:i,n:i,lines:i," \
		"victims:i,victims1:i,arrested:i,flagrant:i,minors:i,foreigners:i,reclassified:i,flagged:i"
static const char sql_roll[] = "SELECT " ROLL_COLS " FROM stats_month WHERE basis = ? AND month >= ? AND month <= ?"
			       " AND n <> 0";
#define FACT_COLS "case_id, unit_id, reg_day, occ_day, ref_day, class, category, offence_code, lines, cancelled," \
		  " suspect, referred, presented, reclassified, victims, arrested, arrested_flagrant, minors, foreigners, flagged"
#define AGG(day) "SELECT unit_id, " day " / 100, class, category, cancelled, suspect, referred, presented, COUNT(*)," \
		 " SUM(lines), SUM(victims), SUM(CASE WHEN victims > 1 THEN victims ELSE 1 END), SUM(arrested)," \
		 " SUM(arrested_flagrant), SUM(minors), SUM(foreigners), SUM(reclassified), SUM(flagged)"
#define GRP(day) " GROUP BY unit_id, " day " / 100, class, category, cancelled, suspect, referred, presented"
#define ASAT "(SELECT " FACT_COLS " FROM stats_case_facts WHERE changed_at <= ? UNION ALL SELECT " FACT_COLS \
	     " FROM stats_case_facts_hist WHERE changed_at <= ? AND superseded_at > ?) f"
#define FACTS_NOW(day) AGG(day) " FROM stats_case_facts WHERE " day " >= ? AND " day " <= ?" GRP(day)
#define FACTS_ASAT(day) AGG(day) " FROM " ASAT " WHERE " day " >= ? AND " day " <= ?" GRP(day)
static const char *const sql_facts_now[] = {FACTS_NOW("reg_day"), FACTS_NOW("occ_day"), FACTS_NOW("ref_day")};
static const char *const sql_facts_asat[] = {FACTS_ASAT("reg_day"), FACTS_ASAT("occ_day"), FACTS_ASAT("ref_day")};
static const char *const basis_letter[] = {"r", "o", "f"};

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

static void acc_row(acc *x, const scope *s, const rule *r, const frow *f)
{
	json_t *into = json_object_get(s->into, f->unit_id);
	if (!into)
		return;
	bool cl;
	int64_t w = counted(r, f, &cl);
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
	const char *u = json_string_value(into);
	bump(x->by_unit, *u ? u : s->unit.code, w, wc);
	char m[24];
	snprintf(m, sizeof m, "%06lld", (long long)f->month);
	bump(x->by_month, m, w, wc);
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

static sj_err add_rows(acc *x, const scope *s, const rule *r, json_t *rows)
{
	if (!rows)
		return SJ_ENOMEM;
	size_t i;
	json_t *o;
	frow f;
	json_array_foreach(rows, i, o) {
		frow_of(o, &f);
		if (!f.unit_id || !f.cls)
			continue;
		acc_row(x, s, r, &f);
	}
	json_decref(rows);
	return SJ_OK;
}

/* piece adds days a..b (one month at most, or whole months a..b when whole)
 * under rule r. */
static sj_err piece(db_conn *c, acc *x, const scope *s, const rule *r, int64_t a, int64_t b, bool whole,
		    int64_t as_at)
{
	json_t *rows = NULL;
	sj_err e;
	if (as_at)
		e = dbj_rows(c, sql_facts_asat[r->basis], ROW_FMT, &rows, "iiiii", as_at, as_at, as_at, a, b);
	else if (whole)
		e = dbj_rows(c, sql_roll, ROW_FMT, &rows, "tii", basis_letter[r->basis], a / 100, b / 100);
	else
		e = dbj_rows(c, sql_facts_now[r->basis], ROW_FMT, &rows, "ii", a, b);
	return e ? e : add_rows(x, s, r, rows);
}

/* tally adds the period from..to: cut at each rule's effective dates, then
 * into whole months (the rollup) and partial months (the facts). */
static sj_err tally(db_conn *c, const rules *rs, const scope *s, int64_t from, int64_t to, int64_t as_at, acc *x,
		    const char **why)
{
	int64_t d = from;
	while (d <= to) {
		const rule *r = rule_at(rs, d);
		if (!r) {
			*why = "stats-no-counting-rule";
			return SJ_ECONFLICT;
		}
		int64_t end = r->to < to ? r->to : to;
		char f[11], t[11];
		day_text(d, f);
		day_text(end, t);
		json_array_append_new(x->segments, json_pack("{s:s,s:s,s:s,s:s}", "code", r->code, "version", r->version,
							      "from", f, "to", t));
		/* months of [d, end] */
		int64_t m0 = -1, m1 = -1; /* a run of whole months */
		for (int64_t a = d; a <= end;) {
			int y = (int)(a / 10000), m = (int)(a / 100 % 100);
			int64_t last = ymd(y, m, days_in_month(y, m)), b = last < end ? last : end;
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
			a = day_add(b, 1);
		}
		if (m0 >= 0) {
			sj_err e = piece(c, x, s, r, m0, m1, true, 0);
			if (e)
				return e;
		}
		if (end == 99991231)
			break;
		d = day_add(end, 1);
	}
	return SJ_OK;
}

/* ------------------------------------------------------------ other sections */

#define IN_PERIOD(col) col " >= ? AND " col " < ?"
static const char sql_custody[] =
	"SELECT unit_id, COUNT(*) AS n, SUM(CASE WHEN ended_at IS NOT NULL THEN ended_at - started_at ELSE 0 END) AS dur,"
	" SUM(CASE WHEN ended_at IS NOT NULL THEN 1 ELSE 0 END) AS closed, MAX(COALESCE(ended_at, ?) - started_at) AS longest,"
	" SUM(extensions) AS ext, SUM(CASE WHEN (ended_at IS NULL AND deadline_at < ?) OR ended_at > deadline_at THEN 1"
	" ELSE 0 END) AS overdue, SUM(CASE WHEN lawyer_contacted_at IS NOT NULL AND lawyer_max_hours IS NOT NULL AND"
	" lawyer_contacted_at - started_at <= lawyer_max_hours * 3600000 THEN 1 ELSE 0 END) AS lawyer_ok,"
	" SUM(CASE WHEN lawyer_contacted_at IS NOT NULL THEN 1 ELSE 0 END) AS lawyer_rec"
	" FROM stats_custody_v WHERE " IN_PERIOD("started_at") " GROUP BY unit_id";
static const char sql_referrals[] = "SELECT unit_id, office_code, outcome, COUNT(*) AS n FROM stats_referral_v WHERE "
				    IN_PERIOD("sent_at") " GROUP BY unit_id, office_code, outcome";
static const char sql_seizures[] =
	"SELECT unit_id, COUNT(*) AS n FROM stats_seizure_v WHERE " IN_PERIOD("seized_at") " GROUP BY unit_id";
static const char sql_hits[] = "SELECT unit_id, register, COUNT(*) AS n FROM stats_hit_v WHERE " IN_PERIOD("at")
			       " GROUP BY unit_id, register";
static const char sql_wanted[] =
	"SELECT unit_id, COUNT(*) AS n FROM stats_wanted_v WHERE " IN_PERIOD("at") " GROUP BY unit_id";
static const char sql_complaints[] =
	"SELECT unit_id, disposition, COUNT(*) AS n, SUM(CASE WHEN disposed_at IS NOT NULL THEN disposed_at - received_at"
	" ELSE 0 END) AS dur, SUM(CASE WHEN disposed_at IS NOT NULL THEN 1 ELSE 0 END) AS disposed"
	" FROM stats_complaint_v WHERE " IN_PERIOD("received_at") " GROUP BY unit_id, disposition";

static bool in_scope(const scope *s, json_t *row)
{
	return json_object_get(s->into, jstr(row, "unit_id")) != NULL;
}

static void add_key(json_t *o, const char *k, int64_t n)
{
	json_t *v = json_object_get(o, k ? k : "none");
	json_object_set_new(o, k ? k : "none", json_integer((v ? json_integer_value(v) : 0) + n));
}

static sj_err sections(db_conn *c, const scope *s, int64_t from, int64_t to, json_t *out)
{
	int64_t a = day_ms(from), b = day_ms(day_add(to, 1)), now = clock_now_ms();
	json_t *k = NULL, *rf = NULL, *sz = NULL, *h = NULL, *w = NULL, *cp = NULL, *x;
	sj_err e = dbj_rows(c, sql_custody, "unit_id:t,n:i,dur:i,closed:i,longest:i,ext:i,overdue:i,lawyer_ok:i,lawyer_rec:i",
			    &k, "iiii", now, now, a, b);
	e = e ? e : dbj_rows(c, sql_referrals, "unit_id:t,office:t,outcome:t,n:i", &rf, "ii", a, b);
	e = e ? e : dbj_rows(c, sql_seizures, "unit_id:t,n:i", &sz, "ii", a, b);
	e = e ? e : dbj_rows(c, sql_hits, "unit_id:t,register:t,n:i", &h, "ii", a, b);
	e = e ? e : dbj_rows(c, sql_wanted, "unit_id:t,n:i", &w, "ii", a, b);
	e = e ? e : dbj_rows(c, sql_complaints, "unit_id:t,disposition:t,n:i,dur:i,disposed:i", &cp, "ii", a, b);
	if (e)
		goto out;
	size_t i;
	int64_t n = 0, dur = 0, closed = 0, longest = 0, ext = 0, overdue = 0, lok = 0, lrec = 0;
	json_array_foreach(k, i, x) {
		if (!in_scope(s, x))
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
		if (!in_scope(s, x))
			continue;
		add_key(office, jstr(x, "office"), jint(x, "n"));
		add_key(outcome, jstr(x, "outcome"), jint(x, "n"));
		nref += jint(x, "n");
	}
	json_object_set_new(out, "referrals", json_pack("{s:I,s:o,s:o}", "count", (json_int_t)nref, "by_office", office,
							 "by_outcome", outcome));
	int64_t nsz = 0, nw = 0;
	json_array_foreach(sz, i, x)
		if (in_scope(s, x))
			nsz += jint(x, "n");
	json_object_set_new(out, "seizures", json_pack("{s:I}", "count", (json_int_t)nsz));
	json_t *reg = json_object();
	json_array_foreach(h, i, x)
		if (in_scope(s, x))
			add_key(reg, jstr(x, "register"), jint(x, "n"));
	json_array_foreach(w, i, x)
		if (in_scope(s, x))
			nw += jint(x, "n");
	json_object_set_new(out, "registers", json_pack("{s:o,s:I}", "hits", reg, "wanted_arrested", (json_int_t)nw));
	json_t *disp = json_object();
	int64_t ncp = 0, cdur = 0, disposed = 0;
	json_array_foreach(cp, i, x) {
		if (!in_scope(s, x))
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

#define OFF(day) "SELECT unit_id, offence_code, class, category, cancelled, suspect, referred, presented, lines," \
		 " victims FROM stats_case_facts WHERE " day " >= ? AND " day " <= ?"
#define OFF_ASAT(day) "SELECT unit_id, offence_code, class, category, cancelled, suspect, referred, presented, lines," \
		      " victims FROM " ASAT " WHERE " day " >= ? AND " day " <= ?"
static const char *const sql_off[] = {OFF("reg_day"), OFF("occ_day"), OFF("ref_day")};
static const char *const sql_off_asat[] = {OFF_ASAT("reg_day"), OFF_ASAT("occ_day"), OFF_ASAT("ref_day")};

/* by_offence counts the principal offences of the period from the facts
 * (the rollup keeps classes and categories only), day by day under the rule
 * in force, with the same predicate. */
static sj_err by_offence(db_conn *c, const rules *rs, const scope *s, int64_t from, int64_t to, int64_t as_at,
			 json_t **out)
{
	*out = json_object();
	for (int64_t d = from; d <= to;) {
		const rule *r = rule_at(rs, d);
		if (!r)
			return SJ_ECONFLICT;
		int64_t end = r->to < to ? r->to : to;
		json_t *rows = NULL, *x;
#define OFF_COLS "unit_id:t,code:t,class:t,category:t,cancelled:i,suspect:i,referred:i,presented:i,lines:i,victims:i"
		sj_err e = as_at ? dbj_rows(c, sql_off_asat[r->basis], OFF_COLS, &rows, "iiiii", as_at, as_at, as_at, d, end)
				 : dbj_rows(c, sql_off[r->basis], OFF_COLS, &rows, "ii", d, end);
		if (e)
			return e;
		size_t i;
		json_array_foreach(rows, i, x) {
			if (!in_scope(s, x))
				continue;
			frow f = {.unit_id = jstr(x, "unit_id"), .cls = jstr(x, "class"), .category = jstr(x, "category"),
				  .cancelled = jint(x, "cancelled"), .suspect = jint(x, "suspect"),
				  .referred = jint(x, "referred"), .presented = jint(x, "presented"), .n = 1,
				  .lines = jint(x, "lines"), .victims1 = jint(x, "victims") > 1 ? jint(x, "victims") : 1};
			bool cl;
			int64_t w = counted(r, &f, &cl);
			if (w)
				bump(*out, *jstr(x, "code") ? jstr(x, "code") : "none", w, cl ? w : 0);
		}
		json_decref(rows);
		if (end == 99991231)
			break;
		d = day_add(end, 1);
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
	day_text(from, f);
	day_text(to, t);
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
	sj_err e = scope_load(c, a, unit_code, &s, why);
	e = e ? e : rules_load(c, &rs);
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
	const rule *r0 = rule_at(&rs, p->to);
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
	e = sections(c, &s, p->from, p->to, sec);
	e = e ? e : sections(c, &s, p->prev_from, p->prev_to, secp);
	json_object_update(o, sec);
	json_object_set_new(o, "previous_sections", secp);
	json_decref(sec);
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
	rules_free(&rs);
	scope_free(&s);
	return e;
}

/* ------------------------------------------------------------ drill-down */

#define DRILL(day) "SELECT f.case_id, f.unit_id, f.class, f.category, f.offence_code, f.cancelled, f.suspect, f.referred," \
		   " f.presented, f.lines, f.victims, f.arrested, f.minors, f.foreigners, f.reclassified, f." day " AS day," \
		   " c_number FROM stats_case_facts f JOIN (SELECT id AS c_id, number AS c_number FROM cases) k" \
		   " ON k.c_id = f.case_id WHERE f." day " >= ? AND f." day " <= ? ORDER BY f." day ", c_number"
static const char *const sql_drill[] = {DRILL("reg_day"), DRILL("occ_day"), DRILL("ref_day")};

static bool key_match(const char *key, const char *name, const char *value)
{
	size_t n = strlen(name);
	return strncmp(key, name, n) == 0 && key[n] == ':' && strcmp(key + n + 1, value ? value : "") == 0;
}

/* The figures counted by their own dates (custody start, referral sent,
 * complaint received): the records behind them, from the same views as
 * sections(). */
static const char sql_drill_custody[] =
	"SELECT k.case_id AS id, k.unit_id, c_number AS number FROM stats_custody_v k JOIN (SELECT id AS c_id, number AS"
	" c_number FROM cases) x ON x.c_id = k.case_id WHERE " IN_PERIOD("k.started_at") " ORDER BY k.started_at, k.id";
static const char sql_drill_referrals[] =
	"SELECT r.case_id AS id, r.unit_id, c_number AS number, r.office_code AS office, r.outcome FROM stats_referral_v r"
	" JOIN (SELECT id AS c_id, number AS c_number FROM cases) x ON x.c_id = r.case_id WHERE " IN_PERIOD("r.sent_at")
	" ORDER BY r.sent_at, r.id";
static const char sql_drill_complaints[] =
	"SELECT q.id, q.unit_id, q_no AS number, q.disposition FROM stats_complaint_v q JOIN (SELECT id AS q_id, receipt_no"
	" AS q_no FROM complaints) x ON x.q_id = q.id WHERE " IN_PERIOD("q.received_at") " ORDER BY q.received_at, q.id";

static sj_err records_by_date(db_conn *c, const scope *s, const stats_period *p, const char *figure, const char *key,
			      json_t *list, int64_t *total)
{
	const char *sql = strcmp(figure, "custody") == 0 ? sql_drill_custody
			: strcmp(figure, "referrals") == 0 ? sql_drill_referrals : sql_drill_complaints;
	const char *cols = strcmp(figure, "custody") == 0 ? "id:t,unit_id:t,number:t"
			 : strcmp(figure, "referrals") == 0 ? "id:t,unit_id:t,number:t,office:t,outcome:t"
							    : "id:t,unit_id:t,number:t,disposition:t";
	json_t *rows = NULL, *x;
	sj_err e = dbj_rows(c, sql, cols, &rows, "ii", day_ms(p->from), day_ms(day_add(p->to, 1)));
	size_t i;
	json_array_foreach(rows, i, x) {
		if (!in_scope(s, x))
			continue;
		if (key && !key_match(key, "office", jstr(x, "office")) && !key_match(key, "outcome", jstr(x, "outcome")) &&
		    !key_match(key, "disposition", jstr(x, "disposition")))
			continue;
		(*total)++;
		if (json_array_size(list) < STATS_DRILL_MAX)
			json_array_append_new(list, json_pack("{s:s,s:s}", "id", jstr(x, "id"), "number", jstr(x, "number")));
	}
	json_decref(rows);
	return e;
}

sj_err stats_records(db_conn *c, const sj_actor *a, const char *unit_code, const stats_period *p, const char *figure,
		     const char *key, json_t **out, const char **why)
{
	*out = NULL;
	static const char *const figures[] = {"cases", "cleared", "arrested", "minors", "foreigners", "victims",
					      "reclassified", "cancelled", NULL};
	bool known = false, by_date = figure && (strcmp(figure, "custody") == 0 || strcmp(figure, "referrals") == 0 ||
						 strcmp(figure, "complaints") == 0);
	for (const char *const *f = figures; *f && figure; f++)
		known = known || strcmp(*f, figure) == 0;
	known = known || by_date;
	if (!known || (key && !strchr(key, ':'))) {
		*why = "stats-bad-figure";
		return SJ_EINVAL;
	}
	scope s;
	rules rs;
	memset(&rs, 0, sizeof rs);
	json_t *list = json_array();
	int64_t total = 0;
	sj_err e = scope_load(c, a, unit_code, &s, why);
	e = e ? e : rules_load(c, &rs);
	if (!e && by_date)
		e = records_by_date(c, &s, p, figure, key, list, &total);
	for (int64_t d = p->from; !e && !by_date && d <= p->to;) {
		const rule *r = rule_at(&rs, d);
		if (!r) {
			*why = "stats-no-counting-rule";
			e = SJ_ECONFLICT;
			break;
		}
		int64_t end = r->to < p->to ? r->to : p->to;
		json_t *rows = NULL, *x;
		e = dbj_rows(c, sql_drill[r->basis],
			     "id:t,unit_id:t,class:t,category:t,offence:t,cancelled:i,suspect:i,referred:i,presented:i,"
			     "lines:i,victims:i,arrested:i,minors:i,foreigners:i,reclassified:i,day:i,number:t",
			     &rows, "ii", d, end);
		size_t i;
		json_array_foreach(rows, i, x) {
			json_t *into = json_object_get(s.into, jstr(x, "unit_id"));
			if (!into)
				continue;
			frow f = {.unit_id = jstr(x, "unit_id"), .cls = jstr(x, "class"), .category = jstr(x, "category"),
				  .cancelled = jint(x, "cancelled"), .suspect = jint(x, "suspect"),
				  .referred = jint(x, "referred"), .presented = jint(x, "presented"), .n = 1,
				  .lines = jint(x, "lines"), .victims = jint(x, "victims"),
				  .victims1 = jint(x, "victims") > 1 ? jint(x, "victims") : 1};
			bool cl;
			int64_t w = counted(r, &f, &cl);
			bool take = strcmp(figure, "cancelled") == 0 ? f.cancelled && !w
				  : !w ? false
				  : strcmp(figure, "cleared") == 0 ? cl
				  : strcmp(figure, "arrested") == 0 ? jint(x, "arrested") > 0
				  : strcmp(figure, "minors") == 0 ? jint(x, "minors") > 0
				  : strcmp(figure, "foreigners") == 0 ? jint(x, "foreigners") > 0
				  : strcmp(figure, "victims") == 0 ? f.victims > 0
				  : strcmp(figure, "reclassified") == 0 ? jint(x, "reclassified") > 0
									: true;
			if (take && key) {
				const char *u = json_string_value(into);
				char m[24];
				snprintf(m, sizeof m, "%06lld", (long long)(jint(x, "day") / 100));
				const char *cat = *f.category ? f.category : "none";
				take = key_match(key, "class", f.cls) || key_match(key, "category", cat) ||
				       key_match(key, "offence", *jstr(x, "offence") ? jstr(x, "offence") : "none") ||
				       key_match(key, "unit", *u ? u : s.unit.code) || key_match(key, "month", m);
			}
			if (!take)
				continue;
			total++;
			if (json_array_size(list) < STATS_DRILL_MAX)
				json_array_append_new(list, json_pack("{s:s,s:s}", "id", jstr(x, "id"), "number", jstr(x, "number")));
		}
		json_decref(rows);
		if (end == 99991231)
			break;
		d = day_add(end, 1);
	}
	if (!e)
		*out = json_pack("{s:s,s:s?,s:I,s:O}", "figure", figure, "key", key, "total", (json_int_t)total, "records",
				 list);
	json_decref(list);
	rules_free(&rs);
	scope_free(&s);
	return e;
}

/* ------------------------------------------------------------ the records */

#define FIGURES_FIELDS(X) \
	X(V, unit, JSON, 0, 0, NULL, OUT) \
	X(V, scope, TEXT, 0, 16, NULL, OUT) \
	X(V, period, JSON, 0, 0, NULL, OUT) \
	X(V, previous, JSON, 0, 0, NULL, OUT) \
	X(V, rules, JSON, 0, 0, NULL, OUT) \
	X(V, rules_previous, JSON, 0, 0, NULL, OUT) \
	X(V, small_cell_threshold, INT, 0, 100, NULL, OUT) \
	X(V, totals, JSON, 0, 0, NULL, OUT) \
	X(V, totals_previous, JSON, 0, 0, NULL, OUT) \
	X(V, by_class, JSON, 0, 0, NULL, OUT) \
	X(V, by_category, JSON, 0, 0, NULL, OUT) \
	X(V, by_offence, JSON, 0, 0, NULL, OUT) \
	X(V, by_unit, JSON, 0, 0, NULL, OUT) \
	X(V, by_month, JSON, 0, 0, NULL, OUT) \
	X(V, custody, JSON, 0, 0, NULL, OUT) \
	X(V, referrals, JSON, 0, 0, NULL, OUT) \
	X(V, seizures, JSON, 0, 0, NULL, OUT) \
	X(V, registers, JSON, 0, 0, NULL, OUT) \
	X(V, complaints, JSON, 0, 0, NULL, OUT) \
	X(V, previous_sections, JSON, 0, 0, NULL, OUT) \
	X(V, quality, JSON, 0, 0, NULL, OUT) \
	X(V, as_at, TEXT, 0, 40, NULL, OUT) \
	X(V, as_at_ms, TIME, 0, 0, NULL, OUT)
static const rec_field figures_fields[] = {FIGURES_FIELDS(REC_FIELD)};
const rec_desc stats_figures_rec = REC_DESC("stats_figures", NULL, figures_fields, NULL);

#define RECORDS_FIELDS(X) \
	X(V, figure, CODE, 1, 32, NULL, OUT) \
	X(V, key, TEXT, 0, 200, NULL, OUT) \
	X(V, total, INT, 0, 0, NULL, OUT) \
	X(V, records, JSON, 0, 0, NULL, OUT)
static const rec_field records_fields[] = {RECORDS_FIELDS(REC_FIELD)};
const rec_desc stats_records_rec = REC_DESC("stats_records", NULL, records_fields, NULL);

#define QUALITY_FIELDS(X) \
	X(V, unit, JSON, 0, 0, NULL, OUT) \
	X(V, edits, JSON, 0, 0, NULL, OUT) \
	X(V, catalogue, INT, 0, 0, NULL, OUT) \
	X(V, total_cases, INT, 0, 0, NULL, OUT) \
	X(V, with_issues, INT, 0, 0, NULL, OUT)
static const rec_field quality_fields[] = {QUALITY_FIELDS(REC_FIELD)};
const rec_desc stats_quality_rec = REC_DESC("stats_quality", NULL, quality_fields, NULL);

#define PUBLICATION_FIELDS(X) \
	X(V, unit, CODE, 1, UNIT_CODE_MAX, NULL, OUT) \
	X(V, period, CODE, 1, 8, NULL, OUT) \
	X(V, as_at_ms, TIME, 0, 0, NULL, OUT) \
	X(V, figures, JSON, 0, 0, NULL, OUT) \
	X(V, recomputed, JSON, 0, 0, NULL, OUT) \
	X(V, identical, BOOL, 0, 0, NULL, OUT) \
	X(V, changed_since, INT, 0, 0, NULL, OUT)
static const rec_field publication_fields[] = {REC_ID_FIELD, PUBLICATION_FIELDS(REC_FIELD)};
const rec_desc stats_publication_rec = REC_DESC("stats_publication", NULL, publication_fields, NULL);

#define PUBLISH_FIELDS(X) \
	X(V, unit, CODE, 1, UNIT_CODE_MAX, NULL, IN) \
	X(V, period, CODE, 1, 8, NULL, IN | REQ) \
	X(V, date, DATE, 0, 10, NULL, IN) \
	X(V, from, DATE, 0, 10, NULL, IN) \
	X(V, to, DATE, 0, 10, NULL, IN)
static const rec_field publish_fields[] = {PUBLISH_FIELDS(REC_FIELD)};
const rec_desc stats_publish_rec = REC_DESC("stats_publish", NULL, publish_fields, NULL);
