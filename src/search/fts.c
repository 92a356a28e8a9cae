/* fts.c — full-text search of cases and PVs (see fts.h). */
#include "search/fts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "text/norm.h"

static const char sql_case_todo[] =
	"SELECT c.id, c.unit_id, c.summary, c.updated_at FROM cases c"
	" LEFT JOIN fts_docs d ON d.doc_id = 'case:' || c.id"
	" WHERE d.doc_id IS NULL OR d.updated_at < c.updated_at LIMIT 2000";
static const char sql_pv_todo[] =
	"SELECT p.id, c.unit_id, p.body, p.updated_at, c.id FROM pvs p JOIN cases c ON c.id = p.case_id"
	" LEFT JOIN fts_docs d ON d.doc_id = 'pv:' || p.id"
	" WHERE d.doc_id IS NULL OR d.updated_at < p.updated_at LIMIT 2000";
static const char sql_doc_upsert[] =
	"INSERT INTO fts_docs (doc_id, kind, case_id, unit_id, updated_at, body) VALUES (?, ?, ?, ?, ?, ?)"
	" ON CONFLICT (doc_id) DO UPDATE SET updated_at = excluded.updated_at, body = excluded.body";
static const char sql_fts_del[] = "DELETE FROM fts_index WHERE doc_id = ?";
static const char sql_fts_ins[] = "INSERT INTO fts_index (doc_id, body) VALUES (?, ?)";

static sj_err index_doc(db_conn *c, const char *doc_id, const char *kind, const char *case_id,
			const char *unit_id, int64_t at, const char *text)
{
	buf b;
	buf_init(&b, SJ_MAX_LONG_TEXT * 2);
	sj_err e = txt_normalize(text ? text : "", &b);
	if (e == SJ_EINVAL || e == SJ_ELIMIT) {
		buf_reset(&b);
		e = SJ_OK; /* unreadable text is indexed as empty */
	}
	if (!e)
		e = db_run(c, sql_doc_upsert, "ttttit", doc_id, kind, case_id, unit_id, at, buf_str(&b));
	if (!e && db_conn_kind(c) == DB_SQLITE) {
		e = db_run(c, sql_fts_del, "t", doc_id);
		e = e ? e : db_run(c, sql_fts_ins, "tt", doc_id, buf_str(&b));
	}
	buf_free(&b);
	return e;
}

sj_err fts_sync(db_conn *c)
{
	json_t *rows = NULL;
	sj_err e = dbj_rows(c, sql_case_todo, "id:t,unit:t,text:t,at:i", &rows, "");
	size_t i;
	json_t *r;
	char doc[64];
	json_array_foreach(rows, i, r) {
		if (e)
			break;
		const char *id = json_string_value(json_object_get(r, "id"));
		snprintf(doc, sizeof doc, "case:%s", id);
		e = index_doc(c, doc, "case", id, json_string_value(json_object_get(r, "unit")),
			      json_integer_value(json_object_get(r, "at")),
			      json_string_value(json_object_get(r, "text")));
	}
	json_decref(rows);
	rows = NULL;
	if (!e)
		e = dbj_rows(c, sql_pv_todo, "id:t,unit:t,text:t,at:i,case_id:t", &rows, "");
	json_array_foreach(rows, i, r) {
		if (e)
			break;
		snprintf(doc, sizeof doc, "pv:%s", json_string_value(json_object_get(r, "id")));
		e = index_doc(c, doc, "pv", json_string_value(json_object_get(r, "case_id")),
			      json_string_value(json_object_get(r, "unit")), json_integer_value(json_object_get(r, "at")),
			      json_string_value(json_object_get(r, "text")));
	}
	json_decref(rows);
	return e;
}

#define FTS_COLS "case_id:t,number:t,kind:t,unit:t,snippet:t"
static const char sql_sq_all[] =
	"SELECT d.case_id, c.number, d.kind, u.code, substr(d.body, 1, 200) FROM fts_index f"
	" JOIN fts_docs d ON d.doc_id = f.doc_id JOIN cases c ON c.id = d.case_id JOIN units u ON u.id = d.unit_id"
	" WHERE fts_index MATCH ? ORDER BY bm25(fts_index), d.doc_id LIMIT ?";
static const char sql_sq_scope[] =
	"SELECT d.case_id, c.number, d.kind, u.code, substr(d.body, 1, 200) FROM fts_index f"
	" JOIN fts_docs d ON d.doc_id = f.doc_id JOIN cases c ON c.id = d.case_id JOIN units u ON u.id = d.unit_id"
	" WHERE fts_index MATCH ? AND substr(u.path, 1, length(?)) = ? ORDER BY bm25(fts_index), d.doc_id LIMIT ?";
static const char sql_pg_all[] =
	"SELECT d.case_id, c.number, d.kind, u.code, substr(d.body, 1, 200) FROM fts_docs d"
	" JOIN cases c ON c.id = d.case_id JOIN units u ON u.id = d.unit_id"
	" WHERE to_tsvector('simple', d.body) @@ plainto_tsquery('simple', CAST(? AS TEXT))"
	" ORDER BY ts_rank(to_tsvector('simple', d.body), plainto_tsquery('simple', CAST(? AS TEXT))) DESC, d.doc_id LIMIT ?";
static const char sql_pg_scope[] =
	"SELECT d.case_id, c.number, d.kind, u.code, substr(d.body, 1, 200) FROM fts_docs d"
	" JOIN cases c ON c.id = d.case_id JOIN units u ON u.id = d.unit_id"
	" WHERE to_tsvector('simple', d.body) @@ plainto_tsquery('simple', CAST(? AS TEXT))"
	" AND substr(u.path, 1, length(CAST(? AS TEXT))) = CAST(? AS TEXT)"
	" ORDER BY ts_rank(to_tsvector('simple', d.body), plainto_tsquery('simple', CAST(? AS TEXT))) DESC, d.doc_id LIMIT ?";

sj_err fts_search(db_conn *c, const char *q, const char *scope_path, int limit, json_t **out)
{
	*out = NULL;
	buf b, m;
	buf_init(&b, 4096);
	buf_init(&m, 8192);
	sj_err e = txt_normalize(q, &b);
	if (e == SJ_ELIMIT)
		e = SJ_EINVAL;
	/* FTS5: every word as a quoted phrase, all required */
	txt_span sp[TXT_MAX_TOKENS];
	size_t n = e ? 0 : txt_tokens(buf_str(&b), b.len, sp, TXT_MAX_TOKENS);
	if (!e && n == 0)
		e = SJ_EINVAL;
	for (size_t i = 0; !e && i < n && i < TXT_MAX_TOKENS; i++) {
		e = buf_printf(&m, "%s\"%.*s\"", i ? " " : "", (int)sp[i].len, buf_str(&b) + sp[i].off);
	}
	if (!e) {
		if (db_conn_kind(c) == DB_SQLITE)
			e = scope_path ? dbj_rows(c, sql_sq_scope, FTS_COLS, out, "ttti", buf_str(&m), scope_path,
						  scope_path, (int64_t)limit)
				       : dbj_rows(c, sql_sq_all, FTS_COLS, out, "ti", buf_str(&m), (int64_t)limit);
		else
			e = scope_path ? dbj_rows(c, sql_pg_scope, FTS_COLS, out, "tttti", buf_str(&b), scope_path,
						  scope_path, buf_str(&b), (int64_t)limit)
				       : dbj_rows(c, sql_pg_all, FTS_COLS, out, "tti", buf_str(&b), buf_str(&b),
						  (int64_t)limit);
	}
	buf_free(&b);
	buf_free(&m);
	return e;
}
