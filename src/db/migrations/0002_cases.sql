-- 0002 cases: reference data (offences, custody rules, prosecution offices),
-- the person index, complaints, cases, PVs, custody, seizures, referrals.
-- Portable SQL: TEXT and BIGINT only; times are UTC milliseconds. Nothing is
-- deleted: cancellations and corrections are new rows or new states.

-- Reference data. Each load records its file version; a new version adds rows
-- and never rewrites those of an older one (DESIGN: legal rules are data).
CREATE TABLE ref_versions (
  kind       TEXT NOT NULL,          -- offences | custody_rules | prosecution
  version    TEXT NOT NULL,
  source     TEXT,
  updated    TEXT,
  loaded_at  BIGINT NOT NULL,
  seq        BIGINT NOT NULL,        -- load order: the newest version wins
  PRIMARY KEY (kind, version)
);

CREATE TABLE ref_offences (
  code       TEXT NOT NULL,
  version    TEXT NOT NULL,
  article    TEXT,
  class      TEXT NOT NULL,          -- crime | delit_correctionnel | delit_police | contravention
  label_fr   TEXT NOT NULL,
  label_ar   TEXT NOT NULL,
  category   TEXT,
  penalty    TEXT,
  verified   BIGINT NOT NULL DEFAULT 0,
  note       TEXT,
  PRIMARY KEY (code, version)
);

