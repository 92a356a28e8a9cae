/* hotlist.c — the registers as feeds from central to its nodes
 * (registers.h, exchange.h's xchg_feeds[]): wanted notices with their
 * cross-script name keys, stolen vehicles, lost and stolen documents and
 * phones. Central
 * serves its entries after a cursor (fed_at: when each reached central), every status (a notice
 * executed at central stops hitting on the node); the node keeps them in its
 * own register tables as central's copies, so the hit engine (hits.c) works
 * offline from them. */
#include "registers/registers.h"

#include <string.h>

#include "db/dbj.h"

static const char *const unit_cols[] = {"unit_id", "found_unit_id", NULL};
/* ids of central's other tables mean nothing on the node */
static const char *const wanted_null[] = {"person_id", NULL};

static const char sql_keys[] = "SELECT key FROM wanted_keys WHERE notice_id = ? ORDER BY key";
static const char sql_keys_del[] = "DELETE FROM wanted_keys WHERE notice_id = ?";
static const char sql_keys_ins[] = "INSERT INTO wanted_keys (key, notice_id) VALUES (?, ?)";

sj_err reg_hotlist_wanted_produce(db_conn *c, const xchg_peer *p, int64_t after, int64_t upto, size_t limit,
				  json_t *records, int64_t *cursor, bool *more)
{
	(void)p;
	json_t *got = json_array();
	sj_err e = got ? xchg_feed_rows_after(c, "wanted_notices", XCHG_FED_COL, NULL, unit_cols, after, upto, limit,
					      got, cursor, more)
		       : SJ_ENOMEM;
	size_t i;
	json_t *r;
	json_array_foreach(got, i, r) {
		if (e)
			break;
		json_t *keys = NULL;
		e = dbj_rows(c, sql_keys, "key:t", &keys, "t", json_string_value(json_object_get(r, "id")));
		if (!e) {
			json_t *flat = json_array();
			size_t k;
			json_t *o;
			json_array_foreach(keys, k, o) json_array_append(flat, json_object_get(o, "key"));
			json_object_set_new(r, "keys", flat);
		}
		json_decref(keys);
	}
	if (!e)
		json_array_extend(records, got);
	json_decref(got);
	return e;
}

sj_err reg_hotlist_wanted_apply(db_conn *c, json_t *records, int64_t issued_at, int64_t *applied)
{
	size_t i;
	json_t *r;
	sj_err e = SJ_OK;
	json_array_foreach(records, i, r) {
		bool wrote = false;
		const char *id = json_string_value(json_object_get(r, "id"));
		e = xchg_feed_upsert(c, "wanted", "wanted_notices", r, unit_cols, wanted_null, issued_at, &wrote);
		if (!e && wrote)
			e = db_run(c, sql_keys_del, "t", id);
		size_t k;
		json_t *key;
		json_array_foreach(json_object_get(r, "keys"), k, key) {
			if (e || !wrote)
				break;
			if (json_is_string(key))
				e = db_run(c, sql_keys_ins, "tt", json_string_value(key), id);
		}
		if (e)
			return e;
		*applied += wrote;
	}
	return SJ_OK;
}

static sj_err apply_rows(db_conn *c, const char *feed, const char *table, json_t *records, int64_t issued_at,
			 int64_t *applied)
{
	size_t i;
	json_t *r;
	json_array_foreach(records, i, r) {
		bool wrote = false;
		sj_err e = xchg_feed_upsert(c, feed, table, r, unit_cols, NULL, issued_at, &wrote);
		if (e)
			return e;
		*applied += wrote;
	}
	return SJ_OK;
}

sj_err reg_hotlist_vehicles_produce(db_conn *c, const xchg_peer *p, int64_t after, int64_t upto, size_t limit,
				    json_t *records, int64_t *cursor, bool *more)
{
	(void)p;
	return xchg_feed_rows_after(c, "stolen_vehicles", XCHG_FED_COL, NULL, unit_cols, after, upto, limit, records,
				    cursor, more);
}

sj_err reg_hotlist_vehicles_apply(db_conn *c, json_t *records, int64_t issued_at, int64_t *applied)
{
	return apply_rows(c, "stolen-vehicles", "stolen_vehicles", records, issued_at, applied);
}

sj_err reg_hotlist_documents_produce(db_conn *c, const xchg_peer *p, int64_t after, int64_t upto, size_t limit,
				     json_t *records, int64_t *cursor, bool *more)
{
	(void)p;
	return xchg_feed_rows_after(c, "stolen_documents", XCHG_FED_COL, NULL, unit_cols, after, upto, limit, records,
				    cursor, more);
}

sj_err reg_hotlist_documents_apply(db_conn *c, json_t *records, int64_t issued_at, int64_t *applied)
{
	return apply_rows(c, "stolen-documents", "stolen_documents", records, issued_at, applied);
}

sj_err reg_hotlist_phones_produce(db_conn *c, const xchg_peer *p, int64_t after, int64_t upto, size_t limit,
				  json_t *records, int64_t *cursor, bool *more)
{
	(void)p;
	return xchg_feed_rows_after(c, "stolen_phones", XCHG_FED_COL, NULL, unit_cols, after, upto, limit, records,
				    cursor, more);
}

sj_err reg_hotlist_phones_apply(db_conn *c, json_t *records, int64_t issued_at, int64_t *applied)
{
	return apply_rows(c, "stolen-phones", "stolen_phones", records, issued_at, applied);
}
