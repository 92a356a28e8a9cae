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
 *  - late_arrival: A's notice, older than central's, reaches central after
 *    B pulled past it; B's next pull carries it, and only it.
 *  - refdata_travels: a new offences version and a new unit at central reach
 *    B once (the version B's current one; the unit under its parent).
 *  - node_rows_at_central: a case with persons, custody and a sealed PV made
 *    on A is in central's own tables: GET by central's chief, national
 *    search by either script; an officer of B's unit cannot write it through
 *    central (403, audited); A's users are central's accounts of the same
 *    badge or shadows that cannot log in.
 *  - retention_leaves_node_records: central's retention job purges nothing
 *    of its copy of A's custody register, past its rule (A's to purge).
 *  - purge_reaches_central: A's retention purge travels as deletions naming
 *    its tombstone, rule and version; central deletes its copy, digests
 *    equal; a row deleted by hand beyond the tombstone is quarantined.
 *  - lookups_online_offline: B's national look-up answered by central (A's
 *    suspect; audited with badge and purpose at both ends; central's rate
 *    limit), then by B's copy with central stopped, saying so and its age.
 *  - region_index: turned on at central for B, its region's person index
 *    (A's persons, same prefecture) reaches B as central's copies and
 *    answers B's search offline; A (off) gets no one's persons.
 *  - desk_and_phones: a declaration made on A is in central's tables; a phone
 *    declared stolen at central hits on B by IMEI, from its hotlist.
 *  - outbox_pruned: B's acknowledged outbox rows older than the retention go,
 *    the rest stays, the sequence goes on.
 *  - chains_witnessed: `sijill audit verify` at central covers A's and B's
 *    chains and signed heads; A's chain cut back after an exchange is
 *    detected and A named.
 *  - national_person_by_cin: A's and B's records of one CIN end as one
 *    national person at central (B's merged, recorded, audited); undone,
 *    it stays undone.
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
	"{\"reference\":\"MB-2026-777\",\"authority_code\":\"TPI-CASA-PENAL\",\"order_reference\":\"ORD-2024-1\",\"order_date\":\"2024-06-01\",\"issuing_authority\":\"Procureur du Roi, TPI Rabat\",\"offence_code\":\"CP-505\",\"offence\":\"vol "   \
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
			    "{\"reference\":\"MB-2026-778\",\"authority_code\":\"TPI-CASA-PENAL\",\"order_reference\":\"ORD-2024-1\",\"order_date\":\"2024-06-01\",\"issuing_authority\":\"Juge d’instruction, Fès\","
			    "\"offence_code\":\"CP-505\",\"offence\":\"escroquerie\",\"danger\":\"low\",\"first_name_lat\":\"Mounir\","
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

/* a row reaches central late: A's notice, written on A before central's own,
 * arrives after B pulled past its updated_at (B's cursor is at central's
 * notice); B's next pull carries it all the same, and nothing else again
 * (the feeds' cursor is when a row reached central, fed_at, not the row's
 * own time) */
static void late_arrival(void **st)
{
	(void)st;
	char out[8192], sql[256], late[64];
	char *officer = th_login(&A, "demo-officer");
	th_resp r = th_json(&A, "POST", "/api/v1/registers/wanted", officer,
			    "{\"reference\":\"MB-2026-901\",\"authority_code\":\"TPI-CASA-PENAL\",\"order_reference\":\"ORD-2024-9\",\"order_date\":\"2024-06-01\",\"issuing_authority\":\"Procureur du Roi, TPI Casablanca\","
			    "\"offence_code\":\"CP-505\",\"offence\":\"vol\",\"danger\":\"low\",\"first_name_lat\":\"Tarik\","
			    "\"last_name_lat\":\"Bennani\",\"first_name_ar\":\"طارق\",\"last_name_ar\":\"بناني\"}");
	th_expect(&r, 201);
	snprintf(late, sizeof late, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	free(officer);
	struct timespec ms50 = {0, 50 * 1000 * 1000};
	nanosleep(&ms50, NULL);
	/* central's own notice, newer than A's, reaches B first */
	r = th_json(&C, "POST", "/api/v1/registers/wanted", ctok,
		    "{\"reference\":\"MB-2026-902\",\"authority_code\":\"TPI-CASA-PENAL\",\"order_reference\":\"ORD-2024-9\",\"order_date\":\"2024-06-01\",\"issuing_authority\":\"Procureur du Roi, TPI Rabat\","
		    "\"offence_code\":\"CP-505\",\"offence\":\"recel\",\"danger\":\"low\",\"first_name_lat\":\"Hicham\","
		    "\"last_name_lat\":\"Ouazzani\",\"first_name_ar\":\"هشام\",\"last_name_ar\":\"الوزاني\"}");
	th_expect(&r, 201);
	char central_id[64];
	snprintf(central_id, sizeof central_id, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	settle();
	assert_int_equal(sync_node(&B, out, sizeof out), 0);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM wanted_notices WHERE id = '%s'", central_id);
	assert_int_equal(th_sql_int(&B, sql), 1);
	snprintf(sql, sizeof sql, "SELECT updated_at FROM wanted_notices WHERE id = '%s'", late);
	long long late_at = th_sql_int(&A, sql);
	snprintf(sql, sizeof sql, "SELECT updated_at FROM wanted_notices WHERE id = '%s'", central_id);
	assert_true(late_at < th_sql_int(&B, sql));   /* B has pulled past A's notice's own time */
	/* now A's notice reaches central, with A's (older) updated_at */
	assert_int_equal(sync_node(&A, out, sizeof out), 0);
	snprintf(sql, sizeof sql, "SELECT updated_at FROM wanted_notices WHERE id = '%s'", late);
	assert_int_equal(th_sql_int(&C, sql), late_at);
	settle();
	assert_int_equal(sync_node(&B, out, sizeof out), 0);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM wanted_notices WHERE id = '%s'", late);
	long long got = th_sql_int(&B, sql);
	if (got != 1)
		fprintf(stderr, "# B's pull: %s", out);
	assert_int_equal(got, 1);
	assert_non_null(strstr(out, "pull: 1 records"));   /* A's notice alone: central's is not served twice */
	char *bofficer = th_login(&B, "demo-officer2");
	json_t *alerts = check_person(&B, bofficer, "Tarik", "Bennani");
	assert_non_null(find_alert(alerts, "wanted", late));
	json_decref(alerts);
	free(bofficer);
	/* what B holds is the record as central has it, without central's bookkeeping */
	snprintf(sql, sizeof sql, "SELECT updated_at FROM wanted_notices WHERE id = '%s'", late);
	assert_int_equal(th_sql_int(&B, sql), late_at);
	assert_int_equal(sync_node(&B, out, sizeof out), 0);
	assert_non_null(strstr(out, "pull: 0 records"));
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


/* reference data: a new offences version and a new unit loaded at central
 * reach the node with its next pull, once; the node's own versions stay */
static void refdata_travels(void **st)
{
	(void)st;
	char out[8192], sql[1024];
	long long now = now_ms();
	snprintf(sql, sizeof sql,
		 "INSERT INTO ref_offences (code, version, article, class, label_fr, label_ar, category, penalty, verified,"
		 " note, law, circumstance) SELECT code, '2099-pull', article, class, label_fr, label_ar, category, penalty,"
		 " verified, note, law, circumstance FROM ref_offences WHERE version = (SELECT version FROM ref_versions"
		 " WHERE kind = 'offences' ORDER BY seq DESC LIMIT 1)");
	assert_int_equal(th_sql(&C, sql), 0);
	assert_int_equal(th_sql(&C, "INSERT INTO ref_offences (code, version, article, class, label_fr, label_ar, verified, law)"
				   " VALUES ('CP-999-PULL', '2099-pull', '999', 'delit_correctionnel', 'Infraction d’essai',"
				   " 'مخالفة تجريبية', 0, 'CP')"),
			 0);
	snprintf(sql, sizeof sql,
		 "INSERT INTO ref_versions (kind, version, source, updated, loaded_at, seq) SELECT 'offences', '2099-pull',"
		 " 'test', '2099-01-01', %lld, COALESCE(max(seq), 0) + 1 FROM ref_versions", now);
	assert_int_equal(th_sql(&C, sql), 0);
	snprintf(sql, sizeof sql,
		 "INSERT INTO units (id, code, kind, parent_id, name_fr, name_ar, path, created_at) SELECT"
		 " '01900000-0000-7000-8000-00000000a001', 'AR-CASA-PULL', 'arrondissement', id, 'Arrondissement essai',"
		 " 'دائرة تجريبية', path || 'AR-CASA-PULL/', %lld FROM units WHERE code = 'PP-CASA'", now);
	assert_int_equal(th_sql(&C, sql), 0);
	settle();
	assert_int_equal(sync_node(&B, out, sizeof out), 0);
	/* the version is B's newest, so current; its offence is in the catalogue */
	assert_int_equal(th_sql_int(&B, "SELECT count(*) FROM ref_versions WHERE kind = 'offences' AND version = '2099-pull'"
					" AND seq = (SELECT max(seq) FROM ref_versions)"), 1);
	assert_int_equal(th_sql_int(&B, "SELECT count(*) FROM ref_offences WHERE version = '2099-pull'"),
			 th_sql_int(&C, "SELECT count(*) FROM ref_offences WHERE version = '2099-pull'"));
	char *officer2 = th_login(&B, "demo-officer2");
	th_resp r = req(&B, "GET", "/api/v1/offences", officer2, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "CP-999-PULL"));
	th_resp_free(&r);
	free(officer2);
	/* the unit, in B's tree under its parent (its own id, B's path) */
	assert_int_equal(th_sql_int(&B, "SELECT count(*) FROM units u JOIN units p ON p.id = u.parent_id"
					" WHERE u.code = 'AR-CASA-PULL' AND p.code = 'PP-CASA' AND u.path LIKE '%/PP-CASA/AR-CASA-PULL/'"),
			 1);
	/* again: nothing new */
	long long versions = th_sql_int(&B, "SELECT count(*) FROM ref_versions"),
		  units = th_sql_int(&B, "SELECT count(*) FROM units");
	assert_int_equal(sync_node(&B, out, sizeof out), 0);
	assert_non_null(strstr(out, "pull: 0 records"));
	assert_int_equal(th_sql_int(&B, "SELECT count(*) FROM ref_versions"), versions);
	assert_int_equal(th_sql_int(&B, "SELECT count(*) FROM units"), units);
}


/* a case with two persons, custody and a sealed PV in demo-officer's unit
 * (harness.c th_whole_case); *case_id gets its id */
static void whole_case(th_server *s, const char *officer, const char *opj, const char *cin, char case_id[64])
{
	const th_person suspect = {cin, "Zerhouni", "Anouar", "الزرهوني", "أنور", "1990-04-12", "M"},
			victim = {NULL, "Filali", "Imane", NULL, NULL, NULL, "F"};
	th_whole_case(s, officer, opj, &suspect, &victim, case_id);
}

/* a case made on A shows at central, in central's own tables: its GET by an
 * authorised central role, its persons in national search; an officer of
 * B's unit cannot write it through central (403, audited); A's users are
 * central's accounts of the same badge, or shadows that cannot log in */
static void node_rows_at_central(void **st)
{
	(void)st;
	char out[8192], path[200], sql[400], cid[64];
	char *officer = th_login(&A, "demo-officer"), *opj = th_login(&A, "demo-opj");
	whole_case(&A, officer, opj, "ZK445566", cid);
	/* a user that exists only on A */
	char *aadmin = th_login(&A, "demo-admin");
	th_resp r = req(&A, "POST", "/api/v1/users", aadmin,
			json_pack("{s:s,s:s,s:s,s:s,s:s}", "badge", "oulfa-only-7", "name", "Karim Oulfa / كريم", "role",
				  "officer", "unit", "AR-CASA-OULFA", "password", "long-enough-password-7"));
	long created = r.status;
	th_resp_free(&r);
	assert_int_equal(sync_node(&A, out, sizeof out), 0);
	/* in central's own cases table, readable by central's chief of the unit */
	snprintf(sql, sizeof sql, "SELECT count(*) FROM cases WHERE id = '%s'", cid);
	assert_int_equal(th_sql_int(&C, sql), 1);
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM cases c JOIN units u ON u.id = c.unit_id WHERE c.id = '%s' AND u.code = 'AR-CASA-OULFA'",
		 cid);
	assert_int_equal(th_sql_int(&C, sql), 1);
	char *chief = th_login(&C, "demo-chief");
	snprintf(path, sizeof path, "/api/v1/cases/%s", cid);
	r = req(&C, "GET", path, chief, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "Zerhouni"));
	assert_non_null(strstr(r.body, "sealed"));
	th_resp_free(&r);
	/* the sealed PV verifies at central as it does on A */
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM pvs WHERE status = 'sealed' AND content LIKE '%reconnais%'"),
			 th_sql_int(&A, "SELECT count(*) FROM pvs WHERE status = 'sealed' AND content LIKE '%reconnais%'"));
	/* national search at central finds A's suspect, by either script */
	char *analyst = th_login(&C, "demo-analyst");
	r = req(&C, "GET", "/api/v1/persons/search?q=Anouar%20Zerhouni&purpose=enqu%C3%AAte%20nationale", analyst, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "ZK445566"));
	th_resp_free(&r);
	r = req(&C, "GET", "/api/v1/persons/search?q=%D8%A3%D9%86%D9%88%D8%B1%20%D8%A7%D9%84%D8%B2%D8%B1%D9%87%D9%88%D9%86%D9%8A"
		 "&purpose=enqu%C3%AAte%20nationale", analyst, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "ZK445566"));
	th_resp_free(&r);
	/* an officer of B's unit cannot write A's case through central: the
	 * record is node A's (single writer), and the answer names A */
	char *officer2 = th_login(&C, "demo-officer2");
	long long refused = th_sql_int(&C, "SELECT count(*) FROM audit_log WHERE outcome = 'refused'");
	r = th_json_matched(&C, "PATCH", path, officer2, "{\"summary\":\"réécrit par une autre unité\"}");
	expect_problem(&r, 403, "record-node-hosted");
	assert_string_equal(th_str(&r, "node"), node_a);
	th_resp_free(&r);
	assert_true(th_sql_int(&C, "SELECT count(*) FROM audit_log WHERE outcome = 'refused'") > refused);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM cases WHERE id = '%s' AND summary LIKE '%%autre unité%%'", cid);
	assert_int_equal(th_sql_int(&C, sql), 0);
	/* nor can central's own accounts of A's unit (its chief, its officer):
	 * central reads A's records, A alone writes them; refused before any
	 * write, in both languages, naming the node and its unit, audited */
	for (int w = 0; w < 2; w++) {
		refused = th_sql_int(&C, "SELECT count(*) FROM audit_log WHERE outcome = 'refused' AND action = 'authz.refused'");
		char *ctoken = th_login(&C, w == 0 ? "demo-chief" : "demo-officer");
		r = th_json_matched(&C, "PATCH", path, ctoken, "{\"summary\":\"réécrit au central\"}");
		expect_problem(&r, 403, "record-node-hosted");
		assert_string_equal(th_str(&r, "node"), node_a);
		assert_string_equal(th_str(&r, "unit"), "AR-CASA-OULFA");
		json_t *m = json_object_get(r.json, "message");
		assert_non_null(strstr(json_string_value(json_object_get(m, "fr")), "AR-CASA-OULFA"));
		assert_non_null(strstr(json_string_value(json_object_get(m, "fr")), node_a));
		assert_non_null(strstr(json_string_value(json_object_get(m, "ar")), node_a));
		th_resp_free(&r);
		/* a record the path does not name (a new case) is the writer's unit's: A's */
		r = req(&C, "POST", "/api/v1/cases", ctoken,
			json_pack("{s:s,s:[{s:s}],s:s,s:s}", "frame", "flagrant", "offences", "code", "CP-505", "summary",
				  "Ouvert au central", "opj", "demo-opj"));
		expect_problem(&r, 403, "record-node-hosted");
		th_resp_free(&r);
		assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM audit_log WHERE outcome = 'refused' AND action ="
						" 'authz.refused'"),
				 refused + 2);
		/* reading stays */
		r = req(&C, "GET", path, ctoken, NULL);
		th_expect(&r, 200);
		th_resp_free(&r);
		free(ctoken);
	}
	snprintf(sql, sizeof sql, "SELECT count(*) FROM cases WHERE id = '%s' AND summary LIKE '%%au central%%'", cid);
	assert_int_equal(th_sql_int(&C, sql), 0);
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM cases WHERE summary = 'Ouvert au central'"), 0);
	/* A itself still writes it, and its version reaches central */
	snprintf(path, sizeof path, "/api/v1/cases/%s", cid);
	r = th_json_matched(&A, "PATCH", path, officer, "{\"summary\":\"complété sur le nœud\"}");
	th_expect(&r, 200);
	th_resp_free(&r);
	assert_int_equal(sync_node(&A, out, sizeof out), 0);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM cases WHERE id = '%s' AND summary = 'complété sur le nœud'", cid);
	assert_int_equal(th_sql_int(&C, sql), 1);
	/* A's officers are central's accounts of the same badge (no second
	 * demo-officer); a user only A has is a shadow that cannot log in */
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM users WHERE badge = 'demo-officer'"), 1);
	if (created == 201) {
		assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM users WHERE badge = 'oulfa-only-7' AND status = 'disabled'"
						" AND password_hash = '!'"), 1);
		r = req(&C, "POST", "/api/v1/session", NULL,
			json_pack("{s:s,s:s}", "badge", "oulfa-only-7", "password", "long-enough-password-7"));
		assert_true(r.status == 401 || r.status == 403);
		th_resp_free(&r);
	}
	/* nothing of it quarantined but the demo accounts of units A does not host */
	snprintf(sql, sizeof sql, "SELECT count(*) FROM xchg_quarantine WHERE node_id = '%s' AND reason LIKE 'central-%%'",
		 node_a);
	long long cq = th_sql_int(&C, sql);
	if (cq)
		fprintf(stderr, "# %lld rows of A not applied into central's tables\n", cq);
	assert_int_equal(cq, 0);
	free(officer);
	free(opj);
	free(aadmin);
	free(chief);
	free(analyst);
	free(officer2);
}


