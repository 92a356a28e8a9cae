/* committer.c — the group committer. The reads of a moment hand their queued
 * entries to one pass that chains them all (and, on PostgreSQL, every
 * pending write entry) in one transaction, one fsync for all, then wakes
 * each reader once its entry is durable. The pass is run by whichever reader
 * finds none running (leader and followers); one thread per process does
 * what no request asks for: sign the head when the rules ask (time, a clock
 * jump, the start and the stop of the process) and poll for work other
 * processes left (pending entries, an unsigned head). See
 * docs/internals/audit.md. */
#include "audit/audit_int.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/log.h"

#define CM_POLL_MS        200      /* look for others' work this often when idle */
#define CM_CLOCK_JUMP_MS  1000     /* wall clock moved this far against the monotonic one */
#define CM_TAIL_BYTES     65536    /* heads-file tail compared with the database at start */

static pthread_mutex_t cm_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cm_work;          /* the committer thread waits here (monotonic clock) */
static audit_queue *cm_first, *cm_last; /* batches waiting for a pass */
static bool cm_busy;                    /* a pass runs: its runner owns cm_conn */
static bool cm_nudged, cm_stopping, cm_exited;
static atomic_bool cm_running;
static pthread_t cm_thread;
static db *cm_db;
static db_conn *cm_conn;

static _Atomic uint64_t st_batches, st_entries, st_max, st_signed;
static int64_t cm_last_real, cm_last_mono; /* whoever holds cm_busy */
static aud_memo cm_memo;                   /* the same */
static atomic_bool cm_pending;             /* pending entries may wait (PostgreSQL) */

/* cm_jumped: the wall clock moved against the monotonic one since the last
 * look (an NTP step, a test clock): what came before is signed "clock", so
 * no entry seems to have waited hours (or minus hours) for its head. */
static bool cm_jumped(void)
{
	int64_t real = clock_now_ms(), mono = clock_monotonic_us() / 1000;
	int64_t drift = (real - cm_last_real) - (mono - cm_last_mono);
	cm_last_real = real;
	cm_last_mono = mono;
	return drift > CM_CLOCK_JUMP_MS || drift < -CM_CLOCK_JUMP_MS;
}

bool aud_committer_running(void) { return atomic_load(&cm_running); }

void aud_stats_add(size_t chained, size_t nsigned)
{
	if (chained) {
		atomic_fetch_add(&st_batches, 1);
		atomic_fetch_add(&st_entries, chained);
		uint64_t m = atomic_load(&st_max);
		while (chained > m && !atomic_compare_exchange_weak(&st_max, &m, chained))
			;
	}
	atomic_fetch_add(&st_signed, nsigned);
}

void audit_stats_get(audit_stats *out)
{
	out->batches = atomic_load(&st_batches);
	out->entries = atomic_load(&st_entries);
	out->max_batch = atomic_load(&st_max);
	out->signed_heads = atomic_load(&st_signed);
}

void aud_committer_nudge(void)
{
	atomic_store(&cm_pending, true);
	pthread_mutex_lock(&cm_lock);
	cm_nudged = true;
	pthread_cond_signal(&cm_work);
	pthread_mutex_unlock(&cm_lock);
}

/* run_pass chains recs (and pending entries) once, again after a busy
 * database once. The caller holds cm_busy. */
static sj_err run_pass(aud_rec *recs, const char *force, aud_pass *p)
{
	sj_err e = SJ_OK;
	/* pending entries are looked for when a write of this process made
	 * some, or the poll saw some (another process's): not by every read */
	bool pending = db_kind(cm_db) == DB_PG && (atomic_exchange(&cm_pending, false) || force);
	for (int attempt = 0; attempt < 2; attempt++) {
		memset(p, 0, sizeof *p);
		p->recs = recs;
		p->take_pending = pending;
		p->force = force;
		p->jumped = cm_jumped;
		p->memo = &cm_memo;
		/* SQLite: flushed by lead(), while the next pass runs. PostgreSQL:
		 * a synchronous COMMIT on this very connection — a flush through
		 * another connection could reach another server after a failover
		 * (a lazily committed pass lost there, its heads already in the
		 * file: bench/failover.sh's switchover caught it) */
		p->lazy = db_kind(cm_db) != DB_PG;
		e = aud_pass_run(cm_conn, p);
		if (e != SJ_EBUSY)
			break;
	}
	if (e && p->take_pending)
		atomic_store(&cm_pending, true); /* still there */
	if (!e && cm_memo.more_pending)
		atomic_store(&cm_pending, true);
	if (e)
		log_msg(LOG_ERROR, "audit: a batch could not be chained",
			json_pack("{s:s,s:s}", "error", sj_err_name(e), "detail", db_last_error(cm_conn)));
	else
		aud_stats_add(p->chained, p->nsigned);
	return e;
}

