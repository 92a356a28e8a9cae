/* counted.c — the counted allocator of the allocation-failure test (see
 * counted.h and docs/internals/alloc-failure.md).
 *
 * This file replaces the C library's allocator for the whole process (glibc
 * supports this: "Replacing malloc" in its manual; libjansson, libsodium,
 * libmicrohttpd and glibc itself then call these). Each function forwards to
 * glibc's own (__libc_malloc ...). SQLite gets its own methods (SQLITE_CONFIG_MALLOC)
 * so that its page and statement caches, which legitimately outlive a
 * request, are counted apart. The executable is built without
 * AddressSanitizer, which would intercept the same functions. */
#include "core/jdump.h"
#include "counted.h"

#include <errno.h>
#include <execinfo.h>
#include <malloc.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t m);
extern void *__libc_realloc(void *p, size_t n);
extern void __libc_free(void *p);
extern void *__libc_memalign(size_t align, size_t n);

#define PUBLIC __attribute__((visibility("default")))

static _Atomic long calls;      /* allocation calls while armed */
static _Atomic long fail_at;    /* 0: none */
static _Atomic long failed;     /* failures injected (all time) */
static _Atomic int armed;
static _Atomic long sqlite_live;
static _Atomic int tracking;
static _Atomic int with_bt;
static __thread int busy;       /* inside backtrace(): no tracking */

/* The live allocations made while tracking (not SQLite's): an open-addressing
 * table keyed by pointer, linear probing, backward-shift deletion. */
#define TBITS 18
#define TSIZE (1u << TBITS)
#define BT 8
typedef struct slot {
	void *p;
	long seq;
	size_t size;
} slot;
static slot table[TSIZE];
static void *bts[TSIZE][BT];
static unsigned tcount;
static long tseq;
static int toverflow;

static unsigned h(const void *p)
{
	return (unsigned)((((uintptr_t)p >> 4) * 0x9E3779B97F4A7C15ull) >> (64 - TBITS));
}

static void track_add(void *p, size_t size)
{
	if (!atomic_load(&tracking) || busy)
		return;
	if (tcount >= TSIZE - TSIZE / 8) {
		toverflow = 1;
		return;
	}
	unsigned i = h(p);
	while (table[i].p)
		i = (i + 1) & (TSIZE - 1);
	table[i].p = p;
	table[i].seq = ++tseq;
	table[i].size = size;
	if (atomic_load(&with_bt)) {
		busy = 1;
		int n = backtrace(bts[i], BT);
		for (int k = n; k < BT; k++)
			bts[i][k] = NULL;
		busy = 0;
	}
	tcount++;
}

/* track_del removes p; returns 1 when it was there. */
static int track_del(void *p)
{
	if (!tcount)
		return 0;
	unsigned i = h(p);
	while (table[i].p && table[i].p != p)
		i = (i + 1) & (TSIZE - 1);
	if (!table[i].p)
		return 0;
	/* backward-shift deletion */
	unsigned j = i;
	for (;;) {
		j = (j + 1) & (TSIZE - 1);
		if (!table[j].p)
			break;
		unsigned home = h(table[j].p);
		/* can table[j] move to i? yes unless home lies cyclically in (i, j] */
		if ((j > i && (home <= i || home > j)) || (j < i && (home <= i && home > j))) {
			table[i] = table[j];
			memcpy(bts[i], bts[j], sizeof bts[i]);
			i = j;
		}
	}
	table[i].p = NULL;
	tcount--;
	return 1;
}

static int should_fail(void)
{
	if (!atomic_load(&armed) || jdump_parsing)
		return 0; /* jansson's lexer asserts on a failed allocation: see jdump.h */
	long n = atomic_fetch_add(&calls, 1) + 1;
	if (n == atomic_load(&fail_at)) {
		atomic_fetch_add(&failed, 1);
		return 1;
	}
	return 0;
}

PUBLIC void *malloc(size_t n)
{
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	void *p = __libc_malloc(n);
	if (p)
		track_add(p, n);
	return p;
}

PUBLIC void free(void *p)
{
	if (!p)
		return;
	track_del(p);
	__libc_free(p);
}

