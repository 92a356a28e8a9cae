/* fixture.c — the in-process application the route fuzzers drive: see fuzz.h. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "cases/pv.h"
#include "cli/cli.h"
#include "core/clock.h"
#include "core/log.h"

static app *A;
static char dir[64];
static char tokens[FZ_NPRINCIPALS][128];
static char csrfs[FZ_NPRINCIPALS][128];
static char fixtures[4][64];
static const char *const badges[FZ_NPRINCIPALS] = {"demo-admin", "demo-chief", "demo-opj", "demo-officer",
						    "demo-officer2", "demo-analyst", "demo-auditor", NULL};

static void die(const char *what)
{
	fprintf(stderr, "fuzz fixture: %s\n", what);
	abort();
}

void fz_close(void)
{
	if (!A)
		return;
	db_close(A->db);
	free(A);
	A = NULL;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz fixture: could not remove %s\n", dir);
}

static void at_exit(void)
{
	fz_close();
}

/* call runs one request and returns the parsed JSON reply (new reference). */
static json_t *call(const char *method, const char *target, const char *token, const char *body, int want)
{
	char auth[200];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", token ? token : "");
	const char *h[] = {"Content-Type: application/json", token ? auth : NULL, NULL};
	http_req *r = http_req_fake(method, target, h, body, body ? strlen(body) : 0, "127.0.0.2");
	if (!r)
		die("out of memory");
	int st = http_req_fake_run(r, app_dispatch, A);
	size_t n;
	const char *out = http_req_fake_reply(r, &n, NULL);
	if (st != want) {
		fprintf(stderr, "fuzz fixture: %s %s -> %d %s\n", method, target, st, out);
		die("set-up request failed");
	}
	json_t *j = json_loadb(out, n, 0, NULL);
	http_req_fake_free(r);
	return j;
}

static void id_of(json_t *j, char *out)
{
	const char *s = json_string_value(json_object_get(j, "id"));
	snprintf(out, 64, "%s", s ? s : "");
	json_decref(j);
}

