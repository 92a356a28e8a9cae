/* search.c — the national person index (see search.h, docs/internals/search.md).
 *
 * Four parts: the keys a person is indexed under (index_rows), the reading of
 * what an officer typed (read_query), the look-ups and their caps (plan and
 * run), and the ranking with its reasons (score_one). Then the bulk loader
 * and the merge history.
 */
#include "search/search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "text/ident.h"
#include "text/namekey.h"
#include "text/norm.h"

#define PAIR_KEY_MAX (2 * NK_KEY_MAX + 2)
#define ROW_KEY_MAX  (3 * NK_KEY_MAX + 3) /* a triple "a|b/c" */
#define MAX_ROW_KEYS 160

static bool empty(const char *s)
{
	return !s || !*s;
}

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* cin_norm: the text module's canonical CIN (letters then digits). */
static bool cin_norm(const char *in, char out[IDENT_CIN_MAX + 1])
{
	out[0] = '\0';
	return in && ident_cin_normalize(in, out) == SJ_OK;
}

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

static void triple_key(const char *pair, const char *father, char out[ROW_KEY_MAX])
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
			pair_key(first.k[i], last.k[j], pk);
			kl_add(kl, pk, 'x');
			if (!first.skel[i])
				continue;
			for (unsigned p = 0; p < father.n; p++) {
				triple_key(pk, father.k[p], tk);
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
			pair_key(first.k[i].s, last.k[j].s, pk);
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
				pair_key(ks.k[i].s, ks.k[j].s, pk);
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

/* ------------------------------------------------------- what was typed */

#define UNIT_KEYS   6    /* look-up keys of one typed name part */
#define FATHER_KEYS 6

typedef struct ukeys {
	unsigned n;
	char k[UNIT_KEYS][NK_KEY_MAX];
	bool skel[UNIT_KEYS];
} ukeys;

typedef struct qinfo {
	nk_name all;           /* every name part typed (digits aside) */
	nk_name name;          /* the person's own names: all but a "ben Ahmed" read as the father */
	nk_unit fu;            /* that father's unit */
	bool father_in_q;
	nk_name father;        /* srch_query.father, parsed; n == 0 when none */
	unsigned nfk;
	char fk[FATHER_KEYS][NK_KEY_MAX];
	unsigned m;            /* name parts with keys (honorifics aside) */
	ukeys uk[NK_MAX_UNITS];
	char cin[IDENT_CIN_MAX + 1];
	bool cin_alone;        /* q is a CIN and nothing else */
	char dob[11], swapped[11];
	int year;              /* 0: none */
	const char *sex;
	const char *place;
} qinfo;

static bool valid_date(const char *s);

static void ukeys_add(ukeys *u, const char *k, bool skel)
{
	for (unsigned i = 0; i < u->n; i++)
		if (strcmp(u->k[i], k) == 0)
			return;
	if (u->n == UNIT_KEYS)
		return;
	snprintf(u->k[u->n], NK_KEY_MAX, "%s", k);
	u->skel[u->n++] = skel;
}

static void father_key_add(qinfo *qi, const char *k)
{
	for (unsigned i = 0; i < qi->nfk; i++)
		if (strcmp(qi->fk[i], k) == 0)
			return;
	if (qi->nfk < FATHER_KEYS)
		snprintf(qi->fk[qi->nfk++], NK_KEY_MAX, "%s", k);
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return n > 0;
}

static bool all_letters(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return false;
	return n > 0;
}

static int num(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n && i < 9; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* read_numbers finds in the normalised query a CIN typed inside it (BE
 * 123456, be123456), a date (12/03/1985, 1985-03-12, ١٢-٠٣-١٩٨٥) or a year
 * (1985), which the name parser ignores. */
static void read_numbers(qinfo *qi, const char *s)
{
	txt_span t[TXT_MAX_TOKENS];
	size_t n = txt_tokens(s, strlen(s), t, TXT_MAX_TOKENS);
	for (size_t i = 0; i < n; i++) {
		const char *w = s + t[i].off;
		size_t len = t[i].len;
		char tmp[32];
		if (!qi->cin[0] && len < sizeof tmp && !all_digits(w, len) && !all_letters(w, len)) {
			snprintf(tmp, sizeof tmp, "%.*s", (int)len, w);
			if (!cin_norm(tmp, qi->cin))
				qi->cin[0] = '\0';
		}
		if (!qi->cin[0] && i + 1 < n && all_letters(w, len) && len <= 2 &&
		    all_digits(s + t[i + 1].off, t[i + 1].len) && t[i + 1].len >= 3 && t[i + 1].len <= 6) {
			snprintf(tmp, sizeof tmp, "%.*s%.*s", (int)len, w, (int)t[i + 1].len, s + t[i + 1].off);
			if (!cin_norm(tmp, qi->cin))
				qi->cin[0] = '\0';
		}
		if (!qi->dob[0] && i + 2 < n && all_digits(w, len) && all_digits(s + t[i + 1].off, t[i + 1].len) &&
		    all_digits(s + t[i + 2].off, t[i + 2].len)) {
			const char *a = w, *b = s + t[i + 1].off, *c = s + t[i + 2].off;
			size_t la = len, lb = t[i + 1].len, lc = t[i + 2].len;
			char d[40] = "";
			if (lc == 4 && la <= 2 && lb <= 2)
				snprintf(d, sizeof d, "%04d-%02d-%02d", num(c, lc), num(b, lb), num(a, la));
			else if (la == 4 && lb <= 2 && lc <= 2)
				snprintf(d, sizeof d, "%04d-%02d-%02d", num(a, la), num(b, lb), num(c, lc));
			if (d[0] && valid_date(d)) {
				snprintf(qi->dob, sizeof qi->dob, "%.10s", d);
				i += 2;
				continue;
			}
		}
		if (!qi->year && len == 4 && all_digits(w, len)) {
			int y = num(w, len);
			if (y >= 1900 && y <= 2099)
				qi->year = y;
		}
	}
}

/* swap_day_month writes dob with day and month exchanged when that is
 * another valid date (03/12 typed for 12/03). */
static void swap_day_month(const char *dob, char out[11])
{
	out[0] = '\0';
	if (strlen(dob) != 10 || strncmp(dob + 5, dob + 8, 2) == 0)
		return;
	char d[11];
	snprintf(d, sizeof d, "%.4s-%.2s-%.2s", dob, dob + 8, dob + 5);
	if (valid_date(d))
		memcpy(out, d, sizeof d);
}

/* read_query turns what the officer typed into a qinfo. SJ_EINVAL when q is
 * not valid UTF-8. */
static sj_err read_query(const srch_query *q, qinfo *qi)
{
	memset(qi, 0, sizeof *qi);
	qi->sex = q->sex;
	qi->place = empty(q->birth_place) ? NULL : q->birth_place;
	if (cin_norm(q->q, qi->cin))
		qi->cin_alone = true;
	sj_err e = nk_parse(q->q, &qi->all);
	if (e)
		return e;
	buf b;
	buf_init(&b, 4 * SRCH_MAX_QUERY + 16);
	e = txt_normalize(q->q, &b);
	if (!e && !qi->cin_alone)
		read_numbers(qi, buf_str(&b));
	buf_free(&b);
	if (e)
		return e;
	if (q->birth_date && valid_date(q->birth_date))
		snprintf(qi->dob, sizeof qi->dob, "%s", q->birth_date);
	if (qi->dob[0]) {
		qi->year = atoi(qi->dob);
		swap_day_month(qi->dob, qi->swapped);
	} else if (q->birth_year >= 1850 && q->birth_year <= 2100) {
		qi->year = q->birth_year;
	}
	/* "Mohamed ben Ahmed Alaoui": a separate ben/bint/ould before a given
	 * name, neither first nor last, is the father's name */
	int fu = -1;
	if (qi->all.n >= 3)
		for (unsigned i = 1; i + 1 < qi->all.n && fu < 0; i++)
			if (nk_is_filiation(&qi->all.u[i]))
				fu = (int)i;
	qi->name.n = 0;
	for (unsigned i = 0; i < qi->all.n; i++) {
		if ((int)i == fu)
			qi->fu = qi->all.u[i];
		else
			qi->name.u[qi->name.n++] = qi->all.u[i];
	}
	qi->father_in_q = fu >= 0;
	nk_keyset ks;
	if (qi->father_in_q) {
		nk_father_keys(&qi->fu, &ks);
		for (unsigned i = 0; i < ks.n; i++)
			father_key_add(qi, ks.k[i].s);
	}
	if (!empty(q->father) && nk_parse(q->father, &qi->father) == SJ_OK && qi->father.n > 0) {
		nk_name_keys(&qi->father, &ks);
		int unit = -1;
		for (unsigned i = 0; i < qi->father.n && unit < 0; i++)
			if (!qi->father.u[i].honorific)
				unit = (int)i;
		for (unsigned i = 0; i < ks.n; i++)
			if (pairable(&ks.k[i]) && ks.k[i].unit == unit)
				father_key_add(qi, ks.k[i].s);
	} else {
		qi->father.n = 0;
	}
	/* look-up keys of each name part (honorifics give none); from the unit
	 * itself: nk_name_keys gives a key once, and "Leila El Alaoui" is l and l */
	for (unsigned i = 0; i < qi->name.n; i++) {
		const nk_unit *u = &qi->name.u[i];
		if (u->honorific || !u->skel[0])
			continue;
		ukeys *uk = &qi->uk[qi->m++];
		ukeys_add(uk, u->skel, true);
		if (u->body_skel[0])
			ukeys_add(uk, u->body_skel, false);
		if (u->alt_skel[0])
			ukeys_add(uk, u->alt_skel, false);
	}
	return SJ_OK;
}

static bool has_birth(const qinfo *qi)
{
	return qi->dob[0] || qi->year;
}

static bool has_father(const qinfo *qi)
{
	return qi->nfk > 0;
}

/* ------------------------------------------------------------ look-ups */

/* How a look-up is narrowed by the birth date, inside the index. */
enum { BD_NONE, BD_DATES, BD_YEAR };

#define MAX_LOOKUPS 96
#define GROUP_KEYS  16   /* keys of one IN (...) look-up */

typedef struct lookup {
	char key[ROW_KEY_MAX];
	char field;         /* f l x t */
	uint8_t bd;
	bool main;          /* skeleton × skeleton: the query's own name */
	int weight;
	bool hot;           /* more than SRCH_LOOKUP_CAP rows: not read */
	bool done;
	int rows;           /* rows read */
} lookup;

typedef struct cand {
	char id[ID_LEN + 1];
	int weight;
} cand;

#define CAND_SLOTS (2 * SRCH_MAX_CANDS)   /* power of two */

typedef struct search_state {
	qinfo qi;
	int nl;
	lookup l[MAX_LOOKUPS];
	int nc;
	cand c[SRCH_MAX_CANDS];
	int32_t slot[CAND_SLOTS];   /* index + 1 into c, 0 free */
	char ids[SRCH_LOOKUP_CAP + 1][ID_LEN + 1]; /* one look-up's rows */
} search_state;

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

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

/* plan_pairs adds the look-ups of every two different name parts (in
 * either order), as pairs or, with father keys, as triples. */
static void plan_pairs(search_state *st, bool triples, int bd)
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
						pair_key(qi->uk[a].k[i], qi->uk[b].k[j], pk);
						if (!triples) {
							plan_add(st, pk, 'x', bd, main, weight_of('x', bd));
							continue;
						}
						for (unsigned f = 0; f < qi->nfk; f++) {
							triple_key(pk, qi->fk[f], tk);
							plan_add(st, tk, 't', bd, main && f == 0, weight_of('t', bd));
						}
					}
}

