/* api_ops.c — health, metrics, the OpenAPI description, the test clock. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "audit/audit.h"
#include "core/buf.h"
#include "core/clock.h"

void api_healthz(app *a, http_req *r, auth_user *u)
{
	(void)u;
	db_conn *c;
	sj_err e = db_acquire(a->db, &c);
	bool ok = false;
	if (!e) {
		db_stmt *s;
		bool row;
		e = db_prepare(c, "SELECT 1", &s);
		e = e ? e : db_step(s, &row);
		ok = !e && row;
		if (!e)
			e = db_step(s, &row);
		db_release(a->db, c);
	}
	http_reply_json(r, ok ? 200 : 503,
			json_pack("{s:s,s:s}", "status", ok ? "ok" : "unavailable", "database",
				  db_kind(a->db) == DB_PG ? "postgresql" : "sqlite"));
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
	audit_stats as;
	audit_stats_get(&as);
	if (!e)
		e = buf_printf(&b,
			       "# HELP sijill_audit_batches_total Transactions of the audit group committer.\n"
			       "# TYPE sijill_audit_batches_total counter\n"
			       "sijill_audit_batches_total %llu\n"
			       "# HELP sijill_audit_batched_entries_total Audit entries it chained.\n"
			       "# TYPE sijill_audit_batched_entries_total counter\n"
			       "sijill_audit_batched_entries_total %llu\n"
			       "# HELP sijill_audit_batch_max Most entries chained in one transaction.\n"
			       "# TYPE sijill_audit_batch_max gauge\n"
			       "sijill_audit_batch_max %llu\n"
			       "# HELP sijill_audit_signed_heads_total Heads of the chain this process signed.\n"
			       "# TYPE sijill_audit_signed_heads_total counter\n"
			       "sijill_audit_signed_heads_total %llu\n"
			       "# HELP sijill_db_log_flushes_total Group flushes of the database log (fsyncs).\n"
			       "# TYPE sijill_db_log_flushes_total counter\n"
			       "sijill_db_log_flushes_total %llu\n",
			       (unsigned long long)as.batches, (unsigned long long)as.entries,
			       (unsigned long long)as.max_batch, (unsigned long long)as.signed_heads,
			       (unsigned long long)db_flushes(a->db));
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
	json_t *body = hjson_body_or_reply(r);
	if (!body)
		return;
	int64_t offset = 0;
	const hjson_field spec[] = {
		{"offset_ms", HJ_INT, 1, -3650LL * 86400000, 3650LL * 86400000, NULL, &offset, 0},
		{NULL, 0, 0, 0, 0, NULL, NULL, 0},
	};
	if (!hjson_fields_or_reply(r, body, spec)) {
		json_decref(body);
		return;
	}
	json_decref(body);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	sj_err e = app_audit(c, r, u, "test.clock", NULL, NULL, NULL, "ok",
			     json_pack("{s:I}", "offset_ms", (json_int_t)offset));
	if (app_finish(a, r, c, e)) {
		clock_set_offset(offset);
		http_reply_json(r, 200, json_pack("{s:I,s:I}", "offset_ms", (json_int_t)offset, "now",
						  (json_int_t)clock_now_ms()));
	}
}
