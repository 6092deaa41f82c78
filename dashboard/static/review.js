// review.js: the review queue. Notes marked for review come first; each
// shows its crop beside its text. Enter saves and moves to the next note.
"use strict";
(() => {
  const list = document.getElementById("review-list");
  const count = document.getElementById("review-count");

  function item(n, i) {
    const id = "rv-" + n.id;
    const input = el("input", { id, type: "text", maxlength: "2000", class: "review-text", "data-note": n.id });
    input.value = n.text;
    const state = el("span", { class: "state small", text: n.edited ? t("note.edited") : n.review ? t("note.review") : "" });
    const li = el("li", { class: "review-item" + (n.review ? " needs" : ""), "data-note": n.id },
      el("img", { src: "/api/v1/notes/" + n.id + "/crop", alt: t("note.crop"), loading: "lazy", class: "crop" }),
      el("div", { class: "stack" },
        el("label", { for: id, text: (walls.get(n.photo_id) || "") + " · " + t("wall.note", n.index) + " · " + t("note.confidence", Math.round(n.confidence)) }),
        input, state));
    input.addEventListener("keydown", async (e) => {
      if (e.key !== "Enter") return;
      e.preventDefault();
      try {
        const got = await api("PATCH", "/api/v1/notes/" + n.id, { text: input.value });
        Object.assign(n, got);
        state.textContent = t("note.saved");
        li.classList.remove("needs");
        li.classList.add("done");
        updateCount();
        const inputs = [...list.querySelectorAll("input.review-text")];
        const next = inputs[inputs.indexOf(input) + 1];
        if (next) next.focus();
      } catch (err) {
        state.textContent = err.message;
        toast(err.message, true);
      }
    });
    return li;
  }

  function updateCount() {
    const left = list.querySelectorAll("li.needs").length;
    count.textContent = t("review.left", left);
  }

  const walls = new Map();

  async function load() {
    const [all, photos] = await Promise.all([api("GET", `/api/v1/workshops/${WORKSHOP_ID}/notes`),
      api("GET", `/api/v1/workshops/${WORKSHOP_ID}/photos`)]);
    for (const p of photos) walls.set(p.id, (p.wall || p.filename || "#" + p.id) + " " + clock(p.created_at));
    // A duplicate is read and fixed where it was seen first.
    const notes = all.filter((n) => !n.duplicate_of);
    notes.sort((a, b) => (b.review - a.review) || (a.confidence - b.confidence) || (a.id - b.id));
    list.textContent = "";
    notes.forEach((n, i) => list.append(item(n, i)));
    if (!notes.length) list.append(el("li", { class: "muted", text: t("review.none") }));
    updateCount();
    const first = list.querySelector("input.review-text");
    if (first) first.focus();
  }
  load().catch((e) => toast(e.message, true));
})();
