-- 0110 counting rules (issue 16, src/stats): how a statistic counts, as
-- reference data with effective dates (data/counting_rules.json, loaded by
-- src/refdata like the custody rules). A new version adds rows beside the
-- old; the current version's rules are the whole timeline (each closes the
-- one before). body is the rule's object as loaded (canonical JSON).
CREATE TABLE ref_counting_rules (
  code            TEXT NOT NULL,
  version         TEXT NOT NULL,
  effective_from  BIGINT NOT NULL,   -- ms, inclusive (00:00 legal time)
  effective_to    BIGINT,            -- ms, exclusive (the file's last day + 1); NULL: in force
  body            TEXT NOT NULL,
  PRIMARY KEY (code, version)
);
