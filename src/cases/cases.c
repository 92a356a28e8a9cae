/* cases.c — cases, offences, status, assignment, history (see cases.h). */
#include "core/jdump.h"
#include "cases/cases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "cases/complaint.h"
#include "cases/custody.h"
#include "cases/pv.h"
#include "cases/referral.h"
#include "cases/seizure.h"
#include "core/clock.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "persons/persons.h"
#include "refdata/refdata.h"
#include "registers/registers.h"

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* ------------------------------------------------------------ the records */

REC_ENUM_DEF_PUBLIC(case_frames, "frame", "flagrant", "preliminary", "rogatory");
REC_ENUM_DEF_PUBLIC(case_statuses, "cstatus", "registered", "under_investigation", "referred", "closed", "cancelled");
REC_ENUM_DEF(status_targets, "cstatus", "under_investigation", "closed", "cancelled");

/* An offence charged in a case: the catalogue entry as it was then (its
 * class and labels are copied: the catalogue changes, the charge does not).
 * The body names it by code; the row keeps offence_code/offence_version,
 * read back as code/version. */
#define CASE_OFFENCE_FIELDS(X) \
	X(C, case_id, ID, 0, 36, NULL, 0) \
	X(C, offence_code, CODE, 1, REF_CODE_MAX, NULL, 0) \
	X(C, offence_version, TEXT, 1, REF_VERSION_MAX, NULL, 0) \
	X(C, class, ENUM, 0, 0, &ref_classes, OUT) \
	X(C, article, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, label_fr, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, label_ar, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, category, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, attempted, BOOL, 0, 0, NULL, IN | OUT) \
	X(C, added_at, TIME, 0, 0, NULL, OUT) \
	X(C, added_by, ID, 0, 36, NULL, 0) \
	X(C, law, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, withdrawn_at, TIME, 0, 0, NULL, OUT) \
	X(C, withdrawn_reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, replaced_by, ID, 0, 36, NULL, OUT) \
	X(V, code, CODE, 1, REF_CODE_MAX, NULL, IN | REQ | OUT) \
	X(V, version, TEXT, 1, REF_VERSION_MAX, NULL, OUT)
static const rec_field case_offence_fields[] = {REC_ID_FIELD, CASE_OFFENCE_FIELDS(REC_FIELD)};
const rec_desc case_offence_rec = REC_DESC("case_offence", "case_offences", case_offence_fields, NULL);

/* The case. E columns are what a patch changes (the description of the
 * facts); the others are set at creation or by a command (status, class,
 * assignment). A <who>_by column stores the user's id and reads as the
 * user's badge (its type says what a client sees). */
