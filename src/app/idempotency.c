/* idempotency.c — the Idempotency-Key header over HTTP (app.h, idem.h,
 * docs/internals/idem.md).
 *
 * dispatch → app_idem_check_or_reply (a key on a write: validated, looked up;
 * a stored result is replayed before the handler runs) → the handler →
 * app_begin_or_reply (looks again inside the write transaction: on SQLite
 * writers are serialised there, so a concurrent twin sees the first one's
 * entry) → app_reply / app_finish_reply (the result stored with the write,
 * before COMMIT; a concurrent twin that committed first wins, this one rolls
 * back and answers the winner's result). */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/jdump.h"
#include "core/log.h"

#define JSON_CTYPE "application/json; charset=utf-8"

static bool is_write(const char *m)
{
	return strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0 || strcmp(m, "PATCH") == 0 || strcmp(m, "DELETE") == 0;
}

static app_idem *state(const http_req *r)
{
	app_idem *st = http_app_data(r);
	return st && st->active ? st : NULL;
}

/* replay answers the stored result, after auditing that it was given again
 * (a replay hands back personal data: it is a read like any other). */
static void replay(app *a, http_req *r, const app_idem *st, const idem_result *res)
{
	const route *rt = app_route(r);
	db_conn *c;
	sj_err e = db_acquire(a->db, &c);
	if (e) {
		app_fail(r, e, NULL);
		return;
	}
	e = db_begin(c, DB_WRITE);
	if (!e)
		e = app_audit(c, r, http_user(r), res->action ? res->action : "idempotency.replay", rt ? rt->object : NULL,
			      res->object_id, http_query(r, "purpose"), "replayed",
			      json_pack("{s:s,s:i,s:s?}", "idempotency_key", st->key, "status", res->status,
					"first_request_id", res->request_id));
	e = e ? e : db_commit(c);
	if (e)
		db_rollback(c);
	db_release(a->db, c);
	if (e) {
		app_fail(r, e, NULL);
		return;
	}
	if (http_add_header(r, "Idempotency-Replayed", "true")) {
		/* the result still goes out without the header */
	}
	http_reply_bytes(r, res->status, JSON_CTYPE, res->body, res->len);
}

static void refuse_mismatch(http_req *r)
{
	http_problem(r, 422, "idempotency-key-reused",
		     "this Idempotency-Key was already used for a different request (another path or body); "
		     "send a new key for a new request",
		     NULL);
}

/* answer_found answers what a lookup found; false when it found nothing. */
static bool answer_found(app *a, http_req *r, const app_idem *st, idem_found f, idem_result *res)
{
	if (f == IDEM_MATCH)
		replay(a, r, st, res);
	else if (f == IDEM_MISMATCH)
		refuse_mismatch(r);
	idem_result_free(res);
	return f != IDEM_NONE;
}

/* lookup_fresh looks the key up on a connection of its own, outside any
 * transaction; false with *e set when the database could not answer. */
static bool lookup_fresh(app *a, const app_idem *st, idem_found *f, idem_result *res, sj_err *e)
{
	db_conn *c;
	*e = db_acquire(a->db, &c);
	if (*e)
		return false;
	*e = idem_lookup(c, st->user_id, st->key, st->fp, clock_now_ms(), f, res);
	db_release(a->db, c);
	return *e == SJ_OK;
}

