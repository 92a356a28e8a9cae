/* verify.c — the verifiable documents of the desk (receipts, certificates),
 * their public verification, the anonymous name of a verifying address,
 * the QR code, and the desk's day (see desk.h). */
#include "desk/desk.h"

#include <ctype.h>
#include <qrencode.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "auth/auth.h"
#include "org/units.h"
#include "settings/settings.h"

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* ------------------------------------------------------------ the records */

REC_ENUM_DEF(document_kinds, "desk_document_kind", "loss_receipt", "theft_receipt", "residence_certificate");

/* A document the desk printed, as verification finds it: its public number,
 * its random code (never OUT), its kind, unit, date and validity. */
#define DOCUMENT_FIELDS(X) \
	X(C, verify_no, CODE, 1, DESK_NUMBER_MAX, NULL, OUT) \
	X(C, code, CODE, 1, DESK_CODE_LEN, NULL, 0) \
	X(C, kind, ENUM, 0, 0, &document_kinds, OUT) \
	X(C, record_id, ID, 0, 36, NULL, 0) \
	X(C, unit_id, ID, 0, 36, NULL, 0) \
	X(C, issued_at, TIME, 0, 0, NULL, OUT) \
	X(C, valid_until, TIME, 0, 0, NULL, OUT) \
	X(E, revoked_at, TIME, 0, 0, NULL, OUT)
static const rec_field document_fields[] = {REC_ID_FIELD, DOCUMENT_FIELDS(REC_FIELD)};
const rec_desc desk_document_rec = REC_DESC("desk_document", "desk_documents", document_fields, NULL);

/* The public answer: always these members, null when nothing matched. No
 * name, no address, no CIN: nothing here is personal data. */
#define VERIFY_FIELDS(X) \
	X(V, found, BOOL, 0, 0, NULL, OUT) \
	X(V, kind, ENUM, 0, 0, &document_kinds, OUT | NULLABLE) \
	X(V, unit, CODE, 1, UNIT_CODE_MAX, NULL, OUT | NULLABLE) \
	X(V, unit_name_fr, TEXT, 1, UNIT_NAME_MAX, NULL, OUT | NULLABLE) \
	X(V, unit_name_ar, TEXT, 1, UNIT_NAME_MAX, NULL, OUT | NULLABLE) \
	X(V, issued_on, DATE, 0, 10, NULL, OUT | NULLABLE) \
	X(V, valid_until, DATE, 0, 10, NULL, OUT | NULLABLE) \
	X(V, valid, BOOL, 0, 0, NULL, OUT | NULLABLE) \
	X(V, cancelled, BOOL, 0, 0, NULL, OUT | NULLABLE)
static const rec_field verify_fields[] = {VERIFY_FIELDS(REC_FIELD)};
const rec_desc desk_verify_rec = REC_DESC("verification", NULL, verify_fields, NULL);

/* ------------------------------------------------------------ helpers */

/* Crockford's base 32: no I, L, O, U, so a code read aloud or retyped from
 * paper is not mistaken. */
static const char CROCKFORD[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

void desk_new_code(char out[DESK_CODE_LEN + 1])
{
	for (int i = 0; i < DESK_CODE_LEN; i++)
		out[i] = CROCKFORD[randombytes_uniform(32)];
	out[DESK_CODE_LEN] = '\0';
}

void desk_public_number(const char *number, char out[DESK_NUMBER_MAX + 1])
{
	snprintf(out, DESK_NUMBER_MAX + 1, "%s", number);
	for (char *p = out; *p; p++)
		if (*p == '/')
			*p = '-';
}

static const char sql_doc_add[] =
	"INSERT INTO desk_documents (" REC_COLS(DOCUMENT_FIELDS) ") VALUES (" REC_QS(DOCUMENT_FIELDS) ")";

sj_err desk_document_add(db_conn *c, const sj_actor *a, const char *kind, const char *record_id, const char *number,
			 const char *code, int64_t issued_at, int64_t valid_until)
{
	char id[ID_LEN + 1];
	id_new(id);
	json_t *row = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:I}", "id", id, "verify_no", number, "code", code, "kind",
				kind, "record_id", record_id, "unit_id", a->unit_id, "issued_at", (json_int_t)issued_at);
	if (!row)
		return SJ_ENOMEM;
	if (valid_until)
		json_object_set_new(row, "valid_until", json_integer(valid_until));
	sj_err e = dbj_write(c, sql_doc_add, &desk_document_rec, row, false, "");
	json_decref(row);
	return e;
}

