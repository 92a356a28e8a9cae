/* test_desk.c — the front desk, black-box, against a real server on SQLite
 * and on PostgreSQL (issue 13):
 *   - a declared stolen phone raises a hit when its IMEI is later entered as
 *     seized in a case (the declaring unit is notified); the stolen car is
 *     found by a roadside /check; the theft becomes a complaint and a case in
 *     one step, linked both ways;
 *   - a declared lost CIN is in the documents register, home unit the
 *     declaring unit; another unit's finding closes it with its unit and
 *     date, and the declaring unit is notified;
 *   - a residence certificate goes request → check → issue; its public
 *     verification shows kind, unit, date and validity and no personal data
 *     (the test looks for the name, the CIN and the address in the answer);
 *     past its validity it answers valid:false; the audit entry carries no
 *     address, only its keyed hash;
 *   - bad input is refused field by field with messages in both languages
 *     and nothing written: an IMEI failing its Luhn digit, a plate in
 *     neither script, a date in the future, a whole card number, a receipt
 *     number that does not exist;
 *   - a forged code, a wrong number and 1,000 guesses from one address get
 *     the same answer shape, then 429 (run last: the address stays limited).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static th_server S;
static char *officer, *officer2, *opj;

static int setup(void **state)
{
	(void)state;
	th_setup(&S);
	officer = th_login(&S, "demo-officer");
	officer2 = th_login(&S, "demo-officer2");
	opj = th_login(&S, "demo-opj");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(officer);
	free(officer2);
	free(opj);
	return th_teardown(&S) == 0 ? 0 : -1;
}

static const char *jget(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

/* has_alert: the alerts of o name a hit on register reg. */
/* seizure_pv drafts the seizure PV of the case whose seizures path is path
 * (".../cases/ID/seizures") — a seizure is recorded by its PV (issue 17) —
 * and writes its id into pv. */
static void seizure_pv(const char *path, const char *tok, char pv[37])
{
	char p[256];
	snprintf(p, sizeof p, "%.*s/pvs", (int)(strlen(path) - strlen("/seizures")), path);
	th_resp r = th_json(&S, "POST", p, tok, "{\"type\":\"seizure\",\"statements\":\"Saisie.\",\"read_back\":true}");
	th_expect(&r, 201);
	snprintf(pv, 37, "%s", jget(r.json, "id"));
	th_resp_free(&r);
}

static bool has_alert(json_t *o, const char *reg)
{
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(o, "alerts"), i, a) if (strcmp(jget(a, "register"), reg) == 0) return true;
	return false;
}

/* notified: unit of tok has a notification of kind mentioning text. */
static bool notified(const char *tok, const char *kind, const char *text)
{
	th_resp r = th_request(&S, "GET", "/api/v1/notifications", tok, NULL, 0, NULL);
	th_expect(&r, 200);
	bool yes = false;
	size_t i;
	json_t *n;
	json_array_foreach(json_object_get(r.json, "items"), i, n) {
		char *d = json_dumps(json_object_get(n, "detail"), 0);
		if (strcmp(jget(n, "kind"), kind) == 0 && d && strstr(d, text))
			yes = true;
		free(d);
	}
	th_resp_free(&r);
	return yes;
}

static const char THEFT[] =
	"{\"kind\":\"theft\",\"declarant\":{\"cin\":\"BJ440011\",\"last_name_lat\":\"Alaoui\",\"first_name_lat\":\"Rachid\","
	"\"last_name_ar\":\"العلوي\",\"first_name_ar\":\"رشيد\"},\"occurred_at\":1764500000000,"
	"\"place\":\"Bd Mohammed V, Casablanca\",\"circumstances\":\"Vol à l'arraché près du marché.\","
	"\"items\":[{\"item_type\":\"phone\",\"imei\":\"35-693803-564380-9\",\"make\":\"Samsung\",\"color\":\"noir\"},"
	"{\"item_type\":\"vehicle\",\"plate\":\"45678-د-6\",\"make\":\"Dacia\",\"color\":\"blanche\"},"
	"{\"item_type\":\"card\",\"card_last4\":\"4242\"}]}";

