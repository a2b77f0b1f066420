/** dialogs.js — the red rejection screen and the modal dialogs (confirm, gift override, manual entry,
 * no-printer warning). A dialog that wants scans (the lead's badge) pushes a scan handler; any other
 * dialog, and the red screen, is dismissed by a scan, which then goes on to be processed. */
import { t } from '../i18n.js';
import { h, newId } from '../util.js';

let scanbox = null;
let openDialog = null; // {close, wantsScans}

export function initDialogs(box) {
  scanbox = box;
  document.getElementById('alarm-ok').addEventListener('click', hideAlarm);
}

/** Called for every scan before it is routed: a scan means "carry on". */
export function dismissForScan() {
  hideAlarm();
  if (openDialog && !openDialog.wantsScans) openDialog.close();
}

export function alarmVisible() {
  return !document.getElementById('alarm').hidden;
}

/** Full-screen red: big message, the error code, the scanned code. Stays until a scan or OK. */
export function showAlarm({ message, code, scanned = null, title = null }) {
  const alarm = document.getElementById('alarm');
  document.getElementById('alarm-title').textContent = title ?? t('alarm.title');
  document.getElementById('alarm-message').textContent = message || code || '';
  document.getElementById('alarm-code').textContent = code ?? '';
  const scannedEl = document.getElementById('alarm-scanned');
  scannedEl.textContent = scanned ? t('alarm.scanned', { code: scanned }) : '';
  scannedEl.hidden = !scanned;
  alarm.hidden = false;
  document.body.classList.add('alarm-on');
  scanbox?.focus();
}

export function hideAlarm() {
  const alarm = document.getElementById('alarm');
  if (alarm.hidden) return;
  alarm.hidden = true;
  document.body.classList.remove('alarm-on');
  scanbox?.focus();
}

/** A modal: {title, tone, body: Node[], buttons: [{label, kind, onClick(close)}], onScan}. */
export function modal({ title, tone = '', body = [], buttons = [], onScan = null }) {
  openDialog?.close();
  const root = document.getElementById('dialog');
  const box = h('div', { class: `dialog-box ${tone}`, role: 'dialog', 'aria-modal': 'true' }, h('h2', { class: 'dialog-title' }, title), body);
  const row = h('div', { class: 'dialog-buttons' });
  let popScan = null;
  const self = {
    wantsScans: !!onScan,
    close() {
      if (openDialog !== self) return;
      openDialog = null;
      popScan?.();
      root.hidden = true;
      root.replaceChildren();
      scanbox?.focus();
    },
  };
  for (const b of buttons) {
    row.append(h('button', { type: 'button', class: `btn ${b.kind ?? ''}`, dataset: { role: b.role ?? '' }, onclick: () => b.onClick(self.close) }, b.label));
  }
  box.append(row);
  root.replaceChildren(box);
  root.hidden = false;
  openDialog = self;
  if (onScan) popScan = scanbox.pushHandler(onScan);
  scanbox?.focus();
  return self;
}

export function confirmDialog({ title, message, confirmLabel, tone = 'danger', onConfirm }) {
  return modal({
    title,
    tone,
    body: [h('p', { class: 'dialog-text' }, message)],
    buttons: [
      { label: t('common.cancel'), kind: 'secondary', role: 'cancel', onClick: (close) => close() },
      { label: confirmLabel, kind: tone === 'danger' ? 'danger' : 'primary', role: 'confirm', onClick: (close) => { close(); onConfirm(); } },
    ],
  });
}

/** Gift override: the lead scans their badge, picks a reason; onSubmit({lead_badge, reason}). */
export function overrideDialog({ onSubmit }) {
  let badge = null;
  let reason = null;
  const badgeState = h('div', { class: 'override-badge waiting' }, t('override.scan_badge'));
  const submit = h('button', { type: 'button', class: 'btn primary', disabled: true, dataset: { role: 'submit' } }, t('override.submit'));
  const reasons = ['override.reason.out_of_stock', 'override.reason.customer_declined', 'override.reason.damaged', 'override.reason.other'];
  const reasonButtons = reasons.map((key) =>
    h('button', {
      type: 'button',
      class: 'btn choice',
      dataset: { reason: key },
      onclick: (ev) => {
        reason = t(key);
        for (const b of reasonButtons) b.classList.toggle('chosen', b === ev.currentTarget);
        update();
      },
    }, t(key)),
  );
  function update() {
    submit.disabled = !(badge && reason);
  }
  const dialog = modal({
    title: t('override.title'),
    tone: 'warning',
    body: [badgeState, h('p', { class: 'dialog-label' }, t('override.reason')), h('div', { class: 'choices' }, reasonButtons)],
    buttons: [{ label: t('common.cancel'), kind: 'secondary', role: 'cancel', onClick: (close) => close() }],
    onScan: (scan) => {
      badge = scan.code;
      badgeState.textContent = t('override.badge_ok', { badge: `…${badge.slice(-3)}` });
      badgeState.className = 'override-badge ok';
      update();
    },
  });
  submit.addEventListener('click', () => {
    dialog.close();
    onSubmit({ lead_badge: badge, reason });
  });
  document.querySelector('#dialog .dialog-buttons').append(submit);
  return dialog;
}

/** A damaged barcode: type the code with the soft keyboard. onCode(scan) like a scanned code. */
export function manualEntryDialog({ onCode }) {
  const field = h('input', { type: 'text', class: 'manual-input', inputmode: 'text', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', 'data-text-entry': true });
  const wrap = h('div', { 'data-text-entry': true }, field);
  const go = (close) => {
    const code = field.value.trim();
    if (!code) return;
    close();
    onCode({ code, raw: field.value, terminator: 'manual', client_scan_id: newId(), read_at: new Date().toISOString() });
  };
  const dialog = modal({
    title: t('manual.title'),
    body: [wrap],
    buttons: [
      { label: t('common.cancel'), kind: 'secondary', role: 'cancel', onClick: (close) => close() },
      { label: t('manual.submit'), kind: 'primary', role: 'submit', onClick: go },
    ],
  });
  field.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      go(dialog.close);
    }
  });
  field.focus();
  return dialog;
}
