/* test_security.c — black-box: the defences of docs/SECURITY.md that the
 * other suites do not already cover: per-address login throttling, session
 * fixation, CSRF across sessions, secrets never written to the log or the
 * audit trail, and the CSP on the UI itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "harness.h"

static th_server S;

static int setup(void **state)
{
	(void)state;
	th_setup(&S);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return th_teardown(&S) == 0 ? 0 : -1;
}

static th_resp login(const char *badge, const char *pw, const char *const *extra)
{
	char body[256];
	snprintf(body, sizeof body, "{\"badge\":\"%s\",\"password\":\"%s\"}", badge, pw);
	const char *h[4] = {"Content-Type: application/json", NULL, NULL, NULL};
	for (int i = 0; extra && extra[i] && i < 2; i++)
		h[i + 1] = extra[i];
	return th_request(&S, "POST", "/api/v1/session", NULL, body, strlen(body), h);
}

/* A token the client brings is never adopted: login always makes a new one,
 * and the brought one stays worthless. */
static void session_fixation(void **st)
{
	(void)st;
	const char *planted = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	char cookie[128];
	snprintf(cookie, sizeof cookie, "Cookie: sijill_session=%s", planted);
	const char *h[] = {cookie, NULL};
	th_resp r = login("demo-officer", "demo-password", h);
	assert_int_equal(r.status, 200);
	char *t1 = strdup(th_str(&r, "token"));
	assert_string_not_equal(t1, planted);
	assert_null(strstr(r.headers, planted));
	th_resp_free(&r);
	r = th_request(&S, "GET", "/api/v1/me", planted, NULL, 0, NULL);
	assert_int_equal(r.status, 401);
	th_resp_free(&r);
	const char *hc[] = {cookie, NULL};
	r = th_request(&S, "GET", "/api/v1/me", NULL, NULL, 0, hc);
	assert_int_equal(r.status, 401);
	th_resp_free(&r);
	/* logging in again with a live session still makes a new token */
	char cookie1[128];
	snprintf(cookie1, sizeof cookie1, "Cookie: sijill_session=%s", t1);
	const char *h1[] = {cookie1, NULL};
	r = login("demo-officer", "demo-password", h1);
	assert_int_equal(r.status, 200);
	char *t2 = strdup(th_str(&r, "token"));
	assert_string_not_equal(t1, t2);
	th_resp_free(&r);
	/* logout kills exactly that token */
	r = th_request(&S, "DELETE", "/api/v1/session", t2, NULL, 0, NULL);
	assert_int_equal(r.status, 200);
	th_resp_free(&r);
	r = th_request(&S, "GET", "/api/v1/me", t2, NULL, 0, NULL);
	assert_int_equal(r.status, 401);
	th_resp_free(&r);
	r = th_request(&S, "GET", "/api/v1/me", t1, NULL, 0, NULL);
	assert_int_equal(r.status, 200);
	th_resp_free(&r);
	free(t1);
	free(t2);
}

/* The CSRF token of one session does not open another; a bearer token needs
 * none (it cannot be sent by a browser on its own); the cookie is HttpOnly
 * and SameSite=Strict. */
static void csrf_is_per_session(void **st)
{
	(void)st;
	th_resp a = login("demo-opj", "demo-password", NULL);
	th_resp b = login("demo-chief", "demo-password", NULL);
	assert_int_equal(a.status, 200);
	assert_int_equal(b.status, 200);
	assert_non_null(strstr(a.headers, "HttpOnly"));
	assert_non_null(strstr(a.headers, "SameSite=Strict"));
	char cookie[160], csrf[160];
	snprintf(cookie, sizeof cookie, "Cookie: sijill_session=%s", th_str(&a, "token"));
	snprintf(csrf, sizeof csrf, "X-CSRF-Token: %s", th_str(&b, "csrf"));
	const char *h[] = {cookie, csrf, "Content-Type: application/json", NULL};
	th_resp r = th_request(&S, "PUT", "/api/v1/me/lang", NULL, "{\"lang\":\"fr\"}", 13, h);
	assert_int_equal(r.status, 403);
	assert_string_equal(th_str(&r, "code"), "csrf");
	th_resp_free(&r);
	/* the same with the cookie's own CSRF token passes */
	snprintf(csrf, sizeof csrf, "X-CSRF-Token: %s", th_str(&a, "csrf"));
	r = th_request(&S, "PUT", "/api/v1/me/lang", NULL, "{\"lang\":\"fr\"}", 13, h);
	assert_int_equal(r.status, 200);
	th_resp_free(&r);
	/* a cookie-authenticated DELETE (logout) needs it too */
	const char *hd[] = {cookie, NULL};
	r = th_request(&S, "DELETE", "/api/v1/session", NULL, NULL, 0, hd);
	assert_int_equal(r.status, 403);
	th_resp_free(&r);
	th_resp_free(&a);
	th_resp_free(&b);
}

