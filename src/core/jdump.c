/* jdump.c — see jdump.h. json_dumpb writes into a caller's buffer through a
 * callback that cannot fail, so the only allocation left inside jansson is
 * the key array of JSON_SORT_KEYS, whose failure it does report (0). */
#include "core/jdump.h"

#include <string.h>

#include <stdint.h>
#include <stdlib.h>

char *jdump_dumps(const json_t *j, size_t flags)
{
	if (!j)
		return NULL;
	size_t n = json_dumpb(j, NULL, 0, flags);
	if (n == 0 || n == SIZE_MAX)
		return NULL;
	char *s = malloc(n + 1);
	if (!s)
		return NULL;
	if (json_dumpb(j, s, n, flags) != n) {
		free(s);
		return NULL;
	}
	s[n] = '\0';
	return s;
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
