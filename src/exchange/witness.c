/* witness.c — what central holds of its nodes, checked whole: `sijill
 * audit verify` walks every node's chain as witnessed (xchg_witness_verify,
 * each entry through xchg_chain_continues, the one place that checks an
 * entry), and the per-table digests the tests compare (exchange.h). */
#include "exchange/exchange.h"
#include "exchange/internal.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "db/dbj.h"

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

static const char *jstr_or(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

static const char sql_rows_central[] = "SELECT tbl, id, row FROM xchg_rows WHERE node_id = ?";

sj_err xchg_digest_central(db_conn *c, const char *node_id, json_t **out)
{
	db_stmt *s;
	sj_err e = db_prepare(c, sql_rows_central, &s);
	if (!e)
		e = db_bind_text(s, 1, node_id);
	return e ? e : xchg_digest_rows(s, out);
}

sj_err xchg_digest_rows(db_stmt *s, json_t **out)
{
	/* order-free: per table, the XOR of BLAKE2b(id \0 row) over its rows,
	 * and their count (both databases collate table names differently) */
	enum { MAXT = 64 };
	char names[MAXT][64];
	unsigned char acc[MAXT][32];
	int64_t count[MAXT];
	int nt = 0;
	bool row;
	sj_err e;
	*out = NULL;
	memset(acc, 0, sizeof acc);
	memset(count, 0, sizeof count);
	while (!(e = db_step(s, &row)) && row) {
		const char *tbl = db_col_text(s, 0), *id = db_col_text(s, 1), *r = db_col_text(s, 2);
		int k = 0;
		while (k < nt && strcmp(names[k], tbl) != 0)
			k++;
		if (k == nt) {
			if (nt == MAXT)
				return SJ_EINTERNAL;
			snprintf(names[nt++], sizeof names[0], "%s", tbl);
		}
		unsigned char h[32];
		crypto_generichash_state st;
		crypto_generichash_init(&st, NULL, 0, sizeof h);
		crypto_generichash_update(&st, (const unsigned char *)id, strlen(id) + 1);
		crypto_generichash_update(&st, (const unsigned char *)r, strlen(r));
		crypto_generichash_final(&st, h, sizeof h);
		for (int b = 0; b < 32; b++)
			acc[k][b] ^= h[b];
		count[k]++;
	}
	if (e)
		return e;
	*out = json_object();
	for (int k = 0; *out && k < nt; k++) {
		char hex[65], v[96];
		sodium_bin2hex(hex, sizeof hex, acc[k], 32);
		snprintf(v, sizeof v, "%lld:%s", (long long)count[k], hex);
		json_object_set_new(*out, names[k], json_string(v));
	}
	return *out ? SJ_OK : SJ_ENOMEM;
}

/* ---- `sijill audit verify` at central: every node's chain as witnessed ---- */

static const char sql_w_nodes[] =
	"SELECT id, unit_code, audit_pub, chain_error, audit_seq FROM xchg_nodes WHERE status <> 'pending' ORDER BY id";
static const char sql_w_rows[] = "SELECT row FROM xchg_rows WHERE tbl = 'audit_log' AND node_id = ? ORDER BY src_seq";
static const char sql_w_heads[] =
	"SELECT seq, head, at, kind, key_id, sig FROM xchg_heads WHERE node_id = ? ORDER BY seq";
static const char sql_w_broken[] =
	"SELECT count(*) FROM xchg_quarantine WHERE node_id = ? AND reason IN ('chain-broken', 'audit-leaf-mismatch')";
static const char sql_w_forged[] =
	"SELECT min(seq) FROM xchg_quarantine WHERE node_id = ? AND reason = 'audit-leaf-mismatch'";

/* witness_one walks node's witnessed entries and signed heads into o. */
static sj_err witness_one(db_conn *c, json_t *o)
{
	const char *node = json_string_value(json_object_get(o, "node")),
		   *pub = json_string_value(json_object_get(o, "audit_pub"));
	json_t *heads = NULL;
	sj_err e = dbj_rows(c, sql_w_heads, "seq:i,head:t,at:i,kind:t,key_id:t,sig:t", &heads, "t", node);
	if (e)
		return e;
	char finding[256] = "", prev[65];
	snprintf(prev, sizeof prev, "%s", GENESIS);
	int64_t seq = 0, entries = 0;
	size_t hi = 0;
	db_stmt *s;
	bool row;
	e = db_prepare(c, sql_w_rows, &s);
	e = e ? e : db_bind_text(s, 1, node);
	while (!e && !(e = db_step(s, &row)) && row) {
		json_t *r = json_loads(db_col_text(s, 0), 0, NULL);
		const char *broken = NULL;
		bool ok = xchg_chain_continues(r, &seq, prev, &broken);
		json_decref(r);
		if (!ok) {
			if (!finding[0] && strcmp(broken, "audit-leaf-mismatch") == 0)
				snprintf(finding, sizeof finding, "entry %lld is not what its leaf hashes: edited",
					 (long long)seq + 1);
			else if (!finding[0])
				snprintf(finding, sizeof finding, "entry %lld does not continue the chain witnessed",
					 (long long)seq + 1);
			break;
		}
		entries++;
		/* a signed head at this entry must be its head */
		while (hi < json_array_size(heads) &&
		       json_integer_value(json_object_get(json_array_get(heads, hi), "seq")) < seq)
			hi++;
		json_t *h = json_array_get(heads, hi);
		if (h && json_integer_value(json_object_get(h, "seq")) == seq &&
		    strcmp(json_string_value(json_object_get(h, "head")), prev) != 0 && !finding[0])
			snprintf(finding, sizeof finding, "the signed head of entry %lld is not the chain witnessed: edited or forked",
				 (long long)seq);
	}
	while (!e && row)
		e = db_step(s, &row);
	/* every signed head verifies under the node's pinned audit key */
	size_t i;
	json_t *h;
	json_array_foreach(heads, i, h) {
		audit_signed_head sh;
		memset(&sh, 0, sizeof sh);
		sh.seq = json_integer_value(json_object_get(h, "seq"));
		sh.at = json_integer_value(json_object_get(h, "at"));
		snprintf(sh.kind, sizeof sh.kind, "%s", jstr_or(h, "kind"));
		snprintf(sh.head, sizeof sh.head, "%s", jstr_or(h, "head"));
		snprintf(sh.key_id, sizeof sh.key_id, "%s", jstr_or(h, "key_id"));
		snprintf(sh.sig, sizeof sh.sig, "%s", jstr_or(h, "sig"));
		if (!audit_head_verify(&sh, pub) && !finding[0])
			snprintf(finding, sizeof finding, "the signed head of entry %lld does not verify under the node's key",
				 (long long)sh.seq);
	}
	int64_t broken = 0;
	if (!e)
		e = dbj_int(c, sql_w_broken, &broken, "t", node);
	const char *flag = json_string_value(json_object_get(o, "chain_error"));
	int64_t forged = 0;
	if (!e)
		e = dbj_int(c, sql_w_forged, &forged, "t", node);
	if (!finding[0] && forged)
		snprintf(finding, sizeof finding,
			 "an audit entry sent in batch record %lld is not what its leaf hashes: edited (quarantined)",
			 (long long)forged);
	if (!finding[0] && flag)
		snprintf(finding, sizeof finding, "flagged at exchange: %s", flag);
	if (!finding[0] && broken)
		snprintf(finding, sizeof finding, "%lld entries sent after the chain was cut, edited or forked (quarantined)",
			 (long long)broken);
	json_object_set_new(o, "entries", json_integer(entries));
	json_object_set_new(o, "signed_heads", json_integer((json_int_t)json_array_size(heads)));
	json_object_set_new(o, "ok", json_boolean(!finding[0]));
	json_object_set_new(o, "finding", finding[0] ? json_string(finding) : json_null());
	json_decref(heads);
	return e;
}

sj_err xchg_witness_verify(db_conn *c, json_t **out)
{
	*out = NULL;
	json_t *nodes = NULL;
	sj_err e = dbj_rows(c, sql_w_nodes, "node:t,unit:t,audit_pub:t,chain_error:t,audit_seq:i", &nodes, "");
	size_t i;
	json_t *o;
	json_array_foreach(nodes, i, o) {
		if (e)
			break;
		e = witness_one(c, o);
		json_object_del(o, "audit_pub");
	}
	if (e) {
		json_decref(nodes);
		return e;
	}
	*out = nodes;
	return SJ_OK;
}
