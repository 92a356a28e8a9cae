-- Issue 17 items 2 and 4 (proc): the minors' procedure and the person's
-- condition on entry into and exit from custody.
--
-- A minor is retained (CPP 460) by an OPJ charged with minors, with the
-- prosecutor's agreement, in a place reserved for minors, the guardian
-- present at the hearings: what the minor rule of data/custody_rules.json
-- requires is loaded into proc_minor_rules (by the custody rule's code, so
-- it follows the rule's effective dates); the qualification of an OPJ for
-- minors is a record of the user (proc_minor_officers, written by an
-- administrator, travelling with the user's unit).
CREATE TABLE proc_minor_rules (
  code                           TEXT PRIMARY KEY,   -- ref_custody_rules.code of the minor regime
  version                        TEXT NOT NULL,
  specialised_opj_required       BIGINT NOT NULL,
  prosecutor_agreement_required  BIGINT NOT NULL,
  separate_place_required        BIGINT NOT NULL,
  guardian_at_hearings           BIGINT NOT NULL,
  confidence                     TEXT,
  source                         TEXT
);
CREATE TABLE proc_minor_officers (
  id            TEXT PRIMARY KEY,
  user_id       TEXT NOT NULL REFERENCES users(id),
  unit_id       TEXT NOT NULL REFERENCES units(id),
  since         TEXT NOT NULL,        -- YYYY-MM-DD of the designation
  decision_ref  TEXT NOT NULL,        -- the designation's reference
  recorded_by   TEXT NOT NULL REFERENCES users(id),
  recorded_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX proc_minor_officers_user ON proc_minor_officers (user_id);

ALTER TABLE custodies ADD COLUMN condition_on_entry TEXT;        -- physical and health condition (CPP 66, register)
ALTER TABLE custodies ADD COLUMN condition_on_exit TEXT;
ALTER TABLE custodies ADD COLUMN prosecutor_agreement_ref TEXT;  -- minor: the prosecutor's agreement (CPP 460)
ALTER TABLE custodies ADD COLUMN prosecutor_agreement_at BIGINT;
ALTER TABLE custodies ADD COLUMN place_for_minors BIGINT;        -- 1: a place reserved for minors (CPP 460)
ALTER TABLE custody_sessions ADD COLUMN guardian_present TEXT;   -- a minor's hearing: the guardian present

-- @sqlite
-- the new columns and the designations travel (their triggers, generated:
-- SIJILL_PRINT_XCHG_DDL=1 build-test/tests/unit/test_exchange)
DROP TRIGGER IF EXISTS xchg_custodies_insert;
DROP TRIGGER IF EXISTS xchg_custodies_update;
DROP TRIGGER IF EXISTS xchg_custody_sessions_insert;
DROP TRIGGER IF EXISTS xchg_custody_sessions_update;
CREATE TRIGGER xchg_custodies_insert AFTER INSERT ON custodies FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('custodies', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'case_id', NEW.case_id, 'unit_id', NEW.unit_id, 'person_id', NEW.person_id, 'regime', NEW.regime, 'ground', NEW.ground, 'rule_id', NEW.rule_id, 'started_at', NEW.started_at, 'deadline_at', NEW.deadline_at, 'extensions', NEW.extensions, 'place', NEW.place, 'family_informed_at', NEW.family_informed_at, 'family_informed_how', NEW.family_informed_how, 'lawyer_contacted_at', NEW.lawyer_contacted_at, 'status', NEW.status, 'ended_at', NEW.ended_at, 'end_kind', NEW.end_kind, 'end_note', NEW.end_note, 'opened_by', NEW.opened_by, 'closed_by', NEW.closed_by, 'created_at', NEW.created_at, 'lawyer_deadline_at', NEW.lawyer_deadline_at, 'lawyer_delay_ref', NEW.lawyer_delay_ref, 'lawyer_delay_date', NEW.lawyer_delay_date, 'guardian_informed_at', NEW.guardian_informed_at, 'guardian_informed_how', NEW.guardian_informed_how, 'why', NEW.why, 'close_recorded_at', NEW.close_recorded_at, 'authority', NEW.authority, 'ground_code', NEW.ground_code, 'condition_on_entry', NEW.condition_on_entry, 'condition_on_exit', NEW.condition_on_exit, 'prosecutor_agreement_ref', NEW.prosecutor_agreement_ref, 'prosecutor_agreement_at', NEW.prosecutor_agreement_at, 'place_for_minors', NEW.place_for_minors), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_custodies_update AFTER UPDATE OF case_id, unit_id, person_id, regime, ground, rule_id, started_at, deadline_at, extensions, place, family_informed_at, family_informed_how, lawyer_contacted_at, status, ended_at, end_kind, end_note, opened_by, closed_by, created_at, lawyer_deadline_at, lawyer_delay_ref, lawyer_delay_date, guardian_informed_at, guardian_informed_how, why, close_recorded_at, authority, ground_code, condition_on_entry, condition_on_exit, prosecutor_agreement_ref, prosecutor_agreement_at, place_for_minors ON custodies FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('custodies', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'case_id', NEW.case_id, 'unit_id', NEW.unit_id, 'person_id', NEW.person_id, 'regime', NEW.regime, 'ground', NEW.ground, 'rule_id', NEW.rule_id, 'started_at', NEW.started_at, 'deadline_at', NEW.deadline_at, 'extensions', NEW.extensions, 'place', NEW.place, 'family_informed_at', NEW.family_informed_at, 'family_informed_how', NEW.family_informed_how, 'lawyer_contacted_at', NEW.lawyer_contacted_at, 'status', NEW.status, 'ended_at', NEW.ended_at, 'end_kind', NEW.end_kind, 'end_note', NEW.end_note, 'opened_by', NEW.opened_by, 'closed_by', NEW.closed_by, 'created_at', NEW.created_at, 'lawyer_deadline_at', NEW.lawyer_deadline_at, 'lawyer_delay_ref', NEW.lawyer_delay_ref, 'lawyer_delay_date', NEW.lawyer_delay_date, 'guardian_informed_at', NEW.guardian_informed_at, 'guardian_informed_how', NEW.guardian_informed_how, 'why', NEW.why, 'close_recorded_at', NEW.close_recorded_at, 'authority', NEW.authority, 'ground_code', NEW.ground_code, 'condition_on_entry', NEW.condition_on_entry, 'condition_on_exit', NEW.condition_on_exit, 'prosecutor_agreement_ref', NEW.prosecutor_agreement_ref, 'prosecutor_agreement_at', NEW.prosecutor_agreement_at, 'place_for_minors', NEW.place_for_minors), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_custody_sessions_insert AFTER INSERT ON custody_sessions FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('custody_sessions', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'custody_id', NEW.custody_id, 'unit_id', NEW.unit_id, 'kind', NEW.kind, 'started_at', NEW.started_at, 'ended_at', NEW.ended_at, 'note', NEW.note, 'recorded_by', NEW.recorded_by, 'recorded_at', NEW.recorded_at, 'guardian_present', NEW.guardian_present), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_custody_sessions_update AFTER UPDATE OF custody_id, unit_id, kind, started_at, ended_at, note, recorded_by, recorded_at, guardian_present ON custody_sessions FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('custody_sessions', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'custody_id', NEW.custody_id, 'unit_id', NEW.unit_id, 'kind', NEW.kind, 'started_at', NEW.started_at, 'ended_at', NEW.ended_at, 'note', NEW.note, 'recorded_by', NEW.recorded_by, 'recorded_at', NEW.recorded_at, 'guardian_present', NEW.guardian_present), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_proc_minor_officers_insert AFTER INSERT ON proc_minor_officers FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('proc_minor_officers', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'user_id', NEW.user_id, 'unit_id', NEW.unit_id, 'since', NEW.since, 'decision_ref', NEW.decision_ref, 'recorded_by', NEW.recorded_by, 'recorded_at', NEW.recorded_at), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_proc_minor_officers_update AFTER UPDATE OF user_id, unit_id, since, decision_ref, recorded_by, recorded_at ON proc_minor_officers FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('proc_minor_officers', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'user_id', NEW.user_id, 'unit_id', NEW.unit_id, 'since', NEW.since, 'decision_ref', NEW.decision_ref, 'recorded_by', NEW.recorded_by, 'recorded_at', NEW.recorded_at), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
-- @end
