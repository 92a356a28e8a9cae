/* actor.c — unit scope as a prefix test on materialised unit paths. */
#include "core/actor.h"

#include <string.h>

bool actor_in_scope(const sj_actor *a, const char *target_path)
{
	if (!a || !a->unit_path || !target_path)
		return false;
	size_t n = strlen(a->unit_path);
	return n > 0 && strncmp(a->unit_path, target_path, n) == 0;
}

bool actor_can_read(const sj_actor *a, const char *unit_path)
{
	return a && (a->national || actor_in_scope(a, unit_path));
}

bool actor_can_write(const sj_actor *a, const char *unit_path)
{
	return a && a->writer && actor_in_scope(a, unit_path);
}
