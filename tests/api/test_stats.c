/* test_stats.c — statistics (issue 16), black-box, against a real server on
 * SQLite and on PostgreSQL. A hand-written fixture with known answers:
 *   K1 Oulfa: facts 31 Dec 2025 22:00, registered 1 Jan 2026 00:30 (legal
 *      time): a case across the year boundary, two victims, a suspect,
 *      referred → counted in 2026 (registration basis), cleared;
 *   K2 Oulfa, 10 Mar 2026: charged with a délit, reclassified (the charge
 *      withdrawn, replaced by a crime) → counted once, as a crime, not cleared;
 *   K3 Lissasfa, 15 Mar 2026: cancelled → not counted (CR-2020 excludes it);
 *   K4 Lissasfa, 5 Aug 2026: flagrant, three victims, one arrested person
 *      (a foreign minor) held and presented → cleared by presentation;
 *   K5 Rabat-Agdal, 1 May 2026: outside Casablanca;
 *   K6 Oulfa, 1 Jun 2025: the previous year.
 * Then: the figures per unit and rolled up, the previous period beside;
 * every figure's drill-down lists exactly its cases, audited with their
 * ids; a chief sees his unit and is refused a wider one; a counting-rule
 * version from 1 Jul 2026 (one offence per victim) changes only the figures
 * after that date; the printed report and the CSV suppress cells under 5;
 * a published report recomputes identically and counts changes since; a
 * case written through the API moves the figures in its own transaction;
 * bad periods are refused in both languages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/id.h"
#include "harness.h"

#define SQL_MAX 4096      /* one fixture statement */
#define DOTTED_MAX 128    /* a "a.b" path into a JSON answer */
#define URL_MAX 256       /* a request path with its query */
#define FILE_MAX 128      /* a file under a mkdtemp directory */
#define UNITS_MAX 4096    /* the units file's content */
#define CLI_OUT_MAX 4096  /* what `sijill init` prints */
#define DATE_MAX 11       /* "YYYY-MM-DD" and its NUL (clock_legal_date) */

static th_server S;
static char *chief, *analyst, *officer;

static int64_t at(int y, int mo, int d, int h, int mi)
{
	return clock_legal_midnight(y, mo, d) + ((int64_t)h * 60 + mi) * 60000;
}

__attribute__((format(printf, 1, 2))) static void sql(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char q[SQL_MAX];
	vsnprintf(q, sizeof q, fmt, ap);
	va_end(ap);
	if (th_sql(&S, q) != 0)
		fail_msg("fixture SQL failed: %s", q);
}

#define UNIT(code) "(SELECT id FROM units WHERE code = '" code "')"
#define USER "(SELECT id FROM users WHERE badge = 'demo-opj')"

static void kase(const char *id, const char *unit_code, int64_t created, int64_t occurred, const char *frame,
		 const char *cls, const char *status)
{
	static int seq = 900; /* above the API's own numbers (UNIQUE unit, year, seq) */
	seq++;
	sql("INSERT INTO cases (id, number, unit_id, year, seq, frame, class, status, status_reason, occurred_from, summary,"
	    " created_by, created_at, updated_at) VALUES ('%s', 'T/%d/%d', (SELECT id FROM units WHERE code = '%s'), %d, %d,"
	    " '%s', '%s', '%s', %s, %lld, 'Affaire du jeu d''essai des statistiques', " USER ", %lld, %lld)",
	    id, clock_legal_year(created), seq, unit_code, clock_legal_year(created), seq, frame, cls, status,
	    strcmp(status, "cancelled") == 0 ? "'doublon'" : "NULL", (long long)occurred, (long long)created,
	    (long long)created);
}

static void charge(const char *id, const char *case_id, const char *code, const char *cls, const char *cat,
		   int64_t added)
{
	sql("INSERT INTO case_offences (id, case_id, offence_code, offence_version, class, label_fr, label_ar, category,"
	    " added_at, added_by) VALUES ('%s', '%s', '%s', '1.1.0', '%s', 'x', 'x', '%s', %lld, " USER ")",
	    id, case_id, code, cls, cat, (long long)added);
}

