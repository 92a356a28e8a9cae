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
#include "core/actor.h"
#include "core/record.h"
#include "db/db.h"
#include "http/http.h"
#include "idem/idem.h"

typedef struct app {
	db *db;
	char webroot[PATH_MAX];
	char data_dir[PATH_MAX];
	char public_url[1024]; /* the base of the verification URLs printed in QR codes (config public_url) */
	bool test_clock;       /* POST /api/v1/test/clock is served */
	int64_t started_ms;
} app;

typedef void (*route_fn)(app *a, http_req *r, auth_user *u);

enum {
	ROUTE_PUBLIC = 1 << 0,     /* no authentication (login, health, API description) */
	ROUTE_TEST_ONLY = 1 << 1,  /* exists only when the server runs with --test-clock */
	ROUTE_MFA_ENROL = 1 << 2,  /* allowed to a session that must first enrol a second factor */
	ROUTE_ANONYMOUS = 1 << 3,  /* a public route whose audit entries carry no address (the handler
				    * names the caller by a keyed hash in the detail: desk_addr_hash) */
	ROUTE_OPJ = 1 << 4,        /* also needs OPJ status (CPP 20: auth_user.opj, from the user's record) */
	ROUTE_AUDIT_VIA = 1 << 5,  /* an auditor may call it only with ?via=<audit seq> of an entry naming the
				    * record ({id}, the route's audit object): 403 "audit-entry-required" */
};

typedef struct route {
	const char *method;
	const char *pattern;   /* "/api/v1/users/{badge}": {name} matches one segment */
	unsigned roles;        /* roles allowed; 0 denies everyone (deny by default) */
	unsigned flags;
	route_fn fn;
	const char *summary;
	const char *tag;
	/* From here, described once for the route and used by dispatch, the
	 * handler helpers, the OpenAPI document and the tests: */
	const rec_desc *body;  /* the request body's record; NULL: the route takes no body */
	rec_op body_op;        /* REC_CREATE or REC_PATCH (how body is checked) */
	const rec_desc *reply; /* the response's record (OpenAPI; responses shaped by rec_out) */
	const char *action;    /* audit action of the route ("case.read"); app_reply writes it */
	const char *object;    /* audit object type ("case") */
} route;

/* The one table of routes and who may call them (routes.c). */
extern const route app_routes[];
extern const size_t app_routes_count;
/* Every record the API and the schema know, described once in its owning
 * module (routes.c lists them): the OpenAPI document publishes each one's
 * schemas, and the tests hold each to the migrated schema and to the two
 * dictionaries. NULL-terminated. */
extern const rec_desc *const app_records[];
/* The test clock's body (api_ops.c). */
extern const rec_desc app_test_clock_rec;

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
/* app_begin_or_reply acquires a connection and opens a transaction; on failure
 * it answers and returns NULL. For the routes that write (DB_WRITE: their
 * audit entry commits with the record). */
db_conn *app_begin_or_reply(app *a, http_req *r, db_mode mode);
/* app_begin_read_or_reply opens the unit of work of a route that only reads:
 * every read handler opens it here, and nowhere else. It is DB_READ: an
 * audited read's entries are queued on the connection (app_audit) and
 * app_finish hands them to the group committer once the read is over,
 * answering only after they are durable (docs/internals/audit.md). */
db_conn *app_begin_read_or_reply(app *a, http_req *r);
/* app_finish commits when e is SJ_OK, rolls back otherwise, and releases the
 * connection; then, for a read, it hands the queued audit entries to the
 * group committer and returns once they are durable. false (after answering
 * 500/503 unless already answered) when anything failed: send no data. */
bool app_finish(app *a, http_req *r, db_conn *c, sj_err e);
/* app_route returns the route row being served. */
const route *app_route(const http_req *r);
/* app_actor fills *out for the request's caller; its strings are borrowed
 * from u and r and live as long as the request. */
void app_actor(const http_req *r, const auth_user *u, sj_actor *out);
/* app_doc_actor is app_actor for a printed document: ?lang=ar|fr (the
 * reader's language) overrides the user's own. */
void app_doc_actor(const http_req *r, const auth_user *u, sj_actor *out);

