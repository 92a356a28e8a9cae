/* test_cases.c — black-box: a whole case from complaint to prosecutor
 * (complaint → case → suspect → custody → sealed PV → extension →
 * presentation → referral → closed) with its records, history and audit;
 * sealed PVs are immutable (409); custody extensions need authorisation and
 * stay within the regime (422); overdue custodies show (moved clock); another
 * unit's officer is refused (403); a cancelled case keeps its number and
 * history; concurrent creation never duplicates a number. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static th_server S;
static char *officer, *opj, *officer2, *chief, *analyst;

#define HOUR (3600LL * 1000)

static void login_all(void)
{
	free(officer);
	free(opj);
	free(officer2);
	free(chief);
	free(analyst);
	officer = th_login(&S, "demo-officer");
	opj = th_login(&S, "demo-opj");
	officer2 = th_login(&S, "demo-officer2");
	chief = th_login(&S, "demo-chief");
	analyst = th_login(&S, "demo-analyst");
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
	free(officer2);
	free(chief);
	free(analyst);
	return th_teardown(&S) == 0 ? 0 : -1;
}

/* req sends body (stolen; NULL for none) as JSON. */
static th_resp req(const char *method, const char *path, const char *tok, json_t *body)
{
	return th_req(&S, method, path, tok, body);
}

/* req_matched edits path like req, with If-Match: the ETag of a GET of it
 * just before (edits of cases and draft PVs need it, issue 10 item 7). */
static th_resp req_matched(const char *method, const char *path, const char *tok, json_t *body)
{
	char *s = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	th_resp r = th_json_matched(&S, method, path, tok, s);
	free(s);
	return r;
}

static void expect_problem(th_resp *r, long status, const char *code)
{
	th_expect(r, status);
	assert_non_null(strstr(r->ctype, "application/problem+json"));
	assert_string_equal(th_str(r, "code"), code);
}

static const char *jget(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
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

static json_t *person(const char *cin, const char *last, const char *first, const char *last_ar, const char *first_ar)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "cin", cin, "last_name_lat", last,
			 "first_name_lat", first, "last_name_ar", last_ar, "first_name_ar", first_ar, "father_name",
			 "Ahmed", "mother_name", "Fatima", "birth_date", "1990-04-12", "birth_place", "Casablanca",
			 "sex", "M", "nationality", "MA");
}

/* new_case creates a case in demo-officer's unit with one offence; the id
 * goes to id (37 bytes), the number to number (may be NULL). */
static void new_case(const char *offence, char *id, char *number)
{
	th_resp r = req("POST", "/api/v1/cases", officer,
			json_pack("{s:s,s:[{s:s}],s:s,s:s}", "frame", "preliminary", "offences", "code", offence,
				  "summary", "Affaire de test", "opj", "demo-opj"));
	th_expect(&r, 201);
	snprintf(id, 37, "%s", th_str(&r, "id"));
	if (number)
		snprintf(number, 96, "%s", th_str(&r, "number"));
	th_resp_free(&r);
}

static void add_person(const char *case_id, const char *role, json_t *p, char *pid)
{
	char path[128];
	snprintf(path, sizeof path, "/api/v1/cases/%s/persons", case_id);
	th_resp r = req("POST", path, officer, json_pack("{s:s,s:o}", "role", role, "person", p));
	th_expect(&r, 201);
	snprintf(pid, 37, "%s", th_str(&r, "id"));
	th_resp_free(&r);
}

static void open_custody(const char *case_id, const char *person_id, const char *regime, char *kid)
{
	char path[128];
	snprintf(path, sizeof path, "/api/v1/cases/%s/custody", case_id);
	json_t *body = json_pack("{s:s,s:s,s:s,s:s,s:s}", "person_id", person_id, "regime", regime, "ground",
				 "art 66-1: risque de fuite et conservation des preuves", "condition_on_entry",
				 "Bon état apparent", "ground_code", "PREVENT_FLIGHT");
	if (strcmp(regime, "minor") == 0) {
		/* a minor is retained by an OPJ charged with minors, with the
		 * prosecutor's agreement, in a place reserved for minors (CPP 460;
		 * issue 17, tests/api/test_procedure.c) */
		char *admin = th_login(&S, "demo-admin");
		th_resp d = req("POST", "/api/v1/users/demo-opj/minors-officer", admin,
				json_pack("{s:s,s:s}", "since", "2026-01-01", "decision_ref", "DGSN/PJ/MIN/1"));
		assert_true(d.status == 201 || d.status == 409);
		th_resp_free(&d);
		free(admin);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		json_t *minor = json_pack("{s:s,s:b,s:s,s:I}", "place", "Brigade des mineurs", "place_for_minors", 1,
					  "prosecutor_agreement_ref", "PR/M/1", "prosecutor_agreement_at",
					  (json_int_t)ts.tv_sec * 1000 - 60000);
		json_object_update(body, minor);
		json_decref(minor);
	}
	th_resp r = req("POST", path, opj, body);
	th_expect(&r, 201);
	snprintf(kid, 37, "%s", th_str(&r, "id"));
	th_resp_free(&r);
}

static bool has_event(json_t *events, const char *kind)
{
	size_t i;
	json_t *e;
	json_array_foreach(events, i, e) if (strcmp(jget(e, "kind"), kind) == 0) return true;
	return false;
}

/* ---------------------------------------------------------------- */

