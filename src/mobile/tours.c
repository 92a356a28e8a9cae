/* tours.c — a mobile unit's tour (جولة): planned by a regional command with
 * its kit, vehicle, team, stops by day, commune and place, appointment slots,
 * and the citizens booked in them (mobile.h). */
#include "mobile/mobile.h"

#include <stdio.h>
#include <string.h>

#include "cases/cases.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "org/units.h"

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* ------------------------------------------------------------ the records */

REC_ENUM_DEF(tour_statuses, "mob_tour_status", "planned", "provisioned", "closed", "cancelled");
REC_ENUM_DEF(place_kinds, "mob_place_kind", "douar", "school", "commune_hall", "market", "other");

/* hhmm_ok: "HH:MM", 00:00..23:59; *min the minutes since midnight. */
static bool hhmm_ok(const char *s, int *min)
{
	if (!s || strlen(s) != 5 || s[2] != ':')
		return false;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return false;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 23 || m > 59)
		return false;
	*min = h * 60 + m;
	return true;
}

static void stop_check(json_t *o, const char *prefix, json_t *errs)
{
	int a = 0, b = 0;
	if (!hhmm_ok(js(o, "opens"), &a))
		rec_err(errs, prefix, "opens", "format", "a time HH:MM");
	else if (!hhmm_ok(js(o, "closes"), &b))
		rec_err(errs, prefix, "closes", "format", "a time HH:MM");
	else if (b <= a)
		rec_err(errs, prefix, "closes", "bad-hours", "closes before it opens");
}

#define STOP_FIELDS(X) \
	X(C, tour_id, ID, 0, 36, NULL, 0) \
	X(C, seq, INT, 1, MOB_MAX_STOPS, NULL, OUT) \
	X(C, day, DATE, 0, 10, NULL, IN | REQ | OUT) \
	X(C, commune, CODE, 1, SJ_MAX_REFERENCE, NULL, IN | REQ | OUT) \
	X(C, place, TEXT, 2, SJ_MAX_SHORT_TEXT, NULL, IN | REQ | OUT) \
	X(C, place_kind, ENUM, 0, 0, &place_kinds, IN | REQ | OUT) \
	X(C, opens, TEXT, 5, 5, NULL, IN | REQ | OUT) \
	X(C, closes, TEXT, 5, 5, NULL, IN | REQ | OUT) \
	X(C, slot_minutes, INT, 5, 240, NULL, IN | REQ | OUT) \
	X(C, per_slot, INT, 1, 100, NULL, IN | REQ | OUT) \
	X(V, commune_name_fr, TEXT, 1, UNIT_NAME_MAX, NULL, OUT) \
	X(V, commune_name_ar, TEXT, 1, UNIT_NAME_MAX, NULL, OUT) \
	X(V, booked, INT, 0, 0, NULL, OUT)
static const rec_field stop_fields[] = {REC_ID_FIELD, STOP_FIELDS(REC_FIELD)};
const rec_desc mob_stop_rec = REC_DESC("mob_stop", "mob_stops", stop_fields, stop_check);

