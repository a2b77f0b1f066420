/** pack.js — the scan screen's state display: step prompt, order card (lines with big counts, gift,
 * holds, address, live countdown) and the pending scans. The server decides everything; this only
 * draws its last answer plus what is still waiting in the outbox. */
import { t, tOr } from '../i18n.js';
import { clockText, h } from '../util.js';

const TWO_HOURS = 2 * 3600;
let ticker = null;

const STEP_KEYS = {
  scan_order: 'step.scan_order',
  scan_items: 'step.scan_items',
  scan_gift: 'step.scan_gift',
  confirm: 'step.confirm',
  done: 'step.done',
};

/**
 * view = {answer, receivedAt, pending: [record], station, message: {text, severity}}
 */
export function renderPack(view) {
  const { answer } = view;
  const step = answer?.step ?? 'scan_order';
  const prompt = document.getElementById('step-prompt');
  prompt.textContent = t(STEP_KEYS[step] ?? 'step.scan_order');
  prompt.dataset.step = step;
  renderMessage(view.message);
  renderPending(view.pending);
  const card = document.getElementById('order-card');
  const order = answer?.order;
  if (!order) {
    card.replaceChildren(h('div', { class: 'order-empty' }, t('order.none')));
  } else {
    card.replaceChildren(orderCard(order, answer, view));
  }
  document.getElementById('screen-pack').dataset.packOpen = answer?.pack ? 'yes' : 'no';
  const giftOpen = !!order?.gift && !order.gift.scanned && !!answer?.pack;
  document.getElementById('btn-override').hidden = !giftOpen;
  // Nothing to undo, abandon or complete without an open pack — unless actions wait in the outbox
  // (offline, the pack may have been opened by a scan the server has not seen yet).
  const idle = (!answer?.pack || step === 'done' || step === 'scan_order') && view.pending.length === 0 && !view.queued;
  for (const id of ['btn-undo', 'btn-abandon', 'btn-complete']) document.getElementById(id).disabled = idle;
  tick();
}

function renderMessage(message) {
  const el = document.getElementById('pack-message');
  el.textContent = message?.text ?? '';
  el.dataset.severity = message?.severity ?? 'info';
  el.hidden = !message?.text;
}

function renderPending(pending) {
  const el = document.getElementById('pending');
  const scans = pending.filter((r) => r.kind === 'scan');
  const actions = pending.length - scans.length;
  el.hidden = pending.length === 0;
  const items = [h('span', { class: 'pending-label' }, t('pending.label', { count: pending.length }))];
  items.push(...scans.slice(-6).map((r) => h('span', { class: 'pending-code' }, r.body.code)));
  if (actions) items.push(h('span', { class: 'pending-code action' }, t('pending.actions', { count: actions })));
  el.replaceChildren(...items);
}

function orderCard(order, answer, view) {
  const deadline = typeof order.seconds_left === 'number' ? view.receivedAt + order.seconds_left * 1000 : null;
  const holds = order.holds ?? [];
  const address = order.address;
  const pendingCodes = view.pending.filter((r) => r.kind === 'scan').map((r) => r.body.code);
  return h(
    'div',
    { class: 'order' },
    h(
      'div',
      { class: 'order-head' },
      h('div', { class: 'order-no', 'data-testid': 'order-number' }, order.order_number),
      deadline !== null ? h('div', { class: 'countdown', dataset: { deadline: String(deadline) } }) : null,
    ),
    h(
      'div',
      { class: 'order-sub' },
      h('span', { class: 'status-chip' }, tOr(`status.${order.status}`, order.status ?? '')),
      order.tracking_number ? h('span', null, t('order.tracking', { tracking: order.tracking_number })) : null,
    ),
    holds.length
      ? h('div', { class: 'holds', role: 'alert' }, h('b', null, t('order.on_hold')), holds.map((x) => h('div', { class: 'hold' }, holdText(x))))
      : null,
    address?.changed
      ? h('div', { class: 'address-changed', role: 'alert' }, t('order.address_changed', { version: address.version ?? '' }))
      : null,
    address ? h('div', { class: 'address' }, [address.name, address.phone, address.province, address.city, address.district, address.detail].filter(Boolean).join(' ')) : null,
    h('ul', { class: 'lines' }, (order.lines ?? []).map((line) => lineRow(line, pendingCodes))),
    order.gift ? giftBlock(order.gift, pendingCodes) : null,
    answer?.pack ? remainingRow(answer.remaining) : null,
  );
}

function holdText(hold) {
  if (typeof hold === 'string') return tOr(`hold.${hold}`, hold);
  const kind = hold.kind ?? hold.code ?? hold.type ?? '';
  const label = tOr(`hold.${kind}`, kind);
  return [label, hold.reason].filter((x, i, all) => x && all.indexOf(x) === i).join(' · ');
}

function lineRow(line, pendingCodes) {
  const done = line.scanned >= line.required;
  const queued = pendingCodes.filter((c) => (line.barcodes ?? []).includes(c)).length;
  return h(
    'li',
    { class: `line${done ? ' is-done' : ''}${line.scanned > line.required ? ' is-over' : ''}`, dataset: { sku: line.sku } },
    h('div', { class: 'line-text' }, h('div', { class: 'line-name' }, line.name), h('div', { class: 'line-sku' }, line.sku)),
    h(
      'div',
      { class: 'line-count', 'aria-label': t('order.count_aria', { scanned: line.scanned, required: line.required }) },
      h('b', { class: 'scanned' }, String(line.scanned)),
      h('span', { class: 'sep' }, '/'),
      h('span', { class: 'required' }, String(line.required)),
      queued ? h('span', { class: 'queued' }, `+${queued}`) : null,
    ),
  );
}

function giftBlock(gift, pendingCodes) {
  const queued = pendingCodes.includes(gift.gift_number);
  const overridden = gift.status === 'overridden' || gift.status === 'waived';
  const state = gift.scanned ? 'done' : overridden ? 'overridden' : 'pending';
  return h(
    'div',
    { class: `gift is-${state}`, dataset: { state } },
    h('div', { class: 'gift-head' }, h('span', { class: 'gift-title' }, t('gift.title')), h('span', { class: 'gift-state' }, t(`gift.${state}`)), queued ? h('span', { class: 'queued' }, '+1') : null),
    h('div', { class: 'gift-number' }, gift.gift_number),
    (gift.lines ?? []).map((l) => h('div', { class: 'gift-line' }, `${l.name} × ${l.qty}`)),
  );
}

function remainingRow(remaining) {
  if (!remaining) return null;
  const parts = [];
  if (remaining.items) parts.push(t('remaining.items', { count: remaining.items }));
  if (remaining.gift) parts.push(t('remaining.gift', { count: remaining.gift }));
  return h('div', { class: `remaining${parts.length ? '' : ' is-none'}` }, parts.length ? parts.join(' · ') : t('remaining.none'));
}

/** Refresh the countdown chips: yellow under 2 h, red when overdue. */
export function tick() {
  for (const el of document.querySelectorAll('.countdown[data-deadline]')) {
    const left = (Number(el.dataset.deadline) - Date.now()) / 1000;
    el.classList.toggle('soon', left >= 0 && left < TWO_HOURS);
    el.classList.toggle('overdue', left < 0);
    el.textContent = left < 0 ? t('countdown.overdue', { time: clockText(left) }) : t('countdown.left', { time: clockText(left) });
  }
}

export function startTicker() {
  if (!ticker) ticker = setInterval(tick, 1000);
}
