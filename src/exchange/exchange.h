/* exchange.h — nodes linked to central (issue 12, docs/internals/exchange.md).
 *
 * A unit is hosted by exactly one node (or by central) and only its host
 * writes its records, so nothing is ever merged: a node's changes travel one
 * way, in the order they were committed.
 *
 *  - Outbox (node, SQLite): triggers generated from the record descriptions
 *    (migration 0070) append every insert/update of an exchanged table to
 *    xchg_outbox in the writer's own transaction: seq (per node, gap-free
 *    in commit order), table, row id, the row's unit code and a JSON
 *    snapshot of the whole row. No capability can forget to.
 *  - Push: a batch {node, from, to, records} is serialised once, signed by
 *    the node's Ed25519 key ("sijill-batch-v1\n" || payload), and POSTed to
 *    central; central checks the node (enrolled, not suspended), the
 *    signature, the sequence (from must be the next one: 409 names it), then
 *    applies every record in one transaction: upsert by (table, id) keeping
 *    the highest source sequence (older versions never overwrite newer
 *    ones; the same batch twice changes nothing), rows of units the node
 *    does not host go to xchg_quarantine (counted, shown, never dropped),
 *    audit entries are checked to continue the node's chain. The node's
 *    acknowledged sequence advances with the batch and is answered, signed
 *    by central; the node stores it in node state (exchange.last_ack_seq)
 *    only after the answer, so a checkpoint is never ahead of the writes.
 *  - Keys are files beside the audit key, never in the database: the
 *    installation's Ed25519 seed "<audit key>.exchange", and on a node the
 *    join file "<audit key>.central" (central's URL, its pinned public key,
 *    the node id, the hosted units).
 */
#ifndef SJ_EXCHANGE_H
#define SJ_EXCHANGE_H

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/actor.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/record.h"
#include "db/db.h"
#include "lookup/lookup.h"

#define XCHG_NODE_ID_MAX 36
#define XCHG_CODE_MAX 64          /* an enrolment code as typed */
#define XCHG_KEY_HEX 64           /* an Ed25519 public key in hex */
#define XCHG_SIG_HEX 128          /* an Ed25519 signature in hex */
#define XCHG_PAYLOAD_MAX (900 * 1024)   /* bytes of a batch's payload (under --max-body) */
#define XCHG_BATCH_RECORDS 400    /* records per batch a node sends */
#define XCHG_ENROL_TTL_MS (7LL * 24 * 3600 * 1000)

/* ---- the tables that travel (schema.c) ---- */

/* One exchanged table: its name, and the SQL expression (over NEW) that
 * names the unit code its row belongs to (NULL: the row carries no unit: the
 * node's own bookkeeping, accepted as the node's). */
typedef struct xchg_table {
	const char *table;
	const char *key;            /* the column that identifies a row ("id"; opj_keys: "key_id") */
	const char *unit_expr;
	const char *const *omit;    /* columns never sent (secrets), NULL-terminated; may be NULL */
} xchg_table;
extern const xchg_table xchg_tables[];
extern const size_t xchg_tables_count;

/* xchg_table_find returns the exchanged table called name, or NULL. */
const xchg_table *xchg_table_find(const char *name);
/* xchg_table_pulled: central also publishes rows of t (a feed, e.g. the
 * hotlists): its triggers skip central's copies (xchg_pulled), so they never
 * travel back. */
bool xchg_table_pulled(const xchg_table *t);
/* xchg_column_sent: column col of t travels (is not in t->omit). */
bool xchg_column_sent(const xchg_table *t, const char *col);
/* A node's retention purge travels as a deletion (migration 0261): the
 * node's AFTER DELETE trigger of a purgeable table appends to the outbox, in
 * the purge's own transaction, the row {"id", "_deleted": 1, "_tombstone":
 * the retention_tombstones id the purge left, "_rule", "_rule_version"} in
 * place of its snapshot. xchg_table_purgeable: rows of t may be deleted so
 * (custody_sessions, custody_rights_notices, main_courante); a deletion of
 * any other table is quarantined at central (delete-not-purgeable), one
 * naming no tombstone central holds from that node (delete-no-tombstone),
 * and one beyond the rows_purged its tombstone accounts for
 * (delete-beyond-tombstone: a row deleted behind the job's back).
 * xchg_row_deleted: the parsed row is such a deletion. */
