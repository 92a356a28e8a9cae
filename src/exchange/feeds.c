/* feeds.c — what central publishes to its nodes (exchange.h, "pull"): the
 * registry of feeds, central's answer to a signed pull request, and the two
 * helpers most feeds are made of (rows of a table after a time cursor; a
 * row of central's copied into the node's table). The node's half is
 * pull.c. */
#include "exchange/exchange.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/id.h"
#include "db/dbj.h"
#include "org/units.h"
#include "mobile/mobile.h"
#include "registers/registers.h"
#include "settings/settings.h"

/* ---- the registry: one line per feed (see exchange.h to add one) ---- */

const xchg_feed xchg_feeds[] = {
	/* hotlists (src/registers/hotlist.c): national, every node */
	{"wanted", XCHG_FEED_ALL, reg_hotlist_wanted_produce, reg_hotlist_wanted_apply, NULL},
	{"stolen-vehicles", XCHG_FEED_ALL, reg_hotlist_vehicles_produce, reg_hotlist_vehicles_apply, NULL},
	{"stolen-documents", XCHG_FEED_ALL, reg_hotlist_documents_produce, reg_hotlist_documents_apply, NULL},
	/* the mobile CNIE units (src/mobile/feeds.c): kit provisioning, status back */
	{"mobile-kit", XCHG_FEED_UNIT, mob_feed_kit_produce, mob_feed_kit_apply, NULL},
	{"mobile-status", XCHG_FEED_UNIT, mob_feed_status_produce, mob_feed_status_apply, NULL},
};
const size_t xchg_feeds_count = sizeof xchg_feeds / sizeof xchg_feeds[0];

const xchg_feed *xchg_feed_find(const char *name)
{
	for (size_t i = 0; name && i < xchg_feeds_count; i++)
		if (strcmp(xchg_feeds[i].name, name) == 0)
			return &xchg_feeds[i];
	return NULL;
}

/* ---- the records of the route ---- */

#define PULL_FIELDS(X) \
	X(V, node,    ID, 0, 36, NULL, IN | REQ) \
	X(V, payload, TEXT, 2, 64 * 1024, NULL, IN | REQ) \
	X(V, sig,     CODE, XCHG_SIG_HEX, XCHG_SIG_HEX, NULL, IN | REQ)
static const rec_field pull_fields[] = {PULL_FIELDS(REC_FIELD)};
const rec_desc xchg_pull_rec = REC_DESC("xchg_pull", NULL, pull_fields, NULL);

#define FEED_ANSWER_FIELDS(X) \
	X(V, payload, TEXT, 0, 0, NULL, OUT) \
	X(V, sig,     CODE, XCHG_SIG_HEX, XCHG_SIG_HEX, NULL, OUT)
static const rec_field feed_answer_fields[] = {FEED_ANSWER_FIELDS(REC_FIELD)};
const rec_desc xchg_feed_answer_rec = REC_DESC("xchg_feed_answer", NULL, feed_answer_fields, NULL);

/* ---- SQL made from a table's name, kept for the process's life ----
 * db_prepare caches statements by the address of their text, so a
 * statement made at run time must keep its address: each distinct text is
 * interned once (a handful per feed) and never freed. */

#define INTERN_MAX 128
static pthread_mutex_t g_intern_mu = PTHREAD_MUTEX_INITIALIZER;
static char *g_intern[INTERN_MAX];

static const char *intern(const char *sql)
{
	const char *r = NULL;
	pthread_mutex_lock(&g_intern_mu);
	int i = 0;
	for (; i < INTERN_MAX && g_intern[i]; i++)
		if (strcmp(g_intern[i], sql) == 0)
			break;
	if (i < INTERN_MAX) {
		if (!g_intern[i])
			g_intern[i] = strdup(sql);
		r = g_intern[i];
	}
	pthread_mutex_unlock(&g_intern_mu);
	return r;
}

/* sqlf formats an interned statement (NULL: too long, out of memory, or
 * the pool is full — a programming error, logged by the caller's failure). */
__attribute__((format(printf, 1, 2))) static const char *sqlf(const char *fmt, ...)
{
	char tmp[4096];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	return n > 0 && (size_t)n < sizeof tmp ? intern(tmp) : NULL;
}

static bool named(const char *const *list, const char *col)
{
	for (const char *const *p = list; p && *p; p++)
		if (strcmp(*p, col) == 0)
			return true;
	return false;
}

/* ---- producer's helper ---- */

static const char sql_unit_code[] = "SELECT code FROM units WHERE id = ?";
static const char sql_unit_id[] = "SELECT id FROM units WHERE code = ?";

