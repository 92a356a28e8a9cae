/* auth.c — login, sessions, users. Passwords are verified outside any
 * transaction (argon2id is slow on purpose); the effects of an attempt
 * (counters, lock, session, audit entry) commit together afterwards. */
#include "auth/auth.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/password.h"
#include "auth/totp.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/record.h"
#include "db/dbj.h"

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

/* read_unit: the six unit columns id, code, kind, name_fr, name_ar, path that
 * every principal query selects in this order from column first on. */
static void read_unit(db_stmt *s, int first, unit_info *u)
{
	copy(u->id, sizeof u->id, db_col_text(s, first));
	copy(u->code, sizeof u->code, db_col_text(s, first + 1));
	copy(u->kind, sizeof u->kind, db_col_text(s, first + 2));
	copy(u->name_fr, sizeof u->name_fr, db_col_text(s, first + 3));
	copy(u->name_ar, sizeof u->name_ar, db_col_text(s, first + 4));
	copy(u->path, sizeof u->path, db_col_text(s, first + 5));
}

void auth_token_hash(const char *token, char out[AUTH_HASH_HEX + 1])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, AUTH_HASH_HEX + 1, h, sizeof h);
}

json_t *auth_user_json(const auth_user *u)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "id", u->id, "badge", u->badge, "name", u->name,
			 "role", role_name(u->role), "lang", u->lang, "unit", unit_to_json(&u->unit));
}

/* ---------- rate limits ---------- */

/* The login throttle per address: process configuration (sijill.conf
 * login_attempts_per_address, login_window), set once before serving. */
static int64_t login_ip_max = SJ_LOGIN_IP_MAX;
static int64_t login_ip_window_ms = SJ_LOGIN_IP_WINDOW_MS;

void auth_set_login_throttle(int64_t max_per_window, int64_t window_ms)
{
	if (max_per_window > 0)
		login_ip_max = max_per_window;
	if (window_ms > 0)
		login_ip_window_ms = window_ms;
}

static const char sql_throttle[] =
	"INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1)"
	" ON CONFLICT (key) DO UPDATE SET"
	" count = CASE WHEN rate_limits.window_start < ? THEN 1 ELSE rate_limits.count + 1 END,"
	" window_start = CASE WHEN rate_limits.window_start < ? THEN ? ELSE rate_limits.window_start END"
	" RETURNING count, window_start";

sj_err auth_rate_count(db_conn *c, const char *key, int64_t now, int64_t window_ms, int64_t *count,
		       int64_t *window_start)
{
	*count = 0;
	*window_start = now;
	int64_t cutoff = now - window_ms;
	db_stmt *s;
	bool row;
	sj_err e = db_prepare(c, sql_throttle, &s);
	e = e ? e : db_bind_text(s, 1, key);
	e = e ? e : db_bind_int(s, 2, now);
	e = e ? e : db_bind_int(s, 3, cutoff);
	e = e ? e : db_bind_int(s, 4, cutoff);
	e = e ? e : db_bind_int(s, 5, now);
	e = e ? e : db_step(s, &row);
	if (!e && !row)
		e = SJ_EDB;
	if (!e) {
		*count = db_col_int(s, 0);
		*window_start = db_col_int(s, 1);
		while (!(e = db_step(s, &row)) && row) {
		}
	}
	return e;
}

/* ---------- login ---------- */

static const char sql_user_by_badge[] =
	"SELECT u.id, u.badge, u.name, u.role, u.lang, u.status, u.locked_until, u.password_hash,"
	" n.id, n.code, n.kind, n.name_fr, n.name_ar, n.path, u.demo, u.totp_enabled, u.totp_secret,"
	" u.totp_last_step FROM users u JOIN units n ON n.id = u.unit_id WHERE u.badge = ?";

static const char sql_fail[] =
	"UPDATE users SET failed_count = failed_count + 1, updated_at = ? WHERE id = ? RETURNING failed_count";
static const char sql_ok[] = "UPDATE users SET failed_count = 0, locked_until = 0 WHERE id = ?";
static const char sql_new_session[] =
	"INSERT INTO sessions (id, user_id, kind, csrf, created_at, last_seen, idle_ms, expires_at, ip, label,"
	" mfa_pending) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char sql_totp_step[] = "UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?";

