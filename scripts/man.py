#!/usr/bin/env python3
"""man.py SIJILL OUTDIR — write the man pages from the program's own --help.

One source: each page is the text `sijill COMMAND --help` prints (and
sijill.conf(5) is `sijill serve --config-sample`), set in roff so that
`man sijill-serve` shows what `sijill serve --help` says.
"""
import datetime
import os
import re
import subprocess
import sys

COMMANDS = ['init', 'serve', 'user', 'audit', 'import', 'settings', 'backup', 'restore', 'migrate']


def run(binary, *args):
    r = subprocess.run([binary, *args], capture_output=True, text=True, check=False)
    if r.returncode != 0:
        sys.exit('man.py: %s %s exited %d: %s' % (binary, ' '.join(args), r.returncode, r.stderr))
    return r.stdout


def esc(line):
    line = line.replace('\\', '\\e').replace('-', '\\-')
    if line.startswith('.') or line.startswith("'"):
        line = '\\&' + line
    return line


def page(name, section, summary, synopsis, body, version, date):
    out = ['.TH %s %s "%s" "sijill %s" "sijill manual"' % (name.upper(), section, date, version),
           '.SH NAME', '%s \\- %s' % (esc(name), esc(summary))]
    if synopsis:
        out += ['.SH SYNOPSIS', '.nf', esc(synopsis), '.fi']
    out += ['.SH DESCRIPTION', '.nf']
    out += [esc(l) for l in body.rstrip('\n').split('\n')]
    out += ['.fi', '.SH SEE ALSO',
            ', '.join('\\fBsijill\\-%s\\fR(1)' % c for c in COMMANDS if 'sijill-' + c != name)
            + ', \\fBsijill.conf\\fR(5)']
    return '\n'.join(out) + '\n'


def main():
    binary, outdir = sys.argv[1], sys.argv[2]
    version = os.environ.get('SIJILL_VERSION', '0.1.0')
    date = datetime.date.today().isoformat()
    os.makedirs(os.path.join(outdir, 'man1'), exist_ok=True)
    os.makedirs(os.path.join(outdir, 'man5'), exist_ok=True)
    top = run(binary, 'help')
    summaries = dict(re.findall(r'^  (\w+)(?: \w+)?\s{2,}(.+)$', top, re.M))
    head, _, rest = top.partition('\n')
    with open(os.path.join(outdir, 'man1', 'sijill.1'), 'w') as f:
        f.write(page('sijill', 1, 'the police district information system', head.replace('usage: ', ''),
                     rest.lstrip('\n'), version, date))
    for c in COMMANDS:
        text = run(binary, c, '--help')
        head, _, rest = text.partition('\n')
        syn = head.replace('usage: ', '')
        with open(os.path.join(outdir, 'man1', 'sijill-%s.1' % c), 'w') as f:
            f.write(page('sijill-' + c, 1, summaries.get(c, c), syn, rest.lstrip('\n'), version, date))
    conf = run(binary, 'serve', '--config-sample')
    with open(os.path.join(outdir, 'man5', 'sijill.conf.5'), 'w') as f:
        f.write(page('sijill.conf', 5, 'configuration of sijill serve', '/etc/sijill/sijill.conf', conf,
                     version, date))


if __name__ == '__main__':
    main()
