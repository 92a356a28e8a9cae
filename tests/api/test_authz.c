/* test_authz.c — the authorisation matrix, generated from the route table.
 *
 * Every route of app_routes[] (linked in, so a new route cannot be missed) is
 * called by every role — admin, chief, opj, officer, analyst, auditor,
 * monitor — from the owning unit (A = AR-CASA-OULFA), from another unit
 * (B = AR-CASA-LISSASFA) and nationally, plus without credentials. Fixture
 * records (complaint, case, person, PV, custody, seizure, referral, register
 * entries, a person merge) are made in unit A and their ids substituted into
 * the `{id}` path parameters. The expected answer of each cell:
 *
 *   public route                      → not 401/403 (and never 5xx); one
 *                                       whose credential is in its URL
 *                                       (capability) → 404 for a wrong one
 *   no credentials                    → 401
 *   role not in the route's set       → 403 "forbidden"
 *   ROUTE_OPJ, caller without OPJ     → 403 "opj-required" (CPP 20: the
 *     status from the user's record — demo-chief is a commissaire, OPJ by
 *     law; officers and the unranked chief of B hold none)
 *   unit-scoped object, caller in B   → 403 or 404 (with a valid body, so a
 *                                       missing scope check would succeed)
 *   otherwise (in scope)              → GET 200; writes (sent "{}") a
 *                                       validation/state answer, never
 *                                       401/403/404/5xx
 *
 * The test fails on any mismatch, on any route without a rule (roles == 0
 * and not public) and on any route this file has no probe for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "auth/roles.h"
#include "harness.h"

static th_server S;

/* ---- who calls ---- */

enum { SC_A = 1, SC_B, SC_NATIONAL, SC_NONE };

typedef struct principal {
	const char *label;
	const char *badge;
	const char *password;
	role role;
	int scope;
	char *token;
	bool opj;   /* holds OPJ status (CPP 20): the role opj, or a rank by law (demo-chief: commissaire) */
} principal;

static principal P[] = {
	{"admin", "demo-admin", "demo-password", ROLE_ADMIN, SC_NATIONAL, NULL, false},
	{"chief-A", "demo-chief", "demo-password", ROLE_CHIEF, SC_A, NULL, true},
	{"opj-A", "demo-opj", "demo-password", ROLE_OPJ, SC_A, NULL, true},
	{"officer-A", "demo-officer", "demo-password", ROLE_OFFICER, SC_A, NULL, false},
	{"chief-B", "mx-chief-b", "a-long-password-1", ROLE_CHIEF, SC_B, NULL, false},
	{"opj-B", "mx-opj-b", "a-long-password-1", ROLE_OPJ, SC_B, NULL, true},
	{"officer-B", "demo-officer2", "demo-password", ROLE_OFFICER, SC_B, NULL, false},
	{"analyst", "demo-analyst", "demo-password", ROLE_ANALYST, SC_NATIONAL, NULL, false},
	{"auditor", "demo-auditor", "demo-password", ROLE_AUDITOR, SC_NATIONAL, NULL, false},
	{"monitor", "mx-monitor", NULL, ROLE_MONITOR, SC_NATIONAL, NULL, false},
	/* communication (issue 15): unit A is PP-CASA for their records, B PP-RABAT */
	{"comm-A", "demo-comm", "demo-password", ROLE_COMMUNICATION, SC_A, NULL, false},
	{"commhead-A", "demo-comm-head", "demo-password", ROLE_COMM_HEAD, SC_A, NULL, false},
	{"comm-B", "mx-comm-b", "a-long-password-1", ROLE_COMMUNICATION, SC_B, NULL, false},
	{"comm-national", "demo-comm-dgsn", "demo-password", ROLE_COMM_HEAD, SC_NATIONAL, NULL, false},
	{"anonymous", NULL, NULL, ROLE_NONE, SC_NONE, NULL, false},
};
#define NP (sizeof P / sizeof P[0])

/* ---- fixtures in unit A, substituted as ${name} ---- */

typedef struct fixture {
	const char *name;
	char value[64];
} fixture;

static fixture F[] = {
	{"complaint", ""}, {"case", ""}, {"case3", ""}, {"person", ""}, {"person2", ""}, {"pv", ""},
	{"custody", ""}, {"seizure", ""}, {"referral", ""}, {"wanted", ""}, {"vehicle", ""},
	{"document", ""}, {"merge", ""}, {"notification", ""}, {"unitA", "AR-CASA-OULFA"}, {"badge", "demo-officer"},
	{"phone", ""}, {"declaration", ""}, {"residence", ""}, {"residence2", ""}, {"vnumber", ""},
	{"cact", ""}, {"cclaim", ""}, {"cclaim2", ""}, {"ccrisis", ""}, {"cfile", ""}, {"cevent", ""},
	{"offence", ""}, {"spub", ""}, {"mtour", ""}, {"menrol", ""}, {"pvz", ""},
};
#define NF (sizeof F / sizeof F[0])

static const char *fx(const char *name)
{
	for (size_t i = 0; i < NF; i++)
		if (strcmp(F[i].name, name) == 0)
			return F[i].value;
	fprintf(stderr, "# no fixture %s\n", name);
	abort();
}

static void fx_set(const char *name, const char *v)
{
	for (size_t i = 0; i < NF; i++)
		if (strcmp(F[i].name, name) == 0) {
			snprintf(F[i].value, sizeof F[i].value, "%s", v);
			return;
		}
	abort();
}

/* subst expands ${name} in t into out. */
static void subst(const char *t, char *out, size_t outsz)
{
	size_t n = 0;
	while (*t && n + 1 < outsz) {
		if (t[0] == '$' && t[1] == '{') {
			const char *e = strchr(t, '}');
			char name[32];
			snprintf(name, sizeof name, "%.*s", (int)(e - t - 2), t + 2);
			n += (size_t)snprintf(out + n, outsz - n, "%s", fx(name));
			t = e + 1;
			continue;
		}
		out[n++] = *t++;
	}
	out[n < outsz ? n : outsz - 1] = '\0';
}

/* ---- one probe per route ---- */

typedef struct probe {
	const char *method;
	const char *pattern;  /* as in routes.c */
	const char *path;     /* with ${fixture} for the parameters, and a query */
	bool scoped;          /* the parameter is a record of unit A */
	const char *valid;    /* a valid body (callers of unit B must still be refused); NULL: none */
	bool no_body;         /* send no body at all, even to callers in scope */
} probe;

/* public routes whose credential is in the URL (a MAC'd capability): the
 * probe's wrong one is 404 for every caller */
static const char *const CAPABILITY_ROUTES[] = {"/api/v1/mobile/abis/{ref}", NULL};

static bool capability_route(const char *pattern)
{
	for (const char *const *c = CAPABILITY_ROUTES; *c; c++)
		if (strcmp(*c, pattern) == 0)
			return true;
	return false;
}

#define CASE_B "{\"frame\":\"preliminary\",\"offences\":[{\"code\":\"CP-505\"}],\"summary\":\"Matrice\"}"

