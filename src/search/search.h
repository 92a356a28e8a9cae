/* search.h — the national person index: one person, many spellings.
 *
 * Every person's names (first, last, father, mother; Arabic and Latin script)
 * are turned into cross-script keys by the text module (text/namekey.h) and
 * stored as rows (key, birth_date, person_id, field) in person_keys, indexed
 * on (key, birth_date). A search parses the query the same way, looks up its
 * keys — pairs of two name parts first ("mhmd|lw" is selective where "mhmd"
 * is a hot bucket), narrowed by the date of birth inside the index when one
 * is given — never scans a hot bucket past SRCH_BUCKET_CAP rows, and ranks
 * the candidates with nk_name_score, the date of birth, sex and father's
 * name. See docs/internals/search.md.
 */
#ifndef SJ_SEARCH_H
#define SJ_SEARCH_H

#include <jansson.h>
#include <stdbool.h>
#include "core/err.h"
#include "core/id.h"
#include "db/db.h"

#define SRCH_MAX_RESULTS   50     /* results one search returns at most */
#define SRCH_BUCKET_CAP    2000   /* rows read from one key without a date of birth */
#define SRCH_DOB_CAP       200    /* rows read from one (key, birth_date) */
#define SRCH_MAX_CANDS     4096   /* distinct candidates gathered at most */
#define SRCH_MAX_SCORED    250    /* candidates fetched and scored at most */
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
	const char *q;             /* a name in either script, or a CIN */
	const char *birth_date;    /* YYYY-MM-DD or NULL */
	const char *sex;           /* "M" | "F" | NULL */
	const char *father;        /* father's name or NULL */
	int limit;                 /* 1..SRCH_MAX_RESULTS */
	bool only_active;          /* unused by persons; reserved */
	const char *exclude_id;    /* a person left out of the answer (its own duplicates), or NULL */
} srch_query;

/* srch_persons answers q with a new JSON array (*out, caller decrefs) of
 * {"id","cin","first_name_ar","last_name_ar","first_name_lat","last_name_lat",
 *  "birth_date","sex","score","matched":[...]} ordered best first. Merged
 * persons are answered by their survivor. SJ_EINVAL when q is empty, too long
 * or not UTF-8. c may be in a read or write transaction. */
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
