-- 0212 statistics (issue 16): on PostgreSQL a case's quality flags and facts
-- are recomputed once per case and transaction, at its commit, however many
-- of its rows the transaction wrote (a create-case writes the case, a charge
-- and two case persons: four recomputations until now). The touch row is
-- stored, one per case (unique; a second touch does nothing), and a deferred
-- constraint trigger recomputes and removes it when the transaction commits
-- — still inside it: a rolled-back write leaves no trace, a committed one its
-- figures (docs/internals/stats.md). SQLite has no deferred triggers: it
-- keeps recomputing per row (0111, 0113).
-- @pg
DROP TRIGGER stats_touch_quality ON stats_touch;
DROP TRIGGER stats_touch_refresh ON stats_touch;
CREATE UNIQUE INDEX stats_touch_case ON stats_touch(case_id);
CREATE OR REPLACE FUNCTION stats_on_case() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  INSERT INTO stats_touch (case_id) VALUES (NEW.id) ON CONFLICT DO NOTHING; RETURN NULL; END $$;
CREATE OR REPLACE FUNCTION stats_on_child() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  IF NEW.case_id IS NOT NULL THEN INSERT INTO stats_touch (case_id) VALUES (NEW.case_id) ON CONFLICT DO NOTHING; END IF;
  RETURN NULL; END $$;
CREATE OR REPLACE FUNCTION stats_on_person() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  INSERT INTO stats_touch (case_id) SELECT case_id FROM case_persons WHERE person_id = NEW.id AND role = 'arrested'
  UNION SELECT case_id FROM custodies WHERE person_id = NEW.id ON CONFLICT DO NOTHING; RETURN NULL; END $$;
CREATE FUNCTION stats_on_touch_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  PERFORM stats_quality_refresh(NEW.case_id);
  PERFORM stats_refresh(NEW.case_id);
  DELETE FROM stats_touch WHERE case_id = NEW.case_id;
  RETURN NULL; END $$;
CREATE CONSTRAINT TRIGGER stats_touch_commit AFTER INSERT ON stats_touch DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION stats_on_touch_commit();
-- @end
