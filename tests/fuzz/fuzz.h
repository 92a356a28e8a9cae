/* fuzz.h — what every fuzz target provides, and the shared in-process fixture.
 *
 * Each target file defines LLVMFuzzerTestOneInput. Built with clang and
 * -fsanitize=fuzzer (meson -Dfuzz=true, tests/fuzz/run.sh) it is a libFuzzer
 * binary; built with gcc and replay.c it replays its corpus
 * (tests/fuzz/corpus/<target>/) as a TAP test under `make test`. */
#ifndef SJ_FUZZ_H
#define SJ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "app/app.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The principals of the fixture, in the order of fz_token. */
enum { FZ_ADMIN, FZ_CHIEF, FZ_OPJ, FZ_OFFICER, FZ_OFFICER2, FZ_ANALYST, FZ_AUDITOR, FZ_ANON, FZ_NPRINCIPALS };

/* fz_app returns the process-wide application on a SQLite database made like
 * `sijill init --demo` in a temporary directory (created on first call,
 * removed at exit), with the demo users logged in and a case, a person, a
 * complaint and a PV of AR-CASA-OULFA as fixtures. Aborts on failure. */
app *fz_app(void);
/* fz_close closes the database, frees the application and removes the
 * directory (also done at exit); NULL-safe, idempotent. */
void fz_close(void);
/* fz_token returns the bearer token of principal i (NULL for FZ_ANON), and
 * fz_csrf its CSRF token. */
const char *fz_token(int i);
const char *fz_csrf(int i);
/* fz_fixture_id returns the id of fixture k (k modulo their count). */
const char *fz_fixture_id(unsigned k);
/* fz_request runs one in-process request and checks the reply's contract:
 * a status 200..499 (any 5xx aborts: bad input must never be a server
 * error), and a 4xx carries an application/problem+json body whose "status"
 * equals the status. Returns the status. */
int fz_request(const char *method, const char *target, const char *const *headers, const void *body, size_t len);

#endif
