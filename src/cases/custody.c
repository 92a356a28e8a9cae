/* custody.c — garde à vue (see custody.h). */
#include "cases/custody.h"

#include <stdio.h>
#include <string.h>

#include "cases/print.h"
#include "core/clock.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "persons/persons.h"
#include "refdata/refdata.h"

#define HOUR_MS (60LL * 60 * 1000)

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int64_t jint(json_t *o, const char *k)
{
	return (int64_t)json_integer_value(json_object_get(o, k));
}

/* ------------------------------------------------------------ the records */

REC_ENUM_DEF(custody_statuses, "kstatus", "open", "closed");
REC_ENUM_DEF(custody_ends, "custody.end", "released", "presented");

/* An extension: the prosecutor's written authorisation and what it moved. */
#define EXTENSION_FIELDS(X) \
	X(C, custody_id, ID, 0, 36, NULL, 0) \
	X(C, n, INT, 0, 0, NULL, OUT) \
	X(C, authorisation_ref, TEXT, 1, SJ_MAX_AUTH_REF, NULL, IN | OUT | NULLABLE) \
	X(C, authorisation_date, DATE, 0, 10, NULL, IN | OUT | NULLABLE) \
	X(C, authorised_by, TEXT, 2, SJ_MAX_NAME, NULL, IN | OUT | NULLABLE) \
	X(C, hours, INT, 0, 0, NULL, OUT) \
	X(C, previous_deadline, TIME, 0, 0, NULL, OUT) \
	X(C, new_deadline, TIME, 0, 0, NULL, OUT) \
	X(C, recorded_by, ID, 0, 36, NULL, 0) \
	X(C, recorded_at, TIME, 0, 0, NULL, OUT)
static const rec_field extension_fields[] = {REC_ID_FIELD, EXTENSION_FIELDS(REC_FIELD)};
const rec_desc custody_extension_rec = REC_DESC("custody_extension", "custody_extensions", extension_fields, NULL);

/* The custody: its columns, the person's names, the rule's figures, and
 * what each read computes (time left, the rights flags). opened_by reads as
 * the OPJ's badge; lawyer_deadline_at reads as lawyer_deadline. */
