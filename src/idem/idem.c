/* idem.c — idempotency keys (see idem.h). The only SQL on `idempotency_keys`. */
#include "idem/idem.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "settings/settings.h"

/* id = hex BLAKE2b-256(user_id ‖ 0x00 ‖ key): one column for the primary
 * key, and the purge's subquery stays portable. */
static const char sql_get[] =
	"SELECT fingerprint, status, body, action, object_id, request_id FROM idempotency_keys WHERE id = ? AND expires_at > ?";
static const char sql_drop_expired_one[] = "DELETE FROM idempotency_keys WHERE id = ? AND expires_at <= ?";
static const char sql_purge[] =
	"DELETE FROM idempotency_keys WHERE id IN"
	" (SELECT id FROM idempotency_keys WHERE expires_at <= ? ORDER BY expires_at LIMIT 16)";
static const char sql_put[] =
	"INSERT INTO idempotency_keys (id, user_id, idem_key, fingerprint, status, body, action, object_id,"
	" request_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING";

_Static_assert(IDEM_PURGE_BATCH == 16, "sql_purge's LIMIT is IDEM_PURGE_BATCH");

bool idem_key_valid(const char *key)
{
	if (!key)
		return false;
	size_t n = 0;
	for (const char *p = key; *p; p++, n++) {
		char ch = *p;
		bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
			  ch == '_' || ch == '.' || ch == ':' || ch == '~';
		if (!ok || n >= IDEM_KEY_MAX)
			return false;
	}
	return n >= IDEM_KEY_MIN;
}

static void absorb(crypto_generichash_state *st, const char *part, size_t len)
{
	unsigned char n[8];
	uint64_t v = (uint64_t)len;
	for (int i = 0; i < 8; i++)
		n[i] = (unsigned char)(v >> (8 * i));
	crypto_generichash_update(st, n, sizeof n);
	if (len)
		crypto_generichash_update(st, (const unsigned char *)part, len);
}

void idem_fingerprint(const char *method, const char *path, const char *query, const char *body, size_t len,
		      char out[IDEM_FP_LEN + 1])
{
	crypto_generichash_state st;
	unsigned char h[32];
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	absorb(&st, method ? method : "", method ? strlen(method) : 0);
	absorb(&st, path ? path : "", path ? strlen(path) : 0);
	absorb(&st, query ? query : "", query ? strlen(query) : 0);
	absorb(&st, body, body ? len : 0);
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(out, IDEM_FP_LEN + 1, h, sizeof h);
}

static void entry_id(const char *user_id, const char *key, char out[IDEM_FP_LEN + 1])
{
	crypto_generichash_state st;
	unsigned char h[32];
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)user_id, strlen(user_id));
	crypto_generichash_update(&st, (const unsigned char *)"", 1);
	crypto_generichash_update(&st, (const unsigned char *)key, strlen(key));
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(out, IDEM_FP_LEN + 1, h, sizeof h);
}

void idem_result_free(idem_result *res)
{
	if (!res)
		return;
	free(res->body);
	free(res->action);
	free(res->object_id);
	free(res->request_id);
	memset(res, 0, sizeof *res);
}

static char *dup_or_null(const char *s, bool *oom)
{
	if (!s)
		return NULL;
	char *d = strdup(s);
	if (!d)
		*oom = true;
	return d;
}

sj_err idem_lookup(db_conn *c, const char *user_id, const char *key, const char *fp, int64_t now_ms,
		   idem_found *found, idem_result *res)
{
	*found = IDEM_NONE;
	memset(res, 0, sizeof *res);
	char id[IDEM_FP_LEN + 1];
	entry_id(user_id, key, id);
	db_stmt *s;
	bool row = false;
	sj_err e = db_prepare(c, sql_get, &s);
	e = e ? e : db_bind_text(s, 1, id);
	e = e ? e : db_bind_int(s, 2, now_ms);
	e = e ? e : db_step(s, &row);
	if (e || !row)
		return e;
	const char *sfp = db_col_text(s, 0);
	if (!sfp || strcmp(sfp, fp) != 0) {
		*found = IDEM_MISMATCH;
		bool more;
		return db_step(s, &more);
	}
	bool oom = false;
	res->status = (int)db_col_int(s, 1);
	const char *body = db_col_text(s, 2);
	res->body = dup_or_null(body ? body : "", &oom);
	res->len = body ? strlen(body) : 0;
	res->action = dup_or_null(db_col_text(s, 3), &oom);
	res->object_id = dup_or_null(db_col_text(s, 4), &oom);
	res->request_id = dup_or_null(db_col_text(s, 5), &oom);
	bool more;
	e = db_step(s, &more); /* leave no statement on a row (db.c: SQLite snapshots) */
	if (oom || e) {
		idem_result_free(res);
		return oom ? SJ_ENOMEM : e;
	}
	*found = IDEM_MATCH;
	return SJ_OK;
}

sj_err idem_store(db_conn *c, const char *user_id, const char *key, const char *fp, int status, const char *body,
		  size_t len, const char *action, const char *object_id, const char *request_id, int64_t now_ms)
{
	if (len > IDEM_BODY_MAX)
		return SJ_ELIMIT;
	if (!body)
		body = "", len = 0;
	if (memchr(body, '\0', len))
		return SJ_EINVAL; /* kept as TEXT: JSON text never holds a NUL byte */
	char *text = malloc(len + 1);
	if (!text)
		return SJ_ENOMEM;
	memcpy(text, body, len);
	text[len] = '\0';
	char id[IDEM_FP_LEN + 1];
	entry_id(user_id, key, id);
	int64_t ttl_ms = settings_int(c, IDEM_TTL_SETTING) * 3600 * 1000;
	sj_err e = db_run(c, sql_drop_expired_one, "ti", id, now_ms);
	e = e ? e : db_run(c, sql_purge, "i", now_ms);
	db_stmt *s = NULL;
	e = e ? e : db_prepare(c, sql_put, &s);
	e = e ? e : db_bind_text(s, 1, id);
	e = e ? e : db_bind_text(s, 2, user_id);
	e = e ? e : db_bind_text(s, 3, key);
	e = e ? e : db_bind_text(s, 4, fp);
	e = e ? e : db_bind_int(s, 5, status);
	e = e ? e : db_bind_text(s, 6, text);
	e = e ? e : db_bind_text(s, 7, action);
	e = e ? e : db_bind_text(s, 8, object_id);
	e = e ? e : db_bind_text(s, 9, request_id);
	e = e ? e : db_bind_int(s, 10, now_ms);
	e = e ? e : db_bind_int(s, 11, now_ms + ttl_ms);
	bool row = true;
	while (!e && row)
		e = db_step(s, &row);
	free(text);
	if (!e && db_changes(s) == 0)
		e = SJ_ECONFLICT; /* ON CONFLICT DO NOTHING: a live entry is there */
	return e;
}
