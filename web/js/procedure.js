// procedure.js — the case page's part of the prosecutor's loop (issue 17):
// the avis to the prosecutor (time, means; flagged when a crime or délit has
// waited a day without one) and the prosecutor's instructions with their
// execution. Forms from their routes' schemas, offered only when the route
// table lets this role call them.
import { h, mount } from './dom.js';
import { t, fmtDateTime, problemText } from './i18n.js';
import { api } from './api.js';
import { allowed } from './caps.js';
import { form } from './forms.js';
import { schemaForm } from './schema.js';
import { table, badge } from './ui.js';

const P = {
  read: '/api/v1/cases/{id}/procedure',
  avis: '/api/v1/cases/{id}/avis',
  instructions: '/api/v1/cases/{id}/instructions',
  executions: '/api/v1/cases/{id}/instructions/executions',
};
const at = (tpl, id) => tpl.replace('{id}', encodeURIComponent(id));

// procedureSection(ctx, c, section, done): the section, filled when its read answers.
export function procedureSection(ctx, c, section, done) {
  const holder = h('div', null, h('p', { class: 'muted', text: t('msg.working') }));
  const role = ctx.user.role;
  const open = c.status === 'registered' || c.status === 'under_investigation';
  if (!allowed('GET', P.read, role)) return null;
  api('GET', at(P.read, c.id)).then((d) => {
    const kids = [];
    if (d.avis_overdue) kids.push(h('p', { class: 'notice' }, badge('proc_case.avis_overdue', 'danger')));
    kids.push(h('h3', { text: t('proc_case.avis') }), table([
      ['proc_avis.notified_at', (a) => fmtDateTime(a.notified_at)],
      ['proc_avis.means', (a) => t(`avis_means.${a.means}`)],
      ['proc_avis.recipient', (a) => h('bdi', { text: a.recipient })],
      ['proc_avis.reference', (a) => h('bdi', { dir: 'ltr', text: a.reference || '' })],
    ], d.avis, { caption: 'proc_case.avis', empty: 'msg.empty' }));
    const aUrl = at(P.avis, c.id);
    if (open && d.avis_required && allowed('POST', P.avis, role)) {
      const sf = schemaForm('POST', aUrl, ['notified_at', 'means', 'recipient', 'reference'], { recipient: { dir: 'auto' } });
      kids.push(h('details', { class: 'add' }, h('summary', { text: t('proc.avis-add') }),
        form({ submit: 'proc.avis-add', check: sf.check, onSubmit: async (v) => { await api('POST', aUrl, sf.body(v)); done('msg.saved'); } }, sf.fields)));
    }
    kids.push(h('h3', { text: t('proc_case.instructions') }), table([
      ['proc_instruction.given_at', (x) => fmtDateTime(x.given_at)],
      ['proc_instruction.given_by', (x) => h('bdi', { text: x.given_by })],
      ['proc_instruction.kind', (x) => t(`instruction_kind.${x.kind}`)],
      ['proc_instruction.text', (x) => h('bdi', { text: x.text })],
      ['proc_instruction.status', (x) => (x.status === 'executed'
        ? [badge('instruction_status.executed', 'ok'), ' ', fmtDateTime(x.executed_at), ' — ', h('bdi', { text: x.execution_note || '' })]
        : badge('instruction_status.given', 'warn'))],
    ], d.instructions, { caption: 'proc_case.instructions', empty: 'msg.empty' }));
    const iUrl = at(P.instructions, c.id);
    if (open && allowed('POST', P.instructions, role)) {
      const sf = schemaForm('POST', iUrl, ['given_at', 'given_by', 'kind', 'text'], { given_by: { dir: 'auto' }, text: { dir: 'auto', wide: true } });
      kids.push(h('details', { class: 'add' }, h('summary', { text: t('proc.instruction-add') }),
        form({ submit: 'proc.instruction-add', check: sf.check, onSubmit: async (v) => { await api('POST', iUrl, sf.body(v)); done('msg.saved'); } }, sf.fields)));
    }
    const pending = d.instructions.filter((x) => x.status === 'given');
    const xUrl = at(P.executions, c.id);
    if (open && pending.length && allowed('POST', P.executions, role)) {
      const sf = schemaForm('POST', xUrl, ['instruction_id', 'executed_at', 'note'], {
        instruction_id: { type: 'select', options: [['', 'msg.choose'], ...pending.map((x) => [x.id, `${t(`instruction_kind.${x.kind}`)} — ${fmtDateTime(x.given_at)}`, true])] },
        note: { dir: 'auto', wide: true },
      });
      kids.push(h('details', { class: 'add' }, h('summary', { text: t('proc.instruction-execute') }),
        form({ submit: 'proc.instruction-execute', check: sf.check, onSubmit: async (v) => { await api('POST', xUrl, sf.body(v)); done('msg.saved'); } }, sf.fields)));
    }
    mount(holder, kids);
  }).catch((e) => mount(holder, h('p', { class: 'notice', text: problemText(e) })));
  return section('case-procedure', 'proc.title-case', holder);
}
