/* stats.h — statistics and the annual report (issue 16): figures per unit
 * (rolled up the tree: arrondissement → district → préfecture → national)
 * and per period, counted by the counting rules in force (reference data
 * with effective dates, data/counting_rules.json, refdata.h), every number
 * traceable to the records it counts.
 *
 * Freshness: each case's facts (principal offence, flags, counts) and the
 * monthly rollups are kept exact by triggers of migration 0111 in the
 * transaction that writes the case, a charge, a person, a custody or a
 * referral (docs/internals/stats.md). A period's figures add the rollups of
 * its whole months and the facts of its partial months, each day counted by
 * the rule in force that day; the same predicate (stats_counted, internal.h) decides
 * for the aggregate, the drill-down list, the export and the print.
 *
 * Scope: a chief reads their unit and below; national roles (analyst,
 * admin) read all. No figure names a person. In exports and prints a
 * positive cell under the rule's small_cell_threshold is suppressed.
 *
 *     json_t *fig = NULL; const char *why = NULL;
 *     stats_period p;
 *     if (!stats_period_parse("year", "2026-01-01", NULL, NULL, &p, &why)) ...400 why...
 *     e = stats_figures(c, who, "PP-CASA", &p, 0, &fig, &why);
 */
#ifndef SJ_STATS_H
#define SJ_STATS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "core/actor.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/record.h"
#include "db/db.h"

/* The legal calendar stats_days covers (stats_calendar_fill). */
#define STATS_YEAR_MIN 2000
#define STATS_YEAR_MAX 2060
/* The longest custom range, in days (ten years and their leap days). */
#define STATS_RANGE_MAX_DAYS 3660
/* At most this many records in one drill-down page, and offences listed. */
#define STATS_DRILL_MAX 500
#define STATS_TOP_OFFENCES 20

/* A period: legal days from..to (YYYYMMDD, inclusive), its kind ("day",
 * "month", "year", "range") and the previous period of the same length
 * (the day, month or year before; for a range, as many days just before). */
typedef struct stats_period {
	char kind[8];
	int64_t from, to;
	int64_t prev_from, prev_to;
} stats_period;

/* stats_period_parse reads ?period=day|month|year|range with ?date=YYYY-MM-DD
 * (any day of the day, month or year) or ?from= and ?to= (a range, at most
 * STATS_RANGE_MAX_DAYS days, within the calendar). false with *why
 * ("stats-bad-period") when malformed. */
bool stats_period_parse(const char *kind, const char *date, const char *from, const char *to, stats_period *out,
			const char **why);

/* stats_calendar_fill makes stats_days hold the start (UTC ms) of every
 * legal day of STATS_YEAR_MIN..STATS_YEAR_MAX (Africa/Casablanca through
 * core/clock.h), inside c's write transaction; *added receives the days
 * added (0 when it was already full). Then, when cases exist without their
 * facts (a database migrated to 0111, a bulk load), recomputes them
 * (stats_rebuild). */
SJ_MUST_USE sj_err stats_calendar_fill(db_conn *c, int *added);
/* stats_rebuild recomputes every case's facts and the monthly rollups from
 * the records, in c's write transaction (set-based: one statement per
 * table); *cases receives the cases counted. */
SJ_MUST_USE sj_err stats_rebuild(db_conn *c, int64_t *cases);
/* stats_refresh_touched recomputes, in c's write transaction, the facts and
 * quality flags of every case the transaction has written so far, set-wise:
 * one statement of each kind for all of them (PostgreSQL, migration 0260:
 * what the commit would otherwise do one case at a time; a writer of many
 * cases in one transaction, such as central applying a node's batch, calls
 * it before committing). *cases receives the cases refreshed; SQLite, whose
 * triggers recompute per row, does nothing (0). */
SJ_MUST_USE sj_err stats_refresh_touched(db_conn *c, int64_t *cases);

