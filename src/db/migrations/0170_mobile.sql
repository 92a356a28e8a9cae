-- 0170 mobile: the mobile CNIE enrolment units (src/mobile, docs/internals/mobile.md):
-- tours planned by a regional command (stops by day, commune and place, the
-- team, booked citizens), the capture devices registered at central, the
-- enrolments a kit records offline with their device-signed captures, the
-- alerts of its offline checks, the supervisor's review, the sealed packets
-- that travel to central through the exchange (xchg_tables[]), central's
-- validation of each packet, and the CNIE rules (reference data, by date).

CREATE TABLE mob_tours (
  id             TEXT PRIMARY KEY,
  unit_id        TEXT NOT NULL REFERENCES units(id),   -- the unit the kit hosts
  code           TEXT NOT NULL UNIQUE,                 -- UNIT/YEAR/TR-NNNN
  kit            TEXT NOT NULL,                        -- the kit's name (its node)
  vehicle        TEXT NOT NULL,
  supervisor_id  TEXT NOT NULL REFERENCES users(id),
  starts_on      TEXT NOT NULL,
  ends_on        TEXT NOT NULL,
  status         TEXT NOT NULL,                        -- planned | provisioned | closed | cancelled
  notes          TEXT,
  created_at     BIGINT NOT NULL,
  created_by     TEXT NOT NULL REFERENCES users(id)
);
CREATE INDEX mob_tours_unit ON mob_tours(unit_id, starts_on);

CREATE TABLE mob_stops (
  id            TEXT PRIMARY KEY,
  tour_id       TEXT NOT NULL REFERENCES mob_tours(id),
  seq           BIGINT NOT NULL,
  day           TEXT NOT NULL,
  commune       TEXT NOT NULL,
  place         TEXT NOT NULL,
  place_kind    TEXT NOT NULL,     -- douar | school | commune_hall | market | other
  opens         TEXT NOT NULL,     -- HH:MM legal time
  closes        TEXT NOT NULL,
  slot_minutes  BIGINT NOT NULL,
  per_slot      BIGINT NOT NULL,
  UNIQUE (tour_id, seq)
);

CREATE TABLE mob_team (
  id        TEXT PRIMARY KEY,
  tour_id   TEXT NOT NULL REFERENCES mob_tours(id),
  user_id   TEXT NOT NULL REFERENCES users(id),
  role      TEXT NOT NULL,         -- operator | supervisor
  UNIQUE (tour_id, user_id)
);

CREATE TABLE mob_bookings (
  id          TEXT PRIMARY KEY,
  tour_id     TEXT NOT NULL REFERENCES mob_tours(id),
  stop_seq    BIGINT NOT NULL,
  slot        TEXT NOT NULL,       -- HH:MM
  preapp_no   TEXT,
  name_lat    TEXT,
  name_ar     TEXT,
  phone       TEXT,
  booked_at   BIGINT NOT NULL,
  booked_by   TEXT NOT NULL REFERENCES users(id)
);
CREATE INDEX mob_bookings_slot ON mob_bookings(tour_id, stop_seq, slot);

-- Capture devices (SBI): registered at central, provisioned to kits.
CREATE TABLE mob_devices (
  id             TEXT PRIMARY KEY,
  serial         TEXT NOT NULL UNIQUE,
  kind           TEXT NOT NULL,     -- finger | face
  make           TEXT NOT NULL,
  model          TEXT NOT NULL,
  public_key     TEXT NOT NULL,     -- Ed25519, hex
  status         TEXT NOT NULL,     -- active | revoked
  registered_at  BIGINT NOT NULL,
  registered_by  TEXT              -- central's user; NULL in a kit's copy
);