typedef struct login_row {
	bool found;
	auth_user u;
	char status[16];
	int64_t locked_until;
	char hash[PW_HASH_MAX];
	bool demo;
	bool totp_enabled;
	char totp_secret[64];
	int64_t totp_last_step;
} login_row;

static sj_err read_login_row(db_conn *c, const char *badge, login_row *lr)
{
	db_stmt *s;
	bool row;
	memset(lr, 0, sizeof *lr);
	sj_err e = db_prepare(c, sql_user_by_badge, &s);
	if (!e)
		e = db_bind_text(s, 1, badge);
	if (!e)
		e = db_step(s, &row);
	if (e || !row)
		return e;
	lr->found = true;
	copy(lr->u.id, sizeof lr->u.id, db_col_text(s, 0));
	copy(lr->u.badge, sizeof lr->u.badge, db_col_text(s, 1));
	copy(lr->u.name, sizeof lr->u.name, db_col_text(s, 2));
	lr->u.role = role_from_name(db_col_text(s, 3));
	copy(lr->u.lang, sizeof lr->u.lang, db_col_text(s, 4));
	copy(lr->status, sizeof lr->status, db_col_text(s, 5));
	lr->locked_until = db_col_int(s, 6);
	copy(lr->hash, sizeof lr->hash, db_col_text(s, 7));
	read_unit(s, 8, &lr->u.unit);
	lr->demo = db_col_int(s, 14) != 0;
	lr->totp_enabled = db_col_int(s, 15) != 0;
	copy(lr->totp_secret, sizeof lr->totp_secret, db_col_text(s, 16));
	lr->totp_last_step = db_col_int(s, 17);
	return db_step(s, &row);
}

static sj_err audit_login(db_conn *c, const login_row *lr, const char *badge, const char *ip,
			  const char *request_id, const char *outcome, const char *refusal)
{
	json_t *detail = refusal ? json_pack("{s:s}", "reason", refusal) : NULL;
	audit_entry ae = {
		.actor_id = lr->found ? lr->u.id : NULL,
		.badge = badge,
		.role = lr->found ? role_name(lr->u.role) : NULL,
		.unit_code = lr->found ? lr->u.unit.code : NULL,
		.action = "session.login",
		.object_type = "user",
		.object_id = lr->found ? lr->u.id : NULL,
		.outcome = outcome,
		.request_id = request_id,
		.ip = ip,
		.detail = detail,
	};
	sj_err e = audit_append(c, &ae, NULL);
	json_decref(detail);
	return e;
}

static sj_err create_session(db_conn *c, const char *user_id, const char *kind, int64_t idle_ms,
			     int64_t abs_ms, const char *ip, const char *label, bool mfa_pending,
			     char token[AUTH_TOKEN_MAX + 1], char csrf[AUTH_TOKEN_MAX + 1],
			     char sid[AUTH_HASH_HEX + 1], int64_t *expires)
{
	id_token(token, AUTH_TOKEN_MAX + 1, 32);
	id_token(csrf, AUTH_TOKEN_MAX + 1, 24);
	auth_token_hash(token, sid);
	int64_t now = clock_now_ms();
	*expires = now + abs_ms;
	return db_run(c, sql_new_session, "ttttiiiitti", sid, user_id, kind, csrf, now, now, idle_ms,
		      *expires, ip, label, (int64_t)(mfa_pending ? 1 : 0));
}

bool auth_mfa_required(role r, bool demo)
{
	return !demo && (role_is_national(r) || r == ROLE_ADMIN);
}

