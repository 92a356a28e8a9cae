/* custody_reads.c — the reads of garde à vue: one custody, a case's, the
 * deadlines view, the register and the daily list for the prosecutor, each
 * row annotated with what is computed at read time (see custody.h). */
#include "cases/custody.h"

#include <stdio.h>
#include <string.h>

#include "cases/print.h"
#include "core/clock.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "procedure/procedure.h"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int64_t jint(json_t *o, const char *k)
{
	return (int64_t)json_integer_value(json_object_get(o, k));
}

static const char sql_case_of[] = "SELECT case_id FROM custodies WHERE id = ?";

/* ------------------------------------------------------------ the reads' answers */

#define DEADLINES_FIELDS(X) \
	X(V, now, TIME, 0, 0, NULL, OUT) \
	X(V, overdue, INT, 0, 0, NULL, OUT) \
	X(V, lawyer_overdue, INT, 0, 0, NULL, OUT) \
	X(V, family_pending, INT, 0, 0, NULL, OUT) \
	X(V, guardian_pending, INT, 0, 0, NULL, OUT) \
	X(V, custodies, ARRAY, 0, 0, &custody_rec, OUT)
static const rec_field deadlines_fields[] = {DEADLINES_FIELDS(REC_FIELD)};
const rec_desc custody_deadlines_rec = REC_DESC("custody_deadlines", NULL, deadlines_fields, NULL);

#define REGISTER_FIELDS(X) \
	X(V, unit, CODE, 1, UNIT_CODE_MAX, NULL, OUT) \
	X(V, custodies, ARRAY, 0, SJ_MAX_PAGE, &custody_rec, OUT)
static const rec_field register_fields[] = {REGISTER_FIELDS(REC_FIELD)};
const rec_desc custody_register_rec = REC_DESC("custody_register", NULL, register_fields, NULL);

#define DAILY_FIELDS(X) \
	X(V, unit, CODE, 1, UNIT_CODE_MAX, NULL, OUT) \
	X(V, unit_name_fr, TEXT, 1, UNIT_NAME_MAX, NULL, OUT) \
	X(V, unit_name_ar, TEXT, 1, UNIT_NAME_MAX, NULL, OUT) \
	X(V, from, TIME, 0, 0, NULL, OUT) \
	X(V, to, TIME, 0, 0, NULL, OUT) \
	X(V, held, ARRAY, 0, 0, &custody_rec, OUT)
static const rec_field daily_fields[] = {DAILY_FIELDS(REC_FIELD)};
const rec_desc custody_daily_rec = REC_DESC("custody_daily", NULL, daily_fields, NULL);

/* ------------------------------------------------------------ reads */

static const char sql_in_case[] = "SELECT COUNT(*) FROM custodies WHERE id = ? AND case_id = ?";

sj_err custody_in_case(db_conn *c, const char *id, const char *case_id, bool *yes)
{
	int64_t n = 0;
	sj_err e = dbj_int(c, sql_in_case, &n, "tt", id, case_id);
	*yes = !e && n > 0;
	return e;
}

static const char sql_for_pv[] =
	"SELECT regime, ground, started_at AS arrested_at, deadline_at, extensions, family_informed_at,"
	" lawyer_contacted_at, ended_at, end_kind, ground_code, condition_on_entry, condition_on_exit"
	" FROM custodies WHERE id = ?";

/* what a sealed PV states of its custody: the names of the sealed format
 * (issue 17 item 2: the ground of art 66-1 with its labels, the condition
 * on entry and on exit) */
