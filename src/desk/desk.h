/* desk.h — the district front desk (الاستقبال): declarations of loss and of
 * theft (تصريح بالضياع / بالسرقة) with their receipts, residence certificates
 * (شهادة السكنى), the public verification of both, and the desk's day.
 *
 * Records described here (core/record.h): declaration (with its items:
 * identity documents, phones, vehicles, bank cards, other things), the
 * finding of an item, the theft turned into a complaint, the residence
 * certificate and its check and decision, the verification answer, the
 * desk's day. Every declared document, phone and vehicle enters the lost and
 * stolen registers (registers.h) with the declaring unit as home unit; a
 * theft becomes a complaint and a case through complaint.h and cases.h.
 *
 * Every printed document (a receipt, a certificate) carries a public number
 * ("AR-CASA-OULFA-2026-DC-000001": the human number with '-' for '/') and a
 * random code (DESK_CODE_LEN characters of Crockford's base 32, never
 * derived from the number), and a QR code of <base>/verify/<number>?c=<code>.
 * desk_verify answers who holds such a paper — anyone, without logging in —
 * only whether it exists, its kind, its issuing unit, its date and whether
 * it is still valid: never a name, an address or a CIN.
 *
 * Every function works inside the caller's transaction (write transactions
 * for the writes); the caller appends the audit entry in the same one.
 * Tables (the only SQL on them is in src/desk): declarations,
 * declaration_items, residence_certificates, desk_documents, desk_secret.
 * Nothing is deleted: a declaration is cancelled, a certificate revoked,
 * each with its reason, who and when (cancel.c).
 */
#ifndef SJ_DESK_H
#define SJ_DESK_H

#include <jansson.h>
#include <stdint.h>
#include "core/actor.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/i18n.h"
#include "core/record.h"
#include "db/db.h"

#define DESK_CODE_LEN   8   /* the verification code printed on a document */
#define DESK_NUMBER_MAX 64  /* a public number */
#define DESK_MAX_ITEMS  20  /* things in one declaration */

extern const rec_desc desk_declaration_rec, desk_item_rec, desk_found_rec, desk_complaint_rec;
extern const rec_desc desk_residence_rec, desk_residence_check_rec, desk_residence_decision_rec;
extern const rec_desc desk_document_rec, desk_verify_rec, desk_today_rec, desk_commune_rec, desk_communes_rec;
extern const rec_desc desk_cancel_rec;

/* --- declarations (declaration.c) --- */

/* desk_declare records a declaration of loss or theft from in (a
 * declaration body, checked: each item's own fields by its type, the IMEI's
 * Luhn digit, the plate in either script, a bank card's last four digits
 * only, no date in the future) in the actor's unit: the declarant through
 * persons_upsert, a receipt number UNIT/YEAR/DC-NNNNNN from the counters in
 * this transaction, each document, phone and vehicle entered in its register
 * (kind lost or stolen, home unit the actor's) and checked by the hit engine,
 * the declarant too; the public number and a fresh random code. *out (caller
 * decrefs) is the declaration as read, with "alerts". */
SJ_MUST_USE sj_err desk_declare(db_conn *c, const sj_actor *a, json_t *in, json_t **out);
/* desk_declaration_read returns declaration id (its declarant and items) for
 * the actor: SJ_ENOTFOUND "declaration-not-found", SJ_EFORBIDDEN outside
 * the actor's scope. */
SJ_MUST_USE sj_err desk_declaration_read(db_conn *c, const sj_actor *a, const char *id, json_t **out,
					 const char **why);
/* desk_item_found records that item in.seq of the declaration whose receipt
 * number (or public number) is in.receipt_no (field "receipt_no"
 * "unknown-receipt" otherwise) was found by
 * the actor's unit (any unit) at in.found_at (default now; not in the
 * future: field "found_at" "in-future"): the item and its register entry are
 * closed with the finding unit and date, and the declaring unit is notified
 * (reg_found). 422 "item-not-found" (no such seq), 409 "item-already-found".
 * *out: the declaration. */
SJ_MUST_USE sj_err desk_item_found(db_conn *c, const sj_actor *a, json_t *in, json_t **out, const char **field,
				   const char **why);
