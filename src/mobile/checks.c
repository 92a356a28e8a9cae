/* checks.c — the kit's offline checks at sign-off: the registers the node
 * holds (wanted persons, lost and stolen documents) through the hit engine,
 * and the same person enrolled twice in the tour across scripts (mobile.h).
 * The third check, the operator not enrolling themself, is made on capture
 * (enrol.c: an operator's own print is refused). */
#include "mobile/mobile.h"

#include <stdio.h>
#include <string.h>

#include "db/dbj.h"
#include "registers/registers.h"
#include "text/namekey.h"

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

void mob_name_key(const char *last, const char *first, char *out, size_t n)
{
	nk_keyset ks;
	char full[2 * 256 + 2];
	snprintf(full, sizeof full, "%s %s", last ? last : "", first ? first : "");
	if (nk_keys(full, &ks) != SJ_OK || !ks.n) {
		snprintf(out, n, "-");
		return;
	}
	snprintf(out, n, "%s", ks.k[0].s);
}

/* best of the four script pairings of two name parts. */
double mob_part_score(json_t *a, json_t *b, const char *lat, const char *ar)
{
	const char *a1 = js(a, lat), *a2 = js(a, ar), *b1 = js(b, lat), *b2 = js(b, ar);
	double s = 0, x;
	if ((x = nk_token_similarity(a1, b1)) > s)
		s = x;
	if ((x = nk_token_similarity(a1, b2)) > s)
		s = x;
	if ((x = nk_token_similarity(a2, b1)) > s)
		s = x;
	if ((x = nk_token_similarity(a2, b2)) > s)
		s = x;
	return s;
}

static const char sql_same_day[] =
	"SELECT id, application_no, last_name_lat, first_name_lat, last_name_ar, first_name_ar FROM mob_enrolments"
	" WHERE tour_id = ? AND birth_date = ? AND sex = ? AND id <> ? AND status <> 'rejected'";

sj_err mob_checks(db_conn *c, const sj_actor *a, json_t *e, json_t **alerts)
{
	*alerts = json_array();
	if (!*alerts)
		return SJ_ENOMEM;
	reg_ctx ctx = {.actor_id = a->id, .actor_unit_id = a->unit_id, .source = "lookup",
		       .source_ref = js(e, "application_no")};
	reg_person p = {.cin = js(e, "prior_cin"), .first_name_ar = js(e, "first_name_ar"),
			.last_name_ar = js(e, "last_name_ar"), .first_name_lat = js(e, "first_name_lat"),
			.last_name_lat = js(e, "last_name_lat"), .father_name = js(e, "father_name"),
			.birth_date = js(e, "birth_date")};
	sj_err err = reg_check_person(c, &p, &ctx, *alerts);
	if (!err && js(e, "prior_cin") && strcmp(js(e, "request_type"), "duplicate") != 0)
		err = reg_check_document(c, js(e, "prior_cin"), &ctx, *alerts);
	json_t *rows = NULL;
	err = err ? err : dbj_rows(c, sql_same_day,
				   "id:t,application_no:t,last_name_lat:t,first_name_lat:t,last_name_ar:t,first_name_ar:t",
				   &rows, "tttt", js(e, "tour_id"), js(e, "birth_date"), js(e, "sex"), js(e, "id"));
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		if (mob_part_score(e, r, "last_name_lat", "last_name_ar") >= NK_MATCH_THRESHOLD &&
		    mob_part_score(e, r, "first_name_lat", "first_name_ar") >= NK_MATCH_THRESHOLD)
			json_array_append_new(*alerts, json_pack("{s:s,s:s,s:s}", "kind", "same-person", "ref",
								 js(r, "application_no"), "enrolment_id", js(r, "id")));
	}
	json_decref(rows);
	if (err) {
		json_decref(*alerts);
		*alerts = NULL;
	}
	return err;
}
