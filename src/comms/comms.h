/* comms.h — security communication (issue 15): the register of communication
 * activities (communiqués, press items, truth statements, filmed reports with
 * a media partner, awareness content, interviews, event coverage, open days)
 * with its workflow drafted → reviewed → approved → published, the
 * personal-data check before approval, seals on communiqués and truth
 * statements, corrections as new versions; the fake-content watch (claims,
 * their verification, duplicates, crises and their board, archived copies,
 * ClaimReview export); engagement figures; major events and their security
 * arrangements; the links case officers make so communication can speak of a
 * case; the yearly bilan. docs/internals/comms.md tells the rules and why.
 *
 * Every function works inside the caller's write transaction (the handler
 * appends the audit entry in the same one) and takes the actor it works for.
 * Unit scope: communication users write records of their unit and below
 * (ROLES_COMMS of auth/roles.h) and read the same; major events and crises
 * are national tags every communication user reads. Case data is read only
 * through cases.h, for a link a case officer made (comms_case_link_create).
 *
 * Errors: SJ_EINVAL with *field (400), SJ_EUNPROCESSABLE with *why (422, a
 * rule refuses it), SJ_ECONFLICT with *why (409, the record's state refuses
 * it), SJ_ENOTFOUND (404), SJ_EFORBIDDEN (outside the actor's scope; nothing
 * was written). *why is a stable reason code with "err.<why>" in the
 * dictionaries. Where the refusal carries data (the personal-data matches
 * to confirm, the CSV rows in error) *extra receives a new object for the
 * problem document (the caller owns it; NULL otherwise).
 */
#ifndef SJ_COMMS_H
#define SJ_COMMS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "core/actor.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/record.h"
#include "db/db.h"

#define COMMS_NUMBER_MAX    96
#define COMMS_MAX_TITLE     300
#define COMMS_MAX_URL       2048
#define COMMS_MAX_MEDIA     100          /* a media type, bytes */
#define COMMS_FILE_MAX      (700 * 1024) /* an archived copy or media item, decoded: fits a 1 MiB body in base64 */
#define COMMS_FILE_B64_MAX  (((COMMS_FILE_MAX + 2) / 3) * 4)
#define COMMS_CSV_MAX       (768 * 1024) /* an engagement export, bytes */
#define COMMS_CSV_ROWS_MAX  5000         /* rows of one export */
#define COMMS_IMPORT_MAX    1000         /* activities per register import request */
#define COMMS_CHANNELS_MAX  9
#define COMMS_UNITS_MAX     64           /* units involved in an event */
#define COMMS_PII_MAX       200          /* personal-data matches reported for one activity */
#define COMMS_COUNT_MAX     100000000000LL /* views/likes/... of one item */
#define COMMS_TOP_ITEMS     10
#define COMMS_ERRORS_SHOWN  100          /* CSV row errors listed in one answer */

/* The records, described once (core/record.h). The route table names them
 * as bodies and replies; the UI reads them from the OpenAPI document. */
extern const rec_desc comms_activity_rec;   /* an activity: POST/PATCH body, the activity as read */
extern const rec_desc comms_approve_rec;    /* {confirm: [match keys]} */
extern const rec_desc comms_cancel_rec;     /* {reason} */
extern const rec_desc comms_import_rec;     /* {unit?, activities: [...]} — the register kept before sijill */
extern const rec_desc comms_claim_rec;      /* a claim (fake-content watch) */
extern const rec_desc comms_claim_status_rec; /* {status, evidence} */
extern const rec_desc comms_claim_dup_rec;  /* {of: claim id} */
extern const rec_desc comms_file_rec;       /* an upload: {name, media_type, data (base64), caption?} */
extern const rec_desc comms_crisis_rec;
extern const rec_desc comms_event_rec;
extern const rec_desc comms_engagement_rec; /* one observation entered by hand */
extern const rec_desc comms_csv_rec;        /* {platform, channel?, filename?, csv} */
extern const rec_desc comms_case_link_rec;  /* {unit, summary_ar?, summary_fr?} */
extern const rec_enum comms_kinds, comms_statuses, comms_channels, comms_platforms, comms_claim_statuses;

/* ---- case links (made by a case officer; cases.h is the only reader of the case) ---- */

/* comms_case_link_create lets the communication unit `unit` (a code: the
 * case's unit or one above it) speak of case case_id, with the summaries
 * the officer wrote. The actor must be a unit writer of the case's scope
 * (SJ_EFORBIDDEN). *out: the link as read. 422 comms-link-unit. */
