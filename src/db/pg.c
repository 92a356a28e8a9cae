/* pg.c — the PostgreSQL backend (libpq), with the semantics of sqlite.c.
 *
 * Statements are written with `?` placeholders; prepare rewrites each one
 * outside quotes and comments to $1, $2, ... and PQprepares the text under a
 * per-connection name ("s<n>"). Parameters travel as text and results come
 * back as text; PostgreSQL infers each parameter's type from its context.
 * Errors are mapped from SQLSTATE (PostgreSQL manual, Appendix A):
 * class 23 (integrity constraint) -> SJ_ECONFLICT, 40001/40P01/55P03 ->
 * SJ_EBUSY (retry the transaction), class 22 (data exception) -> SJ_EINVAL.
 *
 * A connection the server dropped is re-established on its next use outside a
 * transaction (never inside one: that would silently split it); its statements
 * are then prepared again on their next execution. A connection that reached
 * a read-only server (SQLSTATE 25006: a primary demoted by a failover) or was
 * told the server is shutting down (57P01-57P03) is marked stale and dropped
 * at its next use outside a transaction, so libpq chooses a host again
 * (target_session_attrs=read-write in a multi-host URI). Meanwhile the unit of
 * work fails with SJ_EUNAVAIL, which HTTP answers 503 with Retry-After.
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"
#include "db/backend.h"

#define PG_MAX_PARAMS      64      /* `?` placeholders in one statement */
#define PG_ERRMSG          512     /* bytes of the last error message kept */
#define PG_STMT_NAME       24      /* "s" + a uint64 + NUL */
#define PG_INT_TEXT        24      /* INT64_MIN is 20 characters */
#define PG_MAX_DEALLOC     256     /* statement names waiting to be deallocated */
#define PG_CONNECT_TIMEOUT "10"    /* seconds, unless the URI says otherwise */
#define PG_BOOLOID         16      /* pg_type oid of boolean (catalog/pg_type.dat) */
#define PG_COPY_BLOCK      (256 * 1024) /* bytes of COPY data sent per PQputCopyData */

typedef struct pg_conn {
	PGconn *h;
	uint64_t next_name;             /* statement names are "s<n>" */
	uint64_t gen;                   /* bumped by each reconnection */
	bool in_tx;                     /* between begin and commit/rollback */
	bool stale;                     /* reached a read-only or stopping server: reconnect */
	sj_err tx_err;                  /* first failure inside the open transaction */
	int ndealloc;
	uint64_t dealloc[PG_MAX_DEALLOC]; /* finalized statements still on the server */
	char err[PG_ERRMSG];
} pg_conn;

typedef struct pg_stmt {
	pg_conn *c;
	char *sql;                      /* rewritten with $n */
	uint64_t name_no;
	char name[PG_STMT_NAME];
	uint64_t gen;                   /* the connection generation it was prepared in */
	int nparams;
	const char *vals[PG_MAX_PARAMS];/* NULL binds SQL NULL */
	char *owned[PG_MAX_PARAMS];     /* copies of bound text */
	char num[PG_MAX_PARAMS][PG_INT_TEXT];
	PGresult *res;
	int row;                        /* current row, -1 before the first */
	int nrows;
	bool executed;
	bool done;
	int64_t changes;
} pg_stmt;

static void set_err(pg_conn *c, const char *msg)
{
	if (!msg || !*msg)
		msg = "unknown PostgreSQL error";
	size_t n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		n--;
	snprintf(c->err, sizeof c->err, "%.*s", (int)n, msg);
}

/* unavailable: the SQLSTATEs that mean "this server cannot take the write
 * now; another one may": 25006 read-only transaction (a demoted primary, or a
 * standby), class 08 connection exceptions, 57P01 admin shutdown, 57P02 crash
 * shutdown, 57P03 cannot connect now (PostgreSQL manual, Appendix A). */
