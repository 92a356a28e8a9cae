#!/usr/bin/env python3
"""check.py — structural checks for the sijill reference data files.

Usage: python3 data/check.py [DATA_DIR]   (default: the directory of this script)
Exit status 0 when every check passes, 1 otherwise (each problem printed on stderr).
It checks structure and internal consistency only; it cannot check that the law says
what the files say (that is what the "verified" flags and sources are for).
"""
import datetime
import json
import os
import re
import sys

CLASSES = {"crime", "delit_correctionnel", "delit_police", "contravention"}
CATEGORIES = {"violent", "property", "drugs", "cyber", "economic", "public_order", "persons",
              "morals", "traffic", "terrorism", "migration", "weapons", "state_security", "other"}
UNIT_KINDS = {"national", "prefecture", "regional", "provincial", "district", "arrondissement"}
REGIMES = {"ordinary", "terrorism", "state_security", "minor"}
CONFIDENCE = {"high", "medium", "uncertain"}
CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9.\-]*$")
UNIT_CODE_RE = re.compile(r"^[A-Z0-9-]{1,64}$")   # what src/org/units.c accepts
ARABIC_RE = re.compile(r"[\u0600-\u06FF]")
VERSION_RE = re.compile(r"^\d+\.\d+\.\d+$")
MIN_OFFENCES = 120

errors = []


def err(where, msg):
    errors.append(f"{where}: {msg}")


def is_date(s):
    if not isinstance(s, str):
        return False
    try:
        datetime.date.fromisoformat(s)
        return True
    except ValueError:
        return False


def nonempty_str(v):
    return isinstance(v, str) and v.strip() != ""


def load(data_dir, name):
    path = os.path.join(data_dir, name)
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        err(name, f"cannot load: {e}")
        return None


def check_header(name, doc, list_key):
    if not isinstance(doc, dict):
        err(name, "top level is not an object")
        return []
    if not (isinstance(doc.get("version"), str) and VERSION_RE.match(doc["version"])):
        err(name, "'version' missing or not MAJOR.MINOR.PATCH")
    if not nonempty_str(doc.get("source")):
        err(name, "'source' missing")
    if not is_date(doc.get("updated")):
        err(name, "'updated' missing or not an ISO date")
    items = doc.get(list_key)
    if not isinstance(items, list) or not items:
        err(name, f"'{list_key}' missing or empty")
        return []
    return items


def check_unique(name, items, key="code"):
    seen = set()
    for i, it in enumerate(items):
        c = it.get(key) if isinstance(it, dict) else None
        if c in seen:
            err(name, f"duplicate {key} {c!r} (index {i})")
        seen.add(c)
    return seen


def check_dates(where, it):
    f, t = it.get("effective_from"), it.get("effective_to")
    for k, v in (("effective_from", f), ("effective_to", t)):
        if v is not None and not is_date(v):
            err(where, f"{k} {v!r} is not an ISO date or null")
    if is_date(f) and is_date(t) and f > t:
        err(where, "effective_from after effective_to")


def check_sources(where, it):
    s = it.get("sources")
    if s is not None and not (isinstance(s, list) and all(nonempty_str(x) for x in s)):
        err(where, "'sources' must be a list of strings")


