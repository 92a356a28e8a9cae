/* test_insider.c — black-box: the holes an insider (or anyone holding the
 * database file) would use, issue 10. Each test changes the database behind
 * the server's back, or acts as an insider would, and checks what the server
 * shows, prints and refuses:
 *   1. a sealed PV is shown and printed from what the seal covers, re-verified
 *      on every read; a broken seal is shown broken and flagged to auditors;
 *   2. a key inserted into opj_keys does not make a forged seal verify; keys
 *      are enrolled and revoked through audited administrator actions;
 *   3. a referral bundle is sealed at transmission and verified on read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/totp.h"
#include "core/clock.h"
#include "db/db.h"
#include "harness.h"

static th_server S;
static char *officer, *opj, *chief, *admin, *auditor, *officer2;

static int setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	th_setup(&S);
	officer = th_login(&S, "demo-officer");
	opj = th_login(&S, "demo-opj");
	chief = th_login(&S, "demo-chief");
	admin = th_login(&S, "demo-admin");
	auditor = th_login(&S, "demo-auditor");
	officer2 = th_login(&S, "demo-officer2");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(officer);
	free(opj);
	free(chief);
	free(admin);
	free(auditor);
	free(officer2);
	return th_teardown(&S) == 0 ? 0 : -1;
}

/* req sends body (stolen; NULL for none) as JSON. */
static th_resp req(const char *method, const char *path, const char *tok, json_t *body)
{
	return th_req(&S, method, path, tok, body);
}

static void expect_problem(th_resp *r, long status, const char *code)
{
	th_expect(r, status);
	assert_string_equal(th_str(r, "code"), code);
}

__attribute__((format(printf, 1, 2))) static long long count(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char sql[1024];
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	return th_sql_int(&S, sql);
}

__attribute__((format(printf, 1, 2))) static void sql(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	static char q[65536];
	vsnprintf(q, sizeof q, fmt, ap);
	va_end(ap);
	assert_int_equal(th_sql(&S, q), 0);
}

/* text_of returns the first column of the first row (malloc'd; NULL if none). */
static char *text_of(const char *q)
{
	db *d = NULL;
	if (db_open(S.db, 1, &d))
		return NULL;
	db_conn *c;
	char *v = NULL;
	if (!db_acquire(d, &c)) {
		db_stmt *st;
		bool row;
		if (!db_prepare(c, q, &st) && !db_step(st, &row) && row && db_col_text(st, 0))
			v = strdup(db_col_text(st, 0));
		if (v && db_step(st, &row)) {
			free(v);
			v = NULL;
		}
		db_release(d, c);
	}
	db_close(d);
	return v;
}

static json_t *seal_of(th_resp *r)
{
	return json_object_get(r->json, "seal");
}

/* new_case opens a case in demo-officer's unit with a suspect; ids out. */
static void new_case(char case_id[37], char suspect[37], const char *cin)
{
	th_resp r = req("POST", "/api/v1/cases", officer,
			json_pack("{s:s,s:[{s:s}],s:s,s:s}", "frame", "preliminary", "offences", "code", "CP-505",
				  "summary", "Affaire de test insider", "opj", "demo-opj"));
	th_expect(&r, 201);
	snprintf(case_id, 37, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	char path[128];
	snprintf(path, sizeof path, "/api/v1/cases/%s/persons", case_id);
	r = req("POST", path, officer,
		json_pack("{s:s,s:{s:s,s:s,s:s,s:s,s:s,s:s,s:s}}", "role", "suspect", "person", "cin", cin,
			  "last_name_lat", "Berrada", "first_name_lat", "Ali", "last_name_ar", "برادة", "first_name_ar",
			  "علي", "birth_date", "1990-04-12", "sex", "M"));
	th_expect(&r, 201);
	snprintf(suspect, 37, "%s", th_str(&r, "id"));
	th_resp_free(&r);
}

/* sealed_pv drafts and seals (as tok) a hearing PV saying statements. */
static void sealed_pv(const char *case_id, const char *suspect, const char *statements, const char *tok,
		      char pv[37])
{
	char path[160];
	snprintf(path, sizeof path, "/api/v1/cases/%s/pvs", case_id);
	th_resp r = req("POST", path, officer,
			json_pack("{s:s,s:s,s:s,s:b,s:s}", "type", "hearing_suspect", "person_id", suspect,
				  "statements", statements, "read_back", 1, "signature", "signed"));
	th_expect(&r, 201);
	snprintf(pv, 37, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/pvs/%s/seal", pv);
	r = req("POST", path, tok, NULL);
	th_expect(&r, 200);
	assert_true(json_is_true(json_object_get(seal_of(&r), "verified")));
	th_resp_free(&r);
}

static const char *statements_of(th_resp *r)
{
	const char *s = json_string_value(json_object_get(json_object_get(r->json, "body"), "statements"));
	return s ? s : "";
}

/* 1. The shown and printed PV is the sealed one; a broken seal is flagged. */
static void sealed_pv_shows_what_the_seal_covers(void **st)
{
	(void)st;
	char case_id[37], suspect[37], pv[37], path[160];
	new_case(case_id, suspect, "BK700001");
	sealed_pv(case_id, suspect, "Je nie les faits.", opj, pv);
	/* the editable columns changed behind the server's back */
	sql("UPDATE pvs SET body = REPLACE(body, 'Je nie les faits.', 'J''avoue tout.'), place = 'Ailleurs',"
	    " drafter_rank = 'OPJ' WHERE id = '%s'",
	    pv);
	snprintf(path, sizeof path, "/api/v1/pvs/%s", pv);
	th_resp r = req("GET", path, chief, NULL);
	th_expect(&r, 200);
	assert_string_equal(statements_of(&r), "Je nie les faits.");
	assert_true(json_is_null(json_object_get(r.json, "place")));
	assert_string_not_equal(th_str(&r, "drafter_rank"), "OPJ");
	assert_true(json_is_true(json_object_get(seal_of(&r), "verified")));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/pvs/%s/print", pv);
	r = req("GET", path, chief, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "Je nie les faits."));
	assert_null(strstr(r.body, "J'avoue"));
	assert_null(strstr(r.body, "Ailleurs"));
	assert_null(strstr(r.body, "class=\"draft broken\""));
	th_resp_free(&r);
	/* the sealed bytes changed: shown broken (never verified), printed
	 * broken, and each read flagged to the auditors */
	long long flags = count("SELECT COUNT(*) FROM audit_log WHERE action = 'seal.broken' AND object_id = '%s'", pv);
	assert_int_equal(flags, 0);
	sql("UPDATE pvs SET content = REPLACE(content, 'Je nie les faits.', 'J''avoue tout.') WHERE id = '%s'", pv);
	snprintf(path, sizeof path, "/api/v1/pvs/%s", pv);
	r = req("GET", path, chief, NULL);
	th_expect(&r, 200);
	assert_false(json_is_true(json_object_get(seal_of(&r), "verified")));
	assert_true(json_is_true(json_object_get(seal_of(&r), "broken")));
	assert_string_equal(json_string_value(json_object_get(seal_of(&r), "problem")), "content-altered");
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/pvs/%s/print", pv);
	r = req("GET", path, chief, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "class=\"draft broken\""));
	th_resp_free(&r);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE action = 'seal.broken' AND object_id = '%s'"
			       " AND object_type = 'pv' AND badge = 'demo-chief'", pv),
			 2);
	/* the auditor finds them */
	r = req("GET", "/api/v1/audit?action=seal.broken", auditor, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, pv));
	th_resp_free(&r);
}

/* hex of BLAKE2b-256 of s */
static void hash_hex(const char *s, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)s, strlen(s), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof h);
}

