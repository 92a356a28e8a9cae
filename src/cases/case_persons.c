/* case_persons.c — the persons of a case: the link with its role, adding a
 * person (with the hit engine on entry), and the person page with its
 * role-aware history (see cases.h). */
#include "cases/cases.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "lookup/lookup.h"
#include "persons/persons.h"
#include "refdata/refdata.h"
#include "registers/registers.h"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* ------------------------------------------------------------ the records */

REC_ENUM_DEF_PUBLIC(case_person_roles, "prole", "complainant", "victim", "suspect", "witness", "arrested");

#define CASE_PERSON_FIELDS_MAX 32 /* names in not_applied: at most person_rec's fields */

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
	X(C, removed_at, TIME, 0, 0, NULL, 0) \
	X(C, removed_by, ID, 0, 36, NULL, 0) \
	X(C, removed_reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, 0) \
	X(V, person, OBJECT, 0, 0, &person_rec, IN | NULLABLE) \
	X(V, purpose, TEXT, 3, SJ_MAX_PURPOSE, NULL, IN | NULLABLE) \
	X(V, reused, BOOL, 0, 0, NULL, OUT) \
	X(V, national_lookup, BOOL, 0, 0, NULL, OUT) \
	X(V, owner_unit, CODE, 1, UNIT_CODE_MAX, NULL, OUT) \
	X(V, not_applied, ARRAY, 0, CASE_PERSON_FIELDS_MAX, NULL, OUT) \
	X(V, alerts, ARRAY, 0, SJ_MAX_ALERTS, &reg_alert_rec, OUT) \
	X(V, protected_n, INT, 1, 1000000, NULL, OUT | NULLABLE) \
	X(V, masked, CODE, 1, 32, NULL, OUT | NULLABLE)

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
	X(V, added_at, TIME, 0, 0, NULL, OUT) \
	X(V, stands, BOOL, 0, 0, NULL, OUT)
static const rec_field person_case_fields[] = {PERSON_CASE_FIELDS(REC_FIELD)};
static const rec_desc person_case_rec = REC_DESC("person_case", NULL, person_case_fields, NULL);

/* GET /persons/{id}: the person, the cases it appears in, whether it is
 * known to the police. */
#define PERSON_PAGE_FIELDS(X) \
	X(V, cases, ARRAY, 0, 0, &person_case_rec, OUT) \
	X(V, known_to_police, BOOL, 0, 0, NULL, OUT) \
	X(V, masked, CODE, 1, 32, NULL, OUT | NULLABLE)
static const rec_field person_page_fields[] = {REC_ID_FIELD, PERSON_PAGE_FIELDS(REC_FIELD)};
const rec_desc person_page_rec = REC_DESC_FLAT("person_page", NULL, person_page_fields, NULL, &person_rec);

/* ------------------------------------------------------------ whose person */

/* A person's record belongs to the unit that entered it (persons.home_unit_id).
 * Another unit may link it to its own case, but (issue 10 item 8):
 * - it never writes into that record: what it typed that the record lacks
 *   or says otherwise is answered back as not_applied (the fields' names),
 *   for the adding unit's own documents (the hearing PV records identity as
 *   declared) — see docs/internals/cases.md;
 * - a person it has never had in a case of its scope is a national look-up
 *   (lookup_link: purpose, the look-up rate limit, audited with its subject
 *   as "case.person.lookup", flagged with the searches), answered with what
 *   a person search shows;
 * - its views of the case show another unit's person as search shows them. */
typedef struct whose {
	bool exists;                /* the person is in the index */
	bool owned;                 /* its home unit is in the actor's scope (or the actor is national) */
	bool seen;                  /* owned, or linked to a case in the actor's scope */
	char id[ID_LEN + 1];
	char owner[UNIT_CODE_MAX + 1];
} whose;

static const char sql_by_id[] =
	"SELECT p.id AS id, u.path AS path, u.code AS code FROM persons p LEFT JOIN units u ON u.id = p.home_unit_id"
	" WHERE p.id = ?";