static void person(const char *id, const char *birth, const char *nationality)
{
	sql("INSERT INTO persons (id, unknown, last_name_lat, birth_date, nationality, home_unit_id, created_at, updated_at)"
	    " VALUES ('%s', 0, 'Fixture', %s%s%s, %s%s%s, " UNIT("AR-CASA-OULFA") ", 1, 1)",
	    id, birth ? "'" : "", birth ? birth : "NULL", birth ? "'" : "", nationality ? "'" : "",
	    nationality ? nationality : "NULL", nationality ? "'" : "");
}

static void role(const char *id, const char *case_id, const char *person_id, const char *r)
{
	sql("INSERT INTO case_persons (id, case_id, person_id, role, added_at, added_by) VALUES ('%s', '%s', '%s', '%s',"
	    " 1, " USER ")", id, case_id, person_id, r);
}

static void referral(const char *id, const char *case_id, int64_t sent)
{
	sql("INSERT INTO referrals (id, case_id, transmission_no, office_code, office_kind, derived_kind, bundle,"
	    " bundle_hash, sent_at, sent_by) VALUES ('%s', '%s', 'TR-%s', 'TPI-CASA', 'tpi', 'tpi', '{}', 'h', %lld, " USER ")",
	    id, case_id, id, (long long)sent);
}

/* a seizure on a case: kind NULL is one recorded before issue 17 (no category) */
static void seizure(const char *id, const char *case_id, const char *kind, const char *substance, long long mg,
		    int64_t seized)
{
	sql("INSERT INTO seizures (id, case_id, unit_id, seal_no, description, quantity, storage_place, holder, seized_at,"
	    " recorded_by, created_at, category, substance, weight_mg) VALUES ('%s', '%s', (SELECT unit_id FROM cases WHERE"
	    " id = '%s'), 'S-%s', 'Scellé du jeu d''essai', '1', 'Dépôt', 'OPJ', %lld, " USER ", %lld, %s%s%s, %s%s%s, %lld)",
	    id, case_id, case_id, id, (long long)seized, (long long)seized, kind ? "'" : "", kind ? kind : "NULL",
	    kind ? "'" : "", substance ? "'" : "", substance ? substance : "NULL", substance ? "'" : "", mg);
}