CREATE TABLE mob_enrolments (
  id              TEXT PRIMARY KEY,
  unit_id         TEXT NOT NULL REFERENCES units(id),
  tour_id         TEXT NOT NULL REFERENCES mob_tours(id),
  application_no  TEXT NOT NULL UNIQUE,
  verify_code     TEXT NOT NULL,
  request_type    TEXT NOT NULL,   -- first | renewal | duplicate | change | minor
  last_name_lat   TEXT NOT NULL,
  first_name_lat  TEXT NOT NULL,
  last_name_ar    TEXT NOT NULL,
  first_name_ar   TEXT NOT NULL,
  sex             TEXT NOT NULL,
  birth_date      TEXT NOT NULL,
  birth_place     TEXT NOT NULL,
  birth_act_no    TEXT NOT NULL,
  father_name     TEXT NOT NULL,
  mother_name     TEXT NOT NULL,
  address         TEXT NOT NULL,
  commune         TEXT NOT NULL,
  prior_cin       TEXT,
  declaration_no  TEXT,
  guardian_name   TEXT,
  guardian_cin    TEXT,
  documents       TEXT NOT NULL,   -- JSON [{kind, number, verified}]
  fee_ref         TEXT,
  status          TEXT NOT NULL,   -- capturing | signed | approved | rejected | sealed
  chain_head      TEXT NOT NULL,   -- hash of the last capture (SBI previousHash)
  alerts          TEXT NOT NULL,   -- JSON [{kind, detail}]
  operator_id     TEXT NOT NULL REFERENCES users(id),
  created_at      BIGINT NOT NULL,
  signed_at       BIGINT,
  reviewed_by     TEXT REFERENCES users(id),
  reviewed_at     BIGINT,
  reject_reason   TEXT,
  name_key        TEXT NOT NULL,   -- cross-script key of the names (src/text)
  central_status  TEXT,            -- what central said, back by the status feed
  central_reason  TEXT,
  central_at      BIGINT,
  handed_at       BIGINT,          -- the card handed over (hand-over)
  handed_by       TEXT REFERENCES users(id),
  handover_check  TEXT,            -- match | override
  handover_reason TEXT,
  old_card_collected BIGINT,
  pin_envelope    TEXT
);
CREATE INDEX mob_enrolments_tour ON mob_enrolments(tour_id, status);
CREATE INDEX mob_enrolments_key ON mob_enrolments(tour_id, name_key, birth_date);

CREATE TABLE mob_captures (
  id              TEXT PRIMARY KEY,
  enrolment_id    TEXT NOT NULL REFERENCES mob_enrolments(id),
  seq             BIGINT NOT NULL,
  modality        TEXT NOT NULL,   -- finger | face | exception_photo
  position        TEXT NOT NULL,   -- Right Thumb ... Face
  quality         BIGINT NOT NULL,
  accepted        BIGINT NOT NULL, -- 1: at or above the threshold
  device_serial   TEXT NOT NULL,
  data            TEXT NOT NULL,   -- the device's signed capture (compact JWS)
  bio_hash        TEXT NOT NULL,   -- SHA-256 of the biometric value
  hash            TEXT NOT NULL,   -- SHA-256(previous hash || bio_hash), the chain
  captured_at     BIGINT NOT NULL,
  UNIQUE (enrolment_id, seq)
);

CREATE TABLE mob_exceptions (
  id              TEXT PRIMARY KEY,
  enrolment_id    TEXT NOT NULL REFERENCES mob_enrolments(id),
  position        TEXT NOT NULL,
  reason          TEXT NOT NULL,   -- amputated | injured | unreadable | other
  notes           TEXT,
  recorded_at     BIGINT NOT NULL,
  UNIQUE (enrolment_id, position)
);

-- The operators' own prints, captured at provisioning: an applicant's capture
-- equal to one of them is refused (the operator is not the applicant).
CREATE TABLE mob_operator_prints (
  id         TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users(id),
  bio_hash   TEXT NOT NULL,
  at         BIGINT NOT NULL
);
CREATE INDEX mob_operator_prints_hash ON mob_operator_prints(bio_hash);

-- Sealed packets: what travels to central (exchange outbox).
CREATE TABLE mob_packets (
  id              TEXT PRIMARY KEY,
  unit_id         TEXT NOT NULL REFERENCES units(id),
  enrolment_id    TEXT NOT NULL UNIQUE,
  application_no  TEXT NOT NULL UNIQUE,
  sealed_at       BIGINT NOT NULL,
  packet_hash     TEXT NOT NULL,   -- BLAKE2b-256 of the clear packet
  kit_key         TEXT NOT NULL,   -- the kit's Ed25519 public key (hex)
  signature       TEXT NOT NULL,   -- Ed25519 over "sijill-mob-packet-v1|" || packet_hash
  box             TEXT NOT NULL,   -- base64 sealed box to central's key
  size            BIGINT NOT NULL
);

-- Central: each packet received, validated once (its reason when refused).
CREATE TABLE mob_received (
  id              TEXT PRIMARY KEY,
  packet_id       TEXT NOT NULL UNIQUE,
  node_id         TEXT,
  enrolment_id    TEXT,            -- the kit's application id
  application_no  TEXT NOT NULL,
  packet_hash     TEXT NOT NULL,
  unit            TEXT,
  outcome         TEXT NOT NULL,   -- accepted | refused
  reason          TEXT,
  status          TEXT NOT NULL,   -- validated | adjudication | in_production | ready | dispatched | handed | refused
  demographic     TEXT,            -- JSON candidates
  applicant       TEXT,            -- JSON: the demographics, for dedup and production
  abis_ref        TEXT,            -- the referenceId the ABIS knows it by (never the number)
  received_at     BIGINT NOT NULL,
  status_at       BIGINT NOT NULL
);
CREATE INDEX mob_received_app ON mob_received(application_no, outcome);
CREATE INDEX mob_received_status ON mob_received(unit, status_at);

