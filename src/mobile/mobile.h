/* mobile.h — the mobile CNIE enrolment units (issue 14): tours planned by a
 * regional command, enrolment on a kit (a field node of the exchange, on
 * SQLite, offline for the whole tour) with captures from devices modelled on
 * MOSIP's SBI, the kit's offline checks, the supervisor's end-of-day review,
 * sealed packets, and central's validation of each packet.
 *
 * The CNIE (loi 04-20, décret 2-20-521): valid 10 years from 12 years of age,
 * at most 7 below; mandatory from 16; the documents each request needs. These
 * are reference data with effective dates (data/cnie.json, table mob_rules),
 * never constants here: mob_rule_at answers the rule in force on a date.
 *
 * The device interface (device.c, and `sijill device-sim`, src/cli/devsim.c):
 * a capture service on loopback answering SBI's POST /device (discovery) and
 * POST /capture {"transactionId", "previousHash", "bio": [{"type":
 * "Finger"|"Face", "bioSubType": [positions]}]} with {"biometrics": [{"data":
 * compact JWS (EdDSA) of {"digitalId": {"serialNo", "type"}, "bioType",
 * "bioSubType", "bioValue" (base64url image), "qualityScore",
 * "transactionId", "timestamp"}, "hash", "error": {"errorCode"}}]}. Each
 * capture's hash is SHA-256(previous hash ‖ SHA-256(bioValue)) in hex, the
 * first previous hash being SHA-256 of the empty string (SBI 0.9.5 §4.3):
 * the captures of an application form a chain a kit cannot reorder, drop or
 * splice without the device's key. The kit (and central again) verifies each
 * capture under the public key of a device registered at central
 * (mob_devices): an unknown serial or a bad signature is refused.
 *
 * Every function works inside the caller's transaction; the caller appends
 * the audit entry in the same one. Tables (the only SQL on them is here):
 * mob_tours, mob_stops, mob_team, mob_bookings, mob_devices, mob_enrolments,
 * mob_captures, mob_exceptions, mob_operator_prints, mob_packets,
 * mob_received, mob_rules.
 */
#ifndef SJ_MOBILE_H
#define SJ_MOBILE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/actor.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/record.h"
#include "db/db.h"
#include "exchange/exchange.h"

#define MOB_KIT_MAX       64    /* a kit's name */
#define MOB_MAX_STOPS     60    /* stops of one tour */
#define MOB_MAX_TEAM      12    /* operators of one tour */
#define MOB_MAX_DOCS      8     /* documents of one application */
#define MOB_MAX_CAPTURES  16    /* captures in one POST (ten fingers and a face) */
#define MOB_MAX_EXCEPTIONS 10
#define MOB_POS_MAX       32    /* an SBI position name ("Right IndexFinger") */
#define MOB_HASH_HEX      64    /* SHA-256 / BLAKE2b-256 in hex */
#define MOB_MAX_JWS       (2 * 1024 * 1024) /* one signed capture (a face image in base64) */
#define MOB_MAX_PACKET    (24 * 1024 * 1024)
#define MOB_FINGERS       10
#define MOB_DEDUP_SCORE   0.8  /* a person of the index this close is a candidate */
#define MOB_ROUND_MS      10000 /* a validation round starts no packet after this long: asked again ("more") */

extern const rec_desc mob_tour_rec, mob_stop_rec, mob_tours_rec, mob_booking_rec, mob_device_rec, mob_devices_rec;
extern const rec_desc mob_enrolment_rec, mob_document_rec, mob_capture_rec, mob_captures_rec, mob_exception_rec;
extern const rec_desc mob_review_rec, mob_reviews_rec, mob_packet_rec, mob_received_rec;
extern const rec_desc mob_operator_print_rec, mob_receiveds_rec, mob_status_rec, mob_adjudication_rec;

/* --- reference data (rules.c) --- */

/* mob_load_rules loads data/cnie.json ({"version", "cnie": [rule]}) once per
 * version (a rule keeps its code); *added: rules added. SJ_EINVAL for a rule
 * without code, effective_from or the ages. */
SJ_MUST_USE sj_err mob_load_rules(db_conn *c, json_t *root, int *added);
/* mob_rule_at returns (new, caller decrefs) the CNIE rule in force on date
 * ("YYYY-MM-DD"): SJ_ENOTFOUND when none. */
