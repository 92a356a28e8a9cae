/* verify.c — audit_verify: recompute the chain and check it against every
 * signed head, in the database and in the heads file, and against the rules
 * that make truncation and rewriting visible without trusting the database:
 *   1. every entry's leaf and head recompute; numbers run 1, 2, 3 ... ;
 *   2. every signed head (database or file) carries a valid signature and
 *      names the head the chain has at its number;
 *   3. every AUDIT_CHECKPOINT_EVERY-th entry is signed;
 *   4. no entry waits more than AUDIT_SEAL_MAX_MS for its signed head (but
 *      across a step of the wall clock, see seg, and for a head signed at a
 *      process start or where a heads file was adopted), and the entries
 *      after the last signed head are that young (the head at rest is signed);
 *   5. the heads file is there, starts with its genesis, and agrees with the
 *      database both ways (a young signed head may still be on its way);
 *   6. the chain-head row names the last entry; no pending entry is old.
 * A signed head the file holds past the end of the chain is how a cut is
 * named: "entries 6–762 are missing; the last signed head seen was 762 at
 * 21:14" (legal time, core/clock.h). */
#include "audit/audit_int.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"

#define V_PAGE 5000

typedef struct vhead {
	audit_signed_head h;
	bool sig_ok;
	bool legacy;        /* a v1 checkpoint: no kind, no time in its signature */
	bool in_other;      /* the file has it (for a database one), or the database (for a line) */
	size_t lineno;      /* file line (1-based), 0 for the database */
} vhead;