bool xchg_table_purgeable(const xchg_table *t);
bool xchg_row_deleted(json_t *row);
/* xchg_trigger_ddl appends to out (a new string the caller frees) the two
 * SQLite triggers of t given its columns in table order (cols, n): AFTER
 * INSERT and AFTER UPDATE OF the sent columns, each appending the row's
 * snapshot to xchg_outbox. The migration holds their output; the unit test
 * test_exchange checks the migrated triggers are exactly these. */
char *xchg_trigger_ddl(const xchg_table *t, const char *const *cols, size_t n);

/* ---- keys and the join file (keys.c) ---- */

/* xchg_keys_load reads (create: or creates, mode 0600) the installation's
 * Ed25519 seed "<audit_key_path>.exchange" and keeps it in process memory;
 * remembers audit_key_path to find the join file. */
SJ_MUST_USE sj_err xchg_keys_load(const char *audit_key_path, bool create);
/* xchg_public_hex writes this installation's public key (hex, NUL). */
void xchg_public_hex(char out[XCHG_KEY_HEX + 1]);
/* xchg_sign_hex signs msg with the installation's key (hex, NUL). */
void xchg_sign_hex(const char *msg, size_t len, char out[XCHG_SIG_HEX + 1]);
/* xchg_verify_hex checks a hex signature of msg under a hex public key. */
bool xchg_verify_hex(const char *pub_hex, const char *sig_hex, const char *msg, size_t len);

/* The join file of a node (NULL members when not joined). */
typedef struct xchg_join {
	char node_id[XCHG_NODE_ID_MAX + 1];
	char central[1024];
	char central_pub[XCHG_KEY_HEX + 1];
	char unit[64];
	int64_t joined_at;          /* when the node joined (UTC ms; 0 in an older file) */
} xchg_join;
/* xchg_join_read fills *out from the join file; false when not joined. */
bool xchg_join_read(xchg_join *out);
/* xchg_join_write replaces the join file (atomically, mode 0600). */
SJ_MUST_USE sj_err xchg_join_write(const xchg_join *j);

/* ---- central: nodes (nodes.c) ---- */

/* xchg_node_add creates a pending node hosting unit_code (which must exist)
 * inside c's write transaction and writes its one-time enrolment code (a new
 * string, shown once; only its hash is kept) to *code and its id to node_id.
 * SJ_ENOTFOUND: no such unit; SJ_ECONFLICT: the unit is already hosted by an
 * active node. */
SJ_MUST_USE sj_err xchg_node_add(db_conn *c, const char *unit_code, int64_t now_ms, char **code,
				 char node_id[XCHG_NODE_ID_MAX + 1]);
/* xchg_enrol (central) takes a code and the node's public key: pins the key,
 * makes the node active, and answers {node_id, unit, central_pub} (new). On
 * a refusal *why is a reason code ("enrol-code"). */
SJ_MUST_USE sj_err xchg_enrol(db_conn *c, const char *code, const char *node_pub, int64_t now_ms, json_t **out,
			      const char **why);
/* xchg_node_set_status: "active" | "suspended"; re-key: status "pending"
 * with a new enrolment code (*code, new) and the old key forgotten. */
SJ_MUST_USE sj_err xchg_node_suspend(db_conn *c, const char *node_id, bool suspend);
SJ_MUST_USE sj_err xchg_node_rekey(db_conn *c, const char *node_id, int64_t now_ms, char **code);
/* xchg_nodes_list returns every node with its status (new array). */
SJ_MUST_USE sj_err xchg_nodes_list(db_conn *c, int64_t now_ms, json_t **out);

/* ---- central: apply a batch (apply.c) ---- */

