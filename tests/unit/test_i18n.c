/* test_i18n.c — the two dictionaries (web/i18n/ar.json, fr.json), which the
 * UI and the server share, hold what the descriptions promise:
 *   - the label of every field of every record the API knows, described in
 *     its owning module ("<record>.<field>"), nested and flattened records
 *     included, and of every value of every enum ("<enum>.<value>");
 *   - the same keys in both languages (parity);
 *   - Arabic text in Arabic script: no Latin letter outside a {placeholder}
 *     and the identifiers named in LATIN_IDS.
 * The messages of the reason and field-error codes the C code emits are
 * checked by scripts/check-messages.py (a scan of src/). Prints every key
 * missing, in both languages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "core/i18n.h"

#define MAX_SEEN 512

/* Identifiers written in Latin letters in Arabic text too: the codes of
 * documents and systems the forms show as they are printed. */
static const char *const LATIN_IDS[] = {"CIN", "OPJ", "PV", "TOTP", "BLAKE2b", "VIN", "URL", "sijill", "ID",
					"TPI", "PDF", "API", "JSON", "CNIE", "OTP", "SMS", "GPS",
					/* file formats, URL schemes and the schema.org
					 * type the comms pages name as they are written */
					"CSV", "PNG", "JPEG", "WebP", "GIF", "http", "https", "ClaimReview",
					"schema", "org", "LD", NULL};

/* Arabic texts that show a Latin spelling on purpose (the search finds a
 * person across scripts: the hint says so by example). */
static const char *const LATIN_EXAMPLES[] = {"persons.q-hint", "comms.crisis-code-hint", "comms.units-hint",
					     NULL};

static json_t *ar, *fr;
static const rec_desc *seen[MAX_SEEN];
static int nseen, missing;

static void need(const char *key, const char *why)
{
	bool a = json_is_string(json_object_get(ar, key)), f = json_is_string(json_object_get(fr, key));
	if (a && f)
		return;
	missing++;
	printf("# missing %s%s%s (%s)\n", key, !a ? " [ar]" : "", !f ? " [fr]" : "", why);
}

static void walk(const rec_desc *d)
{
	if (!d)
		return;
	for (int i = 0; i < nseen; i++)
		if (seen[i] == d)
			return;
	if (nseen < MAX_SEEN)
		seen[nseen++] = d;
	char key[256];
	for (size_t i = 0; i < d->nfields; i++) {
		const rec_field *f = &d->fields[i];
		snprintf(key, sizeof key, "%s.%s", d->name, f->name);
		need(key, "field label");
		const rec_enum *en = rec_enums(f);
		for (const char *const *v = en ? en->values : NULL; v && *v; v++) {
			snprintf(key, sizeof key, "%s.%s", en->name, *v);
			need(key, "enum value");
		}
		walk(rec_sub(f));
	}
	/* a flattened record's members keep their own labels ("person.cin" in
	 * a case's persons): the schema names them so */
	walk(d->flat);
}

static void every_label_exists(void **st)
{
	(void)st;
	for (size_t i = 0; app_records[i]; i++)
		walk(app_records[i]);
	printf("# %d records walked\n", nseen);
	assert_int_equal(missing, 0);
}

static void same_keys_in_both(void **st)
{
	(void)st;
	int bad = 0;
	const char *k;
	json_t *v;
	json_object_foreach(ar, k, v) if (!json_object_get(fr, k)) {
		printf("# %s is in ar.json only\n", k);
		bad++;
	}
	json_object_foreach(fr, k, v) if (!json_object_get(ar, k)) {
		printf("# %s is in fr.json only\n", k);
		bad++;
	}
	assert_int_equal(bad, 0);
}

/* latin_word: the Latin run at s (length n) is an allowed identifier. */
static bool latin_word(const char *s, size_t n)
{
	for (int i = 0; LATIN_IDS[i]; i++)
		if (strlen(LATIN_IDS[i]) == n && strncmp(LATIN_IDS[i], s, n) == 0)
			return true;
	return false;
}

static void arabic_is_arabic(void **st)
{
	(void)st;
	int bad = 0;
	const char *k;
	json_t *v;
	json_object_foreach(ar, k, v) {
		const char *s = json_string_value(v);
		for (const char *p = s; p && *p;) {
			if (*p == '{') { /* a placeholder */
				const char *e = strchr(p, '}');
				p = e ? e + 1 : p + 1;
				continue;
			}
			bool latin = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z');
			if (!latin) {
				p++;
				continue;
			}
			const char *w = p;
			bool digit = false;
			while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
				digit |= *p++ <= '9';
			/* an identifier written as it is printed: a CIN "BE123456", a
			 * plate's series letter "12345-A-6" */
			bool in_number = (w > s + 1 && w[-1] == '-' && w[-2] >= '0' && w[-2] <= '9') ||
					 (p[0] == '-' && p[1] >= '0' && p[1] <= '9');
			bool example = false;
			for (int i = 0; LATIN_EXAMPLES[i]; i++)
				example |= strcmp(LATIN_EXAMPLES[i], k) == 0;
			if (!digit && !in_number && !example && !latin_word(w, (size_t)(p - w))) {
				printf("# ar.json %s: Latin \"%.*s\" in \"%s\"\n", k, (int)(p - w), w, s);
				bad++;
				break;
			}
		}
	}
	assert_int_equal(bad, 0);
}

static json_t *load(const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/web/i18n/%s", SIJILL_SOURCE_ROOT, name);
	json_error_t err;
	json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	if (!j)
		printf("# %s: %s (line %d)\n", path, err.text, err.line);
	return j;
}

static int setup(void **state)
{
	(void)state;
	ar = load("ar.json");
	fr = load("fr.json");
	return ar && fr ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	json_decref(ar);
	json_decref(fr);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_label_exists),
		cmocka_unit_test(same_keys_in_both),
		cmocka_unit_test(arabic_is_arabic),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
