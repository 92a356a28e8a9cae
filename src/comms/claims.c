/* claims.c — the fake-content watch: claims and their verification, the
 * same claim reported twice, crises and their live board, the archived copy
 * of a claim (stored by files.c), ClaimReview export (see comms.h). Anchors:
 * Meedan Check (claims, statuses, published reports) and schema.org
 * ClaimReview. */
#include "comms/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <sodium.h>

#include "auth/roles.h"
#include "core/clock.h"
#include "core/i18n.h"
#include "db/dbj.h"
#include "org/units.h"
#include "text/norm.h"

REC_ENUM_DEF_PUBLIC(comms_claim_statuses, "comms_claim_status", "received", "verifying", "false", "misleading",
		    "true", "unverifiable");
REC_ENUM_DEF(claim_platforms, "comms_claim_platform", "facebook", "instagram", "x", "tiktok", "youtube", "whatsapp",
	     "telegram", "website", "other");
REC_ENUM_DEF(claim_next, "comms_claim_status", "verifying", "false", "misleading", "true", "unverifiable");
REC_ENUM_DEF(crisis_statuses, "comms_crisis_status", "active", "closed");

#define CLAIM_FIELDS(X) \
	X(C, unit_id, ID, 0, 36, NULL, 0) \
	X(C, number, CODE, 1, COMMS_NUMBER_MAX, NULL, OUT) \
	X(C, content, TEXT, 3, SJ_MAX_LONG_TEXT, NULL, IN | REQ | OUT | PII | MULTI) \
	X(C, url, TEXT, 8, COMMS_MAX_URL, NULL, IN | OUT | NULLABLE) \
	X(C, url_key, TEXT, 0, 0, NULL, 0) \
	X(C, content_key, CODE, 0, 64, NULL, 0) \
	X(C, platform, ENUM, 0, 0, &claim_platforms, IN | REQ | OUT) \
	X(C, first_seen_at, TIME, 0, 0, NULL, IN | OUT | NULLABLE) \
	X(C, reach, INT, 0, COMMS_COUNT_MAX, NULL, IN | OUT | NULLABLE) \
	X(C, crisis_id, ID, 0, 36, NULL, IN | OUT | NULLABLE) \
	X(C, status, ENUM, 0, 0, &comms_claim_statuses, OUT) \
	X(C, evidence, TEXT, 3, SJ_MAX_LONG_TEXT, NULL, OUT | MULTI) \
	X(C, received_by, ID, 0, 36, NULL, 0) \
	X(C, received_at, TIME, 0, 0, NULL, OUT) \
	X(C, verifying_by, ID, 0, 36, NULL, 0) \
	X(C, verifying_at, TIME, 0, 0, NULL, OUT) \
	X(C, verified_by, ID, 0, 36, NULL, 0) \
	X(C, verified_at, TIME, 0, 0, NULL, OUT) \
	X(C, duplicate_of, ID, 0, 36, NULL, OUT) \
	X(C, answer_id, ID, 0, 36, NULL, OUT) \
	X(C, answered_at, TIME, 0, 0, NULL, OUT) \
	X(C, archive_id, ID, 0, 36, NULL, OUT) \
	X(C, updated_at, TIME, 0, 0, NULL, 0) \
	X(V, unit, CODE, 1, UNIT_CODE_MAX, NULL, OUT) \
	X(V, unit_path, TEXT, 1, UNIT_PATH_MAX, NULL, 0) \
	X(V, received_by_badge, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(V, verified_by_badge, CODE, 1, SJ_MAX_BADGE, NULL, OUT) \
	X(V, crisis_code, CODE, 1, 64, NULL, OUT) \
	X(V, first, JSON, 0, 0, NULL, OUT) \
	X(V, answer, JSON, 0, 0, NULL, OUT) \
	X(V, rebuttal_ms, INT, 0, 0, NULL, OUT) \
	X(V, archive, JSON, 0, 0, NULL, OUT)

static const rec_field claim_fields[] = {REC_ID_FIELD, CLAIM_FIELDS(REC_FIELD)};
const rec_desc comms_claim_rec = REC_DESC("comms_claim", "comms_claims", claim_fields, NULL);

#define STATUS_FIELDS(X) \
	X(V, status, ENUM, 0, 0, &claim_next, IN | REQ) \
	X(V, evidence, TEXT, 3, SJ_MAX_LONG_TEXT, NULL, IN | MULTI | NULLABLE)
static const rec_field status_fields[] = {STATUS_FIELDS(REC_FIELD)};
const rec_desc comms_claim_status_rec = REC_DESC("comms_claim_status", NULL, status_fields, NULL);

#define DUP_FIELDS(X) \
	X(V, of, ID, 0, 36, NULL, IN | REQ)
static const rec_field dup_fields[] = {DUP_FIELDS(REC_FIELD)};
const rec_desc comms_claim_dup_rec = REC_DESC("comms_claim_duplicate", NULL, dup_fields, NULL);

#define CRISIS_FIELDS(X) \
	X(C, unit_id, ID, 0, 36, NULL, 0) \
	X(C, code, CODE, 2, 64, NULL, IN | REQ | OUT) \
	X(C, name_ar, TEXT, 2, SJ_MAX_SHORT_TEXT, NULL, IN | REQ | OUT) \
	X(C, name_fr, TEXT, 2, SJ_MAX_SHORT_TEXT, NULL, IN | REQ | OUT) \
	X(C, started_on, DATE, 0, 10, NULL, IN | REQ | OUT) \
	X(C, ended_on, DATE, 0, 10, NULL, OUT) \
	X(C, status, ENUM, 0, 0, &crisis_statuses, OUT) \
	X(C, created_by, ID, 0, 36, NULL, 0) \
	X(C, created_at, TIME, 0, 0, NULL, OUT) \
	X(C, closed_by, ID, 0, 36, NULL, 0) \
	X(C, closed_at, TIME, 0, 0, NULL, OUT) \
	X(V, unit, CODE, 1, UNIT_CODE_MAX, NULL, OUT) \
	X(V, unit_path, TEXT, 1, UNIT_PATH_MAX, NULL, 0)
static const rec_field crisis_fields[] = {REC_ID_FIELD, CRISIS_FIELDS(REC_FIELD)};
const rec_desc comms_crisis_rec = REC_DESC("comms_crisis", "comms_crises", crisis_fields, NULL);

/* ------------------------------------------------------------ keys of the same claim */

static bool tracker(const char *p, size_t n)
{
	static const char *const drop[] = {"utm_", "fbclid", "gclid", "igshid", "igsh", "mibextid", "si", "s", "t",
					   "feature", "ref", "ref_src", "ref_url", "__cft__", "__tn__", NULL};
	size_t k = 0;
	while (k < n && p[k] != '=')
		k++;
	for (int i = 0; drop[i]; i++) {
		size_t l = strlen(drop[i]);
		if (drop[i][l - 1] == '_' ? (k >= l && strncasecmp(p, drop[i], l) == 0)
					    : (k == l && strncasecmp(p, drop[i], l) == 0))
			return true;
	}
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* url_key writes the link as the same claim recognises it: host without
 * www./m./mobile., lower case, path without a trailing slash, the query
 * without tracking parameters, sorted; no fragment. The URL is parsed by
 * libcurl (curl_url), never by hand. *ok is false when it is not an http(s)
 * link. */
static sj_err url_key(const char *url, buf *out, bool *ok)
{
	*ok = false;
	CURLU *h = curl_url();
	if (!h)
		return SJ_ENOMEM;
	char *scheme = NULL, *host = NULL, *path = NULL, *query = NULL;
	sj_err e = SJ_OK;
	if (curl_url_set(h, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(h, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(h, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(h, CURLUPART_PATH, &path, 0) != CURLUE_OK)
		goto done;
	if (strcasecmp(scheme, "http") != 0 && strcasecmp(scheme, "https") != 0)
		goto done;
	if (curl_url_get(h, CURLUPART_QUERY, &query, 0) != CURLUE_OK)
		query = NULL;
	for (char *p = host; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	const char *hs = host;
	static const char *const pre[] = {"www.", "m.", "mobile.", NULL};
	for (int i = 0; pre[i]; i++)
		if (strncmp(hs, pre[i], strlen(pre[i])) == 0)
			hs += strlen(pre[i]);
	size_t pl = strlen(path);
	while (pl > 1 && path[pl - 1] == '/')
		pl--;
	e = buf_adds(out, hs);
	e = e ? e : buf_add(out, path, pl);
	if (!e && query && *query) {
		char *parts[64];
		size_t np = 0;
		char *save = NULL;
		for (char *tok = strtok_r(query, "&", &save); tok && np < 64; tok = strtok_r(NULL, "&", &save))
			if (*tok && !tracker(tok, strlen(tok)))
				parts[np++] = tok;
		qsort(parts, np, sizeof parts[0], cmp_str);
		for (size_t i = 0; i < np && !e; i++)
			e = buf_printf(out, "%c%s", i ? '&' : '?', parts[i]);
	}
	*ok = !e;
done:
	curl_free(scheme);
	curl_free(host);
	curl_free(path);
	curl_free(query);
	curl_url_cleanup(h);
	return e;
}

static sj_err content_key(const char *content, char out[65])
{
	buf b;
	buf_init(&b, TXT_MAX_INPUT);
	sj_err e = txt_normalize(content, &b);
	if (!e)
		comms_hash_hex(buf_str(&b), b.len, out);
	buf_free(&b);
	return e;
}

/* ------------------------------------------------------------ reading */

static const char sql_get[] =
	"SELECT " REC_COLS(CLAIM_FIELDS) ", unit, unit_path, received_by_badge, verified_by_badge, crisis_code"
	" FROM comms_claims"
	" JOIN (SELECT id AS u_id, code AS unit, path AS unit_path FROM units) u ON u.u_id = unit_id"
	" LEFT JOIN (SELECT id AS r_id, badge AS received_by_badge FROM users) r ON r.r_id = received_by"
	" LEFT JOIN (SELECT id AS v_id, badge AS verified_by_badge FROM users) v ON v.v_id = verified_by"
	" LEFT JOIN (SELECT id AS k_id, code AS crisis_code FROM comms_crises) k ON k.k_id = crisis_id"
	" WHERE id = ?";
#define CLAIM_GET_COLS REC_DBJ(CLAIM_FIELDS) ",unit:t,unit_path:t,received_by_badge:t,verified_by_badge:t,crisis_code:t"

static sj_err claim_row(db_conn *c, const char *id, json_t **out)
{
	*out = NULL;
	if (!id_valid(id))
		return SJ_ENOTFOUND;
	return dbj_one(c, sql_get, CLAIM_GET_COLS, out, "t", id);
}

static const char sql_answer[] =
	"SELECT id, number, status, published_at, title_ar, title_fr FROM comms_activities WHERE id = ?";

static sj_err decorate(db_conn *c, json_t *row)
{
	json_t *root = NULL, *ans = NULL, *file = NULL;
	sj_err e = SJ_OK;
	if (cj_str(row, "duplicate_of")) {
		e = claim_row(c, cj_str(row, "duplicate_of"), &root);
		if (e)
			return e;
		json_object_set_new(row, "first",
				    json_pack("{s:s,s:s,s:s,s:s,s:O,s:O}", "id", cj_str(root, "id"), "number",
					      cj_str(root, "number"), "unit", cj_str(root, "unit"), "status",
					      cj_str(root, "status"), "answer_id", json_object_get(root, "answer_id"),
					      "answered_at", json_object_get(root, "answered_at")));
	}
	json_t *src = root ? root : row; /* a duplicate shares its first report's answer */
	if (cj_str(src, "answer_id") && !dbj_one(c, sql_answer, "id:t,number:t,status:t,published_at:i,title_ar:t,title_fr:t",
						  &ans, "t", cj_str(src, "answer_id")))
		json_object_set_new(row, "answer", ans);
	if (json_is_integer(json_object_get(src, "answered_at")))
		json_object_set_new(row, "rebuttal_ms",
				    json_integer(cj_int(src, "answered_at") - cj_int(src, "received_at")));
	if (cj_str(row, "archive_id") && !comms_file_meta(c, cj_str(row, "archive_id"), &file))
		json_object_set_new(row, "archive", file);
	json_decref(root);
	return SJ_OK;
}

sj_err comms_claim_get(db_conn *c, const sj_actor *a, const char *id, json_t **out)
{
	json_t *row = NULL;
	sj_err e = claim_row(c, id, &row);
	if (e)
		return e;
	if (!comms_can_read(a, cj_str(row, "unit_path"))) {
		json_decref(row);
		return SJ_EFORBIDDEN;
	}
	e = decorate(c, row);
	if (e) {
		json_decref(row);
		return e;
	}
	*out = row;
	return SJ_OK;
}

json_t *comms_claim_brief(db_conn *c, const char *claim_id)
{
	json_t *row = NULL;
	if (claim_row(c, claim_id, &row))
		return NULL;
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:O}", "id", cj_str(row, "id"), "number", cj_str(row, "number"),
			      "status", cj_str(row, "status"), "platform", cj_str(row, "platform"), "received_at",
			      json_object_get(row, "received_at"));
	json_decref(row);
	return o;
}

static const char sql_list[] =
	"SELECT id, number, unit, content, url, platform, reach, status, received_at, duplicate_of, answer_id,"
	" answered_at, crisis_id FROM comms_claims"
	" JOIN (SELECT id AS u_id, code AS unit, path AS unit_path FROM units) u ON u.u_id = unit_id"
	" WHERE (CAST(? AS TEXT) IS NULL OR unit_path LIKE CAST(? AS TEXT) || '%')"
	" AND (CAST(? AS TEXT) IS NULL OR crisis_id = CAST(? AS TEXT))"
	" AND (CAST(? AS TEXT) IS NULL OR status = CAST(? AS TEXT))"
	" ORDER BY received_at DESC, id DESC LIMIT ? OFFSET ?";
#define LIST_COLS "id:t,number:t,unit:t,content:t,url:t,platform:t,reach:i,status:t,received_at:i,duplicate_of:t," \
	"answer_id:t,answered_at:i,crisis_id:t"

sj_err comms_claim_list(db_conn *c, const sj_actor *a, const char *crisis_id, const char *status, int limit,
			int64_t offset, json_t **out)
{
	const char *scope = comms_scope(a);
	return dbj_rows(c, sql_list, LIST_COLS, out, "ttttttii", scope, scope, crisis_id, crisis_id, status, status,
			(int64_t)limit, offset);
}

/* ------------------------------------------------------------ registering */

static const char sql_insert[] =
	"INSERT INTO comms_claims (" REC_COLS(CLAIM_FIELDS) ") VALUES (" REC_QS(CLAIM_FIELDS) ")";
static const char sql_same[] =
	"SELECT id, duplicate_of FROM comms_claims WHERE url_key = ? OR content_key = ?"
	" ORDER BY received_at, id LIMIT 1";
static const char sql_crisis_status[] = "SELECT status FROM comms_crises WHERE id = ?";

sj_err comms_claim_create(db_conn *c, const sj_actor *a, json_t *in, json_t **out, const char **why)
{
	*out = NULL;
	if (!comms_can_write(a, a->unit_path))
		return SJ_EFORBIDDEN;
	buf uk;
	buf_init(&uk, COMMS_MAX_URL * 2);
	char ck[65], id[ID_LEN + 1], number[COMMS_NUMBER_MAX + 1];
	bool ok = true;
	json_t *same = NULL, *crisis = NULL, *row = NULL;
	sj_err e = cj_str(in, "url") ? url_key(cj_str(in, "url"), &uk, &ok) : SJ_OK;
	if (!e && !ok) {
		*why = "comms-url-invalid";
		e = SJ_EUNPROCESSABLE;
	}
	e = e ? e : content_key(cj_str(in, "content"), ck);
	if (!e && cj_str(in, "crisis_id")) {
		e = dbj_one(c, sql_crisis_status, "status:t", &crisis, "t", cj_str(in, "crisis_id"));
		if (e == SJ_ENOTFOUND || (!e && strcmp(cj_str(crisis, "status"), "active") != 0)) {
			*why = e ? "comms-crisis-unknown" : "comms-crisis-closed";
			e = SJ_EUNPROCESSABLE;
		}
	}
	if (e)
		goto out;
	const char *ukey = cj_str(in, "url") ? buf_str(&uk) : NULL;
	e = dbj_one(c, sql_same, "id:t,duplicate_of:t", &same, "tt", ukey, ck);
	if (e && e != SJ_ENOTFOUND)
		goto out;
	const char *first = same ? (cj_str(same, "duplicate_of") ? cj_str(same, "duplicate_of") : cj_str(same, "id"))
				 : NULL;
	int64_t now = clock_now_ms();
	e = comms_number(c, "comms-claim", "FK", a->unit_id, a->unit_code, clock_legal_year(now), number);
	if (e)
		goto out;
	id_new(id);
	row = json_deep_copy(in);
	if (!row) {
		e = SJ_ENOMEM;
		goto out;
	}
	json_object_set_new(row, "id", json_string(id));
	json_object_set_new(row, "unit_id", json_string(a->unit_id));
	json_object_set_new(row, "number", json_string(number));
	json_object_set_new(row, "url_key", ukey ? json_string(ukey) : json_null());
	json_object_set_new(row, "content_key", json_string(ck));
	json_object_set_new(row, "status", json_string("received"));
	json_object_set_new(row, "received_by", json_string(a->id));
	json_object_set_new(row, "received_at", json_integer(now));
	json_object_set_new(row, "duplicate_of", first ? json_string(first) : json_null());
	json_object_set_new(row, "updated_at", json_integer(now));
	e = dbj_write(c, sql_insert, &comms_claim_rec, row, false, "");
	e = e ? e : comms_claim_get(c, a, id, out);
out:
	json_decref(row);
	json_decref(same);
	json_decref(crisis);
	buf_free(&uk);
	return e;
}

static const char sql_verifying[] =
	"UPDATE comms_claims SET status = 'verifying', verifying_by = ?, verifying_at = ?, updated_at = ?"
	" WHERE id = ? AND status = 'received'";
static const char sql_verdict[] =
	"UPDATE comms_claims SET status = ?, evidence = ?, verified_by = ?, verified_at = ?, updated_at = ?"
	" WHERE id = ? AND status = 'verifying'";

static sj_err writable_claim(db_conn *c, const sj_actor *a, const char *id, json_t **row)
{
	sj_err e = claim_row(c, id, row);
	if (e)
		return e;
	if (!comms_can_write(a, cj_str(*row, "unit_path"))) {
		json_decref(*row);
		*row = NULL;
		return SJ_EFORBIDDEN;
	}
	return SJ_OK;
}

sj_err comms_claim_set_status(db_conn *c, const sj_actor *a, const char *id, const char *status,
			      const char *evidence, json_t **out, const char **why)
{
	*out = NULL;
	json_t *row = NULL;
	sj_err e = writable_claim(c, a, id, &row);
	if (e)
		return e;
	const char *cur = cj_str(row, "status");
	int64_t now = clock_now_ms();
	if (cj_str(row, "duplicate_of")) {
		*why = "comms-claim-duplicate";
		e = SJ_ECONFLICT;
	} else if (strcmp(status, "verifying") == 0) {
		if (strcmp(cur, "received") != 0) {
			*why = "comms-claim-final";
			e = SJ_ECONFLICT;
		}
		e = e ? e : db_run(c, sql_verifying, "tiit", a->id, now, now, id);
	} else {
		if (strcmp(cur, "verifying") != 0) {
			bool fresh = strcmp(cur, "received") == 0;
			*why = fresh ? "comms-claim-not-verifying" : "comms-claim-final";
			e = SJ_ECONFLICT;
		} else if (!evidence) {
			*why = "comms-evidence-required";
			e = SJ_EUNPROCESSABLE;
		}
		e = e ? e : db_run(c, sql_verdict, "tttiit", status, evidence, a->id, now, now, id);
	}
	json_decref(row);
	return e ? e : comms_claim_get(c, a, id, out);
}

static const char sql_has_dups[] = "SELECT COUNT(*) FROM comms_claims WHERE duplicate_of = ?";
static const char sql_link_dup[] =
	"UPDATE comms_claims SET duplicate_of = ?, updated_at = ? WHERE id = ? AND duplicate_of IS NULL"
	" AND answer_id IS NULL RETURNING id";

sj_err comms_claim_link_duplicate(db_conn *c, const sj_actor *a, const char *id, const char *of, json_t **out,
				  const char **why)
{
	*out = NULL;
	json_t *row = NULL, *target = NULL, *done = NULL;
	sj_err e = writable_claim(c, a, id, &row);
	if (e)
		return e;
	e = claim_row(c, of, &target);
	if (e == SJ_ENOTFOUND || (!e && !comms_can_read(a, cj_str(target, "unit_path")))) {
		*why = "comms-claim-unknown";
		e = SJ_EUNPROCESSABLE;
		goto out;
	}
	if (e)
		goto out;
	const char *root = cj_str(target, "duplicate_of") ? cj_str(target, "duplicate_of") : cj_str(target, "id");
	int64_t n = 0;
	if (strcmp(root, id) == 0) {
		*why = "comms-claim-same";
		e = SJ_ECONFLICT;
	} else if (cj_str(row, "duplicate_of")) {
		*why = "comms-claim-duplicate";
		e = SJ_ECONFLICT;
	} else if (cj_str(row, "answer_id")) {
		*why = "comms-claim-answered";
		e = SJ_ECONFLICT;
	} else if (!(e = dbj_int(c, sql_has_dups, &n, "t", id)) && n > 0) {
		*why = "comms-claim-has-duplicates";
		e = SJ_ECONFLICT;
	}
	if (!e) {
		e = dbj_one(c, sql_link_dup, "id:t", &done, "tit", root, clock_now_ms(), id);
		if (e == SJ_ENOTFOUND) {
			*why = "comms-claim-answered";
			e = SJ_ECONFLICT;
		}
	}
out:
	json_decref(done);
	json_decref(target);
	json_decref(row);
	return e ? e : comms_claim_get(c, a, id, out);
}

/* ------------------------------------------------------------ answers (for activity.c) */

static const char sql_reserve[] =
	"UPDATE comms_claims SET answer_id = ?, updated_at = ? WHERE id = ? AND answer_id IS NULL"
	" AND duplicate_of IS NULL AND status IN ('false', 'misleading') RETURNING id";

sj_err comms_claim_reserve(db_conn *c, const sj_actor *a, const char *claim_id, const char *answer_id,
			   const char **why)
{
	json_t *row = NULL, *done = NULL;
	sj_err e = claim_row(c, claim_id, &row);
	if (e == SJ_ENOTFOUND || (!e && !comms_can_read(a, cj_str(row, "unit_path")))) {
		json_decref(row);
		*why = "comms-claim-unknown";
		return SJ_EUNPROCESSABLE;
	}
	if (e)
		return e;
	const char *st = cj_str(row, "status");
	if (cj_str(row, "duplicate_of")) {
		*why = "comms-claim-duplicate";
		e = SJ_ECONFLICT;
	} else if (cj_str(row, "answer_id")) {
		*why = "comms-claim-answered";
		e = SJ_ECONFLICT;
	} else if (strcmp(st, "false") != 0 && strcmp(st, "misleading") != 0) {
		*why = "comms-claim-not-refutable";
		e = SJ_ECONFLICT;
	}
	json_decref(row);
	if (e)
		return e;
	/* the guard in the statement settles two drafts racing for one claim */
	e = dbj_one(c, sql_reserve, "id:t", &done, "tit", answer_id, clock_now_ms(), claim_id);
	json_decref(done);
	if (e == SJ_ENOTFOUND || e == SJ_ECONFLICT) {
		*why = "comms-claim-answered";
		return SJ_ECONFLICT;
	}
	return e;
}

static const char sql_release[] =
	"UPDATE comms_claims SET answer_id = NULL, updated_at = ? WHERE answer_id = ? AND answered_at IS NULL";
static const char sql_answered[] = "UPDATE comms_claims SET answered_at = ?, updated_at = ? WHERE answer_id = ?";

sj_err comms_claim_release(db_conn *c, const char *answer_id)
{
	return db_run(c, sql_release, "it", clock_now_ms(), answer_id);
}

sj_err comms_claim_answered(db_conn *c, const char *answer_id, int64_t at)
{
	return db_run(c, sql_answered, "iit", at, at, answer_id);
}

/* ------------------------------------------------------------ ClaimReview */

static int rating(const char *status)
{
	if (strcmp(status, "false") == 0)
		return 1;
	if (strcmp(status, "misleading") == 0)
		return 2;
	if (strcmp(status, "unverifiable") == 0)
		return 3;
	return 5;
}

sj_err comms_claim_review_jsonld(db_conn *c, const sj_actor *a, const char *id, const char *lang, json_t **out,
				 const char **why)
{
	*out = NULL;
	json_t *cl = NULL;
	sj_err e = comms_claim_get(c, a, id, &cl);
	if (e)
		return e;
	json_t *first = json_object_get(cl, "first");
	const char *status = first ? cj_str(first, "status") : cj_str(cl, "status");
	if (strcmp(status, "received") == 0 || strcmp(status, "verifying") == 0) {
		json_decref(cl);
		*why = "comms-no-verdict";
		return SJ_ECONFLICT;
	}
	i18n_lang L = i18n_lang_from(lang);
	char key[64], label[128] = "", date[11] = "", seen[11] = "", urn[COMMS_NUMBER_MAX + 32];
	snprintf(key, sizeof key, "comms_claim_status.%s", status);
	if (!i18n_text(L, key, NULL, label, sizeof label))
		snprintf(label, sizeof label, "%s", status);
	json_t *ans = json_object_get(cl, "answer");
	int64_t when = json_is_integer(json_object_get(ans, "published_at")) ? cj_int(ans, "published_at")
									     : cj_int(cl, "verified_at");
	if (!when && first)
		when = cj_int(cl, "received_at");
	clock_legal_date(when ? when : clock_now_ms(), date);
	if (json_is_integer(json_object_get(cl, "first_seen_at")))
		clock_legal_date(cj_int(cl, "first_seen_at"), seen);
	snprintf(urn, sizeof urn, "urn:sijill:claim:%s", cj_str(cl, "number"));
	json_t *appearance = cj_str(cl, "url")
				     ? json_pack("[{s:s,s:s}]", "@type", "CreativeWork", "url", cj_str(cl, "url"))
				     : json_array();
	*out = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:{s:s,s:s,s:s,s:s},s:s,s:{s:s,s:o,s:s*},"
			 "s:{s:s,s:i,s:i,s:i,s:s},s:s*}",
			 "@context", "https://schema.org", "@type", "ClaimReview", "identifier", cj_str(cl, "number"),
			 "url", urn, "datePublished", date, "inLanguage", L == I18N_FR ? "fr" : "ar", "author", "@type",
			 "Organization", "name", "Direction Générale de la Sûreté Nationale", "alternateName", "DGSN",
			 "url", "https://www.dgsn.gov.ma", "claimReviewed", cj_str(cl, "content"), "itemReviewed",
			 "@type", "Claim", "appearance", appearance, "datePublished", seen[0] ? seen : NULL,
			 "reviewRating", "@type", "Rating", "ratingValue", rating(status), "bestRating", 5,
			 "worstRating", 1, "alternateName", label, "reviewBody",
			 ans ? cj_str(ans, L == I18N_FR ? "title_fr" : "title_ar") : NULL);
	json_decref(cl);
	return *out ? SJ_OK : SJ_ENOMEM;
}

/* ------------------------------------------------------------ crises */

static const char sql_crisis_insert[] =
	"INSERT INTO comms_crises (" REC_COLS(CRISIS_FIELDS) ") VALUES (" REC_QS(CRISIS_FIELDS) ")";
static const char sql_crisis_get[] =
	"SELECT " REC_COLS(CRISIS_FIELDS) ", unit, unit_path FROM comms_crises"
	" JOIN (SELECT id AS u_id, code AS unit, path AS unit_path FROM units) u ON u.u_id = unit_id WHERE id = ?";
static const char sql_crisis_by_code[] = "SELECT COUNT(*) FROM comms_crises WHERE code = ?";
static const char sql_crisis_list[] =
	"SELECT " REC_COLS(CRISIS_FIELDS) ", unit FROM comms_crises"
	" JOIN (SELECT id AS u_id, code AS unit FROM units) u ON u.u_id = unit_id ORDER BY started_on DESC, code";
static const char sql_crisis_close[] =
	"UPDATE comms_crises SET status = 'closed', ended_on = ?, closed_by = ?, closed_at = ? WHERE id = ?"
	" AND status = 'active'";

static sj_err crisis_get(db_conn *c, const char *id, json_t **out)
{
	*out = NULL;
	if (!id_valid(id))
		return SJ_ENOTFOUND;
	return dbj_one(c, sql_crisis_get, REC_DBJ(CRISIS_FIELDS) ",unit:t,unit_path:t", out, "t", id);
}

sj_err comms_crisis_create(db_conn *c, const sj_actor *a, json_t *in, json_t **out, const char **why)
{
	*out = NULL;
	if (!comms_can_write(a, a->unit_path))
		return SJ_EFORBIDDEN;
	int64_t n = 0, now = clock_now_ms();
	sj_err e = dbj_int(c, sql_crisis_by_code, &n, "t", cj_str(in, "code"));
	if (!e && n) {
		*why = "comms-crisis-code";
		return SJ_ECONFLICT;
	}
	char id[ID_LEN + 1];
	id_new(id);
	json_t *row = json_deep_copy(in);
	if (!row)
		return SJ_ENOMEM;
	json_object_set_new(row, "id", json_string(id));
	json_object_set_new(row, "unit_id", json_string(a->unit_id));
	json_object_set_new(row, "status", json_string("active"));
	json_object_set_new(row, "created_by", json_string(a->id));
	json_object_set_new(row, "created_at", json_integer(now));
	e = e ? e : dbj_write(c, sql_crisis_insert, &comms_crisis_rec, row, false, "");
	json_decref(row);
	return e ? e : crisis_get(c, id, out);
}

sj_err comms_crisis_close(db_conn *c, const sj_actor *a, const char *id, json_t **out, const char **why)
{
	*out = NULL;
	json_t *row = NULL;
	sj_err e = crisis_get(c, id, &row);
	if (e)
		return e;
	if (!comms_can_write(a, cj_str(row, "unit_path"))) {
		json_decref(row);
		return SJ_EFORBIDDEN;
	}
	if (strcmp(cj_str(row, "status"), "active") != 0) {
		*why = "comms-crisis-closed";
		e = SJ_ECONFLICT;
	}
	char today[11];
	comms_today(today);
	int64_t now = clock_now_ms();
	e = e ? e : db_run(c, sql_crisis_close, "ttit", today, a->id, now, id);
	json_decref(row);
	return e ? e : crisis_get(c, id, out);
}

sj_err comms_crisis_list(db_conn *c, json_t **out)
{
	return dbj_rows(c, sql_crisis_list, REC_DBJ(CRISIS_FIELDS) ",unit:t", out, "");
}

static const char sql_board[] =
	"SELECT id, number, unit, content, url, platform, reach, status, received_at, duplicate_of, answer_id,"
	" answered_at, crisis_id FROM comms_claims"
	" JOIN (SELECT id AS u_id, code AS unit, path AS unit_path FROM units) u ON u.u_id = unit_id"
	" WHERE crisis_id = ? AND (CAST(? AS TEXT) IS NULL OR unit_path LIKE CAST(? AS TEXT) || '%')"
	" ORDER BY received_at DESC, id DESC";

json_t *comms_claims_summary(json_t *claims)
{
	json_t *by = json_object();
	for (const char *const *s = comms_claim_statuses.values; by && *s; s++)
		json_object_set_new(by, *s, json_integer(0));
	size_t n = json_array_size(claims), i, firsts = 0, dups = 0, answered = 0, k = 0;
	int64_t *reb = malloc((n + 1) * sizeof *reb), max_reach = 0, reach = 0;
	json_t *cl;
	json_array_foreach(claims, i, cl) {
		int64_t r = cj_int(cl, "reach");
		if (r > max_reach)
			max_reach = r;
		if (cj_str(cl, "duplicate_of")) {
			dups++;
			continue;
		}
		firsts++;
		reach += r;
		const char *st = cj_str(cl, "status");
		json_object_set_new(by, st, json_integer(cj_int(by, st) + 1));
		if (json_is_integer(json_object_get(cl, "answered_at"))) {
			answered++;
			if (reb)
				reb[k++] = cj_int(cl, "answered_at") - cj_int(cl, "received_at");
		}
	}
	json_t *o = json_pack("{s:I,s:I,s:I,s:o,s:I,s:I,s:I,s:I}", "reports", (json_int_t)n, "claims",
			      (json_int_t)firsts, "duplicates", (json_int_t)dups, "by_status", by, "answered",
			      (json_int_t)answered, "median_rebuttal_ms", (json_int_t)(reb ? comms_median(reb, k) : 0),
			      "max_reach", (json_int_t)max_reach, "reach", (json_int_t)reach);
	free(reb);
	return o;
}

sj_err comms_crisis_board(db_conn *c, const sj_actor *a, const char *id, int limit, json_t **out)
{
	*out = NULL;
	json_t *crisis = NULL, *claims = NULL;
	sj_err e = crisis_get(c, id, &crisis);
	if (e)
		return e;
	const char *scope = comms_scope(a);
	e = dbj_rows(c, sql_board, LIST_COLS, &claims, "ttt", id, scope, scope);
	if (e) {
		json_decref(crisis);
		return e;
	}
	json_t *summary = comms_claims_summary(claims);
	while ((int)json_array_size(claims) > limit)
		json_array_remove(claims, json_array_size(claims) - 1);
	json_object_del(crisis, "unit_path");
	*out = json_pack("{s:o,s:o,s:o,s:I}", "crisis", crisis, "summary", summary ? summary : json_object(), "claims",
			 claims, "now", (json_int_t)clock_now_ms());
	return *out ? SJ_OK : SJ_ENOMEM;
}

static const char sql_set_archive[] =
	"UPDATE comms_claims SET archive_id = ?, updated_at = ? WHERE id = ? AND archive_id IS NULL";

sj_err comms_claim_archive(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out,
			   const char **why)
{
	*out = NULL;
	json_t *row = NULL;
	sj_err e = writable_claim(c, a, id, &row);
	if (e)
		return e;
	char fid[ID_LEN + 1];
	if (cj_str(row, "archive_id")) {
		*why = "comms-archive-exists";
		e = SJ_ECONFLICT;
	}
	e = e ? e : comms_file_add(c, a, cj_str(row, "unit_id"), "claim", id, in, fid, NULL, why);
	e = e ? e : db_run(c, sql_set_archive, "tit", fid, clock_now_ms(), id);
	json_decref(row);
	return e ? e : comms_claim_get(c, a, id, out);
}
