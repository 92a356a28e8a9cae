/* charges.c — the offences charged in a case: one more charge, and
 * requalification — a charge withdrawn or replaced with its reason, the
 * class following the standing charges down as well as up (CP art 111;
 * issue 11 item 9). See cases.h. */
#include "cases/cases.h"

#include <string.h>

#include "core/clock.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "refdata/refdata.h"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

const char *case_offence_refusal(json_t *off, bool attempted, int64_t facts_at)
{
	const char *cls = jstr(off, "class"), *from = jstr(off, "effective_from"), *to = jstr(off, "effective_to");
	/* CP 116: the attempt of a contravention is never punishable; CP 115: the
	 * attempt of a délit only where a text says so (reference data); CP 114:
	 * the attempt of a crime always */
	if (attempted && cls && strcmp(cls, "contravention") == 0)
		return "attempt-contravention";
	if (attempted && cls && strncmp(cls, "delit", 5) == 0 && !json_is_true(json_object_get(off, "attempt_punishable")))
		return "attempt-not-punishable";
	/* an offence applies only if in force on the date of the facts (CP 4) */
	if (facts_at > 0 && (from || to)) {
		char d[11];
		clock_legal_date(facts_at, d);
		if ((from && strcmp(d, from) < 0) || (to && strcmp(d, to) > 0))
			return "offence-not-in-force-at-facts";
	}
	return NULL;
}

/* POST /cases/{id}/offences/{oid}/withdrawal: why, and what replaces it. */
#define WITHDRAWAL_FIELDS(X) \
	X(V, reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | REQ | MULTI) \
	X(V, replace_with, CODE, 1, REF_CODE_MAX, NULL, IN | NULLABLE) \
	X(V, attempted, BOOL, 0, 0, NULL, IN | NULLABLE)
static const rec_field withdrawal_fields[] = {WITHDRAWAL_FIELDS(REC_FIELD)};
const rec_desc case_withdrawal_rec = REC_DESC("case_withdrawal", NULL, withdrawal_fields, NULL);

sj_err case_add_offence(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out, const char **field,
			const char **why)
{
	*out = NULL;
	case_ref r;
	sj_err e = case_ref_open(c, a, id, &r, why);
	if (e)
		return e;
	const char *code = jstr(in, "code");
	bool attempted = json_is_true(json_object_get(in, "attempted"));
	json_t *off = NULL;
	e = ref_offence_get(c, code, &off);
	if (e == SJ_ENOTFOUND) {
		*field = "code";
		*why = "offence-not-current";
		return SJ_EINVAL;
	}
	char oid[ID_LEN + 1], cls[CASE_STATUS_MAX] = "";
	json_t *kase = NULL;
	e = e ? e : case_get(c, r.id, &kase);
	if (!e && (*why = case_offence_refusal(off, attempted, (int64_t)json_integer_value(json_object_get(kase, "occurred_from")))))
		e = SJ_EUNPROCESSABLE;
	json_decref(kase);
	e = e ? e : case_offence_insert(c, a, r.id, off, attempted, oid);
	e = e ? e : case_reclass(c, r.id, cls);
	e = e ? e : case_event(c, r.id, a, "offence.added",
			       json_pack("{s:s,s:b,s:s,s:s}", "code", code, "attempted", attempted, "offence_class",
					 jstr(off, "class"), "case_class", cls));
	json_decref(off);
	return e ? e : case_get(c, r.id, out);
}

static const char sql_line[] =
	"SELECT offence_code AS code, class, withdrawn_at FROM case_offences WHERE id = ? AND case_id = ?";
static const char sql_standing[] = "SELECT COUNT(*) FROM case_offences WHERE case_id = ? AND withdrawn_at IS NULL";
static const char sql_withdraw[] =
	"UPDATE case_offences SET withdrawn_at = ?, withdrawn_reason = ?, replaced_by = ? WHERE id = ?"
	" AND withdrawn_at IS NULL";

sj_err case_withdraw_offence(db_conn *c, const sj_actor *a, const char *id, const char *offence_id, json_t *in,
			     json_t **out, const char **field, const char **why)
{
	*out = NULL;
	case_ref r;
	json_t *line = NULL, *off = NULL;
	sj_err e = case_ref_open(c, a, id, &r, why);
	e = e ? e : dbj_one(c, sql_line, "code:t,class:t,withdrawn_at:i", &line, "tt", offence_id, r.id);
	if (e == SJ_ENOTFOUND)
		*why = "offence-not-found";
	if (e)
		return e;
	bool withdrawn = json_is_integer(json_object_get(line, "withdrawn_at"));
	const char *replace = jstr(in, "replace_with"), *reason = jstr(in, "reason");
	int64_t standing = 0;
	e = dbj_int(c, sql_standing, &standing, "t", r.id);
	if (!e && withdrawn) {
		*why = "offence-withdrawn";
		e = SJ_ECONFLICT;
	}
	if (!e && !replace && standing <= 1) {
		*why = "offence-last-charge";
		e = SJ_EUNPROCESSABLE;
	}
	if (!e && replace && (e = ref_offence_get(c, replace, &off)) == SJ_ENOTFOUND) {
		*field = "replace_with";
		*why = "offence-not-current";
		e = SJ_EINVAL;
	}
	char nid[ID_LEN + 1] = "", cls[CASE_STATUS_MAX] = "";
	if (!e && off && (*why = case_offence_refusal(off, json_is_true(json_object_get(in, "attempted")), 0)))
		e = SJ_EUNPROCESSABLE;
	if (!e && off)
		e = case_offence_insert(c, a, r.id, off, json_is_true(json_object_get(in, "attempted")), nid);
	e = e ? e : db_run(c, sql_withdraw, "itt" "t", clock_now_ms(), reason, nid[0] ? nid : NULL, offence_id);
	e = e ? e : case_reclass(c, r.id, cls);
	e = e ? e : case_event(c, r.id, a, replace ? "offence.replaced" : "offence.withdrawn",
			       json_pack("{s:s,s:s,s:s,s:s?,s:s}", "offence_id", offence_id, "code", jstr(line, "code"),
					 "reason", reason, "replaced_by", replace, "case_class", cls));
	json_decref(line);
	json_decref(off);
	return e ? e : case_get(c, r.id, out);
}

static const char sql_categories[] =
	"SELECT DISTINCT category FROM case_offences WHERE case_id = ? AND withdrawn_at IS NULL AND category IS NOT NULL"
	" ORDER BY category";

sj_err case_categories(db_conn *c, const char *case_id, json_t **out)
{
	*out = NULL;
	json_t *rows = NULL, *list = json_array();
	sj_err e = list ? dbj_rows(c, sql_categories, "category:t", &rows, "t", case_id) : SJ_ENOMEM;
	size_t i;
	json_t *o;
	json_array_foreach(rows, i, o) json_array_append(list, json_object_get(o, "category"));
	json_decref(rows);
	if (e) {
		json_decref(list);
		return e;
	}
	*out = list;
	return SJ_OK;
}
