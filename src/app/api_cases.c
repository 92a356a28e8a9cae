/* api_cases.c — complaints, cases, persons, PVs, custody, seizures and
 * referral over HTTP. Each handler validates strictly (400 with per-field
 * errors, nothing written), loads the case and checks the unit scope (403,
 * audited), calls the capability, and appends the audit entry — reads
 * included — in the same transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "audit/audit.h"
#include "registers/registers.h"
#include "cases/cases.h"
#include "cases/custody.h"
#include "cases/print.h"
#include "cases/pv.h"
#include "cases/referral.h"
#include "cases/seizure.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/limits.h"
#include "persons/persons.h"
#include "refdata/refdata.h"

#define T_MIN 1LL
#define T_MAX 4102444800000LL   /* 2100-01-01: times are UTC milliseconds */

static const char *const frames[] = {"flagrant", "preliminary", "rogatory", NULL};
static const char *const roles_in_case[] = {"complainant", "victim", "suspect", "witness", "arrested", NULL};
static const char *const pv_types[] = {"hearing_complainant", "hearing_victim", "hearing_suspect",
				       "hearing_witness", "confrontation", "search", "seizure",
				       "arrest_custody", "transmission", NULL};
static const char *const signatures[] = {"signed", "thumbprint", "refused", NULL};
static const char *const regimes[] = {"ordinary", "terrorism", "state_security", "minor", NULL};
static const char *const sexes[] = {"M", "F", NULL};

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* check_hits runs the hit engine on a person just entered (issue: "a hit on
 * every entry"): the person's CIN and names, fuzzily, against the active
 * registers; each hit is recorded and notified to the notice's unit inside
 * c's transaction and appended to alerts. */
static sj_err check_hits(db_conn *c, const auth_user *u, json_t *p, const char *source, const char *ref,
			 json_t *alerts)
{
	if (!p)
		return SJ_OK;
	const char *father = jstr(p, "father_name_lat");
	if (!father)
		father = jstr(p, "father_name_ar");
	if (!father)
		father = jstr(p, "father_name");
	reg_person rp = {
		.cin = jstr(p, "cin"),
		.first_name_ar = jstr(p, "first_name_ar"),
		.last_name_ar = jstr(p, "last_name_ar"),
		.first_name_lat = jstr(p, "first_name_lat"),
		.last_name_lat = jstr(p, "last_name_lat"),
		.father_name = father,
		.birth_date = jstr(p, "birth_date"),
	};
	if (!rp.cin && !rp.first_name_ar && !rp.last_name_ar && !rp.first_name_lat && !rp.last_name_lat)
		return SJ_OK; /* an unknown suspect: nothing to look for */
	reg_ctx ctx = {.actor_id = u->id, .actor_unit_id = u->unit.id, .source = source, .source_ref = ref};
	return reg_check_person(c, &rp, &ctx, alerts);
}

static bool person_check(json_t *p, const char *prefix, json_t *errs)
{
	const char *cin = NULL, *fa = NULL, *la = NULL, *fl = NULL, *ll = NULL, *desc = NULL;
	int unknown = 0;
	const hjson_field spec[] = {
		{"cin", HJ_STRING, 0, 1, 16, NULL, &cin, 1},
		{"first_name_ar", HJ_STRING, 0, 1, SJ_MAX_NAME, NULL, &fa, 1},
		{"last_name_ar", HJ_STRING, 0, 1, SJ_MAX_NAME, NULL, &la, 1},
		{"first_name_lat", HJ_STRING, 0, 1, SJ_MAX_NAME, NULL, &fl, 1},
		{"last_name_lat", HJ_STRING, 0, 1, SJ_MAX_NAME, NULL, &ll, 1},
		{"father_name", HJ_STRING, 0, 1, SJ_MAX_NAME, NULL, NULL, 1},
		{"mother_name", HJ_STRING, 0, 1, SJ_MAX_NAME, NULL, NULL, 1},
		{"birth_date", HJ_DATE, 0, 0, 10, NULL, NULL, 1},
		{"birth_place", HJ_STRING, 0, 1, SJ_MAX_NAME, NULL, NULL, 1},
		{"sex", HJ_ENUM, 0, 0, 1, sexes, NULL, 1},
		{"nationality", HJ_STRING, 0, 2, 64, NULL, NULL, 1},
		{"address", HJ_STRING, 0, 1, SJ_MAX_SHORT_TEXT, NULL, NULL, 1},
		{"phone", HJ_STRING, 0, 4, 32, NULL, NULL, 1},
		{"unknown", HJ_BOOL, 0, 0, 0, NULL, &unknown, 0},
		{"description", HJ_STRING, 0, 1, SJ_MAX_SHORT_TEXT, NULL, &desc, 1},
		{NULL, 0, 0, 0, 0, NULL, NULL, 0},
	};
	if (!json_is_object(p)) {
		char name[96];
		snprintf(name, sizeof name, "%s", prefix ? prefix : "person");
		size_t n = strlen(name);
		if (n && name[n - 1] == '.')
			name[n - 1] = '\0';
		json_array_append_new(errs, json_pack("{s:s,s:s,s:s}", "field", name, "code", "type",
						      "detail", "must be an object"));
		return false;
	}
	bool ok = hjson_fields_check(p, spec, prefix, errs);
	if (!ok)
		return false;
	char field[128];
	char norm[PERSON_CIN_MAX + 1];
	if (cin && !persons_cin_normalize(cin, norm)) {
		snprintf(field, sizeof field, "%scin", prefix ? prefix : "");
		json_array_append_new(errs, json_pack("{s:s,s:s,s:s}", "field", field, "code", "format",
						      "detail", "a CIN is 1-3 letters then 1-6 digits"));
		ok = false;
	}
	if (unknown && cin) {
		snprintf(field, sizeof field, "%scin", prefix ? prefix : "");
		json_array_append_new(errs, json_pack("{s:s,s:s,s:s}", "field", field, "code", "conflict",
						      "detail", "an unknown person has no CIN"));
		ok = false;
	}
	if (unknown && !desc) {
		snprintf(field, sizeof field, "%sdescription", prefix ? prefix : "");
		json_array_append_new(errs, json_pack("{s:s,s:s,s:s}", "field", field, "code", "required",
						      "detail", "describe the unknown person"));
		ok = false;
	}
	if (!unknown && !fa && !la && !fl && !ll) {
		snprintf(field, sizeof field, "%slast_name_lat", prefix ? prefix : "");
		json_array_append_new(errs, json_pack("{s:s,s:s,s:s}", "field", field, "code", "required",
						      "detail", "give a name in Arabic or Latin script"));
		ok = false;
	}
	return ok;
}

/* fail_tx abandons the transaction and answers e: a 400 naming field, or the
 * problem e stands for with why as its detail. */
static void fail_tx(app *a, http_req *r, db_conn *c, sj_err e, const char *field, const char *why)
{
	db_rollback(c);
	db_release(a->db, c);
	if (e == SJ_EINVAL && field)
		http_problem(r, 400, "validation", "the request has invalid fields",
			     json_pack("{s:[{s:s,s:s,s:s}]}", "errors", "field", field, "code", "invalid", "detail",
				       why ? why : "not acceptable"));
	else
		app_fail(r, e, why);
}

/* done ends a handler: on e, fail_tx; otherwise audit (detail stolen),
 * commit and answer status with out (stolen). */
static void done(app *a, http_req *r, auth_user *u, db_conn *c, sj_err e, const char *field, const char *why,
		 const char *action, const char *otype, const char *oid, json_t *detail, int status, json_t *out)
{
	if (e) {
		json_decref(detail);
		json_decref(out);
		fail_tx(a, r, c, e, field, why);
		return;
	}
	e = app_audit(c, r, u, action, otype, oid, http_query(r, "purpose"), "ok", detail);
	if (app_finish(a, r, c, e))
		http_reply_json(r, status, out ? out : json_object());
	else
		json_decref(out);
}

/* deny records a refused access to a case in its own entry, commits, and
 * answers 403. */
static void deny(app *a, http_req *r, auth_user *u, db_conn *c, const char *action, const char *otype,
		 const char *oid)
{
	sj_err e = app_audit(c, r, u, action, otype, oid, NULL, "refused",
			     json_pack("{s:s}", "reason", "unit-scope"));
	if (app_finish(a, r, c, e))
		http_problem(r, 403, "forbidden", "this case belongs to a unit outside your scope", NULL);
}

/* case_or_reply loads case id (locked for a write) and checks the caller's
 * scope: false after answering 404 or 403 (the refusal audited). */
static bool case_or_reply(app *a, http_req *r, auth_user *u, db_conn *c, const char *id, bool write,
			  case_ref *ref, const char *action)
{
	sj_err e = case_ref_get(c, id, write, ref);
	if (e) {
		fail_tx(a, r, c, e, NULL, e == SJ_ENOTFOUND ? "no such case" : NULL);
		return false;
	}
	if (write ? !case_can_write(u, ref->unit_path) : !case_can_read(u, ref->unit_path)) {
		deny(a, r, u, c, action, "case", id);
		return false;
	}
	return true;
}

/* child_or_reply resolves a child record's case (PV, custody, seizure,
 * referral) then does case_or_reply. */
static bool child_or_reply(app *a, http_req *r, auth_user *u, db_conn *c,
			   sj_err (*find)(db_conn *, const char *, char *), const char *what, bool write,
			   case_ref *ref, const char *action)
{
	char case_id[ID_LEN + 1];
	sj_err e = find(c, http_param(r, "id"), case_id);
	if (e) {
		char detail[64];
		snprintf(detail, sizeof detail, "no such %s", what);
		fail_tx(a, r, c, e, NULL, e == SJ_ENOTFOUND ? detail : NULL);
		return false;
	}
	return case_or_reply(a, r, u, c, case_id, write, ref, action);
}

/* child_read answers GET of a record that belongs to a case (a PV, a custody,
 * a seizure): the case must be readable by u, the read is audited. */
static void child_read(app *a, http_req *r, auth_user *u, sj_err (*find)(db_conn *, const char *, char *),
		       const char *what, const char *action, const char *otype,
		       sj_err (*get)(db_conn *, const char *, json_t **))
{
	db_conn *c = app_begin_or_reply(a, r, DB_READ);
	if (!c)
		return;
	case_ref ref;
	if (!child_or_reply(a, r, u, c, find, what, false, &ref, action))
		return;
	json_t *out = NULL;
	sj_err e = get(c, http_param(r, "id"), &out);
	done(a, r, u, c, e, NULL, NULL, action, otype, http_param(r, "id"), NULL, 200, out);
}


static json_t *body_or_reply(http_req *r, const hjson_field *spec)
{
	json_t *body = hjson_body_or_reply(r);
	if (body && !hjson_fields_or_reply(r, body, spec)) {
		json_decref(body);
		return NULL;
	}
	return body;
}

/* ---------- reference data ---------- */

static void ref_list(app *a, http_req *r, sj_err (*fn)(db_conn *, json_t **), const char *member)
{
	db_conn *c;
	sj_err e = db_acquire(a->db, &c);
	if (e) {
		app_fail(r, e, NULL);
		return;
	}
	json_t *list = NULL;
	e = fn(c, &list);
	db_release(a->db, c);
	if (e)
		app_fail(r, e, NULL);
	else
		http_reply_json(r, 200, json_pack("{s:o}", member, list));
}

void api_offences_list(app *a, http_req *r, auth_user *u)
{
	(void)u;
	ref_list(a, r, ref_offences_list, "offences");
}

void api_custody_rules_list(app *a, http_req *r, auth_user *u)
{
	(void)u;
	ref_list(a, r, ref_custody_rules_list, "rules");
}

void api_prosecution_list(app *a, http_req *r, auth_user *u)
{
	(void)u;
	ref_list(a, r, ref_prosecution_list, "offices");
}

/* ---------- complaints ---------- */

void api_complaint_create(app *a, http_req *r, auth_user *u)
{
	complaint_new in = {0};
	const hjson_field spec[] = {
		{"complainant", HJ_OBJECT, 1, 0, 0, NULL, &in.complainant, 0},
		{"facts", HJ_STRING, 1, 3, SJ_MAX_LONG_TEXT, NULL, &in.facts, 0},
		{"occurred_at", HJ_INT, 0, T_MIN, T_MAX, NULL, &in.occurred_at, 1},
		{"place", HJ_STRING, 0, 1, SJ_MAX_SHORT_TEXT, NULL, &in.place, 1},
		{NULL, 0, 0, 0, 0, NULL, NULL, 0},
	};
	json_t *body = body_or_reply(r, spec);
	if (!body)
		return;
	json_t *errs = json_array();
	person_check(in.complainant, "complainant.", errs);
	if (!hjson_errors_or_reply(r, errs)) {
		json_decref(body);
		return;
	}
	db_conn *c = app_begin_or_drop(a, r, body);
	if (!c)
		return;
	char id[ID_LEN + 1], receipt[CASE_NUMBER_MAX + 1];
	sj_err e = complaint_create(c, u, &in, id, receipt);
	json_t *out = NULL, *alerts = json_array();
	e = e ? e : complaint_get(c, id, &out);
	e = e ? e : check_hits(c, u, in.complainant, "complaint", receipt, alerts);
	if (out) {
		json_object_del(out, "unit_path");
		json_object_set(out, "alerts", alerts);
	}
	json_decref(alerts);
	done(a, r, u, c, e, NULL, NULL, "complaint.create", "complaint", id,
	     json_pack("{s:s}", "receipt_no", receipt), 201, out);
	json_decref(body);
}

void api_complaint_list(app *a, http_req *r, auth_user *u)
{
	int limit;
	int64_t offset;
	if (!app_paging_or_reply(r, &limit, &offset))
		return;
	static const char *const dispositions[] = {"pending", "case_opened", "attached", "no_offence",
						   "referred_elsewhere", NULL};
	const char *disp = http_query(r, "disposition");
	bool ok = !disp;
	for (int i = 0; disp && dispositions[i]; i++)
		ok = ok || strcmp(dispositions[i], disp) == 0;
	if (!ok) {
		http_problem(r, 400, "bad-query", "disposition is not a complaint disposition", NULL);
		return;
	}
	db_conn *c = app_begin_or_reply(a, r, DB_READ);
	if (!c)
		return;
	json_t *list = NULL;
	sj_err e = complaint_list(c, role_is_national(u->role) ? NULL : u->unit.path, disp, limit, offset, &list);
	done(a, r, u, c, e, NULL, NULL, "complaint.list", "unit", u->unit.code,
	     json_pack("{s:s?,s:i,s:I,s:o?}", "disposition", disp, "limit", limit, "offset", (json_int_t)offset, "ids",
		       audit_ids(list, "id")), 200,
	     e ? NULL : json_pack("{s:o}", "complaints", list));
}

/* complaint_or_reply loads the complaint and checks scope. */
static json_t *complaint_or_reply(app *a, http_req *r, auth_user *u, db_conn *c, bool write, const char *action)
{
	json_t *o = NULL;
	sj_err e = complaint_get(c, http_param(r, "id"), &o);
	if (e) {
		fail_tx(a, r, c, e, NULL, e == SJ_ENOTFOUND ? "no such complaint" : NULL);
		return NULL;
	}
	const char *path = jstr(o, "unit_path");
	if (write ? !case_can_write(u, path) : !case_can_read(u, path)) {
		json_decref(o);
		deny(a, r, u, c, action, "complaint", http_param(r, "id"));
		return NULL;
	}
	json_object_del(o, "unit_path");
	return o;
}

void api_complaint_get(app *a, http_req *r, auth_user *u)
{
	db_conn *c = app_begin_or_reply(a, r, DB_READ);
	if (!c)
		return;
	json_t *o = complaint_or_reply(a, r, u, c, false, "complaint.read");
	if (o)
		done(a, r, u, c, SJ_OK, NULL, NULL, "complaint.read", "complaint", jstr(o, "id"), NULL, 200, o);
}

void api_complaint_dispose(app *a, http_req *r, auth_user *u)
{
	static const char *const dispositions[] = {"attached", "no_offence", "referred_elsewhere", NULL};
	const char *disp = NULL, *reason = NULL, *case_id = NULL, *referred_to = NULL;
	const hjson_field spec[] = {
		{"disposition", HJ_ENUM, 1, 0, 32, dispositions, &disp, 0},
		{"reason", HJ_STRING, 1, 3, SJ_MAX_SHORT_TEXT, NULL, &reason, 0},
		{"case_id", HJ_ID, 0, 0, 36, NULL, &case_id, 1},
		{"referred_to", HJ_STRING, 0, 2, SJ_MAX_SHORT_TEXT, NULL, &referred_to, 1},
		{NULL, 0, 0, 0, 0, NULL, NULL, 0},
	};
	json_t *body = body_or_reply(r, spec);
	if (!body)
		return;
	db_conn *c = app_begin_or_drop(a, r, body);
	if (!c)
		return;
	json_t *o = complaint_or_reply(a, r, u, c, true, "complaint.dispose");
	if (!o) {
		json_decref(body);
		return;
	}
	json_decref(o);
	const char *why = NULL;
	sj_err e = complaint_dispose(c, u, http_param(r, "id"), disp, reason, case_id, referred_to, &why);
	json_t *out = NULL;
	e = e ? e : complaint_get(c, http_param(r, "id"), &out);
	if (out)
		json_object_del(out, "unit_path");
	done(a, r, u, c, e, NULL, why, "complaint.dispose", "complaint", http_param(r, "id"),
	     json_pack("{s:s,s:s,s:s?}", "disposition", disp, "reason", reason, "case_id", case_id), 200, out);
	json_decref(body);
}

/* ---------- cases ---------- */

/* check_offences validates [{code, attempted}] into errs. */
static void check_offences(json_t *offs, json_t *errs)
{
	size_t i;
	json_t *o;
	json_array_foreach(offs, i, o) {
		char prefix[32];
		snprintf(prefix, sizeof prefix, "offences[%zu].", i);
		const hjson_field spec[] = {
			{"code", HJ_STRING, 1, 1, REF_CODE_MAX, NULL, NULL, 0},
			{"attempted", HJ_BOOL, 0, 0, 0, NULL, NULL, 0},
			{NULL, 0, 0, 0, 0, NULL, NULL, 0},
		};
		if (!json_is_object(o))
			json_array_append_new(errs, json_pack("{s:s,s:s,s:s}", "field", "offences", "code", "type",
							      "detail", "each offence is an object"));
		else
			hjson_fields_check(o, spec, prefix, errs);
	}
}

/* check_case_persons validates [{role, person_id | person}] into errs. */
static void check_case_persons(json_t *list, json_t *errs)
{
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o) {
		char prefix[32], pprefix[48];
		snprintf(prefix, sizeof prefix, "persons[%zu].", i);
		snprintf(pprefix, sizeof pprefix, "persons[%zu].person.", i);
		json_t *person = NULL;
		const char *pid = NULL;
		const hjson_field spec[] = {
			{"role", HJ_ENUM, 1, 0, 16, roles_in_case, NULL, 0},
			{"person_id", HJ_ID, 0, 0, 36, NULL, &pid, 0},
			{"person", HJ_OBJECT, 0, 0, 0, NULL, &person, 0},
			{NULL, 0, 0, 0, 0, NULL, NULL, 0},
		};
		if (!json_is_object(o)) {
			json_array_append_new(errs, json_pack("{s:s,s:s,s:s}", "field", "persons", "code", "type",
							      "detail", "each person is an object"));
			continue;
		}
		if (!hjson_fields_check(o, spec, prefix, errs))
			continue;
		if (!!pid == !!person) {
			char f[48];
			snprintf(f, sizeof f, "%sperson", prefix);
			json_array_append_new(errs, json_pack("{s:s,s:s,s:s}", "field", f, "code", "required",
							      "detail", "give either person_id or person"));
			continue;
		}
		if (person)
			person_check(person, pprefix, errs);
	}
}

