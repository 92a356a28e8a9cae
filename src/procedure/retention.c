/* retention.c — how long the procedure's records are kept (loi 09-08 art
 * 3; see procedure.h): rules as reference data (data/retention.json, by
 * record kind and outcome, with effective dates), and the job that purges
 * what is past its time, leaving a tombstone per record (what went, by which
 * rule, when, the BLAKE2b-256 digest of the rows as they were). The caller's
 * audit entry lists every tombstone. */
#include "procedure/procedure.h"

#include <sodium.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

#include "core/clock.h"
#include "core/id.h"
#include "core/jdump.h"
#include "core/limits.h"
#include "audit/audit.h"
#include "cases/cases.h"
#include "db/dbj.h"
#include "exchange/exchange.h"
#include "registers/registers.h"

#define DAY_MS (24LL * 3600 * 1000)

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

#define TOMB_FIELDS(X) \
	X(V, kind, TEXT, 1, 32, NULL, OUT) \
	X(V, record_id, TEXT, 1, 64, NULL, OUT) \
	X(V, rule_code, CODE, 1, 64, NULL, OUT) \
	X(V, rows_purged, INT, 0, 0, NULL, OUT) \
	X(V, digest, TEXT, 64, 64, NULL, OUT)
static const rec_field tomb_fields[] = {REC_ID_FIELD, TOMB_FIELDS(REC_FIELD)};
const rec_desc proc_tombstone_rec = REC_DESC("proc_tombstone", NULL, tomb_fields, NULL);

#define RUN_FIELDS(X) \
	X(V, at, TIME, 0, 0, NULL, OUT) \
	X(V, purged, ARRAY, 0, 0, &proc_tombstone_rec, OUT)
static const rec_field run_fields[] = {RUN_FIELDS(REC_FIELD)};
const rec_desc proc_retention_run_rec = REC_DESC("proc_retention_run", NULL, run_fields, NULL);

static const char sql_rule_add[] =
	"INSERT INTO retention_rules (code, version, kind, outcome, keep_days, effective_from, uncertain, source,"
	" loaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING";

sj_err proc_retention_load_rules(db_conn *c, json_t *root, int *added)
{
	*added = 0;
	const char *version = jstr(root, "version");
	if (!version)
		return SJ_EINVAL;
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(root, "rules"), i, r) {
		json_t *days = json_object_get(r, "keep_days");
		const char *kind = jstr(r, "kind");
		if (!jstr(r, "code") || !kind || (strcmp(kind, "custody_register") != 0 && strcmp(kind, "main_courante") != 0 &&
			       strcmp(kind, "register_hit") != 0) ||
		    !jstr(r, "outcome") || !jstr(r, "effective_from") || !rec_date_ok(jstr(r, "effective_from")) ||
		    !json_is_integer(days) || json_integer_value(days) < 1)
			return SJ_EINVAL;
		sj_err e = db_run(c, sql_rule_add, "ttttiti" "ti", jstr(r, "code"), version, kind, jstr(r, "outcome"),
				  (int64_t)json_integer_value(days), jstr(r, "effective_from"),
				  (int64_t)json_is_true(json_object_get(r, "uncertain")), jstr(r, "source"), clock_now_ms());
		if (e)
			return e;
		(*added)++;
	}
	return SJ_OK;
}

static const char sql_rules[] =
	"SELECT code, kind, keep_days FROM retention_rules WHERE effective_from <= ? ORDER BY code";
/* custodies ended before the cut whose register periods or rights remain —
 * not, at central, a node's: its host purges them (single writer) and the
 * tombstones travel */
static const char sql_old_custodies[] =
	"SELECT id, unit_id FROM custodies WHERE status = 'closed' AND ended_at < ? AND (id IN"
	" (SELECT custody_id FROM custody_sessions) OR id IN (SELECT custody_id FROM custody_rights_notices))"
	" AND unit_id NOT IN " XCHG_SQL_NODE_UNITS " ORDER BY id";
static const char sql_sessions_of[] =
	"SELECT id, kind, started_at, ended_at, note FROM custody_sessions WHERE custody_id = ? ORDER BY id";
static const char sql_rights_of[] =
	"SELECT id, right_kind, notified_at, language, signed_by_person, refusal_reason FROM custody_rights_notices"
	" WHERE custody_id = ? ORDER BY id";
