/* test_mobile.c — the mobile CNIE enrolment units (issue 14), black-box,
 * against a real server on SQLite and on PostgreSQL:
 *   - a tour is planned (kit, vehicle, supervisor, operators, stops, slots);
 *     a booking fills a slot; a stop outside the tour's dates, an unknown
 *     commune, an unknown operator are refused field by field; the printed
 *     schedule is in Arabic and French and names no booked citizen;
 *   - an application opens on the kit only with the documents its request
 *     type needs (the CNIE rules of data/cnie.json); a minor without
 *     guardian, a renewal without prior CIN are refused;
 *   - captures signed by a registered device (the test plays the SBI
 *     device: an Ed25519 key, synthetic images made here, each capture's
 *     hash chained to the previous one) are accepted; a capture altered
 *     after signing, one from an unregistered device, one that does not
 *     continue the chain are each refused with their own code and nothing
 *     is written; a low-quality finger is kept but not accepted, and
 *     sign-off refuses until the finger is captured again or excepted
 *     with an exception photo; an operator's own print is refused;
 *   - sign-off runs the offline checks: the same person enrolled again
 *     under other Latin and Arabic spellings is flagged; a wanted applicant
 *     raises a wanted alert; the receipt carries the number and a QR code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <microhttpd.h>
#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#include "harness.h"
#include "core/clock.h"
#include "db/dbj.h"
#include "mobile/mobile.h"

static th_server S, K;   /* S: central (the suite's database); K: a kit (SQLite) joined to it */
static char node_k[64];
static char *admin, *chief, *officer, *officer2;
static unsigned char dev_pk[crypto_sign_PUBLICKEYBYTES], dev_sk[crypto_sign_SECRETKEYBYTES];
static unsigned char rogue_pk[crypto_sign_PUBLICKEYBYTES], rogue_sk[crypto_sign_SECRETKEYBYTES];
static char tour_id[64];
static char cbeff_path[1024];   /* an ABIS referenceURL's path, fetched again after a restore */

static const char *const FINGERS[] = {"Right Thumb", "Right IndexFinger", "Right MiddleFinger", "Right RingFinger",
				      "Right LittleFinger", "Left Thumb", "Left IndexFinger", "Left MiddleFinger",
				      "Left RingFinger", "Left LittleFinger"};

static const char *jget(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static void sha_hex(const void *p, size_t n, char out[65])
{
	unsigned char h[32];
	crypto_hash_sha256(h, p, n);
	sodium_bin2hex(out, 65, h, 32);
}

static char *b64(const void *p, size_t n)
{
	size_t m = sodium_base64_encoded_len(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *s = malloc(m);
	sodium_bin2base64(s, m, p, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return s;
}

/* image: a deterministic synthetic 24x24 PGM of subject's position —
 * nobody's finger. */
static size_t image(const char *subject, const char *position, unsigned char *out)
{
	int h = snprintf((char *)out, 32, "P5 24 24 255\n");
	unsigned char seed[32];
	char key[256];
	snprintf(key, sizeof key, "%s|%s", subject, position);
	crypto_hash_sha256(seed, (const unsigned char *)key, strlen(key));
	randombytes_buf_deterministic(out + h, 576, seed);
	return (size_t)h + 576;
}

/* capture signs one SBI biometric as the device would: the payload, a
 * compact JWS (EdDSA), the hash chained from prev (updated). */
static json_t *capture(const unsigned char *sk, const char *serial, const char *txn, const char *type,
		       const char *pos, const char *subject, int quality, char prev[65])
{
	unsigned char img[700];
	size_t n = image(subject, pos, img);
	char *bv = b64(img, n), bh[65], link[130], hash[65];
	sha_hex(img, n, bh);
	snprintf(link, sizeof link, "%s%s", prev, bh);
	sha_hex(link, strlen(link), hash);
	json_t *p = json_pack("{s:{s:s,s:s},s:s,s:s,s:s,s:i,s:s,s:s}", "digitalId", "serialNo", serial, "type", type,
			      "bioType", type, "bioSubType", pos, "bioValue", bv, "qualityScore", quality,
			      "transactionId", txn, "timestamp", "2026-12-02T08:00:00Z");
	char *pl = json_dumps(p, JSON_COMPACT);
	char hdr[200];
	snprintf(hdr, sizeof hdr, "{\"alg\":\"EdDSA\",\"typ\":\"JWT\",\"kid\":\"%s\"}", serial);
	char *h64 = b64(hdr, strlen(hdr)), *p64 = b64(pl, strlen(pl));
	size_t sn = strlen(h64) + strlen(p64) + 2;
	char *signing = malloc(sn);
	snprintf(signing, sn, "%s.%s", h64, p64);
	unsigned char sig[64];
	crypto_sign_detached(sig, NULL, (unsigned char *)signing, strlen(signing), sk);
	char *s64 = b64(sig, 64);
	size_t dn = sn + strlen(s64) + 2;
	char *data = malloc(dn);
	snprintf(data, dn, "%s.%s", signing, s64);
	json_t *out = json_pack("{s:s,s:s}", "data", data, "hash", hash);
	memcpy(prev, hash, 65);
	free(bv);
	free(pl);
	free(h64);
	free(p64);
	free(signing);
	free(s64);
	free(data);
	json_decref(p);
	return out;
}


/* ------------------------------------------------------------ mock ABIS */

/* A mock ABIS (MOSIP ABIS JSON): insert keeps a referenceId's hashes,
 * identify answers the other referenceIds sharing a hash. It keeps every
 * message it received, so the test can look for names and CINs in them. */
static struct MHD_Daemon *abis;
static pthread_mutex_t abis_mu = PTHREAD_MUTEX_INITIALIZER;
static json_t *abis_msgs, *abis_gallery;   /* [message], {referenceId: [hash]} */
static int abis_port;

typedef struct abis_req {
	char *body;
	size_t n;
} abis_req;

static json_t *abis_answer(json_t *m)
{
	const char *id = jget(m, "id"), *ref = jget(m, "referenceId");
	if (strcmp(id, "mosip.abis.insert") == 0) {
		json_t *hs = json_array();
		size_t i;
		json_t *b;
		json_array_foreach(json_object_get(m, "biometrics"), i, b) json_array_append(hs, json_object_get(b, "hash"));
		json_object_set_new(abis_gallery, ref, hs);
		return json_pack("{s:s,s:s,s:s}", "id", id, "requestId", jget(m, "requestId"), "returnValue", "1");
	}
	json_t *mine = json_object_get(abis_gallery, ref), *cands = json_array();
	const char *k;
	json_t *hs;
	json_object_foreach(abis_gallery, k, hs) {
		if (strcmp(k, ref) == 0)
			continue;
		bool hit = false;
		size_t i, j;
		json_t *a, *b;
		json_array_foreach(mine, i, a) json_array_foreach(hs, j, b) if (json_equal(a, b)) hit = true;
		if (hit)
			json_array_append_new(cands, json_pack("{s:s,s:{s:s}}", "referenceId", k, "analytics", "confidence", "90"));
	}
	return json_pack("{s:s,s:s,s:s,s:{s:I,s:o}}", "id", id, "requestId", jget(m, "requestId"), "returnValue", "1",
			 "candidateList", "count", (json_int_t)json_array_size(cands), "candidates", cands);
}

static enum MHD_Result abis_handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				   const char *version, const char *data, size_t *size, void **con_cls)
{
	(void)cls;
	(void)url;
	(void)method;
	(void)version;
	abis_req *rq = *con_cls;
	if (!rq) {
		*con_cls = calloc(1, sizeof *rq);
		return MHD_YES;
	}
	if (*size) {
		rq->body = realloc(rq->body, rq->n + *size + 1);
		memcpy(rq->body + rq->n, data, *size);
		rq->n += *size;
		rq->body[rq->n] = 0;
		*size = 0;
		return MHD_YES;
	}
	json_t *m = rq->body ? json_loads(rq->body, 0, NULL) : NULL, *ans = NULL;
	pthread_mutex_lock(&abis_mu);
	if (m) {
		json_array_append(abis_msgs, m);
		ans = abis_answer(m);
	}
	pthread_mutex_unlock(&abis_mu);
	char *text = ans ? json_dumps(ans, JSON_COMPACT) : strdup("{}");
	json_decref(m);
	json_decref(ans);
	struct MHD_Response *resp = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result r = MHD_queue_response(conn, ans || m ? 200 : 400, resp);
	MHD_destroy_response(resp);
	return r;
}

static void abis_done(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode t)
{
	(void)cls;
	(void)conn;
	(void)t;
	abis_req *rq = *con_cls;
	if (rq)
		free(rq->body);
	free(rq);
	*con_cls = NULL;
}

static void abis_start(void)
{
	abis_msgs = json_array();
	abis_gallery = json_object();
	for (abis_port = 20000 + (int)(getpid() % 20000); !abis; abis_port++)
		abis = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, (uint16_t)abis_port, NULL, NULL, abis_handle, NULL,
					MHD_OPTION_NOTIFY_COMPLETED, abis_done, NULL, MHD_OPTION_END);
	abis_port--;
}

static int setup(void **state)
{
	(void)state;
	th_setup(&S);
	/* central asks the mock ABIS (config abis_url) */
	abis_start();
	snprintf(S.conf, sizeof S.conf, "%s/abis.conf", S.dir);
	FILE *cf = fopen(S.conf, "w");
	if (!cf)
		return -1;
	fprintf(cf, "abis_url = http://127.0.0.1:%d/abis\n", abis_port);
	/* where the ABIS reaches central for the images (the test asks the path itself) */
	fprintf(cf, "abis_reference_base = https://central.abis.test/\n");
	fclose(cf);
	if (th_stop_server(&S) != 0)
		return -1;
	/* central's background validation waits a day: the test validates when it says */
	const char *slow[] = {"settings", "set", "mobile.validate_interval_s", "86400", NULL};
	char sout[1024];
	if (th_cli(&S, sout, sizeof sout, slow) != 0) {
		fprintf(stderr, "# settings: %s\n", sout);
		return -1;
	}
	th_start_server(&S);
	admin = th_login(&S, "demo-admin");
	chief = th_login(&S, "demo-chief");
	officer = th_login(&S, "demo-officer");
	officer2 = th_login(&S, "demo-officer2");
	crypto_sign_keypair(dev_pk, dev_sk);
	crypto_sign_keypair(rogue_pk, rogue_sk);
	const char *be = getenv("SIJILL_TEST_BACKEND");
	char saved[16];
	snprintf(saved, sizeof saved, "%s", be ? be : "sqlite");
	setenv("SIJILL_TEST_BACKEND", "sqlite", 1);
	th_setup(&K);
	setenv("SIJILL_TEST_BACKEND", saved, 1);
	/* the kit joins central as the node hosting AR-CASA-OULFA */
	char out[4096], url[64], code[32];
	const char *add[] = {"node", "add", "--unit", "AR-CASA-OULFA", NULL};
	if (th_cli(&S, out, sizeof out, add) != 0)
		return -1;
	const char *p = strstr(out, "node "), *k = strstr(out, "valid 7 days): ");
	if (!p || !k)
		return -1;
	snprintf(node_k, 37, "%s", p + 5);
	snprintf(code, 21, "%s", k + strlen("valid 7 days): "));
	snprintf(url, sizeof url, "http://127.0.0.1:%d", S.port);
	const char *join[] = {"node", "join", "--central", url, "--code", code, NULL};
	if (th_cli(&K, out, sizeof out, join) != 0) {
		fprintf(stderr, "# join: %s\n", out);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(admin);
	free(chief);
	free(officer);
	free(officer2);
	int k = th_teardown(&K);
	MHD_stop_daemon(abis);
	json_decref(abis_msgs);
	json_decref(abis_gallery);
	return th_teardown(&S) == 0 && k == 0 ? 0 : -1;
}

static json_t *tour_body(const char *day, const char *commune, const char *op)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:[s],s:[{s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:i}]}", "kit", "KIT-OULFA-01",
			 "vehicle", "Toyota Hilace 12345-أ-6", "starts_on", "2026-01-05", "ends_on", "2026-01-09",
			 "supervisor", "demo-chief", "operators", op, "stops", "day", day, "commune", commune, "place",
			 "École Al Massira, douar Oulad Ali", "place_kind", "school", "opens", "08:30", "closes", "12:30",
			 "slot_minutes", 30, "per_slot", 2);
}