static void fixture(void)
{
	kase("k1", "AR-CASA-OULFA", at(2026, 1, 1, 0, 30), at(2025, 12, 31, 22, 0), "preliminary", "delit_correctionnel",
	     "referred");
	charge("o1", "k1", "CP-505", "delit_correctionnel", "property", at(2026, 1, 1, 0, 31));
	person("p1", "1980-01-01", "MA");
	person("p2", "1985-01-01", "MA");
	person("p3", "1990-01-01", "MA");
	role("r1", "k1", "p1", "victim");
	role("r2", "k1", "p2", "victim");
	role("r3", "k1", "p3", "suspect");
	referral("f1", "k1", at(2026, 1, 20, 10, 0));

	kase("k2", "AR-CASA-OULFA", at(2026, 3, 10, 9, 0), at(2026, 3, 9, 20, 0), "preliminary", "crime",
	     "under_investigation");
	charge("o2", "k2", "CP-505", "delit_correctionnel", "property", at(2026, 3, 10, 9, 1));
	charge("o3", "k2", "CP-509", "crime", "violent", at(2026, 4, 2, 9, 0));
	sql("UPDATE case_offences SET withdrawn_at = %lld, withdrawn_reason = 'requalification', replaced_by = 'o3'"
	    " WHERE id = 'o2'", (long long)at(2026, 4, 2, 9, 0));

	kase("k3", "AR-CASA-LISSASFA", at(2026, 3, 15, 11, 0), at(2026, 3, 15, 8, 0), "preliminary",
	     "delit_correctionnel", "cancelled");
	charge("o4", "k3", "CP-505", "delit_correctionnel", "property", at(2026, 3, 15, 11, 1));

	kase("k4", "AR-CASA-LISSASFA", at(2026, 8, 5, 14, 0), at(2026, 8, 5, 13, 0), "flagrant", "delit_correctionnel",
	     "under_investigation");
	charge("o5", "k4", "CP-401", "delit_correctionnel", "violent", at(2026, 8, 5, 14, 1));
	person("p4", "2010-01-01", "FR");
	person("p5", "1970-01-01", "MA");
	person("p6", "1971-01-01", "MA");
	person("p7", "1972-01-01", "MA");
	role("r4", "k4", "p4", "arrested");
	role("r5", "k4", "p5", "victim");
	role("r6", "k4", "p6", "victim");
	role("r7", "k4", "p7", "victim");
	sql("INSERT INTO custodies (id, case_id, unit_id, person_id, regime, ground, rule_id, started_at, deadline_at,"
	    " extensions, status, ended_at, end_kind, opened_by, created_at) VALUES ('g1', 'k4', " UNIT("AR-CASA-LISSASFA")
	    ", 'p4', 'minor', 'flagrance', (SELECT id FROM ref_custody_rules ORDER BY id LIMIT 1), %lld, %lld, 0, 'closed', %lld,"
	    " 'presented', " USER ", %lld)",
	    (long long)at(2026, 8, 5, 14, 30), (long long)at(2026, 8, 7, 14, 30), (long long)at(2026, 8, 6, 14, 30),
	    (long long)at(2026, 8, 5, 14, 30));
	/* seizures by kind: two of cannabis (1,500 g and 250.5 g), a weapon, one
	 * without kind; and one of 2025 (not this year's) */
	seizure("z1", "k4", "drugs", "cannabis", 1500000, at(2026, 8, 5, 14, 10));
	seizure("z2", "k4", "drugs", " cannabis ", 250500, at(2026, 8, 5, 14, 11));
	seizure("z3", "k4", "weapon", NULL, 0, at(2026, 8, 5, 14, 12));
	seizure("z4", "k4", NULL, NULL, 0, at(2026, 8, 5, 14, 13));
	seizure("z5", "k4", "drugs", "cocaïne", 10000, at(2025, 8, 5, 14, 13));

	kase("k5", "AR-RABAT-AGDAL", at(2026, 5, 1, 10, 0), at(2026, 5, 1, 9, 0), "preliminary", "delit_police",
	     "registered");
	charge("o6", "k5", "CP-400", "delit_police", "violent", at(2026, 5, 1, 10, 1));

	kase("k6", "AR-CASA-OULFA", at(2025, 6, 1, 10, 0), at(2025, 6, 1, 9, 0), "preliminary", "delit_correctionnel",
	     "registered");
	charge("o7", "k6", "CP-505", "delit_correctionnel", "property", at(2025, 6, 1, 10, 1));
}

static int setup(void **state)
{
	(void)state;
	th_setup(&S);
	fixture();
	chief = th_login(&S, "demo-chief");
	analyst = th_login(&S, "demo-analyst");
	officer = th_login(&S, "demo-officer");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(chief);
	free(analyst);
	free(officer);
	return th_teardown(&S) == 0 ? 0 : -1;
}

static json_t *get_json(const char *path, const char *token, long status)
{
	th_resp r = th_req(&S, "GET", path, token, NULL);
	th_expect(&r, status);
	json_t *j = json_incref(r.json);
	th_resp_free(&r);
	return j;
}

static long long num(json_t *o, const char *path)
{
	/* "a.b" */
	char buf[DOTTED_MAX];
	snprintf(buf, sizeof buf, "%s", path);
	char *save = NULL;
	json_t *x = o;
	for (char *t = strtok_r(buf, ".", &save); t; t = strtok_r(NULL, ".", &save))
		x = json_object_get(x, t);
	if (!json_is_integer(x))
		fail_msg("%s is not a number", path);
	return (long long)json_integer_value(x);
}

/* row returns the row of table whose key is key (NULL when none). */
static json_t *row(json_t *fig, const char *table, const char *key)
{
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(fig, table), i, x)
		if (strcmp(json_string_value(json_object_get(x, "key")), key) == 0)
			return x;
	return NULL;
}

static long long n_of(json_t *fig, const char *table, const char *key)
{
	json_t *x = row(fig, table, key);
	return x ? (long long)json_integer_value(json_object_get(x, "n")) : 0;
}