static void whole_case_from_complaint_to_closure(void **st)
{
	(void)st;
	char path[256];
	/* 1. The complaint: a receipt number, allocated with the record. */
	th_resp r = req("POST", "/api/v1/complaints", officer,
			json_pack("{s:o,s:s,s:I,s:s}", "complainant",
				  person("be 123456", "Alami", "Omar", "العلمي", "عمر"), "facts",
				  "Vol avec violence à la sortie d'une agence bancaire.", "occurred_at",
				  (json_int_t)1795000000000LL, "place", "Bd Oulfa, Casablanca"));
	th_expect(&r, 201);
	char complaint[37], victim[37];
	snprintf(complaint, sizeof complaint, "%s", th_str(&r, "id"));
	assert_non_null(strstr(th_str(&r, "receipt_no"), "AR-CASA-OULFA/"));
	assert_non_null(strstr(th_str(&r, "receipt_no"), "/PL-"));
	assert_string_equal(th_str(&r, "disposition"), "pending");
	json_t *cp = json_object_get(r.json, "complainant");
	assert_string_equal(jget(cp, "cin"), "BE123456");
	snprintf(victim, sizeof victim, "%s", jget(cp, "id"));
	th_resp_free(&r);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE action = 'complaint.create' AND object_id = '%s'",
			       complaint), 1);

	/* 2. The case, opened from the complaint; the victim is the same person (same CIN). */
	r = req("POST", "/api/v1/cases", officer,
		json_pack("{s:s,s:s,s:[{s:s},{s:s,s:b}],s:s,s:s,s:s,s:f,s:f,s:I,s:I,s:s,s:[{s:s,s:o}]}", "complaint_id",
			  complaint, "frame", "flagrant", "offences", "code", "CP-505", "code", "CP-509", "attempted", 1,
			  "summary", "Vol avec violence et menace d'une arme blanche.", "commune", "Casablanca",
			  "address", "Bd Oulfa", "lat", 33.5567, "lon", -7.6521, "occurred_from",
			  (json_int_t)1795000000000LL, "occurred_to", (json_int_t)1795000600000LL, "opj", "demo-opj",
			  "persons", "role", "victim", "person", person("BE123456", "Alami", "Omar", "العلمي", "عمر")));
	th_expect(&r, 201);
	char case_id[37], number[96];
	snprintf(case_id, sizeof case_id, "%s", th_str(&r, "id"));
	snprintf(number, sizeof number, "%s", th_str(&r, "number"));
	assert_non_null(strstr(number, "AR-CASA-OULFA/"));
	assert_string_equal(th_str(&r, "status"), "registered");
	assert_string_equal(th_str(&r, "class"), "crime"); /* the most serious offence */
	assert_string_equal(th_str(&r, "opj_badge"), "demo-opj");
	assert_int_equal(json_integer_value(json_object_get(r.json, "lat_e6")), 33556700);
	assert_int_equal(json_array_size(json_object_get(r.json, "offences")), 2);
	json_t *persons = json_object_get(r.json, "persons");
	assert_int_equal(json_array_size(persons), 2); /* complainant and victim: one person */
	assert_string_equal(jget(json_array_get(persons, 0), "person_id"), victim);
	assert_string_equal(jget(json_array_get(persons, 1), "person_id"), victim);
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/complaints/%s", complaint);
	r = req("GET", path, officer, NULL);
	th_expect(&r, 200);
	assert_string_equal(th_str(&r, "disposition"), "case_opened");
	assert_string_equal(th_str(&r, "case_id"), case_id);
	th_resp_free(&r);

	/* 3. A suspect, a witness, an unknown accomplice. */
	char suspect[37], witness[37], unknown[37];
	add_person(case_id, "suspect", person("BK998877", "Tahiri", "Said", "الطاهري", "سعيد"), suspect);
	add_person(case_id, "witness", person("BJ445566", "Naciri", "Leila", "الناصري", "ليلى"), witness);
	add_person(case_id, "suspect", json_pack("{s:b,s:s}", "unknown", 1, "description", "homme, 25 ans, veste rouge"),
		   unknown);
	snprintf(path, sizeof path, "/api/v1/cases/%s/persons", case_id);
	r = req("POST", path, officer, json_pack("{s:s,s:s}", "role", "suspect", "person_id", suspect));
	expect_problem(&r, 409, "person-role-taken");
	th_resp_free(&r);

	/* 4. Custody: an officer may not; the OPJ opens it under the rule in force. */
	snprintf(path, sizeof path, "/api/v1/cases/%s/custody", case_id);
	r = req("POST", path, officer, json_pack("{s:s,s:s,s:s,s:s,s:s}", "person_id", suspect, "regime", "ordinary", "ground", "x", "condition_on_entry", "Bon état apparent", "ground_code", "PREVENT_FLIGHT"));
	expect_problem(&r, 403, "opj-required");
	th_resp_free(&r);
	char custody[37];
	open_custody(case_id, suspect, "ordinary", custody);
	snprintf(path, sizeof path, "/api/v1/custody/%s", custody);
	r = req("GET", path, opj, NULL);
	th_expect(&r, 200);
	long long started = json_integer_value(json_object_get(r.json, "started_at"));
	long long deadline = json_integer_value(json_object_get(r.json, "deadline_at"));
	assert_int_equal(deadline - started, 48 * HOUR);
	assert_string_equal(th_str(&r, "status"), "open");
	assert_false(json_is_true(json_object_get(r.json, "overdue")));
	th_resp_free(&r);
	r = req("PATCH", path, officer,
		json_pack("{s:I,s:s,s:I}", "family_informed_at", (json_int_t)(started + 20000), "family_informed_how",
			  "téléphone (frère)", "lawyer_contacted_at", (json_int_t)(started + 40000)));
	th_expect(&r, 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "lawyer_contacted_at")), started + 40000);
	th_resp_free(&r);

	/* 5. The hearing PV: drafted by the officer, sealed by the OPJ only. */
	snprintf(path, sizeof path, "/api/v1/cases/%s/pvs", case_id);
	r = req("POST", path, officer,
		json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:s}", "type", "hearing_suspect", "person_id", suspect, "custody_id",
			  custody, "place", "Arrondissement Oulfa", "statements", "Je reconnais les faits.", "read_back",
			  1, "signature", "signed"));
	th_expect(&r, 201);
	char pv[37], pvnum[128];
	snprintf(pv, sizeof pv, "%s", th_str(&r, "id"));
	snprintf(pvnum, sizeof pvnum, "%s", th_str(&r, "number"));
	assert_string_equal(th_str(&r, "status"), "draft");
	assert_non_null(strstr(pvnum, number));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/pvs/%s", pv);
	r = req_matched("PATCH", path, officer, json_pack("{s:s}", "statements", "Je reconnais les faits. Lecture faite, persiste et signe."));
	th_expect(&r, 200);
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/pvs/%s/seal", pv);
	r = req("POST", path, officer, NULL);
	expect_problem(&r, 403, "opj-required");
	th_resp_free(&r);
	r = req("POST", path, opj, NULL);
	th_expect(&r, 200);
	assert_string_equal(th_str(&r, "status"), "sealed");
	json_t *seal = json_object_get(r.json, "seal");
	assert_int_equal(strlen(jget(seal, "hash")), 64);
	assert_true(json_is_true(json_object_get(seal, "verified")));
	json_t *content = json_object_get(r.json, "content");
	assert_string_equal(jget(json_object_get(content, "person"), "cin"), "BK998877");
	assert_string_equal(jget(json_object_get(content, "drafter"), "badge"), "demo-officer");
	assert_true(json_is_integer(json_object_get(json_object_get(content, "custody"), "arrested_at")));
	th_resp_free(&r);
	/* sealed: immutable, and sealing twice is refused */
	snprintf(path, sizeof path, "/api/v1/pvs/%s", pv);
	r = req("PATCH", path, officer, json_pack("{s:s}", "statements", "changed"));
	expect_problem(&r, 409, "pv-sealed");
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/pvs/%s/seal", pv);
	r = req("POST", path, opj, NULL);
	expect_problem(&r, 409, "pv-already-sealed");
	th_resp_free(&r);
	assert_int_equal(count("SELECT COUNT(*) FROM pvs WHERE id = '%s' AND body LIKE '%%persiste%%'", pv), 1);
	/* the print view: HTML, bilingual, CSP-clean */
	snprintf(path, sizeof path, "/api/v1/pvs/%s/print", pv);
	r = req("GET", path, analyst, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.ctype, "text/html"));
	assert_non_null(strstr(r.body, pvnum));
	assert_non_null(strstr(r.body, "dir=\"rtl\""));
	assert_non_null(strstr(r.body, "href=\"/print.css\""));
	assert_non_null(strstr(r.body, "BK998877"));
	assert_null(strstr(r.body, "<script"));
	assert_null(strstr(r.body, "style="));
	assert_non_null(strstr(r.headers, "Content-Security-Policy:"));
	th_resp_free(&r);
	/* a correction is a new PV that refers to the sealed one */
	snprintf(path, sizeof path, "/api/v1/cases/%s/pvs", case_id);
	r = req("POST", path, officer,
		json_pack("{s:s,s:s,s:s,s:s,s:b,s:s}", "type", "hearing_suspect", "person_id", suspect, "corrects", pv,
			  "statements", "Rectification : l'heure est 10 h 15.", "read_back", 1, "signature", "signed"));
	th_expect(&r, 201);
	assert_string_equal(th_str(&r, "corrects"), pvnum);
	th_resp_free(&r);

	/* 6. Extension: with the prosecutor's authorisation, once (ordinary regime). */
	snprintf(path, sizeof path, "/api/v1/custody/%s/extensions", custody);
	r = req("POST", path, opj, json_pack("{}"));
	expect_problem(&r, 422, "extension-needs-authorisation");
	th_resp_free(&r);
	r = req("POST", path, opj,
		json_pack("{s:s,s:s,s:s}", "authorisation_ref", "PR-CASA/2026/1187", "authorisation_date", "2026-11-29",
			  "authorised_by", "Procureur du Roi"));
	th_expect(&r, 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "extensions")), 1);
	assert_int_equal(json_integer_value(json_object_get(r.json, "deadline_at")), deadline + 24 * HOUR);
	assert_int_equal(json_array_size(json_object_get(r.json, "extension_list")), 1);
	th_resp_free(&r);

	/* 7. A seized item and its chain of custody. */
	/* the PV that records it first (issue 17: a seizure requires its PV) */
	snprintf(path, sizeof path, "/api/v1/cases/%s/pvs", case_id);
	r = req("POST", path, officer,
		json_pack("{s:s,s:s,s:b,s:s}", "type", "seizure", "statements", "Saisie d'un couteau.", "read_back", 1,
			  "signature", "signed"));
	th_expect(&r, 201);
	char seizure_pv[37];
	snprintf(seizure_pv, sizeof seizure_pv, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/cases/%s/seizures", case_id);
	r = req("POST", path, officer,
		json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "seal_no", "OULFA-S-0001", "description", "Couteau à cran d'arrêt",
			  "quantity", "1", "storage_place", "Armoire des scellés, arrondissement Oulfa", "holder",
			  "demo-officer", "pv_id", seizure_pv));
	th_expect(&r, 201);
	char seizure[37];
	snprintf(seizure, sizeof seizure, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	r = req("POST", path, officer,
		json_pack("{s:s,s:s,s:s,s:s,s:s}", "seal_no", "OULFA-S-0001", "description", "autre", "quantity", "1",
			  "storage_place", "xx", "holder", "xx"));
	expect_problem(&r, 409, "seal-number-taken");
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/seizures/%s/transfers", seizure);
	r = req("POST", path, officer,
		json_pack("{s:s,s:s,s:s}", "to", "Greffe des scellés, TPI Casablanca", "reason", "dépôt avec la procédure",
			  "storage_place", "Greffe TPI"));
	th_expect(&r, 201);
	json_t *chain = json_object_get(r.json, "chain");
	assert_int_equal(json_array_size(chain), 2);
	assert_string_equal(jget(json_array_get(chain, 1), "from"), "demo-officer");
	th_resp_free(&r);

	/* 8. Referral needs nobody in custody: present the suspect first. */
	snprintf(path, sizeof path, "/api/v1/cases/%s/referral", case_id);
	r = req("POST", path, opj, json_pack("{}"));
	expect_problem(&r, 409, "referral-custody-open");
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/custody/%s/close", custody);
	r = req("POST", path, opj, json_pack("{s:s,s:s,s:s}", "end", "presented", "note", "présenté au parquet général", "condition_on_exit", "Même état qu'à l'entrée"));
	th_expect(&r, 200);
	assert_string_equal(th_str(&r, "status"), "closed");
	assert_string_equal(th_str(&r, "end_kind"), "presented");
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/cases/%s/referral", case_id);
	r = req("POST", path, officer, json_pack("{}"));
	expect_problem(&r, 403, "opj-required");
	th_resp_free(&r);
	/* another office than the competent one needs a reason */
	r = req("POST", path, opj, json_pack("{s:s}", "office", "TPI-CASA-PENAL"));
	expect_problem(&r, 422, "office-override-needs-reason");
	th_resp_free(&r);
	/* the correction drafted above is left out: a referral says why (issue 17 item 7) */
	r = req("POST", path, opj, json_pack("{}"));
	expect_problem(&r, 422, "referral-drafts-need-reason");
	th_resp_free(&r);
	r = req("POST", path, opj, json_pack("{s:s}", "drafts_reason", "Rectification non signée, abandonnée"));
	th_expect(&r, 201);
	char referral[37];
	snprintf(referral, sizeof referral, "%s", th_str(&r, "id"));
	assert_string_equal(th_str(&r, "office_kind"), "ca"); /* a crime goes to the procureur général */
	assert_string_equal(th_str(&r, "office_code"), "CA-CASA");
	assert_non_null(strstr(th_str(&r, "transmission_no"), "/TR-"));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/referrals/%s/bundle", referral);
	r = req("GET", path, opj, NULL);
	th_expect(&r, 200);
	json_t *bundle = json_object_get(r.json, "bundle");
	assert_int_equal(json_array_size(json_object_get(bundle, "pvs")), 1); /* sealed PVs only */
	assert_int_equal(json_array_size(json_object_get(bundle, "seizures")), 1);
	assert_int_equal(json_array_size(json_object_get(bundle, "persons")), 6);
	assert_string_equal(jget(json_object_get(bundle, "case"), "number"), number);
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/referrals/%s/bundle.html", referral);
	r = req("GET", path, opj, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.ctype, "text/html"));
	assert_non_null(strstr(r.body, "OULFA-S-0001"));
	assert_non_null(strstr(r.body, number));
	th_resp_free(&r);
	/* referred: no more editing */
	snprintf(path, sizeof path, "/api/v1/cases/%s", case_id);
	r = req("PATCH", path, officer, json_pack("{s:s}", "summary", "changed"));
	expect_problem(&r, 409, "case-not-open");
	th_resp_free(&r);

	/* 9. Outcome, then closure. */
	snprintf(path, sizeof path, "/api/v1/referrals/%s/outcome", referral);
	r = req("PUT", path, officer, json_pack("{s:s,s:s}", "outcome", "prosecuted", "note", "poursuites engagées"));
	th_expect(&r, 200);
	th_resp_free(&r);
	r = req("PUT", path, officer, json_pack("{s:s}", "outcome", "other"));
	expect_problem(&r, 409, "outcome-already-recorded");
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/cases/%s/status", case_id);
	r = req("POST", path, officer, json_pack("{s:s}", "status", "closed"));
	th_expect(&r, 200);
	assert_string_equal(th_str(&r, "status"), "closed");
	assert_string_equal(th_str(&r, "number"), number);
	th_resp_free(&r);

	/* 10. The history tells the whole story, in order. */
	snprintf(path, sizeof path, "/api/v1/cases/%s/history", case_id);
	r = req("GET", path, analyst, NULL);
	th_expect(&r, 200);
	json_t *ev = json_object_get(r.json, "events");
	static const char *const kinds[] = {"created", "complaint.opened", "person.added", "custody.opened",
					    "custody.updated", "pv.drafted", "pv.edited", "pv.sealed", "custody.extended",
					    "seizure.recorded", "seizure.transferred", "custody.closed", "referred",
					    "referral.outcome", "status", NULL};
	for (int i = 0; kinds[i]; i++) {
		if (!has_event(ev, kinds[i]))
			fprintf(stderr, "# missing event %s\n", kinds[i]);
		assert_true(has_event(ev, kinds[i]));
	}
	for (size_t i = 0; i < json_array_size(ev); i++)
		assert_int_equal(json_integer_value(json_object_get(json_array_get(ev, i), "seq")), (long long)i + 1);
	assert_string_equal(jget(json_array_get(ev, 0), "kind"), "created");
	th_resp_free(&r);

	/* 11. The audit has every step, reads included, and the chain verifies. */
	static const char *const actions[] = {"case.create", "case.person", "custody.open", "custody.update",
					      "pv.create", "pv.update", "pv.seal", "pv.print", "custody.extend",
					      "seizure.create", "seizure.transfer", "custody.close", "referral.create",
					      "referral.bundle", "referral.outcome", "case.status", "case.history", NULL};
	for (int i = 0; actions[i]; i++) {
		char sql[256];
		snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM audit_log WHERE action = '%s' AND outcome = 'ok'", actions[i]);
		if (th_sql_int(&S, sql) < 1)
			fprintf(stderr, "# no audit entry for %s\n", actions[i]);
		assert_true(th_sql_int(&S, sql) >= 1);
	}
	assert_true(count("SELECT COUNT(*) FROM audit_log WHERE object_id = '%s' AND badge = 'demo-analyst'", case_id) >= 1);
	assert_int_equal(count("SELECT COUNT(*) FROM audit_log WHERE action = 'authz.refused' AND badge = '%s'",
			       "demo-officer") >= 2, 1);
	char *aud = th_login(&S, "demo-auditor");
	r = req("GET", "/api/v1/audit/verify", aud, NULL);
	th_expect(&r, 200);
	assert_true(json_is_true(json_object_get(r.json, "ok")));
	th_resp_free(&r);
	free(aud);

	/* 12. Role-aware person history: a victim is not "known to the police". */
	snprintf(path, sizeof path, "/api/v1/persons/%s", victim);
	r = req("GET", path, officer, NULL);
	th_expect(&r, 200);
	assert_false(json_is_true(json_object_get(r.json, "known_to_police")));
	assert_int_equal(json_array_size(json_object_get(r.json, "cases")), 2);
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/persons/%s", witness);
	r = req("GET", path, officer, NULL);
	th_expect(&r, 200);
	assert_false(json_is_true(json_object_get(r.json, "known_to_police")));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/persons/%s", suspect);
	r = req("GET", path, analyst, NULL);
	th_expect(&r, 200);
	assert_true(json_is_true(json_object_get(r.json, "known_to_police")));
	th_resp_free(&r);
	assert_true(count("SELECT COUNT(*) FROM audit_log WHERE action = 'person.read' AND object_id = '%s'", suspect) >= 1);
	(void)unknown;
}

