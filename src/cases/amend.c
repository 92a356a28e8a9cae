/* amend.c — correcting a case's mistakes without deleting anything (issue
 * 18): a person, or one of their roles, removed from a case with a reason
 * (the link row is marked, the history says who, when and why); and the
 * prosecution office a referral would go to, shown before it is sent. See
 * cases.h and referral.h for the contracts. */
#include "cases/cases.h"
#include "cases/referral.h"

#include <string.h>

#include "core/clock.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "refdata/refdata.h"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* The removal's body, described once (validation, OpenAPI, the UI's form). */
#define CASE_PERSON_REMOVAL_FIELDS(X) \
	X(V, role, ENUM, 0, 0, &case_person_roles, IN | NULLABLE) \
	X(V, reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | REQ)
static const rec_field removal_fields[] = {CASE_PERSON_REMOVAL_FIELDS(REC_FIELD)};
const rec_desc case_person_removal_rec = REC_DESC("case_person_removal", NULL, removal_fields, NULL);

/* What a referral would go to: the derived kind and the office. */
#define REFERRAL_COMPETENT_FIELDS(X) \
	X(V, case_id, ID, 0, 36, NULL, OUT) \
	X(V, derived_kind, ENUM, 0, 0, &ref_office_kinds, OUT) \
	X(V, office, OBJECT, 0, 0, &ref_office_rec, OUT | NULLABLE)
static const rec_field competent_fields[] = {REFERRAL_COMPETENT_FIELDS(REC_FIELD)};
const rec_desc referral_competent_rec = REC_DESC("referral_competent", NULL, competent_fields, NULL);

static const char sql_active_roles[] =
	"SELECT role FROM case_persons WHERE case_id = ? AND person_id = ? AND removed_at IS NULL ORDER BY role";
static const char sql_remove_all[] =
	"UPDATE case_persons SET removed_at = ?, removed_by = ?, removed_reason = ?"
	" WHERE case_id = ? AND person_id = ? AND removed_at IS NULL";
static const char sql_remove_role[] =
	"UPDATE case_persons SET removed_at = ?, removed_by = ?, removed_reason = ?"
	" WHERE case_id = ? AND person_id = ? AND role = ? AND removed_at IS NULL";
static const char sql_custody_open[] =
	"SELECT COUNT(*) FROM custodies WHERE case_id = ? AND person_id = ? AND status = 'open'";

sj_err case_person_remove(db_conn *c, const sj_actor *a, const char *case_id, const char *person_id, json_t *in,
			  json_t **out, const char **why)
{
	*out = NULL;
	case_ref r;
	sj_err e = case_ref_for(c, a, case_id, true, &r, why);
	if (e)
		return e;
	if (!case_is_open(&r)) {
		*why = "case-person-case-closed";
		return SJ_ECONFLICT;
	}
	const char *prole = jstr(in, "role"), *reason = jstr(in, "reason");
	json_t *roles = NULL;
	if ((e = dbj_rows(c, sql_active_roles, "role:t", &roles, "tt", r.id, person_id)))
		return e;
	bool found = false;
	size_t i;
	json_t *o;
	json_array_foreach(roles, i, o) {
		if (!prole || strcmp(prole, jstr(o, "role")) == 0)
			found = true;
	}
	json_decref(roles);
	if (!found) {
		*why = "case-person-not-found";
		return SJ_ENOTFOUND;
	}
	if (!prole) {
		/* A person in custody stays in the case until the custody ends. */
		int64_t held = 0;
		if ((e = dbj_int(c, sql_custody_open, &held, "tt", r.id, person_id)))
			return e;
		if (held) {
			*why = "case-person-in-custody";
			return SJ_ECONFLICT;
		}
	}
	int64_t now = clock_now_ms();
	e = prole ? db_run(c, sql_remove_role, "ittttt", now, a->id, reason, r.id, person_id, prole)
		  : db_run(c, sql_remove_all, "itttt", now, a->id, reason, r.id, person_id);
	e = e ? e : case_event(c, r.id, a, "person.removed",
			       json_pack("{s:s,s:s?,s:s}", "person_id", person_id, "role", prole, "reason", reason));
	return e ? e : case_get(c, r.id, out);
}

sj_err referral_competent(db_conn *c, const sj_actor *a, const char *case_id, json_t **out, const char **why)
{
	*out = NULL;
	case_ref r;
	sj_err e = case_ref_for(c, a, case_id, false, &r, why);
	if (e)
		return e;
	const char *derived = strcmp(r.cls, "crime") == 0 ? "ca" : "tpi";
	json_t *office = NULL;
	e = ref_prosecution_for(c, r.unit_path, derived, &office);
	if (e && e != SJ_ENOTFOUND)
		return e;
	*out = json_pack("{s:s,s:s,s:o}", "case_id", r.id, "derived_kind", derived, "office",
			 office ? office : json_null());
	return *out ? SJ_OK : SJ_ENOMEM;
}