static const probe PROBES[] = {
	{"GET", "/healthz", "/healthz", false, NULL, true},
	{"GET", "/metrics", "/metrics", false, NULL, true},
	{"GET", "/api/v1/openapi.json", "/api/v1/openapi.json", false, NULL, true},
	{"POST", "/api/v1/test/clock", "/api/v1/test/clock", false, NULL, false},
	{"POST", "/api/v1/session", "/api/v1/session", false, NULL, false},
	/* the exchange: enrol and batches are public (a one-time code, then the
	 * node's signature authenticate them: an invalid body is refused) */
	{"POST", "/api/v1/exchange/enrol", "/api/v1/exchange/enrol", false, NULL, false},
	{"POST", "/api/v1/exchange/batches", "/api/v1/exchange/batches", false, NULL, false},
	{"POST", "/api/v1/exchange/pull", "/api/v1/exchange/pull", false, NULL, false},
	{"POST", "/api/v1/exchange/lookup", "/api/v1/exchange/lookup", false, NULL, false},
	{"GET", "/api/v1/exchange/status", "/api/v1/exchange/status", false, NULL, true},
	{"GET", "/api/v1/exchange/nodes/{id}/digest", "/api/v1/exchange/nodes/self/digest", false, NULL, true},
	{"DELETE", "/api/v1/session", "/api/v1/session", false, NULL, true},
	{"GET", "/api/v1/me", "/api/v1/me", false, NULL, true},
	{"POST", "/api/v1/me/totp", "/api/v1/me/totp", false, NULL, true},
	{"POST", "/api/v1/me/totp/confirm", "/api/v1/me/totp/confirm", false, NULL, false},
	{"POST", "/api/v1/me/totp/replace", "/api/v1/me/totp/replace", false, NULL, false},
	{"PUT", "/api/v1/me/password", "/api/v1/me/password", false, NULL, false},
	{"PUT", "/api/v1/me/lang", "/api/v1/me/lang", false, NULL, false},
	{"GET", "/api/v1/persons/search", "/api/v1/persons/search?q=Tahiri&purpose=matrice", false, NULL, true},
	/* candidates for merging: asked by who may merge the person (scope), with a purpose */
	{"GET", "/api/v1/persons/{id}/duplicates", "/api/v1/persons/${person}/duplicates?purpose=matrice", true, NULL, true},
	{"POST", "/api/v1/persons/merges", "/api/v1/persons/merges", false, NULL, false},
	{"POST", "/api/v1/persons/merges/{id}/undo", "/api/v1/persons/merges/${merge}/undo", true,
	 "{\"reason\":\"matrice: other unit\"}", false},
	{"GET", "/api/v1/search/cases", "/api/v1/search/cases?q=matrice&purpose=matrice", false, NULL, true},
	{"GET", "/api/v1/registers/wanted", "/api/v1/registers/wanted", false, NULL, true},
	{"POST", "/api/v1/registers/wanted", "/api/v1/registers/wanted", false, NULL, false},
	{"PATCH", "/api/v1/registers/wanted/{id}", "/api/v1/registers/wanted/${wanted}", true,
	 "{\"status\":\"executed\",\"reason\":\"arrested\"}", false},
	{"GET", "/api/v1/registers/vehicles", "/api/v1/registers/vehicles", false, NULL, true},
	{"POST", "/api/v1/registers/vehicles", "/api/v1/registers/vehicles", false, NULL, false},
	{"PATCH", "/api/v1/registers/vehicles/{id}", "/api/v1/registers/vehicles/${vehicle}", true,
	 "{\"status\":\"recovered\",\"reason\":\"found\"}", false},
	{"GET", "/api/v1/registers/documents", "/api/v1/registers/documents", false, NULL, true},
	{"POST", "/api/v1/registers/documents", "/api/v1/registers/documents", false, NULL, false},
	{"PATCH", "/api/v1/registers/documents/{id}", "/api/v1/registers/documents/${document}", true,
	 "{\"status\":\"found\",\"reason\":\"found\"}", false},
	{"GET", "/api/v1/registers/phones", "/api/v1/registers/phones", false, NULL, true},
	{"POST", "/api/v1/registers/phones", "/api/v1/registers/phones", false, NULL, false},
	{"PATCH", "/api/v1/registers/phones/{id}", "/api/v1/registers/phones/${phone}", true,
	 "{\"status\":\"found\",\"reason\":\"found\"}", false},
	{"POST", "/api/v1/check", "/api/v1/check", false, NULL, false},
	{"GET", "/api/v1/notifications", "/api/v1/notifications", false, NULL, true},
	/* a hit on unit A's wanted notice, notified to A; no body is needed */
	{"POST", "/api/v1/notifications/{id}/read", "/api/v1/notifications/${notification}/read", true, NULL, true},
	{"GET", "/api/v1/audit/flags", "/api/v1/audit/flags", false, NULL, true},
	/* the front desk */
	{"POST", "/api/v1/declarations", "/api/v1/declarations", false, NULL, false},
	{"GET", "/api/v1/declarations/{id}", "/api/v1/declarations/${declaration}", true, NULL, true},
	{"GET", "/api/v1/declarations/{id}/receipt", "/api/v1/declarations/${declaration}/receipt", true, NULL, true},
	/* any unit may report that it found a declared thing: not unit-scoped */
	{"POST", "/api/v1/declarations/found", "/api/v1/declarations/found", false, NULL, false},
	{"POST", "/api/v1/declarations/{id}/complaint", "/api/v1/declarations/${declaration}/complaint", true,
	 "{\"frame\":\"preliminary\",\"offences\":[{\"code\":\"CP-505\"}],\"opj\":\"mx-opj-b\"}", false},
	{"POST", "/api/v1/declarations/{id}/cancel", "/api/v1/declarations/${declaration}/cancel", true,
	 "{\"reason\":\"matrice: other unit\"}", false},
	{"POST", "/api/v1/residence-certificates", "/api/v1/residence-certificates", false, NULL, false},
	{"GET", "/api/v1/residence-certificates/{id}", "/api/v1/residence-certificates/${residence}", true, NULL, true},
	{"POST", "/api/v1/residence-certificates/{id}/check", "/api/v1/residence-certificates/${residence2}/check", true,
	 "{\"check_kind\":\"visit\",\"check_on\":\"2026-01-02\",\"check_result\":\"confirmed\"}", false},
	{"POST", "/api/v1/residence-certificates/{id}/decision", "/api/v1/residence-certificates/${residence2}/decision",
	 true, "{\"decision\":\"refused\",\"reason\":\"matrice: other unit\"}", false},
	{"POST", "/api/v1/residence-certificates/{id}/handover", "/api/v1/residence-certificates/${residence}/handover",
	 true, NULL, true},
	{"POST", "/api/v1/residence-certificates/{id}/revoke", "/api/v1/residence-certificates/${residence}/revoke",
	 true, "{\"reason\":\"matrice: other unit\"}", false},
	{"GET", "/api/v1/residence-certificates/{id}/print", "/api/v1/residence-certificates/${residence}/print", true,
	 NULL, true},
	{"GET", "/api/v1/desk/today", "/api/v1/desk/today", false, NULL, true},
	{"GET", "/api/v1/desk/communes", "/api/v1/desk/communes", false, NULL, true},
	{"GET", "/api/v1/verify/{number}", "/api/v1/verify/${vnumber}?c=ZZZZZZZZ", false, NULL, true},
	/* the mobile CNIE units (issue 14): unit A's tour and application */
	{"POST", "/api/v1/mobile/tours", "/api/v1/mobile/tours", false, NULL, false},
	{"GET", "/api/v1/mobile/tours", "/api/v1/mobile/tours", false, NULL, true},
	{"GET", "/api/v1/mobile/tours/{id}", "/api/v1/mobile/tours/${mtour}", true, NULL, true},
	{"POST", "/api/v1/mobile/tours/{id}/bookings", "/api/v1/mobile/tours/${mtour}/bookings", true,
	 "{\"stop_seq\":1,\"slot\":\"09:00\",\"preapp_no\":\"PA-MX\"}", false},
	{"GET", "/api/v1/mobile/tours/{id}/schedule", "/api/v1/mobile/tours/${mtour}/schedule", true, NULL, true},
	{"POST", "/api/v1/mobile/devices", "/api/v1/mobile/devices", false, NULL, false},
	{"GET", "/api/v1/mobile/devices", "/api/v1/mobile/devices", false, NULL, true},
	{"POST", "/api/v1/mobile/enrolments", "/api/v1/mobile/enrolments", false, NULL, false},
	{"GET", "/api/v1/mobile/enrolments/{id}", "/api/v1/mobile/enrolments/${menrol}", true, NULL, true},
	{"POST", "/api/v1/mobile/enrolments/{id}/captures", "/api/v1/mobile/enrolments/${menrol}/captures", true,
	 "{\"biometrics\":[]}", false},
	{"POST", "/api/v1/mobile/enrolments/{id}/signoff", "/api/v1/mobile/enrolments/${menrol}/signoff", true, NULL,
	 true},
	{"GET", "/api/v1/mobile/enrolments/{id}/receipt", "/api/v1/mobile/enrolments/${menrol}/receipt", true, NULL,
	 true},
	{"POST", "/api/v1/mobile/operator-prints", "/api/v1/mobile/operator-prints", false, NULL, false},
	{"GET", "/api/v1/mobile/tours/{id}/review", "/api/v1/mobile/tours/${mtour}/review", true, NULL, true},
	{"GET", "/api/v1/mobile/tours/{id}/figures", "/api/v1/mobile/tours/${mtour}/figures", true, NULL, true},
	{"POST", "/api/v1/mobile/enrolments/{id}/review", "/api/v1/mobile/enrolments/${menrol}/review", true,
	 "{\"decision\":\"approved\"}", false},
	{"POST", "/api/v1/mobile/enrolments/{id}/handover", "/api/v1/mobile/enrolments/${menrol}/handover", true,
	 "{\"pin_envelope\":\"PIN-MX\"}", false},
	{"GET", "/api/v1/mobile/status/{number}", "/api/v1/mobile/status/AR-CASA-OULFA-2026-EN-000001?c=ZZZZZZZZ", false,
	 NULL, true},
	{"GET", "/api/v1/mobile/abis/{ref}", "/api/v1/mobile/abis/00000000-0000-4000-8000-000000000abc?exp=1&sig=00", false,
	 NULL, true},
	/* central's side: national administrators only */
	{"POST", "/api/v1/mobile/packets/validate", "/api/v1/mobile/packets/validate", false, NULL, true},
	{"GET", "/api/v1/mobile/received", "/api/v1/mobile/received", false, NULL, true},
	{"POST", "/api/v1/mobile/received/{id}/status",
	 "/api/v1/mobile/received/00000000-0000-4000-8000-000000000001/status", false, NULL, false},
	{"POST", "/api/v1/mobile/received/{id}/adjudication",
	 "/api/v1/mobile/received/00000000-0000-4000-8000-000000000001/adjudication", false, NULL, false},
	{"GET", "/api/v1/users", "/api/v1/users", false, NULL, true},
	{"POST", "/api/v1/users", "/api/v1/users", false, NULL, false},
	{"PATCH", "/api/v1/users/{badge}", "/api/v1/users/${badge}", false, NULL, false},
	{"PUT", "/api/v1/users/{badge}/rank", "/api/v1/users/${badge}/rank", false, NULL, false},
	{"POST", "/api/v1/users/{badge}/totp/reset", "/api/v1/users/${badge}/totp/reset", false, NULL, false},
	/* an officer is not an OPJ: the administrator's enrolment is a 422, never 403/404 */
	{"POST", "/api/v1/users/{badge}/opj-key", "/api/v1/users/${badge}/opj-key", false, NULL, true},
	{"POST", "/api/v1/users/{badge}/opj-key/revoke", "/api/v1/users/${badge}/opj-key/revoke", false, NULL, false},
	/* an officer is not an OPJ: the designation for minors is a 422 for the administrator (issue 17) */
	{"GET", "/api/v1/minors-officers", "/api/v1/minors-officers", false, NULL, true},
	{"POST", "/api/v1/users/{badge}/minors-officer", "/api/v1/users/${badge}/minors-officer", false,
	 "{\"since\":\"2026-01-05\",\"decision_ref\":\"DGSN/PJ/1\"}", false},
	{"GET", "/api/v1/units", "/api/v1/units", false, NULL, true},
	{"GET", "/api/v1/settings", "/api/v1/settings", false, NULL, true},
	{"PUT", "/api/v1/settings/{key}", "/api/v1/settings/lookup.flag_per_day", false, NULL, false},
	{"GET", "/api/v1/audit", "/api/v1/audit", false, NULL, true},
	{"GET", "/api/v1/audit/verify", "/api/v1/audit/verify", false, NULL, true},
	{"GET", "/api/v1/offences", "/api/v1/offences", false, NULL, true},
	{"GET", "/api/v1/custody-rules", "/api/v1/custody-rules", false, NULL, true},
	{"GET", "/api/v1/prosecution-offices", "/api/v1/prosecution-offices", false, NULL, true},
	{"POST", "/api/v1/complaints", "/api/v1/complaints", false, NULL, false},
	{"GET", "/api/v1/complaints", "/api/v1/complaints", false, NULL, true},
	{"GET", "/api/v1/complaints/{id}", "/api/v1/complaints/${complaint}", true, NULL, true},
	{"POST", "/api/v1/complaints/{id}/disposition", "/api/v1/complaints/${complaint}/disposition", true,
	 "{\"disposition\":\"no_offence\",\"reason\":\"litige civil\"}", false},
	{"POST", "/api/v1/cases", "/api/v1/cases", false, NULL, false},
	{"GET", "/api/v1/cases", "/api/v1/cases", false, NULL, true},
	{"GET", "/api/v1/cases/{id}", "/api/v1/cases/${case}", true, NULL, true},
	{"PATCH", "/api/v1/cases/{id}", "/api/v1/cases/${case}", true, "{\"summary\":\"changed by another unit\"}", false},
	{"GET", "/api/v1/cases/{id}/history", "/api/v1/cases/${case}/history", true, NULL, true},
	{"POST", "/api/v1/cases/{id}/offences", "/api/v1/cases/${case}/offences", true, "{\"code\":\"CP-509\"}", false},
	{"POST", "/api/v1/cases/{id}/offences/{oid}/withdrawal", "/api/v1/cases/${case}/offences/${offence}/withdrawal", true,
	 "{\"reason\":\"another unit tries\",\"replace_with\":\"CP-505\"}", false},
	{"POST", "/api/v1/cases/{id}/status", "/api/v1/cases/${case}/status", true,
	 "{\"status\":\"cancelled\",\"reason\":\"another unit tries\"}", false},
	{"PUT", "/api/v1/cases/{id}/assignee", "/api/v1/cases/${case}/assignee", true, "{\"opj\":\"mx-opj-b\"}", false},
	{"POST", "/api/v1/cases/{id}/persons", "/api/v1/cases/${case}/persons", true,
	 "{\"role\":\"witness\",\"person\":{\"last_name_lat\":\"Matrice\",\"first_name_lat\":\"Temoin\"}}", false},
	{"POST", "/api/v1/cases/{id}/protections", "/api/v1/cases/${case}/protections", true,
	 "{\"person_id\":\"${person}\",\"ground\":\"menaces\",\"decided_at\":1700000000000,"
	 "\"authority_code\":\"TPI-CASA-PENAL\",\"authorisation_reference\":\"PR-1\"}", false},
	{"POST", "/api/v1/cases/{id}/protections/{n}/reveal", "/api/v1/cases/${case}/protections/1/reveal", true,
	 "{\"purpose\":\"another unit tries\"}", false},
	{"POST", "/api/v1/cases/{id}/persons/{pid}/removal", "/api/v1/cases/${case}/persons/${person}/removal", true,
	 "{\"reason\":\"added by mistake\"}", false},
	{"GET", "/api/v1/find", "/api/v1/find?q=AR", false, NULL, true},
	{"GET", "/api/v1/cases/{id}/referral/competent", "/api/v1/cases/${case}/referral/competent", true, NULL, true},
	{"GET", "/api/v1/persons/{id}", "/api/v1/persons/${person}", true, NULL, true},
	{"POST", "/api/v1/cases/{id}/pvs", "/api/v1/cases/${case}/pvs", true,
	 "{\"type\":\"hearing_suspect\",\"person_id\":\"${person}\",\"statements\":\"autre unité\",\"read_back\":true,"
	 "\"signature\":\"signed\"}", false},
	{"GET", "/api/v1/pvs/{id}", "/api/v1/pvs/${pv}", true, NULL, true},
	{"PATCH", "/api/v1/pvs/{id}", "/api/v1/pvs/${pv}", true, "{\"statements\":\"changed by another unit\"}", false},
	{"POST", "/api/v1/pvs/{id}/seal", "/api/v1/pvs/${pv}/seal", true, "{}", true},
	{"GET", "/api/v1/pvs/{id}/print", "/api/v1/pvs/${pv}/print", true, NULL, true},
	{"POST", "/api/v1/cases/{id}/custody", "/api/v1/cases/${case}/custody", true,
	 "{\"person_id\":\"${person2}\",\"regime\":\"ordinary\",\"ground\":\"art 66-1: autre unité\","
	 "\"ground_code\":\"PREVENT_FLIGHT\",\"condition_on_entry\":\"Bon état apparent\"}", false},
	{"GET", "/api/v1/custody/deadlines", "/api/v1/custody/deadlines", false, NULL, true},
	{"GET", "/api/v1/custody/{id}", "/api/v1/custody/${custody}", true, NULL, true},
	{"PATCH", "/api/v1/custody/{id}", "/api/v1/custody/${custody}", true,
	 "{\"lawyer_contacted_at\":1795000000000}", false},
	{"POST", "/api/v1/custody/{id}/extensions", "/api/v1/custody/${custody}/extensions", true,
	 "{\"authorisation_ref\":\"PR/2026/1\",\"authorisation_date\":\"2026-11-29\",\"authorised_by\":\"Procureur du Roi\"}",
	 false},
	{"POST", "/api/v1/custody/{id}/close", "/api/v1/custody/${custody}/close", true,
	 "{\"end\":\"released\",\"note\":\"autre unité\",\"condition_on_exit\":\"Même état\"}", false},
	{"GET", "/api/v1/units/{code}/custody-register", "/api/v1/units/${unitA}/custody-register", true, NULL, true},
	{"GET", "/api/v1/units/{code}/custody-daily", "/api/v1/units/${unitA}/custody-daily", true, NULL, true},
	{"GET", "/api/v1/units/{code}/custody-daily.html", "/api/v1/units/${unitA}/custody-daily.html", true, NULL, true},
	/* the rest of judicial police procedure (issue 17) */
	{"POST", "/api/v1/cases/{id}/avis", "/api/v1/cases/${case}/avis", true,
	 "{\"notified_at\":1795000000000,\"means\":\"phone\",\"recipient\":\"Procureur du Roi\"}", false},
	{"POST", "/api/v1/cases/{id}/instructions", "/api/v1/cases/${case}/instructions", true,
	 "{\"given_at\":1795000000000,\"given_by\":\"Procureur du Roi\",\"kind\":\"search\",\"text\":\"autre unité\"}",
	 false},
	{"POST", "/api/v1/cases/{id}/instructions/executions", "/api/v1/cases/${case}/instructions/executions", true,
	 "{\"instruction_id\":\"00000000-0000-0000-0000-000000000000\",\"note\":\"autre unité\"}", false},
	{"GET", "/api/v1/cases/{id}/procedure", "/api/v1/cases/${case}/procedure", true, NULL, true},
	{"POST", "/api/v1/cases/{id}/summons", "/api/v1/cases/${case}/summons", true,
	 "{\"person_id\":\"${person}\",\"kind\":\"convocation\",\"purpose\":\"autre unité\",\"summoned_for\":1795000000000}",
	 false},
	{"POST", "/api/v1/cases/{id}/summons/outcomes", "/api/v1/cases/${case}/summons/outcomes", true,
	 "{\"summons_id\":\"00000000-0000-0000-0000-000000000000\",\"status\":\"served\"}", false},
	{"POST", "/api/v1/custody/{id}/rights", "/api/v1/custody/${custody}/rights", true,
	 "{\"right_kind\":\"silence\",\"notified_at\":1795000000000,\"language\":\"ar\",\"signed_by_person\":true}",
	 false},
	{"POST", "/api/v1/custody/{id}/sessions", "/api/v1/custody/${custody}/sessions", true,
	 "{\"kind\":\"rest\",\"started_at\":1795000000000,\"ended_at\":1795000600000}", false},
	{"GET", "/api/v1/custody/{id}/register", "/api/v1/custody/${custody}/register", true, NULL, true},
	{"GET", "/api/v1/units/{code}/custody-register.html", "/api/v1/units/${unitA}/custody-register.html", true, NULL,
	 true},
	{"POST", "/api/v1/units/{code}/custody-register/visas", "/api/v1/units/${unitA}/custody-register/visas", true,
	 "{\"visited_at\":1795000000000,\"magistrate\":\"Procureur du Roi\",\"office_code\":\"TPI-CASA-PENAL\"}", false},
	{"GET", "/api/v1/units/{code}/main-courante", "/api/v1/units/${unitA}/main-courante", true, NULL, true},
	{"POST", "/api/v1/units/{code}/main-courante", "/api/v1/units/${unitA}/main-courante", true,
	 "{\"at\":1795000000000,\"kind\":\"call\",\"text\":\"autre unité\"}", false},
	{"POST", "/api/v1/units/{code}/main-courante/seal", "/api/v1/units/${unitA}/main-courante/seal", true,
	 "{\"day\":\"2026-01-01\"}", false},
	{"GET", "/api/v1/units/{code}/main-courante.html", "/api/v1/units/${unitA}/main-courante.html", true, NULL, true},
	{"GET", "/api/v1/persons/{id}/retention", "/api/v1/persons/${person}/retention", true, NULL, true},
	{"POST", "/api/v1/retention/run", "/api/v1/retention/run", false, NULL, true},
	{"GET", "/api/v1/custody-grounds", "/api/v1/custody-grounds", false, NULL, true},
	{"POST", "/api/v1/seizures/{id}/fate", "/api/v1/seizures/${seizure}/fate", true,
	 "{\"fate\":\"destruction\",\"reference\":\"TPI/2026/9\",\"decided_on\":\"2026-11-30\"}", false},
	{"POST", "/api/v1/cases/{id}/seizures", "/api/v1/cases/${case}/seizures", true,
	 "{\"seal_no\":\"B-S-9\",\"description\":\"xx\",\"quantity\":\"1\",\"storage_place\":\"xx\",\"holder\":\"xx\","
	 "\"pv_id\":\"${pvz}\"}", false},
	{"GET", "/api/v1/seizures/{id}", "/api/v1/seizures/${seizure}", true, NULL, true},
	{"POST", "/api/v1/seizures/{id}/transfers", "/api/v1/seizures/${seizure}/transfers", true,
	 "{\"to\":\"Greffe\",\"reason\":\"autre unité\",\"storage_place\":\"Greffe\"}", false},
	{"POST", "/api/v1/cases/{id}/referral", "/api/v1/cases/${case3}/referral", true, "{}", false},
	{"GET", "/api/v1/referrals/{id}", "/api/v1/referrals/${referral}", true, NULL, true},
	{"GET", "/api/v1/referrals/{id}/bundle", "/api/v1/referrals/${referral}/bundle", true, NULL, true},
	{"GET", "/api/v1/referrals/{id}/bundle.html", "/api/v1/referrals/${referral}/bundle.html", true, NULL, true},
	{"PUT", "/api/v1/referrals/{id}/outcome", "/api/v1/referrals/${referral}/outcome", true,
	 "{\"outcome\":\"prosecuted\",\"note\":\"autre unité\"}", false},
	/* security communication (issue 15): records of PP-CASA made by its communication users */
	{"POST", "/api/v1/cases/{id}/comms-links", "/api/v1/cases/${case}/comms-links", true,
	 "{\"unit\":\"PP-CASA\",\"summary_fr\":\"matrice: autre unité\"}", false},
	{"GET", "/api/v1/comms/case-links", "/api/v1/comms/case-links", false, NULL, true},
	{"POST", "/api/v1/comms/activities", "/api/v1/comms/activities", false, NULL, false},
	{"GET", "/api/v1/comms/activities", "/api/v1/comms/activities?year=2026", false, NULL, true},
	{"GET", "/api/v1/comms/activities/{id}", "/api/v1/comms/activities/${cact}", true, NULL, true},
	{"PATCH", "/api/v1/comms/activities/{id}", "/api/v1/comms/activities/${cact}", true, "{\"topic\":\"autre unité\"}",
	 false},
	{"POST", "/api/v1/comms/activities/{id}/review", "/api/v1/comms/activities/${cact}/review", true, NULL, true},
	{"GET", "/api/v1/comms/activities/{id}/pii", "/api/v1/comms/activities/${cact}/pii", true, NULL, true},
	{"POST", "/api/v1/comms/activities/{id}/approve", "/api/v1/comms/activities/${cact}/approve", true,
	 "{\"confirm\":[]}", false},
	{"POST", "/api/v1/comms/activities/{id}/publish", "/api/v1/comms/activities/${cact}/publish", true, NULL, true},
	{"POST", "/api/v1/comms/activities/{id}/cancel", "/api/v1/comms/activities/${cact}/cancel", true,
	 "{\"reason\":\"autre unité\"}", false},
	{"POST", "/api/v1/comms/activities/{id}/corrections", "/api/v1/comms/activities/${cact}/corrections", true, NULL,
	 true},
	{"GET", "/api/v1/comms/activities/{id}/print", "/api/v1/comms/activities/${cact}/print", true, NULL, true},
	{"GET", "/api/v1/comms/activities/{id}/engagement", "/api/v1/comms/activities/${cact}/engagement", true, NULL,
	 true},
	{"POST", "/api/v1/comms/activities/{id}/engagement", "/api/v1/comms/activities/${cact}/engagement", true,
	 "{\"channel\":\"facebook\",\"observed_on\":\"2026-11-29\",\"views\":1}", false},
	{"POST", "/api/v1/comms/activities/{id}/engagement/import", "/api/v1/comms/activities/${cact}/engagement/import",
	 true, "{\"platform\":\"sijill\",\"channel\":\"x\",\"csv\":\"date,views,likes,shares,comments\\n2026-11-29,1,1,1,1\\n\"}",
	 false},
	{"POST", "/api/v1/comms/register-import", "/api/v1/comms/register-import", false, NULL, false},
	{"POST", "/api/v1/comms/claims", "/api/v1/comms/claims", false, NULL, false},
	{"GET", "/api/v1/comms/claims", "/api/v1/comms/claims", false, NULL, true},
	{"GET", "/api/v1/comms/claims/{id}", "/api/v1/comms/claims/${cclaim}", true, NULL, true},
	{"POST", "/api/v1/comms/claims/{id}/status", "/api/v1/comms/claims/${cclaim2}/status", true,
	 "{\"status\":\"verifying\"}", false},
	{"POST", "/api/v1/comms/claims/{id}/duplicate", "/api/v1/comms/claims/${cclaim2}/duplicate", true,
	 "{\"of\":\"${cclaim}\"}", false},
	{"POST", "/api/v1/comms/claims/{id}/archive", "/api/v1/comms/claims/${cclaim2}/archive", true,
	 "{\"name\":\"a.png\",\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}", false},
	{"GET", "/api/v1/comms/claims/{id}/claimreview", "/api/v1/comms/claims/${cclaim}/claimreview", true, NULL, true},
	{"POST", "/api/v1/comms/crises", "/api/v1/comms/crises", false, NULL, false},
	{"GET", "/api/v1/comms/crises", "/api/v1/comms/crises", false, NULL, true},
	/* a crisis is a national tag: every communication user sees its board, cut to their scope */
	{"GET", "/api/v1/comms/crises/{id}/board", "/api/v1/comms/crises/${ccrisis}/board", false, NULL, true},
	{"POST", "/api/v1/comms/crises/{id}/close", "/api/v1/comms/crises/${ccrisis}/close", true, NULL, true},
	{"GET", "/api/v1/comms/files/{id}", "/api/v1/comms/files/${cfile}", true, NULL, true},
	{"POST", "/api/v1/comms/events", "/api/v1/comms/events", false, NULL, false},
	{"GET", "/api/v1/comms/events", "/api/v1/comms/events", false, NULL, true},
	/* major events are national: read by every communication user, written by their home unit */
	{"GET", "/api/v1/comms/events/{id}", "/api/v1/comms/events/${cevent}", false, NULL, true},
	{"PATCH", "/api/v1/comms/events/{id}", "/api/v1/comms/events/${cevent}", true, "{\"places\":\"Rabat\"}", false},
	{"POST", "/api/v1/comms/events/{id}/media", "/api/v1/comms/events/${cevent}/media", true,
	 "{\"name\":\"a.png\",\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}", false},
	{"GET", "/api/v1/comms/bilan", "/api/v1/comms/bilan?year=2026", false, NULL, true},
	/* statistics (issue 16): the caller's own unit by default */
	{"GET", "/api/v1/stats", "/api/v1/stats?period=year&date=2026-01-01", false, NULL, true},
	{"GET", "/api/v1/stats/records", "/api/v1/stats/records?period=year&date=2026-01-01&figure=cases", false, NULL,
	 true},
	{"GET", "/api/v1/stats/report.html", "/api/v1/stats/report.html?period=year&date=2026-01-01", false, NULL, true},
	{"GET", "/api/v1/stats/export", "/api/v1/stats/export?period=year&date=2026-01-01", false, NULL, true},
	{"GET", "/api/v1/stats/quality", "/api/v1/stats/quality", false, NULL, true},
	{"POST", "/api/v1/stats/publications", "/api/v1/stats/publications", false,
	 "{\"period\":\"year\",\"date\":\"2026-01-01\"}", false},
	{"GET", "/api/v1/stats/publications/{id}", "/api/v1/stats/publications/${spub}", true, NULL, true},
};
#define NPROBES (sizeof PROBES / sizeof PROBES[0])