#define CUSTODY_FIELDS(X) \
	X(C, case_id, ID, 0, 36, NULL, OUT) \
	X(C, unit_id, ID, 0, 36, NULL, 0) \
	X(C, person_id, ID, 0, 36, NULL, IN | REQ | OUT) \
	X(C, regime, ENUM, 0, 0, &ref_regimes, IN | REQ | OUT) \
	X(C, ground, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | REQ | OUT) \
	X(C, rule_id, ID, 0, 36, NULL, 0) \
	X(C, started_at, TIME, 0, 0, NULL, IN | OUT | NULLABLE) \
	X(C, deadline_at, TIME, 0, 0, NULL, OUT) \
	X(C, extensions, INT, 0, 0, NULL, OUT) \
	X(C, place, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, IN | OUT | NULLABLE) \
	X(C, family_informed_at, TIME, 0, 0, NULL, OUT) \
	X(C, family_informed_how, TEXT, 2, SJ_MAX_SHORT_TEXT, NULL, OUT | PII) \
	X(C, lawyer_contacted_at, TIME, 0, 0, NULL, OUT) \
	X(C, status, ENUM, 0, 0, &custody_statuses, OUT) \
	X(C, ended_at, TIME, 0, 0, NULL, OUT) \
	X(C, end_kind, ENUM, 0, 0, &custody_ends, OUT) \
	X(C, end_note, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, opened_by, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(C, closed_by, ID, 0, 36, NULL, 0) \
	X(C, created_at, TIME, 0, 0, NULL, 0) \
	X(C, lawyer_deadline_at, TIME, 0, 0, NULL, 0) \
	X(C, lawyer_delay_ref, TEXT, 1, SJ_MAX_AUTH_REF, NULL, OUT) \
	X(C, lawyer_delay_date, DATE, 0, 10, NULL, OUT) \
	X(C, guardian_informed_at, TIME, 0, 0, NULL, IN | OUT | NULLABLE) \
	X(C, guardian_informed_how, TEXT, 2, SJ_MAX_SHORT_TEXT, NULL, IN | OUT | PII | NULLABLE) \
	X(V, case_number, CODE, 1, CASE_NUMBER_MAX, NULL, OUT) \
	X(V, unit, CODE, 1, UNIT_CODE_MAX, NULL, OUT) \
	X(V, cin, CIN, 1, SJ_MAX_CIN_TYPED, NULL, OUT | PII) \
	X(V, last_name_lat, TEXT, 1, SJ_MAX_NAME, NULL, OUT | PII) \
	X(V, first_name_lat, TEXT, 1, SJ_MAX_NAME, NULL, OUT | PII) \
	X(V, last_name_ar, TEXT, 1, SJ_MAX_NAME, NULL, OUT | PII) \
	X(V, first_name_ar, TEXT, 1, SJ_MAX_NAME, NULL, OUT | PII) \
	X(V, max_extensions, INT, 0, 0, NULL, OUT) \
	X(V, extension_hours, INT, 0, 0, NULL, OUT) \
	X(V, initial_hours, INT, 0, 0, NULL, OUT) \
	X(V, rule_version, TEXT, 1, REF_VERSION_MAX, NULL, OUT) \
	X(V, rule_code, CODE, 1, REF_CODE_MAX, NULL, OUT) \
	X(V, lawyer_deadline, TIME, 0, 0, NULL, OUT) \
	X(V, lawyer_rule_confidence, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(V, guardian_required, BOOL, 0, 0, NULL, OUT) \
	X(V, time_left_ms, INT, 0, 0, NULL, OUT) \
	X(V, overdue, BOOL, 0, 0, NULL, OUT) \
	X(V, extensions_left, INT, 0, 0, NULL, OUT) \
	X(V, lawyer_overdue, BOOL, 0, 0, NULL, OUT) \
	X(V, lawyer_contacted_late, BOOL, 0, 0, NULL, OUT) \
	X(V, family_pending, BOOL, 0, 0, NULL, OUT) \
	X(V, guardian_pending, BOOL, 0, 0, NULL, OUT) \
	X(V, extension_list, ARRAY, 0, 0, &custody_extension_rec, OUT)
static const rec_field custody_fields[] = {REC_ID_FIELD, CUSTODY_FIELDS(REC_FIELD)};
const rec_desc custody_rec = REC_DESC("custody", "custodies", custody_fields, NULL);

static void rights_check(json_t *p, const char *prefix, json_t *errs)
{
	if (!json_object_get(p, "family_informed_at") && !json_object_get(p, "lawyer_contacted_at") &&
	    !json_object_get(p, "guardian_informed_at") && !json_object_get(p, "lawyer_delay_ref"))
		rec_err(errs, prefix, "family_informed_at", "required",
			"give family_informed_at, lawyer_contacted_at, guardian_informed_at or lawyer_delay_ref");
}

/* PATCH /custody/{id}: the rights as they are exercised (art 66, 80, 460). */
#define RIGHTS_FIELDS(X) \
	X(V, family_informed_at, TIME, 0, 0, NULL, IN) \
	X(V, family_informed_how, TEXT, 2, SJ_MAX_SHORT_TEXT, NULL, IN | PII) \
	X(V, lawyer_contacted_at, TIME, 0, 0, NULL, IN) \
	X(V, guardian_informed_at, TIME, 0, 0, NULL, IN) \
	X(V, guardian_informed_how, TEXT, 2, SJ_MAX_SHORT_TEXT, NULL, IN | PII) \
	X(V, lawyer_delay_ref, TEXT, 1, SJ_MAX_AUTH_REF, NULL, IN) \
	X(V, lawyer_delay_date, DATE, 0, 10, NULL, IN)
static const rec_field rights_fields[] = {RIGHTS_FIELDS(REC_FIELD)};
const rec_desc custody_rights_rec = REC_DESC("custody_rights", NULL, rights_fields, rights_check);

/* POST /custody/{id}/close: release or presentation to the prosecutor. */
#define END_FIELDS(X) \
	X(V, end, ENUM, 0, 0, &custody_ends, IN | REQ) \
	X(V, at, TIME, 0, 0, NULL, IN | NULLABLE) \
	X(V, note, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, IN | NULLABLE | MULTI)
static const rec_field end_fields[] = {END_FIELDS(REC_FIELD)};
const rec_desc custody_end_rec = REC_DESC("custody_end", NULL, end_fields, NULL);

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

/* ------------------------------------------------------------ opening */

static const char sql_open_for_person[] =
	"SELECT COUNT(*) FROM custodies WHERE case_id = ? AND person_id = ? AND status = 'open'";
static const char sql_add[] =
	"INSERT INTO custodies (" REC_COLS(CUSTODY_FIELDS) ") VALUES (" REC_QS(CUSTODY_FIELDS) ")";
static const char sql_set_guardian[] =
	"UPDATE custodies SET guardian_informed_at = ?, guardian_informed_how = ? WHERE id = ? AND status = 'open'";

/* under_age tells whether a person born on birth ("YYYY-MM-DD") is under
 * years at instant at (the birthday counted from midnight, Moroccan legal
 * time); false with *known = false when birth is missing or malformed. */
static bool under_age(const char *birth, int64_t years, int64_t at, bool *known)
{
	int y, m, d;
	*known = false;
	if (!birth || strlen(birth) != 10 || sscanf(birth, "%4d-%2d-%2d", &y, &m, &d) != 3 || years <= 0 ||
	    years > 200 || y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	char day[48];
	int64_t majority;
	snprintf(day, sizeof day, "%04d-%02d-%02d", y + (int)years, m, d);
	if (!ref_date_ms(day, &majority))
		return false;
	*known = true;
	return at < majority;
}

/* minor_checks applies art 460 as the rule data states it: the minor regime
 * needs a birth date showing an age under the rule's majority_age_years at
 * the start; a regime with minors_allowed = false refuses a person whose
 * birth date shows an age under the majority age of the minor rule in force
 * then. 422 with *why. */
static sj_err minor_checks(db_conn *c, const char *person_id, const char *regime, const ref_custody_rule *rule,
			   int64_t start, const char **why)
{
	bool is_minor_regime = strcmp(regime, "minor") == 0;
	if (!is_minor_regime && rule->minors_allowed)
		return SJ_OK;
	char birth[11];
	sj_err e = persons_birth_date(c, person_id, birth);
	if (e)
		return e;
	bool known = false, under;
	if (is_minor_regime) {
		if (rule->majority_age_years <= 0) {
			*why = "custody-minor-rule-incomplete";
			return SJ_EUNPROCESSABLE;
		}
		under = under_age(birth[0] ? birth : NULL, rule->majority_age_years, start, &known);
		if (!known) {
			*why = "custody-minor-needs-birth-date";
			return SJ_EUNPROCESSABLE;
		}
		if (!under) {
			*why = "custody-not-a-minor";
			return SJ_EUNPROCESSABLE;
		}
		return SJ_OK;
	}
	ref_custody_rule mr;
	e = ref_custody_rule_at(c, "minor", start, &mr);
	if (e == SJ_ENOTFOUND || (!e && mr.majority_age_years <= 0))
		return SJ_OK; /* no majority age in the data: nothing to check against */
	if (e)
		return e;
	under = under_age(birth[0] ? birth : NULL, mr.majority_age_years, start, &known);
	if (known && under) {
		*why = "custody-minor-regime-required";
		return SJ_EUNPROCESSABLE;
	}
	return SJ_OK;
}

sj_err custody_open(db_conn *c, const sj_actor *a, const char *case_id, json_t *in, json_t **out, const char **why)
{
	*out = NULL;
	case_ref ref, *r = &ref;
	sj_err e = case_ref_open(c, a, case_id, r, why);
	if (e)
		return e;
	const char *person_id = jstr(in, "person_id"), *regime = jstr(in, "regime");
	int64_t now = clock_now_ms();
	int64_t start = json_is_integer(json_object_get(in, "started_at")) ? jint(in, "started_at") : now;
	if (start > now + 60000 || start < now - CUSTODY_MAX_BACKDATE_MS) {
		*why = "custody-start-out-of-range";
		return SJ_EUNPROCESSABLE;
	}
	static const char *const any[] = {"complainant", "victim", "suspect", "witness", "arrested", NULL};
	static const char *const held[] = {"arrested", NULL};
	bool in_case = false, arrested = false;
	e = case_person_has_role(c, r->id, person_id, any, &in_case);
	e = e ? e : case_person_has_role(c, r->id, person_id, held, &arrested);
	if (e)
		return e;
	if (!in_case) {
		*why = "custody-person-not-in-case";
		return SJ_EUNPROCESSABLE;
	}
	int64_t n = 0;
	if ((e = dbj_int(c, sql_open_for_person, &n, "tt", r->id, person_id)))
		return e;
	if (n) {
		*why = "custody-already-open";
		return SJ_ECONFLICT;
	}
	ref_custody_rule rule;
	e = ref_custody_rule_at(c, regime, start, &rule);
	if (e == SJ_ENOTFOUND) {
		*why = "custody-no-rule";
		return SJ_EUNPROCESSABLE;
	}
	if (e)
		return e;
	/* loi 03.23: custody is exceptional — the rule names the offence classes it
	 * applies to (crimes, délits punishable by prison). */
	if (rule.applies_to[0]) {
		char quoted[sizeof r->cls + 2];
		int qn = snprintf(quoted, sizeof quoted, "\"%s\"", r->cls);
		if (qn < 0 || (size_t)qn >= sizeof quoted || !strstr(rule.applies_to, quoted)) {
			*why = "custody-rule-not-applicable";
			return SJ_EUNPROCESSABLE;
		}
	}
	if ((e = minor_checks(c, person_id, regime, &rule, start, why)))
		return e;
	json_t *gi = json_object_get(in, "guardian_informed_at");
	if (json_is_integer(gi) && json_integer_value(gi) > now + 60000) {
		*why = "guardian-informed-in-future";
		return SJ_EUNPROCESSABLE;
	}
	int64_t deadline = start + rule.initial_hours * HOUR_MS;
	char id[ID_LEN + 1];
	id_new(id);
	json_t *row = json_pack("{s:s,s:s,s:s,s:s,s:s,s:O,s:s,s:I,s:I,s:i,s:O?,s:s,s:s?,s:I}", "id", id, "case_id",
				r->id, "unit_id", r->unit_id, "person_id", person_id, "regime", regime, "ground",
				json_object_get(in, "ground"), "rule_id", rule.id, "started_at", (json_int_t)start,
				"deadline_at", (json_int_t)deadline, "extensions", 0, "place", json_object_get(in, "place"),
				"status", "open", "opened_by", a->id, "created_at", (json_int_t)now);
	if (!row)
		return SJ_ENOMEM;
	/* Lawyer contact: from the first hour, at the latest lawyer_max_hours after
	 * the start (art 66 §4 after loi 35-11, art 80) — rule data. */
	if (rule.lawyer_max_hours >= 0)
		json_object_set_new(row, "lawyer_deadline_at", json_integer(start + rule.lawyer_max_hours * HOUR_MS));
	e = dbj_write(c, sql_add, &custody_rec, row, false, "");
	json_decref(row);
	if (!e && json_is_integer(gi))
		e = db_run(c, sql_set_guardian, "itt", (int64_t)json_integer_value(gi), jstr(in, "guardian_informed_how"),
			   id);
	if (!e && !arrested) {
		char pid[ID_LEN + 1];
		bool reused;
		const char *w;
		e = case_person_link(c, a, r, "arrested", person_id, NULL, NULL, pid, &reused, &w);
	}
	e = e ? e : case_mark_investigating(c, a, r);
	e = e ? e : case_event(c, r->id, a, "custody.opened",
			       json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:s,s:I}", "custody_id", id, "person_id", person_id,
					 "regime", regime, "ground", jstr(in, "ground"), "started_at", (json_int_t)start,
					 "deadline_at", (json_int_t)deadline, "rule_version", rule.version, "initial_hours",
					 (json_int_t)rule.initial_hours));
	return e ? e : custody_get(c, id, out);
}

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
	" lawyer_contacted_at, ended_at, end_kind FROM custodies WHERE id = ?";

static const char sql_case_of[] = "SELECT case_id FROM custodies WHERE id = ?";

/* what a sealed PV states of its custody: the names of the sealed format */
#define PV_CUSTODY_FIELDS(X) X(V, arrested_at, TIME, 0, 0, NULL, OUT)
static const rec_field pv_custody_fields[] = {PV_CUSTODY_FIELDS(REC_FIELD)};
static const rec_desc pv_custody_rec = REC_DESC_FLAT("pv_custody", NULL, pv_custody_fields, NULL, &custody_rec);

sj_err custody_for_pv(db_conn *c, const char *id, json_t **out)
{
	return dbj_rec_one(c, sql_for_pv, &pv_custody_rec, out, "t", id);
}

/* for_change reads custody id's case for the actor to change it. */
static sj_err for_change(db_conn *c, const sj_actor *a, const char *id, case_ref *r, const char **why)
{
	return case_ref_of(c, a, sql_case_of, id, "custody-not-found", true, r, why);
}

static const char sql_state[] =
	"SELECT k.status, k.deadline_at, k.extensions, r.extension_hours, r.max_extensions, k.regime, k.case_id,"
	" COALESCE(r.guardian_required, 0), k.guardian_informed_at"
	" FROM custodies k JOIN ref_custody_rules r ON r.id = k.rule_id WHERE k.id = ?";
static const char sql_ext_add[] =
	"INSERT INTO custody_extensions (" REC_COLS(EXTENSION_FIELDS) ") VALUES (" REC_QS(EXTENSION_FIELDS) ")";
static const char sql_ext_set[] =
	"UPDATE custodies SET deadline_at = ?, extensions = ? WHERE id = ? AND extensions = ?";

sj_err custody_extend(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out, const char **why)
{
	*out = NULL;
	case_ref r;
	json_t *st = NULL;
	sj_err e = for_change(c, a, id, &r, why);
	e = e ? e : dbj_one(c, sql_state, "status:t,deadline:i,ext:i,ext_h:i,max:i,regime:t,case_id:t,gr:i,gi:i", &st,
			    "t", id);
	if (e)
		return e;
	int64_t deadline = jint(st, "deadline"), ext = jint(st, "ext"), ext_h = jint(st, "ext_h"),
		max = jint(st, "max"), now = clock_now_ms();
	bool open = strcmp(jstr(st, "status"), "open") == 0;
	bool guardian_missing = jint(st, "gr") != 0 && !json_is_integer(json_object_get(st, "gi"));
	json_decref(st);
	const char *auth_ref = jstr(in, "authorisation_ref"), *auth_date = jstr(in, "authorisation_date");
	if (!open) {
		*why = "custody-ended";
		return SJ_ECONFLICT;
	}
	if (!auth_ref || !*auth_ref || !auth_date) {
		*why = "extension-needs-authorisation";
		return SJ_EUNPROCESSABLE;
	}
	/* art 460: the minor's guardian is informed — before any extension (rule data). */
	if (guardian_missing) {
		*why = "extension-needs-guardian";
		return SJ_EUNPROCESSABLE;
	}
	if (ext >= max) {
		*why = max == 0 ? "extension-not-allowed" : "extension-limit-reached";
		return SJ_EUNPROCESSABLE;
	}
	if (now > deadline) {
		*why = "custody-deadline-passed";
		return SJ_EUNPROCESSABLE;
	}
	int64_t next = deadline + ext_h * HOUR_MS;
	char eid[ID_LEN + 1];
	id_new(eid);
	json_t *row = json_pack("{s:s,s:s,s:I,s:s,s:s,s:O?,s:I,s:I,s:I,s:s?,s:I}", "id", eid, "custody_id", id, "n",
				(json_int_t)(ext + 1), "authorisation_ref", auth_ref, "authorisation_date", auth_date,
				"authorised_by", json_object_get(in, "authorised_by"), "hours", (json_int_t)ext_h,
				"previous_deadline", (json_int_t)deadline, "new_deadline", (json_int_t)next,
				"recorded_by", a->id, "recorded_at", (json_int_t)now);
	e = row ? dbj_write(c, sql_ext_add, &custody_extension_rec, row, false, "") : SJ_ENOMEM;
	json_decref(row);
	e = e ? e : db_run(c, sql_ext_set, "iiti", next, ext + 1, id, ext);
	e = e ? e : case_event(c, r.id, a, "custody.extended",
			       json_pack("{s:s,s:I,s:s,s:s,s:I,s:I}", "custody_id", id, "n", (json_int_t)(ext + 1),
					 "authorisation_ref", auth_ref, "authorisation_date", auth_date,
					 "previous_deadline", (json_int_t)deadline, "new_deadline", (json_int_t)next));
	return e ? e : custody_get(c, id, out);
}

static const char sql_set_family[] =
	"UPDATE custodies SET family_informed_at = ?, family_informed_how = ? WHERE id = ? AND status = 'open'";
static const char sql_set_lawyer[] =
	"UPDATE custodies SET lawyer_contacted_at = ? WHERE id = ? AND status = 'open'";
static const char sql_status_of[] = "SELECT status FROM custodies WHERE id = ?";

static const char sql_lawyer_state[] =
	"SELECT k.started_at, k.lawyer_deadline_at, r.lawyer_max_hours_delayed FROM custodies k"
	" JOIN ref_custody_rules r ON r.id = k.rule_id WHERE k.id = ?";
static const char sql_set_delay[] =
	"UPDATE custodies SET lawyer_deadline_at = ?, lawyer_delay_ref = ?, lawyer_delay_date = ? WHERE id = ?";

/* lawyer_delay records the prosecutor's authorisation to delay the lawyer
 * contact: for a crime only, by the rule's lawyer_max_hours_delayed after
 * the start (art 66 §4: "12 h more" — the hours are data), and only while
 * the current lawyer deadline has not passed. 422 with *why. */
static sj_err lawyer_delay(db_conn *c, const case_ref *r, const char *id, const char *ref_no, const char *date,
			   const char **why)
{
	json_t *st = NULL;
	sj_err e = dbj_one(c, sql_lawyer_state, "start:i,ld:i,lc:i", &st, "t", id);
	if (e)
		return e;
	bool has_rule = json_is_integer(json_object_get(st, "lc")), has_deadline = json_is_integer(json_object_get(st, "ld"));
	int64_t start = jint(st, "start"), ld = jint(st, "ld"), lc = jint(st, "lc");
	json_decref(st);
	if (!has_rule || !has_deadline) {
		*why = "lawyer-delay-no-rule";
		return SJ_EUNPROCESSABLE;
	}
	if (strcmp(r->cls, "crime") != 0) {
		*why = "lawyer-delay-crime-only";
		return SJ_EUNPROCESSABLE;
	}
	if (clock_now_ms() > ld) {
		*why = "lawyer-delay-too-late";
		return SJ_EUNPROCESSABLE;
	}
	return db_run(c, sql_set_delay, "ittt", start + lc * HOUR_MS, ref_no, date, id);
}

sj_err custody_update(db_conn *c, const sj_actor *a, const char *id, json_t *patch, json_t **out, const char **why)
{
	*out = NULL;
	case_ref ref, *r = &ref;
	json_t *st = NULL;
	sj_err e = for_change(c, a, id, r, why);
	e = e ? e : dbj_one(c, sql_status_of, "status:t", &st, "t", id);
	if (e)
		return e;
	bool open = strcmp(jstr(st, "status"), "open") == 0;
	json_decref(st);
	if (!open) {
		*why = "custody-ended";
		return SJ_ECONFLICT;
	}
	json_t *f = json_object_get(patch, "family_informed_at"), *l = json_object_get(patch, "lawyer_contacted_at"),
	       *g = json_object_get(patch, "guardian_informed_at");
	const char *delay = jstr(patch, "lawyer_delay_ref");
	if (delay && (e = lawyer_delay(c, r, id, delay, jstr(patch, "lawyer_delay_date"), why)))
		return e;
	if (f)
		e = db_run(c, sql_set_family, "itt", (int64_t)json_integer_value(f), jstr(patch, "family_informed_how"), id);
	if (!e && l)
		e = db_run(c, sql_set_lawyer, "it", (int64_t)json_integer_value(l), id);
	if (!e && g)
		e = db_run(c, sql_set_guardian, "itt", (int64_t)json_integer_value(g), jstr(patch, "guardian_informed_how"),
			   id);
	if (e)
		return e;
	json_t *d = json_deep_copy(patch);
	json_object_set_new(d, "custody_id", json_string(id));
	e = case_event(c, r->id, a, "custody.updated", d);
	return e ? e : custody_get(c, id, out);
}

static const char sql_close[] =
	"UPDATE custodies SET status = 'closed', ended_at = ?, end_kind = ?, end_note = ?, closed_by = ?"
	" WHERE id = ? AND status = 'open'";
static const char sql_started[] = "SELECT started_at, status FROM custodies WHERE id = ?";

sj_err custody_close(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out, const char **why)
{
	*out = NULL;
	case_ref r;
	json_t *st = NULL;
	sj_err e = for_change(c, a, id, &r, why);
	e = e ? e : dbj_one(c, sql_started, "started_at:i,status:t", &st, "t", id);
	if (e)
		return e;
	int64_t started = jint(st, "started_at"), now = clock_now_ms();
	bool open = strcmp(jstr(st, "status"), "open") == 0;
	json_decref(st);
	if (!open) {
		*why = "custody-ended";
		return SJ_ECONFLICT;
	}
	const char *end_kind = jstr(in, "end"), *note = jstr(in, "note");
	int64_t at = json_is_integer(json_object_get(in, "at")) ? jint(in, "at") : now;
	if (at < started || at > now + 60000) {
		*why = "custody-end-out-of-range";
		return SJ_EUNPROCESSABLE;
	}
	e = db_run(c, sql_close, "ittt" "t", at, end_kind, note, a->id, id);
	e = e ? e : case_event(c, r.id, a, "custody.closed",
			       json_pack("{s:s,s:s,s:I,s:s?}", "custody_id", id, "end_kind", end_kind, "ended_at",
					 (json_int_t)at, "note", note));
	return e ? e : custody_get(c, id, out);
}

/* ------------------------------------------------------------ reads */

#define CUSTODY_SELECT                                                                                        \
	"SELECT k.id AS id, k.case_id AS case_id, c.number AS case_number, u.code AS unit, k.person_id AS person_id," \
	" p.cin AS cin, p.last_name_lat AS last_name_lat, p.first_name_lat AS first_name_lat,"                 \
	" p.last_name_ar AS last_name_ar, p.first_name_ar AS first_name_ar, k.regime AS regime, k.ground AS ground," \
	" k.started_at AS started_at, k.deadline_at AS deadline_at, k.extensions AS extensions,"               \
	" r.max_extensions AS max_extensions, r.extension_hours AS extension_hours, r.initial_hours AS initial_hours," \
	" r.version AS rule_version, k.place AS place, k.family_informed_at AS family_informed_at,"            \
	" k.family_informed_how AS family_informed_how, k.lawyer_contacted_at AS lawyer_contacted_at,"         \
	" k.status AS status, k.ended_at AS ended_at, k.end_kind AS end_kind, k.end_note AS end_note,"         \
	" o.badge AS opened_by, k.lawyer_deadline_at AS lawyer_deadline, k.lawyer_delay_ref AS lawyer_delay_ref," \
	" k.lawyer_delay_date AS lawyer_delay_date, r.lawyer_confidence AS lawyer_rule_confidence,"            \
	" k.guardian_informed_at AS guardian_informed_at, k.guardian_informed_how AS guardian_informed_how,"   \
	" COALESCE(r.guardian_required, 0) AS guardian_required, r.code AS rule_code"                          \
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
		int64_t left = jint(o, "deadline_at") - now;
		json_object_set_new(o, "time_left_ms", open ? json_integer(left) : json_null());
		json_object_set_new(o, "overdue", json_boolean(open && left < 0));
		json_object_set_new(o, "extensions_left",
				    json_integer(jint(o, "max_extensions") - jint(o, "extensions")));
		/* Rights flags: shown, never blocking (the OPJ and the prosecutor act on them). */
		json_t *ld = json_object_get(o, "lawyer_deadline"), *lca = json_object_get(o, "lawyer_contacted_at");
		int64_t until = open ? now : jint(o, "ended_at");
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
	e = e ? e : print_daily_html(daily, html);
	json_decref(daily);
	return e;
}

static const char sql_open_count[] = "SELECT COUNT(*) FROM custodies WHERE case_id = ? AND status = 'open'";

sj_err custody_open_count(db_conn *c, const char *case_id, int64_t *n)
{
	return dbj_int(c, sql_open_count, n, "t", case_id);
}