static const char sql_by_cin[] =
	"SELECT p.id AS id, u.path AS path, u.code AS code FROM persons p LEFT JOIN units u ON u.id = p.home_unit_id"
	" WHERE p.cin = ?";
static const char sql_case_units[] =
	"SELECT DISTINCT u.path AS path FROM case_persons cp JOIN cases c ON c.id = cp.case_id"
	" JOIN units u ON u.id = c.unit_id WHERE cp.person_id = ? AND cp.removed_at IS NULL";

/* whose_of finds the existing person named by person_id, or by the CIN of
 * person (NULL: a new person), and whose it is for actor a. */
static sj_err whose_of(db_conn *c, const sj_actor *a, const char *person_id, json_t *person, whose *w)
{
	*w = (whose){0};
	json_t *row = NULL;
	sj_err e;
	char cin[PERSON_CIN_MAX + 1] = "";
	if (person_id) {
		e = dbj_one(c, sql_by_id, "id:t,path:t,code:t", &row, "t", person_id);
	} else {
		const char *raw = jstr(person, "cin");
		if (!raw || !persons_cin_normalize(raw, cin))
			return SJ_OK; /* no CIN: a new person (the record's check refuses a bad one) */
		e = dbj_one(c, sql_by_cin, "id:t,path:t,code:t", &row, "t", cin);
	}
	if (e == SJ_ENOTFOUND)
		return SJ_OK;
	if (e)
		return e;
	w->exists = true;
	snprintf(w->id, sizeof w->id, "%s", jstr(row, "id"));
	snprintf(w->owner, sizeof w->owner, "%s", jstr(row, "code") ? jstr(row, "code") : "");
	w->owned = a->national || actor_in_scope(a, jstr(row, "path"));
	json_decref(row);
	w->seen = w->owned;
	if (w->seen)
		return SJ_OK;
	json_t *paths = NULL;
	if ((e = dbj_rows(c, sql_case_units, "path:t", &paths, "t", w->id)))
		return e;
	size_t i;
	json_t *o;
	json_array_foreach(paths, i, o) if (actor_in_scope(a, jstr(o, "path"))) w->seen = true;
	json_decref(paths);
	return SJ_OK;
}

/* What a person search shows of a person (person_match_rec): the rest of
 * another unit's record stays with that unit. */
static const char *const shown_nationally[] = {"id", "cin", "unknown", "first_name_ar", "last_name_ar",
					       "first_name_lat", "last_name_lat", "father_name", "birth_date", "sex",
					       NULL};

static bool shown(const char *k)
{
	for (const char *const *x = shown_nationally; *x; x++)
		if (strcmp(*x, k) == 0)
			return true;
	return false;
}

/* as_searched removes from p (a person as read) what search does not show. */
static void as_searched(json_t *p)
{
	const char *k;
	json_t *v;
	void *tmp;
	json_object_foreach_safe(p, tmp, k, v) if (!shown(k) && rec_field_find(&person_rec, k)) json_object_del(p, k);
}

/* not_applied lists the members of typed (a person as typed) that stored
 * (the record as read) lacks or holds otherwise: what linking did not
 * write into another unit's record. */
static json_t *not_applied(json_t *typed, json_t *stored)
{
	json_t *names = json_array();
	const char *k;
	json_t *v;
	json_object_foreach(typed, k, v) {
		if (!names || json_is_null(v) || strcmp(k, "cin") == 0 || !rec_field_find(&person_rec, k))
			continue;
		json_t *have = json_object_get(stored, k);
		if (!have || !json_equal(have, v))
			json_array_append_new(names, json_string(k));
	}
	return names;
}

/* ------------------------------------------------------------ links */

static const char sql_link[] =
	"INSERT INTO case_persons (" REC_COLS(CASE_PERSON_FIELDS) ") VALUES (" REC_QS(CASE_PERSON_FIELDS) ")"
	" ON CONFLICT (case_id, person_id, role) DO UPDATE SET removed_at = NULL, removed_by = NULL,"
	" removed_reason = NULL, note = excluded.note, added_at = excluded.added_at, added_by = excluded.added_by"
	" WHERE case_persons.removed_at IS NOT NULL"; /* re-adding a removed role (0130) */
