/* protect.c — a witness's or a victim's identity protected on the case
 * (loi 37-10, CPP 82-4 to 82-10; issue 17 item 9; see cases.h): the
 * decision (on what ground, when, the prosecutor's authorisation), the
 * pseudonym's number in the case, and the explicit reveal of the identity
 * to the case's OPJ or a chief of its unit — with a purpose, counted on the
 * look-up limit and audited with its subject (the route's entry). Every read
 * of the case (case_persons, the PVs, their prints, the person page) shows
 * the pseudonym only. */
#include "cases/cases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/roles.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "lookup/lookup.h"
#include "persons/persons.h"
#include "refdata/refdata.h"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

#define PROTECTION_FIELDS(X) \
	X(C, case_id, ID, 0, 36, NULL, OUT) \
	X(C, unit_id, ID, 0, 36, NULL, 0) \
	X(C, person_id, ID, 0, 36, NULL, IN | REQ) \
	X(C, n, INT, 1, 1000000, NULL, OUT) \
	X(C, ground, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | REQ | OUT | MULTI) \
	X(C, decided_at, TIME, 0, 0, NULL, IN | REQ | OUT) \
	X(C, authority_code, CODE, 1, SJ_MAX_REFERENCE, NULL, IN | REQ | OUT) \
	X(C, authorisation_reference, TEXT, 1, SJ_MAX_AUTH_REF, NULL, IN | REQ | OUT) \
	X(C, recorded_by, ID, 0, 36, NULL, 0) \
	X(C, recorded_at, TIME, 0, 0, NULL, OUT) \
	X(V, recorded_by_badge, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(V, person, OBJECT, 0, 0, &person_rec, OUT)
static const rec_field protection_fields[] = {REC_ID_FIELD, PROTECTION_FIELDS(REC_FIELD)};
const rec_desc case_protection_rec = REC_DESC("case_protection", "case_protections", protection_fields, NULL);

/* POST /cases/{id}/protections/{n}/reveal: why the identity is read. */
#define REVEAL_FIELDS(X) X(V, purpose, TEXT, 3, SJ_MAX_PURPOSE, NULL, IN | REQ)
static const rec_field reveal_fields[] = {REVEAL_FIELDS(REC_FIELD)};
const rec_desc case_reveal_rec = REC_DESC("case_reveal", NULL, reveal_fields, NULL);

static const char sql_add[] =
	"INSERT INTO case_protections (id, case_id, unit_id, person_id, n, ground, decided_at, authority_code,"
	" authorisation_reference, recorded_by, recorded_at) VALUES (?, ?, ?, ?,"
	" (SELECT COALESCE(MAX(n), 0) + 1 FROM case_protections WHERE case_id = ?), ?, ?, ?, ?, ?, ?)";
static const char sql_exists[] = "SELECT COUNT(*) FROM case_protections WHERE case_id = ? AND person_id = ?";
static const char sql_get[] =
	"SELECT id, case_id, person_id, n, ground, decided_at, authority_code, authorisation_reference, recorded_at,"
	" rb_badge AS recorded_by_badge FROM case_protections"
	" JOIN (SELECT id AS rb_id, badge AS rb_badge FROM users) rb ON rb.rb_id = recorded_by"
	" WHERE case_id = ? AND n = ?";
static const char sql_n_of[] = "SELECT n FROM case_protections WHERE case_id = ? AND person_id = ?";

/* the roles whose identity may be protected: not a person suspected */
static const char *const protectable[] = {"witness", "victim", "complainant", NULL};

sj_err case_protection_add(db_conn *c, const sj_actor *a, const char *case_id, json_t *in, json_t **out,
			   const char **why)
{
	*out = NULL;
	case_ref r;
	sj_err e = case_ref_open(c, a, case_id, &r, why);
	if (e)
		return e;
	const char *pid = jstr(in, "person_id");
	bool has = false;
	if ((e = case_person_has_role(c, r.id, pid, protectable, &has)))
		return e;
	if (!has) {
		*why = "protection-not-for-role";
		return SJ_EUNPROCESSABLE;
	}
	int64_t decided = (int64_t)json_integer_value(json_object_get(in, "decided_at"));
	if (decided > clock_now_ms()) {
		*why = "protection-in-future";
		return SJ_EUNPROCESSABLE;
	}
	json_t *office = NULL;
	e = ref_prosecution_get(c, jstr(in, "authority_code"), &office);
	json_decref(office);
	if (e == SJ_ENOTFOUND) {
		*why = "protection-authority-unknown";
		return SJ_EUNPROCESSABLE;
	}
	if (e)
		return e;
	int64_t n = 0;
	if ((e = dbj_int(c, sql_exists, &n, "tt", r.id, pid)))
		return e;
	if (n) {
		*why = "protection-recorded";
		return SJ_ECONFLICT;
	}
	char id[ID_LEN + 1];
	id_new(id);
	e = db_run(c, sql_add, "ttttttittti", id, r.id, r.unit_id, pid, r.id, jstr(in, "ground"), decided,
		   jstr(in, "authority_code"), jstr(in, "authorisation_reference"), a->id, clock_now_ms());
	if ((e = e ? e : dbj_int(c, sql_n_of, &n, "tt", r.id, pid)))
		return e;
	/* the history names the pseudonym, never the person */
	e = case_event(c, r.id, a, "person.protected", json_pack("{s:I}", "n", (json_int_t)n));
	json_t *o = NULL;
	e = e ? e : dbj_rec_one(c, sql_get, &case_protection_rec, &o, "ti", r.id, n);
	if (e)
		return e;
	json_object_del(o, "person_id");
	*out = o;
	return SJ_OK;
}

sj_err case_protection_reveal(db_conn *c, const sj_actor *a, const char *case_id, const char *n_s, json_t *in,
			      json_t **out, const char **why, int64_t *retry_s)
{
	*out = NULL;
	case_ref r;
	sj_err e = case_ref_for(c, a, case_id, false, &r, why);
	if (e)
		return e;
	/* the case's OPJ, or a chief whose scope holds the case's unit */
	bool chief = a->role == ROLE_CHIEF && actor_in_scope(a, r.unit_path);
	bool opj = a->id && r.opj_id[0] && strcmp(a->id, r.opj_id) == 0;
	if (!chief && !opj) {
		*why = "reveal-not-case-opj";
		return SJ_EFORBIDDEN;
	}
	char *end = NULL;
	long long n = n_s ? strtoll(n_s, &end, 10) : 0;
	json_t *o = NULL;
	e = n > 0 && end && !*end ? dbj_rec_one(c, sql_get, &case_protection_rec, &o, "ti", r.id, (int64_t)n)
				  : SJ_ENOTFOUND;
	if (e == SJ_ENOTFOUND)
		*why = "protection-not-found";
	if (e)
		return e;
	/* a reveal is a look-up: purpose, the same rate limit */
	if ((e = lookup_link(c, a, jstr(in, "purpose"), why, retry_s))) {
		json_decref(o);
		return e;
	}
	json_t *p = NULL;
	if ((e = persons_get(c, jstr(o, "person_id"), &p))) {
		json_decref(o);
		return e;
	}
	json_object_set_new(o, "person", p);
	*out = o;
	return SJ_OK;
}

sj_err case_protected_n(db_conn *c, const char *case_id, const char *person_id, int64_t *n)
{
	*n = 0;
	if (!case_id || !person_id)
		return SJ_OK;
	sj_err e = dbj_int(c, sql_n_of, n, "tt", case_id, person_id);
	if (e == SJ_ENOTFOUND) {
		*n = 0;
		return SJ_OK;
	}
	return e;
}