static void when(int64_t ms, char out[48])
{
	struct tm tm;
	bool legal = clock_legal_init() == SJ_OK;
	clock_legal_tm(ms, &tm);
	snprintf(out, 48, "%02d:%02d%s on %04d-%02d-%02d", tm.tm_hour, tm.tm_min, legal ? "" : " UTC",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* Findings come in kinds; the first V_PER_KIND of a kind are kept word for
 * word, the others counted (one edit early in a long chain breaks every
 * signed head after it: the list still has room for the cut at the end). */
enum { K_FILE, K_GAP, K_EDIT, K_BROKEN, K_SIG, K_DB_DIFF, K_FILE_DIFF, K_SKIPPED, K_COUNT, K_WAIT, K_CUT,
       K_HEADROW, K_REST, K_NOT_DB, K_NOT_FILE, K_PENDING, K_N };
#define V_PER_KIND 2
static const char *const kind_more[K_N] = {
	"lines of the heads file are wrong", "entries are missing", "entries were edited",
	"links of the chain are broken", "signatures are invalid", "entries differ from their signed heads in the "
	"database", "entries differ from their signed heads in the heads file", "signed heads name missing entries",
	"required signed heads are missing", "entries waited too long", "", "", "", "signed heads are missing from "
	"the database", "signed heads are missing from the heads file", ""};

typedef struct vstate {
	audit_report *r;
	int count[K_N];
} vstate;

static void add_finding(audit_report *r, int64_t seq, const char *msg)
{
	if (r->ok) {
		r->ok = false;
		r->first_bad_seq = seq;
		snprintf(r->reason, sizeof r->reason, "%s", msg);
	}
	if (r->nfindings < AUDIT_REPORT_FINDINGS)
		snprintf(r->findings[r->nfindings++], sizeof r->findings[0], "%s", msg);
}

static void fail(vstate *v, int kind, int64_t seq, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void fail(vstate *v, int kind, int64_t seq, const char *fmt, ...)
{
	if (v->count[kind]++ >= V_PER_KIND) {
		v->r->ok = false;
		return;
	}
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	add_finding(v->r, seq, msg);
}

static void fail_summary(vstate *v)
{
	for (int k = 0; k < K_N; k++)
		if (v->count[k] > V_PER_KIND) {
			char msg[256];
			snprintf(msg, sizeof msg, "and %d more: %s", v->count[k] - V_PER_KIND, kind_more[k]);
			add_finding(v->r, v->r->first_bad_seq, msg);
		}
}

static int by_seq(const void *a, const void *b)
{
	const vhead *x = a, *y = b;
	return x->h.seq < y->h.seq ? -1 : x->h.seq > y->h.seq ? 1 : (x->lineno > y->lineno) - (x->lineno < y->lineno);
}

static bool exempt_kind(const vhead *v)
{
	return v->legacy || strcmp(v->h.kind, "start") == 0 || strcmp(v->h.kind, "clock") == 0 ||
	       strcmp(v->h.kind, "adopt") == 0;
}

static void note_signed(audit_report *r, const vhead *v)
{
	if (v->sig_ok && v->h.seq >= r->last_signed_seq) {
		r->last_signed_seq = v->h.seq;
		r->last_signed_at = v->h.at;
	}
}

static const char sql_walk[] =
	"SELECT seq, id, at, actor_id, badge, role, unit_code, action, object_type, object_id,"
	" purpose, outcome, request_id, ip, detail, leaf, head FROM audit_log"
	" WHERE seq > ? ORDER BY seq LIMIT 5000";
static const char sql_count[] = "SELECT COUNT(*) FROM audit_log";
static const char sql_checkpoints[] =
	"SELECT seq, head, at, key_id, signature, kind FROM audit_checkpoints ORDER BY seq";
static const char sql_head[] = "SELECT seq, head FROM audit_head WHERE id = 1";
static const char sql_pending[] = "SELECT COUNT(*), MIN(at) FROM audit_pending";

/* load_file reads the heads file into *out, sorted by number; findings for
 * what is wrong with the file itself. */
static sj_err load_file(vstate *v, vhead **out, size_t *n, bool *missing, int64_t *adopt_seq)
{
	*out = NULL;
	*n = 0;
	*missing = false;
	*adopt_seq = -1;
	audit_signed_head *lines = NULL;
	size_t nl = 0, bad = 0;
	sj_err e = aud_heads_read_all(&lines, &nl, &bad);
	if (e == SJ_ENOTFOUND) {
		*missing = true;
		fail(v, K_FILE, 0, "the heads file %s is missing: the signed heads kept outside the database are gone "
			   "(it was deleted)",
		     audit_heads_path());
		return SJ_OK;
	}
	if (e)
		return e;
	if (bad)
		fail(v, K_FILE, 0, "line %zu of the heads file is not a signed head (edited, or cut short by a crash)", bad);
	vhead *vv = nl ? calloc(nl, sizeof *vv) : NULL;
	if (nl && !vv) {
		free(lines);
		return SJ_ENOMEM;
	}
	for (size_t i = 0; i < nl; i++) {
		vv[i].h = lines[i];
		vv[i].lineno = i + 1;
		vv[i].sig_ok = aud_sig_ok(&lines[i]);
		if (!vv[i].sig_ok)
			fail(v, K_SIG, lines[i].seq, "the heads file's signed head of entry %lld (line %zu) has an invalid "
					      "signature: the line was rewritten",
			     (long long)lines[i].seq, i + 1);
		if (*adopt_seq < 0 && strcmp(lines[i].kind, "adopt") == 0 && vv[i].sig_ok)
			*adopt_seq = lines[i].seq;
	}
	if (nl == 0 || strcmp(lines[0].kind, "genesis") != 0 || lines[0].seq != 0) {
		if (*adopt_seq < 0)
			fail(v, K_FILE, 0, "the heads file does not begin with its signed genesis: its first lines were removed");
	} else {
		*adopt_seq = -1; /* a genesis file: an adopt line later changes nothing */
	}
	free(lines);
	qsort(vv, nl, sizeof *vv, by_seq);
	*out = vv;
	*n = nl;
	return SJ_OK;
}

static sj_err load_db_heads(db_conn *c, vstate *vs, vhead **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	db_stmt *s;
	bool row;
	size_t cap = 0;
	sj_err e = db_prepare(c, sql_checkpoints, &s);
	while (!e && !(e = db_step(s, &row)) && row) {
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			vhead *g = realloc(*out, nc * sizeof *g);
			if (!g) {
				e = SJ_ENOMEM;
				break;
			}
			*out = g;
			cap = nc;
		}
		vhead *h = &(*out)[(*n)++];
		memset(h, 0, sizeof *h);
		h->h.seq = db_col_int(s, 0);
		h->h.at = db_col_int(s, 2);
#define T(i) (db_col_text(s, i) ? db_col_text(s, i) : "")
		snprintf(h->h.head, sizeof h->h.head, "%s", T(1));
		snprintf(h->h.key_id, sizeof h->h.key_id, "%s", T(3));
		snprintf(h->h.sig, sizeof h->h.sig, "%s", T(4));
		snprintf(h->h.kind, sizeof h->h.kind, "%s", T(5));
#undef T
		h->legacy = h->h.kind[0] == '\0';
		h->sig_ok = aud_sig_ok(&h->h);
		if (!h->sig_ok)
			fail(vs, K_SIG, h->h.seq, "the signed head of entry %lld in the database has an invalid signature: it "
					  "was rewritten",
			     (long long)h->h.seq);
	}
	return e;
}

/* seg: the entries since the last signed head, for rule 4. The wait is
 * measured from the oldest entry since the last discontinuity of the wall
 * clock: two neighbours more than AUDIT_SEAL_MAX_MS apart (forward or back)
 * mean a clock step, or a server that was not running — neither tells how
 * long an entry waited, so the count starts again there. */
typedef struct seg {
	int64_t first;      /* 0: empty */
	int64_t last;
	int64_t wait_from;  /* at of the oldest entry since the discontinuity */
	int64_t last_at;
} seg;

static void seg_add(seg *g, int64_t seq, int64_t at)
{
	if (!g->first) {
		g->first = seq;
		g->wait_from = at;
	} else if (at - g->last_at > AUDIT_SEAL_MAX_MS || g->last_at - at > AUDIT_SEAL_MAX_MS) {
		g->wait_from = at;
	} else if (at < g->wait_from) {
		g->wait_from = at;
	}
	g->last = seq;
	g->last_at = at;
}

/* seg_late: signed (or looked at) at t, did the segment wait too long? */
static bool seg_late(const seg *g, int64_t t)
{
	int64_t gap = t - g->last_at;
	if (gap > AUDIT_SEAL_MAX_MS || -gap > AUDIT_SEAL_MAX_MS)
		return false; /* a discontinuity before the signature */
	return t - g->wait_from > AUDIT_SEAL_MAX_MS;
}

static sj_err verify_at(db *d, int64_t now, audit_report *out, void (*progress)(int64_t, int64_t, void *),
			void *ctx);

sj_err audit_verify(db *d, audit_report *out, void (*progress)(int64_t, int64_t, void *), void *ctx)
{
	return verify_at(d, 0, out, progress, ctx);
}

sj_err audit_verify_as_of(db *d, int64_t as_of_ms, audit_report *out)
{
	return verify_at(d, as_of_ms, out, NULL, NULL);
}

/* verify_at: the walk, the time rules judged at now (0: the clock's now) */
static sj_err verify_at(db *d, int64_t now, audit_report *out, void (*progress)(int64_t, int64_t, void *),
			void *ctx)
{
	memset(out, 0, sizeof *out);
	out->ok = true;
	vstate vs = {.r = out};
	if (!audit_key_loaded())
		return SJ_ECRYPTO;
	vhead *fl = NULL, *dh = NULL;
	size_t nfl = 0, ndh = 0;
	bool file_missing = false;
	int64_t adopt_seq = -1;
	/* the file first: its lines were written after their commits, so the
	 * snapshot taken next holds every one of them (rule 5 both ways) */
	sj_err err = load_file(&vs, &fl, &nfl, &file_missing, &adopt_seq);
	if (err)
		return err;
	out->heads = (int64_t)nfl;
	if (!now)
		now = clock_now_ms();
	db_conn *c;
	if ((err = db_acquire(d, &c))) {
		free(fl);
		return err;
	}
	db_stmt *s;
	bool row;
	int64_t total = 0;
	if ((err = db_begin(c, DB_SNAPSHOT)))
		goto out;
	if ((err = db_prepare(c, sql_count, &s)) || (err = db_step(s, &row)))
		goto out;
	total = row ? db_col_int(s, 0) : 0;
	if ((err = db_step(s, &row)))
		goto out;
	if ((err = load_db_heads(c, &vs, &dh, &ndh)))
		goto out;
	out->checkpoints = (int64_t)ndh;

	/* mark each signed head the other side also holds (same number) */
	for (size_t i = 0, j = 0; i < ndh; i++) {
		while (j < nfl && fl[j].h.seq < dh[i].h.seq)
			j++;
		for (size_t k = j; k < nfl && fl[k].h.seq == dh[i].h.seq; k++) {
			dh[i].in_other = true;
			fl[k].in_other = true;
		}
	}
	for (size_t i = 0; i < ndh; i++)
		note_signed(out, &dh[i]);
	for (size_t i = 0; i < nfl; i++)
		if (fl[i].h.seq > 0)
			note_signed(out, &fl[i]);

	char prev[AUDIT_HASH_HEX + 1];
	memcpy(prev, aud_zero_head, sizeof prev);
	int64_t expect = 1, last = 0;
	size_t di = 0, fi = 0;
	while (fi < nfl && fl[fi].h.seq == 0)
		fi++; /* the genesis names no entry */
	seg sg = {0};
	for (;;) {
		if ((err = db_prepare(c, sql_walk, &s)) || (err = db_bind_int(s, 1, last)))
			goto out;
		int64_t got = 0;
		while (!(err = db_step(s, &row)) && row) {
			got++;
			int64_t seq = db_col_int(s, 0), at = db_col_int(s, 2);
			if (seq != expect)
				fail(&vs, K_GAP, expect, "entry %lld is missing (found %lld next)", (long long)expect, (long long)seq);
			const char *f[AF_N];
			for (int k = 0; k < AF_N; k++)
				f[k] = db_col_text(s, 3 + k);
			char *canon = aud_canonical(seq, db_col_text(s, 1), at, f);
			if (!canon) {
				err = SJ_ENOMEM;
				goto out;
			}
			char leaf[AUDIT_HASH_HEX + 1], head[AUDIT_HASH_HEX + 1];
			aud_leaf(canon, leaf);
			free(canon);
			const char *sleaf = db_col_text(s, 15) ? db_col_text(s, 15) : "";
			const char *shead = db_col_text(s, 16) ? db_col_text(s, 16) : "";
			if (strcmp(leaf, sleaf) != 0)
				fail(&vs, K_EDIT, seq, "entry %lld: its content does not match its hash (edited)", (long long)seq);
			if (aud_head(prev, sleaf, head) != SJ_OK || strcmp(head, shead) != 0)
				fail(&vs, K_BROKEN, seq, "entry %lld: the chain is broken, its head does not follow from the entry before "
					       "(removed, reordered or rewritten)",
				     (long long)seq);
			/* signed heads naming numbers the chain skipped */
			while (di < ndh && dh[di].h.seq < seq) {
				fail(&vs, K_SKIPPED, dh[di].h.seq, "the database signs entry %lld, which is missing",
				     (long long)dh[di].h.seq);
				di++;
			}
			while (fi < nfl && fl[fi].h.seq < seq) {
				fail(&vs, K_SKIPPED, fl[fi].h.seq, "the heads file signs entry %lld, which is missing",
				     (long long)fl[fi].h.seq);
				fi++;
			}
			bool covered = false, exempt = false;
			int64_t cover_at = INT64_MAX;
			for (; di < ndh && dh[di].h.seq == seq; di++) {
				vhead *v = &dh[di];
				if (v->sig_ok && strcmp(v->h.head, shead) != 0)
					fail(&vs, K_DB_DIFF, seq, "entry %lld differs from its signed head in the database (history "
						       "rewritten after it was signed)",
					     (long long)seq);
				covered = true;
				exempt = exempt || exempt_kind(v);
				if (v->h.at < cover_at)
					cover_at = v->h.at;
			}
			for (; fi < nfl && fl[fi].h.seq == seq; fi++) {
				vhead *v = &fl[fi];
				char w[48];
				when(v->h.at, w);
				if (v->sig_ok && strcmp(v->h.head, shead) != 0)
					fail(&vs, K_FILE_DIFF, seq, "entry %lld differs from the head signed for it at %s in the heads file "
						       "(history rewritten after it was signed)",
					     (long long)seq, w);
				covered = true;
				exempt = exempt || exempt_kind(v);
				if (v->h.at < cover_at)
					cover_at = v->h.at;
			}
			seg_add(&sg, seq, at);
			if (seq % AUDIT_CHECKPOINT_EVERY == 0 && !covered)
				fail(&vs, K_COUNT, seq, "entry %lld has no signed head: one is required every %d entries",
				     (long long)seq, AUDIT_CHECKPOINT_EVERY);
			if (covered) {
				if (!exempt && seg_late(&sg, cover_at))
					fail(&vs, K_WAIT, sg.first, "entries %lld–%lld waited %lld s for a signed head (at most %d s)",
					     (long long)sg.first, (long long)seq, (long long)((cover_at - sg.wait_from) / 1000),
					     AUDIT_SEAL_MAX_MS / 1000);
				sg.first = 0;
			}
			memcpy(prev, shead, AUDIT_HASH_HEX);
			prev[AUDIT_HASH_HEX] = '\0';
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

	/* signed heads past the end of the chain: the log was cut */
	int64_t maxs = -1, maxat = 0;
	for (; fi < nfl; fi++)
		if (fl[fi].sig_ok && fl[fi].h.seq >= maxs) {
			maxs = fl[fi].h.seq;
			maxat = fl[fi].h.at;
		}
	if (maxs > last) {
		char w[48];
		when(maxat, w);
		fail(&vs, K_CUT, last + 1, "entries %lld–%lld are missing; the last signed head seen was %lld at %s",
		     (long long)(last + 1), (long long)maxs, (long long)maxs, w);
	}
	if (di < ndh)
		fail(&vs, K_CUT, last + 1, "the database signs entry %lld, past the last entry %lld (log truncated)",
		     (long long)dh[ndh - 1].h.seq, (long long)last);
	if ((err = db_prepare(c, sql_head, &s)) || (err = db_step(s, &row)))
		goto out;
	if (!row) {
		fail(&vs, K_HEADROW, 0, "the chain head row is missing");
	} else {
		int64_t hseq = db_col_int(s, 0);
		const char *hh = db_col_text(s, 1);
		if (hseq != last)
			fail(&vs, K_HEADROW, last + 1, "the chain head counts %lld entries, the log holds %lld (log truncated)",
			     (long long)hseq, (long long)last);
		else if (!hh || strcmp(hh, prev) != 0)
			fail(&vs, K_HEADROW, last, "the chain head does not match the last entry");
		if ((err = db_step(s, &row)))
			goto out;
	}
	/* the head at rest is signed: the entries after the last signed head
	 * are only those still on their way (young) */
	if (sg.first) {
		int64_t n = sg.last - sg.first + 1;
		if (now - sg.last_at > AUDIT_SEAL_MAX_MS || seg_late(&sg, now)) {
			char w[48];
			when(sg.wait_from, w);
			fail(&vs, K_REST, sg.first, "entries %lld–%lld have no signed head, the oldest from %s: the head at rest "
					    "must be signed (start the server, it signs at start)",
			     (long long)sg.first, (long long)sg.last, w);
		} else {
			out->unsigned_tail = n;
		}
	}
	/* the file and the database agree both ways */
	for (size_t i = 0; i < nfl; i++) {
		vhead *v = &fl[i];
		if (v->h.seq > 0 && v->h.seq <= last && v->sig_ok && !v->in_other) {
			char w[48];
			when(v->h.at, w);
			fail(&vs, K_NOT_DB, v->h.seq, "the head of entry %lld signed at %s is in the heads file but not in the "
					    "database (deleted there)",
			     (long long)v->h.seq, w);
		}
	}
	for (size_t i = 0; i < ndh && !file_missing; i++) {
		vhead *v = &dh[i];
		if (!v->legacy && !v->in_other && now - v->h.at > AUDIT_SEAL_MAX_MS &&
		    (adopt_seq < 0 || v->h.seq >= adopt_seq)) {
			char w[48];
			when(v->h.at, w);
			fail(&vs, K_NOT_FILE, v->h.seq, "the database's head of entry %lld signed at %s is not in the heads file "
					    "(the file was cut or edited; or the server stopped before writing it: start it)",
			     (long long)v->h.seq, w);
		}
	}
	if (adopt_seq >= 0) {
		/* a file started again: fine for a chain from before heads files
		 * (v1 checkpoints only), not when it had signed heads of its own */
		for (size_t i = 0; i < ndh; i++)
			if (!dh[i].legacy && dh[i].h.seq < adopt_seq) {
				fail(&vs, K_FILE, adopt_seq, "the heads file was started again at entry %lld: the file before it was "
						     "deleted",
				     (long long)adopt_seq);
				break;
			}
	}
	if ((err = db_prepare(c, sql_pending, &s)) || (err = db_step(s, &row)))
		goto out;
	if (row && db_col_int(s, 0) > 0) {
		int64_t np = db_col_int(s, 0), oldest = db_col_int(s, 1);
		if (now - oldest > AUDIT_SEAL_MAX_MS) {
			char w[48];
			when(oldest, w);
			fail(&vs, K_PENDING, last + 1, "%lld entries committed since %s are not chained (start the server, it "
					    "chains them at start)",
			     (long long)np, w);
		} else {
			out->pending = np;
		}
	}
	if ((err = db_step(s, &row)))
		goto out;
	if (progress)
		progress(out->entries, total, ctx);
out:
	fail_summary(&vs);
	free(fl);
	free(dh);
	db_rollback(c);
	db_release(d, c);
	return err;
}
