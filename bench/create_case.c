/* create_case.c — create-case throughput (issue #3): sijill's case_create
 * (a case + 2 persons + 1 offence + the case event, plus the audit entry,
 * in one transaction through db.h) against a bare SQLite loop inserting the
 * same rows with prepared statements, at the same durability (WAL,
 * synchronous=FULL, one transaction per case), in one run. Prints both
 * rates and the ratio sijill/bare (aim >= 0.5). The two run in interleaved
 * batches of BATCH cases so that both see the same disk and machine load.
 *
 * usage: bench_create_case [N] [DATA_DIR]     (N cases, default 2000)
 */
#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "cases/cases.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/log.h"
#include "db/db.h"
#include "db/migrate.h"
#include "org/units.h"
#include "refdata/refdata.h"

#define BATCH 100

static void die(const char *what)
{
	fprintf(stderr, "bench_create_case: %s\n", what);
	exit(1);
}

static json_t *person(int i, int k)
{
	char cin[16], last[32];
	snprintf(cin, sizeof cin, "B%c%06d", 'A' + k, i % 1000000);
	snprintf(last, sizeof last, "Nom%d", i);
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "cin", cin, "last_name_lat", last, "first_name_lat",
			 k ? "Said" : "Omar", "last_name_ar", "العلمي", "first_name_ar", k ? "سعيد" : "عمر", "father_name",
			 "Ahmed", "birth_date", "1990-04-12", "sex", "M");
}

/* --- sijill --- */

typedef struct sij_ctx {
	db *d;
	db_conn *c;
	auth_user u;
	sj_actor who;   /* the OPJ, as the capabilities see it */
} sij_ctx;

static void sijill_open(sij_ctx *x, const char *dir, const char *data)
{
	char path[512], key[512];
	snprintf(path, sizeof path, "%s/sijill.db", dir);
	snprintf(key, sizeof key, "%s/audit.key", dir);
	if (audit_key_load_or_create(key, true))
		die("audit key");
	db *d = NULL;
	if (db_open(path, 1, &d) || db_migrate(d, NULL))
		die("open/migrate");
	db_conn *c;
	x->d = d;
	if (db_acquire(d, &c) || db_begin(c, DB_WRITE))
		die("begin");
	json_t *units = json_pack("{s:[{s:s,s:s,s:s,s:s},{s:s,s:s,s:s,s:s,s:s}]}", "units", "code", "DGSN", "kind",
				  "national", "name_fr", "DGSN", "name_ar", "المديرية", "code", "AR-BENCH", "kind",
				  "arrondissement", "parent", "DGSN", "name_fr", "Bench", "name_ar", "بنش");
	int loaded = 0;
	if (unit_load_json(c, units, false, &loaded))
		die("units");
	json_decref(units);
	char offences_path[600];
	snprintf(offences_path, sizeof offences_path, "%s/offences.json", data);
	json_t *offs = json_load_file(offences_path, 0, NULL);
	if (!offs || ref_load_offences(c, offs, &loaded))
		die("offences (give DATA_DIR)");
	json_decref(offs);
	auth_new_user nu = {.badge = "bench-opj", .name = "Bench OPJ", .role = "opj", .unit_code = "AR-BENCH",
			    .password = "bench-password-123"};
	auth_user u;
	memset(&u, 0, sizeof u);
	const char *field = NULL;
	if (auth_user_add(c, &nu, u.id, &field))
		die("user");
	if (db_commit(c))
		die("commit");
	if (auth_user_find(c, "bench-opj", NULL, &u))
		die("find user");
	x->c = c;
	x->u = u;
	x->who = (sj_actor){.id = x->u.id, .badge = x->u.badge, .name = x->u.name, .role = ROLE_OPJ, .role_name = "opj",
			    .unit_id = x->u.unit.id, .unit_code = x->u.unit.code, .unit_path = x->u.unit.path,
			    .unit_name_fr = x->u.unit.name_fr, .unit_name_ar = x->u.unit.name_ar, .writer = true,
			    .opj = true, .lang = "fr", .via = "bench"};
}

/* sijill_batch creates cases [from, to) and returns the microseconds spent. */
static int64_t sijill_batch(sij_ctx *x, int from, int to)
{
	db_conn *c = x->c;
	auth_user u = x->u;
	const char *field = NULL;
	int64_t t0 = clock_monotonic_us();
	for (int i = from; i < to; i++) {
		json_t *in = json_pack("{s:s,s:[{s:s}],s:s,s:s,s:[{s:s,s:o},{s:s,s:o}]}", "frame", "flagrant", "offences",
				       "code", "CP-505", "summary", "Vol simple à l'arraché", "commune", "Casablanca",
				       "persons", "role", "victim", "person", person(i, 0), "role", "suspect", "person",
				       person(i, 1));
		json_t *out = NULL;
		const char *why = NULL;
		sj_err e = db_begin(c, DB_WRITE);
		e = e ? e : case_create(c, &x->who, in, &out, &field, &why);
		const char *id = json_string_value(json_object_get(out, "id"));
		audit_entry ae = {.actor_id = u.id, .badge = u.badge, .role = "opj", .unit_code = u.unit.code,
				  .action = "case.create", .object_type = "case", .object_id = id, .outcome = "ok",
				  .request_id = id, .ip = "127.0.0.1"};
		e = e ? e : audit_append(c, &ae, NULL);
		e = e ? e : db_commit(c);
		if (e) {
			db_rollback(c);
			fprintf(stderr, "case %d: %s (%s)\n", i, sj_err_name(e), why ? why : "");
			die("create");
		}
		json_decref(in);
		json_decref(out);
	}
	return clock_monotonic_us() - t0;
}