/* central's retention job leaves a node's records to their node (single
 * writer: the node purges its own and the tombstones travel): central's copy
 * of A's custody, closed long ago, with its register period, past a rule of
 * one day — the job run at central purges nothing of it */
static void retention_leaves_node_records(void **st)
{
	(void)st;
	const char *kid = "(SELECT k.id FROM custodies k JOIN units u ON u.id = k.unit_id WHERE u.code = 'AR-CASA-OULFA'"
			  " ORDER BY k.id LIMIT 1)";
	char sql[1024];
	assert_int_equal(th_sql(&C, "INSERT INTO retention_rules (code, version, kind, outcome, keep_days, effective_from,"
				    " uncertain, source, loaded_at) VALUES ('RET-TEST-GAV-1J', 'test', 'custody_register', 'ended',"
				    " 1, '2026-01-01', 1, 'test', 0)"),
			 0);
	snprintf(sql, sizeof sql, "CREATE TABLE test_kept AS SELECT id, status, ended_at FROM custodies WHERE id = %s", kid);
	assert_int_equal(th_sql(&C, sql), 0);
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM test_kept"), 1);
	assert_int_equal(th_sql(&C, "UPDATE custodies SET status = 'closed', ended_at = 1000 WHERE id IN (SELECT id FROM test_kept)"), 0);
	assert_int_equal(th_sql(&C, "INSERT INTO custody_sessions (id, custody_id, unit_id, kind, started_at, ended_at, note,"
				    " recorded_by, recorded_at) SELECT '01900000-0000-7000-8000-00000000a001', k.id, k.unit_id,"
				    " 'rest', 500, 900, 'test', k.opened_by, 900 FROM custodies k WHERE k.id IN (SELECT id FROM test_kept)"),
			 0);
	th_resp r = req(&C, "POST", "/api/v1/retention/run", ctok, NULL);
	th_expect(&r, 200);
	th_resp_free(&r);
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM custody_sessions WHERE id = '01900000-0000-7000-8000-00000000a001'"), 1);
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM retention_tombstones WHERE record_id IN (SELECT id FROM test_kept)"), 0);
	/* as it was */
	assert_int_equal(th_sql(&C, "DELETE FROM custody_sessions WHERE id = '01900000-0000-7000-8000-00000000a001'"), 0);
	assert_int_equal(th_sql(&C, "UPDATE custodies SET status = (SELECT status FROM test_kept t WHERE t.id = custodies.id),"
				    " ended_at = (SELECT ended_at FROM test_kept t WHERE t.id = custodies.id)"
				    " WHERE id IN (SELECT id FROM test_kept)"),
			 0);
	assert_int_equal(th_sql(&C, "DROP TABLE test_kept"), 0);
	assert_int_equal(th_sql(&C, "DELETE FROM retention_rules WHERE code = 'RET-TEST-GAV-1J'"), 0);
}

