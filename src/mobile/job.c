/* job.c — central's packet validation as a background job of `sijill serve`
 * (not a node): every mobile.validate_interval_s seconds (read again each
 * time) the packets the kits sent since are validated and deduplicated
 * (mob_validate_pending: each packet's outcome in a short write transaction
 * with its audit entry, rounds repeated at once while packets are left); an
 * administrator may still ask for it at once (POST
 * /api/v1/mobile/packets/validate). A failed round (the ABIS unreachable)
 * writes nothing and is logged; the next round tries again (mobile.h). */
#include "mobile/mobile.h"

#include "core/log.h"
#include "core/periodic.h"
#include "settings/settings.h"

static periodic *g_job;
static db *g_db;

/* round_once: rounds of validation while packets are left (or until the
 * server stops); returns the wait before the next. */
static int64_t round_once(void *arg)
{
	(void)arg;
	db_conn *c;
	int64_t interval = 60;
	if (db_acquire(g_db, &c) != SJ_OK)
		return interval;
	interval = settings_int(c, "mobile.validate_interval_s");
	for (bool more = true; more && !periodic_stopping(g_job);) {
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
	}
	db_release(g_db, c);
	return interval;
}

sj_err mob_job_start(db *d)
{
	xchg_join jn;
	if (xchg_join_read(&jn))
		return SJ_OK;   /* a node: central validates, not the kit */
	g_db = d;
	return periodic_start("mobile-validate", round_once, NULL, &g_job);
}

void mob_job_stop(void)
{
	periodic_stop(g_job);
	g_job = NULL;
}
