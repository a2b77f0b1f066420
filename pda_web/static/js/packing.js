/** packing.js — the scan screen's behaviour: enter a station, queue every action in the outbox, apply
 * the server's answers (sound, red screen), re-read the state when the realtime module says so. */
import { AuthExpired } from './api.js';
import { signal } from './feedback.js';
import { getLocale, t } from './i18n.js';
import * as saved from './session.js';
import { newId } from './util.js';
import { confirmDialog, manualEntryDialog, overrideDialog, showAlarm } from './views/dialogs.js';
import { renderPack } from './views/pack.js';

/** Outbox record kind → endpoint. */
export const PACK_PATHS = {
  scan: '/api/v1/pack/scan',
  complete: '/api/v1/pack/complete',
  undo: '/api/v1/pack/undo',
  abandon: '/api/v1/pack/abandon',
  override: '/api/v1/pack/gift-override',
};

const $ = (id) => document.getElementById(id);

/** ctx: {state, api, bus, outbox, show(screen), onAuthExpired()} shared with app.js. */
export function createPacking({ state, api, bus, outbox, show, onAuthExpired }) {
  function drawPack() {
    const code = state.station?.code;
    const pending = outbox.records().filter((r) => r.body.station === code);
    renderPack({
      answer: state.answer,
      receivedAt: state.receivedAt,
      pending: outbox.offline || pending.length > 1 ? pending : [],
      queued: pending.length,
      station: state.station,
      message: state.message,
    });
    $('no-printer').hidden = !state.station || !!state.station.printer;
  }

  const redrawIfShown = () => {
    if (state.screen === 'pack') drawPack();
  };

  function keepAnswer(answer) {
    state.answer = answer;
    state.answerSeq += 1;
    state.receivedAt = Date.now();
    saved.saveAnswer(state.station.code, answer);
  }

  async function enterPack(station) {
    state.station = station;
    saved.saveStation(station);
    const cached = saved.loadAnswer(station.code);
    state.answer = cached?.answer ?? null;
    state.receivedAt = cached?.received_at ?? Date.now();
    state.message = null;
    show('pack');
    bus.emit('session:changed', { token: state.session?.token, user: state.session?.user, station: station.code, locale: getLocale() });
    if (!outbox.count) await refreshState();
  }

  /** Re-read the station's pack from the server (after entering, a realtime event, a reconnect). An
   * answer to a queued action that lands meanwhile is newer, so the snapshot is then dropped. */
  async function refreshState() {
    if (!state.station || !state.session) return;
    const seq = state.answerSeq;
    try {
      const answer = await api.get(`/api/v1/pack/state?station=${encodeURIComponent(state.station.code)}`);
      if (seq === state.answerSeq && !outbox.count) {
        keepAnswer(answer);
        redrawIfShown();
      }
    } catch (err) {
      if (err instanceof AuthExpired) onAuthExpired();
    }
  }

  function queue(kind, body, readAt = new Date().toISOString()) {
    outbox.add({ kind, body, read_at: readAt, user: state.session?.user?.name ?? null });
    if (outbox.offline) signal('queued');
    redrawIfShown();
  }

  const packBody = (extra = {}) => ({ station: state.station.code, client_scan_id: newId(), ...extra });

  function onPackScan(scan) {
    const body = { station: state.station.code, code: scan.code, client_scan_id: scan.client_scan_id, device_id: saved.deviceId() };
    queue('scan', body, scan.read_at);
  }

  function onAnswer({ answer, entry }) {
    if (!answer) return;
    if (state.station && entry.body.station === state.station.code) keepAnswer(answer);
    const severity = answer.result === 'rejected' ? 'error' : (answer.severity ?? 'success');
    state.message = { text: answer.message ?? '', severity };
    signal(answer.sound ?? (severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'success'));
    const scanned = entry.kind === 'scan' ? entry.body.code : null;
    if (answer.result === 'rejected') showAlarm({ message: answer.message, code: answer.code, scanned });
    redrawIfShown();
  }

  function onFailed({ entry, error }) {
    signal('error');
    const scanned = entry.kind === 'scan' ? entry.body.code : null;
    const code = error.body?.code ?? (error.status ? `HTTP ${error.status}` : error.name);
    showAlarm({ message: error.body?.message ?? t('error.not_processed'), code, scanned });
  }

  /** Socket.IO events carry a version `v` per subject; an older or repeated one is ignored. */
  function isNewer(key, payload) {
    if (typeof payload?.v !== 'number') return true;
    if (payload.v <= (state.versions[key] ?? -Infinity)) return false;
    state.versions[key] = payload.v;
    return true;
  }

  function wire() {
    bus.on('pack:answer', onAnswer);
    bus.on('outbox:failed', onFailed);
    bus.on('realtime:connected', () => refreshState());
    bus.on('realtime:pack_progress', (p) => {
      if (p?.station === state.station?.code && isNewer(`pack:${p.station}`, p)) refreshState();
    });
    bus.on('realtime:order_updated', (p) => {
      const number = state.answer?.order?.order_number;
      if (number && p?.order_number === number && isNewer(`order:${number}`, p)) refreshState();
    });
    bus.on('realtime:alert_raised', (p) => {
      if (!isNewer(`alert:${p?.id ?? ''}`, p)) return;
      state.message = { text: p?.message ?? p?.title ?? t('alert.generic'), severity: 'warning' };
      signal('warning');
      redrawIfShown();
    });
    $('manual-btn').addEventListener('click', () => manualEntryDialog({ onCode: onPackScan }));
    $('btn-undo').addEventListener('click', () => queue('undo', packBody()));
    $('btn-complete').addEventListener('click', () => queue('complete', packBody()));
    $('btn-abandon').addEventListener('click', () =>
      confirmDialog({
        title: t('abandon.title'),
        message: t('abandon.text'),
        confirmLabel: t('action.abandon'),
        onConfirm: () => queue('abandon', packBody()),
      }),
    );
    $('btn-override').addEventListener('click', () =>
      overrideDialog({ onSubmit: ({ lead_badge, reason }) => queue('override', packBody({ lead_badge, reason })) }),
    );
  }

  return { drawPack, enterPack, refreshState, onPackScan, wire };
}
