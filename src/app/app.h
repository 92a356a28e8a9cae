/* app.h — the application layer: the route table, the path of a request
 * (router → authentication → authorisation → handler), and the helpers that
 * handlers use to answer, audit and commit. Capabilities stay in their own
 * modules; handlers here only translate HTTP to their calls.
 */
#ifndef SJ_APP_H
#define SJ_APP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include "auth/auth.h"
#include "db/db.h"
#include "http/http.h"

typedef struct app {
	db *db;
	char webroot[PATH_MAX];
	char data_dir[PATH_MAX];
	bool test_clock;       /* POST /api/v1/test/clock is served */
	int64_t started_ms;
} app;

typedef void (*route_fn)(app *a, http_req *r, auth_user *u);

enum {
	ROUTE_PUBLIC = 1 << 0,     /* no authentication (login, health, API description) */
	ROUTE_TEST_ONLY = 1 << 1,  /* exists only when the server runs with --test-clock */
	ROUTE_MFA_ENROL = 1 << 2,  /* allowed to a session that must first enrol a second factor */
};

typedef struct route {
	const char *method;
	const char *pattern;   /* "/api/v1/users/{badge}": {name} matches one segment */
	unsigned roles;        /* roles allowed; 0 denies everyone (deny by default) */
	unsigned flags;
	route_fn fn;
	const char *summary;
	const char *tag;
} route;

/* The one table of routes and who may call them (routes.c). */
extern const route app_routes[];
extern const size_t app_routes_count;

/* app_dispatch is the http_dispatch_fn: ctx is the app. */
void app_dispatch(http_req *r, void *ctx);

/* --- helpers for handlers --- */

/* app_fail answers the problem+json that e stands for. */
void app_fail(http_req *r, sj_err e, const char *detail);
/* app_audit appends an entry for the current request to c's unit of work:
 * in a DB_WRITE transaction it commits with it; in a DB_READ one it is
 * queued, written by app_finish through the group committer. detail (may be
 * NULL) is consumed (its reference stolen). */
SJ_MUST_USE sj_err app_audit(db_conn *c, http_req *r, const auth_user *u, const char *action,
			     const char *object_type, const char *object_id, const char *purpose,
			     const char *outcome, json_t *detail);
/* app_audit_refusal records a refused request (401/403) and returns once the
 * entry is durable (no transaction of its own: the group committer's). */
void app_audit_refusal(app *a, http_req *r, const auth_user *u, const char *action, const char *why);
/* app_begin_or_reply acquires a connection and opens a transaction (DB_READ
 * for a handler that only reads: its audit entries then go through the group
 * committer; DB_WRITE when it writes); on failure it answers and returns NULL. */
db_conn *app_begin_or_reply(app *a, http_req *r, db_mode mode);
/* app_begin_or_drop is app_begin_or_reply for a handler holding a parsed
 * body: on failure it also drops body (decref) before returning NULL. */
db_conn *app_begin_or_drop(app *a, http_req *r, json_t *body);
/* app_finish commits when e is SJ_OK, rolls back otherwise, and releases the
 * connection; then, for a read, it hands the queued audit entries to the
 * group committer and returns once they are durable. false (after answering
 * 500/503 unless already answered) when anything failed: send no data. */
bool app_finish(app *a, http_req *r, db_conn *c, sj_err e);
/* app_paging reads ?limit=&offset= (bounded by SJ_MAX_PAGE); false after answering 400. */
bool app_paging_or_reply(http_req *r, int *limit, int64_t *offset);
/* app_openapi returns the OpenAPI 3.1 description of app_routes (new reference). */
json_t *app_openapi(void);

/* Handlers (api_*.c). */
void api_login(app *a, http_req *r, auth_user *u);
void api_logout(app *a, http_req *r, auth_user *u);
void api_me(app *a, http_req *r, auth_user *u);
void api_me_password(app *a, http_req *r, auth_user *u);
void api_me_lang(app *a, http_req *r, auth_user *u);
void api_me_totp_setup(app *a, http_req *r, auth_user *u);
void api_me_totp_confirm(app *a, http_req *r, auth_user *u);
void api_users_list(app *a, http_req *r, auth_user *u);
void api_users_create(app *a, http_req *r, auth_user *u);
void api_users_update(app *a, http_req *r, auth_user *u);
void api_units_list(app *a, http_req *r, auth_user *u);
void api_audit_list(app *a, http_req *r, auth_user *u);
void api_audit_verify(app *a, http_req *r, auth_user *u);
void api_healthz(app *a, http_req *r, auth_user *u);
void api_metrics(app *a, http_req *r, auth_user *u);
void api_openapi(app *a, http_req *r, auth_user *u);
void api_test_clock(app *a, http_req *r, auth_user *u);

