/* test_law.c — black-box: the law applied right (issue 11) and custody times
 * that cannot be rewritten (issue 10 item 4), on a real server and database
 * (SQLite and PostgreSQL), with the test clock where time matters.
 *
 * Each test names the item it shows; each failed on the code before it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static th_server S;
static char *officer, *opj, *chief;

#define HOUR (3600LL * 1000)
#define GROUND "art 66-1: risque de fuite et conservation des preuves"

static void login_all(void)
{
	free(officer);
	free(opj);
	free(chief);
	officer = th_login(&S, "demo-officer");
	opj = th_login(&S, "demo-opj");
	chief = th_login(&S, "demo-chief");
}

static int setup(void **state)
{
	(void)state;
	th_setup(&S);
	login_all();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(officer);
	free(opj);
	free(chief);
	return th_teardown(&S) == 0 ? 0 : -1;
}

/* at_utc moves the server's clock to the UTC instant t_ms and logs in again
 * (sessions do not outlive the moved clock). */
static long long clock_offset_ms; /* the server's clock minus ours */

static void at_utc(long long t_ms)
{
	long long now = (long long)time(NULL) * 1000;
	clock_offset_ms = t_ms - now;
	th_set_clock(&S, t_ms - now);
	login_all();
}

static void real_time(void)
{
	clock_offset_ms = 0;
	th_set_clock(&S, 0);
	login_all();
}

static th_resp req(const char *method, const char *path, const char *tok, json_t *body)
{
	return th_req(&S, method, path, tok, body);
}

/* req_matched: req with If-Match (edits of a case need it). */
static th_resp req_matched(const char *method, const char *path, const char *tok, json_t *body)
{
	char *s = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	th_resp r = th_json_matched(&S, method, path, tok, s);
	free(s);
	return r;
}

static void seal_a_pv(const char *cas);

static void expect_problem(th_resp *r, long status, const char *code)
{
	th_expect(r, status);
	assert_string_equal(th_str(r, "code"), code);
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

/* new_case: a case of demo-officer's unit charged with offence. */
static void new_case(const char *offence, char *id)
{
	th_resp r = req("POST", "/api/v1/cases", officer,
			json_pack("{s:s,s:[{s:s}],s:s,s:s}", "frame", "preliminary", "offences", "code", offence,
				  "summary", "Affaire de test", "opj", "demo-opj"));
	th_expect(&r, 201);
	snprintf(id, 37, "%s", th_str(&r, "id"));
	th_resp_free(&r);
}

static int cin_seq = 0;

/* add_suspect adds a suspect born on birth (NULL: 1990-04-12). */
static void add_suspect(const char *case_id, const char *birth, char *pid)
{
	char path[128], cin[16];
	snprintf(path, sizeof path, "/api/v1/cases/%s/persons", case_id);
	snprintf(cin, sizeof cin, "BL%06d", 900000 + ++cin_seq);
	th_resp r = req("POST", path, officer,
			json_pack("{s:s,s:{s:s,s:s,s:s,s:s,s:s,s:s,s:s}}", "role", "suspect", "person", "cin", cin,
				  "last_name_lat", "Alami", "first_name_lat", "Karim", "last_name_ar", "العلمي",
				  "first_name_ar", "كريم", "birth_date", birth ? birth : "1990-04-12", "sex", "M"));
	th_expect(&r, 201);
	snprintf(pid, 37, "%s", th_str(&r, "id"));
	th_resp_free(&r);
}

/* try_custody asks for a custody; the caller frees the answer. */
static th_resp try_custody(const char *case_id, const char *pid, const char *regime, const char *tok,
			   long long started_at)
{
	char path[128];
	snprintf(path, sizeof path, "/api/v1/cases/%s/custody", case_id);
	json_t *b = json_pack("{s:s,s:s,s:s,s:s,s:s}", "person_id", pid, "regime", regime, "ground", GROUND,
			      "condition_on_entry", "Bon état apparent", "ground_code", "PREVENT_FLIGHT");
	if (strcmp(regime, "minor") == 0) {
		/* a minor is retained by an OPJ charged with minors, with the
		 * prosecutor's agreement, in a place reserved for minors (CPP 460;
		 * issue 17, tests/api/test_procedure.c) */
		char *admin = th_login(&S, "demo-admin");
		th_resp d = req("POST", "/api/v1/users/demo-opj/minors-officer", admin,
				json_pack("{s:s,s:s}", "since", "2000-01-01", "decision_ref", "DGSN/PJ/MIN/1"));
		assert_true(d.status == 201 || d.status == 409);
		th_resp_free(&d);
		free(admin);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		json_t *m = json_pack("{s:s,s:b,s:s,s:I}", "place", "Brigade des mineurs", "place_for_minors", 1,
				      "prosecutor_agreement_ref", "PR/M/1", "prosecutor_agreement_at",
				      (json_int_t)(ts.tv_sec * 1000LL + clock_offset_ms - 60000));
		json_object_update(b, m);
		json_decref(m);
	}
	if (started_at)
		json_object_set_new(b, "started_at", json_integer(started_at));
	return req("POST", path, tok, b);
}

static void open_ok(const char *case_id, const char *pid, const char *regime, char *kid)
{
	th_resp r = try_custody(case_id, pid, regime, opj, 0);
	th_expect(&r, 201);
	snprintf(kid, 37, "%s", th_str(&r, "id"));
	th_resp_free(&r);
}

static void close_ok(const char *kid)
{
	char path[128];
	snprintf(path, sizeof path, "/api/v1/custody/%s/close", kid);
	th_resp r = req("POST", path, opj, json_pack("{s:s,s:s}", "end", "released", "condition_on_exit", "Même état qu'à l'entrée"));
	th_expect(&r, 200);
	th_resp_free(&r);
}

static bool has(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) if (strcmp(json_string_value(v), s) == 0) return true;
	return false;
}

