/* units.h — the territorial organisation: national → préfecture / sûreté →
 * district → arrondissement. Reference data, loaded from data/units.json,
 * never hard-coded. Each unit carries a materialised path of codes
 * ("/DGSN/PP-CASA/AR-CASA-MAARIF/") so "in my scope" is a prefix test.
 */
#ifndef SJ_UNITS_H
#define SJ_UNITS_H

#include <jansson.h>
#include <stdbool.h>
#include "core/err.h"
#include "core/id.h"
#include "core/record.h"
#include "db/db.h"

#define UNIT_CODE_MAX 64
#define UNIT_PATH_MAX 512
#define UNIT_NAME_MAX 200

typedef struct unit_info {
	char id[ID_LEN + 1];
	char code[UNIT_CODE_MAX + 1];
	char kind[24];
	char name_fr[UNIT_NAME_MAX + 1];
	char name_ar[UNIT_NAME_MAX + 1];
	char path[UNIT_PATH_MAX + 1];
	char parent_id[ID_LEN + 1];   /* "" for the root */
} unit_info;

/* unit_get_root fills *out with the root unit (the national directorate);
 * SJ_ENOTFOUND before units are loaded. */
SJ_MUST_USE sj_err unit_get_root(db_conn *c, unit_info *out);
/* unit_get_by_code / unit_get fill *out; SJ_ENOTFOUND when absent. */
SJ_MUST_USE sj_err unit_get_by_code(db_conn *c, const char *code, unit_info *out);
SJ_MUST_USE sj_err unit_get(db_conn *c, const char *id, unit_info *out);
/* unit_in_scope: target lies in scope's subtree (or is scope itself). */
bool unit_in_scope(const char *scope_path, const char *target_path);
/* unit_load_json upserts units from a parsed data file {"units":[...]} inside
 * c's open write transaction; demo_only keeps only entries with "demo":true.
 * Parents may appear after children. *loaded receives the count. */
SJ_MUST_USE sj_err unit_load_json(db_conn *c, json_t *root, bool demo_only, int *loaded);
/* unit_list returns every unit (id, code, kind, names, parent code) as a new
 * JSON array, ordered by path. */
SJ_MUST_USE sj_err unit_list(db_conn *c, json_t **out);
/* The unit record (the units table, and a unit in the list with its
 * parent's code) and the list's answer. */
extern const rec_desc unit_rec, unit_list_rec;
/* unit_list_for returns {"units": [...], "mine": mine} (new object). */
SJ_MUST_USE sj_err unit_list_for(db_conn *c, const char *mine, json_t **out);
/* unit_to_json returns a new object {"id","code","kind","name_fr","name_ar"}. */
json_t *unit_to_json(const unit_info *u);

#endif
