/* cancel.c — undoing what the desk recorded, never by deleting it: a
 * declaration cancelled with its reason (its register entries cancelled
 * with it), an issued residence certificate revoked with its reason (a
 * correction is a new request naming the one it replaces). The public
 * verification then answers that the paper is no longer valid (see desk.h). */
#include "desk/desk.h"

#include <stdio.h>
#include <string.h>

#include "auth/roles.h"
#include "core/clock.h"
#include "core/limits.h"
#include "registers/registers.h"

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* POST /declarations/{id}/cancel and /residence-certificates/{id}/revoke. */
#define CANCEL_FIELDS(X) X(V, reason, TEXT, 3, SJ_MAX_SHORT_TEXT, NULL, IN | REQ)
static const rec_field cancel_fields[] = {CANCEL_FIELDS(REC_FIELD)};
const rec_desc desk_cancel_rec = REC_DESC("desk_cancel", NULL, cancel_fields, NULL);

/* may_undo: the unit's chief (or above it) undoes any of the unit's
 * papers; the officer who made one undoes it only the same legal day
 * (a slip at the counter), never later. */
static bool may_undo(const sj_actor *a, const char *by, int64_t made_at)
{
	if (a->role & (ROLE_CHIEF | ROLE_ADMIN))
		return true;
	char then[11], today[11];
	clock_legal_date(made_at, then);
	clock_legal_date(clock_now_ms(), today);
	return by && a->id && strcmp(by, a->id) == 0 && strcmp(then, today) == 0;
}

static const char sql_doc_revoke[] = "UPDATE desk_documents SET revoked_at = ? WHERE record_id = ? AND revoked_at IS NULL";

static const char sql_decl_cancel[] = "UPDATE declarations SET cancelled_at = ?, cancelled_by = ?, cancel_reason = ?"
				      " WHERE id = ? AND cancelled_at IS NULL";

sj_err desk_declaration_cancel(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out,
			       const char **why)
{
	*out = NULL;
	json_t *d = NULL;
	sj_err e = desk_declaration_read(c, a, id, &d, why);
	if (!e && !actor_can_write(a, js(d, "unit_path")))
		e = SJ_EFORBIDDEN;
	if (!e && json_is_integer(json_object_get(d, "cancelled_at"))) {
		*why = "declaration-already-cancelled";
		e = SJ_ECONFLICT;
	} else if (!e && js(d, "complaint_id")) {
		/* the theft is a case now: the case's own procedure ends it */
		*why = "declaration-is-complaint";
		e = SJ_ECONFLICT;
	} else if (!e && !may_undo(a, js(d, "declared_by"), json_integer_value(json_object_get(d, "declared_at")))) {
		*why = "undo-needs-chief";
		e = SJ_EFORBIDDEN;
	}
	int64_t now = clock_now_ms();
	const char *reason = js(in, "reason");
	e = e ? e : db_run(c, sql_decl_cancel, "ittt", now, a->id, reason, id);
	e = e ? e : db_run(c, sql_doc_revoke, "it", now, id);
	/* each thing still active in its register leaves it, with the reason */
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(d, "items"), i, it) {
		if (e)
			break;
		if (!js(it, "register_id") || json_is_integer(json_object_get(it, "found_at")))
			continue;
		json_t *st = json_pack("{s:s,s:s}", "status", "cancelled", "reason", reason), *r = NULL;
		const char *rwhy = NULL;
		e = st ? reg_set_status(c, a, js(it, "register"), js(it, "register_id"), st, &r, &rwhy) : SJ_ENOMEM;
		if (e == SJ_ECONFLICT && rwhy && strcmp(rwhy, "register-status-unchanged") == 0)
			e = SJ_OK; /* already out of the register (cancelled there) */
		else if (e && rwhy)
			*why = rwhy;
		json_decref(st);
		json_decref(r);
	}
	json_decref(d);
	return e ? e : desk_declaration_read(c, a, id, out, why);
}

static const char sql_res_revoke[] =
	"UPDATE residence_certificates SET status = 'revoked', revoked_at = ?, revoked_by = ?, revoke_reason = ?"
	" WHERE id = ? AND status = 'issued'";

sj_err desk_residence_revoke(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out,
			     const char **why)
{
	*out = NULL;
	json_t *o = NULL;
	sj_err e = desk_residence_read(c, a, id, &o, why);
	if (!e && !actor_can_write(a, js(o, "unit_path")))
		e = SJ_EFORBIDDEN;
	if (!e && strcmp(js(o, "status"), "revoked") == 0) {
		*why = "certificate-already-revoked";
		e = SJ_ECONFLICT;
	} else if (!e && strcmp(js(o, "status"), "issued") != 0) {
		*why = "certificate-not-issued";
		e = SJ_ECONFLICT;
	}
	if (!e && !may_undo(a, js(o, "decided_by"), json_integer_value(json_object_get(o, "decided_at")))) {
		*why = "undo-needs-chief";
		e = SJ_EFORBIDDEN;
	}
	json_decref(o);
	int64_t now = clock_now_ms();
	e = e ? e : db_run(c, sql_res_revoke, "ittt", now, a->id, js(in, "reason"), id);
	e = e ? e : db_run(c, sql_doc_revoke, "it", now, id);
	return e ? e : desk_residence_read(c, a, id, out, why);
}
