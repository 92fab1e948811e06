/*
 * Typing is never lost (issue 12).
 *
 * Drafts: what is typed into a text area of a form is kept in this browser, encrypted with a
 * key of the signed-in person's own (AES-GCM; the key is on the page only while they are signed
 * in), and put back when the page is shown again without it: after the idle sign-out, an
 * expired session, a failed save, or saving another form on the same page. A draft is
 * forgotten once the server shows the same text, or says the form that carried it was saved.
 * Without Web Crypto (a page served over plain HTTP to another machine) no draft is kept:
 * nothing is ever stored in the clear.
 *
 * Idle sign-out: staff are signed out after a while without activity. Typing and clicking
 * here tell the server (accounts:keepalive) that the person is still there; a screen left
 * alone shows a warning a minute before, with "Stay signed in", and then reloads, which signs
 * out and comes back to this page after signing in.
 */
(function () {
  "use strict";

  var body = document.body;
  if (!body || !body.dataset.user) { return; }

  var PREFIX = "alliance:draft:" + body.dataset.user + ":";
  var CONTACT = "alliance:last-contact";
  var KEEP_DAYS = 7;
  var saved = (body.dataset.saved || "").split(" ").filter(Boolean);
  var cryptoKey = null;

  // --- Encryption ----------------------------------------------------------------------------

  function bytes(base64) {
    var raw = atob(base64), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }

  function base64(buffer) {
    var view = new Uint8Array(buffer), text = "";
    for (var i = 0; i < view.length; i++) { text += String.fromCharCode(view[i]); }
    return btoa(text);
  }

  function loadKey() {
    if (!window.crypto || !window.crypto.subtle || !body.dataset.draftKey) {
      return Promise.resolve(null);
    }
    return window.crypto.subtle
      .importKey("raw", bytes(body.dataset.draftKey), "AES-GCM", false, ["encrypt", "decrypt"])
      .catch(function () { return null; });
  }

  function seal(record) {
    var iv = window.crypto.getRandomValues(new Uint8Array(12));
    var plain = new TextEncoder().encode(JSON.stringify(record));
    return window.crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, cryptoKey, plain)
      .then(function (sealed) {
        return JSON.stringify({ iv: base64(iv), data: base64(sealed), at: record.at });
      });
  }

  function open(stored) {
    var box = JSON.parse(stored);
    return window.crypto.subtle
      .decrypt({ name: "AES-GCM", iv: bytes(box.iv) }, cryptoKey, bytes(box.data))
      .then(function (plain) { return JSON.parse(new TextDecoder().decode(plain)); });
  }

  // --- Drafts --------------------------------------------------------------------------------

  function draftName(field) {
    var form = field.form;
    var action = form ? (form.getAttribute("action") || "") : "";
    return PREFIX + location.pathname + "|" + action + "|" + (field.name || field.id);
  }

  function submissionKey(form) {
    var input = form && form.querySelector("input[name=once]");
    return input ? input.value : "";
  }

  function store(field) {
    // One write after the other per field, so an older text never lands after a newer one.
    field._draftWrites = (field._draftWrites || Promise.resolve()).then(function () {
      var name = draftName(field);
      if (field.value === field.defaultValue) {
        localStorage.removeItem(name);
        return;
      }
      // The form's submission key goes with the text: once the server says that submission
      // was saved, the draft is forgotten (a new note's box is empty after saving it).
      var record = { text: field.value, at: Date.now(), submission: submissionKey(field.form) };
      return seal(record).then(function (sealed) {
        try { localStorage.setItem(name, sealed); } catch (e) { /* storage full or blocked */ }
      });
    }).catch(function () { /* a draft that cannot be kept is no reason to break the page */ });
    return field._draftWrites;
  }

  function notice(field, record) {
    var note = document.createElement("p");
    note.className = "draft-note";
    note.setAttribute("role", "status");
    var when = new Date(record.at);
    note.appendChild(document.createTextNode(
      "Restored what you typed here at " + when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) +
      " on " + when.toLocaleDateString() + ", which had not been saved. "
    ));
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "link";
    discard.textContent = "Discard it";
    var original = field.defaultValue;
    discard.addEventListener("click", function () {
      field.value = original;
      localStorage.removeItem(draftName(field));
      note.remove();
    });
    note.appendChild(discard);
    field.parentNode.insertBefore(note, field);
  }

  function restore(field) {
    var name = draftName(field);
    var stored = localStorage.getItem(name);
    if (!stored) { return Promise.resolve(); }
    return open(stored).then(function (record) {
      var old = Date.now() - record.at > KEEP_DAYS * 86400000;
      var done = record.submission && saved.indexOf(record.submission) !== -1;
      if (old || done || record.text === field.value) {
        localStorage.removeItem(name);
        return;
      }
      field.value = record.text;
      field.dataset.restored = "true";
      notice(field, record);
    }).catch(function () {
      localStorage.removeItem(name);  // another person's, or damaged: never shown
    });
  }

  function keepDraftsOf(root) {
    var fields = root.querySelectorAll("form textarea:not([data-no-draft])");
    Array.prototype.forEach.call(fields, function (field) {
      if (field.dataset.drafted) { return; }
      field.dataset.drafted = "true";
      restore(field);
      field.addEventListener("input", function () { store(field); });
    });
  }

  function keepAll() {
    var fields = document.querySelectorAll("form textarea[data-drafted]");
    return Promise.all(Array.prototype.map.call(fields, store));
  }

  function forgetOldDrafts() {
    for (var i = localStorage.length - 1; i >= 0; i--) {
      var name = localStorage.key(i);
      if (!name || name.indexOf("alliance:draft:") !== 0) { continue; }
      try {
        var at = JSON.parse(localStorage.getItem(name)).at;
        if (Date.now() - at > KEEP_DAYS * 86400000) { localStorage.removeItem(name); }
      } catch (e) { localStorage.removeItem(name); }
    }
  }

  // --- Idle sign-out -------------------------------------------------------------------------

  var idleSeconds = Number(body.dataset.idleSeconds || 0);
  var dialog = document.getElementById("idle-warning");
  var lastContact = Date.now();
  var lastActivity = Date.now();
  var pinging = false;

  function contact() {
    var shared = Number(localStorage.getItem(CONTACT) || 0);  // other tabs count too
    return Math.max(lastContact, shared);
  }

  function touched() {
    lastContact = Date.now();
    try { localStorage.setItem(CONTACT, String(lastContact)); } catch (e) { /* ignore */ }
  }

  function keepalive() {
    if (pinging) { return; }
    pinging = true;
    fetch(body.dataset.keepaliveUrl, { credentials: "same-origin", redirect: "manual", cache: "no-store" })
      .then(function (response) {
        if (response.ok) { touched(); hideWarning(); return; }
        signedOut();
      })
      .catch(function () { /* offline: try again on the next activity */ })
      .then(function () { pinging = false; });
  }

  function hideWarning() {
    if (dialog && dialog.open) { dialog.close(); }
  }

  function signedOut() {
    keepAll().then(function () { location.reload(); });
  }

  function tick() {
    var left = idleSeconds - (Date.now() - contact()) / 1000;
    var warnAt = Math.min(60, idleSeconds / 4);
    if (left <= -1) { signedOut(); return; }  // a second after the server's own limit
    if (left <= warnAt && lastActivity > contact()) {
      keepalive();  // typed or clicked since the last word with the server: not idle
    } else if (left <= warnAt && dialog) {
      dialog.querySelector("[data-countdown]").textContent = String(Math.max(0, Math.ceil(left)));
      if (!dialog.open) { dialog.showModal(); }
    } else {
      hideWarning();
    }
    setTimeout(tick, 1000);
  }

  function activity() {
    lastActivity = Date.now();
    // While someone types, say so now and then: typing is not being idle.
    if (Date.now() - contact() > Math.min(60, idleSeconds / 4) * 1000) { keepalive(); }
  }

  function watchIdle() {
    if (!idleSeconds) { return; }
    touched();
    ["keydown", "input", "pointerdown", "wheel"].forEach(function (kind) {
      document.addEventListener(kind, activity, { passive: true, capture: true });
    });
    document.body.addEventListener("htmx:afterRequest", touched);
    if (dialog) {
      dialog.querySelector("[data-stay-signed-in]").addEventListener("click", function () {
        lastActivity = Date.now();
        keepalive();
      });
      dialog.addEventListener("cancel", function () { lastActivity = Date.now(); keepalive(); });
    }
    setTimeout(tick, 1000);
  }

  // --- Start ---------------------------------------------------------------------------------

  loadKey().then(function (key) {
    cryptoKey = key;
    if (cryptoKey) {
      forgetOldDrafts();
      keepDraftsOf(document);
      document.body.addEventListener("htmx:load", function (event) { keepDraftsOf(event.target); });
    }
  });
  watchIdle();
})();