/* 2. A key inserted into the database does not make a forged seal verify. */
static void inserted_key_does_not_verify(void **st)
{
	(void)st;
	char case_id[37], suspect[37], pv[37], path[160], q[256];
	new_case(case_id, suspect, "BK700002");
	sealed_pv(case_id, suspect, "Je ne sais rien.", opj, pv);
	/* forge: new content, its hash, signed with a key the forger made and
	 * inserted for the chief (who never sealed), with a made-up binding */
	snprintf(q, sizeof q, "SELECT content FROM pvs WHERE id = '%s'", pv);
	char *content = text_of(q);
	assert_non_null(content);
	char *at = strstr(content, "Je ne sais rien.");
	assert_non_null(at);
	memcpy(at, "J'ai tout vu.  ", 15);
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES], sig[crypto_sign_BYTES];
	crypto_sign_keypair(pk, sk);
	char hash[65], pkhex[65], sighex[129], msg[128];
	hash_hex(content, hash);
	snprintf(msg, sizeof msg, "sijill-pv-v1|%s", hash);
	crypto_sign_detached(sig, NULL, (const unsigned char *)msg, strlen(msg), sk);
	sodium_bin2hex(pkhex, sizeof pkhex, pk, sizeof pk);
	sodium_bin2hex(sighex, sizeof sighex, sig, sizeof sig);
	sql("INSERT INTO opj_keys (key_id, user_id, public_key, sealed_secret, created_at) SELECT 'f0f0f0f0f0f0f0f0',"
	    " id, '%s', '00', 1 FROM users WHERE badge = 'demo-chief'",
	    pkhex);
	sql("INSERT INTO opj_key_bindings (id, key_id, user_id, enrolled_at, signature) SELECT"
	    " '00000000-0000-7000-8000-000000000001', 'f0f0f0f0f0f0f0f0', id, 1, '%s' FROM users WHERE badge = 'demo-chief'",
	    sighex);
	char *esc = malloc(2 * strlen(content) + 1), *o = esc;
	for (const char *p = content; *p; p++) {
		if (*p == '\'')
			*o++ = '\'';
		*o++ = *p;
	}
	*o = '\0';
	sql("UPDATE pvs SET content = '%s', content_hash = '%s', signature = '%s', key_id = 'f0f0f0f0f0f0f0f0',"
	    " sealed_by = (SELECT id FROM users WHERE badge = 'demo-chief') WHERE id = '%s'",
	    esc, hash, sighex, pv);
	free(esc);
	free(content);
	snprintf(path, sizeof path, "/api/v1/pvs/%s", pv);
	th_resp r = req("GET", path, chief, NULL);
	th_expect(&r, 200);
	assert_false(json_is_true(json_object_get(seal_of(&r), "verified")));
	assert_string_equal(json_string_value(json_object_get(seal_of(&r), "problem")), "key-not-bound");
	th_resp_free(&r);

	/* the OPJ's own key is bound: enrolment and revocation are the
	 * administrator's audited acts; a revoked key seals nothing new, and
	 * what it sealed before stays valid */
	char pv2[37];
	sealed_pv(case_id, suspect, "Deuxième audition.", opj, pv2);
	r = req("POST", "/api/v1/users/demo-opj/opj-key", admin, NULL);
	expect_problem(&r, 409, "opj-key-enrolled");
	th_resp_free(&r);
	r = req("POST", "/api/v1/users/demo-opj/opj-key/revoke", chief, json_pack("{s:s}", "reason", "mutation"));
	expect_problem(&r, 403, "forbidden");
	th_resp_free(&r);
	r = req("POST", "/api/v1/users/demo-opj/opj-key/revoke", admin, json_pack("{s:s}", "reason", "mutation"));
	th_expect(&r, 200);
	th_resp_free(&r);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE action = 'opj-key.revoke' AND object_id = 'demo-opj'"
			       " AND outcome = 'ok'"),
			 1);
	snprintf(path, sizeof path, "/api/v1/pvs/%s", pv2);
	r = req("GET", path, chief, NULL);
	th_expect(&r, 200);
	assert_true(json_is_true(json_object_get(seal_of(&r), "verified")));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/cases/%s/pvs", case_id);
	r = req("POST", path, officer,
		json_pack("{s:s,s:s,s:s,s:b,s:s}", "type", "hearing_suspect", "person_id", suspect, "statements",
			  "Troisième.", "read_back", 1, "signature", "signed"));
	th_expect(&r, 201);
	char pv3[37];
	snprintf(pv3, sizeof pv3, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/pvs/%s/seal", pv3);
	r = req("POST", path, opj, NULL);
	expect_problem(&r, 409, "opj-key-revoked");
	th_resp_free(&r);
	r = req("POST", "/api/v1/users/demo-officer/opj-key", admin, NULL);
	expect_problem(&r, 422, "opj-key-not-opj");
	th_resp_free(&r);
	r = req("POST", "/api/v1/users/demo-opj/opj-key", admin, NULL);
	th_expect(&r, 201);
	th_resp_free(&r);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE action = 'opj-key.enrol' AND object_id = 'demo-opj'"
			       " AND outcome = 'ok'"),
			 1);
	snprintf(path, sizeof path, "/api/v1/pvs/%s/seal", pv3);
	r = req("POST", path, opj, NULL);
	th_expect(&r, 200);
	assert_true(json_is_true(json_object_get(seal_of(&r), "verified")));
	th_resp_free(&r);
	/* a binding row edited to cover another time does not verify either */
	sql("UPDATE opj_key_bindings SET enrolled_at = enrolled_at - 1 WHERE user_id = (SELECT id FROM users WHERE"
	    " badge = 'demo-opj') AND revoked_at IS NULL");
	snprintf(path, sizeof path, "/api/v1/pvs/%s", pv3);
	r = req("GET", path, chief, NULL);
	th_expect(&r, 200);
	assert_false(json_is_true(json_object_get(seal_of(&r), "verified")));
	th_resp_free(&r);
	sql("UPDATE opj_key_bindings SET enrolled_at = enrolled_at + 1 WHERE user_id = (SELECT id FROM users WHERE"
	    " badge = 'demo-opj') AND revoked_at IS NULL");
}

/* 3. A referral bundle is sealed at transmission and verified on read. */
static void referral_bundle_is_verified_on_read(void **st)
{
	(void)st;
	char case_id[37], suspect[37], pv[37], path[160], ref[37];
	new_case(case_id, suspect, "BK700003");
	sealed_pv(case_id, suspect, "Je conteste.", opj, pv);
	snprintf(path, sizeof path, "/api/v1/cases/%s/referral", case_id);
	th_resp r = req("POST", path, opj, json_object());
	th_expect(&r, 201);
	snprintf(ref, sizeof ref, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/referrals/%s/bundle", ref);
	r = req("GET", path, chief, NULL);
	th_expect(&r, 200);
	assert_true(json_is_true(json_object_get(seal_of(&r), "verified")));
	th_resp_free(&r);
	sql("UPDATE referrals SET bundle = REPLACE(bundle, 'Je conteste.', 'J''avoue.') WHERE id = '%s'", ref);
	r = req("GET", path, chief, NULL);
	th_expect(&r, 200);
	assert_false(json_is_true(json_object_get(seal_of(&r), "verified")));
	assert_true(json_is_true(json_object_get(seal_of(&r), "broken")));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/referrals/%s/bundle.html", ref);
	r = req("GET", path, chief, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "class=\"draft broken\""));
	th_resp_free(&r);
	/* the bundle and its hash changed together: the signature does not follow */
	char q[160], hash[65];
	snprintf(q, sizeof q, "SELECT bundle FROM referrals WHERE id = '%s'", ref);
	char *b = text_of(q);
	assert_non_null(b);
	hash_hex(b, hash);
	free(b);
	sql("UPDATE referrals SET bundle_hash = '%s' WHERE id = '%s'", hash, ref);
	snprintf(path, sizeof path, "/api/v1/referrals/%s/bundle", ref);
	r = req("GET", path, chief, NULL);
	th_expect(&r, 200);
	assert_string_equal(json_string_value(json_object_get(seal_of(&r), "problem")), "signature-invalid");
	th_resp_free(&r);
	assert_true(count("SELECT COUNT(*) FROM audit_log WHERE action = 'seal.broken' AND object_type = 'referral'"
			  " AND object_id = '%s'", ref) >= 3);
}

