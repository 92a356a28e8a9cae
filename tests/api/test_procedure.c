/* test_procedure.c — black-box: the rest of judicial police procedure
 * (issue 17) on a real server and database (SQLite and PostgreSQL): the
 * acceptance walk of a flagrant case with a person held, from the avis to
 * the supplementary referral, the register printed and the day's main
 * courante sealed; then each refusal the issue names. */
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
static char *officer, *opj;

#define MIN (60LL * 1000)
#define HOUR (60 * MIN)
#define UNIT "AR-CASA-OULFA"
#define GROUND "art 66-1: risque de fuite et conservation des preuves"
#define ENTRY "Bon état apparent, aucune blessure visible, ne signale aucun traitement"
#define EXIT_OK "Même état qu'à l'entrée, aucune plainte"

static void login_all(void)
{
	free(officer);
	free(opj);
	officer = th_login(&S, "demo-officer");
	opj = th_login(&S, "demo-opj");
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
	return th_teardown(&S) == 0 ? 0 : -1;
}

static th_resp req(const char *method, const char *path, const char *tok, json_t *body)
{
	return th_req(&S, method, path, tok, body);
}

__attribute__((format(printf, 2, 3))) static const char *P(char *buf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, 256, fmt, ap);
	va_end(ap);
	return buf;
}

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

