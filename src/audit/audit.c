/* audit.c — append, checkpoint, verify and query the audit chain. */
#include "core/jdump.h"
#include "audit/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/id.h"
#include "core/log.h"

static unsigned char audit_sk[crypto_sign_SECRETKEYBYTES];
static unsigned char audit_pk[crypto_sign_PUBLICKEYBYTES];
static char audit_key_id[17];
static bool audit_has_key;

bool audit_key_loaded(void) { return audit_has_key; }

static void key_from_seed(const unsigned char seed[crypto_sign_SEEDBYTES])
{
	crypto_sign_seed_keypair(audit_pk, audit_sk, seed);
	char hex[2 * crypto_sign_PUBLICKEYBYTES + 1];
	sodium_bin2hex(hex, sizeof hex, audit_pk, sizeof audit_pk);
	memcpy(audit_key_id, hex, 16);
	audit_key_id[16] = '\0';
	audit_has_key = true;
}

sj_err audit_key_load_or_create(const char *path, bool create)
{
	unsigned char seed[crypto_sign_SEEDBYTES];
	char hex[2 * crypto_sign_SEEDBYTES + 2];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT || !create)
			return SJ_EIO;
		randombytes_buf(seed, sizeof seed);
		sodium_bin2hex(hex, sizeof hex, seed, sizeof seed);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0)
			return SJ_EIO;
		size_t n = strlen(hex);
		hex[n] = '\n';
		bool ok = write(fd, hex, n + 1) == (ssize_t)(n + 1) && fsync(fd) == 0;
		close(fd);
		if (!ok)
			return SJ_EIO;
		key_from_seed(seed);
		sodium_memzero(seed, sizeof seed);
		sodium_memzero(hex, sizeof hex);
		return SJ_OK;
	}
	ssize_t n = read(fd, hex, sizeof hex - 1);
	close(fd);
	if (n < 2 * crypto_sign_SEEDBYTES)
		return SJ_ECRYPTO;
	hex[n] = '\0';
	size_t bin_len = 0;
	if (sodium_hex2bin(seed, sizeof seed, hex, (size_t)n, "\n\r ", &bin_len, NULL) != 0 ||
	    bin_len != sizeof seed)
		return SJ_ECRYPTO;
	key_from_seed(seed);
	sodium_memzero(seed, sizeof seed);
	sodium_memzero(hex, sizeof hex);
	return SJ_OK;
}

/* canonical builds the bytes that are hashed: sorted, compact JSON of every
 * column but leaf and head. */
static char *canonical(int64_t seq, const char *id, int64_t at, const char *actor_id,
		       const char *badge, const char *role, const char *unit_code, const char *action,
		       const char *object_type, const char *object_id, const char *purpose,
		       const char *outcome, const char *request_id, const char *ip, const char *detail)
{
	/* one json_pack, so that a failed allocation fails the whole entry
	 * instead of hashing it without a member ("s?": null when NULL) */
	json_t *o = json_pack("{s:I,s:I,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?}", "seq",
			      (json_int_t)seq, "at", (json_int_t)at, "id", id, "actor_id", actor_id, "badge", badge,
			      "role", role, "unit_code", unit_code, "action", action, "object_type", object_type,
			      "object_id", object_id, "purpose", purpose, "outcome", outcome, "request_id",
			      request_id, "ip", ip, "detail", detail);
	if (!o)
		return NULL;
	char *s = jdump_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return s;
}

static void hash_leaf(const char *canon, char out[AUDIT_HASH_HEX + 1])
{
	unsigned char h[32];
	crypto_generichash_state st;
	const unsigned char tag = 0x00;
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, &tag, 1);
	crypto_generichash_update(&st, (const unsigned char *)canon, strlen(canon));
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(out, AUDIT_HASH_HEX + 1, h, sizeof h);
}

static sj_err hash_head(const char *prev_hex, const char *leaf_hex, char out[AUDIT_HASH_HEX + 1])
{
	unsigned char prev[32], leaf[32], h[32];
	if (sodium_hex2bin(prev, sizeof prev, prev_hex, strlen(prev_hex), NULL, NULL, NULL) != 0 ||
	    sodium_hex2bin(leaf, sizeof leaf, leaf_hex, strlen(leaf_hex), NULL, NULL, NULL) != 0)
		return SJ_ECRYPTO;
	crypto_generichash_state st;
	const unsigned char tag = 0x01;
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, &tag, 1);
	crypto_generichash_update(&st, prev, sizeof prev);
	crypto_generichash_update(&st, leaf, sizeof leaf);
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(out, AUDIT_HASH_HEX + 1, h, sizeof h);
	return SJ_OK;
}

