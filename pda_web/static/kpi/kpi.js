// The KPI page: selectors → GET /api/v1/metrics/dashboard → tiles, SVG charts, drill-down table, CSV.
import { api, applyTexts, currentLang, fmtTime, format, login, logout, session, setLang } from "../cs/common.js";
import { legend, lineChart, stackedBars } from "./charts.js";
import { TEXTS } from "./i18n.js";

const $ = (selector) => document.querySelector(selector);
const PALETTE = ["#e8590c", "#2f9e44", "#9c36b5", "#1098ad", "#f08c00", "#c2255c"];
const COLORS = { overall: "#1f6feb", on_time: "#2f9e44", late: "#e03131", pending: "#adb5bd", gift: "#f08c00", cs: "#1f6feb", p95: "#c2255c" };
const SOURCE_COLORS = ["#e03131", "#862e9c", "#d6336c", "#5f3dc4"];
let lang = currentLang();
let report = null;
const t = (key, vars) => format(TEXTS[lang][key] ?? key, vars);
const cap = (text) => (text ? text[0].toLocaleUpperCase() + text.slice(1) : text);
const pct = (v) => (v === null || v === undefined ? "—" : `${(v * 100).toFixed(1)}%`);

function showLogin() {
  session.clear();
  $("#app").hidden = true;
  $("#login").hidden = false;
}

async function showApp() {
  const s = session.get();
  $("#login").hidden = true;
  $("#app").hidden = false;
  $("#who").textContent = s ? `${s.name} · ${s.role}` : "";
  await loadDimensions();
  await loadDashboard();
}

function fillSelect(select, options, keepAll = true) {
  const current = select.value;
  select.replaceChildren();
  if (keepAll) select.append(new Option(t("all"), ""));
  for (const o of options) select.append(new Option(o.label, o.value));
  if ([...select.options].some((o) => o.value === current)) select.value = current;
}

async function loadDimensions() {
  const dims = await api("/api/v1/metrics/dimensions", { onUnauthorized: showLogin });
  const form = $("#filters");
  const lead = dims.warehouses.length === 1 && session.get()?.warehouse;
  fillSelect(form.warehouse, dims.warehouses.map((w) => ({ value: w.code, label: w.label })), !lead);
  fillSelect(form.channel, dims.channels.map((c) => ({ value: c.code, label: c.label })));
  fillSelect(form.shop, dims.shops.map((s) => ({ value: s.code, label: s.label })));
  fillSelect(form.brand, dims.brands.map((b) => ({ value: b, label: b })));
  const by = form.by.value || "channel";
  fillSelect(form.by, dims.by.map((b) => ({ value: b.key, label: cap(b.label) })), false);
  form.by.value = by;
}

function query(extra = {}) {
  const params = new URLSearchParams();
  const data = new FormData($("#filters"));
  for (const [key, value] of data.entries()) if (value) params.set(key, value);
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  return params.toString();
}

async function loadDashboard() {
  $("#status").textContent = t("loading");
  try {
    report = await api(`/api/v1/metrics/dashboard?${query()}`, { onUnauthorized: showLogin });
    const form = $("#filters");
    form.start.value = report.start;
    form.end.value = report.end;
    render();
  } catch (error) {
    $("#status").textContent = t("error", { message: error.message });
  }
}

function render() {
  if (!report) return;
  const r = report;
  const tot = r.totals;
  $("#t-rate").textContent = pct(tot.rate);
  $("#t-rate").dataset.band = tot.rate === null ? "" : tot.rate >= 0.95 ? "good" : tot.rate >= 0.85 ? "warn" : "bad";
  $("#t-rate-sub").textContent = t("tile_rate_sub", { on_time: tot.on_time, decided: tot.on_time + tot.late });
  $("#t-due").textContent = tot.due.toLocaleString();
  $("#t-due-sub").textContent = t("tile_due_sub", tot);
  $("#t-consistency").textContent = pct(tot.consistency_rate);
  $("#t-consistency-sub").textContent = t("tile_consistency_sub", tot);
  $("#t-interceptions").textContent = tot.interceptions.toLocaleString();
  $("#t-gift").textContent = tot.gift_omissions_prevented.toLocaleString();
  $("#t-cs").textContent = tot.cs_lookups.toLocaleString();
  $("#t-cs-sub").textContent = t("tile_cs_sub", { p50: tot.cs_latency_p50_worst_day, p95: tot.cs_latency_p95_worst_day });
  const live = r.days.some((d) => d.live);
  const stamps = r.days.map((d) => d.computed_at).filter(Boolean).sort();
  $("#status").textContent = live ? t("source_live") : stamps.length ? t("source_rollup", { at: fmtTime(stamps[0], "Asia/Shanghai", lang) }) : "";
  drawCharts();
  renderBreakdown();
}

