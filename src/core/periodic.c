/* periodic.c — see periodic.h. */
#include "core/periodic.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

struct periodic {
	periodic_fn fn;
	void *arg;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;   /* on CLOCK_MONOTONIC */
	bool stop, wake;
	int64_t rounds;
};

static void *run(void *arg)
{
	periodic *p = arg;
	for (;;) {
		int64_t s = p->fn(p->arg);
		if (s < 1)
			s = 1;
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += (time_t)s;
		pthread_mutex_lock(&p->mu);
		p->rounds++;
		while (!p->stop && !p->wake && pthread_cond_timedwait(&p->cv, &p->mu, &until) == 0) {
		}
		bool stop = p->stop;
		p->wake = false;
		pthread_mutex_unlock(&p->mu);
		if (stop)
			return NULL;
	}
}

sj_err periodic_start(const char *name, periodic_fn fn, void *arg, periodic **out)
{
	*out = NULL;
	periodic *p = calloc(1, sizeof *p);
	if (!p)
		return SJ_ENOMEM;
	p->fn = fn;
	p->arg = arg;
	pthread_condattr_t ca;
	if (pthread_condattr_init(&ca) != 0) {
		free(p);
		return SJ_EINTERNAL;
	}
	int rc = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	rc = rc ? rc : pthread_cond_init(&p->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (rc != 0) {
		free(p);
		return SJ_EINTERNAL;
	}
	if (pthread_mutex_init(&p->mu, NULL) != 0) {
		pthread_cond_destroy(&p->cv);
		free(p);
		return SJ_EINTERNAL;
	}
	*out = p;   /* before the thread: a round may ask periodic_stopping(*out) */
	if (pthread_create(&p->thread, NULL, run, p) != 0) {
		*out = NULL;
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->cv);
		free(p);
		return SJ_EINTERNAL;
	}
	pthread_setname_np(p->thread, name);   /* seen in top -H, gdb; at most 15 bytes */
	return SJ_OK;
}

void periodic_wake(periodic *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->wake = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

void periodic_stop(periodic *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p);
}

int64_t periodic_rounds(periodic *p)
{
	pthread_mutex_lock(&p->mu);
	int64_t n = p->rounds;
	pthread_mutex_unlock(&p->mu);
	return n;
}

bool periodic_stopping(periodic *p)
{
	if (!p)
		return false;
	pthread_mutex_lock(&p->mu);
	bool s = p->stop;
	pthread_mutex_unlock(&p->mu);
	return s;
}
