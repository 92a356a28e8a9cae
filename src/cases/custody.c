/* custody.c — garde à vue (see custody.h). */
#include "cases/custody.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "db/dbj.h"
#include "refdata/refdata.h"

#define HOUR_MS 3600000LL

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int64_t jint(json_t *o, const char *k)
{
	return (int64_t)json_integer_value(json_object_get(o, k));
}

static const char sql_open_for_person[] =
	"SELECT COUNT(*) FROM custodies WHERE case_id = ? AND person_id = ? AND status = 'open'";
static const char sql_add[] =
	"INSERT INTO custodies (id, case_id, unit_id, person_id, regime, ground, rule_id, started_at, deadline_at,"
	" extensions, place, status, opened_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 'open', ?, ?)";

static const char sql_set_lawyer_deadline[] = "UPDATE custodies SET lawyer_deadline_at = ? WHERE id = ?";
static const char sql_set_guardian[] =
	"UPDATE custodies SET guardian_informed_at = ?, guardian_informed_how = ? WHERE id = ? AND status = 'open'";
static const char sql_birth[] = "SELECT birth_date FROM persons WHERE id = ?";

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
static sj_err minor_checks(db_conn *c, const custody_new *in, const ref_custody_rule *rule, int64_t start,
			   const char **why)
{
	bool is_minor_regime = strcmp(in->regime, "minor") == 0;
	if (!is_minor_regime && rule->minors_allowed)
		return SJ_OK;
	json_t *p = NULL;
	sj_err e = dbj_one(c, sql_birth, "birth_date:t", &p, "t", in->person_id);
	if (e)
		return e;
	bool known = false, under;
	if (is_minor_regime) {
		if (rule->majority_age_years <= 0) {
			json_decref(p);
			*why = "the minor-regime rule in force gives no majority age";
			return SJ_EUNPROCESSABLE;
		}
		under = under_age(jstr(p, "birth_date"), rule->majority_age_years, start, &known);
		json_decref(p);
		if (!known) {
			*why = "the minor regime (art 460) needs the person's birth date";
			return SJ_EUNPROCESSABLE;
		}
		if (!under) {
			*why = "the person is not a minor at the start of custody: the minor regime does not apply";
			return SJ_EUNPROCESSABLE;
		}
		return SJ_OK;
	}
	ref_custody_rule mr;
	e = ref_custody_rule_at(c, "minor", start, &mr);
	if (e == SJ_ENOTFOUND || (!e && mr.majority_age_years <= 0)) {
		json_decref(p);
		return SJ_OK; /* no majority age in the data: nothing to check against */
	}
	if (e) {
		json_decref(p);
		return e;
	}
	under = under_age(jstr(p, "birth_date"), mr.majority_age_years, start, &known);
	json_decref(p);
	if (known && under) {
		*why = "the rule in force does not allow this regime for a person under the majority age: use the minor "
		       "regime (art 460)";
		return SJ_EUNPROCESSABLE;
	}
	return SJ_OK;
}

