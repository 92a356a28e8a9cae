#!/usr/bin/env python3
"""gen_quality.py — writes migration 0113: the data-quality catalogue of the
statistics (issue 16 item 5, in the spirit of NIBRS's coded edits) as one
view, stats_quality_v (code, severity, case_id, unit_id), over the records.
Each edit is a stable code, its severity and the condition that finds the
cases it flags; its messages are "stats.q.<code>" in web/i18n/{ar,fr}.json.
Run: python3 src/stats/gen_quality.py > src/db/migrations/0113_stats_quality.sql
and python3 src/stats/gen_quality.py --c > src/stats/edits.inc (the codes)."""
import sys

H = 3600000
D = 86400000
C = "SELECT c.id AS case_id, c.unit_id FROM cases c"
STANDING = "(SELECT COUNT(*) FROM case_offences o WHERE o.case_id = c.id AND o.withdrawn_at IS NULL)"
P = ("SELECT c.id AS case_id, c.unit_id FROM case_persons cp JOIN cases c ON c.id = cp.case_id"
     " JOIN persons p ON p.id = cp.person_id WHERE cp.removed_at IS NULL AND c.status <> 'cancelled'")
K = "SELECT c.id AS case_id, c.unit_id FROM custodies k JOIN cases c ON c.id = k.case_id"
V = "SELECT c.id AS case_id, c.unit_id FROM pvs v JOIN cases c ON c.id = v.case_id"
R = "SELECT c.id AS case_id, c.unit_id FROM referrals r JOIN cases c ON c.id = r.case_id"
S = "SELECT c.id AS case_id, c.unit_id FROM seizures s JOIN cases c ON c.id = s.case_id"
Q = "SELECT q.case_id AS case_id, q.unit_id FROM complaints q"
LIVE = " c.status <> 'cancelled'"
HAS_PV = "EXISTS (SELECT 1 FROM pvs v WHERE v.case_id = c.id AND v.type = '{t}')"
PV_OF = "EXISTS (SELECT 1 FROM pvs v WHERE v.case_id = c.id AND v.person_id = cp.person_id AND v.type = '{t}')"
RANK = ("CASE {x} WHEN 'crime' THEN 4 WHEN 'delit_correctionnel' THEN 3 WHEN 'delit_police' THEN 2"
        " WHEN 'contravention' THEN 1 ELSE 0 END")