static long long now_ms(void)
{
	th_resp r = req("GET", "/api/v1/me", officer, NULL);
	th_resp_free(&r);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void new_case(const char *frame, const char *offence, char *id)
{
	th_resp r = req("POST", "/api/v1/cases", officer,
			json_pack("{s:s,s:[{s:s}],s:s,s:s}", "frame", frame, "offences", "code", offence, "summary",
				  "Vol à l'arraché, flagrant délit", "opj", "demo-opj"));
	th_expect(&r, 201);
	snprintf(id, 37, "%s", th_str(&r, "id"));
	th_resp_free(&r);
}

static int cin_seq = 0;
static char walk_day[16], walk_custody[37];

static void add_person(const char *case_id, const char *role, char *pid)
{
	char path[256], cin[16];
	snprintf(cin, sizeof cin, "BK%06d", 700000 + ++cin_seq);
	th_resp r = req("POST", P(path, "/api/v1/cases/%s/persons", case_id), officer,
			json_pack("{s:s,s:{s:s,s:s,s:s,s:s,s:s,s:s,s:s}}", "role", role, "person", "cin", cin,
				  "last_name_lat", "Bennani", "first_name_lat", "Youssef", "last_name_ar", "بناني",
				  "first_name_ar", "يوسف", "birth_date", "1991-03-02", "sex", "M"));
	th_expect(&r, 201);
	snprintf(pid, 37, "%s", th_str(&r, "id"));
	th_resp_free(&r);
}

static th_resp open_custody(const char *case_id, const char *pid, long long started_at)
{
	char path[256];
	json_t *b = json_pack("{s:s,s:s,s:s,s:s,s:s}", "person_id", pid, "regime", "ordinary", "ground", GROUND,
			      "ground_code", "PREVENT_FLIGHT", "condition_on_entry", ENTRY);
	if (started_at)
		json_object_set_new(b, "started_at", json_integer(started_at));
	return req("POST", P(path, "/api/v1/cases/%s/custody", case_id), opj, b);
}

/* draft_pv drafts a PV of type in case (person and custody may be NULL). */
static void draft_pv(const char *case_id, const char *type, const char *pid, const char *kid, long long act_at,
		     char *id)
{
	char path[256];
	json_t *b = json_pack("{s:s,s:s,s:b,s:s,s:s}", "type", type, "statements",
			      "Nous, officier de police judiciaire, avons procédé aux opérations suivantes.", "read_back",
			      1, "signature", "signed", "place", "Commissariat Oulfa");
	if (pid)
		json_object_set_new(b, "person_id", json_string(pid));
	if (kid)
		json_object_set_new(b, "custody_id", json_string(kid));
	if (act_at)
		json_object_set_new(b, "act_at", json_integer(act_at));
	th_resp r = req("POST", P(path, "/api/v1/cases/%s/pvs", case_id), officer, b);
	th_expect(&r, 201);
	snprintf(id, 37, "%s", th_str(&r, "id"));
	th_resp_free(&r);
}

/* patch_pv edits draft PV pv with body (If-Match from a fresh read): 200. */
static void patch_pv(const char *pv, const char *body)
{
	char path[256];
	th_resp r = th_json_matched(&S, "PATCH", P(path, "/api/v1/pvs/%s", pv), officer, body);
	th_expect(&r, 200);
	th_resp_free(&r);
}

static th_resp seal(const char *pv)
{
	char path[256];
	return req("POST", P(path, "/api/v1/pvs/%s/seal", pv), opj, NULL);
}

static json_t *right(const char *kind, long long at, bool sig, const char *reason)
{
	json_t *o = json_pack("{s:s,s:I,s:s,s:b}", "right_kind", kind, "notified_at", (json_int_t)at, "language", "ar",
			      "signed_by_person", sig);
	if (reason)
		json_object_set_new(o, "refusal_reason", json_string(reason));
	return o;
}

/* notify posts each right of the NULL-terminated list (stolen) in turn and
 * returns the last answer (or the first refusal). */
static th_resp notify_list(const char *kid, json_t **rights)
{
	char path[256];
	th_resp r = {0};
	for (size_t i = 0; rights[i]; i++) {
		if (i)
			th_resp_free(&r);
		r = req("POST", P(path, "/api/v1/custody/%s/rights", kid), officer, rights[i]);
		if (r.status >= 300) {
			for (size_t j = i + 1; rights[j]; j++)
				json_decref(rights[j]);
			break;
		}
	}
	return r;
}
#define notify(kid, ...) notify_list(kid, (json_t *[]){__VA_ARGS__, NULL})

static th_resp session(const char *kid, const char *kind, long long from, long long to)
{
	char path[256];
	return req("POST", P(path, "/api/v1/custody/%s/sessions", kid), officer,
		   json_pack("{s:s,s:I,s:I,s:s}", "kind", kind, "started_at", (json_int_t)from, "ended_at",
			     (json_int_t)to, "note", "Bureau des enquêtes"));
}

static bool has_line(json_t *lines, const char *kind, const char *ref)
{
	size_t i;
	json_t *l;
	json_array_foreach(lines, i, l) if (strcmp(jget(l, "kind"), kind) == 0 &&
					    (!ref || strcmp(jget(l, "ref_id"), ref) == 0)) return true;
	return false;
}

/* ---------------------------------------------------------------- the walk */

/* The acceptance walk of issue 17: a flagrant case with a person held. */
static void acceptance_walk(void **st)
{
	(void)st;
	char cas[37], sus[37], vic[37], kid[37], path[256], pvk[37], pvh[37], ref1[37], iid[37];
	long long now = now_ms(), start = now - 20 * HOUR;
	new_case("flagrant", "CP-505", cas);
	add_person(cas, "suspect", sus);
	add_person(cas, "victim", vic);
	/* the ground from the art 66-1 list (reference data) */
	th_resp r = req("POST", P(path, "/api/v1/cases/%s/custody", cas), opj,
			json_pack("{s:s,s:s,s:s,s:s,s:I,s:s}", "person_id", sus, "regime", "ordinary", "ground", GROUND,
				  "ground_code", "NOT_A_GROUND", "started_at", (json_int_t)start, "condition_on_entry", ENTRY));
	expect_problem(&r, 422, "custody-ground-unknown");
	th_resp_free(&r);
	/* since loi 03.23 (the list's effective date, data) the ground is required */
	r = req("POST", P(path, "/api/v1/cases/%s/custody", cas), opj,
		json_pack("{s:s,s:s,s:s,s:I,s:s}", "person_id", sus, "regime", "ordinary", "ground", GROUND, "started_at",
			  (json_int_t)start, "condition_on_entry", ENTRY));
	expect_problem(&r, 422, "custody-ground-required");
	th_resp_free(&r);
	/* the condition on entry is required (a field error) */
	r = req("POST", P(path, "/api/v1/cases/%s/custody", cas), opj,
		json_pack("{s:s,s:s,s:s,s:s,s:I}", "person_id", sus, "regime", "ordinary", "ground", GROUND, "ground_code",
			  "PREVENT_FLIGHT", "started_at", (json_int_t)start));
	th_expect(&r, 400);
	assert_non_null(strstr(r.body, "condition_on_entry"));
	th_resp_free(&r);
	r = req("POST", P(path, "/api/v1/cases/%s/custody", cas), opj,
		json_pack("{s:s,s:s,s:s,s:s,s:I,s:s}", "person_id", sus, "regime", "ordinary", "ground", GROUND, "ground_code",
			  "PREVENT_FLIGHT", "started_at", (json_int_t)start, "condition_on_entry", ENTRY));
	th_expect(&r, 201);
	assert_string_equal(th_str(&r, "ground_code"), "PREVENT_FLIGHT");
	assert_string_equal(th_str(&r, "condition_on_entry"), ENTRY);
	snprintf(kid, sizeof kid, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	r = req("GET", "/api/v1/custody-grounds", officer, NULL);
	th_expect(&r, 200);
	assert_true(json_array_size(json_object_get(r.json, "grounds")) >= 5);
	th_resp_free(&r);

	/* the avis to the prosecutor: time and means */
	r = req("GET", P(path, "/api/v1/cases/%s/procedure", cas), officer, NULL);
	th_expect(&r, 200);
	assert_true(json_is_true(json_object_get(r.json, "avis_required")));
	assert_int_equal(json_array_size(json_object_get(r.json, "avis")), 0);
	th_resp_free(&r);
	r = req("POST", P(path, "/api/v1/cases/%s/avis", cas), officer,
		json_pack("{s:I,s:s,s:s}", "notified_at", (json_int_t)(start + 10 * MIN), "means", "phone", "recipient",
			  "M. le Substitut du Procureur du Roi, TPI Casablanca"));
	expect_problem(&r, 403, "opj-required");
	th_resp_free(&r);
	r = req("POST", P(path, "/api/v1/cases/%s/avis", cas), opj,
		json_pack("{s:I,s:s,s:s}", "notified_at", (json_int_t)(now + 2 * HOUR), "means", "phone", "recipient",
			  "M. le Substitut du Procureur du Roi, TPI Casablanca"));
	expect_problem(&r, 422, "proc-time-in-future");
	th_resp_free(&r);
	r = req("POST", P(path, "/api/v1/cases/%s/avis", cas), opj,
		json_pack("{s:I,s:s,s:s,s:s}", "notified_at", (json_int_t)(start + 10 * MIN), "means", "phone",
			  "recipient", "M. le Substitut du Procureur du Roi, TPI Casablanca", "reference", "PR/2026/881"));
	th_expect(&r, 201);
	json_t *avis = json_array_get(json_object_get(r.json, "avis"), 0);
	assert_int_equal(jint(avis, "notified_at"), start + 10 * MIN);
	assert_string_equal(jget(avis, "means"), "phone");
	assert_string_equal(jget(avis, "recorded_by"), "demo-opj");
	assert_false(json_is_true(json_object_get(r.json, "avis_overdue")));
	th_resp_free(&r);

	/* the prosecutor's instructions, recorded and executed */
	r = req("POST", P(path, "/api/v1/cases/%s/instructions", cas), opj,
		json_pack("{s:I,s:s,s:s,s:s,s:s}", "given_at", (json_int_t)(start + 15 * MIN), "given_by",
			  "M. le Substitut du Procureur du Roi", "kind", "present", "text",
			  "Présenter le suspect au parquet avant l'expiration du délai", "person_id", sus));
	th_expect(&r, 201);
	json_t *ins = json_array_get(json_object_get(r.json, "instructions"), 0);
	snprintf(iid, sizeof iid, "%s", jget(ins, "id"));
	assert_string_equal(jget(ins, "status"), "given");
	th_resp_free(&r);
	r = req("POST", P(path, "/api/v1/cases/%s/instructions/executions", cas), officer,
		json_pack("{s:s,s:I,s:s}", "instruction_id", iid, "executed_at", (json_int_t)(start + 5 * MIN), "note",
			  "Présenté au parquet"));
	expect_problem(&r, 422, "proc-time-before-instruction");
	th_resp_free(&r);
	r = req("POST", P(path, "/api/v1/cases/%s/instructions/executions", cas), officer,
		json_pack("{s:s,s:I,s:s}", "instruction_id", iid, "executed_at", (json_int_t)(start + 18 * HOUR), "note",
			  "Présenté au substitut, qui a autorisé la prolongation"));
	th_expect(&r, 200);
	ins = json_array_get(json_object_get(r.json, "instructions"), 0);
	assert_string_equal(jget(ins, "status"), "executed");
	assert_int_equal(jint(ins, "executed_at"), start + 18 * HOUR);
	assert_string_equal(jget(ins, "executed_by"), "demo-officer");
	th_resp_free(&r);
	r = req("POST", P(path, "/api/v1/cases/%s/instructions/executions", cas), officer,
		json_pack("{s:s,s:s}", "instruction_id", iid, "note", "Deuxième fois"));
	expect_problem(&r, 409, "instruction-executed");
	th_resp_free(&r);

	/* rights notified: each with its time, language, signature or refusal */
	r = notify(kid, right("silence", start + 5 * MIN, false, NULL));
	th_expect(&r, 400);
	th_resp_free(&r);
	r = notify(kid, right("silence", start - HOUR, true, NULL));
	expect_problem(&r, 422, "proc-time-before-arrest");
	th_resp_free(&r);
	r = notify(kid, right("reasons", start + 5 * MIN, true, NULL),
			  right("silence", start + 5 * MIN, true, NULL), right("lawyer", start + 5 * MIN, true, NULL),
			  right("family", start + 5 * MIN, true, NULL),
			  right("interpreter", start + 5 * MIN, false, "A refusé de signer"));
	th_expect(&r, 201);
	assert_int_equal(jint(r.json, "rights_missing"), 1);
	th_resp_free(&r);
	r = notify(kid, right("lawyer", start + 6 * MIN, true, NULL));
	expect_problem(&r, 409, "right-already-notified");
	th_resp_free(&r);

	/* two questioning sessions and a rest in the register; the lawyer's 30-minute visit */
	r = session(kid, "questioning", start + HOUR, start + 3 * HOUR);
	th_expect(&r, 201);
	th_resp_free(&r);
	r = session(kid, "rest", start + 2 * HOUR, start + 9 * HOUR);
	expect_problem(&r, 409, "session-overlap");
	th_resp_free(&r);
	r = session(kid, "rest", start + 3 * HOUR, start + 11 * HOUR);
	th_expect(&r, 201);
	th_resp_free(&r);
	r = session(kid, "questioning", start + 11 * HOUR, start + 13 * HOUR);
	th_expect(&r, 201);
	th_resp_free(&r);
	r = session(kid, "questioning", start + 14 * HOUR, start + 13 * HOUR);
	expect_problem(&r, 422, "session-ends-before-start");
	th_resp_free(&r);
	r = session(kid, "lawyer_visit", start + 2 * HOUR, start + 2 * HOUR + 45 * MIN);
	expect_problem(&r, 422, "lawyer-visit-too-long");
	th_resp_free(&r);
	r = session(kid, "lawyer_visit", start + 14 * HOUR, start + 14 * HOUR + 30 * MIN);
	th_expect(&r, 201);
	th_resp_free(&r);
	r = session(kid, "meal", start + 13 * HOUR, start + 13 * HOUR + 20 * MIN);
	th_expect(&r, 201);
	assert_int_equal(json_array_size(json_object_get(r.json, "sessions")), 5);
	assert_int_equal(jint(r.json, "questioning_ms"), 4 * HOUR);
	assert_int_equal(jint(r.json, "rest_ms"), 8 * HOUR);
	th_resp_free(&r);

	/* family and lawyer */
	r = req("PATCH", P(path, "/api/v1/custody/%s", kid), officer,
		json_pack("{s:I,s:s,s:I}", "family_informed_at", (json_int_t)(start + 30 * MIN), "family_informed_how",
			  "téléphone au frère", "lawyer_contacted_at", (json_int_t)(start + 2 * HOUR)));
	th_expect(&r, 200);
	th_resp_free(&r);

	/* an extension after the presentation */
	r = req("POST", P(path, "/api/v1/custody/%s/extensions", kid), opj,
		json_pack("{s:s,s:s,s:s}", "authorisation_ref", "PR/2026/881/P", "authorisation_date", "2026-12-01",
			  "authorised_by", "M. le Substitut du Procureur du Roi"));
	th_expect(&r, 200);
	assert_int_equal(jint(r.json, "extensions"), 1);
	th_resp_free(&r);

	/* the custody PV: refused while the custody is open (today it sealed) */
	r = notify(kid, right("medical", start + 5 * MIN, true, NULL));
	th_expect(&r, 201);
	assert_int_equal(jint(r.json, "rights_missing"), 0);
	th_resp_free(&r);
	draft_pv(cas, "arrest_custody", sus, kid, 0, pvk);
	r = seal(pvk);
	expect_problem(&r, 422, "pv-custody-not-ended");
	th_resp_free(&r);
	r = req("POST", P(path, "/api/v1/custody/%s/close", kid), opj,
		json_pack("{s:s,s:s}", "end", "presented", "note", "Déféré au parquet"));
	th_expect(&r, 400); /* the condition on exit is required */
	assert_non_null(strstr(r.body, "condition_on_exit"));
	th_resp_free(&r);
	r = req("POST", P(path, "/api/v1/custody/%s/close", kid), opj,
		json_pack("{s:s,s:s,s:s}", "end", "presented", "note", "Déféré au parquet", "condition_on_exit",
			  "Légère fatigue, aucune blessure ; a pris ses repas"));
	th_expect(&r, 200);
	assert_string_equal(th_str(&r, "condition_on_exit"), "Légère fatigue, aucune blessure ; a pris ses repas");
	th_resp_free(&r);
	r = notify(kid, right("reasons", start + 5 * MIN, true, NULL));
	expect_problem(&r, 409, "custody-ended");
	th_resp_free(&r);
	r = seal(pvk);
	th_expect(&r, 200);
	th_resp_free(&r);
	/* the printed custody PV states the ground of art 66-1 and the
	 * condition on entry and on exit (issue 17 item 2) */
	r = req("GET", P(path, "/api/v1/pvs/%s/print?lang=fr", pvk), officer, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "Empêcher la fuite du suspect"));
	assert_non_null(strstr(r.body, "Bon état apparent"));
	assert_non_null(strstr(r.body, "Légère fatigue"));
	assert_non_null(strstr(r.body, "État physique et de santé à la sortie"));
	th_resp_free(&r);
	r = req("GET", P(path, "/api/v1/pvs/%s/print?lang=ar", pvk), officer, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "الحيلولة دون فرار المشتبه فيه"));
	assert_non_null(strstr(r.body, "الحالة البدنية والصحية عند الإيداع"));
	th_resp_free(&r);

	/* two other custodies ended without the family informed, or without
	 * every right notified: their PVs are refused */
	char k2[37], sus2[37], k3[37], sus3[37], pv2[37], pv3[37];
	add_person(cas, "suspect", sus2);
	add_person(cas, "suspect", sus3);
	r = open_custody(cas, sus2, now - 2 * HOUR);
	th_expect(&r, 201);
	snprintf(k2, sizeof k2, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	r = open_custody(cas, sus3, now - 2 * HOUR);
	th_expect(&r, 201);
	snprintf(k3, sizeof k3, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	r = req("PATCH", P(path, "/api/v1/custody/%s", k3), officer,
		json_pack("{s:I,s:s}", "family_informed_at", (json_int_t)(now - HOUR), "family_informed_how",
			  "téléphone à l'épouse"));
	th_expect(&r, 200);
	th_resp_free(&r);
	draft_pv(cas, "arrest_custody", sus2, k2, 0, pv2);
	draft_pv(cas, "arrest_custody", sus3, k3, 0, pv3);
	r = req("POST", P(path, "/api/v1/custody/%s/close", k2), opj, json_pack("{s:s,s:s}", "end", "released", "condition_on_exit", EXIT_OK));
	th_expect(&r, 200);
	th_resp_free(&r);
	r = req("POST", P(path, "/api/v1/custody/%s/close", k3), opj, json_pack("{s:s,s:s}", "end", "released", "condition_on_exit", EXIT_OK));
	th_expect(&r, 200);
	th_resp_free(&r);
	r = seal(pv2);
	expect_problem(&r, 422, "pv-custody-family-not-informed");
	th_resp_free(&r);
	r = seal(pv3);
	expect_problem(&r, 422, "pv-rights-not-notified");
	th_resp_free(&r);

	/* referral: the drafts left out need a reason */
	draft_pv(cas, "hearing_victim", vic, NULL, 0, pvh);
	r = req("POST", P(path, "/api/v1/cases/%s/referral", cas), opj, json_object());
	expect_problem(&r, 422, "referral-drafts-need-reason");
	th_resp_free(&r);
	r = req("POST", P(path, "/api/v1/cases/%s/referral", cas), opj,
		json_pack("{s:s}", "drafts_reason", "PV de la victime et de deux gardes à vue incomplets, suivent"));
	th_expect(&r, 201);
	snprintf(ref1, sizeof ref1, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	r = req("GET", P(path, "/api/v1/referrals/%s/bundle", ref1), opj, NULL);
	th_expect(&r, 200);
	json_t *b = json_object_get(r.json, "bundle");
	assert_int_equal(json_array_size(json_object_get(json_object_get(b, "drafts_left_out"), "pvs")), 3);
	th_resp_free(&r);
	/* a PV sealed into a referred case: refused */
	r = seal(pvh);
	expect_problem(&r, 409, "pv-case-referred");
	th_resp_free(&r);

	/* "further inquiry" reopens the case (409 before issue 17) */
	r = req("PUT", P(path, "/api/v1/referrals/%s/outcome", ref1), opj,
		json_pack("{s:s,s:s}", "outcome", "further_inquiry", "note", "Entendre la victime, expertise"));
	th_expect(&r, 200);
	th_resp_free(&r);
	r = req("GET", P(path, "/api/v1/cases/%s", cas), officer, NULL);
	assert_string_equal(th_str(&r, "status"), "under_investigation");
	th_resp_free(&r);
	/* a new PV, then the supplementary referral */
	r = seal(pvh);
	th_expect(&r, 200);
	th_resp_free(&r);
	r = req("POST", P(path, "/api/v1/cases/%s/referral", cas), opj,
		json_pack("{s:s}", "drafts_reason", "PV des gardes à vue incomplets, déjà signalés"));
	th_expect(&r, 201);
	assert_string_equal(th_str(&r, "supplementary_of"), ref1);
	char ref2[37];
	snprintf(ref2, sizeof ref2, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	r = req("GET", P(path, "/api/v1/referrals/%s/bundle", ref2), opj, NULL);
	assert_true(strlen(jget(json_object_get(r.json, "bundle"), "supplementary_of")) > 5);
	th_resp_free(&r);

	/* the register: its page, and printed */
	r = req("GET", P(path, "/api/v1/custody/%s/register", kid), officer, NULL);
	th_expect(&r, 200);
	assert_true(jint(r.json, "page") >= 1);
	assert_int_equal(json_array_size(json_object_get(r.json, "rights")), 6);
	th_resp_free(&r);
	/* the prosecutor's visa of the register, from an office of the reference data */
	r = req("POST", "/api/v1/units/" UNIT "/custody-register/visas", officer,
		json_pack("{s:I,s:s,s:s}", "visited_at", (json_int_t)(now - 10 * MIN), "magistrate",
			  "M. le Procureur du Roi", "office_code", "PARQUET-DE-MOI"));
	expect_problem(&r, 422, "visa-office-unknown");
	th_resp_free(&r);
	r = req("POST", "/api/v1/units/" UNIT "/custody-register/visas", officer,
		json_pack("{s:I,s:s,s:s,s:s}", "visited_at", (json_int_t)(now - 10 * MIN), "magistrate",
			  "M. le Procureur du Roi", "office_code", "TPI-CASA-PENAL", "observations",
			  "Registre tenu à jour ; locaux visités"));
	th_expect(&r, 201);
	json_t *visa = json_array_get(json_object_get(r.json, "visas"), 0);
	assert_true(jint(visa, "last_page") >= 3);
	th_resp_free(&r);
	r = req("GET", "/api/v1/units/" UNIT "/custody-register.html", officer, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "register-visa"));
	assert_non_null(strstr(r.body, "Registre tenu à jour"));
	assert_non_null(strstr(r.body, "Bennani"));
	assert_non_null(strstr(r.body, "بناني"));
	assert_non_null(strstr(r.body, "register-page"));
	assert_non_null(strstr(r.body, "Empêcher la fuite du suspect"));
	assert_non_null(strstr(r.body, "الحيلولة دون فرار المشتبه فيه"));
	assert_non_null(strstr(r.body, "Bon état apparent"));
	assert_non_null(strstr(r.body, "Légère fatigue"));
	assert_null(strstr(r.body, "session_kind."));
	assert_null(strstr(r.body, "procreg."));
	th_resp_free(&r);

	/* the main courante: the custodies wrote their lines; one by hand */
	r = req("POST", "/api/v1/units/" UNIT "/main-courante", officer,
		json_pack("{s:I,s:s,s:s}", "at", (json_int_t)(now - 5 * MIN), "kind", "call", "text",
			  "Appel 19 : rixe signalée rue 12, patrouille envoyée"));
	th_expect(&r, 201);
	char day[16];
	snprintf(day, sizeof day, "%s", th_str(&r, "day"));
	json_t *lines = json_object_get(r.json, "lines");
	th_resp r2;
	assert_true(has_line(lines, "custody_start", kid));
	assert_true(has_line(lines, "custody_end", kid));
	assert_true(has_line(lines, "custody_start", k3));
	assert_true(has_line(lines, "call", NULL));
	/* a complaint received writes its line too */
	r2 = req("POST", "/api/v1/complaints", officer,
		 json_pack("{s:{s:s,s:s,s:s},s:s}", "complainant", "last_name_lat", "Sefrioui", "first_name_lat", "Nadia",
			   "cin", "BK700999", "facts", "Vol de sac à main devant la gare"));
	th_expect(&r2, 201);
	char cid[37];
	snprintf(cid, sizeof cid, "%s", th_str(&r2, "id"));
	th_resp_free(&r2);
	r2 = req("GET", "/api/v1/units/" UNIT "/main-courante", officer, NULL);
	assert_true(has_line(json_object_get(r2.json, "lines"), "complaint", cid));
	th_resp_free(&r2);
	th_resp_free(&r);
	r = req("POST", "/api/v1/units/" UNIT "/main-courante/seal", opj, json_pack("{s:s}", "day", day));
	expect_problem(&r, 409, "courante-day-not-over");
	th_resp_free(&r);
	snprintf(walk_day, sizeof walk_day, "%s", day);
	snprintf(walk_custody, sizeof walk_custody, "%s", kid);
}

/* ---------------------------------------------------------------- refusals */

/* A victim or a witness is never held (CPP 66 §1). */
static void victim_in_custody(void **st)
{
	(void)st;
	char cas[37], vic[37], wit[37];
	new_case("flagrant", "CP-505", cas);
	add_person(cas, "victim", vic);
	add_person(cas, "witness", wit);
	th_resp r = open_custody(cas, vic, 0);
	expect_problem(&r, 422, "custody-not-a-suspect");
	th_resp_free(&r);
	r = open_custody(cas, wit, 0);
	expect_problem(&r, 422, "custody-not-a-suspect");
	th_resp_free(&r);
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM custodies WHERE case_id = '%s'", cas);
	assert_int_equal(th_sql_int(&S, sql), 0);
}

/* Release and re-custody do not restart the maximum for the same person and facts. */
static void recustody_does_not_restart(void **st)
{
	(void)st;
	char cas[37], sus[37], kid[37], path[256];
	long long now = now_ms();
	new_case("flagrant", "CP-505", cas);
	add_person(cas, "suspect", sus);
	th_resp r = open_custody(cas, sus, now - 10 * HOUR);
	th_expect(&r, 201);
	snprintf(kid, sizeof kid, "%s", th_str(&r, "id"));
	long long first_deadline = jint(r.json, "deadline_at");
	assert_int_equal(first_deadline, now - 10 * HOUR + 48 * HOUR);
	th_resp_free(&r);
	r = req("POST", P(path, "/api/v1/custody/%s/close", kid), opj, json_pack("{s:s,s:s}", "end", "released", "condition_on_exit", EXIT_OK));
	th_expect(&r, 200);
	long long ended = jint(r.json, "ended_at");
	th_resp_free(&r);
	r = open_custody(cas, sus, 0);
	th_expect(&r, 201);
	long long start2 = jint(r.json, "started_at"), deadline2 = jint(r.json, "deadline_at");
	long long spent = ended - (now - 10 * HOUR);
	assert_int_equal(deadline2, start2 + 48 * HOUR - spent);
	assert_int_equal(jint(json_object_get(r.json, "why"), "already_held_ms"), spent);
	snprintf(kid, sizeof kid, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	r = req("POST", P(path, "/api/v1/custody/%s/close", kid), opj, json_pack("{s:s,s:s}", "end", "released", "condition_on_exit", EXIT_OK));
	th_expect(&r, 200);
	th_resp_free(&r);
	/* a maximum used up: refused (the time held set to 48 h directly) */
	char sql[300];
	snprintf(sql, sizeof sql, "UPDATE custodies SET ended_at = started_at + %lld WHERE id = '%s'", 48 * HOUR, kid);
	assert_int_equal(th_sql(&S, sql), 0);
	r = open_custody(cas, sus, 0);
	expect_problem(&r, 422, "custody-maximum-used");
	th_resp_free(&r);
}

/* The minors' procedure (CPP 458–460, rule data): a minor is retained only
 * by an OPJ charged with minors, with the prosecutor's agreement, in a place
 * reserved for minors, and heard with the guardian present; the custody PV
 * states the condition on entry and on exit. */
static void minors_procedure(void **st)
{
	(void)st;
	char cas[37], minor[37], kid[37], path[256], cin[16], pv[37];
	long long now = now_ms(), start = now - 3 * HOUR;
	new_case("flagrant", "CP-505", cas);
	snprintf(cin, sizeof cin, "BK%06d", 700000 + ++cin_seq);
	th_resp r = req("POST", P(path, "/api/v1/cases/%s/persons", cas), officer,
			json_pack("{s:s,s:{s:s,s:s,s:s,s:s,s:s,s:s,s:s}}", "role", "suspect", "person", "cin", cin,
				  "last_name_lat", "Alaoui", "first_name_lat", "Amine", "last_name_ar", "العلوي",
				  "first_name_ar", "أمين", "birth_date", "2011-05-10", "sex", "M"));
	th_expect(&r, 201);
	snprintf(minor, sizeof minor, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	json_t *body = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:b,s:s,s:I}", "person_id", minor, "regime", "minor",
				 "ground", GROUND, "ground_code", "PREVENT_FLIGHT", "condition_on_entry", ENTRY, "started_at",
				 (json_int_t)start, "place", "Brigade des mineurs, salle d'attente des mineurs",
				 "place_for_minors", 1, "prosecutor_agreement_ref", "PR/2026/MIN/17",
				 "prosecutor_agreement_at", (json_int_t)(start + 5 * MIN));
	/* an OPJ not charged with minors: refused (and audited as a refusal) */
	r = req("POST", P(path, "/api/v1/cases/%s/custody", cas), opj, json_deep_copy(body));
	expect_problem(&r, 403, "opj-minors-required");
	th_resp_free(&r);
	/* the administrator designates the OPJ (an OPJ only; once) */
	char *admin = th_login(&S, "demo-admin");
	r = req("POST", "/api/v1/users/demo-officer/minors-officer", admin,
		json_pack("{s:s,s:s}", "since", "2026-01-05", "decision_ref", "DGSN/PJ/2026/12"));
	expect_problem(&r, 422, "minors-officer-not-opj");
	th_resp_free(&r);
	r = req("POST", "/api/v1/users/demo-opj/minors-officer", opj,
		json_pack("{s:s,s:s}", "since", "2026-01-05", "decision_ref", "DGSN/PJ/2026/12"));
	th_expect(&r, 403);
	th_resp_free(&r);
	r = req("POST", "/api/v1/users/demo-opj/minors-officer", admin,
		json_pack("{s:s,s:s}", "since", "2026-01-05", "decision_ref", "DGSN/PJ/2026/12"));
	th_expect(&r, 201);
	assert_string_equal(th_str(&r, "badge"), "demo-opj");
	assert_string_equal(th_str(&r, "since"), "2026-01-05");
	th_resp_free(&r);
	r = req("POST", "/api/v1/users/demo-opj/minors-officer", admin,
		json_pack("{s:s,s:s}", "since", "2026-01-05", "decision_ref", "DGSN/PJ/2026/12"));
	expect_problem(&r, 409, "minors-officer-recorded");
	th_resp_free(&r);
	free(admin);
	/* the prosecutor's agreement, then the place reserved for minors */
	json_t *b = json_deep_copy(body);
	json_object_del(b, "prosecutor_agreement_ref");
	r = req("POST", P(path, "/api/v1/cases/%s/custody", cas), opj, b);
	expect_problem(&r, 422, "custody-minor-needs-agreement");
	th_resp_free(&r);
	b = json_deep_copy(body);
	json_object_set_new(b, "place_for_minors", json_false());
	r = req("POST", P(path, "/api/v1/cases/%s/custody", cas), opj, b);
	expect_problem(&r, 422, "custody-minor-place");
	th_resp_free(&r);
	/* a minor under the ordinary regime: refused (rule data, issue 11) */
	b = json_deep_copy(body);
	json_object_set_new(b, "regime", json_string("ordinary"));
	r = req("POST", P(path, "/api/v1/cases/%s/custody", cas), opj, b);
	expect_problem(&r, 422, "custody-minor-regime-required");
	th_resp_free(&r);
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM custodies WHERE case_id = '%s'", cas);
	assert_int_equal(th_sql_int(&S, sql), 0);
	r = req("POST", P(path, "/api/v1/cases/%s/custody", cas), opj, body);
	th_expect(&r, 201);
	snprintf(kid, sizeof kid, "%s", th_str(&r, "id"));
	assert_string_equal(th_str(&r, "prosecutor_agreement_ref"), "PR/2026/MIN/17");
	assert_true(json_is_true(json_object_get(r.json, "place_for_minors")));
	th_resp_free(&r);
	/* heard with the guardian present */
	r = session(kid, "questioning", start + 30 * MIN, start + 60 * MIN);
	expect_problem(&r, 422, "session-minor-needs-guardian");
	th_resp_free(&r);
	r = req("POST", P(path, "/api/v1/custody/%s/sessions", kid), officer,
		json_pack("{s:s,s:I,s:I,s:s}", "kind", "questioning", "started_at", (json_int_t)(start + 30 * MIN),
			  "ended_at", (json_int_t)(start + 60 * MIN), "guardian_present", "Mohamed Alaoui (père)"));
	th_expect(&r, 201);
	json_t *s0 = json_array_get(json_object_get(r.json, "sessions"), 0);
	assert_string_equal(jget(s0, "guardian_present"), "Mohamed Alaoui (père)");
	th_resp_free(&r);
	r = session(kid, "rest", start + 60 * MIN, start + 90 * MIN); /* a rest needs no guardian */
	th_expect(&r, 201);
	th_resp_free(&r);
	/* the register prints the agreement, the place and the guardian */
	r = req("GET", "/api/v1/units/" UNIT "/custody-register.html", officer, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "PR/2026/MIN/17"));
	assert_non_null(strstr(r.body, "Brigade des mineurs"));
	assert_non_null(strstr(r.body, "Mohamed Alaoui (père)"));
	th_resp_free(&r);
	/* the custody PV: a custody recorded before migration 0200 has no
	 * condition on exit — refused until it is there */
	r = notify(kid, right("reasons", start + 5 * MIN, true, NULL), right("silence", start + 5 * MIN, true, NULL),
		   right("lawyer", start + 5 * MIN, true, NULL), right("family", start + 5 * MIN, true, NULL),
		   right("interpreter", start + 5 * MIN, true, NULL), right("medical", start + 5 * MIN, true, NULL));
	th_expect(&r, 201);
	th_resp_free(&r);
	r = req("PATCH", P(path, "/api/v1/custody/%s", kid), officer,
		json_pack("{s:I,s:s,s:I,s:s}", "family_informed_at", (json_int_t)(start + 10 * MIN), "family_informed_how",
			  "téléphone au père", "guardian_informed_at", (json_int_t)(start + 10 * MIN),
			  "guardian_informed_how", "téléphone au père"));
	th_expect(&r, 200);
	th_resp_free(&r);
	r = req("POST", P(path, "/api/v1/custody/%s/close", kid), opj,
		json_pack("{s:s,s:s}", "end", "presented", "condition_on_exit", EXIT_OK));
	th_expect(&r, 200);
	th_resp_free(&r);
	draft_pv(cas, "arrest_custody", minor, kid, 0, pv);
	snprintf(sql, sizeof sql, "UPDATE custodies SET condition_on_exit = NULL WHERE id = '%s'", kid);
	assert_int_equal(th_sql(&S, sql), 0);
	r = seal(pv);
	expect_problem(&r, 422, "pv-custody-condition-missing");
	th_resp_free(&r);
	snprintf(sql, sizeof sql, "UPDATE custodies SET condition_on_exit = 'Bon état' WHERE id = '%s'", kid);
	assert_int_equal(th_sql(&S, sql), 0);
	r = seal(pv);
	th_expect(&r, 200);
	th_resp_free(&r);
}

/* A wanted notice carries the issuing magistrate's order: the authority
 * from the reference data, the order's reference and date (item 5) —
 * "moi-même" and no order are refused, and nothing is written. */
static void wanted_notice_needs_order(void **st)
{
	(void)st;
	static const char base[] = "{\"reference\":\"PR-W-%d\",\"issuing_authority\":\"%s\",\"offence_code\":\"CP-505\",\"offence\":\"vol qualifié\","
				   "\"danger\":\"high\",\"last_name_lat\":\"Haddaoui\",\"first_name_lat\":\"Karim\"%s}";
	char body[600], tail[300];
	long long before = th_sql_int(&S, "SELECT COUNT(*) FROM wanted_notices");
	snprintf(body, sizeof body, base, 1, "moi-même", "");
	th_resp r = th_json(&S, "POST", "/api/v1/registers/wanted", opj, body);
	expect_problem(&r, 422, "wanted-needs-order");
	th_resp_free(&r);
	snprintf(tail, sizeof tail, ",\"authority_code\":\"MOI-MEME\",\"order_reference\":\"PR/2026/77\",\"order_date\":\"2026-11-20\"");
	snprintf(body, sizeof body, base, 2, "moi-même", tail);
	r = th_json(&S, "POST", "/api/v1/registers/wanted", opj, body);
	expect_problem(&r, 422, "wanted-authority-unknown");
	th_resp_free(&r);
	snprintf(tail, sizeof tail, ",\"authority_code\":\"TPI-CASA-PENAL\",\"order_reference\":\"PR/2026/77\",\"order_date\":\"2099-01-01\"");
	snprintf(body, sizeof body, base, 3, "Procureur du Roi, TPI Casablanca", tail);
	r = th_json(&S, "POST", "/api/v1/registers/wanted", opj, body);
	expect_problem(&r, 422, "wanted-order-in-future");
	th_resp_free(&r);
	snprintf(tail, sizeof tail, ",\"authority_code\":\"TPI-CASA-PENAL\",\"order_date\":\"2026-11-20\"");
	snprintf(body, sizeof body, base, 4, "Procureur du Roi, TPI Casablanca", tail);
	r = th_json(&S, "POST", "/api/v1/registers/wanted", opj, body);
	expect_problem(&r, 422, "wanted-needs-order");
	th_resp_free(&r);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM wanted_notices"), before);
	snprintf(tail, sizeof tail, ",\"authority_code\":\"TPI-CASA-PENAL\",\"order_reference\":\"PR/2026/77\",\"order_date\":\"2026-11-20\"");
	snprintf(body, sizeof body, base, 5, "Procureur du Roi, TPI Casablanca", tail);
	r = th_json(&S, "POST", "/api/v1/registers/wanted", opj, body);
	th_expect(&r, 201);
	th_resp_free(&r);
	r = req("GET", "/api/v1/registers/wanted?status=active", opj, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "\"authority_code\":\"TPI-CASA-PENAL\""));
	assert_non_null(strstr(r.body, "\"order_reference\":\"PR/2026/77\""));
	th_resp_free(&r);
	/* the offence is an entry of the catalogue, not free text (item 5):
	 * a code not in it, or none, is refused and nothing is written */
	before = th_sql_int(&S, "SELECT COUNT(*) FROM wanted_notices");
	r = th_json(&S, "POST", "/api/v1/registers/wanted", opj,
		    "{\"reference\":\"PR-W-6\",\"issuing_authority\":\"Parquet\",\"authority_code\":\"TPI-CASA-PENAL\","
		    "\"order_reference\":\"PR/2026/78\",\"order_date\":\"2026-11-20\",\"offence_code\":\"CP-99999\","
		    "\"danger\":\"high\",\"last_name_lat\":\"Haddaoui\"}");
	expect_problem(&r, 422, "wanted-offence-unknown");
	th_resp_free(&r);
	r = th_json(&S, "POST", "/api/v1/registers/wanted", opj,
		    "{\"reference\":\"PR-W-7\",\"issuing_authority\":\"Parquet\",\"authority_code\":\"TPI-CASA-PENAL\","
		    "\"order_reference\":\"PR/2026/78\",\"order_date\":\"2026-11-20\",\"offence\":\"n'importe quoi\","
		    "\"danger\":\"high\",\"last_name_lat\":\"Haddaoui\"}");
	th_expect(&r, 400);
	assert_non_null(strstr(r.body, "\"field\":\"offence_code\""));
	th_resp_free(&r);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM wanted_notices"), before);
	/* the code alone: the notice reads the catalogue's label in both languages */
	r = th_json(&S, "POST", "/api/v1/registers/wanted", opj,
		    "{\"reference\":\"PR-W-8\",\"issuing_authority\":\"Parquet\",\"authority_code\":\"TPI-CASA-PENAL\","
		    "\"order_reference\":\"PR/2026/79\",\"order_date\":\"2026-11-20\",\"offence_code\":\"CP-392\","
		    "\"danger\":\"high\",\"last_name_lat\":\"Haddaoui\"}");
	th_expect(&r, 201);
	th_resp_free(&r);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM wanted_notices WHERE reference = 'PR-W-8' AND offence_code = "
					"'CP-392' AND offence LIKE 'Meurtre%'"),
			 1);
}

