/* test_exchange.c — nodes linked to central (issue 12), black-box: central
 * on the suite's backend (PostgreSQL in api-exchange-pg), nodes A and B on
 * SQLite, all on loopback, driven with the real CLI (`sijill node add`,
 * `node join`, `sync`) and the HTTP API.
 *
 *  - node_to_central: a case with persons, custody and a sealed PV made on
 *    node A arrives at central exactly (per-table digests on both sides);
 *    rows of units A does not host are quarantined, counted, never dropped;
 *    A's audit chain is witnessed; a row pushed by node B for A's unit is
 *    quarantined, A's copy unchanged (B cannot write A's records).
 *  - protocol: a test node with its own key sends hand-made batches: applied
 *    once, replayed (nothing changes), out of order or truncated (400,
 *    nothing applied), forged (403, audited), oversized (413), a gap (409
 *    naming the expected sequence), suspended (403, nothing applied), an old
 *    version never overwrites a newer one.
 *  - central_restored: central loses what it acknowledged (restored from an
 *    older backup); the node notices and sends it again from its outbox.
 *  - fault_rounds: 30 rounds of writes on both nodes while a loopback proxy
 *    cuts the push at a random byte, or central is killed -9 mid-sync; after
 *    each round and a catch-up, every table's digest is the same at central
 *    and on the node: nothing lost, nothing duplicated (bench/exchange.sh
 *    runs 200 and more).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static th_server C, A, B;

static th_resp req(th_server *s, const char *method, const char *path, const char *tok, json_t *body)
{
	if (!body)
		return th_request(s, method, path, tok, NULL, 0, NULL);
	char *t = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	th_resp r = th_json(s, method, path, tok, t);
	free(t);
	return r;
}

static void expect_problem(th_resp *r, long status, const char *code)
{
	th_expect(r, status);
	assert_non_null(strstr(r->ctype, "application/problem+json"));
	assert_string_equal(th_str(r, "code"), code);
}

static void central_url(char *out, size_t n, int port)
{
	snprintf(out, n, "http://127.0.0.1:%d", port);
}

/* enrol: node add at central for unit, node join on s; returns the node id. */
static void enrol(th_server *s, const char *unit, int port, char id[64])
{
	char out[4096], url[64];
	const char *add[] = {"node", "add", "--unit", unit, NULL};
	assert_int_equal(th_cli(&C, out, sizeof out, add), 0);
	const char *p = strstr(out, "node "), *k = strstr(out, "valid 7 days): ");
	assert_non_null(p);
	assert_non_null(k);
	snprintf(id, 37, "%s", p + 5);
	char code[32];
	snprintf(code, 21, "%s", k + strlen("valid 7 days): "));
	central_url(url, sizeof url, port);
	const char *join[] = {"node", "join", "--central", url, "--code", code, NULL};
	int rc = th_cli(s, out, sizeof out, join);
	if (rc)
		fprintf(stderr, "# %s\n", out);
	assert_int_equal(rc, 0);
	/* a code is good once */
	rc = th_cli(s, out, sizeof out, join);
	assert_int_not_equal(rc, 0);
	assert_non_null(strstr(out, "enrol-code"));
}

static int sync_node(th_server *s, char *out, size_t n)
{
	const char *args[] = {"sync", NULL};
	return th_cli(s, out, n, args);
}

/* digests: GET .../digest of a node id at central, or self on a node. */
static json_t *digest(th_server *s, const char *tok, const char *id)
{
	char path[128];
	snprintf(path, sizeof path, "/api/v1/exchange/nodes/%s/digest", id);
	th_resp r = req(s, "GET", path, tok, NULL);
	th_expect(&r, 200);
	json_t *d = json_incref(json_object_get(r.json, "digest"));
	th_resp_free(&r);
	return d;
}

/* same_content: every table but the node's accounts of units it does not
 * host (quarantined, see node_to_central) and skip (may be NULL: B's
 * persons, where the forged row of A's unit was quarantined) has the same
 * digest both sides. */
static void same_content(const char *ctok, const char *ntok, th_server *n, const char *id, int min_tables,
			 const char *skip)
{
	json_t *dc = digest(&C, ctok, id), *dn = digest(n, ntok, "self");
	const char *t;
	json_t *v;
	int tables = 0;
	json_object_foreach(dn, t, v) {
		if (strcmp(t, "users") == 0 || (skip && strcmp(t, skip) == 0))
			continue;
		const char *cv = json_string_value(json_object_get(dc, t));
		if (!cv || strcmp(cv, json_string_value(v)) != 0)
			fprintf(stderr, "# %s: node %s, central %s\n", t, json_string_value(v), cv ? cv : "(none)");
		assert_non_null(cv);
		assert_string_equal(cv, json_string_value(v));
		tables++;
	}
	assert_true(tables >= min_tables);
	json_decref(dc);
	json_decref(dn);
}

static char node_a[64], node_b[64], ctok[1024];

/* a case with two persons, custody and a sealed PV in demo-officer's unit
 * (harness.c th_whole_case) */
