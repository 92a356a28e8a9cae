/* persons.c — the person index (see persons.h). */
#include "persons/persons.h"

#include <stdio.h>
#include <string.h>

#include "auth/roles.h"
#include "core/clock.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "org/units.h"
#include "search/search.h"   /* the name-key index: persons calls it, it never calls persons */
#include "text/ident.h"

bool persons_cin_normalize(const char *in, char out[PERSON_CIN_MAX + 1])
{
	/* One canonical form everywhere: the text module's (loi 04.20, permissive). */
	char tmp[IDENT_CIN_MAX + 1];
	if (!in || ident_cin_normalize(in, tmp) != SJ_OK || strlen(tmp) > PERSON_CIN_MAX) {
		if (out)
			out[0] = '\0';
		return false;
	}
	snprintf(out, PERSON_CIN_MAX + 1, "%s", tmp);
	return true;
}

/* phone_canonical writes the E.164 form of a Moroccan number into out, or
 * the number as typed when it is not one (a foreign number). */
static const char *phone_canonical(const char *in, char out[IDENT_PHONE_MAX + 1])
{
	if (!in)
		return NULL;
	return ident_phone_normalize(in, out) == SJ_OK ? out : in;
}

static const char *s(json_t *p, const char *k)
{
	return json_string_value(json_object_get(p, k));
}

static bool has_name(json_t *p)
{
	return s(p, "first_name_ar") || s(p, "last_name_ar") || s(p, "first_name_lat") || s(p, "last_name_lat");
}

/* ------------------------------------------------------------ the record */

REC_ENUM_DEF_PUBLIC(person_sexes, "sex", "M", "F");

/* One row per field (core/record.h): kind, name, type, limits, enum, flags.
 * The identity fields are E: a later entry may fill what is still empty
 * (persons_upsert), never overwrite it. The parents' split names come from
 * the import (father_name_ar/_lat, mother_name_ar; the search keys them);
 * merged_into is written by a merge only. */
#define PERSON_FIELDS(X) \
	X(C, cin, CIN, 1, SJ_MAX_CIN_TYPED, NULL, IN | OUT | PII | NULLABLE) \
	X(C, unknown, BOOL, 0, 0, NULL, IN | OUT) \
	X(E, first_name_ar, TEXT, 1, SJ_MAX_NAME, NULL, IN | OUT | PII | NULLABLE) \
	X(E, last_name_ar, TEXT, 1, SJ_MAX_NAME, NULL, IN | OUT | PII | NULLABLE) \
	X(E, first_name_lat, TEXT, 1, SJ_MAX_NAME, NULL, IN | OUT | PII | NULLABLE) \
	X(E, last_name_lat, TEXT, 1, SJ_MAX_NAME, NULL, IN | OUT | PII | NULLABLE) \
	X(E, father_name, TEXT, 1, SJ_MAX_NAME, NULL, IN | OUT | PII | NULLABLE) \
	X(E, mother_name, TEXT, 1, SJ_MAX_NAME, NULL, IN | OUT | PII | NULLABLE) \
	X(E, birth_date, DATE, 0, 10, NULL, IN | OUT | PII | NULLABLE) \
	X(E, birth_place, TEXT, 1, SJ_MAX_NAME, NULL, IN | OUT | PII | NULLABLE) \
	X(E, sex, ENUM, 0, 1, &person_sexes, IN | OUT | PII | NULLABLE) \
	X(E, nationality, TEXT, 2, SJ_MAX_NATIONALITY, NULL, IN | OUT | PII | NULLABLE) \
	X(E, address, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, IN | OUT | PII | NULLABLE) \
	X(E, phone, TEXT, 4, SJ_MAX_PHONE, NULL, IN | OUT | PII | NULLABLE) \
	X(C, description, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, IN | OUT | PII | NULLABLE) \
	X(E, father_name_ar, TEXT, 1, SJ_MAX_NAME, NULL, PII) \
	X(E, father_name_lat, TEXT, 1, SJ_MAX_NAME, NULL, PII) \
	X(E, mother_name_ar, TEXT, 1, SJ_MAX_NAME, NULL, PII) \
	X(C, merged_into, ID, 0, 36, NULL, 0) \
	X(C, home_unit_id, ID, 0, 36, NULL, 0) \
	X(C, created_at, TIME, 0, 0, NULL, OUT) \
	X(C, updated_at, TIME, 0, 0, NULL, 0)

