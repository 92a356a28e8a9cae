/* test_comms.c — the pure parts of the comms module: the personal-data
 * check of a text (what it must find, what it must leave alone) and the
 * strict RFC 4180 reader. Table-driven: each row prints got against want. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "comms/comms.h"
#include "comms/csv.h"

typedef struct pii_case {
	const char *text;
	const char *want; /* "kind:text|kind:text" in order, "" for nothing */
} pii_case;

static json_t *persons(void)
{
	return json_pack("[{s:s,s:s,s:s,s:s,s:s},{s:s,s:s,s:s,s:s,s:s}]", "first_name_lat", "Said", "last_name_lat",
			 "Tahiri", "first_name_ar", "سعيد", "last_name_ar", "الطاهري", "birth_date", "1990-04-12",
			 "first_name_lat", "Yassine", "last_name_lat", "Alami", "first_name_ar", "ياسين", "last_name_ar",
			 "العلمي", "birth_date", "2012-02-03");
}

static void pii_finds_what_it_must(void **st)
{
	(void)st;
	static const pii_case cases[] = {
		{"Le suspect, CIN BE 123456, a été présenté.", "cin:BE 123456"},
		{"titulaire de la carte BK123456.", "cin:BK123456"},
		{"joignable au 06 61 23 45 67 ou au +212 5 22 11 22 33.", "phone:06 61 23 45 67|phone:+212 5 22 11 22 33"},
		{"رقم الهاتف ٠٦١٢٣٤٥٦٧٨ للتواصل", "phone:٠٦١٢٣٤٥٦٧٨"},
		{"La vidéo date de 2019 et a été vue 12000 fois en 2023.", ""},
		{"L'autoroute A7, le G20, COVID-19 et la RN 1234.", ""},
		{"Le 12/09/2023 à 10h30, 3 blessés.", ""},
		{"Le suspect Said Tahiri a été interpellé.", "person_name:Said Tahiri"},
		{"Tahiri Said, interpellé hier.", "person_name:Tahiri Said"},
		{"تم توقيف المشتبه فيه سعيد الطاهري.", "person_name:سعيد الطاهري"},
		{"Said a été entendu.", ""}, /* an adult's first name alone is not a full name */
		{"La victime, le jeune Yassine, va bien.", "minor_name:Yassine"},
		{"la famille Alami a été informée", "minor_name:Alami"},
		{"Mohamed Alaoui n'est pas dans l'affaire.", ""},
	};
	json_t *ps = persons();
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *texts = json_pack("{s:s}", "text_fr", cases[i].text), *m = json_array();
		assert_int_equal(comms_pii_scan(texts, ps, "2026-10-01", m), SJ_OK);
		char got[512] = "";
		size_t k;
		json_t *x;
		json_array_foreach(m, k, x) {
			size_t n = strlen(got);
			snprintf(got + n, sizeof got - n, "%s%s:%s", k ? "|" : "", json_string_value(json_object_get(x, "kind")),
				 json_string_value(json_object_get(x, "text")));
		}
		if (strcmp(got, cases[i].want) != 0)
			fprintf(stderr, "# %s\n#   got  %s\n#   want %s\n", cases[i].text, got, cases[i].want);
		assert_string_equal(got, cases[i].want);
		json_decref(texts);
		json_decref(m);
	}
	/* without a linked case, names are not looked for; keys are stable */
	json_t *texts = json_pack("{s:s}", "text_fr", "Said Tahiri, CIN BE123456"), *a = json_array(), *b = json_array();
	assert_int_equal(comms_pii_scan(texts, NULL, "2026-10-01", a), SJ_OK);
	assert_int_equal(comms_pii_scan(texts, NULL, "2026-10-01", b), SJ_OK);
	assert_int_equal(json_array_size(a), 1);
	assert_true(json_equal(a, b));
	json_decref(texts);
	json_decref(a);
	json_decref(b);
	json_decref(ps);
}

typedef struct collect {
	char out[1024];
	long lines[16];
	int n;
} collect;

static sj_err rec(void *ctx, long line, size_t n, const char *const *f, const size_t *len)
{
	collect *c = ctx;
	size_t l = strlen(c->out);
	for (size_t i = 0; i < n; i++) {
		snprintf(c->out + l, sizeof c->out - l, "%s[%.*s]", i ? "," : "", (int)len[i], f[i]);
		l = strlen(c->out);
	}
	snprintf(c->out + l, sizeof c->out - l, ";");
	if (c->n < 16)
		c->lines[c->n++] = line;
	return SJ_OK;
}

static void csv_is_strict(void **st)
{
	(void)st;
	static const struct {
		const char *in, *want, *why;
		long line;
	} cases[] = {
		{"a,b\n1,2\n", "[a],[b];[1],[2];", NULL, 0},
		{"a,b\r\n1,2", "[a],[b];[1],[2];", NULL, 0},
		{"\xEF\xBB\xBF" "a\n\"x \"\"y\"\", z\"\n", "[a];[x \"y\", z];", NULL, 0},
		{"a,b\n\"l1\nl2\",3\n4,5\n", "[a],[b];[l1\nl2],[3];[4],[5];", NULL, 0},
		{",\n,\n", "[],[];[],[];", NULL, 0},
		{"a,b\n1,2,3\n", NULL, "csv-field-count", 2},
		{"a,b\n\"1,2\n", NULL, "csv-unterminated", 2},
		{"a,b\"c\n", NULL, "csv-quote", 1},
		{"\"a\"b\n", NULL, "csv-quote", 1},
		{"a\rb\n", NULL, "csv-cr", 1},
		{"", NULL, "csv-empty", 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		collect c = {.n = 0};
		const char *why = NULL;
		long line = 0;
		sj_err e = csv_read(cases[i].in, strlen(cases[i].in), rec, &c, &why, &line);
		if (cases[i].want) {
			if (e || strcmp(c.out, cases[i].want) != 0)
				fprintf(stderr, "# case %zu: got %s (%s)\n", i, c.out, why ? why : "ok");
			assert_int_equal(e, SJ_OK);
			assert_string_equal(c.out, cases[i].want);
		} else {
			assert_int_equal(e, SJ_EINVAL);
			assert_string_equal(why, cases[i].why);
			if (cases[i].line)
				assert_int_equal(line, cases[i].line);
		}
	}
	/* a record's line counts the line breaks inside quotes before it */
	collect c = {.n = 0};
	assert_int_equal(csv_read("h\n\"a\nb\"\nc\n", 10, rec, &c, NULL, NULL), SJ_OK);
	assert_int_equal(c.lines[2], 4);
	/* 64 fields pass, 65 do not */
	char wide[200] = "";
	for (int i = 0; i < 64; i++)
		snprintf(wide + strlen(wide), sizeof wide - strlen(wide), "%s", i ? ",x" : "x");
	c = (collect){.n = 0};
	assert_int_equal(csv_read(wide, strlen(wide), rec, &c, NULL, NULL), SJ_OK);
	snprintf(wide + strlen(wide), sizeof wide - strlen(wide), ",x");
	const char *why = NULL;
	assert_int_equal(csv_read(wide, strlen(wide), rec, &c, &why, NULL), SJ_EINVAL);
	assert_string_equal(why, "csv-fields");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pii_finds_what_it_must),
		cmocka_unit_test(csv_is_strict),
	};
	return cmocka_run_group_tests_name("comms", tests, NULL, NULL);
}
