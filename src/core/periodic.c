/* periodic.c — a background job's thread, wait and wake-up (periodic.h). */
#include "core/periodic.h"

#include <time.h>

static void *run(void *arg)
{
	periodic_job *p = arg;
	for (;;) {
		p->round(p->arg);
		int64_t ms = p->interval_ms(p->arg);
		if (ms < 0)
			ms = 0;
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += (time_t)(ms / 1000);
		until.tv_nsec += (long)(ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_mutex_lock(&p->mu);
		/* until stopped, woken or the time is up (a spurious wake-up waits again) */
		while (!p->stop && !p->wake && pthread_cond_timedwait(&p->cv, &p->mu, &until) == 0) {
		}
		bool stop = p->stop;
		p->wake = false;
		pthread_mutex_unlock(&p->mu);
		if (stop)
			return NULL;
	}
}

sj_err periodic_start(periodic_job *p)
{
	pthread_mutex_lock(&p->mu);
	p->stop = false;
	p->wake = false;
	pthread_mutex_unlock(&p->mu);
	if (pthread_create(&p->thread, NULL, run, p) != 0)
		return SJ_EINTERNAL;
	p->running = true;
	return SJ_OK;
}

void periodic_wake(periodic_job *p)
{
	pthread_mutex_lock(&p->mu);
	p->wake = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

void periodic_stop(periodic_job *p)
{
	if (!p->running)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	p->running = false;
}
