/* auth.h — accounts and sessions: badge + password login with backoff and
 * lockout, sessions and machine tokens stored in the database (only a
 * BLAKE2b hash of each token), expiry, logout, password change, and the
 * principal a request acts as.
 */
#ifndef SJ_AUTH_H
#define SJ_AUTH_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "auth/roles.h"
#include "core/actor.h"
#include "core/err.h"
#include "core/id.h"
#include "core/limits.h"
#include "core/record.h"
#include "db/db.h"
#include "org/units.h"

#define AUTH_TOKEN_MAX 64     /* base64url of 32 random bytes is 43 characters */
#define AUTH_HASH_HEX 64
#define AUTH_TOTP_SECRET_MAX 40   /* base32 of a 160-bit secret is 32 characters */

/* The principal: who a request acts as. Filled by auth_session_lookup. */
typedef struct auth_user {
	char id[ID_LEN + 1];
	char badge[SJ_MAX_BADGE + 1];
	char name[SJ_MAX_NAME + 1];
	role role;
	char lang[4];
	unit_info unit;
	char session_id[AUTH_HASH_HEX + 1];
	char csrf[AUTH_TOKEN_MAX + 1];
	bool machine;             /* a bearer token made for a machine */
	bool mfa_pending;         /* must enrol a second factor before anything else */
	char rank[64];            /* a rank code of data/ranks.json, "" when none recorded */
	bool opj;                 /* OPJ status (CPP 20): the role opj, or by law or grant (rank.c) */
} auth_user;

typedef struct auth_login_result {
	char token[AUTH_TOKEN_MAX + 1];   /* give to the client once; never stored */
	char csrf[AUTH_TOKEN_MAX + 1];
	int64_t expires_at;
	auth_user user;
} auth_login_result;

/* Why a login was refused (for the problem code and the audit detail). */
typedef enum {
	AUTH_LOGIN_OK = 0,
	AUTH_LOGIN_BAD_CREDENTIALS,
	AUTH_LOGIN_LOCKED,
	AUTH_LOGIN_DISABLED,
	AUTH_LOGIN_THROTTLED,
	AUTH_LOGIN_OTP_REQUIRED,  /* the password was right; send the TOTP code too */
	AUTH_LOGIN_BAD_OTP,
} auth_login_outcome;

/* auth_mfa_required: national and administrator roles need a second factor
 * (demo accounts, which only run on loopback, are exempt). */
bool auth_mfa_required(role r, bool demo);

/* auth_login checks badge/password (and otp, the TOTP code, may be NULL) for a
 * browser session from ip and, on
 * success, creates a session and fills *res. Each attempt, good or bad, is
 * audited in the same transaction as its effect (failure counters, session).
 * *outcome tells why it was refused; *retry_after_s (may be NULL) how long a
 * lock or throttle lasts. */
SJ_MUST_USE sj_err auth_login(db *d, const char *badge, const char *password, const char *otp,
			      const char *ip,
			      const char *request_id, auth_login_result *res,
			      auth_login_outcome *outcome, int64_t *retry_after_s);

/* auth_set_login_throttle sets how many login attempts one address may make
 * per window (defaults SJ_LOGIN_IP_MAX per SJ_LOGIN_IP_WINDOW_MS); a value
 * <= 0 keeps the current one. Call before serving (not thread-safe). */
void auth_set_login_throttle(int64_t max_per_window, int64_t window_ms);

/* auth_session_lookup finds the live session for token (from a cookie or a
 * bearer header) and fills *u. SJ_EAUTH when unknown, revoked, expired or
 * idle, or when the user is disabled. Touches last_seen at most once a minute. */
SJ_MUST_USE sj_err auth_session_lookup(db *d, const char *token, auth_user *u);

/* auth_logout revokes the session of u (audited inside c's write transaction). */
SJ_MUST_USE sj_err auth_logout(db_conn *c, const auth_user *u);

/* auth_totp_setup makes a new (not yet enabled) TOTP secret for the user and
 * writes it, base32, into secret (shown once). */
SJ_MUST_USE sj_err auth_totp_setup(db_conn *c, const char *user_id, char secret[AUTH_TOTP_SECRET_MAX + 1]);
/* auth_totp_confirm enables the second factor when otp matches the pending
 * secret and clears mfa_pending on session_id. SJ_EAUTH when it does not. */
SJ_MUST_USE sj_err auth_totp_confirm(db_conn *c, const char *user_id, const char *session_id,
				     const char *otp);

