-- 0005 custody rights: lawyer-contact deadline, family/guardian information,
-- the minor regime (loi 22-01 arts 66, 80, 460, see docs/internals/cases.md).
-- Rule data (loaded from data/custody_rules.json, version 1.1.0 and later,
-- rows of older versions keep NULL: no lawyer deadline is computed from them).
ALTER TABLE ref_custody_rules ADD COLUMN lawyer_max_hours BIGINT;          -- lawyer contact at the latest, hours after the start, NULL: no rule in the data
ALTER TABLE ref_custody_rules ADD COLUMN lawyer_max_hours_delayed BIGINT;  -- crimes, with the prosecutor's delay, NULL: no delay
ALTER TABLE ref_custody_rules ADD COLUMN lawyer_confidence TEXT;
ALTER TABLE ref_custody_rules ADD COLUMN majority_age_years BIGINT;        -- minor regime: under this age at the start
ALTER TABLE ref_custody_rules ADD COLUMN minors_allowed BIGINT;            -- 0: refused for a person under the majority age, NULL/1: allowed
ALTER TABLE ref_custody_rules ADD COLUMN guardian_required BIGINT;         -- 1: guardian informed before any extension
-- Per custody.
ALTER TABLE custodies ADD COLUMN lawyer_deadline_at BIGINT;   -- ms, NULL: no rule
ALTER TABLE custodies ADD COLUMN lawyer_delay_ref TEXT;       -- the prosecutor's delay authorisation
ALTER TABLE custodies ADD COLUMN lawyer_delay_date TEXT;      -- YYYY-MM-DD
ALTER TABLE custodies ADD COLUMN guardian_informed_at BIGINT; -- ms (minor regime, art 460)
ALTER TABLE custodies ADD COLUMN guardian_informed_how TEXT;
