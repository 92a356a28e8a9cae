/* summons.c — convocations and the execution of warrants received from a
 * magistrate (issue 17 item 5; see procedure.h): to whom, when, for what,
 * served how, attended or not; a warrant (mandat d'amener, d'arrêt, de
 * recherche) carries the issuing authority from the reference data
 * (data/prosecution.json), its reference and date, and is executed once. */
#include "procedure/procedure.h"

#include <string.h>

#include "cases/cases.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "refdata/refdata.h"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

REC_ENUM_DEF(summons_kinds, "summons_kind", "convocation", "mandat_amener", "mandat_arret", "mandat_recherche");
REC_ENUM_DEF(served_hows, "served_how", "in_person", "at_home", "phone", "via_authority", "bailiff");
REC_ENUM_DEF(summons_statuses, "summons_status", "issued", "served", "attended", "absent", "executed");

#define SUMMONS_FIELDS(X) \
	X(C, case_id, ID, 0, 36, NULL, OUT) \
	X(C, unit_id, ID, 0, 36, NULL, 0) \
	X(C, person_id, ID, 0, 36, NULL, IN | REQ | OUT) \
	X(C, kind, ENUM, 0, 0, &summons_kinds, IN | REQ | OUT) \
	X(C, purpose, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | REQ | OUT | MULTI) \
	X(C, summoned_for, TIME, 0, 0, NULL, IN | OUT | NULLABLE) \
	X(C, authority, CODE, 1, REF_CODE_MAX, NULL, IN | OUT | NULLABLE) \
	X(C, issued_by, TEXT, 2, SJ_MAX_NAME, NULL, IN | OUT | NULLABLE) \
	X(C, order_reference, TEXT, 1, SJ_MAX_REFERENCE, NULL, IN | OUT | NULLABLE) \
	X(C, order_date, DATE, 0, 10, NULL, IN | OUT | NULLABLE) \
	X(C, status, ENUM, 0, 0, &summons_statuses, OUT) \
	X(C, served_at, TIME, 0, 0, NULL, OUT) \
	X(C, served_how, ENUM, 0, 0, &served_hows, OUT) \
	X(C, closed_at, TIME, 0, 0, NULL, OUT) \
	X(C, outcome_note, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, recorded_by, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(C, recorded_at, TIME, 0, 0, NULL, OUT)

/* summons_check: a convocation says when; a warrant names its magistrate's
 * order (authority, reference, date), as the wanted notice should (item 5). */
static void summons_check(json_t *o, const char *prefix, json_t *errs)
{
	const char *kind = jstr(o, "kind");
	if (!kind)
		return;
	if (strcmp(kind, "convocation") == 0) {
		if (!json_is_integer(json_object_get(o, "summoned_for")))
			rec_err(errs, prefix, "summoned_for", "required", "a convocation says when to come");
		return;
	}
	if (!jstr(o, "authority"))
		rec_err(errs, prefix, "authority", "required", "a warrant names the issuing authority");
	if (!jstr(o, "order_reference"))
		rec_err(errs, prefix, "order_reference", "required", "a warrant carries the magistrate's order reference");
	if (!jstr(o, "order_date"))
		rec_err(errs, prefix, "order_date", "required", "a warrant carries the date of the order");
}

static const rec_field summons_fields[] = {REC_ID_FIELD, SUMMONS_FIELDS(REC_FIELD)};
const rec_desc proc_summons_rec = REC_DESC("proc_summons", "proc_summons", summons_fields, summons_check);

/* POST /cases/{id}/summons/outcomes: served, attended or absent, executed. */
#define OUTCOME_FIELDS(X) \
	X(V, summons_id, ID, 0, 36, NULL, IN | REQ) \
	X(V, status, ENUM, 0, 0, &summons_statuses, IN | REQ) \
	X(V, at, TIME, 0, 0, NULL, IN | NULLABLE) \
	X(V, served_how, ENUM, 0, 0, &served_hows, IN | NULLABLE) \
	X(V, note, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | NULLABLE | MULTI)
static const rec_field outcome_fields[] = {OUTCOME_FIELDS(REC_FIELD)};
const rec_desc proc_summons_outcome_rec = REC_DESC("proc_summons_outcome", NULL, outcome_fields, NULL);

static const char sql_add[] =
	"INSERT INTO proc_summons (" REC_COLS(SUMMONS_FIELDS) ") VALUES (" REC_QS(SUMMONS_FIELDS) ")";
static const char sql_state[] =
	"SELECT kind, status, summoned_for, recorded_at FROM proc_summons WHERE id = ? AND case_id = ?";
static const char sql_serve[] =
	"UPDATE proc_summons SET status = 'served', served_at = ?, served_how = ? WHERE id = ? AND status = 'issued'";
static const char sql_close[] =
	"UPDATE proc_summons SET status = ?, closed_at = ?, outcome_note = ? WHERE id = ?"
	" AND status IN ('issued', 'served')";

sj_err proc_summons_add(db_conn *c, const sj_actor *a, const char *case_id, json_t *in, json_t **out, const char **why)
{
	*out = NULL;
	case_ref r;
	sj_err e = case_ref_open(c, a, case_id, &r, why);
	if (e)
		return e;
	static const char *const any[] = {"complainant", "victim", "suspect", "witness", "arrested", NULL};
	bool yes = false;
	if ((e = case_person_has_role(c, r.id, jstr(in, "person_id"), any, &yes)))
		return e;
	if (!yes) {
		*why = "proc-person-not-in-case";
		return SJ_EUNPROCESSABLE;
	}
	int64_t now = clock_now_ms();
	if (jstr(in, "authority")) {
		json_t *office = NULL;
		e = ref_prosecution_get(c, jstr(in, "authority"), &office);
		json_decref(office);
		if (e == SJ_ENOTFOUND) {
			*why = "warrant-authority-unknown";
			return SJ_EUNPROCESSABLE;
		}
		if (e)
			return e;
	}
	char today[11];
	clock_legal_date(now, today);
	if (jstr(in, "order_date") && strcmp(jstr(in, "order_date"), today) > 0) {
		*why = "proc-time-in-future";
		return SJ_EUNPROCESSABLE;
	}
	char id[ID_LEN + 1];
	id_new(id);
	json_t *row = json_deep_copy(in), *set = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I}", "id", id, "case_id", r.id, "unit_id",
							    r.unit_id, "status", "issued", "recorded_by", a->id,
							    "recorded_at", (json_int_t)now);
	int bad = !row || !set || json_object_update(row, set);
	json_decref(set);
	if (bad) {
		json_decref(row);
		return SJ_ENOMEM;
	}
	e = dbj_write(c, sql_add, &proc_summons_rec, row, false, "");
	json_decref(row);
	e = e ? e : case_event(c, r.id, a, "summons",
			       json_pack("{s:s,s:s,s:s,s:s?,s:s?}", "summons_id", id, "kind", jstr(in, "kind"), "person_id",
					 jstr(in, "person_id"), "authority", jstr(in, "authority"), "reference",
					 jstr(in, "order_reference")));
	return e ? e : proc_case_read(c, a, r.id, out, why);
}