static void national_year_2026(void **state)
{
	(void)state;
	json_t *f = get_json("/api/v1/stats?period=year&date=2026-06-01", analyst, 200);
	assert_string_equal(json_string_value(json_object_get(f, "scope")), "national");
	assert_int_equal(num(f, "totals.cases"), 4);              /* K1 K2 K4 K5; K3 cancelled */
	assert_int_equal(num(f, "totals.cleared"), 2);            /* K1 referred, K4 presented */
	assert_int_equal(num(f, "totals.clearance_permille"), 500);
	assert_int_equal(num(f, "totals.cancelled_excluded"), 1);
	assert_int_equal(num(f, "totals.victims"), 5);
	assert_int_equal(num(f, "totals.arrested"), 1);
	assert_int_equal(num(f, "totals.arrested_flagrant"), 1);
	assert_int_equal(num(f, "totals.minors"), 1);
	assert_int_equal(num(f, "totals.foreigners"), 1);
	assert_int_equal(num(f, "totals.reclassified"), 1);
	assert_int_equal(num(f, "totals_previous.cases"), 1);     /* K6; K1 is not 2025's */
	assert_int_equal(n_of(f, "by_class", "crime"), 1);        /* K2 as reclassified */
	assert_int_equal(n_of(f, "by_class", "delit_correctionnel"), 2);
	assert_int_equal(n_of(f, "by_class", "delit_police"), 1);
	assert_int_equal(n_of(f, "by_category", "violent"), 3);
	assert_int_equal(n_of(f, "by_category", "property"), 1);
	assert_int_equal(n_of(f, "by_offence", "CP-509"), 1);
	assert_int_equal(n_of(f, "by_offence", "CP-505"), 1);
	assert_int_equal(n_of(f, "by_unit", "PP-CASA"), 3);
	assert_int_equal(n_of(f, "by_unit", "PP-RABAT"), 1);
	assert_int_equal(n_of(f, "by_month", "202601"), 1);
	assert_int_equal(n_of(f, "by_month", "202608"), 1);
	assert_int_equal(num(f, "custody.count"), 1);
	assert_int_equal(num(f, "custody.mean_minutes"), 24 * 60);
	assert_int_equal(num(f, "referrals.count"), 1);
	assert_int_equal(num(f, "seizures.count"), 4);
	assert_int_equal(num(f, "seizures.by_kind.drugs"), 2);
	assert_int_equal(num(f, "seizures.by_kind.weapon"), 1);
	assert_int_equal(num(f, "seizures.by_kind.none"), 1);
	assert_int_equal(num(f, "seizures.drugs.cannabis.count"), 2); /* " cannabis " is cannabis */
	assert_int_equal(num(f, "seizures.drugs.cannabis.grams"), 1750);
	assert_null(json_object_get(json_object_get(json_object_get(f, "seizures"), "drugs"), "cocaïne"));
	/* the mobile units' figures (src/mobile's mobile_stats_figures): none here */
	assert_int_equal(num(f, "mobile.tours"), 0);
	assert_int_equal(num(f, "mobile.enrolments"), 0);
	/* "computed over 4 cases, 4 with open quality issues" (none has a PV) */
	assert_int_equal(num(f, "quality.cases"), 4);
	assert_int_equal(num(f, "quality.with_issues"), 4);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(f, "rules"), 0), "code")),
			    "CR-2020");
	json_decref(f);

	/* the occurrence basis would put K1 in 2025: the registration rule does not */
	f = get_json("/api/v1/stats?period=year&date=2025-03-01", analyst, 200);
	assert_int_equal(num(f, "totals.cases"), 1);
	json_decref(f);
	/* a custom range across the boundary; the month, the day */
	f = get_json("/api/v1/stats?period=range&from=2025-12-15&to=2026-01-15", analyst, 200);
	assert_int_equal(num(f, "totals.cases"), 1);
	json_decref(f);
	f = get_json("/api/v1/stats?period=day&date=2026-01-01", analyst, 200);
	assert_int_equal(num(f, "totals.cases"), 1);
	assert_int_equal(num(f, "totals_previous.cases"), 0);
	json_decref(f);
	f = get_json("/api/v1/stats?period=month&date=2026-03-31", analyst, 200);
	assert_int_equal(num(f, "totals.cases"), 1);
	assert_int_equal(num(f, "totals.cancelled_excluded"), 1);
	json_decref(f);
}