/* digests_equal: every table's digest of A's acknowledged rows is the same on
 * A and at central (but users: A's DGSN accounts are quarantined) */
static void digests_equal(void)
{
	char path[160];
	char *aadmin = th_login(&A, "demo-admin");
	th_resp mine = req(&A, "GET", "/api/v1/exchange/nodes/self/digest", aadmin, NULL);
	snprintf(path, sizeof path, "/api/v1/exchange/nodes/%s/digest", node_a);
	th_resp theirs = req(&C, "GET", path, ctok, NULL);
	th_expect(&mine, 200);
	th_expect(&theirs, 200);
	json_t *dn = json_object_get(mine.json, "digest"), *dc = json_object_get(theirs.json, "digest"), *v;
	const char *t;
	int tables = 0;
	json_object_foreach(dn, t, v) {
		if (strcmp(t, "users") == 0)
			continue;
		const char *cv = json_string_value(json_object_get(dc, t));
		if (!cv || strcmp(cv, json_string_value(v)) != 0)
			fprintf(stderr, "# %s: node %s, central %s\n", t, json_string_value(v), cv ? cv : "(none)");
		assert_non_null(cv);
		assert_string_equal(cv, json_string_value(v));
		tables++;
	}
	assert_true(json_object_get(dn, "custody_sessions") && json_object_get(dn, "retention_tombstones") && tables > 5);
	th_resp_free(&mine);
	th_resp_free(&theirs);
	free(aadmin);
}

