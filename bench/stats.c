/* stats.c — the statistics benchmarks of issue 16, driven by bench/stats.sh.
 *
 * usage: bench_stats load DB N          generate N cases over ten years
 *                                       (2016–2025) of a national volume into
 *                                       DB (made by `sijill init`): 454
 *                                       arrondissements, offences, persons,
 *                                       custodies, referrals; deterministic
 *        bench_stats report DB YEAR     the national annual report of YEAR
 *                                       (stats_figures) against a plain
 *                                       GROUP BY over the same rows, same run
 *        bench_stats write DB_WITH DB_WITHOUT KEY N DATA
 *                                       create-case (cases.h case_create, as
 *                                       bench/create_case.c) with and without
 *                                       the statistics' triggers, interleaved,
 *                                       into two empty databases (SQLite
 *                                       paths or PostgreSQL URIs; KEY the
 *                                       audit key file)
 *
 * Each prints one JSON line. The generator loads the base rows in bulk
 * (db_copy: COPY on PostgreSQL, prepared INSERTs on SQLite) with the
 * statistics' triggers off, then computes every case's quality flags, facts
 * and rollups set-based (stats_rebuild: the triggers' statements over all
 * cases), and checks a sample of ~1,000 cases by touching them so that the
 * triggers recompute them: none may differ (nor the rollups from the facts).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "cases/cases.h"
#include "core/clock.h"
#include "core/log.h"
#include "db/db.h"
#include "db/dbj.h"
#include "db/migrate.h"
#include "org/units.h"
#include "refdata/refdata.h"
#include "stats/stats.h"

#define PREFECTURES 20
#define DISTRICTS 80
#define ARRONDISSEMENTS 454
#define CHUNK 50000

static void die(const char *what, sj_err e)
{
	fprintf(stderr, "bench_stats: %s (%s)\n", what, sj_err_name(e));
	exit(1);
}

/* a deterministic generator (64-bit LCG, Knuth's constants) */
static uint64_t rnd_state = 42;
static uint32_t rnd(void)
{
	rnd_state = rnd_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rnd_state >> 33);
}

static const struct {
	const char *code, *cls, *cat;
	int weight;
} OFF[] = {
	{"CP-505", "delit_correctionnel", "property", 30}, {"CP-509", "crime", "property", 6},
	{"CP-400", "delit_police", "violent", 14},         {"CP-401", "delit_correctionnel", "violent", 10},
	{"CP-402", "crime", "violent", 2},                 {"DAH-1974-2", "delit_correctionnel", "drugs", 14},
	{"CP-540", "delit_correctionnel", "economic", 6},  {"CP-425", "delit_correctionnel", "persons", 4},
	{"CP-392", "crime", "violent", 1},                 {"CP-607", "contravention", "public_order", 8},
	{"CP-484", "delit_correctionnel", "morals", 3},    {"L-07-03", "delit_correctionnel", "cyber", 2},
};
#define NOFF (sizeof OFF / sizeof OFF[0])

static int pick_offence(void)
{
	int total = 0;
	for (size_t i = 0; i < NOFF; i++)
		total += OFF[i].weight;
	int r = (int)(rnd() % (uint32_t)total);
	for (size_t i = 0; i < NOFF; i++) {
		if (r < OFF[i].weight)
			return (int)i;
		r -= OFF[i].weight;
	}
	return 0;
}

static db *open_db(const char *uri)
{
	db *d = NULL;
	sj_err e = db_open(uri, 2, &d);
	if (e)
		die("open", e);
	return d;
}

