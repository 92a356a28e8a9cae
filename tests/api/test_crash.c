/* test_crash.c — crash consistency: `kill -9` at a random moment of a mixed
 * load of audited reads and writes, many rounds, on the backend of
 * SIJILL_TEST_BACKEND.
 *
 * Each round starts writers (cases with two offences and a person, complaints,
 * persons added to a case, PV drafts, users) and readers (a case, a page of
 * cases: each read audited through the group committer), every client noting
 * the request id of each 2xx answer; kills the server without warning after a
 * random SIJILL_CRASH_MIN_MS..SIJILL_CRASH_MAX_MS (default 150..700), restarts
 * it and checks:
 *   - every request answered 2xx has its audit entry (found by request id):
 *     a read's entry was durable before its answer, a write's committed with it;
 *   - every acknowledged write is there, with its audit entry;
 *   - no half-written record: no case without offences or without its
 *     case.create entry, no complaint/PV/user without its audit entry,
 *     no case number allocated twice;
 *   - `sijill audit verify` passes.
 * Rounds: SIJILL_CRASH_ROUNDS (default 20, as in `make test`; bench/crash.sh
 * runs 200 per database). */
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

#include "db/db.h"
#include "harness.h"

static th_server S;
static char *admin, *officer, *opj;
static char base_case[64], read_case[64];

#define WRITERS 4
#define READERS 4
#define MAX_ACK 1024

typedef struct ack {
	char kind[12];
	char id[64];
	char rid[40];          /* the request id of the 2xx answer */
} ack;

typedef struct writer {
	int idx, round;
	int n;
	ack acks[MAX_ACK];
	volatile int *stop;
} writer;

static db *D;              /* the test's own connection for its checks */

static void rid_of(const th_resp *r, char out[40])
{
	const char *h = strcasestr(r->headers, "X-Request-Id:");
	out[0] = '\0';
	if (h) {
		h += strlen("X-Request-Id:");
		while (*h == ' ')
			h++;
		snprintf(out, 40, "%.*s", (int)strcspn(h, "\r\n"), h);
	}
}

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
	r = th_json(&S, "POST", "/api/v1/cases", officer,
		    "{\"frame\":\"flagrant\",\"offences\":[{\"code\":\"CP-505\"}],\"summary\":\"Crash: read\"}");
	assert_int_equal(r.status, 201);
	snprintf(read_case, sizeof read_case, "%s", th_str(&r, "id"));
	th_resp_free(&r);
	if (db_open(S.db, 1, &D))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(admin);
	free(officer);
	free(opj);
	db_close(D);
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
			rid_of(&r, a->rid);
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

/* read_load: audited reads of a case and of a page of cases until stopped. */
static void *read_load(void *arg)
{
	writer *w = arg;
	char one[128];
	snprintf(one, sizeof one, "/api/v1/cases/%s", read_case);
	for (int i = 0; !*w->stop && w->n < MAX_ACK; i++) {
		const char *path = (i + w->idx) % 3 ? one : "/api/v1/cases?limit=20";
		th_resp r = th_request(&S, "GET", path, i % 2 ? officer : opj, NULL, 0, NULL);
		if (r.status == 200) {
			ack *a = &w->acks[w->n++];
			snprintf(a->kind, sizeof a->kind, "read");
			rid_of(&r, a->rid);
		} else if (r.status > 0 && r.status != 503) {
			fprintf(stderr, "# round %d: read -> %ld %s\n", w->round, r.status, r.body);
		}
		long st = r.status;
		th_resp_free(&r);
		if (st < 0)
			break;
	}
	return NULL;
}

/* q runs one of the statements below with one text parameter (NULL: none)
 * on the test's own connection and returns the first column (-1 on error). */
static long long q(const char *sql, const char *arg)
{
	db_conn *c;
	if (db_acquire(D, &c))
		return -1;
	db_stmt *st;
	bool row = false;
	long long v = -1;
	sj_err e = db_prepare(c, sql, &st);
	if (!e && arg)
		e = db_bind_text(st, 1, arg);
	e = e ? e : db_step(st, &row);
	if (!e && row) {
		v = db_col_int(st, 0);
		if (db_step(st, &row))
			v = -1;
	}
	db_release(D, c);
	return v;
}

