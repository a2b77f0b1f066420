/**
 * realtime.js — the slot for the Socket.IO client (another engineer's module; not loaded yet).
 *
 * Contract for the module that replaces installRealtime():
 *  - listen to bus 'session:changed' {token, station, user} → connect with auth {token} (vendored
 *    client under static/vendor/, never a CDN), and to 'session:ended' → disconnect;
 *  - emit 'realtime:connected' after every (re)connect — the page then re-fetches /pack/state, since a
 *    reconnect may have missed events — and 'realtime:disconnected';
 *  - re-emit server events as 'realtime:pack_progress', 'realtime:order_updated',
 *    'realtime:alert_raised' with the payload untouched (it carries `v`; the page drops stale ones).
 * Returns a function that uninstalls it.
 */
export function installRealtime(_bus) {
  return () => {};
}
