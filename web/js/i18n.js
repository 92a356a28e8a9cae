// i18n.js — the interface language (ar, right-to-left; fr), message lookup,
// and dates, times and numbers in the user's locale (Intl, ar-MA / fr-MA).
import ar from '../i18n/ar.json' with { type: 'json' };
import fr from '../i18n/fr.json' with { type: 'json' };

const dicts = { ar, fr };
let lang = 'ar';

export const LANGS = ['ar', 'fr'];
export function getLang() { return lang; }
export function locale() { return lang === 'ar' ? 'ar-MA' : 'fr-MA'; }

// setLang(l): switch the document's language and direction (the whole layout
// follows dir= through CSS logical properties) and remember it on this PC for
// the login screen; the per-user choice is kept by the server.
export function setLang(l) {
  lang = LANGS.includes(l) ? l : 'ar';
  document.documentElement.lang = lang;
  document.documentElement.dir = lang === 'ar' ? 'rtl' : 'ltr';
  try { localStorage.setItem('sijill.lang', lang); } catch (e) { /* private mode */ }
}

export function initialLang() {
  let l = null;
  try { l = localStorage.getItem('sijill.lang'); } catch (e) { l = null; }
  return LANGS.includes(l) ? l : 'ar';
}

// t(key, vars): the message in the current language; {name} placeholders are
// replaced from vars. A missing key is a bug: it is reported on the console
// (the browser tests fail on console errors) and the key is shown.
export function t(key, vars) {
  let s = dicts[lang][key];
  if (s === undefined) {
    console.error(`i18n: missing "${key}" for ${lang}`);
    s = key;
  }
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] !== undefined ? fmtAny(vars[k]) : m));
  return s;
}

// tOr(key, fallbackKey): t(key) when the dictionary has it, else t(fallbackKey).
export function tOr(key, fallbackKey, vars) {
  return dicts[lang][key] !== undefined ? t(key, vars) : t(fallbackKey, vars);
}
export function hasKey(key) { return dicts[lang][key] !== undefined; }

function fmtAny(v) { return typeof v === 'number' ? fmtNum(v) : String(v); }

function toDate(v) {
  if (v === null || v === undefined || v === '') return null;
  const d = typeof v === 'number' ? new Date(v) : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function fmtNum(n) { return new Intl.NumberFormat(locale()).format(n); }

export function fmtDate(v) {
  const d = toDate(v);
  return d ? new Intl.DateTimeFormat(locale(), { year: 'numeric', month: '2-digit', day: '2-digit' }).format(d) : '—';
}

export function fmtDateTime(v) {
  const d = toDate(v);
  return d ? new Intl.DateTimeFormat(locale(), {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
  }).format(d) : '—';
}

export function fmtTime(v) {
  const d = toDate(v);
  return d ? new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit', hour12: false }).format(d) : '—';
}

// fmtList(items): "a, b et c" / "a و b و c" in the UI locale.
export function fmtList(items) {
  return new Intl.ListFormat(locale(), { style: 'long', type: 'conjunction' }).format(items.map(String));
}

// fmtInputDate(type, value): what a native date / datetime-local input holds,
// spelt out in the UI locale with the weekday ("mardi 5 mars 2026"); the
// value is read as a local date (not UTC), so the day never shifts.
export function fmtInputDate(type, value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(value || '');
  if (!m) return '';
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] || 0), Number(m[5] || 0));
  if (Number.isNaN(d.getTime())) return '';
  const o = { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' };
  if (type === 'datetime-local' && m[4] !== undefined) Object.assign(o, { hour: '2-digit', minute: '2-digit', hour12: false });
  return new Intl.DateTimeFormat(locale(), o).format(d);
}

// fmtDuration(ms): "12 h 05 min" style, in the locale's numerals and units.
export function fmtDuration(ms) {
  const neg = ms < 0;
  let m = Math.floor(Math.abs(ms) / 60000);
  const hrs = Math.floor(m / 60);
  m %= 60;
  const s = t('time.hm', { h: hrs, m: String(m).padStart(2, '0') });
  return neg ? t('time.overdue', { d: s }) : s;
}

// problemText(err): a translated sentence for an API problem's code.
export function problemText(err) {
  const code = err && err.code ? err.code : 'network';
  if (code === 'account-locked' && err.problem && err.problem.retry_after_s) {
    return t('err.account-locked-for', { m: Math.ceil(err.problem.retry_after_s / 60) });
  }
  return tOr(`err.${code}`, 'err.generic');
}

// fieldErrorText(e): a translated message for one errors[] entry.
export function fieldErrorText(e) { return tOr(`ferr.${e.code}`, 'ferr.invalid'); }
