/* api_seals.c — enrolling and revoking an OPJ's sealing key over HTTP
 * (cases/seal.h owns the keys, their bindings and the rules). */
#include "app/app.h"
#include "cases/seal.h"

void api_opj_key_enrol(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = seal_key_enrol(c, &who, http_param(r, "badge"), &out, &why);
	app_reply(a, r, c, e, NULL, why, http_param(r, "badge"),
		  out ? json_pack("{s:O?}", "key_id", json_object_get(out, "key_id")) : NULL, 201, out);
}

void api_opj_key_revoke(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL, *in = http_json(r);
	const char *why = NULL;
	sj_err e = seal_key_revoke(c, &who, http_param(r, "badge"), in, &out, &why);
	app_reply(a, r, c, e, NULL, why, http_param(r, "badge"),
		  out ? json_pack("{s:O?,s:O?}", "key_id", json_object_get(out, "key_id"), "reason",
				  json_object_get(in, "reason"))
		      : NULL,
		  200, out);
}