def check_offences(doc):
    name = "offences.json"
    items = check_header(name, doc, "offences")
    if len(items) < MIN_OFFENCES:
        err(name, f"{len(items)} offences, at least {MIN_OFFENCES} required")
    check_unique(name, items)
    for i, o in enumerate(items):
        where = f"{name}[{i}] {o.get('code') if isinstance(o, dict) else '?'}"
        if not isinstance(o, dict):
            err(where, "not an object")
            continue
        for k in ("code", "law", "article", "label_fr", "label_ar", "penalty"):
            if not nonempty_str(o.get(k)):
                err(where, f"'{k}' missing or empty")
        if nonempty_str(o.get("code")) and not CODE_RE.match(o["code"]):
            err(where, "code has characters outside [A-Z0-9.-]")
        if o.get("class") not in CLASSES:
            err(where, f"class {o.get('class')!r} not in {sorted(CLASSES)}")
        if o.get("category") not in CATEGORIES:
            err(where, f"category {o.get('category')!r} not in {sorted(CATEGORIES)}")
        if not isinstance(o.get("verified"), bool):
            err(where, "'verified' must be true or false")
        if nonempty_str(o.get("label_ar")) and not ARABIC_RE.search(o["label_ar"]):
            err(where, "label_ar has no Arabic letters")
        if o.get("verified") is False and not nonempty_str(o.get("note")):
            err(where, "unverified entry without a 'note' explaining why")
        if o.get("verified") is True and not o.get("sources"):
            err(where, "verified entry without 'sources'")
        check_dates(where, o)
        check_sources(where, o)
    return items


def check_custody(doc):
    name = "custody_rules.json"
    rules = check_header(name, doc, "rules")
    check_unique(name, rules)
    by_regime = {}
    for i, r in enumerate(rules):
        where = f"{name}.rules[{i}] {r.get('code')}"
        if r.get("regime") not in REGIMES:
            err(where, f"regime {r.get('regime')!r} not in {sorted(REGIMES)}")
        if not is_date(r.get("effective_from")):
            err(where, "effective_from must be an ISO date")
        check_dates(where, r)
        for k in ("initial_hours", "extension_hours", "max_extensions"):
            v = r.get(k)
            if not (isinstance(v, int) and not isinstance(v, bool) and v >= 0):
                err(where, f"'{k}' must be a non-negative integer")
        v = r.get("lawyer_contact_max_hours")
        if v is not None and not (isinstance(v, int) and v >= 0):
            err(where, "'lawyer_contact_max_hours' must be an integer or null")
        vc = r.get("lawyer_contact_max_hours_crime")
        if vc is not None and not (isinstance(vc, int) and not isinstance(vc, bool) and isinstance(v, int)
                                   and vc >= v):
            err(where, "'lawyer_contact_max_hours_crime' must be an integer >= lawyer_contact_max_hours, or null")
        ma = r.get("majority_age_years")
        if ma is not None and not (isinstance(ma, int) and not isinstance(ma, bool) and 0 < ma < 30):
            err(where, "'majority_age_years' must be an integer between 1 and 29")
        if r.get("regime") == "minor" and ma is None:
            err(where, "a minor-regime rule needs 'majority_age_years'")
        for k in ("minors_allowed", "guardian_must_be_informed"):
            if k in r and not isinstance(r[k], bool):
                err(where, f"'{k}' must be true or false")
        if r.get("extension_requires") != "written_prosecutor_authorisation":
            err(where, "extension_requires must be 'written_prosecutor_authorisation'")
        if r.get("confidence") not in CONFIDENCE:
            err(where, f"confidence {r.get('confidence')!r} not in {sorted(CONFIDENCE)}")
        if not nonempty_str(r.get("source")):
            err(where, "'source' missing")
        if isinstance(r.get("initial_hours"), int) and r.get("max_total_hours") is not None:
            want = r["initial_hours"] + r.get("extension_hours", 0) * r.get("max_extensions", 0)
            if r["max_total_hours"] != want:
                err(where, f"max_total_hours {r['max_total_hours']} != {want}")
        check_sources(where, r)
        by_regime.setdefault(r.get("regime"), []).append(r)
    for regime in sorted(REGIMES):
        rs = sorted(by_regime.get(regime, []), key=lambda r: r.get("effective_from") or "")
        if len(rs) < 2:
            err(name, f"regime {regime}: needs a pre-reform and a post-reform rule")
            continue
        if rs[-1].get("effective_to") is not None:
            err(name, f"regime {regime}: the latest rule must be open-ended (effective_to null)")
        for a, b in zip(rs, rs[1:]):
            if not (is_date(a.get("effective_to")) and is_date(b.get("effective_from"))):
                err(name, f"regime {regime}: rule {a.get('code')} must be closed before {b.get('code')}")
                continue
            gap = (datetime.date.fromisoformat(b["effective_from"]) -
                   datetime.date.fromisoformat(a["effective_to"])).days
            if gap != 1:
                err(name, f"regime {regime}: {a.get('code')} and {b.get('code')} overlap or leave a gap")
    grounds = doc.get("grounds") if isinstance(doc, dict) else None
    if not isinstance(grounds, list) or not grounds:
        err(name, "'grounds' missing or empty")
        grounds = []
    check_unique(name + ".grounds", grounds)
    for i, g in enumerate(grounds):
        where = f"{name}.grounds[{i}] {g.get('code')}"
        if not (nonempty_str(g.get("code")) and re.match(r"^[A-Z_]+$", g["code"])):
            err(where, "code must be UPPER_SNAKE")
        if not nonempty_str(g.get("label_fr")):
            err(where, "label_fr missing")
        if not (nonempty_str(g.get("label_ar")) and ARABIC_RE.search(g["label_ar"])):
            err(where, "label_ar missing or not Arabic")
        if g.get("confidence") not in CONFIDENCE:
            err(where, "confidence invalid")


