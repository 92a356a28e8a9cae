/* print.c — the annual report (bilan) printed (stats.h): one language per
 * document (?lang=ar|fr; the Arabic one right-to-left), A4 (web/print.css),
 * every label from the dictionaries (web/i18n), charts drawn here as SVG
 * (no library, nothing fetched), small cells suppressed (stats_suppress),
 * and the CSV export of every table. The figures are stats_figures' — the
 * same ones the page shows. */
#include "stats/stats.h"

#include <stdio.h>
#include <string.h>

#include "core/i18n.h"

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int64_t jint(json_t *o, const char *k)
{
	return (int64_t)json_integer_value(json_object_get(o, k));
}

static sj_err esc(buf *b, const char *s)
{
	sj_err e = SJ_OK;
	for (; s && *s && !e; s++) {
		switch (*s) {
		case '&': e = buf_adds(b, "&amp;"); break;
		case '<': e = buf_adds(b, "&lt;"); break;
		case '>': e = buf_adds(b, "&gt;"); break;
		case '"': e = buf_adds(b, "&quot;"); break;
		case '\'': e = buf_adds(b, "&#39;"); break;
		default: e = buf_addc(b, *s);
		}
	}
	return e;
}

/* ------------------------------------------------------------ suppression */

static int64_t threshold_of(json_t *fig)
{
	return jint(fig, "small_cell_threshold");
}

/* hide replaces the counts of o (members in keys) under t and above 0 by null. */
static void hide(json_t *o, const char *const *keys, int64_t t, bool *any)
{
	for (; *keys; keys++) {
		json_t *v = json_object_get(o, *keys);
		if (json_is_integer(v) && json_integer_value(v) > 0 && json_integer_value(v) < t) {
			json_object_set_new(o, *keys, json_null());
			*any = true;
		}
	}
}

json_t *stats_suppress(json_t *fig)
{
	json_t *o = json_deep_copy(fig);
	if (!o)
		return NULL;
	int64_t t = threshold_of(o);
	bool any = false;
	static const char *const row_keys[] = {"n", "cleared", "prev", "prev_cleared", NULL};
	static const char *const tot_keys[] = {"cases", "cleared", "offence_lines", "victims", "arrested",
					       "arrested_flagrant", "arrested_notice", "minors", "foreigners",
					       "reclassified", "cancelled_excluded", NULL};
	static const char *const tables[] = {"by_class", "by_category", "by_offence", "by_unit", "by_month", NULL};
	for (const char *const *tb = tables; *tb; tb++) {
		size_t i;
		json_t *x;
		json_array_foreach(json_object_get(o, *tb), i, x)
			hide(x, row_keys, t, &any);
	}
	static const char *const quality_keys[] = {"cases", "with_issues", NULL};
	hide(json_object_get(o, "quality"), quality_keys, t, &any);
	hide(json_object_get(o, "totals"), tot_keys, t, &any);
	/* seizures by kind, and the drugs' counts by substance */
	json_t *sz = json_object_get(o, "seizures"), *v;
	const char *k;
	json_object_foreach(json_object_get(sz, "by_kind"), k, v) {
		const char *one[] = {k, NULL};
		hide(json_object_get(sz, "by_kind"), one, t, &any);
	}
	static const char *const drug_keys[] = {"count", NULL};
	hide(sz, drug_keys, t, &any);
	/* the mobile units' figures and their rejections by reason */
	static const char *const mob_keys[] = {"tours", "enrolments", "validated", "rejected", "in_adjudication",
					       "handed_over", NULL};
	json_t *mob = json_object_get(o, "mobile");
	hide(mob, mob_keys, t, &any);
	size_t mi;
	json_array_foreach(json_object_get(mob, "rejected_by_reason"), mi, v)
		hide(v, drug_keys, t, &any);
	json_object_del(mob, "units"); /* per unit: small by nature, not printed */
	json_object_foreach(json_object_get(sz, "drugs"), k, v)
		hide(v, drug_keys, t, &any);
	hide(json_object_get(o, "totals_previous"), tot_keys, t, &any);
	json_object_set_new(o, "suppressed", json_boolean(any));
	return o;
}