SJ_MUST_USE sj_err comms_case_link_create(db_conn *c, const sj_actor *a, const char *case_id, json_t *in,
					  json_t **out, const char **why);
/* comms_case_link_list returns the links addressed to units in the actor's
 * scope, newest first (new array): number, unit, summaries — never persons. */
SJ_MUST_USE sj_err comms_case_link_list(db_conn *c, const sj_actor *a, int limit, int64_t offset, json_t **out);

/* ---- the register ---- */

/* comms_activity_create drafts an activity in the actor's unit from in
 * (checked against comms_activity_rec). A truth statement names the claim it
 * answers (claim_id): the first report of it, verified false or misleading,
 * not yet answered — the answer is reserved here, so a claim is never
 * answered twice. *out: the activity as read. */
SJ_MUST_USE sj_err comms_activity_create(db_conn *c, const sj_actor *a, json_t *in, json_t **out,
					 const char **why);
/* comms_activity_get returns activity id as read (joined badges, the case
 * link's summary, the claim, and for a sealed one "seal" with "verified":
 * the signature, the hash and the columns checked against the sealed
 * content on this read). SJ_EFORBIDDEN outside the scope. */
SJ_MUST_USE sj_err comms_activity_get(db_conn *c, const sj_actor *a, const char *id, json_t **out);
/* comms_activity_list: activities in the actor's scope, newest date first,
 * filtered by kind, status and year when not NULL/0 (new array). */
SJ_MUST_USE sj_err comms_activity_list(db_conn *c, const sj_actor *a, const char *kind, const char *status,
				       int year, int limit, int64_t offset, json_t **out);
/* comms_activity_update changes a draft (or a reviewed one, which goes back
 * to draft: a review covers a text). 409 comms-not-editable after approval. */
SJ_MUST_USE sj_err comms_activity_update(db_conn *c, const sj_actor *a, const char *id, json_t *patch,
					 json_t **out, const char **why);
/* comms_activity_review: draft → reviewed, by someone other than the drafter
 * (409 comms-review-own); 422 comms-text-required for a kind that needs a text. */
SJ_MUST_USE sj_err comms_activity_review(db_conn *c, const sj_actor *a, const char *id, json_t **out,
					 const char **why);
/* comms_activity_pii returns {"matches": [...]} for the activity's texts:
 * CIN numbers, telephone numbers, and (for a linked case) the full names of
 * its persons and any name of a minor among them (docs/internals/comms.md).
 * Each match: {key, kind, field, text, reason}. */
SJ_MUST_USE sj_err comms_activity_pii(db_conn *c, const sj_actor *a, const char *id, json_t **out);
/* comms_activity_approve: reviewed → approved by the unit's head of
 * communication, never the drafter (409 comms-approve-own). The check runs
 * again here; a match whose key is not in confirm (an array of strings, may
 * be NULL) holds the approval: 409 comms-pii-unconfirmed with *extra
 * {"matches": the unconfirmed ones}. The confirmed matches are kept with who
 * confirmed them and when. */
SJ_MUST_USE sj_err comms_activity_approve(db_conn *c, const sj_actor *a, const char *id, json_t *confirm,
					  json_t **out, const char **why, json_t **extra);
/* comms_activity_publish: approved → published. A communiqué or a truth
 * statement is sealed here — canonical JSON of what is published, BLAKE2b
 * hashed and Ed25519-signed with the approver's key, so only its approver
 * publishes it (409 comms-seal-approver). Publishing a truth statement
 * records the claim's answered_at (time to rebuttal); a correction marks the
 * version it corrects as superseded. */
SJ_MUST_USE sj_err comms_activity_publish(db_conn *c, const sj_actor *a, const char *id, json_t **out,
					  const char **why);
/* comms_activity_cancel: an unpublished activity is cancelled with reason
 * (kept, never deleted); a truth statement's claim may then be answered by
 * another. 409 comms-not-cancellable once published. */
SJ_MUST_USE sj_err comms_activity_cancel(db_conn *c, const sj_actor *a, const char *id, const char *reason,
					 json_t **out, const char **why);
/* comms_activity_correct drafts the correction of a published activity: a
 * new version (version + 1, corrects_id) with its fields, to be edited and
 * published through the same workflow. One correction per version (409
 * comms-correction-exists); the published version is never edited. */
SJ_MUST_USE sj_err comms_activity_correct(db_conn *c, const sj_actor *a, const char *id, json_t **out,
					  const char **why);