static bool unavailable(const char *st)
{
	return st && (strcmp(st, "25006") == 0 || strncmp(st, "08", 2) == 0 || strcmp(st, "57P01") == 0 ||
		      strcmp(st, "57P02") == 0 || strcmp(st, "57P03") == 0);
}

static sj_err map_sqlstate(const char *st)
{
	if (!st || strlen(st) != 5)
		return SJ_EDB;
	if (unavailable(st))
		return SJ_EUNAVAIL;
	if (strncmp(st, "23", 2) == 0)   /* 23505 unique, 23503 fk, 23514 check, 23502 not null */
		return SJ_ECONFLICT;
	if (strcmp(st, "40001") == 0 || strcmp(st, "40P01") == 0 || strcmp(st, "55P03") == 0)
		return SJ_EBUSY;         /* serialization failure, deadlock, lock not available */
	if (strncmp(st, "22", 2) == 0)
		return SJ_EINVAL;        /* data exception: bad number, bad encoding, ... */
	if (strcmp(st, "53200") == 0)
		return SJ_ENOMEM;
	if (strncmp(st, "54", 2) == 0)
		return SJ_ELIMIT;        /* program limit exceeded */
	return SJ_EDB;
}

/* check turns a result into an sj_err, keeping the message; r may be NULL. */
static sj_err check(pg_conn *c, const PGresult *r)
{
	sj_err e;
	if (!r) {
		set_err(c, PQerrorMessage(c->h));
		e = PQstatus(c->h) == CONNECTION_OK ? SJ_ENOMEM : SJ_EUNAVAIL;
	} else {
		switch (PQresultStatus(r)) {
		case PGRES_COMMAND_OK:
		case PGRES_TUPLES_OK:
		case PGRES_EMPTY_QUERY:
			return SJ_OK;
		default:
			set_err(c, PQresultErrorMessage(r));
			const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
			e = map_sqlstate(st);
			if (PQstatus(c->h) != CONNECTION_OK)
				e = SJ_EUNAVAIL; /* the server went away during the statement */
			if (e == SJ_EUNAVAIL && !c->stale) {
				c->stale = true;
				log_msg(LOG_WARN, "postgresql server unavailable; the connection will be re-established",
					json_pack("{s:s,s:s}", "sqlstate", st ? st : "", "error", c->err));
			}
			break;
		}
	}
	if (c->in_tx && !c->tx_err)
		c->tx_err = e;
	return e;
}

static sj_err simple(pg_conn *c, const char *sql)
{
	PGresult *r = PQexec(c->h, sql);
	sj_err e = check(c, r);
	PQclear(r);
	return e;
}

/* notices (warnings and up, see session) go to the JSON log, not raw stderr */
static void on_notice(void *arg, const char *message)
{
	(void)arg;
	log_msg(LOG_WARN, "postgresql notice",
		json_pack("{s:s%}", "message", message, strcspn(message, "\n")));
}

static sj_err session(pg_conn *c)
{
	return simple(c, "SET client_min_messages = warning; SET TIME ZONE 'UTC'");
}

/* alive re-establishes a connection the server dropped; callers use it only
 * outside a transaction. Statements prepared before re-prepare (gen). */
static sj_err alive(pg_conn *c)
{
	/* An idle connection the server ended (restart, failover, terminate)
	 * has its farewell and EOF waiting on the socket: reading them, without
	 * blocking, turns it CONNECTION_BAD before a statement is sent on it. */
	if (PQstatus(c->h) == CONNECTION_OK && !c->stale && PQtransactionStatus(c->h) == PQTRANS_IDLE)
		(void)PQconsumeInput(c->h);
	if (PQstatus(c->h) == CONNECTION_OK && !c->stale)
		return SJ_OK;
	/* PQreset connects again with the same parameters: with a multi-host
	 * URI it walks the hosts and, with target_session_attrs=read-write,
	 * keeps only the primary. */
	PQreset(c->h);
	c->gen++;
	c->ndealloc = 0;
	if (PQstatus(c->h) != CONNECTION_OK) {
		set_err(c, PQerrorMessage(c->h));
		c->stale = true;
		return SJ_EUNAVAIL;
	}
	c->stale = false;
	sj_err e = session(c);
	if (!e)
		log_msg(LOG_INFO, "postgresql connection re-established", NULL);
	return e;
}

