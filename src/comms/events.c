/* events.c — major events (IMF/World Bank meetings, conferences, matches,
 * open days): dates, places, units involved, the security arrangements
 * documented with media items and their hashes, and the coverage produced
 * (see comms.h). Events are national: every communication user reads them
 * and names them in an activity; their home unit writes them. */
#include "comms/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "db/dbj.h"
#include "org/units.h"

REC_ENUM_DEF(event_kinds, "comms_event_kind", "summit", "conference", "sport", "open_days", "other");

#define EVENT_FIELDS(X) \
	X(C, unit_id, ID, 0, 36, NULL, 0) \
	X(C, number, CODE, 1, COMMS_NUMBER_MAX, NULL, OUT) \
	X(C, kind, ENUM, 0, 0, &event_kinds, IN | REQ | OUT) \
	X(E, name_ar, TEXT, 2, SJ_MAX_SHORT_TEXT, NULL, IN | OUT | NULLABLE) \
	X(E, name_fr, TEXT, 2, SJ_MAX_SHORT_TEXT, NULL, IN | OUT | NULLABLE) \
	X(E, starts_on, DATE, 0, 10, NULL, IN | REQ | OUT) \
	X(E, ends_on, DATE, 0, 10, NULL, IN | REQ | OUT) \
	X(E, places, TEXT, 2, SJ_MAX_SHORT_TEXT, NULL, IN | OUT | MULTI | NULLABLE) \
	X(E, units, JSON, 0, 0, NULL, IN | OUT | NULLABLE) \
	X(E, arrangements, TEXT, 3, SJ_MAX_LONG_TEXT, NULL, IN | OUT | MULTI | NULLABLE) \
	X(E, visitors, INT, 0, COMMS_COUNT_MAX, NULL, IN | OUT | NULLABLE) \
	X(E, online_viewers, INT, 0, COMMS_COUNT_MAX, NULL, IN | OUT | NULLABLE) \
	X(C, created_by, ID, 0, 36, NULL, 0) \
	X(C, created_at, TIME, 0, 0, NULL, OUT) \
	X(C, updated_by, ID, 0, 36, NULL, 0) \
	X(C, updated_at, TIME, 0, 0, NULL, OUT) \
	X(V, unit, CODE, 1, UNIT_CODE_MAX, NULL, OUT) \
	X(V, unit_path, TEXT, 1, UNIT_PATH_MAX, NULL, 0) \
	X(V, media, JSON, 0, 0, NULL, OUT) \
	X(V, coverage, JSON, 0, 0, NULL, OUT)

static void event_check(json_t *o, const char *prefix, json_t *errs)
{
	json_t *units = json_object_get(o, "units");
	if (units && !json_is_null(units)) {
		size_t i;
		json_t *u;
		if (!json_is_array(units) || json_array_size(units) > COMMS_UNITS_MAX)
			rec_err(errs, prefix, "units", "type", "an array of unit codes");
		else
			json_array_foreach(units, i, u) {
				if (!json_is_string(u) || json_string_length(u) > UNIT_CODE_MAX) {
					rec_err(errs, prefix, "units", "type", "an array of unit codes");
					break;
				}
			}
	}
	const char *from = cj_str(o, "starts_on"), *to = cj_str(o, "ends_on");
	if (from && to && strcmp(to, from) < 0)
		rec_err(errs, prefix, "ends_on", "before-start", "the event ends before it starts");
	if (cj_str(o, "kind") && !cj_str(o, "name_ar") && !cj_str(o, "name_fr"))
		rec_err(errs, prefix, "name_fr", "name-required", "a name in Arabic or French");
}

static const rec_field event_fields[] = {REC_ID_FIELD, EVENT_FIELDS(REC_FIELD)};
const rec_desc comms_event_rec = REC_DESC("comms_event", "comms_events", event_fields, event_check);

static const char sql_insert[] =
	"INSERT INTO comms_events (" REC_COLS(EVENT_FIELDS) ") VALUES (" REC_QS(EVENT_FIELDS) ")";
static const char sql_update[] =
	"UPDATE comms_events SET " REC_SET(EVENT_FIELDS) "updated_by = ?, updated_at = ? WHERE id = ?";
static const char sql_get[] =
	"SELECT " REC_COLS(EVENT_FIELDS) ", unit, unit_path FROM comms_events"
	" JOIN (SELECT id AS u_id, code AS unit, path AS unit_path FROM units) u ON u.u_id = unit_id WHERE id = ?";
static const char sql_exists[] = "SELECT COUNT(*) FROM comms_events WHERE id = ?";
static const char sql_media[] =
	"SELECT id, name, media_type, size, hash, caption, created_at FROM comms_files"
	" WHERE owner_kind = 'event' AND owner_id = ? ORDER BY created_at, id";
static const char sql_coverage[] =
	"SELECT id, number, kind, title_ar, title_fr, date, media_partner FROM comms_activities"
	" WHERE event_id = ? AND status = 'published' ORDER BY date, number";
static const char sql_list[] =
	"SELECT id, number, unit, kind, name_ar, name_fr, starts_on, ends_on, places, visitors, online_viewers"
	" FROM comms_events JOIN (SELECT id AS u_id, code AS unit FROM units) u ON u.u_id = unit_id"
	" WHERE (CAST(? AS TEXT) IS NULL OR (starts_on >= CAST(? AS TEXT) AND starts_on <= CAST(? AS TEXT)))"
	" ORDER BY starts_on DESC, number DESC LIMIT ? OFFSET ?";

