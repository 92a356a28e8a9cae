/* internal.h — helpers shared by the exchange's own files (not an
 * interface: other capabilities use exchange.h). */
#ifndef SJ_EXCHANGE_INTERNAL_H
#define SJ_EXCHANGE_INTERNAL_H

#include <jansson.h>
#include "core/err.h"
#include "db/db.h"
#include "exchange/exchange.h"
#include "org/units.h"

#define XCHG_COLS_MAX 96

/* xchg_sqlf formats a statement made from table and column names and
 * interns it: db_prepare caches statements by the address of their text, so
 * each distinct text is kept for the process's life (NULL: too long or the
 * pool is full). */
__attribute__((format(printf, 1, 2))) const char *xchg_sqlf(const char *fmt, ...);
/* xchg_columns reads the columns of table in c's database into cols (*n). */
SJ_MUST_USE sj_err xchg_columns(db_conn *c, const char *table, char cols[][64], int *n);

/* xchg_verify_request (central) checks a node's signed request {node,
 * payload, sig}: the node enrolled and active, Ed25519 over
 * "sijill-<what>-v1\n" || payload under its pinned key, the payload naming
 * it with an "at" within XCHG_PULL_SKEW_MS; *payload (new) and *hu (the
 * hosted unit) on success. Refusals as xchg_feed_serve's. */
SJ_MUST_USE sj_err xchg_verify_request(db_conn *c, json_t *body, const char *what, int64_t now, json_t **payload,
				       unit_info *hu, const char **why, char node_out[XCHG_NODE_ID_MAX + 1]);
/* xchg_signed_text returns {payload: text, sig} signed by this installation
 * over "sijill-<what>-v1\n" || text (new); xchg_signed_ok checks one under
 * pub. */
json_t *xchg_signed_text(const char *what, const char *text);
bool xchg_signed_ok(const char *what, const char *pub, const char *text, const char *sig);

/* xchg_central_refs loads the node's user map (node id → central id) into
 * payload's "_users" once per batch, for xchg_central_apply. */
SJ_MUST_USE sj_err xchg_central_refs(db_conn *c, const char *node, json_t *payload);
/* xchg_central_apply (central, apply.c) writes a node's row of table tbl
 * (its JSON text) into central's own table, ids of the node's units and
 * custody rules translated by code (refs: the batch's payload, with "units":
 * {id: code} and "rules": {id: "version|regime|from"}) and of the
 * node's users by badge (or the user kept as a shadow account that cannot
 * log in), inside a savepoint: on failure nothing of it is written and *why
 * names the reason (the row stays in xchg_rows, the caller quarantines it). */
SJ_MUST_USE sj_err xchg_central_apply(db_conn *c, const char *node, const char *tbl, const char *row,
				      json_t *refs, const char **why);

/* xchg_central_apply_set is xchg_central_apply for the n rows a batch
 * applies (tables tbls[i], texts[i], each (table, id) once: its newest
 * version), without a savepoint per row: all translated in order (whys[i]
 * set for a row that cannot be: not written, the caller quarantines it),
 * then written per table in xchg_tables[]'s order in multi-row statements,
 * the persons' name keys in one stream. A write that fails returns its
 * error (SJ_ECONFLICT, SJ_EDB, SJ_EINVAL) with the rows half written: the
 * caller rolls back to its savepoint and applies row by row
 * (xchg_central_apply), which names the row that does not fit. */
SJ_MUST_USE sj_err xchg_central_apply_set(db_conn *c, const char *node, size_t n, const char *const *tbls,
					  const char *const *texts, json_t *refs, const char **whys);

/* xchg_chain_continues (apply.c): the audit entry row (its columns as a JSON
 * object) is the next of a node's chain after (*seq, prev): its seq follows,
 * its leaf is the hash of its content, recomputed, and its head links it.
 * On success advances *seq and prev; else *why is "chain-broken" or
 * "audit-leaf-mismatch". */
bool xchg_chain_continues(json_t *row, int64_t *seq, char prev[65], const char **why);

#endif
