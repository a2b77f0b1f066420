/** chart.js — packed per hour per packer as stacked SVG bars, drawn by hand (no chart library, no CDN). */

const SVG = 'http://www.w3.org/2000/svg';
export const PALETTE = ['#4cc9f0', '#f72585', '#b5e48c', '#ffb703', '#9d4edd', '#fb8500', '#2ec4b6', '#e0e1dd'];

function el(name, attrs = {}, text = null) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== null) node.textContent = text;
  return node;
}

/** The hours worth showing: the last `minHours` up to now, widened back to the first hour with packs. */
export function hourRange(data, minHours = 8) {
  const current = Number.isInteger(data?.current_hour) ? data.current_hour : 23;
  let first = current;
  for (const p of data?.packers ?? []) {
    const idx = p.by_hour.findIndex((n) => n > 0);
    if (idx >= 0) first = Math.min(first, idx);
  }
  first = Math.max(0, Math.min(first, current - minHours + 1));
  const hours = [];
  for (let h = first; h <= current; h++) hours.push(h);
  return hours;
}

/** Draw into `svg` (sized by its box) and fill `legend` with packer name + total. */
export function drawPackedChart(svg, legend, data, { emptyText = '' } = {}) {
  const width = svg.clientWidth || 800;
  const height = svg.clientHeight || 300;
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.replaceChildren();
  legend.replaceChildren();
  const packers = data?.packers ?? [];
  if (!packers.length) {
    svg.appendChild(el('text', { x: width / 2, y: height / 2, class: 'chart-empty', 'text-anchor': 'middle' }, emptyText));
    return;
  }
  const hours = hourRange(data);
  const totals = hours.map((h) => packers.reduce((sum, p) => sum + (p.by_hour[h] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const top = 40;
  const bottom = 40;
  const left = 8;
  const plotH = height - top - bottom;
  const slot = (width - left) / hours.length;
  const barW = Math.max(6, slot * 0.7);
  svg.appendChild(el('line', { x1: left, x2: width, y1: top + plotH, y2: top + plotH, class: 'chart-axis' }));
  hours.forEach((h, i) => {
    const x = left + i * slot + (slot - barW) / 2;
    let y = top + plotH;
    packers.forEach((p, pi) => {
      const n = p.by_hour[h] ?? 0;
      if (!n) return;
      const barH = (n / max) * plotH;
      y -= barH;
      const rect = el('rect', { x, y, width: barW, height: Math.max(barH, 1), fill: PALETTE[pi % PALETTE.length] });
      rect.appendChild(el('title', {}, `${p.name} ${String(h).padStart(2, '0')}:00 — ${n}`));
      svg.appendChild(rect);
    });
    if (totals[i]) {
      svg.appendChild(el('text', { x: x + barW / 2, y: y - 8, class: 'chart-value', 'text-anchor': 'middle' }, totals[i]));
    }
    const current = h === data.current_hour;
    svg.appendChild(
      el(
        'text',
        { x: x + barW / 2, y: height - 8, class: current ? 'chart-hour current' : 'chart-hour', 'text-anchor': 'middle' },
        String(h).padStart(2, '0'),
      ),
    );
  });
  packers.forEach((p, pi) => {
    const item = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = PALETTE[pi % PALETTE.length];
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = p.name;
    const total = document.createElement('b');
    total.textContent = p.total;
    item.append(swatch, name, total);
    legend.appendChild(item);
  });
}
