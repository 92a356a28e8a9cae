/* feeds.c — what central publishes to a kit through the exchange's pull
 * (exchange.h, xchg_feeds[]): "mobile-kit" provisions it (the tours of the
 * unit it hosts with their stops and team, the registered capture devices,
 * central's box key) and "mobile-status" brings back what became of each
 * packet (accepted or refused with its reason, adjudication, production).
 * Both are produced at central in a read transaction and applied on the kit
 * in its write transaction, idempotently (mobile.h). */
#include "mobile/mobile.h"

#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "core/clock.h"
#include "db/dbj.h"

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* ------------------------------------------------------------ kit */

static const char sql_tours[] =
	"SELECT id, code, kit, vehicle, starts_on, ends_on, notes, created_at, supervisor, unit FROM mob_tours"
	" JOIN (SELECT id AS u_id, code AS unit FROM units) u ON u.u_id = unit_id"
	" JOIN (SELECT id AS s_id, badge AS supervisor FROM users) s ON s.s_id = supervisor_id"
	" WHERE unit = ? AND created_at > ? AND created_at <= ? ORDER BY created_at, id";
static const char sql_tour_cols[] =
	"id:t,code:t,kit:t,vehicle:t,starts_on:t,ends_on:t,notes:t,created_at:i,supervisor:t,unit:t";
static const char sql_stops[] =
	"SELECT id, seq, day, commune, place, place_kind, opens, closes, slot_minutes, per_slot FROM mob_stops"
	" WHERE tour_id = ? ORDER BY seq";
static const char sql_stop_cols[] =
	"id:t,seq:i,day:t,commune:t,place:t,place_kind:t,opens:t,closes:t,slot_minutes:i,per_slot:i";
static const char sql_team[] =
	"SELECT id, badge, role, user_id FROM mob_team JOIN (SELECT id AS u_id, badge FROM users) u ON u.u_id = user_id"
	" WHERE tour_id = ? ORDER BY badge";
static const char sql_devices[] =
	"SELECT id, serial, kind, make, model, public_key, status, registered_at FROM mob_devices"
	" WHERE registered_at > ? AND registered_at <= ? ORDER BY registered_at, id";
static const char sql_device_cols[] =
	"id:t,serial:t,kind:t,make:t,model:t,public_key:t,status:t,registered_at:i";
/* the team members of the unit's tours whose account changed since the
 * cursor (a password, a status): sent again, so that the kit follows */
static const char sql_accounts[] =
	"SELECT DISTINCT u_id, badge, updated_at FROM mob_team"
	" JOIN (SELECT id AS u_id, badge, updated_at FROM users) u ON u.u_id = user_id"
	" JOIN (SELECT id AS t_id, unit_id FROM mob_tours) t ON t.t_id = tour_id"
	" JOIN (SELECT id AS n_id, code FROM units) n ON n.n_id = t.unit_id"
	" WHERE code = ? AND updated_at > ? AND updated_at <= ? ORDER BY updated_at, u_id";