static void persons_check(json_t *p, const char *prefix, json_t *errs)
{
	const char *cin = s(p, "cin");
	bool unknown = json_is_true(json_object_get(p, "unknown"));
	char norm[PERSON_CIN_MAX + 1];
	if (cin && !persons_cin_normalize(cin, norm))
		rec_err(errs, prefix, "cin", "cin", "a CIN is 1-3 letters then 1-6 digits");
	if (unknown && cin)
		rec_err(errs, prefix, "cin", "unknown-with-cin", "an unknown person has no CIN");
	if (unknown && !s(p, "description"))
		rec_err(errs, prefix, "description", "required", "describe the unknown person");
	if (!unknown && !has_name(p))
		rec_err(errs, prefix, "last_name_lat", "name-required", "give a name in Arabic or Latin script");
}

static const rec_field person_fields[] = {REC_ID_FIELD, PERSON_FIELDS(REC_FIELD)};
const rec_desc person_rec = REC_DESC("person", "persons", person_fields, persons_check);

static const char sql_by_cin[] = "SELECT id FROM persons WHERE cin = ?";
static const char sql_insert[] =
	"INSERT INTO persons (" REC_COLS(PERSON_FIELDS) ") VALUES (" REC_QS(PERSON_FIELDS) ")";
/* Fill only what is empty: recorded identity is never overwritten here. */
static const char sql_fill[] = "UPDATE persons SET " REC_FILL(PERSON_FIELDS) "updated_at = ? WHERE id = ?";

/* known looks up the person with this (normalised) CIN: id_out gets its
 * id and *found is set; nothing found is SJ_OK with *found false. */
static sj_err known(db_conn *c, const char *cin, char id_out[ID_LEN + 1], bool *found)
{
	*found = false;
	if (!cin || !cin[0])
		return SJ_OK;
	json_t *row = NULL;
	sj_err e = dbj_one(c, sql_by_cin, "id:t", &row, "t", cin);
	if (!e) {
		snprintf(id_out, ID_LEN + 1, "%s", s(row, "id"));
		*found = true;
	}
	json_decref(row);
	return e == SJ_ENOTFOUND ? SJ_OK : e;
}

/* store writes row (a person as stored): filling person id_out's empty
 * fields when found, else as a new person (id_out receives its id); then
 * (re)indexes the names. */
static sj_err store(db_conn *c, json_t *row, bool found, char id_out[ID_LEN + 1])
{
	int64_t now = clock_now_ms();
	json_object_set_new(row, "created_at", json_integer(now));
	json_object_set_new(row, "updated_at", json_integer(now));
	sj_err e;
	if (found) {
		e = dbj_write(c, sql_fill, &person_rec, row, true, "it", now, id_out);
		return e ? e : srch_reindex_person(c, id_out); /* search: re-key the names */
	}
	id_new(id_out);
	json_object_set_new(row, "id", json_string(id_out));
	e = dbj_write(c, sql_insert, &person_rec, row, false, "");
	return e ? e : srch_reindex_person(c, id_out); /* search: key the names */
}

sj_err persons_upsert(db_conn *c, json_t *p, const char *home_unit_id, char id_out[ID_LEN + 1], bool *created)
{
	if (created)
		*created = false;
	char cin[PERSON_CIN_MAX + 1] = "";
	const char *raw = s(p, "cin");
	if (raw && !persons_cin_normalize(raw, cin))
		return SJ_EINVAL;
	char phone[IDENT_PHONE_MAX + 1];
	const char *tel = phone_canonical(s(p, "phone"), phone);
	/* the row as stored: the request's fields, normalised, and the server's */
	json_t *row = json_deep_copy(p);
	if (!row)
		return SJ_ENOMEM;
	json_object_set_new(row, "cin", cin[0] ? json_string(cin) : json_null());
	json_object_set_new(row, "phone", tel ? json_string(tel) : json_null());
	json_object_set_new(row, "home_unit_id", json_string(home_unit_id));
	bool found = false;
	sj_err e = known(c, cin, id_out, &found);
	e = e ? e : store(c, row, found, id_out);
	json_decref(row);
	if (!e && created)
		*created = !found;
	return e;
}