static void whole_case(th_server *s, const char *officer, const char *opj, const char *cin)
{
	const th_person suspect = {cin, "Bennani", "Youssef", "بناني", "يوسف", "1991-03-02", "M"},
			victim = {NULL, "Alaoui", "Salma", NULL, NULL, NULL, "F"};
	th_whole_case(s, officer, opj, &suspect, &victim, NULL);
}

static void node_to_central(void **st)
{
	(void)st;
	char out[8192];
	char *officer = th_login(&A, "demo-officer"), *opj = th_login(&A, "demo-opj"), *atok = th_login(&A, "demo-admin");
	whole_case(&A, officer, opj, "BK123456");
	assert_int_equal(sync_node(&A, out, sizeof out), 0);
	/* a case, its persons, custody, a sealed PV: at central, the same */
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM xchg_rows WHERE tbl = 'cases'"), 1);
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM xchg_rows WHERE tbl = 'persons'"), 2);
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM xchg_rows WHERE tbl = 'pvs'"
					" AND row LIKE '%\"status\":\"sealed\"%'"), 1);
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM xchg_rows WHERE tbl = 'custodies'"), 1);
	same_content(ctok, atok, &A, node_a, 8, NULL);
	/* the node's demo accounts of units it does not host: quarantined, counted */
	long long q = th_sql_int(&C, "SELECT count(*) FROM xchg_quarantine WHERE reason = 'unit-not-hosted'");
	assert_true(q >= 3);
	th_resp r = req(&C, "GET", "/api/v1/exchange/status", ctok, NULL);
	th_expect(&r, 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "quarantined")), q);
	th_resp_free(&r);
	/* the node's audit chain is witnessed, and unbroken */
	assert_true(th_sql_int(&C, "SELECT count(*) FROM xchg_rows WHERE tbl = 'audit_log'") > 5);
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM xchg_nodes WHERE id = '%s' AND chain_error IS NULL AND audit_seq > 5",
		 node_a);
	assert_int_equal(th_sql_int(&C, sql), 1);
	/* the node's own status */
	r = req(&A, "GET", "/api/v1/exchange/status", atok, NULL);
	th_expect(&r, 200);
	json_t *n = json_object_get(r.json, "node");
	assert_true(json_is_true(json_object_get(n, "joined")));
	assert_int_equal(json_integer_value(json_object_get(n, "pending")), 0);
	assert_int_equal(json_integer_value(json_object_get(n, "last_ack_seq")),
			 json_integer_value(json_object_get(n, "last_seq")));
	th_resp_free(&r);
	/* Prometheus: per node at central, pending and age on the node */
	r = req(&C, "GET", "/metrics", ctok, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "sijill_exchange_node_acked_seq{node=\""));
	assert_non_null(strstr(r.body, "sijill_exchange_quarantined "));
	th_resp_free(&r);
	r = req(&A, "GET", "/metrics", atok, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "sijill_exchange_pending 0\n"));
	assert_non_null(strstr(r.body, "sijill_exchange_last_ack_age_seconds "));
	th_resp_free(&r);
	/* node B pushes a row that claims A's unit: quarantined, A's row intact */
	long long before = th_sql_int(&C, "SELECT count(*) FROM xchg_quarantine");
	assert_int_equal(sync_node(&B, out, sizeof out), 0);
	/* an edit made behind sijill's back on B travels too: here, a person
	 * forged into A's unit */
	assert_int_equal(th_sql(&B, "INSERT INTO persons (id, last_name_lat, home_unit_id, created_at, updated_at)"
				   " SELECT '01900000-0000-7000-8000-00000000000b', 'Faux', id, 1, 1 FROM units"
				   " WHERE code = 'AR-CASA-OULFA'"),
			 0);
	assert_int_equal(sync_node(&B, out, sizeof out), 0);
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM xchg_quarantine WHERE tbl = 'persons'"
					" AND row_id = '01900000-0000-7000-8000-00000000000b'"), 1);
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM xchg_rows WHERE id = '01900000-0000-7000-8000-00000000000b'"), 0);
	assert_true(th_sql_int(&C, "SELECT count(*) FROM xchg_quarantine") > before);
	/* a sealed PV is verified again at central: one edited behind sijill's
	 * back on A (its text no longer hashes to its seal) is quarantined, and
	 * central keeps the sealed text */
	assert_int_equal(th_sql(&A, "UPDATE pvs SET content = replace(content, 'reconnais', 'nie') WHERE status = 'sealed'"), 0);
	assert_int_equal(sync_node(&A, out, sizeof out), 0);
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM xchg_quarantine WHERE tbl = 'pvs' AND reason = 'pv-seal-invalid'"), 1);
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM xchg_rows WHERE tbl = 'pvs' AND row LIKE '%reconnais%'"), 1);
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM xchg_rows WHERE tbl = 'pvs' AND row LIKE '%nie les faits%'"), 0);
	/* put it back (the PV on A as sealed), so the digests compare again */
	assert_int_equal(th_sql(&A, "UPDATE pvs SET content = replace(content, 'nie', 'reconnais') WHERE status = 'sealed'"), 0);
	assert_int_equal(sync_node(&A, out, sizeof out), 0);
	same_content(ctok, atok, &A, node_a, 8, NULL);
	free(officer);
	free(opj);
	free(atok);
}

