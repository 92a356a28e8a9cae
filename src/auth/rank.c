/* rank.c — a user's rank (reference data: data/ranks.json) and OPJ status
 * (CPP 20): commissaires and officiers de police are OPJs by law (so the
 * chef d'arrondissement is one); inspectors only when granted, with the
 * grant's date and reference. The status is a fact about the officer, kept
 * on the user's record and read with the session (auth_user.opj), never
 * taken from a request body. See auth.h. */
#include "auth/auth.h"

#include <string.h>

#include "core/clock.h"
#include "core/limits.h"
#include "refdata/refdata.h"

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* PUT /users/{badge}/rank: the rank, and for a rank whose OPJ status is by
 * grant the grant's date and reference. */
#define USER_RANK_FIELDS(X) \
	X(V, rank, CODE, 1, REF_CODE_MAX, NULL, IN | REQ) \
	X(V, opj_since, DATE, 0, 10, NULL, IN | NULLABLE) \
	X(V, opj_ref, TEXT, 1, SJ_MAX_AUTH_REF, NULL, IN | NULLABLE)
static const rec_field user_rank_fields[] = {USER_RANK_FIELDS(REC_FIELD)};
const rec_desc auth_user_rank_rec = REC_DESC("user_rank", NULL, user_rank_fields, NULL);

static const char sql_set_rank[] =
	"UPDATE users SET rank = ?, opj_basis = ?, opj_since = ?, opj_ref = ?, updated_at = ? WHERE id = ?";

sj_err auth_user_set_rank(db_conn *c, const char *user_id, const char *rank, const char *since, const char *ref,
			  const char **basis, const char **why)
{
	ref_rank rk;
	*basis = NULL;
	sj_err e = ref_rank_get(c, rank, &rk);
	if (e == SJ_ENOTFOUND) {
		*why = "unknown-rank";
		return SJ_EUNPROCESSABLE;
	}
	if (e)
		return e;
	if (strcmp(rk.opj, "law") == 0) {
		*basis = "law";
	} else if (strcmp(rk.opj, "grant") == 0 && (since || ref)) {
		if (!since || !ref || !*ref) {
			*why = "opj-grant-needs-date-and-reference";
			return SJ_EUNPROCESSABLE;
		}
		*basis = "grant";
	} else if (since || ref) {
		*why = "opj-grant-not-for-rank";
		return SJ_EUNPROCESSABLE;
	}
	bool granted = *basis && strcmp(*basis, "grant") == 0;
	return db_run(c, sql_set_rank, "tttt" "it", rank, *basis, granted ? since : NULL, granted ? ref : NULL,
		      clock_now_ms(), user_id);
}

sj_err auth_user_rank(db_conn *c, const sj_actor *a, const char *badge, json_t *in, json_t **out, const char **why)
{
	(void)a;
	*out = NULL;
	char id[ID_LEN + 1];
	sj_err e = auth_user_id(c, badge, id);
	if (e == SJ_ENOTFOUND) {
		*why = "user-not-found";
		return e;
	}
	const char *basis = NULL;
	e = e ? e : auth_user_set_rank(c, id, js(in, "rank"), js(in, "opj_since"), js(in, "opj_ref"), &basis, why);
	if (!e && !(*out = json_pack("{s:s,s:s,s:s?,s:b}", "badge", badge, "rank", js(in, "rank"), "opj_basis", basis,
				     "opj", basis != NULL)))
		e = SJ_ENOMEM;
	return e;
}