static bool coords(double lat, double lon, bool have_lat, bool have_lon, json_t *errs, int64_t *late6,
		   int64_t *lone6)
{
	if (have_lat != have_lon) {
		json_array_append_new(errs, json_pack("{s:s,s:s,s:s}", "field", have_lat ? "lon" : "lat", "code",
						      "required", "detail", "give both lat and lon"));
		return false;
	}
	*late6 = (int64_t)(lat * 1e6 + (lat >= 0 ? 0.5 : -0.5));
	*lone6 = (int64_t)(lon * 1e6 + (lon >= 0 ? 0.5 : -0.5));
	return true;
}

void api_case_create(app *a, http_req *r, auth_user *u)
{
	case_new in = {0};
	double lat = 1000, lon = 1000;
	const hjson_field spec[] = {
		{"unit", HJ_STRING, 0, 1, UNIT_CODE_MAX, NULL, &in.unit_code, 1},
		{"frame", HJ_ENUM, 1, 0, 16, frames, &in.frame, 0},
		{"offences", HJ_ARRAY, 1, 0, 32, NULL, &in.offences, 0},
		{"occurred_from", HJ_INT, 0, T_MIN, T_MAX, NULL, &in.occurred_from, 1},
		{"occurred_to", HJ_INT, 0, T_MIN, T_MAX, NULL, &in.occurred_to, 1},
		{"commune", HJ_STRING, 0, 1, SJ_MAX_NAME, NULL, &in.commune, 1},
		{"address", HJ_STRING, 0, 1, SJ_MAX_SHORT_TEXT, NULL, &in.address, 1},
		{"lat", HJ_REAL, 0, -90, 90, NULL, &lat, 1},
		{"lon", HJ_REAL, 0, -180, 180, NULL, &lon, 1},
		{"summary", HJ_STRING, 1, 3, SJ_MAX_LONG_TEXT, NULL, &in.summary, 0},
		{"opj", HJ_STRING, 0, 1, SJ_MAX_BADGE, NULL, &in.opj_badge, 1},
		{"complaint_id", HJ_ID, 0, 0, 36, NULL, &in.complaint_id, 1},
		{"persons", HJ_ARRAY, 0, 0, 64, NULL, &in.persons, 1},
		{NULL, 0, 0, 0, 0, NULL, NULL, 0},
	};
	json_t *body = body_or_reply(r, spec);
	if (!body)
		return;
	json_t *errs = json_array();
	if (json_array_size(in.offences) == 0)
		json_array_append_new(errs, json_pack("{s:s,s:s,s:s}", "field", "offences", "code", "required",
						      "detail", "charge at least one offence"));
	check_offences(in.offences, errs);
	check_case_persons(in.persons, errs);
	if (in.occurred_from && in.occurred_to && in.occurred_to < in.occurred_from)
		json_array_append_new(errs, json_pack("{s:s,s:s,s:s}", "field", "occurred_to", "code", "range",
						      "detail", "the window ends before it starts"));
	in.has_coords = coords(lat, lon, lat != 1000, lon != 1000, errs, &in.lat_e6, &in.lon_e6) && lat != 1000;
	if (!hjson_errors_or_reply(r, errs)) {
		json_decref(body);
		return;
	}
	db_conn *c = app_begin_or_drop(a, r, body);
	if (!c)
		return;
	char id[ID_LEN + 1] = "", number[CASE_NUMBER_MAX + 1] = "";
	const char *field = NULL, *why = NULL;
	sj_err e = case_create(c, u, &in, id, number, &field, &why);
	json_t *out = NULL, *alerts = json_array();
	e = e ? e : case_get(c, id, &out);
	if (!e) {
		size_t i;
		json_t *cp;
		json_array_foreach(json_object_get(out, "persons"), i, cp) {
			json_t *full = NULL;
			const char *pid = jstr(cp, "person_id") ? jstr(cp, "person_id") : jstr(cp, "id");
			if (pid && persons_get(c, pid, &full) == SJ_OK)
				e = check_hits(c, u, full, "case", number, alerts);
			json_decref(full);
			if (e)
				break;
		}
	}
	if (out) {
		json_object_del(out, "unit_path");
		json_object_set(out, "alerts", alerts);
	}
	json_decref(alerts);
	done(a, r, u, c, e, field, why, "case.create", "case", id, json_pack("{s:s}", "number", number), 201, out);
	json_decref(body);
}

