#include "auth/roles.h"

#include <string.h>

const char *const role_all_names[] = {"admin", "chief", "opj", "officer", "analyst", "auditor", "monitor",
					    "communication", "comm_head", NULL};

role role_from_name(const char *name)
{
	if (!name)
		return ROLE_NONE;
	for (int i = 0; role_all_names[i]; i++)
		if (strcmp(name, role_all_names[i]) == 0)
			return (role)(1 << i);
	return ROLE_NONE;
}

const char *role_name(role r)
{
	for (int i = 0; role_all_names[i]; i++)
		if (r == (role)(1 << i))
			return role_all_names[i];
	return "none";
}

bool role_is_national(role r)
{
	return (r & (ROLE_ADMIN | ROLE_ANALYST | ROLE_AUDITOR)) != 0;
}

bool role_is_read_only(role r)
{
	return (r & (ROLE_ANALYST | ROLE_AUDITOR | ROLE_MONITOR)) != 0;
}
