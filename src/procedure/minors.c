/* minors.c — the minors' procedure (CPP 458–460; issue 17 item 4; see
 * procedure.h): what the minor rule of data/custody_rules.json requires of
 * a retention — an OPJ charged with minors, the prosecutor's agreement, a
 * place reserved for minors, the guardian present at the hearings — loaded
 * by the custody rule's code so it follows that rule's effective dates; and
 * the designation of an OPJ for minors, a record of the user. */
#include "procedure/procedure.h"

#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "refdata/refdata.h"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int64_t jint(json_t *o, const char *k)
{
	return (int64_t)json_integer_value(json_object_get(o, k));
}

/* POST /users/{badge}/minors-officer: the designation (date, reference). */
#define OFFICER_FIELDS(X) \
	X(C, user_id, ID, 0, 36, NULL, 0) \
	X(C, unit_id, ID, 0, 36, NULL, 0) \
	X(V, badge, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(C, since, DATE, 0, 10, NULL, IN | REQ | OUT) \
	X(C, decision_ref, TEXT, 1, SJ_MAX_AUTH_REF, NULL, IN | REQ | OUT) \
	X(C, recorded_by, ID, 0, 36, NULL, 0) \
	X(C, recorded_at, TIME, 0, 0, NULL, OUT)
static const rec_field officer_fields[] = {REC_ID_FIELD, OFFICER_FIELDS(REC_FIELD)};
const rec_desc proc_minor_officer_rec = REC_DESC("proc_minor_officer", "proc_minor_officers", officer_fields, NULL);

/* GET /minors-officers: the designations of the actor's scope (the users list shows them). */
#define OFFICERS_FIELDS(X) X(V, officers, ARRAY, 0, 0, &proc_minor_officer_rec, OUT)
static const rec_field officers_fields[] = {OFFICERS_FIELDS(REC_FIELD)};
const rec_desc proc_minor_officers_rec = REC_DESC("proc_minor_officers", NULL, officers_fields, NULL);

static const char sql_rule_add[] =
	"INSERT INTO proc_minor_rules (code, version, specialised_opj_required, prosecutor_agreement_required,"
	" separate_place_required, guardian_at_hearings, confidence, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
	" ON CONFLICT (code) DO NOTHING";

sj_err proc_minor_rules_load(db_conn *c, json_t *root, int *added)
{
	*added = 0;
	const char *version = jstr(root, "version");
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(root, "rules"), i, o) {
		if (!jstr(o, "regime") || strcmp(jstr(o, "regime"), "minor") != 0)
			continue;
		static const char *const keys[] = {"specialised_opj_required", "prosecutor_agreement_required",
						   "separate_place_required", "guardian_at_hearings"};
		int64_t v[4];
		for (size_t k = 0; k < 4; k++) {
			json_t *b = json_object_get(o, keys[k]);
			if (b && !json_is_boolean(b))
				return SJ_EINVAL;
			v[k] = json_is_true(b);
		}
		if (!version || !jstr(o, "code") || strlen(jstr(o, "code")) > REF_CODE_MAX)
			return SJ_EINVAL;
		sj_err e = db_run(c, sql_rule_add, "tt" "iiii" "tt", jstr(o, "code"), version, v[0], v[1], v[2], v[3],
				  jstr(o, "minor_procedure_confidence"), jstr(o, "minor_procedure_source"));
		if (e)
			return e;
		(*added)++;
	}
	return SJ_OK;
}

static const char sql_rule[] =
	"SELECT specialised_opj_required AS opj, prosecutor_agreement_required AS agreement,"
	" separate_place_required AS place, guardian_at_hearings AS guardian FROM proc_minor_rules WHERE code = ?";

sj_err proc_minor_rule(db_conn *c, const char *rule_code, proc_minor_rule_t *out)
{
	memset(out, 0, sizeof *out);
	json_t *row = NULL;
	sj_err e = rule_code ? dbj_one(c, sql_rule, "opj:i,agreement:i,place:i,guardian:i", &row, "t", rule_code)
			     : SJ_ENOTFOUND;
	if (e == SJ_ENOTFOUND)
		return SJ_OK;
	if (e)
		return e;
	out->found = true;
	out->specialised_opj = jint(row, "opj") != 0;
	out->prosecutor_agreement = jint(row, "agreement") != 0;
	out->separate_place = jint(row, "place") != 0;
	out->guardian_at_hearings = jint(row, "guardian") != 0;
	json_decref(row);
	return SJ_OK;
}

static const char sql_qualified[] = "SELECT COUNT(*) FROM proc_minor_officers WHERE user_id = ? AND since <= ?";