/* comms_activity_print_html renders activity id (re-verified now) as a
 * bilingual A4 document into out (a buf the caller initialised and frees). */
SJ_MUST_USE sj_err comms_activity_print_html(db_conn *c, const sj_actor *a, const char *id, buf *out);
/* comms_register_import loads activities of the register kept before sijill
 * (in: comms_import_rec) into unit (a code; NULL: the actor's) as published
 * records marked imported — no workflow, no seal, by the head of
 * communication. All or nothing: any bad row refuses the whole request with
 * *extra {"errors": [{index, field, code}]}. A ref already imported for the
 * unit is skipped, so the same file twice changes nothing. *out:
 * {created, skipped}. */
SJ_MUST_USE sj_err comms_register_import(db_conn *c, const sj_actor *a, json_t *in, json_t **out,
					 const char **why, json_t **extra);

/* ---- the personal-data check (pii.c; pure, for tests too) ---- */

/* comms_pii_scan appends to matches (an array) what personal data the texts
 * hold: texts is an object {field: text}; persons (may be NULL) the persons
 * of a linked case as cases.h's case_persons returns them; on_date
 * "YYYY-MM-DD" decides who is a minor (under 18 then). At most
 * COMMS_PII_MAX matches. */
SJ_MUST_USE sj_err comms_pii_scan(json_t *texts, json_t *persons, const char *on_date, json_t *matches);

/* ---- the fake-content watch ---- */

/* comms_claim_create registers a claim in the actor's unit (status
 * received, received_at the system's time). The same claim reported again —
 * the same link once normalised, or the same text once normalised — is
 * linked to its first report (duplicate_of), whose status and answer it
 * shares. A crisis must be active (422 comms-crisis-closed). */
SJ_MUST_USE sj_err comms_claim_create(db_conn *c, const sj_actor *a, json_t *in, json_t **out,
				      const char **why);
/* comms_claim_get returns the claim as read, with its first report, its
 * answer and the time to rebuttal (answered_at − received_at, both recorded
 * by the system), and the archived copy's name, type, size and hash. */
SJ_MUST_USE sj_err comms_claim_get(db_conn *c, const sj_actor *a, const char *id, json_t **out);
/* comms_claim_list: claims in scope, newest first, optionally of one crisis
 * and one status (new array). */
SJ_MUST_USE sj_err comms_claim_list(db_conn *c, const sj_actor *a, const char *crisis_id, const char *status,
				    int limit, int64_t offset, json_t **out);
/* comms_claim_set_status: received → verifying → false | misleading | true |
 * unverifiable (a verdict needs evidence: 422 comms-evidence-required), with
 * who and when; a verdict is final (409 comms-claim-final); a duplicate
 * follows its first report (409 comms-claim-duplicate). */
SJ_MUST_USE sj_err comms_claim_set_status(db_conn *c, const sj_actor *a, const char *id, const char *status,
					  const char *evidence, json_t **out, const char **why);
/* comms_claim_link_duplicate links claim id to the first report of `of`
 * (found by hand when the links differ). Refused when id is itself a first
 * report with duplicates, or either claim is answered (409). */
SJ_MUST_USE sj_err comms_claim_link_duplicate(db_conn *c, const sj_actor *a, const char *id, const char *of,
					      json_t **out, const char **why);
/* comms_claim_archive stores the archived copy of the claim (in: a checked
 * comms_file_rec body) with its BLAKE2b-256; one per claim (409
 * comms-archive-exists). Types: see comms_file_add. */
SJ_MUST_USE sj_err comms_claim_archive(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out,
				       const char **why);
/* comms_claim_review_jsonld returns the verdict as schema.org ClaimReview
 * JSON-LD (lang "ar" or "fr" for the rating's name); 409 comms-no-verdict
 * before a verdict. */
SJ_MUST_USE sj_err comms_claim_review_jsonld(db_conn *c, const sj_actor *a, const char *id, const char *lang,
					     json_t **out, const char **why);

/* comms_crisis_create opens a crisis tag in the actor's unit (code unique:
 * 409 comms-crisis-code). comms_crisis_close ends it (ended_on today). */