static const probe *probe_for(const route *rt)
{
	for (size_t i = 0; i < NPROBES; i++)
		if (strcmp(PROBES[i].method, rt->method) == 0 && strcmp(PROBES[i].pattern, rt->pattern) == 0)
			return &PROBES[i];
	return NULL;
}

/* ---- set-up ---- */

static char *login_pw(const char *badge, const char *pw)
{
	char body[256];
	snprintf(body, sizeof body, "{\"badge\":\"%s\",\"password\":\"%s\"}", badge, pw);
	th_resp r = th_json(&S, "POST", "/api/v1/session", NULL, body);
	if (r.status != 200) {
		fprintf(stderr, "# login %s -> %ld %s\n", badge, r.status, r.body);
		abort();
	}
	char *t = strdup(th_str(&r, "token"));
	th_resp_free(&r);
	return t;
}

static char *machine_token(const char *badge)
{
	char out[4096];
	const char *args[] = {"user", "token", "--badge", badge, "--label", "matrix", NULL};
	if (th_cli(&S, out, sizeof out, args) != 0) {
		fprintf(stderr, "# user token: %s\n", out);
		abort();
	}
	out[strcspn(out, "\r\n")] = '\0';
	return strdup(out);
}

/* token_for returns a token of principal p (fresh = a new session). */
static char *token_for(const principal *p)
{
	if (!p->badge)
		return NULL;
	if (!p->password)
		return machine_token(p->badge);
	return login_pw(p->badge, p->password);
}

