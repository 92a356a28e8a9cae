/* init.c — `sijill init`: create or upgrade the schema, create the audit
 * signing key, load the organisation's units, and (with --demo) the demo
 * accounts. Idempotent: running it again changes nothing that exists. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "cli/cli.h"
#include "core/clock.h"
#include "org/units.h"
#include "cases/pv.h"
#include "refdata/refdata.h"
#include "desk/desk.h"
#include "procedure/procedure.h"
#include "stats/stats.h"
#include "mobile/mobile.h"

static void usage(FILE *f)
{
	fputs("usage: sijill init --db DB [--demo] [--units FILE] [--audit-key PATH]\n"
	      "\n"
	      "Create the database (or bring its schema up to date), create the audit\n"
	      "signing key if there is none, and load the units of the organisation and\n"
	      "the legal reference data (DATA/offences.json, custody_rules.json,\n"
	      "prosecution.json; a file version already loaded is skipped, a new one adds\n"
	      "rows and never rewrites the old). The PV signing keys are wrapped under\n"
	      "AUDIT-KEY.pv-wrap, created next to the audit key.\n"
	      "\n"
	      "  --db DB           a SQLite file path, or a postgresql:// URI\n"
	      "  --demo            also load the demo units' accounts (password: demo-password);\n"
	      "                    never on a production database\n"
	      "  --units FILE      units file (default: DATA/units.json)\n"
	      "  --audit-key PATH  Ed25519 seed for audit checkpoints; created if missing\n"
	      "                    (default: $SIJILL_AUDIT_KEY, or DB.audit-key for SQLite)\n"
	      "  -h, --help        this help\n"
	      "\n"
	      "DATA is $SIJILL_DATA, or ../data next to the binary.\n", f);
}

static json_t *load_json(const char *path)
{
	json_error_t err;
	json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	if (!j)
		fprintf(stderr, "sijill: %s:%d: %s\n", path, err.line, err.text);
	return j;
}

/* load_refdata loads the legal reference files of DATA (offences, custody
 * rules, prosecution offices). Each file's version is loaded once; a new
 * version adds rows beside the old. A missing file is skipped with a warning. */
static int load_refdata(db_conn *c, const char *data, int counts[5])
{
	static const char *const files[] = {"offences.json", "custody_rules.json", "prosecution.json", "ranks.json",
					     "counting_rules.json"};
	for (int i = 0; i < 5; i++) {
		char path[PATH_MAX + 32];
		snprintf(path, sizeof path, "%s/%s", data, files[i]);
		counts[i] = 0;
		if (access(path, R_OK) != 0) {
			fprintf(stderr, "sijill: warning: no %s; that reference data is not loaded\n", path);
			continue;
		}
		json_t *root = load_json(path);
		if (!root)
			return 1;
		sj_err e = i == 0 ? ref_load_offences(c, root, &counts[i])
			 : i == 1 ? ref_load_custody_rules(c, root, &counts[i])
			 : i == 2 ? ref_load_prosecution(c, root, &counts[i])
			 : i == 3 ? ref_load_ranks(c, root, &counts[i])
				  : ref_load_counting_rules(c, root, &counts[i]);
		json_decref(root);
		if (e) {
			fprintf(stderr, "sijill: loading %s failed (%s)\n", path, sj_err_name(e));
			return 1;
		}
	}
	return 0;
}

/* load_desk loads the front desk's reference data (desk.h): the residence
 * certificate's validity rules (desk.json) and the communes (communes.json),
 * each version once. A missing file is skipped with a warning. */