/* units: 20 préfectures, 80 districts, 454 arrondissements under DGSN */
static void make_units(db_conn *c, char ids[ARRONDISSEMENTS][ID_LEN + 1])
{
	json_t *list = json_array();
	char code[32], parent[32], name[64];
	for (int p = 0; p < PREFECTURES; p++) {
		snprintf(code, sizeof code, "BP-%02d", p);
		snprintf(name, sizeof name, "Préfecture %02d", p);
		json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s,s:s}", "code", code, "kind", "prefecture", "parent",
						      "DGSN", "name_fr", name, "name_ar", "ولاية"));
	}
	for (int d = 0; d < DISTRICTS; d++) {
		snprintf(code, sizeof code, "BD-%03d", d);
		snprintf(parent, sizeof parent, "BP-%02d", d % PREFECTURES);
		snprintf(name, sizeof name, "District %03d", d);
		json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s,s:s}", "code", code, "kind", "district", "parent",
						      parent, "name_fr", name, "name_ar", "منطقة"));
	}
	for (int a = 0; a < ARRONDISSEMENTS; a++) {
		snprintf(code, sizeof code, "BA-%03d", a);
		snprintf(parent, sizeof parent, "BD-%03d", a % DISTRICTS);
		snprintf(name, sizeof name, "Arrondissement %03d", a);
		json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s,s:s}", "code", code, "kind", "arrondissement",
						      "parent", parent, "name_fr", name, "name_ar", "دائرة"));
	}
	json_t *root = json_pack("{s:o}", "units", list);
	int n = 0;
	sj_err e = unit_load_json(c, root, false, &n);
	json_decref(root);
	if (e)
		die("units", e);
	for (int a = 0; a < ARRONDISSEMENTS; a++) {
		unit_info u;
		snprintf(code, sizeof code, "BA-%03d", a);
		if ((e = unit_get_by_code(c, code, &u)))
			die("unit", e);
		snprintf(ids[a], ID_LEN + 1, "%s", u.id);
	}
}

/* The bulk path: the base rows are loaded with the per-row triggers on them
 * that a bulk load replaces off (the statistics' — stats_rebuild computes
 * every case's facts at once after —, the exchange outbox's and the feed's:
 * the bench's history is not to be sent anywhere) and their secondary
 * indexes dropped, built again once the rows are in (SQLite: dropped and
 * made again from their text; PostgreSQL: triggers disabled, indexes
 * dropped and made again from pg_indexes, foreign keys dropped and added
 * back, which validates them). The enum checks, the unique keys and the "as
 * at" born rows stay as they are. */
#define LOADED_TABLES "'persons', 'cases', 'case_offences', 'case_persons', 'custodies', 'referrals'"
static const char *const pg_triggers[][2] = {{"cases", "stats_cases"},
					     {"case_offences", "stats_case_offences"},
					     {"case_persons", "stats_case_persons"},
					     {"custodies", "stats_custodies"},
					     {"referrals", "stats_referrals"},
					     {"persons", "stats_persons"},
					     {"persons", "fed_persons"}};
#define PG_TRIGGERS (sizeof pg_triggers / sizeof pg_triggers[0])

static json_t *triggers_off(db_conn *c, bool pg)
{
	json_t *saved = NULL;
	char sql[400];
	sj_err e = SJ_OK;
	if (pg) {
		for (size_t i = 0; i < PG_TRIGGERS && !e; i++) {
			snprintf(sql, sizeof sql, "ALTER TABLE %s DISABLE TRIGGER %s", pg_triggers[i][0], pg_triggers[i][1]);
			e = db_exec(c, sql);
		}
		/* the foreign keys too, as pg_restore does: each row's look-ups
		 * become one validating join per key when it is added back */
		e = e ? e : dbj_rows(c,
				     "SELECT 'DROP INDEX ' || indexname AS name, indexdef AS sql FROM pg_indexes"
				     " WHERE schemaname = current_schema() AND tablename IN (" LOADED_TABLES ")"
				     " AND indexname NOT IN (SELECT conname FROM pg_constraint) UNION ALL"
				     " SELECT 'ALTER TABLE ' || conrelid::regclass || ' DROP CONSTRAINT ' || conname,"
				     " 'ALTER TABLE ' || conrelid::regclass || ' ADD CONSTRAINT ' || conname || ' '"
				     " || pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f'"
				     " AND conrelid::regclass::text IN (" LOADED_TABLES ")",
				     "name:t,sql:t", &saved, "");
		for (size_t i = 0; !e && i < json_array_size(saved); i++)
			e = db_exec(c, json_string_value(json_object_get(json_array_get(saved, i), "name")));
		if (e)
			die("disable triggers", e);
		return saved;
	}
	e = dbj_rows(c,
		     "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND tbl_name IN (" LOADED_TABLES ")"
		     " AND ((type = 'trigger' AND (name LIKE 'stats%' OR name LIKE 'xchg%' OR name LIKE 'fed%')"
		     " AND name NOT LIKE 'stats_born%') OR type = 'index') ORDER BY type DESC",
		     "name:t,sql:t", &saved, "");
	for (size_t i = 0; !e && i < json_array_size(saved); i++) {
		const char *sq = json_string_value(json_object_get(json_array_get(saved, i), "sql"));
		snprintf(sql, sizeof sql, "DROP %s %s", strncmp(sq, "CREATE TRIGGER", 14) == 0 ? "TRIGGER" : "INDEX",
			 json_string_value(json_object_get(json_array_get(saved, i), "name")));
		e = db_exec(c, sql);
	}
	if (e || json_array_size(saved) == 0)
		die("drop triggers", e ? e : SJ_ENOTFOUND);
	return saved;
}