sj_err auth_login(db *d, const char *badge, const char *password, const char *otp, const char *ip,
		  const char *request_id, auth_login_result *res, auth_login_outcome *outcome,
		  int64_t *retry_after_s)
{
	*outcome = AUTH_LOGIN_BAD_CREDENTIALS;
	if (retry_after_s)
		*retry_after_s = 0;
	memset(res, 0, sizeof *res);
	db_conn *c;
	sj_err e = db_acquire(d, &c);
	if (e)
		return e;
	login_row *lr = calloc(1, sizeof *lr);
	if (!lr) {
		db_release(d, c);
		return SJ_ENOMEM;
	}
	int64_t now = clock_now_ms();

	/* 1. Throttle per address, before any expensive work. */
	char key[96];
	snprintf(key, sizeof key, "login-ip:%s", ip ? ip : "");
	int64_t count = 0, wstart = now;
	if ((e = db_begin(c, DB_WRITE)))
		goto out;
	e = auth_rate_count(c, key, now, login_ip_window_ms, &count, &wstart);
	if (!e && count > login_ip_max) {
		*outcome = AUTH_LOGIN_THROTTLED;
		if (retry_after_s)
			*retry_after_s = (wstart + login_ip_window_ms - now) / 1000 + 1;
		e = read_login_row(c, badge, lr);
		e = e ? e : audit_login(c, lr, badge, ip, request_id, "refused", "throttled-address");
		e = e ? e : db_commit(c);
		goto out;
	}
	e = e ? e : db_commit(c);
	if (e)
		goto out;

	/* 2. Read the account, then verify the password outside any transaction. */
	bool held = false;
	if ((e = read_login_row(c, badge, lr)) || (e = auth_login_blocked(c, badge, ip, now, &held)))
		goto out;
	bool ok = false;
	const char *refusal = NULL;
	if (held) {
		/* this badge failed too often from this address: answered as a
		 * wrong password, at the same cost (no oracle, no station lockout) */
		(void)pw_verify(NULL, password);
		refusal = "held-badge-address";
	} else if (!lr->found) {
		(void)pw_verify(NULL, password);
		refusal = "unknown-badge";
	} else if (strcmp(lr->status, "active") != 0) {
		(void)pw_verify(NULL, password);
		*outcome = AUTH_LOGIN_DISABLED;
		refusal = "disabled";
	} else if (lr->locked_until > now) {
		/* a lock set before locks were per badge and address: answered as
		 * a wrong password too */
		(void)pw_verify(NULL, password);
		refusal = "locked";
	} else if (pw_verify(lr->hash, password)) {
		ok = true;
	} else {
		refusal = "bad-password";
	}
	/* Second factor (RFC 6238) for national and administrator roles. */
	bool mfa_pending = false;
	int64_t otp_step = 0;
	if (ok && auth_mfa_required(lr->u.role, lr->demo)) {
		if (!lr->totp_enabled) {
			mfa_pending = true; /* may only enrol */
		} else if (!otp || !*otp) {
			ok = false;
			*outcome = AUTH_LOGIN_OTP_REQUIRED;
			refusal = "otp-required";
		} else if (totp_check(lr->totp_secret, otp, now, lr->totp_last_step, &otp_step) != SJ_OK) {
			ok = false;
			*outcome = AUTH_LOGIN_BAD_OTP;
			refusal = "bad-otp";
		}
	}
	sodium_memzero(lr->totp_secret, sizeof lr->totp_secret);
	sodium_memzero(lr->hash, sizeof lr->hash);

	/* 3. Record the effects and the audit entry together. */
	if ((e = db_begin(c, DB_WRITE)))
		goto out;
	if (ok) {
		e = db_run(c, sql_ok, "t", lr->u.id);
		e = e ? e : auth_login_success(c, badge, ip);
		if (!e && otp_step) {
			/* the step is consumed at most once, even by concurrent logins */
			db_stmt *s;
			bool row;
			e = db_prepare(c, sql_totp_step, &s);
			e = e ? e : db_bind_int(s, 1, otp_step);
			e = e ? e : db_bind_text(s, 2, lr->u.id);
			e = e ? e : db_bind_int(s, 3, otp_step);
			e = e ? e : db_step(s, &row);
			if (!e && db_changes(s) != 1)
				e = SJ_EAUTH;
		}
		e = e ? e : create_session(c, lr->u.id, "browser", SJ_SESSION_IDLE_MS, SJ_SESSION_ABS_MS,
					   ip, NULL, mfa_pending, res->token, res->csrf, lr->u.session_id,
					   &res->expires_at);
		e = e ? e : audit_login(c, lr, badge, ip, request_id, "ok", NULL);
		if (!e) {
			lr->u.mfa_pending = mfa_pending;
			res->user = lr->u;
			copy(res->user.csrf, sizeof res->user.csrf, res->csrf);
			*outcome = AUTH_LOGIN_OK;
		}
	} else {
		if (lr->found && (strcmp(refusal, "bad-password") == 0 || strcmp(refusal, "bad-otp") == 0)) {
			db_stmt *s;
			bool row;
			int64_t failed = 0;
			e = db_prepare(c, sql_fail, &s);
			e = e ? e : db_bind_int(s, 1, now);
			e = e ? e : db_bind_text(s, 2, lr->u.id);
			e = e ? e : db_step(s, &row);
			if (!e && row) {
				failed = db_col_int(s, 0);
				e = db_step(s, &row);
			}
			(void)failed; /* kept on the account for the administrators; no account-wide lock */
		}
		/* every failure of the pair counts, unknown badges included */
		if (strcmp(refusal, "held-badge-address") != 0)
			e = e ? e : auth_login_failure(c, badge, ip, now);
		e = e ? e : audit_login(c, lr, badge, ip, request_id, "refused", refusal);
	}
	e = e ? e : db_commit(c);
out:
	if (e)
		db_rollback(c);
	sodium_memzero(lr, sizeof *lr);
	free(lr);
	db_release(d, c);
	return e;
}

