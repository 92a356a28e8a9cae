-- 0220 desk: nothing the desk records is deleted — a declaration is
-- cancelled with its reason (who, when), an issued residence certificate is
-- revoked with its reason, and a correction is a new request naming the
-- certificate it replaces; a printed document that no longer holds keeps
-- its row, with when it stopped holding (src/desk/cancel.c).
ALTER TABLE declarations ADD COLUMN cancelled_at BIGINT;
ALTER TABLE declarations ADD COLUMN cancelled_by TEXT REFERENCES users(id);
ALTER TABLE declarations ADD COLUMN cancel_reason TEXT;
ALTER TABLE residence_certificates ADD COLUMN revoked_at BIGINT;
ALTER TABLE residence_certificates ADD COLUMN revoked_by TEXT REFERENCES users(id);
ALTER TABLE residence_certificates ADD COLUMN revoke_reason TEXT;
ALTER TABLE residence_certificates ADD COLUMN replaces_id TEXT REFERENCES residence_certificates(id);
CREATE UNIQUE INDEX residence_certificates_replaces ON residence_certificates(replaces_id);
ALTER TABLE desk_documents ADD COLUMN revoked_at BIGINT;

-- the status a revoked certificate takes, constrained as 0100 constrains
-- every enum; and the outbox triggers of the three tables, with the new
-- columns (SIJILL_PRINT_XCHG_DDL=1 build-test/tests/unit/test_exchange).
-- @sqlite
DROP TRIGGER residence_certificates_status_enum_insert;
DROP TRIGGER residence_certificates_status_enum_update;
DROP TRIGGER xchg_declarations_insert;
DROP TRIGGER xchg_declarations_update;
DROP TRIGGER xchg_residence_certificates_insert;
DROP TRIGGER xchg_residence_certificates_update;
DROP TRIGGER xchg_desk_documents_insert;
DROP TRIGGER xchg_desk_documents_update;
CREATE TRIGGER residence_certificates_status_enum_insert BEFORE INSERT ON residence_certificates FOR EACH ROW WHEN NEW.status NOT IN ('requested', 'checked', 'issued', 'refused', 'revoked')
BEGIN SELECT RAISE(ABORT, 'residence_certificates.status: not one of the accepted values'); END;
CREATE TRIGGER residence_certificates_status_enum_update BEFORE UPDATE OF status ON residence_certificates FOR EACH ROW WHEN NEW.status NOT IN ('requested', 'checked', 'issued', 'refused', 'revoked')
BEGIN SELECT RAISE(ABORT, 'residence_certificates.status: not one of the accepted values'); END;
CREATE TRIGGER xchg_declarations_insert AFTER INSERT ON declarations FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('declarations', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'receipt_no', NEW.receipt_no, 'unit_id', NEW.unit_id, 'kind', NEW.kind, 'declarant_id', NEW.declarant_id, 'occurred_at', NEW.occurred_at, 'place', NEW.place, 'circumstances', NEW.circumstances, 'declared_at', NEW.declared_at, 'declared_by', NEW.declared_by, 'verify_no', NEW.verify_no, 'verify_code', NEW.verify_code, 'complaint_id', NEW.complaint_id, 'case_id', NEW.case_id, 'cancelled_at', NEW.cancelled_at, 'cancelled_by', NEW.cancelled_by, 'cancel_reason', NEW.cancel_reason), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_declarations_update AFTER UPDATE OF receipt_no, unit_id, kind, declarant_id, occurred_at, place, circumstances, declared_at, declared_by, verify_no, verify_code, complaint_id, case_id, cancelled_at, cancelled_by, cancel_reason ON declarations FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('declarations', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'receipt_no', NEW.receipt_no, 'unit_id', NEW.unit_id, 'kind', NEW.kind, 'declarant_id', NEW.declarant_id, 'occurred_at', NEW.occurred_at, 'place', NEW.place, 'circumstances', NEW.circumstances, 'declared_at', NEW.declared_at, 'declared_by', NEW.declared_by, 'verify_no', NEW.verify_no, 'verify_code', NEW.verify_code, 'complaint_id', NEW.complaint_id, 'case_id', NEW.case_id, 'cancelled_at', NEW.cancelled_at, 'cancelled_by', NEW.cancelled_by, 'cancel_reason', NEW.cancel_reason), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_residence_certificates_insert AFTER INSERT ON residence_certificates FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('residence_certificates', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'unit_id', NEW.unit_id, 'applicant_id', NEW.applicant_id, 'address', NEW.address, 'commune', NEW.commune, 'purpose', NEW.purpose, 'requested_at', NEW.requested_at, 'requested_by', NEW.requested_by, 'status', NEW.status, 'check_kind', NEW.check_kind, 'check_on', NEW.check_on, 'check_result', NEW.check_result, 'check_notes', NEW.check_notes, 'checked_by', NEW.checked_by, 'decided_at', NEW.decided_at, 'decided_by', NEW.decided_by, 'refusal_reason', NEW.refusal_reason, 'serial_no', NEW.serial_no, 'issued_at', NEW.issued_at, 'valid_until', NEW.valid_until, 'verify_no', NEW.verify_no, 'verify_code', NEW.verify_code, 'handed_at', NEW.handed_at, 'revoked_at', NEW.revoked_at, 'revoked_by', NEW.revoked_by, 'revoke_reason', NEW.revoke_reason, 'replaces_id', NEW.replaces_id), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_residence_certificates_update AFTER UPDATE OF unit_id, applicant_id, address, commune, purpose, requested_at, requested_by, status, check_kind, check_on, check_result, check_notes, checked_by, decided_at, decided_by, refusal_reason, serial_no, issued_at, valid_until, verify_no, verify_code, handed_at, revoked_at, revoked_by, revoke_reason, replaces_id ON residence_certificates FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('residence_certificates', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'unit_id', NEW.unit_id, 'applicant_id', NEW.applicant_id, 'address', NEW.address, 'commune', NEW.commune, 'purpose', NEW.purpose, 'requested_at', NEW.requested_at, 'requested_by', NEW.requested_by, 'status', NEW.status, 'check_kind', NEW.check_kind, 'check_on', NEW.check_on, 'check_result', NEW.check_result, 'check_notes', NEW.check_notes, 'checked_by', NEW.checked_by, 'decided_at', NEW.decided_at, 'decided_by', NEW.decided_by, 'refusal_reason', NEW.refusal_reason, 'serial_no', NEW.serial_no, 'issued_at', NEW.issued_at, 'valid_until', NEW.valid_until, 'verify_no', NEW.verify_no, 'verify_code', NEW.verify_code, 'handed_at', NEW.handed_at, 'revoked_at', NEW.revoked_at, 'revoked_by', NEW.revoked_by, 'revoke_reason', NEW.revoke_reason, 'replaces_id', NEW.replaces_id), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_desk_documents_insert AFTER INSERT ON desk_documents FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('desk_documents', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'verify_no', NEW.verify_no, 'code', NEW.code, 'kind', NEW.kind, 'record_id', NEW.record_id, 'unit_id', NEW.unit_id, 'issued_at', NEW.issued_at, 'valid_until', NEW.valid_until, 'revoked_at', NEW.revoked_at), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_desk_documents_update AFTER UPDATE OF verify_no, code, kind, record_id, unit_id, issued_at, valid_until, revoked_at ON desk_documents FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('desk_documents', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'verify_no', NEW.verify_no, 'code', NEW.code, 'kind', NEW.kind, 'record_id', NEW.record_id, 'unit_id', NEW.unit_id, 'issued_at', NEW.issued_at, 'valid_until', NEW.valid_until, 'revoked_at', NEW.revoked_at), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
-- @end
-- @pg
ALTER TABLE residence_certificates DROP CONSTRAINT residence_certificates_status_enum;
ALTER TABLE residence_certificates ADD CONSTRAINT residence_certificates_status_enum CHECK (status IN ('requested', 'checked', 'issued', 'refused', 'revoked')) NOT VALID;
-- @end
