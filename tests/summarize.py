#!/usr/bin/env python3
"""summarize.py TESTLOG.json [EXTRA.tap...] — sum TAP results of every suite.

Counts "ok" / "not ok" lines of each test's output. A test program that
failed (crash, sanitizer report, bad exit) without reporting a failing case
counts one failure more, so nothing that broke is hidden. Prints the one
closing line "N passed, N failed" and exits 1 when anything failed.
"""
import json
import re
import sys

OK = re.compile(r'^ok\b')
NOT_OK = re.compile(r'^not ok\b')
SKIP = re.compile(r'#\s*SKIP', re.IGNORECASE)


def count_tap(text):
    passed = failed = 0
    for line in text.splitlines():
        line = line.strip()
        if SKIP.search(line):
            continue
        if NOT_OK.match(line):
            failed += 1
        elif OK.match(line):
            passed += 1
    return passed, failed


def main():
    passed = failed = 0
    rows = []
    with open(sys.argv[1], encoding='utf-8', errors='replace') as fh:
        for line in fh:
            t = json.loads(line)
            p, f = count_tap(t.get('stdout', '') or '')
            if t.get('result') not in ('OK', 'EXPECTEDFAIL', 'SKIP') and f == 0:
                f += 1
            if p + f == 0 and t.get('result') == 'OK':
                # a suite that ran no case is a defect, not a pass
                f += 1
            rows.append((t.get('name'), p, f, t.get('result')))
            passed += p
            failed += f
    for extra in sys.argv[2:]:
        try:
            with open(extra, encoding='utf-8', errors='replace') as fh:
                text = fh.read()
        except OSError:
            text = ''
        p, f = count_tap(text)
        if p + f == 0:
            f = 1
        rows.append((extra, p, f, ''))
        passed += p
        failed += f
    for name, p, f, res in rows:
        print('  %-32s %4d passed %4d failed %s' % (name, p, f, res))
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
