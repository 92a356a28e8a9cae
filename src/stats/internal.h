/* internal.h — what the files of src/stats share (nothing outside src/stats
 * includes it): legal days as YYYYMMDD, the counting rules as loaded, a row
 * of facts and the predicate that counts it, the units of a scope. */
#ifndef SJ_STATS_INTERNAL_H
#define SJ_STATS_INTERNAL_H

#include "stats/stats.h"

#include <jansson.h>
#include "org/units.h"

/* a period's bounds in SQL over UTC ms: [from, to) */
#define IN_PERIOD(col) col " >= ? AND " col " < ?"

static inline const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static inline int64_t jint(json_t *o, const char *k)
{
	return (int64_t)json_integer_value(json_object_get(o, k));
}

/* --- legal days (period.c) --- */
/* stats_ymd makes YYYYMMDD; stats_days_in_month the Gregorian month's length. */
int64_t stats_ymd(int y, int m, int d);
int stats_days_in_month(int y, int m);
/* stats_day_ms: the UTC ms of 00:00 legal time of day (YYYYMMDD). */
int64_t stats_day_ms(int64_t day);
/* stats_day_add moves day by n days (n may be negative). */
int64_t stats_day_add(int64_t day, int n);
/* stats_day_text writes day as "YYYY-MM-DD". */
void stats_day_text(int64_t day, char out[11]);

/* --- the counting rules (stats.c) --- */
enum { BASIS_REG = 0, BASIS_OCC = 1, BASIS_REF = 2 };
enum { UNIT_CASE = 0, UNIT_LINE = 1, UNIT_VICTIM = 2 };

typedef struct rule {
	int64_t from, to; /* legal days, inclusive */
	const char *code, *version;
	int basis, headline;
	bool or_presented, count_cancelled;
	int64_t threshold;
} rule;

typedef struct rules {
	json_t *list; /* owns the strings */
	rule r[64];
	size_t n;
} rules;
/* stats_rules_load reads the current version's rules (refdata.h) into *out
 * (stats_rules_free releases them); stats_rule_at: the rule in force on day,
 * NULL when none. */
SJ_MUST_USE sj_err stats_rules_load(db_conn *c, rules *out);
void stats_rules_free(rules *rs);
const rule *stats_rule_at(const rules *rs, int64_t day);

/* A row of facts as the rollup and the facts queries return it. */
typedef struct frow {
	const char *unit_id, *cls, *category;
	int64_t month, cancelled, suspect, referred, presented;
	int64_t n, lines, victims, victims1, arrested, flagrant, minors, foreigners, reclassified, flagged;
} frow;
/* stats_counted is the one predicate of the counting rules: the row's weight
 * under r (0: not counted) and whether it is cleared. */
int64_t stats_counted(const rule *r, const frow *f, bool *cleared);

/* The units of the scope: id → the code of the child of the scope unit it
 * rolls into ("" for the scope unit itself); codes → names. */
typedef struct scope {
	unit_info unit;
	bool national;
	json_t *into;     /* id → child code */
	json_t *children; /* code → {code, name_fr, name_ar} */
	json_t *ids;      /* array of the ids in scope */
} scope;
/* stats_scope_load fills *s for unit_code (NULL: the actor's unit); errors as
 * stats_figures. stats_scope_free releases it; stats_in_scope: the row's
 * unit_id lies in the scope. */
SJ_MUST_USE sj_err stats_scope_load(db_conn *c, const sj_actor *a, const char *unit_code, scope *s, const char **why);
void stats_scope_free(scope *s);
bool stats_in_scope(const scope *s, json_t *row);

#endif
