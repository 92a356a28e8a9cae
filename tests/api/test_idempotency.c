/* test_idempotency.c — the Idempotency-Key header, black-box, against a real
 * server on SQLite and on PostgreSQL: a retry with the same key by the same
 * user and the same request gets the first result byte for byte (status and
 * body) and never a second write, on a handler that ends with app_reply
 * (complaints) and on one that opts in with app_finish_reply (cases); the
 * same key with another body or path is refused 422; a bad key 400 with
 * nothing written; a failed request does not use up its key; keys are per
 * user; keys expire after the setting idempotency.ttl_hours; concurrent
 * requests with one key: one write, every answer the winner's result (the
 * others wait for it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static th_server S;
static char *officer_tok, *officer2_tok, *admin_tok;

static const char CASE_A[] =
	"{\"frame\":\"preliminary\",\"offences\":[{\"code\":\"CP-505\"}],\"summary\":\"idem: affaire A\"}";
static const char CASE_B[] =
	"{\"frame\":\"preliminary\",\"offences\":[{\"code\":\"CP-505\"}],\"summary\":\"idem: affaire B\"}";
static const char COMPLAINT[] =
	"{\"complainant\":{\"cin\":\"BH771001\",\"last_name_lat\":\"Bennis\",\"first_name_lat\":\"Amal\"},"
	"\"facts\":\"Vol de telephone (idem).\"}";

static int setup(void **state)
{
	(void)state;
	th_setup(&S);
	officer_tok = th_login(&S, "demo-officer");
	officer2_tok = th_login(&S, "demo-officer2");
	admin_tok = th_login(&S, "demo-admin");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(officer_tok);
	free(officer2_tok);
	free(admin_tok);
	return th_teardown(&S) == 0 ? 0 : -1;
}

/* keyed sends method path with body (JSON) and Idempotency-Key: key (NULL: none). */
static th_resp keyed(const char *method, const char *path, const char *tok, const char *key, const char *body)
{
	char kh[512];
	snprintf(kh, sizeof kh, "Idempotency-Key: %s", key ? key : "");
	const char *h[] = {"Content-Type: application/json", key ? kh : NULL, NULL};
	return th_request(&S, method, path, tok, body, body ? strlen(body) : 0, h);
}

static long long count_where(const char *table, const char *col, const char *like)
{
	char sql[512];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s WHERE %s LIKE '%s'", table, col, like);
	return th_sql_int(&S, sql);
}

static bool replayed(const th_resp *r)
{
	return strstr(r->headers, "Idempotency-Replayed: true") != NULL;
}

/* the same request twice: the first result again, one record */
static void retry_returns_the_first_result(void **st)
{
	(void)st;
	long long before = count_where("cases", "summary", "idem: affaire A");
	th_resp a = keyed("POST", "/api/v1/cases", officer_tok, "case-key-0001", CASE_A);
	assert_int_equal(a.status, 201);
	assert_false(replayed(&a));
	for (int i = 0; i < 3; i++) {
		th_resp b = keyed("POST", "/api/v1/cases", officer_tok, "case-key-0001", CASE_A);
		assert_int_equal(b.status, 201);
		assert_true(replayed(&b));
		assert_int_equal(b.len, a.len);
		assert_memory_equal(b.body, a.body, a.len); /* byte for byte: same id, same number */
		th_resp_free(&b);
	}
	assert_int_equal(count_where("cases", "summary", "idem: affaire A"), before + 1);
	/* the replay is audited (it hands personal data back), under the first action */
	char sql[256];
	snprintf(sql, sizeof sql,
		 "SELECT COUNT(*) FROM audit_log WHERE action = 'case.create' AND outcome = 'replayed' AND object_id = '%s'",
		 th_str(&a, "id"));
	assert_int_equal(th_sql_int(&S, sql), 3);
	th_resp_free(&a);
	/* without a key, the same body is a new write */
	th_resp c = keyed("POST", "/api/v1/cases", officer_tok, NULL, CASE_A);
	assert_int_equal(c.status, 201);
	th_resp_free(&c);
	assert_int_equal(count_where("cases", "summary", "idem: affaire A"), before + 2);
}

/* a handler that ends with app_reply (complaints) takes part by itself */
static void app_reply_handlers_take_part(void **st)
{
	(void)st;
	long long before = count_where("complaints", "facts", "%(idem).");
	th_resp a = keyed("POST", "/api/v1/complaints", officer_tok, "complaint:key:1", COMPLAINT);
	assert_int_equal(a.status, 201);
	th_resp b = keyed("POST", "/api/v1/complaints", officer_tok, "complaint:key:1", COMPLAINT);
	assert_int_equal(b.status, 201);
	assert_true(replayed(&b));
	assert_int_equal(b.len, a.len);
	assert_memory_equal(b.body, a.body, a.len); /* the same receipt number */
	assert_string_equal(th_str(&a, "receipt_no"), th_str(&b, "receipt_no"));
	th_resp_free(&a);
	th_resp_free(&b);
	assert_int_equal(count_where("complaints", "facts", "%(idem)."), before + 1);
}