static void tour_planned_and_printed(void **st)
{
	(void)st;
	/* refusals, field by field, nothing written */
	th_resp r = th_req(&S, "POST", "/api/v1/mobile/tours", chief, tour_body("2026-02-01", "COM-RABAT", "demo-officer"));
	th_expect(&r, 400);
	assert_non_null(strstr(r.body, "stop-outside-tour"));
	th_resp_free(&r);
	r = th_req(&S, "POST", "/api/v1/mobile/tours", chief, tour_body("2026-01-06", "COM-NOWHERE", "demo-officer"));
	th_expect(&r, 400);
	assert_non_null(strstr(r.body, "unknown-commune"));
	th_resp_free(&r);
	r = th_req(&S, "POST", "/api/v1/mobile/tours", chief, tour_body("2026-01-06", "COM-RABAT", "demo-officer2"));
	th_expect(&r, 400);   /* another unit's officer is not in the chief's scope */
	assert_non_null(strstr(r.body, "unknown-user"));
	th_resp_free(&r);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM mob_tours"), 0);
	r = th_req(&S, "POST", "/api/v1/mobile/tours", officer, tour_body("2026-01-06", "COM-RABAT", "demo-officer"));
	th_expect(&r, 403);
	th_resp_free(&r);

	r = th_req(&S, "POST", "/api/v1/mobile/tours", chief, tour_body("2026-01-06", "COM-RABAT", "demo-officer"));
	th_expect(&r, 201);
	snprintf(tour_id, sizeof tour_id, "%s", jget(r.json, "id"));
	assert_non_null(strstr(jget(r.json, "code"), "/TR-"));
	assert_string_equal(jget(r.json, "status"), "planned");
	assert_int_equal(json_array_size(json_object_get(r.json, "team")), 2);
	th_resp_free(&r);

	char path[256];
	snprintf(path, sizeof path, "/api/v1/mobile/tours/%s/bookings", tour_id);
	for (int i = 0; i < 2; i++) {
		r = th_req(&S, "POST", path, officer,
			   json_pack("{s:i,s:s,s:s}", "stop_seq", 1, "slot", "09:00", "name_lat", "Zineb Ouazzani"));
		th_expect(&r, 201);
		th_resp_free(&r);
	}
	r = th_req(&S, "POST", path, officer, json_pack("{s:i,s:s,s:s}", "stop_seq", 1, "slot", "09:00", "preapp_no", "PA-1"));
	th_expect(&r, 409);
	assert_non_null(strstr(r.body, "slot-full"));
	th_resp_free(&r);
	r = th_req(&S, "POST", path, officer, json_pack("{s:i,s:s,s:s}", "stop_seq", 1, "slot", "09:10", "preapp_no", "PA-1"));
	th_expect(&r, 400);
	assert_non_null(strstr(r.body, "not-a-slot"));
	th_resp_free(&r);

	snprintf(path, sizeof path, "/api/v1/mobile/tours/%s/schedule?commune=COM-RABAT", tour_id);
	r = th_request(&S, "GET", path, officer, NULL, 0, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "Calendrier de l’unité mobile CNIE"));
	assert_non_null(strstr(r.body, "جدول الوحدة المتنقلة"));
	assert_non_null(strstr(r.body, "<td>09:00</td><td>2 / 2</td>"));
	assert_null(strstr(r.body, "Ouazzani"));
	th_resp_free(&r);
}

static void device_registered(void **st)
{
	(void)st;
	char hex[65];
	sodium_bin2hex(hex, sizeof hex, dev_pk, sizeof dev_pk);
	th_resp r = th_req(&S, "POST", "/api/v1/mobile/devices", officer,
			   json_pack("{s:s,s:s,s:s,s:s,s:s}", "serial", "SIM-FP-0001", "kind", "finger", "make", "sijill",
				     "model", "device-sim", "public_key", hex));
	th_expect(&r, 403);
	th_resp_free(&r);
	r = th_req(&S, "POST", "/api/v1/mobile/devices", admin,
		   json_pack("{s:s,s:s,s:s,s:s,s:s}", "serial", "SIM-FP-0001", "kind", "finger", "make", "sijill", "model",
			     "device-sim", "public_key", hex));
	th_expect(&r, 201);
	th_resp_free(&r);
	r = th_req(&S, "POST", "/api/v1/mobile/devices", admin,
		   json_pack("{s:s,s:s,s:s,s:s,s:s}", "serial", "SIM-FP-0001", "kind", "finger", "make", "sijill", "model",
			     "device-sim", "public_key", hex));
	th_expect(&r, 409);
	th_resp_free(&r);
}

static json_t *applicant(const char *ll, const char *fl, const char *la, const char *fa, const char *birth,
			 const char *type)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:[{s:s,s:s},{s:s,s:s}]}",
			 "tour_id", tour_id, "request_type", type, "last_name_lat", ll, "first_name_lat", fl,
			 "last_name_ar", la, "first_name_ar", fa, "sex", "M", "birth_date", birth, "birth_place",
			 "El Brouj", "birth_act_no", "1234/1990", "father_name", "Ahmed", "mother_name", "Fatima",
			 "address", "Douar Oulad Ali, El Brouj", "commune", "COM-RABAT", "fee_ref", "TB-2026-0001", "docs",
			 "kind", "birth_extract", "number", "BE-77", "kind", "residence_certificate", "number", "RC-99");
}

/* enrol opens an application and returns its id (static buffer). */
static const char *enrol(json_t *body)
{
	static char id[64];
	th_resp r = th_req(&S, "POST", "/api/v1/mobile/enrolments", officer, body);
	th_expect(&r, 201);
	snprintf(id, sizeof id, "%s", jget(r.json, "id"));
	th_resp_free(&r);
	return id;
}

/* capture_all posts ten fingers and a face of subject for application id;
 * quality q for the first finger. */
static long capture_all(const char *id, const char *subject, int q0, char head[65])
{
	json_t *bios = json_array();
	for (int i = 0; i < 10; i++)
		json_array_append_new(bios, capture(dev_sk, "SIM-FP-0001", id, "Finger", FINGERS[i], subject,
						    i == 0 ? q0 : 80, head));
	json_array_append_new(bios, capture(dev_sk, "SIM-FP-0001", id, "Face", "Face", subject, 90, head));
	char path[256];
	snprintf(path, sizeof path, "/api/v1/mobile/enrolments/%s/captures", id);
	th_resp r = th_req(&S, "POST", path, officer, json_pack("{s:o}", "biometrics", bios));
	long st = r.status;
	if (st != 200)
		printf("# %s\n", r.body);
	th_resp_free(&r);
	return st;
}

static void enrolment_rules(void **st)
{
	(void)st;
	json_t *b = applicant("Alami", "Karim", "العلمي", "كريم", "1990-03-04", "first");
	json_array_remove(json_object_get(b, "docs"), 1);
	th_resp r = th_req(&S, "POST", "/api/v1/mobile/enrolments", officer, b);
	th_expect(&r, 400);
	assert_non_null(strstr(r.body, "document-missing"));
	th_resp_free(&r);
	r = th_req(&S, "POST", "/api/v1/mobile/enrolments", officer,
		   applicant("Alami", "Karim", "العلمي", "كريم", "2015-03-04", "first"));
	th_expect(&r, 400);   /* under 16 with no guardian */
	assert_non_null(strstr(r.body, "guardian_name"));
	th_resp_free(&r);
	r = th_req(&S, "POST", "/api/v1/mobile/enrolments", officer,
		   applicant("Alami", "Karim", "العلمي", "كريم", "1990-03-04", "minor"));
	th_expect(&r, 400);
	assert_non_null(strstr(r.body, "not-a-minor"));
	th_resp_free(&r);
	r = th_req(&S, "POST", "/api/v1/mobile/enrolments", officer2,
		   applicant("Alami", "Karim", "العلمي", "كريم", "1990-03-04", "first"));
	th_expect(&r, 403);   /* another unit's officer: the tour is out of scope */
	th_resp_free(&r);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM mob_enrolments"), 0);
}

