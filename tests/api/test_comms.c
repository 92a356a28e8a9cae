/* test_comms.c — black-box: security communication (issue 15), on SQLite and
 * PostgreSQL against a real server.
 *
 *  - the workflow: a claim registered, verified false, answered by a truth
 *    statement reviewed, approved and published (sealed, re-verified, tamper
 *    seen); the time to rebuttal from the times the system recorded; a
 *    draft with a CIN held until the approver confirms; the same claim
 *    reported twice linked to the first and never answered twice; a
 *    correction as a new version; ClaimReview; an officer without the role
 *    gets 403 and communication gets no case route;
 *  - case data only through a case officer's link: the names of the case's
 *    persons (and a minor's) found in a draft, never shown otherwise;
 *  - bad input: engagement CSV with wrong columns, negative counts, broken
 *    quoting, a 50 MB body, archived files of refused or lying types — clear
 *    errors and nothing half-imported; the same file twice changes nothing;
 *  - the seed's 2023 year as a fixture (4,955 activities, 1,488 information,
 *    56 truth statements, 2,873 filmed reports, the Al Haouz earthquake and
 *    its claims, a post with 290,000 views and 4,800 likes): the 2023 bilan
 *    gives exactly those figures, national and per unit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "harness.h"

static th_server S;
static char *comm, *head, *dgsn, *officer, *analyst, *comm_b;

#define HOUR (3600LL * 1000)

static long long real_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* at moves the server's clock to the UTC instant t_ms. */
static void at(long long t_ms)
{
	th_set_clock(&S, t_ms - real_now_ms());
}

static long long utc(int y, int m, int d, int h)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = h};
	return (long long)timegm(&tm) * 1000;
}

static char last_req[300];

static th_resp req(const char *method, const char *path, const char *tok, json_t *body)
{
	snprintf(last_req, sizeof last_req, "%s %s", method, path);
	return th_req(&S, method, path, tok, body);
}

static void expect_problem(th_resp *r, long status, const char *code)
{
	th_expect(r, status);
	assert_non_null(strstr(r->ctype, "application/problem+json"));
	if (strcmp(th_str(r, "code"), code) != 0)
		fprintf(stderr, "# expected code %s: %.400s\n", code, r->body);
	assert_string_equal(th_str(r, "code"), code);
	/* a message a person can act on, in both languages */
	json_t *m = json_object_get(r->json, "message");
	assert_non_null(json_string_value(json_object_get(m, "fr")));
	assert_non_null(json_string_value(json_object_get(m, "ar")));
}

static const char *jget(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static long long jint(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

__attribute__((format(printf, 1, 2))) static long long count(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char sql[512];
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	return th_sql_int(&S, sql);
}

__attribute__((format(printf, 3, 4))) static void path(char *out, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out, n, fmt, ap);
	va_end(ap);
}

static void add_user(const char *badge, const char *role, const char *unit)
{
	char *admin = th_login(&S, "demo-admin");
	th_resp r = req("POST", "/api/v1/users", admin,
			json_pack("{s:s,s:s,s:s,s:s,s:s}", "badge", badge, "name", badge, "role", role, "unit", unit,
				  "password", "a-long-password-1"));
	th_expect(&r, 201);
	th_resp_free(&r);
	free(admin);
}

static char *login_pw(const char *badge)
{
	char body[256];
	snprintf(body, sizeof body, "{\"badge\":\"%s\",\"password\":\"a-long-password-1\"}", badge);
	th_resp r = th_json(&S, "POST", "/api/v1/session", NULL, body);
	th_expect(&r, 200);
	char *t = strdup(th_str(&r, "token"));
	th_resp_free(&r);
	return t;
}

static int setup(void **state)
{
	(void)state;
	th_setup(&S);
	comm = th_login(&S, "demo-comm");
	head = th_login(&S, "demo-comm-head");
	dgsn = th_login(&S, "demo-comm-dgsn");
	officer = th_login(&S, "demo-officer");
	analyst = th_login(&S, "demo-analyst");
	add_user("mx-comm-rabat", "communication", "PP-RABAT");
	comm_b = login_pw("mx-comm-rabat");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(comm);
	free(head);
	free(dgsn);
	free(officer);
	free(analyst);
	free(comm_b);
	return th_teardown(&S) == 0 ? 0 : -1;
}

/* new_claim registers a claim as tok and writes its id. */
static void new_claim(const char *tok, const char *content, const char *url, const char *crisis, long long reach,
		      char id[40])
{
	json_t *b = json_pack("{s:s,s:s,s:I}", "content", content, "platform", "facebook", "reach", (json_int_t)reach);
	if (url)
		json_object_set_new(b, "url", json_string(url));
	if (crisis)
		json_object_set_new(b, "crisis_id", json_string(crisis));
	th_resp r = req("POST", "/api/v1/comms/claims", tok, b);
	th_expect(&r, 201);
	snprintf(id, 40, "%s", th_str(&r, "id"));
	th_resp_free(&r);
}

static void verdict(const char *tok, const char *id, const char *status)
{
	char p[128];
	path(p, sizeof p, "/api/v1/comms/claims/%s/status", id);
	th_resp r = req("POST", p, tok, json_pack("{s:s}", "status", "verifying"));
	th_expect(&r, 200);
	th_resp_free(&r);
	r = req("POST", p, tok, json_pack("{s:s,s:s}", "status", status, "evidence", "Vérifié auprès des services."));
	th_expect(&r, 200);
	assert_string_equal(th_str(&r, "status"), status);
	th_resp_free(&r);
}

/* answer drafts (as drafter), reviews and approves (as approver) and
 * publishes a truth statement for claim; the activity id goes to id. */
static void answer(const char *drafter, const char *approver, const char *claim, const char *date, char id[40])
{
	th_resp r = req("POST", "/api/v1/comms/activities", drafter,
			json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:[s,s]}", "kind", "truth_statement", "claim_id", claim,
				  "title_fr", "Démenti", "title_ar", "بيان حقيقة", "text_fr",
				  "La DGSN dément formellement ces allégations.", "date", date, "channels", "facebook",
				  "website"));
	th_expect(&r, 201);
	snprintf(id, 40, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	char p[160];
	path(p, sizeof p, "/api/v1/comms/activities/%s/review", id);
	r = req("POST", p, approver, NULL);
	th_expect(&r, 200);
	th_resp_free(&r);
	path(p, sizeof p, "/api/v1/comms/activities/%s/approve", id);
	r = req("POST", p, approver, json_pack("{}"));
	th_expect(&r, 200);
	th_resp_free(&r);
	path(p, sizeof p, "/api/v1/comms/activities/%s/publish", id);
	r = req("POST", p, approver, NULL);
	th_expect(&r, 200);
	th_resp_free(&r);
}

