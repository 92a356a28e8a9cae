/* leaf.c — an entry's leaf from its row, for a witness (audit.h
 * audit_leaf_of_row): central recomputes each entry a node sends instead of
 * trusting the leaf the node states. */
#include "audit/audit.h"
#include "audit/audit_int.h"

#include <stdlib.h>

static const char *field(json_t *row, const char *k)
{
	return json_string_value(json_object_get(row, k));
}

bool audit_leaf_of_row(json_t *row, char out[AUDIT_HASH_HEX + 1])
{
	json_t *seq = json_object_get(row, "seq"), *at = json_object_get(row, "at");
	if (!json_is_integer(seq) || !json_is_integer(at))
		return false;
	const char *f[AF_N];
	static const char *const names[AF_N] = {
		[AF_ACTOR] = "actor_id", [AF_BADGE] = "badge",     [AF_ROLE] = "role",       [AF_UNIT] = "unit_code",
		[AF_ACTION] = "action",  [AF_OTYPE] = "object_type", [AF_OID] = "object_id", [AF_PURPOSE] = "purpose",
		[AF_OUTCOME] = "outcome", [AF_REQID] = "request_id", [AF_IP] = "ip",         [AF_DETAIL] = "detail",
	};
	for (int k = 0; k < AF_N; k++)
		f[k] = field(row, names[k]);
	char *canon = aud_canonical(json_integer_value(seq), field(row, "id"), json_integer_value(at), f);
	if (!canon)
		return false;
	aud_leaf(canon, out);
	free(canon);
	return true;
}
