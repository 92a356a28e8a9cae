/* case_persons.c — the persons of a case: the link with its role, adding a
 * person (with the hit engine on entry), and the person page with its
 * role-aware history (see cases.h). */
#include "cases/cases.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "persons/persons.h"
#include "registers/registers.h"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* ------------------------------------------------------------ the records */

REC_ENUM_DEF_PUBLIC(case_person_roles, "prole", "complainant", "victim", "suspect", "witness", "arrested");

/* A person in a case: the link (role, note) and, as read, the person's own
 * members flattened beside it (person_rec). The body names either an
 * existing person (person_id) or a person to enter (person). */
#define CASE_PERSON_FIELDS(X) \
	X(C, case_id, ID, 0, 36, NULL, OUT) \
	X(C, person_id, ID, 0, 36, NULL, IN | OUT | NULLABLE) \
	X(C, role, ENUM, 0, 0, &case_person_roles, IN | REQ | OUT) \
	X(C, note, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, IN | OUT | PII | NULLABLE | MULTI) \
	X(C, added_at, TIME, 0, 0, NULL, OUT) \
	X(C, added_by, ID, 0, 36, NULL, 0) \
	X(V, person, OBJECT, 0, 0, &person_rec, IN | NULLABLE) \
	X(V, reused, BOOL, 0, 0, NULL, OUT) \
	X(V, alerts, ARRAY, 0, SJ_MAX_ALERTS, &reg_alert_rec, OUT)

static void case_person_check(json_t *p, const char *prefix, json_t *errs)
{
	json_t *person = json_object_get(p, "person");
	bool has_person = person && !json_is_null(person);
	if (!!jstr(p, "person_id") == has_person)
		rec_err(errs, prefix, "person", "required", "give either person_id or person");
}

static const rec_field case_person_fields[] = {REC_ID_FIELD, CASE_PERSON_FIELDS(REC_FIELD)};
const rec_desc case_person_rec =
	REC_DESC_FLAT("case_person", "case_persons", case_person_fields, case_person_check, &person_rec);

/* A case on a person's page. */
#define PERSON_CASE_FIELDS(X) \
	X(V, case_id, ID, 0, 36, NULL, OUT) \
	X(V, number, CODE, 1, CASE_NUMBER_MAX, NULL, OUT) \
	X(V, unit, CODE, 1, UNIT_CODE_MAX, NULL, OUT) \
	X(V, unit_path, TEXT, 1, UNIT_PATH_MAX, NULL, 0) \
	X(V, status, ENUM, 0, 0, &case_statuses, OUT) \
	X(V, class, CODE, 1, SJ_MAX_REFERENCE, NULL, OUT) \
	X(V, role, ENUM, 0, 0, &case_person_roles, OUT) \
	X(V, added_at, TIME, 0, 0, NULL, OUT)
static const rec_field person_case_fields[] = {PERSON_CASE_FIELDS(REC_FIELD)};
static const rec_desc person_case_rec = REC_DESC("person_case", NULL, person_case_fields, NULL);

/* GET /persons/{id}: the person, the cases it appears in, whether it is
 * known to the police. */
#define PERSON_PAGE_FIELDS(X) \
	X(V, cases, ARRAY, 0, 0, &person_case_rec, OUT) \
	X(V, known_to_police, BOOL, 0, 0, NULL, OUT)
static const rec_field person_page_fields[] = {REC_ID_FIELD, PERSON_PAGE_FIELDS(REC_FIELD)};
const rec_desc person_page_rec = REC_DESC_FLAT("person_page", NULL, person_page_fields, NULL, &person_rec);

/* ------------------------------------------------------------ links */

static const char sql_link[] =
	"INSERT INTO case_persons (" REC_COLS(CASE_PERSON_FIELDS) ") VALUES (" REC_QS(CASE_PERSON_FIELDS) ")"
	" ON CONFLICT (case_id, person_id, role) DO NOTHING";
static const char sql_link_exists[] =
	"SELECT COUNT(*) FROM case_persons WHERE case_id = ? AND person_id = ? AND role = ?";

sj_err case_person_link(db_conn *c, const sj_actor *a, const case_ref *r, const char *role, const char *person_id,
			json_t *person, const char *note, char person_id_out[ID_LEN + 1], bool *reused,
			const char **why)
{
	*reused = false;
	sj_err e;
	if (person_id) {
		bool known = false;
		if ((e = persons_exists(c, person_id, &known)))
			return e;
		if (!known) {
			*why = "person-not-found";
			return SJ_EUNPROCESSABLE;
		}
		snprintf(person_id_out, ID_LEN + 1, "%s", person_id);
		*reused = true;
	} else {
		bool created = false;
		e = persons_upsert(c, person, r->unit_id, person_id_out, &created);
		if (e)
			return e;
		*reused = !created;
	}
	/* one role once: looked up first, so the capabilities that may meet
	 * an existing link (a complaint attached) get SJ_ECONFLICT without a
	 * failed statement (which would abort the transaction on PostgreSQL) */
	int64_t n = 0;
	if ((e = dbj_int(c, sql_link_exists, &n, "ttt", r->id, person_id_out, role)))
		return e;
	if (n) {
		*why = "person-role-taken";
		return SJ_ECONFLICT;
	}
	char id[ID_LEN + 1];
	id_new(id);
	json_t *row = json_pack("{s:s,s:s,s:s,s:s,s:s?,s:I,s:s?}", "id", id, "case_id", r->id, "person_id",
				person_id_out, "role", role, "note", note, "added_at", (json_int_t)clock_now_ms(),
				"added_by", a->id);
	e = row ? dbj_write(c, sql_link, &case_person_rec, row, false, "") : SJ_ENOMEM;
	json_decref(row);
	return e ? e : case_event(c, r->id, a, "person.added",
				  json_pack("{s:s,s:s,s:b}", "person_id", person_id_out, "role", role, "reused",
					    *reused));
}

