/* search.c — the national person index (see search.h, docs/internals/search.md). */
#include "search/search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "text/ident.h"
#include "text/namekey.h"

/* ------------------------------------------------------------------ keys */

#define PAIR_KEY_MAX (2 * NK_KEY_MAX + 2)
#define MAX_ROW_KEYS 160

typedef struct rowkey {
	char key[PAIR_KEY_MAX];
	char field;
} rowkey;

typedef struct keylist {
	int n;
	rowkey k[MAX_ROW_KEYS];
} keylist;

static void kl_add(keylist *kl, const char *key, char field)
{
	for (int i = 0; i < kl->n; i++)
		if (kl->k[i].field == field && strcmp(kl->k[i].key, key) == 0)
			return;
	if (kl->n == MAX_ROW_KEYS)
		return; /* bounded: later keys of an over-long record are dropped */
	snprintf(kl->k[kl->n].key, PAIR_KEY_MAX, "%s", key);
	kl->k[kl->n].field = field;
	kl->n++;
}

/* pairable: keys that stand for one whole name part (not the glide/ext or
 * nk's own pair keys). Weak ones are fine inside a pair. */
static bool pairable(const nk_key *k)
{
	return k->kind == NK_KEY_SKEL || k->kind == NK_KEY_BODY || k->kind == NK_KEY_ALT;
}

static void pair_key(const char *a, const char *b, char out[PAIR_KEY_MAX])
{
	if (strcmp(a, b) <= 0)
		snprintf(out, PAIR_KEY_MAX, "%s|%s", a, b);
	else
		snprintf(out, PAIR_KEY_MAX, "%s|%s", b, a);
}

static bool empty(const char *s)
{
	return !s || !*s;
}

/* add_field_keys adds the single keys of name (non-weak) under field, and
 * copies its pairable keys to side (for first×last pairs). */
static void add_field_keys(keylist *kl, const char *name, char field, nk_keyset *side)
{
	if (empty(name))
		return;
	nk_keyset ks;
	if (nk_keys(name, &ks) != SJ_OK)
		return;
	for (unsigned i = 0; i < ks.n; i++) {
		if (!ks.k[i].weak)
			kl_add(kl, ks.k[i].s, field);
		if (side && pairable(&ks.k[i]) && side->n < NK_MAX_KEYS) {
			bool dup = false;
			for (unsigned j = 0; j < side->n; j++)
				dup = dup || strcmp(side->k[j].s, ks.k[i].s) == 0;
			if (!dup)
				side->k[side->n++] = ks.k[i];
		}
	}
}

static void person_keys(const srch_names *n, keylist *kl)
{
	nk_keyset first = {0}, last = {0};
	kl->n = 0;
	add_field_keys(kl, n->first_name_ar, 'f', &first);
	add_field_keys(kl, n->first_name_lat, 'f', &first);
	add_field_keys(kl, n->last_name_ar, 'l', &last);
	add_field_keys(kl, n->last_name_lat, 'l', &last);
	bool split_father = !empty(n->father_name_ar) || !empty(n->father_name_lat);
	add_field_keys(kl, n->father_name_ar, 'p', NULL);
	add_field_keys(kl, n->father_name_lat, 'p', NULL);
	if (!split_father)
		add_field_keys(kl, n->father_name, 'p', NULL);
	add_field_keys(kl, n->mother_name_ar, 'm', NULL);
	char pk[PAIR_KEY_MAX];
	for (unsigned i = 0; i < first.n; i++)
		for (unsigned j = 0; j < last.n; j++) {
			pair_key(first.k[i].s, last.k[j].s, pk);
			kl_add(kl, pk, 'x');
		}
}

sj_err srch_name_keys(const srch_names *n, void (*fn)(const char *key, void *ctx), void *ctx)
{
	keylist *kl = malloc(sizeof *kl);
	if (!kl)
		return SJ_ENOMEM;
	person_keys(n, kl);
	for (int i = 0; i < kl->n; i++) {
		bool dup = false;
		for (int j = 0; j < i && !dup; j++)
			dup = strcmp(kl->k[j].key, kl->k[i].key) == 0;
		if (!dup)
			fn(kl->k[i].key, ctx);
	}
	free(kl);
	return SJ_OK;
}

static const char sql_keys_del[] = "DELETE FROM person_keys WHERE person_id = ?";
static const char sql_keys_ins[] =
	"INSERT INTO person_keys (key, birth_date, person_id, field) VALUES (?, ?, ?, ?)";