def check_units(doc):
    name = "units.json"
    units = check_header(name, doc, "units")
    regions = doc.get("regions", []) if isinstance(doc, dict) else []
    region_codes = check_unique(name + ".regions", regions)
    if len(regions) != 12:
        err(name, f"{len(regions)} regions, expected 12")
    for i, r in enumerate(regions):
        for k in ("code", "name_fr", "name_ar"):
            if not nonempty_str(r.get(k)):
                err(f"{name}.regions[{i}]", f"'{k}' missing")
    codes = check_unique(name, units)
    by_code = {u.get("code"): u for u in units if isinstance(u, dict)}
    roots = []
    for i, u in enumerate(units):
        where = f"{name}[{i}] {u.get('code')}"
        for k in ("code", "kind", "name_fr", "name_ar", "city"):
            if not nonempty_str(u.get(k)):
                err(where, f"'{k}' missing or empty")
        if nonempty_str(u.get("code")) and not UNIT_CODE_RE.match(u["code"]):
            err(where, "code must match [A-Z0-9-]{1,64} (units loader rule)")
        if u.get("kind") not in UNIT_KINDS:
            err(where, f"kind {u.get('kind')!r} not in {sorted(UNIT_KINDS)}")
        if nonempty_str(u.get("name_ar")) and not ARABIC_RE.search(u["name_ar"]):
            err(where, "name_ar has no Arabic letters")
        for k in ("name_fr", "name_ar"):
            if isinstance(u.get(k), str) and len(u[k].encode("utf-8")) > 200:
                err(where, f"{k} longer than 200 bytes (UNIT_NAME_MAX)")
        p = u.get("parent")
        if p is None:
            roots.append(u.get("code"))
            if u.get("kind") != "national":
                err(where, "only the national unit may have no parent")
        elif p not in codes:
            err(where, f"parent {p!r} does not exist")
        if "region" in u and u["region"] not in region_codes:
            err(where, f"region {u['region']!r} does not exist")
        if "demo" in u and u["demo"] is not True:
            err(where, "'demo' must be true or absent")
    if len(roots) != 1:
        err(name, f"expected exactly one root unit, found {roots}")
    # cycles, and demo subset closed under parent (the loader's demo mode needs it)
    for c, u in by_code.items():
        seen, cur = set(), u
        while cur is not None and cur.get("parent") is not None:
            if cur.get("code") in seen:
                err(name, f"cycle through {c}")
                break
            seen.add(cur.get("code"))
            cur = by_code.get(cur.get("parent"))
        if u.get("demo") and u.get("parent") and not by_code.get(u["parent"], {}).get("demo"):
            err(name, f"demo unit {c} has a parent {u['parent']} outside the demo subset")
    demo = [u for u in units if u.get("demo")]
    kinds = {}
    for u in demo:
        kinds[u.get("kind")] = kinds.get(u.get("kind"), 0) + 1
    if kinds.get("national") != 1 or kinds.get("prefecture") != 2 or kinds.get("arrondissement") != 4:
        err(name, f"demo subset must be 1 national, 2 prefectures, 4 arrondissements (found {kinds})")
    return by_code


