/* stale.c — a node too long without a successful exchange (exchange.h):
 * past half of exchange.max_days_without it warns on every page (/healthz
 * carries it, the UI shows a banner), past all of it it refuses new national
 * look-ups — its copy of the national data is too old to be trusted. */
#include "exchange/exchange.h"

#include "settings/settings.h"

#define DAY_MS 86400000LL

sj_err xchg_staleness_get(db_conn *c, int64_t now_ms, xchg_staleness *out)
{
	*out = (xchg_staleness){0};
	xchg_join jn;
	if (!xchg_join_read(&jn))
		return SJ_OK;
	out->joined = true;
	int64_t at = 0;
	bool found = false;
	sj_err e = settings_state_get(c, SETTINGS_STATE_LAST_ACK_AT, &at, &found);
	if (e)
		return e;
	out->last_ok_at = found && at > 0 ? at : jn.joined_at;
	out->max_days = settings_int(c, "exchange.max_days_without");
	int64_t elapsed = out->last_ok_at > 0 && now_ms > out->last_ok_at ? now_ms - out->last_ok_at : 0;
	out->days = elapsed / DAY_MS;
	out->warn = elapsed * 2 > out->max_days * DAY_MS;
	out->refuse = elapsed > out->max_days * DAY_MS;
	return SJ_OK;
}

sj_err xchg_lookup_allowed(db_conn *c, int64_t now_ms, const char **why)
{
	xchg_staleness s;
	sj_err e = xchg_staleness_get(c, now_ms, &s);
	if (e)
		return e;
	if (s.refuse) {
		*why = "exchange-stale";
		return SJ_ECONFLICT;
	}
	return SJ_OK;
}

json_t *xchg_staleness_json(const xchg_staleness *s)
{
	if (!s->joined)
		return NULL;
	return json_pack("{s:I,s:I,s:I,s:b,s:b}", "last_ok_at", (json_int_t)s->last_ok_at, "days_without",
			 (json_int_t)s->days, "max_days", (json_int_t)s->max_days, "warn", s->warn, "refuse", s->refuse);
}
