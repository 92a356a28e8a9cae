/* loop.c — the background exchange of `sijill serve` on a node: every
 * exchange.interval_s seconds (read again each time, so a change applies
 * without a restart), push what is pending, then pull central's feeds
 * (exchange.h). The thread and its wait are core/periodic.h's. */
#include "exchange/exchange.h"

#include "core/log.h"
#include "core/periodic.h"
#include "settings/settings.h"

static db *g_db;
static periodic *g_job;

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

/* round_once: push, then pull; returns the wait before the next round. */
static int64_t round_once(void *arg)
{
	(void)arg;
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
	return interval_s();
}

sj_err xchg_loop_start(db *d)
{
	xchg_join jn;
	if (!xchg_join_read(&jn))
		return SJ_OK;   /* not a node: nothing to push */
	g_db = d;
	return periodic_start("exchange", round_once, NULL, &g_job);
}

void xchg_loop_stop(void)
{
	periodic_stop(g_job);
	g_job = NULL;
}
