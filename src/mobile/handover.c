/* handover.c — the card handed over on the kit (only after a recorded 1:1
 * check of the citizen's finger through the device interface, or a
 * supervisor's override with a reason), and the public status check of an
 * application by its number and code, which shows no personal data
 * (mobile.h). */
#include "mobile/mobile.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "desk/desk.h"
#include "settings/settings.h"

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

#define HANDOVER_FIELDS(X) \
	X(V, biometrics, ANY, 0, 0, NULL, IN | NULLABLE) \
	X(V, override_reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | NULLABLE) \
	X(V, old_card_collected, BOOL, 0, 0, NULL, IN | NULLABLE) \
	X(V, pin_envelope, CODE, 1, SJ_MAX_REFERENCE, NULL, IN | REQ)
static const rec_field handover_fields[] = {HANDOVER_FIELDS(REC_FIELD)};
const rec_desc mob_handover_rec = REC_DESC("mob_handover", NULL, handover_fields, NULL);

static const char sql_match[] =
	"SELECT COUNT(*) FROM mob_captures WHERE enrolment_id = ? AND modality = 'finger' AND position = ?"
	" AND bio_hash = ? AND accepted = 1";
static const char sql_hand[] =
	"UPDATE mob_enrolments SET handed_at = ?, handed_by = ?, handover_check = ?, handover_reason = ?,"
	" old_card_collected = ?, pin_envelope = ? WHERE id = ? AND handed_at IS NULL";
/* the hand-over travels to central (mob_handovers is exchanged, migration
 * 0215): the number, the time and the kind of check — no personal data */
static const char sql_hand_row[] =
	"INSERT INTO mob_handovers (id, unit_id, application_no, handed_at, handover_check)"
	" SELECT ?, unit_id, application_no, handed_at, handover_check FROM mob_enrolments WHERE id = ?";

/* one_to_one verifies the single capture of bios (txn "handover:<id>")
 * and compares it with the application's accepted capture of that finger.
 * The simulated device gives the same image for the same finger, so
 * equality of the image's hash stands for the matcher; a real device pairs
 * with a 1:1 matcher SDK whose score would be compared here. */
static sj_err one_to_one(db_conn *c, const char *id, json_t *bios, const char **why)
{
	if (!json_is_array(bios) || json_array_size(bios) != 1) {
		*why = "capture-malformed";
		return SJ_EUNPROCESSABLE;
	}
	char head[MOB_HASH_HEX + 1], hash[MOB_HASH_HEX + 1], txn[64];
	mob_chain_genesis(head);
	snprintf(txn, sizeof txn, "handover:%s", id);
	json_t *p = NULL;
	sj_err e = mob_capture_verify(c, json_array_get(bios, 0), head, txn, &p, hash, why);
	if (e)
		return e;
	int64_t n = 0;
	e = js(p, "bioSubType") ? dbj_int(c, sql_match, &n, "ttt", id, js(p, "bioSubType"), js(p, "bio_hash")) : SJ_OK;
	json_decref(p);
	if (!e && !n) {
		*why = "handover-mismatch";
		e = SJ_EUNPROCESSABLE;
	}
	return e;
}

sj_err mob_handover(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out, const char **why)
{
	*out = NULL;
	json_t *o = NULL;
	sj_err e = mob_enrolment_read(c, a, id, &o, why);
	if (!e && !actor_can_write(a, js(o, "unit_path")))
		e = SJ_EFORBIDDEN;
	const char *cs = js(o, "central_status");
	if (!e && (!cs || (strcmp(cs, "ready") != 0 && strcmp(cs, "dispatched") != 0))) {
		*why = "card-not-ready";
		e = SJ_ECONFLICT;
	}
	if (!e && json_is_integer(json_object_get(o, "handed_at"))) {
		*why = "card-already-handed";
		e = SJ_ECONFLICT;
	}
	const char *rt = e ? "" : js(o, "request_type");
	if (!e && (strcmp(rt, "renewal") == 0 || strcmp(rt, "change") == 0) &&
	    !json_is_true(json_object_get(in, "old_card_collected"))) {
		*why = "old-card-required";
		e = SJ_EUNPROCESSABLE;
	}
	char tour[64] = "";
	if (!e)
		snprintf(tour, sizeof tour, "%s", js(o, "tour_id"));
	json_decref(o);
	if (e)
		return e;
	json_t *bios = json_object_get(in, "biometrics");
	const char *reason = js(in, "override_reason"), *check = "match";
	if (json_array_size(bios)) {
		if ((e = one_to_one(c, id, bios, why)))
			return e;
	} else if (reason) {
		bool sup = false;
		if ((e = mob_tour_member(c, tour, a->id, "supervisor", &sup)))
			return e;
		if (!sup) {
			*why = "not-supervisor";
			return SJ_ECONFLICT;
		}
		check = "override";
	} else {
		*why = "handover-needs-check";
		return SJ_EUNPROCESSABLE;
	}
	e = db_run(c, sql_hand, "itttitt", clock_now_ms(), a->id, check, strcmp(check, "override") == 0 ? reason : NULL,
		   (int64_t)(json_is_true(json_object_get(in, "old_card_collected")) ? 1 : 0), js(in, "pin_envelope"), id);
	char hid[ID_LEN + 1];
	id_new(hid);
	e = e ? e : db_run(c, sql_hand_row, "tt", hid, id);
	return e ? e : mob_enrolment_read(c, a, id, out, why);
}

