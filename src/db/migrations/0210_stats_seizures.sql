-- 0210 statistics (issue 16, src/stats): seizures by kind. Since issue 17
-- (migration 0160) a seized item has a category (drugs, weapon, cash, …)
-- and seized drugs a substance and a weight; the statistics' view of the
-- seizures carries them (a seizure recorded before 0160 has none: counted
-- under "none").
DROP VIEW stats_seizure_v;
CREATE VIEW stats_seizure_v AS
  SELECT s.id, s.case_id, s.unit_id, s.seized_at, s.category,
         CASE WHEN s.category = 'drugs' THEN TRIM(s.substance) END AS substance,
         CASE WHEN s.category = 'drugs' THEN s.weight_mg END AS weight_mg
  FROM seizures s;