static const char sql_link_exists[] =
	"SELECT COUNT(*) FROM case_persons WHERE case_id = ? AND person_id = ? AND role = ? AND removed_at IS NULL";

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
		whose w;
		if ((e = whose_of(c, a, NULL, person, &w)))
			return e;
		if (w.exists && !w.owned) {
			/* another unit's record: linked, never filled */
			snprintf(person_id_out, ID_LEN + 1, "%s", w.id);
			*reused = true;
		} else {
			bool created = false;
			e = persons_upsert(c, person, r->unit_id, person_id_out, &created);
			if (e)
				return e;
			*reused = !created;
		}
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
		       const char **why, int64_t *retry_s)
{
	*out = NULL;
	case_ref r;
	sj_err e = case_ref_open(c, a, case_id, &r, why);
	if (e)
		return e;
	json_t *person = json_object_get(in, "person");
	if (!json_is_object(person))
		person = NULL;
	/* a person the unit has never had is a national look-up, counted
	 * before anything of it is read */
	whose w;
	if ((e = whose_of(c, a, jstr(in, "person_id"), person, &w)))
		return e;
	bool national = w.exists && !w.seen;
	if (national && (e = lookup_link(c, a, jstr(in, "purpose"), why, retry_s)))
		return e;
	char pid[ID_LEN + 1] = "";
	bool reused = false;
	e = case_person_link(c, a, &r, jstr(in, "role"), jstr(in, "person_id"), person, jstr(in, "note"), pid, &reused,
			     why);
	json_t *p = NULL, *alerts = NULL;
	e = e ? e : persons_get(c, pid, &p);
	if (!e && !(alerts = json_array()))
		e = SJ_ENOMEM;
	/* the hit engine on the person entered */
	e = e ? e : reg_check_entered_person(c, a, p, "case", r.number, alerts);
	json_t *skipped = !e && w.exists && !w.owned && person ? not_applied(person, p) : NULL;
	if (e) {
		json_decref(p);
		json_decref(alerts);
		return e;
	}
	if (!w.owned && w.exists) {
		json_object_set_new(p, "owner_unit", json_string(w.owner));
		json_object_set_new(p, "not_applied", skipped ? skipped : json_array());
	}
	if (!w.owned && w.exists)
		as_searched(p);
	json_object_set_new(p, "national_lookup", json_boolean(national));
	json_object_set_new(p, "alerts", alerts);
	json_object_set_new(p, "role", json_string(jstr(in, "role")));
	if (jstr(in, "note"))
		json_object_set(p, "note", json_object_get(in, "note"));
	json_object_set_new(p, "reused", json_boolean(reused));
	json_object_set_new(p, "case_id", json_string(r.id));
	*out = p;
	return SJ_OK;
}

static const char sql_has_role[] =
	"SELECT role FROM case_persons WHERE case_id = ? AND person_id = ? AND removed_at IS NULL";

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

/* Another unit's person shows in a case as a person search shows them
 * (shown_nationally): the rest of the record only when the person's home
 * unit is the case's unit or below it. A person whose identity is protected
 * in the case (protect.c, loi 37-10) shows as its pseudonym's number only:
 * no id, no name, nothing of the record (the reveal is its own route). */
