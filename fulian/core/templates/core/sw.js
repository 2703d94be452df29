// Fulian's service worker (rendered by core.pwa.service_worker). Version {{ version }}.
"use strict";
var VERSION = "{{ version }}";
var SHELL_CACHE = "fulian-shell-" + VERSION;
var PAGE_CACHE = "fulian-pages";
var SHELL = {{ shell|safe }};
var PAGES = {{ pages|safe }};
var STATIC = "{{ static_prefix|escapejs }}";
var OFFLINE = SHELL[SHELL.length - 1];

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL_CACHE).then(function (cache) { return cache.addAll(SHELL); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) {
        return key.indexOf("fulian-shell-") === 0 && key !== SHELL_CACHE;
      }).map(function (key) { return caches.delete(key); }));
    }).then(function () { return self.clients.claim(); })
  );
});

// Signing out, or the sign-in page: forget the pages of whoever was signed in.
self.addEventListener("message", function (event) {
  if (event.data === "forget-pages") {
    event.waitUntil(caches.delete(PAGE_CACHE));
  }
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate") {
    var kept = PAGES.indexOf(url.pathname) >= 0;
    event.respondWith(
      fetch(request).then(function (response) {
        if (kept && response.ok && !response.redirected) {
          var copy = response.clone();
          caches.open(PAGE_CACHE).then(function (cache) { cache.put(url.pathname, copy); });
        }
        return response;
      }).catch(function () {
        return caches.open(PAGE_CACHE).then(function (cache) {
          return kept ? cache.match(url.pathname) : undefined;
        }).then(function (page) { return page || caches.match(OFFLINE); });
      })
    );
    return;
  }
  if (url.pathname.indexOf(STATIC) === 0) {
    // Static files have versioned names: the cache first, the network for the rest.
    event.respondWith(
      caches.match(request, { ignoreSearch: true }).then(function (hit) { return hit || fetch(request); })
    );
  }
});
