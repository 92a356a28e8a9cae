-- 0040 record enums: every enum column of a record description (core/record.h)
-- is constrained to exactly its description's values, so the database
-- refuses what the API would (a write that bypassed validation, a bug, a
-- node's batch). Generated from the descriptions by tests/unit/test_records.c
-- (SIJILL_PRINT_ENUM_DDL=1), which also checks on both databases that the
-- migrated schema still says the same: change an enum's values and the test
-- prints the statements of the next migration.
--
-- SQLite cannot add a CHECK to an existing table without rebuilding it (and
-- every table that references it): triggers refuse the value instead, on
-- insert and on update of the column. PostgreSQL takes a CHECK constraint,
-- NOT VALID like the triggers: it holds every new write and leaves rows
-- written before it alone (ALTER TABLE ... VALIDATE CONSTRAINT checks those).
-- Both refuse with a constraint error, which sijill reads as SJ_ECONFLICT.
-- @sqlite
CREATE TRIGGER persons_sex_enum_insert BEFORE INSERT ON persons FOR EACH ROW WHEN NEW.sex NOT IN ('M', 'F')
BEGIN SELECT RAISE(ABORT, 'persons.sex: not one of the accepted values'); END;
CREATE TRIGGER persons_sex_enum_update BEFORE UPDATE OF sex ON persons FOR EACH ROW WHEN NEW.sex NOT IN ('M', 'F')
BEGIN SELECT RAISE(ABORT, 'persons.sex: not one of the accepted values'); END;
CREATE TRIGGER complaints_disposition_enum_insert BEFORE INSERT ON complaints FOR EACH ROW WHEN NEW.disposition NOT IN ('pending', 'case_opened', 'attached', 'no_offence', 'referred_elsewhere')
BEGIN SELECT RAISE(ABORT, 'complaints.disposition: not one of the accepted values'); END;
CREATE TRIGGER complaints_disposition_enum_update BEFORE UPDATE OF disposition ON complaints FOR EACH ROW WHEN NEW.disposition NOT IN ('pending', 'case_opened', 'attached', 'no_offence', 'referred_elsewhere')
BEGIN SELECT RAISE(ABORT, 'complaints.disposition: not one of the accepted values'); END;
CREATE TRIGGER cases_frame_enum_insert BEFORE INSERT ON cases FOR EACH ROW WHEN NEW.frame NOT IN ('flagrant', 'preliminary', 'rogatory')
BEGIN SELECT RAISE(ABORT, 'cases.frame: not one of the accepted values'); END;
CREATE TRIGGER cases_frame_enum_update BEFORE UPDATE OF frame ON cases FOR EACH ROW WHEN NEW.frame NOT IN ('flagrant', 'preliminary', 'rogatory')
BEGIN SELECT RAISE(ABORT, 'cases.frame: not one of the accepted values'); END;
CREATE TRIGGER cases_class_enum_insert BEFORE INSERT ON cases FOR EACH ROW WHEN NEW.class NOT IN ('contravention', 'delit_police', 'delit_correctionnel', 'crime')
BEGIN SELECT RAISE(ABORT, 'cases.class: not one of the accepted values'); END;
CREATE TRIGGER cases_class_enum_update BEFORE UPDATE OF class ON cases FOR EACH ROW WHEN NEW.class NOT IN ('contravention', 'delit_police', 'delit_correctionnel', 'crime')
BEGIN SELECT RAISE(ABORT, 'cases.class: not one of the accepted values'); END;
CREATE TRIGGER cases_status_enum_insert BEFORE INSERT ON cases FOR EACH ROW WHEN NEW.status NOT IN ('registered', 'under_investigation', 'referred', 'closed', 'cancelled')
BEGIN SELECT RAISE(ABORT, 'cases.status: not one of the accepted values'); END;
CREATE TRIGGER cases_status_enum_update BEFORE UPDATE OF status ON cases FOR EACH ROW WHEN NEW.status NOT IN ('registered', 'under_investigation', 'referred', 'closed', 'cancelled')
BEGIN SELECT RAISE(ABORT, 'cases.status: not one of the accepted values'); END;
CREATE TRIGGER case_offences_class_enum_insert BEFORE INSERT ON case_offences FOR EACH ROW WHEN NEW.class NOT IN ('contravention', 'delit_police', 'delit_correctionnel', 'crime')
BEGIN SELECT RAISE(ABORT, 'case_offences.class: not one of the accepted values'); END;
CREATE TRIGGER case_offences_class_enum_update BEFORE UPDATE OF class ON case_offences FOR EACH ROW WHEN NEW.class NOT IN ('contravention', 'delit_police', 'delit_correctionnel', 'crime')
BEGIN SELECT RAISE(ABORT, 'case_offences.class: not one of the accepted values'); END;
CREATE TRIGGER case_persons_role_enum_insert BEFORE INSERT ON case_persons FOR EACH ROW WHEN NEW.role NOT IN ('complainant', 'victim', 'suspect', 'witness', 'arrested')
BEGIN SELECT RAISE(ABORT, 'case_persons.role: not one of the accepted values'); END;
CREATE TRIGGER case_persons_role_enum_update BEFORE UPDATE OF role ON case_persons FOR EACH ROW WHEN NEW.role NOT IN ('complainant', 'victim', 'suspect', 'witness', 'arrested')
BEGIN SELECT RAISE(ABORT, 'case_persons.role: not one of the accepted values'); END;
CREATE TRIGGER pvs_type_enum_insert BEFORE INSERT ON pvs FOR EACH ROW WHEN NEW.type NOT IN ('hearing_complainant', 'hearing_victim', 'hearing_suspect', 'hearing_witness', 'confrontation', 'search', 'seizure', 'arrest_custody', 'transmission')
BEGIN SELECT RAISE(ABORT, 'pvs.type: not one of the accepted values'); END;
CREATE TRIGGER pvs_type_enum_update BEFORE UPDATE OF type ON pvs FOR EACH ROW WHEN NEW.type NOT IN ('hearing_complainant', 'hearing_victim', 'hearing_suspect', 'hearing_witness', 'confrontation', 'search', 'seizure', 'arrest_custody', 'transmission')
BEGIN SELECT RAISE(ABORT, 'pvs.type: not one of the accepted values'); END;
CREATE TRIGGER pvs_status_enum_insert BEFORE INSERT ON pvs FOR EACH ROW WHEN NEW.status NOT IN ('draft', 'sealed')
BEGIN SELECT RAISE(ABORT, 'pvs.status: not one of the accepted values'); END;
CREATE TRIGGER pvs_status_enum_update BEFORE UPDATE OF status ON pvs FOR EACH ROW WHEN NEW.status NOT IN ('draft', 'sealed')
BEGIN SELECT RAISE(ABORT, 'pvs.status: not one of the accepted values'); END;
CREATE TRIGGER pvs_frame_enum_insert BEFORE INSERT ON pvs FOR EACH ROW WHEN NEW.frame NOT IN ('flagrant', 'preliminary', 'rogatory')
BEGIN SELECT RAISE(ABORT, 'pvs.frame: not one of the accepted values'); END;
CREATE TRIGGER pvs_frame_enum_update BEFORE UPDATE OF frame ON pvs FOR EACH ROW WHEN NEW.frame NOT IN ('flagrant', 'preliminary', 'rogatory')
BEGIN SELECT RAISE(ABORT, 'pvs.frame: not one of the accepted values'); END;
CREATE TRIGGER custodies_regime_enum_insert BEFORE INSERT ON custodies FOR EACH ROW WHEN NEW.regime NOT IN ('ordinary', 'terrorism', 'state_security', 'minor')
BEGIN SELECT RAISE(ABORT, 'custodies.regime: not one of the accepted values'); END;
CREATE TRIGGER custodies_regime_enum_update BEFORE UPDATE OF regime ON custodies FOR EACH ROW WHEN NEW.regime NOT IN ('ordinary', 'terrorism', 'state_security', 'minor')
BEGIN SELECT RAISE(ABORT, 'custodies.regime: not one of the accepted values'); END;
CREATE TRIGGER custodies_status_enum_insert BEFORE INSERT ON custodies FOR EACH ROW WHEN NEW.status NOT IN ('open', 'closed')
BEGIN SELECT RAISE(ABORT, 'custodies.status: not one of the accepted values'); END;
CREATE TRIGGER custodies_status_enum_update BEFORE UPDATE OF status ON custodies FOR EACH ROW WHEN NEW.status NOT IN ('open', 'closed')
BEGIN SELECT RAISE(ABORT, 'custodies.status: not one of the accepted values'); END;
CREATE TRIGGER custodies_end_kind_enum_insert BEFORE INSERT ON custodies FOR EACH ROW WHEN NEW.end_kind NOT IN ('released', 'presented')
BEGIN SELECT RAISE(ABORT, 'custodies.end_kind: not one of the accepted values'); END;
CREATE TRIGGER custodies_end_kind_enum_update BEFORE UPDATE OF end_kind ON custodies FOR EACH ROW WHEN NEW.end_kind NOT IN ('released', 'presented')
BEGIN SELECT RAISE(ABORT, 'custodies.end_kind: not one of the accepted values'); END;
CREATE TRIGGER referrals_office_kind_enum_insert BEFORE INSERT ON referrals FOR EACH ROW WHEN NEW.office_kind NOT IN ('tpi', 'ca')
BEGIN SELECT RAISE(ABORT, 'referrals.office_kind: not one of the accepted values'); END;
CREATE TRIGGER referrals_office_kind_enum_update BEFORE UPDATE OF office_kind ON referrals FOR EACH ROW WHEN NEW.office_kind NOT IN ('tpi', 'ca')
BEGIN SELECT RAISE(ABORT, 'referrals.office_kind: not one of the accepted values'); END;
CREATE TRIGGER referrals_derived_kind_enum_insert BEFORE INSERT ON referrals FOR EACH ROW WHEN NEW.derived_kind NOT IN ('tpi', 'ca')
BEGIN SELECT RAISE(ABORT, 'referrals.derived_kind: not one of the accepted values'); END;
CREATE TRIGGER referrals_derived_kind_enum_update BEFORE UPDATE OF derived_kind ON referrals FOR EACH ROW WHEN NEW.derived_kind NOT IN ('tpi', 'ca')
BEGIN SELECT RAISE(ABORT, 'referrals.derived_kind: not one of the accepted values'); END;
CREATE TRIGGER referrals_outcome_enum_insert BEFORE INSERT ON referrals FOR EACH ROW WHEN NEW.outcome NOT IN ('prosecuted', 'investigating_judge', 'further_inquiry', 'no_further_action', 'other')
BEGIN SELECT RAISE(ABORT, 'referrals.outcome: not one of the accepted values'); END;
CREATE TRIGGER referrals_outcome_enum_update BEFORE UPDATE OF outcome ON referrals FOR EACH ROW WHEN NEW.outcome NOT IN ('prosecuted', 'investigating_judge', 'further_inquiry', 'no_further_action', 'other')
BEGIN SELECT RAISE(ABORT, 'referrals.outcome: not one of the accepted values'); END;
CREATE TRIGGER wanted_notices_danger_enum_insert BEFORE INSERT ON wanted_notices FOR EACH ROW WHEN NEW.danger NOT IN ('low', 'medium', 'high')
BEGIN SELECT RAISE(ABORT, 'wanted_notices.danger: not one of the accepted values'); END;
CREATE TRIGGER wanted_notices_danger_enum_update BEFORE UPDATE OF danger ON wanted_notices FOR EACH ROW WHEN NEW.danger NOT IN ('low', 'medium', 'high')
BEGIN SELECT RAISE(ABORT, 'wanted_notices.danger: not one of the accepted values'); END;
CREATE TRIGGER wanted_notices_sex_enum_insert BEFORE INSERT ON wanted_notices FOR EACH ROW WHEN NEW.sex NOT IN ('M', 'F')
BEGIN SELECT RAISE(ABORT, 'wanted_notices.sex: not one of the accepted values'); END;
CREATE TRIGGER wanted_notices_sex_enum_update BEFORE UPDATE OF sex ON wanted_notices FOR EACH ROW WHEN NEW.sex NOT IN ('M', 'F')
BEGIN SELECT RAISE(ABORT, 'wanted_notices.sex: not one of the accepted values'); END;
CREATE TRIGGER wanted_notices_status_enum_insert BEFORE INSERT ON wanted_notices FOR EACH ROW WHEN NEW.status NOT IN ('active', 'executed', 'cancelled')
BEGIN SELECT RAISE(ABORT, 'wanted_notices.status: not one of the accepted values'); END;
CREATE TRIGGER wanted_notices_status_enum_update BEFORE UPDATE OF status ON wanted_notices FOR EACH ROW WHEN NEW.status NOT IN ('active', 'executed', 'cancelled')
BEGIN SELECT RAISE(ABORT, 'wanted_notices.status: not one of the accepted values'); END;
CREATE TRIGGER stolen_vehicles_status_enum_insert BEFORE INSERT ON stolen_vehicles FOR EACH ROW WHEN NEW.status NOT IN ('active', 'recovered', 'cancelled')
BEGIN SELECT RAISE(ABORT, 'stolen_vehicles.status: not one of the accepted values'); END;
CREATE TRIGGER stolen_vehicles_status_enum_update BEFORE UPDATE OF status ON stolen_vehicles FOR EACH ROW WHEN NEW.status NOT IN ('active', 'recovered', 'cancelled')
BEGIN SELECT RAISE(ABORT, 'stolen_vehicles.status: not one of the accepted values'); END;
CREATE TRIGGER stolen_documents_doc_type_enum_insert BEFORE INSERT ON stolen_documents FOR EACH ROW WHEN NEW.doc_type NOT IN ('cin', 'passport', 'licence', 'other')
BEGIN SELECT RAISE(ABORT, 'stolen_documents.doc_type: not one of the accepted values'); END;
CREATE TRIGGER stolen_documents_doc_type_enum_update BEFORE UPDATE OF doc_type ON stolen_documents FOR EACH ROW WHEN NEW.doc_type NOT IN ('cin', 'passport', 'licence', 'other')
BEGIN SELECT RAISE(ABORT, 'stolen_documents.doc_type: not one of the accepted values'); END;
CREATE TRIGGER stolen_documents_kind_enum_insert BEFORE INSERT ON stolen_documents FOR EACH ROW WHEN NEW.kind NOT IN ('lost', 'stolen')
BEGIN SELECT RAISE(ABORT, 'stolen_documents.kind: not one of the accepted values'); END;
CREATE TRIGGER stolen_documents_kind_enum_update BEFORE UPDATE OF kind ON stolen_documents FOR EACH ROW WHEN NEW.kind NOT IN ('lost', 'stolen')
BEGIN SELECT RAISE(ABORT, 'stolen_documents.kind: not one of the accepted values'); END;
CREATE TRIGGER stolen_documents_status_enum_insert BEFORE INSERT ON stolen_documents FOR EACH ROW WHEN NEW.status NOT IN ('active', 'found', 'cancelled')
BEGIN SELECT RAISE(ABORT, 'stolen_documents.status: not one of the accepted values'); END;
CREATE TRIGGER stolen_documents_status_enum_update BEFORE UPDATE OF status ON stolen_documents FOR EACH ROW WHEN NEW.status NOT IN ('active', 'found', 'cancelled')
BEGIN SELECT RAISE(ABORT, 'stolen_documents.status: not one of the accepted values'); END;
CREATE TRIGGER register_events_register_enum_insert BEFORE INSERT ON register_events FOR EACH ROW WHEN NEW.register NOT IN ('wanted', 'vehicle', 'document')
BEGIN SELECT RAISE(ABORT, 'register_events.register: not one of the accepted values'); END;
CREATE TRIGGER register_events_register_enum_update BEFORE UPDATE OF register ON register_events FOR EACH ROW WHEN NEW.register NOT IN ('wanted', 'vehicle', 'document')
BEGIN SELECT RAISE(ABORT, 'register_events.register: not one of the accepted values'); END;
CREATE TRIGGER register_events_status_enum_insert BEFORE INSERT ON register_events FOR EACH ROW WHEN NEW.status NOT IN ('active', 'executed', 'recovered', 'found', 'cancelled')
BEGIN SELECT RAISE(ABORT, 'register_events.status: not one of the accepted values'); END;
CREATE TRIGGER register_events_status_enum_update BEFORE UPDATE OF status ON register_events FOR EACH ROW WHEN NEW.status NOT IN ('active', 'executed', 'recovered', 'found', 'cancelled')
BEGIN SELECT RAISE(ABORT, 'register_events.status: not one of the accepted values'); END;
CREATE TRIGGER hits_register_enum_insert BEFORE INSERT ON hits FOR EACH ROW WHEN NEW.register NOT IN ('wanted', 'vehicle', 'document')
BEGIN SELECT RAISE(ABORT, 'hits.register: not one of the accepted values'); END;
CREATE TRIGGER hits_register_enum_update BEFORE UPDATE OF register ON hits FOR EACH ROW WHEN NEW.register NOT IN ('wanted', 'vehicle', 'document')
BEGIN SELECT RAISE(ABORT, 'hits.register: not one of the accepted values'); END;
CREATE TRIGGER hits_source_enum_insert BEFORE INSERT ON hits FOR EACH ROW WHEN NEW.source NOT IN ('lookup', 'case', 'complaint', 'declaration', 'import', 'exchange')
BEGIN SELECT RAISE(ABORT, 'hits.source: not one of the accepted values'); END;
CREATE TRIGGER hits_source_enum_update BEFORE UPDATE OF source ON hits FOR EACH ROW WHEN NEW.source NOT IN ('lookup', 'case', 'complaint', 'declaration', 'import', 'exchange')
BEGIN SELECT RAISE(ABORT, 'hits.source: not one of the accepted values'); END;
CREATE TRIGGER notifications_kind_enum_insert BEFORE INSERT ON notifications FOR EACH ROW WHEN NEW.kind NOT IN ('hit')
BEGIN SELECT RAISE(ABORT, 'notifications.kind: not one of the accepted values'); END;
CREATE TRIGGER notifications_kind_enum_update BEFORE UPDATE OF kind ON notifications FOR EACH ROW WHEN NEW.kind NOT IN ('hit')
BEGIN SELECT RAISE(ABORT, 'notifications.kind: not one of the accepted values'); END;
CREATE TRIGGER users_role_enum_insert BEFORE INSERT ON users FOR EACH ROW WHEN NEW.role NOT IN ('admin', 'chief', 'opj', 'officer', 'analyst', 'auditor', 'monitor')
BEGIN SELECT RAISE(ABORT, 'users.role: not one of the accepted values'); END;
CREATE TRIGGER users_role_enum_update BEFORE UPDATE OF role ON users FOR EACH ROW WHEN NEW.role NOT IN ('admin', 'chief', 'opj', 'officer', 'analyst', 'auditor', 'monitor')
BEGIN SELECT RAISE(ABORT, 'users.role: not one of the accepted values'); END;
CREATE TRIGGER users_status_enum_insert BEFORE INSERT ON users FOR EACH ROW WHEN NEW.status NOT IN ('active', 'disabled')
BEGIN SELECT RAISE(ABORT, 'users.status: not one of the accepted values'); END;
CREATE TRIGGER users_status_enum_update BEFORE UPDATE OF status ON users FOR EACH ROW WHEN NEW.status NOT IN ('active', 'disabled')
BEGIN SELECT RAISE(ABORT, 'users.status: not one of the accepted values'); END;
CREATE TRIGGER users_lang_enum_insert BEFORE INSERT ON users FOR EACH ROW WHEN NEW.lang NOT IN ('ar', 'fr')
BEGIN SELECT RAISE(ABORT, 'users.lang: not one of the accepted values'); END;
CREATE TRIGGER users_lang_enum_update BEFORE UPDATE OF lang ON users FOR EACH ROW WHEN NEW.lang NOT IN ('ar', 'fr')
BEGIN SELECT RAISE(ABORT, 'users.lang: not one of the accepted values'); END;
CREATE TRIGGER ref_offences_class_enum_insert BEFORE INSERT ON ref_offences FOR EACH ROW WHEN NEW.class NOT IN ('contravention', 'delit_police', 'delit_correctionnel', 'crime')
BEGIN SELECT RAISE(ABORT, 'ref_offences.class: not one of the accepted values'); END;
CREATE TRIGGER ref_offences_class_enum_update BEFORE UPDATE OF class ON ref_offences FOR EACH ROW WHEN NEW.class NOT IN ('contravention', 'delit_police', 'delit_correctionnel', 'crime')
BEGIN SELECT RAISE(ABORT, 'ref_offences.class: not one of the accepted values'); END;
CREATE TRIGGER ref_custody_rules_regime_enum_insert BEFORE INSERT ON ref_custody_rules FOR EACH ROW WHEN NEW.regime NOT IN ('ordinary', 'terrorism', 'state_security', 'minor')
BEGIN SELECT RAISE(ABORT, 'ref_custody_rules.regime: not one of the accepted values'); END;
CREATE TRIGGER ref_custody_rules_regime_enum_update BEFORE UPDATE OF regime ON ref_custody_rules FOR EACH ROW WHEN NEW.regime NOT IN ('ordinary', 'terrorism', 'state_security', 'minor')
BEGIN SELECT RAISE(ABORT, 'ref_custody_rules.regime: not one of the accepted values'); END;
CREATE TRIGGER ref_prosecution_offices_kind_enum_insert BEFORE INSERT ON ref_prosecution_offices FOR EACH ROW WHEN NEW.kind NOT IN ('tpi', 'ca')
BEGIN SELECT RAISE(ABORT, 'ref_prosecution_offices.kind: not one of the accepted values'); END;
CREATE TRIGGER ref_prosecution_offices_kind_enum_update BEFORE UPDATE OF kind ON ref_prosecution_offices FOR EACH ROW WHEN NEW.kind NOT IN ('tpi', 'ca')
BEGIN SELECT RAISE(ABORT, 'ref_prosecution_offices.kind: not one of the accepted values'); END;
-- @end
-- @pg
ALTER TABLE persons ADD CONSTRAINT persons_sex_enum CHECK (sex IN ('M', 'F')) NOT VALID;
ALTER TABLE complaints ADD CONSTRAINT complaints_disposition_enum CHECK (disposition IN ('pending', 'case_opened', 'attached', 'no_offence', 'referred_elsewhere')) NOT VALID;
ALTER TABLE cases ADD CONSTRAINT cases_frame_enum CHECK (frame IN ('flagrant', 'preliminary', 'rogatory')) NOT VALID;
ALTER TABLE cases ADD CONSTRAINT cases_class_enum CHECK (class IN ('contravention', 'delit_police', 'delit_correctionnel', 'crime')) NOT VALID;
ALTER TABLE cases ADD CONSTRAINT cases_status_enum CHECK (status IN ('registered', 'under_investigation', 'referred', 'closed', 'cancelled')) NOT VALID;
ALTER TABLE case_offences ADD CONSTRAINT case_offences_class_enum CHECK (class IN ('contravention', 'delit_police', 'delit_correctionnel', 'crime')) NOT VALID;
ALTER TABLE case_persons ADD CONSTRAINT case_persons_role_enum CHECK (role IN ('complainant', 'victim', 'suspect', 'witness', 'arrested')) NOT VALID;
ALTER TABLE pvs ADD CONSTRAINT pvs_type_enum CHECK (type IN ('hearing_complainant', 'hearing_victim', 'hearing_suspect', 'hearing_witness', 'confrontation', 'search', 'seizure', 'arrest_custody', 'transmission')) NOT VALID;
ALTER TABLE pvs ADD CONSTRAINT pvs_status_enum CHECK (status IN ('draft', 'sealed')) NOT VALID;
ALTER TABLE pvs ADD CONSTRAINT pvs_frame_enum CHECK (frame IN ('flagrant', 'preliminary', 'rogatory')) NOT VALID;
ALTER TABLE custodies ADD CONSTRAINT custodies_regime_enum CHECK (regime IN ('ordinary', 'terrorism', 'state_security', 'minor')) NOT VALID;
ALTER TABLE custodies ADD CONSTRAINT custodies_status_enum CHECK (status IN ('open', 'closed')) NOT VALID;
ALTER TABLE custodies ADD CONSTRAINT custodies_end_kind_enum CHECK (end_kind IN ('released', 'presented')) NOT VALID;
ALTER TABLE referrals ADD CONSTRAINT referrals_office_kind_enum CHECK (office_kind IN ('tpi', 'ca')) NOT VALID;
ALTER TABLE referrals ADD CONSTRAINT referrals_derived_kind_enum CHECK (derived_kind IN ('tpi', 'ca')) NOT VALID;
ALTER TABLE referrals ADD CONSTRAINT referrals_outcome_enum CHECK (outcome IN ('prosecuted', 'investigating_judge', 'further_inquiry', 'no_further_action', 'other')) NOT VALID;
ALTER TABLE wanted_notices ADD CONSTRAINT wanted_notices_danger_enum CHECK (danger IN ('low', 'medium', 'high')) NOT VALID;
ALTER TABLE wanted_notices ADD CONSTRAINT wanted_notices_sex_enum CHECK (sex IN ('M', 'F')) NOT VALID;
ALTER TABLE wanted_notices ADD CONSTRAINT wanted_notices_status_enum CHECK (status IN ('active', 'executed', 'cancelled')) NOT VALID;
ALTER TABLE stolen_vehicles ADD CONSTRAINT stolen_vehicles_status_enum CHECK (status IN ('active', 'recovered', 'cancelled')) NOT VALID;
ALTER TABLE stolen_documents ADD CONSTRAINT stolen_documents_doc_type_enum CHECK (doc_type IN ('cin', 'passport', 'licence', 'other')) NOT VALID;
ALTER TABLE stolen_documents ADD CONSTRAINT stolen_documents_kind_enum CHECK (kind IN ('lost', 'stolen')) NOT VALID;
ALTER TABLE stolen_documents ADD CONSTRAINT stolen_documents_status_enum CHECK (status IN ('active', 'found', 'cancelled')) NOT VALID;
ALTER TABLE register_events ADD CONSTRAINT register_events_register_enum CHECK (register IN ('wanted', 'vehicle', 'document')) NOT VALID;
ALTER TABLE register_events ADD CONSTRAINT register_events_status_enum CHECK (status IN ('active', 'executed', 'recovered', 'found', 'cancelled')) NOT VALID;
ALTER TABLE hits ADD CONSTRAINT hits_register_enum CHECK (register IN ('wanted', 'vehicle', 'document')) NOT VALID;
ALTER TABLE hits ADD CONSTRAINT hits_source_enum CHECK (source IN ('lookup', 'case', 'complaint', 'declaration', 'import', 'exchange')) NOT VALID;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_enum CHECK (kind IN ('hit')) NOT VALID;
ALTER TABLE users ADD CONSTRAINT users_role_enum CHECK (role IN ('admin', 'chief', 'opj', 'officer', 'analyst', 'auditor', 'monitor')) NOT VALID;
ALTER TABLE users ADD CONSTRAINT users_status_enum CHECK (status IN ('active', 'disabled')) NOT VALID;
ALTER TABLE users ADD CONSTRAINT users_lang_enum CHECK (lang IN ('ar', 'fr')) NOT VALID;
ALTER TABLE ref_offences ADD CONSTRAINT ref_offences_class_enum CHECK (class IN ('contravention', 'delit_police', 'delit_correctionnel', 'crime')) NOT VALID;
ALTER TABLE ref_custody_rules ADD CONSTRAINT ref_custody_rules_regime_enum CHECK (regime IN ('ordinary', 'terrorism', 'state_security', 'minor')) NOT VALID;
ALTER TABLE ref_prosecution_offices ADD CONSTRAINT ref_prosecution_offices_kind_enum CHECK (kind IN ('tpi', 'ca')) NOT VALID;
-- @end