/* the same key with another request: 422, nothing written */
static void same_key_other_request_is_refused(void **st)
{
	(void)st;
	th_resp a = keyed("POST", "/api/v1/cases", officer_tok, "case-key-0002", CASE_A);
	assert_int_equal(a.status, 201);
	th_resp_free(&a);
	long long cases = th_sql_int(&S, "SELECT COUNT(*) FROM cases");
	th_resp b = keyed("POST", "/api/v1/cases", officer_tok, "case-key-0002", CASE_B);
	assert_int_equal(b.status, 422);
	assert_string_equal(th_str(&b, "code"), "idempotency-key-reused");
	assert_non_null(strstr(b.ctype, "application/problem+json"));
	th_resp_free(&b);
	b = keyed("POST", "/api/v1/complaints", officer_tok, "case-key-0002", COMPLAINT);
	assert_int_equal(b.status, 422);
	assert_string_equal(th_str(&b, "code"), "idempotency-key-reused");
	th_resp_free(&b);
	/* the query is part of the request too */
	b = keyed("POST", "/api/v1/cases?purpose=autre", officer_tok, "case-key-0002", CASE_A);
	assert_int_equal(b.status, 422);
	th_resp_free(&b);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM cases"), cases);
	assert_int_equal(count_where("cases", "summary", "idem: affaire B"), 0);
}

/* a key that is not a token: 400, nothing written */
static void bad_keys_are_refused(void **st)
{
	(void)st;
	char longkey[200];
	memset(longkey, 'k', 129);
	longkey[129] = '\0';
	const char *bad[] = {"short", longkey, "has space inside", "semi;colon-key", "ключ-ключ-ключ", "quote\"key\"x"};
	long long cases = th_sql_int(&S, "SELECT COUNT(*) FROM cases");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		th_resp r = keyed("POST", "/api/v1/cases", officer_tok, bad[i], CASE_B);
		assert_int_equal(r.status, 400);
		assert_string_equal(th_str(&r, "code"), "idempotency-key-invalid");
		th_resp_free(&r);
	}
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM cases"), cases);
	/* 128 characters of the set are a key */
	memset(longkey, 'k', 128);
	longkey[128] = '\0';
	longkey[5] = '~';
	longkey[6] = '.';
	longkey[7] = ':';
	longkey[8] = '_';
	th_resp r = keyed("POST", "/api/v1/cases", officer_tok, longkey, CASE_B);
	assert_int_equal(r.status, 201);
	th_resp_free(&r);
	/* safe methods ignore the header */
	r = keyed("GET", "/api/v1/me", officer_tok, "bad key", NULL);
	assert_int_equal(r.status, 200);
	th_resp_free(&r);
}

/* a refused request keeps nothing: its key may carry the corrected request */
static void a_failure_does_not_use_up_the_key(void **st)
{
	(void)st;
	th_resp r = keyed("POST", "/api/v1/cases", officer_tok, "case-key-0003",
			  "{\"frame\":\"preliminary\",\"offences\":[],\"summary\":\"idem: vide\"}");
	assert_int_equal(r.status, 400);
	th_resp_free(&r);
	r = keyed("POST", "/api/v1/cases", officer_tok, "case-key-0003",
		  "{\"frame\":\"preliminary\",\"offences\":[{\"code\":\"CP-505\"}],\"summary\":\"idem: corrigee\"}");
	assert_int_equal(r.status, 201);
	assert_false(replayed(&r));
	th_resp_free(&r);
	assert_int_equal(count_where("cases", "summary", "idem: corrigee"), 1);
}

/* keys belong to a user: another user's same key is another request */
static void keys_are_per_user(void **st)
{
	(void)st;
	th_resp a = keyed("POST", "/api/v1/cases", officer_tok, "shared-key-0001", CASE_A);
	assert_int_equal(a.status, 201);
	th_resp b = keyed("POST", "/api/v1/cases", officer2_tok, "shared-key-0001", CASE_A);
	assert_int_equal(b.status, 201);
	assert_false(replayed(&b));
	assert_string_not_equal(th_str(&a, "id"), th_str(&b, "id"));
	th_resp_free(&a);
	th_resp_free(&b);
}

