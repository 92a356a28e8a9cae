/* push.c — a node pushes its outbox to central (exchange.h): batches from the
 * last acknowledged sequence, signed, POSTed with libcurl; the acknowledged
 * sequence is stored only once central's signed answer is verified. Also the
 * node's join (enrolment) and its status. */
#include "exchange/exchange.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/buf.h"
#include "core/clock.h"
#include "db/dbj.h"
#include "org/units.h"
#include "refdata/refdata.h"
#include "settings/settings.h"

typedef struct resp {
	buf body;
	long status;
} resp;

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
	resp *r = ctx;
	return buf_add(&r->body, p, size * n) ? 0 : size * n;
}

/* post sends json text to url; fills *out (status, body). */
static sj_err post(const char *url, const char *text, resp *out, char *msg, size_t msgsz)
{
	buf_init(&out->body, 4 << 20);
	out->status = 0;
	CURL *h = curl_easy_init();
	if (!h)
		return SJ_ENOMEM;
	struct curl_slist *hd = curl_slist_append(NULL, "Content-Type: application/json");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, text);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(text));
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	CURLcode rc = curl_easy_perform(h);
	if (rc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
	else if (msg)
		snprintf(msg, msgsz, "central unreachable (%s): %s", url, curl_easy_strerror(rc));
	curl_slist_free_all(hd);
	curl_easy_cleanup(h);
	return rc == CURLE_OK ? SJ_OK : SJ_EIO;
}

sj_err xchg_join_central(const char *central, const char *code, char *msg, size_t msgsz)
{
	char pub[XCHG_KEY_HEX + 1], url[1200];
	xchg_public_hex(pub);
	snprintf(url, sizeof url, "%s/api/v1/exchange/enrol", central);
	json_t *body = json_pack("{s:s,s:s}", "code", code, "public_key", pub);
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (!text)
		return SJ_ENOMEM;
	resp r;
	sj_err e = post(url, text, &r, msg, msgsz);
	free(text);
	json_t *j = e ? NULL : json_loads(buf_str(&r.body), 0, NULL);
	if (!e && r.status != 200) {
		snprintf(msg, msgsz, "central refused the enrolment (HTTP %ld): %s", r.status, buf_str(&r.body));
		e = SJ_EFORBIDDEN;
	}
	const char *id = json_string_value(json_object_get(j, "node_id")),
		   *unit = json_string_value(json_object_get(j, "unit")),
		   *cpub = json_string_value(json_object_get(j, "central_pub"));
	if (!e && (!id || !unit || !cpub || strlen(cpub) != XCHG_KEY_HEX || strlen(central) >= 1024)) {
		snprintf(msg, msgsz, "central's answer to the enrolment is not understood");
		e = SJ_EINVAL;
	}
	if (!e) {
		xchg_join jn;
		memset(&jn, 0, sizeof jn);
		snprintf(jn.node_id, sizeof jn.node_id, "%s", id);
		snprintf(jn.central, sizeof jn.central, "%s", central);
		snprintf(jn.central_pub, sizeof jn.central_pub, "%s", cpub);
		snprintf(jn.unit, sizeof jn.unit, "%s", unit);
		jn.joined_at = clock_now_ms();
		e = xchg_join_write(&jn);
		if (e)
			snprintf(msg, msgsz, "cannot write the join file beside the audit key");
	}
	json_decref(j);
	buf_free(&r.body);
	return e;
}

static const char sql_pending[] =
	"SELECT seq, tbl, row_id, unit, row FROM xchg_outbox WHERE seq > ? ORDER BY seq LIMIT " REC_STR(XCHG_BATCH_RECORDS);
static const char sql_last[] = "SELECT COALESCE(max(seq), 0) FROM xchg_outbox";

/* name_refs adds to refs every value of row (JSON text) that is one of
 * this node's ids of reference rows (all: {"units": {id: code}, "rules":
 * {id: "version|regime|effective_from"}}): central translates them into its
 * own (those ids differ per database). */