def check_prosecution(doc, units):
    name = "prosecution.json"
    offices = check_header(name, doc, "offices")
    codes = check_unique(name, offices)
    by_code = {o.get("code"): o for o in offices}
    served = {"tpi": set(), "ca": set()}
    for i, o in enumerate(offices):
        where = f"{name}[{i}] {o.get('code')}"
        for k in ("code", "kind", "name_fr", "name_ar", "city"):
            if not nonempty_str(o.get(k)):
                err(where, f"'{k}' missing")
        if o.get("kind") not in ("tpi", "ca"):
            err(where, "kind must be tpi or ca")
        if not isinstance(o.get("verified"), bool):
            err(where, "'verified' must be a boolean")
        if nonempty_str(o.get("name_ar")) and not ARABIC_RE.search(o["name_ar"]):
            err(where, "name_ar has no Arabic letters")
        if o.get("kind") == "tpi":
            ca = o.get("ca")
            if ca not in codes or by_code.get(ca, {}).get("kind") != "ca":
                err(where, f"ca {ca!r} is not a cour d'appel in this file")
        for uc in o.get("units", []):
            if uc not in units:
                err(where, f"unit {uc!r} not in units.json")
            elif o.get("kind") in served:
                served[o["kind"]].add(uc)
        check_sources(where, o)
    # every demo arrondissement must reach a TPI and a CA through itself or an ancestor
    for c, u in units.items():
        if not (u.get("demo") and u.get("kind") == "arrondissement"):
            continue
        for kind in ("tpi", "ca"):
            cur, ok = u, False
            while cur is not None:
                if cur.get("code") in served[kind]:
                    ok = True
                    break
                cur = units.get(cur.get("parent"))
            if not ok:
                err(name, f"demo arrondissement {c} has no {kind}")


def check_communes(doc):
    name = "communes.json"
    items = check_header(name, doc, "communes")
    codes = check_unique(name, items)
    for i, c in enumerate(items):
        where = f"{name}[{i}] {c.get('code')}"
        for k in ("code", "kind", "name_fr", "name_ar", "prefecture"):
            if not nonempty_str(c.get(k)):
                err(where, f"'{k}' missing")
        if nonempty_str(c.get("name_ar")) and not ARABIC_RE.search(c["name_ar"]):
            err(where, "name_ar has no Arabic letters")
        if c.get("parent") is not None and c["parent"] not in codes:
            err(where, f"parent {c['parent']!r} does not exist")
        if not isinstance(c.get("verified"), bool):
            err(where, "'verified' must be a boolean")


def main():
    data_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    off = load(data_dir, "offences.json")
    cus = load(data_dir, "custody_rules.json")
    uni = load(data_dir, "units.json")
    pro = load(data_dir, "prosecution.json")
    com = load(data_dir, "communes.json")
    offences = check_offences(off) if off is not None else []
    if cus is not None:
        check_custody(cus)
    units = check_units(uni) if uni is not None else {}
    if pro is not None:
        check_prosecution(pro, units)
    if com is not None:
        check_communes(com)
    if errors:
        for e in errors:
            print("error: " + e, file=sys.stderr)
        print(f"check.py: {len(errors)} error(s)", file=sys.stderr)
        return 1
    nver = sum(1 for o in offences if o.get("verified") is True)
    print(f"check.py: ok — {len(offences)} offences ({nver} verified), "
          f"{len(cus.get('rules', []))} custody rules, {len(units)} units, "
          f"{len(pro.get('offices', []))} prosecution offices, {len(com.get('communes', []))} communes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