/* A's retention purge reaches central: A's custody register past its rule is
 * purged on A (a tombstone left, the rows deleted); the deletions travel with
 * the tombstone, its rule and the rule's version; central deletes its copies
 * (its own table; xchg_rows keeps the deletion, as A's outbox does: the
 * digests stay equal), audited in the batch's entry; a sync after it changes
 * nothing. A row deleted on A behind the retention job's back (beyond what
 * the custody's tombstone accounts for) is quarantined at central, which
 * keeps its copy. */
static void purge_reaches_central(void **st)
{
	(void)st;
	char out[8192], sql[1024];
	const char *sid = "01900000-0000-7000-8000-00000000b001", *sid2 = "01900000-0000-7000-8000-00000000b002";
#define SESSION_SQL                                                                                               \
	"INSERT INTO custody_sessions (id, custody_id, unit_id, kind, started_at, ended_at, note, recorded_by,"        \
	" recorded_at) SELECT '%s', k.id, k.unit_id, 'rest', 500, 900, 'test', k.opened_by, 900 FROM custodies k"      \
	" WHERE k.id IN (SELECT id FROM test_kept)"
	assert_int_equal(th_sql(&A, "CREATE TABLE test_kept AS SELECT id, status, ended_at FROM custodies ORDER BY id LIMIT 1"), 0);
	assert_int_equal(th_sql_int(&A, "SELECT count(*) FROM test_kept"), 1);
	/* A's custody ended long ago, with a register period */
	assert_int_equal(th_sql(&A, "UPDATE custodies SET status = 'closed', ended_at = 1000 WHERE id IN (SELECT id FROM test_kept)"), 0);
	snprintf(sql, sizeof sql, SESSION_SQL, sid);
	assert_int_equal(th_sql(&A, sql), 0);
	assert_int_equal(sync_node(&A, out, sizeof out), 0);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM custody_sessions WHERE id = '%s'", sid);
	assert_int_equal(th_sql_int(&C, sql), 1);
	/* the purge on A */
	char *aadmin = th_login(&A, "demo-admin");
	th_resp r;
	r = req(&A, "POST", "/api/v1/retention/run", aadmin, NULL);
	th_expect(&r, 200);
	th_resp_free(&r);
	assert_int_equal(th_sql_int(&A, sql), 0);
	assert_int_equal(th_sql_int(&A, "SELECT count(*) FROM retention_tombstones WHERE record_id IN (SELECT id FROM test_kept)"), 1);
	/* as the daily job leaves it (no one): the demo's administrator is
	 * DGSN's, a user A does not send, so central would quarantine the
	 * tombstone for naming them (as any row naming an unknown user) */
	assert_int_equal(th_sql(&A, "UPDATE retention_tombstones SET purged_by = NULL WHERE record_id IN (SELECT id FROM test_kept)"), 0);
	long long quarantined = th_sql_int(&C, "SELECT count(*) FROM xchg_quarantine");
	assert_int_equal(sync_node(&A, out, sizeof out), 0);
	/* central's copy is gone; the deletion names the tombstone, its rule and version */
	assert_int_equal(th_sql_int(&C, sql), 0);
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM xchg_quarantine"), quarantined);
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM retention_tombstones WHERE kind = 'custody_register'"
					" AND rule_code = 'RET-GAV-REG-10A' AND rows_purged = 1 AND record_id IN"
					" (SELECT id FROM custodies WHERE status = 'closed' AND ended_at = 1000)"),
			 1);
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM xchg_rows x JOIN retention_tombstones t ON x.row LIKE '%%\"_tombstone\":\"' || t.id || '\"%%'"
		 " WHERE x.tbl = 'custody_sessions' AND x.id = '%s' AND x.row LIKE '%%\"_deleted\":1%%'"
		 " AND x.row LIKE '%%\"_rule\":\"RET-GAV-REG-10A\"%%'"
		 " AND x.row LIKE '%%\"_rule_version\":\"' || (SELECT r.version FROM retention_rules r WHERE r.code = 'RET-GAV-REG-10A') || '\"%%'"
		 " AND x.row NOT LIKE '%%\"note\"%%'",
		 sid);
	assert_int_equal(th_sql_int(&C, sql), 1);
	/* audited: the batch's entry counts the rows purged */
	assert_true(th_sql_int(&C, "SELECT count(*) FROM audit_log WHERE action = 'exchange.batch'"
				   " AND detail LIKE '%\"purged\":1%'") >= 1);
	digests_equal();
	assert_int_equal(sync_node(&A, out, sizeof out), 0);
	digests_equal();
	/* a deletion without a tombstone: quarantined, central's copy kept */
	snprintf(sql, sizeof sql, SESSION_SQL, sid2);
	assert_int_equal(th_sql(&A, sql), 0);
	assert_int_equal(sync_node(&A, out, sizeof out), 0);
	snprintf(sql, sizeof sql, "DELETE FROM custody_sessions WHERE id = '%s'", sid2);
	assert_int_equal(th_sql(&A, sql), 0);
	assert_int_equal(sync_node(&A, out, sizeof out), 0);
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM xchg_quarantine WHERE row_id = '%s' AND reason = 'delete-beyond-tombstone'", sid2);
	assert_int_equal(th_sql_int(&C, sql), 1);
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM xchg_quarantine"), quarantined + 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM custody_sessions WHERE id = '%s'", sid2);
	assert_int_equal(th_sql_int(&C, sql), 1);
	/* as it was (the custody's end travels again) */
	assert_int_equal(th_sql(&A, "UPDATE custodies SET status = (SELECT status FROM test_kept t WHERE t.id = custodies.id),"
				    " ended_at = (SELECT ended_at FROM test_kept t WHERE t.id = custodies.id)"
				    " WHERE id IN (SELECT id FROM test_kept)"),
			 0);
	assert_int_equal(th_sql(&A, "DROP TABLE test_kept"), 0);
	assert_int_equal(sync_node(&A, out, sizeof out), 0);
	free(aadmin);
