// Small SVG charts for the KPI page — trend lines and stacked bars — drawn with no library.
// Every mark carries a <title>, so hovering shows the exact figure; colours always come with a legend.

const NS = "http://www.w3.org/2000/svg";
const PAD = { top: 14, right: 16, bottom: 30, left: 52 };

function svgEl(tag, attrs = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function frame(container, height, right = PAD.right) {
  const width = Math.max(320, Math.floor(container.getBoundingClientRect().width));
  const svg = svgEl("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img" });
  container.replaceChildren(svg);
  return { svg, width, height, right, plotW: width - PAD.left - right, plotH: height - PAD.top - PAD.bottom };
}

/** A round axis maximum with four even steps (1, 2, 4 or 5 × 10^k each): 3 → 4, 130 → 160. */
function niceMax(value, integer = true) {
  if (!(value > 0)) return 4;
  const raw = value / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 4, 5, 10].map((s) => s * power).find((s) => s >= raw);
  if (integer) step = Math.max(1, Math.ceil(step));
  return step * 4;
}

function xLabels(g, f, days, xOf) {
  const every = Math.max(1, Math.ceil(days.length / Math.max(1, Math.floor(f.plotW / 58))));
  days.forEach((day, i) => {
    if (i % every !== 0 && i !== days.length - 1) return;
    g.append(svgEl("text", { x: xOf(i), y: f.height - 8, "text-anchor": "middle", class: "axis" }, day.slice(5)));
  });
}

function yAxis(g, f, max, format, ticks = 4, side = "left", min = 0) {
  for (let i = 0; i <= ticks; i += 1) {
    const value = min + ((max - min) * i) / ticks;
    const y = PAD.top + f.plotH - (f.plotH * i) / ticks;
    if (side === "left") g.append(svgEl("line", { x1: PAD.left, x2: f.width - f.right, y1: y, y2: y, class: "grid" }));
    const x = side === "left" ? PAD.left - 8 : f.width - f.right + 6;
    g.append(svgEl("text", { x, y: y + 4, "text-anchor": side === "left" ? "end" : "start", class: "axis" }, format(value)));
  }
}

/** Lines over days. series: [{label, color, values: [number|null], width?, dashed?}]; the axis starts at
 * `min` ("auto": the lowest value rounded down to a tenth, so a 90–100 % month is not a flat line at the top). */
export function lineChart(container, { days, series, max = 1, min = 0, format = (v) => `${Math.round(v * 100)}%`, height = 260, emptyText = "" }) {
  const f = frame(container, height);
  const g = svgEl("g");
  f.svg.append(g);
  if (min === "auto") {
    const values = series.flatMap((s) => s.values).filter((v) => v !== null && v !== undefined);
    min = values.length ? Math.max(0, Math.min(max - 0.2, Math.floor((Math.min(...values) - 0.02) * 10) / 10)) : 0;
  }
  yAxis(g, f, max, format, 4, "left", min);
  const step = days.length > 1 ? f.plotW / (days.length - 1) : 0;
  const xOf = (i) => PAD.left + (days.length > 1 ? i * step : f.plotW / 2);
  const yOf = (v) => PAD.top + f.plotH - ((Math.min(v, max) - min) / (max - min)) * f.plotH;
  xLabels(g, f, days, xOf);
  let drawn = 0;
  for (const s of series) {
    // A gap (a day with nothing decided) breaks the line instead of drawing it down to zero.
    let d = "";
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null || v === undefined) { pen = false; return; }
      d += `${pen ? "L" : "M"}${xOf(i).toFixed(1)},${yOf(v).toFixed(1)} `;
      pen = true;
    });
    if (d) {
      g.append(svgEl("path", { d: d.trim(), fill: "none", stroke: s.color, "stroke-width": s.width || 2,
        "stroke-dasharray": s.dashed ? "6 4" : "none", "stroke-linejoin": "round", class: "line" }));
      drawn += 1;
    }
    s.values.forEach((v, i) => {
      if (v === null || v === undefined) return;
      const dot = svgEl("circle", { cx: xOf(i), cy: yOf(v), r: (s.width || 2) + 1.5, fill: s.color, class: "dot" });
      dot.append(svgEl("title", {}, `${s.label} · ${days[i]}: ${format(v)}`));
      g.append(dot);
    });
  }
  if (!drawn && emptyText) {
    g.append(svgEl("text", { x: f.width / 2, y: f.height / 2, "text-anchor": "middle", class: "empty" }, emptyText));
  }
  return f.svg;
}

/** Stacked bars per day. stacks: [{label, color, values: [number]}]; optional line on a right axis. */
export function stackedBars(container, { days, stacks, height = 240, format = (v) => String(Math.round(v)), line = null, emptyText = "" }) {
  const f = frame(container, height, line ? 48 : PAD.right);
  const g = svgEl("g");
  f.svg.append(g);
  const totals = days.map((_, i) => stacks.reduce((sum, s) => sum + (s.values[i] || 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  yAxis(g, f, max, format);
  const band = f.plotW / Math.max(1, days.length);
  const barW = Math.max(4, Math.min(38, band * 0.62));
  const xOf = (i) => PAD.left + band * i + band / 2;
  xLabels(g, f, days, xOf);
  days.forEach((day, i) => {
    let y = PAD.top + f.plotH;
    for (const s of stacks) {
      const value = s.values[i] || 0;
      if (!value) continue;
      const h = (value / max) * f.plotH;
      y -= h;
      const rect = svgEl("rect", { x: xOf(i) - barW / 2, y, width: barW, height: Math.max(h, 0.5), fill: s.color, rx: 2, class: "bar" });
      rect.append(svgEl("title", {}, `${day} · ${s.label}: ${format(value)}`));
      g.append(rect);
    }
  });
  if (line) {
    const lineMax = niceMax(Math.max(0, ...line.values.filter((v) => v !== null)), false);
    yAxis(g, f, lineMax, line.format, 4, "right");
    const yOf = (v) => PAD.top + f.plotH - (v / lineMax) * f.plotH;
    const points = line.values.map((v, i) => (v === null ? null : [xOf(i), yOf(v)]));
    const d = points.filter(Boolean).map((p, k) => `${k ? "L" : "M"}${p[0].toFixed(1)},${p[1].toFixed(1)}`).join(" ");
    if (d) g.append(svgEl("path", { d, fill: "none", stroke: line.color, "stroke-width": 2.5, class: "line" }));
    points.forEach((p, i) => {
      if (!p) return;
      const dot = svgEl("circle", { cx: p[0], cy: p[1], r: 3.5, fill: line.color });
      dot.append(svgEl("title", {}, `${days[i]} · ${line.label}: ${line.format(line.values[i])}`));
      g.append(dot);
    });
  }
  if (!totals.some(Boolean) && emptyText) {
    g.append(svgEl("text", { x: f.width / 2, y: f.height / 2, "text-anchor": "middle", class: "empty" }, emptyText));
  }
  return f.svg;
}

export function legend(container, items) {
  container.replaceChildren(...items.map((item) => {
    const li = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.className = `swatch${item.dashed ? " dashed" : ""}${item.line ? " line" : ""}`;
    swatch.style.setProperty("--c", item.color);
    li.append(swatch, document.createTextNode(item.label));
    return li;
  }));
}