static void rolled_up_and_scoped(void **state)
{
	(void)state;
	json_t *f = get_json("/api/v1/stats?period=year&date=2026-01-01&unit=PP-CASA", analyst, 200);
	assert_int_equal(num(f, "totals.cases"), 3);
	assert_int_equal(num(f, "totals.cleared"), 2);
	assert_int_equal(n_of(f, "by_unit", "D-CASA-HAYHASSANI"), 3);
	json_decref(f);
	f = get_json("/api/v1/stats?period=year&date=2026-01-01&unit=D-CASA-HAYHASSANI", analyst, 200);
	assert_int_equal(n_of(f, "by_unit", "AR-CASA-OULFA"), 2);
	assert_int_equal(n_of(f, "by_unit", "AR-CASA-LISSASFA"), 1);
	json_decref(f);
	/* the chief of Oulfa: his unit by default; a wider one is refused */
	f = get_json("/api/v1/stats?period=year&date=2026-01-01", chief, 200);
	assert_int_equal(num(f, "totals.cases"), 2);
	assert_string_equal(json_string_value(json_object_get(json_object_get(f, "unit"), "code")), "AR-CASA-OULFA");
	json_decref(f);
	th_resp r = th_req(&S, "GET", "/api/v1/stats?period=year&date=2026-01-01&unit=PP-CASA", chief, NULL);
	th_expect(&r, 403);
	th_resp_free(&r);
	r = th_req(&S, "GET", "/api/v1/stats?period=year&date=2026-01-01", officer, NULL);
	th_expect(&r, 403);
	th_resp_free(&r);
}

/* every figure links to exactly the cases it counts, audited with their ids */
static void drill_down_lists_the_counted_cases(void **state)
{
	(void)state;
	static const struct {
		const char *q;
		long long n;
		const char *first;
	} want[] = {
		{"figure=cases", 4, NULL},
		{"figure=cleared", 2, "k1"},
		{"figure=cases&key=class:crime", 1, "k2"},
		{"figure=cases&key=category:violent", 3, NULL},
		{"figure=cases&key=unit:PP-RABAT", 1, "k5"},
		{"figure=cases&key=month:202601", 1, "k1"},
		{"figure=cases&key=offence:CP-509", 1, "k2"},
		{"figure=minors", 1, "k4"},
		{"figure=foreigners", 1, "k4"},
		{"figure=reclassified", 1, "k2"},
		{"figure=cancelled", 1, "k3"},
		{"figure=victims", 2, "k1"},
		{"figure=custody", 1, "k4"},
		{"figure=referrals", 1, "k1"},
		{"figure=referrals&key=office:TPI-CASA", 1, "k1"},
		{"figure=complaints", 0, NULL},
		{"figure=seizures", 4, "k4"},
		{"figure=seizures&key=kind:drugs", 2, "k4"},
		{"figure=seizures&key=kind:none", 1, "k4"},
		{"figure=seizures&key=substance:cannabis", 2, "k4"},
		{"figure=seizures&key=substance:none", 0, NULL},
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		char path[URL_MAX];
		snprintf(path, sizeof path, "/api/v1/stats/records?period=year&date=2026-01-01&%s", want[i].q);
		json_t *f = get_json(path, analyst, 200);
		if (num(f, "total") != want[i].n)
			fail_msg("%s: %lld, want %lld", want[i].q, num(f, "total"), want[i].n);
		json_t *recs = json_object_get(f, "records");
		assert_int_equal(json_array_size(recs), want[i].n);
		if (want[i].first)
			assert_string_equal(json_string_value(json_object_get(json_array_get(recs, 0), "id")), want[i].first);
		json_decref(f);
	}
	/* one audit entry naming the ids */
	long long n = th_sql_int(&S, "SELECT COUNT(*) FROM audit_log WHERE action = 'stats.records' AND detail LIKE '%\"k2\"%'");
	assert_true(n >= 1);
	/* the chief's drill-down holds his cases only */
	json_t *f = get_json("/api/v1/stats/records?period=year&date=2026-01-01&figure=cases", chief, 200);
	assert_int_equal(num(f, "total"), 2);
	json_decref(f);
	th_resp r = th_req(&S, "GET", "/api/v1/stats/records?period=year&date=2026-01-01&figure=names", analyst, NULL);
	th_expect(&r, 400);
	assert_string_equal(th_str(&r, "code"), "validation");
	th_resp_free(&r);
}

