/* test_crash.c — crash consistency: `kill -9` at a random moment of a mixed
 * write load, many rounds, on the backend of SIJILL_TEST_BACKEND.
 *
 * Each round starts writers (cases with two offences and a person, complaints,
 * persons added to a case, PV drafts, users), kills the server without warning
 * after a random 0.2–1.5 s, restarts it and checks:
 *   - every acknowledged (2xx) write is there, with its audit entry;
 *   - no half-written record: no case without offences or without its
 *     case.create entry, no complaint/PV/user without its audit entry,
 *     no case number allocated twice;
 *   - `sijill audit verify` passes.
 * Rounds: SIJILL_CRASH_ROUNDS (default 5; bench/crash.sh runs 100). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static th_server S;
static char *admin, *officer, *opj;
static char base_case[64];

#define WRITERS 4
#define MAX_ACK 512

typedef struct ack {
	char kind[12];
	char id[64];
} ack;

typedef struct writer {
	int idx, round;
	int n;
	ack acks[MAX_ACK];
	volatile int *stop;
} writer;

static int setup(void **state)
{
	(void)state;
	th_setup(&S);
	admin = th_login(&S, "demo-admin");
	officer = th_login(&S, "demo-officer");
	opj = th_login(&S, "demo-opj");
	th_resp r = th_json(&S, "POST", "/api/v1/cases", officer,
			    "{\"frame\":\"flagrant\",\"offences\":[{\"code\":\"CP-505\"}],\"summary\":\"Crash: base\"}");
	assert_int_equal(r.status, 201);
	snprintf(base_case, sizeof base_case, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(admin);
	free(officer);
	free(opj);
	return th_teardown(&S) == 0 ? 0 : -1;
}

static void *write_load(void *arg)
{
	writer *w = arg;
	for (int i = 0; !*w->stop && w->n < MAX_ACK; i++) {
		char body[768], path[160];
		const char *kind, *tok = officer, *p = path;
		switch ((i + w->idx) % 5) {
		case 0:
			kind = "case";
			p = "/api/v1/cases";
			snprintf(body, sizeof body,
				 "{\"frame\":\"flagrant\",\"offences\":[{\"code\":\"CP-505\"},{\"code\":\"CP-509\"}],"
				 "\"summary\":\"Crash %d-%d-%d\",\"persons\":[{\"role\":\"victim\",\"person\":{\"last_name_lat\":\"Victime\","
				 "\"first_name_lat\":\"R%dW%dI%d\"}}]}",
				 w->round, w->idx, i, w->round, w->idx, i);
			break;
		case 1:
			kind = "complaint";
			p = "/api/v1/complaints";
			snprintf(body, sizeof body,
				 "{\"complainant\":{\"last_name_lat\":\"Plaignant\",\"first_name_lat\":\"R%dW%dI%d\"},\"facts\":\"Crash facts\"}",
				 w->round, w->idx, i);
			break;
		case 2:
			kind = "person";
			snprintf(path, sizeof path, "/api/v1/cases/%s/persons", base_case);
			snprintf(body, sizeof body,
				 "{\"role\":\"witness\",\"person\":{\"last_name_lat\":\"Temoin\",\"first_name_lat\":\"R%dW%dI%d\"}}",
				 w->round, w->idx, i);
			break;
		case 3:
			kind = "pv";
			snprintf(path, sizeof path, "/api/v1/cases/%s/pvs", base_case);
			snprintf(body, sizeof body,
				 "{\"type\":\"hearing_witness\",\"statements\":\"R%dW%dI%d\",\"read_back\":true,\"signature\":\"signed\"}",
				 w->round, w->idx, i);
			break;
		default:
			kind = "user";
			tok = admin;
			p = "/api/v1/users";
			snprintf(body, sizeof body,
				 "{\"badge\":\"crash-%d-%d-%d\",\"name\":\"Crash\",\"role\":\"officer\",\"unit\":\"AR-CASA-OULFA\","
				 "\"password\":\"a-long-password-1\"}",
				 w->round, w->idx, i);
			break;
		}
		th_resp r = th_json(&S, "POST", p, tok, body);
		if (r.status == 201 || r.status == 200) {
			ack *a = &w->acks[w->n++];
			snprintf(a->kind, sizeof a->kind, "%s", kind);
			if (strcmp(kind, "user") == 0)
				snprintf(a->id, sizeof a->id, "crash-%d-%d-%d", w->round, w->idx, i);
			else if (strcmp(kind, "person") == 0)
				snprintf(a->id, sizeof a->id, "R%dW%dI%d", w->round, w->idx, i);
			else
				snprintf(a->id, sizeof a->id, "%s", th_str(&r, "id"));
		} else if (r.status > 0 && r.status != 503) {
			fprintf(stderr, "# round %d: %s -> %ld %s\n", w->round, kind, r.status, r.body);
		}
		long st = r.status;
		th_resp_free(&r);
		if (st < 0)
			break;
	}
	return NULL;
}

static long long q(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static long long q(const char *fmt, ...)
{
	char sql[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	return th_sql_int(&S, sql);
}

/* check_ack: the record is there with its audit entry. */
static int check_ack(const ack *a)
{
	long long n = -1, au = -1;
	if (strcmp(a->kind, "case") == 0) {
		n = q("SELECT COUNT(*) FROM cases WHERE id = '%s'", a->id);
		au = q("SELECT COUNT(*) FROM audit_log WHERE action = 'case.create' AND object_id = '%s'", a->id);
		if (q("SELECT COUNT(*) FROM case_offences WHERE case_id = '%s'", a->id) != 2)
			n = -2;
	} else if (strcmp(a->kind, "complaint") == 0) {
		n = q("SELECT COUNT(*) FROM complaints WHERE id = '%s'", a->id);
		au = q("SELECT COUNT(*) FROM audit_log WHERE action = 'complaint.create' AND object_id = '%s'", a->id);
	} else if (strcmp(a->kind, "pv") == 0) {
		n = q("SELECT COUNT(*) FROM pvs WHERE id = '%s'", a->id);
		au = q("SELECT COUNT(*) FROM audit_log WHERE action = 'pv.create' AND object_id = '%s'", a->id);
	} else if (strcmp(a->kind, "person") == 0) {
		n = q("SELECT COUNT(*) FROM persons WHERE first_name_lat = '%s'", a->id);
		au = q("SELECT COUNT(*) FROM case_persons cp JOIN persons p ON p.id = cp.person_id WHERE p.first_name_lat = '%s'",
		       a->id);
	} else {
		n = q("SELECT COUNT(*) FROM users WHERE badge = '%s'", a->id);
		au = q("SELECT COUNT(*) FROM audit_log a JOIN users u ON u.id = a.object_id WHERE a.action = 'user.create'"
		       " AND u.badge = '%s'",
		       a->id);
	}
	if (n != 1 || au != 1) {
		fprintf(stderr, "# LOST or half-written: %s %s (rows %lld, audit/link %lld)\n", a->kind, a->id, n, au);
		return 1;
	}
	return 0;
}