/* birth_years_ago: a birth date years before today (legal date, January 2nd
 * so the birthday has passed). */
static void birth_years_ago(int years, char out[16])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, 16, "%04d-01-02", tm.tm_year + 1900 - years);
}

/* ---------------------------------------------------------------- */

/* Item 1: the regime follows the charges. Simple theft (CP-505) refuses the
 * terrorism and state-security regimes; a terrorism charge allows terrorism
 * only; a state-security charge (CP 163–218, added) allows state security;
 * the case says which regimes it allows, the custody which rule and why. */
static void regime_follows_the_charges(void **st)
{
	(void)st;
	char theft[37], terror[37], state[37], p1[37], p2[37], p3[37], kid[37], path[128];
	new_case("CP-505", theft);
	add_suspect(theft, NULL, p1);
	th_resp r = try_custody(theft, p1, "terrorism", opj, 0);
	expect_problem(&r, 422, "custody-regime-not-for-offences");
	th_resp_free(&r);
	r = try_custody(theft, p1, "state_security", opj, 0);
	expect_problem(&r, 422, "custody-regime-not-for-offences");
	th_resp_free(&r);
	assert_int_equal(count("SELECT COUNT(*) FROM custodies WHERE case_id = '%s'", theft), 0);
	snprintf(path, sizeof path, "/api/v1/cases/%s", theft);
	r = req("GET", path, officer, NULL);
	th_expect(&r, 200);
	json_t *allowed = json_object_get(r.json, "allowed_regimes");
	assert_true(has(allowed, "ordinary"));
	assert_false(has(allowed, "terrorism"));
	assert_false(has(allowed, "state_security"));
	th_resp_free(&r);

	new_case("CP-218-1", terror);
	add_suspect(terror, NULL, p2);
	r = try_custody(terror, p2, "state_security", opj, 0);
	expect_problem(&r, 422, "custody-regime-not-for-offences");
	th_resp_free(&r);
	open_ok(terror, p2, "terrorism", kid);
	snprintf(path, sizeof path, "/api/v1/custody/%s", kid);
	r = req("GET", path, opj, NULL);
	th_expect(&r, 200);
	json_t *rule = json_object_get(r.json, "rule"), *why = json_object_get(r.json, "why");
	assert_string_equal(jget(rule, "code"), "GAV-TER-2025");
	assert_true(strlen(jget(rule, "source")) > 10);
	assert_string_equal(jget(why, "class"), "crime");
	assert_true(has(json_object_get(why, "categories"), "terrorism"));
	assert_true(has(json_object_get(why, "offences"), "CP-218-1"));
	assert_string_equal(jget(why, "frame"), "preliminary");
	assert_int_equal(jint(why, "age"), 36);
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/cases/%s", terror);
	r = req("GET", path, officer, NULL);
	allowed = json_object_get(r.json, "allowed_regimes");
	assert_true(has(allowed, "terrorism"));
	assert_false(has(allowed, "state_security"));
	th_resp_free(&r);
	close_ok(kid);

	new_case("CP-163", state);
	add_suspect(state, NULL, p3);
	open_ok(state, p3, "state_security", kid);
	close_ok(kid);
	r = req("GET", "/api/v1/offences", officer, NULL);
	th_expect(&r, 200);
	size_t i;
	json_t *o;
	int ss = 0;
	json_array_foreach(json_object_get(r.json, "offences"), i, o) ss += strcmp(jget(o, "category"), "state_security") == 0;
	assert_true(ss >= 5);
	th_resp_free(&r);
}

/* Item 2: loi 03.23's class limits bind every regime: a contravention case
 * gets neither a minor's retention nor a terrorism custody. */
static void class_limits_in_every_regime(void **st)
{
	(void)st;
	char cas[37], minor[37], adult[37], birth[16];
	new_case("CP-608", cas);
	birth_years_ago(15, birth);
	add_suspect(cas, birth, minor);
	add_suspect(cas, NULL, adult);
	th_resp r = try_custody(cas, minor, "minor", opj, 0);
	expect_problem(&r, 422, "custody-rule-not-applicable");
	th_resp_free(&r);
	r = try_custody(cas, adult, "terrorism", opj, 0);
	th_expect(&r, 422);
	th_resp_free(&r);
	r = try_custody(cas, adult, "ordinary", opj, 0);
	expect_problem(&r, 422, "custody-rule-not-applicable");
	th_resp_free(&r);
	assert_int_equal(count("SELECT COUNT(*) FROM custodies WHERE case_id = '%s'", cas), 0);
}

