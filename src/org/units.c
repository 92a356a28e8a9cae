#include "org/units.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"

static const char sql_by_code[] =
	"SELECT id, code, kind, name_fr, name_ar, path, COALESCE(parent_id, '') FROM units WHERE code = ?";
static const char sql_by_id[] =
	"SELECT id, code, kind, name_fr, name_ar, path, COALESCE(parent_id, '') FROM units WHERE id = ?";

/* the root: the unit without a parent (the parameter, bound NULL, keeps one reader for all three) */
static const char sql_root[] =
	"SELECT id, code, kind, name_fr, name_ar, path, COALESCE(parent_id, '') FROM units"
	" WHERE parent_id IS NULL AND CAST(? AS TEXT) IS NULL ORDER BY path LIMIT 1";

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

static sj_err fetch_one(db_conn *c, const char *sql, const char *key, unit_info *out)
{
	db_stmt *s;
	bool row;
	sj_err e = db_prepare(c, sql, &s);
	if (!e)
		e = db_bind_text(s, 1, key);
	if (!e)
		e = db_step(s, &row);
	if (e)
		return e;
	if (!row)
		return SJ_ENOTFOUND;
	copy(out->id, sizeof out->id, db_col_text(s, 0));
	copy(out->code, sizeof out->code, db_col_text(s, 1));
	copy(out->kind, sizeof out->kind, db_col_text(s, 2));
	copy(out->name_fr, sizeof out->name_fr, db_col_text(s, 3));
	copy(out->name_ar, sizeof out->name_ar, db_col_text(s, 4));
	copy(out->path, sizeof out->path, db_col_text(s, 5));
	copy(out->parent_id, sizeof out->parent_id, db_col_text(s, 6));
	return db_step(s, &row);
}

sj_err unit_get_by_code(db_conn *c, const char *code, unit_info *out)
{
	return fetch_one(c, sql_by_code, code, out);
}

sj_err unit_get_root(db_conn *c, unit_info *out)
{
	return fetch_one(c, sql_root, NULL, out);
}

sj_err unit_get(db_conn *c, const char *id, unit_info *out)
{
	return fetch_one(c, sql_by_id, id, out);
}

bool unit_in_scope(const char *scope_path, const char *target_path)
{
	size_t n = strlen(scope_path);
	return n > 0 && strncmp(scope_path, target_path, n) == 0;
}

json_t *unit_to_json(const unit_info *u)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s}", "id", u->id, "code", u->code, "kind", u->kind,
			 "name_fr", u->name_fr, "name_ar", u->name_ar);
}

static const char sql_insert[] =
	"INSERT INTO units (id, code, kind, parent_id, name_fr, name_ar, city, path, created_at)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
	" ON CONFLICT (code) DO UPDATE SET kind = excluded.kind, name_fr = excluded.name_fr,"
	" name_ar = excluded.name_ar, city = excluded.city";

static bool valid_code(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > UNIT_CODE_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-'))
			return false;
	}
	return true;
}

sj_err unit_load_json(db_conn *c, json_t *root, bool demo_only, int *loaded)
{
	*loaded = 0;
	json_t *units = json_object_get(root, "units");
	if (!json_is_array(units))
		return SJ_EINVAL;
	size_t n = json_array_size(units);
	char *done = calloc(n ? n : 1, 1);
	if (!done)
		return SJ_ENOMEM;
	sj_err e = SJ_OK;
	/* Repeated passes: each inserts the units whose parent already exists. */
	for (bool progress = true; progress && !e;) {
		progress = false;
		for (size_t i = 0; i < n && !e; i++) {
			if (done[i])
				continue;
			json_t *u = json_array_get(units, i);
			const char *code = json_string_value(json_object_get(u, "code"));
			const char *kind = json_string_value(json_object_get(u, "kind"));
			const char *parent = json_string_value(json_object_get(u, "parent"));
			const char *fr = json_string_value(json_object_get(u, "name_fr"));
			const char *ar = json_string_value(json_object_get(u, "name_ar"));
			const char *city = json_string_value(json_object_get(u, "city"));
			if (demo_only && !json_is_true(json_object_get(u, "demo"))) {
				done[i] = 1;
				continue;
			}
			if (!code || !kind || !fr || !ar || !valid_code(code) || strlen(fr) > UNIT_NAME_MAX ||
			    strlen(ar) > UNIT_NAME_MAX) {
				log_msg(LOG_ERROR, "bad unit entry", json_pack("{s:I}", "index", (json_int_t)i));
				e = SJ_EINVAL;
				break;
			}
			unit_info p;
			char path[UNIT_PATH_MAX + 1];
			const char *parent_id = NULL;
			if (parent && *parent) {
				sj_err pe = unit_get_by_code(c, parent, &p);
				if (pe == SJ_ENOTFOUND)
					continue; /* a later pass */
				if (pe) {
					e = pe;
					break;
				}
				parent_id = p.id;
				int k = snprintf(path, sizeof path, "%s%s/", p.path, code);
				if (k < 0 || (size_t)k >= sizeof path) {
					e = SJ_ELIMIT;
					break;
				}
			} else {
				snprintf(path, sizeof path, "/%s/", code);
			}
			unit_info existing;
			char id[ID_LEN + 1];
			sj_err ge = unit_get_by_code(c, code, &existing);
			if (ge == SJ_OK)
				memcpy(id, existing.id, sizeof id);
			else if (ge == SJ_ENOTFOUND)
				id_new(id);
			else {
				e = ge;
				break;
			}
			e = db_run(c, sql_insert, "tttttttti", id, code, kind, parent_id, fr, ar, city, path,
				   clock_now_ms());
			if (!e) {
				done[i] = 1;
				(*loaded)++;
				progress = true;
			}
		}
	}
	for (size_t i = 0; !e && i < n; i++) {
		if (!done[i]) {
			log_msg(LOG_ERROR, "unit whose parent is unknown",
				json_pack("{s:s?}", "code", json_string_value(json_object_get(json_array_get(units, i), "code"))));
			e = SJ_EINVAL;
		}
	}
	free(done);
	return e;
}