/* lost_outside_tx: e is a lost connection on a statement run outside any
 * transaction, which may be sent once more on a new connection. */
static bool lost_outside_tx(const pg_conn *c, sj_err e)
{
	return e == SJ_EUNAVAIL && !c->in_tx && PQstatus(c->h) != CONNECTION_OK;
}

/* flush_dealloc drops the server side of finalized statements (evicted from
 * db.c's cache), only when idle: a failure cannot then abort a transaction. */
static void flush_dealloc(pg_conn *c)
{
	if (c->ndealloc == 0 || PQtransactionStatus(c->h) != PQTRANS_IDLE)
		return;
	buf b;
	buf_init(&b, (size_t)PG_MAX_DEALLOC * (PG_STMT_NAME + 16));
	sj_err e = SJ_OK;
	for (int i = 0; i < c->ndealloc && !e; i++)
		e = buf_printf(&b, "DEALLOCATE s%" PRIu64 ";", c->dealloc[i]);
	c->ndealloc = 0;
	if (!e) {
		PGresult *r = PQexec(c->h, buf_str(&b));
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			log_msg(LOG_WARN, "postgresql deallocate failed",
				json_pack("{s:s}", "error", PQerrorMessage(c->h)));
		PQclear(r);
	}
	buf_free(&b);
}

static sj_err pg_open(const char *uri, void **out, char *errmsg, size_t errsz)
{
	*out = NULL;
	pg_conn *c = calloc(1, sizeof *c);
	if (!c) {
		snprintf(errmsg, errsz, "out of memory");
		return SJ_ENOMEM;
	}
	/* Keywords before dbname can be overridden by the URI, those after cannot. */
	const char *const keys[] = {"connect_timeout", "application_name", "dbname", "client_encoding", NULL};
	const char *const vals[] = {PG_CONNECT_TIMEOUT, "sijill", uri, "UTF8", NULL};
	c->h = PQconnectdbParams(keys, vals, 1);
	if (!c->h) {
		free(c);
		snprintf(errmsg, errsz, "out of memory");
		return SJ_ENOMEM;
	}
	sj_err e = SJ_OK;
	if (PQstatus(c->h) != CONNECTION_OK) {
		/* The URI may carry a password: report libpq's message only. */
		set_err(c, PQerrorMessage(c->h));
		e = SJ_EDB;
	} else {
		PQsetNoticeProcessor(c->h, on_notice, NULL);
		e = session(c);
	}
	if (e) {
		snprintf(errmsg, errsz, "postgresql: %s", c->err);
		PQfinish(c->h);
		free(c);
		return e;
	}
	*out = c;
	return SJ_OK;
}

static void pg_close(void *conn)
{
	pg_conn *c = conn;
	if (!c)
		return;
	PQfinish(c->h); /* the server drops the session's prepared statements */
	free(c);
}

static sj_err pg_exec(void *conn, const char *sql)
{
	pg_conn *c = conn;
	sj_err e = c->in_tx ? SJ_OK : alive(c);
	if (!e)
		e = simple(c, sql); /* PQexec runs several `;`-separated statements */
	if (lost_outside_tx(c, e)) {
		e = alive(c);
		e = e ? e : simple(c, sql);
	}
	return e;
}

static sj_err pg_begin(void *conn, db_mode mode)
{
	/* READ COMMITTED for reads and writes: the schema serialises where it
	 * must with UPDATE ... RETURNING on counter rows (docs/internals/db.md). */
	pg_conn *c = conn;
	sj_err e = alive(c);
	if (e)
		return e;
	PGTransactionStatusType ts = PQtransactionStatus(c->h);
	if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR)
		(void)simple(c, "ROLLBACK"); /* never let a stray transaction absorb this one */
	flush_dealloc(c);
	/* DB_SNAPSHOT: one snapshot for every statement (audit verify while writers run) */
	const char *begin = mode == DB_SNAPSHOT ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN";
	e = simple(c, begin);
	if (e && (PQstatus(c->h) != CONNECTION_OK || c->stale)) {
		/* The server dropped an idle pooled connection (restart, timeout):
		 * nothing has been done yet, so reconnect and begin once more. */
		e = alive(c);
		if (!e)
			e = simple(c, begin);
	}
	if (!e) {
		c->in_tx = true;
		c->tx_err = SJ_OK;
	}
	return e;
}

