/* counted.h — a process-wide allocator that counts allocation calls, fails
 * the k-th one on demand and tracks the blocks a request leaves behind.
 * Test-only (tests/alloc/); never linked into sijill. */
#ifndef SJ_COUNTED_H
#define SJ_COUNTED_H

#include <stdio.h>

/* counted_init hands SQLite its counted methods (before any SQLite call) and
 * loads the unwinder; returns 0 on success. */
int counted_init(void);
/* counted_arm starts counting allocation calls (malloc, calloc, realloc,
 * the aligned family, SQLite's) from zero and makes the k-th fail (k = 0:
 * none); counted_disarm stops and returns how many calls were made. */
void counted_arm(long k);
long counted_disarm(void);
/* counted_failed returns how many failures were injected so far. */
long counted_failed(void);
/* counted_track(1, bt) forgets earlier blocks and starts recording each
 * block allocated from now on (not SQLite's), with its call stack when bt;
 * a free removes it. counted_track(0, 0) stops recording new blocks (frees
 * still remove). */
void counted_track(int on, int backtraces);
/* counted_live returns how many recorded blocks are still allocated (-1 when
 * the table overflowed); counted_report prints up to 12 of them. */
long counted_live(void);
void counted_report(FILE *f);
/* counted_sqlite_live returns how many blocks SQLite holds. */
long counted_sqlite_live(void);

#endif