/* ---- a hand-made node for the protocol ---- */

static unsigned char tpk[crypto_sign_PUBLICKEYBYTES], tsk[crypto_sign_SECRETKEYBYTES];
static char tnode[64];

/* signed_payload: the batch {node, payload, sig} of payload p (stolen). */
static char *signed_payload(const char *node, json_t *p, bool forge);

static char *signed_batch(const char *node, long long from, long long to, json_t *recs, bool forge)
{
	return signed_payload(node,
			      json_pack("{s:s,s:I,s:I,s:o}", "node", node, "from", (json_int_t)from, "to", (json_int_t)to,
					"records", recs),
			      forge);
}

static char *signed_payload(const char *node, json_t *p, bool forge)
{
	char *payload = json_dumps(p, JSON_COMPACT);
	json_decref(p);
	size_t n = strlen(payload);
	unsigned char *msg = malloc(n + 16), sig[crypto_sign_BYTES];
	memcpy(msg, "sijill-batch-v1\n", 16);
	memcpy(msg + 16, payload, n);
	crypto_sign_detached(sig, NULL, msg, n + 16, tsk);
	free(msg);
	if (forge)
		sig[3] ^= 1;
	char hex[2 * crypto_sign_BYTES + 1];
	sodium_bin2hex(hex, sizeof hex, sig, sizeof sig);
	json_t *b = json_pack("{s:s,s:s,s:s}", "node", node, "payload", payload, "sig", hex);
	free(payload);
	char *t = json_dumps(b, JSON_COMPACT);
	json_decref(b);
	return t;
}

static json_t *rec(long long seq, const char *tbl, const char *id, const char *unit, const char *row)
{
	return json_pack("{s:I,s:s,s:s,s:s?,s:s}", "seq", (json_int_t)seq, "tbl", tbl, "id", id, "unit", unit, "row", row);
}

static th_resp post(const char *body)
{
	return th_json(&C, "POST", "/api/v1/exchange/batches", NULL, body);
}

static long long rows_of_test_node(void)
{
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM xchg_rows WHERE node_id = '%s'", tnode);
	return th_sql_int(&C, sql);
}

#define P1 "01900000-0000-7000-8000-000000000001"
#define P2 "01900000-0000-7000-8000-000000000002"

/* fallbacks counts the batches central applied row by row (its log). */
static int fallbacks(void)
{
	char path[PATH_MAX + 32], line[4096];
	snprintf(path, sizeof path, "%s/server.log", C.dir);
	FILE *f = fopen(path, "r");
	int n = 0;
	while (f && fgets(line, sizeof line, f))
		n += strstr(line, "applying it row by row") != NULL;
	if (f)
		fclose(f);
	return n;
}

#define U_NODE "01900000-0000-7000-8000-0000000000aa"   /* the test node's id of its unit */
#define PERSON(id, cin, name) \
	"{\"id\":\"" id "\",\"cin\":\"" cin "\",\"unknown\":0,\"last_name_lat\":\"" name "\",\"first_name_lat\":\"Karim\"," \
	"\"birth_date\":\"1990-01-01\",\"sex\":\"M\",\"home_unit_id\":\"" U_NODE "\",\"created_at\":1,\"updated_at\":1}"
#define P3 "01900000-0000-7000-8000-000000000003"
#define P4 "01900000-0000-7000-8000-000000000004"
#define P5 "01900000-0000-7000-8000-000000000005"
#define P6 "01900000-0000-7000-8000-000000000006"

/* setwise: central applies a batch in a few statements (the persons in
 * central's table and national index, the same batch again changes
 * nothing); a batch with one row that does not fit central's table (a case
 * person of a case central does not have) is rolled back whole and applied row by
 * row: that row alone quarantined and named, the others applied once. */