static void checkpoint_message(int64_t seq, const char *head, char *out, size_t outsz)
{
	snprintf(out, outsz, "sijill-audit-v1|%lld|%s", (long long)seq, head);
}

static const char sql_bump_head[] =
	"UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, head";
static const char sql_set_head[] = "UPDATE audit_head SET head = ? WHERE id = 1";
static const char sql_insert_entry[] =
	"INSERT INTO audit_log (seq, id, at, actor_id, badge, role, unit_code, action, object_type,"
	" object_id, purpose, outcome, request_id, ip, detail, leaf, head)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char sql_insert_checkpoint[] =
	"INSERT INTO audit_checkpoints (seq, head, at, key_id, signature) VALUES (?, ?, ?, ?, ?)";

sj_err audit_append(db_conn *c, const audit_entry *e, int64_t *seq_out)
{
	if (!db_in_tx(c) || !e->action || !e->outcome)
		return SJ_EINTERNAL;
	db_stmt *s;
	bool row;
	sj_err err = db_prepare(c, sql_bump_head, &s);
	if (!err)
		err = db_step(s, &row);
	if (err)
		return err;
	if (!row)
		return SJ_EINTERNAL; /* the head row is created by migration 1 */
	int64_t seq = db_col_int(s, 0);
	char prev[AUDIT_HASH_HEX + 1];
	snprintf(prev, sizeof prev, "%s", db_col_text(s, 1) ? db_col_text(s, 1) : "");
	bool more;
	if ((err = db_step(s, &more)))
		return err;

	char id[ID_LEN + 1];
	id_new(id);
	int64_t at = clock_now_ms();
	char *detail = e->detail ? jdump_dumps(e->detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char *canon = canonical(seq, id, at, e->actor_id, e->badge, e->role, e->unit_code, e->action,
				e->object_type, e->object_id, e->purpose, e->outcome, e->request_id,
				e->ip, detail);
	if (!canon || (e->detail && !detail)) {
		free(canon);
		free(detail);
		return SJ_ENOMEM;
	}
	char leaf[AUDIT_HASH_HEX + 1], head[AUDIT_HASH_HEX + 1];
	hash_leaf(canon, leaf);
	free(canon);
	err = hash_head(prev, leaf, head);
	if (!err)
		err = db_prepare(c, sql_insert_entry, &s);
	if (!err) {
		int i = 1;
		err = db_bind_int(s, i++, seq);
		err = err ? err : db_bind_text(s, i++, id);
		err = err ? err : db_bind_int(s, i++, at);
		err = err ? err : db_bind_text(s, i++, e->actor_id);
		err = err ? err : db_bind_text(s, i++, e->badge);
		err = err ? err : db_bind_text(s, i++, e->role);
		err = err ? err : db_bind_text(s, i++, e->unit_code);
		err = err ? err : db_bind_text(s, i++, e->action);
		err = err ? err : db_bind_text(s, i++, e->object_type);
		err = err ? err : db_bind_text(s, i++, e->object_id);
		err = err ? err : db_bind_text(s, i++, e->purpose);
		err = err ? err : db_bind_text(s, i++, e->outcome);
		err = err ? err : db_bind_text(s, i++, e->request_id);
		err = err ? err : db_bind_text(s, i++, e->ip);
		err = err ? err : db_bind_text(s, i++, detail);
		err = err ? err : db_bind_text(s, i++, leaf);
		err = err ? err : db_bind_text(s, i++, head);
		while (!err && (err = db_step(s, &row)) == SJ_OK && row)
			;
	}
	free(detail);
	if (!err)
		err = db_run(c, sql_set_head, "t", head);
	if (!err && seq % AUDIT_CHECKPOINT_EVERY == 0) {
		if (!audit_has_key)
			return SJ_ECRYPTO;
		char msg[128];
		unsigned char sig[crypto_sign_BYTES];
		char sighex[2 * crypto_sign_BYTES + 1];
		checkpoint_message(seq, head, msg, sizeof msg);
		crypto_sign_detached(sig, NULL, (const unsigned char *)msg, strlen(msg), audit_sk);
		sodium_bin2hex(sighex, sizeof sighex, sig, sizeof sig);
		err = db_run(c, sql_insert_checkpoint, "itit" "t", seq, head, at, audit_key_id, sighex);
	}
	if (!err && seq_out)
		*seq_out = seq;
	return err;
}

static const char sql_walk[] =
	"SELECT seq, id, at, actor_id, badge, role, unit_code, action, object_type, object_id,"
	" purpose, outcome, request_id, ip, detail, leaf, head FROM audit_log"
	" WHERE seq > ? ORDER BY seq LIMIT 5000";
static const char sql_count[] = "SELECT COUNT(*) FROM audit_log";
static const char sql_checkpoints[] =
	"SELECT seq, head, key_id, signature FROM audit_checkpoints ORDER BY seq";
static const char sql_head[] = "SELECT seq, head FROM audit_head WHERE id = 1";

static void fail(audit_report *r, int64_t seq, const char *why)
{
	if (!r->ok)
		return;
	r->ok = false;
	r->first_bad_seq = seq;
	snprintf(r->reason, sizeof r->reason, "%s", why);
}

/* A checkpoint list kept in memory during verify: (seq, head, sig ok). */
typedef struct cp {
	int64_t seq;
	char head[AUDIT_HASH_HEX + 1];
	bool sig_ok;
} cp;

sj_err audit_verify(db *d, audit_report *out, void (*progress)(int64_t, int64_t, void *), void *ctx)
{
	memset(out, 0, sizeof *out);
	out->ok = true;
	if (!audit_has_key)
		return SJ_ECRYPTO;
	db_conn *c;
	sj_err err = db_acquire(d, &c);
	if (err)
		return err;
	cp *cps = NULL;
	size_t ncp = 0, acp = 0;
	db_stmt *s;
	bool row;
	int64_t total = 0;
	/* one snapshot: on PostgreSQL a commit landing between the walk and the
	 * head would otherwise read as a truncated log */
	if ((err = db_begin(c, DB_SNAPSHOT)))
		goto out;
	if ((err = db_prepare(c, sql_count, &s)) || (err = db_step(s, &row)))
		goto out;
	total = row ? db_col_int(s, 0) : 0;
	if ((err = db_step(s, &row)))
		goto out;

	/* Checkpoints first: a bad signature means someone rewrote history. */
	if ((err = db_prepare(c, sql_checkpoints, &s)))
		goto out;
	while (!(err = db_step(s, &row)) && row) {
		if (ncp == acp) {
			size_t na = acp ? acp * 2 : 64;
			cp *n = realloc(cps, na * sizeof *n);
			if (!n) {
				err = SJ_ENOMEM;
				goto out;
			}
			cps = n;
			acp = na;
		}
		cp *k = &cps[ncp++];
		k->seq = db_col_int(s, 0);
		snprintf(k->head, sizeof k->head, "%s", db_col_text(s, 1) ? db_col_text(s, 1) : "");
		const char *sighex = db_col_text(s, 3);
		unsigned char sig[crypto_sign_BYTES];
		size_t sl = 0;
		char msg[128];
		checkpoint_message(k->seq, k->head, msg, sizeof msg);
		k->sig_ok = sighex && sodium_hex2bin(sig, sizeof sig, sighex, strlen(sighex), NULL, &sl, NULL) == 0 &&
			    sl == sizeof sig &&
			    crypto_sign_verify_detached(sig, (const unsigned char *)msg, strlen(msg), audit_pk) == 0;
	}
	if (err)
		goto out;
	out->checkpoints = (int64_t)ncp;

	char prev[AUDIT_HASH_HEX + 1];
	memset(prev, '0', AUDIT_HASH_HEX);
	prev[AUDIT_HASH_HEX] = '\0';
	int64_t expect = 1, last = 0;
	size_t ci = 0;
	for (;;) {
		if ((err = db_prepare(c, sql_walk, &s)) || (err = db_bind_int(s, 1, last)))
			goto out;
		int64_t got = 0;
		while (!(err = db_step(s, &row)) && row) {
			got++;
			int64_t seq = db_col_int(s, 0);
			if (seq != expect) {
				char why[160];
				snprintf(why, sizeof why, "entry %lld is missing (found %lld next)",
					 (long long)expect, (long long)seq);
				fail(out, expect, why);
			}
#define T(i) db_col_text(s, i)
			char *canon = canonical(seq, T(1), db_col_int(s, 2), T(3), T(4), T(5), T(6), T(7),
						T(8), T(9), T(10), T(11), T(12), T(13), T(14));
			if (!canon) {
				err = SJ_ENOMEM;
				goto out;
			}
			char leaf[AUDIT_HASH_HEX + 1], head[AUDIT_HASH_HEX + 1];
			hash_leaf(canon, leaf);
			free(canon);
			const char *sleaf = T(15) ? T(15) : "", *shead = T(16) ? T(16) : "";
#undef T
			if (strcmp(leaf, sleaf) != 0)
				fail(out, seq, "entry content does not match its hash (edited)");
			if (hash_head(prev, sleaf, head) != SJ_OK || strcmp(head, shead) != 0)
				fail(out, seq, "chain broken: head does not follow from the previous entry (removed, reordered or rewritten)");
			while (ci < ncp && cps[ci].seq < seq) {
				fail(out, cps[ci].seq, "a checkpoint names an entry that is missing");
				ci++;
			}
			if (ci < ncp && cps[ci].seq == seq) {
				if (!cps[ci].sig_ok)
					fail(out, seq, "checkpoint signature is invalid");
				else if (strcmp(cps[ci].head, shead) != 0)
					fail(out, seq, "signed checkpoint disagrees with the chain (history rewritten)");
				ci++;
			}
			snprintf(prev, sizeof prev, "%s", shead);
			expect = seq + 1;
			last = seq;
			out->entries++;
			if (progress && out->entries % 10000 == 0)
				progress(out->entries, total, ctx);
		}
		if (err)
			goto out;
		if (got == 0)
			break;
	}
	if (ci < ncp)
		fail(out, cps[ci].seq, "a checkpoint names an entry that is missing (log truncated)");
	if ((err = db_prepare(c, sql_head, &s)) || (err = db_step(s, &row)))
		goto out;
	if (!row) {
		fail(out, 0, "the chain head row is missing");
	} else {
		int64_t hseq = db_col_int(s, 0);
		const char *hh = db_col_text(s, 1);
		if (hseq != last)
			fail(out, last + 1, "the chain head counts entries that are missing (log truncated)");
		else if (!hh || strcmp(hh, prev) != 0)
			fail(out, last, "the chain head does not match the last entry");
		if ((err = db_step(s, &row)))
			goto out;
	}
	if (progress)
		progress(out->entries, total, ctx);
out:
	free(cps);
	db_rollback(c);
	db_release(d, c);
	return err;
}

static const char sql_query[] =
	"SELECT seq, id, at, actor_id, badge, role, unit_code, action, object_type, object_id,"
	" purpose, outcome, request_id, ip, detail FROM audit_log"
	" WHERE seq > ? AND at >= ? AND at <= ?"
	" AND (CAST(? AS TEXT) IS NULL OR badge = ?) AND (CAST(? AS TEXT) IS NULL OR action = ?)"
	" AND (CAST(? AS TEXT) IS NULL OR object_type = ?) AND (CAST(? AS TEXT) IS NULL OR object_id = ?)"
	" ORDER BY seq LIMIT ?";

sj_err audit_query(db_conn *c, const char *badge, const char *action, const char *object_type,
		   const char *object_id, int64_t from_ms, int64_t to_ms, int64_t after_seq, int limit,
		   json_t **out)
{
	*out = NULL;
	db_stmt *s;
	sj_err err = db_prepare(c, sql_query, &s);
	if (err)
		return err;
	int i = 1;
	err = db_bind_int(s, i++, after_seq);
	err = err ? err : db_bind_int(s, i++, from_ms);
	err = err ? err : db_bind_int(s, i++, to_ms);
	err = err ? err : db_bind_text(s, i++, badge);
	err = err ? err : db_bind_text(s, i++, badge);
	err = err ? err : db_bind_text(s, i++, action);
	err = err ? err : db_bind_text(s, i++, action);
	err = err ? err : db_bind_text(s, i++, object_type);
	err = err ? err : db_bind_text(s, i++, object_type);
	err = err ? err : db_bind_text(s, i++, object_id);
	err = err ? err : db_bind_text(s, i++, object_id);
	err = err ? err : db_bind_int(s, i++, limit);
	if (err)
		return err;
	json_t *arr = json_array();
	if (!arr)
		return SJ_ENOMEM;
	bool row;
	while (!(err = db_step(s, &row)) && row) {
		char at[32];
		clock_format_iso(db_col_int(s, 2), at);
		json_t *o = json_object();
		json_object_set_new(o, "seq", json_integer(db_col_int(s, 0)));
		json_object_set_new(o, "id", json_string(db_col_text(s, 1)));
		json_object_set_new(o, "at", json_string(at));
		static const char *names[] = {"actor_id", "badge", "role", "unit_code", "action",
					      "object_type", "object_id", "purpose", "outcome",
					      "request_id", "ip"};
		for (int k = 0; k < 11; k++) {
			const char *v = db_col_text(s, 3 + k);
			json_object_set_new(o, names[k], v ? json_string(v) : json_null());
		}
		const char *detail = db_col_text(s, 14);
		json_object_set_new(o, "detail", detail ? jdump_loads(detail, 0, NULL) : json_null());
		if (json_array_append_new(arr, o)) {
			err = SJ_ENOMEM;
			break;
		}
	}
	if (err) {
		json_decref(arr);
		return err;
	}
	*out = arr;
	return SJ_OK;
}
