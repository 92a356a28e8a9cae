/* complaint.c — complaints recorded at the desk (see complaint.h). */
#include "cases/complaint.h"

#include <stdio.h>
#include <string.h>

#include "cases/cases.h"
#include "core/clock.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "procedure/procedure.h"
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
	X(C, declaration_id, ID, 0, 36, NULL, OUT) \
	X(V, complainant, OBJECT, 0, 0, &person_rec, IN | REQ | OUT) \
	X(V, unit, CODE, 1, UNIT_CODE_MAX, NULL, OUT) \
	X(V, unit_path, TEXT, 1, UNIT_PATH_MAX, NULL, 0) \
	X(V, received_by_badge, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(V, alerts, JSON, 0, 0, NULL, OUT)

static const rec_field complaint_fields[] = {REC_ID_FIELD, COMPLAINT_FIELDS(REC_FIELD)};
const rec_desc complaint_rec = REC_DESC("complaint", "complaints", complaint_fields, NULL);

REC_ENUM_DEF(disposition_choices, "disposition", "attached", "no_offence", "referred_elsewhere");

/* POST /complaints/{id}/disposition: what the desk decides, with a reason. */
#define DISPOSITION_FIELDS(X) \
	X(V, disposition, ENUM, 0, 0, &disposition_choices, IN | REQ) \
	X(V, reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | REQ) \
	X(V, case_id, ID, 0, 36, NULL, IN | NULLABLE) \
	X(V, referred_to, TEXT, 2, SJ_MAX_SHORT_TEXT, NULL, IN | NULLABLE)
static const rec_field disposition_fields[] = {DISPOSITION_FIELDS(REC_FIELD)};
const rec_desc complaint_disposition_rec = REC_DESC("complaint_disposition", NULL, disposition_fields, NULL);

/* A complaint in a list: the complainant's names beside it. */
#define COMPLAINT_ROW_FIELDS(X) \
	X(V, complainant_cin, CIN, 1, SJ_MAX_CIN_TYPED, NULL, OUT | PII) \
	X(V, complainant_last_name_lat, TEXT, 1, SJ_MAX_NAME, NULL, OUT | PII) \
	X(V, complainant_first_name_lat, TEXT, 1, SJ_MAX_NAME, NULL, OUT | PII) \
	X(V, complainant_last_name_ar, TEXT, 1, SJ_MAX_NAME, NULL, OUT | PII) \
	X(V, complainant_first_name_ar, TEXT, 1, SJ_MAX_NAME, NULL, OUT | PII)
static const rec_field complaint_row_fields[] = {COMPLAINT_ROW_FIELDS(REC_FIELD)};
static const rec_desc complaint_row_rec =
	REC_DESC_FLAT("complaint_row", NULL, complaint_row_fields, NULL, &complaint_rec);

#define COMPLAINT_LIST_FIELDS(X) X(V, complaints, ARRAY, 0, SJ_MAX_PAGE, &complaint_row_rec, OUT)
static const rec_field complaint_list_fields[] = {COMPLAINT_LIST_FIELDS(REC_FIELD)};
const rec_desc complaint_list_rec = REC_DESC("complaint_list", NULL, complaint_list_fields, NULL);

/* ------------------------------------------------------------ writes */

static const char sql_add[] =
	"INSERT INTO complaints (" REC_COLS(COMPLAINT_FIELDS) ") VALUES (" REC_QS(COMPLAINT_FIELDS) ")";

/* insert records a complaint by person pid (complainant: the person as
 * entered, for the hit engine; may be NULL: read back) — see complaint.h. */
static sj_err insert(db_conn *c, const sj_actor *a, const char *pid, json_t *complainant, const char *facts,
		     json_t *occurred_at, const char *place, const char *declaration_id, json_t **out)
{
	*out = NULL;
	int64_t now = clock_now_ms(), year = clock_legal_year(now), n = 0;
	char id[ID_LEN + 1], receipt[CASE_NUMBER_MAX + 1];
	sj_err e = case_counter_next(c, "complaint", a->unit_id, year, &n);
	if (e)
		return e;
	snprintf(receipt, sizeof receipt, "%s/%lld/PL-%06lld", a->unit_code, (long long)year, (long long)n);
	id_new(id);
	json_t *row = json_pack("{s:s,s:s,s:s,s:s,s:s,s:O?,s:s?,s:I,s:s,s:s,s:s?}", "id", id, "receipt_no", receipt,
				"unit_id", a->unit_id, "complainant_id", pid, "facts", facts, "occurred_at",
				occurred_at, "place", place, "received_at", (json_int_t)now, "received_by", a->id,
				"disposition", "pending", "declaration_id", declaration_id);
	if (!row)
		return SJ_ENOMEM;
	e = dbj_write(c, sql_add, &complaint_rec, row, false, "");
	json_decref(row);
	/* the main courante knows: a complaint received writes its line (issue 17 item 6) */
	char line[CASE_NUMBER_MAX + 64];
	snprintf(line, sizeof line, "Plainte reçue / شكاية — %.*s", CASE_NUMBER_MAX, receipt);
	e = e ? e : proc_courante_auto(c, a, a->unit_id, "complaint", now, line, id);
	e = e ? e : complaint_get(c, id, out);
	/* the hit engine on every entry: the complainant against the registers */
	json_t *alerts = json_array();
	if (!alerts)
		e = e ? e : SJ_ENOMEM;
	e = e ? e : reg_check_entered_person(c, a, complainant ? complainant : json_object_get(*out, "complainant"),
					     "complaint", receipt, alerts);
	if (e) {
		json_decref(alerts);
		json_decref(*out);
		*out = NULL;
		return e;
	}
	json_object_set_new(*out, "alerts", alerts);
	return SJ_OK;
}

sj_err complaint_create(db_conn *c, const sj_actor *a, json_t *in, json_t **out)
{
	*out = NULL;
	json_t *complainant = json_object_get(in, "complainant");
	char pid[ID_LEN + 1];
	sj_err e = persons_upsert(c, complainant, a->unit_id, pid, NULL);
	return e ? e : insert(c, a, pid, complainant, json_string_value(json_object_get(in, "facts")),
			      json_object_get(in, "occurred_at"), json_string_value(json_object_get(in, "place")), NULL,
			      out);
}

sj_err complaint_create_for(db_conn *c, const sj_actor *a, const char *person_id, const char *facts,
			    json_t *occurred_at, const char *place, const char *declaration_id, json_t **out)
{
	return insert(c, a, person_id, NULL, facts, occurred_at, place, declaration_id, out);
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

sj_err complaint_read(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why)
{
	sj_err e = complaint_get(c, id, out);
	if (e == SJ_ENOTFOUND)
		*why = "complaint-not-found";
	if (!e && !actor_can_read(a, jstr(*out, "unit_path"))) {
		json_decref(*out);
		*out = NULL;
		e = SJ_EFORBIDDEN;
	}
	return e;
}

static const char sql_list[] =
	"SELECT c.id AS id, c.receipt_no AS receipt_no, u.code AS unit, c.facts AS facts, c.occurred_at AS occurred_at,"
	" c.place AS place, c.received_at AS received_at, r.badge AS received_by_badge, c.disposition AS disposition,"
	" c.case_id AS case_id, p.cin AS complainant_cin, p.last_name_lat AS complainant_last_name_lat,"
	" p.first_name_lat AS complainant_first_name_lat, p.last_name_ar AS complainant_last_name_ar,"
	" p.first_name_ar AS complainant_first_name_ar"
	" FROM complaints c JOIN units u ON u.id = c.unit_id JOIN users r ON r.id = c.received_by"
	" JOIN persons p ON p.id = c.complainant_id"
	" WHERE (CAST(? AS TEXT) IS NULL OR u.path LIKE CAST(? AS TEXT) || '%')"
	" AND (CAST(? AS TEXT) IS NULL OR c.disposition = CAST(? AS TEXT))"
	" ORDER BY c.received_at DESC, c.id DESC LIMIT ? OFFSET ?";

sj_err complaint_list(db_conn *c, const sj_actor *a, const char *disposition, int limit, int64_t offset,
		      json_t **out)
{
	*out = NULL;
	const char *scope = a->national ? NULL : a->unit_path;
	json_t *list = NULL;
	sj_err e = dbj_rec_rows(c, sql_list, &complaint_row_rec, &list, "ttttii", scope, scope, disposition,
				disposition, (int64_t)limit, offset);
	if (e)
		return e;
	/* the list has always named the receiving officer by badge as received_by */
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o) {
		json_object_set(o, "received_by", json_object_get(o, "received_by_badge"));
		json_object_del(o, "received_by_badge");
	}
	*out = json_pack("{s:o}", "complaints", list);
	return *out ? SJ_OK : SJ_ENOMEM;
}

/* ------------------------------------------------------------ disposition */

static const char sql_state[] = "SELECT disposition, complainant_id FROM complaints WHERE id = ?";
static const char sql_dispose[] =
	"UPDATE complaints SET disposition = ?, disposition_reason = ?, referred_to = ?, case_id = ?,"
	" disposed_at = ?, disposed_by = ? WHERE id = ? AND disposition = 'pending'";

sj_err complaint_mark_opened(db_conn *c, const sj_actor *a, const char *id, const char *case_id)
{
	return db_run(c, sql_dispose, "ttttitt", "case_opened", "a case was opened", NULL, case_id, clock_now_ms(),
		      a->id, id);
}

/* attach links the complainant to case_id (an open case the actor writes). */
static sj_err attach(db_conn *c, const sj_actor *a, const char *id, const char *complainant, const char *case_id,
		     const char *reason, const char **why)
{
	case_ref r;
	if (!case_id) {
		*why = "attach-needs-case";
		return SJ_EUNPROCESSABLE;
	}
	sj_err e = case_ref_get(c, case_id, true, &r);
	if (e == SJ_ENOTFOUND) {
		*why = "attach-case-not-found";
		return SJ_EUNPROCESSABLE;
	}
	if (e)
		return e;
	if (!actor_can_write(a, r.unit_path) || !case_is_open(&r)) {
		*why = "attach-case-not-open";
		return SJ_EUNPROCESSABLE;
	}
	char pid[ID_LEN + 1];
	bool reused;
	const char *w = NULL;
	e = case_person_link(c, a, &r, "complainant", complainant, NULL, NULL, pid, &reused, &w);
	if (e == SJ_ECONFLICT)
		e = SJ_OK; /* already the complainant there */
	return e ? e : case_event(c, r.id, a, "complaint.attached",
				  json_pack("{s:s,s:s}", "complaint_id", id, "reason", reason));
}

sj_err complaint_dispose(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out, const char **why)
{
	*out = NULL;
	const char *disposition = jstr(in, "disposition"), *reason = jstr(in, "reason"),
		   *case_id = jstr(in, "case_id"), *referred_to = jstr(in, "referred_to");
	json_t *o = NULL, *st = NULL;
	sj_err e = complaint_get(c, id, &o);
	if (e == SJ_ENOTFOUND)
		*why = "complaint-not-found";
	if (!e && !actor_can_write(a, jstr(o, "unit_path")))
		e = SJ_EFORBIDDEN;
	json_decref(o);
	e = e ? e : dbj_one(c, sql_state, "disposition:t,complainant:t", &st, "t", id);
	if (!e && strcmp(jstr(st, "disposition"), "pending") != 0) {
		*why = "complaint-already-disposed";
		e = SJ_ECONFLICT;
	}
	char complainant[ID_LEN + 1] = "";
	if (!e)
		snprintf(complainant, sizeof complainant, "%s", jstr(st, "complainant"));
	json_decref(st);
	if (e)
		return e;
	bool attached = strcmp(disposition, "attached") == 0;
	if (attached)
		e = attach(c, a, id, complainant, case_id, reason, why);
	else if (strcmp(disposition, "referred_elsewhere") == 0 && !referred_to) {
		*why = "referral-needs-destination";
		e = SJ_EUNPROCESSABLE;
	}
	e = e ? e : db_run(c, sql_dispose, "ttttitt", disposition, reason, referred_to, attached ? case_id : NULL,
			   clock_now_ms(), a->id, id);
	return e ? e : complaint_get(c, id, out);
}