static const char sql_get[] = "SELECT " REC_COLS(PERSON_FIELDS) " FROM persons WHERE id = ?";

sj_err persons_get(db_conn *c, const char *id, json_t **out)
{
	*out = NULL;
	if (!id_valid(id))
		return SJ_ENOTFOUND;
	sj_err e = dbj_one(c, sql_get, REC_DBJ(PERSON_FIELDS), out, "t", id);
	if (!e)
		rec_out(&person_rec, *out);
	return e;
}

static const char sql_exists[] = "SELECT COUNT(*) FROM persons WHERE id = ?";

sj_err persons_exists(db_conn *c, const char *id, bool *yes)
{
	int64_t n = 0;
	*yes = false;
	sj_err e = dbj_int(c, sql_exists, &n, "t", id);
	*yes = !e && n > 0;
	return e;
}

static const char sql_birth[] = "SELECT birth_date FROM persons WHERE id = ?";

sj_err persons_birth_date(db_conn *c, const char *id, char out[11])
{
	out[0] = '\0';
	json_t *p = NULL;
	sj_err e = dbj_one(c, sql_birth, "birth_date:t", &p, "t", id);
	if (!e && s(p, "birth_date"))
		snprintf(out, 11, "%s", s(p, "birth_date"));
	json_decref(p);
	return e;
}

void persons_display_name(json_t *p, char *out, size_t outsz)
{
	const char *fl = s(p, "first_name_lat"), *ll = s(p, "last_name_lat"), *fa = s(p, "first_name_ar"),
		   *la = s(p, "last_name_ar");
	if (json_is_true(json_object_get(p, "unknown"))) {
		snprintf(out, outsz, "(inconnu / مجهول) %s", s(p, "description") ? s(p, "description") : "");
		return;
	}
	snprintf(out, outsz, "%s%s%s%s%s%s%s", ll ? ll : "", ll && fl ? " " : "", fl ? fl : "",
		 (ll || fl) && (la || fa) ? " / " : "", fa ? fa : "", fa && la ? " " : "", la ? la : "");
}

/* ------------------------------------------------------------ the import */

/* The import contract (issue #4, fixed): any of these, a name required. */
#define PERSON_IMPORT_FIELDS(X) \
	X(V, cin, CIN, 1, SJ_MAX_CIN_TYPED, NULL, IN | PII | NULLABLE) \
	X(V, first_name_ar, TEXT, 1, SJ_MAX_NAME, NULL, IN | PII | NULLABLE) \
	X(V, last_name_ar, TEXT, 1, SJ_MAX_NAME, NULL, IN | PII | NULLABLE) \
	X(V, first_name_lat, TEXT, 1, SJ_MAX_NAME, NULL, IN | PII | NULLABLE) \
	X(V, last_name_lat, TEXT, 1, SJ_MAX_NAME, NULL, IN | PII | NULLABLE) \
	X(V, father_name_ar, TEXT, 1, SJ_MAX_NAME, NULL, IN | PII | NULLABLE) \
	X(V, father_name_lat, TEXT, 1, SJ_MAX_NAME, NULL, IN | PII | NULLABLE) \
	X(V, mother_name_ar, TEXT, 1, SJ_MAX_NAME, NULL, IN | PII | NULLABLE) \
	X(V, birth_date, DATE, 0, 10, NULL, IN | PII | NULLABLE) \
	X(V, sex, ENUM, 0, 1, &person_sexes, IN | PII | NULLABLE)