static void captures_verified_and_signed_off(void **st)
{
	(void)st;
	char id[64], head[65], path[256];
	snprintf(id, sizeof id, "%s", enrol(applicant("Benali", "Mohamed", "بنعلي", "محمد", "1988-07-15", "first")));
	snprintf(path, sizeof path, "/api/v1/mobile/enrolments/%s/captures", id);
	th_resp r = th_request(&S, "GET", path + 0, officer, NULL, 0, NULL);
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/mobile/enrolments/%s", id);
	r = th_request(&S, "GET", path, officer, NULL, 0, NULL);
	th_expect(&r, 200);
	snprintf(head, sizeof head, "%s", jget(r.json, "chain_head"));
	th_resp_free(&r);
	char cpath[300];
	snprintf(cpath, sizeof cpath, "/api/v1/mobile/enrolments/%s/captures", id);

	/* altered after signing: a character of the payload changed */
	char h2[65];
	memcpy(h2, head, 65);
	json_t *c = capture(dev_sk, "SIM-FP-0001", id, "Finger", FINGERS[0], "benali", 80, h2);
	char *d = strdup(jget(c, "data"));
	char *dot = strchr(d, '.');
	dot[5] = dot[5] == 'A' ? 'B' : 'A';
	json_object_set_new(c, "data", json_string(d));
	free(d);
	r = th_req(&S, "POST", cpath, officer, json_pack("{s:[o]}", "biometrics", c));
	th_expect(&r, 422);
	assert_non_null(strstr(r.body, "capture-signature"));
	th_resp_free(&r);
	/* an unregistered device */
	memcpy(h2, head, 65);
	r = th_req(&S, "POST", cpath, officer,
		   json_pack("{s:[o]}", "biometrics", capture(rogue_sk, "ROGUE-1", id, "Finger", FINGERS[0], "benali", 80, h2)));
	th_expect(&r, 422);
	assert_non_null(strstr(r.body, "device-unregistered"));
	th_resp_free(&r);
	/* not chained from the application's head */
	char genesis[65];
	memset(genesis, 'a', 64);
	genesis[64] = 0;
	r = th_req(&S, "POST", cpath, officer,
		   json_pack("{s:[o]}", "biometrics", capture(dev_sk, "SIM-FP-0001", id, "Finger", FINGERS[0], "benali", 80, genesis)));
	th_expect(&r, 422);
	assert_non_null(strstr(r.body, "capture-chain"));
	th_resp_free(&r);
	/* another application's transaction */
	memcpy(h2, head, 65);
	r = th_req(&S, "POST", cpath, officer,
		   json_pack("{s:[o]}", "biometrics", capture(dev_sk, "SIM-FP-0001", tour_id, "Finger", FINGERS[0], "benali", 80, h2)));
	th_expect(&r, 422);
	assert_non_null(strstr(r.body, "capture-transaction"));
	th_resp_free(&r);
	char q[200];
	snprintf(q, sizeof q, "SELECT COUNT(*) FROM mob_captures WHERE enrolment_id = '%s'", id);
	assert_int_equal(th_sql_int(&S, q), 0);

	/* ten fingers and a face, the right thumb below the threshold */
	assert_int_equal(capture_all(id, "benali", 20, head), 200);
	assert_int_equal(th_sql_int(&S, q), 11);
	char spath[300];
	snprintf(spath, sizeof spath, "/api/v1/mobile/enrolments/%s/signoff", id);
	r = th_req(&S, "POST", spath, officer, NULL);
	th_expect(&r, 422);
	assert_non_null(strstr(r.body, "captures-incomplete"));
	th_resp_free(&r);
	/* an exception without its photo is refused; with it, accepted */
	r = th_req(&S, "POST", cpath, officer,
		   json_pack("{s:[],s:[{s:s,s:s}]}", "biometrics", "exceptions", "position", "Right Thumb", "reason", "injured"));
	th_expect(&r, 422);
	assert_non_null(strstr(r.body, "exception-photo-missing"));
	th_resp_free(&r);
	r = th_req(&S, "POST", cpath, officer,
		   json_pack("{s:[o],s:[{s:s,s:s}]}", "biometrics",
			     capture(dev_sk, "SIM-FP-0001", id, "Face", "ExceptionPhoto", "benali-hand", 90, head), "exceptions",
			     "position", "Right Thumb", "reason", "injured"));
	th_expect(&r, 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "exceptions")), 1);
	th_resp_free(&r);
	r = th_req(&S, "POST", spath, officer, NULL);
	th_expect(&r, 200);
	assert_string_equal(jget(r.json, "status"), "signed");
	assert_int_equal(json_array_size(json_object_get(r.json, "alerts")), 0);
	th_resp_free(&r);

	snprintf(path, sizeof path, "/api/v1/mobile/enrolments/%s/receipt", id);
	r = th_request(&S, "GET", path, officer, NULL, 0, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "/EN-"));
	assert_non_null(strstr(r.body, "<svg"));
	assert_non_null(strstr(r.body, "وصل طلب البطاقة الوطنية"));
	th_resp_free(&r);

	/* the same man again, other spellings in both scripts: flagged */
	char id2[64], head2[65];
	snprintf(id2, sizeof id2, "%s", enrol(applicant("Ben Ali", "Mohammed", "بن علي", "محمد", "1988-07-15", "first")));
	sha_hex("", 0, head2);
	assert_int_equal(capture_all(id2, "benali-2", 80, head2), 200);
	snprintf(spath, sizeof spath, "/api/v1/mobile/enrolments/%s/signoff", id2);
	r = th_req(&S, "POST", spath, officer, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "same-person"));
	th_resp_free(&r);
}

static void wanted_and_operator(void **st)
{
	(void)st;
	th_resp r = th_json(&S, "POST", "/api/v1/registers/wanted", officer,
			    "{\"reference\":\"MA-2026-77\",\"authority_code\":\"TPI-CASA-PENAL\",\"order_reference\":\"ORD-2024-1\",\"order_date\":\"2024-06-01\",\"issuing_authority\":\"Parquet de Settat\",\"offence_code\":\"CP-505\",\"offence\":\"vol qualifié\","
			    "\"danger\":\"medium\",\"last_name_lat\":\"Haddaoui\",\"first_name_lat\":\"Youssef\","
			    "\"last_name_ar\":\"الحداوي\",\"first_name_ar\":\"يوسف\",\"birth_date\":\"1985-01-20\"}");
	if (r.status != 201)
		printf("# wanted: %s\n", r.body);
	th_expect(&r, 201);
	th_resp_free(&r);
	char id[64], head[65], path[300];
	snprintf(id, sizeof id, "%s", enrol(applicant("Haddaoui", "Youssef", "الحداوي", "يوسف", "1985-01-20", "first")));
	sha_hex("", 0, head);
	assert_int_equal(capture_all(id, "haddaoui", 80, head), 200);
	snprintf(path, sizeof path, "/api/v1/mobile/enrolments/%s/signoff", id);
	r = th_req(&S, "POST", path, officer, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "wanted"));
	th_resp_free(&r);

	/* the operator's own print is never an applicant's */
	char oh[65];
	sha_hex("", 0, oh);
	r = th_req(&S, "POST", "/api/v1/mobile/operator-prints", officer,
		   json_pack("{s:[o]}", "biometrics",
			     capture(dev_sk, "SIM-FP-0001", "operator:demo-officer", "Finger", FINGERS[1], "operator-tazi", 80, oh)));
	th_expect(&r, 201);
	th_resp_free(&r);
	snprintf(id, sizeof id, "%s", enrol(applicant("Tazi", "Hamza", "التازي", "حمزة", "1992-05-05", "first")));
	sha_hex("", 0, head);
	snprintf(path, sizeof path, "/api/v1/mobile/enrolments/%s/captures", id);
	r = th_req(&S, "POST", path, officer,
		   json_pack("{s:[o]}", "biometrics",
			     capture(dev_sk, "SIM-FP-0001", id, "Finger", FINGERS[1], "operator-tazi", 80, head)));
	th_expect(&r, 422);
	assert_non_null(strstr(r.body, "operator-capture"));
	th_resp_free(&r);
}


/* ------------------------------------------------------------ the shipped device */

/* write_pgm writes a 24x24 PGM of subject's position under dir; flat: a
 * smudge (every pixel alike: quality 0). */
static void write_pgm(const char *dir, const char *subject, const char *pos, bool flat)
{
	char path[PATH_MAX + 256];
	snprintf(path, sizeof path, "%s/%s", dir, subject);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/%s/%s.pgm", dir, subject, pos);
	unsigned char img[700];
	size_t n = image(subject, pos, img);
	if (flat)
		memset(img + 13, 128, n - 13);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(img, 1, n, f), n);
	fclose(f);
}

