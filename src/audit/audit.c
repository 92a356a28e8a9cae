/* audit.c — entries, the chain arithmetic, appending (chained, pending or
 * queued) and one sequencing pass (the key and signatures: key.c; reading:
 * query.c). See audit.h for the model and docs/internals/audit.md for the
 * design and its argument. */
#include "core/jdump.h"
#include "audit/audit_int.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/id.h"
#include "core/log.h"

#define AUD_PENDING_MAX 1024      /* pending entries chained by one pass */
#define AUD_ROWS_BIG    32        /* rows per batched INSERT / DELETE */
#define AUD_ROWS_MID    8
#define AUD_COLS        17        /* columns of audit_log */

const char aud_zero_head[AUDIT_HASH_HEX + 1] =
	"0000000000000000000000000000000000000000000000000000000000000000";

/* ---------- entries ---------- */

/* rec_from copies src[] (NULL: SQL NULL) into one block after the record. */
static aud_rec *rec_from(const char *const src[AF_N])
{
	size_t len[AF_N], total = sizeof(aud_rec);
	for (int i = 0; i < AF_N; i++) {
		len[i] = src[i] ? strlen(src[i]) + 1 : 0;
		if (len[i] > SIZE_MAX / 2 - total)
			return NULL;
		total += len[i];
	}
	aud_rec *r = malloc(total);
	if (!r)
		return NULL;
	memset(r, 0, sizeof *r);
	char *p = (char *)(r + 1);
	for (int i = 0; i < AF_N; i++) {
		if (!src[i])
			continue;
		memcpy(p, src[i], len[i]);
		r->f[i] = p;
		p += len[i];
	}
	return r;
}

