/* routes.c — every route and the roles that may call it. This table is the
 * authorisation rule table: a route with roles = 0 answers 403 to everyone,
 * and tests enumerate it (GET /api/v1/openapi.json lists it with x-roles).
 * Unit scope (own unit and below; national roles read all) is enforced by the
 * capability behind each handler. */
#include "app/app.h"
#include "cases/cases.h"
#include "cases/complaint.h"

/* ROUTE(method, pattern, roles, flags, handler, summary, tag, ...): the
 * trailing designated members describe the rest of the row once — .body and
 * .body_op (the request record, checked by dispatch), .reply (the response
 * record), .action and .object (the audit entry app_reply writes). */
#define ROUTE(m, p, r, fl, fn_, sum, tg, ...) \
	{.method = (m), .pattern = (p), .roles = (r), .flags = (fl), .fn = (fn_), .summary = (sum), .tag = (tg), \
	 __VA_ARGS__}

#define HUMANS ROLES_HUMAN
#define ANYONE ROLES_ALL
#define WRITERS ROLES_UNIT_WRITERS

const route app_routes[] = {
	/* operations */
	ROUTE("GET", "/healthz", 0, ROUTE_PUBLIC, api_healthz, "Liveness and database check", "operations"),
	ROUTE("GET", "/metrics", ROLE_ADMIN | ROLE_MONITOR, 0, api_metrics, "Prometheus metrics", "operations"),
	ROUTE("GET", "/api/v1/openapi.json", 0, ROUTE_PUBLIC, api_openapi, "This API description", "operations"),
	ROUTE("POST", "/api/v1/test/clock", ROLE_ADMIN, ROUTE_TEST_ONLY, api_test_clock,
	 "Move the server clock (test servers only)", "operations"),

	/* sessions and the caller */
	ROUTE("POST", "/api/v1/session", 0, ROUTE_PUBLIC, api_login, "Log in with badge and password", "session"),
	ROUTE("DELETE", "/api/v1/session", ANYONE, ROUTE_MFA_ENROL, api_logout, "Log out (revoke this session)", "session"),
	ROUTE("GET", "/api/v1/me", ANYONE, ROUTE_MFA_ENROL, api_me, "Who am I", "session"),
	ROUTE("POST", "/api/v1/me/totp", HUMANS, ROUTE_MFA_ENROL, api_me_totp_setup,
	 "Set up a TOTP authenticator (secret shown once)", "session"),
	ROUTE("POST", "/api/v1/me/totp/confirm", HUMANS, ROUTE_MFA_ENROL, api_me_totp_confirm,
	 "Confirm the authenticator with a code; enables the second factor", "session"),
	ROUTE("PUT", "/api/v1/me/password", HUMANS, 0, api_me_password, "Change my password", "session"),
	ROUTE("PUT", "/api/v1/me/lang", HUMANS, 0, api_me_lang, "Set my interface language", "session"),

	/* national search and central registers (api_search.c, api_registers.c);
	 * before any /persons/{id} route so "search" is not read as an id */
	ROUTE("GET", "/api/v1/persons/search", HUMANS, 0, api_persons_search,
	 "National person search across Arabic and Latin spellings (purpose required)", "search"),
	ROUTE("GET", "/api/v1/persons/{id}/duplicates", ROLE_ADMIN | ROLE_CHIEF, 0, api_person_duplicates,
	 "Candidate duplicates of a person, with reasons", "search"),
	ROUTE("POST", "/api/v1/persons/merges", ROLE_ADMIN | ROLE_CHIEF, 0, api_person_merge,
	 "Merge two records of one person (history kept)", "search"),
	ROUTE("POST", "/api/v1/persons/merges/{id}/undo", ROLE_ADMIN | ROLE_CHIEF, 0, api_person_unmerge,
	 "Undo a merge", "search"),
	ROUTE("GET", "/api/v1/search/cases", HUMANS, 0, api_cases_fulltext,
	 "Full-text search of case summaries and PVs in my scope (purpose required)", "search"),
	ROUTE("GET", "/api/v1/registers/wanted", HUMANS, 0, api_register_list, "Wanted notices (national)", "registers"),
	ROUTE("POST", "/api/v1/registers/wanted", ROLE_ADMIN | ROLES_UNIT_WRITERS, 0, api_wanted_create,
	 "Issue a wanted notice (home unit)", "registers"),
	ROUTE("PATCH", "/api/v1/registers/wanted/{id}", ROLE_ADMIN | ROLES_UNIT_WRITERS, 0, api_register_status,
	 "Execute or cancel a wanted notice (home unit)", "registers"),
	ROUTE("GET", "/api/v1/registers/vehicles", HUMANS, 0, api_register_list, "Stolen vehicles (national)", "registers"),
	ROUTE("POST", "/api/v1/registers/vehicles", ROLE_ADMIN | ROLES_UNIT_WRITERS, 0, api_vehicle_create,
	 "Report a stolen vehicle (home unit)", "registers"),
	ROUTE("PATCH", "/api/v1/registers/vehicles/{id}", ROLE_ADMIN | ROLES_UNIT_WRITERS, 0, api_register_status,
	 "Recover or cancel a stolen vehicle (home unit)", "registers"),
	ROUTE("GET", "/api/v1/registers/documents", HUMANS, 0, api_register_list, "Lost and stolen documents (national)",
	 "registers"),
	ROUTE("POST", "/api/v1/registers/documents", ROLE_ADMIN | ROLES_UNIT_WRITERS, 0, api_document_create,
	 "Declare a lost or stolen document (home unit)", "registers"),
	ROUTE("PATCH", "/api/v1/registers/documents/{id}", ROLE_ADMIN | ROLES_UNIT_WRITERS, 0, api_register_status,
	 "Mark a document found or cancel (home unit)", "registers"),
	ROUTE("POST", "/api/v1/check", HUMANS, 0, api_check,
	 "Check a person, plate, VIN or document against the registers (hits as alerts)", "registers"),
	ROUTE("GET", "/api/v1/notifications", HUMANS, 0, api_notifications, "My unit's notifications (hits)", "registers"),
	ROUTE("POST", "/api/v1/notifications/{id}/read", WRITERS, 0, api_notification_read,
	 "Mark a notification of my unit as read (first reader kept)", "registers"),
	ROUTE("GET", "/api/v1/audit/flags", ROLE_AUDITOR, 0, api_audit_flags, "Users with unusual look-up volumes", "audit"),

	/* administration */
	ROUTE("GET", "/api/v1/users", ROLE_ADMIN | ROLE_CHIEF, 0, api_users_list, "List users in my scope", "administration"),
	ROUTE("POST", "/api/v1/users", ROLE_ADMIN, 0, api_users_create, "Create a user", "administration"),
	ROUTE("PATCH", "/api/v1/users/{badge}", ROLE_ADMIN, 0, api_users_update, "Enable, disable or reset a user", "administration"),
	ROUTE("GET", "/api/v1/units", HUMANS, 0, api_units_list, "The organisation's units", "administration"),

	/* audit */
	ROUTE("GET", "/api/v1/audit", ROLE_AUDITOR, 0, api_audit_list, "Query the audit log", "audit"),
	ROUTE("GET", "/api/v1/audit/verify", ROLE_AUDITOR, 0, api_audit_verify, "Verify the audit chain", "audit"),

	/* reference data (legal rules as data) */
	ROUTE("GET", "/api/v1/offences", HUMANS, 0, api_offences_list, "The offence catalogue (current version)", "reference"),
	ROUTE("GET", "/api/v1/custody-rules", HUMANS, 0, api_custody_rules_list, "Custody rules with effective dates", "reference"),
	ROUTE("GET", "/api/v1/prosecution-offices", HUMANS, 0, api_prosecution_list, "Prosecution offices and the units they serve", "reference"),

	/* complaints and cases: unit writers in their unit and below; national roles read */
	ROUTE("POST", "/api/v1/complaints", WRITERS, 0, api_complaint_create, "Record a complaint (receipt number)", "cases",
	      .body = &complaint_rec, .body_op = REC_CREATE, .reply = &complaint_rec, .action = "complaint.create",
	      .object = "complaint"),
	ROUTE("GET", "/api/v1/complaints", HUMANS, 0, api_complaint_list, "List complaints in my scope", "cases",
	      .action = "complaint.list", .object = "unit"),
	ROUTE("GET", "/api/v1/complaints/{id}", HUMANS, 0, api_complaint_get, "Read a complaint", "cases",
	      .reply = &complaint_rec, .action = "complaint.read", .object = "complaint"),
	ROUTE("POST", "/api/v1/complaints/{id}/disposition", WRITERS, 0, api_complaint_dispose,
	 "Attach, refer elsewhere or close a complaint with a reason", "cases"),
	ROUTE("POST", "/api/v1/cases", WRITERS, 0, api_case_create, "Open a case (number UNIT/YEAR/SEQ)", "cases"),
	ROUTE("GET", "/api/v1/cases", HUMANS, 0, api_case_list, "List cases in my scope", "cases"),
	ROUTE("GET", "/api/v1/cases/{id}", HUMANS, 0, api_case_get, "Read a whole case", "cases"),
	ROUTE("PATCH", "/api/v1/cases/{id}", WRITERS, 0, api_case_update, "Edit an open case's description", "cases"),
	ROUTE("GET", "/api/v1/cases/{id}/history", HUMANS, 0, api_case_history, "A case's history", "cases"),
	ROUTE("POST", "/api/v1/cases/{id}/offences", WRITERS, 0, api_case_add_offence, "Charge one more offence", "cases"),
	ROUTE("POST", "/api/v1/cases/{id}/status", WRITERS, 0, api_case_status, "Move a case along its legal statuses", "cases"),
	ROUTE("PUT", "/api/v1/cases/{id}/assignee", ROLE_CHIEF, 0, api_case_assign, "Reassign a case to an OPJ", "cases"),
	ROUTE("POST", "/api/v1/cases/{id}/persons", WRITERS, 0, api_case_person_add, "Add a person to a case with a role", "cases"),
	ROUTE("POST", "/api/v1/cases/{id}/persons/{pid}/removal", WRITERS, 0, api_case_person_remove,
	      "Remove a person (or one role) added to a case by mistake, with a reason kept in history", "cases",
	      .body = &case_person_removal_rec, .body_op = REC_CREATE, .action = "case.person-removal",
	      .object = "person"),
	ROUTE("GET", "/api/v1/find", HUMANS, 0, api_find, "Find a case (number, words) or a complaint (receipt)",
	      "cases", .action = "find", .object = "unit"),
	ROUTE("GET", "/api/v1/persons/{id}", HUMANS, 0, api_person_get, "Read a person and their role-aware history", "cases"),

	/* PVs: drafted by writers, sealed by an OPJ only */
	ROUTE("POST", "/api/v1/cases/{id}/pvs", WRITERS, 0, api_pv_create, "Draft a PV (or a correction)", "pv"),
	ROUTE("GET", "/api/v1/pvs/{id}", HUMANS, 0, api_pv_get, "Read a PV and check its seal", "pv"),
	ROUTE("PATCH", "/api/v1/pvs/{id}", WRITERS, 0, api_pv_update, "Edit a draft PV (a sealed one is 409)", "pv"),
	ROUTE("POST", "/api/v1/pvs/{id}/seal", ROLE_OPJ, 0, api_pv_seal, "Seal a PV (hash + OPJ signature)", "pv"),
	ROUTE("GET", "/api/v1/pvs/{id}/print", HUMANS, 0, api_pv_print, "Bilingual print view of a PV (HTML)", "pv"),

	/* custody: opened, extended and closed by an OPJ */
	ROUTE("POST", "/api/v1/cases/{id}/custody", ROLE_OPJ, 0, api_custody_open, "Place a person in custody", "custody"),
	ROUTE("GET", "/api/v1/custody/deadlines", HUMANS, 0, api_custody_deadlines, "Open custodies, soonest deadline first", "custody"),
	ROUTE("GET", "/api/v1/custody/{id}", HUMANS, 0, api_custody_get, "Read a custody", "custody"),
	ROUTE("PATCH", "/api/v1/custody/{id}", WRITERS, 0, api_custody_update, "Record family informed / lawyer contacted", "custody"),
	ROUTE("POST", "/api/v1/custody/{id}/extensions", ROLE_OPJ, 0, api_custody_extend,
	 "Extend a custody with the prosecutor's authorisation", "custody"),
	ROUTE("POST", "/api/v1/custody/{id}/close", ROLE_OPJ, 0, api_custody_close, "End a custody: release or presentation", "custody"),
	ROUTE("GET", "/api/v1/units/{code}/custody-register", HUMANS, 0, api_custody_register, "A unit's custody register", "custody"),
	ROUTE("GET", "/api/v1/units/{code}/custody-daily", HUMANS, 0, api_custody_daily,
	 "The daily list of persons held, for the prosecutor", "custody"),
	ROUTE("GET", "/api/v1/units/{code}/custody-daily.html", HUMANS, 0, api_custody_daily_html,
	 "The daily list of persons held, printable (HTML)", "custody"),

	/* seizures and referral */
	ROUTE("POST", "/api/v1/cases/{id}/seizures", WRITERS, 0, api_seizure_create, "Record a seized item", "seizures"),
	ROUTE("GET", "/api/v1/seizures/{id}", HUMANS, 0, api_seizure_get, "Read a seized item and its chain of custody", "seizures"),
	ROUTE("POST", "/api/v1/seizures/{id}/transfers", WRITERS, 0, api_seizure_transfer, "Transfer a seized item", "seizures"),
	ROUTE("POST", "/api/v1/cases/{id}/referral", ROLE_OPJ | ROLE_CHIEF, 0, api_referral_create,
	 "Send the case to the competent prosecutor", "referral"),
	ROUTE("GET", "/api/v1/cases/{id}/referral/competent", ROLE_OPJ | ROLE_CHIEF, 0, api_referral_competent,
	      "The prosecution office a referral would go to (shown before sending)", "referral",
	      .action = "referral.competent", .object = "case"),
	ROUTE("GET", "/api/v1/referrals/{id}", HUMANS, 0, api_referral_get, "Read a referral", "referral"),
	ROUTE("GET", "/api/v1/referrals/{id}/bundle", HUMANS, 0, api_referral_bundle, "The bundle as sent (JSON)", "referral"),
	ROUTE("GET", "/api/v1/referrals/{id}/bundle.html", HUMANS, 0, api_referral_bundle_html, "The bundle, printable (HTML)", "referral"),
	ROUTE("PUT", "/api/v1/referrals/{id}/outcome", WRITERS, 0, api_referral_outcome, "Record the prosecution's decision", "referral"),
};

const size_t app_routes_count = sizeof app_routes / sizeof app_routes[0];
