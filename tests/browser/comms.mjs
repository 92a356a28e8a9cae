// comms.mjs — browser tests of security communication (issue 15), run by
// run.mjs with its helpers: the register (a communiqué with a CIN drafted,
// reviewed, approved with the match confirmed, published and sealed), the
// crisis board (live: a new claim shows without a reload), the bilan with its
// charts, on screen and as printed, each in Arabic and in French, with no
// Latin words left on the Arabic screens.
const PW = 'demo-password';

// A client of the API with a bearer token (fixtures only; the UI is driven in the browser).
async function client(base, badge) {
  const r = await fetch(`${base}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ badge, password: PW }),
  });
  const { token } = await r.json();
  return async (method, path, body) => {
    const res = await fetch(`${base}${path}`, {
      method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const data = text ? JSON.parse(text) : null;
    if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${text.slice(0, 300)}`);
    return data;
  };
}

export default async function comms({ test, newPage, loggedIn, setLangUI, shot, shotBoth, expect, base, englishOnScreen }) {
  const year = new Date().getFullYear();
  const state = {};

  await test('comms: fixture through the API (crisis, claims, truth statement, register, engagement)', async () => {
    const comm = await client(base, 'demo-comm');
    const head = await client(base, 'demo-comm-head');
    const dgsn = await client(base, 'demo-comm-dgsn');
    const crisis = await dgsn('POST', '/api/v1/comms/crises', {
      code: `SEISME-${year}`, name_fr: 'Séisme d’Al Haouz', name_ar: 'زلزال الحوز', started_on: `${year}-01-02`,
    });
    state.crisis = crisis.id;
    const claims = [];
    const texts = [
      ['Une vidéo montre des policiers quittant un village sinistré.', 'https://www.facebook.com/watch/?v=7001', 54000],
      ['Des pillages auraient lieu à Marrakech.', 'https://x.com/someone/status/7002', 21000],
      ['Les routes vers Amizmiz seraient fermées par la police.', 'https://www.tiktok.com/@a/video/7003', 9000],
    ];
    for (const [content, url, reach] of texts) {
      claims.push(await comm('POST', '/api/v1/comms/claims', { content, url, platform: 'facebook', reach, crisis_id: crisis.id }));
    }
    await comm('POST', '/api/v1/comms/claims', { content: 'La même vidéo, reprise.', url: 'https://m.facebook.com/watch?v=7001&fbclid=1', platform: 'facebook', reach: 800, crisis_id: crisis.id });
    for (const [i, c] of claims.entries()) {
      await comm('POST', `/api/v1/comms/claims/${c.id}/status`, { status: 'verifying' });
      if (i < 2) await comm('POST', `/api/v1/comms/claims/${c.id}/status`, { status: i ? 'misleading' : 'false', evidence: 'Vidéo de 2019, tournée ailleurs (recherche inversée).' });
    }
    const ts = await comm('POST', '/api/v1/comms/activities', {
      kind: 'truth_statement', claim_id: claims[0].id, date: `${year}-01-03`, title_fr: 'Démenti : une vidéo ancienne',
      title_ar: 'بيان حقيقة: فيديو قديم', text_fr: 'La vidéo qui circule date de 2019 et a été tournée hors du Maroc.',
      text_ar: 'الفيديو المتداول يعود إلى سنة 2019 وصور خارج المغرب.', channels: ['facebook', 'website'],
    });
    await head('POST', `/api/v1/comms/activities/${ts.id}/review`);
    await head('POST', `/api/v1/comms/activities/${ts.id}/approve`, {});
    await head('POST', `/api/v1/comms/activities/${ts.id}/publish`);
    // the year's register (before sijill), spread over the months
    const kinds = [['communique', 40], ['press_item', 35], ['filmed_report', 60], ['awareness', 12], ['interview', 8], ['event_coverage', 6], ['open_days', 3]];
    const partners = ['2M', 'Al Aoula', 'Medi1 TV', 'France 24'];
    const rows = [];
    let n = 0;
    for (const [kind, k] of kinds) {
      for (let i = 0; i < k; i++, n++) {
        const row = { ref: `WEB-${year}-${n}`, kind, date: `${year}-${String(n % 12 + 1).padStart(2, '0')}-${String(n % 27 + 1).padStart(2, '0')}`, title_fr: `Activité ${n}`, title_ar: `نشاط ${n}` };
        if (kind === 'filmed_report') row.media_partner = partners[i % partners.length];
        rows.push(row);
      }
    }
    await dgsn('POST', '/api/v1/comms/register-import', { unit: 'PP-CASA', activities: rows });
    const list = await dgsn('GET', `/api/v1/comms/activities?kind=awareness&year=${year}&limit=1`);
    state.film = list.activities[0].id;
    await dgsn('POST', `/api/v1/comms/activities/${state.film}/engagement/import`, {
      platform: 'facebook', filename: 'insights.csv',
      csv: `Date,Views,Reactions,Shares,Comments\n${year}-01-10,120000,2100,900,300\n${year}-01-11,110000,1900,700,250\n${year}-01-12,60000,800,400,90\n`,
    });
    state.total = rows.length + 1;
    state.comm = comm;
  });

  await test('comms: the register — a draft with a CIN held until the approver confirms, then sealed (ar, fr)', async () => {
    const page = await newPage();
    await loggedIn(page, 'demo-comm');
    await page.goto(`${base}/comms?new=1`);
    await page.waitForSelector('#new-activity select[name=kind]');
    await page.selectOption('#new-activity select[name=kind]', 'communique');
    await page.fill('#new-activity input[name=date]', `${year}-02-14`);
    await page.fill('#new-activity input[name=title_fr]', 'Interpellation d’un escroc à Casablanca');
    await page.fill('#new-activity input[name=title_ar]', 'توقيف محتال بالدار البيضاء');
    await page.fill('#new-activity textarea[name=text_fr]', 'Les services de police ont interpellé le suspect, titulaire de la CIN BE 123456, recherché pour escroquerie.');
    await page.fill('#new-activity textarea[name=text_ar]', 'تمكنت مصالح الشرطة من توقيف المشتبه فيه المبحوث عنه من أجل النصب.');
    await page.check('#new-activity input[name="ch.website"]');
    await page.check('#new-activity input[name="ch.facebook"]');
    await page.click('#new-activity button[type=submit]');
    await page.waitForURL(/\/comms\/activities\/[^/]+$/);
    state.activity = page.url();
    await page.waitForSelector('.workflow');
    await shotBoth(page, 'comms-activity-draft', '.workflow');
    // the head of communication reviews, sees the CIN, confirms it, approves, publishes
    await loggedIn(page, 'demo-comm-head');
    await page.goto(state.activity);
    await page.click('.workflow button[type=submit]');
    await page.waitForSelector('ul.pii li');
    const pii = await page.textContent('ul.pii');
    expect(pii.includes('BE 123456'), `the CIN is shown to the approver: ${pii}`);
    await shotBoth(page, 'comms-activity-approve', 'ul.pii');
    // without the confirmation the server holds it
    await page.click('.workflow form:has(ul.pii) button[type=submit]');
    await page.waitForSelector('.workflow .form-error:not([hidden])');
    const held = await page.textContent('.workflow .form-error');
    expect(/confirm|أكد/.test(held), `held without confirmation: ${held}`);
    await page.check('ul.pii input[type=checkbox]');
    await page.click('.workflow form:has(ul.pii) button[type=submit]');
    await page.waitForSelector('.workflow h3 >> text=/Publier|النشر/');
    await page.click('.workflow button[type=submit]');
    await page.waitForSelector('.badge.ok >> text=/Sceau vérifié|الختم صحيح/');
    await shotBoth(page, 'comms-activity-published', '.badge.ok');
    // the bilingual print view, its seal checked as it prints
    await page.goto(`${state.activity.replace('/comms/activities/', '/api/v1/comms/activities/')}/print`);
    await page.waitForSelector('footer.seal');
    const sealText = await page.textContent('footer.seal');
    expect(sealText.includes('oui / نعم'), `seal verified on the print: ${sealText.slice(0, 200)}`);
    await shot(page, 'comms-activity-print');
    await page.goto(`${base}/comms`);
    await page.waitForSelector('main table');
    await shotBoth(page, 'comms-register', 'main table');
    await page.close();
  });

  await test('comms: the crisis board refreshes by itself (ar, fr)', async () => {
    const page = await newPage();
    await loggedIn(page, 'demo-comm-head');
    await page.goto(`${base}/comms/crises/${state.crisis}`);
    await page.waitForSelector('[data-counter=reports] strong');
    const before = await page.textContent('[data-counter=reports] strong');
    await shotBoth(page, 'comms-crisis-board', '[data-counter=reports]');
    await state.comm('POST', '/api/v1/comms/claims', { content: 'Une nouvelle rumeur sur les secours.', platform: 'whatsapp', reach: 300, crisis_id: state.crisis });
    await page.waitForFunction((b) => document.querySelector('[data-counter=reports] strong').textContent !== b, before, { timeout: 25000 });
    await shot(page, 'comms-crisis-board-live');
    await page.goto(`${base}/comms/claims`);
    await page.waitForSelector('main table');
    await shotBoth(page, 'comms-claims', 'main table');
    await page.close();
  });

  await test('comms: the bilan with its charts, on screen and printed (ar, fr)', async () => {
    const page = await newPage();
    await loggedIn(page, 'demo-comm-head');
    await page.goto(`${base}/comms/bilan?year=${year}`);
    await page.waitForSelector('.kpis');
    const n = await page.textContent('[data-kpi=activities] strong');
    const digits = n.replace(/[٠-٩]/g, (d) => String('٠١٢٣٤٥٦٧٨٩'.indexOf(d))).replace(/\D/g, '');
    expect(Number(digits) === state.total + 1, `activities ${n} (${digits}), want ${state.total + 1}`);
    expect(await page.$$eval('figure.chart svg[role=img] title', (x) => x.length) >= 3, 'charts with titles');
    expect(await page.$$eval('figure.chart details.chart-data table', (x) => x.length) >= 3, 'a table behind each chart');
    const top = (await page.textContent('#bilan-top tbody tr')).replace(/[٠-٩]/g, (d) => String('٠١٢٣٤٥٦٧٨٩'.indexOf(d))).replace(/[^0-9]/g, ' ');
    expect(/290 ?000/.test(top.replace(/(\d) (?=\d{3}\b)/g, '$1')), `top item 290,000 views: ${top.slice(0, 200)}`);
    await shotBoth(page, 'comms-bilan', '.kpis');
    for (const lang of ['ar', 'fr']) {
      await setLangUI(page, lang);
      await page.reload();
      await page.waitForSelector('.kpis');
      await page.emulateMedia({ media: 'print' });
      await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
      await shot(page, 'comms-bilan-print');
      await page.emulateMedia({ media: 'screen' });
    }
    await page.close();
  });

  await test('comms: no Latin words on the Arabic communication screens', async () => {
    const page = await newPage();
    await loggedIn(page, 'demo-comm-head');
    await setLangUI(page, 'ar');
    const bad = [];
    for (const p of ['/', '/comms', '/comms/claims', '/comms/crises', `/comms/crises/${state.crisis}`, '/comms/events', `/comms/bilan?year=${year}`]) {
      await page.goto(`${base}${p}`);
      await page.waitForSelector('main h1');
      await page.waitForLoadState('networkidle');
      for (const s of await englishOnScreen(page)) bad.push(`${p}: ${s}`);
    }
    await page.goto(`${base}/`);
    await page.waitForLoadState('networkidle');
    await shotBoth(page, 'comms-home');
    expect(bad.length === 0, `Latin text in Arabic UI: ${bad.slice(0, 5).join(' | ')}`);
    await page.close();
  });
}