#define CASE_FIELDS(X) \
	X(C, number, CODE, 1, CASE_NUMBER_MAX, NULL, OUT) \
	X(C, unit_id, ID, 0, 36, NULL, 0) \
	X(C, year, INT, 0, 0, NULL, OUT) \
	X(C, seq, INT, 0, 0, NULL, OUT) \
	X(E, frame, ENUM, 0, 0, &case_frames, IN | REQ | OUT) \
	X(C, class, ENUM, 0, 0, &ref_classes, OUT) \
	X(C, status, ENUM, 0, 0, &case_statuses, OUT) \
	X(C, status_reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(E, occurred_from, TIME, 0, 0, NULL, IN | OUT | NULLABLE) \
	X(E, occurred_to, TIME, 0, 0, NULL, IN | OUT | NULLABLE) \
	X(E, commune, TEXT, 1, SJ_MAX_NAME, NULL, IN | OUT | NULLABLE) \
	X(E, address, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, IN | OUT | PII | NULLABLE) \
	X(E, lat_e6, INT, 0, 0, NULL, OUT) \
	X(E, lon_e6, INT, 0, 0, NULL, OUT) \
	X(E, summary, TEXT, 3, SJ_MAX_LONG_TEXT, NULL, IN | REQ | OUT | PII | MULTI) \
	X(E, rogatory_commission, JSON, 0, 0, NULL, IN | OUT | NULLABLE) \
	X(C, opj_id, ID, 0, 36, NULL, 0) \
	X(C, complaint_id, ID, 0, 36, NULL, IN | OUT | NULLABLE) \
	X(C, created_by, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(C, created_at, TIME, 0, 0, NULL, OUT) \
	X(C, updated_at, TIME, 0, 0, NULL, OUT) \
	X(V, unit, CODE, 1, UNIT_CODE_MAX, NULL, IN | OUT | NULLABLE) \
	X(V, unit_name_fr, TEXT, 1, UNIT_NAME_MAX, NULL, OUT) \
	X(V, unit_name_ar, TEXT, 1, UNIT_NAME_MAX, NULL, OUT) \
	X(V, unit_path, TEXT, 1, UNIT_PATH_MAX, NULL, 0) \
	X(V, lat, REAL, -90, 90, NULL, IN | EDIT | NULLABLE) \
	X(V, lon, REAL, -180, 180, NULL, IN | EDIT | NULLABLE) \
	X(V, opj, CODE, 1, SJ_MAX_BADGE, NULL, IN | NULLABLE) \
	X(V, opj_badge, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(V, opj_name, TEXT, 1, SJ_MAX_NAME, NULL, OUT) \
	X(V, offences, ARRAY, 0, SJ_MAX_OFFENCES, &case_offence_rec, IN | REQ | OUT) \
	X(V, persons, ARRAY, 0, SJ_MAX_CASE_PERSONS, &case_person_rec, IN | OUT | NULLABLE) \
	X(V, pvs, ARRAY, 0, 0, &pv_summary_rec, OUT) \
	X(V, custodies, ARRAY, 0, 0, &custody_rec, OUT) \
	X(V, seizures, ARRAY, 0, 0, &seizure_rec, OUT) \
	X(V, referrals, ARRAY, 0, 0, &referral_rec, OUT) \
	X(V, alerts, ARRAY, 0, SJ_MAX_ALERTS, &reg_alert_rec, OUT) \
	X(V, allowed_regimes, ARRAY, 0, 0, NULL, OUT)

static void case_check(json_t *k, const char *prefix, json_t *errs)
{
	json_t *offs = json_object_get(k, "offences"), *from = json_object_get(k, "occurred_from"),
	       *to = json_object_get(k, "occurred_to");
	if (offs && json_array_size(offs) == 0)
		rec_err(errs, prefix, "offences", "required", "charge at least one offence");
	if (json_is_integer(from) && json_is_integer(to) && json_integer_value(to) < json_integer_value(from))
		rec_err(errs, prefix, "occurred_to", "range", "the window ends before it starts");
	bool lat = json_is_number(json_object_get(k, "lat")), lon = json_is_number(json_object_get(k, "lon"));
	if (lat != lon)
		rec_err(errs, prefix, lat ? "lon" : "lat", "required", "give both lat and lon");
	/* the rogatory commission (CPP 138–139): judge, court, number, date, scope */
	json_t *rc = json_object_get(k, "rogatory_commission");
	if (rc && !json_is_null(rc)) {
		static const char *const need[] = {"judge", "court", "number", "date", "scope"};
		bool ok = json_is_object(rc) && json_object_size(rc) <= 5;
		for (size_t i = 0; ok && i < 5; i++) {
			const char *v = json_string_value(json_object_get(rc, need[i]));
			ok = v && strlen(v) >= 1 && strlen(v) <= SJ_MAX_SHORT_TEXT && !rec_text_ok(v, strlen(v), false) &&
			     (i != 3 || rec_date_ok(v));
		}
		if (!ok)
			rec_err(errs, prefix, "rogatory_commission", "invalid",
				"give the commission's judge, court, number, date (YYYY-MM-DD) and scope");
	}
}

static const rec_field case_fields[] = {REC_ID_FIELD, CASE_FIELDS(REC_FIELD)};
const rec_desc case_rec = REC_DESC("case", "cases", case_fields, case_check);

#define CASE_STATUS_FIELDS(X) \
	X(V, status, ENUM, 0, 0, &status_targets, IN | REQ) \
	X(V, reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | NULLABLE) \
	X(V, prosecutor_ref, TEXT, 1, SJ_MAX_AUTH_REF, NULL, IN | NULLABLE)
static const rec_field case_status_fields[] = {CASE_STATUS_FIELDS(REC_FIELD)};
const rec_desc case_status_rec = REC_DESC("case_status", NULL, case_status_fields, NULL);

#define CASE_ASSIGN_FIELDS(X) \
	X(V, opj, CODE, 1, SJ_MAX_BADGE, NULL, IN | REQ) \
	X(V, reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | NULLABLE)
static const rec_field case_assign_fields[] = {CASE_ASSIGN_FIELDS(REC_FIELD)};
const rec_desc case_assign_rec = REC_DESC("case_assign", NULL, case_assign_fields, NULL);

/* The case's history: append-only, numbered per case. */
#define CASE_EVENT_FIELDS(X) \
	X(C, case_id, ID, 0, 36, NULL, 0) \
	X(C, seq, INT, 0, 0, NULL, OUT) \
	X(C, at, TIME, 0, 0, NULL, OUT) \
	X(C, actor_id, ID, 0, 36, NULL, 0) \
	X(C, badge, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(C, kind, CODE, 1, SJ_MAX_REFERENCE, NULL, OUT) \
	X(C, detail, JSON, 0, 0, NULL, OUT | PII) \
	X(V, who_name, TEXT, 1, SJ_MAX_NAME, NULL, OUT)
static const rec_field case_event_fields[] = {REC_ID_FIELD, CASE_EVENT_FIELDS(REC_FIELD)};
const rec_desc case_event_rec = REC_DESC("case_event", "case_events", case_event_fields, NULL);

#define CASE_HISTORY_FIELDS(X) \
	X(V, case_id, ID, 0, 36, NULL, OUT) \
	X(V, number, CODE, 1, CASE_NUMBER_MAX, NULL, OUT) \
	X(V, events, ARRAY, 0, 0, &case_event_rec, OUT)
static const rec_field case_history_fields[] = {CASE_HISTORY_FIELDS(REC_FIELD)};
const rec_desc case_history_rec = REC_DESC("case_history", NULL, case_history_fields, NULL);

#define CASE_LIST_FIELDS(X) X(V, cases, ARRAY, 0, SJ_MAX_PAGE, &case_rec, OUT)
static const rec_field case_list_fields[] = {CASE_LIST_FIELDS(REC_FIELD)};
const rec_desc case_list_rec = REC_DESC("case_list", NULL, case_list_fields, NULL);

/* ------------------------------------------------------------ references, scope */

static const char sql_touch[] = "UPDATE cases SET updated_at = ? WHERE id = ?";
static const char sql_ref[] =
	"SELECT id, number, unit_id, unit, unit_path, status, class, frame, COALESCE(opj_id, '') AS opj_id FROM cases"
	" JOIN (SELECT id AS u_id, code AS unit, path AS unit_path FROM units) u ON u.u_id = unit_id WHERE id = ?";

sj_err case_ref_get(db_conn *c, const char *id, bool lock, case_ref *out)
{
	memset(out, 0, sizeof *out);
	if (!id || !id_valid(id))
		return SJ_ENOTFOUND;
	sj_err e;
	if (lock && (e = db_run(c, sql_touch, "it", clock_now_ms(), id)))
		return e;
	json_t *o = NULL;
	e = dbj_rec_one(c, sql_ref, &case_rec, &o, "t", id);
	if (e)
		return e;
	copy(out->id, sizeof out->id, jstr(o, "id"));
	copy(out->number, sizeof out->number, jstr(o, "number"));
	copy(out->unit_id, sizeof out->unit_id, jstr(o, "unit_id"));
	copy(out->unit_code, sizeof out->unit_code, jstr(o, "unit"));
	copy(out->unit_path, sizeof out->unit_path, jstr(o, "unit_path"));
	copy(out->status, sizeof out->status, jstr(o, "status"));
	copy(out->cls, sizeof out->cls, jstr(o, "class"));
	copy(out->frame, sizeof out->frame, jstr(o, "frame"));
	copy(out->opj_id, sizeof out->opj_id, jstr(o, "opj_id"));
	json_decref(o);
	return SJ_OK;
}

sj_err case_ref_for(db_conn *c, const sj_actor *a, const char *id, bool write, case_ref *out, const char **why)
{
	sj_err e = case_ref_get(c, id, write, out);
	if (e == SJ_ENOTFOUND)
		*why = "case-not-found";
	if (!e && !(write ? actor_can_write(a, out->unit_path) : actor_can_read(a, out->unit_path)))
		e = SJ_EFORBIDDEN;
	return e;
}

sj_err case_ref_of(db_conn *c, const sj_actor *a, const char *case_of_sql, const char *child_id, const char *missing,
		   bool write, case_ref *out, const char **why)
{
	json_t *o = NULL;
	char case_id[ID_LEN + 1] = "";
	sj_err e = id_valid(child_id) ? dbj_one(c, case_of_sql, "case_id:t", &o, "t", child_id) : SJ_ENOTFOUND;
	if (!e)
		snprintf(case_id, sizeof case_id, "%s", jstr(o, "case_id"));
	json_decref(o);
	if (e == SJ_ENOTFOUND)
		*why = missing;
	return e ? e : case_ref_for(c, a, case_id, write, out, why);
}

bool case_is_open(const case_ref *r)
{
	return strcmp(r->status, "registered") == 0 || strcmp(r->status, "under_investigation") == 0;
}

sj_err case_ref_open(db_conn *c, const sj_actor *a, const char *id, case_ref *out, const char **why)
{
	sj_err e = case_ref_for(c, a, id, true, out, why);
	if (!e && !case_is_open(out)) {
		*why = "case-not-open";
		e = SJ_ECONFLICT;
	}
	return e;
}

int64_t case_year(int64_t t_ms)
{
	return clock_legal_year(t_ms);
}

static const char sql_counter[] =
	"INSERT INTO counters (kind, unit, year, n) VALUES (?, ?, ?, 1)"
	" ON CONFLICT (kind, unit, year) DO UPDATE SET n = counters.n + 1 RETURNING n";

sj_err case_counter_next(db_conn *c, const char *kind, const char *unit_id, int64_t year, int64_t *n)
{
	return dbj_int(c, sql_counter, n, "tti", kind, unit_id, year);
}

static const char sql_event[] =
	"INSERT INTO case_events (id, case_id, seq, at, actor_id, badge, kind, detail)"
	" VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM case_events WHERE case_id = ?), ?, ?, ?, ?, ?)";

sj_err case_event(db_conn *c, const char *case_id, const sj_actor *a, const char *kind, json_t *detail)
{
	char id[ID_LEN + 1];
	id_new(id);
	char *d = detail ? jdump_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(detail);
	if (detail && !d)
		return SJ_ENOMEM;
	sj_err e = db_run(c, sql_event, "tttittt" "t", id, case_id, case_id, clock_now_ms(), a ? a->id : NULL,
			  a ? a->badge : NULL, kind, d);
	free(d);
	return e;
}

/* ------------------------------------------------------------ reads */

static const char sql_case_get[] =
	"SELECT id, number, unit, unit_name_fr, unit_name_ar, year, seq, frame, class, status, status_reason,"
	" occurred_from, occurred_to, commune, address, lat_e6, lon_e6, summary, rogatory_commission, opj_badge, opj_name,"
	" complaint_id,"
	" cb_badge AS created_by, created_at, updated_at, unit_path FROM cases"
	" JOIN (SELECT id AS u_id, code AS unit, name_fr AS unit_name_fr, name_ar AS unit_name_ar, path AS unit_path"
	" FROM units) u ON u.u_id = unit_id"
	" LEFT JOIN (SELECT id AS o_id, badge AS opj_badge, name AS opj_name FROM users) o ON o.o_id = opj_id"
	" JOIN (SELECT id AS b_id, badge AS cb_badge FROM users) b ON b.b_id = created_by WHERE id = ?";
static const char sql_case_offences[] =
	"SELECT id, offence_code AS code, offence_version AS version, class, article, label_fr, label_ar, category,"
	" attempted, added_at, law, withdrawn_at, withdrawn_reason, replaced_by FROM case_offences WHERE case_id = ?"
	" ORDER BY added_at, id";

sj_err case_get(db_conn *c, const char *id, json_t **out)
{
	*out = NULL;
	json_t *o = NULL, *offs = NULL, *persons = NULL;
	sj_err e = dbj_rec_one(c, sql_case_get, &case_rec, &o, "t", id);
	e = e ? e : dbj_rec_rows(c, sql_case_offences, &case_offence_rec, &offs, "t", id);
	e = e ? e : case_persons(c, id, &persons);
	if (e) {
		json_decref(o);
		json_decref(offs);
		json_decref(persons);
		return e;
	}
	json_object_set_new(o, "offences", offs);
	json_object_set_new(o, "persons", persons);
	*out = o;
	return SJ_OK;
}

sj_err case_read(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why)
{
	*out = NULL;
	case_ref ref;
	json_t *o = NULL, *pvs = NULL, *cust = NULL, *seiz = NULL, *refs = NULL, *regimes = NULL;
	sj_err e = case_ref_for(c, a, id, false, &ref, why);
	e = e ? e : case_get(c, ref.id, &o);
	e = e ? e : pv_list(c, ref.id, false, &pvs);
	e = e ? e : custody_list_case(c, ref.id, &cust);
	e = e ? e : seizure_list_case(c, ref.id, &seiz);
	e = e ? e : referral_list_case(c, ref.id, &refs);
	e = e ? e : custody_allowed_regimes(c, ref.id, ref.cls, &regimes);
	/* a minor victim is named only to those who work the case (issue 17 item 4) */
	e = e ? e : case_mask_minor_victims(c, a, o, ref.unit_path);
	if (e) {
		json_decref(regimes);
		json_decref(o);
		json_decref(pvs);
		json_decref(cust);
		json_decref(seiz);
		json_decref(refs);
		return e;
	}
	json_object_set_new(o, "pvs", pvs);
	json_object_set_new(o, "custodies", cust);
	json_object_set_new(o, "seizures", seiz);
	json_object_set_new(o, "referrals", refs);
	json_object_set_new(o, "allowed_regimes", regimes);
	*out = o;
	return SJ_OK;
}

sj_err case_list(db_conn *c, const sj_actor *a, const char *status, int limit, int64_t offset, json_t **out)
{
	case_filter f = {.status = status};
	return case_find(c, a, &f, limit, offset, out);
}

/* who_name: users are shown by name, not login (issue 18) */
static const char sql_history[] =
	"SELECT seq, at, badge, kind, detail, who_name FROM case_events"
	" LEFT JOIN (SELECT id AS w_id, name AS who_name FROM users) w ON w.w_id = actor_id WHERE case_id = ? ORDER BY seq";

sj_err case_history_read(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why)
{
	*out = NULL;
	case_ref ref;
	json_t *ev = NULL;
	sj_err e = case_ref_for(c, a, id, false, &ref, why);
	e = e ? e : dbj_rec_rows(c, sql_history, &case_event_rec, &ev, "t", ref.id);
	if (e)
		return e;
	*out = json_pack("{s:s,s:s,s:o}", "case_id", ref.id, "number", ref.number, "events", ev);
	return *out ? SJ_OK : SJ_ENOMEM;
}

/* ------------------------------------------------------------ creation */

static const char sql_case_add[] =
	"INSERT INTO cases (" REC_COLS(CASE_FIELDS) ") VALUES (" REC_QS(CASE_FIELDS) ")";
static const char sql_offence_add[] =
	"INSERT INTO case_offences (" REC_COLS(CASE_OFFENCE_FIELDS) ") VALUES (" REC_QS(CASE_OFFENCE_FIELDS) ")";
static const char sql_set_class[] = "UPDATE cases SET class = ?, updated_at = ? WHERE id = ?";

sj_err case_offence_insert(db_conn *c, const sj_actor *a, const char *case_id, json_t *off, bool attempted,
			   char id[ID_LEN + 1])
{
	id_new(id);
	json_t *row = json_pack("{s:s,s:s,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:b,s:I,s:s?}", "id", id, "case_id", case_id,
				"offence_code", json_object_get(off, "code"), "offence_version",
				json_object_get(off, "version"), "class", json_object_get(off, "class"), "article",
				json_object_get(off, "article"), "label_fr", json_object_get(off, "label_fr"),
				"label_ar", json_object_get(off, "label_ar"), "category", json_object_get(off, "category"),
				"attempted", attempted, "added_at", (json_int_t)clock_now_ms(), "added_by", a->id);
	if (!row || json_object_set(row, "law", json_object_get(off, "law") ? json_object_get(off, "law") : json_null())) {
		json_decref(row);
		return SJ_ENOMEM;
	}
	sj_err e = dbj_write(c, sql_offence_add, &case_offence_rec, row, false, "");
	json_decref(row);
	return e;
}

/* find_opj: the active OPJ with that badge whose scope holds the case's unit. */
static sj_err find_opj(db_conn *c, const char *badge, const char *case_unit_path, auth_user *opj, const char **why)
{
	sj_err e = auth_user_find(c, badge, NULL, opj);
	if (e == SJ_ENOTFOUND || (!e && (!opj->opj || !unit_in_scope(opj->unit.path, case_unit_path)))) {
		*why = "assignee-not-opj";
		return SJ_EUNPROCESSABLE;
	}
	return e;
}

/* micro converts a JSON number of degrees to microdegrees (rounded). */
static json_t *micro(json_t *deg)
{
	double v = json_number_value(deg);
	return json_integer((json_int_t)(v * 1e6 + (v >= 0 ? 0.5 : -0.5)));
}

/* the case's unit: the actor's own, or one of its scope named by code */
static sj_err case_unit(db_conn *c, const sj_actor *a, const char *code, unit_info *unit, const char **field,
			const char **why)
{
	const char *want = code ? code : a->unit_code;
	sj_err e = unit_get_by_code(c, want, unit);
	if (e == SJ_ENOTFOUND || (!e && code && !actor_in_scope(a, unit->path))) {
		*field = "unit";
		*why = "unknown-unit";
		return SJ_EINVAL;
	}
	return e;
}

/* charge reads the offences of in from the catalogue (each current, the
 * class the most serious) into offs (new array of entries). */
static sj_err charge(db_conn *c, json_t *in, json_t **offs, ref_class *cls, const char **field, const char **why)
{
	static _Thread_local char fieldbuf[64];
	*cls = REF_CLASS_NONE;
	*offs = json_array();
	if (!*offs)
		return SJ_ENOMEM;
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(in, "offences"), i, o) {
		json_t *entry = NULL;
		sj_err e = ref_offence_get(c, jstr(o, "code"), &entry);
		if (e == SJ_ENOTFOUND) {
			snprintf(fieldbuf, sizeof fieldbuf, "offences[%zu].code", i);
			*field = fieldbuf;
			*why = "offence-not-current";
			return SJ_EINVAL;
		}
		if (e)
			return e;
		json_t *facts = json_object_get(in, "occurred_from");
		if ((*why = case_offence_refusal(entry, json_is_true(json_object_get(o, "attempted")),
						 json_is_integer(facts) ? (int64_t)json_integer_value(facts) : 0))) {
			json_decref(entry);
			return SJ_EUNPROCESSABLE;
		}
		ref_class k = ref_class_from_name(jstr(entry, "class"));
		if (k > *cls)
			*cls = k;
		json_object_set(entry, "attempted", json_object_get(o, "attempted") ? json_object_get(o, "attempted")
										  : json_false());
		if (json_array_append_new(*offs, entry))
			return SJ_ENOMEM;
	}
	return SJ_OK;
}

/* opened_complaint reads the complaint a new case opens: pending, and of
 * the actor's scope. */
static sj_err opened_complaint(db_conn *c, const sj_actor *a, const char *id, json_t **cp, const char **field,
			       const char **why)
{
	*cp = NULL;
	if (!id)
		return SJ_OK;
	sj_err e = complaint_get(c, id, cp);
	if (e == SJ_ENOTFOUND || (!e && !actor_in_scope(a, jstr(*cp, "unit_path")))) {
		*field = "complaint_id";
		*why = "unknown-complaint";
		return SJ_EINVAL;
	}
	if (!e && strcmp(jstr(*cp, "disposition"), "pending") != 0) {
		*why = "complaint-already-disposed";
		return SJ_ECONFLICT;
	}
	return e;
}

/* hits runs the hit engine on every person of the case k (as read). */
static sj_err hits(db_conn *c, const sj_actor *a, json_t *k, json_t *alerts)
{
	size_t i;
	json_t *cp;
	sj_err e = SJ_OK;
	json_array_foreach(json_object_get(k, "persons"), i, cp) {
		json_t *full = NULL;
		const char *pid = jstr(cp, "person_id");
		if (pid && persons_get(c, pid, &full) == SJ_OK)
			e = reg_check_entered_person(c, a, full, "case", jstr(k, "number"), alerts);
		json_decref(full);
		if (e)
			break;
	}
	return e;
}

sj_err case_create(db_conn *c, const sj_actor *a, json_t *in, json_t **out, const char **field, const char **why)
{
	*out = NULL;
	unit_info unit;
	ref_class cls = REF_CLASS_NONE;
	auth_user opj;
	const char *opj_id = a->opj ? a->id : NULL;
	json_t *offs = NULL, *cp = NULL, *row = NULL, *alerts = NULL;
	sj_err e = case_unit(c, a, jstr(in, "unit"), &unit, field, why);
	e = e ? e : charge(c, in, &offs, &cls, field, why);
	/* flagrance (CPP 56) is for crimes and délits only (issue 17 item 7) */
	if (!e && cls == REF_CLASS_CONTRAVENTION && jstr(in, "frame") && strcmp(jstr(in, "frame"), "flagrant") == 0) {
		*why = "flagrance-not-for-contravention";
		e = SJ_EUNPROCESSABLE;
	}
	if (!e && jstr(in, "opj")) {
		e = find_opj(c, jstr(in, "opj"), unit.path, &opj, why);
		opj_id = opj.id;
	}
	e = e ? e : opened_complaint(c, a, jstr(in, "complaint_id"), &cp, field, why);
	int64_t now = clock_now_ms(), year = case_year(now), seq = 0;
	e = e ? e : case_counter_next(c, "case", unit.id, year, &seq);
	char id[ID_LEN + 1], number[CASE_NUMBER_MAX + 1] = "";
	id_new(id);
	if (!e) /* unit is only filled in when case_unit succeeded */
		snprintf(number, sizeof number, "%s/%lld/%06lld", unit.code, (long long)year, (long long)seq);
	if (!e) {
		row = json_deep_copy(in);
		if (!row)
			e = SJ_ENOMEM;
	}
	if (!e) {
		json_t *lat = json_object_get(in, "lat"), *lon = json_object_get(in, "lon");
		if (json_is_number(lat) && json_is_number(lon)) {
			json_object_set_new(row, "lat_e6", micro(lat));
			json_object_set_new(row, "lon_e6", micro(lon));
		}
		json_t *set = json_pack("{s:s,s:s,s:s,s:I,s:I,s:s,s:s,s:s?,s:s?,s:I,s:I}", "id", id, "number", number,
					"unit_id", unit.id, "year", (json_int_t)year, "seq", (json_int_t)seq, "class",
					ref_class_name(cls), "status", "registered", "opj_id", opj_id, "created_by",
					a->id, "created_at", (json_int_t)now, "updated_at", (json_int_t)now);
		if (!set || json_object_update(row, set))
			e = SJ_ENOMEM;
		json_decref(set);
	}
	e = e ? e : dbj_write(c, sql_case_add, &case_rec, row, false, "");
	json_decref(row);
	json_t *codes = json_array();
	size_t i;
	json_t *o;
	json_array_foreach(offs, i, o) {
		if (e)
			break;
		char oid[ID_LEN + 1];
		e = case_offence_insert(c, a, id, o, json_is_true(json_object_get(o, "attempted")), oid);
		json_array_append_new(codes, json_string(jstr(o, "code")));
	}
	json_decref(offs);
	if (!e)
		e = case_event(c, id, a, "created",
			       json_pack("{s:s,s:s,s:s,s:s,s:O}", "number", number, "unit", unit.code, "frame",
					 jstr(in, "frame"), "class", ref_class_name(cls), "offences", codes));
	json_decref(codes);
	case_ref r;
	e = e ? e : case_ref_get(c, id, false, &r);
	if (!e && cp) {
		char pid[ID_LEN + 1];
		bool reused;
		const char *w = NULL;
		e = case_person_link(c, a, &r, "complainant", jstr(cp, "complainant_id"), NULL, NULL, pid, &reused, &w);
		e = e ? e : complaint_mark_opened(c, a, jstr(in, "complaint_id"), id);
		e = e ? e : case_event(c, id, a, "complaint.opened",
				       json_pack("{s:s,s:s}", "complaint_id", jstr(in, "complaint_id"), "receipt_no",
						 jstr(cp, "receipt_no")));
	}
	json_decref(cp);
	json_t *p;
	json_array_foreach(json_object_get(in, "persons"), i, p) {
		if (e)
			break;
		char pid[ID_LEN + 1];
		bool reused;
		e = case_person_link(c, a, &r, jstr(p, "role"), jstr(p, "person_id"), json_object_get(p, "person"),
				     jstr(p, "note"), pid, &reused, why);
	}
	/* the hit engine on every person entered with the case */
	e = e ? e : case_get(c, id, out);
	if (!e && !(alerts = json_array()))
		e = SJ_ENOMEM;
	e = e ? e : hits(c, a, *out, alerts);
	if (e) {
		json_decref(alerts);
		json_decref(*out);
		*out = NULL;
		return e;
	}
	json_object_set_new(*out, "alerts", alerts);
	return SJ_OK;
}

/* ------------------------------------------------------------ changes */

static const char sql_case_row[] = "SELECT " REC_COLS(CASE_FIELDS) " FROM cases WHERE id = ?";
static const char sql_case_upd[] = "UPDATE cases SET " REC_SET(CASE_FIELDS) "updated_at = ? WHERE id = ?";

/* answer reads case id back as the capabilities answer a change. */
static sj_err answer(db_conn *c, sj_err e, const char *id, json_t **out)
{
	return e ? e : case_get(c, id, out);
}

sj_err case_update(db_conn *c, const sj_actor *a, const char *id, json_t *patch, json_t **out, const char **why)
{
	*out = NULL;
	case_ref r;
	sj_err e = case_ref_open(c, a, id, &r, why);
	if (e)
		return e;
	/* the change as recorded: degrees become microdegrees */
	json_t *change = json_deep_copy(patch), *row = NULL;
	if (!change)
		return SJ_ENOMEM;
	json_t *lat = json_object_get(patch, "lat"), *lon = json_object_get(patch, "lon");
	if (json_is_number(lat) && json_is_number(lon)) {
		json_object_del(change, "lat");
		json_object_del(change, "lon");
		json_object_set_new(change, "lat_e6", micro(lat));
		json_object_set_new(change, "lon_e6", micro(lon));
	}
	e = dbj_one(c, sql_case_row, REC_DBJ(CASE_FIELDS), &row, "t", r.id);
	if (!e && json_object_update(row, change))
		e = SJ_ENOMEM;
	e = e ? e : dbj_write(c, sql_case_upd, &case_rec, row, true, "it", clock_now_ms(), r.id);
	json_decref(row);
	e = e ? e : case_event(c, r.id, a, "updated", json_incref(change));
	json_decref(change);
	return answer(c, e, r.id, out);
}

static const char sql_standing_classes[] = "SELECT class FROM case_offences WHERE case_id = ? AND withdrawn_at IS NULL";

sj_err case_reclass(db_conn *c, const char *case_id, char cls_out[CASE_STATUS_MAX])
{
	json_t *all = NULL;
	sj_err e = dbj_rows(c, sql_standing_classes, "class:t", &all, "t", case_id);
	ref_class cls = REF_CLASS_NONE;
	size_t i;
	json_t *o;
	json_array_foreach(all, i, o) {
		ref_class k = ref_class_from_name(jstr(o, "class"));
		if (k > cls)
			cls = k;
	}
	json_decref(all);
	copy(cls_out, CASE_STATUS_MAX, ref_class_name(cls));
	return e ? e : db_run(c, sql_set_class, "tit", ref_class_name(cls), clock_now_ms(), case_id);
}

static const char sql_set_status[] =
	"UPDATE cases SET status = ?, status_reason = ?, updated_at = ? WHERE id = ? AND status = ?";

/* legal: the transitions of a case (referred is set by a referral). */
static bool legal(const char *from, const char *to)
{
	static const char *const t[][2] = {
		{"registered", "under_investigation"},
		{"registered", "cancelled"},
		{"under_investigation", "cancelled"},
		{"under_investigation", "referred"},
		{"referred", "closed"},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(t[i][0], from) == 0 && strcmp(t[i][1], to) == 0)
			return true;
	return false;
}

sj_err case_move(db_conn *c, const sj_actor *a, const case_ref *r, const char *to, const char *reason,
		 const char **why)
{
	if (!legal(r->status, to)) {
		*why = "status-change-not-allowed";
		return SJ_ECONFLICT;
	}
	if (strcmp(to, "cancelled") == 0 && (!reason || !*reason)) {
		*why = "cancellation-needs-reason";
		return SJ_EUNPROCESSABLE;
	}
	sj_err e = db_run(c, sql_set_status, "ttitt", to, reason, clock_now_ms(), r->id, r->status);
	return e ? e : case_event(c, r->id, a, "status",
				  json_pack("{s:s,s:s,s:s?}", "from", r->status, "to", to, "reason", reason));
}

/* cancel_checks (issue 10 item 5): a case is cancelled by a chief (403
 * "cancel-needs-chief"), never while someone is in custody in it (409
 * "case-custody-open"), and a case with sealed PVs only on the prosecutor's
 * decision, whose reference the request gives (422
 * "cancellation-needs-prosecutor-decision"). */
static sj_err cancel_checks(db_conn *c, const sj_actor *a, const case_ref *r, const char *prosecutor_ref,
			    const char **why)
{
	if (!(a->role & ROLE_CHIEF)) {
		*why = "cancel-needs-chief";
		return SJ_EFORBIDDEN;
	}
	int64_t held = 0;
	json_t *sealed = NULL;
	sj_err e = custody_open_count(c, r->id, &held);
	if (e)
		return e;
	if (held > 0) {
		*why = "case-custody-open";
		return SJ_ECONFLICT;
	}
	if ((e = pv_list(c, r->id, true, &sealed)))
		return e;
	size_t n = json_array_size(sealed);
	json_decref(sealed);
	if (n > 0 && (!prosecutor_ref || !*prosecutor_ref)) {
		*why = "cancellation-needs-prosecutor-decision";
		return SJ_EUNPROCESSABLE;
	}
	return SJ_OK;
}

sj_err case_set_status(db_conn *c, const sj_actor *a, const char *id, json_t *in, char from[CASE_STATUS_MAX],
		       json_t **out, const char **why)
{
	*out = NULL;
	from[0] = '\0';
	case_ref r;
	sj_err e = case_ref_for(c, a, id, true, &r, why);
	if (!e)
		copy(from, CASE_STATUS_MAX, r.status);
	const char *to = jstr(in, "status"), *reason = jstr(in, "reason"), *pref = jstr(in, "prosecutor_ref");
	char stated[SJ_MAX_SHORT_TEXT + SJ_MAX_AUTH_REF + 32];
	if (!e && strcmp(to, "cancelled") == 0 && (e = cancel_checks(c, a, &r, pref, why)) == SJ_OK && pref && reason) {
		snprintf(stated, sizeof stated, "%s (parquet : %s)", reason, pref);
		reason = stated;
	}
	e = e ? e : case_move(c, a, &r, to, reason, why);
	return answer(c, e, r.id, out);
}

sj_err case_reopen_for_inquiry(db_conn *c, const sj_actor *a, const case_ref *r, const char *referral_id)
{
	if (strcmp(r->status, "referred") != 0)
		return SJ_OK;
	sj_err e = db_run(c, sql_set_status, "ttitt", "under_investigation", "complément d'enquête", clock_now_ms(),
			  r->id, r->status);
	return e ? e : case_event(c, r->id, a, "status",
				  json_pack("{s:s,s:s,s:s,s:s}", "from", r->status, "to", "under_investigation",
					    "reason", "further_inquiry", "referral_id", referral_id));
}

sj_err case_mark_investigating(db_conn *c, const sj_actor *a, case_ref *r)
{
	if (strcmp(r->status, "registered") != 0)
		return SJ_OK;
	const char *why;
	sj_err e = case_move(c, a, r, "under_investigation", NULL, &why);
	if (!e)
		copy(r->status, sizeof r->status, "under_investigation");
	return e;
}

static const char sql_assign[] = "UPDATE cases SET opj_id = ?, updated_at = ? WHERE id = ?";

sj_err case_assign(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out, const char **why)
{
	*out = NULL;
	case_ref r;
	sj_err e = case_ref_open(c, a, id, &r, why);
	auth_user opj;
	e = e ? e : find_opj(c, jstr(in, "opj"), r.unit_path, &opj, why);
	e = e ? e : db_run(c, sql_assign, "tit", opj.id, clock_now_ms(), r.id);
	e = e ? e : case_event(c, r.id, a, "assigned",
			       json_pack("{s:s,s:s?}", "opj", opj.badge, "reason", jstr(in, "reason")));
	return answer(c, e, r.id, out);
}
