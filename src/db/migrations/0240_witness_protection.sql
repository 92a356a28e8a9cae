-- Issue 17 item 9 (proc): a witness's or a victim's identity protected on
-- the case (loi 37-10, CPP 82-4 to 82-10): the decision (who, when, on what
-- ground, the prosecutor's authorisation), the pseudonym's number in the
-- case. The case's reads show the pseudonym; the identity is read only by
-- an explicit, audited reveal (src/cases/protect.c).
CREATE TABLE case_protections (
  id                       TEXT PRIMARY KEY,
  case_id                  TEXT NOT NULL REFERENCES cases(id),
  unit_id                  TEXT NOT NULL REFERENCES units(id),
  person_id                TEXT NOT NULL REFERENCES persons(id),
  n                        BIGINT NOT NULL,     -- "protected witness n" within the case
  ground                   TEXT NOT NULL,
  decided_at               BIGINT NOT NULL,
  authority_code           TEXT NOT NULL,       -- ref_prosecution code of the authorising office
  authorisation_reference  TEXT NOT NULL,
  recorded_by              TEXT NOT NULL REFERENCES users(id),
  recorded_at              BIGINT NOT NULL
);
CREATE UNIQUE INDEX case_protections_person ON case_protections (case_id, person_id);
CREATE UNIQUE INDEX case_protections_n ON case_protections (case_id, n);
CREATE INDEX case_protections_of_person ON case_protections (person_id);
-- @sqlite
-- the protections travel (their triggers, generated:
-- SIJILL_PRINT_XCHG_DDL=1 build-test/tests/unit/test_exchange)
CREATE TRIGGER xchg_case_protections_insert AFTER INSERT ON case_protections FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('case_protections', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'case_id', NEW.case_id, 'unit_id', NEW.unit_id, 'person_id', NEW.person_id, 'n', NEW.n, 'ground', NEW.ground, 'decided_at', NEW.decided_at, 'authority_code', NEW.authority_code, 'authorisation_reference', NEW.authorisation_reference, 'recorded_by', NEW.recorded_by, 'recorded_at', NEW.recorded_at), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_case_protections_update AFTER UPDATE OF case_id, unit_id, person_id, n, ground, decided_at, authority_code, authorisation_reference, recorded_by, recorded_at ON case_protections FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('case_protections', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'case_id', NEW.case_id, 'unit_id', NEW.unit_id, 'person_id', NEW.person_id, 'n', NEW.n, 'ground', NEW.ground, 'decided_at', NEW.decided_at, 'authority_code', NEW.authority_code, 'authorisation_reference', NEW.authorisation_reference, 'recorded_by', NEW.recorded_by, 'recorded_at', NEW.recorded_at), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
-- @end
