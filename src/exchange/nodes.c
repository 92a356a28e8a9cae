/* nodes.c — central's nodes: enrolment with a one-time code, suspension,
 * re-keying, the list (exchange.h). The only SQL on xchg_nodes besides the
 * batch bookkeeping of apply.c. */
#include "exchange/exchange.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/id.h"
#include "core/limits.h"
#include "db/dbj.h"
#include "org/units.h"

REC_ENUM_DEF(node_statuses, "node_status", "pending", "active", "suspended");

#define NODE_FIELDS(X) \
	X(C, unit_code,     CODE, 1, UNIT_CODE_MAX, NULL, OUT) \
	X(E, status,        ENUM, 0, 0, &node_statuses, OUT) \
	X(E, public_key,    CODE, 1, XCHG_KEY_HEX, NULL, OUT | NULLABLE) \
	X(C, created_at,    TIME, 0, 0, NULL, OUT) \
	X(E, enrolled_at,   TIME, 0, 0, NULL, OUT | NULLABLE) \
	X(E, acked_seq,     INT, 0, 0, NULL, OUT) \
	X(E, last_at,       TIME, 0, 0, NULL, OUT | NULLABLE) \
	X(E, batches,       INT, 0, 0, NULL, OUT) \
	X(E, records,       INT, 0, 0, NULL, OUT) \
	X(E, quarantined,   INT, 0, 0, NULL, OUT) \
	X(E, last_error,    CODE, 1, 64, NULL, OUT | NULLABLE) \
	X(E, last_error_at, TIME, 0, 0, NULL, OUT | NULLABLE) \
	X(E, audit_seq,     INT, 0, 0, NULL, OUT) \
	X(E, chain_error,   CODE, 1, 64, NULL, OUT | NULLABLE)

static const rec_field node_fields[] = {REC_ID_FIELD, NODE_FIELDS(REC_FIELD)};
const rec_desc xchg_node_rec = REC_DESC("xchg_node", "xchg_nodes", node_fields, NULL);

static void code_hash(const char *code, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)code, strlen(code), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof h);
}

static sj_err new_code(char **code, char hash[65])
{
	unsigned char rnd[10];
	char hex[21];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
	*code = strdup(hex);
	if (!*code)
		return SJ_ENOMEM;
	code_hash(*code, hash);
	return SJ_OK;
}

static const char sql_hosted[] = "SELECT count(*) FROM xchg_nodes WHERE unit_code = ? AND status <> 'suspended'";
static const char sql_add[] =
	"INSERT INTO xchg_nodes (id, unit_code, status, enrol_hash, enrol_expires, created_at)"
	" VALUES (?, ?, 'pending', ?, ?, ?)";

sj_err xchg_node_add(db_conn *c, const char *unit_code, int64_t now_ms, char **code,
		     char node_id[XCHG_NODE_ID_MAX + 1])
{
	*code = NULL;
	unit_info u;
	sj_err e = unit_get_by_code(c, unit_code, &u);
	if (e)
		return e;
	int64_t n = 0;
	if ((e = dbj_int(c, sql_hosted, &n, "t", u.code)))
		return e;
	if (n > 0)
		return SJ_ECONFLICT;
	char hash[65];
	if ((e = new_code(code, hash)))
		return e;
	id_new(node_id);
	e = db_run(c, sql_add, "tttii", node_id, u.code, hash, now_ms + XCHG_ENROL_TTL_MS, now_ms);
	if (e) {
		free(*code);
		*code = NULL;
	}
	return e;
}

static const char sql_by_code[] =
	"SELECT id, unit_code FROM xchg_nodes WHERE enrol_hash = ? AND status = 'pending' AND enrol_expires > ?";
static const char sql_enrol[] =
	"UPDATE xchg_nodes SET status = 'active', public_key = ?, enrol_hash = NULL, enrol_expires = NULL,"
	" enrolled_at = ? WHERE id = ?";

