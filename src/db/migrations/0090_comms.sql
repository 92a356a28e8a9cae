-- 0090 security communication (issue 15): the activity register (communiqués,
-- truth statements, filmed reports...) with its workflow and seals, the
-- fake-content watch (claims, crises, archived copies), engagement figures,
-- major events, and the links case officers make for the communication
-- units. Owned by src/comms/ (docs/internals/comms.md); no other module
-- reads these tables. Portable SQL: TEXT and BIGINT only, times in UTC ms,
-- dates as YYYY-MM-DD text (legal dates). Nothing is deleted.

-- A case officer's link: the only way case data reaches communication.
CREATE TABLE comms_case_links (
  id             TEXT PRIMARY KEY,
  case_id        TEXT NOT NULL,          -- read through cases.h only (case_persons for the check)
  case_number    TEXT NOT NULL,
  case_unit_id   TEXT NOT NULL,
  comm_unit_id   TEXT NOT NULL,          -- the communication unit it is addressed to (the case's unit or above)
  summary_ar     TEXT,                   -- what the officer allows to be said
  summary_fr     TEXT,
  created_by     TEXT NOT NULL,
  created_at     BIGINT NOT NULL
);
CREATE INDEX comms_case_links_unit ON comms_case_links(comm_unit_id, created_at);

-- A crisis groups claims (the Al Haouz earthquake).
CREATE TABLE comms_crises (
  id          TEXT PRIMARY KEY,
  unit_id     TEXT NOT NULL,
  code        TEXT NOT NULL UNIQUE,
  name_ar     TEXT NOT NULL,
  name_fr     TEXT NOT NULL,
  started_on  TEXT NOT NULL,
  ended_on    TEXT,
  status      TEXT NOT NULL,             -- active | closed
  created_by  TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  closed_by   TEXT,
  closed_at   BIGINT
);

-- Major events and the security arrangements documented for them.
CREATE TABLE comms_events (
  id              TEXT PRIMARY KEY,
  unit_id         TEXT NOT NULL,
  number          TEXT NOT NULL UNIQUE,  -- UNIT/YEAR/EV-NNNN
  kind            TEXT NOT NULL,         -- summit | conference | sport | open_days | other
  name_ar         TEXT,
  name_fr         TEXT,
  starts_on       TEXT NOT NULL,
  ends_on         TEXT NOT NULL,
  places          TEXT,
  units           TEXT,                  -- JSON array of unit codes involved
  arrangements    TEXT,                  -- the security arrangements, documented
  visitors        BIGINT,
  online_viewers  BIGINT,
  created_by      TEXT NOT NULL,
  created_at      BIGINT NOT NULL,
  updated_by      TEXT,
  updated_at      BIGINT
);
CREATE INDEX comms_events_unit ON comms_events(unit_id, starts_on);

-- The register: one row per activity (and per version: a correction is a new row).
CREATE TABLE comms_activities (
  id             TEXT PRIMARY KEY,
  unit_id        TEXT NOT NULL,
  number         TEXT NOT NULL UNIQUE,   -- UNIT/YEAR/COM-NNNNNN
  kind           TEXT NOT NULL,          -- communique | press_item | truth_statement | filmed_report | awareness | interview | event_coverage | open_days
  title_ar       TEXT,
  title_fr       TEXT,
  title_zgh      TEXT,                   -- Amazigh, where given
  text_ar        TEXT,
  text_fr        TEXT,
  text_zgh       TEXT,
  date           TEXT NOT NULL,          -- the activity's legal date
  channels       TEXT,                   -- JSON array of channels
  media_partner  TEXT,
  topic          TEXT,
  case_link_id   TEXT,
  event_id       TEXT,
  claim_id       TEXT,                   -- the claim a truth statement answers
  corrects_id    TEXT UNIQUE,            -- a correction names the version it corrects, once
  version        BIGINT NOT NULL,
  status         TEXT NOT NULL,          -- draft | reviewed | approved | published | cancelled
  drafted_by     TEXT,
  drafted_at     BIGINT,
  reviewed_by    TEXT,
  reviewed_at    BIGINT,
  approved_by    TEXT,
  approved_at    BIGINT,
  published_by   TEXT,
  published_at   BIGINT,
  cancelled_by   TEXT,
  cancelled_at   BIGINT,
  cancel_reason  TEXT,
  pii            TEXT,                   -- JSON: the personal-data matches the approver confirmed
  content        TEXT,                   -- sealed canonical JSON (communiqués, truth statements)
  content_hash   TEXT,                   -- BLAKE2b-256 hex of content
  signature      TEXT,                   -- Ed25519, hex, by the approver's key
  key_id         TEXT,
  superseded_by  TEXT,                   -- the published correction of this version
  import_ref     TEXT,                   -- reference in the register kept before sijill
  imported       BIGINT NOT NULL DEFAULT 0,
  created_at     BIGINT NOT NULL,
  updated_at     BIGINT NOT NULL,
  UNIQUE (unit_id, import_ref)
);
CREATE INDEX comms_activities_unit ON comms_activities(unit_id, date);
CREATE INDEX comms_activities_status ON comms_activities(status, date);
CREATE INDEX comms_activities_event ON comms_activities(event_id);

-- The fake-content watch.
CREATE TABLE comms_claims (
  id             TEXT PRIMARY KEY,
  unit_id        TEXT NOT NULL,
  number         TEXT NOT NULL UNIQUE,   -- UNIT/YEAR/FK-NNNNNN
  content        TEXT NOT NULL,
  url            TEXT,
  url_key        TEXT,                   -- the link normalised (host, path, query without trackers)
  content_key    TEXT NOT NULL,          -- BLAKE2b of the normalised content
  platform       TEXT NOT NULL,
  first_seen_at  BIGINT,                 -- as reported (typed)
  reach          BIGINT,                 -- when found
  crisis_id      TEXT,
  status         TEXT NOT NULL,          -- received | verifying | false | misleading | true | unverifiable
  evidence       TEXT,
  received_by    TEXT NOT NULL,
  received_at    BIGINT NOT NULL,        -- recorded by the system
  verifying_by   TEXT,
  verifying_at   BIGINT,
  verified_by    TEXT,
  verified_at    BIGINT,
  duplicate_of   TEXT,                   -- the first report of the same claim
  answer_id      TEXT UNIQUE,            -- the truth statement that answers it (one, ever)
  answered_at    BIGINT,                 -- when that truth statement was published (system time)
  archive_id     TEXT,
  updated_at     BIGINT NOT NULL
);
CREATE INDEX comms_claims_url ON comms_claims(url_key);
CREATE INDEX comms_claims_content ON comms_claims(content_key);
CREATE INDEX comms_claims_crisis ON comms_claims(crisis_id, received_at);
CREATE INDEX comms_claims_unit ON comms_claims(unit_id, received_at);

-- Archived copies and media items, stored with their hash (in the database,
-- so a restore brings them back with the records that name them).
CREATE TABLE comms_files (
  id          TEXT PRIMARY KEY,
  unit_id     TEXT NOT NULL,
  owner_kind  TEXT NOT NULL,             -- claim | event
  owner_id    TEXT NOT NULL,
  name        TEXT NOT NULL,
  media_type  TEXT NOT NULL,
  size        BIGINT NOT NULL,
  hash        TEXT NOT NULL,             -- BLAKE2b-256 hex (b2sum -l 256)
  data        TEXT NOT NULL,             -- base64
  caption     TEXT,
  created_by  TEXT NOT NULL,
  created_at  BIGINT NOT NULL
);
CREATE INDEX comms_files_owner ON comms_files(owner_kind, owner_id);

-- Engagement: one snapshot per item, channel and day (cumulative counters).
CREATE TABLE comms_engagement (
  id           TEXT PRIMARY KEY,
  activity_id  TEXT NOT NULL,
  channel      TEXT NOT NULL,
  observed_on  TEXT NOT NULL,
  views        BIGINT NOT NULL,
  likes        BIGINT NOT NULL,
  shares       BIGINT NOT NULL,
  comments     BIGINT NOT NULL,
  source       TEXT NOT NULL,            -- manual | import
  import_id    TEXT,
  recorded_by  TEXT NOT NULL,
  recorded_at  BIGINT NOT NULL,
  UNIQUE (activity_id, channel, observed_on)
);

CREATE TABLE comms_engagement_imports (
  id           TEXT PRIMARY KEY,
  activity_id  TEXT NOT NULL,
  channel      TEXT NOT NULL,
  platform     TEXT NOT NULL,
  file_hash    TEXT NOT NULL,
  filename     TEXT,
  rows_read    BIGINT NOT NULL,
  first_date   TEXT,
  last_date    TEXT,
  imported_by  TEXT NOT NULL,
  imported_at  BIGINT NOT NULL,
  UNIQUE (activity_id, channel, file_hash)
);