static void shipped_device_sim(void **st)
{
	(void)st;
	char dir[PATH_MAX + 16], key[PATH_MAX + 32], port[16], out[PATH_MAX + 32];
	snprintf(dir, sizeof dir, "%s/img", S.dir);
	mkdir(dir, 0700);
	for (int i = 0; i < 10; i++)
		write_pgm(dir, "leila", FINGERS[i], i == 4);   /* her right little finger smudged */
	/* no face image: the device answers an error for it */
	snprintf(key, sizeof key, "%s/sim.key", S.dir);
	snprintf(out, sizeof out, "%s/sim.out", S.dir);
	/* a free loopback port: the device exits at once when its port is taken */
	int dport = 0;
	pid_t pid = 0;
	char line[256] = "";
	for (int attempt = 0; attempt < 8 && !strstr(line, "public_key "); attempt++) {
		dport = 30000 + (int)((getpid() * 7 + attempt * 977) % 20000);
		snprintf(port, sizeof port, "%d", dport);
		posix_spawn_file_actions_t fa;
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		char *const argv[] = {(char *)getenv("SIJILL_BIN"), "device-sim", "--port", port, "--key", key, "--images", dir,
				      "--serial", "SIM-FP-0009", NULL};
		assert_int_equal(posix_spawn(&pid, argv[0], &fa, NULL, argv, environ), 0);
		posix_spawn_file_actions_destroy(&fa);
		int status = 0;
		for (int i = 0; i < 300 && !strstr(line, "public_key "); i++) {
			struct timespec t = {0, 100 * 1000 * 1000};
			nanosleep(&t, NULL);
			FILE *f = fopen(out, "r");
			if (f) {
				if (!fgets(line, sizeof line, f))
					line[0] = 0;
				fclose(f);
			}
			if (!strstr(line, "public_key ") && waitpid(pid, &status, WNOHANG) == pid)
				break;   /* it exited: another port */
		}
	}
	const char *pk = strstr(line, "public_key ");
	assert_non_null(pk);
	char hex[65];
	snprintf(hex, sizeof hex, "%s", pk + strlen("public_key "));
	th_resp r = th_req(&S, "POST", "/api/v1/mobile/devices", admin,
			   json_pack("{s:s,s:s,s:s,s:s,s:s}", "serial", "SIM-FP-0009", "kind", "finger", "make", "sijill", "model",
				     "device-sim", "public_key", hex));
	th_expect(&r, 201);
	th_resp_free(&r);
	char id[64], head[65];
	snprintf(id, sizeof id, "%s", enrol(applicant("Benjelloun", "Leila", "بنجلون", "ليلى", "1995-04-04", "first")));
	sha_hex("", 0, head);
	/* the device, over SBI on loopback */
	th_server dev = {.port = dport};
	const char present[] = "{\"subject\":\"leila\"}";
	r = th_request(&dev, "POST", "/sim/present", NULL, present, strlen(present), NULL);
	th_expect(&r, 200);
	th_resp_free(&r);
	json_t *cap = json_pack("{s:s,s:s,s:[{s:s,s:[s,s,s,s,s,s,s,s,s,s]},{s:s,s:[s]}]}", "transactionId", id, "previousHash",
				head, "bio", "type", "Finger", "bioSubType", FINGERS[0], FINGERS[1], FINGERS[2], FINGERS[3],
				FINGERS[4], FINGERS[5], FINGERS[6], FINGERS[7], FINGERS[8], FINGERS[9], "type", "Face",
				"bioSubType", "Face");
	char *body = json_dumps(cap, JSON_COMPACT);
	json_decref(cap);
	r = th_request(&dev, "POST", "/capture", NULL, body, strlen(body), NULL);
	free(body);
	th_expect(&r, 200);
	json_t *bios = json_array(), *face = NULL;
	size_t i;
	json_t *b;
	json_array_foreach(json_object_get(r.json, "biometrics"), i, b) {
		if (json_is_string(json_object_get(b, "data")))
			json_array_append(bios, b);
		else
			face = b;
	}
	assert_int_equal(json_array_size(bios), 10);
	assert_non_null(face);   /* nothing on the sensor for the face */
	assert_string_equal(jget(json_object_get(face, "error"), "errorCode"), "101");
	th_resp_free(&r);
	char path[200];
	snprintf(path, sizeof path, "/api/v1/mobile/enrolments/%s/captures", id);
	r = th_req(&S, "POST", path, officer, json_pack("{s:o}", "biometrics", bios));
	th_expect(&r, 200);
	/* the smudged finger was kept but not accepted; the others were */
	int accepted = 0, refused = 0;
	json_array_foreach(json_object_get(r.json, "captures"), i, b) {
		if (json_is_true(json_object_get(b, "accepted")))
			accepted++;
		else {
			refused++;
			assert_string_equal(jget(b, "position"), "Right LittleFinger");
		}
	}
	th_resp_free(&r);
	assert_int_equal(accepted, 9);
	assert_int_equal(refused, 1);
	kill(pid, SIGTERM);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* ------------------------------------------------------------ kit ↔ central */

/* The tour's size: 30 a day for 2 days in make test; the 300 a day
 * for 5 days with SIJILL_MOB_PER_DAY=300 SIJILL_MOB_DAYS=5 (bench/mobile.sh
 * acceptance runs it so; the assertions are the same at any size). */
static int mob_env(const char *name, int dflt, int lo, int hi)
{
	const char *v = getenv(name);
	int n = v && *v ? atoi(v) : dflt;
	return n < lo ? lo : n > hi ? hi : n;
}

static int sync_kit(void)
{
	char out[8192];
	const char *args[] = {"sync", NULL};
	int rc = th_cli(&K, out, sizeof out, args);
	if (rc)
		fprintf(stderr, "# sync: %s\n", out);
	return rc;
}

/* repoint: central restarted on another port; the kit's join file follows */
static void repoint(void)
{
	char path[PATH_MAX + 64], url[64];
	snprintf(path, sizeof path, "%s.central", K.key);
	json_t *j = json_load_file(path, 0, NULL);
	assert_non_null(j);
	snprintf(url, sizeof url, "http://127.0.0.1:%d", S.port);
	json_object_set_new(j, "central", json_string(url));
	assert_int_equal(json_dump_file(j, path, JSON_COMPACT), 0);
	json_decref(j);
}

/* settle: what central writes is served once XCHG_FEED_SETTLE_MS old */
static void settle(void)
{
	struct timespec t = {2, 300 * 1000 * 1000};
	nanosleep(&t, NULL);
}

static const char *const LAT_F[] = {"Karim", "Youssef", "Hamid", "Rachid", "Omar", "Nabil", "Driss", "Aziz", "Samir", "Jamal"};
static const char *const AR_F[] = {"كريم", "يوسف", "حميد", "رشيد", "عمر", "نبيل", "ادريس", "عزيز", "سمير", "جمال"};
static const char *const LAT_L[] = {"Fassi", "Bennis", "Tahiri", "Kettani", "Sqalli", "Lazrak", "Berrada", "Cherkaoui",
				    "Naciri", "Zniber", "Guessous", "Lahlou", "Benkirane", "Filali", "Ouazzani"};
static const char *const AR_L[] = {"الفاسي", "بنيس", "الطاهري", "الكتاني", "الصقلي", "لزرق", "برادة", "الشرقاوي",
				   "الناصري", "زنيبر", "كسوس", "لحلو", "بنكيران", "الفيلالي", "الوزاني"};

static char *ktok, *kchief;
static const char *subject_override;   /* the same person's fingers under another name */

/* kit_enrol: one application on the kit, captured and signed off; returns
 * its id (static) and the alerts' text in alerts (may be NULL). */
static const char *kit_enrol(const char *tid, const char *ll, const char *fl, const char *la, const char *fa,
			     const char *birth, const char *except, char *alerts, size_t an)
{
	static char id[64];
	json_t *b = applicant(ll, fl, la, fa, birth, "first");
	json_object_set_new(b, "tour_id", json_string(tid));
	th_resp r = th_req(&K, "POST", "/api/v1/mobile/enrolments", ktok, b);
	th_expect(&r, 201);
	snprintf(id, sizeof id, "%s", jget(r.json, "id"));
	th_resp_free(&r);
	char head[65], subj[200], path[200];
	sha_hex("", 0, head);
	snprintf(subj, sizeof subj, "%s-%s-%s", ll, fl, birth);
	if (subject_override)
		snprintf(subj, sizeof subj, "%s", subject_override);
	json_t *bios = json_array();
	for (int i = 0; i < 10; i++)
		if (!except || strcmp(except, FINGERS[i]) != 0)
			json_array_append_new(bios, capture(dev_sk, "SIM-FP-0001", id, "Finger", FINGERS[i], subj, 75, head));
	json_array_append_new(bios, capture(dev_sk, "SIM-FP-0001", id, "Face", "Face", subj, 88, head));
	json_t *body = json_pack("{s:o}", "biometrics", bios);
	if (except) {
		json_array_append_new(bios, capture(dev_sk, "SIM-FP-0001", id, "Face", "ExceptionPhoto", subj, 88, head));
		json_object_set_new(body, "exceptions", json_pack("[{s:s,s:s}]", "position", except, "reason", "amputated"));
	}
	snprintf(path, sizeof path, "/api/v1/mobile/enrolments/%s/captures", id);
	r = th_req(&K, "POST", path, ktok, body);
	th_expect(&r, 200);
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/mobile/enrolments/%s/signoff", id);
	r = th_req(&K, "POST", path, ktok, NULL);
	th_expect(&r, 200);
	if (alerts)
		snprintf(alerts, an, "%s", r.body);
	th_resp_free(&r);
	return id;
}

static void review(const char *id, const char *decision, long want)
{
	char path[200];
	snprintf(path, sizeof path, "/api/v1/mobile/enrolments/%s/review", id);
	th_resp r = th_req(&K, "POST", path, kchief,
			   strcmp(decision, "rejected") == 0
				   ? json_pack("{s:s,s:s}", "decision", decision, "reason", "photo floue, à reprendre")
				   : json_pack("{s:s}", "decision", decision));
	th_expect(&r, want);
	th_resp_free(&r);
}

/* mobile_stats_figures at central (the statistics report's mobile figures),
 * called as the statistics module does: its own connection, a scope of unit
 * ids (unit_code NULL: every unit), legal days from..to. */
static json_t *central_stats(const char *unit_code, int64_t from, int64_t to)
{
	db *d = NULL;
	db_conn *c = NULL;
	json_t *ids = NULL, *u = NULL, *out = NULL;
	assert_int_equal(db_open(S.db, 1, &d), SJ_OK);
	assert_int_equal(db_acquire(d, &c), SJ_OK);
	if (unit_code) {
		assert_int_equal(dbj_one(c, "SELECT id AS id FROM units WHERE code = ?", "id:t", &u, "t", unit_code), SJ_OK);
		ids = json_pack("[O]", json_object_get(u, "id"));
		json_decref(u);
	}
	assert_int_equal(mobile_stats_figures(c, ids, from, to, &out), SJ_OK);
	assert_int_equal(mobile_stats_figures(c, ids, to, from - 1, &u), SJ_EINVAL);
	json_decref(ids);
	db_release(d, c);
	db_close(d);
	return out;
}

static long long jint_of(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

static long long reason_count(json_t *fig, const char *reason)
{
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(fig, "rejected_by_reason"), i, x) {
		if (strcmp(jget(x, "reason"), reason) == 0)
			return jint_of(x, "count");
	}
	return 0;
}

static void kit_tour_offline_to_central(void **st)
{
	(void)st;
	char sql[600], out[4096];
	ktok = th_login(&K, "demo-officer");
	kchief = th_login(&K, "demo-chief");
	/* central: the national index holds a man the tour will enrol; a wanted notice */
	char path[PATH_MAX + 64];
	snprintf(path, sizeof path, "%s/index.jsonl", S.dir);
	FILE *f = fopen(path, "w");
	fputs("{\"last_name_lat\":\"Amrani\",\"first_name_lat\":\"Said\",\"last_name_ar\":\"العمراني\","
	      "\"first_name_ar\":\"سعيد\",\"birth_date\":\"1979-02-02\",\"sex\":\"M\",\"father_name_lat\":\"Ahmed\","
	      "\"cin\":\"BE100200\"}\n", f);
	fclose(f);
	const char *imp[] = {"import", "persons", "--quiet", path, NULL};
	assert_int_equal(th_cli(&S, out, sizeof out, imp), 0);
	th_resp r = th_json(&S, "POST", "/api/v1/registers/wanted", admin,
			    "{\"reference\":\"MK-2026-1\",\"authority_code\":\"TPI-CASA-PENAL\",\"order_reference\":\"ORD-2024-1\",\"order_date\":\"2024-06-01\",\"issuing_authority\":\"Procureur du Roi, Settat\","
			    "\"offence_code\":\"CP-505\",\"offence\":\"vol qualifié\",\"danger\":\"high\",\"first_name_lat\":\"Abderrahmane\","
			    "\"last_name_lat\":\"Salhi\",\"first_name_ar\":\"عبد الرحمن\",\"last_name_ar\":\"الصالحي\","
			    "\"birth_date\":\"1983-08-08\"}");
	th_expect(&r, 201);
	th_resp_free(&r);
	/* the tour is planned at central */
	json_t *tb = tour_body("2026-01-06", "COM-RABAT", "demo-officer");
	json_object_set_new(tb, "kit", json_string("KIT-SETTAT-1"));
	r = th_req(&S, "POST", "/api/v1/mobile/tours", chief, tb);
	th_expect(&r, 201);
	char tid[64];
	snprintf(tid, sizeof tid, "%s", jget(r.json, "id"));
	th_resp_free(&r);

	/* the kit is provisioned before it leaves: tour, devices, central's key, hotlists */
	settle();
	assert_int_equal(sync_kit(), 0);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM mob_tours WHERE id = '%s' AND status = 'provisioned'", tid);
	assert_int_equal(th_sql_int(&K, sql), 1);
	assert_int_equal(th_sql_int(&K, "SELECT COUNT(*) FROM mob_devices WHERE serial = 'SIM-FP-0001'"), 1);
	assert_int_equal(th_sql_int(&K, "SELECT COUNT(*) FROM mob_kit_keys"), 1);

	/* offline from here: nothing reaches central until the next sync */
	int n = 0, approved = 0, rejected = 0;
	const int per_day = mob_env("SIJILL_MOB_PER_DAY", 30, 10, 1000), days = mob_env("SIJILL_MOB_DAYS", 2, 2, 30);
	fprintf(stderr, "# the tour: %d enrolments a day for %d days, and the special ones\n", per_day, days);
	char(*ids)[64] = calloc((size_t)(per_day * days + 16), sizeof *ids);
	assert_non_null(ids);
	for (int d = 0; d < days; d++) {
		for (int i = 0; i < per_day; i++, n++) {
			char birth[16];
			snprintf(birth, sizeof birth, "19%02d-%02d-%02d", 60 + n % 40, 1 + n % 12, 1 + n % 28);
			int a = n % 10, b = (n / 10) % 15;
			const char *except = n == 7 ? "Left LittleFinger" : NULL;   /* the missing finger */
			snprintf(ids[n], 64, "%s", kit_enrol(tid, LAT_L[b], LAT_F[a], AR_L[b], AR_F[a], birth, except, NULL, 0));
		}
	}
	char alerts[16384];
	/* the wanted man, the cross-script double, the man of the index */
	snprintf(ids[n++], 64, "%s", kit_enrol(tid, "Salhi", "Abderrahmane", "الصالحي", "عبد الرحمن", "1983-08-08", NULL,
					      alerts, sizeof alerts));
	assert_non_null(strstr(alerts, "\"wanted\""));
	subject_override = "the-benali-man";
	snprintf(ids[n++], 64, "%s", kit_enrol(tid, "Benali", "Mohamed", "بنعلي", "محمد", "1988-07-15", NULL, NULL, 0));
	snprintf(ids[n++], 64, "%s", kit_enrol(tid, "Ben Ali", "Mohammed", "بن علي", "محمد", "1988-07-15", NULL, alerts,
					      sizeof alerts));
	subject_override = NULL;
	assert_non_null(strstr(alerts, "same-person"));
	snprintf(ids[n++], 64, "%s", kit_enrol(tid, "Amrani", "Said", "العمراني", "سعيد", "1979-02-02", NULL, NULL, 0));

	/* three a kit got wrong, sealed all the same: central must refuse each */
	char rogue_hex[65];
	sodium_bin2hex(rogue_hex, sizeof rogue_hex, rogue_pk, sizeof rogue_pk);
	const char *bad_alter = ids[1], *bad_quality = NULL;
	snprintf(sql, sizeof sql,
		 "UPDATE mob_captures SET data = substr(data, 1, 120) || CASE substr(data, 121, 1) WHEN 'A' THEN 'B' ELSE 'A'"
		 " END || substr(data, 122) WHERE enrolment_id = '%s' AND seq = 3", bad_alter);
	assert_int_equal(th_sql(&K, sql), 0);
	snprintf(sql, sizeof sql,
		 "INSERT INTO mob_devices (id, serial, kind, make, model, public_key, status, registered_at)"
		 " VALUES ('00000000-0000-4000-8000-00000000d0d0', 'ROGUE-1', 'finger', 'x', 'x', '%s', 'active', 1)",
		 rogue_hex);
	assert_int_equal(th_sql(&K, sql), 0);
	json_t *rb = applicant("Rogue", "Device", "مجهول", "جهاز", "1991-09-09", "first");
	json_object_set_new(rb, "tour_id", json_string(tid));
	r = th_req(&K, "POST", "/api/v1/mobile/enrolments", ktok, rb);
	th_expect(&r, 201);
	char bad_device[64], head[65];
	snprintf(bad_device, sizeof bad_device, "%s", jget(r.json, "id"));
	th_resp_free(&r);
	sha_hex("", 0, head);
	json_t *bios = json_array();
	for (int i = 0; i < 10; i++)
		json_array_append_new(bios, capture(rogue_sk, "ROGUE-1", bad_device, "Finger", FINGERS[i], "rogue", 80, head));
	json_array_append_new(bios, capture(rogue_sk, "ROGUE-1", bad_device, "Face", "Face", "rogue", 80, head));
	snprintf(path, sizeof path, "/api/v1/mobile/enrolments/%s/captures", bad_device);
	r = th_req(&K, "POST", path, ktok, json_pack("{s:o}", "biometrics", bios));
	th_expect(&r, 200);
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/mobile/enrolments/%s/signoff", bad_device);
	r = th_req(&K, "POST", path, ktok, NULL);
	th_expect(&r, 200);
	th_resp_free(&r);
	snprintf(ids[n++], 64, "%s", bad_device);

	/* the quality claim: a thumb captured at 20 that the kit marks accepted */
	rb = applicant("Faible", "Qualite", "ضعيف", "جودة", "1992-10-10", "first");
	json_object_set_new(rb, "tour_id", json_string(tid));
	r = th_req(&K, "POST", "/api/v1/mobile/enrolments", ktok, rb);
	th_expect(&r, 201);
	char lowq[64];
	snprintf(lowq, sizeof lowq, "%s", jget(r.json, "id"));
	th_resp_free(&r);
	sha_hex("", 0, head);
	bios = json_array();
	for (int i = 0; i < 10; i++)
		json_array_append_new(bios, capture(dev_sk, "SIM-FP-0001", lowq, "Finger", FINGERS[i], "lowq", i == 0 ? 20 : 80, head));
	json_array_append_new(bios, capture(dev_sk, "SIM-FP-0001", lowq, "Face", "Face", "lowq", 80, head));
	snprintf(path, sizeof path, "/api/v1/mobile/enrolments/%s/captures", lowq);
	r = th_req(&K, "POST", path, ktok, json_pack("{s:o}", "biometrics", bios));
	th_expect(&r, 200);
	th_resp_free(&r);
	snprintf(sql, sizeof sql, "UPDATE mob_captures SET accepted = 1 WHERE enrolment_id = '%s' AND seq = 1", lowq);
	assert_int_equal(th_sql(&K, sql), 0);
	snprintf(path, sizeof path, "/api/v1/mobile/enrolments/%s/signoff", lowq);
	r = th_req(&K, "POST", path, ktok, NULL);
	th_expect(&r, 200);
	th_resp_free(&r);
	bad_quality = lowq;
	snprintf(ids[n++], 64, "%s", lowq);

	/* the supervisor's review: the officer may not, ten rejected with a reason */
	r = th_req(&K, "POST", "/api/v1/mobile/enrolments/00000000-0000-4000-8000-000000000000/review", ktok,
		   json_pack("{s:s}", "decision", "approved"));
	th_expect(&r, 404);
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/mobile/tours/%s/review", tid);
	r = th_request(&K, "GET", path, kchief, NULL, 0, NULL);
	th_expect(&r, 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), n);
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/mobile/enrolments/%s/review", ids[3]);
	r = th_req(&K, "POST", path, kchief, json_pack("{s:s}", "decision", "rejected"));
	th_expect(&r, 422);
	assert_non_null(strstr(r.body, "rejection-needs-reason"));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/mobile/enrolments/%s/review", ids[0]);
	r = th_req(&K, "POST", path, ktok, json_pack("{s:s}", "decision", "approved"));
	th_expect(&r, 409);
	assert_non_null(strstr(r.body, "not-supervisor"));
	th_resp_free(&r);
	for (int i = 0; i < n; i++) {
		bool rej = i >= 3 && i < 13; /* ten rejected by the supervisor */
		review(ids[i], rej ? "rejected" : "approved", 200);
		if (rej)
			rejected++;
		else
			approved++;
	}
	review(ids[0], "approved", 409);   /* reviewed once */
	assert_int_equal(th_sql_int(&K, "SELECT COUNT(*) FROM mob_packets"), approved);
	assert_int_equal(th_sql_int(&K, "SELECT COUNT(*) FROM xchg_outbox WHERE tbl = 'mob_packets'"), approved);

	/* the kit's status of a sealed application: not sent yet, then sent once
	 * central acknowledged its packet */
	snprintf(path, sizeof path, "/api/v1/mobile/enrolments/%s", ids[0]);
	r = th_request(&K, "GET", path, kchief, NULL, 0, NULL);
	th_expect(&r, 200);
	assert_string_equal(jget(r.json, "status"), "sealed");
	assert_false(json_is_true(json_object_get(r.json, "sent")));
	th_resp_free(&r);
	/* back online: every approved packet reaches central, once (the sync twice) */
	assert_int_equal(sync_kit(), 0);
	assert_int_equal(sync_kit(), 0);
	r = th_request(&K, "GET", path, kchief, NULL, 0, NULL);
	th_expect(&r, 200);
	assert_true(json_is_true(json_object_get(r.json, "sent")));
	assert_true(json_is_null(json_object_get(r.json, "central_status")) || !json_object_get(r.json, "central_status"));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/mobile/enrolments/%s", ids[3]);   /* rejected: never sent */
	r = th_request(&K, "GET", path, kchief, NULL, 0, NULL);
	th_expect(&r, 200);
	assert_false(json_is_true(json_object_get(r.json, "sent")));
	th_resp_free(&r);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM xchg_rows WHERE tbl = 'mob_packets'"), approved);
	/* central killed (-9) in the middle of a validation round: its job's
	 * first round starts with the server; once some packets are recorded
	 * and before all are, kill it. Each packet's outcome commits by itself,
	 * so what was recorded stays and the rest is validated after the restart
	 * (the job's first round again and the explicit rounds below, side by
	 * side): every packet once. */
	assert_int_equal(th_stop_server(&S), 0);
	th_start_server(&S);
	int64_t before_kill = 0;
	for (int w = 0; w < 600 && before_kill == 0; w++) {
		struct timespec t = {0, 50 * 1000 * 1000};
		nanosleep(&t, NULL);
		before_kill = th_sql_int(&S, "SELECT COUNT(*) FROM mob_received");
	}
	th_kill9(&S);
	before_kill = th_sql_int(&S, "SELECT COUNT(*) FROM mob_received");
	printf("# central killed with %lld of %d packets validated\n", (long long)before_kill, approved);
	th_start_server(&S);
	repoint();
	struct timespec v0, v1;
	clock_gettime(CLOCK_MONOTONIC, &v0);
	/* central validates in rounds of at most 500 packets: until a round finds none */
	json_int_t round_n;
	do {
		r = th_req(&S, "POST", "/api/v1/mobile/packets/validate", admin, NULL);
		th_expect(&r, 200);
		round_n = json_integer_value(json_object_get(r.json, "validated")) +
			  (json_is_true(json_object_get(r.json, "more")) ? 1 : 0);
		th_resp_free(&r);
		if (round_n == 0 && th_sql_int(&S, "SELECT COUNT(*) FROM mob_received") < approved) {
			struct timespec t = {0, 200 * 1000 * 1000};   /* the job holds the last ones */
			nanosleep(&t, NULL);
			round_n = 1;
		}
	} while (round_n > 0);
	clock_gettime(CLOCK_MONOTONIC, &v1);
	{
		double secs = (double)(v1.tv_sec - v0.tv_sec) + (double)(v1.tv_nsec - v0.tv_nsec) / 1e9;
		printf("# central validated %lld packets in %.1f s after the restart (%.1f/s)\n",
		       (long long)(approved - before_kill), secs, secs > 0 ? (double)(approved - before_kill) / secs : 0.0);
	}
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM mob_received"), approved);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(DISTINCT packet_id) FROM mob_received"), approved);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM mob_received WHERE outcome = 'refused'"), 3);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM audit_log WHERE action = 'mobile.packet.validate'"), approved);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM mob_received WHERE enrolment_id = '%s' AND reason = 'capture-signature'", bad_alter);
	assert_int_equal(th_sql_int(&S, sql), 1);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM mob_received WHERE enrolment_id = '%s' AND reason = 'device-unregistered'", bad_device);
	assert_int_equal(th_sql_int(&S, sql), 1);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM mob_received WHERE enrolment_id = '%s' AND reason = 'capture-quality'", bad_quality);
	assert_int_equal(th_sql_int(&S, sql), 1);
	/* refused: nothing applied (no applicant kept), each audited */
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM mob_received WHERE outcome = 'refused' AND applicant IS NOT NULL"), 0);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM audit_log WHERE action = 'mobile.packet.validate' AND outcome = 'refused'"), 3);
	/* validating again finds nothing new */
	r = th_req(&S, "POST", "/api/v1/mobile/packets/validate", admin, NULL);
	th_expect(&r, 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "validated")), 0);
	th_resp_free(&r);
	/* a replayed packet (the same packet again under a new row id) */
	assert_int_equal(th_sql(&S, "INSERT INTO xchg_rows (tbl, id, node_id, src_seq, unit, row, applied_at)"
				    " SELECT tbl, '00000000-0000-4000-8000-00000000beef', node_id, src_seq, unit, row, applied_at"
				    " FROM xchg_rows WHERE tbl = 'mob_packets' AND id IN (SELECT packet_id FROM mob_received"
				    " WHERE outcome = 'accepted' ORDER BY packet_id LIMIT 1)"), 0);
	r = th_req(&S, "POST", "/api/v1/mobile/packets/validate", admin, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "packet-replay"));
	th_resp_free(&r);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM mob_received WHERE outcome = 'accepted'"), approved - 3);

	/* dedup: the index match and the cross-script double, in adjudication */
	r = th_request(&S, "GET", "/api/v1/mobile/received", admin, NULL, 0, NULL);
	th_expect(&r, 200);
	int adj = 0, person = 0, application = 0;
	char adj_id[64] = "";
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(r.json, "items"), i, x) {
		if (strcmp(jget(x, "status"), "adjudication") != 0)
			continue;
		adj++;
		snprintf(adj_id, sizeof adj_id, "%s", jget(x, "id"));
		char *dem = json_dumps(json_object_get(x, "demographic"), 0);
		if (dem && strstr(dem, "\"person\""))
			person++;
		if (dem && strstr(dem, "\"application\""))
			application++;
		free(dem);
	}
	th_resp_free(&r);
	assert_int_equal(adj, 2);
	assert_int_equal(person, 1);
	assert_int_equal(application, 1);
	/* the double's fingers found by the ABIS, which never saw a name, a CIN or a number */
	r = th_request(&S, "GET", "/api/v1/mobile/received", admin, NULL, 0, NULL);
	assert_non_null(strstr(r.body, "\"biometric\""));
	th_resp_free(&r);
	pthread_mutex_lock(&abis_mu);
	char *seen = json_dumps(abis_msgs, JSON_COMPACT);
	size_t inserts = 0, identifies = 0;
	json_array_foreach(abis_msgs, i, x) {
		if (strcmp(jget(x, "id"), "mosip.abis.insert") == 0)
			inserts++;
		if (strcmp(jget(x, "id"), "mosip.abis.identify") == 0 &&
		    strcmp(jget(json_object_get(x, "flags"), "targetFPIR"), "30") == 0)
			identifies++;
	}
	pthread_mutex_unlock(&abis_mu);
	/* once per accepted packet — but the one packet whose ABIS call had been
	 * made when central was killed, before its outcome committed, is sent
	 * again after the restart (the ABIS keeps an orphan referenceId that
	 * maps back to nothing) */
	assert_true(inserts >= (size_t)(approved - 3) && inserts <= (size_t)(approved - 3) + 1);
	assert_int_equal(identifies, inserts);
	static const char *const secrets[] = {"Benali", "Ben Ali", "بنعلي", "Amrani", "العمراني", "Salhi", "BE100200",
					      "name", "cin", "birth", "father", "/EN-", "application_no", "address"};
	for (size_t s_ = 0; s_ < sizeof secrets / sizeof secrets[0]; s_++)
		if (strstr(seen, secrets[s_]))
			fail_msg("the ABIS received %s", secrets[s_]);
	free(seen);
	/* MOSIP's referenceURL: the ABIS fetches the images of its referenceId,
	 * CBEFF, with no account — the URL's MAC and expiry; the images only */
	{
		char refurl[1024] = "", refid[64] = "";
		pthread_mutex_lock(&abis_mu);
		json_array_foreach(abis_msgs, i, x) {
			if (strcmp(jget(x, "id"), "mosip.abis.insert") == 0 && jget(x, "referenceURL")) {
				snprintf(refurl, sizeof refurl, "%s", jget(x, "referenceURL"));
				snprintf(refid, sizeof refid, "%s", jget(x, "referenceId"));
				break;
			}
		}
		pthread_mutex_unlock(&abis_mu);
		static const char pre[] = "https://central.abis.test/api/v1/mobile/abis/";
		assert_int_equal(strncmp(refurl, pre, strlen(pre)), 0);
		assert_int_equal(strncmp(refurl + strlen(pre), refid, strlen(refid)), 0);
		const char *path_q = refurl + strlen("https://central.abis.test");
		snprintf(cbeff_path, sizeof cbeff_path, "%s", path_q);
		r = th_request(&S, "GET", path_q, NULL, NULL, 0, NULL);
		th_expect(&r, 200);
		assert_non_null(strstr(r.ctype, "application/xml"));
		assert_non_null(strstr(r.body, "<Subtype>Right IndexFinger</Subtype>"));
		int birs = 0;
		for (const char *q = r.body; (q = strstr(q, "<BDB>")); q++)
			birs++;
		assert_true(birs >= 10);
		for (size_t s_ = 0; s_ < sizeof secrets / sizeof secrets[0]; s_++)
			if (strstr(r.body, secrets[s_]))
				fail_msg("the CBEFF names %s", secrets[s_]);
		/* the image is the device's: its hash is the one the ABIS was told */
		const char *b0 = strstr(r.body, "<Subtype>Right Thumb</Subtype>");
		assert_non_null(b0);
		const char *bd = strstr(b0, "<BDB>"), *be = bd ? strstr(bd, "</BDB>") : NULL;
		assert_non_null(be);
		char *seg = strndup(bd + 5, (size_t)(be - bd - 5));
		unsigned char img[8192];
		size_t il = 0;
		assert_int_equal(sodium_base642bin(img, sizeof img, seg, strlen(seg), NULL, &il, NULL,
						   sodium_base64_VARIANT_URLSAFE_NO_PADDING), 0);
		free(seg);
		char ih[65];
		sha_hex(img, il, ih);
		pthread_mutex_lock(&abis_mu);
		char *gal = json_dumps(abis_msgs, JSON_COMPACT);
		pthread_mutex_unlock(&abis_mu);
		assert_non_null(strstr(gal, ih));
		free(gal);
		th_resp_free(&r);
		/* a changed MAC, another referenceId under this MAC, an expiry moved: refused */
		char bad[1100];
		snprintf(bad, sizeof bad, "%s", path_q);
		char *sg = strstr(bad, "sig=");
		assert_non_null(sg);
		sg[4] = sg[4] == '0' ? '1' : '0';
		r = th_request(&S, "GET", bad, NULL, NULL, 0, NULL);
		th_expect(&r, 404);
		th_resp_free(&r);
		snprintf(bad, sizeof bad, "/api/v1/mobile/abis/00000000-0000-4000-8000-000000000abc%s", strchr(path_q, '?'));
		r = th_request(&S, "GET", bad, NULL, NULL, 0, NULL);
		th_expect(&r, 404);
		th_resp_free(&r);
		snprintf(bad, sizeof bad, "%s", path_q);
		char *ex = strstr(bad, "exp=");
		ex[5] = ex[5] == '9' ? '8' : '9';
		r = th_request(&S, "GET", bad, NULL, NULL, 0, NULL);
		th_expect(&r, 404);
		th_resp_free(&r);
		assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM audit_log WHERE action = 'mobile.abis.fetch' AND outcome = 'ok'"), 1);
	}
	char p2[200];
	snprintf(p2, sizeof p2, "/api/v1/mobile/received/%s/adjudication", adj_id);
	r = th_req(&S, "POST", p2, admin, json_pack("{s:s,s:s}", "decision", "distinct", "reason", "pères différents"));
	th_expect(&r, 200);
	assert_string_equal(jget(r.json, "status"), "in_production");
	th_resp_free(&r);
	snprintf(p2, sizeof p2, "/api/v1/mobile/received/%s/status", adj_id);
	r = th_req(&S, "POST", p2, admin, json_pack("{s:s}", "status", "dispatched"));
	th_expect(&r, 409);
	th_resp_free(&r);
	r = th_req(&S, "POST", p2, admin, json_pack("{s:s}", "status", "ready"));
	th_expect(&r, 200);
	th_resp_free(&r);

	/* the status comes back to the kit, in one exchange */
	settle();
	assert_int_equal(sync_kit(), 0);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM mob_enrolments WHERE central_status IS NOT NULL");
	assert_int_equal(th_sql_int(&K, sql), approved);
	assert_int_equal(th_sql_int(&K, "SELECT COUNT(*) FROM mob_enrolments WHERE central_status = 'refused'"), 3);
	assert_int_equal(th_sql_int(&K, "SELECT COUNT(*) FROM mob_enrolments WHERE central_status = 'ready'"), 1);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM mob_enrolments WHERE id = '%s' AND central_reason = 'capture-signature'",
		 bad_alter);
	assert_int_equal(th_sql_int(&K, sql), 1);

	/* hand-over on the kit: refused without a check, refused on another
	 * finger, done with the 1:1 check; another card by the supervisor's
	 * override with a reason */
	snprintf(sql, sizeof sql, "SELECT id FROM mob_received WHERE id = '%s'", adj_id);
	r = th_request(&S, "GET", "/api/v1/mobile/received", admin, NULL, 0, NULL);
	char ready_en[64] = "", other_rid[64] = "", other_en[64] = "";
	json_array_foreach(json_object_get(r.json, "items"), i, x) {
		if (strcmp(jget(x, "id"), adj_id) == 0)
			snprintf(ready_en, sizeof ready_en, "%s", jget(x, "enrolment_id"));
		else if (!other_rid[0] && strcmp(jget(x, "status"), "in_production") == 0) {
			snprintf(other_rid, sizeof other_rid, "%s", jget(x, "id"));
			snprintf(other_en, sizeof other_en, "%s", jget(x, "enrolment_id"));
		}
	}
	th_resp_free(&r);
	assert_true(ready_en[0] && other_rid[0]);
	snprintf(p2, sizeof p2, "/api/v1/mobile/received/%s/status", other_rid);
	r = th_req(&S, "POST", p2, admin, json_pack("{s:s}", "status", "ready"));
	th_expect(&r, 200);
	th_resp_free(&r);
	settle();
	assert_int_equal(sync_kit(), 0);
	snprintf(path, sizeof path, "/api/v1/mobile/enrolments/%s", ready_en);
	r = th_request(&K, "GET", path, ktok, NULL, 0, NULL);
	th_expect(&r, 200);
	char subj[300], pubno[96], vcode[16];
	snprintf(subj, sizeof subj, "%s-%s-%s", jget(r.json, "last_name_lat"), jget(r.json, "first_name_lat"),
		 jget(r.json, "birth_date"));
	if (strncmp(jget(r.json, "last_name_lat"), "Ben", 3) == 0)
		snprintf(subj, sizeof subj, "the-benali-man");   /* the double: his fingers */
	snprintf(pubno, sizeof pubno, "%s", jget(r.json, "application_no"));
	for (char *q = pubno; *q; q++)
		if (*q == '/')
			*q = '-';
	snprintf(vcode, sizeof vcode, "%s", jget(r.json, "verify_code"));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/mobile/enrolments/%s/handover", ready_en);
	r = th_req(&K, "POST", path, ktok, json_pack("{s:s}", "pin_envelope", "PIN-0001"));
	th_expect(&r, 422);
	assert_non_null(strstr(r.body, "handover-needs-check"));
	th_resp_free(&r);
	char txn[100], hh[65];
	snprintf(txn, sizeof txn, "handover:%s", ready_en);
	sha_hex("", 0, hh);
	r = th_req(&K, "POST", path, ktok,
		   json_pack("{s:s,s:[o]}", "pin_envelope", "PIN-0001", "biometrics",
			     capture(dev_sk, "SIM-FP-0001", txn, "Finger", FINGERS[1], "somebody else", 80, hh)));
	th_expect(&r, 422);
	assert_non_null(strstr(r.body, "handover-mismatch"));
	th_resp_free(&r);
	sha_hex("", 0, hh);
	r = th_req(&K, "POST", path, ktok,
		   json_pack("{s:s,s:[o]}", "pin_envelope", "PIN-0001", "biometrics",
			     capture(dev_sk, "SIM-FP-0001", txn, "Finger", FINGERS[1], subj, 80, hh)));
	th_expect(&r, 200);
	assert_string_equal(jget(r.json, "handover_check"), "match");
	th_resp_free(&r);
	r = th_req(&K, "POST", path, ktok, json_pack("{s:s,s:s}", "pin_envelope", "PIN-0001", "override_reason", "encore"));
	th_expect(&r, 409);
	assert_non_null(strstr(r.body, "card-already-handed"));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/mobile/enrolments/%s/handover", other_en);
	r = th_req(&K, "POST", path, ktok,
		   json_pack("{s:s,s:s}", "pin_envelope", "PIN-0002", "override_reason", "doigts abîmés (brûlure)"));
	th_expect(&r, 409);   /* only the supervisor overrides */
	assert_non_null(strstr(r.body, "not-supervisor"));
	th_resp_free(&r);
	r = th_req(&K, "POST", path, kchief,
		   json_pack("{s:s,s:s}", "pin_envelope", "PIN-0002", "override_reason", "doigts abîmés (brûlure)"));
	th_expect(&r, 200);
	assert_string_equal(jget(r.json, "handover_check"), "override");
	th_resp_free(&r);
	assert_int_equal(th_sql_int(&K, "SELECT COUNT(*) FROM audit_log WHERE action = 'mobile.handover' AND outcome = 'ok'"), 2);
	/* the hand-overs travel to central (no personal data in them) and central
	 * records them on its received applications, once */
	assert_int_equal(th_sql_int(&K, "SELECT COUNT(*) FROM xchg_outbox WHERE tbl = 'mob_handovers'"), 2);
	assert_int_equal(sync_kit(), 0);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM xchg_rows WHERE tbl = 'mob_handovers'"), 2);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM xchg_rows WHERE tbl = 'mob_handovers'"
				    " AND (row LIKE '%Benali%' OR row LIKE '%birth%' OR row LIKE '%cin%')"), 0);
	r = th_req(&S, "POST", "/api/v1/mobile/packets/validate", admin, NULL);
	th_expect(&r, 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "handed")), 2);
	th_resp_free(&r);
	r = th_req(&S, "POST", "/api/v1/mobile/packets/validate", admin, NULL);
	th_expect(&r, 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "handed")), 0);
	th_resp_free(&r);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM mob_received WHERE handed_at IS NOT NULL"), 2);

	/* the statistics report's mobile figures at central, for today and the kit's unit */
	{
		int64_t today = clock_legal_day(clock_now_ms());
		json_t *fig = central_stats("AR-CASA-OULFA", today, today);
		char tq[300];
		snprintf(tq, sizeof tq, "SELECT COUNT(*) FROM mob_tours t JOIN units u ON u.id = t.unit_id WHERE u.code ="
			 " 'AR-CASA-OULFA' AND t.status <> 'cancelled' AND t.starts_on = '%04d-%02d-%02d'",
			 (int)(today / 10000), (int)(today / 100 % 100), (int)(today % 100));
		assert_int_equal(jint_of(fig, "tours"), th_sql_int(&S, tq));
		assert_int_equal(jint_of(fig, "enrolments"), approved);   /* the replayed copy is not one */
		assert_int_equal(jint_of(fig, "validated"), approved - 3);
		assert_int_equal(jint_of(fig, "rejected"), 3);
		assert_int_equal(reason_count(fig, "capture-signature"), 1);
		assert_int_equal(reason_count(fig, "device-unregistered"), 1);
		assert_int_equal(reason_count(fig, "capture-quality"), 1);
		assert_int_equal(reason_count(fig, "packet-replay"), 0);
		assert_int_equal(jint_of(fig, "in_adjudication"), 1);
		assert_int_equal(jint_of(fig, "handed_over"), 2);
		json_t *mine = json_object_iter_value(json_object_iter(json_object_get(fig, "units")));
		assert_non_null(mine);
		assert_int_equal(jint_of(mine, "handed_over"), 2);
		assert_int_equal(jint_of(mine, "enrolments"), approved);
		char *all = json_dumps(fig, 0);
		assert_null(strstr(all, "Benali"));
		assert_null(strstr(all, "Amrani"));
		free(all);
		json_decref(fig);
		/* every unit: the same (one kit); another unit's scope: nothing; another year: nothing */
		fig = central_stats(NULL, today, today);
		assert_int_equal(jint_of(fig, "enrolments"), approved);
		assert_int_equal(jint_of(fig, "handed_over"), 2);
		json_decref(fig);
		fig = central_stats("AR-CASA-LISSASFA", today, today);
		assert_int_equal(jint_of(fig, "enrolments"), 0);
		assert_int_equal(jint_of(fig, "handed_over"), 0);
		assert_int_equal(json_object_size(json_object_get(fig, "units")), 0);
		json_decref(fig);
		fig = central_stats(NULL, 20200101, 20201231);
		assert_int_equal(jint_of(fig, "enrolments"), 0);
		assert_int_equal(jint_of(fig, "tours"), 0);
		json_decref(fig);
		/* the tour is counted on its first day, in the unit the kit hosts */
		fig = central_stats("AR-CASA-OULFA", 20260105, 20260105);
		assert_int_equal(jint_of(fig, "tours"), th_sql_int(&S, "SELECT COUNT(*) FROM mob_tours WHERE starts_on = '2026-01-05'"));
		assert_true(jint_of(fig, "tours") >= 1);
		assert_int_equal(jint_of(fig, "enrolments"), today == 20260105 ? approved : 0);
		json_decref(fig);
	}

	/* the citizen checks the status at central: number and code, no personal data */
	snprintf(path, sizeof path, "/api/v1/mobile/status/%s?c=%s", pubno, vcode);
	r = th_request(&S, "GET", path, NULL, NULL, 0, NULL);
	th_expect(&r, 200);
	assert_true(json_is_true(json_object_get(r.json, "found")));
	assert_string_equal(jget(r.json, "status"), "ready");
	assert_null(strstr(r.body, "Amrani"));
	assert_null(strstr(r.body, "Benali"));
	assert_null(strstr(r.body, "Ben Ali"));
	assert_null(strstr(r.body, "birth"));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/mobile/status/%s?c=ZZZZZZZZ", pubno);
	r = th_request(&S, "GET", path, NULL, NULL, 0, NULL);
	th_expect(&r, 200);
	assert_false(json_is_true(json_object_get(r.json, "found")));
	assert_true(json_is_null(json_object_get(r.json, "status")));
	th_resp_free(&r);
	/* central's background job: a packet sent after the last validation is
	 * validated by central's first round when it starts again */
	const char *late = kit_enrol(tid, "Tazi", "Ghita", "التازي", "غيثة", "2001-06-06", NULL, NULL, 0);
	char late_id[64];
	snprintf(late_id, sizeof late_id, "%s", late);
	review(late_id, "approved", 200);
	assert_int_equal(sync_kit(), 0);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM mob_received WHERE enrolment_id = '%s' AND outcome = 'accepted'", late_id);
	assert_int_equal(th_sql_int(&S, sql), 0);
	assert_int_equal(th_stop_server(&S), 0);
	th_start_server(&S);
	long long got = 0;
	for (int k = 0; k < 100 && got == 0; k++) {
		struct timespec t = {0, 200 * 1000 * 1000};
		nanosleep(&t, NULL);
		got = th_sql_int(&S, sql);
	}
	assert_int_equal(got, 1);
	free(admin);
	admin = th_login(&S, "demo-admin");

	/* the tour's figures on the kit */
	snprintf(path, sizeof path, "/api/v1/mobile/tours/%s/figures", tid);
	r = th_request(&K, "GET", path, kchief, NULL, 0, NULL);
	th_expect(&r, 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "enrolments")), n + 1);   /* and the late one */
	assert_true(json_integer_value(json_object_get(r.json, "duplicates")) >= 2);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r.json, "to_ready_h"), "n")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r.json, "to_handed_h"), "n")), 2);
	assert_non_null(strstr(r.body, "capture-signature"));
	assert_non_null(strstr(r.body, "\"supervisor\""));
	th_resp_free(&r);
	free(ktok);
	free(kchief);
	free(ids);
	(void)rejected;
}

