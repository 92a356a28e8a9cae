/* key.c — the audit key (Ed25519, a seed file the database never sees) and
 * the signatures of signed heads. See audit.h and docs/internals/audit.md. */
#include "audit/audit_int.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"

static unsigned char audit_sk[crypto_sign_SECRETKEYBYTES];
static unsigned char audit_pk[crypto_sign_PUBLICKEYBYTES];
static char audit_key_id[17];
static bool audit_has_key;

bool audit_key_loaded(void) { return audit_has_key; }

static void key_from_seed(const unsigned char seed[crypto_sign_SEEDBYTES])
{
	crypto_sign_seed_keypair(audit_pk, audit_sk, seed);
	char hex[2 * crypto_sign_PUBLICKEYBYTES + 1];
	sodium_bin2hex(hex, sizeof hex, audit_pk, sizeof audit_pk);
	memcpy(audit_key_id, hex, 16);
	audit_key_id[16] = '\0';
	audit_has_key = true;
}

sj_err audit_key_load_or_create(const char *path, bool create)
{
	unsigned char seed[crypto_sign_SEEDBYTES];
	char hex[2 * crypto_sign_SEEDBYTES + 2];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT || !create)
			return SJ_EIO;
		randombytes_buf(seed, sizeof seed);
		sodium_bin2hex(hex, sizeof hex, seed, sizeof seed);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0)
			return SJ_EIO;
		size_t n = strlen(hex);
		hex[n] = '\n';
		bool ok = write(fd, hex, n + 1) == (ssize_t)(n + 1) && fsync(fd) == 0;
		close(fd);
		if (!ok)
			return SJ_EIO;
		key_from_seed(seed);
		sodium_memzero(seed, sizeof seed);
		sodium_memzero(hex, sizeof hex);
		aud_heads_set_path(path);
		/* A new key starts a new heads file: its first line is the signed
		 * genesis (seq 0, the zero head), so a file recreated later can be
		 * told from this one. An existing file is left alone. */
		if (!aud_heads_exists()) {
			audit_signed_head g = {.seq = 0, .at = clock_now_ms()};
			snprintf(g.kind, sizeof g.kind, "genesis");
			memcpy(g.head, aud_zero_head, sizeof g.head);
			aud_sign(&g);
			sj_err e = aud_heads_append(&g, 1, true);
			if (e)
				return e;
		}
		return SJ_OK;
	}
	ssize_t n = read(fd, hex, sizeof hex - 1);
	close(fd);
	if (n < 2 * crypto_sign_SEEDBYTES)
		return SJ_ECRYPTO;
	hex[n] = '\0';
	size_t bin_len = 0;
	if (sodium_hex2bin(seed, sizeof seed, hex, (size_t)n, "\n\r ", &bin_len, NULL) != 0 ||
	    bin_len != sizeof seed)
		return SJ_ECRYPTO;
	key_from_seed(seed);
	sodium_memzero(seed, sizeof seed);
	sodium_memzero(hex, sizeof hex);
	aud_heads_set_path(path);
	return SJ_OK;
}

/* head_message: what a signed head's signature covers. v2 names the time
 * and the kind, so neither can be changed either; v1 (kind "") is the form
 * of checkpoints written before them. */
static void head_message(const audit_signed_head *h, char *out, size_t outsz)
{
	if (h->kind[0])
		snprintf(out, outsz, "sijill-audit-v2|%lld|%s|%lld|%s", (long long)h->seq, h->head, (long long)h->at,
			 h->kind);
	else
		snprintf(out, outsz, "sijill-audit-v1|%lld|%s", (long long)h->seq, h->head);
}

void aud_sign(audit_signed_head *h)
{
	char msg[256];
	unsigned char sig[crypto_sign_BYTES];
	head_message(h, msg, sizeof msg);
	crypto_sign_detached(sig, NULL, (const unsigned char *)msg, strlen(msg), audit_sk);
	sodium_bin2hex(h->sig, sizeof h->sig, sig, sizeof sig);
	memcpy(h->key_id, audit_key_id, sizeof h->key_id);
}

bool aud_sig_ok(const audit_signed_head *h)
{
	char msg[256];
	unsigned char sig[crypto_sign_BYTES];
	size_t sl = 0;
	head_message(h, msg, sizeof msg);
	return sodium_hex2bin(sig, sizeof sig, h->sig, strlen(h->sig), NULL, &sl, NULL) == 0 && sl == sizeof sig &&
	       crypto_sign_verify_detached(sig, (const unsigned char *)msg, strlen(msg), audit_pk) == 0;
}


void audit_public_hex(char out[2 * crypto_sign_PUBLICKEYBYTES + 1])
{
	sodium_bin2hex(out, 2 * crypto_sign_PUBLICKEYBYTES + 1, audit_pk, sizeof audit_pk);
}

bool audit_head_verify(const audit_signed_head *h, const char *pub_hex)
{
	char msg[256];
	unsigned char sig[crypto_sign_BYTES], pk[crypto_sign_PUBLICKEYBYTES];
	size_t sl = 0, pl = 0;
	if (!pub_hex || sodium_hex2bin(pk, sizeof pk, pub_hex, strlen(pub_hex), NULL, &pl, NULL) != 0 || pl != sizeof pk)
		return false;
	head_message(h, msg, sizeof msg);
	return sodium_hex2bin(sig, sizeof sig, h->sig, strlen(h->sig), NULL, &sl, NULL) == 0 && sl == sizeof sig &&
	       crypto_sign_verify_detached(sig, (const unsigned char *)msg, strlen(msg), pk) == 0;
}
