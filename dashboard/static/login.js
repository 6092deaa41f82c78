// login.js: the login form posts normally; this only clears a stale error
// when the person types again.
"use strict";
(() => {
  const pw = document.getElementById("password");
  const err = document.getElementById("login-error");
  if (pw && err) pw.addEventListener("input", () => (err.hidden = true));
})();
