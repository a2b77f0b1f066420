/** feedback.js — loud, distinct signals for a noisy floor: Web Audio tones (no sound files) and
 * vibration patterns. Every signal is also logged (window.__pda.feedbackLog) for the browser tests. */

// Success: two bright rising square blips. Warning: two mid triangle beeps. Error: a long low
// sawtooth "buzz" alternating pitch — unmistakable even through ear protection.
const TONES = {
  success: [
    { f: 1175, d: 0.07, type: 'square' },
    { f: 1760, d: 0.11, type: 'square' },
  ],
  warning: [
    { f: 784, d: 0.16, type: 'triangle' },
    { f: 0, d: 0.08 },
    { f: 784, d: 0.16, type: 'triangle' },
  ],
  error: [
    { f: 233, d: 0.22, type: 'sawtooth' },
    { f: 165, d: 0.22, type: 'sawtooth' },
    { f: 233, d: 0.22, type: 'sawtooth' },
    { f: 165, d: 0.34, type: 'sawtooth' },
  ],
  queued: [{ f: 523, d: 0.05, type: 'sine' }],
};
const VIBRATE = {
  success: [60],
  warning: [150, 80, 150],
  error: [500, 120, 500, 120, 500],
  queued: [25],
};
const VOLUME = { success: 0.35, warning: 0.5, error: 0.7, queued: 0.2 };

export const feedbackLog = [];
let ctx = null;

/** Browsers start audio only after a user gesture; a key press or a tap counts, so call this on both. */
export function unlockAudio() {
  try {
    const Ctor = globalThis.AudioContext ?? globalThis.webkitAudioContext;
    if (!Ctor) return;
    ctx ??= new Ctor();
    if (ctx.state === 'suspended') ctx.resume().catch(() => {});
  } catch {
    ctx = null;
  }
}

function playTones(kind) {
  if (!ctx || ctx.state !== 'running') return;
  const out = ctx.createGain();
  out.gain.value = VOLUME[kind] ?? 0.4;
  out.connect(ctx.destination);
  let at = ctx.currentTime + 0.01;
  for (const tone of TONES[kind] ?? []) {
    if (tone.f > 0) {
      const osc = ctx.createOscillator();
      const env = ctx.createGain();
      osc.type = tone.type;
      osc.frequency.value = tone.f;
      env.gain.setValueAtTime(0.0001, at);
      env.gain.exponentialRampToValueAtTime(1, at + 0.008);
      env.gain.setValueAtTime(1, at + tone.d - 0.015);
      env.gain.exponentialRampToValueAtTime(0.0001, at + tone.d);
      osc.connect(env).connect(out);
      osc.start(at);
      osc.stop(at + tone.d + 0.01);
    }
    at += tone.d;
  }
}

/** kind: success | warning | error | queued */
export function signal(kind) {
  feedbackLog.push({ kind, at: Date.now() });
  if (feedbackLog.length > 200) feedbackLog.splice(0, feedbackLog.length - 200);
  try {
    playTones(kind);
  } catch (err) {
    console.warn('sound failed', err);
  }
  try {
    globalThis.navigator?.vibrate?.(VIBRATE[kind] ?? 0);
  } catch {
    /* vibration is a bonus */
  }
}