SJ_MUST_USE sj_err mob_rule_at(db_conn *c, const char *date, json_t **out);
/* mob_age_on writes the age in whole years on date of a person born on
 * birth (both "YYYY-MM-DD"); -1 when either is malformed. */
int mob_age_on(const char *birth, const char *date);
/* mob_validity_years answers the card's validity for an applicant of age
 * years under rule: validity_years_adult from adult_from_age, else
 * validity_years_minor_max. */
int mob_validity_years(json_t *rule, int age);

/* --- tours (tours.c) --- */

/* mob_tour_create plans a tour in the actor's unit (a regional command's
 * chief, or an admin): kit, vehicle, the supervisor (a badge of a user of
 * the actor's scope: field "supervisor" "unknown-user"), the operators
 * (badges: "operators" "unknown-user"), dates (ends_on before starts_on:
 * "ends_on" "before-start"), stops each on a day within the dates
 * ("stops" "stop-outside-tour"), in a commune of the reference data
 * ("stops" "unknown-commune"), opening before closing ("stops"
 * "bad-hours"). Number UNIT/YEAR/TR-NNNN. *out: the tour as read. */
SJ_MUST_USE sj_err mob_tour_create(db_conn *c, const sj_actor *a, json_t *in, json_t **out, const char **field,
				   const char **why);
/* mob_tour_read: the tour, its stops (with booked counts) and team.
 * SJ_ENOTFOUND "tour-not-found", SJ_EFORBIDDEN outside the actor's scope. */
SJ_MUST_USE sj_err mob_tour_read(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why);
/* mob_tours_list: {"items": [tour]} of the actor's scope, newest first. */
SJ_MUST_USE sj_err mob_tours_list(db_conn *c, const sj_actor *a, json_t **out);
/* mob_booking_add books a citizen in a slot of stop in.stop_seq of tour id
 * ("stop_seq" "unknown-stop"; "slot" "not-a-slot" when the time is not a
 * slot's start; 409 "slot-full" at per_slot). *out: the booking. */
SJ_MUST_USE sj_err mob_booking_add(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out,
				   const char **field, const char **why);
/* mob_schedule_html renders the printable schedule of tour id for commune
 * (NULL: every commune): each stop's day, place and hours, its slots and how
 * many are booked, in French and Arabic — no citizen's name. */
SJ_MUST_USE sj_err mob_schedule_html(db_conn *c, const sj_actor *a, const char *id, const char *commune, buf *out,
				     const char **why);
/* mob_tour_member: whether user_id is on tour_id's team as role
 * ("operator" | "supervisor"). */
SJ_MUST_USE sj_err mob_tour_member(db_conn *c, const char *tour_id, const char *user_id, const char *role,
				   bool *yes);

/* --- devices (device.c) --- */

/* mob_device_register records a capture device at central (admin): serial
 * (409 "device-exists"), kind, make, model, Ed25519 public key (hex: field
 * "public_key" "bad-key"). *out: the device. */
SJ_MUST_USE sj_err mob_device_register(db_conn *c, const sj_actor *a, json_t *in, json_t **out, const char **field,
				       const char **why);
/* mob_devices_list: {"items": [device]}. */
SJ_MUST_USE sj_err mob_devices_list(db_conn *c, json_t **out);
/* mob_capture_verify checks one SBI biometric ({"data", "hash"}) against
 * the registered devices and the chain: the JWS's signature under the key
 * of its digitalId.serialNo (active: else "device-unregistered"; bad
 * signature: "capture-signature"), hash == SHA-256(prev_hash ‖
 * SHA-256(bioValue)) ("capture-chain"), the payload's transactionId ==
 * txn ("capture-transaction"). On success *payload (new) is the decoded
 * payload with "bio_hash" added, and hash_out the capture's hash. */
SJ_MUST_USE sj_err mob_capture_verify(db_conn *c, json_t *bio, const char *prev_hash, const char *txn,
				      json_t **payload, char hash_out[MOB_HASH_HEX + 1], const char **why);
/* mob_chain_genesis writes SHA-256("") in hex: the first previousHash. */
void mob_chain_genesis(char out[MOB_HASH_HEX + 1]);
/* mob_sha256_hex writes SHA-256 of n bytes of p in hex. */
void mob_sha256_hex(const void *p, size_t n, char out[MOB_HASH_HEX + 1]);
/* mob_b64url_decode decodes base64url (no padding) text into a new malloc'd
 * buffer (*out, *n); false when malformed or larger than max. */