sj_err custody_open(db_conn *c, const auth_user *u, case_ref *r, const custody_new *in, char id[ID_LEN + 1],
		    const char **why)
{
	if (!case_is_open(r)) {
		*why = "custody is opened only in an open case";
		return SJ_ECONFLICT;
	}
	int64_t now = clock_now_ms();
	int64_t start = in->started_at ? in->started_at : now;
	if (start > now + 60000 || start < now - CUSTODY_MAX_BACKDATE_MS) {
		*why = "the time of arrest must be in the last 48 hours and not in the future";
		return SJ_EUNPROCESSABLE;
	}
	static const char *const any[] = {"complainant", "victim", "suspect", "witness", "arrested", NULL};
	static const char *const held[] = {"arrested", NULL};
	bool in_case = false, arrested = false;
	sj_err e = case_person_has_role(c, r->id, in->person_id, any, &in_case);
	e = e ? e : case_person_has_role(c, r->id, in->person_id, held, &arrested);
	if (e)
		return e;
	if (!in_case) {
		*why = "this person is not part of the case";
		return SJ_EUNPROCESSABLE;
	}
	int64_t n = 0;
	if ((e = dbj_int(c, sql_open_for_person, &n, "tt", r->id, in->person_id)))
		return e;
	if (n) {
		*why = "this person is already in custody in this case";
		return SJ_ECONFLICT;
	}
	ref_custody_rule rule;
	e = ref_custody_rule_at(c, in->regime, start, &rule);
	if (e == SJ_ENOTFOUND) {
		*why = "no custody rule is in force for this regime at that time";
		return SJ_EUNPROCESSABLE;
	}
	if (e)
		return e;
	/* loi 03.23: custody is exceptional — the rule names the offence classes it
	 * applies to (crimes, délits punishable by prison). */
	if (rule.applies_to[0]) {
		char quoted[40];
		snprintf(quoted, sizeof quoted, "\"%s\"", r->cls);
		if (!strstr(rule.applies_to, quoted)) {
			*why = "the custody rule in force does not apply to this case's offence class";
			return SJ_EUNPROCESSABLE;
		}
	}
	if ((e = minor_checks(c, in, &rule, start, why)))
		return e;
	if (in->guardian_informed_at && (in->guardian_informed_at > now + 60000)) {
		*why = "guardian_informed_at must not be in the future";
		return SJ_EUNPROCESSABLE;
	}
	int64_t deadline = start + rule.initial_hours * HOUR_MS;
	id_new(id);
	e = db_run(c, sql_add, "ttttttt" "ii" "tti", id, r->id, r->unit_id, in->person_id, in->regime, in->ground,
		   rule.id, start, deadline, in->place, u->id, now);
	/* Lawyer contact: from the first hour, at the latest lawyer_max_hours after
	 * the start (art 66 §4 after loi 35-11, art 80) — rule data. */
	if (!e && rule.lawyer_max_hours >= 0)
		e = db_run(c, sql_set_lawyer_deadline, "it", start + rule.lawyer_max_hours * HOUR_MS, id);
	if (!e && in->guardian_informed_at)
		e = db_run(c, sql_set_guardian, "itt", in->guardian_informed_at, in->guardian_informed_how, id);
	if (!e && !arrested) {
		char pid[ID_LEN + 1];
		bool reused;
		const char *w;
		e = case_person_add(c, u, r, "arrested", in->person_id, NULL, pid, &reused, &w);
	}
	e = e ? e : case_mark_investigating(c, u, r);
	return e ? e : case_event(c, r->id, u, "custody.opened",
				  json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:s,s:I}", "custody_id", id, "person_id",
					    in->person_id, "regime", in->regime, "ground", in->ground, "started_at",
					    (json_int_t)start, "deadline_at", (json_int_t)deadline, "rule_version",
					    rule.version, "initial_hours", (json_int_t)rule.initial_hours));
}

static const char sql_case_of[] = "SELECT case_id FROM custodies WHERE id = ?";

sj_err custody_case_id(db_conn *c, const char *id, char case_id[ID_LEN + 1])
{
	if (!id_valid(id))
		return SJ_ENOTFOUND;
	json_t *o = NULL;
	sj_err e = dbj_one(c, sql_case_of, "case_id:t", &o, "t", id);
	if (!e)
		snprintf(case_id, ID_LEN + 1, "%s", jstr(o, "case_id"));
	json_decref(o);
	return e;
}

static const char sql_state[] =
	"SELECT k.status, k.deadline_at, k.extensions, r.extension_hours, r.max_extensions, k.regime, k.case_id,"
	" COALESCE(r.guardian_required, 0), k.guardian_informed_at"
	" FROM custodies k JOIN ref_custody_rules r ON r.id = k.rule_id WHERE k.id = ?";
static const char sql_ext_add[] =
	"INSERT INTO custody_extensions (id, custody_id, n, authorisation_ref, authorisation_date, authorised_by,"
	" hours, previous_deadline, new_deadline, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char sql_ext_set[] =
	"UPDATE custodies SET deadline_at = ?, extensions = ? WHERE id = ? AND extensions = ?";

