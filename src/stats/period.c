/* period.c — legal days and periods (stats.h): a period parsed from the
 * query, the previous period beside it, the legal calendar the triggers read
 * (stats_days), and the backfill of the facts. */
#include "stats/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "db/dbj.h"
#include "org/units.h"
#include "refdata/refdata.h"

/* ------------------------------------------------------------ days */

int64_t stats_ymd(int y, int m, int d)
{
	return (int64_t)y * 10000 + m * 100 + d;
}

int stats_days_in_month(int y, int m)
{
	static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : n[m - 1];
}

/* day_ms: the UTC ms of 00:00 legal time of day (YYYYMMDD). */
int64_t stats_day_ms(int64_t day)
{
	return clock_legal_midnight((int)(day / 10000), (int)(day / 100 % 100), (int)(day % 100));
}

/* day_add moves day by n days (n may be negative) through the calendar. */
int64_t stats_day_add(int64_t day, int n)
{
	int y = (int)(day / 10000), m = (int)(day / 100 % 100), d = (int)(day % 100);
	while (n > 0) {
		if (++d > stats_days_in_month(y, m)) {
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
			d = stats_days_in_month(y, m);
		}
		n++;
	}
	return stats_ymd(y, m, d);
}

static bool parse_day(const char *s, int64_t *out)
{
	int y, m, d;
	char tail;
	if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || y < STATS_YEAR_MIN ||
	    y > STATS_YEAR_MAX || m < 1 || m > 12 || d < 1 || d > stats_days_in_month(y, m))
		return false;
	*out = stats_ymd(y, m, d);
	return true;
}

void stats_day_text(int64_t day, char out[11])
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
		for (int64_t x = f; x < t && n <= STATS_RANGE_MAX_DAYS; x = stats_day_add(x, 1))
			n++;
		if (n >= STATS_RANGE_MAX_DAYS || stats_day_add(f, -(n + 1)) / 10000 < STATS_YEAR_MIN)
			return false;
		out->from = f;
		out->to = t;
		out->prev_to = stats_day_add(f, -1);
		out->prev_from = stats_day_add(f, -(n + 1));
	} else if (!parse_day(date, &d)) {
		return false;
	} else if (strcmp(kind, "day") == 0) {
		out->from = out->to = d;
		out->prev_from = out->prev_to = stats_day_add(d, -1);
	} else if (strcmp(kind, "month") == 0) {
		int y = (int)(d / 10000), m = (int)(d / 100 % 100);
		out->from = stats_ymd(y, m, 1);
		out->to = stats_ymd(y, m, stats_days_in_month(y, m));
		int py = m == 1 ? y - 1 : y, pm = m == 1 ? 12 : m - 1;
		out->prev_from = stats_ymd(py, pm, 1);
		out->prev_to = stats_ymd(py, pm, stats_days_in_month(py, pm));
	} else if (strcmp(kind, "year") == 0) {
		int y = (int)(d / 10000);
		out->from = stats_ymd(y, 1, 1);
		out->to = stats_ymd(y, 12, 31);
		out->prev_from = stats_ymd(y - 1, 1, 1);
		out->prev_to = stats_ymd(y - 1, 12, 31);
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
static const char sql_stale_flags[] =
	"DELETE FROM stats_quality_flags WHERE NOT EXISTS"
	" (SELECT 1 FROM stats_case_facts f WHERE f.case_id = stats_quality_flags.case_id)";
/* sql_rebuild_flags, sql_rebuild_facts: the triggers' statements over every
 * case without facts at once (generated with migrations 0111 and 0113) */
#include "rebuild.inc"

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
				for (int d = 1; d <= stats_days_in_month(y, m) && !e; d++) {
					e = db_run(c, sql_day_add, "ii", stats_ymd(y, m, d), clock_legal_midnight(y, m, d));
					if (!e)
						(*added)++;
				}
		if (e)
			return e;
	}
	int64_t n = 0;
	return stats_rebuild(c, &n);
}

/* PostgreSQL: the facts' row trigger (stats_on_facts: three rollup upserts
 * per row, in PL/pgSQL) was ~70% of a rebuild; for cases without facts it
 * only adds each new row to the rollup, so a rebuild turns it off for its
 * one statement and adds the rows it inserted, grouped — the same sums as
 * the trigger's insert branch (the bench checks every basis's rollup
 * against the facts). DISABLE TRIGGER is transactional and locks the facts
 * for the rest of the transaction: a rebuild runs at `sijill init`. */