static int load_desk(db_conn *c, const char *data, int *added)
{
	static const char *const files[] = {"desk.json", "communes.json", "cnie.json"};
	*added = 0;
	for (int i = 0; i < 3; i++) {
		char path[PATH_MAX + 32];
		snprintf(path, sizeof path, "%s/%s", data, files[i]);
		if (access(path, R_OK) != 0) {
			fprintf(stderr, "sijill: warning: no %s; the desk's reference data is not loaded\n", path);
			continue;
		}
		json_t *root = load_json(path);
		if (!root)
			return 1;
		int n = 0;
		/* cnie.json: the CNIE rules of the mobile units (mobile.h) */
		sj_err e = i == 2 ? mob_load_rules(c, root, &n) : desk_load_rules(c, root, &n);
		json_decref(root);
		if (e) {
			fprintf(stderr, "sijill: loading %s failed (%s)\n", path, sj_err_name(e));
			return 1;
		}
		*added += n;
	}
	return 0;
}

/* load_file loads data/<name> with fn when the file is there (a missing
 * file is a warning: nothing of it is applied); 1 on a failure. */
static int load_file(db_conn *c, const char *data, const char *name, sj_err (*fn)(db_conn *, json_t *, int *),
		     int *added)
{
	char path[PATH_MAX + 64];
	snprintf(path, sizeof path, "%s/%s", data, name);
	if (access(path, R_OK) != 0) {
		fprintf(stderr, "sijill: warning: no %s; its rules are not loaded\n", path);
		return 0;
	}
	json_t *root = load_json(path);
	if (!root)
		return 1;
	int n = 0;
	sj_err e = fn(c, root, &n);
	json_decref(root);
	if (e) {
		fprintf(stderr, "sijill: loading %s failed (%s)\n", path, sj_err_name(e));
		return 1;
	}
	*added += n;
	return 0;
}

/* load_retention loads the procedure's reference data (issue 17): the
 * retention rules (retention.json, loi 09-08 art 3; nothing is purged without
 * a rule), the grounds of art 66-1 (custody_rules.json "grounds"), what the
 * minor rules require (CPP 460, custody_rules.json) and the PV
 * templates per type (pv_templates.json). */
static int load_retention(db_conn *c, const char *data, int *added)
{
	*added = 0;
	return load_file(c, data, "retention.json", proc_retention_load_rules, added) ||
	       load_file(c, data, "custody_rules.json", proc_grounds_load, added) ||
	       load_file(c, data, "custody_rules.json", proc_minor_rules_load, added) ||
	       load_file(c, data, "pv_templates.json", pv_load_templates, added);
}

static int load_demo_users(db_conn *c, const char *path, int *created)
{
	*created = 0;
	json_t *root = load_json(path);
	if (!root)
		return 1;
	json_t *users = json_object_get(root, "users");
	size_t i;
	json_t *u;
	int rc = 0;
	json_array_foreach(users, i, u) {
		auth_new_user nu = {
			.badge = json_string_value(json_object_get(u, "badge")),
			.name = json_string_value(json_object_get(u, "name")),
			.role = json_string_value(json_object_get(u, "role")),
			.unit_code = json_string_value(json_object_get(u, "unit")),
			.lang = json_string_value(json_object_get(u, "lang")),
			.password = json_string_value(json_object_get(root, "password")),
			.demo = true,
		};
		char id[ID_LEN + 1];
		const char *field = NULL;
		bool exists = false;
		/* Check first: on PostgreSQL a failed INSERT aborts the whole transaction. */
		sj_err e = nu.badge ? auth_badge_exists(c, nu.badge, &exists) : SJ_OK;
		if (!e && exists)
			continue; /* already there */
		e = e ? e : auth_user_add(c, &nu, id, &field);
		/* the rank, and the OPJ status it carries (CPP 20), from the demo file */
		const char *rank = json_string_value(json_object_get(u, "rank")), *basis = NULL, *why = NULL;
		if (!e && rank && (e = auth_user_set_rank(c, id, rank, NULL, NULL, &basis, &why)))
			field = why;
		if (e) {
			fprintf(stderr, "sijill: demo user %zu: bad %s (%s)\n", i, field ? field : "?",
				sj_err_name(e));
			rc = 1;
			break;
		}
		audit_entry ae = {.badge = cli_actor_badge(), .role = "system", .action = "user.create",
				  .object_type = "user", .object_id = id, .outcome = "ok"};
		if (audit_append(c, &ae, NULL)) {
			rc = 1;
			break;
		}
		(*created)++;
	}
	json_decref(root);
	return rc;
}