/* The records of the exchange routes. */
extern const rec_desc xchg_enrol_rec;       /* POST /api/v1/exchange/enrol: body and answer */
extern const rec_desc xchg_batch_rec;       /* POST /api/v1/exchange/batches: {node, payload, sig} */
extern const rec_desc xchg_ack_rec;         /* its answer */
extern const rec_desc xchg_nodes_rec;       /* GET /api/v1/exchange/nodes */
extern const rec_desc xchg_status_rec;      /* GET /api/v1/exchange/status */
extern const rec_desc xchg_node_rec;        /* one node as central lists it (table xchg_nodes) */
extern const rec_desc xchg_digest_rec;      /* GET /api/v1/exchange/nodes/{id}/digest */

/* What a batch did. */
typedef struct xchg_applied {
	int64_t ack;            /* the node's acknowledged sequence after the batch */
	int64_t expected;       /* on a gap: the sequence central expects */
	int64_t applied, unchanged, quarantined;
	int64_t purged;         /* of applied: rows the node's retention purges deleted */
	char node_id[XCHG_NODE_ID_MAX + 1];
} xchg_applied;

/* xchg_apply verifies and applies body ({node, payload, sig}) inside c's
 * write transaction. Refusals (nothing written; *why a reason code):
 * SJ_ENOTFOUND "node-unknown", SJ_EFORBIDDEN "node-suspended" /
 * "batch-signature", SJ_EINVAL "batch-malformed", SJ_ECONFLICT "batch-gap"
 * (out->expected set). On SJ_OK out->ack is the node's new acknowledged
 * sequence (a replay of what central has changes nothing and acks again). */
SJ_MUST_USE sj_err xchg_apply(db_conn *c, json_t *body, int64_t now_ms, xchg_applied *out, const char **why);
/* xchg_witness_verify (central: `sijill audit verify`) walks every node's
 * audit chain as central witnessed it — each entry continuing the one
 * before (chain_continues), each signed head the node sent equal to the
 * witnessed head at its entry and verifying under the node's pinned audit
 * key, no flag or chain-broken quarantine — and returns [{node, unit,
 * entries, signed_heads, ok, finding, chain_error, audit_seq}] (new). */
SJ_MUST_USE sj_err xchg_witness_verify(db_conn *c, json_t **out);
/* xchg_ack_json returns the answer {node, ack, applied, unchanged,
 * quarantined, sig} with central's signature over "sijill-ack-v1|node|ack". */
json_t *xchg_ack_json(const xchg_applied *a);
/* xchg_status_central returns {nodes: [...], quarantined} (new). */
SJ_MUST_USE sj_err xchg_status_central(db_conn *c, int64_t now_ms, json_t **out);
/* xchg_digest_central returns {table: hex digest} of the rows central holds
 * for node (as xchg_digest_rows; new). */
SJ_MUST_USE sj_err xchg_digest_central(db_conn *c, const char *node_id, json_t **out);
/* xchg_digest_rows reads (tbl, id, row) rows of s to the end into *out (new):
 * {table: "<count>:<hex XOR of BLAKE2b(id NUL row)>"}, independent of order. */
SJ_MUST_USE sj_err xchg_digest_rows(db_stmt *s, json_t **out);

/* ---- node: push (push.c) ---- */

/* xchg_join_central enrols this installation at central with a one-time
 * code (POST /api/v1/exchange/enrol with its public key) and writes the join
 * file (central's URL and pinned key, the node id, the hosted unit). The
 * keys must be loaded (xchg_keys_load). msg receives a sentence on failure. */
SJ_MUST_USE sj_err xchg_join_central(const char *central, const char *code, char *msg, size_t msgsz);

/* Progress of a sync: called after each acknowledged batch. */
typedef void (*xchg_progress_fn)(int64_t acked, int64_t last, void *ctx);

/* xchg_sync pushes every pending outbox row to central, batch by batch, from
 * the last acknowledged sequence; stores central's acknowledged sequence
 * (node state exchange.last_ack_seq, exchange.last_ack_at) after each
 * verified acknowledgement. A 409 whose expected sequence is behind what the
 * node holds acknowledged (central restored from an older backup) resends
 * from there (the outbox is kept). msg (may be NULL) receives a sentence on
 * failure. */
