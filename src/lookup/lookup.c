/* lookup.c — national look-ups (see lookup.h). */
#include "lookup/lookup.h"

#include "settings/settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "cases/cases.h"
#include "core/clock.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "persons/persons.h"
#include "registers/registers.h"
#include "search/fts.h"
#include "search/search.h"

/* ------------------------------------------------------------ the answers */

/* what the engine read in the query besides the names (srch_persons) */
#define UNDERSTOOD_FIELDS(X) \
	X(V, names, INT, 0, 0, NULL, OUT) \
	X(V, father_in_name, BOOL, 0, 0, NULL, OUT) \
	X(V, cin, CIN, 1, SJ_MAX_CIN_TYPED, NULL, OUT | PII) \
	X(V, birth_date, DATE, 0, 10, NULL, OUT | PII) \
	X(V, birth_date_swapped, DATE, 0, 10, NULL, OUT | PII) \
	X(V, birth_year, INT, 0, 0, NULL, OUT | PII)
static const rec_field understood_fields[] = {UNDERSTOOD_FIELDS(REC_FIELD)};
static const rec_desc understood_rec = REC_DESC("search_understood", NULL, understood_fields, NULL);

/* a query too broad to rank: what would narrow it, and the message */
#define TOO_BROAD_FIELDS(X) \
	X(V, code, CODE, 1, SJ_MAX_REFERENCE, NULL, OUT) \
	X(V, at_least, INT, 0, 0, NULL, OUT) \
	X(V, ask, ARRAY, 0, 8, NULL, OUT) \
	X(V, message, ANY, 0, 0, NULL, OUT)
static const rec_field too_broad_fields[] = {TOO_BROAD_FIELDS(REC_FIELD)};
static const rec_desc too_broad_rec = REC_DESC("search_too_broad", NULL, too_broad_fields, NULL);

REC_ENUM_DEF(search_statuses, "search_status", "ok", "too_broad");
/* on a node: who answered a national look-up (central online, or the node's copy) */
REC_ENUM_DEF(search_sources, "search_source", "central", "node");

#define PERSONS_FIELDS(X) \
	X(V, status, ENUM, 0, 0, &search_statuses, OUT) \
	X(V, results, ARRAY, 0, SRCH_MAX_RESULTS, &person_match_rec, OUT) \
	X(V, too_broad, OBJECT, 0, 0, &too_broad_rec, OUT) \
	X(V, understood, OBJECT, 0, 0, &understood_rec, OUT) \
	X(V, name_matches, INT, 0, 0, NULL, OUT) \
	X(V, alerts, ARRAY, 0, SJ_MAX_ALERTS, &reg_alert_rec, OUT) \
	X(V, source, ENUM, 0, 0, &search_sources, OUT) \
	X(V, copy_as_of, TIME, 0, 0, NULL, OUT) \
	X(V, copy_age_s, INT, 0, 0, NULL, OUT)
static const rec_field persons_fields[] = {PERSONS_FIELDS(REC_FIELD)};
const rec_desc lookup_persons_rec = REC_DESC("person_search", NULL, persons_fields, NULL);

#define CASE_HIT_FIELDS(X) \
	X(V, case_id, ID, 0, 36, NULL, OUT) \
	X(V, number, CODE, 1, SJ_MAX_REFERENCE, NULL, OUT) \
	X(V, kind, CODE, 1, SJ_MAX_REFERENCE, NULL, OUT) \
	X(V, unit, CODE, 1, SJ_MAX_REFERENCE, NULL, OUT) \
	X(V, snippet, TEXT, 0, SJ_MAX_SHORT_TEXT, NULL, OUT | PII)
static const rec_field case_hit_fields[] = {CASE_HIT_FIELDS(REC_FIELD)};
static const rec_desc case_hit_rec = REC_DESC("case_match", NULL, case_hit_fields, NULL);