/* ------------------------------------------------------------ the workflow */

static void workflow(void **st)
{
	(void)st;
	char p[200], claim[40], dup[40], ts[40];
	/* no role, no register; and no case route for communication */
	th_resp r = req("GET", "/api/v1/comms/activities", officer, NULL);
	expect_problem(&r, 403, "forbidden");
	th_resp_free(&r);
	r = req("POST", "/api/v1/comms/claims", officer, json_pack("{s:s,s:s}", "content", "x y z", "platform", "x"));
	expect_problem(&r, 403, "forbidden");
	th_resp_free(&r);
	r = req("GET", "/api/v1/cases", comm, NULL);
	expect_problem(&r, 403, "forbidden");
	th_resp_free(&r);
	r = req("GET", "/api/v1/persons/search?q=Tahiri&purpose=test", comm, NULL);
	expect_problem(&r, 403, "forbidden");
	th_resp_free(&r);

	/* a claim is registered three hours ago (the clock moves back, not
	 * forward, so the sessions do not idle out); the system records when */
	long long t0 = real_now_ms() - 3 * HOUR;
	at(t0);
	new_claim(comm, "Une vidéo montre des policiers qui auraient abandonné des sinistrés.",
		  "https://www.facebook.com/watch/?v=9001&fbclid=XYZ", NULL, 54000, claim);
	path(p, sizeof p, "/api/v1/comms/claims/%s", claim);
	r = req("GET", p, comm, NULL);
	th_expect(&r, 200);
	long long received = jint(r.json, "received_at");
	assert_string_equal(th_str(&r, "status"), "received");
	th_resp_free(&r);
	/* the same claim again (tracking parameters, mobile host): linked to the first */
	new_claim(comm, "La même vidéo, partagée ailleurs.", "https://m.facebook.com/watch?v=9001", NULL, 800, dup);
	path(p, sizeof p, "/api/v1/comms/claims/%s", dup);
	r = req("GET", p, comm, NULL);
	assert_string_equal(th_str(&r, "duplicate_of"), claim);
	th_resp_free(&r);
	path(p, sizeof p, "/api/v1/comms/claims/%s/status", dup);
	r = req("POST", p, comm, json_pack("{s:s}", "status", "verifying"));
	expect_problem(&r, 409, "comms-claim-duplicate");
	th_resp_free(&r);

	/* a verdict needs evidence */
	path(p, sizeof p, "/api/v1/comms/claims/%s/status", claim);
	r = req("POST", p, comm, json_pack("{s:s}", "status", "false"));
	expect_problem(&r, 409, "comms-claim-not-verifying");
	th_resp_free(&r);
	r = req("POST", p, comm, json_pack("{s:s}", "status", "verifying"));
	th_expect(&r, 200);
	th_resp_free(&r);
	r = req("POST", p, comm, json_pack("{s:s}", "status", "false"));
	expect_problem(&r, 422, "comms-evidence-required");
	th_resp_free(&r);
	r = req("POST", p, comm,
		json_pack("{s:s,s:s}", "status", "false", "evidence", "Vidéo de 2019 tournée à l'étranger (recherche inversée)."));
	th_expect(&r, 200);
	assert_string_equal(th_str(&r, "verified_by_badge"), "demo-comm");
	th_resp_free(&r);

	/* the truth statement holds a CIN and a telephone number */
	r = req("POST", "/api/v1/comms/activities", comm,
		json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:[s]}", "kind", "truth_statement", "claim_id", claim, "title_fr",
			  "Démenti: vidéo ancienne", "title_ar", "بيان حقيقة", "text_fr",
			  "La vidéo date de 2019. Le témoin (CIN BE 123456, tél. 06 61 23 45 67) l'a confirmé.", "date",
			  "2026-09-10", "channels", "facebook"));
	th_expect(&r, 201);
	snprintf(ts, sizeof ts, "%s", th_str(&r, "id"));
	assert_string_equal(th_str(&r, "status"), "draft");
	th_resp_free(&r);
	/* one claim, one answer: a second truth statement, or one for the duplicate, is refused */
	r = req("POST", "/api/v1/comms/activities", comm,
		json_pack("{s:s,s:s,s:s,s:s}", "kind", "truth_statement", "claim_id", claim, "title_fr", "Encore",
			  "date", "2026-09-10"));
	expect_problem(&r, 409, "comms-claim-answered");
	th_resp_free(&r);
	r = req("POST", "/api/v1/comms/activities", comm,
		json_pack("{s:s,s:s,s:s,s:s}", "kind", "truth_statement", "claim_id", dup, "title_fr", "Encore", "date",
			  "2026-09-10"));
	expect_problem(&r, 409, "comms-claim-duplicate");
	th_resp_free(&r);

	path(p, sizeof p, "/api/v1/comms/activities/%s/review", ts);
	r = req("POST", p, comm, NULL);
	expect_problem(&r, 409, "comms-review-own");
	th_resp_free(&r);
	r = req("POST", p, head, NULL);
	th_expect(&r, 200);
	assert_string_equal(th_str(&r, "status"), "reviewed");
	th_resp_free(&r);
	/* only the head of communication approves */
	path(p, sizeof p, "/api/v1/comms/activities/%s/approve", ts);
	r = req("POST", p, comm, json_pack("{}"));
	expect_problem(&r, 403, "forbidden");
	th_resp_free(&r);
	/* held until the approver confirms each match */
	r = req("POST", p, head, json_pack("{}"));
	expect_problem(&r, 409, "comms-pii-unconfirmed");
	json_t *matches = json_object_get(r.json, "matches");
	if (json_array_size(matches) != 2)
		fprintf(stderr, "# matches: %s\n", r.body);
	assert_int_equal(json_array_size(matches), 2);
	json_t *keys = json_array();
	bool saw_cin = false, saw_phone = false;
	for (size_t i = 0; i < json_array_size(matches); i++) {
		json_t *m = json_array_get(matches, i);
		saw_cin = saw_cin || (strcmp(jget(m, "kind"), "cin") == 0 && strcmp(jget(m, "text"), "BE 123456") == 0);
		saw_phone = saw_phone || strcmp(jget(m, "kind"), "phone") == 0;
		json_array_append(keys, json_object_get(m, "key"));
	}
	assert_true(saw_cin);
	assert_true(saw_phone);
	th_resp_free(&r);
	path(p, sizeof p, "/api/v1/comms/activities/%s", ts);
	r = req("GET", p, comm, NULL);
	assert_string_equal(th_str(&r, "status"), "reviewed");
	th_resp_free(&r);
	/* one confirmed is not enough */
	path(p, sizeof p, "/api/v1/comms/activities/%s/approve", ts);
	r = req("POST", p, head, json_pack("{s:[O]}", "confirm", json_array_get(keys, 0)));
	expect_problem(&r, 409, "comms-pii-unconfirmed");
	assert_int_equal(json_array_size(json_object_get(r.json, "matches")), 1);
	th_resp_free(&r);
	r = req("POST", p, head, json_pack("{s:O}", "confirm", keys));
	th_expect(&r, 200);
	assert_string_equal(th_str(&r, "status"), "approved");
	assert_int_equal(json_array_size(json_object_get(r.json, "pii")), 2);
	assert_string_equal(jget(json_array_get(json_object_get(r.json, "pii"), 0), "confirmed_by"), "demo-comm-head");
	th_resp_free(&r);
	json_decref(keys);

	/* published three hours after the claim was received: sealed by the approver */
	at(real_now_ms());
	path(p, sizeof p, "/api/v1/comms/activities/%s/publish", ts);
	r = req("POST", p, head, NULL);
	th_expect(&r, 200);
	assert_string_equal(th_str(&r, "status"), "published");
	json_t *seal = json_object_get(r.json, "seal");
	assert_true(json_is_true(json_object_get(seal, "verified")));
	assert_string_equal(jget(seal, "signed_by"), "demo-comm-head");
	assert_int_equal(strlen(jget(seal, "hash")), 64);
	long long published = jint(r.json, "published_at");
	th_resp_free(&r);

	/* time to rebuttal: from the two times the system recorded */
	path(p, sizeof p, "/api/v1/comms/claims/%s", claim);
	r = req("GET", p, comm, NULL);
	assert_int_equal(jint(r.json, "rebuttal_ms"), published - received);
	assert_true(published - received >= 3 * HOUR && published - received < 3 * HOUR + 120000);
	assert_string_equal(jget(json_object_get(r.json, "answer"), "id"), ts);
	th_resp_free(&r);
	path(p, sizeof p, "/api/v1/comms/claims/%s", dup); /* the duplicate shares the answer */
	r = req("GET", p, comm, NULL);
	assert_int_equal(jint(r.json, "rebuttal_ms"), published - received);
	th_resp_free(&r);

	/* sealed: never edited; a correction is a new version */
	path(p, sizeof p, "/api/v1/comms/activities/%s", ts);
	r = req("PATCH", p, comm, json_pack("{s:s}", "text_fr", "changé"));
	expect_problem(&r, 409, "comms-not-editable");
	th_resp_free(&r);
	path(p, sizeof p, "/api/v1/comms/activities/%s/corrections", ts);
	r = req("POST", p, comm, NULL);
	th_expect(&r, 201);
	assert_int_equal(jint(r.json, "version"), 2);
	assert_string_equal(th_str(&r, "corrects_id"), ts);
	assert_true(json_is_null(json_object_get(r.json, "claim_id")));
	th_resp_free(&r);
	char corr[40];
	snprintf(corr, sizeof corr, "%s", "");
	r = req("POST", p, comm, NULL);
	expect_problem(&r, 409, "comms-correction-exists");
	th_resp_free(&r);
	r = req("GET", "/api/v1/comms/activities?kind=truth_statement&status=draft", comm, NULL);
	snprintf(corr, sizeof corr, "%s", jget(json_array_get(json_object_get(r.json, "activities"), 0), "id"));
	th_resp_free(&r);
	/* the correction is edited, reviewed, approved and published like any draft */
	path(p, sizeof p, "/api/v1/comms/activities/%s", corr);
	r = req("PATCH", p, comm, json_pack("{s:s}", "text_fr", "Rectificatif : la vidéo date de 2018."));
	th_expect(&r, 200);
	th_resp_free(&r);
	static const char *const steps[] = {"review", "approve", "publish"};
	for (int i = 0; i < 3; i++) {
		path(p, sizeof p, "/api/v1/comms/activities/%s/%s", corr, steps[i]);
		r = req("POST", p, head, i == 1 ? json_pack("{}") : NULL);
		th_expect(&r, 200);
		th_resp_free(&r);
	}
	path(p, sizeof p, "/api/v1/comms/activities/%s", ts);
	r = req("GET", p, comm, NULL);
	assert_string_equal(th_str(&r, "superseded_by"), corr);
	th_resp_free(&r);
	path(p, sizeof p, "/api/v1/comms/claims/%s", claim); /* answered once, by the first version */
	r = req("GET", p, comm, NULL);
	assert_string_equal(jget(json_object_get(r.json, "answer"), "id"), ts);
	th_resp_free(&r);
	/* the bilan counts the item once, and the correction apart */
	r = req("GET", "/api/v1/comms/bilan?year=2026", head, NULL);
	th_expect(&r, 200);
	assert_int_equal(jint(json_object_get(r.json, "totals"), "truth_statements"), 1);
	assert_int_equal(jint(json_object_get(r.json, "totals"), "corrections"), 1);
	assert_int_equal(jint(json_object_get(r.json, "truth"), "measured"), 1);
	th_resp_free(&r);

	/* the seal is checked on every read and print: a changed column shows */
	path(p, sizeof p, "/api/v1/comms/activities/%s/print", ts);
	r = req("GET", p, comm, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.ctype, "text/html"));
	assert_non_null(strstr(r.body, "oui / نعم"));
	th_resp_free(&r);
	char sql[256];
	snprintf(sql, sizeof sql, "UPDATE comms_activities SET text_fr = 'La vidéo est vraie.' WHERE id = '%s'", ts);
	assert_int_equal(th_sql(&S, sql), 0);
	path(p, sizeof p, "/api/v1/comms/activities/%s", ts);
	r = req("GET", p, comm, NULL);
	assert_false(json_is_true(json_object_get(json_object_get(r.json, "seal"), "verified")));
	th_resp_free(&r);
	path(p, sizeof p, "/api/v1/comms/activities/%s/print", ts);
	r = req("GET", p, comm, NULL);
	assert_non_null(strstr(r.body, "NON / لا"));
	th_resp_free(&r);

	/* ClaimReview JSON-LD of the verdict */
	path(p, sizeof p, "/api/v1/comms/claims/%s/claimreview?lang=fr", claim);
	r = req("GET", p, comm, NULL);
	th_expect(&r, 200);
	assert_string_equal(th_str(&r, "@type"), "ClaimReview");
	assert_string_equal(th_str(&r, "@context"), "https://schema.org");
	assert_int_equal(jint(json_object_get(r.json, "reviewRating"), "ratingValue"), 1);
	assert_string_equal(jget(json_object_get(r.json, "reviewRating"), "alternateName"), "Faux");
	th_resp_free(&r);

	/* another unit's communication sees none of it */
	path(p, sizeof p, "/api/v1/comms/activities/%s", ts);
	r = req("GET", p, comm_b, NULL);
	expect_problem(&r, 403, "forbidden");
	th_resp_free(&r);
	r = req("GET", "/api/v1/comms/claims?limit=200", comm_b, NULL);
	th_expect(&r, 200);
	assert_null(strstr(r.body, claim));
	th_resp_free(&r);
	/* the head of communication of the DGSN reads the whole country */
	r = req("GET", p, dgsn, NULL);
	th_expect(&r, 200);
	th_resp_free(&r);
}

