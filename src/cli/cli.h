/* cli.h — the subcommands of `sijill` and what they share. Each subcommand
 * returns a process exit status: 0 success, 1 failure, 2 usage error. */
#ifndef SJ_CLI_H
#define SJ_CLI_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include "db/db.h"

int cli_init(int argc, char **argv);
int cli_serve(int argc, char **argv);
int cli_user(int argc, char **argv);
int cli_audit(int argc, char **argv);
int cli_import(int argc, char **argv);
int cli_settings(int argc, char **argv);
int cli_backup(int argc, char **argv);
int cli_restore(int argc, char **argv);
int cli_migrate(int argc, char **argv);
/* node.c: `sijill node ...` and `sijill sync` (argv[0] is "node" or "sync"). */
int cli_node(int argc, char **argv);
/* devsim.c: `sijill device-sim`, a simulated SBI capture device on loopback. */
int cli_devsim(int argc, char **argv);

/* Shared helpers (common.c). */
/* cli_default_key_path derives the audit key file for db_uri when none is
 * given: $SIJILL_AUDIT_KEY, else "<sqlite file>.audit-key", else
 * /var/lib/sijill/audit.key for PostgreSQL. */
void cli_default_key_path(const char *db_uri, char out[PATH_MAX]);
/* cli_exe_dir writes the directory of the running binary. */
void cli_exe_dir(char out[PATH_MAX]);
/* cli_data_dir finds the reference data: $SIJILL_DATA, <exe>/../data,
 * /usr/share/sijill/data. */
void cli_data_dir(char out[PATH_MAX]);
/* cli_open_db opens uri with a pool of n and applies migrations; prints the
 * error and returns NULL on failure. */
db *cli_open_db(const char *uri, int n);
/* cli_read_secret reads one line from stdin (no echo on a terminal) into
 * out; false on EOF or too long. */
bool cli_read_secret(const char *prompt, char *out, size_t outsz);
/* cli_actor_badge names the operator for CLI audit entries ("cli:<user>"). */
const char *cli_actor_badge(void);
/* File helpers of backup and restore (files.c): cli_read_small reads at
 * most max bytes of path into a new NUL-terminated buffer (caller frees;
 * NULL when missing, unreadable or larger); cli_write_new writes a new file
 * (0600, must not exist), fsynced; cli_hash_file writes hex BLAKE2b-256 of
 * a file and its size; cli_copy_file copies into a new file (0600), fsynced. */
char *cli_read_small(const char *path, size_t max, size_t *len);
bool cli_write_new(const char *path, const void *data, size_t len);
bool cli_hash_file(const char *path, char hex[65], int64_t *size);
bool cli_copy_file(const char *from, const char *to);

#endif