sj_err mob_feed_kit_produce(db_conn *c, const xchg_peer *p, int64_t after, int64_t upto, size_t limit,
			    json_t *records, int64_t *cursor, bool *more)
{
	(void)limit;
	*cursor = after;
	*more = false;
	char box[MOB_HASH_HEX + 1];
	/* the box key comes first, once: it moves the cursor to 1 (before any
	 * real time), so a node that has it is not sent it again */
	if (after == 0 && mob_box_public_hex(box) == SJ_OK) {
		json_array_append_new(records, json_pack("{s:s,s:s}", "record", "box_key", "value", box));
		*cursor = 1;
	}
	json_t *tours = NULL, *devs = NULL;
	sj_err e = dbj_rows(c, sql_tours, sql_tour_cols, &tours, "tii", p->unit_code, after, upto);
	e = e ? e : dbj_rows(c, sql_devices, sql_device_cols, &devs, "ii", after, upto);
	size_t i;
	json_t *t;
	json_array_foreach(tours, i, t) {
		json_t *stops = NULL, *team = NULL;
		if (e || (e = dbj_rows(c, sql_stops, sql_stop_cols, &stops, "t", js(t, "id"))) ||
		    (e = dbj_rows(c, sql_team, "id:t,badge:t,role:t,user_id:t", &team, "t", js(t, "id")))) {
			json_decref(stops);
			break;
		}
		/* each member's account, so that the team signs in on the kit with
		 * no network (auth_user_provision: no session, token or TOTP secret) */
		size_t k;
		json_t *m;
		json_array_foreach(team, k, m) {
			json_t *acct = NULL;
			if (e || (e = auth_user_provision(c, js(m, "user_id"), &acct)))
				break;
			json_object_set_new(m, "account", acct);
			json_object_del(m, "user_id");
		}
		if (e) {
			json_decref(stops);
			json_decref(team);
			break;
		}
		json_object_set_new(t, "stops", stops);
		json_object_set_new(t, "team", team);
		json_object_set_new(t, "record", json_string("tour"));
		int64_t at = json_integer_value(json_object_get(t, "created_at"));
		if (at > *cursor)
			*cursor = at;
		json_array_append(records, t);
	}
	json_array_foreach(devs, i, t) {
		if (e)
			break;
		json_object_set_new(t, "record", json_string("device"));
		int64_t at = json_integer_value(json_object_get(t, "registered_at"));
		if (at > *cursor)
			*cursor = at;
		json_array_append(records, t);
	}
	json_decref(tours);
	json_decref(devs);
	json_t *accts = NULL;
	e = e ? e : dbj_rows(c, sql_accounts, "u_id:t,badge:t,updated_at:i", &accts, "tii", p->unit_code, after, upto);
	json_array_foreach(accts, i, t) {
		json_t *acct = NULL;
		if (e || (e = auth_user_provision(c, js(t, "u_id"), &acct)))
			break;
		json_array_append_new(records, json_pack("{s:s,s:O,s:o}", "record", "account", "badge",
							 json_object_get(t, "badge"), "account", acct));
		int64_t at = json_integer_value(json_object_get(t, "updated_at"));
		if (at > *cursor)
			*cursor = at;
	}
	json_decref(accts);
	return e;
}

static const char sql_key_put[] =
	"INSERT INTO mob_kit_keys (name, value) VALUES ('central_box_key', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value";
static const char sql_user_id[] = "SELECT id FROM users WHERE badge = ?";
static const char sql_unit_id[] = "SELECT id FROM units WHERE code = ?";
static const char sql_kit_acct_put[] =
	"INSERT INTO mob_kit_accounts (user_id, provisioned_at) VALUES (?, ?) ON CONFLICT (user_id) DO NOTHING";
static const char sql_kit_acct_is[] = "SELECT COUNT(*) FROM mob_kit_accounts WHERE user_id = ?";
static const char sql_tour_put[] =
	"INSERT INTO mob_tours (id, unit_id, code, kit, vehicle, supervisor_id, starts_on, ends_on, status, notes,"
	" created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'provisioned', ?, ?, ?) ON CONFLICT (id) DO NOTHING";
static const char sql_stop_put[] =
	"INSERT INTO mob_stops (id, tour_id, seq, day, commune, place, place_kind, opens, closes, slot_minutes, per_slot)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING";
static const char sql_team_put[] =
	"INSERT INTO mob_team (id, tour_id, user_id, role) VALUES (?, ?, ?, ?) ON CONFLICT (tour_id, user_id) DO NOTHING";
static const char sql_dev_put[] =
	"INSERT INTO mob_devices (id, serial, kind, make, model, public_key, status, registered_at, registered_by)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (serial) DO UPDATE SET status = excluded.status";

/* local_id: the id of the row of sql (badge or code → id) on this node. */
static sj_err local_id(db_conn *c, const char *sql, const char *key, char out[40])
{
	json_t *r = NULL;
	sj_err e = dbj_one(c, sql, "id:t", &r, "t", key ? key : "");
	if (!e)
		snprintf(out, 40, "%s", js(r, "id"));
	json_decref(r);
	return e;
}

/* provision: the team members the kit has no account for are given central's
 * (badge, name, role, unit, language, password hash), listed in
 * mob_kit_accounts (they follow central afterwards: apply_account); an
 * account the kit already has of its own is the kit's and is left as it is;
 * a disabled one is not created. *made counts the accounts made. */
