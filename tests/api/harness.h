/* harness.h — black-box tests: start a real `sijill serve` on a random port
 * against a fresh database (SQLite file, or a new PostgreSQL database when
 * SIJILL_TEST_BACKEND=pg), and drive it over HTTP with libcurl.
 *
 * Environment: SIJILL_BIN (the binary), SIJILL_TEST_BACKEND (sqlite|pg),
 * SIJILL_TEST_PG_URI (admin URI of the test cluster), SIJILL_SOURCE_ROOT.
 */
#ifndef SJ_TEST_HARNESS_H
#define SJ_TEST_HARNESS_H

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct th_server {
	pid_t pid;
	int port;
	char dir[PATH_MAX];       /* scratch directory of this server */
	char db[PATH_MAX + 64];   /* the DB argument */
	char key[PATH_MAX + 32];  /* audit key path */
	char pgname[64];          /* PostgreSQL database name, "" for SQLite */
	bool pg;
	char clock_token[128];     /* machine token of demo-admin for the test clock */
	char conf[PATH_MAX + 32];  /* a configuration file passed with --config when set ("" none) */
	char threads[8];           /* --threads when set ("": 4) */
} th_server;

typedef struct th_resp {
	long status;
	char *body;               /* owned; NUL-terminated */
	size_t len;
	json_t *json;             /* parsed body or NULL */
	char ctype[128];
	char headers[8192];       /* raw response headers */
} th_resp;

/* th_setup creates the database (init --demo) and starts the server; aborts the
 * test program on failure. */
void th_setup(th_server *s);
/* th_start_server starts (or restarts) the server process on s's database. */
void th_start_server(th_server *s);
/* th_set_clock moves the server's clock to real time + offset_ms. */
void th_set_clock(th_server *s, long long offset_ms);
/* th_stop_server sends SIGTERM and returns the exit status (0 expected:
 * sanitizer reports make it non-zero). */
int th_stop_server(th_server *s);
/* th_kill9 kills the server without warning. */
void th_kill9(th_server *s);
/* th_teardown stops the server and drops the database; returns the exit status. */
int th_teardown(th_server *s);

/* th_request sends method path with an optional body (raw bytes) and headers
 * (NULL-terminated "Name: value" strings); token adds Authorization: Bearer. */
th_resp th_request(th_server *s, const char *method, const char *path, const char *token,
		   const char *body, size_t body_len, const char *const *headers);
/* th_json: request with a JSON body (Content-Type: application/json). */
th_resp th_json(th_server *s, const char *method, const char *path, const char *token, const char *body);
/* th_req: request with body as JSON (stolen; NULL: no body). */
th_resp th_req(th_server *s, const char *method, const char *path, const char *token, json_t *body);
/* th_expect asserts r's status, printing the body when it differs. */
void th_expect(const th_resp *r, long status);
/* th_json_matched: th_json with If-Match: the ETag of a GET of path just
 * before (edits of cases and draft PVs need it, issue 10 item 7). */
th_resp th_json_matched(th_server *s, const char *method, const char *path, const char *token, const char *body);
void th_resp_free(th_resp *r);
/* th_login returns a bearer token (malloc'd) for badge/demo-password, or aborts. */
char *th_login(th_server *s, const char *badge);
/* th_sql runs one statement directly on the server's database (tampering);
 * returns 0 on success. */
int th_sql(th_server *s, const char *sql);
/* th_sql_int runs a one-value query and returns it (-1 on error). */
long long th_sql_int(th_server *s, const char *sql);
/* th_cli runs `sijill ARGS...` on s's database; returns the exit status and
 * writes stdout+stderr to out (may be NULL). */
int th_cli(th_server *s, char *out, size_t outsz, const char *const *args);
/* th_cli_in is th_cli with stdin_text (may be NULL) on the command's stdin. */
int th_cli_in(th_server *s, const char *stdin_text, char *out, size_t outsz, const char *const *args);
/* th_str returns json member name of the response as a string or "". */
const char *th_str(const th_resp *r, const char *name);

/* A person of th_whole_case (the victim's cin, Arabic names and birth
 * date are not sent). */
typedef struct th_person {
	const char *cin, *last_lat, *first_lat, *last_ar, *first_ar, *birth_date, *sex;
} th_person;
/* th_whole_case makes on s, as officer, a flagrant case (CP-505) in the
 * officer's unit with suspect and victim, the suspect in custody and heard
 * in a PV that opj seals; case_id (may be NULL) receives the case's id. The
 * exchange's fixture (test_exchange, test_pull). Asserts every step. */
void th_whole_case(th_server *s, const char *officer, const char *opj, const th_person *suspect,
		   const th_person *victim, char case_id[64]);

#endif
