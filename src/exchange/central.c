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
#include "registers/registers.h"
#include "search/search.h"

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
			char cid[ID_LEN + 1];
			sj_err e = central_rule(c, rule, cid);
			if (e)
				return e;
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

/* upsert writes row into table by key: the columns central's table has
 * (read from the catalogue once per batch, kept in refs). */
static sj_err upsert(db_conn *c, const char *table, const char *key, json_t *row, json_t *refs)
{
	static __thread char cols[XCHG_COLS_MAX][64];
	int n = 0;
	sj_err e = SJ_OK;
	json_t *cache = json_object_get(json_object_get(refs, "_cols"), table);
	if (cache) {
		size_t i;
		json_t *v;
		json_array_foreach(cache, i, v) snprintf(cols[n++], 64, "%s", json_string_value(v));
	} else {
		if ((e = xchg_columns(c, table, cols, &n)))
			return e;
		json_t *a = json_array();
		for (int i = 0; a && i < n; i++)
			json_array_append_new(a, json_string(cols[i]));
		if (!json_object_get(refs, "_cols"))
			json_object_set_new(refs, "_cols", json_object());
		json_object_set_new(json_object_get(refs, "_cols"), table, a);
	}
	buf list, qs, set;
	buf_init(&list, 1 << 16);
	buf_init(&qs, 1 << 14);
	buf_init(&set, 1 << 17);
	json_t *vals[XCHG_COLS_MAX];
	int k = 0;
	for (int i = 0; !e && i < n; i++) {
		json_t *v = json_object_get(row, cols[i]);
		if (!v)
			continue;
		e = buf_printf(&list, "%s%s", k ? ", " : "", cols[i]);
		e = e ? e : buf_printf(&qs, "%s?", k ? ", " : "");
		if (!e && strcmp(cols[i], key) != 0)
			e = buf_printf(&set, "%s%s = excluded.%s", set.len ? ", " : "", cols[i], cols[i]);
		vals[k++] = v;
	}
	const char *q = NULL;
	if (!e && (!k || !json_object_get(row, key)))
		e = SJ_EINVAL;
	if (!e)
		q = set.len ? xchg_sqlf("INSERT INTO %s (%s) VALUES (%s) ON CONFLICT (%s) DO UPDATE SET %s", table,
					buf_str(&list), buf_str(&qs), key, buf_str(&set))
			    : xchg_sqlf("INSERT INTO %s (%s) VALUES (%s) ON CONFLICT (%s) DO NOTHING", table, buf_str(&list),
					buf_str(&qs), key);
	buf_free(&list);
	buf_free(&qs);
	buf_free(&set);
	if (e)
		return e;
	db_stmt *s;
	bool r;
	e = q ? db_prepare(c, q, &s) : SJ_EINTERNAL;
	for (int i = 0; !e && i < k; i++) {
		json_t *v = vals[i];
		if (json_is_null(v))
			e = db_bind_null(s, i + 1);
		else if (json_is_integer(v))
			e = db_bind_int(s, i + 1, json_integer_value(v));
		else if (json_is_boolean(v))
			e = db_bind_int(s, i + 1, json_is_true(v));
		else if (json_is_string(v))
			e = db_bind_text(s, i + 1, json_string_value(v));
		else {
			char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
			e = t ? db_bind_text(s, i + 1, t) : SJ_ENOMEM;
			free(t);
		}
	}
	return e ? e : db_step(s, &r);
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
	/* the row's own id is never translated (a node user mapped to central's
	 * account of the same badge keeps its id in its own row) */
	json_t *own = json_incref(json_object_get(row, t->key));
	sj_err e = db_exec(c, "SAVEPOINT xchg_central");
	if (!e)
		e = translate(c, node, row, refs, why);
	if (own)
		json_object_set(row, t->key, own);
	json_decref(own);
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
	if (e)
		return e;
	if (*why && (e = db_exec(c, "ROLLBACK TO SAVEPOINT xchg_central")))
		return e;
	return db_exec(c, "RELEASE SAVEPOINT xchg_central");
}
