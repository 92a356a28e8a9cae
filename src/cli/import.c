/* import.c — `sijill import persons --db DB FILE`: load persons from JSON
 * lines into the national person index (issue #4, the contract is fixed).
 *
 * One person per line: cin, first_name_ar, last_name_ar, first_name_lat,
 * last_name_lat, father_name_ar, father_name_lat, mother_name_ar, birth_date
 * (YYYY-MM-DD), sex (M/F) — any may be missing but a name. A bad line is
 * reported with its number and skipped; good lines are kept. Rows commit in
 * batches (--batch, default 10,000), each batch audited as one import entry
 * in the same transaction. A known CIN resolves to the same person.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/jdump.h"
#include "audit/audit.h"
#include "cli/cli.h"
#include "core/clock.h"
#include "org/units.h"
#include "persons/persons.h"

#define IMPORT_LINE_MAX   (16 * 1024)
#define IMPORT_BATCH_DFLT 10000
#define IMPORT_MAX_ERRORS_SHOWN 1000

static void usage(FILE *f)
{
	fputs("usage: sijill import persons --db DB [--unit CODE] [--batch N] [--audit-key PATH] [--quiet] FILE\n"
	      "\n"
	      "Load persons into the national person index from FILE (JSON lines; - for\n"
	      "stdin), one object per line with any of: cin, first_name_ar, last_name_ar,\n"
	      "first_name_lat, last_name_lat, father_name_ar, father_name_lat,\n"
	      "mother_name_ar, birth_date (YYYY-MM-DD), sex (M or F). A name is required.\n"
	      "A known CIN resolves to the same person (only empty fields are filled).\n"
	      "\n"
	      "  --db DB           a SQLite file path, or a postgresql:// URI\n"
	      "  --unit CODE       home unit of the imported records (default: the root unit)\n"
	      "  --batch N         rows per transaction (default 10000); each batch is one\n"
	      "                    audit entry\n"
	      "  --audit-key PATH  the audit signing key (default as for `sijill init`)\n"
	      "  --quiet           no progress bar\n"
	      "\n"
	      "Bad lines are skipped and reported on stderr as FILE:LINE: reason.\n"
	      "Exit status: 0 all lines imported, 1 some lines bad or a failure, 2 usage.\n", f);
}

static void progress(off_t done, off_t total, long long rows, int64_t t0)
{
	double secs = (double)(clock_monotonic_us() - t0) / 1e6;
	int width = 30, filled = total > 0 ? (int)((double)done / (double)total * width) : 0;
	char bar[64];
	for (int i = 0; i < width; i++)
		bar[i] = i < filled ? '#' : '.';
	bar[width] = '\0';
	fprintf(stderr, "\r[%s] %3d%%  %lld rows  %.0f rows/s ", bar,
		total > 0 ? (int)(100.0 * (double)done / (double)total) : 0, rows, secs > 0 ? (double)rows / secs : 0);
}

static sj_err audit_batch(db_conn *c, const char *file, long long first_line, long long last_line, long long created,
			  long long updated)
{
	json_t *detail = json_pack("{s:s,s:I,s:I,s:I,s:I}", "file", file, "first_line", (json_int_t)first_line,
				   "last_line", (json_int_t)last_line, "created", (json_int_t)created, "updated",
				   (json_int_t)updated);
	audit_entry ae = {.badge = cli_actor_badge(), .role = "system", .action = "person.import",
			  .object_type = "import", .object_id = file, .outcome = "ok", .detail = detail};
	sj_err e = audit_append(c, &ae, NULL);
	json_decref(detail);
	return e;
}


int cli_import(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "persons") != 0) {
		bool help = argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0);
		usage(help ? stdout : stderr);
		return help ? 0 : 2;
	}
	const char *dbu = getenv("SIJILL_DB"), *key = NULL, *unit = NULL;
	long batch = IMPORT_BATCH_DFLT;
	int quiet = 0;
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"unit", required_argument, NULL, 'u'},
		{"batch", required_argument, NULL, 'b'},
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
		case 'u': unit = optarg; break;
		case 'b': batch = strtol(optarg, NULL, 10); break;
		case 'k': key = optarg; break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!dbu || optind != argc - 1 || batch < 1 || batch > 1000000) {
		usage(stderr);
		return 2;
	}
	const char *path = argv[optind];
	char keybuf[PATH_MAX];
	if (!key) {
		cli_default_key_path(dbu, keybuf);
		key = keybuf;
	}
	if (audit_key_load_or_create(key, false)) {
		fprintf(stderr, "sijill: cannot read the audit key %s (run `sijill init` first)\n", key);
		return 1;
	}
	FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (!in) {
		fprintf(stderr, "sijill: cannot open %s\n", path);
		return 1;
	}
	struct stat stt;
	off_t total = (in != stdin && fstat(fileno(in), &stt) == 0) ? stt.st_size : 0;
	bool bar = !quiet && isatty(STDERR_FILENO);
	db *d = cli_open_db(dbu, 1);
	if (!d) {
		if (in != stdin)
			fclose(in);
		return 1;
	}
	db_conn *c = NULL;
	int rc = 1;
	char *line = malloc(IMPORT_LINE_MAX + 2);
	sj_err e = line ? db_acquire(d, &c) : SJ_ENOMEM;
	char unit_id[ID_LEN + 1] = "";
	if (!e) {
		unit_info u;
		e = unit ? unit_get_by_code(c, unit, &u) : unit_get_root(c, &u);
		if (e == SJ_ENOTFOUND)
			fprintf(stderr, "sijill: no unit %s (run `sijill init`)\n", unit ? unit : "(root)");
		else if (!e)
			snprintf(unit_id, sizeof unit_id, "%s", u.id);
	}
	persons_loader *ld = NULL;
	if (!e)
		e = persons_load_begin(c, unit_id, &ld);
	long long lineno = 0, good = 0, bad = 0, created = 0, updated = 0, in_batch = 0, batch_first = 1;
	long long b_created = 0, b_updated = 0;
	int64_t t0 = clock_monotonic_us(), last_bar = 0;
	bool open_tx = false;
	while (!e && fgets(line, IMPORT_LINE_MAX + 2, in)) {
		lineno++;
		size_t n = strlen(line);
		if (n > IMPORT_LINE_MAX) {
			fprintf(stderr, "%s:%lld: line longer than %d bytes\n", path, lineno, IMPORT_LINE_MAX);
			bad++;
			int k;
			while ((k = fgetc(in)) != EOF && k != '\n') {
			}
			continue;
		}
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0)
			continue;
		json_error_t jerr;
		json_t *p = jdump_loadb(line, n, JSON_REJECT_DUPLICATES, &jerr);
		char whybuf[256];
		const char *why = p ? persons_import_check(p, whybuf, sizeof whybuf) : jerr.text;
		if (why) {
			if (bad < IMPORT_MAX_ERRORS_SHOWN)
				fprintf(stderr, "%s%s:%lld: %s\n", bar ? "\r" : "", path, lineno, why);
			bad++;
			json_decref(p);
			continue;
		}
		if (!open_tx) {
			e = db_begin(c, DB_WRITE);
			open_tx = !e;
			batch_first = lineno;
		}
		bool made = false;
		if (!e)
			e = persons_load_person(ld, p, &made);
		json_decref(p);
		if (e)
			break;
		good++;
		in_batch++;
		made ? (created++, b_created++) : (updated++, b_updated++);
		if (in_batch >= batch) {
			e = persons_load_flush(ld);
			e = e ? e : audit_batch(c, path, batch_first, lineno, b_created, b_updated);
			e = e ? e : db_commit(c);
			open_tx = false;
			in_batch = b_created = b_updated = 0;
		}
		if (bar && clock_monotonic_us() - last_bar > 200000) {
			last_bar = clock_monotonic_us();
			progress(in != stdin ? ftello(in) : 0, total, good, t0);
		}
	}
	if (!e && open_tx && in_batch) {
		e = persons_load_flush(ld);
		e = e ? e : audit_batch(c, path, batch_first, lineno, b_created, b_updated);
		e = e ? e : db_commit(c);
		open_tx = false;
	}
	if (open_tx)
		db_rollback(c);
	if (bar)
		progress(total, total, good, t0), fputc('\n', stderr);
	if (ld && persons_load_is_bulk(ld) && !quiet)
		fprintf(stderr, "sijill: building the search index\n");
	sj_err ee = persons_load_end(ld); /* also after a failure: committed batches stay searchable */
	if (!e && ee)
		e = ee;
	if (e)
		fprintf(stderr, "sijill: import stopped at line %lld (%s%s%s); earlier batches are kept\n", lineno,
			sj_err_name(e), c ? ": " : "", c ? db_last_error(c) : "");
	else
		rc = bad ? 1 : 0;
	double secs = (double)(clock_monotonic_us() - t0) / 1e6;
	printf("imported %lld persons (%lld new, %lld merged by CIN), %lld bad lines, in %.1f s (%.0f persons/s)\n",
	       good, created, updated, bad, secs, secs > 0 ? (double)good / secs : 0.0);
	if (c)
		db_release(d, c);
	db_close(d);
	free(line);
	if (in != stdin)
		fclose(in);
	return rc;
}