static void sealed_pv_is_immutable_and_art67_is_checked(void **st)
{
	(void)st;
	char case_id[37], suspect[37], path[160], pv[37];
	new_case("CP-505", case_id, NULL);
	add_person(case_id, "suspect", person("BK100200", "Berrada", "Ali", "برادة", "علي"), suspect);
	snprintf(path, sizeof path, "/api/v1/cases/%s/pvs", case_id);
	/* not read back: cannot be sealed (art 67) */
	th_resp r = req("POST", path, officer,
			json_pack("{s:s,s:s,s:s,s:s}", "type", "hearing_suspect", "person_id", suspect, "statements",
				  "Je nie.", "signature", "refused"));
	th_expect(&r, 201);
	snprintf(pv, sizeof pv, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/pvs/%s/seal", pv);
	r = req("POST", path, opj, NULL);
	expect_problem(&r, 422, "pv-not-read-back");
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/pvs/%s", pv);
	r = req_matched("PATCH", path, officer, json_pack("{s:b}", "read_back", 1));
	th_expect(&r, 200);
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/pvs/%s/seal", pv);
	r = req("POST", path, opj, NULL);
	expect_problem(&r, 422, "pv-refusal-needs-reason"); /* refused to sign: the reason is required */
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/pvs/%s", pv);
	r = req_matched("PATCH", path, officer, json_pack("{s:s}", "refusal_reason", "refuse de signer sans son avocat"));
	th_expect(&r, 200);
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/pvs/%s/seal", pv);
	r = req("POST", path, opj, NULL);
	th_expect(&r, 200);
	th_resp_free(&r);
	long long before = count("SELECT COUNT(*) FROM pvs WHERE id = '%s' AND status = 'sealed'", pv);
	snprintf(path, sizeof path, "/api/v1/pvs/%s", pv);
	const char *edits[] = {"{\"statements\":\"autre\"}", "{\"read_back\":false}", "{\"place\":\"ailleurs\"}", NULL};
	for (int i = 0; edits[i]; i++) {
		r = th_json(&S, "PATCH", path, opj, edits[i]);
		expect_problem(&r, 409, "pv-sealed");
		th_resp_free(&r);
	}
	assert_int_equal(before, 1);
	assert_int_equal(count("SELECT COUNT(*) FROM pvs WHERE id = '%s' AND body LIKE '%%Je nie.%%' AND place IS NULL", pv), 1);
	/* tampering with the stored content is detected on read */
	char sql[256];
	snprintf(sql, sizeof sql, "UPDATE pvs SET content = REPLACE(content, 'Je nie.', 'J''avoue.') WHERE id = '%s'", pv);
	assert_int_equal(th_sql(&S, sql), 0);
	r = req("GET", path, opj, NULL);
	th_expect(&r, 200);
	assert_false(json_is_true(json_object_get(json_object_get(r.json, "seal"), "verified")));
	th_resp_free(&r);
}

static void extension_needs_authorisation_and_stays_in_limits(void **st)
{
	(void)st;
	char case_id[37], suspect[37], kid[37], path[160];
	new_case("CP-505", case_id, NULL);
	add_person(case_id, "suspect", person("BK300400", "Fassi", "Yassine", "الفاسي", "ياسين"), suspect);
	open_custody(case_id, suspect, "ordinary", kid);
	snprintf(path, sizeof path, "/api/v1/custody/%s/extensions", kid);
	long long ext_before = th_sql_int(&S, "SELECT COUNT(*) FROM custody_extensions");
	/* no authorisation */
	th_resp r = req("POST", path, opj, json_pack("{s:s}", "authorised_by", "Procureur du Roi"));
	expect_problem(&r, 422, "extension-needs-authorisation");
	th_resp_free(&r);
	r = req("POST", path, opj, json_pack("{s:s}", "authorisation_ref", "PR/77"));
	expect_problem(&r, 422, "extension-needs-authorisation");
	th_resp_free(&r);
	/* malformed date: 400 */
	r = req("POST", path, opj, json_pack("{s:s,s:s}", "authorisation_ref", "PR/77", "authorisation_date", "2026-02-30"));
	expect_problem(&r, 400, "validation");
	th_resp_free(&r);
	/* an officer may not extend */
	r = req("POST", path, officer, json_pack("{s:s,s:s}", "authorisation_ref", "PR/77", "authorisation_date", "2026-11-29"));
	expect_problem(&r, 403, "opj-required");
	th_resp_free(&r);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM custody_extensions"), ext_before);
	r = req("POST", path, opj, json_pack("{s:s,s:s}", "authorisation_ref", "PR/77", "authorisation_date", "2026-11-29"));
	th_expect(&r, 200);
	th_resp_free(&r);
	/* ordinary regime: one extension only */
	r = req("POST", path, opj, json_pack("{s:s,s:s}", "authorisation_ref", "PR/78", "authorisation_date", "2026-11-29"));
	expect_problem(&r, 422, "extension-limit-reached");
	th_resp_free(&r);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM custody_extensions"), ext_before + 1);

	/* terrorism: 96 h, renewable twice (the rule data), then refused */
	char case2[37], s2[37], k2[37];
	new_case("CP-218-1", case2, NULL); /* terrorism only for terrorism offences (issue 11) */
	add_person(case2, "suspect", person("BK300401", "Idrissi", "Karim", "الإدريسي", "كريم"), s2);
	open_custody(case2, s2, "terrorism", k2);
	snprintf(path, sizeof path, "/api/v1/custody/%s", k2);
	r = req("GET", path, opj, NULL);
	th_expect(&r, 200);
	long long d0 = json_integer_value(json_object_get(r.json, "deadline_at")) -
		       json_integer_value(json_object_get(r.json, "started_at"));
	assert_int_equal(d0, 96 * HOUR);
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/custody/%s/extensions", k2);
	for (int i = 0; i < 3; i++) {
		r = req("POST", path, opj, json_pack("{s:s,s:s}", "authorisation_ref", "PG/T/1", "authorisation_date", "2026-11-29"));
		th_expect(&r, i < 2 ? 200 : 422);
		th_resp_free(&r);
	}

	/* a contravention allows no custody (the rule lists the classes) */
	char case3[37], s3[37];
	new_case("CP-608", case3, NULL);
	add_person(case3, "suspect", person("BK300402", "Sqalli", "Reda", "الصقلي", "رضا"), s3);
	snprintf(path, sizeof path, "/api/v1/cases/%s/custody", case3);
	r = req("POST", path, opj, json_pack("{s:s,s:s,s:s,s:s,s:s}", "person_id", s3, "regime", "ordinary", "ground", "x y z", "condition_on_entry", "Bon état apparent", "ground_code", "PREVENT_FLIGHT"));
	expect_problem(&r, 422, "custody-rule-not-applicable");
	th_resp_free(&r);
}

static void overdue_custody_shows_in_deadlines(void **st)
{
	(void)st;
	char case_id[37], suspect[37], kid[37], path[160];
	new_case("CP-505", case_id, NULL);
	add_person(case_id, "suspect", person("BK500600", "Kettani", "Mehdi", "الكتاني", "مهدي"), suspect);
	open_custody(case_id, suspect, "ordinary", kid);
	th_resp r = req("GET", "/api/v1/custody/deadlines", opj, NULL);
	th_expect(&r, 200);
	json_t *list = json_object_get(r.json, "custodies");
	bool found = false;
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o) if (strcmp(jget(o, "id"), kid) == 0) {
		found = true;
		assert_false(json_is_true(json_object_get(o, "overdue")));
		assert_true(json_integer_value(json_object_get(o, "time_left_ms")) > 47 * HOUR);
	}
	assert_true(found);
	th_resp_free(&r);

	th_set_clock(&S, 49 * HOUR);
	login_all(); /* sessions do not outlive 12 hours */
	r = req("GET", "/api/v1/custody/deadlines", chief, NULL);
	th_expect(&r, 200);
	found = false;
	list = json_object_get(r.json, "custodies");
	json_array_foreach(list, i, o) if (strcmp(jget(o, "id"), kid) == 0) {
		found = true;
		assert_true(json_is_true(json_object_get(o, "overdue")));
		assert_true(json_integer_value(json_object_get(o, "time_left_ms")) < 0);
	}
	assert_true(found);
	assert_true(json_integer_value(json_object_get(r.json, "overdue")) >= 1);
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/custody/%s", kid);
	r = req("GET", path, opj, NULL);
	th_expect(&r, 200);
	assert_true(json_is_true(json_object_get(r.json, "overdue")));
	th_resp_free(&r);
	/* too late to extend */
	snprintf(path, sizeof path, "/api/v1/custody/%s/extensions", kid);
	r = req("POST", path, opj, json_pack("{s:s,s:s}", "authorisation_ref", "PR/9", "authorisation_date", "2026-11-29"));
	expect_problem(&r, 422, "custody-deadline-passed");
	th_resp_free(&r);
	/* another unit does not see it */
	r = req("GET", "/api/v1/custody/deadlines", officer2, NULL);
	th_expect(&r, 200);
	json_array_foreach(json_object_get(r.json, "custodies"), i, o) assert_string_not_equal(jget(o, "id"), kid);
	th_resp_free(&r);
	/* the register and the daily list of the unit */
	r = req("GET", "/api/v1/units/AR-CASA-OULFA/custody-register", chief, NULL);
	th_expect(&r, 200);
	assert_true(json_array_size(json_object_get(r.json, "custodies")) >= 1);
	th_resp_free(&r);
	r = req("GET", "/api/v1/units/AR-CASA-OULFA/custody-register", officer2, NULL);
	expect_problem(&r, 403, "forbidden");
	th_resp_free(&r);
	th_set_clock(&S, 0);
	login_all();
	r = req("GET", "/api/v1/units/AR-CASA-OULFA/custody-daily", opj, NULL);
	th_expect(&r, 200);
	found = false;
	json_array_foreach(json_object_get(r.json, "held"), i, o) found = found || strcmp(jget(o, "id"), kid) == 0;
	assert_true(found);
	th_resp_free(&r);
	r = req("GET", "/api/v1/units/AR-CASA-OULFA/custody-daily.html", opj, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.ctype, "text/html"));
	assert_non_null(strstr(r.body, "BK500600"));
	assert_non_null(strstr(r.body, "dir=\"rtl\""));
	th_resp_free(&r);
	r = req("GET", "/api/v1/units/AR-CASA-OULFA/custody-daily?date=2020-01-01", opj, NULL);
	th_expect(&r, 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "held")), 0);
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/custody/%s/close", kid);
	r = req("POST", path, opj, json_pack("{s:s,s:s}", "end", "released", "condition_on_exit", "Même état qu'à l'entrée"));
	th_expect(&r, 200);
	th_resp_free(&r);
}

