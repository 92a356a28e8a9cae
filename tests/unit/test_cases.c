/* test_cases.c — unit tests of the cases capability's pure parts and its
 * storage on a scratch SQLite database: reference dates and classes, CIN
 * normalisation, the custody rule in force at a date (effective dates), the
 * competent prosecution office, number allocation, HTML escaping in print. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cases/cases.h"
#include "cases/print.h"
#include "core/log.h"
#include "db/db.h"
#include "db/migrate.h"
#include "persons/persons.h"
#include "refdata/refdata.h"

static void dates_and_classes(void **st)
{
	(void)st;
	int64_t t = 0;
	/* midnight in legal time (Africa/Casablanca, tzdata), never a fixed offset */
	assert_true(ref_date_ms("2026-12-01", &t));
	assert_int_equal(t, 1796079600000LL); /* 2026-11-30T23:00Z: GMT+1 */
	assert_true(ref_date_ms("2026-03-01", &t));
	assert_int_equal(t, 1772323200000LL); /* 2026-03-01T00:00Z: GMT during Ramadan */
	assert_true(ref_date_ms("1970-01-02", &t));
	assert_int_equal(t, 86400000LL); /* Morocco kept GMT in 1970 */
	assert_true(ref_date_ms("2025-12-08T00:00:00Z", &t));
	assert_int_equal(t, 1765152000000LL);
	assert_false(ref_date_ms("2025-13-01", &t));
	assert_false(ref_date_ms("yesterday", &t));
	assert_false(ref_date_ms(NULL, &t));
	assert_true(ref_class_from_name("crime") > ref_class_from_name("delit_correctionnel"));
	assert_true(ref_class_from_name("delit_correctionnel") > ref_class_from_name("delit_police"));
	assert_true(ref_class_from_name("delit_police") > ref_class_from_name("contravention"));
	assert_int_equal(ref_class_from_name("felony"), REF_CLASS_NONE);
	assert_string_equal(ref_class_name(REF_CLASS_CRIME), "crime");
	assert_int_equal(case_year(1798761599000LL), 2027); /* 2026-12-31 23:59:59Z is 2027 in Morocco */
}

static void cin_normalisation(void **st)
{
	(void)st;
	char out[PERSON_CIN_MAX + 1];
	assert_true(persons_cin_normalize("be 123456", out));
	assert_string_equal(out, "BE123456");
	assert_true(persons_cin_normalize("A1", out));
	assert_true(persons_cin_normalize("abc-123456", out));
	assert_string_equal(out, "ABC123456");
	assert_false(persons_cin_normalize("ABCD1", out));
	assert_false(persons_cin_normalize("AB1234567", out));
	assert_false(persons_cin_normalize("12AB", out));
	assert_false(persons_cin_normalize("AB", out));
	assert_false(persons_cin_normalize("", out));
}

static db *open_scratch(char *dir)
{
	snprintf(dir, 64, "/tmp/sijill-unit-cases-XXXXXX");
	assert_non_null(mkdtemp(dir));
	char path[128];
	snprintf(path, sizeof path, "%s/t.db", dir);
	db *d = NULL;
	assert_int_equal(db_open(path, 1, &d), SJ_OK);
	assert_int_equal(db_migrate(d, NULL), SJ_OK);
	return d;
}

