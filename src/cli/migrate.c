/* migrate.c — `sijill migrate`: bring a database to this binary's schema
 * (a copy of a SQLite file first), refusing a database newer than the
 * binary (see docs/internals/ops.md). */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "core/limits.h"
#include "db/migrate.h"

static void migrate_usage(FILE *f)
{
	fputs("usage: sijill migrate --db DB [--backup-dir DIR | --no-backup]\n"
	      "\n"
	      "Bring the database schema up to this binary's version, after taking a copy\n"
	      "of a SQLite database into DIR (default: DIR of DB/pre-upgrade) with the\n"
	      "online backup API (the keys are not changed by a migration and are not\n"
	      "copied). A database migrated by a newer sijill is refused (no downgrade):\n"
	      "nothing is changed. The Debian package runs this on upgrade.\n"
	      "\n"
	      "  --db DB           a SQLite file path, or a postgresql:// URI\n"
	      "  --backup-dir DIR  where the copy goes (SQLite)\n"
	      "  --no-backup       migrate without a copy; required for PostgreSQL, whose\n"
	      "                    backup is a base backup + WAL archive (pg-backup.md)\n"
	      "  --audit-key PATH  accepted and ignored (a migration signs nothing)\n"
	      "  -h, --help        this help\n"
	      "\n"
	      "Exit status 0: up to date; 1: refused or failed; 2: usage.\n", f);
}

int cli_migrate(int argc, char **argv)
{
	const char *dbu = getenv("SIJILL_DB"), *dir = NULL;
	int no_backup = 0;
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"backup-dir", required_argument, NULL, 'b'},
		{"no-backup", no_argument, NULL, 'n'},
		{"audit-key", required_argument, NULL, 'k'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dbu = optarg; break;
		case 'b': dir = optarg; break;
		case 'n': no_backup = 1; break;
		case 'k': break; /* accepted like every command's; a migration needs no key */
		case 'h': migrate_usage(stdout); return 0;
		default: migrate_usage(stderr); return 2;
		}
	}
	if (!dbu || optind != argc || (dir && no_backup)) {
		migrate_usage(stderr);
		return 2;
	}
	bool pg = db_uri_is_pg(dbu);
	if (pg && !no_backup) {
		fprintf(stderr, "sijill: take a PostgreSQL base backup first (pg-backup.md), then run\n"
				"        sijill migrate --db ... --no-backup\n");
		return 1;
	}
	bool exists = pg || access(dbu, F_OK) == 0;
	db *d = NULL;
	if (db_open(dbu, 1, &d)) {
		fprintf(stderr, "sijill: cannot open the database\n");
		return 1;
	}
	int unknown = 0, version = 0;
	if (db_schema_newer(d, &unknown) || db_schema_version(d, &version)) {
		fprintf(stderr, "sijill: cannot read the schema version\n");
		db_close(d);
		return 1;
	}
	if (unknown) {
		fprintf(stderr,
			"sijill: the database was migrated by a newer sijill (it has schema version %d; this\n"
			"        binary knows versions up to %d). Refusing to downgrade it: install the newer\n"
			"        sijill again, or restore a backup taken before the upgrade.\n",
			unknown, db_binary_version());
		db_close(d);
		return 1;
	}
	db_close(d);
	d = NULL;
	if (!pg && exists && version > 0 && !no_backup) {
		char defdir[PATH_MAX], tmp[PATH_MAX];
		if (!dir) {
			snprintf(tmp, sizeof tmp, "%s", dbu);
			snprintf(defdir, sizeof defdir, "%s/pre-upgrade", dirname(tmp));
			dir = defdir;
		}
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			fprintf(stderr, "sijill: cannot create %s (%s)\n", dir, strerror(errno));
			return 1;
		}
		char to[PATH_MAX + 64], err[512] = "";
		snprintf(to, sizeof to, "%s/sijill-v%d-%lld.db", dir, version, (long long)clock_now_ms());
		if (db_sqlite_copy(dbu, to, err, sizeof err)) {
			fprintf(stderr, "sijill: the copy before migrating failed: %s; nothing migrated\n", err);
			unlink(to);
			return 1;
		}
		printf("sijill: copy of schema version %d written to %s\n", version, to);
	}
	d = cli_open_db(dbu, 1);
	if (!d)
		return 1;
	int now_v = 0;
	if (db_schema_version(d, &now_v)) {
		db_close(d);
		return 1;
	}
	db_close(d);
	printf("sijill: schema up to date (version %d, was %d)\n", now_v, version);
	return 0;
}