/* A search PV at 23:30 legal time without a recorded exception is refused;
 * with the exception it seals (CPP 62). */
static void search_at_night(void **st)
{
	(void)st;
	char cas[37], sus[37], pv[37];
	long long now = now_ms();
	new_case("flagrant", "CP-505", cas);
	add_person(cas, "suspect", sus);
	/* 23:30 legal time of yesterday: midnight legal (UTC+1 outside Ramadan) − 30 min */
	time_t t = (time_t)(now / 1000);
	struct tm tm;
	setenv("TZ", "Africa/Casablanca", 1);
	tzset();
	localtime_r(&t, &tm);
	tm.tm_hour = 23;
	tm.tm_min = 30;
	tm.tm_sec = 0;
	tm.tm_mday -= 1;
	tm.tm_isdst = -1;
	long long night = (long long)mktime(&tm) * 1000;
	draft_pv(cas, "search", sus, NULL, night, pv);
	th_resp r = seal(pv);
	expect_problem(&r, 422, "pv-search-outside-legal-hours");
	th_resp_free(&r);
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM pvs WHERE id = '%s' AND status = 'draft'", pv);
	assert_int_equal(th_sql_int(&S, sql), 1);
	patch_pv(pv, "{\"hours_exception\":\"Réquisition de l'occupant (art. 62 CPP)\"}");
	/* its template (data/pv_templates.json): the occupant, or two witnesses */
	r = seal(pv);
	expect_problem(&r, 422, "pv-template-search");
	th_resp_free(&r);
	patch_pv(pv, "{\"witnesses\":\"Kamal Idrissi, voisin\"}");
	r = seal(pv);
	expect_problem(&r, 422, "pv-template-search");
	th_resp_free(&r);
	patch_pv(pv, "{\"witnesses\":\"Kamal Idrissi, voisin\\nSaïd Berrada, gardien\"}");
	r = seal(pv);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "Berrada"));
	th_resp_free(&r);
	/* a seizure PV needs its inventory of scellés; a confrontation two persons */
	char pz[37], pc[37];
	draft_pv(cas, "seizure", NULL, NULL, 0, pz);
	r = seal(pz);
	expect_problem(&r, 422, "pv-template-seizure");
	th_resp_free(&r);
	patch_pv(pz, "{\"inventory\":\"Scellé n° 1 : un téléphone Samsung noir\"}");
	r = seal(pz);
	th_expect(&r, 200);
	th_resp_free(&r);
	draft_pv(cas, "confrontation", sus, NULL, 0, pc);
	r = seal(pc);
	expect_problem(&r, 422, "pv-template-confrontation");
	th_resp_free(&r);
	/* a requisition to an expert names the person required and the mission;
	 * the synthesis PV sums up the inquiry (templates as data, item 7) */
	char pe[37], ps[37], path[256];
	draft_pv(cas, "expert_requisition", NULL, NULL, 0, pe);
	patch_pv(pe, "{\"expert\":\"Dr Amina Lahlou, médecin légiste, CHU Ibn Rochd\"}");
	r = seal(pe);
	expect_problem(&r, 422, "pv-template-expert-requisition");
	th_resp_free(&r);
	patch_pv(pe, "{\"mission\":\"Examiner la victime et décrire ses blessures ; fixer l'incapacité\"}");
	r = seal(pe);
	th_expect(&r, 200);
	assert_string_equal(jget(json_object_get(r.json, "content"), "expert"), "Dr Amina Lahlou, médecin légiste, CHU Ibn Rochd");
	th_resp_free(&r);
	r = req("GET", P(path, "/api/v1/pvs/%s/print?lang=fr", pe), officer, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "Réquisition à personne qualifiée"));
	assert_non_null(strstr(r.body, "Mission (questions posées)"));
	assert_non_null(strstr(r.body, "fixer l&#39;incapacité"));
	th_resp_free(&r);
	r = req("GET", P(path, "/api/v1/pvs/%s/print?lang=ar", pe), officer, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "الشخص المسخر"));
	th_resp_free(&r);
	draft_pv(cas, "synthesis", NULL, NULL, 0, ps);
	r = seal(ps);
	expect_problem(&r, 422, "pv-template-synthesis");
	th_resp_free(&r);
	patch_pv(ps, "{\"synthesis\":\"Les faits de vol sont établis par les auditions et la saisie.\"}");
	r = seal(ps);
	th_expect(&r, 200);
	th_resp_free(&r);
}