static void name_refs(const char *row, json_t *all, json_t *refs)
{
	json_t *o = json_loads(row, 0, NULL);
	const char *k, *m;
	json_t *v, *map;
	json_object_foreach(o, k, v) {
		const char *s = json_string_value(v);
		json_object_foreach(all, m, map) {
			json_t *code = s ? json_object_get(map, s) : NULL;
			if (code)
				json_object_set(json_object_get(refs, m), s, code);
		}
	}
	json_decref(o);
}

/* node_refs reads this node's units and custody rules (new, as above). */
static sj_err node_refs(db_conn *c, json_t **out)
{
	json_t *list = NULL, *rules = NULL;
	*out = NULL;
	sj_err e = unit_list(c, &list);
	e = e ? e : ref_custody_rules_list(c, &rules);
	json_t *all = e ? NULL : json_pack("{s:{},s:{}}", "units", "rules");
	size_t i;
	json_t *u;
	json_array_foreach(list, i, u) json_object_set(json_object_get(all, "units"),
						       json_string_value(json_object_get(u, "id")),
						       json_object_get(u, "code"));
	json_array_foreach(rules, i, u) {
		char key[160];
		snprintf(key, sizeof key, "%s|%s|%lld", json_string_value(json_object_get(u, "version")),
			 json_string_value(json_object_get(u, "regime")),
			 (long long)json_integer_value(json_object_get(u, "effective_from")));
		const char *id = json_string_value(json_object_get(u, "id"));
		if (id)
			json_object_set_new(json_object_get(all, "rules"), id, json_string(key));
	}
	json_decref(list);
	json_decref(rules);
	if (!e && !all)
		e = SJ_ENOMEM;
	*out = all;
	return e;
}

/* batch builds the signed body of the batch after ack (*to: its last seq,
 * ack when empty), with the codes of the unit ids its rows name. */
static sj_err batch(db_conn *c, const xchg_join *jn, int64_t ack, const audit_signed_head *h, int64_t *to,
		    char **text)
{
	*text = NULL;
	*to = ack;
	json_t *all = NULL, *refs = json_pack("{s:{},s:{}}", "units", "rules");
	if (!refs || node_refs(c, &all)) {
		json_decref(refs);
		json_decref(all);
		return SJ_ENOMEM;
	}
	json_t *recs = json_array();
	db_stmt *s;
	bool row;
	size_t bytes = 0;
	sj_err e = recs ? db_prepare(c, sql_pending, &s) : SJ_ENOMEM;
	if (!e)
		e = db_bind_int(s, 1, ack);
	while (!e && !(e = db_step(s, &row)) && row) {
		const char *unit = db_col_null(s, 3) ? NULL : db_col_text(s, 3), *r = db_col_text(s, 4);
		bytes += strlen(r) + 128;
		if (bytes > XCHG_PAYLOAD_MAX * 3 / 4 && json_array_size(recs) > 0)
			break;
		*to = db_col_int(s, 0);
		name_refs(r, all, refs);
		json_array_append_new(recs, json_pack("{s:I,s:s,s:s,s:s?,s:s}", "seq", (json_int_t)*to, "tbl",
						      db_col_text(s, 1), "id", db_col_text(s, 2), "unit", unit, "row", r));
	}
	json_decref(all);
	if (e) {
		json_decref(recs);
		json_decref(refs);
		return e;
	}
	json_t *p = json_pack("{s:s,s:I,s:I,s:o,s:O,s:O}", "node", jn->node_id, "from", (json_int_t)(ack + 1), "to",
			      (json_int_t)*to, "records", recs, "units", json_object_get(refs, "units"), "rules",
			      json_object_get(refs, "rules"));
	json_decref(refs);
	/* the newest signed head of this node's audit chain, and the key that
	 * signs them: central keeps them as the chain's witness */
	if (p && h && h->seq > 0 && audit_key_loaded()) {
		char pub[65];
		audit_public_hex(pub);
		json_object_set_new(p, "audit_pub", json_string(pub));
		json_object_set_new(p, "head", json_pack("{s:I,s:I,s:s,s:s,s:s,s:s}", "seq", (json_int_t)h->seq, "at",
							 (json_int_t)h->at, "kind", h->kind, "head", h->head, "key_id",
							 h->key_id, "sig", h->sig));
	}
	char *payload = p ? json_dumps(p, JSON_COMPACT) : NULL;
	json_decref(p);
	if (!payload)
		return SJ_ENOMEM;
	size_t n = strlen(payload);
	char *msg = malloc(n + 32), sig[XCHG_SIG_HEX + 1];
	if (!msg) {
		free(payload);
		return SJ_ENOMEM;
	}
	memcpy(msg, "sijill-batch-v1\n", 16);
	memcpy(msg + 16, payload, n);
	xchg_sign_hex(msg, n + 16, sig);
	free(msg);
	json_t *b = json_pack("{s:s,s:s,s:s}", "node", jn->node_id, "payload", payload, "sig", sig);
	free(payload);
	*text = b ? json_dumps(b, JSON_COMPACT) : NULL;
	json_decref(b);
	return *text ? SJ_OK : SJ_ENOMEM;
}