void api_case_list(app *a, http_req *r, auth_user *u)
{
	int limit;
	int64_t offset;
	if (!app_paging_or_reply(r, &limit, &offset))
		return;
	const char *status = http_query(r, "status");
	static const char *const statuses[] = {"registered", "under_investigation", "referred", "closed", "cancelled", NULL};
	bool ok = !status;
	for (int i = 0; status && statuses[i]; i++)
		ok = ok || strcmp(statuses[i], status) == 0;
	if (!ok) {
		http_problem(r, 400, "bad-query", "status is not a case status", NULL);
		return;
	}
	db_conn *c = app_begin_or_reply(a, r, DB_READ);
	if (!c)
		return;
	json_t *list = NULL;
	sj_err e = case_list(c, role_is_national(u->role) ? NULL : u->unit.path, status, limit, offset, &list);
	done(a, r, u, c, e, NULL, NULL, "case.list", "unit", u->unit.code,
	     json_pack("{s:s?,s:i,s:I,s:o?}", "status", status, "limit", limit, "offset", (json_int_t)offset, "ids",
		       audit_ids(list, "id")), 200,
	     e ? NULL : json_pack("{s:o}", "cases", list));
}

void api_case_get(app *a, http_req *r, auth_user *u)
{
	db_conn *c = app_begin_or_reply(a, r, DB_READ);
	if (!c)
		return;
	case_ref ref;
	if (!case_or_reply(a, r, u, c, http_param(r, "id"), false, &ref, "case.read"))
		return;
	json_t *o = NULL, *pvs = NULL, *cust = NULL, *seiz = NULL, *refs = NULL;
	sj_err e = case_get(c, ref.id, &o);
	e = e ? e : pv_list(c, ref.id, false, &pvs);
	e = e ? e : custody_list_case(c, ref.id, &cust);
	e = e ? e : seizure_list_case(c, ref.id, &seiz);
	e = e ? e : referral_list_case(c, ref.id, &refs);
	if (!e) {
		json_object_del(o, "unit_path");
		json_object_set_new(o, "pvs", pvs);
		json_object_set_new(o, "custodies", cust);
		json_object_set_new(o, "seizures", seiz);
		json_object_set_new(o, "referrals", refs);
	} else {
		json_decref(pvs);
		json_decref(cust);
		json_decref(seiz);
		json_decref(refs);
	}
	done(a, r, u, c, e, NULL, NULL, "case.read", "case", ref.id, NULL, 200, o);
}

