/* migrate.h — numbered schema migrations, one set for both backends.
 *
 * Migrations live in src/db/migrations/NNNN_name.sql and are embedded at build
 * time. Each runs in its own write transaction with its row in
 * schema_migrations, so a crash leaves the schema at a whole version.
 */
#ifndef SJ_DB_MIGRATE_H
#define SJ_DB_MIGRATE_H

#include "db/db.h"

typedef struct db_migration {
	int version;
	const char *name;
	const char *sql;
} db_migration;

extern const db_migration db_migrations[];
extern const int db_migrations_count;

/* db_migrate applies every migration not yet applied (by number: ranges of
 * numbers may be merged in any order). *applied (may be NULL) receives how
 * many ran. SJ_ECONFLICT, changing nothing, when the database has a version
 * this binary does not know: it was migrated by a newer sijill (downgrade). */
SJ_MUST_USE sj_err db_migrate(db *d, int *applied);
/* db_schema_version returns the newest applied version (0 on a new database). */
SJ_MUST_USE sj_err db_schema_version(db *d, int *version);

/* db_binary_version returns the highest migration number this binary has. */
int db_binary_version(void);
/* db_schema_newer sets *unknown to an applied version this binary has no
 * migration for (0 when none): the database belongs to a newer sijill. */
SJ_MUST_USE sj_err db_schema_newer(db *d, int *unknown);

#endif