static const char q_case[] = "SELECT COUNT(*) FROM cases WHERE id = ?";
static const char q_case_audit[] = "SELECT COUNT(*) FROM audit_log WHERE action = 'case.create' AND object_id = ?";
static const char q_case_offences[] = "SELECT COUNT(*) FROM case_offences WHERE case_id = ?";
static const char q_complaint[] = "SELECT COUNT(*) FROM complaints WHERE id = ?";
static const char q_complaint_audit[] =
	"SELECT COUNT(*) FROM audit_log WHERE action = 'complaint.create' AND object_id = ?";
static const char q_pv[] = "SELECT COUNT(*) FROM pvs WHERE id = ?";
static const char q_pv_audit[] = "SELECT COUNT(*) FROM audit_log WHERE action = 'pv.create' AND object_id = ?";
static const char q_person[] = "SELECT COUNT(*) FROM persons WHERE first_name_lat = ?";
static const char q_person_link[] =
	"SELECT COUNT(*) FROM case_persons cp JOIN persons p ON p.id = cp.person_id WHERE p.first_name_lat = ?";
static const char q_user[] = "SELECT COUNT(*) FROM users WHERE badge = ?";
static const char q_user_audit[] = "SELECT COUNT(*) FROM audit_log a JOIN users u ON u.id = a.object_id"
				   " WHERE a.action = 'user.create' AND u.badge = ?";
static const char q_max_seq[] = "SELECT COALESCE(MAX(seq), 0) FROM audit_log";
static const char q_orphan_cases[] =
	"SELECT COUNT(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM case_offences o WHERE o.case_id = c.id)"
	" OR NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'case.create' AND a.object_id = c.id)";
static const char q_orphan_complaints[] = "SELECT COUNT(*) FROM complaints c WHERE NOT EXISTS (SELECT 1 FROM audit_log a"
					  " WHERE a.action = 'complaint.create' AND a.object_id = c.id)";
static const char q_orphan_pvs[] = "SELECT COUNT(*) FROM pvs p WHERE NOT EXISTS (SELECT 1 FROM audit_log a"
				   " WHERE a.action = 'pv.create' AND a.object_id = p.id)";
static const char q_orphan_users[] = "SELECT COUNT(*) FROM users u WHERE u.badge LIKE 'crash-%' AND NOT EXISTS"
				     " (SELECT 1 FROM audit_log a WHERE a.action = 'user.create' AND a.object_id = u.id)";
static const char q_dup_numbers[] =
	"SELECT COUNT(*) FROM (SELECT number FROM cases GROUP BY number HAVING COUNT(*) > 1) d";
static const char q_rids[] = "SELECT request_id FROM audit_log WHERE seq > CAST(? AS BIGINT) AND request_id IS NOT NULL";

