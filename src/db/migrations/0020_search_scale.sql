-- 0020 search at national scale (issue #20): the key index leads with the
-- field, so a family name alone ("Alaoui": key 'l', field 'l') is one
-- narrow range, and (key, field, birth_date) narrows a pair or a triple by
-- the birth date or year inside the index. New rows: weak keys of first and
-- last names (f, l) and first x last x father triples (t); the father's and
-- mother's single keys (p, m) are no longer used by the person search.
-- Persons keyed before this migration keep their f, l and x rows (still
-- found); they gain the new ones when written again (a re-import of the same
-- CINs re-keys them). See docs/internals/search.md.
-- The same index definition is in src/search/search.c (sql_make_key_index),
-- which drops it for a bulk load into an empty index and builds it after.
DELETE FROM person_keys WHERE field IN ('p', 'm');
DROP INDEX person_keys_key;
CREATE INDEX person_keys_key ON person_keys(key, field, birth_date, person_id);