CREATE TABLE ref_custody_rules (
  id               TEXT PRIMARY KEY,
  version          TEXT NOT NULL,
  code             TEXT,             -- the rule's code in the file (GAV-ORD-2025)
  regime           TEXT NOT NULL,    -- ordinary | terrorism | state_security | minor
  initial_hours    BIGINT NOT NULL,
  extension_hours  BIGINT NOT NULL,
  max_extensions   BIGINT NOT NULL,
  effective_from   BIGINT NOT NULL,  -- ms, inclusive
  effective_to     BIGINT,           -- ms, exclusive (the file's last day + 1); NULL: in force
  applies_to       TEXT,             -- JSON array of offence classes, NULL: any
  source           TEXT,
  note             TEXT,
  UNIQUE (version, regime, effective_from)
);

CREATE TABLE ref_prosecution_offices (
  code       TEXT NOT NULL,
  version    TEXT NOT NULL,
  kind       TEXT NOT NULL,          -- tpi (procureur du Roi) | ca (procureur général du Roi)
  name_fr    TEXT NOT NULL,
  name_ar    TEXT NOT NULL,
  units      TEXT NOT NULL,          -- JSON array of unit codes it serves (a unit and below)
  PRIMARY KEY (code, version)
);

-- Human numbers: allocated inside the creating transaction.
CREATE TABLE counters (
  kind  TEXT NOT NULL,               -- case | complaint | transmission
  unit  TEXT NOT NULL,               -- unit id
  year  BIGINT NOT NULL,
  n     BIGINT NOT NULL,
  PRIMARY KEY (kind, unit, year)
);

-- The one person index. Writes go through persons_upsert().
CREATE TABLE persons (
  id              TEXT PRIMARY KEY,
  cin             TEXT UNIQUE,       -- normalised; NULL when unknown
  unknown         BIGINT NOT NULL DEFAULT 0,
  first_name_ar   TEXT,
  last_name_ar    TEXT,
  first_name_lat  TEXT,
  last_name_lat   TEXT,
  father_name     TEXT,
  mother_name     TEXT,
  birth_date      TEXT,              -- YYYY-MM-DD
  birth_place     TEXT,
  sex             TEXT,              -- M | F
  nationality     TEXT,
  address         TEXT,
  phone           TEXT,
  description     TEXT,              -- an unknown suspect's description
  home_unit_id    TEXT NOT NULL REFERENCES units(id),
  created_at      BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL
);

CREATE TABLE complaints (
  id                 TEXT PRIMARY KEY,
  receipt_no         TEXT NOT NULL UNIQUE,
  unit_id            TEXT NOT NULL REFERENCES units(id),
  complainant_id     TEXT NOT NULL REFERENCES persons(id),
  facts              TEXT NOT NULL,
  occurred_at        BIGINT,
  place              TEXT,
  received_at        BIGINT NOT NULL,
  received_by        TEXT NOT NULL REFERENCES users(id),
  disposition        TEXT NOT NULL DEFAULT 'pending', -- pending | case_opened | attached | no_offence | referred_elsewhere
  disposition_reason TEXT,
  referred_to        TEXT,
  case_id            TEXT,
  disposed_at        BIGINT,
  disposed_by        TEXT REFERENCES users(id)
);
CREATE INDEX complaints_unit ON complaints(unit_id, received_at);

CREATE TABLE cases (
  id             TEXT PRIMARY KEY,
  number         TEXT NOT NULL UNIQUE,   -- UNIT/YEAR/SEQ
  unit_id        TEXT NOT NULL REFERENCES units(id),
  year           BIGINT NOT NULL,
  seq            BIGINT NOT NULL,
  frame          TEXT NOT NULL,          -- flagrant | preliminary | rogatory
  class          TEXT NOT NULL,          -- from the most serious offence
  status         TEXT NOT NULL,          -- registered | under_investigation | referred | closed | cancelled
  status_reason  TEXT,
  occurred_from  BIGINT,
  occurred_to    BIGINT,
  commune        TEXT,
  address        TEXT,
  lat_e6         BIGINT,                 -- microdegrees
  lon_e6         BIGINT,
  summary        TEXT NOT NULL,
  opj_id         TEXT REFERENCES users(id),
  complaint_id   TEXT REFERENCES complaints(id),
  created_by     TEXT NOT NULL REFERENCES users(id),
  created_at     BIGINT NOT NULL,
  updated_at     BIGINT NOT NULL,
  UNIQUE (unit_id, year, seq)
);
CREATE INDEX cases_unit ON cases(unit_id, created_at);
CREATE INDEX cases_status ON cases(status);

CREATE TABLE case_offences (
  id               TEXT PRIMARY KEY,
  case_id          TEXT NOT NULL REFERENCES cases(id),
  offence_code     TEXT NOT NULL,
  offence_version  TEXT NOT NULL,
  class            TEXT NOT NULL,         -- copied: the class in force when charged
  article          TEXT,
  label_fr         TEXT NOT NULL,
  label_ar         TEXT NOT NULL,
  category         TEXT,
  attempted        BIGINT NOT NULL DEFAULT 0,
  added_at         BIGINT NOT NULL,
  added_by         TEXT NOT NULL REFERENCES users(id)
);
CREATE INDEX case_offences_case ON case_offences(case_id);

CREATE TABLE case_persons (
  id          TEXT PRIMARY KEY,
  case_id     TEXT NOT NULL REFERENCES cases(id),
  person_id   TEXT NOT NULL REFERENCES persons(id),
  role        TEXT NOT NULL,              -- complainant | victim | suspect | witness | arrested
  note        TEXT,
  added_at    BIGINT NOT NULL,
  added_by    TEXT NOT NULL REFERENCES users(id),
  UNIQUE (case_id, person_id, role)
);
CREATE INDEX case_persons_person ON case_persons(person_id);

-- The case's history: append-only, numbered per case.
CREATE TABLE case_events (
  id        TEXT PRIMARY KEY,
  case_id   TEXT NOT NULL REFERENCES cases(id),
  seq       BIGINT NOT NULL,
  at        BIGINT NOT NULL,
  actor_id  TEXT,
  badge     TEXT,
  kind      TEXT NOT NULL,                -- created | status | offence | person | pv.sealed | custody.* ...
  detail    TEXT,                         -- JSON
  UNIQUE (case_id, seq)
);

-- OPJ signing keys: Ed25519, the secret sealed (crypto_secretbox) under the
-- server's PV wrapping key file, kept next to the audit key.
CREATE TABLE opj_keys (
  key_id       TEXT PRIMARY KEY,          -- first 16 hex of BLAKE2b(public key)
  user_id      TEXT NOT NULL UNIQUE REFERENCES users(id),
  public_key   TEXT NOT NULL,             -- hex
  sealed_secret TEXT NOT NULL,            -- hex nonce || secretbox(seed)
  created_at   BIGINT NOT NULL
);

CREATE TABLE pvs (
  id               TEXT PRIMARY KEY,
  number           TEXT NOT NULL UNIQUE,  -- <case number>/PV-<n>
  case_id          TEXT NOT NULL REFERENCES cases(id),
  n                BIGINT NOT NULL,
  type             TEXT NOT NULL,
  status           TEXT NOT NULL,         -- draft | sealed
  frame            TEXT NOT NULL,
  person_id        TEXT REFERENCES persons(id),
  custody_id       TEXT,
  corrects_id      TEXT REFERENCES pvs(id),
  act_at           BIGINT NOT NULL,
  place            TEXT,
  body             TEXT NOT NULL,         -- JSON: statements, read_back, signature, ...
  drafter_id       TEXT NOT NULL REFERENCES users(id),
  drafter_name     TEXT NOT NULL,
  drafter_rank     TEXT NOT NULL,
  drafter_unit     TEXT NOT NULL,
  content          TEXT,                  -- canonical JSON sealed
  content_hash     TEXT,                  -- hex BLAKE2b-256(content)
  signature        TEXT,                  -- hex Ed25519 over "sijill-pv-v1|<hash>"
  key_id           TEXT REFERENCES opj_keys(key_id),
  sealed_by        TEXT REFERENCES users(id),
  sealed_at        BIGINT,
  created_at       BIGINT NOT NULL,
  updated_at       BIGINT NOT NULL,
  UNIQUE (case_id, n)
);

CREATE TABLE custodies (
  id                   TEXT PRIMARY KEY,
  case_id              TEXT NOT NULL REFERENCES cases(id),
  unit_id              TEXT NOT NULL REFERENCES units(id),
  person_id            TEXT NOT NULL REFERENCES persons(id),
  regime               TEXT NOT NULL,
  ground               TEXT NOT NULL,
  rule_id              TEXT NOT NULL REFERENCES ref_custody_rules(id),
  started_at           BIGINT NOT NULL,
  deadline_at          BIGINT NOT NULL,
  extensions           BIGINT NOT NULL DEFAULT 0,
  place                TEXT,
  family_informed_at   BIGINT,
  family_informed_how  TEXT,
  lawyer_contacted_at  BIGINT,
  status               TEXT NOT NULL,     -- open | closed
  ended_at             BIGINT,
  end_kind             TEXT,              -- released | presented
  end_note             TEXT,
  opened_by            TEXT NOT NULL REFERENCES users(id),
  closed_by            TEXT REFERENCES users(id),
  created_at           BIGINT NOT NULL
);
CREATE INDEX custodies_unit ON custodies(unit_id, status, deadline_at);
CREATE INDEX custodies_case ON custodies(case_id);

CREATE TABLE custody_extensions (
  id                   TEXT PRIMARY KEY,
  custody_id           TEXT NOT NULL REFERENCES custodies(id),
  n                    BIGINT NOT NULL,
  authorisation_ref    TEXT NOT NULL,
  authorisation_date   TEXT NOT NULL,
  authorised_by        TEXT,
  hours                BIGINT NOT NULL,
  previous_deadline    BIGINT NOT NULL,
  new_deadline         BIGINT NOT NULL,
  recorded_by          TEXT NOT NULL REFERENCES users(id),
  recorded_at          BIGINT NOT NULL,
  UNIQUE (custody_id, n)
);

CREATE TABLE seizures (
  id              TEXT PRIMARY KEY,
  case_id         TEXT NOT NULL REFERENCES cases(id),
  unit_id         TEXT NOT NULL REFERENCES units(id),
  seal_no         TEXT NOT NULL,
  description     TEXT NOT NULL,
  quantity        TEXT NOT NULL,
  storage_place   TEXT NOT NULL,
  holder          TEXT NOT NULL,          -- who holds it now (last transfer's "to")
  pv_id           TEXT REFERENCES pvs(id),
  seized_at       BIGINT NOT NULL,
  recorded_by     TEXT NOT NULL REFERENCES users(id),
  created_at      BIGINT NOT NULL,
  UNIQUE (unit_id, seal_no)
);
CREATE INDEX seizures_case ON seizures(case_id);

-- Chain of custody: append-only.
CREATE TABLE seizure_transfers (
  id           TEXT PRIMARY KEY,
  seizure_id   TEXT NOT NULL REFERENCES seizures(id),
  seq          BIGINT NOT NULL,
  from_holder  TEXT NOT NULL,
  to_holder    TEXT NOT NULL,
  at           BIGINT NOT NULL,
  reason       TEXT NOT NULL,
  recorded_by  TEXT NOT NULL REFERENCES users(id),
  UNIQUE (seizure_id, seq)
);

CREATE TABLE referrals (
  id                TEXT PRIMARY KEY,
  case_id           TEXT NOT NULL REFERENCES cases(id),
  transmission_no   TEXT NOT NULL UNIQUE,
  office_code       TEXT NOT NULL,
  office_kind       TEXT NOT NULL,        -- tpi | ca
  derived_kind      TEXT NOT NULL,        -- what the class called for
  override_reason   TEXT,
  bundle            TEXT NOT NULL,        -- canonical JSON as sent
  bundle_hash       TEXT NOT NULL,
  sent_at           BIGINT NOT NULL,
  sent_by           TEXT NOT NULL REFERENCES users(id),
  outcome           TEXT,
  outcome_note      TEXT,
  outcome_at        BIGINT,
  outcome_by        TEXT REFERENCES users(id)
);
CREATE INDEX referrals_case ON referrals(case_id);
