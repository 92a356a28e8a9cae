/* apply.c — central applies a node's signed batch (exchange.h,
 * docs/internals/exchange.md): node, signature, sequence, then every record
 * in one transaction; quarantine for rows of units the node does not host;
 * the node's audit chain witnessed (chain_continues, the one place that
 * checks it). */
#include "exchange/exchange.h"
#include "exchange/internal.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "cases/pv.h"
#include "core/limits.h"
#include "core/log.h"
#include "db/dbj.h"
#include "org/units.h"

#define BATCH_FIELDS(X) \
	X(V, node,    ID, 0, 36, NULL, IN | REQ) \
	X(V, payload, TEXT, 2, XCHG_PAYLOAD_MAX, NULL, IN | REQ) \
	X(V, sig,     CODE, XCHG_SIG_HEX, XCHG_SIG_HEX, NULL, IN | REQ)
static const rec_field batch_fields[] = {BATCH_FIELDS(REC_FIELD)};
const rec_desc xchg_batch_rec = REC_DESC("xchg_batch", NULL, batch_fields, NULL);

#define ACK_FIELDS(X) \
	X(V, node,        ID, 0, 36, NULL, OUT) \
	X(V, ack,         INT, 0, 0, NULL, OUT) \
	X(V, applied,     INT, 0, 0, NULL, OUT) \
	X(V, unchanged,   INT, 0, 0, NULL, OUT) \
	X(V, quarantined, INT, 0, 0, NULL, OUT) \
	X(V, sig,         CODE, XCHG_SIG_HEX, XCHG_SIG_HEX, NULL, OUT)
static const rec_field ack_fields[] = {ACK_FIELDS(REC_FIELD)};
const rec_desc xchg_ack_rec = REC_DESC("xchg_ack", NULL, ack_fields, NULL);

#define ENROL_FIELDS(X) \
	X(V, code,        CODE, 8, XCHG_CODE_MAX, NULL, IN | REQ) \
	X(V, public_key,  CODE, XCHG_KEY_HEX, XCHG_KEY_HEX, NULL, IN | REQ) \
	X(V, node_id,     ID, 0, 36, NULL, OUT) \
	X(V, unit,        CODE, 1, UNIT_CODE_MAX, NULL, OUT) \
	X(V, central_pub, CODE, XCHG_KEY_HEX, XCHG_KEY_HEX, NULL, OUT)
static const rec_field enrol_fields[] = {ENROL_FIELDS(REC_FIELD)};
const rec_desc xchg_enrol_rec = REC_DESC("xchg_enrol", NULL, enrol_fields, NULL);

#define STATUS_FIELDS(X) \
	X(V, nodes,       ARRAY, 0, 100000, &xchg_node_rec, OUT) \
	X(V, quarantined, INT, 0, 0, NULL, OUT) \
	X(V, role,        CODE, 1, 16, NULL, OUT) \
	X(V, node,        ANY, 0, 0, NULL, OUT)
static const rec_field status_fields[] = {STATUS_FIELDS(REC_FIELD)};
const rec_desc xchg_status_rec = REC_DESC("xchg_status", NULL, status_fields, NULL);
#define NODES_FIELDS(X) X(V, nodes, ARRAY, 0, 100000, &xchg_node_rec, OUT)
static const rec_field nodes_fields[] = {NODES_FIELDS(REC_FIELD)};
const rec_desc xchg_nodes_rec = REC_DESC("xchg_nodes", NULL, nodes_fields, NULL);

#define DIGEST_FIELDS(X) X(V, digest, ANY, 0, 0, NULL, OUT)
static const rec_field digest_fields[] = {DIGEST_FIELDS(REC_FIELD)};
const rec_desc xchg_digest_rec = REC_DESC("xchg_digest", NULL, digest_fields, NULL);

/* ---- the witness of a node's audit chain ---- */

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* xchg_chain_continues (internal.h): the audit entry row (seq, leaf, head) is the next one of
 * the node's chain after (*seq, prev): its seq follows, its leaf is the hash
 * of its content (audit_leaf_of_row, recomputed here) and its head is
 * BLAKE2b(0x01 || prev || leaf), as src/audit/audit.c links them. On success
 * advances *seq and prev; else *why says which ("chain-broken",
 * "audit-leaf-mismatch"). The one place central checks a node's chain: when
 * the audit branch adds signed heads, check them here. */