/* Item 3: before loi 03.23 no custody for a contravention either (arts 56,
 * 80); and a start backdated across 8 Dec 2025 takes the rule in force when
 * the custody is recorded, and says so. */
static void rules_of_2003_and_a_start_across_the_change(void **st)
{
	(void)st;
	char cas[37], p[37], theft[37], q[37];
	at_utc(1717200000000LL); /* 2024-06-01T00:00Z */
	new_case("CP-608", cas);
	add_suspect(cas, NULL, p);
	th_resp r = try_custody(cas, p, "ordinary", opj, 0);
	expect_problem(&r, 422, "custody-rule-not-applicable");
	th_resp_free(&r);
	/* recorded 2025-12-08 00:30 legal (23:30Z), arrest stated 2025-12-07 23:00 legal */
	at_utc(1765150200000LL);
	new_case("CP-505", theft);
	add_suspect(theft, NULL, q);
	r = try_custody(theft, q, "ordinary", opj, 1765144800000LL);
	th_expect(&r, 201);
	assert_string_equal(jget(json_object_get(r.json, "rule"), "code"), "GAV-ORD-2025");
	assert_string_equal(jget(json_object_get(r.json, "why"), "rule_chosen_at"), "recorded");
	char kid[37];
	snprintf(kid, sizeof kid, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	close_ok(kid);
	real_time();
}

/* Item 4: a minor is never in ordinary custody; a child under 12 is never
 * retained (CP 138). */
static void minors_and_children(void **st)
{
	(void)st;
	char cas[37], sixteen[37], ten[37], kid[37], birth[16];
	new_case("CP-509", cas);
	birth_years_ago(16, birth);
	add_suspect(cas, birth, sixteen);
	birth_years_ago(10, birth);
	add_suspect(cas, birth, ten);
	th_resp r = try_custody(cas, sixteen, "ordinary", opj, 0);
	expect_problem(&r, 422, "custody-minor-regime-required");
	th_resp_free(&r);
	r = try_custody(cas, ten, "minor", opj, 0);
	expect_problem(&r, 422, "custody-under-criminal-age");
	th_resp_free(&r);
	r = try_custody(cas, ten, "ordinary", opj, 0);
	expect_problem(&r, 422, "custody-under-criminal-age");
	th_resp_free(&r);
	assert_int_equal(count("SELECT COUNT(*) FROM custodies WHERE case_id = '%s'", cas), 0);
	open_ok(cas, sixteen, "minor", kid);
	close_ok(kid);
}

/* Item 5 (and issue 10 item 4's delay): terrorism lawyer contact is the
 * regime's ordinary deadline (24 h) unless the prosecutor decided to delay
 * it (then 144 h); the delay is recorded by an OPJ with the reference. */
static void terrorism_lawyer_delay(void **st)
{
	(void)st;
	char cas[37], p[37], q[37], kid[37], k2[37], path[128];
	new_case("CP-218-1", cas);
	add_suspect(cas, NULL, p);
	add_suspect(cas, NULL, q);
	open_ok(cas, p, "terrorism", kid);
	open_ok(cas, q, "terrorism", k2);
	snprintf(path, sizeof path, "/api/v1/custody/%s", kid);
	th_resp r = req("GET", path, opj, NULL);
	long long start = jint(r.json, "started_at");
	assert_int_equal(jint(r.json, "lawyer_deadline") - start, 24 * HOUR);
	th_resp_free(&r);
	/* an officer without OPJ status cannot record it; refused and audited */
	long long refused = count("SELECT COUNT(*) FROM audit_log WHERE action = 'custody.update' AND outcome <> 'ok'");
	r = req("PATCH", path, officer, json_pack("{s:s,s:s}", "lawyer_delay_ref", "PG/TER/7", "lawyer_delay_date", "2026-12-01"));
	expect_problem(&r, 403, "opj-required");
	th_resp_free(&r);
	assert_true(count("SELECT COUNT(*) FROM audit_log WHERE action = 'custody.update' AND outcome <> 'ok'") > refused);
	r = req("PATCH", path, opj, json_pack("{s:s,s:s}", "lawyer_delay_ref", "PG/TER/7", "lawyer_delay_date", "2026-12-01"));
	th_expect(&r, 200);
	assert_int_equal(jint(r.json, "lawyer_deadline") - start, 144 * HOUR);
	assert_string_equal(jget(r.json, "lawyer_delay_ref"), "PG/TER/7");
	th_resp_free(&r);
	/* without the delay, passing 24 h flags the lawyer contact */
	th_set_clock(&S, 25 * HOUR);
	login_all();
	snprintf(path, sizeof path, "/api/v1/custody/%s", k2);
	r = req("GET", path, opj, NULL);
	assert_true(json_is_true(json_object_get(r.json, "lawyer_overdue")));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/custody/%s", kid);
	r = req("GET", path, opj, NULL);
	assert_false(json_is_true(json_object_get(r.json, "lawyer_overdue")));
	th_resp_free(&r);
	close_ok(kid);
	close_ok(k2);
	real_time();
}

/* Issue 10 item 4: a custody overrun cannot be hidden: closed at 50 h with a
 * typed end of 47 h, it shows as late and overdue; typed times are not in
 * the future, not before the arrest, not rewritten (a correction has a
 * reason and is kept). */
static void custody_times_cannot_be_rewritten(void **st)
{
	(void)st;
	char cas[37], p[37], kid[37], path[128];
	new_case("CP-505", cas);
	add_suspect(cas, NULL, p);
	open_ok(cas, p, "ordinary", kid);
	snprintf(path, sizeof path, "/api/v1/custody/%s", kid);
	th_resp r = req("GET", path, opj, NULL);
	long long start = jint(r.json, "started_at");
	th_resp_free(&r);
	r = req("PATCH", path, officer, json_pack("{s:I,s:s}", "family_informed_at", (json_int_t)(start + 5 * HOUR), "family_informed_how", "téléphone"));
	expect_problem(&r, 422, "custody-time-in-future");
	th_resp_free(&r);
	r = req("PATCH", path, officer, json_pack("{s:I,s:s}", "family_informed_at", (json_int_t)(start - HOUR), "family_informed_how", "téléphone"));
	expect_problem(&r, 422, "custody-time-before-arrest");
	th_resp_free(&r);
	r = req("PATCH", path, officer, json_pack("{s:I,s:s}", "family_informed_at", (json_int_t)start, "family_informed_how", "téléphone"));
	th_expect(&r, 200);
	th_resp_free(&r);
	r = req("PATCH", path, officer, json_pack("{s:I,s:s}", "family_informed_at", (json_int_t)(start + 1000), "family_informed_how", "téléphone"));
	expect_problem(&r, 409, "custody-time-recorded");
	th_resp_free(&r);
	r = req("PATCH", path, officer, json_pack("{s:I,s:s,s:s}", "family_informed_at", (json_int_t)(start + 1000), "family_informed_how", "téléphone",
						  "correction_reason", "Heure mal recopiée du registre"));
	th_expect(&r, 200);
	th_resp_free(&r);
	assert_int_equal(count("SELECT COUNT(*) FROM custody_corrections WHERE custody_id = '%s' AND old_value = %lld", kid, start), 1);
	th_set_clock(&S, 50 * HOUR);
	login_all();
	snprintf(path, sizeof path, "/api/v1/custody/%s/close", kid);
	r = req("POST", path, opj, json_pack("{s:s,s:I,s:s}", "end", "presented", "at", (json_int_t)(start + 47 * HOUR), "condition_on_exit", "Même état qu'à l'entrée"));
	th_expect(&r, 200);
	assert_true(json_is_true(json_object_get(r.json, "closed_late")));
	assert_true(json_is_true(json_object_get(r.json, "overdue")));
	assert_int_equal(jint(r.json, "ended_at"), start + 47 * HOUR);
	th_resp_free(&r);
	r = req("GET", "/api/v1/units/AR-CASA-OULFA/custody-register", chief, NULL);
	size_t i;
	json_t *o;
	bool seen = false;
	json_array_foreach(json_object_get(r.json, "custodies"), i, o) if (strcmp(jget(o, "id"), kid) == 0) {
		seen = true;
		assert_true(json_is_true(json_object_get(o, "overdue")));
	}
	assert_true(seen);
	th_resp_free(&r);
	real_time();
}

/* Item 13: legal local time across a Ramadan change (tzdata: Africa/
 * Casablanca goes from +01 to +00 on 2027-02-07 at 02:00 UT): the daily
 * list of that day is 25 hours, a custody's deadline is printed with the
 * offset in force then. */
static void legal_time_across_ramadan(void **st)
{
	(void)st;
	char cas[37], p[37], kid[37];
	at_utc(1801947600000LL); /* 2027-02-06T21:00Z = 22:00 legal (+01) */
	new_case("CP-505", cas);
	add_suspect(cas, NULL, p);
	th_resp r = try_custody(cas, p, "ordinary", opj, 1801947600000LL - HOUR); /* 21:00 legal */
	th_expect(&r, 201);
	snprintf(kid, sizeof kid, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	r = req("GET", "/api/v1/units/AR-CASA-OULFA/custody-daily?date=2027-02-07", chief, NULL);
	th_expect(&r, 200);
	/* 2027-02-07 00:00 legal = 2027-02-06T23:00Z (+01); the next midnight is at +00 */
	assert_int_equal(jint(r.json, "from"), 1801947600000LL + 2 * HOUR);
	assert_int_equal(jint(r.json, "to") - jint(r.json, "from"), 25 * HOUR);
	bool seen = false;
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(r.json, "held"), i, o) seen = seen || strcmp(jget(o, "id"), kid) == 0;
	assert_true(seen);
	th_resp_free(&r);
	r = req("GET", "/api/v1/units/AR-CASA-OULFA/custody-daily.html?date=2027-02-07", chief, NULL);
	th_expect(&r, 200);
	/* started 21:00 at +01; deadline 48 h later, 2027-02-08T20:00Z, is 20:00
	 * legal time at +00 (the printed list shows legal time with its offset) */
	assert_non_null(strstr(r.body, "06/02/2027 21:00 UTC+01:00"));
	assert_non_null(strstr(r.body, "08/02/2027 20:00 UTC+00:00"));
	th_resp_free(&r);
	close_ok(kid);
	real_time();
}

static bool known(const char *pid)
{
	char path[128];
	snprintf(path, sizeof path, "/api/v1/persons/%s", pid);
	th_resp r = req("GET", path, chief, NULL);
	th_expect(&r, 200);
	bool k = json_is_true(json_object_get(r.json, "known_to_police"));
	assert_true(json_array_size(json_object_get(r.json, "cases")) >= 1); /* history keeps the facts */
	th_resp_free(&r);
	return k;
}

/* Item 12: "known to the police" follows what stands: a case cancelled as
 * opened in error, or classed without further action, no longer counts. */
static void known_to_police_follows_what_stands(void **st)
{
	(void)st;
	char a[37], b[37], x[37], y[37], kid[37], path[128];
	new_case("CP-505", a);
	add_suspect(a, NULL, x);
	assert_true(known(x));
	snprintf(path, sizeof path, "/api/v1/cases/%s/status", a);
	th_resp r = req("POST", path, chief, json_pack("{s:s,s:s}", "status", "cancelled", "reason", "Affaire ouverte par erreur"));
	th_expect(&r, 200);
	th_resp_free(&r);
	assert_false(known(x));

	new_case("CP-505", b);
	add_suspect(b, NULL, y);
	open_ok(b, y, "ordinary", kid);
	snprintf(path, sizeof path, "/api/v1/custody/%s/close", kid);
	r = req("POST", path, opj, json_pack("{s:s,s:s}", "end", "presented", "condition_on_exit", "Même état qu'à l'entrée"));
	th_expect(&r, 200);
	th_resp_free(&r);
	assert_true(known(y));
	seal_a_pv(b);
	snprintf(path, sizeof path, "/api/v1/cases/%s/referral", b);
	r = req("POST", path, opj, json_pack("{}"));
	th_expect(&r, 201);
	char ref[37];
	snprintf(ref, sizeof ref, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/referrals/%s/outcome", ref);
	r = req("PUT", path, officer, json_pack("{s:s,s:s}", "outcome", "no_further_action", "note", "classement sans suite"));
	th_expect(&r, 200);
	th_resp_free(&r);
	assert_false(known(y));
}

/* Issue 10 item 5: cancelling needs a chief, never while a custody is open,
 * and a case with a sealed PV only on the prosecutor's decision. */
static void cancel_needs_a_chief_and_the_prosecutor(void **st)
{
	(void)st;
	char cas[37], p[37], kid[37], path[128], status[128];
	new_case("CP-505", cas);
	add_suspect(cas, NULL, p);
	open_ok(cas, p, "ordinary", kid);
	snprintf(status, sizeof status, "/api/v1/cases/%s/status", cas);
	th_resp r = req("POST", status, officer, json_pack("{s:s,s:s}", "status", "cancelled", "reason", "erreur de saisie"));
	expect_problem(&r, 403, "cancel-needs-chief");
	th_resp_free(&r);
	r = req("POST", status, chief, json_pack("{s:s,s:s}", "status", "cancelled", "reason", "erreur de saisie"));
	expect_problem(&r, 409, "case-custody-open");
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/cases/%s/pvs", cas);
	r = req("POST", path, officer,
		json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:s}", "type", "hearing_suspect", "person_id", p, "custody_id", kid,
			  "place", "Arrondissement Oulfa", "statements", "Je nie les faits.", "read_back", 1, "signature",
			  "signed"));
	th_expect(&r, 201);
	char pv[37];
	snprintf(pv, sizeof pv, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/pvs/%s/seal", pv);
	r = req("POST", path, opj, NULL);
	th_expect(&r, 200);
	th_resp_free(&r);
	close_ok(kid);
	r = req("POST", status, chief, json_pack("{s:s,s:s}", "status", "cancelled", "reason", "erreur de saisie"));
	expect_problem(&r, 422, "cancellation-needs-prosecutor-decision");
	th_resp_free(&r);
	assert_int_equal(count("SELECT COUNT(*) FROM cases WHERE id = '%s' AND status = 'cancelled'", cas), 0);
	r = req("POST", status, chief, json_pack("{s:s,s:s,s:s}", "status", "cancelled", "reason", "classement du parquet",
						 "prosecutor_ref", "PR/CLS/2026/88"));
	th_expect(&r, 200);
	assert_non_null(strstr(th_str(&r, "status_reason"), "PR/CLS/2026/88"));
	th_resp_free(&r);
}

/* seal_a_pv seals a transmission PV in case cas: a referral carries at
 * least one sealed PV (issue 17 item 7). */
static void seal_a_pv(const char *cas)
{
	char path[128];
	snprintf(path, sizeof path, "/api/v1/cases/%s/pvs", cas);
	th_resp r = req("POST", path, officer,
			json_pack("{s:s,s:s}", "type", "transmission", "statements", "Transmission de la procédure."));
	th_expect(&r, 201);
	snprintf(path, sizeof path, "/api/v1/pvs/%s/seal", th_str(&r, "id"));
	th_resp_free(&r);
	r = req("POST", path, opj, NULL);
	th_expect(&r, 200);
	th_resp_free(&r);
}

/* refer: opens and closes a custody (the case goes under investigation),
 * then sends the case; the referral's answer is returned. */
static th_resp refer(const char *cas)
{
	char p[37], kid[37], path[128];
	add_suspect(cas, NULL, p);
	open_ok(cas, p, "ordinary", kid);
	snprintf(path, sizeof path, "/api/v1/custody/%s/close", kid);
	th_resp r = req("POST", path, opj, json_pack("{s:s,s:s}", "end", "presented", "condition_on_exit", "Même état qu'à l'entrée"));
	th_expect(&r, 200);
	th_resp_free(&r);
	seal_a_pv(cas);
	snprintf(path, sizeof path, "/api/v1/cases/%s/referral", cas);
	r = req("POST", path, opj, json_pack("{}"));
	th_expect(&r, 201);
	return r;
}

/* Item 7: a Casablanca terrorism case goes to the CA of Rabat (annexe de
 * Salé), from the competences of data/prosecution.json; a crime of common
 * law to the CA of Casablanca. */
static void terrorism_goes_to_sale(void **st)
{
	(void)st;
	char terror[37], crime[37];
	new_case("CP-218-1", terror);
	th_resp r = refer(terror);
	assert_string_equal(th_str(&r, "office_code"), "CA-RABAT-SALE-TERRO");
	assert_string_equal(th_str(&r, "office_kind"), "ca");
	th_resp_free(&r);
	new_case("CP-509", crime);
	r = refer(crime);
	assert_string_equal(th_str(&r, "office_code"), "CA-CASA");
	th_resp_free(&r);
	r = req("GET", "/api/v1/prosecution-offices", officer, NULL);
	th_expect(&r, 200);
	size_t i;
	json_t *o;
	bool seen = false;
	json_array_foreach(json_object_get(r.json, "offices"), i, o) if (strcmp(jget(o, "code"), "CA-RABAT-SALE-TERRO") == 0) {
		seen = true;
		assert_true(has(json_object_get(o, "competence"), "terrorism"));
	}
	assert_true(seen);
	th_resp_free(&r);
}

/* Item 8: the law of each offence is named, on the case and on the
 * bordereau: D1958-1 is the dahir of 1958, art. 1 — not "article 1". */
static void the_law_of_each_offence_is_named(void **st)
{
	(void)st;
	char cas[37], path[128];
	new_case("D1958-1", cas);
	snprintf(path, sizeof path, "/api/v1/cases/%s", cas);
	th_resp r = req("GET", path, officer, NULL);
	json_t *o0 = json_array_get(json_object_get(r.json, "offences"), 0);
	assert_non_null(strstr(jget(o0, "law"), "1-58-286"));
	assert_string_equal(jget(o0, "article"), "1");
	th_resp_free(&r);
	r = req("GET", "/api/v1/offences", officer, NULL);
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(r.json, "offences"), i, o) {
		if (strcmp(jget(o, "code"), "L02-03-50") == 0)
			assert_non_null(strstr(jget(o, "law"), "02-03"));
		if (strcmp(jget(o, "code"), "CP-505") == 0)
			assert_string_equal(jget(o, "law"), "CP");
	}
	th_resp_free(&r);
	r = refer(cas);
	char ref[37];
	snprintf(ref, sizeof ref, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/referrals/%s/bundle.html?lang=fr", ref);
	r = req("GET", path, opj, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "Dahir n° 1-58-286 du 2 septembre 1958, art. 1"));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/referrals/%s/bundle.html?lang=ar", ref);
	r = req("GET", path, opj, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "1958، الفصل 1"));
	th_resp_free(&r);
}