/* A referral with no sealed PV is refused. */
static void referral_without_sealed_pv(void **st)
{
	(void)st;
	char cas[37], sus[37], pv[37], path[256];
	new_case("preliminary", "CP-505", cas);
	add_person(cas, "suspect", sus);
	draft_pv(cas, "hearing_suspect", sus, NULL, 0, pv);
	th_resp r = req("POST", P(path, "/api/v1/cases/%s/referral", cas), opj,
			json_pack("{s:s}", "drafts_reason", "Rien n'est scellé"));
	expect_problem(&r, 422, "referral-no-sealed-pv");
	th_resp_free(&r);
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM referrals WHERE case_id = '%s'", cas);
	assert_int_equal(th_sql_int(&S, sql), 0);
}

/* The seized items travel with the file (CPP 23): a referral deposits at
 * the office's court registry every item still held — a link of the chain
 * from the holder to the registry — and the bundle lists them there; an
 * item whose fate was decided stays where it is. */
static void seized_items_deposited_on_referral(void **st)
{
	(void)st;
	char cas[37], sus[37], pvz[37], path[256], s1[37], s2[37];
	long long now = now_ms();
	new_case("flagrant", "CP-505", cas);
	add_person(cas, "suspect", sus);
	draft_pv(cas, "seizure", NULL, NULL, 0, pvz);
	patch_pv(pvz, "{\"inventory\":\"Scellé OULFA-R-1 : un téléphone\\nScellé OULFA-R-2 : un couteau\"}");
	th_resp r = seal(pvz);
	th_expect(&r, 200);
	th_resp_free(&r);
	static const char *const seals[] = {"OULFA-R-1", "OULFA-R-2"};
	char *ids[] = {s1, s2};
	for (int i = 0; i < 2; i++) {
		r = req("POST", P(path, "/api/v1/cases/%s/seizures", cas), officer,
			json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:s}", "seal_no", seals[i], "description", "Objet saisi",
				  "quantity", "1", "storage_place", "Armoire des scellés", "holder", "demo-officer",
				  "seized_at", (json_int_t)(now - HOUR), "pv_id", pvz));
		th_expect(&r, 201);
		snprintf(ids[i], 37, "%s", th_str(&r, "id"));
		th_resp_free(&r);
	}
	/* the second one's fate is decided before the referral: it stays */
	r = req("POST", P(path, "/api/v1/seizures/%s/fate", s2), officer,
		json_pack("{s:s,s:s,s:s}", "fate", "destruction", "reference", "TPI/2026/90", "decided_on", "2026-11-30"));
	th_expect(&r, 200);
	th_resp_free(&r);
	r = req("POST", P(path, "/api/v1/cases/%s/referral", cas), opj, json_object());
	th_expect(&r, 201);
	char ref[37];
	snprintf(ref, sizeof ref, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	r = req("GET", P(path, "/api/v1/seizures/%s", s1), officer, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(th_str(&r, "holder"), "Greffe — "));
	assert_non_null(strstr(th_str(&r, "holder"), "كتابة الضبط"));
	json_t *chain = json_object_get(r.json, "chain");
	assert_int_equal(json_array_size(chain), 2);
	json_t *last = json_array_get(chain, 1);
	assert_string_equal(jget(last, "from"), "demo-officer");
	assert_non_null(strstr(jget(last, "to"), "TPI-CASA-PENAL"));
	assert_non_null(strstr(jget(last, "reason"), "dépôt au greffe"));
	th_resp_free(&r);
	r = req("GET", P(path, "/api/v1/seizures/%s", s2), officer, NULL);
	th_expect(&r, 200);
	assert_string_equal(th_str(&r, "holder"), "demo-officer");
	assert_int_equal(json_array_size(json_object_get(r.json, "chain")), 1);
	th_resp_free(&r);
	r = req("GET", P(path, "/api/v1/referrals/%s/bundle", ref), opj, NULL);
	th_expect(&r, 200);
	json_t *items = json_object_get(json_object_get(r.json, "bundle"), "seizures");
	assert_int_equal(json_array_size(items), 2);
	bool found = false;
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o) if (strcmp(jget(o, "seal_no"), "OULFA-R-1") == 0) found =
		strstr(jget(o, "holder"), "Greffe — ") != NULL;
	assert_true(found);
	th_resp_free(&r);
}

