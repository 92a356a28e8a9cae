/* central.c — central applies a node's row into its own tables too
 * (internal.h; docs/internals/exchange.md "Node rows in central's tables"),
 * so a node's case shows at central and its persons in national search.
 * Ids differ per database for units and users: a unit id of the node is
 * translated by its code (the batch carries the codes of the unit ids its
 * rows name), a user of the node by badge (central's account of the same
 * officer) or kept as a shadow account with the node's id, disabled and
 * without a password. Each row in a savepoint: one that does not fit
 * (an unknown unit, a unique key taken at central) is rolled back alone and
 * quarantined by the caller; the exact copy in xchg_rows stays. */
#include "exchange/exchange.h"
#include "exchange/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/id.h"
#include "core/log.h"
#include "db/dbj.h"
#include "org/units.h"
#include "refdata/refdata.h"
#include "persons/persons.h"
#include "registers/registers.h"
#include "search/search.h"
#include "stats/stats.h"

static const char sql_map_put[] =
	"INSERT INTO xchg_idmap (node_id, node_ref, central_id) VALUES (?, ?, ?)"
	" ON CONFLICT (node_id, node_ref) DO UPDATE SET central_id = excluded.central_id";
static const char sql_user_by_badge[] = "SELECT id FROM users WHERE badge = ?";
static const char sql_map_all[] = "SELECT node_ref, central_id FROM xchg_idmap WHERE node_id = ?";

sj_err xchg_central_refs(db_conn *c, const char *node, json_t *payload)
{
	json_t *rows = NULL, *m = json_object();
	sj_err e = m ? dbj_rows(c, sql_map_all, "node_ref:t,central_id:t", &rows, "t", node) : SJ_ENOMEM;
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) json_object_set(m, json_string_value(json_object_get(r, "node_ref")),
						       json_object_get(r, "central_id"));
	json_decref(rows);
	if (!e)
		json_object_set(payload, "_users", m);
	json_decref(m);
	return e;
}

/* translate rewrites, in row, every value that is one of the node's unit ids
 * (by code) or a node user mapped to a central account. */
/* central_rule writes into out central's custody rule id of key
 * "version|regime|from" (a custody names its rule: rare, so no cache); ""
 * when central has no such rule. */
static sj_err central_rule(db_conn *c, const char *key, char out[ID_LEN + 1])
{
	json_t *list = NULL;
	out[0] = '\0';
	sj_err e = ref_custody_rules_list(c, &list);
	size_t i;
	json_t *u;
	json_array_foreach(list, i, u) {
		char k[160];
		snprintf(k, sizeof k, "%s|%s|%lld", json_string_value(json_object_get(u, "version")),
			 json_string_value(json_object_get(u, "regime")),
			 (long long)json_integer_value(json_object_get(u, "effective_from")));
		const char *id = json_string_value(json_object_get(u, "id"));
		if (id && strcmp(k, key) == 0)
			snprintf(out, ID_LEN + 1, "%s", id);
	}
	json_decref(list);
	return e;
}

static sj_err translate(db_conn *c, const char *node, json_t *row, json_t *refs, const char **why)
{
	const char *k;
	json_t *v;
	json_object_foreach(row, k, v) {
		const char *s = json_string_value(v);
		if (!s || strlen(s) != ID_LEN)
			continue;
		const char *rule = json_string_value(json_object_get(json_object_get(refs, "rules"), s));
		if (rule) {
			/* central's id of that rule, read once per batch */
			char cid[ID_LEN + 1];
			const char *known = json_string_value(json_object_get(json_object_get(refs, "_crules"), rule));
			if (known)
				snprintf(cid, sizeof cid, "%s", known);
			else {
				sj_err e = central_rule(c, rule, cid);
				if (e)
					return e;
				if (!json_object_get(refs, "_crules"))
					json_object_set_new(refs, "_crules", json_object());
				json_object_set_new(json_object_get(refs, "_crules"), rule, json_string(cid));
			}
			if (!cid[0]) {
				*why = "central-rule-unknown";
				return SJ_OK;
			}
			json_object_set_new(row, k, json_string(cid));
			continue;
		}
		const char *code = json_string_value(json_object_get(json_object_get(refs, "units"), s));
		if (code) {
			/* central's id of that code, read once per batch */
			json_t *known = json_object_get(json_object_get(refs, "_cunits"), code);
			if (!known) {
				unit_info u;
				sj_err e = unit_get_by_code(c, code, &u);
				if (e == SJ_ENOTFOUND) {
					*why = "central-unit-unknown";
					return SJ_OK;
				}
				if (e)
					return e;
				if (!json_object_get(refs, "_cunits"))
					json_object_set_new(refs, "_cunits", json_object());
				json_object_set_new(json_object_get(refs, "_cunits"), code, json_string(u.id));
				known = json_object_get(json_object_get(refs, "_cunits"), code);
			}
			json_object_set(row, k, known);
			continue;
		}
		json_t *cid = json_object_get(json_object_get(refs, "_users"), s);
		if (cid)
			json_object_set(row, k, cid);
	}
	return SJ_OK;
}

