/* search_plan.c — the look-ups of one search and their caps, and fetching the
 * candidates (engine.h, docs/internals/search.md). */
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

/* ------------------------------------------------------------ look-ups */

static void cand_add(search_state *st, const char *id, int w)
{
	if (!id || strlen(id) != ID_LEN)
		return;
	uint32_t i = hash_str(id) & (CAND_SLOTS - 1);
	while (st->slot[i]) {
		cand *c = &st->c[st->slot[i] - 1];
		if (memcmp(c->id, id, ID_LEN) == 0) {
			c->weight += w;
			return;
		}
		i = (i + 1) & (CAND_SLOTS - 1);
	}
	if (st->nc == SRCH_MAX_CANDS)
		return; /* the look-ups run strongest first: what is dropped weighs least */
	cand *c = &st->c[st->nc++];
	memcpy(c->id, id, ID_LEN + 1);
	c->weight = w;
	st->slot[i] = st->nc;
}

static void plan_add(search_state *st, const char *key, char field, int bd, bool main, int weight)
{
	for (int i = 0; i < st->nl; i++)
		if (st->l[i].field == field && st->l[i].bd == bd && strcmp(st->l[i].key, key) == 0)
			return;
	if (st->nl == MAX_LOOKUPS)
		return;
	lookup *l = &st->l[st->nl++];
	memset(l, 0, sizeof *l);
	snprintf(l->key, sizeof l->key, "%s", key);
	l->field = field;
	l->bd = (uint8_t)bd;
	l->main = main;
	l->weight = weight + (main ? 1 : 0);
}

/* Look-up weights: how much being found by a look-up says. */
static int weight_of(char field, int bd)
{
	int w = field == 't' ? 7 : field == 'x' ? 3 : 1;
	return bd == BD_DATES ? w + 6 : bd == BD_YEAR ? w + 2 : w;
}

/* engine_plan_pairs adds the look-ups of every two different name parts (in
 * either order), as pairs or, with father keys, as triples. */
void engine_plan_pairs(search_state *st, bool triples, int bd)
{
	const qinfo *qi = &st->qi;
	char pk[PAIR_KEY_MAX], tk[ROW_KEY_MAX];
	/* main keys first: they decide whether the query is too broad */
	for (int pass = 0; pass < 2; pass++)
		for (unsigned a = 0; a < qi->m; a++)
			for (unsigned b = a + 1; b < qi->m; b++)
				for (unsigned i = 0; i < qi->uk[a].n; i++)
					for (unsigned j = 0; j < qi->uk[b].n; j++) {
						bool main = qi->uk[a].skel[i] && qi->uk[b].skel[j];
						if (main != (pass == 0))
							continue;
						engine_pair_key(qi->uk[a].k[i], qi->uk[b].k[j], pk);
						if (!triples) {
							plan_add(st, pk, 'x', bd, main, weight_of('x', bd));
							continue;
						}
						for (unsigned f = 0; f < qi->nfk; f++) {
							engine_triple_key(pk, qi->fk[f], tk);
							plan_add(st, tk, 't', bd, main && f == 0, weight_of('t', bd));
						}
					}
}

/* engine_plan_singles adds each name part's own keys, as a family or a given name;
 * weak keys (two letters or less) only when alone is all there is. */
void engine_plan_singles(search_state *st, int bd, bool weak_too)
{
	const qinfo *qi = &st->qi;
	for (int pass = 0; pass < 2; pass++)
		for (unsigned a = 0; a < qi->m; a++)
			for (unsigned i = 0; i < qi->uk[a].n; i++) {
				const char *k = qi->uk[a].k[i];
				bool main = qi->uk[a].skel[i];
				if (main != (pass == 0) || (!weak_too && strlen(k) <= NK_WEAK_LEN))
					continue;
				plan_add(st, k, 'l', bd, main, weight_of('l', bd));
				plan_add(st, k, 'f', bd, main, weight_of('f', bd));
			}
}

static const char sql_lk_none[] =
	"SELECT person_id FROM person_keys WHERE key = ? AND field = ? LIMIT ?";
static const char sql_lk_year[] =
	"SELECT person_id FROM person_keys WHERE key = ? AND field = ? AND birth_date >= ? AND birth_date <= ? LIMIT ?";
