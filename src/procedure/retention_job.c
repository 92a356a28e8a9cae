/* retention_job.c — the daily retention job of `sijill serve` (issue 17
 * item 9; see procedure.h): a core/periodic.h job that, every PROC_RETENTION_POLL_S
 * seconds — and at once when the test clock moves —, runs the day's
 * retention (proc_retention_daily: once per legal day, after
 * PROC_RETENTION_HOUR in legal time) in one write transaction with its
 * audit entry. A failed round writes nothing and is logged; the next round
 * tries again. */
#include "procedure/procedure.h"

#include "core/log.h"
#include "core/periodic.h"

static periodic *g_job;
static db *g_db;

static int64_t round_once(void *arg)
{
	(void)arg;
	db_conn *c;
	if (db_acquire(g_db, &c) != SJ_OK)
		return PROC_RETENTION_POLL_S;
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
	return PROC_RETENTION_POLL_S;
}

sj_err proc_retention_job_start(db *d)
{
	g_db = d;
	return periodic_start("retention", round_once, NULL, &g_job);
}

void proc_retention_job_wake(void)
{
	periodic_wake(g_job);
}

void proc_retention_job_stop(void)
{
	periodic_stop(g_job);
	g_job = NULL;
}