/* A line by hand in the main courante is today's, and the day is read by the unit's readers only. */
static void courante_lines(void **st)
{
	(void)st;
	long long now = now_ms();
	th_resp r = req("POST", "/api/v1/units/" UNIT "/main-courante", officer,
			json_pack("{s:I,s:s,s:s}", "at", (json_int_t)(now - 30 * HOUR), "kind", "patrol", "text",
				  "Patrouille de la veille"));
	expect_problem(&r, 422, "line-not-today");
	th_resp_free(&r);
	r = req("POST", "/api/v1/units/" UNIT "/main-courante", officer,
		json_pack("{s:I,s:s,s:s}", "at", (json_int_t)(now + 3 * HOUR), "kind", "patrol", "text", "Plus tard"));
	expect_problem(&r, 422, "proc-time-in-future");
	th_resp_free(&r);
}

/* try_case asks for a case of offence (attempted or not), frame and date of facts (0: none). */
static th_resp try_case(const char *frame, const char *offence, bool attempted, long long facts)
{
	json_t *b = json_pack("{s:s,s:[{s:s,s:b}],s:s}", "frame", frame, "offences", "code", offence, "attempted",
			      attempted, "summary", "Affaire de test des refus");
	if (facts)
		json_object_set_new(b, "occurred_from", json_integer(facts));
	return req("POST", "/api/v1/cases", officer, b);
}

/* The attempt (CP 114–116): never of a contravention, of a délit only where a
 * text punishes it (reference data), of a crime always; flagrance (CPP 56)
 * only for crimes and délits; an offence applies only if in force on the date
 * of the facts. Nothing is written by a refusal. */