/* raw_post sends a POST of n bytes over a plain socket, without waiting for
 * 100-continue (as many clients do); returns the bytes the server let it
 * send (n when none was refused) and writes the start of the answer. */
static size_t raw_post(size_t n, char *answer, size_t answer_sz)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)S.port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	char head[256];
	int hl = snprintf(head, sizeof head,
			  "POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
			  "Content-Length: %zu\r\n\r\n", n);
	assert_int_equal(send(fd, head, (size_t)hl, MSG_NOSIGNAL), hl);
	static char chunk[65536];
	memset(chunk, ' ', sizeof chunk);
	size_t sent = 0;
	while (sent < n) {
		ssize_t k = send(fd, chunk, n - sent < sizeof chunk ? n - sent : sizeof chunk, MSG_NOSIGNAL);
		if (k <= 0)
			break;
		sent += (size_t)k;
	}
	ssize_t got = recv(fd, answer, answer_sz - 1, 0);
	answer[got > 0 ? got : 0] = '\0';
	close(fd);
	return sent;
}

/* 18. A body over the limit, sent without waiting for 100-continue, is read
 * to its end and answered a readable 413 (not a reset under the sender). */
static void oversized_body_gets_a_readable_413(void **st)
{
	(void)st;
	char answer[4096];
	size_t sizes[] = {2u * 1024 * 1024, 12u * 1024 * 1024};
	for (size_t i = 0; i < 2; i++) {
		size_t sent = raw_post(sizes[i], answer, sizeof answer);
		if (sent != sizes[i])
			fprintf(stderr, "# the server cut the upload after %zu of %zu bytes\n", sent, sizes[i]);
		assert_int_equal(sent, sizes[i]);
		assert_non_null(strstr(answer, "HTTP/1.1 413"));
	}
	/* with Expect: 100-continue the body is refused before it is sent */
	const char *const headers[] = {"Expect: 100-continue", "Content-Type: application/json", NULL};
	char *body = calloc(1, 3u * 1024 * 1024);
	assert_non_null(body);
	th_resp r = th_request(&S, "POST", "/api/v1/cases", officer, body, 3u * 1024 * 1024, headers);
	expect_problem(&r, 413, "body-too-large");
	th_resp_free(&r);
	free(body);
}

/* 19. A path that is not UTF-8 still leaves its address, path and status in
 * the access log. */
static void invalid_utf8_path_is_logged(void **st)
{
	(void)st;
	th_resp r = req("GET", "/api/v1/cases/%FF%FEzz", officer, NULL);
	expect_problem(&r, 400, "bad-path");
	char rid[64];
	snprintf(rid, sizeof rid, "%s", strstr(r.headers, "X-Request-Id: ") ? strstr(r.headers, "X-Request-Id: ") + 14 : "");
	rid[36] = '\0';
	th_resp_free(&r);
	/* the line is written as the request completes, maybe just after the answer */
	bool found = false;
	for (int tries = 0; tries < 100 && !found; tries++) {
		char logp[PATH_MAX + 32];
		snprintf(logp, sizeof logp, "%s/server.log", S.dir);
		FILE *f = fopen(logp, "r");
		assert_non_null(f);
		char line[8192];
		while (fgets(line, sizeof line, f))
			if (strstr(line, rid) && strstr(line, "\"msg\":\"request\"") &&
			    strstr(line, "/api/v1/cases/%FF%FEzz") && strstr(line, "\"status\":400") &&
			    strstr(line, "\"ip\":\"127.0.0.1\""))
				found = true;
		fclose(f);
		if (!found)
			usleep(50 * 1000);
	}
	if (!found)
		fprintf(stderr, "# no access-log line for request %s\n", rid);
	assert_true(found);
}

/* 10. A check by a read-only role notifies nobody and records no hit, even
 * with a spoofed source; every check is audited with its subject. */
static void check_by_read_only_role_notifies_nobody(void **st)
{
	(void)st;
	th_resp r = req("POST", "/api/v1/registers/wanted", officer,
			json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "authority_code", "TPI-CASA-PENAL",
				  "order_reference", "ORD-2024-1", "order_date", "2024-06-01", "reference", "AR-OULFA-2026-901",
				  "issuing_authority", "Procureur du Roi, TPI Casablanca", "offence_code", "CP-505", "offence", "escroquerie",
				  "danger", "low", "cin", "BK700010", "first_name_lat", "Youssef", "last_name_lat", "Tazi",
				  "birth_date", "1985-06-01"));
	th_expect(&r, 201);
	th_resp_free(&r);
	long long hits = count("SELECT COUNT(*) FROM hits"), notes = count("SELECT COUNT(*) FROM notifications");
	char *analyst = th_login(&S, "demo-analyst");
	r = req("POST", "/api/v1/check", analyst,
		json_pack("{s:s,s:s,s:s,s:{s:s}}", "purpose", "verification", "source", "case", "source_ref",
			  "AR-LIS/2026/000001", "person", "cin", "BK700010"));
	th_expect(&r, 200);
	assert_true(json_array_size(json_object_get(r.json, "alerts")) >= 1); /* the analyst sees the alert */
	th_resp_free(&r);
	assert_int_equal(count("SELECT COUNT(*) FROM hits"), hits);
	assert_int_equal(count("SELECT COUNT(*) FROM notifications"), notes);
	/* audited with its subject and purpose */
	assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE action = 'register.check' AND badge = 'demo-analyst'"
			       " AND purpose = 'verification' AND detail LIKE '%%BK700010%%'"),
			 1);
	/* a unit writer's check still raises the hit and notifies the owner */
	r = req("POST", "/api/v1/check", chief,
		json_pack("{s:s,s:{s:s}}", "purpose", "controle routier", "person", "cin", "BK700010"));
	th_expect(&r, 200);
	th_resp_free(&r);
	assert_int_equal(count("SELECT COUNT(*) FROM hits"), hits + 1);
	assert_int_equal(count("SELECT COUNT(*) FROM notifications"), notes + 1);
	free(analyst);
}

static long long results_of(th_resp *r)
{
	return (long long)json_array_size(json_object_get(r->json, "results"));
}

/* 11. Full-text case search pages with offset and is rate-limited (the
 * person search's limit and counter). */
