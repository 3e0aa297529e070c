/* provider.js: the training provider's page (/formation): demand around a town as a sorted
 * table and a bar chart, a skill's weeks as a line chart; both charts drawn here as SVG. */
'use strict';
document.addEventListener('DOMContentLoaded', () => {
  const { t, el, $, put, say, api, combobox, fieldError, clearErrors, showProblem, plain } = SM;
  let place = null;
  const NS = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs, ...kids) {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    for (const k of kids) e.append(typeof k === 'string' ? document.createTextNode(k) : k);
    return e;
  }
  /* A count as the API gives it: null (too few to show, or not counted) said in words. */
  const shown = (v) => (v === null || v === undefined ? t('moins de 5', 'under 5') : typeof v === 'object' ? JSON.stringify(v) : String(v));

  function bars(rows, title) {
    const w = 640, rowH = 26, left = 260, h = rows.length * rowH + 10;
    const max = Math.max(1, ...rows.map((r) => r.unmet_demand || 0));
    const chart = svg('svg', { class: 'chart', viewBox: `0 0 ${w} ${h}`, role: 'img', 'aria-labelledby': 'bars-title' },
      svg('title', { id: 'bars-title' }, title));
    rows.forEach((r, i) => {
      const y = 5 + i * rowH, len = Math.round(((r.unmet_demand || 0) / max) * (w - left - 60));
      const label = plain(r.label);
      chart.append(
        svg('text', { x: left - 8, y: y + 17, 'text-anchor': 'end', 'font-size': 13, fill: '#1b1b1b' }, label.length > 34 ? label.slice(0, 33) + '…' : label),
        svg('rect', { x: left, y: y + 4, width: Math.max(1, len), height: rowH - 10, fill: '#0b4f9c' }),
        svg('text', { x: left + len + 6, y: y + 17, 'font-size': 13, fill: '#1b1b1b' }, String(Math.round(r.unmet_demand || 0))));
    });
    return chart;
  }

  function line(weeks, title) {
    const w = 640, h = 220, pad = 40;
    const pts = weeks.map((wk) => (wk.offers ? (wk.offers.essential || 0) + (wk.offers.optional || 0) : 0));
    const max = Math.max(1, ...pts);
    const x = (i) => pad + (pts.length < 2 ? 0 : (i * (w - 2 * pad)) / (pts.length - 1));
    const y = (v) => h - pad - (v / max) * (h - 2 * pad);
    const chart = svg('svg', { class: 'chart', viewBox: `0 0 ${w} ${h}`, role: 'img', 'aria-labelledby': 'line-title' },
      svg('title', { id: 'line-title' }, title),
      svg('line', { x1: pad, y1: h - pad, x2: w - pad, y2: h - pad, stroke: '#4a4a4a' }),
      svg('line', { x1: pad, y1: pad, x2: pad, y2: h - pad, stroke: '#4a4a4a' }),
      svg('text', { x: pad - 6, y: pad + 4, 'text-anchor': 'end', 'font-size': 12, fill: '#1b1b1b' }, String(max)),
      svg('text', { x: pad - 6, y: h - pad, 'text-anchor': 'end', 'font-size': 12, fill: '#1b1b1b' }, '0'));
    if (pts.length)
      chart.append(svg('polyline', { points: pts.map((v, i) => x(i) + ',' + y(v)).join(' '), fill: 'none', stroke: '#0b4f9c', 'stroke-width': 3 }));
    pts.forEach((v, i) => chart.append(svg('circle', { cx: x(i), cy: y(v), r: 4, fill: '#0b4f9c' })));
    weeks.forEach((wk, i) => { if (i === 0 || i === weeks.length - 1) chart.append(svg('text', { x: x(i), y: h - pad + 18, 'text-anchor': 'middle', 'font-size': 12, fill: '#1b1b1b' }, wk.week)); });
    return chart;
  }

  async function history(skill) {
    say(t('Chargement des semaines…', 'Loading the weeks…'), true);
    const r = await api('GET', '/v1/demand/history?weeks=26&skill=' + encodeURIComponent(skill.uri));
    if (r.status !== 200) { showProblem(r.data, {}); return; }
    const weeks = (r.data.history || []).slice().reverse();
    const title = t('Offres demandant « ', 'Offers asking for "') + plain(skill.label) + t(' », semaine par semaine', '", week by week');
    put($('#history'), el('h3', { id: 'hist-title', tabindex: '-1' }, title),
      weeks.length ? line(weeks, title) : el('p', {}, t('Pas encore d\'historique pour cette compétence (une photo par semaine).', 'No history yet for this skill (one snapshot a week).')),
      weeks.length ? el('table', {}, el('caption', {}, t('Les mêmes chiffres', 'The same figures')),
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, t('Semaine', 'Week')), el('th', { scope: 'col', class: 'num' }, t('Offres', 'Offers')), el('th', { scope: 'col', class: 'num' }, t('À une compétence près', 'One skill away')))),
        el('tbody', {}, ...weeks.map((wk) => el('tr', {}, el('td', {}, wk.week), el('td', { class: 'num' }, String((wk.offers.essential || 0) + (wk.offers.optional || 0))), el('td', { class: 'num' }, shown(wk.one_skill_away)))))) : null);
    say('');
    $('#hist-title').focus();
  }

  combobox($('#town'), async (q) => {
    const r = await api('GET', '/v1/places?limit=8&q=' + encodeURIComponent(q));
    return r.status === 200 ? r.data.items.map((p) => ({ label: p.name, sub: (p.postcodes || []).join(', ') + ' (' + p.departement + ')', value: p })) : [];
  }, (item, input) => { place = item.value; input.value = item.value.name; });

  $('#demand-go').addEventListener('click', async () => {
    clearErrors();
    if (!place) { fieldError($('#town'), t('Choisissez une ville dans la liste.', 'Pick a town from the list.')); $('#town').focus(); return; }
    say(t('Calcul de la demande…', 'Computing demand…'), true);
    const r = await api('GET', '/v1/demand?top=20&insee=' + place.insee + '&radius_km=' + $('#radius').value);
    if (r.status !== 200) { showProblem(r.data, { insee: $('#town'), radius_km: $('#radius') }); return; }
    const rows = (r.data.skills || []).slice().sort((a, b) => (b.unmet_demand || 0) - (a.unmet_demand || 0));
    const title = t('Demande non satisfaite par compétence autour de ', 'Unmet demand per skill around ') + place.name;
    put($('#demand'), 
      el('h3', {}, title),
      rows.length ? bars(rows.slice(0, 12), title) : el('p', {}, t('Aucune offre dans cette zone.', 'No offer in this area.')),
      rows.length ? el('table', {},
        el('caption', {}, t('Le détail (cliquez une compétence pour ses semaines)', 'The detail (pick a skill for its weeks)')),
        el('thead', {}, el('tr', {},
          el('th', { scope: 'col' }, t('Compétence', 'Skill')),
          el('th', { scope: 'col', class: 'num' }, t('Offres qui l\'exigent', 'Offers requiring it')),
          el('th', { scope: 'col', class: 'num' }, t('Personnes qui l\'ont', 'People who have it')),
          el('th', { scope: 'col', class: 'num' }, t('À une compétence près', 'One skill away')),
          el('th', { scope: 'col', class: 'num' }, t('Demande non satisfaite', 'Unmet demand')))),
        el('tbody', {}, ...rows.map((s) => el('tr', {},
          el('th', { scope: 'row' }, el('button', { type: 'button', class: 'link', onclick: () => history(s) }, plain(s.label))),
          el('td', { class: 'num' }, String(s.offers ? s.offers.essential : 0)),
          el('td', { class: 'num' }, shown(s.profiles)),
          el('td', { class: 'num' }, shown(s.one_skill_away)),
          el('td', { class: 'num' }, String(Math.round(s.unmet_demand || 0))))))) : null,
      r.data.status && r.data.status.suppressed_below ? el('p', { class: 'hint' }, t('Les nombres de personnes sous ' + r.data.status.suppressed_below + ' ne sont pas montrés, pour que personne ne soit reconnaissable.', 'Counts of people under ' + r.data.status.suppressed_below + ' are not shown, so that nobody can be recognised.')) : null);
    say(t(rows.length + ' compétence(s).', rows.length + ' skill(s).'));
  });

  SMKeys.need(['training_provider', 'admin'], () => { $('#demand-section').hidden = false; });
});