function drawCharts() {
  const r = report;
  const days = r.days.map((d) => d.day);
  const series = [{ label: t("overall"), color: COLORS.overall, width: 3.5, values: r.days.map((d) => d.rate) }];
  if (r.by !== "day") {
    r.series.forEach((s, i) => series.push({ label: s.label, color: PALETTE[i % PALETTE.length], width: 1.8, dashed: false,
      values: s.points.map((p) => p.rate) }));
  }
  lineChart($("#c-rate"), { days, series, min: "auto", height: 270, emptyText: t("no_data") });
  legend($("#l-rate"), series.map((s) => ({ label: s.label, color: s.color, line: true })));

  const volume = [
    { label: t("on_time"), color: COLORS.on_time, values: r.days.map((d) => d.on_time) },
    { label: t("late"), color: COLORS.late, values: r.days.map((d) => d.late) },
    { label: t("pending"), color: COLORS.pending, values: r.days.map((d) => d.pending) },
  ];
  stackedBars($("#c-volume"), { days, stacks: volume, emptyText: t("no_data") });
  legend($("#l-volume"), volume);

  const sources = Object.keys(r.sources).filter((name) => name.startsWith("interceptions:"));
  const exceptions = sources.map((name, i) => ({ label: r.sources[name], color: SOURCE_COLORS[i % SOURCE_COLORS.length],
    values: r.days.map((d) => d.by_source[name] || 0) }));
  exceptions.push({ label: t("gift_omissions"), color: COLORS.gift, values: r.days.map((d) => d.gift_omissions_prevented) });
  stackedBars($("#c-exceptions"), { days, stacks: exceptions });
  legend($("#l-exceptions"), exceptions);

  const cs = [{ label: t("cs_lookups"), color: "#91a7ff", values: r.days.map((d) => d.cs_lookups || 0) }];
  const p95 = { label: t("p95"), color: COLORS.p95, format: (v) => `${Number(v).toFixed(v >= 10 ? 0 : 1)}`,
    values: r.days.map((d) => (d.cs_lookups ? d.cs_latency_p95 : null)) };
  stackedBars($("#c-cs"), { days, stacks: cs, line: p95 });
  legend($("#l-cs"), [...cs, { label: p95.label, color: p95.color, line: true }]);
}

function renderBreakdown() {
  const r = report;
  $("#h-breakdown").textContent = t("chart_breakdown", { by: r.by_label });
  const head = ["col_key", "col_due", "col_on_time", "col_late", "col_unshipped", "col_pending", "col_rate"]
    .map((k) => `<th>${escapeHtml(t(k, { by: cap(r.by_label) }))}</th>`).join("");
  const rows = r.breakdown.map((row) => {
    const rate = row.rate === null ? 0 : row.rate;
    const band = row.rate === null ? "" : rate >= 0.95 ? "good" : rate >= 0.85 ? "warn" : "bad";
    return `<tr data-key="${escapeHtml(row.key)}"><td>${escapeHtml(row.label)}</td><td>${row.due}</td><td>${row.on_time}</td>`
      + `<td>${row.late}</td><td>${row.unshipped}</td><td>${row.pending}</td>`
      + `<td class="rate"><span class="bar" data-band="${band}" style="--w:${rate.toFixed(4)}"></span><b>${pct(row.rate)}</b></td></tr>`;
  }).join("");
  $("#breakdown").innerHTML = rows
    ? `<table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`
    : `<p class="muted">${escapeHtml(t("no_data"))}</p>`;
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

async function exportCsv(table) {
  const response = await api(`/api/v1/metrics/export.csv?${query({ table })}`, { raw: true, onUnauthorized: showLogin });
  const blob = await response.blob();
  const match = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = match ? match[1] : `packline-kpi-${table}.csv`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

$("#login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  $("#login-error").textContent = "";
  try {
    await login(form.username.value.trim(), form.password.value);
    form.password.value = "";
    await showApp();
  } catch (error) {
    $("#login-error").textContent = error.message;
  }
});
$("#filters").addEventListener("submit", (event) => { event.preventDefault(); loadDashboard(); });
$("#filters").by.addEventListener("change", () => loadDashboard());
$("#export-days").addEventListener("click", () => exportCsv("days"));
$("#export-breakdown").addEventListener("click", () => exportCsv("breakdown"));
$("#logout").addEventListener("click", async () => { await logout(); showLogin(); });
document.querySelectorAll(".lang-toggle").forEach((button) => button.addEventListener("click", async () => {
  lang = lang === "en" ? "zh-CN" : "en";
  setLang(lang);
  applyTexts(TEXTS, lang);
  document.title = `Packline · ${t("page_title")}`;
  if (!$("#app").hidden) { await loadDimensions(); await loadDashboard(); }
}));
let resizeTimer = null;
window.addEventListener("resize", () => { clearTimeout(resizeTimer); resizeTimer = setTimeout(drawCharts, 150); });

setLang(lang);
applyTexts(TEXTS, lang);
document.title = `Packline · ${t("page_title")}`;
if (session.get()) showApp(); else showLogin();
document.body.dataset.ready = "yes";
