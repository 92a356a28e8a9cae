/* find.c — finding cases and complaints again (issue 18, "records are found
 * again"): the case list's number/keyword box and its date window, and the
 * header's search box (a case number, a receipt number). See cases.h for the
 * contracts. */
#include "cases/cases.h"
#include "cases/complaint.h"

#include <stdio.h>
#include <string.h>

#include "core/limits.h"
#include "db/dbj.h"

/* like_pattern writes "%q%" into out with LIKE's own characters (\ % _)
 * escaped by a backslash (every statement here says ESCAPE '\'), lower-cased
 * for ASCII so "ar-casa" finds "AR-CASA". false when q does not fit. */
static bool like_pattern(const char *q, char *out, size_t n)
{
	size_t j = 0;
	if (n < 3)
		return false;
	out[j++] = '%';
	for (const char *p = q; *p; p++) {
		if (j + 3 >= n)
			return false;
		if (*p == '\\' || *p == '%' || *p == '_')
			out[j++] = '\\';
		out[j++] = (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : *p;
	}
	out[j++] = '%';
	out[j] = '\0';
	return true;
}

static const char sql_find[] =
	"SELECT id, number, unit, frame, class, status, summary, created_at, updated_at, opj_name, opj_badge"
	" FROM cases JOIN (SELECT id AS u_id, code AS unit, path AS unit_path FROM units) u ON u.u_id = unit_id"
	" LEFT JOIN (SELECT id AS o_id, name AS opj_name, badge AS opj_badge FROM users) o ON o.o_id = opj_id"
	" WHERE (CAST(? AS TEXT) IS NULL OR unit_path LIKE CAST(? AS TEXT) || '%')"
	" AND (CAST(? AS TEXT) IS NULL OR status = CAST(? AS TEXT))"
	" AND (CAST(? AS TEXT) IS NULL OR LOWER(number) LIKE CAST(? AS TEXT) ESCAPE '\\'"
	"      OR LOWER(summary) LIKE CAST(? AS TEXT) ESCAPE '\\' OR LOWER(COALESCE(commune, '')) LIKE CAST(? AS TEXT) ESCAPE '\\')"
	" AND created_at >= ? AND created_at < ?"
	" ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?";

static sj_err find_cases(db_conn *c, const sj_actor *a, const case_filter *f, int limit, int64_t offset,
			 json_t **list)
{
	*list = NULL;
	char pat[CASE_FIND_Q_MAX * 2 + 4];
	const char *q = NULL;
	if (f->q && *f->q) {
		if (strlen(f->q) > CASE_FIND_Q_MAX || !like_pattern(f->q, pat, sizeof pat))
			return SJ_EINVAL;
		q = pat;
	}
	const char *scope = a->national ? NULL : a->unit_path;
	int64_t from = f->from_ms > 0 ? f->from_ms : 0, to = f->to_ms > 0 ? f->to_ms : INT64_MAX;
	return dbj_rec_rows(c, sql_find, &case_rec, list, "ttttttttiiii", scope, scope, f->status, f->status, q, q,
			    q, q, from, to, (int64_t)limit, offset);
}

sj_err case_find(db_conn *c, const sj_actor *a, const case_filter *f, int limit, int64_t offset, json_t **out)
{
	json_t *list = NULL;
	sj_err e = find_cases(c, a, f, limit, offset, &list);
	if (e)
		return e;
	*out = json_pack("{s:o}", "cases", list);
	return *out ? SJ_OK : SJ_ENOMEM;
}

static const char sql_receipt[] =
	"SELECT id, receipt_no, received_at, disposition, case_id"
	" FROM complaints JOIN (SELECT id AS u_id, path AS unit_path FROM units) u ON u.u_id = unit_id"
	" WHERE (CAST(? AS TEXT) IS NULL OR unit_path LIKE CAST(? AS TEXT) || '%')"
	" AND LOWER(receipt_no) LIKE CAST(? AS TEXT) ESCAPE '\\'"
	" ORDER BY received_at DESC, id DESC LIMIT ?";

/* The header's search box: what it found for q. */
#define CASE_FIND_FIELDS(X) \
	X(V, q, TEXT, 1, CASE_FIND_Q_MAX, NULL, OUT) \
	X(V, cases, ARRAY, 0, SJ_MAX_PAGE, &case_rec, OUT) \
	X(V, complaints, ARRAY, 0, SJ_MAX_PAGE, &complaint_rec, OUT)
static const rec_field case_find_fields[] = {CASE_FIND_FIELDS(REC_FIELD)};
const rec_desc case_find_rec = REC_DESC("case_find", NULL, case_find_fields, NULL);

sj_err case_find_any(db_conn *c, const sj_actor *a, const char *q, int limit, json_t **out)
{
	*out = NULL;
	char pat[CASE_FIND_Q_MAX * 2 + 4];
	if (!q || !*q || strlen(q) > CASE_FIND_Q_MAX || !like_pattern(q, pat, sizeof pat))
		return SJ_EINVAL;
	const char *scope = a->national ? NULL : a->unit_path;
	case_filter f = {.q = q};
	json_t *cases = NULL, *complaints = NULL;
	sj_err e = find_cases(c, a, &f, limit, 0, &cases);
	e = e ? e : dbj_rec_rows(c, sql_receipt, &complaint_rec, &complaints, "ttti", scope, scope, pat, (int64_t)limit);
	if (e) {
		json_decref(cases);
		return e;
	}
	*out = json_pack("{s:s,s:o,s:o}", "q", q, "cases", cases, "complaints", complaints);
	return *out ? SJ_OK : SJ_ENOMEM;
}