static void sijill_close(sij_ctx *x)
{
	db_release(x->d, x->c);
	db_close(x->d);
}

/* --- bare SQLite: the same rows, prepared statements, one transaction each --- */

static const char bare_schema[] =
	"PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	"CREATE TABLE counters (kind TEXT, unit TEXT, year BIGINT, n BIGINT, PRIMARY KEY (kind, unit, year));"
	"CREATE TABLE cases (id TEXT PRIMARY KEY, number TEXT UNIQUE, unit_id TEXT, year BIGINT, seq BIGINT, frame TEXT,"
	" class TEXT, status TEXT, summary TEXT, commune TEXT, created_by TEXT, created_at BIGINT, updated_at BIGINT);"
	"CREATE TABLE persons (id TEXT PRIMARY KEY, cin TEXT UNIQUE, first_name_ar TEXT, last_name_ar TEXT,"
	" first_name_lat TEXT, last_name_lat TEXT, father_name TEXT, birth_date TEXT, sex TEXT, home_unit_id TEXT,"
	" created_at BIGINT, updated_at BIGINT);"
	"CREATE TABLE case_persons (id TEXT PRIMARY KEY, case_id TEXT, person_id TEXT, role TEXT, added_at BIGINT,"
	" added_by TEXT, UNIQUE (case_id, person_id, role));"
	"CREATE INDEX case_persons_person ON case_persons(person_id);"
	"CREATE TABLE case_offences (id TEXT PRIMARY KEY, case_id TEXT, offence_code TEXT, class TEXT, label_fr TEXT,"
	" added_at BIGINT, added_by TEXT);"
	"CREATE INDEX case_offences_case ON case_offences(case_id);"
	"CREATE TABLE case_events (id TEXT PRIMARY KEY, case_id TEXT, seq BIGINT, at BIGINT, kind TEXT, detail TEXT,"
	" UNIQUE (case_id, seq));"
	"CREATE TABLE audit_log (seq INTEGER PRIMARY KEY, id TEXT UNIQUE, at BIGINT, actor_id TEXT, action TEXT,"
	" object_type TEXT, object_id TEXT, outcome TEXT, leaf TEXT, head TEXT);";

static sqlite3_stmt *prep(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v3(h, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK)
		die(sqlite3_errmsg(h));
	return s;
}

static void step(sqlite3_stmt *s)
{
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE)
		die(sqlite3_errmsg(sqlite3_db_handle(s)));
	sqlite3_reset(s);
}

typedef struct bare_ctx {
	sqlite3 *h;
	sqlite3_stmt *begin, *commit, *ctr, *kase, *pers, *link, *off, *ev, *aud;
} bare_ctx;

static void bare_open(bare_ctx *b, const char *dir, int round)
{
	char path[512];
	snprintf(path, sizeof path, "%s/bare-%d.db", dir, round);
	sqlite3 *h;
	if (sqlite3_open(path, &h) != SQLITE_OK || sqlite3_exec(h, bare_schema, NULL, NULL, NULL) != SQLITE_OK)
		die("bare schema");
	sqlite3_stmt *begin = prep(h, "BEGIN IMMEDIATE"), *commit = prep(h, "COMMIT");
	sqlite3_stmt *ctr = prep(h, "INSERT INTO counters VALUES ('case', 'U', 2026, 1) ON CONFLICT (kind, unit, year)"
				    " DO UPDATE SET n = counters.n + 1 RETURNING n");
	sqlite3_stmt *kase = prep(h, "INSERT INTO cases VALUES (?, ?, 'U', 2026, ?, 'flagrant', 'delit_correctionnel',"
				     " 'registered', 'Vol simple', 'Casablanca', 'user', ?, ?)");
	sqlite3_stmt *pers = prep(h, "INSERT INTO persons VALUES (?, ?, 'عمر', 'العلمي', 'Omar', ?, 'Ahmed', '1990-04-12',"
				     " 'M', 'U', ?, ?)");
	sqlite3_stmt *link = prep(h, "INSERT INTO case_persons VALUES (?, ?, ?, ?, ?, 'user')");
	sqlite3_stmt *off = prep(h, "INSERT INTO case_offences VALUES (?, ?, 'CP-505', 'delit_correctionnel',"
				    " 'Vol simple', ?, 'user')");
	sqlite3_stmt *ev = prep(h, "INSERT INTO case_events VALUES (?, ?, 1, ?, 'created', '{}')");
	sqlite3_stmt *aud = prep(h, "INSERT INTO audit_log VALUES (NULL, ?, ?, 'user', 'case.create', 'case', ?, 'ok', ?, ?)");
	*b = (bare_ctx){h, begin, commit, ctr, kase, pers, link, off, ev, aud};
}