sj_err srch_index_person(db_conn *c, const char *person_id, const srch_names *n, bool fresh)
{
	sj_err e = SJ_OK;
	if (!fresh && (e = db_run(c, sql_keys_del, "t", person_id)))
		return e;
	keylist *kl = malloc(sizeof *kl);
	if (!kl)
		return SJ_ENOMEM;
	person_keys(n, kl);
	const char *bd = n->birth_date ? n->birth_date : "";
	for (int i = 0; i < kl->n && !e; i++) {
		char f[2] = {kl->k[i].field, '\0'};
		e = db_run(c, sql_keys_ins, "tttt", kl->k[i].key, bd, person_id, f);
	}
	free(kl);
	return e;
}

static const char sql_person_names[] =
	"SELECT first_name_ar, last_name_ar, first_name_lat, last_name_lat, father_name_ar, father_name_lat,"
	" mother_name_ar, father_name, birth_date FROM persons WHERE id = ?";

sj_err srch_reindex_person(db_conn *c, const char *person_id)
{
	json_t *row = NULL;
	sj_err e = dbj_one(c, sql_person_names,
			   "fa:t,la:t,fl:t,ll:t,pa:t,pl:t,ma:t,p:t,bd:t", &row, "t", person_id);
	if (e)
		return e;
#define S(k) json_string_value(json_object_get(row, k))
	srch_names n = {S("fa"), S("la"), S("fl"), S("ll"), S("pa"), S("pl"), S("ma"), S("p"), S("bd")};
#undef S
	e = srch_index_person(c, person_id, &n, false);
	json_decref(row);
	return e;
}

/* ------------------------------------------------------------ the query */

typedef struct qkey {
	char key[PAIR_KEY_MAX];
	bool pair;
} qkey;

#define MAX_QKEYS 96

typedef struct qplan {
	nk_name name;
	int n;
	qkey k[MAX_QKEYS];
} qplan;

static void qp_add(qplan *qp, const char *key, bool pair)
{
	for (int i = 0; i < qp->n; i++)
		if (strcmp(qp->k[i].key, key) == 0)
			return;
	if (qp->n == MAX_QKEYS)
		return;
	snprintf(qp->k[qp->n].key, PAIR_KEY_MAX, "%s", key);
	qp->k[qp->n].pair = pair;
	qp->n++;
}

static sj_err plan_query(const char *q, qplan *qp)
{
	qp->n = 0;
	sj_err e = nk_parse(q, &qp->name);
	if (e)
		return e;
	nk_keyset ks;
	nk_name_keys(&qp->name, &ks);
	/* pairs of two different name parts, in either order */
	char pk[PAIR_KEY_MAX];
	for (unsigned i = 0; i < ks.n; i++) {
		if (!pairable(&ks.k[i]))
			continue;
		for (unsigned j = i + 1; j < ks.n; j++) {
			if (!pairable(&ks.k[j]) || ks.k[j].unit == ks.k[i].unit)
				continue;
			pair_key(ks.k[i].s, ks.k[j].s, pk);
			qp_add(qp, pk, true);
		}
	}
	for (unsigned i = 0; i < ks.n; i++)
		if (!ks.k[i].weak)
			qp_add(qp, ks.k[i].s, false);
	return SJ_OK;
}

sj_err srch_query_keys(const char *q, void (*fn)(const char *key, void *ctx), void *ctx)
{
	qplan *qp = malloc(sizeof *qp);
	if (!qp)
		return SJ_ENOMEM;
	sj_err e = plan_query(q, qp);
	for (int i = 0; !e && i < qp->n; i++)
		fn(qp->k[i].key, ctx);
	free(qp);
	return e;
}

/* Candidates: an open-addressing set of person ids with a weight. */
#define CAND_SLOTS 8192   /* power of two, > 2 * SRCH_MAX_CANDS */

typedef struct cand {
	char id[ID_LEN + 1];
	int weight;
	bool dob;
} cand;

typedef struct candset {
	int n;
	cand slot[CAND_SLOTS];
	int order[SRCH_MAX_CANDS];
} candset;

