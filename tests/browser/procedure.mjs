// procedure.mjs — the custody register and the main courante in the browser
// (issue 17), run by run.mjs: the register page in Arabic and French with a
// page of a custody opened for the purpose (its periods and rights, a rest
// period added through its schema form), the register printed to A4 PDF and
// rendered to PNG (tests/artifacts/procedure/) to be looked at; the main
// courante with the custody's line written by the system and a line written
// by hand in French, then the page in Arabic with no English on screen.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

// local: ms as a datetime-local value in the browser's own time zone.
function local(page, ms) {
  return page.evaluate((t) => {
    const d = new Date(t);
    const z = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${z(d.getMonth() + 1)}-${z(d.getDate())}T${z(d.getHours())}:${z(d.getMinutes())}`;
  }, ms);
}

// api: a call from the logged-in page (its session cookie and CSRF token).
async function api(page, method, path, body) {
  return page.evaluate(async ([m, p, b]) => {
    const me = await (await fetch('/api/v1/me')).json();
    const csrf = me.csrf || '';
    const r = await fetch(p, { method: m, headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: b ? JSON.stringify(b) : undefined });
    return { status: r.status, json: await r.json().catch(() => null) };
  }, [method, path, body]);
}

export default async function procedureTests(h) {
  const { test, newPage, loggedIn, setLangUI, expect } = h;

  await test('procedure: the custody register (Arabic and French), a rest period added, the register printed', async () => {
    const page = await newPage();
    await loggedIn(page, 'demo-opj');
    await setLangUI(page, 'fr');
    // a suspect held since an hour ago, in a case of my unit
    const c = await api(page, 'POST', '/api/v1/cases', { frame: 'flagrant', offences: [{ code: 'CP-505' }], summary: 'Vol à l’arraché, place des Nations Unies', opj: 'demo-opj' });
    expect(c.status === 201, `case: ${c.status} ${JSON.stringify(c.json)}`);
    const p = await api(page, 'POST', `/api/v1/cases/${c.json.id}/persons`, { role: 'suspect', person: { cin: 'BK771203', last_name_lat: 'Tazi', first_name_lat: 'Hamza', last_name_ar: 'التازي', first_name_ar: 'حمزة', birth_date: '1994-05-06', sex: 'M' } });
    expect(p.status === 201, `person: ${p.status} ${JSON.stringify(p.json)}`);
    const start = Date.now() - 3600 * 1000;
    const k = await api(page, 'POST', `/api/v1/cases/${c.json.id}/custody`, { person_id: p.json.id, regime: 'ordinary', ground: 'art 66-1 : conservation des preuves', ground_code: 'PRESERVE_EVIDENCE', condition_on_entry: 'Bon état apparent, aucune blessure visible', started_at: start });
    expect(k.status === 201, `custody: ${k.status} ${JSON.stringify(k.json)}`);
    const r = await api(page, 'POST', `/api/v1/custody/${k.json.id}/rights`, { right_kind: 'silence', notified_at: start + 60000, language: 'ar', signed_by_person: true });
    expect(r.status === 201, `right: ${r.status} ${JSON.stringify(r.json)}`);
    // the case page: the avis to the prosecutor through its schema form
    await page.goto(`${h.base()}/cases/${c.json.id}`);
    await page.waitForSelector('#case-procedure details.add summary', { timeout: 8000 })
      .catch(async (e) => { await h.shot(page, 'procedure-case-debug'); throw new Error(`${e.message}: ${(await page.textContent('main')).slice(0, 1500)}`); });
    await page.click('#case-procedure details.add summary');
    const av = page.locator('#case-procedure details.add').first();
    await av.locator('input[name="notified_at"]').fill(await local(page, start + 5 * 60000));
    await av.locator('select[name="means"]').selectOption('phone');
    await av.locator('input[name="recipient"], textarea[name="recipient"]').fill('M. le Substitut du Procureur du Roi');
    await av.locator('button[type=submit]').click();
    await page.waitForFunction(() => document.querySelector('#case-procedure table')?.textContent.includes('Téléphone'), null, { timeout: 8000 })
      .catch(async (e) => { throw new Error(`${e.message}: ${await page.textContent('#case-procedure')}`); });
    await h.shot(page, 'procedure-case-avis');
    await page.goto(`${h.base()}/register`);
    await page.waitForSelector('main .table-wrap');
    const row = page.locator('main tr', { hasText: 'Tazi' });
    await row.locator('button').click();
    await page.waitForSelector('.register-entry');
    await page.click('.register-entry details.add summary');
    const form = page.locator('.register-entry details.add').first();
    await form.locator('select[name="kind"]').selectOption('rest');
    await form.locator('input[name="started_at"]').fill(await local(page, start + 10 * 60000));
    await form.locator('input[name="ended_at"]').fill(await local(page, start + 40 * 60000));
    await form.locator('button[type=submit]').click();
    await page.waitForFunction(() => document.querySelectorAll('.register-entry table')[0]?.textContent.includes('Repos'), null, { timeout: 8000 })
      .catch(async (e) => { throw new Error(`${e.message}: ${await page.textContent('main')}`); });
    const txt = await page.textContent('.register-entry');
    expect(txt.includes('Repos') && txt.includes('Droit de garder le silence'), 'the page shows the rest period and the right notified');
    await h.shot(page, 'procedure-register-entry');
    await h.shotBoth(page, 'procedure-register', 'main .table-wrap');
    await setLangUI(page, 'ar');
    await page.reload();
    await page.waitForSelector('main .table-wrap');
    const en = await h.englishOnScreen(page);
    expect(en.length === 0, `English on the Arabic register page: ${en.join(' | ')}`);
    expect(await page.evaluate(() => document.documentElement.dir) === 'rtl', 'the Arabic page is right to left');
    // printed: A4 PDF → PNG
    const dir = join(h.root, 'tests', 'artifacts', 'procedure');
    mkdirSync(dir, { recursive: true });
    const href = await page.getAttribute('a.print-link', 'href');
    await page.goto(`${h.base()}${href}`);
    await page.waitForSelector('.register-page');
    const body = await page.textContent('body');
    expect(body.includes('Registre de la garde à vue') && body.includes('سجل الحراسة النظرية'), 'the title in both languages');
    expect(body.includes('التازي') && body.includes('Tazi'), 'the person in both scripts');
    expect(!/session_kind\.|right_kind\.|procreg\./.test(body), 'no raw keys in the printed register');
    const pdf = join(dir, 'register.pdf');
    await page.emulateMedia({ media: 'print' });
    await page.pdf({ path: pdf, format: 'A4', printBackground: true });
    const ppm = spawnSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', pdf, join(dir, 'register')], { encoding: 'utf8' });
    expect(ppm.status === 0, `pdftoppm failed: ${ppm.stderr}`);
    expect(body.includes('Bon état apparent, aucune blessure visible'), 'the condition on entry is printed');
    await api(page, 'POST', `/api/v1/custody/${k.json.id}/close`, { end: 'released', condition_on_exit: 'Même état qu’à l’entrée' });
    await page.close();
  });

  await test('procedure: the minors — an OPJ designated for minors (admin page), a minor retained from the case page (agreement, place), heard with the guardian present; Arabic and French', async () => {
    const page = await newPage();
    await loggedIn(page, 'demo-admin');
    for (const lang of ['fr', 'ar']) {
      await setLangUI(page, lang);
      await page.goto(`${h.base()}/admin`);
      await page.waitForSelector('main table');
      await h.shot(page, `procedure-admin-minors-${lang}`);
    }
    await setLangUI(page, 'fr');
    await page.goto(`${h.base()}/admin`);
    await page.waitForSelector('main table');
    const row = page.locator('main tr', { hasText: 'demo-opj' });
    await row.locator('button', { hasText: 'OPJ chargé des mineurs' }).click();
    await page.waitForSelector('dialog[open] input[name=since]');
    await page.fill('dialog[open] input[name=since]', '2026-01-05');
    await page.fill('dialog[open] [name=decision_ref]', 'DGSN/PJ/2026/12');
    await h.shot(page, 'procedure-admin-minors-dialog', { axe: false });
    await page.click('dialog[open] button[type=submit]');
    await page.waitForFunction(() => !document.querySelector('dialog[open]'), null, { timeout: 8000 })
      .catch(async (e) => { throw new Error(`${e.message}: ${await page.textContent('dialog[open]')}`); });
    await page.close();

    const opj = await newPage();
    await loggedIn(opj, 'demo-opj');
    await setLangUI(opj, 'fr');
    const c = await api(opj, 'POST', '/api/v1/cases', { frame: 'flagrant', offences: [{ code: 'CP-505' }], summary: 'Vol à l’arraché par un mineur', opj: 'demo-opj' });
    expect(c.status === 201, `case: ${c.status}`);
    const p = await api(opj, 'POST', `/api/v1/cases/${c.json.id}/persons`, { role: 'suspect', person: { cin: 'BK771299', last_name_lat: 'Alaoui', first_name_lat: 'Amine', last_name_ar: 'العلوي', first_name_ar: 'أمين', birth_date: '2011-05-10', sex: 'M' } });
    expect(p.status === 201, `person: ${p.status}`);
    await opj.goto(`${h.base()}/cases/${c.json.id}`);
    await opj.waitForSelector('#s-custody details.add summary');
    await opj.click('#s-custody details.add summary');
    const f = opj.locator('#s-custody details.add form');
    await f.locator('select[name=person_id]').selectOption({ index: 1 });
    await f.locator('select[name=regime]').selectOption('minor');
    await opj.waitForSelector('#s-custody select[name=ground_code] option[value=PREVENT_FLIGHT]', { state: 'attached' });
    await f.locator('select[name=ground_code]').selectOption('PREVENT_FLIGHT');
    await f.locator('[name=ground]').fill('Risque de fuite : sans domicile connu');
    await f.locator('[name=started_at]').fill(await local(opj, Date.now() - 20 * 60000));
    await f.locator('[name=place]').fill('Brigade des mineurs, salle réservée');
    await f.locator('[name=condition_on_entry]').fill('Bon état apparent ; égratignure au bras gauche');
    await f.locator('[name=prosecutor_agreement_ref]').fill('PR/2026/MIN/17');
    await f.locator('[name=prosecutor_agreement_at]').fill(await local(opj, Date.now() - 5 * 60000));
    await f.locator('[name=place_for_minors]').check();
    await h.shot(opj, 'procedure-minor-custody-form', { axe: false });
    await f.locator('button[type=submit]').click();
    await opj.waitForSelector('#s-custody .clock', { timeout: 8000 })
      .catch(async (e) => { throw new Error(`${e.message}: ${await opj.textContent('#s-custody')}`); });
    // the register page: a questioning needs the guardian present
    await opj.goto(`${h.base()}/register`);
    await opj.waitForSelector('main .table-wrap');
    await opj.locator('main tr', { hasText: 'Alaoui Amine' }).locator('button').click();
    await opj.waitForSelector('.register-entry', { timeout: 8000 })
      .catch(async (e) => { throw new Error(`${e.message}: ${await opj.textContent('body')}`); });
    await opj.click('.register-entry details.add summary');
    const sf = opj.locator('.register-entry details.add').first();
    await sf.locator('select[name="kind"]').selectOption('questioning');
    await sf.locator('input[name="started_at"]').fill(await local(opj, Date.now() - 4 * 60000));
    await sf.locator('input[name="ended_at"]').fill(await local(opj, Date.now() - 2 * 60000));
    await sf.locator('[name="guardian_present"]').fill('Mohamed Alaoui (père)');
    await sf.locator('button[type=submit]').click();
    await opj.waitForFunction(() => document.querySelector('.register-entry')?.textContent.includes('Mohamed Alaoui (père)'), null, { timeout: 8000 })
      .catch(async (e) => { throw new Error(`${e.message}: ${await opj.textContent('main')}`); });
    const txt = await opj.textContent('.register-entry');
    expect(txt.includes('égratignure au bras gauche'), 'the condition on entry is on the page');
    await h.shot(opj, 'procedure-minor-register-fr');
    await setLangUI(opj, 'ar');
    await opj.goto(`${h.base()}/register`);
    await opj.waitForSelector('main .table-wrap');
    await opj.locator('main tr', { hasText: 'Alaoui Amine' }).locator('button').click();
    await opj.waitForSelector('.register-entry', { timeout: 8000 });
    await h.shot(opj, 'procedure-minor-register-ar');
    const en = await h.englishOnScreen(opj);
    expect(en.length === 0, `English on the Arabic register page: ${en.join(' | ')}`);
    // the printed register: the agreement, the place, the guardian
    const dir = join(h.root, 'tests', 'artifacts', 'procedure');
    mkdirSync(dir, { recursive: true });
    const href = await opj.getAttribute('a.print-link', 'href');
    await opj.goto(`${h.base()}${href}`);
    await opj.waitForSelector('.register-page');
    const body = await opj.textContent('body');
    expect(body.includes('PR/2026/MIN/17') && body.includes('Mohamed Alaoui (père)') && body.includes('Brigade des mineurs'), 'the minor\u2019s page prints the agreement, the place and the guardian');
    const pdf = join(dir, 'register-minor.pdf');
    await opj.emulateMedia({ media: 'print' });
    await opj.pdf({ path: pdf, format: 'A4', printBackground: true });
    const ppm = spawnSync('pdftoppm', ['-png', '-r', '80', '-singlefile', '-f', '1', '-l', '1', pdf, join(dir, 'register-minor')], { encoding: 'utf8' });
    expect(ppm.status === 0, `pdftoppm failed: ${ppm.stderr}`);
    await opj.close();
  });

  await test('procedure: a requisition to an expert — the PV editor offers its template (ar, fr), sealed and printed; the person page says when the register goes', async () => {
    const page = await newPage();
    await loggedIn(page, 'demo-opj');
    await setLangUI(page, 'fr');
    const c = await api(page, 'POST', '/api/v1/cases', { frame: 'flagrant', offences: [{ code: 'CP-505' }], summary: 'Coups et blessures, expertise médicale', opj: 'demo-opj' });
    expect(c.status === 201, `case: ${c.status}`);
    const p = await api(page, 'POST', `/api/v1/cases/${c.json.id}/persons`, { role: 'suspect', person: { cin: 'BK771377', last_name_lat: 'Berrada', first_name_lat: 'Omar', last_name_ar: 'برادة', first_name_ar: 'عمر', birth_date: '1990-02-02', sex: 'M' } });
    expect(p.status === 201, `person: ${p.status}`);
    const pv = await api(page, 'POST', `/api/v1/cases/${c.json.id}/pvs`, { type: 'expert_requisition', statements: 'Nous requérons la personne ci-dessous.', read_back: true, signature: 'signed' });
    expect(pv.status === 201, `pv: ${pv.status} ${JSON.stringify(pv.json)}`);
    await page.goto(`${h.base()}/pvs/${pv.json.id}`);
    await page.waitForSelector('[name=expert]');
    await page.fill('[name=expert]', 'Dr Amina Lahlou, médecin légiste, CHU Ibn Rochd');
    await page.fill('[name=mission]', 'Examiner la victime, décrire ses blessures et fixer la durée de l’incapacité.');
    await h.shot(page, 'procedure-pv-expert-fr', { axe: false });
    // sealing saves what is on screen, shows what the seal will fix (the template's fields too), asks
    await page.click('#pv-seal');
    await page.waitForSelector('dialog.confirm[open] .facts.template', { timeout: 8000 })
      .catch(async (e) => { throw new Error(`${e.message}: ${await page.textContent('main')}`); });
    await h.shot(page, 'procedure-pv-expert-seal', { axe: false });
    await page.click('dialog.confirm[open] [data-confirm=yes]');
    await page.waitForFunction(() => document.querySelector('main').textContent.includes('Dr Amina Lahlou') && !document.querySelector('[name=expert]'), null, { timeout: 8000 })
      .catch(async (e) => { throw new Error(`${e.message}: ${(await page.textContent('main')).slice(0, 1200)}`); });
    await setLangUI(page, 'ar');
    await page.reload();
    await page.waitForSelector('main .facts.template');
    await h.shot(page, 'procedure-pv-expert-ar');
    // printed: A4 PDF → PNG
    const dir = join(h.root, 'tests', 'artifacts', 'procedure');
    mkdirSync(dir, { recursive: true });
    for (const lang of ['fr', 'ar']) {
      await page.goto(`${h.base()}/api/v1/pvs/${pv.json.id}/print?lang=${lang}`);
      await page.waitForSelector('.statements.template');
      const body = await page.textContent('body');
      expect(body.includes('Dr Amina Lahlou'), `${lang}: the expert is printed`);
      const pdf = join(dir, `pv-expert-${lang}.pdf`);
      await page.emulateMedia({ media: 'print' });
      await page.pdf({ path: pdf, format: 'A4', printBackground: true });
      const ppm = spawnSync('pdftoppm', ['-png', '-r', '80', '-singlefile', '-f', '1', '-l', '1', pdf, join(dir, `pv-expert-${lang}`)], { encoding: 'utf8' });
      expect(ppm.status === 0, `pdftoppm failed: ${ppm.stderr}`);
      await page.emulateMedia({ media: 'screen' });
    }
    // the person page: when the custody register goes
    const start = Date.now() - 2 * 3600 * 1000;
    const k = await api(page, 'POST', `/api/v1/cases/${c.json.id}/custody`, { person_id: p.json.id, regime: 'ordinary', ground: 'art 66-1', ground_code: 'PREVENT_FLIGHT', condition_on_entry: 'Bon état apparent', started_at: start });
    expect(k.status === 201, `custody: ${k.status} ${JSON.stringify(k.json)}`);
    const e = await api(page, 'POST', `/api/v1/custody/${k.json.id}/close`, { end: 'released', condition_on_exit: 'Même état' });
    expect(e.status === 200, `close: ${e.status}`);
    await page.goto(`${h.base()}/persons/${p.json.id}`);
    await page.waitForSelector('#s-retention table');
    for (const lang of ['fr', 'ar']) {
      await setLangUI(page, lang);
      await page.reload();
      await page.waitForSelector('#s-retention table');
      const txt = await page.textContent('#s-retention');
      expect(txt.includes('RET-GAV-REG-10A'), `${lang}: the rule is named: ${txt}`);
      await h.shot(page, `procedure-person-retention-${lang}`);
      if (lang === 'ar') {
        const en = await h.englishOnScreen(page);
        expect(en.length === 0, `English on the Arabic person page: ${en.join(' | ')}`);
      }
    }
    await page.close();
  });

  await test('procedure: the main courante — the custody lines written by the system, a line by hand (French), Arabic', async () => {
    const page = await newPage();
    await loggedIn(page, 'demo-officer');
    await setLangUI(page, 'fr');
    await page.goto(`${h.base()}/courante`);
    await page.waitForSelector('main h1');
    const before = await page.textContent('main');
    expect(before.includes('Début de garde à vue'), 'the custody opened above wrote its line');
    const form = page.locator('main section.card form');
    await form.locator('input[name="at"]').fill(await local(page, Date.now() - 60000));
    await form.locator('select[name="kind"]').selectOption('call');
    await form.locator('textarea[name="text"], input[name="text"]').fill('Appel 19 : rixe signalée rue 12, patrouille envoyée');
    await form.locator('button[type=submit]').click();
    await page.waitForFunction(() => document.querySelector('main').textContent.includes('rixe signalée'), null, { timeout: 8000 })
      .catch(async (e) => { throw new Error(`${e.message}: ${await page.textContent('main')}`); });
    await h.shotBoth(page, 'procedure-courante', 'main .table-wrap');
    await setLangUI(page, 'ar');
    await page.reload();
    await page.waitForSelector('main .table-wrap');
    const txt = await page.textContent('main');
    expect(txt.includes('بداية الحراسة النظرية') && txt.includes('مكالمة'), 'the lines read in Arabic');
    const en = await h.englishOnScreen(page);
    expect(en.length === 0, `English on the Arabic main courante: ${en.join(' | ')}`);
    await page.close();
  });

  await test('procedure: a witness identity protected (loi 37-10) — the pseudonym on the case page, the reveal with a purpose', async () => {
    const page = await newPage();
    await loggedIn(page, 'demo-opj');
    await setLangUI(page, 'fr');
    const c = await api(page, 'POST', '/api/v1/cases', { frame: 'preliminary', offences: [{ code: 'CP-505' }], summary: 'Vol, un témoin menacé', opj: 'demo-opj' });
    expect(c.status === 201, `case: ${c.status} ${JSON.stringify(c.json)}`);
    const w = await api(page, 'POST', `/api/v1/cases/${c.json.id}/persons`, { role: 'witness', person: { cin: 'BK998877', last_name_lat: 'Sahraoui', first_name_lat: 'Karim', last_name_ar: 'الصحراوي', first_name_ar: 'كريم', birth_date: '1985-02-03', sex: 'M' } });
    expect(w.status === 201, `witness: ${w.status} ${JSON.stringify(w.json)}`);
    await page.goto(`${h.base()}/cases/${c.json.id}`);
    await page.waitForSelector('#s-persons table');
    const box = page.locator('#s-persons details.add', { hasText: 'Protéger' });
    await box.locator('summary').click();
    await box.locator('select[name="person_id"]').selectOption(w.json.id);
    await box.locator('textarea[name="ground"], input[name="ground"]').fill('Menaces de représailles contre le témoin');
    await box.locator('input[name="decided_at"]').fill(await local(page, Date.now() - 3600 * 1000));
    await page.waitForFunction(() => document.querySelectorAll('#s-persons select[name=authority_code] option').length > 1, null, { timeout: 8000 });
    await box.locator('select[name="authority_code"]').selectOption('TPI-CASA-PENAL');
    await box.locator('input[name="authorisation_reference"]').fill('PR-2026-901');
    await box.locator('button[type=submit]').click();
    await page.waitForFunction(() => document.querySelector('#s-persons table')?.textContent.includes('Témoin protégé n° 1'), null, { timeout: 8000 })
      .catch(async (e) => { throw new Error(`${e.message}: ${await page.textContent('#s-persons')}`); });
    const txt = await page.textContent('#s-persons table');
    expect(!txt.includes('Sahraoui') && !txt.includes('BK998877'), `the protected name is not on the case page: ${txt}`);
    await h.shotBoth(page, 'procedure-protected-witness', '#s-persons table');
    await setLangUI(page, 'ar');
    await page.reload();
    await page.waitForSelector('#s-persons table');
    expect((await page.textContent('#s-persons table')).includes('شاهد محمي رقم 1'), 'the pseudonym in Arabic');
    await setLangUI(page, 'fr');
    await page.reload();
    await page.waitForSelector('#s-persons table');
    await page.locator('#s-persons span.protected button').click();
    const dlg = page.locator('dialog[open], .dialog').last();
    await dlg.locator('textarea[name="purpose"], input[name="purpose"]').fill('Audition de confrontation demandée par le parquet');
    await dlg.locator('button[type=submit]').click();
    await page.waitForFunction(() => document.querySelector('.revealed')?.textContent.includes('Sahraoui'), null, { timeout: 8000 })
      .catch(async (e) => { throw new Error(`${e.message}: ${await page.textContent('body')}`); });
    await h.shot(page, 'procedure-protected-reveal');
    await page.close();
  });

  await test('procedure: the minors-officer designation on the users list (Arabic and French)', async () => {
    const page = await newPage();
    await loggedIn(page, 'demo-admin');
    await setLangUI(page, 'fr');
    const d = await api(page, 'POST', '/api/v1/users/demo-opj/minors-officer', { since: '2026-01-05', decision_ref: 'DGSN/MIN/2026/12' });
    expect(d.status === 201 || d.status === 409, `designation: ${d.status} ${JSON.stringify(d.json)}`);
    await page.goto(`${h.base()}/admin`);
    await page.waitForSelector('main table .minors-officer', { timeout: 8000 })
      .catch(async (e) => { throw new Error(`${e.message}: ${(await page.textContent('main')).slice(0, 800)}`); });
    const row = await page.textContent('main tr:has-text("demo-opj")');
    expect(row.includes('Oui, depuis le') && /DGSN\//.test(row), `the designation on the row: ${row}`);
    await h.shotBoth(page, 'procedure-users-minors', 'main table .minors-officer');
    await setLangUI(page, 'ar');
    await page.reload();
    await page.waitForSelector('main table .minors-officer');
    expect((await page.textContent('main tr:has-text("demo-opj")')).includes('نعم، منذ'), 'the designation in Arabic');
    await page.close();
  });

  await test('procedure: every PV type printed to A4 in Arabic and French, laid out by its template', async () => {
    const page = await newPage();
    await loggedIn(page, 'demo-opj');
    await setLangUI(page, 'fr');
    const c = await api(page, 'POST', '/api/v1/cases', { frame: 'flagrant', offences: [{ code: 'CP-505' }], summary: 'Vol, perquisition et saisie', opj: 'demo-opj' });
    expect(c.status === 201, `case: ${c.status}`);
    const p = await api(page, 'POST', `/api/v1/cases/${c.json.id}/persons`, { role: 'suspect', person: { cin: 'BK771455', last_name_lat: 'Alami', first_name_lat: 'Said', last_name_ar: 'العلمي', first_name_ar: 'سعيد', birth_date: '1988-08-08', sex: 'M' } });
    expect(p.status === 201, `person: ${p.status}`);
    const types = {
      hearing_suspect: { person_id: p.json.id },
      search: { occupant: 'Said Alami, occupant des lieux', witnesses: 'Ahmed Naciri\nKhadija Bennis', hours_exception: 'Flagrant délit, CPP 62' },
      seizure: { inventory: 'Scellé n° 1 : un téléphone Samsung noir\nScellé n° 2 : 1 500 dirhams en billets' },
      confrontation: { confronted: 'Said Alami\nYoussef Bennani' },
      expert_requisition: { expert: 'Dr Amina Lahlou, médecin légiste', mission: 'Décrire les blessures et fixer la durée de l’incapacité.' },
      synthesis: { synthesis: 'L’enquête établit le vol ; le suspect a reconnu les faits ; les objets saisis sont placés sous scellés.' },
      transmission: {},
    };
    const dir = join(h.root, 'tests', 'artifacts', 'procedure');
    mkdirSync(dir, { recursive: true });
    for (const [type, extra] of Object.entries(types)) {
      const pv = await api(page, 'POST', `/api/v1/cases/${c.json.id}/pvs`, { type, statements: 'Nous, officier de police judiciaire, avons procédé aux opérations suivantes.', read_back: true, signature: 'signed', place: 'Commissariat Oulfa', ...extra });
      expect(pv.status === 201, `${type}: ${pv.status} ${JSON.stringify(pv.json)}`);
      for (const lang of ['fr', 'ar']) {
        await page.goto(`${h.base()}/api/v1/pvs/${pv.json.id}/print?lang=${lang}`);
        await page.waitForSelector('.statements');
        const body = await page.textContent('body');
        for (const [k, v] of Object.entries(extra)) {
          if (k !== 'person_id') expect(body.includes(v.split('\n')[0]), `${type} ${lang}: ${k} is printed`);
        }
        // the type's fields that come before the account are printed before it
        const order = await page.evaluate(() => [...document.querySelectorAll('.statements')].map((d) => (d.classList.contains('template') ? 't' : 's')).join(''));
        if (type === 'search' || type === 'confrontation' || type === 'expert_requisition') expect(order.startsWith('t') && order.includes('s'), `${type}: the template first (${order})`);
        if (type === 'seizure' || type === 'synthesis') expect(order.startsWith('s'), `${type}: the account first (${order})`);
        await page.emulateMedia({ media: 'print' });
        const pdf = join(dir, `pv-${type}-${lang}.pdf`);
        await page.pdf({ path: pdf, format: 'A4', printBackground: true });
        const ppm = spawnSync('pdftoppm', ['-png', '-r', '60', pdf, join(dir, `pv-${type}-${lang}`)], { encoding: 'utf8' });
        expect(ppm.status === 0, `pdftoppm failed: ${ppm.stderr}`);
        await page.emulateMedia({ media: 'screen' });
      }
    }
    await page.close();
  });
}