/* bare_batch inserts cases [from, to) and returns the microseconds spent. */
static int64_t bare_batch(bare_ctx *b, int from, int to)
{
	sqlite3_stmt *begin = b->begin, *commit = b->commit, *ctr = b->ctr, *kase = b->kase, *pers = b->pers,
		     *link = b->link, *off = b->off, *ev = b->ev, *aud = b->aud;
	int64_t t0 = clock_monotonic_us();
	for (int i = from; i < to; i++) {
		char cid[ID_LEN + 1], num[64], p1[ID_LEN + 1], p2[ID_LEN + 1], x[ID_LEN + 1], cin[16], name[32];
		int64_t now = clock_now_ms();
		step(begin);
		int64_t seq = 0;
		if (sqlite3_step(ctr) == SQLITE_ROW)
			seq = sqlite3_column_int64(ctr, 0);
		sqlite3_reset(ctr);
		id_new(cid);
		snprintf(num, sizeof num, "U/2026/%06lld", (long long)seq);
		sqlite3_bind_text(kase, 1, cid, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(kase, 2, num, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(kase, 3, seq);
		sqlite3_bind_int64(kase, 4, now);
		sqlite3_bind_int64(kase, 5, now);
		step(kase);
		for (int k = 0; k < 2; k++) {
			char *pid = k ? p2 : p1;
			id_new(pid);
			snprintf(cin, sizeof cin, "B%c%06d", 'A' + k, i % 1000000);
			snprintf(name, sizeof name, "Nom%d", i);
			sqlite3_bind_text(pers, 1, pid, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(pers, 2, cin, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(pers, 3, name, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(pers, 4, now);
			sqlite3_bind_int64(pers, 5, now);
			step(pers);
			id_new(x);
			sqlite3_bind_text(link, 1, x, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(link, 2, cid, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(link, 3, pid, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(link, 4, k ? "suspect" : "victim", -1, SQLITE_STATIC);
			sqlite3_bind_int64(link, 5, now);
			step(link);
		}
		id_new(x);
		sqlite3_bind_text(off, 1, x, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(off, 2, cid, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(off, 3, now);
		step(off);
		id_new(x);
		sqlite3_bind_text(ev, 1, x, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ev, 2, cid, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ev, 3, now);
		step(ev);
		/* the audit row carries a leaf and head hash like sijill's */
		unsigned char hsh[32];
		char leaf[65];
		crypto_generichash(hsh, sizeof hsh, (const unsigned char *)cid, strlen(cid), NULL, 0);
		sodium_bin2hex(leaf, sizeof leaf, hsh, sizeof hsh);
		id_new(x);
		sqlite3_bind_text(aud, 1, x, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(aud, 2, now);
		sqlite3_bind_text(aud, 3, cid, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(aud, 4, leaf, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(aud, 5, leaf, -1, SQLITE_TRANSIENT);
		step(aud);
		step(commit);
	}
	return clock_monotonic_us() - t0;
}

static void bare_close(bare_ctx *b)
{
	sqlite3_stmt *all[] = {b->begin, b->commit, b->ctr, b->kase, b->pers, b->link, b->off, b->ev, b->aud};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		sqlite3_finalize(all[i]);
	sqlite3_close(b->h);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 2000;
	const char *data = argc > 2 ? argv[2] : "data";
	if (n < 1 || sodium_init() < 0)
		die("usage: bench_create_case [N] [DATA_DIR]");
	log_set_quiet(1);
	char dir[] = "/tmp/sijill-bench-case-XXXXXX";
	if (!mkdtemp(dir))
		die("mkdtemp");
	/* Interleaved batches, so both see the same disk and machine load. */
	sij_ctx sx;
	bare_ctx bx;
	bare_open(&bx, dir, 1);
	sijill_open(&sx, dir, data);
	int64_t us_bare = 0, us_sij = 0;
	for (int from = 0; from < n; from += BATCH) {
		int to = from + BATCH < n ? from + BATCH : n;
		us_bare += bare_batch(&bx, from, to);
		us_sij += sijill_batch(&sx, from, to);
	}
	bare_close(&bx);
	sijill_close(&sx);
	double bare = n / (us_bare / 1e6), sij = n / (us_sij / 1e6);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_create_case: could not remove %s\n", dir);
	printf("{\"bench\":\"create_case\",\"cases\":%d,\"sijill_per_s\":%.1f,\"bare_sqlite_per_s\":%.1f,\"ratio\":%.3f,"
	       "\"target\":0.5}\n",
	       n, sij, bare, sij / bare);
	printf("create-case: sijill %.0f/s, bare SQLite %.0f/s, ratio %.2f (aim >= 0.5)\n", sij, bare, sij / bare);
	return 0;
}