static void bad_periods_are_refused(void **state)
{
	(void)state;
	static const char *const bad[] = {"period=year", "period=week&date=2026-01-01", "period=day&date=2026-02-30",
					  "period=range&from=2026-02-01&to=2026-01-01", "period=range&from=2001-01-01&to=2026-01-01"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char path[URL_MAX];
		snprintf(path, sizeof path, "/api/v1/stats?%s", bad[i]);
		th_resp r = th_req(&S, "GET", path, analyst, NULL);
		th_expect(&r, 400);
		json_t *m = json_object_get(r.json, "message");
		assert_non_null(json_string_value(json_object_get(m, "ar")));
		assert_non_null(json_string_value(json_object_get(m, "fr")));
		th_resp_free(&r);
	}
}

static void report_and_exports_suppress_small_cells(void **state)
{
	(void)state;
	th_resp r = th_req(&S, "GET", "/api/v1/stats/report.html?period=year&date=2026-01-01&lang=ar", analyst, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "dir=\"rtl\""));
	assert_non_null(strstr(r.body, "svg class=\"chart trend\""));
	assert_non_null(strstr(r.body, "svg class=\"chart hbars\""));
	assert_non_null(strstr(r.body, "CR-2020"));
	assert_null(strstr(r.body, "Fixture")); /* no names */
	assert_non_null(strstr(r.body, "&lt;5")); /* 4 cases: under the threshold */
	th_resp_free(&r);
	r = th_req(&S, "GET", "/api/v1/stats/report.html?period=year&date=2026-01-01&lang=fr", analyst, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "Bilan annuel"));
	assert_non_null(strstr(r.body, "Sans suite connue")); /* K1's referral awaits its outcome: no raw code */
	assert_null(strstr(r.body, ">pending<"));
	th_resp_free(&r);
	r = th_req(&S, "GET", "/api/v1/stats/export?period=year&date=2026-01-01&table=by_unit", analyst, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.ctype, "text/csv"));
	assert_non_null(strstr(r.body, "\"PP-CASA\",,")); /* 3: suppressed */
	th_resp_free(&r);
	r = th_req(&S, "GET", "/api/v1/stats/export?period=year&date=2026-01-01&format=json", analyst, NULL);
	th_expect(&r, 200);
	assert_true(json_is_null(json_object_get(json_object_get(r.json, "totals"), "cases")));
	assert_true(json_is_true(json_object_get(r.json, "suppressed")));
	th_resp_free(&r);
	r = th_req(&S, "GET", "/api/v1/stats/export?period=year&date=2026-01-01&table=names", analyst, NULL);
	th_expect(&r, 400);
	th_resp_free(&r);
}

static void quality_todo_list(void **state)
{
	(void)state;
	json_t *q = get_json("/api/v1/stats/quality?unit=AR-CASA-OULFA", chief, 200);
	assert_true(num(q, "catalogue") >= 60);
	/* K2 has no person at all (Q-CASE-014); K1's suspect was never heard (Q-PERS-002) */
	bool case014 = false, pers002 = false;
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(q, "edits"), i, x) {
		const char *code = json_string_value(json_object_get(x, "code"));
		size_t j;
		json_t *rec;
		json_array_foreach(json_object_get(x, "records"), j, rec) {
			const char *id = json_string_value(json_object_get(rec, "id"));
			if (strcmp(code, "Q-CASE-014") == 0 && strcmp(id, "k2") == 0)
				case014 = true;
			if (strcmp(code, "Q-PERS-002") == 0 && strcmp(id, "k1") == 0)
				pers002 = true;
			assert_true(strcmp(id, "k4") != 0 && strcmp(id, "k5") != 0); /* other units' */
		}
	}
	assert_true(case014);
	assert_true(pers002);
	assert_true(num(q, "with_issues") >= 2);
	json_decref(q);
}