static void setwise(long long acked)
{
	char sql[400];
	json_t *units = json_pack("{s:s}", U_NODE, "AR-RABAT-AGDAL");
	int fb = fallbacks();
	long long s3 = acked + 1;
	char *ok = signed_payload(
		tnode,
		json_pack("{s:s,s:I,s:I,s:O,s:[o,o,o]}", "node", tnode, "from", (json_int_t)s3, "to", (json_int_t)s3 + 2,
			  "units", units, "records", rec(s3, "persons", P3, "AR-RABAT-AGDAL", PERSON(P3, "ZZ100003", "Tazi")),
			  rec(s3 + 1, "persons", P5, "AR-RABAT-AGDAL", PERSON(P5, "ZZ100005", "Fassi")),
			  /* P3 again, newer: the newest version is central's */
			  rec(s3 + 2, "persons", P3, "AR-RABAT-AGDAL", PERSON(P3, "ZZ100003", "Tazi-Idrissi"))),
		false);
	th_resp r = post(ok);
	th_expect(&r, 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "applied")), 3);
	assert_int_equal(json_integer_value(json_object_get(r.json, "quarantined")), 0);
	th_resp_free(&r);
	assert_int_equal(fallbacks(), fb);   /* set-wise */
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM persons WHERE id IN ('" P3 "', '" P5 "')"), 2);
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM persons WHERE id = '" P3 "' AND last_name_lat = 'Tazi-Idrissi'"),
			 1);
	assert_true(th_sql_int(&C, "SELECT count(*) FROM person_keys WHERE person_id = '" P5 "'") > 0);
	long long keys = th_sql_int(&C, "SELECT count(*) FROM person_keys WHERE person_id IN ('" P3 "', '" P5 "')");
	/* replayed: nothing changes */
	r = post(ok);
	th_expect(&r, 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "applied")), 0);
	assert_int_equal(json_integer_value(json_object_get(r.json, "unchanged")), 3);
	th_resp_free(&r);
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM person_keys WHERE person_id IN ('" P3 "', '" P5 "')"), keys);

	/* P4 names a case central does not have: it cannot be written (a CIN
	 * central holds is no longer a conflict: one national person per CIN,
	 * test_pull's national_person_by_cin) */
	long long s6 = s3 + 3;
	char *bad = signed_payload(
		tnode,
		json_pack("{s:s,s:I,s:I,s:O,s:[o,o,o]}", "node", tnode, "from", (json_int_t)s6, "to", (json_int_t)s6 + 2,
			  "units", units, "records", rec(s6, "persons", P6, "AR-RABAT-AGDAL", PERSON(P6, "ZZ100006", "Berrada")),
			  rec(s6 + 1, "case_persons", P4, "AR-RABAT-AGDAL",
			      "{\"id\":\"" P4 "\",\"case_id\":\"01900000-0000-7000-8000-0000000000ff\",\"person_id\":\"" P6
			      "\",\"role\":\"victim\",\"added_at\":1,\"added_by\":\"01900000-0000-7000-8000-0000000000fe\"}"),
			  rec(s6 + 2, "persons", P5, "AR-RABAT-AGDAL", PERSON(P5, "ZZ100005", "Fassi-Fihri"))),
		false);
	r = post(bad);
	th_expect(&r, 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "ack")), s6 + 2);
	assert_int_equal(json_integer_value(json_object_get(r.json, "applied")), 3);
	assert_int_equal(json_integer_value(json_object_get(r.json, "quarantined")), 1);
	th_resp_free(&r);
	assert_int_equal(fallbacks(), fb + 1);   /* row by row, once */
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM xchg_quarantine WHERE node_id = '%s' AND seq = %lld AND row_id = '" P4 "'"
		 " AND reason IN ('central-conflict', 'central-apply-failed')",
		 tnode, s6 + 1);
	assert_int_equal(th_sql_int(&C, sql), 1);
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM case_persons WHERE id = '" P4 "'"), 0);
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM persons WHERE cin = 'BK123456'"), 1);
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM persons WHERE id = '" P6 "'"), 1);
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM persons WHERE id = '" P5 "' AND last_name_lat = 'Fassi-Fihri'"),
			 1);
	/* its exact copy is kept, as every row central received */
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM xchg_rows WHERE id = '" P4 "'"), 1);
	/* replayed: nothing changes, nothing quarantined twice */
	r = post(bad);
	th_expect(&r, 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "applied")), 0);
	th_resp_free(&r);
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM xchg_quarantine WHERE row_id = '" P4 "'"), 1);
	json_decref(units);
	free(ok);
	free(bad);
}