bool mob_b64url_decode(const char *text, size_t max, unsigned char **out, size_t *n);

/* --- enrolment (enrol.c) --- */

/* mob_enrol opens an application on the kit in tour in.tour_id (the actor
 * on its team as operator: 409 "not-on-team"; tour "provisioned" or
 * "planned": 409 "tour-closed"), with request type, demographics in both
 * scripts, parents' names, birth act number, address, commune, documents
 * (the rule's documents for the request type: field "documents"
 * "document-missing"; a residence certificate's number checked against the
 * desk's register, "verified" true when found), a prior CIN for a renewal
 * or a change ("prior_cin" "required"), a declaration number for a
 * duplicate ("declaration_no" "required"; "unknown-declaration" when the
 * node has the declarations and it is not there), a guardian for a minor
 * or an applicant under mandatory_from_age ("guardian_name" "required"), a
 * minor request for an applicant of full age ("request_type"
 * "not-a-minor"). Application number KIT-UNIT/YEAR/EN-NNNNNN and a verify
 * code. *out: the application as read. */
SJ_MUST_USE sj_err mob_enrol(db_conn *c, const sj_actor *a, json_t *in, json_t **out, const char **field,
			     const char **why);
/* mob_enrolment_read: the application, its captures (without the images)
 * and exceptions: SJ_ENOTFOUND "enrolment-not-found", SJ_EFORBIDDEN. */
SJ_MUST_USE sj_err mob_enrolment_read(db_conn *c, const sj_actor *a, const char *id, json_t **out,
				      const char **why);
/* mob_captures_add records captures of application id (status
 * "capturing": 409 "enrolment-not-capturing"; by its operator: 409
 * "not-operator"): each verified (mob_capture_verify, chained from the
 * application's chain head in order, transaction = the application's id),
 * each position's attempt counted (beyond the rule's max_retries: 422
 * "retries-exhausted" — record an exception), the quality compared with the
 * rule's threshold (accepted or not); a capture whose biometric equals an
 * operator's own print is refused (422 "operator-capture"). Exceptions
 * (in.exceptions: position and reason) need an exception photo among the
 * captures (422 "exception-photo-missing"). All or nothing. *out: the
 * application. */
SJ_MUST_USE sj_err mob_captures_add(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out,
				    const char **field, const char **why);
/* mob_operator_print_add records a print of the actor (an operator) from a
 * device capture (verified, transaction "operator:<badge>"). */
SJ_MUST_USE sj_err mob_operator_print_add(db_conn *c, const sj_actor *a, json_t *in, json_t **out,
					  const char **why);
/* mob_signoff: the operator signs application id off when every finger and
 * the face have an accepted capture or an exception (422
 * "captures-incomplete" with the positions), then runs the offline checks
 * (checks.c): status "signed", alerts recorded. *out: the application. */
SJ_MUST_USE sj_err mob_signoff(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why);
/* mob_receipt_html: the applicant's receipt (application number, request
 * type, date, QR code of base_url/cnie/<number>?c=<code>: the public
 * status page, mob_public_status). */
SJ_MUST_USE sj_err mob_receipt_html(db_conn *c, const sj_actor *a, const char *id, const char *base_url, buf *out,
				    const char **why);

/* --- checks on the kit, offline (checks.c) --- */

/* mob_checks runs the offline checks of application e (as read) and
 * returns the alerts (new array): the hit engine's (registers.h: an active
 * wanted notice on the applicant's names in either script and birth date,
 * or on the prior CIN; the prior CIN in the lost/stolen documents register
 * unless the request is a duplicate, which declares it) — each hit
 * recorded and the owning unit notified in this transaction, so they travel
 * at the next exchange — and "same-person" (another application of the
 * tour, same birth date and sex, whose names match across scripts at
 * NK_MATCH_THRESHOLD). Each alert is an object with "register" or "kind". */
SJ_MUST_USE sj_err mob_checks(db_conn *c, const sj_actor *a, json_t *e, json_t **alerts);
/* mob_name_key writes the cross-script key of a last and first name (the
 * Latin or the Arabic spelling give the same key, src/text/namekey.h). */
