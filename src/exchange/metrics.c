/* metrics.c — the exchange in Prometheus text (GET /metrics): on a node what
 * is pending and how old the last acknowledgement is; at central, per node,
 * the acknowledged sequence, the age of its last batch, the quarantine. */
#include "exchange/exchange.h"

#include "core/clock.h"

#define P(...) \
	do { \
		if (!e) \
			e = buf_printf(b, __VA_ARGS__); \
	} while (0)

static long long iv(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

sj_err xchg_metrics(db *d, buf *b)
{
	db_conn *c;
	sj_err e = db_acquire(d, &c);
	if (e)
		return e;
	json_t *st = NULL;
	xchg_join jn;
	bool node = xchg_join_read(&jn);
	if (!(e = db_begin(c, DB_READ))) {
		e = node ? xchg_status_node(c, &st) : xchg_status_central(c, clock_now_ms(), &st);
		db_rollback(c);
	}
	db_release(d, c);
	if (e)
		return e;
	double now = (double)clock_now_ms() / 1000;
	if (node) {
		json_t *n = json_object_get(st, "node");
		P("# HELP sijill_exchange_pending Changes of this node central has not acknowledged yet.\n"
		  "# TYPE sijill_exchange_pending gauge\nsijill_exchange_pending %lld\n"
		  "# HELP sijill_exchange_last_ack_seq The last sequence central acknowledged.\n"
		  "# TYPE sijill_exchange_last_ack_seq gauge\nsijill_exchange_last_ack_seq %lld\n"
		  "# HELP sijill_exchange_last_ack_age_seconds Time since the last successful exchange (-1: never).\n"
		  "# TYPE sijill_exchange_last_ack_age_seconds gauge\nsijill_exchange_last_ack_age_seconds %.3f\n",
		  iv(n, "pending"), iv(n, "last_ack_seq"),
		  iv(n, "last_ack_at") > 0 ? now - (double)iv(n, "last_ack_at") / 1000 : -1.0);
	} else {
		json_t *nodes = json_object_get(st, "nodes"), *n;
		size_t i;
		P("# HELP sijill_exchange_quarantined Records of units their node does not host, kept aside.\n"
		  "# TYPE sijill_exchange_quarantined gauge\nsijill_exchange_quarantined %lld\n"
		  "# HELP sijill_exchange_node_acked_seq Per node: the last sequence applied at central.\n"
		  "# TYPE sijill_exchange_node_acked_seq gauge\n",
		  iv(st, "quarantined"));
		json_array_foreach(nodes, i, n) {
			P("sijill_exchange_node_acked_seq{node=\"%s\",unit=\"%s\",status=\"%s\"} %lld\n",
			  json_string_value(json_object_get(n, "id")), json_string_value(json_object_get(n, "unit_code")),
			  json_string_value(json_object_get(n, "status")), iv(n, "acked_seq"));
		}
		P("# HELP sijill_exchange_node_lag_seconds Per node: time since its last batch (-1: never).\n"
		  "# TYPE sijill_exchange_node_lag_seconds gauge\n");
		json_array_foreach(nodes, i, n) {
			P("sijill_exchange_node_lag_seconds{node=\"%s\",unit=\"%s\"} %.3f\n",
			  json_string_value(json_object_get(n, "id")), json_string_value(json_object_get(n, "unit_code")),
			  iv(n, "last_at") > 0 ? now - (double)iv(n, "last_at") / 1000 : -1.0);
		}
		P("# HELP sijill_exchange_node_chain_broken Per node: 1 when its audit chain did not continue.\n"
		  "# TYPE sijill_exchange_node_chain_broken gauge\n");
		json_array_foreach(nodes, i, n) {
			P("sijill_exchange_node_chain_broken{node=\"%s\"} %d\n", json_string_value(json_object_get(n, "id")),
			  json_is_string(json_object_get(n, "chain_error")) ? 1 : 0);
		}
	}
	json_decref(st);
	return e;
}
