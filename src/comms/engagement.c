/* engagement.c — views, likes, shares and comments of a published item per
 * channel and day: entered by hand, or imported from the CSV export a
 * platform gives (no platform API: see docs/internals/comms.md for why and
 * for the column mapping of each platform). */
#include "comms/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "comms/csv.h"
#include "core/clock.h"
#include "db/dbj.h"

REC_ENUM_DEF_PUBLIC(comms_platforms, "comms_platform", "sijill", "facebook", "instagram", "x", "youtube", "tiktok");
REC_ENUM_DEF(eng_sources, "comms_eng_source", "manual", "import");

#define ENG_FIELDS(X) \
	X(C, activity_id, ID, 0, 36, NULL, 0) \
	X(C, channel, ENUM, 0, 0, &comms_channels, IN | REQ | OUT) \
	X(C, observed_on, DATE, 0, 10, NULL, IN | REQ | OUT) \
	X(C, views, INT, 0, COMMS_COUNT_MAX, NULL, IN | REQ | OUT) \
	X(C, likes, INT, 0, COMMS_COUNT_MAX, NULL, IN | OUT | NULLABLE) \
	X(C, shares, INT, 0, COMMS_COUNT_MAX, NULL, IN | OUT | NULLABLE) \
	X(C, comments, INT, 0, COMMS_COUNT_MAX, NULL, IN | OUT | NULLABLE) \
	X(C, source, ENUM, 0, 0, &eng_sources, OUT) \
	X(C, import_id, ID, 0, 36, NULL, OUT) \
	X(C, recorded_by, ID, 0, 36, NULL, 0) \
	X(C, recorded_at, TIME, 0, 0, NULL, OUT)
static const rec_field eng_fields[] = {REC_ID_FIELD, ENG_FIELDS(REC_FIELD)};
const rec_desc comms_engagement_rec = REC_DESC("comms_engagement", "comms_engagement", eng_fields, NULL);

#define CSV_FIELDS(X) \
	X(V, platform, ENUM, 0, 0, &comms_platforms, IN | REQ) \
	X(V, channel, ENUM, 0, 0, &comms_channels, IN | NULLABLE) \
	X(V, filename, TEXT, 1, SJ_MAX_NAME, NULL, IN | NULLABLE) \
	X(V, csv, TEXT, 1, COMMS_CSV_MAX, NULL, IN | REQ | MULTI)
static const rec_field csv_fields[] = {CSV_FIELDS(REC_FIELD)};
const rec_desc comms_csv_rec = REC_DESC("comms_csv_import", NULL, csv_fields, NULL);

/* The column mapping of each platform's export (the header names, matched
 * without regard to case or surrounding spaces; other columns are ignored).
 * daily: each row holds that day's figures, summed here into running
 * totals; otherwise each row is the running total on that day. */
typedef struct platform_map {
	const char *platform, *channel;
	bool daily;
	const char *col[5]; /* date, views, likes, shares, comments */
} platform_map;
static const platform_map maps[] = {
	{"sijill", NULL, false, {"date", "views", "likes", "shares", "comments"}},
	{"facebook", "facebook", true, {"Date", "Views", "Reactions", "Shares", "Comments"}},
	{"instagram", "instagram", true, {"Date", "Views", "Likes", "Shares", "Comments"}},
	{"x", "x", true, {"Date", "Impressions", "Likes", "Reposts", "Replies"}},
	{"youtube", "youtube", true, {"Date", "Views", "Likes", "Shares", "Comments added"}},
	{"tiktok", "tiktok", true, {"Date", "Video views", "Likes", "Shares", "Comments"}},
};
static const char *const metric[5] = {"observed_on", "views", "likes", "shares", "comments"};

typedef struct day {
	char date[11];
	int64_t v[4];
} day;

typedef struct reader {
	const platform_map *map;
	long idx[5];
	json_t *missing, *errors, *seen;
	size_t nerrors;
	day *days;
	size_t ndays;
	bool too_many;
} reader;

