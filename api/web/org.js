/* org.js: the inclusion organisation's page (/organisation): an offer from its text or a ROME
 * job title, its skills confirmed, published; its consenting candidates and near candidates,
 * each with why. */
'use strict';
document.addEventListener('DOMContentLoaded', () => {
  const { t, el, $, put, say, api, combobox, fieldError, clearErrors, showProblem, plain } = SM;
  const skills = new Map(); /* uri → {uri, label, keep, essential} */
  let place = null, job = null;

  function renderSkills() {
    put($('#skills-rows'), ...[...skills.values()].map((s, k) => el('tr', {},
      el('th', { scope: 'row', id: 'sk-' + k }, plain(s.label)),
      el('td', {}, el('input', { type: 'checkbox', checked: s.keep, 'aria-label': t('Garder ', 'Keep ') + s.label, onchange: (e) => { s.keep = e.target.checked; } })),
      el('td', {}, el('input', { type: 'checkbox', checked: s.essential, 'aria-label': t('Indispensable : ', 'Essential: ') + s.label, onchange: (e) => { s.essential = e.target.checked; } })))));
    $('#skills-table').hidden = skills.size === 0;
    $('#skills-empty').hidden = skills.size > 0;
  }
  function add(uri, label, essential) {
    if (!skills.has(uri)) skills.set(uri, { uri, label, keep: true, essential });
  }

  combobox($('#job'), async (q) => {
    const r = await api('GET', '/v1/occupations?limit=8&q=' + encodeURIComponent(q));
    return r.status === 200 ? r.data.items.filter((it) => it.type === 'rome_title').map((it) => ({ label: plain(it.label), sub: it.rome ? it.rome.code + ' · ' + plain(it.rome.label) : null, value: it })) : [];
  }, async (item, input) => {
    input.value = item.label;
    job = item.value;
    if (!$('#title').value.trim()) $('#title').value = item.label;
    const r = await api('GET', '/v1/occupations/' + encodeURIComponent(job.id));
    if (r.status !== 200) { showProblem(r.data, {}); return; }
    r.data.skills.essential.forEach((s) => add(s.uri, s.label, true));
    r.data.skills.optional.slice(0, 8).forEach((s) => add(s.uri, s.label, false));
    renderSkills();
    say(t('Compétences du métier proposées : vérifiez-les.', 'The job\'s skills are proposed: check them.'));
  });

  $('#text-go').addEventListener('click', async () => {
    clearErrors();
    const text = $('#text').value.trim();
    if (!text) { fieldError($('#text'), t('Collez le texte de l\'offre.', 'Paste the offer\'s text.')); $('#text').focus(); return; }
    say(t('Lecture du texte…', 'Reading the text…'), true);
    const r = await api('POST', '/v1/extract', { text, lang: SM.lang });
    if (r.status !== 200) { showProblem(r.data, { text: $('#text') }); return; }
    r.data.skills.forEach((s) => add(s.uri, s.label, true));
    renderSkills();
    say(t(r.data.skills.length + ' compétence(s) trouvée(s) : vérifiez-les.', r.data.skills.length + ' skill(s) found: check them.'));
  });

  combobox($('#town'), async (q) => {
    const r = await api('GET', '/v1/places?limit=8&q=' + encodeURIComponent(q));
    return r.status === 200 ? r.data.items.map((p) => ({ label: p.name, sub: (p.postcodes || []).join(', ') + ' (' + p.departement + ')', value: p })) : [];
  }, (item, input) => { place = item.value; input.value = item.value.name; });

  async function loadMine(select) {
    const r = await api('GET', '/v1/offers?mine=true&kind=job&limit=50');
    if (r.status !== 200) return;
    put($('#mine'), ...r.data.items.map((o) => el('option', { value: o.id }, o.title)));
    if (select) $('#mine').value = select;
    $('#cand-section').hidden = r.data.items.length === 0;
  }

  $('#publish').addEventListener('click', async () => {
    clearErrors();
    const body = { kind: 'job', title: $('#title').value.trim(), lang: SM.lang };
    const text = $('#text').value.trim();
    if (text) body.description = text;
    const kept = [...skills.values()].filter((s) => s.keep).map((s) => ({ uri: s.uri, essential: s.essential }));
    if (kept.length) body.skills = kept;
    if (job) body.appellation = job.id.slice(4);
    if (place) body.location = { insee: place.insee };
    if ($('#contract').value) body.contract = { type: $('#contract').value };
    if ($('#support').checked) body.support_provided = true;
    if ($('#nodiploma').checked) body.no_diploma_required = true;
    if ($('#iae').checked) body.reserved_to_iae_eligible = true;
    say(t('Publication…', 'Publishing…'), true);
    const r = await api('POST', '/v1/offers', body);
    if (r.status !== 201) { showProblem(r.data, { title: $('#title'), location: $('#town'), skills: $('#text'), description: $('#text'), appellation: $('#job') }); return; }
    say(t('Offre publiée.', 'Offer published.') + ((r.data.warnings || []).length ? ' ' + r.data.warnings.map((w) => w.message || w).join(' ') : ''));
    await loadMine(r.data.id);
    showCandidates();
  });

  async function showCandidates() {
    const id = $('#mine').value;
    if (!id) return;
    say(t('Recherche des candidats…', 'Looking for candidates…'), true);
    const [c, n] = await Promise.all([
      api('GET', '/v1/offers/' + id + '/candidates?limit=20'),
      api('GET', '/v1/offers/' + id + '/near-candidates?limit=10'),
    ]);
    const box = $('#cands');
    const list = c.status === 200 ? c.data.results : [];
    const near = n.status === 200 ? n.data.results : [];
    put(box, 
      el('h3', {}, t('Candidats qui correspondent', 'Candidates who fit')),
      list.length ? el('ul', { class: 'plain' }, ...list.map((p) => el('li', { class: 'card' },
        el('strong', {}, p.profile_id ? t('Profil ', 'Profile ') + p.profile_id.slice(0, 8) : t('Candidat ', 'Candidate ') + p.candidate.slice(5, 11)),
        el('p', {}, p.justification)))) : el('p', {}, t('Aucun candidat pour l\'instant.', 'No candidate yet.')),
      el('h3', {}, t('Presque prêts : une formation les rendrait prêts', 'Nearly ready: one training away')),
      near.length ? el('ul', { class: 'plain' }, ...near.map((p) => el('li', { class: 'card' }, el('p', {}, p.explanation)))) : el('p', {}, t('Aucun pour l\'instant.', 'None yet.')));
    say(t(list.length + ' candidat(s), ' + near.length + ' presque prêt(s).', list.length + ' candidate(s), ' + near.length + ' nearly ready.'));
    $('#cand-title').focus();
  }
  $('#cand-go').addEventListener('click', showCandidates);

  (async () => {
    const v = await api('GET', '/v1/vocabulary');
    if (v.status === 200)
      $('#contract').append(...v.data.contract_types.map((c) => el('option', { value: c.code }, c.labels[SM.lang] || c.label)));
    SMKeys.need(['inclusion_org', 'admin'], async () => {
      $('#offer-section').hidden = false;
      await loadMine();
    });
  })();
});
