/* fuzz_csv.c — the strict RFC 4180 reader of engagement exports
 * (comms/csv.h). Checks: records and fields stay within the limits, every
 * field is NUL-free and its length is right, every record has as many fields
 * as the header, a refusal names its reason and line; and what was read,
 * written back with every field quoted, reads back the same (the reader and
 * RFC 4180 agree on what a field is). */
#include <stdlib.h>
#include <string.h>

#include "comms/csv.h"
#include "fuzz.h"

#define KEEP_MAX (64 * 1024)

typedef struct out {
	char *enc;     /* the records written back, quoted */
	size_t len, cap;
	size_t header_n;
	long records;
	long last_line;
	char *seen;    /* for the second pass: the fields in order, NUL-separated */
	size_t seen_len, pos;
	int compare;   /* 0 first pass, 1 second pass */
} out;

static void put(out *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		o->cap = (o->len + n + 1) * 2;
		o->enc = realloc(o->enc, o->cap);
		if (!o->enc)
			abort();
	}
	memcpy(o->enc + o->len, s, n);
	o->len += n;
}

static sj_err on_record(void *ctx, long line, size_t n, const char *const *f, const size_t *len)
{
	out *o = ctx;
	if (n == 0 || n > COMMS_CSV_FIELDS || line < 1 || line < o->last_line)
		abort();
	if (o->records == 0)
		o->header_n = n;
	else if (n != o->header_n)
		abort();
	o->records++;
	o->last_line = line;
	for (size_t i = 0; i < n; i++) {
		if (len[i] > COMMS_CSV_FIELD_MAX || strlen(f[i]) != len[i])
			abort();
		if (o->compare) {
			if (o->pos + len[i] + 1 > o->seen_len || memcmp(o->seen + o->pos, f[i], len[i] + 1) != 0)
				abort();
			o->pos += len[i] + 1;
			continue;
		}
		/* keep for the comparison and write back quoted */
		put(o, i ? ",\"" : "\"", i ? 2 : 1);
		for (size_t k = 0; k < len[i]; k++)
			put(o, f[i][k] == '"' ? "\"\"" : &f[i][k], f[i][k] == '"' ? 2 : 1);
		put(o, "\"", 1);
		o->seen = realloc(o->seen, o->seen_len + len[i] + 1);
		if (!o->seen)
			abort();
		memcpy(o->seen + o->seen_len, f[i], len[i] + 1);
		o->seen_len += len[i] + 1;
	}
	if (!o->compare)
		put(o, "\r\n", 2);
	return SJ_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > KEEP_MAX)
		size = KEEP_MAX;
	out o = {0};
	const char *why = NULL;
	long line = 0;
	sj_err e = csv_read((const char *)data, size, on_record, &o, &why, &line);
	if (e == SJ_EINVAL) {
		if (!why || line < 1)
			abort();
	} else if (e) {
		abort();
	} else if (o.records > 0) {
		/* read it back: the same fields in the same order */
		out again = {.compare = 1, .seen = o.seen, .seen_len = o.seen_len};
		e = csv_read(o.enc, o.len, on_record, &again, &why, &line);
		if (e || again.records != o.records || again.pos != o.seen_len)
			abort();
		free(again.enc);
	}
	free(o.enc);
	free(o.seen);
	return 0;
}