#define CASES_FIELDS(X) \
	X(V, results, ARRAY, 0, SJ_MAX_PAGE, &case_hit_rec, OUT) \
	X(V, offset, INT, 0, 0, NULL, OUT) \
	X(V, limit, INT, 0, 0, NULL, OUT)
static const rec_field cases_fields[] = {CASES_FIELDS(REC_FIELD)};
const rec_desc lookup_cases_rec = REC_DESC("case_search", NULL, cases_fields, NULL);

#define FLAG_FIELDS(X) \
	X(V, actor_id, ID, 0, 36, NULL, OUT) \
	X(V, badge, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(V, unit, CODE, 1, SJ_MAX_REFERENCE, NULL, OUT) \
	X(V, lookups, INT, 0, 0, NULL, OUT) \
	X(V, reason, CODE, 1, SJ_MAX_REFERENCE, NULL, OUT)
static const rec_field flag_fields[] = {FLAG_FIELDS(REC_FIELD)};
static const rec_desc flag_rec = REC_DESC("lookup_flag", NULL, flag_fields, NULL);

#define FLAGS_FIELDS(X) \
	X(V, flags, ARRAY, 0, AUDIT_FLAGS_MAX, &flag_rec, OUT) \
	X(V, threshold, INT, 0, 0, NULL, OUT) \
	X(V, window_ms, INT, 0, 0, NULL, OUT)
static const rec_field flags_fields[] = {FLAGS_FIELDS(REC_FIELD)};
const rec_desc lookup_flags_rec = REC_DESC("lookup_flags", NULL, flags_fields, NULL);

/* ------------------------------------------------------------ look-ups */

static bool purpose_ok(const char *p)
{
	return p && strlen(p) >= 3 && strlen(p) <= SJ_MAX_PURPOSE;
}

sj_err lookup_count(db_conn *c, const sj_actor *a, const char **why, int64_t *retry_s)
{
	/* one look-up counted per user per window, before anything is read */
	char key[ID_LEN + 16];
	snprintf(key, sizeof key, "lookup:%s", a->id ? a->id : "");
	int64_t now = clock_now_ms(), count = 0, start = now;
	sj_err e = auth_rate_count(c, key, now, LOOKUP_WINDOW_MS, &count, &start);
	if (e)
		return e;
	if (count > settings_int(c, "lookup.max_per_minute")) {
		*retry_s = (start + LOOKUP_WINDOW_MS - now) / 1000 + 1;
		*why = "rate-limited";
		return SJ_ELIMIT;
	}
	return SJ_OK;
}

sj_err lookup_persons(db_conn *c, const sj_actor *a, const lookup_query *q, json_t **out, const char **why,
		      int64_t *retry_s)
{
	*out = NULL;
	if (!purpose_ok(q->purpose)) {
		*why = "purpose-required";
		return SJ_EINVAL;
	}
	sj_err e = lookup_count(c, a, why, retry_s);
	if (e)
		return e;
	srch_query sq = {.q = q->q, .birth_date = q->birth_date, .birth_year = q->birth_year, .sex = q->sex,
			 .father = q->father, .birth_place = q->birth_place,
			 .limit = q->limit ? q->limit : LOOKUP_DEFAULT_RESULTS};
	json_t *answer = NULL, *alerts = json_array();
	/* the search may read a standby; the counter, the hit check and the
	 * audit entry stay on the primary, in c */
	e = alerts ? srch_persons(q->reader ? q->reader : c, &sq, &answer) : SJ_ENOMEM;
	if (e == SJ_EINVAL)
		*why = "query-not-a-name";
	/* a minor victim is named only to those who work the case (cases.h,
	 * issue 17 item 4): masked in the results of anyone else */
	size_t i;
	json_t *o;
	json_array_foreach(e ? NULL : json_object_get(answer, "results"), i, o) {
		bool masked = false;
		const char *pid = json_string_value(json_object_get(o, "id"));
		if (pid && (e = case_person_masked(c, a, pid, &masked)))
			break;
		if (masked)
			case_person_mask(o);
	}
	/* the look-up itself is checked against the registers (hit engine) */
	e = e ? e : reg_check_lookup(c, a, q->q, q->birth_date, alerts);
	/* the answer (results or "too broad", with what the engine understood)
	 * and the hits on the registers; alerts is stolen, also on failure */
	if (!e) {
		int rc = json_object_set_new(answer, "alerts", alerts);
		alerts = NULL;
		e = rc ? SJ_ENOMEM : SJ_OK;
	}
	if (e) {
		json_decref(answer);
		json_decref(alerts);
		return e;
	}
	*out = answer;
	return SJ_OK;
}

sj_err lookup_cases(db_conn *c, const sj_actor *a, const lookup_query *q, int limit, int64_t offset, json_t **out,
		    const char **why, int64_t *retry_s)
{
	*out = NULL;
	if (!purpose_ok(q->purpose)) {
		*why = "purpose-required";
		return SJ_EINVAL;
	}
	/* the same limit as the person search, on the same counter */
	sj_err e = lookup_count(c, a, why, retry_s);
	if (e)
		return e;
	json_t *hits = NULL;
	/* a page is cut from the best LOOKUP_FTS_WINDOW matches: beyond it the
	 * query should be narrowed, not paged through */
	int64_t want = offset + limit;
	if (want > LOOKUP_FTS_WINDOW)
		want = LOOKUP_FTS_WINDOW;
	e = fts_sync(c);
	e = e ? e : fts_search(c, q->q, a->national ? NULL : a->unit_path, (int)want, &hits);
	if (e == SJ_EINVAL)
		*why = "query-no-words";
	if (e)
		return e;
	json_t *page = json_array();
	for (size_t i = (size_t)offset; page && i < json_array_size(hits) && (int64_t)i < offset + limit; i++)
		json_array_append(page, json_array_get(hits, i));
	json_decref(hits);
	*out = page ? json_pack("{s:o,s:I,s:i}", "results", page, "offset", (json_int_t)offset, "limit", limit) : NULL;
	return *out ? SJ_OK : SJ_ENOMEM;
}

sj_err lookup_duplicates(db_conn *c, const sj_actor *a, const char *id, const char *purpose, json_t **out,
			 const char **why, int64_t *retry_s)
{
	*out = NULL;
	if (!purpose_ok(purpose)) {
		*why = "purpose-required";
		return SJ_EINVAL;
	}
	sj_err e = lookup_count(c, a, why, retry_s);
	return e ? e : persons_duplicates(c, a, id, out, why);
}

sj_err lookup_link(db_conn *c, const sj_actor *a, const char *purpose, const char **why, int64_t *retry_s)
{
	if (!purpose_ok(purpose)) {
		*why = "purpose-required";
		return SJ_EINVAL;
	}
	return lookup_count(c, a, why, retry_s);
}

sj_err lookup_flags(db_conn *c, db_conn *reader, json_t **out)
{
	*out = NULL;
	int64_t max = settings_int(c, "lookup.flag_per_day");
	json_t *flags = NULL;
	/* person searches, full-text searches and national look-ups by CIN
	 * count together (audit_flags_lookups, audit/lookups.c) */
	sj_err e = audit_flags_lookups(reader ? reader : c, clock_now_ms() - FLAG_WINDOW_MS, max, &flags);
	if (e)
		return e;
	size_t i;
	json_t *f;
	json_array_foreach(flags, i, f) json_object_set_new(f, "reason", json_string("unusual-lookup-volume"));
	*out = json_pack("{s:o,s:I,s:I}", "flags", flags, "threshold", (json_int_t)max, "window_ms",
			 (json_int_t)FLAG_WINDOW_MS);
	return *out ? SJ_OK : SJ_ENOMEM;
}
