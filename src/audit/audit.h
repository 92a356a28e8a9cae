/* audit.h — the tamper-evident audit log (loi 09-08 art 23-24: who entered or
 * read which data, and when). See docs/internals/audit.md.
 *
 * Entries form a hash chain (DESIGN.md):
 *   leaf = BLAKE2b-256(0x00 || canonical entry)
 *   head = BLAKE2b-256(0x01 || previous head || leaf)
 * and heads are signed with an Ed25519 key kept in a file outside the
 * database ("signed heads", stored in audit_checkpoints and appended to the
 * heads file beside the key). A signed head is required at least every
 * AUDIT_CHECKPOINT_EVERY entries, at most AUDIT_SEAL_MS after an entry is
 * chained, and for the head at rest; audit_verify fails when one is missing.
 *
 * How an entry reaches the chain (the group commit):
 *   - a write (c in a DB_WRITE transaction): the entry commits with the
 *     record. On SQLite it is chained inside that transaction. On PostgreSQL,
 *     while the committer runs, it is inserted unchained ("pending") — no
 *     lock shared by all writers — and the committer chains it moments later;
 *   - a read (c in a DB_READ transaction): the entry is queued on c and
 *     nothing is written; audit_take + audit_flush (app_finish) hand it to
 *     the committer, which appends every queued entry in one transaction (one
 *     fsync) and wakes the readers once it is durable.
 * The committer (audit_committer_start, one thread per process) chains in a
 * deterministic order: pending entries by (at, id), then queued reads in
 * arrival order, under the chain-head row's lock, one transaction per batch,
 * so several processes on one PostgreSQL database keep one chain. Without a
 * committer (the CLI, in-process tests) the same work runs synchronously and
 * each unit of work signs its head before it commits.
 */
#ifndef SJ_AUDIT_H
#define SJ_AUDIT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "core/err.h"
#include "db/db.h"

#define AUDIT_CHECKPOINT_EVERY 256      /* every seq that is a multiple of this is signed */
#define AUDIT_SEAL_MS          5000     /* the committer signs the head this long after an entry at most */
#define AUDIT_SEAL_MAX_MS      30000    /* verify: an entry waiting longer for its signed head fails */
#define AUDIT_HASH_HEX 64

typedef struct audit_entry {
	const char *actor_id;     /* users.id, NULL when unauthenticated */
	const char *badge;
	const char *role;
	const char *unit_code;
	const char *action;       /* "session.login", "person.read", "authz.refused" ... */
	const char *object_type;  /* "user", "case", "person" ... or NULL */
	const char *object_id;
	const char *purpose;      /* the stated purpose of a look-up, or NULL */
	const char *outcome;      /* "ok" | "refused" | "failed" */
	const char *request_id;
	const char *ip;
	json_t *detail;           /* borrowed; small, no secrets; may be NULL */
} audit_entry;

/* audit_key_load_or_create reads the Ed25519 seed at path (hex), creating it
 * with mode 0600 when create is true and it does not exist — and then also
 * the heads file "<path>.heads" (mode 0600), starting with a signed genesis
 * line. The key stays in process memory; the heads file is the one beside it. */
SJ_MUST_USE sj_err audit_key_load_or_create(const char *path, bool create);
/* audit_key_loaded returns true once a key is loaded. */
bool audit_key_loaded(void);
/* audit_heads_path is the heads file of the loaded key ("" before one is). */
const char *audit_heads_path(void);
/* audit_heads_restore writes the loaded key's heads file (which must not
 * exist: a restore stages the key beside its place) from src, a backup's copy
 * of the heads file, keeping the lines of the entries the database d holds:
 * the copy of the file was taken after the database's snapshot, so the lines
 * signed after it are of entries the backup does not have. */
SJ_MUST_USE sj_err audit_heads_restore(db *d, const char *src);

