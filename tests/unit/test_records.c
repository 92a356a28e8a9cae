/* test_records.c — every record description matches the migrated schema, on
 * SQLite and on PostgreSQL (issue 9, item 1).
 *
 * For each record of app_records[] that names a table (routes.c lists them
 * all), on a database fresh from every migration:
 *   - every column of the description (kind C or E) exists, with a type that
 *     holds the field's (TEXT for text, codes, ids, dates, enums and JSON;
 *     BIGINT for times, integers and booleans);
 *   - every enum column is constrained to exactly the description's values:
 *     on PostgreSQL a CHECK constraint <table>_<column>_enum, on SQLite the
 *     two triggers <table>_<column>_enum_insert / _update (SQLite cannot add
 *     a CHECK to an existing table without rebuilding it; see
 *     docs/internals/records.md);
 *   - a value outside the list is refused by the database itself.
 * When they drift, the test prints the DDL a new migration needs (also with
 * SIJILL_PRINT_ENUM_DDL=1, to write one).
 *
 * PostgreSQL: as tests/unit/test_db.c, a fresh database t_<hex> on the cluster
 * of SIJILL_TEST_PG_URI; without it the PostgreSQL test fails, unless
 * SIJILL_TEST_NO_PG=1 (skipped). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libpq-fe.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "core/log.h"
#include "db/db.h"
#include "db/migrate.h"

#define MAX_VALUES 32

static char sqlite_dir[64], sqlite_uri[128], pg_uri[1024], pg_name[32];
static bool pg_skip;

/* ---- PostgreSQL administration (outside the interface under test) ---- */

static bool pg_admin(const char *sql)
{
	PGconn *c = PQconnectdb(getenv("SIJILL_TEST_PG_URI"));
	bool ok = PQstatus(c) == CONNECTION_OK;
	if (ok) {
		PGresult *r = PQexec(c, sql);
		ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
		if (!ok)
			fprintf(stderr, "# %s: %s", sql, PQerrorMessage(c));
		PQclear(r);
	}
	PQfinish(c);
	return ok;
}

static bool pg_uri_for(const char *admin, const char *name, char *out, size_t outsz)
{
	const char *auth = strstr(admin, "://");
	if (!auth)
		return false;
	auth += 3;
	size_t alen = strcspn(auth, "/?");
	const char *query = strchr(auth + alen, '?');
	int n = snprintf(out, outsz, "%.*s/%s%s", (int)(auth + alen - admin), admin, name, query ? query : "");
	return n > 0 && (size_t)n < outsz;
}

/* ---- what the database says ---- */

/* column_type writes the declared type of table.column (upper case) into
 * out, "" when there is no such column. */
