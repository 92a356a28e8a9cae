/* files.c — the small file helpers of `sijill backup` and `sijill restore`
 * (backup.c): read a small file, write a new one fsynced, hash one, copy one
 * (cli.h). */
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli.h"

/* cli_read_small reads at most max bytes of path into a new NUL-terminated
 * buffer (caller frees); NULL when missing, unreadable or larger. */
char *cli_read_small(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *b = malloc(max + 1);
	size_t n = b ? fread(b, 1, max + 1, f) : 0;
	bool bad = !b || ferror(f) || n > max;
	fclose(f);
	if (bad) {
		free(b);
		return NULL;
	}
	b[n] = '\0';
	if (len)
		*len = n;
	return b;
}

/* cli_write_new writes data to a new file (mode 0600, must not exist), fsynced. */
bool cli_write_new(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return false;
	bool ok = write(fd, data, len) == (ssize_t)len && fsync(fd) == 0;
	return close(fd) == 0 && ok;
}

/* cli_hash_file writes hex BLAKE2b-256 of the file and its size. */
bool cli_hash_file(const char *path, char hex[65], int64_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, 32);
	unsigned char chunk[65536], h[32];
	size_t n;
	*size = 0;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		crypto_generichash_update(&st, chunk, n);
		*size += (int64_t)n;
	}
	bool ok = !ferror(f);
	fclose(f);
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(hex, 65, h, sizeof h);
	return ok;
}

bool cli_copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb");
	if (!in)
		return false;
	int fd = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		fclose(in);
		return false;
	}
	unsigned char chunk[65536];
	size_t n;
	bool ok = true;
	while (ok && (n = fread(chunk, 1, sizeof chunk, in)) > 0)
		ok = write(fd, chunk, n) == (ssize_t)n;
	ok = ok && !ferror(in) && fsync(fd) == 0;
	fclose(in);
	return close(fd) == 0 && ok;
}
