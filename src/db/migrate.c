/* migrate.c — apply embedded migrations; filter backend-only blocks. */
#include "db/migrate.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"

/* filter_sql keeps lines for this backend: blocks opened by "-- @sqlite" or
 * "-- @pg" and closed by "-- @end" are dropped on the other backend. */
static sj_err filter_sql(const char *sql, db_backend kind, buf *out)
{
	int skip = 0;
	const char *p = sql;
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p + 1) : strlen(p);
		if (strncmp(p, "-- @sqlite", 10) == 0)
			skip = kind != DB_SQLITE;
		else if (strncmp(p, "-- @pg", 6) == 0)
			skip = kind != DB_PG;
		else if (strncmp(p, "-- @end", 7) == 0)
			skip = 0;
		else if (!skip) {
			sj_err err = buf_add(out, p, n);
			if (err)
				return err;
		}
		p += n;
	}
	return SJ_OK;
}

static const char sql_create_versions[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	" version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";
static const char sql_max_version[] = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
static const char sql_has_version[] = "SELECT COUNT(*) FROM schema_migrations WHERE version = ?";
static const char sql_versions[] = "SELECT version FROM schema_migrations ORDER BY version";
static const char sql_insert_version[] =
	"INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)";


static sj_err read_version(db_conn *c, int *version)
{
	db_stmt *s;
	bool row;
	sj_err e = db_prepare(c, sql_max_version, &s);
	if (!e)
		e = db_step(s, &row);
	if (!e)
		*version = row ? (int)db_col_int(s, 0) : 0;
	return e;
}

sj_err db_schema_version(db *d, int *version)
{
	db_conn *c;
	sj_err e = db_acquire(d, &c);
	if (e)
		return e;
	e = db_exec(c, sql_create_versions);
	if (!e)
		e = read_version(c, version);
	db_release(d, c);
	return e;
}

static bool known_version(int v)
{
	for (int i = 0; i < db_migrations_count; i++)
		if (db_migrations[i].version == v)
			return true;
	return false;
}

/* first_unknown finds an applied version this binary has no migration for
 * (the database was migrated by a newer sijill); 0 when there is none. */
static sj_err first_unknown(db_conn *c, int *unknown)
{
	db_stmt *s;
	bool row = false;
	*unknown = 0;
	sj_err e = db_prepare(c, sql_versions, &s);
	while (!e && !(e = db_step(s, &row)) && row) {
		int v = (int)db_col_int(s, 0);
		if (!*unknown && !known_version(v))
			*unknown = v;
	}
	return e;
}

int db_binary_version(void)
{
	int max = 0;
	for (int i = 0; i < db_migrations_count; i++)
		if (db_migrations[i].version > max)
			max = db_migrations[i].version;
	return max;
}

sj_err db_schema_newer(db *d, int *unknown)
{
	*unknown = 0;
	db_conn *c;
	sj_err e = db_acquire(d, &c);
	if (e)
		return e;
	e = db_exec(c, sql_create_versions);
	e = e ? e : first_unknown(c, unknown);
	db_release(d, c);
	return e;
}

static sj_err has_version(db_conn *c, int v, bool *has)
{
	db_stmt *s;
	bool row = false;
	sj_err e = db_prepare(c, sql_has_version, &s);
	e = e ? e : db_bind_int(s, 1, v);
	e = e ? e : db_step(s, &row);
	*has = !e && row && db_col_int(s, 0) > 0;
	while (!e && row)
		e = db_step(s, &row);
	return e;
}

sj_err db_migrate(db *d, int *applied)
{
	int done = 0;
	db_conn *c;
	sj_err e = db_acquire(d, &c);
	if (e)
		return e;
	/* Several central processes may start at once: take a session lock so
	 * only one creates the bookkeeping table and migrates. */
	bool locked = false;
	if (db_conn_kind(c) == DB_PG) {
		e = db_exec(c, "SELECT pg_advisory_lock(7468011)");
		locked = !e;
	}
	e = e ? e : db_exec(c, sql_create_versions);
	/* A database migrated by a newer sijill is never touched by an older one. */
	int unknown = 0;
	e = e ? e : first_unknown(c, &unknown);
	if (!e && unknown) {
		log_msg(LOG_ERROR, "database schema is newer than this binary",
			json_pack("{s:i,s:i}", "database_version", unknown, "binary_version", db_binary_version()));
		e = SJ_ECONFLICT;
	}
	for (int i = 0; !e && i < db_migrations_count; i++) {
		const db_migration *m = &db_migrations[i];
		bool have = false;
		if ((e = db_begin(c, DB_WRITE)))
			break;
		/* Several central processes may start at once: one migrates. */
		if (db_conn_kind(c) == DB_PG)
			e = db_exec(c, "LOCK TABLE schema_migrations IN EXCLUSIVE MODE");
		/* Applied by number, not by "newer than the highest": migrations
		 * from different ranges may be merged in any order. */
		if (!e)
			e = has_version(c, m->version, &have);
		if (!e && !have) {
			buf sql;
			buf_init(&sql, 4 * 1024 * 1024);
			e = filter_sql(m->sql, db_conn_kind(c), &sql);
			if (!e)
				e = db_exec(c, buf_str(&sql));
			if (e)
				log_msg(LOG_ERROR, "migration failed",
					json_pack("{s:i,s:s,s:s}", "version", m->version, "name", m->name,
						  "error", db_last_error(c)));
			buf_free(&sql);
			if (!e)
				e = db_run(c, sql_insert_version, "iti", (int64_t)m->version, m->name,
					   clock_now_ms());
			if (!e)
				done++;
		}
		if (!e)
			e = db_commit(c);
		else
			db_rollback(c);
	}
	if (locked && db_exec(c, "SELECT pg_advisory_unlock(7468011)"))
		log_msg(LOG_WARN, "could not release the migration lock", NULL);
	db_release(d, c);
	if (applied)
		*applied = done;
	return e;
}
