// Nexora's service worker: the app shell and the on-device models work offline once installed.
// API calls are never cached (they carry patient data and must be fresh); only GETs of the shell,
// app files (including the on-device models under /app/models/ and ONNX Runtime under /app/ort/) are.
const CACHE = 'nexora-shell-v1'
const SHELL = ['/', '/app/main.js', '/app/main.css', '/manifest.webmanifest', '/app/icon.svg']
const CACHEABLE = /^\/(app\/|manifest\.webmanifest$|$)/

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((c) => c.addAll(SHELL))
      .then(() => self.skipWaiting()),
  )
})
self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  )
})
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url)
  if (event.request.method !== 'GET' || url.origin !== location.origin || !CACHEABLE.test(url.pathname)) return
  // Network first (fresh when online), the cache when offline.
  event.respondWith(
    fetch(event.request)
      .then((res) => {
        if (res.ok) {
          const copy = res.clone()
          caches.open(CACHE).then((c) => c.put(event.request, copy))
        }
        return res
      })
      .catch(() => caches.match(event.request).then((hit) => hit ?? caches.match('/'))),
  )
})