/* ---------- per-request session lookup (the hot path) ---------- */

static const char sql_session[] =
	"SELECT s.user_id, s.kind, s.csrf, s.last_seen, s.idle_ms, s.expires_at, s.revoked_at,"
	" u.badge, u.name, u.role, u.status, u.lang,"
	" n.id, n.code, n.kind, n.name_fr, n.name_ar, n.path, s.mfa_pending, u.rank, u.opj_basis"
	" FROM sessions s JOIN users u ON u.id = s.user_id JOIN units n ON n.id = u.unit_id"
	" WHERE s.id = ?";
static const char sql_touch[] = "UPDATE sessions SET last_seen = ? WHERE id = ? AND last_seen < ?";

sj_err auth_session_lookup(db *d, const char *token, auth_user *u)
{
	memset(u, 0, sizeof *u);
	if (!token || !*token || strlen(token) > AUTH_TOKEN_MAX)
		return SJ_EAUTH;
	char sid[AUTH_HASH_HEX + 1];
	auth_token_hash(token, sid);
	db_conn *c;
	sj_err e = db_acquire(d, &c);
	if (e)
		return e;
	db_stmt *s;
	bool row;
	int64_t now = clock_now_ms(), last_seen = 0;
	e = db_prepare(c, sql_session, &s);
	e = e ? e : db_bind_text(s, 1, sid);
	e = e ? e : db_step(s, &row);
	if (!e && !row)
		e = SJ_EAUTH;
	if (!e) {
		last_seen = db_col_int(s, 3);
		int64_t idle = db_col_int(s, 4), expires = db_col_int(s, 5);
		const char *status = db_col_text(s, 10);
		if (!db_col_null(s, 6) || now >= expires || (idle > 0 && now - last_seen > idle) ||
		    !status || strcmp(status, "active") != 0) {
			e = SJ_EAUTH;
		} else {
			copy(u->id, sizeof u->id, db_col_text(s, 0));
			u->machine = strcmp(db_col_text(s, 1) ? db_col_text(s, 1) : "", "machine") == 0;
			copy(u->csrf, sizeof u->csrf, db_col_text(s, 2));
			copy(u->badge, sizeof u->badge, db_col_text(s, 7));
			copy(u->name, sizeof u->name, db_col_text(s, 8));
			u->role = role_from_name(db_col_text(s, 9));
			copy(u->lang, sizeof u->lang, db_col_text(s, 11));
			read_unit(s, 12, &u->unit);
			u->mfa_pending = db_col_int(s, 18) != 0;
			copy(u->rank, sizeof u->rank, db_col_null(s, 19) ? "" : db_col_text(s, 19));
			/* OPJ status is the officer's (CPP 20): by law or grant (rank.c), or the role */
			u->opj = u->role == ROLE_OPJ || !db_col_null(s, 20);
			memcpy(u->session_id, sid, sizeof sid);
		}
		bool more;
		sj_err e2 = db_step(s, &more);
		if (!e)
			e = e2;
	}
	if (!e && now - last_seen > SJ_SESSION_TOUCH_MS) {
		/* Idle expiry needs last_seen; a minute's precision keeps reads cheap. */
		e = db_begin(c, DB_WRITE);
		e = e ? e : db_run(c, sql_touch, "iti", now, sid, now - SJ_SESSION_TOUCH_MS);
		e = e ? e : db_commit(c);
	}
	db_release(d, c);
	if (e && e != SJ_EAUTH)
		memset(u, 0, sizeof *u);
	return e;
}