static void fulltext_pages_and_is_rate_limited(void **st)
{
	(void)st;
	for (int i = 0; i < 3; i++) {
		th_resp r = req("POST", "/api/v1/cases", officer,
				json_pack("{s:s,s:[{s:s}],s:s,s:s}", "frame", "preliminary", "offences", "code", "CP-505",
					  "summary", "Vol de zorglubite au marché", "opj", "demo-opj"));
		th_expect(&r, 201);
		th_resp_free(&r);
	}
	th_resp r = req("GET", "/api/v1/search/cases?q=zorglubite&purpose=enquete&limit=2", chief, NULL);
	th_expect(&r, 200);
	assert_int_equal(results_of(&r), 2);
	const char *first = json_string_value(json_object_get(json_array_get(json_object_get(r.json, "results"), 0), "case_id"));
	char id0[40];
	snprintf(id0, sizeof id0, "%s", first ? first : "");
	th_resp_free(&r);
	r = req("GET", "/api/v1/search/cases?q=zorglubite&purpose=enquete&limit=2&offset=2", chief, NULL);
	th_expect(&r, 200);
	assert_int_equal(results_of(&r), 1);
	assert_string_not_equal(json_string_value(json_object_get(json_array_get(json_object_get(r.json, "results"), 0), "case_id")), id0);
	th_resp_free(&r);
	r = req("PUT", "/api/v1/settings/lookup.max_per_minute", admin, json_pack("{s:i}", "value", 2));
	th_expect(&r, 200);
	th_resp_free(&r);
	r = req("GET", "/api/v1/search/cases?q=zorglubite&purpose=enquete", chief, NULL);
	expect_problem(&r, 429, "rate-limited");
	assert_non_null(strstr(r.headers, "Retry-After"));
	th_resp_free(&r);
	assert_true(count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.fulltext' AND badge = 'demo-chief'"
			  " AND outcome = 'refused'") >= 1);
	r = req("PUT", "/api/v1/settings/lookup.max_per_minute", admin, json_pack("{s:b}", "reset", 1));
	th_expect(&r, 200);
	th_resp_free(&r);
}

/* otp_body writes {"otp": code at now + ahead_ms} for secret. */
static void otp_body(const char *secret, int64_t ahead_ms, char body[64])
{
	char code[8];
	assert_int_equal(totp_code(secret, clock_now_ms() + ahead_ms, code), SJ_OK);
	snprintf(body, 64, "{\"otp\":\"%s\"}", code);
}

/* 13. An enabled second factor is replaced only with its current code, and
 * removed only by an administrator's audited reset. */
static void second_factor_needs_the_current_code(void **st)
{
	(void)st;
	th_resp r = th_json(&S, "POST", "/api/v1/users", admin,
			    "{\"badge\":\"nat-analyst-9\",\"name\":\"Analyste National\",\"role\":\"analyst\","
			    "\"unit\":\"DGSN\",\"password\":\"a-long-password-1\"}");
	th_expect(&r, 201);
	th_resp_free(&r);
	r = th_json(&S, "POST", "/api/v1/session", NULL, "{\"badge\":\"nat-analyst-9\",\"password\":\"a-long-password-1\"}");
	th_expect(&r, 200);
	char *tok = strdup(th_str(&r, "token"));
	th_resp_free(&r);
	r = th_json(&S, "POST", "/api/v1/me/totp", tok, NULL);
	th_expect(&r, 200);
	char secret[64], body[64];
	snprintf(secret, sizeof secret, "%s", th_str(&r, "secret"));
	th_resp_free(&r);
	otp_body(secret, 0, body);
	r = th_json(&S, "POST", "/api/v1/me/totp/confirm", tok, body);
	th_expect(&r, 200);
	th_resp_free(&r);
	/* from a live session, the enabled factor is not set up again */
	r = th_json(&S, "POST", "/api/v1/me/totp", tok, NULL);
	expect_problem(&r, 409, "totp-enabled-needs-code");
	th_resp_free(&r);
	assert_int_equal(count("SELECT totp_enabled FROM users WHERE badge = 'nat-analyst-9'"), 1);
	/* with the current code it is replaced, and the new one confirmed */
	otp_body(secret, 30 * 1000, body);
	r = th_json(&S, "POST", "/api/v1/me/totp/replace", tok, body);
	th_expect(&r, 200);
	snprintf(secret, sizeof secret, "%s", th_str(&r, "secret"));
	th_resp_free(&r);
	otp_body(secret, 30 * 1000, body);
	r = th_json(&S, "POST", "/api/v1/me/totp/confirm", tok, body);
	th_expect(&r, 200);
	th_resp_free(&r);
	/* wrong codes are counted: after 5, even the right one waits */
	for (int i = 0; i < 5; i++) {
		r = th_json(&S, "POST", "/api/v1/me/totp/replace", tok, "{\"otp\":\"000000\"}");
		expect_problem(&r, 422, "invalid-otp");
		th_resp_free(&r);
	}
	otp_body(secret, 90 * 1000, body);
	r = th_json(&S, "POST", "/api/v1/me/totp/replace", tok, body);
	expect_problem(&r, 429, "too-many-attempts");
	th_resp_free(&r);
	assert_true(count("SELECT COUNT(*) FROM audit_log WHERE action = 'user.totp.replace' AND outcome = 'refused'"
			  " AND badge = 'nat-analyst-9'") >= 5);
	/* the administrator's reset: audited, sessions ended */
	r = req("POST", "/api/v1/users/nat-analyst-9/totp/reset", admin, json_pack("{s:s}", "reason", "téléphone perdu"));
	th_expect(&r, 200);
	th_resp_free(&r);
	assert_int_equal(count("SELECT totp_enabled FROM users WHERE badge = 'nat-analyst-9'"), 0);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE action = 'user.totp.reset' AND object_id ="
			       " 'nat-analyst-9' AND badge = 'demo-admin' AND outcome = 'ok'"),
			 1);
	r = req("GET", "/api/v1/me", tok, NULL);
	th_expect(&r, 401);
	th_resp_free(&r);
	free(tok);
}

/* 14. Failed current-password checks on a password change are counted. */
static void password_change_guesses_are_counted(void **st)
{
	(void)st;
	th_resp r = th_json(&S, "POST", "/api/v1/users", admin,
			    "{\"badge\":\"pw-guess-1\",\"name\":\"Agent Test\",\"role\":\"officer\","
			    "\"unit\":\"AR-CASA-OULFA\",\"password\":\"a-long-password-1\"}");
	th_expect(&r, 201);
	th_resp_free(&r);
	r = th_json(&S, "POST", "/api/v1/session", NULL, "{\"badge\":\"pw-guess-1\",\"password\":\"a-long-password-1\"}");
	th_expect(&r, 200);
	char *tok = strdup(th_str(&r, "token"));
	th_resp_free(&r);
	for (int i = 0; i < 5; i++) {
		r = th_json(&S, "PUT", "/api/v1/me/password", tok,
			    "{\"current_password\":\"guess-number-x1\",\"new_password\":\"another-long-pass-2\"}");
		expect_problem(&r, 403, "bad-current-password");
		th_resp_free(&r);
	}
	r = th_json(&S, "PUT", "/api/v1/me/password", tok,
		    "{\"current_password\":\"a-long-password-1\",\"new_password\":\"another-long-pass-2\"}");
	expect_problem(&r, 429, "too-many-attempts");
	th_resp_free(&r);
	free(tok);
}

/* 17a. Behind the configured TLS proxy the session cookie is Secure;
 * X-Forwarded-Proto from anyone else is not believed. */