/* app_reply ends a handler's unit of work on c (an open transaction, released
 * here whatever happens):
 *  - SJ_EFORBIDDEN (the record lies outside the actor's scope, or is another
 *    unit's to change): rolls back, audits the refusal (outcome "refused",
 *    the reason why or "unit-scope") under the route's action in a
 *    transaction of its own, and answers 403 with code why or "forbidden";
 *  - SJ_ELIMIT (a rate limit): the count stays — audits the refusal in c,
 *    commits, answers 429 with code why;
 *  - another e != SJ_OK: rolls back and answers the problem e stands for;
 *    why (a stable reason code, may be NULL) becomes the problem's code —
 *    its message in both languages is the dictionaries' "err.<why>" — and
 *    field (may be NULL) makes it name that field (the field error's code is
 *    why: "ferr.<why>"; for SJ_EINVAL the problem is "validation");
 *  - otherwise appends the route's audit entry when the row names an action
 *    (object type from the row, object_id, the stated purpose — ?purpose= or
 *    the body's — detail stolen), commits (on a DB_READ transaction the
 *    entry is made durable before the answer) and answers status with out
 *    (stolen; NULL sends {}) shaped by the row's reply record (rec_out).
 * On a commit failure it answers 500/503 and drops out. */
void app_reply(app *a, http_req *r, db_conn *c, sj_err e, const char *field, const char *why,
	       const char *object_id, json_t *detail, int status, json_t *out);
/* app_retry_after adds Retry-After: seconds to a rate-limit refusal (e is
 * SJ_ELIMIT; nothing otherwise); the problem still goes out without it when
 * the header cannot be added. */
void app_retry_after(http_req *r, sj_err e, int64_t seconds);
/* app_base_url writes into out (n bytes) and returns the base of the links a
 * printed document carries (its QR code): the configured public URL (then
 * returned as is, out unused), else this server as the browser reached it
 * (a station: http://<Host>, a Host with quotes, brackets, spaces or slashes
 * refused for 127.0.0.1). */
const char *app_base_url(app *a, http_req *r, char *out, size_t n);
/* app_reply_html is app_reply for a printable document: html (a buf the
 * caller initialised; freed here) is sent as text/html on success. */
struct buf;
void app_reply_html(app *a, http_req *r, db_conn *c, sj_err e, const char *why, const char *object_id,
		    struct buf *html);
/* app_reply_doc is app_reply_html for a document of another content type
 * (the CBEFF XML a MOSIP ABIS fetches). */
void app_reply_doc(app *a, http_req *r, db_conn *c, sj_err e, const char *why, const char *object_id,
		   struct buf *html, const char *content_type);
/* app_read_fn is a capability that reads the object the route's {id} names,
 * for the actor: SJ_OK with *out (a new reference), or an error and *why (a
 * reason code, static). */
typedef sj_err (*app_read_fn)(db_conn *c, const sj_actor *who, const char *id, json_t **out, const char **why);
/* app_update_fn is a capability that changes {id} by patch (the validated
 * body, borrowed): as app_read_fn otherwise. */
typedef sj_err (*app_update_fn)(db_conn *c, const sj_actor *who, const char *id, json_t *patch, json_t **out,
				const char **why);
/* app_serve_read is the whole handler of a route that reads {id}: actor →
 * app_begin_read_or_reply → fn → app_reply (200, audited object {id}). */
void app_serve_read(app *a, http_req *r, const auth_user *u, app_read_fn fn);
/* app_serve_update is the whole handler of a PATCH of {id}: actor → begin
 * (DB_WRITE) → fn → app_reply (200, audited object {id}, the body as detail:
 * only the members its patch description allows ever reach fn). */
void app_serve_update(app *a, http_req *r, const auth_user *u, app_update_fn fn);
/* app_scope_fn reads what the actor's scope holds (no {id}): as app_read_fn. */
typedef sj_err (*app_scope_fn)(db_conn *c, const sj_actor *who, json_t **out);
/* app_serve_scope is the whole handler of such a read: actor →
 * app_begin_read_or_reply → fn → app_reply (200, audited on the actor's unit). */
void app_serve_scope(app *a, http_req *r, const auth_user *u, app_scope_fn fn);
/* Lost updates (etag.c, issue 10 item 7). app_etag writes the quoted ETag of
 * obj as record d reads it: a hash of its id, E columns and EDIT members.
 * app_serve_read_tagged is app_serve_read with the ETag on the answer;
 * app_serve_update_matched is app_serve_update that reads the copy first
 * (read) and, once update passed its own rules, requires If-Match equal to
 * that copy's ETag: missing 428 "if-match-required", different 412
 * "stale-copy" with the record as it is now ("current"); either rolls the
 * edit back and is audited as refused. The new ETag goes on a success. */
