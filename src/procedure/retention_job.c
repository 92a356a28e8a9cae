/* retention_job.c — the daily retention job of `sijill serve` (issue 17
 * item 9; see procedure.h): a thread that, every PROC_RETENTION_POLL_S
 * seconds — and at once when the test clock moves —, runs the day's
 * retention (proc_retention_daily: once per legal day, after
 * PROC_RETENTION_HOUR in legal time) in one write transaction with its
 * audit entry. A failed round writes nothing and is logged; the next round
 * tries again. */
#include "procedure/procedure.h"

#include <pthread.h>
#include <time.h>

#include "core/log.h"

static pthread_t g_thread;
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cv = PTHREAD_COND_INITIALIZER;
static bool g_stop, g_running, g_wake;
static db *g_db;

static void round_once(void)
{
	db_conn *c;
	if (db_acquire(g_db, &c) != SJ_OK)
		return;
	json_t *out = NULL;
	bool ran = false;
	sj_err e = db_begin(c, DB_WRITE);
	e = e ? e : proc_retention_daily(c, &ran, &out);
	e = e ? e : db_commit(c);
	if (e) {
		db_rollback(c);
		log_msg(LOG_WARN, "the daily retention failed", json_pack("{s:s}", "error", sj_err_name(e)));
	} else if (ran) {
		log_msg(LOG_INFO, "daily retention",
			json_pack("{s:I}", "tombstones", (json_int_t)json_array_size(json_object_get(out, "purged"))));
	}
	json_decref(out);
	db_release(g_db, c);
}

static void *run(void *arg)
{
	(void)arg;
	for (;;) {
		round_once();
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += PROC_RETENTION_POLL_S;
		pthread_mutex_lock(&g_mu);
		while (!g_stop && !g_wake && pthread_cond_timedwait(&g_cv, &g_mu, &until) == 0) {
		}
		bool stop = g_stop;
		g_wake = false;
		pthread_mutex_unlock(&g_mu);
		if (stop)
			return NULL;
	}
}

sj_err proc_retention_job_start(db *d)
{
	g_db = d;
	g_stop = false;
	if (pthread_create(&g_thread, NULL, run, NULL) != 0)
		return SJ_EINTERNAL;
	g_running = true;
	return SJ_OK;
}

void proc_retention_job_wake(void)
{
	pthread_mutex_lock(&g_mu);
	g_wake = true;
	pthread_cond_broadcast(&g_cv);
	pthread_mutex_unlock(&g_mu);
}

void proc_retention_job_stop(void)
{
	if (!g_running)
		return;
	pthread_mutex_lock(&g_mu);
	g_stop = true;
	pthread_cond_broadcast(&g_cv);
	pthread_mutex_unlock(&g_mu);
	pthread_join(g_thread, NULL);
	g_running = false;
}
