/* Tepat portal proof-of-work: finds n such that SHA-256(token + ":" + n) starts with
   `difficulty` zero bits, in small slices so the page stays responsive. Optional: without
   JavaScript the server accepts the token after a short wait instead. */
(function () {
  'use strict';
  var K = new Int32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);
  var IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
  var W = new Int32Array(64);

  function block(H, m, o) {
    var i, a, b, c, d, e, f, g, h, t1, t2, x, y;
    for (i = 0; i < 16; i++) W[i] = (m[o + 4 * i] << 24) | (m[o + 4 * i + 1] << 16) | (m[o + 4 * i + 2] << 8) | m[o + 4 * i + 3];
    for (i = 16; i < 64; i++) {
      x = W[i - 15]; y = W[i - 2];
      W[i] = (W[i - 16] + (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + W[i - 7] +
        (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) | 0;
    }
    a = H[0]; b = H[1]; c = H[2]; d = H[3]; e = H[4]; f = H[5]; g = H[6]; h = H[7];
    for (i = 0; i < 64; i++) {
      t1 = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
      t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    H[0] = (H[0] + a) | 0; H[1] = (H[1] + b) | 0; H[2] = (H[2] + c) | 0; H[3] = (H[3] + d) | 0;
    H[4] = (H[4] + e) | 0; H[5] = (H[5] + f) | 0; H[6] = (H[6] + g) | 0; H[7] = (H[7] + h) | 0;
  }

  function zeroBits(H) {
    var bits = 0;
    for (var i = 0; i < 8; i++) {
      if (H[i] === 0) { bits += 32; continue; }
      return bits + Math.clz32(H[i]);
    }
    return bits;
  }

  function bytesOf(text) {
    var out = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff; // tokens are ASCII
    return out;
  }

  function solve(token, difficulty, done) {
    var prefix = bytesOf(token + ':');
    var full = prefix.length - (prefix.length % 64);
    var mid = new Int32Array(IV);
    for (var o = 0; o < full; o += 64) block(mid, prefix, o);
    var rest = prefix.subarray(full);
    var buf = new Uint8Array(128);
    var H = new Int32Array(8);
    var n = 0;
    function slice() {
      for (var end = n + 4000; n < end; n++) {
        var s = String(n);
        var len = rest.length + s.length;
        var blocks = len + 9 <= 64 ? 1 : 2;
        buf.fill(0);
        buf.set(rest, 0);
        for (var j = 0; j < s.length; j++) buf[rest.length + j] = s.charCodeAt(j);
        buf[len] = 0x80;
        var bits = (prefix.length + s.length) * 8;
        var at = blocks * 64 - 4;
        buf[at] = bits >>> 24; buf[at + 1] = (bits >>> 16) & 0xff; buf[at + 2] = (bits >>> 8) & 0xff; buf[at + 3] = bits & 0xff;
        H.set(mid);
        block(H, buf, 0);
        if (blocks === 2) block(H, buf, 64);
        if (zeroBits(H) >= difficulty) { done(s); return; }
      }
      setTimeout(slice, 0);
    }
    slice();
  }

  var boxes = document.querySelectorAll('[data-pow]');
  Array.prototype.forEach.call(boxes, function (box) {
    var form = box.closest('form');
    var token = box.querySelector('input[name=pow_token]');
    var solution = box.querySelector('input[name=pow_solution]');
    var status = box.querySelector('[data-pow-status]');
    if (!form || !token || !solution || !status) return;
    var solved = false;
    var waiting = false;
    status.textContent = box.getAttribute('data-working');
    form.addEventListener('submit', function (ev) {
      if (solved) return;
      ev.preventDefault();
      waiting = true;
    });
    solve(token.value, Number(box.getAttribute('data-difficulty')), function (s) {
      solution.value = s;
      solved = true;
      status.textContent = box.getAttribute('data-done');
      if (waiting) form.submit();
    });
  });
})();
