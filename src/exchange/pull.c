/* pull.c — a node pulls central's feeds (exchange.h, "pull"): one signed
 * request carrying every feed's cursor, central's signed answer verified
 * under the key pinned at join, every feed applied and the cursors stored in
 * one transaction with its audit entry; again while a feed has more. */
#include "exchange/exchange.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "settings/settings.h"

#define PULL_ANSWER_MAX (16 << 20)
#define PULL_ROUNDS_MAX 100000

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
	return buf_add(ctx, p, size * n) ? 0 : size * n;
}

static sj_err post(const char *url, const char *text, buf *body, long *status, char *msg, size_t msgsz)
{
	buf_init(body, PULL_ANSWER_MAX);
	*status = 0;
	CURL *h = curl_easy_init();
	if (!h)
		return SJ_ENOMEM;
	struct curl_slist *hd = curl_slist_append(NULL, "Content-Type: application/json");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, text);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(text));
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	CURLcode rc = curl_easy_perform(h);
	if (rc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	else
		snprintf(msg, msgsz, "central unreachable (%s): %s", url, curl_easy_strerror(rc));
	curl_slist_free_all(hd);
	curl_easy_cleanup(h);
	return rc == CURLE_OK ? SJ_OK : SJ_EIO;
}

static void key_of(char *out, size_t n, const char *feed, const char *suffix)
{
	snprintf(out, n, "xchg.feed.%s%s", feed, suffix);
}

/* request builds the signed pull request from the node's cursors. */
static sj_err request(db *d, const xchg_join *jn, char **text)
{
	*text = NULL;
	db_conn *c;
	sj_err e = db_acquire(d, &c);
	if (e)
		return e;
	json_t *feeds = json_object();
	if (!feeds)
		e = SJ_ENOMEM;
	if (!e && !(e = db_begin(c, DB_READ))) {
		for (size_t i = 0; !e && i < xchg_feeds_count; i++) {
			char key[XCHG_FEED_NAME_MAX + 32];
			int64_t cur = 0;
			bool found;
			key_of(key, sizeof key, xchg_feeds[i].name, "");
			e = settings_state_get(c, key, &cur, &found);
			if (!e)
				json_object_set_new(feeds, xchg_feeds[i].name, json_integer(cur));
		}
		db_rollback(c);
	}
	db_release(d, c);
	if (e) {
		json_decref(feeds);
		return e;
	}
	json_t *p = json_pack("{s:s,s:I,s:o}", "node", jn->node_id, "at", (json_int_t)clock_now_ms(), "feeds", feeds);
	char *payload = p ? json_dumps(p, JSON_COMPACT) : NULL;
	json_decref(p);
	if (!payload)
		return SJ_ENOMEM;
	size_t n = strlen(payload);
	char *msg = malloc(n + 16), sig[XCHG_SIG_HEX + 1];
	if (!msg) {
		free(payload);
		return SJ_ENOMEM;
	}
	memcpy(msg, "sijill-pull-v1\n", 15);
	memcpy(msg + 15, payload, n);
	xchg_sign_hex(msg, n + 15, sig);
	free(msg);
	json_t *b = json_pack("{s:s,s:s,s:s}", "node", jn->node_id, "payload", payload, "sig", sig);
	free(payload);
	*text = b ? json_dumps(b, JSON_COMPACT) : NULL;
	json_decref(b);
	return *text ? SJ_OK : SJ_ENOMEM;
}

/* apply verifies central's answer and applies it in one transaction; *more
 * when a feed has more to send. */