sj_err xchg_feed_rows_after(db_conn *c, const char *table, const char *tcol, const char *filter,
			    const char *const *unit_cols, int64_t after, int64_t upto, size_t limit, json_t *records,
			    int64_t *cursor, bool *more)
{
	*cursor = after;
	*more = false;
	char where[512];
	snprintf(where, sizeof where, "%s%s%s", filter ? " AND (" : "", filter ? filter : "", filter ? ")" : "");
	char w2[700];
	snprintf(w2, sizeof w2, "%s > ? AND %s <= ?%s", tcol, tcol, where);
	const char *q_min = sqlf("SELECT min(%s) FROM %s WHERE %s", tcol, table, w2),
		   *q_cut = sqlf("SELECT %s FROM %s WHERE %s ORDER BY 1 LIMIT 1 OFFSET ?", tcol, table, w2),
		   *q_rows = sqlf("SELECT * FROM %s WHERE %s ORDER BY %s, id", table, w2, tcol);
	if (!q_min || !q_cut || !q_rows)
		return SJ_EINTERNAL;
	int64_t lo = 0, cut = 0;
	sj_err e = dbj_int(c, q_min, &lo, "ii", after, upto);
	if (e)
		return e;
	if (lo == 0)
		return SJ_OK;   /* nothing new (times are UTC ms, never 0) */
	int64_t hi = upto;
	e = dbj_int(c, q_cut, &cut, "iii", after, upto, (int64_t)limit);
	if (e == SJ_OK) {
		/* more than limit rows: serve whole milliseconds below the cut, or
		 * the one millisecond they all share */
		hi = cut > lo ? cut - 1 : cut;
		*more = true;
	} else if (e != SJ_ENOTFOUND)
		return e;
	db_stmt *s;
	bool row;
	e = db_prepare(c, q_rows, &s);
	e = e ? e : db_bind_int(s, 1, after);
	e = e ? e : db_bind_int(s, 2, hi);
	json_t *got = json_array();
	if (!got)
		return SJ_ENOMEM;
	while (!e && !(e = db_step(s, &row)) && row) {
		json_t *o = json_object();
		int n = db_col_count(s);
		for (int i = 0; o && i < n; i++) {
			const char *name = db_col_name(s, i);
			if (!name) {
				json_decref(o);
				o = NULL;
				break;
			}
			if (strcmp(name, tcol) == 0)
				*cursor = db_col_int(s, i);
			json_object_set_new(o, name, db_col_null(s, i) ? json_null() : json_string(db_col_text(s, i)));
		}
		if (!o)
			e = SJ_ENOMEM;
		else
			json_array_append_new(got, o);
	}
	/* unit ids mean nothing in another database: their codes travel */
	size_t i;
	json_t *o;
	json_array_foreach(got, i, o) {
		for (const char *const *u = unit_cols; !e && u && *u; u++) {
			const char *id = json_string_value(json_object_get(o, *u));
			if (!id)
				continue;
			json_t *r = NULL;
			e = dbj_one(c, sql_unit_code, "code:t", &r, "t", id);
			if (!e)
				json_object_set(o, *u, json_object_get(r, "code"));
			else if (e == SJ_ENOTFOUND) {
				json_object_set_new(o, *u, json_null());
				e = SJ_OK;
			}
			json_decref(r);
		}
	}
	if (!e)
		json_array_extend(records, got);
	json_decref(got);
	return e;
}

/* ---- applier's helper ---- */

static const char sql_pulled_put[] =
	"INSERT INTO xchg_pulled (tbl, id, feed, issued_at) VALUES (?, ?, ?, ?)"
	" ON CONFLICT (tbl, id) DO UPDATE SET feed = excluded.feed, issued_at = excluded.issued_at";
static const char sql_pulled_get[] = "SELECT feed FROM xchg_pulled WHERE tbl = ? AND id = ?";

/* local_columns reads the node's columns of table into cols (n). */
static sj_err local_columns(db_conn *c, const char *table, char cols[][64], int *n)
{
	const char *q = sqlf("SELECT * FROM %s WHERE 1 = 0", table);
	db_stmt *s;
	bool row;
	*n = 0;
	sj_err e = q ? db_prepare(c, q, &s) : SJ_EINTERNAL;
	e = e ? e : db_step(s, &row);
	for (int i = 0; !e && i < db_col_count(s) && i < 64; i++) {
		const char *nm = db_col_name(s, i);
		if (nm)
			snprintf(cols[(*n)++], 64, "%s", nm);
	}
	return e;
}