static sj_err pg_commit(void *conn)
{
	pg_conn *c = conn;
	PGresult *r = PQexec(c->h, "COMMIT");
	sj_err e = check(c, r);
	if (!e && strcmp(PQcmdStatus(r), "COMMIT") != 0) {
		/* COMMIT of a transaction an earlier error aborted answers ROLLBACK. */
		set_err(c, "the transaction was aborted by an earlier error and rolled back");
		e = c->tx_err == SJ_EBUSY ? SJ_EBUSY : SJ_EDB;
	}
	PQclear(r);
	c->in_tx = false;
	return e;
}

static void pg_rollback(void *conn)
{
	pg_conn *c = conn;
	c->in_tx = false;
	PGTransactionStatusType ts = PQtransactionStatus(c->h);
	if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR)
		(void)simple(c, "ROLLBACK");
}

/* rewrite copies sql to out (when not NULL), turning each `?` outside
 * '...' strings, "..." identifiers, -- and block comments into $n, and
 * returns the number of placeholders. out needs strlen(sql) + 4 * n + 1. */
static int rewrite(const char *sql, char *out, size_t outsz)
{
	enum { CODE, STRING, IDENT, LINE, BLOCK } st = CODE;
	int n = 0;
	size_t o = 0;
	for (const char *p = sql; *p; p++) {
		char ch = *p;
		switch (st) {
		case CODE:
			if (ch == '?') {
				n++;
				if (out) {
					char prev = o ? out[o - 1] : ' ';
					bool word = (prev >= 'a' && prev <= 'z') || (prev >= 'A' && prev <= 'Z') ||
						    (prev >= '0' && prev <= '9') || prev == '_' || prev == '$';
					int w = snprintf(out + o, outsz - o, "%s$%d", word ? " " : "", n);
					if (w < 0 || (size_t)w >= outsz - o)
						abort(); /* sized by the counting pass: impossible */
					o += (size_t)w;
				}
				continue;
			}
			if (ch == '\'')
				st = STRING;
			else if (ch == '"')
				st = IDENT;
			else if (ch == '-' && p[1] == '-')
				st = LINE;
			else if (ch == '/' && p[1] == '*') {
				st = BLOCK;
				if (out) {
					out[o++] = ch;
				}
				ch = *++p;
			}
			break;
		case STRING: /* '' inside a string leaves and re-enters: same result */
			if (ch == '\'')
				st = CODE;
			break;
		case IDENT:
			if (ch == '"')
				st = CODE;
			break;
		case LINE:
			if (ch == '\n')
				st = CODE;
			break;
		case BLOCK:
			if (ch == '*' && p[1] == '/') {
				st = CODE;
				if (out)
					out[o++] = ch;
				ch = *++p;
			}
			break;
		}
		if (out)
			out[o++] = ch;
	}
	if (out)
		out[o] = '\0';
	return n;
}

static sj_err do_prepare(pg_stmt *s)
{
	pg_conn *c = s->c;
	PGresult *r = PQprepare(c->h, s->name, s->sql, s->nparams, NULL);
	sj_err e = check(c, r);
	PQclear(r);
	if (!e)
		s->gen = c->gen;
	return e;
}