static void secure_cookie_behind_the_trusted_proxy(void **st)
{
	(void)st;
	const char *login = "{\"badge\":\"demo-officer\",\"password\":\"demo-password\"}";
	const char *const xfp[] = {"Content-Type: application/json", "X-Forwarded-Proto: https", NULL};
	/* no proxy configured: the header changes nothing */
	th_resp r = th_request(&S, "POST", "/api/v1/session", NULL, login, strlen(login), xfp);
	th_expect(&r, 200);
	assert_non_null(strstr(r.headers, "sijill_session="));
	assert_null(strstr(r.headers, "; Secure"));
	th_resp_free(&r);
	snprintf(S.conf, sizeof S.conf, "%s/proxy.conf", S.dir);
	FILE *f = fopen(S.conf, "w");
	assert_non_null(f);
	fputs("trusted_proxy = 127.0.0.1\n", f);
	fclose(f);
	assert_int_equal(th_stop_server(&S), 0);
	th_start_server(&S);
	r = th_request(&S, "POST", "/api/v1/session", NULL, login, strlen(login), xfp);
	th_expect(&r, 200);
	assert_non_null(strstr(r.headers, "HttpOnly; SameSite=Strict"));
	assert_non_null(strstr(r.headers, "; Secure"));
	th_resp_free(&r);
	const char *const plain[] = {"Content-Type: application/json", NULL};
	r = th_request(&S, "POST", "/api/v1/session", NULL, login, strlen(login), plain);
	th_expect(&r, 200);
	assert_null(strstr(r.headers, "; Secure"));
	th_resp_free(&r);
	S.conf[0] = '\0';
	assert_int_equal(th_stop_server(&S), 0);
	th_start_server(&S);
}

/* 17b. A demo account is never enabled again on a database that has served
 * a public address (the CLI and the administrator alike). */
static void demo_account_stays_off_on_a_public_database(void **st)
{
	(void)st;
	char out[2048];
	const char *dis[] = {"user", "disable", "--badge", "demo-officer2", NULL};
	assert_int_equal(th_cli(&S, out, sizeof out, dis), 0);
	const char *en[] = {"user", "enable", "--badge", "demo-officer2", NULL};
	assert_int_equal(th_cli(&S, out, sizeof out, en), 0); /* loopback only so far: allowed */
	assert_int_equal(th_cli(&S, out, sizeof out, dis), 0);
	/* what `sijill serve` on a public address records */
	sql("INSERT INTO node_state (key, value, updated_at) VALUES ('serve.public_at', 1, 1)");
	assert_int_not_equal(th_cli(&S, out, sizeof out, en), 0);
	assert_non_null(strstr(out, "public address"));
	th_resp r = req("PATCH", "/api/v1/users/demo-officer2", admin,
			json_pack("{s:s,s:s}", "status", "active", "reason", "retour"));
	expect_problem(&r, 409, "demo-on-public-database");
	th_resp_free(&r);
	assert_int_equal(count("SELECT COUNT(*) FROM users WHERE badge = 'demo-officer2' AND status = 'active'"), 0);
	/* other accounts are enabled as before */
	const char *dis2[] = {"user", "disable", "--badge", "pw-guess-1", NULL}, *en2[] = {"user", "enable", "--badge", "pw-guess-1", NULL};
	assert_int_equal(th_cli(&S, out, sizeof out, dis2), 0);
	assert_int_equal(th_cli(&S, out, sizeof out, en2), 0);
}

/* 15. Refused anonymous requests do not fill the audit trail: one entry per
 * address, reason and minute, the rest in the access log; past the limit the
 * address is answered 429. */
static void anonymous_refusals_are_aggregated(void **st)
{
	(void)st;
	long long before = count("SELECT COUNT(*) FROM audit_log WHERE action = 'authn.refused'");
	int n401 = 0, n429 = 0;
	for (int i = 0; i < 700 && n429 < 5; i++) {
		th_resp r = th_request(&S, "GET", "/api/v1/cases", NULL, NULL, 0, NULL);
		if (r.status == 401)
			n401++;
		else if (r.status == 429) {
			n429++;
			assert_string_equal(th_str(&r, "code"), "anonymous-throttled");
			assert_non_null(strstr(r.headers, "Retry-After"));
		}
		th_resp_free(&r);
	}
	fprintf(stderr, "# %d answered 401, then %d answered 429\n", n401, n429);
	assert_true(n401 >= 590 && n401 <= 600);
	assert_int_equal(n429, 5);
	/* one entry for the window (two if a window ended meanwhile) */
	long long added = count("SELECT COUNT(*) FROM audit_log WHERE action = 'authn.refused'") - before;
	assert_true(added >= 0 && added <= 2);
	/* every one of them is in the access log (written as each completes) */
	int logged = 0;
	for (int tries = 0; tries < 100 && logged < n401 + n429; tries++) {
		char logp[PATH_MAX + 32], line[8192];
		snprintf(logp, sizeof logp, "%s/server.log", S.dir);
		FILE *f = fopen(logp, "r");
		assert_non_null(f);
		logged = 0;
		while (fgets(line, sizeof line, f))
			if (strstr(line, "\"path\":\"/api/v1/cases\"") &&
			    (strstr(line, "\"status\":401") || strstr(line, "\"status\":429")) &&
			    strstr(line, "\"ip\":\"127.0.0.1\""))
				logged++;
		fclose(f);
		if (logged < n401 + n429)
			usleep(50 * 1000);
	}
	assert_true(logged >= n401 + n429);
}

/* raw_login posts body to /session from source address src; returns the
 * status and copies the problem code (if any) into code. */
static long raw_login(const char *src, const char *body, char code[64])
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	struct sockaddr_in me = {.sin_family = AF_INET};
	assert_int_equal(inet_pton(AF_INET, src, &me.sin_addr), 1);
	assert_int_equal(bind(fd, (struct sockaddr *)&me, sizeof me), 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)S.port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	char req_[1024];
	int n = snprintf(req_, sizeof req_,
			 "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
			 "Content-Length: %zu\r\nConnection: close\r\n\r\n%s", strlen(body), body);
	assert_int_equal(send(fd, req_, (size_t)n, MSG_NOSIGNAL), n);
	char ans[16384];
	size_t got = 0;
	ssize_t k;
	while (got + 1 < sizeof ans && (k = recv(fd, ans + got, sizeof ans - 1 - got, 0)) > 0)
		got += (size_t)k;
	ans[got] = '\0';
	close(fd);
	long status = 0;
	sscanf(ans, "HTTP/1.1 %ld", &status);
	code[0] = '\0';
	const char *c = strstr(ans, "\"code\":\"");
	if (c)
		sscanf(c + 8, "%63[^\"]", code);
	return status;
}

/* 14. Unknown and held badges are answered the same; the hold is per badge
 * and address, so an attacker does not lock the badge out elsewhere. */
static void login_hold_is_per_badge_and_address(void **st)
{
	(void)st;
	char code[64];
	const char *wrong = "{\"badge\":\"demo-auditor\",\"password\":\"not-the-password\"}",
		   *right = "{\"badge\":\"demo-auditor\",\"password\":\"demo-password\"}",
		   *unknown = "{\"badge\":\"no-such-badge-x\",\"password\":\"not-the-password\"}";
	for (int i = 0; i < 5; i++) {
		assert_int_equal(raw_login("127.0.0.3", wrong, code), 401);
		assert_string_equal(code, "invalid-credentials");
	}
	/* held at 127.0.0.3: the right password is answered as a wrong one, as an unknown badge is */
	assert_int_equal(raw_login("127.0.0.3", right, code), 401);
	assert_string_equal(code, "invalid-credentials");
	assert_int_equal(raw_login("127.0.0.3", unknown, code), 401);
	assert_string_equal(code, "invalid-credentials");
	/* the same badge from another address is not held up */
	assert_int_equal(raw_login("127.0.0.4", right, code), 200);
	assert_true(count("SELECT COUNT(*) FROM audit_log WHERE action = 'session.login' AND badge = 'demo-auditor'"
			  " AND outcome = 'refused' AND detail LIKE '%%held-badge-address%%'") >= 1);
	assert_int_equal(count("SELECT COUNT(*) FROM users WHERE badge = 'demo-auditor' AND locked_until > 0"), 0);
}