void api_case_history(app *a, http_req *r, auth_user *u)
{
	db_conn *c = app_begin_or_reply(a, r, DB_READ);
	if (!c)
		return;
	case_ref ref;
	if (!case_or_reply(a, r, u, c, http_param(r, "id"), false, &ref, "case.history"))
		return;
	json_t *ev = NULL;
	sj_err e = case_history(c, ref.id, &ev);
	done(a, r, u, c, e, NULL, NULL, "case.history", "case", ref.id, NULL, 200,
	     e ? NULL : json_pack("{s:s,s:s,s:o}", "case_id", ref.id, "number", ref.number, "events", ev));
}

/* reply_case answers the whole case after a write. */
static void write_done(app *a, http_req *r, auth_user *u, db_conn *c, sj_err e, const char *field, const char *why,
		       const char *action, const case_ref *ref, json_t *detail, int status)
{
	json_t *out = NULL;
	e = e ? e : case_get(c, ref->id, &out);
	if (out)
		json_object_del(out, "unit_path");
	done(a, r, u, c, e, field, why, action, "case", ref->id, detail, status, out);
}

void api_case_update(app *a, http_req *r, auth_user *u)
{
	double lat = 1000, lon = 1000;
	const hjson_field spec[] = {
		{"frame", HJ_ENUM, 0, 0, 16, frames, NULL, 0},
		{"occurred_from", HJ_INT, 0, T_MIN, T_MAX, NULL, NULL, 0},
		{"occurred_to", HJ_INT, 0, T_MIN, T_MAX, NULL, NULL, 0},
		{"commune", HJ_STRING, 0, 1, SJ_MAX_NAME, NULL, NULL, 0},
		{"address", HJ_STRING, 0, 1, SJ_MAX_SHORT_TEXT, NULL, NULL, 0},
		{"lat", HJ_REAL, 0, -90, 90, NULL, &lat, 0},
		{"lon", HJ_REAL, 0, -180, 180, NULL, &lon, 0},
		{"summary", HJ_STRING, 0, 3, SJ_MAX_LONG_TEXT, NULL, NULL, 0},
		{NULL, 0, 0, 0, 0, NULL, NULL, 0},
	};
	json_t *body = body_or_reply(r, spec);
	if (!body)
		return;
	json_t *errs = json_array();
	int64_t le6 = 0, oe6 = 0;
	if (json_object_size(body) == 0)
		json_array_append_new(errs, json_pack("{s:s,s:s,s:s}", "field", "body", "code", "required",
						      "detail", "nothing to change"));
	if (coords(lat, lon, lat != 1000, lon != 1000, errs, &le6, &oe6) && lat != 1000) {
		json_object_del(body, "lat");
		json_object_del(body, "lon");
		json_object_set_new(body, "lat_e6", json_integer(le6));
		json_object_set_new(body, "lon_e6", json_integer(oe6));
	}
	if (!hjson_errors_or_reply(r, errs)) {
		json_decref(body);
		return;
	}
	db_conn *c = app_begin_or_drop(a, r, body);
	if (!c)
		return;
	case_ref ref;
	if (case_or_reply(a, r, u, c, http_param(r, "id"), true, &ref, "case.update")) {
		const char *why = NULL;
		sj_err e = case_update(c, u, &ref, body, &why);
		write_done(a, r, u, c, e, NULL, why, "case.update", &ref, json_deep_copy(body), 200);
	}
	json_decref(body);
}

void api_case_add_offence(app *a, http_req *r, auth_user *u)
{
	const char *code = NULL;
	int attempted = 0;
	const hjson_field spec[] = {
		{"code", HJ_STRING, 1, 1, REF_CODE_MAX, NULL, &code, 0},
		{"attempted", HJ_BOOL, 0, 0, 0, NULL, &attempted, 0},
		{NULL, 0, 0, 0, 0, NULL, NULL, 0},
	};
	json_t *body = body_or_reply(r, spec);
	if (!body)
		return;
	db_conn *c = app_begin_or_drop(a, r, body);
	if (!c)
		return;
	case_ref ref;
	if (case_or_reply(a, r, u, c, http_param(r, "id"), true, &ref, "case.offence")) {
		const char *why = NULL, *field = NULL;
		sj_err e = case_add_offence(c, u, &ref, code, attempted, &field, &why);
		write_done(a, r, u, c, e, field, why ? why : "not in the offence catalogue", "case.offence", &ref,
			   json_pack("{s:s,s:b}", "code", code, "attempted", attempted), 200);
	}
	json_decref(body);
}

