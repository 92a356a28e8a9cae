/* fuzz_text.c — the name normaliser and the cross-script name keys:
 * txt_valid_utf8, txt_normalize_n, txt_tokens, nk_parse_n, nk_name_keys and
 * nk_name_score on arbitrary bytes (the input split at its first NUL or '|'
 * into a query name and a candidate name). Checks: a normalised string is
 * valid UTF-8 and normalising is idempotent; keys fit their arrays. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "text/namekey.h"
#include "text/norm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	bool valid = txt_valid_utf8(s, size);
	buf out, again;
	buf_init(&out, 1u << 20);
	buf_init(&again, 1u << 20);
	sj_err e = txt_normalize_n(s, size, &out);
	if (!e) {
		if (!valid || !txt_valid_utf8(buf_str(&out), out.len))
			abort();
		if (txt_normalize_n(buf_str(&out), out.len, &again) || out.len != again.len ||
		    memcmp(buf_str(&out), buf_str(&again), out.len) != 0)
			abort(); /* normalising twice changes nothing */
		txt_span spans[TXT_MAX_TOKENS];
		size_t n = txt_tokens(buf_str(&out), out.len, spans, TXT_MAX_TOKENS);
		for (size_t i = 0; i < n && i < TXT_MAX_TOKENS; i++)
			if (spans[i].off + spans[i].len > out.len || spans[i].len == 0)
				abort();
	}
	buf_free(&out);
	buf_free(&again);

	size_t cut = 0;
	while (cut < size && data[cut] != '|' && data[cut] != 0)
		cut++;
	nk_name q, c;
	if (!nk_parse_n(s, cut, &q)) {
		nk_keyset ks;
		nk_name_keys(&q, &ks);
		if (cut < size && !nk_parse_n(s + cut + 1, size - cut - 1, &c)) {
			nk_match m;
			double sc = nk_name_score(&q, &c, NULL, NULL, &m);
			if (!(sc >= 0.0 && sc <= 1.0))
				abort();
		}
	}
	return 0;
}