static void other_unit_is_refused(void **st)
{
	(void)st;
	char case_id[37], path[160];
	new_case("CP-505", case_id, NULL);
	long long refused = th_sql_int(&S, "SELECT COUNT(*) FROM audit_log WHERE outcome = 'refused' AND badge = 'demo-officer2'");
	snprintf(path, sizeof path, "/api/v1/cases/%s", case_id);
	th_resp r = req("PATCH", path, officer2, json_pack("{s:s}", "summary", "pris par une autre unité"));
	expect_problem(&r, 403, "forbidden");
	th_resp_free(&r);
	r = req("GET", path, officer2, NULL);
	expect_problem(&r, 403, "forbidden");
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/cases/%s/persons", case_id);
	r = req("POST", path, officer2, json_pack("{s:s,s:o}", "role", "witness", "person", person("BJ1", "A", "B", "ا", "ب")));
	expect_problem(&r, 403, "forbidden");
	th_resp_free(&r);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM audit_log WHERE outcome = 'refused' AND badge = 'demo-officer2'"),
			 refused + 3);
	assert_int_equal(count("SELECT COUNT(*) FROM case_persons WHERE case_id = '%s'", case_id), 0);
	assert_int_equal(count("SELECT COUNT(*) FROM cases WHERE id = '%s' AND summary = 'Affaire de test'", case_id), 1);
	/* national read-only roles read, and write nothing */
	snprintf(path, sizeof path, "/api/v1/cases/%s", case_id);
	r = req("GET", path, analyst, NULL);
	th_expect(&r, 200);
	th_resp_free(&r);
	r = req("PATCH", path, analyst, json_pack("{s:s}", "summary", "x y z"));
	expect_problem(&r, 403, "forbidden");
	th_resp_free(&r);
	/* the chief of the unit reassigns; an officer may not */
	snprintf(path, sizeof path, "/api/v1/cases/%s/assignee", case_id);
	r = req("PUT", path, officer, json_pack("{s:s}", "opj", "demo-opj"));
	expect_problem(&r, 403, "forbidden");
	th_resp_free(&r);
	r = req("PUT", path, chief, json_pack("{s:s}", "opj", "demo-officer"));
	expect_problem(&r, 422, "assignee-not-opj"); /* not an OPJ */
	th_resp_free(&r);
	r = req("PUT", path, chief, json_pack("{s:s,s:s}", "opj", "demo-opj", "reason", "charge de travail"));
	th_expect(&r, 200);
	assert_string_equal(th_str(&r, "opj_badge"), "demo-opj");
	th_resp_free(&r);
	/* the list is scoped */
	r = req("GET", "/api/v1/cases?limit=200", officer2, NULL);
	th_expect(&r, 200);
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(r.json, "cases"), i, o) assert_string_not_equal(jget(o, "id"), case_id);
	th_resp_free(&r);
}