/* a published report recomputes exactly as it was, and counts what changed */
static void published_report_is_reproducible(void **state)
{
	(void)state;
	th_resp r = th_req(&S, "POST", "/api/v1/stats/publications", analyst,
			   json_pack("{s:s,s:s,s:s}", "unit", "PP-CASA", "period", "year", "date", "2026-01-01"));
	th_expect(&r, 201);
	char id[ID_LEN + 1], path[URL_MAX];
	snprintf(id, sizeof id, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/stats/publications/%s", id);
	json_t *p = get_json(path, analyst, 200);
	assert_true(json_is_true(json_object_get(p, "identical")));
	assert_int_equal(num(p, "changed_since"), 0);
	json_decref(p);
	usleep(20000);
	/* K2 gets a suspect, referred: cleared now, not as published */
	person("p8", "1991-01-01", "MA");
	role("r8", "k2", "p8", "suspect");
	referral("f2", "k2", at(2026, 5, 1, 10, 0));
	/* and records counted by their own dates change after T: the custody
	 * gets an extension, the referral its outcome, a seizure its kind, and a
	 * new seizure is recorded */
	sql("UPDATE custodies SET extensions = 1 WHERE id = 'g1'");
	sql("UPDATE referrals SET outcome = 'prosecuted', outcome_at = %lld WHERE id = 'f1'",
	    (long long)at(2026, 2, 1, 10, 0));
	sql("UPDATE seizures SET category = 'cash' WHERE id = 'z4'");
	seizure("z6", "k4", "phone", NULL, 0, at(2026, 8, 6, 9, 0));
	p = get_json(path, analyst, 200);
	assert_true(json_is_true(json_object_get(p, "identical")));
	assert_int_equal(num(p, "changed_since"), 1);
	assert_int_equal(num(p, "recomputed.totals.cleared"), 2);
	assert_int_equal(num(p, "recomputed.referrals.count"), 1);
	assert_int_equal(num(p, "recomputed.referrals.by_outcome.pending"), 1);
	assert_int_equal(num(p, "recomputed.custody.extensions"), 0);
	assert_int_equal(num(p, "recomputed.seizures.count"), 4);
	assert_int_equal(num(p, "recomputed.seizures.by_kind.none"), 1);
	assert_null(json_object_get(json_object_get(json_object_get(json_object_get(p, "recomputed"), "seizures"),
						    "by_kind"), "cash"));
	json_decref(p);
	json_t *f = get_json("/api/v1/stats?period=year&date=2026-01-01&unit=PP-CASA", analyst, 200);
	assert_int_equal(num(f, "totals.cleared"), 3);
	assert_int_equal(num(f, "referrals.count"), 2);
	assert_int_equal(num(f, "referrals.by_outcome.prosecuted"), 1);
	assert_int_equal(num(f, "custody.extensions"), 1);
	assert_int_equal(num(f, "seizures.count"), 5);
	assert_int_equal(num(f, "seizures.by_kind.cash"), 1);
	json_decref(f);
}

/* a new counting-rule version from 1 Jul 2026 (one offence per victim)
 * changes the figures after that date only */
static void rule_version_changes_only_later_periods(void **state)
{
	(void)state;
	json_t *before_h1 = get_json("/api/v1/stats?period=range&from=2026-01-01&to=2026-06-30", analyst, 200);
	json_t *before_25 = get_json("/api/v1/stats?period=year&date=2025-01-01", analyst, 200);
	char dir[] = "/tmp/sijill-rules-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char file[FILE_MAX], units[UNITS_MAX];
	snprintf(file, sizeof file, "%s/counting_rules.json", dir);
	FILE *fp = fopen(file, "w");
	assert_non_null(fp);
	fputs("{\"version\": \"2.0.0\", \"updated\": \"2026-12-02\", \"source\": \"test\", \"rules\": ["
	      "{\"code\": \"CR-2020\", \"effective_from\": \"2020-01-01\", \"effective_to\": \"2026-06-30\","
	      " \"headline_unit\": \"case\", \"date_basis\": \"registration\", \"principal_offence\": \"most_serious_then_first\","
	      " \"cleared\": \"suspect_and_referral_or_presentation\", \"cancelled\": \"excluded\", \"reclassified\": \"current\","
	      " \"small_cell_threshold\": 5, \"minor_age_years\": 18},"
	      "{\"code\": \"CR-2026-07\", \"effective_from\": \"2026-07-01\", \"effective_to\": null,"
	      " \"headline_unit\": \"victim\", \"date_basis\": \"registration\", \"principal_offence\": \"most_serious_then_first\","
	      " \"cleared\": \"suspect_and_referral_or_presentation\", \"cancelled\": \"excluded\", \"reclassified\": \"current\","
	      " \"small_cell_threshold\": 5, \"minor_age_years\": 18}]}", fp);
	fclose(fp);
	snprintf(units, sizeof units, "%s/data/units.json", getenv("SIJILL_SOURCE_ROOT"));
	const char *old = getenv("SIJILL_DATA");
	char *keep = old ? strdup(old) : NULL;
	setenv("SIJILL_DATA", dir, 1);
	char out[CLI_OUT_MAX];
	const char *args[] = {"init", "--units", units, NULL};
	int rc = th_cli(&S, out, sizeof out, args);
	if (keep)
		setenv("SIJILL_DATA", keep, 1);
	free(keep);
	unlink(file);
	rmdir(dir);
	if (rc != 0)
		fail_msg("init with the new rules failed: %s", out);
	assert_non_null(strstr(out, "2 counting rules added"));

	json_t *after_h1 = get_json("/api/v1/stats?period=range&from=2026-01-01&to=2026-06-30", analyst, 200);
	json_t *after_25 = get_json("/api/v1/stats?period=year&date=2025-01-01", analyst, 200);
	assert_true(json_equal(json_object_get(before_h1, "totals"), json_object_get(after_h1, "totals")));
	assert_true(json_equal(json_object_get(before_25, "totals"), json_object_get(after_25, "totals")));
	/* the second half: K4 counts three (its victims) */
	json_t *h2 = get_json("/api/v1/stats?period=range&from=2026-07-01&to=2026-12-01", analyst, 200);
	assert_int_equal(num(h2, "totals.cases"), 3);
	assert_int_equal(num(h2, "totals.cleared"), 3);
	json_t *y = get_json("/api/v1/stats?period=year&date=2026-01-01", analyst, 200);
	json_t *rules = json_object_get(y, "rules");
	assert_int_equal(json_array_size(rules), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(rules, 1), "code")), "CR-2026-07");
	assert_string_equal(json_string_value(json_object_get(json_array_get(rules, 1), "version")), "2.0.0");
	json_decref(y);
	json_decref(h2);
	json_decref(before_h1);
	json_decref(before_25);
	json_decref(after_h1);
	json_decref(after_25);
}

