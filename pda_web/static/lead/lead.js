/**
 * lead.js — the lead's wall screen: log in, load GET /api/v1/live/<warehouse>, then keep it live from
 * Socket.IO (countdown_snapshot, threshold_crossed, order_updated, alert_raised / alert_acknowledged).
 * REST is the truth: it is re-fetched after every (re)connect, shortly after changes, and once a minute.
 */
import { connectLive } from '../js/live.js';
import { drawPackedChart } from './chart.js';
import { applyTexts, getLocale, setLocale, t } from './i18n.js';
import { renderAlerts, renderNoTracking, renderOverdue, renderTiles, tickCountdowns } from './render.js';

const SESSION_KEY = 'packline.lead.session';
const REFRESH_AFTER_EVENT_MS = 1500;
const SAFETY_REFRESH_MS = 60000;
const $ = (id) => document.getElementById(id);

const state = { session: null, board: null, counts: null, totals: null, live: null, refreshTimer: null, lastFetch: 0 };

function loadSession() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
  } catch {
    return null;
  }
}

async function api(method, path, body) {
  const headers = { Accept: 'application/json', 'Accept-Language': getLocale() };
  if (state.session?.token) headers.Authorization = `Bearer ${state.session.token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (res.status === 401 && state.session) {
    logout();
    throw new Error(data?.message ?? 'unauthorized');
  }
  if (!res.ok) throw Object.assign(new Error(data?.message ?? `HTTP ${res.status}`), { status: res.status, body: data });
  return data;
}

function toast(text, kind = 'info') {
  const box = $('toast');
  box.textContent = text;
  box.dataset.kind = kind;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (box.hidden = true), 8000);
}

function serverNow() {
  return state.live ? state.live.serverNow() : Date.now();
}

function yellowMs() {
  return (state.board?.yellow_threshold_minutes ?? 120) * 60000;
}

function render() {
  const board = state.board;
  if (!board) return;
  $('wh').textContent = board.warehouse;
  $('notrack-title').textContent = t('no_tracking', { hours: Math.round(board.no_tracking_minutes / 60) });
  renderTiles($('tiles'), state.counts, state.totals);
  renderOverdue($('overdue'), board.overdue_top);
  renderNoTracking($('notrack'), board.printed_no_tracking, serverNow());
  drawAlerts();
  drawPackedChart($('chart'), $('legend'), board.packed_per_hour, { emptyText: t('no_packs') });
  tick();
}

function tick() {
  const now = serverNow();
  tickCountdowns(document, now, yellowMs());
  const tz = state.board?.timezone ?? 'Asia/Shanghai';
  $('clock').textContent = new Intl.DateTimeFormat('zh-CN', {
    timeZone: tz, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
  }).format(new Date(now));
}

async function refresh() {
  clearTimeout(state.refreshTimer);
  state.refreshTimer = null;
  state.lastFetch = Date.now();
  const sent = Date.now();
  try {
    const board = await api('GET', `/api/v1/live/${encodeURIComponent(state.session.warehouse)}`);
    state.live?.noteServerTime(board.server_time, sent, Date.now());
    state.board = board;
    state.counts = board.counts;
    state.totals = board.totals;
    render();
    document.body.dataset.loaded = String(Date.now());
  } catch (err) {
    if (state.session) toast(err.message, 'error');
  }
}

/** Soon, but at most once per REFRESH_AFTER_EVENT_MS however many events arrive. */
function scheduleRefresh() {
  if (state.refreshTimer) return;
  const wait = Math.max(0, REFRESH_AFTER_EVENT_MS - (Date.now() - state.lastFetch));
  state.refreshTimer = setTimeout(refresh, wait);
}

function onSnapshot(snap) {
  if (snap.warehouse !== state.session.warehouse) return;
  state.counts = snap.counts;
  state.totals = snap.totals;
  renderTiles($('tiles'), state.counts, state.totals);
}

function onCrossed(payload) {
  if (payload.warehouse !== state.session.warehouse || !state.counts) return;
  let red = 0;
  let yellow = 0;
  for (const c of payload.crossings) {
    const bucket = state.counts[c.status];
    if (bucket && bucket[c.from] > 0) bucket[c.from] -= 1;
    if (bucket) bucket[c.to] += 1;
    if (state.totals[c.from] > 0) state.totals[c.from] -= 1;
    state.totals[c.to] += 1;
    if (c.to === 'red') red += 1;
    else yellow += 1;
  }
  renderTiles($('tiles'), state.counts, state.totals);
  if (red) toast(t('crossed_red', { n: red }), 'error');
  else if (yellow) toast(t('crossed_yellow', { n: yellow }), 'warning');
  scheduleRefresh();
}

function drawAlerts() {
  renderAlerts($('alerts'), state.board.alerts, { onAck: acknowledge, timeZone: state.board.timezone, locale: getLocale() });
}

function onAlertRaised(payload) {
  const alert = payload.alert ?? payload;
  // Admin and CS hear every warehouse; global alerts (no warehouse) belong on every board.
  if (alert.warehouse && alert.warehouse !== state.session.warehouse) return;
  if (!state.board || alert.id == null) return scheduleRefresh();
  state.board.alerts = [alert, ...state.board.alerts.filter((a) => a.id !== alert.id)];
  drawAlerts();
}

function onAlertAcknowledged(payload) {
  const id = payload.alert_id ?? payload.alert?.id ?? payload.id;
  if (!state.board) return;
  const alert = state.board.alerts.find((a) => a.id === id);
  if (!alert || alert.acknowledged_at) return;
  alert.acknowledged_at = payload.at ?? new Date(serverNow()).toISOString();
  alert.acknowledged_by = payload.by ?? null;
  // Unacknowledged ones stay on top, as the REST answer orders them.
  state.board.alerts.sort((a, b) => Boolean(a.acknowledged_at) - Boolean(b.acknowledged_at));
  drawAlerts();
}

function onAlertResolved(payload) {
  const id = payload.alert_id ?? payload.alert?.id ?? payload.id;
  if (!state.board) return;
  state.board.alerts = state.board.alerts.filter((a) => a.id !== id);
  drawAlerts();
}

async function acknowledge(alert, button) {
  button.disabled = true;
  try {
    await api('POST', `/api/v1/alerts/${encodeURIComponent(alert.id)}/acknowledge`, {});
    onAlertAcknowledged({ alert_id: alert.id });
  } catch (err) {
    button.disabled = false;
    toast(t('ack_failed', { message: err.message }), 'error');
  }
}

function setBadge(status) {
  const badge = $('conn');
  badge.dataset.state = status;
  badge.textContent = t(`conn_${status}`);
}

function start(session) {
  state.session = session;
  $('login').hidden = true;
  $('board').hidden = false;
  setBadge('connecting');
  const live = connectLive({ token: session.token, locale: getLocale(), onResync: refresh });
  state.live = live;
  live.on('status', setBadge);
  live.on('refused', (err) => {
    toast(err.message ?? err.code, 'error');
    if (err.code === 'UNAUTHORIZED' || err.code === 'TOKEN_INVALID') logout();
  });
  live.on('countdown_snapshot', onSnapshot);
  live.on('threshold_crossed', onCrossed);
  live.on('order_updated', (p) => p.order?.warehouse === session.warehouse && scheduleRefresh());
  live.on('alert_raised', onAlertRaised);
  live.on('alert_acknowledged', onAlertAcknowledged);
  live.on('alert_resolved', onAlertResolved);
  refresh();
}

function logout() {
  const token = state.session?.token;
  state.live?.close();
  state.live = null;
  state.session = null;
  state.board = null;
  sessionStorage.removeItem(SESSION_KEY);
  if (token) fetch('/api/v1/auth/logout', { method: 'POST', headers: { Authorization: `Bearer ${token}` } }).catch(() => {});
  $('board').hidden = true;
  $('login').hidden = false;
}

async function login(event) {
  event.preventDefault();
  const form = event.target;
  const error = $('login-error');
  error.textContent = '';
  try {
    const res = await api('POST', '/api/v1/auth/login', { username: form.username.value.trim(), password: form.password.value });
    const warehouse = res.user.warehouse || form.warehouse.value.trim().toUpperCase();
    if (!warehouse) {
      error.textContent = t('need_warehouse');
      return;
    }
    const session = { token: res.token, name: res.display_name || res.user.name, role: res.user.role, warehouse };
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
    form.password.value = '';
    start(session);
  } catch (err) {
    error.textContent = t('login_failed', { message: err.message });
  }
}

function switchLanguage() {
  setLocale(getLocale() === 'en' ? 'zh-CN' : 'en');
  applyTexts();
  $('lang').textContent = t('lang_switch');
  if (state.live) setBadge(state.live.state);
  render();
}

function init() {
  setLocale(getLocale());
  applyTexts();
  $('lang').textContent = t('lang_switch');
  $('lang').addEventListener('click', switchLanguage);
  $('login-lang').addEventListener('click', switchLanguage);
  $('logout').addEventListener('click', logout);
  $('login-form').addEventListener('submit', login);
  window.addEventListener('resize', () => state.board && drawPackedChart($('chart'), $('legend'), state.board.packed_per_hour, { emptyText: t('no_packs') }));
  setInterval(tick, 1000);
  setInterval(() => state.session && Date.now() - state.lastFetch > SAFETY_REFRESH_MS && refresh(), 5000);
  const session = loadSession();
  if (session?.token && session.warehouse) start(session);
  else $('login').hidden = false;
}

init();