/* the kit is provisioned with its team's accounts: a member the kit never
 * knew signs in on it with the password central knows, offline; an account
 * the kit has is left as it is; no session, token or TOTP secret travels */
static void team_accounts_provisioned(void **st)
{
	(void)st;
	char out[4096];
	const char *add[] = {"user", "add", "--badge", "op-kit-07", "--name", "Youssef Alami / يوسف العلمي", "--role",
			     "officer", "--unit", "AR-CASA-OULFA", "--lang", "fr", NULL};
	if (th_cli_in(&S, "Kit-Operator-2026!\n", out, sizeof out, add) != 0)
		fail_msg("user add: %s", out);
	assert_int_equal(th_sql_int(&K, "SELECT COUNT(*) FROM users WHERE badge = 'op-kit-07'"), 0);
	/* op-kit-08 has an account on both, with another password on the kit */
	const char *add8[] = {"user", "add", "--badge", "op-kit-08", "--name", "Sara Bennani / سارة بناني", "--role",
			      "officer", "--unit", "AR-CASA-OULFA", NULL};
	if (th_cli_in(&S, "Central-Pass-2026!\n", out, sizeof out, add8) != 0)
		fail_msg("user add: %s", out);
	if (th_cli_in(&K, "Kit-Own-Pass-2026!\n", out, sizeof out, add8) != 0)
		fail_msg("user add on the kit: %s", out);
	th_resp r = th_req(&S, "POST", "/api/v1/mobile/tours", chief, json_pack("{s:s,s:s,s:s,s:s,s:s,s:[s,s],s:[{s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:i}]}",
			   "kit", "KIT-OULFA-02", "vehicle", "Fourgon 4x4", "starts_on", "2026-02-02", "ends_on", "2026-02-06",
			   "supervisor", "demo-chief", "operators", "op-kit-07", "op-kit-08", "stops", "day", "2026-02-03",
			   "commune", "COM-RABAT", "place", "Douar Oulad Ali", "place_kind", "douar", "opens", "09:00", "closes",
			   "12:00", "slot_minutes", 30, "per_slot", 2));
	th_expect(&r, 201);
	char tid[64];
	snprintf(tid, sizeof tid, "%s", jget(r.json, "id"));
	th_resp_free(&r);
	settle();
	assert_int_equal(sync_kit(), 0);
	assert_int_equal(th_sql_int(&K, "SELECT COUNT(*) FROM users WHERE badge = 'op-kit-07' AND status = 'active'"
				    " AND totp_secret IS NULL"), 1);
	assert_int_equal(th_sql_int(&K, "SELECT COUNT(*) FROM audit_log WHERE action = 'mobile.kit.account'"), 1);
	char sql[300];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM mob_team t JOIN users u ON u.id = t.user_id WHERE t.tour_id = '%s'"
		 " AND u.badge = 'op-kit-07' AND t.role = 'operator'", tid);
	assert_int_equal(th_sql_int(&K, sql), 1);
	/* the new operator signs in on the kit with central's password and enrols */
	r = th_json(&K, "POST", "/api/v1/session", NULL, "{\"badge\":\"op-kit-07\",\"password\":\"Kit-Operator-2026!\"}");
	th_expect(&r, 200);
	char *otok = strdup(th_str(&r, "token"));
	th_resp_free(&r);
	json_t *body = applicant("Idrissi", "Hind", "الإدريسي", "هند", "1995-05-05", "first");
	json_object_set_new(body, "tour_id", json_string(tid));
	r = th_req(&K, "POST", "/api/v1/mobile/enrolments", otok, body);
	th_expect(&r, 201);
	th_resp_free(&r);
	free(otok);
	/* the kit's own account is the kit's: central's password does not open it */
	r = th_json(&K, "POST", "/api/v1/session", NULL, "{\"badge\":\"op-kit-08\",\"password\":\"Central-Pass-2026!\"}");
	th_expect(&r, 401);
	th_resp_free(&r);
	r = th_json(&K, "POST", "/api/v1/session", NULL, "{\"badge\":\"op-kit-08\",\"password\":\"Kit-Own-Pass-2026!\"}");
	th_expect(&r, 200);
	th_resp_free(&r);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM mob_team t JOIN users u ON u.id = t.user_id WHERE t.tour_id = '%s'", tid);
	assert_int_equal(th_sql_int(&K, sql), 3);   /* the supervisor and both operators */
	/* a second sync makes nothing again */
	settle();
	assert_int_equal(sync_kit(), 0);
	assert_int_equal(th_sql_int(&K, "SELECT COUNT(*) FROM audit_log WHERE action = 'mobile.kit.account'"), 1);

	/* accounts change at central after the kit was provisioned: the next
	 * exchange brings them. A new password: central's new hash replaces the
	 * old on the kit (the old password no longer opens, the session the kit
	 * had ends); the kit's own account (op-kit-08) stays the kit's. */
	r = th_json(&K, "POST", "/api/v1/session", NULL, "{\"badge\":\"op-kit-07\",\"password\":\"Kit-Operator-2026!\"}");
	th_expect(&r, 200);
	otok = strdup(th_str(&r, "token"));
	th_resp_free(&r);
	const char *pw7[] = {"user", "passwd", "--badge", "op-kit-07", NULL};
	if (th_cli_in(&S, "Changed-At-Central-2026!\n", out, sizeof out, pw7) != 0)
		fail_msg("user passwd: %s", out);
	const char *pw8[] = {"user", "passwd", "--badge", "op-kit-08", NULL};
	if (th_cli_in(&S, "Central-Changed-8-2026!\n", out, sizeof out, pw8) != 0)
		fail_msg("user passwd: %s", out);
	settle();
	assert_int_equal(sync_kit(), 0);
	r = th_json(&K, "POST", "/api/v1/session", NULL, "{\"badge\":\"op-kit-07\",\"password\":\"Kit-Operator-2026!\"}");
	th_expect(&r, 401);
	th_resp_free(&r);
	r = th_req(&K, "GET", "/api/v1/me", otok, NULL);
	th_expect(&r, 401);   /* the session made with the old password ended */
	th_resp_free(&r);
	free(otok);
	r = th_json(&K, "POST", "/api/v1/session", NULL, "{\"badge\":\"op-kit-07\",\"password\":\"Changed-At-Central-2026!\"}");
	th_expect(&r, 200);
	otok = strdup(th_str(&r, "token"));
	th_resp_free(&r);
	r = th_json(&K, "POST", "/api/v1/session", NULL, "{\"badge\":\"op-kit-08\",\"password\":\"Kit-Own-Pass-2026!\"}");
	th_expect(&r, 200);
	th_resp_free(&r);
	assert_int_equal(th_sql_int(&K, "SELECT COUNT(*) FROM audit_log WHERE action = 'mobile.kit.account'"), 2);
	/* disabled at central: the kit refuses the operator from the next
	 * exchange on (its session ends, it signs in no more, it enrols no more) */
	const char *dis7[] = {"user", "disable", "--badge", "op-kit-07", NULL};
	if (th_cli_in(&S, "", out, sizeof out, dis7) != 0)
		fail_msg("user disable: %s", out);
	settle();
	assert_int_equal(sync_kit(), 0);
	assert_int_equal(th_sql_int(&K, "SELECT COUNT(*) FROM users WHERE badge = 'op-kit-07' AND status = 'disabled'"), 1);
	body = applicant("Idrissi", "Salma", "الإدريسي", "سلمى", "1996-06-06", "first");
	json_object_set_new(body, "tour_id", json_string(tid));
	r = th_req(&K, "POST", "/api/v1/mobile/enrolments", otok, body);
	th_expect(&r, 401);
	th_resp_free(&r);
	free(otok);
	r = th_json(&K, "POST", "/api/v1/session", NULL, "{\"badge\":\"op-kit-07\",\"password\":\"Changed-At-Central-2026!\"}");
	assert_true(r.status == 401 || r.status == 403);
	th_resp_free(&r);
	assert_int_equal(th_sql_int(&K, "SELECT COUNT(*) FROM audit_log WHERE action = 'mobile.kit.account'"), 3);
	/* the same again: nothing more */
	settle();
	assert_int_equal(sync_kit(), 0);
	assert_int_equal(th_sql_int(&K, "SELECT COUNT(*) FROM audit_log WHERE action = 'mobile.kit.account'"), 3);
}

