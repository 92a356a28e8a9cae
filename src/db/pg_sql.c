/* pg_sql.c — SQL text for the PostgreSQL backend: the `?` placeholders
 * every module writes, turned into libpq's $n (backend.h). Pure text work,
 * no libpq. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "db/backend.h"

/* db_pg_placeholders copies sql to out (when not NULL), turning each `?` outside
 * '...' strings, "..." identifiers, -- and block comments into $n, and
 * returns the number of placeholders. out needs strlen(sql) + 6 * n + 1. */
int db_pg_placeholders(const char *sql, char *out, size_t outsz)
{
	enum { CODE, STRING, IDENT, LINE, BLOCK } st = CODE;
	int n = 0;
	size_t o = 0;
	for (const char *p = sql; *p; p++) {
		char ch = *p;
		switch (st) {
		case CODE:
			if (ch == '?') {
				n++;
				if (out) {
					char prev = o ? out[o - 1] : ' ';
					bool word = (prev >= 'a' && prev <= 'z') || (prev >= 'A' && prev <= 'Z') ||
						    (prev >= '0' && prev <= '9') || prev == '_' || prev == '$';
					int w = snprintf(out + o, outsz - o, "%s$%d", word ? " " : "", n);
					if (w < 0 || (size_t)w >= outsz - o)
						abort(); /* sized by the counting pass: impossible */
					o += (size_t)w;
				}
				continue;
			}
			if (ch == '\'')
				st = STRING;
			else if (ch == '"')
				st = IDENT;
			else if (ch == '-' && p[1] == '-')
				st = LINE;
			else if (ch == '/' && p[1] == '*') {
				st = BLOCK;
				if (out) {
					out[o++] = ch;
				}
				ch = *++p;
			}
			break;
		case STRING: /* '' inside a string leaves and re-enters: same result */
			if (ch == '\'')
				st = CODE;
			break;
		case IDENT:
			if (ch == '"')
				st = CODE;
			break;
		case LINE:
			if (ch == '\n')
				st = CODE;
			break;
		case BLOCK:
			if (ch == '*' && p[1] == '/') {
				st = CODE;
				if (out)
					out[o++] = ch;
				ch = *++p;
			}
			break;
		}
		if (out)
			out[o++] = ch;
	}
	if (out)
		out[o] = '\0';
	return n;
}
