/* search_run.c — one person search (srch_persons): the rounds of look-ups, the
 * "too broad" answer, the answer object (engine.h, docs/internals/search.md). */
#include "search/search.h"
#include "search/engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/limits.h"
#include "core/record.h"
#include "db/dbj.h"
#include "text/norm.h"
#include "core/i18n.h"

/* ------------------------------------------------------------ a search */

static const char sql_by_cin[] = "SELECT id FROM persons WHERE cin = ?";

/* score_new fetches the candidates gathered since the last call (heaviest
 * first, SRCH_MAX_SCORED in all) and scores them. */
static sj_err score_new(db_conn *c, search_state *st, memo *mm, result_set *rs, const char *exclude_id)
{
	/* the new candidates, by weight; earlier ones were fetched already */
	int from = rs->fetched;
	qsort(st->c + from, (size_t)(st->nc - from), sizeof st->c[0], engine_by_weight);
	int budget = SRCH_MAX_SCORED - rs->n;
	int n = st->nc - from < budget ? st->nc - from : budget;
	if (n <= 0) {
		rs->fetched = st->nc;
		return SJ_OK;
	}
	const char **ids = malloc((size_t)n * sizeof *ids);
	int *w = malloc((size_t)n * sizeof *w);
	if (!ids || !w) {
		free(ids);
		free(w);
		return SJ_ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		ids[i] = st->c[from + i].id;
		w[i] = st->c[from + i].weight;
	}
	int first = rs->n;
	sj_err e = engine_fetch_ids(c, ids, w, n, rs->rows, &rs->n, rs->cap);
	free(ids);
	free(w);
	/* the hash slots point into c[]: sorting moved them; rebuild */
	memset(st->slot, 0, sizeof st->slot);
	for (int i = 0; i < st->nc; i++) {
		uint32_t h = hash_str(st->c[i].id) & (CAND_SLOTS - 1);
		while (st->slot[h])
			h = (h + 1) & (CAND_SLOTS - 1);
		st->slot[h] = i + 1;
	}
	rs->fetched = st->nc;
	e = e ? e : engine_resolve_merged(c, rs->rows + first, rs->n - first);
	if (e)
		return e;
	for (int i = first; i < rs->n; i++) {
		prow *r = rs->rows[i];
		bool drop = !r || (exclude_id && strcmp(r->v[P_ID], exclude_id) == 0);
		for (int j = 0; j < i && !drop; j++)
			drop = rs->rows[j] && strcmp(rs->rows[j]->v[P_ID], r->v[P_ID]) == 0; /* two merged into one */
		if (!drop && !engine_score_one(mm, &st->qi, r))
			drop = true;
		if (drop) {
			free(r);
			rs->rows[i] = NULL;
		} else if (r->strong) {
			rs->strong++;
		}
	}
	/* compact */
	int k = first;
	for (int i = first; i < rs->n; i++)
		if (rs->rows[i])
			rs->rows[k++] = rs->rows[i];
	rs->n = k;
	return SJ_OK;
}

static void rs_free(result_set *rs)
{
	for (int i = 0; i < rs->n; i++)
		free(rs->rows[i]);
	free(rs->rows);
}

/* too_broad: the answer to a query that names more persons than a list can
 * tell apart, and what would narrow it. */
/* too_broad: the "be more precise" answer, with what would narrow it; its
 * message in both languages from the dictionaries (err.too-broad, the
 * pieces persons.ask.<code>), absent when they are not loaded (a tool). */