#undef SESSION_SQL
}

/* Two regions' records of one person (the same CIN, made on A and on B)
 * end as one national person at central: the later one merged into the
 * first, recorded (person_merges: by B's node, why naming the CIN) and
 * audited, not quarantined; B's later edit of its record stays merged; the
 * merge undone at central stays undone when B's record changes again. */
static void national_person_by_cin(void **st)
{
	(void)st;
	char out[8192], sql[1024], path[200];
	const char *pa = "01900000-0000-7000-8000-00000000c0a1", *pb = "01900000-0000-7000-8000-00000000c0b1";
#define PERSON_SQL                                                                                                \
	"INSERT INTO persons (id, cin, unknown, first_name_lat, last_name_lat, home_unit_id, created_at, updated_at)"   \
	" SELECT '%s', 'ZN900001', 0, 'Hamid', 'Tazi', id, 1000, 1000 FROM units WHERE code = '%s'"
	snprintf(sql, sizeof sql, PERSON_SQL, pa, "AR-CASA-OULFA");
	assert_int_equal(th_sql(&A, sql), 0);
	snprintf(sql, sizeof sql, PERSON_SQL, pb, "AR-CASA-LISSASFA");
	assert_int_equal(th_sql(&B, sql), 0);
#undef PERSON_SQL
	long long quarantined = th_sql_int(&C, "SELECT count(*) FROM xchg_quarantine");
	assert_int_equal(sync_node(&A, out, sizeof out), 0);
	assert_int_equal(sync_node(&B, out, sizeof out), 0);
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM xchg_quarantine"), quarantined);
	/* one national person: A's has the CIN, B's is merged into it */
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM persons WHERE cin = 'ZN900001'"), 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM persons WHERE id = '%s' AND cin = 'ZN900001' AND merged_into IS NULL", pa);
	assert_int_equal(th_sql_int(&C, sql), 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM persons WHERE id = '%s' AND cin IS NULL AND merged_into = '%s'", pb, pa);
	assert_int_equal(th_sql_int(&C, sql), 1);
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM person_merges WHERE survivor_id = '%s' AND merged_id = '%s' AND merged_by = '%s'"
		 " AND reason LIKE '%%ZN900001%%' AND undone_at IS NULL",
		 pa, pb, node_b);
	assert_int_equal(th_sql_int(&C, sql), 1);
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM audit_log WHERE action = 'person.merge' AND object_id = '%s' AND outcome = 'ok'"
		 " AND detail LIKE '%%ZN900001%%'",
		 pb);
	assert_int_equal(th_sql_int(&C, sql), 1);
	/* B's exact record is kept, CIN included */
	snprintf(sql, sizeof sql, "SELECT count(*) FROM xchg_rows WHERE tbl = 'persons' AND id = '%s' AND row LIKE '%%ZN900001%%'", pb);
	assert_int_equal(th_sql_int(&C, sql), 1);
	/* B edits its record: still merged, no second merge */
	snprintf(sql, sizeof sql, "UPDATE persons SET address = 'Hay Lissasfa', updated_at = 2000 WHERE id = '%s'", pb);
	assert_int_equal(th_sql(&B, sql), 0);
	assert_int_equal(sync_node(&B, out, sizeof out), 0);
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM persons WHERE id = '%s' AND cin IS NULL AND merged_into = '%s' AND address = 'Hay Lissasfa'",
		 pb, pa);
	assert_int_equal(th_sql_int(&C, sql), 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM person_merges WHERE merged_id = '%s'", pb);
	assert_int_equal(th_sql_int(&C, sql), 1);
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM xchg_quarantine"), quarantined);
	/* reversible: undone at central, it stays undone */
	snprintf(sql, sizeof sql, "SELECT count(*) FROM person_merges WHERE merged_id = '%s' AND undone_at IS NULL", pb);
	assert_int_equal(th_sql_int(&C, sql), 1);
	/* the test names the merge (an id it knows), then central's
	 * administrator undoes it through the ordinary route, with a reason */
	const char *mid = "01900000-0000-7000-8000-00000000c0c1";
	snprintf(sql, sizeof sql, "UPDATE person_merges SET id = '%s' WHERE merged_id = '%s'", mid, pb);
	assert_int_equal(th_sql(&C, sql), 0);
	snprintf(path, sizeof path, "/api/v1/persons/merges/%s/undo", mid);
	th_resp r = req(&C, "POST", path, ctok, json_pack("{s:s}", "reason", "deux personnes distinctes / شخصان"));
	th_expect(&r, 200);
	th_resp_free(&r);
	snprintf(sql, sizeof sql, "UPDATE persons SET address = 'Hay Lissasfa 2', updated_at = 3000 WHERE id = '%s'", pb);
	assert_int_equal(th_sql(&B, sql), 0);
	assert_int_equal(sync_node(&B, out, sizeof out), 0);
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM persons WHERE id = '%s' AND cin IS NULL AND merged_into IS NULL AND address = 'Hay Lissasfa 2'",
		 pb);
	assert_int_equal(th_sql_int(&C, sql), 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM person_merges WHERE merged_id = '%s' AND undone_at IS NOT NULL", pb);
	assert_int_equal(th_sql_int(&C, sql), 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM person_merges WHERE merged_id = '%s'", pb);
	assert_int_equal(th_sql_int(&C, sql), 1);
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM xchg_quarantine"), quarantined);
}

/* a national look-up from node B: answered by central while it is reachable
 * (A's suspect, which B never had; purpose and badge audited at both ends;
 * central's rate limit applies), by B's own copy when it is not, saying so
 * and how old the copy is */
static void lookups_online_offline(void **st)
{
	(void)st;
	const char *search = "/api/v1/persons/search?q=Anouar%20Zerhouni&purpose=contr%C3%B4le%20d%27identit%C3%A9";
	char *officer2 = th_login(&B, "demo-officer2");
	long long caudit = th_sql_int(&C, "SELECT count(*) FROM audit_log WHERE action = 'person.search' AND badge ="
					  " 'demo-officer2' AND purpose = 'contrôle d''identité' AND outcome = 'ok'");
	long long baudit = th_sql_int(&B, "SELECT count(*) FROM audit_log WHERE action = 'person.search' AND badge ="
					  " 'demo-officer2' AND purpose = 'contrôle d''identité'");
	th_resp r = req(&B, "GET", search, officer2, NULL);
	th_expect(&r, 200);
	assert_string_equal(th_str(&r, "source"), "central");
	assert_non_null(strstr(r.body, "ZK445566"));
	th_resp_free(&r);
	assert_int_equal(th_sql_int(&B, "SELECT count(*) FROM persons WHERE cin = 'ZK445566'"), 0);
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM audit_log WHERE action = 'person.search' AND badge ="
					" 'demo-officer2' AND purpose = 'contrôle d''identité' AND outcome = 'ok'"),
			 caudit + 1);
	assert_int_equal(th_sql_int(&B, "SELECT count(*) FROM audit_log WHERE action = 'person.search' AND badge ="
					" 'demo-officer2' AND purpose = 'contrôle d''identité'"),
			 baudit + 1);
	/* without a purpose: refused on the node, nothing asked */
	r = req(&B, "GET", "/api/v1/persons/search?q=Anouar%20Zerhouni", officer2, NULL);
	assert_true(r.status == 400 || r.status == 422);
	th_resp_free(&r);
	/* central's own rate limit: 2 a minute there, B's own limit is 30 */
	r = req(&C, "PUT", "/api/v1/settings/lookup.max_per_minute", ctok, json_pack("{s:i}", "value", 2));
	th_expect(&r, 200);
	th_resp_free(&r);
	long last = 0;
	for (int i = 0; i < 4; i++) {
		r = req(&B, "GET", search, officer2, NULL);
		last = r.status;
		th_resp_free(&r);
	}
	assert_int_equal(last, 429);
	r = req(&C, "PUT", "/api/v1/settings/lookup.max_per_minute", ctok, json_pack("{s:b}", "reset", 1));
	th_expect(&r, 200);
	th_resp_free(&r);
	/* central gone: B's copy answers, says so and how old it is */
	assert_int_equal(th_stop_server(&C), 0);
	r = req(&B, "GET", "/api/v1/persons/search?q=Anouar%20Zerhouni&purpose=contr%C3%B4le%20routier", officer2, NULL);
	th_expect(&r, 200);
	assert_string_equal(th_str(&r, "source"), "node");
	assert_true(json_integer_value(json_object_get(r.json, "copy_as_of")) > 0);
	assert_true(json_is_integer(json_object_get(r.json, "copy_age_s")));
	assert_null(strstr(r.body, "ZK445566"));
	th_resp_free(&r);
	th_start_server(&C);
	repoint(&A);
	repoint(&B);
	char *t = th_login(&C, "demo-admin");
	snprintf(ctok, sizeof ctok, "%s", t);
	free(t);
	free(officer2);
}