void mob_name_key(const char *last, const char *first, char *out, size_t n);
/* mob_part_score: the best similarity (0..1, namekey.h) of name part
 * lat/ar of a and b over the four pairings of scripts. */
double mob_part_score(json_t *a, json_t *b, const char *lat, const char *ar);

/* --- review and packets (review.c) --- */

/* mob_review_list: the signed applications of tour id awaiting review,
 * with their alerts, for whoever may read the tour (only its supervisor
 * decides: mob_review). */
SJ_MUST_USE sj_err mob_review_list(db_conn *c, const sj_actor *a, const char *tour_id, json_t **out,
				   const char **why);
/* mob_review: the tour's supervisor approves or rejects (reason required:
 * 422 "rejection-needs-reason") signed application id (409
 * "enrolment-not-signed"). An approval seals the packet at once
 * (mob_packet_seal): status "sealed". *out: the application. */
SJ_MUST_USE sj_err mob_review(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out,
			      const char **why);
/* mob_packet_build writes the clear packet of application id (new object):
 * {"v": 1, "application_no", "enrolment": demographics and documents,
 * "captures": [{seq, modality, position, quality, data, hash}],
 * "exceptions", "ops": {operator, supervisor, created_at, signed_at,
 * reviewed_at, kit}}. */
SJ_MUST_USE sj_err mob_packet_build(db_conn *c, const char *id, json_t **out);
/* mob_packet_seal seals application id: the clear packet's BLAKE2b-256
 * hash, the kit's signature over "sijill-mob-packet-v1|<hash>"
 * (xchg_sign_hex), the packet encrypted to central's box key
 * (crypto_box_seal; the key the kit feed provisioned, mob_kit_keys), a
 * row of mob_packets (exchanged). SJ_ENOTFOUND when the kit was not
 * provisioned with central's key (mob_review: 409 "no-central-key").
 * Sealing twice is a no-op. */
SJ_MUST_USE sj_err mob_packet_seal(db_conn *c, const char *id);
/* mob_packet_hash writes BLAKE2b-256 of n bytes of text in hex. */
void mob_packet_hash(const char *text, size_t n, char out[MOB_HASH_HEX + 1]);

/* --- central (central.c) --- */

/* mob_box_keys_load reads (or creates, mode 0600) central's X25519 box key
 * "<audit key>.mobile-box" and keeps it in memory; mob_box_public_hex
 * writes its public half. */
SJ_MUST_USE sj_err mob_box_keys_load(const char *audit_key_path);
SJ_MUST_USE sj_err mob_box_public_hex(char out[MOB_HASH_HEX + 1]);
/* mob_validate validates one packet row as it came from a kit ({id,
 * application_no, packet_hash, kit_key, signature, box, unit}) and records
 * it in mob_received once: refused with its reason — "packet-replay" (this
 * hash or this application already received), "packet-undecryptable",
 * "packet-hash", "packet-signature", "device-unregistered",
 * "capture-signature", "capture-chain", "capture-quality" (a capture below
 * the rule's threshold that the kit marked accepted, or a position with
 * neither an accepted capture nor an exception), "packet-malformed" —
 * else accepted. c must be outside any transaction: the checks and the
 * demographic dedup run in a read transaction, the ABIS call in none, the
 * outcome with its audit entry in a short write transaction of its own.
 * *outcome (new) {outcome, reason, application_no}; NULL when the packet
 * was already validated (by another round). */
SJ_MUST_USE sj_err mob_validate(db_conn *c, json_t *row, json_t **outcome);
/* mob_validate_pending validates the packet rows central holds (xchg_rows,
 * table mob_packets) not validated yet — at most 500, starting none after
 * MOB_ROUND_MS — each by mob_validate (c outside any transaction), then
 * records the kits' hand-overs in one short write: *out (new) {"items":
 * [outcome], "validated", "accepted", "refused", "handed", "more" (packets
 * are left: ask again)}. */
SJ_MUST_USE sj_err mob_validate_pending(db_conn *c, json_t **out);
/* mob_received_list: {"items": [received]} newest first. */
SJ_MUST_USE sj_err mob_received_list(db_conn *c, json_t **out);
/* mob_received_status moves a received application along production:
 * in_production → ready → dispatched only (409 "status-out-of-order");
 * SJ_ENOTFOUND "packet-not-found". */