static void column_type(db_conn *c, const char *table, const char *column, char *out, size_t outsz)
{
	static const char q_sqlite[] = "SELECT type FROM pragma_table_info(?) WHERE name = ?";
	static const char q_pg[] =
		"SELECT data_type FROM information_schema.columns WHERE table_schema = current_schema()"
		" AND table_name = ? AND column_name = ?";
	db_stmt *s;
	bool row = false;
	out[0] = '\0';
	assert_int_equal(db_prepare(c, db_conn_kind(c) == DB_PG ? q_pg : q_sqlite, &s), SJ_OK);
	assert_int_equal(db_bind_text(s, 1, table), SJ_OK);
	assert_int_equal(db_bind_text(s, 2, column), SJ_OK);
	assert_int_equal(db_step(s, &row), SJ_OK);
	if (row) {
		snprintf(out, outsz, "%s", db_col_text(s, 0));
		for (char *p = out; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
	}
	while (row && db_step(s, &row) == SJ_OK && row) {
	}
}

/* constraint_text writes the SQL that constrains table.column's values (the
 * PostgreSQL CHECK's definition, or the SQLite trigger of suffix "insert" /
 * "update"), "" when there is none. */
static void constraint_text(db_conn *c, const char *table, const char *column, const char *suffix, char *out,
			    size_t outsz)
{
	static const char q_sqlite[] = "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?";
	static const char q_pg[] =
		"SELECT pg_get_constraintdef(k.oid) FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid"
		" WHERE t.relname = ? AND k.conname = ?";
	char name[160];
	db_stmt *s;
	bool row = false, pg = db_conn_kind(c) == DB_PG;
	out[0] = '\0';
	if (pg)
		snprintf(name, sizeof name, "%s_%s_enum", table, column);
	else
		snprintf(name, sizeof name, "%s_%s_enum_%s", table, column, suffix);
	assert_int_equal(db_prepare(c, pg ? q_pg : q_sqlite, &s), SJ_OK);
	if (pg) {
		assert_int_equal(db_bind_text(s, 1, table), SJ_OK);
		assert_int_equal(db_bind_text(s, 2, name), SJ_OK);
	} else {
		assert_int_equal(db_bind_text(s, 1, name), SJ_OK);
	}
	assert_int_equal(db_step(s, &row), SJ_OK);
	if (row)
		snprintf(out, outsz, "%s", db_col_text(s, 0) ? db_col_text(s, 0) : "");
	while (row && db_step(s, &row) == SJ_OK && row) {
	}
}

/* quoted collects the '...' literals of sql into v (the value list of an IN
 * or of an ANY(ARRAY[...])); returns how many. */
static int quoted(const char *sql, char v[MAX_VALUES][64])
{
	int n = 0;
	/* a trigger's list is its NOT IN (...); its message is quoted too */
	const char *from = strstr(sql, "NOT IN (") ? strstr(sql, "NOT IN (") : sql;
	const char *to = strstr(sql, "NOT IN (") ? strchr(from, ')') : NULL;
	for (const char *p = strchr(from, '\''); p && (!to || p < to) && n < MAX_VALUES; p = strchr(p, '\'')) {
		const char *e = strchr(p + 1, '\'');
		if (!e)
			break;
		snprintf(v[n++], 64, "%.*s", (int)(e - p - 1), p + 1);
		p = e + 1;
	}
	return n;
}

static bool same_values(const rec_enum *en, char v[MAX_VALUES][64], int n)
{
	int k = 0;
	for (const char *const *x = en->values; *x; x++, k++) {
		bool found = false;
		for (int i = 0; i < n && !found; i++)
			found = strcmp(v[i], *x) == 0;
		if (!found)
			return false;
	}
	return k == n;
}

/* ---- what the description says ---- */

static bool is_column(const rec_field *f)
{
	return f->flags & (REC_KIND_C | REC_KIND_E);
}

static const char *sql_type(rec_type t)
{
	switch (t) {
	case REC_TIME:
	case REC_INT:
	case REC_BOOL: return "BIGINT";
	default: return "TEXT";
	}
}

/* print_ddl writes, for the backend, the statements that constrain f's
 * column to its description's values (what a migration holds). */
static void print_ddl(FILE *o, bool pg, const char *table, const rec_field *f)
{
	char list[1024] = "";
	size_t n = 0;
	for (const char *const *x = rec_enums(f)->values; *x; x++)
		n += (size_t)snprintf(list + n, sizeof list - n, "%s'%s'", n ? ", " : "", *x);
	if (pg) {
		fprintf(o, "ALTER TABLE %s ADD CONSTRAINT %s_%s_enum CHECK (%s IN (%s)) NOT VALID;\n", table, table,
			f->name, f->name, list);
		return;
	}
	for (int u = 0; u < 2; u++)
		fprintf(o,
			"CREATE TRIGGER %s_%s_enum_%s BEFORE %s%s ON %s FOR EACH ROW WHEN NEW.%s NOT IN (%s)\n"
			"BEGIN SELECT RAISE(ABORT, '%s.%s: not one of the accepted values'); END;\n",
			table, f->name, u ? "update" : "insert", u ? "UPDATE OF " : "INSERT", u ? f->name : "", table,
			f->name, list, table, f->name);
}

/* ---- the test ---- */

static void check_schema(const char *uri, bool pg)
{
	db *d = NULL;
	assert_int_equal(db_open(uri, 1, &d), SJ_OK);
	assert_int_equal(db_migrate(d, NULL), SJ_OK);
	db_conn *c;
	assert_int_equal(db_acquire(d, &c), SJ_OK);
	bool print = getenv("SIJILL_PRINT_ENUM_DDL") != NULL;
	int tables = 0, columns = 0, enums = 0, bad = 0;
	for (size_t i = 0; app_records[i]; i++) {
		const rec_desc *r = app_records[i];
		if (!r->table)
			continue;
		tables++;
		for (size_t k = 0; k < r->nfields; k++) {
			const rec_field *f = &r->fields[k];
			if (!is_column(f))
				continue;
			columns++;
			char type[64];
			column_type(c, r->table, f->name, type, sizeof type);
			if (!type[0] || strcmp(type, sql_type(f->type)) != 0) {
				fprintf(stderr, "# %s: %s.%s (record %s) is %s, the description wants %s\n", pg ? "pg" : "sqlite",
					r->table, f->name, r->name, type[0] ? type : "missing", sql_type(f->type));
				bad++;
				continue;
			}
			if (f->type != REC_ENUM)
				continue;
			enums++;
			char sql[2048], v[MAX_VALUES][64];
			for (int u = 0; u < (pg ? 1 : 2); u++) {
				constraint_text(c, r->table, f->name, u ? "update" : "insert", sql, sizeof sql);
				int n = quoted(sql, v);
				if (!sql[0] || !same_values(rec_enums(f), v, n)) {
					fprintf(stderr, "# %s: %s.%s is %s the values of %s (%s)\n", pg ? "pg" : "sqlite", r->table,
						f->name, sql[0] ? "not constrained to" : "unconstrained: want", rec_enums(f)->name,
						sql[0] ? sql : "no constraint");
					bad++;
					print = true;
					break;
				}
			}
		}
	}
	if (print) {
		fprintf(stderr, "# the constraints a migration sets (%s):\n", pg ? "-- @pg" : "-- @sqlite");
		for (size_t i = 0; app_records[i]; i++)
			for (size_t k = 0; app_records[i]->table && k < app_records[i]->nfields; k++)
				if (is_column(&app_records[i]->fields[k]) && app_records[i]->fields[k].type == REC_ENUM)
					print_ddl(stderr, pg, app_records[i]->table, &app_records[i]->fields[k]);
	}
	/* the database refuses a value outside the list by itself */
	assert_int_equal(db_begin(c, DB_WRITE), SJ_OK);
	sj_err e = db_run(c,
			  "INSERT INTO register_events (id, register, record_id, at, status) VALUES"
			  " ('00000000-0000-7000-8000-000000000000', 'no-such-register', 'x', 1, 'active')",
			  "");
	db_rollback(c);
	assert_int_equal(e, SJ_ECONFLICT);
	printf("# %s: %d tables, %d columns, %d enum columns checked\n", pg ? "pg" : "sqlite", tables, columns, enums);
	db_release(d, c);
	db_close(d);
	assert_int_equal(bad, 0);
	assert_true(tables >= 20 && enums >= 20);
}

static void sqlite_schema_matches(void **st)
{
	(void)st;
	check_schema(sqlite_uri, false);
}

static void pg_schema_matches(void **st)
{
	(void)st;
	if (pg_skip)
		skip();
	assert_true(pg_name[0] != '\0');
	check_schema(pg_uri, true);
}

static int group_setup(void **state)
{
	(void)state;
	log_set_quiet(1);
	snprintf(sqlite_dir, sizeof sqlite_dir, "/tmp/sijill-test-rec-XXXXXX");
	if (!mkdtemp(sqlite_dir))
		return -1;
	snprintf(sqlite_uri, sizeof sqlite_uri, "%s/test.db", sqlite_dir);
	const char *admin = getenv("SIJILL_TEST_PG_URI"), *nopg = getenv("SIJILL_TEST_NO_PG");
	if (!admin || !*admin) {
		pg_skip = nopg && strcmp(nopg, "1") == 0;
		if (!pg_skip)
			fprintf(stderr, "# SIJILL_TEST_PG_URI is not set: the PostgreSQL test fails\n");
		return 0;
	}
	unsigned char rnd[8];
	char hex[2 * sizeof rnd + 1], sql[128];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
	snprintf(pg_name, sizeof pg_name, "t_%s", hex);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", pg_name);
	if (!pg_admin(sql) || !pg_uri_for(admin, pg_name, pg_uri, sizeof pg_uri))
		pg_name[0] = '\0';
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	int rc = 0;
	if (pg_name[0]) {
		char sql[128];
		snprintf(sql, sizeof sql, "DROP DATABASE %s WITH (FORCE)", pg_name);
		if (!pg_admin(sql))
			rc = -1;
	}
	const char *suffix[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		char p[160];
		snprintf(p, sizeof p, "%s%s", sqlite_uri, suffix[i]);
		unlink(p);
	}
	rmdir(sqlite_dir);
	return rc;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sqlite_schema_matches),
		cmocka_unit_test(pg_schema_matches),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