/* stats_figures returns (new object, *out) every figure of the issue for
 * unit_code (NULL: the actor's unit; the root unit or a national actor
 * without a unit: national) and period p, with the previous period beside,
 * the counting rules used ({code, version, from, to} per segment), the
 * children's table, the trend by month, data quality counts and as_at.
 * as_at 0: now (rollups); else recomputed from the facts valid at as_at
 * (ms). SJ_ENOTFOUND (*why "stats-unit-not-found") for an unknown unit,
 * SJ_EFORBIDDEN for a unit outside the actor's scope, SJ_ECONFLICT (*why
 * "stats-no-counting-rule") when no rule covers a day of the period. */
SJ_MUST_USE sj_err stats_figures(db_conn *c, const sj_actor *a, const char *unit_code, const stats_period *p,
				 int64_t as_at, json_t **out, const char **why);

/* stats_records returns (new object {figure, key, total, records: [{id,
 * number}]}) the records a figure counts: figure is "cases", "cleared",
 * "arrested", "minors", "foreigners", "victims", "reclassified",
 * "cancelled" (cases, by the counting rule's date basis), "custody",
 * "referrals" (cases, by the custody's start or the referral's date) or
 * "complaints" (complaints, by their receipt); key narrows it
 * ("class:crime", "category:property", "offence:CP-505", "unit:AR-X",
 * "month:202603", "office:TPI-CASA", "outcome:prosecuted",
 * "disposition:pending", or NULL). At most STATS_DRILL_MAX records (total says how many there are).
 * Errors as stats_figures; SJ_EINVAL (*why "stats-bad-figure"). The caller
 * audits the list read with the ids (records[].id). */
SJ_MUST_USE sj_err stats_records(db_conn *c, const sj_actor *a, const char *unit_code, const stats_period *p,
				 const char *figure, const char *key, json_t **out, const char **why);

/* stats_quality returns (new object {unit, edits: [{code, severity, n,
 * records: [{id, number}]}], total_cases, with_issues}) the data-quality
 * to-do list of the unit and below: the coded edits of quality.c, each
 * stable (code "Q-CASE-001"…, messages "stats.q.<code>" in both
 * dictionaries). Errors as stats_figures. */
SJ_MUST_USE sj_err stats_quality(db_conn *c, const sj_actor *a, const char *unit_code, json_t **out,
				 const char **why);
/* The catalogue of coded edits: codes, NULL-terminated (tests/unit checks
 * every one has its messages). */
extern const char *const stats_edit_codes[];
/* stats_quality_count writes the number of cases of the units whose ids are
 * in unit_ids (a JSON array of strings; NULL: all) with at least one open
 * edit into *n, and the cases considered into *total. */
SJ_MUST_USE sj_err stats_quality_count(db_conn *c, json_t *unit_ids, int64_t *total, int64_t *n);

/* stats_report_html writes the printable bilingual annual report (figures
 * from stats_figures, charts as SVG, small cells suppressed) into b. */
SJ_MUST_USE sj_err stats_report_html(buf *b, json_t *fig, const char *lang);
/* stats_csv writes table (one of "by_class", "by_category", "by_offence",
 * "by_unit", "by_month", "summary") of fig as CSV (RFC 4180) into b,
 * suppressing small cells; SJ_EINVAL for an unknown table. */
SJ_MUST_USE sj_err stats_csv(buf *b, json_t *fig, const char *table);
/* stats_suppress returns a copy of fig (new reference) whose counts under
 * the threshold (and above 0) are replaced by null, with "suppressed": true
 * beside: what an export or a print shows. */
json_t *stats_suppress(json_t *fig);

/* stats_publish stores the figures of unit_code and period p as published
 * (figures, rule versions, as_at = now) and returns the publication (new
 * object {id, unit, period, as_at, figures}). */
SJ_MUST_USE sj_err stats_publish(db_conn *c, const sj_actor *a, const char *unit_code, const stats_period *p,
				 json_t **out, const char **why);
/* stats_publication returns a stored publication with "recomputed" (the
 * figures recomputed as at its as_at), "identical" (recomputed equals
 * stored) and "changed_since" (cases of its scope whose facts changed
 * after as_at). SJ_ENOTFOUND (*why "stats-publication-not-found"). */
SJ_MUST_USE sj_err stats_publication(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why);

/* The records of the API (figures, records, quality, publication). */
extern const rec_desc stats_figures_rec, stats_records_rec, stats_quality_rec, stats_publication_rec,
	stats_publish_rec;

#endif