/* central witnesses every node's audit chain: `sijill audit verify` at
 * central covers A's and B's chains with their signed heads; A's chain cut
 * back after an exchange (entries deleted, the chain written again from
 * there) is detected and A is named */
static void chains_witnessed(void **st)
{
	(void)st;
	char out[16384], sql[512];
	assert_int_equal(sync_node(&A, out, sizeof out), 0);
	assert_int_equal(sync_node(&B, out, sizeof out), 0);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM xchg_heads WHERE node_id = '%s'", node_a);
	assert_true(th_sql_int(&C, sql) >= 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM xchg_nodes WHERE id = '%s' AND audit_pub IS NOT NULL", node_a);
	assert_int_equal(th_sql_int(&C, sql), 1);
	const char *verify[] = {"audit", "verify", "--quiet", NULL};
	int rc = th_cli(&C, out, sizeof out, verify);
	if (rc)
		fprintf(stderr, "# %s\n", out);
	assert_int_equal(rc, 0);
	char line[128];
	snprintf(line, sizeof line, "node %s (AR-CASA-OULFA): chain intact", node_a);
	assert_non_null(strstr(out, line));
	snprintf(line, sizeof line, "node %s (AR-CASA-LISSASFA): chain intact", node_b);
	assert_non_null(strstr(out, line));
	/* A's chain cut back by ten entries behind central's back, then written on */
	assert_int_equal(th_stop_server(&A), 0);
	long long top = th_sql_int(&A, "SELECT max(seq) FROM audit_log");
	snprintf(sql, sizeof sql, "DELETE FROM audit_log WHERE seq > %lld", top - 10);
	assert_int_equal(th_sql(&A, sql), 0);
	snprintf(sql, sizeof sql, "DELETE FROM audit_checkpoints WHERE seq > %lld", top - 10);
	assert_int_equal(th_sql(&A, sql), 0);
	snprintf(sql, sizeof sql,
		 "UPDATE audit_head SET seq = %lld, head = (SELECT head FROM audit_log WHERE seq = %lld) WHERE id = 1",
		 top - 10, top - 10);
	assert_int_equal(th_sql(&A, sql), 0);
	th_start_server(&A);
	char *t = th_login(&A, "demo-officer");
	free(t);
	sync_node(&A, out, sizeof out);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM xchg_nodes WHERE id = '%s' AND chain_error IS NOT NULL", node_a);
	assert_int_equal(th_sql_int(&C, sql), 1);
	rc = th_cli(&C, out, sizeof out, verify);
	assert_int_not_equal(rc, 0);
	snprintf(line, sizeof line, "node %s (AR-CASA-OULFA): chain BROKEN", node_a);
	assert_non_null(strstr(out, line));
	snprintf(line, sizeof line, "node %s (AR-CASA-LISSASFA): chain intact", node_b);
	assert_non_null(strstr(out, line));

	/* an entry of B edited in its outbox before it travels, its stated leaf
	 * and head kept (they still link): central recomputes the leaf from the
	 * content, refuses the entry (quarantined, named by its record and id),
	 * flags B, and `audit verify` names B */
	char *officer2 = th_login(&B, "demo-officer2");
	free(officer2);   /* the login is an audit entry of B's, pending */
	assert_int_equal(th_stop_server(&B), 0);   /* no push of its own meanwhile */
	long long acked = th_sql_int(&B, "SELECT value FROM node_state WHERE key = 'exchange.last_ack_seq'");
	snprintf(sql, sizeof sql,
		 "SELECT COALESCE(max(seq), 0) FROM xchg_outbox WHERE tbl = 'audit_log' AND seq > %lld"
		 " AND row LIKE '%%\"outcome\":\"ok\"%%'",
		 acked);
	long long oseq = th_sql_int(&B, sql);
	assert_true(oseq > acked);
	snprintf(sql, sizeof sql,
		 "UPDATE xchg_outbox SET row = replace(row, '\"outcome\":\"ok\"', '\"outcome\":\"refused\"') WHERE seq = %lld",
		 oseq);
	assert_int_equal(th_sql(&B, sql), 0);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM xchg_outbox WHERE seq = %lld AND row LIKE '%%\"outcome\":\"refused\"%%'",
		 oseq);
	assert_int_equal(th_sql_int(&B, sql), 1);
	sync_node(&B, out, sizeof out);
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM xchg_quarantine WHERE node_id = '%s' AND seq = %lld AND tbl = 'audit_log'"
		 " AND reason = 'audit-leaf-mismatch'",
		 node_b, oseq);
	assert_int_equal(th_sql_int(&C, sql), 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM xchg_rows WHERE node_id = '%s' AND tbl = 'audit_log' AND src_seq = %lld",
		 node_b, oseq);
	assert_int_equal(th_sql_int(&C, sql), 0);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM xchg_nodes WHERE id = '%s' AND chain_error = 'audit-leaf-mismatch'",
		 node_b);
	assert_int_equal(th_sql_int(&C, sql), 1);
	th_start_server(&B);
	rc = th_cli(&C, out, sizeof out, verify);
	assert_int_not_equal(rc, 0);
	snprintf(line, sizeof line, "node %s (AR-CASA-LISSASFA): chain BROKEN", node_b);
	assert_non_null(strstr(out, line));
	snprintf(line, sizeof line, "batch record %lld is not what its leaf hashes", oseq);
	if (!strstr(out, line))
		fprintf(stderr, "# %s\n", out);
	assert_non_null(strstr(out, line));
}


