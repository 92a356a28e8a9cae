/* search_bench.c — one engine, one data set, one set of queries with known
 * answers: p50/p99 latency, recall@10 overall and per query kind, and
 * memory. Built and driven by bench/search.sh.
 *
 * usage: search_bench sijill DB|URI QUERIES [LABEL]  sijill's person search (srch_persons),
 *                                                     on SQLite or PostgreSQL
 *        search_bench fts5 DB QUERIES                 SQLite FTS5 trigram over the same persons
 *        search_bench pgtrgm URI QUERIES              PostgreSQL pg_trgm similarity (table bench_people)
 *
 * QUERIES is JSON lines {"q","birth_date"?,"birth_year"?,"answer" (a CIN),
 * "kind","dir","expect"} (bench/gen_persons.py). Every engine gets the same
 * information: what was typed, the date of birth or the year when the
 * officer has one (used to rank, never as a filter). A query expecting
 * "person" is found when its answer is in the top 10 (and the engine did not
 * call it too broad); one expecting "broad" when the engine says it is too
 * broad (only sijill can: the trigram engines always list 10).
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
	char *q, *bd, *answer, *kind, *dir;
	int year;
	bool broad;        /* expected: too broad */
} q;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* the CPU time of this process: what a query costs sijill on SQLite (in
 * this process), whatever else the machine is running */
static double cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
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
		const char *bd = json_string_value(json_object_get(j, "birth_date"));
		const char *dir = json_string_value(json_object_get(j, "dir"));
		const char *ex = json_string_value(json_object_get(j, "expect"));
		qs[n].q = strdup(json_string_value(json_object_get(j, "q")));
		qs[n].bd = bd ? strdup(bd) : NULL;
		qs[n].answer = strdup(json_string_value(json_object_get(j, "answer")));
		qs[n].kind = strdup(json_string_value(json_object_get(j, "kind")));
		qs[n].dir = strdup(dir ? dir : "");
		qs[n].year = (int)json_integer_value(json_object_get(j, "birth_year"));
		qs[n].broad = ex && strcmp(ex, "broad") == 0;
		json_decref(j);
		n++;
	}
	fclose(f);
	return n;
}

/* one engine answers one query with up to TOPK CINs; *broad when it says
 * the query is too broad */
typedef int (*engine_fn)(void *ctx, const q *qq, char out[TOPK][24], bool *broad);

static int run_sijill(void *ctx, const q *qq, char out[TOPK][24], bool *broad)
{
	db_conn *c = ctx;
	srch_query sq = {.q = qq->q, .birth_date = qq->bd, .birth_year = qq->year, .limit = TOPK};
	json_t *ans = NULL;
	if (db_begin(c, DB_READ))
		return -1;
	sj_err e = srch_persons(c, &sq, &ans);
	db_rollback(c);
	if (e)
		return -1;
	int n = 0;
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(ans, "results"), i, r) {
		const char *cin = json_string_value(json_object_get(r, "cin"));
		if (n < TOPK)
			snprintf(out[n++], 24, "%s", cin ? cin : "");
	}
	*broad = json_object_get(ans, "too_broad") != NULL;
	json_decref(ans);
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