static void attempts_flagrance_and_dates(void **st)
{
	(void)st;
	long long before = th_sql_int(&S, "SELECT COUNT(*) FROM cases");
	th_resp r = try_case("preliminary", "CP-608", true, 0);
	expect_problem(&r, 422, "attempt-contravention");
	th_resp_free(&r);
	r = try_case("preliminary", "CP-400", true, 0);
	expect_problem(&r, 422, "attempt-not-punishable");
	th_resp_free(&r);
	r = try_case("flagrant", "CP-608", false, 0);
	expect_problem(&r, 422, "flagrance-not-for-contravention");
	th_resp_free(&r);
	/* facts of June 2025 under the 2026 text, and of June 2026 under the 2025 one */
	r = try_case("preliminary", "CCOM-316-PROV-2026", false, 1748772000000LL);
	expect_problem(&r, 422, "offence-not-in-force-at-facts");
	th_resp_free(&r);
	r = try_case("preliminary", "CCOM-316-PROV-2025", false, 1780308000000LL);
	expect_problem(&r, 422, "offence-not-in-force-at-facts");
	th_resp_free(&r);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM cases"), before);
	/* the lawful ones */
	r = try_case("flagrant", "CP-505", true, 0); /* attempted theft: CP 539 */
	th_expect(&r, 201);
	char cas[37], path[256];
	snprintf(cas, sizeof cas, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	r = try_case("preliminary", "CCOM-316-PROV-2025", false, 1748772000000LL);
	th_expect(&r, 201);
	th_resp_free(&r);
	r = try_case("preliminary", "CP-509", true, 0); /* a crime: the attempt always */
	th_expect(&r, 201);
	th_resp_free(&r);
	/* one more charge follows the same rules */
	r = req("POST", P(path, "/api/v1/cases/%s/offences", cas), officer,
		json_pack("{s:s,s:b}", "code", "CP-400", "attempted", 1));
	expect_problem(&r, 422, "attempt-not-punishable");
	th_resp_free(&r);
}

/* A seizure time in the future is refused. */
static void seizure_in_future(void **st)
{
	(void)st;
	char cas[37], path[256], pvz[37], pvh[37], sus[37];
	new_case("flagrant", "CP-505", cas);
	add_person(cas, "suspect", sus);
	long long now = now_ms();
	draft_pv(cas, "seizure", NULL, NULL, 0, pvz);
	draft_pv(cas, "hearing_suspect", sus, NULL, 0, pvh);
	th_resp r = req("POST", P(path, "/api/v1/cases/%s/seizures", cas), officer,
			json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:s}", "seal_no", "OULFA-F-0001", "description", "Téléphone",
				  "quantity", "1", "storage_place", "Armoire A", "holder", "demo-officer", "seized_at",
				  (json_int_t)(now + 3 * HOUR), "pv_id", pvz));
	expect_problem(&r, 422, "seizure-in-future");
	th_resp_free(&r);
	/* a seizure is recorded by its PV (item 8): required, and of a kind that records a seizure */
	r = req("POST", P(path, "/api/v1/cases/%s/seizures", cas), officer,
		json_pack("{s:s,s:s,s:s,s:s,s:s,s:I}", "seal_no", "OULFA-F-0001", "description", "Téléphone", "quantity",
			  "1", "storage_place", "Armoire A", "holder", "demo-officer", "seized_at", (json_int_t)(now - HOUR)));
	expect_problem(&r, 422, "seizure-needs-pv");
	th_resp_free(&r);
	r = req("POST", P(path, "/api/v1/cases/%s/seizures", cas), officer,
		json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:s}", "seal_no", "OULFA-F-0001", "description", "Téléphone",
			  "quantity", "1", "storage_place", "Armoire A", "holder", "demo-officer", "seized_at",
			  (json_int_t)(now - HOUR), "pv_id", pvh));
	expect_problem(&r, 422, "seizure-pv-wrong-type");
	th_resp_free(&r);
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM seizures WHERE case_id = '%s'", cas);
	assert_int_equal(th_sql_int(&S, sql), 0);
	r = req("POST", P(path, "/api/v1/cases/%s/seizures", cas), officer,
		json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:s}", "seal_no", "OULFA-F-0001", "description", "Téléphone", "quantity",
			  "1", "storage_place", "Armoire A", "holder", "demo-officer", "seized_at", (json_int_t)(now - HOUR),
			  "pv_id", pvz));
	th_expect(&r, 201);
	th_resp_free(&r);
}

/* Summons and warrants (item 5): a convocation says when; a warrant carries
 * its magistrate's order — the authority from the reference data (today a
 * wanted notice still takes "moi-même"), the reference, the date — and is
 * executed once; a convocation is served (how), then attended or not. */
static void summons_and_warrants(void **st)
{
	(void)st;
	char cas[37], sus[37], wit[37], path[256];
	long long now = now_ms();
	new_case("preliminary", "CP-505", cas);
	add_person(cas, "suspect", sus);
	add_person(cas, "witness", wit);
	P(path, "/api/v1/cases/%s/summons", cas);
	th_resp r = req("POST", path, officer, json_pack("{s:s,s:s,s:s}", "person_id", wit, "kind", "convocation", "purpose", "Audition du témoin"));
	th_expect(&r, 400);
	th_resp_free(&r);
	r = req("POST", path, officer, json_pack("{s:s,s:s,s:s}", "person_id", sus, "kind", "mandat_amener", "purpose", "Amener devant le parquet"));
	th_expect(&r, 400);
	th_resp_free(&r);
	r = req("POST", path, officer,
		json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "person_id", sus, "kind", "mandat_amener", "purpose", "Amener", "authority",
			  "moi-meme", "order_reference", "MA/2026/12", "order_date", "2026-11-30"));
	expect_problem(&r, 422, "warrant-authority-unknown");
	th_resp_free(&r);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM proc_summons"), 0);
	r = req("POST", path, officer,
		json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "person_id", sus, "kind", "mandat_amener", "purpose",
			  "Amener devant le substitut", "authority", "TPI-CASA-PENAL", "issued_by", "M. le Substitut du Procureur du Roi",
			  "order_reference", "MA/2026/12", "order_date", "2026-11-30"));
	th_expect(&r, 201);
	json_t *w = json_array_get(json_object_get(r.json, "summons"), 0);
	char wid[37];
	snprintf(wid, sizeof wid, "%s", jget(w, "id"));
	assert_string_equal(jget(w, "authority"), "TPI-CASA-PENAL");
	assert_string_equal(jget(w, "status"), "issued");
	th_resp_free(&r);
	r = req("POST", path, officer,
		json_pack("{s:s,s:s,s:s,s:I}", "person_id", wit, "kind", "convocation", "purpose", "Audition du témoin",
			  "summoned_for", (json_int_t)(now + 48 * HOUR)));
	th_expect(&r, 201);
	char cid[37];
	snprintf(cid, sizeof cid, "%s", jget(json_array_get(json_object_get(r.json, "summons"), 1), "id"));
	th_resp_free(&r);
	P(path, "/api/v1/cases/%s/summons/outcomes", cas);
	r = req("POST", path, officer, json_pack("{s:s,s:s}", "summons_id", cid, "status", "executed"));
	expect_problem(&r, 422, "summons-outcome-not-for-kind");
	th_resp_free(&r);
	r = req("POST", path, officer, json_pack("{s:s,s:s}", "summons_id", cid, "status", "served"));
	expect_problem(&r, 422, "summons-served-how");
	th_resp_free(&r);
	r = req("POST", path, officer, json_pack("{s:s,s:s,s:s}", "summons_id", cid, "status", "served", "served_how", "in_person"));
	th_expect(&r, 200);
	th_resp_free(&r);
	r = req("POST", path, officer, json_pack("{s:s,s:s,s:s}", "summons_id", cid, "status", "absent", "note", "Ne s'est pas présenté"));
	th_expect(&r, 200);
	th_resp_free(&r);
	r = req("POST", path, officer, json_pack("{s:s,s:s,s:s}", "summons_id", wid, "status", "executed", "note", "Amené au parquet à 10 h"));
	th_expect(&r, 200);
	json_t *list = json_object_get(r.json, "summons");
	assert_string_equal(jget(json_array_get(list, 0), "status"), "executed");
	assert_string_equal(jget(json_array_get(list, 1), "status"), "absent");
	assert_string_equal(jget(json_array_get(list, 1), "served_how"), "in_person");
	th_resp_free(&r);
	r = req("POST", path, officer, json_pack("{s:s,s:s}", "summons_id", wid, "status", "executed"));
	expect_problem(&r, 409, "summons-closed");
	th_resp_free(&r);
}

/* Seized items (item 8): drugs by substance and weight with sampling, from
 * whom (a person of the case) and where; the judicial decision on the
 * item's fate recorded once, a restitution naming to whom. */
static void seized_items_fate(void **st)
{
	(void)st;
	char cas[37], sus[37], vic[37], path[256], sid[37], pvz[37];
	long long now = now_ms();
	new_case("flagrant", "CP-505", cas);
	add_person(cas, "suspect", sus);
	draft_pv(cas, "search", NULL, NULL, 0, pvz);
	th_resp r = req("POST", P(path, "/api/v1/cases/%s/seizures", cas), officer,
			json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "seal_no", "OULFA-D-0001", "description", "Résine de cannabis",
				  "quantity", "3 plaquettes", "storage_place", "Coffre", "holder", "demo-officer", "category", "drugs",
				  "pv_id", pvz));
	th_expect(&r, 400);
	th_resp_free(&r);
	r = req("POST", P(path, "/api/v1/cases/%s/seizures", cas), officer,
		json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:b,s:s,s:s,s:I,s:s}", "seal_no", "OULFA-D-0001", "description",
			  "Résine de cannabis", "quantity", "3 plaquettes", "storage_place", "Coffre", "holder", "demo-officer",
			  "category", "drugs", "substance", "résine de cannabis", "weight_mg", (json_int_t)312500, "sampled", 1,
			  "seized_from_id", sus, "seized_place", "Poche du blouson", "seized_at", (json_int_t)(now - HOUR),
			  "pv_id", pvz));
	th_expect(&r, 201);
	snprintf(sid, sizeof sid, "%s", th_str(&r, "id"));
	assert_int_equal(jint(r.json, "weight_mg"), 312500);
	assert_string_equal(th_str(&r, "seized_from_id"), sus);
	th_resp_free(&r);
	add_person(cas, "victim", vic);
	P(path, "/api/v1/seizures/%s/fate", sid);
	r = req("POST", path, officer, json_pack("{s:s,s:s,s:s}", "fate", "restitution", "reference", "TPI/2026/77", "decided_on", "2026-11-30"));
	th_expect(&r, 400);
	th_resp_free(&r);
	r = req("POST", path, officer, json_pack("{s:s,s:s,s:s}", "fate", "destruction", "reference", "TPI/2026/77", "decided_on", "2099-01-01"));
	expect_problem(&r, 422, "seizure-fate-in-future");
	th_resp_free(&r);
	r = req("POST", path, officer, json_pack("{s:s,s:s,s:s}", "fate", "destruction", "reference", "TPI/2026/77", "decided_on", "2026-11-30"));
	th_expect(&r, 200);
	assert_string_equal(th_str(&r, "fate"), "destruction");
	assert_string_equal(th_str(&r, "fate_reference"), "TPI/2026/77");
	th_resp_free(&r);
	r = req("POST", path, officer, json_pack("{s:s,s:s,s:s,s:s}", "fate", "restitution", "reference", "TPI/2026/78", "decided_on", "2026-11-30", "to", "Bennani Youssef"));
	expect_problem(&r, 409, "seizure-fate-recorded");
	th_resp_free(&r);
}

/* The walk's day, once over: the main courante closed and sealed with the
 * walk's lines, verified, printed; a changed line breaks the seal. Last,
 * since it moves the clock a day on. */
