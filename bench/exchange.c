/* exchange.c — the data of bench/exchange.sh (issue 12).
 *
 *   bench_exchange gen NODE_DB DAYS AUDIT_KEY
 *       writes DAYS days of a busy station into a node's database, in its
 *       unit AR-CASA-OULFA: 60 cases a day, each with 2 persons (suspect and
 *       victim), its offence, 2 links, a custody, 2 PVs, 3 history events and
 *       4 audit entries, one transaction per case — the outbox triggers
 *       record every row as sijill's own writes do. Prints the outbox rows.
 *   bench_exchange bare PG_URI NODE_DB
 *       the anchor: inserts the node's outbox rows into a plain table of
 *       PostgreSQL with a prepared INSERT, 400 rows per transaction (a
 *       batch), synchronous_commit as configured — the same rows at the same
 *       durability, without verification, hosting, versions or the witness.
 *       Prints the seconds.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "core/id.h"
#include "core/log.h"
#include "db/db.h"
#include "db/dbj.h"
#include "db/migrate.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define CHECK(x) \
	do { \
		if ((x) != SJ_OK) { \
			fprintf(stderr, "bench_exchange: %s failed at line %d: %s\n", #x, __LINE__, db_last_error(c)); \
			exit(1); \
		} \
	} while (0)

static const char q_unit[] = "SELECT id FROM units WHERE code = 'AR-CASA-OULFA'";
static const char q_user[] = "SELECT id FROM users WHERE badge = 'demo-opj'";
static const char q_rule[] = "SELECT id FROM ref_custody_rules WHERE regime = 'ordinary' ORDER BY id LIMIT 1";
static const char i_person[] =
	"INSERT INTO persons (id, cin, last_name_lat, first_name_lat, last_name_ar, first_name_ar, birth_date, sex,"
	" home_unit_id, created_at, updated_at) VALUES (?, ?, ?, ?, 'بناني', 'يوسف', '1991-03-02', ?, ?, ?, ?)";
static const char i_case[] =
	"INSERT INTO cases (id, number, unit_id, year, seq, frame, class, status, summary, opj_id, created_by,"
	" created_at, updated_at) VALUES (?, ?, ?, 2026, ?, 'flagrant', 'delit_correctionnel', 'registered', ?, ?, ?, ?, ?)";
static const char i_off[] =
	"INSERT INTO case_offences (id, case_id, offence_code, offence_version, class, label_fr, label_ar, added_at,"
	" added_by) VALUES (?, ?, 'CP-505', '1.0.0', 'delit_correctionnel', 'Vol simple', 'السرقة', ?, ?)";
static const char i_link[] =
	"INSERT INTO case_persons (id, case_id, person_id, role, added_at, added_by) VALUES (?, ?, ?, ?, ?, ?)";
static const char i_custody[] =
	"INSERT INTO custodies (id, case_id, unit_id, person_id, regime, ground, rule_id, started_at, deadline_at,"
	" status, opened_by, created_at) VALUES (?, ?, ?, ?, 'ordinary', 'flagrant délit', ?, ?, ?, 'open', ?, ?)";
static const char i_pv[] =
	"INSERT INTO pvs (id, number, case_id, n, type, status, frame, person_id, act_at, place, body, drafter_id,"
	" drafter_name, drafter_rank, drafter_unit, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'draft',"
	" 'flagrant', ?, ?, 'Arrondissement Oulfa', ?, ?, 'OPJ de démonstration', 'inspecteur', 'AR-CASA-OULFA', ?, ?)";
static const char i_event[] =
	"INSERT INTO case_events (id, case_id, seq, at, actor_id, badge, kind, detail) VALUES (?, ?, ?, ?, ?, 'demo-opj', ?, '{}')";
static const char q_outbox[] = "SELECT count(*) FROM xchg_outbox";

static int gen(const char *uri, int days, const char *key)
{
	db *d = NULL;
	db_conn *c = NULL;
	if (db_open(uri, 1, &d) || db_migrate(d, NULL) || db_acquire(d, &c) || audit_key_load_or_create(key, false)) {
		fprintf(stderr, "bench_exchange: cannot open %s (init it first)\n", uri);
		return 1;
	}
	json_t *u = NULL, *us = NULL, *ru = NULL;
	CHECK(dbj_one(c, q_unit, "id:t", &u, ""));
	CHECK(dbj_one(c, q_user, "id:t", &us, ""));
	CHECK(dbj_one(c, q_rule, "id:t", &ru, ""));
	const char *unit = json_string_value(json_object_get(u, "id")), *user = json_string_value(json_object_get(us, "id")),
		   *rule = json_string_value(json_object_get(ru, "id"));
	int64_t t0 = 1790000000000LL, seq = 0;
	char body[2048];
	snprintf(body, sizeof body, "{\"statements\":\"%s\",\"read_back\":true,\"signature\":\"signed\"}",
		 "L'an deux mille vingt-six, devant nous, officier de police judiciaire, a comparu la personne "
		 "désignée ci-dessus, qui déclare : je reconnais les faits qui me sont reprochés, à savoir avoir "
		 "soustrait frauduleusement un téléphone portable sur la voie publique, boulevard Oulfa, vers dix-huit "
		 "heures. Lecture faite, persiste et signe.");
	double start = now_s();
	for (int day = 0; day < days; day++) {
		for (int k = 0; k < 60; k++) {
			int64_t at = t0 + (int64_t)day * 86400000 + k * 600000;
			char cid[ID_LEN + 1], p1[ID_LEN + 1], p2[ID_LEN + 1], kid[ID_LEN + 1], x[ID_LEN + 1], num[64],
				cin[32], pvn[96];
			id_new(cid);
			id_new(p1);
			id_new(p2);
			id_new(kid);
			seq++;
			snprintf(num, sizeof num, "AR-CASA-OULFA/2026/%lld", (long long)seq);
			snprintf(cin, sizeof cin, "BK%06lld", (long long)seq);
			CHECK(db_begin(c, DB_WRITE));
			CHECK(db_run(c, i_person, "ttttttii", p1, cin, "Bennani", "Youssef", "M", unit, at, at));
			CHECK(db_run(c, i_person, "tnttttii", p2, "Alaoui", "Salma", "F", unit, at, at));
			CHECK(db_run(c, i_case, "tttitttii", cid, num, unit, seq, "Vol à l'arraché, boulevard Oulfa", user,
				     user, at, at));
			id_new(x);
			CHECK(db_run(c, i_off, "ttit", x, cid, at, user));
			id_new(x);
			CHECK(db_run(c, i_link, "ttttit", x, cid, p1, "suspect", at, user));
			id_new(x);
			CHECK(db_run(c, i_link, "ttttit", x, cid, p2, "victim", at, user));
			CHECK(db_run(c, i_custody, "tttttiiti", kid, cid, unit, p1, rule, at, at + 48 * 3600000LL, user, at));
			for (int n = 1; n <= 2; n++) {
				id_new(x);
				snprintf(pvn, sizeof pvn, "%s/PV-%d", num, n);
				CHECK(db_run(c, i_pv, "tttittittii", x, pvn, cid, (int64_t)n,
					     n == 1 ? "arrest_custody" : "hearing_suspect", p1, at, body, user, at, at));
			}
			static const char *kinds[] = {"created", "person", "custody.opened"};
			for (int n = 0; n < 3; n++) {
				id_new(x);
				CHECK(db_run(c, i_event, "ttiitt", x, cid, (int64_t)(n + 1), at, user, kinds[n]));
			}
			static const char *acts[] = {"case.create", "case.person.add", "custody.open", "pv.create"};
			for (int n = 0; n < 4; n++) {
				audit_entry ae = {.actor_id = user, .badge = "demo-opj", .role = "opj", .unit_code = "AR-CASA-OULFA",
						  .action = acts[n], .object_type = "case", .object_id = cid, .outcome = "ok"};
				CHECK(audit_append(c, &ae, NULL));
			}
			CHECK(db_commit(c));
		}
	}
	int64_t rows = 0;
	CHECK(dbj_int(c, q_outbox, &rows, ""));
	fprintf(stderr, "bench_exchange: %d days, %lld cases written in %.1f s\n", days, (long long)seq, now_s() - start);
	printf("%lld\n", (long long)rows);
	json_decref(u);
	json_decref(us);
	json_decref(ru);
	db_release(d, c);
	db_close(d);
	return 0;
}

static const char q_rows[] = "SELECT seq, tbl, row_id, unit, row FROM xchg_outbox ORDER BY seq";
static const char pg_create[] =
	"CREATE TABLE IF NOT EXISTS bare_rows (tbl TEXT NOT NULL, id TEXT NOT NULL, node_id TEXT NOT NULL,"
	" src_seq BIGINT NOT NULL, unit TEXT, row TEXT NOT NULL, applied_at BIGINT NOT NULL, PRIMARY KEY (tbl, id))";
static const char pg_insert[] =
	"INSERT INTO bare_rows (tbl, id, node_id, src_seq, unit, row, applied_at) VALUES (?, ?, 'bench', ?, ?, ?, ?)"
	" ON CONFLICT (tbl, id) DO UPDATE SET row = excluded.row, src_seq = excluded.src_seq";

static int bare(const char *pg, const char *node)
{
	db *dn = NULL, *dp = NULL;
	db_conn *cn = NULL, *c = NULL;
	if (db_open(node, 1, &dn) || db_acquire(dn, &cn) || db_open(pg, 1, &dp) || db_acquire(dp, &c)) {
		fprintf(stderr, "bench_exchange: cannot open the databases\n");
		return 1;
	}
	CHECK(db_exec(c, pg_create));
	db_stmt *s;
	bool row;
	if (db_begin(cn, DB_READ) || db_prepare(cn, q_rows, &s))
		return 1;
	double start = now_s();
	int64_t n = 0;
	CHECK(db_begin(c, DB_WRITE));
	while (db_step(s, &row) == SJ_OK && row) {
		CHECK(db_run(c, pg_insert, "ttitti", db_col_text(s, 1), db_col_text(s, 2), db_col_int(s, 0),
			     db_col_null(s, 3) ? NULL : db_col_text(s, 3), db_col_text(s, 4), (int64_t)0));
		if (++n % 400 == 0) {
			CHECK(db_commit(c));
			CHECK(db_begin(c, DB_WRITE));
		}
	}
	CHECK(db_commit(c));
	double secs = now_s() - start;
	db_rollback(cn);
	printf("%.3f\n", secs);
	fprintf(stderr, "bench_exchange: bare PostgreSQL loop: %lld rows in %.2f s\n", (long long)n, secs);
	db_release(dp, c);
	db_close(dp);
	db_release(dn, cn);
	db_close(dn);
	return 0;
}

int main(int argc, char **argv)
{
	log_set_quiet(1);
	if (argc == 5 && strcmp(argv[1], "gen") == 0)
		return gen(argv[2], atoi(argv[3]), argv[4]);
	if (argc == 4 && strcmp(argv[1], "bare") == 0)
		return bare(argv[2], argv[3]);
	fprintf(stderr, "usage: bench_exchange gen NODE_DB DAYS AUDIT_KEY | bare PG_URI NODE_DB\n");
	return 2;
}