sj_err xchg_enrol(db_conn *c, const char *code, const char *node_pub, int64_t now_ms, json_t **out,
		  const char **why)
{
	*out = NULL;
	char hash[65];
	code_hash(code, hash);
	json_t *row = NULL;
	sj_err e = dbj_one(c, sql_by_code, "id:t,unit_code:t", &row, "ti", hash, now_ms);
	if (e == SJ_ENOTFOUND) {
		*why = "enrol-code";
		return SJ_EFORBIDDEN;
	}
	if (e)
		return e;
	const char *id = json_string_value(json_object_get(row, "id"));
	if ((e = db_run(c, sql_enrol, "tit", node_pub, now_ms, id))) {
		json_decref(row);
		return e;
	}
	char pub[XCHG_KEY_HEX + 1];
	xchg_public_hex(pub);
	*out = json_pack("{s:s,s:s,s:s}", "node_id", id, "unit", json_string_value(json_object_get(row, "unit_code")),
			 "central_pub", pub);
	json_decref(row);
	return *out ? SJ_OK : SJ_ENOMEM;
}

static const char sql_suspend[] = "UPDATE xchg_nodes SET status = ? WHERE id = ? AND status <> 'pending'";

sj_err xchg_node_suspend(db_conn *c, const char *node_id, bool suspend)
{
	db_stmt *s;
	sj_err e = db_prepare(c, sql_suspend, &s);
	bool row;
	if (!e)
		e = db_bind_text(s, 1, suspend ? "suspended" : "active");
	if (!e)
		e = db_bind_text(s, 2, node_id);
	if (!e)
		e = db_step(s, &row);
	if (!e && db_changes(s) == 0)
		e = SJ_ENOTFOUND;
	return e;
}

static const char sql_rekey[] =
	"UPDATE xchg_nodes SET status = 'pending', public_key = NULL, enrol_hash = ?, enrol_expires = ? WHERE id = ?";
static const char sql_exists[] = "SELECT count(*) FROM xchg_nodes WHERE id = ?";

sj_err xchg_node_rekey(db_conn *c, const char *node_id, int64_t now_ms, char **code)
{
	*code = NULL;
	int64_t n = 0;
	sj_err e = dbj_int(c, sql_exists, &n, "t", node_id);
	if (e)
		return e;
	if (n == 0)
		return SJ_ENOTFOUND;
	char hash[65];
	if ((e = new_code(code, hash)))
		return e;
	if ((e = db_run(c, sql_rekey, "tit", hash, now_ms + XCHG_ENROL_TTL_MS, node_id))) {
		free(*code);
		*code = NULL;
	}
	return e;
}

static const char sql_list[] = "SELECT " REC_COLS(NODE_FIELDS) " FROM xchg_nodes ORDER BY unit_code, created_at";

sj_err xchg_nodes_list(db_conn *c, int64_t now_ms, json_t **out)
{
	(void)now_ms;
	return dbj_rec_rows(c, sql_list, &xchg_node_rec, out, "");
}

static const char sql_region[] = "UPDATE xchg_nodes SET region_index = ? WHERE id = ?";
static const char sql_region_get[] = "SELECT region_index FROM xchg_nodes WHERE id = ? AND status = 'active'";

sj_err xchg_node_region(db_conn *c, const char *node_id, bool on)
{
	db_stmt *s;
	bool row;
	sj_err e = db_prepare(c, sql_region, &s);
	e = e ? e : db_bind_int(s, 1, on);
	e = e ? e : db_bind_text(s, 2, node_id);
	e = e ? e : db_step(s, &row);
	if (!e && db_changes(s) == 0)
		e = SJ_ENOTFOUND;
	return e;
}

bool xchg_node_region_on(db_conn *c, const xchg_peer *p)
{
	int64_t on = 0;
	return dbj_int(c, sql_region_get, &on, "t", p->node_id) == SJ_OK && on;
}
