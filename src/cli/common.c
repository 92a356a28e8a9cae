#include "cli/cli.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "db/migrate.h"

void cli_default_key_path(const char *db_uri, char out[PATH_MAX])
{
	const char *env = getenv("SIJILL_AUDIT_KEY");
	if (env && *env)
		snprintf(out, PATH_MAX, "%s", env);
	else if (db_uri_is_pg(db_uri))
		snprintf(out, PATH_MAX, "/var/lib/sijill/audit.key");
	else
		snprintf(out, PATH_MAX, "%s.audit-key", db_uri);
}

void cli_exe_dir(char out[PATH_MAX])
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0) {
		snprintf(out, PATH_MAX, ".");
		return;
	}
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	snprintf(out, PATH_MAX, "%s", exe);
}

void cli_data_dir(char out[PATH_MAX])
{
	const char *env = getenv("SIJILL_DATA");
	if (env && *env) {
		snprintf(out, PATH_MAX, "%s", env);
		return;
	}
	char exe[PATH_MAX], cand[PATH_MAX + 32];
	cli_exe_dir(exe);
	int n = snprintf(cand, sizeof cand, "%s/../data/units.json", exe);
	if (n > 0 && (size_t)n < sizeof cand && access(cand, R_OK) == 0) {
		n = snprintf(cand, sizeof cand, "%s/../data", exe);
		if (n > 0 && (size_t)n < sizeof cand && realpath(cand, out))
			return;
	}
	snprintf(out, PATH_MAX, "/usr/share/sijill/data");
}

db *cli_open_db(const char *uri, int n)
{
	db *d = NULL;
	sj_err e = db_open(uri, n, &d);
	if (e) {
		fprintf(stderr, "sijill: cannot open the database %s (%s)\n",
			db_uri_is_pg(uri) ? "(postgresql)" : uri, sj_err_name(e));
		return NULL;
	}
	int applied = 0;
	e = db_migrate(d, &applied);
	int unknown = 0;
	if (e == SJ_ECONFLICT && !db_schema_newer(d, &unknown) && unknown) {
		fprintf(stderr,
			"sijill: the database was migrated by a newer sijill (it has schema version %d; this\n"
			"        binary knows versions up to %d). Refusing to downgrade it: install the newer\n"
			"        sijill again, or restore a backup taken before the upgrade.\n",
			unknown, db_binary_version());
		db_close(d);
		return NULL;
	}
	if (e) {
		fprintf(stderr, "sijill: migrating the schema failed (%s)\n", sj_err_name(e));
		db_close(d);
		return NULL;
	}
	return d;
}

bool cli_read_secret(const char *prompt, char *out, size_t outsz)
{
	bool tty = isatty(STDIN_FILENO);
	struct termios old, noecho;
	if (tty) {
		fprintf(stderr, "%s", prompt);
		tcgetattr(STDIN_FILENO, &old);
		noecho = old;
		noecho.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &noecho);
	}
	bool ok = fgets(out, (int)outsz, stdin) != NULL;
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (!ok)
		return false;
	size_t n = strlen(out);
	if (n && out[n - 1] == '\n')
		out[--n] = '\0';
	else if (n == outsz - 1)
		return false; /* too long */
	if (n && out[n - 1] == '\r')
		out[--n] = '\0';
	return true;
}

const char *cli_actor_badge(void)
{
	static char name[80];
	struct passwd *pw = getpwuid(getuid());
	snprintf(name, sizeof name, "cli:%s", pw ? pw->pw_name : "unknown");
	return name;
}