/* ------------------------------------------------------------ CSV */

static sj_err csv_cell(buf *b, json_t *v)
{
	if (json_is_integer(v))
		return buf_printf(b, "%lld", (long long)json_integer_value(v));
	if (json_is_null(v) || !v)
		return buf_adds(b, "");
	const char *s = json_string_value(v);
	sj_err e = buf_addc(b, '"');
	for (; s && *s && !e; s++)
		e = *s == '"' ? buf_adds(b, "\"\"") : buf_addc(b, *s);
	return e ? e : buf_addc(b, '"');
}

sj_err stats_csv(buf *b, json_t *fig, const char *table)
{
	static const char *const tables[] = {"by_class", "by_category", "by_offence", "by_unit", "by_month", NULL};
	json_t *o = stats_suppress(fig);
	if (!o)
		return SJ_ENOMEM;
	sj_err e = SJ_OK;
	if (table && strcmp(table, "summary") == 0) {
		e = buf_adds(b, "figure,value,previous\r\n");
		const char *k;
		json_t *v;
		json_object_foreach(json_object_get(o, "totals"), k, v) {
			json_t *name = json_string(k);
			e = e ? e : csv_cell(b, name);
			json_decref(name);
			e = e ? e : buf_addc(b, ',');
			e = e ? e : csv_cell(b, v);
			e = e ? e : buf_addc(b, ',');
			e = e ? e : csv_cell(b, json_object_get(json_object_get(o, "totals_previous"), k));
			e = e ? e : buf_adds(b, "\r\n");
		}
		json_decref(o);
		return e;
	}
	bool known = false;
	for (const char *const *t = tables; *t && table; t++)
		known = known || strcmp(*t, table) == 0;
	if (!known) {
		json_decref(o);
		return SJ_EINVAL;
	}
	e = buf_adds(b, "key,n,cleared,previous,previous_cleared\r\n");
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(o, table), i, x) {
		e = e ? e : csv_cell(b, json_object_get(x, "key"));
		static const char *const cols[] = {"n", "cleared", "prev", "prev_cleared", NULL};
		for (const char *const *c = cols; *c && !e; c++) {
			e = buf_addc(b, ',');
			e = e ? e : csv_cell(b, json_object_get(x, *c));
		}
		e = e ? e : buf_adds(b, "\r\n");
	}
	json_decref(o);
	return e;
}

/* ------------------------------------------------------------ the report */



typedef struct doc {
	buf *b;
	i18n_lang lang;
	int64_t threshold;
} doc;

static const char *word(const doc *d, const char *key)
{
	const char *s = i18n_get(d->lang, key);
	return s ? s : key;
}

/* label: the label of an enum-like value ("offence_class.crime") or the value. */
static const char *label(const doc *d, const char *prefix, const char *value, char *tmp, size_t n)
{
	/* the statistics' own label first ("stats.outcome.pending"), then the owner's */
	snprintf(tmp, n, "stats.%s.%s", prefix, value ? value : "");
	const char *s = i18n_get(d->lang, tmp);
	if (s)
		return s;
	snprintf(tmp, n, "%s.%s", prefix, value ? value : "");
	s = i18n_get(d->lang, tmp);
	return s ? s : value;
}



/* num writes a count, or "<threshold" for a suppressed one. */
static sj_err num(const doc *d, json_t *v)
{
	if (json_is_null(v))
		return buf_printf(d->b, "<bdi class=\"supp\" dir=\"ltr\">&lt;%lld</bdi>", (long long)d->threshold);
	return buf_printf(d->b, "%lld", (long long)json_integer_value(v));
}