/* lead runs one pass for batches (the caller took them and cm_busy, and
 * holds no lock): it chains every entry of them in one transaction, hands
 * cm_busy to the next waiter — who chains the next batch while this one is
 * flushed — then flushes and wakes each waiter of its batches, once, with
 * its entries durable. Leader and followers, as in db.c's group_sync: no
 * thread hand-off on the way but the one wake-up of each waiter. */
static sj_err lead(audit_queue *batches, const char *force)
{
	aud_rec *recs = NULL, *tail = NULL;
	for (audit_queue *b = batches; b; b = b->next) {
		if (!b->first)
			continue;
		if (tail)
			tail->next = b->first;
		else
			recs = b->first;
		tail = b->last;
	}
	aud_pass p;
	sj_err e = run_pass(recs, force, &p);
	for (audit_queue *b = batches; b; b = b->next) /* each list its own again */
		if (b->last)
			b->last->next = NULL;
	pthread_mutex_lock(&cm_lock);
	cm_busy = false;
	/* the next leader: a waiting reader, or (batches with no waiter) the
	 * committer thread, which cm_work wakes */
	if (cm_first && !cm_first->fn)
		pthread_cond_signal(&cm_first->cv);
	pthread_cond_signal(&cm_work);
	pthread_mutex_unlock(&cm_lock);
	if (!e && batches && db_kind(cm_db) != DB_PG)
		e = db_sync(cm_db);
	audit_queue *reports = NULL;
	pthread_mutex_lock(&cm_lock);
	for (audit_queue *b = batches, *nx; b; b = nx) {
		nx = b->next; /* b is its waiter's once done */
		b->result = e;
		b->done = true;
		if (b->fn) {
			b->next = reports;
			reports = b;
		} else {
			pthread_cond_signal(&b->cv);
		}
	}
	pthread_mutex_unlock(&cm_lock);
	/* the batches without a waiter: reported outside the lock */
	for (audit_queue *b = reports, *nx; b; b = nx) {
		nx = b->next;
		b->fn(b->arg, e);
		audit_queue_free(b);
	}
	return e;
}

sj_err aud_committer_wait(audit_queue *b)
{
	pthread_mutex_lock(&cm_lock);
	if (cm_exited || !atomic_load(&cm_running)) {
		pthread_mutex_unlock(&cm_lock);
		return SJ_EBUSY; /* stopping: the caller answers 503 */
	}
	b->next = NULL;
	b->done = false;
	b->result = SJ_OK;
	pthread_cond_init(&b->cv, NULL);
	if (cm_last)
		cm_last->next = b;
	else
		cm_first = b;
	cm_last = b;
	/* No time limit: every pass ends (its statements fail rather than
	 * hang: the write turn and SQLite's busy timeout are bounded), and b
	 * must outlive its use there. */
	while (!b->done) {
		if (!cm_busy) {
			/* nobody chains: lead, with all that waits */
			cm_busy = true;
			audit_queue *batches = cm_first;
			cm_first = cm_last = NULL;
			pthread_mutex_unlock(&cm_lock);
			(void)lead(batches, NULL);
			pthread_mutex_lock(&cm_lock);
			continue;
		}
		pthread_cond_wait(&b->cv, &cm_lock);
	}
	sj_err e = b->result;
	pthread_mutex_unlock(&cm_lock);
	pthread_cond_destroy(&b->cv);
	return e;
}

bool aud_committer_submit(audit_queue *b, audit_durable_fn fn, void *arg)
{
	pthread_mutex_lock(&cm_lock);
	if (cm_exited || cm_stopping || !atomic_load(&cm_running)) {
		pthread_mutex_unlock(&cm_lock);
		return false; /* the caller flushes it the synchronous way */
	}
	b->next = NULL;
	b->done = false;
	b->result = SJ_OK;
	b->fn = fn;
	b->arg = arg;
	if (cm_last)
		cm_last->next = b;
	else
		cm_first = b;
	cm_last = b;
	/* The committer thread chains it (with all that waits), never the
	 * caller: a worker that led would hold its thread through the pass and
	 * its flush, which is what suspending the connection avoids — with one
	 * worker, every pass would hold one entry. */
	pthread_cond_signal(&cm_work);
	pthread_mutex_unlock(&cm_lock);
	return true;
}

static const char sql_poll[] =
	"SELECT h.seq, COALESCE((SELECT MAX(seq) FROM audit_checkpoints), 0),"
	" (SELECT COUNT(*) FROM (SELECT 1 FROM audit_pending LIMIT 1) p) FROM audit_head h WHERE h.id = 1";
static const char sql_entry_at[] = "SELECT at FROM audit_log WHERE seq = ?";

