/* search_bench.c — one engine, one data set, one set of queries with known
 * answers: p50/p99 latency, recall@10 (overall and per query kind) and
 * memory. Built and driven by bench/search.sh.
 *
 * usage: search_bench sijill DB QUERIES     sijill's person search (srch_persons)
 *        search_bench fts5 DB QUERIES       SQLite FTS5 trigram over the same persons
 *        search_bench pgtrgm URI QUERIES    PostgreSQL pg_trgm similarity (table bench_people)
 *
 * QUERIES is JSON lines {"q","birth_date","answer" (a CIN),"kind"}. Every
 * engine gets the same information: the typed name and the date of birth
 * (used to rank, never as a filter).
 */
#include <jansson.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "db/db.h"
#include "search/search.h"
#include "text/norm.h"

#define MAXQ 100000
#define TOPK 10

typedef struct q {
	char *q, *bd, *answer, *kind;
} q;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int load(const char *path, q *qs)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[4096];
	int n = 0;
	while (n < MAXQ && fgets(line, sizeof line, f)) {
		json_t *j = json_loads(line, 0, NULL);
		if (!j)
			continue;
		qs[n].q = strdup(json_string_value(json_object_get(j, "q")));
		qs[n].bd = strdup(json_string_value(json_object_get(j, "birth_date")));
		qs[n].answer = strdup(json_string_value(json_object_get(j, "answer")));
		qs[n].kind = strdup(json_string_value(json_object_get(j, "kind")));
		json_decref(j);
		n++;
	}
	fclose(f);
	return n;
}

/* one engine answers one query with up to TOPK CINs */
typedef int (*engine_fn)(void *ctx, const q *qq, char out[TOPK][24]);

static int run_sijill(void *ctx, const q *qq, char out[TOPK][24])
{
	db_conn *c = ctx;
	srch_query sq = {.q = qq->q, .birth_date = qq->bd, .limit = TOPK};
	json_t *res = NULL;
	if (db_begin(c, DB_READ))
		return -1;
	sj_err e = srch_persons(c, &sq, &res);
	db_rollback(c);
	if (e)
		return -1;
	int n = 0;
	size_t i;
	json_t *r;
	json_array_foreach(res, i, r) {
		const char *cin = json_string_value(json_object_get(r, "cin"));
		if (n < TOPK)
			snprintf(out[n++], 24, "%s", cin ? cin : "");
	}
	json_decref(res);
	return n;
}

/* FTS5 trigram: the query's trigrams ORed (what a trigram engine can do
 * across spellings), ranked by date of birth then bm25. */
static int trigram_or(const char *text, char *out, size_t outsz)
{
	buf b;
	buf_init(&b, 4096);
	if (txt_normalize(text, &b)) {
		buf_free(&b);
		return -1;
	}
	const char *s = buf_str(&b);
	size_t n = strlen(s), o = 0;
	int count = 0;
	out[0] = '\0';
	/* trigrams over UTF-8 characters */
	size_t starts[512];
	size_t ns = 0;
	for (size_t i = 0; i < n && ns < 511; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			starts[ns++] = i;
	starts[ns] = n;
	for (size_t i = 0; i + 3 <= ns; i++) {
		size_t a = starts[i], z = starts[i + 3];
		if (memchr(s + a, ' ', z - a))
			continue;
		int w = snprintf(out + o, outsz - o, "%s\"%.*s\"", count ? " OR " : "", (int)(z - a), s + a);
		if (w < 0 || (size_t)w >= outsz - o)
			break;
		o += (size_t)w;
		count++;
	}
	buf_free(&b);
	return count;
}

static int run_fts5(void *ctx, const q *qq, char out[TOPK][24])
{
	sqlite3 *db = ctx;
	static sqlite3_stmt *st;
	if (!st &&
	    sqlite3_prepare_v2(db,
			       "SELECT cin FROM bench_fts WHERE bench_fts MATCH ?1"
			       " ORDER BY (birth_date = ?2) DESC, bm25(bench_fts) LIMIT 10",
			       -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "fts5: %s\n", sqlite3_errmsg(db));
		return -1;
	}
	char m[8192];
	if (trigram_or(qq->q, m, sizeof m) <= 0)
		return 0;
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, m, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, qq->bd, -1, SQLITE_TRANSIENT);
	int n = 0;
	while (sqlite3_step(st) == SQLITE_ROW && n < TOPK)
		snprintf(out[n++], 24, "%s", (const char *)sqlite3_column_text(st, 0));
	return n;
}

