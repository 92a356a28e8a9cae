/* seizure.h — seized items (المحجوزات): each sealed with a number, described,
 * stored, and every transfer of custody appended to its chain (from, to,
 * when, why). They travel with the file to the prosecutor (art 23).
 */
#ifndef SJ_SEIZURE_H
#define SJ_SEIZURE_H

#include <jansson.h>
#include "cases/cases.h"
#include "core/actor.h"
#include "core/err.h"
#include "db/db.h"

#define SEIZURE_MAX_WEIGHT_MG (1000LL * 1000 * 1000 * 1000) /* a seized weight: up to 1,000 tonnes */
/* The seized item (as recorded and read, with its chain) and a link of the
 * chain (a transfer: the body of POST /seizures/{id}/transfers and its row). */
extern const rec_desc seizure_rec, seizure_transfer_rec, seizure_fate_rec;

/* seizure_create records an item in open case case_id (409 "case-not-open")
 * from in (a seizure body); a seal number already used in the unit is 409
 * "seal-number-taken"; the PV that records it is required (422
 * "seizure-needs-pv", issue 17 item 8): a search, seizure or arrest and
 * custody PV ("seizure-pv-wrong-type") of the same case ("seizure-pv-not-in-case");
 * a seizure time in the future 422 "seizure-in-future".
 * The chain starts with a transfer "seized" → holder. *out: the item. */
SJ_MUST_USE sj_err seizure_create(db_conn *c, const sj_actor *a, const char *case_id, json_t *in, json_t **out,
				  const char **why);
/* seizure_transfer appends a link to the chain of custody from in (a
 * seizure_transfer body; from: the current holder) and updates the holder
 * and, when given, the storage place. 422 "transfer-out-of-order" (before
 * the last link or in the future), "transfer-same-holder". *out: the item. */
SJ_MUST_USE sj_err seizure_transfer(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out,
				    const char **why);
/* seizure_decide_fate records once (409 "seizure-fate-recorded") the
 * judicial authority's decision on item id from in (a seizure_fate body:
 * restitution — to whom, required —, destruction or confiscation, its
 * reference and date, not after today: 422 "seizure-fate-in-future").
 * Issue 17 item 8; the item's category (drugs: substance and weight
 * required), from whom (a person of the case: 422
 * "seizure-person-not-in-case") and where are recorded at creation.
 * *out: the item. */
SJ_MUST_USE sj_err seizure_decide_fate(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out,
				       const char **why);
/* seizure_known returns in *out (a new array) the seized items of every unit
 * whose IMEI or plate is imei or plate (canonical forms, ident.h; either may
 * be NULL): [{"id", "seal_no", "case_id", "case_number", "unit_id",
 * "unit"}]. The desk's hit engine asks it when a phone or a vehicle is
 * declared lost or stolen after it was seized. */
SJ_MUST_USE sj_err seizure_known(db_conn *c, const char *imei, const char *plate, json_t **out);
/* seizure_get returns the item with its chain as a new object. */
SJ_MUST_USE sj_err seizure_get(db_conn *c, const char *id, json_t **out);
/* seizure_read returns item id for the actor: SJ_ENOTFOUND
 * "seizure-not-found", SJ_EFORBIDDEN. */
SJ_MUST_USE sj_err seizure_read(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why);
/* seizure_deposit_on_referral deposits at the court registry (registry:
 * the registry's name as the chain records it) every item of case case_id
 * still held — no fate decided, not already there — when the file is
 * referred (CPP 23: the seized items travel with the file): a link of the
 * chain from the holder to the registry at at, the holder and storage place
 * moved. *deposited: how many. Inside the caller's write transaction. */
SJ_MUST_USE sj_err seizure_deposit_on_referral(db_conn *c, const sj_actor *a, const char *case_id,
					       const char *registry, int64_t at, int64_t *deposited);
/* seizure_list_case returns the case's items, each with its chain. */
SJ_MUST_USE sj_err seizure_list_case(db_conn *c, const char *case_id, json_t **out);

#endif
