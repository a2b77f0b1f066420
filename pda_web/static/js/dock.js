/** dock.js — the dock (handover) page of the PDA: badge login (a PDA registered on the packing page,
 * js/enrolment.js; its device token goes with the login) → choose the courier → scan every parcel's
 * tracking number (an intercepted parcel is the red screen and the loudest sound) → close the batch →
 * the manifest. Scans go through the same ordered outbox as packing (kept in memory on this page), so a
 * dropped network retries them with the same client_scan_id. A client of /api/v1 only. */
import { AuthExpired, createApi, NetworkError } from './api.js';
import { createBus } from './bus.js';
import { DEVICE_ERRORS } from './enrolment.js';
import { feedbackLog, signal, unlockAudio } from './feedback.js';
import { getLocale, initI18n, setLocale, t } from './i18n.js';
import { Outbox } from './outbox.js';
import { attachScanbox } from './scanbox.js';
import * as saved from './session.js';
import { memoryStore } from './store.js';
import { newId } from './util.js';
import { confirmDialog, dismissForScan, initDialogs, showAlarm } from './views/dialogs.js';
import { renderBatch, renderClosed, renderCouriers } from './views/handover.js';

const SCREENS = ['login', 'couriers', 'batch', 'closed'];
const STATION_KEY = 'packline.dock.station';
const $ = (id) => document.getElementById(id);
const bus = createBus();
const state = { session: null, station: null, screen: null, couriers: [], openBatches: [], error: null, batch: null, recent: [], message: null, closed: null };
const api = createApi({ getToken: () => state.session?.token, getLocale });
let scanbox = null;
let outbox = null;
let popHandler = null;

function show(screen) {
  state.screen = screen;
  for (const id of SCREENS) $(`screen-${id}`).hidden = id !== screen;
  document.body.dataset.screen = screen;
  popHandler?.();
  popHandler = scanbox.pushHandler(HANDLERS[screen]);
  scanbox.reset();
  redraw();
}

function redraw() {
  $('scan-label').textContent = t(`dock.scan.${state.screen}`);
  $('who').textContent = state.session ? (state.session.display_name ?? state.session.user?.name ?? '') : '';
  $('dock-chip').hidden = !state.station;
  $('dock-chip').textContent = state.station ?? '';
  $('lang-btn').textContent = t('top.other_language');
  const count = outbox?.count ?? 0;
  $('queue-badge').hidden = !(outbox?.offline || count > 1);
  $('queue-badge').dataset.state = outbox?.offline ? 'offline' : 'sending';
  $('queue-badge').textContent = outbox?.offline ? t('queue.offline', { count }) : t('queue.sending', { count });
  if (state.screen === 'couriers') renderCouriers({ ...state, onPick: pickCourier });
  if (state.screen === 'batch') renderBatch(state);
  if (state.screen === 'closed' && state.closed) renderClosed(state);
}

function failed(err) {
  if (err instanceof AuthExpired) return expired();
  signal('error');
  const message = err instanceof NetworkError ? t('dock.offline') : (err.body?.message ?? t('error.not_processed'));
  showAlarm({ message, code: err.body?.code ?? (err.status ? `HTTP ${err.status}` : err.name) });
}

// ---- login and station ---------------------------------------------------------------------------

async function login(badge) {
  $('login-error').hidden = true;
  try {
    const body = { badge, device_id: saved.deviceId() };
    const res = await api.post('/api/v1/auth/login', body, { auth: false, deviceToken: saved.deviceToken() });
    state.session = { token: res.token, expires_at: res.expires_at, user: res.user, display_name: res.display_name };
    saved.saveSession(state.session);
  } catch (err) {
    signal(err instanceof NetworkError ? 'warning' : 'error');
    if (DEVICE_ERRORS.has(err.body?.code)) saved.clearEnrolment(); // registered again on the packing page
    $('login-error').textContent = err instanceof NetworkError ? t('login.offline') : (err.body?.message ?? t('login.failed'));
    $('login-error').hidden = false;
    drawEnrolHint();
    return;
  }
  signal('success');
  outbox.resume();
  await enterCouriers();
}

/** An unregistered PDA cannot log in by badge here: point to the packing page, where it is registered. */
function drawEnrolHint() {
  $('dock-enrol').hidden = !!saved.enrolment();
}

function expired() {
  state.session = null;
  saved.clearSession();
  outbox.pause();
  show('login');
  $('login-error').textContent = t('login.expired');
  $('login-error').hidden = false;
  signal('warning');
}

async function dockStation() {
  const wanted = new URLSearchParams(location.search).get('station') ?? localStorage.getItem(STATION_KEY);
  const stations = await api.get('/api/v1/stations');
  const docks = stations.filter((s) => s.kind === 'dock');
  const found = docks.find((s) => s.code === wanted) ?? docks[0];
  if (!found) throw Object.assign(new Error('no dock'), { body: { message: t('dock.no_dock'), code: 'NOT_A_DOCK' } });
  localStorage.setItem(STATION_KEY, found.code);
  return found.code;
}

// ---- couriers and batches ------------------------------------------------------------------------