static void cancelled_case_keeps_number_and_history(void **st)
{
	(void)st;
	char case_id[37], number[96], path[160];
	new_case("CP-400", case_id, number);
	snprintf(path, sizeof path, "/api/v1/cases/%s/status", case_id);
	th_resp r = req("POST", path, chief, json_pack("{s:s}", "status", "cancelled"));
	expect_problem(&r, 422, "cancellation-needs-reason");
	th_resp_free(&r);
	r = req("POST", path, officer, json_pack("{s:s}", "status", "referred"));
	expect_problem(&r, 400, "validation");
	th_resp_free(&r);
	r = req("POST", path, officer, json_pack("{s:s}", "status", "closed"));
	expect_problem(&r, 409, "status-change-not-allowed");
	th_resp_free(&r);
	r = req("POST", path, chief, json_pack("{s:s,s:s}", "status", "cancelled", "reason", "doublon de l'affaire précédente"));
	th_expect(&r, 200);
	assert_string_equal(th_str(&r, "status"), "cancelled");
	assert_string_equal(th_str(&r, "number"), number);
	assert_string_equal(th_str(&r, "status_reason"), "doublon de l'affaire précédente");
	th_resp_free(&r);
	r = req("POST", path, officer, json_pack("{s:s}", "status", "under_investigation"));
	expect_problem(&r, 409, "status-change-not-allowed");
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/cases/%s", case_id);
	r = req("PATCH", path, officer, json_pack("{s:s}", "summary", "x y z"));
	expect_problem(&r, 409, "case-not-open");
	th_resp_free(&r);
	r = req("GET", path, officer, NULL);
	th_expect(&r, 200);
	assert_string_equal(th_str(&r, "number"), number);
	assert_string_equal(th_str(&r, "status"), "cancelled");
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/cases/%s/history", case_id);
	r = req("GET", path, officer, NULL);
	th_expect(&r, 200);
	json_t *ev = json_object_get(r.json, "events");
	assert_int_equal(json_array_size(ev), 2);
	assert_string_equal(jget(json_array_get(ev, 0), "kind"), "created");
	json_t *d = json_object_get(json_array_get(ev, 1), "detail");
	assert_string_equal(jget(d, "to"), "cancelled");
	assert_string_equal(jget(d, "reason"), "doublon de l'affaire précédente");
	th_resp_free(&r);
	/* the number is never reused */
	char next[37], next_number[96];
	new_case("CP-400", next, next_number);
	assert_string_not_equal(next_number, number);
	assert_int_equal(count("SELECT COUNT(*) FROM cases WHERE number = '%s'", number), 1);
}

static void bad_input_is_400_and_writes_nothing(void **st)
{
	(void)st;
	long long cases = th_sql_int(&S, "SELECT COUNT(*) FROM cases");
	long long persons = th_sql_int(&S, "SELECT COUNT(*) FROM persons");
	long long counters = th_sql_int(&S, "SELECT COALESCE(SUM(n), 0) FROM counters");
	struct {
		const char *body;
		const char *field;
	} bad[] = {
		{"{\"frame\":\"flagrant\",\"offences\":[{\"code\":\"NO-SUCH\"}],\"summary\":\"abc\"}", "offences[0].code"},
		{"{\"frame\":\"flagrant\",\"offences\":[],\"summary\":\"abc\"}", "offences"},
		{"{\"frame\":\"guess\",\"offences\":[{\"code\":\"CP-505\"}],\"summary\":\"abc\"}", "frame"},
		{"{\"frame\":\"flagrant\",\"offences\":[{\"code\":\"CP-505\",\"extra\":1}],\"summary\":\"abc\"}",
		 "offences[0].extra"},
		{"{\"frame\":\"flagrant\",\"offences\":[{\"code\":\"CP-505\"}],\"summary\":\"abc\",\"lat\":95,\"lon\":1}", "lat"},
		{"{\"frame\":\"flagrant\",\"offences\":[{\"code\":\"CP-505\"}],\"summary\":\"abc\",\"persons\":[{\"role\":\"victim\","
		 "\"person\":{\"cin\":\"12AB\",\"last_name_lat\":\"X\"}}]}",
		 "persons[0].person.cin"},
		{"{\"frame\":\"flagrant\",\"offences\":[{\"code\":\"CP-505\"}],\"summary\":\"abc\",\"persons\":[{\"role\":\"boss\","
		 "\"person\":{\"last_name_lat\":\"X\"}}]}",
		 "persons[0].role"},
		{"{\"frame\":\"flagrant\",\"offences\":[{\"code\":\"CP-505\"}],\"summary\":\"abc\",\"persons\":[{\"role\":\"suspect\","
		 "\"person\":{\"unknown\":true}}]}",
		 "persons[0].person.description"},
		{"{\"frame\":\"flagrant\",\"offences\":[{\"code\":\"CP-505\"}],\"summary\":\"abc\",\"opj\":\"demo-officer\"}", NULL},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		th_resp r = th_json(&S, "POST", "/api/v1/cases", officer, bad[i].body);
		if (!bad[i].field) {
			expect_problem(&r, 422, "assignee-not-opj");
			th_resp_free(&r);
			continue;
		}
		expect_problem(&r, 400, "validation");
		bool named = false;
		size_t k;
		json_t *e;
		json_array_foreach(json_object_get(r.json, "errors"), k, e) named = named || strcmp(jget(e, "field"), bad[i].field) == 0;
		if (!named)
			fprintf(stderr, "# %s not named in %s\n", bad[i].field, r.body);
		assert_true(named);
		th_resp_free(&r);
	}
	th_resp r = th_json(&S, "POST", "/api/v1/complaints", officer, "{\"complainant\":{},\"facts\":\"abc\"}");
	expect_problem(&r, 400, "validation");
	th_resp_free(&r);
	r = th_request(&S, "GET", "/api/v1/cases/not-an-id", officer, NULL, 0, NULL);
	expect_problem(&r, 404, "case-not-found");
	th_resp_free(&r);
	r = th_request(&S, "GET", "/api/v1/cases?status=lost", officer, NULL, 0, NULL);
	expect_problem(&r, 400, "bad-query");
	th_resp_free(&r);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM cases"), cases);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM persons"), persons);
	assert_int_equal(th_sql_int(&S, "SELECT COALESCE(SUM(n), 0) FROM counters"), counters);
}