sj_err desk_html_esc(buf *b, const char *s)
{
	sj_err e = SJ_OK;
	for (const char *p = s ? s : ""; *p && !e; p++) {
		switch (*p) {
		case '&': e = buf_adds(b, "&amp;"); break;
		case '<': e = buf_adds(b, "&lt;"); break;
		case '>': e = buf_adds(b, "&gt;"); break;
		case '"': e = buf_adds(b, "&quot;"); break;
		case '\'': e = buf_adds(b, "&#39;"); break;
		default: e = buf_addc(b, *p); break;
		}
	}
	return e;
}

/* One dark module is one unit square; a quiet zone of 4 modules around
 * (ISO/IEC 18004 §6.3.8). One path, so the SVG stays small. */
sj_err desk_qr_svg(buf *b, const char *text)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return SJ_ENOMEM;
	int w = q->width, size = w + 8;
	sj_err e = buf_printf(b,
			      "<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
			      "shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
			      "<path fill=\"#000\" d=\"",
			      size, size, size, size);
	for (int y = 0; y < w && !e; y++)
		for (int x = 0; x < w && !e; x++)
			if (q->data[y * w + x] & 1)
				e = buf_printf(b, "M%d %dh1v1h-1z", x + 4, y + 4);
	e = e ? e : buf_adds(b, "\"/></svg>");
	QRcode_free(q);
	return e;
}

/* ------------------------------------------------------------ verification */

static const char sql_find[] =
	"SELECT kind, code, issued_at, valid_until, revoked_at, unit, unit_name_fr, unit_name_ar FROM desk_documents"
	" JOIN (SELECT id AS u_id, code AS unit, name_fr AS unit_name_fr, name_ar AS unit_name_ar FROM units) u"
	" ON u.u_id = unit_id WHERE verify_no = ?";
#define FIND_COLS "kind:t,code:t,issued_at:i,valid_until:i,revoked_at:i,unit:t,unit_name_fr:t,unit_name_ar:t"

#define VERIFY_WINDOW_MS 3600000LL

sj_err desk_verify(db_conn *c, const char *addr, const char *number, const char *code, json_t **out, char hash[65],
		   int64_t *retry_s, const char **why)
{
	*out = NULL;
	json_t *row = NULL;
	char key[80];
	int64_t now0 = clock_now_ms(), count = 0, start = now0;
	sj_err e = desk_addr_hash(c, addr, hash);
	snprintf(key, sizeof key, "verify:%.64s", hash);
	e = e ? e : auth_rate_count(c, key, now0, VERIFY_WINDOW_MS, &count, &start);
	if (e)
		return e;
	if (count > settings_int(c, "desk.verify_per_hour")) {
		*retry_s = (start + VERIFY_WINDOW_MS - now0) / 1000 + 1;
		*why = "rate-limited";
		return SJ_ELIMIT;
	}
	e = SJ_ENOTFOUND;
	if (number && strlen(number) <= DESK_NUMBER_MAX)
		e = dbj_one(c, sql_find, FIND_COLS, &row, "t", number);
	if (e && e != SJ_ENOTFOUND)
		return e;
	/* the code as typed: upper-cased, exactly DESK_CODE_LEN characters;
	 * compared in constant time against the stored one, or against a
	 * dummy when the number is unknown, so both take the same time */
	char typed[DESK_CODE_LEN + 1] = "", stored[DESK_CODE_LEN + 1] = "~~~~~~~~";
	size_t n = code ? strlen(code) : 0;
	bool shape = n == DESK_CODE_LEN;
	for (size_t i = 0; i < DESK_CODE_LEN; i++)
		typed[i] = shape ? (char)toupper((unsigned char)code[i]) : '!';
	if (row && js(row, "code") && strlen(js(row, "code")) == DESK_CODE_LEN)
		memcpy(stored, js(row, "code"), DESK_CODE_LEN);
	bool match = sodium_memcmp(typed, stored, DESK_CODE_LEN) == 0 && shape && row;
	json_t *o = json_pack("{s:b,s:n,s:n,s:n,s:n,s:n,s:n,s:n,s:n}", "found", match, "kind", "unit", "unit_name_fr",
			      "unit_name_ar", "issued_on", "valid_until", "valid", "cancelled");
	if (o && match) {
		int64_t now = clock_now_ms(), issued = json_integer_value(json_object_get(row, "issued_at"));
		json_t *vu = json_object_get(row, "valid_until");
		char d[11];
		clock_legal_date(issued, d);
		json_object_set(o, "kind", json_object_get(row, "kind"));
		json_object_set(o, "unit", json_object_get(row, "unit"));
		json_object_set(o, "unit_name_fr", json_object_get(row, "unit_name_fr"));
		json_object_set(o, "unit_name_ar", json_object_get(row, "unit_name_ar"));
		json_object_set_new(o, "issued_on", json_string(d));
		if (json_is_integer(vu) && json_integer_value(vu) > 0) {
			clock_legal_date((int64_t)json_integer_value(vu), d);
			json_object_set_new(o, "valid_until", json_string(d));
			json_object_set_new(o, "valid", json_boolean(now < json_integer_value(vu)));
		} else {
			json_object_set_new(o, "valid", json_true()); /* a receipt does not expire */
		}
		/* cancelled (a declaration) or revoked (a certificate): the paper
		 * exists but no longer holds, whatever its date says */
		bool gone = json_is_integer(json_object_get(row, "revoked_at"));
		json_object_set_new(o, "cancelled", json_boolean(gone));
		if (gone)
			json_object_set_new(o, "valid", json_false());
	}
	json_decref(row);
	*out = o;
	return o ? SJ_OK : SJ_ENOMEM;
}

