/* query.c — reading the log: the newest signed head, the auditors' queries,
 * and the ids a list read names. See audit.h. */
#include "audit/audit_int.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/jdump.h"
#include "db/dbj.h"

static sj_err step_done(db_stmt *s)
{
	bool row = true;
	sj_err e = SJ_OK;
	while (!e && row)
		e = db_step(s, &row);
	return e;
}

static const char sql_latest[] =
	"SELECT seq, head, at, key_id, signature, kind FROM audit_checkpoints ORDER BY seq DESC LIMIT 1";

sj_err audit_latest_signed_head(db *d, audit_signed_head *out)
{
	memset(out, 0, sizeof *out);
	db_conn *c;
	sj_err e = db_acquire(d, &c);
	if (e)
		return e;
	db_stmt *s;
	bool row = false;
	e = db_prepare(c, sql_latest, &s);
	e = e ? e : db_step(s, &row);
	if (!e && !row)
		e = SJ_ENOTFOUND;
	if (!e) {
		out->seq = db_col_int(s, 0);
		out->at = db_col_int(s, 2);
		snprintf(out->head, sizeof out->head, "%s", db_col_text(s, 1) ? db_col_text(s, 1) : "");
		snprintf(out->key_id, sizeof out->key_id, "%s", db_col_text(s, 3) ? db_col_text(s, 3) : "");
		snprintf(out->sig, sizeof out->sig, "%s", db_col_text(s, 4) ? db_col_text(s, 4) : "");
		snprintf(out->kind, sizeof out->kind, "%s", db_col_text(s, 5) ? db_col_text(s, 5) : "");
		e = step_done(s);
	}
	db_release(d, c);
	return e;
}

static const char sql_query[] =
	"SELECT seq, id, at, actor_id, badge, role, unit_code, action, object_type, object_id,"
	" purpose, outcome, request_id, ip, detail FROM audit_log"
	" WHERE seq > ? AND at >= ? AND at <= ?"
	" AND (CAST(? AS TEXT) IS NULL OR badge = ?) AND (CAST(? AS TEXT) IS NULL OR action = ?)"
	" AND (CAST(? AS TEXT) IS NULL OR object_type = ?) AND (CAST(? AS TEXT) IS NULL OR object_id = ?)"
	" ORDER BY seq LIMIT ?";

sj_err audit_query(db_conn *c, const char *badge, const char *action, const char *object_type,
		   const char *object_id, int64_t from_ms, int64_t to_ms, int64_t after_seq, int limit,
		   json_t **out)
{
	*out = NULL;
	db_stmt *s;
	sj_err err = db_prepare(c, sql_query, &s);
	if (err)
		return err;
	int i = 1;
	err = db_bind_int(s, i++, after_seq);
	err = err ? err : db_bind_int(s, i++, from_ms);
	err = err ? err : db_bind_int(s, i++, to_ms);
	err = err ? err : db_bind_text(s, i++, badge);
	err = err ? err : db_bind_text(s, i++, badge);
	err = err ? err : db_bind_text(s, i++, action);
	err = err ? err : db_bind_text(s, i++, action);
	err = err ? err : db_bind_text(s, i++, object_type);
	err = err ? err : db_bind_text(s, i++, object_type);
	err = err ? err : db_bind_text(s, i++, object_id);
	err = err ? err : db_bind_text(s, i++, object_id);
	err = err ? err : db_bind_int(s, i++, limit);
	if (err)
		return err;
	json_t *arr = json_array();
	if (!arr)
		return SJ_ENOMEM;
	bool row;
	while (!(err = db_step(s, &row)) && row) {
		char at[32];
		clock_format_iso(db_col_int(s, 2), at);
		json_t *o = json_object();
		json_object_set_new(o, "seq", json_integer(db_col_int(s, 0)));
		json_object_set_new(o, "id", json_string(db_col_text(s, 1)));
		json_object_set_new(o, "at", json_string(at));
		static const char *names[] = {"actor_id", "badge", "role", "unit_code", "action",
					      "object_type", "object_id", "purpose", "outcome",
					      "request_id", "ip"};
		for (int k = 0; k < 11; k++) {
			const char *v = db_col_text(s, 3 + k);
			json_object_set_new(o, names[k], v ? json_string(v) : json_null());
		}
		const char *detail = db_col_text(s, 14);
		json_object_set_new(o, "detail", detail ? jdump_loads(detail, 0, NULL) : json_null());
		if (json_array_append_new(arr, o)) {
			err = SJ_ENOMEM;
			break;
		}
	}
	if (err) {
		json_decref(arr);
		return err;
	}
	*out = arr;
	return SJ_OK;
}

json_t *audit_ids(const json_t *list, const char *member)
{
	if (!json_is_array(list))
		return NULL;
	json_t *ids = json_array();
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o) {
		const char *id = json_string_value(json_object_get(o, member));
		if (id && json_array_append_new(ids, json_string(id))) {
			json_decref(ids);
			return NULL;
		}
	}
	return ids;
}

static const char sql_names[] =
	"SELECT COUNT(*) FROM audit_log WHERE seq = ? AND object_type = ? AND object_id = ?";

sj_err audit_entry_names(db *d, int64_t seq, const char *object_type, const char *object_id, bool *yes)
{
	*yes = false;
	db_conn *c;
	sj_err e = db_acquire(d, &c);
	if (e)
		return e;
	int64_t n = 0;
	e = dbj_int(c, sql_names, &n, "itt", seq, object_type, object_id);
	db_release(d, c);
	*yes = !e && n == 1;
	return e;
}
