#include "auth/totp.h"

#include <oath.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t totp_once = PTHREAD_ONCE_INIT;
static int totp_ready;

static void totp_init(void)
{
	totp_ready = oath_init() == OATH_OK;
}

sj_err totp_new_secret(char out[TOTP_B32_MAX + 1])
{
	pthread_once(&totp_once, totp_init);
	if (!totp_ready)
		return SJ_ECRYPTO;
	char raw[TOTP_SECRET_BYTES];
	randombytes_buf(raw, sizeof raw);
	char *b32 = NULL;
	size_t len = 0;
	int rc = oath_base32_encode(raw, sizeof raw, &b32, &len);
	sodium_memzero(raw, sizeof raw);
	if (rc != OATH_OK || !b32 || len > TOTP_B32_MAX) {
		free(b32);
		return SJ_ECRYPTO;
	}
	memcpy(out, b32, len);
	out[len] = '\0';
	sodium_memzero(b32, len);
	free(b32);
	return SJ_OK;
}

static sj_err decode(const char *secret_b32, char **raw, size_t *rawlen)
{
	pthread_once(&totp_once, totp_init);
	if (!totp_ready || !secret_b32)
		return SJ_ECRYPTO;
	if (oath_base32_decode(secret_b32, strlen(secret_b32), raw, rawlen) != OATH_OK)
		return SJ_ECRYPTO;
	return SJ_OK;
}

sj_err totp_check(const char *secret_b32, const char *code, int64_t now_ms, int64_t last_step,
		  int64_t *step_out)
{
	*step_out = 0;
	if (!code || strlen(code) != 6 || strspn(code, "0123456789") != 6)
		return SJ_EAUTH;
	char *raw = NULL;
	size_t rawlen = 0;
	sj_err e = decode(secret_b32, &raw, &rawlen);
	if (e)
		return e;
	int pos = 0;
	time_t now = (time_t)(now_ms / 1000);
	int rc = oath_totp_validate2(raw, rawlen, now, TOTP_STEP_S, 0, TOTP_WINDOW, &pos, code);
	sodium_memzero(raw, rawlen);
	free(raw);
	if (rc < 0)
		return SJ_EAUTH;
	int64_t step = now / TOTP_STEP_S + pos;
	if (step <= last_step)
		return SJ_EAUTH; /* replayed */
	*step_out = step;
	return SJ_OK;
}

sj_err totp_code(const char *secret_b32, int64_t now_ms, char out[8])
{
	char *raw = NULL;
	size_t rawlen = 0;
	sj_err e = decode(secret_b32, &raw, &rawlen);
	if (e)
		return e;
	int rc = oath_totp_generate(raw, rawlen, (time_t)(now_ms / 1000), TOTP_STEP_S, 0, 6, out);
	sodium_memzero(raw, rawlen);
	free(raw);
	return rc == OATH_OK ? SJ_OK : SJ_ECRYPTO;
}