static const char sql_revoke[] = "UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL";

sj_err auth_logout(db_conn *c, const auth_user *u)
{
	return db_run(c, sql_revoke, "it", clock_now_ms(), u->session_id);
}

/* ---------- users ---------- */

static const char sql_insert_user[] =
	"INSERT INTO users (id, badge, name, role, unit_id, password_hash, status, lang, demo,"
	" password_set_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?)";

static bool valid_badge(const char *b)
{
	size_t n = strlen(b);
	if (n < 2 || n > SJ_MAX_BADGE)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = b[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      ch == '-' || ch == '_' || ch == '.'))
			return false;
	}
	return true;
}

sj_err auth_user_add(db_conn *c, const auth_new_user *nu, char id_out[ID_LEN + 1], const char **field)
{
	*field = NULL;
	if (!nu->badge || !valid_badge(nu->badge)) {
		*field = "badge";
		return SJ_EINVAL;
	}
	/* the CLI's names pass the same text hygiene as request bodies */
	if (!nu->name || !*nu->name || strlen(nu->name) > SJ_MAX_NAME || rec_text_ok(nu->name, strlen(nu->name), false)) {
		*field = "name";
		return SJ_EINVAL;
	}
	if (role_from_name(nu->role) == ROLE_NONE) {
		*field = "role";
		return SJ_EINVAL;
	}
	const char *lang = nu->lang ? nu->lang : "ar";
	if (strcmp(lang, "ar") != 0 && strcmp(lang, "fr") != 0) {
		*field = "lang";
		return SJ_EINVAL;
	}
	bool hashed = !nu->password && nu->password_hash;
	if (hashed ? strncmp(nu->password_hash, "$argon2id$", 10) != 0 || strlen(nu->password_hash) >= PW_HASH_MAX
		   : !nu->password || pw_weakness(nu->password)) {
		*field = "password";
		return SJ_EINVAL;
	}
	unit_info un;
	sj_err e = nu->unit_code ? unit_get_by_code(c, nu->unit_code, &un) : SJ_ENOTFOUND;
	if (e == SJ_ENOTFOUND) {
		*field = "unit";
		return SJ_EINVAL;
	}
	if (e)
		return e;
	char hash[PW_HASH_MAX];
	if (hashed)
		snprintf(hash, sizeof hash, "%s", nu->password_hash);
	else if ((e = pw_hash(nu->password, hash)))
		return e;
	char id[ID_LEN + 1];
	id_new(id);
	int64_t now = clock_now_ms();
	e = db_run(c, sql_insert_user, "tttttttiiii", id, nu->badge, nu->name, nu->role, un.id, hash,
		   lang, (int64_t)(nu->demo ? 1 : 0), now, now, now);
	sodium_memzero(hash, sizeof hash);
	if (e == SJ_ECONFLICT)
		*field = "badge";
	if (!e && id_out)
		memcpy(id_out, id, sizeof id);
	return e;
}

static const char sql_set_status[] = "UPDATE users SET status = ?, updated_at = ? WHERE badge = ?";
static const char sql_revoke_user_by_badge[] =
	"UPDATE sessions SET revoked_at = ? WHERE revoked_at IS NULL"
	" AND user_id = (SELECT id FROM users WHERE badge = ?)";

sj_err auth_user_set_status(db_conn *c, const char *badge, const char *status)
{
	if (strcmp(status, "active") != 0 && strcmp(status, "disabled") != 0)
		return SJ_EINVAL;
	db_stmt *s;
	bool row;
	sj_err e = strcmp(status, "active") == 0 ? auth_demo_enable_check(c, badge) : SJ_OK;
	e = e ? e : db_prepare(c, sql_set_status, &s);
	e = e ? e : db_bind_text(s, 1, status);
	e = e ? e : db_bind_int(s, 2, clock_now_ms());
	e = e ? e : db_bind_text(s, 3, badge);
	e = e ? e : db_step(s, &row);
	if (!e && db_changes(s) == 0)
		return SJ_ENOTFOUND;
	if (!e && strcmp(status, "disabled") == 0)
		e = db_run(c, sql_revoke_user_by_badge, "it", clock_now_ms(), badge);
	return e;
}