/* The team as a read shows it. */
#define MEMBER_FIELDS(X) \
	X(V, badge, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(V, name, TEXT, 1, SJ_MAX_NAME, NULL, OUT) \
	X(V, role, TEXT, 1, 16, NULL, OUT)
static const rec_field member_fields[] = {MEMBER_FIELDS(REC_FIELD)};
static const rec_desc member_rec = REC_DESC("mob_member", NULL, member_fields, NULL);

#define TOUR_FIELDS(X) \
	X(C, unit_id, ID, 0, 36, NULL, 0) \
	X(C, code, CODE, 1, CASE_NUMBER_MAX, NULL, OUT) \
	X(C, kit, CODE, 1, MOB_KIT_MAX, NULL, IN | REQ | OUT) \
	X(C, vehicle, TEXT, 2, SJ_MAX_VEHICLE_TEXT, NULL, IN | REQ | OUT) \
	X(C, supervisor_id, ID, 0, 36, NULL, 0) \
	X(C, starts_on, DATE, 0, 10, NULL, IN | REQ | OUT) \
	X(C, ends_on, DATE, 0, 10, NULL, IN | REQ | OUT) \
	X(E, status, ENUM, 0, 0, &tour_statuses, OUT) \
	X(E, notes, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | OUT | MULTI | NULLABLE) \
	X(C, created_at, TIME, 0, 0, NULL, OUT) \
	X(C, created_by, ID, 0, 36, NULL, 0) \
	X(V, supervisor, CODE, 1, SJ_MAX_BADGE, NULL, IN | REQ | OUT) \
	X(V, operators, ARRAY, 1, MOB_MAX_TEAM, NULL, IN | REQ) \
	X(V, stops, ARRAY, 1, MOB_MAX_STOPS, &mob_stop_rec, IN | REQ | OUT) \
	X(V, team, ARRAY, 0, 0, &member_rec, OUT) \
	X(V, unit, CODE, 1, UNIT_CODE_MAX, NULL, OUT) \
	X(V, unit_name_fr, TEXT, 1, UNIT_NAME_MAX, NULL, OUT) \
	X(V, unit_name_ar, TEXT, 1, UNIT_NAME_MAX, NULL, OUT) \
	X(V, unit_path, TEXT, 1, UNIT_PATH_MAX, NULL, 0) \
	X(V, enrolled, INT, 0, 0, NULL, OUT)
static const rec_field tour_fields[] = {REC_ID_FIELD, TOUR_FIELDS(REC_FIELD)};
const rec_desc mob_tour_rec = REC_DESC("mob_tour", "mob_tours", tour_fields, NULL);
#define TOURS_FIELDS(X) X(V, items, ARRAY, 0, 0, &mob_tour_rec, OUT)
static const rec_field tours_fields[] = {TOURS_FIELDS(REC_FIELD)};
const rec_desc mob_tours_rec = REC_DESC("mob_tours", NULL, tours_fields, NULL);

#define BOOKING_FIELDS(X) \
	X(C, tour_id, ID, 0, 36, NULL, OUT) \
	X(C, stop_seq, INT, 1, MOB_MAX_STOPS, NULL, IN | REQ | OUT) \
	X(C, slot, TEXT, 5, 5, NULL, IN | REQ | OUT) \
	X(C, preapp_no, CODE, 1, SJ_MAX_REFERENCE, NULL, IN | OUT | NULLABLE) \
	X(C, name_lat, TEXT, 2, SJ_MAX_NAME, NULL, IN | OUT | PII | NULLABLE) \
	X(C, name_ar, TEXT, 2, SJ_MAX_NAME, NULL, IN | OUT | PII | NULLABLE) \
	X(C, phone, TEXT, 6, SJ_MAX_PHONE, NULL, IN | OUT | PII | NULLABLE) \
	X(C, booked_at, TIME, 0, 0, NULL, OUT) \
	X(C, booked_by, ID, 0, 36, NULL, 0)
static void booking_check(json_t *o, const char *prefix, json_t *errs)
{
	if (!js(o, "preapp_no") && !js(o, "name_lat") && !js(o, "name_ar"))
		rec_err(errs, prefix, "name_lat", "required", "a pre-application number or a name");
}
static const rec_field booking_fields[] = {REC_ID_FIELD, BOOKING_FIELDS(REC_FIELD)};
const rec_desc mob_booking_rec = REC_DESC("mob_booking", "mob_bookings", booking_fields, booking_check);

/* ------------------------------------------------------------ SQL */

static const char sql_tour_add[] = "INSERT INTO mob_tours (" REC_COLS(TOUR_FIELDS) ") VALUES (" REC_QS(TOUR_FIELDS) ")";
static const char sql_stop_add[] = "INSERT INTO mob_stops (" REC_COLS(STOP_FIELDS) ") VALUES (" REC_QS(STOP_FIELDS) ")";
static const char sql_team_add[] = "INSERT INTO mob_team (id, tour_id, user_id, role) VALUES (?, ?, ?, ?)"
				   " ON CONFLICT (tour_id, user_id) DO NOTHING";
static const char sql_user[] =
	"SELECT id, path FROM users JOIN (SELECT id AS u_id, path FROM units) u ON u.u_id = unit_id"
	" WHERE badge = ? AND status = 'active'";
static const char sql_commune_ok[] = "SELECT COUNT(*) FROM desk_communes WHERE code = ?";

static const char sql_get[] =
	"SELECT " REC_COLS(TOUR_FIELDS) ", supervisor, unit, unit_name_fr, unit_name_ar, unit_path,"
	" (SELECT COUNT(*) FROM mob_enrolments WHERE tour_id = mob_tours.id) AS enrolled FROM mob_tours"
	" JOIN (SELECT id AS u_id, code AS unit, name_fr AS unit_name_fr, name_ar AS unit_name_ar, path AS unit_path"
	" FROM units) u ON u.u_id = unit_id"
	" JOIN (SELECT id AS s_id, badge AS supervisor FROM users) s ON s.s_id = supervisor_id WHERE id = ?";
static const char sql_stops[] =
	"SELECT id, seq, day, commune, place, place_kind, opens, closes, slot_minutes, per_slot, commune_name_fr,"
	" commune_name_ar, (SELECT COUNT(*) FROM mob_bookings b WHERE b.tour_id = mob_stops.tour_id"
	" AND b.stop_seq = mob_stops.seq) AS booked FROM mob_stops"
	" LEFT JOIN (SELECT code AS m_code, name_fr AS commune_name_fr, name_ar AS commune_name_ar FROM desk_communes) m"
	" ON m.m_code = commune WHERE tour_id = ? ORDER BY seq";
static const char sql_team[] =
	"SELECT badge, name, role FROM mob_team JOIN (SELECT id AS u_id, badge, name FROM users) u"
	" ON u.u_id = user_id WHERE tour_id = ? ORDER BY role DESC, badge";

/* user_in_scope finds the active user of badge in the actor's scope. */
static sj_err user_in_scope(db_conn *c, const sj_actor *a, const char *badge, char id[ID_LEN + 1])
{
	json_t *u = NULL;
	sj_err e = dbj_one(c, sql_user, "id:t,path:t", &u, "t", badge ? badge : "");
	if (!e && !actor_in_scope(a, js(u, "path")))
		e = SJ_ENOTFOUND;
	if (!e)
		snprintf(id, ID_LEN + 1, "%s", js(u, "id"));
	json_decref(u);
	return e;
}

/* ------------------------------------------------------------ create */

sj_err mob_tour_create(db_conn *c, const sj_actor *a, json_t *in, json_t **out, const char **field,
		       const char **why)
{
	*out = NULL;
	const char *from = js(in, "starts_on"), *to = js(in, "ends_on");
	if (strcmp(to, from) < 0) {
		*field = "ends_on";
		*why = "before-start";
		return SJ_EINVAL;
	}
	char sup[ID_LEN + 1];
	sj_err e = user_in_scope(c, a, js(in, "supervisor"), sup);
	if (e == SJ_ENOTFOUND) {
		*field = "supervisor";
		*why = "unknown-user";
		return SJ_EINVAL;
	}
	if (e)
		return e;
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(in, "stops"), i, s) {
		int64_t n = 0;
		if (strcmp(js(s, "day"), from) < 0 || strcmp(js(s, "day"), to) > 0) {
			*field = "stops";
			*why = "stop-outside-tour";
			return SJ_EINVAL;
		}
		if ((e = dbj_int(c, sql_commune_ok, &n, "t", js(s, "commune"))))
			return e;
		if (!n) {
			*field = "stops";
			*why = "unknown-commune";
			return SJ_EINVAL;
		}
	}
	int64_t now = clock_now_ms(), year = clock_legal_year(now), n = 0;
	if ((e = case_counter_next(c, "mobile_tour", a->unit_id, year, &n)))
		return e;
	char id[ID_LEN + 1], code[CASE_NUMBER_MAX + 1];
	id_new(id);
	snprintf(code, sizeof code, "%s/%lld/TR-%04lld", a->unit_code, (long long)year, (long long)n);
	json_t *row = json_deep_copy(in);
	if (!row)
		return SJ_ENOMEM;
	json_object_set_new(row, "id", json_string(id));
	json_object_set_new(row, "unit_id", json_string(a->unit_id));
	json_object_set_new(row, "code", json_string(code));
	json_object_set_new(row, "supervisor_id", json_string(sup));
	json_object_set_new(row, "status", json_string("planned"));
	json_object_set_new(row, "created_at", json_integer(now));
	json_object_set_new(row, "created_by", json_string(a->id));
	e = dbj_write(c, sql_tour_add, &mob_tour_rec, row, false, "");
	json_decref(row);
	char mid[ID_LEN + 1];
	id_new(mid);
	e = e ? e : db_run(c, sql_team_add, "tttt", mid, id, sup, "supervisor");
	json_array_foreach(json_object_get(in, "operators"), i, s) {
		if (e)
			break;
		char uid[ID_LEN + 1];
		if (!json_is_string(s) || (e = user_in_scope(c, a, json_string_value(s), uid)) == SJ_ENOTFOUND) {
			*field = "operators";
			*why = "unknown-user";
			return SJ_EINVAL;
		}
		id_new(mid);
		e = e ? e : db_run(c, sql_team_add, "tttt", mid, id, uid, "operator");
	}
	json_array_foreach(json_object_get(in, "stops"), i, s) {
		if (e)
			break;
		json_t *st = json_deep_copy(s);
		char sid[ID_LEN + 1];
		id_new(sid);
		json_object_set_new(st, "id", json_string(sid));
		json_object_set_new(st, "tour_id", json_string(id));
		json_object_set_new(st, "seq", json_integer((json_int_t)i + 1));
		e = dbj_write(c, sql_stop_add, &mob_stop_rec, st, false, "");
		json_decref(st);
	}
	return e ? e : mob_tour_read(c, a, id, out, why);
}

