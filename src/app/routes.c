/* routes.c — every route and the roles that may call it. This table is the
 * authorisation rule table: a route with roles = 0 answers 403 to everyone,
 * and tests enumerate it (GET /api/v1/openapi.json lists it with x-roles).
 * Unit scope (own unit and below; national roles read all) is enforced by the
 * capability behind each handler. */
#include "app/app.h"
#include "comms/comms.h"
#include "settings/settings.h"
#include "cases/cases.h"
#include "cases/complaint.h"
#include "cases/custody.h"
#include "cases/pv.h"
#include "cases/referral.h"
#include "cases/seal.h"
#include "cases/seizure.h"
#include "desk/desk.h"
#include "exchange/exchange.h"
#include "lookup/lookup.h"
#include "org/units.h"
#include "persons/persons.h"
#include "refdata/refdata.h"
#include "registers/registers.h"

/* ROUTE(method, pattern, roles, flags, handler, summary, tag, ...): the
 * trailing designated members describe the rest of the row once — .body and
 * .body_op (the request record, checked by dispatch), .reply (the response
 * record), .action and .object (the audit entry app_reply writes). */
#define ROUTE(m, p, r, fl, fn_, sum, tg, ...) \
	{.method = (m), .pattern = (p), .roles = (r), .flags = (fl), .fn = (fn_), .summary = (sum), .tag = (tg), \
	 __VA_ARGS__}

/* Shorthands for the rest of a row: a body checked as a creation (or as a
 * patch), its answer, and the audit entry. */
#define BODY(d) .body = &(d), .body_op = REC_CREATE
#define PATCH_BODY(d) .body = &(d), .body_op = REC_PATCH
#define REPLY(d) .reply = &(d)
#define AUDIT(act, obj) .action = (act), .object = (obj)

/* HUMANS: who reads case, person and register data — every human role but
 * communication (issue 15: they see case data only through a case officer's
 * link). Routes every human needs (the session, the units) name ROLES_HUMAN. */
#define HUMANS ROLES_CASE_READERS
/* REFERENCE: reference data (no personal data) — the case readers and the
 * auditor, whose pages name offences and rules. VIA: a record an auditor
 * reads through the audit entry that names it (issue 10 item 12). */
#define REFERENCE (ROLES_CASE_READERS | ROLE_AUDITOR)
#define VIA (ROLES_CASE_READERS | ROLE_AUDITOR)
#define ANYONE ROLES_ALL
#define WRITERS ROLES_UNIT_WRITERS

