/* seeker.js: the job seeker's page (/): skills three ways, a town, the jobs that fit and the
 * training path to one; the profile kept only if the person asks. */
'use strict';
document.addEventListener('DOMContentLoaded', () => {
  const { t, el, $, put, say, api, combobox, fieldError, clearErrors, showProblem, plain, euros, date } = SM;
  const skills = new Map(); /* uri → {uri, label, evidence, from} */
  const experience = [];    /* [{appellation|occupation|rome, years}] */
  let place = null;         /* {insee, name} */
  let saved = null;         /* {id} once kept with the cookie */

  /* ---- the person's skills ---- */
  function renderMine() {
    const list = $('#mine');
    put(list, ...[...skills.values()].map((s) => el('li', {},
      plain(s.label), ' ',
      el('button', { type: 'button', class: 'link', 'aria-label': t('Retirer ' + s.label, 'Remove ' + s.label),
        onclick: () => { skills.delete(s.uri); renderMine(); say(t('« ' + s.label + ' » retirée.', '"' + s.label + '" removed.')); $('#skill').focus(); } }, '✕'))));
    $('#mine-empty').hidden = skills.size > 0;
  }
  function add(s) {
    if (!skills.has(s.uri)) skills.set(s.uri, s);
    renderMine();
  }

  /* Proposals (from a job or a text) to confirm: checkboxes, then one button. */
  function proposals(box, items, why, doneText) {
    if (!items.length) {
      put(box, el('p', {}, t('Nous n\'avons pas trouvé de compétence. Ajoutez-les une par une plus bas.',
        'We found no skill. Add them one by one below.')));
      return;
    }
    const legendId = box.id + '-legend';
    const checks = items.map((it, k) => {
      const id = box.id + '-c' + k;
      return el('div', { class: 'check' },
        el('input', { type: 'checkbox', id, checked: it.checked !== false }),
        el('label', { for: id, style: null }, plain(it.label), it.why ? el('span', { class: 'why' }, ' — ', it.why) : null));
    });
    const fs = el('fieldset', { 'aria-describedby': legendId },
      el('legend', { id: legendId }, why),
      ...checks,
      el('button', { type: 'button', onclick: () => {
        let n = 0;
        items.forEach((it, k) => { if ($('#' + box.id + '-c' + k).checked) { add(it.skill); n++; } });
        put(box, el('p', {}, doneText(n)));
        say(doneText(n));
      } }, t('Ajouter les compétences cochées', 'Add the ticked skills')));
    put(box, fs);
    checks[0].querySelector('input').focus();
  }

  combobox($('#job'), async (q) => {
    const r = await api('GET', '/v1/occupations?limit=8&q=' + encodeURIComponent(q));
    return r.status === 200 ? r.data.items.map((it) => ({
      label: plain(it.label),
      sub: it.type === 'rome_title' && it.rome ? plain(it.rome.label) : null,
      value: it,
    })) : [];
  }, async (item, input) => {
    input.value = item.label;
    const it = item.value;
    const job = it.type === 'rome_title' ? { appellation: it.id.slice(4) } : { occupation: it.uri };
    job.years = Number($('#years').value);
    say(t('Recherche des compétences de ce métier…', 'Looking up the skills of this job…'), true);
    const r = await api('POST', '/v1/profiles/suggest', { experience: [job], lang: SM.lang });
    if (r.status !== 200) { showProblem(r.data, { experience: input }); return; }
    experience.push(job);
    say('');
    proposals($('#job-proposals'), r.data.claims.map((c) => ({
      label: c.label,
      checked: c.essential,
      why: c.essential ? t('souvent demandé dans ce métier', 'often asked in this job') : t('parfois demandé', 'sometimes asked'),
      skill: { uri: c.uri, label: c.label, evidence: 'from_experience', from: c.source && c.source.job ? c.source.job.id : undefined },
    })), t('Ce que ce métier vous a sans doute appris : gardez ce qui est vrai', 'What this job probably taught you: keep what is true'),
      (n) => t(n + ' compétence(s) ajoutée(s) depuis ce métier.', n + ' skill(s) added from this job.'));
  });

  $('#story-go').addEventListener('click', async () => {
    clearErrors($('#story').parentElement);
    const text = $('#story').value.trim();
    if (!text) { fieldError($('#story'), t('Écrivez quelques phrases d\'abord.', 'Write a few sentences first.')); $('#story').focus(); return; }
    say(t('Lecture de votre texte…', 'Reading your text…'), true);
    const r = await api('POST', '/v1/extract', { text, lang: SM.lang });
    if (r.status !== 200) { showProblem(r.data, { text: $('#story') }); return; }
    say('');
    proposals($('#story-proposals'), r.data.skills.map((s) => ({
      label: s.label,
      why: t('trouvé dans « ' + s.matched + ' »', 'found in "' + s.matched + '"'),
      skill: { uri: s.uri, label: s.label, evidence: 'declared' },
    })), t('Ce que nous avons compris de votre texte : gardez ce qui est vrai', 'What we understood from your text: keep what is true'),
      (n) => t(n + ' compétence(s) ajoutée(s) depuis votre texte.', n + ' skill(s) added from your text.'));
  });

  combobox($('#skill'), async (q) => {
    const r = await api('GET', '/v1/skills?limit=8&q=' + encodeURIComponent(q));
    return r.status === 200 ? r.data.items.map((it) => ({ label: plain(it.label), value: it })) : [];
  }, (item, input) => {
    add({ uri: item.value.uri, label: item.value.label, evidence: 'declared' });
    input.value = '';
    say(t('« ' + item.label + ' » ajoutée.', '"' + item.label + '" added.'));
  });

  /* ---- the place ---- */
  combobox($('#town'), async (q) => {
    const r = await api('GET', '/v1/places?limit=8&q=' + encodeURIComponent(q));
    return r.status === 200 ? r.data.items.map((p) => ({ label: p.name, sub: (p.postcodes || []).join(', ') + ' (' + p.departement + ')', value: p })) : [];
  }, (item, input) => {
    place = { insee: item.value.insee, name: item.value.name };
    input.value = item.value.name;
    $('#town-chosen').textContent = t('Ville choisie : ', 'Town chosen: ') + item.value.name + ' (' + item.value.departement + ')';
  });

  function profile() {
    const p = { skills: [...skills.values()].map((s) => ({ uri: s.uri, evidence: s.evidence || 'declared' })) };
    if (place) { p.location = { insee: place.insee }; p.radius_km = Number($('#radius').value); }
    return p;
  }

  /* ---- the jobs ---- */
  function reqList(items, cls) {
    return el('ul', { class: 'plain ' + cls }, ...items.map((q) => el('li', {}, plain(q.label),
      q.status === 'near' && q.via_label ? el('span', { class: 'why' }, t(' (proche de « ', ' (close to "') + plain(q.via_label) + t(' », que vous avez)', '", which you have)')) : null)));
  }
  $('#search').addEventListener('click', async () => {
    clearErrors();
    if (!skills.size) { fieldError($('#skill'), t('Ajoutez au moins une compétence.', 'Add at least one skill.')); $('#skill').focus(); say(t('Il manque vos compétences.', 'Your skills are missing.')); return; }
    if (!place && $('#town').value.trim()) { fieldError($('#town'), t('Choisissez votre ville dans la liste.', 'Pick your town from the list.')); $('#town').focus(); return; }
    say(t('Recherche des emplois…', 'Looking for jobs…'), true);
    const r = await api('POST', '/v1/match', { profile: profile(), limit: 10, lang: SM.lang });
    if (r.status !== 200) { showProblem(r.data, { 'profile.location': $('#town'), 'profile.skills': $('#skill') }); return; }
    const box = $('#results');
    const res = r.data.results || [];
    put(box, ...(res.length ? res.map((o) => el('article', { class: 'card result' },
      el('h3', {}, o.title),
      el('p', {}, el('span', { class: 'fit-' + o.fit }, { good: t('Vous correspondez bien', 'A good fit'), partial: t('Vous correspondez en partie', 'A partial fit'), weak: t('Il vous manque encore beaucoup', 'Much is still missing') }[o.fit] || '')),
      el('p', {}, o.justification),
      o.matched && o.matched.length ? [el('h4', {}, t('Ce que vous avez', 'What you have')), reqList(o.matched, 'have')] : null,
      o.missing && o.missing.length ? [el('h4', {}, t('Ce qui vous manque', 'What you lack')), reqList(o.missing, 'lack'),
        el('button', { type: 'button', class: 'secondary', onclick: () => showPath(o) }, t('Comment y arriver ?', 'How to get there?'))] : null,
    )) : [el('p', {}, t('Aucun emploi trouvé. Essayez une plus grande distance ou ajoutez des compétences.', 'No job found. Try a larger distance or add skills.'))]));
    $('#results-section').hidden = false;
    say(t(res.length + ' emploi(s) trouvé(s).', res.length + ' job(s) found.'));
    $('#results-title').focus();
  });

  /* ---- the path to one job ---- */
  async function showPath(o) {
    say(t('Recherche d\'un parcours de formation…', 'Looking for a training path…'), true);
    const r = await api('POST', '/v1/paths', { profile: profile(), target: { offer_id: o.offer_id }, lang: SM.lang });
    if (r.status !== 200) { showProblem(r.data, {}); return; }
    const box = $('#path');
    const p = (r.data.paths || [])[0];
    if (!p) {
      put(box, el('h3', {}, o.title), el('p', {}, (r.data.no_path && r.data.no_path.explanation) || t('Aucun parcours trouvé.', 'No path found.')));
    } else {
      put(box, 
        el('h3', {}, t('Pour : ', 'For: ') + o.title),
        el('ol', { class: 'steps' }, ...p.steps.map((s) => el('li', {},
          el('strong', {}, s.title), el('p', {}, s.explanation),
          el('ul', { class: 'plain' },
            el('li', {}, t('Durée : ', 'Length: ') + s.hours + ' h'),
            el('li', {}, t('Reste à payer : ', 'You pay: ') + euros(s.cost) + (s.funded_by && s.funded_by.length ? t(' (financée par ', ' (funded by ') + s.funded_by.join(', ') + ')' : '')),
            s.fundable_by && s.fundable_by.length && s.cost > 0 ? el('li', {}, t('Peut être financée par : ', 'Can be funded by: ') + s.fundable_by.join(', ')) : null,
            s.start ? el('li', {}, t('Dates : du ', 'Dates: from ') + date(s.start) + t(' au ', ' to ') + date(s.finish)) : null)))),
        p.remaining_gap && p.remaining_gap.length ? el('p', {}, t('Il restera à apprendre : ', 'Still to learn after: ') + p.remaining_gap.map((g) => plain(g.label)).join(', ')) : null,
        p.unlocks ? el('p', {}, t('Après ce parcours, vous correspondrez à ', 'After this path you will match ') + p.unlocks.offers_after + t(' offre(s) proche(s) (contre ', ' nearby offer(s) (against ') + p.unlocks.offers_before + t(' aujourd\'hui).', ' today).')) : null);
    }
    $('#path-section').hidden = false;
    say('');
    $('#path-title').focus();
  }
  $('#print').addEventListener('click', () => {
    document.body.classList.add('printing');
    window.print();
    setTimeout(() => document.body.classList.remove('printing'), 500);
  });

  /* ---- keeping the profile ---- */
  let consentTexts = [];
  async function loadConsents() {
    const r = await api('GET', '/v1/consent');
    if (r.status !== 200) return;
    consentTexts = r.data.purposes;
    put($('#consents'), el('p', {}, t('Vos accords (facultatifs, vous pouvez les retirer à tout moment) :', 'Your consents (optional, you can withdraw them at any time):')),
      ...consentTexts.map((c) => el('div', { class: 'check' },
        el('input', { type: 'checkbox', id: 'consent-' + c.purpose }),
        el('label', { for: 'consent-' + c.purpose }, c.text))));
  }
  function showSaved(text) {
    $('#keep-new').hidden = true;
    $('#keep-saved').hidden = false;
    $('#saved-text').textContent = text;
  }
  async function loadSaved(id) {
    const r = await api('GET', '/v1/profiles/' + id);
    if (r.status !== 200) return false;
    saved = { id, version: r.data.version };
    (r.data.skills || []).forEach((s) => add({ uri: s.uri, label: s.label, evidence: s.evidence, from: s.from }));
    if (r.data.location && r.data.location.insee) {
      place = { insee: r.data.location.insee, name: r.data.location.name };
      $('#town').value = r.data.location.name || '';
    }
    showSaved(t('Votre profil est enregistré sur cet ordinateur.', 'Your profile is kept on this computer.'));
    const consent = r.data.consent || {};
    put($('#my-consents'), ...consentTexts.map((c) => {
      const given = consent[c.purpose] && consent[c.purpose].given;
      return el('div', { class: 'check' },
        el('input', { type: 'checkbox', id: 'my-consent-' + c.purpose, checked: !!given, onchange: async (ev) => {
          const body = { consent: {} };
          body.consent[c.purpose] = ev.target.checked;
          const p = await api('PATCH', '/v1/profiles/' + id, body, { 'Content-Type': 'application/merge-patch+json' });
          say(p.status === 200 ? (ev.target.checked ? t('Accord donné.', 'Consent given.') : t('Accord retiré.', 'Consent withdrawn.')) : t('Le changement n\'a pas été enregistré.', 'The change was not saved.'));
        } }),
        el('label', { for: 'my-consent-' + c.purpose }, c.text));
    }));
    return true;
  }
  $('#save').addEventListener('click', async () => {
    clearErrors();
    if (!skills.size) { fieldError($('#skill'), t('Ajoutez au moins une compétence.', 'Add at least one skill.')); $('#skill').focus(); return; }
    const body = profile();
    body.lang = SM.lang;
    if (experience.length) body.experience = experience.slice(0, 20);
    body.consent = {};
    consentTexts.forEach((c) => { body.consent[c.purpose] = $('#consent-' + c.purpose).checked; });
    const remember = $('#remember').checked;
    say(t('Enregistrement…', 'Saving…'), true);
    const r = await api('POST', '/v1/profiles', body, remember ? { 'Skillmatch-Remember': 'cookie' } : {});
    if (r.status !== 201) { showProblem(r.data, { location: $('#town'), skills: $('#skill') }); return; }
    say(t('Profil enregistré.', 'Profile saved.'));
    if (remember) await loadSaved(r.data.id);
    else showSaved(t('Votre profil est enregistré. Gardez le code ci-dessous : sans lui, vous ne pourrez pas le retrouver.', 'Your profile is saved. Keep the code below: without it you cannot find it again.'));
    $('#recovery-code').textContent = r.data.recovery_code || r.data.seeker_key || '';
    $('#recovery-box').hidden = false;
    $('#keep-title').focus();
  });
  $('#recover').addEventListener('click', async () => {
    clearErrors();
    const key = $('#recovery').value.trim();
    if (!key) { fieldError($('#recovery'), t('Tapez votre code.', 'Type your code.')); $('#recovery').focus(); return; }
    const r = await api('POST', '/v1/session', { key });
    if (r.status !== 200 || r.data.role !== 'seeker') { showProblem(r.data || {}, { key: $('#recovery') }); if (r.status === 200) fieldError($('#recovery'), t('Ce code n\'est pas celui d\'un profil.', 'This code is not a profile\'s.')); return; }
    await loadSaved(r.data.profile_id);
    say(t('Profil retrouvé.', 'Profile found.'));
  });
  $('#export').addEventListener('click', async () => {
    const r = await api('GET', '/v1/profiles/' + saved.id + '/export');
    if (r.status !== 200) { say(t('Le téléchargement a échoué.', 'The download failed.')); return; }
    const a = el('a', { href: URL.createObjectURL(new Blob([JSON.stringify(r.data, null, 2)], { type: 'application/json' })), download: 'mon-profil-skillmatch.json' });
    document.body.append(a);
    a.click();
    a.remove();
    say(t('Vos données sont téléchargées.', 'Your data is downloaded.'));
  });
  let eraseAsked = false;
  $('#erase').addEventListener('click', async () => {
    if (!eraseAsked) {
      eraseAsked = true;
      $('#erase').textContent = t('Confirmer : tout effacer', 'Confirm: erase everything');
      say(t('Appuyez encore pour confirmer. L\'effacement est définitif.', 'Press again to confirm. Erasure is final.'));
      return;
    }
    const r = await api('DELETE', '/v1/profiles/' + saved.id);
    if (r.status !== 204) { say(t('L\'effacement a échoué.', 'The erasure failed.')); return; }
    await api('DELETE', '/v1/session');
    say(t('Votre profil est effacé.', 'Your profile is erased.'));
    $('#keep-saved').hidden = true;
    $('#keep-new').hidden = false;
  });
  $('#forget').addEventListener('click', async () => {
    await api('DELETE', '/v1/session');
    say(t('Cet ordinateur vous a oublié. Votre profil reste enregistré : votre code le retrouve.', 'This computer forgot you. Your profile stays saved: your code finds it.'));
    $('#keep-saved').hidden = true;
    $('#keep-new').hidden = false;
  });

  (async () => {
    renderMine();
    const [, s] = await Promise.all([loadConsents(), api('GET', '/v1/session')]);
    if (s.status === 200 && s.data.remembered && s.data.role === 'seeker') await loadSaved(s.data.profile_id);
  })();
});