#define OWN_SQL "substr(COALESCE(hu.path, ''), 1, length(cu.path)) = cu.path"
#define CASE_PERSONS_SQL(SHOWN_IF) \
	"SELECT" SHOWN("cp.person_id", SHOWN_IF) " AS person_id, cp.role AS role," SHOWN("cp.note", SHOWN_IF) " AS note," \
	" cp.added_at AS added_at," SHOWN("p.cin", SHOWN_IF) " AS cin," SHOWN("p.unknown", SHOWN_IF) " AS unknown," \
	SHOWN("p.first_name_ar", SHOWN_IF) " AS first_name_ar," SHOWN("p.last_name_ar", SHOWN_IF) " AS last_name_ar," \
	SHOWN("p.first_name_lat", SHOWN_IF) " AS first_name_lat," SHOWN("p.last_name_lat", SHOWN_IF) " AS last_name_lat," \
	SHOWN("p.father_name", SHOWN_IF) " AS father_name," OWN_COL("mother_name", SHOWN_IF) "," \
	SHOWN("p.birth_date", SHOWN_IF) " AS birth_date," OWN_COL("birth_place", SHOWN_IF) "," SHOWN("p.sex", SHOWN_IF) \
	" AS sex," OWN_COL("nationality", SHOWN_IF) "," OWN_COL("address", SHOWN_IF) "," OWN_COL("phone", SHOWN_IF) "," \
	OWN_COL("description", SHOWN_IF) ", pr.n AS protected_n" \
	" FROM case_persons cp JOIN persons p ON p.id = cp.person_id JOIN cases c ON c.id = cp.case_id" \
	" JOIN units cu ON cu.id = c.unit_id LEFT JOIN units hu ON hu.id = p.home_unit_id" \
	" LEFT JOIN case_protections pr ON pr.case_id = cp.case_id AND pr.person_id = cp.person_id" \
	" WHERE cp.case_id = ? AND cp.removed_at IS NULL ORDER BY cp.added_at, cp.id"
#define SHOWN(col, cond) " CASE WHEN " cond " THEN " col " END"
#define OWN_COL(col, cond) " CASE WHEN " OWN_SQL " AND " cond " THEN p." col " END AS " col
static const char sql_case_persons[] = CASE_PERSONS_SQL("pr.n IS NULL");
/* the same, protected identities included: only for a scan that finds the
 * names in a text and never shows them (case_persons_scan) */
static const char sql_case_persons_scan[] = CASE_PERSONS_SQL("1 = 1");

sj_err case_persons_scan(db_conn *c, const char *case_id, json_t **out)
{
	return dbj_rec_rows(c, sql_case_persons_scan, &case_person_rec, out, "t", case_id);
}

sj_err case_persons(db_conn *c, const char *case_id, json_t **out)
{
	return dbj_rec_rows(c, sql_case_persons, &case_person_rec, out, "t", case_id);
}

/* ------------------------------------------------------------ the person page */

static const char sql_person_cases[] =
	"SELECT c.id AS case_id, c.number AS number, u.code AS unit, u.path AS unit_path, c.status AS status,"
	" c.class AS class, cp.role AS role, cp.added_at AS added_at,"
	/* what stands (issue 11 item 12): not a case cancelled, nor one the
	 * prosecutor's last decision classed without further action */
	" CASE WHEN c.status = 'cancelled' OR COALESCE((SELECT f.outcome FROM referrals f WHERE f.case_id = c.id"
	" ORDER BY f.sent_at DESC, f.id DESC LIMIT 1), '') = 'no_further_action' THEN 0 ELSE 1 END AS stands"
	" FROM case_persons cp JOIN cases c ON c.id = cp.case_id JOIN units u ON u.id = c.unit_id"
	" WHERE cp.person_id = ? AND cp.removed_at IS NULL"
	/* a case where the identity is protected does not name the person (loi 37-10) */
	" AND NOT EXISTS (SELECT 1 FROM case_protections pr WHERE pr.case_id = cp.case_id AND pr.person_id = cp.person_id)"
	" ORDER BY cp.added_at, cp.id";

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
		/* Only a suspect or an arrested person of a case that stands is
		 * "known to the police"; the cases list keeps the facts. */
		if ((strcmp(role, "suspect") == 0 || strcmp(role, "arrested") == 0) &&
		    json_is_true(json_object_get(o, "stands")))
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
	/* another unit's person: what a person search shows (issue 10 item 8) */
	whose w = {0};
	e = e ? e : whose_of(c, a, person_id, NULL, &w);
	if (!e && !w.owned)
		as_searched(p);
	if (e) {
		json_decref(p);
		json_decref(cases);
		return e;
	}
	/* a minor victim of a case the actor does not work (issue 17 item 4) */
	bool masked = false;
	if ((e = case_person_masked(c, a, person_id, &masked))) {
		json_decref(p);
		json_decref(cases);
		return e;
	}
	if (masked)
		case_person_mask(p);
	json_object_set_new(p, "cases", cases);
	json_object_set_new(p, "known_to_police", json_boolean(known));
	*out = p;
	return SJ_OK;
}

