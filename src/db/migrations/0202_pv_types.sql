-- Issue 17 item 7 (proc): two more PV types with their templates
-- (data/pv_templates.json) — the requisition to an expert (the person
-- required and the mission) and the synthesis PV closing the inquiry.
-- @sqlite
DROP TRIGGER IF EXISTS pvs_type_enum_insert;
DROP TRIGGER IF EXISTS pvs_type_enum_update;
CREATE TRIGGER pvs_type_enum_insert BEFORE INSERT ON pvs FOR EACH ROW WHEN NEW.type NOT IN ('hearing_complainant', 'hearing_victim', 'hearing_suspect', 'hearing_witness', 'confrontation', 'search', 'seizure', 'arrest_custody', 'transmission', 'expert_requisition', 'synthesis')
BEGIN SELECT RAISE(ABORT, 'pvs.type: not one of the accepted values'); END;
CREATE TRIGGER pvs_type_enum_update BEFORE UPDATE OF type ON pvs FOR EACH ROW WHEN NEW.type NOT IN ('hearing_complainant', 'hearing_victim', 'hearing_suspect', 'hearing_witness', 'confrontation', 'search', 'seizure', 'arrest_custody', 'transmission', 'expert_requisition', 'synthesis')
BEGIN SELECT RAISE(ABORT, 'pvs.type: not one of the accepted values'); END;
-- @end
-- @pg
ALTER TABLE pvs DROP CONSTRAINT pvs_type_enum;
ALTER TABLE pvs ADD CONSTRAINT pvs_type_enum CHECK (type IN ('hearing_complainant', 'hearing_victim', 'hearing_suspect', 'hearing_witness', 'confrontation', 'search', 'seizure', 'arrest_custody', 'transmission', 'expert_requisition', 'synthesis')) NOT VALID;
-- @end
