/* user.c — `sijill user add|disable|enable|list|passwd|token|bind-key`. Passwords are
 * read from standard input, never from the command line (visible in ps). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "auth/password.h"
#include "cases/pv.h"
#include "cases/seal.h"
#include "cli/cli.h"

static void usage(FILE *f)
{
	fputs("usage: sijill user COMMAND --db DB [options]\n"
	      "\n"
	      "  add     --badge B --name NAME --role ROLE --unit CODE [--lang ar|fr]\n"
	      "          create a user; the password is read from standard input\n"
	      "  disable --badge B      refuse further logins and end the user's sessions\n"
	      "  enable  --badge B      allow logins again\n"
	      "  passwd  --badge B      set a new password, read from standard input\n"
	      "  list                   list users (badge, role, unit, status)\n"
	      "  token   --badge B [--label L]\n"
	      "          print a new bearer token for a machine account (shown once)\n"
	      "  bind-key --badge B --reason TEXT [--pv-key PATH]\n"
	      "          bind the OPJ's existing key over the PVs it sealed before key\n"
	      "          bindings existed (migration 0060: they read \"key-not-bound\"), after\n"
	      "          checking the key's fingerprint with the OPJ; an audited act\n"
	      "\n"
	      "Roles: admin chief opj officer analyst auditor monitor.\n"
	      "Common: --db DB, --audit-key PATH (as for `sijill init`).\n", f);
}

static int audit_and_commit(db_conn *c, const char *action, const char *object_id, json_t *detail)
{
	audit_entry ae = {.badge = cli_actor_badge(), .role = "system", .action = action,
			  .object_type = "user", .object_id = object_id, .outcome = "ok", .detail = detail};
	sj_err e = audit_append(c, &ae, NULL);
	json_decref(detail);
	e = e ? e : db_commit(c);
	if (e) {
		db_rollback(c);
		fprintf(stderr, "sijill: %s failed (%s)\n", action, sj_err_name(e));
		return 1;
	}
	return 0;
}

/* bind_key: `sijill user bind-key` (seal_key_bind_legacy), as the system. */
static int bind_key(db_conn *c, const char *badge, const char *reason, const char *audit_key, const char *pvkey)
{
	char pvbuf[PATH_MAX + 16];
	if (!pvkey) {
		snprintf(pvbuf, sizeof pvbuf, "%s.pv-wrap", audit_key);
		pvkey = pvbuf;
	}
	if (pv_key_load_or_create(pvkey, false)) {
		fprintf(stderr, "sijill: cannot read the PV key %s\n", pvkey);
		return 1;
	}
	sj_actor sys = {.badge = cli_actor_badge(), .role_name = "system", .national = true, .via = "cli"};
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = db_begin(c, DB_WRITE);
	e = e ? e : seal_key_bind_legacy(c, &sys, badge, reason, &out, &why);
	if (e) {
		db_rollback(c);
		fprintf(stderr, "sijill: %s: %s\n", badge, why ? why : sj_err_name(e));
		return 1;
	}
	const char *kid = json_string_value(json_object_get(out, "key_id"));
	int rc = audit_and_commit(c, "opj-key.bind-legacy", badge,
				  json_pack("{s:s?,s:O?,s:O?,s:O?,s:s}", "key_id", kid, "seals", json_object_get(out, "seals"),
					    "from", json_object_get(out, "enrolled_at"), "until",
					    json_object_get(out, "until"), "reason", reason));
	if (!rc)
		printf("key %s of %s (public key %s) bound over its %lld earlier seals\n", kid ? kid : "", badge,
		       json_string_value(json_object_get(out, "public_key")),
		       (long long)json_integer_value(json_object_get(out, "seals")));
	json_decref(out);
	return rc;
}

