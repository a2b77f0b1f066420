/** diagnostics.js — the scanner set-up page: every raw keystroke burst with key codes, the time between
 * keys, the terminator detected and how the splitter cut it, plus the two settings the PDA page uses. */
import { getLocale, initI18n, setLocale, t } from './i18n.js';
import { attachScanbox, loadScannerSettings, saveScannerSettings } from './scanbox.js';
import { visible } from './scanner.js';
import { h } from './util.js';

const LIMITS = { silenceMs: [20, 500], minLength: [1, 20] };
const settings = loadScannerSettings();
let scanbox = null;
const bursts = [];

function describeKey(e) {
  if (e.kind === 'text') return h('td', { class: 'ime' }, `input "${visible(e.data)}"`);
  return h('td', { class: e.terminator ? 'term' : '' }, visible(e.key));
}

function burstCard(b) {
  const terminators = b.segments.map((s) => s.terminator).filter(Boolean);
  const slow = b.maxGap > settings.silenceMs * 0.6;
  return h(
    'section',
    { class: 'burst', dataset: { n: String(b.n) } },
    h('h2', null, t('diag.burst', { n: b.n })),
    h(
      'div',
      { class: 'burst-stats' },
      h('span', null, t('diag.keys', { count: b.events.length })),
      h('span', null, t('diag.duration', { ms: b.duration })),
      h('span', { class: slow ? 'warn' : '' }, t('diag.max_gap', { ms: b.maxGap })),
      h('span', null, t('diag.mean_gap', { ms: b.meanGap })),
      h('span', null, t('diag.wait', { ms: b.wait })),
      h('span', { class: 'terminators' }, t('diag.terminators', { list: terminators.length ? terminators.map((x) => t(`diag.term.${x}`)).join(' + ') : t('diag.none') })),
    ),
    slow ? h('p', { class: 'notice warning' }, t('diag.too_slow', { ms: settings.silenceMs })) : null,
    h(
      'ol',
      { class: 'segments' },
      b.segments.map((s) =>
        h(
          'li',
          { class: `segment ${s.codes.length ? 'ok' : 'dropped'}` },
          h('code', null, `"${visible(s.raw)}"`),
          ' → ',
          s.codes.length ? s.codes.map((c) => h('b', { class: 'cut-code' }, c)) : h('i', null, t(`diag.note.${s.note}`)),
          h('span', { class: 'seg-term' }, s.terminator ? t(`diag.term.${s.terminator}`) : ''),
        ),
      ),
    ),
    h(
      'table',
      { class: 'keys' },
      h('thead', null, h('tr', null, ['#', t('diag.col.key'), 'keyCode', 'code', 'Δ ms'].map((x) => h('th', null, x)))),
      h(
        'tbody',
        null,
        b.events.map((e, i) =>
          h('tr', null, h('td', null, String(i + 1)), describeKey(e), h('td', null, e.kind === 'key' ? String(e.keyCode) : ''), h('td', null, e.code ?? ''), h('td', null, String(e.dt))),
        ),
      ),
    ),
  );
}

function render() {
  document.getElementById('suffix-mode').textContent = t(scanbox?.assembler.expectSuffix ? 'diag.suffix_yes' : 'diag.suffix_no', { ms: settings.suffixWaitMs });
  document.getElementById('silenceMs').textContent = String(settings.silenceMs);
  document.getElementById('minLength').textContent = String(settings.minLength);
  document.getElementById('bursts').replaceChildren(...bursts.slice(-20).reverse().map(burstCard));
}

function change(name, delta) {
  const [lo, hi] = LIMITS[name];
  settings[name] = Math.min(hi, Math.max(lo, Number(settings[name]) + delta));
  saveScannerSettings(settings);
  scanbox.assembler.settings[name] = settings[name];
  render();
}

async function start() {
  await initI18n();
  document.getElementById('diag-agent').textContent = navigator.userAgent;
  scanbox = attachScanbox(document.getElementById('scanbox'), {
    settings,
    onBurst: (b) => {
      bursts.push(b);
      render();
    },
  });
  scanbox.pushHandler(() => {});
  for (const btn of document.querySelectorAll('[data-setting]')) {
    btn.addEventListener('click', () => change(btn.dataset.setting, Number(btn.dataset.delta)));
  }
  document.getElementById('diag-clear').addEventListener('click', () => {
    bursts.length = 0;
    render();
  });
  const lang = document.getElementById('lang-btn');
  lang.textContent = t('top.other_language');
  lang.addEventListener('click', async () => {
    await setLocale(getLocale() === 'zh-CN' ? 'en' : 'zh-CN');
    lang.textContent = t('top.other_language');
    render();
  });
  window.__diag = { bursts, scanbox };
  render();
  document.body.dataset.ready = 'yes';
}

start();