static json_t *too_broad(const qinfo *qi, int at_least)
{
	static const char *const asks[] = {"first_name", "birth_year", "birth_date", "father_name"};
	bool want[4] = {qi->m < 2, !has_birth(qi), !qi->dob[0], !has_father(qi)};
	if (!want[1] && !want[2] && !want[3])
		want[2] = true; /* everything given: nothing better than the exact date */
	json_t *ask = json_array();
	char what[2][256] = {"", ""};
	size_t nw[2] = {0, 0};
	for (int i = 0; i < 4; i++) {
		if (!want[i] || (i == 2 && want[1] && qi->m < 2))
			continue;
		json_array_append_new(ask, json_string(asks[i]));
		char key[64];
		snprintf(key, sizeof key, "persons.ask.%s", asks[i]);
		for (int l = 0; l < 2; l++) {
			const char *w = i18n_get(l ? I18N_FR : I18N_AR, key);
			if (w && nw[l] < sizeof what[l])
				nw[l] += (size_t)snprintf(what[l] + nw[l], sizeof what[l] - nw[l], "%s%s",
							  nw[l] ? (l ? ", " : "، ") : "", w);
		}
	}
	json_t *tb = json_pack("{s:s,s:i,s:o}", "code", "too-broad", "at_least", at_least, "ask", ask);
	char msg[2][512];
	bool ok = true;
	for (int l = 0; l < 2 && ok; l++) {
		json_t *vars = json_pack("{s:i,s:s}", "n", at_least, "what", what[l]);
		ok = i18n_text(l ? I18N_FR : I18N_AR, "err.too-broad", vars, msg[l], sizeof msg[l]);
		json_decref(vars);
	}
	if (tb && ok)
		json_object_set_new(tb, "message", json_pack("{s:s,s:s}", "ar", msg[0], "fr", msg[1]));
	return tb;
}

static json_t *understood(const qinfo *qi)
{
	json_t *u = json_pack("{s:i,s:b}", "names", (int)qi->m, "father_in_name", qi->father_in_q);
	if (qi->cin[0])
		json_object_set_new(u, "cin", json_string(qi->cin));
	if (qi->dob[0])
		json_object_set_new(u, "birth_date", json_string(qi->dob));
	if (qi->swapped[0])
		json_object_set_new(u, "birth_date_swapped", json_string(qi->swapped));
	if (qi->year)
		json_object_set_new(u, "birth_year", json_integer(qi->year));
	return u;
}

/* cin_answer: the person with cin (following merges), or nothing. */
static sj_err cin_answer(db_conn *c, const char *cin, json_t *res)
{
	json_t *r = NULL;
	sj_err e = dbj_one(c, sql_by_cin, "id:t", &r, "t", cin);
	if (e == SJ_ENOTFOUND)
		return SJ_OK;
	if (e)
		return e;
	const char *id = js(r, "id");
	int w = 0, n = 0;
	prow *rows[1] = {NULL};
	e = engine_fetch_ids(c, &id, &w, 1, rows, &n, 1);
	json_decref(r);
	e = e ? e : engine_resolve_merged(c, rows, n);
	if (!e && n && rows[0]) {
		prow *p = rows[0];
#define V(i) (p->v[i] ? json_string(p->v[i]) : json_null())
		json_array_append_new(res, json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:f,s:[s],s:[{s:s,s:s}],s:{s:f}}",
						     "id", V(P_ID), "cin", V(P_CIN), "first_name_ar", V(P_FA),
						     "last_name_ar", V(P_LA), "first_name_lat", V(P_FL), "last_name_lat",
						     V(P_LL), "father_name_ar", V(P_PA), "father_name_lat", V(P_PL),
						     "birth_date", V(P_BD), "sex", V(P_SEX), "score", 1.0, "matched", "cin",
						     "reasons", "code", "cin", "match", "same", "evidence", "cin", 1.0));
#undef V
	}
	if (n)
		free(rows[0]);
	return e;
}

/* search_core answers q: *out receives the whole answer object (see
 * srch_persons); with keep_broad the results of a too broad query are kept
 * (duplicates of a person, ranked all the same). */