static const char sql_set_pw[] =
	"UPDATE users SET password_hash = ?, password_set_at = ?, failed_count = 0, locked_until = 0,"
	" updated_at = ? WHERE id = ?";
static const char sql_revoke_others[] =
	"UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND id <> ?";

sj_err auth_user_set_password(db_conn *c, const char *user_id, const char *password,
			      const char *keep_session)
{
	if (pw_weakness(password))
		return SJ_EINVAL;
	char hash[PW_HASH_MAX];
	sj_err e = pw_hash(password, hash);
	if (e)
		return e;
	int64_t now = clock_now_ms();
	db_stmt *s;
	bool row;
	e = db_prepare(c, sql_set_pw, &s);
	e = e ? e : db_bind_text(s, 1, hash);
	e = e ? e : db_bind_int(s, 2, now);
	e = e ? e : db_bind_int(s, 3, now);
	e = e ? e : db_bind_text(s, 4, user_id);
	e = e ? e : db_step(s, &row);
	sodium_memzero(hash, sizeof hash);
	if (!e && db_changes(s) == 0)
		return SJ_ENOTFOUND;
	if (!e)
		e = db_run(c, sql_revoke_others, "itt", now, user_id, keep_session ? keep_session : "");
	return e;
}

static const char sql_revoke_all[] = "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL";

sj_err auth_user_set_password_hash(db_conn *c, const char *user_id, const char *hash)
{
	if (!hash || strncmp(hash, "$argon2id$", 10) != 0 || strlen(hash) >= PW_HASH_MAX)
		return SJ_EINVAL;
	int64_t now = clock_now_ms();
	db_stmt *s;
	bool row;
	sj_err e = db_prepare(c, sql_set_pw, &s);
	e = e ? e : db_bind_text(s, 1, hash);
	e = e ? e : db_bind_int(s, 2, now);
	e = e ? e : db_bind_int(s, 3, now);
	e = e ? e : db_bind_text(s, 4, user_id);
	e = e ? e : db_step(s, &row);
	if (!e && db_changes(s) == 0)
		return SJ_ENOTFOUND;
	return e ? e : db_run(c, sql_revoke_all, "it", now, user_id);
}

static const char sql_get_hash[] = "SELECT password_hash FROM users WHERE id = ?";

sj_err auth_user_check_password(db_conn *c, const char *user_id, const char *password, bool *ok)
{
	*ok = false;
	db_stmt *s;
	bool row;
	char hash[PW_HASH_MAX] = "";
	sj_err e = db_prepare(c, sql_get_hash, &s);
	e = e ? e : db_bind_text(s, 1, user_id);
	e = e ? e : db_step(s, &row);
	if (e)
		return e;
	if (!row)
		return SJ_ENOTFOUND;
	copy(hash, sizeof hash, db_col_text(s, 0));
	e = db_step(s, &row);
	*ok = pw_verify(hash, password);
	sodium_memzero(hash, sizeof hash);
	return e;
}

static const char sql_set_lang[] = "UPDATE users SET lang = ?, updated_at = ? WHERE id = ?";

sj_err auth_user_set_lang(db_conn *c, const char *user_id, const char *lang)
{
	if (strcmp(lang, "ar") != 0 && strcmp(lang, "fr") != 0)
		return SJ_EINVAL;
	return db_run(c, sql_set_lang, "tit", lang, clock_now_ms(), user_id);
}

static const char sql_list_users[] =
	"SELECT u.id, u.badge, u.name, u.role, u.status, u.lang, n.code, n.name_fr, n.name_ar,"
	" u.locked_until, u.created_at, u.opj_basis FROM users u JOIN units n ON n.id = u.unit_id"
	" WHERE (CAST(? AS TEXT) IS NULL OR n.path LIKE CAST(? AS TEXT) || '%') ORDER BY n.path, u.badge LIMIT 1000";

