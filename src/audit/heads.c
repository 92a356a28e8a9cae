/* heads.c — the heads file: every signed head of the chain, appended as one
 * line beside the audit key, where the database's owner cannot rewrite it
 * alone (make it append-only: `chattr +a`, see docs/internals/audit.md).
 * `audit verify` reads it and compares it with the database.
 *
 * A line:
 *   sijill-head-v2 seq=<n> at=<utc ms> kind=<kind> head=<64 hex> key=<16 hex> sig=<128 hex>
 * The first line of a file is its genesis (seq 0, written with the key) or,
 * for a file the server had to start again, an "adopt" line.
 */
#include "audit/audit_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HEADS_LINE_MAX 400
#define HEADS_FILE_MAX (1LL << 33)  /* 8 GiB: 30 million signed heads */

static char heads_path[PATH_MAX];
static pthread_mutex_t heads_lock = PTHREAD_MUTEX_INITIALIZER;

void aud_heads_set_path(const char *key_path)
{
	int n = snprintf(heads_path, sizeof heads_path, "%s.heads", key_path);
	if (n < 0 || (size_t)n >= sizeof heads_path)
		heads_path[0] = '\0';
}

const char *audit_heads_path(void) { return heads_path; }

bool aud_heads_exists(void)
{
	struct stat st;
	return heads_path[0] && stat(heads_path, &st) == 0;
}

void aud_heads_format(const audit_signed_head *h, char *out, size_t outsz)
{
	snprintf(out, outsz, "sijill-head-v2 seq=%" PRId64 " at=%" PRId64 " kind=%s head=%s key=%s sig=%s\n", h->seq,
		 h->at, h->kind, h->head, h->key_id, h->sig);
}

static bool all_hex(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

bool aud_heads_parse(const char *line, audit_signed_head *h)
{
	memset(h, 0, sizeof *h);
	long long seq = -1, at = 0;
	char kind[16], head[80], key[32], sig[160];
	int used = 0;
	if (sscanf(line, "sijill-head-v2 seq=%lld at=%lld kind=%15[a-z] head=%79[0-9a-f] key=%31[0-9a-f] sig=%159[0-9a-f]%n",
		   &seq, &at, kind, head, key, sig, &used) != 6 ||
	    line[used] != '\0' || seq < 0)
		return false;
	if (!all_hex(head, AUDIT_HASH_HEX) || !all_hex(key, 16) || !all_hex(sig, 128) || strlen(kind) >= sizeof h->kind)
		return false;
	h->seq = seq;
	h->at = at;
	memcpy(h->kind, kind, strlen(kind) + 1);
	memcpy(h->head, head, AUDIT_HASH_HEX + 1);
	memcpy(h->key_id, key, 17);
	memcpy(h->sig, sig, 129);
	return true;
}

sj_err aud_heads_append(const audit_signed_head *h, size_t n, bool create)
{
	if (!heads_path[0])
		return SJ_EIO;
	if (n == 0)
		return SJ_OK;
	/* No allocation here (a signed head whose line could not be written
	 * would leave the file behind the database): one write() per line, on
	 * the stack. O_APPEND puts each line at the end whole, also when
	 * another process appends at the same time. */
	pthread_mutex_lock(&heads_lock);
	int fd = open(heads_path, O_RDWR | O_APPEND | O_CLOEXEC | (create ? O_CREAT : 0), 0600);
	sj_err e = SJ_OK;
	if (fd < 0) {
		e = errno == ENOENT ? SJ_ENOTFOUND : SJ_EIO;
	} else {
		/* a line a crash cut short stays one bad line: what follows it
		 * starts on a line of its own */
		struct stat st;
		char last = '\n';
		bool cut = fstat(fd, &st) == 0 && st.st_size > 0 && pread(fd, &last, 1, st.st_size - 1) == 1 &&
			   last != '\n';
		for (size_t i = 0; i < n && !e; i++) {
			char line[HEADS_LINE_MAX + 2];
			size_t off = 0;
			if (i == 0 && cut)
				line[off++] = '\n';
			aud_heads_format(&h[i], line + off, sizeof line - off);
			size_t len = off + strlen(line + off);
			if (write(fd, line, len) != (ssize_t)len)
				e = SJ_EIO;
		}
		if (!e && fdatasync(fd) != 0)
			e = SJ_EIO;
		if (close(fd) != 0 && !e)
			e = SJ_EIO;
	}
	pthread_mutex_unlock(&heads_lock);
	return e;
}

/* parse_lines splits text into lines and parses them into *out (grown). */
static sj_err parse_lines(char *text, size_t len, bool skip_first_partial, audit_signed_head **out, size_t *n,
			  size_t *bad)
{
	size_t cap = 0, lineno = 0;
	char *p = text, *end = text + len;
	if (skip_first_partial) {
		char *nl = memchr(p, '\n', len);
		p = nl ? nl + 1 : end;
	}
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break; /* a line being written, or cut by a crash: not a head */
		*nl = '\0';
		lineno++;
		audit_signed_head h;
		if (!aud_heads_parse(p, &h)) {
			if (bad && !*bad)
				*bad = lineno;
		} else {
			if (*n == cap) {
				size_t nc = cap ? cap * 2 : 256;
				audit_signed_head *g = realloc(*out, nc * sizeof *g);
				if (!g)
					return SJ_ENOMEM;
				*out = g;
				cap = nc;
			}
			(*out)[(*n)++] = h;
		}
		p = nl + 1;
	}
	return SJ_OK;
}