/* ------------------------------------------------------------ case data only through a link */

static void case_link(void **st)
{
	(void)st;
	char p[200], case_id[40], link[40], act[40];
	th_resp r = req("POST", "/api/v1/cases", officer,
			json_pack("{s:s,s:[{s:s}],s:s,s:s,s:[{s:s,s:{s:s,s:s,s:s,s:s,s:s}},{s:s,s:{s:s,s:s,s:s,s:s,s:s}}]}",
				  "frame", "flagrant", "offences", "code", "CP-505", "summary", "Vol avec violence", "opj",
				  "demo-opj", "persons", "role", "suspect", "person", "first_name_lat", "Said",
				  "last_name_lat", "Tahiri", "first_name_ar", "سعيد", "last_name_ar", "الطاهري",
				  "birth_date", "1990-04-12", "role", "victim", "person", "first_name_lat", "Yassine",
				  "last_name_lat", "Alami", "first_name_ar", "ياسين", "last_name_ar", "العلمي",
				  "birth_date", "2012-02-03"));
	th_expect(&r, 201);
	snprintf(case_id, sizeof case_id, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	/* communication cannot make the link; the officer can, only to a unit above the case */
	path(p, sizeof p, "/api/v1/cases/%s/comms-links", case_id);
	r = req("POST", p, comm, json_pack("{s:s,s:s}", "unit", "PP-CASA", "summary_fr", "x y z"));
	expect_problem(&r, 403, "forbidden");
	th_resp_free(&r);
	r = req("POST", p, officer, json_pack("{s:s,s:s}", "unit", "PP-RABAT", "summary_fr", "Interpellation"));
	expect_problem(&r, 422, "comms-link-unit");
	th_resp_free(&r);
	r = req("POST", p, officer,
		json_pack("{s:s,s:s}", "unit", "PP-CASA", "summary_fr", "Interpellation d'un suspect après un vol avec violence."));
	th_expect(&r, 201);
	snprintf(link, sizeof link, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	/* communication sees the link and what may be said, not the persons */
	r = req("GET", "/api/v1/comms/case-links", comm, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, link));
	assert_null(strstr(r.body, "Tahiri"));
	assert_null(strstr(r.body, case_id));
	th_resp_free(&r);
	r = req("GET", "/api/v1/comms/case-links", comm_b, NULL);
	assert_null(strstr(r.body, link));
	th_resp_free(&r);
	/* another unit cannot name the link */
	r = req("POST", "/api/v1/comms/activities", comm_b,
		json_pack("{s:s,s:s,s:s,s:s}", "kind", "communique", "title_fr", "x", "date", "2026-10-01", "case_link_id", link));
	expect_problem(&r, 422, "comms-link-unknown");
	th_resp_free(&r);
	r = req("POST", "/api/v1/comms/activities", comm,
		json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "kind", "communique", "title_fr", "Interpellation à Oulfa",
			  "text_fr", "Le suspect Said Tahiri a été interpellé. La victime, le jeune Yassine, va bien.",
			  "text_ar", "تم توقيف المشتبه فيه سعيد الطاهري.", "date", "2026-10-01", "case_link_id", link));
	th_expect(&r, 201);
	snprintf(act, sizeof act, "%s", th_str(&r, "id"));
	assert_non_null(strstr(jget(json_object_get(r.json, "case_link"), "case_number"), "AR-CASA-OULFA/"));
	assert_null(strstr(r.body, "1990-04-12"));
	th_resp_free(&r);
	path(p, sizeof p, "/api/v1/comms/activities/%s/pii", act);
	r = req("GET", p, comm, NULL);
	th_expect(&r, 200);
	json_t *m = json_object_get(r.json, "matches");
	int adult = 0, minor = 0;
	for (size_t i = 0; i < json_array_size(m); i++) {
		const char *k = jget(json_array_get(m, i), "kind"), *t = jget(json_array_get(m, i), "text");
		if (strcmp(k, "person_name") == 0 && (strcmp(t, "Said Tahiri") == 0 || strcmp(t, "سعيد الطاهري") == 0))
			adult++;
		if (strcmp(k, "minor_name") == 0 && strcmp(t, "Yassine") == 0)
			minor++;
	}
	if (adult != 2 || minor != 1)
		fprintf(stderr, "# matches: %s\n", r.body);
	assert_int_equal(adult, 2);
	assert_int_equal(minor, 1);
	/* the check shows the words of the draft, nothing else of the case */
	assert_null(strstr(r.body, "Alami"));
	assert_null(strstr(r.body, "2012"));
	th_resp_free(&r);
}