/* poll_due: is there work no nudge announced — pending entries of another
 * process, or an unsigned head (another process's, or the CLI's) that is due? */
static bool poll_due(db_conn *c)
{
	db_stmt *s;
	bool row = false;
	sj_err e = db_prepare(c, sql_poll, &s);
	e = e ? e : db_step(s, &row);
	if (e || !row)
		return false;
	int64_t head = db_col_int(s, 0), signed_seq = db_col_int(s, 1), pending = db_col_int(s, 2);
	bool more;
	if (db_step(s, &more))
		return false;
	if (pending > 0) {
		atomic_store(&cm_pending, true);
		return true;
	}
	if (head <= signed_seq)
		return false;
	int64_t at = 0;
	e = db_prepare(c, sql_entry_at, &s);
	e = e ? e : db_bind_int(s, 1, signed_seq + 1);
	e = e ? e : db_step(s, &row);
	if (!e && row)
		at = db_col_int(s, 0);
	if (!e)
		e = db_step(s, &more);
	return !e && clock_now_ms() - at >= AUDIT_SEAL_MS;
}

/* cm_main: the committer thread. Readers chain their own batches (lead);
 * this thread does what no request asks for: chain pending entries, sign
 * the head when it falls due or the clock jumps, and at the stop. */
static void *cm_main(void *arg)
{
	(void)arg;
	int64_t next_poll = clock_monotonic_us() / 1000 + CM_POLL_MS;
	pthread_mutex_lock(&cm_lock);
	for (;;) {
		/* batches with no waiter and no pass running are this thread's */
		while (!cm_nudged && !cm_stopping && !(cm_first && !cm_busy && cm_first->fn)) {
			int64_t now = clock_monotonic_us() / 1000;
			if (now >= next_poll)
				break;
			struct timespec ts;
			clock_gettime(CLOCK_MONOTONIC, &ts);
			int64_t wait = next_poll - now;
			ts.tv_sec += wait / 1000;
			ts.tv_nsec += (long)(wait % 1000) * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&cm_work, &cm_lock, &ts);
		}
		while (cm_busy)
			pthread_cond_wait(&cm_work, &cm_lock);
		cm_busy = true;
		audit_queue *batches = cm_first;
		cm_first = cm_last = NULL;
		bool nudged = cm_nudged, stopping = cm_stopping;
		cm_nudged = false;
		pthread_mutex_unlock(&cm_lock);

		int64_t mono = clock_monotonic_us() / 1000;
		const char *force = cm_jumped() ? "clock" : stopping ? "stop" : NULL;
		bool need = batches || nudged || force;
		if (mono >= next_poll) {
			next_poll = mono + CM_POLL_MS;
			need = need || poll_due(cm_conn);
		}
		if (need) {
			(void)lead(batches, force); /* gives cm_busy back */
		} else {
			pthread_mutex_lock(&cm_lock);
			cm_busy = false;
			if (cm_first && !cm_first->fn)
				pthread_cond_signal(&cm_first->cv);
			pthread_mutex_unlock(&cm_lock);
		}
		pthread_mutex_lock(&cm_lock);
		if (stopping && !cm_first && !cm_busy) {
			cm_exited = true;
			break;
		}
	}
	pthread_mutex_unlock(&cm_lock);
	return NULL;
}

static const char sql_head[] =
	"SELECT h.seq, h.head, COALESCE((SELECT MAX(seq) FROM audit_checkpoints), 0) FROM audit_head h WHERE h.id = 1";
static const char sql_cps_from[] =
	"SELECT seq, head, at, key_id, signature, kind FROM audit_checkpoints WHERE seq >= ? AND kind IS NOT NULL"
	" ORDER BY seq";

/* heads_adopt: the heads file is missing. A fresh chain gets its genesis;
 * otherwise the file starts again at the current head ("adopt": verify says
 * so, and fails when the database holds signed heads from before it). */
static sj_err heads_adopt(db_conn *c)
{
	db_stmt *s;
	bool row = false;
	sj_err e = db_prepare(c, sql_head, &s);
	e = e ? e : db_step(s, &row);
	if (!e && !row)
		e = SJ_EINTERNAL;
	if (e)
		return e;
	audit_signed_head h = {.seq = db_col_int(s, 0), .at = clock_now_ms()};
	snprintf(h.head, sizeof h.head, "%s", db_col_text(s, 1) ? db_col_text(s, 1) : "");
	int64_t signed_seq = db_col_int(s, 2);
	if ((e = db_step(s, &row)))
		return e;
	if (h.seq > 0 && signed_seq < h.seq) {
		/* sign the head in the database too, and start the file with it */
		aud_pass p = {.take_pending = false, .force = "adopt", .create_heads = true};
		return aud_pass_run(c, &p);
	}
	snprintf(h.kind, sizeof h.kind, "%s", h.seq == 0 ? "genesis" : "adopt");
	if (h.seq == 0)
		memcpy(h.head, aud_zero_head, sizeof h.head);
	aud_sign(&h);
	log_msg(LOG_WARN, "audit: the heads file was missing; a new one starts here",
		json_pack("{s:s,s:I}", "file", audit_heads_path(), "seq", (json_int_t)h.seq));
	return aud_heads_append(&h, 1, true);
}

