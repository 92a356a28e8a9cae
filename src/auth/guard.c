/* guard.c — the second factor once it is enabled, failed attempts that
 * outlive their transaction, and the demo accounts of a public database
 * (issue 10, items 13, 14 and 17; see auth.h).
 *
 * Replacing an enabled factor needs the current code (POST /me/totp/replace);
 * removing it is an administrator's audited reset (POST
 * /users/{badge}/totp/reset), which also ends the user's sessions. A wrong
 * current code or current password is counted in rate_limits in a
 * transaction of its own (the refusal itself rolls back); at
 * AUTH_ATTEMPTS_MAX failures in AUTH_ATTEMPTS_WINDOW_MS the check is
 * refused 429 "too-many-attempts" without being tried. */
#include "auth/auth.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/totp.h"
#include "core/clock.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "settings/settings.h"

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

#define TOTP_REPLACE_FIELDS(X) X(V, otp, TEXT, SJ_TOTP_DIGITS, SJ_TOTP_DIGITS, NULL, IN | REQ)
static const rec_field totp_replace_fields[] = {TOTP_REPLACE_FIELDS(REC_FIELD)};
const rec_desc auth_totp_replace_rec = REC_DESC("totp_replace", NULL, totp_replace_fields, NULL);

#define TOTP_RESET_FIELDS(X) \
	X(V, reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | REQ | MULTI) \
	X(V, badge, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(V, totp_enabled, BOOL, 0, 0, NULL, OUT)
static const rec_field totp_reset_fields[] = {TOTP_RESET_FIELDS(REC_FIELD)};
const rec_desc auth_totp_reset_rec = REC_DESC("totp_reset", NULL, totp_reset_fields, NULL);

/* ---------- failed attempts ---------- */

static const char sql_attempts[] = "SELECT count, window_start FROM rate_limits WHERE key = ?";

sj_err auth_attempts_check(db_conn *c, const char *key, const char **why, int64_t *retry_s)
{
	json_t *row = NULL;
	sj_err e = dbj_one(c, sql_attempts, "count:i,start:i", &row, "t", key);
	if (e == SJ_ENOTFOUND)
		return SJ_OK;
	if (e)
		return e;
	int64_t n = json_integer_value(json_object_get(row, "count")),
		start = json_integer_value(json_object_get(row, "start")), now = clock_now_ms();
	json_decref(row);
	if (start + AUTH_ATTEMPTS_WINDOW_MS > now && n >= AUTH_ATTEMPTS_MAX) {
		*why = "too-many-attempts";
		if (retry_s)
			*retry_s = (start + AUTH_ATTEMPTS_WINDOW_MS - now) / 1000 + 1;
		return SJ_ELIMIT;
	}
	return SJ_OK;
}

sj_err auth_attempt_failed(db *d, const char *key)
{
	db_conn *c;
	sj_err e = db_acquire(d, &c);
	if (e)
		return e;
	int64_t n = 0, start = 0;
	e = db_begin(c, DB_WRITE);
	e = e ? e : auth_rate_count(c, key, clock_now_ms(), AUTH_ATTEMPTS_WINDOW_MS, &n, &start);
	e = e ? e : db_commit(c);
	if (e)
		db_rollback(c);
	db_release(d, c);
	return e;
}

void auth_attempt_key(char out[AUTH_ATTEMPT_KEY_MAX], const char *what, const char *user_id)
{
	snprintf(out, AUTH_ATTEMPT_KEY_MAX, "%s:%s", what, user_id ? user_id : "");
}

/* ---------- the second factor ---------- */

static const char sql_totp_state[] = "SELECT totp_enabled, totp_secret, totp_last_step FROM users WHERE id = ?";
static const char sql_totp_step[] = "UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?";
static const char sql_totp_clear[] =
	"UPDATE users SET totp_secret = NULL, totp_enabled = 0, totp_last_step = 0, updated_at = ? WHERE id = ?";
static const char sql_totp_off[] = "UPDATE users SET totp_enabled = 0, totp_last_step = 0, updated_at = ? WHERE id = ?";
static const char sql_revoke_all[] = "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL";

sj_err auth_totp_enabled(db_conn *c, const char *user_id, bool *on)
{
	json_t *row = NULL;
	*on = false;
	sj_err e = dbj_one(c, sql_totp_state, "on:i,secret:t,last:i", &row, "t", user_id);
	if (!e)
		*on = json_integer_value(json_object_get(row, "on")) != 0;
	json_decref(row);
	return e;
}

sj_err auth_totp_replace(db_conn *c, const sj_actor *a, json_t *in, json_t **out, const char **why,
			 int64_t *retry_s)
{
	*out = NULL;
	char key[AUTH_ATTEMPT_KEY_MAX];
	auth_attempt_key(key, "totp", a->id);
	sj_err e = auth_attempts_check(c, key, why, retry_s);
	if (e)
		return e;
	json_t *row = NULL;
	if ((e = dbj_one(c, sql_totp_state, "on:i,secret:t,last:i", &row, "t", a->id)))
		return e;
	bool on = json_integer_value(json_object_get(row, "on")) != 0;
	const char *secret = js(row, "secret");
	int64_t step = 0, now = clock_now_ms();
	if (!on || !secret) {
		json_decref(row);
		*why = "totp-not-enabled";
		return SJ_ECONFLICT;
	}
	e = totp_check(secret, js(in, "otp"), now, json_integer_value(json_object_get(row, "last")), &step);
	json_decref(row);
	if (e) {
		*why = "invalid-otp";
		return SJ_EUNPROCESSABLE;
	}
	/* the current code is consumed; the new secret waits for its
	 * confirmation (until then the session may only enrol, as at first) */
	e = db_run(c, sql_totp_step, "iti", step, a->id, step);
	e = e ? e : db_run(c, sql_totp_off, "it", now, a->id);
	return e ? e : auth_totp_begin(c, a, out, why);
}

sj_err auth_totp_reset(db_conn *c, const sj_actor *a, const char *badge, json_t *in, json_t **out,
		       const char **why)
{
	(void)in;
	*out = NULL;
	auth_user u;
	sj_err e = auth_user_find(c, badge, NULL, &u);
	if (e == SJ_ENOTFOUND)
		*why = "user-not-found";
	if (e)
		return e;
	if (!a->national && !actor_in_scope(a, u.unit.path))
		return SJ_EFORBIDDEN;
	int64_t now = clock_now_ms();
	e = db_run(c, sql_totp_clear, "it", now, u.id);
	e = e ? e : db_run(c, sql_revoke_all, "it", now, u.id);
	if (!e && !(*out = json_pack("{s:s,s:b}", "badge", u.badge, "totp_enabled", 0)))
		e = SJ_ENOMEM;
	return e;
}

/* ---------- demo accounts and public addresses ---------- */

sj_err auth_mark_public(db *d)
{
	db_conn *c;
	sj_err e = db_acquire(d, &c);
	if (e)
		return e;
	int64_t now = clock_now_ms();
	e = db_begin(c, DB_WRITE);
	e = e ? e : settings_state_set(c, AUTH_STATE_SERVED_PUBLIC, now, now);
	e = e ? e : db_commit(c);
	if (e)
		db_rollback(c);
	db_release(d, c);
	return e;
}

static const char sql_is_demo[] = "SELECT demo FROM users WHERE badge = ?";

sj_err auth_demo_enable_check(db_conn *c, const char *badge)
{
	int64_t demo = 0, at = 0;
	bool served = false;
	sj_err e = dbj_int(c, sql_is_demo, &demo, "t", badge);
	if (e == SJ_ENOTFOUND || (!e && !demo))
		return SJ_OK;
	e = e ? e : settings_state_get(c, AUTH_STATE_SERVED_PUBLIC, &at, &served);
	if (!e && served)
		e = SJ_ECONFLICT;
	return e;
}

/* ---------- anonymous refusals ---------- */

static const char sql_anon_prev[] = "SELECT count, window_start FROM rate_limits WHERE key = ?";

sj_err auth_anon_count(db *d, const char *ip, const char *reason, auth_anon *out)
{
	memset(out, 0, sizeof *out);
	char key[96];
	snprintf(key, sizeof key, "anon:%s:%s", ip ? ip : "", reason ? reason : "");
	db_conn *c;
	sj_err e = db_acquire(d, &c);
	if (e)
		return e;
	int64_t now = clock_now_ms(), start = now;
	json_t *prev = NULL;
	e = db_begin(c, DB_WRITE);
	if (!e) {
		sj_err pe = dbj_one(c, sql_anon_prev, "count:i,start:i", &prev, "t", key);
		if (pe && pe != SJ_ENOTFOUND)
			e = pe;
	}
	e = e ? e : auth_rate_count(c, key, now, AUTH_ANON_WINDOW_MS, &out->count, &start);
	e = e ? e : db_commit(c);
	if (e)
		db_rollback(c);
	db_release(d, c);
	if (!e && out->count == 1 && prev) {
		/* a new window: the one before it ends here, with its count */
		out->prev_count = json_integer_value(json_object_get(prev, "count"));
		out->prev_start = json_integer_value(json_object_get(prev, "start"));
	}
	json_decref(prev);
	out->retry_s = (start + AUTH_ANON_WINDOW_MS - now) / 1000 + 1;
	return e;
}

/* ---------- login failures per badge and address ---------- */

static const char sql_lf_get[] = "SELECT count, window_start FROM rate_limits WHERE key = ?";
static const char sql_lf_note[] =
	"INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1)"
	" ON CONFLICT (key) DO UPDATE SET"
	" count = CASE WHEN rate_limits.window_start < ? THEN 1 ELSE rate_limits.count + 1 END, window_start = ?";
static const char sql_lf_clear[] = "UPDATE rate_limits SET count = 0 WHERE key = ?";

static void lf_key(char out[AUTH_LF_KEY_MAX], const char *badge, const char *ip)
{
	snprintf(out, AUTH_LF_KEY_MAX, "login-fail:%s:%s", ip ? ip : "", badge ? badge : "");
}

/* lf_backoff: how long the pair waits after its n-th failure. */
static int64_t lf_backoff(int64_t n)
{
	if (n < SJ_LOCK_AFTER_FAILURES)
		return 0;
	int64_t ms = SJ_LOCK_BASE_MS;
	for (int64_t k = SJ_LOCK_AFTER_FAILURES; k < n && ms < SJ_LOCK_MAX_MS; k++)
		ms *= 2;
	return ms > SJ_LOCK_MAX_MS ? SJ_LOCK_MAX_MS : ms;
}

sj_err auth_login_blocked(db_conn *c, const char *badge, const char *ip, int64_t now, bool *blocked)
{
	*blocked = false;
	char key[AUTH_LF_KEY_MAX];
	lf_key(key, badge, ip);
	json_t *row = NULL;
	sj_err e = dbj_one(c, sql_lf_get, "count:i,last:i", &row, "t", key);
	if (e == SJ_ENOTFOUND)
		return SJ_OK;
	if (!e) {
		int64_t n = json_integer_value(json_object_get(row, "count")),
			last = json_integer_value(json_object_get(row, "last"));
		*blocked = n >= SJ_LOCK_AFTER_FAILURES && now < last + lf_backoff(n);
	}
	json_decref(row);
	return e;
}

sj_err auth_login_failure(db_conn *c, const char *badge, const char *ip, int64_t now)
{
	char key[AUTH_LF_KEY_MAX];
	lf_key(key, badge, ip);
	/* a pair quiet for SJ_LOCK_MAX_MS starts again from its first failure */
	return db_run(c, sql_lf_note, "tiii", key, now, now - SJ_LOCK_MAX_MS, now);
}

sj_err auth_login_success(db_conn *c, const char *badge, const char *ip)
{
	char key[AUTH_LF_KEY_MAX];
	lf_key(key, badge, ip);
	return db_run(c, sql_lf_clear, "t", key);
}
