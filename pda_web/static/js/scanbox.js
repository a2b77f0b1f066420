/**
 * scanbox.js — binds the pure ScanAssembler (scanner.js) to a page's scan input and keeps that input
 * focused: refocus on blur, on visibilitychange, on window focus, after every tap and dialog, and a
 * watchdog. Keys that still land elsewhere (a button kept focus after a dialog) are captured at the
 * document and fed to the assembler, so a wedge's Enter never "clicks" a focused button.
 * Each code gets its client_scan_id here, when it is read, so every retry replays the same id.
 */
import { DEFAULTS, ScanAssembler, terminatorOf } from './scanner.js';
import { newId } from './util.js';

const SETTINGS_KEY = 'packline.scanner';
const SUFFIX_KEY = 'packline.scanner.suffix'; // what the assembler learned about this device's scanner

export function loadScannerSettings() {
  try {
    return { ...DEFAULTS, ...JSON.parse(localStorage.getItem(SETTINGS_KEY) ?? '{}') };
  } catch {
    return { ...DEFAULTS };
  }
}

export function saveScannerSettings(settings) {
  localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
}

/** Fields where a person types with the soft keyboard (login form, manual entry): never stolen. */
const takesTyping = (el) => !!el?.closest?.('[data-text-entry]');

export function attachScanbox(input, { onScan, onBurst, onKey, settings = loadScannerSettings() } = {}) {
  const handlers = [];
  const assembler = new ScanAssembler({
    ...settings,
    expectSuffix: localStorage.getItem(SUFFIX_KEY) === 'yes',
    onBuffer: (text) => {
      if (input.value !== text) input.value = text;
    },
    onBurst,
    onScan: ({ code, raw, terminator }) => {
      const scan = { code, raw, terminator, client_scan_id: newId(), read_at: new Date().toISOString() };
      localStorage.setItem(SUFFIX_KEY, assembler.expectSuffix ? 'yes' : 'no');
      onScan?.(scan);
      const handler = handlers[handlers.length - 1];
      if (handler) handler(scan);
    },
  });

  for (const [name, value] of Object.entries({
    inputmode: 'none',
    autocomplete: 'off',
    autocorrect: 'off',
    autocapitalize: 'off',
    spellcheck: 'false',
    enterkeyhint: 'done',
  })) {
    input.setAttribute(name, value);
  }

  function focus() {
    const active = document.activeElement;
    if (active === input || takesTyping(active) || input.disabled) return;
    input.focus({ preventScroll: true });
  }
  const focusSoon = () => setTimeout(focus, 0);

  input.addEventListener('keydown', (ev) => {
    onKey?.(ev);
    if (assembler.keydown(ev)) ev.preventDefault();
  });
  input.addEventListener('input', (ev) => assembler.text(input.value, undefined, ev.data ?? null));
  input.addEventListener('blur', focusSoon);

  document.addEventListener(
    'keydown',
    (ev) => {
      if (ev.target === input || takesTyping(ev.target)) return;
      if (ev.ctrlKey || ev.altKey || ev.metaKey) return;
      const printable = typeof ev.key === 'string' && [...ev.key].length === 1;
      if (!printable && !terminatorOf(ev)) return;
      ev.preventDefault();
      onKey?.(ev);
      assembler.keydown(ev);
      if (printable) assembler.append(ev.key);
      focus();
    },
    true,
  );
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) focusSoon();
  });
  window.addEventListener('focus', focusSoon);
  window.addEventListener('pageshow', focusSoon);
  document.addEventListener('pointerup', focusSoon, true);
  setInterval(focus, 1000);
  focus();

  return {
    input,
    assembler,
    focus,
    /** The newest handler gets the scans (a dialog pushes one while it is open); returns pop(). */
    pushHandler(fn) {
      handlers.push(fn);
      return () => {
        const i = handlers.lastIndexOf(fn);
        if (i >= 0) handlers.splice(i, 1);
        focusSoon();
      };
    },
    reset: () => assembler.reset(),
    /** Hand a scan read earlier to whoever takes scans now. */
    dispatch(scan) {
      const handler = handlers[handlers.length - 1];
      if (handler) handler(scan);
    },
  };
}
