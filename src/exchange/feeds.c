/* feeds.c — what central publishes to its nodes (exchange.h, "pull"): the
 * registry of feeds, central's answer to a signed pull request, and the two
 * helpers most feeds are made of (rows of a table after a time cursor; a
 * row of central's copied into the node's table). The node's half is
 * pull.c. */
#include "exchange/exchange.h"
#include "exchange/internal.h"

#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/id.h"
#include "db/dbj.h"
#include "org/units.h"
#include "refdata/refdata.h"
#include "mobile/mobile.h"
#include "registers/registers.h"
#include "search/search.h"
#include "core/log.h"
#include "settings/settings.h"

/* ---- the registry: one line per feed (see exchange.h to add one) ---- */

static sj_err units_produce(db_conn *c, const xchg_peer *p, int64_t after, int64_t upto, size_t limit,
			    json_t *records, int64_t *cursor, bool *more);
static sj_err units_apply(db_conn *c, json_t *records, int64_t issued_at, int64_t *applied);
static sj_err region_produce(db_conn *c, const xchg_peer *p, int64_t after, int64_t upto, size_t limit,
			     json_t *records, int64_t *cursor, bool *more);
static sj_err region_apply(db_conn *c, json_t *records, int64_t issued_at, int64_t *applied);

/* In the order a node applies them: units first (the others name units by code). */
const xchg_feed xchg_feeds[] = {
	/* reference data: the unit tree, and the versioned legal data (src/refdata/feed.c) */
	{"units", XCHG_FEED_ALL, units_produce, units_apply, NULL},
	{"refdata", XCHG_FEED_ALL, ref_feed_produce, ref_feed_apply, NULL},
	/* hotlists (src/registers/hotlist.c): national, every node */
	{"wanted", XCHG_FEED_ALL, reg_hotlist_wanted_produce, reg_hotlist_wanted_apply, NULL},
	{"stolen-vehicles", XCHG_FEED_ALL, reg_hotlist_vehicles_produce, reg_hotlist_vehicles_apply, NULL},
	{"stolen-documents", XCHG_FEED_ALL, reg_hotlist_documents_produce, reg_hotlist_documents_apply, NULL},
	{"stolen-phones", XCHG_FEED_ALL, reg_hotlist_phones_produce, reg_hotlist_phones_apply, NULL},
	/* where configured (a station): the person index of the node's region */
	{"persons-region", XCHG_FEED_CONFIGURED, region_produce, region_apply, xchg_node_region_on},
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

#define INTERN_MAX 1024   /* central's set-wise apply: a few sizes per table */
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
const char *xchg_sqlf(const char *fmt, ...)
{
	char tmp[16384];
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
	const char *q_min = xchg_sqlf("SELECT min(%s) FROM %s WHERE %s", tcol, table, w2),
		   *q_cut = xchg_sqlf("SELECT %s FROM %s WHERE %s ORDER BY 1 LIMIT 1 OFFSET ?", tcol, table, w2),
		   *q_rows = xchg_sqlf("SELECT * FROM %s WHERE %s ORDER BY %s, id", table, w2, tcol);
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
			if (strcmp(name, XCHG_FED_COL) == 0)
				continue;   /* central's bookkeeping: not part of the record */
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

/* the catalogue, portable: SQLite's table_info, PostgreSQL's information_schema */
static const char sql_cols_lite[] = "SELECT name FROM pragma_table_info(?) ORDER BY cid";
static const char sql_cols_pg[] =
	"SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?"
	" ORDER BY ordinal_position";

sj_err xchg_columns(db_conn *c, const char *table, char cols[][64], int *n)
{
	db_stmt *s;
	bool row;
	*n = 0;
	sj_err e = db_prepare(c, db_conn_kind(c) == DB_PG ? sql_cols_pg : sql_cols_lite, &s);
	e = e ? e : db_bind_text(s, 1, table);
	while (!e && !(e = db_step(s, &row)) && row)
		if (*n < XCHG_COLS_MAX)
			snprintf(cols[(*n)++], 64, "%s", db_col_text(s, 0));
	return e ? e : *n ? SJ_OK : SJ_ENOTFOUND;
}

sj_err xchg_feed_upsert(db_conn *c, const char *feed, const char *table, json_t *row,
			const char *const *unit_cols, const char *const *null_cols, int64_t issued_at, bool *wrote)
{
	*wrote = false;
	const char *id = json_string_value(json_object_get(row, "id"));
	if (!id || strlen(id) > ID_LEN)
		return SJ_EINVAL;
	const char *q_has = xchg_sqlf("SELECT count(*) FROM %s WHERE id = ?", table);
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
	static __thread char cols[XCHG_COLS_MAX][64];
	int n = 0;
	if ((e = xchg_columns(c, table, cols, &n)))
		return e;
	/* the mark first: the outbox triggers skip central's rows */
	if ((e = db_run(c, sql_pulled_put, "ttti", table, id, feed, issued_at)))
		return e;
	buf list, qs, set;
	buf_init(&list, 1 << 16);
	buf_init(&qs, 1 << 14);
	buf_init(&set, 1 << 16);
	const char *vals[XCHG_COLS_MAX];
	char ids[XCHG_COLS_MAX][ID_LEN + 1];
	int k = 0;
	for (int i = 0; !e && i < n; i++) {
		if (strcmp(cols[i], "id") == 0 || !json_object_get(row, cols[i]))
			continue;
		const char *v = json_string_value(json_object_get(row, cols[i]));
		if (named(null_cols, cols[i]))
			v = NULL;
		else if (v && named(unit_cols, cols[i])) {
			json_t *u = NULL;
			e = dbj_one(c, sql_unit_id, "id:t", &u, "t", v);   /* SJ_ENOTFOUND: a unit unknown here */
			if (!e)
				snprintf(ids[k], sizeof ids[k], "%s", json_string_value(json_object_get(u, "id")));
			json_decref(u);
			v = ids[k];
		}
		e = e ? e : buf_printf(&list, "%s, ", cols[i]);
		e = e ? e : buf_printf(&qs, "?, ");
		e = e ? e : buf_printf(&set, "%s%s = ?", k ? ", " : "", cols[i]);
		vals[k++] = v;
	}
	const char *q = NULL;
	if (!e)
		q = has ? xchg_sqlf("UPDATE %s SET %s WHERE id = ?", table, buf_str(&set))
			: xchg_sqlf("INSERT INTO %s (%sid) VALUES (%s?)", table, buf_str(&list), buf_str(&qs));
	buf_free(&list);
	buf_free(&qs);
	buf_free(&set);
	if (e)
		return e;
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

sj_err xchg_verify_request(db_conn *c, json_t *body, const char *what, int64_t now, json_t **payload,
			   unit_info *hu, const char **why, char node_out[XCHG_NODE_ID_MAX + 1])
{
	char prefix[48];
	int pl = snprintf(prefix, sizeof prefix, "sijill-%s-v1\n", what);
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
	char *msg = malloc(len + (size_t)pl + 1);
	if (!msg) {
		json_decref(n);
		return SJ_ENOMEM;
	}
	memcpy(msg, prefix, (size_t)pl);
	memcpy(msg + pl, text ? text : "", len);
	bool ok = sig && xchg_verify_hex(pub, sig, msg, len + (size_t)pl);
	free(msg);
	if (!ok) {
		json_decref(n);
		*why = strcmp(what, "pull") == 0 ? "pull-signature" : "request-signature";
		return SJ_EFORBIDDEN;
	}
	e = unit_get_by_code(c, json_string_value(json_object_get(n, "unit_code")), hu);
	json_decref(n);
	if (e)
		return e == SJ_ENOTFOUND ? SJ_EINTERNAL : e;
	json_t *p = json_loads(text, 0, NULL);
	const char *pnode = json_string_value(json_object_get(p, "node"));
	json_t *at = json_object_get(p, "at");
	if (!pnode || strcmp(pnode, node) != 0 || !json_is_integer(at)) {
		json_decref(p);
		*why = strcmp(what, "pull") == 0 ? "pull-malformed" : "request-malformed";
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

/* settled_upto lowers *upto below the start of the oldest write transaction
 * still open at central (PostgreSQL: any other session holding a
 * transaction id). A row's fed_at is taken inside its writer's transaction,
 * so after its start: a batch that takes longer than XCHG_FEED_SETTLE_MS to
 * commit is not passed by a cursor while it is still invisible. SQLite has
 * one writer and no view of it: the settle time alone. */
static const char sql_oldest_writer[] =
	"SELECT COALESCE((extract(epoch FROM min(xact_start)) * 1000)::bigint, 0) FROM pg_stat_activity"
	" WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid() AND datname = current_database()";

static sj_err settled_upto(db_conn *c, int64_t *upto)
{
	if (db_conn_kind(c) != DB_PG)
		return SJ_OK;
	int64_t oldest = 0;
	sj_err e = dbj_int(c, sql_oldest_writer, &oldest, "");
	if (e)
		return e;
	if (oldest > 0 && oldest - 1 < *upto)
		*upto = oldest - 1;
	return SJ_OK;
}

sj_err xchg_feed_serve(db_conn *c, json_t *body, int64_t now, json_t **out, const char **why,
		       char node_out[XCHG_NODE_ID_MAX + 1])
{
	*out = NULL;
	json_t *req = NULL;
	unit_info hu;
	sj_err e = xchg_verify_request(c, body, "pull", now, &req, &hu, why, node_out);
	if (e)
		return e;
	json_t *asked = json_object_get(req, "feeds");
	if (!json_is_object(asked) || json_object_size(asked) > 64) {
		json_decref(req);
		*why = "pull-malformed";
		return SJ_EINVAL;
	}
	int64_t upto = now - XCHG_FEED_SETTLE_MS;
	if ((e = settled_upto(c, &upto))) {
		json_decref(req);
		return e;
	}
	xchg_peer peer = {.node_id = node_out, .unit_code = hu.code, .unit_path = hu.path};
	json_t *answer = json_object(), *feeds = json_object();
	const char *name;
	json_t *v;
	json_object_foreach(asked, name, v) {
		const xchg_feed *f = xchg_feed_find(name);
		if (!f || !json_is_integer(v) || (f->scope == XCHG_FEED_CONFIGURED && (!f->may || !f->may(c, &peer))))
			continue;
		int64_t after = json_integer_value(v), cursor = after;
		bool more = false;
		json_t *recs = json_array();
		e = recs ? f->produce(c, &peer, after, upto, XCHG_FEED_RECORDS, recs, &cursor, &more)
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
	*out = xchg_signed_text("feed", text);
	free(text);
	return *out ? SJ_OK : SJ_ENOMEM;
}

json_t *xchg_signed_text(const char *what, const char *text)
{
	char prefix[48], sig[XCHG_SIG_HEX + 1];
	int pl = snprintf(prefix, sizeof prefix, "sijill-%s-v1\n", what);
	size_t len = strlen(text);
	char *msg = malloc(len + (size_t)pl + 1);
	if (!msg)
		return NULL;
	memcpy(msg, prefix, (size_t)pl);
	memcpy(msg + pl, text, len);
	xchg_sign_hex(msg, len + (size_t)pl, sig);
	free(msg);
	return json_pack("{s:s,s:s}", "payload", text, "sig", sig);
}

bool xchg_signed_ok(const char *what, const char *pub, const char *text, const char *sig)
{
	char prefix[48];
	int pl = snprintf(prefix, sizeof prefix, "sijill-%s-v1\n", what);
	size_t len = text ? strlen(text) : 0;
	char *msg = text && sig ? malloc(len + (size_t)pl + 1) : NULL;
	if (!msg)
		return false;
	memcpy(msg, prefix, (size_t)pl);
	memcpy(msg + pl, text, len);
	bool ok = xchg_verify_hex(pub, sig, msg, len + (size_t)pl);
	free(msg);
	return ok;
}

/* ---- the unit tree (org/units.h's list and loader: no SQL here) ----
 * A few thousand units nationally: the whole tree travels when it changed;
 * its cursor is a digest of the tree (63 bits of BLAKE2b), not a time. The
 * node adds the units it lacks (a unit created at central after the node
 * was installed); names of the ones it has come with units.json as today. */

static sj_err units_produce(db_conn *c, const xchg_peer *p, int64_t after, int64_t upto, size_t limit,
			    json_t *records, int64_t *cursor, bool *more)
{
	(void)p;
	(void)upto;
	(void)limit;
	*more = false;
	*cursor = after;
	json_t *list = NULL;
	sj_err e = unit_list(c, &list);
	if (e)
		return e;
	size_t i;
	json_t *u;
	json_array_foreach(list, i, u) json_object_del(u, "id");   /* ids are each database's own */
	char *text = json_dumps(list, JSON_COMPACT | JSON_SORT_KEYS);
	if (!text) {
		json_decref(list);
		return SJ_ENOMEM;
	}
	unsigned char h[8];
	crypto_generichash(h, sizeof h, (const unsigned char *)text, strlen(text), NULL, 0);
	free(text);
	int64_t d = 0;
	for (int k = 0; k < 8; k++)
		d = (int64_t)(((uint64_t)d << 8) | h[k]);
	d &= INT64_MAX;
	if (d == after) {
		json_decref(list);
		return SJ_OK;
	}
	*cursor = d;
	json_t *rec = json_pack("{s:o}", "units", list);
	if (!rec)
		return SJ_ENOMEM;
	json_array_append_new(records, rec);
	return SJ_OK;
}

static sj_err units_apply(db_conn *c, json_t *records, int64_t issued_at, int64_t *applied)
{
	(void)issued_at;
	size_t i;
	json_t *r;
	json_array_foreach(records, i, r) {
		/* the units this node lacks (a unit created at central); the ones
		 * it has keep their row (names and city come with units.json) */
		json_t *missing = json_array(), *u;
		size_t k;
		sj_err e = missing ? SJ_OK : SJ_ENOMEM;
		json_array_foreach(json_object_get(r, "units"), k, u) {
			unit_info have;
			if (e)
				break;
			e = unit_get_by_code(c, json_string_value(json_object_get(u, "code")), &have);
			if (e == SJ_ENOTFOUND) {
				json_array_append(missing, u);
				e = SJ_OK;
			}
		}
		int n = 0;
		json_t *root = e || !json_array_size(missing) ? NULL : json_pack("{s:O}", "units", missing);
		if (root)
			e = unit_load_json(c, root, false, &n);
		json_decref(root);
		json_decref(missing);
		if (e)
			return e;
		*applied += n;
	}
	return SJ_OK;
}

sj_err xchg_feed_insert(db_conn *c, const char *table, json_t *row)
{
	static __thread char cols[XCHG_COLS_MAX][64];
	int n = 0;
	sj_err e = xchg_columns(c, table, cols, &n);
	if (e)
		return e;
	buf list, qs;
	buf_init(&list, 1 << 16);
	buf_init(&qs, 1 << 14);
	const char *vals[XCHG_COLS_MAX];
	int k = 0;
	for (int i = 0; !e && i < n; i++) {
		json_t *v = json_object_get(row, cols[i]);
		if (!v)
			continue;
		e = buf_printf(&list, "%s%s", k ? ", " : "", cols[i]);
		e = e ? e : buf_printf(&qs, "%s?", k ? ", " : "");
		vals[k++] = json_string_value(v);
	}
	const char *q = !e && k ? xchg_sqlf("INSERT INTO %s (%s) VALUES (%s)", table, buf_str(&list), buf_str(&qs)) : NULL;
	buf_free(&list);
	buf_free(&qs);
	if (e || !k)
		return e ? e : SJ_EINVAL;
	db_stmt *s;
	bool r;
	e = q ? db_prepare(c, q, &s) : SJ_EINTERNAL;
	for (int i = 0; !e && i < k; i++)
		e = db_bind_text(s, i + 1, vals[i]);
	return e ? e : db_step(s, &r);
}

/* ---- the region's person index (a station's feed, where configured) ----
 * The persons whose home unit is in the node's region (the parent of the
 * unit it hosts: its prefecture) but not the node's own units, by
 * fed_at (when each reached central). On the node they are central's copies (xchg_pulled: its
 * outbox does not send them back), indexed for the node's search. A person
 * the node cannot take (its CIN already on one of the node's own persons:
 * the same person, to be merged) is skipped alone, logged. */

static const char *const person_units[] = {"home_unit_id", NULL};

static void sql_quote(char *out, size_t n, const char *s)
{
	size_t k = 0;
	for (; *s && k + 2 < n; s++) {
		if (*s == '\'')
			out[k++] = '\'';
		out[k++] = *s;
	}
	out[k] = '\0';
}

static sj_err region_produce(db_conn *c, const xchg_peer *p, int64_t after, int64_t upto, size_t limit,
			     json_t *records, int64_t *cursor, bool *more)
{
	unit_info hu, region;
	sj_err e = unit_get_by_code(c, p->unit_code, &hu);
	if (e)
		return e;
	if (!hu.parent_id[0] || unit_get(c, hu.parent_id, &region))
		region = hu;
	char rq[2 * UNIT_PATH_MAX + 1], hq[2 * UNIT_PATH_MAX + 1], filter[4 * UNIT_PATH_MAX + 256];
	sql_quote(rq, sizeof rq, region.path);
	sql_quote(hq, sizeof hq, hu.path);
	snprintf(filter, sizeof filter,
		 "home_unit_id IN (SELECT id FROM units WHERE path LIKE '%s%%') AND home_unit_id NOT IN"
		 " (SELECT id FROM units WHERE path LIKE '%s%%')",
		 rq, hq);
	return xchg_feed_rows_after(c, "persons", XCHG_FED_COL, filter, person_units, after, upto, limit, records,
				    cursor, more);
}

static sj_err region_apply(db_conn *c, json_t *records, int64_t issued_at, int64_t *applied)
{
	size_t i;
	json_t *r;
	json_array_foreach(records, i, r) {
		bool wrote = false;
		sj_err e = db_exec(c, "SAVEPOINT xchg_region");
		if (!e)
			e = xchg_feed_upsert(c, "persons-region", "persons", r, person_units, NULL, issued_at, &wrote);
		if (!e && wrote)
			e = srch_reindex_person(c, json_string_value(json_object_get(r, "id")));
		if (e == SJ_ECONFLICT || e == SJ_EDB) {
			log_msg(LOG_WARN, "a person of the region's index is not taken",
				json_pack("{s:s?,s:s}", "id", json_string_value(json_object_get(r, "id")), "error",
					  db_last_error(c) ? db_last_error(c) : ""));
			if ((e = db_exec(c, "ROLLBACK TO SAVEPOINT xchg_region")))
				return e;
			wrote = false;
		}
		if (!e)
			e = db_exec(c, "RELEASE SAVEPOINT xchg_region");
		if (e)
			return e;
		*applied += wrote;
	}
	return SJ_OK;
}