/* table_cols reads the columns central's table has into cols (*n), from
 * the catalogue once per batch (kept in refs). */
static sj_err table_cols(db_conn *c, const char *table, json_t *refs, char cols[][64], int *n)
{
	*n = 0;
	json_t *cache = json_object_get(json_object_get(refs, "_cols"), table);
	if (cache) {
		size_t i;
		json_t *v;
		json_array_foreach(cache, i, v) snprintf(cols[(*n)++], 64, "%s", json_string_value(v));
		return SJ_OK;
	}
	sj_err e = xchg_columns(c, table, cols, n);
	if (e)
		return e;
	json_t *a = json_array();
	for (int i = 0; a && i < *n; i++)
		json_array_append_new(a, json_string(cols[i]));
	if (!json_object_get(refs, "_cols"))
		json_object_set_new(refs, "_cols", json_object());
	json_object_set_new(json_object_get(refs, "_cols"), table, a);
	return SJ_OK;
}

static sj_err bind_json(db_stmt *s, int i, json_t *v)
{
	if (json_is_null(v))
		return db_bind_null(s, i);
	if (json_is_integer(v))
		return db_bind_int(s, i, json_integer_value(v));
	if (json_is_boolean(v))
		return db_bind_int(s, i, json_is_true(v));
	if (json_is_string(v))
		return db_bind_text(s, i, json_string_value(v));
	char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	sj_err e = t ? db_bind_text(s, i, t) : SJ_ENOMEM;
	free(t);
	return e;
}

/* upsert_rows writes the k rows of table by key in one statement: the
 * columns central's table has that the first row holds (the caller groups
 * rows of the same columns), `INSERT … VALUES (…), (…) ON CONFLICT (key) DO
 * UPDATE`. The text is interned per (table, columns, k): callers use a few
 * sizes of k only (set_flush). */
static sj_err upsert_rows(db_conn *c, const char *table, const char *key, json_t *const *rows, int k, json_t *refs)
{
	static __thread char cols[XCHG_COLS_MAX][64];
	int n = 0, m = 0;
	sj_err e = table_cols(c, table, refs, cols, &n);
	if (e)
		return e;
	int use[XCHG_COLS_MAX];
	for (int i = 0; i < n; i++)
		if (json_object_get(rows[0], cols[i]))
			use[m++] = i;
	if (!m || !json_object_get(rows[0], key))
		return SJ_EINVAL;
	buf list, qs, set;
	buf_init(&list, 1 << 12);
	buf_init(&qs, 1 << 14);
	buf_init(&set, 1 << 13);
	for (int j = 0; !e && j < m; j++) {
		const char *col = cols[use[j]];
		e = buf_printf(&list, "%s%s", j ? ", " : "", col);
		if (!e && strcmp(col, key) != 0)
			e = buf_printf(&set, "%s%s = excluded.%s", set.len ? ", " : "", col, col);
	}
	for (int r = 0; !e && r < k; r++) {
		e = buf_printf(&qs, "%s(", r ? ", " : "");
		for (int j = 0; !e && j < m; j++)
			e = buf_printf(&qs, "%s?", j ? ", " : "");
		e = e ? e : buf_printf(&qs, ")");
	}
	const char *q = NULL;
	if (!e)
		q = set.len ? xchg_sqlf("INSERT INTO %s (%s) VALUES %s ON CONFLICT (%s) DO UPDATE SET %s", table,
					buf_str(&list), buf_str(&qs), key, buf_str(&set))
			    : xchg_sqlf("INSERT INTO %s (%s) VALUES %s ON CONFLICT (%s) DO NOTHING", table,
					buf_str(&list), buf_str(&qs), key);
	buf_free(&list);
	buf_free(&qs);
	buf_free(&set);
	if (e)
		return e;
	db_stmt *s;
	bool more;
	e = q ? db_prepare(c, q, &s) : SJ_EINTERNAL;
	for (int r = 0; !e && r < k; r++)
		for (int j = 0; !e && j < m; j++) {
			json_t *v = json_object_get(rows[r], cols[use[j]]);
			e = bind_json(s, r * m + j + 1, v ? v : json_null());
		}
	return e ? e : db_step(s, &more);
}