/* plan_singles adds each name part's own keys, as a family or a given name;
 * weak keys (two letters or less) only when alone is all there is. */
static void plan_singles(search_state *st, int bd, bool weak_too)
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

/* run_plan reads every look-up not read yet. */
static sj_err run_plan(db_conn *c, search_state *st)
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

/* main_hot: a main look-up (the query's own name as typed, skeleton ×
 * skeleton) among [0, n) was too big to read: the name is too common for
 * what was given to tell its holders apart. */
static bool main_hot(const search_state *st, int n)
{
	for (int i = 0; i < n; i++)
		if (st->l[i].main && st->l[i].hot)
			return true;
	return false;
}

/* ------------------------------------------------------------ fetching */

/* A fetched person: its columns in one allocation. */
enum { P_ID, P_CIN, P_FA, P_LA, P_FL, P_LL, P_PA, P_PL, P_P, P_BD, P_SEX, P_MERGED, P_PLACE, P_NCOLS };

/* The evidence of one scored person, kept until the results are chosen. */
typedef struct evid {
	nk_match m;            /* the names, against the record's script that fits best */
	double name;
	double father, birth, sex, place;   /* -1: not asked */
	const char *father_how, *birth_how, *sex_how, *place_how;
	int year;              /* the record's birth year, 0 unknown */
} evid;

typedef struct prow {
	const char *v[P_NCOLS];
	int weight;
	double score;
	bool strong;
	evid ev;
} prow;

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

/* fetch_ids reads the persons ids[0..n) (in any order) and appends them to
 * rows (capacity cap), each with its weight. */