PUBLIC void *calloc(size_t n, size_t m)
{
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	void *p = __libc_calloc(n, m);
	if (p)
		track_add(p, n * m);
	return p;
}

PUBLIC void *realloc(void *p, size_t n)
{
	if (!p)
		return malloc(n);
	if (n == 0) {
		free(p);
		return NULL;
	}
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	void *q = __libc_realloc(p, n);
	if (q) {
		/* a block that was live before the request stays untracked */
		if (track_del(p))
			track_add(q, n);
	}
	return q;
}

PUBLIC void *reallocarray(void *p, size_t n, size_t m)
{
	if (m && n > SIZE_MAX / m) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, n * m);
}

PUBLIC void *memalign(size_t align, size_t n)
{
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	void *p = __libc_memalign(align, n);
	if (p)
		track_add(p, n);
	return p;
}

PUBLIC void *aligned_alloc(size_t align, size_t n)
{
	return memalign(align, n);
}

PUBLIC int posix_memalign(void **out, size_t align, size_t n)
{
	if (align % sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	void *p = memalign(align, n);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

PUBLIC void *valloc(size_t n)
{
	return memalign((size_t)sysconf(_SC_PAGESIZE), n);
}

PUBLIC void *pvalloc(size_t n)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	return memalign(pg, (n + pg - 1) / pg * pg);
}

PUBLIC char *strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

PUBLIC char *strndup(const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	char *p = malloc(n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* --- SQLite's methods: same failure counter, their own live count --- */

static void *sq_malloc(int n)
{
	if (should_fail())
		return NULL;
	void *p = __libc_malloc((size_t)n);
	if (p)
		atomic_fetch_add(&sqlite_live, 1);
	return p;
}

static void sq_free(void *p)
{
	if (!p)
		return;
	atomic_fetch_sub(&sqlite_live, 1);
	__libc_free(p);
}

static void *sq_realloc(void *p, int n)
{
	if (should_fail())
		return NULL;
	return __libc_realloc(p, (size_t)n);
}

static int sq_size(void *p)
{
	return p ? (int)malloc_usable_size(p) : 0;
}

static int sq_roundup(int n)
{
	return (n + 7) & ~7;
}

static int sq_init(void *x)
{
	(void)x;
	return SQLITE_OK;
}

static void sq_shutdown(void *x)
{
	(void)x;
}

int counted_init(void)
{
	static const sqlite3_mem_methods mm = {sq_malloc, sq_free, sq_realloc, sq_size, sq_roundup,
					       sq_init, sq_shutdown, NULL};
	/* load libgcc's unwinder now, so backtrace() allocates nothing later */
	void *frames[4];
	busy = 1;
	backtrace(frames, 4);
	busy = 0;
	return sqlite3_config(SQLITE_CONFIG_MALLOC, &mm) == SQLITE_OK ? 0 : -1;
}

void counted_arm(long k)
{
	atomic_store(&calls, 0);
	atomic_store(&fail_at, k);
	atomic_store(&armed, 1);
}

long counted_disarm(void)
{
	atomic_store(&armed, 0);
	return atomic_load(&calls);
}

long counted_failed(void)
{
	return atomic_load(&failed);
}

void counted_track(int on, int backtraces)
{
	if (on) {
		memset(table, 0, sizeof table);
		tcount = 0;
		toverflow = 0;
		tseq = 0;
		atomic_store(&with_bt, backtraces);
	}
	atomic_store(&tracking, on);
}

long counted_live(void)
{
	return toverflow ? -1 : (long)tcount;
}

void counted_report(FILE *f)
{
	int shown = 0;
	for (unsigned i = 0; i < TSIZE && shown < 12; i++) {
		if (!table[i].p)
			continue;
		shown++;
		fprintf(f, "#   leaked block %p (%zu bytes, allocation %ld of the request)\n", table[i].p,
			table[i].size, table[i].seq);
		if (atomic_load(&with_bt)) {
			int n = 0;
			while (n < BT && bts[i][n])
				n++;
			fflush(f);
			backtrace_symbols_fd(bts[i], n, fileno(f));
		}
	}
}

long counted_sqlite_live(void)
{
	return atomic_load(&sqlite_live);
}
