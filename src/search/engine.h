/* engine.h — the search module's own header: the types and steps of one
 * person search, shared by the files of src/search that implement
 * srch_persons (search.h). Included by nothing outside src/search.
 *
 *   search_query.c  reading what was typed (engine_read_query)
 *   search_plan.c   the look-ups, their caps, fetching the candidates
 *   search_rank.c   the evidence, the score and the reasons of a candidate
 *   search_run.c    one search: the rounds, "too broad", the answer
 *   search.c        the keys a person is indexed under, indexing (also in
 *                   bulk), the similarity the hit engine uses
 * Everything here is per search (no state between searches); see
 * docs/internals/search.md.
 */
#ifndef SJ_SEARCH_ENGINE_H
#define SJ_SEARCH_ENGINE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "search/search.h"
#include "text/ident.h"
#include "text/namekey.h"

#define PAIR_KEY_MAX (2 * NK_KEY_MAX + 2)
#define ROW_KEY_MAX  (3 * NK_KEY_MAX + 3) /* a triple "a|b/c" */

static inline bool empty(const char *s)
{
	return !s || !*s;
}

static inline const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* cin_norm: the text module's canonical CIN (letters then digits). */
static inline bool cin_norm(const char *in, char out[IDENT_CIN_MAX + 1])
{
	out[0] = '\0';
	return in && ident_cin_normalize(in, out) == SJ_OK;
}

/* pairable: keys that stand for one whole name part (not the glide/ext or
 * nk's own pair keys). Weak ones are fine inside a pair. */
static inline bool pairable(const nk_key *k)
{
	return k->kind == NK_KEY_SKEL || k->kind == NK_KEY_BODY || k->kind == NK_KEY_ALT;
}

/* hash_str: FNV-1a of a string (candidate and memo tables) */
static inline uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

/* pair_key: the order-free pair "a|b" of two keys (search.c). */
void engine_pair_key(const char *a, const char *b, char out[PAIR_KEY_MAX]);
/* triple_key: a pair and a father's key, "a|b/c" (search.c). */
void engine_triple_key(const char *pair, const char *father, char out[ROW_KEY_MAX]);

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

#define MAX_LOOKUPS 96

#define GROUP_KEYS  16   /* keys of one IN (...) look-up */

#define CAND_SLOTS (2 * SRCH_MAX_CANDS)   /* power of two */

/* How a look-up is narrowed by the birth date, inside the index. */
enum { BD_NONE, BD_DATES, BD_YEAR };

/* A fetched person: its columns in one allocation. */
enum { P_ID, P_CIN, P_FA, P_LA, P_FL, P_LL, P_PA, P_PL, P_P, P_BD, P_SEX, P_MERGED, P_PLACE, P_NCOLS };

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

typedef struct search_state {
	qinfo qi;
	int nl;
	lookup l[MAX_LOOKUPS];
	int nc;
	cand c[SRCH_MAX_CANDS];
	int32_t slot[CAND_SLOTS];   /* index + 1 into c, 0 free */
	char ids[SRCH_LOOKUP_CAP + 1][ID_LEN + 1]; /* one look-up's rows */
} search_state;

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

typedef struct result_set {
	prow **rows;
	int n, cap;
	int strong;
	int fetched;         /* candidates (by weight) already fetched */
} result_set;

static inline bool has_birth(const qinfo *qi)
{
	return qi->dob[0] || qi->year;
}

static inline bool has_father(const qinfo *qi)
{
	return qi->nfk > 0;
}

/* ------------------------------------------------------------ the steps */

/* engine_read_query turns what the officer typed into qi (search_query.c).
 * SJ_EINVAL when q is not valid UTF-8. */
SJ_MUST_USE sj_err engine_read_query(const srch_query *q, qinfo *qi);

/* search_plan.c: engine_plan_pairs / engine_plan_singles add the look-ups of
 * two name parts or more (pairs, with triples the father's too) / of each
 * part alone (weak keys with weak_too), narrowed by bd (BD_*);
 * engine_run_plan runs those not done yet, gathering candidates in st;
 * engine_main_hot tells whether one of the first n look-ups that carries
 * the query's own name was too big to read. */
void engine_plan_pairs(search_state *st, bool triples, int bd);
void engine_plan_singles(search_state *st, int bd, bool weak_too);
SJ_MUST_USE sj_err engine_run_plan(db_conn *c, search_state *st);
bool engine_main_hot(const search_state *st, int n);
/* engine_fetch_ids reads the persons ids[0..n) (in any order) and appends
 * them to rows (capacity cap; each malloc'd, freed by the caller), each
 * with its weight; engine_resolve_merged replaces a merged person by its
 * survivor (following merges, at most 8 hops; NULL when it cannot be read). */
SJ_MUST_USE sj_err engine_fetch_ids(db_conn *c, const char *const *ids, const int *weights, int n, prow **rows,
				    int *nrows, int cap);
SJ_MUST_USE sj_err engine_resolve_merged(db_conn *c, prow **rows, int nrows);

/* search_rank.c: the per-search memo (init before, free after: it owns
 * copies of the names it saw); engine_score_one scores r against qi (its
 * evidence kept in r->ev) and tells whether it is a result at all;
 * engine_result_obj makes r's answer object (new reference);
 * engine_by_score / engine_by_weight order prow * / cand for qsort. */
void engine_memo_init(memo *mm, const nk_name *q);
void engine_memo_free(memo *mm);
bool engine_score_one(memo *mm, const qinfo *qi, prow *r);
json_t *engine_result_obj(const qinfo *qi, const prow *r);
int engine_by_score(const void *a, const void *b);
int engine_by_weight(const void *a, const void *b);

#endif
