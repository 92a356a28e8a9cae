/* idem.h — idempotency keys: a write retried with the same key is answered
 * with the first result, and never carried out twice.
 *
 * A client sends `Idempotency-Key: <token>` on a POST/PUT/PATCH/DELETE; the
 * result of the write (status and body, the exact bytes sent) is stored under
 * (user, key) in the SAME transaction as the write (idem_store, before
 * COMMIT), with a fingerprint of the request (method, path, query, body).
 * A retry — after a COMMIT cut by a failover, a lost answer, a double click —
 * finds it (idem_lookup) and gets the stored result back; the same key with
 * another request is refused. Entries expire after the database setting
 * IDEM_TTL_SETTING (hours). Nothing outside this module reads or writes the
 * `idempotency_keys` table (migration 0140).
 *
 * Usage, inside the write's transaction on c, once the result is known:
 *     e = idem_store(c, user_id, key, fp, status, body, len, action, object_id, request_id);
 *     // SJ_ECONFLICT: a concurrent request with this key committed first:
 *     // roll back, idem_lookup on a new transaction, answer its result.
 * See docs/internals/idem.md.
 */
#ifndef SJ_IDEM_H
#define SJ_IDEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/err.h"
#include "db/db.h"

#define IDEM_KEY_MIN 8                 /* characters of a key */
#define IDEM_KEY_MAX 128
#define IDEM_FP_LEN 64                 /* hex of a BLAKE2b-256 fingerprint */
#define IDEM_BODY_MAX (1024 * 1024)    /* a result larger than this is not kept (SJ_ELIMIT) */
#define IDEM_TTL_SETTING "idempotency.ttl_hours"
#define IDEM_PURGE_BATCH 16            /* expired entries removed by each idem_store */

/* idem_key_valid: IDEM_KEY_MIN..IDEM_KEY_MAX characters from the URL-safe
 * set A-Z a-z 0-9 - _ . : ~ (a UUID, base64url, a ULID all fit). */
bool idem_key_valid(const char *key);

/* idem_fingerprint writes into out the hex BLAKE2b-256 of method, path,
 * query (the raw query string, may be NULL) and body (len bytes, may be
 * NULL when len is 0), each part length-prefixed so no two requests share
 * one. */
void idem_fingerprint(const char *method, const char *path, const char *query, const char *body, size_t len,
		      char out[IDEM_FP_LEN + 1]);

typedef enum {
	IDEM_NONE = 0,     /* no live entry for (user, key): carry the request out */
	IDEM_MATCH,        /* the same request was answered: replay *res */
	IDEM_MISMATCH,     /* the key was used for another request: refuse (422) */
} idem_found;

/* A stored result. Strings owned, freed by idem_result_free. */
typedef struct idem_result {
	int status;
	char *body;                        /* the exact bytes first sent (JSON text) */
	size_t len;
	char *action;                      /* the audit action of the first request, or NULL */
	char *object_id;                   /* its object, or NULL */
	char *request_id;                  /* the request that carried the write out */
} idem_result;

/* idem_lookup looks for the live (not expired at now_ms) entry of (user_id,
 * key) on c, inside or outside a transaction. *found says what it is; on
 * IDEM_MATCH *res holds the result (free it with idem_result_free); *res is
 * zeroed otherwise. */
SJ_MUST_USE sj_err idem_lookup(db_conn *c, const char *user_id, const char *key, const char *fp, int64_t now_ms,
				idem_found *found, idem_result *res);
/* idem_result_free frees res's strings (NULL-safe) and zeroes it. */
void idem_result_free(idem_result *res);

/* idem_store keeps the result of the request inside c's open write
 * transaction (it commits or rolls back with the write): body is len bytes
 * (at most IDEM_BODY_MAX, else SJ_ELIMIT and nothing kept); action,
 * object_id may be NULL. The entry lives IDEM_TTL_SETTING hours from now.
 * It first removes this key's expired entry and up to IDEM_PURGE_BATCH other
 * expired ones. SJ_ECONFLICT when a live entry for (user_id, key) exists (a
 * concurrent request committed first; on PostgreSQL this waits for that
 * request's transaction to end). */
SJ_MUST_USE sj_err idem_store(db_conn *c, const char *user_id, const char *key, const char *fp, int status,
			       const char *body, size_t len, const char *action, const char *object_id,
			       const char *request_id, int64_t now_ms);

#endif
