/** app.js — the PDA page: enrol once → badge login (login.js) → station → the scan screen (packing.js).
 * Modules meet on the bus; every pack action goes through the ordered, persistent outbox. */
import { AuthExpired, createApi, NetworkError } from './api.js';
import { bus } from './bus.js';
import { feedbackLog, signal, unlockAudio } from './feedback.js';
import { getLocale, initI18n, setLocale, t } from './i18n.js';
import { createLogin, setNotice } from './login.js';
import { Outbox } from './outbox.js';
import { createPacking, PACK_PATHS } from './packing.js';
import { installRealtime } from './realtime.js';
import { attachScanbox } from './scanbox.js';
import * as saved from './session.js';
import { openOutboxStore } from './store.js';
import { h } from './util.js';
import { confirmDialog, dismissForScan, initDialogs, modal, showAlarm } from './views/dialogs.js';
import { startTicker } from './views/pack.js';
import { findStation, renderStations } from './views/stations.js';

const SCREENS = ['enrol', 'login', 'stations', 'pack'];
const $ = (id) => document.getElementById(id);

const state = {
  session: null,
  station: null,
  stations: [],
  stationError: null,
  stationsLoading: null,
  screen: null,
  answer: null,
  answerSeq: 0,
  receivedAt: Date.now(),
  message: null,
  versions: {},
};
const api = createApi({ getToken: () => state.session?.token, getLocale });
let scanbox = null;
let outbox = null;
let packing = null;
let popScreenHandler = null;
let login = null;

// ---- screens -------------------------------------------------------------------------------------

function show(screen) {
  state.screen = screen;
  for (const id of SCREENS) $(`screen-${id}`).hidden = id !== screen;
  document.body.dataset.screen = screen;
  popScreenHandler?.();
  // No scanbox.reset() here: a screen can change in the middle of a scanner's burst (the login answer
  // arrives while the station code is being typed) and those keys belong to the next scan.
  popScreenHandler = scanbox.pushHandler(SCAN_HANDLERS[screen]);
  redraw();
}

function redraw() {
  $('scan-label').textContent = t(`scan.label.${state.screen}`);
  $('manual-btn').hidden = state.screen !== 'pack';
  $('who').textContent = state.session ? (state.session.display_name ?? state.session.user?.name ?? '') : '';
  $('logout-btn').hidden = !state.session;
  const chip = $('station-chip');
  chip.hidden = !(state.station && state.screen === 'pack');
  chip.textContent = state.station ? state.station.code : '';
  chip.classList.toggle('warn', !!state.station && !state.station.printer);
  $('lang-btn').textContent = t('top.other_language');
  drawQueueBadge();
  if (state.screen === 'stations') drawStations();
  if (state.screen === 'pack') packing.drawPack();
}

function drawQueueBadge() {
  const badge = $('queue-badge');
  const count = outbox?.count ?? 0;
  const offline = !!outbox?.offline;
  badge.hidden = !(offline || count > 1);
  badge.dataset.state = offline ? 'offline' : 'sending';
  badge.textContent = offline ? t('queue.offline', { count }) : t('queue.sending', { count });
  document.body.classList.toggle('busy', count > 0);
}

function drawStations() {
  renderStations({ stations: state.stations, lastCode: saved.lastStationCode(), onPick: pickStation, error: state.stationError });
}

/** Back to the login screen; queued scans stay in the outbox and go out after the next login. */
function endSession({ expired }) {
  state.session = null;
  state.station = null;
  saved.clearSession();
  outbox.pause();
  bus.emit('session:ended', {});
  const form = $('password-form');
  form.reset();
  form.hidden = true;
  $('show-password').hidden = false;
  show(login.firstScreen());
  setNotice('login-error', expired ? t('login.expired') : null);
  if (expired) signal('warning');
}

const onAuthExpired = () => endSession({ expired: true });

function logout() {
  const go = () => {
    api.post('/api/v1/auth/logout', {}).catch(() => {});
    endSession({ expired: false });
  };
  const count = outbox.count;
  confirmDialog({
    title: t('logout.title'),
    message: count ? t('logout.pending', { count }) : t('logout.text'),
    confirmLabel: t('top.logout'),
    tone: count ? 'danger' : 'primary',
    onConfirm: go,
  });
}

// ---- stations ------------------------------------------------------------------------------------