static void kill9_rounds(void **st)
{
	(void)st;
	const char *e = getenv("SIJILL_CRASH_ROUNDS");
	int rounds = e ? atoi(e) : 5;
	unsigned seed = (unsigned)time(NULL);
	fprintf(stderr, "# crash rounds: %d, seed %u\n", rounds, seed);
	srand(seed);
	static writer ws[WRITERS];
	long long acked_total = 0;
	int lost = 0;
	for (int round = 0; round < rounds; round++) {
		volatile int stop = 0;
		pthread_t th[WRITERS];
		for (int i = 0; i < WRITERS; i++) {
			memset(&ws[i], 0, sizeof ws[i]);
			ws[i].idx = i;
			ws[i].round = round;
			ws[i].stop = &stop;
			pthread_create(&th[i], NULL, write_load, &ws[i]);
		}
		usleep((useconds_t)(200000 + rand() % 1300000));
		th_kill9(&S);
		stop = 1;
		for (int i = 0; i < WRITERS; i++)
			pthread_join(th[i], NULL);
		th_start_server(&S);
		int acked = 0;
		for (int i = 0; i < WRITERS; i++)
			for (int k = 0; k < ws[i].n; k++) {
				lost += check_ack(&ws[i].acks[k]);
				acked++;
			}
		acked_total += acked;
		/* no half-written record anywhere */
		long long orphan_cases = q("SELECT COUNT(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM case_offences o"
					   " WHERE o.case_id = c.id) OR NOT EXISTS (SELECT 1 FROM audit_log a WHERE"
					   " a.action = 'case.create' AND a.object_id = c.id)");
		long long orphan_complaints = q("SELECT COUNT(*) FROM complaints c WHERE NOT EXISTS (SELECT 1 FROM audit_log a"
						" WHERE a.action = 'complaint.create' AND a.object_id = c.id)");
		long long orphan_pvs = q("SELECT COUNT(*) FROM pvs p WHERE NOT EXISTS (SELECT 1 FROM audit_log a"
					 " WHERE a.action = 'pv.create' AND a.object_id = p.id)");
		long long orphan_users = q("SELECT COUNT(*) FROM users u WHERE u.badge LIKE 'crash-%%' AND NOT EXISTS"
					   " (SELECT 1 FROM audit_log a WHERE a.action = 'user.create' AND a.object_id = u.id)");
		long long dup_numbers = q("SELECT COUNT(*) FROM (SELECT number FROM cases GROUP BY number HAVING COUNT(*) > 1) d");
		char out[2048];
		const char *args[] = {"audit", "verify", NULL};
		int rc = th_cli(&S, out, sizeof out, args);
		if (rc)
			fprintf(stderr, "# round %d: audit verify failed: %s\n", round, out);
		if (orphan_cases || orphan_complaints || orphan_pvs || orphan_users || dup_numbers)
			fprintf(stderr, "# round %d: half-written: cases %lld complaints %lld pvs %lld users %lld dup numbers %lld\n",
				round, orphan_cases, orphan_complaints, orphan_pvs, orphan_users, dup_numbers);
		fprintf(stderr, "# round %d: %d acknowledged writes, all present; audit chain intact\n", round, acked);
		assert_int_equal(rc, 0);
		assert_int_equal(orphan_cases + orphan_complaints + orphan_pvs + orphan_users + dup_numbers, 0);
		assert_int_equal(lost, 0);
	}
	fprintf(stderr, "# crash: %d rounds survived, %lld acknowledged writes, %d lost\n", rounds, acked_total, lost);
	assert_true(acked_total > 0);
}

static void server_exits_cleanly(void **st)
{
	(void)st;
	assert_int_equal(th_stop_server(&S), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kill9_rounds),
		cmocka_unit_test(server_exits_cleanly),
	};
	return cmocka_run_group_tests_name(getenv("SIJILL_TEST_BACKEND") ? getenv("SIJILL_TEST_BACKEND") : "sqlite",
					   tests, setup, teardown);
}