/* trimmed copies field f without surrounding spaces into out. */
static void trimmed(const char *f, size_t n, char *out, size_t outsz)
{
	while (n && (*f == ' ' || *f == '\t'))
		f++, n--;
	while (n && (f[n - 1] == ' ' || f[n - 1] == '\t'))
		n--;
	snprintf(out, outsz, "%.*s", (int)n, f);
}

static void row_error(reader *r, long line, const char *column, const char *code)
{
	r->nerrors++;
	if (json_array_size(r->errors) < COMMS_ERRORS_SHOWN)
		json_array_append_new(r->errors, json_pack("{s:I,s:s,s:s}", "line", (json_int_t)line, "column", column,
							   "code", code));
}

/* count reads a non-negative integer cell ("" is 0). */
static const char *count(const char *s, int64_t *out)
{
	*out = 0;
	if (!*s)
		return NULL;
	if (*s == '-')
		return "negative";
	size_t n = strlen(s);
	if (n > 15)
		return "range";
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return "number";
		*out = *out * 10 + (s[i] - '0');
	}
	return *out > COMMS_COUNT_MAX ? "range" : NULL;
}

static sj_err on_record(void *ctx, long line, size_t n, const char *const *f, const size_t *len)
{
	reader *r = ctx;
	char cell[COMMS_CSV_FIELD_MAX + 1];
	if (r->idx[0] == -2) {
		/* the header */
		for (int k = 0; k < 5; k++) {
			r->idx[k] = -1;
			for (size_t i = 0; i < n; i++) {
				trimmed(f[i], len[i], cell, sizeof cell);
				if (strcasecmp(cell, r->map->col[k]) == 0)
					r->idx[k] = (long)i;
			}
			if (r->idx[k] < 0)
				json_array_append_new(r->missing, json_string(r->map->col[k]));
		}
		return json_array_size(r->missing) ? SJ_EUNPROCESSABLE : SJ_OK;
	}
	if (r->ndays >= COMMS_CSV_ROWS_MAX) {
		r->too_many = true;
		return SJ_EUNPROCESSABLE;
	}
	day d = {{0}, {0, 0, 0, 0}};
	bool ok = true;
	long i0 = r->idx[0];
	trimmed(f[i0], len[i0], cell, sizeof cell);
	/* the date is checked by the record's own rules (a real calendar date) */
	json_t *probe = json_pack("{s:s,s:s,s:i}", "channel", "press", "observed_on", cell, "views", 0);
	json_t *errs = json_array();
	if (!probe || !errs || !rec_check(&comms_engagement_rec, REC_CREATE, probe, NULL, errs)) {
		row_error(r, line, r->map->col[0], "date");
		ok = false;
	} else {
		memcpy(d.date, cell, 10); /* a valid date is 10 bytes */
		d.date[10] = '\0';
		if (json_object_get(r->seen, cell)) {
			row_error(r, line, r->map->col[0], "duplicate-date");
			ok = false;
		}
		json_object_set_new(r->seen, cell, json_true());
	}
	json_decref(probe);
	json_decref(errs);
	for (int k = 1; k < 5; k++) {
		long ik = r->idx[k];
		trimmed(f[ik], len[ik], cell, sizeof cell);
		const char *bad = count(cell, &d.v[k - 1]);
		if (bad) {
			row_error(r, line, r->map->col[k], bad);
			ok = false;
		}
	}
	if (ok)
		r->days[r->ndays++] = d;
	return SJ_OK;
}

static int by_date(const void *a, const void *b)
{
	return strcmp(((const day *)a)->date, ((const day *)b)->date);
}

static const char sql_upsert[] =
	"INSERT INTO comms_engagement (id, activity_id, channel, observed_on, views, likes, shares, comments, source,"
	" import_id, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	" ON CONFLICT (activity_id, channel, observed_on) DO UPDATE SET views = excluded.views,"
	" likes = excluded.likes, shares = excluded.shares, comments = excluded.comments, source = excluded.source,"
	" import_id = excluded.import_id, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at";
static const char sql_before[] =
	"SELECT views, likes, shares, comments FROM comms_engagement WHERE activity_id = ? AND channel = ?"
	" AND observed_on < ? ORDER BY observed_on DESC LIMIT 1";