const route app_routes[] = {
	/* operations */
	ROUTE("GET", "/healthz", 0, ROUTE_PUBLIC, api_healthz, "Liveness and database check", "operations"),
	ROUTE("GET", "/metrics", ROLE_ADMIN | ROLE_MONITOR, 0, api_metrics, "Prometheus metrics", "operations"),
	ROUTE("GET", "/api/v1/openapi.json", 0, ROUTE_PUBLIC, api_openapi, "This API description", "operations"),
	ROUTE("POST", "/api/v1/test/clock", ROLE_ADMIN, ROUTE_TEST_ONLY, api_test_clock,
	      "Move the server clock (test servers only)", "operations", BODY(app_test_clock_rec),
	      REPLY(app_test_clock_rec), AUDIT("test.clock", NULL)),

	/* the exchange with central (api_exchange.c): a node is authenticated by its
	 * one-time code, then by its pinned Ed25519 key (each batch is signed) */
	ROUTE("POST", "/api/v1/exchange/enrol", 0, ROUTE_PUBLIC, api_exchange_enrol,
	      "A node enrols with its one-time code and public key", "exchange", BODY(xchg_enrol_rec),
	      REPLY(xchg_enrol_rec), AUDIT("exchange.enrol", "node")),
	ROUTE("POST", "/api/v1/exchange/batches", 0, ROUTE_PUBLIC, api_exchange_batch,
	      "A node pushes a signed batch of its changes", "exchange", BODY(xchg_batch_rec), REPLY(xchg_ack_rec),
	      AUDIT("exchange.batch", "node")),
	ROUTE("GET", "/api/v1/exchange/status", ROLE_ADMIN | ROLE_MONITOR, 0, api_exchange_status,
	      "The exchange with central: per node at central, or this node's", "exchange", REPLY(xchg_status_rec)),
	ROUTE("GET", "/api/v1/exchange/nodes/{id}/digest", ROLE_ADMIN, 0, api_exchange_digest,
	      "Per-table digests of what central holds of a node (self: this node's acknowledged rows)", "exchange",
	      REPLY(xchg_digest_rec)),

	/* sessions and the caller (auth_login audits each attempt itself) */
	ROUTE("POST", "/api/v1/session", 0, ROUTE_PUBLIC, api_login, "Log in with badge and password", "session",
	      BODY(auth_login_rec), REPLY(auth_session_rec), AUDIT("session.login", "user")),
	ROUTE("DELETE", "/api/v1/session", ANYONE, ROUTE_MFA_ENROL, api_logout, "Log out (revoke this session)",
	      "session", AUDIT("session.logout", "user")),
	ROUTE("GET", "/api/v1/me", ANYONE, ROUTE_MFA_ENROL, api_me, "Who am I", "session", REPLY(auth_me_rec)),
	ROUTE("POST", "/api/v1/me/totp", ROLES_HUMAN, ROUTE_MFA_ENROL, api_me_totp_setup,
	      "Set up a TOTP authenticator (secret shown once)", "session", REPLY(auth_totp_setup_rec),
	      AUDIT("user.totp.setup", "user")),
	ROUTE("POST", "/api/v1/me/totp/confirm", ROLES_HUMAN, ROUTE_MFA_ENROL, api_me_totp_confirm,
	      "Confirm the authenticator with a code; enables the second factor", "session",
	      BODY(auth_totp_confirm_rec), REPLY(auth_totp_confirm_rec), AUDIT("user.totp.confirm", "user")),
	ROUTE("POST", "/api/v1/me/totp/replace", ROLES_HUMAN, 0, api_me_totp_replace,
	      "Replace my authenticator: the current code is required (then confirm the new one)", "session",
	      BODY(auth_totp_replace_rec), REPLY(auth_totp_setup_rec), AUDIT("user.totp.replace", "user")),
	ROUTE("PUT", "/api/v1/me/password", ROLES_HUMAN, 0, api_me_password, "Change my password", "session",
	      BODY(auth_password_rec), AUDIT("user.password", "user")),
	ROUTE("PUT", "/api/v1/me/lang", ROLES_HUMAN, 0, api_me_lang, "Set my interface language", "session",
	      BODY(auth_lang_rec), REPLY(auth_lang_rec), AUDIT("user.lang", "user")),

	/* national search and central registers (api_search.c, api_registers.c);
	 * before any /persons/{id} route so "search" is not read as an id */
	/* the auditor finds whom entries are about by name or CIN (the audit
	 * page's "who looked at this person"): purpose-bound and audited */
	ROUTE("GET", "/api/v1/persons/search", HUMANS | ROLE_AUDITOR, 0, api_persons_search,
	      "National person search across Arabic and Latin spellings (purpose required)", "search",
	      REPLY(lookup_persons_rec), AUDIT("person.search", "search")),
	ROUTE("GET", "/api/v1/persons/{id}/duplicates", ROLE_ADMIN | ROLE_CHIEF, 0, api_person_duplicates,
	      "Candidate duplicates of a person, with reasons", "search", REPLY(person_duplicates_rec),
	      AUDIT("person.duplicates", "person")),
	ROUTE("POST", "/api/v1/persons/merges", ROLE_ADMIN | ROLE_CHIEF, 0, api_person_merge,
	      "Merge two records of one person (history kept)", "search", BODY(person_merge_rec),
	      REPLY(person_merge_rec), AUDIT("person.merge", "person")),
	ROUTE("POST", "/api/v1/persons/merges/{id}/undo", ROLE_ADMIN | ROLE_CHIEF, 0, api_person_unmerge,
	      "Undo a merge", "search", BODY(person_unmerge_rec), REPLY(person_merge_rec),
	      AUDIT("person.unmerge", "merge")),
	ROUTE("GET", "/api/v1/search/cases", HUMANS, 0, api_cases_fulltext,
	      "Full-text search of case summaries and PVs in my scope (purpose required)", "search",
	      REPLY(lookup_cases_rec), AUDIT("case.fulltext", "search")),
	ROUTE("GET", "/api/v1/registers/wanted", HUMANS, 0, api_register_list, "Wanted notices (national)", "registers",
	      REPLY(reg_list_rec), AUDIT("register.wanted.list", "wanted")),
	ROUTE("POST", "/api/v1/registers/wanted", ROLE_ADMIN | ROLES_UNIT_WRITERS, 0, api_register_create,
	      "Issue a wanted notice (home unit)", "registers", BODY(reg_wanted_rec), REPLY(reg_wanted_rec),
	      AUDIT("register.wanted.create", "wanted")),
	ROUTE("PATCH", "/api/v1/registers/wanted/{id}", ROLE_ADMIN | ROLES_UNIT_WRITERS, 0, api_register_status,
	      "Execute or cancel a wanted notice (home unit)", "registers", BODY(reg_wanted_status_rec),
	      REPLY(reg_wanted_rec), AUDIT("register.wanted.status", "wanted")),
	ROUTE("GET", "/api/v1/registers/vehicles", HUMANS, 0, api_register_list, "Stolen vehicles (national)",
	      "registers", REPLY(reg_list_rec), AUDIT("register.vehicle.list", "vehicle")),
	ROUTE("POST", "/api/v1/registers/vehicles", ROLE_ADMIN | ROLES_UNIT_WRITERS, 0, api_register_create,
	      "Report a stolen vehicle (home unit)", "registers", BODY(reg_vehicle_rec), REPLY(reg_vehicle_rec),
	      AUDIT("register.vehicle.create", "vehicle")),
	ROUTE("PATCH", "/api/v1/registers/vehicles/{id}", ROLE_ADMIN | ROLES_UNIT_WRITERS, 0, api_register_status,
	      "Recover or cancel a stolen vehicle (home unit)", "registers", BODY(reg_vehicle_status_rec),
	      REPLY(reg_vehicle_rec), AUDIT("register.vehicle.status", "vehicle")),
	ROUTE("GET", "/api/v1/registers/documents", HUMANS, 0, api_register_list,
	      "Lost and stolen documents (national)", "registers", REPLY(reg_list_rec),
	      AUDIT("register.document.list", "document")),
	ROUTE("POST", "/api/v1/registers/documents", ROLE_ADMIN | ROLES_UNIT_WRITERS, 0, api_register_create,
	      "Declare a lost or stolen document (home unit)", "registers", BODY(reg_document_rec),
	      REPLY(reg_document_rec), AUDIT("register.document.create", "document")),
	ROUTE("PATCH", "/api/v1/registers/documents/{id}", ROLE_ADMIN | ROLES_UNIT_WRITERS, 0, api_register_status,
	      "Mark a document found or cancel (home unit)", "registers", BODY(reg_document_status_rec),
	      REPLY(reg_document_rec), AUDIT("register.document.status", "document")),
	ROUTE("GET", "/api/v1/registers/phones", HUMANS, 0, api_register_list, "Lost and stolen phones (national)",
	      "registers", REPLY(reg_list_rec), AUDIT("register.phone.list", "phone")),
	ROUTE("POST", "/api/v1/registers/phones", ROLE_ADMIN | ROLES_UNIT_WRITERS, 0, api_register_create,
	      "Declare a lost or stolen phone by its IMEI (home unit)", "registers", BODY(reg_phone_rec),
	      REPLY(reg_phone_rec), AUDIT("register.phone.create", "phone")),
	ROUTE("PATCH", "/api/v1/registers/phones/{id}", ROLE_ADMIN | ROLES_UNIT_WRITERS, 0, api_register_status,
	      "Mark a phone found or cancel (home unit)", "registers", BODY(reg_phone_status_rec), REPLY(reg_phone_rec),
	      AUDIT("register.phone.status", "phone")),
	ROUTE("POST", "/api/v1/check", HUMANS, 0, api_check,
	      "Check a person, plate, VIN or document against the registers (hits as alerts)", "registers",
	      BODY(reg_check_rec), REPLY(reg_check_reply_rec), AUDIT("register.check", "check")),
	ROUTE("GET", "/api/v1/notifications", HUMANS, 0, api_notifications, "My unit's notifications (hits)",
	      "registers", REPLY(reg_notifications_rec), AUDIT("notification.list", "unit")),
	ROUTE("POST", "/api/v1/notifications/{id}/read", WRITERS, 0, api_notification_read,
	      "Mark a notification of my unit as read (first reader kept)", "registers", REPLY(reg_notification_rec),
	      AUDIT("notification.read", "notification")),
	ROUTE("GET", "/api/v1/audit/flags", ROLE_AUDITOR, 0, api_audit_flags, "Users with unusual look-up volumes",
	      "audit", REPLY(lookup_flags_rec), AUDIT("audit.flags", NULL)),

	/* the front desk: declarations, residence certificates, the public verification */
	ROUTE("POST", "/api/v1/declarations", WRITERS, 0, api_declaration_create,
	      "Record a declaration of loss or theft (receipt number; registers fed)", "desk",
	      BODY(desk_declaration_rec), REPLY(desk_declaration_rec), AUDIT("declaration.create", "declaration")),
	ROUTE("GET", "/api/v1/declarations/{id}", HUMANS, 0, api_declaration_get, "Read a declaration", "desk",
	      REPLY(desk_declaration_rec), AUDIT("declaration.read", "declaration")),
	ROUTE("GET", "/api/v1/declarations/{id}/receipt", HUMANS, 0, api_declaration_receipt,
	      "Print or reprint a declaration's bilingual receipt (HTML)", "desk",
	      AUDIT("declaration.receipt", "declaration")),
	ROUTE("POST", "/api/v1/declarations/found", WRITERS, 0, api_declaration_found,
	      "An item of a declaration was found (closes its register entry, notifies the declaring unit)", "desk",
	      BODY(desk_found_rec), REPLY(desk_found_rec), AUDIT("declaration.found", "declaration")),
	ROUTE("POST", "/api/v1/declarations/{id}/complaint", WRITERS, 0, api_declaration_complaint,
	      "Turn a theft declaration into a complaint and its case", "desk", BODY(desk_complaint_rec),
	      REPLY(desk_declaration_rec), AUDIT("declaration.complaint", "declaration")),
	ROUTE("POST", "/api/v1/residence-certificates", WRITERS, 0, api_residence_create,
	      "Request a residence certificate", "desk", BODY(desk_residence_rec), REPLY(desk_residence_rec),
	      AUDIT("residence.request", "residence_certificate")),
	ROUTE("GET", "/api/v1/residence-certificates/{id}", HUMANS, 0, api_residence_get,
	      "Read a residence certificate", "desk", REPLY(desk_residence_rec),
	      AUDIT("residence.read", "residence_certificate")),
	ROUTE("POST", "/api/v1/residence-certificates/{id}/check", WRITERS, 0, api_residence_check,
	      "Record the check of a residence (visit or verification)", "desk", BODY(desk_residence_check_rec),
	      REPLY(desk_residence_rec), AUDIT("residence.check", "residence_certificate")),
	ROUTE("POST", "/api/v1/residence-certificates/{id}/decision", WRITERS, 0, api_residence_decide,
	      "Issue (serial number, validity) or refuse a residence certificate", "desk",
	      BODY(desk_residence_decision_rec), REPLY(desk_residence_rec),
	      AUDIT("residence.decision", "residence_certificate")),
	ROUTE("POST", "/api/v1/residence-certificates/{id}/handover", WRITERS, 0, api_residence_handover,
	      "Hand an issued certificate over to the applicant", "desk", REPLY(desk_residence_rec),
	      AUDIT("residence.handover", "residence_certificate")),
	ROUTE("GET", "/api/v1/residence-certificates/{id}/print", HUMANS, 0, api_residence_print,
	      "Print an issued residence certificate (HTML, Arabic and French, QR code)", "desk",
	      AUDIT("residence.print", "residence_certificate")),
	ROUTE("GET", "/api/v1/desk/today", HUMANS, 0, api_desk_today,
	      "The desk's day: today's declarations, certificates to check and to hand over", "desk",
	      REPLY(desk_today_rec), AUDIT("desk.today", "unit")),
	ROUTE("GET", "/api/v1/desk/communes", REFERENCE, 0, api_desk_communes, "The communes (reference data)", "desk",
	      REPLY(desk_communes_rec)),
	ROUTE("GET", "/api/v1/verify/{number}", 0, ROUTE_PUBLIC | ROUTE_ANONYMOUS, api_verify,
	      "Public verification of a receipt or certificate by its number and code (?c=): no personal data",
	      "desk", REPLY(desk_verify_rec), AUDIT("desk.verify", "desk_document")),

	/* administration */
	ROUTE("GET", "/api/v1/users", ROLE_ADMIN | ROLE_CHIEF, 0, api_users_list, "List users in my scope",
	      "administration", REPLY(auth_users_rec), AUDIT("user.list", "unit")),
	ROUTE("POST", "/api/v1/users", ROLE_ADMIN, 0, api_users_create, "Create a user", "administration",
	      BODY(auth_user_create_rec), REPLY(auth_user_rec), AUDIT("user.create", "user")),
	ROUTE("PUT", "/api/v1/users/{badge}/rank", ROLE_ADMIN, 0, api_users_rank,
	      "Record a user's rank and OPJ status (by law, or granted with date and reference; CPP 20)",
	      "administration", BODY(auth_user_rank_rec), REPLY(auth_user_rec), AUDIT("user.rank", "user")),
	ROUTE("PATCH", "/api/v1/users/{badge}", ROLE_ADMIN, 0, api_users_update, "Enable, disable or reset a user",
	      "administration", BODY(auth_user_status_rec), REPLY(auth_user_rec), AUDIT("user.status", "user")),
	ROUTE("POST", "/api/v1/users/{badge}/totp/reset", ROLE_ADMIN, 0, api_user_totp_reset,
	      "Remove a user's second factor (audited with a reason; the user enrols again)", "administration",
	      BODY(auth_totp_reset_rec), REPLY(auth_totp_reset_rec), AUDIT("user.totp.reset", "user")),
	ROUTE("POST", "/api/v1/users/{badge}/opj-key", ROLE_ADMIN, 0, api_opj_key_enrol,
	      "Enrol an OPJ's sealing key (bound to the user by the node key)", "administration", REPLY(seal_key_rec),
	      AUDIT("opj-key.enrol", "user")),
	ROUTE("POST", "/api/v1/users/{badge}/opj-key/revoke", ROLE_ADMIN, 0, api_opj_key_revoke,
	      "Revoke an OPJ's sealing key (seals made before stay valid)", "administration", BODY(seal_revoke_rec),
	      REPLY(seal_key_rec), AUDIT("opj-key.revoke", "user")),
	ROUTE("GET", "/api/v1/units", ROLES_HUMAN, 0, api_units_list, "The organisation's units", "administration",
	      REPLY(unit_list_rec)),
	ROUTE("GET", "/api/v1/settings", ROLE_ADMIN, 0, api_settings_list,
	      "The database settings: value, default, range, unit", "administration", REPLY(settings_list_rec)),
	ROUTE("PUT", "/api/v1/settings/{key}", ROLE_ADMIN, 0, api_settings_put,
	      "Change a database setting (audited with old and new value)", "administration",
	      BODY(settings_put_rec), REPLY(settings_item_rec), AUDIT("settings.change", "setting")),

	/* audit */
	ROUTE("GET", "/api/v1/audit", ROLE_AUDITOR, 0, api_audit_list, "Query the audit log", "audit",
	      AUDIT("audit.query", NULL)),
	ROUTE("GET", "/api/v1/audit/verify", ROLE_AUDITOR, 0, api_audit_verify, "Verify the audit chain", "audit",
	      AUDIT("audit.verify", NULL)),

	/* reference data (legal rules as data; not personal data: not audited) */
	ROUTE("GET", "/api/v1/offences", REFERENCE, 0, api_offences_list, "The offence catalogue (current version)",
	      "reference", REPLY(ref_lists_rec)),
	ROUTE("GET", "/api/v1/custody-rules", REFERENCE, 0, api_custody_rules_list, "Custody rules with effective dates",
	      "reference", REPLY(ref_lists_rec)),
	ROUTE("GET", "/api/v1/prosecution-offices", REFERENCE, 0, api_prosecution_list,
	      "Prosecution offices and the units they serve", "reference", REPLY(ref_lists_rec)),

	/* complaints and cases: unit writers in their unit and below; national roles read */
	ROUTE("POST", "/api/v1/complaints", WRITERS, 0, api_complaint_create, "Record a complaint (receipt number)",
	      "cases", BODY(complaint_rec), REPLY(complaint_rec), AUDIT("complaint.create", "complaint")),
	ROUTE("GET", "/api/v1/complaints", HUMANS, 0, api_complaint_list, "List complaints in my scope", "cases",
	      REPLY(complaint_list_rec), AUDIT("complaint.list", "unit")),
	ROUTE("GET", "/api/v1/complaints/{id}", HUMANS, 0, api_complaint_get, "Read a complaint", "cases",
	      REPLY(complaint_rec), AUDIT("complaint.read", "complaint")),
	ROUTE("POST", "/api/v1/complaints/{id}/disposition", WRITERS, 0, api_complaint_dispose,
	      "Attach, refer elsewhere or close a complaint with a reason", "cases", BODY(complaint_disposition_rec),
	      REPLY(complaint_rec), AUDIT("complaint.dispose", "complaint")),
	ROUTE("POST", "/api/v1/cases", WRITERS, 0, api_case_create, "Open a case (number UNIT/YEAR/SEQ)", "cases",
	      BODY(case_rec), REPLY(case_rec), AUDIT("case.create", "case")),
	ROUTE("GET", "/api/v1/cases", HUMANS, 0, api_case_list, "List cases in my scope", "cases", REPLY(case_list_rec),
	      AUDIT("case.list", "unit")),
	ROUTE("GET", "/api/v1/cases/{id}", VIA, ROUTE_AUDIT_VIA, api_case_get, "Read a whole case", "cases", REPLY(case_rec),
	      AUDIT("case.read", "case")),
	ROUTE("PATCH", "/api/v1/cases/{id}", WRITERS, 0, api_case_update, "Edit an open case's description", "cases",
	      PATCH_BODY(case_rec), REPLY(case_rec), AUDIT("case.update", "case")),
	ROUTE("GET", "/api/v1/cases/{id}/history", VIA, ROUTE_AUDIT_VIA, api_case_history, "A case's history", "cases",
	      REPLY(case_history_rec), AUDIT("case.history", "case")),
	ROUTE("POST", "/api/v1/cases/{id}/offences", WRITERS, 0, api_case_add_offence, "Charge one more offence",
	      "cases", BODY(case_offence_rec), REPLY(case_rec), AUDIT("case.offence", "case")),
	ROUTE("POST", "/api/v1/cases/{id}/offences/{oid}/withdrawal", WRITERS, 0, api_case_withdraw_offence,
	      "Requalify: withdraw a charge, or replace it, with a reason", "cases", BODY(case_withdrawal_rec),
	      REPLY(case_rec), AUDIT("case.offence.withdraw", "case")),
	ROUTE("POST", "/api/v1/cases/{id}/status", WRITERS, 0, api_case_status, "Move a case along its legal statuses",
	      "cases", BODY(case_status_rec), REPLY(case_rec), AUDIT("case.status", "case")),
	ROUTE("PUT", "/api/v1/cases/{id}/assignee", ROLE_CHIEF, 0, api_case_assign, "Reassign a case to an OPJ",
	      "cases", BODY(case_assign_rec), REPLY(case_rec), AUDIT("case.assign", "case")),
	ROUTE("POST", "/api/v1/cases/{id}/persons", WRITERS, 0, api_case_person_add,
	      "Add a person to a case with a role", "cases", BODY(case_person_rec), REPLY(case_person_rec),
	      AUDIT("case.person", "person")),
	ROUTE("POST", "/api/v1/cases/{id}/persons/{pid}/removal", WRITERS, 0, api_case_person_remove,
	      "Remove a person (or one role) added to a case by mistake, with a reason kept in history", "cases",
	      BODY(case_person_removal_rec), REPLY(case_rec), AUDIT("case.person-removal", "person")),
	ROUTE("GET", "/api/v1/find", HUMANS, 0, api_find, "Find a case (number, words) or a complaint (receipt)",
	      "cases", REPLY(case_find_rec), AUDIT("find", "unit")),
	ROUTE("GET", "/api/v1/persons/{id}", VIA, ROUTE_AUDIT_VIA, api_person_get, "Read a person and their role-aware history",
	      "cases", REPLY(person_page_rec), AUDIT("person.read", "person")),

	/* PVs: drafted by writers, sealed by an OPJ only */
	ROUTE("POST", "/api/v1/cases/{id}/pvs", WRITERS, 0, api_pv_create, "Draft a PV (or a correction)", "pv",
	      BODY(pv_rec), REPLY(pv_rec), AUDIT("pv.create", "pv")),
	ROUTE("GET", "/api/v1/pvs/{id}", VIA, ROUTE_AUDIT_VIA, api_pv_get, "Read a PV and check its seal", "pv", REPLY(pv_rec),
	      AUDIT("pv.read", "pv")),
	ROUTE("PATCH", "/api/v1/pvs/{id}", WRITERS, 0, api_pv_update, "Edit a draft PV (a sealed one is 409)", "pv",
	      PATCH_BODY(pv_rec), REPLY(pv_rec), AUDIT("pv.update", "pv")),
	ROUTE("POST", "/api/v1/pvs/{id}/seal", WRITERS, ROUTE_OPJ, api_pv_seal, "Seal a PV (hash + OPJ signature)", "pv",
	      REPLY(pv_rec), AUDIT("pv.seal", "pv")),
	ROUTE("GET", "/api/v1/pvs/{id}/print", VIA, ROUTE_AUDIT_VIA, api_pv_print, "The PV printed as the legal document (HTML, ?lang=ar|fr)", "pv",
	      AUDIT("pv.print", "pv")),

	/* custody: opened, extended and closed by an OPJ */
	ROUTE("POST", "/api/v1/cases/{id}/custody", WRITERS, ROUTE_OPJ, api_custody_open, "Place a person in custody",
	      "custody", BODY(custody_rec), REPLY(custody_rec), AUDIT("custody.open", "custody")),
	ROUTE("GET", "/api/v1/custody/deadlines", HUMANS, 0, api_custody_deadlines,
	      "Open custodies, soonest deadline first", "custody", REPLY(custody_deadlines_rec),
	      AUDIT("custody.deadlines", "unit")),
	ROUTE("GET", "/api/v1/custody/{id}", HUMANS, 0, api_custody_get, "Read a custody", "custody", REPLY(custody_rec),
	      AUDIT("custody.read", "custody")),
	ROUTE("PATCH", "/api/v1/custody/{id}", WRITERS, 0, api_custody_update,
	      "Record family informed / lawyer contacted", "custody", BODY(custody_rights_rec), REPLY(custody_rec),
	      AUDIT("custody.update", "custody")),
	ROUTE("POST", "/api/v1/custody/{id}/extensions", WRITERS, ROUTE_OPJ, api_custody_extend,
	      "Extend a custody with the prosecutor's authorisation", "custody", BODY(custody_extension_rec),
	      REPLY(custody_rec), AUDIT("custody.extend", "custody")),
	ROUTE("POST", "/api/v1/custody/{id}/close", WRITERS, ROUTE_OPJ, api_custody_close,
	      "End a custody: release or presentation", "custody", BODY(custody_end_rec), REPLY(custody_rec),
	      AUDIT("custody.close", "custody")),
	ROUTE("GET", "/api/v1/units/{code}/custody-register", HUMANS, 0, api_custody_register,
	      "A unit's custody register", "custody", REPLY(custody_register_rec), AUDIT("custody.register", "unit")),
	ROUTE("GET", "/api/v1/units/{code}/custody-daily", HUMANS, 0, api_custody_daily,
	      "The daily list of persons held, for the prosecutor", "custody", REPLY(custody_daily_rec),
	      AUDIT("custody.daily", "unit")),
	ROUTE("GET", "/api/v1/units/{code}/custody-daily.html", HUMANS, 0, api_custody_daily_html,
	      "The daily list of persons held, printable (HTML)", "custody", AUDIT("custody.daily", "unit")),

	/* seizures and referral */
	ROUTE("POST", "/api/v1/cases/{id}/seizures", WRITERS, 0, api_seizure_create, "Record a seized item",
	      "seizures", BODY(seizure_rec), REPLY(seizure_rec), AUDIT("seizure.create", "seizure")),
	ROUTE("GET", "/api/v1/seizures/{id}", HUMANS, 0, api_seizure_get, "Read a seized item and its chain of custody",
	      "seizures", REPLY(seizure_rec), AUDIT("seizure.read", "seizure")),
	ROUTE("POST", "/api/v1/seizures/{id}/transfers", WRITERS, 0, api_seizure_transfer, "Transfer a seized item",
	      "seizures", BODY(seizure_transfer_rec), REPLY(seizure_rec), AUDIT("seizure.transfer", "seizure")),
	ROUTE("POST", "/api/v1/cases/{id}/referral", WRITERS, ROUTE_OPJ, api_referral_create,
	      "Send the case to the competent prosecutor", "referral", BODY(referral_rec), REPLY(referral_rec),
	      AUDIT("referral.create", "referral")),
	ROUTE("GET", "/api/v1/cases/{id}/referral/competent", ROLE_OPJ | ROLE_CHIEF, 0, api_referral_competent,
	      "The prosecution office a referral would go to (shown before sending)", "referral",
	      REPLY(referral_competent_rec), AUDIT("referral.competent", "case")),
	ROUTE("GET", "/api/v1/referrals/{id}", HUMANS, 0, api_referral_get, "Read a referral", "referral",
	      REPLY(referral_rec), AUDIT("referral.read", "referral")),
	ROUTE("GET", "/api/v1/referrals/{id}/bundle", HUMANS, 0, api_referral_bundle, "The bundle as sent (JSON)",
	      "referral", REPLY(referral_rec), AUDIT("referral.bundle", "referral")),
	ROUTE("GET", "/api/v1/referrals/{id}/bundle.html", HUMANS, 0, api_referral_bundle_html,
	      "The bundle, printable (HTML)", "referral", AUDIT("referral.bundle", "referral")),
	ROUTE("PUT", "/api/v1/referrals/{id}/outcome", WRITERS, 0, api_referral_outcome,
	      "Record the prosecution's decision", "referral", BODY(referral_outcome_rec), REPLY(referral_rec),
	      AUDIT("referral.outcome", "referral")),
	/* security communication (api_comms.c, issue 15): the communication roles
	 * write in their unit's scope, the head of communication approves and
	 * publishes; they reach case data only through a case officer's link */
	ROUTE("POST", "/api/v1/cases/{id}/comms-links", WRITERS, 0, api_comms_link_create,
	      "Let a communication unit speak of this case (what may be said)", "communication",
	      BODY(comms_case_link_rec), REPLY(comms_case_link_rec),
	      AUDIT("comms.link.create", "case")),
	ROUTE("GET", "/api/v1/comms/case-links", ROLES_COMMS, 0, api_comms_link_list,
	      "Case links addressed to my communication unit", "communication", AUDIT("comms.link.list", "unit")),
	ROUTE("POST", "/api/v1/comms/activities", ROLES_COMMS, 0, api_comms_activity_create,
	      "Draft a communication activity (communiqué, truth statement, filmed report...)", "communication",
	      BODY(comms_activity_rec), REPLY(comms_activity_rec),
	      AUDIT("comms.activity.create", "comms_activity")),
	ROUTE("GET", "/api/v1/comms/activities", ROLES_COMMS, 0, api_comms_activity_list,
	      "The register in my scope (kind, status, year)", "communication", AUDIT("comms.activity.list", "unit")),
	ROUTE("GET", "/api/v1/comms/activities/{id}", ROLES_COMMS, 0, api_comms_activity_get,
	      "Read an activity (its seal re-verified)", "communication", REPLY(comms_activity_rec),
	      AUDIT("comms.activity.read", "comms_activity")),
	ROUTE("PATCH", "/api/v1/comms/activities/{id}", ROLES_COMMS, 0, api_comms_activity_update,
	      "Edit a draft (a reviewed one goes back to draft)", "communication", PATCH_BODY(comms_activity_rec), REPLY(comms_activity_rec), AUDIT("comms.activity.update", "comms_activity")),
	ROUTE("POST", "/api/v1/comms/activities/{id}/review", ROLES_COMMS, 0, api_comms_activity_review,
	      "Review a draft (not the drafter)", "communication", REPLY(comms_activity_rec),
	      AUDIT("comms.activity.review", "comms_activity")),
	ROUTE("GET", "/api/v1/comms/activities/{id}/pii", ROLES_COMMS, 0, api_comms_activity_pii,
	      "The personal data found in the texts (CIN, telephone, names from the linked case)", "communication",
	      AUDIT("comms.activity.pii", "comms_activity")),
	ROUTE("POST", "/api/v1/comms/activities/{id}/approve", ROLE_COMM_HEAD, 0, api_comms_activity_approve,
	      "Approve, confirming each personal-data match", "communication", BODY(comms_approve_rec), REPLY(comms_activity_rec), AUDIT("comms.activity.approve", "comms_activity")),
	ROUTE("POST", "/api/v1/comms/activities/{id}/publish", ROLE_COMM_HEAD, 0, api_comms_activity_publish,
	      "Publish (a communiqué or truth statement is sealed with the approver's key)", "communication",
	      REPLY(comms_activity_rec), AUDIT("comms.activity.publish", "comms_activity")),
	ROUTE("POST", "/api/v1/comms/activities/{id}/cancel", ROLES_COMMS, 0, api_comms_activity_cancel,
	      "Cancel an unpublished activity with a reason", "communication", BODY(comms_cancel_rec), REPLY(comms_activity_rec), AUDIT("comms.activity.cancel", "comms_activity")),
	ROUTE("POST", "/api/v1/comms/activities/{id}/corrections", ROLES_COMMS, 0, api_comms_activity_correct,
	      "Draft the correction of a published activity (a new version)", "communication",
	      REPLY(comms_activity_rec), AUDIT("comms.activity.correct", "comms_activity")),
	ROUTE("GET", "/api/v1/comms/activities/{id}/print", ROLES_COMMS, 0, api_comms_activity_print,
	      "Bilingual print view of an activity, seal re-verified (HTML)", "communication",
	      AUDIT("comms.activity.print", "comms_activity")),
	ROUTE("GET", "/api/v1/comms/activities/{id}/engagement", ROLES_COMMS, 0, api_comms_engagement_list,
	      "Engagement of a published item by channel and day", "communication", AUDIT("comms.engagement.read", "comms_activity")),
	ROUTE("POST", "/api/v1/comms/activities/{id}/engagement", ROLES_COMMS, 0, api_comms_engagement_add,
	      "Enter one day's figures by hand", "communication", BODY(comms_engagement_rec),
	      AUDIT("comms.engagement.add", "comms_activity")),
	ROUTE("POST", "/api/v1/comms/activities/{id}/engagement/import", ROLES_COMMS, 0, api_comms_engagement_import,
	      "Import a platform's CSV export (all or nothing; the same file twice changes nothing)", "communication",
	      BODY(comms_csv_rec), AUDIT("comms.engagement.import", "comms_activity")),
	ROUTE("POST", "/api/v1/comms/register-import", ROLE_COMM_HEAD, 0, api_comms_register_import,
	      "Import the register kept before sijill (published, marked imported)", "communication",
	      BODY(comms_import_rec), AUDIT("comms.register.import", "unit")),
	ROUTE("POST", "/api/v1/comms/claims", ROLES_COMMS, 0, api_comms_claim_create,
	      "Register a claim seen online (the same claim is linked to its first report)", "communication",
	      BODY(comms_claim_rec), REPLY(comms_claim_rec), AUDIT("comms.claim.create", "comms_claim")),
	ROUTE("GET", "/api/v1/comms/claims", ROLES_COMMS, 0, api_comms_claim_list, "Claims in my scope (crisis, status)",
	      "communication", AUDIT("comms.claim.list", "unit")),
	ROUTE("GET", "/api/v1/comms/claims/{id}", ROLES_COMMS, 0, api_comms_claim_get,
	      "Read a claim with its verdict, answer and time to rebuttal", "communication", REPLY(comms_claim_rec),
	      AUDIT("comms.claim.read", "comms_claim")),
	ROUTE("POST", "/api/v1/comms/claims/{id}/status", ROLES_COMMS, 0, api_comms_claim_status,
	      "Start verifying, or give the verdict with its evidence", "communication", BODY(comms_claim_status_rec), REPLY(comms_claim_rec), AUDIT("comms.claim.status", "comms_claim")),
	ROUTE("POST", "/api/v1/comms/claims/{id}/duplicate", ROLES_COMMS, 0, api_comms_claim_duplicate,
	      "Link a claim to the first report of the same claim", "communication", BODY(comms_claim_dup_rec), REPLY(comms_claim_rec), AUDIT("comms.claim.duplicate", "comms_claim")),
	ROUTE("POST", "/api/v1/comms/claims/{id}/archive", ROLES_COMMS, 0, api_comms_claim_archive,
	      "Store the archived copy of a claim (PNG, JPEG, WebP, GIF, PDF, MP4; hashed)", "communication",
	      BODY(comms_file_rec), REPLY(comms_claim_rec), AUDIT("comms.claim.archive", "comms_claim")),
	ROUTE("GET", "/api/v1/comms/claims/{id}/claimreview", ROLES_COMMS, 0, api_comms_claim_review,
	      "The verdict as schema.org ClaimReview JSON-LD", "communication", AUDIT("comms.claim.export", "comms_claim")),
	ROUTE("POST", "/api/v1/comms/crises", ROLES_COMMS, 0, api_comms_crisis_create, "Open a crisis tag",
	      "communication", BODY(comms_crisis_rec), REPLY(comms_crisis_rec),
	      AUDIT("comms.crisis.create", "comms_crisis")),
	ROUTE("GET", "/api/v1/comms/crises", ROLES_COMMS, 0, api_comms_crisis_list, "Crisis tags (national)",
	      "communication", AUDIT("comms.crisis.list", "unit")),
	ROUTE("GET", "/api/v1/comms/crises/{id}/board", ROLES_COMMS, 0, api_comms_crisis_board,
	      "The live board of a crisis in my scope", "communication", AUDIT("comms.crisis.board", "comms_crisis")),
	ROUTE("POST", "/api/v1/comms/crises/{id}/close", ROLES_COMMS, 0, api_comms_crisis_close, "Close a crisis",
	      "communication", REPLY(comms_crisis_rec), AUDIT("comms.crisis.close", "comms_crisis")),
	ROUTE("GET", "/api/v1/comms/files/{id}", ROLES_COMMS, 0, api_comms_file_get,
	      "An archived copy or media item (as stored, with its type)", "communication", AUDIT("comms.file.read", "comms_file")),
	ROUTE("POST", "/api/v1/comms/events", ROLES_COMMS, 0, api_comms_event_create, "Document a major event",
	      "communication", BODY(comms_event_rec), REPLY(comms_event_rec),
	      AUDIT("comms.event.create", "comms_event")),
	ROUTE("GET", "/api/v1/comms/events", ROLES_COMMS, 0, api_comms_event_list, "Major events (national)",
	      "communication", AUDIT("comms.event.list", "unit")),
	ROUTE("GET", "/api/v1/comms/events/{id}", ROLES_COMMS, 0, api_comms_event_get,
	      "A major event with its arrangements, media items and coverage", "communication",
	      REPLY(comms_event_rec), AUDIT("comms.event.read", "comms_event")),
	ROUTE("PATCH", "/api/v1/comms/events/{id}", ROLES_COMMS, 0, api_comms_event_update,
	      "Update an event's documentation", "communication", PATCH_BODY(comms_event_rec),
	      REPLY(comms_event_rec), AUDIT("comms.event.update", "comms_event")),
	ROUTE("POST", "/api/v1/comms/events/{id}/media", ROLES_COMMS, 0, api_comms_event_media,
	      "Add a media item of the security arrangements (hashed)", "communication", BODY(comms_file_rec), REPLY(comms_event_rec), AUDIT("comms.event.media", "comms_event")),
	ROUTE("GET", "/api/v1/comms/bilan", ROLES_COMMS | ROLE_ANALYST, 0, api_comms_bilan,
	      "The communication bilan of a year, per unit or national", "communication", AUDIT("comms.bilan.read", "unit")),
};

