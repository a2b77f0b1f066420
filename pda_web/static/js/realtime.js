/**
 * realtime.js — the PDA's Socket.IO hook: the shared live.js client (vendored socket.io-client, no CDN)
 * joined to the packer's station room from the login token; it emits 'realtime:connected' after every
 * (re)connect so the page re-fetches /pack/state, and re-emits server events on the page bus.
 */
export { installRealtime } from './live.js';