/* auth_rate_count counts one event for key (a rate_limits row: "login-ip:
 * <address>", "lookup:<user id>") in the window of window_ms that holds now,
 * starting a new window when the last one ended; *count is the events in the
 * window so far (this one included), *window_start when it began. One
 * statement, so concurrent requests never lose a count. */
SJ_MUST_USE sj_err auth_rate_count(db_conn *c, const char *key, int64_t now, int64_t window_ms, int64_t *count,
				   int64_t *window_start);

/* auth_token_hash writes hex BLAKE2b-256(token) into out. */
void auth_token_hash(const char *token, char out[AUTH_HASH_HEX + 1]);

/* --- users (administration, CLI) --- */

typedef struct auth_new_user {
	const char *badge;
	const char *name;
	const char *role;      /* role_from_name */
	const char *unit_code;
	const char *password;
	const char *lang;      /* "ar" | "fr"; NULL: "ar" */
	bool demo;
	/* instead of password: the account's argon2id hash as central stores it
	 * (a mobile kit provisioned with its team, src/mobile/feeds.c) */
	const char *password_hash;
} auth_new_user;

/* auth_user_add validates and creates a user inside c's write transaction;
 * *id_out (may be NULL) receives the new id. SJ_ECONFLICT when the badge is
 * taken, SJ_EINVAL with *field set to the offending field name. */
SJ_MUST_USE sj_err auth_user_add(db_conn *c, const auth_new_user *nu, char id_out[ID_LEN + 1],
				 const char **field);
/* auth_user_provision returns (new) what a field node needs to let the user
 * with id user_id sign in offline: {badge, name, role, unit (code), lang,
 * status, password_hash} — never a session, a token or a TOTP secret.
 * SJ_ENOTFOUND when there is no such user. */
SJ_MUST_USE sj_err auth_user_provision(db_conn *c, const char *user_id, json_t **out);
/* auth_user_set_status sets "active" / "disabled"; disabling revokes sessions.
 * Enabling a demo account on a database that has served a public address is
 * SJ_ECONFLICT (auth_demo_enable_check). */
SJ_MUST_USE sj_err auth_user_set_status(db_conn *c, const char *badge, const char *status);
/* auth_user_set_password re-hashes and revokes every session of the user
 * except keep_session (may be NULL). */
SJ_MUST_USE sj_err auth_user_set_password(db_conn *c, const char *user_id, const char *password,
					  const char *keep_session);
/* auth_user_set_password_hash replaces user_id's hash by an argon2id hash
 * made elsewhere (central's, for an account a mobile kit was provisioned
 * with: src/mobile/feeds.c) and revokes every session of the user; a hash
 * that is not argon2id: SJ_EINVAL. */
SJ_MUST_USE sj_err auth_user_set_password_hash(db_conn *c, const char *user_id, const char *hash);
/* auth_user_check_password verifies password for user_id (argon2id). */
SJ_MUST_USE sj_err auth_user_check_password(db_conn *c, const char *user_id, const char *password,
					    bool *ok);
/* auth_user_set_lang stores the UI language ("ar" or "fr"). */
SJ_MUST_USE sj_err auth_user_set_lang(db_conn *c, const char *user_id, const char *lang);
/* auth_user_list returns users whose unit lies in scope_path (all when NULL)
 * as a new JSON array (no secrets; "opj": OPJ by role, rank or designation). */
SJ_MUST_USE sj_err auth_user_list(db_conn *c, const char *scope_path, json_t **out);
/* auth_machine_token creates a long-lived bearer token for badge (printed
 * once by the CLI). */
SJ_MUST_USE sj_err auth_machine_token(db_conn *c, const char *badge, const char *label,
				      char token[AUTH_TOKEN_MAX + 1]);
/* auth_user_find fills *out (no session fields) for the active user with
 * that badge (when badge is not NULL) or that id; SJ_ENOTFOUND when there is
 * none or the account is disabled. For capabilities that name a user (the
 * OPJ assigned to a case). */
SJ_MUST_USE sj_err auth_user_find(db_conn *c, const char *badge, const char *id, auth_user *out);
/* auth_user_id writes the id of the user (active or not) with this badge;
 * SJ_ENOTFOUND when there is none. */
SJ_MUST_USE sj_err auth_user_id(db_conn *c, const char *badge, char id[ID_LEN + 1]);
/* auth_badge_exists sets *exists when a user (active or not) has this badge. */
SJ_MUST_USE sj_err auth_badge_exists(db_conn *c, const char *badge, bool *exists);
/* auth_demo_active returns true when an active demo account exists. */
SJ_MUST_USE sj_err auth_demo_active(db *d, bool *active);
/* auth_user_json returns a new {"id","badge","name","role","lang","unit":{...}}. */
json_t *auth_user_json(const auth_user *u);
/* auth_me_json returns u as GET /me answers it (a new object). */
json_t *auth_me_json(const auth_user *u);

