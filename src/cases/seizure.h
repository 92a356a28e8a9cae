/* seizure.h — seized items (المحجوزات): each sealed with a number, described,
 * stored, and every transfer of custody appended to its chain (from, to,
 * when, why). They travel with the file to the prosecutor (art 23).
 */
#ifndef SJ_SEIZURE_H
#define SJ_SEIZURE_H

#include <jansson.h>
#include "auth/auth.h"
#include "cases/cases.h"
#include "core/err.h"
#include "db/db.h"

typedef struct seizure_new {
	const char *seal_no, *description, *quantity, *storage_place, *holder, *pv_id;
	int64_t seized_at;    /* 0: now */
} seizure_new;

/* seizure_create records an item in case r; a seal number already used in
 * the unit is SJ_ECONFLICT. The chain starts with a transfer "seized" →
 * holder. */
SJ_MUST_USE sj_err seizure_create(db_conn *c, const auth_user *u, case_ref *r, const seizure_new *in,
				  char id[ID_LEN + 1], const char **why);
/* seizure_case_id finds the case of seizure id; SJ_ENOTFOUND. */
SJ_MUST_USE sj_err seizure_case_id(db_conn *c, const char *id, char case_id[ID_LEN + 1]);
/* seizure_transfer appends a link to the chain of custody (from: the current
 * holder) and updates the holder and, when given, the storage place. */
SJ_MUST_USE sj_err seizure_transfer(db_conn *c, const auth_user *u, const case_ref *r, const char *id,
				    const char *to, const char *reason, const char *storage_place, int64_t at,
				    const char **why);
/* seizure_get returns the item with its chain as a new object. */
SJ_MUST_USE sj_err seizure_get(db_conn *c, const char *id, json_t **out);
/* seizure_list_case returns the case's items, each with its chain. */
SJ_MUST_USE sj_err seizure_list_case(db_conn *c, const char *case_id, json_t **out);

#endif
