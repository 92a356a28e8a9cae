/* search.c — the national person index (see search.h, docs/internals/search.md):
 * the keys a person is indexed under (index_rows), indexing one person or a
 * batch of them (srch_index_bulk, for the persons module's bulk loader), the
 * keys of the wanted-notice index and the similarity the hit engine uses.
 * A search itself is search_query.c, search_plan.c, search_rank.c and
 * search_run.c (engine.h).
 */
#include "search/search.h"
#include "search/engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/i18n.h"
#include "core/limits.h"
#include "core/record.h"
#include "db/dbj.h"
#include "text/ident.h"
#include "text/namekey.h"
#include "text/norm.h"

#define MAX_ROW_KEYS 160

/* ------------------------------------------------------------------ keys */

typedef struct rowkey {
	char key[ROW_KEY_MAX];
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
	snprintf(kl->k[kl->n].key, ROW_KEY_MAX, "%s", key);
	kl->k[kl->n].field = field;
	kl->n++;
}

void engine_pair_key(const char *a, const char *b, char out[PAIR_KEY_MAX])
{
	if (strcmp(a, b) <= 0)
		snprintf(out, PAIR_KEY_MAX, "%s|%s", a, b);
	else
		snprintf(out, PAIR_KEY_MAX, "%s|%s", b, a);
}

void engine_triple_key(const char *pair, const char *father, char out[ROW_KEY_MAX])
{
	snprintf(out, ROW_KEY_MAX, "%s/%s", pair, father);
}

/* A set of distinct keys of one name part, both scripts together. */
typedef struct side {
	unsigned n;
	char k[NK_MAX_KEYS][NK_KEY_MAX];
	bool skel[NK_MAX_KEYS]; /* a unit's skeleton (not a body or alternative key) */
} side;

static void side_add(side *sd, const char *key, bool skel)
{
	for (unsigned j = 0; j < sd->n; j++)
		if (strcmp(sd->k[j], key) == 0) {
			sd->skel[j] = sd->skel[j] || skel;
			return;
		}
	if (sd->n == NK_MAX_KEYS)
		return;
	snprintf(sd->k[sd->n], NK_KEY_MAX, "%s", key);
	sd->skel[sd->n++] = skel;
}

/* name_side adds the pairable keys of name (weak ones included) to sd;
 * with first_unit, only those of its first unit that is not an honorific
 * (a father's given name). */
static void name_side(const char *name, side *sd, bool first_unit)
{
	nk_name nm;
	if (empty(name) || nk_parse(name, &nm) != SJ_OK || nm.n == 0)
		return;
	nk_keyset ks;
	nk_name_keys(&nm, &ks);
	int unit = -1;
	if (first_unit)
		for (unsigned i = 0; i < nm.n && unit < 0; i++)
			if (!nm.u[i].honorific)
				unit = (int)i;
	for (unsigned i = 0; i < ks.n; i++) {
		const nk_key *k = &ks.k[i];
		if (!pairable(k) || nm.u[k->unit].honorific || (first_unit && k->unit != unit) ||
		    (first_unit && k->kind == NK_KEY_ALT))
			continue;
		side_add(sd, k->s, k->kind == NK_KEY_SKEL);
	}
}

/* index_rows: the rows person n is indexed under (docs/internals/search.md):
 *   f, l  every key of the first / last name, both scripts, weak ones too
 *   x     first × last pairs, order-free ("l|mhmd")
 *   t     the first name's skeleton × last name × father's given name
 *         ("l|mhmd/hmd"): Mohamed ben Ahmed Alaoui without reading the
 *         thousands of Mohamed Alaoui. */
static void index_rows(const srch_names *n, keylist *kl)
{
	side first = {0}, last = {0}, father = {0};
	kl->n = 0;
	name_side(n->first_name_ar, &first, false);
	name_side(n->first_name_lat, &first, false);
	name_side(n->last_name_ar, &last, false);
	name_side(n->last_name_lat, &last, false);
	bool split_father = !empty(n->father_name_ar) || !empty(n->father_name_lat);
	name_side(n->father_name_ar, &father, true);
	name_side(n->father_name_lat, &father, true);
	if (!split_father)
		name_side(n->father_name, &father, true);
	for (unsigned i = 0; i < first.n; i++)
		kl_add(kl, first.k[i], 'f');
	for (unsigned i = 0; i < last.n; i++)
		kl_add(kl, last.k[i], 'l');
	char pk[PAIR_KEY_MAX], tk[ROW_KEY_MAX];
	for (unsigned i = 0; i < first.n; i++)
		for (unsigned j = 0; j < last.n; j++) {
			engine_pair_key(first.k[i], last.k[j], pk);
			kl_add(kl, pk, 'x');
			if (!first.skel[i])
				continue;
			for (unsigned p = 0; p < father.n; p++) {
				engine_triple_key(pk, father.k[p], tk);
				kl_add(kl, tk, 't');
			}
		}
}

