/* feed.c — reference data as a feed from central to its nodes (refdata.h,
 * exchange.h's xchg_feeds[]): each version central loaded (offences, custody
 * rules, prosecution offices, ranks) travels whole, once, with its rows; the
 * node adds a version it does not have as its newest (so it is current, as a
 * newer file loaded there would be) and never rewrites one it has: versions
 * are immutable, as when loaded from data/ (DESIGN: legal rules are data). */
#include "refdata/refdata.h"

#include <string.h>

#include "core/clock.h"
#include "db/dbj.h"
#include "exchange/exchange.h"

/* each kind's table; a kind this version does not know does not travel */
static const char *const kinds[][2] = {
	{"offences", "ref_offences"},
	{"custody_rules", "ref_custody_rules"},
	{"prosecution", "ref_prosecution_offices"},
	{"ranks", "ref_ranks"},
};

static const char *table_of(const char *kind)
{
	for (size_t i = 0; kind && i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kinds[i][0], kind) == 0)
			return kinds[i][1];
	return NULL;
}

static const char sql_versions[] =
	"SELECT kind, version, source, updated, loaded_at FROM ref_versions WHERE loaded_at > ? AND loaded_at <= ?"
	" ORDER BY loaded_at, seq";
static const char *const sql_rows[] = {
	"SELECT * FROM ref_offences WHERE version = ?",
	"SELECT * FROM ref_custody_rules WHERE version = ?",
	"SELECT * FROM ref_prosecution_offices WHERE version = ?",
	"SELECT * FROM ref_ranks WHERE version = ?",
};

/* rows_of reads every row of a version as {column: text} objects. */
static sj_err rows_of(db_conn *c, const char *sql, const char *version, json_t *rows)
{
	db_stmt *s;
	bool row;
	sj_err e = db_prepare(c, sql, &s);
	e = e ? e : db_bind_text(s, 1, version);
	while (!e && !(e = db_step(s, &row)) && row) {
		json_t *o = json_object();
		for (int i = 0; o && i < db_col_count(s); i++) {
			const char *n = db_col_name(s, i);
			if (n)
				json_object_set_new(o, n, db_col_null(s, i) ? json_null() : json_string(db_col_text(s, i)));
		}
		if (!o || json_array_append_new(rows, o))
			e = SJ_ENOMEM;
	}
	return e;
}

sj_err ref_feed_produce(db_conn *c, const xchg_peer *p, int64_t after, int64_t upto, size_t limit, json_t *records,
			int64_t *cursor, bool *more)
{
	(void)p;
	(void)limit;   /* a handful of versions, each whole */
	*cursor = after;
	*more = false;
	json_t *vs = NULL;
	sj_err e = dbj_rows(c, sql_versions, "kind:t,version:t,source:t,updated:t,loaded_at:i", &vs, "ii", after, upto);
	size_t i;
	json_t *v;
	json_array_foreach(vs, i, v) {
		if (e)
			break;
		const char *kind = json_string_value(json_object_get(v, "kind"));
		int64_t at = json_integer_value(json_object_get(v, "loaded_at"));
		if (at > *cursor)
			*cursor = at;
		for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
			if (strcmp(kinds[k][0], kind) != 0)
				continue;
			json_t *rows = json_array();
			e = rows ? rows_of(c, sql_rows[k], json_string_value(json_object_get(v, "version")), rows) : SJ_ENOMEM;
			if (!e) {
				json_object_set_new(v, "rows", rows);
				json_array_append(records, v);
			} else
				json_decref(rows);
		}
	}
	json_decref(vs);
	return e;
}

static const char sql_known[] = "SELECT count(*) FROM ref_versions WHERE kind = ? AND version = ?";
static const char sql_next[] = "SELECT COALESCE(MAX(seq), 0) + 1 FROM ref_versions";
static const char sql_add[] =
	"INSERT INTO ref_versions (kind, version, source, updated, loaded_at, seq) VALUES (?, ?, ?, ?, ?, ?)";

sj_err ref_feed_apply(db_conn *c, json_t *records, int64_t issued_at, int64_t *applied)
{
	(void)issued_at;
	size_t i;
	json_t *v;
	json_array_foreach(records, i, v) {
		const char *kind = json_string_value(json_object_get(v, "kind")),
			   *version = json_string_value(json_object_get(v, "version")), *table = table_of(kind);
		int64_t known = 0, seq = 0;
		if (!table || !version || strlen(version) > REF_VERSION_MAX)
			continue;
		sj_err e = dbj_int(c, sql_known, &known, "tt", kind, version);
		if (e)
			return e;
		if (known)
			continue;   /* loaded here from the same file, or pulled before */
		size_t k;
		json_t *row;
		json_array_foreach(json_object_get(v, "rows"), k, row) {
			if ((e = xchg_feed_insert(c, table, row)))
				return e;
		}
		e = dbj_int(c, sql_next, &seq, "");
		e = e ? e : db_run(c, sql_add, "ttttii", kind, version, json_string_value(json_object_get(v, "source")),
				   json_string_value(json_object_get(v, "updated")), clock_now_ms(), seq);
		if (e)
			return e;
		(*applied)++;
	}
	return SJ_OK;
}
