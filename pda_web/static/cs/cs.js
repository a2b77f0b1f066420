// The CS desk: one search box (key kind auto-detected), the answer card with the gift line on top,
// the history timeline, and the delay-coupon button. A client of /api/v1 only.
import { ApiError, api, applyTexts, currentLang, el, fmtTime, format, login, logout, session, setLang } from "./common.js";
import { TEXTS, detectKind } from "./i18n.js";

const $ = (selector) => document.querySelector(selector);
const ICONS = {
  gift: '<rect x="3" y="7" width="18" height="4" rx="1"/><rect x="5" y="11" width="14" height="9" rx="1"/>'
    + '<path d="M12 7v13"/><ellipse cx="9.3" cy="4.8" rx="2.7" ry="1.9"/><ellipse cx="14.7" cy="4.8" rx="2.7" ry="1.9"/>',
  lock: '<rect x="5" y="11" width="14" height="9" rx="2"/><path d="M8 11V8a4 4 0 0 1 8 0v3"/>',
  ticket: '<rect x="3" y="6" width="18" height="12" rx="2"/><path d="M15 6v12" stroke-dasharray="2 2"/>',
};

/** A small line icon (no emoji font is needed, so it renders the same on every desk PC). */
function icon(name, cls = "icon") {
  const span = el("span", { class: cls, "aria-hidden": "true" });
  span.innerHTML = `<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${ICONS[name]}</svg>`;
  return span;
}
let lang = currentLang();
let last = null; // {q, kind} of the last lookup, re-run when the language changes
const t = (key, vars) => format(TEXTS[lang][key] ?? key, vars);

function showLogin() {
  session.clear();
  $("#app").hidden = true;
  $("#login").hidden = false;
  $("#login-form [name=username]").focus();
}

function showApp() {
  const s = session.get();
  $("#login").hidden = true;
  $("#app").hidden = false;
  $("#who").textContent = s ? `${s.name} · ${s.role}` : "";
  $("#q").focus();
}

function renderTexts() {
  applyTexts(TEXTS, lang);
  document.title = `Packline · ${t("page_title")}`;
  updateDetect();
}

function updateDetect() {
  const kind = detectKind($("#q").value);
  $("#detect").textContent = kind ? `${t("detect_prefix")} ${t(`detect_${kind}`)}` : t("detect_empty");
  $("#detect").dataset.kind = kind || "";
}

async function lookup(q, kind = null) {
  last = { q, kind };
  const result = $("#result");
  result.setAttribute("aria-busy", "true");
  try {
    const data = await api("/api/v1/cs/lookup", { method: "POST", body: { q, kind }, onUnauthorized: showLogin });
    result.replaceChildren(render(data));
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) {
      result.replaceChildren(el("p", { class: "error-box", role: "alert" }, t("error", { message: error.message })));
    }
  } finally {
    result.removeAttribute("aria-busy");
  }
}

function render(data) {
  const meta = el("p", { class: "meta" },
    data.found ? t("found_by", { kind: data.kind_label }) : "", el("span", { class: "latency" }, t("took", { ms: data.latency_ms })));
  if (data.answer) return el("div", {}, meta, renderAnswer(data.answer));
  if (data.matches && data.matches.length) return el("div", {}, meta, renderMatches(data.matches));
  return el("div", { class: "not-found" }, el("h2", {}, t("not_found")), el("p", {}, t("not_found_hint")), meta);
}

function renderMatches(matches) {
  const rows = matches.map((m) =>
    el("tr", { tabindex: "0", dataset: { order: m.order_number },
      onclick: () => lookup(m.order_number, "order"),
      onkeydown: (e) => { if (e.key === "Enter") lookup(m.order_number, "order"); } },
    el("td", { class: "mono" }, m.order_number),
    el("td", {}, el("span", { class: `status status-${m.status}` }, m.status_label)),
    el("td", {}, m.customer_name), el("td", {}, m.shop), el("td", {}, fmtTime(m.paid_at, "Asia/Shanghai", lang)),
    el("td", {}, m.gift_line || "—")));
  return el("section", { class: "matches card" },
    el("h2", {}, t("matches_title", { n: matches.length })),
    el("table", {}, el("thead", {}, el("tr", {}, ["col_order", "col_status", "col_customer", "col_shop", "col_paid", "col_gift"].map((k) => el("th", {}, t(k))))),
      el("tbody", {}, rows)));
}

function fact(label, ...value) {
  return el("div", { class: "fact" }, el("dt", {}, label), el("dd", {}, ...value));
}

