/* buf.h — a growing byte buffer with its own cap (after curl's dynbuf).
 *
 * A buf always holds a NUL after its bytes, so buf_str() is a C string.
 * Appending past the cap fails with SJ_ELIMIT and leaves the buffer as it was.
 */
#ifndef SJ_BUF_H
#define SJ_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include "core/err.h"

typedef struct buf {
	char *data;     /* owned; NULL until the first append */
	size_t len;
	size_t alloc;
	size_t cap;     /* maximum len */
} buf;

/* buf_init prepares b with the given cap; it allocates nothing. */
void buf_init(buf *b, size_t cap);
/* buf_free releases b's memory; NULL-safe; b may be reused after buf_init. */
void buf_free(buf *b);
/* buf_reset empties b but keeps its memory. */
void buf_reset(buf *b);
SJ_MUST_USE sj_err buf_add(buf *b, const void *p, size_t n);
SJ_MUST_USE sj_err buf_adds(buf *b, const char *s);
SJ_MUST_USE sj_err buf_addc(buf *b, char c);
SJ_MUST_USE sj_err buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
SJ_MUST_USE sj_err buf_vprintf(buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* buf_str returns the contents as a C string ("" when empty); b keeps ownership. */
const char *buf_str(const buf *b);
/* buf_take hands the contents to the caller (free() it) and empties b; "" is
 * returned as a fresh allocation; NULL on allocation failure. */
char *buf_take(buf *b);

#endif