/* the desk's and communication's tables travel too: a loss declaration made
 * on A is in central's declarations; a phone declared stolen at central is
 * in B's hotlist and hits on B by IMEI, saying how old the list is */
static void desk_and_phones(void **st)
{
	(void)st;
	char out[8192], sql[300];
	char *officer = th_login(&A, "demo-officer");
	th_resp r = th_json(&A, "POST", "/api/v1/declarations", officer,
			    "{\"kind\":\"loss\",\"declarant\":{\"cin\":\"BK778899\",\"last_name_lat\":\"Naciri\","
			    "\"first_name_lat\":\"Hind\"},\"occurred_at\":1764400000000,\"place\":\"Tramway, Casablanca\","
			    "\"items\":[{\"item_type\":\"document\",\"doc_type\":\"cin\",\"doc_number\":\"BK 778899\","
			    "\"issued_on\":\"2019-05-02\"}]}");
	th_expect(&r, 201);
	char receipt[96];
	snprintf(receipt, sizeof receipt, "%s", th_str(&r, "receipt_no"));
	th_resp_free(&r);
	r = th_json(&C, "POST", "/api/v1/registers/phones", ctok,
		    "{\"imei\":\"490154203237518\",\"make\":\"Samsung\",\"model\":\"A54\",\"kind\":\"stolen\","
		    "\"reference\":\"PH-2026-9\"}");
	th_expect(&r, 201);
	char phone[64];
	snprintf(phone, sizeof phone, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	settle();
	assert_int_equal(sync_node(&A, out, sizeof out), 0);
	assert_int_equal(sync_node(&B, out, sizeof out), 0);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM declarations WHERE receipt_no = '%s'", receipt);
	assert_int_equal(th_sql_int(&C, sql), 1);
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM declaration_items i JOIN declarations d"
					" ON d.id = i.declaration_id WHERE d.receipt_no LIKE 'AR-CASA-OULFA/%'"),
			 th_sql_int(&A, "SELECT count(*) FROM declaration_items"));
	snprintf(sql, sizeof sql, "SELECT count(*) FROM stolen_phones WHERE id = '%s'", phone);
	assert_int_equal(th_sql_int(&B, sql), 1);
	assert_int_equal(th_sql_int(&B, "SELECT count(*) FROM xchg_outbox WHERE tbl = 'stolen_phones'"), 0);
	char *officer2 = th_login(&B, "demo-officer2");
	r = req(&B, "POST", "/api/v1/check", officer2, json_pack("{s:s,s:s}", "purpose", "contrôle", "imei", "490154203237518"));
	th_expect(&r, 200);
	json_t *a = find_alert(json_object_get(r.json, "alerts"), "phone", phone);
	assert_non_null(a);
	assert_true(json_integer_value(json_object_get(a, "hotlist_issued_at")) > 0);
	th_resp_free(&r);
	free(officer);
	free(officer2);
}