/* legacy_keys: the keys of issue #4 (single keys of every name part, first
 * × last pairs), kept as they were for the wanted-notice index
 * (srch_name_keys / srch_query_keys, registers.c), whose stored keys must
 * keep meeting the typed ones. */
static void legacy_side(keylist *kl, const char *name, char field, nk_keyset *sd)
{
	if (empty(name))
		return;
	nk_keyset ks;
	if (nk_keys(name, &ks) != SJ_OK)
		return;
	for (unsigned i = 0; i < ks.n; i++) {
		if (!ks.k[i].weak)
			kl_add(kl, ks.k[i].s, field);
		if (sd && pairable(&ks.k[i]) && sd->n < NK_MAX_KEYS) {
			bool dup = false;
			for (unsigned j = 0; j < sd->n; j++)
				dup = dup || strcmp(sd->k[j].s, ks.k[i].s) == 0;
			if (!dup)
				sd->k[sd->n++] = ks.k[i];
		}
	}
}

static void legacy_keys(const srch_names *n, keylist *kl)
{
	nk_keyset first = {0}, last = {0};
	kl->n = 0;
	legacy_side(kl, n->first_name_ar, 'f', &first);
	legacy_side(kl, n->first_name_lat, 'f', &first);
	legacy_side(kl, n->last_name_ar, 'l', &last);
	legacy_side(kl, n->last_name_lat, 'l', &last);
	bool split_father = !empty(n->father_name_ar) || !empty(n->father_name_lat);
	legacy_side(kl, n->father_name_ar, 'p', NULL);
	legacy_side(kl, n->father_name_lat, 'p', NULL);
	if (!split_father)
		legacy_side(kl, n->father_name, 'p', NULL);
	legacy_side(kl, n->mother_name_ar, 'm', NULL);
	char pk[PAIR_KEY_MAX];
	for (unsigned i = 0; i < first.n; i++)
		for (unsigned j = 0; j < last.n; j++) {
			engine_pair_key(first.k[i].s, last.k[j].s, pk);
			kl_add(kl, pk, 'x');
		}
}