/* ------------------------------------------------------------ bad input */

static void publish_simple(const char *kind, const char *title, const char *partner, char id[40])
{
	json_t *b = json_pack("{s:s,s:s,s:s,s:s}", "kind", kind, "title_fr", title, "text_fr", "Texte.", "date", "2026-08-01");
	if (partner)
		json_object_set_new(b, "media_partner", json_string(partner));
	th_resp r = req("POST", "/api/v1/comms/activities", comm, b);
	th_expect(&r, 201);
	snprintf(id, 40, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	char p[160];
	static const char *const steps[] = {"review", "approve", "publish"};
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "/api/v1/comms/activities/%s/%s", id, steps[i]);
		r = req("POST", p, head, i == 1 ? json_pack("{}") : NULL);
		th_expect(&r, 200);
		th_resp_free(&r);
	}
}

static th_resp import_csv(const char *id, const char *platform, const char *channel, const char *csv)
{
	char p[160];
	snprintf(p, sizeof p, "/api/v1/comms/activities/%s/engagement/import", id);
	json_t *b = json_pack("{s:s,s:s}", "platform", platform, "csv", csv);
	if (channel)
		json_object_set_new(b, "channel", json_string(channel));
	return req("POST", p, comm, b);
}

static char *b64(const unsigned char *d, size_t n)
{
	size_t l = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *s = malloc(l);
	sodium_bin2base64(s, l, d, n, sodium_base64_VARIANT_ORIGINAL);
	return s;
}