/* Per-address throttling: after SJ_LOGIN_IP_MAX attempts from one address in
 * the window, even a right password is answered 429 login-throttled with
 * Retry-After, and audited; the window passing lifts it. Different unknown
 * badges each time, so the per-account lockout is not what stops them. */
static void login_throttled_per_address(void **st)
{
	(void)st;
	/* a fresh window: the earlier tests' attempts are in the current one */
	th_set_clock(&S, 6LL * 60 * 1000);
	long long before = th_sql_int(&S, "SELECT COUNT(*) FROM audit_log WHERE action = 'session.login' AND outcome = 'refused'");
	int throttled_at = 0;
	for (int i = 1; i <= SJ_LOGIN_IP_MAX + 1; i++) {
		char badge[32];
		snprintf(badge, sizeof badge, "nobody-%d", i);
		th_resp r = login(badge, "guess-password-1", NULL);
		if (r.status == 429) {
			throttled_at = i;
			assert_string_equal(th_str(&r, "code"), "login-throttled");
			assert_non_null(strstr(r.headers, "Retry-After:"));
			th_resp_free(&r);
			break;
		}
		assert_int_equal(r.status, 401);
		th_resp_free(&r);
	}
	assert_int_equal(throttled_at, SJ_LOGIN_IP_MAX + 1);
	th_resp r = login("demo-officer", "demo-password", NULL);
	assert_int_equal(r.status, 429);
	th_resp_free(&r);
	assert_true(th_sql_int(&S, "SELECT COUNT(*) FROM audit_log WHERE action = 'session.login' AND outcome = 'refused'") >
		    before);
	th_set_clock(&S, 12LL * 60 * 1000);
	r = login("demo-officer", "demo-password", NULL);
	assert_int_equal(r.status, 200);
	th_resp_free(&r);
	th_set_clock(&S, 0);
}

/* Secrets are never written: not to the server's log, not to the audit
 * trail, not to the database in clear. */
