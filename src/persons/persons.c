/* persons.c — the person index (see persons.h). */
#include "persons/persons.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "search/search.h"   /* the name-key index (issue #4) */
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

/* ------------------------------------------------------------ the record */

REC_ENUM_DEF_PUBLIC(person_sexes, "sex", "M", "F");

/* One row per field (core/record.h): kind, name, type, limits, enum, flags.
 * The identity fields are E: a later entry may fill what is still empty
 * (persons_upsert), never overwrite it. */
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
	if (!unknown && !s(p, "first_name_ar") && !s(p, "last_name_ar") && !s(p, "first_name_lat") &&
	    !s(p, "last_name_lat"))
		rec_err(errs, prefix, "last_name_lat", "name-required", "give a name in Arabic or Latin script");
}

static const rec_field person_fields[] = {REC_ID_FIELD, PERSON_FIELDS(REC_FIELD)};
const rec_desc person_rec = REC_DESC("person", "persons", person_fields, persons_check);

static const char sql_by_cin[] = "SELECT id FROM persons WHERE cin = ?";
static const char sql_insert[] =
	"INSERT INTO persons (" REC_COLS(PERSON_FIELDS) ") VALUES (" REC_QS(PERSON_FIELDS) ")";
/* Fill only what is empty: recorded identity is never overwritten here. */
static const char sql_fill[] = "UPDATE persons SET " REC_FILL(PERSON_FIELDS) "updated_at = ? WHERE id = ?";

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
	int64_t now = clock_now_ms();
	/* the row as stored: the request's fields, normalised, and the server's */
	json_t *row = json_deep_copy(p);
	if (!row)
		return SJ_ENOMEM;
	json_object_set_new(row, "cin", cin[0] ? json_string(cin) : json_null());
	json_object_set_new(row, "phone", tel ? json_string(tel) : json_null());
	json_object_set_new(row, "home_unit_id", json_string(home_unit_id));
	json_object_set_new(row, "created_at", json_integer(now));
	json_object_set_new(row, "updated_at", json_integer(now));
	sj_err e = SJ_OK;
	if (cin[0]) {
		json_t *found = NULL;
		e = dbj_one(c, sql_by_cin, "id:t", &found, "t", cin);
		if (!e) {
			snprintf(id_out, ID_LEN + 1, "%s", s(found, "id"));
			json_decref(found);
			e = dbj_write(c, sql_fill, &person_rec, row, true, "it", now, id_out);
			json_decref(row);
			return e ? e : srch_reindex_person(c, id_out); /* search: re-key the names */
		}
		if (e != SJ_ENOTFOUND) {
			json_decref(row);
			return e;
		}
	}
	id_new(id_out);
	json_object_set_new(row, "id", json_string(id_out));
	e = dbj_write(c, sql_insert, &person_rec, row, false, "");
	json_decref(row);
	if (!e && created)
		*created = true;
	return e ? e : srch_reindex_person(c, id_out); /* search: key the names */
}

static const char sql_get[] = "SELECT " REC_COLS(PERSON_FIELDS) " FROM persons WHERE id = ?";

sj_err persons_get(db_conn *c, const char *id, json_t **out)
{
	sj_err e = dbj_one(c, sql_get, REC_DBJ(PERSON_FIELDS), out, "t", id);
	if (!e)
		rec_out(&person_rec, *out);
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