static void import_check(json_t *p, const char *prefix, json_t *errs)
{
	char norm[PERSON_CIN_MAX + 1];
	if (s(p, "cin") && !persons_cin_normalize(s(p, "cin"), norm))
		rec_err(errs, prefix, "cin", "cin", "cin is not a CIN number (letters then digits)");
	if (!has_name(p))
		rec_err(errs, prefix, "", "name-required",
			"no name: first_name_ar, last_name_ar, first_name_lat or last_name_lat is required");
}

static const rec_field person_import_fields[] = {PERSON_IMPORT_FIELDS(REC_FIELD)};
const rec_desc person_import_rec = REC_DESC("person_import", NULL, person_import_fields, import_check);

const char *persons_import_check(json_t *p, char *buf, size_t bufsz)
{
	if (!json_is_object(p))
		return "not a JSON object";
	json_t *errs = json_array();
	if (!errs)
		return "out of memory";
	if (rec_check(&person_import_rec, REC_CREATE, p, NULL, errs)) {
		json_decref(errs);
		return NULL;
	}
	json_t *first = json_array_get(errs, 0);
	const char *code = s(first, "code"), *field = s(first, "field"), *detail = s(first, "detail");
	if (code && strcmp(code, "unknown-field") == 0)
		snprintf(buf, bufsz, "unknown field %s", field ? field : "");
	else if (!field || !*field)
		snprintf(buf, bufsz, "%s", detail ? detail : "not acceptable");
	else
		snprintf(buf, bufsz, "%s: %s", field, detail ? detail : "not acceptable");
	json_decref(errs);
	return buf;
}

sj_err persons_import(db_conn *c, json_t *p, const char *home_unit_id, char id_out[ID_LEN + 1], bool *created)
{
	*created = false;
	char cin[PERSON_CIN_MAX + 1] = "";
	if (s(p, "cin") && !persons_cin_normalize(s(p, "cin"), cin))
		return SJ_EINVAL;
	/* the stored row: the free-text father's and mother's names of a new
	 * person are the import's split ones (Arabic first); a person already
	 * known by CIN only has its empty fields filled, those two left alone */
	const char *fa = s(p, "father_name_ar"), *fl = s(p, "father_name_lat");
	json_t *row = json_pack("{s:s?,s:O?,s:O?,s:O?,s:O?,s:O?,s:O?,s:O?,s:O?,s:O?,s:s}", "cin", cin[0] ? cin : NULL,
				"first_name_ar", json_object_get(p, "first_name_ar"), "last_name_ar",
				json_object_get(p, "last_name_ar"), "first_name_lat", json_object_get(p, "first_name_lat"),
				"last_name_lat", json_object_get(p, "last_name_lat"), "father_name_ar",
				json_object_get(p, "father_name_ar"), "father_name_lat",
				json_object_get(p, "father_name_lat"), "mother_name_ar", json_object_get(p, "mother_name_ar"),
				"birth_date", json_object_get(p, "birth_date"), "sex", json_object_get(p, "sex"),
				"home_unit_id", home_unit_id);
	if (!row)
		return SJ_ENOMEM;
	bool found = false;
	sj_err e = known(c, cin, id_out, &found);
	if (!e && !found) {
		if (fa || fl)
			json_object_set_new(row, "father_name", json_string(fa ? fa : fl));
		if (s(p, "mother_name_ar"))
			json_object_set(row, "mother_name", json_object_get(p, "mother_name_ar"));
	}
	e = e ? e : store(c, row, found, id_out);
	json_decref(row);
	if (!e)
		*created = !found;
	return e;
}

/* ------------------------------------------------------------ candidates */