static void secrets_never_logged(void **st)
{
	(void)st;
	th_set_clock(&S, 20LL * 60 * 1000); /* past the throttled window */
	const char *newpw = "Zebra-Cactus-Secret-7781";
	const char *userpw = "Otter-Lantern-Secret-4410";
	th_resp r = login("demo-auditor", "demo-password", NULL);
	assert_int_equal(r.status, 200);
	char *tok = strdup(th_str(&r, "token"));
	char *csrf = strdup(th_str(&r, "csrf"));
	th_resp_free(&r);
	char body[256];
	snprintf(body, sizeof body, "{\"current_password\":\"demo-password\",\"new_password\":\"%s\"}", newpw);
	r = th_json(&S, "PUT", "/api/v1/me/password", tok, body);
	assert_int_equal(r.status, 200);
	th_resp_free(&r);
	r = login("demo-auditor", newpw, NULL);
	assert_int_equal(r.status, 200);
	char *tok2 = strdup(th_str(&r, "token"));
	th_resp_free(&r);
	/* a wrong password is not logged either */
	r = login("demo-auditor", "Wrong-Guess-Secret-0001", NULL);
	assert_int_equal(r.status, 401);
	th_resp_free(&r);
	char *admin = strdup(S.clock_token);
	snprintf(body, sizeof body,
		 "{\"badge\":\"sec-user-1\",\"name\":\"Sec\",\"role\":\"officer\",\"unit\":\"AR-CASA-OULFA\",\"password\":\"%s\"}",
		 userpw);
	r = th_json(&S, "POST", "/api/v1/users", admin, body);
	assert_int_equal(r.status, 201);
	th_resp_free(&r);
	char mtok[256];
	const char *args[] = {"user", "token", "--badge", "demo-admin", "--label", "secret-test", NULL};
	assert_int_equal(th_cli(&S, mtok, sizeof mtok, args), 0);
	mtok[strcspn(mtok, "\r\n")] = '\0';
	assert_true(strlen(mtok) >= 40);
	r = th_request(&S, "GET", "/metrics", mtok, NULL, 0, NULL);
	assert_int_equal(r.status, 200);
	th_resp_free(&r);
	r = th_request(&S, "GET", "/api/v1/me?token=leak-me-not-123", tok2, NULL, 0, NULL);
	assert_int_equal(r.status, 200);
	th_resp_free(&r);

	/* the server's log */
	char logpath[PATH_MAX + 16];
	snprintf(logpath, sizeof logpath, "%s/server.log", S.dir);
	FILE *f = fopen(logpath, "r");
	assert_non_null(f);
	size_t cap = 64u << 20, n;
	char *log = malloc(cap + 1);
	n = fread(log, 1, cap, f);
	log[n] = '\0';
	fclose(f);
	assert_true(n > 0);
	const char *secrets[] = {newpw, userpw, "Wrong-Guess-Secret-0001", "demo-password", tok, tok2, csrf, mtok, admin,
				 "leak-me-not-123", NULL};
	for (int i = 0; secrets[i]; i++) {
		if (strstr(log, secrets[i]))
			fprintf(stderr, "# secret %d found in the server log\n", i);
		assert_null(strstr(log, secrets[i]));
	}
	free(log);
	/* the audit trail and the tables hold no secret in clear */
	for (int i = 0; secrets[i]; i++) {
		char sql[512];
		snprintf(sql, sizeof sql,
			 "SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%%%s%%' OR object_id = '%s' OR purpose = '%s'",
			 secrets[i], secrets[i], secrets[i]);
		assert_int_equal(th_sql_int(&S, sql), 0);
		snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM users WHERE password_hash LIKE '%%%s%%'", secrets[i]);
		assert_int_equal(th_sql_int(&S, sql), 0);
		snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM sessions WHERE id = '%s'", secrets[i]);
		assert_int_equal(th_sql_int(&S, sql), 0);
	}
	/* put the password back */
	snprintf(body, sizeof body, "{\"current_password\":\"%s\",\"new_password\":\"demo-password\"}", newpw);
	r = th_json(&S, "PUT", "/api/v1/me/password", tok2, body);
	assert_int_equal(r.status, 200);
	th_resp_free(&r);
	th_set_clock(&S, 0);
	free(tok);
	free(tok2);
	free(csrf);
	free(admin);
}

/* The UI's own pages carry the strict CSP (the browser suite then checks
 * that the real UI runs under it without a console error). */
static void ui_has_strict_csp(void **st)
{
	(void)st;
	const char *paths[] = {"/", "/cases", NULL};
	for (int i = 0; paths[i]; i++) {
		th_resp r = th_request(&S, "GET", paths[i], NULL, NULL, 0, NULL);
		assert_int_equal(r.status, 200);
		const char *csp = strstr(r.headers, "Content-Security-Policy: ");
		assert_non_null(csp);
		assert_non_null(strstr(csp, "default-src 'self'"));
		assert_non_null(strstr(csp, "script-src 'self'"));
		assert_non_null(strstr(csp, "frame-ancestors 'none'"));
		char line[1024];
		snprintf(line, sizeof line, "%.*s", (int)strcspn(csp, "\r\n"), csp);
		assert_null(strstr(line, "unsafe-inline"));
		assert_null(strstr(line, "unsafe-eval"));
		assert_null(strstr(r.body, "<script>"));
		th_resp_free(&r);
	}
}

static void server_exits_cleanly(void **st)
{
	(void)st;
	assert_int_equal(th_stop_server(&S), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(session_fixation),
		cmocka_unit_test(csrf_is_per_session),
		cmocka_unit_test(login_throttled_per_address),
		cmocka_unit_test(secrets_never_logged),
		cmocka_unit_test(ui_has_strict_csp),
		cmocka_unit_test(server_exits_cleanly),
	};
	return cmocka_run_group_tests_name(getenv("SIJILL_TEST_BACKEND") ? getenv("SIJILL_TEST_BACKEND") : "sqlite",
					   tests, setup, teardown);
}