/* check_ack: the record is there with its audit entry. */
static int check_ack(const ack *a)
{
	long long n = -1, au = -1;
	if (strcmp(a->kind, "read") == 0)
		return 0; /* by request id only */
	if (strcmp(a->kind, "case") == 0) {
		n = q(q_case, a->id);
		au = q(q_case_audit, a->id);
		if (q(q_case_offences, a->id) != 2)
			n = -2;
	} else if (strcmp(a->kind, "complaint") == 0) {
		n = q(q_complaint, a->id);
		au = q(q_complaint_audit, a->id);
	} else if (strcmp(a->kind, "pv") == 0) {
		n = q(q_pv, a->id);
		au = q(q_pv_audit, a->id);
	} else if (strcmp(a->kind, "person") == 0) {
		n = q(q_person, a->id);
		au = q(q_person_link, a->id);
	} else {
		n = q(q_user, a->id);
		au = q(q_user_audit, a->id);
	}
	if (n != 1 || au != 1) {
		fprintf(stderr, "# LOST or half-written: %s %s (rows %lld, audit/link %lld)\n", a->kind, a->id, n, au);
		return 1;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* audited_since loads the request ids of the entries after seq, sorted. */
static char **audited_since(long long seq, size_t *n)
{
	*n = 0;
	size_t cap = 1024;
	char **ids = malloc(cap * sizeof *ids);
	db_conn *c;
	assert_int_equal(db_acquire(D, &c), SJ_OK);
	db_stmt *st;
	bool row;
	char num[32];
	snprintf(num, sizeof num, "%lld", seq);
	assert_int_equal(db_prepare(c, q_rids, &st), SJ_OK);
	assert_int_equal(db_bind_text(st, 1, num), SJ_OK);
	while (db_step(st, &row) == SJ_OK && row) {
		if (*n == cap) {
			cap *= 2;
			ids = realloc(ids, cap * sizeof *ids);
		}
		ids[(*n)++] = strdup(db_col_text(st, 0));
	}
	db_release(D, c);
	qsort(ids, *n, sizeof *ids, cmp_str);
	return ids;
}

static void kill9_rounds(void **st)
{
	(void)st;
	const char *e = getenv("SIJILL_CRASH_ROUNDS");
	int rounds = e ? atoi(e) : 20;
	int min_ms = getenv("SIJILL_CRASH_MIN_MS") ? atoi(getenv("SIJILL_CRASH_MIN_MS")) : 150;
	int max_ms = getenv("SIJILL_CRASH_MAX_MS") ? atoi(getenv("SIJILL_CRASH_MAX_MS")) : 700;
	if (max_ms <= min_ms)
		max_ms = min_ms + 1;
	unsigned seed = (unsigned)time(NULL);
	fprintf(stderr, "# crash rounds: %d, load %d..%d ms before kill -9, seed %u\n", rounds, min_ms, max_ms, seed);
	srand(seed);
	static writer ws[WRITERS + READERS];
	long long acked_writes = 0, acked_reads = 0;
	int lost = 0, unaudited = 0;
	for (int round = 0; round < rounds; round++) {
		volatile int stop = 0;
		pthread_t th[WRITERS + READERS];
		long long seq0 = q(q_max_seq, NULL);
		for (int i = 0; i < WRITERS + READERS; i++) {
			memset(&ws[i], 0, sizeof ws[i]);
			ws[i].idx = i;
			ws[i].round = round;
			ws[i].stop = &stop;
			pthread_create(&th[i], NULL, i < WRITERS ? write_load : read_load, &ws[i]);
		}
		usleep((useconds_t)(min_ms + rand() % (max_ms - min_ms)) * 1000);
		th_kill9(&S);
		stop = 1;
		for (int i = 0; i < WRITERS + READERS; i++)
			pthread_join(th[i], NULL);
		th_start_server(&S);
		size_t nids;
		char **ids = audited_since(seq0, &nids);
		int writes = 0, reads = 0, missing = 0;
		for (int i = 0; i < WRITERS + READERS; i++)
			for (int k = 0; k < ws[i].n; k++) {
				const ack *a = &ws[i].acks[k];
				lost += check_ack(a);
				const char *key = a->rid;
				if (!a->rid[0] || !bsearch(&key, ids, nids, sizeof *ids, cmp_str)) {
					fprintf(stderr, "# round %d: %s answered 2xx (request %s) has no audit entry\n", round,
						a->kind, a->rid);
					missing++;
				}
				if (strcmp(a->kind, "read") == 0)
					reads++;
				else
					writes++;
			}
		for (size_t i = 0; i < nids; i++)
			free(ids[i]);
		free(ids);
		unaudited += missing;
		acked_writes += writes;
		acked_reads += reads;
		/* no half-written record anywhere */
		long long orphan_cases = q(q_orphan_cases, NULL), orphan_complaints = q(q_orphan_complaints, NULL),
			  orphan_pvs = q(q_orphan_pvs, NULL), orphan_users = q(q_orphan_users, NULL),
			  dup_numbers = q(q_dup_numbers, NULL);
		char out[2048];
		const char *args[] = {"audit", "verify", NULL};
		int rc = th_cli(&S, out, sizeof out, args);
		if (rc)
			fprintf(stderr, "# round %d: audit verify failed: %s\n", round, out);
		if (orphan_cases || orphan_complaints || orphan_pvs || orphan_users || dup_numbers)
			fprintf(stderr, "# round %d: half-written: cases %lld complaints %lld pvs %lld users %lld dup numbers %lld\n",
				round, orphan_cases, orphan_complaints, orphan_pvs, orphan_users, dup_numbers);
		fprintf(stderr, "# round %d: %d acknowledged writes and %d audited reads, all present; audit chain intact\n",
			round, writes, reads);
		assert_int_equal(rc, 0);
		assert_int_equal(orphan_cases + orphan_complaints + orphan_pvs + orphan_users + dup_numbers, 0);
		assert_int_equal(lost, 0);
		assert_int_equal(unaudited, 0);
	}
	fprintf(stderr, "# crash: %d rounds survived, %lld acknowledged writes, %lld audited reads answered 2xx, "
		"%d lost, %d without their audit entry\n",
		rounds, acked_writes, acked_reads, lost, unaudited);
	assert_true(acked_writes > 0 && acked_reads > 0);
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