static void walk_day_sealed(void **st)
{
	(void)st;
	char path[256], day[16];
	snprintf(day, sizeof day, "%s", walk_day);
	/* the day over: sealed, verified, and a second seal refused */
	th_set_clock(&S, 24 * HOUR);
	login_all();
	th_resp r = req("POST", "/api/v1/units/" UNIT "/main-courante/seal", opj, json_pack("{s:s}", "day", day));
	th_expect(&r, 200);
	assert_string_equal(th_str(&r, "status"), "sealed");
	assert_true(json_is_true(json_object_get(r.json, "verified")));
	size_t nlines = json_array_size(json_object_get(r.json, "lines"));
	assert_true(nlines >= 7);
	assert_true(has_line(json_object_get(r.json, "lines"), "custody_start", walk_custody));
	th_resp_free(&r);
	r = req("POST", "/api/v1/units/" UNIT "/main-courante/seal", opj, json_pack("{s:s}", "day", day));
	expect_problem(&r, 409, "courante-day-sealed");
	th_resp_free(&r);
	r = req("GET", P(path, "/api/v1/units/" UNIT "/main-courante.html?date=%s", day), officer, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "Appel 19"));
	assert_null(strstr(r.body, "courante_kind."));
	th_resp_free(&r);
	/* a line changed behind the server's back shows as a broken seal */
	char sql[256];
	snprintf(sql, sizeof sql, "UPDATE main_courante SET text = 'effacé' WHERE day = '%s' AND kind = 'call'", day);
	assert_int_equal(th_sql(&S, sql), 0);
	r = req("GET", P(path, "/api/v1/units/" UNIT "/main-courante?date=%s", day), officer, NULL);
	th_expect(&r, 200);
	assert_false(json_is_true(json_object_get(r.json, "verified")));
	th_resp_free(&r);
}


/* Retention (loi 09-08 art 3): the rules of data/retention.json are loaded
 * (ten years, which the test clock cannot reach: it moves at most
 * SJ_TEST_CLOCK_MAX_MS), and a rule of 30 days is added as rule data. With
 * the clock moved 32 days on, the job purges exactly the periods and rights
 * of the custodies ended before the cut and the lines of the days before it
 * — not a younger custody's — leaves one tombstone each, changes nothing on
 * a second run, and `sijill audit verify` still passes. */
static void retention_purges_what_the_rule_says(void **st)
{
	(void)st;
	char cas[37], sus[37], young[37], path[256], sql[300];
	long long day_ms = 24 * HOUR;
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM retention_rules WHERE code IN ('RET-GAV-REG-10A', 'RET-MC-10A')"), 2);
	assert_int_equal(th_sql(&S, "INSERT INTO retention_rules (code, version, kind, outcome, keep_days, effective_from,"
				    " uncertain, source, loaded_at) VALUES ('RET-TEST-GAV-30J', 'test', 'custody_register', 'ended',"
				    " 30, '2026-01-01', 1, 'test', 0), ('RET-TEST-MC-30J', 'test', 'main_courante', 'sealed', 30,"
				    " '2026-01-01', 1, 'test', 0), ('RET-TEST-HIT-30J', 'test', 'register_hit', 'any', 30,"
				    " '2026-01-01', 1, 'test', 0)"), 0);
	/* two hits of the registers (another module's records, item 5): one
	 * recorded now, one in 10 days (after the cut): only the first goes */
	long long real = now_ms();
	snprintf(sql, sizeof sql,
		 "INSERT INTO hits (id, at, register, record_id, owner_unit_id, source, entered, score, actor_unit_id)"
		 " SELECT 'hit-old-1', %lld, 'wanted', 'w-x', id, 'lookup', 'Test', 900, id FROM units WHERE code = '" UNIT "'",
		 real);
	assert_int_equal(th_sql(&S, sql), 0);
	snprintf(sql, sizeof sql,
		 "INSERT INTO hits (id, at, register, record_id, owner_unit_id, source, entered, score, actor_unit_id)"
		 " SELECT 'hit-young-1', %lld, 'wanted', 'w-x', id, 'lookup', 'Test', 900, id FROM units WHERE code = '" UNIT "'",
		 real + 10 * day_ms);
	assert_int_equal(th_sql(&S, sql), 0);
	long long old_hits = th_sql_int(&S, "SELECT COUNT(*) FROM hits WHERE id <> 'hit-young-1'");
	long long off = 20 * day_ms;
	th_set_clock(&S, off);
	login_all();
	long long now = now_ms() + off;
	new_case("flagrant", "CP-505", cas);
	add_person(cas, "suspect", sus);
	th_resp r = open_custody(cas, sus, now - 2 * HOUR);
	th_expect(&r, 201);
	snprintf(young, sizeof young, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	r = session(young, "rest", now - 100 * MIN, now - 90 * MIN);
	th_expect(&r, 201);
	th_resp_free(&r);
	r = notify(young, right("silence", now - 110 * MIN, true, NULL));
	th_expect(&r, 201);
	th_resp_free(&r);
	r = req("POST", P(path, "/api/v1/custody/%s/close", young), opj, json_pack("{s:s,s:s}", "end", "released", "condition_on_exit", EXIT_OK));
	th_expect(&r, 200);
	th_resp_free(&r);
	long long old_rows = th_sql_int(&S, "SELECT COUNT(*) FROM custody_sessions") +
			     th_sql_int(&S, "SELECT COUNT(*) FROM custody_rights_notices") - 2;
	assert_true(old_rows > 0);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM main_courante WHERE day = '%s'", walk_day);
	assert_true(th_sql_int(&S, sql) > 0);

	/* the person's record says when its register goes: the shortest rule in force */
	r = req("GET", P(path, "/api/v1/persons/%s/retention", sus), officer, NULL);
	th_expect(&r, 200);
	json_t *part = json_array_get(json_object_get(r.json, "parts"), 0);
	assert_string_equal(jget(part, "kind"), "custody_register");
	assert_string_equal(jget(part, "rule_code"), "RET-TEST-GAV-30J");
	assert_int_equal(jint(part, "goes_at"), jint(part, "ended_at") + 30 * day_ms);
	assert_true(json_is_null(json_object_get(part, "purged_at")));
	assert_int_equal(json_array_size(json_object_get(r.json, "kept")), 3);
	th_resp_free(&r);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM retention_tombstones"), 0);

	/* 32 days after the walk: the cut falls two days after it, twelve before
	 * the young custody. The server's daily job (legal time, after 01:00)
	 * runs the new day's retention by itself — the clock moved wakes it. */
	th_set_clock(&S, 32 * day_ms);
	login_all();
	char *admin = th_login(&S, "demo-admin");
	for (int k = 0; k < 150 && th_sql_int(&S, "SELECT COUNT(*) FROM retention_tombstones") == 0; k++) {
		struct timespec ms100 = {0, 100000000};
		nanosleep(&ms100, NULL);
	}
	r = req("POST", "/api/v1/retention/run", opj, NULL);
	th_expect(&r, 403);
	th_resp_free(&r);
	size_t reg = (size_t)th_sql_int(&S, "SELECT COUNT(*) FROM retention_tombstones WHERE kind = 'custody_register'"),
	       mc = (size_t)th_sql_int(&S, "SELECT COUNT(*) FROM retention_tombstones WHERE kind = 'main_courante'");
	long long rows = th_sql_int(&S, "SELECT COALESCE(SUM(rows_purged), 0) FROM retention_tombstones"
					 " WHERE kind = 'custody_register'");
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM retention_tombstones WHERE kind = 'custody_register'"
					" AND rule_code <> 'RET-TEST-GAV-30J'"), 0);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM retention_tombstones WHERE kind = 'main_courante'"
					" AND rule_code <> 'RET-TEST-MC-30J'"), 0);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM retention_tombstones WHERE LENGTH(digest) <> 64"), 0);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM retention_tombstones WHERE record_id = '%s'", young);
	assert_int_equal(th_sql_int(&S, sql), 0);
	/* the job ran once for the day, as the system, audited with its tombstones */
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM audit_log WHERE action = 'retention.run' AND badge = 'system'"), 1);
	long long hits = th_sql_int(&S, "SELECT COUNT(*) FROM retention_tombstones WHERE kind = 'register_hit'"
					" AND rule_code = 'RET-TEST-HIT-30J' AND rows_purged = 1");
	assert_int_equal(hits, old_hits); /* every hit before the cut, through the registers' own purge */
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM hits"), 1);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM hits WHERE id = 'hit-young-1'"), 1);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM retention_tombstones WHERE record_id = 'hit-old-1'"), 1);
	assert_int_equal(th_sql_int(&S, "SELECT MAX(tombstones) FROM retention_job_runs"), (long long)(reg + mc) + hits);
	assert_int_equal(reg, 2); /* the walk's custody and the minor's, with their registers (the others had none) */
	assert_int_equal(mc, 1); /* the walk's sealed day */
	assert_int_equal(rows, old_rows);
	/* exactly: the young custody's period and right stay, nothing old does */
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM custody_sessions WHERE custody_id <> '%s'", young);
	assert_int_equal(th_sql_int(&S, sql), 0);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM custody_rights_notices WHERE custody_id <> '%s'", young);
	assert_int_equal(th_sql_int(&S, sql), 0);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM custody_sessions WHERE custody_id = '%s'", young);
	assert_int_equal(th_sql_int(&S, sql), 1);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM custody_rights_notices WHERE custody_id = '%s'", young);
	assert_int_equal(th_sql_int(&S, sql), 1);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM main_courante WHERE day = '%s'", walk_day);
	assert_int_equal(th_sql_int(&S, sql), 0);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM retention_tombstones"), (long long)(reg + mc) + hits);
	/* the tombstone of the custody: the custody itself (the case's record) stays */
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM retention_tombstones WHERE record_id = '%s'", walk_custody);
	assert_int_equal(th_sql_int(&S, sql), 1);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM custodies WHERE id = '%s'", walk_custody);
	assert_int_equal(th_sql_int(&S, sql), 1);
	r = req("GET", P(path, "/api/v1/units/" UNIT "/main-courante?date=%s", walk_day), officer, NULL);
	th_expect(&r, 200);
	assert_string_equal(th_str(&r, "status"), "purged");
	assert_int_equal(json_array_size(json_object_get(r.json, "lines")), 0);
	th_resp_free(&r);
	/* a second run purges nothing; the purge is audited; the chain verifies */
	r = req("POST", "/api/v1/retention/run", admin, NULL);
	th_expect(&r, 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "purged")), 0);
	th_resp_free(&r);
	assert_true(th_sql_int(&S, "SELECT COUNT(*) FROM audit_log WHERE action = 'retention.run' AND outcome = 'ok'") >= 2);
	free(admin);
	th_set_clock(&S, 0);
	login_all();
	char out[4096];
	const char *args[] = {"audit", "verify", NULL};
	int rc = th_cli(&S, out, sizeof out, args);
	if (rc != 0)
		fprintf(stderr, "# audit verify: %s\n", out);
	assert_int_equal(rc, 0);
}

/* Item 9: a witness's identity protected in the case (loi 37-10): the
 * decision's refusals, the pseudonym everywhere the case is read (the case,
 * its PVs, the printed PV, the person page), and the reveal to the case's
 * OPJ only, with a purpose, audited with its subject. */
