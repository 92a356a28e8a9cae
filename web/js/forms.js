// forms.js — keyboard-first forms: a label for every field, the API's
// validation errors next to their field, drafts kept in sessionStorage so a
// failed submit, a reload or an expired session loses nothing, and a busy
// state while the server works.
import { h, newId, $$ } from './dom.js';
import { t, problemText, fieldErrorText, fmtInputDate } from './i18n.js';
import { ApiError } from './api.js';

// field(spec): a labelled control. spec: name, label (key), type (text,
// password, date, datetime-local, number, textarea, select, checkbox),
// options [[value, labelKey]], required, hint (key), autocomplete, dir, value,
// wide (spans the row), min, max, maxlength.
export function field(spec) {
  const id = newId(spec.name);
  const errId = `${id}-err`;
  const hintId = spec.hint ? `${id}-hint` : null;
  const describedBy = [hintId, errId].filter(Boolean).join(' ');
  const common = {
    id, name: spec.name, required: !!spec.required, 'aria-describedby': describedBy,
    autocomplete: spec.autocomplete || 'off', dir: spec.dir, maxlength: spec.maxlength,
    min: spec.min, max: spec.max, step: spec.step, placeholder: spec.placeholder, inputmode: spec.inputmode,
    readonly: !!spec.readonly,
  };
  let control;
  if (spec.type === 'textarea') {
    control = h('textarea', { ...common, rows: spec.rows || 4 });
    if (spec.value !== undefined) control.value = spec.value;
  } else if (spec.type === 'select') {
    control = h('select', common,
      (spec.options || []).map(([v, k, raw]) => h('option', { value: v, text: raw ? k : t(k) })));
    if (spec.value !== undefined) control.value = spec.value;
  } else if (spec.type === 'checkbox') {
    control = h('input', { ...common, type: 'checkbox', checked: !!spec.value });
  } else {
    control = h('input', { ...common, type: spec.type || 'text', value: spec.value });
  }
  // a date shown in words next to the native input (Chromium shows its own
  // pattern whatever the UI language): updated as it changes, and once after
  // a draft is restored (which sets values without events).
  let echo = null;
  if (spec.type === 'date' || spec.type === 'datetime-local') {
    echo = h('output', { class: 'date-echo', for: id, 'aria-live': 'polite' });
    const upd = () => { echo.textContent = fmtInputDate(spec.type, control.value); };
    control.addEventListener('input', upd);
    control.addEventListener('change', upd);
    upd();
    setTimeout(upd, 0);
  }
  const label = h('label', { for: id, text: t(spec.label) },
    spec.required ? h('span', { class: 'req', 'aria-hidden': 'true', text: ' *' }) : null);
  const wrap = h('div', { class: `field${spec.wide ? ' wide' : ''}${spec.type === 'checkbox' ? ' check' : ''}`, 'data-field': spec.name },
    spec.type === 'checkbox' ? [control, label] : [label, control, echo],
    hintId ? h('p', { class: 'hint', id: hintId, text: t(spec.hint) }) : null,
    h('p', { class: 'ferr', id: errId, role: 'alert' }));
  return wrap;
}

// values(form): the named controls' values; numbers for type=number,
// booleans for checkboxes, empty strings left out.
export function values(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled) continue;
    if (el.type === 'checkbox') out[el.name] = el.checked;
    else if (el.value === '') continue;
    else if (el.type === 'number') out[el.name] = Number(el.value);
    else out[el.name] = el.value;
  }
  return out;
}

export function clearErrors(form) {
  for (const p of $$('.ferr', form)) p.textContent = '';
  for (const el of $$('[aria-invalid]', form)) el.removeAttribute('aria-invalid');
  const s = form.querySelector('.form-error');
  if (s) { s.textContent = ''; s.hidden = true; }
}