const size_t app_routes_count = sizeof app_routes / sizeof app_routes[0];

const rec_desc *const app_records[] = {
	/* persons */
	&person_rec, &person_import_rec, &person_merge_rec, &person_unmerge_rec, &person_match_rec,
	&person_duplicates_rec,
	/* complaints and cases */
	&complaint_rec, &complaint_disposition_rec, &complaint_list_rec, &case_rec, &case_offence_rec, &case_withdrawal_rec,
	&case_person_rec, &case_status_rec, &case_assign_rec, &case_event_rec, &case_history_rec, &case_list_rec,
	&person_page_rec, &case_person_removal_rec, &case_find_rec, &pv_rec, &pv_summary_rec, &custody_rec, &custody_extension_rec, &custody_rights_rec,
	&custody_end_rec, &custody_deadlines_rec, &custody_register_rec, &custody_daily_rec, &seizure_rec,
	&seizure_transfer_rec, &referral_rec, &referral_outcome_rec, &referral_competent_rec, &seal_key_rec, &seal_revoke_rec,
	/* registers and look-ups */
	&reg_wanted_rec, &reg_vehicle_rec, &reg_document_rec, &reg_wanted_status_rec, &reg_vehicle_status_rec,
	&reg_document_status_rec, &reg_event_rec, &reg_hit_rec, &reg_notification_rec, &reg_alert_rec,
	&reg_check_rec, &reg_check_person_rec, &reg_check_reply_rec, &reg_list_rec, &reg_notifications_rec,
	&lookup_persons_rec, &lookup_cases_rec, &lookup_flags_rec,
	/* accounts, units, reference data, operations */
	&auth_login_rec, &auth_session_rec, &auth_me_rec, &auth_password_rec, &auth_lang_rec, &auth_totp_setup_rec,
	&auth_totp_confirm_rec, &auth_totp_replace_rec, &auth_totp_reset_rec, &auth_user_rec, &auth_users_rec, &auth_user_create_rec, &auth_user_status_rec, &auth_user_rank_rec,
	&unit_rec, &unit_list_rec, &ref_offence_rec, &ref_custody_rule_rec, &ref_office_rec, &ref_lists_rec,
	&settings_item_rec, &settings_list_rec, &settings_put_rec, &app_test_clock_rec,
	/* the front desk */
	&desk_declaration_rec, &desk_item_rec, &desk_found_rec, &desk_complaint_rec, &desk_residence_rec,
	&desk_residence_check_rec, &desk_residence_decision_rec, &desk_document_rec, &desk_verify_rec, &desk_today_rec,
	&desk_commune_rec, &desk_communes_rec,
	&reg_phone_rec, &reg_phone_status_rec,
	/* security communication */
	&comms_activity_rec, &comms_approve_rec, &comms_cancel_rec, &comms_import_rec, &comms_claim_rec,
	&comms_claim_status_rec, &comms_claim_dup_rec, &comms_file_rec, &comms_crisis_rec, &comms_event_rec,
	&comms_engagement_rec, &comms_csv_rec, &comms_case_link_rec,
	/* the exchange with central */
	&xchg_enrol_rec, &xchg_batch_rec, &xchg_ack_rec, &xchg_nodes_rec, &xchg_status_rec, &xchg_node_rec,
	&xchg_digest_rec, NULL,
};