static sj_err provision(db_conn *c, json_t *team, int64_t *made)
{
	size_t i;
	json_t *m;
	json_array_foreach(team, i, m) {
		json_t *acct = json_object_get(m, "account");
		char uid[40];
		sj_err e = local_id(c, sql_user_id, js(m, "badge"), uid);
		if (e != SJ_ENOTFOUND) {
			if (e)
				return e;
			continue;
		}
		if (!js(acct, "badge") || strcmp(js(acct, "badge"), js(m, "badge")) != 0 || !js(acct, "status") ||
		    strcmp(js(acct, "status"), "active") != 0)
			continue;
		const char *field = NULL;
		auth_new_user nu = {.badge = js(acct, "badge"), .name = js(acct, "name"), .role = js(acct, "role"),
				    .unit_code = js(acct, "unit"), .lang = js(acct, "lang"),
				    .password_hash = js(acct, "password_hash")};
		char nid[ID_LEN + 1];
		e = auth_user_add(c, &nu, nid, &field);
		if (e == SJ_EINVAL)
			continue;   /* a unit or a role this kit does not know: the member waits */
		audit_entry ae = {.badge = "system", .role = "system", .action = "mobile.kit.account",
				  .object_type = "user", .object_id = nid, .outcome = "ok",
				  .detail = json_pack("{s:s,s:s?}", "badge", js(acct, "badge"), "role", js(m, "role"))};
		e = e ? e : audit_append(c, &ae, NULL);
		json_decref(ae.detail);
		e = e ? e : db_run(c, sql_kit_acct_put, "ti", nid, clock_now_ms());
		if (e)
			return e;
		(*made)++;
	}
	return SJ_OK;
}

static sj_err apply_tour(db_conn *c, json_t *t, int64_t *applied)
{
	char unit[40], sup[40];
	int64_t made = 0;
	sj_err e = provision(c, json_object_get(t, "team"), &made);
	e = e ? e : local_id(c, sql_unit_id, js(t, "unit"), unit);
	e = e ? e : local_id(c, sql_user_id, js(t, "supervisor"), sup);
	if (e == SJ_ENOTFOUND)
		return SJ_OK;   /* a supervisor the kit has no account for: the tour waits for the account */
	e = e ? e : db_run(c, sql_tour_put, "tttttttttit", js(t, "id"), unit, js(t, "code"), js(t, "kit"),
			   js(t, "vehicle"), sup, js(t, "starts_on"), js(t, "ends_on"), js(t, "notes"),
			   json_integer_value(json_object_get(t, "created_at")), sup);
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(t, "stops"), i, s) {
		if (e)
			break;
		e = db_run(c, sql_stop_put, "ttittttttii", js(s, "id"), js(t, "id"),
			   json_integer_value(json_object_get(s, "seq")), js(s, "day"), js(s, "commune"), js(s, "place"),
			   js(s, "place_kind"), js(s, "opens"), js(s, "closes"),
			   json_integer_value(json_object_get(s, "slot_minutes")),
			   json_integer_value(json_object_get(s, "per_slot")));
	}
	json_array_foreach(json_object_get(t, "team"), i, s) {
		char uid[40];
		if (e)
			break;
		if ((e = local_id(c, sql_user_id, js(s, "badge"), uid)) == SJ_ENOTFOUND) {
			e = SJ_OK;
			continue;
		}
		e = e ? e : db_run(c, sql_team_put, "tttt", js(s, "id"), js(t, "id"), uid, js(s, "role"));
	}
	if (!e)
		(*applied)++;
	return e;
}

/* apply_account: central's account of a team member changed. One the kit
 * was provisioned with (mob_kit_accounts) takes central's password hash and
 * status (disabled: its sessions end, it signs in no more); one the kit does
 * not have yet is made as at provisioning; one of the kit's own is left. */