static const char sql_del_sessions[] = "DELETE FROM custody_sessions WHERE custody_id = ?";
static const char sql_del_rights[] = "DELETE FROM custody_rights_notices WHERE custody_id = ?";
/* sealed days before the cut whose lines remain */
static const char sql_old_days[] =
	"SELECT id, unit_id, day FROM main_courante_days WHERE day < ? AND content <> ''"
	" AND unit_id NOT IN " XCHG_SQL_NODE_UNITS " ORDER BY id";
static const char sql_lines_of[] =
	"SELECT id, seq, at, kind, text, origin, ref_id FROM main_courante WHERE unit_id = ? AND day = ? ORDER BY seq";
static const char sql_del_lines[] = "DELETE FROM main_courante WHERE unit_id = ? AND day = ?";
static const char sql_empty_day[] = "UPDATE main_courante_days SET content = '' WHERE id = ?";
static const char sql_tomb_add[] =
	"INSERT INTO retention_tombstones (id, unit_id, kind, record_id, rule_code, rows_purged, digest, purged_at,"
	" purged_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

/* tombstone records the purge of rows (the rows as they were, a JSON array)
 * of record_id and appends it to list. */
static sj_err tombstone(db_conn *c, const sj_actor *a, const char *unit_id, const char *kind, const char *record_id,
			const char *rule, json_t *rows, int64_t now, json_t *list)
{
	char *canon = jdump_dumps(rows, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	if (!canon)
		return SJ_ENOMEM;
	unsigned char h[32];
	char hex[65], id[ID_LEN + 1];
	crypto_generichash(h, sizeof h, (const unsigned char *)canon, strlen(canon), NULL, 0);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	free(canon);
	id_new(id);
	int64_t n = (int64_t)json_array_size(rows);
	sj_err e = db_run(c, sql_tomb_add, "ttttt" "itit", id, unit_id, kind, record_id, rule, n, hex, now,
			  a ? a->id : NULL);
	if (!e && json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s,s:I,s:s}", "id", id, "kind", kind,
							 "record_id", record_id, "rule_code", rule, "rows_purged",
							 (json_int_t)n, "digest", hex)))
		e = SJ_ENOMEM;
	return e;
}

static sj_err purge_register(db_conn *c, const sj_actor *a, const char *rule, int64_t cut, int64_t now, json_t *list)
{
	json_t *old = NULL;
	sj_err e = dbj_rows(c, sql_old_custodies, "id:t,unit_id:t", &old, "i", cut);
	size_t i;
	json_t *k;
	json_array_foreach(old, i, k) {
		if (e)
			break;
		json_t *s = NULL, *r = NULL;
		const char *id = jstr(k, "id");
		e = dbj_rows(c, sql_sessions_of, "id:t,kind:t,started_at:i,ended_at:i,note:t", &s, "t", id);
		e = e ? e : dbj_rows(c, sql_rights_of,
				     "id:t,right_kind:t,notified_at:i,language:t,signed_by_person:i,refusal_reason:t", &r,
				     "t", id);
		json_t *flat = e ? NULL : json_array();
		if (!e && (!flat || json_array_extend(flat, s) || json_array_extend(flat, r)))
			e = SJ_ENOMEM;
		e = e ? e : tombstone(c, a, jstr(k, "unit_id"), "custody_register", id, rule, flat, now, list);
		e = e ? e : db_run(c, sql_del_sessions, "t", id);
		e = e ? e : db_run(c, sql_del_rights, "t", id);
		json_decref(flat);
		json_decref(s);
		json_decref(r);
	}
	json_decref(old);
	return e;
}

static sj_err purge_courante(db_conn *c, const sj_actor *a, const char *rule, int64_t cut, int64_t now, json_t *list)
{
	char day[11];
	clock_legal_date(cut, day);
	json_t *old = NULL;
	sj_err e = dbj_rows(c, sql_old_days, "id:t,unit_id:t,day:t", &old, "t", day);
	size_t i;
	json_t *d;
	json_array_foreach(old, i, d) {
		if (e)
			break;
		json_t *lines = NULL;
		char rec[64];
		snprintf(rec, sizeof rec, "%s", jstr(d, "id"));
		e = dbj_rows(c, sql_lines_of, "id:t,seq:i,at:i,kind:t,text:t,origin:t,ref_id:t", &lines, "tt",
			     jstr(d, "unit_id"), jstr(d, "day"));
		e = e ? e : tombstone(c, a, jstr(d, "unit_id"), "main_courante", rec, rule, lines, now, list);
		e = e ? e : db_run(c, sql_del_lines, "tt", jstr(d, "unit_id"), jstr(d, "day"));
		e = e ? e : db_run(c, sql_empty_day, "t", jstr(d, "id"));
		json_decref(lines);
	}
	json_decref(old);
	return e;
}