static void witness_identity_protected(void **st)
{
	(void)st;
	char cas[37], sus[37], wit[37], pv[37], path[256];
	new_case("preliminary", "CP-505", cas);
	add_person(cas, "suspect", sus);
	th_resp r = req("POST", P(path, "/api/v1/cases/%s/persons", cas), officer,
			json_pack("{s:s,s:{s:s,s:s,s:s,s:s}}", "role", "witness", "person", "cin", "BK991177",
				  "last_name_lat", "Temoinsecret", "first_name_lat", "Hamid", "birth_date", "1980-01-01",
				  "sex", "M"));
	th_expect(&r, 201);
	snprintf(wit, sizeof wit, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	draft_pv(cas, "hearing_witness", wit, NULL, 0, pv);
	long long now = now_ms();
#define PROTECT(who, pid, at, office) \
	req("POST", P(path, "/api/v1/cases/%s/protections", cas), who, \
	    json_pack("{s:s,s:s,s:I,s:s,s:s}", "person_id", pid, "ground", "Menaces de représailles", "decided_at", \
		      (json_int_t)(at), "authority_code", office, "authorisation_reference", "PR-2026-77"))
	r = PROTECT(opj, sus, now - HOUR, "TPI-CASA-PENAL");
	expect_problem(&r, 422, "protection-not-for-role");
	th_resp_free(&r);
	r = PROTECT(opj, wit, now + HOUR, "TPI-CASA-PENAL");
	expect_problem(&r, 422, "protection-in-future");
	th_resp_free(&r);
	r = PROTECT(opj, wit, now - HOUR, "NO-SUCH-OFFICE");
	expect_problem(&r, 422, "protection-authority-unknown");
	th_resp_free(&r);
	r = PROTECT(officer, wit, now - HOUR, "TPI-CASA-PENAL"); /* the decision is an OPJ's */
	th_expect(&r, 403);
	th_resp_free(&r);
	char sql[300];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM case_protections WHERE case_id = '%s'", cas);
	assert_int_equal(th_sql_int(&S, sql), 0);
	r = PROTECT(opj, wit, now - HOUR, "TPI-CASA-PENAL");
	th_expect(&r, 201);
	assert_int_equal(jint(r.json, "n"), 1);
	assert_null(json_object_get(r.json, "person_id"));
	th_resp_free(&r);
	r = PROTECT(opj, wit, now - HOUR, "TPI-CASA-PENAL");
	expect_problem(&r, 409, "protection-recorded");
	th_resp_free(&r);
#undef PROTECT

	/* the case: the pseudonym's number, no id, nothing of the record */
	r = req("GET", P(path, "/api/v1/cases/%s", cas), officer, NULL);
	th_expect(&r, 200);
	assert_null(strstr(r.body, "Temoinsecret"));
	assert_null(strstr(r.body, "BK991177"));
	assert_null(strstr(r.body, wit));
	size_t i;
	json_t *o;
	int protected_rows = 0;
	json_array_foreach(json_object_get(r.json, "persons"), i, o) {
		if (jint(o, "protected_n") == 1) {
			protected_rows++;
			assert_string_equal(jget(o, "role"), "witness");
		} else {
			assert_string_equal(jget(o, "person_id"), sus);
		}
	}
	assert_int_equal(protected_rows, 1);
	th_resp_free(&r);
	/* the PV, sealed, read and printed in both languages */
	r = seal(pv);
	th_expect(&r, 200);
	th_resp_free(&r);
	r = req("GET", P(path, "/api/v1/pvs/%s", pv), officer, NULL);
	th_expect(&r, 200);
	assert_int_equal(jint(r.json, "protected_n"), 1);
	assert_true(json_is_true(json_object_get(json_object_get(r.json, "seal"), "verified")));
	assert_null(strstr(r.body, "Temoinsecret"));
	assert_null(strstr(r.body, "BK991177"));
	th_resp_free(&r);
	r = req("GET", P(path, "/api/v1/pvs/%s/print?lang=fr", pv), officer, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "Témoin protégé n° 1"));
	assert_null(strstr(r.body, "Temoinsecret"));
	assert_null(strstr(r.body, "TEMOINSECRET"));
	assert_null(strstr(r.body, "BK991177"));
	th_resp_free(&r);
	r = req("GET", P(path, "/api/v1/pvs/%s/print?lang=ar", pv), officer, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "شاهد محمي رقم 1"));
	assert_null(strstr(r.body, "BK991177"));
	th_resp_free(&r);
	/* the person page does not link the person to the case: their only
	 * case is this one, so it is not the unit's to read */
	r = req("GET", P(path, "/api/v1/persons/%s", wit), officer, NULL);
	th_expect(&r, 403);
	th_resp_free(&r);

	/* the reveal: the case's OPJ only, with a purpose */
	r = req("POST", P(path, "/api/v1/cases/%s/protections/1/reveal", cas), officer,
		json_pack("{s:s}", "purpose", "Curiosité"));
	expect_problem(&r, 403, "reveal-not-case-opj");
	th_resp_free(&r);
	r = req("POST", P(path, "/api/v1/cases/%s/protections/1/reveal", cas), opj, json_object());
	assert_true(r.status == 400 || r.status == 422);
	th_resp_free(&r);
	r = req("POST", P(path, "/api/v1/cases/%s/protections/7/reveal", cas), opj,
		json_pack("{s:s}", "purpose", "Confrontation ordonnée"));
	expect_problem(&r, 404, "protection-not-found");
	th_resp_free(&r);
	r = req("POST", P(path, "/api/v1/cases/%s/protections/1/reveal", cas), opj,
		json_pack("{s:s}", "purpose", "Confrontation ordonnée par le parquet"));
	th_expect(&r, 200);
	json_t *p = json_object_get(r.json, "person");
	assert_string_equal(jget(p, "last_name_lat"), "Temoinsecret");
	assert_string_equal(jget(p, "cin"), "BK991177");
	assert_string_equal(jget(r.json, "ground"), "Menaces de représailles");
	th_resp_free(&r);
	snprintf(sql, sizeof sql,
		 "SELECT COUNT(*) FROM audit_log WHERE action = 'case.protection.reveal' AND object_id = '%s'"
		 " AND purpose = 'Confrontation ordonnée par le parquet' AND outcome = 'ok'",
		 wit);
	assert_int_equal(th_sql_int(&S, sql), 1);
	/* the refusals left no entry of a reveal that happened */
	snprintf(sql, sizeof sql,
		 "SELECT COUNT(*) FROM audit_log WHERE action = 'case.protection.reveal' AND outcome = 'ok'"
		 " AND object_id = '%s'",
		 wit);
	assert_int_equal(th_sql_int(&S, sql), 1);
}

/* Item 4: a minor victim is named on the case page of those who work the
 * case (its unit's writers) and masked everywhere else: the case read by a
 * national analyst, the person page, a person search. */
static void minor_victim_masked(void **st)
{
	(void)st;
	char cas[37], minor[37], adult[37], path[256];
	new_case("preliminary", "CP-505", cas);
	th_resp r = req("POST", P(path, "/api/v1/cases/%s/persons", cas), officer,
			json_pack("{s:s,s:{s:s,s:s,s:s,s:s}}", "role", "victim", "person", "last_name_lat", "Mineurvictime",
				  "first_name_lat", "Ilyas", "birth_date", "2013-04-04", "sex", "M"));
	th_expect(&r, 201);
	snprintf(minor, sizeof minor, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	r = req("POST", P(path, "/api/v1/cases/%s/persons", cas), officer,
		json_pack("{s:s,s:{s:s,s:s,s:s,s:s}}", "role", "victim", "person", "last_name_lat", "Majeurvictime",
			  "first_name_lat", "Omar", "birth_date", "1970-04-04", "sex", "M"));
	th_expect(&r, 201);
	snprintf(adult, sizeof adult, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	char *analyst = th_login(&S, "demo-analyst");
	/* who works the case reads the names */
	r = req("GET", P(path, "/api/v1/cases/%s", cas), officer, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "Mineurvictime"));
	th_resp_free(&r);
	r = req("GET", P(path, "/api/v1/persons/%s", minor), officer, NULL);
	th_expect(&r, 200);
	assert_string_equal(th_str(&r, "last_name_lat"), "Mineurvictime");
	th_resp_free(&r);
	/* a national analyst reads the case without the minor's name */
	r = req("GET", P(path, "/api/v1/cases/%s", cas), analyst, NULL);
	th_expect(&r, 200);
	assert_null(strstr(r.body, "Mineurvictime"));
	assert_non_null(strstr(r.body, "Majeurvictime"));
	size_t i;
	json_t *o;
	int masked = 0;
	json_array_foreach(json_object_get(r.json, "persons"), i, o) if (strcmp(jget(o, "masked"), "minor_victim") == 0)
	{
		masked++;
		assert_string_equal(jget(o, "person_id"), minor);
	}
	assert_int_equal(masked, 1);
	th_resp_free(&r);
	r = req("GET", P(path, "/api/v1/persons/%s", minor), analyst, NULL);
	th_expect(&r, 200);
	assert_null(strstr(r.body, "Mineurvictime"));
	assert_string_equal(th_str(&r, "masked"), "minor_victim");
	th_resp_free(&r);
	r = req("GET", P(path, "/api/v1/persons/%s", adult), analyst, NULL);
	th_expect(&r, 200);
	assert_string_equal(th_str(&r, "last_name_lat"), "Majeurvictime");
	th_resp_free(&r);
	/* a person search: the analyst finds the record, not the name */
	r = req("GET", "/api/v1/persons/search?q=Mineurvictime%20Ilyas&purpose=enquete%20nationale", analyst, NULL);
	th_expect(&r, 200);
	assert_null(strstr(r.body, "Mineurvictime"));
	assert_non_null(strstr(r.body, minor));
	th_resp_free(&r);
	r = req("GET", "/api/v1/persons/search?q=Mineurvictime%20Ilyas&purpose=enquete%20locale", officer, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "Mineurvictime"));
	th_resp_free(&r);
	free(analyst);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(acceptance_walk),
		cmocka_unit_test(victim_in_custody),
		cmocka_unit_test(recustody_does_not_restart),
		cmocka_unit_test(minors_procedure),
		cmocka_unit_test(wanted_notice_needs_order),
		cmocka_unit_test(search_at_night),
		cmocka_unit_test(referral_without_sealed_pv),
		cmocka_unit_test(courante_lines),
		cmocka_unit_test(attempts_flagrance_and_dates),
		cmocka_unit_test(seizure_in_future),
		cmocka_unit_test(summons_and_warrants),
		cmocka_unit_test(seized_items_fate),
		cmocka_unit_test(seized_items_deposited_on_referral),
		cmocka_unit_test(walk_day_sealed),
		cmocka_unit_test(retention_purges_what_the_rule_says),
		cmocka_unit_test(witness_identity_protected),
		cmocka_unit_test(minor_victim_masked),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