/* a case written through the API moves the figures in its own transaction */
static void api_writes_move_the_figures(void **state)
{
	(void)state;
	char today[DATE_MAX];
	clock_legal_date(clock_now_ms(), today);
	char path[URL_MAX];
	snprintf(path, sizeof path, "/api/v1/stats?period=day&date=%s", today);
	json_t *f0 = get_json(path, analyst, 200);
	long long n0 = num(f0, "totals.cases"), crimes0 = n_of(f0, "by_class", "crime");
	json_decref(f0);
	th_resp r = th_req(&S, "POST", "/api/v1/cases", officer,
			   json_pack("{s:s,s:[{s:s}],s:s,s:s}", "frame", "preliminary", "offences", "code", "CP-400",
				     "summary", "Affaire écrite par l'API", "opj", "demo-opj"));
	th_expect(&r, 201);
	char id[ID_LEN + 1];
	snprintf(id, sizeof id, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	char p2[URL_MAX];
	snprintf(p2, sizeof p2, "/api/v1/cases/%s/offences", id);
	r = th_req(&S, "POST", p2, officer, json_pack("{s:s}", "code", "CP-402"));
	th_expect(&r, 200);
	th_resp_free(&r);
	json_t *f1 = get_json(path, analyst, 200);
	assert_int_equal(num(f1, "totals.cases"), n0 + 1);
	assert_int_equal(n_of(f1, "by_class", "crime"), crimes0 + 1); /* principal: the crime */
	json_decref(f1);
	snprintf(p2, sizeof p2, "/api/v1/stats/records?period=day&date=%s&figure=cases&key=offence:CP-402", today);
	json_t *d = get_json(p2, analyst, 200);
	assert_int_equal(num(d, "total"), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(d, "records"), 0), "id")), id);
	json_decref(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(national_year_2026),
		cmocka_unit_test(rolled_up_and_scoped),
		cmocka_unit_test(drill_down_lists_the_counted_cases),
		cmocka_unit_test(bad_periods_are_refused),
		cmocka_unit_test(report_and_exports_suppress_small_cells),
		cmocka_unit_test(quality_todo_list),
		cmocka_unit_test(published_report_is_reproducible),
		cmocka_unit_test(rule_version_changes_only_later_periods),
		cmocka_unit_test(api_writes_move_the_figures),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
