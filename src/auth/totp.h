/* totp.h — the second factor: TOTP (RFC 6238, 30-second steps, 6 digits)
 * computed by liboath; secrets are 20 random bytes shown once as base32. */
#ifndef SJ_TOTP_H
#define SJ_TOTP_H

#include <stdint.h>
#include "core/err.h"

#define TOTP_SECRET_BYTES 20
#define TOTP_B32_MAX 40        /* base32 of 20 bytes is 32 characters */
#define TOTP_STEP_S 30
#define TOTP_WINDOW 1          /* accept the previous and the next step too */

/* totp_new_secret writes a fresh base32 secret (NUL-terminated) into out. */
SJ_MUST_USE sj_err totp_new_secret(char out[TOTP_B32_MAX + 1]);
/* totp_check accepts code for the base32 secret at now_ms when it matches a
 * step within the window that is later than last_step (a code is used once);
 * *step_out receives the step that matched. SJ_EAUTH when it does not. */
SJ_MUST_USE sj_err totp_check(const char *secret_b32, const char *code, int64_t now_ms,
			      int64_t last_step, int64_t *step_out);
/* totp_code computes the code for a step (tests and enrolment checks). */
SJ_MUST_USE sj_err totp_code(const char *secret_b32, int64_t now_ms, char out[8]);

#endif
