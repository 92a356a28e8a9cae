/* api_procedure.c — the rest of judicial police procedure over HTTP
 * (procedure/procedure.h): the avis and instructions of a case, the rights
 * notified and the register's periods of a custody, the printed register,
 * the main courante. Each handler is a row of early returns; the route row
 * holds the body's record, the audit action and the object. */
#include <string.h>

#include "app/app.h"
#include "cases/print.h"
#include "procedure/procedure.h"

typedef sj_err (*proc_write_fn)(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out,
				const char **why);

/* write_on runs fn on the route's parameter param with the body, answering status. */
static void write_on(app *a, http_req *r, auth_user *u, const char *param, proc_write_fn fn, int status)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = fn(c, &who, http_param(r, param), http_json(r), &out, &why);
	app_reply(a, r, c, e, NULL, why, http_param(r, param), NULL, status, out);
}

void api_proc_avis(app *a, http_req *r, auth_user *u)
{
	write_on(a, r, u, "id", proc_avis_add, 201);
}

void api_proc_instruction(app *a, http_req *r, auth_user *u)
{
	write_on(a, r, u, "id", proc_instruction_add, 201);
}

void api_proc_execution(app *a, http_req *r, auth_user *u)
{
	write_on(a, r, u, "id", proc_instruction_execute, 200);
}

void api_proc_summons(app *a, http_req *r, auth_user *u)
{
	write_on(a, r, u, "id", proc_summons_add, 201);
}

void api_proc_summons_outcome(app *a, http_req *r, auth_user *u)
{
	write_on(a, r, u, "id", proc_summons_outcome, 200);
}

void api_proc_case(app *a, http_req *r, auth_user *u)
{
	app_serve_read(a, r, u, proc_case_read);
}

void api_proc_rights(app *a, http_req *r, auth_user *u)
{
	write_on(a, r, u, "id", proc_rights_notify, 201);
}

void api_proc_minor_officer(app *a, http_req *r, auth_user *u)
{
	write_on(a, r, u, "badge", proc_minor_officer_add, 201);
}

void api_proc_minor_officers(app *a, http_req *r, auth_user *u)
{
	app_serve_scope(a, r, u, proc_minor_officers_list);
}

void api_proc_person_retention(app *a, http_req *r, auth_user *u)
{
	app_serve_read(a, r, u, proc_retention_for_person);
}

void api_proc_session(app *a, http_req *r, auth_user *u)
{
	write_on(a, r, u, "id", proc_session_add, 201);
}

void api_proc_register_entry(app *a, http_req *r, auth_user *u)
{
	app_serve_read(a, r, u, proc_register_entry);
}

void api_proc_register_html(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_doc_actor(r, u, &who);
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	buf html;
	buf_init(&html, PRINT_MAX_HTML);
	const char *why = NULL;
	sj_err e = proc_register_print(c, &who, http_param(r, "code"), &html, &why);
	app_reply_html(a, r, c, e, why, http_param(r, "code"), &html);
}

void api_proc_visa(app *a, http_req *r, auth_user *u)
{
	write_on(a, r, u, "code", proc_visa_add, 201);
}

void api_proc_courante(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = proc_courante_day(c, &who, http_param(r, "code"), http_query(r, "date"), &out, &why);
	app_reply(a, r, c, e, NULL, why, http_param(r, "code"), NULL, 200, out);
}

void api_proc_courante_add(app *a, http_req *r, auth_user *u)
{
	write_on(a, r, u, "code", proc_courante_add, 201);
}

void api_proc_courante_seal(app *a, http_req *r, auth_user *u)
{
	write_on(a, r, u, "code", proc_courante_seal, 200);
}

void api_proc_courante_html(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_doc_actor(r, u, &who);
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	buf html;
	buf_init(&html, PRINT_MAX_HTML);
	const char *why = NULL;
	sj_err e = proc_courante_print(c, &who, http_param(r, "code"), http_query(r, "date"), &html, &why);
	app_reply_html(a, r, c, e, why, http_param(r, "code"), &html);
}

void api_proc_retention_run(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL;
	sj_err e = proc_retention_run(c, &who, &out);
	/* the purge is audited with every tombstone it left */
	app_reply(a, r, c, e, NULL, NULL, NULL, json_pack("{s:O?}", "purged", json_object_get(out, "purged")), 200, out);
}

static sj_err grounds_read(db_conn *c, const sj_actor *who, json_t **out, const char **why)
{
	(void)who;
	(void)why;
	return proc_grounds_list(c, out);
}

void api_proc_grounds(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = grounds_read(c, &who, &out, &why);
	app_reply(a, r, c, e, NULL, why, NULL, NULL, 200, out);
}
