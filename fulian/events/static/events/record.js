// Recording an activity on a phone. The form lives in localStorage until the server has
// it: a lost connection, a closed tab or an expired login lose nothing. Photos are shrunk
// in the browser (the server re-encodes them anyway) so they fit in storage and upload
// fast. Every resubmission carries the same idempotency key: the server keeps one record.
// Without a signal the record goes to the outbox (static/fulian/outbox.js), which sends it
// when the connection is back, and the form is ready for the next one with a new key.
(function () {
  "use strict";
  var form = document.getElementById("record-form");
  if (!form) {
    return;
  }
  var KEY = form.getAttribute("data-storage-key");
  var MAX_PHOTOS = 9;
  var SIDE = 1600;
  var fileInput = form.querySelector("input[type=file]");
  var previews = document.getElementById("record-previews");
  var offline = document.getElementById("record-offline");
  var restored = document.getElementById("record-restored");
  var errorBox = document.getElementById("record-error");
  var submit = document.getElementById("record-submit");
  var keyField = form.elements.idempotency_key;
  var draft = load() || { fields: {}, photos: [], pending: false };
  var sending = false;

  function load() {
    try {
      return JSON.parse(window.localStorage.getItem(KEY) || "null");
    } catch (e) {
      return null;
    }
  }

  function save() {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(draft));
    } catch (e) {
      // Storage full: keep the text at least.
      try {
        window.localStorage.setItem(KEY, JSON.stringify({ fields: draft.fields, photos: [], pending: draft.pending }));
      } catch (ignored) { /* nothing more we can do */ }
    }
  }

  function clear() {
    window.localStorage.removeItem(KEY);
  }

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "file" && el.name !== "csrfmiddlewaretoken";
    });
  }

  function readFields() {
    fields().forEach(function (el) {
      draft.fields[el.name] = el.value;
    });
  }

  function writeFields() {
    fields().forEach(function (el) {
      if (Object.prototype.hasOwnProperty.call(draft.fields, el.name)) {
        el.value = draft.fields[el.name];
      }
    });
  }

  function showPreviews() {
    previews.textContent = "";
    draft.photos.forEach(function (url, i) {
      var img = document.createElement("img");
      img.src = url;
      img.className = "record-preview";
      img.alt = String(i + 1);
      previews.appendChild(img);
    });
  }

  function shrink(file) {
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () {
        var scale = Math.min(1, SIDE / Math.max(img.width, img.height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(img.width * scale);
        canvas.height = Math.round(img.height * scale);
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(url);
        resolve(canvas.toDataURL("image/jpeg", 0.82));
      };
      img.onerror = function () {
        URL.revokeObjectURL(url);
        reject(new Error("not an image"));
      };
      img.src = url;
    });
  }

  function toBlob(dataUrl) {
    var parts = dataUrl.split(",");
    var bytes = atob(parts[1]);
    var array = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) {
      array[i] = bytes.charCodeAt(i);
    }
    return new Blob([array], { type: "image/jpeg" });
  }

  function showErrors(errors) {
    var lines = [];
    Object.keys(errors).forEach(function (name) {
      errors[name].forEach(function (e) {
        lines.push(e.message);
      });
    });
    errorBox.textContent = lines.join(" ") || form.getAttribute("data-failed");
    errorBox.classList.remove("d-none");
  }

  // A fresh key for every new record: the page may come from the service worker's cache,
  // rendered once with one key (crypto.randomUUID needs https; getRandomValues does not).
  function newKey() {
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function summary() {
    var kind = form.elements.kind;
    var text = kind && kind.selectedIndex >= 0 ? kind.options[kind.selectedIndex].text : "";
    return [draft.fields.date, text, draft.fields.place].filter(Boolean).join(" · ");
  }

  function queue() {
    if (!window.FulianOutbox) {
      offline.classList.remove("d-none");
      return;
    }
    var fieldsCopy = {};
    Object.keys(draft.fields).forEach(function (k) { fieldsCopy[k] = draft.fields[k]; });
    window.FulianOutbox.add({
      key: draft.fields.idempotency_key,
      url: form.action || window.location.href,
      label: summary(),
      fields: fieldsCopy,
      photos: draft.photos,
      fileField: fileInput.name
    });
    clear();
    form.reset();
    draft = { fields: {}, photos: [], pending: false };
    keyField.value = newKey();
    showPreviews();
    restored.classList.add("d-none");
    offline.classList.remove("d-none");
  }

  function send() {
    if (sending) {
      return;
    }
    sending = true;
    submit.disabled = true;
    errorBox.classList.add("d-none");
    var data = new FormData();
    data.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    Object.keys(draft.fields).forEach(function (name) {
      data.append(name, draft.fields[name]);
    });
    draft.photos.forEach(function (url, i) {
      data.append(fileInput.name, toBlob(url), "photo-" + (i + 1) + ".jpg");
    });
    fetch(form.action || window.location.href, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.status === 201) {
        return response.json().then(function (body) {
          clear();
          window.location.assign(body.url);
        });
      }
      if (response.status === 400 && type.indexOf("json") >= 0) {
        draft.pending = false;
        save();
        return response.json().then(function (body) {
          showErrors(body.errors || {});
        });
      }
      // Logged out, a proxy page, a server error: keep the draft and say so.
      errorBox.textContent = form.getAttribute("data-failed");
      errorBox.classList.remove("d-none");
    }).catch(function () {
      queue();
    }).then(function () {
      sending = false;
      submit.disabled = false;
    });
  }

  form.addEventListener("input", function () {
    readFields();
    save();
  });

  fileInput.addEventListener("change", function () {
    var files = Array.prototype.slice.call(fileInput.files, 0, MAX_PHOTOS - draft.photos.length);
    Promise.all(files.map(shrink)).then(function (urls) {
      draft.photos = draft.photos.concat(urls).slice(0, MAX_PHOTOS);
      fileInput.value = "";
      save();
      showPreviews();
    }).catch(function () {
      errorBox.textContent = form.getAttribute("data-failed");
      errorBox.classList.remove("d-none");
    });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    readFields();
    draft.pending = true;
    save();
    send();
  });

  window.addEventListener("online", function () {
    if (draft.pending) {
      send();
    }
  });

  if (!Object.keys(draft.fields).length) {
    keyField.value = newKey();
  } else {
    writeFields();
    showPreviews();
    restored.classList.remove("d-none");
    if (draft.pending) {
      send();
    }
  }
})();