/* ------------------------------------------------------------ public status */

#define PUBLIC_FIELDS(X) \
	X(V, found, BOOL, 0, 0, NULL, OUT) \
	X(V, status, CODE, 1, 32, NULL, OUT) \
	X(V, unit, CODE, 1, 64, NULL, OUT) \
	X(V, updated_on, DATE, 0, 10, NULL, OUT)
static const rec_field public_fields[] = {PUBLIC_FIELDS(REC_FIELD)};
const rec_desc mob_public_rec = REC_DESC("mob_public_status", NULL, public_fields, NULL);

#define STATUS_WINDOW_MS 3600000LL

/* At central the received application (its code inside the applicant);
 * on a kit its own application. */
static const char sql_central[] =
	"SELECT status, unit, status_at AS at, applicant FROM mob_received WHERE application_no = ?"
	" AND (reason IS NULL OR reason <> 'packet-replay') ORDER BY received_at LIMIT 1";
static const char sql_kit[] =
	"SELECT COALESCE(CASE WHEN handed_at IS NOT NULL THEN 'handed' END, central_status, status) AS status,"
	" unit, COALESCE(handed_at, central_at, created_at) AS at, verify_code FROM mob_enrolments"
	" JOIN (SELECT id AS u_id, code AS unit FROM units) u ON u.u_id = unit_id WHERE application_no = ?";

sj_err mob_public_status(db_conn *c, const char *addr, const char *number, const char *code, json_t **out,
			 char hash[65], int64_t *retry_s, const char **why)
{
	*out = NULL;
	char key[80];
	int64_t now = clock_now_ms(), count = 0, start = now;
	sj_err e = desk_addr_hash(c, addr, hash);
	snprintf(key, sizeof key, "mobstatus:%.64s", hash);
	e = e ? e : auth_rate_count(c, key, now, STATUS_WINDOW_MS, &count, &start);
	if (e)
		return e;
	if (count > settings_int(c, "desk.verify_per_hour")) {
		*retry_s = (start + STATUS_WINDOW_MS - now) / 1000 + 1;
		*why = "rate-limited";
		return SJ_ELIMIT;
	}
	/* the number as printed (the public form, '-' for '/') */
	char no[DESK_NUMBER_MAX + 1] = "";
	if (number && strlen(number) <= DESK_NUMBER_MAX) {
		snprintf(no, sizeof no, "%s", number);
		/* AR-CASA-OULFA-2026-EN-000001 → AR-CASA-OULFA/2026/EN-000001 */
		char *en = strstr(no, "-EN-");
		if (en && en - no > 5 && en[-5] == '-') {
			en[-5] = '/';
			en[0] = '/';
		}
	}
	json_t *row = NULL;
	const char *stored_code = NULL;
	e = no[0] ? dbj_one(c, sql_central, "status:t,unit:t,at:i,applicant:j", &row, "t", no) : SJ_ENOTFOUND;
	if (!e)
		stored_code = js(json_object_get(row, "applicant"), "verify_code");
	if (e == SJ_ENOTFOUND && no[0] &&
	    !(e = dbj_one(c, sql_kit, "status:t,unit:t,at:i,verify_code:t", &row, "t", no)))
		stored_code = js(row, "verify_code");
	if (e && e != SJ_ENOTFOUND)
		return e;
	char typed[DESK_CODE_LEN + 1] = "", stored[DESK_CODE_LEN + 1] = "~~~~~~~~";
	size_t n = code ? strlen(code) : 0;
	bool shape = n == DESK_CODE_LEN;
	for (size_t i = 0; i < DESK_CODE_LEN; i++)
		typed[i] = shape ? (char)toupper((unsigned char)code[i]) : '!';
	if (stored_code && strlen(stored_code) == DESK_CODE_LEN)
		memcpy(stored, stored_code, DESK_CODE_LEN);
	bool match = sodium_memcmp(typed, stored, DESK_CODE_LEN) == 0 && shape && row;
	char day[11] = "";
	if (match)
		clock_legal_date((int64_t)json_integer_value(json_object_get(row, "at")), day);
	*out = json_pack("{s:b,s:s?,s:s?,s:s?}", "found", match, "status", match ? js(row, "status") : NULL, "unit",
			 match ? js(row, "unit") : NULL, "updated_on", match ? day : NULL);
	json_decref(row);
	return *out ? SJ_OK : SJ_ENOMEM;
}