static void stolen_phone_hits_when_seized(void **st)
{
	(void)st;
	th_resp r = th_json(&S, "POST", "/api/v1/declarations", officer, THEFT);
	th_expect(&r, 201);
	char id[64], receipt[96];
	snprintf(id, sizeof id, "%s", jget(r.json, "id"));
	snprintf(receipt, sizeof receipt, "%s", jget(r.json, "receipt_no"));
	assert_non_null(strstr(receipt, "AR-CASA-OULFA/"));
	assert_non_null(strstr(receipt, "/DC-"));
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_array_size(items), 3);
	assert_string_equal(jget(json_array_get(items, 0), "register"), "phone");
	assert_string_equal(jget(json_array_get(items, 0), "imei"), "356938035643809");
	assert_string_equal(jget(json_array_get(items, 1), "register"), "vehicle");
	assert_string_equal(jget(json_array_get(items, 2), "card_last4"), "4242");
	assert_int_equal(strlen(jget(r.json, "verify_code")), 8);
	th_resp_free(&r);

	/* the phones register has it, home unit A */
	r = th_request(&S, "GET", "/api/v1/registers/phones?status=active", officer2, NULL, 0, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "356938035643809"));
	assert_non_null(strstr(r.body, "AR-CASA-OULFA"));
	th_resp_free(&r);

	/* unit B seizes the phone in one of its cases: the hit is raised */
	r = th_json(&S, "POST", "/api/v1/cases", officer2,
		    "{\"frame\":\"flagrant\",\"offences\":[{\"code\":\"CP-505\"}],\"summary\":\"Recel de telephone\"}");
	th_expect(&r, 201);
	char path[256];
	snprintf(path, sizeof path, "/api/v1/cases/%s/seizures", jget(r.json, "id"));
	th_resp_free(&r);
	char pv[37], body[400];
	seizure_pv(path, officer2, pv);
	snprintf(body, sizeof body,
		 "{\"seal_no\":\"B-S-0001\",\"description\":\"Telephone Samsung noir\",\"quantity\":\"1\","
		 "\"storage_place\":\"Armoire 2\",\"holder\":\"demo-officer2\",\"imei\":\"356938035643809\",\"pv_id\":\"%s\"}", pv);
	r = th_json(&S, "POST", path, officer2, body);
	th_expect(&r, 201);
	assert_true(has_alert(r.json, "phone"));
	assert_string_equal(jget(r.json, "imei"), "356938035643809");
	th_resp_free(&r);
	assert_true(notified(officer, "hit", "356938035643809"));

	/* a seized item whose IMEI fails its check digit is refused */
	r = th_json(&S, "POST", path, officer2,
		    "{\"seal_no\":\"B-S-0002\",\"description\":\"Telephone\",\"quantity\":\"1\","
		    "\"storage_place\":\"Armoire 2\",\"holder\":\"demo-officer2\",\"imei\":\"356938035643800\"}");
	th_expect(&r, 400);
	assert_non_null(strstr(r.body, "\"imei\""));
	th_resp_free(&r);

	/* the car, checked on the road in Latin letters */
	r = th_json(&S, "POST", "/api/v1/check", officer2, "{\"purpose\":\"controle routier\",\"plate\":\"45678 D 6\"}");
	th_expect(&r, 200);
	assert_true(has_alert(r.json, "vehicle"));
	th_resp_free(&r);

	/* the theft becomes a complaint and a case in one step, linked both ways */
	snprintf(path, sizeof path, "/api/v1/declarations/%s/complaint", id);
	const char *to_case = "{\"frame\":\"preliminary\",\"offences\":[{\"code\":\"CP-505\"}],\"opj\":\"demo-opj\"}";
	r = th_json(&S, "POST", path, officer, to_case);
	th_expect(&r, 201);
	char complaint[64], kase[64];
	snprintf(complaint, sizeof complaint, "%s", jget(r.json, "complaint_id"));
	snprintf(kase, sizeof kase, "%s", jget(r.json, "case_id"));
	assert_true(complaint[0] && kase[0]);
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/complaints/%s", complaint);
	r = th_request(&S, "GET", path, officer, NULL, 0, NULL);
	th_expect(&r, 200);
	assert_string_equal(jget(r.json, "declaration_id"), id);
	assert_string_equal(jget(r.json, "case_id"), kase);
	assert_string_equal(jget(json_object_get(r.json, "complainant"), "cin"), "BJ440011");
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/declarations/%s/complaint", id);
	r = th_json(&S, "POST", path, officer, to_case);
	th_expect(&r, 409);
	assert_string_equal(jget(r.json, "code"), "declaration-already-complaint");
	th_resp_free(&r);
	/* a theft that is a case now is not cancelled at the desk */
	snprintf(path, sizeof path, "/api/v1/declarations/%s/cancel", id);
	r = th_json(&S, "POST", path, officer, "{\"reason\":\"erreur de saisie\"}");
	th_expect(&r, 409);
	assert_string_equal(jget(r.json, "code"), "declaration-is-complaint");
	th_resp_free(&r);
	/* the receipt prints, with its QR code, and its reprint is audited */
	snprintf(path, sizeof path, "/api/v1/declarations/%s/receipt", id);
	long long before = th_sql_int(&S, "SELECT COUNT(*) FROM audit_log WHERE action = 'declaration.receipt'");
	for (int i = 0; i < 2; i++) {
		r = th_request(&S, "GET", path, officer, NULL, 0, NULL);
		th_expect(&r, 200);
		assert_non_null(strstr(r.ctype, "text/html"));
		assert_non_null(strstr(r.body, receipt));
		assert_non_null(strstr(r.body, "<svg class=\"qr\""));
		assert_non_null(strstr(r.body, "وصل التصريح بالسرقة"));
		assert_non_null(strstr(r.body, "Récépissé de déclaration de vol"));
		th_resp_free(&r);
	}
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM audit_log WHERE action = 'declaration.receipt'"),
			 before + 2);
	/* unit B reads none of it */
	r = th_request(&S, "GET", path, officer2, NULL, 0, NULL);
	assert_true(r.status == 403 || r.status == 404);
	th_resp_free(&r);
}

