/** handover.js — the dock screens as pure drawing of state: the courier choice (with what waits for each
 * courier and any open batch), the batch (big counts of parcels handed over and stopped, the last scans),
 * and the closed batch's summary. The server decides; this only draws its answers. */
import { t } from '../i18n.js';
import { h } from '../util.js';

const $ = (id) => document.getElementById(id);
const MARKS = { ok: '✓', duplicate: '=', rejected: '✕' };

export function renderCouriers({ couriers, openBatches, error, onPick }) {
  $('dock-error').textContent = error ?? '';
  $('dock-error').hidden = !error;
  const open = new Map(openBatches.map((b) => [b.courier, b]));
  const buttons = couriers.map((c) =>
    h(
      'button',
      { type: 'button', class: `courier${open.has(c.code) ? ' is-open' : ''}`, dataset: { code: c.code }, onclick: () => onPick(c.code) },
      h('span', null, h('div', { class: 'courier-name' }, c.name), h('div', { class: 'courier-code' }, c.code)),
      h('span', { class: 'courier-waiting' }, t('dock.waiting', { count: c.waiting })),
      open.has(c.code) ? h('span', { class: 'courier-open' }, t('dock.resume', { number: open.get(c.code).number })) : null,
    ),
  );
  $('courier-list').replaceChildren(...buttons);
}

export function renderBatch({ batch, recent, message }) {
  const counts = batch?.counts ?? { scanned: 0, intercepted: 0, weight_g: 0 };
  $('batch-courier').textContent = batch ? t('dock.batch_for', { courier: courierName(batch.courier) }) : '';
  $('batch-number').textContent = batch?.number ?? '';
  $('count-scanned').textContent = String(counts.scanned);
  $('count-intercepted').textContent = String(counts.intercepted);
  $('count-intercepted').parentElement.classList.toggle('has', counts.intercepted > 0);
  $('count-weight').textContent = (counts.weight_g / 1000).toFixed(2);
  const bar = $('batch-message');
  bar.textContent = message?.text ?? '';
  bar.dataset.severity = message?.severity ?? 'info';
  bar.hidden = !message?.text;
  $('recent').replaceChildren(
    ...recent.slice(0, 8).map((r) =>
      h(
        'li',
        { class: `is-${r.result}`, dataset: { code: r.code, result: r.result } },
        h('span', { class: 'mark' }, MARKS[r.result] ?? '…'),
        h('span', { class: 'code' }, r.code),
        h('span', { class: 'text' }, r.text),
      ),
    ),
  );
}

export function renderClosed({ closed }) {
  const lines = [
    h('div', { class: 'line', dataset: { testid: 'closed-batch' } }, t('dock.closed_batch', { number: closed.number, courier: courierName(closed.courier) })),
    h('div', { class: 'line' }, t('dock.closed_counts', { parcels: closed.counts.scanned, orders: closed.shipped?.length ?? 0 })),
  ];
  if (closed.counts.intercepted) lines.push(h('div', { class: 'line stop' }, t('dock.closed_intercepted', { count: closed.counts.intercepted })));
  if (closed.partially_shipped?.length) lines.push(h('div', { class: 'line' }, t('dock.closed_partial', { count: closed.partially_shipped.length })));
  const stopped = closed.stopped ?? [];
  if (stopped.length) {
    lines.push(
      h('div', { class: 'line stop' }, t('dock.closed_stopped', { count: stopped.length }), stopped.map((s) => h('div', null, `${s.tracking_number} · ${s.order_number} · ${s.reason}`))),
    );
  }
  $('closed-summary').replaceChildren(...lines);
}

export function courierName(code) {
  const key = `dock.courier.${code}`;
  const name = t(key);
  return name === key ? code : name;
}
