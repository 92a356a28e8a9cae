/* api_ops.c — health, metrics, the OpenAPI description, the test clock. */
#include <stdio.h>
#include <string.h>

#include "procedure/procedure.h"
#include "app/app.h"
#include "audit/audit.h"
#include "exchange/exchange.h"
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

/* repl_state names what a primary's replication means for its commits:
 * "sync" (a synchronous standby has each one), "no-sync-standby" (standbys
 * or slots exist but none is synchronous now: pg_auto_failover's
 * wait_primary; one more failure loses writes), "standalone" (no
 * replication set up), "standby" (this server is one). */
static const char *repl_state(const db_repl *rp)
{
	if (rp->in_recovery)
		return "standby";
	if (rp->sync_standbys > 0)
		return "sync";
	if (rp->standbys > 0 || rp->slots > 0 || rp->sync_names[0])
		return "no-sync-standby";
	return "standalone";
}

/* replication reads the primary's (and the reader pool's) replication into
 * *rp / *rd; false when not PostgreSQL or when it could not be read. */
static bool replication(app *a, db_conn *c, db_repl *rp, db_repl *rd, bool *rd_ok)
{
	*rd_ok = false;
	memset(rd, 0, sizeof *rd);
	if (db_conn_kind(c) != DB_PG || db_replication(c, rp) || !rp->known)
		return false;
	if (db_has_reader(a->db)) {
		db_conn *rc;
		if (!db_acquire_reader(a->db, c, &rc)) {
			*rd_ok = db_replication(rc, rd) == SJ_OK && rd->known;
			db_release_reader(a->db, c, rc);
		}
	}
	return true;
}

void api_healthz(app *a, http_req *r, auth_user *u)
{
	(void)u;
	bool ok = db_ping(a->db), have_repl = false, rd_ok = false;
	db_repl rp, rd;
	db_conn *c;
	xchg_staleness xs = {0};
	if (ok && db_acquire(a->db, &c) == SJ_OK) {
		have_repl = replication(a, c, &rp, &rd, &rd_ok);
		if (xchg_staleness_get(c, clock_now_ms(), &xs))
			xs.joined = false;
		db_release(a->db, c);
	}
	json_t *repl = NULL;
	bool degraded = false;
	if (have_repl) {
		const char *state = repl_state(&rp);
		degraded = strcmp(state, "no-sync-standby") == 0;
		repl = json_pack("{s:s,s:s,s:I,s:I,s:I}", "state", state, "synchronous_standby_names", rp.sync_names,
				 "sync_standbys", (json_int_t)rp.sync_standbys, "standbys", (json_int_t)rp.standbys,
				 "slots", (json_int_t)rp.slots);
		if (repl && db_has_reader(a->db))
			json_object_set_new(repl, "reader",
					    rd_ok ? json_pack("{s:b,s:o}", "in_recovery", rd.in_recovery, "replay_lag_ms",
							      rd.replay_lag_ms >= 0 ? json_integer(rd.replay_lag_ms) : json_null())
						  : json_pack("{s:s}", "state", "unavailable"));
	}
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
	 * not unavailability: the status stays "ok". A primary without a
	 * synchronous standby still serves (200) but is "degraded": alert. */
	http_reply_json(r, ok ? 200 : 503,
			json_pack("{s:s,s:s,s:o*,s:o*,s:o*}", "status", !ok ? "unavailable" : degraded ? "degraded" : "ok",
				  "database", db_kind(a->db) == DB_PG ? "postgresql" : "sqlite", "clock", clk,
				  "replication", repl, "exchange", xchg_staleness_json(&xs)));
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
	db_conn *c = NULL;
	db_repl rp, rd;
	bool rd_ok = false;
	if (!e && db_kind(a->db) == DB_PG && !db_acquire(a->db, &c)) {
		if (replication(a, c, &rp, &rd, &rd_ok))
			e = buf_printf(&b,
				       "# HELP sijill_db_sync_standbys Standbys confirming each commit (sync or quorum).\n"
				       "# TYPE sijill_db_sync_standbys gauge\n"
				       "sijill_db_sync_standbys %lld\n"
				       "# HELP sijill_db_standbys Standbys connected to the primary.\n"
				       "# TYPE sijill_db_standbys gauge\n"
				       "sijill_db_standbys %lld\n"
				       "# HELP sijill_db_without_sync_standby 1 when standbys or slots exist but no "
				       "synchronous standby: one more failure loses writes (wait_primary).\n"
				       "# TYPE sijill_db_without_sync_standby gauge\n"
				       "sijill_db_without_sync_standby %d\n",
				       (long long)rp.sync_standbys, (long long)rp.standbys,
				       strcmp(repl_state(&rp), "no-sync-standby") == 0);
		if (!e && rd_ok && rd.replay_lag_ms >= 0)
			e = buf_printf(&b,
				       "# HELP sijill_db_reader_replay_lag_seconds The read pool's standby: time since "
				       "its last replayed commit.\n"
				       "# TYPE sijill_db_reader_replay_lag_seconds gauge\n"
				       "sijill_db_reader_replay_lag_seconds %.3f\n",
				       (double)rd.replay_lag_ms / 1000);
		db_release(a->db, c);
	}
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
			       "sijill_db_log_flushes_total %llu\n"
			       "# HELP sijill_db_async_commits_total Writes whose commit a finisher ended, the worker freed.\n"
			       "# TYPE sijill_db_async_commits_total counter\n"
			       "sijill_db_async_commits_total %llu\n",
			       (unsigned long long)as.batches, (unsigned long long)as.entries,
			       (unsigned long long)as.max_batch, (unsigned long long)as.signed_heads,
			       (unsigned long long)db_flushes(a->db), (unsigned long long)db_async_commits(a->db));
	if (!e)
		e = buf_printf(&b,
			       "# HELP sijill_http_suspended Connections whose answer waits, suspended, for its audit "
			       "entry to be durable.\n"
			       "# TYPE sijill_http_suspended gauge\n"
			       "sijill_http_suspended %llu\n",
			       (unsigned long long)http_waiting());
	if (!e)
		e = xchg_metrics(a->db, &b);
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
		proc_retention_job_wake(); /* the day may have changed: the daily retention looks at once */
		if (force != -1)
			clock_set_sync_override((clock_sync)force);
	}
}