/* triggers_on: the indexes first (built once over the loaded rows), then
 * the triggers */
static void triggers_on(db_conn *c, bool pg, json_t *saved)
{
	char sql[160];
	sj_err e = SJ_OK;
	for (size_t i = 0; !e && i < json_array_size(saved); i++)
		e = db_exec(c, json_string_value(json_object_get(json_array_get(saved, i), "sql")));
	for (size_t i = 0; pg && i < PG_TRIGGERS && !e; i++) {
		snprintf(sql, sizeof sql, "ALTER TABLE %s ENABLE TRIGGER %s", pg_triggers[i][0], pg_triggers[i][1]);
		e = db_exec(c, sql);
	}
	json_decref(saved);
	if (e) {
		fprintf(stderr, "bench_stats: %s\n", db_last_error(c));
		die("triggers back", e);
	}
}

/* check_sample: about 1,000 cases spread over the load are touched, so the
 * application's triggers recompute their quality flags and facts; an
 * unchanged case writes nothing (the upsert's WHERE), a different one leaves
 * a history row or other flags. Returns the cases that differ (and the
 * rollups' totals against the facts: any difference counts); *sample the
 * cases checked. */
static int64_t check_sample(db_conn *c, long n, int64_t *sample)
{
	int64_t step = n / 1000 > 0 ? n / 1000 : 1, hist0 = 0, hist1 = 0, flags0 = 0, flags1 = 0, differ = 0;
	static const char sql_hist[] = "SELECT COUNT(*) FROM stats_case_facts_hist";
	static const char sql_flags[] =
		"SELECT COUNT(*) FROM stats_quality_flags q JOIN cases c ON c.id = q.case_id WHERE c.seq % ? = 0";
	sj_err e = db_begin(c, DB_WRITE);
	e = e ? e : dbj_int(c, "SELECT COUNT(*) FROM cases WHERE seq % ? = 0", sample, "i", step);
	e = e ? e : dbj_int(c, sql_hist, &hist0, "");
	e = e ? e : dbj_int(c, sql_flags, &flags0, "i", step);
	e = e ? e : db_run(c, "INSERT INTO stats_touch (case_id) SELECT id FROM cases WHERE seq % ? = 0", "i", step);
	/* committed: on PostgreSQL the recomputation runs at commit (0212) */
	e = e ? e : db_commit(c);
	e = e ? e : db_begin(c, DB_READ);
	e = e ? e : dbj_int(c, sql_hist, &hist1, "");
	e = e ? e : dbj_int(c, sql_flags, &flags1, "i", step);
	if (e) {
		fprintf(stderr, "bench_stats: %s\n", db_last_error(c));
		die("check", e);
	}
	differ = (hist1 - hist0) + (flags1 > flags0 ? flags1 - flags0 : flags0 - flags1);
	/* every basis's rollup sums to its facts */
	static const char *const bases[][2] = {{"r", "reg_day"}, {"o", "occ_day"}, {"f", "ref_day"}};
	for (size_t i = 0; i < 3; i++) {
		char sql[400];
		int64_t a = 0, b = 0;
		snprintf(sql, sizeof sql,
			 "SELECT COALESCE(SUM(n * 7 + lines * 5 + victims * 3 + arrested * 11 + flagged * 13), 0)"
			 " FROM stats_month WHERE basis = '%s'", bases[i][0]);
		e = dbj_int(c, sql, &a, "");
		snprintf(sql, sizeof sql,
			 "SELECT COALESCE(SUM(7 + lines * 5 + victims * 3 + arrested * 11 + flagged * 13), 0)"
			 " FROM stats_case_facts WHERE %s IS NOT NULL", bases[i][1]);
		e = e ? e : dbj_int(c, sql, &b, "");
		if (e)
			die("rollup check", e);
		differ += a != b;
	}
	if ((e = db_commit(c)))
		die("check commit", e);
	return differ;
}