/* upsert writes one row into table by key. */
static sj_err upsert(db_conn *c, const char *table, const char *key, json_t *row, json_t *refs)
{
	return upsert_rows(c, table, key, &row, 1, refs);
}

/* user applies a node's account: central's own account of the same badge,
 * or a shadow (the node's id, disabled, no password). */
static sj_err user(db_conn *c, const char *node, json_t *row, json_t *refs)
{
	const char *id = json_string_value(json_object_get(row, "id")),
		   *badge = json_string_value(json_object_get(row, "badge"));
	if (!id || !badge)
		return SJ_EINVAL;
	json_t *u = NULL;
	sj_err e = dbj_one(c, sql_user_by_badge, "id:t", &u, "t", badge);
	if (e == SJ_OK) {
		const char *cid = json_string_value(json_object_get(u, "id"));
		e = strcmp(cid, id) == 0 ? SJ_ENOTFOUND   /* our shadow: update it below */
					 : db_run(c, sql_map_put, "ttt", node, id, cid);
		if (!e && strcmp(cid, id) != 0)
			json_object_set_new(json_object_get(refs, "_users"), id, json_string(cid));
	}
	json_decref(u);
	if (e != SJ_ENOTFOUND)
		return e;
	/* a shadow account: it names the node's officer in central's rows and
	 * cannot log in (no password hash verifies "!", and it is disabled) */
	json_object_set_new(row, "password_hash", json_string("!"));
	json_object_set_new(row, "status", json_string("disabled"));
	json_object_set_new(row, "failed_count", json_integer(0));
	json_object_set_new(row, "locked_until", json_integer(0));
	json_object_set_new(row, "totp_secret", json_null());
	return upsert(c, "users", "id", row, refs);
}

/* A node's purge (a row deleted by its retention job: exchange.h's
 * xchg_row_deleted) removes central's copy from its own table: idempotent (a
 * row already gone deletes nothing), children before parents in the set.
 * The purged tables feed neither the search index nor the statistics. */
static sj_err purge_row(db_conn *c, const xchg_table *t, const char *id)
{
	char q[160];
	snprintf(q, sizeof q, "DELETE FROM %s WHERE %s = ?", t->table, t->key);
	return db_run(c, q, "t", id);
}