static void bad_input(void **st)
{
	(void)st;
	char item[40], draft[40], claim[40], p[200];
	publish_simple("awareness", "Spot de sensibilisation", NULL, item);
	th_resp r = req("POST", "/api/v1/comms/activities", comm,
			json_pack("{s:s,s:s,s:s}", "kind", "press_item", "title_fr", "Brouillon", "date", "2026-08-02"));
	th_expect(&r, 201);
	snprintf(draft, sizeof draft, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	/* engagement only for a published item */
	r = import_csv(draft, "sijill", "facebook", "date,views,likes,shares,comments\n2026-08-02,1,1,1,1\n");
	expect_problem(&r, 409, "comms-not-published");
	th_resp_free(&r);
	/* a filmed report names its partner */
	r = req("POST", "/api/v1/comms/activities", comm,
		json_pack("{s:s,s:s,s:s}", "kind", "filmed_report", "title_fr", "Reportage", "date", "2026-08-02"));
	expect_problem(&r, 400, "validation");
	assert_non_null(strstr(r.body, "partner-required"));
	th_resp_free(&r);

	/* wrong columns: named, nothing written */
	r = import_csv(item, "facebook", NULL, "Date,Vues,Reactions,Shares,Comments\n2026-08-02,10,1,0,0\n");
	expect_problem(&r, 422, "comms-csv-columns");
	assert_string_equal(jget(r.json, "platform"), "facebook");
	assert_string_equal(json_string_value(json_array_get(json_object_get(r.json, "missing"), 0)), "Views");
	th_resp_free(&r);
	/* negative and broken counts: every bad line reported, nothing half-imported */
	r = import_csv(item, "facebook", NULL,
		       "Date,Views,Reactions,Shares,Comments,Post ID\r\n2026-08-02,100,5,1,0,77\r\n2026-08-03,-40,2,0,0,77\r\n"
		       "2026-08-04,12a,1,0,0,77\r\n2026-02-30,1,1,1,1,77\r\n");
	expect_problem(&r, 422, "comms-csv-rows");
	json_t *errs = json_object_get(r.json, "errors");
	assert_int_equal(json_array_size(errs), 3);
	assert_int_equal(jint(json_array_get(errs, 0), "line"), 3);
	assert_string_equal(jget(json_array_get(errs, 0), "code"), "negative");
	assert_string_equal(jget(json_array_get(errs, 0), "column"), "Views");
	assert_int_equal(jint(json_array_get(errs, 1), "line"), 4);
	assert_string_equal(jget(json_array_get(errs, 1), "code"), "number");
	assert_int_equal(jint(json_array_get(errs, 2), "line"), 5);
	assert_string_equal(jget(json_array_get(errs, 2), "code"), "date");
	th_resp_free(&r);
	assert_int_equal(count("SELECT COUNT(*) FROM comms_engagement WHERE activity_id = '%s'", item), 0);
	assert_int_equal(count("SELECT COUNT(*) FROM comms_engagement_imports WHERE activity_id = '%s'", item), 0);
	/* a malformed file */
	r = import_csv(item, "sijill", "x", "date,views,likes,shares,comments\n2026-08-02,\"1,1,1,1\n");
	expect_problem(&r, 422, "comms-csv-syntax");
	assert_string_equal(jget(r.json, "reason"), "csv-unterminated");
	assert_int_equal(jint(r.json, "line"), 2);
	th_resp_free(&r);
	/* a 50 MB body: refused before it is read */
	size_t big = 50u * 1024 * 1024;
	char *huge = malloc(big);
	memset(huge, 'a', big);
	memcpy(huge, "{\"platform\":\"sijill\",\"csv\":\"", 27);
	memcpy(huge + big - 2, "\"}", 2);
	const char *ct[] = {"Content-Type: application/json", NULL};
	snprintf(p, sizeof p, "/api/v1/comms/activities/%s/engagement/import", item);
	r = th_request(&S, "POST", p, comm, huge, big, ct);
	expect_problem(&r, 413, "body-too-large");
	th_resp_free(&r);
	free(huge);
	assert_int_equal(count("SELECT COUNT(*) FROM comms_engagement WHERE activity_id = '%s'", item), 0);

	/* a good file, daily figures summed into running totals; the same file again changes nothing
	 * (a BOM is refused by the text rules of the body; the UI drops it, the reader skips it) */
	const char *good = "Date,Views,Reactions,Shares,Comments\n2026-08-01,1000,20,3,1\n"
			   "2026-08-02,500,10,2,1\n\"2026-08-03\",\"250\",5,0,0\n";
	r = import_csv(item, "facebook", NULL, good);
	th_expect(&r, 200);
	assert_false(json_is_true(json_object_get(r.json, "already_imported")));
	assert_int_equal(jint(r.json, "rows"), 3);
	th_resp_free(&r);
	r = import_csv(item, "facebook", NULL, good);
	th_expect(&r, 200);
	assert_true(json_is_true(json_object_get(r.json, "already_imported")));
	th_resp_free(&r);
	assert_int_equal(count("SELECT COUNT(*) FROM comms_engagement WHERE activity_id = '%s'", item), 3);
	assert_int_equal(count("SELECT COUNT(*) FROM comms_engagement_imports WHERE activity_id = '%s'", item), 1);
	snprintf(p, sizeof p, "/api/v1/comms/activities/%s/engagement", item);
	r = req("GET", p, comm, NULL);
	th_expect(&r, 200);
	assert_int_equal(jint(json_object_get(r.json, "totals"), "views"), 1750);
	assert_int_equal(jint(json_object_get(r.json, "totals"), "likes"), 35);
	th_resp_free(&r);
	/* by hand: a negative count is refused at the door */
	r = req("POST", p, comm,
		json_pack("{s:s,s:s,s:i,s:i}", "channel", "youtube", "observed_on", "2026-08-05", "views", -3, "likes", 1));
	expect_problem(&r, 400, "validation");
	th_resp_free(&r);
	r = req("POST", p, comm,
		json_pack("{s:s,s:s,s:i,s:i}", "channel", "youtube", "observed_on", "2026-08-05", "views", 300, "likes", 9));
	th_expect(&r, 201);
	assert_int_equal(jint(json_object_get(r.json, "totals"), "views"), 2050);
	th_resp_free(&r);

	/* archived copies: refused types, lying bytes, too large — nothing stored */
	new_claim(comm, "Capture d'une fausse annonce de recrutement.", NULL, NULL, 10, claim);
	snprintf(p, sizeof p, "/api/v1/comms/claims/%s/archive", claim);
	r = req("POST", p, comm, json_pack("{s:s,s:s,s:s}", "name", "page.html", "media_type", "text/html", "data",
					   "PGh0bWw+PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0PjwvaHRtbD4="));
	expect_problem(&r, 415, "comms-file-type");
	th_resp_free(&r);
	r = req("POST", p, comm, json_pack("{s:s,s:s,s:s}", "name", "x.exe", "media_type", "application/x-msdownload", "data",
					   "TVqQAAMAAAAEAAAA"));
	expect_problem(&r, 415, "comms-file-type");
	th_resp_free(&r);
	r = req("POST", p, comm, json_pack("{s:s,s:s,s:s}", "name", "capture.png", "media_type", "image/png", "data",
					   "JVBERi0xLjQKJcfsj6IKMSAwIG9iago="));
	expect_problem(&r, 422, "comms-file-mismatch");
	th_resp_free(&r);
	r = req("POST", p, comm, json_pack("{s:s,s:s,s:s}", "name", "capture.png", "media_type", "image/png", "data",
					   "not base64 at all!"));
	expect_problem(&r, 422, "comms-file-base64");
	th_resp_free(&r);
	size_t n = 720 * 1024;
	unsigned char *png = calloc(1, n);
	memcpy(png, "\x89PNG\r\n\x1a\n", 8);
	char *data = b64(png, n);
	r = req("POST", p, comm, json_pack("{s:s,s:s,s:s}", "name", "big.png", "media_type", "image/png", "data", data));
	expect_problem(&r, 413, "comms-file-too-large");
	th_resp_free(&r);
	free(data);
	assert_int_equal(count("SELECT COUNT(*) FROM comms_files WHERE owner_id = '%s'", claim), 0);
	/* a real PNG: stored with its hash, read back byte for byte */
	data = b64(png, 4096);
	unsigned char h[32];
	char hex[65];
	crypto_generichash(h, sizeof h, png, 4096, NULL, 0);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	r = req("POST", p, comm, json_pack("{s:s,s:s,s:s}", "name", "capture.png", "media_type", "image/png", "data", data));
	th_expect(&r, 201);
	json_t *arch = json_object_get(r.json, "archive");
	assert_string_equal(jget(arch, "hash"), hex);
	assert_int_equal(jint(arch, "size"), 4096);
	char fp[160];
	snprintf(fp, sizeof fp, "/api/v1/comms/files/%s", jget(arch, "id"));
	th_resp_free(&r);
	r = req("POST", p, comm, json_pack("{s:s,s:s,s:s}", "name", "again.png", "media_type", "image/png", "data", data));
	expect_problem(&r, 409, "comms-archive-exists");
	th_resp_free(&r);
	r = req("GET", fp, comm, NULL);
	th_expect(&r, 200);
	assert_string_equal(r.ctype, "image/png");
	assert_int_equal(r.len, 4096);
	assert_memory_equal(r.body, png, 4096);
	th_resp_free(&r);
	r = req("GET", fp, comm_b, NULL);
	expect_problem(&r, 403, "forbidden");
	th_resp_free(&r);
	free(data);
	free(png);
}

/* ------------------------------------------------------------ the seed's 2023 year */

#define N_TS 56
#define N_QUAKE_ANSWERED 15 /* of the 56: claims of the earthquake answered */

typedef struct share {
	const char *kind;
	int n;
} share;

/* What is imported from the register kept before sijill (all but the 56
 * truth statements, which go through the workflow): 1,488 information
 * activities (communiqués + press items), 2,873 filmed reports, 538 others. */
static const share KINDS[] = {
	{"communique", 702}, {"press_item", 786}, {"filmed_report", 2873}, {"awareness", 231},
	{"interview", 152}, {"event_coverage", 117}, {"open_days", 38},
};
static const char *const UNITS[] = {"DGSN", "PP-CASA", "PP-RABAT"};
static const char *const PARTNERS[] = {"2M", "Al Aoula", "Medi1 TV", "France 24", "Al Jazeera", "BBC Arabic", "Chada TV"};
#define NPARTNERS 7

static void bilan_2023(void **st)
{
	(void)st;
	char p[256], crisis[40], fez[40];
	long long kind_n[8] = {0}, casa_total = 0, partner_n[NPARTNERS] = {0};
	/* the events and the crisis, as they were documented */
	at(utc(2023, 1, 5, 9));
	th_resp r = req("POST", "/api/v1/comms/events", dgsn,
			json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:[s,s],s:s,s:I,s:I}", "kind", "open_days", "name_fr",
				  "4es journées portes ouvertes de la DGSN", "name_ar", "الأيام الأبواب المفتوحة الرابعة",
				  "starts_on", "2023-05-17", "ends_on", "2023-05-21", "places", "Fès", "units", "DGSN",
				  "PP-FES", "arrangements", "Accueil, circulation, sécurité des stands.", "visitors",
				  (json_int_t)1150000, "online_viewers", (json_int_t)5000000));
	th_expect(&r, 201);
	snprintf(fez, sizeof fez, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	r = req("POST", "/api/v1/comms/events", dgsn,
		json_pack("{s:s,s:s,s:s,s:s,s:s}", "kind", "summit", "name_fr", "Assemblées annuelles FMI - Banque mondiale",
			  "starts_on", "2023-10-09", "ends_on", "2023-10-15", "places", "Marrakech"));
	th_expect(&r, 201);
	th_resp_free(&r);
	at(utc(2023, 9, 8, 23));
	r = req("POST", "/api/v1/comms/crises", dgsn,
		json_pack("{s:s,s:s,s:s,s:s}", "code", "SEISME-ALHAOUZ-2023", "name_fr", "Séisme d'Al Haouz", "name_ar",
			  "زلزال الحوز", "started_on", "2023-09-08"));
	th_expect(&r, 201);
	snprintf(crisis, sizeof crisis, "%s", th_str(&r, "id"));
	th_resp_free(&r);

	/* the register kept before sijill, in batches of at most 1,000 */
	json_t *batch = json_array();
	unsigned seq = 0;
	for (size_t k = 0; k < sizeof KINDS / sizeof KINDS[0]; k++) {
		for (int i = 0; i < KINDS[k].n; i++, seq++) {
			const char *unit = UNITS[seq % 3];
			char ref[32], date[16], title[64];
			snprintf(ref, sizeof ref, "REG-2023-%05u", seq);
			snprintf(date, sizeof date, "2023-%02u-%02u", seq % 12 + 1, seq % 28 + 1);
			snprintf(title, sizeof title, "Activité %u", seq);
			json_t *row = json_pack("{s:s,s:s,s:s,s:s,s:s,s:[s]}", "unit", unit, "ref", ref, "kind", KINDS[k].kind,
						"date", date, "title_fr", title, "channels", "website");
			if (strcmp(KINDS[k].kind, "filmed_report") == 0) {
				json_object_set_new(row, "media_partner", json_string(PARTNERS[i % NPARTNERS]));
				partner_n[i % NPARTNERS]++;
			}
			if (strcmp(KINDS[k].kind, "open_days") == 0)
				json_object_set_new(row, "event_id", json_string(fez));
			json_array_append_new(batch, row);
			kind_n[k]++;
			if (strcmp(unit, "PP-CASA") == 0)
				casa_total++;
		}
	}
	/* one request per unit and thousand rows */
	int imported = 0;
	for (int u = 0; u < 3; u++) {
		json_t *rows = json_array();
		for (size_t i = 0; i < json_array_size(batch); i++) {
			json_t *row = json_array_get(batch, i);
			if (strcmp(jget(row, "unit"), UNITS[u]) != 0)
				continue;
			json_t *x = json_deep_copy(row);
			json_object_del(x, "unit");
			json_array_append_new(rows, x);
			if (json_array_size(rows) == 1000) {
				r = req("POST", "/api/v1/comms/register-import", dgsn,
					json_pack("{s:s,s:O}", "unit", UNITS[u], "activities", rows));
				th_expect(&r, 200);
				imported += (int)jint(r.json, "created");
				th_resp_free(&r);
				json_array_clear(rows);
			}
		}
		if (json_array_size(rows)) {
			r = req("POST", "/api/v1/comms/register-import", dgsn,
				json_pack("{s:s,s:O}", "unit", UNITS[u], "activities", rows));
			th_expect(&r, 200);
			imported += (int)jint(r.json, "created");
			th_resp_free(&r);
		}
		json_decref(rows);
	}
	assert_int_equal(imported, 4955 - N_TS);
	/* the same rows again are skipped: nothing changes */
	json_t *again = json_array();
	for (size_t i = 0; i < 10; i++) {
		json_t *x = json_deep_copy(json_array_get(batch, i * 3 + 1));
		json_object_del(x, "unit");
		json_array_append_new(again, x);
	}
	r = req("POST", "/api/v1/comms/register-import", dgsn, json_pack("{s:s,s:o}", "unit", "PP-CASA", "activities", again));
	th_expect(&r, 200);
	assert_int_equal(jint(r.json, "created"), 0);
	assert_int_equal(jint(r.json, "skipped"), 10);
	th_resp_free(&r);
	json_decref(batch);

	/* the 56 truth statements, through the workflow: 15 answer claims of the
	 * earthquake; each is published (i+1) hours after its claim arrived */
	long long rebuttals[N_TS];
	char quake_ids[N_QUAKE_ANSWERED][40];
	for (int i = 0; i < N_TS; i++) {
		bool quake = i < N_QUAKE_ANSWERED;
		int month = quake ? 9 : i % 12 + 1, day = quake ? 9 + i % 10 : 3 + i % 20;
		long long t = utc(2023, month, day, 8);
		at(t);
		char claim[40], content[128], url[128], ts[40], date[16];
		snprintf(content, sizeof content, "Fausse information numéro %d sur la sûreté nationale.", i);
		snprintf(url, sizeof url, "https://www.facebook.com/posts/%d", 1000 + i);
		new_claim(comm, content, url, quake ? crisis : NULL, quake ? 290000 - i * 1000 : 5000, claim);
		if (quake)
			snprintf(quake_ids[i], 40, "%s", claim);
		verdict(comm, claim, i % 5 == 4 ? "misleading" : "false");
		at(t + (long long)(i + 1) * HOUR);
		snprintf(date, sizeof date, "2023-%02d-%02d", month, day);
		answer(comm, head, claim, date, ts);
		snprintf(p, sizeof p, "/api/v1/comms/claims/%s", claim);
		r = req("GET", p, comm, NULL);
		rebuttals[i] = jint(r.json, "rebuttal_ms");
		/* the hours the clock moved, give or take the time the requests took */
		assert_true(llabs(rebuttals[i] - (long long)(i + 1) * HOUR) < 120000);
		th_resp_free(&r);
	}
	/* the earthquake's other claims: true, unverifiable, waiting, and reported twice */
	at(utc(2023, 9, 12, 10));
	char c1[40], c2[40], c3[40], d1[40];
	new_claim(comm, "Les postes de police de la région sont ouverts jour et nuit.", NULL, crisis, 1200, c1);
	verdict(comm, c1, "true");
	new_claim(comm, "Un pont se serait effondré sur la route d'Amizmiz.", NULL, crisis, 8000, c2);
	verdict(comm, c2, "unverifiable");
	new_claim(comm, "Rumeur de pillages à Marrakech.", NULL, crisis, 15000, c3);
	new_claim(comm, "Fausse information numéro 0 sur la sûreté nationale.", NULL, crisis, 300, d1);
	snprintf(p, sizeof p, "/api/v1/comms/claims/%s", d1);
	r = req("GET", p, comm, NULL);
	assert_string_equal(th_str(&r, "duplicate_of"), quake_ids[0]);
	th_resp_free(&r);
	char d2[40], d3[40];
	new_claim(comm_b, "Autre texte, même publication.", "https://facebook.com/posts/1003/?utm_source=wa", crisis, 200, d2);
	new_claim(comm, "Rumeur de pillages à Marrakech !", NULL, crisis, 100, d3);

	/* the post of the earthquake that passed 290,000 views and 4,800 likes:
	 * an awareness film, its Facebook export imported */
	r = req("GET", "/api/v1/comms/activities?kind=awareness&year=2023&limit=1", dgsn, NULL);
	th_expect(&r, 200);
	char film[40];
	snprintf(film, sizeof film, "%s", jget(json_array_get(json_object_get(r.json, "activities"), 0), "id"));
	th_resp_free(&r);
	at(real_now_ms());
	snprintf(p, sizeof p, "/api/v1/comms/activities/%s/engagement/import", film);
	r = req("POST", p, dgsn,
		json_pack("{s:s,s:s,s:s}", "platform", "facebook", "filename", "post-insights.csv", "csv",
			  "Date,Post ID,Views,Reach,Reactions,Comments,Shares\n2023-09-10,887,120000,90000,2100,300,900\n"
			  "2023-09-11,887,110000,80000,1900,250,700\n2023-09-12,887,60000,40000,800,90,400\n"));
	th_expect(&r, 200);
	th_resp_free(&r);
	snprintf(p, sizeof p, "/api/v1/comms/activities/%s/engagement", film);
	r = req("POST", p, dgsn, json_pack("{s:s,s:s,s:i,s:i,s:i,s:i}", "channel", "website", "observed_on", "2023-09-20",
					   "views", 0, "likes", 0, "shares", 0, "comments", 0));
	th_expect(&r, 201);
	th_resp_free(&r);

	/* the 2023 bilan, national */
	r = req("GET", "/api/v1/comms/bilan?year=2023", dgsn, NULL);
	th_expect(&r, 200);
	json_t *tot = json_object_get(r.json, "totals"), *bk = json_object_get(r.json, "by_kind");
	assert_string_equal(th_str(&r, "scope"), "national");
	assert_int_equal(jint(tot, "activities"), 4955);
	assert_int_equal(jint(tot, "information"), 1488);
	assert_int_equal(jint(tot, "truth_statements"), 56);
	assert_int_equal(jint(tot, "filmed_reports"), 2873);
	assert_int_equal(jint(tot, "other"), 4955 - 1488 - 56 - 2873);
	for (size_t k = 0; k < sizeof KINDS / sizeof KINDS[0]; k++)
		assert_int_equal(jint(bk, KINDS[k].kind), kind_n[k]);
	long long months = 0;
	for (size_t m = 0; m < 12; m++)
		months += jint(json_array_get(json_object_get(r.json, "by_month"), m), "total");
	assert_int_equal(months, 4955);
	/* filmed reports by partner */
	json_t *fp = json_object_get(r.json, "filmed_by_partner");
	assert_int_equal(json_array_size(fp), NPARTNERS);
	long long fsum = 0;
	for (size_t i = 0; i < json_array_size(fp); i++) {
		json_t *x = json_array_get(fp, i);
		for (int k = 0; k < NPARTNERS; k++)
			if (strcmp(jget(x, "partner"), PARTNERS[k]) == 0)
				assert_int_equal(jint(x, "n"), partner_n[k]);
		fsum += jint(x, "n");
	}
	assert_int_equal(fsum, 2873);
	/* truth statements and the median time to rebuttal, from the system's times */
	json_t *truth = json_object_get(r.json, "truth");
	assert_int_equal(jint(truth, "count"), 56);
	assert_int_equal(jint(truth, "measured"), 56);
	long long sorted[N_TS];
	memcpy(sorted, rebuttals, sizeof sorted);
	for (int i = 0; i < N_TS; i++)
		for (int j = i + 1; j < N_TS; j++)
			if (sorted[j] < sorted[i]) {
				long long x = sorted[i];
				sorted[i] = sorted[j];
				sorted[j] = x;
			}
	assert_int_equal(jint(truth, "median_rebuttal_ms"), (sorted[27] + sorted[28]) / 2);
	assert_true(llabs(jint(truth, "median_rebuttal_ms") - (28 * HOUR + HOUR / 2)) < 120000);
	/* the post with 290,000 views and 4,800 likes on top */
	json_t *top = json_array_get(json_object_get(r.json, "top_items"), 0);
	assert_string_equal(jget(top, "id"), film);
	assert_int_equal(jint(top, "views"), 290000);
	assert_int_equal(jint(top, "likes"), 4800);
	/* the earthquake */
	json_t *cr = json_array_get(json_object_get(r.json, "crises"), 0), *sum = json_object_get(cr, "summary");
	assert_string_equal(jget(cr, "code"), "SEISME-ALHAOUZ-2023");
	assert_int_equal(jint(sum, "reports"), N_QUAKE_ANSWERED + 3 + 3);
	assert_int_equal(jint(sum, "claims"), N_QUAKE_ANSWERED + 3);
	assert_int_equal(jint(sum, "duplicates"), 3);
	assert_int_equal(jint(sum, "answered"), N_QUAKE_ANSWERED);
	assert_int_equal(jint(json_object_get(sum, "by_status"), "false"), 12);
	assert_int_equal(jint(json_object_get(sum, "by_status"), "misleading"), 3);
	assert_int_equal(jint(json_object_get(sum, "by_status"), "true"), 1);
	assert_int_equal(jint(json_object_get(sum, "by_status"), "unverifiable"), 1);
	assert_int_equal(jint(json_object_get(sum, "by_status"), "received"), 1);
	assert_int_equal(jint(sum, "max_reach"), 290000);
	/* the open days */
	json_t *ev = json_object_get(r.json, "events");
	assert_int_equal(json_array_size(ev), 2);
	assert_int_equal(jint(json_array_get(ev, 0), "visitors"), 1150000);
	assert_int_equal(jint(json_array_get(ev, 0), "coverage"), kind_n[6]);
	th_resp_free(&r);
	/* the analyst reads the same national bilan */
	r = req("GET", "/api/v1/comms/bilan?year=2023", analyst, NULL);
	th_expect(&r, 200);
	assert_int_equal(jint(json_object_get(r.json, "totals"), "activities"), 4955);
	th_resp_free(&r);
	/* per unit: Casablanca has its share and the 56 truth statements it drafted */
	r = req("GET", "/api/v1/comms/bilan?year=2023&unit=PP-CASA", dgsn, NULL);
	th_expect(&r, 200);
	assert_string_equal(th_str(&r, "scope"), "unit");
	assert_int_equal(jint(json_object_get(r.json, "totals"), "activities"), casa_total + N_TS);
	assert_int_equal(jint(json_object_get(r.json, "totals"), "truth_statements"), 56);
	th_resp_free(&r);
	r = req("GET", "/api/v1/comms/bilan?year=2023", head, NULL);
	th_expect(&r, 200);
	assert_int_equal(jint(json_object_get(r.json, "totals"), "activities"), casa_total + N_TS);
	th_resp_free(&r);
	/* Casablanca cannot read Rabat's bilan */
	r = req("GET", "/api/v1/comms/bilan?year=2023&unit=PP-RABAT", head, NULL);
	expect_problem(&r, 403, "forbidden");
	th_resp_free(&r);
	/* the live board of the crisis */
	snprintf(p, sizeof p, "/api/v1/comms/crises/%s/board", crisis);
	r = req("GET", p, dgsn, NULL);
	th_expect(&r, 200);
	assert_int_equal(jint(json_object_get(r.json, "summary"), "reports"), N_QUAKE_ANSWERED + 6);
	th_resp_free(&r);
}

static void server_exits_cleanly(void **st)
{
	(void)st;
	assert_int_equal(th_stop_server(&S), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(workflow),
		cmocka_unit_test(case_link),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(bilan_2023),
		cmocka_unit_test(server_exits_cleanly),
	};
	return cmocka_run_group_tests_name(getenv("SIJILL_TEST_BACKEND") ? getenv("SIJILL_TEST_BACKEND") : "sqlite",
					   tests, setup, teardown);
}