bool xchg_chain_continues(json_t *row, int64_t *seq, char prev[65], const char **why)
{
	json_int_t s = json_integer_value(json_object_get(row, "seq"));
	const char *leaf = json_string_value(json_object_get(row, "leaf")),
		   *head = json_string_value(json_object_get(row, "head"));
	unsigned char p[32], l[32], h[32];
	char hex[65], mine[AUDIT_HASH_HEX + 1];
	*why = "chain-broken";
	if (s != *seq + 1 || !leaf || !head)
		return false;
	/* the leaf is recomputed from the entry's content, not taken from the
	 * node: an entry edited in transit (or in the outbox) with its stated
	 * leaf and head kept is caught here */
	if (!audit_leaf_of_row(row, mine) || strcmp(mine, leaf) != 0) {
		*why = "audit-leaf-mismatch";
		return false;
	}
	if (sodium_hex2bin(p, sizeof p, prev, strlen(prev), NULL, NULL, NULL) ||
	    sodium_hex2bin(l, sizeof l, leaf, strlen(leaf), NULL, NULL, NULL))
		return false;
	crypto_generichash_state st;
	const unsigned char tag = 0x01;
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, &tag, 1);
	crypto_generichash_update(&st, p, sizeof p);
	crypto_generichash_update(&st, l, sizeof l);
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	if (strcmp(hex, head) != 0)
		return false;
	*seq = s;
	snprintf(prev, 65, "%s", head);
	return true;
}

/* ---- the node's signed heads ----
 * A batch carries the newest signed head of the node's audit chain and the
 * public key that signs them (pinned at central from the first batch that
 * names it: the batch itself is signed by the node's exchange key). Central
 * keeps every signed head it is sent (xchg_heads) and flags the node when a
 * head does not verify, names a seq central holds with another head (a
 * chain cut back and written again: forked), goes back behind one it holds
 * (cut back), or does not match the head central witnessed at that seq. */

static const char sql_flag[] = "UPDATE xchg_nodes SET chain_error = COALESCE(chain_error, ?) WHERE id = ?";
static const char sql_pub_pin[] = "UPDATE xchg_nodes SET audit_pub = ? WHERE id = ? AND audit_pub IS NULL";
static const char sql_head_get[] = "SELECT head FROM xchg_heads WHERE node_id = ? AND seq = ?";
static const char sql_head_max[] = "SELECT COALESCE(max(seq), 0) FROM xchg_heads WHERE node_id = ?";
static const char sql_head_put[] =
	"INSERT INTO xchg_heads (node_id, seq, head, at, kind, key_id, sig) VALUES (?, ?, ?, ?, ?, ?, ?)"
	" ON CONFLICT (node_id, seq) DO NOTHING";

