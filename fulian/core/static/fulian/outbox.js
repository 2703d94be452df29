// The outbox: what was submitted without a signal waits here (localStorage, per user), each
// entry with its idempotency key, and goes to the server once the connection is back; the
// server keeps one record per key, so a retry never makes a second one. Every page shows
// the entries and their state (待发送, 正在发送, 已发送, 未通过). Also registers the service
// worker, and asks it to forget cached pages on the sign-in page and when signing out.
(function () {
  "use strict";
  var body = document.body;
  var user = body.getAttribute("data-user") || "";
  var panel = document.getElementById("outbox");
  var KEY = "fulian.outbox." + user;
  var timer = null;
  var sending = false;

  function worker(message) {
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage(message);
    }
  }

  if ("serviceWorker" in navigator && body.getAttribute("data-sw")) {
    navigator.serviceWorker.register(body.getAttribute("data-sw"), { scope: "/" }).catch(function () {});
  }
  if (body.hasAttribute("data-forget-pages")) {  // the sign-in page
    worker("forget-pages");
  }
  Array.prototype.forEach.call(document.querySelectorAll("form[data-logout]"), function (form) {
    form.addEventListener("submit", function () { worker("forget-pages"); });
  });

  function load() {
    try {
      return JSON.parse(window.localStorage.getItem(KEY) || "[]");
    } catch (e) {
      return [];
    }
  }

  function store(entries) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(entries));
      return true;
    } catch (e) {
      return false;
    }
  }

  function csrf() {
    try {
      return JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function toBlob(dataUrl) {
    var parts = dataUrl.split(",");
    var bytes = atob(parts[1]);
    var array = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) { array[i] = bytes.charCodeAt(i); }
    return new Blob([array], { type: "image/jpeg" });
  }

  function label(state) {
    return panel ? panel.getAttribute("data-" + state) : state;
  }

  function render() {
    if (!panel) { return; }
    var entries = load();
    var list = panel.querySelector("ul");
    list.textContent = "";
    entries.forEach(function (entry) {
      var item = document.createElement("li");
      item.className = "list-group-item d-flex flex-wrap gap-2 align-items-center";
      item.setAttribute("data-key", entry.key);
      item.setAttribute("data-state", entry.state);
      var title = document.createElement(entry.state === "sent" && entry.link ? "a" : "span");
      if (entry.link) { title.href = entry.link; }
      title.textContent = entry.label;
      item.appendChild(title);
      var badge = document.createElement("span");
      badge.className = "badge " + ({ pending: "text-bg-warning", sending: "text-bg-info",
        sent: "text-bg-success", refused: "text-bg-danger" }[entry.state] || "text-bg-secondary");
      badge.textContent = label(entry.state);
      item.appendChild(badge);
      if (entry.message) {
        var why = document.createElement("span");
        why.className = "small text-danger";
        why.textContent = entry.message;
        item.appendChild(why);
      }
      if (entry.state === "sent" || entry.state === "refused") {
        var drop = document.createElement("button");
        drop.type = "button";
        drop.className = "btn btn-sm btn-outline-secondary ms-auto";
        drop.textContent = panel.getAttribute("data-dismiss");
        drop.addEventListener("click", function () {
          store(load().filter(function (e) { return e.key !== entry.key; }));
          render();
        });
        item.appendChild(drop);
      }
      list.appendChild(item);
    });
    panel.classList.toggle("d-none", entries.length === 0);
  }

  function update(key, changes) {
    var entries = load();
    entries.forEach(function (e) {
      if (e.key === key) { Object.keys(changes).forEach(function (k) { e[k] = changes[k]; }); }
    });
    store(entries);
    render();
  }

  function sendOne(entry) {
    var data = new FormData();
    Object.keys(entry.fields).forEach(function (name) { data.append(name, entry.fields[name]); });
    (entry.photos || []).forEach(function (url, i) {
      data.append(entry.fileField, toBlob(url), "photo-" + (i + 1) + ".jpg");
    });
    update(entry.key, { state: "sending" });
    return fetch(entry.url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrf() }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.status === 201 && type.indexOf("json") >= 0) {
        return response.json().then(function (answer) {
          update(entry.key, { state: "sent", link: answer.url, message: "", photos: [] });
        });
      }
      if (response.status === 400 && type.indexOf("json") >= 0) {
        return response.json().then(function (answer) {
          var lines = [];
          Object.keys(answer.errors || {}).forEach(function (name) {
            answer.errors[name].forEach(function (e) { lines.push(e.message); });
          });
          update(entry.key, { state: "refused", message: lines.join(" ") });
        });
      }
      // Signed out, a proxy page, a server error: keep it and try again later.
      update(entry.key, { state: "pending", message: label("retry") });
    }).catch(function () {
      update(entry.key, { state: "pending" });
      throw new Error("offline");
    });
  }

  function flush() {
    if (sending || navigator.onLine === false) { return Promise.resolve(); }
    var waiting = load().filter(function (e) { return e.state === "pending" || e.state === "sending"; });
    if (!waiting.length) { return Promise.resolve(); }
    sending = true;
    return waiting.reduce(function (chain, entry) {
      return chain.then(function () { return sendOne(entry); });
    }, Promise.resolve()).catch(function () {}).then(function () {
      sending = false;
    });
  }

  function add(entry) {
    var entries = load().filter(function (e) { return e.key !== entry.key; });
    entry.state = "pending";
    entry.at = new Date().toISOString();
    entries.push(entry);
    if (!store(entries)) {
      // Storage full: keep the text at least.
      entry.photos = [];
      store(entries);
    }
    render();
    schedule();
  }

  function schedule() {
    if (!timer) {
      timer = window.setInterval(function () {
        if (load().some(function (e) { return e.state === "pending"; })) { flush(); }
      }, 15000);
    }
  }

  window.FulianOutbox = { add: add, flush: flush, entries: load };
  window.addEventListener("online", flush);
  render();
  if (load().length) {
    // An entry left "sending" by a closed tab is sent again (same key: one record).
    load().forEach(function (e) { if (e.state === "sending") { update(e.key, { state: "pending" }); } });
    schedule();
    flush();
  }
})();
