/* keys.c — the installation's exchange key and a node's join file, both
 * files beside the audit key (never in the database; exchange.h). */
#include "exchange/exchange.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned char g_sk[crypto_sign_SECRETKEYBYTES];
static unsigned char g_pk[crypto_sign_PUBLICKEYBYTES];
static bool g_loaded;
static char g_base[PATH_MAX];

/* write_file puts text at path through a temporary of this process's own:
 * replace (the join file) renames it over path; otherwise (a key) it is
 * linked to path only if path does not exist yet, so two servers starting
 * together on one audit key create one key and both read it (SJ_ECONFLICT
 * tells the loser to read). */
static sj_err write_file(const char *path, const char *text, bool replace)
{
	char tmp[PATH_MAX + 32];
	snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return SJ_EIO;
	size_t n = strlen(text);
	bool ok = write(fd, text, n) == (ssize_t)n && fsync(fd) == 0;
	close(fd);
	sj_err e = SJ_OK;
	if (!ok)
		e = SJ_EIO;
	else if (replace)
		e = rename(tmp, path) == 0 ? SJ_OK : SJ_EIO;
	else if (link(tmp, path) != 0)
		e = errno == EEXIST ? SJ_ECONFLICT : SJ_EIO;
	if (e || !replace)
		unlink(tmp);
	return e;
}

sj_err xchg_keys_load(const char *audit_key_path, bool create)
{
	if (sodium_init() < 0)
		return SJ_ECRYPTO;
	snprintf(g_base, sizeof g_base, "%s", audit_key_path);
	char path[PATH_MAX + 16], hex[2 * crypto_sign_SEEDBYTES + 2];
	unsigned char seed[crypto_sign_SEEDBYTES];
	snprintf(path, sizeof path, "%s.exchange", audit_key_path);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT || !create)
			return SJ_EIO;
		randombytes_buf(seed, sizeof seed);
		sodium_bin2hex(hex, sizeof hex, seed, sizeof seed);
		size_t n = strlen(hex);
		hex[n] = '\n';
		hex[n + 1] = '\0';
		sj_err e = write_file(path, hex, false);
		if (e == SJ_ECONFLICT)
			return xchg_keys_load(audit_key_path, false);   /* another process made it first */
		if (e)
			return e;
	} else {
		ssize_t n = read(fd, hex, sizeof hex - 1);
		close(fd);
		size_t bin_len = 0;
		if (n < 2 * crypto_sign_SEEDBYTES)
			return SJ_ECRYPTO;
		hex[n] = '\0';
		if (sodium_hex2bin(seed, sizeof seed, hex, (size_t)n, "\n\r ", &bin_len, NULL) != 0 ||
		    bin_len != sizeof seed)
			return SJ_ECRYPTO;
	}
	crypto_sign_seed_keypair(g_pk, g_sk, seed);
	sodium_memzero(seed, sizeof seed);
	sodium_memzero(hex, sizeof hex);
	g_loaded = true;
	return SJ_OK;
}

void xchg_public_hex(char out[XCHG_KEY_HEX + 1])
{
	sodium_bin2hex(out, XCHG_KEY_HEX + 1, g_pk, sizeof g_pk);
}

void xchg_sign_hex(const char *msg, size_t len, char out[XCHG_SIG_HEX + 1])
{
	unsigned char sig[crypto_sign_BYTES];
	crypto_sign_detached(sig, NULL, (const unsigned char *)msg, len, g_sk);
	sodium_bin2hex(out, XCHG_SIG_HEX + 1, sig, sizeof sig);
}

bool xchg_verify_hex(const char *pub_hex, const char *sig_hex, const char *msg, size_t len)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
	size_t n = 0;
	if (!pub_hex || !sig_hex || strlen(pub_hex) != XCHG_KEY_HEX || strlen(sig_hex) != XCHG_SIG_HEX)
		return false;
	if (sodium_hex2bin(pk, sizeof pk, pub_hex, XCHG_KEY_HEX, NULL, &n, NULL) || n != sizeof pk)
		return false;
	if (sodium_hex2bin(sig, sizeof sig, sig_hex, XCHG_SIG_HEX, NULL, &n, NULL) || n != sizeof sig)
		return false;
	return crypto_sign_verify_detached(sig, (const unsigned char *)msg, len, pk) == 0;
}

static void join_path(char out[PATH_MAX + 16])
{
	snprintf(out, PATH_MAX + 16, "%s.central", g_base);
}

bool xchg_join_read(xchg_join *out)
{
	memset(out, 0, sizeof *out);
	if (!g_loaded)
		return false;
	char path[PATH_MAX + 16];
	join_path(path);
	json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, NULL);
	const char *id = json_string_value(json_object_get(j, "node_id")),
		   *cen = json_string_value(json_object_get(j, "central")),
		   *pub = json_string_value(json_object_get(j, "central_pub")),
		   *unit = json_string_value(json_object_get(j, "unit"));
	out->joined_at = (int64_t)json_integer_value(json_object_get(j, "joined_at"));
	bool ok = id && cen && pub && unit && strlen(id) <= XCHG_NODE_ID_MAX && strlen(cen) < sizeof out->central &&
		  strlen(pub) == XCHG_KEY_HEX && strlen(unit) < sizeof out->unit;
	if (!ok)
		out->joined_at = 0;
	if (ok) {
		snprintf(out->node_id, sizeof out->node_id, "%s", id);
		snprintf(out->central, sizeof out->central, "%s", cen);
		snprintf(out->central_pub, sizeof out->central_pub, "%s", pub);
		snprintf(out->unit, sizeof out->unit, "%s", unit);
	}
	json_decref(j);
	return ok;
}

sj_err xchg_join_write(const xchg_join *j)
{
	if (!g_loaded)
		return SJ_EINTERNAL;
	char path[PATH_MAX + 16];
	join_path(path);
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:I}", "node_id", j->node_id, "central", j->central, "central_pub",
			      j->central_pub, "unit", j->unit, "joined_at", (json_int_t)j->joined_at);
	char *text = o ? json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
	json_decref(o);
	if (!text)
		return SJ_ENOMEM;
	sj_err e = write_file(path, text, true);
	free(text);
	return e;
}