sj_err srch_name_keys(const srch_names *n, void (*fn)(const char *key, void *ctx), void *ctx)
{
	keylist *kl = malloc(sizeof *kl);
	if (!kl)
		return SJ_ENOMEM;
	legacy_keys(n, kl);
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

sj_err srch_query_keys(const char *q, void (*fn)(const char *key, void *ctx), void *ctx)
{
	keylist *kl = malloc(sizeof *kl);
	if (!kl)
		return SJ_ENOMEM;
	kl->n = 0;
	nk_name nm;
	sj_err e = nk_parse(q, &nm);
	if (!e) {
		nk_keyset ks;
		nk_name_keys(&nm, &ks);
		/* pairs of two different name parts, in either order, then singles */
		char pk[PAIR_KEY_MAX];
		for (unsigned i = 0; i < ks.n; i++) {
			if (!pairable(&ks.k[i]))
				continue;
			for (unsigned j = i + 1; j < ks.n; j++) {
				if (!pairable(&ks.k[j]) || ks.k[j].unit == ks.k[i].unit)
					continue;
				engine_pair_key(ks.k[i].s, ks.k[j].s, pk);
				kl_add(kl, pk, 'q');
			}
		}
		for (unsigned i = 0; i < ks.n; i++)
			if (!ks.k[i].weak)
				kl_add(kl, ks.k[i].s, 'q');
		for (int i = 0; i < kl->n; i++)
			fn(kl->k[i].key, ctx);
	}
	free(kl);
	return e;
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
	index_rows(n, kl);
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

/* ------------------------------------------------------- bulk indexing */

static const char sql_count_keys[] = "SELECT COUNT(*) FROM person_keys";
/* The index of 0020 that a bulk load into an empty index builds after the
 * rows instead of row by row; the same definition as there. */
static const char sql_drop_key_index[] = "DROP INDEX IF EXISTS person_keys_key";
static const char sql_make_key_index[] =
	"CREATE INDEX IF NOT EXISTS person_keys_key ON person_keys(key, field, birth_date, person_id)";

sj_err srch_index_bulk(db_conn *c, int n, const char *const *ids, const srch_names *names)
{
	if (n <= 0)
		return SJ_OK;
	keylist *kl = malloc(sizeof *kl);
	if (!kl)
		return SJ_ENOMEM;
	db_copy *cp = NULL;
	sj_err e = db_copy_begin(c, "person_keys", "key, birth_date, person_id, field", &cp);
	for (int i = 0; i < n && !e; i++) {
		index_rows(&names[i], kl);
		const char *bd = names[i].birth_date ? names[i].birth_date : "";
		for (int k = 0; k < kl->n && !e; k++) {
			char fld[2] = {kl->k[k].field, '\0'};
			e = db_copy_row(cp, "tttt", kl->k[k].key, bd, ids[i], fld);
		}
	}
	sj_err e2 = db_copy_end(cp);
	free(kl);
	return e ? e : e2;
}

/* The delete of srch_index_many: the keys of up to 64 persons in one
 * statement (64, 16, 4 or 1 ids: four texts, each prepared once). */
#define SRCH_Q4 "?,?,?,?"
#define SRCH_Q16 SRCH_Q4 "," SRCH_Q4 "," SRCH_Q4 "," SRCH_Q4
#define SRCH_Q64 SRCH_Q16 "," SRCH_Q16 "," SRCH_Q16 "," SRCH_Q16
static const char sql_keys_del64[] = "DELETE FROM person_keys WHERE person_id IN (" SRCH_Q64 ")";
static const char sql_keys_del16[] = "DELETE FROM person_keys WHERE person_id IN (" SRCH_Q16 ")";
static const char sql_keys_del4[] = "DELETE FROM person_keys WHERE person_id IN (" SRCH_Q4 ")";

sj_err srch_index_many(db_conn *c, int n, const char *const *ids, const srch_names *names)
{
	sj_err e = SJ_OK;
	for (int i = 0; i < n && !e;) {
		int k = n - i >= 64 ? 64 : n - i >= 16 ? 16 : n - i >= 4 ? 4 : 1;
		const char *q = k == 64 ? sql_keys_del64 : k == 16 ? sql_keys_del16 : k == 4 ? sql_keys_del4 : sql_keys_del;
		db_stmt *s;
		bool row;
		e = db_prepare(c, q, &s);
		for (int j = 0; !e && j < k; j++)
			e = db_bind_text(s, j + 1, ids[i + j]);
		e = e ? e : db_step(s, &row);
		i += k;
	}
	return e ? e : srch_index_bulk(c, n, ids, names);
}

sj_err srch_index_is_empty(db_conn *c, bool *yes)
{
	int64_t n = 0;
	sj_err e = dbj_int(c, sql_count_keys, &n, "");
	*yes = !e && n == 0;
	return e;
}

sj_err srch_index_drop(db_conn *c)
{
	return db_exec(c, sql_drop_key_index);
}

sj_err srch_index_build(db_conn *c, bool maintain)
{
	sj_err e = db_exec(c, sql_make_key_index);
	return e || !maintain ? e : db_maintain(c, "person_keys");
}

double srch_name_similarity(const char *query, const srch_names *n, unsigned *parts)
{
	nk_name qn;
	if (parts)
		*parts = 0;
	if (empty(query) || nk_parse(query, &qn) || qn.n == 0)
		return 0;
	nk_match ma, ml;
	const char *pa = !empty(n->father_name_ar) ? n->father_name_ar : n->father_name;
	const char *pl = !empty(n->father_name_lat) ? n->father_name_lat : n->father_name;
	double sa = 0, sl = 0;
	memset(&ma, 0, sizeof ma);
	memset(&ml, 0, sizeof ml);
	nk_name f, l, p;
	for (int sc = 0; sc < 2; sc++) {
		const char *first = sc ? n->first_name_lat : n->first_name_ar;
		const char *last = sc ? n->last_name_lat : n->last_name_ar;
		const char *father = sc ? pl : pa;
		f.n = l.n = p.n = 0;
		if (!empty(first) && nk_parse(first, &f))
			f.n = 0;
		if (!empty(last) && nk_parse(last, &l))
			l.n = 0;
		if (!empty(father) && nk_parse(father, &p))
			p.n = 0;
		if (f.n == 0 && l.n == 0)
			continue;
		if (sc)
			sl = nk_name_score(&qn, &f, &l, &p, &ml);
		else
			sa = nk_name_score(&qn, &f, &l, &p, &ma);
	}
	if (parts)
		*parts = sa >= sl ? ma.parts : ml.parts;
	return sa >= sl ? sa : sl;
}