static sj_err permille(buf *b, int64_t p)
{
	if (p < 0)
		return buf_adds(b, "—");
	return buf_printf(b, "%lld.%lld %%", (long long)(p / 10), (long long)(p % 10));
}

/* bars draws a vertical bar chart (the trend by month) as SVG; each bar
 * carries its value as a title. */
static sj_err bars(const doc *d, json_t *rows, const char *cls)
{
	int64_t max = 1;
	size_t i, n = json_array_size(rows);
	json_t *x;
	json_array_foreach(rows, i, x)
		if (jint(x, "n") > max)
			max = jint(x, "n");
	const int w = 28, gap = 8, h = 120, top = 14;
	int width = (int)n * (w + gap) + gap;
	sj_err e = buf_printf(d->b, "<svg class=\"chart %s\" role=\"img\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\">",
			      cls, width > 40 ? width : 40, h + top + 18, width > 40 ? width : 40, h + top + 18);
	json_array_foreach(rows, i, x) {
		if (e)
			break;
		int64_t v = json_is_integer(json_object_get(x, "n")) ? jint(x, "n") : 0;
		int bh = (int)(v * h / max), px = gap + (int)i * (w + gap);
		const char *k = jstr(x, "key");
		char vt[32];
		if (json_is_null(json_object_get(x, "n")))
			snprintf(vt, sizeof vt, "&lt;%lld", (long long)d->threshold);
		else
			snprintf(vt, sizeof vt, "%lld", (long long)v);
		e = buf_printf(d->b, "<g><title>%s: %s</title><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"></rect>"
				     "<text x=\"%d\" y=\"%d\" class=\"v\">%s</text><text x=\"%d\" y=\"%d\" class=\"k\">%s</text></g>",
			       k, vt, px, top + h - bh, w, bh, px + w / 2, top + h - bh - 2, vt,
			       px + w / 2, top + h + 14, k && strlen(k) == 6 ? k + 4 : (k ? k : ""));
	}
	return e ? e : buf_adds(d->b, "</svg>\n");
}

/* hbars draws horizontal bars (by category) as SVG. */
static sj_err hbars(const doc *d, json_t *rows, const char *prefix)
{
	int64_t max = 1;
	size_t i, n = json_array_size(rows);
	json_t *x;
	json_array_foreach(rows, i, x)
		if (jint(x, "n") > max)
			max = jint(x, "n");
	const int bh = 16, gap = 6, lw = 210, bw = 380;
	sj_err e = buf_printf(d->b, "<svg class=\"chart hbars\" role=\"img\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\">",
			      lw + bw + 60, (int)n * (bh + gap) + gap, lw + bw + 60, (int)n * (bh + gap) + gap);
	char tmp[160];
	bool rtl = d->lang == I18N_AR;
	json_array_foreach(rows, i, x) {
		if (e)
			break;
		int64_t v = json_is_integer(json_object_get(x, "n")) ? jint(x, "n") : 0;
		int len = (int)(v * bw / max), y = gap + (int)i * (bh + gap);
		int bx = rtl ? bw + 60 - len - 4 : lw, tx = rtl ? lw + bw + 56 : lw - 6;
		e = buf_printf(d->b, "<g><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"></rect><text x=\"%d\" y=\"%d\""
				     " class=\"k\" text-anchor=\"end\">", bx, y, len, bh, tx, y + bh - 4);
		e = e ? e : esc(d->b, label(d, prefix, jstr(x, "key"), tmp, sizeof tmp));
		char vt[32];
		if (json_is_null(json_object_get(x, "n")))
			snprintf(vt, sizeof vt, "&lt;%lld", (long long)d->threshold);
		else
			snprintf(vt, sizeof vt, "%lld", (long long)v);
		e = e ? e : buf_printf(d->b, "</text><text x=\"%d\" y=\"%d\" class=\"v\"%s>%s</text></g>",
				       rtl ? bx - 4 : bx + len + 4, y + bh - 4, rtl ? " text-anchor=\"end\"" : "", vt);
	}
	return e ? e : buf_adds(d->b, "</svg>\n");
}