static int cmd_load(const char *uri, long n)
{
	db *d = open_db(uri);
	db_conn *c;
	sj_err e = db_acquire(d, &c);
	if (e)
		die("acquire", e);
	static char units[ARRONDISSEMENTS][ID_LEN + 1];
	char user[ID_LEN + 1] = "", rule[ID_LEN + 1] = "";
	json_t *o = NULL;
	e = db_begin(c, DB_WRITE);
	if (!e)
		make_units(c, units);
	e = e ? e : dbj_one(c, "SELECT id FROM users WHERE badge = 'demo-opj'", "id:t", &o, "");
	if (!e)
		snprintf(user, sizeof user, "%s", json_string_value(json_object_get(o, "id")));
	json_decref(o);
	e = e ? e : dbj_one(c, "SELECT id FROM ref_custody_rules WHERE regime = 'ordinary' ORDER BY effective_from DESC LIMIT 1",
			    "id:t", &o, "");
	if (!e)
		snprintf(rule, sizeof rule, "%s", json_string_value(json_object_get(o, "id")));
	json_decref(o);
	e = e ? e : db_commit(c);
	if (e)
		die("setup (run sijill init --demo first)", e);
	if ((e = db_bulk_session(c, true)))
		die("bulk session", e);
	json_t *saved = triggers_off(c, db_kind(d) == DB_PG);
	int64_t t0 = clock_monotonic_us();
	int64_t span = clock_legal_midnight(2026, 1, 1) - clock_legal_midnight(2016, 1, 1);
	int64_t base = clock_legal_midnight(2016, 1, 1);
	long rows[6] = {0};
	for (long from = 0; from < n; from += CHUNK) {
		long to = from + CHUNK < n ? from + CHUNK : n;
		uint64_t state = rnd_state;
		if ((e = db_begin(c, DB_WRITE)))
			die("begin", e);
		/* six passes over the same draws (one stream per table: a stream
		 * takes the connection), the generator rewound for each */
		static const char *const tables[] = {"persons", "cases", "case_offences", "case_persons", "custodies",
						     "referrals"};
		static const char *const cols[] = {
			"id, unknown, last_name_lat, birth_date, nationality, home_unit_id, created_at, updated_at",
			"id, number, unit_id, year, seq, frame, class, status, occurred_from, summary, created_by, created_at,"
			" updated_at, commune, lat_e6, lon_e6, opj_id",
			"id, case_id, offence_code, offence_version, class, label_fr, label_ar, category, added_at, added_by",
			"id, case_id, person_id, role, added_at, added_by",
			"id, case_id, unit_id, person_id, regime, ground, rule_id, started_at, deadline_at, extensions, status,"
			" ended_at, end_kind, opened_by, created_at, lawyer_contacted_at",
			"id, case_id, transmission_no, office_code, office_kind, derived_kind, bundle, bundle_hash, sent_at,"
			" sent_by, outcome"};
		for (int t = 0; t < 6 && !e; t++) {
			rnd_state = state;
			db_copy *cp = NULL;
			if ((e = db_copy_begin(c, tables[t], cols[t], &cp)))
				break;
			for (long i = from; i < to && !e; i++) {
				int64_t at = base + (int64_t)((double)span * (double)i / (double)n) + (int64_t)(rnd() % 3600000u);
				const char *unit = units[rnd() % ARRONDISSEMENTS];
				int off = pick_offence();
				bool flagrant = rnd() % 10 < 3, suspect = rnd() % 10 < 7, victim = rnd() % 2,
				     arrested = suspect && rnd() % 10 < 3, cancelled = rnd() % 100 == 0,
				     referred = suspect && rnd() % 10 < 8, minor = rnd() % 20 == 0, foreign = rnd() % 30 == 0;
				int64_t occ = at - (int64_t)(rnd() % 86400000u);
				int64_t held = (int64_t)(rnd() % (48u * 3600000u));
				bool prosecuted = rnd() % 2;
				char id[48], num[48], p1[48], p2[48], x[48];
				snprintf(id, sizeof id, "bc-%09ld", i);
				snprintf(p1, sizeof p1, "bp-%09ld-s", i);
				snprintf(p2, sizeof p2, "bp-%09ld-v", i);
				int year = clock_legal_year(at);
				switch (t) {
				case 0:
					if (suspect) {
						e = db_copy_row(cp, "tittttii", p1, (int64_t)0, "Bench",
								minor ? "2012-05-05" : "1985-05-05", foreign ? "FR" : "MA", unit, at, at);
						rows[0]++;
					}
					if (!e && victim) {
						e = db_copy_row(cp, "tittttii", p2, (int64_t)0, "Bench", "1980-01-01", "MA", unit, at, at);
						rows[0]++;
					}
					break;
				case 1:
					snprintf(num, sizeof num, "B/%ld", i);
					e = db_copy_row(cp, "tttiitttittiitiit", id, num, unit, (int64_t)year, (int64_t)i,
							flagrant ? "flagrant" : "preliminary", OFF[off].cls,
							cancelled ? "cancelled" : referred ? "referred" : "under_investigation",
							occ, "Affaire générée par le banc d'essai", user, at, at, "Casablanca",
							(int64_t)33573110, (int64_t)-7589843, user);
					rows[1]++;
					break;
				case 2:
					snprintf(x, sizeof x, "bo-%09ld", i);
					e = db_copy_row(cp, "tttttttti" "t", x, id, OFF[off].code, "1.1.0", OFF[off].cls, "x", "x",
							OFF[off].cat, at, user);
					rows[2]++;
					break;
				case 3:
					if (suspect) {
						snprintf(x, sizeof x, "bl-%09ld-s", i);
						e = db_copy_row(cp, "ttttit", x, id, p1, arrested ? "arrested" : "suspect", at, user);
						rows[3]++;
					}
					if (!e && victim) {
						snprintf(x, sizeof x, "bl-%09ld-v", i);
						e = db_copy_row(cp, "ttttit", x, id, p2, "victim", at, user);
						rows[3]++;
					}
					break;
				case 4:
					if (arrested) {
						snprintf(x, sizeof x, "bg-%09ld", i);
						int64_t end = at + held;
						e = db_copy_row(cp, "tttttttiiitittii", x, id, unit, p1, "ordinary", "flagrance", rule, at,
								at + 48LL * 3600000, (int64_t)0, "closed", end,
								referred ? "presented" : "released", user, at, at + 3600000);
						rows[4]++;
					}
					break;
				case 5:
					if (referred && !cancelled) {
						snprintf(x, sizeof x, "bf-%09ld", i);
						snprintf(num, sizeof num, "BT-%09ld", i);
						e = db_copy_row(cp, "ttttttttitt", x, id, num, "TPI-CASA", "tpi", "tpi", "{}", "h",
								at + 86400000LL, user, prosecuted ? "prosecuted" : "further_inquiry");
						rows[5]++;
					}
					break;
				}
			}
			sj_err e2 = db_copy_end(cp);
			e = e ? e : e2;
		}
		e = e ? e : db_commit(c);
		if (e) {
			fprintf(stderr, "bench_stats: %s\n", db_last_error(c));
			db_rollback(c);
			die("load", e);
		}
		fprintf(stderr, "\rbench_stats: %ld / %ld cases", to, n);
	}
	fprintf(stderr, "\n");
	triggers_on(c, db_kind(d) == DB_PG, saved);
	int64_t us = clock_monotonic_us() - t0;
	static const char *const loaded[] = {"persons", "cases", "case_offences", "case_persons", "custodies", "referrals"};
	for (size_t i = 0; i < sizeof loaded / sizeof loaded[0]; i++)
		if ((e = db_maintain(c, loaded[i])))
			die("analyze", e);
	/* the facts, quality flags and rollups of every case, set-based: the
	 * triggers' statements over all cases at once (stats_rebuild) */
	int64_t t1 = clock_monotonic_us(), counted = 0;
	e = db_begin(c, DB_WRITE);
	e = e ? e : stats_rebuild(c, &counted);
	e = e ? e : db_commit(c);
	if (e) {
		fprintf(stderr, "bench_stats: %s\n", db_last_error(c));
		die("rebuild", e);
	}
	int64_t us_facts = clock_monotonic_us() - t1;
	static const char *const derived[] = {"stats_case_facts", "stats_month", "stats_quality_flags"};
	for (size_t i = 0; i < sizeof derived / sizeof derived[0]; i++)
		if ((e = db_maintain(c, derived[i])))
			die("analyze", e);
	int64_t sample = 0, differ = check_sample(c, n, &sample);
	printf("{\"bench\":\"stats-load\",\"backend\":\"%s\",\"cases\":%ld,\"persons\":%ld,\"offences\":%ld,"
	       "\"case_persons\":%ld,\"custodies\":%ld,\"referrals\":%ld,\"load_seconds\":%.1f,"
	       "\"rows_per_s\":%.0f,\"facts_seconds\":%.1f,\"facts_cases\":%lld,\"checked_by_triggers\":%lld,"
	       "\"differing\":%lld}\n",
	       db_kind(d) == DB_PG ? "postgresql" : "sqlite", rows[1], rows[0], rows[2], rows[3], rows[4], rows[5],
	       (double)us / 1e6, (double)(rows[0] + rows[1] + rows[2] + rows[3] + rows[4] + rows[5]) * 1e6 / (double)us,
	       (double)us_facts / 1e6, (long long)counted, (long long)sample, (long long)differ);
	if (differ)
		die("the bulk facts differ from the triggers' on the sample", SJ_EINTERNAL);
	db_release(d, c);
	db_close(d);
	return 0;
}

