/* test_registers.c — plates and document numbers across scripts, import
 * line validation, and the name similarity the hit engine relies on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "persons/persons.h"
#include "registers/registers.h"
#include "search/search.h"

static void plates_fold_arabic_and_latin(void **st)
{
	(void)st;
	static const char *const same[] = {"12345-أ-6", "12345 A 6", "12345|ا|6", "12345-a-6", "١٢٣٤٥-أ-٦", NULL};
	char a[REG_PLATE_MAX + 1], b[REG_PLATE_MAX + 1];
	assert_true(reg_plate_normalize(same[0], a));
	for (int i = 1; same[i]; i++) {
		assert_true(reg_plate_normalize(same[i], b));
		assert_string_equal(a, b);
	}
	assert_string_equal(a, "12345-A-6");
	assert_true(reg_plate_normalize("8899-ب-1", a));
	assert_true(reg_plate_normalize("8899 B 1", b));
	assert_string_equal(a, b);
	assert_true(reg_plate_normalize("77-هـ-33", a));
	assert_true(reg_plate_normalize("77 H 33", b));
	assert_string_equal(a, b);
	assert_false(reg_plate_normalize("---", a));
	assert_true(reg_plate_normalize("AB-123-CD", a)); /* a foreign plate, as typed */
	assert_string_equal(a, "AB123CD");
	assert_false(reg_plate_normalize("123456789012345678901234567890", a));
}

static void documents_fold_case_and_separators(void **st)
{
	(void)st;
	char a[REG_DOC_MAX + 1], b[REG_DOC_MAX + 1];
	assert_true(reg_doc_normalize("bk 445-566", a));
	assert_true(reg_doc_normalize("BK445566", b));
	assert_string_equal(a, b);
	assert_false(reg_doc_normalize("a1", a));
}

static void import_lines_are_validated(void **st)
{
	(void)st;
	struct {
		const char *line;
		bool good;
	} cases[] = {
		{"{\"first_name_lat\":\"Ali\"}", true},
		{"{\"last_name_ar\":\"العلوي\",\"cin\":\"be 12345\",\"sex\":\"M\",\"birth_date\":\"2000-02-29\"}", true},
		{"{\"cin\":\"BE1\"}", false},
		{"{\"first_name_lat\":\"Ali\",\"birth_date\":\"2001-02-29\"}", false},
		{"{\"first_name_lat\":\"Ali\",\"sex\":\"m\"}", false},
		{"{\"first_name_lat\":\"Ali\",\"cin\":\"123\"}", false},
		{"{\"first_name_lat\":\"Ali\",\"extra\":\"1\"}", false},
		{"{\"first_name_lat\":7}", false},
		{"[1,2]", false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *j = json_loads(cases[i].line, JSON_DECODE_ANY, NULL);
		assert_non_null(j);
		char whybuf[256];
		const char *why = persons_import_check(j, whybuf, sizeof whybuf);
		if ((why == NULL) != cases[i].good)
			fail_msg("%s: %s", cases[i].line, why ? why : "accepted");
		json_decref(j);
	}
}

static void names_match_across_scripts(void **st)
{
	(void)st;
	srch_names ar = {.first_name_ar = "عبد الرحمن", .last_name_ar = "الصالحي"};
	srch_names lat = {.first_name_lat = "Abdelkrim", .last_name_lat = "Benali"};
	assert_true(srch_name_similarity("Abderrahmane Essalhi", &ar, NULL) >= REG_HIT_THRESHOLD);
	assert_true(srch_name_similarity("Abderahman Es-Salhi", &ar, NULL) >= REG_HIT_THRESHOLD);
	assert_true(srch_name_similarity("عبد الكريم بنعلي", &lat, NULL) >= REG_HIT_THRESHOLD);
	assert_true(srch_name_similarity("Abdel Karim Ben Ali", &lat, NULL) >= REG_HIT_THRESHOLD);
	assert_true(srch_name_similarity("Youssef Cherkaoui", &ar, NULL) < REG_HIT_THRESHOLD);
	assert_true(srch_name_similarity("", &ar, NULL) == 0);
}

typedef struct acc {
	char k[64][64];
	int n;
} acc;

static void add(const char *key, void *ctx)
{
	acc *x = ctx;
	if (x->n < 64)
		snprintf(x->k[x->n++], 64, "%s", key);
}

static void keys_meet_across_scripts(void **st)
{
	(void)st;
	/* the pair key of an Arabic record and of a Latin query are the same */
	srch_names ar = {.first_name_ar = "محمد", .last_name_ar = "العلوي"};
	acc a = {.n = 0}, q = {.n = 0};
	assert_int_equal(srch_name_keys(&ar, add, &a), SJ_OK);
	assert_int_equal(srch_query_keys("Mohammed El Alaoui", add, &q), SJ_OK);
	int common = 0;
	for (int i = 0; i < a.n; i++)
		for (int j = 0; j < q.n; j++)
			common += strcmp(a.k[i], q.k[j]) == 0 && strchr(a.k[i], '|') != NULL;
	assert_true(common >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plates_fold_arabic_and_latin),
		cmocka_unit_test(documents_fold_case_and_separators),
		cmocka_unit_test(import_lines_are_validated),
		cmocka_unit_test(names_match_across_scripts),
		cmocka_unit_test(keys_meet_across_scripts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
