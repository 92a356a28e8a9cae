/* records.c — the records behind a figure (stats_records: the same
 * predicate as the figures, case by case) and the API's record
 * descriptions of the statistics. */
#include "stats/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "db/dbj.h"
#include "org/units.h"
#include "refdata/refdata.h"

/* ------------------------------------------------------------ drill-down */

#define DRILL(day) "SELECT f.case_id, f.unit_id, f.class, f.category, f.offence_code, f.cancelled, f.suspect, f.referred," \
		   " f.presented, f.lines, f.victims, f.arrested, f.minors, f.foreigners, f.reclassified, f." day " AS day," \
		   " c_number FROM stats_case_facts f JOIN (SELECT id AS c_id, number AS c_number FROM cases) k" \
		   " ON k.c_id = f.case_id WHERE f." day " >= ? AND f." day " <= ? AND (CAST(? AS TEXT) IS NULL OR f.unit_id IN" \
		   " (SELECT id FROM stats_unit_v WHERE SUBSTR(path, 1, LENGTH(CAST(? AS TEXT))) = CAST(? AS TEXT)))" \
		   " ORDER BY f." day ", c_number"
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

static const char sql_drill_seizures[] =
	"SELECT z.case_id AS id, z.unit_id, c_number AS number, z.category AS kind, z.substance FROM stats_seizure_v z"
	" JOIN (SELECT id AS c_id, number AS c_number FROM cases) x ON x.c_id = z.case_id WHERE " IN_PERIOD("z.seized_at")
	" ORDER BY z.seized_at, z.id";

static sj_err records_by_date(db_conn *c, const scope *s, const stats_period *p, const char *figure, const char *key,
			      json_t *list, int64_t *total)
{
	const char *sql = strcmp(figure, "custody") == 0 ? sql_drill_custody
			: strcmp(figure, "referrals") == 0 ? sql_drill_referrals
			: strcmp(figure, "seizures") == 0 ? sql_drill_seizures : sql_drill_complaints;
	const char *cols = strcmp(figure, "custody") == 0 ? "id:t,unit_id:t,number:t"
			 : strcmp(figure, "referrals") == 0 ? "id:t,unit_id:t,number:t,office:t,outcome:t"
			 : strcmp(figure, "seizures") == 0 ? "id:t,unit_id:t,number:t,kind:t,substance:t"
							   : "id:t,unit_id:t,number:t,disposition:t";
	json_t *rows = NULL, *x;
	sj_err e = dbj_rows(c, sql, cols, &rows, "ii", stats_day_ms(p->from), stats_day_ms(stats_day_add(p->to, 1)));
	size_t i;
	json_array_foreach(rows, i, x) {
		if (!stats_in_scope(s, x))
			continue;
		/* a seizure without kind (before issue 17) is keyed "none", as counted */
		const char *kind = jstr(x, "kind") ? jstr(x, "kind") : "none";
		const char *sub = strcmp(kind, "drugs") != 0 ? NULL : jstr(x, "substance") ? jstr(x, "substance") : "none";
		if (key && !key_match(key, "office", jstr(x, "office")) && !key_match(key, "outcome", jstr(x, "outcome")) &&
		    !key_match(key, "disposition", jstr(x, "disposition")) &&
		    !(strcmp(figure, "seizures") == 0 && key_match(key, "kind", kind)) &&
		    !(sub && key_match(key, "substance", sub)))
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
						 strcmp(figure, "seizures") == 0 || strcmp(figure, "complaints") == 0);
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
	int64_t total = 0, counted = 0; /* records listed; what the figure counts in them */
	sj_err e = stats_scope_load(c, a, unit_code, &s, why);
	e = e ? e : stats_rules_load(c, &rs);
	if (!e && by_date)
		e = records_by_date(c, &s, p, figure, key, list, &total);
	for (int64_t d = p->from; !e && !by_date && d <= p->to;) {
		const rule *r = stats_rule_at(&rs, d);
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
			     &rows, "iittt", d, end, s.national ? NULL : s.unit.path, s.national ? NULL : s.unit.path,
			     s.national ? NULL : s.unit.path);
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
			int64_t w = stats_counted(r, &f, &cl);
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
			counted += strcmp(figure, "victims") == 0 ? f.victims : 1; /* victims, listed by their cases */
			if (json_array_size(list) < STATS_DRILL_MAX)
				json_array_append_new(list, json_pack("{s:s,s:s}", "id", jstr(x, "id"), "number", jstr(x, "number")));
		}
		json_decref(rows);
		if (end == 99991231)
			break;
		d = stats_day_add(end, 1);
	}
	if (!e)
		*out = json_pack("{s:s,s:s?,s:I,s:I,s:O}", "figure", figure, "key", key, "total", (json_int_t)total,
				 "counted", (json_int_t)(by_date ? total : counted), "records", list);
	json_decref(list);
	stats_rules_free(&rs);
	stats_scope_free(&s);
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
	X(V, mobile, JSON, 0, 0, NULL, OUT) \
	X(V, quality, JSON, 0, 0, NULL, OUT) \
	X(V, as_at, TEXT, 0, 40, NULL, OUT) \
	X(V, as_at_ms, TIME, 0, 0, NULL, OUT)
static const rec_field figures_fields[] = {FIGURES_FIELDS(REC_FIELD)};
const rec_desc stats_figures_rec = REC_DESC("stats_figures", NULL, figures_fields, NULL);

#define RECORDS_FIELDS(X) \
	X(V, figure, CODE, 1, 32, NULL, OUT) \
	X(V, key, TEXT, 0, 200, NULL, OUT) \
	X(V, total, INT, 0, 0, NULL, OUT) \
	X(V, counted, INT, 0, 0, NULL, OUT) \
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