app *fz_app(void)
{
	if (A)
		return A;
	log_set_quiet(1);
	/* as main does: legal time before anything (tzset's one-time state is
	 * not a leak of the first request that reads a legal date) */
	if (clock_legal_init())
		die("clock_legal_init (tzdata)");
	struct tm tm0;
	clock_legal_tm(0, &tm0);
	if (!getenv("SIJILL_DATA"))
		setenv("SIJILL_DATA", SIJILL_SOURCE_ROOT "/data", 1);
	snprintf(dir, sizeof dir, "/tmp/sijill-fuzz-XXXXXX");
	if (!mkdtemp(dir))
		die("mkdtemp");
	char dbp[128], key[128], pvk[160];
	snprintf(dbp, sizeof dbp, "%s/f.db", dir);
	snprintf(key, sizeof key, "%s/audit.key", dir);
	snprintf(pvk, sizeof pvk, "%s.pv-wrap", key);
	char *argv[] = {"init", "--db", dbp, "--demo", "--audit-key", key, NULL};
	/* init prints its summary on stdout: keep TAP output clean */
	fflush(stdout);
	int saved = dup(1);
	FILE *devnull = fopen("/dev/null", "w");
	if (devnull)
		dup2(fileno(devnull), 1);
	int rc = cli_init(6, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	if (devnull)
		fclose(devnull);
	if (rc != 0)
		die("sijill init failed");
	if (audit_key_load_or_create(key, false) || pv_key_load_or_create(pvk, true))
		die("keys");
	A = calloc(1, sizeof *A);
	if (!A)
		die("calloc");
	snprintf(A->webroot, sizeof A->webroot, "%s", dir);
	snprintf(A->data_dir, sizeof A->data_dir, "%s", getenv("SIJILL_DATA"));
	A->started_ms = clock_now_ms();
	A->db = cli_open_db(dbp, 2);
	if (!A->db)
		die("open");
	atexit(at_exit);
	for (int i = 0; i < FZ_NPRINCIPALS; i++) {
		if (!badges[i])
			continue;
		char body[160];
		snprintf(body, sizeof body, "{\"badge\":\"%s\",\"password\":\"demo-password\"}", badges[i]);
		json_t *j = call("POST", "/api/v1/session", NULL, body, 200);
		snprintf(tokens[i], sizeof tokens[i], "%s", json_string_value(json_object_get(j, "token")));
		snprintf(csrfs[i], sizeof csrfs[i], "%s", json_string_value(json_object_get(j, "csrf")));
		json_decref(j);
	}
	const char *off = tokens[FZ_OFFICER];
	id_of(call("POST", "/api/v1/cases", off,
		   "{\"frame\":\"flagrant\",\"offences\":[{\"code\":\"CP-505\"}],\"summary\":\"Fuzz: affaire\",\"opj\":\"demo-opj\"}",
		   201), fixtures[0]);
	char path[160];
	snprintf(path, sizeof path, "/api/v1/cases/%s/persons", fixtures[0]);
	json_t *p = call("POST", path, off,
			 "{\"role\":\"suspect\",\"person\":{\"cin\":\"BK100200\",\"last_name_lat\":\"Tahiri\",\"first_name_lat\":\"Said\"}}",
			 201);
	json_decref(p);
	snprintf(path, sizeof path, "/api/v1/cases/%s", fixtures[0]);
	json_t *c = call("GET", path, off, NULL, 200);
	snprintf(fixtures[1], 64, "%s",
		 json_string_value(json_object_get(json_array_get(json_object_get(c, "persons"), 0), "person_id")));
	json_decref(c);
	id_of(call("POST", "/api/v1/complaints", off,
		   "{\"complainant\":{\"cin\":\"BH100300\",\"last_name_lat\":\"Bennis\"},\"facts\":\"Vol (fuzz).\"}", 201),
	      fixtures[2]);
	snprintf(path, sizeof path, "/api/v1/cases/%s/pvs", fixtures[0]);
	char pvb[256];
	snprintf(pvb, sizeof pvb,
		 "{\"type\":\"hearing_suspect\",\"person_id\":\"%s\",\"statements\":\"x\",\"read_back\":true,\"signature\":\"signed\"}",
		 fixtures[1]);
	id_of(call("POST", path, off, pvb, 201), fixtures[3]);
	return A;
}

const char *fz_token(int i)
{
	return i >= 0 && i < FZ_NPRINCIPALS && tokens[i][0] ? tokens[i] : NULL;
}

const char *fz_csrf(int i)
{
	return i >= 0 && i < FZ_NPRINCIPALS ? csrfs[i] : "";
}

const char *fz_fixture_id(unsigned k)
{
	return fixtures[k % 4];
}

int fz_request(const char *method, const char *target, const char *const *headers, const void *body, size_t len)
{
	app *a = fz_app();
	http_req *r = http_req_fake(method, target, headers, body, len, "127.0.0.3");
	if (!r)
		return 0;
	int st = http_req_fake_run(r, app_dispatch, a);
	size_t n;
	const char *ct;
	const char *out = http_req_fake_reply(r, &n, &ct);
	if (getenv("SIJILL_FUZZ_VERBOSE"))
		fprintf(stderr, "%s %s -> %d %.*s\n", method, target, st, (int)(n > 160 ? 160 : n), out);
	if (st < 200 || st >= 500) {
		fprintf(stderr, "fuzz: %s %s answered %d: %.*s\n", method, target, st, (int)(n > 2000 ? 2000 : n), out);
		abort();
	}
	if (st >= 400) {
		json_t *j = json_loadb(out, n, 0, NULL);
		if (!strstr(ct, "application/problem+json") || !json_is_object(j) ||
		    json_integer_value(json_object_get(j, "status")) != st ||
		    !json_is_string(json_object_get(j, "code"))) {
			fprintf(stderr, "fuzz: %s %s answered %d without a problem document: %s %.*s\n", method, target,
				st, ct, (int)(n > 2000 ? 2000 : n), out);
			abort();
		}
		json_decref(j);
	}
	http_req_fake_free(r);
	return st;
}
