/* custody.c — garde à vue (see custody.h). */
#include "cases/custody.h"

#include <stdio.h>
#include <string.h>

#include "cases/print.h"
#include "core/clock.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "persons/persons.h"
#include "procedure/procedure.h"
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
	X(C, ground_code, CODE, 1, REF_CODE_MAX, NULL, IN | OUT | NULLABLE) \
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
	X(C, why, JSON, 0, 0, NULL, OUT) \
	X(C, close_recorded_at, TIME, 0, 0, NULL, OUT) \
	X(C, authority, TEXT, 1, 32, NULL, OUT) \
	X(C, condition_on_entry, TEXT, 2, SJ_MAX_SHORT_TEXT, NULL, IN | REQ | OUT | PII | MULTI) \
	X(C, condition_on_exit, TEXT, 2, SJ_MAX_SHORT_TEXT, NULL, OUT | PII) \
	X(C, prosecutor_agreement_ref, TEXT, 1, SJ_MAX_AUTH_REF, NULL, IN | OUT | NULLABLE) \
	X(C, prosecutor_agreement_at, TIME, 0, 0, NULL, IN | OUT | NULLABLE) \
	X(C, place_for_minors, BOOL, 0, 0, NULL, IN | OUT | NULLABLE) \
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
	X(V, rule_source, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, 0) \
	X(V, rule_confidence, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, 0) \
	X(V, rule, JSON, 0, 0, NULL, OUT) \
	X(V, closed_late, BOOL, 0, 0, NULL, OUT) \
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
	X(V, lawyer_delay_date, DATE, 0, 10, NULL, IN) \
	X(V, correction_reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN)
static const rec_field rights_fields[] = {RIGHTS_FIELDS(REC_FIELD)};
const rec_desc custody_rights_rec = REC_DESC("custody_rights", NULL, rights_fields, rights_check);

/* POST /custody/{id}/close: release or presentation to the prosecutor. */
#define END_FIELDS(X) \
	X(V, end, ENUM, 0, 0, &custody_ends, IN | REQ) \
	X(V, at, TIME, 0, 0, NULL, IN | NULLABLE) \
	X(V, condition_on_exit, TEXT, 2, SJ_MAX_SHORT_TEXT, NULL, IN | REQ | PII | MULTI) \
	X(V, note, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, IN | NULLABLE | MULTI)
static const rec_field end_fields[] = {END_FIELDS(REC_FIELD)};
const rec_desc custody_end_rec = REC_DESC("custody_end", NULL, end_fields, NULL);

/* ------------------------------------------------------------ opening */

static const char sql_open_for_person[] =
	"SELECT COUNT(*) FROM custodies WHERE case_id = ? AND person_id = ? AND status = 'open'";
static const char sql_add[] =
	"INSERT INTO custodies (" REC_COLS(CUSTODY_FIELDS) ") VALUES (" REC_QS(CUSTODY_FIELDS) ")";
static const char sql_spent[] =
	"SELECT COALESCE(SUM(ended_at - started_at), 0) FROM custodies WHERE case_id = ? AND person_id = ?"
	" AND status = 'closed'";
static const char sql_set_guardian[] =
	"UPDATE custodies SET guardian_informed_at = ?, guardian_informed_how = ? WHERE id = ? AND status = 'open'";

/* age_at returns the age in whole years at instant at of a person born on
 * birth ("YYYY-MM-DD"), the birthday counted from midnight in legal time;
 * -1 when birth is missing or malformed. */
