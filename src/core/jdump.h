/* jdump.h — JSON to text that fails whole or not at all.
 *
 * jansson 2.14's json_dumps ignores a failed allocation while writing an
 * object key: the text comes back without that key (malformed JSON, or a
 * hash over the wrong bytes) instead of NULL. Found by the allocation-failure
 * test (tests/alloc/, docs/internals/alloc-failure.md). */
#ifndef SJ_JDUMP_H
#define SJ_JDUMP_H

#include <jansson.h>

/* jdump_dumps returns j as text with jansson's flags (JSON_COMPACT,
 * JSON_SORT_KEYS ...), the same bytes json_dumps gives when memory is
 * plentiful; the caller frees it. Returns NULL when j is NULL or memory runs
 * out, never a partial text. */
char *jdump_dumps(const json_t *j, size_t flags);

/* jdump_loadb parses like json_loadb. jansson 2.14 asserts (aborts) when an
 * allocation fails while it lexes a string with escapes, so a failure there
 * cannot be survived; jdump_parsing is set for the duration of the parse so
 * the allocation-failure test does not inject failures inside jansson's
 * lexer (docs/internals/alloc-failure.md). The caller decrefs the result. */
json_t *jdump_loadb(const char *s, size_t n, size_t flags, json_error_t *err);
/* jdump_loads: the same for a NUL-terminated string (NULL gives NULL). */
json_t *jdump_loads(const char *s, size_t flags, json_error_t *err);
extern _Thread_local int jdump_parsing;

#endif