sj_err custody_extend(db_conn *c, const auth_user *u, const case_ref *r, const char *id, const char *auth_ref,
		      const char *auth_date, const char *authorised_by, const char **why)
{
	json_t *st = NULL;
	sj_err e = dbj_one(c, sql_state, "status:t,deadline:i,ext:i,ext_h:i,max:i,regime:t,case_id:t,gr:i,gi:i", &st,
			   "t", id);
	if (e)
		return e;
	int64_t deadline = jint(st, "deadline"), ext = jint(st, "ext"), ext_h = jint(st, "ext_h"),
		max = jint(st, "max"), now = clock_now_ms();
	bool open = strcmp(jstr(st, "status"), "open") == 0;
	bool guardian_missing = jint(st, "gr") != 0 && !json_is_integer(json_object_get(st, "gi"));
	json_decref(st);
	if (!open) {
		*why = "this custody has ended";
		return SJ_ECONFLICT;
	}
	if (!auth_ref || !*auth_ref || !auth_date) {
		*why = "an extension needs the prosecutor's written authorisation (reference and date)";
		return SJ_EUNPROCESSABLE;
	}
	/* art 460: the minor's guardian is informed — before any extension (rule data). */
	if (guardian_missing) {
		*why = "the minor's guardian must be informed (guardian_informed_at) before an extension";
		return SJ_EUNPROCESSABLE;
	}
	if (ext >= max) {
		*why = max == 0 ? "this regime allows no extension"
				: "the regime's limit of extensions is reached";
		return SJ_EUNPROCESSABLE;
	}
	if (now > deadline) {
		*why = "the custody's deadline has passed: the person must be released or presented";
		return SJ_EUNPROCESSABLE;
	}
	int64_t next = deadline + ext_h * HOUR_MS;
	char eid[ID_LEN + 1];
	id_new(eid);
	e = db_run(c, sql_ext_add, "ttittti" "iiti", eid, id, ext + 1, auth_ref, auth_date, authorised_by, ext_h,
		   deadline, next, u->id, now);
	e = e ? e : db_run(c, sql_ext_set, "iiti", next, ext + 1, id, ext);
	return e ? e : case_event(c, r->id, u, "custody.extended",
				  json_pack("{s:s,s:I,s:s,s:s,s:I,s:I}", "custody_id", id, "n", (json_int_t)(ext + 1),
					    "authorisation_ref", auth_ref, "authorisation_date", auth_date,
					    "previous_deadline", (json_int_t)deadline, "new_deadline", (json_int_t)next));
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
		*why = "the custody rule in force gives no delay of the lawyer contact for this regime";
		return SJ_EUNPROCESSABLE;
	}
	if (strcmp(r->cls, "crime") != 0) {
		*why = "the prosecutor may delay the lawyer contact only for a crime";
		return SJ_EUNPROCESSABLE;
	}
	if (clock_now_ms() > ld) {
		*why = "the lawyer-contact deadline has already passed: a delay can no longer be recorded";
		return SJ_EUNPROCESSABLE;
	}
	return db_run(c, sql_set_delay, "ittt", start + lc * HOUR_MS, ref_no, date, id);
}