async function enterCouriers() {
  state.error = null;
  show('couriers');
  try {
    state.station ??= await dockStation();
    const q = encodeURIComponent(state.station);
    const [couriers, open] = await Promise.all([
      api.get(`/api/v1/handover/couriers?station=${q}`),
      api.get(`/api/v1/handover/batches?station=${q}&status=open`),
    ]);
    state.couriers = couriers;
    state.openBatches = open;
  } catch (err) {
    if (err instanceof AuthExpired) return expired();
    state.error = err.body?.message ?? t('dock.offline');
  }
  if (state.screen === 'couriers') redraw();
}

async function pickCourier(code) {
  try {
    state.batch = await api.post('/api/v1/handover/batches', { station: state.station, courier: code });
  } catch (err) {
    return failed(err);
  }
  state.recent = [];
  state.message = { text: t('dock.batch_started', { number: state.batch.number }), severity: 'info' };
  signal('success');
  show('batch');
}

function onBatchScan(scan) {
  outbox.add({ kind: 'scan', batch_id: state.batch.id, body: { code: scan.code, client_scan_id: scan.client_scan_id, device_id: saved.deviceId() }, read_at: scan.read_at });
  state.recent.unshift({ code: scan.code, result: 'pending', text: t('dock.sending') });
  redraw();
}

function onAnswer({ answer, entry }) {
  if (!answer) return;
  if (answer.batch && answer.batch.id === state.batch?.id) state.batch = { ...state.batch, ...answer.batch };
  const row = state.recent.find((r) => r.code === entry.body.code && r.result === 'pending') ?? {};
  Object.assign(row, { code: entry.body.code, result: answer.result, text: answer.message });
  state.message = { text: answer.message, severity: answer.severity };
  signal(answer.sound ?? 'error');
  if (answer.severity === 'error') {
    showAlarm({ title: answer.intercepted ? t('dock.stop_title') : t('alarm.title'), message: answer.message, code: answer.code, scanned: entry.body.code });
  }
  redraw();
}

function closeBatch() {
  const counts = state.batch?.counts ?? { scanned: 0, intercepted: 0 };
  confirmDialog({
    title: t('dock.close_title'),
    message: t('dock.close_text', { count: counts.scanned, courier: state.batch?.courier ?? '' }),
    confirmLabel: t('dock.close'),
    tone: 'primary',
    onConfirm: async () => {
      try {
        state.closed = await api.post(`/api/v1/handover/batches/${state.batch.id}/close`, {});
      } catch (err) {
        return failed(err);
      }
      signal('success');
      show('closed');
    },
  });
}

async function openManifest(kind) {
  const path = state.closed.manifest[kind];
  try {
    const res = await fetch(path, { headers: { Authorization: `Bearer ${state.session.token}`, 'Accept-Language': getLocale() } });
    if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status}`), { status: res.status, body: await res.json().catch(() => ({})) });
    const url = URL.createObjectURL(await res.blob());
    const link = Object.assign(document.createElement('a'), { href: url, download: kind === 'csv' ? `manifest-${state.closed.number}.csv` : '', target: '_blank' });
    if (kind === 'pdf') link.removeAttribute('download');
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (err) {
    failed(err);
  }
}

// ---- wiring --------------------------------------------------------------------------------------

const HANDLERS = {
  login: (scan) => login(scan.code),
  couriers: (scan) => {
    const courier = state.couriers.find((c) => c.code === scan.code.toUpperCase());
    if (courier) return pickCourier(courier.code);
    signal('error');
    showAlarm({ message: t('dock.unknown_courier', { code: scan.code }), code: 'UNKNOWN_COURIER', scanned: scan.code });
  },
  batch: onBatchScan,
  closed: () => signal('warning'),
};

async function start() {
  await initI18n();
  scanbox = attachScanbox($('scanbox'), { onScan: () => dismissForScan(), onKey: unlockAudio });
  document.addEventListener('pointerdown', unlockAudio, true);
  initDialogs(scanbox);
  outbox = new Outbox({ store: memoryStore(), send: (r) => api.post(`/api/v1/handover/batches/${r.batch_id}/scan`, r.body), bus });
  bus.on('pack:answer', onAnswer);
  bus.on('outbox:changed', redraw);
  bus.on('outbox:failed', ({ error }) => failed(error));
  bus.on('auth:expired', expired);
  $('lang-btn').addEventListener('click', async () => {
    await setLocale(getLocale() === 'zh-CN' ? 'en' : 'zh-CN');
    redraw();
  });
  $('btn-couriers').addEventListener('click', () => enterCouriers());
  $('btn-close').addEventListener('click', closeBatch);
  $('btn-pdf').addEventListener('click', () => openManifest('pdf'));
  $('btn-csv').addEventListener('click', () => openManifest('csv'));
  $('btn-new').addEventListener('click', () => enterCouriers());
  window.__dock = { state, outbox, feedbackLog, scanbox, newId };
  state.session = saved.loadSession();
  if (state.session) await enterCouriers();
  else show('login');
  drawEnrolHint();
  document.body.dataset.ready = 'yes';
}

start().catch((err) => {
  console.error(err);
  document.body.dataset.ready = 'failed';
});