SJ_MUST_USE sj_err comms_crisis_create(db_conn *c, const sj_actor *a, json_t *in, json_t **out, const char **why);
SJ_MUST_USE sj_err comms_crisis_close(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why);
/* comms_crisis_list: every crisis, newest first (national tags). */
SJ_MUST_USE sj_err comms_crisis_list(db_conn *c, json_t **out);
/* comms_crisis_board returns the live board of a crisis for the actor's
 * scope: counts by status, answered, median time to rebuttal, the claims
 * (newest first, at most limit) with reach and age. */
SJ_MUST_USE sj_err comms_crisis_board(db_conn *c, const sj_actor *a, const char *id, int limit, json_t **out);

/* comms_file_add stores an upload (in: comms_file_rec) for owner (kind
 * "claim" or "event", owner_id) in unit_id: data is base64 (400 data
 * base64), at most COMMS_FILE_MAX bytes decoded (413 comms-file-too-large);
 * accepted types PNG, JPEG, WebP, GIF, PDF, MP4 — anything else is 415
 * comms-file-type, and bytes that are not what the type says 422
 * comms-file-mismatch. *file_id gets the id; *out (may be NULL) the file's
 * description {id, name, media_type, size, hash}. */
SJ_MUST_USE sj_err comms_file_add(db_conn *c, const sj_actor *a, const char *unit_id, const char *owner_kind,
				  const char *owner_id, json_t *in, char file_id[37], json_t **out, const char **why);
/* comms_file_get returns the bytes of file id (*data malloc'd, the caller
 * frees), its type and a file name to offer; scope of the owning unit. */
SJ_MUST_USE sj_err comms_file_get(db_conn *c, const sj_actor *a, const char *id, unsigned char **data,
				  size_t *len, char media_type[COMMS_MAX_MEDIA + 1], char name[80]);
/* comms_file_error_status maps a comms_file_add reason to its HTTP status. */
int comms_file_error_status(const char *why);

/* ---- engagement ---- */

/* comms_engagement_add records one observation by hand (in:
 * comms_engagement_rec) for a published activity (409 comms-not-published);
 * the same day and channel again replaces that day's figures. */
SJ_MUST_USE sj_err comms_engagement_add(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out,
					const char **why);
/* comms_engagement_import reads a platform's CSV export (in: comms_csv_rec)
 * for a published activity, with the column mapping of its platform
 * (docs/internals/comms.md). All or nothing: wrong columns (422
 * comms-csv-columns, *extra {missing}), a malformed file (422
 * comms-csv-syntax) or bad rows (422 comms-csv-rows, *extra {errors:
 * [{line, column, code}]}) write nothing. The same file twice is recognised
 * by its hash and changes nothing (*out "already_imported": true). */
SJ_MUST_USE sj_err comms_engagement_import(db_conn *c, const sj_actor *a, const char *id, json_t *in,
					   json_t **out, const char **why, json_t **extra);
/* comms_engagement_list returns the activity's series, by channel and day,
 * and the totals (latest snapshot of each channel, summed). */
SJ_MUST_USE sj_err comms_engagement_list(db_conn *c, const sj_actor *a, const char *id, json_t **out);

/* ---- major events ---- */

SJ_MUST_USE sj_err comms_event_create(db_conn *c, const sj_actor *a, json_t *in, json_t **out, const char **why);
/* comms_event_get: the event with its media items (hashes) and the coverage
 * produced (published activities naming it). National: every communication
 * user reads events. */
SJ_MUST_USE sj_err comms_event_get(db_conn *c, const sj_actor *a, const char *id, json_t **out);
SJ_MUST_USE sj_err comms_event_list(db_conn *c, int year, int limit, int64_t offset, json_t **out);
/* comms_event_update changes the event (its home unit's scope). */
SJ_MUST_USE sj_err comms_event_update(db_conn *c, const sj_actor *a, const char *id, json_t *patch, json_t **out,
				      const char **why);
/* comms_event_media adds a media item of the documented arrangements (in:
 * comms_file_rec; types as comms_file_add). */
SJ_MUST_USE sj_err comms_event_media(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out,
				     const char **why);

/* ---- the bilan ---- */

/* comms_bilan returns the communication bilan of year for unit_code and
 * below (NULL: the actor's scope; national for a national actor or the
 * root unit): activities by kind and month, the information activities
 * (communiqués and press items), truth statements and the median time to
 * rebuttal, filmed reports by partner, the top items by engagement, the
 * crises, the major events. Counts published activities by their date.
 * SJ_EFORBIDDEN when the unit is outside the actor's scope. */
SJ_MUST_USE sj_err comms_bilan(db_conn *c, const sj_actor *a, int year, const char *unit_code, json_t **out);

#endif