SJ_MUST_USE sj_err xchg_sync(db *d, xchg_progress_fn progress, void *ctx, char *msg, size_t msgsz);
/* xchg_prune deletes (in slices) the outbox rows central acknowledged that
 * are older than exchange.outbox_retention_days, but the newest row; xchg_sync
 * calls it after a complete push. *pruned counts them. */
SJ_MUST_USE sj_err xchg_prune(db *d, int64_t now_ms, int64_t *pruned);
/* xchg_loop_start starts, on a joined node, the background exchange of
 * `sijill serve`: xchg_sync now and then every exchange.interval_s seconds
 * (failures logged, retried next time). A no-op elsewhere. d must outlive
 * xchg_loop_stop, which wakes and joins the thread (a push under way ends
 * first: at worst its acknowledgement is lost and the next push is a replay). */
SJ_MUST_USE sj_err xchg_loop_start(db *d);
void xchg_loop_stop(void);

/* xchg_row_acked: on a node, whether every change of row row_id of
 * exchanged table tbl that entered the outbox has been acknowledged by
 * central (*acked false before the first acknowledgement). */
SJ_MUST_USE sj_err xchg_row_acked(db_conn *c, const char *tbl, const char *row_id, bool *acked);
/* xchg_status_node returns {joined, node_id, central, last_ack_seq,
 * last_ack_at, last_seq, pending, oldest_pending_at} (new). */
SJ_MUST_USE sj_err xchg_status_node(db_conn *c, json_t **out);
/* xchg_digest_node returns {table: hex digest} of the latest snapshot of
 * every row the node has had acknowledged (as xchg_digest_central). */
SJ_MUST_USE sj_err xchg_digest_node(db_conn *c, json_t **out);

/* ---- pull: feeds central publishes to its nodes (feeds.c, pull.c) ----
 *
 * The interface another capability uses to send something from central to
 * its nodes: one entry in xchg_feeds[] (feeds.c). A feed is a stream of
 * records ordered by an int64 cursor that only its producer interprets
 * (usually the rows' updated_at). The node asks
 *     POST /api/v1/exchange/pull  {node, payload, sig}
 *     payload = {"node", "at": UTC ms, "feeds": {"<name>": cursor, ...}}
 *     sig     = Ed25519(node key, "sijill-pull-v1\n" || payload bytes)
 * and central answers, for each feed the node may receive,
 *     {payload, sig}
 *     payload = {"node", "issued_at", "feeds": {"<name>": {"after", "cursor",
 *                "more", "records": [...]}}}
 *     sig     = Ed25519(central key, "sijill-feed-v1\n" || payload bytes)
 * The node checks the signature under central's key pinned at join, that the
 * answer names it and that each feed starts at the cursor it holds, then
 * applies every feed's records and stores the new cursors (node state
 * "xchg.feed.<name>", and "xchg.feed.<name>.issued_at" once a feed is
 * complete: more false) in ONE transaction, with its audit entry
 * (exchange.pull) when it wrote records (an answer that moved only cursors
 * is bookkeeping, as the push's acknowledgement is). `sijill sync` and the
 * serve loop push, pull, and push again when the pull wrote something. A cut, a refusal or an applier error leaves the cursors
 * where they were: the next pull asks again (appliers must be idempotent).
 *
 * Adding a feed (e.g. the mobile units' kit provisioning): write a producer
 * (central, inside a read transaction) and an applier (node, inside the write
 * transaction), and add
 *     {"kit-provisioning", XCHG_FEED_UNIT, kit_feed_produce, kit_feed_apply}
 * at the end of xchg_feeds[]. Producers selecting rows by a time column use
 * xchg_feed_rows_after; appliers copying central's rows into the node's copy
 * of a table use xchg_feed_upsert (unit ids translated by code, the row
 * marked central's so the node's outbox does not send it back and the
 * owning capability can refuse local writes: xchg_pulled_at). */

#define XCHG_FEED_NAME_MAX 40
#define XCHG_FEED_RECORDS 500     /* records per feed in one answer */
/* The cursor column of the feeds of rows (hotlists, region persons): central's
 * clock when the row was last inserted or changed there, by whoever (trigger,
 * migration 0196); never sent, in a batch or in a feed's record. A row's own
 * updated_at is its writer's time: a node's row reaching central late would
 * be behind cursors already past it. */
