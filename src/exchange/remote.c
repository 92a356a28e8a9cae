/* remote.c — national look-ups from a node answered by central
 * (exchange.h, "Online and offline look-ups"): the node signs the look-up
 * (who asks — badge, role, unit — the purpose and the query) with its key;
 * central checks the node, that the officer's unit is one the node hosts,
 * counts the look-up on its own rate limit, answers it from the national
 * index with lookup_persons, audits it with the officer's badge and purpose
 * and signs the answer. The node audits it too (its route's entry). */
#include "exchange/exchange.h"
#include "exchange/internal.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/roles.h"
#include "core/buf.h"
#include "core/clock.h"
#include "settings/settings.h"

#define REMOTE_ANSWER_MAX (2 << 20)

/* ---- central ---- */

sj_err xchg_lookup_serve(db_conn *c, json_t *body, int64_t now, json_t **out, const char **why, int64_t *retry_s,
			 char node_out[XCHG_NODE_ID_MAX + 1])
{
	*out = NULL;
	json_t *p = NULL;
	unit_info hu, au;
	sj_err e = xchg_verify_request(c, body, "lookup", now, &p, &hu, why, node_out);
	if (e)
		return e;
	json_t *who = json_object_get(p, "actor"), *qq = json_object_get(p, "query");
	const char *id = json_string_value(json_object_get(who, "id")),
		   *badge = json_string_value(json_object_get(who, "badge")),
		   *rname = json_string_value(json_object_get(who, "role")),
		   *unit = json_string_value(json_object_get(who, "unit"));
	role rl = role_from_name(rname);
	lookup_query q = {.q = json_string_value(json_object_get(qq, "q")),
			  .purpose = json_string_value(json_object_get(p, "purpose")),
			  .birth_date = json_string_value(json_object_get(qq, "birth_date")),
			  .sex = json_string_value(json_object_get(qq, "sex")),
			  .father = json_string_value(json_object_get(qq, "father")),
			  .birth_year = (int)json_integer_value(json_object_get(qq, "birth_year")),
			  .birth_place = json_string_value(json_object_get(qq, "birth_place")),
			  .limit = (int)json_integer_value(json_object_get(qq, "limit"))};
	if (!id || !badge || !unit || !q.q || strlen(q.q) > 300 || q.limit < 0 || q.limit > 50) {
		*why = "request-malformed";
		e = SJ_EINVAL;
		goto out;
	}
	/* the node speaks for its own officers only, and only case readers look up */
	e = unit_get_by_code(c, unit, &au);
	if (e == SJ_ENOTFOUND || (!e && !unit_in_scope(hu.path, au.path)) || !(rl & ROLES_CASE_READERS)) {
		*why = "lookup-not-hosted";
		e = SJ_EFORBIDDEN;
		goto out;
	}
	if (e)
		goto out;
	sj_actor a = {.id = id, .badge = badge, .role = (unsigned)rl, .role_name = role_name(rl), .unit_id = au.id,
		      .unit_code = au.code, .unit_path = au.path, .unit_name_fr = au.name_fr, .unit_name_ar = au.name_ar,
		      .national = role_is_national(rl), .writer = false, .via = "exchange"};
	json_t *ans = NULL;
	e = lookup_persons(c, &a, &q, &ans, why, retry_s);
	audit_entry ae = {.actor_id = id, .badge = badge, .role = role_name(rl), .unit_code = au.code,
			  .action = "person.search", .object_type = "person", .purpose = q.purpose,
			  .outcome = e ? "refused" : "ok",
			  .detail = json_pack("{s:s,s:s,s:I}", "node", node_out, "q", q.q, "results",
					      (json_int_t)json_array_size(json_object_get(ans, "results")))};
	sj_err ae_e = e == SJ_OK || e == SJ_ELIMIT ? audit_append(c, &ae, NULL) : SJ_OK;
	json_decref(ae.detail);
	if (!e && ae_e)
		e = ae_e;
	if (e) {
		json_decref(ans);
		goto out;
	}
	json_t *ap = json_pack("{s:s,s:I,s:o}", "node", node_out, "at", (json_int_t)now, "answer", ans);
	char *text = ap ? json_dumps(ap, JSON_COMPACT) : NULL;
	json_decref(ap);
	*out = text ? xchg_signed_text("lookup-answer", text) : NULL;
	free(text);
	e = *out ? SJ_OK : SJ_ENOMEM;
out:
	json_decref(p);
	return e;
}

