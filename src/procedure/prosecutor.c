/* prosecutor.c — the prosecutor's loop on a case (CPP 23, 40, 49): the avis
 * and the instructions with their execution (see procedure.h). */
#include "procedure/procedure.h"

#include <string.h>

#include "cases/cases.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/limits.h"
#include "db/dbj.h"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* ------------------------------------------------------------ the records */

REC_ENUM_DEF(avis_means, "avis_means", "phone", "fax", "email", "written", "in_person");
REC_ENUM_DEF(instruction_kinds, "instruction_kind", "arrest", "search", "expertise", "release", "present", "hearing",
	     "other");
REC_ENUM_DEF(instruction_statuses, "instruction_status", "given", "executed");

/* The avis: the notice to the competent prosecutor (CPP 23: "at once"). */
#define AVIS_FIELDS(X) \
	X(C, case_id, ID, 0, 36, NULL, OUT) \
	X(C, unit_id, ID, 0, 36, NULL, 0) \
	X(C, notified_at, TIME, 0, 0, NULL, IN | REQ | OUT) \
	X(C, means, ENUM, 0, 0, &avis_means, IN | REQ | OUT) \
	X(C, recipient, TEXT, 2, SJ_MAX_NAME, NULL, IN | REQ | OUT) \
	X(C, reference, TEXT, 1, SJ_MAX_REFERENCE, NULL, IN | OUT | NULLABLE) \
	X(C, recorded_by, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(C, recorded_at, TIME, 0, 0, NULL, OUT)
static const rec_field avis_fields[] = {REC_ID_FIELD, AVIS_FIELDS(REC_FIELD)};
const rec_desc proc_avis_rec = REC_DESC("proc_avis", "proc_avis", avis_fields, NULL);

/* An instruction of the prosecutor (CPP 40, 49), and what was done. */
#define INSTRUCTION_FIELDS(X) \
	X(C, case_id, ID, 0, 36, NULL, OUT) \
	X(C, unit_id, ID, 0, 36, NULL, 0) \
	X(C, given_at, TIME, 0, 0, NULL, IN | REQ | OUT) \
	X(C, given_by, TEXT, 2, SJ_MAX_NAME, NULL, IN | REQ | OUT) \
	X(C, kind, ENUM, 0, 0, &instruction_kinds, IN | REQ | OUT) \
	X(C, text, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | REQ | OUT | MULTI) \
	X(C, person_id, ID, 0, 36, NULL, IN | OUT | NULLABLE) \
	X(C, status, ENUM, 0, 0, &instruction_statuses, OUT) \
	X(C, executed_at, TIME, 0, 0, NULL, OUT) \
	X(C, execution_note, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, executed_by, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(C, recorded_by, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(C, recorded_at, TIME, 0, 0, NULL, OUT)
static const rec_field instruction_fields[] = {REC_ID_FIELD, INSTRUCTION_FIELDS(REC_FIELD)};
const rec_desc proc_instruction_rec =
	REC_DESC("proc_instruction", "proc_instructions", instruction_fields, NULL);

/* POST /cases/{id}/instructions/executions: which instruction, when, what. */
#define EXECUTION_FIELDS(X) \
	X(V, instruction_id, ID, 0, 36, NULL, IN | REQ) \
	X(V, executed_at, TIME, 0, 0, NULL, IN | NULLABLE) \
	X(V, note, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | REQ | MULTI)
static const rec_field execution_fields[] = {EXECUTION_FIELDS(REC_FIELD)};
const rec_desc proc_execution_rec = REC_DESC("proc_execution", NULL, execution_fields, NULL);

/* GET /cases/{id}/procedure. */
#define CASEPROC_FIELDS(X) \
	X(V, case_id, ID, 0, 36, NULL, OUT) \
	X(V, avis_required, BOOL, 0, 0, NULL, OUT) \
	X(V, avis_overdue, BOOL, 0, 0, NULL, OUT) \
	X(V, avis, ARRAY, 0, 0, &proc_avis_rec, OUT) \
	X(V, instructions, ARRAY, 0, 0, &proc_instruction_rec, OUT) \
	X(V, summons, ARRAY, 0, 0, &proc_summons_rec, OUT)
static const rec_field caseproc_fields[] = {CASEPROC_FIELDS(REC_FIELD)};
const rec_desc proc_case_rec = REC_DESC("proc_case", NULL, caseproc_fields, NULL);

/* ------------------------------------------------------------ shared */

bool proc_time_ok(int64_t t, int64_t lo, const char *before_lo_why, const char **why)
{
	if (t > clock_now_ms() + 60000) {
		*why = "proc-time-in-future";
		return false;
	}
	if (t < lo) {
		*why = before_lo_why;
		return false;
	}
	return true;
}

/* ------------------------------------------------------------ writes */

static const char sql_avis_add[] =
	"INSERT INTO proc_avis (" REC_COLS(AVIS_FIELDS) ") VALUES (" REC_QS(AVIS_FIELDS) ")";
static const char sql_instr_add[] =
	"INSERT INTO proc_instructions (" REC_COLS(INSTRUCTION_FIELDS) ") VALUES (" REC_QS(INSTRUCTION_FIELDS) ")";

sj_err proc_avis_add(db_conn *c, const sj_actor *a, const char *case_id, json_t *in, json_t **out, const char **why)
{
	*out = NULL;
	case_ref r;
	sj_err e = case_ref_open(c, a, case_id, &r, why);
	if (e)
		return e;
	if (strcmp(r.cls, "contravention") == 0) {
		*why = "avis-not-for-contravention";
		return SJ_EUNPROCESSABLE;
	}
	int64_t at = (int64_t)json_integer_value(json_object_get(in, "notified_at")), now = clock_now_ms();
	if (!proc_time_ok(at, 0, NULL, why))
		return SJ_EUNPROCESSABLE;
	char id[ID_LEN + 1];
	id_new(id);
	json_t *row = json_pack("{s:s,s:s,s:s,s:I,s:O,s:O,s:O?,s:s,s:I}", "id", id, "case_id", r.id, "unit_id",
				r.unit_id, "notified_at", (json_int_t)at, "means", json_object_get(in, "means"),
				"recipient", json_object_get(in, "recipient"), "reference",
				json_object_get(in, "reference"), "recorded_by", a->id, "recorded_at", (json_int_t)now);
	if (!row)
		return SJ_ENOMEM;
	e = dbj_write(c, sql_avis_add, &proc_avis_rec, row, false, "");
	json_decref(row);
	e = e ? e : case_mark_investigating(c, a, &r);
	e = e ? e : case_event(c, r.id, a, "avis",
			       json_pack("{s:s,s:I,s:s,s:s}", "avis_id", id, "notified_at", (json_int_t)at, "means",
					 jstr(in, "means"), "recipient", jstr(in, "recipient")));
	return e ? e : proc_case_read(c, a, r.id, out, why);
}

sj_err proc_instruction_add(db_conn *c, const sj_actor *a, const char *case_id, json_t *in, json_t **out,
			    const char **why)
{
	*out = NULL;
	case_ref r;
	sj_err e = case_ref_open(c, a, case_id, &r, why);
	if (e)
		return e;
	int64_t at = (int64_t)json_integer_value(json_object_get(in, "given_at")), now = clock_now_ms();
	if (!proc_time_ok(at, 0, NULL, why))
		return SJ_EUNPROCESSABLE;
	const char *person = jstr(in, "person_id");
	if (person) {
		static const char *const any[] = {"complainant", "victim", "suspect", "witness", "arrested", NULL};
		bool yes = false;
		if ((e = case_person_has_role(c, r.id, person, any, &yes)))
			return e;
		if (!yes) {
			*why = "proc-person-not-in-case";
			return SJ_EUNPROCESSABLE;
		}
	}
	char id[ID_LEN + 1];
	id_new(id);
	json_t *row = json_pack("{s:s,s:s,s:s,s:I,s:O,s:O,s:O,s:s?,s:s,s:s,s:I}", "id", id, "case_id", r.id, "unit_id",
				r.unit_id, "given_at", (json_int_t)at, "given_by", json_object_get(in, "given_by"),
				"kind", json_object_get(in, "kind"), "text", json_object_get(in, "text"), "person_id",
				person, "status", "given", "recorded_by", a->id, "recorded_at", (json_int_t)now);
	if (!row)
		return SJ_ENOMEM;
	e = dbj_write(c, sql_instr_add, &proc_instruction_rec, row, false, "");
	json_decref(row);
	e = e ? e : case_event(c, r.id, a, "instruction",
			       json_pack("{s:s,s:s,s:s,s:I}", "instruction_id", id, "kind", jstr(in, "kind"), "given_by",
					 jstr(in, "given_by"), "given_at", (json_int_t)at));
	return e ? e : proc_case_read(c, a, r.id, out, why);
}

static const char sql_instr_state[] =
	"SELECT status, given_at FROM proc_instructions WHERE id = ? AND case_id = ?";
static const char sql_instr_exec[] =
	"UPDATE proc_instructions SET status = 'executed', executed_at = ?, execution_note = ?, executed_by = ?"
	" WHERE id = ? AND status = 'given'";

sj_err proc_instruction_execute(db_conn *c, const sj_actor *a, const char *case_id, json_t *in, json_t **out,
				const char **why)
{
	*out = NULL;
	case_ref r;
	json_t *st = NULL;
	const char *iid = jstr(in, "instruction_id");
	sj_err e = case_ref_open(c, a, case_id, &r, why);
	e = e ? e : dbj_one(c, sql_instr_state, "status:t,given_at:i", &st, "tt", iid, r.id);
	if (e == SJ_ENOTFOUND) {
		*why = "instruction-not-found";
		return SJ_EUNPROCESSABLE;
	}
	if (e)
		return e;
	bool given = strcmp(jstr(st, "status"), "given") == 0;
	int64_t given_at = (int64_t)json_integer_value(json_object_get(st, "given_at"));
	json_decref(st);
	if (!given) {
		*why = "instruction-executed";
		return SJ_ECONFLICT;
	}
	json_t *ex = json_object_get(in, "executed_at");
	int64_t at = json_is_integer(ex) ? (int64_t)json_integer_value(ex) : clock_now_ms();
	if (!proc_time_ok(at, given_at, "proc-time-before-instruction", why))
		return SJ_EUNPROCESSABLE;
	e = db_run(c, sql_instr_exec, "ittt", at, jstr(in, "note"), a->id, iid);
	e = e ? e : case_event(c, r.id, a, "instruction.executed",
			       json_pack("{s:s,s:I,s:s}", "instruction_id", iid, "executed_at", (json_int_t)at, "note",
					 jstr(in, "note")));
	return e ? e : proc_case_read(c, a, r.id, out, why);
}

/* ------------------------------------------------------------ reads */

static const char sql_avis_list[] =
	"SELECT id, case_id, notified_at, means, recipient, reference, r_badge AS recorded_by, recorded_at"
	" FROM proc_avis JOIN (SELECT id AS r_id, badge AS r_badge FROM users) r ON r.r_id = recorded_by"
	" WHERE case_id = ? ORDER BY notified_at, id";
static const char sql_instr_list[] =
	"SELECT id, case_id, given_at, given_by, kind, text, person_id, status, executed_at, execution_note,"
	" x_badge AS executed_by, r_badge AS recorded_by, recorded_at FROM proc_instructions"
	" JOIN (SELECT id AS r_id, badge AS r_badge FROM users) r ON r.r_id = recorded_by"
	" LEFT JOIN (SELECT id AS x_id, badge AS x_badge FROM users) x ON x.x_id = executed_by"
	" WHERE case_id = ? ORDER BY given_at, id";

sj_err proc_case_read(db_conn *c, const sj_actor *a, const char *case_id, json_t **out, const char **why)
{
	*out = NULL;
	case_ref r;
	json_t *avis = NULL, *instr = NULL, *kase = NULL, *summons = NULL;
	sj_err e = case_ref_for(c, a, case_id, false, &r, why);
	e = e ? e : dbj_rec_rows(c, sql_avis_list, &proc_avis_rec, &avis, "t", r.id);
	e = e ? e : dbj_rec_rows(c, sql_instr_list, &proc_instruction_rec, &instr, "t", r.id);
	e = e ? e : proc_summons_list(c, r.id, &summons);
	e = e ? e : case_get(c, r.id, &kase);
	if (e) {
		json_decref(avis);
		json_decref(instr);
		json_decref(summons);
		return e;
	}
	/* CPP 23: the OPJ informs the prosecutor at once of the crimes and délits
	 * he learns of; a case without an avis a day after it was opened is flagged. */
	bool required = strcmp(r.cls, "contravention") != 0 && strcmp(r.status, "cancelled") != 0;
	int64_t opened = (int64_t)json_integer_value(json_object_get(kase, "created_at"));
	json_decref(kase);
	bool overdue = required && json_array_size(avis) == 0 && clock_now_ms() - opened > PROC_AVIS_DELAY_MS;
	*out = json_pack("{s:s,s:b,s:b,s:o,s:o,s:o}", "case_id", r.id, "avis_required", required, "avis_overdue",
			 overdue, "avis", avis, "instructions", instr, "summons", summons);
	return *out ? SJ_OK : SJ_ENOMEM;
}
