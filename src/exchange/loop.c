/* loop.c — the background exchange of `sijill serve` on a node: every
 * exchange.interval_s seconds (read again each time, so a change applies
 * without a restart), push what is pending, then pull central's feeds
 * (exchange.h). */
#include "exchange/exchange.h"

#include <pthread.h>
#include <time.h>

#include "core/log.h"
#include "settings/settings.h"

static pthread_t g_thread;
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cv = PTHREAD_COND_INITIALIZER;
static bool g_stop, g_running;
static db *g_db;

static int64_t interval_s(void)
{
	db_conn *c;
	int64_t v = 300;
	if (db_acquire(g_db, &c) == SJ_OK) {
		v = settings_int(c, "exchange.interval_s");
		db_release(g_db, c);
	}
	return v;
}

static void *run(void *arg)
{
	(void)arg;
	for (;;) {
		char msg[512] = "";
		sj_err e = xchg_sync(g_db, NULL, NULL, msg, sizeof msg);
		if (e)
			log_msg(LOG_WARN, "exchange failed", json_pack("{s:s,s:s}", "error", sj_err_name(e), "detail", msg));
		/* then central's feeds (hotlists, reference data), even when the
		 * push failed: a node that cannot push may still learn */
		msg[0] = '\0';
		int64_t pulled = 0;
		if ((e = xchg_pull(g_db, &pulled, msg, sizeof msg)))
			log_msg(LOG_WARN, "pull failed", json_pack("{s:s,s:s}", "error", sj_err_name(e), "detail", msg));
		else if (pulled > 0 && (e = xchg_sync(g_db, NULL, NULL, msg, sizeof msg)))   /* the pull's audit entry */
			log_msg(LOG_WARN, "exchange failed", json_pack("{s:s,s:s}", "error", sj_err_name(e), "detail", msg));
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += (time_t)interval_s();
		pthread_mutex_lock(&g_mu);
		while (!g_stop && pthread_cond_timedwait(&g_cv, &g_mu, &until) == 0) {
		}
		bool stop = g_stop;
		pthread_mutex_unlock(&g_mu);
		if (stop)
			return NULL;
	}
}

sj_err xchg_loop_start(db *d)
{
	xchg_join jn;
	if (!xchg_join_read(&jn))
		return SJ_OK;   /* not a node: nothing to push */
	g_db = d;
	g_stop = false;
	if (pthread_create(&g_thread, NULL, run, NULL) != 0)
		return SJ_EINTERNAL;
	g_running = true;
	return SJ_OK;
}

void xchg_loop_stop(void)
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