aud_rec *aud_rec_new(const audit_entry *e)
{
	char *detail = e->detail ? jdump_dumps(e->detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	if (e->detail && !detail)
		return NULL;
	const char *src[AF_N] = {e->actor_id, e->badge, e->role, e->unit_code, e->action, e->object_type,
				 e->object_id, e->purpose, e->outcome, e->request_id, e->ip, detail};
	aud_rec *r = rec_from(src);
	free(detail);
	if (!r)
		return NULL;
	id_new(r->id);
	r->at = clock_now_ms();
	return r;
}

void aud_batch_push(audit_queue *b, aud_rec *r)
{
	r->next = NULL;
	if (b->last)
		b->last->next = r;
	else
		b->first = r;
	b->last = r;
	b->n++;
}

void audit_queue_free(audit_queue *b)
{
	if (!b)
		return;
	for (aud_rec *r = b->first, *nx; r; r = nx) {
		nx = r->next;
		free(r);
	}
	free(b);
}

/* ---------- the chain arithmetic ---------- */

char *aud_canonical(int64_t seq, const char *id, int64_t at, const char *const f[AF_N])
{
	/* one json_pack, so that a failed allocation fails the whole entry
	 * instead of hashing it without a member ("s?": null when NULL) */
	json_t *o = json_pack("{s:I,s:I,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?}", "seq",
			      (json_int_t)seq, "at", (json_int_t)at, "id", id, "actor_id", f[AF_ACTOR], "badge",
			      f[AF_BADGE], "role", f[AF_ROLE], "unit_code", f[AF_UNIT], "action", f[AF_ACTION],
			      "object_type", f[AF_OTYPE], "object_id", f[AF_OID], "purpose", f[AF_PURPOSE], "outcome",
			      f[AF_OUTCOME], "request_id", f[AF_REQID], "ip", f[AF_IP], "detail", f[AF_DETAIL]);
	if (!o)
		return NULL;
	char *s = jdump_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return s;
}

void aud_leaf(const char *canon, char out[AUDIT_HASH_HEX + 1])
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

sj_err aud_head(const char *prev_hex, const char *leaf_hex, char out[AUDIT_HASH_HEX + 1])
{
	unsigned char prev[32], leaf[32], h[32];
	size_t pl = 0, ll = 0;
	if (sodium_hex2bin(prev, sizeof prev, prev_hex, strlen(prev_hex), NULL, &pl, NULL) != 0 ||
	    sodium_hex2bin(leaf, sizeof leaf, leaf_hex, strlen(leaf_hex), NULL, &ll, NULL) != 0 ||
	    pl != sizeof prev || ll != sizeof leaf)
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

static void signed_head_make(audit_signed_head *h, int64_t seq, const char *head, const char *kind)
{
	memset(h, 0, sizeof *h);
	h->seq = seq;
	h->at = clock_now_ms();
	snprintf(h->kind, sizeof h->kind, "%s", kind);
	snprintf(h->head, sizeof h->head, "%s", head);
	aud_sign(h);
}

static const char sql_insert_checkpoint[] =
	"INSERT INTO audit_checkpoints (seq, head, at, key_id, signature, kind) VALUES (?, ?, ?, ?, ?, ?)";

static sj_err checkpoint_insert(db_conn *c, const audit_signed_head *h)
{
	return db_run(c, sql_insert_checkpoint, "itittt", h->seq, h->head, h->at, h->key_id, h->sig, h->kind);
}

/* publish tells the world outside the database about signed heads: the
 * heads file, and the server's JSON log (journald, under systemd). */
static void publish(const audit_signed_head *h, size_t n, bool create)
{
	if (n == 0)
		return;
	sj_err e = aud_heads_append(h, n, create);
	if (e)
		log_msg(LOG_ERROR, "audit: cannot append signed heads to the heads file",
			json_pack("{s:s,s:s}", "file", audit_heads_path(), "error", sj_err_name(e)));
	/* the server's log only: a CLI's output stays what its callers read */
	for (size_t i = 0; i < n && aud_committer_running(); i++)
		log_msg(LOG_INFO, "audit head signed",
			json_pack("{s:I,s:I,s:s,s:s,s:s,s:s}", "seq", (json_int_t)h[i].seq, "at", (json_int_t)h[i].at,
				  "kind", h[i].kind, "head", h[i].head, "key_id", h[i].key_id, "sig", h[i].sig));
}

/* ---------- the work tied to one transaction ---------- */

typedef struct aud_tx {
	audit_queue *reads;          /* entries a read queued */
	audit_signed_head *heads;    /* signed in this transaction: published after commit */
	size_t nheads, aheads;
	bool pending;                /* pending entries inserted: nudge the committer */
	bool chained;                /* entries chained in this transaction */
	int64_t last_seq, signed_seq;
	char last_head[AUDIT_HASH_HEX + 1];
} aud_tx;

static void tx_free(void *arg)
{
	aud_tx *t = arg;
	if (!t)
		return;
	audit_queue_free(t->reads);
	free(t->heads);
	free(t);
}

static sj_err tx_add_head(aud_tx *t, const audit_signed_head *h)
{
	if (t->nheads == t->aheads) {
		size_t na = t->aheads ? t->aheads * 2 : 2;
		audit_signed_head *nh = realloc(t->heads, na * sizeof *nh);
		if (!nh)
			return SJ_ENOMEM;
		t->heads = nh;
		t->aheads = na;
	}
	t->heads[t->nheads++] = *h;
	t->signed_seq = h->seq;
	return SJ_OK;
}

/* before commit, without a committer: the unit of work signs its head, so
 * the head is signed at rest whatever runs next (or nothing). */
static sj_err tx_before_commit(db_conn *c, void *arg)
{
	aud_tx *t = arg;
	if (!t->chained || aud_committer_running() || t->signed_seq == t->last_seq)
		return SJ_OK;
	audit_signed_head h;
	signed_head_make(&h, t->last_seq, t->last_head, "unit");
	sj_err e = checkpoint_insert(c, &h);
	return e ? e : tx_add_head(t, &h);
}

static sj_err flush_on(db_conn *c, audit_queue *b);

static void tx_committed(db_conn *c, void *arg)
{
	aud_tx *t = arg;
	publish(t->heads, t->nheads, false);
	if (t->pending)
		aud_committer_nudge();
	if (t->reads) {
		/* a read committed without audit_take: make its entries durable
		 * now, before the caller can show what it read */
		audit_queue *b = t->reads;
		t->reads = NULL;
		sj_err e = flush_on(c, b);
		if (e)
			log_msg(LOG_ERROR, "audit: queued read entries could not be written",
				json_pack("{s:s}", "error", sj_err_name(e)));
	}
	tx_free(t);
}

static const db_tx_hook aud_hook = {
	.before_commit = tx_before_commit,
	.committed = tx_committed,
	.dropped = tx_free,
};

static sj_err tx_of(db_conn *c, aud_tx **out)
{
	aud_tx *t = db_tx_hook_get(c, &aud_hook);
	if (!t) {
		t = calloc(1, sizeof *t);
		if (!t)
			return SJ_ENOMEM;
		sj_err e = db_tx_hook_set(c, &aud_hook, t);
		if (e) {
			free(t);
			return e;
		}
	}
	*out = t;
	return SJ_OK;
}

/* ---------- appending ---------- */

static const char sql_bump_head[] =
	"UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, head";
static const char sql_set_head[] = "UPDATE audit_head SET head = ? WHERE id = 1";
static const char sql_insert_entry[] =
	"INSERT INTO audit_log (seq, id, at, actor_id, badge, role, unit_code, action, object_type,"
	" object_id, purpose, outcome, request_id, ip, detail, leaf, head)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char sql_insert_pending[] =
	"INSERT INTO audit_pending (id, at, actor_id, badge, role, unit_code, action, object_type,"
	" object_id, purpose, outcome, request_id, ip, detail)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

static sj_err bind_rec(db_stmt *s, int *i, const aud_rec *r)
{
	sj_err e = db_bind_text(s, (*i)++, r->id);
	e = e ? e : db_bind_int(s, (*i)++, r->at);
	for (int k = 0; k < AF_N && !e; k++)
		e = db_bind_text(s, (*i)++, r->f[k]);
	return e;
}

static sj_err step_done(db_stmt *s)
{
	bool row = true;
	sj_err e = SJ_OK;
	while (!e && row)
		e = db_step(s, &row);
	return e;
}

/* chain_inline chains r on c inside the caller's write transaction: the
 * head row's UPDATE ... RETURNING takes the number and the lock. */
static sj_err chain_inline(db_conn *c, aud_tx *t, const aud_rec *r, int64_t *seq_out)
{
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
	if ((err = step_done(s)))
		return err;
	char *canon = aud_canonical(seq, r->id, r->at, r->f);
	if (!canon)
		return SJ_ENOMEM;
	char leaf[AUDIT_HASH_HEX + 1], head[AUDIT_HASH_HEX + 1];
	aud_leaf(canon, leaf);
	free(canon);
	err = aud_head(prev, leaf, head);
	if (!err)
		err = db_prepare(c, sql_insert_entry, &s);
	if (!err) {
		int i = 1;
		err = db_bind_int(s, i++, seq);
		err = err ? err : bind_rec(s, &i, r);
		err = err ? err : db_bind_text(s, i++, leaf);
		err = err ? err : db_bind_text(s, i++, head);
		err = err ? err : step_done(s);
	}
	if (!err)
		err = db_run(c, sql_set_head, "t", head);
	if (!err && seq % AUDIT_CHECKPOINT_EVERY == 0) {
		audit_signed_head h;
		signed_head_make(&h, seq, head, "count");
		err = checkpoint_insert(c, &h);
		err = err ? err : tx_add_head(t, &h);
	}
	if (!err) {
		t->chained = true;
		t->last_seq = seq;
		memcpy(t->last_head, head, sizeof head);
		if (seq_out)
			*seq_out = seq;
	}
	return err;
}

sj_err audit_append(db_conn *c, const audit_entry *e, int64_t *seq_out)
{
	if (seq_out)
		*seq_out = 0;
	if (!db_in_tx(c) || !e->action || !e->outcome)
		return SJ_EINTERNAL;
	if (!audit_key_loaded())
		return SJ_ECRYPTO;
	aud_tx *t;
	sj_err err = tx_of(c, &t);
	if (err)
		return err;
	aud_rec *r = aud_rec_new(e);
	if (!r)
		return SJ_ENOMEM;
	if (db_tx_mode(c) != DB_WRITE) {
		/* a read writes nothing: the entry waits for audit_flush */
		if (!t->reads && !(t->reads = calloc(1, sizeof *t->reads))) {
			free(r);
			return SJ_ENOMEM;
		}
		aud_batch_push(t->reads, r);
		return SJ_OK;
	}
	if (db_conn_kind(c) == DB_PG && aud_committer_running()) {
		/* committed with the record, chained by the committer: writers
		 * share no lock (the chain head's row lock is the committer's) */
		db_stmt *s;
		err = db_prepare(c, sql_insert_pending, &s);
		if (!err) {
			int i = 1;
			err = bind_rec(s, &i, r);
			err = err ? err : step_done(s);
		}
		if (!err)
			t->pending = true;
	} else {
		err = chain_inline(c, t, r, seq_out);
	}
	free(r);
	return err;
}

audit_queue *audit_take(db_conn *c)
{
	aud_tx *t = db_tx_hook_get(c, &aud_hook);
	if (!t || !t->reads)
		return NULL;
	audit_queue *b = t->reads;
	t->reads = NULL;
	return b;
}

/* flush_on makes b durable: through the committer when it runs, else by a
 * pass of its own on c (outside any transaction). Frees b. */
static sj_err flush_on(db_conn *c, audit_queue *b)
{
	sj_err e;
	if (aud_committer_running()) {
		e = aud_committer_wait(b); /* durable when it returns */
	} else {
		aud_pass p = {.recs = b->first, .force = "unit"};
		e = aud_pass_run(c, &p);
	}
	audit_queue_free(b);
	return e;
}

bool audit_flush_async(audit_queue *b, audit_durable_fn fn, void *arg)
{
	return b && b->n && aud_committer_submit(b, fn, arg);
}

sj_err audit_flush(db *d, audit_queue *b)
{
	if (!b)
		return SJ_OK;
	if (b->n == 0) {
		audit_queue_free(b);
		return SJ_OK;
	}
	if (aud_committer_running()) {
		sj_err e = aud_committer_wait(b); /* durable when it returns */
		audit_queue_free(b);
		return e;
	}
	db_conn *c;
	sj_err e = db_acquire(d, &c);
	if (e) {
		audit_queue_free(b);
		return e;
	}
	e = flush_on(c, b);
	db_release(d, c);
	return e;
}

sj_err audit_record(db *d, const audit_entry *e)
{
	if (!e->action || !e->outcome)
		return SJ_EINTERNAL;
	if (!audit_key_loaded())
		return SJ_ECRYPTO;
	audit_queue *b = calloc(1, sizeof *b);
	aud_rec *r = aud_rec_new(e);
	if (!b || !r) {
		free(b);
		free(r);
		return SJ_ENOMEM;
	}
	aud_batch_push(b, r);
	return audit_flush(d, b);
}

/* ---------- one sequencing pass ---------- */

/* the head row's lock, the head, and the newest signed number: one round trip */
static const char sql_lock_head[] =
	"UPDATE audit_head SET seq = seq WHERE id = 1"
	" RETURNING seq, head, COALESCE((SELECT MAX(seq) FROM audit_checkpoints), 0)";
static const char sql_entry_at[] = "SELECT at FROM audit_log WHERE seq = ?";
static const char sql_set_head_seq[] = "UPDATE audit_head SET seq = ?, head = ? WHERE id = 1";
static const char sql_pending[] =
	"SELECT id, at, actor_id, badge, role, unit_code, action, object_type, object_id, purpose, outcome,"
	" request_id, ip, detail FROM audit_pending ORDER BY at, id LIMIT ?";

/* Batched statements: SQL built once (stable addresses for the statement
 * cache), for AUD_ROWS_BIG and AUD_ROWS_MID rows; single rows use the
 * one-row statements above. */
static char sql_ins_big[64 + AUD_ROWS_BIG * (AUD_COLS * 3 + 4) + 256];
static char sql_ins_mid[64 + AUD_ROWS_MID * (AUD_COLS * 3 + 4) + 256];
static char sql_del_big[64 + AUD_ROWS_BIG * 3];
static char sql_del_mid[64 + AUD_ROWS_MID * 3];
static const char sql_del_one[] = "DELETE FROM audit_pending WHERE id IN (?)";
static pthread_once_t sql_once = PTHREAD_ONCE_INIT;

static void build_ins(char *out, size_t outsz, int rows)
{
	size_t o = (size_t)snprintf(out, outsz,
				    "INSERT INTO audit_log (seq, id, at, actor_id, badge, role, unit_code, action,"
				    " object_type, object_id, purpose, outcome, request_id, ip, detail, leaf, head) VALUES ");
	for (int r = 0; r < rows; r++) {
		o += (size_t)snprintf(out + o, outsz - o, "%s(", r ? "," : "");
		for (int k = 0; k < AUD_COLS; k++)
			o += (size_t)snprintf(out + o, outsz - o, "%s?", k ? "," : "");
		o += (size_t)snprintf(out + o, outsz - o, ")");
	}
	if (o >= outsz)
		abort(); /* sized above: impossible */
}

static void build_del(char *out, size_t outsz, int rows)
{
	size_t o = (size_t)snprintf(out, outsz, "DELETE FROM audit_pending WHERE id IN (");
	for (int r = 0; r < rows; r++)
		o += (size_t)snprintf(out + o, outsz - o, "%s?", r ? "," : "");
	o += (size_t)snprintf(out + o, outsz - o, ")");
	if (o >= outsz)
		abort();
}

static void build_sql(void)
{
	build_ins(sql_ins_big, sizeof sql_ins_big, AUD_ROWS_BIG);
	build_ins(sql_ins_mid, sizeof sql_ins_mid, AUD_ROWS_MID);
	build_del(sql_del_big, sizeof sql_del_big, AUD_ROWS_BIG);
	build_del(sql_del_mid, sizeof sql_del_mid, AUD_ROWS_MID);
}

typedef struct chained {
	const aud_rec *r;
	int64_t seq;
	char leaf[AUDIT_HASH_HEX + 1];
	char head[AUDIT_HASH_HEX + 1];
} chained;

static sj_err insert_rows(db_conn *c, const chained *ch, size_t n)
{
	size_t i = 0;
	sj_err e = SJ_OK;
	while (i < n && !e) {
		size_t k = n - i >= AUD_ROWS_BIG ? AUD_ROWS_BIG : n - i >= AUD_ROWS_MID ? AUD_ROWS_MID : 1;
		const char *sql = k == AUD_ROWS_BIG ? sql_ins_big : k == AUD_ROWS_MID ? sql_ins_mid : sql_insert_entry;
		db_stmt *s;
		e = db_prepare(c, sql, &s);
		int p = 1;
		for (size_t j = 0; j < k && !e; j++) {
			const chained *x = &ch[i + j];
			e = db_bind_int(s, p++, x->seq);
			e = e ? e : bind_rec(s, &p, x->r);
			e = e ? e : db_bind_text(s, p++, x->leaf);
			e = e ? e : db_bind_text(s, p++, x->head);
		}
		e = e ? e : step_done(s);
		i += k;
	}
	return e;
}

static sj_err delete_pending(db_conn *c, aud_rec *list)
{
	sj_err e = SJ_OK;
	aud_rec *r = list;
	while (r && !e) {
		size_t avail = 0;
		for (aud_rec *q = r; q && avail < AUD_ROWS_BIG; q = q->next)
			avail++;
		size_t k = avail >= AUD_ROWS_BIG ? AUD_ROWS_BIG : avail >= AUD_ROWS_MID ? AUD_ROWS_MID : 1;
		const char *sql = k == AUD_ROWS_BIG ? sql_del_big : k == AUD_ROWS_MID ? sql_del_mid : sql_del_one;
		db_stmt *s;
		e = db_prepare(c, sql, &s);
		for (size_t j = 0; j < k && !e; j++, r = r->next)
			e = db_bind_text(s, (int)j + 1, r->id);
		e = e ? e : step_done(s);
	}
	return e;
}

/* read_pending copies up to AUD_PENDING_MAX pending entries, oldest first. */
static sj_err read_pending(db_conn *c, aud_rec **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	db_stmt *s;
	bool row;
	sj_err e = db_prepare(c, sql_pending, &s);
	e = e ? e : db_bind_int(s, 1, AUD_PENDING_MAX);
	aud_rec *last = NULL;
	while (!e && !(e = db_step(s, &row)) && row) {
		/* the stored detail is canonical already: its bytes are kept */
		const char *src[AF_N];
		for (int k = 0; k < AF_N; k++)
			src[k] = db_col_text(s, 2 + k);
		const char *id = db_col_text(s, 0);
		aud_rec *r = id && strlen(id) <= ID_LEN ? rec_from(src) : NULL;
		if (!r) {
			e = id && strlen(id) <= ID_LEN ? SJ_ENOMEM : SJ_EDB;
			break;
		}
		snprintf(r->id, sizeof r->id, "%s", id);
		r->at = db_col_int(s, 1);
		r->next = NULL;
		if (last)
			last->next = r;
		else
			*out = r;
		last = r;
		(*n)++;
	}
	if (e) {
		for (aud_rec *r = *out, *nx; r; r = nx) {
			nx = r->next;
			free(r);
		}
		*out = NULL;
		*n = 0;
	}
	return e;
}

sj_err aud_pass_run(db_conn *c, aud_pass *p)
{
	pthread_once(&sql_once, build_sql);
	p->chained = p->npending = p->nsigned = 0;
	p->due_ms = 0;
	if (!audit_key_loaded())
		return SJ_ECRYPTO;
	size_t nreads = 0;
	for (aud_rec *r = p->recs; r; r = r->next)
		nreads++;
	aud_rec *pend = NULL;
	size_t npend = 0;
	chained *ch = NULL;
	audit_signed_head *heads = NULL;
	size_t nheads = 0;
	db_stmt *s;
	bool row;
	sj_err e = db_begin(c, DB_WRITE);
	if (e)
		return e;
	/* the head row's lock: one chainer at a time, across processes */
	e = db_prepare(c, sql_lock_head, &s);
	e = e ? e : db_step(s, &row);
	if (!e && !row)
		e = SJ_EINTERNAL;
	int64_t seq = 0, signed_seq = 0;
	char head[AUDIT_HASH_HEX + 1] = "";
	if (!e) {
		seq = db_col_int(s, 0);
		snprintf(head, sizeof head, "%s", db_col_text(s, 1) ? db_col_text(s, 1) : "");
		signed_seq = db_col_int(s, 2);
		e = step_done(s);
	}
	if (!e && p->take_pending)
		e = read_pending(c, &pend, &npend);
	size_t n = npend + nreads;
	if (!e && n) {
		ch = calloc(n, sizeof *ch);
		if (!ch)
			e = SJ_ENOMEM;
	}
	/* at most one count checkpoint per AUDIT_CHECKPOINT_EVERY entries, plus
	 * the seal */
	size_t maxheads = n / AUDIT_CHECKPOINT_EVERY + 2;
	if (!e && !(heads = calloc(maxheads, sizeof *heads)))
		e = SJ_ENOMEM;
	/* the order: pending (older, by at and id), then queued reads */
	size_t i = 0;
	for (aud_rec *r = pend; r && !e; r = r->next)
		ch[i++].r = r;
	for (aud_rec *r = p->recs; r && !e; r = r->next)
		ch[i++].r = r;
	for (i = 0; i < n && !e; i++) {
		chained *x = &ch[i];
		x->seq = ++seq;
		char *canon = aud_canonical(x->seq, x->r->id, x->r->at, x->r->f);
		if (!canon) {
			e = SJ_ENOMEM;
			break;
		}
		aud_leaf(canon, x->leaf);
		free(canon);
		e = aud_head(head, x->leaf, x->head);
		if (e)
			break;
		memcpy(head, x->head, sizeof head);
		if (x->seq % AUDIT_CHECKPOINT_EVERY == 0)
			signed_head_make(&heads[nheads++], x->seq, x->head, "count");
	}
	if (!e && n)
		e = insert_rows(c, ch, n);
	if (!e && npend)
		e = delete_pending(c, pend);
	int64_t last_signed = nheads ? heads[nheads - 1].seq : signed_seq;
	if (!e && seq > last_signed) {
		const char *kind = p->force;
		int64_t first_at = 0;
		int64_t first = last_signed + 1;
		if (n && first >= ch[0].seq) {
			first_at = ch[first - ch[0].seq].r->at;
		} else if (p->memo && p->memo->seq == first) {
			first_at = p->memo->at; /* read by an earlier pass of this caller */
		} else {
			e = db_prepare(c, sql_entry_at, &s);
			e = e ? e : db_bind_int(s, 1, first);
			e = e ? e : db_step(s, &row);
			if (!e && row)
				first_at = db_col_int(s, 0);
			e = e ? e : step_done(s);
		}
		if (!kind && p->jumped && p->jumped())
			kind = "clock";
		int64_t now = clock_now_ms();
		if (!kind && now - first_at >= AUDIT_SEAL_MS)
			kind = "time";
		if (kind)
			signed_head_make(&heads[nheads++], seq, head, kind);
		else
			p->due_ms = first_at + AUDIT_SEAL_MS;
		if (!e && !kind && p->memo) {
			p->memo->seq = first;
			p->memo->at = first_at;
		}
	}
	if (!e && n)
		e = db_run(c, sql_set_head_seq, "it", seq, head);
	for (size_t k = 0; k < nheads && !e; k++)
		e = checkpoint_insert(c, &heads[k]);
	/* durable when it returns; or, lazy, once db_sync returns: the
	 * committer's readers share that flush while it chains the next batch */
	e = e ? e : p->lazy ? db_commit_lazy(c) : db_commit(c);
	if (!e && p->lazy && nheads)
		e = db_sync(db_conn_owner(c)); /* a signed head leaves the database only once durable */
	if (e) {
		db_rollback(c);
		if (p->memo)
			p->memo->seq = 0;
	} else {
		publish(heads, nheads, p->create_heads);
		if (p->memo)
			p->memo->more_pending = npend == AUD_PENDING_MAX;
		p->chained = n;
		p->npending = npend;
		p->nsigned = nheads;
	}
	for (aud_rec *r = pend, *nx; r; r = nx) {
		nx = r->next;
		free(r);
	}
	free(ch);
	free(heads);
	return e;
}
