-- 0112 statistics (issue 16, src/stats): the views through which the
-- statistics read other capabilities' records (a capability owns its
-- tables: these views are the statistics' contract with them, and the only
-- place their columns are named here), and the published reports.

-- the units' paths, for the figures' scope filter (a unit and below)
CREATE VIEW stats_unit_v AS SELECT id, code, path FROM units;
CREATE VIEW stats_custody_v AS
  SELECT k.id, k.case_id, k.unit_id, k.started_at, k.ended_at, k.deadline_at, k.extensions,
         k.lawyer_contacted_at, k.status, r.lawyer_max_hours
  FROM custodies k LEFT JOIN ref_custody_rules r ON r.id = k.rule_id;
CREATE VIEW stats_referral_v AS
  SELECT r.id, r.case_id, c.unit_id, r.office_code, COALESCE(r.outcome, 'pending') AS outcome, r.sent_at
  FROM referrals r JOIN cases c ON c.id = r.case_id;
CREATE VIEW stats_seizure_v AS
  SELECT s.id, s.case_id, s.unit_id, s.seized_at FROM seizures s;
CREATE VIEW stats_hit_v AS
  SELECT h.id, h.actor_unit_id AS unit_id, h.register, h.at FROM hits h WHERE h.actor_unit_id IS NOT NULL;
CREATE VIEW stats_wanted_v AS
  SELECT e.id, u.unit_id, e.at FROM register_events e JOIN users u ON u.id = e.actor_id
  WHERE e.register = 'wanted' AND e.status = 'executed';
CREATE VIEW stats_complaint_v AS
  SELECT k.id, k.unit_id, k.case_id, k.disposition, k.received_at, k.disposed_at FROM complaints k;

CREATE INDEX stats_custodies_started ON custodies(started_at);
CREATE INDEX stats_referrals_sent ON referrals(sent_at);
CREATE INDEX stats_complaints_received ON complaints(received_at);

-- A published report: its figures as published, the counting rules used,
-- the time they stood at (as_at), so it can be recomputed exactly and
-- compared with what changed since.
CREATE TABLE stats_publications (
  id          TEXT PRIMARY KEY,
  unit_id     TEXT NOT NULL REFERENCES units(id),
  period      TEXT NOT NULL,       -- day | month | year | range
  from_day    BIGINT NOT NULL,
  to_day      BIGINT NOT NULL,
  as_at       BIGINT NOT NULL,
  rules       TEXT NOT NULL,       -- JSON: the rule segments used
  figures     TEXT NOT NULL,       -- JSON: the figures as published (canonical)
  published_by TEXT NOT NULL REFERENCES users(id),
  created_at  BIGINT NOT NULL
);
CREATE INDEX stats_publications_unit ON stats_publications(unit_id, from_day);
