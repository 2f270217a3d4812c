/*
 * "Verify" on the "Who used my data" page: checks, in the browser, that an entry is in the
 * data-use ledger (specs/ledger.md) without trusting the page:
 *   1. leaf hash = SHA-256(0x00 || JCS(record)) matches the entry's leaf hash;
 *   2. the RFC 9162 inclusion proof leads from it to the root in the latest checkpoint;
 *   3. the checkpoint's Ed25519 signature verifies with the published key (when the browser
 *      supports Ed25519 in WebCrypto; otherwise we say the signature was not checked).
 */
(function () {
  "use strict";

  var uses = document.getElementById("ledger-data-uses");
  if (!uses || !window.crypto || !window.crypto.subtle || !window.fetch) { return; }
  var cfg = uses.dataset;
  var enc = new TextEncoder();

  // RFC 8785 (JCS) for the record's value types: keys sorted by UTF-16 code units, and
  // ECMAScript's own string and number serialisation (which JCS adopts).
  function jcs(value) {
    if (value === null || typeof value !== "object") { return JSON.stringify(value); }
    if (Array.isArray(value)) { return "[" + value.map(jcs).join(",") + "]"; }
    return "{" + Object.keys(value).sort().map(function (k) {
      return JSON.stringify(k) + ":" + jcs(value[k]);
    }).join(",") + "}";
  }

  function b64decode(s) {
    var bin = atob(s.trim());
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out;
  }

  function concat(parts) {
    var len = parts.reduce(function (n, p) { return n + p.length; }, 0);
    var out = new Uint8Array(len);
    var at = 0;
    parts.forEach(function (p) { out.set(p, at); at += p.length; });
    return out;
  }

  function equal(a, b) {
    if (a.length !== b.length) { return false; }
    for (var i = 0; i < a.length; i++) { if (a[i] !== b[i]) { return false; } }
    return true;
  }

  async function sha256(bytes) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  }

  function nodeHash(left, right) {
    return sha256(concat([new Uint8Array([1]), left, right]));
  }

  // RFC 9162 section 2.1.3.2.
  async function rootFromInclusion(index, size, leaf, proof) {
    if (index >= size) { return null; }
    var fn = index, sn = size - 1, r = leaf;
    for (var i = 0; i < proof.length; i++) {
      var p = proof[i];
      if (sn === 0 || p.length !== 32) { return null; }
      if ((fn & 1) === 1 || fn === sn) {
        r = await nodeHash(p, r);
        if ((fn & 1) === 0) {
          while ((fn & 1) === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
        }
      } else {
        r = await nodeHash(r, p);
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    return sn === 0 ? r : null;
  }

  function parseCheckpoint(text) {
    var cut = text.indexOf("\n\n");
    if (cut < 0) { throw new Error("checkpoint"); }
    var body = text.slice(0, cut + 1);
    var lines = body.split("\n");
    var sigs = text.slice(cut + 2).split("\n").filter(function (l) { return l.length; });
    return { body: body, origin: lines[0], size: parseInt(lines[1], 10), root: b64decode(lines[2]), sigs: sigs };
  }

  // Returns true (verified), false (wrong), or null (this browser cannot check Ed25519).
  async function checkSignature(checkpoint, vkey) {
    // name+keyid+base64: the key name has no "+", but base64 may.
    var text = vkey.trim();
    var first = text.indexOf("+"), second = text.indexOf("+", first + 1);
    if (first < 0 || second < 0) { return false; }
    var name = text.slice(0, first), raw = b64decode(text.slice(second + 1));
    if (raw.length !== 33 || raw[0] !== 1) { return false; }
    var pub = raw.slice(1);
    var kid = (await sha256(concat([enc.encode(name + "\n"), raw]))).slice(0, 4);
    var line = checkpoint.sigs.find(function (l) { return l.indexOf("\u2014 " + name + " ") === 0; });
    if (!line) { return false; }
    var blob = b64decode(line.slice(("\u2014 " + name + " ").length));
    if (blob.length !== 68 || !equal(blob.slice(0, 4), kid)) { return false; }
    var key;
    try {
      key = await crypto.subtle.importKey("raw", pub, { name: "Ed25519" }, false, ["verify"]);
    } catch (e) {
      return null;
    }
    return crypto.subtle.verify({ name: "Ed25519" }, key, blob.slice(4), enc.encode(checkpoint.body));
  }

  async function getText(url) {
    var res = await fetch(url, { credentials: "same-origin" });
    if (!res.ok) { throw new Error(String(res.status)); }
    return res.text();
  }

  async function getJSON(url) {
    var res = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!res.ok) { throw new Error(String(res.status)); }
    return res.json();
  }

  async function verify(index) {
    var entry = await getJSON(cfg.entryUrl.replace(/0$/, String(index)));
    if (entry.record === null) { return cfg.msgErased; }
    var leaf = await sha256(concat([new Uint8Array([0]), enc.encode(jcs(entry.record))]));
    if (!equal(leaf, b64decode(entry.leaf_hash))) { return cfg.msgFail; }
    var checkpoint = parseCheckpoint(await getText(cfg.checkpointUrl));
    if (!(index < checkpoint.size)) { return cfg.msgPending; }
    var proof = await getJSON(cfg.proofUrl + "?index=" + index + "&tree_size=" + checkpoint.size);
    var root = await rootFromInclusion(index, checkpoint.size, leaf, proof.hashes.map(b64decode));
    if (!root || !equal(root, checkpoint.root)) { return cfg.msgFail; }
    var signed = await checkSignature(checkpoint, await getText(cfg.keyUrl));
    if (signed === null) { return cfg.msgOkUnsigned; }
    return signed ? cfg.msgOk : cfg.msgFail;
  }

  uses.querySelectorAll("button.ledger-verify").forEach(function (button) {
    var result = button.parentNode.querySelector(".ledger-verify-result");
    button.hidden = false;
    button.addEventListener("click", function () {
      result.textContent = cfg.msgChecking;
      button.disabled = true;
      verify(parseInt(button.dataset.index, 10)).then(function (message) {
        result.textContent = message;
        result.dataset.outcome = message === cfg.msgOk || message === cfg.msgOkUnsigned ? "ok" : "other";
      }).catch(function () {
        result.textContent = cfg.msgError;
      }).finally(function () {
        button.disabled = false;
      });
    });
  });
})();