static void protocol(void **st)
{
	(void)st;
	char out[4096];
	crypto_sign_keypair(tpk, tsk);
	const char *add[] = {"node", "add", "--unit", "AR-RABAT-AGDAL", NULL};
	assert_int_equal(th_cli(&C, out, sizeof out, add), 0);
	const char *k = strstr(out, "valid 7 days): ");
	assert_non_null(k);
	char code[32], pub[2 * crypto_sign_PUBLICKEYBYTES + 1];
	snprintf(code, 21, "%s", k + strlen("valid 7 days): "));
	sodium_bin2hex(pub, sizeof pub, tpk, sizeof tpk);
	th_resp r = req(&C, "POST", "/api/v1/exchange/enrol", NULL, json_pack("{s:s,s:s}", "code", code, "public_key", pub));
	th_expect(&r, 200);
	snprintf(tnode, sizeof tnode, "%s", th_str(&r, "node_id"));
	th_resp_free(&r);

	/* 1. two records, applied once */
	char *b1 = signed_batch(tnode, 1, 2,
				json_pack("[o,o]", rec(1, "persons", P1, "AR-RABAT-AGDAL", "{\"id\":\"" P1 "\",\"v\":1}"),
					  rec(2, "persons", P2, "AR-RABAT-AGDAL", "{\"id\":\"" P2 "\",\"v\":1}")),
				false);
	r = post(b1);
	th_expect(&r, 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "ack")), 2);
	assert_int_equal(json_integer_value(json_object_get(r.json, "applied")), 2);
	th_resp_free(&r);
	assert_int_equal(rows_of_test_node(), 2);
	long long audited = th_sql_int(&C, "SELECT count(*) FROM audit_log WHERE action = 'exchange.batch'");

	/* 2. the same batch again (a retry after a lost answer): nothing changes */
	r = post(b1);
	th_expect(&r, 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "ack")), 2);
	assert_int_equal(json_integer_value(json_object_get(r.json, "applied")), 0);
	assert_int_equal(json_integer_value(json_object_get(r.json, "unchanged")), 2);
	th_resp_free(&r);
	assert_int_equal(rows_of_test_node(), 2);

	/* 3. a gap: 409 naming the expected sequence, nothing applied */
	char *gap = signed_batch(tnode, 5, 5, json_pack("[o]", rec(5, "persons", P1, "AR-RABAT-AGDAL", "{\"v\":5}")), false);
	r = post(gap);
	expect_problem(&r, 409, "batch-gap");
	assert_int_equal(json_integer_value(json_object_get(r.json, "expected")), 3);
	th_resp_free(&r);

	/* 4. out of order: refused whole */
	char *reord = signed_batch(tnode, 3, 4,
				   json_pack("[o,o]", rec(4, "persons", P1, "AR-RABAT-AGDAL", "{\"v\":4}"),
					     rec(3, "persons", P2, "AR-RABAT-AGDAL", "{\"v\":3}")),
				   false);
	r = post(reord);
	expect_problem(&r, 400, "batch-malformed");
	th_resp_free(&r);

	/* 5. forged: 403, audited, nothing applied */
	char *forged = signed_batch(tnode, 3, 3, json_pack("[o]", rec(3, "persons", P1, "AR-RABAT-AGDAL", "{\"v\":3}")), true);
	r = post(forged);
	expect_problem(&r, 403, "batch-signature");
	th_resp_free(&r);
	assert_true(th_sql_int(&C, "SELECT count(*) FROM audit_log WHERE action = 'exchange.batch' AND outcome = 'refused'") >= 1);

	/* 6. truncated at a byte: a clear 400, nothing applied */
	char *good = signed_batch(tnode, 3, 3, json_pack("[o]", rec(3, "persons", P1, "AR-RABAT-AGDAL", "{\"v\":3}")), false);
	size_t len = strlen(good);
	r = th_request(&C, "POST", "/api/v1/exchange/batches", NULL, good, len / 2,
		       (const char *const[]){"Content-Type: application/json", NULL});
	th_expect(&r, 400);
	assert_non_null(strstr(r.ctype, "application/problem+json"));
	th_resp_free(&r);

	/* 7. oversized: 413 before any byte is parsed */
	size_t big = 2u << 20;
	char *huge = malloc(big + 1);
	memset(huge, ' ', big);
	huge[0] = '{';
	huge[big - 1] = '}';
	huge[big] = '\0';
	r = th_json(&C, "POST", "/api/v1/exchange/batches", NULL, huge);
	th_expect(&r, 413);
	assert_non_null(strstr(r.ctype, "application/problem+json"));
	th_resp_free(&r);
	free(huge);
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT acked_seq FROM xchg_nodes WHERE id = '%s'", tnode);
	assert_int_equal(th_sql_int(&C, sql), 2);
	assert_int_equal(rows_of_test_node(), 2);

	/* 8. the good one: P1 at version 3; then a record of a unit not hosted:
	 * quarantined with its reason, the sequence still acknowledged */
	r = post(good);
	th_expect(&r, 200);
	th_resp_free(&r);
	char *foreign = signed_batch(tnode, 4, 4, json_pack("[o]", rec(4, "cases", P2, "AR-CASA-OULFA", "{\"v\":4}")), false);
	r = post(foreign);
	th_expect(&r, 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "quarantined")), 1);
	th_resp_free(&r);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM xchg_quarantine WHERE node_id = '%s' AND reason = 'unit-not-hosted'",
		 tnode);
	assert_int_equal(th_sql_int(&C, sql), 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM xchg_rows WHERE id = '%s' AND row LIKE '%%\"v\":3%%'", P1);
	assert_int_equal(th_sql_int(&C, sql), 1);
	/* an older version never overwrites a newer one (the stored src_seq wins) */
	snprintf(sql, sizeof sql, "UPDATE xchg_nodes SET acked_seq = 0 WHERE id = '%s'", tnode);
	assert_int_equal(th_sql(&C, sql), 0);
	r = post(b1);   /* P1 at version 1 (seq 1) again, central told it has nothing */
	th_expect(&r, 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "applied")), 0);
	th_resp_free(&r);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM xchg_rows WHERE id = '%s' AND row LIKE '%%\"v\":3%%'", P1);
	assert_int_equal(th_sql_int(&C, sql), 1);
	snprintf(sql, sizeof sql, "UPDATE xchg_nodes SET acked_seq = 4 WHERE id = '%s'", tnode);
	assert_int_equal(th_sql(&C, sql), 0);

	/* 9. set-wise, and row by row when a row does not fit (below) */
	setwise(4);

	/* 10. suspended (a stolen laptop): refused, nothing applied */
	const char *susp[] = {"node", "suspend", tnode, NULL};
	assert_int_equal(th_cli(&C, out, sizeof out, susp), 0);
	char *b5 = signed_batch(tnode, 5, 5, json_pack("[o]", rec(5, "persons", P1, "AR-RABAT-AGDAL", "{\"v\":5}")), false);
	r = post(b5);
	expect_problem(&r, 403, "node-suspended");
	th_resp_free(&r);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM xchg_rows WHERE id = '%s' AND row LIKE '%%\"v\":3%%'", P1);
	assert_int_equal(th_sql_int(&C, sql), 1);
	assert_true(th_sql_int(&C, "SELECT count(*) FROM audit_log WHERE action = 'exchange.batch'") > audited);
	/* an unknown node */
	r = th_json(&C, "POST", "/api/v1/exchange/batches", NULL,
		    "{\"node\":\"01900000-0000-7000-8000-0000000000ff\",\"payload\":\"{}\",\"sig\":\""
		    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000\"}");
	expect_problem(&r, 403, "node-unknown");
	th_resp_free(&r);
	free(b1);
	free(gap);
	free(reord);
	free(forged);
	free(good);
	free(foreign);
	free(b5);
}