/* etag_of GETs path as tok and copies its ETag header. */
static void etag_of(const char *path, const char *tok, char tag[48])
{
	th_resp g = req("GET", path, tok, NULL);
	th_expect(&g, 200);
	const char *t = strstr(g.headers, "ETag: ");
	assert_non_null(t);
	sscanf(t + 6, "%40s", tag);
	th_resp_free(&g);
}

static th_resp patch_if(const char *path, const char *tok, const char *tag, const char *body)
{
	char im[96];
	snprintf(im, sizeof im, "If-Match: %s", tag);
	const char *const headers[] = {"Content-Type: application/json", tag ? im : NULL, NULL};
	return th_request(&S, "PATCH", path, tok, body, strlen(body), headers);
}

/* 7. Two officers edit the same draft PV (and case): the second, from a
 * stale copy, gets 412 with the record as it is now, and nothing is lost. */
static void stale_copy_is_412_not_a_lost_update(void **st)
{
	(void)st;
	char case_id[37], suspect[37], path[160], pv[37], t1[48], t2[48];
	new_case(case_id, suspect, "BK700020");
	snprintf(path, sizeof path, "/api/v1/cases/%s/pvs", case_id);
	th_resp r = req("POST", path, officer,
			json_pack("{s:s,s:s,s:s}", "type", "hearing_suspect", "person_id", suspect, "statements", "v1"));
	th_expect(&r, 201);
	snprintf(pv, sizeof pv, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/pvs/%s", pv);
	etag_of(path, officer, t1);
	etag_of(path, chief, t2);
	assert_string_equal(t1, t2);
	/* without If-Match: 428, nothing written */
	r = patch_if(path, officer, NULL, "{\"statements\":\"sans précondition\"}");
	expect_problem(&r, 428, "if-match-required");
	th_resp_free(&r);
	r = patch_if(path, officer, t1, "{\"statements\":\"version de l'agent\"}");
	th_expect(&r, 200);
	assert_non_null(strstr(r.headers, "ETag: "));
	assert_null(strstr(r.headers, t1));
	th_resp_free(&r);
	/* the chief's copy is stale: refused, shown the officer's change */
	r = patch_if(path, chief, t2, "{\"statements\":\"version du chef\"}");
	expect_problem(&r, 412, "stale-copy");
	assert_non_null(strstr(r.body, "version de l'agent"));
	th_resp_free(&r);
	r = req("GET", path, chief, NULL);
	assert_string_equal(statements_of(&r), "version de l'agent");
	th_resp_free(&r);
	assert_true(count("SELECT COUNT(*) FROM audit_log WHERE action = 'pv.update' AND outcome = 'refused'"
			  " AND detail LIKE '%%stale-copy%%'") >= 1);
	/* the case's description likewise */
	snprintf(path, sizeof path, "/api/v1/cases/%s", case_id);
	etag_of(path, officer, t1);
	r = patch_if(path, chief, t1, "{\"summary\":\"Résumé du chef\"}");
	th_expect(&r, 200);
	th_resp_free(&r);
	r = patch_if(path, officer, t1, "{\"summary\":\"Résumé de l'agent\"}");
	expect_problem(&r, 412, "stale-copy");
	assert_non_null(strstr(r.body, "Résumé du chef"));
	th_resp_free(&r);
}

/* 16. Stored text shown in the audit view prints its bidi overrides and
 * invisible characters visibly (a search typed with U+202E, an old row). */
static void audit_view_shows_invisible_characters(void **st)
{
	(void)st;
	/* a search query reaches the audit log as typed */
	th_resp r = req("GET", "/api/v1/persons/search?q=%E2%80%AEilA%E2%80%8B&purpose=verif", chief, NULL);
	th_resp_free(&r);
	/* and an old row, written before text was checked at the door */
	sql("UPDATE audit_log SET purpose = 'avant\xe2\x80\xae" "apres' WHERE seq = (SELECT MAX(seq)"
	    " FROM audit_log WHERE action = 'person.search')");
	r = req("GET", "/api/v1/audit?action=person.search&limit=200", auditor, NULL);
	th_expect(&r, 200);
	assert_null(strstr(r.body, "\xe2\x80\xae"));  /* no raw U+202E */
	assert_null(strstr(r.body, "\\u202e"));         /* nor escaped by JSON */
	assert_null(strstr(r.body, "\xe2\x80\x8b"));  /* no raw U+200B */
	assert_non_null(strstr(r.body, "U+202E"));
	assert_non_null(strstr(r.body, "U+200B"));
	assert_non_null(strstr(r.body, "avant\xe2\x9f\xa6U+202E\xe2\x9f\xa7" "apres"));
	th_resp_free(&r);
	/* the CLI is an input path too: a name with an override is refused */
	char out[2048];
	const char *add[] = {"user", "add", "--badge", "cli-bidi-1", "--name", "Ali \xe2\x80\xae" "ilA", "--role", "officer",
			     "--unit", "AR-CASA-OULFA", NULL};
	assert_int_not_equal(th_cli_in(&S, "a-long-password-1\n", out, sizeof out, add), 0);
	assert_int_equal(count("SELECT COUNT(*) FROM users WHERE badge = 'cli-bidi-1'"), 0);
	const char *ok[] = {"user", "add", "--badge", "cli-plain-1", "--name", "Ali Alaoui", "--role", "officer",
			    "--unit", "AR-CASA-OULFA", NULL};
	assert_int_equal(th_cli_in(&S, "a-long-password-1\n", out, sizeof out, ok), 0);
}


/* 8. Adding another unit's person to one's own case by CIN is a national
 * look-up: purpose required, counted on the look-up limit, audited with its
 * subject and flagged like a search; it links the person, answers what a
 * search shows, and never writes into the other unit's record. */
static void add_by_cin_is_a_national_lookup(void **st)
{
	(void)st;
	/* unit A (demo-officer) enters a person with an address and a phone */
	th_resp r = req("POST", "/api/v1/cases", officer,
			json_pack("{s:s,s:[{s:s}],s:s,s:s}", "frame", "preliminary", "offences", "code", "CP-505",
				  "summary", "Affaire A, personne de l'unité A", "opj", "demo-opj"));
	th_expect(&r, 201);
	char case_a[40];
	snprintf(case_a, sizeof case_a, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	char path[160];
	snprintf(path, sizeof path, "/api/v1/cases/%s/persons", case_a);
	r = req("POST", path, officer,
		json_pack("{s:s,s:{s:s,s:s,s:s,s:s,s:s,s:s}}", "role", "victim", "person", "cin", "QX771234",
			  "last_name_lat", "Tazi", "first_name_lat", "Nadia", "sex", "F", "address",
			  "7 rue des Orangers, Oulfa", "phone", "0661234567"));
	th_expect(&r, 201);
	char pid[40];
	snprintf(pid, sizeof pid, "%s", th_str(&r, "id"));
	assert_false(json_is_true(json_object_get(r.json, "national_lookup")));
	th_resp_free(&r);
	r = req("POST", path, officer,
		json_pack("{s:s,s:{s:s,s:s,s:s}}", "role", "witness", "person", "cin", "QX771235", "last_name_lat",
			  "Tazi", "first_name_lat", "Omar"));
	th_expect(&r, 201);
	th_resp_free(&r);

	/* unit B (demo-officer2) opens its own case */
	r = req("POST", "/api/v1/cases", officer2,
		json_pack("{s:s,s:[{s:s}],s:s}", "frame", "preliminary", "offences", "code", "CP-505", "summary",
			  "Affaire B"));
	th_expect(&r, 201);
	char case_b[40];
	snprintf(case_b, sizeof case_b, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/cases/%s/persons", case_b);
	/* without a purpose: refused, nothing linked or written */
	r = req("POST", path, officer2,
		json_pack("{s:s,s:{s:s,s:s,s:s,s:s}}", "role", "suspect", "person", "cin", "QX771234", "last_name_lat",
			  "Tazi", "mother_name", "Khadija", "birth_place", "Fès"));
	expect_problem(&r, 400, "purpose-required");
	assert_null(strstr(r.body, "Orangers"));
	th_resp_free(&r);
	assert_int_equal(count("SELECT COUNT(*) FROM case_persons WHERE case_id = '%s'", case_b), 0);
	/* with a purpose: linked, answered as a search shows, nothing written */
	r = req("POST", path, officer2,
		json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:s,s:s}}", "role", "suspect", "purpose",
			  "audition dans l'affaire B", "person", "cin", "QX771234", "last_name_lat", "Tazi", "mother_name",
			  "Khadija", "birth_place", "Fès", "phone", "0770000000"));
	th_expect(&r, 201);
	assert_string_equal(th_str(&r, "id"), pid);
	assert_true(json_is_true(json_object_get(r.json, "national_lookup")));
	assert_string_equal(th_str(&r, "last_name_lat"), "Tazi");
	assert_null(json_object_get(r.json, "address"));
	assert_null(json_object_get(r.json, "phone"));
	assert_null(strstr(r.body, "Orangers"));
	assert_null(strstr(r.body, "0661234567"));
	assert_non_null(th_str(&r, "owner_unit"));
	json_t *na = json_object_get(r.json, "not_applied");
	assert_true(json_is_array(na));
	bool mother = false, place = false, phone = false;
	size_t i;
	json_t *v;
	json_array_foreach(na, i, v) {
		mother |= strcmp(json_string_value(v), "mother_name") == 0;
		place |= strcmp(json_string_value(v), "birth_place") == 0;
		phone |= strcmp(json_string_value(v), "phone") == 0;
	}
	assert_true(mother && place && phone);
	th_resp_free(&r);
	/* the other unit's record is as unit A entered it */
	assert_int_equal(count("SELECT COUNT(*) FROM persons WHERE id = '%s' AND mother_name IS NULL"
			       " AND birth_place IS NULL AND address = '7 rue des Orangers, Oulfa'", pid), 1);
	assert_int_equal(count("SELECT COUNT(*) FROM case_persons WHERE case_id = '%s' AND person_id = '%s'", case_b,
			       pid), 1);
	/* audited with its subject and purpose */
	assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.person.lookup' AND object_id = '%s'"
			       " AND badge = 'demo-officer2' AND purpose = 'audition dans l''affaire B' AND outcome = 'ok'",
			       pid), 1);
	/* unit B's views of its case and of the person show what search shows */
	char cpath[160];
	snprintf(cpath, sizeof cpath, "/api/v1/cases/%s", case_b);
	r = req("GET", cpath, officer2, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "Tazi"));
	assert_null(strstr(r.body, "Orangers"));
	assert_null(strstr(r.body, "0661234567"));
	th_resp_free(&r);
	snprintf(cpath, sizeof cpath, "/api/v1/persons/%s", pid);
	r = req("GET", cpath, officer2, NULL);
	th_expect(&r, 200);
	assert_null(strstr(r.body, "Orangers"));
	assert_null(strstr(r.body, "0661234567"));
	th_resp_free(&r);
	/* unit A still reads its own record whole */
	r = req("GET", cpath, officer, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "Orangers"));
	th_resp_free(&r);
	/* the rate limit is the search's: over it, refused and the refusal audited */
	r = req("PUT", "/api/v1/settings/lookup.max_per_minute", admin, json_pack("{s:i}", "value", 1));
	th_expect(&r, 200);
	th_resp_free(&r);
	r = req("GET", "/api/v1/persons/search?q=Tazi&purpose=verification", officer2, NULL);
	th_resp_free(&r);
	r = req("POST", "/api/v1/cases", officer2,
		json_pack("{s:s,s:[{s:s}],s:s}", "frame", "preliminary", "offences", "code", "CP-505", "summary",
			  "Affaire B2"));
	th_expect(&r, 201);
	snprintf(path, sizeof path, "/api/v1/cases/%s/persons", th_str(&r, "id"));
	th_resp_free(&r);
	r = req("POST", path, officer2,
		json_pack("{s:s,s:s,s:{s:s,s:s}}", "role", "witness", "purpose", "audition dans l'affaire B2", "person",
			  "cin", "QX771235", "last_name_lat", "Tazi"));
	expect_problem(&r, 429, "rate-limited");
	assert_non_null(strstr(r.headers, "Retry-After"));
	th_resp_free(&r);
	assert_true(count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.person' AND badge = 'demo-officer2'"
			  " AND outcome = 'refused'") >= 1);
	r = req("PUT", "/api/v1/settings/lookup.max_per_minute", admin, json_pack("{s:b}", "reset", 1));
	th_expect(&r, 200);
	th_resp_free(&r);
	/* flagged like a search: over one look-up a day, the search and this
	 * addition (a refused one is not a look-up) */
	sql("INSERT INTO settings (key, value) VALUES ('lookup.flag_per_day', '1')");
	r = req("GET", "/api/v1/audit/flags", auditor, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "demo-officer2"));
	th_resp_free(&r);
	sql("DELETE FROM settings WHERE key = 'lookup.flag_per_day'");
}

