/* csv.c — the strict RFC 4180 reader (see csv.h). */
#include "comms/csv.h"

#include <stdlib.h>
#include <string.h>

/* One record being assembled: fields stored back to back, NUL-terminated. */
typedef struct rec_state {
	char data[COMMS_CSV_FIELDS * (COMMS_CSV_FIELD_MAX + 1)];
	size_t used;
	size_t n;
	size_t start[COMMS_CSV_FIELDS];
	size_t flen[COMMS_CSV_FIELDS];
	const char *ptr[COMMS_CSV_FIELDS];
} rec_state;

static int add_byte(rec_state *s, char ch)
{
	if (s->flen[s->n] >= COMMS_CSV_FIELD_MAX)
		return -1;
	s->data[s->used++] = ch;
	s->flen[s->n]++;
	return 0;
}

static void end_field(rec_state *s)
{
	s->data[s->used++] = '\0';
	s->n++;
	if (s->n < COMMS_CSV_FIELDS) {
		s->start[s->n] = s->used;
		s->flen[s->n] = 0;
	}
}

static void reset(rec_state *s)
{
	s->used = 0;
	s->n = 0;
	s->start[0] = 0;
	s->flen[0] = 0;
}

#define FAIL(code) \
	do { \
		e = SJ_EINVAL; \
		reason = (code); \
		goto out; \
	} while (0)

sj_err csv_read(const char *data, size_t len, csv_fn fn, void *ctx, const char **why, long *line)
{
	if (why)
		*why = NULL;
	if (line)
		*line = 0;
	rec_state *s = malloc(sizeof *s);
	if (!s)
		return SJ_ENOMEM;
	reset(s);
	sj_err e = SJ_OK;
	const char *reason = NULL;
	size_t i = 0, header_n = 0;
	long ln = 1, rec_line = 1, records = 0;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < len) {
		/* one record */
		rec_line = ln;
		reset(s);
		for (;;) {
			/* one field, at data[i] */
			if (s->n >= COMMS_CSV_FIELDS)
				FAIL("csv-fields");
			if (i < len && data[i] == '"') {
				i++;
				for (;;) {
					if (i >= len)
						FAIL("csv-unterminated");
					char ch = data[i];
					if (ch == '\0')
						FAIL("csv-nul");
					if (ch == '"') {
						if (i + 1 < len && data[i + 1] == '"') {
							if (add_byte(s, '"'))
								FAIL("csv-field-too-long");
							i += 2;
							continue;
						}
						i++;
						break;
					}
					if (ch == '\n')
						ln++;
					if (add_byte(s, ch))
						FAIL("csv-field-too-long");
					i++;
				}
				if (i < len && data[i] != ',' && data[i] != '\n' && data[i] != '\r')
					FAIL("csv-quote");
			} else {
				while (i < len && data[i] != ',' && data[i] != '\n' && data[i] != '\r') {
					if (data[i] == '"')
						FAIL("csv-quote");
					if (data[i] == '\0')
						FAIL("csv-nul");
					if (add_byte(s, data[i]))
						FAIL("csv-field-too-long");
					i++;
				}
			}
			end_field(s);
			if (i < len && data[i] == ',') {
				i++;
				continue;
			}
			break;
		}
		/* the record's end: CRLF, LF or the end of the data */
		if (i < len && data[i] == '\r') {
			if (i + 1 >= len || data[i + 1] != '\n')
				FAIL("csv-cr");
			i++;
		}
		if (i < len && data[i] == '\n') {
			i++;
			ln++;
		}
		if (records == 0)
			header_n = s->n;
		else if (s->n != header_n)
			FAIL("csv-field-count");
		for (size_t k = 0; k < s->n; k++)
			s->ptr[k] = s->data + s->start[k];
		records++;
		e = fn(ctx, rec_line, s->n, s->ptr, s->flen);
		if (e)
			goto out;
	}
	if (records == 0)
		FAIL("csv-empty");
out:
	if (reason) {
		if (why)
			*why = reason;
		if (line)
			*line = rec_line;
	}
	free(s);
	return e;
}