/* central restored from an older backup: it lost what it acknowledged; the
 * node notices (409: central expects less than the node holds acknowledged)
 * and sends it again from its outbox, which it keeps. The restore is made
 * by removing, at central, what it received after a point (the same state
 * a restored backup is in). */
static void central_restored(void **st)
{
	(void)st;
	char out[8192], sql[512];
	char *officer = th_login(&A, "demo-officer"), *opj = th_login(&A, "demo-opj"), *atok = th_login(&A, "demo-admin");
	snprintf(sql, sizeof sql, "SELECT acked_seq FROM xchg_nodes WHERE id = '%s'", node_a);
	long long k = th_sql_int(&C, sql);
	/* the state of the backup: what central held then (its witness position
	 * kept aside in two spare columns) */
	snprintf(sql, sizeof sql, "UPDATE xchg_nodes SET last_error = audit_head, last_error_at = audit_seq WHERE id = '%s'",
		 node_a);
	assert_int_equal(th_sql(&C, sql), 0);
	whole_case(&A, officer, opj, "BK654321");
	assert_int_equal(sync_node(&A, out, sizeof out), 0);
	snprintf(sql, sizeof sql, "SELECT acked_seq FROM xchg_nodes WHERE id = '%s'", node_a);
	assert_true(th_sql_int(&C, sql) > k);
	/* the restore: central loses everything after k */
	snprintf(sql, sizeof sql, "DELETE FROM xchg_rows WHERE node_id = '%s' AND src_seq > %lld", node_a, k);
	assert_int_equal(th_sql(&C, sql), 0);
	snprintf(sql, sizeof sql, "DELETE FROM xchg_quarantine WHERE node_id = '%s' AND seq > %lld", node_a, k);
	assert_int_equal(th_sql(&C, sql), 0);
	snprintf(sql, sizeof sql,
		 "UPDATE xchg_nodes SET acked_seq = %lld, audit_head = last_error, audit_seq = last_error_at,"
		 " last_error = NULL, last_error_at = NULL WHERE id = '%s'", k, node_a);
	assert_int_equal(th_sql(&C, sql), 0);
	/* the node notices and sends again what central lost */
	int rc = sync_node(&A, out, sizeof out);
	if (rc)
		fprintf(stderr, "# %s\n", out);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "lost changes"));
	same_content(ctok, atok, &A, node_a, 8, NULL);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM xchg_nodes WHERE id = '%s' AND chain_error IS NULL", node_a);
	assert_int_equal(th_sql_int(&C, sql), 1);
	free(officer);
	free(opj);
	free(atok);
}


/* a node too long without an exchange: every page warns past half of
 * exchange.max_days_without (7 days), national look-ups are refused past it,
 * and the next successful exchange lifts both */
static void stale_node(void **st)
{
	(void)st;
	char out[4096];
	char *officer = th_login(&A, "demo-officer");
	const char *search = "/api/v1/persons/search?q=Bennani&purpose=verification";
	th_resp r = req(&A, "GET", "/healthz", NULL, NULL);
	th_expect(&r, 200);
	json_t *x = json_object_get(r.json, "exchange");
	assert_non_null(x);
	assert_false(json_is_true(json_object_get(x, "warn")));
	th_resp_free(&r);
	r = req(&A, "GET", search, officer, NULL);
	th_expect(&r, 200);
	th_resp_free(&r);
	/* 4 days without: a warning on every page, look-ups still answered */
	assert_int_equal(th_sql(&A, "UPDATE node_state SET value = value - 4 * 86400000 - 60000 WHERE key = 'exchange.last_ack_at'"), 0);
	r = req(&A, "GET", "/healthz", NULL, NULL);
	x = json_object_get(r.json, "exchange");
	assert_true(json_is_true(json_object_get(x, "warn")));
	assert_false(json_is_true(json_object_get(x, "refuse")));
	assert_int_equal(json_integer_value(json_object_get(x, "days_without")), 4);
	th_resp_free(&r);
	r = req(&A, "GET", search, officer, NULL);
	th_expect(&r, 200);
	th_resp_free(&r);
	/* 8 days: new national look-ups refused, with a reason a person can act on */
	assert_int_equal(th_sql(&A, "UPDATE node_state SET value = value - 4 * 86400000 WHERE key = 'exchange.last_ack_at'"), 0);
	r = req(&A, "GET", "/healthz", NULL, NULL);
	assert_true(json_is_true(json_object_get(json_object_get(r.json, "exchange"), "refuse")));
	th_resp_free(&r);
	r = req(&A, "GET", search, officer, NULL);
	expect_problem(&r, 409, "exchange-stale");
	assert_non_null(json_object_get(json_object_get(r.json, "message"), "ar"));
	th_resp_free(&r);
	/* central (never stale) answers; after a successful exchange the node does again */
	r = req(&C, "GET", "/healthz", NULL, NULL);
	assert_null(json_object_get(r.json, "exchange"));
	th_resp_free(&r);
	assert_int_equal(sync_node(&A, out, sizeof out), 0);
	r = req(&A, "GET", search, officer, NULL);
	th_expect(&r, 200);
	th_resp_free(&r);
	free(officer);
}