static const char *jstr_or(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

static sj_err witness_head(db_conn *c, const char *node, const char *pinned, json_t *p, int64_t audit_seq,
			   const char *witnessed, const char **chain_error)
{
	json_t *hj = json_object_get(p, "head");
	const char *pub = json_string_value(json_object_get(p, "audit_pub"));
	if (!json_is_object(hj) || !pub)
		return SJ_OK;
	if (pinned && strcmp(pinned, pub) != 0) {
		*chain_error = "audit-key-changed";
		return SJ_OK;
	}
	audit_signed_head h;
	memset(&h, 0, sizeof h);
	h.seq = json_integer_value(json_object_get(hj, "seq"));
	h.at = json_integer_value(json_object_get(hj, "at"));
	snprintf(h.kind, sizeof h.kind, "%s", jstr_or(hj, "kind"));
	snprintf(h.head, sizeof h.head, "%s", jstr_or(hj, "head"));
	snprintf(h.key_id, sizeof h.key_id, "%s", jstr_or(hj, "key_id"));
	snprintf(h.sig, sizeof h.sig, "%s", jstr_or(hj, "sig"));
	if (h.seq < 1 || !audit_head_verify(&h, pub)) {
		*chain_error = "head-signature";
		return SJ_OK;
	}
	sj_err e = pinned ? SJ_OK : db_run(c, sql_pub_pin, "tt", pub, node);
	json_t *old = NULL;
	int64_t max = 0;
	if (!e)
		e = dbj_one(c, sql_head_get, "head:t", &old, "ti", node, h.seq);
	if (e == SJ_OK) {
		if (strcmp(json_string_value(json_object_get(old, "head")), h.head) != 0)
			*chain_error = "chain-forked";
		json_decref(old);
		return SJ_OK;   /* known (the same head again), or flagged */
	}
	if (e != SJ_ENOTFOUND)
		return e;
	if ((e = dbj_int(c, sql_head_max, &max, "t", node)))
		return e;
	if (h.seq < max)
		*chain_error = "chain-cut-back";
	else if (h.seq == audit_seq && witnessed && strcmp(witnessed, h.head) != 0)
		*chain_error = "chain-forked";
	return db_run(c, sql_head_put, "titittt", node, h.seq, h.head, h.at, h.kind, h.key_id, h.sig);
}

/* ---- a sealed PV, verified again at central ---- */

static const char sql_opj_key[] = "SELECT row FROM xchg_rows WHERE tbl = 'opj_keys' AND id = ? AND node_id = ?";

/* seal_holds: a sealed PV's row hashes to its content_hash and carries its
 * OPJ's signature under the key the node sent before it (pv_seal_ok); a
 * draft passes. */
static sj_err seal_holds(db_conn *c, const char *node, json_t *row, const char *key_row, bool *ok)
{
	const char *status = json_string_value(json_object_get(row, "status"));
	*ok = true;
	if (!status || strcmp(status, "sealed") != 0)
		return SJ_OK;
	const char *kid = json_string_value(json_object_get(row, "key_id"));
	json_t *k = NULL;
	*ok = false;
	sj_err e = key_row ? SJ_OK : kid ? dbj_one(c, sql_opj_key, "row:t", &k, "tt", kid, node) : SJ_ENOTFOUND;
	if (e == SJ_ENOTFOUND)
		return SJ_OK;
	if (e)
		return e;
	json_t *kr = json_loads(key_row ? key_row : json_string_value(json_object_get(k, "row")), 0, NULL);
	*ok = pv_seal_ok(json_string_value(json_object_get(row, "content")),
			 json_string_value(json_object_get(row, "content_hash")),
			 json_string_value(json_object_get(row, "signature")),
			 json_string_value(json_object_get(kr, "public_key")));
	json_decref(kr);
	json_decref(k);
	return SJ_OK;
}

/* ---- a batch ---- */

static const char sql_node[] =
	"SELECT status, public_key, unit_code, acked_seq, audit_seq, audit_head, audit_pub FROM xchg_nodes WHERE id = ?";
static const char sql_upsert[] =
	"INSERT INTO xchg_rows (tbl, id, node_id, src_seq, unit, row, applied_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
	" ON CONFLICT (tbl, id) DO UPDATE SET src_seq = excluded.src_seq, unit = excluded.unit, row = excluded.row,"
	" applied_at = excluded.applied_at"
	" WHERE xchg_rows.src_seq < excluded.src_seq AND xchg_rows.node_id = excluded.node_id";
static const char sql_quarantine[] =
	"INSERT INTO xchg_quarantine (node_id, seq, tbl, row_id, unit, row, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
	" ON CONFLICT (node_id, seq) DO NOTHING";
static const char sql_done[] =
	"UPDATE xchg_nodes SET acked_seq = ?, last_at = ?, batches = batches + 1, records = records + ?,"
	" quarantined = quarantined + ?, audit_seq = ?, audit_head = ?, chain_error = COALESCE(chain_error, ?)"
	" WHERE id = ?";

static sj_err quarantine(db_conn *c, const char *node, json_int_t seq, const char *tbl, const char *id,
			 const char *unit, const char *row, const char *reason, int64_t now)
{
	return db_run(c, sql_quarantine, "tittttti", node, (int64_t)seq, tbl, id, unit, row, reason, now);
}

/* the unit code paths already seen in this batch (a batch names few units) */
typedef struct unit_cache {
	char code[8][UNIT_CODE_MAX + 1];
	bool in[8];
	int n;
} unit_cache;

static sj_err hosted(db_conn *c, unit_cache *uc, const char *host_path, const char *code, bool *ok)
{
	for (int i = 0; i < uc->n; i++)
		if (strcmp(uc->code[i], code) == 0) {
			*ok = uc->in[i];
			return SJ_OK;
		}
	unit_info u;
	sj_err e = unit_get_by_code(c, code, &u);
	if (e && e != SJ_ENOTFOUND)
		return e;
	*ok = !e && unit_in_scope(host_path, u.path);
	if (uc->n < 8) {
		snprintf(uc->code[uc->n], sizeof uc->code[0], "%s", code);
		uc->in[uc->n++] = *ok;
	}
	return SJ_OK;
}

/* what applying a batch's records reads and moves (xchg_apply's) */
typedef struct batch_state {
	db_conn *c;
	const char *node, *host_path;
	json_t *p, *recs;            /* the payload (refs of central.c), its records */
	int64_t acked, now;
	int64_t *audit_seq;          /* the witness: the node's last entry witnessed */
	char *prev;                  /* [65] its head */
	const char **chain_error;
	int64_t applied, unchanged, quarantined;
	int64_t purged;              /* rows deleted by the node's retention purges */
	json_t *pending;             /* apply_set: (table, id) -> record index validated so far, or NULL */
	json_t *tomb_used;           /* apply_set: tombstone id -> deletions of this batch naming it */
} batch_state;

#define REC_STR_FIELD(r, k) json_string_value(json_object_get(r, k))

/* A node's purge (exchange.h's xchg_row_deleted): only rows of a
 * purgeable table, and only with the tombstone the purge left, which the
 * node sent before (in an earlier batch: central's xchg_rows; or earlier in
 * this one: b->pending). */
static const char sql_tomb_row[] =
	"SELECT row FROM xchg_rows WHERE tbl = 'retention_tombstones' AND id = ? AND node_id = ?";
/* the deletions central holds that name tombstone ? (purges are rare: a
 * scan of the node's purgeable rows) */
static const char sql_tomb_used[] =
	"SELECT count(*) FROM xchg_rows WHERE tbl IN ('custody_sessions', 'custody_rights_notices', 'main_courante')"
	" AND node_id = ? AND row LIKE ?";

/* the record's row text is a node's purge (parsed only when it may be) */
static bool row_text_deleted(const char *row)
{
	if (!strstr(row, "\"_deleted\""))
		return false;
	json_t *j = json_loads(row, 0, NULL);
	bool d = xchg_row_deleted(j);
	json_decref(j);
	return d;
}

static sj_err deletion_refusal(batch_state *b, const char *tbl, json_t *row, const char **reason)
{
	const char *tomb = json_string_value(json_object_get(row, "_tombstone"));
	char k[512];
	int64_t n = 0;
	if (!xchg_table_purgeable(xchg_table_find(tbl))) {
		*reason = "delete-not-purgeable";
		return SJ_OK;
	}
	if (!tomb || !json_string_value(json_object_get(row, "id"))) {
		*reason = "delete-no-tombstone";
		return SJ_OK;
	}
	/* the tombstone: earlier in this batch, or in central's copy */
	snprintf(k, sizeof k, "retention_tombstones\x1f%s", tomb);
	json_t *at = b->pending ? json_object_get(b->pending, k) : NULL, *tj = NULL, *held = NULL;
	sj_err e = SJ_OK;
	if (at)
		tj = json_loads(REC_STR_FIELD(json_array_get(b->recs, (size_t)json_integer_value(at)), "row"), 0, NULL);
	else if (!(e = dbj_one(b->c, sql_tomb_row, "row:t", &held, "tt", tomb, b->node)))
		tj = json_loads(json_string_value(json_object_get(held, "row")), 0, NULL);
	json_decref(held);
	if (e == SJ_ENOTFOUND || (!e && !tj)) {
		*reason = "delete-no-tombstone";
		return SJ_OK;
	}
	if (e)
		return e;
	/* a tombstone accounts for its rows_purged rows, no more: a row deleted
	 * later behind the retention job's back does not hide behind it */
	int64_t purged = json_integer_value(json_object_get(tj, "rows_purged")), used = 0;
	json_decref(tj);
	char like[128];
	snprintf(like, sizeof like, "%%\"_tombstone\":\"%s\"%%", tomb);
	if ((e = dbj_int(b->c, sql_tomb_used, &n, "tt", b->node, like)))
		return e;
	if (b->pending) {
		if (!b->tomb_used)
			b->tomb_used = json_object();
		used = json_integer_value(json_object_get(b->tomb_used, tomb));
	}
	if (n + used >= purged) {
		*reason = "delete-beyond-tombstone";
		return SJ_OK;
	}
	if (b->pending && json_object_set_new(b->tomb_used, tomb, json_integer(used + 1)))
		return SJ_ENOMEM;
	return SJ_OK;
}

/* refusal names why record r is quarantined before anything of it is
 * written (NULL: it applies): an unknown table, a unit the node does not
 * host, a sealed PV whose seal fails (key_row: the OPJ key's row sent
 * earlier in the same batch, or NULL to read central's copy), an audit entry
 * that does not continue the chain (which moves the witness). */
static sj_err refusal(batch_state *b, unit_cache *uc, const char *tbl, const char *unit, const char *row,
		      const char *key_row, const char **reason)
{
	bool ok = true;
	sj_err e = SJ_OK;
	*reason = NULL;
	if (!xchg_table_find(tbl))
		*reason = "unknown-table";
	else if (unit && (e = hosted(b->c, uc, b->host_path, unit, &ok)))
		return e;
	else if (!ok)
		*reason = "unit-not-hosted";
	if (!*reason && strstr(row, "\"_deleted\"")) {
		json_t *dr = json_loads(row, 0, NULL);
		if (xchg_row_deleted(dr) && (e = deletion_refusal(b, tbl, dr, reason))) {
			json_decref(dr);
			return e;
		}
		json_decref(dr);
	}
	if (!*reason && strcmp(tbl, "pvs") == 0) {
		json_t *pr = json_loads(row, 0, NULL);
		bool sealed_ok = true;
		e = pr ? seal_holds(b->c, b->node, pr, key_row, &sealed_ok) : SJ_OK;
		json_decref(pr);
		if (e)
			return e;
		if (!pr || !sealed_ok)
			*reason = "pv-seal-invalid";
	}
	if (!*reason && strcmp(tbl, "audit_log") == 0) {
		json_t *ar = json_loads(row, 0, NULL);
		const char *broken = NULL;
		if (!xchg_chain_continues(ar, b->audit_seq, b->prev, &broken)) {
			*reason = broken;
			if (!*b->chain_error)
				*b->chain_error = broken;
		}
		json_decref(ar);
	}
	return SJ_OK;
}


/* apply_rows applies the batch row by row, each row of central's tables in
 * a savepoint (xchg_central_apply): the fallback of apply_set, which names
 * the row that does not fit. */
static sj_err apply_rows(batch_state *b)
{
	db_conn *c = b->c;
	unit_cache uc = {0};
	sj_err e = SJ_OK;
	for (size_t i = 0; !e && i < json_array_size(b->recs); i++) {
		json_t *r = json_array_get(b->recs, i);
		json_int_t seq = json_integer_value(json_object_get(r, "seq"));
		const char *tbl = REC_STR_FIELD(r, "tbl"), *id = REC_STR_FIELD(r, "id"), *unit = REC_STR_FIELD(r, "unit"),
			   *row = REC_STR_FIELD(r, "row"), *reason = NULL;
		if (seq <= b->acked) {
			b->unchanged++;
			continue;   /* central has it already: a replay or a lost acknowledgement */
		}
		if ((e = refusal(b, &uc, tbl, unit, row, NULL, &reason)))
			break;
		if (reason) {
			e = quarantine(c, b->node, seq, tbl, id, unit, row, reason, b->now);
			b->quarantined++;
			continue;
		}
		db_stmt *s;
		bool more;
		if ((e = db_prepare(c, sql_upsert, &s)) || (e = db_bind_text(s, 1, tbl)) || (e = db_bind_text(s, 2, id)) ||
		    (e = db_bind_text(s, 3, b->node)) || (e = db_bind_int(s, 4, seq)) || (e = db_bind_text(s, 5, unit)) ||
		    (e = db_bind_text(s, 6, row)) || (e = db_bind_int(s, 7, b->now)) || (e = db_step(s, &more)))
			break;
		if (db_changes(s) == 0) {
			b->unchanged++;
			continue;
		}
		b->applied++;
		b->purged += row_text_deleted(row);
		/* and into central's own tables (central.c); a row that does not
		 * fit there is quarantined with its reason, its exact copy kept */
		const char *cwhy = NULL;
		if ((e = xchg_central_apply(c, b->node, tbl, row, b->p, &cwhy)) || !cwhy)
			continue;
		e = quarantine(c, b->node, seq, tbl, id, unit, row, cwhy, b->now);
		b->quarantined++;
	}
	return e;
}

/* The rows of a batch into xchg_rows, 64, 16, 4 or 1 at a time; RETURNING
 * names those it took (not an older version, not another node's row). */
#define XR1 "(?, ?, ?, ?, ?, ?, ?)"
#define XR4 XR1 ", " XR1 ", " XR1 ", " XR1
#define XR16 XR4 ", " XR4 ", " XR4 ", " XR4
#define XR64 XR16 ", " XR16 ", " XR16 ", " XR16
#define XR_UPSERT(values) \
	"INSERT INTO xchg_rows (tbl, id, node_id, src_seq, unit, row, applied_at) VALUES " values \
	" ON CONFLICT (tbl, id) DO UPDATE SET src_seq = excluded.src_seq, unit = excluded.unit, row = excluded.row," \
	" applied_at = excluded.applied_at" \
	" WHERE xchg_rows.src_seq < excluded.src_seq AND xchg_rows.node_id = excluded.node_id RETURNING tbl, id"
static const char sql_upsert64[] = XR_UPSERT(XR64), sql_upsert16[] = XR_UPSERT(XR16), sql_upsert4[] = XR_UPSERT(XR4),
		  sql_upsert1[] = XR_UPSERT(XR1);

/* one record of the batch, as apply_set's validation left it */
typedef struct brec {
	json_int_t seq;
	const char *tbl, *id, *unit, *row, *reason;
	bool known;     /* seq <= acked: central has it */
	bool newest;    /* the newest version of (tbl, id) the batch applies */
	bool took;      /* xchg_rows took its newest version */
} brec;

static void rec_key(const brec *r, char *out, size_t n)
{
	snprintf(out, n, "%s\x1f%s", r->tbl, r->id);
}

/* apply_set applies the batch set-wise: every record validated first (no
 * write), then the rows into xchg_rows in a few multi-row statements, then
 * those it took into central's tables (xchg_central_apply_set). A write
 * that fails returns its error: the caller rolls everything back to its
 * savepoint and goes row by row (apply_rows). A (table, id) the batch
 * carries twice is written once, in its newest version (the end state the
 * rows one by one reach); each version counts as that one does. */
static sj_err apply_set(batch_state *b)
{
	db_conn *c = b->c;
	size_t nr = json_array_size(b->recs), ntake = 0;
	brec *r = calloc(nr ? nr : 1, sizeof *r);
	size_t *take = calloc(nr ? nr : 1, sizeof *take);
	json_t *newest = json_object();
	unit_cache uc = {0};
	sj_err e = r && take && newest ? SJ_OK : SJ_ENOMEM;
	char key[512];
	b->pending = newest;
	for (size_t i = 0; !e && i < nr; i++) {
		json_t *j = json_array_get(b->recs, i);
		r[i] = (brec){json_integer_value(json_object_get(j, "seq")), REC_STR_FIELD(j, "tbl"), REC_STR_FIELD(j, "id"),
			      REC_STR_FIELD(j, "unit"), REC_STR_FIELD(j, "row"), NULL, false, false, false};
		if ((r[i].known = r[i].seq <= b->acked))
			continue;
		/* a sealed PV's OPJ key may come earlier in the same batch */
		const char *key_row = NULL;
		if (strcmp(r[i].tbl, "pvs") == 0) {
			json_t *pr = json_loads(r[i].row, 0, NULL);
			const char *kid = REC_STR_FIELD(pr, "key_id");
			char kk[512];
			snprintf(kk, sizeof kk, "opj_keys\x1f%s", kid ? kid : "");
			json_t *at = kid ? json_object_get(newest, kk) : NULL;
			key_row = at ? r[json_integer_value(at)].row : NULL;
			e = refusal(b, &uc, r[i].tbl, r[i].unit, r[i].row, key_row, &r[i].reason);
			json_decref(pr);
		} else
			e = refusal(b, &uc, r[i].tbl, r[i].unit, r[i].row, NULL, &r[i].reason);
		if (!e && !r[i].reason) {
			rec_key(&r[i], key, sizeof key);
			e = json_object_set_new(newest, key, json_integer((json_int_t)i)) ? SJ_ENOMEM : SJ_OK;
		}
	}
	/* the records refused before any write, in order */
	for (size_t i = 0; !e && i < nr; i++) {
		if (r[i].known || !r[i].reason)
			continue;
		e = quarantine(c, b->node, r[i].seq, r[i].tbl, r[i].id, r[i].unit, r[i].row, r[i].reason, b->now);
		b->quarantined++;
	}
	for (size_t i = 0; !e && i < nr; i++) {
		if (r[i].known || r[i].reason)
			continue;
		rec_key(&r[i], key, sizeof key);
		if ((size_t)json_integer_value(json_object_get(newest, key)) == i) {
			r[i].newest = true;
			take[ntake++] = i;
		}
	}
	/* xchg_rows, a few statements */
	for (size_t done = 0; !e && done < ntake;) {
		size_t left = ntake - done, k = left >= 64 ? 64 : left >= 16 ? 16 : left >= 4 ? 4 : 1;
		const char *q = k == 64 ? sql_upsert64 : k == 16 ? sql_upsert16 : k == 4 ? sql_upsert4 : sql_upsert1;
		db_stmt *s;
		bool row;
		e = db_prepare(c, q, &s);
		for (size_t x = 0; !e && x < k; x++) {
			const brec *w = &r[take[done + x]];
			int at = (int)x * 7;
			if ((e = db_bind_text(s, at + 1, w->tbl)) || (e = db_bind_text(s, at + 2, w->id)) ||
			    (e = db_bind_text(s, at + 3, b->node)) || (e = db_bind_int(s, at + 4, w->seq)) ||
			    (e = db_bind_text(s, at + 5, w->unit)) || (e = db_bind_text(s, at + 6, w->row)))
				break;
			e = db_bind_int(s, at + 7, b->now);
		}
		while (!e && !(e = db_step(s, &row)) && row) {
			snprintf(key, sizeof key, "%s\x1f%s", db_col_text(s, 0), db_col_text(s, 1));
			json_t *at = json_object_get(newest, key);
			if (at)
				r[json_integer_value(at)].took = true;
		}
		done += k;
	}
	/* each version counts as its newest does */
	for (size_t i = 0; !e && i < nr; i++) {
		if (r[i].known) {
			b->unchanged++;
			continue;
		}
		if (r[i].reason)
			continue;
		rec_key(&r[i], key, sizeof key);
		if (r[json_integer_value(json_object_get(newest, key))].took) {
			b->applied++;
			b->purged += r[i].newest && row_text_deleted(r[i].row);
		} else
			b->unchanged++;
	}
	/* and what xchg_rows took into central's own tables */
	const char **tbls = calloc(ntake ? ntake : 1, sizeof *tbls), **texts = calloc(ntake ? ntake : 1, sizeof *texts),
		   **whys = calloc(ntake ? ntake : 1, sizeof *whys);
	size_t *which = calloc(ntake ? ntake : 1, sizeof *which);
	size_t nt = 0;
	if (!e && !(tbls && texts && whys && which))
		e = SJ_ENOMEM;
	for (size_t x = 0; !e && x < ntake; x++)
		if (r[take[x]].took) {
			which[nt] = take[x];
			tbls[nt] = r[take[x]].tbl;
			texts[nt++] = r[take[x]].row;
		}
	if (!e)
		e = xchg_central_apply_set(c, b->node, nt, tbls, texts, b->p, whys);
	for (size_t x = 0; !e && x < nt; x++) {
		if (!whys[x])
			continue;
		const brec *w = &r[which[x]];
		log_msg(LOG_WARN, "a node's row does not fit central's table",
			json_pack("{s:s,s:s,s:s}", "node", b->node, "table", w->tbl, "reason", whys[x]));
		e = quarantine(c, b->node, w->seq, w->tbl, w->id, w->unit, w->row, whys[x], b->now);
		b->quarantined++;
	}
	free(tbls);
	free(texts);
	free(whys);
	free(which);
	free(r);
	free(take);
	b->pending = NULL;
	json_decref(b->tomb_used);
	b->tomb_used = NULL;
	json_decref(newest);
	return e;
}

sj_err xchg_apply(db_conn *c, json_t *body, int64_t now, xchg_applied *out, const char **why)
{
	memset(out, 0, sizeof *out);
	const char *node = json_string_value(json_object_get(body, "node")),
		   *payload = json_string_value(json_object_get(body, "payload")),
		   *sig = json_string_value(json_object_get(body, "sig"));
	snprintf(out->node_id, sizeof out->node_id, "%s", node ? node : "");
	json_t *n = NULL;
	sj_err e = dbj_one(c, sql_node,
			   "status:t,public_key:t,unit_code:t,acked_seq:i,audit_seq:i,audit_head:t,audit_pub:t", &n, "t",
			   node);
	if (e == SJ_ENOTFOUND) {
		*why = "node-unknown";
		return SJ_EFORBIDDEN;
	}
	if (e)
		return e;
	const char *status = json_string_value(json_object_get(n, "status")),
		   *pub = json_string_value(json_object_get(n, "public_key")),
		   *host = json_string_value(json_object_get(n, "unit_code")),
		   *ahead = json_string_value(json_object_get(n, "audit_head"));
	int64_t acked = json_integer_value(json_object_get(n, "acked_seq")),
		audit_seq = json_integer_value(json_object_get(n, "audit_seq"));
	char prev[65];
	snprintf(prev, sizeof prev, "%s", ahead ? ahead : GENESIS);
	json_t *p = NULL;
	unit_info hu;
	const char *chain_error = NULL;
	int64_t applied = 0, unchanged = 0, quarantined = 0, to = 0;
	out->ack = acked;
	if (strcmp(status, "active") != 0) {
		bool suspended = strcmp(status, "active") != 0 && strcmp(status, "pending") != 0;
		if (suspended)
			*why = "node-suspended";
		else
			*why = "node-unknown";
		e = SJ_EFORBIDDEN;
		goto out;
	}
	char msg_head[] = "sijill-batch-v1\n";
	size_t plen = strlen(payload), hl = sizeof msg_head - 1;
	char *msg = malloc(hl + plen);
	if (!msg) {
		e = SJ_ENOMEM;
		goto out;
	}
	memcpy(msg, msg_head, hl);
	memcpy(msg + hl, payload, plen);
	bool good = xchg_verify_hex(pub, sig, msg, hl + plen);
	free(msg);
	if (!good) {
		*why = "batch-signature";
		e = SJ_EFORBIDDEN;
		goto out;
	}
	p = json_loads(payload, JSON_REJECT_DUPLICATES, NULL);
	json_t *recs = json_object_get(p, "records");
	const char *pnode = json_string_value(json_object_get(p, "node"));
	json_int_t from = json_integer_value(json_object_get(p, "from"));
	to = json_integer_value(json_object_get(p, "to"));
	if (!p || !json_is_array(recs) || !pnode || strcmp(pnode, node) != 0 || from < 1 || to < from - 1 ||
	    (json_int_t)json_array_size(recs) != to - from + 1) {
		*why = "batch-malformed";
		e = SJ_EINVAL;
		goto out;
	}
	if (from > acked + 1) {
		*why = "batch-gap";
		out->expected = acked + 1;
		e = SJ_ECONFLICT;
		goto out;
	}
	if ((e = unit_get_by_code(c, host, &hu)))
		goto out;
	/* every record is well formed before anything is written */
	for (size_t i = 0; i < json_array_size(recs); i++) {
		json_t *r = json_array_get(recs, i);
		if (json_integer_value(json_object_get(r, "seq")) != from + (json_int_t)i ||
		    !json_string_value(json_object_get(r, "tbl")) || !json_string_value(json_object_get(r, "id")) ||
		    !json_string_value(json_object_get(r, "row"))) {
			*why = "batch-malformed";
			e = SJ_EINVAL;
			goto out;
		}
	}
	if ((e = xchg_central_refs(c, node, p)))
		goto out;
	/* set-wise first (a few statements for the whole batch); when a write
	 * fails, all of it is rolled back and the batch goes row by row, each
	 * row in a savepoint, which names the row that does not fit */
	const int64_t audit_seq0 = audit_seq;
	char prev0[65];
	memcpy(prev0, prev, sizeof prev0);
	batch_state st = {c, node, hu.path, p, recs, acked, now, &audit_seq, prev, &chain_error, 0, 0, 0, 0, NULL, NULL};
	if ((e = db_exec(c, "SAVEPOINT xchg_batch")))
		goto out;
	e = apply_set(&st);
	if (e == SJ_ECONFLICT || e == SJ_EDB || e == SJ_EINVAL) {
		log_msg(LOG_INFO, "a batch does not apply set-wise; applying it row by row",
			json_pack("{s:s,s:s}", "node", node, "error", db_last_error(c) ? db_last_error(c) : ""));
		e = db_exec(c, "ROLLBACK TO SAVEPOINT xchg_batch");
		audit_seq = audit_seq0;
		memcpy(prev, prev0, sizeof prev0);
		chain_error = NULL;
		st.applied = st.unchanged = st.quarantined = st.purged = 0;
		json_object_del(p, "_users");   /* what the rolled-back writes mapped */
		if (!e)
			e = xchg_central_refs(c, node, p);
		if (!e)
			e = apply_rows(&st);
	}
	if (!e)
		e = db_exec(c, "RELEASE SAVEPOINT xchg_batch");
	applied = st.applied;
	unchanged = st.unchanged;
	quarantined = st.quarantined;
	out->purged = st.purged;
	if (e)
		goto out;
	if ((e = witness_head(c, node, json_string_value(json_object_get(n, "audit_pub")), p, audit_seq, prev,
			      &chain_error)))
		goto out;
	if (to <= acked && chain_error && (e = db_run(c, sql_flag, "tt", chain_error, node)))
		goto out;
	if (to > acked) {
		e = db_run(c, sql_done, "iiiiittt", (int64_t)to, now, applied, quarantined, audit_seq, prev, chain_error,
			   node);
		out->ack = to;
	}
out:
	out->applied = applied;
	out->unchanged = unchanged;
	out->quarantined = quarantined;
	json_decref(p);
	json_decref(n);
	return e;
}

json_t *xchg_ack_json(const xchg_applied *a)
{
	char msg[128], sig[XCHG_SIG_HEX + 1];
	snprintf(msg, sizeof msg, "sijill-ack-v1|%s|%lld", a->node_id, (long long)a->ack);
	xchg_sign_hex(msg, strlen(msg), sig);
	return json_pack("{s:s,s:I,s:I,s:I,s:I,s:s}", "node", a->node_id, "ack", (json_int_t)a->ack, "applied",
			 (json_int_t)a->applied, "unchanged", (json_int_t)a->unchanged, "quarantined",
			 (json_int_t)a->quarantined, "sig", sig);
}

static const char sql_q_count[] = "SELECT count(*) FROM xchg_quarantine";

sj_err xchg_status_central(db_conn *c, int64_t now_ms, json_t **out)
{
	*out = NULL;
	json_t *nodes = NULL;
	int64_t q = 0;
	sj_err e = xchg_nodes_list(c, now_ms, &nodes);
	if (!e)
		e = dbj_int(c, sql_q_count, &q, "");
	if (e) {
		json_decref(nodes);
		return e;
	}
	*out = json_pack("{s:s,s:o,s:I}", "role", "central", "nodes", nodes, "quarantined", (json_int_t)q);
	return *out ? SJ_OK : SJ_ENOMEM;
}