/* the anchor: a plain GROUP BY over the same rows (a year's cases by unit,
 * class, category and status, from the base tables) */
static const char sql_groupby[] =
	"SELECT c.unit_id, c.class, o.category, c.status, COUNT(*) FROM cases c JOIN case_offences o ON o.case_id = c.id"
	" AND o.withdrawn_at IS NULL WHERE c.created_at >= ? AND c.created_at < ? GROUP BY c.unit_id, c.class, o.category,"
	" c.status";

static int cmd_report(const char *uri, int year)
{
	db *d = open_db(uri);
	db_conn *c;
	sj_err e = db_acquire(d, &c);
	if (e)
		die("acquire", e);
	sj_actor who = {.badge = "bench", .role_name = "analyst", .unit_code = "DGSN", .national = true, .lang = "fr",
			.via = "bench"};
	char date[16];
	snprintf(date, sizeof date, "%04d-06-01", year);
	stats_period p;
	const char *why = NULL;
	if (!stats_period_parse("year", date, NULL, NULL, &p, &why))
		die("period", SJ_EINVAL);
	double best_r = 1e18, best_q = 1e18, best_g = 1e18;
	int64_t cases = 0, groups = 0, qn = 0, qt = 0;
	for (int round = 0; round < 3; round++) {
		json_t *fig = NULL;
		int64_t t0 = clock_monotonic_us();
		e = db_begin(c, DB_READ);
		e = e ? e : stats_figures(c, &who, NULL, &p, 0, &fig, &why);
		db_rollback(c);
		int64_t t1 = clock_monotonic_us();
		if (e)
			die(why ? why : "figures", e);
		cases = (int64_t)json_integer_value(json_object_get(json_object_get(fig, "totals"), "cases"));
		json_decref(fig);
		/* the quality count once: it reads every case (tens of seconds at
		 * millions of cases), the best of three would triple that */
		e = round ? SJ_OK : db_begin(c, DB_READ);
		e = e || round ? e : stats_quality_count(c, NULL, &qt, &qn);
		if (!round)
			db_rollback(c);
		int64_t t2 = clock_monotonic_us();
		if (e)
			die("quality", e);
		json_t *rows = NULL;
		e = db_begin(c, DB_READ);
		e = e ? e : dbj_rows(c, sql_groupby, "u:t,c:t,k:t,s:t,n:i", &rows, "ii", clock_legal_midnight(year, 1, 1),
				     clock_legal_midnight(year + 1, 1, 1));
		db_rollback(c);
		int64_t t3 = clock_monotonic_us();
		if (e)
			die("group by", e);
		groups = (int64_t)json_array_size(rows);
		json_decref(rows);
		double r = (double)(t1 - t0) / 1e3, q = (double)(t2 - t1) / 1e3, g = (double)(t3 - t2) / 1e3;
		best_r = r < best_r ? r : best_r;
		best_q = round ? best_q : q;
		best_g = g < best_g ? g : best_g;
	}
	printf("{\"bench\":\"stats-report\",\"backend\":\"%s\",\"year\":%d,\"cases_counted\":%lld,"
	       "\"report_ms\":%.1f,\"quality_ms\":%.1f,\"quality_cases\":%lld,\"quality_flagged\":%lld,"
	       "\"groupby_ms\":%.1f,\"groupby_groups\":%lld,\"ratio_report_over_groupby\":%.3f,"
	       "\"ratio_with_quality_over_groupby\":%.3f}\n",
	       db_kind(d) == DB_PG ? "postgresql" : "sqlite", year, (long long)cases, best_r, best_q, (long long)qt,
	       (long long)qn, best_g, (long long)groups, best_r / best_g, (best_r + best_q) / best_g);
	db_release(d, c);
	db_close(d);
	return 0;
}