/* audit_append adds e for the unit of work open on c (which must be inside a
 * transaction): on a DB_WRITE transaction it commits with it (chained or
 * pending, see above); on a DB_READ one it is only queued on c — pass it on
 * with audit_take/audit_flush after the read, or db_commit makes it durable
 * itself (synchronously). db_rollback or db_release drops a queued entry.
 * *seq_out (may be NULL) receives its number when it is chained here, else 0. */
SJ_MUST_USE sj_err audit_append(db_conn *c, const audit_entry *e, int64_t *seq_out);

/* A read's queued entries, detached from its connection. */
typedef struct audit_queue audit_queue;
/* audit_take detaches the entries queued on c by audit_append (NULL when
 * none); the caller owns them: audit_flush or audit_queue_free. */
audit_queue *audit_take(db_conn *c);
/* audit_flush appends b's entries to the chain and returns once they are
 * durable (SJ_OK), or the error that kept them out (nothing was written
 * then). It waits for the committer, or does the work itself on a connection
 * of d when none runs. b (may be NULL: SJ_OK) is freed. Call it holding no
 * connection of d. */
SJ_MUST_USE sj_err audit_flush(db *d, audit_queue *b);
void audit_queue_free(audit_queue *b);
/* audit_flush_async hands b's entries to the group committer and returns at
 * once (issue 21: the request's worker thread is freed meanwhile): fn(arg,
 * result) is called once, when they are durable (SJ_OK) or could not be
 * made so — on the thread that ran the pass (the committer's, or a reader
 * waiting in audit_flush), holding no lock of the module. b is the
 * committer's then. Returns false, and leaves b the caller's (for
 * audit_flush), when b is NULL or empty or no committer runs. Call it
 * holding no connection of d. */
typedef void (*audit_durable_fn)(void *arg, sj_err result);
bool audit_flush_async(audit_queue *b, audit_durable_fn fn, void *arg);
/* audit_record appends one entry outside any transaction (a refused request)
 * and returns once it is durable. */
SJ_MUST_USE sj_err audit_record(db *d, const audit_entry *e);

/* audit_committer_start starts this process's committer thread on d (one per
 * process). Before it returns it recovers what an unclean stop left: chains
 * pending entries, writes to the heads file the signed heads the database
 * has and the file lacks, and signs the head (kind "start") if it is not.
 * The key must be loaded. */
SJ_MUST_USE sj_err audit_committer_start(db *d);
/* audit_committer_stop drains the queue, signs the head at rest (kind
 * "stop") and joins the thread. NULL-safe to call when none runs. */
void audit_committer_stop(void);

/* Statistics of the committer since start (for /metrics and the benches). */
typedef struct audit_stats {
	uint64_t batches;         /* transactions that chained entries */
	uint64_t entries;         /* entries chained by the committer */
	uint64_t max_batch;       /* most entries chained in one transaction */
	uint64_t signed_heads;    /* heads signed by this process */
} audit_stats;
void audit_stats_get(audit_stats *out);

/* A signed head: what the heads file and audit_checkpoints hold. */
typedef struct audit_signed_head {
	int64_t seq;
	int64_t at;                          /* UTC ms when signed */
	char kind[12];                       /* count|time|start|stop|clock|genesis|adopt|unit */
	char head[AUDIT_HASH_HEX + 1];
	char key_id[17];
	char sig[129];                       /* hex Ed25519 over audit_head_message */
} audit_signed_head;

/* audit_latest_signed_head reads the newest signed head of d's chain into
 * *out (SJ_ENOTFOUND when none): the hook for a witness (central keeps each
 * node's signed heads; the exchange sends this). */
SJ_MUST_USE sj_err audit_latest_signed_head(db *d, audit_signed_head *out);

/* audit_public_hex writes the loaded audit key's public half (64 hex, NUL);
 * audit_head_verify checks a signed head under another installation's
 * public key (a witness: central checks its nodes' signed heads). */