sj_err proc_minor_check(db_conn *c, const sj_actor *a, const char *rule_code, json_t *in, int64_t start,
			const char **why)
{
	proc_minor_rule_t mr;
	sj_err e = proc_minor_rule(c, rule_code, &mr);
	if (e || !mr.found)
		return e;
	if (mr.specialised_opj) {
		char day[11];
		int64_t n = 0;
		clock_legal_date(start, day);
		if ((e = dbj_int(c, sql_qualified, &n, "tt", a->id ? a->id : "", day)))
			return e;
		if (n == 0) {
			*why = "opj-minors-required";
			return SJ_EFORBIDDEN;
		}
	}
	if (mr.prosecutor_agreement) {
		const char *ref_no = jstr(in, "prosecutor_agreement_ref");
		json_t *at = json_object_get(in, "prosecutor_agreement_at");
		if (!ref_no || !*ref_no || !json_is_integer(at)) {
			*why = "custody-minor-needs-agreement";
			return SJ_EUNPROCESSABLE;
		}
		if (!proc_time_ok(json_integer_value(at), 0, NULL, why))
			return SJ_EUNPROCESSABLE;
	}
	if (mr.separate_place && (!json_is_true(json_object_get(in, "place_for_minors")) || !jstr(in, "place"))) {
		*why = "custody-minor-place";
		return SJ_EUNPROCESSABLE;
	}
	return SJ_OK;
}

static const char sql_officer_add[] =
	"INSERT INTO proc_minor_officers (" REC_COLS(OFFICER_FIELDS) ") VALUES (" REC_QS(OFFICER_FIELDS) ")";
static const char sql_officer_get[] =
	"SELECT m.id, u.badge, m.since, m.decision_ref, m.recorded_at FROM proc_minor_officers m"
	" JOIN (SELECT id AS u_id, badge FROM users) u ON u.u_id = m.user_id WHERE m.user_id = ?";
static const char sql_officer_count[] = "SELECT COUNT(*) FROM proc_minor_officers WHERE user_id = ?";

sj_err proc_minor_officer_add(db_conn *c, const sj_actor *a, const char *badge, json_t *in, json_t **out,
			      const char **why)
{
	*out = NULL;
	auth_user u;
	sj_err e = auth_user_find(c, badge, NULL, &u);
	if (e == SJ_ENOTFOUND)
		*why = "user-not-found";
	if (e)
		return e;
	if (!u.opj) {
		*why = "minors-officer-not-opj";
		return SJ_EUNPROCESSABLE;
	}
	char today[11];
	clock_legal_date(clock_now_ms(), today);
	if (strcmp(jstr(in, "since"), today) > 0) {
		*why = "proc-time-in-future";
		return SJ_EUNPROCESSABLE;
	}
	int64_t n = 0;
	if ((e = dbj_int(c, sql_officer_count, &n, "t", u.id)))
		return e;
	if (n) {
		*why = "minors-officer-recorded";
		return SJ_ECONFLICT;
	}
	char id[ID_LEN + 1];
	id_new(id);
	json_t *row = json_pack("{s:s,s:s,s:s,s:O,s:O,s:s,s:I}", "id", id, "user_id", u.id, "unit_id", u.unit.id, "since",
				json_object_get(in, "since"), "decision_ref", json_object_get(in, "decision_ref"),
				"recorded_by", a->id, "recorded_at", (json_int_t)clock_now_ms());
	e = row ? dbj_write(c, sql_officer_add, &proc_minor_officer_rec, row, false, "") : SJ_ENOMEM;
	json_decref(row);
	return e ? e : dbj_rec_one(c, sql_officer_get, &proc_minor_officer_rec, out, "t", u.id);
}

static const char sql_officers[] =
	"SELECT m.id, u.badge, m.since, m.decision_ref, m.recorded_at, un.path AS path FROM proc_minor_officers m"
	" JOIN (SELECT id AS u_id, badge FROM users) u ON u.u_id = m.user_id"
	" JOIN (SELECT id AS un_id, path FROM units) un ON un.un_id = m.unit_id ORDER BY u.badge";

sj_err proc_minor_officers_list(db_conn *c, const sj_actor *a, json_t **out)
{
	*out = NULL;
	json_t *rows = NULL, *mine = json_array();
	sj_err e = mine ? dbj_rows(c, sql_officers, "id:t,badge:t,since:t,decision_ref:t,recorded_at:i,path:t", &rows, "")
			: SJ_ENOMEM;
	size_t i;
	json_t *o;
	json_array_foreach(e ? NULL : rows, i, o) {
		if (!a->national && !actor_in_scope(a, jstr(o, "path")))
			continue;
		json_object_del(o, "path");
		json_array_append(mine, o);
	}
	json_decref(rows);
	if (e) {
		json_decref(mine);
		return e;
	}
	*out = json_pack("{s:o}", "officers", mine);
	return *out ? SJ_OK : SJ_ENOMEM;
}
