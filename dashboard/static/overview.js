// overview.js: the live overview of a workshop's photos and their progress.
"use strict";
(() => {
  const rows = document.getElementById("photo-rows");
  const none = document.getElementById("no-photos");
  const photos = new Map();

  function row(p) {
    const bar = el("progress", { max: "100", value: String(progressValue(p)), "aria-label": statusText(p) });
    const tr = el("tr", { id: "photo-" + p.id, "data-status": p.status, class: p.status === "failed" ? "failed" : "" },
      el("td", { text: p.wall || p.filename || "#" + p.id }),
      el("td", { text: clock(p.created_at) }),
      el("td", {}, bar, " ", el("span", { class: "status-text", text: statusText(p) })),
      el("td", { class: "num", text: p.notes_found ? String(p.notes_found) : "–" }),
      el("td", {}, el("a", { href: "/workshops/" + WORKSHOP_ID + "/wall?photo=" + p.id, text: t("photo.open") })));
    return tr;
  }

  function render() {
    rows.textContent = "";
    const list = [...photos.values()].sort((a, b) => b.id - a.id);
    for (const p of list) rows.append(row(p));
    none.hidden = list.length > 0;
  }

  async function load() {
    const list = await api("GET", `/api/v1/workshops/${WORKSHOP_ID}/photos`);
    photos.clear();
    for (const p of list) photos.set(p.id, p);
    render();
  }

  async function refresh(id) {
    try {
      photos.set(id, await api("GET", "/api/v1/photos/" + id));
      render();
    } catch (e) {
      /* the next event brings it */
    }
  }
  const pending = new Set();
  const flush = debounce(() => {
    for (const id of pending) refresh(id);
    pending.clear();
  }, 150);

  liveEvents(`/api/v1/workshops/${WORKSHOP_ID}/events`, (type, e) => {
    if (e.photo_id) {
      pending.add(e.photo_id);
      flush();
    }
  }, document.getElementById("live-state"));
  load().catch((e) => toast(e.message, true));

  const form = document.getElementById("upload-form");
  const errBox = document.getElementById("upload-error");
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    errBox.hidden = true;
    const fd = new FormData();
    fd.append("wall", form.wall.value.trim());
    fd.append("photo", form.photo.files[0]);
    try {
      const p = await sendPhoto(`/api/v1/workshops/${WORKSHOP_ID}/photos`, fd, newUploadKey());
      photos.set(p.id, p);
      render();
      form.reset();
      toast(t("overview.sent"));
    } catch (err) {
      errBox.textContent = err.message;
      errBox.hidden = false;
    }
  });
})();