static void complaint_dispositions(void **st)
{
	(void)st;
	char case_id[37], path[160];
	new_case("CP-505", case_id, NULL);
	const char *body = "{\"complainant\":{\"cin\":\"BH777888\",\"last_name_lat\":\"Bennis\"},\"facts\":\"Vol de téléphone.\"}";
	char ids[3][37];
	for (int i = 0; i < 3; i++) {
		th_resp r = th_json(&S, "POST", "/api/v1/complaints", officer, body);
		th_expect(&r, 201);
		snprintf(ids[i], 37, "%s", th_str(&r, "id"));
		th_resp_free(&r);
	}
	/* attached to an existing case: the complainant joins it */
	snprintf(path, sizeof path, "/api/v1/complaints/%s/disposition", ids[0]);
	th_resp r = req("POST", path, officer,
			json_pack("{s:s,s:s,s:s}", "disposition", "attached", "reason", "mêmes faits", "case_id", case_id));
	th_expect(&r, 200);
	assert_string_equal(th_str(&r, "disposition"), "attached");
	th_resp_free(&r);
	assert_int_equal(count("SELECT COUNT(*) FROM case_persons WHERE case_id = '%s' AND role = 'complainant'", case_id), 1);
	r = req("POST", path, officer, json_pack("{s:s,s:s}", "disposition", "no_offence", "reason", "encore"));
	expect_problem(&r, 409, "complaint-already-disposed");
	th_resp_free(&r);
	/* referred elsewhere: says where */
	snprintf(path, sizeof path, "/api/v1/complaints/%s/disposition", ids[1]);
	r = req("POST", path, officer, json_pack("{s:s,s:s}", "disposition", "referred_elsewhere", "reason", "compétence"));
	expect_problem(&r, 422, "referral-needs-destination");
	th_resp_free(&r);
	r = req("POST", path, officer,
		json_pack("{s:s,s:s,s:s}", "disposition", "referred_elsewhere", "reason", "compétence territoriale",
			  "referred_to", "Gendarmerie royale, Bouskoura"));
	th_expect(&r, 200);
	th_resp_free(&r);
	/* no criminal matter, with a reason; another unit may not dispose of it */
	snprintf(path, sizeof path, "/api/v1/complaints/%s/disposition", ids[2]);
	r = req("POST", path, officer2, json_pack("{s:s,s:s}", "disposition", "no_offence", "reason", "litige civil"));
	expect_problem(&r, 403, "forbidden");
	th_resp_free(&r);
	r = req("POST", path, officer, json_pack("{s:s}", "disposition", "no_offence"));
	expect_problem(&r, 400, "validation");
	th_resp_free(&r);
	r = req("POST", path, officer, json_pack("{s:s,s:s}", "disposition", "no_offence", "reason", "litige civil"));
	th_expect(&r, 200);
	assert_string_equal(th_str(&r, "disposition_reason"), "litige civil");
	th_resp_free(&r);
	/* the three complaints share one complainant (same CIN), each its own receipt */
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(DISTINCT complainant_id) FROM complaints WHERE facts = 'Vol de téléphone.'"), 1);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(DISTINCT receipt_no) FROM complaints WHERE facts = 'Vol de téléphone.'"), 3);
	/* the unit's list, by disposition; another unit does not see them */
	r = req("GET", "/api/v1/complaints?disposition=no_offence&limit=50", officer, NULL);
	th_expect(&r, 200);
	bool listed = false;
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(r.json, "complaints"), i, o) {
		assert_string_equal(jget(o, "disposition"), "no_offence");
		listed = listed || strcmp(jget(o, "id"), ids[2]) == 0;
	}
	assert_true(listed);
	th_resp_free(&r);
	r = req("GET", "/api/v1/complaints?limit=200", officer2, NULL);
	th_expect(&r, 200);
	json_array_foreach(json_object_get(r.json, "complaints"), i, o) assert_string_not_equal(jget(o, "id"), ids[2]);
	th_resp_free(&r);
	r = req("GET", "/api/v1/complaints?disposition=lost", officer, NULL);
	expect_problem(&r, 400, "bad-query");
	th_resp_free(&r);
	/* a person is read only where one of their cases is in scope */
	char pid[37];
	add_person(case_id, "suspect", person("BH999000", "Zerouali", "Adil", "الزروالي", "عادل"), pid);
	snprintf(path, sizeof path, "/api/v1/persons/%s", pid);
	r = req("GET", path, officer2, NULL);
	expect_problem(&r, 403, "forbidden");
	th_resp_free(&r);
	r = req("GET", path, officer, NULL);
	th_expect(&r, 200);
	th_resp_free(&r);
}

/* ---- concurrency: 8 clients, 200 cases, 200 distinct numbers ---- */

#define CLIENTS 8
#define PER_CLIENT 25

typedef struct client {
	char *tok;
	int ok;
	char numbers[PER_CLIENT][96];
} client;

/* A wanted notice issued in Arabic script by unit B raises a hit when unit A
 * enters the suspect in Latin script, another spelling, in a case: the alert
 * comes back with the entry, the hit is recorded, unit B is notified. */
static void entering_a_wanted_person_raises_a_hit(void **st)
{
	(void)st;
	th_resp r = req("POST", "/api/v1/registers/wanted", officer2,
			json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "authority_code", "TPI-CASA-PENAL",
				  "order_reference", "ORD-2024-1", "order_date", "2024-06-01", "reference", "AR-LIS-2026-017", "issuing_authority",
				  "Procureur du Roi, TPI Casablanca", "offence_code", "CP-505", "offence", "vol avec violence", "danger", "high",
				  "first_name_ar", "محمد", "last_name_ar", "العلوي", "birth_date", "1987-02-03"));
	th_expect(&r, 201);
	char wid[40];
	snprintf(wid, sizeof wid, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	long long hits = th_sql_int(&S, "SELECT COUNT(*) FROM hits");
	char id[40], pid[40];
	new_case("CP-505", id, NULL);
	char path[128];
	snprintf(path, sizeof path, "/api/v1/cases/%s/persons", id);
	r = req("POST", path, officer,
		json_pack("{s:s,s:{s:s,s:s,s:s,s:s}}", "role", "suspect", "person", "first_name_lat", "Mohammed",
			  "last_name_lat", "El Alaoui", "birth_date", "1987-02-03", "sex", "M"));
	th_expect(&r, 201);
	snprintf(pid, sizeof pid, "%s", th_str(&r, "id"));
	json_t *alerts = json_object_get(r.json, "alerts");
	assert_int_equal(json_array_size(alerts), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(alerts, 0), "id")), wid);
	th_resp_free(&r);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM hits"), hits + 1);
	r = req("GET", "/api/v1/notifications", officer2, NULL);
	th_expect(&r, 200);
	assert_true(json_array_size(json_object_get(r.json, "items")) >= 1);
	th_resp_free(&r);
	/* a witness with an unrelated name raises nothing */
	r = req("POST", path, officer,
		json_pack("{s:s,s:{s:s,s:s}}", "role", "witness", "person", "first_name_lat", "Karima",
			  "last_name_lat", "Benjelloun"));
	th_expect(&r, 201);
	assert_int_equal(json_array_size(json_object_get(r.json, "alerts")), 0);
	th_resp_free(&r);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM hits"), hits + 1);
}

static void *create_many(void *arg)
{
	client *cl = arg;
	for (int i = 0; i < PER_CLIENT; i++) {
		th_resp r = th_json(&S, "POST", "/api/v1/cases", cl->tok,
				    "{\"frame\":\"preliminary\",\"offences\":[{\"code\":\"CP-505\"}],\"summary\":\"charge\"}");
		if (r.status == 201)
			snprintf(cl->numbers[cl->ok++], 96, "%s", th_str(&r, "number"));
		else
			fprintf(stderr, "# create: %ld %s\n", r.status, r.body);
		th_resp_free(&r);
	}
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void concurrent_numbers_are_distinct(void **st)
{
	(void)st;
	client cl[CLIENTS];
	pthread_t th[CLIENTS];
	long long before = th_sql_int(&S, "SELECT COUNT(*) FROM cases");
	for (int i = 0; i < CLIENTS; i++) {
		memset(&cl[i], 0, sizeof cl[i]);
		cl[i].tok = th_login(&S, i % 2 ? "demo-officer" : "demo-opj");
		pthread_create(&th[i], NULL, create_many, &cl[i]);
	}
	static char all[CLIENTS * PER_CLIENT][96];
	int n = 0;
	for (int i = 0; i < CLIENTS; i++) {
		pthread_join(th[i], NULL);
		for (int k = 0; k < cl[i].ok; k++)
			memcpy(all[n++], cl[i].numbers[k], 96);
		free(cl[i].tok);
	}
	assert_int_equal(n, CLIENTS * PER_CLIENT);
	qsort(all, (size_t)n, 96, cmp);
	for (int i = 1; i < n; i++)
		assert_string_not_equal(all[i - 1], all[i]);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM cases") - before, CLIENTS * PER_CLIENT);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(DISTINCT number) FROM cases"), th_sql_int(&S, "SELECT COUNT(*) FROM cases"));
	/* every case has its audit entry */
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.object_id = c.id AND a.action = 'case.create')"), 0);
}