sj_err xchg_central_apply(db_conn *c, const char *node, const char *tbl, const char *text, json_t *refs,
			  const char **why)
{
	*why = NULL;
	const xchg_table *t = xchg_table_find(tbl);
	if (!t || strcmp(tbl, "audit_log") == 0)
		return SJ_OK;   /* the node's audit chain is witnessed, not central's chain */
	json_t *row = json_loads(text, 0, NULL);
	if (!row)
		return SJ_OK;
	if (xchg_row_deleted(row)) {
		sj_err pe = purge_row(c, t, json_string_value(json_object_get(row, "id")));
		json_decref(row);
		return pe;
	}
	/* the row's own id is never translated (a node user mapped to central's
	 * account of the same badge keeps its id in its own row) */
	json_t *own = json_incref(json_object_get(row, t->key));
	sj_err e = db_exec(c, "SAVEPOINT xchg_central");
	if (!e)
		e = translate(c, node, row, refs, why);
	if (own)
		json_object_set(row, t->key, own);
	json_decref(own);
	/* a person of the CIN central holds on another region's record: one
	 * national person (persons.h), the merge recorded once the row is in */
	char survivor[ID_LEN + 1] = "", *cin = NULL;
	bool merge_new = false;
	if (!e && !*why && strcmp(tbl, "persons") == 0) {
		const char *k0 = json_string_value(json_object_get(row, "cin"));
		cin = k0 ? strdup(k0) : NULL;
		e = persons_national_link(c, row, survivor, &merge_new);
	}
	if (!e && !*why) {
		if (strcmp(tbl, "users") == 0)
			e = user(c, node, row, refs);
		else {
			/* a node's OPJ key at central: the public half only */
			if (strcmp(tbl, "opj_keys") == 0 && !json_object_get(row, "sealed_secret"))
				json_object_set_new(row, "sealed_secret", json_string(""));
			e = upsert(c, tbl, t->key, row, refs);
		}
		/* what central derives from the row: the national person index,
		 * the wanted notice's name keys */
		if (!e && merge_new)
			e = persons_national_record(c, node, json_string_value(json_object_get(row, "id")), survivor, cin);
		if (!e && strcmp(tbl, "persons") == 0)
			e = srch_reindex_person(c, json_string_value(json_object_get(row, "id")));
		if (!e && strcmp(tbl, "wanted_notices") == 0)
			e = reg_reindex_wanted(c, row);
		if (e == SJ_ECONFLICT || e == SJ_EDB || e == SJ_EINVAL) {
			*why = e == SJ_ECONFLICT ? "central-conflict" : "central-apply-failed";
			log_msg(LOG_WARN, "a node's row does not fit central's table",
				json_pack("{s:s,s:s,s:s,s:s}", "node", node, "table", tbl, "reason", *why, "error",
					  db_last_error(c) ? db_last_error(c) : ""));
			e = SJ_OK;
		}
	}
	json_decref(row);
	free(cin);
	if (e)
		return e;
	if (*why && (e = db_exec(c, "ROLLBACK TO SAVEPOINT xchg_central")))
		return e;
	return db_exec(c, "RELEASE SAVEPOINT xchg_central");
}

/* ---- the set-wise apply of a batch (apply.c's first try) ---- */

static bool same_keys(json_t *a, json_t *b)
{
	if (json_object_size(a) != json_object_size(b))
		return false;
	const char *k;
	json_t *v;
	json_object_foreach(a, k, v) if (!json_object_get(b, k)) return false;
	return true;
}

/* set_flush writes the k rows of table t (one batch's, distinct keys): runs
 * of rows with the same columns, each in statements of 64, 16, 4 or 1 rows
 * (a few texts per table, each prepared once per connection), at most ~2,000
 * parameters each. */
static sj_err set_flush(db_conn *c, const xchg_table *t, json_t **rows, size_t k, json_t *refs)
{
	sj_err e = SJ_OK;
	size_t i = 0;
	while (!e && i < k) {
		size_t run = 1;
		while (i + run < k && same_keys(rows[i], rows[i + run]))
			run++;
		size_t cols = json_object_size(rows[i]) ? json_object_size(rows[i]) : 1;
		for (size_t done = 0; !e && done < run;) {
			size_t left = run - done, n = 1;
			static const size_t sizes[] = {64, 16, 4};
			for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++)
				if (left >= sizes[z] && sizes[z] * cols <= 2000) {
					n = sizes[z];
					break;
				}
			e = upsert_rows(c, t->table, t->key, rows + i + done, (int)n, refs);
			done += n;
		}
		i += run;
	}
	return e;
}

/* persons_index replaces the name keys of the k persons just written, in a
 * few statements (srch_index_many), from their rows. */
static sj_err persons_index(db_conn *c, json_t **rows, size_t k)
{
	const char **ids = calloc(k, sizeof *ids);
	srch_names *names = calloc(k, sizeof *names);
	sj_err e = ids && names ? SJ_OK : SJ_ENOMEM;
	for (size_t i = 0; !e && i < k; i++) {
#define S(col) json_string_value(json_object_get(rows[i], col))
		ids[i] = S("id");
		/* the order of srch_names, as srch_reindex_person reads the row */
		srch_names n = {S("first_name_ar"),   S("last_name_ar"),   S("first_name_lat"),
				S("last_name_lat"),   S("father_name_ar"), S("father_name_lat"),
				S("mother_name_ar"),  S("father_name"),    S("birth_date")};
#undef S
		names[i] = n;
		if (!ids[i])
			e = SJ_EINVAL;
	}
	if (!e)
		e = srch_index_many(c, (int)k, ids, names);
	free(ids);
	free(names);
	return e;
}

