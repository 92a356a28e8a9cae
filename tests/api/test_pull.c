/* test_pull.c — the pull half of the exchange (issue 12), black-box: central
 * on the suite's backend (PostgreSQL in api-pull-pg), nodes A and B on
 * SQLite, all on loopback, driven with the real CLI (`node add`, `node
 * join`, `sync`: push then pull) and the HTTP API.
 *
 *  - hotlist_offline: a wanted notice, a stolen vehicle and a lost document
 *    made at central reach node B with one pull (signed by central, in B's
 *    own register tables as central's copies, not sent back by B's outbox);
 *    central stopped, B's check still hits and says how old its hotlist is;
 *    the hit travels to central as B's record (not quarantined); B cannot
 *    change central's notice (403 register-central-copy); the notice executed
 *    at central stops hitting on B after the next pull.
 *  - hotlist_online: the same notice hits on A, online, after its sync.
 *  - pull_protocol: a forged request (403 pull-signature, audited), an
 *    unknown node, a request from another time (403 pull-stale), a
 *    suspended node: nothing served; a second pull from the stored cursors
 *    serves nothing again (no duplicates).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static th_server C, A, B;
static char node_a[64], node_b[64], ctok[1024];

static th_resp req(th_server *s, const char *method, const char *path, const char *tok, json_t *body)
{
	return th_req(s, method, path, tok, body);
}

static void expect_problem(th_resp *r, long status, const char *code)
{
	th_expect(r, status);
	assert_non_null(strstr(r->ctype, "application/problem+json"));
	assert_string_equal(th_str(r, "code"), code);
}

static void enrol(th_server *s, const char *unit, char id[64])
{
	char out[4096], url[64], code[32];
	const char *add[] = {"node", "add", "--unit", unit, NULL};
	assert_int_equal(th_cli(&C, out, sizeof out, add), 0);
	const char *p = strstr(out, "node "), *k = strstr(out, "valid 7 days): ");
	assert_non_null(p);
	assert_non_null(k);
	snprintf(id, 37, "%s", p + 5);
	snprintf(code, 21, "%s", k + strlen("valid 7 days): "));
	snprintf(url, sizeof url, "http://127.0.0.1:%d", C.port);
	const char *join[] = {"node", "join", "--central", url, "--code", code, NULL};
	int rc = th_cli(s, out, sizeof out, join);
	if (rc)
		fprintf(stderr, "# %s\n", out);
	assert_int_equal(rc, 0);
}

static int sync_node(th_server *s, char *out, size_t n)
{
	const char *args[] = {"sync", NULL};
	int rc = th_cli(s, out, n, args);
	if (rc)
		fprintf(stderr, "# sync: %s\n", out);
	return rc;
}

/* repoint: central restarted on another port; the nodes' join files follow */
static void repoint(th_server *n)
{
	char path[PATH_MAX + 64], url[64];
	snprintf(path, sizeof path, "%s.central", n->key);
	json_t *j = json_load_file(path, 0, NULL);
	assert_non_null(j);
	snprintf(url, sizeof url, "http://127.0.0.1:%d", C.port);
	json_object_set_new(j, "central", json_string(url));
	assert_int_equal(json_dump_file(j, path, JSON_COMPACT), 0);
	json_decref(j);
}

/* settle: what central writes is served once XCHG_FEED_SETTLE_MS (2 s) old */
static void settle(void)
{
	struct timespec t = {2, 300 * 1000 * 1000};
	nanosleep(&t, NULL);
}

static char wanted_id[64], vehicle_id[64];

#define WANTED_BODY                                                                                               \
	"{\"reference\":\"MB-2026-777\",\"issuing_authority\":\"Procureur du Roi, TPI Rabat\",\"offence\":\"vol "   \
	"qualifié\",\"danger\":\"high\",\"first_name_ar\":\"عبد الرحمن\",\"last_name_ar\":\"الصالحي\","          \
	"\"first_name_lat\":\"Abderrahmane\",\"last_name_lat\":\"Salhi\",\"birth_date\":\"1983-08-08\","           \
	"\"cin\":\"WA777001\"}"

