/** i18n.js — zh-CN (default) and English catalogs from static/i18n/; every visible string comes from them. */

export const LOCALES = ['zh-CN', 'en'];
const STORAGE_KEY = 'packline.locale';
const BASE = new URL('../i18n/', import.meta.url);

let locale = 'zh-CN';
let catalog = {};
let fallback = {};

async function fetchCatalog(loc) {
  const res = await fetch(new URL(`${loc}.json`, BASE));
  if (!res.ok) throw new Error(`catalog ${loc}: HTTP ${res.status}`);
  return res.json();
}

export function getLocale() {
  return locale;
}

/** Load the saved locale (zh-CN unless the packer switched) and translate the page. */
export async function initI18n(root = document) {
  const saved = localStorage.getItem(STORAGE_KEY);
  await setLocale(LOCALES.includes(saved) ? saved : 'zh-CN', root);
}

export async function setLocale(loc, root = document) {
  const wanted = LOCALES.includes(loc) ? loc : 'zh-CN';
  const [main, base] = await Promise.all([fetchCatalog(wanted), wanted === 'zh-CN' ? null : fetchCatalog('zh-CN')]);
  catalog = main;
  fallback = base ?? main;
  locale = wanted;
  localStorage.setItem(STORAGE_KEY, wanted);
  document.documentElement.lang = wanted;
  applyI18n(root);
}

/** Text for key with {name} placeholders filled; the key itself when missing (visible in tests). */
export function t(key, params = {}) {
  const template = catalog[key] ?? fallback[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

/** Text for key if the catalog has it, else `otherwise` (server values such as an order status). */
export function tOr(key, otherwise) {
  return key in catalog || key in fallback ? t(key) : otherwise;
}

export function applyI18n(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const attr of ['placeholder', 'title', 'aria-label']) {
    for (const el of root.querySelectorAll(`[data-i18n-${attr}]`)) el.setAttribute(attr, t(el.getAttribute(`data-i18n-${attr}`)));
  }
}
