// i18n_parity.mjs — the two dictionaries (web/i18n/ar.json, fr.json) agree,
// and the Arabic one speaks Arabic. TAP. Run by meson (suite "web").
//  1. the same keys in both, each a non-empty string;
//  2. the same {placeholders} in both versions of a message;
//  3. no Latin letters in an Arabic message, except inside {placeholders}
//     and in ids and codes (a token of capitals and digits with a digit, a
//     hyphen or a slash: AR-CASA-ANFA/2026/000001, BE123456, CP-505);
//  4. every key the UI's code names literally exists (t('...'), labels).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ar = JSON.parse(readFileSync(join(root, 'web/i18n/ar.json'), 'utf8'));
const fr = JSON.parse(readFileSync(join(root, 'web/i18n/fr.json'), 'utf8'));
let n = 0;
let bad = 0;
const tap = (ok, name, why) => {
  n += 1;
  if (!ok) bad += 1;
  console.log(`${ok ? 'ok' : 'not ok'} ${n} - ${name}`);
  if (!ok) for (const l of why.slice(0, 20)) console.log(`# ${l}`);
};

const keys = (d) => new Set(Object.keys(d));
const onlyIn = (a, b) => [...keys(a)].filter((k) => !(k in b));
tap(onlyIn(ar, fr).length === 0 && onlyIn(fr, ar).length === 0, 'ar and fr have the same keys',
  [...onlyIn(ar, fr).map((k) => `only in ar: ${k}`), ...onlyIn(fr, ar).map((k) => `only in fr: ${k}`)]);

const empty = Object.entries({ ...ar }).filter(([, v]) => typeof v !== 'string' || !v.trim()).map(([k]) => `ar ${k}`)
  .concat(Object.entries(fr).filter(([, v]) => typeof v !== 'string' || !v.trim()).map(([k]) => `fr ${k}`));
tap(empty.length === 0, 'every message is a non-empty string', empty);

const ph = (s) => [...String(s).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
// a plural form may leave the number to the grammar (Arabic dual: مرتان)
const plural = (k) => /\.(zero|one|two|few|many|other)$/.test(k);
const phBad = Object.keys(ar).filter((k) => k in fr && !plural(k) && ph(ar[k]) !== ph(fr[k])).map((k) => `${k}: ar {${ph(ar[k])}} fr {${ph(fr[k])}}`);
tap(phBad.length === 0, 'the same placeholders in both languages', phBad);

const CODE = /^[A-Z0-9][A-Za-z0-9]*(?:[-/.][A-Za-z0-9]+)*$/;
// the identifiers an Arabic text may spell in Latin, and the texts that show
// a Latin spelling on purpose: one list, tests/unit/test_i18n.c's
const cTest = readFileSync(join(root, 'tests/unit/test_i18n.c'), 'utf8');
const cList = (name) => new Set([...(cTest.match(new RegExp(`${name}\\[\\] = \\{([^;]*)\\};`)) || ['', ''])[1]
  .replace(/\/\*[\s\S]*?\*\//g, '').matchAll(/"([^"]*)"/g)].map((m) => m[1]));
const LATIN_IDS = cList('LATIN_IDS');
const LATIN_EXAMPLES = cList('LATIN_EXAMPLES');
const latin = [];
for (const [k, v] of Object.entries(ar)) {
  if (LATIN_EXAMPLES.has(k)) continue;
  const text = String(v).replace(/\{\w+\}/g, ' ');
  for (const tok of text.split(/[\s()«»،:;,.؛]+/)) {
    if (!/[A-Za-z]/.test(tok)) continue;
    const isCode = (CODE.test(tok) && /[0-9/-]/.test(tok) && !/[a-z]{2}/.test(tok)) || LATIN_IDS.has(tok);
    if (!isCode) latin.push(`${k}: "${tok}" in «${v}»`);
  }
}
tap(latin.length === 0, 'no Latin text in the Arabic dictionary (ids and codes aside)', latin);

// 4. keys named literally by the UI
const files = [];
const walk = (d) => { for (const f of readdirSync(d)) { const p = join(d, f); if (statSync(p).isDirectory()) walk(p); else if (p.endsWith('.js')) files.push(p); } };
walk(join(root, 'web/js'));
const used = new Set();
for (const f of files) {
  const s = readFileSync(f, 'utf8');
  for (const m of s.matchAll(/\b(?:t|tOr|hasKey)\(\s*'([a-z][\w.-]*)'/g)) used.add(m[1]);
  for (const m of s.matchAll(/(?:label|hint|submit|empty|caption|yes):\s*'([a-z][\w-]*\.[\w.-]+)'/g)) used.add(m[1]);
  for (const m of s.matchAll(/\['([a-z][\w-]*\.[\w.-]+)',\s*\(/g)) used.add(m[1]);
}
const missing = [...used].filter((k) => !(k in ar) || !(k in fr)).sort();
tap(missing.length === 0, `every key the UI names exists (${used.size} keys)`, missing);
console.log(`1..${n}`);
process.exitCode = bad ? 1 : 0;
