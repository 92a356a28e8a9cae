/* api_ops.c — health, metrics, the OpenAPI description, the test clock. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/limits.h"

/* POST /test/clock (test servers only): how far to move the clock, and
 * optionally what the clock-synchronisation check answers. */
REC_ENUM_DEF(test_clock_syncs, "clock_sync", "yes", "no", "auto");
#define TEST_CLOCK_FIELDS(X) \
	X(V, offset_ms, INT, -SJ_TEST_CLOCK_MAX_MS, SJ_TEST_CLOCK_MAX_MS, NULL, IN | REQ | OUT) \
	X(V, clock_synchronised, ENUM, 0, 0, &test_clock_syncs, IN) \
	X(V, now, TIME, 0, 0, NULL, OUT)
static const rec_field test_clock_fields[] = {TEST_CLOCK_FIELDS(REC_FIELD)};
const rec_desc app_test_clock_rec = REC_DESC("test_clock", NULL, test_clock_fields, NULL);

void api_healthz(app *a, http_req *r, auth_user *u)
{
	(void)u;
	bool ok = db_ping(a->db);
	const char *src = NULL;
	int64_t maxerr = -1;
	clock_sync cs = clock_sync_status(&src, &maxerr);
	json_t *clk = json_pack("{s:o,s:s}", "synchronised",
				cs == CLOCK_SYNC_UNKNOWN ? json_null() : json_boolean(cs == CLOCK_SYNC_YES), "source", src);
	if (clk && maxerr >= 0)
		json_object_set_new(clk, "max_error_ms", json_integer(maxerr / 1000));
	if (!ok && http_add_header(r, "Retry-After", "2")) {
		/* the answer still goes out without the header */
	}
	/* an unsynchronised clock is a warning (the UI shows it on every page),
	 * not unavailability: the status stays "ok" */
	http_reply_json(r, ok ? 200 : 503,
			json_pack("{s:s,s:s,s:o*}", "status", ok ? "ok" : "unavailable", "database",
				  db_kind(a->db) == DB_PG ? "postgresql" : "sqlite", "clock", clk));
}

void api_metrics(app *a, http_req *r, auth_user *u)
{
	(void)u;
	http_stats st;
	http_stats_get(&st);
	buf b;
	buf_init(&b, 64 * 1024);
	sj_err e = buf_printf(&b,
			      "# HELP sijill_http_requests_total Requests answered, by status class.\n"
			      "# TYPE sijill_http_requests_total counter\n");
	for (int i = 1; i <= 5 && !e; i++)
		e = buf_printf(&b, "sijill_http_requests_total{class=\"%dxx\"} %llu\n", i,
			       (unsigned long long)st.by_class[i]);
	if (!e)
		e = buf_printf(&b,
			       "# HELP sijill_http_active_requests Requests being served now.\n"
			       "# TYPE sijill_http_active_requests gauge\n"
			       "sijill_http_active_requests %llu\n"
			       "# HELP sijill_http_rejected_limits_total Requests refused by a size or rate limit.\n"
			       "# TYPE sijill_http_rejected_limits_total counter\n"
			       "sijill_http_rejected_limits_total %llu\n"
			       "# HELP sijill_http_request_duration_seconds_sum Time spent serving requests.\n"
			       "# TYPE sijill_http_request_duration_seconds_sum counter\n"
			       "sijill_http_request_duration_seconds_sum %.6f\n"
			       "# HELP sijill_start_time_seconds When this process started.\n"
			       "# TYPE sijill_start_time_seconds gauge\n"
			       "sijill_start_time_seconds %lld\n"
			       "# HELP sijill_info Build and database.\n"
			       "# TYPE sijill_info gauge\n"
			       "sijill_info{database=\"%s\"} 1\n",
			       (unsigned long long)st.active, (unsigned long long)st.rejected_limits,
			       (double)st.duration_us_sum / 1e6, (long long)(a->started_ms / 1000),
			       db_kind(a->db) == DB_PG ? "postgresql" : "sqlite");
	if (e)
		app_fail(r, e, NULL);
	else
		http_reply_bytes(r, 200, "text/plain; version=0.0.4; charset=utf-8", b.data, b.len);
	buf_free(&b);
}

void api_openapi(app *a, http_req *r, auth_user *u)
{
	(void)a;
	(void)u;
	json_t *doc = app_openapi();
	if (!doc) {
		app_fail(r, SJ_ENOMEM, NULL);
		return;
	}
	http_reply_json(r, 200, doc);
}

void api_test_clock(app *a, http_req *r, auth_user *u)
{
	(void)u;
	int64_t offset = (int64_t)json_integer_value(json_object_get(http_json(r), "offset_ms"));
	const char *sync = json_string_value(json_object_get(http_json(r), "clock_synchronised"));
	int force = !sync ? -1
		: strcmp(sync, "yes") == 0 ? (int)CLOCK_SYNC_YES
		: strcmp(sync, "no") == 0 ? (int)CLOCK_SYNC_NO : (int)CLOCK_SYNC_UNKNOWN;
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	/* the clock moves once the audit entry saying so is committed; the
	 * answer, built before, says the time it will be */
	int64_t now = clock_now_ms() - clock_get_offset() + offset;
	json_t *out = json_pack("{s:I,s:I}", "offset_ms", (json_int_t)offset, "now", (json_int_t)now);
	app_reply(a, r, c, out ? SJ_OK : SJ_ENOMEM, NULL, NULL, NULL, json_pack("{s:I}", "offset_ms", (json_int_t)offset),
		  200, out);
	if (http_status(r) == 200) {
		clock_set_offset(offset);
		if (force != -1)
			clock_set_sync_override((clock_sync)force);
	}
}
