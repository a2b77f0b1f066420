/**
 * scanner.js — pure keystroke/burst logic for keyboard-wedge barcode scanners. No DOM; the clock is
 * injectable, so the browser test drives it with a fake clock and the diagnostics page shows its cuts.
 *
 * A wedge "types" a barcode: characters a few ms apart, then maybe a terminator (Enter, Tab, CR+LF,
 * two CRs), maybe several barcodes in one burst, maybe no terminator at all. A code is cut:
 *  - at every terminator key (Enter/Tab, also keyCode 13/9 from wedges that report "Unidentified"),
 *  - at CR/LF/TAB inside the text itself (text committed at once by an IME-style wedge),
 *  - after `silenceMs` without a keystroke, if the pending text has at least `minLength` characters
 *    and arrived at machine speed (the median gap between its keys is below `silenceMs`). A hiccup in
 *    the middle of a wedge's burst (a GC pause on the PDA) does not strand the code; text typed by a
 *    person (keys further apart than `silenceMs`) is never cut by silence: it waits for Enter.
 *    A leftover fragment older than `staleMs` is dropped when the next burst starts, so a stray key
 *    cannot glue itself onto the next barcode.
 * Once the scanner has shown that it ends codes with Enter/Tab (most are set up so), the silence wait
 * grows to `suffixWaitMs`: a pause inside a burst then never splits a code, because the terminator is
 * coming. A code that still arrives without one is cut after that wait and switches back to the short
 * silence (the scanner was reconfigured).
 * Empty pieces (the LF of CR+LF, the second CR) are dropped; codes are trimmed.
 */

export const DEFAULTS = Object.freeze({ silenceMs: 50, minLength: 3, staleMs: 1500, suffixWaitMs: 300 });

const EDGE_JUNK = /^[\s\u0000-\u001f\u007f\u200b\ufeff]+|[\s\u0000-\u001f\u007f\u200b\ufeff]+$/g;
const SEPARATORS = /[\r\n\t]/;

/** One scanned code without surrounding whitespace, control characters or zero-width marks. */
export function cleanCode(raw) {
  return String(raw ?? '').replace(EDGE_JUNK, '');
}

/** Every code in a piece of text that may hold several, separated by CR, LF, CR+LF or TAB. */
export function splitCodes(raw) {
  return String(raw ?? '').split(/[\r\n\t]+/).map(cleanCode).filter(Boolean);
}

/** 'Enter' or 'Tab' when a key event ends a code, else null. */
export function terminatorOf(ev) {
  if (!ev) return null;
  if (ev.key === 'Enter' || ev.keyCode === 13) return 'Enter';
  if (ev.key === 'Tab' || ev.keyCode === 9) return 'Tab';
  return null;
}

const realClock = {
  now: () => (typeof performance !== 'undefined' ? performance.now() : Date.now()),
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle),
};

/** Readable form of raw text: control characters shown as <CR>, <LF>, <TAB>, <0x1D>. */
export function visible(raw) {
  return String(raw ?? '').replace(/[\u0000-\u001f\u007f]/g, (c) => {
    if (c === '\r') return '<CR>';
    if (c === '\n') return '<LF>';
    if (c === '\t') return '<TAB>';
    return `<0x${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}>`;
  });
}

/**
 * Turns keydown/input events into scanned codes.
 * Host contract: call keydown(ev) on every keydown (preventDefault when it returns true), text(value)
 * after every input event with the field's whole value, append(ch) for a printable key that reached
 * the page while the field did not have focus; mirror onBuffer(text) into the field.
 * Callbacks: onScan({code, raw, terminator}), onBurst(burst) when a burst ends (diagnostics),
 * onBuffer(text) whenever the pending text changes.
 */
export class ScanAssembler {
  constructor(options = {}) {
    const { onScan, onBurst, onBuffer, clock, expectSuffix = false, ...settings } = options;
    this.settings = { ...DEFAULTS };
    for (const [k, v] of Object.entries(settings)) if (v !== undefined && v !== null) this.settings[k] = Number(v);
    this.onScan = onScan ?? (() => {});
    this.onBurst = onBurst ?? (() => {});
    this.onBuffer = onBuffer ?? (() => {});
    this.clock = clock ?? realClock;
    this.buffer = '';
    this.burst = null;
    this.bursts = 0;
    this._times = []; // when each change of the pending text happened (its rhythm)
    this.expectSuffix = !!expectSuffix; // learned: this scanner ends its codes with Enter/Tab
    this._timer = null;
    this._expectText = false;
  }