/* --- the account records and commands (account.c) ---
 * Bodies and answers described once: login, session, me, password_change,
 * lang_choice, totp_setup, totp_confirm, user (the users table as read),
 * users (a list), user_create, user_status. */
extern const rec_desc auth_login_rec, auth_session_rec, auth_me_rec, auth_password_rec, auth_lang_rec,
	auth_totp_setup_rec, auth_totp_confirm_rec, auth_user_rec, auth_users_rec, auth_user_create_rec,
	auth_user_status_rec;
extern const rec_enum auth_roles, auth_langs;

/* auth_password_change checks in's current_password for the actor (a wrong
 * one is SJ_EFORBIDDEN "bad-current-password"), then sets new_password and
 * revokes every other session but session_id. *out: {"ok": true}. */
SJ_MUST_USE sj_err auth_password_change(db_conn *c, const sj_actor *a, const char *session_id, json_t *in,
					json_t **out, const char **why);
/* auth_lang_choose stores in's lang for the actor; *out: {"lang"}. */
SJ_MUST_USE sj_err auth_lang_choose(db_conn *c, const sj_actor *a, json_t *in, json_t **out);
/* auth_totp_begin makes the actor a new (not yet enabled) TOTP secret;
 * *out: {"secret", "otpauth_uri"} (shown once). An enabled second factor is
 * not replaced this way: SJ_ECONFLICT "totp-enabled-needs-code" (see
 * auth_totp_replace). */
SJ_MUST_USE sj_err auth_totp_begin(db_conn *c, const sj_actor *a, json_t **out, const char **why);

/* --- the enabled second factor and counted failures (guard.c) --- */
#define AUTH_ATTEMPTS_MAX 5                           /* failed checks of a current secret per window */
#define AUTH_ATTEMPTS_WINDOW_MS (15LL * 60 * 1000)
#define AUTH_ATTEMPT_KEY_MAX (ID_LEN + 24)
/* totp_replace ({otp}: the current code) and totp_reset ({reason}) bodies. */
extern const rec_desc auth_totp_replace_rec, auth_totp_reset_rec;
/* auth_attempt_key names the failure counter of what ("totp", "password")
 * for user_id. auth_attempts_check refuses (SJ_ELIMIT "too-many-attempts",
 * *retry_s) once AUTH_ATTEMPTS_MAX failures are counted in the window;
 * auth_attempt_failed counts one, in a transaction of its own on d (the
 * refusal it follows has rolled back). */
void auth_attempt_key(char out[AUTH_ATTEMPT_KEY_MAX], const char *what, const char *user_id);
SJ_MUST_USE sj_err auth_attempts_check(db_conn *c, const char *key, const char **why, int64_t *retry_s);
SJ_MUST_USE sj_err auth_attempt_failed(db *d, const char *key);
/* Failed logins are counted per badge and address (rate_limits): from the
 * SJ_LOCK_AFTER_FAILURES-th failure that badge waits at that address
 * (SJ_LOCK_BASE_MS, doubling to SJ_LOCK_MAX_MS), answered exactly as a wrong
 * password; the same badge elsewhere, and other badges at the address, are
 * not held up. auth_login_blocked reads the pair's state; _failure counts
 * one; _success clears it (both in c's write transaction). */
#define AUTH_LF_KEY_MAX (SJ_MAX_BADGE + 96)
SJ_MUST_USE sj_err auth_login_blocked(db_conn *c, const char *badge, const char *ip, int64_t now, bool *blocked);
SJ_MUST_USE sj_err auth_login_failure(db_conn *c, const char *badge, const char *ip, int64_t now);
SJ_MUST_USE sj_err auth_login_success(db_conn *c, const char *badge, const char *ip);
/* Refused anonymous requests, counted per address, reason and minute in
 * rate_limits (one row each, updated in place) so that the audit trail gets
 * one entry per address, reason and minute, not one per request (issue 10
 * item 15); over AUTH_ANON_MAX in a window the address is answered 429. */
