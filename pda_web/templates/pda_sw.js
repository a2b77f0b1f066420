/* Packline PDA service worker: caches the app shell (pages, JS, CSS, catalogs, icons) so the PDA page
 * starts without network; API and Socket.IO traffic is never touched. Version {{ version }}. */
const VERSION = {{ version|tojson }};
const CACHE = `packline-pda-${VERSION}`;
const SHELL = {{ shell|tojson }};
const SHELL_PATHS = new Set(SHELL);

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('packline-pda-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/socket.io')) return;
  if (!SHELL_PATHS.has(url.pathname)) return; // anything else: straight to the network
  // Cache first: the whole cache is replaced when any shell file changes (VERSION).
  event.respondWith(
    caches
      .open(CACHE)
      .then((cache) => cache.match(url.pathname, { ignoreSearch: true }))
      .then((hit) => hit ?? fetch(request)),
  );
});