async function enterStations() {
  state.station = null;
  state.stationError = null;
  state.stations = saved.loadStations();
  show('stations');
  let done;
  state.stationsLoading = new Promise((resolve) => {
    done = resolve;
  });
  try {
    state.stations = await api.get('/api/v1/stations');
    saved.saveStations(state.stations);
  } catch (err) {
    if (err instanceof AuthExpired) return onAuthExpired();
    state.stationError = t(err instanceof NetworkError ? 'station.offline' : 'station.load_failed');
  } finally {
    state.stationsLoading = null;
    done();
  }
  if (state.screen === 'stations') drawStations();
}

function pickStation(station) {
  // A dock station is the handover screen (js/dock.js), not a pack bench.
  if (station.kind === 'dock') return location.assign(`/pda/dock?station=${encodeURIComponent(station.code)}`);
  if (station.printer) return packing.enterPack(station);
  signal('warning');
  modal({
    title: t('station.no_printer_title'),
    tone: 'danger',
    body: [h('p', { class: 'dialog-text big' }, t('station.no_printer_text', { code: station.code }))],
    buttons: [
      { label: t('station.pick_other'), kind: 'secondary', role: 'cancel', onClick: (close) => close() },
      { label: t('station.use_anyway'), kind: 'danger', role: 'confirm', onClick: (close) => { close(); packing.enterPack(station); } },
    ],
  });
}

// ---- wiring --------------------------------------------------------------------------------------

const SCAN_HANDLERS = {
  enrol: (scan) => login.scanHandlers.enrol(scan),
  login: (scan) => login.scanHandlers.login(scan),
  stations: async (scan) => {
    if (state.stationsLoading) await state.stationsLoading; // a station scanned while the list loads
    if (state.screen !== 'stations') return scanbox.dispatch(scan); // a station was picked meanwhile
    const station = findStation(state.stations, scan.code);
    if (station) return pickStation(station);
    signal('error');
    showAlarm({ message: t('station.unknown', { code: scan.code }), code: 'UNKNOWN_STATION', scanned: scan.code });
  },
  pack: (scan) => packing.onPackScan(scan),
};

function wireButtons() {
  login.wire();
  $('lang-btn').addEventListener('click', async () => {
    await setLocale(getLocale() === 'zh-CN' ? 'en' : 'zh-CN');
    login.drawDevice();
    redraw();
  });
  $('logout-btn').addEventListener('click', logout);
  $('station-chip').addEventListener('click', () => enterStations());
}

function registerServiceWorker() {
  // Service workers need a secure origin (HTTPS or localhost); on plain http the page still works
  // online and the outbox still persists, only the offline start is missing.
  if (!('serviceWorker' in navigator) || !document.body.dataset.sw) return;
  navigator.serviceWorker.register(document.body.dataset.sw, { scope: document.body.dataset.swScope }).catch((err) => {
    console.warn('service worker not registered', err);
  });
}

async function start() {
  await initI18n();
  scanbox = attachScanbox($('scanbox'), {
    onScan: (scan) => {
      dismissForScan();
      bus.emit('scan:read', scan);
    },
    onKey: unlockAudio,
  });
  document.addEventListener('pointerdown', unlockAudio, true);
  initDialogs(scanbox);
  outbox = new Outbox({ store: await openOutboxStore(), send: (r) => api.post(PACK_PATHS[r.kind], r.body), bus });
  packing = createPacking({ state, api, bus, outbox, show, onAuthExpired });
  login = createLogin({ state, api, getOutbox: () => outbox, getScanbox: () => scanbox, show, onLoggedIn: enterStations });
  login.drawDevice();
  bus.on('outbox:changed', () => {
    drawQueueBadge();
    if (state.screen === 'pack') packing.drawPack();
  });
  bus.on('auth:expired', onAuthExpired);
  wireButtons();
  packing.wire();
  startTicker();
  await outbox.load();
  installRealtime(bus);
  window.__pda = { bus, state, outbox, feedbackLog, scanbox, refreshState: packing.refreshState };
  state.session = saved.loadSession();
  const station = saved.loadStation();
  if (!state.session) {
    outbox.pause();
    show(login.firstScreen());
  } else if (station) {
    await packing.enterPack(station);
    outbox.kick();
  } else {
    await enterStations();
  }
  registerServiceWorker();
  document.body.dataset.ready = 'yes';
}

start().catch((err) => {
  console.error(err);
  document.body.dataset.ready = 'failed';
});
