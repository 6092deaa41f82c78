// wall.js: a photo with its notes outlined; a click on a note shows its
// crop and text, which can be fixed in place.
"use strict";
(() => {
  const picker = document.getElementById("photo-picker");
  const detail = document.getElementById("note-detail");
  const view = new WallView(document.getElementById("wall"), showNote);
  let photos = [];
  let current = Number(new URLSearchParams(location.search).get("photo")) || 0;
  let notes = [];
  view.photoName = photoName;

  // photoName names a photo as the picker does: its wall and time.
  function photoName(id) {
    const p = photos.find((x) => x.id === id);
    if (!p) return "#" + id;
    return (p.wall || p.filename || "#" + p.id) + " · " + clock(p.created_at);
  }

  // showPhoto switches the view to another photo of the workshop.
  function showPhoto(id) {
    current = id;
    history.replaceState(null, "", "?photo=" + id);
    renderPicker();
    loadNotes().catch((e) => toast(e.message, true));
  }

  function showNote(n) {
    detail.textContent = "";
    if (n.duplicate_of) {
      // Its text is read and fixed on the photo where it was seen first.
      detail.append(
        el("h2", { text: t("wall.note", n.index) + " · " + t("note.duplicate", photoName(n.duplicate_of_photo)) }),
        el("img", { src: "/api/v1/notes/" + n.id + "/crop", alt: t("note.crop"), class: "crop-large" }),
        el("p", { class: "muted", text: t("note.duplicateof", photoName(n.duplicate_of_photo)) }),
        el("button", { type: "button", class: "primary", text: t("note.showoriginal"), onclick: () => showPhoto(n.duplicate_of_photo) }));
      return;
    }
    const ta = el("textarea", { id: "detail-text", rows: "4", maxlength: "2000" });
    ta.value = n.text;
    const save = async () => {
      try {
        const got = await api("PATCH", "/api/v1/notes/" + n.id, { text: ta.value });
        Object.assign(n, got);
        toast(t("note.saved"));
        loadNotes();
      } catch (err) {
        toast(err.message, true);
      }
    };
    ta.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey) {
        e.preventDefault();
        save();
      }
    });
    detail.append(
      el("h2", { text: t("wall.note", n.index) }),
      el("img", { src: "/api/v1/notes/" + n.id + "/crop", alt: t("note.crop"), class: "crop-large" }),
      el("label", { for: "detail-text", text: t("note.text") }),
      ta,
      el("p", { class: "muted small", text: t("note.confidence", Math.round(n.confidence)) + (n.review ? " · " + t("note.review") : "") + (n.edited ? " · " + t("note.edited") : "") }),
      el("button", { type: "button", class: "primary", text: t("note.save"), onclick: save }));
    ta.focus();
  }

  async function loadNotes() {
    if (!current) return;
    const p = photos.find((x) => x.id === current);
    notes = await api("GET", `/api/v1/workshops/${WORKSHOP_ID}/notes?photo=${current}`);
    view.show("/api/v1/photos/" + current + "/image", p, notes, p.wall || p.filename);
  }

  function renderPicker() {
    picker.textContent = "";
    for (const p of photos) {
      picker.append(el("button", {
        type: "button", "aria-pressed": String(p.id === current),
        text: (p.wall || p.filename || "#" + p.id) + " · " + clock(p.created_at) + " (" + (p.notes_found || 0) + ")",
        onclick: () => showPhoto(p.id),
      }));
    }
    document.getElementById("wall-empty").hidden = photos.length > 0;
  }

  async function load() {
    photos = await api("GET", `/api/v1/workshops/${WORKSHOP_ID}/photos`);
    if (!photos.find((p) => p.id === current) && photos.length) current = photos[photos.length - 1].id;
    renderPicker();
    await loadNotes();
  }
  const reload = debounce(() => load().catch(() => {}), 300);
  liveEvents(`/api/v1/workshops/${WORKSHOP_ID}/events`, (type, e) => {
    if (type === "photo_added" || e.photo_id === current) reload();
  });
  load().catch((e) => toast(e.message, true));
})();