#define XCHG_FED_COL "fed_at"
/* The ids of the units a node hosts (a node that joined: not pending, or
 * pending after it sent — re-keyed; suspended included), as owner.c counts
 * them: at central their records are the node's (single writer). A SQL
 * subquery without parameters, for `unit_id NOT IN ...`; empty on a node. */
#define XCHG_SQL_NODE_UNITS                                                                                 \
	"(SELECT u.id FROM units u JOIN units h ON substr(u.path, 1, length(h.path)) = h.path"               \
	" JOIN xchg_nodes n ON n.unit_code = h.code WHERE n.status <> 'pending' OR n.acked_seq > 0)"
#define XCHG_FEED_SETTLE_MS 2000  /* rows newer than this are served next time: a
				   * write transaction still open at central when
				   * the feed is read commits within it */
#define XCHG_STATE_LAST_PULL_AT "exchange.last_pull_at"   /* node state: issue time of the last answer applied */
#define XCHG_PULL_SKEW_MS (10LL * 60 * 1000)   /* a pull request's "at" against central's clock */

/* Who may receive a feed. */
typedef enum xchg_feed_scope {
	XCHG_FEED_ALL = 0,       /* every active node (national hotlists, reference data) */
	XCHG_FEED_UNIT,          /* every active node; the producer narrows to the node's unit (peer) */
	XCHG_FEED_CONFIGURED,    /* only nodes listed in the setting the feed names (may) */
} xchg_feed_scope;

/* The node a feed is produced for (central side). */
typedef struct xchg_peer {
	const char *node_id;
	const char *unit_code;   /* the unit the node hosts */
	const char *unit_path;   /* its path in the unit tree (unit_in_scope) */
} xchg_peer;

/* A producer appends to records (an array) at most limit records after
 * cursor `after` and not newer than upto (UTC ms: XCHG_FEED_SETTLE_MS before
 * the answer's issue time), sets *cursor (the position after the last record
 * appended, `after` when none) and *more (records remain past *cursor). */
typedef sj_err (*xchg_feed_produce_fn)(db_conn *c, const xchg_peer *p, int64_t after, int64_t upto, size_t limit,
				       json_t *records, int64_t *cursor, bool *more);
/* An applier applies records (borrowed; verified, from central) inside c's
 * write transaction on the node; *applied counts what it wrote. issued_at is
 * the answer's issue time. It must be idempotent (the same records twice
 * change nothing) and never write a row the node itself writes. */
typedef sj_err (*xchg_feed_apply_fn)(db_conn *c, json_t *records, int64_t issued_at, int64_t *applied);

typedef struct xchg_feed {
	const char *name;               /* [a-z0-9-], at most XCHG_FEED_NAME_MAX */
	xchg_feed_scope scope;
	xchg_feed_produce_fn produce;
	xchg_feed_apply_fn apply;
	/* XCHG_FEED_CONFIGURED: may the node receive it (else NULL) */
	bool (*may)(db_conn *c, const xchg_peer *p);
} xchg_feed;
/* xchg_node_region turns on (or off) the feed of its region's person index
 * for a node (SJ_ENOTFOUND: no such node); xchg_node_region_on is that
 * feed's `may` (an active node with it on). */
SJ_MUST_USE sj_err xchg_node_region(db_conn *c, const char *node_id, bool on);
bool xchg_node_region_on(db_conn *c, const xchg_peer *p);
extern const xchg_feed xchg_feeds[];
extern const size_t xchg_feeds_count;
const xchg_feed *xchg_feed_find(const char *name);

/* The records of the pull route. */
extern const rec_desc xchg_pull_rec;        /* POST /api/v1/exchange/pull: {node, payload, sig} */
extern const rec_desc xchg_feed_answer_rec; /* its answer: {payload, sig} */

