/* main.c — `sijill`: reads the subcommand and hands over to src/cli/. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/clock.h"

static void usage(FILE *f)
{
	fputs("usage: sijill COMMAND [options]\n"
	      "\n"
	      "sijill — the police district information system (DGSN).\n"
	      "\n"
	      "Commands:\n"
	      "  init          create or upgrade the database; --demo loads demo accounts\n"
	      "  serve         serve the web interface and the JSON API\n"
	      "  user          add, disable, enable, list users; set passwords; machine tokens\n"
	      "  audit verify  check that the audit log was not edited, removed or reordered\n"
	      "  import        import persons (JSON lines) into the national person index\n"
	      "  settings      list, read and change the settings kept in the database\n"
	      "  backup        copy a SQLite database online, with its keys encrypted\n"
	      "  restore       verify a backup and put it in place\n"
	      "  migrate       bring the schema up to date (after a backup); refuse a downgrade\n"
	      "  node          link to central: add/list/suspend/rekey nodes (central), join (node)\n"
	      "  sync          push this node's changes to central now\n"
	      "  device-sim    a simulated capture device (MOSIP SBI) on loopback, for tests\n"
	      "  help          this text; `sijill COMMAND --help` for one command\n"
	      "\n"
	      "DB is a SQLite file path or a postgresql:// URI (or $SIJILL_DB).\n", f);
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fputs("sijill: libsodium failed to initialise\n", stderr);
		return 1;
	}
	/* legal time (Africa/Casablanca) before any thread starts */
	if (clock_legal_init()) {
		fputs("sijill: the time zone Africa/Casablanca is missing (install Debian's tzdata)\n", stderr);
		return 1;
	}
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(cmd, "init") == 0)
		return cli_init(argc - 1, argv + 1);
	if (strcmp(cmd, "serve") == 0)
		return cli_serve(argc - 1, argv + 1);
	if (strcmp(cmd, "user") == 0)
		return cli_user(argc - 1, argv + 1);
	if (strcmp(cmd, "audit") == 0)
		return cli_audit(argc - 1, argv + 1);
	if (strcmp(cmd, "import") == 0)
		return cli_import(argc - 1, argv + 1);
	if (strcmp(cmd, "settings") == 0)
		return cli_settings(argc - 1, argv + 1);
	if (strcmp(cmd, "backup") == 0)
		return cli_backup(argc - 1, argv + 1);
	if (strcmp(cmd, "restore") == 0)
		return cli_restore(argc - 1, argv + 1);
	if (strcmp(cmd, "node") == 0 || strcmp(cmd, "sync") == 0)
		return cli_node(argc - 1, argv + 1);
	if (strcmp(cmd, "device-sim") == 0)
		return cli_devsim(argc - 1, argv + 1);
	if (strcmp(cmd, "migrate") == 0)
		return cli_migrate(argc - 1, argv + 1);
	fprintf(stderr, "sijill: unknown command '%s'\n\n", cmd);
	usage(stderr);
	return 2;
}