int cli_init(int argc, char **argv)
{
	const char *dbu = getenv("SIJILL_DB"), *units_path = NULL, *key = NULL;
	int demo = 0;
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"demo", no_argument, NULL, 'D'},
		{"units", required_argument, NULL, 'u'},
		{"audit-key", required_argument, NULL, 'k'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dbu = optarg; break;
		case 'D': demo = 1; break;
		case 'u': units_path = optarg; break;
		case 'k': key = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!dbu || optind != argc) {
		usage(stderr);
		return 2;
	}
	char keybuf[PATH_MAX], data[PATH_MAX], upath[PATH_MAX + 32], dpath[PATH_MAX + 32];
	if (!key) {
		cli_default_key_path(dbu, keybuf);
		key = keybuf;
	}
	cli_data_dir(data);
	if (!units_path) {
		snprintf(upath, sizeof upath, "%s/units.json", data);
		units_path = upath;
	}
	snprintf(dpath, sizeof dpath, "%s/demo.json", data);

	sj_err e = audit_key_load_or_create(key, true);
	if (e) {
		fprintf(stderr, "sijill: audit key %s: cannot read or create it (%s)\n", key, sj_err_name(e));
		return 1;
	}
	char pvkey[PATH_MAX + 16];
	snprintf(pvkey, sizeof pvkey, "%s.pv-wrap", key);
	e = pv_key_load_or_create(pvkey, true);
	if (e) {
		fprintf(stderr, "sijill: PV key %s: cannot read or create it (%s)\n", pvkey, sj_err_name(e));
		return 1;
	}
	db *d = cli_open_db(dbu, 1);
	if (!d)
		return 1;
	json_t *units = load_json(units_path);
	if (!units) {
		db_close(d);
		return 1;
	}
	db_conn *c;
	int rc = 1, loaded = 0, created = 0, refs[5] = {0, 0, 0, 0, 0}, desk = 0, retention = 0, days = 0;
	if ((e = db_acquire(d, &c))) {
		json_decref(units);
		db_close(d);
		return 1;
	}
	e = db_begin(c, DB_WRITE);
	e = e ? e : unit_load_json(c, units, false, &loaded);
	if (e) {
		fprintf(stderr, "sijill: loading units from %s failed (%s)\n", units_path, sj_err_name(e));
	} else if (load_refdata(c, data, refs) != 0 || load_desk(c, data, &desk) != 0 ||
		   load_retention(c, data, &retention) != 0) {
		e = SJ_EINVAL;
	} else if ((e = stats_calendar_fill(c, &days))) {
		fprintf(stderr, "sijill: the statistics' legal calendar failed (%s)\n", sj_err_name(e));
	} else if (demo && load_demo_users(c, dpath, &created) != 0) {
		e = SJ_EINVAL;
	}
	if (!e) {
		audit_entry ae = {.badge = cli_actor_badge(), .role = "system", .action = "system.init",
				  .outcome = "ok"};
		e = audit_append(c, &ae, NULL);
	}
	e = e ? e : db_commit(c);
	if (e) {
		db_rollback(c);
		fprintf(stderr, "sijill: init failed (%s)\n", sj_err_name(e));
	} else {
		rc = 0;
		printf("sijill: database ready; %d units loaded, %d demo accounts created\n", loaded, created);
		printf("sijill: reference data: %d offences, %d custody rules, %d prosecution offices, %d ranks,"
		       " %d counting rules added\n", refs[0], refs[1], refs[2], refs[3], refs[4]);
		printf("sijill: front desk: %d validity rules and communes added\n", desk);
		printf("sijill: procedure: %d retention rules, grounds and PV templates read\n", retention);
	}
	db_release(d, c);
	json_decref(units);
	db_close(d);
	return rc;
}
