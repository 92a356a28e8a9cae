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

/* db_migrate applies every migration newer than the database's version.
 * *applied (may be NULL) receives how many ran. */
SJ_MUST_USE sj_err db_migrate(db *d, int *applied);
/* db_schema_version returns the newest applied version (0 on a new database). */
SJ_MUST_USE sj_err db_schema_version(db *d, int *version);

#endif