/* xchg_feed_serve (central) verifies the pull request body ({node, payload,
 * sig}) and produces the signed answer (*out, new) inside c's read
 * transaction. Refusals (*why): SJ_EFORBIDDEN "node-unknown" /
 * "node-suspended" / "pull-signature" / "pull-stale" (its time is more than
 * XCHG_PULL_SKEW_MS from central's), SJ_EINVAL "pull-malformed". Feeds the
 * node may not receive or does not know are left out of the answer.
 * node_out receives the node id (for the audit entry). */
SJ_MUST_USE sj_err xchg_feed_serve(db_conn *c, json_t *body, int64_t now_ms, json_t **out, const char **why,
				   char node_out[XCHG_NODE_ID_MAX + 1]);

/* xchg_pull (node) asks central for every feed from the cursors it holds,
 * verifies and applies answers until no feed has more; *applied (may be
 * NULL) counts the records applied. msg (may be NULL) gets a sentence on
 * failure. SJ_ENOTFOUND: not joined. */
SJ_MUST_USE sj_err xchg_pull(db *d, int64_t *applied, char *msg, size_t msgsz);

/* xchg_feed_rows_after (a producer's helper) appends the rows of table whose
 * time column tcol is in (after, upto], oldest first, each as an object of
 * its columns (values as text, NULL as null), with every column named in
 * unit_cols (NULL-terminated; may be NULL) replaced by its unit's code (ids
 * never cross databases). filter (may be NULL) is an extra SQL condition on
 * the table's columns, without parameters. It serves whole milliseconds: at
 * most limit rows unless more share one millisecond. The column XCHG_FED_COL
 * is left out of the records (usually tcol: central's bookkeeping). */
SJ_MUST_USE sj_err xchg_feed_rows_after(db_conn *c, const char *table, const char *tcol, const char *filter,
					const char *const *unit_cols, int64_t after, int64_t upto, size_t limit,
					json_t *records, int64_t *cursor, bool *more);
/* xchg_feed_upsert (an applier's helper) writes central's row (as
 * xchg_feed_rows_after produced it; borrowed) into the node's table, keyed
 * by "id": unit codes of unit_cols back to this database's ids (a code
 * unknown here is SJ_ENOTFOUND: reference data first), columns in null_cols
 * (ids of central's other tables) set NULL, columns the node's table lacks
 * ignored. A row the node wrote itself (not central's) is never touched
 * (*wrote false). The row is marked central's (xchg_pulled) with feed and
 * issued_at. */
SJ_MUST_USE sj_err xchg_feed_upsert(db_conn *c, const char *feed, const char *table, json_t *row,
				    const char *const *unit_cols, const char *const *null_cols, int64_t issued_at,
				    bool *wrote);
/* xchg_feed_insert (an applier's helper) inserts central's row (text values
 * by column name, as xchg_feed_rows_after makes them; borrowed) into the
 * node's table, the columns the node's table has; nothing is translated (for
 * reference data, whose keys are codes). */
SJ_MUST_USE sj_err xchg_feed_insert(db_conn *c, const char *table, json_t *row);
/* xchg_pulled_at: row id of table is central's copy on this node (*pulled)
 * and *issued_at is the issue time of the last complete answer of the feed
 * that brought it (the age of the hotlist; 0 when never complete). Outputs
 * may be NULL. */
SJ_MUST_USE sj_err xchg_pulled_at(db_conn *c, const char *table, const char *id, bool *pulled,
				  int64_t *issued_at);

/* ---- national look-ups from a node, answered by central (remote.c) ----
 *     POST /api/v1/exchange/lookup  {node, payload, sig}
 *     payload = {"node", "at", "actor": {id, badge, role, unit}, "purpose",
 *                "query": {q, birth_date, sex, father, birth_year, birth_place, limit}}
 *     sig     = Ed25519(node key, "sijill-lookup-v1\n" || payload)
 *     answer  = {payload: {"node", "at", "answer": <lookup_persons' answer>},
 *                sig: Ed25519(central key, "sijill-lookup-answer-v1\n" || payload)} */