static sj_err apply_account(db_conn *c, json_t *r, int64_t *applied)
{
	json_t *acct = json_object_get(r, "account");
	const char *badge = js(acct, "badge");
	if (!badge || !js(r, "badge") || strcmp(badge, js(r, "badge")) != 0)
		return SJ_OK;
	char uid[40];
	sj_err e = local_id(c, sql_user_id, badge, uid);
	if (e == SJ_ENOTFOUND) {
		int64_t made = 0;
		json_t *team = json_pack("[{s:s,s:O}]", "badge", badge, "account", acct);
		e = team ? provision(c, team, &made) : SJ_ENOMEM;
		json_decref(team);
		*applied += made;
		return e;
	}
	int64_t mine = 0;
	e = e ? e : dbj_int(c, sql_kit_acct_is, &mine, "t", uid);
	if (e || !mine)
		return e;
	json_t *cur = NULL;
	if ((e = auth_user_provision(c, uid, &cur)))
		return e;
	bool pw = js(acct, "password_hash") && js(cur, "password_hash") &&
		  strcmp(js(acct, "password_hash"), js(cur, "password_hash")) != 0;
	const char *st = js(acct, "status");
	bool status = st && js(cur, "status") && strcmp(st, js(cur, "status")) != 0 &&
		      (strcmp(st, "active") == 0 || strcmp(st, "disabled") == 0);
	json_decref(cur);
	if (pw && (e = auth_user_set_password_hash(c, uid, js(acct, "password_hash"))) == SJ_EINVAL) {
		e = SJ_OK;   /* not an argon2id hash: the kit keeps the one it has */
		pw = false;
	}
	if (!e && status)
		e = auth_user_set_status(c, badge, st);
	if (e || (!pw && !status))
		return e;
	audit_entry ae = {.badge = "system", .role = "system", .action = "mobile.kit.account",
			  .object_type = "user", .object_id = uid, .outcome = "ok",
			  .detail = json_pack("{s:s,s:b,s:s?}", "badge", badge, "password", pw, "status",
					      status ? st : NULL)};
	e = audit_append(c, &ae, NULL);
	json_decref(ae.detail);
	if (!e)
		(*applied)++;
	return e;
}

sj_err mob_feed_kit_apply(db_conn *c, json_t *records, int64_t issued_at, int64_t *applied)
{
	(void)issued_at;
	*applied = 0;
	size_t i;
	json_t *r;
	sj_err e = SJ_OK;
	json_array_foreach(records, i, r) {
		const char *k = js(r, "record") ? js(r, "record") : "";
		if (strcmp(k, "box_key") == 0) {
			e = db_run(c, sql_key_put, "t", js(r, "value"));
			(*applied)++;
		} else if (strcmp(k, "tour") == 0) {
			e = apply_tour(c, r, applied);
		} else if (strcmp(k, "account") == 0) {
			e = apply_account(c, r, applied);
		} else if (strcmp(k, "device") == 0) {
			e = db_run(c, sql_dev_put, "tttttttit", js(r, "id"), js(r, "serial"), js(r, "kind"), js(r, "make"),
				   js(r, "model"), js(r, "public_key"), js(r, "status"),
				   json_integer_value(json_object_get(r, "registered_at")), (const char *)NULL);
			(*applied)++;
		}
		if (e)
			return e;
	}
	return SJ_OK;
}

/* ------------------------------------------------------------ status */

/* A replay's refusal is about the copy, not the application: it never goes
 * back over the application's own status. */

static const char sql_status[] =
	"SELECT enrolment_id, application_no, outcome, reason, status, status_at FROM mob_received"
	" WHERE unit = ? AND status_at > ? AND status_at <= ? AND (reason IS NULL OR reason <> 'packet-replay')"
	" ORDER BY status_at, id";

sj_err mob_feed_status_produce(db_conn *c, const xchg_peer *p, int64_t after, int64_t upto, size_t limit,
			       json_t *records, int64_t *cursor, bool *more)
{
	(void)limit;
	*cursor = after;
	*more = false;
	json_t *rows = NULL;
	sj_err e = dbj_rows(c, sql_status, "enrolment_id:t,application_no:t,outcome:t,reason:t,status:t,status_at:i", &rows,
			    "tii", p->unit_code, after, upto);
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		int64_t at = json_integer_value(json_object_get(r, "status_at"));
		if (at > *cursor)
			*cursor = at;
		json_array_append(records, r);
	}
	json_decref(rows);
	return e;
}

static const char sql_status_put[] =
	"UPDATE mob_enrolments SET central_status = ?, central_reason = ?, central_at = ?"
	" WHERE application_no = ? AND (central_at IS NULL OR central_at <= ?)";

sj_err mob_feed_status_apply(db_conn *c, json_t *records, int64_t issued_at, int64_t *applied)
{
	(void)issued_at;
	*applied = 0;
	size_t i;
	json_t *r;
	json_array_foreach(records, i, r) {
		int64_t at = json_integer_value(json_object_get(r, "status_at"));
		sj_err e = db_run(c, sql_status_put, "ttiti", js(r, "status"), js(r, "reason"), at, js(r, "application_no"), at);
		if (e)
			return e;
		(*applied)++;
	}
	return SJ_OK;
}
