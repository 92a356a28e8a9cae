/* fts.h — full-text search over case summaries and PVs, Arabic and French,
 * on the same normalised text as names (text/norm.h): SQLite FTS5, or
 * PostgreSQL full text ('simple' configuration over the normalised body).
 *
 * The catalogue fts_docs says what is indexed and for which unit; fts_sync
 * catches up with cases and PVs written since the last call (it is called
 * before each search, inside the caller's write transaction), so the cases
 * module needs no hook. Results are filtered by the caller's unit scope.
 */
#ifndef SJ_SEARCH_FTS_H
#define SJ_SEARCH_FTS_H

#include <jansson.h>
#include "core/err.h"
#include "db/db.h"

#define FTS_SYNC_BATCH 2000   /* documents indexed per fts_sync call at most */

/* fts_sync indexes new and changed case summaries and PVs (up to
 * FTS_SYNC_BATCH of each) inside c's write transaction. */
SJ_MUST_USE sj_err fts_sync(db_conn *c);

/* fts_search returns a new array of {"case_id","number","kind","unit",
 * "snippet"} best first, for documents whose home unit's path starts with
 * scope_path (NULL: national). SJ_EINVAL when q has no words. */
SJ_MUST_USE sj_err fts_search(db_conn *c, const char *q, const char *scope_path, int limit, json_t **out);

#endif
