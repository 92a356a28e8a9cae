/* find.c — finding cases and complaints again (issue 18, "records are found
 * again"): the case list's number/keyword box and its date window, and the
 * header's search box (a case number, a receipt number). See cases.h and
 * complaint.h for the contracts. */
#include "cases/cases.h"
#include "cases/complaint.h"

#include <stdio.h>
#include <string.h>

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
	"SELECT c.id, c.number, u.code, c.frame, c.class, c.status, c.summary, c.created_at, c.updated_at,"
	" o.name, o.badge"
	" FROM cases c JOIN units u ON u.id = c.unit_id LEFT JOIN users o ON o.id = c.opj_id"
	" WHERE (CAST(? AS TEXT) IS NULL OR u.path LIKE CAST(? AS TEXT) || '%')"
	" AND (CAST(? AS TEXT) IS NULL OR c.status = CAST(? AS TEXT))"
	" AND (CAST(? AS TEXT) IS NULL OR LOWER(c.number) LIKE CAST(? AS TEXT) ESCAPE '\\'"
	"      OR LOWER(c.summary) LIKE CAST(? AS TEXT) ESCAPE '\\' OR LOWER(COALESCE(c.commune, '')) LIKE CAST(? AS TEXT) ESCAPE '\\')"
	" AND c.created_at >= ? AND c.created_at < ?"
	" ORDER BY c.created_at DESC, c.id DESC LIMIT ? OFFSET ?";

sj_err case_find(db_conn *c, const case_filter *f, int limit, int64_t offset, json_t **out)
{
	*out = NULL;
	char pat[CASE_FIND_Q_MAX * 2 + 4];
	const char *q = NULL;
	if (f->q && *f->q) {
		if (!like_pattern(f->q, pat, sizeof pat))
			return SJ_EINVAL;
		q = pat;
	}
	int64_t from = f->from_ms > 0 ? f->from_ms : 0, to = f->to_ms > 0 ? f->to_ms : INT64_MAX;
	return dbj_rows(c, sql_find,
			"id:t,number:t,unit:t,frame:t,class:t,status:t,summary:t,created_at:i,updated_at:i,"
			"opj_name:t,opj_badge:t",
			out, "ttttttttiiii", f->scope_path, f->scope_path, f->status, f->status, q, q, q, q, from, to,
			(int64_t)limit, offset);
}

static const char sql_receipt[] =
	"SELECT c.id, c.receipt_no, c.received_at, c.disposition, c.case_id"
	" FROM complaints c JOIN units u ON u.id = c.unit_id"
	" WHERE (CAST(? AS TEXT) IS NULL OR u.path LIKE CAST(? AS TEXT) || '%')"
	" AND LOWER(c.receipt_no) LIKE CAST(? AS TEXT) ESCAPE '\\'"
	" ORDER BY c.received_at DESC, c.id DESC LIMIT ?";

sj_err complaint_find(db_conn *c, const char *scope_path, const char *q, int limit, json_t **out)
{
	*out = NULL;
	char pat[CASE_FIND_Q_MAX * 2 + 4];
	if (!q || !*q || !like_pattern(q, pat, sizeof pat))
		return SJ_EINVAL;
	return dbj_rows(c, sql_receipt, "id:t,receipt_no:t,received_at:i,disposition:t,case_id:t", out, "ttti",
			scope_path, scope_path, pat, (int64_t)limit);
}