static sj_err search_core(db_conn *c, const srch_query *q, const char *exclude_id, bool keep_broad, json_t **out)
{
	*out = NULL;
	if (empty(q->q) || strlen(q->q) > SRCH_MAX_QUERY)
		return SJ_EINVAL;
	int limit = q->limit < 1 ? 10 : q->limit > SRCH_MAX_RESULTS ? SRCH_MAX_RESULTS : q->limit;
	/* not calloc: half a megabyte cleared per search showed in profiles;
	 * only what is read before being written is cleared */
	search_state *st = malloc(sizeof *st);
	memo *mm = malloc(sizeof *mm);
	if (st) {
		st->nl = st->nc = 0;
		memset(st->slot, 0, sizeof st->slot);
	}
	if (mm)
		engine_memo_init(mm, st ? &st->qi.name : NULL);
	result_set rs = {.cap = SRCH_MAX_SCORED};
	rs.rows = calloc((size_t)rs.cap, sizeof *rs.rows);
	json_t *res = json_array();
	json_t *broad = NULL;
	sj_err e = st && mm && rs.rows && res ? SJ_OK : SJ_ENOMEM;
	qinfo *qi = st ? &st->qi : NULL;
	if (!e)
		e = engine_read_query(q, qi);
	if (e)
		goto done;
	/* a CIN is an exact answer */
	if (qi->cin[0]) {
		e = cin_answer(c, qi->cin, res);
		if (e || json_array_size(res) > 0 || qi->cin_alone)
			goto done;
	}
	if (qi->m == 0)
		goto done;
	/* 1. the look-ups that carry everything typed */
	int bd = qi->dob[0] ? BD_DATES : qi->year ? BD_YEAR : BD_NONE;
	bool triples = has_father(qi) && qi->m >= 2;
	if (qi->m >= 2)
		engine_plan_pairs(st, triples, bd);
	else
		engine_plan_singles(st, bd, true);
	int primary = st->nl;
	/* with a father's name, the pairs too (a bucket small enough to read
	 * holds the persons whose father is recorded otherwise: Ahmet, أحمد) */
	if (triples)
		engine_plan_pairs(st, false, bd);
	e = engine_run_plan(c, st);
	e = e ? e : score_new(c, st, mm, &rs, exclude_id);
	if (e)
		goto done;
	/* a main bucket too big to read: what was read elsewhere cannot stand
	 * for it ("Fatima Zahra El Idrissi" also meets the Fatima Ezzahraoui,
	 * whose family name is zhr), unless it holds the very persons typed */
	bool hot = engine_main_hot(st, primary);
	/* 2. nothing fits everything: what a typo, a wrong date or a missing
	 * father's name would still find */
	if (rs.strong == 0 && !hot) {
		if (qi->dob[0] && qi->m >= 2) {
			engine_plan_pairs(st, triples, BD_YEAR);
		} else if (qi->dob[0]) {
			engine_plan_singles(st, BD_YEAR, true);
		}
		/* weak keys too with a date (a name part and a date is a small
		 * bucket), or with a year when nothing at all was found yet (a
		 * given name and a year can be a few hundred persons to score) */
		if (qi->m >= 2)
			engine_plan_singles(st, bd, bd == BD_DATES || (bd == BD_YEAR && rs.n == 0));
		if (st->nl > primary) {
			e = engine_run_plan(c, st);
			e = e ? e : score_new(c, st, mm, &rs, exclude_id);
			if (e)
				goto done;
		}
	}
	qsort(rs.rows, (size_t)rs.n, sizeof *rs.rows, engine_by_score);
	if (rs.strong > limit)
		broad = too_broad(qi, rs.strong);
	else if (hot && (rs.strong == 0 || qi->m < 2))
		broad = too_broad(qi, SRCH_LOOKUP_CAP + 1);
	if (!broad || keep_broad)
		for (int i = 0; i < rs.n && i < limit; i++)
			if (json_array_append_new(res, engine_result_obj(qi, rs.rows[i]))) {
				e = SJ_ENOMEM;
				break;
			}
done:
	if (!e) {
		json_t *o = json_pack("{s:s,s:o,s:o,s:i}", "status", broad ? "too_broad" : "ok", "results", res,
				      "understood", qi ? understood(qi) : json_object(), "name_matches", rs.strong);
		res = NULL;
		if (o && broad) {
			json_object_set_new(o, "too_broad", broad);
			broad = NULL;
		}
		if (!o)
			e = SJ_ENOMEM;
		*out = o;
	}
	json_decref(res);
	json_decref(broad);
	rs_free(&rs);
	if (mm)
		engine_memo_free(mm);
	free(mm);
	free(st);
	return e;
}

sj_err srch_persons(db_conn *c, const srch_query *q, json_t **out)
{
	return search_core(c, q, q->exclude_id, q->keep_broad, out);
}