#define AUTH_ANON_WINDOW_MS (60LL * 1000)
#define AUTH_ANON_MAX 600
typedef struct auth_anon {
	int64_t count;        /* this one's number in the window: 1 = the first (audit it) */
	int64_t prev_count;   /* with count 1: the previous window's total (0: none) */
	int64_t prev_start;
	int64_t retry_s;      /* until the window ends */
} auth_anon;
/* auth_anon_count counts one refusal of ip for reason, in its own transaction. */
SJ_MUST_USE sj_err auth_anon_count(db *d, const char *ip, const char *reason, auth_anon *out);
/* A database that has served a non-loopback address (node state, set by
 * `sijill serve`) never gets a demo account back: auth_mark_public records
 * it (own transaction); auth_demo_enable_check is SJ_ECONFLICT when badge is
 * a demo account and the database has served a public address (called by
 * auth_user_set_status before enabling). */
#define AUTH_STATE_SERVED_PUBLIC "serve.public_at"
SJ_MUST_USE sj_err auth_mark_public(db *d);
SJ_MUST_USE sj_err auth_demo_enable_check(db_conn *c, const char *badge);
/* auth_totp_enabled sets *on when user_id's second factor is enabled. */
SJ_MUST_USE sj_err auth_totp_enabled(db_conn *c, const char *user_id, bool *on);
/* auth_totp_replace checks in's otp against the actor's enabled factor
 * (SJ_EUNPROCESSABLE "invalid-otp": the caller counts the failure;
 * SJ_ECONFLICT "totp-not-enabled"; SJ_ELIMIT "too-many-attempts"), then
 * begins a new secret as auth_totp_begin (enabled again by its confirmation). */
SJ_MUST_USE sj_err auth_totp_replace(db_conn *c, const sj_actor *a, json_t *in, json_t **out, const char **why,
				     int64_t *retry_s);
/* auth_totp_reset removes badge's second factor for the administrator a
 * (audited by the caller with in's reason) and ends the user's sessions:
 * the user enrols again at the next login. 404 "user-not-found". */
SJ_MUST_USE sj_err auth_totp_reset(db_conn *c, const sj_actor *a, const char *badge, json_t *in, json_t **out,
				   const char **why);
/* auth_totp_enable checks in's otp against the pending secret and enables
 * the second factor (clearing mfa_pending on session_id): SJ_EUNPROCESSABLE
 * "invalid-otp" or "totp-not-set-up". *out: {"enabled": true}. */
SJ_MUST_USE sj_err auth_totp_enable(db_conn *c, const sj_actor *a, const char *session_id, json_t *in,
				    json_t **out, const char **why);
/* auth_users_list returns {"users": [...]}: the users of the actor's unit
 * and below, every user for a national actor. */
SJ_MUST_USE sj_err auth_users_list(db_conn *c, const sj_actor *a, json_t **out);
/* auth_user_create creates the user in (a user_create body); SJ_ECONFLICT
 * "badge-taken" (field badge), SJ_EINVAL with *field ("unknown-unit" for
 * the unit). *out: {"id", "badge"}. */
SJ_MUST_USE sj_err auth_user_create(db_conn *c, const sj_actor *a, json_t *in, json_t **out, const char **field,
				    const char **why);
/* auth_user_status enables or disables badge with in's status and reason;
 * disabling oneself is SJ_EUNPROCESSABLE "self-disable", no such user
 * SJ_ENOTFOUND "user-not-found". *out: {"badge", "status"}. */
SJ_MUST_USE sj_err auth_user_status(db_conn *c, const sj_actor *a, const char *badge, json_t *in, json_t **out,
				    const char **why);

/* --- rank and OPJ status (rank.c, CPP 20) --- */
extern const rec_desc auth_user_rank_rec;
/* auth_user_set_rank records user_id's rank (a current code of the ranks
 * data: 422 "unknown-rank") and the OPJ status it carries: *basis "law"
 * for a rank OPJ by law (commissaires, officiers de police); "grant" for a
 * rank OPJ by grant (inspectors) when since (YYYY-MM-DD) and ref are given
 * (one without the other: 422 "opj-grant-needs-date-and-reference"); NULL
 * otherwise (a grant for a rank that takes none: 422
 * "opj-grant-not-for-rank"). */
SJ_MUST_USE sj_err auth_user_set_rank(db_conn *c, const char *user_id, const char *rank, const char *since,
				      const char *ref, const char **basis, const char **why);
/* auth_user_rank sets badge's rank from in (a user_rank body) for the
 * actor (an administrator: the route says so); SJ_ENOTFOUND
 * "user-not-found". *out: {"badge", "rank", "opj_basis", "opj"}. */
SJ_MUST_USE sj_err auth_user_rank(db_conn *c, const sj_actor *a, const char *badge, json_t *in, json_t **out,
				  const char **why);

#endif