/* store_ack records central's acknowledgement; never backwards (two pushes
 * may race: the loop and `sijill sync'), unless lower (central restored). */
static sj_err store_ack(db *d, int64_t ack, bool lower)
{
	db_conn *c;
	sj_err e = db_acquire(d, &c);
	if (e)
		return e;
	int64_t now = clock_now_ms();
	if (!(e = db_begin(c, DB_WRITE))) {
		int64_t had = 0;
		bool found;
		e = settings_state_get(c, SETTINGS_STATE_LAST_ACK_SEQ, &had, &found);
		if (!e && !lower && had > ack)
			ack = had;
		if (!e)
			e = settings_state_set(c, SETTINGS_STATE_LAST_ACK_SEQ, ack, now);
		if (!e)
			e = settings_state_set(c, SETTINGS_STATE_LAST_ACK_AT, now, now);
		if (!e)
			e = db_commit(c);
		else
			db_rollback(c);
	}
	db_release(d, c);
	return e;
}

/* ---- outbox pruning ----
 * Rows central acknowledged, older than exchange.outbox_retention_days, go:
 * a central restored from a backup younger than that is re-fed from what
 * stays (keep the retention longer than central's backup cycle). The newest
 * row stays, so the sequence and the status read on. In slices, each its
 * own short transaction. */
#define PRUNE_SLICE 5000
static const char sql_prune[] =
	"DELETE FROM xchg_outbox WHERE seq IN (SELECT seq FROM xchg_outbox WHERE seq <= ? AND at < ?"
	" AND seq < (SELECT max(seq) FROM xchg_outbox) ORDER BY seq LIMIT " REC_STR(PRUNE_SLICE) ")";

sj_err xchg_prune(db *d, int64_t now, int64_t *pruned)
{
	*pruned = 0;
	for (;;) {
		db_conn *c;
		sj_err e = db_acquire(d, &c);
		if (e)
			return e;
		int64_t ack = 0, n = 0;
		bool found;
		if (!(e = db_begin(c, DB_WRITE))) {
			int64_t keep_ms = settings_int(c, "exchange.outbox_retention_days") * 86400000LL;
			e = settings_state_get(c, SETTINGS_STATE_LAST_ACK_SEQ, &ack, &found);
			db_stmt *s;
			bool row;
			if (!e && !(e = db_prepare(c, sql_prune, &s)) && !(e = db_bind_int(s, 1, ack)) &&
			    !(e = db_bind_int(s, 2, now - keep_ms)) && !(e = db_step(s, &row)))
				n = db_changes(s);
			if (!e)
				e = db_commit(c);
			else
				db_rollback(c);
		}
		db_release(d, c);
		if (e)
			return e;
		*pruned += n;
		if (n < PRUNE_SLICE)
			return SJ_OK;
	}
}