/* 12. Least privilege: an auditor reads the audit log, and a case, PV or
 * person only through an audit entry that names it, itself audited. */
static void auditor_reads_records_only_through_an_entry(void **st)
{
	(void)st;
	char case_id[37], suspect[37], other[37], other_suspect[37];
	new_case(case_id, suspect, "QA100200");
	new_case(other, other_suspect, "QA100201");
	char path[200];
	snprintf(path, sizeof path, "/api/v1/cases/%s", case_id);
	th_resp r = req("GET", path, auditor, NULL);
	expect_problem(&r, 403, "audit-entry-required");
	assert_null(strstr(r.body, "Berrada"));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/persons/%s", suspect);
	r = req("GET", path, auditor, NULL);
	expect_problem(&r, 403, "audit-entry-required");
	th_resp_free(&r);
	/* lists and registers are not the auditor's at all */
	r = req("GET", "/api/v1/cases", auditor, NULL);
	expect_problem(&r, 403, "forbidden");
	th_resp_free(&r);
	r = req("GET", "/api/v1/registers/wanted", auditor, NULL);
	expect_problem(&r, 403, "forbidden");
	th_resp_free(&r);
	/* through the entry that names the case: read, and the read names it */
	long long seq = count("SELECT MAX(seq) FROM audit_log WHERE object_type = 'case' AND object_id = '%s'", case_id);
	long long seq_other = count("SELECT MAX(seq) FROM audit_log WHERE object_type = 'case' AND object_id = '%s'", other);
	long long seq_person = count("SELECT MAX(seq) FROM audit_log WHERE object_type = 'person' AND object_id = '%s'",
				     suspect);
	assert_true(seq > 0 && seq_other > 0 && seq_person > 0);
	snprintf(path, sizeof path, "/api/v1/cases/%s?via=%lld", case_id, seq_other);
	r = req("GET", path, auditor, NULL);
	expect_problem(&r, 403, "audit-entry-required"); /* another case's entry */
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/cases/%s?via=%lld", case_id, seq);
	r = req("GET", path, auditor, NULL);
	th_expect(&r, 200);
	assert_string_equal(th_str(&r, "id"), case_id);
	th_resp_free(&r);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.read' AND object_id = '%s'"
			       " AND badge = 'demo-auditor' AND outcome = 'ok' AND detail LIKE '%%\"via\":\"%lld\"%%'",
			       case_id, seq), 1);
	assert_true(count("SELECT COUNT(*) FROM audit_log WHERE action = 'authz.refused' AND badge = 'demo-auditor'"
			  " AND detail LIKE '%%audit-entry-required%%'") >= 3);
	/* a case's entry does not open its person: the person's own entry does */
	snprintf(path, sizeof path, "/api/v1/persons/%s?via=%lld", suspect, seq);
	r = req("GET", path, auditor, NULL);
	expect_problem(&r, 403, "audit-entry-required");
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/persons/%s?via=%lld", suspect, seq_person);
	r = req("GET", path, auditor, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "Berrada"));
	th_resp_free(&r);
	/* the audit log itself stays the auditor's */
	r = req("GET", "/api/v1/audit?limit=5", auditor, NULL);
	th_expect(&r, 200);
	th_resp_free(&r);
	/* other roles read as before, via or not */
	snprintf(path, sizeof path, "/api/v1/cases/%s", case_id);
	r = req("GET", path, chief, NULL);
	th_expect(&r, 200);
	th_resp_free(&r);
}