static const char sql_list[] =
	"SELECT u.id, u.code, u.kind, u.name_fr, u.name_ar, COALESCE(p.code, ''), u.path"
	" FROM units u LEFT JOIN units p ON p.id = u.parent_id ORDER BY u.path";

sj_err unit_list(db_conn *c, json_t **out)
{
	*out = NULL;
	db_stmt *s;
	bool row;
	sj_err e = db_prepare(c, sql_list, &s);
	if (e)
		return e;
	json_t *arr = json_array();
	if (!arr)
		return SJ_ENOMEM;
	while (!(e = db_step(s, &row)) && row) {
		const char *parent = db_col_text(s, 5);
		json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s*}", "id", db_col_text(s, 0), "code",
				      db_col_text(s, 1), "kind", db_col_text(s, 2), "name_fr",
				      db_col_text(s, 3), "name_ar", db_col_text(s, 4), "parent",
				      parent && *parent ? parent : NULL);
		if (!o || json_array_append_new(arr, o)) {
			e = SJ_ENOMEM;
			break;
		}
	}
	if (e) {
		json_decref(arr);
		return e;
	}
	*out = arr;
	return SJ_OK;
}

/* ------------------------------------------------------------ the records */

#define UNIT_FIELDS(X) \
	X(C, code, CODE, 1, UNIT_CODE_MAX, NULL, OUT) \
	X(C, kind, CODE, 1, UNIT_CODE_MAX, NULL, OUT) \
	X(C, parent_id, ID, 0, 36, NULL, 0) \
	X(C, name_fr, TEXT, 1, UNIT_NAME_MAX, NULL, OUT) \
	X(C, name_ar, TEXT, 1, UNIT_NAME_MAX, NULL, OUT) \
	X(C, city, TEXT, 1, UNIT_NAME_MAX, NULL, 0) \
	X(C, path, TEXT, 1, UNIT_PATH_MAX, NULL, 0) \
	X(C, created_at, TIME, 0, 0, NULL, 0) \
	X(V, parent, CODE, 1, UNIT_CODE_MAX, NULL, OUT)
static const rec_field unit_fields[] = {REC_ID_FIELD, UNIT_FIELDS(REC_FIELD)};
const rec_desc unit_rec = REC_DESC("unit", "units", unit_fields, NULL);

#define UNIT_LIST_FIELDS(X) \
	X(V, units, ARRAY, 0, 0, &unit_rec, OUT) \
	X(V, mine, CODE, 1, UNIT_CODE_MAX, NULL, OUT)
static const rec_field unit_list_fields[] = {UNIT_LIST_FIELDS(REC_FIELD)};
const rec_desc unit_list_rec = REC_DESC("unit_list", NULL, unit_list_fields, NULL);

sj_err unit_list_for(db_conn *c, const char *mine, json_t **out)
{
	json_t *units = NULL;
	*out = NULL;
	sj_err e = unit_list(c, &units);
	if (e)
		return e;
	*out = json_pack("{s:o,s:s?}", "units", units, "mine", mine);
	return *out ? SJ_OK : SJ_ENOMEM;
}