-- Keys the kit was provisioned with (the kit feed): central's box key.
CREATE TABLE mob_kit_keys (
  name   TEXT PRIMARY KEY,
  value  TEXT NOT NULL
);

-- The CNIE rules (data/cnie.json): rows added by version, never rewritten.
CREATE TABLE mob_rules (
  code            TEXT PRIMARY KEY,
  version         TEXT NOT NULL,
  effective_from  TEXT NOT NULL,
  effective_to    TEXT,
  body            TEXT NOT NULL,
  source          TEXT,
  loaded_at       BIGINT NOT NULL
);

-- Every enum column of the descriptions constrained to its values (as 0040;
-- generated by tests/unit/test_records.c, SIJILL_PRINT_ENUM_DDL=1).
-- @sqlite
CREATE TRIGGER mob_tours_status_enum_insert BEFORE INSERT ON mob_tours FOR EACH ROW WHEN NEW.status NOT IN ('planned', 'provisioned', 'closed', 'cancelled')
BEGIN SELECT RAISE(ABORT, 'mob_tours.status: not one of the accepted values'); END;
CREATE TRIGGER mob_tours_status_enum_update BEFORE UPDATE OF status ON mob_tours FOR EACH ROW WHEN NEW.status NOT IN ('planned', 'provisioned', 'closed', 'cancelled')
BEGIN SELECT RAISE(ABORT, 'mob_tours.status: not one of the accepted values'); END;
CREATE TRIGGER mob_stops_place_kind_enum_insert BEFORE INSERT ON mob_stops FOR EACH ROW WHEN NEW.place_kind NOT IN ('douar', 'school', 'commune_hall', 'market', 'other')
BEGIN SELECT RAISE(ABORT, 'mob_stops.place_kind: not one of the accepted values'); END;
CREATE TRIGGER mob_stops_place_kind_enum_update BEFORE UPDATE OF place_kind ON mob_stops FOR EACH ROW WHEN NEW.place_kind NOT IN ('douar', 'school', 'commune_hall', 'market', 'other')
BEGIN SELECT RAISE(ABORT, 'mob_stops.place_kind: not one of the accepted values'); END;
CREATE TRIGGER mob_devices_kind_enum_insert BEFORE INSERT ON mob_devices FOR EACH ROW WHEN NEW.kind NOT IN ('finger', 'face')
BEGIN SELECT RAISE(ABORT, 'mob_devices.kind: not one of the accepted values'); END;
CREATE TRIGGER mob_devices_kind_enum_update BEFORE UPDATE OF kind ON mob_devices FOR EACH ROW WHEN NEW.kind NOT IN ('finger', 'face')
BEGIN SELECT RAISE(ABORT, 'mob_devices.kind: not one of the accepted values'); END;
CREATE TRIGGER mob_devices_status_enum_insert BEFORE INSERT ON mob_devices FOR EACH ROW WHEN NEW.status NOT IN ('active', 'revoked')
BEGIN SELECT RAISE(ABORT, 'mob_devices.status: not one of the accepted values'); END;
CREATE TRIGGER mob_devices_status_enum_update BEFORE UPDATE OF status ON mob_devices FOR EACH ROW WHEN NEW.status NOT IN ('active', 'revoked')
BEGIN SELECT RAISE(ABORT, 'mob_devices.status: not one of the accepted values'); END;
CREATE TRIGGER mob_enrolments_request_type_enum_insert BEFORE INSERT ON mob_enrolments FOR EACH ROW WHEN NEW.request_type NOT IN ('first', 'renewal', 'duplicate', 'change', 'minor')
BEGIN SELECT RAISE(ABORT, 'mob_enrolments.request_type: not one of the accepted values'); END;
CREATE TRIGGER mob_enrolments_request_type_enum_update BEFORE UPDATE OF request_type ON mob_enrolments FOR EACH ROW WHEN NEW.request_type NOT IN ('first', 'renewal', 'duplicate', 'change', 'minor')
BEGIN SELECT RAISE(ABORT, 'mob_enrolments.request_type: not one of the accepted values'); END;
CREATE TRIGGER mob_enrolments_sex_enum_insert BEFORE INSERT ON mob_enrolments FOR EACH ROW WHEN NEW.sex NOT IN ('M', 'F')
BEGIN SELECT RAISE(ABORT, 'mob_enrolments.sex: not one of the accepted values'); END;
CREATE TRIGGER mob_enrolments_sex_enum_update BEFORE UPDATE OF sex ON mob_enrolments FOR EACH ROW WHEN NEW.sex NOT IN ('M', 'F')
BEGIN SELECT RAISE(ABORT, 'mob_enrolments.sex: not one of the accepted values'); END;
CREATE TRIGGER mob_enrolments_status_enum_insert BEFORE INSERT ON mob_enrolments FOR EACH ROW WHEN NEW.status NOT IN ('capturing', 'signed', 'approved', 'rejected', 'sealed')
BEGIN SELECT RAISE(ABORT, 'mob_enrolments.status: not one of the accepted values'); END;
CREATE TRIGGER mob_enrolments_status_enum_update BEFORE UPDATE OF status ON mob_enrolments FOR EACH ROW WHEN NEW.status NOT IN ('capturing', 'signed', 'approved', 'rejected', 'sealed')
BEGIN SELECT RAISE(ABORT, 'mob_enrolments.status: not one of the accepted values'); END;
CREATE TRIGGER mob_captures_modality_enum_insert BEFORE INSERT ON mob_captures FOR EACH ROW WHEN NEW.modality NOT IN ('finger', 'face', 'exception_photo')
BEGIN SELECT RAISE(ABORT, 'mob_captures.modality: not one of the accepted values'); END;
CREATE TRIGGER mob_captures_modality_enum_update BEFORE UPDATE OF modality ON mob_captures FOR EACH ROW WHEN NEW.modality NOT IN ('finger', 'face', 'exception_photo')
BEGIN SELECT RAISE(ABORT, 'mob_captures.modality: not one of the accepted values'); END;
CREATE TRIGGER mob_exceptions_reason_enum_insert BEFORE INSERT ON mob_exceptions FOR EACH ROW WHEN NEW.reason NOT IN ('amputated', 'injured', 'unreadable', 'other')
BEGIN SELECT RAISE(ABORT, 'mob_exceptions.reason: not one of the accepted values'); END;
CREATE TRIGGER mob_exceptions_reason_enum_update BEFORE UPDATE OF reason ON mob_exceptions FOR EACH ROW WHEN NEW.reason NOT IN ('amputated', 'injured', 'unreadable', 'other')
BEGIN SELECT RAISE(ABORT, 'mob_exceptions.reason: not one of the accepted values'); END;
-- @end
-- @pg
ALTER TABLE mob_tours ADD CONSTRAINT mob_tours_status_enum CHECK (status IN ('planned', 'provisioned', 'closed', 'cancelled')) NOT VALID;
ALTER TABLE mob_stops ADD CONSTRAINT mob_stops_place_kind_enum CHECK (place_kind IN ('douar', 'school', 'commune_hall', 'market', 'other')) NOT VALID;
ALTER TABLE mob_devices ADD CONSTRAINT mob_devices_kind_enum CHECK (kind IN ('finger', 'face')) NOT VALID;
ALTER TABLE mob_devices ADD CONSTRAINT mob_devices_status_enum CHECK (status IN ('active', 'revoked')) NOT VALID;
ALTER TABLE mob_enrolments ADD CONSTRAINT mob_enrolments_request_type_enum CHECK (request_type IN ('first', 'renewal', 'duplicate', 'change', 'minor')) NOT VALID;
ALTER TABLE mob_enrolments ADD CONSTRAINT mob_enrolments_sex_enum CHECK (sex IN ('M', 'F')) NOT VALID;
ALTER TABLE mob_enrolments ADD CONSTRAINT mob_enrolments_status_enum CHECK (status IN ('capturing', 'signed', 'approved', 'rejected', 'sealed')) NOT VALID;
ALTER TABLE mob_captures ADD CONSTRAINT mob_captures_modality_enum CHECK (modality IN ('finger', 'face', 'exception_photo')) NOT VALID;
ALTER TABLE mob_exceptions ADD CONSTRAINT mob_exceptions_reason_enum CHECK (reason IN ('amputated', 'injured', 'unreadable', 'other')) NOT VALID;
-- @end

-- The packets travel to central through the outbox (xchg_tables[]; generated by
-- tests/unit/test_exchange.c, SIJILL_PRINT_XCHG_DDL=1).
-- @sqlite
CREATE TRIGGER xchg_mob_packets_insert AFTER INSERT ON mob_packets FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('mob_packets', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'unit_id', NEW.unit_id, 'enrolment_id', NEW.enrolment_id, 'application_no', NEW.application_no, 'sealed_at', NEW.sealed_at, 'packet_hash', NEW.packet_hash, 'kit_key', NEW.kit_key, 'signature', NEW.signature, 'box', NEW.box, 'size', NEW.size), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_mob_packets_update AFTER UPDATE OF unit_id, enrolment_id, application_no, sealed_at, packet_hash, kit_key, signature, box, size ON mob_packets FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('mob_packets', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'unit_id', NEW.unit_id, 'enrolment_id', NEW.enrolment_id, 'application_no', NEW.application_no, 'sealed_at', NEW.sealed_at, 'packet_hash', NEW.packet_hash, 'kit_key', NEW.kit_key, 'signature', NEW.signature, 'box', NEW.box, 'size', NEW.size), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
-- @end
