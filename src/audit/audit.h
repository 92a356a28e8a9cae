/* audit.h — the tamper-evident audit log (loi 09-08 art 23-24: who entered or
 * read which data, and when).
 *
 * Every entry is appended inside the caller's write transaction, so it commits
 * or vanishes with the change it records. Entries form a hash chain (DESIGN.md):
 *   leaf = BLAKE2b-256(0x00 || canonical entry)
 *   head = BLAKE2b-256(0x01 || previous head || leaf)
 * and every AUDIT_CHECKPOINT_EVERY entries the head is signed with an Ed25519
 * key kept in a file outside the database. audit_verify recomputes everything.
 */
#ifndef SJ_AUDIT_H
#define SJ_AUDIT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "core/err.h"
#include "db/db.h"

#define AUDIT_CHECKPOINT_EVERY 64
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
 * with mode 0600 when create is true and it does not exist. The key stays in
 * process memory for checkpoints. */
SJ_MUST_USE sj_err audit_key_load_or_create(const char *path, bool create);
/* audit_key_loaded returns true once a key is loaded. */
bool audit_key_loaded(void);

/* audit_append adds e to the chain. c must be inside a DB_WRITE transaction;
 * the entry commits with it. *seq_out (may be NULL) receives its number. */
SJ_MUST_USE sj_err audit_append(db_conn *c, const audit_entry *e, int64_t *seq_out);

typedef struct audit_report {
	bool ok;
	int64_t entries;
	int64_t checkpoints;
	int64_t first_bad_seq;    /* 0 when ok */
	char reason[160];
} audit_report;

/* audit_verify walks the whole chain and every checkpoint (signatures checked
 * with the loaded key's public half); the report says where it first breaks.
 * progress (may be NULL) is called every 10,000 entries. */
SJ_MUST_USE sj_err audit_verify(db *d, audit_report *out,
				void (*progress)(int64_t done, int64_t total, void *ctx), void *ctx);

/* audit_query lists entries matching the filters in q (members: actor, badge,
 * action, object_type, object_id, from, to (ms), after_seq, limit) as a new
 * JSON array (caller decrefs). c may be in a transaction. */
SJ_MUST_USE sj_err audit_query(db_conn *c, const char *actor_badge, const char *action,
			       const char *object_type, const char *object_id, int64_t from_ms,
			       int64_t to_ms, int64_t after_seq, int limit, json_t **out);

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