#define PERSON_MATCH_FIELDS(X) \
	X(V, cin, CIN, 1, SJ_MAX_CIN_TYPED, NULL, OUT | PII) \
	X(V, first_name_ar, TEXT, 1, SJ_MAX_NAME, NULL, OUT | PII) \
	X(V, last_name_ar, TEXT, 1, SJ_MAX_NAME, NULL, OUT | PII) \
	X(V, first_name_lat, TEXT, 1, SJ_MAX_NAME, NULL, OUT | PII) \
	X(V, last_name_lat, TEXT, 1, SJ_MAX_NAME, NULL, OUT | PII) \
	X(V, father_name_ar, TEXT, 1, SJ_MAX_NAME, NULL, OUT | PII) \
	X(V, father_name_lat, TEXT, 1, SJ_MAX_NAME, NULL, OUT | PII) \
	X(V, birth_date, DATE, 0, 10, NULL, OUT | PII) \
	X(V, sex, ENUM, 0, 1, &person_sexes, OUT | PII) \
	X(V, score, REAL, 0, 1, NULL, OUT) \
	X(V, matched, ARRAY, 0, SJ_MAX_MATCH_REASONS, NULL, OUT) \
	X(V, reasons, ARRAY, 0, SJ_MAX_MATCH_REASONS, &person_reason_rec, OUT) \
	X(V, evidence, ANY, 0, 0, NULL, OUT) \
	X(V, masked, CODE, 1, 32, NULL, OUT | NULLABLE)   /* a minor victim (cases.h case_person_mask) */

/* One reason a candidate is there (search.h, srch_persons): a name part
 * typed and how it matched, the father's name, the birth, sex, place. */
#define PERSON_REASON_FIELDS(X) \
	X(V, code, CODE, 1, SJ_MAX_REFERENCE, NULL, OUT) \
	X(V, part, CODE, 1, SJ_MAX_REFERENCE, NULL, OUT) \
	X(V, script, CODE, 1, SJ_MAX_REFERENCE, NULL, OUT) \
	X(V, match, CODE, 1, SJ_MAX_REFERENCE, NULL, OUT) \
	X(V, year, INT, 0, 0, NULL, OUT | PII)

static const rec_field person_reason_fields[] = {PERSON_REASON_FIELDS(REC_FIELD)};
static const rec_desc person_reason_rec = REC_DESC("person_reason", NULL, person_reason_fields, NULL);

static const rec_field person_match_fields[] = {REC_ID_FIELD, PERSON_MATCH_FIELDS(REC_FIELD)};
const rec_desc person_match_rec = REC_DESC("person_match", NULL, person_match_fields, NULL);

#define PERSON_DUPLICATES_FIELDS(X) \
	X(V, candidates, ARRAY, 0, SJ_MAX_PAGE, &person_match_rec, OUT)

static const rec_field person_duplicates_fields[] = {REC_ID_FIELD, PERSON_DUPLICATES_FIELDS(REC_FIELD)};
const rec_desc person_duplicates_rec = REC_DESC("person_duplicates", NULL, person_duplicates_fields, NULL);

/* the merge-resolved row of a person: follow merged_into to the survivor */
static const char sql_resolve[] = "SELECT " REC_COLS(PERSON_FIELDS) " FROM persons WHERE id = ?";

static sj_err resolve(db_conn *c, const char *id, json_t **out)
{
	char cur[ID_LEN + 1];
	snprintf(cur, sizeof cur, "%s", id);
	for (int hop = 0; hop < 8; hop++) {
		json_t *row = NULL;
		sj_err e = dbj_one(c, sql_resolve, REC_DBJ(PERSON_FIELDS), &row, "t", cur);
		if (e)
			return e;
		const char *m = s(row, "merged_into");
		if (!m) {
			*out = row;
			return SJ_OK;
		}
		snprintf(cur, sizeof cur, "%s", m);
		json_decref(row);
	}
	return SJ_EINTERNAL; /* a merge cycle cannot be made by persons_merge */
}

static sj_err in_scope(db_conn *c, const sj_actor *a, const char *id, bool *merged, const char **why);