static sj_err pg_prepare(void *conn, const char *sql, void **out)
{
	pg_conn *c = conn;
	*out = NULL;
	int n = rewrite(sql, NULL, 0);
	if (n > PG_MAX_PARAMS) {
		snprintf(c->err, sizeof c->err, "more than %d parameters in one statement", PG_MAX_PARAMS);
		return SJ_ELIMIT;
	}
	size_t len = strlen(sql);
	if (len > SIZE_MAX - (size_t)PG_MAX_PARAMS * 4 - 1) {
		set_err(c, "statement too long");
		return SJ_ELIMIT;
	}
	size_t sz = len + (size_t)n * 4 + 1;
	pg_stmt *s = calloc(1, sizeof *s);
	char *text = malloc(sz);
	if (!s || !text) {
		free(s);
		free(text);
		set_err(c, "out of memory");
		return SJ_ENOMEM;
	}
	rewrite(sql, text, sz);
	s->c = c;
	s->sql = text;
	s->nparams = n;
	s->row = -1;
	s->name_no = ++c->next_name;
	snprintf(s->name, sizeof s->name, "s%" PRIu64, s->name_no);
	sj_err e = c->in_tx ? SJ_OK : alive(c);
	if (!e) {
		flush_dealloc(c);
		e = do_prepare(s);
		if (lost_outside_tx(c, e)) {
			e = alive(c);
			e = e ? e : do_prepare(s);
		}
	}
	if (e) {
		free(s->sql);
		free(s);
		return e;
	}
	*out = s;
	return SJ_OK;
}

static void clear_binds(pg_stmt *s)
{
	for (int i = 0; i < s->nparams; i++) {
		free(s->owned[i]);
		s->owned[i] = NULL;
		s->vals[i] = NULL;
	}
}

static void pg_reset(void *stmt)
{
	pg_stmt *s = stmt;
	PQclear(s->res);
	s->res = NULL;
	clear_binds(s);
	s->row = -1;
	s->nrows = 0;
	s->executed = false;
	s->done = false;
	s->changes = 0;
}

static void pg_finalize(void *stmt)
{
	pg_stmt *s = stmt;
	if (!s)
		return;
	pg_conn *c = s->c;
	/* Still on the server: deallocate at the next idle moment (not on close:
	 * PQfinish ends the session and with it every prepared statement). */
	if (s->gen == c->gen && PQstatus(c->h) == CONNECTION_OK && c->ndealloc < PG_MAX_DEALLOC)
		c->dealloc[c->ndealloc++] = s->name_no;
	pg_reset(s);
	free(s->sql);
	free(s);
}

/* slot checks a parameter number (from 1) and frees what it held. */
static sj_err slot(pg_stmt *s, int i)
{
	if (s->executed) {
		set_err(s->c, "bind after execution without reset");
		return SJ_EDB;
	}
	if (i < 1 || i > s->nparams) {
		snprintf(s->c->err, sizeof s->c->err, "parameter %d out of range (statement has %d)", i,
			 s->nparams);
		return SJ_EDB;
	}
	free(s->owned[i - 1]);
	s->owned[i - 1] = NULL;
	s->vals[i - 1] = NULL;
	return SJ_OK;
}

static sj_err pg_bind_text(void *stmt, int i, const char *v)
{
	pg_stmt *s = stmt;
	sj_err e = slot(s, i);
	if (e || !v)
		return e;
	char *copy = strdup(v);
	if (!copy)
		return SJ_ENOMEM;
	s->owned[i - 1] = copy;
	s->vals[i - 1] = copy;
	return SJ_OK;
}

static sj_err pg_bind_int(void *stmt, int i, int64_t v)
{
	pg_stmt *s = stmt;
	sj_err e = slot(s, i);
	if (e)
		return e;
	snprintf(s->num[i - 1], sizeof s->num[i - 1], "%" PRId64, v);
	s->vals[i - 1] = s->num[i - 1];
	return SJ_OK;
}

static sj_err pg_bind_null(void *stmt, int i)
{
	return slot(stmt, i);
}

