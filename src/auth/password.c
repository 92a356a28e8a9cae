#include "auth/password.h"

#include <pthread.h>
#include <string.h>

#include "core/limits.h"

static pthread_mutex_t pw_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pw_cond = PTHREAD_COND_INITIALIZER;
static int pw_running;

static void slot_take(void)
{
	pthread_mutex_lock(&pw_lock);
	while (pw_running >= SJ_HASH_CONCURRENCY)
		pthread_cond_wait(&pw_cond, &pw_lock);
	pw_running++;
	pthread_mutex_unlock(&pw_lock);
}

static void slot_give(void)
{
	pthread_mutex_lock(&pw_lock);
	pw_running--;
	pthread_cond_signal(&pw_cond);
	pthread_mutex_unlock(&pw_lock);
}

sj_err pw_hash(const char *pw, char out[PW_HASH_MAX])
{
	slot_take();
	int rc = crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
				   crypto_pwhash_MEMLIMIT_INTERACTIVE);
	slot_give();
	return rc == 0 ? SJ_OK : SJ_ENOMEM;
}

/* A fixed hash of a random string, made once, for unknown users. */
static char dummy[PW_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
	char pw[32];
	randombytes_buf(pw, sizeof pw - 1);
	for (size_t i = 0; i < sizeof pw - 1; i++)
		pw[i] = (char)('a' + (unsigned char)pw[i] % 26);
	pw[sizeof pw - 1] = '\0';
	if (crypto_pwhash_str(dummy, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		dummy[0] = '\0';
}

bool pw_verify(const char *hash, const char *pw)
{
	if (!hash) {
		pthread_once(&dummy_once, make_dummy);
		slot_take();
		int rc = crypto_pwhash_str_verify(dummy, pw, strlen(pw));
		(void)rc; /* the time spent is the point, not the answer */
		slot_give();
		return false;
	}
	slot_take();
	int rc = crypto_pwhash_str_verify(hash, pw, strlen(pw));
	slot_give();
	return rc == 0;
}

const char *pw_weakness(const char *pw)
{
	size_t n = strlen(pw);
	if (n < SJ_MIN_PASSWORD)
		return "too-short";
	if (n > SJ_MAX_PASSWORD)
		return "too-long";
	bool same = true;
	for (size_t i = 1; i < n; i++)
		if (pw[i] != pw[0])
			same = false;
	if (same)
		return "too-weak";
	return NULL;
}