/* xchg_lookup_serve (central) answers a node's signed look-up inside c's
 * write transaction: the node as for a pull, the officer's unit one it
 * hosts and a case-reading role (SJ_EFORBIDDEN "lookup-not-hosted"), then
 * lookup_persons for that officer (central's own rate limit: SJ_ELIMIT
 * "rate-limited" with *retry_s) and an audit entry person.search with the
 * officer's badge, unit and purpose; *out (new) is the signed answer. */
SJ_MUST_USE sj_err xchg_lookup_serve(db_conn *c, json_t *body, int64_t now, json_t **out, const char **why,
				     int64_t *retry_s, char node_out[XCHG_NODE_ID_MAX + 1]);
/* xchg_lookup_remote (node) asks central the look-up q for actor a (call it
 * holding no transaction): SJ_OK with *answer (new, verified under the
 * pinned key); SJ_ELIMIT / SJ_EFORBIDDEN with *problem (central's problem
 * body, new, may be NULL); SJ_EIO / SJ_ECRYPTO when central cannot be
 * reached or trusted (answer from the node's copy); SJ_ENOTFOUND: not a
 * node. msg gets a sentence. */
SJ_MUST_USE sj_err xchg_lookup_remote(const sj_actor *a, const lookup_query *q, json_t **answer, json_t **problem,
				      char *msg, size_t msgsz);
/* xchg_copy_age: how old this node's copy of central's data is: *as_of the
 * issue time of the last pull applied (or the join), *age_s seconds (-1 when
 * unknown). */
SJ_MUST_USE sj_err xchg_copy_age(db_conn *c, int64_t now, int64_t *as_of, int64_t *age_s);

/* ---- a node too long without an exchange (stale.c) ---- */

typedef struct xchg_staleness {
	bool joined;             /* false: not a node, nothing below applies */
	int64_t last_ok_at;      /* the last acknowledged exchange (or the join), UTC ms */
	int64_t days;            /* whole days since */
	int64_t max_days;        /* the setting exchange.max_days_without */
	bool warn;               /* past half of it: every page warns */
	bool refuse;             /* past it: new national look-ups are refused */
} xchg_staleness;
/* xchg_staleness_get fills *out for this installation (inside or outside a
 * transaction of c). */
SJ_MUST_USE sj_err xchg_staleness_get(db_conn *c, int64_t now_ms, xchg_staleness *out);
/* xchg_lookup_allowed: SJ_OK, or SJ_ECONFLICT with *why "exchange-stale" on a
 * node past exchange.max_days_without without a successful exchange. */
SJ_MUST_USE sj_err xchg_lookup_allowed(db_conn *c, int64_t now_ms, const char **why);
/* xchg_staleness_json: {last_ok_at, days_without, max_days, warn, refuse}
 * (new), or NULL when not a node. */
json_t *xchg_staleness_json(const xchg_staleness *s);

/* ---- metrics (metrics.c) ---- */

/* xchg_metrics appends the exchange's Prometheus lines to b (on a node, or
 * per node at central), on a connection of d of its own. */
SJ_MUST_USE sj_err xchg_metrics(db *d, buf *b);

/* ---- single writer per record at central (owner.c) ---- */

typedef struct xchg_owner {
	bool owned;                            /* a node writes it */
	char node_id[XCHG_NODE_ID_MAX + 1];    /* that node */
	char unit[64];                         /* the unit it hosts (a code) */
} xchg_owner;
/* xchg_write_owner (central; a database without nodes answers "not owned")
 * says whether a write request on route_path by a user of the unit at
 * writer_path would change records a node writes: the writer's unit lies in
 * a node-hosted unit, or the record route_path names (cases/{id},
 * pvs/{id}, custody/{id}, registers/.../{id}, units/{code}, users/{badge}…)
 * does. Only routes that write what nodes write are checked (cases, PVs,
 * custody, seizures, referrals, complaints, registers, hits, persons, the
 * desk's, comms, a unit's registers, users): the caller's session and
 * account, settings, and what central itself writes for a node's unit (the
 * mobile kit's provisioning, central's validation) are never owned. */
SJ_MUST_USE sj_err xchg_write_owner(db_conn *c, const char *writer_path, const char *route_path, xchg_owner *o);

#endif
