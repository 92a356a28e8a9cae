-- 0070 exchange with central (issue 12, docs/internals/exchange.md).
-- A node (SQLite) appends every change of an exchanged table to xchg_outbox
-- in the writer's own transaction (the triggers below, generated from the
-- record descriptions by src/exchange/schema.c: SIJILL_PRINT_XCHG_DDL=1
-- build-test/tests/unit/test_exchange). Central (PostgreSQL) keeps the nodes,
-- every row a node sent (xchg_rows, by table and id, with the source sequence
-- that wrote it last), the rows of units a node does not host (quarantine),
-- and each node's audit chain position.

-- @sqlite
CREATE TABLE xchg_outbox (
  seq     INTEGER PRIMARY KEY AUTOINCREMENT,   -- per node, in commit order, never reused
  tbl     TEXT NOT NULL,
  row_id  TEXT NOT NULL,
  unit    TEXT,                                -- the unit code the row belongs to
  row     TEXT NOT NULL,                       -- sj_row_json() of every sent column
  at      BIGINT NOT NULL
);
-- @end
-- @pg
CREATE TABLE xchg_outbox (
  seq     BIGSERIAL PRIMARY KEY,
  tbl     TEXT NOT NULL,
  row_id  TEXT NOT NULL,
  unit    TEXT,
  row     TEXT NOT NULL,
  at      BIGINT NOT NULL
);
-- @end
CREATE INDEX xchg_outbox_row ON xchg_outbox(tbl, row_id);

CREATE TABLE xchg_nodes (
  id             TEXT PRIMARY KEY,
  unit_code      TEXT NOT NULL,            -- the unit the node hosts (and the units below it)
  status         TEXT NOT NULL,            -- pending | active | suspended
  public_key     TEXT,                     -- hex Ed25519, pinned at enrolment (public: not a secret)
  enrol_hash     TEXT,                     -- hex BLAKE2b of the one-time code; NULL once used
  enrol_expires  BIGINT,
  created_at     BIGINT NOT NULL,
  enrolled_at    BIGINT,
  acked_seq      BIGINT NOT NULL DEFAULT 0,   -- the highest source sequence applied
  last_at        BIGINT,                   -- last batch applied
  batches        BIGINT NOT NULL DEFAULT 0,
  records        BIGINT NOT NULL DEFAULT 0,
  quarantined    BIGINT NOT NULL DEFAULT 0,
  last_error     TEXT,                     -- reason code of the last refused batch
  last_error_at  BIGINT,
  audit_seq      BIGINT NOT NULL DEFAULT 0,   -- the node's last audit entry witnessed
  audit_head     TEXT,                     -- and its head
  chain_error    TEXT                      -- set when the node's chain did not continue
);
CREATE INDEX xchg_nodes_unit ON xchg_nodes(unit_code);
-- @sqlite
CREATE TRIGGER xchg_nodes_status_enum_insert BEFORE INSERT ON xchg_nodes FOR EACH ROW WHEN NEW.status NOT IN ('pending', 'active', 'suspended')
BEGIN SELECT RAISE(ABORT, 'xchg_nodes.status: not one of the accepted values'); END;
CREATE TRIGGER xchg_nodes_status_enum_update BEFORE UPDATE OF status ON xchg_nodes FOR EACH ROW WHEN NEW.status NOT IN ('pending', 'active', 'suspended')
BEGIN SELECT RAISE(ABORT, 'xchg_nodes.status: not one of the accepted values'); END;
-- @end
-- @pg
ALTER TABLE xchg_nodes ADD CONSTRAINT xchg_nodes_status_enum CHECK (status IN ('pending', 'active', 'suspended')) NOT VALID;
-- @end

CREATE TABLE xchg_rows (
  tbl         TEXT NOT NULL,
  id          TEXT NOT NULL,
  node_id     TEXT NOT NULL REFERENCES xchg_nodes(id),
  src_seq     BIGINT NOT NULL,
  unit        TEXT,
  row         TEXT NOT NULL,
  applied_at  BIGINT NOT NULL,
  PRIMARY KEY (tbl, id)
);
CREATE INDEX xchg_rows_node ON xchg_rows(node_id, tbl);