static sj_err fetch_ids(db_conn *c, const char *const *ids, const int *weights, int n, prow **rows, int *nrows,
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

/* resolve_merged replaces each merged person by its survivor (following
 * merges, at most 8 hops; a cycle cannot be made by srch_merge). */
static sj_err resolve_merged(db_conn *c, prow **rows, int nrows)
{
	for (int i = 0; i < nrows; i++) {
		for (int hop = 0; rows[i] && rows[i]->v[P_MERGED] && hop < 8; hop++) {
			const char *id = rows[i]->v[P_MERGED];
			int w = rows[i]->weight, got = 0;
			prow *one[1] = {NULL};
			sj_err e = fetch_ids(c, &id, &w, 1, one, &got, 1);
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

/* ------------------------------------------------------------ ranking */

/* Namesakes share their spellings. Two per-search memos: the name evidence
 * of a record's (first, last) strings, and the similarity of each recorded
 * name part to each typed one (Mohammed, العلوي: a few hundred distinct
 * parts among the candidates of a hot-ish bucket). */
#define MEMO_SLOTS 512   /* power of two */
#define USIM_SLOTS 2048  /* power of two */

typedef struct memo_ent {
	double s;
	nk_match m;
} memo_ent;

/* Only the key arrays are cleared per search (20 KiB, not the whole memo). */
typedef struct memo {
	int n, nu;
	const nk_name *q;
	char *k[MEMO_SLOTS];          /* owned; NULL: free slot */
	memo_ent e[MEMO_SLOTS];
	uint64_t uh[USIM_SLOTS];      /* 0: free slot */
	float us[USIM_SLOTS][NK_MAX_UNITS];
} memo;

static void memo_init(memo *mm, const nk_name *q)
{
	mm->n = mm->nu = 0;
	mm->q = q;
	memset(mm->k, 0, sizeof mm->k);
	memset(mm->uh, 0, sizeof mm->uh);
}

static void memo_free(memo *mm)
{
	for (int i = 0; i < MEMO_SLOTS; i++)
		free(mm->k[i]);
}

/* memo_find returns the entry of key (inserting an empty one, s < 0, when
 * there is room), or NULL when the memo is full. */
static memo_ent *memo_find(memo *mm, const char *key)
{
	uint32_t i = hash_str(key) & (MEMO_SLOTS - 1);
	while (mm->k[i]) {
		if (strcmp(mm->k[i], key) == 0)
			return &mm->e[i];
		i = (i + 1) & (MEMO_SLOTS - 1);
	}
	if (mm->n >= MEMO_SLOTS * 3 / 4)
		return NULL;
	mm->k[i] = strdup(key);
	if (!mm->k[i])
		return NULL;
	mm->e[i].s = -1;
	mm->n++;
	return &mm->e[i];
}

static uint64_t hash_mix(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return (h ^ 0xff) * 1099511628211ull;
}

/* unit_sim answers nk_name_score_with from the memo: a recorded unit is
 * compared with every typed unit once. */
static double unit_sim(void *ctx, unsigned qi, const nk_unit *c)
{
	memo *mm = ctx;
	char tag[6] = {(char)('0' + c->script), (char)('0' + c->particle), (char)('0' + c->article),
		       (char)('0' + c->compound), (char)('0' + c->honorific), '\0'};
	uint64_t h = hash_mix(hash_mix(hash_mix(1469598103934665603ull, tag), c->whole), c->body);
	h = h ? h : 1;
	uint32_t i = (uint32_t)h & (USIM_SLOTS - 1);
	for (int probe = 0; probe < 16; probe++, i = (i + 1) & (USIM_SLOTS - 1)) {
		if (mm->uh[i] == h)
			return mm->us[i][qi];
		if (mm->uh[i])
			continue;
		if (mm->nu >= USIM_SLOTS * 3 / 4)
			break;
		mm->uh[i] = h;
		mm->nu++;
		for (unsigned k = 0; k < mm->q->n; k++)
			mm->us[i][k] = (float)nk_unit_similarity(&mm->q->u[k], c);
		return mm->us[i][qi];
	}
	return nk_unit_similarity(&mm->q->u[qi], c);
}

/* name_evidence: how well the typed names fit one script's record. */
static double name_evidence(memo *mm, const qinfo *qi, char script, const char *first, const char *last,
			    nk_match *m)
{
	memset(m, 0, sizeof *m);
	if (empty(first) && empty(last))
		return 0;
	char key[2 * SJ_MAX_NAME + 8];
	snprintf(key, sizeof key, "%c%s\x1f%s", script, first ? first : "", last ? last : "");
	memo_ent *me = memo_find(mm, key);
	if (me && me->s >= 0) {
		*m = me->m;
		return me->s;
	}
	nk_name f, l;
	f.n = l.n = 0;
	if (!empty(first) && nk_parse(first, &f))
		f.n = 0;
	if (!empty(last) && nk_parse(last, &l))
		l.n = 0;
	double s = f.n || l.n ? nk_name_score_with(&qi->name, &f, &l, NULL, m, unit_sim, mm) : 0;
	if (me) {
		me->s = s;
		me->m = *m;
	}
	return s;
}

/* father_evidence: how well the typed father's name (in q or given apart)
 * fits the recorded one; -1 when the record has none. */
static double father_evidence(memo *mm, const qinfo *qi, const char *father)
{
	if (empty(father))
		return -1;
	char key[SJ_MAX_NAME + 8];
	snprintf(key, sizeof key, "p%s", father);
	memo_ent *me = memo_find(mm, key);
	if (me && me->s >= 0)
		return me->s;
	nk_name f;
	double s = 0;
	if (nk_parse(father, &f) == SJ_OK && f.n > 0) {
		if (qi->father_in_q)
			s = nk_father_similarity(&qi->fu, &f);
		for (unsigned i = 0; i < qi->father.n; i++)
			if (!qi->father.u[i].honorific) {
				double x = nk_father_similarity(&qi->father.u[i], &f);
				s = x > s ? x : s;
				break;
			}
	}
	if (me)
		me->s = s;
	return s;
}

/* Weights of the evidence in the score (given components only). */
#define W_NAME   1.0
#define W_BIRTH  0.4
#define W_FATHER 0.3
#define W_SEX    0.1
#define W_PLACE  0.15

static double round3(double x)
{
	return (double)(long)(x * 1000 + 0.5) / 1000.0;
}

/* score_one ranks row r against the query: r->score, r->strong (every name
 * part typed found, and nothing given contradicts the record) and r->ev.
 * Returns false when the name evidence is too weak to be a result. */
static bool score_one(memo *mm, const qinfo *qi, prow *r)
{
	nk_match ml;
	evid *ev = &r->ev;
	double sa = name_evidence(mm, qi, 'a', r->v[P_FA], r->v[P_LA], &ev->m);
	double sl = name_evidence(mm, qi, 'l', r->v[P_FL], r->v[P_LL], &ml);
	if (sl > sa)
		ev->m = ml;
	double ns = sa >= sl ? sa : sl;
	if (ns < SRCH_MIN_SCORE)
		return false;
	bool strong = true;
	for (unsigned i = 0; i < qi->name.n; i++)
		if (!qi->name.u[i].honorific)
			strong = strong && ev->m.unit_sim[i] >= NK_UNIT_MATCH;
	ev->name = ns;
	ev->father = ev->birth = ev->sex = ev->place = -1;
	double sum = W_NAME * ns, wsum = W_NAME;
	/* father's name: typed inside q (ben Ahmed) or given apart */
	if (has_father(qi)) {
		const char *pa = !empty(r->v[P_PA]) ? r->v[P_PA] : r->v[P_P];
		const char *pl = !empty(r->v[P_PL]) ? r->v[P_PL] : r->v[P_P];
		double fa = father_evidence(mm, qi, pa), fl = father_evidence(mm, qi, pl);
		double f = fa > fl ? fa : fl;
		ev->father_how = f < 0 ? "unknown" : f >= NK_UNIT_MATCH ? "same" : f >= 0.6 ? "close" : "differs";
		strong = strong && (f < 0 || f >= NK_UNIT_MATCH);
		ev->father = f < 0 ? 0.4 : f;
		sum += W_FATHER * ev->father;
		wsum += W_FATHER;
	}
	/* birth: the date as typed, with day and month swapped, or the year */
	const char *bd = r->v[P_BD];
	ev->year = bd ? atoi(bd) : 0;
	if (has_birth(qi)) {
		int ry = ev->year;
		double e;
		const char *how;
		if (!bd || !*bd)
			e = 0.3, how = "unknown";
		else if (qi->dob[0] && strcmp(bd, qi->dob) == 0)
			e = 1, how = "date";
		else if (qi->swapped[0] && strcmp(bd, qi->swapped) == 0)
			e = 0.85, how = "swapped";
		else if (ry == qi->year)
			e = qi->dob[0] ? 0.45 : 1, how = "year";
		else if (!qi->dob[0] && (ry == qi->year - 1 || ry == qi->year + 1))
			e = 0.4, how = "near_year";
		else
			e = 0, how = "differs";
		strong = strong && (e >= 0.85 || (!qi->dob[0] && ry == qi->year) || !bd || !*bd);
		ev->birth = e;
		ev->birth_how = how;
		sum += W_BIRTH * e;
		wsum += W_BIRTH;
	}
	if (qi->sex) {
		const char *sx = r->v[P_SEX];
		ev->sex = !sx ? 0.5 : strcmp(sx, qi->sex) == 0 ? 1 : 0;
		ev->sex_how = !sx ? "unknown" : ev->sex == 1 ? "same" : "differs";
		strong = strong && ev->sex > 0;
		sum += W_SEX * ev->sex;
		wsum += W_SEX;
	}
	if (qi->place) {
		ev->place = 0.5;
		ev->place_how = "unknown";
		if (!empty(r->v[P_PLACE])) {
			buf a, b;
			buf_init(&a, 4 * SJ_MAX_NAME);
			buf_init(&b, 4 * SJ_MAX_NAME);
			bool same = !txt_normalize(qi->place, &a) && !txt_normalize(r->v[P_PLACE], &b) &&
				    strcmp(buf_str(&a), buf_str(&b)) == 0;
			buf_free(&a);
			buf_free(&b);
			ev->place = same ? 1 : 0;
			ev->place_how = same ? "same" : "differs";
		}
		sum += W_PLACE * ev->place;
		wsum += W_PLACE;
	}
	r->score = round3(sum / wsum);
	r->strong = strong;
	return true;
}

static const char *part_name(unsigned part)
{
	return part == NK_PART_FIRST ? "first_name" : part == NK_PART_LAST ? "last_name" : "father_name";
}

static json_t *reason(const char *code, const char *match)
{
	return json_pack("{s:s,s:s}", "code", code, "match", match);
}

/* result_obj writes r as a result with its reasons (docs: search.h). */
static json_t *result_obj(const qinfo *qi, const prow *r)
{
	const evid *ev = &r->ev;
	json_t *reasons = json_array(), *matched = json_array(), *e = json_object();
	for (unsigned i = 0; i < qi->name.n; i++) {
		if (qi->name.u[i].honorific)
			continue;
		double us = ev->m.unit_sim[i];
		bool same_script = ev->m.unit_script[i] == qi->name.u[i].script;
		const char *how = us >= 0.995 && same_script ? "same"
				  : us >= NK_UNIT_MATCH ? (same_script ? "spelling" : "script")
				  : us >= 0.5 ? "close" : "none";
		unsigned part = us >= NK_UNIT_MATCH ? ev->m.unit_part[i] : ev->m.unit_near[i];
		json_t *x = reason("name", how);
		if (part)
			json_object_set_new(x, "part", json_string(part_name(part)));
		if (us >= 0.5)
			json_object_set_new(x, "script",
					    json_string(ev->m.unit_script[i] == NK_SCRIPT_ARABIC ? "ar" : "lat"));
		json_array_append_new(reasons, x);
	}
	if (ev->m.parts & NK_PART_FIRST)
		json_array_append_new(matched, json_string("first_name"));
	if (ev->m.parts & NK_PART_LAST)
		json_array_append_new(matched, json_string("last_name"));
	json_object_set_new(e, "name", json_real(round3(ev->name)));
	if (ev->father >= 0) {
		json_array_append_new(reasons, reason("father", ev->father_how));
		if (strcmp(ev->father_how, "same") == 0)
			json_array_append_new(matched, json_string("father_name"));
		json_object_set_new(e, "father", json_real(round3(ev->father)));
	}
	if (ev->birth >= 0) {
		json_t *x = reason("birth", ev->birth_how);
		if (ev->year)
			json_object_set_new(x, "year", json_integer(ev->year));
		json_array_append_new(reasons, x);
		if (strcmp(ev->birth_how, "date") == 0)
			json_array_append_new(matched, json_string("birth_date"));
		json_object_set_new(e, "birth", json_real(round3(ev->birth)));
	}
	if (ev->sex >= 0) {
		json_array_append_new(reasons, reason("sex", ev->sex_how));
		if (ev->sex == 1)
			json_array_append_new(matched, json_string("sex"));
		json_object_set_new(e, "sex", json_real(ev->sex));
	}
	if (ev->place >= 0) {
		json_array_append_new(reasons, reason("place", ev->place_how));
		json_object_set_new(e, "place", json_real(ev->place));
	}
#define V(i) (r->v[i] ? json_string(r->v[i]) : json_null())
	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:f,s:o,s:o,s:o}", "id", V(P_ID), "cin", V(P_CIN),
			 "first_name_ar", V(P_FA), "last_name_ar", V(P_LA), "first_name_lat", V(P_FL), "last_name_lat",
			 V(P_LL), "father_name_ar", V(P_PA), "father_name_lat", V(P_PL), "birth_date", V(P_BD), "sex",
			 V(P_SEX), "score", r->score, "matched", matched, "reasons", reasons, "evidence", e);
#undef V
}

static int by_score(const void *a, const void *b)
{
	const prow *x = *(prow *const *)a, *y = *(prow *const *)b;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return strcmp(x->v[P_ID], y->v[P_ID]);
}

static int by_weight(const void *a, const void *b)
{
	const cand *x = a, *y = b;
	if (x->weight != y->weight)
		return y->weight - x->weight;
	return strcmp(x->id, y->id);
}

/* ------------------------------------------------------------ a search */

static const char sql_by_cin[] = "SELECT id FROM persons WHERE cin = ?";

typedef struct result_set {
	prow **rows;
	int n, cap;
	int strong;
	int fetched;         /* candidates (by weight) already fetched */
} result_set;

/* score_new fetches the candidates gathered since the last call (heaviest
 * first, SRCH_MAX_SCORED in all) and scores them. */
static sj_err score_new(db_conn *c, search_state *st, memo *mm, result_set *rs, const char *exclude_id)
{
	/* the new candidates, by weight; earlier ones were fetched already */
	int from = rs->fetched;
	qsort(st->c + from, (size_t)(st->nc - from), sizeof st->c[0], by_weight);
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
	sj_err e = fetch_ids(c, ids, w, n, rs->rows, &rs->n, rs->cap);
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
	e = e ? e : resolve_merged(c, rs->rows + first, rs->n - first);
	if (e)
		return e;
	for (int i = first; i < rs->n; i++) {
		prow *r = rs->rows[i];
		bool drop = !r || (exclude_id && strcmp(r->v[P_ID], exclude_id) == 0);
		for (int j = 0; j < i && !drop; j++)
			drop = rs->rows[j] && strcmp(rs->rows[j]->v[P_ID], r->v[P_ID]) == 0; /* two merged into one */
		if (!drop && !score_one(mm, &st->qi, r))
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
static json_t *too_broad(const qinfo *qi, int at_least)
{
	static const struct { const char *code, *fr, *ar; } asks[] = {
		{"first_name", "le prénom", "الاسم الشخصي"},
		{"birth_year", "l’année de naissance", "سنة الازدياد"},
		{"birth_date", "la date de naissance", "تاريخ الازدياد"},
		{"father_name", "le nom du père", "اسم الأب"},
	};
	bool want[4] = {qi->m < 2, !has_birth(qi), !qi->dob[0], !has_father(qi)};
	if (!want[1] && !want[2] && !want[3])
		want[2] = true; /* everything given: nothing better than the exact date */
	json_t *ask = json_array();
	char fr[256] = "", ar[256] = "";
	size_t nf = 0, na = 0;
	for (int i = 0; i < 4; i++) {
		if (!want[i] || (i == 2 && want[1] && qi->m < 2))
			continue;
		json_array_append_new(ask, json_string(asks[i].code));
		nf += (size_t)snprintf(fr + nf, sizeof fr - nf, "%s%s", nf ? ", " : "", asks[i].fr);
		na += (size_t)snprintf(ar + na, sizeof ar - na, "%s%s", na ? "، " : "", asks[i].ar);
		if (nf >= sizeof fr || na >= sizeof ar)
			break;
	}
	char mfr[512], mar[512];
	snprintf(mfr, sizeof mfr,
		 "Trop de personnes correspondent à cette recherche (au moins %d) : la liste ne peut pas les départager."
		 " Précisez %s.", at_least, fr);
	snprintf(mar, sizeof mar, "عدد كبير من الأشخاص يطابقون هذا البحث (%d على الأقل) ولا يمكن ترتيبهم. المرجو تحديد %s.",
		 at_least, ar);
	return json_pack("{s:s,s:i,s:o,s:{s:s,s:s}}", "code", "too-broad", "at_least", at_least, "ask", ask,
			 "message", "fr", mfr, "ar", mar);
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
	e = fetch_ids(c, &id, &w, 1, rows, &n, 1);
	json_decref(r);
	e = e ? e : resolve_merged(c, rows, n);
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
		memo_init(mm, st ? &st->qi.name : NULL);
	result_set rs = {.cap = SRCH_MAX_SCORED};
	rs.rows = calloc((size_t)rs.cap, sizeof *rs.rows);
	json_t *res = json_array();
	json_t *broad = NULL;
	sj_err e = st && mm && rs.rows && res ? SJ_OK : SJ_ENOMEM;
	qinfo *qi = st ? &st->qi : NULL;
	if (!e)
		e = read_query(q, qi);
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
		plan_pairs(st, triples, bd);
	else
		plan_singles(st, bd, true);
	int primary = st->nl;
	/* with a father's name, the pairs too (a bucket small enough to read
	 * holds the persons whose father is recorded otherwise: Ahmet, أحمد) */
	if (triples)
		plan_pairs(st, false, bd);
	e = run_plan(c, st);
	e = e ? e : score_new(c, st, mm, &rs, exclude_id);
	if (e)
		goto done;
	/* a main bucket too big to read: what was read elsewhere cannot stand
	 * for it ("Fatima Zahra El Idrissi" also meets the Fatima Ezzahraoui,
	 * whose family name is zhr), unless it holds the very persons typed */
	bool hot = main_hot(st, primary);
	/* 2. nothing fits everything: what a typo, a wrong date or a missing
	 * father's name would still find */
	if (rs.strong == 0 && !hot) {
		if (qi->dob[0] && qi->m >= 2) {
			plan_pairs(st, triples, BD_YEAR);
		} else if (qi->dob[0]) {
			plan_singles(st, BD_YEAR, true);
		}
		/* weak keys too with a date (a name part and a date is a small
		 * bucket), or with a year when nothing at all was found yet (a
		 * given name and a year can be a few hundred persons to score) */
		if (qi->m >= 2)
			plan_singles(st, bd, bd == BD_DATES || (bd == BD_YEAR && rs.n == 0));
		if (st->nl > primary) {
			e = run_plan(c, st);
			e = e ? e : score_new(c, st, mm, &rs, exclude_id);
			if (e)
				goto done;
		}
	}
	qsort(rs.rows, (size_t)rs.n, sizeof *rs.rows, by_score);
	if (rs.strong > limit)
		broad = too_broad(qi, rs.strong);
	else if (hot && (rs.strong == 0 || qi->m < 2))
		broad = too_broad(qi, SRCH_LOOKUP_CAP + 1);
	if (!broad || keep_broad)
		for (int i = 0; i < rs.n && i < limit; i++)
			if (json_array_append_new(res, result_obj(qi, rs.rows[i]))) {
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
		memo_free(mm);
	free(mm);
	free(st);
	return e;
}

sj_err srch_persons(db_conn *c, const srch_query *q, json_t **out)
{
	return search_core(c, q, NULL, false, out);
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

/* ------------------------------------------------------------ import */

static const char *const person_fields[] = {
	"cin", "first_name_ar", "last_name_ar", "first_name_lat", "last_name_lat", "father_name_ar",
	"father_name_lat", "mother_name_ar", "birth_date", "sex", NULL,
};

static bool valid_date(const char *s)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1850 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return !(m == 2 && d == 29 && !leap);
}

const char *srch_validate_person(json_t *p)
{
	if (!json_is_object(p))
		return "not a JSON object";
	const char *k;
	json_t *v;
	json_object_foreach(p, k, v) {
		bool known = false;
		for (int i = 0; person_fields[i] && !known; i++)
			known = strcmp(k, person_fields[i]) == 0;
		if (!known)
			return "unknown field";
		if (json_is_null(v))
			continue;
		if (!json_is_string(v))
			return "a field is not a string";
		if (json_string_length(v) > SJ_MAX_NAME)
			return "a field is too long";
		/* what nk_parse refuses, without parsing the name twice */
		if (strncmp(k, "cin", 3) != 0 && strcmp(k, "birth_date") != 0 && strcmp(k, "sex") != 0 &&
		    !txt_valid_utf8(json_string_value(v), json_string_length(v)))
			return "a name is not valid UTF-8";
	}
	const char *cin = js(p, "cin"), *bd = js(p, "birth_date"), *sex = js(p, "sex");
	char norm[IDENT_CIN_MAX + 1];
	if (cin && !cin_norm(cin, norm))
		return "cin is not a CIN number (letters then digits)";
	if (bd && !valid_date(bd))
		return "birth_date is not a date YYYY-MM-DD";
	if (sex && strcmp(sex, "M") != 0 && strcmp(sex, "F") != 0)
		return "sex must be M or F";
	if (empty(js(p, "first_name_ar")) && empty(js(p, "last_name_ar")) && empty(js(p, "first_name_lat")) &&
	    empty(js(p, "last_name_lat")))
		return "no name: first_name_ar, last_name_ar, first_name_lat or last_name_lat is required";
	return NULL;
}

static const char sql_imp_insert[] =
	"INSERT INTO persons (id, cin, unknown, first_name_ar, last_name_ar, first_name_lat, last_name_lat,"
	" father_name, mother_name, father_name_ar, father_name_lat, mother_name_ar, birth_date, sex,"
	" home_unit_id, created_at, updated_at) VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char sql_imp_fill[] =
	"UPDATE persons SET first_name_ar = COALESCE(first_name_ar, ?), last_name_ar = COALESCE(last_name_ar, ?),"
	" first_name_lat = COALESCE(first_name_lat, ?), last_name_lat = COALESCE(last_name_lat, ?),"
	" father_name_ar = COALESCE(father_name_ar, ?), father_name_lat = COALESCE(father_name_lat, ?),"
	" mother_name_ar = COALESCE(mother_name_ar, ?), birth_date = COALESCE(birth_date, ?),"
	" sex = COALESCE(sex, ?), updated_at = ? WHERE id = ?";

/* fill_known: p names a person already stored as id: only its empty fields
 * are filled, then it is keyed again. */
static sj_err fill_known(db_conn *c, json_t *p, const char *id, int64_t now)
{
	sj_err e = db_run(c, sql_imp_fill, "ttttttttt" "it", js(p, "first_name_ar"), js(p, "last_name_ar"),
			  js(p, "first_name_lat"), js(p, "last_name_lat"), js(p, "father_name_ar"),
			  js(p, "father_name_lat"), js(p, "mother_name_ar"), js(p, "birth_date"), js(p, "sex"), now, id);
	return e ? e : srch_reindex_person(c, id);
}

sj_err srch_import_person(db_conn *c, json_t *p, const char *home_unit_id, char id_out[ID_LEN + 1], bool *created)
{
	*created = false;
	char cin[IDENT_CIN_MAX + 1] = "";
	if (js(p, "cin") && !cin_norm(js(p, "cin"), cin))
		return SJ_EINVAL;
	int64_t now = clock_now_ms();
	const char *fa = js(p, "father_name_ar"), *fl = js(p, "father_name_lat");
	if (cin[0]) {
		json_t *row = NULL;
		sj_err e = dbj_one(c, sql_by_cin, "id:t", &row, "t", cin);
		if (!e) {
			snprintf(id_out, ID_LEN + 1, "%s", js(row, "id"));
			json_decref(row);
			return fill_known(c, p, id_out, now);
		}
		if (e != SJ_ENOTFOUND)
			return e;
	}
	id_new(id_out);
	sj_err e = db_run(c, sql_imp_insert, "tt" "ttttttttttt" "tii", id_out, cin[0] ? cin : NULL,
			  js(p, "first_name_ar"), js(p, "last_name_ar"), js(p, "first_name_lat"), js(p, "last_name_lat"),
			  fa ? fa : fl, js(p, "mother_name_ar"), fa, fl, js(p, "mother_name_ar"), js(p, "birth_date"),
			  js(p, "sex"), home_unit_id, now, now);
	if (e)
		return e;
	*created = true;
	srch_names n = {js(p, "first_name_ar"), js(p, "last_name_ar"), js(p, "first_name_lat"),
			js(p, "last_name_lat"), fa, fl, js(p, "mother_name_ar"), NULL, js(p, "birth_date")};
	return srch_index_person(c, id_out, &n, true);
}

/* ------------------------------------------------------- bulk loading
 *
 * A national register is millions of lines. Per line, the old path cost a
 * CIN look-up, an INSERT and ~7 key INSERTs, each a round trip on
 * PostgreSQL, and a B-tree descent per key on both. The loader:
 *   * knows which CINs exist (every CIN of the database, read once, as
 *     64-bit hashes, when there are at most SRCH_LOAD_PRELOAD persons), so
 *     a new CIN costs no query; a hash seen before is checked in the table;
 *   * keeps new persons in memory and writes them with db_copy (COPY on
 *     PostgreSQL), persons then keys, at each flush;
 *   * into an empty index, drops the key index and builds it once at the end
 *     (sorting 7 rows a person once instead of inserting them at random). */

enum { L_FA, L_LA, L_FL, L_LL, L_PA, L_PL, L_MA, L_BD, L_SEX, L_NF };
static const char *const load_fields[L_NF] = {
	"first_name_ar", "last_name_ar", "first_name_lat", "last_name_lat", "father_name_ar",
	"father_name_lat", "mother_name_ar", "birth_date", "sex",
};

typedef struct pend {
	char id[ID_LEN + 1];
	char cin[IDENT_CIN_MAX + 1];
	char *f[L_NF];         /* owned; NULL when absent */
} pend;

#define LOAD_AUTO_FLUSH 50000   /* pending persons written even inside a long batch */

struct srch_loader {
	db_conn *c;
	char unit[ID_LEN + 1];
	bool bulk;             /* the key index was dropped: build it at the end */
	bool known_all;        /* every CIN of the database is in seen */
	uint64_t *seen;
	size_t seen_n, seen_cap;   /* open addressing, 0 = free, cap a power of two */
	pend *p;
	int np, pcap;
	int32_t *pslot;        /* CIN -> pending index + 1 */
	size_t pslots;
	keylist *kl;
	int64_t now;
};

static uint64_t hash64(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return h ? h : 1;
}

static sj_err seen_grow(srch_loader *l)
{
	size_t cap = l->seen_cap ? l->seen_cap * 2 : 1u << 16;
	uint64_t *t = calloc(cap, sizeof *t);
	if (!t)
		return SJ_ENOMEM;
	for (size_t i = 0; i < l->seen_cap; i++) {
		uint64_t h = l->seen[i];
		if (!h)
			continue;
		size_t j = h & (cap - 1);
		while (t[j])
			j = (j + 1) & (cap - 1);
		t[j] = h;
	}
	free(l->seen);
	l->seen = t;
	l->seen_cap = cap;
	return SJ_OK;
}

/* seen_add records h; returns whether it was there already. */
static sj_err seen_add(srch_loader *l, uint64_t h, bool *was)
{
	if ((l->seen_n + 1) * 2 > l->seen_cap) {
		sj_err e = seen_grow(l);
		if (e)
			return e;
	}
	size_t j = h & (l->seen_cap - 1);
	while (l->seen[j]) {
		if (l->seen[j] == h) {
			*was = true;
			return SJ_OK;
		}
		j = (j + 1) & (l->seen_cap - 1);
	}
	l->seen[j] = h;
	l->seen_n++;
	*was = false;
	return SJ_OK;
}

static int pend_find(const srch_loader *l, const char *cin)
{
	if (!l->pslots)
		return -1;
	size_t j = hash64(cin) & (l->pslots - 1);
	while (l->pslot[j]) {
		const pend *p = &l->p[l->pslot[j] - 1];
		if (strcmp(p->cin, cin) == 0)
			return l->pslot[j] - 1;
		j = (j + 1) & (l->pslots - 1);
	}
	return -1;
}

static sj_err pend_index(srch_loader *l, int i)
{
	if ((size_t)(i + 1) * 2 > l->pslots) {
		size_t n = l->pslots ? l->pslots * 2 : 1u << 14;
		int32_t *t = calloc(n, sizeof *t);
		if (!t)
			return SJ_ENOMEM;
		free(l->pslot);
		l->pslot = t;
		l->pslots = n;
		for (int k = 0; k < i; k++)
			if (l->p[k].cin[0]) {
				size_t j = hash64(l->p[k].cin) & (n - 1);
				while (t[j])
					j = (j + 1) & (n - 1);
				t[j] = k + 1;
			}
	}
	size_t j = hash64(l->p[i].cin) & (l->pslots - 1);
	while (l->pslot[j])
		j = (j + 1) & (l->pslots - 1);
	l->pslot[j] = i + 1;
	return SJ_OK;
}

static void pend_clear(srch_loader *l)
{
	for (int i = 0; i < l->np; i++)
		for (int k = 0; k < L_NF; k++)
			free(l->p[i].f[k]);
	l->np = 0;
	if (l->pslot)
		memset(l->pslot, 0, l->pslots * sizeof *l->pslot);
}

static const char sql_count_persons[] = "SELECT COUNT(*) FROM persons";
static const char sql_all_cins[] = "SELECT cin FROM persons WHERE cin IS NOT NULL";
static const char sql_count_keys[] = "SELECT COUNT(*) FROM person_keys";
/* The indexes of 0003/0020 that a bulk load into an empty index builds
 * after the rows instead of row by row; the same definitions as there. */
static const char sql_drop_key_index[] = "DROP INDEX IF EXISTS person_keys_key";
static const char sql_drop_birth_index[] = "DROP INDEX IF EXISTS persons_birth";
static const char sql_make_key_index[] =
	"CREATE INDEX IF NOT EXISTS person_keys_key ON person_keys(key, field, birth_date, person_id)";
static const char sql_make_birth_index[] = "CREATE INDEX IF NOT EXISTS persons_birth ON persons(birth_date)";

static sj_err count_of(db_conn *c, const char *sql, int64_t *n)
{
	db_stmt *s;
	bool row;
	sj_err e = db_prepare(c, sql, &s);
	e = e ? e : db_step(s, &row);
	*n = !e && row ? db_col_int(s, 0) : 0;
	while (!e && row)
		e = db_step(s, &row);
	return e;
}

sj_err srch_load_begin(db_conn *c, const char *home_unit_id, srch_loader **out)
{
	*out = NULL;
	if (db_in_tx(c))
		return SJ_EINTERNAL;
	srch_loader *l = calloc(1, sizeof *l);
	if (!l)
		return SJ_ENOMEM;
	l->c = c;
	snprintf(l->unit, sizeof l->unit, "%s", home_unit_id);
	l->kl = malloc(sizeof *l->kl);
	sj_err e = l->kl ? db_bulk_session(c, true) : SJ_ENOMEM;
	int64_t persons = 0, keys = 0;
	e = e ? e : db_begin(c, DB_WRITE);
	e = e ? e : count_of(c, sql_count_persons, &persons);
	e = e ? e : count_of(c, sql_count_keys, &keys);
	if (!e && persons <= SRCH_LOAD_PRELOAD) {
		db_stmt *s;
		bool row, was;
		e = db_prepare(c, sql_all_cins, &s);
		while (!e && !(e = db_step(s, &row)) && row)
			e = seen_add(l, hash64(db_col_text(s, 0)), &was);
		l->known_all = !e;
	}
	if (!e && persons == 0 && keys == 0) {
		l->bulk = true;
		e = db_exec(c, sql_drop_key_index);
		e = e ? e : db_exec(c, sql_drop_birth_index);
	} else if (!e) {
		/* an earlier bulk load that stopped before its end left these out */
		e = db_exec(c, sql_make_key_index);
		e = e ? e : db_exec(c, sql_make_birth_index);
	}
	e = e ? e : db_commit(c);
	if (e) {
		db_rollback(c);
		l->bulk = false;
		if (srch_load_end(l)) {
			/* the first failure is the one to report */
		}
		return e;
	}
	*out = l;
	return SJ_OK;
}

bool srch_load_is_bulk(const srch_loader *l)
{
	return l && l->bulk;
}

sj_err srch_load_person(srch_loader *l, json_t *p, bool *created)
{
	*created = false;
	char cin[IDENT_CIN_MAX + 1] = "";
	if (js(p, "cin") && !cin_norm(js(p, "cin"), cin))
		return SJ_EINVAL;
	l->now = clock_now_ms();
	if (cin[0]) {
		int k = pend_find(l, cin);
		if (k >= 0) {
			/* twice in this batch: the first line made it, this one fills */
			for (int i = 0; i < L_NF; i++)
				if (!l->p[k].f[i] && js(p, load_fields[i]) && !(l->p[k].f[i] = strdup(js(p, load_fields[i]))))
					return SJ_ENOMEM;
			return SJ_OK;
		}
		bool was = false;
		sj_err e = seen_add(l, hash64(cin), &was);
		if (e)
			return e;
		if (was || !l->known_all) {
			json_t *row = NULL;
			e = dbj_one(l->c, sql_by_cin, "id:t", &row, "t", cin);
			if (!e) {
				char id[ID_LEN + 1];
				snprintf(id, sizeof id, "%s", js(row, "id"));
				json_decref(row);
				return fill_known(l->c, p, id, l->now);
			}
			if (e != SJ_ENOTFOUND)
				return e;
		}
	}
	if (l->np == l->pcap) {
		int cap = l->pcap ? l->pcap * 2 : 1024;
		pend *t = realloc(l->p, (size_t)cap * sizeof *t);
		if (!t)
			return SJ_ENOMEM;
		l->p = t;
		l->pcap = cap;
	}
	pend *np = &l->p[l->np];
	memset(np, 0, sizeof *np);
	id_new(np->id);
	snprintf(np->cin, sizeof np->cin, "%s", cin);
	l->np++;
	for (int i = 0; i < L_NF; i++)
		if (js(p, load_fields[i]) && !(np->f[i] = strdup(js(p, load_fields[i]))))
			return SJ_ENOMEM;
	sj_err e = cin[0] ? pend_index(l, l->np - 1) : SJ_OK;
	*created = true;
	if (!e && l->np >= LOAD_AUTO_FLUSH)
		e = srch_load_flush(l);
	return e;
}

sj_err srch_load_flush(srch_loader *l)
{
	if (!l || l->np == 0)
		return SJ_OK;
	db_copy *cp = NULL;
	sj_err e = db_copy_begin(l->c, "persons",
				 "id, cin, unknown, first_name_ar, last_name_ar, first_name_lat, last_name_lat,"
				 " father_name, mother_name, father_name_ar, father_name_lat, mother_name_ar, birth_date,"
				 " sex, home_unit_id, created_at, updated_at", &cp);
	for (int i = 0; i < l->np && !e; i++) {
		char **f = l->p[i].f;
		e = db_copy_row(cp, "tti" "tttttttttttt" "ii", l->p[i].id, l->p[i].cin[0] ? l->p[i].cin : NULL,
				(int64_t)0, f[L_FA], f[L_LA], f[L_FL], f[L_LL], f[L_PA] ? f[L_PA] : f[L_PL], f[L_MA],
				f[L_PA], f[L_PL], f[L_MA], f[L_BD], f[L_SEX], l->unit, l->now, l->now);
	}
	sj_err e2 = db_copy_end(cp);
	e = e ? e : e2;
	cp = NULL;
	if (!e)
		e = db_copy_begin(l->c, "person_keys", "key, birth_date, person_id, field", &cp);
	for (int i = 0; i < l->np && !e; i++) {
		char **f = l->p[i].f;
		srch_names n = {f[L_FA], f[L_LA], f[L_FL], f[L_LL], f[L_PA], f[L_PL], f[L_MA], NULL, f[L_BD]};
		index_rows(&n, l->kl);
		const char *bd = f[L_BD] ? f[L_BD] : "";
		for (int k = 0; k < l->kl->n && !e; k++) {
			char fld[2] = {l->kl->k[k].field, '\0'};
			e = db_copy_row(cp, "tttt", l->kl->k[k].key, bd, l->p[i].id, fld);
		}
	}
	e2 = db_copy_end(cp);
	e = e ? e : e2;
	pend_clear(l);
	return e;
}

sj_err srch_load_end(srch_loader *l)
{
	if (!l)
		return SJ_OK;
	sj_err e = SJ_OK;
	if (db_in_tx(l->c))
		db_rollback(l->c);
	if (l->bulk) {
		e = db_exec(l->c, sql_make_key_index);
		e = e ? e : db_exec(l->c, sql_make_birth_index);
	}
	sj_err e2 = db_maintain(l->c, "person_keys");
	e = e ? e : e2;
	e2 = db_maintain(l->c, "persons");
	e = e ? e : e2;
	e2 = db_bulk_session(l->c, false);
	e = e ? e : e2;
	pend_clear(l);
	free(l->p);
	free(l->pslot);
	free(l->seen);
	free(l->kl);
	free(l);
	return e;
}

/* ------------------------------------------------------- duplicates, merge */

sj_err srch_duplicates(db_conn *c, const char *person_id, int limit, json_t **out)
{
	*out = NULL;
	const char *id = person_id;
	int w = 0, n = 0;
	prow *rows[1] = {NULL};
	sj_err e = fetch_ids(c, &id, &w, 1, rows, &n, 1);
	e = e ? e : resolve_merged(c, rows, n);
	if (!e && (!n || !rows[0]))
		e = SJ_ENOTFOUND;
	if (e) {
		if (n)
			free(rows[0]);
		return e;
	}
	prow *me = rows[0];
	json_t *all = json_array();
	char q[2 * SJ_MAX_NAME + 2];
	const char *names[2][2] = {{me->v[P_FL], me->v[P_LL]}, {me->v[P_FA], me->v[P_LA]}};
	for (int s = 0; s < 2 && !e; s++) {
		if (empty(names[s][0]) && empty(names[s][1]))
			continue;
		snprintf(q, sizeof q, "%s %s", names[s][0] ? names[s][0] : "", names[s][1] ? names[s][1] : "");
		const char *pf = s == 0 ? me->v[P_PL] : me->v[P_PA];
		srch_query sq = {.q = q, .birth_date = me->v[P_BD], .sex = me->v[P_SEX], .father = pf, .limit = limit};
		json_t *r = NULL;
		e = search_core(c, &sq, me->v[P_ID], true, &r);
		size_t i;
		json_t *x;
		json_array_foreach(json_object_get(r, "results"), i, x) {
			bool dup = false;
			size_t j;
			json_t *y;
			json_array_foreach(all, j, y) dup = dup || json_equal(json_object_get(x, "id"), json_object_get(y, "id"));
			if (!dup) {
				json_object_set(x, "reasons", json_object_get(x, "matched"));
				json_array_append(all, x);
			}
		}
		json_decref(r);
	}
	free(me);
	if (e) {
		json_decref(all);
		return e;
	}
	*out = all;
	return SJ_OK;
}

static const char sql_merged_into[] = "SELECT merged_into FROM persons WHERE id = ?";
static const char sql_set_merged[] = "UPDATE persons SET merged_into = ?, updated_at = ? WHERE id = ?";
static const char sql_merge_ins[] =
	"INSERT INTO person_merges (id, survivor_id, merged_id, reason, merged_at, merged_by) VALUES (?, ?, ?, ?, ?, ?)";
static const char sql_merge_get[] =
	"SELECT survivor_id, merged_id, undone_at FROM person_merges WHERE id = ?";
static const char sql_merge_undo[] =
	"UPDATE person_merges SET undone_at = ?, undone_by = ?, undo_reason = ? WHERE id = ? AND undone_at IS NULL";

sj_err srch_merge(db_conn *c, const char *survivor_id, const char *merged_id, const char *reason,
		  const char *actor_id, char merge_id[ID_LEN + 1])
{
	if (strcmp(survivor_id, merged_id) == 0)
		return SJ_ECONFLICT;
	json_t *a = NULL, *b = NULL;
	sj_err e = dbj_one(c, sql_merged_into, "m:t", &a, "t", survivor_id);
	if (!e)
		e = dbj_one(c, sql_merged_into, "m:t", &b, "t", merged_id);
	if (!e && (js(a, "m") || js(b, "m")))
		e = SJ_ECONFLICT;
	json_decref(a);
	json_decref(b);
	if (e)
		return e;
	int64_t now = clock_now_ms();
	id_new(merge_id);
	e = db_run(c, sql_set_merged, "tit", survivor_id, now, merged_id);
	return e ? e : db_run(c, sql_merge_ins, "ttttit", merge_id, survivor_id, merged_id, reason, now, actor_id);
}

sj_err srch_unmerge(db_conn *c, const char *merge_id, const char *reason, const char *actor_id)
{
	json_t *m = NULL;
	sj_err e = dbj_one(c, sql_merge_get, "s:t,m:t,u:i", &m, "t", merge_id);
	if (e)
		return e;
	if (!json_is_null(json_object_get(m, "u"))) {
		json_decref(m);
		return SJ_ECONFLICT;
	}
	int64_t now = clock_now_ms();
	e = db_run(c, sql_merge_undo, "ittt", now, actor_id, reason, merge_id);
	if (!e)
		e = db_run(c, sql_set_merged, "nit", now, js(m, "m"));
	json_decref(m);
	return e;
}