#define APP_ETAG_MAX 40
void app_etag(const rec_desc *d, json_t *obj, char out[APP_ETAG_MAX]);
void app_serve_read_tagged(app *a, http_req *r, const auth_user *u, app_read_fn fn);
void app_serve_update_matched(app *a, http_req *r, const auth_user *u, app_read_fn read, app_update_fn update);
/* app_fail_why answers the problem for e with reason code why (see app_reply). */
void app_fail_why(http_req *r, sj_err e, const char *field, const char *why);

/* --- idempotency keys (idempotency.c, docs/internals/idem.md) ---
 * A write (POST/PUT/PATCH/DELETE) by an authenticated caller may carry
 * `Idempotency-Key`; its result is stored with the write, before COMMIT, and
 * a retry with the same key by the same user and the same request gets that
 * result again (status and body, header Idempotency-Replayed: true), never a
 * second write. Handlers that end with app_reply take part by themselves; a
 * handler that does not opts in by ending with app_finish_reply (or
 * app_finish_reply_as) instead of app_finish + http_reply_json. Without
 * either, a key is checked and looked up but its result is not kept. */
typedef struct app_idem {
	bool active;                   /* a valid key on a write, not yet answered */
	char key[IDEM_KEY_MAX + 1];
	char fp[IDEM_FP_LEN + 1];
	char user_id[ID_LEN + 1];
} app_idem;
/* app_idem_check_or_reply (dispatch, before the handler) reads the header
 * into *st (owned by the caller, live until the request ends) and hangs it on
 * r. Returns false after answering: 400 idempotency-key-invalid, 422
 * idempotency-key-reused (same key, other request), or the stored result. */
bool app_idem_check_or_reply(app *a, http_req *r, const auth_user *u, app_idem *st);
/* app_idem_replay_in_tx looks the request's key up inside c's fresh write
 * transaction: when found, rolls back, releases c, answers (replay or 422)
 * and returns true. false (c untouched) without a key or an entry. */
bool app_idem_replay_in_tx(app *a, http_req *r, db_conn *c);
/* app_idem_replay_after_failure: after a failed unit of work (already rolled
 * back), answers the result a concurrent twin with the same key committed, if
 * any (true); false: answer the failure. */
bool app_idem_replay_after_failure(app *a, http_req *r);
/* app_finish_reply ends a unit of work on c like app_finish, then answers
 * status with out (stolen; NULL sends {}); with a key, the exact bytes sent
 * are stored with the write before COMMIT. For a handler that does not end
 * with app_reply (which calls it). _as names the audit action and object id
 * that a replay's audit entry repeats (NULL: "idempotency.replay"). */
void app_finish_reply(app *a, http_req *r, db_conn *c, sj_err e, int status, json_t *out);
void app_finish_reply_as(app *a, http_req *r, db_conn *c, sj_err e, const char *action, const char *object_id,
			 int status, json_t *out);

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
void api_me_totp_replace(app *a, http_req *r, auth_user *u);
void api_user_totp_reset(app *a, http_req *r, auth_user *u);
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

/* Complaints (api_complaints.c), cases and their persons (api_cases.c),
 * PVs (api_pvs.c), custody (api_custody.c), seizures (api_seizures.c),
 * referral (api_referrals.c), reference data and units (api_refdata.c). */
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
void api_case_withdraw_offence(app *a, http_req *r, auth_user *u);
void api_users_rank(app *a, http_req *r, auth_user *u);
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
/* OPJ sealing keys (api_seals.c) */
void api_opj_key_enrol(app *a, http_req *r, auth_user *u);
void api_opj_key_revoke(app *a, http_req *r, auth_user *u);

/* finding records again, corrections (api_ui.c) */
void api_find(app *a, http_req *r, auth_user *u);
void api_case_person_remove(app *a, http_req *r, auth_user *u);
void api_case_protection_add(app *a, http_req *r, auth_user *u);
void api_proc_minor_officers(app *a, http_req *r, auth_user *u);
void api_case_protection_reveal(app *a, http_req *r, auth_user *u);
void api_referral_competent(app *a, http_req *r, auth_user *u);