sj_err xchg_sync(db *d, xchg_progress_fn progress, void *ctx, char *msg, size_t msgsz)
{
	char dummy[8];
	if (!msg) {
		msg = dummy;
		msgsz = sizeof dummy;
	}
	msg[0] = '\0';
	xchg_join jn;
	if (!xchg_join_read(&jn)) {
		snprintf(msg, msgsz, "this node has not joined a central (sijill node join)");
		return SJ_ENOTFOUND;
	}
	char url[1200];
	snprintf(url, sizeof url, "%s/api/v1/exchange/batches", jn.central);
	int64_t target = -1;   /* what was pending when this sync began: writes that
				* keep coming go with the next one */
	audit_signed_head head;
	if (audit_latest_signed_head(d, &head))
		memset(&head, 0, sizeof head);   /* none yet: the next batch carries it */
	for (int rounds = 0; rounds < 1000000; rounds++) {
		db_conn *c;
		int64_t ack = 0, last = 0, to = 0;
		bool found;
		char *text = NULL;
		sj_err e = db_acquire(d, &c);
		if (e)
			return e;
		if (!(e = db_begin(c, DB_READ))) {
			e = settings_state_get(c, SETTINGS_STATE_LAST_ACK_SEQ, &ack, &found);
			if (!e)
				e = dbj_int(c, sql_last, &last, "");
			if (!e && target < 0)
				target = last;
			last = target;
			if (!e)
				e = batch(c, &jn, ack, &head, &to, &text);
			db_rollback(c);
		}
		db_release(d, c);
		if (e)
			return e;
		resp r;
		e = post(url, text, &r, msg, msgsz);
		free(text);
		if (e) {
			buf_free(&r.body);
			return e;
		}
		json_t *j = json_loads(buf_str(&r.body), 0, NULL);
		if (r.status == 200) {
			json_int_t got = json_integer_value(json_object_get(j, "ack"));
			const char *sig = json_string_value(json_object_get(j, "sig"));
			char m[128];
			snprintf(m, sizeof m, "sijill-ack-v1|%s|%lld", jn.node_id, (long long)got);
			if (!sig || !xchg_verify_hex(jn.central_pub, sig, m, strlen(m)) || got < ack || got > to) {
				snprintf(msg, msgsz, "central's acknowledgement is not signed by the pinned central key");
				e = SJ_ECRYPTO;
			} else {
				e = store_ack(d, got, false);
				if (!e && progress)
					progress(got, last, ctx);
				if (!e && got >= last) {
					json_decref(j);
					buf_free(&r.body);
					int64_t pruned = 0;
					return xchg_prune(d, clock_now_ms(), &pruned);
				}
			}
		} else if (r.status == 409 && json_is_integer(json_object_get(j, "expected"))) {
			/* central is behind what it acknowledged (restored from an older
			 * backup): send again from where it is, the outbox kept it */
			json_int_t exp = json_integer_value(json_object_get(j, "expected"));
			if (exp >= 1 && exp - 1 < ack) {
				fprintf(stderr, "sijill: central expects sequence %lld but acknowledged %lld before: it lost "
						"changes (restored from a backup?); sending them again\n",
					(long long)exp, (long long)ack);
				e = store_ack(d, exp - 1, true);
			} else {
				snprintf(msg, msgsz, "central refused the batch: %s", buf_str(&r.body));
				e = SJ_ECONFLICT;
			}
		} else {
			snprintf(msg, msgsz, "central refused the batch (HTTP %ld): %.300s", r.status, buf_str(&r.body));
			e = r.status == 403 ? SJ_EFORBIDDEN : SJ_EIO;
		}
		json_decref(j);
		buf_free(&r.body);
		if (e)
			return e;
	}
	return SJ_EINTERNAL;
}

static const char sql_pending_count[] = "SELECT count(*) FROM xchg_outbox WHERE seq > ?";
static const char sql_oldest[] = "SELECT COALESCE(min(at), 0) FROM xchg_outbox WHERE seq > ?";