static sj_err pg_step(void *stmt, bool *row)
{
	pg_stmt *s = stmt;
	pg_conn *c = s->c;
	*row = false;
	if (s->done)
		return SJ_OK;
	if (!s->executed) {
		s->executed = true;
		sj_err e = c->in_tx ? SJ_OK : alive(c);
		if (!e && s->gen != c->gen)
			e = do_prepare(s);
		if (e) {
			s->done = true;
			return e;
		}
		PGresult *r = PQexecPrepared(c->h, s->name, s->nparams, s->vals, NULL, NULL, 0);
		e = check(c, r);
		if (lost_outside_tx(c, e)) {
			/* once more on a new connection: outside a transaction run only
			 * reads and idempotent touches (every write that matters is in
			 * a transaction with its audit entry) */
			PQclear(r);
			r = NULL;
			e = alive(c);
			e = e ? e : do_prepare(s);
			if (!e) {
				r = PQexecPrepared(c->h, s->name, s->nparams, s->vals, NULL, NULL, 0);
				e = check(c, r);
			}
		}
		if (e) {
			PQclear(r);
			s->done = true;
			return e;
		}
		s->res = r;
		s->nrows = PQntuples(r);
		s->row = -1;
		s->changes = strtoll(PQcmdTuples(r), NULL, 10); /* "" for other commands: 0 */
	}
	if (++s->row < s->nrows) {
		*row = true;
		return SJ_OK;
	}
	s->row = s->nrows;
	s->done = true;
	return SJ_OK;
}

static bool in_row(const pg_stmt *s, int i)
{
	return s->res && s->row >= 0 && s->row < s->nrows && i >= 0 && i < PQnfields(s->res);
}

static const char *pg_col_text(void *stmt, int i)
{
	pg_stmt *s = stmt;
	if (!in_row(s, i) || PQgetisnull(s->res, s->row, i))
		return NULL;
	return PQgetvalue(s->res, s->row, i);
}

static int64_t pg_col_int(void *stmt, int i)
{
	pg_stmt *s = stmt;
	const char *v = pg_col_text(s, i);
	if (!v)
		return 0;
	if (PQftype(s->res, i) == PG_BOOLOID) /* "t"/"f": read like SQLite's 1/0 */
		return v[0] == 't';
	return strtoll(v, NULL, 10);
}

static bool pg_col_null(void *stmt, int i)
{
	pg_stmt *s = stmt;
	return !in_row(s, i) || PQgetisnull(s->res, s->row, i);
}

static int pg_col_count(void *stmt)
{
	pg_stmt *s = stmt;
	return s->res ? PQnfields(s->res) : 0;
}

static const char *pg_col_name(void *stmt, int i)
{
	pg_stmt *s = stmt;
	return s->res && i >= 0 && i < PQnfields(s->res) ? PQfname(s->res, i) : NULL;
}

static int64_t pg_changes(void *stmt)
{
	pg_stmt *s = stmt;
	return s->changes;
}

static bool pg_tx_active(void *conn)
{
	/* PostgreSQL never ends a transaction by itself while the connection
	 * lives; a lost connection (PQTRANS_UNKNOWN) counts as active so the next
	 * statement fails with SJ_EUNAVAIL rather than a generic error. */
	pg_conn *c = conn;
	return PQtransactionStatus(c->h) != PQTRANS_IDLE;
}

static const char *pg_errmsg(void *conn)
{
	pg_conn *c = conn;
	return c->err;
}

/* ------------------------------------------------------------ bulk copy
 *
 * COPY table (columns) FROM STDIN in text format (PostgreSQL manual, COPY,
 * "Text Format"): one line per row, columns separated by a tab, NULL as \N,
 * and backslash, tab, newline and carriage return escaped. Rows collect in a
 * buffer sent in PG_COPY_BLOCK pieces; errors surface at the end. */
typedef struct pg_copy {
	pg_conn *c;
	int ncols;
	sj_err err;
	buf b;
} pg_copy;