/* read_part reads the file at path whole (or its last `tail` bytes). */
static sj_err read_part(const char *path, size_t tail, audit_signed_head **out, size_t *n, size_t *bad)
{
	*out = NULL;
	*n = 0;
	if (bad)
		*bad = 0;
	if (!path[0])
		return SJ_ENOTFOUND;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? SJ_ENOTFOUND : SJ_EIO;
	struct stat st;
	if (fstat(fd, &st) != 0 || st.st_size > HEADS_FILE_MAX) {
		close(fd);
		return st.st_size > HEADS_FILE_MAX ? SJ_ELIMIT : SJ_EIO;
	}
	size_t size = (size_t)st.st_size;
	size_t from = tail && size > tail ? size - tail : 0;
	size_t want = size - from;
	char *text = malloc(want + 1);
	if (!text) {
		close(fd);
		return SJ_ENOMEM;
	}
	size_t got = 0;
	while (got < want) {
		ssize_t k = pread(fd, text + got, want - got, (off_t)(from + got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	close(fd);
	text[got] = '\0';
	sj_err e = parse_lines(text, got, from > 0, out, n, bad);
	free(text);
	if (e) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return e;
}

sj_err aud_heads_read_all(audit_signed_head **out, size_t *n, size_t *bad)
{
	return read_part(heads_path, 0, out, n, bad);
}

sj_err aud_heads_read_tail(size_t bytes, audit_signed_head **out, size_t *n)
{
	return read_part(heads_path, bytes, out, n, NULL);
}

static const char sql_restore_head[] =
	"SELECT h.seq, (SELECT signature FROM audit_checkpoints WHERE seq = h.seq) FROM audit_head h WHERE h.id = 1";

sj_err audit_heads_restore(db *d, const char *src)
{
	if (!heads_path[0] || aud_heads_exists())
		return SJ_EIO; /* a staged key's file is new */
	db_conn *c;
	sj_err e = db_acquire(d, &c);
	if (e)
		return e;
	db_stmt *s;
	bool row = false;
	int64_t end = 0;
	char sig[129] = "";
	e = db_prepare(c, sql_restore_head, &s);
	e = e ? e : db_step(s, &row);
	if (!e && row) {
		end = db_col_int(s, 0);
		snprintf(sig, sizeof sig, "%s", db_col_text(s, 1) ? db_col_text(s, 1) : "");
	}
	while (!e && row)
		e = db_step(s, &row);
	db_release(d, c);
	audit_signed_head *h = NULL;
	size_t n = 0, keep = 0;
	e = e ? e : read_part(src, 0, &h, &n, NULL);
	/* the copy ends at entry `end`: lines past it, and a head of `end`
	 * signed after the snapshot (not in the copy), are of the live chain */
	for (size_t i = 0; !e && i < n; i++)
		if (h[i].seq == 0 || h[i].seq < end || (h[i].seq == end && strcmp(h[i].sig, sig) == 0))
			h[keep++] = h[i];
	e = e ? e : aud_heads_append(h, keep, true);
	free(h);
	return e;
}
