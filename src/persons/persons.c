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

static const char sql_by_cin[] = "SELECT id FROM persons WHERE cin = ?";
static const char sql_insert[] =
	"INSERT INTO persons (id, cin, unknown, first_name_ar, last_name_ar, first_name_lat, last_name_lat,"
	" father_name, mother_name, birth_date, birth_place, sex, nationality, address, phone, description,"
	" home_unit_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
/* Fill only what is empty: recorded identity is never overwritten here. */
static const char sql_fill[] =
	"UPDATE persons SET first_name_ar = COALESCE(first_name_ar, ?), last_name_ar = COALESCE(last_name_ar, ?),"
	" first_name_lat = COALESCE(first_name_lat, ?), last_name_lat = COALESCE(last_name_lat, ?),"
	" father_name = COALESCE(father_name, ?), mother_name = COALESCE(mother_name, ?),"
	" birth_date = COALESCE(birth_date, ?), birth_place = COALESCE(birth_place, ?), sex = COALESCE(sex, ?),"
	" nationality = COALESCE(nationality, ?), address = COALESCE(address, ?), phone = COALESCE(phone, ?),"
	" updated_at = ? WHERE id = ?";

sj_err persons_upsert(db_conn *c, json_t *p, const char *home_unit_id, char id_out[ID_LEN + 1], bool *created)
{
	if (created)
		*created = false;
	char cin[PERSON_CIN_MAX + 1] = "";
	const char *raw = s(p, "cin");
	bool unknown = json_is_true(json_object_get(p, "unknown"));
	if (raw && !persons_cin_normalize(raw, cin))
		return SJ_EINVAL;
	char phone[IDENT_PHONE_MAX + 1];
	const char *tel = phone_canonical(s(p, "phone"), phone);
	int64_t now = clock_now_ms();
	if (cin[0]) {
		json_t *row = NULL;
		sj_err e = dbj_one(c, sql_by_cin, "id:t", &row, "t", cin);
		if (!e) {
			snprintf(id_out, ID_LEN + 1, "%s", s(row, "id"));
			json_decref(row);
			sj_err fe = db_run(c, sql_fill, "tttttttttttt" "it", s(p, "first_name_ar"), s(p, "last_name_ar"),
				      s(p, "first_name_lat"), s(p, "last_name_lat"), s(p, "father_name"),
				      s(p, "mother_name"), s(p, "birth_date"), s(p, "birth_place"), s(p, "sex"),
				      s(p, "nationality"), s(p, "address"), tel, now, id_out);
			return fe ? fe : srch_reindex_person(c, id_out); /* search: re-key the names */
		}
		if (e != SJ_ENOTFOUND)
			return e;
	}
	id_new(id_out);
	sj_err e = db_run(c, sql_insert, "ttit" "tttttttttttt" "tii", id_out, cin[0] ? cin : NULL,
			  (int64_t)unknown, s(p, "first_name_ar"), s(p, "last_name_ar"), s(p, "first_name_lat"),
			  s(p, "last_name_lat"), s(p, "father_name"), s(p, "mother_name"), s(p, "birth_date"),
			  s(p, "birth_place"), s(p, "sex"), s(p, "nationality"), s(p, "address"), tel,
			  s(p, "description"), home_unit_id, now, now);
	if (!e && created)
		*created = true;
	return e ? e : srch_reindex_person(c, id_out); /* search: key the names */
}

static const char sql_get[] =
	"SELECT id, cin, unknown, first_name_ar, last_name_ar, first_name_lat, last_name_lat, father_name,"
	" mother_name, birth_date, birth_place, sex, nationality, address, phone, description, created_at"
	" FROM persons WHERE id = ?";

sj_err persons_get(db_conn *c, const char *id, json_t **out)
{
	return dbj_one(c, sql_get,
		       "id:t,cin:t,unknown:b,first_name_ar:t,last_name_ar:t,first_name_lat:t,last_name_lat:t,"
		       "father_name:t,mother_name:t,birth_date:t,birth_place:t,sex:t,nationality:t,address:t,"
		       "phone:t,description:t,created_at:i",
		       out, "t", id);
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
