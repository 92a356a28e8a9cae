#!/usr/bin/env python3
"""gen_ddl.py — writes migration 0111 (the statistics' case facts and monthly
rollups, kept exact in the writing transaction by triggers) for both
databases from one description: the fact columns and the one statement that
recomputes a case's facts. Run: python3 src/stats/gen_ddl.py >
src/db/migrations/0111_stats_facts.sql (the output is committed: migrations
are applied as written, never derived at start; docs/internals/stats.md)."""
import sys

DAY = "(SELECT d.day FROM stats_days d WHERE d.start_ms <= {t} ORDER BY d.start_ms DESC LIMIT 1)"
RANK = ("CASE o.class WHEN 'crime' THEN 4 WHEN 'delit_correctionnel' THEN 3 WHEN 'delit_police' THEN 2"
        " WHEN 'contravention' THEN 1 ELSE 0 END")
PRINCIPAL = ("(SELECT o.{col} FROM case_offences o WHERE o.case_id = c.id AND o.withdrawn_at IS NULL"
             " ORDER BY " + RANK + " DESC, o.added_at, o.id LIMIT 1)")
ARRESTED_SET = ("(SELECT cp.person_id FROM case_persons cp WHERE cp.case_id = c.id AND cp.role = 'arrested'"
                " AND cp.removed_at IS NULL UNION SELECT k.person_id FROM custodies k WHERE k.case_id = c.id)")
FOREIGN = ("p.nationality IS NOT NULL AND UPPER(p.nationality) NOT IN ('MA', 'MAR', 'MAROC', 'MAROCAIN', 'MAROCAINE')"
           " AND p.nationality NOT IN ('مغربي', 'مغربية', 'المغرب')")
REG = DAY.format(t="c.created_at")

# (column, type, expression over the case c) — the case's facts.
FACTS = [
    ("unit_id", "TEXT NOT NULL", "c.unit_id"),
    ("reg_day", "BIGINT", REG),
    ("occ_day", "BIGINT", DAY.format(t="COALESCE(c.occurred_from, c.created_at)")),
    ("ref_day", "BIGINT", DAY.format(t="(SELECT MIN(r.sent_at) FROM referrals r WHERE r.case_id = c.id)")),
    ("class", "TEXT NOT NULL", "COALESCE(" + PRINCIPAL.format(col="class") + ", c.class)"),
    ("category", "TEXT NOT NULL", "COALESCE(" + PRINCIPAL.format(col="category") + ", '')"),
    ("offence_code", "TEXT NOT NULL", "COALESCE(" + PRINCIPAL.format(col="offence_code") + ", '')"),
    ("lines", "BIGINT NOT NULL",
     "(SELECT COUNT(*) FROM case_offences o WHERE o.case_id = c.id AND o.withdrawn_at IS NULL)"),
    ("cancelled", "BIGINT NOT NULL", "CASE WHEN c.status = 'cancelled' THEN 1 ELSE 0 END"),
    ("suspect", "BIGINT NOT NULL",
     "CASE WHEN EXISTS (SELECT 1 FROM case_persons cp WHERE cp.case_id = c.id AND cp.role IN ('suspect', 'arrested')"
     " AND cp.removed_at IS NULL) OR EXISTS (SELECT 1 FROM custodies k WHERE k.case_id = c.id) THEN 1 ELSE 0 END"),
    ("referred", "BIGINT NOT NULL",
     "CASE WHEN EXISTS (SELECT 1 FROM referrals r WHERE r.case_id = c.id) THEN 1 ELSE 0 END"),
    ("presented", "BIGINT NOT NULL",
     "CASE WHEN EXISTS (SELECT 1 FROM custodies k WHERE k.case_id = c.id AND k.end_kind = 'presented')"
     " THEN 1 ELSE 0 END"),
    ("reclassified", "BIGINT NOT NULL",
     "CASE WHEN EXISTS (SELECT 1 FROM case_offences o WHERE o.case_id = c.id AND o.withdrawn_at IS NOT NULL)"
     " THEN 1 ELSE 0 END"),
    ("victims", "BIGINT NOT NULL",
     "(SELECT COUNT(DISTINCT cp.person_id) FROM case_persons cp WHERE cp.case_id = c.id AND cp.role = 'victim'"
     " AND cp.removed_at IS NULL)"),
    ("arrested", "BIGINT NOT NULL", "(SELECT COUNT(*) FROM persons p WHERE p.id IN " + ARRESTED_SET + ")"),
    ("arrested_flagrant", "BIGINT NOT NULL",
     "CASE WHEN c.frame = 'flagrant' THEN (SELECT COUNT(*) FROM persons p WHERE p.id IN " + ARRESTED_SET +
     ") ELSE 0 END"),
    ("minors", "BIGINT NOT NULL",
     "(SELECT COUNT(*) FROM persons p WHERE p.id IN " + ARRESTED_SET + " AND p.birth_date IS NOT NULL"
     " AND REPLACE(p.birth_date, '-', '') > CAST(COALESCE(" + REG + ", 0) - 180000 AS TEXT))"),
    ("foreigners", "BIGINT NOT NULL",
     "(SELECT COUNT(*) FROM persons p WHERE p.id IN " + ARRESTED_SET + " AND " + FOREIGN + ")"),
    # the case has an open data-quality edit (stats_quality_flags, migration
    # 0113: recomputed just before, by stats_touch's BEFORE trigger)
    ("flagged", "BIGINT NOT NULL",
     "CASE WHEN EXISTS (SELECT 1 FROM stats_quality_flags q WHERE q.case_id = c.id) THEN 1 ELSE 0 END"),
]
# summed in the monthly rollup (n counts the cases)
SUMS = ["lines", "victims", "arrested", "arrested_flagrant", "minors", "foreigners", "reclassified", "flagged"]
KEY = ["unit_id", "month", "basis", "class", "category", "cancelled", "suspect", "referred", "presented"]
BASES = [("r", "reg_day"), ("o", "occ_day"), ("f", "ref_day")]