void api_case_status(app *a, http_req *r, auth_user *u)
{
	static const char *const targets[] = {"under_investigation", "closed", "cancelled", NULL};
	const char *status = NULL, *reason = NULL;
	const hjson_field spec[] = {
		{"status", HJ_ENUM, 1, 0, 24, targets, &status, 0},
		{"reason", HJ_STRING, 0, 3, SJ_MAX_SHORT_TEXT, NULL, &reason, 1},
		{NULL, 0, 0, 0, 0, NULL, NULL, 0},
	};
	json_t *body = body_or_reply(r, spec);
	if (!body)
		return;
	db_conn *c = app_begin_or_drop(a, r, body);
	if (!c)
		return;
	case_ref ref;
	if (case_or_reply(a, r, u, c, http_param(r, "id"), true, &ref, "case.status")) {
		const char *why = NULL;
		char from[24];
		snprintf(from, sizeof from, "%s", ref.status);
		sj_err e = case_set_status(c, u, &ref, status, reason, &why);
		write_done(a, r, u, c, e, NULL, why, "case.status", &ref,
			   json_pack("{s:s,s:s,s:s?}", "from", from, "to", status, "reason", reason), 200);
	}
	json_decref(body);
}

void api_case_assign(app *a, http_req *r, auth_user *u)
{
	const char *opj = NULL, *reason = NULL;
	const hjson_field spec[] = {
		{"opj", HJ_STRING, 1, 1, SJ_MAX_BADGE, NULL, &opj, 0},
		{"reason", HJ_STRING, 0, 3, SJ_MAX_SHORT_TEXT, NULL, &reason, 1},
		{NULL, 0, 0, 0, 0, NULL, NULL, 0},
	};
	json_t *body = body_or_reply(r, spec);
	if (!body)
		return;
	db_conn *c = app_begin_or_drop(a, r, body);
	if (!c)
		return;
	case_ref ref;
	if (case_or_reply(a, r, u, c, http_param(r, "id"), true, &ref, "case.assign")) {
		const char *why = NULL;
		sj_err e = case_assign(c, u, &ref, opj, reason, &why);
		write_done(a, r, u, c, e, NULL, why, "case.assign", &ref,
			   json_pack("{s:s,s:s?}", "opj", opj, "reason", reason), 200);
	}
	json_decref(body);
}

/* ---------- persons ---------- */

void api_case_person_add(app *a, http_req *r, auth_user *u)
{
	const char *prole = NULL, *person_id = NULL;
	json_t *person = NULL;
	const hjson_field spec[] = {
		{"role", HJ_ENUM, 1, 0, 16, roles_in_case, &prole, 0},
		{"person_id", HJ_ID, 0, 0, 36, NULL, &person_id, 0},
		{"person", HJ_OBJECT, 0, 0, 0, NULL, &person, 0},
		{NULL, 0, 0, 0, 0, NULL, NULL, 0},
	};
	json_t *body = body_or_reply(r, spec);
	if (!body)
		return;
	json_t *errs = json_array();
	if (!!person_id == !!person)
		json_array_append_new(errs, json_pack("{s:s,s:s,s:s}", "field", "person", "code", "required",
						      "detail", "give either person_id or person"));
	else if (person)
		person_check(person, "person.", errs);
	if (!hjson_errors_or_reply(r, errs)) {
		json_decref(body);
		return;
	}
	db_conn *c = app_begin_or_drop(a, r, body);
	if (!c)
		return;
	case_ref ref;
	if (case_or_reply(a, r, u, c, http_param(r, "id"), true, &ref, "case.person")) {
		const char *why = NULL;
		char pid[ID_LEN + 1] = "";
		bool reused = false;
		sj_err e = SJ_OK;
		if (!case_is_open(&ref)) {
			e = SJ_ECONFLICT;
			why = "persons are added only while the case is open";
		}
		e = e ? e : case_person_add(c, u, &ref, prole, person_id, person, pid, &reused, &why);
		json_t *p = NULL, *alerts = json_array();
		e = e ? e : persons_get(c, pid, &p);
		e = e ? e : check_hits(c, u, p, "case", ref.number, alerts);
		if (!e) {
			json_object_set(p, "alerts", alerts);
			json_object_set_new(p, "role", json_string(prole));
			json_object_set_new(p, "reused", json_boolean(reused));
			json_object_set_new(p, "case_id", json_string(ref.id));
		}
		json_decref(alerts);
		done(a, r, u, c, e, NULL, why, "case.person", "person", pid,
		     json_pack("{s:s,s:s,s:b}", "case_id", ref.id, "role", prole, "reused", reused), 201, p);
	}
	json_decref(body);
}

void api_person_get(app *a, http_req *r, auth_user *u)
{
	const char *id = http_param(r, "id");
	db_conn *c = app_begin_or_reply(a, r, DB_READ);
	if (!c)
		return;
	json_t *p = NULL, *cases = NULL;
	bool known = false;
	sj_err e = id_valid(id) ? persons_get(c, id, &p) : SJ_ENOTFOUND;
	e = e ? e : case_person_history(c, id, role_is_national(u->role) ? NULL : u->unit.path, &cases, &known);
	if (!e && !role_is_national(u->role) && json_array_size(cases) == 0) {
		/* A person with no case in the caller's scope is not theirs to read. */
		json_decref(p);
		json_decref(cases);
		deny(a, r, u, c, "person.read", "person", id);
		return;
	}
	if (!e) {
		json_object_set_new(p, "cases", cases);
		json_object_set_new(p, "known_to_police", json_boolean(known));
	} else {
		json_decref(cases);
	}
	done(a, r, u, c, e, NULL, e == SJ_ENOTFOUND ? "no such person" : NULL, "person.read", "person", id, NULL, 200,
	     p);
}

/* ---------- PVs ---------- */

#define PV_SPEC_COMMON                                                                                  \
	{"person_id", HJ_ID, 0, 0, 36, NULL, NULL, 1},                                                   \
	{"custody_id", HJ_ID, 0, 0, 36, NULL, NULL, 1},                                                  \
	{"act_at", HJ_INT, 0, T_MIN, T_MAX, NULL, NULL, 0},                                              \
	{"place", HJ_STRING, 0, 1, SJ_MAX_SHORT_TEXT, NULL, NULL, 1},                                    \
	{"statements", HJ_STRING, 0, 0, SJ_MAX_LONG_TEXT, NULL, NULL, 1},                                \
	{"read_back", HJ_BOOL, 0, 0, 0, NULL, NULL, 0},                                                  \
	{"signature", HJ_ENUM, 0, 0, 16, signatures, NULL, 1},                                           \
	{"refusal_reason", HJ_STRING, 0, 1, SJ_MAX_SHORT_TEXT, NULL, NULL, 1},                           \
	{"drafter_rank", HJ_STRING, 0, 2, SJ_MAX_NAME, NULL, NULL, 1}

/* strip_nulls drops members given as null (absent). */
static void strip_nulls(json_t *o)
{
	const char *k;
	json_t *v;
	void *tmp;
	json_object_foreach_safe(o, tmp, k, v) if (json_is_null(v)) json_object_del(o, k);
}