#define REBUILD_ROLLUP_BASIS(b, day)                                                                                 \
	" SELECT unit_id, " day " / 100, '" b "', class, category, cancelled, suspect, referred, presented,"     \
	" COUNT(*), SUM(CASE WHEN victims > 1 THEN victims ELSE 1 END), SUM(lines), SUM(victims), SUM(arrested),"  \
	" SUM(arrested_flagrant), SUM(minors), SUM(foreigners), SUM(reclassified), SUM(flagged) FROM ins"         \
	" WHERE " day " IS NOT NULL GROUP BY unit_id, " day " / 100, class, category, cancelled, suspect, referred," \
	" presented"
static const char sql_rebuild_facts_pg[] =
	"WITH ins AS (" /* sql_rebuild_facts, then */
	"%s RETURNING unit_id, reg_day, occ_day, ref_day, class, category, cancelled, suspect, referred, presented,"
	" lines, victims, arrested, arrested_flagrant, minors, foreigners, reclassified, flagged)"
	" INSERT INTO stats_month (unit_id, month, basis, class, category, cancelled, suspect, referred, presented, n,"
	" victims1, lines, victims, arrested, arrested_flagrant, minors, foreigners, reclassified, flagged)"
	REBUILD_ROLLUP_BASIS("r", "reg_day") " UNION ALL" REBUILD_ROLLUP_BASIS("o", "occ_day")
	" UNION ALL" REBUILD_ROLLUP_BASIS("f", "ref_day")
	" ON CONFLICT (unit_id, month, basis, class, category, cancelled, suspect, referred, presented) DO UPDATE SET"
	" n = stats_month.n + excluded.n, victims1 = stats_month.victims1 + excluded.victims1,"
	" lines = stats_month.lines + excluded.lines, victims = stats_month.victims + excluded.victims,"
	" arrested = stats_month.arrested + excluded.arrested,"
	" arrested_flagrant = stats_month.arrested_flagrant + excluded.arrested_flagrant,"
	" minors = stats_month.minors + excluded.minors, foreigners = stats_month.foreigners + excluded.foreigners,"
	" reclassified = stats_month.reclassified + excluded.reclassified, flagged = stats_month.flagged + excluded.flagged";

sj_err stats_rebuild(db_conn *c, int64_t *cases)
{
	*cases = 0;
	sj_err e = dbj_int(c, sql_missing, cases, "");
	if (e || !*cases)
		return e;
	e = db_run(c, sql_stale_flags, "");
	e = e ? e : db_run(c, sql_rebuild_flags, "");
	if (e || db_conn_kind(c) != DB_PG || !db_in_tx(c))
		return e ? e : db_run(c, sql_rebuild_facts, "i", clock_now_ms());
	size_t size = sizeof sql_rebuild_facts + sizeof sql_rebuild_facts_pg;
	char *sql = malloc(size);
	if (!sql)
		return SJ_ENOMEM;
	int w = snprintf(sql, size, sql_rebuild_facts_pg, sql_rebuild_facts);
	e = w < 0 || (size_t)w >= size ? SJ_EINTERNAL : SJ_OK;
	e = e ? e : db_exec(c, "ALTER TABLE stats_case_facts DISABLE TRIGGER stats_facts");
	e = e ? e : db_run(c, sql, "i", clock_now_ms());
	e = e ? e : db_exec(c, "ALTER TABLE stats_case_facts ENABLE TRIGGER stats_facts");
	free(sql);
	return e;
}

/* stats_refresh_touched (stats.h): migration 0260's set-wise refresh of
 * every case touched in this transaction (PostgreSQL; SQLite's triggers
 * have refreshed each already). */
static const char sql_touch_flush[] = "SELECT stats_touch_flush()";

sj_err stats_refresh_touched(db_conn *c, int64_t *cases)
{
	*cases = 0;
	if (db_conn_kind(c) != DB_PG)
		return SJ_OK;
	return dbj_int(c, sql_touch_flush, cases, "");
}
