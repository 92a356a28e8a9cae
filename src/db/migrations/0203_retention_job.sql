-- Issue 17 item 9 (proc): the daily retention job of `sijill serve` — one
-- row per legal day it ran (claimed by the day's key, so several processes
-- on one PostgreSQL run it once), with how many tombstones it left. Local
-- bookkeeping: not exchanged (the tombstones are).
CREATE TABLE retention_job_runs (
  day         TEXT PRIMARY KEY,   -- the legal day (Africa/Casablanca), YYYY-MM-DD
  started_at  BIGINT NOT NULL,
  tombstones  BIGINT NOT NULL
);