/* search and registers (api_search.c, api_registers.c) */
void api_persons_search(app *a, http_req *r, auth_user *u);
void api_person_duplicates(app *a, http_req *r, auth_user *u);
void api_person_merge(app *a, http_req *r, auth_user *u);
void api_person_unmerge(app *a, http_req *r, auth_user *u);
void api_cases_fulltext(app *a, http_req *r, auth_user *u);
void api_audit_flags(app *a, http_req *r, auth_user *u);
void api_register_create(app *a, http_req *r, auth_user *u);
void api_register_list(app *a, http_req *r, auth_user *u);
void api_register_status(app *a, http_req *r, auth_user *u);
void api_check(app *a, http_req *r, auth_user *u);
void api_notifications(app *a, http_req *r, auth_user *u);
void api_notification_read(app *a, http_req *r, auth_user *u);

/* the front desk (api_desk.c) */
void api_declaration_create(app *a, http_req *r, auth_user *u);
void api_declaration_get(app *a, http_req *r, auth_user *u);
void api_declaration_receipt(app *a, http_req *r, auth_user *u);
void api_declaration_found(app *a, http_req *r, auth_user *u);
void api_declaration_complaint(app *a, http_req *r, auth_user *u);
void api_declaration_cancel(app *a, http_req *r, auth_user *u);
void api_residence_revoke(app *a, http_req *r, auth_user *u);
void api_residence_create(app *a, http_req *r, auth_user *u);
void api_residence_get(app *a, http_req *r, auth_user *u);
void api_residence_check(app *a, http_req *r, auth_user *u);
void api_residence_decide(app *a, http_req *r, auth_user *u);
void api_residence_handover(app *a, http_req *r, auth_user *u);
void api_residence_print(app *a, http_req *r, auth_user *u);
void api_desk_today(app *a, http_req *r, auth_user *u);
void api_desk_communes(app *a, http_req *r, auth_user *u);
void api_verify(app *a, http_req *r, auth_user *u);

/* the rest of judicial police procedure (api_procedure.c, issue 17) */
void api_proc_avis(app *a, http_req *r, auth_user *u);
void api_proc_instruction(app *a, http_req *r, auth_user *u);
void api_proc_execution(app *a, http_req *r, auth_user *u);
void api_proc_case(app *a, http_req *r, auth_user *u);
void api_proc_summons(app *a, http_req *r, auth_user *u);
void api_proc_summons_outcome(app *a, http_req *r, auth_user *u);
void api_proc_rights(app *a, http_req *r, auth_user *u);
void api_proc_session(app *a, http_req *r, auth_user *u);
void api_proc_register_entry(app *a, http_req *r, auth_user *u);
void api_proc_register_html(app *a, http_req *r, auth_user *u);
void api_proc_courante(app *a, http_req *r, auth_user *u);
void api_proc_courante_add(app *a, http_req *r, auth_user *u);
void api_proc_courante_seal(app *a, http_req *r, auth_user *u);
void api_proc_courante_html(app *a, http_req *r, auth_user *u);
void api_proc_retention_run(app *a, http_req *r, auth_user *u);
void api_proc_grounds(app *a, http_req *r, auth_user *u);
void api_proc_visa(app *a, http_req *r, auth_user *u);
void api_proc_minor_officer(app *a, http_req *r, auth_user *u);
void api_proc_person_retention(app *a, http_req *r, auth_user *u);
void api_seizure_fate(app *a, http_req *r, auth_user *u);
/* the mobile CNIE enrolment units (api_mobile.c, issue 14) */
void api_mob_tour_create(app *a, http_req *r, auth_user *u);
void api_mob_tour_get(app *a, http_req *r, auth_user *u);
void api_mob_tours(app *a, http_req *r, auth_user *u);
void api_mob_booking(app *a, http_req *r, auth_user *u);
void api_mob_schedule(app *a, http_req *r, auth_user *u);
void api_mob_device_create(app *a, http_req *r, auth_user *u);
void api_mob_devices(app *a, http_req *r, auth_user *u);
void api_mob_enrol(app *a, http_req *r, auth_user *u);
void api_mob_enrolment_get(app *a, http_req *r, auth_user *u);
void api_mob_captures(app *a, http_req *r, auth_user *u);
void api_mob_operator_print(app *a, http_req *r, auth_user *u);
void api_mob_signoff(app *a, http_req *r, auth_user *u);
void api_mob_receipt(app *a, http_req *r, auth_user *u);
void api_mob_review_list(app *a, http_req *r, auth_user *u);
void api_mob_review(app *a, http_req *r, auth_user *u);
void api_mob_validate(app *a, http_req *r, auth_user *u);
void api_mob_received(app *a, http_req *r, auth_user *u);
void api_mob_received_status(app *a, http_req *r, auth_user *u);
void api_mob_adjudicate(app *a, http_req *r, auth_user *u);
void api_mob_handover(app *a, http_req *r, auth_user *u);
void api_mob_public_status(app *a, http_req *r, auth_user *u);
void api_mob_figures(app *a, http_req *r, auth_user *u);
void api_mob_abis_cbeff(app *a, http_req *r, auth_user *u);