void api_pv_create(app *a, http_req *r, auth_user *u)
{
	const hjson_field spec[] = {
		{"type", HJ_ENUM, 1, 0, 32, pv_types, NULL, 0},
		{"frame", HJ_ENUM, 0, 0, 16, frames, NULL, 1},
		{"corrects", HJ_ID, 0, 0, 36, NULL, NULL, 1},
		PV_SPEC_COMMON,
		{NULL, 0, 0, 0, 0, NULL, NULL, 0},
	};
	json_t *body = body_or_reply(r, spec);
	if (!body)
		return;
	strip_nulls(body);
	db_conn *c = app_begin_or_drop(a, r, body);
	if (!c)
		return;
	case_ref ref;
	if (case_or_reply(a, r, u, c, http_param(r, "id"), true, &ref, "pv.create")) {
		const char *why = NULL, *field = NULL;
		char id[ID_LEN + 1] = "", number[CASE_NUMBER_MAX + 32] = "";
		sj_err e = pv_create(c, u, &ref, body, id, number, &field, &why);
		json_t *out = NULL;
		e = e ? e : pv_get(c, id, &out);
		done(a, r, u, c, e, NULL, why, "pv.create", "pv", id,
		     json_pack("{s:s,s:s,s:s}", "case_id", ref.id, "number", number, "type", jstr(body, "type")), 201,
		     out);
	}
	json_decref(body);
}

void api_pv_get(app *a, http_req *r, auth_user *u)
{
	child_read(a, r, u, pv_case_id, "PV", "pv.read", "pv", pv_get);
}

void api_pv_update(app *a, http_req *r, auth_user *u)
{
	const hjson_field spec[] = {
		PV_SPEC_COMMON,
		{NULL, 0, 0, 0, 0, NULL, NULL, 0},
	};
	json_t *body = body_or_reply(r, spec);
	if (!body)
		return;
	strip_nulls(body);
	db_conn *c = app_begin_or_drop(a, r, body);
	if (!c)
		return;
	case_ref ref;
	if (child_or_reply(a, r, u, c, pv_case_id, "PV", true, &ref, "pv.update")) {
		const char *why = NULL, *field = NULL;
		sj_err e = pv_update(c, u, &ref, http_param(r, "id"), body, &field, &why);
		json_t *out = NULL;
		e = e ? e : pv_get(c, http_param(r, "id"), &out);
		done(a, r, u, c, e, NULL, why, "pv.update", "pv", http_param(r, "id"), NULL, 200, out);
	}
	json_decref(body);
}

void api_pv_seal(app *a, http_req *r, auth_user *u)
{
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	case_ref ref;
	if (!child_or_reply(a, r, u, c, pv_case_id, "PV", true, &ref, "pv.seal"))
		return;
	const char *why = NULL;
	sj_err e = pv_seal(c, u, &ref, http_param(r, "id"), &why);
	json_t *out = NULL;
	e = e ? e : pv_get(c, http_param(r, "id"), &out);
	done(a, r, u, c, e, NULL, why, "pv.seal", "pv", http_param(r, "id"),
	     e ? NULL : json_pack("{s:O}", "seal", json_object_get(out, "seal")), 200, out);
}

/* reply_html commits the audited read and sends html. */
static void html_done(app *a, http_req *r, auth_user *u, db_conn *c, sj_err e, const char *action,
		      const char *otype, const char *oid, buf *html)
{
	if (e) {
		fail_tx(a, r, c, e, NULL, NULL);
		return;
	}
	e = app_audit(c, r, u, action, otype, oid, http_query(r, "purpose"), "ok", NULL);
	if (app_finish(a, r, c, e))
		http_reply_bytes(r, 200, "text/html; charset=utf-8", buf_str(html), html->len);
}

void api_pv_print(app *a, http_req *r, auth_user *u)
{
	db_conn *c = app_begin_or_reply(a, r, DB_READ);
	if (!c)
		return;
	case_ref ref;
	if (!child_or_reply(a, r, u, c, pv_case_id, "PV", false, &ref, "pv.print"))
		return;
	json_t *pv = NULL;
	buf html;
	buf_init(&html, PRINT_MAX_HTML);
	sj_err e = pv_get(c, http_param(r, "id"), &pv);
	e = e ? e : print_pv_html(pv, &html);
	html_done(a, r, u, c, e, "pv.print", "pv", http_param(r, "id"), &html);
	json_decref(pv);
	buf_free(&html);
}

/* ---------- custody ---------- */

void api_custody_open(app *a, http_req *r, auth_user *u)
{
	custody_new in = {0};
	const hjson_field spec[] = {
		{"person_id", HJ_ID, 1, 0, 36, NULL, &in.person_id, 0},
		{"regime", HJ_ENUM, 1, 0, 24, regimes, &in.regime, 0},
		{"ground", HJ_STRING, 1, 3, SJ_MAX_SHORT_TEXT, NULL, &in.ground, 0},
		{"started_at", HJ_INT, 0, T_MIN, T_MAX, NULL, &in.started_at, 1},
		{"place", HJ_STRING, 0, 1, SJ_MAX_SHORT_TEXT, NULL, &in.place, 1},
		{"guardian_informed_at", HJ_INT, 0, T_MIN, T_MAX, NULL, &in.guardian_informed_at, 1},
		{"guardian_informed_how", HJ_STRING, 0, 2, SJ_MAX_SHORT_TEXT, NULL, &in.guardian_informed_how, 1},
		{NULL, 0, 0, 0, 0, NULL, NULL, 0},
	};
	json_t *body = body_or_reply(r, spec);
	if (!body)
		return;
	db_conn *c = app_begin_or_drop(a, r, body);
	if (!c)
		return;
	case_ref ref;
	if (case_or_reply(a, r, u, c, http_param(r, "id"), true, &ref, "custody.open")) {
		const char *why = NULL;
		char id[ID_LEN + 1] = "";
		sj_err e = custody_open(c, u, &ref, &in, id, &why);
		json_t *out = NULL;
		e = e ? e : custody_get(c, id, &out);
		done(a, r, u, c, e, NULL, why, "custody.open", "custody", id,
		     json_pack("{s:s,s:s,s:s}", "case_id", ref.id, "person_id", in.person_id, "regime", in.regime), 201,
		     out);
	}
	json_decref(body);
}

void api_custody_get(app *a, http_req *r, auth_user *u)
{
	child_read(a, r, u, custody_case_id, "custody", "custody.read", "custody", custody_get);
}

void api_custody_update(app *a, http_req *r, auth_user *u)
{
	const hjson_field spec[] = {
		{"family_informed_at", HJ_INT, 0, T_MIN, T_MAX, NULL, NULL, 0},
		{"family_informed_how", HJ_STRING, 0, 2, SJ_MAX_SHORT_TEXT, NULL, NULL, 0},
		{"lawyer_contacted_at", HJ_INT, 0, T_MIN, T_MAX, NULL, NULL, 0},
		{"guardian_informed_at", HJ_INT, 0, T_MIN, T_MAX, NULL, NULL, 0},
		{"guardian_informed_how", HJ_STRING, 0, 2, SJ_MAX_SHORT_TEXT, NULL, NULL, 0},
		{"lawyer_delay_ref", HJ_STRING, 0, 1, 128, NULL, NULL, 0},
		{"lawyer_delay_date", HJ_DATE, 0, 0, 10, NULL, NULL, 0},
		{NULL, 0, 0, 0, 0, NULL, NULL, 0},
	};
	json_t *body = body_or_reply(r, spec);
	if (!body)
		return;
	if (!json_object_get(body, "family_informed_at") && !json_object_get(body, "lawyer_contacted_at") &&
	    !json_object_get(body, "guardian_informed_at") && !json_object_get(body, "lawyer_delay_ref")) {
		http_problem(r, 400, "validation", "the request has invalid fields",
			     json_pack("{s:[{s:s,s:s,s:s}]}", "errors", "field", "family_informed_at", "code", "required",
				       "detail",
				       "give family_informed_at, lawyer_contacted_at, guardian_informed_at or lawyer_delay_ref"));
		json_decref(body);
		return;
	}
	db_conn *c = app_begin_or_drop(a, r, body);
	if (!c)
		return;
	case_ref ref;
	if (child_or_reply(a, r, u, c, custody_case_id, "custody", true, &ref, "custody.update")) {
		const char *why = NULL;
		sj_err e = custody_update(c, u, &ref, http_param(r, "id"), body, &why);
		json_t *out = NULL;
		e = e ? e : custody_get(c, http_param(r, "id"), &out);
		done(a, r, u, c, e, NULL, why, "custody.update", "custody", http_param(r, "id"), json_deep_copy(body),
		     200, out);
	}
	json_decref(body);
}