/* ------------------------------------------------------------ reads */

sj_err mob_tour_read(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why)
{
	*out = NULL;
	json_t *o = NULL, *stops = NULL, *team = NULL;
	sj_err e = id_valid(id) ? dbj_rec_one(c, sql_get, &mob_tour_rec, &o, "t", id) : SJ_ENOTFOUND;
	if (e == SJ_ENOTFOUND)
		*why = "tour-not-found";
	if (!e && !actor_can_read(a, js(o, "unit_path")))
		e = SJ_EFORBIDDEN;
	e = e ? e : dbj_rec_rows(c, sql_stops, &mob_stop_rec, &stops, "t", id);
	e = e ? e : dbj_rec_rows(c, sql_team, &member_rec, &team, "t", id);
	if (e) {
		json_decref(o);
		json_decref(stops);
		return e;
	}
	json_object_set_new(o, "stops", stops);
	json_object_set_new(o, "team", team);
	*out = o;
	return SJ_OK;
}

static const char sql_list[] =
	"SELECT id, code, kit, vehicle, starts_on, ends_on, status, notes, created_at, unit, unit_name_fr,"
	" unit_name_ar, unit_path, supervisor,"
	" (SELECT COUNT(*) FROM mob_enrolments WHERE tour_id = mob_tours.id) AS enrolled FROM mob_tours"
	" JOIN (SELECT id AS u_id, code AS unit, name_fr AS unit_name_fr, name_ar AS unit_name_ar, path AS unit_path"
	" FROM units) u ON u.u_id = unit_id"
	" JOIN (SELECT id AS s_id, badge AS supervisor FROM users) s ON s.s_id = supervisor_id"
	" WHERE ? = 1 OR unit_path LIKE ? ORDER BY starts_on DESC, code DESC LIMIT 200";