/* --- create-case with and without the statistics' triggers --- */

typedef struct wctx {
	db *d;
	db_conn *c;
	auth_user u;
	sj_actor who;
} wctx;

static const char *const drop_sqlite[] = {
	"DROP TRIGGER stats_cases_insert", "DROP TRIGGER stats_cases_update", "DROP TRIGGER stats_case_offences_insert",
	"DROP TRIGGER stats_case_offences_update", "DROP TRIGGER stats_case_persons_insert",
	"DROP TRIGGER stats_case_persons_update", "DROP TRIGGER stats_custodies_insert", "DROP TRIGGER stats_custodies_update",
	"DROP TRIGGER stats_referrals_insert", "DROP TRIGGER stats_referrals_update", "DROP TRIGGER stats_persons_update",
	NULL};

static const char *const drop_pg[] = {
	"DROP TRIGGER stats_cases ON cases", "DROP TRIGGER stats_case_offences ON case_offences",
	"DROP TRIGGER stats_case_persons ON case_persons", "DROP TRIGGER stats_custodies ON custodies",
	"DROP TRIGGER stats_referrals ON referrals", "DROP TRIGGER stats_persons ON persons", NULL};

/* w_open: uri is an empty database (a SQLite path, or a PostgreSQL
 * database just created), migrated here */