/* the outbox is pruned after exchange.outbox_retention_days: B's rows central
 * acknowledged and older than that go, the newer stay, the sequence goes on
 * and central keeps everything */
static void outbox_pruned(void **st)
{
	(void)st;
	char out[8192], sql[300];
	char *badmin = th_login(&B, "demo-admin");
	th_resp r = req(&B, "PUT", "/api/v1/settings/exchange.outbox_retention_days", badmin, json_pack("{s:i}", "value", 30));
	th_expect(&r, 200);
	th_resp_free(&r);
	assert_int_equal(sync_node(&B, out, sizeof out), 0);
	long long ack = th_sql_int(&B, "SELECT value FROM node_state WHERE key = 'exchange.last_ack_seq'");
	long long half = ack / 2, before = th_sql_int(&B, "SELECT count(*) FROM xchg_outbox");
	snprintf(sql, sizeof sql, "SELECT count(*) FROM xchg_rows WHERE node_id = '%s'", node_b);
	long long at_central = th_sql_int(&C, sql);
	assert_true(half > 10);
	snprintf(sql, sizeof sql, "UPDATE xchg_outbox SET at = at - 40 * 86400000 WHERE seq <= %lld", half);
	assert_int_equal(th_sql(&B, sql), 0);
	r = req(&B, "POST", "/api/v1/check", badmin, json_pack("{s:s,s:s}", "purpose", "contrôle", "plate", "11111 A 1"));
	th_resp_free(&r);
	assert_int_equal(sync_node(&B, out, sizeof out), 0);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM xchg_outbox WHERE seq <= %lld", half);
	assert_int_equal(th_sql_int(&B, sql), 0);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM xchg_outbox WHERE seq > %lld AND seq <= %lld", half, ack);
	assert_int_equal(th_sql_int(&B, sql), ack - half);
	assert_true(th_sql_int(&B, "SELECT count(*) FROM xchg_outbox") < before);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM xchg_rows WHERE node_id = '%s'", node_b);
	assert_true(th_sql_int(&C, sql) >= at_central);
	r = req(&B, "GET", "/api/v1/exchange/status", badmin, NULL);
	th_expect(&r, 200);
	json_t *n = json_object_get(r.json, "node");
	assert_int_equal(json_integer_value(json_object_get(n, "pending")), 0);
	assert_true(json_integer_value(json_object_get(n, "last_seq")) > ack);
	th_resp_free(&r);
	free(badmin);
}


/* where configured (a station), the person index of the node's region is a
 * feed: B (Lissasfa, in PP-CASA) turned on at central receives A's persons
 * (Oulfa, same prefecture) as central's copies, and finds them offline */
static void region_index(void **st)
{
	(void)st;
	char out[8192];
	assert_int_equal(sync_node(&B, out, sizeof out), 0);
	assert_int_equal(th_sql_int(&B, "SELECT count(*) FROM persons WHERE cin = 'ZK445566'"), 0);   /* off by default */
	const char *on[] = {"node", "region", node_b, "on", NULL};
	assert_int_equal(th_cli(&C, out, sizeof out, on), 0);
	settle();
	assert_int_equal(sync_node(&B, out, sizeof out), 0);
	long long got = th_sql_int(&B, "SELECT count(*) FROM persons p JOIN units u ON u.id = p.home_unit_id"
				       " WHERE p.cin = 'ZK445566' AND u.code = 'AR-CASA-OULFA'");
	if (got != 1)
		fprintf(stderr, "# region pull: %s# central has it: %lld, B's region cursor %lld\n", out,
			th_sql_int(&C, "SELECT count(*) FROM persons WHERE cin = 'ZK445566'"),
			th_sql_int(&B, "SELECT COALESCE(max(value), -1) FROM node_state WHERE key = 'xchg.feed.persons-region'"));
	assert_int_equal(got, 1);
	assert_int_equal(th_sql_int(&B, "SELECT count(*) FROM xchg_pulled WHERE tbl = 'persons'"),
			 th_sql_int(&C, "SELECT count(*) FROM persons p JOIN units u ON u.id = p.home_unit_id"
					" WHERE u.path LIKE '%/PP-CASA/%' AND u.code <> 'AR-CASA-LISSASFA'"));
	assert_int_equal(th_sql_int(&B, "SELECT count(*) FROM xchg_outbox o JOIN xchg_pulled p ON p.tbl = 'persons'"
					" AND p.id = o.row_id WHERE o.tbl = 'persons'"),
			 0);
	/* central gone: B's own search finds A's suspect, from its copy */
	assert_int_equal(th_stop_server(&C), 0);
	char *officer2 = th_login(&B, "demo-officer2");
	th_resp r = req(&B, "GET", "/api/v1/persons/search?q=Anouar%20Zerhouni&purpose=contr%C3%B4le%20routier", officer2,
			NULL);
	th_expect(&r, 200);
	assert_string_equal(th_str(&r, "source"), "node");
	assert_non_null(strstr(r.body, "ZK445566"));
	th_resp_free(&r);
	free(officer2);
	th_start_server(&C);
	repoint(&A);
	repoint(&B);
	char *t = th_login(&C, "demo-admin");
	snprintf(ctok, sizeof ctok, "%s", t);
	free(t);
	/* A, a field unit here, never had it turned on: it got no one's persons */
	assert_int_equal(th_sql_int(&A, "SELECT count(*) FROM xchg_pulled WHERE tbl = 'persons'"), 0);
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
		cmocka_unit_test(late_arrival),
		cmocka_unit_test(pull_protocol),
		cmocka_unit_test(refdata_travels),
		cmocka_unit_test(node_rows_at_central),
		cmocka_unit_test(retention_leaves_node_records),
		cmocka_unit_test(purge_reaches_central),
		cmocka_unit_test(lookups_online_offline),
		cmocka_unit_test(region_index),
		cmocka_unit_test(desk_and_phones),
		cmocka_unit_test(outbox_pruned),
		cmocka_unit_test(chains_witnessed),
		cmocka_unit_test(national_person_by_cin),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