static sj_err apply(db *d, const xchg_join *jn, const char *answer, int64_t *applied, bool *more, char *msg,
		    size_t msgsz)
{
	*more = false;
	json_t *a = json_loads(answer, 0, NULL);
	const char *text = json_string_value(json_object_get(a, "payload")),
		   *sig = json_string_value(json_object_get(a, "sig"));
	size_t n = text ? strlen(text) : 0;
	char *m = text ? malloc(n + 16) : NULL;
	bool ok = false;
	if (m) {
		memcpy(m, "sijill-feed-v1\n", 15);
		memcpy(m + 15, text, n);
		ok = sig && xchg_verify_hex(jn->central_pub, sig, m, n + 15);
		free(m);
	}
	json_t *p = ok ? json_loads(text, 0, NULL) : NULL;
	json_decref(a);
	const char *pnode = json_string_value(json_object_get(p, "node"));
	json_t *feeds = json_object_get(p, "feeds");
	int64_t issued = json_integer_value(json_object_get(p, "issued_at"));
	if (!ok || !pnode || strcmp(pnode, jn->node_id) != 0 || !json_is_object(feeds) || issued <= 0) {
		json_decref(p);
		snprintf(msg, msgsz, "central's feeds are not signed by the pinned central key");
		return SJ_ECRYPTO;
	}
	db_conn *c;
	sj_err e = db_acquire(d, &c);
	if (e) {
		json_decref(p);
		return e;
	}
	int64_t count = 0;
	json_t *detail = json_object();
	if (!(e = db_begin(c, DB_WRITE))) {
		const char *name;
		json_t *f;
		json_object_foreach(feeds, name, f) {
			const xchg_feed *fd = xchg_feed_find(name);
			char key[XCHG_FEED_NAME_MAX + 32];
			int64_t cur = 0, got = 0;
			bool found;
			if (!fd)
				continue;   /* a feed this version does not know: its cursor stays */
			key_of(key, sizeof key, name, "");
			if ((e = settings_state_get(c, key, &cur, &found)))
				break;
			if (json_integer_value(json_object_get(f, "after")) != cur) {
				/* an answer to another request (a replay): nothing of it */
				snprintf(msg, msgsz, "central's feed %s does not start at this node's cursor", name);
				e = SJ_ECONFLICT;
				break;
			}
			e = fd->apply(c, json_object_get(f, "records"), issued, &got);
			if (e) {
				snprintf(msg, msgsz, "feed %s could not be applied (%s)", name, sj_err_name(e));
				break;
			}
			int64_t now = clock_now_ms();
			e = settings_state_set(c, key, json_integer_value(json_object_get(f, "cursor")), now);
			if (!e && !json_is_true(json_object_get(f, "more"))) {
				key_of(key, sizeof key, name, ".issued_at");
				e = settings_state_set(c, key, issued, now);
			} else
				*more = true;
			count += got;
			json_object_set_new(detail, name, json_integer(got));
			if (e)
				break;
		}
		/* an answer that changed nothing but cursors is bookkeeping (node
		 * state, like the push's acknowledgement); one that wrote records
		 * commits with its audit entry */
		if (!e && !(e = settings_state_set(c, XCHG_STATE_LAST_PULL_AT, issued, clock_now_ms())) && count > 0) {
			audit_entry ae = {.badge = "system", .role = "system", .action = "exchange.pull",
					  .object_type = "node", .object_id = jn->node_id, .outcome = "ok",
					  .detail = detail};
			e = audit_append(c, &ae, NULL);
		}
		if (!e)
			e = db_commit(c);
		else
			db_rollback(c);
	}
	db_release(d, c);
	json_decref(detail);
	json_decref(p);
	if (!e && applied)
		*applied += count;
	return e;
}

sj_err xchg_pull(db *d, int64_t *applied, char *msg, size_t msgsz)
{
	char dummy[8];
	if (!msg) {
		msg = dummy;
		msgsz = sizeof dummy;
	}
	msg[0] = '\0';
	if (applied)
		*applied = 0;
	xchg_join jn;
	if (!xchg_join_read(&jn)) {
		snprintf(msg, msgsz, "this node has not joined a central (sijill node join)");
		return SJ_ENOTFOUND;
	}
	char url[1200];
	snprintf(url, sizeof url, "%s/api/v1/exchange/pull", jn.central);
	for (int round = 0; round < PULL_ROUNDS_MAX; round++) {
		char *text = NULL;
		sj_err e = request(d, &jn, &text);
		if (e)
			return e;
		buf body;
		long status = 0;
		e = post(url, text, &body, &status, msg, msgsz);
		free(text);
		bool more = false;
		if (!e && status != 200) {
			snprintf(msg, msgsz, "central refused the pull (HTTP %ld): %.300s", status, buf_str(&body));
			e = status == 403 ? SJ_EFORBIDDEN : SJ_EIO;
		}
		if (!e)
			e = apply(d, &jn, buf_str(&body), applied, &more, msg, msgsz);
		buf_free(&body);
		if (e || !more)
			return e;
	}
	return SJ_EINTERNAL;
}
