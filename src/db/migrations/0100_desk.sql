-- 0100 desk: the district front desk (src/desk, docs/internals/desk.md):
-- declarations of loss and theft and their items, residence certificates,
-- the verifiable documents the desk prints, the secret that names verifying
-- addresses anonymously, the residence certificate's validity rules and the
-- communes (reference data). The lost and stolen phones register
-- (src/registers), the finding unit and date on every register entry, the
-- IMEI and plate of a seized item, a complaint's declaration.

CREATE TABLE declarations (
  id             TEXT PRIMARY KEY,
  receipt_no     TEXT NOT NULL UNIQUE,
  unit_id        TEXT NOT NULL REFERENCES units(id),
  kind           TEXT NOT NULL,              -- loss | theft
  declarant_id   TEXT NOT NULL REFERENCES persons(id),
  occurred_at    BIGINT NOT NULL,
  place          TEXT NOT NULL,
  circumstances  TEXT,
  declared_at    BIGINT NOT NULL,
  declared_by    TEXT NOT NULL REFERENCES users(id),
  verify_no      TEXT NOT NULL,
  verify_code    TEXT NOT NULL,
  complaint_id   TEXT,
  case_id        TEXT
);
CREATE INDEX declarations_unit_day ON declarations(unit_id, declared_at);

CREATE TABLE declaration_items (
  id              TEXT PRIMARY KEY,
  declaration_id  TEXT NOT NULL REFERENCES declarations(id),
  seq             BIGINT NOT NULL,
  item_type       TEXT NOT NULL,             -- document | phone | vehicle | card | other
  doc_type        TEXT,
  doc_number      TEXT,
  issued_on       TEXT,
  imei            TEXT,
  plate           TEXT,
  vin             TEXT,
  make            TEXT,
  model           TEXT,
  color           TEXT,
  card_last4      TEXT,
  description     TEXT,
  register        TEXT,                      -- the register entry it made
  register_id     TEXT,
  found_at        BIGINT,
  found_unit_id   TEXT REFERENCES units(id),
  UNIQUE (declaration_id, seq)
);

CREATE TABLE residence_certificates (
  id              TEXT PRIMARY KEY,
  unit_id         TEXT NOT NULL REFERENCES units(id),
  applicant_id    TEXT NOT NULL REFERENCES persons(id),
  address         TEXT NOT NULL,
  commune         TEXT NOT NULL,
  purpose         TEXT NOT NULL,
  requested_at    BIGINT NOT NULL,
  requested_by    TEXT NOT NULL REFERENCES users(id),
  status          TEXT NOT NULL,             -- requested | checked | issued | refused
  check_kind      TEXT,
  check_on        TEXT,
  check_result    TEXT,
  check_notes     TEXT,
  checked_by      TEXT REFERENCES users(id),
  decided_at      BIGINT,
  decided_by      TEXT REFERENCES users(id),
  refusal_reason  TEXT,
  serial_no       TEXT UNIQUE,
  issued_at       BIGINT,
  valid_until     BIGINT,
  verify_no       TEXT,
  verify_code     TEXT,
  handed_at       BIGINT
);
CREATE INDEX residence_unit_status ON residence_certificates(unit_id, status);

-- Every document the desk printed that anyone may verify (desk_verify).
CREATE TABLE desk_documents (
  id           TEXT PRIMARY KEY,
  verify_no    TEXT NOT NULL UNIQUE,
  code         TEXT NOT NULL,
  kind         TEXT NOT NULL,                -- loss_receipt | theft_receipt | residence_certificate
  record_id    TEXT NOT NULL,
  unit_id      TEXT NOT NULL REFERENCES units(id),
  issued_at    BIGINT NOT NULL,
  valid_until  BIGINT
);

-- The key of the anonymous address hashes (made on first use; never exchanged).
CREATE TABLE desk_secret (
  name    TEXT PRIMARY KEY,
  secret  TEXT NOT NULL
);