static void lost_cin_enters_the_register_and_its_finding_closes_it(void **st)
{
	(void)st;
	th_resp r = th_json(&S, "POST", "/api/v1/declarations", officer,
			    "{\"kind\":\"loss\",\"declarant\":{\"cin\":\"BK123999\",\"last_name_lat\":\"Bennani\","
			    "\"first_name_lat\":\"Salma\"},\"occurred_at\":1764400000000,\"place\":\"Tramway, Casablanca\","
			    "\"items\":[{\"item_type\":\"document\",\"doc_type\":\"cin\",\"doc_number\":\"BK 123999\","
			    "\"issued_on\":\"2019-05-02\"}]}");
	th_expect(&r, 201);
	char receipt[96], vno[96];
	snprintf(receipt, sizeof receipt, "%s", jget(r.json, "receipt_no"));
	snprintf(vno, sizeof vno, "%s", jget(r.json, "verify_no"));
	const char *rid = jget(json_array_get(json_object_get(r.json, "items"), 0), "register_id");
	char regid[64];
	snprintf(regid, sizeof regid, "%s", rid);
	assert_true(regid[0]);
	th_resp_free(&r);
	r = th_request(&S, "GET", "/api/v1/registers/documents?status=active", officer2, NULL, 0, NULL);
	th_expect(&r, 200);
	bool listed = false;
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(r.json, "items"), i, e) if (strcmp(jget(e, "id"), regid) == 0) {
		listed = true;
		assert_string_equal(jget(e, "doc_norm"), "BK123999");
		assert_string_equal(jget(e, "kind"), "lost");
		assert_string_equal(jget(e, "unit"), "AR-CASA-OULFA");
	}
	assert_true(listed);
	th_resp_free(&r);
	/* a look-up of the number is a hit */
	r = th_json(&S, "POST", "/api/v1/check", officer2, "{\"purpose\":\"controle\",\"document\":\"BK123999\"}");
	th_expect(&r, 200);
	assert_true(has_alert(r.json, "document"));
	th_resp_free(&r);
	/* unit B finds it: the entry is closed with B and the date; A is notified */
	char body[512];
	snprintf(body, sizeof body, "{\"receipt_no\":\"%s\",\"seq\":1,\"reason\":\"rapportee au commissariat\"}", vno);
	r = th_json(&S, "POST", "/api/v1/declarations/found", officer2, body);
	th_expect(&r, 200);
	assert_string_equal(jget(r.json, "register_status"), "found");
	assert_string_equal(jget(r.json, "found_unit"), "AR-CASA-LISSASFA");
	th_resp_free(&r);
	r = th_request(&S, "GET", "/api/v1/registers/documents?status=found", officer, NULL, 0, NULL);
	th_expect(&r, 200);
	bool found = false;
	json_array_foreach(json_object_get(r.json, "items"), i, e) if (strcmp(jget(e, "id"), regid) == 0) found =
		json_is_integer(json_object_get(e, "found_at"));
	assert_true(found);
	th_resp_free(&r);
	assert_true(notified(officer, "found", regid));
	r = th_json(&S, "POST", "/api/v1/declarations/found", officer2, body);
	th_expect(&r, 409);
	assert_string_equal(jget(r.json, "code"), "item-already-found");
	th_resp_free(&r);
	/* the receipt number as printed works too; no more a hit */
	r = th_json(&S, "POST", "/api/v1/check", officer2, "{\"purpose\":\"controle\",\"document\":\"BK123999\"}");
	th_expect(&r, 200);
	assert_false(has_alert(r.json, "document"));
	th_resp_free(&r);
	(void)receipt;
}

/* a car and a phone seized first (unit B), declared stolen afterwards (unit
 * A): the declaration's hit engine finds the seizures; both units are told */
static void declared_after_seizure_hits(void **st)
{
	(void)st;
	th_resp r = th_json(&S, "POST", "/api/v1/cases", officer2,
			    "{\"frame\":\"flagrant\",\"offences\":[{\"code\":\"CP-505\"}],\"summary\":\"Fourriere\"}");
	th_expect(&r, 201);
	char path[256];
	snprintf(path, sizeof path, "/api/v1/cases/%s/seizures", jget(r.json, "id"));
	th_resp_free(&r);
	char pv[37], body[400];
	seizure_pv(path, officer2, pv);
	snprintf(body, sizeof body,
		 "{\"seal_no\":\"B-S-0100\",\"description\":\"Renault Clio grise\",\"quantity\":\"1\","
		 "\"storage_place\":\"Fourriere\",\"holder\":\"demo-officer2\",\"plate\":\"77777 B 1\",\"pv_id\":\"%s\"}", pv);
	r = th_json(&S, "POST", path, officer2, body);
	th_expect(&r, 201);
	assert_string_equal(jget(r.json, "plate"), "77777-B-1");
	th_resp_free(&r);
	r = th_json(&S, "POST", "/api/v1/declarations", officer,
		    "{\"kind\":\"theft\",\"declarant\":{\"cin\":\"BJ440022\",\"last_name_lat\":\"Tazi\"},"
		    "\"occurred_at\":1764300000000,\"place\":\"Ain Chock\","
		    "\"items\":[{\"item_type\":\"vehicle\",\"plate\":\"77777-ب-1\",\"make\":\"Renault\"}]}");
	th_expect(&r, 201);
	assert_true(has_alert(r.json, "vehicle"));
	assert_non_null(strstr(r.body, "B-S-0100"));
	th_resp_free(&r);
	assert_true(notified(officer2, "hit", "B-S-0100"));
}