sj_err auth_user_list(db_conn *c, const char *scope_path, json_t **out)
{
	*out = NULL;
	db_stmt *s;
	bool row;
	sj_err e = db_prepare(c, sql_list_users, &s);
	e = e ? e : db_bind_text(s, 1, scope_path);
	e = e ? e : db_bind_text(s, 2, scope_path);
	if (e)
		return e;
	json_t *arr = json_array();
	if (!arr)
		return SJ_ENOMEM;
	int64_t now = clock_now_ms();
	while (!(e = db_step(s, &row)) && row) {
		/* OPJ by role, or by rank or designation (opj_basis: CPP 20) */
		bool opj = strcmp(db_col_text(s, 3), "opj") == 0 || !db_col_null(s, 11);
		json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:{s:s,s:s,s:s},s:b,s:b}", "id",
				      db_col_text(s, 0), "badge", db_col_text(s, 1), "name",
				      db_col_text(s, 2), "role", db_col_text(s, 3), "status",
				      db_col_text(s, 4), "lang", db_col_text(s, 5), "unit", "code",
				      db_col_text(s, 6), "name_fr", db_col_text(s, 7), "name_ar",
				      db_col_text(s, 8), "locked", db_col_int(s, 9) > now, "opj", opj);
		if (!o || json_array_append_new(arr, o)) {
			e = SJ_ENOMEM;
			break;
		}
	}
	if (e) {
		json_decref(arr);
		return e;
	}
	*out = arr;
	return SJ_OK;
}

static const char sql_user_id_by_badge[] = "SELECT id FROM users WHERE badge = ? AND status = 'active'";

sj_err auth_machine_token(db_conn *c, const char *badge, const char *label, char token[AUTH_TOKEN_MAX + 1])
{
	db_stmt *s;
	bool row;
	char uid[ID_LEN + 1];
	sj_err e = db_prepare(c, sql_user_id_by_badge, &s);
	e = e ? e : db_bind_text(s, 1, badge);
	e = e ? e : db_step(s, &row);
	if (e)
		return e;
	if (!row)
		return SJ_ENOTFOUND;
	copy(uid, sizeof uid, db_col_text(s, 0));
	if ((e = db_step(s, &row)))
		return e;
	char csrf[AUTH_TOKEN_MAX + 1], sid[AUTH_HASH_HEX + 1];
	int64_t expires;
	return create_session(c, uid, "machine", 0, SJ_TOKEN_ABS_MS, NULL, label, false, token, csrf, sid,
			      &expires);
}

static const char sql_demo_active[] = "SELECT COUNT(*) FROM users WHERE demo = 1 AND status = 'active'";

sj_err auth_demo_active(db *d, bool *active)
{
	*active = false;
	db_conn *c;
	sj_err e = db_acquire(d, &c);
	if (e)
		return e;
	db_stmt *s;
	bool row;
	e = db_prepare(c, sql_demo_active, &s);
	e = e ? e : db_step(s, &row);
	if (!e && row) {
		*active = db_col_int(s, 0) > 0;
		e = db_step(s, &row);
	}
	db_release(d, c);
	return e;
}

static const char sql_find_by_badge[] =
	"SELECT u.id, u.badge, u.name, u.role, u.lang, u.status, n.id, n.code, n.kind, n.name_fr, n.name_ar, n.path,"
	" u.rank, u.opj_basis FROM users u JOIN units n ON n.id = u.unit_id WHERE u.badge = ?";
static const char sql_find_by_id[] =
	"SELECT u.id, u.badge, u.name, u.role, u.lang, u.status, n.id, n.code, n.kind, n.name_fr, n.name_ar, n.path,"
	" u.rank, u.opj_basis FROM users u JOIN units n ON n.id = u.unit_id WHERE u.id = ?";

sj_err auth_user_find(db_conn *c, const char *badge, const char *id, auth_user *out)
{
	memset(out, 0, sizeof *out);
	db_stmt *s;
	bool row;
	sj_err e = db_prepare(c, badge ? sql_find_by_badge : sql_find_by_id, &s);
	e = e ? e : db_bind_text(s, 1, badge ? badge : id);
	e = e ? e : db_step(s, &row);
	if (e)
		return e;
	if (!row || strcmp(db_col_text(s, 5) ? db_col_text(s, 5) : "", "active") != 0) {
		e = row ? db_step(s, &row) : SJ_OK;
		return e ? e : SJ_ENOTFOUND;
	}
	copy(out->id, sizeof out->id, db_col_text(s, 0));
	copy(out->badge, sizeof out->badge, db_col_text(s, 1));
	copy(out->name, sizeof out->name, db_col_text(s, 2));
	out->role = role_from_name(db_col_text(s, 3));
	copy(out->lang, sizeof out->lang, db_col_text(s, 4));
	read_unit(s, 6, &out->unit);
	copy(out->rank, sizeof out->rank, db_col_null(s, 12) ? "" : db_col_text(s, 12));
	out->opj = out->role == ROLE_OPJ || !db_col_null(s, 13);
	return db_step(s, &row);
}