bool app_idem_check_or_reply(app *a, http_req *r, const auth_user *u, app_idem *st)
{
	memset(st, 0, sizeof *st);
	const char *key = http_header(r, "Idempotency-Key");
	if (!key || !u || !is_write(http_method(r)))
		return true; /* safe methods are idempotent already; public routes have no user to scope a key */
	if (!idem_key_valid(key)) {
		http_problem(r, 400, "idempotency-key-invalid",
			     "Idempotency-Key must be 8 to 128 characters from A-Z a-z 0-9 - _ . : ~ (a UUID will do)",
			     NULL);
		return false;
	}
	snprintf(st->key, sizeof st->key, "%s", key);
	snprintf(st->user_id, sizeof st->user_id, "%s", u->id);
	buf q;
	buf_init(&q, 8192);
	sj_err e = SJ_OK;
	for (int i = 0; i < http_query_count(r) && !e; i++) {
		const char *name = http_query_name(r, i), *v = http_query(r, name);
		e = buf_printf(&q, "%s%s=%s", i ? "&" : "", name, v ? v : "");
	}
	size_t blen = 0;
	const char *body = http_body(r, &blen);
	idem_fingerprint(http_method(r), http_path(r), e ? NULL : buf_str(&q), body, blen, st->fp);
	buf_free(&q);
	if (e) {
		app_fail(r, e, NULL);
		return false;
	}
	idem_found f;
	idem_result res;
	if (!lookup_fresh(a, st, &f, &res, &e)) {
		app_fail(r, e, NULL);
		return false;
	}
	if (answer_found(a, r, st, f, &res))
		return false;
	st->active = true;
	http_set_app_data(r, st);
	return true;
}

bool app_idem_replay_in_tx(app *a, http_req *r, db_conn *c)
{
	app_idem *st = state(r);
	if (!st)
		return false;
	idem_found f;
	idem_result res;
	sj_err e = idem_lookup(c, st->user_id, st->key, st->fp, clock_now_ms(), &f, &res);
	if (!e && f == IDEM_NONE)
		return false;
	db_rollback(c);
	db_release(a->db, c);
	if (e)
		app_fail(r, e, NULL);
	else
		answer_found(a, r, st, f, &res);
	return true;
}

bool app_idem_replay_after_failure(app *a, http_req *r)
{
	app_idem *st = state(r);
	if (!st)
		return false;
	idem_found f;
	idem_result res;
	sj_err e;
	if (!lookup_fresh(a, st, &f, &res, &e))
		return false; /* the handler's own failure is the answer */
	return answer_found(a, r, st, f, &res);
}

void app_finish_reply_as(app *a, http_req *r, db_conn *c, sj_err e, const char *action, const char *object_id,
			 int status, json_t *out)
{
	app_idem *st = state(r);
	if (st && e) {
		/* failed: the write is dropped; a twin may have succeeded meanwhile */
		db_rollback(c);
		db_release(a->db, c);
		json_decref(out);
		if (!app_idem_replay_after_failure(a, r))
			app_fail(r, e, NULL);
		return;
	}
	if (!st) {
		if (app_finish(a, r, c, e))
			http_reply_json(r, status, out);
		else
			json_decref(out);
		return;
	}
	if (!out)
		out = json_object();
	/* the bytes http_reply_json would send; out lives on until the end:
	 * object_id may be borrowed from it */
	char *text = jdump_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
	if (!text) {
		json_decref(out);
		app_finish(a, r, c, SJ_ENOMEM);
		return;
	}
	size_t len = strlen(text);
	e = idem_store(c, st->user_id, st->key, st->fp, status, text, len, action, object_id, http_request_id(r),
		       clock_now_ms());
	if (e == SJ_ECONFLICT) {
		/* a twin with this key committed first: this write is dropped,
		 * the twin's result is the answer */
		db_rollback(c);
		db_release(a->db, c);
		if (!app_idem_replay_after_failure(a, r))
			http_problem(r, 409, "idempotency-key-in-use",
				     "another request with this Idempotency-Key is being carried out; try again", NULL);
	} else if (app_finish(a, r, c, e)) {
		http_reply_bytes(r, status, JSON_CTYPE, text, len);
	}
	free(text);
	json_decref(out);
}

void app_finish_reply(app *a, http_req *r, db_conn *c, sj_err e, int status, json_t *out)
{
	app_finish_reply_as(a, r, c, e, NULL, NULL, status, out);
}
