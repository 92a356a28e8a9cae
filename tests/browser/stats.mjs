// stats.mjs — statistics in the browser (issue 16), run by run.mjs: the
// chief's statistics page in Arabic and French (both charts drawn, every
// number a link whose list holds exactly that many records), the quality
// to-do list, and the printed annual report in both languages, printed to
// PDF by Chromium and rendered to PNG (pdftoppm) by run.mjs's pdf() in
// tests/artifacts/print/ to be looked at.

export async function statsTests(h) {
  const { test, newPage, loggedIn, setLangUI, expect } = h;
  const year = new Date().getFullYear();
  const q = `period=year&date=${year}-06-01`;

  await test('stats: the chief\'s page in Arabic and French, charts present, every number a working link', async () => {
    const page = await newPage();
    // a few cases of the chief's unit this year, written through the API
    const s = await page.request.post(`${h.base()}/api/v1/session`, { data: { badge: 'demo-officer', password: 'demo-password' } });
    const token = (await s.json()).token;
    const ids = [];
    for (const [code, frame] of [['CP-505', 'flagrant'], ['CP-400', 'preliminary'], ['CP-402', 'preliminary'], ['CP-505', 'preliminary']]) {
      const r = await page.request.post(`${h.base()}/api/v1/cases`, {
        headers: { authorization: `Bearer ${token}` },
        data: { frame, offences: [{ code }], summary: 'Affaire du test des statistiques', opj: 'demo-opj' },
      });
      expect(r.status() === 201, `case ${code}: ${r.status()}`);
      ids.push((await r.json()).id);
    }
    // seizures of three kinds on the first case (drugs by substance and weight),
    // each recorded by the case's seizure PV (a seizure needs its PV, issue 17)
    const pvr = await page.request.post(`${h.base()}/api/v1/cases/${ids[0]}/pvs`, {
      headers: { authorization: `Bearer ${token}` },
      data: { type: 'seizure', place: 'Commissariat Oulfa', statements: 'Nous avons procédé à la saisie des objets ci-après.', read_back: true, signature: 'signed' },
    });
    expect(pvr.status() === 201, `seizure PV: ${pvr.status()} ${await pvr.text()}`);
    const pvId = (await pvr.json()).id;
    for (const [i, z] of [{ category: 'drugs', substance: 'cannabis', weight_mg: 1250000 }, { category: 'drugs', substance: 'cannabis', weight_mg: 500000 },
      { category: 'weapon' }, { category: 'phone' }].entries()) {
      const r = await page.request.post(`${h.base()}/api/v1/cases/${ids[0]}/seizures`, {
        headers: { authorization: `Bearer ${token}` },
        data: { seal_no: `ST-${Date.now()}-${i}`, description: 'Scellé du test des statistiques', quantity: '1', storage_place: 'Dépôt du service', holder: 'OPJ de permanence', pv_id: pvId, ...z },
      });
      expect(r.status() === 201, `seizure ${z.category}: ${r.status()} ${await r.text()}`);
    }
    await loggedIn(page, 'demo-chief');
    for (const lang of ['ar', 'fr']) {
      await setLangUI(page, lang);
      await page.goto(`${h.base()}/stats?${q}`);
      await page.waitForSelector('#chart-trend svg');
      await page.waitForSelector('#chart-category svg');
      const dir = await page.evaluate(() => document.documentElement.dir);
      expect(dir === (lang === 'ar' ? 'rtl' : 'ltr'), `${lang}: dir ${dir}`);
      if (lang === 'ar' && h.englishOnScreen) {
        const bad = await h.englishOnScreen(page);
        expect(bad.length === 0, `English on the Arabic page: ${bad.slice(0, 5).join(' | ')}`);
      }
      await h.shot(page, `stats-${lang}`);
    }
    // every number: its link lists exactly that many records
    const links = await page.$$eval('a.drill', (as) => as.map((a) => ({ href: a.getAttribute('href'), n: a.textContent.trim() })));
    expect(links.length >= 10, `only ${links.length} linked numbers`);
    const seen = new Set();
    for (const l of links) {
      if (seen.has(l.href) || l.n === '—') continue;
      seen.add(l.href);
      await page.goto(`${h.base()}${l.href}`);
      await page.waitForSelector('#records-total');
      // the number counted (victims are listed by their cases), else the records listed
      const counted = (await page.textContent((await page.$('#records-counted')) ? '#records-counted' : '#records-total')).trim();
      expect(counted === l.n, `${l.href}: the page says ${l.n}, its list holds ${counted}`);
      const total = (await page.textContent('#records-total')).trim();
      const rows = await page.$$eval('main table tbody tr', (r) => r.length);
      const want = Number(total.replace(/\D/g, '')) || 0;
      expect(rows === Math.min(want, 500), `${l.href}: ${rows} rows listed for ${total}`);
    }
    // publish the year, then read it back: identical, nothing changed since
    await page.goto(`${h.base()}/stats?${q}`);
    await page.waitForSelector('#stats-publish');
    await page.click('#stats-publish');
    await page.waitForSelector('#publication-changed');
    expect((await page.textContent('#publication-changed')).trim() === '0', 'a fresh publication has changes since');
    expect((await page.textContent('#publication-identical')).trim() === 'Oui', 'a fresh publication does not recompute identically');
    await h.shotBoth(page, 'stats-publication');
    await page.goto(`${h.base()}/stats/quality`);
    await page.waitForSelector('main h1');
    await h.shotBoth(page, 'stats-quality');
    await page.close();
  });

  await test('stats: the printed annual report in Arabic and French (PDF → PNG), charts present, inside A4', async () => {
    const page = await newPage();
    await loggedIn(page, 'demo-chief');
    for (const lang of ['ar', 'fr']) {
      await page.goto(`${h.base()}/api/v1/stats/report.html?${q}&lang=${lang}`);
      await page.waitForSelector('svg.chart.trend');
      await page.waitForSelector('svg.chart.hbars');
      await page.waitForSelector('table.seizures');
      const d = await page.evaluate(() => document.documentElement.dir);
      expect(d === (lang === 'ar' ? 'rtl' : 'ltr'), `report ${lang}: dir ${d}`);
      // printed as every document of sijill is (run.mjs's pdf: Chromium, A4,
      // then pdftoppm to tests/artifacts/print/stats-report-<lang>-N.png)
      const o = await h.printOverflow(page, 180);
      expect(o.scroll <= 1 && o.bad.length === 0, `report ${lang} wider than A4: ${o.bad.join(' | ')}`);
      const pages = await h.pdf(page, `stats-report-${lang}`);
      expect(pages >= 2, `report ${lang}: ${pages} page(s)`);
    }
    await page.close();
  });
}
