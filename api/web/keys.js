/* keys.js: an organisation's or a provider's key, entered once and kept by the browser in an
 * HttpOnly cookie (POST /v1/session): the page never holds it after this. */
'use strict';
const SMKeys = (() => {
  const { t, $, say, api, fieldError, clearErrors } = SM;
  /* Calls ready(who) once a key of one of roles is known; shows the key form otherwise. */
  async function need(roles, ready) {
    function known(who) {
      $('#key-ask').hidden = true;
      $('#key-known').hidden = false;
      $('#key-who').textContent = t('Connecté pour : ', 'Signed in for: ') + who.organisation;
      ready(who);
    }
    const s = await api('GET', '/v1/session');
    if (s.status === 200 && s.data.remembered && roles.includes(s.data.role)) known(s.data);
    $('#key-go').addEventListener('click', async () => {
      clearErrors();
      const key = $('#key').value.trim();
      if (!key) { fieldError($('#key'), t('Saisissez la clé.', 'Enter the key.')); $('#key').focus(); return; }
      const r = await api('POST', '/v1/session', { key });
      $('#key').value = '';
      if (r.status !== 200) { fieldError($('#key'), (r.data && r.data.errors && r.data.errors[0].reason) || t('Clé refusée.', 'Key refused.')); $('#key').focus(); return; }
      if (!roles.includes(r.data.role)) {
        await api('DELETE', '/v1/session');
        fieldError($('#key'), t('Cette clé n\'est pas faite pour cette page.', 'This key is not for this page.'));
        $('#key').focus();
        return;
      }
      say(t('Clé enregistrée sur cet ordinateur.', 'Key kept on this computer.'));
      known(r.data);
    });
    $('#key-forget').addEventListener('click', async () => {
      await api('DELETE', '/v1/session');
      location.reload();
    });
  }
  return { need };
})();