cols = [f[0] for f in FACTS]


def recompute(where, now):
    sel = ", ".join(f[2] for f in FACTS)
    upd = ", ".join(f"{x} = excluded.{x}" for x in cols + ["changed_at"])
    return (f"INSERT INTO stats_case_facts (case_id, {', '.join(cols)}, changed_at)"
            f" SELECT c.id, {sel}, {now} FROM cases c WHERE {where}"
            f" ON CONFLICT (case_id) DO UPDATE SET {upd}")


def changed(distinct):
    return " OR ".join(f"stats_case_facts.{x} {distinct} excluded.{x}" for x in cols)


def rollup(row, sign):
    out = []
    for basis, day in BASES:
        sums = ", ".join(f"{sign}{row}.{s}" for s in SUMS)
        upd = ", ".join(f"{s} = stats_month.{s} + excluded.{s}" for s in ["n", "victims1"] + SUMS)
        out.append(
            f"INSERT INTO stats_month ({', '.join(KEY)}, n, victims1, {', '.join(SUMS)})"
            f" SELECT {row}.unit_id, {row}.{day} / 100, '{basis}', {row}.class, {row}.category, {row}.cancelled,"
            f" {row}.suspect, {row}.referred, {row}.presented, {sign}1,"
            f" {sign}(CASE WHEN {row}.victims > 1 THEN {row}.victims ELSE 1 END), {sums}"
            f" WHERE {row}.{day} IS NOT NULL"
            f" ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET {upd}")
    return out


def c_string(sql, width=100):
    """sql as a C string literal, wrapped at spaces"""
    out, line = [], ""
    for w in sql.split(" "):
        if line and len(line) + len(w) + 1 > width:
            out.append(line + " ")
            line = w
        else:
            line = line + " " + w if line else w
    out.append(line)
    return "\n".join('\t"' + x.replace("\\", "\\\\").replace('"', '\\"') + '"' for x in out)


# --c: the set-based rebuild (stats_rebuild, period.c): the same fact
# expressions over every case without facts, in one statement (the facts'
# own trigger moves each into the rollup); ? is the time of the rebuild
if "--c" in sys.argv:
    sel = ", ".join(f[2] for f in FACTS)
    stmt = (f"INSERT INTO stats_case_facts (case_id, {', '.join(cols)}, changed_at)"
            f" SELECT c.id, {sel}, ? FROM cases c"
            " WHERE NOT EXISTS (SELECT 1 FROM stats_case_facts nf WHERE nf.case_id = c.id)")
    print("/* GENERATED by src/stats/gen_ddl.py --c: the facts of every case without them, set-based. */")
    print("static const char sql_rebuild_facts[] =")
    print(c_string(stmt) + ";")
    sys.exit(0)

fact_cols = ",\n".join(f"  {c} {t}" for c, t, _ in FACTS)
hist_cols = ",\n".join(f"  {c} {t.replace(' NOT NULL', '')}" for c, t, _ in FACTS)
sum_cols = ",\n".join(f"  {s} BIGINT NOT NULL" for s in ["n", "victims1"] + SUMS)