/* the verification's members, sorted and joined */
static void shape(json_t *o, char *out, size_t n)
{
	out[0] = '\0';
	const char *k;
	json_t *v;
	size_t used = 0;
	char keys[16][32];
	int nk = 0;
	json_object_foreach(o, k, v) if (nk < 16) snprintf(keys[nk++], 32, "%s", k);
	for (int i = 0; i < nk; i++)
		for (int j = i + 1; j < nk; j++)
			if (strcmp(keys[j], keys[i]) < 0) {
				char t[32];
				memcpy(t, keys[i], 32);
				memcpy(keys[i], keys[j], 32);
				memcpy(keys[j], t, 32);
			}
	for (int i = 0; i < nk; i++)
		used += (size_t)snprintf(out + used, n - used, "%s,", keys[i]);
}

static char cert_no[96], cert_code[16];

static void residence_certificate_and_its_verification(void **st)
{
	(void)st;
	const char *req = "{\"applicant\":{\"cin\":\"BE654321\",\"last_name_lat\":\"Zahraoui\",\"first_name_lat\":\"Khadija\","
			  "\"last_name_ar\":\"الزهراوي\",\"first_name_ar\":\"خديجة\",\"birth_date\":\"1994-03-08\"},"
			  "\"address\":\"17 derb Sultan, rue 42\",\"commune\":\"COM-CASABLANCA\",\"purpose\":\"cnie\"}";
	th_resp r = th_json(&S, "POST", "/api/v1/residence-certificates", officer, req);
	th_expect(&r, 201);
	char id[64], path[256];
	snprintf(id, sizeof id, "%s", jget(r.json, "id"));
	assert_string_equal(jget(r.json, "status"), "requested");
	assert_string_equal(jget(r.json, "commune_name_fr"), "Casablanca");
	th_resp_free(&r);
	/* the desk's day lists it to check */
	r = th_request(&S, "GET", "/api/v1/desk/today", officer, NULL, 0, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, id));
	assert_true(json_array_size(json_object_get(r.json, "declarations")) >= 2);
	th_resp_free(&r);
	/* no decision before the check */
	snprintf(path, sizeof path, "/api/v1/residence-certificates/%s/decision", id);
	r = th_json(&S, "POST", path, officer, "{\"decision\":\"issued\"}");
	th_expect(&r, 409);
	assert_string_equal(jget(r.json, "code"), "certificate-not-checked");
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/residence-certificates/%s/check", id);
	r = th_json(&S, "POST", path, officer,
		    "{\"check_kind\":\"visit\",\"check_on\":\"2026-01-05\",\"check_result\":\"confirmed\","
		    "\"check_notes\":\"voisins et moqaddem entendus\"}");
	th_expect(&r, 200);
	assert_string_equal(jget(r.json, "checked_by_badge"), "demo-officer");
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/residence-certificates/%s/decision", id);
	r = th_json(&S, "POST", path, officer, "{\"decision\":\"issued\"}");
	th_expect(&r, 200);
	assert_string_equal(jget(r.json, "status"), "issued");
	assert_non_null(strstr(jget(r.json, "serial_no"), "/CR-"));
	assert_true(json_integer_value(json_object_get(r.json, "valid_until")) > json_integer_value(json_object_get(r.json, "issued_at")));
	snprintf(cert_no, sizeof cert_no, "%s", jget(r.json, "verify_no"));
	snprintf(cert_code, sizeof cert_code, "%s", jget(r.json, "verify_code"));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/residence-certificates/%s/print", id);
	r = th_request(&S, "GET", path, officer, NULL, 0, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "شهادة السكنى"));
	assert_non_null(strstr(r.body, "Certificat de résidence"));
	assert_non_null(strstr(r.body, "<svg class=\"qr\""));
	assert_non_null(strstr(r.body, cert_no));
	th_resp_free(&r);
	/* anyone verifies it, without logging in: validity and nothing personal */
	snprintf(path, sizeof path, "/api/v1/verify/%s?c=%s", cert_no, cert_code);
	r = th_request(&S, "GET", path, NULL, NULL, 0, NULL);
	th_expect(&r, 200);
	assert_true(json_is_true(json_object_get(r.json, "found")));
	assert_true(json_is_true(json_object_get(r.json, "valid")));
	assert_string_equal(jget(r.json, "kind"), "residence_certificate");
	assert_string_equal(jget(r.json, "unit"), "AR-CASA-OULFA");
	static const char *const personal[] = {"Zahraoui", "Khadija", "الزهراوي", "خديجة", "BE654321", "derb Sultan",
					       "1994-03-08"};
	for (size_t i = 0; i < sizeof personal / sizeof personal[0]; i++) {
		if (strstr(r.body, personal[i]))
			fprintf(stderr, "# the verification shows %s: %s\n", personal[i], r.body);
		assert_null(strstr(r.body, personal[i]));
	}
	th_resp_free(&r);
	/* lower-case code as typed from paper */
	char lower[16];
	for (size_t i = 0; i <= strlen(cert_code); i++)
		lower[i] = (char)(cert_code[i] >= 'A' && cert_code[i] <= 'Z' ? cert_code[i] + 32 : cert_code[i]);
	snprintf(path, sizeof path, "/api/v1/verify/%s?c=%s", cert_no, lower);
	r = th_request(&S, "GET", path, NULL, NULL, 0, NULL);
	assert_true(json_is_true(json_object_get(r.json, "found")));
	th_resp_free(&r);
	/* the audit entry has no address, only its keyed hash */
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM audit_log WHERE action = 'desk.verify' AND ip IS NOT NULL"), 0);
	assert_true(th_sql_int(&S, "SELECT COUNT(*) FROM audit_log WHERE action = 'desk.verify' AND detail LIKE '%address_hash%'") >= 2);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM audit_log WHERE action = 'desk.verify' AND detail LIKE '%127.0.0.1%'"), 0);
	/* handed over: off the desk's list */
	snprintf(path, sizeof path, "/api/v1/residence-certificates/%s/handover", id);
	r = th_request(&S, "POST", path, officer, NULL, 0, NULL);
	th_expect(&r, 200);
	assert_true(json_is_integer(json_object_get(r.json, "handed_at")));
	th_resp_free(&r);
}

