/* fuzz_import.c — `sijill import persons` lines: each line of the input goes
 * through the same steps as src/cli/import.c (json_loadb with
 * JSON_REJECT_DUPLICATES, persons_import_check) and a valid one is stored
 * with persons_import, in one transaction that is rolled back so the
 * database stays small. Checks: no crash, no leak, and a line the validator
 * accepted is stored without error. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "persons/persons.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	app *a = fz_app();
	static char unit_id[64];
	db_conn *c;
	if (db_acquire(a->db, &c))
		abort();
	if (!unit_id[0]) {
		db_stmt *st;
		bool row;
		if (db_prepare(c, "SELECT id FROM units WHERE code = 'AR-CASA-OULFA'", &st) || db_step(st, &row) || !row)
			abort();
		snprintf(unit_id, sizeof unit_id, "%s", db_col_text(st, 0));
		bool more;
		if (db_step(st, &more))
			abort();
	}
	if (db_begin(c, DB_WRITE))
		abort();
	const char *p = (const char *)data, *end = p + size;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		json_error_t jerr;
		json_t *j = json_loadb(p, n, JSON_REJECT_DUPLICATES, &jerr);
		char why[256];
		if (j && !persons_import_check(j, why, sizeof why)) {
			char id[ID_LEN + 1];
			bool made;
			sj_err e = persons_import(c, j, unit_id, id, &made);
			if (e) {
				fprintf(stderr, "fuzz_import: a valid line failed: %s: %.*s\n", sj_err_name(e), (int)n, p);
				abort();
			}
		}
		json_decref(j);
		p += n + 1;
	}
	db_rollback(c);
	db_release(a->db, c);
	return 0;
}
