/* password.h — argon2id password hashing (libsodium), with at most
 * SJ_HASH_CONCURRENCY hashes running at once so a login burst cannot exhaust
 * memory (each hash takes crypto_pwhash_MEMLIMIT_INTERACTIVE, 64 MiB). */
#ifndef SJ_PASSWORD_H
#define SJ_PASSWORD_H

#include <sodium.h>
#include <stdbool.h>
#include "core/err.h"

#define PW_HASH_MAX crypto_pwhash_STRBYTES

/* pw_hash writes the encoded argon2id hash of pw into out. */
SJ_MUST_USE sj_err pw_hash(const char *pw, char out[PW_HASH_MAX]);
/* pw_verify returns true when pw matches hash. A NULL hash still spends the
 * same time (against a fixed dummy), so unknown badges are not revealed. */
bool pw_verify(const char *hash, const char *pw);
/* pw_acceptable checks length and that it is not trivially weak; returns a
 * static reason code ("too-short", "too-long", ...) or NULL when acceptable. */
const char *pw_weakness(const char *pw);

#endif