/* exact dates: one statement for up to GROUP_KEYS keys of one field and the
 * date as typed and with day and month swapped (a bucket of one name and one
 * date is small; the limit only guards against a damaged index). Two
 * branches, so that both databases seek (key, field, birth_date) for each
 * key instead of filtering a whole name bucket by date. */
#define KEYS16 "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
static const char sql_lk_dates[] =
	"SELECT key, birth_date, person_id FROM person_keys WHERE key IN (" KEYS16 ") AND field = ? AND birth_date = ?"
	" UNION ALL"
	" SELECT key, birth_date, person_id FROM person_keys WHERE key IN (" KEYS16 ") AND field = ? AND birth_date = ?"
	" LIMIT ?";

/* run_one reads one look-up (BD_NONE or BD_YEAR): at most SRCH_LOOKUP_CAP
 * rows are kept; a bucket with more is marked hot and none of it is used,
 * so no answer depends on which rows a capped read happened to return. */
static sj_err run_one(db_conn *c, search_state *st, lookup *l)
{
	db_stmt *s;
	char f[2] = {l->field, '\0'}, lo[16], hi[16];
	sj_err e = db_prepare(c, l->bd == BD_YEAR ? sql_lk_year : sql_lk_none, &s);
	int p = 1;
	e = e ? e : db_bind_text(s, p++, l->key);
	e = e ? e : db_bind_text(s, p++, f);
	if (!e && l->bd == BD_YEAR) {
		int y = st->qi.year < 0 ? 0 : st->qi.year % 10000;
		snprintf(lo, sizeof lo, "%04d-01-01", y);
		snprintf(hi, sizeof hi, "%04d-12-31", y);
		e = db_bind_text(s, p++, lo);
		e = e ? e : db_bind_text(s, p++, hi);
	}
	e = e ? e : db_bind_int(s, p++, SRCH_LOOKUP_CAP + 1);
	char (*ids)[ID_LEN + 1] = st->ids;
	int n = 0;
	bool row;
	while (!e && !(e = db_step(s, &row)) && row) {
		const char *id = db_col_text(s, 0);
		if (n < SRCH_LOOKUP_CAP + 1)
			snprintf(ids[n++], ID_LEN + 1, "%s", id ? id : "");
	}
	if (e)
		return e;
	l->done = true;
	l->rows = n;
	if (n > SRCH_LOOKUP_CAP) {
		l->hot = true;
		return SJ_OK;
	}
	for (int i = 0; i < n; i++)
		cand_add(st, ids[i], l->weight);
	return SJ_OK;
}

/* run_dates reads the BD_DATES look-ups of one field, GROUP_KEYS at a time. */
static sj_err run_dates(db_conn *c, search_state *st, char field)
{
	const qinfo *qi = &st->qi;
	int idx[GROUP_KEYS];
	int i = 0;
	while (i < st->nl) {
		int k = 0;
		for (; i < st->nl && k < GROUP_KEYS; i++)
			if (!st->l[i].done && st->l[i].bd == BD_DATES && st->l[i].field == field)
				idx[k++] = i;
		if (k == 0)
			break;
		db_stmt *s;
		char f[2] = {field, '\0'};
		sj_err e = db_prepare(c, sql_lk_dates, &s);
		for (int b = 0; b < 2 && !e; b++) {
			int p0 = b * (GROUP_KEYS + 2);
			for (int j = 0; j < GROUP_KEYS && !e; j++)
				e = j < k ? db_bind_text(s, p0 + j + 1, st->l[idx[j]].key) : db_bind_null(s, p0 + j + 1);
			e = e ? e : db_bind_text(s, p0 + GROUP_KEYS + 1, f);
			const char *d = b == 0 ? qi->dob : qi->swapped[0] ? qi->swapped : NULL;
			e = e ? e : db_bind_text(s, p0 + GROUP_KEYS + 2, d);
		}
		e = e ? e : db_bind_int(s, 2 * (GROUP_KEYS + 2) + 1, (int64_t)k * SRCH_LOOKUP_CAP + 1);
		bool row;
		int rows = 0;
		while (!e && !(e = db_step(s, &row)) && row) {
			const char *key = db_col_text(s, 0), *bd = db_col_text(s, 1), *id = db_col_text(s, 2);
			rows++;
			for (int j = 0; j < k; j++) {
				lookup *l = &st->l[idx[j]];
				if (key && strcmp(key, l->key) == 0) {
					bool exact = bd && strcmp(bd, qi->dob) == 0;
					l->rows++;
					cand_add(st, id, exact ? l->weight : l->weight - 2);
				}
			}
		}
		if (e)
			return e;
		for (int j = 0; j < k; j++) {
			st->l[idx[j]].done = true;
			st->l[idx[j]].hot = rows > k * SRCH_LOOKUP_CAP;
		}
	}
	return SJ_OK;
}