print(f"""-- 0111 statistics (issue 16, src/stats): one row of facts per case and
-- monthly rollups, kept exact by triggers in the transaction that writes the
-- case, its charges, persons, custodies or referrals (docs/internals/stats.md).
-- GENERATED by src/stats/gen_ddl.py — edit the generator, not this file.
-- Portable tables; the triggers are written once per backend (SQLite has no
-- functions: each base trigger appends the case id to stats_touch, whose
-- trigger recomputes; PostgreSQL calls stats_refresh(case id)).

-- The legal calendar: each legal day's start in UTC ms (Africa/Casablanca,
-- from tzdata through core/clock.h), filled by `sijill init` (stats_calendar_fill):
-- SQL has no time zones, and a day is never a fixed 86,400,000 ms here.
CREATE TABLE stats_days (
  day       BIGINT PRIMARY KEY,      -- YYYYMMDD
  start_ms  BIGINT NOT NULL
);
CREATE UNIQUE INDEX stats_days_start ON stats_days(start_ms);

-- A case's facts as counted (principal offence, flags, counts); changed_at
-- (wall clock ms) is when they last changed.
CREATE TABLE stats_case_facts (
  case_id   TEXT PRIMARY KEY,
{fact_cols},
  changed_at BIGINT NOT NULL
);
CREATE INDEX stats_case_facts_reg ON stats_case_facts(reg_day);
CREATE INDEX stats_case_facts_occ ON stats_case_facts(occ_day);
CREATE INDEX stats_case_facts_ref ON stats_case_facts(ref_day);
CREATE INDEX stats_case_facts_changed ON stats_case_facts(changed_at);

-- Every earlier version of a case's facts, valid from its changed_at until
-- superseded_at: a report "as at" T is recomputed from the version valid at T.
CREATE TABLE stats_case_facts_hist (
  case_id   TEXT NOT NULL,
{hist_cols},
  changed_at BIGINT NOT NULL,
  superseded_at BIGINT NOT NULL
);
CREATE INDEX stats_case_facts_hist_case ON stats_case_facts_hist(case_id, superseded_at);
CREATE INDEX stats_case_facts_hist_reg ON stats_case_facts_hist(reg_day);

-- The monthly rollup: per unit, month (YYYYMM) of a date basis (r
-- registration, o occurrence, f first referral), principal class and
-- category, and the flags the counting rules read.
CREATE TABLE stats_month (
  unit_id   TEXT NOT NULL,
  month     BIGINT NOT NULL,
  basis     TEXT NOT NULL,
  class     TEXT NOT NULL,
  category  TEXT NOT NULL,
  cancelled BIGINT NOT NULL,
  suspect   BIGINT NOT NULL,
  referred  BIGINT NOT NULL,
  presented BIGINT NOT NULL,
{sum_cols},
  PRIMARY KEY ({', '.join(KEY)})
);
CREATE INDEX stats_month_month ON stats_month(basis, month);

CREATE TABLE stats_touch (case_id TEXT NOT NULL);
""")

SQ_NOW = "CAST((julianday('now') - 2440587.5) * 86400000.0 AS BIGINT)"
PG_NOW = "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)"

print("-- @sqlite")
print("CREATE TRIGGER stats_touch_refresh AFTER INSERT ON stats_touch FOR EACH ROW BEGIN")
print("  " + recompute("c.id = NEW.case_id", SQ_NOW) + " WHERE " + changed("IS NOT") + ";")
print("  DELETE FROM stats_touch;")
print("END;")
for tbl, idcol, events in [("cases", "id", ["INSERT", "UPDATE"]), ("case_offences", "case_id", ["INSERT", "UPDATE"]),
                           ("case_persons", "case_id", ["INSERT", "UPDATE"]), ("custodies", "case_id", ["INSERT", "UPDATE"]),
                           ("referrals", "case_id", ["INSERT", "UPDATE"])]:
    for ev in events:
        print(f"CREATE TRIGGER stats_{tbl}_{ev.lower()} AFTER {ev} ON {tbl} FOR EACH ROW BEGIN"
              f" INSERT INTO stats_touch (case_id) VALUES (NEW.{idcol}); END;")
for tbl in ["pvs", "seizures"]:
    for ev in ["INSERT", "UPDATE"]:
        print(f"CREATE TRIGGER stats_{tbl}_{ev.lower()} AFTER {ev} ON {tbl} FOR EACH ROW BEGIN"
              f" INSERT INTO stats_touch (case_id) VALUES (NEW.case_id); END;")