void audit_public_hex(char out[65]);
bool audit_head_verify(const audit_signed_head *h, const char *pub_hex);
/* audit_leaf_of_row writes into out the leaf of the entry an audit_log row
 * holds (a JSON object of its columns, as the exchange sends it: seq and at
 * numbers, the others strings or null), recomputed from its content — what
 * a witness compares with the leaf the row states. false when the row lacks
 * seq or at, or memory runs out. */
bool audit_leaf_of_row(json_t *row, char out[AUDIT_HASH_HEX + 1]);

#define AUDIT_REPORT_FINDINGS 16

typedef struct audit_report {
	bool ok;
	int64_t entries;
	int64_t checkpoints;      /* signed heads in the database */
	int64_t heads;            /* signed heads in the heads file */
	int64_t pending;          /* entries committed, not chained yet (young) */
	int64_t unsigned_tail;    /* entries after the last signed head (young) */
	int64_t last_signed_seq;  /* the newest signed head seen, database or file */
	int64_t last_signed_at;
	int64_t first_bad_seq;    /* 0 when ok */
	char reason[256];         /* the first finding */
	int nfindings;            /* findings[0..nfindings) (reason is findings[0]) */
	char findings[AUDIT_REPORT_FINDINGS][256];
} audit_report;

/* audit_verify walks the whole chain, every signed head of the database and
 * of the heads file (signatures checked with the loaded key's public half),
 * and the rules (a signed head every AUDIT_CHECKPOINT_EVERY entries, none
 * waiting more than AUDIT_SEAL_MAX_MS, the head at rest signed, the file and
 * the database agreeing); the report names what is wrong, first the first.
 * It may run while servers append. progress (may be NULL) is called every
 * 10,000 entries. */
SJ_MUST_USE sj_err audit_verify(db *d, audit_report *out,
				void (*progress)(int64_t done, int64_t total, void *ctx), void *ctx);
/* audit_verify_as_of is audit_verify judging the time rules as of as_of_ms
 * rather than now: for a copy taken then (a backup made while the server
 * ran, whose newest entries were still within their window before a
 * signature). */
SJ_MUST_USE sj_err audit_verify_as_of(db *d, int64_t as_of_ms, audit_report *out);

/* audit_query lists entries matching the filters in q (members: actor, badge,
 * action, object_type, object_id, from, to (ms), after_seq, limit) as a new
 * JSON array (caller decrefs). c may be in a transaction. */
SJ_MUST_USE sj_err audit_query(db_conn *c, const char *actor_badge, const char *action,
			       const char *object_type, const char *object_id, int64_t from_ms,
			       int64_t to_ms, int64_t after_seq, int limit, json_t **out);

/* audit_entry_names tells whether entry seq names the record object_type
 * object_id as its object (*yes): an auditor reads a record only through an
 * entry that names it (issue 10 item 12). Reads outside any transaction. */
SJ_MUST_USE sj_err audit_entry_names(db *d, int64_t seq, const char *object_type, const char *object_id,
				     bool *yes);

/* audit_ids returns a new JSON array of the string member `member` of each
 * object of list (the ids a list read showed, for its one audit entry), or
 * NULL when list is not an array or memory runs out. */
json_t *audit_ids(const json_t *list, const char *member);

/* audit_flags lists the actors with more than threshold national person
 * look-ups (action "person.search") since since_ms, most first, as a new
 * JSON array of {"actor_id", "badge", "unit", "lookups"} (at most
 * AUDIT_FLAGS_MAX). For auditors: unusual volumes are a reason to look. */
#define AUDIT_FLAGS_MAX 200
SJ_MUST_USE sj_err audit_flags(db_conn *c, int64_t since_ms, int64_t threshold, json_t **out);
/* audit_flags_lookups is audit_flags over every national look-up: person
 * searches, full-text case searches and additions by CIN ("person.search",
 * "case.fulltext", "case.person.lookup"), counted together (lookups.c). */
SJ_MUST_USE sj_err audit_flags_lookups(db_conn *c, int64_t since_ms, int64_t threshold, json_t **out);

#endif