/* Other modules' records: each module owns its purge (its header), this
 * job gives the cut and writes the tombstone of every record it hands back. */
typedef struct purge_ctx {
	db_conn *c;
	const sj_actor *a;
	const char *kind, *rule;
	int64_t now;
	json_t *list;
} purge_ctx;

static sj_err tomb_of(void *ctx, const char *unit_id, const char *record_id, json_t *row)
{
	purge_ctx *p = ctx;
	json_t *rows = json_pack("[O]", row);
	sj_err e = rows ? tombstone(p->c, p->a, unit_id, p->kind, record_id, p->rule, rows, p->now, p->list) : SJ_ENOMEM;
	json_decref(rows);
	return e;
}

sj_err proc_retention_run(db_conn *c, const sj_actor *a, json_t **out)
{
	*out = NULL;
	int64_t now = clock_now_ms();
	char today[11];
	clock_legal_date(now, today);
	json_t *rules = NULL, *list = json_array();
	sj_err e = list ? dbj_rows(c, sql_rules, "code:t,kind:t,keep_days:i", &rules, "t", today) : SJ_ENOMEM;
	size_t i;
	json_t *r;
	json_array_foreach(rules, i, r) {
		if (e)
			break;
		int64_t cut = now - (int64_t)json_integer_value(json_object_get(r, "keep_days")) * DAY_MS;
		if (strcmp(jstr(r, "kind"), "custody_register") == 0)
			e = purge_register(c, a, jstr(r, "code"), cut, now, list);
		else if (strcmp(jstr(r, "kind"), "main_courante") == 0)
			e = purge_courante(c, a, jstr(r, "code"), cut, now, list);
		else if (strcmp(jstr(r, "kind"), "register_hit") == 0) {
			purge_ctx p = {c, a, "register_hit", jstr(r, "code"), now, list};
			e = reg_hits_purge(c, cut, tomb_of, &p);
		}
	}
	json_decref(rules);
	if (e) {
		json_decref(list);
		return e;
	}
	*out = json_pack("{s:I,s:o}", "at", (json_int_t)now, "purged", list);
	return *out ? SJ_OK : SJ_ENOMEM;
}

/* ------------------------------------------------------------ the daily job */

static const char sql_claim[] =
	"INSERT INTO retention_job_runs (day, started_at, tombstones) VALUES (?, ?, 0) ON CONFLICT (day) DO NOTHING"
	" RETURNING day";
static const char sql_done[] = "UPDATE retention_job_runs SET tombstones = ? WHERE day = ?";

sj_err proc_retention_daily(db_conn *c, bool *ran, json_t **out)
{
	*ran = false;
	*out = NULL;
	int64_t now = clock_now_ms();
	struct tm tm;
	clock_legal_tm(now, &tm);
	if (tm.tm_hour < PROC_RETENTION_HOUR)
		return SJ_OK;
	char day[11];
	clock_legal_date(now, day);
	json_t *row = NULL;
	sj_err e = dbj_one(c, sql_claim, "day:t", &row, "ti", day, now);
	json_decref(row);
	if (e == SJ_ENOTFOUND)
		return SJ_OK; /* today's run is done (here or by another process) */
	if (e)
		return e;
	*ran = true;
	const sj_actor sys = {.badge = "system", .name = "system", .role_name = "system", .via = "job"};
	e = proc_retention_run(c, &sys, out);
	json_t *purged = e ? NULL : json_object_get(*out, "purged");
	size_t n = json_array_size(purged);
	e = e ? e : db_run(c, sql_done, "it", (int64_t)n, day);
	/* a purge is audited with every tombstone it left; a day with nothing
	 * past its time leaves only its row of retention_job_runs */
	if (!e && n) {
		audit_entry ae = {.badge = "system", .role = "system", .action = "retention.run", .object_type = "retention",
				  .object_id = day, .outcome = "ok",
				  .detail = json_pack("{s:s,s:O}", "day", day, "purged", purged)};
		e = ae.detail ? audit_append(c, &ae, NULL) : SJ_ENOMEM;
		json_decref(ae.detail);
	}
	if (e) {
		json_decref(*out);
		*out = NULL;
	}
	return e;
}