/* ---------------------------------------------------------------- */
/* Rights in custody: lawyer-contact deadline, family, minors (art 460). */

/* rule_hours reads field of the current rule of regime from /custody-rules
 * (the rules are data: the tests take the numbers from there); -1 when null. */
static long long rule_hours(const char *regime, const char *field)
{
	th_resp r = req("GET", "/api/v1/custody-rules", opj, NULL);
	th_expect(&r, 200);
	long long v = -2;
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(r.json, "rules"), i, o) {
		if (strcmp(jget(o, "regime"), regime) != 0 || !json_is_null(json_object_get(o, "effective_to")))
			continue;
		json_t *x = json_object_get(o, field);
		v = json_is_integer(x) ? (long long)json_integer_value(x) : -1;
		break; /* the newest loaded version comes first */
	}
	th_resp_free(&r);
	assert_true(v != -2);
	return v;
}

/* deadline_row returns (new reference) the custody kid in the caller's
 * deadlines view, NULL when absent; *env receives the envelope (new ref). */
static json_t *deadline_row(const char *tok, const char *kid, json_t **env)
{
	th_resp r = req("GET", "/api/v1/custody/deadlines", tok, NULL);
	th_expect(&r, 200);
	json_t *found = NULL;
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(r.json, "custodies"), i, o) if (strcmp(jget(o, "id"), kid) == 0) found =
		json_incref(o);
	if (env)
		*env = json_incref(r.json);
	th_resp_free(&r);
	return found;
}

static long long jint_of(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

static void close_custody(const char *kid)
{
	char path[160];
	snprintf(path, sizeof path, "/api/v1/custody/%s/close", kid);
	th_resp r = req("POST", path, opj, json_pack("{s:s,s:s}", "end", "presented", "condition_on_exit", "Même état qu'à l'entrée"));
	th_expect(&r, 200);
	th_resp_free(&r);
}

static void lawyer_overdue_then_contacted(void **st)
{
	(void)st;
	long long h = rule_hours("ordinary", "lawyer_contact_max_hours");
	assert_true(h > 0);
	char case_id[37], suspect[37], kid[37], path[160];
	new_case("CP-505", case_id, NULL); /* a délit */
	add_person(case_id, "suspect", person("BK700100", "Berrada", "Anas", "برادة", "أنس"), suspect);
	open_custody(case_id, suspect, "ordinary", kid);
	snprintf(path, sizeof path, "/api/v1/custody/%s", kid);
	th_resp r = req("GET", path, opj, NULL);
	th_expect(&r, 200);
	assert_int_equal(jint_of(r.json, "lawyer_deadline") - jint_of(r.json, "started_at"), h * HOUR);
	assert_false(json_is_true(json_object_get(r.json, "lawyer_overdue")));
	th_resp_free(&r);
	json_t *o = deadline_row(opj, kid, NULL);
	assert_non_null(o);
	assert_false(json_is_true(json_object_get(o, "lawyer_overdue")));
	json_decref(o);

	/* past the lawyer deadline, not contacted: flagged, nothing blocked */
	th_set_clock(&S, (h + 1) * HOUR);
	login_all();
	json_t *env = NULL;
	o = deadline_row(chief, kid, &env);
	assert_non_null(o);
	assert_true(json_is_true(json_object_get(o, "lawyer_overdue")));
	assert_false(json_is_true(json_object_get(o, "overdue"))); /* the custody itself still runs */
	assert_true(jint_of(env, "lawyer_overdue") >= 1);
	json_decref(o);
	json_decref(env);
	r = req("GET", "/api/v1/units/AR-CASA-OULFA/custody-daily", opj, NULL);
	th_expect(&r, 200);
	bool seen = false;
	size_t i;
	json_array_foreach(json_object_get(r.json, "held"), i, o) if (strcmp(jget(o, "id"), kid) == 0) {
		seen = true;
		assert_true(json_is_true(json_object_get(o, "lawyer_overdue")));
	}
	assert_true(seen);
	th_resp_free(&r);
	/* a délit: the prosecutor's delay (crimes only) is refused */
	r = req("PATCH", path, opj, json_pack("{s:s,s:s}", "lawyer_delay_ref", "PR/D/1", "lawyer_delay_date", "2026-11-29"));
	expect_problem(&r, 422, "lawyer-delay-crime-only");
	th_resp_free(&r);
	/* an extension is not blocked by the lawyer flag */
	snprintf(path, sizeof path, "/api/v1/custody/%s/extensions", kid);
	r = req("POST", path, opj, json_pack("{s:s,s:s}", "authorisation_ref", "PR/80", "authorisation_date", "2026-11-29"));
	th_expect(&r, 200);
	th_resp_free(&r);

	/* contacted (late): the overdue flag goes, the lateness stays on the record */
	snprintf(path, sizeof path, "/api/v1/custody/%s", kid);
	r = req("GET", path, opj, NULL);
	th_expect(&r, 200);
	long long now_ms = jint_of(r.json, "started_at") + (h + 1) * HOUR;
	th_resp_free(&r);
	r = req("PATCH", path, officer, json_pack("{s:I}", "lawyer_contacted_at", (json_int_t)now_ms));
	th_expect(&r, 200);
	assert_false(json_is_true(json_object_get(r.json, "lawyer_overdue")));
	assert_true(json_is_true(json_object_get(r.json, "lawyer_contacted_late")));
	th_resp_free(&r);
	o = deadline_row(chief, kid, NULL);
	assert_non_null(o);
	assert_false(json_is_true(json_object_get(o, "lawyer_overdue")));
	json_decref(o);
	th_set_clock(&S, 0);
	login_all();
	close_custody(kid);
}

static void prosecutor_delay_extends_lawyer_deadline(void **st)
{
	(void)st;
	long long h = rule_hours("ordinary", "lawyer_contact_max_hours");
	long long hc = rule_hours("ordinary", "lawyer_contact_max_hours_crime");
	assert_true(h > 0 && hc > h);
	char case_id[37], suspect[37], kid[37], path[160];
	new_case("CP-509", case_id, NULL); /* a crime */
	add_person(case_id, "suspect", person("BK700200", "Chraibi", "Hamza", "الشرايبي", "حمزة"), suspect);
	open_custody(case_id, suspect, "ordinary", kid);
	snprintf(path, sizeof path, "/api/v1/custody/%s", kid);
	/* the authorisation reference is required for the delay: an empty one is 400 */
	th_resp r = req("PATCH", path, opj, json_pack("{s:s}", "lawyer_delay_ref", ""));
	expect_problem(&r, 400, "validation");
	th_resp_free(&r);
	r = req("PATCH", path, opj, json_pack("{s:s,s:s}", "lawyer_delay_ref", "PG/D/7", "lawyer_delay_date", "2026-11-29"));
	th_expect(&r, 200);
	assert_int_equal(jint_of(r.json, "lawyer_deadline") - jint_of(r.json, "started_at"), hc * HOUR);
	assert_string_equal(jget(r.json, "lawyer_delay_ref"), "PG/D/7");
	th_resp_free(&r);
	/* past the ordinary limit, within the delayed one: not overdue */
	th_set_clock(&S, (h + 1) * HOUR);
	login_all();
	json_t *o = deadline_row(opj, kid, NULL);
	assert_non_null(o);
	assert_false(json_is_true(json_object_get(o, "lawyer_overdue")));
	json_decref(o);
	/* past the delayed limit: overdue */
	th_set_clock(&S, (hc + 1) * HOUR);
	login_all();
	o = deadline_row(opj, kid, NULL);
	assert_non_null(o);
	assert_true(json_is_true(json_object_get(o, "lawyer_overdue")));
	json_decref(o);
	/* the delay is recorded once (issue 10 item 4) */
	r = req("PATCH", path, opj, json_pack("{s:s}", "lawyer_delay_ref", "PG/D/8"));
	expect_problem(&r, 409, "lawyer-delay-recorded");
	th_resp_free(&r);
	th_set_clock(&S, 0);
	login_all();
	close_custody(kid);
}

static void family_pending_is_flagged(void **st)
{
	(void)st;
	char case_id[37], suspect[37], kid[37], path[160];
	new_case("CP-505", case_id, NULL);
	add_person(case_id, "suspect", person("BK700300", "Lahlou", "Nabil", "لحلو", "نبيل"), suspect);
	open_custody(case_id, suspect, "ordinary", kid);
	json_t *env = NULL;
	json_t *o = deadline_row(opj, kid, &env);
	assert_non_null(o);
	assert_true(json_is_true(json_object_get(o, "family_pending")));
	assert_true(jint_of(env, "family_pending") >= 1);
	long long pending_before = jint_of(env, "family_pending");
	json_decref(o);
	json_decref(env);
	th_resp r = req("GET", "/api/v1/units/AR-CASA-OULFA/custody-daily.html?lang=fr", opj, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "NON AVISÉE"));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/custody/%s", kid);
	r = req("GET", path, opj, NULL);
	th_expect(&r, 200);
	long long at = jint_of(r.json, "started_at") + 60000;
	th_resp_free(&r);
	r = req("PATCH", path, officer, json_pack("{s:I,s:s}", "family_informed_at", (json_int_t)at, "family_informed_how",
						  "téléphone au frère"));
	th_expect(&r, 200);
	assert_false(json_is_true(json_object_get(r.json, "family_pending")));
	th_resp_free(&r);
	o = deadline_row(opj, kid, &env);
	assert_non_null(o);
	assert_false(json_is_true(json_object_get(o, "family_pending")));
	assert_int_equal(jint_of(env, "family_pending"), pending_before - 1);
	json_decref(o);
	json_decref(env);
	close_custody(kid);
}

