/* residence.c — residence certificates (شهادة السكنى): request, check,
 * decision, issue with a serial number and a validity from the reference
 * data, hand-over; the communes and validity rules they rest on (desk.h). */
#include "desk/desk.h"

#include <stdio.h>
#include <string.h>

#include "cases/cases.h"
#include "core/clock.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "org/units.h"
#include "persons/persons.h"

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* ------------------------------------------------------------ the records */

REC_ENUM_DEF(res_statuses, "residence_status", "requested", "checked", "issued", "refused", "revoked");
REC_ENUM_DEF(res_purposes, "residence_purpose", "cnie", "passport", "administration", "employment", "school",
	     "other");
REC_ENUM_DEF(check_kinds, "residence_check_kind", "visit", "verification");
REC_ENUM_DEF(check_results, "residence_check_result", "confirmed", "not_confirmed");
REC_ENUM_DEF(decisions, "residence_decision", "issued", "refused");

/* The certificate from its request to its hand-over. The check, decision
 * and issue columns are written by their commands, never by a body. */
#define RES_FIELDS(X) \
	X(C, unit_id, ID, 0, 36, NULL, 0) \
	X(C, applicant_id, ID, 0, 36, NULL, OUT) \
	X(C, address, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | REQ | OUT | PII) \
	X(C, commune, CODE, 1, SJ_MAX_REFERENCE, NULL, IN | REQ | OUT) \
	X(C, purpose, ENUM, 0, 0, &res_purposes, IN | REQ | OUT) \
	X(C, requested_at, TIME, 0, 0, NULL, OUT) \
	X(C, requested_by, ID, 0, 36, NULL, 0) \
	X(E, status, ENUM, 0, 0, &res_statuses, OUT) \
	X(E, check_kind, ENUM, 0, 0, &check_kinds, OUT) \
	X(E, check_on, DATE, 0, 10, NULL, OUT) \
	X(E, check_result, ENUM, 0, 0, &check_results, OUT) \
	X(E, check_notes, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, OUT | PII) \
	X(E, checked_by, ID, 0, 36, NULL, 0) \
	X(E, decided_at, TIME, 0, 0, NULL, OUT) \
	X(E, decided_by, ID, 0, 36, NULL, 0) \
	X(E, refusal_reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(E, serial_no, CODE, 1, CASE_NUMBER_MAX, NULL, OUT) \
	X(E, issued_at, TIME, 0, 0, NULL, OUT) \
	X(E, valid_until, TIME, 0, 0, NULL, OUT) \
	X(E, verify_no, CODE, 1, DESK_NUMBER_MAX, NULL, OUT) \
	X(E, verify_code, CODE, 1, DESK_CODE_LEN, NULL, OUT) \
	X(E, handed_at, TIME, 0, 0, NULL, OUT) \
	X(E, revoked_at, TIME, 0, 0, NULL, OUT) \
	X(E, revoked_by, ID, 0, 36, NULL, 0) \
	X(E, revoke_reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, replaces_id, ID, 0, 36, NULL, IN | OUT | NULLABLE) \
	X(V, applicant, OBJECT, 0, 0, &person_rec, IN | REQ | OUT) \
	X(V, unit, CODE, 1, UNIT_CODE_MAX, NULL, OUT) \
	X(V, unit_name_fr, TEXT, 1, UNIT_NAME_MAX, NULL, OUT) \
	X(V, unit_name_ar, TEXT, 1, UNIT_NAME_MAX, NULL, OUT) \
	X(V, unit_path, TEXT, 1, UNIT_PATH_MAX, NULL, 0) \
	X(V, commune_name_fr, TEXT, 1, UNIT_NAME_MAX, NULL, OUT) \
	X(V, commune_name_ar, TEXT, 1, UNIT_NAME_MAX, NULL, OUT) \
	X(V, checked_by_badge, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(V, replaces_serial, CODE, 1, CASE_NUMBER_MAX, NULL, OUT) \
	X(V, replaced_by, ID, 0, 36, NULL, OUT)
static const rec_field res_fields[] = {REC_ID_FIELD, RES_FIELDS(REC_FIELD)};
const rec_desc desk_residence_rec = REC_DESC("residence_certificate", "residence_certificates", res_fields, NULL);

/* POST /residence-certificates/{id}/check: a visit or a verification. */
#define CHECK_FIELDS(X) \
	X(V, check_kind, ENUM, 0, 0, &check_kinds, IN | REQ) \
	X(V, check_on, DATE, 0, 10, NULL, IN | REQ) \
	X(V, check_result, ENUM, 0, 0, &check_results, IN | REQ) \
	X(V, check_notes, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | PII | NULLABLE)
static const rec_field check_fields[] = {CHECK_FIELDS(REC_FIELD)};
const rec_desc desk_residence_check_rec = REC_DESC("residence_check", NULL, check_fields, NULL);

/* POST /residence-certificates/{id}/decision. */
#define DECISION_FIELDS(X) \
	X(V, decision, ENUM, 0, 0, &decisions, IN | REQ) \
	X(V, reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | NULLABLE)
static const rec_field decision_fields[] = {DECISION_FIELDS(REC_FIELD)};
const rec_desc desk_residence_decision_rec = REC_DESC("residence_decision", NULL, decision_fields, NULL);

/* A commune of the reference data, and the list GET /desk/communes answers. */
#define COMMUNE_FIELDS(X) \
	X(C, code, CODE, 1, SJ_MAX_REFERENCE, NULL, OUT) \
	X(C, version, TEXT, 1, SJ_MAX_REFERENCE, NULL, 0) \
	X(C, name_fr, TEXT, 1, UNIT_NAME_MAX, NULL, OUT) \
	X(C, name_ar, TEXT, 1, UNIT_NAME_MAX, NULL, OUT) \
	X(C, prefecture, TEXT, 1, UNIT_NAME_MAX, NULL, OUT)
static const rec_field commune_fields[] = {COMMUNE_FIELDS(REC_FIELD)};
const rec_desc desk_commune_rec = REC_DESC("commune", "desk_communes", commune_fields, NULL);
#define COMMUNES_FIELDS(X) X(V, communes, ARRAY, 0, 0, &desk_commune_rec, OUT)
static const rec_field communes_fields[] = {COMMUNES_FIELDS(REC_FIELD)};
const rec_desc desk_communes_rec = REC_DESC("communes", NULL, communes_fields, NULL);

static const char sql_communes[] = "SELECT code, name_fr, name_ar, prefecture FROM desk_communes ORDER BY name_fr, code";

sj_err desk_communes(db_conn *c, json_t **out)
{
	json_t *rows = NULL;
	sj_err e = dbj_rec_rows(c, sql_communes, &desk_commune_rec, &rows, "");
	if (!e && !(*out = json_pack("{s:o}", "communes", rows)))
		e = SJ_ENOMEM;
	return e;
}

/* ------------------------------------------------------------ reference data */

static const char sql_rule_add[] =
	"INSERT INTO desk_rules (code, version, effective_from, effective_to, validity_days, source, loaded_at)"
	" VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING";
static const char sql_commune_add[] =
	"INSERT INTO desk_communes (code, version, name_fr, name_ar, prefecture) VALUES (?, ?, ?, ?, ?)"
	" ON CONFLICT (code) DO NOTHING";

/* desk_load_rules reads {"version", "residence_certificate": [{code,
 * effective_from, effective_to, validity_days, source}]} or, for
 * communes.json, {"version", "communes": [{code, name_fr, name_ar,
 * prefecture}]}: rows keep their code, so a new version adds rows. */
sj_err desk_load_rules(db_conn *c, json_t *root, int *added)
{
	*added = 0;
	const char *version = js(root, "version");
	if (!version)
		return SJ_EINVAL;
	int64_t now = clock_now_ms();
	size_t i;
	json_t *r;
	sj_err e = SJ_OK;
	json_array_foreach(json_object_get(root, "residence_certificate"), i, r) {
		json_t *days = json_object_get(r, "validity_days");
		if (!js(r, "code") || !js(r, "effective_from") || !rec_date_ok(js(r, "effective_from")) ||
		    !json_is_integer(days) || json_integer_value(days) < 1)
			return SJ_EINVAL;
		if ((e = db_run(c, sql_rule_add, "ttttiti", js(r, "code"), version, js(r, "effective_from"),
				js(r, "effective_to"), (int64_t)json_integer_value(days), js(r, "source"), now)))
			return e;
		(*added)++;
	}
	json_array_foreach(json_object_get(root, "communes"), i, r) {
		if (!js(r, "code") || !js(r, "name_fr") || !js(r, "name_ar"))
			return SJ_EINVAL;
		if ((e = db_run(c, sql_commune_add, "ttttt", js(r, "code"), version, js(r, "name_fr"), js(r, "name_ar"),
				js(r, "prefecture"))))
			return e;
		(*added)++;
	}
	return SJ_OK;
}

static const char sql_validity[] =
	"SELECT validity_days FROM desk_rules WHERE effective_from <= ? AND (effective_to IS NULL OR effective_to >= ?)"
	" ORDER BY effective_from DESC LIMIT 1";
static const char sql_commune_ok[] = "SELECT COUNT(*) FROM desk_communes WHERE code = ?";

/* ------------------------------------------------------------ request */

static const char sql_add[] =
	"INSERT INTO residence_certificates (" REC_COLS(RES_FIELDS) ") VALUES (" REC_QS(RES_FIELDS) ")";

sj_err desk_residence_request(db_conn *c, const sj_actor *a, json_t *in, json_t **out, const char **field,
			      const char **why)
{
	*out = NULL;
	int64_t n = 0;
	sj_err e = dbj_int(c, sql_commune_ok, &n, "t", js(in, "commune"));
	if (e)
		return e;
	if (!n) {
		*field = "commune";
		*why = "unknown-commune";
		return SJ_EINVAL;
	}
	/* a correction: the new request names the revoked certificate it
	 * replaces (desk_residence_revoke), of the actor's unit, once */
	const char *rep = js(in, "replaces_id");
	if (rep) {
		json_t *old = NULL;
		const char *refusal = NULL;
		e = desk_residence_read(c, a, rep, &old, why);
		if (e == SJ_ENOTFOUND || e == SJ_EFORBIDDEN || (!e && !actor_can_write(a, js(old, "unit_path"))))
			refusal = "certificate-not-found";
		else if (!e && strcmp(js(old, "status"), "revoked") != 0)
			refusal = "replaced-not-revoked";
		else if (!e && js(old, "replaced_by"))
			refusal = "certificate-already-replaced";
		json_decref(old);
		if (refusal) {
			*field = "replaces_id";
			*why = refusal;
			return SJ_EUNPROCESSABLE;
		}
		if (e)
			return e;
	}
	char pid[ID_LEN + 1], id[ID_LEN + 1];
	e = persons_upsert(c, json_object_get(in, "applicant"), a->unit_id, pid, NULL);
	if (e)
		return e;
	id_new(id);
	json_t *row = json_pack("{s:s,s:s,s:s,s:O,s:O,s:O,s:I,s:s,s:s}", "id", id, "unit_id", a->unit_id,
				"applicant_id", pid, "address", json_object_get(in, "address"), "commune",
				json_object_get(in, "commune"), "purpose", json_object_get(in, "purpose"),
				"requested_at", (json_int_t)clock_now_ms(), "requested_by", a->id, "status", "requested");
	if (row && rep)
		json_object_set_new(row, "replaces_id", json_string(rep));
	if (!row)
		return SJ_ENOMEM;
	e = dbj_write(c, sql_add, &desk_residence_rec, row, false, "");
	json_decref(row);
	return e ? e : desk_residence_read(c, a, id, out, why);
}

/* ------------------------------------------------------------ reads */

static const char sql_get[] =
	"SELECT " REC_COLS(RES_FIELDS) ", unit, unit_name_fr, unit_name_ar, unit_path, commune_name_fr,"
	" commune_name_ar, checked_by_badge, replaces_serial, replaced_by FROM residence_certificates"
	" JOIN (SELECT id AS u_id, code AS unit, name_fr AS unit_name_fr, name_ar AS unit_name_ar, path AS unit_path"
	" FROM units) u ON u.u_id = unit_id"
	" LEFT JOIN (SELECT code AS m_code, name_fr AS commune_name_fr, name_ar AS commune_name_ar FROM desk_communes) m"
	" ON m.m_code = commune"
	" LEFT JOIN (SELECT id AS b_id, badge AS checked_by_badge FROM users) b ON b.b_id = checked_by"
	" LEFT JOIN (SELECT id AS p_id, serial_no AS replaces_serial FROM residence_certificates) rp"
	" ON rp.p_id = replaces_id"
	" LEFT JOIN (SELECT id AS replaced_by, replaces_id AS n_of FROM residence_certificates) nb ON nb.n_of = id"
	" WHERE id = ?";

sj_err desk_residence_read(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why)
{
	*out = NULL;
	json_t *o = NULL, *p = NULL;
	sj_err e = id_valid(id) ? dbj_rec_one(c, sql_get, &desk_residence_rec, &o, "t", id) : SJ_ENOTFOUND;
	if (e == SJ_ENOTFOUND)
		*why = "certificate-not-found";
	if (!e && !actor_can_read(a, js(o, "unit_path")))
		e = SJ_EFORBIDDEN;
	e = e ? e : persons_get(c, js(o, "applicant_id"), &p);
	if (e) {
		json_decref(o);
		return e;
	}
	json_object_set_new(o, "applicant", p);
	*out = o;
	return SJ_OK;
}

/* writable reads certificate id for a change by the actor, in state want. */
static sj_err writable(db_conn *c, const sj_actor *a, const char *id, const char *want, const char *refusal,
		       json_t **o, const char **why)
{
	sj_err e = desk_residence_read(c, a, id, o, why);
	if (!e && !actor_can_write(a, js(*o, "unit_path")))
		e = SJ_EFORBIDDEN;
	if (!e && strcmp(js(*o, "status"), want) != 0) {
		*why = refusal;
		e = SJ_ECONFLICT;
	}
	if (e) {
		json_decref(*o);
		*o = NULL;
	}
	return e;
}

/* ------------------------------------------------------------ check, decision */

static const char sql_check[] =
	"UPDATE residence_certificates SET status = 'checked', check_kind = ?, check_on = ?, check_result = ?,"
	" check_notes = ?, checked_by = ? WHERE id = ? AND status = 'requested'";

sj_err desk_residence_check(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out,
			    const char **field, const char **why)
{
	*out = NULL;
	json_t *o = NULL;
	sj_err e = writable(c, a, id, "requested", "certificate-not-requested", &o, why);
	json_decref(o);
	if (e)
		return e;
	char d[11];
	clock_legal_date(clock_now_ms(), d);
	if (strcmp(js(in, "check_on"), d) > 0) {
		*field = "check_on";
		*why = "in-future";
		return SJ_EINVAL;
	}
	e = db_run(c, sql_check, "tttttt", js(in, "check_kind"), js(in, "check_on"), js(in, "check_result"),
		   js(in, "check_notes"), a->id, id);
	return e ? e : desk_residence_read(c, a, id, out, why);
}

static const char sql_refuse[] =
	"UPDATE residence_certificates SET status = 'refused', refusal_reason = ?, decided_at = ?, decided_by = ?"
	" WHERE id = ? AND status = 'checked'";
static const char sql_issue[] =
	"UPDATE residence_certificates SET status = 'issued', decided_at = ?, decided_by = ?, serial_no = ?,"
	" issued_at = ?, valid_until = ?, verify_no = ?, verify_code = ? WHERE id = ? AND status = 'checked'";

sj_err desk_residence_decide(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out,
			     const char **why)
{
	*out = NULL;
	json_t *o = NULL;
	sj_err e = writable(c, a, id, "checked", "certificate-not-checked", &o, why);
	if (e)
		return e;
	bool confirmed = strcmp(js(o, "check_result"), "confirmed") == 0;
	json_decref(o);
	int64_t now = clock_now_ms();
	if (strcmp(js(in, "decision"), "refused") == 0) {
		if (!js(in, "reason")) {
			*why = "refusal-needs-reason";
			return SJ_EUNPROCESSABLE;
		}
		e = db_run(c, sql_refuse, "titt", js(in, "reason"), now, a->id, id);
		return e ? e : desk_residence_read(c, a, id, out, why);
	}
	if (!confirmed) {
		*why = "check-not-confirmed";
		return SJ_ECONFLICT;
	}
	char d[11];
	clock_legal_date(now, d);
	int64_t days = 0, year = clock_legal_year(now), n = 0;
	e = dbj_int(c, sql_validity, &days, "tt", d, d);
	if (e == SJ_ENOTFOUND || (!e && days < 1)) {
		*why = "no-validity-rule";
		return SJ_ECONFLICT;
	}
	e = e ? e : case_counter_next(c, "residence", a->unit_id, year, &n);
	if (e)
		return e;
	char serial[CASE_NUMBER_MAX + 1], pub[DESK_NUMBER_MAX + 1], code[DESK_CODE_LEN + 1];
	snprintf(serial, sizeof serial, "%s/%lld/CR-%06lld", a->unit_code, (long long)year, (long long)n);
	desk_public_number(serial, pub);
	desk_new_code(code);
	/* valid until the end of the legal day days later */
	int64_t until = clock_legal_day_start(now + (days + 1) * 86400000LL);
	e = db_run(c, sql_issue, "ittiittt", now, a->id, serial, now, until, pub, code, id);
	e = e ? e : desk_document_add(c, a, "residence_certificate", id, pub, code, now, until);
	return e ? e : desk_residence_read(c, a, id, out, why);
}

static const char sql_hand[] =
	"UPDATE residence_certificates SET handed_at = ? WHERE id = ? AND status = 'issued' AND handed_at IS NULL";

sj_err desk_residence_handover(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why)
{
	*out = NULL;
	json_t *o = NULL;
	sj_err e = writable(c, a, id, "issued", "certificate-not-issued", &o, why);
	if (!e && json_is_integer(json_object_get(o, "handed_at"))) {
		*why = "certificate-already-handed";
		e = SJ_ECONFLICT;
	}
	json_decref(o);
	e = e ? e : db_run(c, sql_hand, "it", clock_now_ms(), id);
	return e ? e : desk_residence_read(c, a, id, out, why);
}
