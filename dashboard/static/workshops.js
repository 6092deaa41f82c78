// workshops.js: create a workshop and open it.
"use strict";
(() => {
  const form = document.getElementById("new-workshop");
  const errBox = document.getElementById("new-error");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    errBox.hidden = true;
    const body = {
      title: form.title.value.trim(),
      case: form.case.value.trim(),
      date: form.date.value,
      // The method's four parts of the system, as a start; Settings changes them.
      legend: [
        { color: "yellow", name: "beleid" }, { color: "blue", name: "uitvoering" },
        { color: "green", name: "toezicht" }, { color: "pink", name: "I-specialist" },
      ],
    };
    try {
      const w = await api("POST", "/api/v1/workshops", body);
      location.href = "/workshops/" + w.id + "/settings";
    } catch (err) {
      errBox.textContent = err.message;
      errBox.hidden = false;
    }
  });
})();