-- Reference data (data/desk.json, data/communes.json): rows are added by
-- version, never rewritten.
CREATE TABLE desk_rules (
  code            TEXT PRIMARY KEY,
  version         TEXT NOT NULL,
  effective_from  TEXT NOT NULL,
  effective_to    TEXT,
  validity_days   BIGINT NOT NULL,
  source          TEXT,
  loaded_at       BIGINT NOT NULL
);
CREATE TABLE desk_communes (
  code        TEXT PRIMARY KEY,
  version     TEXT NOT NULL,
  name_fr     TEXT NOT NULL,
  name_ar     TEXT NOT NULL,
  prefecture  TEXT
);

-- Lost and stolen phones, by IMEI (src/registers).
CREATE TABLE stolen_phones (
  id             TEXT PRIMARY KEY,
  unit_id        TEXT NOT NULL REFERENCES units(id),
  imei           TEXT NOT NULL,
  make           TEXT,
  model          TEXT,
  color          TEXT,
  kind           TEXT NOT NULL,              -- lost | stolen
  holder_name    TEXT,
  reference      TEXT,
  status         TEXT NOT NULL,              -- active | found | cancelled
  status_reason  TEXT,
  created_by     TEXT NOT NULL,
  created_at     BIGINT NOT NULL,
  updated_at     BIGINT NOT NULL,
  found_unit_id  TEXT REFERENCES units(id),
  found_at       BIGINT,
  UNIQUE (unit_id, reference)
);
CREATE INDEX stolen_phones_imei ON stolen_phones(imei);

ALTER TABLE wanted_notices ADD COLUMN found_unit_id TEXT;
ALTER TABLE wanted_notices ADD COLUMN found_at BIGINT;
ALTER TABLE stolen_vehicles ADD COLUMN found_unit_id TEXT;
ALTER TABLE stolen_vehicles ADD COLUMN found_at BIGINT;
ALTER TABLE stolen_documents ADD COLUMN found_unit_id TEXT;
ALTER TABLE stolen_documents ADD COLUMN found_at BIGINT;
ALTER TABLE seizures ADD COLUMN imei TEXT;
ALTER TABLE seizures ADD COLUMN plate TEXT;
CREATE INDEX seizures_imei ON seizures(imei);
ALTER TABLE complaints ADD COLUMN declaration_id TEXT;