sj_err comms_event_exists(db_conn *c, const char *event_id)
{
	int64_t n = 0;
	if (!id_valid(event_id))
		return SJ_ENOTFOUND;
	sj_err e = dbj_int(c, sql_exists, &n, "t", event_id);
	return e ? e : (n ? SJ_OK : SJ_ENOTFOUND);
}

static sj_err event_row(db_conn *c, const char *id, json_t **out)
{
	*out = NULL;
	if (!id_valid(id))
		return SJ_ENOTFOUND;
	return dbj_one(c, sql_get, REC_DBJ(EVENT_FIELDS) ",unit:t,unit_path:t", out, "t", id);
}

static sj_err units_known(db_conn *c, json_t *units, const char **why)
{
	size_t i;
	json_t *u;
	json_array_foreach(units, i, u) {
		unit_info info;
		sj_err e = unit_get_by_code(c, json_string_value(u), &info);
		if (e == SJ_ENOTFOUND) {
			*why = "comms-unit-unknown";
			return SJ_EUNPROCESSABLE;
		}
		if (e)
			return e;
	}
	return SJ_OK;
}

sj_err comms_event_get(db_conn *c, const sj_actor *a, const char *id, json_t **out)
{
	(void)a; /* national: the route admits communication users only */
	json_t *row = NULL, *media = NULL, *cov = NULL;
	sj_err e = event_row(c, id, &row);
	e = e ? e : dbj_rows(c, sql_media, "id:t,name:t,media_type:t,size:i,hash:t,caption:t,created_at:i", &media, "t",
			     id);
	e = e ? e : dbj_rows(c, sql_coverage, "id:t,number:t,kind:t,title_ar:t,title_fr:t,date:t,media_partner:t", &cov,
			     "t", id);
	if (e) {
		json_decref(row);
		json_decref(media);
		json_decref(cov);
		return e;
	}
	json_object_set_new(row, "media", media);
	json_object_set_new(row, "coverage", cov);
	*out = row;
	return SJ_OK;
}

sj_err comms_event_list(db_conn *c, int year, int limit, int64_t offset, json_t **out)
{
	char from[11], to[11];
	snprintf(from, sizeof from, "%04d-01-01", year);
	snprintf(to, sizeof to, "%04d-12-31", year);
	const char *y = year ? from : NULL;
	return dbj_rows(c, sql_list,
			"id:t,number:t,unit:t,kind:t,name_ar:t,name_fr:t,starts_on:t,ends_on:t,places:t,visitors:i,"
			"online_viewers:i",
			out, "tttii", y, from, to, (int64_t)limit, offset);
}

sj_err comms_event_create(db_conn *c, const sj_actor *a, json_t *in, json_t **out, const char **why)
{
	*out = NULL;
	if (!comms_can_write(a, a->unit_path))
		return SJ_EFORBIDDEN;
	sj_err e = units_known(c, json_object_get(in, "units"), why);
	if (e)
		return e;
	int64_t now = clock_now_ms();
	char id[ID_LEN + 1], number[COMMS_NUMBER_MAX + 1];
	e = comms_number(c, "comms-event", "EV", a->unit_id, a->unit_code, strtol(cj_str(in, "starts_on"), NULL, 10),
			 number);
	if (e)
		return e;
	id_new(id);
	json_t *row = json_deep_copy(in);
	if (!row)
		return SJ_ENOMEM;
	json_object_set_new(row, "id", json_string(id));
	json_object_set_new(row, "unit_id", json_string(a->unit_id));
	json_object_set_new(row, "number", json_string(number));
	json_object_set_new(row, "created_by", json_string(a->id));
	json_object_set_new(row, "created_at", json_integer(now));
	e = dbj_write(c, sql_insert, &comms_event_rec, row, false, "");
	json_decref(row);
	return e ? e : comms_event_get(c, a, id, out);
}

sj_err comms_event_update(db_conn *c, const sj_actor *a, const char *id, json_t *patch, json_t **out,
			  const char **why)
{
	*out = NULL;
	json_t *row = NULL;
	sj_err e = event_row(c, id, &row);
	if (e)
		return e;
	if (!comms_can_write(a, cj_str(row, "unit_path"))) {
		json_decref(row);
		return SJ_EFORBIDDEN;
	}
	json_object_update(row, patch);
	const char *from = cj_str(row, "starts_on"), *to = cj_str(row, "ends_on");
	if (from && to && strcmp(to, from) < 0) {
		*why = "comms-event-dates";
		e = SJ_EUNPROCESSABLE;
	}
	e = e ? e : units_known(c, json_object_get(patch, "units"), why);
	e = e ? e : dbj_write(c, sql_update, &comms_event_rec, row, true, "tit", a->id, clock_now_ms(), id);
	json_decref(row);
	return e ? e : comms_event_get(c, a, id, out);
}

sj_err comms_event_media(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out, const char **why)
{
	*out = NULL;
	json_t *row = NULL;
	sj_err e = event_row(c, id, &row);
	if (e)
		return e;
	if (!comms_can_write(a, cj_str(row, "unit_path"))) {
		json_decref(row);
		return SJ_EFORBIDDEN;
	}
	char fid[ID_LEN + 1];
	e = comms_file_add(c, a, cj_str(row, "unit_id"), "event", id, in, fid, NULL, why);
	json_decref(row);
	return e ? e : comms_event_get(c, a, id, out);
}