/* ---- fault rounds ---- */

/* The proxy: nodes push through it; it forwards to central's current port
 * and, when cutting, closes both sides after a random number of bytes. */
static int proxy_fd, proxy_port;
static volatile int proxy_cut;          /* 1: cut connections at a random byte */
static volatile int central_port;

typedef struct pconn {
	int a, b;
	long cut_at;
} pconn;

static void *proxy_conn(void *arg)
{
	pconn *pc = arg;
	long moved = 0;
	char buf[4096];
	for (;;) {
		fd_set rs;
		FD_ZERO(&rs);
		FD_SET(pc->a, &rs);
		FD_SET(pc->b, &rs);
		struct timeval tv = {30, 0};
		int n = select((pc->a > pc->b ? pc->a : pc->b) + 1, &rs, NULL, NULL, &tv);
		if (n <= 0)
			break;
		int from = FD_ISSET(pc->a, &rs) ? pc->a : pc->b, to = from == pc->a ? pc->b : pc->a;
		ssize_t k = read(from, buf, sizeof buf);
		if (k <= 0)
			break;
		if (pc->cut_at >= 0 && moved + k > pc->cut_at) {
			k = pc->cut_at - moved;
			if (k > 0 && write(to, buf, (size_t)k) < 0)
				break;
			break;   /* the cut */
		}
		if (write(to, buf, (size_t)k) != k)
			break;
		moved += k;
	}
	close(pc->a);
	close(pc->b);
	free(pc);
	return NULL;
}

static void *proxy_main(void *arg)
{
	(void)arg;
	for (;;) {
		int a = accept(proxy_fd, NULL, NULL);
		if (a < 0)
			return NULL;
		int b = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)central_port)};
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (b < 0 || connect(b, (struct sockaddr *)&sa, sizeof sa) != 0) {
			close(a);
			if (b >= 0)
				close(b);
			continue;
		}
		pconn *pc = malloc(sizeof *pc);
		pc->a = a;
		pc->b = b;
		pc->cut_at = proxy_cut ? (long)randombytes_uniform(24000) : -1;
		pthread_t t;
		pthread_create(&t, NULL, proxy_conn, pc);
		pthread_detach(t);
	}
}

static void proxy_start(void)
{
	proxy_fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(proxy_fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(proxy_fd, 64), 0);
	socklen_t sl = sizeof sa;
	getsockname(proxy_fd, (struct sockaddr *)&sa, &sl);
	proxy_port = ntohs(sa.sin_port);
	pthread_t t;
	pthread_create(&t, NULL, proxy_main, NULL);
	pthread_detach(t);
}

/* point s's join file at the proxy */
static void via_proxy(th_server *s)
{
	char path[PATH_MAX + 64], url[64];
	snprintf(path, sizeof path, "%s.central", s->key);
	json_t *j = json_load_file(path, 0, NULL);
	assert_non_null(j);
	snprintf(url, sizeof url, "http://127.0.0.1:%d", proxy_port);
	json_object_set_new(j, "central", json_string(url));
	assert_int_equal(json_dump_file(j, path, JSON_INDENT(2)), 0);
	json_decref(j);
}