/* central's box key travels in `sijill backup` (SQLite; a PostgreSQL central
 * keeps the key file with its audit key): a central whose key is lost opens
 * no packet — the referenceURL's images no longer come — and one restored
 * from the backup opens them again. */
static void box_key_in_backup(void **st)
{
	(void)st;
	const char *be = getenv("SIJILL_TEST_BACKEND");
	if (be && strcmp(be, "pg") == 0) {
		printf("# a PostgreSQL central is backed up by pg_basebackup: the SQLite run tests the key\n");
		return;
	}
	assert_true(cbeff_path[0] != 0);
	th_resp r = th_request(&S, "GET", cbeff_path, NULL, NULL, 0, NULL);
	th_expect(&r, 200);
	th_resp_free(&r);
	char out[8192], pass[PATH_MAX + 64], bk[PATH_MAX + 64], boxf[PATH_MAX + 200], old[512] = "";
	snprintf(pass, sizeof pass, "%s/passphrase", S.dir);
	snprintf(bk, sizeof bk, "%s/backup-mobile", S.dir);
	snprintf(boxf, sizeof boxf, "%s.mobile-box", S.key);
	FILE *f = fopen(pass, "w");
	fputs("correct horse battery staple\n", f);
	fclose(f);
	f = fopen(boxf, "r");
	assert_non_null(f);
	assert_non_null(fgets(old, sizeof old, f));
	fclose(f);
	assert_int_equal(th_stop_server(&S), 0);
	const char *b[] = {"backup", "--passphrase-file", pass, bk, NULL};
	assert_int_equal(th_cli(&S, out, sizeof out, b), 0);
	char enc[PATH_MAX + 128];
	snprintf(enc, sizeof enc, "%s/mobile-box.enc", bk);
	assert_int_equal(access(enc, R_OK), 0);
	/* encrypted: the key's hex is nowhere in the backup's file */
	f = fopen(enc, "rb");
	char raw[4096];
	size_t rn = fread(raw, 1, sizeof raw - 1, f);
	fclose(f);
	raw[rn] = 0;
	old[strcspn(old, "\n")] = 0;
	assert_null(memmem(raw, rn, old, strlen(old)));
	/* the key lost: serve makes a new one, and the packets no longer open */
	assert_int_equal(unlink(boxf), 0);
	th_start_server(&S);
	r = th_request(&S, "GET", cbeff_path, NULL, NULL, 0, NULL);
	th_expect(&r, 404);
	th_resp_free(&r);
	assert_int_equal(th_stop_server(&S), 0);
	/* restored: the same key, and the packets open again */
	const char *rs[] = {"restore", "--passphrase-file", pass, bk, NULL};
	if (th_cli(&S, out, sizeof out, rs) != 0)
		fail_msg("restore: %s", out);
	char now[512] = "";
	f = fopen(boxf, "r");
	assert_non_null(f);
	assert_non_null(fgets(now, sizeof now, f));
	fclose(f);
	now[strcspn(now, "\n")] = 0;
	assert_string_equal(now, old);
	th_start_server(&S);
	r = th_request(&S, "GET", cbeff_path, NULL, NULL, 0, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "<BDB>"));
	th_resp_free(&r);
	free(admin);
	admin = th_login(&S, "demo-admin");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tour_planned_and_printed),
		cmocka_unit_test(device_registered),
		cmocka_unit_test(enrolment_rules),
		cmocka_unit_test(captures_verified_and_signed_off),
		cmocka_unit_test(wanted_and_operator),
		cmocka_unit_test(shipped_device_sim),
		cmocka_unit_test(team_accounts_provisioned),
		cmocka_unit_test(kit_tour_offline_to_central),
		cmocka_unit_test(box_key_in_backup),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