sj_err mob_tours_list(db_conn *c, const sj_actor *a, json_t **out)
{
	*out = NULL;
	char like[UNIT_PATH_MAX + 2];
	snprintf(like, sizeof like, "%s%%", a->unit_path ? a->unit_path : "");
	json_t *rows = NULL;
	sj_err e = dbj_rec_rows(c, sql_list, &mob_tour_rec, &rows, "it", (int64_t)(a->national ? 1 : 0), like);
	if (!e && !(*out = json_pack("{s:o}", "items", rows)))
		e = SJ_ENOMEM;
	return e;
}

sj_err mob_tour_member(db_conn *c, const char *tour_id, const char *user_id, const char *role, bool *yes)
{
	static const char sql[] = "SELECT COUNT(*) FROM mob_team WHERE tour_id = ? AND user_id = ? AND role = ?";
	int64_t n = 0;
	sj_err e = dbj_int(c, sql, &n, "ttt", tour_id, user_id ? user_id : "", role);
	*yes = n > 0;
	return e;
}

/* ------------------------------------------------------------ bookings */

static const char sql_stop_one[] =
	"SELECT opens, closes, slot_minutes, per_slot FROM mob_stops WHERE tour_id = ? AND seq = ?";
static const char sql_booked[] = "SELECT COUNT(*) FROM mob_bookings WHERE tour_id = ? AND stop_seq = ? AND slot = ?";
static const char sql_booking_add[] =
	"INSERT INTO mob_bookings (" REC_COLS(BOOKING_FIELDS) ") VALUES (" REC_QS(BOOKING_FIELDS) ")";
