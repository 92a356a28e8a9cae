-- 0003 search: the national person index (cross-script name keys), merges,
-- the central registers (wanted persons, stolen vehicles, lost and stolen
-- documents), hits and notifications, full-text search of cases.
-- Portable SQL: TEXT and BIGINT only; times are UTC milliseconds.
-- See docs/internals/search.md.

-- Parents' names in both scripts (0002 has one free-text father/mother column).
ALTER TABLE persons ADD COLUMN father_name_ar TEXT;
ALTER TABLE persons ADD COLUMN father_name_lat TEXT;
ALTER TABLE persons ADD COLUMN mother_name_ar TEXT;
-- A merged person points at the survivor; its mentions stay where they are.
ALTER TABLE persons ADD COLUMN merged_into TEXT;
CREATE INDEX persons_birth ON persons(birth_date);

-- Name keys: one row per (key, person, field). field: f first name, l last
-- name, p father, m mother, x a pair of two tokens' keys (order-free), which
-- turns two hot keys ("mhmd", "lw") into one selective key. birth_date is
-- copied so that (key, birth_date) narrows a hot bucket inside the index.
CREATE TABLE person_keys (
  key        TEXT NOT NULL,
  birth_date TEXT NOT NULL,          -- YYYY-MM-DD or '' when unknown
  person_id  TEXT NOT NULL,
  field      TEXT NOT NULL
);
CREATE INDEX person_keys_key ON person_keys(key, birth_date, person_id, field);
CREATE INDEX person_keys_person ON person_keys(person_id);

-- Merge history: a merge is undone by a new state, never by deletion.
CREATE TABLE person_merges (
  id            TEXT PRIMARY KEY,
  survivor_id   TEXT NOT NULL REFERENCES persons(id),
  merged_id     TEXT NOT NULL REFERENCES persons(id),
  reason        TEXT NOT NULL,
  merged_at     BIGINT NOT NULL,
  merged_by     TEXT NOT NULL,
  undone_at     BIGINT,
  undone_by     TEXT,
  undo_reason   TEXT
);
CREATE INDEX person_merges_survivor ON person_merges(survivor_id);
CREATE INDEX person_merges_merged ON person_merges(merged_id);

-- Registers. Every record has a home unit (the only writer); all units read.
CREATE TABLE wanted_notices (
  id                 TEXT PRIMARY KEY,
  unit_id            TEXT NOT NULL REFERENCES units(id),
  reference          TEXT NOT NULL,
  issuing_authority  TEXT NOT NULL,
  offence            TEXT NOT NULL,
  danger             TEXT NOT NULL,          -- low | medium | high
  status             TEXT NOT NULL,          -- active | executed | cancelled
  status_reason      TEXT,
  person_id          TEXT REFERENCES persons(id),
  cin                TEXT,
  first_name_ar      TEXT,
  last_name_ar       TEXT,
  first_name_lat     TEXT,
  last_name_lat      TEXT,
  father_name_ar     TEXT,
  father_name_lat    TEXT,
  birth_date         TEXT,
  sex                TEXT,
  created_by         TEXT NOT NULL,
  created_at         BIGINT NOT NULL,
  updated_at         BIGINT NOT NULL,
  UNIQUE (unit_id, reference)
);
CREATE INDEX wanted_status ON wanted_notices(status);
CREATE INDEX wanted_cin ON wanted_notices(cin);

