/* audit.c — `sijill audit verify`: recompute the whole chain, check every
 * signed head (the database's and the heads file's) and the rules that make
 * a cut or a rewrite visible; exit 0 when intact, 1 naming what is wrong. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "exchange/exchange.h"
#include "cli/cli.h"
#include "core/clock.h"

static void usage(FILE *f)
{
	fputs("usage: sijill audit verify --db DB [--audit-key PATH] [--quiet]\n"
	      "\n"
	      "Recompute every entry's hash and the chain; check each signed head in the\n"
	      "database and in the heads file beside the key (PATH.heads) against the\n"
	      "audit key; and check that a signed head exists every 256 entries, within\n"
	      "30 s of each entry, and for the head at rest. Exit status 0: intact; 1:\n"
	      "what was edited, removed, reordered or cut is named (times in Moroccan\n"
	      "legal time); 2: usage. It may run while servers write.\n", f);
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
	/* at central, the witness: every node's chain as it arrived */
	json_t *nodes = NULL;
	int broken_nodes = 0;
	db_conn *c = NULL;
	if (!e && !db_acquire(d, &c)) {
		if (!db_begin(c, DB_READ)) {
			if (xchg_witness_verify(c, &nodes))
				nodes = NULL;
			db_rollback(c);
		}
		db_release(d, c);
	}
	db_close(d);
	if (!quiet && isatty(STDERR_FILENO))
		fputc('\n', stderr);
	if (e) {
		fprintf(stderr, "sijill: audit verify could not run (%s)\n", sj_err_name(e));
		return 1;
	}
	size_t ni;
	json_t *no;
	json_array_foreach(nodes, ni, no) {
		bool ok = json_is_true(json_object_get(no, "ok"));
		broken_nodes += !ok;
		printf("node %s (%s): %s, %lld entries witnessed, %lld signed heads%s%s\n",
		       json_string_value(json_object_get(no, "node")), json_string_value(json_object_get(no, "unit")),
		       ok ? "chain intact" : "chain BROKEN", (long long)json_integer_value(json_object_get(no, "entries")),
		       (long long)json_integer_value(json_object_get(no, "signed_heads")), ok ? "" : ": ",
		       ok ? "" : json_string_value(json_object_get(no, "finding")));
	}
	json_decref(nodes);
	if (!rep.ok) {
		printf("audit log BROKEN at entry %lld: %s\n", (long long)rep.first_bad_seq, rep.reason);
		for (int i = 1; i < rep.nfindings; i++)
			printf("  also: %s\n", rep.findings[i]);
		return 1;
	}
	printf("audit log intact: %lld entries, %lld signed checkpoints; heads file: %lld signed heads",
	       (long long)rep.entries, (long long)rep.checkpoints, (long long)rep.heads);
	if (rep.last_signed_seq > 0) {
		struct tm tm;
		bool legal = clock_legal_init() == SJ_OK;
		clock_legal_tm(rep.last_signed_at, &tm);
		printf(", the last for entry %lld at %02d:%02d%s on %04d-%02d-%02d", (long long)rep.last_signed_seq,
		       tm.tm_hour, tm.tm_min, legal ? "" : " UTC", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	}
	if (rep.unsigned_tail || rep.pending)
		printf("; %lld entries on their way to a signed head, %lld waiting to be chained",
		       (long long)rep.unsigned_tail, (long long)rep.pending);
	printf("\n");
	return broken_nodes ? 1 : 0;
}