static principal *by_label(const char *label)
{
	for (size_t i = 0; i < NP; i++)
		if (strcmp(P[i].label, label) == 0)
			return &P[i];
	abort();
}

/* make POSTs body as tok and stores the new record's id (201 expected). */
static void make(const char *fixture_name, const char *path, const char *tok, const char *body)
{
	char p[512], b[2048];
	subst(path, p, sizeof p);
	subst(body, b, sizeof b);
	th_resp r = th_json(&S, "POST", p, tok, b);
	if (r.status != 201) {
		fprintf(stderr, "# fixture %s: POST %s -> %ld %s\n", fixture_name, p, r.status, r.body);
		abort();
	}
	if (fixture_name)
		fx_set(fixture_name, th_str(&r, "id"));
	th_resp_free(&r);
}

static void add_user(const char *admin, const char *badge, const char *role_name_, const char *unit)
{
	char body[512];
	snprintf(body, sizeof body,
		 "{\"badge\":\"%s\",\"name\":\"Matrice %s\",\"role\":\"%s\",\"unit\":\"%s\",\"password\":\"a-long-password-1\"}",
		 badge, role_name_, role_name_, unit);
	th_resp r = th_json(&S, "POST", "/api/v1/users", admin, body);
	if (r.status != 201) {
		fprintf(stderr, "# user %s -> %ld %s\n", badge, r.status, r.body);
		abort();
	}
	th_resp_free(&r);
}

