/* rights.c — the rights notified to a person held (CPP 66 §3, 67; see
 * procedure.h): one row per right, its time, language, and the person's
 * signature or refusal. */
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

/* The rights a person held is told of (CPP 66 §3 and 67 as amended by loi
 * 03.23; art 460 for a minor's guardian is the custody's own). */
REC_ENUM_DEF(right_kinds, "right_kind", "reasons", "silence", "lawyer", "family", "interpreter", "medical");
REC_ENUM_DEF(right_languages, "right_language", "ar", "fr", "zgh", "es", "en", "other");
#define RIGHT_COUNT 6

#define RIGHT_FIELDS(X) \
	X(C, custody_id, ID, 0, 36, NULL, OUT) \
	X(C, unit_id, ID, 0, 36, NULL, 0) \
	X(C, right_kind, ENUM, 0, 0, &right_kinds, IN | REQ | OUT) \
	X(C, notified_at, TIME, 0, 0, NULL, IN | REQ | OUT) \
	X(C, language, ENUM, 0, 0, &right_languages, IN | REQ | OUT) \
	X(C, signed_by_person, BOOL, 0, 0, NULL, IN | REQ | OUT) \
	X(C, refusal_reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | OUT | NULLABLE) \
	X(C, recorded_by, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(C, recorded_at, TIME, 0, 0, NULL, OUT)

static void right_check(json_t *o, const char *prefix, json_t *errs)
{
	const char *reason = jstr(o, "refusal_reason");
	if (json_is_false(json_object_get(o, "signed_by_person")) && (!reason || !*reason))
		rec_err(errs, prefix, "refusal_reason", "right-refusal-needs-reason",
			"a person who does not sign: say why (refused, cannot write)");
}

static const rec_field right_fields[] = {REC_ID_FIELD, RIGHT_FIELDS(REC_FIELD)};
const rec_desc proc_right_rec = REC_DESC("proc_right", "custody_rights_notices", right_fields, right_check);


static const char sql_case_of[] = "SELECT case_id FROM custodies WHERE id = ?";
static const char sql_custody_state[] = "SELECT status, started_at FROM custodies WHERE id = ?";
static const char sql_has[] = "SELECT COUNT(*) FROM custody_rights_notices WHERE custody_id = ? AND right_kind = ?";
static const char sql_add[] =
	"INSERT INTO custody_rights_notices (" REC_COLS(RIGHT_FIELDS) ") VALUES (" REC_QS(RIGHT_FIELDS) ")";
static const char sql_count[] = "SELECT COUNT(DISTINCT right_kind) FROM custody_rights_notices WHERE custody_id = ?";

sj_err proc_rights_notify(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out, const char **why)
{
	*out = NULL;
	case_ref r;
	json_t *st = NULL;
	sj_err e = case_ref_of(c, a, sql_case_of, id, "custody-not-found", true, &r, why);
	e = e ? e : dbj_one(c, sql_custody_state, "status:t,started_at:i", &st, "t", id);
	if (e)
		return e;
	bool open = strcmp(jstr(st, "status"), "open") == 0;
	int64_t start = (int64_t)json_integer_value(json_object_get(st, "started_at")), now = clock_now_ms();
	json_decref(st);
	if (!open) {
		*why = "custody-ended";
		return SJ_ECONFLICT;
	}
	json_t *o = in;
	int64_t at = (int64_t)json_integer_value(json_object_get(o, "notified_at")), n = 0;
	if (!proc_time_ok(at, start, "proc-time-before-arrest", why))
		return SJ_EUNPROCESSABLE;
	if ((e = dbj_int(c, sql_has, &n, "tt", id, jstr(o, "right_kind"))))
		return e;
	if (n) {
		*why = "right-already-notified";
		return SJ_ECONFLICT;
	}
	char rid[ID_LEN + 1];
	id_new(rid);
	json_t *row = json_deep_copy(o), *set = json_pack("{s:s,s:s,s:s,s:s,s:I}", "id", rid, "custody_id", id, "unit_id",
							    r.unit_id, "recorded_by", a->id, "recorded_at", (json_int_t)now);
	int bad = !row || !set || json_object_update(row, set);
	json_decref(set);
	if (bad) {
		json_decref(row);
		return SJ_ENOMEM;
	}
	e = dbj_write(c, sql_add, &proc_right_rec, row, false, "");
	json_decref(row);
	if (e)
		return e;
	e = case_event(c, r.id, a, "custody.right",
		       json_pack("{s:s,s:s,s:I,s:s,s:b}", "custody_id", id, "right", jstr(in, "right_kind"), "notified_at",
				 (json_int_t)at, "language", jstr(in, "language"), "signed",
				 json_is_true(json_object_get(in, "signed_by_person"))));
	return e ? e : proc_register_entry(c, a, id, out, why);
}

sj_err proc_rights_missing(db_conn *c, const char *custody_id, int64_t *missing)
{
	int64_t n = 0;
	sj_err e = dbj_int(c, sql_count, &n, "t", custody_id);
	*missing = e ? RIGHT_COUNT : RIGHT_COUNT - n;
	return e;
}
