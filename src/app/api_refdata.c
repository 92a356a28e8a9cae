/* api_refdata.c — the reference data (legal rules as data) and the units,
 * read without audit (not personal data): the route rows name no action. */
#include "app/app.h"
#include "org/units.h"
#include "refdata/refdata.h"

/* ref_reply answers one reference-data read. */
static void ref_reply(app *a, http_req *r, sj_err (*read)(db_conn *, json_t **))
{
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	json_t *out = NULL;
	sj_err e = read(c, &out);
	app_reply(a, r, c, e, NULL, NULL, NULL, NULL, 200, out);
}

void api_offences_list(app *a, http_req *r, auth_user *u)
{
	(void)u;
	ref_reply(a, r, ref_offences_read);
}

void api_custody_rules_list(app *a, http_req *r, auth_user *u)
{
	(void)u;
	ref_reply(a, r, ref_custody_rules_read);
}

void api_prosecution_list(app *a, http_req *r, auth_user *u)
{
	(void)u;
	ref_reply(a, r, ref_prosecution_read);
}

void api_units_list(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	json_t *out = NULL;
	sj_err e = unit_list_for(c, who.unit_code, &out);
	app_reply(a, r, c, e, NULL, NULL, NULL, NULL, 200, out);
}