void api_custody_extend(app *a, http_req *r, auth_user *u)
{
	const char *ref_no = NULL, *date = NULL, *by = NULL;
	const hjson_field spec[] = {
		{"authorisation_ref", HJ_STRING, 0, 1, 128, NULL, &ref_no, 1},
		{"authorisation_date", HJ_DATE, 0, 0, 10, NULL, &date, 1},
		{"authorised_by", HJ_STRING, 0, 2, SJ_MAX_NAME, NULL, &by, 1},
		{NULL, 0, 0, 0, 0, NULL, NULL, 0},
	};
	json_t *body = body_or_reply(r, spec);
	if (!body)
		return;
	db_conn *c = app_begin_or_drop(a, r, body);
	if (!c)
		return;
	case_ref ref;
	if (child_or_reply(a, r, u, c, custody_case_id, "custody", true, &ref, "custody.extend")) {
		const char *why = NULL;
		sj_err e = custody_extend(c, u, &ref, http_param(r, "id"), ref_no, date, by, &why);
		json_t *out = NULL;
		e = e ? e : custody_get(c, http_param(r, "id"), &out);
		done(a, r, u, c, e, NULL, why, "custody.extend", "custody", http_param(r, "id"),
		     json_pack("{s:s?,s:s?}", "authorisation_ref", ref_no, "authorisation_date", date), 200, out);
	}
	json_decref(body);
}

void api_custody_close(app *a, http_req *r, auth_user *u)
{
	static const char *const ends[] = {"released", "presented", NULL};
	const char *end = NULL, *note = NULL;
	int64_t at = 0;
	const hjson_field spec[] = {
		{"end", HJ_ENUM, 1, 0, 16, ends, &end, 0},
		{"at", HJ_INT, 0, T_MIN, T_MAX, NULL, &at, 1},
		{"note", HJ_STRING, 0, 1, SJ_MAX_SHORT_TEXT, NULL, &note, 1},
		{NULL, 0, 0, 0, 0, NULL, NULL, 0},
	};
	json_t *body = body_or_reply(r, spec);
	if (!body)
		return;
	db_conn *c = app_begin_or_drop(a, r, body);
	if (!c)
		return;
	case_ref ref;
	if (child_or_reply(a, r, u, c, custody_case_id, "custody", true, &ref, "custody.close")) {
		const char *why = NULL;
		sj_err e = custody_close(c, u, &ref, http_param(r, "id"), end, at, note, &why);
		json_t *out = NULL;
		e = e ? e : custody_get(c, http_param(r, "id"), &out);
		done(a, r, u, c, e, NULL, why, "custody.close", "custody", http_param(r, "id"),
		     json_pack("{s:s}", "end", end), 200, out);
	}
	json_decref(body);
}

void api_custody_deadlines(app *a, http_req *r, auth_user *u)
{
	db_conn *c = app_begin_or_reply(a, r, DB_READ);
	if (!c)
		return;
	json_t *list = NULL;
	sj_err e = custody_deadlines(c, role_is_national(u->role) ? NULL : u->unit.path, &list);
	size_t overdue = 0, lawyer = 0, family = 0, guardian = 0, i;
	json_t *o;
	if (!e)
		json_array_foreach(list, i, o) {
			overdue += json_is_true(json_object_get(o, "overdue"));
			lawyer += json_is_true(json_object_get(o, "lawyer_overdue"));
			family += json_is_true(json_object_get(o, "family_pending"));
			guardian += json_is_true(json_object_get(o, "guardian_pending"));
		}
	done(a, r, u, c, e, NULL, NULL, "custody.deadlines", "unit", u->unit.code,
	     json_pack("{s:o?}", "ids", audit_ids(list, "id")), 200,
	     e ? NULL
	       : json_pack("{s:I,s:I,s:I,s:I,s:I,s:o}", "now", (json_int_t)clock_now_ms(), "overdue", (json_int_t)overdue,
			   "lawyer_overdue", (json_int_t)lawyer, "family_pending", (json_int_t)family, "guardian_pending",
			   (json_int_t)guardian, "custodies", list));
}

/* unit_or_reply resolves {code} and checks the caller may read it. */
static bool unit_or_reply(app *a, http_req *r, auth_user *u, db_conn *c, unit_info *unit, const char *action)
{
	sj_err e = unit_get_by_code(c, http_param(r, "code"), unit);
	if (e) {
		fail_tx(a, r, c, e, NULL, e == SJ_ENOTFOUND ? "no such unit" : NULL);
		return false;
	}
	if (!case_can_read(u, unit->path)) {
		deny(a, r, u, c, action, "unit", unit->code);
		return false;
	}
	return true;
}

void api_custody_register(app *a, http_req *r, auth_user *u)
{
	int limit;
	int64_t offset;
	if (!app_paging_or_reply(r, &limit, &offset))
		return;
	db_conn *c = app_begin_or_reply(a, r, DB_READ);
	if (!c)
		return;
	unit_info unit;
	if (!unit_or_reply(a, r, u, c, &unit, "custody.register"))
		return;
	json_t *list = NULL;
	sj_err e = custody_register(c, unit.id, limit, offset, &list);
	done(a, r, u, c, e, NULL, NULL, "custody.register", "unit", unit.code, NULL, 200,
	     e ? NULL : json_pack("{s:s,s:o}", "unit", unit.code, "custodies", list));
}

static void daily_list(app *a, http_req *r, auth_user *u, bool html)
{
	const char *date = http_query(r, "date");
	int64_t from = 0;
	if (date && (!hjson_valid_date(date) || !ref_date_ms(date, &from))) {
		http_problem(r, 400, "bad-query", "date must be YYYY-MM-DD", NULL);
		return;
	}
	if (!date) {
		/* today, in Moroccan legal time */
		int64_t now = clock_now_ms() + 3600000LL;
		from = now - now % 86400000LL - 3600000LL;
	}
	db_conn *c = app_begin_or_reply(a, r, DB_READ);
	if (!c)
		return;
	unit_info unit;
	if (!unit_or_reply(a, r, u, c, &unit, "custody.daily"))
		return;
	json_t *list = NULL;
	sj_err e = custody_daily(c, unit.id, from, from + 86400000LL, &list);
	json_t *out = e ? NULL
			: json_pack("{s:s,s:s,s:s,s:I,s:I,s:o}", "unit", unit.code, "unit_name_fr", unit.name_fr,
				    "unit_name_ar", unit.name_ar, "from", (json_int_t)from, "to",
				    (json_int_t)(from + 86400000LL), "held", list);
	if (!e && !out)
		e = SJ_ENOMEM;
	if (html) {
		buf page;
		buf_init(&page, PRINT_MAX_HTML);
		e = e ? e : print_daily_html(out, &page);
		html_done(a, r, u, c, e, "custody.daily", "unit", unit.code, &page);
		buf_free(&page);
		json_decref(out);
		return;
	}
	done(a, r, u, c, e, NULL, NULL, "custody.daily", "unit", unit.code, NULL, 200, out);
}