/* The printed bundle lists each person once, with all their roles (the
 * sealed bundle holds one row per role). */
static void bundle_lists_each_person_once(void **st)
{
	(void)st;
	char case_id[37], suspect[37], pv[37], path[160], ref[37];
	new_case(case_id, suspect, "BK700011");
	snprintf(path, sizeof path, "/api/v1/cases/%s/persons", case_id);
	th_resp r = req("POST", path, officer, json_pack("{s:s,s:s}", "role", "witness", "person_id", suspect));
	th_expect(&r, 201);
	th_resp_free(&r);
	sealed_pv(case_id, suspect, "Je témoigne et je conteste.", opj, pv);
	snprintf(path, sizeof path, "/api/v1/cases/%s/referral", case_id);
	r = req("POST", path, opj, json_object());
	th_expect(&r, 201);
	snprintf(ref, sizeof ref, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/referrals/%s/bundle.html?lang=fr", ref);
	r = req("GET", path, chief, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "<bdi>Suspect, Témoin</bdi>"));
	assert_null(strstr(r.body, "<bdi>Témoin</bdi>"));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/referrals/%s/bundle.html?lang=ar", ref);
	r = req("GET", path, chief, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "<bdi>مشتبه فيه، شاهد</bdi>"));
	th_resp_free(&r);
}

/* PVs sealed before key bindings existed (migration 0060) read
 * "key-not-bound": `sijill user bind-key`, an audited administrator act,
 * binds the OPJ's existing key over them and they verify again — only the
 * window before the key's first binding, once. */
static void legacy_seals_verify_after_bind_key(void **st)
{
	(void)st;
	th_resp r = th_json(&S, "POST", "/api/v1/users", admin,
			    "{\"badge\":\"opj-legacy-1\",\"name\":\"Officier Ancien\",\"role\":\"opj\","
			    "\"unit\":\"AR-CASA-OULFA\",\"password\":\"a-long-password-1\"}");
	th_expect(&r, 201);
	th_resp_free(&r);
	r = th_json(&S, "POST", "/api/v1/session", NULL, "{\"badge\":\"opj-legacy-1\",\"password\":\"a-long-password-1\"}");
	th_expect(&r, 200);
	char *tok = strdup(th_str(&r, "token"));
	th_resp_free(&r);
	r = req("POST", "/api/v1/cases", officer,
		json_pack("{s:s,s:[{s:s}],s:s,s:s}", "frame", "preliminary", "offences", "code", "CP-505", "summary",
			  "Affaire scellée avant 0060", "opj", "opj-legacy-1"));
	th_expect(&r, 201);
	char case_id[37], suspect[37], pv1[37], pv2[37], path[160];
	snprintf(case_id, sizeof case_id, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/cases/%s/persons", case_id);
	r = req("POST", path, officer,
		json_pack("{s:s,s:{s:s,s:s,s:s}}", "role", "suspect", "person", "cin", "BK700021", "last_name_lat",
			  "Ancien", "first_name_lat", "Karim"));
	th_expect(&r, 201);
	snprintf(suspect, sizeof suspect, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	sealed_pv(case_id, suspect, "Scellé avant les liaisons.", tok, pv1);
	/* as a database from before 0060: the key, no binding */
	sql("DELETE FROM opj_key_bindings WHERE user_id = (SELECT id FROM users WHERE badge = 'opj-legacy-1')");
	snprintf(path, sizeof path, "/api/v1/pvs/%s", pv1);
	r = req("GET", path, chief, NULL);
	th_expect(&r, 200);
	assert_string_equal(json_string_value(json_object_get(seal_of(&r), "problem")), "key-not-bound");
	th_resp_free(&r);
	/* the OPJ's first seal since binds the key from then on: the old PV
	 * stays unbound */
	sealed_pv(case_id, suspect, "Scellé après la migration.", tok, pv2);
	r = req("GET", path, chief, NULL);
	th_expect(&r, 200);
	assert_string_equal(json_string_value(json_object_get(seal_of(&r), "problem")), "key-not-bound");
	th_resp_free(&r);
	/* a reason is required */
	char out[2048];
	const char *noreason[] = {"user", "bind-key", "--badge", "opj-legacy-1", NULL};
	assert_int_not_equal(th_cli(&S, out, sizeof out, noreason), 0);
	const char *bindk[] = {"user", "bind-key", "--badge", "opj-legacy-1", "--reason",
			       "empreinte vérifiée avec l'OPJ, PV antérieurs à 0060", NULL};
	int rc = th_cli(&S, out, sizeof out, bindk);
	if (rc)
		fprintf(stderr, "%s\n", out);
	assert_int_equal(rc, 0);
	r = req("GET", path, chief, NULL);
	th_expect(&r, 200);
	assert_true(json_is_true(json_object_get(seal_of(&r), "verified")));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/pvs/%s", pv2);
	r = req("GET", path, chief, NULL);
	th_expect(&r, 200);
	assert_true(json_is_true(json_object_get(seal_of(&r), "verified")));
	th_resp_free(&r);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE action = 'opj-key.bind-legacy'"
			       " AND object_id = 'opj-legacy-1' AND outcome = 'ok'"), 1);
	/* once: nothing is left to bind */
	assert_int_not_equal(th_cli(&S, out, sizeof out, bindk), 0);
	assert_non_null(strstr(out, "opj-key-bound"));
	free(tok);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sealed_pv_shows_what_the_seal_covers),
		cmocka_unit_test(inserted_key_does_not_verify),
		cmocka_unit_test(legacy_seals_verify_after_bind_key),
		cmocka_unit_test(referral_bundle_is_verified_on_read),
		cmocka_unit_test(bundle_lists_each_person_once),
		cmocka_unit_test(stale_copy_is_412_not_a_lost_update),
		cmocka_unit_test(oversized_body_gets_a_readable_413),
		cmocka_unit_test(invalid_utf8_path_is_logged),
		cmocka_unit_test(check_by_read_only_role_notifies_nobody),
		cmocka_unit_test(add_by_cin_is_a_national_lookup),
		cmocka_unit_test(auditor_reads_records_only_through_an_entry),
		cmocka_unit_test(fulltext_pages_and_is_rate_limited),
		cmocka_unit_test(second_factor_needs_the_current_code),
		cmocka_unit_test(password_change_guesses_are_counted),
		cmocka_unit_test(secure_cookie_behind_the_trusted_proxy),
		cmocka_unit_test(demo_account_stays_off_on_a_public_database),
		cmocka_unit_test(login_hold_is_per_badge_and_address),
		cmocka_unit_test(audit_view_shows_invisible_characters),
		cmocka_unit_test(anonymous_refusals_are_aggregated),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