#define PV_CUSTODY_FIELDS(X) \
	X(V, arrested_at, TIME, 0, 0, NULL, OUT) \
	X(V, ground_label_fr, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(V, ground_label_ar, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT)
static const rec_field pv_custody_fields[] = {PV_CUSTODY_FIELDS(REC_FIELD)};
static const rec_desc pv_custody_rec = REC_DESC_FLAT("pv_custody", NULL, pv_custody_fields, NULL, &custody_rec);

sj_err custody_for_pv(db_conn *c, const char *id, json_t **out)
{
	sj_err e = dbj_rec_one(c, sql_for_pv, &pv_custody_rec, out, "t", id);
	const char *code = e ? NULL : jstr(*out, "ground_code");
	json_t *g = NULL;
	if (code && proc_ground_get(c, code, &g) == SJ_OK) {
		json_object_set(*out, "ground_label_fr", json_object_get(g, "label_fr"));
		json_object_set(*out, "ground_label_ar", json_object_get(g, "label_ar"));
	}
	json_decref(g);
	return e;
}


#define CUSTODY_SELECT                                                                                        \
	"SELECT k.id AS id, k.case_id AS case_id, c.number AS case_number, u.code AS unit, k.person_id AS person_id," \
	" p.cin AS cin, p.last_name_lat AS last_name_lat, p.first_name_lat AS first_name_lat,"                 \
	" p.last_name_ar AS last_name_ar, p.first_name_ar AS first_name_ar, k.regime AS regime, k.ground AS ground," \
	" k.ground_code AS ground_code,"                                                                       \
	" k.started_at AS started_at, k.deadline_at AS deadline_at, k.extensions AS extensions,"               \
	" r.max_extensions AS max_extensions, r.extension_hours AS extension_hours, r.initial_hours AS initial_hours," \
	" r.version AS rule_version, k.place AS place, k.family_informed_at AS family_informed_at,"            \
	" k.family_informed_how AS family_informed_how, k.lawyer_contacted_at AS lawyer_contacted_at,"         \
	" k.status AS status, k.ended_at AS ended_at, k.end_kind AS end_kind, k.end_note AS end_note,"         \
	" o.badge AS opened_by, k.lawyer_deadline_at AS lawyer_deadline, k.lawyer_delay_ref AS lawyer_delay_ref," \
	" k.lawyer_delay_date AS lawyer_delay_date, r.lawyer_confidence AS lawyer_rule_confidence,"            \
	" k.guardian_informed_at AS guardian_informed_at, k.guardian_informed_how AS guardian_informed_how,"   \
	" COALESCE(r.guardian_required, 0) AS guardian_required, r.code AS rule_code, k.why AS why,"          \
	" k.close_recorded_at AS close_recorded_at, k.authority AS authority, r.source AS rule_source, r.confidence AS rule_confidence," \
	" k.condition_on_entry AS condition_on_entry, k.condition_on_exit AS condition_on_exit,"             \
	" k.prosecutor_agreement_ref AS prosecutor_agreement_ref, k.prosecutor_agreement_at AS prosecutor_agreement_at," \
	" k.place_for_minors AS place_for_minors"                                                           \
	" FROM custodies k JOIN cases c ON c.id = k.case_id JOIN units u ON u.id = k.unit_id"                  \
	" JOIN persons p ON p.id = k.person_id JOIN ref_custody_rules r ON r.id = k.rule_id"                   \
	" JOIN users o ON o.id = k.opened_by"

static const char sql_get[] = CUSTODY_SELECT " WHERE k.id = ?";
static const char sql_exts[] =
	"SELECT n, authorisation_ref, authorisation_date, authorised_by, hours, previous_deadline, new_deadline,"
	" recorded_at FROM custody_extensions WHERE custody_id = ? ORDER BY n";
static const char sql_by_case[] = CUSTODY_SELECT " WHERE k.case_id = ? ORDER BY k.started_at, k.id";
static const char sql_deadlines[] =
	CUSTODY_SELECT " WHERE k.status = 'open' AND (CAST(? AS TEXT) IS NULL OR u.path LIKE CAST(? AS TEXT) || '%')"
		       " ORDER BY k.deadline_at, k.id";
static const char sql_register[] =
	CUSTODY_SELECT " WHERE k.unit_id = ? ORDER BY k.started_at DESC, k.id DESC LIMIT ? OFFSET ?";
static const char sql_daily[] =
	CUSTODY_SELECT " WHERE k.unit_id = ? AND k.started_at < ? AND (k.ended_at IS NULL OR k.ended_at >= ?)"
		       " ORDER BY k.started_at, k.id";

/* annotate adds time_left_ms and overdue (open custodies) to each row. */
static void annotate(json_t *rows)
{
	int64_t now = clock_now_ms();
	size_t i;
	json_t *o;
	json_array_foreach(rows, i, o) {
		bool open = strcmp(jstr(o, "status"), "open") == 0;
		int64_t deadline = jint(o, "deadline_at"), left = deadline - now;
		/* overdue is judged on the time the system recorded the end, not
		 * on the time typed (issue 10 item 4) */
		json_t *cra = json_object_get(o, "close_recorded_at");
		int64_t typed_end = jint(o, "ended_at"), recorded_end = json_is_integer(cra) ? json_integer_value(cra) : typed_end;
		bool late = !open && (recorded_end > deadline || typed_end > deadline);
		json_object_set_new(o, "time_left_ms", open ? json_integer(left) : json_null());
		json_object_set_new(o, "overdue", json_boolean(open ? left < 0 : late));
		json_object_set_new(o, "closed_late", json_boolean(late));
		/* the rule applied, its source and how sure the data is (shown next
		 * to the custody with why) */
		const char *conf = jstr(o, "rule_confidence"), *lconf = jstr(o, "lawyer_rule_confidence");
		bool uncertain = (conf && strcmp(conf, "uncertain") == 0) || (lconf && strcmp(lconf, "uncertain") == 0);
		json_object_set_new(o, "rule",
				    json_pack("{s:s?,s:s?,s:s?,s:s?,s:s?,s:b}", "code", jstr(o, "rule_code"), "version",
					      jstr(o, "rule_version"), "regime", jstr(o, "regime"), "source",
					      jstr(o, "rule_source"), "confidence", conf, "uncertain", uncertain));
		json_object_del(o, "rule_source");
		json_object_del(o, "rule_confidence");
		json_object_set_new(o, "extensions_left",
				    json_integer(jint(o, "max_extensions") - jint(o, "extensions")));
		/* Rights flags: shown, never blocking (the OPJ and the prosecutor act on them). */
		json_t *ld = json_object_get(o, "lawyer_deadline"), *lca = json_object_get(o, "lawyer_contacted_at");
		int64_t until = open ? now : recorded_end;
		bool contacted = json_is_integer(lca);
		json_object_set_new(o, "lawyer_overdue",
				    json_boolean(json_is_integer(ld) && !contacted && until > json_integer_value(ld)));
		json_object_set_new(o, "lawyer_contacted_late",
				    json_boolean(json_is_integer(ld) && contacted &&
						 json_integer_value(lca) > json_integer_value(ld)));
		json_object_set_new(o, "family_pending",
				    json_boolean(!json_is_integer(json_object_get(o, "family_informed_at"))));
		json_object_set_new(o, "guardian_pending",
				    json_boolean(json_is_true(json_object_get(o, "guardian_required")) &&
						 !json_is_integer(json_object_get(o, "guardian_informed_at"))));
	}
}

sj_err custody_get(db_conn *c, const char *id, json_t **out)
{
	*out = NULL;
	json_t *rows = NULL, *exts = NULL;
	sj_err e = dbj_rec_rows(c, sql_get, &custody_rec, &rows, "t", id);
	if (!e && json_array_size(rows) == 0)
		e = SJ_ENOTFOUND;
	e = e ? e : dbj_rec_rows(c, sql_exts, &custody_extension_rec, &exts, "t", id);
	if (e) {
		json_decref(rows);
		return e;
	}
	annotate(rows);
	json_t *o = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	json_object_set_new(o, "extension_list", exts);
	*out = o;
	return SJ_OK;
}

sj_err custody_read(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why)
{
	*out = NULL;
	case_ref r;
	sj_err e = case_ref_of(c, a, sql_case_of, id, "custody-not-found", false, &r, why);
	return e ? e : custody_get(c, id, out);
}

sj_err custody_list_case(db_conn *c, const char *case_id, json_t **out)
{
	sj_err e = dbj_rec_rows(c, sql_by_case, &custody_rec, out, "t", case_id);
	if (!e)
		annotate(*out);
	return e;
}

sj_err custody_deadlines(db_conn *c, const sj_actor *a, json_t **out)
{
	*out = NULL;
	const char *scope = a->national ? NULL : a->unit_path;
	json_t *list = NULL;
	sj_err e = dbj_rec_rows(c, sql_deadlines, &custody_rec, &list, "tt", scope, scope);
	if (e)
		return e;
	annotate(list);
	size_t overdue = 0, lawyer = 0, family = 0, guardian = 0, i;
	json_t *o;
	json_array_foreach(list, i, o) {
		overdue += json_is_true(json_object_get(o, "overdue"));
		lawyer += json_is_true(json_object_get(o, "lawyer_overdue"));
		family += json_is_true(json_object_get(o, "family_pending"));
		guardian += json_is_true(json_object_get(o, "guardian_pending"));
	}
	*out = json_pack("{s:I,s:I,s:I,s:I,s:I,s:o}", "now", (json_int_t)clock_now_ms(), "overdue", (json_int_t)overdue,
			 "lawyer_overdue", (json_int_t)lawyer, "family_pending", (json_int_t)family, "guardian_pending",
			 (json_int_t)guardian, "custodies", list);
	return *out ? SJ_OK : SJ_ENOMEM;
}

/* unit_for reads the unit with that code for the actor to read its lists. */
static sj_err unit_for(db_conn *c, const sj_actor *a, const char *code, unit_info *unit, const char **why)
{
	sj_err e = unit_get_by_code(c, code, unit);
	if (e == SJ_ENOTFOUND)
		*why = "unit-not-found";
	if (!e && !actor_can_read(a, unit->path))
		e = SJ_EFORBIDDEN;
	return e;
}

sj_err custody_register(db_conn *c, const sj_actor *a, const char *unit_code, int limit, int64_t offset,
			json_t **out, const char **why)
{
	*out = NULL;
	unit_info unit;
	json_t *list = NULL;
	sj_err e = unit_for(c, a, unit_code, &unit, why);
	e = e ? e : dbj_rec_rows(c, sql_register, &custody_rec, &list, "tii", unit.id, (int64_t)limit, offset);
	if (e)
		return e;
	annotate(list);
	*out = json_pack("{s:s,s:o}", "unit", unit.code, "custodies", list);
	return *out ? SJ_OK : SJ_ENOMEM;
}

/* legal_day reads date ("YYYY-MM-DD", NULL: today) as the legal day
 * [*from, *to): 00:00 to the next 00:00 in legal time, so a day of 23 or 25
 * hours when the legal offset changes (Ramadan). */
static bool legal_day(const char *date, int64_t *from, int64_t *to)
{
	int y, m, d;
	if (!date) {
		struct tm tm;
		clock_legal_tm(clock_now_ms(), &tm);
		y = tm.tm_year + 1900, m = tm.tm_mon + 1, d = tm.tm_mday;
	} else if (!rec_date_ok(date) || sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3) {
		return false;
	}
	*from = clock_legal_midnight(y, m, d);
	*to = clock_legal_midnight(y, m, d + 1); /* mktime carries the day over */
	return true;
}

sj_err custody_daily(db_conn *c, const sj_actor *a, const char *unit_code, const char *date, json_t **out,
		     const char **why)
{
	*out = NULL;
	int64_t from = 0, to = 0;
	if (!legal_day(date, &from, &to)) {
		*why = "bad-date";
		return SJ_EINVAL;
	}
	unit_info unit;
	json_t *list = NULL;
	sj_err e = unit_for(c, a, unit_code, &unit, why);
	e = e ? e : dbj_rec_rows(c, sql_daily, &custody_rec, &list, "tii", unit.id, to, from);
	if (e)
		return e;
	annotate(list);
	*out = json_pack("{s:s,s:s,s:s,s:I,s:I,s:o}", "unit", unit.code, "unit_name_fr", unit.name_fr, "unit_name_ar",
			 unit.name_ar, "from", (json_int_t)from, "to", (json_int_t)to, "held", list);
	return *out ? SJ_OK : SJ_ENOMEM;
}

sj_err custody_daily_print(db_conn *c, const sj_actor *a, const char *unit_code, const char *date, buf *html,
			   const char **why)
{
	json_t *daily = NULL;
	sj_err e = custody_daily(c, a, unit_code, date, &daily, why);
	e = e ? e : print_daily_html(daily, i18n_lang_from(a->lang), html);
	json_decref(daily);
	return e;
}

static const char sql_open_count[] = "SELECT COUNT(*) FROM custodies WHERE case_id = ? AND status = 'open'";

sj_err custody_open_count(db_conn *c, const char *case_id, int64_t *n)
{
	return dbj_int(c, sql_open_count, n, "t", case_id);
}
