// Shared by the CS desk and the KPI page: the session (token in sessionStorage), the language switch,
// API calls with Accept-Language, and time formatting in the warehouse's time zone.

const SESSION_KEY = "packline.desk.session";
const LANG_KEY = "packline.lang";

export const session = {
  get() {
    try { return JSON.parse(sessionStorage.getItem(SESSION_KEY) || "null"); } catch { return null; }
  },
  set(value) { sessionStorage.setItem(SESSION_KEY, JSON.stringify(value)); },
  clear() { sessionStorage.removeItem(SESSION_KEY); },
};

export function currentLang() {
  const saved = localStorage.getItem(LANG_KEY);
  return saved === "en" || saved === "zh-CN" ? saved : "zh-CN";
}

export function setLang(lang) {
  localStorage.setItem(LANG_KEY, lang);
  document.documentElement.lang = lang;
}

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.code = body && body.code;
    this.body = body;
  }
}

/** fetch JSON (or a Blob with raw=true) from /api/v1 with the bearer token; 401 ends the session. */
export async function api(path, { method = "GET", body, raw = false, onUnauthorized } = {}) {
  const headers = { "Accept-Language": currentLang() };
  const s = session.get();
  if (s && s.token) headers.Authorization = `Bearer ${s.token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401 && onUnauthorized) onUnauthorized();
  if (raw && response.ok) return response;
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { message: text }; }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export async function login(username, password) {
  const data = await api("/api/v1/auth/login", { method: "POST", body: { username, password } });
  const value = { token: data.token, name: data.display_name || data.user.name, role: data.user.role,
    warehouse: data.user.warehouse };
  session.set(value);
  return value;
}

export async function logout() {
  try { await api("/api/v1/auth/logout", { method: "POST" }); } catch { /* the token may already be gone */ }
  session.clear();
}

/** Fill [data-i18n] texts and [data-i18n-placeholder] placeholders from a {zh-CN, en} catalog. */
export function applyTexts(catalog, lang, root = document) {
  const texts = catalog[lang];
  root.querySelectorAll("[data-i18n]").forEach((el) => {
    const value = texts[el.dataset.i18n];
    if (value !== undefined) el.textContent = value;
  });
  root.querySelectorAll("[data-i18n-placeholder]").forEach((el) => {
    const value = texts[el.dataset.i18nPlaceholder];
    if (value !== undefined) el.placeholder = value;
  });
  root.querySelectorAll("[data-i18n-title]").forEach((el) => {
    const value = texts[el.dataset.i18nTitle];
    if (value !== undefined) el.title = value;
  });
}

export function format(template, vars = {}) {
  return template.replace(/\{(\w+)\}/g, (_, k) => (vars[k] === undefined || vars[k] === null ? "" : String(vars[k])));
}

export function fmtTime(iso, tz = "Asia/Shanghai", lang = currentLang(), withYear = false) {
  if (!iso) return "—";
  const date = new Date(iso);
  const options = { timeZone: tz, month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false };
  if (withYear) options.year = "numeric";
  return new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "zh-CN", options).format(date);
}

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}
