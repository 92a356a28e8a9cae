/* settings.h — what belongs to the database, not to the process: limits and
 * thresholds an administrator changes at run time (`sijill settings`, the
 * admin page), each change audited with its old and new value.
 *
 * The catalogue (catalogue.c) is the one description of every setting: key,
 * default, unit, range and a sentence for people. Code reads a setting with
 * settings_int(); a value not set in the database is its default. Nothing
 * outside this module reads or writes the `settings` or `node_state` tables.
 *
 * Node state (settings_state_*) is bookkeeping that sijill itself maintains,
 * never an operator: the exchange with central keeps "exchange.last_ack_seq"
 * and "exchange.last_ack_at" there, and `sijill restore` reads them.
 */
#ifndef SJ_SETTINGS_H
#define SJ_SETTINGS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/err.h"
#include "core/record.h"
#include "db/db.h"

#define SETTINGS_KEY_MAX 64       /* bytes of a key */
#define SETTINGS_VALUE_MAX 32     /* bytes of a value as text */

/* One setting. All values are integers today (counts, seconds, days). */
typedef struct settings_def {
	const char *key;          /* "lookup.max_per_minute" */
	int64_t dflt;
	int64_t min, max;         /* inclusive */
	const char *unit;         /* "look-ups per minute", "seconds", ... (CLI, logs) */
	const char *unit_fr;      /* the unit for the admin page */
	const char *unit_ar;
	const char *summary_fr;   /* one sentence for the admin page */
	const char *summary_ar;
} settings_def;

/* The records of the settings routes (settings.c): one setting as shown,
 * the list, and the body of a change ({"value": N} or {"reset": true}; value
 * is read by settings_parse so a refusal names the allowed range). */
extern const rec_desc settings_item_rec;
extern const rec_desc settings_list_rec;
extern const rec_desc settings_put_rec;

/* The catalogue: append a row in catalogue.c to declare a setting. */
extern const settings_def settings_catalogue[];
extern const size_t settings_catalogue_count;

/* settings_find returns the catalogue row of key, or NULL when unknown. */
const settings_def *settings_find(const char *key);

/* settings_int returns the value of key in the database, or its default when
 * it is not set, cannot be read, or is out of range (a value written by hand
 * with SQL). key must be in the catalogue (abort() otherwise: a bug). Runs
 * inside or outside c's transaction and never aborts it. */
int64_t settings_int(db_conn *c, const char *key);

/* settings_parse reads text as a value of def: a decimal integer within
 * [min, max]. On failure returns false and writes a message a person can act
 * on into why (e.g. "lookup.max_per_minute must be a whole number from 1 to
 * 10000 (look-ups per minute); got \"abc\""). */
bool settings_parse(const settings_def *def, const char *text, int64_t *out, char *why, size_t whysz);

/* settings_set stores value for key inside c's write transaction (the caller
 * audits and commits) and reports the effective value before (*old, and
 * *was_default when it came from the catalogue). SJ_ENOTFOUND for an
 * unknown key; SJ_EINVAL when value is out of range (nothing is written). */
SJ_MUST_USE sj_err settings_set(db_conn *c, const char *key, int64_t value, int64_t *old, bool *was_default);

/* settings_reset removes a stored value so the default applies again; as
 * settings_set for *old / *was_default. */
SJ_MUST_USE sj_err settings_reset(db_conn *c, const char *key, int64_t *old, bool *was_default);

/* settings_json returns the setting as a new object {"key","value","default",
 * "min","max","unit","unit_fr","unit_ar","summary_fr","summary_ar","is_default"}. */
SJ_MUST_USE sj_err settings_json(db_conn *c, const settings_def *def, json_t **out);
/* settings_list returns every setting of the catalogue as a new JSON array
 * (as settings_json), in catalogue order. */
SJ_MUST_USE sj_err settings_list(db_conn *c, json_t **out);

/* settings_change_detail returns the audit detail of a change (new object):
 * {"key","old","new","old_was_default"}; new_is_default for a reset. */
json_t *settings_change_detail(const char *key, int64_t old, bool was_default, int64_t value, bool reset);

/* --- node state: written by sijill's own machinery (the exchange) --- */

/* settings_state_get reads node-state key into *out; *found is false (and
 * *out 0) when no row exists. */
SJ_MUST_USE sj_err settings_state_get(db_conn *c, const char *key, int64_t *out, bool *found);
/* settings_state_set writes node-state key inside c's write transaction. */
SJ_MUST_USE sj_err settings_state_set(db_conn *c, const char *key, int64_t value, int64_t now_ms);

/* The node-state key the exchange keeps: the highest outbox sequence central
 * has acknowledged, and when. */
#define SETTINGS_STATE_LAST_ACK_SEQ "exchange.last_ack_seq"
#define SETTINGS_STATE_LAST_ACK_AT "exchange.last_ack_at"

#endif
