/* api_exchange.c — the exchange with central (exchange/exchange.h): a node
 * enrols with its one-time code, pushes signed batches (both routes are
 * authenticated by the code and by the node's pinned key, not by a
 * session), and administrators read the exchange's status. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "core/clock.h"
#include "exchange/exchange.h"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

void api_exchange_enrol(app *a, http_req *r, auth_user *u)
{
	json_t *in = http_json(r), *out = NULL;
	const char *why = NULL;
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	sj_err e = xchg_enrol(c, jstr(in, "code"), jstr(in, "public_key"), clock_now_ms(), &out, &why);
	app_reply(a, r, c, e, NULL, why, e ? NULL : jstr(out, "node_id"), NULL, 200, out);
	(void)u;
}

void api_exchange_batch(app *a, http_req *r, auth_user *u)
{
	(void)u;
	json_t *in = http_json(r);
	const char *why = NULL;
	xchg_applied res;
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	sj_err e = xchg_apply(c, in, clock_now_ms(), &res, &why);
	if (e == SJ_ECONFLICT && res.expected > 0) {
		/* a gap: nothing applied; the answer names the sequence central expects */
		char detail[128];
		snprintf(detail, sizeof detail, "central expects sequence %lld next", (long long)res.expected);
		db_rollback(c);
		db_release(a->db, c);
		http_problem(r, 409, why, detail,
			     json_pack("{s:I,s:{s:I}}", "expected", (json_int_t)res.expected, "vars", "expected",
				       (json_int_t)res.expected));
		return;
	}
	json_t *detail = e ? NULL
			   : json_pack("{s:I,s:I,s:I,s:I,s:I}", "ack", (json_int_t)res.ack, "applied",
				       (json_int_t)res.applied, "unchanged", (json_int_t)res.unchanged, "quarantined",
				       (json_int_t)res.quarantined, "purged", (json_int_t)res.purged);
	app_reply(a, r, c, e, NULL, why, res.node_id[0] ? res.node_id : NULL, detail, 200,
		  e ? NULL : xchg_ack_json(&res));
}

void api_exchange_status(app *a, http_req *r, auth_user *u)
{
	(void)u;
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	json_t *out = NULL;
	xchg_join jn;
	sj_err e = xchg_join_read(&jn) ? xchg_status_node(c, &out) : xchg_status_central(c, clock_now_ms(), &out);
	app_reply(a, r, c, e, NULL, NULL, NULL, NULL, 200, out);
}

void api_exchange_digest(app *a, http_req *r, auth_user *u)
{
	(void)u;
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	json_t *d = NULL;
	const char *id = http_param(r, "id");
	sj_err e = strcmp(id, "self") == 0 ? xchg_digest_node(c, &d) : xchg_digest_central(c, id, &d);
	app_reply(a, r, c, e, NULL, NULL, id, NULL, 200, e ? NULL : json_pack("{s:o}", "digest", d));
}

void api_exchange_pull(app *a, http_req *r, auth_user *u)
{
	(void)u;
	json_t *out = NULL;
	const char *why = NULL;
	char node[XCHG_NODE_ID_MAX + 1] = "";
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	sj_err e = xchg_feed_serve(c, http_json(r), clock_now_ms(), &out, &why, node);
	app_reply(a, r, c, e, NULL, why, node[0] ? node : NULL, NULL, 200, out);
}

void api_exchange_lookup(app *a, http_req *r, auth_user *u)
{
	(void)u;
	json_t *out = NULL;
	const char *why = NULL;
	int64_t retry = 0;
	char node[XCHG_NODE_ID_MAX + 1] = "";
	/* a look-up writes: central's rate-limit count, the hits it raises, its audit */
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	sj_err e = xchg_lookup_serve(c, http_json(r), clock_now_ms(), &out, &why, &retry, node);
	app_retry_after(r, e, retry);
	app_reply(a, r, c, e, NULL, why, node[0] ? node : NULL, NULL, 200, out);
}