SJ_MUST_USE sj_err mob_received_status(db_conn *c, const char *id, json_t *in, json_t **out, const char **why);
/* mob_adjudicate decides a received application in "adjudication" (409
 * "not-in-adjudication"): "distinct" → in_production, "duplicate" →
 * refused with reason "duplicate"; the decision's reason is required. */
SJ_MUST_USE sj_err mob_adjudicate(db_conn *c, const char *id, json_t *in, json_t **out, const char **why);

/* mob_job_start starts central's background validation (job.c): every
 * setting mobile.validate_interval_s seconds, mob_validate_pending (its
 * short transactions), again at once while it says "more"; nothing on a node (joined). mob_job_stop joins it. */
SJ_MUST_USE sj_err mob_job_start(db *d);
void mob_job_stop(void);

/* --- dedup (dedup.c) --- */

/* mob_dedup returns (new array) the demographic candidates of clear
 * packet app: persons of the national index found by the search engine
 * (srch_persons) on the names in each script, the birth date (its year ±
 * one accepted: "near_year") and the father's name, scoring at least
 * MOB_DEDUP_SCORE — {"kind": "person", "person_id", "score"} — and
 * applications already accepted whose names match across scripts with the
 * same birth date and sex — {"kind": "application", "application_no"}. */
SJ_MUST_USE sj_err mob_dedup(db_conn *c, json_t *app, json_t **out);

/* --- the biometric dedup adapter (abis.c) --- */

/* mob_abis_configure sets the ABIS endpoint (config abis_url; "" none: no
 * biometric dedup, said in each result) and the base URL at which the ABIS
 * reaches central for the images (config abis_reference_base; "": the
 * messages' referenceURL is empty). Before threads start. */
void mob_abis_configure(const char *url, const char *reference_base);
/* mob_device_configure sets the kit's capture device as the pages reach it
 * (config device_url, loopback; "" none), sent with an application
 * (device_url) for the hand-over page's 1:1 check. Before threads start. */
void mob_device_configure(const char *url);
/* mob_abis_ref_url writes MOSIP's referenceURL of referenceId ref:
 * base/api/v1/mobile/abis/<ref>?exp=<ms>&sig=<HMAC-SHA256 under a key
 * derived from central's box secret>, valid a day; false when central's box
 * key is not loaded, base is empty or out is too small. */
bool mob_abis_ref_url(const char *base, const char *ref, char *out, size_t n);
/* mob_abis_cbeff writes the CBEFF XML (ISO/IEC 19785-3, MOSIP's BIR: Type,
 * Subtype, Quality, the image in the BDB) of the accepted finger and face
 * captures of the received application whose referenceId is ref, for a
 * referenceURL's exp and sig (bad or foreign: SJ_ENOTFOUND
 * "abis-ref-invalid", a public route never saying more; past: SJ_ENOTFOUND
 * "abis-ref-expired"; no such
 * accepted application: SJ_ENOTFOUND "packet-not-found"). The images only:
 * no name, no CIN, no number. */
SJ_MUST_USE sj_err mob_abis_cbeff(db_conn *c, const char *ref, const char *exp, const char *sig, buf *out,
				  const char **why);
/* mob_abis_dedup sends MOSIP ABIS messages for clear packet app under
 * referenceId ref (a fresh UUID, never the application number):
 * "mosip.abis.insert" then "mosip.abis.identify" (flags maxResults,
 * targetFPIR), with the captures' hashes and qualities only — no name, no
 * CIN, no number — and appends each candidate the ABIS returns as
 * {"kind": "biometric", "application_no"} (its referenceId mapped back
 * through mob_received.abis_ref) to cands. An ABIS that does not answer is
 * SJ_EIO (the validation is retried as a whole: nothing is recorded). */
SJ_MUST_USE sj_err mob_abis_dedup(db_conn *c, json_t *app, const char *ref, json_t *cands);

/* --- hand-over and the public status (handover.c) --- */

