/* periodic.h — a background job of `sijill serve`: one thread that runs a
 * round at once, then again after the number of seconds the round returns
 * (read again each round, so a changed setting applies without a restart),
 * or at once when woken, until stopped. The retention job, the exchange loop
 * and central's packet validation are each one of these.
 *
 *   static int64_t round(void *arg) { ...; return settings_int(c, "x.interval_s"); }
 *   periodic *p;  if (periodic_start("retention", round, d, &p)) ...;
 *   periodic_wake(p);   // the test clock moved
 *   periodic_stop(p);   // joins the thread, frees p
 *
 * The wait is on the monotonic clock: setting the wall clock does not make a
 * round run early or late. A round that fails logs and returns its interval
 * as usual; nothing here retries faster. */
#ifndef SJ_PERIODIC_H
#define SJ_PERIODIC_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

typedef struct periodic periodic;

/* periodic_fn: one round; returns the seconds to wait before the next one
 * (values below 1 are taken as 1). Runs on the job's own thread. */
typedef int64_t (*periodic_fn)(void *arg);

/* periodic_start starts the job named name (a static string, for the log)
 * running fn(arg): the first round at once. On success *out is the job, owned
 * by the caller until periodic_stop — set before the thread starts, so a round
 * may read it; SJ_ENOMEM / SJ_EINTERNAL otherwise (*out NULL, no thread left
 * behind). name: at most 15 bytes (the thread's name). */
SJ_MUST_USE sj_err periodic_start(const char *name, periodic_fn fn, void *arg, periodic **out);
/* periodic_wake makes the job run its next round now (after the current one
 * ends, when one is running). p may be NULL. */
void periodic_wake(periodic *p);
/* periodic_stop asks the job to stop, waits for its current round to end,
 * joins its thread and frees p. p may be NULL. */
void periodic_stop(periodic *p);
/* periodic_stopping: true once periodic_stop was called — for a round that
 * loops over a backlog, to end early. */
bool periodic_stopping(periodic *p);
/* periodic_rounds: how many rounds the job has finished (tests, metrics). */
int64_t periodic_rounds(periodic *p);

#endif