EDITS = [
    # cases
    ("Q-CASE-001", "error", C + " WHERE" + LIVE + " AND " + STANDING + " = 0"),
    ("Q-CASE-002", "error", C + " WHERE" + LIVE + " AND c.occurred_from > c.created_at + " + str(H)),
    ("Q-CASE-003", "error", C + " WHERE" + LIVE + " AND c.occurred_to < c.occurred_from"),
    ("Q-CASE-004", "warning", C + " WHERE" + LIVE + " AND LENGTH(c.summary) < 20"),
    ("Q-CASE-005", "warning", C + " WHERE c.status = 'under_investigation' AND c.opj_id IS NULL"),
    ("Q-CASE-006", "warning", C + " WHERE" + LIVE + " AND c.commune IS NULL"),
    ("Q-CASE-007", "info", C + " WHERE" + LIVE + " AND (c.lat_e6 IS NULL OR c.lon_e6 IS NULL)"),
    ("Q-CASE-008", "error", C + " WHERE c.status = 'referred' AND NOT EXISTS (SELECT 1 FROM referrals r WHERE r.case_id = c.id)"),
    ("Q-CASE-009", "warning", C + " WHERE c.status = 'closed' AND c.status_reason IS NULL AND NOT EXISTS"
     " (SELECT 1 FROM referrals r WHERE r.case_id = c.id)"),
    ("Q-CASE-010", "error", C + " WHERE c.status = 'cancelled' AND (c.status_reason IS NULL OR c.status_reason = '')"),
    ("Q-CASE-011", "warning", C + " WHERE" + LIVE + " AND " + STANDING + " > 0 AND " + RANK.format(x="c.class") +
     " < (SELECT MAX(" + RANK.format(x="o.class") + ") FROM case_offences o WHERE o.case_id = c.id AND o.withdrawn_at IS NULL)"),
    ("Q-CASE-012", "warning", C + " WHERE c.status IN ('registered', 'under_investigation') AND c.created_at < {now} - " + str(30 * D) +
     " AND NOT EXISTS (SELECT 1 FROM pvs v WHERE v.case_id = c.id)"),
    ("Q-CASE-013", "warning", C + " WHERE" + LIVE + " AND c.frame = 'flagrant' AND NOT EXISTS (SELECT 1 FROM case_persons cp"
     " WHERE cp.case_id = c.id AND cp.role IN ('suspect', 'arrested') AND cp.removed_at IS NULL)"),
    ("Q-CASE-014", "warning", C + " WHERE" + LIVE + " AND NOT EXISTS (SELECT 1 FROM case_persons cp WHERE cp.case_id = c.id"
     " AND cp.removed_at IS NULL)"),
    ("Q-CASE-015", "warning", C + " JOIN complaints q ON q.id = c.complaint_id WHERE" + LIVE +
     " AND q.disposition NOT IN ('case_opened', 'attached')"),
    ("Q-CASE-016", "info", C + " WHERE" + LIVE + " AND c.occurred_from IS NULL"),
    ("Q-CASE-017", "error", C + " WHERE" + LIVE + " AND c.occurred_from < 631152000000"),
    ("Q-CASE-018", "error", C + " WHERE" + LIVE + " AND " + STANDING + " = 0 AND EXISTS (SELECT 1 FROM case_offences o"
     " WHERE o.case_id = c.id)"),
    ("Q-CASE-019", "warning", C + " WHERE" + LIVE + " AND " + STANDING + " > 20"),
    ("Q-CASE-020", "warning", C + " WHERE c.status = 'referred' AND NOT " + HAS_PV.format(t="transmission")),
    ("Q-CASE-021", "info", C + " WHERE c.status = 'registered' AND c.created_at < {now} - " + str(7 * D)),
    ("Q-CASE-022", "warning", C + " WHERE" + LIVE + " AND c.occurred_to > c.created_at + " + str(H)),
    ("Q-CASE-023", "warning", C + " WHERE c.frame = 'rogatory' AND c.rogatory_commission IS NULL"),
    # persons on cases
    ("Q-PERS-001", "error", P + " AND cp.role = 'arrested' AND NOT EXISTS (SELECT 1 FROM custodies k WHERE k.case_id = c.id"
     " AND k.person_id = cp.person_id) AND NOT " + PV_OF.format(t="arrest_custody")),
    ("Q-PERS-002", "warning", P + " AND cp.role = 'suspect' AND NOT " + PV_OF.format(t="hearing_suspect")),
    ("Q-PERS-003", "warning", P + " AND cp.role = 'victim' AND NOT " + PV_OF.format(t="hearing_victim")),
    ("Q-PERS-004", "warning", P + " AND cp.role = 'arrested' AND p.birth_date IS NULL"),
    ("Q-PERS-005", "warning", P + " AND cp.role = 'arrested' AND p.nationality IS NULL"),
    ("Q-PERS-006", "warning", P + " AND cp.role = 'arrested' AND p.cin IS NULL AND p.unknown = 0"),
    ("Q-PERS-007", "error", P + " AND p.birth_date IS NOT NULL AND p.birth_date > '2100'"),
    ("Q-PERS-008", "error", P + " AND cp.role IN ('arrested', 'suspect') AND p.unknown = 1 AND p.description IS NULL"),
    ("Q-PERS-009", "warning", P + " AND cp.role = 'victim' AND EXISTS (SELECT 1 FROM case_persons x WHERE x.case_id = c.id"
     " AND x.person_id = cp.person_id AND x.role IN ('suspect', 'arrested') AND x.removed_at IS NULL)"),
    ("Q-PERS-010", "warning", P + " AND cp.role = 'witness' AND NOT " + PV_OF.format(t="hearing_witness")),
    ("Q-PERS-011", "warning", P + " AND cp.role = 'complainant' AND NOT " + PV_OF.format(t="hearing_complainant")),
    ("Q-PERS-012", "info", P + " AND cp.role = 'arrested' AND p.sex IS NULL"),
    ("Q-PERS-013", "error", "SELECT c.id AS case_id, c.unit_id FROM case_persons cp JOIN cases c ON c.id = cp.case_id"
     " WHERE cp.removed_at IS NOT NULL AND (cp.removed_reason IS NULL OR cp.removed_reason = '')"),
    # custody
    ("Q-GAV-001", "error", K + " WHERE k.status = 'open' AND k.deadline_at < {now}"),
    ("Q-GAV-002", "error", K + " WHERE k.ended_at IS NOT NULL AND k.ended_at > k.deadline_at"),
    ("Q-GAV-003", "error", K + " WHERE k.family_informed_at IS NULL AND k.started_at < {now} - " + str(24 * H)),
    ("Q-GAV-004", "warning", K + " WHERE k.lawyer_contacted_at IS NULL AND k.status = 'closed'"),
    ("Q-GAV-005", "error", K + " WHERE k.lawyer_contacted_at IS NOT NULL AND k.lawyer_deadline_at IS NOT NULL"
     " AND k.lawyer_contacted_at > k.lawyer_deadline_at AND k.lawyer_delay_ref IS NULL"),
    ("Q-GAV-006", "error", K + " WHERE k.family_informed_at < k.started_at"),
    ("Q-GAV-007", "error", K + " WHERE k.ended_at < k.started_at"),
    ("Q-GAV-008", "error", K + " JOIN ref_custody_rules g ON g.id = k.rule_id WHERE k.extensions > g.max_extensions"),
    ("Q-GAV-009", "error", K + " WHERE NOT EXISTS (SELECT 1 FROM pvs v WHERE v.case_id = k.case_id AND"
     " v.person_id = k.person_id AND v.type = 'arrest_custody')"),
    ("Q-GAV-010", "warning", K + " WHERE k.end_kind = 'presented' AND NOT EXISTS (SELECT 1 FROM referrals r WHERE r.case_id = c.id)"),
    ("Q-GAV-011", "error", K + " WHERE k.regime = 'minor' AND k.guardian_informed_at IS NULL"),
    ("Q-GAV-012", "warning", K + " WHERE k.close_recorded_at IS NOT NULL AND k.close_recorded_at > k.ended_at + " + str(H)),
    ("Q-GAV-013", "info", K + " WHERE k.place IS NULL"),
    ("Q-GAV-014", "error", K + " WHERE k.started_at < c.occurred_from"),
    ("Q-GAV-015", "warning", K + " WHERE k.status = 'open' AND k.ended_at IS NOT NULL"),
    # PVs
    ("Q-PV-001", "warning", V + " WHERE v.status = 'draft' AND v.created_at < {now} - " + str(7 * D)),
    ("Q-PV-002", "error", V + " WHERE v.act_at < c.occurred_from"),
    ("Q-PV-003", "error", V + " WHERE v.status = 'sealed' AND (v.signature IS NULL OR v.content_hash IS NULL)"),
    ("Q-PV-004", "error", V + " WHERE v.status = 'sealed' AND v.sealed_at < v.act_at"),
    ("Q-PV-005", "warning", V + " WHERE v.act_at > v.created_at + " + str(D)),
    ("Q-PV-006", "error", V + " WHERE v.corrects_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pvs w WHERE w.id = v.corrects_id"
     " AND w.status = 'sealed')"),
    # referrals
    ("Q-REF-001", "error", R + " WHERE NOT EXISTS (SELECT 1 FROM pvs v WHERE v.case_id = c.id AND v.status = 'sealed')"),
    ("Q-REF-002", "warning", R + " WHERE r.office_kind <> r.derived_kind AND r.override_reason IS NULL"),
    ("Q-REF-003", "info", R + " WHERE r.outcome IS NULL AND r.sent_at < {now} - " + str(90 * D)),
    ("Q-REF-004", "error", R + " WHERE r.sent_at < c.created_at"),
    ("Q-REF-005", "error", R + " WHERE r.outcome_at < r.sent_at"),
    ("Q-REF-006", "warning", R + " WHERE c.status IN ('registered', 'under_investigation')"),
    # seizures
    ("Q-SEIZ-001", "warning", S + " WHERE s.pv_id IS NULL"),
    ("Q-SEIZ-002", "error", S + " WHERE s.seized_at < c.occurred_from"),
    ("Q-SEIZ-003", "warning", S + " WHERE s.seized_at > s.created_at + " + str(H)),
    ("Q-SEIZ-004", "warning", S + " WHERE NOT " + HAS_PV.format(t="seizure")),
    # complaints (flag the case they opened, when any)
    ("Q-COMP-001", "warning", Q + " WHERE q.disposition = 'pending' AND q.received_at < {now} - " + str(30 * D) +
     " AND q.case_id IS NOT NULL"),
    ("Q-COMP-002", "error", Q + " WHERE q.disposition = 'case_opened' AND q.case_id IS NOT NULL AND NOT EXISTS"
     " (SELECT 1 FROM cases c WHERE c.id = q.case_id)"),
    ("Q-COMP-003", "error", Q + " WHERE q.occurred_at > q.received_at + " + str(H) + " AND q.case_id IS NOT NULL"),
    ("Q-COMP-004", "error", Q + " WHERE q.disposed_at < q.received_at AND q.case_id IS NOT NULL"),
]