static int run_pg(void *ctx, const q *qq, char out[TOPK][24])
{
	PGconn *pg = ctx;
	const char *params[2] = {qq->q, qq->bd};
	PGresult *r = PQexecPrepared(pg, "s", 2, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "pg: %s\n", PQerrorMessage(pg));
		PQclear(r);
		return -1;
	}
	int n = PQntuples(r) < TOPK ? PQntuples(r) : TOPK;
	for (int i = 0; i < n; i++)
		snprintf(out[i], 24, "%s", PQgetvalue(r, i, 0));
	PQclear(r);
	return n;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: search_bench sijill|fts5|pgtrgm DB QUERIES\n");
		return 2;
	}
	static q qs[MAXQ];
	int nq = load(argv[3], qs);
	if (nq <= 0) {
		fprintf(stderr, "no queries in %s\n", argv[3]);
		return 1;
	}
	engine_fn fn = NULL;
	void *ctx = NULL;
	db *d = NULL;
	db_conn *c = NULL;
	sqlite3 *lite = NULL;
	PGconn *pg = NULL;
	const char *name = argv[1];
	if (strcmp(name, "sijill") == 0) {
		if (db_open(argv[2], 1, &d) || db_acquire(d, &c))
			return 1;
		fn = run_sijill;
		ctx = c;
	} else if (strcmp(name, "fts5") == 0) {
		if (sqlite3_open_v2(argv[2], &lite, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
			return 1;
		fn = run_fts5;
		ctx = lite;
	} else if (strcmp(name, "pgtrgm") == 0) {
		pg = PQconnectdb(argv[2]);
		if (PQstatus(pg) != CONNECTION_OK) {
			fprintf(stderr, "pg: %s\n", PQerrorMessage(pg));
			return 1;
		}
		PQclear(PQexec(pg, "SET pg_trgm.similarity_threshold = 0.3"));
		PGresult *r = PQprepare(pg, "s",
					"SELECT cin FROM bench_people WHERE name % $1"
					" ORDER BY (birth_date = $2) DESC, similarity(name, $1) DESC LIMIT 10",
					2, NULL);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			fprintf(stderr, "pg: %s\n", PQerrorMessage(pg));
			return 1;
		}
		PQclear(r);
		fn = run_pg;
		ctx = pg;
	} else {
		fprintf(stderr, "unknown engine %s\n", name);
		return 2;
	}
	/* warm-up: a tenth of the queries, not timed */
	char out[TOPK][24];
	for (int i = 0; i < nq / 10; i++)
		fn(ctx, &qs[i], out);
	double *lat = calloc((size_t)nq, sizeof *lat);
	int found = 0, errors = 0;
	const char *kinds[] = {"lat->lat", "lat->ar", "lat->both", "ar->lat", "ar->both"};
	int kn[5] = {0}, kf[5] = {0};
	for (int i = 0; i < nq; i++) {
		double t = now_ms();
		int n = fn(ctx, &qs[i], out);
		lat[i] = now_ms() - t;
		if (n < 0) {
			errors++;
			n = 0;
		}
		bool hit = false;
		for (int k = 0; k < n && !hit; k++)
			hit = strcmp(out[k], qs[i].answer) == 0;
		found += hit;
		for (int k = 0; k < 5; k++)
			if (strcmp(qs[i].kind, kinds[k]) == 0) {
				kn[k]++;
				kf[k] += hit;
			}
	}
	qsort(lat, (size_t)nq, sizeof *lat, cmpd);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	int cross_n = kn[1] + kn[3], cross_f = kf[1] + kf[3];
	printf("{\"engine\":\"%s\",\"queries\":%d,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"recall_at_10\":%.4f,"
	       "\"cross_script_recall\":%.4f,\"cross_script_found\":\"%d/%d\",\"errors\":%d,\"max_rss_kb\":%ld,\"by_kind\":{",
	       name, nq, lat[nq / 2], lat[(int)(nq * 0.99)], (double)found / nq,
	       cross_n ? (double)cross_f / cross_n : 0, cross_f, cross_n, errors, ru.ru_maxrss);
	for (int k = 0; k < 5; k++)
		printf("%s\"%s\":\"%d/%d\"", k ? "," : "", kinds[k], kf[k], kn[k]);
	printf("}}\n");
	free(lat);
	for (int i = 0; i < nq; i++) {
		free(qs[i].q);
		free(qs[i].bd);
		free(qs[i].answer);
		free(qs[i].kind);
	}
	if (c)
		db_release(d, c);
	db_close(d);
	if (lite)
		sqlite3_close(lite);
	if (pg)
		PQfinish(pg);
	return 0;
}