/* Items 9 and 10: requalification — a charge withdrawn or replaced with a
 * reason kept in history, the class following down as well as up; the
 * degrees split in the catalogue (CP-404, 248, 241, 267) route by class. */
static void requalification_and_degrees(void **st)
{
	(void)st;
	char cas[37], path[160];
	new_case("CP-509", cas);
	snprintf(path, sizeof path, "/api/v1/cases/%s", cas);
	th_resp r = req("GET", path, officer, NULL);
	assert_string_equal(th_str(&r, "class"), "crime");
	char line[37];
	snprintf(line, sizeof line, "%s", jget(json_array_get(json_object_get(r.json, "offences"), 0), "id"));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/cases/%s/offences/%s/withdrawal", cas, line);
	r = req("POST", path, officer, json_pack("{s:s}", "reason", "Pas de violence établie"));
	expect_problem(&r, 422, "offence-last-charge");
	th_resp_free(&r);
	r = req("POST", path, officer, json_pack("{s:s,s:s}", "reason", "Pas de violence établie : vol simple", "replace_with", "CP-505"));
	th_expect(&r, 200);
	assert_string_equal(th_str(&r, "class"), "delit_correctionnel");
	json_t *offs = json_object_get(r.json, "offences");
	assert_int_equal(json_array_size(offs), 2);
	json_t *old = json_array_get(offs, 0);
	assert_true(json_is_integer(json_object_get(old, "withdrawn_at")));
	assert_string_equal(jget(old, "withdrawn_reason"), "Pas de violence établie : vol simple");
	assert_string_equal(jget(old, "replaced_by"), jget(json_array_get(offs, 1), "id"));
	th_resp_free(&r);
	r = req("POST", path, officer, json_pack("{s:s,s:s}", "reason", "encore", "replace_with", "CP-505"));
	expect_problem(&r, 409, "offence-withdrawn");
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/cases/%s/history", cas);
	r = req("GET", path, officer, NULL);
	size_t i;
	json_t *ev;
	bool seen = false;
	json_array_foreach(json_object_get(r.json, "events"), i, ev) seen = seen || strcmp(jget(ev, "kind"), "offence.replaced") == 0;
	assert_true(seen);
	th_resp_free(&r);
	/* the class went down: the case goes to the TPI */
	r = refer(cas);
	assert_string_equal(th_str(&r, "office_kind"), "tpi");
	th_resp_free(&r);
	/* the degrees of the catalogue (data 1.1.0) */
	r = req("GET", "/api/v1/offences", officer, NULL);
	int found = 0;
	json_t *o;
	json_array_foreach(json_object_get(r.json, "offences"), i, o) {
		const char *code = jget(o, "code");
		if (strcmp(code, "CP-404-CRIME") == 0 || strcmp(code, "CP-248-CRIME") == 0) {
			assert_string_equal(jget(o, "class"), "crime");
			assert_true(strlen(jget(o, "circumstance")) > 5);
			found++;
		}
		if (strcmp(code, "CP-241-DELIT") == 0) {
			assert_string_equal(jget(o, "class"), "delit_correctionnel");
			found++;
		}
		if (strcmp(code, "CP-267") == 0) {
			assert_string_equal(jget(o, "class"), "delit_police");
			found++;
		}
	}
	assert_int_equal(found, 4);
	th_resp_free(&r);
}