if "--c" in sys.argv:
    print("/* GENERATED by src/stats/gen_quality.py: the codes of migration 0113's edits. */")
    for code, sev, _ in EDITS:
        print(f'\t"{code}",')
    sys.exit(0)


def timed(sql):
    return "{now}" in sql


def keyed(sql, cid):
    """the edit restricted to one case: its case column equals cid"""
    col = "q.case_id" if sql.startswith(Q) else "c.id"
    return sql + f" AND {col} = {cid}"


def branch(code, sev, q):
    return (f"SELECT CAST('{code}' AS TEXT) AS code, CAST('{sev}' AS TEXT) AS severity, x.case_id, x.unit_id"
            f" FROM ({q}) x")


def per_case(cid):
    return "\n  UNION ALL ".join(branch(c, s_, keyed(q, cid)) for c, s_, q in EDITS if not timed(q))


def missing(sql):
    """the edit restricted to the cases without facts (stats_rebuild)"""
    col = "q.case_id" if sql.startswith(Q) else "c.id"
    return sql + f" AND NOT EXISTS (SELECT 1 FROM stats_case_facts nf WHERE nf.case_id = {col})"


def timed_view(now):
    return ("CREATE VIEW stats_quality_timed_v AS\n  " +
            "\nUNION ALL ".join(branch(c, s_, q.format(now=now)) for c, s_, q in EDITS if timed(q)) + ";")


