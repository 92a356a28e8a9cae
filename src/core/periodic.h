/* periodic.h — a background job of `sijill serve` that runs a round, waits,
 * and runs again until stopped: the thread, its wait and its wake-up written
 * once (the exchange loop, the retention job and the mobile validation job
 * each had their own copy).
 *
 *     static void round(void *arg) { ... }                 // one round
 *     static int64_t every(void *arg) { return 300000; }   // read before each wait
 *     static periodic_job job = PERIODIC_INIT("exchange", round, every, NULL);
 *     e = periodic_start(&job);   ...   periodic_wake(&job);   ...   periodic_stop(&job);
 *
 * The first round runs as soon as the job starts. A wake-up makes the job
 * run its next round now (a wake-up during a round runs one more just after
 * it); stop waits for the round under way to end. A job is started once at a
 * time; every call is thread-safe. */
#ifndef SJ_CORE_PERIODIC_H
#define SJ_CORE_PERIODIC_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include "core/err.h"

typedef struct periodic_job {
	const char *name;                    /* for the log */
	void (*round)(void *arg);
	int64_t (*interval_ms)(void *arg);   /* the wait after a round; read each time */
	void *arg;
	/* private */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop, wake, running;
} periodic_job;

#define PERIODIC_INIT(name, round, interval_ms, arg) \
	{(name), (round), (interval_ms), (arg), 0, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, false, false}

/* periodic_start starts p's thread (SJ_EINTERNAL when it cannot). */
SJ_MUST_USE sj_err periodic_start(periodic_job *p);
/* periodic_wake makes p run its next round now. */
void periodic_wake(periodic_job *p);
/* periodic_stop stops p and waits for its thread (nothing when not started). */
void periodic_stop(periodic_job *p);

#endif