static void close_scratch(db *d, const char *dir)
{
	db_close(d);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void custody_rules_follow_effective_dates(void **st)
{
	(void)st;
	char dir[64];
	db *d = open_scratch(dir);
	db_conn *c;
	assert_int_equal(db_acquire(d, &c), SJ_OK);
	assert_int_equal(db_begin(c, DB_WRITE), SJ_OK);
	json_t *v1 = json_loads("{\"version\":\"1\",\"rules\":["
				"{\"regime\":\"ordinary\",\"initial_hours\":48,\"extension_hours\":24,\"max_extensions\":1,"
				"\"effective_from\":\"2003-10-01\",\"effective_to\":\"2025-12-07\"},"
				"{\"regime\":\"ordinary\",\"initial_hours\":36,\"extension_hours\":12,\"max_extensions\":2,"
				"\"effective_from\":\"2025-12-08\",\"effective_to\":null,"
				"\"applies_to_classes\":[\"crime\",\"delit_correctionnel\"]}]}",
				0, NULL);
	int added = 0;
	assert_int_equal(ref_load_custody_rules(c, v1, &added), SJ_OK);
	assert_int_equal(added, 2);
	/* the same version again adds nothing */
	assert_int_equal(ref_load_custody_rules(c, v1, &added), SJ_OK);
	assert_int_equal(added, 0);
	json_decref(v1);
	ref_custody_rule r;
	int64_t before = 0, after = 0, last_old = 0;
	assert_true(ref_date_ms("2025-01-01", &before));
	assert_true(ref_date_ms("2025-12-08", &after));
	last_old = after - 1; /* 2025-12-07 23:59:59.999 in Morocco: the old rule, inclusive */
	assert_int_equal(ref_custody_rule_at(c, "ordinary", before, &r), SJ_OK);
	assert_int_equal(r.initial_hours, 48);
	assert_string_equal(r.applies_to, "");
	assert_int_equal(ref_custody_rule_at(c, "ordinary", last_old, &r), SJ_OK);
	assert_int_equal(r.initial_hours, 48);
	assert_int_equal(ref_custody_rule_at(c, "ordinary", after, &r), SJ_OK);
	assert_int_equal(r.initial_hours, 36);
	assert_int_equal(r.max_extensions, 2);
	assert_non_null(strstr(r.applies_to, "\"crime\""));
	assert_int_equal(ref_custody_rule_at(c, "terrorism", after, &r), SJ_ENOTFOUND);
	assert_int_equal(ref_custody_rule_at(c, "ordinary", 0, &r), SJ_ENOTFOUND);
	/* a newer file version wins for the dates it covers; history stays */
	json_t *v2 = json_loads("{\"version\":\"2\",\"rules\":[{\"regime\":\"ordinary\",\"initial_hours\":24,"
				"\"effective_from\":\"2025-12-08\"}]}",
				0, NULL);
	assert_int_equal(ref_load_custody_rules(c, v2, &added), SJ_OK);
	json_decref(v2);
	assert_int_equal(ref_custody_rule_at(c, "ordinary", after, &r), SJ_OK);
	assert_int_equal(r.initial_hours, 24);
	assert_int_equal(r.max_extensions, 0);
	assert_int_equal(ref_custody_rule_at(c, "ordinary", before, &r), SJ_OK);
	assert_int_equal(r.initial_hours, 48);
	/* rights fields are read when present, -1 / defaults when absent */
	assert_int_equal(r.lawyer_max_hours, -1);
	assert_int_equal(r.majority_age_years, -1);
	assert_true(r.minors_allowed);
	assert_false(r.guardian_required);
	json_t *v4 = json_loads("{\"version\":\"4\",\"rules\":["
				"{\"regime\":\"ordinary\",\"initial_hours\":48,\"effective_from\":\"2025-12-08\","
				"\"lawyer_contact_max_hours\":24,\"lawyer_contact_max_hours_crime\":36},"
				"{\"regime\":\"terrorism\",\"initial_hours\":96,\"effective_from\":\"2025-12-08\","
				"\"minors_allowed\":false},"
				"{\"regime\":\"minor\",\"initial_hours\":48,\"effective_from\":\"2025-12-08\","
				"\"majority_age_years\":18,\"guardian_must_be_informed\":true}]}",
				0, NULL);
	assert_int_equal(ref_load_custody_rules(c, v4, &added), SJ_OK);
	json_decref(v4);
	assert_int_equal(ref_custody_rule_at(c, "ordinary", after, &r), SJ_OK);
	assert_int_equal(r.lawyer_max_hours, 24);
	assert_int_equal(r.lawyer_max_hours_delayed, 36);
	assert_int_equal(ref_custody_rule_at(c, "terrorism", after, &r), SJ_OK);
	assert_false(r.minors_allowed);
	assert_int_equal(r.lawyer_max_hours, -1);
	assert_int_equal(ref_custody_rule_at(c, "minor", after, &r), SJ_OK);
	assert_int_equal(r.majority_age_years, 18);
	assert_true(r.guardian_required);
	/* a delayed lawyer limit below the ordinary one is refused */
	json_t *v5 = json_loads("{\"version\":\"5\",\"rules\":[{\"regime\":\"ordinary\",\"initial_hours\":48,"
				"\"effective_from\":\"2026-01-01\",\"lawyer_contact_max_hours\":24,"
				"\"lawyer_contact_max_hours_crime\":12}]}",
				0, NULL);
	assert_int_equal(ref_load_custody_rules(c, v5, &added), SJ_EINVAL);
	json_decref(v5);
	/* a malformed rule fails the load */
	json_t *bad = json_loads("{\"version\":\"3\",\"rules\":[{\"regime\":\"martial\",\"initial_hours\":1,"
				 "\"effective_from\":\"2026-01-01\"}]}",
				 0, NULL);
	assert_int_equal(ref_load_custody_rules(c, bad, &added), SJ_EINVAL);
	json_decref(bad);
	db_rollback(c);
	db_release(d, c);
	close_scratch(d, dir);
}

static void prosecution_and_numbers(void **st)
{
	(void)st;
	char dir[64];
	db *d = open_scratch(dir);
	db_conn *c;
	assert_int_equal(db_acquire(d, &c), SJ_OK);
	assert_int_equal(db_begin(c, DB_WRITE), SJ_OK);
	json_t *p = json_loads("{\"version\":\"1\",\"offices\":["
			       "{\"code\":\"TPI-X\",\"kind\":\"tpi\",\"name_fr\":\"TPI X\",\"name_ar\":\"س\",\"units\":[\"D-X\"]},"
			       "{\"code\":\"TPI-Y\",\"kind\":\"tpi\",\"name_fr\":\"TPI Y\",\"name_ar\":\"ص\",\"units\":[\"AR-Y\"]},"
			       "{\"code\":\"CA-X\",\"kind\":\"ca\",\"name_fr\":\"CA X\",\"name_ar\":\"ع\",\"units\":[\"PP-X\"]}]}",
			       0, NULL);
	int added = 0;
	assert_int_equal(ref_load_prosecution(c, p, &added), SJ_OK);
	assert_int_equal(added, 3);
	json_decref(p);
	json_t *o = NULL;
	assert_int_equal(ref_prosecution_for(c, "/DGSN/PP-X/D-X/AR-Z/", "tpi", &o), SJ_OK);
	assert_string_equal(json_string_value(json_object_get(o, "code")), "TPI-X");
	json_decref(o);
	/* the nearest office wins */
	assert_int_equal(ref_prosecution_for(c, "/DGSN/PP-X/D-X/AR-Y/", "tpi", &o), SJ_OK);
	assert_string_equal(json_string_value(json_object_get(o, "code")), "TPI-Y");
	json_decref(o);
	assert_int_equal(ref_prosecution_for(c, "/DGSN/PP-X/D-X/AR-Y/", "ca", &o), SJ_OK);
	assert_string_equal(json_string_value(json_object_get(o, "code")), "CA-X");
	json_decref(o);
	assert_int_equal(ref_prosecution_for(c, "/DGSN/PP-Q/", "ca", &o), SJ_ENOTFOUND);
	/* numbers: consecutive per (kind, unit, year), independent otherwise */
	int64_t n = 0;
	for (int i = 1; i <= 3; i++) {
		assert_int_equal(case_counter_next(c, "case", "u1", 2026, &n), SJ_OK);
		assert_int_equal(n, i);
	}
	assert_int_equal(case_counter_next(c, "case", "u2", 2026, &n), SJ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(case_counter_next(c, "case", "u1", 2027, &n), SJ_OK);
	assert_int_equal(n, 1);
	assert_int_equal(case_counter_next(c, "complaint", "u1", 2026, &n), SJ_OK);
	assert_int_equal(n, 1);
	db_rollback(c);
	db_release(d, c);
	close_scratch(d, dir);
}

static void print_escapes_everything(void **st)
{
	(void)st;
	json_t *pv = json_pack("{s:s,s:s,s:s,s:{s:s},s:s}", "number", "<script>x</script>", "status", "draft", "type",
			       "hearing_witness", "body", "statements", "\"a\" & 'b' <img src=x onerror=y>",
			       "drafter_name", "O'Brien");
	buf b;
	buf_init(&b, PRINT_MAX_HTML);
	assert_int_equal(print_pv_html(pv, &b), SJ_OK);
	const char *h = buf_str(&b);
	assert_null(strstr(h, "<script"));
	assert_null(strstr(h, "<img"));
	assert_non_null(strstr(h, "&lt;script&gt;"));
	assert_non_null(strstr(h, "&quot;a&quot; &amp; &#39;b&#39;"));
	assert_non_null(strstr(h, "PROJET"));
	assert_non_null(strstr(h, "dir=\"rtl\""));
	assert_null(strstr(h, "style="));
	buf_free(&b);
	json_decref(pv);
}

int main(void)
{
	log_set_quiet(1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dates_and_classes),
		cmocka_unit_test(cin_normalisation),
		cmocka_unit_test(custody_rules_follow_effective_dates),
		cmocka_unit_test(prosecution_and_numbers),
		cmocka_unit_test(print_escapes_everything),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