/* security communication (api_comms.c, issue 15) */
void api_comms_link_create(app *a, http_req *r, auth_user *u);
void api_comms_link_list(app *a, http_req *r, auth_user *u);
void api_comms_activity_create(app *a, http_req *r, auth_user *u);
void api_comms_activity_list(app *a, http_req *r, auth_user *u);
void api_comms_activity_get(app *a, http_req *r, auth_user *u);
void api_comms_activity_update(app *a, http_req *r, auth_user *u);
void api_comms_activity_review(app *a, http_req *r, auth_user *u);
void api_comms_activity_pii(app *a, http_req *r, auth_user *u);
void api_comms_activity_approve(app *a, http_req *r, auth_user *u);
void api_comms_activity_publish(app *a, http_req *r, auth_user *u);
void api_comms_activity_cancel(app *a, http_req *r, auth_user *u);
void api_comms_activity_correct(app *a, http_req *r, auth_user *u);
void api_comms_activity_print(app *a, http_req *r, auth_user *u);
void api_comms_register_import(app *a, http_req *r, auth_user *u);
void api_comms_engagement_list(app *a, http_req *r, auth_user *u);
void api_comms_engagement_add(app *a, http_req *r, auth_user *u);
void api_comms_engagement_import(app *a, http_req *r, auth_user *u);
void api_comms_claim_create(app *a, http_req *r, auth_user *u);
void api_comms_claim_list(app *a, http_req *r, auth_user *u);
void api_comms_claim_get(app *a, http_req *r, auth_user *u);
void api_comms_claim_status(app *a, http_req *r, auth_user *u);
void api_comms_claim_duplicate(app *a, http_req *r, auth_user *u);
void api_comms_claim_archive(app *a, http_req *r, auth_user *u);
void api_comms_claim_review(app *a, http_req *r, auth_user *u);
void api_comms_crisis_create(app *a, http_req *r, auth_user *u);
void api_comms_crisis_list(app *a, http_req *r, auth_user *u);
void api_comms_crisis_board(app *a, http_req *r, auth_user *u);
void api_comms_crisis_close(app *a, http_req *r, auth_user *u);
void api_comms_file_get(app *a, http_req *r, auth_user *u);
void api_comms_event_create(app *a, http_req *r, auth_user *u);
void api_comms_event_list(app *a, http_req *r, auth_user *u);
void api_comms_event_get(app *a, http_req *r, auth_user *u);
void api_comms_event_update(app *a, http_req *r, auth_user *u);
void api_comms_event_media(app *a, http_req *r, auth_user *u);
void api_comms_bilan(app *a, http_req *r, auth_user *u);
/* statistics and the annual report (api_stats.c, issue 16) */
void api_stats_figures(app *a, http_req *r, auth_user *u);
void api_stats_records(app *a, http_req *r, auth_user *u);
void api_stats_report(app *a, http_req *r, auth_user *u);
void api_stats_export(app *a, http_req *r, auth_user *u);
void api_stats_quality(app *a, http_req *r, auth_user *u);
void api_stats_publish(app *a, http_req *r, auth_user *u);
void api_stats_publication(app *a, http_req *r, auth_user *u);
/* database settings (api_settings.c) */
void api_settings_list(app *a, http_req *r, auth_user *u);
void api_settings_put(app *a, http_req *r, auth_user *u);
/* the exchange with central (api_exchange.c) */
void api_exchange_enrol(app *a, http_req *r, auth_user *u);
void api_exchange_batch(app *a, http_req *r, auth_user *u);
void api_exchange_status(app *a, http_req *r, auth_user *u);
void api_exchange_digest(app *a, http_req *r, auth_user *u);
void api_exchange_pull(app *a, http_req *r, auth_user *u);
void api_exchange_lookup(app *a, http_req *r, auth_user *u);

#endif
