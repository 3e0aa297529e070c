/* app.js: what the pages share: language, the status line, calls to the API that retry on a
 * weak connection, safe element building (text only, never HTML from data), an accessible
 * autocomplete, and errors tied to their field. No framework, nothing fetched from elsewhere. */
'use strict';
const SM = (() => {
  const params = new URLSearchParams(location.search);
  const lang = params.get('lang') === 'en' ? 'en' : 'fr';
  const t = (fr, en) => (lang === 'en' ? en : fr);

  /* Elements: el('p', {class: 'x'}, 'text', child…); strings are text, never markup. */
  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const k of kids.flat()) if (k !== null && k !== undefined && k !== false)
      e.append(typeof k === 'string' || typeof k === 'number' ? document.createTextNode(String(k)) : k);
    return e;
  }
  const $ = (sel, root) => (root || document).querySelector(sel);
  /* Replaces box's content with kids, leaving out the absent ones (null, false). */
  const put = (box, ...kids) => box.replaceChildren(...kids.flat().filter((k) => k !== null && k !== undefined && k !== false));

  /* The page in the person's language; links keep it. */
  function localize() {
    document.documentElement.lang = lang;
    if (lang === 'en') {
      document.querySelectorAll('[data-en]').forEach((e) => { e.textContent = e.dataset.en; });
      document.querySelectorAll('[data-en-placeholder]').forEach((e) => { e.placeholder = e.dataset.enPlaceholder; });
      document.querySelectorAll('[data-en-title]').forEach((e) => { document.title = e.dataset.enTitle; });
      document.querySelectorAll('a[data-keep-lang]').forEach((a) => {
        a.href = a.getAttribute('href') + (a.getAttribute('href').includes('?') ? '&' : '?') + 'lang=en';
      });
    }
    const sw = $('#lang-switch');
    if (sw) {
      sw.href = lang === 'en' ? location.pathname : location.pathname + '?lang=en';
      sw.textContent = lang === 'en' ? 'Français' : 'English';
      sw.lang = lang === 'en' ? 'fr' : 'en';
    }
    document.querySelectorAll('.needs-js').forEach((e) => { e.hidden = false; });
    document.querySelectorAll('.no-js').forEach((e) => { e.hidden = true; });
  }

  /* The status line (role=status): what is happening, read out by screen readers. */
  function say(msg, busy) {
    const s = $('#status');
    if (!s) return;
    s.textContent = msg || '';
    s.classList.toggle('busy', !!busy);
  }

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  /* One call to the API: JSON in and out, the pages' cookie sent, in the page's language.
   * A failed connection, a 503 or a 429 is tried again (1, 2, 4 s), and the person is told. */
  async function api(method, path, body, headers) {
    const url = path + (path.includes('?') ? '&' : '?') + 'lang=' + lang;
    const init = { method, credentials: 'same-origin', headers: Object.assign({ Accept: 'application/json' }, headers || {}) };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let wait = 1000;
    for (let attempt = 0; ; attempt++) {
      let r = null;
      try {
        r = await fetch(url, init);
      } catch (e) {
        r = null;
      }
      if (r && r.status !== 503 && r.status !== 429) {
        let data = null;
        if (r.status !== 204) {
          try { data = await r.json(); } catch (e) { data = null; }
        }
        return { status: r.status, data };
      }
      if (attempt >= 3) {
        say(t('Le service ne répond pas. Vérifiez votre connexion puis réessayez.',
              'The service does not answer. Check your connection, then try again.'));
        return { status: 0, data: null };
      }
      const retry = r && r.headers.get('Retry-After') ? Number(r.headers.get('Retry-After')) * 1000 : wait;
      say(t('Connexion lente : nouvel essai dans ' + Math.round(retry / 1000) + ' s…',
            'Slow connection: trying again in ' + Math.round(retry / 1000) + ' s…'), true);
      await sleep(retry);
      wait *= 2;
    }
  }

  /* Errors tied to their field: aria-invalid, a message after it named by aria-describedby. */
  function clearErrors(root) {
    (root || document).querySelectorAll('[aria-invalid=true]').forEach((i) => {
      i.removeAttribute('aria-invalid');
      const msg = document.getElementById(i.id + '-error');
      if (msg) msg.remove();
      i.setAttribute('aria-describedby', (i.dataset.hintId || '').trim());
    });
  }
  function fieldError(input, message) {
    input.setAttribute('aria-invalid', 'true');
    let msg = document.getElementById(input.id + '-error');
    if (!msg) {
      msg = el('p', { id: input.id + '-error', class: 'error' });
      (input.closest('.combo') || input).after(msg);
    }
    msg.textContent = message;
    input.setAttribute('aria-describedby', ((input.dataset.hintId || '') + ' ' + msg.id).trim());
  }
  /* A problem answer: its field errors on the inputs named in fields ({"location": input}),
   * the rest in the status line. Focus goes to the first field in error. */
  function showProblem(problem, fields) {
    const errors = (problem && problem.errors) || [];
    let first = null;
    const rest = [];
    for (const e of errors) {
      const key = Object.keys(fields || {}).find((k) => e.field === k || e.field.startsWith(k + '.') || e.field.startsWith(k + '['));
      if (key) {
        fieldError(fields[key], e.reason);
        first = first || fields[key];
      } else rest.push(e.reason);
    }
    say(rest.length ? rest.join(' ; ') : (problem && !errors.length ? problem.detail : (first ? t('Corrigez le champ signalé.', 'Fix the field shown.') : '')));
    if (first) first.focus();
  }

  /* An accessible autocomplete (WAI-ARIA combobox with a list): arrows move, Enter picks,
   * Escape closes; the list is read by screen readers. source(q) gives [{label, sub, value}]. */
  function combobox(input, source, onPick) {
    const box = el('div', { class: 'combo' });
    input.replaceWith(box);
    box.append(input);
    const list = el('ul', { role: 'listbox', id: input.id + '-list', hidden: true, 'aria-label': input.dataset.listLabel || t('Suggestions', 'Suggestions') });
    box.append(list);
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', list.id);
    input.setAttribute('autocomplete', 'off');
    let items = [], active = -1, timer = null, asked = 0;
    function close() {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      active = -1;
    }
    function mark(i) {
      active = i;
      [...list.children].forEach((li, k) => li.setAttribute('aria-selected', k === i ? 'true' : 'false'));
      if (i >= 0) {
        input.setAttribute('aria-activedescendant', list.children[i].id);
        list.children[i].scrollIntoView({ block: 'nearest' });
      } else input.removeAttribute('aria-activedescendant');
    }
    function pick(i) {
      const it = items[i];
      if (!it) return;
      close();
      onPick(it, input);
    }
    async function fill() {
      const q = input.value.trim();
      if (q.length < 2) { close(); return; }
      const mine = ++asked;
      const found = await source(q);
      if (mine !== asked) return;
      items = found || [];
      put(list, ...items.map((it, k) => el('li', {
        role: 'option', id: input.id + '-opt-' + k, 'aria-selected': 'false',
        onmousedown: (ev) => { ev.preventDefault(); pick(k); },
      }, it.label, it.sub ? el('span', { class: 'sub' }, it.sub) : null)));
      if (!items.length) { close(); say(t('Aucune suggestion pour « ' + q + ' ».', 'No suggestion for "' + q + '".')); return; }
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      say(t(items.length + ' suggestions : flèches pour choisir, Entrée pour valider.',
            items.length + ' suggestions: arrows to choose, Enter to pick.'));
      mark(-1);
    }
    input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(fill, 250); });
    input.addEventListener('keydown', (ev) => {
      if (ev.key === 'ArrowDown' && items.length) { ev.preventDefault(); if (list.hidden) { list.hidden = false; input.setAttribute('aria-expanded', 'true'); } mark(Math.min(active + 1, items.length - 1)); }
      else if (ev.key === 'ArrowUp' && items.length) { ev.preventDefault(); mark(Math.max(active - 1, 0)); }
      else if (ev.key === 'Enter' && !list.hidden && active >= 0) { ev.preventDefault(); pick(active); }
      else if (ev.key === 'Escape') close();
    });
    input.addEventListener('blur', () => setTimeout(close, 150));
    return { close };
  }

  /* An ESCO or ROME label shown plainly ("caissier/caissière" → "caissier / caissière"). */
  const plain = (s) => String(s || '').replace(/\s*\/\s*/g, ' / ');
  const euros = (v) => (v === null || v === undefined ? '' : new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'fr-FR', { style: 'currency', currency: 'EUR' }).format(v));
  const date = (d) => (d ? new Date(d + 'T12:00:00').toLocaleDateString(lang === 'en' ? 'en-GB' : 'fr-FR', { day: 'numeric', month: 'long', year: 'numeric' }) : '');

  /* The sources' attribution lines, in a footer of every page. */
  document.addEventListener('DOMContentLoaded', localize);
  return { lang, t, el, $, put, say, api, combobox, fieldError, clearErrors, showProblem, plain, euros, date };
})();