CREATE TABLE xchg_quarantine (
  node_id   TEXT NOT NULL REFERENCES xchg_nodes(id),
  seq       BIGINT NOT NULL,
  tbl       TEXT NOT NULL,
  row_id    TEXT NOT NULL,
  unit      TEXT,
  row       TEXT NOT NULL,
  reason    TEXT NOT NULL,                 -- unit-not-hosted | unknown-table | chain-broken
  at        BIGINT NOT NULL,
  PRIMARY KEY (node_id, seq)
);

-- @sqlite
-- The outbox triggers (generated: see the head of this file).
CREATE TRIGGER xchg_users_insert AFTER INSERT ON users FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('users', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'badge', NEW.badge, 'name', NEW.name, 'role', NEW.role, 'unit_id', NEW.unit_id, 'status', NEW.status, 'lang', NEW.lang, 'demo', NEW.demo, 'password_set_at', NEW.password_set_at, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'totp_enabled', NEW.totp_enabled, 'totp_last_step', NEW.totp_last_step), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_users_update AFTER UPDATE OF badge, name, role, unit_id, status, lang, demo, password_set_at, created_at, updated_at, totp_enabled, totp_last_step ON users FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('users', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'badge', NEW.badge, 'name', NEW.name, 'role', NEW.role, 'unit_id', NEW.unit_id, 'status', NEW.status, 'lang', NEW.lang, 'demo', NEW.demo, 'password_set_at', NEW.password_set_at, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'totp_enabled', NEW.totp_enabled, 'totp_last_step', NEW.totp_last_step), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_opj_keys_insert AFTER INSERT ON opj_keys FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('opj_keys', NEW.key_id, (SELECT code FROM units WHERE id = (SELECT unit_id FROM users WHERE id = NEW.user_id)), sj_row_json('key_id', NEW.key_id, 'user_id', NEW.user_id, 'public_key', NEW.public_key, 'created_at', NEW.created_at), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_opj_keys_update AFTER UPDATE OF user_id, public_key, created_at ON opj_keys FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('opj_keys', NEW.key_id, (SELECT code FROM units WHERE id = (SELECT unit_id FROM users WHERE id = NEW.user_id)), sj_row_json('key_id', NEW.key_id, 'user_id', NEW.user_id, 'public_key', NEW.public_key, 'created_at', NEW.created_at), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_persons_insert AFTER INSERT ON persons FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('persons', NEW.id, (SELECT code FROM units WHERE id = NEW.home_unit_id), sj_row_json('id', NEW.id, 'cin', NEW.cin, 'unknown', NEW.unknown, 'first_name_ar', NEW.first_name_ar, 'last_name_ar', NEW.last_name_ar, 'first_name_lat', NEW.first_name_lat, 'last_name_lat', NEW.last_name_lat, 'father_name', NEW.father_name, 'mother_name', NEW.mother_name, 'birth_date', NEW.birth_date, 'birth_place', NEW.birth_place, 'sex', NEW.sex, 'nationality', NEW.nationality, 'address', NEW.address, 'phone', NEW.phone, 'description', NEW.description, 'home_unit_id', NEW.home_unit_id, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'father_name_ar', NEW.father_name_ar, 'father_name_lat', NEW.father_name_lat, 'mother_name_ar', NEW.mother_name_ar, 'merged_into', NEW.merged_into), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_persons_update AFTER UPDATE OF cin, unknown, first_name_ar, last_name_ar, first_name_lat, last_name_lat, father_name, mother_name, birth_date, birth_place, sex, nationality, address, phone, description, home_unit_id, created_at, updated_at, father_name_ar, father_name_lat, mother_name_ar, merged_into ON persons FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('persons', NEW.id, (SELECT code FROM units WHERE id = NEW.home_unit_id), sj_row_json('id', NEW.id, 'cin', NEW.cin, 'unknown', NEW.unknown, 'first_name_ar', NEW.first_name_ar, 'last_name_ar', NEW.last_name_ar, 'first_name_lat', NEW.first_name_lat, 'last_name_lat', NEW.last_name_lat, 'father_name', NEW.father_name, 'mother_name', NEW.mother_name, 'birth_date', NEW.birth_date, 'birth_place', NEW.birth_place, 'sex', NEW.sex, 'nationality', NEW.nationality, 'address', NEW.address, 'phone', NEW.phone, 'description', NEW.description, 'home_unit_id', NEW.home_unit_id, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'father_name_ar', NEW.father_name_ar, 'father_name_lat', NEW.father_name_lat, 'mother_name_ar', NEW.mother_name_ar, 'merged_into', NEW.merged_into), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_complaints_insert AFTER INSERT ON complaints FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('complaints', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'receipt_no', NEW.receipt_no, 'unit_id', NEW.unit_id, 'complainant_id', NEW.complainant_id, 'facts', NEW.facts, 'occurred_at', NEW.occurred_at, 'place', NEW.place, 'received_at', NEW.received_at, 'received_by', NEW.received_by, 'disposition', NEW.disposition, 'disposition_reason', NEW.disposition_reason, 'referred_to', NEW.referred_to, 'case_id', NEW.case_id, 'disposed_at', NEW.disposed_at, 'disposed_by', NEW.disposed_by), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_complaints_update AFTER UPDATE OF receipt_no, unit_id, complainant_id, facts, occurred_at, place, received_at, received_by, disposition, disposition_reason, referred_to, case_id, disposed_at, disposed_by ON complaints FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('complaints', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'receipt_no', NEW.receipt_no, 'unit_id', NEW.unit_id, 'complainant_id', NEW.complainant_id, 'facts', NEW.facts, 'occurred_at', NEW.occurred_at, 'place', NEW.place, 'received_at', NEW.received_at, 'received_by', NEW.received_by, 'disposition', NEW.disposition, 'disposition_reason', NEW.disposition_reason, 'referred_to', NEW.referred_to, 'case_id', NEW.case_id, 'disposed_at', NEW.disposed_at, 'disposed_by', NEW.disposed_by), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_cases_insert AFTER INSERT ON cases FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('cases', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'number', NEW.number, 'unit_id', NEW.unit_id, 'year', NEW.year, 'seq', NEW.seq, 'frame', NEW.frame, 'class', NEW.class, 'status', NEW.status, 'status_reason', NEW.status_reason, 'occurred_from', NEW.occurred_from, 'occurred_to', NEW.occurred_to, 'commune', NEW.commune, 'address', NEW.address, 'lat_e6', NEW.lat_e6, 'lon_e6', NEW.lon_e6, 'summary', NEW.summary, 'opj_id', NEW.opj_id, 'complaint_id', NEW.complaint_id, 'created_by', NEW.created_by, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_cases_update AFTER UPDATE OF number, unit_id, year, seq, frame, class, status, status_reason, occurred_from, occurred_to, commune, address, lat_e6, lon_e6, summary, opj_id, complaint_id, created_by, created_at, updated_at ON cases FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('cases', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'number', NEW.number, 'unit_id', NEW.unit_id, 'year', NEW.year, 'seq', NEW.seq, 'frame', NEW.frame, 'class', NEW.class, 'status', NEW.status, 'status_reason', NEW.status_reason, 'occurred_from', NEW.occurred_from, 'occurred_to', NEW.occurred_to, 'commune', NEW.commune, 'address', NEW.address, 'lat_e6', NEW.lat_e6, 'lon_e6', NEW.lon_e6, 'summary', NEW.summary, 'opj_id', NEW.opj_id, 'complaint_id', NEW.complaint_id, 'created_by', NEW.created_by, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_case_offences_insert AFTER INSERT ON case_offences FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('case_offences', NEW.id, (SELECT code FROM units WHERE id = (SELECT unit_id FROM cases WHERE id = NEW.case_id)), sj_row_json('id', NEW.id, 'case_id', NEW.case_id, 'offence_code', NEW.offence_code, 'offence_version', NEW.offence_version, 'class', NEW.class, 'article', NEW.article, 'label_fr', NEW.label_fr, 'label_ar', NEW.label_ar, 'category', NEW.category, 'attempted', NEW.attempted, 'added_at', NEW.added_at, 'added_by', NEW.added_by), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_case_offences_update AFTER UPDATE OF case_id, offence_code, offence_version, class, article, label_fr, label_ar, category, attempted, added_at, added_by ON case_offences FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('case_offences', NEW.id, (SELECT code FROM units WHERE id = (SELECT unit_id FROM cases WHERE id = NEW.case_id)), sj_row_json('id', NEW.id, 'case_id', NEW.case_id, 'offence_code', NEW.offence_code, 'offence_version', NEW.offence_version, 'class', NEW.class, 'article', NEW.article, 'label_fr', NEW.label_fr, 'label_ar', NEW.label_ar, 'category', NEW.category, 'attempted', NEW.attempted, 'added_at', NEW.added_at, 'added_by', NEW.added_by), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_case_persons_insert AFTER INSERT ON case_persons FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('case_persons', NEW.id, (SELECT code FROM units WHERE id = (SELECT unit_id FROM cases WHERE id = NEW.case_id)), sj_row_json('id', NEW.id, 'case_id', NEW.case_id, 'person_id', NEW.person_id, 'role', NEW.role, 'note', NEW.note, 'added_at', NEW.added_at, 'added_by', NEW.added_by), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_case_persons_update AFTER UPDATE OF case_id, person_id, role, note, added_at, added_by ON case_persons FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('case_persons', NEW.id, (SELECT code FROM units WHERE id = (SELECT unit_id FROM cases WHERE id = NEW.case_id)), sj_row_json('id', NEW.id, 'case_id', NEW.case_id, 'person_id', NEW.person_id, 'role', NEW.role, 'note', NEW.note, 'added_at', NEW.added_at, 'added_by', NEW.added_by), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_case_events_insert AFTER INSERT ON case_events FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('case_events', NEW.id, (SELECT code FROM units WHERE id = (SELECT unit_id FROM cases WHERE id = NEW.case_id)), sj_row_json('id', NEW.id, 'case_id', NEW.case_id, 'seq', NEW.seq, 'at', NEW.at, 'actor_id', NEW.actor_id, 'badge', NEW.badge, 'kind', NEW.kind, 'detail', NEW.detail), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_case_events_update AFTER UPDATE OF case_id, seq, at, actor_id, badge, kind, detail ON case_events FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('case_events', NEW.id, (SELECT code FROM units WHERE id = (SELECT unit_id FROM cases WHERE id = NEW.case_id)), sj_row_json('id', NEW.id, 'case_id', NEW.case_id, 'seq', NEW.seq, 'at', NEW.at, 'actor_id', NEW.actor_id, 'badge', NEW.badge, 'kind', NEW.kind, 'detail', NEW.detail), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_pvs_insert AFTER INSERT ON pvs FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('pvs', NEW.id, (SELECT code FROM units WHERE id = (SELECT unit_id FROM cases WHERE id = NEW.case_id)), sj_row_json('id', NEW.id, 'number', NEW.number, 'case_id', NEW.case_id, 'n', NEW.n, 'type', NEW.type, 'status', NEW.status, 'frame', NEW.frame, 'person_id', NEW.person_id, 'custody_id', NEW.custody_id, 'corrects_id', NEW.corrects_id, 'act_at', NEW.act_at, 'place', NEW.place, 'body', NEW.body, 'drafter_id', NEW.drafter_id, 'drafter_name', NEW.drafter_name, 'drafter_rank', NEW.drafter_rank, 'drafter_unit', NEW.drafter_unit, 'content', NEW.content, 'content_hash', NEW.content_hash, 'signature', NEW.signature, 'key_id', NEW.key_id, 'sealed_by', NEW.sealed_by, 'sealed_at', NEW.sealed_at, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_pvs_update AFTER UPDATE OF number, case_id, n, type, status, frame, person_id, custody_id, corrects_id, act_at, place, body, drafter_id, drafter_name, drafter_rank, drafter_unit, content, content_hash, signature, key_id, sealed_by, sealed_at, created_at, updated_at ON pvs FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('pvs', NEW.id, (SELECT code FROM units WHERE id = (SELECT unit_id FROM cases WHERE id = NEW.case_id)), sj_row_json('id', NEW.id, 'number', NEW.number, 'case_id', NEW.case_id, 'n', NEW.n, 'type', NEW.type, 'status', NEW.status, 'frame', NEW.frame, 'person_id', NEW.person_id, 'custody_id', NEW.custody_id, 'corrects_id', NEW.corrects_id, 'act_at', NEW.act_at, 'place', NEW.place, 'body', NEW.body, 'drafter_id', NEW.drafter_id, 'drafter_name', NEW.drafter_name, 'drafter_rank', NEW.drafter_rank, 'drafter_unit', NEW.drafter_unit, 'content', NEW.content, 'content_hash', NEW.content_hash, 'signature', NEW.signature, 'key_id', NEW.key_id, 'sealed_by', NEW.sealed_by, 'sealed_at', NEW.sealed_at, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_custodies_insert AFTER INSERT ON custodies FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('custodies', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'case_id', NEW.case_id, 'unit_id', NEW.unit_id, 'person_id', NEW.person_id, 'regime', NEW.regime, 'ground', NEW.ground, 'rule_id', NEW.rule_id, 'started_at', NEW.started_at, 'deadline_at', NEW.deadline_at, 'extensions', NEW.extensions, 'place', NEW.place, 'family_informed_at', NEW.family_informed_at, 'family_informed_how', NEW.family_informed_how, 'lawyer_contacted_at', NEW.lawyer_contacted_at, 'status', NEW.status, 'ended_at', NEW.ended_at, 'end_kind', NEW.end_kind, 'end_note', NEW.end_note, 'opened_by', NEW.opened_by, 'closed_by', NEW.closed_by, 'created_at', NEW.created_at, 'lawyer_deadline_at', NEW.lawyer_deadline_at, 'lawyer_delay_ref', NEW.lawyer_delay_ref, 'lawyer_delay_date', NEW.lawyer_delay_date, 'guardian_informed_at', NEW.guardian_informed_at, 'guardian_informed_how', NEW.guardian_informed_how), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_custodies_update AFTER UPDATE OF case_id, unit_id, person_id, regime, ground, rule_id, started_at, deadline_at, extensions, place, family_informed_at, family_informed_how, lawyer_contacted_at, status, ended_at, end_kind, end_note, opened_by, closed_by, created_at, lawyer_deadline_at, lawyer_delay_ref, lawyer_delay_date, guardian_informed_at, guardian_informed_how ON custodies FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('custodies', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'case_id', NEW.case_id, 'unit_id', NEW.unit_id, 'person_id', NEW.person_id, 'regime', NEW.regime, 'ground', NEW.ground, 'rule_id', NEW.rule_id, 'started_at', NEW.started_at, 'deadline_at', NEW.deadline_at, 'extensions', NEW.extensions, 'place', NEW.place, 'family_informed_at', NEW.family_informed_at, 'family_informed_how', NEW.family_informed_how, 'lawyer_contacted_at', NEW.lawyer_contacted_at, 'status', NEW.status, 'ended_at', NEW.ended_at, 'end_kind', NEW.end_kind, 'end_note', NEW.end_note, 'opened_by', NEW.opened_by, 'closed_by', NEW.closed_by, 'created_at', NEW.created_at, 'lawyer_deadline_at', NEW.lawyer_deadline_at, 'lawyer_delay_ref', NEW.lawyer_delay_ref, 'lawyer_delay_date', NEW.lawyer_delay_date, 'guardian_informed_at', NEW.guardian_informed_at, 'guardian_informed_how', NEW.guardian_informed_how), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_custody_extensions_insert AFTER INSERT ON custody_extensions FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('custody_extensions', NEW.id, (SELECT code FROM units WHERE id = (SELECT unit_id FROM custodies WHERE id = NEW.custody_id)), sj_row_json('id', NEW.id, 'custody_id', NEW.custody_id, 'n', NEW.n, 'authorisation_ref', NEW.authorisation_ref, 'authorisation_date', NEW.authorisation_date, 'authorised_by', NEW.authorised_by, 'hours', NEW.hours, 'previous_deadline', NEW.previous_deadline, 'new_deadline', NEW.new_deadline, 'recorded_by', NEW.recorded_by, 'recorded_at', NEW.recorded_at), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_custody_extensions_update AFTER UPDATE OF custody_id, n, authorisation_ref, authorisation_date, authorised_by, hours, previous_deadline, new_deadline, recorded_by, recorded_at ON custody_extensions FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('custody_extensions', NEW.id, (SELECT code FROM units WHERE id = (SELECT unit_id FROM custodies WHERE id = NEW.custody_id)), sj_row_json('id', NEW.id, 'custody_id', NEW.custody_id, 'n', NEW.n, 'authorisation_ref', NEW.authorisation_ref, 'authorisation_date', NEW.authorisation_date, 'authorised_by', NEW.authorised_by, 'hours', NEW.hours, 'previous_deadline', NEW.previous_deadline, 'new_deadline', NEW.new_deadline, 'recorded_by', NEW.recorded_by, 'recorded_at', NEW.recorded_at), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_seizures_insert AFTER INSERT ON seizures FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('seizures', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'case_id', NEW.case_id, 'unit_id', NEW.unit_id, 'seal_no', NEW.seal_no, 'description', NEW.description, 'quantity', NEW.quantity, 'storage_place', NEW.storage_place, 'holder', NEW.holder, 'pv_id', NEW.pv_id, 'seized_at', NEW.seized_at, 'recorded_by', NEW.recorded_by, 'created_at', NEW.created_at), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_seizures_update AFTER UPDATE OF case_id, unit_id, seal_no, description, quantity, storage_place, holder, pv_id, seized_at, recorded_by, created_at ON seizures FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('seizures', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'case_id', NEW.case_id, 'unit_id', NEW.unit_id, 'seal_no', NEW.seal_no, 'description', NEW.description, 'quantity', NEW.quantity, 'storage_place', NEW.storage_place, 'holder', NEW.holder, 'pv_id', NEW.pv_id, 'seized_at', NEW.seized_at, 'recorded_by', NEW.recorded_by, 'created_at', NEW.created_at), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_seizure_transfers_insert AFTER INSERT ON seizure_transfers FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('seizure_transfers', NEW.id, (SELECT code FROM units WHERE id = (SELECT unit_id FROM seizures WHERE id = NEW.seizure_id)), sj_row_json('id', NEW.id, 'seizure_id', NEW.seizure_id, 'seq', NEW.seq, 'from_holder', NEW.from_holder, 'to_holder', NEW.to_holder, 'at', NEW.at, 'reason', NEW.reason, 'recorded_by', NEW.recorded_by), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_seizure_transfers_update AFTER UPDATE OF seizure_id, seq, from_holder, to_holder, at, reason, recorded_by ON seizure_transfers FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('seizure_transfers', NEW.id, (SELECT code FROM units WHERE id = (SELECT unit_id FROM seizures WHERE id = NEW.seizure_id)), sj_row_json('id', NEW.id, 'seizure_id', NEW.seizure_id, 'seq', NEW.seq, 'from_holder', NEW.from_holder, 'to_holder', NEW.to_holder, 'at', NEW.at, 'reason', NEW.reason, 'recorded_by', NEW.recorded_by), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_referrals_insert AFTER INSERT ON referrals FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('referrals', NEW.id, (SELECT code FROM units WHERE id = (SELECT unit_id FROM cases WHERE id = NEW.case_id)), sj_row_json('id', NEW.id, 'case_id', NEW.case_id, 'transmission_no', NEW.transmission_no, 'office_code', NEW.office_code, 'office_kind', NEW.office_kind, 'derived_kind', NEW.derived_kind, 'override_reason', NEW.override_reason, 'bundle', NEW.bundle, 'bundle_hash', NEW.bundle_hash, 'sent_at', NEW.sent_at, 'sent_by', NEW.sent_by, 'outcome', NEW.outcome, 'outcome_note', NEW.outcome_note, 'outcome_at', NEW.outcome_at, 'outcome_by', NEW.outcome_by), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_referrals_update AFTER UPDATE OF case_id, transmission_no, office_code, office_kind, derived_kind, override_reason, bundle, bundle_hash, sent_at, sent_by, outcome, outcome_note, outcome_at, outcome_by ON referrals FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('referrals', NEW.id, (SELECT code FROM units WHERE id = (SELECT unit_id FROM cases WHERE id = NEW.case_id)), sj_row_json('id', NEW.id, 'case_id', NEW.case_id, 'transmission_no', NEW.transmission_no, 'office_code', NEW.office_code, 'office_kind', NEW.office_kind, 'derived_kind', NEW.derived_kind, 'override_reason', NEW.override_reason, 'bundle', NEW.bundle, 'bundle_hash', NEW.bundle_hash, 'sent_at', NEW.sent_at, 'sent_by', NEW.sent_by, 'outcome', NEW.outcome, 'outcome_note', NEW.outcome_note, 'outcome_at', NEW.outcome_at, 'outcome_by', NEW.outcome_by), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_wanted_notices_insert AFTER INSERT ON wanted_notices FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('wanted_notices', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'unit_id', NEW.unit_id, 'reference', NEW.reference, 'issuing_authority', NEW.issuing_authority, 'offence', NEW.offence, 'danger', NEW.danger, 'status', NEW.status, 'status_reason', NEW.status_reason, 'person_id', NEW.person_id, 'cin', NEW.cin, 'first_name_ar', NEW.first_name_ar, 'last_name_ar', NEW.last_name_ar, 'first_name_lat', NEW.first_name_lat, 'last_name_lat', NEW.last_name_lat, 'father_name_ar', NEW.father_name_ar, 'father_name_lat', NEW.father_name_lat, 'birth_date', NEW.birth_date, 'sex', NEW.sex, 'created_by', NEW.created_by, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_wanted_notices_update AFTER UPDATE OF unit_id, reference, issuing_authority, offence, danger, status, status_reason, person_id, cin, first_name_ar, last_name_ar, first_name_lat, last_name_lat, father_name_ar, father_name_lat, birth_date, sex, created_by, created_at, updated_at ON wanted_notices FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('wanted_notices', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'unit_id', NEW.unit_id, 'reference', NEW.reference, 'issuing_authority', NEW.issuing_authority, 'offence', NEW.offence, 'danger', NEW.danger, 'status', NEW.status, 'status_reason', NEW.status_reason, 'person_id', NEW.person_id, 'cin', NEW.cin, 'first_name_ar', NEW.first_name_ar, 'last_name_ar', NEW.last_name_ar, 'first_name_lat', NEW.first_name_lat, 'last_name_lat', NEW.last_name_lat, 'father_name_ar', NEW.father_name_ar, 'father_name_lat', NEW.father_name_lat, 'birth_date', NEW.birth_date, 'sex', NEW.sex, 'created_by', NEW.created_by, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_stolen_vehicles_insert AFTER INSERT ON stolen_vehicles FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('stolen_vehicles', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'unit_id', NEW.unit_id, 'plate', NEW.plate, 'plate_norm', NEW.plate_norm, 'vin', NEW.vin, 'make', NEW.make, 'model', NEW.model, 'color', NEW.color, 'reference', NEW.reference, 'status', NEW.status, 'status_reason', NEW.status_reason, 'created_by', NEW.created_by, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_stolen_vehicles_update AFTER UPDATE OF unit_id, plate, plate_norm, vin, make, model, color, reference, status, status_reason, created_by, created_at, updated_at ON stolen_vehicles FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('stolen_vehicles', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'unit_id', NEW.unit_id, 'plate', NEW.plate, 'plate_norm', NEW.plate_norm, 'vin', NEW.vin, 'make', NEW.make, 'model', NEW.model, 'color', NEW.color, 'reference', NEW.reference, 'status', NEW.status, 'status_reason', NEW.status_reason, 'created_by', NEW.created_by, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_stolen_documents_insert AFTER INSERT ON stolen_documents FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('stolen_documents', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'unit_id', NEW.unit_id, 'doc_type', NEW.doc_type, 'doc_number', NEW.doc_number, 'doc_norm', NEW.doc_norm, 'kind', NEW.kind, 'holder_name', NEW.holder_name, 'reference', NEW.reference, 'status', NEW.status, 'status_reason', NEW.status_reason, 'created_by', NEW.created_by, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_stolen_documents_update AFTER UPDATE OF unit_id, doc_type, doc_number, doc_norm, kind, holder_name, reference, status, status_reason, created_by, created_at, updated_at ON stolen_documents FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('stolen_documents', NEW.id, (SELECT code FROM units WHERE id = NEW.unit_id), sj_row_json('id', NEW.id, 'unit_id', NEW.unit_id, 'doc_type', NEW.doc_type, 'doc_number', NEW.doc_number, 'doc_norm', NEW.doc_norm, 'kind', NEW.kind, 'holder_name', NEW.holder_name, 'reference', NEW.reference, 'status', NEW.status, 'status_reason', NEW.status_reason, 'created_by', NEW.created_by, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_hits_insert AFTER INSERT ON hits FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('hits', NEW.id, (SELECT code FROM units WHERE id = NEW.owner_unit_id), sj_row_json('id', NEW.id, 'at', NEW.at, 'register', NEW.register, 'record_id', NEW.record_id, 'owner_unit_id', NEW.owner_unit_id, 'source', NEW.source, 'source_ref', NEW.source_ref, 'entered', NEW.entered, 'score', NEW.score, 'actor_id', NEW.actor_id, 'actor_unit_id', NEW.actor_unit_id), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_hits_update AFTER UPDATE OF at, register, record_id, owner_unit_id, source, source_ref, entered, score, actor_id, actor_unit_id ON hits FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('hits', NEW.id, (SELECT code FROM units WHERE id = NEW.owner_unit_id), sj_row_json('id', NEW.id, 'at', NEW.at, 'register', NEW.register, 'record_id', NEW.record_id, 'owner_unit_id', NEW.owner_unit_id, 'source', NEW.source, 'source_ref', NEW.source_ref, 'entered', NEW.entered, 'score', NEW.score, 'actor_id', NEW.actor_id, 'actor_unit_id', NEW.actor_unit_id), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_audit_log_insert AFTER INSERT ON audit_log FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('audit_log', NEW.id, NULL, sj_row_json('seq', NEW.seq, 'id', NEW.id, 'at', NEW.at, 'actor_id', NEW.actor_id, 'badge', NEW.badge, 'role', NEW.role, 'unit_code', NEW.unit_code, 'action', NEW.action, 'object_type', NEW.object_type, 'object_id', NEW.object_id, 'purpose', NEW.purpose, 'outcome', NEW.outcome, 'request_id', NEW.request_id, 'ip', NEW.ip, 'detail', NEW.detail, 'leaf', NEW.leaf, 'head', NEW.head), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
CREATE TRIGGER xchg_audit_log_update AFTER UPDATE OF seq, at, actor_id, badge, role, unit_code, action, object_type, object_id, purpose, outcome, request_id, ip, detail, leaf, head ON audit_log FOR EACH ROW BEGIN
  INSERT INTO xchg_outbox (tbl, row_id, unit, row, at) VALUES ('audit_log', NEW.id, NULL, sj_row_json('seq', NEW.seq, 'id', NEW.id, 'at', NEW.at, 'actor_id', NEW.actor_id, 'badge', NEW.badge, 'role', NEW.role, 'unit_code', NEW.unit_code, 'action', NEW.action, 'object_type', NEW.object_type, 'object_id', NEW.object_id, 'purpose', NEW.purpose, 'outcome', NEW.outcome, 'request_id', NEW.request_id, 'ip', NEW.ip, 'detail', NEW.detail, 'leaf', NEW.leaf, 'head', NEW.head), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
-- @end