static int setup(void **state)
{
	(void)state;
	th_setup(&S);
	char *admin = th_login(&S, "demo-admin");
	add_user(admin, "mx-chief-b", "chief", "AR-CASA-LISSASFA");
	add_user(admin, "mx-opj-b", "opj", "AR-CASA-LISSASFA");
	add_user(admin, "mx-monitor", "monitor", "DGSN");
	add_user(admin, "mx-comm-b", "communication", "PP-RABAT");
	free(admin);
	for (size_t i = 0; i < NP; i++)
		P[i].token = token_for(&P[i]);
	const char *officer = by_label("officer-A")->token, *opj = by_label("opj-A")->token,
		   *chief = by_label("chief-A")->token;

	make("complaint", "/api/v1/complaints", officer,
	     "{\"complainant\":{\"cin\":\"BH777001\",\"last_name_lat\":\"Bennis\",\"first_name_lat\":\"Amal\"},"
	     "\"facts\":\"Vol de telephone (matrice).\"}");
	make("case", "/api/v1/cases", officer,
	     "{\"frame\":\"flagrant\",\"offences\":[{\"code\":\"CP-505\"}],\"summary\":\"Matrice: affaire A\",\"opj\":\"demo-opj\"}");
	make("case3", "/api/v1/cases", officer, CASE_B);
	make("person", "/api/v1/cases/${case}/persons", officer,
	     "{\"role\":\"suspect\",\"person\":{\"cin\":\"BK770001\",\"last_name_lat\":\"Tahiri\",\"first_name_lat\":\"Said\","
	     "\"birth_date\":\"1990-04-12\"}}");
	/* the person id is the case-person link's person: read it back */
	char path[256];
	snprintf(path, sizeof path, "/api/v1/cases/%s", fx("case"));
	th_resp r = th_request(&S, "GET", path, officer, NULL, 0, NULL);
	assert_int_equal(r.status, 200);
	json_t *ps = json_object_get(r.json, "persons");
	fx_set("person", json_string_value(json_object_get(json_array_get(ps, 0), "person_id")));
	fx_set("offence", json_string_value(json_object_get(json_array_get(json_object_get(r.json, "offences"), 0), "id")));
	th_resp_free(&r);
	make(NULL, "/api/v1/cases/${case}/persons", officer,
	     "{\"role\":\"suspect\",\"person\":{\"cin\":\"BK770002\",\"last_name_lat\":\"Tahiri\",\"first_name_lat\":\"Said\","
	     "\"birth_date\":\"1990-04-12\"}}");
	r = th_request(&S, "GET", path, officer, NULL, 0, NULL);
	ps = json_object_get(r.json, "persons");
	for (size_t i = 0; i < json_array_size(ps); i++) {
		const char *pid = json_string_value(json_object_get(json_array_get(ps, i), "person_id"));
		if (pid && strcmp(pid, fx("person")) != 0)
			fx_set("person2", pid);
	}
	th_resp_free(&r);
	make("custody", "/api/v1/cases/${case}/custody", opj,
	     "{\"person_id\":\"${person}\",\"regime\":\"ordinary\",\"ground\":\"art 66-1: risque de fuite\","
	     "\"ground_code\":\"PREVENT_FLIGHT\",\"condition_on_entry\":\"Bon état apparent\"}");
	make("pv", "/api/v1/cases/${case}/pvs", officer,
	     "{\"type\":\"hearing_suspect\",\"person_id\":\"${person}\",\"statements\":\"Je conteste.\",\"read_back\":true,"
	     "\"signature\":\"signed\"}");
	/* a seizure is recorded by its PV (issue 17) */
	make("pvz", "/api/v1/cases/${case}/pvs", officer,
	     "{\"type\":\"seizure\",\"statements\":\"Saisie.\",\"read_back\":true,\"signature\":\"signed\"}");
	make("seizure", "/api/v1/cases/${case}/seizures", officer,
	     "{\"seal_no\":\"MX-S-0001\",\"description\":\"Telephone\",\"quantity\":\"1\",\"storage_place\":\"Armoire\","
	     "\"holder\":\"demo-officer\",\"pv_id\":\"${pvz}\"}");
	char case2[64];
	make("referral", "/api/v1/cases", officer, CASE_B);
	snprintf(case2, sizeof case2, "%s", fx("referral"));
	const char *inv = "{\"status\":\"under_investigation\"}";
	snprintf(path, sizeof path, "/api/v1/cases/%s/status", case2);
	r = th_json(&S, "POST", path, officer, inv);
	assert_int_equal(r.status, 200);
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/cases/%s/status", fx("case3"));
	r = th_json(&S, "POST", path, officer, inv);
	assert_int_equal(r.status, 200);
	th_resp_free(&r);
	/* a referral carries a sealed PV (issue 17 item 7) */
	snprintf(path, sizeof path, "/api/v1/cases/%s/pvs", case2);
	r = th_json(&S, "POST", path, officer, "{\"type\":\"transmission\",\"statements\":\"Transmission.\"}");
	assert_int_equal(r.status, 201);
	snprintf(path, sizeof path, "/api/v1/pvs/%s/seal", th_str(&r, "id"));
	th_resp_free(&r);
	r = th_json(&S, "POST", path, opj, "{}");
	assert_int_equal(r.status, 200);
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/cases/%s/referral", case2);
	make("referral", path, opj, "{}");
	make("wanted", "/api/v1/registers/wanted", opj,
	     "{\"reference\":\"MX-2026-001\",\"authority_code\":\"TPI-CASA-PENAL\",\"order_reference\":\"ORD-2024-1\",\"order_date\":\"2024-06-01\",\"issuing_authority\":\"Procureur du Roi\",\"offence_code\":\"CP-505\",\"offence\":\"vol\","
	     "\"danger\":\"low\",\"first_name_lat\":\"Matrice\",\"last_name_lat\":\"Recherche\"}");
	make("vehicle", "/api/v1/registers/vehicles", officer, "{\"plate\":\"23456-ب-6\",\"make\":\"Dacia\"}");
	make("document", "/api/v1/registers/documents", officer,
	     "{\"doc_type\":\"cin\",\"doc_number\":\"BK 770099\",\"kind\":\"stolen\"}");
	/* unit B's officer checks the name of A's wanted notice: A is notified */
	r = th_json(&S, "POST", "/api/v1/check", by_label("officer-B")->token,
		    "{\"purpose\":\"matrice\",\"person\":{\"first_name_lat\":\"Matrice\",\"last_name_lat\":\"Recherche\"}}");
	assert_int_equal(r.status, 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "alerts")), 1);
	th_resp_free(&r);
	r = th_request(&S, "GET", "/api/v1/notifications", officer, NULL, 0, NULL);
	assert_int_equal(r.status, 200);
	fx_set("notification",
	       json_string_value(json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "id")));
	th_resp_free(&r);
	make("phone", "/api/v1/registers/phones", officer, "{\"imei\":\"490154203237518\",\"kind\":\"lost\"}");
	make("declaration", "/api/v1/declarations", officer,
	     "{\"kind\":\"theft\",\"declarant\":{\"cin\":\"BH777002\",\"last_name_lat\":\"Matrice\",\"first_name_lat\":\"Desk\"},"
	     "\"occurred_at\":1764000000000,\"place\":\"Bd Zerktouni\",\"items\":[{\"item_type\":\"other\","
	     "\"description\":\"sac\"}]}");
	snprintf(path, sizeof path, "/api/v1/declarations/%s", fx("declaration"));
	r = th_request(&S, "GET", path, officer, NULL, 0, NULL);
	assert_int_equal(r.status, 200);
	fx_set("vnumber", th_str(&r, "verify_no"));
	th_resp_free(&r);
	const char *res = "{\"applicant\":{\"cin\":\"BH777003\",\"last_name_lat\":\"Matrice\",\"first_name_lat\":\"Res\"},"
			  "\"address\":\"12 rue Matrice\",\"commune\":\"COM-CASABLANCA\",\"purpose\":\"cnie\"}";
	make("residence", "/api/v1/residence-certificates", officer, res);
	make("residence2", "/api/v1/residence-certificates", officer, res);
	snprintf(path, sizeof path, "/api/v1/residence-certificates/%s/check", fx("residence"));
	r = th_json(&S, "POST", path, officer, "{\"check_kind\":\"visit\",\"check_on\":\"2026-01-02\",\"check_result\":\"confirmed\"}");
	assert_int_equal(r.status, 200);
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/residence-certificates/%s/decision", fx("residence"));
	r = th_json(&S, "POST", path, officer, "{\"decision\":\"issued\"}");
	assert_int_equal(r.status, 200);
	th_resp_free(&r);
	make("mtour", "/api/v1/mobile/tours", chief,
	     "{\"kit\":\"KIT-MX\",\"vehicle\":\"Fourgon matrice\",\"starts_on\":\"2026-01-05\",\"ends_on\":\"2026-01-06\","
	     "\"supervisor\":\"demo-chief\",\"operators\":[\"demo-officer\"],\"stops\":[{\"day\":\"2026-01-05\","
	     "\"commune\":\"COM-CASABLANCA\",\"place\":\"Ecole matrice\",\"place_kind\":\"school\",\"opens\":\"09:00\","
	     "\"closes\":\"12:00\",\"slot_minutes\":30,\"per_slot\":50}]}");
	make("menrol", "/api/v1/mobile/enrolments", officer,
	     "{\"tour_id\":\"${mtour}\",\"request_type\":\"first\",\"last_name_lat\":\"Matrice\",\"first_name_lat\":\"Cnie\","
	     "\"last_name_ar\":\"مصفوفة\",\"first_name_ar\":\"بطاقة\",\"sex\":\"F\",\"birth_date\":\"1990-01-01\","
	     "\"birth_place\":\"Settat\",\"birth_act_no\":\"1/1990\",\"father_name\":\"Ahmed\",\"mother_name\":\"Amina\","
	     "\"address\":\"Douar matrice\",\"commune\":\"COM-CASABLANCA\",\"docs\":[{\"kind\":\"birth_extract\","
	     "\"number\":\"BE-1\"},{\"kind\":\"residence_certificate\",\"number\":\"RC-1\"}]}");
	make("merge", "/api/v1/persons/merges", chief,
	     "{\"survivor_id\":\"${person}\",\"merged_id\":\"${person2}\",\"reason\":\"same CNIE photo\"}");

	/* communication records of PP-CASA */
	const char *comm = by_label("comm-A")->token, *chead = by_label("commhead-A")->token;
	make("cact", "/api/v1/comms/activities", comm,
	     "{\"kind\":\"communique\",\"title_fr\":\"Matrice\",\"text_fr\":\"Texte de la matrice.\",\"date\":\"2026-11-29\"}");
	make("cclaim", "/api/v1/comms/claims", comm, "{\"content\":\"Matrice: une allégation\",\"platform\":\"x\"}");
	make("cclaim2", "/api/v1/comms/claims", comm, "{\"content\":\"Matrice: une autre allégation\",\"platform\":\"x\"}");
	snprintf(path, sizeof path, "/api/v1/comms/claims/%s/status", fx("cclaim"));
	r = th_json(&S, "POST", path, comm, "{\"status\":\"verifying\"}");
	assert_int_equal(r.status, 200);
	th_resp_free(&r);
	r = th_json(&S, "POST", path, comm, "{\"status\":\"false\",\"evidence\":\"matrice\"}");
	assert_int_equal(r.status, 200);
	th_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/comms/claims/%s/archive", fx("cclaim"));
	r = th_json(&S, "POST", path, comm, "{\"name\":\"a.png\",\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}");
	assert_int_equal(r.status, 201);
	fx_set("cfile", json_string_value(json_object_get(json_object_get(r.json, "archive"), "id")));
	th_resp_free(&r);
	make("ccrisis", "/api/v1/comms/crises", comm,
	     "{\"code\":\"MX-CRISE\",\"name_ar\":\"أزمة\",\"name_fr\":\"Crise de matrice\",\"started_on\":\"2026-11-01\"}");
	make("cevent", "/api/v1/comms/events", chead,
	     "{\"kind\":\"conference\",\"name_fr\":\"Matrice\",\"starts_on\":\"2026-11-01\",\"ends_on\":\"2026-11-02\"}");
	/* a published statistics report of unit A (issue 16) */
	make("spub", "/api/v1/stats/publications", chief, "{\"period\":\"year\",\"date\":\"2026-01-01\"}");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < NP; i++)
		free(P[i].token);
	return th_teardown(&S) == 0 ? 0 : -1;
}