static void w_open(wctx *x, const char *uri, const char *data, bool triggers)
{
	sj_err e = db_open(uri, 1, &x->d);
	e = e ? e : db_migrate(x->d, NULL);
	e = e ? e : db_acquire(x->d, &x->c);
	e = e ? e : db_begin(x->c, DB_WRITE);
	if (e)
		die("open", e);
	json_t *units = json_pack("{s:[{s:s,s:s,s:s,s:s},{s:s,s:s,s:s,s:s,s:s}]}", "units", "code", "DGSN", "kind",
				  "national", "name_fr", "DGSN", "name_ar", "المديرية", "code", "AR-BENCH", "kind",
				  "arrondissement", "parent", "DGSN", "name_fr", "Bench", "name_ar", "بنش");
	int n = 0;
	e = unit_load_json(x->c, units, false, &n);
	json_decref(units);
	char p[700];
	snprintf(p, sizeof p, "%s/offences.json", data);
	json_t *offs = json_load_file(p, 0, NULL);
	e = e ? e : offs ? ref_load_offences(x->c, offs, &n) : SJ_EIO;
	json_decref(offs);
	e = e ? e : stats_calendar_fill(x->c, &n);
	auth_new_user nu = {.badge = "bench-opj", .name = "Bench OPJ", .role = "opj", .unit_code = "AR-BENCH",
			    .password = "bench-password-123"};
	const char *field = NULL;
	memset(&x->u, 0, sizeof x->u);
	e = e ? e : auth_user_add(x->c, &nu, x->u.id, &field);
	const char *const *drop = db_kind(x->d) == DB_PG ? drop_pg : drop_sqlite;
	for (int i = 0; !triggers && !e && drop[i]; i++)
		e = db_exec(x->c, drop[i]);
	e = e ? e : db_commit(x->c);
	e = e ? e : auth_user_find(x->c, "bench-opj", NULL, &x->u);
	if (e)
		die("setup", e);
	x->who = (sj_actor){.id = x->u.id, .badge = x->u.badge, .name = x->u.name, .role = ROLE_OPJ, .role_name = "opj",
			    .unit_id = x->u.unit.id, .unit_code = x->u.unit.code, .unit_path = x->u.unit.path,
			    .unit_name_fr = x->u.unit.name_fr, .unit_name_ar = x->u.unit.name_ar, .writer = true,
			    .opj = true, .lang = "fr", .via = "bench"};
}