/* Cases: complaints, cases, persons, PVs, custody, seizures, referral (api_cases.c). */
void api_offences_list(app *a, http_req *r, auth_user *u);
void api_custody_rules_list(app *a, http_req *r, auth_user *u);
void api_prosecution_list(app *a, http_req *r, auth_user *u);
void api_complaint_create(app *a, http_req *r, auth_user *u);
void api_complaint_get(app *a, http_req *r, auth_user *u);
void api_complaint_list(app *a, http_req *r, auth_user *u);
void api_complaint_dispose(app *a, http_req *r, auth_user *u);
void api_case_create(app *a, http_req *r, auth_user *u);
void api_case_list(app *a, http_req *r, auth_user *u);
void api_case_get(app *a, http_req *r, auth_user *u);
void api_case_update(app *a, http_req *r, auth_user *u);
void api_case_history(app *a, http_req *r, auth_user *u);
void api_case_add_offence(app *a, http_req *r, auth_user *u);
void api_case_status(app *a, http_req *r, auth_user *u);
void api_case_assign(app *a, http_req *r, auth_user *u);
void api_case_person_add(app *a, http_req *r, auth_user *u);
void api_person_get(app *a, http_req *r, auth_user *u);
void api_pv_create(app *a, http_req *r, auth_user *u);
void api_pv_get(app *a, http_req *r, auth_user *u);
void api_pv_update(app *a, http_req *r, auth_user *u);
void api_pv_seal(app *a, http_req *r, auth_user *u);
void api_pv_print(app *a, http_req *r, auth_user *u);
void api_custody_open(app *a, http_req *r, auth_user *u);
void api_custody_get(app *a, http_req *r, auth_user *u);
void api_custody_update(app *a, http_req *r, auth_user *u);
void api_custody_extend(app *a, http_req *r, auth_user *u);
void api_custody_close(app *a, http_req *r, auth_user *u);
void api_custody_deadlines(app *a, http_req *r, auth_user *u);
void api_custody_register(app *a, http_req *r, auth_user *u);
void api_custody_daily(app *a, http_req *r, auth_user *u);
void api_custody_daily_html(app *a, http_req *r, auth_user *u);
void api_seizure_create(app *a, http_req *r, auth_user *u);
void api_seizure_get(app *a, http_req *r, auth_user *u);
void api_seizure_transfer(app *a, http_req *r, auth_user *u);
void api_referral_create(app *a, http_req *r, auth_user *u);
void api_referral_get(app *a, http_req *r, auth_user *u);
void api_referral_bundle(app *a, http_req *r, auth_user *u);
void api_referral_bundle_html(app *a, http_req *r, auth_user *u);
void api_referral_outcome(app *a, http_req *r, auth_user *u);

/* search and registers (api_search.c, api_registers.c) */
void api_persons_search(app *a, http_req *r, auth_user *u);
void api_person_duplicates(app *a, http_req *r, auth_user *u);
void api_person_merge(app *a, http_req *r, auth_user *u);
void api_person_unmerge(app *a, http_req *r, auth_user *u);
void api_cases_fulltext(app *a, http_req *r, auth_user *u);
void api_audit_flags(app *a, http_req *r, auth_user *u);
void api_wanted_create(app *a, http_req *r, auth_user *u);
void api_vehicle_create(app *a, http_req *r, auth_user *u);
void api_document_create(app *a, http_req *r, auth_user *u);
void api_register_list(app *a, http_req *r, auth_user *u);
void api_register_status(app *a, http_req *r, auth_user *u);
void api_check(app *a, http_req *r, auth_user *u);
void api_notifications(app *a, http_req *r, auth_user *u);
void api_notification_read(app *a, http_req *r, auth_user *u);

#endif
