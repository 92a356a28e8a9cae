/* routes.c — every route and the roles that may call it. This table is the
 * authorisation rule table: a route with roles = 0 answers 403 to everyone,
 * and tests enumerate it (GET /api/v1/openapi.json lists it with x-roles).
 * Unit scope (own unit and below; national roles read all) is enforced by the
 * capability behind each handler. */
#include "app/app.h"

#define HUMANS ROLES_HUMAN
#define ANYONE ROLES_ALL

const route app_routes[] = {
	/* operations */
	{"GET", "/healthz", 0, ROUTE_PUBLIC, api_healthz, "Liveness and database check", "operations"},
	{"GET", "/metrics", ROLE_ADMIN | ROLE_MONITOR, 0, api_metrics, "Prometheus metrics", "operations"},
	{"GET", "/api/v1/openapi.json", 0, ROUTE_PUBLIC, api_openapi, "This API description", "operations"},
	{"POST", "/api/v1/test/clock", ROLE_ADMIN, ROUTE_TEST_ONLY, api_test_clock,
	 "Move the server clock (test servers only)", "operations"},

	/* sessions and the caller */
	{"POST", "/api/v1/session", 0, ROUTE_PUBLIC, api_login, "Log in with badge and password", "session"},
	{"DELETE", "/api/v1/session", ANYONE, 0, api_logout, "Log out (revoke this session)", "session"},
	{"GET", "/api/v1/me", ANYONE, 0, api_me, "Who am I", "session"},
	{"PUT", "/api/v1/me/password", HUMANS, 0, api_me_password, "Change my password", "session"},
	{"PUT", "/api/v1/me/lang", HUMANS, 0, api_me_lang, "Set my interface language", "session"},

	/* administration */
	{"GET", "/api/v1/users", ROLE_ADMIN | ROLE_CHIEF, 0, api_users_list, "List users in my scope", "administration"},
	{"POST", "/api/v1/users", ROLE_ADMIN, 0, api_users_create, "Create a user", "administration"},
	{"PATCH", "/api/v1/users/{badge}", ROLE_ADMIN, 0, api_users_update, "Enable, disable or reset a user", "administration"},
	{"GET", "/api/v1/units", HUMANS, 0, api_units_list, "The organisation's units", "administration"},

	/* audit */
	{"GET", "/api/v1/audit", ROLE_AUDITOR, 0, api_audit_list, "Query the audit log", "audit"},
	{"GET", "/api/v1/audit/verify", ROLE_AUDITOR, 0, api_audit_verify, "Verify the audit chain", "audit"},
};

const size_t app_routes_count = sizeof app_routes / sizeof app_routes[0];