/* the verification of number/code: found, valid and cancelled as answered */
static void verified(const char *number, const char *code, bool valid, bool cancelled)
{
	char path[256];
	snprintf(path, sizeof path, "/api/v1/verify/%s?c=%s", number, code);
	th_resp r = th_request(&S, "GET", path, NULL, NULL, 0, NULL);
	th_expect(&r, 200);
	assert_true(json_is_true(json_object_get(r.json, "found")));
	assert_true(json_is_boolean(json_object_get(r.json, "valid")) && json_is_true(json_object_get(r.json, "valid")) == valid);
	assert_true(json_is_true(json_object_get(r.json, "cancelled")) == cancelled);
	th_resp_free(&r);
}

/* issue: a slip at the counter is undone without deleting anything — the
 * declaration cancelled with its reason (its things leave the registers, its
 * receipt no longer verifies as valid, its reprint says so); an issued
 * certificate revoked with its reason and corrected by a new request naming
 * it; who may (the chief; the officer who made it, the same day), and every
 * refusal named and changing nothing */
static void cancelled_and_revoked_never_deleted(void **st)
{
	(void)st;
	char *chief = th_login(&S, "demo-chief");
	th_resp r = th_json(&S, "POST", "/api/v1/declarations", officer,
			    "{\"kind\":\"loss\",\"declarant\":{\"cin\":\"BK777001\",\"last_name_lat\":\"Idrissi\"},"
			    "\"occurred_at\":1764400000000,\"place\":\"Souk Oulfa\","
			    "\"items\":[{\"item_type\":\"phone\",\"imei\":\"490154203237518\",\"make\":\"Nokia\"},"
			    "{\"item_type\":\"document\",\"doc_type\":\"cin\",\"doc_number\":\"BK777001\"}]}");
	th_expect(&r, 201);
	char id[64], vno[96], vcode[16], path[256], phone[64];
	snprintf(id, sizeof id, "%s", jget(r.json, "id"));
	snprintf(vno, sizeof vno, "%s", jget(r.json, "verify_no"));
	snprintf(vcode, sizeof vcode, "%s", jget(r.json, "verify_code"));
	snprintf(phone, sizeof phone, "%s", jget(json_array_get(json_object_get(r.json, "items"), 0), "register_id"));
	assert_true(phone[0]);
	th_resp_free(&r);
	verified(vno, vcode, true, false);
	snprintf(path, sizeof path, "/api/v1/declarations/%s/cancel", id);
	long long rows = th_sql_int(&S, "SELECT COUNT(*) FROM declarations WHERE cancelled_at IS NOT NULL");
	/* without a reason; from another unit; by an OPJ of the unit who did not make it */
	r = th_json(&S, "POST", path, officer, "{}");
	th_expect(&r, 400);
	assert_non_null(strstr(r.body, "reason"));
	th_resp_free(&r);
	r = th_json(&S, "POST", path, officer2, "{\"reason\":\"doublon\"}");
	th_expect(&r, 403);
	th_resp_free(&r);
	r = th_json(&S, "POST", path, opj, "{\"reason\":\"doublon\"}");
	th_expect(&r, 403);
	assert_string_equal(jget(r.json, "code"), "undo-needs-chief");
	assert_non_null(json_object_get(json_object_get(r.json, "message"), "ar"));
	th_resp_free(&r);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM declarations WHERE cancelled_at IS NOT NULL"), rows);
	/* the declaring officer, the same day */
	r = th_json(&S, "POST", path, officer, "{\"reason\":\"declarant s'est trompe de telephone\"}");
	th_expect(&r, 200);
	assert_true(json_is_integer(json_object_get(r.json, "cancelled_at")));
	assert_string_equal(jget(r.json, "cancel_reason"), "declarant s'est trompe de telephone");
	th_resp_free(&r);
	r = th_json(&S, "POST", path, chief, "{\"reason\":\"encore\"}");
	th_expect(&r, 409);
	assert_string_equal(jget(r.json, "code"), "declaration-already-cancelled");
	th_resp_free(&r);
	/* kept, with who and why; its things out of the registers, with the reason */
	char q[512];
	snprintf(q, sizeof q, "SELECT COUNT(*) FROM declarations WHERE id = '%s' AND cancelled_by IS NOT NULL", id);
	assert_int_equal(th_sql_int(&S, q), 1);
	snprintf(q, sizeof q, "SELECT COUNT(*) FROM stolen_phones WHERE id = '%s' AND status = 'cancelled'"
		 " AND status_reason = 'declarant s''est trompe de telephone'", phone);
	assert_int_equal(th_sql_int(&S, q), 1);
	r = th_json(&S, "POST", "/api/v1/check", officer2, "{\"purpose\":\"controle\",\"document\":\"BK777001\"}");
	th_expect(&r, 200);
	assert_false(has_alert(r.json, "document"));
	th_resp_free(&r);
	snprintf(q, sizeof q, "SELECT COUNT(*) FROM audit_log WHERE action = 'declaration.cancel' AND object_id = '%s' AND outcome = 'ok'", id);
	assert_int_equal(th_sql_int(&S, q), 1);
	verified(vno, vcode, false, true);
	snprintf(path, sizeof path, "/api/v1/declarations/%s/receipt", id);
	r = th_request(&S, "GET", path, officer, NULL, 0, NULL);
	th_expect(&r, 200);
	assert_non_null(strstr(r.body, "Déclaration annulée"));
	assert_non_null(strstr(r.body, "تصريح ملغى"));
	assert_non_null(strstr(r.body, "trompe de telephone"));
	th_resp_free(&r);

	/* a certificate issued by the officer, revoked by the chief */
	r = th_json(&S, "POST", "/api/v1/residence-certificates", officer,
		    "{\"applicant\":{\"cin\":\"BE700700\",\"last_name_lat\":\"Amrani\",\"first_name_lat\":\"Nadia\"},"
		    "\"address\":\"12 rue 7, Hay Oulfa\",\"commune\":\"COM-CASABLANCA\",\"purpose\":\"employment\"}");
	th_expect(&r, 201);
	char cid[64], serial[96], cno[96], ccode[16];
	snprintf(cid, sizeof cid, "%s", jget(r.json, "id"));
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/residence-certificates/%s/check", cid);
	r = th_json(&S, "POST", path, officer, "{\"check_kind\":\"visit\",\"check_on\":\"2026-01-05\",\"check_result\":\"confirmed\"}");
	th_expect(&r, 200);
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/residence-certificates/%s/revoke", cid);
	r = th_json(&S, "POST", path, chief, "{\"reason\":\"adresse erronee\"}");
	th_expect(&r, 409);
	assert_string_equal(jget(r.json, "code"), "certificate-not-issued");
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/residence-certificates/%s/decision", cid);
	r = th_json(&S, "POST", path, officer, "{\"decision\":\"issued\"}");
	th_expect(&r, 200);
	snprintf(serial, sizeof serial, "%s", jget(r.json, "serial_no"));
	snprintf(cno, sizeof cno, "%s", jget(r.json, "verify_no"));
	snprintf(ccode, sizeof ccode, "%s", jget(r.json, "verify_code"));
	th_resp_free(&r);
	verified(cno, ccode, true, false);
	snprintf(path, sizeof path, "/api/v1/residence-certificates/%s/revoke", cid);
	r = th_json(&S, "POST", path, opj, "{\"reason\":\"adresse erronee\"}");
	th_expect(&r, 403);
	assert_string_equal(jget(r.json, "code"), "undo-needs-chief");
	th_resp_free(&r);
	r = th_json(&S, "POST", path, chief, "{\"reason\":\"adresse erronee : rue 17, pas rue 7\"}");
	th_expect(&r, 200);
	assert_string_equal(jget(r.json, "status"), "revoked");
	assert_string_equal(jget(r.json, "serial_no"), serial);
	th_resp_free(&r);
	r = th_json(&S, "POST", path, chief, "{\"reason\":\"encore\"}");
	th_expect(&r, 409);
	assert_string_equal(jget(r.json, "code"), "certificate-already-revoked");
	th_resp_free(&r);
	verified(cno, ccode, false, true);
	snprintf(path, sizeof path, "/api/v1/residence-certificates/%s/print", cid);
	r = th_request(&S, "GET", path, officer, NULL, 0, NULL);
	th_expect(&r, 409);
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/residence-certificates/%s/handover", cid);
	r = th_request(&S, "POST", path, officer, NULL, 0, NULL);
	th_expect(&r, 409);
	th_resp_free(&r);
	/* the correction: a new request naming the revoked one, once */
	char body[1024];
#define CORRECTED "{\"applicant\":{\"cin\":\"BE700700\",\"last_name_lat\":\"Amrani\",\"first_name_lat\":\"Nadia\"}," \
	"\"address\":\"12 rue 17, Hay Oulfa\",\"commune\":\"COM-CASABLANCA\",\"purpose\":\"employment\"," \
	"\"replaces_id\":\"%s\"}"
	snprintf(body, sizeof body, CORRECTED, "01900000-0000-7000-8000-000000000000");
	r = th_json(&S, "POST", "/api/v1/residence-certificates", officer, body);
	th_expect(&r, 422);
	assert_string_equal(jget(r.json, "code"), "certificate-not-found");
	th_resp_free(&r);
	snprintf(body, sizeof body, CORRECTED, cid);
	r = th_json(&S, "POST", "/api/v1/residence-certificates", officer2, body);
	th_expect(&r, 422); /* another unit's certificate is not theirs to correct */
	th_resp_free(&r);
	r = th_json(&S, "POST", "/api/v1/residence-certificates", officer, body);
	th_expect(&r, 201);
	char nid[64];
	snprintf(nid, sizeof nid, "%s", jget(r.json, "id"));
	assert_string_equal(jget(r.json, "replaces_id"), cid);
	assert_string_equal(jget(r.json, "replaces_serial"), serial);
	th_resp_free(&r);
	r = th_json(&S, "POST", "/api/v1/residence-certificates", officer, body);
	th_expect(&r, 422);
	assert_string_equal(jget(r.json, "code"), "certificate-already-replaced");
	th_resp_free(&r);
	snprintf(body, sizeof body, CORRECTED, nid);
	r = th_json(&S, "POST", "/api/v1/residence-certificates", officer, body);
	th_expect(&r, 422);
	assert_string_equal(jget(r.json, "code"), "replaced-not-revoked");
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/residence-certificates/%s", cid);
	r = th_request(&S, "GET", path, officer, NULL, 0, NULL);
	th_expect(&r, 200);
	assert_string_equal(jget(r.json, "replaced_by"), nid);
	assert_string_equal(jget(r.json, "revoke_reason"), "adresse erronee : rue 17, pas rue 7");
	th_resp_free(&r);
	free(chief);
#undef CORRECTED
}