-- Every enum column of the new and changed descriptions constrained to its
-- values (as 0040; generated by tests/unit/test_records.c, SIJILL_PRINT_ENUM_DDL=1).
-- @sqlite
DROP TRIGGER stolen_documents_doc_type_enum_insert;
CREATE TRIGGER stolen_documents_doc_type_enum_insert BEFORE INSERT ON stolen_documents FOR EACH ROW WHEN NEW.doc_type NOT IN ('cin', 'passport', 'licence', 'registration', 'other')
BEGIN SELECT RAISE(ABORT, 'stolen_documents.doc_type: not one of the accepted values'); END;
DROP TRIGGER stolen_documents_doc_type_enum_update;
CREATE TRIGGER stolen_documents_doc_type_enum_update BEFORE UPDATE OF doc_type ON stolen_documents FOR EACH ROW WHEN NEW.doc_type NOT IN ('cin', 'passport', 'licence', 'registration', 'other')
BEGIN SELECT RAISE(ABORT, 'stolen_documents.doc_type: not one of the accepted values'); END;
DROP TRIGGER register_events_register_enum_insert;
CREATE TRIGGER register_events_register_enum_insert BEFORE INSERT ON register_events FOR EACH ROW WHEN NEW.register NOT IN ('wanted', 'vehicle', 'document', 'phone')
BEGIN SELECT RAISE(ABORT, 'register_events.register: not one of the accepted values'); END;
DROP TRIGGER register_events_register_enum_update;
CREATE TRIGGER register_events_register_enum_update BEFORE UPDATE OF register ON register_events FOR EACH ROW WHEN NEW.register NOT IN ('wanted', 'vehicle', 'document', 'phone')
BEGIN SELECT RAISE(ABORT, 'register_events.register: not one of the accepted values'); END;
DROP TRIGGER hits_register_enum_insert;
CREATE TRIGGER hits_register_enum_insert BEFORE INSERT ON hits FOR EACH ROW WHEN NEW.register NOT IN ('wanted', 'vehicle', 'document', 'phone')
BEGIN SELECT RAISE(ABORT, 'hits.register: not one of the accepted values'); END;
DROP TRIGGER hits_register_enum_update;
CREATE TRIGGER hits_register_enum_update BEFORE UPDATE OF register ON hits FOR EACH ROW WHEN NEW.register NOT IN ('wanted', 'vehicle', 'document', 'phone')
BEGIN SELECT RAISE(ABORT, 'hits.register: not one of the accepted values'); END;
DROP TRIGGER notifications_kind_enum_insert;
CREATE TRIGGER notifications_kind_enum_insert BEFORE INSERT ON notifications FOR EACH ROW WHEN NEW.kind NOT IN ('hit', 'found')
BEGIN SELECT RAISE(ABORT, 'notifications.kind: not one of the accepted values'); END;
DROP TRIGGER notifications_kind_enum_update;
CREATE TRIGGER notifications_kind_enum_update BEFORE UPDATE OF kind ON notifications FOR EACH ROW WHEN NEW.kind NOT IN ('hit', 'found')
BEGIN SELECT RAISE(ABORT, 'notifications.kind: not one of the accepted values'); END;
CREATE TRIGGER declarations_kind_enum_insert BEFORE INSERT ON declarations FOR EACH ROW WHEN NEW.kind NOT IN ('loss', 'theft')
BEGIN SELECT RAISE(ABORT, 'declarations.kind: not one of the accepted values'); END;
CREATE TRIGGER declarations_kind_enum_update BEFORE UPDATE OF kind ON declarations FOR EACH ROW WHEN NEW.kind NOT IN ('loss', 'theft')
BEGIN SELECT RAISE(ABORT, 'declarations.kind: not one of the accepted values'); END;
CREATE TRIGGER declaration_items_item_type_enum_insert BEFORE INSERT ON declaration_items FOR EACH ROW WHEN NEW.item_type NOT IN ('document', 'phone', 'vehicle', 'card', 'other')
BEGIN SELECT RAISE(ABORT, 'declaration_items.item_type: not one of the accepted values'); END;
CREATE TRIGGER declaration_items_item_type_enum_update BEFORE UPDATE OF item_type ON declaration_items FOR EACH ROW WHEN NEW.item_type NOT IN ('document', 'phone', 'vehicle', 'card', 'other')
BEGIN SELECT RAISE(ABORT, 'declaration_items.item_type: not one of the accepted values'); END;
CREATE TRIGGER declaration_items_doc_type_enum_insert BEFORE INSERT ON declaration_items FOR EACH ROW WHEN NEW.doc_type NOT IN ('cin', 'passport', 'licence', 'registration', 'other')
BEGIN SELECT RAISE(ABORT, 'declaration_items.doc_type: not one of the accepted values'); END;
CREATE TRIGGER declaration_items_doc_type_enum_update BEFORE UPDATE OF doc_type ON declaration_items FOR EACH ROW WHEN NEW.doc_type NOT IN ('cin', 'passport', 'licence', 'registration', 'other')
BEGIN SELECT RAISE(ABORT, 'declaration_items.doc_type: not one of the accepted values'); END;
CREATE TRIGGER declaration_items_register_enum_insert BEFORE INSERT ON declaration_items FOR EACH ROW WHEN NEW.register NOT IN ('wanted', 'vehicle', 'document', 'phone')
BEGIN SELECT RAISE(ABORT, 'declaration_items.register: not one of the accepted values'); END;
CREATE TRIGGER declaration_items_register_enum_update BEFORE UPDATE OF register ON declaration_items FOR EACH ROW WHEN NEW.register NOT IN ('wanted', 'vehicle', 'document', 'phone')
BEGIN SELECT RAISE(ABORT, 'declaration_items.register: not one of the accepted values'); END;
CREATE TRIGGER residence_certificates_purpose_enum_insert BEFORE INSERT ON residence_certificates FOR EACH ROW WHEN NEW.purpose NOT IN ('cnie', 'passport', 'administration', 'employment', 'school', 'other')
BEGIN SELECT RAISE(ABORT, 'residence_certificates.purpose: not one of the accepted values'); END;
CREATE TRIGGER residence_certificates_purpose_enum_update BEFORE UPDATE OF purpose ON residence_certificates FOR EACH ROW WHEN NEW.purpose NOT IN ('cnie', 'passport', 'administration', 'employment', 'school', 'other')
BEGIN SELECT RAISE(ABORT, 'residence_certificates.purpose: not one of the accepted values'); END;
CREATE TRIGGER residence_certificates_status_enum_insert BEFORE INSERT ON residence_certificates FOR EACH ROW WHEN NEW.status NOT IN ('requested', 'checked', 'issued', 'refused')
BEGIN SELECT RAISE(ABORT, 'residence_certificates.status: not one of the accepted values'); END;
CREATE TRIGGER residence_certificates_status_enum_update BEFORE UPDATE OF status ON residence_certificates FOR EACH ROW WHEN NEW.status NOT IN ('requested', 'checked', 'issued', 'refused')
BEGIN SELECT RAISE(ABORT, 'residence_certificates.status: not one of the accepted values'); END;
CREATE TRIGGER residence_certificates_check_kind_enum_insert BEFORE INSERT ON residence_certificates FOR EACH ROW WHEN NEW.check_kind NOT IN ('visit', 'verification')
BEGIN SELECT RAISE(ABORT, 'residence_certificates.check_kind: not one of the accepted values'); END;
CREATE TRIGGER residence_certificates_check_kind_enum_update BEFORE UPDATE OF check_kind ON residence_certificates FOR EACH ROW WHEN NEW.check_kind NOT IN ('visit', 'verification')
BEGIN SELECT RAISE(ABORT, 'residence_certificates.check_kind: not one of the accepted values'); END;
CREATE TRIGGER residence_certificates_check_result_enum_insert BEFORE INSERT ON residence_certificates FOR EACH ROW WHEN NEW.check_result NOT IN ('confirmed', 'not_confirmed')
BEGIN SELECT RAISE(ABORT, 'residence_certificates.check_result: not one of the accepted values'); END;
CREATE TRIGGER residence_certificates_check_result_enum_update BEFORE UPDATE OF check_result ON residence_certificates FOR EACH ROW WHEN NEW.check_result NOT IN ('confirmed', 'not_confirmed')
BEGIN SELECT RAISE(ABORT, 'residence_certificates.check_result: not one of the accepted values'); END;
CREATE TRIGGER desk_documents_kind_enum_insert BEFORE INSERT ON desk_documents FOR EACH ROW WHEN NEW.kind NOT IN ('loss_receipt', 'theft_receipt', 'residence_certificate')
BEGIN SELECT RAISE(ABORT, 'desk_documents.kind: not one of the accepted values'); END;
CREATE TRIGGER desk_documents_kind_enum_update BEFORE UPDATE OF kind ON desk_documents FOR EACH ROW WHEN NEW.kind NOT IN ('loss_receipt', 'theft_receipt', 'residence_certificate')
BEGIN SELECT RAISE(ABORT, 'desk_documents.kind: not one of the accepted values'); END;
CREATE TRIGGER stolen_phones_kind_enum_insert BEFORE INSERT ON stolen_phones FOR EACH ROW WHEN NEW.kind NOT IN ('lost', 'stolen')
BEGIN SELECT RAISE(ABORT, 'stolen_phones.kind: not one of the accepted values'); END;
CREATE TRIGGER stolen_phones_kind_enum_update BEFORE UPDATE OF kind ON stolen_phones FOR EACH ROW WHEN NEW.kind NOT IN ('lost', 'stolen')
BEGIN SELECT RAISE(ABORT, 'stolen_phones.kind: not one of the accepted values'); END;
CREATE TRIGGER stolen_phones_status_enum_insert BEFORE INSERT ON stolen_phones FOR EACH ROW WHEN NEW.status NOT IN ('active', 'found', 'cancelled')
BEGIN SELECT RAISE(ABORT, 'stolen_phones.status: not one of the accepted values'); END;
CREATE TRIGGER stolen_phones_status_enum_update BEFORE UPDATE OF status ON stolen_phones FOR EACH ROW WHEN NEW.status NOT IN ('active', 'found', 'cancelled')
BEGIN SELECT RAISE(ABORT, 'stolen_phones.status: not one of the accepted values'); END;
-- @end
-- @pg
ALTER TABLE stolen_documents DROP CONSTRAINT stolen_documents_doc_type_enum;
ALTER TABLE stolen_documents ADD CONSTRAINT stolen_documents_doc_type_enum CHECK (doc_type IN ('cin', 'passport', 'licence', 'registration', 'other')) NOT VALID;
ALTER TABLE register_events DROP CONSTRAINT register_events_register_enum;
ALTER TABLE register_events ADD CONSTRAINT register_events_register_enum CHECK (register IN ('wanted', 'vehicle', 'document', 'phone')) NOT VALID;
ALTER TABLE hits DROP CONSTRAINT hits_register_enum;
ALTER TABLE hits ADD CONSTRAINT hits_register_enum CHECK (register IN ('wanted', 'vehicle', 'document', 'phone')) NOT VALID;
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_enum;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_enum CHECK (kind IN ('hit', 'found')) NOT VALID;
ALTER TABLE declarations ADD CONSTRAINT declarations_kind_enum CHECK (kind IN ('loss', 'theft')) NOT VALID;
ALTER TABLE declaration_items ADD CONSTRAINT declaration_items_item_type_enum CHECK (item_type IN ('document', 'phone', 'vehicle', 'card', 'other')) NOT VALID;
ALTER TABLE declaration_items ADD CONSTRAINT declaration_items_doc_type_enum CHECK (doc_type IN ('cin', 'passport', 'licence', 'registration', 'other')) NOT VALID;
ALTER TABLE declaration_items ADD CONSTRAINT declaration_items_register_enum CHECK (register IN ('wanted', 'vehicle', 'document', 'phone')) NOT VALID;
ALTER TABLE residence_certificates ADD CONSTRAINT residence_certificates_purpose_enum CHECK (purpose IN ('cnie', 'passport', 'administration', 'employment', 'school', 'other')) NOT VALID;
ALTER TABLE residence_certificates ADD CONSTRAINT residence_certificates_status_enum CHECK (status IN ('requested', 'checked', 'issued', 'refused')) NOT VALID;
ALTER TABLE residence_certificates ADD CONSTRAINT residence_certificates_check_kind_enum CHECK (check_kind IN ('visit', 'verification')) NOT VALID;
ALTER TABLE residence_certificates ADD CONSTRAINT residence_certificates_check_result_enum CHECK (check_result IN ('confirmed', 'not_confirmed')) NOT VALID;
ALTER TABLE desk_documents ADD CONSTRAINT desk_documents_kind_enum CHECK (kind IN ('loss_receipt', 'theft_receipt', 'residence_certificate')) NOT VALID;
ALTER TABLE stolen_phones ADD CONSTRAINT stolen_phones_kind_enum CHECK (kind IN ('lost', 'stolen')) NOT VALID;
ALTER TABLE stolen_phones ADD CONSTRAINT stolen_phones_status_enum CHECK (status IN ('active', 'found', 'cancelled')) NOT VALID;
-- @end