sj_err case_person_add(db_conn *c, const sj_actor *a, const char *case_id, json_t *in, json_t **out,
		       const char **why)
{
	*out = NULL;
	case_ref r;
	sj_err e = case_ref_open(c, a, case_id, &r, why);
	if (e)
		return e;
	char pid[ID_LEN + 1] = "";
	bool reused = false;
	json_t *person = json_object_get(in, "person");
	e = case_person_link(c, a, &r, jstr(in, "role"), jstr(in, "person_id"), json_is_object(person) ? person : NULL,
			     jstr(in, "note"), pid, &reused, why);
	json_t *p = NULL, *alerts = NULL;
	e = e ? e : persons_get(c, pid, &p);
	if (!e && !(alerts = json_array()))
		e = SJ_ENOMEM;
	/* the hit engine on the person entered */
	e = e ? e : reg_check_entered_person(c, a, p, "case", r.number, alerts);
	if (e) {
		json_decref(p);
		json_decref(alerts);
		return e;
	}
	json_object_set_new(p, "alerts", alerts);
	json_object_set_new(p, "role", json_string(jstr(in, "role")));
	if (jstr(in, "note"))
		json_object_set(p, "note", json_object_get(in, "note"));
	json_object_set_new(p, "reused", json_boolean(reused));
	json_object_set_new(p, "case_id", json_string(r.id));
	*out = p;
	return SJ_OK;
}

static const char sql_has_role[] = "SELECT role FROM case_persons WHERE case_id = ? AND person_id = ?";

sj_err case_person_has_role(db_conn *c, const char *case_id, const char *person_id, const char *const *roles,
			    bool *has)
{
	*has = false;
	json_t *rows = NULL;
	sj_err e = dbj_rec_rows(c, sql_has_role, &case_person_rec, &rows, "tt", case_id, person_id);
	if (e)
		return e;
	size_t i;
	json_t *o;
	json_array_foreach(rows, i, o) {
		for (const char *const *x = roles; *x; x++)
			if (strcmp(*x, jstr(o, "role")) == 0)
				*has = true;
	}
	json_decref(rows);
	return SJ_OK;
}

static const char sql_case_persons[] =
	"SELECT cp.person_id AS person_id, cp.role AS role, cp.note AS note, cp.added_at AS added_at, p.cin AS cin,"
	" p.unknown AS unknown, p.first_name_ar AS first_name_ar, p.last_name_ar AS last_name_ar,"
	" p.first_name_lat AS first_name_lat, p.last_name_lat AS last_name_lat, p.father_name AS father_name,"
	" p.mother_name AS mother_name, p.birth_date AS birth_date, p.birth_place AS birth_place, p.sex AS sex,"
	" p.nationality AS nationality, p.address AS address, p.phone AS phone, p.description AS description"
	" FROM case_persons cp JOIN persons p ON p.id = cp.person_id WHERE cp.case_id = ? ORDER BY cp.added_at, cp.id";

sj_err case_persons(db_conn *c, const char *case_id, json_t **out)
{
	return dbj_rec_rows(c, sql_case_persons, &case_person_rec, out, "t", case_id);
}

/* ------------------------------------------------------------ the person page */

static const char sql_person_cases[] =
	"SELECT c.id AS case_id, c.number AS number, u.code AS unit, u.path AS unit_path, c.status AS status,"
	" c.class AS class, cp.role AS role, cp.added_at AS added_at"
	" FROM case_persons cp JOIN cases c ON c.id = cp.case_id JOIN units u ON u.id = c.unit_id"
	" WHERE cp.person_id = ? ORDER BY cp.added_at, cp.id";

sj_err case_person_page(db_conn *c, const sj_actor *a, const char *person_id, json_t **out, const char **why)
{
	*out = NULL;
	json_t *p = NULL, *rows = NULL, *cases = json_array();
	sj_err e = cases ? persons_get(c, person_id, &p) : SJ_ENOMEM;
	if (e == SJ_ENOTFOUND)
		*why = "person-not-found";
	e = e ? e : dbj_rec_rows(c, sql_person_cases, &person_case_rec, &rows, "t", person_id);
	bool known = false;
	size_t i;
	json_t *o;
	json_array_foreach(rows, i, o) {
		const char *role = jstr(o, "role");
		/* Only a suspect or an arrested person is "known to the police". */
		if (strcmp(role, "suspect") == 0 || strcmp(role, "arrested") == 0)
			known = true;
		if (!a->national && !actor_in_scope(a, jstr(o, "unit_path")))
			continue;
		json_object_del(o, "unit_path");
		json_array_append(cases, o);
	}
	json_decref(rows);
	/* A person with no case in the actor's scope is not theirs to read. */
	if (!e && !a->national && json_array_size(cases) == 0)
		e = SJ_EFORBIDDEN;
	if (e) {
		json_decref(p);
		json_decref(cases);
		return e;
	}
	json_object_set_new(p, "cases", cases);
	json_object_set_new(p, "known_to_police", json_boolean(known));
	*out = p;
	return SJ_OK;
}
