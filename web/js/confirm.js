// confirm.js — dialogs: confirmAct asks before an irreversible act, naming
// the act and its consequence, and answers true only on an explicit yes
// (Escape, the cancel button or closing the dialog answer false); dialog
// shows a form in a modal.
import { h } from './dom.js';
import { t } from './i18n.js';

let n = 0;

// dialog(titleKey, make): a modal with make(close)'s content; focus goes to
// its first control; Escape closes it.
export function dialog(titleKey, make) {
  n += 1;
  const tid = `dlg-title-${n}`;
  const dlg = h('dialog', { 'aria-labelledby': tid });
  const close = () => { if (dlg.open) dlg.close(); dlg.remove(); };
  dlg.appendChild(h('h2', { id: tid, text: t(titleKey) }));
  const body = make(close);
  for (const x of [].concat(body)) if (x) dlg.appendChild(x);
  dlg.addEventListener('close', () => dlg.remove());
  document.body.appendChild(dlg);
  dlg.showModal();
  const first = dlg.querySelector('input,select,textarea,button');
  if (first) first.focus();
  return dlg;
}

// confirmAct(titleKey, text, opts): resolves true when the user confirms.
// opts.details: nodes shown between the sentence and the buttons (what
// exactly will be sealed); opts.yes: the confirm button's key.
export function confirmAct(titleKey, text, opts) {
  const o = opts || {};
  return new Promise((resolve) => {
    let answered = false;
    const answer = (v, close) => { if (!answered) { answered = true; resolve(v); } close(); };
    const dlg = dialog(titleKey, (close) => [
      h('p', { class: 'confirm-text', text }),
      o.details || null,
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'primary', 'data-confirm': 'yes', onclick: () => answer(true, close), text: t(o.yes || 'act.confirm') }),
        h('button', { type: 'button', 'data-confirm': 'no', onclick: () => answer(false, close), text: t('act.cancel') })),
    ]);
    dlg.classList.add('confirm');
    dlg.addEventListener('close', () => { if (!answered) { answered = true; resolve(false); } });
    const no = dlg.querySelector('[data-confirm=no]');
    if (no) no.focus();
  });
}
