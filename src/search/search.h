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
#define SRCH_LOAD_PRELOAD  5000000 /* persons whose CINs a bulk load reads up front */
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

/* srch_import_person stores one person read by `sijill import persons` (p is a
 * validated object of the import contract; see cli/import.c) with the
 * semantics of persons_upsert: a known CIN resolves to the same person and
 * only its empty fields are filled; the keys are (re)indexed. *created tells
 * whether a row was made. */
SJ_MUST_USE sj_err srch_import_person(db_conn *c, json_t *p, const char *home_unit_id,
				      char id_out[ID_LEN + 1], bool *created);

/* srch_validate_person checks one import line; returns NULL when good, or a
 * static message naming the first problem. */
const char *srch_validate_person(json_t *p);

/* --- bulk loading (`sijill import persons`): the same semantics as
 * srch_import_person, line after line, at a national register's scale ---
 *
 *     srch_loader *l; if (srch_load_begin(c, unit_id, &l)) fail;
 *     per batch: db_begin(c, DB_WRITE); per line srch_load_person(l, p, &made);
 *                srch_load_flush(l); audit; db_commit(c);
 *     srch_load_end(l);   (always, also after a failure)
 *
 * srch_load_begin (outside a transaction) reads the CINs already stored (up
 * to SRCH_LOAD_PRELOAD persons) and, when the index is empty, drops the key
 * index, which srch_load_end builds once at the end. srch_load_person (in a
 * write transaction) resolves a known CIN to the same person (its empty
 * fields filled, at once) and keeps a new person in memory; *created as for
 * srch_import_person. srch_load_flush writes the persons kept (db_copy:
 * COPY on PostgreSQL), then their keys; call it before the audit entry and
 * the commit of each batch. srch_load_end (outside a transaction) builds
 * what begin dropped (also when the load stopped early: committed batches
 * stay searchable), refreshes the planner's statistics and frees l. */
typedef struct srch_loader srch_loader;
SJ_MUST_USE sj_err srch_load_begin(db_conn *c, const char *home_unit_id, srch_loader **out);
SJ_MUST_USE sj_err srch_load_person(srch_loader *l, json_t *p, bool *created);
SJ_MUST_USE sj_err srch_load_flush(srch_loader *l);
SJ_MUST_USE sj_err srch_load_end(srch_loader *l);
/* srch_load_is_bulk: the load builds the key index at its end. */
bool srch_load_is_bulk(const srch_loader *l);

/* --- merge and unmerge (authorised roles only; checked by the caller) --- */

/* srch_duplicates lists candidate duplicates of person_id (same name keys,
 * ranked with date of birth and parents' names) as a new JSON array of
 * {"id", names..., "score", "reasons":[part matched...]} (reasons: the
 * strings of srch_persons' "matched"). */
SJ_MUST_USE sj_err srch_duplicates(db_conn *c, const char *person_id, int limit, json_t **out);

/* srch_merge records that merged_id is the same person as survivor_id:
 * merged_id's row stays (and every mention of it), marked merged_into.
 * SJ_ECONFLICT when either is already merged or they are the same;
 * SJ_ENOTFOUND when one does not exist. merge_id receives the history row. */
SJ_MUST_USE sj_err srch_merge(db_conn *c, const char *survivor_id, const char *merged_id,
			      const char *reason, const char *actor_id, char merge_id[ID_LEN + 1]);
/* srch_unmerge undoes merge merge_id (its history row is kept, marked undone).
 * SJ_ENOTFOUND / SJ_ECONFLICT (already undone). */
SJ_MUST_USE sj_err srch_unmerge(db_conn *c, const char *merge_id, const char *reason, const char *actor_id);

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