static const char sql_totp_set[] =
	"UPDATE users SET totp_secret = ?, totp_enabled = 0, updated_at = ? WHERE id = ?";
static const char sql_totp_get[] = "SELECT totp_secret, totp_last_step FROM users WHERE id = ?";
static const char sql_totp_enable[] =
	"UPDATE users SET totp_enabled = 1, totp_last_step = ?, updated_at = ? WHERE id = ?";
static const char sql_mfa_done[] = "UPDATE sessions SET mfa_pending = 0 WHERE id = ?";

sj_err auth_totp_setup(db_conn *c, const char *user_id, char secret[AUTH_TOTP_SECRET_MAX + 1])
{
	sj_err e = totp_new_secret(secret);
	return e ? e : db_run(c, sql_totp_set, "tit", secret, clock_now_ms(), user_id);
}

sj_err auth_totp_confirm(db_conn *c, const char *user_id, const char *session_id, const char *otp)
{
	db_stmt *s;
	bool row;
	char secret[64] = "";
	int64_t last = 0, step = 0;
	sj_err e = db_prepare(c, sql_totp_get, &s);
	e = e ? e : db_bind_text(s, 1, user_id);
	e = e ? e : db_step(s, &row);
	if (e)
		return e;
	if (!row || db_col_null(s, 0))
		return SJ_EUNPROCESSABLE; /* no secret set up yet */
	copy(secret, sizeof secret, db_col_text(s, 0));
	last = db_col_int(s, 1);
	if ((e = db_step(s, &row)))
		return e;
	e = totp_check(secret, otp, clock_now_ms(), last, &step);
	sodium_memzero(secret, sizeof secret);
	e = e ? e : db_run(c, sql_totp_enable, "iit", step, clock_now_ms(), user_id);
	e = e ? e : db_run(c, sql_mfa_done, "t", session_id);
	return e;
}

static const char sql_badge_exists[] = "SELECT COUNT(*) FROM users WHERE badge = ?";

sj_err auth_badge_exists(db_conn *c, const char *badge, bool *exists)
{
	*exists = false;
	db_stmt *s;
	bool row;
	sj_err e = db_prepare(c, sql_badge_exists, &s);
	e = e ? e : db_bind_text(s, 1, badge);
	e = e ? e : db_step(s, &row);
	if (!e && row) {
		*exists = db_col_int(s, 0) > 0;
		e = db_step(s, &row);
	}
	return e;
}

static const char sql_id_by_badge[] = "SELECT id FROM users WHERE badge = ?";

sj_err auth_user_id(db_conn *c, const char *badge, char id[ID_LEN + 1])
{
	db_stmt *s;
	bool row;
	id[0] = '\0';
	sj_err e = db_prepare(c, sql_id_by_badge, &s);
	e = e ? e : db_bind_text(s, 1, badge);
	e = e ? e : db_step(s, &row);
	if (e)
		return e;
	if (!row)
		return SJ_ENOTFOUND;
	copy(id, ID_LEN + 1, db_col_text(s, 0));
	return db_step(s, &row);
}

static const char sql_provision[] =
	"SELECT badge AS badge, name AS name, role AS role, u.code AS unit, lang AS lang, status AS status,"
	" password_hash AS password_hash FROM users JOIN (SELECT id AS u_id, code FROM units) u ON u.u_id = unit_id"
	" WHERE id = ?";

sj_err auth_user_provision(db_conn *c, const char *user_id, json_t **out)
{
	return dbj_one(c, sql_provision, "badge:t,name:t,role:t,unit:t,lang:t,status:t,password_hash:t", out, "t",
		       user_id ? user_id : "");
}
