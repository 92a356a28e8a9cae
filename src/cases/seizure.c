/* seizure.c — seized items and their chain of custody (see seizure.h). */
#include "cases/seizure.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "db/dbj.h"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static const char sql_add[] =
	"INSERT INTO seizures (id, case_id, unit_id, seal_no, description, quantity, storage_place, holder, pv_id,"
	" seized_at, recorded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char sql_link[] =
	"INSERT INTO seizure_transfers (id, seizure_id, seq, from_holder, to_holder, at, reason, recorded_by)"
	" VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM seizure_transfers WHERE seizure_id = ?), ?, ?, ?, ?, ?)";
static const char sql_seal_used[] = "SELECT COUNT(*) FROM seizures WHERE unit_id = ? AND seal_no = ?";
static const char sql_pv_of_case[] = "SELECT COUNT(*) FROM pvs WHERE id = ? AND case_id = ?";

sj_err seizure_create(db_conn *c, const auth_user *u, case_ref *r, const seizure_new *in, char id[ID_LEN + 1],
		      const char **why)
{
	if (!case_is_open(r)) {
		*why = "items are seized only while the case is open";
		return SJ_ECONFLICT;
	}
	int64_t n = 0, now = clock_now_ms(), at = in->seized_at ? in->seized_at : now;
	sj_err e = dbj_int(c, sql_seal_used, &n, "tt", r->unit_id, in->seal_no);
	if (e)
		return e;
	if (n) {
		*why = "this seal number is already used in the unit";
		return SJ_ECONFLICT;
	}
	if (in->pv_id) {
		if ((e = dbj_int(c, sql_pv_of_case, &n, "tt", in->pv_id, r->id)))
			return e;
		if (!n) {
			*why = "the seizure PV must belong to the case";
			return SJ_EUNPROCESSABLE;
		}
	}
	id_new(id);
	char lid[ID_LEN + 1];
	id_new(lid);
	e = db_run(c, sql_add, "ttttttttt" "iti", id, r->id, r->unit_id, in->seal_no, in->description, in->quantity,
		   in->storage_place, in->holder, in->pv_id, at, u->id, now);
	e = e ? e : db_run(c, sql_link, "tttttitt", lid, id, id, "(saisie / حجز)", in->holder, at, "seized", u->id);
	e = e ? e : case_mark_investigating(c, u, r);
	return e ? e : case_event(c, r->id, u, "seizure.recorded",
				  json_pack("{s:s,s:s,s:s}", "seizure_id", id, "seal_no", in->seal_no, "holder",
					    in->holder));
}

static const char sql_case_of[] = "SELECT case_id FROM seizures WHERE id = ?";

sj_err seizure_case_id(db_conn *c, const char *id, char case_id[ID_LEN + 1])
{
	if (!id_valid(id))
		return SJ_ENOTFOUND;
	json_t *o = NULL;
	sj_err e = dbj_one(c, sql_case_of, "case_id:t", &o, "t", id);
	if (!e)
		snprintf(case_id, ID_LEN + 1, "%s", jstr(o, "case_id"));
	json_decref(o);
	return e;
}

static const char sql_holder[] = "SELECT holder, seized_at FROM seizures WHERE id = ?";
static const char sql_last_at[] = "SELECT COALESCE(MAX(at), 0) FROM seizure_transfers WHERE seizure_id = ?";
static const char sql_move[] =
	"UPDATE seizures SET holder = ?, storage_place = COALESCE(CAST(? AS TEXT), storage_place) WHERE id = ?";

sj_err seizure_transfer(db_conn *c, const auth_user *u, const case_ref *r, const char *id, const char *to,
			const char *reason, const char *storage_place, int64_t at, const char **why)
{
	json_t *o = NULL;
	sj_err e = dbj_one(c, sql_holder, "holder:t,seized_at:i", &o, "t", id);
	if (e)
		return e;
	char from[512];
	snprintf(from, sizeof from, "%s", jstr(o, "holder"));
	json_decref(o);
	int64_t last = 0, now = clock_now_ms();
	if ((e = dbj_int(c, sql_last_at, &last, "t", id)))
		return e;
	if (!at)
		at = now;
	if (at < last || at > now + 60000) {
		*why = "a transfer comes after the previous one and not in the future";
		return SJ_EUNPROCESSABLE;
	}
	if (strcmp(from, to) == 0) {
		*why = "the item is already held there";
		return SJ_EUNPROCESSABLE;
	}
	char lid[ID_LEN + 1];
	id_new(lid);
	e = db_run(c, sql_link, "tttttitt", lid, id, id, from, to, at, reason, u->id);
	e = e ? e : db_run(c, sql_move, "ttt", to, storage_place, id);
	return e ? e : case_event(c, r->id, u, "seizure.transferred",
				  json_pack("{s:s,s:s,s:s,s:s}", "seizure_id", id, "from", from, "to", to, "reason",
					    reason));
}

#define SEIZURE_COLS                                                                                   \
	"id:t,case_id:t,seal_no:t,description:t,quantity:t,storage_place:t,holder:t,pv_id:t,seized_at:i," \
	"recorded_by:t"
static const char sql_get[] =
	"SELECT s.id, s.case_id, s.seal_no, s.description, s.quantity, s.storage_place, s.holder, s.pv_id,"
	" s.seized_at, b.badge FROM seizures s JOIN users b ON b.id = s.recorded_by WHERE s.id = ?";
static const char sql_by_case[] =
	"SELECT s.id, s.case_id, s.seal_no, s.description, s.quantity, s.storage_place, s.holder, s.pv_id,"
	" s.seized_at, b.badge FROM seizures s JOIN users b ON b.id = s.recorded_by WHERE s.case_id = ?"
	" ORDER BY s.seized_at, s.id";
static const char sql_chain[] =
	"SELECT t.seq, t.from_holder, t.to_holder, t.at, t.reason, b.badge FROM seizure_transfers t"
	" JOIN users b ON b.id = t.recorded_by WHERE t.seizure_id = ? ORDER BY t.seq";

static sj_err add_chain(db_conn *c, json_t *o)
{
	json_t *chain = NULL;
	sj_err e = dbj_rows(c, sql_chain, "seq:i,from:t,to:t,at:i,reason:t,recorded_by:t", &chain, "t",
			    jstr(o, "id"));
	if (!e)
		json_object_set_new(o, "chain", chain);
	return e;
}

sj_err seizure_get(db_conn *c, const char *id, json_t **out)
{
	sj_err e = dbj_one(c, sql_get, SEIZURE_COLS, out, "t", id);
	e = e ? e : add_chain(c, *out);
	if (e) {
		json_decref(*out);
		*out = NULL;
	}
	return e;
}

sj_err seizure_list_case(db_conn *c, const char *case_id, json_t **out)
{
	sj_err e = dbj_rows(c, sql_by_case, SEIZURE_COLS, out, "t", case_id);
	size_t i;
	json_t *o;
	if (!e)
		json_array_foreach(*out, i, o) if (!e) e = add_chain(c, o);
	if (e) {
		json_decref(*out);
		*out = NULL;
	}
	return e;
}