static const char sql_booking_get[] = "SELECT " REC_COLS(BOOKING_FIELDS) " FROM mob_bookings WHERE id = ?";

sj_err mob_booking_add(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out, const char **field,
		       const char **why)
{
	*out = NULL;
	json_t *t = NULL, *stop = NULL;
	sj_err e = mob_tour_read(c, a, id, &t, why);
	if (!e && !actor_can_write(a, js(t, "unit_path")))
		e = SJ_EFORBIDDEN;
	json_decref(t);
	if (e)
		return e;
	int64_t seq = json_integer_value(json_object_get(in, "stop_seq"));
	e = dbj_one(c, sql_stop_one, "opens:t,closes:t,slot_minutes:i,per_slot:i", &stop, "ti", id, seq);
	if (e == SJ_ENOTFOUND) {
		*field = "stop_seq";
		*why = "unknown-stop";
		return SJ_EINVAL;
	}
	if (e)
		return e;
	int opens = 0, closes = 0, at = -1;
	bool ok = hhmm_ok(js(stop, "opens"), &opens) && hhmm_ok(js(stop, "closes"), &closes) &&
		  hhmm_ok(js(in, "slot"), &at);
	int64_t len = json_integer_value(json_object_get(stop, "slot_minutes")),
		cap = json_integer_value(json_object_get(stop, "per_slot"));
	json_decref(stop);
	if (!ok || at < opens || at + len > closes || (at - opens) % len != 0) {
		*field = "slot";
		*why = "not-a-slot";
		return SJ_EINVAL;
	}
	int64_t n = 0;
	if ((e = dbj_int(c, sql_booked, &n, "tit", id, seq, js(in, "slot"))))
		return e;
	if (n >= cap) {
		*why = "slot-full";
		return SJ_ECONFLICT;
	}
	char bid[ID_LEN + 1];
	id_new(bid);
	json_t *row = json_deep_copy(in);
	json_object_set_new(row, "id", json_string(bid));
	json_object_set_new(row, "tour_id", json_string(id));
	json_object_set_new(row, "booked_at", json_integer(clock_now_ms()));
	json_object_set_new(row, "booked_by", json_string(a->id));
	e = dbj_write(c, sql_booking_add, &mob_booking_rec, row, false, "");
	json_decref(row);
	return e ? e : dbj_rec_one(c, sql_booking_get, &mob_booking_rec, out, "t", bid);
}