/* after idempotency.ttl_hours the key is forgotten */
static void keys_expire(void **st)
{
	(void)st;
	th_resp r = th_json(&S, "PUT", "/api/v1/settings/idempotency.ttl_hours", admin_tok, "{\"value\":1}");
	assert_int_equal(r.status, 200);
	th_resp_free(&r);
	th_resp a = keyed("POST", "/api/v1/cases", officer_tok, "expiring-key-01", CASE_B);
	assert_int_equal(a.status, 201);
	th_resp b = keyed("POST", "/api/v1/cases", officer_tok, "expiring-key-01", CASE_B);
	assert_true(replayed(&b));
	th_resp_free(&b);
	th_set_clock(&S, 59LL * 60 * 1000); /* 59 minutes later: still kept */
	char *tok = th_login(&S, "demo-officer");
	b = keyed("POST", "/api/v1/cases", tok, "expiring-key-01", CASE_B);
	assert_int_equal(b.status, 201);
	assert_true(replayed(&b));
	assert_string_equal(th_str(&a, "id"), th_str(&b, "id"));
	th_resp_free(&b);
	free(tok);
	th_set_clock(&S, 61LL * 60 * 1000); /* 61 minutes: a new write */
	tok = th_login(&S, "demo-officer");
	b = keyed("POST", "/api/v1/cases", tok, "expiring-key-01", CASE_B);
	assert_int_equal(b.status, 201);
	assert_false(replayed(&b));
	assert_string_not_equal(th_str(&a, "id"), th_str(&b, "id"));
	th_resp_free(&b);
	/* and the new entry is kept again */
	b = keyed("POST", "/api/v1/cases", tok, "expiring-key-01", CASE_B);
	assert_true(replayed(&b));
	th_resp_free(&b);
	th_resp_free(&a);
	free(tok);
	th_set_clock(&S, 0);
	r = th_json(&S, "PUT", "/api/v1/settings/idempotency.ttl_hours", admin_tok, "{\"value\":0}");
	assert_int_equal(r.status, 400); /* out of range: 1 to 720 */
	th_resp_free(&r);
	r = th_json(&S, "PUT", "/api/v1/settings/idempotency.ttl_hours", admin_tok, "{\"value\":24}");
	assert_int_equal(r.status, 200);
	th_resp_free(&r);
	free(officer_tok);
	officer_tok = th_login(&S, "demo-officer"); /* the clock moved: a fresh session */
}

#define TWINS 8
typedef struct twin {
	pthread_t th;
	th_resp r;
	const char *key;
	const char *body;
	const char *path;
} twin;

static void *twin_run(void *arg)
{
	twin *t = arg;
	t->r = keyed("POST", t->path, officer_tok, t->key, t->body);
	return NULL;
}

/* concurrent requests with one key: one write; the others wait for it and
 * answer its result */
static void concurrent_twins_write_once(void **st)
{
	(void)st;
	static const char body[] =
		"{\"frame\":\"preliminary\",\"offences\":[{\"code\":\"CP-505\"}],\"summary\":\"idem: jumeaux\"}";
	for (int round = 0; round < 3; round++) {
		char key[64];
		snprintf(key, sizeof key, "twin-key-%d", round);
		twin t[TWINS];
		for (int i = 0; i < TWINS; i++) {
			t[i] = (twin){.key = key, .body = round == 2 ? COMPLAINT : body,
				      .path = round == 2 ? "/api/v1/complaints" : "/api/v1/cases"};
			assert_int_equal(pthread_create(&t[i].th, NULL, twin_run, &t[i]), 0);
		}
		int fresh = 0;
		for (int i = 0; i < TWINS; i++) {
			pthread_join(t[i].th, NULL);
			assert_int_equal(t[i].r.status, 201);
			fresh += !replayed(&t[i].r);
		}
		assert_int_equal(fresh, 1);
		for (int i = 1; i < TWINS; i++) {
			assert_int_equal(t[i].r.len, t[0].r.len);
			assert_memory_equal(t[i].r.body, t[0].r.body, t[0].r.len);
		}
		for (int i = 0; i < TWINS; i++)
			th_resp_free(&t[i].r);
	}
	assert_int_equal(count_where("cases", "summary", "idem: jumeaux"), 2);
	char out[4096];
	const char *verify[] = {"audit", "verify", NULL};
	assert_int_equal(th_cli(&S, out, sizeof out, verify), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(retry_returns_the_first_result),
		cmocka_unit_test(app_reply_handlers_take_part),
		cmocka_unit_test(same_key_other_request_is_refused),
		cmocka_unit_test(bad_keys_are_refused),
		cmocka_unit_test(a_failure_does_not_use_up_the_key),
		cmocka_unit_test(keys_are_per_user),
		cmocka_unit_test(keys_expire),
		cmocka_unit_test(concurrent_twins_write_once),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
