/* links.c — a case officer's link that lets a communication unit speak of a
 * case (see comms.h). The link carries what the officer chose to say; the
 * case itself is read only through cases.h, and only by the module (the
 * personal-data check), never shown to communication. */
#include "comms/internal.h"

#include <string.h>

#include "cases/cases.h"
#include "core/clock.h"
#include "db/dbj.h"
#include "org/units.h"

#define LINK_FIELDS(X) \
	X(C, case_id, ID, 0, 36, NULL, 0) \
	X(C, case_number, CODE, 1, CASE_NUMBER_MAX, NULL, OUT) \
	X(C, case_unit_id, ID, 0, 36, NULL, 0) \
	X(C, comm_unit_id, ID, 0, 36, NULL, 0) \
	X(C, summary_ar, TEXT, 3, SJ_MAX_LONG_TEXT, NULL, IN | OUT | MULTI | NULLABLE) \
	X(C, summary_fr, TEXT, 3, SJ_MAX_LONG_TEXT, NULL, IN | OUT | MULTI | NULLABLE) \
	X(C, created_by, ID, 0, 36, NULL, 0) \
	X(C, created_at, TIME, 0, 0, NULL, OUT) \
	X(V, unit, CODE, 1, UNIT_CODE_MAX, NULL, IN | REQ | OUT) \
	X(V, case_unit, CODE, 1, UNIT_CODE_MAX, NULL, OUT) \
	X(V, comm_unit_path, TEXT, 1, UNIT_PATH_MAX, NULL, 0) \
	X(V, created_by_badge, CODE, 1, SJ_MAX_BADGE, NULL, OUT)

static void link_check(json_t *o, const char *prefix, json_t *errs)
{
	if (!cj_str(o, "summary_ar") && !cj_str(o, "summary_fr"))
		rec_err(errs, prefix, "summary_fr", "summary-required", "what may be said, in Arabic or French");
}

static const rec_field link_fields[] = {REC_ID_FIELD, LINK_FIELDS(REC_FIELD)};
const rec_desc comms_case_link_rec = REC_DESC("comms_case_link", "comms_case_links", link_fields, link_check);

static const char sql_insert[] =
	"INSERT INTO comms_case_links (id, case_id, case_number, case_unit_id, comm_unit_id, summary_ar, summary_fr,"
	" created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char sql_get[] =
	"SELECT id, case_id, case_number, summary_ar, summary_fr, created_at, unit, comm_unit_path, case_unit,"
	" created_by_badge FROM comms_case_links"
	" JOIN (SELECT id AS u_id, code AS unit, path AS comm_unit_path FROM units) u ON u.u_id = comm_unit_id"
	" JOIN (SELECT id AS k_id, code AS case_unit FROM units) k ON k.k_id = case_unit_id"
	" LEFT JOIN (SELECT id AS b_id, badge AS created_by_badge FROM users) b ON b.b_id = created_by"
	" WHERE id = ?";
#define GET_COLS "id:t,case_id:t,case_number:t,summary_ar:t,summary_fr:t,created_at:i,unit:t,comm_unit_path:t," \
	"case_unit:t,created_by_badge:t"

sj_err comms_link_for(db_conn *c, const sj_actor *a, const char *link_id, json_t **out)
{
	*out = NULL;
	if (!id_valid(link_id))
		return SJ_ENOTFOUND;
	json_t *l = NULL;
	sj_err e = dbj_one(c, sql_get, GET_COLS, &l, "t", link_id);
	if (e)
		return e;
	if (!comms_can_read(a, cj_str(l, "comm_unit_path"))) {
		json_decref(l);
		return SJ_EFORBIDDEN;
	}
	*out = l;
	return SJ_OK;
}

sj_err comms_case_link_create(db_conn *c, const sj_actor *a, const char *case_id, json_t *in, json_t **out,
			      const char **why)
{
	*out = NULL;
	case_ref ref;
	sj_err e = case_ref_get(c, case_id, false, &ref);
	if (e)
		return e;
	/* only a case officer of the case's scope speaks for the case */
	if (!actor_can_write(a, ref.unit_path))
		return SJ_EFORBIDDEN;
	unit_info u;
	e = unit_get_by_code(c, cj_str(in, "unit"), &u);
	if (e == SJ_ENOTFOUND) {
		*why = "comms-unit-unknown";
		return SJ_EUNPROCESSABLE;
	}
	if (e)
		return e;
	if (!unit_in_scope(u.path, ref.unit_path)) {
		*why = "comms-link-unit";
		return SJ_EUNPROCESSABLE;
	}
	char id[ID_LEN + 1];
	id_new(id);
	e = db_run(c, sql_insert, "tttttttti", id, ref.id, ref.number, ref.unit_id, u.id, cj_str(in, "summary_ar"),
		   cj_str(in, "summary_fr"), a->id, clock_now_ms());
	if (e)
		return e;
	e = dbj_one(c, sql_get, GET_COLS, out, "t", id);
	if (!e) {
		json_object_del(*out, "case_id");
		json_object_del(*out, "comm_unit_path");
	}
	return e;
}

static const char sql_list[] =
	"SELECT id, case_number, summary_ar, summary_fr, created_at, unit, case_unit, created_by_badge"
	" FROM comms_case_links"
	" JOIN (SELECT id AS u_id, code AS unit, path AS comm_unit_path FROM units) u ON u.u_id = comm_unit_id"
	" JOIN (SELECT id AS k_id, code AS case_unit FROM units) k ON k.k_id = case_unit_id"
	" LEFT JOIN (SELECT id AS b_id, badge AS created_by_badge FROM users) b ON b.b_id = created_by"
	" WHERE (CAST(? AS TEXT) IS NULL OR comm_unit_path LIKE CAST(? AS TEXT) || '%')"
	" ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?";

sj_err comms_case_link_list(db_conn *c, const sj_actor *a, int limit, int64_t offset, json_t **out)
{
	const char *scope = comms_scope(a);
	return dbj_rows(c, sql_list,
			"id:t,case_number:t,summary_ar:t,summary_fr:t,created_at:i,unit:t,case_unit:t,"
			"created_by_badge:t",
			out, "ttii", scope, scope, (int64_t)limit, offset);
}