static json_t *check_person(th_server *s, const char *tok, const char *first_lat, const char *last_lat)
{
	th_resp r = req(s, "POST", "/api/v1/check", tok,
			json_pack("{s:s,s:{s:s,s:s}}", "purpose", "contrôle routier", "person", "first_name_lat",
				  first_lat, "last_name_lat", last_lat));
	th_expect(&r, 200);
	json_t *a = json_incref(json_object_get(r.json, "alerts"));
	th_resp_free(&r);
	return a;
}

static json_t *find_alert(json_t *alerts, const char *reg, const char *id)
{
	size_t i;
	json_t *a;
	json_array_foreach(alerts, i, a) {
		const char *r = json_string_value(json_object_get(a, "register")),
			   *x = json_string_value(json_object_get(a, "id"));
		if (r && x && strcmp(r, reg) == 0 && strcmp(x, id) == 0)
			return a;
	}
	return NULL;
}

static void hotlist_offline(void **st)
{
	(void)st;
	char out[8192], sql[512];
	/* central's registers: a wanted notice, a stolen vehicle, a lost document */
	th_resp r = th_json(&C, "POST", "/api/v1/registers/wanted", ctok, WANTED_BODY);
	th_expect(&r, 201);
	snprintf(wanted_id, sizeof wanted_id, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	r = th_json(&C, "POST", "/api/v1/registers/vehicles", ctok,
		    "{\"plate\":\"45678-ب-6\",\"make\":\"Dacia\",\"model\":\"Logan\",\"color\":\"blanc\","
		    "\"reference\":\"VV-2026-12\"}");
	th_expect(&r, 201);
	snprintf(vehicle_id, sizeof vehicle_id, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	r = th_json(&C, "POST", "/api/v1/registers/documents", ctok,
		    "{\"doc_type\":\"passport\",\"doc_number\":\"QZ9988776\",\"kind\":\"stolen\",\"reference\":\"DD-2026-3\"}");
	th_expect(&r, 201);
	th_resp_free(&r);
	settle();
	/* one sync of B: push, then pull */
	assert_int_equal(sync_node(&B, out, sizeof out), 0);
	assert_non_null(strstr(out, "pull: "));
	snprintf(sql, sizeof sql, "SELECT count(*) FROM wanted_notices WHERE id = '%s' AND status = 'active'", wanted_id);
	assert_int_equal(th_sql_int(&B, sql), 1);
	/* with its cross-script name keys, and its unit translated by code */
	snprintf(sql, sizeof sql, "SELECT count(*) FROM wanted_keys WHERE notice_id = '%s'", wanted_id);
	long long keys = th_sql_int(&B, sql);
	assert_true(keys >= 2);
	assert_int_equal(th_sql_int(&C, sql), keys);
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM wanted_notices w JOIN units u ON u.id = w.unit_id WHERE w.id = '%s' AND u.code = 'DGSN'",
		 wanted_id);
	assert_int_equal(th_sql_int(&B, sql), 1);
	assert_int_equal(th_sql_int(&B, "SELECT count(*) FROM stolen_vehicles WHERE plate_norm IS NOT NULL"), 1);
	assert_int_equal(th_sql_int(&B, "SELECT count(*) FROM stolen_documents"), 1);
	assert_int_equal(th_sql_int(&B, "SELECT count(*) FROM xchg_pulled"), 3);
	/* central's copies never go back through B's outbox */
	assert_int_equal(th_sql_int(&B, "SELECT count(*) FROM xchg_outbox WHERE tbl IN ('wanted_notices',"
					" 'stolen_vehicles', 'stolen_documents')"), 0);
	/* the cursors are node state, the pull audited on B */
	assert_true(th_sql_int(&B, "SELECT value FROM node_state WHERE key = 'xchg.feed.wanted.issued_at'") > 0);
	assert_true(th_sql_int(&B, "SELECT count(*) FROM audit_log WHERE action = 'exchange.pull'") >= 1);
	assert_true(th_sql_int(&C, "SELECT count(*) FROM audit_log WHERE action = 'exchange.pull' AND outcome = 'ok'") >= 1);

	/* central goes away: B still hits, from its hotlist, and says how old it is */
	assert_int_equal(th_stop_server(&C), 0);
	char *officer2 = th_login(&B, "demo-officer2");
	json_t *alerts = check_person(&B, officer2, "Abderrahmane", "Salhi");
	json_t *a = find_alert(alerts, "wanted", wanted_id);
	assert_non_null(a);
	assert_true(json_integer_value(json_object_get(a, "hotlist_issued_at")) > 0);
	assert_true(json_is_integer(json_object_get(a, "hotlist_age_s")));
	assert_true(json_integer_value(json_object_get(a, "hotlist_age_s")) < 600);
	json_decref(alerts);
	/* by the other script too */
	r = req(&B, "POST", "/api/v1/check", officer2,
		json_pack("{s:s,s:{s:s,s:s}}", "purpose", "contrôle", "person", "first_name_ar", "عبد الرحمن", "last_name_ar",
			  "الصالحي"));
	th_expect(&r, 200);
	assert_non_null(find_alert(json_object_get(r.json, "alerts"), "wanted", wanted_id));
	th_resp_free(&r);
	r = req(&B, "POST", "/api/v1/check", officer2, json_pack("{s:s,s:s}", "purpose", "contrôle", "plate", "45678 B 6"));
	th_expect(&r, 200);
	a = find_alert(json_object_get(r.json, "alerts"), "vehicle", vehicle_id);
	assert_non_null(a);
	assert_true(json_integer_value(json_object_get(a, "hotlist_issued_at")) > 0);
	th_resp_free(&r);
	/* central's notice is read-only on B, even for B's administrator */
	char *badmin = th_login(&B, "demo-admin"), path[160];
	snprintf(path, sizeof path, "/api/v1/registers/wanted/%s", wanted_id);
	r = th_json(&B, "PATCH", path, badmin, "{\"status\":\"cancelled\",\"reason\":\"essai\"}");
	expect_problem(&r, 403, "register-central-copy");
	th_resp_free(&r);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM wanted_notices WHERE id = '%s' AND status = 'active'", wanted_id);
	assert_int_equal(th_sql_int(&B, sql), 1);

	/* central back: B's hits travel as B's records, none quarantined */
	th_start_server(&C);
	repoint(&A);
	repoint(&B);
	long long q = th_sql_int(&C, "SELECT count(*) FROM xchg_quarantine WHERE tbl = 'hits'");
	assert_int_equal(sync_node(&B, out, sizeof out), 0);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM xchg_rows WHERE tbl = 'hits' AND node_id = '%s'", node_b);
	assert_true(th_sql_int(&C, sql) >= 2);
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM xchg_quarantine WHERE tbl = 'hits'"), q);

	/* executed at central: after the next pull it no longer hits on B */
	char *t = th_login(&C, "demo-admin");
	snprintf(ctok, sizeof ctok, "%s", t);
	free(t);
	r = th_json(&C, "PATCH", path, ctok, "{\"status\":\"executed\",\"reason\":\"arrêté à Rabat\"}");
	th_expect(&r, 200);
	th_resp_free(&r);
	settle();
	assert_int_equal(sync_node(&B, out, sizeof out), 0);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM wanted_notices WHERE id = '%s' AND status = 'executed'", wanted_id);
	assert_int_equal(th_sql_int(&B, sql), 1);
	alerts = check_person(&B, officer2, "Abderrahmane", "Salhi");
	assert_null(find_alert(alerts, "wanted", wanted_id));
	json_decref(alerts);
	free(officer2);
	free(badmin);
}

static void hotlist_online(void **st)
{
	(void)st;
	char out[8192], sql[256];
	/* a second notice, and A, online, syncs and hits */
	th_resp r = th_json(&C, "POST", "/api/v1/registers/wanted", ctok,
			    "{\"reference\":\"MB-2026-778\",\"issuing_authority\":\"Juge d’instruction, Fès\","
			    "\"offence\":\"escroquerie\",\"danger\":\"low\",\"first_name_lat\":\"Mounir\","
			    "\"last_name_lat\":\"Kettani\",\"first_name_ar\":\"منير\",\"last_name_ar\":\"الكتاني\"}");
	th_expect(&r, 201);
	char id[64];
	snprintf(id, sizeof id, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	settle();
	assert_int_equal(sync_node(&A, out, sizeof out), 0);
	char *officer = th_login(&A, "demo-officer");
	json_t *alerts = check_person(&A, officer, "Mounir", "Kettani");
	json_t *a = find_alert(alerts, "wanted", id);
	assert_non_null(a);
	assert_true(json_integer_value(json_object_get(a, "hotlist_issued_at")) > 0);
	json_decref(alerts);
	/* A got the executed notice too, as executed */
	snprintf(sql, sizeof sql, "SELECT count(*) FROM wanted_notices WHERE id = '%s' AND status = 'executed'", wanted_id);
	assert_int_equal(th_sql_int(&A, sql), 1);
	/* a second sync serves nothing new: nothing duplicated */
	long long n = th_sql_int(&A, "SELECT count(*) FROM wanted_notices"),
		  k = th_sql_int(&A, "SELECT count(*) FROM wanted_keys");
	assert_int_equal(sync_node(&A, out, sizeof out), 0);
	assert_non_null(strstr(out, "pull: 0 records"));
	assert_int_equal(th_sql_int(&A, "SELECT count(*) FROM wanted_notices"), n);
	assert_int_equal(th_sql_int(&A, "SELECT count(*) FROM wanted_keys"), k);
	free(officer);
}

/* ---- hand-made pull requests, signed with node B's own key ---- */

static unsigned char bsk[crypto_sign_SECRETKEYBYTES];

static void load_b_key(void)
{
	char path[PATH_MAX + 64], hex[128] = "";
	snprintf(path, sizeof path, "%s.exchange", B.key);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(hex, sizeof hex, f));
	fclose(f);
	unsigned char seed[crypto_sign_SEEDBYTES], pk[crypto_sign_PUBLICKEYBYTES];
	size_t n = 0;
	assert_int_equal(sodium_hex2bin(seed, sizeof seed, hex, strlen(hex), "\n\r ", &n, NULL), 0);
	assert_int_equal(n, sizeof seed);
	crypto_sign_seed_keypair(pk, bsk, seed);
}

static char *pull_body(const char *node, long long at, bool forge)
{
	json_t *p = json_pack("{s:s,s:I,s:{s:I}}", "node", node, "at", (json_int_t)at, "feeds", "wanted", (json_int_t)0);
	char *payload = json_dumps(p, JSON_COMPACT);
	json_decref(p);
	size_t n = strlen(payload);
	unsigned char *msg = malloc(n + 15), sig[crypto_sign_BYTES];
	memcpy(msg, "sijill-pull-v1\n", 15);
	memcpy(msg + 15, payload, n);
	crypto_sign_detached(sig, NULL, msg, n + 15, bsk);
	free(msg);
	if (forge)
		sig[5] ^= 1;
	char hex[2 * crypto_sign_BYTES + 1];
	sodium_bin2hex(hex, sizeof hex, sig, sizeof sig);
	json_t *b = json_pack("{s:s,s:s,s:s}", "node", node, "payload", payload, "sig", hex);
	free(payload);
	char *t = json_dumps(b, JSON_COMPACT);
	json_decref(b);
	return t;
}

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void pull_protocol(void **st)
{
	(void)st;
	char out[4096];
	load_b_key();
	/* a good request: central's signed answer with the whole wanted feed */
	char *good = pull_body(node_b, now_ms(), false);
	th_resp r = th_json(&C, "POST", "/api/v1/exchange/pull", NULL, good);
	th_expect(&r, 200);
	assert_non_null(th_str(&r, "sig"));
	json_t *p = json_loads(th_str(&r, "payload"), 0, NULL);
	assert_non_null(p);
	json_t *w = json_object_get(json_object_get(p, "feeds"), "wanted");
	assert_true(json_array_size(json_object_get(w, "records")) >= 2);
	assert_true(json_is_false(json_object_get(w, "more")));
	json_decref(p);
	th_resp_free(&r);
	long long refused = th_sql_int(&C, "SELECT count(*) FROM audit_log WHERE action = 'exchange.pull' AND outcome = 'refused'");
	/* forged: 403, audited */
	char *forged = pull_body(node_b, now_ms(), true);
	r = th_json(&C, "POST", "/api/v1/exchange/pull", NULL, forged);
	expect_problem(&r, 403, "pull-signature");
	assert_null(json_object_get(r.json, "payload"));
	th_resp_free(&r);
	assert_true(th_sql_int(&C, "SELECT count(*) FROM audit_log WHERE action = 'exchange.pull' AND outcome = 'refused'") >
		    refused);
	/* unknown node */
	char *unknown = pull_body("01900000-0000-7000-8000-0000000000ff", now_ms(), false);
	r = th_json(&C, "POST", "/api/v1/exchange/pull", NULL, unknown);
	expect_problem(&r, 403, "node-unknown");
	th_resp_free(&r);
	/* a request recorded an hour ago and replayed */
	char *old = pull_body(node_b, now_ms() - 3600 * 1000LL, false);
	r = th_json(&C, "POST", "/api/v1/exchange/pull", NULL, old);
	expect_problem(&r, 403, "pull-stale");
	th_resp_free(&r);
	/* malformed */
	r = th_json(&C, "POST", "/api/v1/exchange/pull", NULL, "{\"node\":\"x\",\"payload\":\"{}\"}");
	assert_true(r.status == 400 || r.status == 422);
	th_resp_free(&r);
	/* a suspended node (a stolen laptop) is served nothing */
	const char *susp[] = {"node", "suspend", node_b, NULL}, *resume[] = {"node", "resume", node_b, NULL};
	assert_int_equal(th_cli(&C, out, sizeof out, susp), 0);
	r = th_json(&C, "POST", "/api/v1/exchange/pull", NULL, good);
	expect_problem(&r, 403, "node-suspended");
	th_resp_free(&r);
	assert_int_not_equal(sync_node(&B, out, sizeof out), 0);
	assert_int_equal(th_cli(&C, out, sizeof out, resume), 0);
	assert_int_equal(sync_node(&B, out, sizeof out), 0);
	free(good);
	free(forged);
	free(unknown);
	free(old);
}

static int group_setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	th_setup(&C);
	const char *be = getenv("SIJILL_TEST_BACKEND");
	char saved[16];
	snprintf(saved, sizeof saved, "%s", be ? be : "sqlite");
	setenv("SIJILL_TEST_BACKEND", "sqlite", 1);
	th_setup(&A);
	th_setup(&B);
	setenv("SIJILL_TEST_BACKEND", saved, 1);
	enrol(&A, "AR-CASA-OULFA", node_a);
	enrol(&B, "AR-CASA-LISSASFA", node_b);
	char *t = th_login(&C, "demo-admin");
	snprintf(ctok, sizeof ctok, "%s", t);
	free(t);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	return th_teardown(&A) | th_teardown(&B) | th_teardown(&C);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hotlist_offline),
		cmocka_unit_test(hotlist_online),
		cmocka_unit_test(pull_protocol),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