static void minor_regime_checks(void **st)
{
	(void)st;
	char case_id[37], adult[37], minor[37], nobirth[37], kid[37], path[160], birth[32];
	new_case("CP-509", case_id, NULL);
	/* 16 years before now (the server's clock is real time here) */
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(birth, sizeof birth, "%04d-01-15", tm.tm_year + 1900 - 16);
	add_person(case_id, "suspect", person("BK700400", "Bennani", "Omar", "بناني", "عمر"), adult);
	json_t *p = person("BK700401", "Bennani", "Adam", "بناني", "آدم");
	json_object_set_new(p, "birth_date", json_string(birth));
	add_person(case_id, "suspect", p, minor);
	add_person(case_id, "suspect", json_pack("{s:s,s:s,s:s,s:s}", "cin", "BK700402", "last_name_lat", "Sefrioui",
						 "first_name_lat", "Ilyas", "sex", "M"),
		   nobirth);
	snprintf(path, sizeof path, "/api/v1/cases/%s/custody", case_id);
	long long before = count("SELECT COUNT(*) FROM custodies WHERE case_id = '%s'", case_id);
	/* an adult under the minor regime: 422 */
	th_resp r = req("POST", path, opj, json_pack("{s:s,s:s,s:s,s:s,s:s}", "person_id", adult, "regime", "minor", "ground",
						     "art 460: retenue du mineur", "condition_on_entry", "Bon état apparent", "ground_code", "PREVENT_FLIGHT"));
	expect_problem(&r, 422, "custody-not-a-minor");
	th_resp_free(&r);
	/* no birth date: 422 */
	r = req("POST", path, opj, json_pack("{s:s,s:s,s:s,s:s,s:s}", "person_id", nobirth, "regime", "minor", "ground",
					     "art 460: retenue du mineur", "condition_on_entry", "Bon état apparent", "ground_code", "PREVENT_FLIGHT"));
	expect_problem(&r, 422, "custody-minor-needs-birth-date");
	th_resp_free(&r);
	/* a minor under the ordinary regime: 422 (CPP 458–460, the data says so);
	 * terrorism and state security are not for this case's charges */
	r = req("POST", path, opj, json_pack("{s:s,s:s,s:s,s:s,s:s}", "person_id", minor, "regime", "ordinary", "ground",
					     "art 66-1: conservation des preuves", "condition_on_entry", "Bon état apparent", "ground_code", "PREVENT_FLIGHT"));
	expect_problem(&r, 422, "custody-minor-regime-required");
	th_resp_free(&r);
	r = req("POST", path, opj, json_pack("{s:s,s:s,s:s,s:s,s:s}", "person_id", minor, "regime", "state_security", "ground",
					     "art 66-1: conservation des preuves", "condition_on_entry", "Bon état apparent", "ground_code", "PREVENT_FLIGHT"));
	expect_problem(&r, 422, "custody-regime-not-for-offences");
	th_resp_free(&r);
	assert_int_equal(count("SELECT COUNT(*) FROM custodies WHERE case_id = '%s'", case_id), before);
	/* the minor under the minor regime: opened, guardian pending */
	open_custody(case_id, minor, "minor", kid);
	snprintf(path, sizeof path, "/api/v1/custody/%s", kid);
	r = req("GET", path, opj, NULL);
	th_expect(&r, 200);
	assert_true(json_is_true(json_object_get(r.json, "guardian_pending")));
	th_resp_free(&r);
	/* no extension before the guardian is informed */
	snprintf(path, sizeof path, "/api/v1/custody/%s/extensions", kid);
	r = req("POST", path, opj, json_pack("{s:s,s:s}", "authorisation_ref", "PR/M/1", "authorisation_date", "2026-11-29"));
	expect_problem(&r, 422, "extension-needs-guardian");
	th_resp_free(&r);
	assert_int_equal(count("SELECT COUNT(*) FROM custody_extensions WHERE custody_id = '%s'", kid), 0);
	snprintf(path, sizeof path, "/api/v1/custody/%s", kid);
	r = req("GET", path, opj, NULL);
	long long at = jint_of(r.json, "started_at") + 60000;
	th_resp_free(&r);
	r = req("PATCH", path, officer, json_pack("{s:I,s:s}", "guardian_informed_at", (json_int_t)at,
						  "guardian_informed_how", "le père, par téléphone"));
	th_expect(&r, 200);
	assert_false(json_is_true(json_object_get(r.json, "guardian_pending")));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/custody/%s/extensions", kid);
	r = req("POST", path, opj, json_pack("{s:s,s:s}", "authorisation_ref", "PR/M/1", "authorisation_date", "2026-11-29"));
	th_expect(&r, 200);
	assert_int_equal(jint_of(r.json, "extensions"), 1);
	th_resp_free(&r);
	/* the adult is held under the ordinary regime as before */
	char k2[37];
	open_custody(case_id, adult, "ordinary", k2);
	close_custody(k2);
	close_custody(kid);
}


/* The case page sends a note with the person it adds (issue 9: the server
 * answered 400 "unknown-field"): the link keeps it, the case shows it, and
 * the case page's exact body — role, note, person — is accepted. */
static void person_added_with_a_note(void **st)
{
	(void)st;
	char case_id[37], path[160];
	new_case("CP-505", case_id, NULL);
	snprintf(path, sizeof path, "/api/v1/cases/%s/persons", case_id);
	th_resp r = req("POST", path, officer,
			json_pack("{s:s,s:s,s:o}", "role", "witness", "note", "Voisin, a vu la scène depuis son balcon.",
				  "person", person("BJ400500", "Tazi", "Nadia", "التازي", "نادية")));
	th_expect(&r, 201);
	assert_string_equal(th_str(&r, "note"), "Voisin, a vu la scène depuis son balcon.");
	th_resp_free(&r);
	assert_int_equal(count("SELECT COUNT(*) FROM case_persons WHERE case_id = '%s' AND note LIKE 'Voisin%%'", case_id), 1);
	snprintf(path, sizeof path, "/api/v1/cases/%s", case_id);
	r = req("GET", path, officer, NULL);
	th_expect(&r, 200);
	json_t *p0 = json_array_get(json_object_get(r.json, "persons"), 0);
	assert_string_equal(jget(p0, "note"), "Voisin, a vu la scène depuis son balcon.");
	th_resp_free(&r);
	/* text that would spoof what a PV shows is refused at the door */
	snprintf(path, sizeof path, "/api/v1/cases/%s/persons", case_id);
	r = th_json(&S, "POST", path, officer,
		    "{\"role\":\"witness\",\"note\":\"a\u202eb\",\"person\":{\"last_name_lat\":\"X\"}}");
	expect_problem(&r, 400, "validation");
	th_resp_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(whole_case_from_complaint_to_closure),
		cmocka_unit_test(sealed_pv_is_immutable_and_art67_is_checked),
		cmocka_unit_test(extension_needs_authorisation_and_stays_in_limits),
		cmocka_unit_test(overdue_custody_shows_in_deadlines),
		cmocka_unit_test(other_unit_is_refused),
		cmocka_unit_test(cancelled_case_keeps_number_and_history),
		cmocka_unit_test(bad_input_is_400_and_writes_nothing),
		cmocka_unit_test(complaint_dispositions),
		cmocka_unit_test(entering_a_wanted_person_raises_a_hit),
		cmocka_unit_test(lawyer_overdue_then_contacted),
		cmocka_unit_test(prosecutor_delay_extends_lawyer_deadline),
		cmocka_unit_test(family_pending_is_flagged),
		cmocka_unit_test(minor_regime_checks),
		cmocka_unit_test(concurrent_numbers_are_distinct),
		cmocka_unit_test(person_added_with_a_note),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