static int64_t age_at(const char *birth, int64_t at)
{
	int y, m, d;
	if (!birth || strlen(birth) != 10 || sscanf(birth, "%4d-%2d-%2d", &y, &m, &d) != 3 || y < 1 || y > 9999 ||
	    m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	struct tm tm;
	clock_legal_tm(at, &tm);
	int64_t age = (int64_t)(tm.tm_year + 1900) - y;
	if (tm.tm_mon + 1 < m || (tm.tm_mon + 1 == m && tm.tm_mday < d))
		age--;
	return age < 0 ? -1 : age;
}

int64_t case_age_at(const char *birth, int64_t at)
{
	return age_at(birth, at);
}

/* age_checks applies the rule data on age (issue 11 item 4): nobody under
 * the minor rule's min_age_years is held (CP 138: criminally irresponsible
 * under 12, "custody-under-criminal-age"); the minor regime needs a birth
 * date showing an age under its majority_age_years ("custody-minor-needs-
 * birth-date", "custody-not-a-minor"); a regime with minors_allowed = false
 * (ordinary, terrorism, state security: CPP 458–460) refuses a person under
 * the majority age ("custody-minor-regime-required"). *age: the age at the
 * start, -1 when unknown. 422 with *why. */
static sj_err age_checks(db_conn *c, const char *person_id, const char *regime, const ref_custody_rule *rule,
			 int64_t start, int64_t *age, const char **why)
{
	char birth[11];
	sj_err e = persons_birth_date(c, person_id, birth);
	if (e)
		return e;
	*age = age_at(birth[0] ? birth : NULL, start);
	bool is_minor_regime = strcmp(regime, "minor") == 0;
	ref_custody_rule mr;
	if (is_minor_regime) {
		mr = *rule;
	} else {
		e = ref_custody_rule_at(c, "minor", start, &mr);
		if (e == SJ_ENOTFOUND)
			return SJ_OK; /* no minor rule in the data: nothing to check against */
		if (e)
			return e;
	}
	if (*age >= 0 && mr.min_age_years > 0 && *age < mr.min_age_years) {
		*why = "custody-under-criminal-age";
		return SJ_EUNPROCESSABLE;
	}
	if (is_minor_regime) {
		if (rule->majority_age_years <= 0) {
			*why = "custody-minor-rule-incomplete";
			return SJ_EUNPROCESSABLE;
		}
		if (*age < 0) {
			*why = "custody-minor-needs-birth-date";
			return SJ_EUNPROCESSABLE;
		}
		if (*age >= rule->majority_age_years) {
			*why = "custody-not-a-minor";
			return SJ_EUNPROCESSABLE;
		}
		return SJ_OK;
	}
	if (!rule->minors_allowed && *age >= 0 && mr.majority_age_years > 0 && *age < mr.majority_age_years) {
		*why = "custody-minor-regime-required";
		return SJ_EUNPROCESSABLE;
	}
	return SJ_OK;
}

static const char sql_charges[] =
	"SELECT offence_code AS code, class, category FROM case_offences WHERE case_id = ? AND withdrawn_at IS NULL"
	" ORDER BY added_at, id";

/* in_list: is name one of the JSON array of strings list ("" or NULL: no list)? */
static bool in_list(const char *list, const char *name)
{
	if (!list || !*list || !name)
		return false;
	char quoted[80];
	snprintf(quoted, sizeof quoted, "\"%s\"", name);
	return strstr(list, quoted) != NULL;
}

/* rule_allows tells whether rule applies to the standing charges (rows of
 * sql_charges) of a case of class cls: loi 03.23's class limits (and the
 * 2003 rules' — no custody for a contravention, arts 56 and 80) in every
 * regime, and for a regime that lists offence categories (terrorism, state
 * security) at least one charge of one of them. *why on a refusal. */
static bool rule_allows(const ref_custody_rule *rule, const char *cls, json_t *charges, const char **why)
{
	if (rule->applies_to[0] && !in_list(rule->applies_to, cls)) {
		*why = "custody-rule-not-applicable";
		return false;
	}
	if (rule->categories[0] && strcmp(rule->categories, "[]") != 0) {
		size_t i;
		json_t *o;
		json_array_foreach(charges, i, o) if (in_list(rule->categories, jstr(o, "category"))) return true;
		*why = "custody-regime-not-for-offences";
		return false;
	}
	return true;
}

sj_err custody_allowed_regimes(db_conn *c, const char *case_id, const char *cls, json_t **out)
{
	*out = NULL;
	json_t *charges = NULL, *list = json_array();
	sj_err e = list ? dbj_rows(c, sql_charges, "code:t,class:t,category:t", &charges, "t", case_id) : SJ_ENOMEM;
	int64_t now = clock_now_ms();
	for (size_t k = 0; !e && ref_regimes.values[k]; k++) {
		ref_custody_rule rule;
		const char *why;
		sj_err f = ref_custody_rule_at(c, ref_regimes.values[k], now, &rule);
		if (f == SJ_ENOTFOUND)
			continue;
		if (f)
			e = f;
		else if (rule_allows(&rule, cls, charges, &why) &&
			 json_array_append_new(list, json_string(ref_regimes.values[k])))
			e = SJ_ENOMEM;
	}
	json_decref(charges);
	if (e) {
		json_decref(list);
		return e;
	}
	*out = list;
	return SJ_OK;
}

/* choose_rule finds the rule of regime for a custody started at start and
 * recorded at now: the rule in force at the start, unless the law changed
 * between the stated start and the recording (a start backdated across
 * 8 Dec 2025, issue 11 item 3) — then the rule in force when it is
 * recorded, the later and stricter law, and *chosen_at says so. */
static sj_err choose_rule(db_conn *c, const char *regime, int64_t start, int64_t now, ref_custody_rule *rule,
			  const char **chosen_at)
{
	*chosen_at = "start";
	sj_err e = ref_custody_rule_at(c, regime, start, rule);
	if (e || start >= now)
		return e;
	ref_custody_rule at_now;
	e = ref_custody_rule_at(c, regime, now, &at_now);
	if (e == SJ_ENOTFOUND)
		return SJ_OK;
	if (!e && strcmp(at_now.id, rule->id) != 0) {
		*rule = at_now;
		*chosen_at = "recorded";
	}
	return e;
}

static const char sql_commission[] = "SELECT rogatory_commission FROM cases WHERE id = ?";

/* frame_checks applies the rule of the case's inquiry frame (issue 11 item
 * 6, rule data frame_rules): under a rogatory commission (CPP 138–139) the
 * commission must be recorded on the case (422
 * "custody-needs-rogatory-commission"); the person is presented to the juge
 * d'instruction, who decides any extension. *authority: who decides
 * extensions ("procureur" or the rule's extension_by); *extra: what why adds
 * (new object, or NULL). */
static sj_err frame_checks(db_conn *c, const case_ref *r, const ref_custody_rule *rule, char authority[32],
			   json_t **extra, const char **why)
{
	snprintf(authority, 32, "procureur");
	*extra = NULL;
	if (!rule->frame_rules[0])
		return SJ_OK;
	json_t *all = json_loads(rule->frame_rules, 0, NULL), *fr = json_object_get(all, r->frame);
	if (!json_is_object(fr)) {
		json_decref(all);
		return SJ_OK;
	}
	json_t *row = NULL, *commission = NULL;
	sj_err e = dbj_one(c, sql_commission, "rc:t", &row, "t", r->id);
	if (!e && jstr(row, "rc"))
		commission = json_loads(jstr(row, "rc"), 0, NULL);
	json_decref(row);
	if (!e && json_is_true(json_object_get(fr, "requires_commission")) && !json_is_object(commission)) {
		*why = "custody-needs-rogatory-commission";
		e = SJ_EUNPROCESSABLE;
	}
	if (!e) {
		snprintf(authority, 32, "%s", jstr(fr, "extension_by") ? jstr(fr, "extension_by") : "procureur");
		*extra = json_pack("{s:s?,s:s,s:o?,s:s?}", "presented_to", jstr(fr, "presented_to"), "extension_by", authority,
				   "commission", commission, "frame_rule_confidence", jstr(fr, "confidence"));
		commission = NULL;
	}
	json_decref(commission);
	json_decref(all);
	return e;
}

/* why_of builds what a custody's rule was chosen on: the case's class, the
 * standing charges and their categories, the person's age at the start, the
 * frame, and when the rule was taken (new object). */
static json_t *why_of(const case_ref *r, json_t *charges, int64_t age, const char *chosen_at)
{
	json_t *codes = json_array(), *cats = json_array();
	size_t i;
	json_t *o;
	json_array_foreach(charges, i, o) {
		json_array_append_new(codes, json_string(jstr(o, "code")));
		const char *cat = jstr(o, "category");
		bool seen = false;
		size_t k;
		json_t *x;
		json_array_foreach(cats, k, x) seen = seen || (cat && strcmp(json_string_value(x), cat) == 0);
		if (cat && !seen)
			json_array_append_new(cats, json_string(cat));
	}
	return json_pack("{s:s,s:o,s:o,s:o,s:s,s:s}", "class", r->cls, "offences", codes, "categories", cats, "age",
			 age >= 0 ? json_integer(age) : json_null(), "frame", r->frame, "rule_chosen_at", chosen_at);
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
	static const char *const suspects[] = {"suspect", "arrested", NULL};
	bool in_case = false, arrested = false, suspect = false;
	e = case_person_has_role(c, r->id, person_id, any, &in_case);
	e = e ? e : case_person_has_role(c, r->id, person_id, held, &arrested);
	e = e ? e : case_person_has_role(c, r->id, person_id, suspects, &suspect);
	if (e)
		return e;
	if (!in_case) {
		*why = "custody-person-not-in-case";
		return SJ_EUNPROCESSABLE;
	}
	/* Custody is for a person against whom there are reasons to suspect (CPP
	 * 66 §1): a victim, a witness or a complainant is heard, never held
	 * (issue 17 item 2). */
	if (!suspect) {
		*why = "custody-not-a-suspect";
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
	const char *chosen_at;
	e = choose_rule(c, regime, start, now, &rule, &chosen_at);
	if (e == SJ_ENOTFOUND) {
		*why = "custody-no-rule";
		return SJ_EUNPROCESSABLE;
	}
	if (e)
		return e;
	/* The regime follows the charges and loi 03.23's class limits bind every
	 * regime (issue 11 items 1–3): rule data. */
	json_t *charges = NULL;
	if ((e = dbj_rows(c, sql_charges, "code:t,class:t,category:t", &charges, "t", r->id)))
		return e;
	int64_t age = -1;
	if (!rule_allows(&rule, r->cls, charges, why))
		e = SJ_EUNPROCESSABLE;
	e = e ? e : age_checks(c, person_id, regime, &rule, start, &age, why);
	/* the ground from the list of art 66-1 (reference data, issue 17 item 2) */
	e = e ? e : proc_ground_check(c, jstr(in, "ground_code"), start, why);
	/* a minor's retention (CPP 460): the OPJ charged with minors, the
	 * prosecutor's agreement, a place reserved for minors — rule data */
	if (!e && strcmp(regime, "minor") == 0)
		e = proc_minor_check(c, a, rule.code, in, start, why);
	char authority[32] = "procureur";
	json_t *extra = NULL;
	e = e ? e : frame_checks(c, r, &rule, authority, &extra, why);
	json_t *whyj = e ? NULL : why_of(r, charges, age, chosen_at);
	json_decref(charges);
	if (whyj && extra)
		json_object_update(whyj, extra);
	json_decref(extra);
	if (e)
		return e;
	if (!whyj)
		return SJ_ENOMEM;
	json_t *gi = json_object_get(in, "guardian_informed_at");
	if (json_is_integer(gi) && (json_integer_value(gi) > now + 60000 || json_integer_value(gi) < start)) {
		json_decref(whyj);
		*why = json_integer_value(gi) < start ? "custody-time-before-arrest" : "guardian-informed-in-future";
		return SJ_EUNPROCESSABLE;
	}
	/* The maximum is not restarted by a release and a new custody of the same
	 * person for the same facts (issue 17 item 2): the time already held in
	 * this case counts against the initial period. */
	int64_t spent = 0;
	if ((e = dbj_int(c, sql_spent, &spent, "tt", r->id, person_id))) {
		json_decref(whyj);
		return e;
	}
	if (spent >= rule.initial_hours * HOUR_MS) {
		json_decref(whyj);
		*why = "custody-maximum-used";
		return SJ_EUNPROCESSABLE;
	}
	if (spent > 0)
		json_object_set_new(whyj, "already_held_ms", json_integer(spent));
	int64_t deadline = start + rule.initial_hours * HOUR_MS - spent;
	char id[ID_LEN + 1];
	id_new(id);
	json_t *row = json_pack("{s:s,s:s,s:s,s:s,s:s,s:O,s:s,s:I,s:I,s:i,s:O?,s:s,s:s?,s:I}", "id", id, "case_id",
				r->id, "unit_id", r->unit_id, "person_id", person_id, "regime", regime, "ground",
				json_object_get(in, "ground"), "rule_id", rule.id, "started_at", (json_int_t)start,
				"deadline_at", (json_int_t)deadline, "extensions", 0, "place", json_object_get(in, "place"),
				"status", "open", "opened_by", a->id, "created_at", (json_int_t)now);
	if (row && jstr(in, "ground_code"))
		json_object_set(row, "ground_code", json_object_get(in, "ground_code"));
	static const char *const copied[] = {"condition_on_entry", "prosecutor_agreement_ref", "prosecutor_agreement_at",
					     "place_for_minors"};
	for (size_t i = 0; row && i < sizeof copied / sizeof copied[0]; i++)
		if (json_object_get(in, copied[i]) && !json_is_null(json_object_get(in, copied[i])))
			json_object_set(row, copied[i], json_object_get(in, copied[i]));
	if (!row) {
		json_decref(whyj);
		return SJ_ENOMEM;
	}
	if (json_object_set_new(row, "why", whyj) || json_object_set_new(row, "authority", json_string(authority))) {
		json_decref(row);
		return SJ_ENOMEM;
	}
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
	/* the main courante knows: a custody opened writes its line (issue 17 item 6) */
	char line[CASE_NUMBER_MAX + 64];
	snprintf(line, sizeof line, "Garde à vue / حراسة نظرية — %.*s", CASE_NUMBER_MAX, r->number);
	e = e ? e : proc_courante_auto(c, a, r->unit_id, "custody_start", start, line, id);
	return e ? e : custody_get(c, id, out);
}

static const char sql_case_of[] = "SELECT case_id FROM custodies WHERE id = ?";

/* for_change reads custody id's case for the actor to change it. */
static sj_err for_change(db_conn *c, const sj_actor *a, const char *id, case_ref *r, const char **why)
{
	return case_ref_of(c, a, sql_case_of, id, "custody-not-found", true, r, why);
}

static const char sql_state[] =
	"SELECT k.status, k.deadline_at, k.extensions, r.extension_hours, r.max_extensions, k.regime, k.case_id,"
	" COALESCE(r.guardian_required, 0), k.guardian_informed_at, COALESCE(k.authority, 'procureur')"
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
	e = e ? e : dbj_one(c, sql_state, "status:t,deadline:i,ext:i,ext_h:i,max:i,regime:t,case_id:t,gr:i,gi:i,auth:t", &st,
			    "t", id);
	if (e)
		return e;
	int64_t deadline = jint(st, "deadline"), ext = jint(st, "ext"), ext_h = jint(st, "ext_h"),
		max = jint(st, "max"), now = clock_now_ms();
	bool open = strcmp(jstr(st, "status"), "open") == 0;
	bool guardian_missing = jint(st, "gr") != 0 && !json_is_integer(json_object_get(st, "gi"));
	bool by_judge = jstr(st, "auth") && strcmp(jstr(st, "auth"), "juge_instruction") == 0;
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
	/* under a rogatory commission the juge d'instruction decides (CPP 138–139):
	 * his decision names him */
	if (by_judge && !jstr(in, "authorised_by")) {
		*why = "extension-needs-judge-decision";
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
static const char sql_times_of[] =
	"SELECT status, started_at, family_informed_at, lawyer_contacted_at, guardian_informed_at FROM custodies"
	" WHERE id = ?";
static const char sql_correction_add[] =
	"INSERT INTO custody_corrections (id, custody_id, field, old_value, new_value, reason, recorded_by, recorded_at)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

/* typed_times checks the times a user types (issue 10 item 4): not after
 * now (422 "custody-time-in-future"), not before the arrest (422
 * "custody-time-before-arrest"), and one already recorded is not rewritten
 * (409 "custody-time-recorded") — unless the patch gives correction_reason:
 * then a correction row keeps the old value, the new one and the reason.
 * st: the custody's times (sql_times_of). */
static sj_err typed_times(db_conn *c, const sj_actor *a, const char *id, json_t *patch, json_t *st, int64_t now,
			  const char **why)
{
	static const char *const fields[] = {"family_informed_at", "lawyer_contacted_at", "guardian_informed_at"};
	const char *reason = jstr(patch, "correction_reason");
	int64_t started = jint(st, "started_at");
	for (size_t i = 0; i < 3; i++) {
		json_t *v = json_object_get(patch, fields[i]), *old = json_object_get(st, fields[i]);
		if (!json_is_integer(v))
			continue;
		int64_t t = json_integer_value(v);
		if (t > now + 60000) {
			*why = "custody-time-in-future";
			return SJ_EUNPROCESSABLE;
		}
		if (t < started) {
			*why = "custody-time-before-arrest";
			return SJ_EUNPROCESSABLE;
		}
		if (!json_is_integer(old))
			continue;
		if (!reason) {
			*why = "custody-time-recorded";
			return SJ_ECONFLICT;
		}
		char cid[ID_LEN + 1];
		id_new(cid);
		sj_err e = db_run(c, sql_correction_add, "tttii" "tti", cid, id, fields[i], (int64_t)json_integer_value(old),
				  t, reason, a->id, now);
		if (e)
			return e;
	}
	return SJ_OK;
}

static const char sql_lawyer_state[] =
	"SELECT k.started_at, k.lawyer_deadline_at, r.lawyer_max_hours_delayed, r.lawyer_delay_classes, k.lawyer_delay_ref"
	" FROM custodies k"
	" JOIN ref_custody_rules r ON r.id = k.rule_id WHERE k.id = ?";
static const char sql_set_delay[] =
	"UPDATE custodies SET lawyer_deadline_at = ?, lawyer_delay_ref = ?, lawyer_delay_date = ? WHERE id = ?";

/* lawyer_delay records the prosecutor's decision to delay the lawyer
 * contact, by an OPJ (403 "opj-required", audited as a refusal), once
 * (409 "lawyer-delay-recorded"): for the classes the rule lists
 * (lawyer_delay_classes; none listed: a crime, art 66 §4), to the rule's
 * lawyer_max_hours_delayed after the start (ordinary: 36 h; terrorism: 144 h
 * — the hours are data), and only while the current lawyer deadline has not
 * passed. 422 with *why. */
static sj_err lawyer_delay(db_conn *c, const sj_actor *a, const case_ref *r, const char *id, const char *ref_no,
			   const char *date, const char **why)
{
	if (!a->opj) {
		*why = "opj-required";
		return SJ_EFORBIDDEN;
	}
	json_t *st = NULL;
	sj_err e = dbj_one(c, sql_lawyer_state, "start:i,ld:i,lc:i,dcl:t,ref:t", &st, "t", id);
	if (e)
		return e;
	bool has_rule = json_is_integer(json_object_get(st, "lc")), has_deadline = json_is_integer(json_object_get(st, "ld"));
	bool recorded = jstr(st, "ref") != NULL;
	int64_t start = jint(st, "start"), ld = jint(st, "ld"), lc = jint(st, "lc");
	bool class_ok = in_list(jstr(st, "dcl") ? jstr(st, "dcl") : "[\"crime\"]", r->cls);
	json_decref(st);
	if (recorded) {
		*why = "lawyer-delay-recorded";
		return SJ_ECONFLICT;
	}
	if (!has_rule || !has_deadline) {
		*why = "lawyer-delay-no-rule";
		return SJ_EUNPROCESSABLE;
	}
	if (!class_ok) {
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
	e = e ? e : dbj_one(c, sql_times_of, "status:t,started_at:i,family_informed_at:i,lawyer_contacted_at:i,"
			    "guardian_informed_at:i", &st, "t", id);
	if (e)
		return e;
	bool open = strcmp(jstr(st, "status"), "open") == 0;
	if (!open) {
		json_decref(st);
		*why = "custody-ended";
		return SJ_ECONFLICT;
	}
	e = typed_times(c, a, id, patch, st, clock_now_ms(), why);
	json_decref(st);
	if (e)
		return e;
	json_t *f = json_object_get(patch, "family_informed_at"), *l = json_object_get(patch, "lawyer_contacted_at"),
	       *g = json_object_get(patch, "guardian_informed_at");
	const char *delay = jstr(patch, "lawyer_delay_ref");
	if (delay && (e = lawyer_delay(c, a, r, id, delay, jstr(patch, "lawyer_delay_date"), why)))
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
	e = case_event(c, r->id, a, jstr(patch, "correction_reason") ? "custody.corrected" : "custody.updated", d);
	return e ? e : custody_get(c, id, out);
}

static const char sql_close[] =
	"UPDATE custodies SET status = 'closed', ended_at = ?, end_kind = ?, end_note = ?, closed_by = ?,"
	" close_recorded_at = ?, condition_on_exit = ? WHERE id = ? AND status = 'open'";
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
	/* the end as typed is kept, and when the system recorded it: a late close
	 * shows as late whatever was typed (issue 10 item 4) */
	e = db_run(c, sql_close, "ittt" "itt", at, end_kind, note, a->id, now, jstr(in, "condition_on_exit"), id);
	e = e ? e : case_event(c, r.id, a, "custody.closed",
			       json_pack("{s:s,s:s,s:I,s:s?}", "custody_id", id, "end_kind", end_kind, "ended_at",
					 (json_int_t)at, "note", note));
	char line[CASE_NUMBER_MAX + 128];
	snprintf(line, sizeof line, "%s — %.*s",
		 strcmp(end_kind, "presented") == 0 ? "Présentation au parquet / تقديم إلى النيابة العامة"
						    : "Remise en liberté / إطلاق سراح",
		 CASE_NUMBER_MAX, r.number);
	e = e ? e : proc_courante_auto(c, a, r.unit_id, "custody_end", at, line, id);
	return e ? e : custody_get(c, id, out);
}