static uint32_t hash_id(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static void cand_add(candset *cs, const char *id, int w, bool dob)
{
	if (strlen(id) != ID_LEN)
		return;
	uint32_t i = hash_id(id) & (CAND_SLOTS - 1);
	while (cs->slot[i].id[0]) {
		if (memcmp(cs->slot[i].id, id, ID_LEN) == 0) {
			cs->slot[i].weight += w;
			cs->slot[i].dob = cs->slot[i].dob || dob;
			return;
		}
		i = (i + 1) & (CAND_SLOTS - 1);
	}
	if (cs->n == SRCH_MAX_CANDS)
		return;
	memcpy(cs->slot[i].id, id, ID_LEN + 1);
	cs->slot[i].weight = w;
	cs->slot[i].dob = dob;
	cs->order[cs->n++] = (int)i;
}

static const char sql_lookup_dob[] =
	"SELECT person_id FROM person_keys WHERE key = ? AND birth_date = ? LIMIT 200";
static const char sql_lookup[] = "SELECT person_id FROM person_keys WHERE key = ? LIMIT 2000";
/* with a date of birth the (key, date) lookups find the person; the whole
 * bucket is read only as far as a date typed wrong needs */
static const char sql_lookup_short[] = "SELECT person_id FROM person_keys WHERE key = ? LIMIT 400";

/* lookup adds the postings of key (narrowed to bd when not NULL); *rows
 * receives how many were read. */
static sj_err lookup(db_conn *c, const char *key, const char *bd, int w, candset *cs, int *rows, bool shortcap)
{
	db_stmt *s;
	sj_err e = db_prepare(c, bd ? sql_lookup_dob : shortcap ? sql_lookup_short : sql_lookup, &s);
	if (!e)
		e = db_bind_text(s, 1, key);
	if (!e && bd)
		e = db_bind_text(s, 2, bd);
	bool row;
	*rows = 0;
	while (!e && !(e = db_step(s, &row)) && row) {
		cand_add(cs, db_col_text(s, 0), w, bd != NULL);
		(*rows)++;
	}
	return e;
}

/* A fetched, scored candidate. */
typedef struct scored {
	json_t *obj;
	double score;
} scored;

static int by_score(const void *a, const void *b)
{
	const scored *x = a, *y = b;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	const char *ix = json_string_value(json_object_get(x->obj, "id"));
	const char *iy = json_string_value(json_object_get(y->obj, "id"));
	return strcmp(ix ? ix : "", iy ? iy : "");
}

static int by_weight(const void *a, const void *b, void *ctx)
{
	const candset *cs = ctx;
	const cand *x = &cs->slot[*(const int *)a], *y = &cs->slot[*(const int *)b];
	int wx = x->weight + (x->dob ? 100 : 0), wy = y->weight + (y->dob ? 100 : 0);
	if (wx != wy)
		return wy - wx;
	return strcmp(x->id, y->id);
}

static double parse_score(const nk_name *qn, const char *first, const char *last, const char *father,
			  nk_match *m)
{
	nk_name f, l, p;
	f.n = l.n = p.n = 0;
	if (!empty(first) && nk_parse(first, &f))
		f.n = 0;
	if (!empty(last) && nk_parse(last, &l))
		l.n = 0;
	if (!empty(father) && nk_parse(father, &p))
		p.n = 0;
	if (f.n == 0 && l.n == 0)
		return 0;
	return nk_name_score(qn, &f, &l, &p, m);
}

double srch_name_similarity(const char *query, const srch_names *n, unsigned *parts)
{
	nk_name qn;
	if (parts)
		*parts = 0;
	if (empty(query) || nk_parse(query, &qn) || qn.n == 0)
		return 0;
	nk_match ma, ml;
	memset(&ma, 0, sizeof ma);
	memset(&ml, 0, sizeof ml);
	const char *pa = !empty(n->father_name_ar) ? n->father_name_ar : n->father_name;
	const char *pl = !empty(n->father_name_lat) ? n->father_name_lat : n->father_name;
	double sa = parse_score(&qn, n->first_name_ar, n->last_name_ar, pa, &ma);
	double sl = parse_score(&qn, n->first_name_lat, n->last_name_lat, pl, &ml);
	if (parts)
		*parts = sa >= sl ? ma.parts : ml.parts;
	return sa >= sl ? sa : sl;
}

static const char sql_fetch[] =
	"SELECT id, cin, first_name_ar, last_name_ar, first_name_lat, last_name_lat, father_name_ar,"
	" father_name_lat, father_name, birth_date, sex, merged_into, mother_name_ar FROM persons WHERE id = ?";
#define FETCH_COLS "id:t,cin:t,first_name_ar:t,last_name_ar:t,first_name_lat:t,last_name_lat:t," \
	"father_name_ar:t,father_name_lat:t,father_name:t,birth_date:t,sex:t,merged_into:t,mother_name_ar:t"

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* fetch_resolved reads a person, following merges to the survivor. */
static sj_err fetch_resolved(db_conn *c, const char *id, json_t **out)
{
	char cur[ID_LEN + 1];
	snprintf(cur, sizeof cur, "%s", id);
	for (int hop = 0; hop < 8; hop++) {
		json_t *row = NULL;
		sj_err e = dbj_one(c, sql_fetch, FETCH_COLS, &row, "t", cur);
		if (e)
			return e;
		const char *m = js(row, "merged_into");
		if (!m) {
			*out = row;
			return SJ_OK;
		}
		snprintf(cur, sizeof cur, "%s", m);
		json_decref(row);
	}
	return SJ_EINTERNAL; /* a merge cycle cannot be made by srch_merge */
}

/* score_person scores row against the query and returns a result object
 * (new reference) or NULL when the name evidence is too weak. */
static json_t *score_person(const nk_name *qn, const srch_query *q, json_t *row, double *score_out)
{
	nk_match ma, ml;
	memset(&ma, 0, sizeof ma);
	memset(&ml, 0, sizeof ml);
	const char *pa = js(row, "father_name_ar") ? js(row, "father_name_ar") : js(row, "father_name");
	const char *pl = js(row, "father_name_lat") ? js(row, "father_name_lat") : js(row, "father_name");
	double sa = parse_score(qn, js(row, "first_name_ar"), js(row, "last_name_ar"), pa, &ma);
	double sl = parse_score(qn, js(row, "first_name_lat"), js(row, "last_name_lat"), pl, &ml);
	const nk_match *m = sa >= sl ? &ma : &ml;
	double ns = sa >= sl ? sa : sl;
	if (ns < SRCH_MIN_SCORE)
		return NULL;
	json_t *matched = json_array();
	if (m->parts & NK_PART_FIRST)
		json_array_append_new(matched, json_string("first_name"));
	if (m->parts & NK_PART_LAST)
		json_array_append_new(matched, json_string("last_name"));
	if (m->parts & NK_PART_FATHER)
		json_array_append_new(matched, json_string("father_name"));
	double s = ns;
	const char *bd = js(row, "birth_date");
	if (q->birth_date) {
		if (bd && strcmp(bd, q->birth_date) == 0) {
			s = 0.75 * s + 0.25;
			json_array_append_new(matched, json_string("birth_date"));
		} else if (bd && strncmp(bd, q->birth_date, 4) == 0) {
			s = 0.75 * s + 0.08;
		} else {
			s = 0.75 * s;
		}
	}
	const char *sex = js(row, "sex");
	if (q->sex && sex) {
		if (strcmp(sex, q->sex) == 0)
			json_array_append_new(matched, json_string("sex"));
		else
			s *= 0.9;
	}
	if (!empty(q->father)) {
		double fa = pa ? nk_token_similarity(q->father, pa) : 0;
		double fl = pl ? nk_token_similarity(q->father, pl) : 0;
		double f = fa > fl ? fa : fl;
		s = 0.85 * s + 0.15 * f;
		if (f >= NK_MATCH_THRESHOLD && !(m->parts & NK_PART_FATHER))
			json_array_append_new(matched, json_string("father_name"));
	}
	*score_out = s;
	json_t *o = json_pack("{s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:f,s:o}", "id", json_object_get(row, "id"),
			      "cin", json_object_get(row, "cin"), "first_name_ar", json_object_get(row, "first_name_ar"),
			      "last_name_ar", json_object_get(row, "last_name_ar"), "first_name_lat",
			      json_object_get(row, "first_name_lat"), "last_name_lat", json_object_get(row, "last_name_lat"),
			      "father_name_ar", json_object_get(row, "father_name_ar"), "father_name_lat",
			      json_object_get(row, "father_name_lat"), "birth_date", json_object_get(row, "birth_date"),
			      "sex", json_object_get(row, "sex"), "score", (double)(long)(s * 1000 + 0.5) / 1000.0,
			      "matched", matched);
	return o;
}

static const char sql_by_cin[] = "SELECT id FROM persons WHERE cin = ?";

typedef struct search_state {
	candset cs;
	qplan qp;
} search_state;

/* search_core: srch_persons, excluding exclude_id (duplicates of a person). */
static sj_err search_core(db_conn *c, const srch_query *q, const char *exclude_id, json_t **out)
{
	*out = NULL;
	if (empty(q->q) || strlen(q->q) > SRCH_MAX_QUERY)
		return SJ_EINVAL;
	int limit = q->limit < 1 ? 10 : q->limit > SRCH_MAX_RESULTS ? SRCH_MAX_RESULTS : q->limit;
	search_state *st = calloc(1, sizeof *st);
	if (!st)
		return SJ_ENOMEM;
	scored *sc = NULL;
	int nsc = 0;
	json_t *res = json_array();
	sj_err e = res ? SJ_OK : SJ_ENOMEM;

	/* A CIN is an exact answer. */
	char cin[IDENT_CIN_MAX + 1];
	if (!e && ident_cin_normalize(q->q, cin) == SJ_OK) {
		json_t *r = NULL;
		e = dbj_one(c, sql_by_cin, "id:t", &r, "t", cin);
		if (!e) {
			json_t *row = NULL;
			e = fetch_resolved(c, js(r, "id"), &row);
			if (!e) {
				json_t *o = json_pack("{s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:f,s:[s]}", "id",
						      json_object_get(row, "id"), "cin", json_object_get(row, "cin"),
						      "first_name_ar", json_object_get(row, "first_name_ar"), "last_name_ar",
						      json_object_get(row, "last_name_ar"), "first_name_lat",
						      json_object_get(row, "first_name_lat"), "last_name_lat",
						      json_object_get(row, "last_name_lat"), "father_name_ar",
						      json_object_get(row, "father_name_ar"), "father_name_lat",
						      json_object_get(row, "father_name_lat"), "birth_date",
						      json_object_get(row, "birth_date"), "sex", json_object_get(row, "sex"),
						      "score", 1.0, "matched", "cin");
				json_array_append_new(res, o);
				json_decref(row);
			}
		}
		json_decref(r);
		if (e == SJ_ENOTFOUND)
			e = SJ_OK;
		goto done;
	}

	if (!e && (e = plan_query(q->q, &st->qp)) != SJ_OK)
		goto done;
	if (st->qp.name.n == 0)
		goto done;
	/* 1. pairs: selective; with a date of birth, first inside (key, date). */
	int rows, found = 0;
	for (int i = 0; !e && i < st->qp.n; i++) {
		if (!st->qp.k[i].pair)
			continue;
		if (q->birth_date && !(e = lookup(c, st->qp.k[i].key, q->birth_date, 3, &st->cs, &rows, false)))
			found += rows;
		if (!e && !(e = lookup(c, st->qp.k[i].key, NULL, 2, &st->cs, &rows, q->birth_date != NULL)))
			found += rows;
	}
	/* 2. single keys: narrowed by the date of birth; a whole bucket (capped)
	 * only for a one-part query or when the pairs found nothing. */
	bool single_scan = st->qp.name.n == 1 || found == 0;
	for (int i = 0; !e && i < st->qp.n; i++) {
		if (st->qp.k[i].pair)
			continue;
		if (q->birth_date)
			e = lookup(c, st->qp.k[i].key, q->birth_date, 1, &st->cs, &rows, false);
		if (!e && single_scan)
			e = lookup(c, st->qp.k[i].key, NULL, 1, &st->cs, &rows, q->birth_date != NULL);
	}
	if (e)
		goto done;
	/* 3. fetch and score the strongest candidates */
	qsort_r(st->cs.order, (size_t)st->cs.n, sizeof st->cs.order[0], by_weight, &st->cs);
	int maxs = q->birth_date ? SRCH_MAX_SCORED / 2 : SRCH_MAX_SCORED;
	int nfetch = st->cs.n < maxs ? st->cs.n : maxs;
	sc = calloc((size_t)nfetch + 1, sizeof *sc);
	if (!sc) {
		e = SJ_ENOMEM;
		goto done;
	}
	for (int i = 0; !e && i < nfetch; i++) {
		const cand *cd = &st->cs.slot[st->cs.order[i]];
		json_t *row = NULL;
		e = fetch_resolved(c, cd->id, &row);
		if (e == SJ_ENOTFOUND) {
			e = SJ_OK;
			continue;
		}
		if (e)
			break;
		const char *rid = js(row, "id");
		bool dup = exclude_id && strcmp(rid, exclude_id) == 0;
		for (int j = 0; j < nsc && !dup; j++)
			dup = strcmp(js(sc[j].obj, "id"), rid) == 0; /* two merged into one */
		double s = 0;
		json_t *o = dup ? NULL : score_person(&st->qp.name, q, row, &s);
		json_decref(row);
		if (o) {
			sc[nsc].obj = o;
			sc[nsc].score = s;
			nsc++;
		}
	}
	if (e)
		goto done;
	qsort(sc, (size_t)nsc, sizeof *sc, by_score);
	for (int i = 0; i < nsc && i < limit; i++) {
		json_array_append(res, sc[i].obj);
	}
done:
	for (int i = 0; i < nsc; i++)
		json_decref(sc[i].obj);
	free(sc);
	free(st);
	if (e) {
		json_decref(res);
		return e;
	}
	*out = res;
	return SJ_OK;
}

sj_err srch_persons(db_conn *c, const srch_query *q, json_t **out)
{
	return search_core(c, q, q->exclude_id, out);
}
