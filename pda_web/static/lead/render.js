/** render.js — draws the lead screen's panels from the board/snapshot data; text only via textContent. */
import { t } from './i18n.js';

export const STATUSES = ['paid', 'picking', 'printed', 'packed'];
const BANDS = ['red', 'yellow', 'green'];

function h(tag, className = '', text = null) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== null) node.textContent = text;
  return node;
}

/** 1:02:03 (or 12:03 under an hour) for a duration in ms. */
export function formatDuration(ms) {
  const total = Math.max(0, Math.floor(Math.abs(ms) / 1000));
  const hours = Math.floor(total / 3600);
  const mm = String(Math.floor((total % 3600) / 60)).padStart(2, '0');
  const ss = String(total % 60).padStart(2, '0');
  return hours ? `${hours}:${mm}:${ss}` : `${mm}:${ss}`;
}

export function bandAt(shipByMs, nowMs, yellowMs) {
  if (!Number.isFinite(shipByMs)) return 'none';
  if (shipByMs <= nowMs) return 'red';
  return shipByMs - nowMs <= yellowMs ? 'yellow' : 'green';
}

export function renderTiles(root, counts, totals) {
  root.replaceChildren();
  for (const status of STATUSES) {
    const c = counts?.[status] ?? { red: 0, yellow: 0, green: 0, total: 0 };
    const tile = h('div', 'tile');
    tile.dataset.status = status;
    tile.append(h('div', 'tile-label', t(`status_${status}`)), h('div', 'tile-total', String(c.total)));
    const bands = h('div', 'bands');
    for (const band of BANDS) {
      const chip = h('span', `chip ${band}${c[band] ? '' : ' zero'}`);
      chip.dataset.band = band;
      chip.append(h('small', '', t(band)), h('b', '', String(c[band] ?? 0)));
      bands.appendChild(chip);
    }
    tile.appendChild(bands);
    root.appendChild(tile);
  }
  const summary = h('div', `tile summary${totals?.red ? ' alarm' : ''}`);
  summary.dataset.status = 'overdue';
  summary.append(h('div', 'tile-label', t('overdue_total')), h('div', 'tile-total', String(totals?.red ?? 0)));
  summary.appendChild(h('div', 'tile-sub', `${t('total_open')} ${totals?.total ?? 0}`));
  root.appendChild(summary);
}

/** A countdown cell: ticks every second from `data-ship-by` (see tickCountdowns). */
function countdownCell(shipBy) {
  const cell = h('span', 'countdown');
  cell.dataset.shipBy = shipBy ?? '';
  return cell;
}

/** The order number with its last digits bright: what people read out and match on a label. */
function orderNumber(number, tail = 5) {
  const cell = h('span', 'order');
  cell.title = number;
  cell.append(h('span', 'order-head', number.slice(0, -tail)), h('span', 'order-tail', number.slice(-tail)));
  return cell;
}

export function renderOverdue(root, items) {
  root.replaceChildren();
  if (!items?.length) {
    root.appendChild(h('li', 'empty', t('none_overdue')));
    return;
  }
  items.forEach((item, i) => {
    const row = h('li', 'row');
    row.dataset.order = item.order_number;
    row.append(
      h('span', 'rank', String(i + 1)),
      orderNumber(item.order_number),
      h('span', `status s-${item.status}`, t(`status_${item.status}`)),
      countdownCell(item.ship_by),
    );
    root.appendChild(row);
  });
}

export function renderNoTracking(root, items, nowMs) {
  root.replaceChildren();
  if (!items?.length) {
    root.appendChild(h('li', 'empty', t('none_no_tracking')));
    return;
  }
  for (const item of items) {
    const minutes = Math.max(0, Math.floor((nowMs - Date.parse(item.printed_at)) / 60000));
    const row = h('li', 'row');
    row.dataset.order = item.order_number;
    row.append(
      orderNumber(item.order_number),
      h('span', 'age', t('since_printed', { h: Math.floor(minutes / 60), m: minutes % 60 })),
    );
    root.appendChild(row);
  }
}

export function renderAlerts(root, alerts, { onAck, timeZone, locale }) {
  root.replaceChildren();
  if (!alerts?.length) {
    root.appendChild(h('li', 'empty', t('none_alerts')));
    return;
  }
  const fmt = new Intl.DateTimeFormat('zh-CN', { timeZone, hour: '2-digit', minute: '2-digit', hour12: false });
  const en = locale === 'en';
  for (const alert of alerts) {
    const sev = ['critical', 'error', 'warning', 'info'].includes(alert.severity) ? alert.severity : 'warning';
    const acked = Boolean(alert.acknowledged_at);
    const row = h('li', `alert sev-${sev}${acked ? ' acked' : ''}`);
    row.dataset.alertId = alert.id;
    const body = h('div', 'alert-body');
    const head = h('div', 'alert-head');
    const title = (en && alert.title_en) || alert.title || alert.kind;
    head.append(
      h('span', 'sev', t(`sev_${sev}`)),
      h('span', 'alert-title', title),
      h('time', 'alert-time', alert.raised_at ? fmt.format(new Date(alert.raised_at)) : ''),
    );
    body.appendChild(head);
    const message = (en && alert.message_en) || alert.message;
    const number = alert.order_number && !(message ?? '').includes(alert.order_number) ? alert.order_number : null;
    const detail = [number, alert.station, message].filter(Boolean).join(' · ');
    if (detail) body.appendChild(h('div', 'alert-msg', detail));
    row.appendChild(body);
    if (acked) {
      row.appendChild(h('span', 'acked-mark', t('acked')));
    } else {
      const ack = h('button', 'ack', t('ack'));
      ack.type = 'button';
      ack.addEventListener('click', () => onAck(alert, ack));
      row.appendChild(ack);
    }
    root.appendChild(row);
  }
}

/** Re-draw every countdown under `root` for the server clock `nowMs`. */
export function tickCountdowns(root, nowMs, yellowMs) {
  for (const cell of root.querySelectorAll('.countdown')) {
    const shipBy = Date.parse(cell.dataset.shipBy);
    const band = bandAt(shipBy, nowMs, yellowMs);
    cell.dataset.band = band;
    if (band === 'none') {
      cell.textContent = '—';
    } else {
      const text = formatDuration(shipBy - nowMs);
      cell.textContent = band === 'red' ? t('overdue_by', { t: text }) : t('left', { t: text });
    }
  }
}