/* one field error naming field with code, with a message in both languages */
static void field_error(const char *body_json, const char *path, const char *tok, const char *field,
			const char *code)
{
	th_resp r = th_json(&S, "POST", path, tok, body_json);
	if (r.status != 400)
		fprintf(stderr, "# %s: want 400, got %ld %s\n", field, r.status, r.body);
	assert_int_equal(r.status, 400);
	bool named = false;
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(r.json, "errors"), i, e) {
		if (strcmp(jget(e, "field"), field) != 0 || strcmp(jget(e, "code"), code) != 0)
			continue;
		json_t *m = json_object_get(e, "message");
		named = *jget(m, "ar") && *jget(m, "fr");
	}
	if (!named)
		fprintf(stderr, "# %s/%s not named (with messages) in %s\n", field, code, r.body);
	assert_true(named);
	th_resp_free(&r);
}

static void bad_input_is_refused_field_by_field(void **st)
{
	(void)st;
	long long decl = th_sql_int(&S, "SELECT COUNT(*) FROM declarations");
	long long phones = th_sql_int(&S, "SELECT COUNT(*) FROM stolen_phones");
	const char *P = "/api/v1/declarations";
#define DECL(items, at) \
	"{\"kind\":\"theft\",\"declarant\":{\"cin\":\"BJ440099\",\"last_name_lat\":\"Idrissi\"},\"occurred_at\":" at \
	",\"place\":\"Maarif\",\"items\":[" items "]}"
	field_error(DECL("{\"item_type\":\"phone\",\"imei\":\"490154203237519\"}", "1764400000000"), P, officer,
		    "items[0].imei", "imei");
	field_error(DECL("{\"item_type\":\"vehicle\",\"plate\":\"ZZ-99-QQ-77\"}", "1764400000000"), P, officer,
		    "items[0].plate", "plate");
	field_error(DECL("{\"item_type\":\"card\",\"card_last4\":\"4111111111111111\"}", "1764400000000"), P, officer,
		    "items[0].card_last4", "card-last-four");
	field_error(DECL("{\"item_type\":\"document\",\"doc_type\":\"passport\",\"doc_number\":\"AB123456\","
			 "\"issued_on\":\"2099-01-01\"}",
			 "1764400000000"),
		    P, officer, "items[0].issued_on", "in-future");
	field_error(DECL("{\"item_type\":\"other\",\"description\":\"sac\"}", "4000000000000"), P, officer, "occurred_at",
		    "in-future");
	field_error(DECL("", "1764400000000"), P, officer, "items", "items-required");
	field_error("{\"receipt_no\":\"AR-CASA-OULFA/2026/DC-999999\",\"seq\":1}", "/api/v1/declarations/found", officer,
		    "receipt_no", "unknown-receipt");
	field_error("{\"applicant\":{\"last_name_lat\":\"X\"},\"address\":\"1 rue\",\"commune\":\"COM-NOWHERE\","
		    "\"purpose\":\"cnie\"}",
		    "/api/v1/residence-certificates", officer, "commune", "unknown-commune");
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM declarations"), decl);
	assert_int_equal(th_sql_int(&S, "SELECT COUNT(*) FROM stolen_phones"), phones);
	/* a loss is no complaint */
	th_resp r = th_request(&S, "GET", "/api/v1/declarations/00000000-0000-7000-8000-000000000000", officer, NULL, 0,
			       NULL);
	th_expect(&r, 404);
	assert_string_equal(jget(r.json, "code"), "declaration-not-found");
	assert_true(*jget(json_object_get(r.json, "message"), "ar"));
	th_resp_free(&r);
}