sj_err custody_update(db_conn *c, const auth_user *u, const case_ref *r, const char *id, json_t *patch,
		      const char **why)
{
	json_t *st = NULL;
	sj_err e = dbj_one(c, sql_status_of, "status:t", &st, "t", id);
	if (e)
		return e;
	bool open = strcmp(jstr(st, "status"), "open") == 0;
	json_decref(st);
	if (!open) {
		*why = "this custody has ended";
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
	json_t *d = json_deep_copy(patch);
	json_object_set_new(d, "custody_id", json_string(id));
	return e ? e : case_event(c, r->id, u, "custody.updated", d);
}

static const char sql_close[] =
	"UPDATE custodies SET status = 'closed', ended_at = ?, end_kind = ?, end_note = ?, closed_by = ?"
	" WHERE id = ? AND status = 'open'";
static const char sql_started[] = "SELECT started_at, status FROM custodies WHERE id = ?";

sj_err custody_close(db_conn *c, const auth_user *u, const case_ref *r, const char *id, const char *end_kind,
		     int64_t at, const char *note, const char **why)
{
	json_t *st = NULL;
	sj_err e = dbj_one(c, sql_started, "started_at:i,status:t", &st, "t", id);
	if (e)
		return e;
	int64_t started = jint(st, "started_at"), now = clock_now_ms();
	bool open = strcmp(jstr(st, "status"), "open") == 0;
	json_decref(st);
	if (!open) {
		*why = "this custody has already ended";
		return SJ_ECONFLICT;
	}
	if (!at)
		at = now;
	if (at < started || at > now + 60000) {
		*why = "the end time must lie between the arrest and now";
		return SJ_EUNPROCESSABLE;
	}
	e = db_run(c, sql_close, "ittt" "t", at, end_kind, note, u->id, id);
	return e ? e : case_event(c, r->id, u, "custody.closed",
				  json_pack("{s:s,s:s,s:I,s:s?}", "custody_id", id, "end_kind", end_kind, "ended_at",
					    (json_int_t)at, "note", note));
}

#define CUSTODY_SELECT                                                                                       \
	"SELECT k.id, k.case_id, c.number, u.code, k.person_id, p.cin, p.last_name_lat, p.first_name_lat,"    \
	" p.last_name_ar, p.first_name_ar, k.regime, k.ground, k.started_at, k.deadline_at, k.extensions,"    \
	" r.max_extensions, r.extension_hours, r.initial_hours, r.version, k.place, k.family_informed_at,"    \
	" k.family_informed_how, k.lawyer_contacted_at, k.status, k.ended_at, k.end_kind, k.end_note, o.badge," \
	" k.lawyer_deadline_at, k.lawyer_delay_ref, k.lawyer_delay_date, r.lawyer_confidence,"                 \
	" k.guardian_informed_at, k.guardian_informed_how, COALESCE(r.guardian_required, 0), r.code"          \
	" FROM custodies k JOIN cases c ON c.id = k.case_id JOIN units u ON u.id = k.unit_id"                 \
	" JOIN persons p ON p.id = k.person_id JOIN ref_custody_rules r ON r.id = k.rule_id"                  \
	" JOIN users o ON o.id = k.opened_by"
#define CUSTODY_COLS                                                                                        \
	"id:t,case_id:t,case_number:t,unit:t,person_id:t,cin:t,last_name_lat:t,first_name_lat:t,"            \
	"last_name_ar:t,first_name_ar:t,regime:t,ground:t,started_at:i,deadline_at:i,extensions:i,"          \
	"max_extensions:i,extension_hours:i,initial_hours:i,rule_version:t,place:t,family_informed_at:i,"    \
	"family_informed_how:t,lawyer_contacted_at:i,status:t,ended_at:i,end_kind:t,end_note:t,opened_by:t,"   \
	"lawyer_deadline:i,lawyer_delay_ref:t,lawyer_delay_date:t,lawyer_rule_confidence:t,"                  \
	"guardian_informed_at:i,guardian_informed_how:t,guardian_required:b,rule_code:t"

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
	sj_err e = dbj_rows(c, sql_get, CUSTODY_COLS, &rows, "t", id);
	if (!e && json_array_size(rows) == 0)
		e = SJ_ENOTFOUND;
	e = e ? e : dbj_rows(c, sql_exts,
			     "n:i,authorisation_ref:t,authorisation_date:t,authorised_by:t,hours:i,previous_deadline:i,"
			     "new_deadline:i,recorded_at:i",
			     &exts, "t", id);
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

sj_err custody_list_case(db_conn *c, const char *case_id, json_t **out)
{
	sj_err e = dbj_rows(c, sql_by_case, CUSTODY_COLS, out, "t", case_id);
	if (!e)
		annotate(*out);
	return e;
}

sj_err custody_deadlines(db_conn *c, const char *scope_path, json_t **out)
{
	sj_err e = dbj_rows(c, sql_deadlines, CUSTODY_COLS, out, "tt", scope_path, scope_path);
	if (!e)
		annotate(*out);
	return e;
}

sj_err custody_register(db_conn *c, const char *unit_id, int limit, int64_t offset, json_t **out)
{
	sj_err e = dbj_rows(c, sql_register, CUSTODY_COLS, out, "tii", unit_id, (int64_t)limit, offset);
	if (!e)
		annotate(*out);
	return e;
}

sj_err custody_daily(db_conn *c, const char *unit_id, int64_t from, int64_t to, json_t **out)
{
	sj_err e = dbj_rows(c, sql_daily, CUSTODY_COLS, out, "tii", unit_id, to, from);
	if (!e)
		annotate(*out);
	return e;
}

static const char sql_open_count[] = "SELECT COUNT(*) FROM custodies WHERE case_id = ? AND status = 'open'";

sj_err custody_open_count(db_conn *c, const char *case_id, int64_t *n)
{
	return dbj_int(c, sql_open_count, n, "t", case_id);
}