static const char sql_secret_make[] =
	"INSERT INTO desk_secret (name, secret) VALUES ('address', ?) ON CONFLICT (name) DO NOTHING";
static const char sql_secret_get[] = "SELECT secret FROM desk_secret WHERE name = 'address'";

sj_err desk_addr_hash(db_conn *c, const char *addr, char out[65])
{
	out[0] = '\0';
	unsigned char key[32], h[32];
	char hex[65];
	randombytes_buf(key, sizeof key);
	sodium_bin2hex(hex, sizeof hex, key, sizeof key);
	json_t *row = NULL;
	sj_err e = db_run(c, sql_secret_make, "t", hex);
	e = e ? e : dbj_one(c, sql_secret_get, "secret:t", &row, "");
	size_t klen = 0;
	if (!e && (!js(row, "secret") ||
		   sodium_hex2bin(key, sizeof key, js(row, "secret"), strlen(js(row, "secret")), NULL, &klen, NULL) ||
		   klen != sizeof key))
		e = SJ_EINTERNAL;
	json_decref(row);
	if (e)
		return e;
	const char *s = addr ? addr : "";
	crypto_generichash(h, sizeof h, (const unsigned char *)s, strlen(s), key, sizeof key);
	sodium_memzero(key, sizeof key);
	sodium_bin2hex(out, 65, h, sizeof h);
	return SJ_OK;
}

/* ------------------------------------------------------------ the desk's day */

#define TODAY_FIELDS(X) \
	X(V, day, DATE, 0, 10, NULL, OUT) \
	X(V, unit, CODE, 1, UNIT_CODE_MAX, NULL, OUT) \
	X(V, declarations, ARRAY, 0, SJ_MAX_PAGE, &desk_declaration_rec, OUT) \
	X(V, to_check, ARRAY, 0, SJ_MAX_PAGE, &desk_residence_rec, OUT) \
	X(V, to_hand_over, ARRAY, 0, SJ_MAX_PAGE, &desk_residence_rec, OUT)
static const rec_field today_fields[] = {TODAY_FIELDS(REC_FIELD)};
const rec_desc desk_today_rec = REC_DESC("desk_day", NULL, today_fields, NULL);

static const char sql_today_decl[] =
	"SELECT id, receipt_no, kind, occurred_at, place, declared_at, verify_no, complaint_id FROM declarations"
	" WHERE unit_id = ? AND declared_at >= ? ORDER BY declared_at DESC, id LIMIT 200";
static const char sql_to_check[] =
	"SELECT id, status, commune, purpose, requested_at FROM residence_certificates"
	" WHERE unit_id = ? AND status = 'requested' ORDER BY requested_at, id LIMIT 200";
static const char sql_to_hand[] =
	"SELECT id, status, commune, purpose, requested_at, serial_no, issued_at, valid_until FROM residence_certificates"
	" WHERE unit_id = ? AND status = 'issued' AND handed_at IS NULL ORDER BY issued_at, id LIMIT 200";

sj_err desk_today(db_conn *c, const sj_actor *a, json_t **out)
{
	*out = NULL;
	int64_t now = clock_now_ms(), start = clock_legal_day_start(now);
	char d[11];
	clock_legal_date(now, d);
	json_t *decl = NULL, *chk = NULL, *hand = NULL;
	sj_err e = dbj_rec_rows(c, sql_today_decl, &desk_declaration_rec, &decl, "ti", a->unit_id, start);
	e = e ? e : dbj_rec_rows(c, sql_to_check, &desk_residence_rec, &chk, "t", a->unit_id);
	e = e ? e : dbj_rec_rows(c, sql_to_hand, &desk_residence_rec, &hand, "t", a->unit_id);
	if (!e && !(*out = json_pack("{s:s,s:s,s:O,s:O,s:O}", "day", d, "unit", a->unit_code, "declarations", decl,
				     "to_check", chk, "to_hand_over", hand)))
		e = SJ_ENOMEM;
	json_decref(decl);
	json_decref(chk);
	json_decref(hand);
	return e;
}