-- Name keys of wanted notices (the hit engine's index).
CREATE TABLE wanted_keys (
  key        TEXT NOT NULL,
  notice_id  TEXT NOT NULL REFERENCES wanted_notices(id)
);
CREATE INDEX wanted_keys_key ON wanted_keys(key, notice_id);

CREATE TABLE stolen_vehicles (
  id             TEXT PRIMARY KEY,
  unit_id        TEXT NOT NULL REFERENCES units(id),
  plate          TEXT,
  plate_norm     TEXT,
  vin            TEXT,
  make           TEXT,
  model          TEXT,
  color          TEXT,
  reference      TEXT,
  status         TEXT NOT NULL,            -- active | recovered | cancelled
  status_reason  TEXT,
  created_by     TEXT NOT NULL,
  created_at     BIGINT NOT NULL,
  updated_at     BIGINT NOT NULL
);
CREATE INDEX stolen_vehicles_plate ON stolen_vehicles(plate_norm);
CREATE INDEX stolen_vehicles_vin ON stolen_vehicles(vin);

CREATE TABLE stolen_documents (
  id             TEXT PRIMARY KEY,
  unit_id        TEXT NOT NULL REFERENCES units(id),
  doc_type       TEXT NOT NULL,            -- cin | passport | licence | other
  doc_number     TEXT NOT NULL,
  doc_norm       TEXT NOT NULL,
  kind           TEXT NOT NULL,            -- lost | stolen
  holder_name    TEXT,
  reference      TEXT,
  status         TEXT NOT NULL,            -- active | found | cancelled
  status_reason  TEXT,
  created_by     TEXT NOT NULL,
  created_at     BIGINT NOT NULL,
  updated_at     BIGINT NOT NULL
);
CREATE INDEX stolen_documents_norm ON stolen_documents(doc_norm);

-- Status history of register records (nothing is deleted).
CREATE TABLE register_events (
  id          TEXT PRIMARY KEY,
  register    TEXT NOT NULL,               -- wanted | vehicle | document
  record_id   TEXT NOT NULL,
  at          BIGINT NOT NULL,
  actor_id    TEXT,
  status      TEXT NOT NULL,
  reason      TEXT
);
CREATE INDEX register_events_record ON register_events(record_id);

-- A hit: something entered matched an active register record.
CREATE TABLE hits (
  id            TEXT PRIMARY KEY,
  at            BIGINT NOT NULL,
  register      TEXT NOT NULL,             -- wanted | vehicle | document
  record_id     TEXT NOT NULL,
  owner_unit_id TEXT NOT NULL,             -- the unit that owns the record
  source        TEXT NOT NULL,             -- lookup | case | complaint | declaration | import
  source_ref    TEXT,
  entered       TEXT,                      -- what was typed (name, plate, number)
  score         BIGINT NOT NULL,           -- 0..1000
  actor_id      TEXT,
  actor_unit_id TEXT
);
CREATE INDEX hits_record ON hits(record_id);
CREATE INDEX hits_owner ON hits(owner_unit_id, at);

CREATE TABLE notifications (
  id          TEXT PRIMARY KEY,
  unit_id     TEXT NOT NULL REFERENCES units(id),
  kind        TEXT NOT NULL,               -- hit
  hit_id      TEXT,
  title       TEXT NOT NULL,
  detail      TEXT,                        -- JSON
  created_at  BIGINT NOT NULL,
  read_at     BIGINT,
  read_by     TEXT
);
CREATE INDEX notifications_unit ON notifications(unit_id, created_at);

-- Full-text search over case summaries and PVs, on normalised text.
-- fts_docs is the portable catalogue (what is indexed, its unit, its version);
-- the index itself is backend-specific.
CREATE TABLE fts_docs (
  doc_id      TEXT PRIMARY KEY,            -- "case:<id>" | "pv:<id>"
  kind        TEXT NOT NULL,
  case_id     TEXT NOT NULL,
  unit_id     TEXT NOT NULL,
  updated_at  BIGINT NOT NULL,
  body        TEXT NOT NULL                -- normalised text
);
CREATE INDEX fts_docs_case ON fts_docs(case_id);
-- @sqlite
CREATE VIRTUAL TABLE fts_index USING fts5(doc_id UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 2');
-- @end
-- @pg
CREATE INDEX fts_docs_body ON fts_docs USING GIN (to_tsvector('simple', body));
-- @end