  keydown(ev, t = this.clock.now()) {
    this._begin(t);
    const terminator = terminatorOf(ev);
    const printable = typeof ev.key === 'string' && [...ev.key].length === 1;
    this._record(t, { kind: 'key', key: ev.key, code: ev.code ?? '', keyCode: ev.keyCode ?? 0, terminator });
    this._expectText = printable && !terminator;
    if (terminator) {
      this._cut(terminator);
      return true;
    }
    return false;
  }

  text(value, t = this.clock.now(), data = null) {
    this._begin(t);
    if (!this._expectText) this._record(t, { kind: 'text', data: data ?? value });
    this._expectText = false;
    let next = String(value ?? '');
    if (SEPARATORS.test(next)) {
      const parts = next.split(/\r\n|[\r\n\t]/);
      next = parts.pop();
      for (const part of parts) {
        this.buffer = part;
        this._cut('inline');
      }
    }
    this._setBuffer(next, t);
  }

  append(ch, t = this.clock.now()) {
    this.text(this.buffer + ch, t, ch);
  }

  /** End the current burst now (as if the silence had passed). */
  flush(t = this.clock.now()) {
    this._disarm();
    this._silence(t);
  }

  /** Forget pending text and the open burst (leaving a screen). */
  reset() {
    this._disarm();
    this.burst = null;
    this._setBuffer('', this.clock.now());
  }

  /** Median time between the changes of the pending text; 0 when it came in one piece. */
  pendingGap() {
    const gaps = this._times.slice(1).map((t, i) => t - this._times[i]).sort((a, b) => a - b);
    return gaps.length ? gaps[Math.floor(gaps.length / 2)] : 0;
  }

  _begin(t) {
    if (!this.burst) {
      this.burst = { n: ++this.bursts, start: t, last: t, events: [], segments: [] };
      const changedAt = this._times[this._times.length - 1];
      if (this.buffer && t - changedAt >= this.settings.staleMs) {
        this.burst.segments.push({ raw: this.buffer, terminator: null, codes: [], note: 'stale' });
        this._setBuffer('', t);
      }
    }
    this._arm();
  }

  _record(t, event) {
    const b = this.burst;
    b.events.push({ ...event, dt: Math.round((t - b.last) * 10) / 10, at: Math.round((t - b.start) * 10) / 10 });
    b.last = t;
  }

  _setBuffer(text, t) {
    if (!text) this._times = [];
    else if (!this.buffer) this._times = [t];
    else if (text !== this.buffer) this._times.push(t);
    this.buffer = text;
    this.onBuffer(text);
  }

  _cut(terminator) {
    const raw = this.buffer;
    const codes = splitCodes(raw);
    this.burst?.segments.push({ raw, terminator, codes, note: codes.length ? null : 'empty' });
    this.buffer = '';
    this._times = [];
    this.onBuffer('');
    if (codes.length && (terminator === 'Enter' || terminator === 'Tab')) this.expectSuffix = true;
    if (terminator === 'silence') this.expectSuffix = false;
    for (const code of codes) this.onScan({ code, raw, terminator });
  }

  /** How long a silence ends a burst now. */
  silenceWait() {
    const { silenceMs, suffixWaitMs } = this.settings;
    return this.expectSuffix ? Math.max(silenceMs, suffixWaitMs) : silenceMs;
  }

  _arm() {
    this._disarm();
    this._timer = this.clock.set(() => {
      this._timer = null;
      this._silence(this.clock.now());
    }, this.silenceWait());
  }

  _disarm() {
    if (this._timer !== null) this.clock.clear(this._timer);
    this._timer = null;
  }

  _silence(t) {
    const burst = this.burst;
    if (!burst) return;
    burst.wait = this.silenceWait();
    if (this.buffer) {
      const machine = this.pendingGap() < this.settings.silenceMs;
      if (machine && cleanCode(this.buffer).length >= this.settings.minLength) {
        this._cut('silence');
      } else {
        burst.segments.push({ raw: this.buffer, terminator: null, codes: [], note: 'waiting' });
      }
    }
    this.burst = null;
    const gaps = burst.events.slice(1).map((e) => e.dt);
    burst.duration = Math.round((burst.last - burst.start) * 10) / 10;
    burst.maxGap = gaps.length ? Math.max(...gaps) : 0;
    burst.meanGap = gaps.length ? Math.round((gaps.reduce((a, b) => a + b, 0) / gaps.length) * 10) / 10 : 0;
    burst.endedAt = t;
    this.onBurst(burst);
  }
}
