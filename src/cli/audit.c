/* audit.c — `sijill audit verify`: recompute the whole chain and check every
 * signed checkpoint; exit 0 when intact, 1 naming the first bad entry. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "cli/cli.h"

static void usage(FILE *f)
{
	fputs("usage: sijill audit verify --db DB [--audit-key PATH] [--quiet]\n"
	      "\n"
	      "Recompute every entry's hash and the chain, and check each signed\n"
	      "checkpoint against the audit key. Exit status 0: intact; 1: the first\n"
	      "edited, removed or reordered entry is named; 2: usage.\n", f);
}

static void progress(int64_t done, int64_t total, void *ctx)
{
	(void)ctx;
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\rverifying %lld / %lld", (long long)done, (long long)total);
}

int cli_audit(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "verify") != 0) {
		bool help = argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0);
		usage(help ? stdout : stderr);
		return help ? 0 : 2;
	}
	const char *dbu = getenv("SIJILL_DB"), *key = NULL;
	int quiet = 0;
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"audit-key", required_argument, NULL, 'k'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int ch;
	optind = 2;
	while ((ch = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dbu = optarg; break;
		case 'k': key = optarg; break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!dbu || optind != argc) {
		usage(stderr);
		return 2;
	}
	char keybuf[PATH_MAX];
	if (!key) {
		cli_default_key_path(dbu, keybuf);
		key = keybuf;
	}
	if (audit_key_load_or_create(key, false)) {
		fprintf(stderr, "sijill: cannot read the audit key %s\n", key);
		return 1;
	}
	db *d = cli_open_db(dbu, 1);
	if (!d)
		return 1;
	audit_report rep;
	sj_err e = audit_verify(d, &rep, quiet ? NULL : progress, NULL);
	db_close(d);
	if (!quiet && isatty(STDERR_FILENO))
		fputc('\n', stderr);
	if (e) {
		fprintf(stderr, "sijill: audit verify could not run (%s)\n", sj_err_name(e));
		return 1;
	}
	if (!rep.ok) {
		printf("audit log BROKEN at entry %lld: %s\n", (long long)rep.first_bad_seq, rep.reason);
		return 1;
	}
	printf("audit log intact: %lld entries, %lld signed checkpoints\n", (long long)rep.entries,
	       (long long)rep.checkpoints);
	return 0;
}
