-- Issue 17 item 5 (proc): a wanted notice's offence is an entry of the
-- offence catalogue (data/offences.json, ref_offences), not free text:
-- registers.c refuses a code not in force ("wanted-offence-unknown") and
-- writes the catalogue's label unless the order's wording is given.
-- The notices recorded before keep their offence as typed (history); one
-- whose text is exactly a catalogue label (French or Arabic, any case) gets
-- that entry's code, the others stay without a code.
ALTER TABLE wanted_notices ADD COLUMN offence_code TEXT;
UPDATE wanted_notices SET offence_code = (SELECT MIN(r.code) FROM ref_offences r
  WHERE lower(r.label_fr) = lower(trim(wanted_notices.offence)) OR r.label_ar = trim(wanted_notices.offence))
  WHERE offence_code IS NULL;
-- @sqlite
-- the new column travels (the triggers again, generated:
-- SIJILL_PRINT_XCHG_DDL=1 build-test/tests/unit/test_exchange)
DROP TRIGGER IF EXISTS xchg_wanted_notices_insert;
DROP TRIGGER IF EXISTS xchg_wanted_notices_update;
CREATE TRIGGER xchg_wanted_notices_insert AFTER INSERT ON wanted_notices FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM xchg_pulled WHERE tbl = 'wanted_notices' AND id = NEW.id) BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('wanted_notices', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'unit_id', NEW.unit_id, 'reference', NEW.reference, 'issuing_authority', NEW.issuing_authority, 'offence', NEW.offence, 'danger', NEW.danger, 'status', NEW.status, 'status_reason', NEW.status_reason, 'person_id', NEW.person_id, 'cin', NEW.cin, 'first_name_ar', NEW.first_name_ar, 'last_name_ar', NEW.last_name_ar, 'first_name_lat', NEW.first_name_lat, 'last_name_lat', NEW.last_name_lat, 'father_name_ar', NEW.father_name_ar, 'father_name_lat', NEW.father_name_lat, 'birth_date', NEW.birth_date, 'sex', NEW.sex, 'created_by', NEW.created_by, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'found_unit_id', NEW.found_unit_id, 'found_at', NEW.found_at, 'authority_code', NEW.authority_code, 'order_reference', NEW.order_reference, 'order_date', NEW.order_date, 'offence_code', NEW.offence_code), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_wanted_notices_update AFTER UPDATE OF unit_id, reference, issuing_authority, offence, danger, status, status_reason, person_id, cin, first_name_ar, last_name_ar, first_name_lat, last_name_lat, father_name_ar, father_name_lat, birth_date, sex, created_by, created_at, updated_at, found_unit_id, found_at, authority_code, order_reference, order_date, offence_code ON wanted_notices FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM xchg_pulled WHERE tbl = 'wanted_notices' AND id = NEW.id) BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('wanted_notices', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'unit_id', NEW.unit_id, 'reference', NEW.reference, 'issuing_authority', NEW.issuing_authority, 'offence', NEW.offence, 'danger', NEW.danger, 'status', NEW.status, 'status_reason', NEW.status_reason, 'person_id', NEW.person_id, 'cin', NEW.cin, 'first_name_ar', NEW.first_name_ar, 'last_name_ar', NEW.last_name_ar, 'first_name_lat', NEW.first_name_lat, 'last_name_lat', NEW.last_name_lat, 'father_name_ar', NEW.father_name_ar, 'father_name_lat', NEW.father_name_lat, 'birth_date', NEW.birth_date, 'sex', NEW.sex, 'created_by', NEW.created_by, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'found_unit_id', NEW.found_unit_id, 'found_at', NEW.found_at, 'authority_code', NEW.authority_code, 'order_reference', NEW.order_reference, 'order_date', NEW.order_date, 'offence_code', NEW.offence_code), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
-- @end