extern const rec_desc mob_handover_rec, mob_public_rec;
/* mob_handover hands the card of application id over on the kit: central
 * said it is ready or dispatched (409 "card-not-ready"), not handed yet
 * (409 "card-already-handed"), the old card collected for a renewal or a
 * change (422 "old-card-required"), the PIN envelope's reference; and
 * either a 1:1 check — one finger captured by a registered device
 * (transaction "handover:<id>") equal to the application's accepted
 * capture of that finger (422 "handover-mismatch") — or an override with
 * a reason by the tour's supervisor (409 "not-supervisor"); neither: 422
 * "handover-needs-check". The check or the override is recorded. */
SJ_MUST_USE sj_err mob_handover(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out,
				const char **why);
/* mob_public_status answers anyone, from address addr, about application
 * number (its printed form) with its code: counted per address hash in the
 * hour like the desk's verification (setting desk.verify_per_hour: beyond,
 * SJ_ELIMIT "rate-limited" with *retry_s); *out always {"found", "status",
 * "unit", "updated_on"} — the members other than found null when the
 * number is unknown or the code differs (constant-time compare). Never a
 * name, a CIN or an address. hash: the address's anonymous name. */
SJ_MUST_USE sj_err mob_public_status(db_conn *c, const char *addr, const char *number, const char *code, json_t **out,
				     char hash[65], int64_t *retry_s, const char **why);

/* --- figures (figures.c) --- */

extern const rec_desc mob_figures_rec;
/* mob_figures returns tour id's figures (for whoever may read the tour):
 * {"enrolments", "per_day": [{day, commune, request_type, count}],
 * "rejections": [{reason, count}] ("supervisor" or central's reason),
 * "duplicates", "to_ready_h" and "to_handed_h": {median, p90, n}} —
 * computed from the kit's applications and the status central sent back. */
SJ_MUST_USE sj_err mob_figures(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why);

/* --- the mobile figures of the statistics report (figures.c) ---
 *
 *     json_t *mob = NULL;
 *     e = mobile_stats_figures(c, scope.ids, p.from, p.to, &mob);   (stats_period's days)
 *
 * mobile_stats_figures returns (new object) the mobile units' figures at
 * central for the legal days from_day..to_day (YYYYMMDD, inclusive) and the
 * units whose ids are in unit_ids (a JSON array of strings; NULL: every
 * unit): {"from", "to", "tours", "enrolments", "validated", "rejected",
 * "rejected_by_reason": [{reason, count}], "in_adjudication",
 * "handed_over", "units": {unit id: {tours, enrolments, validated,
 * rejected, in_adjudication, handed_over}}} (only units with a figure).
 * tours: planned in the unit (the unit the kit hosts), not cancelled,
 * counted on the day they start; enrolments: applications whose packet
 * central received in the period (a replayed copy is not one), validated
 * (accepted, adjudication included) or rejected with central's reason
 * (packet-*, capture-*, "duplicate" by adjudication); handed_over: cards
 * whose hand-over the kit reported (mob_handovers) in the period. The
 * supervisor's rejections on the kit never reach central (only approved
 * applications are sealed): they are in the tour's figures (mob_figures).
 * No figure names a person. SJ_EINVAL for days out of order. */
SJ_MUST_USE sj_err mobile_stats_figures(db_conn *c, json_t *unit_ids, int64_t from_day, int64_t to_day,
					json_t **out);

/* --- feeds to the kit (feeds.c; entries of xchg_feeds[]) --- */

/* "mobile-kit": central's box key (first answer), the tours of the node's
 * unit (stops, team by badge) and the registered devices, by creation
 * time. Applied as the kit's copies (tour status "provisioned"); a tour
 * whose supervisor has no account on the kit waits. */
SJ_MUST_USE sj_err mob_feed_kit_produce(db_conn *c, const xchg_peer *p, int64_t after, int64_t upto, size_t limit,
					json_t *records, int64_t *cursor, bool *more);
SJ_MUST_USE sj_err mob_feed_kit_apply(db_conn *c, json_t *records, int64_t issued_at, int64_t *applied);
/* "mobile-status": what central made of each packet of the node's unit
 * (outcome, reason, production status), by status time; applied to the
 * kit's application of that number (central_status, central_reason). */
SJ_MUST_USE sj_err mob_feed_status_produce(db_conn *c, const xchg_peer *p, int64_t after, int64_t upto,
					   size_t limit, json_t *records, int64_t *cursor, bool *more);
SJ_MUST_USE sj_err mob_feed_status_apply(db_conn *c, json_t *records, int64_t issued_at, int64_t *applied);

#endif
