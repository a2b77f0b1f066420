/**
 * bus.js — the page's small event bus. Modules talk through it instead of importing each other, and a
 * Socket.IO module plugs in by emitting server events on it (see realtime.js).
 *
 * Events in use:
 *   session:changed   {token, user, station, locale}   a realtime module (re)connects with these
 *   session:ended     {}                               disconnect
 *   scan:read         {code, raw, client_scan_id, read_at, terminator}
 *   pack:answer       {answer, entry}                  an answer of the pack API was applied
 *   outbox:changed    {count, offline, entries}
 *   outbox:failed     {entry, error}                   dropped after a permanent HTTP error
 *   auth:expired      {}                               a 401: back to the login screen
 *   realtime:connected / realtime:disconnected        the page re-fetches state over REST on connect
 *   realtime:pack_progress / realtime:order_updated / realtime:alert_raised   {v, ...} server events
 */

export function createBus() {
  const handlers = new Map();
  const bus = {
    on(type, fn) {
      if (!handlers.has(type)) handlers.set(type, new Set());
      handlers.get(type).add(fn);
      return () => handlers.get(type)?.delete(fn);
    },
    once(type, fn) {
      const off = bus.on(type, (payload, t) => {
        off();
        fn(payload, t);
      });
      return off;
    },
    emit(type, payload = {}) {
      const listeners = [...(handlers.get(type) ?? []), ...(handlers.get('*') ?? [])];
      for (const fn of listeners) {
        try {
          fn(payload, type);
        } catch (err) {
          console.error(`bus handler for ${type} failed`, err);
        }
      }
    },
  };
  return bus;
}

export const bus = createBus();
