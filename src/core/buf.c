#include "core/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(buf *b, size_t cap)
{
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	b->cap = cap;
}

void buf_free(buf *b)
{
	if (!b)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->alloc = 0;
}

void buf_reset(buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

sj_err buf_add(buf *b, const void *p, size_t n)
{
	if (n > b->cap || b->len > b->cap - n)
		return SJ_ELIMIT;
	size_t need = b->len + n + 1;
	if (need > b->alloc) {
		size_t a = b->alloc ? b->alloc : 64;
		while (a < need) {
			if (a > ((size_t)-1) / 2)
				return SJ_ENOMEM;
			a *= 2;
		}
		char *d = realloc(b->data, a);
		if (!d)
			return SJ_ENOMEM;
		b->data = d;
		b->alloc = a;
	}
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return SJ_OK;
}

sj_err buf_adds(buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

sj_err buf_addc(buf *b, char c)
{
	return buf_add(b, &c, 1);
}

sj_err buf_vprintf(buf *b, const char *fmt, va_list ap)
{
	char small[256];
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(small, sizeof small, fmt, cp);
	va_end(cp);
	if (n < 0)
		return SJ_EINTERNAL;
	if ((size_t)n < sizeof small)
		return buf_add(b, small, (size_t)n);
	char *big = malloc((size_t)n + 1);
	if (!big)
		return SJ_ENOMEM;
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	sj_err e = buf_add(b, big, (size_t)n);
	free(big);
	return e;
}

sj_err buf_printf(buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sj_err e = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return e;
}

const char *buf_str(const buf *b)
{
	return b->data ? b->data : "";
}

char *buf_take(buf *b)
{
	char *d = b->data;
	if (!d)
		d = calloc(1, 1);
	b->data = NULL;
	b->len = b->alloc = 0;
	return d;
}
