/* grounds.c — the grounds of a garde à vue from the list of art 66-1 (loi
 * 03.23), as reference data (data/custody_rules.json "grounds", with the
 * confidence of each entry; see procedure.h). */
#include "procedure/procedure.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "refdata/refdata.h"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

#define GROUND_FIELDS(X) \
	X(C, code, CODE, 1, REF_CODE_MAX, NULL, OUT) \
	X(C, version, TEXT, 1, REF_VERSION_MAX, NULL, OUT) \
	X(C, label_fr, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, label_ar, TEXT, 1, SJ_MAX_SHORT_TEXT, NULL, OUT) \
	X(C, confidence, TEXT, 1, 32, NULL, OUT) \
	X(C, effective_from, DATE, 0, 10, NULL, OUT)
static const rec_field ground_fields[] = {GROUND_FIELDS(REC_FIELD)};
const rec_desc proc_ground_rec = REC_DESC("custody_ground", "ref_custody_grounds", ground_fields, NULL);

#define GROUNDS_FIELDS(X) X(V, grounds, ARRAY, 0, 0, &proc_ground_rec, OUT)
static const rec_field grounds_fields[] = {GROUNDS_FIELDS(REC_FIELD)};
const rec_desc proc_grounds_rec = REC_DESC("custody_grounds", NULL, grounds_fields, NULL);

static const char sql_add[] =
	"INSERT INTO ref_custody_grounds (code, version, label_fr, label_ar, confidence, effective_from)"
	" VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING";
static const char sql_get[] =
	"SELECT code, version, label_fr, label_ar, confidence, effective_from FROM ref_custody_grounds WHERE code = ?";
static const char sql_list[] =
	"SELECT code, version, label_fr, label_ar, confidence, effective_from FROM ref_custody_grounds ORDER BY code";

sj_err proc_grounds_load(db_conn *c, json_t *root, int *added)
{
	*added = 0;
	const char *version = jstr(root, "version"), *from = jstr(root, "grounds_effective_from");
	size_t i;
	json_t *g;
	json_array_foreach(json_object_get(root, "grounds"), i, g) {
		if (!version || !jstr(g, "code") || strlen(jstr(g, "code")) > REF_CODE_MAX || !jstr(g, "label_fr") ||
		    !jstr(g, "label_ar"))
			return SJ_EINVAL;
		sj_err e = db_run(c, sql_add, "tttttt", jstr(g, "code"), version, jstr(g, "label_fr"), jstr(g, "label_ar"),
				  jstr(g, "confidence"), from);
		if (e)
			return e;
		(*added)++;
	}
	return SJ_OK;
}

sj_err proc_ground_get(db_conn *c, const char *code, json_t **out)
{
	return dbj_rec_one(c, sql_get, &proc_ground_rec, out, "t", code);
}

sj_err proc_grounds_list(db_conn *c, json_t **out)
{
	*out = NULL;
	json_t *list = NULL;
	sj_err e = dbj_rec_rows(c, sql_list, &proc_ground_rec, &list, "");
	if (e)
		return e;
	*out = json_pack("{s:o}", "grounds", list);
	return *out ? SJ_OK : SJ_ENOMEM;
}

static const char sql_from[] = "SELECT MIN(effective_from) FROM ref_custody_grounds";

sj_err proc_grounds_required_at(db_conn *c, int64_t at, bool *required)
{
	*required = false;
	json_t *row = NULL;
	sj_err e = dbj_one(c, sql_from, "from:t", &row, "");
	if (e == SJ_ENOTFOUND)
		return SJ_OK;
	if (e)
		return e;
	const char *from = jstr(row, "from");
	char day[11];
	clock_legal_date(at, day);
	*required = from && strlen(from) == 10 && strcmp(day, from) >= 0;
	json_decref(row);
	return SJ_OK;
}

sj_err proc_ground_check(db_conn *c, const char *code, int64_t start, const char **why)
{
	bool required = false;
	sj_err e = proc_grounds_required_at(c, start, &required);
	if (e)
		return e;
	if (!code && required)
		*why = "custody-ground-required";
	if (!code)
		return required ? SJ_EUNPROCESSABLE : SJ_OK;
	json_t *g = NULL;
	e = proc_ground_get(c, code, &g);
	json_decref(g);
	if (e == SJ_ENOTFOUND) {
		*why = "custody-ground-unknown";
		return SJ_EUNPROCESSABLE;
	}
	return e;
}
