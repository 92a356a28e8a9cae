/* audit_int.h — private to src/audit: what audit.c (entries, the chain, one
 * sequencing pass), heads.c (the heads file), committer.c (the thread) and
 * verify.c share. Nothing here is part of the module's interface. */
#ifndef SJ_AUDIT_INT_H
#define SJ_AUDIT_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "audit/audit.h"
#include "core/id.h"

/* The text columns of an entry, in table order after id and at. */
enum {
	AF_ACTOR, AF_BADGE, AF_ROLE, AF_UNIT, AF_ACTION, AF_OTYPE, AF_OID, AF_PURPOSE, AF_OUTCOME,
	AF_REQID, AF_IP, AF_DETAIL, AF_N
};

/* An entry waiting for its place in the chain: one allocation holding the
 * record and copies of its strings (f[i] NULL for SQL NULL). */
typedef struct aud_rec {
	struct aud_rec *next;
	char id[ID_LEN + 1];
	int64_t at;
	const char *f[AF_N];
} aud_rec;

/* A read's queued entries; also the committer's unit of waiting. */
struct audit_queue {
	aud_rec *first, *last;
	size_t n;
	struct audit_queue *next;  /* the committer's queue */
	sj_err result;             /* set by the committer before done */
	bool done;
	pthread_cond_t cv;         /* its waiter's own: no herd woken per batch */
	audit_durable_fn fn;       /* audit_flush_async: called instead of a waiter (no cv) */
	void *arg;
};

/* aud_rec_new copies e (detail dumped to canonical JSON) stamped now;
 * NULL when memory runs out. Freed with free(). */
aud_rec *aud_rec_new(const audit_entry *e);
void aud_batch_push(audit_queue *b, aud_rec *r);

/* --- the chain arithmetic (audit.c) --- */
/* aud_canonical: the hashed bytes of an entry (sorted compact JSON of every
 * column but leaf and head); malloc'd, NULL on allocation failure. */
char *aud_canonical(int64_t seq, const char *id, int64_t at, const char *const f[AF_N]);
void aud_leaf(const char *canon, char out[AUDIT_HASH_HEX + 1]);
SJ_MUST_USE sj_err aud_head(const char *prev_hex, const char *leaf_hex, char out[AUDIT_HASH_HEX + 1]);
/* aud_sign fills h->key_id and h->sig from h->seq, at, kind, head. */
void aud_sign(audit_signed_head *h);
/* aud_sig_ok checks h->sig: the v2 message when h->kind is set, else the v1
 * one of databases from before signed kinds ("sijill-audit-v1|seq|head"). */
bool aud_sig_ok(const audit_signed_head *h);
extern const char aud_zero_head[AUDIT_HASH_HEX + 1];

/* --- one sequencing pass (audit.c) --- */
/* What a caller of passes remembers from one to the next (the committer). */
typedef struct aud_memo {
	int64_t seq, at;           /* the oldest unsigned entry and its time (0: unknown) */
	bool more_pending;         /* the last pass left pending entries behind */
} aud_memo;

typedef struct aud_pass {
	aud_rec *recs;             /* queued reads to chain, in order (borrowed) */
	bool take_pending;         /* also chain the pending entries (PostgreSQL) */
	const char *force;         /* sign the head with this kind if unsigned, or NULL */
	bool create_heads;         /* the heads file may be created (adopt) */
	aud_memo *memo;            /* may be NULL */
	bool lazy;                 /* commit without the flush: the caller's
				    * waiters call db_sync (the committer) */
	/* jumped (may be NULL): true when the wall clock jumped since the
	 * caller last looked; asked just before the seal is decided, so a jump
	 * during the pass signs "clock" rather than "time" */
	bool (*jumped)(void);
	/* results */
	size_t chained;            /* entries chained */
	size_t npending;           /* of which pending */
	size_t nsigned;            /* heads signed */
	int64_t due_ms;            /* when the unsigned head falls due (0: signed) */
} aud_pass;
/* aud_pass_run runs one transaction on c (outside any): chains p->recs and
 * (take_pending) the pending entries, signs what the rules ask (every
 * AUDIT_CHECKPOINT_EVERY-th entry; the head when p->force, or when its
 * oldest unsigned entry is AUDIT_SEAL_MS old), commits — durably, unless
 * lazy: then it is durable once db_sync returns — and appends the signed
 * heads to the heads file once they are durable. On error nothing is written. */
SJ_MUST_USE sj_err aud_pass_run(db_conn *c, aud_pass *p);

/* --- the heads file (heads.c) --- */
/* aud_heads_append appends h[0..n) as lines and flushes the file; with
 * create the file is made when missing (otherwise a missing file is
 * SJ_ENOTFOUND: it was deleted, and only the committer's start adopts a new one). */
SJ_MUST_USE sj_err aud_heads_append(const audit_signed_head *h, size_t n, bool create);
/* aud_heads_set_path names the heads file beside the key at key_path. */
void aud_heads_set_path(const char *key_path);
/* aud_heads_exists: the heads file is there. */
bool aud_heads_exists(void);
/* aud_heads_format writes h as one line (with '\n') into out (>= 400 bytes). */
void aud_heads_format(const audit_signed_head *h, char *out, size_t outsz);
/* aud_heads_parse reads one line (without '\n'); false when it is not one. */
bool aud_heads_parse(const char *line, audit_signed_head *h);
/* aud_heads_read_all reads every line of the heads file: *out (malloc'd,
 * file order) and *n; *bad is the 1-based number of the first line that is
 * not a signed head (0: none). SJ_ENOTFOUND when the file is missing. */
SJ_MUST_USE sj_err aud_heads_read_all(audit_signed_head **out, size_t *n, size_t *bad);
/* aud_heads_read_tail reads the lines of the last `bytes` of the file. */
SJ_MUST_USE sj_err aud_heads_read_tail(size_t bytes, audit_signed_head **out, size_t *n);

/* --- the committer (committer.c) --- */
bool aud_committer_running(void);
/* aud_committer_nudge: pending entries were committed; chain them soon. */
void aud_committer_nudge(void);
/* aud_committer_wait queues b and returns once its entries are durable (or
 * the error that kept them out); the caller may be the one that chains them. */
SJ_MUST_USE sj_err aud_committer_wait(audit_queue *b);
/* aud_committer_submit queues b with no waiter for the committer thread:
 * fn(arg, result) is called once it is durable (or failed), then b is
 * freed. False (b untouched) when no committer runs. */
bool aud_committer_submit(audit_queue *b, audit_durable_fn fn, void *arg);
/* aud_stats_add records one pass (committer.c keeps the counters). */
void aud_stats_add(size_t chained, size_t nsigned);

#endif
