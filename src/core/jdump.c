/* jdump.c — see jdump.h. json_dump_callback writes through our callback, which
 * reports its own failed growth; the only allocation left inside jansson is
 * the key array of JSON_SORT_KEYS, whose failure it does report (-1). */
#include "core/jdump.h"

#include <string.h>

#include <stdint.h>
#include <stdlib.h>

/* one pass: the text is written into a buffer that grows by doubling (a
 * second pass to measure it first cost as much again as the first: the
 * answer's JSON was a tenth of an audited read's CPU, issue 21). A failed
 * growth fails the callback, and jansson then fails the whole dump. */
typedef struct dbuf {
	char *s;
	size_t n, cap;
} dbuf;

static int dbuf_add(const char *buf, size_t size, void *data)
{
	dbuf *b = data;
	if (size >= b->cap - b->n) {
		size_t cap = b->cap;
		while (size >= cap - b->n) {
			if (cap > SIZE_MAX / 2)
				return -1;
			cap *= 2;
		}
		char *ns = realloc(b->s, cap);
		if (!ns)
			return -1;
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->n, buf, size);
	b->n += size;
	return 0;
}

char *jdump_dumps(const json_t *j, size_t flags)
{
	if (!j)
		return NULL;
	dbuf b = {.s = malloc(1024), .n = 0, .cap = 1024};
	if (!b.s)
		return NULL;
	if (json_dump_callback(j, dbuf_add, &b, flags) != 0 || b.n == 0) {
		free(b.s);
		return NULL;
	}
	b.s[b.n] = '\0'; /* dbuf_add keeps one byte free */
	return b.s;
}

_Thread_local int jdump_parsing;

json_t *jdump_loadb(const char *s, size_t n, size_t flags, json_error_t *err)
{
	jdump_parsing++;
	json_t *j = json_loadb(s, n, flags, err);
	jdump_parsing--;
	return j;
}

json_t *jdump_loads(const char *s, size_t flags, json_error_t *err)
{
	return s ? jdump_loadb(s, strlen(s), flags, err) : NULL;
}
