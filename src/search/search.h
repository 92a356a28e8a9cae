/* search.h — the national person index: one person, many spellings.
 *
 * Every person's names (first, last, father; Arabic and Latin script) are
 * turned into cross-script keys by the text module (text/namekey.h) and
 * stored as rows (key, field, birth_date, person_id) in person_keys: each
 * name part alone (f, l), first × last pairs (x: "l|mhmd") and first × last
 * × father triples (t: "l|mhmd/hmd"). A search reads what was typed (names in
 * any order, a father's name after ben/bint, a CIN, a date or a year), looks
 * up the most specific keys that carry all of it, narrowed by the birth date
 * or year inside the index, and ranks the candidates with nk_name_score, the
 * birth date (as typed, or with day and month swapped), the father's name,
 * sex and birth place. A look-up that would read more than SRCH_LOOKUP_CAP
 * rows is never read in part: when the query's own names are that common and
 * nothing narrows them, or when more than `limit` persons fit everything
 * typed, the answer is "too broad" with what to add, not an arbitrary list.
 * See docs/internals/search.md.
 */
#ifndef SJ_SEARCH_H
#define SJ_SEARCH_H

#include <jansson.h>
#include <stdbool.h>
#include "core/err.h"
#include "core/id.h"
#include "db/db.h"

#define SRCH_MAX_RESULTS   50     /* results one search returns at most */
#define SRCH_LOOKUP_CAP    250    /* rows one look-up may read; a bigger bucket is "hot" and not read */
#define SRCH_MAX_CANDS     4096   /* distinct candidates gathered at most (power of two) */
#define SRCH_MAX_SCORED    320    /* candidates fetched and scored at most (> SRCH_LOOKUP_CAP) */
#define SRCH_MIN_SCORE     0.5    /* name evidence below this is not a result */
#define SRCH_MAX_QUERY     300    /* bytes of a query */

/* The names of one person, as recorded (any may be NULL). */
typedef struct srch_names {
	const char *first_name_ar, *last_name_ar;
	const char *first_name_lat, *last_name_lat;
	const char *father_name_ar, *father_name_lat;
	const char *mother_name_ar;
	const char *father_name;      /* 0002's free-text father's name, used if the split ones are empty */
	const char *birth_date;       /* YYYY-MM-DD or NULL */
} srch_names;

/* srch_index_person replaces the name keys of person_id by those of n, inside
 * c's write transaction. fresh: the person has no keys yet (skips the delete;
 * bulk import). Names that are not valid UTF-8 give no keys. */
SJ_MUST_USE sj_err srch_index_person(db_conn *c, const char *person_id, const srch_names *n, bool fresh);

/* srch_reindex_person reads person_id's row and re-indexes it (the hook
 * persons_upsert calls). SJ_ENOTFOUND when there is no such person. */
SJ_MUST_USE sj_err srch_reindex_person(db_conn *c, const char *person_id);

/* --- the bulk load of a national register (persons_load_*, persons.h) ---
 *
 * srch_index_bulk writes the keys of n persons that have none yet (ids[i]
 * and names[i]) in one db_copy stream (COPY on PostgreSQL), inside c's write
 * transaction. srch_index_is_empty sets *yes when no person is keyed.
 * srch_index_drop (a load into an empty index, outside a transaction or in
 * a write one) drops the key index; srch_index_build builds it if it is
 * missing (after a bulk load, also one that stopped early) and refreshes the
 * planner's statistics of person_keys (outside a transaction). */
SJ_MUST_USE sj_err srch_index_bulk(db_conn *c, int n, const char *const *ids, const srch_names *names);
/* srch_index_many replaces the name keys of n persons (ids[i], names[i]) in
 * a few statements (a delete per 64 ids, then one db_copy stream): central
 * applying a node's batch of persons, the same keys as srch_index_person. */
SJ_MUST_USE sj_err srch_index_many(db_conn *c, int n, const char *const *ids, const srch_names *names);
SJ_MUST_USE sj_err srch_index_is_empty(db_conn *c, bool *yes);
SJ_MUST_USE sj_err srch_index_drop(db_conn *c);
SJ_MUST_USE sj_err srch_index_build(db_conn *c, bool maintain);

typedef struct srch_query {
	const char *q;             /* names in either script and any order ("alaoui mohamed",
				      "Mohamed ben Ahmed Alaoui"), a CIN ("be 123456"), may
				      carry a date (12/03/1985) or a year (1985) */
	const char *birth_date;    /* YYYY-MM-DD or NULL; also tried with day and month swapped */
	int birth_year;            /* 0 or a year, when only the year is known */
	const char *sex;           /* "M" | "F" | NULL */
	const char *father;        /* father's name or NULL */
	const char *birth_place;   /* or NULL: ranks, does not narrow */
	int limit;                 /* 1..SRCH_MAX_RESULTS */
	bool only_active;          /* unused by persons; reserved */
	const char *exclude_id;    /* a person left out of the answer (its own duplicates), or NULL */
	bool keep_broad;           /* rank a too broad answer all the same (the duplicates of a person) */
} srch_query;

/* srch_persons answers q with a new JSON object (*out, caller decrefs):
 *   {"status": "ok" | "too_broad",
 *    "results": [{"id","cin","first_name_ar","last_name_ar","first_name_lat",
 *                 "last_name_lat","father_name_ar","father_name_lat","birth_date",
 *                 "sex","score","matched":[part...],
 *                 "reasons":[{"code","match",...}...],"evidence":{...}}...],
 *    "understood": {"names","father_in_name","cin"?,"birth_date"?,
 *                   "birth_date_swapped"?,"birth_year"?},
 *    "name_matches": persons found that fit everything typed,
 *    "too_broad": {"code":"too-broad","at_least":N,"ask":[...],
 *                  "message":{"fr","ar"}}   (status too_broad only)}
 * results best first (score, then id: the same order on both databases),
 * empty when too broad. reasons, one per name part typed and per other
 * piece of evidence given:
 *   {"code":"name","part":"first_name"|"last_name","script":"ar"|"lat",
 *    "match":"same"|"spelling"|"script"|"close"|"none"}   script: the record's
 *   {"code":"father","match":"same"|"close"|"differs"|"unknown"}
 *   {"code":"birth","match":"date"|"swapped"|"year"|"near_year"|"differs"|"unknown","year":Y}
 *   {"code":"sex"|"place","match":"same"|"differs"|"unknown"}
 *   {"code":"cin","match":"same"}
 * evidence gives the numbers (0..1) the score averages (weights: name 1,
 * birth 0.4, father 0.3, place 0.15, sex 0.1). Merged persons are answered
 * by their survivor. SJ_EINVAL when q is empty, too long or not UTF-8. c may
 * be in a read or write transaction. */
SJ_MUST_USE sj_err srch_persons(db_conn *c, const srch_query *q, json_t **out);

/* srch_name_similarity scores a typed name against recorded names (for the
 * hit engine): the best nk_name_score over the Arabic and Latin records, 0..1;
 * *parts (may be NULL) receives the NK_PART_* bits matched. */
double srch_name_similarity(const char *query, const srch_names *n, unsigned *parts);

/* srch_name_keys calls fn(key, ctx) for every distinct index key of the
 * names in n (single keys and pairs), for other indexes (wanted notices). */
SJ_MUST_USE sj_err srch_name_keys(const srch_names *n, void (*fn)(const char *key, void *ctx), void *ctx);
/* srch_query_keys calls fn for every lookup key of a typed query. */
SJ_MUST_USE sj_err srch_query_keys(const char *q, void (*fn)(const char *key, void *ctx), void *ctx);

#endif