for ev in ["INSERT", "UPDATE"]:
    print(f"CREATE TRIGGER stats_complaints_{ev.lower()} AFTER {ev} ON complaints FOR EACH ROW WHEN NEW.case_id IS NOT NULL"
          f" BEGIN INSERT INTO stats_touch (case_id) VALUES (NEW.case_id); END;")
print("CREATE TRIGGER stats_persons_update AFTER UPDATE OF birth_date, nationality ON persons FOR EACH ROW BEGIN"
      " INSERT INTO stats_touch (case_id) SELECT DISTINCT case_id FROM case_persons WHERE person_id = NEW.id"
      " AND role = 'arrested' UNION SELECT case_id FROM custodies WHERE person_id = NEW.id; END;")
print("CREATE TRIGGER stats_facts_insert AFTER INSERT ON stats_case_facts FOR EACH ROW BEGIN")
for s in rollup("NEW", ""):
    print("  " + s + ";")
print("END;")
print("CREATE TRIGGER stats_facts_update AFTER UPDATE ON stats_case_facts FOR EACH ROW BEGIN")
print(f"  INSERT INTO stats_case_facts_hist (case_id, {', '.join(cols)}, changed_at, superseded_at)"
      f" VALUES (OLD.case_id, {', '.join('OLD.' + x for x in cols)}, OLD.changed_at, NEW.changed_at);")
for s in rollup("OLD", "-") + rollup("NEW", ""):
    print("  " + s + ";")
print("END;")
print("-- @end")

print("-- @pg")
print("CREATE FUNCTION stats_refresh(cid TEXT) RETURNS void LANGUAGE plpgsql AS $$ BEGIN")
print("  " + recompute("c.id = cid", PG_NOW) + " WHERE " + changed("IS DISTINCT FROM") + ";")
print("END $$;")
print("CREATE FUNCTION stats_on_case() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
      " INSERT INTO stats_touch (case_id) VALUES (NEW.id); RETURN NULL; END $$;")
print("CREATE FUNCTION stats_on_child() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
      " IF NEW.case_id IS NOT NULL THEN INSERT INTO stats_touch (case_id) VALUES (NEW.case_id); END IF;"
      " RETURN NULL; END $$;")
print("CREATE FUNCTION stats_on_person() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
      " INSERT INTO stats_touch (case_id) SELECT case_id FROM case_persons WHERE person_id = NEW.id AND role = 'arrested'"
      " UNION SELECT case_id FROM custodies WHERE person_id = NEW.id; RETURN NULL; END $$;")
print("CREATE FUNCTION stats_on_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
      " PERFORM stats_refresh(NEW.case_id); DELETE FROM stats_touch; RETURN NULL; END $$;")
print("CREATE TRIGGER stats_touch_refresh AFTER INSERT ON stats_touch FOR EACH ROW EXECUTE FUNCTION stats_on_touch();")
print("CREATE TRIGGER stats_cases AFTER INSERT OR UPDATE ON cases FOR EACH ROW EXECUTE FUNCTION stats_on_case();")
for tbl in ["case_offences", "case_persons", "custodies", "referrals", "pvs", "seizures", "complaints"]:
    print(f"CREATE TRIGGER stats_{tbl} AFTER INSERT OR UPDATE ON {tbl} FOR EACH ROW EXECUTE FUNCTION stats_on_child();")
print("CREATE TRIGGER stats_persons AFTER UPDATE OF birth_date, nationality ON persons FOR EACH ROW"
      " EXECUTE FUNCTION stats_on_person();")
print("CREATE FUNCTION stats_on_facts() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN")
print("  IF TG_OP = 'UPDATE' THEN")
print(f"    INSERT INTO stats_case_facts_hist (case_id, {', '.join(cols)}, changed_at, superseded_at)"
      f" VALUES (OLD.case_id, {', '.join('OLD.' + x for x in cols)}, OLD.changed_at, NEW.changed_at);")
for s in rollup("OLD", "-"):
    print("    " + s + ";")
print("  END IF;")
for s in rollup("NEW", ""):
    print("  " + s + ";")
print("  RETURN NULL;")
print("END $$;")
print("CREATE TRIGGER stats_facts AFTER INSERT OR UPDATE ON stats_case_facts FOR EACH ROW EXECUTE FUNCTION stats_on_facts();")
print("-- @end")