static const char sql_row_pending[] = "SELECT count(*) FROM xchg_outbox WHERE tbl = ? AND row_id = ? AND seq > ?";

sj_err xchg_row_acked(db_conn *c, const char *tbl, const char *row_id, bool *acked)
{
	*acked = false;
	int64_t ack = 0, pending = 0;
	bool found = false;
	sj_err e = settings_state_get(c, SETTINGS_STATE_LAST_ACK_SEQ, &ack, &found);
	e = e ? e : dbj_int(c, sql_row_pending, &pending, "tti", tbl, row_id, ack);
	if (!e)
		*acked = found && pending == 0;
	return e;
}

sj_err xchg_status_node(db_conn *c, json_t **out)
{
	*out = NULL;
	xchg_join jn;
	bool joined = xchg_join_read(&jn), f1, f2;
	int64_t ack = 0, at = 0, last = 0, pending = 0, oldest = 0;
	sj_err e = settings_state_get(c, SETTINGS_STATE_LAST_ACK_SEQ, &ack, &f1);
	if (!e)
		e = settings_state_get(c, SETTINGS_STATE_LAST_ACK_AT, &at, &f2);
	if (!e)
		e = dbj_int(c, sql_last, &last, "");
	if (!e)
		e = dbj_int(c, sql_pending_count, &pending, "i", ack);
	if (!e)
		e = dbj_int(c, sql_oldest, &oldest, "i", ack);
	if (e)
		return e;
	json_t *node = json_pack("{s:b,s:s?,s:s?,s:s?,s:I,s:I,s:I,s:I,s:I}", "joined", joined, "node_id",
				 joined ? jn.node_id : NULL, "central", joined ? jn.central : NULL, "unit",
				 joined ? jn.unit : NULL, "last_ack_seq", (json_int_t)ack, "last_ack_at", (json_int_t)at,
				 "last_seq", (json_int_t)last, "pending", (json_int_t)pending, "oldest_pending_at",
				 (json_int_t)oldest);
	/* the pull: when central's feeds were last applied, and each feed's
	 * last complete issue (the age of the hotlists) */
	int64_t pulled = 0;
	bool f3;
	json_t *feeds = json_object();
	e = settings_state_get(c, XCHG_STATE_LAST_PULL_AT, &pulled, &f3);
	for (size_t i = 0; !e && feeds && i < xchg_feeds_count; i++) {
		char key[XCHG_FEED_NAME_MAX + 32];
		int64_t issued = 0;
		snprintf(key, sizeof key, "xchg.feed.%s.issued_at", xchg_feeds[i].name);
		e = settings_state_get(c, key, &issued, &f3);
		if (!e)
			json_object_set_new(feeds, xchg_feeds[i].name, issued ? json_integer(issued) : json_null());
	}
	if (e || !node || !feeds) {
		json_decref(node);
		json_decref(feeds);
		return e ? e : SJ_ENOMEM;
	}
	json_object_set_new(node, "last_pull_at", json_integer(pulled));
	json_object_set_new(node, "feeds", feeds);
	*out = json_pack("{s:s,s:o}", "role", "node", "node", node);
	return *out ? SJ_OK : SJ_ENOMEM;
}

static const char sql_rows_node[] =
	"SELECT tbl, row_id, row FROM xchg_outbox o WHERE seq = (SELECT max(seq) FROM xchg_outbox i"
	" WHERE i.tbl = o.tbl AND i.row_id = o.row_id AND i.seq <= ?)";

sj_err xchg_digest_node(db_conn *c, json_t **out)
{
	int64_t ack = 0;
	bool found;
	db_stmt *s;
	sj_err e = settings_state_get(c, SETTINGS_STATE_LAST_ACK_SEQ, &ack, &found);
	if (!e)
		e = db_prepare(c, sql_rows_node, &s);
	if (!e)
		e = db_bind_int(s, 1, ack);
	return e ? e : xchg_digest_rows(s, out);
}