sj_err persons_duplicates(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why)
{
	*out = NULL;
	json_t *row = NULL;
	/* the candidates are for merging: asked for by whom may merge this one */
	sj_err e = id_valid(id) ? in_scope(c, a, id, NULL, why) : SJ_ENOTFOUND;
	e = e ? e : resolve(c, id, &row);
	if (e == SJ_ENOTFOUND)
		*why = "person-not-found";
	if (e)
		return e;
	json_t *all = json_array();
	char q[2 * SJ_MAX_NAME + 2];
	const char *names[2][2] = {{s(row, "first_name_lat"), s(row, "last_name_lat")},
				   {s(row, "first_name_ar"), s(row, "last_name_ar")}};
	for (int k = 0; k < 2 && !e && all; k++) {
		if (!names[k][0] && !names[k][1])
			continue;
		snprintf(q, sizeof q, "%s %s", names[k][0] ? names[k][0] : "", names[k][1] ? names[k][1] : "");
		srch_query sq = {.q = q, .birth_date = s(row, "birth_date"), .sex = s(row, "sex"),
				 .father = k == 0 ? s(row, "father_name_lat") : s(row, "father_name_ar"),
				 .limit = PERSON_DUPLICATES_MAX, .exclude_id = s(row, "id"), .keep_broad = true};
		json_t *r = NULL;
		e = srch_persons(c, &sq, &r);
		size_t i;
		json_t *x;
		json_array_foreach(json_object_get(r, "results"), i, x) {
			bool dup = false;
			size_t j;
			json_t *y;
			json_array_foreach(all, j, y) dup = dup || json_equal(json_object_get(x, "id"), json_object_get(y, "id"));
			if (!dup)
				json_array_append(all, x);
		}
		json_decref(r);
	}
	json_decref(row);
	if (!e && !all)
		e = SJ_ENOMEM;
	if (e) {
		json_decref(all);
		return e;
	}
	/* the reference to all is stolen, also when the pack fails */
	*out = json_pack("{s:s,s:o}", "id", id, "candidates", all);
	return *out ? SJ_OK : SJ_ENOMEM;
}

/* ------------------------------------------------------------ merges */

#define PERSON_MERGE_FIELDS(X) \
	X(C, survivor_id, ID, 0, 36, NULL, IN | REQ | OUT) \
	X(C, merged_id, ID, 0, 36, NULL, IN | REQ | OUT) \
	X(C, reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | REQ) \
	X(C, merged_at, TIME, 0, 0, NULL, 0) \
	X(C, merged_by, ID, 0, 36, NULL, 0) \
	X(E, undone_at, TIME, 0, 0, NULL, 0) \
	X(E, undone_by, ID, 0, 36, NULL, 0) \
	X(E, undo_reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, 0) \
	X(V, undone, BOOL, 0, 0, NULL, OUT)

static const rec_field person_merge_fields[] = {REC_ID_FIELD, PERSON_MERGE_FIELDS(REC_FIELD)};
const rec_desc person_merge_rec = REC_DESC("person_merge", "person_merges", person_merge_fields, NULL);

#define PERSON_UNMERGE_FIELDS(X) X(V, reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | REQ)

static const rec_field person_unmerge_fields[] = {PERSON_UNMERGE_FIELDS(REC_FIELD)};
const rec_desc person_unmerge_rec = REC_DESC("person_unmerge", NULL, person_unmerge_fields, NULL);

static const char sql_home[] = "SELECT home_unit_id, merged_into FROM persons WHERE id = ?";

/* in_scope: SJ_OK when the actor may change person id's record:
 * administrators nationally; others when the person's home unit is theirs or
 * below (a record has one home unit, which alone writes it) or is the root
 * unit (the national index loaded by `sijill import`, which no station owns).
 * Found by the authorisation matrix (tests/api/test_authz.c): before, a chief
 * of any unit could merge or un-merge any unit's persons. *merged (may be
 * NULL) tells whether the person is already merged into another. */