/* desk_to_complaint turns theft declaration id (of the actor's scope, 409
 * "declaration-not-theft", 409 "declaration-already-complaint") into a
 * complaint (complaint_create: the declarant as complainant, the
 * circumstances and the things as facts) and opens its case (case_create
 * with in's frame, offences and OPJ; its refusals pass through *field and
 * *why). The declaration keeps complaint_id and case_id; the complaint keeps
 * the declaration's id. *out: the declaration. */
SJ_MUST_USE sj_err desk_to_complaint(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out,
				     const char **field, const char **why);
/* desk_receipt_html renders the printable bilingual receipt of declaration
 * id (for the actor, as desk_declaration_read) into out (a buf the caller
 * initialised), with its QR code of base_url/verify/<number>?c=<code>. */
SJ_MUST_USE sj_err desk_receipt_html(db_conn *c, const sj_actor *a, const char *id, const char *base_url,
				     buf *out, const char **why);

/* --- undoing (cancel.c): never a deletion --- */

/* desk_declaration_cancel cancels declaration id with in.reason (a
 * desk_cancel body): its receipt no longer verifies as valid, each of its
 * things still active in a register is cancelled there with the reason.
 * The unit's chief may; the declaring officer only the same legal day
 * (SJ_EFORBIDDEN "undo-needs-chief"). 409 "declaration-already-cancelled",
 * 409 "declaration-is-complaint" (a theft turned into a case). *out: the
 * declaration, with cancelled_at and cancel_reason. */
SJ_MUST_USE sj_err desk_declaration_cancel(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out,
					   const char **why);
/* desk_residence_revoke revokes issued certificate id with in.reason:
 * status "revoked", its verification answers not valid. The chief may; the
 * officer who issued it only the same legal day ("undo-needs-chief").
 * 409 "certificate-not-issued", "certificate-already-revoked". A corrected
 * certificate is a new request whose replaces_id names the revoked one. */
SJ_MUST_USE sj_err desk_residence_revoke(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out,
					 const char **why);

/* --- residence certificates (residence.c) --- */

/* desk_residence_request records a request (applicant through
 * persons_upsert, address, commune of the reference data — field "commune"
 * "unknown-commune" — purpose) in the actor's unit, status "requested".
 * replaces_id, when given, names the revoked certificate of the actor's
 * unit this one corrects (422 field "replaces_id": "certificate-not-found",
 * "replaced-not-revoked", "certificate-already-replaced").
 * *out: the certificate as read. */
SJ_MUST_USE sj_err desk_residence_request(db_conn *c, const sj_actor *a, json_t *in, json_t **out,
					  const char **field, const char **why);
/* desk_residence_read: SJ_ENOTFOUND "certificate-not-found", SJ_EFORBIDDEN. */
SJ_MUST_USE sj_err desk_residence_read(db_conn *c, const sj_actor *a, const char *id, json_t **out,
				       const char **why);
/* desk_residence_check records the check (a visit or a verification: its
 * date, not in the future, its result, the officer who made it) of a
 * requested certificate of the actor's unit: 409 "certificate-not-requested". */
SJ_MUST_USE sj_err desk_residence_check(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out,
					const char **field, const char **why);
/* desk_residence_decide issues (a serial number UNIT/YEAR/CR-NNNNNN, the
 * validity in force in the reference data, a random code) or refuses (with a
 * reason: 422 "refusal-needs-reason") a checked certificate: 409
 * "certificate-not-checked"; issuing after a check that did not confirm the
 * residence is 409 "check-not-confirmed". */
SJ_MUST_USE sj_err desk_residence_decide(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out,
					 const char **why);
/* desk_residence_handover records that the issued certificate was handed
 * to the applicant (409 "certificate-not-issued", "certificate-already-handed"). */
SJ_MUST_USE sj_err desk_residence_handover(db_conn *c, const sj_actor *a, const char *id, json_t **out,
					   const char **why);
/* desk_certificate_html renders the issued certificate (409
 * "certificate-not-issued") in Arabic and French with its QR code. */
SJ_MUST_USE sj_err desk_certificate_html(db_conn *c, const sj_actor *a, const char *id, const char *base_url,
					 buf *out, const char **why);