/* Item 11 and issue 10 item 6: OPJ status is the officer's (CPP 20): the
 * chief, a commissaire, is an OPJ by law and opens custody and seals; an
 * inspector is one only by a grant with its date and reference; the PV's
 * drafter rank comes from the user's record, never from the body. */
static void opj_status_and_rank_come_from_the_record(void **st)
{
	(void)st;
	char cas[37], p[37], kid[37], path[128], pv[37];
	new_case("CP-505", cas);
	add_suspect(cas, NULL, p);
	th_resp r = try_custody(cas, p, "ordinary", chief, 0);
	th_expect(&r, 201);
	snprintf(kid, sizeof kid, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/cases/%s/pvs", cas);
	json_t *body = json_pack("{s:s,s:s,s:s,s:s,s:b,s:s,s:s}", "type", "hearing_suspect", "person_id", p, "custody_id", kid,
				 "statements", "Je reconnais.", "read_back", 1, "signature", "signed", "drafter_rank", "OPJ");
	r = req("POST", path, officer, body);
	th_expect(&r, 400); /* the rank is not the drafter's to type */
	th_resp_free(&r);
	r = req("POST", path, officer,
		json_pack("{s:s,s:s,s:s,s:s,s:b,s:s}", "type", "hearing_suspect", "person_id", p, "custody_id", kid,
			  "statements", "Je reconnais.", "read_back", 1, "signature", "signed"));
	th_expect(&r, 201);
	snprintf(pv, sizeof pv, "%s", th_str(&r, "id"));
	assert_non_null(strstr(th_str(&r, "drafter_rank"), "Gardien de la paix"));
	assert_null(strstr(th_str(&r, "drafter_rank"), "officier de police judiciaire"));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/pvs/%s/seal", pv);
	r = req("POST", path, officer, NULL);
	expect_problem(&r, 403, "opj-required");
	th_resp_free(&r);
	r = req("POST", path, chief, NULL);
	th_expect(&r, 200);
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/custody/%s/close", kid);
	r = req("POST", path, chief, json_pack("{s:s,s:s}", "end", "released", "condition_on_exit", "Même état qu'à l'entrée"));
	th_expect(&r, 200);
	th_resp_free(&r);
	/* an inspector is an OPJ only by grant, with its date and reference */
	char *admin = th_login(&S, "demo-admin");
	r = req("PUT", "/api/v1/users/demo-officer/rank", admin, json_pack("{s:s,s:s}", "rank", "inspecteur", "opj_since", "2026-01-05"));
	expect_problem(&r, 422, "opj-grant-needs-date-and-reference");
	th_resp_free(&r);
	r = req("PUT", "/api/v1/users/demo-officer/rank", admin,
		json_pack("{s:s,s:s,s:s}", "rank", "inspecteur", "opj_since", "2026-01-05", "opj_ref", "Arrêté n° 12/2026"));
	th_expect(&r, 200);
	assert_true(json_is_true(json_object_get(r.json, "opj")));
	th_resp_free(&r);
	assert_int_equal(count("SELECT COUNT(*) FROM users WHERE badge = 'demo-officer' AND opj_basis = 'grant' AND opj_ref = 'Arrêté n° 12/2026'"), 1);
	char k2[37];
	r = try_custody(cas, p, "ordinary", officer, 0); /* the case was not cancelled: still open */
	th_expect(&r, 201);
	snprintf(k2, sizeof k2, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	close_ok(k2);
	r = req("PUT", "/api/v1/users/demo-officer/rank", admin, json_pack("{s:s}", "rank", "gardien_paix"));
	th_expect(&r, 200);
	assert_false(json_is_true(json_object_get(r.json, "opj")));
	th_resp_free(&r);
	r = try_custody(cas, p, "ordinary", officer, 0);
	expect_problem(&r, 403, "opj-required");
	th_resp_free(&r);
	free(admin);
}

/* Item 6: rogatory commission. The commission (judge, court, number, date,
 * scope) is recorded on the case; a person held under it is presented to
 * the juge d'instruction, who decides any extension — not the prosecutor. */
static void rogatory_commission(void **st)
{
	(void)st;
	char cas[37], p[37], kid[37], path[160];
	th_resp r = req("POST", "/api/v1/cases", officer,
			json_pack("{s:s,s:[{s:s}],s:s,s:s}", "frame", "rogatory", "offences", "code", "CP-509", "summary",
				  "Commission rogatoire du juge d'instruction", "opj", "demo-opj"));
	th_expect(&r, 201);
	snprintf(cas, sizeof cas, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	add_suspect(cas, NULL, p);
	r = try_custody(cas, p, "ordinary", opj, 0);
	expect_problem(&r, 422, "custody-needs-rogatory-commission");
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/cases/%s", cas);
	r = req("PATCH", path, officer, json_pack("{s:{s:s}}", "rogatory_commission", "judge", "M. Alaoui"));
	th_expect(&r, 400);
	th_resp_free(&r);
	r = req_matched("PATCH", path, officer,
		json_pack("{s:{s:s,s:s,s:s,s:s,s:s}}", "rogatory_commission", "judge", "M. Karim Alaoui, juge d'instruction",
			  "court", "Cour d'appel de Casablanca", "number", "CR/2026/114", "date", "2026-11-30", "scope",
			  "Audition et garde à vue des suspects du vol avec violence"));
	th_expect(&r, 200);
	assert_string_equal(jget(json_object_get(r.json, "rogatory_commission"), "number"), "CR/2026/114");
	th_resp_free(&r);
	open_ok(cas, p, "ordinary", kid);
	snprintf(path, sizeof path, "/api/v1/custody/%s", kid);
	r = req("GET", path, opj, NULL);
	assert_string_equal(th_str(&r, "authority"), "juge_instruction");
	json_t *why = json_object_get(r.json, "why");
	assert_string_equal(jget(why, "presented_to"), "juge_instruction");
	assert_string_equal(jget(why, "frame"), "rogatory");
	assert_string_equal(jget(json_object_get(why, "commission"), "number"), "CR/2026/114");
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/custody/%s/extensions", kid);
	r = req("POST", path, opj, json_pack("{s:s,s:s}", "authorisation_ref", "PR/1", "authorisation_date", "2026-12-01"));
	expect_problem(&r, 422, "extension-needs-judge-decision");
	th_resp_free(&r);
	r = req("POST", path, opj, json_pack("{s:s,s:s,s:s}", "authorisation_ref", "JI/CR/2026/114-1", "authorisation_date",
					     "2026-12-01", "authorised_by", "M. Karim Alaoui, juge d'instruction"));
	th_expect(&r, 200);
	assert_int_equal(jint(r.json, "extensions"), 1);
	th_resp_free(&r);
	close_ok(kid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(regime_follows_the_charges),
		cmocka_unit_test(class_limits_in_every_regime),
		cmocka_unit_test(rules_of_2003_and_a_start_across_the_change),
		cmocka_unit_test(minors_and_children),
		cmocka_unit_test(terrorism_lawyer_delay),
		cmocka_unit_test(custody_times_cannot_be_rewritten),
		cmocka_unit_test(legal_time_across_ramadan),
		cmocka_unit_test(known_to_police_follows_what_stands),
		cmocka_unit_test(cancel_needs_a_chief_and_the_prosecutor),
		cmocka_unit_test(terrorism_goes_to_sale),
		cmocka_unit_test(the_law_of_each_offence_is_named),
		cmocka_unit_test(requalification_and_degrees),
		cmocka_unit_test(rogatory_commission),
		cmocka_unit_test(opj_status_and_rank_come_from_the_record),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