static sj_err in_scope(db_conn *c, const sj_actor *a, const char *id, bool *merged, const char **why)
{
	json_t *row = NULL;
	sj_err e = dbj_one(c, sql_home, "home:t,merged:t", &row, "t", id);
	if (e == SJ_ENOTFOUND)
		*why = "person-not-found";
	if (!e && merged)
		*merged = s(row, "merged") != NULL;
	unit_info home;
	if (!e && !(a->role & ROLE_ADMIN)) {
		/* the national index (the root unit: imported, no station owns
		 * it) and other units' persons are the national data-quality
		 * role's (the administrator's) to merge, not a chief's */
		e = unit_get(c, s(row, "home"), &home);
		if (!e && (!home.parent_id[0] || !actor_in_scope(a, home.path))) {
			*why = "merge-needs-data-quality-role";
			e = SJ_EFORBIDDEN;
		}
	}
	json_decref(row);
	return e;
}

static const char sql_set_merged[] = "UPDATE persons SET merged_into = ?, updated_at = ? WHERE id = ?";
static const char sql_merge_ins[] =
	"INSERT INTO person_merges (" REC_COLS(PERSON_MERGE_FIELDS) ") VALUES (" REC_QS(PERSON_MERGE_FIELDS) ")";

sj_err persons_merge(db_conn *c, const sj_actor *a, json_t *in, json_t **out, const char **why)
{
	*out = NULL;
	const char *survivor = s(in, "survivor_id"), *merged = s(in, "merged_id");
	bool m1 = false, m2 = false;
	sj_err e = in_scope(c, a, survivor, &m1, why);
	e = e ? e : in_scope(c, a, merged, &m2, why);
	if (e)
		return e;
	if (strcmp(survivor, merged) == 0) {
		*why = "merge-same-person";
		return SJ_ECONFLICT;
	}
	if (m1 || m2) {
		*why = "person-already-merged";
		return SJ_ECONFLICT;
	}
	int64_t now = clock_now_ms();
	char mid[ID_LEN + 1];
	id_new(mid);
	json_t *row = json_pack("{s:s,s:s,s:s,s:O,s:I,s:s?}", "id", mid, "survivor_id", survivor, "merged_id", merged,
				"reason", json_object_get(in, "reason"), "merged_at", (json_int_t)now, "merged_by", a->id);
	if (!row)
		return SJ_ENOMEM;
	e = db_run(c, sql_set_merged, "tit", survivor, now, merged);
	e = e ? e : dbj_write(c, sql_merge_ins, &person_merge_rec, row, false, "");
	json_decref(row);
	if (!e && !(*out = json_pack("{s:s,s:s,s:s}", "id", mid, "survivor_id", survivor, "merged_id", merged)))
		e = SJ_ENOMEM;
	return e;
}

static const char sql_merge_get[] = "SELECT survivor_id, merged_id, undone_at FROM person_merges WHERE id = ?";
static const char sql_merge_undo[] =
	"UPDATE person_merges SET undone_at = ?, undone_by = ?, undo_reason = ? WHERE id = ? AND undone_at IS NULL";

sj_err persons_unmerge(db_conn *c, const sj_actor *a, const char *merge_id, json_t *in, json_t **out,
		       const char **why)
{
	*out = NULL;
	json_t *m = NULL;
	sj_err e = id_valid(merge_id) ? dbj_rec_one(c, sql_merge_get, &person_merge_rec, &m, "t", merge_id)
				      : SJ_ENOTFOUND;
	if (e == SJ_ENOTFOUND)
		*why = "merge-not-found";
	e = e ? e : in_scope(c, a, s(m, "survivor_id"), NULL, why);
	e = e ? e : in_scope(c, a, s(m, "merged_id"), NULL, why);
	if (!e && !json_is_null(json_object_get(m, "undone_at"))) {
		*why = "merge-already-undone";
		e = SJ_ECONFLICT;
	}
	int64_t now = clock_now_ms();
	e = e ? e : db_run(c, sql_merge_undo, "ittt", now, a->id, s(in, "reason"), merge_id);
	e = e ? e : db_run(c, sql_set_merged, "nit", now, s(m, "merged_id"));
	json_decref(m);
	if (!e && !(*out = json_pack("{s:s,s:b}", "id", merge_id, "undone", 1)))
		e = SJ_ENOMEM;
	return e;
}