static sj_err h2(const doc *d, const char *key)
{
	sj_err e = buf_adds(d->b, "<h2>");
	e = e ? e : esc(d->b, word(d, key));
	return e ? e : buf_adds(d->b, "</h2>\n");
}

/* rows_table writes a table of {key, n, cleared, prev} rows. */
static sj_err rows_table(const doc *d, json_t *rows, const char *prefix, const char *cls)
{
	sj_err e = buf_printf(d->b, "<table class=\"list %s\"><thead><tr><th>", cls);
	e = e ? e : esc(d->b, word(d, "stats.col.key"));
	e = e ? e : buf_adds(d->b, "</th><th>");
	e = e ? e : esc(d->b, word(d, "stats.col.n"));
	e = e ? e : buf_adds(d->b, "</th><th>");
	e = e ? e : esc(d->b, word(d, "stats.col.cleared"));
	e = e ? e : buf_adds(d->b, "</th><th>");
	e = e ? e : esc(d->b, word(d, "stats.col.prev"));
	e = e ? e : buf_adds(d->b, "</th></tr></thead><tbody>\n");
	size_t i;
	json_t *x;
	char tmp[160];
	json_array_foreach(rows, i, x) {
		if (e)
			break;
		const char *k = jstr(x, "key");
		const char *name = d->lang == I18N_AR ? jstr(x, "name_ar") : jstr(x, "name_fr");
		e = buf_adds(d->b, "<tr><td>");
		e = e ? e : esc(d->b, name ? name : prefix ? label(d, prefix, k, tmp, sizeof tmp) : k);
		e = e ? e : buf_adds(d->b, "</td><td class=\"num\">");
		e = e ? e : num(d, json_object_get(x, "n"));
		e = e ? e : buf_adds(d->b, "</td><td class=\"num\">");
		e = e ? e : num(d, json_object_get(x, "cleared"));
		e = e ? e : buf_adds(d->b, "</td><td class=\"num\">");
		e = e ? e : num(d, json_object_get(x, "prev"));
		e = e ? e : buf_adds(d->b, "</td></tr>\n");
	}
	return e ? e : buf_adds(d->b, "</tbody></table>\n");
}

/* kv writes one line label | value | previous. */
static sj_err kv(const doc *d, const char *key, json_t *v, json_t *prev)
{
	sj_err e = buf_adds(d->b, "<tr><th>");
	e = e ? e : esc(d->b, word(d, key));
	e = e ? e : buf_adds(d->b, "</th><td class=\"num\">");
	e = e ? e : num(d, v);
	e = e ? e : buf_adds(d->b, "</td><td class=\"num\">");
	e = e ? e : (prev ? num(d, prev) : buf_adds(d->b, "—"));
	return e ? e : buf_adds(d->b, "</td></tr>\n");
}

static sj_err big(const doc *d, const char *key, json_t *v)
{
	sj_err e = buf_adds(d->b, "<div class=\"big\"><span class=\"n\">");
	e = e ? e : num(d, v);
	e = e ? e : buf_adds(d->b, "</span><span class=\"l\">");
	e = e ? e : esc(d->b, word(d, key));
	return e ? e : buf_adds(d->b, "</span></div>");
}