/* sync_bg starts `sijill sync` on s without waiting */
static pid_t sync_bg(th_server *s)
{
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		dup2(fd, 2);
		const char *argv[] = {getenv("SIJILL_BIN"), "sync", "--db", s->db, "--audit-key", s->key, NULL};
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

typedef struct writer {
	th_server *s;
	char tok[1024];
	volatile int stop;
	int ok, failed;
} writer;

/* continuous writes: cases on the node, as fast as it takes them */
static void *write_loop(void *arg)
{
	writer *w = arg;
	while (!w->stop) {
		json_t *b = json_pack("{s:s,s:[{s:s}],s:s}", "frame", "preliminary", "offences", "code", "CP-505", "summary",
				      "Écriture continue pendant les coupures");
		char *t = json_dumps(b, JSON_COMPACT);
		json_decref(b);
		th_resp r = th_json(w->s, "POST", "/api/v1/cases", w->tok, t);
		free(t);
		if (r.status == 201)
			w->ok++;
		else
			w->failed++;
		th_resp_free(&r);
	}
	return NULL;
}

static void stamp(const char *what)
{
	if (!getenv("SIJILL_XCHG_VERBOSE"))
		return;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	fprintf(stderr, "#   %.2f %s\n", ts.tv_sec + ts.tv_nsec / 1e9, what);
}

static void catch_up(th_server *s)
{
	char out[8192];
	int rc = 1;
	for (int i = 0; i < 5 && rc; i++)
		rc = sync_node(s, out, sizeof out);
	if (rc)
		fprintf(stderr, "# catch-up: %s\n", out);
	assert_int_equal(rc, 0);
}

static void fault_rounds(void **st)
{
	(void)st;
	const char *env = getenv("SIJILL_XCHG_ROUNDS");
	int rounds = env ? atoi(env) : C.pg ? 30 : 6;
	proxy_start();
	central_port = C.port;
	via_proxy(&A);
	via_proxy(&B);
	char *atok = th_login(&A, "demo-admin"), *btok = th_login(&B, "demo-admin");
	writer wa = {.s = &A}, wb = {.s = &B};
	char *t = th_login(&A, "demo-officer");
	snprintf(wa.tok, sizeof wa.tok, "%s", t);
	free(t);
	t = th_login(&B, "demo-officer2");
	snprintf(wb.tok, sizeof wb.tok, "%s", t);
	free(t);
	int cuts = 0, kills_c = 0, kills_n = 0, kills_push = 0;
	for (int round = 0; round < rounds; round++) {
		pthread_t ta, tb;
		wa.stop = wb.stop = 0;
		pthread_create(&ta, NULL, write_loop, &wa);
		pthread_create(&tb, NULL, write_loop, &wb);
		int kind = (int)randombytes_uniform(4);
		proxy_cut = kind == 0;
		pid_t pa = sync_bg(&A), pb = sync_bg(&B);
		usleep(50000 + randombytes_uniform(400000));
		if (kind == 1) {   /* central dies mid-exchange */
			th_kill9(&C);
			kills_c++;
		} else if (kind == 2) {   /* the node's pusher dies mid-push */
			kill(pa, SIGKILL);
			kills_push++;
		} else if (kind == 3) {   /* the node itself dies under writes */
			th_kill9(&A);
			kills_n++;
		} else
			cuts++;
		stamp("faulted");
		int stt;
		waitpid(pa, &stt, 0);
		waitpid(pb, &stt, 0);
		stamp("pushes ended");
		wa.stop = wb.stop = 1;
		pthread_join(ta, NULL);
		pthread_join(tb, NULL);
		if (kind == 1) {
			th_start_server(&C);
			central_port = C.port;
		}
		if (kind == 3)
			th_start_server(&A);
		stamp("restarted");
		/* catch-up, then the same content on both sides */
		proxy_cut = 0;
		pa = sync_bg(&A);
		pb = sync_bg(&B);
		int sa = 0, sb = 0;
		waitpid(pa, &sa, 0);
		waitpid(pb, &sb, 0);
		if (!WIFEXITED(sa) || WEXITSTATUS(sa) != 0)
			catch_up(&A);
		if (!WIFEXITED(sb) || WEXITSTATUS(sb) != 0)
			catch_up(&B);
		stamp("caught up");
		same_content(ctok, atok, &A, node_a, 8, NULL);
		same_content(ctok, btok, &B, node_b, 2, "persons");
		if (getenv("SIJILL_XCHG_VERBOSE"))
			{ struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts); fprintf(stderr, "# round %d kind %d done at %.2f\n", round, kind, ts.tv_sec + ts.tv_nsec / 1e9); }
	}
	/* every chain verifies: both nodes witnessed without a break */
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM xchg_nodes WHERE chain_error IS NOT NULL"), 0);
	assert_int_equal(th_sql_int(&C, "SELECT count(*) FROM xchg_quarantine WHERE reason = 'chain-broken'"), 0);
	/* exactly once: no row twice, none lost (the digests above), and the
	 * acknowledged sequence of each node is its last */
	fprintf(stderr, "# %d fault rounds (%d cuts, %d central kill -9, %d pusher kill -9, %d node kill -9); "
			"writes: A %d ok / %d failed, B %d ok / %d failed\n",
		rounds, cuts, kills_c, kills_push, kills_n, wa.ok, wa.failed, wb.ok, wb.failed);
	assert_true(wa.ok > rounds && wb.ok > rounds);
	free(atok);
	free(btok);
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
	enrol(&A, "AR-CASA-OULFA", C.port, node_a);
	enrol(&B, "AR-CASA-LISSASFA", C.port, node_b);
	char *t = th_login(&C, "demo-admin");
	snprintf(ctok, sizeof ctok, "%s", t);
	free(t);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	int rc = th_teardown(&A) | th_teardown(&B) | th_teardown(&C);
	return rc;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(node_to_central),
		cmocka_unit_test(protocol),
		cmocka_unit_test(central_restored),
		cmocka_unit_test(stale_node),
		cmocka_unit_test(fault_rounds),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