/* ---- node ---- */

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
	return buf_add(ctx, p, size * n) ? 0 : size * n;
}

sj_err xchg_lookup_remote(const sj_actor *a, const lookup_query *q, json_t **answer, json_t **problem, char *msg,
			  size_t msgsz)
{
	*answer = NULL;
	*problem = NULL;
	xchg_join jn;
	if (!xchg_join_read(&jn)) {
		snprintf(msg, msgsz, "not a node");
		return SJ_ENOTFOUND;
	}
	json_t *p = json_pack("{s:s,s:I,s:{s:s?,s:s?,s:s?,s:s?},s:s?,s:{s:s,s:s?,s:s?,s:s?,s:i,s:s?,s:i}}", "node",
			      jn.node_id, "at", (json_int_t)clock_now_ms(), "actor", "id", a->id, "badge", a->badge,
			      "role", a->role_name, "unit", a->unit_code, "purpose", q->purpose, "query", "q", q->q,
			      "birth_date", q->birth_date, "sex", q->sex, "father", q->father, "birth_year", q->birth_year,
			      "birth_place", q->birth_place, "limit", q->limit);
	char *payload = p ? json_dumps(p, JSON_COMPACT) : NULL;
	json_decref(p);
	json_t *req = payload ? xchg_signed_text("lookup", payload) : NULL;
	free(payload);
	if (req)
		json_object_set_new(req, "node", json_string(jn.node_id));
	char *text = req ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	if (!text)
		return SJ_ENOMEM;
	char url[1200];
	snprintf(url, sizeof url, "%s/api/v1/exchange/lookup", jn.central);
	buf body;
	buf_init(&body, REMOTE_ANSWER_MAX);
	long status = 0;
	CURL *h = curl_easy_init();
	struct curl_slist *hd = h ? curl_slist_append(NULL, "Content-Type: application/json") : NULL;
	CURLcode rc = CURLE_FAILED_INIT;
	if (h && hd) {
		curl_easy_setopt(h, CURLOPT_URL, url);
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, text);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(text));
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
		/* an officer waits for the answer: central answers fast or the node does */
		curl_easy_setopt(h, CURLOPT_TIMEOUT, 8L);
		curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 3L);
		curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
		rc = curl_easy_perform(h);
		if (rc == CURLE_OK)
			curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	}
	curl_slist_free_all(hd);
	if (h)
		curl_easy_cleanup(h);
	free(text);
	sj_err e = SJ_OK;
	json_t *j = rc == CURLE_OK ? json_loads(buf_str(&body), 0, NULL) : NULL;
	buf_free(&body);
	if (rc != CURLE_OK) {
		snprintf(msg, msgsz, "central unreachable: %s", curl_easy_strerror(rc));
		e = SJ_EIO;
	} else if (status != 200) {
		snprintf(msg, msgsz, "central refused the look-up (HTTP %ld)", status);
		*problem = j;
		j = NULL;
		e = status == 429 ? SJ_ELIMIT : status == 403 ? SJ_EFORBIDDEN : SJ_EIO;
	} else {
		const char *pt = json_string_value(json_object_get(j, "payload")),
			   *sig = json_string_value(json_object_get(j, "sig"));
		json_t *ap = xchg_signed_ok("lookup-answer", jn.central_pub, pt, sig) ? json_loads(pt, 0, NULL) : NULL;
		const char *an = json_string_value(json_object_get(ap, "node"));
		if (!ap || !an || strcmp(an, jn.node_id) != 0 || !json_is_object(json_object_get(ap, "answer"))) {
			snprintf(msg, msgsz, "central's answer is not signed by the pinned central key");
			e = SJ_ECRYPTO;
		} else
			*answer = json_incref(json_object_get(ap, "answer"));
		json_decref(ap);
	}
	json_decref(j);
	return e;
}

sj_err xchg_copy_age(db_conn *c, int64_t now, int64_t *as_of, int64_t *age_s)
{
	bool found;
	int64_t at = 0;
	sj_err e = settings_state_get(c, XCHG_STATE_LAST_PULL_AT, &at, &found);
	if (!e && !at) {
		xchg_join jn;
		if (xchg_join_read(&jn))
			at = jn.joined_at;
	}
	*as_of = at;
	*age_s = at ? (now - at) / 1000 : -1;
	return e;
}