static const char sql_import_known[] =
	"SELECT id FROM comms_engagement_imports WHERE activity_id = ? AND channel = ? AND file_hash = ?";
static const char sql_import_add[] =
	"INSERT INTO comms_engagement_imports (id, activity_id, channel, platform, file_hash, filename, rows_read,"
	" first_date, last_date, imported_by, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

static sj_err published_item(db_conn *c, const sj_actor *a, const char *id, comms_act_ref *ref, const char **why)
{
	sj_err e = comms_act_ref_get(c, id, ref);
	if (e)
		return e;
	if (!comms_can_write(a, ref->unit_path))
		return SJ_EFORBIDDEN;
	if (strcmp(ref->status, "published") != 0) {
		*why = "comms-not-published";
		return SJ_ECONFLICT;
	}
	return SJ_OK;
}

sj_err comms_engagement_add(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out,
			    const char **why)
{
	*out = NULL;
	comms_act_ref ref;
	sj_err e = published_item(c, a, id, &ref, why);
	if (e)
		return e;
	char rid[ID_LEN + 1];
	id_new(rid);
	e = db_run(c, sql_upsert, "ttttiiiittti", rid, id, cj_str(in, "channel"), cj_str(in, "observed_on"),
		   cj_int(in, "views"), cj_int(in, "likes"), cj_int(in, "shares"), cj_int(in, "comments"), "manual", NULL,
		   a->id, clock_now_ms());
	return e ? e : comms_engagement_list(c, a, id, out);
}

sj_err comms_engagement_import(db_conn *c, const sj_actor *a, const char *id, json_t *in, json_t **out,
			       const char **why, json_t **extra)
{
	*out = NULL;
	*extra = NULL;
	comms_act_ref ref;
	sj_err e = published_item(c, a, id, &ref, why);
	if (e)
		return e;
	const platform_map *map = NULL;
	for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++)
		if (strcmp(maps[i].platform, cj_str(in, "platform")) == 0)
			map = &maps[i];
	const char *channel = cj_str(in, "channel") ? cj_str(in, "channel") : map->channel;
	if (!channel) {
		*why = "comms-csv-channel";
		return SJ_EUNPROCESSABLE;
	}
	const char *csv = cj_str(in, "csv");
	size_t csv_len = strlen(csv);
	char hash[65];
	comms_hash_hex(csv, csv_len, hash);
	json_t *known = NULL;
	e = dbj_one(c, sql_import_known, "id:t", &known, "ttt", id, channel, hash);
	if (!e) {
		/* the same file again: recognised, nothing changes */
		*out = json_pack("{s:b,s:O,s:s,s:s,s:i}", "already_imported", 1, "import_id", json_object_get(known, "id"),
				 "channel", channel, "platform", map->platform, "rows", 0);
		json_decref(known);
		return *out ? SJ_OK : SJ_ENOMEM;
	}
	if (e != SJ_ENOTFOUND)
		return e;
	reader r = {.map = map, .idx = {-2, 0, 0, 0, 0}, .missing = json_array(), .errors = json_array(),
		    .seen = json_object(), .days = malloc(COMMS_CSV_ROWS_MAX * sizeof(day))};
	const char *syntax = NULL;
	long line = 0;
	if (!r.missing || !r.errors || !r.seen || !r.days) {
		e = SJ_ENOMEM;
		goto out;
	}
	e = csv_read(csv, csv_len, on_record, &r, &syntax, &line);
	if (e == SJ_EINVAL) {
		*why = "comms-csv-syntax";
		*extra = json_pack("{s:s,s:I}", "reason", syntax, "line", (json_int_t)line);
		e = SJ_EUNPROCESSABLE;
		goto out;
	}
	if (json_array_size(r.missing)) {
		*why = "comms-csv-columns";
		json_t *want = json_array();
		for (int k = 0; k < 5; k++)
			json_array_append_new(want, json_string(map->col[k]));
		*extra = json_pack("{s:s,s:O,s:o}", "platform", map->platform, "missing", r.missing, "expected", want);
		e = SJ_EUNPROCESSABLE;
		goto out;
	}
	if (r.too_many) {
		*why = "comms-csv-too-many-rows";
		e = SJ_EUNPROCESSABLE;
		goto out;
	}
	if (e)
		goto out;
	if (r.nerrors) {
		/* all or nothing: a series with holes would look complete */
		*why = "comms-csv-rows";
		*extra = json_pack("{s:O,s:I}", "errors", r.errors, "error_count", (json_int_t)r.nerrors);
		e = SJ_EUNPROCESSABLE;
		goto out;
	}
	if (r.ndays == 0) {
		*why = "comms-csv-empty";
		e = SJ_EUNPROCESSABLE;
		goto out;
	}
	qsort(r.days, r.ndays, sizeof(day), by_date);
	int64_t base[4] = {0, 0, 0, 0}, now = clock_now_ms();
	if (map->daily) {
		json_t *b = NULL;
		e = dbj_one(c, sql_before, "views:i,likes:i,shares:i,comments:i", &b, "ttt", id, channel, r.days[0].date);
		if (!e)
			for (int k = 0; k < 4; k++)
				base[k] = cj_int(b, metric[k + 1]);
		json_decref(b);
		if (e && e != SJ_ENOTFOUND)
			goto out;
		e = SJ_OK;
	}
	char iid[ID_LEN + 1];
	id_new(iid);
	e = db_run(c, sql_import_add, "ttttttittti", iid, id, channel, map->platform, hash, cj_str(in, "filename"),
		   (int64_t)r.ndays, r.days[0].date, r.days[r.ndays - 1].date, a->id, now);
	for (size_t i = 0; i < r.ndays && !e; i++) {
		int64_t v[4];
		for (int k = 0; k < 4; k++)
			v[k] = map->daily ? (base[k] += r.days[i].v[k]) : r.days[i].v[k];
		char rid[ID_LEN + 1];
		id_new(rid);
		e = db_run(c, sql_upsert, "ttttiiiittti", rid, id, channel, r.days[i].date, v[0], v[1], v[2], v[3],
			   "import", iid, a->id, now);
	}
	if (!e)
		*out = json_pack("{s:b,s:s,s:s,s:s,s:I,s:s,s:s}", "already_imported", 0, "import_id", iid, "channel",
				 channel, "platform", map->platform, "rows", (json_int_t)r.ndays, "first_date",
				 r.days[0].date, "last_date", r.days[r.ndays - 1].date);
