/* node.c — `sijill node add|list|suspend|resume|rekey` at central,
 * `sijill node join` and `sijill sync` on a node (exchange/exchange.h,
 * docs/internals/exchange.md). No SQL. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "cli/cli.h"
#include "core/clock.h"
#include "exchange/exchange.h"

static void usage(FILE *f)
{
	fputs("usage: sijill node add     --db CENTRAL --unit CODE\n"
	      "       sijill node list    --db CENTRAL\n"
	      "       sijill node suspend --db CENTRAL NODE_ID     (a stolen laptop: its batches are refused)\n"
	      "       sijill node resume  --db CENTRAL NODE_ID\n"
	      "       sijill node rekey   --db CENTRAL NODE_ID     (a new one-time code; the old key is forgotten)\n"
	      "       sijill node join    --db NODE --central URL --code CODE\n"
	      "       sijill sync         --db NODE\n"
	      "\n"
	      "Link a station or field node to central. `node add` prints a one-time\n"
	      "enrolment code (valid 7 days) for the node hosting unit CODE; `node join`\n"
	      "on the node sends its public key with the code and pins central's key.\n"
	      "Keys are files beside the audit key (<audit key>.exchange, and on a node\n"
	      "<audit key>.central), never in the database.\n"
	      "\n"
	      "  --audit-key PATH   audit key (default as for `sijill init`)\n", f);
}

static int audited(db *d, const char *action, const char *object_id, json_t *detail)
{
	db_conn *c;
	if (db_acquire(d, &c))
		return 1;
	audit_entry ae = {.badge = cli_actor_badge(), .role = "system", .action = action, .object_type = "node",
			  .object_id = object_id, .outcome = "ok", .detail = detail};
	sj_err e = db_begin(c, DB_WRITE);
	if (!e)
		e = audit_append(c, &ae, NULL);
	if (!e)
		e = db_commit(c);
	else
		db_rollback(c);
	db_release(d, c);
	json_decref(detail);
	return e ? 1 : 0;
}

static void progress(int64_t acked, int64_t last, void *ctx)
{
	(void)ctx;
	int w = 40, done = last > 0 ? (int)(acked * w / last) : w;
	fprintf(stderr, "\r[%.*s%*s] %lld/%lld", done, "########################################", w - done, "",
		(long long)acked, (long long)last);
	if (isatty(2) == 0 || acked >= last)
		fputc('\n', stderr);
}

static int run(const char *cmd, const char *dbu, const char *unit, const char *central, const char *code,
	       const char *arg)
{
	db *d = cli_open_db(dbu, 2);
	if (!d)
		return 1;
	db_conn *c = NULL;
	int rc = 1;
	int64_t now = clock_now_ms();
	char msg[512] = "";
	if (strcmp(cmd, "sync") == 0) {
		/* push, then pull: what this node wrote first, then central's feeds */
		sj_err e = xchg_sync(d, progress, NULL, msg, sizeof msg);
		int64_t pulled = 0;
		if (e)
			fprintf(stderr, "sijill: sync failed: %s\n", msg[0] ? msg : "see the log");
		else
			printf("sync: central has acknowledged every change of this node\n");
		if (!e && (e = xchg_pull(d, &pulled, msg, sizeof msg)))
			fprintf(stderr, "sijill: pull failed: %s\n", msg[0] ? msg : "see the log");
		else if (!e)
			printf("pull: %lld records of central's feeds applied\n", (long long)pulled);
		/* the pull's own audit entry travels too */
		if (!e && pulled > 0 && (e = xchg_sync(d, NULL, NULL, msg, sizeof msg)))
			fprintf(stderr, "sijill: sync failed: %s\n", msg[0] ? msg : "see the log");
		db_close(d);
		return e ? 1 : 0;
	}
	if (strcmp(cmd, "join") == 0) {
		sj_err e = xchg_join_central(central, code, msg, sizeof msg);
		if (e)
			fprintf(stderr, "sijill: join failed: %s\n", msg);
		else {
			xchg_join jn;
			if (xchg_join_read(&jn))
				printf("joined central %s as node %s hosting %s\n", jn.central, jn.node_id, jn.unit);
			rc = audited(d, "exchange.join", jn.node_id, json_pack("{s:s}", "central", central));
		}
		db_close(d);
		return e ? 1 : rc;
	}
	if (db_acquire(d, &c) || db_begin(c, strcmp(cmd, "list") == 0 ? DB_READ : DB_WRITE)) {
		if (c)
			db_release(d, c);
		db_close(d);
		return 1;
	}
	sj_err e = SJ_OK;
	char id[XCHG_NODE_ID_MAX + 1] = "", *newcode = NULL;
	json_t *list = NULL;
	if (strcmp(cmd, "add") == 0)
		e = xchg_node_add(c, unit, now, &newcode, id);
	else if (strcmp(cmd, "rekey") == 0) {
		snprintf(id, sizeof id, "%s", arg);
		e = xchg_node_rekey(c, arg, now, &newcode);
	} else if (strcmp(cmd, "suspend") == 0 || strcmp(cmd, "resume") == 0) {
		snprintf(id, sizeof id, "%s", arg);
		e = xchg_node_suspend(c, arg, strcmp(cmd, "suspend") == 0);
	} else
		e = xchg_nodes_list(c, now, &list);
	if (!e && strcmp(cmd, "list") != 0) {
		char action[32];
		snprintf(action, sizeof action, "exchange.node.%s", cmd);
		audit_entry ae = {.badge = cli_actor_badge(), .role = "system", .action = action,
				  .object_type = "node", .object_id = id, .outcome = "ok"};
		e = audit_append(c, &ae, NULL);
	}
	if (!e)
		e = db_commit(c);
	else
		db_rollback(c);
	db_release(d, c);
	if (e == SJ_ENOTFOUND)
		fprintf(stderr, "sijill: no such %s\n", strcmp(cmd, "add") == 0 ? "unit" : "node");
	else if (e == SJ_ECONFLICT)
		fprintf(stderr, "sijill: unit %s is already hosted by an enrolled node (suspend it first)\n", unit);
	else if (e)
		fprintf(stderr, "sijill: node %s failed\n", cmd);
	else if (newcode)
		printf("node %s\nenrolment code (once, valid 7 days): %s\n", id, newcode);
	else if (list) {
		size_t i;
		json_t *n;
		json_array_foreach(list, i, n) {
			printf("%s %-20s %-9s acked %lld, %lld batches, %lld records, %lld quarantined%s%s\n",
			       json_string_value(json_object_get(n, "id")),
			       json_string_value(json_object_get(n, "unit_code")),
			       json_string_value(json_object_get(n, "status")),
			       (long long)json_integer_value(json_object_get(n, "acked_seq")),
			       (long long)json_integer_value(json_object_get(n, "batches")),
			       (long long)json_integer_value(json_object_get(n, "records")),
			       (long long)json_integer_value(json_object_get(n, "quarantined")),
			       json_is_string(json_object_get(n, "chain_error")) ? ", audit chain broken: " : "",
			       json_is_string(json_object_get(n, "chain_error"))
				       ? json_string_value(json_object_get(n, "chain_error"))
				       : "");
		}
	} else
		printf("node %s: %s\n", id, cmd);
	free(newcode);
	json_decref(list);
	db_close(d);
	return e ? 1 : 0;
}

