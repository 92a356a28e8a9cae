/* api_stats.c — the statistics routes (issue 16): figures, the drill-down
 * lists, the printed report, the CSV exports, the quality to-do list and
 * published reports. Handlers only translate HTTP; src/stats counts. */
#include "app/app.h"

#include <stdlib.h>
#include <string.h>

#include "core/jdump.h"
#include "stats/stats.h"

/* period_or_reply reads ?period=&date= (or &from=&to=); answers 400 when bad. */
static bool period_or_reply(http_req *r, stats_period *p)
{
	const char *why = NULL;
	if (stats_period_parse(http_query(r, "period"), http_query(r, "date"), http_query(r, "from"), http_query(r, "to"),
			       p, &why))
		return true;
	app_fail_why(r, SJ_EINVAL, "period", why);
	return false;
}

static const char *nf(sj_err e, const char *why)
{
	return e == SJ_ENOTFOUND && !why ? "stats-unit-not-found" : why;
}

static json_t *detail(const http_req *r, const stats_period *p)
{
	return json_pack("{s:s,s:I,s:I,s:s?}", "period", p->kind, "from", (json_int_t)p->from, "to", (json_int_t)p->to,
			 "unit", http_query(r, "unit"));
}

void api_stats_figures(app *a, http_req *r, auth_user *u)
{
	stats_period p;
	if (!period_or_reply(r, &p))
		return;
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = stats_figures(c, &who, http_query(r, "unit"), &p, 0, &out, &why);
	app_reply(a, r, c, e, NULL, nf(e, why), http_query(r, "unit"), detail(r, &p), 200, out);
}

void api_stats_records(app *a, http_req *r, auth_user *u)
{
	stats_period p;
	if (!period_or_reply(r, &p))
		return;
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = stats_records(c, &who, http_query(r, "unit"), &p, http_query(r, "figure"), http_query(r, "key"), &out,
				 &why);
	app_reply(a, r, c, e, e == SJ_EINVAL ? "figure" : NULL, nf(e, why), http_query(r, "unit"), detail(r, &p), 200,
		  out);
}

void api_stats_report(app *a, http_req *r, auth_user *u)
{
	stats_period p;
	if (!period_or_reply(r, &p))
		return;
	sj_actor who;
	app_doc_actor(r, u, &who);
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	json_t *fig = NULL;
	const char *why = NULL;
	buf html;
	buf_init(&html, 4u << 20);
	sj_err e = stats_figures(c, &who, http_query(r, "unit"), &p, 0, &fig, &why);
	e = e ? e : stats_report_html(&html, fig, who.lang);
	json_decref(fig);
	app_reply_html(a, r, c, e, nf(e, why), http_query(r, "unit"), &html);
}

void api_stats_export(app *a, http_req *r, auth_user *u)
{
	stats_period p;
	if (!period_or_reply(r, &p))
		return;
	const char *fmt = http_query(r, "format"), *table = http_query(r, "table");
	bool csv = !fmt || strcmp(fmt, "csv") == 0;
	if (!csv && strcmp(fmt, "json") != 0) {
		app_fail_why(r, SJ_EINVAL, "format", "stats-bad-format");
		return;
	}
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	json_t *fig = NULL;
	const char *why = NULL;
	buf out;
	buf_init(&out, 4u << 20);
	sj_err e = stats_figures(c, &who, http_query(r, "unit"), &p, 0, &fig, &why);
	if (!e && csv) {
		e = stats_csv(&out, fig, table ? table : "summary");
		if (e == SJ_EINVAL)
			why = "stats-bad-table";
	} else if (!e) {
		json_t *s = stats_suppress(fig);
		char *text = s ? jdump_dumps(s, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		e = text ? buf_adds(&out, text) : SJ_ENOMEM;
		free(text);
		json_decref(s);
	}
	json_decref(fig);
	if (e) {
		buf_free(&out);
		app_reply(a, r, c, e, e == SJ_EINVAL ? "table" : NULL, nf(e, why), http_query(r, "unit"), NULL, 200, NULL);
		return;
	}
	const route *rt = app_route(r);
	e = app_audit(c, r, u, rt->action, rt->object, http_query(r, "unit"), NULL, "ok", detail(r, &p));
	if (app_finish(a, r, c, e))
		http_reply_bytes(r, 200, csv ? "text/csv; charset=utf-8" : "application/json", buf_str(&out), out.len);
	buf_free(&out);
}

void api_stats_quality(app *a, http_req *r, auth_user *u)
{
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_read_or_reply(a, r);
	if (!c)
		return;
	json_t *out = NULL;
	const char *why = NULL;
	sj_err e = stats_quality(c, &who, http_query(r, "unit"), &out, &why);
	app_reply(a, r, c, e, NULL, nf(e, why), http_query(r, "unit"), NULL, 200, out);
}

void api_stats_publish(app *a, http_req *r, auth_user *u)
{
	json_t *body = http_json(r);
	const char *why = NULL;
	stats_period p;
	if (!stats_period_parse(json_string_value(json_object_get(body, "period")),
				json_string_value(json_object_get(body, "date")), json_string_value(json_object_get(body, "from")),
				json_string_value(json_object_get(body, "to")), &p, &why)) {
		app_fail_why(r, SJ_EINVAL, "period", why);
		return;
	}
	sj_actor who;
	app_actor(r, u, &who);
	db_conn *c = app_begin_or_reply(a, r, DB_WRITE);
	if (!c)
		return;
	json_t *out = NULL;
	const char *unit = json_string_value(json_object_get(body, "unit"));
	sj_err e = stats_publish(c, &who, unit, &p, &out, &why);
	app_reply(a, r, c, e, NULL, nf(e, why), out ? json_string_value(json_object_get(out, "id")) : NULL,
		  detail(r, &p), 201, out);
}

void api_stats_publication(app *a, http_req *r, auth_user *u)
{
	app_serve_read(a, r, u, stats_publication);
}
