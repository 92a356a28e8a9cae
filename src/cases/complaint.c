/* complaint.c — complaints recorded at the desk (see complaint.h). */
#include "cases/complaint.h"

#include <stdio.h>
#include <string.h>

#include "cases/cases.h"
#include "core/clock.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "persons/persons.h"
#include "registers/registers.h"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* ------------------------------------------------------------ the record */

REC_ENUM_DEF_PUBLIC(complaint_dispositions, "disposition", "pending", "case_opened", "attached", "no_offence",
		    "referred_elsewhere");

/* The complaint as recorded and as read (core/record.h). The disposition
 * columns are written by complaint_dispose (cases.c), never by a body. */
#define COMPLAINT_FIELDS(X) \
	X(C, receipt_no, CODE, 1, CASE_NUMBER_MAX, NULL, OUT) \
	X(C, unit_id, ID, 0, 36, NULL, 0) \
	X(C, complainant_id, ID, 0, 36, NULL, OUT) \
	X(C, facts, TEXT, 3, SJ_MAX_LONG_TEXT, NULL, IN | REQ | OUT | PII | MULTI) \
	X(C, occurred_at, TIME, 0, 0, NULL, IN | OUT | NULLABLE) \
	X(C, place, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, IN | OUT | NULLABLE) \
	X(C, received_at, TIME, 0, 0, NULL, OUT) \
	X(C, received_by, ID, 0, 36, NULL, 0) \
	X(E, disposition, ENUM, 0, 0, &complaint_dispositions, OUT) \
	X(E, disposition_reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(E, referred_to, TEXT, 2, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(E, case_id, ID, 0, 36, NULL, OUT) \
	X(E, disposed_at, TIME, 0, 0, NULL, OUT) \
	X(E, disposed_by, ID, 0, 36, NULL, 0) \
	X(V, complainant, OBJECT, 0, 0, &person_rec, IN | REQ | OUT) \
	X(V, unit, CODE, 1, UNIT_CODE_MAX, NULL, OUT) \
	X(V, unit_path, TEXT, 1, UNIT_PATH_MAX, NULL, 0) \
	X(V, received_by_badge, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(V, alerts, JSON, 0, 0, NULL, OUT)

static const rec_field complaint_fields[] = {REC_ID_FIELD, COMPLAINT_FIELDS(REC_FIELD)};
const rec_desc complaint_rec = REC_DESC("complaint", "complaints", complaint_fields, NULL);

/* ------------------------------------------------------------ writes */

static const char sql_add[] =
	"INSERT INTO complaints (" REC_COLS(COMPLAINT_FIELDS) ") VALUES (" REC_QS(COMPLAINT_FIELDS) ")";

sj_err complaint_create(db_conn *c, const sj_actor *a, json_t *in, json_t **out)
{
	*out = NULL;
	json_t *complainant = json_object_get(in, "complainant");
	int64_t now = clock_now_ms(), year = clock_legal_year(now), n = 0;
	char pid[ID_LEN + 1], id[ID_LEN + 1], receipt[CASE_NUMBER_MAX + 1];
	sj_err e = persons_upsert(c, complainant, a->unit_id, pid, NULL);
	e = e ? e : case_counter_next(c, "complaint", a->unit_id, year, &n);
	if (e)
		return e;
	snprintf(receipt, sizeof receipt, "%s/%lld/PL-%06lld", a->unit_code, (long long)year, (long long)n);
	id_new(id);
	json_t *row = json_pack("{s:s,s:s,s:s,s:s,s:O?,s:O?,s:O?,s:I,s:s,s:s}", "id", id, "receipt_no", receipt,
				"unit_id", a->unit_id, "complainant_id", pid, "facts", json_object_get(in, "facts"),
				"occurred_at", json_object_get(in, "occurred_at"), "place",
				json_object_get(in, "place"), "received_at", (json_int_t)now, "received_by", a->id,
				"disposition", "pending");
	if (!row)
		return SJ_ENOMEM;
	e = dbj_write(c, sql_add, &complaint_rec, row, false, "");
	json_decref(row);
	e = e ? e : complaint_get(c, id, out);
	/* the hit engine on every entry: the complainant against the registers */
	json_t *alerts = json_array();
	if (!alerts)
		e = e ? e : SJ_ENOMEM;
	e = e ? e : reg_check_entered_person(c, a, complainant, "complaint", receipt, alerts);
	if (e) {
		json_decref(alerts);
		json_decref(*out);
		*out = NULL;
		return e;
	}
	json_object_set_new(*out, "alerts", alerts);
	return SJ_OK;
}

/* ------------------------------------------------------------ reads */

static const char sql_get[] =
	"SELECT " REC_COLS(COMPLAINT_FIELDS) ", unit, unit_path, received_by_badge FROM complaints"
	" JOIN (SELECT id AS u_id, code AS unit, path AS unit_path FROM units) u ON u.u_id = unit_id"
	" JOIN (SELECT id AS r_id, badge AS received_by_badge FROM users) r ON r.r_id = received_by"
	" WHERE id = ?";

sj_err complaint_get(db_conn *c, const char *id, json_t **out)
{
	*out = NULL;
	if (!id_valid(id))
		return SJ_ENOTFOUND;
	json_t *o = NULL, *p = NULL;
	sj_err e = dbj_one(c, sql_get, REC_DBJ(COMPLAINT_FIELDS) ",unit:t,unit_path:t,received_by_badge:t", &o, "t",
			   id);
	e = e ? e : persons_get(c, jstr(o, "complainant_id"), &p);
	if (e) {
		json_decref(o);
		return e;
	}
	json_object_set_new(o, "complainant", p);
	*out = o;
	return SJ_OK;
}

static const char sql_list[] =
	"SELECT c.id, c.receipt_no, u.code, c.facts, c.occurred_at, c.place, c.received_at, r.badge, c.disposition,"
	" c.case_id, p.cin, p.last_name_lat, p.first_name_lat, p.last_name_ar, p.first_name_ar"
	" FROM complaints c JOIN units u ON u.id = c.unit_id JOIN users r ON r.id = c.received_by"
	" JOIN persons p ON p.id = c.complainant_id"
	" WHERE (CAST(? AS TEXT) IS NULL OR u.path LIKE CAST(? AS TEXT) || '%')"
	" AND (CAST(? AS TEXT) IS NULL OR c.disposition = CAST(? AS TEXT))"
	" ORDER BY c.received_at DESC, c.id DESC LIMIT ? OFFSET ?";

sj_err complaint_list(db_conn *c, const char *scope_path, const char *disposition, int limit, int64_t offset,
		      json_t **out)
{
	return dbj_rows(c, sql_list,
			"id:t,receipt_no:t,unit:t,facts:t,occurred_at:i,place:t,received_at:i,received_by:t,"
			"disposition:t,case_id:t,complainant_cin:t,complainant_last_name_lat:t,"
			"complainant_first_name_lat:t,complainant_last_name_ar:t,complainant_first_name_ar:t",
			out, "ttttii", scope_path, scope_path, disposition, disposition, (int64_t)limit, offset);
}
