/** stations.js — the station picker: the last station first, every station a big button, scanning a
 * station's code picks it; a station without a printer is marked loudly. */
import { t } from '../i18n.js';
import { h } from '../util.js';

export function printerText(printer) {
  if (!printer) return t('station.no_printer');
  return [printer.format?.toUpperCase(), printer.size, printer.dpi ? `${printer.dpi}dpi` : null].filter(Boolean).join(' · ');
}

export function findStation(stations, code) {
  const wanted = String(code).trim().toUpperCase();
  return stations.find((s) => s.code.toUpperCase() === wanted) ?? null;
}

export function renderStations({ stations, lastCode, onPick, error }) {
  const list = document.getElementById('station-list');
  const sorted = [...stations].sort((a, b) => (a.kind === 'pack' ? 0 : 1) - (b.kind === 'pack' ? 0 : 1) || a.code.localeCompare(b.code));
  const last = sorted.find((s) => s.code === lastCode);
  const button = (s, extra = '') =>
    h(
      'button',
      { type: 'button', class: `station${s.printer ? '' : ' is-no-printer'}${extra ? ` is-${extra}` : ''}`, dataset: { code: s.code }, onclick: () => onPick(s) },
      h('span', { class: 'station-code' }, s.code),
      h('span', { class: 'station-name' }, s.name),
      h('span', { class: 'station-printer' }, s.printer ? printerText(s.printer) : `⚠ ${t('station.no_printer')}`),
      extra ? h('span', { class: 'station-last' }, t('station.last')) : null,
    );
  const items = [error ? h('div', { class: 'notice warning' }, error) : null, last ? button(last, 'last') : null];
  items.push(...sorted.filter((s) => s !== last).map((s) => button(s)));
  list.replaceChildren(...items.filter(Boolean));
}