/* ------------------------------------------------------------ minor victims */

/* A victim who was a minor at the facts (CPP 458 and following; issue 17
 * item 4) is named on the case page of those who work the case — the
 * writers of its unit — and masked everywhere else: the case read by
 * anyone else, the person page, a person search. */

bool case_works(const sj_actor *a, const char *unit_path)
{
	return a && a->writer && unit_path && actor_in_scope(a, unit_path);
}

#define MINOR_DEFAULT_MAJORITY 18 /* CPP 458: penal majority, when no minor rule is loaded */

sj_err case_minor_at(db_conn *c, const char *birth, int64_t at, bool *minor)
{
	*minor = false;
	int64_t age = case_age_at(birth, at);
	if (age < 0)
		return SJ_OK;
	ref_custody_rule mr;
	sj_err e = ref_custody_rule_at(c, "minor", at, &mr);
	if (e && e != SJ_ENOTFOUND)
		return e;
	int64_t majority = !e && mr.majority_age_years > 0 ? mr.majority_age_years : MINOR_DEFAULT_MAJORITY;
	*minor = age < majority;
	return SJ_OK;
}

static const char *const identity_members[] = {"cin", "first_name_ar", "last_name_ar", "first_name_lat",
					       "last_name_lat", "father_name", "mother_name", "mother_name_ar",
					       "father_name_ar", "birth_place", "address", "phone", "description",
					       "note", "names", NULL};

void case_person_mask(json_t *p)
{
	for (const char *const *k = identity_members; *k; k++)
		json_object_del(p, *k);
	json_object_set_new(p, "masked", json_string("minor_victim"));
}

static const char sql_victim_cases[] =
	"SELECT p.birth_date AS birth_date, COALESCE(c.occurred_from, c.created_at) AS at, u.path AS path"
	" FROM case_persons cp JOIN persons p ON p.id = cp.person_id JOIN cases c ON c.id = cp.case_id"
	" JOIN units u ON u.id = c.unit_id WHERE cp.person_id = ? AND cp.role = 'victim' AND cp.removed_at IS NULL";

sj_err case_person_masked(db_conn *c, const sj_actor *a, const char *person_id, bool *masked)
{
	*masked = false;
	json_t *rows = NULL;
	sj_err e = dbj_rows(c, sql_victim_cases, "birth_date:t,at:i,path:t", &rows, "t", person_id);
	if (e)
		return e;
	bool minor_elsewhere = false, works = false;
	size_t i;
	json_t *o;
	json_array_foreach(rows, i, o) {
		bool minor = false;
		if ((e = case_minor_at(c, jstr(o, "birth_date"), json_integer_value(json_object_get(o, "at")), &minor)))
			break;
		if (!minor)
			continue;
		if (case_works(a, jstr(o, "path")))
			works = true;
		else
			minor_elsewhere = true;
	}
	json_decref(rows);
	*masked = !e && minor_elsewhere && !works;
	return e;
}

sj_err case_mask_minor_victims(db_conn *c, const sj_actor *a, json_t *k, const char *unit_path)
{
	if (case_works(a, unit_path))
		return SJ_OK;
	json_t *at = json_object_get(k, "occurred_from");
	int64_t when = json_is_integer(at) ? json_integer_value(at) : json_integer_value(json_object_get(k, "created_at"));
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(k, "persons"), i, p) {
		if (!jstr(p, "role") || strcmp(jstr(p, "role"), "victim") != 0)
			continue;
		bool minor = false;
		sj_err e = case_minor_at(c, jstr(p, "birth_date"), when, &minor);
		if (e)
			return e;
		if (minor)
			case_person_mask(p);
	}
	return SJ_OK;
}
