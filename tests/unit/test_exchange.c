/* test_exchange.c — the outbox triggers of migration 0070 are exactly what
 * src/exchange/schema.c generates from the migrated tables, and every column
 * of every exchanged record's description travels (the descriptions, the
 * tables and the migration cannot drift apart). SIJILL_PRINT_XCHG_DDL=1
 * prints the triggers to write into a migration. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "core/log.h"
#include "db/db.h"
#include "db/migrate.h"
#include "exchange/exchange.h"

static char dir[64], uri[128];

#define MAXCOLS 96

static size_t table_columns(db_conn *c, const char *table, char cols[MAXCOLS][64])
{
	static const char q[] = "SELECT name FROM pragma_table_info(?) ORDER BY cid";
	db_stmt *s;
	bool row = false;
	size_t n = 0;
	assert_int_equal(db_prepare(c, q, &s), SJ_OK);
	assert_int_equal(db_bind_text(s, 1, table), SJ_OK);
	while (db_step(s, &row) == SJ_OK && row && n < MAXCOLS)
		snprintf(cols[n++], 64, "%s", db_col_text(s, 0));
	return n;
}

static void trigger_sql(db_conn *c, const char *name, char *out, size_t outsz)
{
	static const char q[] = "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?";
	db_stmt *s;
	bool row = false;
	out[0] = '\0';
	assert_int_equal(db_prepare(c, q, &s), SJ_OK);
	assert_int_equal(db_bind_text(s, 1, name), SJ_OK);
	assert_int_equal(db_step(s, &row), SJ_OK);
	if (row)
		snprintf(out, outsz, "%s;\n", db_col_text(s, 0));
	while (row && db_step(s, &row) == SJ_OK && row) {
	}
}

static void triggers_match_tables_and_descriptions(void **st)
{
	(void)st;
	db *d = NULL;
	assert_int_equal(db_open(uri, 1, &d), SJ_OK);
	assert_int_equal(db_migrate(d, NULL), SJ_OK);
	db_conn *c;
	assert_int_equal(db_acquire(d, &c), SJ_OK);
	bool print = getenv("SIJILL_PRINT_XCHG_DDL") != NULL;
	int bad = 0, described = 0;
	static char cols[MAXCOLS][64], have[1 << 16], tmp[1 << 15];
	for (size_t i = 0; i < xchg_tables_count; i++) {
		const xchg_table *t = &xchg_tables[i];
		size_t n = table_columns(c, t->table, cols);
		assert_true(n > 1);
		const char *ptrs[MAXCOLS];
		for (size_t k = 0; k < n; k++)
			ptrs[k] = cols[k];
		char *want = xchg_trigger_ddl(t, ptrs, n);
		assert_non_null(want);
		char name[96];
		snprintf(name, sizeof name, "xchg_%s_insert", t->table);
		trigger_sql(c, name, have, sizeof have);
		snprintf(name, sizeof name, "xchg_%s_update", t->table);
		trigger_sql(c, name, tmp, sizeof tmp);
		strncat(have, tmp, sizeof have - strlen(have) - 1);
		if (print)
			fputs(want, stdout);
		if (strcmp(want, have) != 0) {
			fprintf(stderr, "# the outbox triggers of %s are not what the table's columns give (run with "
					"SIJILL_PRINT_XCHG_DDL=1 and write them into a new migration)\n", t->table);
			bad++;
		}
		/* every column of every description of this table travels */
		for (size_t r = 0; app_records[r]; r++) {
			const rec_desc *rd = app_records[r];
			if (!rd->table || strcmp(rd->table, t->table) != 0)
				continue;
			described++;
			for (size_t k = 0; k < rd->nfields; k++) {
				const rec_field *f = &rd->fields[k];
				if (!(f->flags & (REC_KIND_C | REC_KIND_E)) || !xchg_column_sent(t, f->name))
					continue;
				char needle[160];
				snprintf(needle, sizeof needle, "'%s', NEW.%s", f->name, f->name);
				if (!strstr(want, needle) || !strstr(have, needle)) {
					fprintf(stderr, "# %s.%s (record %s) does not travel to central\n", t->table,
						f->name, rd->name);
					bad++;
				}
			}
		}
		free(want);
	}
	db_release(d, c);
	db_close(d);
	assert_int_equal(bad, 0);
	assert_true(described >= 12);
}

static int setup(void **state)
{
	(void)state;
	log_set_quiet(1);
	snprintf(dir, sizeof dir, "/tmp/sijill-test-xchg-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(uri, sizeof uri, "%s/test.db", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	const char *suffix[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < 3; i++) {
		char p[160];
		snprintf(p, sizeof p, "%s%s", uri, suffix[i]);
		unlink(p);
	}
	rmdir(dir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(triggers_match_tables_and_descriptions),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