out:
	json_decref(r.missing);
	json_decref(r.errors);
	json_decref(r.seen);
	free(r.days);
	return e;
}

static const char sql_series[] =
	"SELECT channel, observed_on, views, likes, shares, comments, source FROM comms_engagement"
	" WHERE activity_id = ? ORDER BY channel, observed_on";

sj_err comms_engagement_list(db_conn *c, const sj_actor *a, const char *id, json_t **out)
{
	*out = NULL;
	comms_act_ref ref;
	sj_err e = comms_act_ref_get(c, id, &ref);
	if (e)
		return e;
	if (!comms_can_read(a, ref.unit_path))
		return SJ_EFORBIDDEN;
	json_t *rows = NULL;
	e = dbj_rows(c, sql_series, "channel:t,observed_on:t,views:i,likes:i,shares:i,comments:i,source:t", &rows, "t",
		     id);
	if (e)
		return e;
	/* totals: the latest snapshot of each channel, summed */
	int64_t tot[4] = {0, 0, 0, 0};
	size_t n = json_array_size(rows);
	for (size_t i = 0; i < n; i++) {
		json_t *r = json_array_get(rows, i), *next = json_array_get(rows, i + 1);
		if (next && strcmp(cj_str(next, "channel"), cj_str(r, "channel")) == 0)
			continue;
		for (int k = 0; k < 4; k++)
			tot[k] += cj_int(r, metric[k + 1]);
	}
	*out = json_pack("{s:s,s:o,s:{s:I,s:I,s:I,s:I}}", "activity_id", id, "series", rows, "totals", "views",
			 (json_int_t)tot[0], "likes", (json_int_t)tot[1], "shares", (json_int_t)tot[2], "comments",
			 (json_int_t)tot[3]);
	return *out ? SJ_OK : SJ_ENOMEM;
}