// showErrors(form, err): each errors[] entry next to its field (the first one
// focused); anything not tied to a field in the summary at the top.
export function showErrors(form, err) {
  clearErrors(form);
  const summary = form.querySelector('.form-error');
  let first = null;
  const loose = [];
  const list = err instanceof ApiError ? err.errors : [];
  for (const e of list) {
    const wrap = form.querySelector(`[data-field="${CSS.escape(e.field || '')}"]`);
    if (!wrap) { loose.push(e); continue; }
    const ctl = wrap.querySelector('input,select,textarea');
    wrap.querySelector('.ferr').textContent = fieldErrorText(e);
    if (ctl) {
      ctl.setAttribute('aria-invalid', 'true');
      const closed = ctl.closest('details:not([open])');
      if (closed) closed.open = true;
      first = first || ctl;
    }
  }
  if (summary) {
    const parts = [problemText(err)];
    for (const e of loose) parts.push(`${e.field}: ${fieldErrorText(e)}`);
    summary.textContent = parts.join(' — ');
    summary.hidden = false;
  }
  if (first) first.focus();
  else if (summary) summary.focus();
}

function draftKey(key) { return `sijill.draft.${key}`; }

// keepDraft(form, key): restore the form from its draft, then save every
// change. clearDraft(key) after a successful submit.
export function keepDraft(form, key) {
  let saved = null;
  try { saved = JSON.parse(sessionStorage.getItem(draftKey(key)) || 'null'); } catch (e) { saved = null; }
  if (saved) {
    for (const el of form.elements) {
      if (!el.name || !(el.name in saved) || el.type === 'password') continue;
      if (el.type === 'checkbox') el.checked = !!saved[el.name];
      else el.value = saved[el.name];
    }
    form.classList.add('restored');
  }
  const save = () => {
    const d = {};
    for (const el of form.elements) {
      if (!el.name || el.type === 'password') continue;
      d[el.name] = el.type === 'checkbox' ? el.checked : el.value;
    }
    try { sessionStorage.setItem(draftKey(key), JSON.stringify(d)); } catch (e) { /* full */ }
  };
  form.addEventListener('input', save);
  form.addEventListener('change', save);
  return !!saved;
}

export function clearDraft(key) { try { sessionStorage.removeItem(draftKey(key)); } catch (e) { /* */ } }
export function clearAllDrafts() {
  try {
    for (const k of Object.keys(sessionStorage)) if (k.startsWith('sijill.draft.')) sessionStorage.removeItem(k);
  } catch (e) { /* */ }
}

// form(opts, ...fields): a <form> with an error summary, the fields in a grid
// and a submit button. opts.check(values) may return client-side field
// errors [{field, code}] (schema.js: limits and patterns), shown like the
// server's before anything is sent. opts.onSubmit(values, form) may be async; while it
// runs the form is busy and shows progress; an ApiError is shown in place.
export function form(opts, ...kids) {
  const btn = h('button', { type: 'submit', class: 'primary', text: t(opts.submit || 'act.save') });
  const progress = h('span', { class: 'busy', hidden: true, role: 'status' },
    h('progress', { 'aria-label': t('msg.working') }), ' ', t('msg.working'));
  const f = h('form', { class: `form ${opts.class || ''}`, novalidate: true, 'aria-label': opts.label ? t(opts.label) : null },
    h('p', { class: 'form-error', role: 'alert', tabindex: '-1', hidden: true }),
    h('div', { class: 'grid' }, kids),
    h('div', { class: 'actions' }, btn, opts.extra || null, progress));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (f.getAttribute('aria-busy') === 'true') return;
    clearErrors(f);
    const missing = $$('[required]', f).filter((el) => (el.type === 'checkbox' ? !el.checked : !el.value.trim()));
    const bad = missing.map((el) => ({ field: el.name, code: 'required' }));
    if (opts.check) for (const e of opts.check(values(f))) if (!bad.some((b) => b.field === e.field)) bad.push(e);
    if (bad.length) {
      showErrors(f, new ApiError(400, { code: 'validation', errors: bad }));
      return;
    }
    f.setAttribute('aria-busy', 'true');
    btn.disabled = true;
    progress.hidden = false;
    try {
      await opts.onSubmit(values(f), f);
      if (opts.draft) clearDraft(opts.draft);
    } catch (e) {
      if (!(e instanceof ApiError)) console.error(e);
      showErrors(f, e instanceof ApiError ? e : new ApiError(0, { code: 'generic' }));
    } finally {
      f.removeAttribute('aria-busy');
      btn.disabled = false;
      progress.hidden = true;
    }
  });
  if (opts.draft) keepDraft(f, opts.draft);
  return f;
}