sj_err xchg_feed_upsert(db_conn *c, const char *feed, const char *table, json_t *row,
			const char *const *unit_cols, const char *const *null_cols, int64_t issued_at, bool *wrote)
{
	*wrote = false;
	const char *id = json_string_value(json_object_get(row, "id"));
	if (!id || strlen(id) > ID_LEN)
		return SJ_EINVAL;
	const char *q_has = sqlf("SELECT count(*) FROM %s WHERE id = ?", table);
	int64_t has = 0, mine = 0;
	json_t *pf = NULL;
	sj_err e = q_has ? dbj_int(c, q_has, &has, "t", id) : SJ_EINTERNAL;
	if (!e) {
		e = dbj_one(c, sql_pulled_get, "feed:t", &pf, "tt", table, id);
		mine = e == SJ_ENOTFOUND;
		json_decref(pf);
		if (e == SJ_ENOTFOUND)
			e = SJ_OK;
	}
	if (e)
		return e;
	if (has && mine)
		return SJ_OK;   /* the node's own record: it is the only writer */
	static __thread char cols[64][64];
	int n = 0;
	if ((e = local_columns(c, table, cols, &n)))
		return e;
	/* the mark first: the outbox triggers skip central's rows */
	if ((e = db_run(c, sql_pulled_put, "ttti", table, id, feed, issued_at)))
		return e;
	char list[2048] = "", qs[512] = "", set[3072] = "";
	const char *vals[64];
	char ids[64][ID_LEN + 1];
	int k = 0;
	for (int i = 0; i < n; i++) {
		if (strcmp(cols[i], "id") == 0 || !json_object_get(row, cols[i]))
			continue;
		const char *v = json_string_value(json_object_get(row, cols[i]));
		if (named(null_cols, cols[i]))
			v = NULL;
		else if (v && named(unit_cols, cols[i])) {
			json_t *u = NULL;
			e = dbj_one(c, sql_unit_id, "id:t", &u, "t", v);
			if (e) {
				json_decref(u);
				return e;   /* SJ_ENOTFOUND: a unit unknown here */
			}
			snprintf(ids[k], sizeof ids[k], "%s", json_string_value(json_object_get(u, "id")));
			json_decref(u);
			v = ids[k];
		}
		size_t l = strlen(list);
		snprintf(list + l, sizeof list - l, "%s, ", cols[i]);
		l = strlen(qs);
		snprintf(qs + l, sizeof qs - l, "?, ");
		l = strlen(set);
		snprintf(set + l, sizeof set - l, "%s%s = ?", k ? ", " : "", cols[i]);
		vals[k++] = v;
	}
	const char *q = has ? sqlf("UPDATE %s SET %s WHERE id = ?", table, set)
			    : sqlf("INSERT INTO %s (%sid) VALUES (%s?)", table, list, qs);
	db_stmt *s;
	bool r;
	e = q ? db_prepare(c, q, &s) : SJ_EINTERNAL;
	for (int i = 0; !e && i < k; i++)
		e = db_bind_text(s, i + 1, vals[i]);
	e = e ? e : db_bind_text(s, k + 1, id);
	e = e ? e : db_step(s, &r);
	if (!e)
		*wrote = true;
	return e;
}

sj_err xchg_pulled_at(db_conn *c, const char *table, const char *id, bool *pulled, int64_t *issued_at)
{
	json_t *pf = NULL;
	bool p = false, found;
	int64_t at = 0;
	sj_err e = dbj_one(c, sql_pulled_get, "feed:t", &pf, "tt", table, id);
	if (e == SJ_OK) {
		p = true;
		char key[XCHG_FEED_NAME_MAX + 32];
		snprintf(key, sizeof key, "xchg.feed.%s.issued_at", json_string_value(json_object_get(pf, "feed")));
		e = settings_state_get(c, key, &at, &found);
	} else if (e == SJ_ENOTFOUND)
		e = SJ_OK;
	json_decref(pf);
	if (pulled)
		*pulled = p;
	if (issued_at)
		*issued_at = at;
	return e;
}

/* ---- central's answer ---- */

static const char sql_node[] = "SELECT status, public_key, unit_code FROM xchg_nodes WHERE id = ?";