sj_err xchg_central_apply_set(db_conn *c, const char *node, size_t n, const char *const *tbls,
			      const char *const *texts, json_t *refs, const char **whys)
{
	json_t **rows = calloc(n ? n : 1, sizeof *rows), **grp = calloc(n ? n : 1, sizeof *grp);
	json_t *merges = json_array();   /* [{id, survivor, cin}]: national merges to record */
	sj_err e = rows && grp && merges ? SJ_OK : SJ_ENOMEM;
	/* translated in the batch's order: a node user met first names
	 * central's account in the rows after it */
	for (size_t i = 0; !e && i < n; i++) {
		whys[i] = NULL;
		const xchg_table *t = xchg_table_find(tbls[i]);
		if (!t || strcmp(tbls[i], "audit_log") == 0)
			continue;   /* witnessed, not central's chain */
		json_t *row = json_loads(texts[i], 0, NULL);
		if (!row)
			continue;
		if (xchg_row_deleted(row)) {
			json_decref(row);
			continue;   /* purged after the writes, below */
		}
		json_t *own = json_incref(json_object_get(row, t->key));
		e = translate(c, node, row, refs, &whys[i]);
		if (own)
			json_object_set(row, t->key, own);
		json_decref(own);
		if (!e && !whys[i] && strcmp(tbls[i], "persons") == 0) {
			/* one national person per CIN (persons.h) */
			char survivor[ID_LEN + 1];
			bool merge_new = false;
			json_t *cin = json_incref(json_object_get(row, "cin"));
			e = persons_national_link(c, row, survivor, &merge_new);
			if (!e && merge_new &&
			    json_array_append_new(merges, json_pack("{s:O,s:s,s:O}", "id", json_object_get(row, "id"),
								    "survivor", survivor, "cin", cin)))
				e = SJ_ENOMEM;
			json_decref(cin);
		}
		if (!e && !whys[i] && strcmp(tbls[i], "users") == 0)
			e = user(c, node, row, refs);   /* few: written now, in order */
		else if (!e && !whys[i]) {
			if (strcmp(tbls[i], "opj_keys") == 0 && !json_object_get(row, "sealed_secret"))
				json_object_set_new(row, "sealed_secret", json_string(""));
			rows[i] = json_incref(row);
		}
		json_decref(row);
	}
	/* then per table, parents first (xchg_tables[]'s order; a child met
	 * before its parent fails and the caller goes row by row) */
	for (size_t t = 0; !e && t < xchg_tables_count; t++) {
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (rows[i] && strcmp(tbls[i], xchg_tables[t].table) == 0)
				grp[k++] = rows[i];
		if (!k)
			continue;
		e = set_flush(c, &xchg_tables[t], grp, k, refs);
		if (!e && strcmp(xchg_tables[t].table, "persons") == 0)
			e = persons_index(c, grp, k);
		for (size_t j = 0; !e && j < json_array_size(merges) && strcmp(xchg_tables[t].table, "persons") == 0; j++) {
			json_t *m = json_array_get(merges, j);
			e = persons_national_record(c, node, json_string_value(json_object_get(m, "id")),
						    json_string_value(json_object_get(m, "survivor")),
						    json_string_value(json_object_get(m, "cin")));
		}
		for (size_t j = 0; !e && j < k && strcmp(xchg_tables[t].table, "wanted_notices") == 0; j++)
			e = reg_reindex_wanted(c, grp[j]);
	}
	/* the node's purges, children first (the reverse of xchg_tables[]) */
	for (size_t t = xchg_tables_count; !e && t-- > 0;)
		for (size_t i = 0; !e && i < n; i++) {
			if (strcmp(tbls[i], xchg_tables[t].table) != 0 || !strstr(texts[i], "\"_deleted\""))
				continue;
			json_t *row = json_loads(texts[i], 0, NULL);
			if (row && xchg_row_deleted(row))
				e = purge_row(c, &xchg_tables[t], json_string_value(json_object_get(row, "id")));
			json_decref(row);
		}
	/* the figures of every case the batch wrote, set-wise: one statement
	 * of each kind for the batch (stats.h; PostgreSQL, migration 0260),
	 * not one refresh per case at commit */
	int64_t touched = 0;
	if (!e)
		e = stats_refresh_touched(c, &touched);
	for (size_t i = 0; rows && i < n; i++)
		json_decref(rows[i]);
	free(rows);
	free(grp);
	json_decref(merges);
	return e;
}
