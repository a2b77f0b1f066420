/**
 * live.js — Packline's Socket.IO client for pages (lead screen, PDA): connect with the API token (and a
 * PDA's station), hear the server's events through `on(event, fn)`, re-fetch over REST after every
 * (re)connect, and know the server clock.
 *
 *   import { connectLive } from '/static/pda/js/live.js';
 *   const live = connectLive({ token, station: 'PK01', onResync: () => reloadStateOverRest() });
 *   live.on('pack_progress', (p) => ...);       // payload untouched: {v, server_time, ...}
 *   live.on('status', (s) => badge(s));         // connecting | connected | stale | reconnecting | offline | refused | closed
 *   live.on('refused', (err) => relogin(err));  // {code, message}: token expired, station not in warehouse
 *   live.serverNow();                           // ms since epoch on the server's clock
 *
 * Socket.IO over Redis is at-most-once and a reconnect is a new session: `onResync` (and the 'resync'
 * event) run after the connection is accepted — rooms joined — so a REST fetch then misses nothing.
 * 'stale': the socket is up but nothing has arrived for `staleAfterPeriods` countdown periods (the server
 * says its period in the `hello` answer) — e.g. Redis, the message queue between processes, is down; the
 * first event afterwards returns to 'connected' and resyncs over REST.
 * `installRealtime(bus)` adapts all this to the PDA page's bus contract (see js/realtime.js).
 */
import { io } from '../vendor/socket.io.esm.min.js';

export const SERVER_EVENTS = [
  'order_updated',
  'pack_progress',
  'alert_raised',
  'alert_acknowledged',
  'alert_resolved',
  'countdown_snapshot',
  'threshold_crossed',
];

/** Offset (server − local, ms) from a server time read between two local instants. */
export function clockOffset(serverIso, sentAtMs, receivedAtMs) {
  const server = Date.parse(serverIso);
  if (Number.isNaN(server)) return null;
  return server - (sentAtMs + receivedAtMs) / 2;
}

export function connectLive({
  token,
  station = null,
  locale = 'zh-CN',
  url = undefined,
  transports = ['websocket'],
  onResync = null,
  offlineAfterMs = 15000,
  staleAfterPeriods = 3,
  ioFactory = io,
} = {}) {
  const handlers = new Map();
  let state = 'connecting';
  let offsetMs = 0;
  let offlineTimer = null;
  let staleTimer = null;
  let staleAfterMs = 0; // unknown until the server's hello says its heartbeat period

  function expectHeartbeat() {
    clearTimeout(staleTimer);
    if (staleAfterMs > 0 && state === 'connected') {
      staleTimer = setTimeout(() => state === 'connected' && setState('stale'), staleAfterMs);
    }
  }

  function heardFromServer() {
    if (state === 'stale') {
      setState('connected');
      resync();
    }
    expectHeartbeat();
  }

  function emitLocal(event, payload) {
    for (const fn of [...(handlers.get(event) ?? [])]) {
      try {
        fn(payload, event);
      } catch (err) {
        console.error(`live: handler for ${event} failed`, err);
      }
    }
  }

  function setState(next) {
    if (next === state) return;
    state = next;
    if (next !== 'connected') clearTimeout(staleTimer);
    if (next !== 'reconnecting') clearTimeout(offlineTimer);
    if (next === 'reconnecting') {
      clearTimeout(offlineTimer);
      offlineTimer = setTimeout(() => state === 'reconnecting' && setState('offline'), offlineAfterMs);
    }
    emitLocal('status', next);
  }

  const socket = ioFactory(url, {
    auth: { token, station, locale },
    transports,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  });

  function syncClock() {
    const sent = Date.now();
    socket.timeout(5000).emit('hello', {}, (err, info) => {
      if (err || !info) return;
      const off = clockOffset(info.server_time, sent, Date.now());
      if (off !== null) offsetMs = off;
      const period = Number(info.heartbeat_seconds);
      staleAfterMs = period > 0 ? Math.max(period * staleAfterPeriods * 1000, 10000) : 0;
      expectHeartbeat();
      emitLocal('hello', info);
    });
  }

  async function resync() {
    emitLocal('resync', { offsetMs });
    if (onResync) {
      try {
        await onResync(api);
      } catch (err) {
        console.error('live: resync failed', err);
      }
    }
  }

  socket.on('connect', () => {
    setState('connected');
    syncClock();
    resync();
  });
  socket.on('disconnect', (reason) => {
    // A server-side disconnect is not retried by the client: ask for a new session ourselves.
    if (reason === 'io server disconnect') socket.connect();
    setState(reason === 'io client disconnect' ? 'closed' : navigator.onLine === false ? 'offline' : 'reconnecting');
  });
  socket.on('connect_error', (err) => {
    if (socket.active) {
      setState(navigator.onLine === false ? 'offline' : 'reconnecting');
      return;
    }
    // Refused by the server's connect handler: retrying with the same token cannot help.
    const data = err?.data && typeof err.data === 'object' ? err.data : { code: err?.message ?? 'UNAUTHORIZED' };
    setState('refused');
    emitLocal('refused', data);
  });
  for (const name of SERVER_EVENTS) {
    socket.on(name, (payload) => {
      heardFromServer();
      emitLocal(name, payload);
    });
  }

  const onOffline = () => state !== 'closed' && state !== 'refused' && !socket.connected && setState('offline');
  window.addEventListener('offline', onOffline);

  const api = {
    on(event, fn) {
      if (!handlers.has(event)) handlers.set(event, new Set());
      handlers.get(event).add(fn);
      return () => handlers.get(event)?.delete(fn);
    },
    off(event, fn) {
      handlers.get(event)?.delete(fn);
    },
    close() {
      window.removeEventListener('offline', onOffline);
      clearTimeout(offlineTimer);
      clearTimeout(staleTimer);
      socket.disconnect();
      setState('closed');
    },
    /** Offset from a REST answer's server_time read between two local instants (ms since epoch). */
    noteServerTime(serverIso, sentAtMs, receivedAtMs) {
      const off = clockOffset(serverIso, sentAtMs, receivedAtMs);
      if (off !== null) offsetMs = off;
    },
    serverNow() {
      return Date.now() + offsetMs;
    },
    resync,
    get state() {
      return state;
    },
    get offsetMs() {
      return offsetMs;
    },
    socket,
  };
  return api;
}

/**
 * The PDA page's contract (js/realtime.js): follow 'session:changed'/'session:ended' on the bus, emit
 * 'realtime:connected' after every (re)connect (the page re-fetches its state), 'realtime:disconnected',
 * and each server event as 'realtime:<name>' with the payload untouched; a refused token → 'auth:expired'.
 */
export function installRealtime(bus, options = {}) {
  let live = null;
  const stop = () => {
    if (live) live.close();
    live = null;
  };
  const offChanged = bus.on('session:changed', ({ token, station, locale } = {}) => {
    stop();
    if (!token) return;
    live = connectLive({ ...options, token, station, locale, onResync: () => bus.emit('realtime:connected', {}) });
    live.on('status', (s) => {
      if (s === 'reconnecting' || s === 'offline' || s === 'stale') bus.emit('realtime:disconnected', { state: s });
    });
    live.on('refused', (err) => {
      if (err.code === 'UNAUTHORIZED' || err.code === 'TOKEN_INVALID') bus.emit('auth:expired', err);
      else bus.emit('realtime:refused', err);
    });
    for (const name of SERVER_EVENTS) live.on(name, (payload) => bus.emit(`realtime:${name}`, payload));
  });
  const offEnded = bus.on('session:ended', stop);
  return () => {
    offChanged();
    offEnded();
    stop();
  };
}
