/* lookup.h — national look-ups (loi 09-08): the person search across Arabic
 * and Latin spellings and the full-text search of cases, each with a stated
 * purpose, rate-limited per user, the person search checked against the
 * registers (the look-up itself is an entry for the hit engine), and the
 * auditors' flags of unusual volumes.
 *
 * The unit of work of GET /persons/search and GET /search/cases, so that any
 * caller (HTTP, the exchange) looks up the same way: lookup calls search
 * (search.h, fts.h), registers and the audit log's flags; the caller audits
 * the look-up with its purpose in the same transaction.
 */
#ifndef SJ_LOOKUP_H
#define SJ_LOOKUP_H

#include <jansson.h>
#include <stdint.h>
#include "core/actor.h"
#include "core/err.h"
#include "core/record.h"
#include "db/db.h"

#define LOOKUP_WINDOW_MS   (60LL * 1000)          /* rate-limit window */
#define LOOKUP_MAX_DEFAULT 30                     /* look-ups per user per window */
#define FLAG_WINDOW_MS     (24LL * 60 * 60 * 1000)
#define FLAG_MAX_DEFAULT   200                    /* look-ups per user per day before a flag */
#define LOOKUP_DEFAULT_RESULTS 10
#define LOOKUP_FTS_WINDOW  500                    /* full-text matches a page may be cut from */

/* The answers: a person search, a full-text search, the flags. */
extern const rec_desc lookup_persons_rec, lookup_cases_rec, lookup_flags_rec;

typedef struct lookup_query {
	const char *q;             /* a name in either script, or a CIN (checked by the caller: 1..300 bytes) */
	const char *purpose;       /* why (3..SJ_MAX_PURPOSE bytes) */
	const char *birth_date;    /* YYYY-MM-DD or NULL */
	const char *sex;           /* "M" | "F" | NULL */
	const char *father;        /* or NULL */
	int birth_year;            /* 0 or a year, when only the year is known */
	const char *birth_place;   /* or NULL: ranks, does not narrow */
	int limit;
	db_conn *reader;           /* where the search itself reads: a standby (db_read_uri), or NULL: c */
} lookup_query;

/* lookup_persons answers a national person search for the actor: the
 * purpose is required (SJ_EINVAL "purpose-required"); the actor's look-ups
 * in the window are counted, over the limit (the setting
 * lookup.max_per_minute) SJ_ELIMIT "rate-limited" with *retry_s (the count
 * stays: the caller commits it with the refusal); a query that is not a
 * usable name is SJ_EINVAL "query-not-a-name". The look-up is checked
 * against the registers. *out: srch_persons' answer ({"status": "ok" |
 * "too_broad", "results": [person_match], "too_broad"?, "understood",
 * "name_matches"}) with "alerts": [...]. */
SJ_MUST_USE sj_err lookup_persons(db_conn *c, const sj_actor *a, const lookup_query *q, json_t **out,
				  const char **why, int64_t *retry_s);
/* lookup_count counts one national look-up of the actor in the window (the
 * counter every look-up shares): over the limit SJ_ELIMIT "rate-limited"
 * with *retry_s (the caller commits the count with the refusal). */
SJ_MUST_USE sj_err lookup_count(db_conn *c, const sj_actor *a, const char **why, int64_t *retry_s);
/* lookup_cases answers a full-text search of case summaries and PVs in the
 * actor's scope (national roles: everywhere), purpose required and counted
 * as a look-up as above; SJ_EINVAL "query-no-words". The page is results
 * offset .. offset + limit of the best LOOKUP_FTS_WINDOW matches.
 * *out: {"results": [...], "offset", "limit"}. */
SJ_MUST_USE sj_err lookup_cases(db_conn *c, const sj_actor *a, const lookup_query *q, int limit, int64_t offset,
				json_t **out, const char **why, int64_t *retry_s);
/* lookup_duplicates answers GET /persons/{id}/duplicates as a national
 * look-up: purpose required ("purpose-required"), counted on the look-up
 * limit, then persons_duplicates (its scope rule: the actor may merge id). */
SJ_MUST_USE sj_err lookup_duplicates(db_conn *c, const sj_actor *a, const char *id, const char *purpose, json_t **out,
				     const char **why, int64_t *retry_s);
/* lookup_link gates a national look-up by link: a person of another unit,
 * never had in the actor's scope, added to a case by CIN or id (cases.h,
 * case_person_add). The purpose is required (SJ_EINVAL "purpose-required");
 * counted on the look-up limit shared with the searches (SJ_ELIMIT
 * "rate-limited" with *retry_s). The caller audits it with its subject as
 * "case.person.lookup", which the flags count with the searches. */
SJ_MUST_USE sj_err lookup_link(db_conn *c, const sj_actor *a, const char *purpose, const char **why,
			       int64_t *retry_s);
/* lookup_flags lists the users whose look-ups (person and full-text searches,
 * additions by CIN) in the last day exceed
 * the setting lookup.flag_per_day: {"flags": [...], "threshold", "window_ms"}. */
SJ_MUST_USE sj_err lookup_flags(db_conn *c, db_conn *reader, json_t **out);

#endif
