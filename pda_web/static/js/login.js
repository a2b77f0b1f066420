/** login.js — the PDA's first two screens. "enrol": register this PDA to its warehouse, once (enrolment.js).
 * "login": a badge on a registered PDA, or user name + password anywhere; the PDA's device token goes with
 * every login, so the session is bound to the PDA and dies when the PDA is revoked. One login at a time:
 * scans read meanwhile (the station right after the badge) go to the next screen when it succeeds. */
import { NetworkError } from './api.js';
import { createEnrolment, DEVICE_ERRORS } from './enrolment.js';
import { signal } from './feedback.js';
import { t } from './i18n.js';
import * as saved from './session.js';
import { showAlarm } from './views/dialogs.js';

const $ = (id) => document.getElementById(id);

export function setNotice(id, text, tone = 'warning') {
  const el = $(id);
  el.textContent = text ?? '';
  el.hidden = !text;
  el.classList.toggle('ok', tone === 'ok');
  el.classList.toggle('warning', tone !== 'ok');
}

export function createLogin({ state, api, getOutbox, getScanbox, show, onLoggedIn }) {
  const enrolment = createEnrolment({ api });
  let pending = null;
  const scansDuringLogin = [];

  const firstScreen = () => (enrolment.current() ? 'login' : 'enrol');

  function drawDevice() {
    for (const el of document.querySelectorAll('.device-id')) el.textContent = saved.deviceId();
    const e = enrolment.current();
    $('login-device-warehouse').textContent = e ? t('enrol.registered_to', { warehouse: e.warehouse }) : '';
  }

  function start(credentials) {
    if (pending) return;
    pending = login(credentials).then((ok) => {
      pending = null;
      const later = scansDuringLogin.splice(0);
      if (ok) for (const scan of later) getScanbox().dispatch(scan);
    });
  }

  async function login(credentials) {
    setNotice('login-error', null);
    let res;
    try {
      const body = { ...credentials, device_id: saved.deviceId() };
      res = await api.post('/api/v1/auth/login', body, { auth: false, deviceToken: saved.deviceToken() });
    } catch (err) {
      if (err instanceof NetworkError) {
        signal('warning');
        setNotice('login-error', t('login.offline'));
      } else if (DEVICE_ERRORS.has(err.body?.code)) {
        registrationLost(err.body.message);
      } else {
        signal('error');
        showAlarm({ title: t('login.failed'), message: err.body?.message ?? t('login.failed'), code: err.body?.code ?? `HTTP ${err.status}` });
      }
      return false;
    }
    state.session = { token: res.token, expires_at: res.expires_at, user: res.user, display_name: res.display_name };
    saved.saveSession(state.session);
    signal('success');
    getOutbox().resume();
    await onLoggedIn();
    return true;
  }

  /** Revoked (lost and found again), expired, or never registered: back to the enrol screen, saying why. */
  function registrationLost(message) {
    enrolment.forget();
    signal('error');
    drawDevice();
    show('enrol');
    setNotice('enrol-error', message);
  }

  async function enrol(attempt) {
    setNotice('enrol-error', null);
    let done;
    try {
      done = await attempt();
    } catch (err) {
      signal('error');
      setNotice('enrol-error', err.message);
      return;
    }
    signal('success');
    $('enrol-form').reset();
    $('enrol-form').hidden = true;
    $('enrol-lead-btn').hidden = false;
    drawDevice();
    show('login');
    setNotice('login-error', t('enrol.done', { device: done.device_id, warehouse: done.warehouse }), 'ok');
  }

  function openPasswordForm() {
    $('password-form').hidden = false;
    $('show-password').hidden = true;
    $('password-form').elements.username.focus();
  }

  function wire() {
    $('show-password').addEventListener('click', openPasswordForm);
    $('password-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const form = ev.currentTarget.elements;
      const username = form.username.value.trim();
      if (username && form.password.value) start({ username, password: form.password.value });
    });
    $('enrol-lead-btn').addEventListener('click', () => {
      $('enrol-form').hidden = false;
      $('enrol-lead-btn').hidden = true;
      $('enrol-form').elements.username.focus();
    });
    $('enrol-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const form = ev.currentTarget.elements;
      const username = form.username.value.trim();
      const password = form.password.value;
      if (username && password) enrol(() => enrolment.byLead(username, password));
    });
    $('enrol-password-btn').addEventListener('click', () => {
      show('login');
      openPasswordForm();
    });
  }

  const scanHandlers = {
    enrol: (scan) => enrol(() => enrolment.withCode(scan.code)),
    login: (scan) => (pending ? scansDuringLogin.push(scan) : start({ badge: scan.code })),
  };

  return { scanHandlers, wire, firstScreen, drawDevice };
}
