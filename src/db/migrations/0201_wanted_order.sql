-- Issue 17 item 5 (proc): a wanted notice carries the issuing magistrate's
-- order — the authority from the reference data (ref_prosecution code), the
-- order's reference and date (registers.c refuses a notice without them).
ALTER TABLE wanted_notices ADD COLUMN authority_code TEXT;
ALTER TABLE wanted_notices ADD COLUMN order_reference TEXT;
ALTER TABLE wanted_notices ADD COLUMN order_date TEXT;
-- @sqlite
-- the new columns travel (the triggers again, generated:
-- SIJILL_PRINT_XCHG_DDL=1 build-test/tests/unit/test_exchange)
DROP TRIGGER IF EXISTS xchg_wanted_notices_insert;
DROP TRIGGER IF EXISTS xchg_wanted_notices_update;
CREATE TRIGGER xchg_wanted_notices_insert AFTER INSERT ON wanted_notices FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM xchg_pulled WHERE tbl = 'wanted_notices' AND id = NEW.id) BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('wanted_notices', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'unit_id', NEW.unit_id, 'reference', NEW.reference, 'issuing_authority', NEW.issuing_authority, 'offence', NEW.offence, 'danger', NEW.danger, 'status', NEW.status, 'status_reason', NEW.status_reason, 'person_id', NEW.person_id, 'cin', NEW.cin, 'first_name_ar', NEW.first_name_ar, 'last_name_ar', NEW.last_name_ar, 'first_name_lat', NEW.first_name_lat, 'last_name_lat', NEW.last_name_lat, 'father_name_ar', NEW.father_name_ar, 'father_name_lat', NEW.father_name_lat, 'birth_date', NEW.birth_date, 'sex', NEW.sex, 'created_by', NEW.created_by, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'found_unit_id', NEW.found_unit_id, 'found_at', NEW.found_at, 'authority_code', NEW.authority_code, 'order_reference', NEW.order_reference, 'order_date', NEW.order_date), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_wanted_notices_update AFTER UPDATE OF unit_id, reference, issuing_authority, offence, danger, status, status_reason, person_id, cin, first_name_ar, last_name_ar, first_name_lat, last_name_lat, father_name_ar, father_name_lat, birth_date, sex, created_by, created_at, updated_at, found_unit_id, found_at, authority_code, order_reference, order_date ON wanted_notices FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM xchg_pulled WHERE tbl = 'wanted_notices' AND id = NEW.id) BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('wanted_notices', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'unit_id', NEW.unit_id, 'reference', NEW.reference, 'issuing_authority', NEW.issuing_authority, 'offence', NEW.offence, 'danger', NEW.danger, 'status', NEW.status, 'status_reason', NEW.status_reason, 'person_id', NEW.person_id, 'cin', NEW.cin, 'first_name_ar', NEW.first_name_ar, 'last_name_ar', NEW.last_name_ar, 'first_name_lat', NEW.first_name_lat, 'last_name_lat', NEW.last_name_lat, 'father_name_ar', NEW.father_name_ar, 'father_name_lat', NEW.father_name_lat, 'birth_date', NEW.birth_date, 'sex', NEW.sex, 'created_by', NEW.created_by, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'found_unit_id', NEW.found_unit_id, 'found_at', NEW.found_at, 'authority_code', NEW.authority_code, 'order_reference', NEW.order_reference, 'order_date', NEW.order_date), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
-- @end