int cli_node(int argc, char **argv)
{
	bool sync = argc > 0 && strcmp(argv[0], "sync") == 0;
	if (!sync && (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *cmd = sync ? "sync" : argv[1], *dbu = getenv("SIJILL_DB"), *key = NULL, *unit = NULL,
		   *central = NULL, *code = NULL;
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},   {"audit-key", required_argument, NULL, 'k'},
		{"unit", required_argument, NULL, 'u'}, {"central", required_argument, NULL, 'c'},
		{"code", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int ch;
	optind = sync ? 1 : 2;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': dbu = optarg; break;
		case 'k': key = optarg; break;
		case 'u': unit = optarg; break;
		case 'c': central = optarg; break;
		case 'o': code = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	const char *arg = optind < argc ? argv[optind] : NULL;
	bool needs_id = strcmp(cmd, "suspend") == 0 || strcmp(cmd, "resume") == 0 || strcmp(cmd, "rekey") == 0;
	bool ok = dbu && (sync || strcmp(cmd, "list") == 0 || (strcmp(cmd, "add") == 0 && unit) ||
			  (needs_id && arg) || (strcmp(cmd, "join") == 0 && central && code));
	if (!ok) {
		usage(stderr);
		return 2;
	}
	char keybuf[PATH_MAX];
	if (!key) {
		cli_default_key_path(dbu, keybuf);
		key = keybuf;
	}
	if (audit_key_load_or_create(key, false) || xchg_keys_load(key, true)) {
		fprintf(stderr, "sijill: cannot read the audit key %s or its exchange key (run `sijill init` first)\n",
			key);
		return 1;
	}
	return run(cmd, dbu, unit, central, code, arg);
}