sj_err proc_summons_outcome(db_conn *c, const sj_actor *a, const char *case_id, json_t *in, json_t **out,
			    const char **why)
{
	*out = NULL;
	case_ref r;
	json_t *st = NULL;
	const char *sid = jstr(in, "summons_id"), *to = jstr(in, "status");
	sj_err e = case_ref_open(c, a, case_id, &r, why);
	e = e ? e : dbj_one(c, sql_state, "kind:t,status:t,summoned_for:i,recorded_at:i", &st, "tt", sid, r.id);
	if (e == SJ_ENOTFOUND) {
		*why = "summons-not-found";
		return SJ_EUNPROCESSABLE;
	}
	if (e)
		return e;
	bool convocation = strcmp(jstr(st, "kind"), "convocation") == 0;
	const char *status = jstr(st, "status");
	bool closed = strcmp(status, "issued") != 0 && strcmp(status, "served") != 0;
	int64_t recorded = (int64_t)json_integer_value(json_object_get(st, "recorded_at"));
	json_t *atj = json_object_get(in, "at");
	int64_t at = json_is_integer(atj) ? (int64_t)json_integer_value(atj) : clock_now_ms();
	json_decref(st);
	if (closed) {
		*why = "summons-closed";
		return SJ_ECONFLICT;
	}
	/* a convocation is served, then attended or not; a warrant is executed */
	bool fits = convocation ? (strcmp(to, "served") == 0 || strcmp(to, "attended") == 0 || strcmp(to, "absent") == 0)
				: strcmp(to, "executed") == 0;
	if (!fits) {
		*why = "summons-outcome-not-for-kind";
		return SJ_EUNPROCESSABLE;
	}
	if (!proc_time_ok(at, recorded - 60000, "proc-time-before-summons", why))
		return SJ_EUNPROCESSABLE;
	if (strcmp(to, "served") == 0) {
		if (!jstr(in, "served_how")) {
			*why = "summons-served-how";
			return SJ_EUNPROCESSABLE;
		}
		e = db_run(c, sql_serve, "itt", at, jstr(in, "served_how"), sid);
	} else {
		e = db_run(c, sql_close, "tit" "t", to, at, jstr(in, "note"), sid);
	}
	e = e ? e : case_event(c, r.id, a, "summons.outcome",
			       json_pack("{s:s,s:s,s:I}", "summons_id", sid, "status", to, "at", (json_int_t)at));
	return e ? e : proc_case_read(c, a, r.id, out, why);
}

static const char sql_list[] =
	"SELECT id, case_id, person_id, kind, purpose, summoned_for, authority, issued_by, order_reference, order_date,"
	" status, served_at, served_how, closed_at, outcome_note, r_badge AS recorded_by, recorded_at FROM proc_summons"
	" JOIN (SELECT id AS r_id, badge AS r_badge FROM users) r ON r.r_id = recorded_by"
	" WHERE case_id = ? ORDER BY recorded_at, id";

sj_err proc_summons_list(db_conn *c, const char *case_id, json_t **out)
{
	return dbj_rec_rows(c, sql_list, &proc_summons_rec, out, "t", case_id);
}