static sj_err pg_copy_begin(void *conn, const char *table, const char *columns, int ncols, void **out)
{
	pg_conn *c = conn;
	*out = NULL;
	pg_copy *cp = calloc(1, sizeof *cp);
	if (!cp)
		return SJ_ENOMEM;
	buf_init(&cp->b, (size_t)PG_COPY_BLOCK * 4);
	sj_err e = buf_printf(&cp->b, "COPY %s (%s) FROM STDIN", table, columns);
	PGresult *r = e ? NULL : PQexec(c->h, buf_str(&cp->b));
	if (!e && PQresultStatus(r) != PGRES_COPY_IN)
		e = check(c, r);
	if (!e && PQresultStatus(r) != PGRES_COPY_IN)
		e = SJ_EDB;
	PQclear(r);
	if (e) {
		buf_free(&cp->b);
		free(cp);
		return e;
	}
	buf_reset(&cp->b);
	cp->c = c;
	cp->ncols = ncols;
	*out = cp;
	return SJ_OK;
}

static sj_err copy_send(pg_copy *cp)
{
	size_t n = cp->b.len;
	if (n == 0)
		return SJ_OK;
	if (n > INT32_MAX || PQputCopyData(cp->c->h, buf_str(&cp->b), (int)n) != 1) {
		set_err(cp->c, PQerrorMessage(cp->c->h));
		return SJ_EDB;
	}
	buf_reset(&cp->b);
	return SJ_OK;
}

static sj_err pg_copy_row(void *copy, const char *const *vals)
{
	pg_copy *cp = copy;
	if (cp->err)
		return cp->err;
	sj_err e = SJ_OK;
	for (int i = 0; i < cp->ncols && !e; i++) {
		if (i)
			e = buf_add(&cp->b, "\t", 1);
		if (e)
			break;
		if (!vals[i]) {
			e = buf_add(&cp->b, "\\N", 2);
			continue;
		}
		const char *v = vals[i], *run = v;
		for (; *v && !e; v++) {
			const char *esc = *v == '\\' ? "\\\\" : *v == '\t' ? "\\t" : *v == '\n' ? "\\n"
					: *v == '\r' ? "\\r" : NULL;
			if (!esc)
				continue;
			e = buf_add(&cp->b, run, (size_t)(v - run));
			if (!e)
				e = buf_add(&cp->b, esc, 2);
			run = v + 1;
		}
		if (!e)
			e = buf_add(&cp->b, run, strlen(run));
	}
	if (!e)
		e = buf_add(&cp->b, "\n", 1);
	if (!e && cp->b.len >= PG_COPY_BLOCK)
		e = copy_send(cp);
	if (e)
		cp->err = e;
	return e;
}

static sj_err pg_copy_end(void *copy)
{
	pg_copy *cp = copy;
	if (!cp)
		return SJ_OK;
	pg_conn *c = cp->c;
	sj_err e = cp->err ? cp->err : copy_send(cp);
	/* ending with an error message makes the server abort the COPY */
	if (PQputCopyEnd(c->h, e ? "sijill: copy abandoned" : NULL) != 1 && !e) {
		set_err(c, PQerrorMessage(c->h));
		e = SJ_EDB;
	}
	PGresult *r;
	while ((r = PQgetResult(c->h)) != NULL) {
		sj_err re = check(c, r);
		if (!e)
			e = re;
		PQclear(r);
	}
	if (e && c->in_tx && !c->tx_err)
		c->tx_err = e;
	buf_free(&cp->b);
	free(cp);
	return e;
}

const db_backend_ops db_pg_ops = {
	.kind = DB_PG,
	.conn_open = pg_open,
	.conn_close = pg_close,
	.exec = pg_exec,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.reset = pg_reset,
	.bind_text = pg_bind_text,
	.bind_int = pg_bind_int,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.col_text = pg_col_text,
	.col_int = pg_col_int,
	.col_null = pg_col_null,
	.col_count = pg_col_count,
	.col_name = pg_col_name,
	.changes = pg_changes,
	.errmsg = pg_errmsg,
	.tx_active = pg_tx_active,
	.copy_begin = pg_copy_begin,
	.copy_row = pg_copy_row,
	.copy_end = pg_copy_end,
};