/* ------------------------------------------------------------ a person's record */

/* GET /persons/{id}/retention: when each part of a person's record goes. */
#define PART_FIELDS(X) \
	X(V, kind, TEXT, 1, 32, NULL, OUT) \
	X(V, custody_id, ID, 0, 36, NULL, OUT) \
	X(V, case_number, CODE, 1, 64, NULL, OUT) \
	X(V, ended_at, TIME, 0, 0, NULL, OUT) \
	X(V, rule_code, CODE, 1, 64, NULL, OUT) \
	X(V, keep_days, INT, 0, 0, NULL, OUT) \
	X(V, uncertain, BOOL, 0, 0, NULL, OUT) \
	X(V, goes_at, TIME, 0, 0, NULL, OUT) \
	X(V, purged_at, TIME, 0, 0, NULL, OUT)
static const rec_field part_fields[] = {PART_FIELDS(REC_FIELD)};
const rec_desc proc_retention_part_rec = REC_DESC("proc_retention_part", NULL, part_fields, NULL);
#define PERSON_RETENTION_FIELDS(X) \
	X(V, person_id, ID, 0, 36, NULL, OUT) \
	X(V, parts, ARRAY, 0, 0, &proc_retention_part_rec, OUT) \
	X(V, kept, ARRAY, 0, 0, NULL, OUT)
static const rec_field person_retention_fields[] = {PERSON_RETENTION_FIELDS(REC_FIELD)};
const rec_desc proc_person_retention_rec = REC_DESC("proc_person_retention", NULL, person_retention_fields, NULL);

static const char sql_person_custodies[] =
	"SELECT k.id AS custody_id, c.number AS case_number, k.ended_at AS ended_at,"
	" (SELECT MIN(t.purged_at) FROM retention_tombstones t WHERE t.record_id = k.id) AS purged_at"
	" FROM custodies k JOIN cases c ON c.id = k.case_id WHERE k.person_id = ? ORDER BY k.started_at, k.id";
/* the shortest rule in force wins: the job applies every rule in force */
static const char sql_register_rule[] =
	"SELECT code, keep_days, uncertain FROM retention_rules WHERE kind = 'custody_register' AND effective_from <= ?"
	" ORDER BY keep_days, code LIMIT 1";

sj_err proc_retention_for_person(db_conn *c, const sj_actor *a, const char *person_id, json_t **out, const char **why)
{
	*out = NULL;
	json_t *page = NULL, *rows = NULL, *rule = NULL;
	sj_err e = case_person_page(c, a, person_id, &page, why); /* the person readable by the actor */
	json_decref(page);
	if (e)
		return e;
	char today[11];
	clock_legal_date(clock_now_ms(), today);
	e = dbj_rows(c, sql_person_custodies, "custody_id:t,case_number:t,ended_at:i,purged_at:i", &rows, "t", person_id);
	if (!e) {
		e = dbj_one(c, sql_register_rule, "code:t,keep_days:i,uncertain:i", &rule, "t", today);
		if (e == SJ_ENOTFOUND)
			e = SJ_OK;
	}
	size_t i;
	json_t *o;
	json_array_foreach(rows, i, o) {
		json_object_set_new(o, "kind", json_string("custody_register"));
		if (!rule)
			continue;
		int64_t keep = (int64_t)json_integer_value(json_object_get(rule, "keep_days"));
		json_object_set(o, "rule_code", json_object_get(rule, "code"));
		json_object_set_new(o, "keep_days", json_integer(keep));
		json_object_set_new(o, "uncertain", json_boolean(json_integer_value(json_object_get(rule, "uncertain"))));
		json_t *end = json_object_get(o, "ended_at");
		/* an open custody goes keep_days after it ends: not known yet */
		json_object_set_new(o, "goes_at", json_is_integer(end) ? json_integer(json_integer_value(end) + keep * DAY_MS)
								: json_null());
	}
	json_decref(rule);
	if (e) {
		json_decref(rows);
		return e;
	}
	/* never purged by the job: the PVs, the custodies themselves, the cases */
	*out = json_pack("{s:s,s:o,s:[sss]}", "person_id", person_id, "parts", rows, "kept", "pvs", "custodies", "cases");
	return *out ? SJ_OK : SJ_ENOMEM;
}
