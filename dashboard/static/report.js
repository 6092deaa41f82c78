// report.js: the print button of the report.
"use strict";
(() => {
  const b = document.getElementById("print");
  if (b) b.addEventListener("click", () => window.print());
})();
