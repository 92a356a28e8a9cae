/* job.c — central's packet validation as a background job of `sijill serve`
 * (not a node): every mobile.validate_interval_s seconds (read again each
 * time) the packets the kits sent since are validated and deduplicated
 * (mob_validate_pending: each packet's outcome in a short write transaction
 * with its audit entry, rounds repeated at once while packets are left); an
 * administrator may still ask for it at once (POST
 * /api/v1/mobile/packets/validate). A failed round (the ABIS unreachable)
 * writes nothing and is logged; the next round tries again (mobile.h). */
#include "mobile/mobile.h"

#include <pthread.h>
#include <time.h>

#include "core/log.h"
#include "settings/settings.h"

static pthread_t g_thread;
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cv = PTHREAD_COND_INITIALIZER;
static bool g_stop, g_running;
static db *g_db;

static int64_t round_once(void)
{
	db_conn *c;
	int64_t interval = 60;
	if (db_acquire(g_db, &c) != SJ_OK)
		return interval;
	interval = settings_int(c, "mobile.validate_interval_s");
	for (bool more = true; more;) {
		json_t *out = NULL;
		sj_err e = mob_validate_pending(c, &out);
		more = !e && json_is_true(json_object_get(out, "more"));
		if (e) {
			log_msg(LOG_WARN, "mobile packet validation failed", json_pack("{s:s}", "error", sj_err_name(e)));
		} else if (json_integer_value(json_object_get(out, "validated")) > 0) {
			log_msg(LOG_INFO, "mobile packets validated",
				json_pack("{s:O,s:O}", "accepted", json_object_get(out, "accepted"), "refused",
					  json_object_get(out, "refused")));
		}
		json_decref(out);
		pthread_mutex_lock(&g_mu);
		if (g_stop)
			more = false;
		pthread_mutex_unlock(&g_mu);
	}
	db_release(g_db, c);
	return interval;
}

static void *run(void *arg)
{
	(void)arg;
	for (;;) {
		int64_t s = round_once();
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += (time_t)s;
		pthread_mutex_lock(&g_mu);
		while (!g_stop && pthread_cond_timedwait(&g_cv, &g_mu, &until) == 0) {
		}
		bool stop = g_stop;
		pthread_mutex_unlock(&g_mu);
		if (stop)
			return NULL;
	}
}

sj_err mob_job_start(db *d)
{
	xchg_join jn;
	if (xchg_join_read(&jn))
		return SJ_OK;   /* a node: central validates, not the kit */
	g_db = d;
	g_stop = false;
	if (pthread_create(&g_thread, NULL, run, NULL) != 0)
		return SJ_EINTERNAL;
	g_running = true;
	return SJ_OK;
}

void mob_job_stop(void)
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
