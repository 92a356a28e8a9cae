/* csv.h — a strict RFC 4180 reader for the engagement exports of social
 * platforms (comms/engagement.c), and nothing else. Small on purpose; the
 * fuzz target tests/fuzz/fuzz_csv.c holds it to its contract.
 *
 * What it accepts (RFC 4180 §2, stricter where the RFC is loose):
 *   - records end with CRLF or LF (a lone CR outside quotes is an error);
 *     the last record may end without one; one UTF-8 BOM at the very start
 *     is skipped (spreadsheet exports carry it);
 *   - fields are separated by commas; a field is either unquoted (no '"'
 *     anywhere in it) or quoted from its first byte to a closing '"' that
 *     is followed by a comma, a line end or the end of the data, with '""'
 *     standing for one quote; line breaks inside quotes are data;
 *   - every record has as many fields as the first one (the header);
 *   - no NUL byte; at most COMMS_CSV_FIELDS fields of at most
 *     COMMS_CSV_FIELD_MAX bytes each.
 * Anything else stops the reading with a reason code and the line where the
 * bad record starts. Nothing is allocated per record.
 */
#ifndef SJ_COMMS_CSV_H
#define SJ_COMMS_CSV_H

#include <stddef.h>
#include "core/err.h"

#define COMMS_CSV_FIELDS    64
#define COMMS_CSV_FIELD_MAX 4096

/* Called once per record (the header first): n fields, each NUL-terminated
 * (f[i], len[i] bytes), valid until the callback returns; line is the
 * 1-based line where the record starts. A non-zero return stops the reading
 * and is returned by csv_read. */
typedef sj_err (*csv_fn)(void *ctx, long line, size_t n, const char *const *f, const size_t *len);

/* csv_read reads data[0..len) and calls fn for each record. Returns
 * SJ_OK; SJ_EINVAL on malformed data with *why one of "csv-quote" (a quote
 * where none may be), "csv-unterminated" (a quoted field never closed),
 * "csv-cr" (a CR not followed by LF), "csv-nul", "csv-fields" (too many
 * fields), "csv-field-too-long", "csv-field-count" (not as many fields as
 * the header), "csv-empty" (no record at all), and *line the record's line;
 * SJ_ENOMEM; or what fn returned. why and line may be NULL. */
SJ_MUST_USE sj_err csv_read(const char *data, size_t len, csv_fn fn, void *ctx, const char **why,
				  long *line);

#endif