int cli_user(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *cmd = argv[1];
	const char *dbu = getenv("SIJILL_DB"), *badge = NULL, *name = NULL, *rolen = NULL, *unit = NULL,
		   *lang = NULL, *label = NULL, *key = NULL, *reason = NULL, *pvkey = NULL;
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},  {"badge", required_argument, NULL, 'b'},
		{"name", required_argument, NULL, 'n'}, {"role", required_argument, NULL, 'r'},
		{"unit", required_argument, NULL, 'u'}, {"lang", required_argument, NULL, 'L'},
		{"label", required_argument, NULL, 'l'}, {"audit-key", required_argument, NULL, 'k'},
		{"reason", required_argument, NULL, 'R'}, {"pv-key", required_argument, NULL, 'K'},
		{"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0},
	};
	int ch;
	optind = 2;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dbu = optarg; break;
		case 'b': badge = optarg; break;
		case 'n': name = optarg; break;
		case 'r': rolen = optarg; break;
		case 'u': unit = optarg; break;
		case 'L': lang = optarg; break;
		case 'l': label = optarg; break;
		case 'k': key = optarg; break;
		case 'R': reason = optarg; break;
		case 'K': pvkey = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	bool known = strcmp(cmd, "add") == 0 || strcmp(cmd, "disable") == 0 || strcmp(cmd, "enable") == 0 ||
		     strcmp(cmd, "passwd") == 0 || strcmp(cmd, "list") == 0 || strcmp(cmd, "token") == 0 ||
		     strcmp(cmd, "bind-key") == 0;
	if (!known || !dbu || optind != argc || (strcmp(cmd, "list") != 0 && !badge) ||
	    (strcmp(cmd, "bind-key") == 0 && (!reason || strlen(reason) < 3))) {
		usage(stderr);
		return 2;
	}
	char keybuf[PATH_MAX];
	if (!key) {
		cli_default_key_path(dbu, keybuf);
		key = keybuf;
	}
	if (audit_key_load_or_create(key, false)) {
		fprintf(stderr, "sijill: cannot read the audit key %s (run `sijill init` first)\n", key);
		return 1;
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
	char pw[SJ_MAX_PASSWORD + 2];
	if (strcmp(cmd, "list") == 0) {
		json_t *users = NULL;
		if (!db_begin(c, DB_WRITE) && !auth_user_list(c, NULL, &users)) {
			size_t i;
			json_t *u;
			printf("%-20s %-8s %-24s %-9s %s\n", "BADGE", "ROLE", "UNIT", "STATUS", "NAME");
			json_array_foreach(users, i, u) {
				printf("%-20s %-8s %-24s %-9s %s\n",
				       json_string_value(json_object_get(u, "badge")),
				       json_string_value(json_object_get(u, "role")),
				       json_string_value(json_object_get(json_object_get(u, "unit"), "code")),
				       json_string_value(json_object_get(u, "status")),
				       json_string_value(json_object_get(u, "name")));
			}
			json_decref(users);
			rc = audit_and_commit(c, "user.list", NULL, NULL);
		}
	} else if (strcmp(cmd, "add") == 0) {
		if (!name || !rolen || !unit) {
			usage(stderr);
			rc = 2;
		} else if (!cli_read_secret("password: ", pw, sizeof pw) || pw_weakness(pw)) {
			fprintf(stderr, "sijill: the password must be 12 to 256 characters\n");
		} else {
			auth_new_user nu = {.badge = badge, .name = name, .role = rolen, .unit_code = unit,
					    .password = pw, .lang = lang};
			char id[ID_LEN + 1];
			const char *field = NULL;
			sj_err e = db_begin(c, DB_WRITE);
			e = e ? e : auth_user_add(c, &nu, id, &field);
			if (e) {
				db_rollback(c);
				fprintf(stderr, "sijill: cannot add %s: %s %s\n", badge,
					field ? field : "", e == SJ_ECONFLICT ? "already exists" : "is not valid");
			} else {
				rc = audit_and_commit(c, "user.create", id,
						      json_pack("{s:s,s:s,s:s}", "badge", badge, "role", rolen, "unit", unit));
				if (!rc)
					printf("user %s created\n", badge);
			}
		}
	} else if (strcmp(cmd, "disable") == 0 || strcmp(cmd, "enable") == 0) {
		const char *status = cmd[0] == 'd' ? "disabled" : "active";
		sj_err e = db_begin(c, DB_WRITE);
		e = e ? e : auth_user_set_status(c, badge, status);
		if (e) {
			db_rollback(c);
			fprintf(stderr, "sijill: %s: %s\n", badge,
				e == SJ_ENOTFOUND    ? "no such user"
				: e == SJ_ECONFLICT ? "a demo account, and this database has served a public address:"
						      " demo accounts stay disabled here"
						    : sj_err_name(e));
		} else {
			rc = audit_and_commit(c, "user.status", badge, json_pack("{s:s}", "status", status));
			if (!rc)
				printf("user %s %s\n", badge, status);
		}
	} else if (strcmp(cmd, "passwd") == 0) {
		if (!cli_read_secret("new password: ", pw, sizeof pw) || pw_weakness(pw)) {
			fprintf(stderr, "sijill: the password must be 12 to 256 characters\n");
		} else {
			char uid[ID_LEN + 1] = "";
			sj_err e = db_begin(c, DB_WRITE);
			e = e ? e : auth_user_id(c, badge, uid);
			e = e ? e : auth_user_set_password(c, uid, pw, NULL);
			if (e) {
				db_rollback(c);
				fprintf(stderr, "sijill: %s: %s\n", badge,
				e == SJ_ENOTFOUND    ? "no such user"
				: e == SJ_ECONFLICT ? "a demo account, and this database has served a public address:"
						      " demo accounts stay disabled here"
						    : sj_err_name(e));
			} else {
				rc = audit_and_commit(c, "user.password", uid, NULL);
				if (!rc)
					printf("password of %s changed; its sessions were ended\n", badge);
			}
		}
	} else if (strcmp(cmd, "bind-key") == 0) {
		rc = bind_key(c, badge, reason, key, pvkey);
	} else { /* token */
		char token[AUTH_TOKEN_MAX + 1];
		sj_err e = db_begin(c, DB_WRITE);
		e = e ? e : auth_machine_token(c, badge, label ? label : "cli", token);
		if (e) {
			db_rollback(c);
			fprintf(stderr, "sijill: %s: %s\n", badge, e == SJ_ENOTFOUND ? "no such active user" : sj_err_name(e));
		} else {
			rc = audit_and_commit(c, "token.create", badge, json_pack("{s:s}", "label", label ? label : "cli"));
			if (!rc)
				printf("%s\n", token);
		}
		sodium_memzero(token, sizeof token);
	}
	sodium_memzero(pw, sizeof pw);
	db_release(d, c);
	db_close(d);
	return rc;
}
