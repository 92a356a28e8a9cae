/* settings.c — `sijill settings get|set|reset|list`: the database settings
 * (settings/settings.h), each change audited with its old and new value in
 * the same transaction. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "cli/cli.h"
#include "settings/settings.h"

static void usage(FILE *f)
{
	fputs("usage: sijill settings list|get|set|reset --db DB [KEY [VALUE]]\n"
	      "\n"
	      "Read and change the settings kept in the database (the same at every\n"
	      "process of a central; the admin page shows them too). Each change is\n"
	      "audited with its old and new value; a value outside the allowed range is\n"
	      "refused and nothing changes.\n"
	      "\n"
	      "  list               every setting: value, default, range, unit\n"
	      "  get KEY            the value of KEY (its default when it was never set)\n"
	      "  set KEY VALUE      change KEY\n"
	      "  reset KEY          go back to the default\n"
	      "\n"
	      "  --db DB            a SQLite file path, or a postgresql:// URI\n"
	      "  --audit-key PATH   audit checkpoint key (default as for `sijill init`)\n"
	      "  -h, --help         this help\n"
	      "\n"
	      "Settings:\n", f);
	for (size_t i = 0; i < settings_catalogue_count; i++) {
		const settings_def *d = &settings_catalogue[i];
		fprintf(f, "  %-28s default %lld, %lld to %lld, %s\n", d->key, (long long)d->dflt, (long long)d->min,
			(long long)d->max, d->unit);
	}
}

static void print_one(json_t *o)
{
	printf("%-28s %-10lld (default %lld, %lld to %lld, %s)%s\n", json_string_value(json_object_get(o, "key")),
	       (long long)json_integer_value(json_object_get(o, "value")),
	       (long long)json_integer_value(json_object_get(o, "default")),
	       (long long)json_integer_value(json_object_get(o, "min")),
	       (long long)json_integer_value(json_object_get(o, "max")), json_string_value(json_object_get(o, "unit")),
	       json_is_true(json_object_get(o, "is_default")) ? "" : " *");
}

static int unknown_key(const char *key)
{
	fprintf(stderr, "sijill: no setting named '%s'. Known settings:\n", key);
	for (size_t i = 0; i < settings_catalogue_count; i++)
		fprintf(stderr, "  %s\n", settings_catalogue[i].key);
	return 2;
}

int cli_settings(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *cmd = argv[1], *dbu = getenv("SIJILL_DB"), *key = NULL;
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"audit-key", required_argument, NULL, 'k'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int ch;
	optind = 2;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dbu = optarg; break;
		case 'k': key = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	int nargs = argc - optind;
	bool list = strcmp(cmd, "list") == 0, get = strcmp(cmd, "get") == 0, set = strcmp(cmd, "set") == 0,
	     reset = strcmp(cmd, "reset") == 0;
	if (!dbu || !(list || get || set || reset) || (list && nargs != 0) || ((get || reset) && nargs != 1) ||
	    (set && nargs != 2)) {
		usage(stderr);
		return 2;
	}
	const char *name = nargs > 0 ? argv[optind] : NULL, *text = nargs > 1 ? argv[optind + 1] : NULL;
	const settings_def *def = name ? settings_find(name) : NULL;
	if (name && !def)
		return unknown_key(name);
	int64_t value = 0;
	char why[256];
	if (set && !settings_parse(def, text, &value, why, sizeof why)) {
		fprintf(stderr, "sijill: %s; nothing changed\n", why);
		return 2;
	}
	if (set || reset) {
		char keybuf[PATH_MAX];
		if (!key) {
			cli_default_key_path(dbu, keybuf);
			key = keybuf;
		}
		if (audit_key_load_or_create(key, false)) {
			fprintf(stderr, "sijill: cannot read the audit key %s (run `sijill init` first)\n", key);
			return 1;
		}
	}
	db *d = cli_open_db(dbu, 1);
	if (!d)
		return 1;
	db_conn *c;
	int rc = 1;
	if (db_acquire(d, &c)) {
		db_close(d);
		return 1;
	}
	sj_err e = db_begin(c, (set || reset) ? DB_WRITE : DB_READ);
	if (!e && list) {
		json_t *all = NULL;
		e = settings_list(c, &all);
		size_t i;
		json_t *o;
		json_array_foreach(all, i, o) print_one(o);
		json_decref(all);
		if (!e)
			printf("(* set in the database; otherwise the default applies)\n");
	} else if (!e && get) {
		printf("%lld\n", (long long)settings_int(c, def->key));
	} else if (!e) {
		int64_t old = 0;
		bool was_default = false;
		e = set ? settings_set(c, def->key, value, &old, &was_default)
			: settings_reset(c, def->key, &old, &was_default);
		if (reset)
			value = def->dflt;
		if (!e) {
			json_t *detail = settings_change_detail(def->key, old, was_default, value, reset);
			audit_entry ae = {.badge = cli_actor_badge(), .role = "system", .action = "settings.change",
					  .object_type = "setting", .object_id = def->key, .outcome = "ok",
					  .detail = detail};
			e = audit_append(c, &ae, NULL);
			json_decref(detail);
		}
		if (!e)
			printf("%s: %lld -> %lld\n", def->key, (long long)old, (long long)value);
	}
	e = e ? e : db_commit(c);
	if (e) {
		db_rollback(c);
		fprintf(stderr, "sijill: settings %s failed (%s); nothing changed\n", cmd, sj_err_name(e));
	} else {
		rc = 0;
	}
	db_release(d, c);
	db_close(d);
	return rc;
}