FLAGS = "INSERT INTO stats_quality_flags (code, severity, case_id, unit_id) SELECT DISTINCT code, severity, case_id, unit_id FROM ("

if "--c-rebuild" in sys.argv:
    stmt = FLAGS + "\n  UNION ALL ".join(branch(c, s_, missing(q)) for c, s_, q in EDITS if not timed(q)) + \
        ") x WHERE true ON CONFLICT DO NOTHING"
    print("/* GENERATED by src/stats/gen_quality.py --c-rebuild: the record edits of every case without")
    print(" * facts, set-based (stats_rebuild, ahead of the facts that count them as flagged). */")
    print("static const char sql_rebuild_flags[] =")
    out, line = [], ""
    for w in stmt.replace("\n", " ").split(" "):
        if line and len(line) + len(w) + 1 > 100:
            out.append(line + " ")
            line = w
        else:
            line = line + " " + w if line else w
    out.append(line)
    print("\n".join('\t"' + x.replace('"', '\\"') + '"' for x in out) + ";")
    sys.exit(0)

print(f"""-- 0113 statistics (issue 16 item 5): the data-quality catalogue, {len(EDITS)} coded
-- edits: the chief's to-do list, and the report's "figures computed over N
-- cases, M with open quality issues". An edit that reads records only is
-- kept per case in stats_quality_flags, recomputed for the case in the
-- transaction that writes it (stats_touch's BEFORE trigger, ahead of the
-- facts, which count the case as flagged); an edit that depends on time
-- passing (a deadline, an age) is a view evaluated when read.
-- GENERATED by src/stats/gen_quality.py (the edits, their codes and
-- severities); messages "stats.q.<code>" in web/i18n/{{ar,fr}}.json.
-- "Now" differs per backend, so those are written twice.""")
print("""CREATE TABLE stats_quality_flags (
  case_id  TEXT NOT NULL,
  code     TEXT NOT NULL,
  severity TEXT NOT NULL,
  unit_id  TEXT NOT NULL,
  PRIMARY KEY (case_id, code)
);
CREATE INDEX stats_quality_flags_unit ON stats_quality_flags(unit_id, code);""")
print("-- @sqlite")
print(timed_view("CAST((julianday('now') - 2440587.5) * 86400000.0 AS BIGINT)"))
print("CREATE TRIGGER stats_touch_quality BEFORE INSERT ON stats_touch FOR EACH ROW BEGIN")
print("  DELETE FROM stats_quality_flags WHERE case_id = NEW.case_id;")
print("  " + FLAGS + per_case("NEW.case_id") + ") x WHERE true ON CONFLICT DO NOTHING;")
print("END;")
print("-- @end")
print("-- @pg")
print(timed_view("CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)"))
print("CREATE FUNCTION stats_quality_refresh(cid TEXT) RETURNS void LANGUAGE plpgsql AS $$\n#variable_conflict use_column\nBEGIN")
print("  DELETE FROM stats_quality_flags WHERE case_id = cid;")
print("  " + FLAGS + per_case("cid") + ") x ON CONFLICT DO NOTHING;")
print("END $$;")
# the flags, then the facts (which count the case as flagged), and the touch
# row is never stored (RETURN NULL: no insert, so no dead row to vacuum;
# 0111's AFTER trigger on stats_touch no longer fires on PostgreSQL)
print("CREATE FUNCTION stats_on_touch_quality() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
      " PERFORM stats_quality_refresh(NEW.case_id); PERFORM stats_refresh(NEW.case_id); RETURN NULL; END $$;")
print("CREATE TRIGGER stats_touch_quality BEFORE INSERT ON stats_touch FOR EACH ROW EXECUTE FUNCTION stats_on_touch_quality();")
print("-- @end")
print("""-- the to-do list: the record edits as kept, and the edits that depend on the
-- time passed (a deadline, an age), evaluated when read
CREATE VIEW stats_quality_v AS
  SELECT code, severity, case_id, unit_id FROM stats_quality_flags
  UNION ALL SELECT code, severity, case_id, unit_id FROM stats_quality_timed_v;""")
