-- 0195 central applies a node's batch set-wise (issue 12,
-- docs/internals/exchange.md "Applied set-wise"): the case figures of 0111
-- and the quality flags of 0113 are refreshed once per case the batch
-- touched, at its end, not after each of its rows (each refresh recomputes
-- the whole case: a batch of 400 rows touched each of its cases ~15 times,
-- and that was most of central's apply time). A transaction that sets
-- sijill.stats_deferred to 'on' (set_config, transaction-local) keeps its
-- touches in stats_touch; stats_touch_flush() refreshes each case touched
-- once, as the triggers would have, and empties it. Every other writer
-- (and a batch applied row by row) is as before. The intermediate states
-- of a case inside one transaction were never visible: nothing published
-- depends on them.
-- @pg
CREATE OR REPLACE FUNCTION stats_on_touch_quality() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  IF current_setting('sijill.stats_deferred', true) = 'on' THEN RETURN NEW; END IF;
  PERFORM stats_quality_refresh(NEW.case_id); PERFORM stats_refresh(NEW.case_id); RETURN NULL; END $$;
CREATE OR REPLACE FUNCTION stats_on_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  IF current_setting('sijill.stats_deferred', true) = 'on' THEN RETURN NULL; END IF;
  PERFORM stats_refresh(NEW.case_id); DELETE FROM stats_touch; RETURN NULL; END $$;
CREATE FUNCTION stats_touch_flush() RETURNS bigint LANGUAGE plpgsql AS $$ DECLARE r record; n bigint := 0; BEGIN
  FOR r IN SELECT DISTINCT case_id FROM stats_touch LOOP
    PERFORM stats_quality_refresh(r.case_id); PERFORM stats_refresh(r.case_id); n := n + 1;
  END LOOP;
  DELETE FROM stats_touch; RETURN n; END $$;
-- @end