sj_err stats_report_html(buf *b, json_t *fig0, const char *lang)
{
	json_t *fig = stats_suppress(fig0);
	if (!fig)
		return SJ_ENOMEM;
	doc d = {.b = b, .lang = lang && strcmp(lang, "ar") == 0 ? I18N_AR : I18N_FR, .threshold = threshold_of(fig)};
	bool ar = d.lang == I18N_AR;
	json_t *u = json_object_get(fig, "unit"), *t = json_object_get(fig, "totals"),
	       *tp = json_object_get(fig, "totals_previous"), *per = json_object_get(fig, "period");
	const char *uname = ar ? jstr(u, "name_ar") : jstr(u, "name_fr");
	sj_err e = buf_printf(b, "<!doctype html>\n<html lang=\"%s\" dir=\"%s\"><head><meta charset=\"utf-8\">"
				 "<link rel=\"icon\" href=\"/favicon.svg\"><link rel=\"stylesheet\" href=\"/print.css\">"
				 "<link rel=\"stylesheet\" href=\"/stats-print.css\"><title>",
			      ar ? "ar" : "fr", ar ? "rtl" : "ltr");
	e = e ? e : esc(b, word(&d, "stats.report.title"));
	e = e ? e : buf_adds(b, "</title></head>\n<body class=\"print stats\">\n<section class=\"summary\">"
				"<header class=\"doc-head\"><div class=\"auth\">");
	e = e ? e : esc(b, word(&d, "stats.report.kingdom"));
	e = e ? e : buf_adds(b, "<br>");
	e = e ? e : esc(b, word(&d, "stats.report.dgsn"));
	e = e ? e : buf_adds(b, "<br>");
	e = e ? e : esc(b, uname);
	e = e ? e : buf_adds(b, "</div><div class=\"ref\">");
	e = e ? e : esc(b, jstr(per, "from"));
	e = e ? e : buf_adds(b, " — ");
	e = e ? e : esc(b, jstr(per, "to"));
	e = e ? e : buf_adds(b, "</div></header>\n<h1>");
	e = e ? e : esc(b, word(&d, "stats.report.title"));
	e = e ? e : buf_adds(b, "</h1>\n<div class=\"bigs\">");
	e = e ? e : big(&d, "stats.cases", json_object_get(t, "cases"));
	e = e ? e : buf_adds(b, "<div class=\"big\"><span class=\"n\">");
	e = e ? e : permille(b, jint(t, "clearance_permille"));
	e = e ? e : buf_adds(b, "</span><span class=\"l\">");
	e = e ? e : esc(b, word(&d, "stats.clearance"));
	e = e ? e : buf_adds(b, "</span></div>");
	e = e ? e : big(&d, "stats.arrested", json_object_get(t, "arrested"));
	e = e ? e : big(&d, "stats.custody.count", json_object_get(json_object_get(fig, "custody"), "count"));
	e = e ? e : big(&d, "stats.registers.wanted_arrested",
			json_object_get(json_object_get(fig, "registers"), "wanted_arrested"));
	e = e ? e : big(&d, "stats.seizures", json_object_get(json_object_get(fig, "seizures"), "count"));
	e = e ? e : buf_adds(b, "</div>\n<p class=\"rules\">");
	e = e ? e : esc(b, word(&d, "stats.report.rules"));
	size_t i;
	json_t *x;
	e = e ? e : buf_adds(b, " <bdi dir=\"ltr\">");
	json_array_foreach(json_object_get(fig, "rules"), i, x) {
		e = e ? e : buf_adds(b, i ? ", " : "");
		e = e ? e : esc(b, jstr(x, "code"));
		e = e ? e : buf_adds(b, " (v");
		e = e ? e : esc(b, jstr(x, "version"));
		e = e ? e : buf_adds(b, ")");
	}
	json_t *q = json_object_get(fig, "quality");
	e = e ? e : buf_adds(b, "</bdi>. ");
	e = e ? e : esc(b, word(&d, "stats.report.quality"));
	e = e ? e : buf_adds(b, " <bdi dir=\"ltr\">");
	e = e ? e : num(&d, json_object_get(q, "with_issues"));
	e = e ? e : buf_adds(b, " / ");
	e = e ? e : num(&d, json_object_get(q, "cases"));
	e = e ? e : buf_adds(b, "</bdi>. ");
	e = e ? e : esc(b, word(&d, "stats.report.as_at"));
	e = e ? e : buf_adds(b, " ");
	char asat[40];
	snprintf(asat, sizeof asat, "%s", jstr(fig, "as_at") ? jstr(fig, "as_at") : "");
	if (strlen(asat) >= 19) {
		asat[10] = ' '; /* 2026-12-02 08:33:13, legal time */
		asat[19] = '\0';
	}
	e = e ? e : esc(b, asat);
	if (json_is_true(json_object_get(fig, "suppressed"))) {
		e = e ? e : buf_adds(b, " ");
		e = e ? e : esc(b, word(&d, "stats.report.suppressed"));
	}
	e = e ? e : buf_adds(b, "</p></section>\n");

	e = e ? e : h2(&d, "stats.trend");
	e = e ? e : bars(&d, json_object_get(fig, "by_month"), "trend");
	e = e ? e : h2(&d, "stats.by_category");
	e = e ? e : hbars(&d, json_object_get(fig, "by_category"), "stats.category");
	e = e ? e : rows_table(&d, json_object_get(fig, "by_category"), "stats.category", "by-category");
	e = e ? e : h2(&d, "stats.by_class");
	e = e ? e : rows_table(&d, json_object_get(fig, "by_class"), "class", "by-class");
	e = e ? e : h2(&d, "stats.by_unit");
	e = e ? e : rows_table(&d, json_object_get(fig, "by_unit"), NULL, "by-unit");
	e = e ? e : h2(&d, "stats.by_offence");
	e = e ? e : rows_table(&d, json_object_get(fig, "by_offence"), NULL, "by-offence");

	e = e ? e : h2(&d, "stats.persons");
	e = e ? e : buf_adds(b, "<table class=\"fields\">");
	static const char *const pk[] = {"arrested", "arrested_flagrant", "arrested_notice", "minors", "foreigners",
					 "victims", "offence_lines", "reclassified", "cancelled_excluded", NULL};
	for (const char *const *k = pk; *k && !e; k++) {
		char key[64];
		snprintf(key, sizeof key, "stats.%s", *k);
		e = kv(&d, key, json_object_get(t, *k), json_object_get(tp, *k));
	}
	e = e ? e : buf_adds(b, "</table>\n");
	json_t *k = json_object_get(fig, "custody");
	e = e ? e : h2(&d, "stats.custody");
	e = e ? e : buf_adds(b, "<table class=\"fields\">");
	static const char *const ck[] = {"count", "closed", "mean_minutes", "longest_minutes", "extensions", "overdue",
					 "lawyer_in_time", "lawyer_recorded", NULL};
	for (const char *const *c = ck; *c && !e; c++) {
		char key[64];
		snprintf(key, sizeof key, "stats.custody.%s", *c);
		e = kv(&d, key, json_object_get(k, *c), NULL);
	}
	e = e ? e : buf_adds(b, "</table>\n");
	json_t *rf = json_object_get(fig, "referrals");
	e = e ? e : h2(&d, "stats.referrals");
	e = e ? e : buf_adds(b, "<table class=\"fields\">");
	const char *key;
	json_t *v;
	char tmp[160];
	json_object_foreach(json_object_get(rf, "by_outcome"), key, v) {
		e = e ? e : buf_adds(b, "<tr><th>");
		e = e ? e : esc(b, label(&d, "outcome", key, tmp, sizeof tmp));
		e = e ? e : buf_adds(b, "</th><td class=\"num\">");
		e = e ? e : num(&d, v);
		e = e ? e : buf_adds(b, "</td></tr>");
	}
	json_object_foreach(json_object_get(rf, "by_office"), key, v) {
		e = e ? e : buf_adds(b, "<tr><th>");
		e = e ? e : esc(b, key);
		e = e ? e : buf_adds(b, "</th><td class=\"num\">");
		e = e ? e : num(&d, v);
		e = e ? e : buf_adds(b, "</td></tr>");
	}
	e = e ? e : buf_adds(b, "</table>\n");
	/* seizures by kind, drugs by substance with their weight */
	json_t *sz = json_object_get(fig, "seizures");
	e = e ? e : h2(&d, "stats.seizures");
	e = e ? e : buf_adds(b, "<table class=\"fields seizures\">");
	e = e ? e : kv(&d, "stats.seizures.count", json_object_get(sz, "count"), NULL);
	json_object_foreach(json_object_get(sz, "by_kind"), key, v) {
		e = e ? e : buf_adds(b, "<tr><th>");
		e = e ? e : esc(b, label(&d, "seizure_category", key, tmp, sizeof tmp));
		e = e ? e : buf_adds(b, "</th><td class=\"num\">");
		e = e ? e : num(&d, v);
		e = e ? e : buf_adds(b, "</td><td></td></tr>");
	}
	json_object_foreach(json_object_get(sz, "drugs"), key, v) {
		e = e ? e : buf_adds(b, "<tr><th>");
		e = e ? e : esc(b, word(&d, "seizure_category.drugs"));
		e = e ? e : buf_adds(b, " — <bdi>");
		e = e ? e : esc(b, strcmp(key, "none") == 0 ? word(&d, "stats.none") : key);
		e = e ? e : buf_adds(b, "</bdi></th><td class=\"num\">");
		e = e ? e : num(&d, json_object_get(v, "count"));
		e = e ? e : buf_adds(b, "</td><td class=\"num\"><bdi dir=\"ltr\">");
		e = e ? e : num(&d, json_object_get(v, "grams"));
		e = e ? e : buf_adds(b, " g</bdi></td></tr>");
	}
	e = e ? e : buf_adds(b, "</table>\n");
	/* the mobile CNIE units (src/mobile's figures) */
	json_t *mob = json_object_get(fig, "mobile");
	if (mob) {
		e = e ? e : h2(&d, "stats.mobile");
		e = e ? e : buf_adds(b, "<table class=\"fields mobile\">");
		static const char *const mk[] = {"tours", "enrolments", "validated", "rejected", "in_adjudication",
						 "handed_over", NULL};
		for (const char *const *m = mk; *m && !e; m++) {
			char mkey[64];
			snprintf(mkey, sizeof mkey, "stats.mobile.%s", *m);
			e = kv(&d, mkey, json_object_get(mob, *m), NULL);
		}
		json_array_foreach(json_object_get(mob, "rejected_by_reason"), i, x) {
			e = e ? e : buf_adds(b, "<tr><th>");
			e = e ? e : esc(b, word(&d, "stats.mobile.rejected"));
			e = e ? e : buf_adds(b, " — <bdi dir=\"ltr\">");
			e = e ? e : esc(b, jstr(x, "reason"));
			e = e ? e : buf_adds(b, "</bdi></th><td class=\"num\">");
			e = e ? e : num(&d, json_object_get(x, "count"));
			e = e ? e : buf_adds(b, "</td><td></td></tr>");
		}
		e = e ? e : buf_adds(b, "</table>\n");
	}
	json_t *cp = json_object_get(fig, "complaints");
	e = e ? e : h2(&d, "stats.complaints");
	e = e ? e : buf_adds(b, "<table class=\"fields\">");
	json_object_foreach(json_object_get(cp, "by_disposition"), key, v) {
		e = e ? e : buf_adds(b, "<tr><th>");
		e = e ? e : esc(b, label(&d, "disposition", key, tmp, sizeof tmp));
		e = e ? e : buf_adds(b, "</th><td class=\"num\">");
		e = e ? e : num(&d, v);
		e = e ? e : buf_adds(b, "</td></tr>");
	}
	e = e ? e : kv(&d, "stats.complaints.mean_hours", json_object_get(cp, "mean_hours_to_disposition"), NULL);
	e = e ? e : buf_adds(b, "</table>\n</body></html>\n");
	json_decref(fig);
	return e;
}
