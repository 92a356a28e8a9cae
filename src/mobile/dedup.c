/* dedup.c — demographic dedup at central, across scripts: the national
 * person index through the search engine (src/search: names in Arabic or
 * Latin, birth date with a window, father's name, sex), and the
 * applications already accepted (the same citizen enrolled twice, in one
 * tour or two). MOSIP's demographic dedup is exact match; this is the
 * search's fuzzy, cross-script match (mobile.h). */
#include "mobile/mobile.h"

#include <stdio.h>
#include <string.h>

#include "db/dbj.h"
#include "search/search.h"
#include "text/namekey.h"

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* birth_ok: the search's birth evidence of result r is within the window. */
static bool birth_ok(json_t *r)
{
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(r, "reasons"), i, x) {
		if (strcmp(js(x, "code") ? js(x, "code") : "", "birth") != 0)
			continue;
		const char *m = js(x, "match");
		return m && (strcmp(m, "date") == 0 || strcmp(m, "swapped") == 0 || strcmp(m, "year") == 0 ||
			     strcmp(m, "near_year") == 0);
	}
	return false;
}

static bool listed(json_t *out, const char *id)
{
	size_t i;
	json_t *x;
	json_array_foreach(out, i, x) if (js(x, "person_id") && strcmp(js(x, "person_id"), id) == 0) return true;
	return false;
}

static sj_err index_candidates(db_conn *c, json_t *en, const char *first, const char *last, json_t *out)
{
	if (!first || !last)
		return SJ_OK;
	char q[2 * 256 + 2];
	snprintf(q, sizeof q, "%s %s", first, last);
	srch_query sq = {.q = q, .birth_date = js(en, "birth_date"), .sex = js(en, "sex"),
			 .father = js(en, "father_name"), .limit = 20, .keep_broad = true};
	json_t *res = NULL;
	sj_err e = srch_persons(c, &sq, &res);
	if (e == SJ_EINVAL)
		return SJ_OK;
	if (e)
		return e;
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(res, "results"), i, r) {
		double score = json_real_value(json_object_get(r, "score"));
		if (score < MOB_DEDUP_SCORE || !birth_ok(r) || !js(r, "id") || listed(out, js(r, "id")))
			continue;
		if (js(r, "sex") && js(en, "sex") && strcmp(js(r, "sex"), js(en, "sex")) != 0)
			continue;
		json_array_append_new(out, json_pack("{s:s,s:s,s:f,s:O}", "kind", "person", "person_id", js(r, "id"),
						     "score", score, "reasons", json_object_get(r, "reasons")));
	}
	json_decref(res);
	return SJ_OK;
}

static const char sql_apps[] =
	"SELECT application_no, applicant FROM mob_received WHERE outcome = 'accepted' AND applicant IS NOT NULL"
	" AND application_no <> ?";

sj_err mob_dedup(db_conn *c, json_t *app, json_t **out)
{
	*out = json_array();
	if (!*out)
		return SJ_ENOMEM;
	json_t *en = json_object_get(app, "enrolment"), *rows = NULL;
	sj_err e = index_candidates(c, en, js(en, "first_name_lat"), js(en, "last_name_lat"), *out);
	e = e ? e : index_candidates(c, en, js(en, "first_name_ar"), js(en, "last_name_ar"), *out);
	/* the applications already accepted: same birth date and sex, names
	 * matching across scripts (a national table would index this; the
	 * scan is what a first version reads) */
	e = e ? e : dbj_rows(c, sql_apps, "application_no:t,applicant:j", &rows, "t", js(app, "application_no"));
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		json_t *o = json_object_get(r, "applicant");
		if (!js(o, "birth_date") || strcmp(js(o, "birth_date"), js(en, "birth_date")) != 0 ||
		    strcmp(js(o, "sex") ? js(o, "sex") : "", js(en, "sex") ? js(en, "sex") : "") != 0)
			continue;
		if (mob_part_score(en, o, "last_name_lat", "last_name_ar") >= NK_MATCH_THRESHOLD &&
		    mob_part_score(en, o, "first_name_lat", "first_name_ar") >= NK_MATCH_THRESHOLD)
			json_array_append_new(*out, json_pack("{s:s,s:O}", "kind", "application", "application_no",
							      json_object_get(r, "application_no")));
	}
	json_decref(rows);
	if (e) {
		json_decref(*out);
		*out = NULL;
	}
	return e;
}