/* engine_run_plan reads every look-up not read yet. */
sj_err engine_run_plan(db_conn *c, search_state *st)
{
	sj_err e = SJ_OK;
	static const char fields[] = "txlf";
	for (int f = 0; fields[f] && !e; f++)
		e = run_dates(c, st, fields[f]);
	for (int i = 0; i < st->nl && !e; i++)
		if (!st->l[i].done)
			e = run_one(c, st, &st->l[i]);
	return e;
}

/* engine_main_hot: a main look-up (the query's own name as typed, skeleton ×
 * skeleton) among [0, n) was too big to read: the name is too common for
 * what was given to tell its holders apart. */
bool engine_main_hot(const search_state *st, int n)
{
	for (int i = 0; i < n; i++)
		if (st->l[i].main && st->l[i].hot)
			return true;
	return false;
}

/* ------------------------------------------------------------ fetching */

static prow *prow_new(db_stmt *s)
{
	size_t len[P_NCOLS], total = sizeof(prow);
	for (int i = 0; i < P_NCOLS; i++) {
		const char *t = db_col_text(s, i);
		len[i] = t ? strlen(t) + 1 : 0;
		total += len[i];
	}
	prow *r = calloc(1, total);
	if (!r)
		return NULL;
	char *p = (char *)(r + 1);
	for (int i = 0; i < P_NCOLS; i++) {
		if (!len[i])
			continue;
		memcpy(p, db_col_text(s, i), len[i]);
		r->v[i] = p;
		p += len[i];
	}
	return r;
}

#define FETCH_IN 32
static const char sql_fetch_in[] =
	"SELECT id, cin, first_name_ar, last_name_ar, first_name_lat, last_name_lat, father_name_ar,"
	" father_name_lat, father_name, birth_date, sex, merged_into, birth_place FROM persons"
	" WHERE id IN (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

/* engine_fetch_ids reads the persons ids[0..n) (in any order) and appends them to
 * rows (capacity cap), each with its weight. */
sj_err engine_fetch_ids(db_conn *c, const char *const *ids, const int *weights, int n, prow **rows, int *nrows,
			int cap)
{
	for (int at = 0; at < n; at += FETCH_IN) {
		int k = n - at < FETCH_IN ? n - at : FETCH_IN;
		db_stmt *s;
		sj_err e = db_prepare(c, sql_fetch_in, &s);
		for (int j = 0; j < FETCH_IN && !e; j++)
			e = j < k ? db_bind_text(s, j + 1, ids[at + j]) : db_bind_null(s, j + 1);
		bool row;
		while (!e && !(e = db_step(s, &row)) && row) {
			if (*nrows == cap)
				continue;
			prow *r = prow_new(s);
			if (!r)
				return SJ_ENOMEM;
			for (int j = 0; j < k; j++)
				if (r->v[P_ID] && strcmp(r->v[P_ID], ids[at + j]) == 0)
					r->weight = weights[at + j];
			rows[(*nrows)++] = r;
		}
		if (e)
			return e;
	}
	return SJ_OK;
}

/* engine_resolve_merged replaces each merged person by its survivor (following
 * merges, at most 8 hops; a cycle cannot be made by persons_merge). */
sj_err engine_resolve_merged(db_conn *c, prow **rows, int nrows)
{
	for (int i = 0; i < nrows; i++) {
		for (int hop = 0; rows[i] && rows[i]->v[P_MERGED] && hop < 8; hop++) {
			const char *id = rows[i]->v[P_MERGED];
			int w = rows[i]->weight, got = 0;
			prow *one[1] = {NULL};
			sj_err e = engine_fetch_ids(c, &id, &w, 1, one, &got, 1);
			if (e)
				return e;
			free(rows[i]);
			rows[i] = got ? one[0] : NULL;
		}
		if (rows[i] && rows[i]->v[P_MERGED]) {
			free(rows[i]);
			rows[i] = NULL;
		}
	}
	return SJ_OK;
}
