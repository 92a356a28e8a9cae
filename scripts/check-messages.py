#!/usr/bin/env python3
"""check-messages.py ROOT — every reason code and field-error code the C code
can emit has its message in both dictionaries (issue 9, item 5).

A problem's code becomes the message key "err.<code>", a field error's
"ferr.<code>" (web/i18n/ar.json and fr.json, shared by the UI and the
server). The codes are found in src/ by what emits them:

  err.<code>   a reason a capability gives (`why = "code"`, `*why = cond ?
               "a" : "b"`), the code of an http_problem(r, status, "code", ...),
               the reasons art67() returns (src/cases/pv.c);
  ferr.<code>  a field error (rec_err(errs, prefix, field, "code", ...),
               err_lim(...)), a reason given with a field (`*field = ...;`
               on the line before `*why = "code"`), the codes rec_text_ok()
               and pw_weakness() return.

Prints TAP: one test per code, then `# N codes, M without both messages`.
Exit status 1 when a message is missing (or a dictionary is unreadable).
"""
import json
import os
import re
import sys

CODE = r'"([a-z][a-z0-9]*(?:-[a-z0-9]+)*)"'
WHY = re.compile(r'\*?\bwhy\s*=\s*(.*);')
PROBLEM = re.compile(r'http_problem\(\s*r\s*,\s*\d+\s*,\s*' + CODE)
REC_ERR = re.compile(r'\brec_err\([^,]+,[^,]+,[^,]+,\s*' + CODE)
ERR_LIM = re.compile(r'\berr_lim\([^,]+,[^,]+,[^,]+,\s*' + CODE)
FIELD_SET = re.compile(r'\*field\s*=')
RETURN = re.compile(r'\breturn\s+' + CODE + r'\s*;')
# functions whose returned codes are messages: (file, function, prefix)
RETURNS = [('src/cases/pv.c', 'art67', 'err'), ('src/core/record.c', 'rec_text_ok', 'ferr'),
           ('src/auth/password.c', 'pw_weakness', 'ferr')]
FUNC = re.compile(r'^[A-Za-z_].*\b([a-z_0-9]+)\(.*\)\s*$')


def scan(root):
    found = {}  # (prefix, code) -> first place

    def add(prefix, code, where):
        found.setdefault((prefix, code), where)

    for dirpath, _, files in os.walk(os.path.join(root, 'src')):
        for name in sorted(files):
            if not name.endswith('.c'):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            with open(path, encoding='utf-8') as fh:
                lines = fh.read().split('\n')
            func = None
            for i, line in enumerate(lines):
                where = '%s:%d' % (rel, i + 1)
                m = FUNC.match(line)
                if m and not line.rstrip().endswith(';'):
                    func = m.group(1)
                m = WHY.search(line)
                if m and 'const char' not in line:
                    near_field = any(FIELD_SET.search(lines[k]) for k in range(max(0, i - 2), i + 1))
                    for code in re.findall(CODE, m.group(1)):
                        add('ferr' if near_field else 'err', code, where)
                for rx, prefix in ((PROBLEM, 'err'), (REC_ERR, 'ferr'), (ERR_LIM, 'ferr')):
                    for code in rx.findall(line):
                        add(prefix, code, where)
                for f, fn, prefix in RETURNS:
                    if rel == f and func == fn:
                        for code in RETURN.findall(line):
                            add(prefix, code, where)
    return found


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else '.'
    try:
        dicts = {lang: json.load(open(os.path.join(root, 'web/i18n/%s.json' % lang), encoding='utf-8'))
                 for lang in ('ar', 'fr')}
    except (OSError, ValueError) as e:
        print('1..1\nnot ok 1 - the dictionaries load: %s' % e)
        return 1
    found = scan(root)
    print('1..%d' % len(found))
    bad = 0
    for n, ((prefix, code), where) in enumerate(sorted(found.items()), 1):
        key = '%s.%s' % (prefix, code)
        lack = [lang for lang, d in dicts.items() if not isinstance(d.get(key), str) or not d[key].strip()]
        if lack:
            bad += 1
            print('not ok %d - %s (%s) has no message in %s' % (n, key, where, ', '.join(lack)))
        else:
            print('ok %d - %s' % (n, key))
    print('# %d codes, %d without both messages' % (len(found), bad))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