static sj_err verify_request(db_conn *c, json_t *body, int64_t now, json_t **payload, unit_info *hu,
			     const char **why, char node_out[XCHG_NODE_ID_MAX + 1])
{
	const char *node = json_string_value(json_object_get(body, "node")),
		   *text = json_string_value(json_object_get(body, "payload")),
		   *sig = json_string_value(json_object_get(body, "sig"));
	snprintf(node_out, XCHG_NODE_ID_MAX + 1, "%s", node ? node : "");
	json_t *n = NULL;
	sj_err e = node ? dbj_one(c, sql_node, "status:t,public_key:t,unit_code:t", &n, "t", node) : SJ_ENOTFOUND;
	if (e == SJ_ENOTFOUND) {
		*why = "node-unknown";
		return SJ_EFORBIDDEN;
	}
	if (e)
		return e;
	const char *status = json_string_value(json_object_get(n, "status")),
		   *pub = json_string_value(json_object_get(n, "public_key"));
	if (strcmp(status, "active") != 0 || !pub) {
		json_decref(n);
		*why = "node-suspended";
		return SJ_EFORBIDDEN;
	}
	size_t len = text ? strlen(text) : 0;
	char *msg = malloc(len + 16);
	if (!msg) {
		json_decref(n);
		return SJ_ENOMEM;
	}
	memcpy(msg, "sijill-pull-v1\n", 15);
	memcpy(msg + 15, text ? text : "", len);
	bool ok = sig && xchg_verify_hex(pub, sig, msg, len + 15);
	free(msg);
	if (!ok) {
		json_decref(n);
		*why = "pull-signature";
		return SJ_EFORBIDDEN;
	}
	e = unit_get_by_code(c, json_string_value(json_object_get(n, "unit_code")), hu);
	json_decref(n);
	if (e)
		return e == SJ_ENOTFOUND ? SJ_EINTERNAL : e;
	json_t *p = json_loads(text, 0, NULL);
	const char *pnode = json_string_value(json_object_get(p, "node"));
	json_t *at = json_object_get(p, "at"), *feeds = json_object_get(p, "feeds");
	if (!pnode || strcmp(pnode, node) != 0 || !json_is_integer(at) || !json_is_object(feeds) ||
	    json_object_size(feeds) > 64) {
		json_decref(p);
		*why = "pull-malformed";
		return SJ_EINVAL;
	}
	int64_t t = json_integer_value(at);
	if (t < now - XCHG_PULL_SKEW_MS || t > now + XCHG_PULL_SKEW_MS) {
		json_decref(p);
		*why = "pull-stale";
		return SJ_EFORBIDDEN;
	}
	*payload = p;
	return SJ_OK;
}

sj_err xchg_feed_serve(db_conn *c, json_t *body, int64_t now, json_t **out, const char **why,
		       char node_out[XCHG_NODE_ID_MAX + 1])
{
	*out = NULL;
	json_t *req = NULL;
	unit_info hu;
	sj_err e = verify_request(c, body, now, &req, &hu, why, node_out);
	if (e)
		return e;
	xchg_peer peer = {.node_id = node_out, .unit_code = hu.code, .unit_path = hu.path};
	json_t *answer = json_object(), *feeds = json_object();
	const char *name;
	json_t *v;
	json_object_foreach(json_object_get(req, "feeds"), name, v) {
		const xchg_feed *f = xchg_feed_find(name);
		if (!f || !json_is_integer(v) || (f->scope == XCHG_FEED_CONFIGURED && (!f->may || !f->may(c, &peer))))
			continue;
		int64_t after = json_integer_value(v), cursor = after;
		bool more = false;
		json_t *recs = json_array();
		e = recs ? f->produce(c, &peer, after, now - XCHG_FEED_SETTLE_MS, XCHG_FEED_RECORDS, recs, &cursor, &more)
			 : SJ_ENOMEM;
		if (e) {
			json_decref(recs);
			break;
		}
		json_object_set_new(feeds, name, json_pack("{s:I,s:I,s:b,s:o}", "after", (json_int_t)after, "cursor",
							   (json_int_t)cursor, "more", more, "records", recs));
	}
	json_decref(req);
	char *text = NULL;
	if (!e && answer && feeds) {
		json_object_set_new(answer, "node", json_string(node_out));
		json_object_set_new(answer, "issued_at", json_integer(now));
		json_object_set(answer, "feeds", feeds);
		text = json_dumps(answer, JSON_COMPACT);
	}
	json_decref(answer);
	json_decref(feeds);
	if (e)
		return e;
	if (!text)
		return SJ_ENOMEM;
	size_t len = strlen(text);
	char *msg = malloc(len + 16), sig[XCHG_SIG_HEX + 1];
	if (!msg) {
		free(text);
		return SJ_ENOMEM;
	}
	memcpy(msg, "sijill-feed-v1\n", 15);
	memcpy(msg + 15, text, len);
	xchg_sign_hex(msg, len + 15, sig);
	free(msg);
	*out = json_pack("{s:s,s:s}", "payload", text, "sig", sig);
	free(text);
	return *out ? SJ_OK : SJ_ENOMEM;
}