/* heads_catch_up appends to the heads file the signed heads the database
 * holds and the file's tail lacks: those whose line a crash kept from it
 * (the line is written after the commit, never before). */
static sj_err heads_catch_up(db_conn *c)
{
	audit_signed_head *tail = NULL;
	size_t nt = 0;
	sj_err e = aud_heads_read_tail(CM_TAIL_BYTES, &tail, &nt);
	if (e)
		return e;
	int64_t from = 0;
	for (size_t i = 0; i < nt; i++)
		if (i == 0 || tail[i].seq < from)
			from = tail[i].seq;
	db_stmt *s;
	bool row;
	e = db_prepare(c, sql_cps_from, &s);
	e = e ? e : db_bind_int(s, 1, from);
	audit_signed_head *miss = NULL;
	size_t nm = 0, am = 0;
	while (!e && !(e = db_step(s, &row)) && row) {
		int64_t seq = db_col_int(s, 0);
		bool have = false;
		for (size_t i = 0; i < nt && !have; i++)
			have = tail[i].seq == seq;
		if (have)
			continue;
		if (nm == am) {
			size_t na = am ? am * 2 : 8;
			audit_signed_head *g = realloc(miss, na * sizeof *g);
			if (!g) {
				e = SJ_ENOMEM;
				break;
			}
			miss = g;
			am = na;
		}
		audit_signed_head *h = &miss[nm++];
		memset(h, 0, sizeof *h);
		h->seq = seq;
		h->at = db_col_int(s, 2);
		snprintf(h->head, sizeof h->head, "%s", db_col_text(s, 1) ? db_col_text(s, 1) : "");
		snprintf(h->key_id, sizeof h->key_id, "%s", db_col_text(s, 3) ? db_col_text(s, 3) : "");
		snprintf(h->sig, sizeof h->sig, "%s", db_col_text(s, 4) ? db_col_text(s, 4) : "");
		snprintf(h->kind, sizeof h->kind, "%s", db_col_text(s, 5) ? db_col_text(s, 5) : "");
	}
	if (!e && nm) {
		log_msg(LOG_WARN, "audit: signed heads a crash kept from the heads file are written now",
			json_pack("{s:I}", "count", (json_int_t)nm));
		e = aud_heads_append(miss, nm, false);
	}
	free(miss);
	free(tail);
	return e;
}

sj_err audit_committer_start(db *d)
{
	if (atomic_load(&cm_running))
		return SJ_EINTERNAL;
	if (!audit_key_loaded())
		return SJ_ECRYPTO;
	sj_err e = db_acquire(d, &cm_conn);
	if (e)
		return e;
	cm_db = d;
	cm_last_real = clock_now_ms();
	cm_last_mono = clock_monotonic_us() / 1000;
	if (!aud_heads_exists())
		e = heads_adopt(cm_conn);
	e = e ? e : heads_catch_up(cm_conn);
	/* what an unclean stop left: pending entries, an unsigned head */
	aud_pass p;
	e = e ? e : run_pass(NULL, "start", &p);
	if (e) {
		db_release(d, cm_conn);
		cm_conn = NULL;
		cm_db = NULL;
		return e;
	}
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&cm_work, &ca);
	pthread_condattr_destroy(&ca);
	cm_stopping = cm_exited = cm_nudged = cm_busy = false;
	atomic_store(&cm_running, true);
	if (pthread_create(&cm_thread, NULL, cm_main, NULL) != 0) {
		atomic_store(&cm_running, false);
		pthread_cond_destroy(&cm_work);
		db_release(d, cm_conn);
		cm_conn = NULL;
		return SJ_ENOMEM;
	}
	return SJ_OK;
}

void audit_committer_stop(void)
{
	if (!atomic_load(&cm_running))
		return;
	pthread_mutex_lock(&cm_lock);
	cm_stopping = true;
	pthread_cond_signal(&cm_work);
	pthread_mutex_unlock(&cm_lock);
	pthread_join(cm_thread, NULL);
	atomic_store(&cm_running, false);
	pthread_cond_destroy(&cm_work);
	db_release(cm_db, cm_conn);
	cm_conn = NULL;
	cm_db = NULL;
}