static json_t *w_person(int i, int k)
{
	char cin[16], last[32];
	snprintf(cin, sizeof cin, "B%c%06d", 'A' + k, i % 1000000);
	snprintf(last, sizeof last, "Nom%d", i);
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "cin", cin, "last_name_lat", last, "first_name_lat",
			 k ? "Said" : "Omar", "last_name_ar", "العلمي", "first_name_ar", k ? "سعيد" : "عمر", "father_name",
			 "Ahmed", "birth_date", "1990-04-12", "sex", "M");
}

/* the same unit of work as bench/create_case.c: a case, two persons, an
 * offence, its event and audit entry, one transaction each */
static int64_t w_batch(wctx *x, int from, int to)
{
	int64_t t0 = clock_monotonic_us();
	for (int i = from; i < to; i++) {
		json_t *in = json_pack("{s:s,s:[{s:s}],s:s,s:s,s:[{s:s,s:o},{s:s,s:o}]}", "frame", "flagrant", "offences",
				       "code", "CP-505", "summary", "Vol simple à l'arraché", "commune", "Casablanca",
				       "persons", "role", "victim", "person", w_person(i, 0), "role", "suspect", "person",
				       w_person(i, 1));
		json_t *out = NULL;
		const char *why = NULL, *field = NULL;
		sj_err e = db_begin(x->c, DB_WRITE);
		e = e ? e : case_create(x->c, &x->who, in, &out, &field, &why);
		const char *id = json_string_value(json_object_get(out, "id"));
		audit_entry ae = {.actor_id = x->u.id, .badge = x->u.badge, .role = "opj", .unit_code = x->u.unit.code,
				  .action = "case.create", .object_type = "case", .object_id = id, .outcome = "ok",
				  .request_id = id, .ip = "127.0.0.1"};
		e = e ? e : audit_append(x->c, &ae, NULL);
		e = e ? e : db_commit(x->c);
		if (e) {
			db_rollback(x->c);
			die(why ? why : "create", e);
		}
		json_decref(in);
		json_decref(out);
	}
	return clock_monotonic_us() - t0;
}

static int cmd_write(const char *with_uri, const char *without_uri, const char *key, int n, const char *data)
{
	if (audit_key_load_or_create(key, true))
		die("audit key", SJ_EIO);
	wctx with, without;
	w_open(&with, with_uri, data, true);
	w_open(&without, without_uri, data, false);
	int64_t tw = 0, to = 0;
	for (int i = 0; i < n; i += 100) {
		int j = i + 100 < n ? i + 100 : n;
		to += w_batch(&without, i, j);
		tw += w_batch(&with, i, j);
	}
	int64_t facts = 0;
	sj_err e = dbj_int(with.c, "SELECT COUNT(*) FROM stats_case_facts", &facts, "");
	if (e || facts != n)
		die("the facts do not hold every case", e ? e : SJ_EINTERNAL);
	double rw = n * 1e6 / (double)tw, ro = n * 1e6 / (double)to;
	printf("{\"bench\":\"stats-write-cost\",\"backend\":\"%s\",\"cases\":%d,\"with_stats_per_s\":%.0f,"
	       "\"without_stats_per_s\":%.0f,\"ratio_with_over_without\":%.3f}\n",
	       db_kind(with.d) == DB_PG ? "postgresql" : "sqlite", n, rw, ro, rw / ro);
	db_release(with.d, with.c);
	db_close(with.d);
	db_release(without.d, without.c);
	db_close(without.d);
	return 0;
}

int main(int argc, char **argv)
{
	if (clock_legal_init())
		die("tzdata", SJ_EIO);
	log_set_level(LOG_WARN);
	if (argc == 4 && strcmp(argv[1], "load") == 0)
		return cmd_load(argv[2], atol(argv[3]));
	if (argc == 4 && strcmp(argv[1], "report") == 0)
		return cmd_report(argv[2], atoi(argv[3]));
	if (argc == 7 && strcmp(argv[1], "write") == 0)
		return cmd_write(argv[2], argv[3], argv[4], atoi(argv[5]), argv[6]);
	fputs("usage: bench_stats load DB N | report DB YEAR | write DB_WITH DB_WITHOUT KEY N DATA\n", stderr);
	return 2;
}