function renderAnswer(a) {
  const tz = a.timezone;
  const giftState = a.gift ? a.gift.status : "none";
  const promise = a.promise;
  const head = el("div", { class: "card-head" },
    el("span", { class: "order-no mono", title: a.order_number }, a.order_number),
    el("span", { class: `status status-${a.status}` }, a.status_label),
    a.holds.length ? el("span", { class: "status status-hold" }, `${t("holds")}: ${a.holds.map((h) => h.label).join("、")}`) : null);
  const gift = el("div", { class: `gift-line gift-${giftState}`, id: "gift-line" },
    icon("gift", "icon gift-icon"), el("span", { class: "gift-text" }, a.gift_line),
    a.gift ? el("span", { class: "gift-no mono" }, a.gift.gift_number) : null);
  const facts = el("dl", { class: "facts" },
    fact(t("ship_by"), el("strong", {}, fmtTime(promise.ship_by, tz, lang)),
      el("span", { class: `promise promise-${promise.state}` }, promise.text)),
    fact(t("tracking"), a.tracking
      ? [el("strong", {}, a.tracking.courier_label || a.tracking.courier || ""), " ", el("span", { class: "mono" }, a.tracking.number)]
      : el("span", { class: "muted" }, t("no_tracking"))),
    fact(t("last_operator"), a.last_operator
      ? [el("strong", {}, a.last_operator.actor), " · ", fmtTime(a.last_operator.at, tz, lang), " · ",
        `${a.last_operator.subject === "gift" ? a.last_operator.subject_label + " " : ""}${a.last_operator.to_label}`]
      : "—"),
    fact(t("paid_at"), fmtTime(a.paid_at, tz, lang), el("span", { class: "muted" }, ` ¥${a.paid_amount}`)),
    fact(t("external_id"), el("span", { class: "mono" }, a.external_id)),
    fact(t("shop"), `${a.shop} · ${a.warehouse_name}`));
  const holds = a.holds.length
    ? el("ul", { class: "holds" }, a.holds.map((h) => el("li", {}, el("strong", {}, h.label), h.reason ? ` — ${h.reason}` : "",
      el("span", { class: "muted" }, ` · ${h.placed_by} · ${fmtTime(h.placed_at, tz, lang)}`))))
    : null;
  const addr = a.address;
  const address = el("section", { class: "block" }, el("h3", {}, t("customer")),
    addr ? el("p", { class: "address" }, el("strong", {}, addr.name), `  ${addr.phone}`, el("br"), addr.text) : "—",
    addr && addr.masked ? el("p", { class: "muted small masked-note" }, icon("lock"), addr.note) : null);
  const items = el("section", { class: "block" }, el("h3", {}, t("items")),
    el("ul", { class: "items" }, a.lines.map((l) => el("li", {}, `${l.name}`, el("span", { class: "qty" }, `×${l.qty}`)))));
  const main = el("section", { class: "card answer", dataset: { order: a.order_number } },
    head, gift, facts, holds, el("div", { class: "two" }, address, items), renderCoupon(a));
  const timeline = el("aside", { class: "card timeline" }, el("h2", {}, t("timeline")),
    el("ol", {}, a.trail.map((s) => el("li", { class: `step step-${s.subject}` },
      el("time", {}, fmtTime(s.at, tz, lang)),
      el("div", { class: "what" }, s.subject === "gift" ? el("span", { class: "tag" }, s.subject_label) : null,
        `${s.from_label} → `, el("strong", {}, s.to_label)),
      el("div", { class: "who muted" }, `${s.actor} · ${s.source_system}${s.reason ? ` · ${s.reason}` : ""}`)))));
  return el("div", { class: "answer-grid" }, main, timeline);
}

function renderCoupon(a) {
  const box = el("section", { class: "coupon", id: "coupon" }, el("h3", {}, t("coupon")));
  if (a.coupon) {
    const c = a.coupon;
    box.append(el("p", { class: "coupon-issued" }, icon("ticket"), el("strong", {}, t("coupon_issued", { amount: c.amount, code: c.code }))),
      el("p", { class: "muted small" }, t("coupon_detail", { rule: c.rule_text, by: c.issued_by, at: fmtTime(c.issued_at, a.timezone, lang) })));
  } else if (a.coupon_eligible) {
    const button = el("button", { type: "button", class: "primary coupon-button", id: "coupon-button" }, t("coupon_issue"));
    button.addEventListener("click", () => issueCoupon(a.order_number, button));
    box.append(button);
  } else {
    box.append(el("p", { class: "muted" }, t("coupon_not_late")));
  }
  return box;
}

async function issueCoupon(orderNumber, button) {
  button.disabled = true;
  try {
    await api(`/api/v1/cs/orders/${encodeURIComponent(orderNumber)}/coupon`, { method: "POST", onUnauthorized: showLogin });
    await lookup(orderNumber, "order");
  } catch (error) {
    button.disabled = false;
    button.after(el("p", { class: "error", role: "alert" }, error.message));
  }
}

$("#login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  $("#login-error").textContent = "";
  try {
    await login(form.username.value.trim(), form.password.value);
    form.password.value = "";
    showApp();
  } catch (error) {
    $("#login-error").textContent = error.message;
  }
});

$("#search").addEventListener("submit", (event) => {
  event.preventDefault();
  const q = $("#q").value.trim();
  if (q) lookup(q);
});
$("#q").addEventListener("input", updateDetect);
$("#logout").addEventListener("click", async () => { await logout(); showLogin(); });
document.querySelectorAll(".lang-toggle").forEach((button) => button.addEventListener("click", () => {
  lang = lang === "en" ? "zh-CN" : "en";
  setLang(lang);
  renderTexts();
  if (last && !$("#app").hidden) lookup(last.q, last.kind);
}));

setLang(lang);
renderTexts();
if (session.get()) showApp(); else showLogin();
document.body.dataset.ready = "yes";