static void guesses_get_one_shape_then_429(void **st)
{
	(void)st;
	char path[256], good[512], bad[512], s1[256], s2[256];
	snprintf(path, sizeof path, "/api/v1/verify/%s?c=%s", cert_no, cert_code);
	th_resp r = th_request(&S, "GET", path, NULL, NULL, 0, NULL);
	th_expect(&r, 200);
	shape(r.json, s1, sizeof s1);
	snprintf(good, sizeof good, "%s", r.body);
	th_resp_free(&r);
	/* a forged code and a wrong number: the very same answer, the same members */
	snprintf(path, sizeof path, "/api/v1/verify/%s?c=ABCDEFGH", cert_no);
	r = th_request(&S, "GET", path, NULL, NULL, 0, NULL);
	th_expect(&r, 200);
	shape(r.json, s2, sizeof s2);
	assert_string_equal(s1, s2);
	assert_true(json_is_false(json_object_get(r.json, "found")));
	snprintf(bad, sizeof bad, "%s", r.body);
	th_resp_free(&r);
	r = th_request(&S, "GET", "/api/v1/verify/AR-CASA-OULFA-2026-CR-999999?c=ABCDEFGH", NULL, NULL, 0, NULL);
	th_expect(&r, 200);
	assert_string_equal(r.body, bad);
	th_resp_free(&r);
	assert_string_not_equal(good, bad);
	/* 1,000 guesses from one address: the same answer, then 429 */
	int ok = 0, limited = 0, other = 0;
	for (int i = 0; i < 1000; i++) {
		snprintf(path, sizeof path, "/api/v1/verify/%s?c=%08d", cert_no, i);
		r = th_request(&S, "GET", path, NULL, NULL, 0, NULL);
		if (r.status == 200 && strcmp(r.body, bad) == 0 && !limited)
			ok++;
		else if (r.status == 429 && strcmp(jget(r.json, "code"), "rate-limited") == 0 && strstr(r.headers, "Retry-After"))
			limited++;
		else
			other++;
		th_resp_free(&r);
	}
	fprintf(stderr, "# 1000 guesses: %d answered as not found, then %d refused 429, %d other\n", ok, limited, other);
	assert_int_equal(other, 0);
	assert_true(ok > 0 && limited > 900);
	/* even the right code is refused now */
	snprintf(path, sizeof path, "/api/v1/verify/%s?c=%s", cert_no, cert_code);
	r = th_request(&S, "GET", path, NULL, NULL, 0, NULL);
	th_expect(&r, 429);
	th_resp_free(&r);
	/* past its validity (90 days in data/desk.json) it is no longer valid;
	 * the address's hour is long over by then. Last: the sessions expire. */
	th_set_clock(&S, 100LL * 86400000LL);
	r = th_request(&S, "GET", path, NULL, NULL, 0, NULL);
	th_expect(&r, 200);
	assert_true(json_is_true(json_object_get(r.json, "found")));
	assert_true(json_is_false(json_object_get(r.json, "valid")));
	th_resp_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stolen_phone_hits_when_seized),
		cmocka_unit_test(lost_cin_enters_the_register_and_its_finding_closes_it),
		cmocka_unit_test(declared_after_seizure_hits),
		cmocka_unit_test(residence_certificate_and_its_verification),
		cmocka_unit_test(cancelled_and_revoked_never_deleted),
		cmocka_unit_test(bad_input_is_refused_field_by_field),
		cmocka_unit_test(guesses_get_one_shape_then_429),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
