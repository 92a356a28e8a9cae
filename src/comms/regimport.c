/* regimport.c — the import of the register a unit kept before sijill: rows
 * checked all first (nothing written unless every one is good), each one
 * published and marked imported, a ref already imported skipped (the same
 * file twice changes nothing; see comms.h). */
#include "comms/internal.h"

#include <stdlib.h>

#include "auth/roles.h"
#include "core/clock.h"
#include "db/dbj.h"
#include "org/units.h"

/* One row of the register kept before sijill. */
#define IMPORT_ROW_FIELDS(X) \
	X(V, ref, CODE, 1, 64, NULL, IN | REQ) \
	X(V, kind, ENUM, 0, 0, &comms_kinds, IN | REQ) \
	X(V, title_ar, TEXT, 1, COMMS_MAX_TITLE, NULL, IN | NULLABLE) \
	X(V, title_fr, TEXT, 1, COMMS_MAX_TITLE, NULL, IN | NULLABLE) \
	X(V, date, DATE, 0, 10, NULL, IN | REQ) \
	X(V, channels, JSON, 0, 0, NULL, IN | NULLABLE) \
	X(V, media_partner, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, IN | NULLABLE) \
	X(V, topic, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, IN | NULLABLE) \
	X(V, event_id, ID, 0, 36, NULL, IN | NULLABLE)
static const rec_field import_row_fields[] = {IMPORT_ROW_FIELDS(REC_FIELD)};
static const rec_desc import_row_rec = REC_DESC("comms_import_row", NULL, import_row_fields, comms_activity_check);
#define IMPORT_FIELDS(X) \
	X(V, unit, CODE, 1, UNIT_CODE_MAX, NULL, IN | NULLABLE) \
	X(V, activities, ARRAY, 1, COMMS_IMPORT_MAX, &import_row_rec, IN | REQ)
static const rec_field import_fields[] = {IMPORT_FIELDS(REC_FIELD)};
const rec_desc comms_import_rec = REC_DESC("comms_import", NULL, import_fields, NULL);

/* ------------------------------------------------------------ the register kept before sijill */

static const char sql_ref_known[] = "SELECT COUNT(*) FROM comms_activities WHERE unit_id = ? AND import_ref = ?";

sj_err comms_register_import(db_conn *c, const sj_actor *a, json_t *in, json_t **out, const char **why,
			     json_t **extra)
{
	*out = NULL;
	*extra = NULL;
	unit_info u;
	const char *code = cj_str(in, "unit") ? cj_str(in, "unit") : a->unit_code;
	sj_err e = unit_get_by_code(c, code, &u);
	if (e == SJ_ENOTFOUND) {
		*why = "comms-unit-unknown";
		return SJ_EUNPROCESSABLE;
	}
	if (e)
		return e;
	if (!comms_can_write(a, u.path) || !(a->role & ROLE_COMM_HEAD))
		return SJ_EFORBIDDEN;
	json_t *rows = json_object_get(in, "activities"), *errs = json_array(), *refs = json_object();
	if (!errs || !refs) {
		json_decref(errs);
		json_decref(refs);
		return SJ_ENOMEM;
	}
	size_t i;
	json_t *r;
	/* every row first: nothing is written unless all are good */
	json_array_foreach(rows, i, r) {
		const char *ref = cj_str(r, "ref");
		if (json_object_get(refs, ref))
			json_array_append_new(errs, json_pack("{s:I,s:s,s:s}", "index", (json_int_t)i, "field", "ref",
							      "code", "duplicate"));
		json_object_set_new(refs, ref, json_true());
		if (cj_str(r, "event_id") && comms_event_exists(c, cj_str(r, "event_id")) == SJ_ENOTFOUND)
			json_array_append_new(errs, json_pack("{s:I,s:s,s:s}", "index", (json_int_t)i, "field",
							      "event_id", "code", "unknown"));
	}
	json_decref(refs);
	if (json_array_size(errs)) {
		*why = "comms-import-rows";
		*extra = json_pack("{s:o}", "errors", errs);
		return SJ_EUNPROCESSABLE;
	}
	json_decref(errs);
	int64_t now = clock_now_ms(), created = 0, skipped = 0;
	json_array_foreach(rows, i, r) {
		int64_t known = 0;
		e = dbj_int(c, sql_ref_known, &known, "tt", u.id, cj_str(r, "ref"));
		if (e)
			return e;
		if (known) {
			skipped++;
			continue;
		}
		char id[ID_LEN + 1], number[COMMS_NUMBER_MAX + 1];
		const char *date = cj_str(r, "date");
		e = comms_number(c, "comms-activity", "COM", u.id, u.code, strtol(date, NULL, 10), number);
		if (e)
			return e;
		id_new(id);
		json_t *row = json_pack("{s:s,s:s,s:s,s:O,s:O?,s:O?,s:s,s:O?,s:O?,s:O?,s:O?,s:i,s:s,s:s,s:I,s:s,s:I,"
					"s:s,s:b,s:I,s:I}",
					"id", id, "unit_id", u.id, "number", number, "kind", json_object_get(r, "kind"),
					"title_ar", json_object_get(r, "title_ar"), "title_fr",
					json_object_get(r, "title_fr"), "date", date, "channels",
					json_object_get(r, "channels"), "media_partner", json_object_get(r, "media_partner"),
					"topic", json_object_get(r, "topic"), "event_id", json_object_get(r, "event_id"),
					"version", 1, "status", "published", "drafted_by", a->id, "drafted_at",
					(json_int_t)now, "published_by", a->id, "published_at", (json_int_t)now,
					"import_ref", cj_str(r, "ref"), "imported", 1, "created_at", (json_int_t)now,
					"updated_at", (json_int_t)now);
		if (!row)
			return SJ_ENOMEM;
		e = comms_activity_insert(c, row);
		json_decref(row);
		if (e)
			return e;
		created++;
	}
	*out = json_pack("{s:s,s:I,s:I}", "unit", u.code, "created", (json_int_t)created, "skipped", (json_int_t)skipped);
	return *out ? SJ_OK : SJ_ENOMEM;
}