void api_custody_daily(app *a, http_req *r, auth_user *u)
{
	daily_list(a, r, u, false);
}

void api_custody_daily_html(app *a, http_req *r, auth_user *u)
{
	daily_list(a, r, u, true);
}

/* ---------- seizures ---------- */

void api_seizure_create(app *a, http_req *r, auth_user *u)
{
	seizure_new in = {0};
	const hjson_field spec[] = {
		{"seal_no", HJ_STRING, 1, 1, 64, NULL, &in.seal_no, 0},
		{"description", HJ_STRING, 1, 2, SJ_MAX_SHORT_TEXT, NULL, &in.description, 0},
		{"quantity", HJ_STRING, 1, 1, 64, NULL, &in.quantity, 0},
		{"storage_place", HJ_STRING, 1, 2, SJ_MAX_SHORT_TEXT, NULL, &in.storage_place, 0},
		{"holder", HJ_STRING, 1, 2, SJ_MAX_NAME, NULL, &in.holder, 0},
		{"pv_id", HJ_ID, 0, 0, 36, NULL, &in.pv_id, 1},
		{"seized_at", HJ_INT, 0, T_MIN, T_MAX, NULL, &in.seized_at, 1},
		{NULL, 0, 0, 0, 0, NULL, NULL, 0},
	};
	json_t *body = body_or_reply(r, spec);
	if (!body)
		return;
	db_conn *c = app_begin_or_drop(a, r, body);
	if (!c)
		return;
	case_ref ref;
	if (case_or_reply(a, r, u, c, http_param(r, "id"), true, &ref, "seizure.create")) {
		const char *why = NULL;
		char id[ID_LEN + 1] = "";
		sj_err e = seizure_create(c, u, &ref, &in, id, &why);
		json_t *out = NULL;
		e = e ? e : seizure_get(c, id, &out);
		done(a, r, u, c, e, NULL, why, "seizure.create", "seizure", id,
		     json_pack("{s:s,s:s}", "case_id", ref.id, "seal_no", in.seal_no), 201, out);
	}
	json_decref(body);
}

void api_seizure_get(app *a, http_req *r, auth_user *u)
{
	child_read(a, r, u, seizure_case_id, "seizure", "seizure.read", "seizure", seizure_get);
}

void api_seizure_transfer(app *a, http_req *r, auth_user *u)
{
	const char *to = NULL, *reason = NULL, *place = NULL;
	int64_t at = 0;
	const hjson_field spec[] = {
		{"to", HJ_STRING, 1, 2, SJ_MAX_NAME, NULL, &to, 0},
		{"reason", HJ_STRING, 1, 3, SJ_MAX_SHORT_TEXT, NULL, &reason, 0},
		{"storage_place", HJ_STRING, 0, 2, SJ_MAX_SHORT_TEXT, NULL, &place, 1},
		{"at", HJ_INT, 0, T_MIN, T_MAX, NULL, &at, 1},
		{NULL, 0, 0, 0, 0, NULL, NULL, 0},
	};
	json_t *body = body_or_reply(r, spec);
	if (!body)
		return;
	db_conn *c = app_begin_or_drop(a, r, body);
	if (!c)
		return;
	case_ref ref;
	if (child_or_reply(a, r, u, c, seizure_case_id, "seizure", true, &ref, "seizure.transfer")) {
		const char *why = NULL;
		sj_err e = seizure_transfer(c, u, &ref, http_param(r, "id"), to, reason, place, at, &why);
		json_t *out = NULL;
		e = e ? e : seizure_get(c, http_param(r, "id"), &out);
		done(a, r, u, c, e, NULL, why, "seizure.transfer", "seizure", http_param(r, "id"),
		     json_pack("{s:s,s:s}", "to", to, "reason", reason), 201, out);
	}
	json_decref(body);
}

/* ---------- referral ---------- */

void api_referral_create(app *a, http_req *r, auth_user *u)
{
	const char *office = NULL, *reason = NULL;
	const hjson_field spec[] = {
		{"office", HJ_STRING, 0, 1, REF_CODE_MAX, NULL, &office, 1},
		{"override_reason", HJ_STRING, 0, 3, SJ_MAX_SHORT_TEXT, NULL, &reason, 1},
		{NULL, 0, 0, 0, 0, NULL, NULL, 0},
	};
	json_t *body = body_or_reply(r, spec);
	if (!body)
		return;
	db_conn *c = app_begin_or_drop(a, r, body);
	if (!c)
		return;
	case_ref ref;
	if (case_or_reply(a, r, u, c, http_param(r, "id"), true, &ref, "referral.create")) {
		const char *why = NULL;
		char id[ID_LEN + 1] = "", tn[CASE_NUMBER_MAX + 1] = "";
		sj_err e = referral_create(c, u, &ref, office, reason, id, tn, &why);
		json_t *out = NULL;
		e = e ? e : referral_get(c, id, false, &out);
		done(a, r, u, c, e, NULL, why, "referral.create", "referral", id,
		     json_pack("{s:s,s:s}", "case_id", ref.id, "transmission_no", tn), 201, out);
	}
	json_decref(body);
}

static void referral_read(app *a, http_req *r, auth_user *u, int form)
{
	db_conn *c = app_begin_or_reply(a, r, DB_READ);
	if (!c)
		return;
	static const char *const actions[] = {"referral.read", "referral.bundle", "referral.bundle"};
	case_ref ref;
	if (!child_or_reply(a, r, u, c, referral_case_id, "referral", false, &ref, actions[form]))
		return;
	json_t *out = NULL;
	sj_err e = referral_get(c, http_param(r, "id"), form != 0, &out);
	if (form == 2) {
		buf html;
		buf_init(&html, PRINT_MAX_HTML);
		e = e ? e : print_bundle_html(out, &html);
		html_done(a, r, u, c, e, actions[form], "referral", http_param(r, "id"), &html);
		buf_free(&html);
		json_decref(out);
		return;
	}
	done(a, r, u, c, e, NULL, NULL, actions[form], "referral", http_param(r, "id"), NULL, 200, out);
}

void api_referral_get(app *a, http_req *r, auth_user *u)
{
	referral_read(a, r, u, 0);
}

void api_referral_bundle(app *a, http_req *r, auth_user *u)
{
	referral_read(a, r, u, 1);
}

void api_referral_bundle_html(app *a, http_req *r, auth_user *u)
{
	referral_read(a, r, u, 2);
}

void api_referral_outcome(app *a, http_req *r, auth_user *u)
{
	static const char *const outcomes[] = {"prosecuted", "investigating_judge", "further_inquiry",
					       "no_further_action", "other", NULL};
	const char *outcome = NULL, *note = NULL;
	const hjson_field spec[] = {
		{"outcome", HJ_ENUM, 1, 0, 32, outcomes, &outcome, 0},
		{"note", HJ_STRING, 0, 1, SJ_MAX_SHORT_TEXT, NULL, &note, 1},
		{NULL, 0, 0, 0, 0, NULL, NULL, 0},
	};
	json_t *body = body_or_reply(r, spec);
	if (!body)
		return;
	db_conn *c = app_begin_or_drop(a, r, body);
	if (!c)
		return;
	case_ref ref;
	if (child_or_reply(a, r, u, c, referral_case_id, "referral", true, &ref, "referral.outcome")) {
		const char *why = NULL;
		sj_err e = referral_outcome(c, u, &ref, http_param(r, "id"), outcome, note, &why);
		json_t *out = NULL;
		e = e ? e : referral_get(c, http_param(r, "id"), false, &out);
		done(a, r, u, c, e, NULL, why, "referral.outcome", "referral", http_param(r, "id"),
		     json_pack("{s:s}", "outcome", outcome), 200, out);
	}
	json_decref(body);
}