static int run_fts5(void *ctx, const q *qq, char out[TOPK][24], bool *broad)
{
	*broad = false;
	sqlite3 *db = ctx;
	static sqlite3_stmt *st;
	if (!st &&
	    sqlite3_prepare_v2(db,
			       "SELECT cin FROM bench_fts WHERE bench_fts MATCH ?1"
			       " ORDER BY (birth_date = ?2) DESC, (substr(birth_date, 1, 4) = ?3) DESC,"
			       " bm25(bench_fts) LIMIT 10",
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
	char year[8];
	snprintf(year, sizeof year, "%04d", qq->year);
	sqlite3_bind_text(st, 3, qq->year ? year : NULL, -1, SQLITE_TRANSIENT);
	int n = 0;
	while (sqlite3_step(st) == SQLITE_ROW && n < TOPK)
		snprintf(out[n++], 24, "%s", (const char *)sqlite3_column_text(st, 0));
	return n;
}

static int run_pg(void *ctx, const q *qq, char out[TOPK][24], bool *broad)
{
	*broad = false;
	PGconn *pg = ctx;
	char year[8];
	snprintf(year, sizeof year, "%04d", qq->year);
	const char *params[3] = {qq->q, qq->bd, qq->year ? year : NULL};
	PGresult *r = PQexecPrepared(pg, "s", 3, params, NULL, NULL, 0);
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

#define MAXKINDS 32

typedef struct tally {
	char name[24];
	int n, found;
	double *lat;
} tally;

static tally *tally_of(tally *t, int *nt, const char *name, int nq)
{
	for (int i = 0; i < *nt; i++)
		if (strcmp(t[i].name, name) == 0)
			return &t[i];
	if (*nt == MAXKINDS)
		return NULL;
	tally *x = &t[(*nt)++];
	memset(x, 0, sizeof *x);
	snprintf(x->name, sizeof x->name, "%s", name);
	x->lat = calloc((size_t)nq, sizeof *x->lat);
	return x;
}

static void print_tallies(const char *label, tally *t, int nt)
{
	printf(",\"%s\":{", label);
	for (int i = 0; i < nt; i++) {
		qsort(t[i].lat, (size_t)t[i].n, sizeof *t[i].lat, cmpd);
		printf("%s\"%s\":{\"n\":%d,\"found\":%d,\"recall\":%.4f,\"p50_ms\":%.3f,\"p99_ms\":%.3f}", i ? "," : "",
		       t[i].name, t[i].n, t[i].found, t[i].n ? (double)t[i].found / t[i].n : 0,
		       t[i].n ? t[i].lat[t[i].n / 2] : 0, t[i].n ? t[i].lat[(int)(t[i].n * 0.99)] : 0);
		free(t[i].lat);
	}
	printf("}");
}

int main(int argc, char **argv)
{
	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: search_bench sijill|fts5|pgtrgm DB QUERIES [LABEL]\n");
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
	const char *name = argv[1], *label = argc == 5 ? argv[4] : argv[1];
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
					" ORDER BY (birth_date = $2) DESC, (left(birth_date, 4) = $3) DESC,"
					" similarity(name, $1) DESC LIMIT 10",
					3, NULL);
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
	bool broad;
	for (int i = 0; i < nq / 10; i++)
		fn(ctx, &qs[i], out, &broad);
	double *lat = calloc((size_t)nq, sizeof *lat), *cpu = calloc((size_t)nq, sizeof *cpu);
	int found = 0, errors = 0;
	/* BENCH_DUMP=FILE: each query's answer on one line (the CINs in order,
	 * or "too broad"), to compare two databases' answers */
	FILE *dump = getenv("BENCH_DUMP") ? fopen(getenv("BENCH_DUMP"), "w") : NULL;
	tally kinds[MAXKINDS], dirs[MAXKINDS];
	int nk = 0, nd = 0;
	for (int i = 0; i < nq; i++) {
		double t = now_ms(), tc = cpu_ms();
		broad = false;
		int n = fn(ctx, &qs[i], out, &broad);
		lat[i] = now_ms() - t;
		cpu[i] = cpu_ms() - tc;
		if (n < 0) {
			errors++;
			n = 0;
		}
		bool hit = false;
		if (qs[i].broad) {
			hit = broad;
		} else {
			for (int k = 0; k < n && !hit && !broad; k++)
				hit = strcmp(out[k], qs[i].answer) == 0;
		}
		if (getenv("BENCH_SLOW") && cpu[i] > atof(getenv("BENCH_SLOW")))
			fprintf(stderr, "slow %.2f ms (cpu %.2f ms) %s [%s] %s bd=%s y=%d\n", lat[i], cpu[i], qs[i].kind,
				qs[i].dir, qs[i].q, qs[i].bd ? qs[i].bd : "-", qs[i].year);
		if (getenv("BENCH_MISSES") && !hit)
			fprintf(stderr, "miss %s [%s] %s bd=%s y=%d: %s\n", qs[i].kind, qs[i].dir, qs[i].q,
				qs[i].bd ? qs[i].bd : "-", qs[i].year, broad ? "too broad" : qs[i].answer);
		found += hit;
		if (dump) {
			if (broad)
				fputs("too broad", dump);
			for (int k = 0; k < n && !broad; k++)
				fprintf(dump, "%s%s", k ? " " : "", out[k]);
			fputc('\n', dump);
		}
		tally *k = tally_of(kinds, &nk, qs[i].kind, nq);
		if (k) {
			k->lat[k->n++] = lat[i];
			k->found += hit;
		}
		if (strcmp(qs[i].kind, "name+dob") == 0 && (k = tally_of(dirs, &nd, qs[i].dir, nq))) {
			k->lat[k->n++] = lat[i];
			k->found += hit;
		}
	}
	if (dump)
		fclose(dump);
	qsort(lat, (size_t)nq, sizeof *lat, cmpd);
	qsort(cpu, (size_t)nq, sizeof *cpu, cmpd);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("{\"engine\":\"%s\",\"queries\":%d,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"cpu_p50_ms\":%.3f,"
	       "\"cpu_p99_ms\":%.3f,\"recall_at_10\":%.4f,\"errors\":%d,\"max_rss_kb\":%ld",
	       label, nq, lat[nq / 2], lat[(int)(nq * 0.99)], cpu[nq / 2], cpu[(int)(nq * 0.99)], (double)found / nq,
	       errors, ru.ru_maxrss);
	print_tallies("by_kind", kinds, nk);
	print_tallies("name_dob_by_dir", dirs, nd);
	printf("}\n");
	free(lat);
	free(cpu);
	for (int i = 0; i < nq; i++) {
		free(qs[i].q);
		free(qs[i].bd);
		free(qs[i].answer);
		free(qs[i].kind);
		free(qs[i].dir);
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