/* ---- the matrix ---- */

static bool in(long s, const long *set)
{
	for (int i = 0; set[i]; i++)
		if (set[i] == s)
			return true;
	return false;
}

static const long PASSES_WRITE[] = {200, 201, 204, 400, 409, 422, 0};
static const long PASSES_PUBLIC[] = {200, 201, 400, 0};

static void every_route_has_a_rule(void **st)
{
	(void)st;
	int bad = 0;
	for (size_t i = 0; i < app_routes_count; i++) {
		const route *rt = &app_routes[i];
		if (rt->roles == 0 && !(rt->flags & ROUTE_PUBLIC)) {
			fprintf(stderr, "# %s %s has no roles and is not public\n", rt->method, rt->pattern);
			bad++;
		}
		if ((rt->flags & ROUTE_PUBLIC) && rt->roles != 0) {
			fprintf(stderr, "# %s %s is public and lists roles\n", rt->method, rt->pattern);
			bad++;
		}
		if (!probe_for(rt)) {
			fprintf(stderr, "# %s %s has no probe in test_authz.c: add one\n", rt->method, rt->pattern);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* record_id: the {id} segment of path for pattern (a static copy). */
static const char *record_id(const char *pattern, const char *path)
{
	static char id[64];
	id[0] = '\0';
	const char *pp = pattern, *ph = path;
	while (*pp && *ph) {
		if (strncmp(pp, "{id}", 4) == 0) {
			size_t n = strcspn(ph, "/?");
			snprintf(id, sizeof id, "%.*s", (int)n, ph);
			return id;
		}
		if (*pp != *ph)
			break;
		pp++;
		ph++;
	}
	return id;
}

static char *auditor_token(void)
{
	for (size_t k = 0; k < NP; k++)
		if (P[k].role == ROLE_AUDITOR)
			return P[k].token;
	abort();
}

static void matrix(void **st)
{
	(void)st;
	int cells = 0, bad = 0;
	char path[512], body[2048];
	for (size_t i = 0; i < app_routes_count; i++) {
		const route *rt = &app_routes[i];
		const probe *pb = probe_for(rt);
		if (!pb)
			continue;
		subst(pb->path, path, sizeof path);
		bool get = strcmp(rt->method, "GET") == 0;
		for (size_t k = 0; k < NP; k++) {
			principal *p = &P[k];
			bool fresh = strcmp(rt->method, "DELETE") == 0 && strcmp(rt->pattern, "/api/v1/session") == 0;
			char *tok = fresh ? token_for(p) : p->token;
			const char *send = NULL;
			bool allowed = (rt->flags & ROUTE_PUBLIC) || (rt->roles & (unsigned)p->role);
			bool other_unit = pb->scoped && p->scope == SC_B;
			if (!get && !pb->no_body)
				send = "{}";
			if (!get && other_unit && pb->valid) {
				subst(pb->valid, body, sizeof body);
				send = body;
			}
			th_resp r = send ? th_json(&S, rt->method, path, tok, send)
					 : th_request(&S, rt->method, path, tok, NULL, 0, NULL);
			const char *code = th_str(&r, "code");
			char want[64];
			bool ok;
			if ((rt->flags & ROUTE_PUBLIC) && capability_route(rt->pattern)) {
				ok = r.status == 404;
				snprintf(want, sizeof want, "404 (a capability URL that is not one)");
			} else if (rt->flags & ROUTE_PUBLIC) {
				ok = get ? r.status == 200 : in(r.status, PASSES_PUBLIC);
				snprintf(want, sizeof want, "%s", get ? "200" : "200/201/400");
			} else if (p->scope == SC_NONE) {
				ok = r.status == 401;
				snprintf(want, sizeof want, "401");
			} else if (!allowed) {
				ok = r.status == 403 && strcmp(code, "forbidden") == 0;
				snprintf(want, sizeof want, "403 forbidden");
			} else if ((rt->flags & ROUTE_AUDIT_VIA) && p->role == ROLE_AUDITOR) {
				/* least privilege (issue 10 item 12): a record only through
				 * an audit entry naming it; the probe names none */
				ok = r.status == 403 && strcmp(code, "audit-entry-required") == 0;
				snprintf(want, sizeof want, "403 audit-entry-required");
			} else if ((rt->flags & ROUTE_OPJ) && !p->opj) {
				/* a route that needs OPJ status refuses a writer without it */
				ok = r.status == 403 && strcmp(code, "opj-required") == 0;
				snprintf(want, sizeof want, "403 opj-required");
			} else if (other_unit) {
				ok = r.status == 403 || r.status == 404;
				snprintf(want, sizeof want, "403/404 (other unit)");
			} else if (get) {
				ok = r.status == 200;
				snprintf(want, sizeof want, "200");
			} else {
				ok = in(r.status, PASSES_WRITE);
				snprintf(want, sizeof want, "passes authz (2xx/400/409/422)");
			}
			/* a problem document on every 4xx/5xx, never a 5xx */
			if (r.status >= 400 && !strstr(r.ctype, "application/problem+json"))
				ok = false;
			if (r.status >= 500)
				ok = false;
			cells++;
			if (!ok) {
				bad++;
				fprintf(stderr, "# MISMATCH %-6s %-44s %-10s got %ld %s, want %s\n", rt->method, rt->pattern,
					p->label, r.status, code, want);
			}
			th_resp_free(&r);
			if (fresh)
				free(tok);
		}
	}
	/* the auditor's way in: ?via= an entry naming the record → 200; an
	 * entry naming another record → 403 */
	for (size_t i = 0; i < app_routes_count; i++) {
		const route *rt = &app_routes[i];
		const probe *pb = probe_for(rt);
		if (!pb || !(rt->flags & ROUTE_AUDIT_VIA))
			continue;
		subst(pb->path, path, sizeof path);
		const char *id = record_id(rt->pattern, path);
		char q[256];
		snprintf(q, sizeof q, "SELECT MAX(seq) FROM audit_log WHERE object_type = '%s' AND object_id = '%s'",
			 rt->object, id);
		long long seq = th_sql_int(&S, q);
		snprintf(q, sizeof q, "SELECT MAX(seq) FROM audit_log WHERE object_id IS NOT NULL AND object_id <> '%s'", id);
		long long other = th_sql_int(&S, q);
		for (int k = 0; k < 2; k++) {
			char via[600];
			snprintf(via, sizeof via, "%s%svia=%lld", path, strchr(path, '?') ? "&" : "?", k ? other : seq);
			th_resp r = th_request(&S, rt->method, via, auditor_token(), NULL, 0, NULL);
			bool ok = k ? r.status == 403 : r.status == 200;
			cells++;
			if (!ok || seq <= 0) {
				bad++;
				fprintf(stderr, "# MISMATCH %-6s %-44s auditor ?via=%lld got %ld, want %s\n", rt->method,
					rt->pattern, k ? other : seq, r.status, k ? "403 (another record's entry)" : "200");
			}
			th_resp_free(&r);
		}
	}
	fprintf(stderr, "# authorisation matrix: %zu routes x %zu callers = %d cells, %d mismatches\n",
		app_routes_count, NP, cells, bad);
	assert_int_equal(bad, 0);
}

/* Reads of unit A's records by unit B never leak them: the bodies of the
 * refusals name no fixture id other than the one asked for. */
static void refusals_leak_nothing(void **st)
{
	(void)st;
	char path[256];
	snprintf(path, sizeof path, "/api/v1/cases/%s", fx("case"));
	th_resp r = th_request(&S, "GET", path, by_label("officer-B")->token, NULL, 0, NULL);
	assert_true(r.status == 403 || r.status == 404);
	assert_null(strstr(r.body, "Matrice: affaire A"));
	assert_null(strstr(r.body, "Tahiri"));
	th_resp_free(&r);
	/* B's case list holds none of A's cases */
	r = th_request(&S, "GET", "/api/v1/cases?limit=200", by_label("officer-B")->token, NULL, 0, NULL);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body, fx("case")));
	assert_null(strstr(r.body, "Matrice: affaire A"));
	th_resp_free(&r);
	r = th_request(&S, "GET", "/api/v1/custody/deadlines", by_label("chief-B")->token, NULL, 0, NULL);
	assert_int_equal(r.status, 200);
	assert_null(strstr(r.body, fx("custody")));
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
		cmocka_unit_test(every_route_has_a_rule),
		cmocka_unit_test(matrix),
		cmocka_unit_test(refusals_leak_nothing),
		cmocka_unit_test(server_exits_cleanly),
	};
	return cmocka_run_group_tests_name(getenv("SIJILL_TEST_BACKEND") ? getenv("SIJILL_TEST_BACKEND") : "sqlite",
					   tests, setup, teardown);
}
