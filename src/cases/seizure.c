/* seizure.c — seized items and their chain of custody (see seizure.h). */
#include "cases/seizure.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "registers/registers.h"
#include "text/ident.h"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* ------------------------------------------------------------ the records */

/* A link of the chain of custody: the columns from_holder/to_holder read as
 * from/to; a transfer's body names where it goes (to), why, when, and
 * optionally the new storage place. */
#define TRANSFER_FIELDS(X) \
	X(C, seizure_id, ID, 0, 36, NULL, 0) \
	X(C, seq, INT, 0, 0, NULL, OUT) \
	X(C, from_holder, TEXT, 1, SJ_MAX_NAME, NULL, 0) \
	X(C, to_holder, TEXT, 1, SJ_MAX_NAME, NULL, 0) \
	X(C, at, TIME, 0, 0, NULL, IN | OUT | NULLABLE) \
	X(C, reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | REQ | OUT) \
	X(C, recorded_by, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(V, from, TEXT, 1, SJ_MAX_NAME, NULL, OUT) \
	X(V, to, TEXT, 2, SJ_MAX_NAME, NULL, IN | REQ | OUT) \
	X(V, storage_place, TEXT, 2, SJ_MAX_SHORT_TEXT, NULL, IN | NULLABLE)
static const rec_field transfer_fields[] = {REC_ID_FIELD, TRANSFER_FIELDS(REC_FIELD)};
const rec_desc seizure_transfer_rec = REC_DESC("seizure_transfer", "seizure_transfers", transfer_fields, NULL);

/* What was seized (issue 17 item 8): drugs by substance and weight with
 * sampling, weapons, cash, vehicles, phones, documents; and its fate once
 * the judicial authority decides it. */
REC_ENUM_DEF(seizure_categories, "seizure_category", "drugs", "weapon", "cash", "vehicle", "phone", "document", "other");
REC_ENUM_DEF(seizure_fates, "seizure_fate", "restitution", "destruction", "confiscation");

/* A seized item, sealed under its number. recorded_by reads as the badge. */
#define SEIZURE_FIELDS(X) \
	X(C, case_id, ID, 0, 36, NULL, OUT) \
	X(C, unit_id, ID, 0, 36, NULL, 0) \
	X(C, seal_no, TEXT, 1, SJ_MAX_SEAL_NO, NULL, IN | REQ | OUT) \
	X(C, description, TEXT, 2, SJ_MAX_SHORT_TEXT, NULL, IN | REQ | OUT) \
	X(C, quantity, TEXT, 1, SJ_MAX_QUANTITY, NULL, IN | REQ | OUT) \
	X(C, storage_place, TEXT, 2, SJ_MAX_SHORT_TEXT, NULL, IN | REQ | OUT) \
	X(C, holder, TEXT, 2, SJ_MAX_NAME, NULL, IN | REQ | OUT) \
	X(C, pv_id, ID, 0, 36, NULL, IN | OUT | NULLABLE) \
	X(C, seized_at, TIME, 0, 0, NULL, IN | OUT | NULLABLE) \
	X(C, recorded_by, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(C, created_at, TIME, 0, 0, NULL, 0) \
	X(C, imei, TEXT, 15, SJ_MAX_IMEI_TYPED, NULL, IN | OUT | NULLABLE) \
	X(C, plate, TEXT, 2, SJ_MAX_PLATE_TYPED, NULL, IN | OUT | NULLABLE) \
	X(C, category, ENUM, 0, 0, &seizure_categories, IN | OUT | NULLABLE) \
	X(C, seized_from_id, ID, 0, 36, NULL, IN | OUT | NULLABLE) \
	X(C, seized_place, TEXT, 2, SJ_MAX_SHORT_TEXT, NULL, IN | OUT | NULLABLE) \
	X(C, substance, TEXT, 2, SJ_MAX_SHORT_TEXT, NULL, IN | OUT | NULLABLE) \
	X(C, weight_mg, INT, 1, SEIZURE_MAX_WEIGHT_MG, NULL, IN | OUT | NULLABLE) \
	X(C, sampled, BOOL, 0, 0, NULL, IN | OUT | NULLABLE) \
	X(C, fate, ENUM, 0, 0, &seizure_fates, OUT) \
	X(C, fate_reference, TEXT, 1, SJ_MAX_REFERENCE, NULL, OUT) \
	X(C, fate_to, TEXT, 2, SJ_MAX_NAME, NULL, OUT | PII) \
	X(C, fate_decided_on, DATE, 0, 10, NULL, OUT) \
	X(V, chain, ARRAY, 0, 0, &seizure_transfer_rec, OUT) \
	X(V, alerts, JSON, 0, 0, NULL, OUT)
static const rec_field seizure_fields[] = {REC_ID_FIELD, SEIZURE_FIELDS(REC_FIELD)};

/* The phone or vehicle a seized item is, when it is one: its IMEI must pass
 * its Luhn digit and its plate must read as a Moroccan plate, so the hit
 * engine can find them in the registers (registers.h). */
static void seizure_check(json_t *s, const char *prefix, json_t *errs)
{
	char imei[IDENT_IMEI_LEN + 1], plate[IDENT_PLATE_MAX + 1];
	if (jstr(s, "imei") && ident_imei_normalize(jstr(s, "imei"), imei) != SJ_OK)
		rec_err(errs, prefix, "imei", "imei", "an IMEI is 15 digits, the last its Luhn check digit");
	if (jstr(s, "plate") && ident_plate_normalize(jstr(s, "plate"), plate, NULL) != SJ_OK)
		rec_err(errs, prefix, "plate", "plate", "the plate reads in neither script");
	/* drugs are recorded by substance and weight (issue 17 item 8) */
	if (jstr(s, "category") && strcmp(jstr(s, "category"), "drugs") == 0) {
		if (!jstr(s, "substance"))
			rec_err(errs, prefix, "substance", "required", "seized drugs are recorded by substance");
		if (!json_is_integer(json_object_get(s, "weight_mg")))
			rec_err(errs, prefix, "weight_mg", "required", "seized drugs are recorded by weight");
	}
}

/* POST /seizures/{id}/fate: the judicial authority's decision on the item. */
#define FATE_FIELDS(X) \
	X(V, fate, ENUM, 0, 0, &seizure_fates, IN | REQ) \
	X(V, reference, TEXT, 1, SJ_MAX_REFERENCE, NULL, IN | REQ) \
	X(V, decided_on, DATE, 0, 10, NULL, IN | REQ) \
	X(V, to, TEXT, 2, SJ_MAX_NAME, NULL, IN | PII | NULLABLE)
static void fate_check(json_t *f, const char *prefix, json_t *errs)
{
	if (jstr(f, "fate") && strcmp(jstr(f, "fate"), "restitution") == 0 && !jstr(f, "to"))
		rec_err(errs, prefix, "to", "required", "a restitution names to whom");
}
static const rec_field fate_fields[] = {FATE_FIELDS(REC_FIELD)};
const rec_desc seizure_fate_rec = REC_DESC("seizure_fate", NULL, fate_fields, fate_check);
const rec_desc seizure_rec = REC_DESC("seizure", "seizures", seizure_fields, seizure_check);

/* ------------------------------------------------------------ writes */

static const char sql_add[] = "INSERT INTO seizures (" REC_COLS(SEIZURE_FIELDS) ") VALUES (" REC_QS(SEIZURE_FIELDS) ")";
static const char sql_link[] =
	"INSERT INTO seizure_transfers (id, seizure_id, seq, from_holder, to_holder, at, reason, recorded_by)"
	" VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM seizure_transfers WHERE seizure_id = ?), ?, ?, ?, ?, ?)";
static const char sql_seal_used[] = "SELECT COUNT(*) FROM seizures WHERE unit_id = ? AND seal_no = ?";
/* the PV that records a seizure (CPP 59-60): a search, a seizure, or the
 * arrest and custody PV (a body search) of the same case */
static const char sql_pv_of_case[] =
	"SELECT COUNT(*) FROM pvs WHERE id = ? AND case_id = ? AND type IN ('search', 'seizure', 'arrest_custody')";
static const char sql_pv_in_case[] = "SELECT COUNT(*) FROM pvs WHERE id = ? AND case_id = ?";

sj_err seizure_create(db_conn *c, const sj_actor *a, const char *case_id, json_t *in, json_t **out, const char **why)
{
	*out = NULL;
	case_ref ref, *r = &ref;
	sj_err e = case_ref_open(c, a, case_id, r, why);
	if (e)
		return e;
	const char *seal_no = jstr(in, "seal_no"), *holder = jstr(in, "holder"), *pv_id = jstr(in, "pv_id");
	json_t *sat = json_object_get(in, "seized_at");
	int64_t n = 0, now = clock_now_ms(), at = json_is_integer(sat) ? (int64_t)json_integer_value(sat) : now;
	if (at > now + 60000) { /* a seizure is recorded after it was made (issue 17 item 8) */
		*why = "seizure-in-future";
		return SJ_EUNPROCESSABLE;
	}
	e = dbj_int(c, sql_seal_used, &n, "tt", r->unit_id, seal_no);
	if (e)
		return e;
	if (n) {
		*why = "seal-number-taken";
		return SJ_ECONFLICT;
	}
	const char *from = jstr(in, "seized_from_id");
	if (from) {
		static const char *const any[] = {"complainant", "victim", "suspect", "witness", "arrested", NULL};
		bool yes = false;
		if ((e = case_person_has_role(c, r->id, from, any, &yes)))
			return e;
		if (!yes) {
			*why = "seizure-person-not-in-case";
			return SJ_EUNPROCESSABLE;
		}
	}
	/* a seizure is recorded by its PV (issue 17 item 8): required */
	if (!pv_id) {
		*why = "seizure-needs-pv";
		return SJ_EUNPROCESSABLE;
	}
	int64_t typed = 0;
	e = dbj_int(c, sql_pv_in_case, &n, "tt", pv_id, r->id);
	e = e ? e : dbj_int(c, sql_pv_of_case, &typed, "tt", pv_id, r->id);
	if (e)
		return e;
	if (!n || !typed) {
		*why = n ? "seizure-pv-wrong-type" : "seizure-pv-not-in-case";
		return SJ_EUNPROCESSABLE;
	}
	char id[ID_LEN + 1], lid[ID_LEN + 1];
	id_new(id);
	id_new(lid);
	json_t *row = json_deep_copy(in);
	json_t *set = json_pack("{s:s,s:s,s:s,s:I,s:s?,s:I}", "id", id, "case_id", r->id, "unit_id", r->unit_id,
				"seized_at", (json_int_t)at, "recorded_by", a->id, "created_at", (json_int_t)now);
	if (!row || !set || json_object_update(row, set))
		e = SJ_ENOMEM;
	char imei[IDENT_IMEI_LEN + 1], plate[IDENT_PLATE_MAX + 1];
	if (!e && jstr(in, "imei") && ident_imei_normalize(jstr(in, "imei"), imei) == SJ_OK)
		json_object_set_new(row, "imei", json_string(imei));
	if (!e && jstr(in, "plate") && ident_plate_normalize(jstr(in, "plate"), plate, NULL) == SJ_OK)
		json_object_set_new(row, "plate", json_string(plate));
	json_decref(set);
	e = e ? e : dbj_write(c, sql_add, &seizure_rec, row, false, "");
	json_decref(row);
	e = e ? e : db_run(c, sql_link, "tttttitt", lid, id, id, "(saisie / حجز)", holder, at, "seized", a->id);
	e = e ? e : case_mark_investigating(c, a, r);
	e = e ? e : case_event(c, r->id, a, "seizure.recorded",
			       json_pack("{s:s,s:s,s:s}", "seizure_id", id, "seal_no", seal_no, "holder", holder));
	e = e ? e : seizure_get(c, id, out);
	/* the hit engine on entry: a seized phone or vehicle against the lost and
	 * stolen registers (the declaring unit is notified) */
	reg_ctx ctx = {.actor_id = a->id, .actor_unit_id = a->unit_id, .source = "case", .source_ref = r->number};
	json_t *alerts = e ? NULL : json_array();
	if (!e && !alerts)
		e = SJ_ENOMEM;
	e = e ? e : reg_check_imei(c, jstr(in, "imei"), &ctx, alerts);
	e = e ? e : reg_check_plate(c, jstr(in, "plate"), NULL, &ctx, alerts);
	if (e) {
		json_decref(alerts);
		json_decref(*out);
		*out = NULL;
		return e;
	}
	json_object_set_new(*out, "alerts", alerts);
	return SJ_OK;
}

static const char sql_holder[] = "SELECT holder, seized_at FROM seizures WHERE id = ?";
static const char sql_last_at[] = "SELECT COALESCE(MAX(at), 0) FROM seizure_transfers WHERE seizure_id = ?";
static const char sql_move[] =
	"UPDATE seizures SET holder = ?, storage_place = COALESCE(CAST(? AS TEXT), storage_place) WHERE id = ?";

static const char sql_case_of[] = "SELECT case_id FROM seizures WHERE id = ?";

/* what is still held by the unit: no decision on its fate, not deposited */
static const char sql_to_deposit[] =
	"SELECT id, holder FROM seizures WHERE case_id = ? AND fate IS NULL AND holder <> ? ORDER BY seal_no, id";

sj_err seizure_deposit_on_referral(db_conn *c, const sj_actor *a, const char *case_id, const char *registry,
				   int64_t at, int64_t *deposited)
{
	*deposited = 0;
	json_t *rows = NULL;
	sj_err e = dbj_rows(c, sql_to_deposit, "id:t,holder:t", &rows, "tt", case_id, registry);
	size_t i;
	json_t *o;
	json_array_foreach(rows, i, o) {
		char lid[ID_LEN + 1];
		id_new(lid);
		const char *sid = jstr(o, "id");
		e = e ? e : db_run(c, sql_link, "tttttitt", lid, sid, sid, jstr(o, "holder"), registry, at,
				   "dépôt au greffe avec la procédure / إيداع بكتابة الضبط مع المسطرة", a->id);
		e = e ? e : db_run(c, sql_move, "ttt", registry, registry, sid);
		if (!e)
			(*deposited)++;
	}
	json_decref(rows);
	return e;
}

sj_err seizure_transfer(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out, const char **why)
{
	*out = NULL;
	case_ref r;
	json_t *o = NULL;
	sj_err e = case_ref_of(c, a, sql_case_of, id, "seizure-not-found", true, &r, why);
	e = e ? e : dbj_rec_one(c, sql_holder, &seizure_rec, &o, "t", id);
	if (e)
		return e;
	char from[SJ_MAX_NAME + 1];
	snprintf(from, sizeof from, "%s", jstr(o, "holder"));
	json_decref(o);
	const char *to = jstr(in, "to"), *reason = jstr(in, "reason");
	int64_t last = 0, now = clock_now_ms();
	if ((e = dbj_int(c, sql_last_at, &last, "t", id)))
		return e;
	json_t *jat = json_object_get(in, "at");
	int64_t at = json_is_integer(jat) ? (int64_t)json_integer_value(jat) : now;
	if (at < last || at > now + 60000) {
		*why = "transfer-out-of-order";
		return SJ_EUNPROCESSABLE;
	}
	if (strcmp(from, to) == 0) {
		*why = "transfer-same-holder";
		return SJ_EUNPROCESSABLE;
	}
	char lid[ID_LEN + 1];
	id_new(lid);
	e = db_run(c, sql_link, "tttttitt", lid, id, id, from, to, at, reason, a->id);
	e = e ? e : db_run(c, sql_move, "ttt", to, jstr(in, "storage_place"), id);
	e = e ? e : case_event(c, r.id, a, "seizure.transferred",
			       json_pack("{s:s,s:s,s:s,s:s}", "seizure_id", id, "from", from, "to", to, "reason",
					 reason));
	return e ? e : seizure_get(c, id, out);
}

/* ------------------------------------------------------------ reads */

static const char sql_known[] =
	"SELECT s.id AS id, s.seal_no AS seal_no, s.case_id AS case_id, c.number AS case_number, s.unit_id AS unit_id,"
	" u.code AS unit FROM seizures s JOIN cases c ON c.id = s.case_id JOIN units u ON u.id = s.unit_id"
	" WHERE s.imei = CAST(? AS TEXT) OR s.plate = CAST(? AS TEXT) ORDER BY s.created_at, s.id LIMIT 20";

sj_err seizure_known(db_conn *c, const char *imei, const char *plate, json_t **out)
{
	*out = NULL;
	if (!imei && !plate)
		return (*out = json_array()) ? SJ_OK : SJ_ENOMEM;
	return dbj_rows(c, sql_known, "id:t,seal_no:t,case_id:t,case_number:t,unit_id:t,unit:t", out, "tt", imei, plate);
}

#define SEIZURE_SELECT \
	"SELECT id, case_id, seal_no, description, quantity, storage_place, holder, pv_id, seized_at, imei, plate," \
	" category, seized_from_id, seized_place, substance, weight_mg, sampled, fate, fate_reference, fate_to," \
	" fate_decided_on, b_badge AS recorded_by FROM seizures JOIN (SELECT id AS b_id, badge AS b_badge FROM users) b" \
	" ON b.b_id = recorded_by"
static const char sql_get[] = SEIZURE_SELECT " WHERE id = ?";
static const char sql_by_case[] = SEIZURE_SELECT " WHERE case_id = ? ORDER BY seized_at, id";
static const char sql_chain[] =
	"SELECT t.seq AS seq, t.from_holder AS \"from\", t.to_holder AS \"to\", t.at AS at, t.reason AS reason,"
	" b.badge AS recorded_by FROM seizure_transfers t JOIN users b ON b.id = t.recorded_by"
	" WHERE t.seizure_id = ? ORDER BY t.seq";

static sj_err add_chain(db_conn *c, json_t *o)
{
	json_t *chain = NULL;
	sj_err e = dbj_rec_rows(c, sql_chain, &seizure_transfer_rec, &chain, "t", jstr(o, "id"));
	if (!e)
		json_object_set_new(o, "chain", chain);
	return e;
}

sj_err seizure_get(db_conn *c, const char *id, json_t **out)
{
	sj_err e = dbj_rec_one(c, sql_get, &seizure_rec, out, "t", id);
	e = e ? e : add_chain(c, *out);
	if (e) {
		json_decref(*out);
		*out = NULL;
	}
	return e;
}

sj_err seizure_read(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why)
{
	*out = NULL;
	case_ref r;
	sj_err e = case_ref_of(c, a, sql_case_of, id, "seizure-not-found", false, &r, why);
	return e ? e : seizure_get(c, id, out);
}

sj_err seizure_list_case(db_conn *c, const char *case_id, json_t **out)
{
	sj_err e = dbj_rec_rows(c, sql_by_case, &seizure_rec, out, "t", case_id);
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

static const char sql_fate_of[] = "SELECT fate FROM seizures WHERE id = ?";
static const char sql_fate_set[] =
	"UPDATE seizures SET fate = ?, fate_reference = ?, fate_to = ?, fate_decided_on = ? WHERE id = ? AND fate IS NULL";

sj_err seizure_decide_fate(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out, const char **why)
{
	*out = NULL;
	case_ref r;
	json_t *st = NULL;
	sj_err e = case_ref_of(c, a, sql_case_of, id, "seizure-not-found", true, &r, why);
	e = e ? e : dbj_one(c, sql_fate_of, "fate:t", &st, "t", id);
	if (e)
		return e;
	bool decided = jstr(st, "fate") != NULL;
	json_decref(st);
	if (decided) {
		*why = "seizure-fate-recorded";
		return SJ_ECONFLICT;
	}
	char today[11];
	clock_legal_date(clock_now_ms(), today);
	if (strcmp(jstr(in, "decided_on"), today) > 0) {
		*why = "seizure-fate-in-future";
		return SJ_EUNPROCESSABLE;
	}
	e = db_run(c, sql_fate_set, "ttttt", jstr(in, "fate"), jstr(in, "reference"), jstr(in, "to"),
		   jstr(in, "decided_on"), id);
	e = e ? e : case_event(c, r.id, a, "seizure.fate",
			       json_pack("{s:s,s:s,s:s,s:s?}", "seizure_id", id, "fate", jstr(in, "fate"), "reference",
					 jstr(in, "reference"), "to", jstr(in, "to")));
	return e ? e : seizure_get(c, id, out);
}