/* desk_communes returns {"communes": [{code, name_fr, name_ar, prefecture}]}
 * of the reference data, by French name. */
SJ_MUST_USE sj_err desk_communes(db_conn *c, json_t **out);
/* desk_load_rules loads data/desk.json (the residence certificate's
 * validity with effective dates) once per version; *added: rules added. */
SJ_MUST_USE sj_err desk_load_rules(db_conn *c, json_t *root, int *added);

/* --- verification, the desk's day (verify.c) --- */

/* desk_verify answers a public verification, from address addr, of number
 * with code: first one event is counted for the address's hash in the hour
 * (auth_rate_count) — beyond the setting desk.verify_per_hour, SJ_ELIMIT
 * "rate-limited" with *retry_s; then *out (a new object, always of the same
 * members) {"found", "kind", "unit", "unit_name_fr", "unit_name_ar",
 * "issued_on", "valid_until", "valid", "cancelled"}, the members other than "found" null
 * when the number is unknown or the code does not match (compared in
 * constant time). Never personal data. hash gets the address's anonymous
 * name (desk_addr_hash) for the audit entry. */
SJ_MUST_USE sj_err desk_verify(db_conn *c, const char *addr, const char *number, const char *code, json_t **out,
			       char hash[65], int64_t *retry_s, const char **why);
/* desk_addr_hash writes hex BLAKE2b-256 keyed by the server secret of the
 * address into out: the anonymous name of a verifying address in the audit
 * log and in the rate limit's key. The secret is made on first use and kept
 * in desk_secret. */
SJ_MUST_USE sj_err desk_addr_hash(db_conn *c, const char *addr, char out[65]);
/* desk_today returns the desk's day for the actor's unit: today's
 * declarations (legal day), the certificates to check, the certificates
 * ready to hand over. */
SJ_MUST_USE sj_err desk_today(db_conn *c, const sj_actor *a, json_t **out);

/* --- shared inside the module (desk_int) --- */

/* desk_new_code writes DESK_CODE_LEN random characters of Crockford's base
 * 32 (randombytes_uniform) and a NUL. */
void desk_new_code(char out[DESK_CODE_LEN + 1]);
/* desk_public_number writes number with every '/' turned into '-'. */
void desk_public_number(const char *number, char out[DESK_NUMBER_MAX + 1]);
/* desk_document_add records a verifiable document (kind: loss_receipt,
 * theft_receipt, residence_certificate) of record_id in the actor's unit. */
SJ_MUST_USE sj_err desk_document_add(db_conn *c, const sj_actor *a, const char *kind, const char *record_id,
				     const char *number, const char *code, int64_t issued_at, int64_t valid_until);
/* desk_qr_svg appends an SVG QR code of text (libqrencode, level M). */
SJ_MUST_USE sj_err desk_qr_svg(buf *b, const char *text);
/* The bilingual print kit of the desk's documents (print.c), which the
 * mobile units' documents use too. desk_print_word returns key's message in
 * lang, or the key itself (never NULL; borrowed). desk_print_head opens the
 * document: <title>, <body class=body_class>, the kingdom's and DGSN's
 * heading with o's unit_name_fr/unit_name_ar, the title in both languages.
 * desk_print_section opens a <h2> in both languages and its table;
 * desk_print_row writes French label | value ("—" when empty) | Arabic
 * label; desk_print_row_enum the same with value an enum value of
 * enum_name, shown in both languages. Each appends to b; a full b fails. */
const char *desk_print_word(i18n_lang lang, const char *key);
SJ_MUST_USE sj_err desk_print_head(buf *b, const char *title_key, json_t *o, const char *body_class);
SJ_MUST_USE sj_err desk_print_section(buf *b, const char *key);
SJ_MUST_USE sj_err desk_print_row(buf *b, const char *key, const char *value);
SJ_MUST_USE sj_err desk_print_row_enum(buf *b, const char *key, const char *enum_name, const char *value);
/* desk_html_esc appends s HTML-escaped. */
SJ_MUST_USE sj_err desk_html_esc(buf *b, const char *s);

#endif
