// kiosk.js: the participant's kiosk. Shoot a wall with the live camera (or
// pick a photo), send it, then watch the notes being found and read, and
// fix a wrong reading in place.
"use strict";
(() => {
  const root = document.getElementById("kiosk");
  const base = "/api/v1/kiosk/" + encodeURIComponent(root.dataset.code);
  const $ = (id) => document.getElementById(id);
  const shoot = $("shoot"), result = $("result"), wallInput = $("wall");
  const video = $("preview"), camera = $("camera"), camState = $("camera-state");
  const statusEl = $("status"), errBox = $("upload-error"), countEl = $("count");
  const adviceEl = $("advice"), textsEl = $("texts");
  const view = new WallView($("kiosk-wall"), (n) => {
    const inp = textsEl.querySelector(`textarea[data-note="${n.id}"]`);
    if (inp) inp.focus();
  });
  let stream = null, photoID = 0, localURL = "", events = null, poll = 0;
  const editing = new Set();

  // Walls used before on this device, offered as choices.
  function walls() {
    try {
      return JSON.parse(localStorage.getItem("wallscan.walls") || "[]");
    } catch (e) {
      return [];
    }
  }
  function rememberWall(w) {
    if (!w) return;
    const list = [w, ...walls().filter((x) => x !== w)].slice(0, 12);
    try {
      localStorage.setItem("wallscan.walls", JSON.stringify(list));
    } catch (e) { /* private mode */ }
    fillWalls();
  }
  function fillWalls() {
    const dl = $("walls");
    dl.textContent = "";
    for (const w of walls()) dl.append(el("option", { value: w }));
  }
  fillWalls();

  async function startCamera() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      camState.textContent = t("kiosk.nocamera");
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { facingMode: { ideal: "environment" }, width: { ideal: 4096 }, height: { ideal: 3072 } },
      });
      video.srcObject = stream;
      camera.hidden = false;
      $("start-camera").hidden = true;
      camState.textContent = "";
      $("shutter").focus();
    } catch (e) {
      camState.textContent = t("kiosk.nocamera");
    }
  }
  function stopCamera() {
    if (stream) for (const tr of stream.getTracks()) tr.stop();
    stream = null;
    camera.hidden = true;
    $("start-camera").hidden = false;
  }

  $("start-camera").addEventListener("click", startCamera);
  $("shutter").addEventListener("click", () => {
    if (!video.videoWidth) return;
    const c = document.createElement("canvas");
    c.width = video.videoWidth;
    c.height = video.videoHeight;
    c.getContext("2d").drawImage(video, 0, 0);
    c.toBlob((blob) => {
      if (blob) send(blob, "kiosk.jpg");
    }, "image/jpeg", 0.92);
  });
  $("file").addEventListener("change", (e) => {
    const f = e.target.files[0];
    if (f) send(f, f.name);
    e.target.value = "";
  });

  function showShoot(clearWall) {
    if (events) events.close();
    clearInterval(poll);
    events = null;
    photoID = 0;
    result.hidden = true;
    shoot.hidden = false;
    if (clearWall) wallInput.value = "";
    wallInput.focus();
  }
  $("retake").addEventListener("click", () => showShoot(false));
  $("resend").addEventListener("click", () => {
    if (last) send(last.blob, last.name, last.key);
  });
  $("another").addEventListener("click", () => showShoot(true));

  // The last photo sent: "Send again" resends it under the same key.
  let last = null;

  async function send(blob, name, key) {
    key = key || newUploadKey();
    last = { blob, name, key };
    $("resend").hidden = true;
    stopCamera();
    errBox.hidden = true;
    shoot.hidden = true;
    result.hidden = false;
    statusEl.textContent = t("kiosk.sending");
    countEl.textContent = "";
    adviceEl.textContent = "";
    textsEl.textContent = "";
    editing.clear();
    if (localURL) URL.revokeObjectURL(localURL);
    localURL = URL.createObjectURL(blob);
    view.show(localURL, { width: 0, height: 0 }, [], t("kiosk.yourphoto"));
    const fd = new FormData();
    fd.append("wall", wallInput.value.trim());
    fd.append("photo", blob, name);
    try {
      const p = await sendPhoto(base + "/photos", fd, key, (n) => {
        statusEl.textContent = t("kiosk.resending").replace("%d", n);
      });
      rememberWall(wallInput.value.trim());
      photoID = p.id;
      statusEl.textContent = statusText(p);
      events = new EventSource(`${base}/photos/${p.id}/events`);
      const refreshSoon = debounce(refresh, 120);
      for (const ty of ["photo_status", "notes_found", "note_read", "note_edited"]) events.addEventListener(ty, refreshSoon);
      poll = setInterval(refresh, 2000);
      refresh();
    } catch (err) {
      statusEl.textContent = "";
      errBox.textContent = err.message;
      errBox.hidden = false;
      $("result").querySelector("#count").textContent = "";
      // The photo may have arrived even though the answer did not.
      $("resend").hidden = err.status !== 0 && err.status < 500;
    }
  }

  async function refresh() {
    if (!photoID) return;
    const id = photoID;
    let data;
    try {
      data = await api("GET", `${base}/photos/${id}`);
    } catch (e) {
      return;
    }
    if (id !== photoID) return;
    const p = data.photo;
    statusEl.textContent = statusText(p);
    if (p.status === "failed") {
      errBox.textContent = p.error || t("status.failed");
      errBox.hidden = false;
    }
    if (p.status !== "queued" && p.status !== "segmenting" && p.status !== "failed") {
      view.show(localURL, p, data.notes, t("kiosk.yourphoto"));
      // A note already on an earlier photo of the wall counts once, there.
      const dups = data.notes.filter((n) => n.duplicate_of).length;
      countEl.textContent = tn("kiosk.count", data.notes.length) + (dups ? " (" + t("kiosk.duplicates", dups) + ")" : "");
      adviceEl.textContent = "";
      for (const a of adviceFor(p.quality)) adviceEl.append(el("li", { text: a }));
      renderTexts(data.notes);
    }
    if (p.status === "done" || p.status === "failed") {
      clearInterval(poll);
      if (events) events.close();
      events = null;
    }
  }

  function renderTexts(notes) {
    for (const n of notes) {
      let li = textsEl.querySelector(`li[data-note="${n.id}"]`);
      if (!li && n.duplicate_of) {
        // Read and fixed on the earlier photo; nothing to type here.
        li = el("li", { "data-note": n.id, class: "duplicate" },
          el("span", { class: "small", text: t("wall.note", n.index) }),
          el("span", { class: "state small muted", text: " · " + t("kiosk.duplicate") }));
        li.prepend(el("span", { class: "swatch c-" + n.color, "aria-hidden": "true" }), " ");
        textsEl.append(li);
        continue;
      }
      if (n.duplicate_of) continue;
      if (!li) {
        const ta = el("textarea", { rows: "2", maxlength: "2000", "data-note": n.id, id: "kt-" + n.id });
        const save = async () => {
          editing.delete(n.id);
          if (ta.value === ta.dataset.saved) return;
          try {
            const got = await api("PATCH", `${base}/notes/${n.id}`, { text: ta.value });
            ta.value = ta.dataset.saved = got.text;
            li.querySelector(".state").textContent = t("note.saved");
          } catch (err) {
            li.querySelector(".state").textContent = err.message;
          }
        };
        ta.addEventListener("focus", () => editing.add(n.id));
        ta.addEventListener("blur", save);
        ta.addEventListener("keydown", (e) => {
          if (e.key === "Enter" && !e.shiftKey) {
            e.preventDefault();
            ta.blur();
          }
        });
        li = el("li", { "data-note": n.id },
          el("label", { for: "kt-" + n.id, class: "small", text: t("wall.note", n.index) }),
          ta, el("span", { class: "state small muted" }));
        li.querySelector("label").prepend(el("span", { class: "swatch c-" + n.color, "aria-hidden": "true" }), " ");
        textsEl.append(li);
      }
      const ta = li.querySelector("textarea");
      if (!editing.has(n.id)) {
        ta.value = n.text;
        ta.dataset.saved = n.text;
        ta.placeholder = n.read ? t("note.empty") : t("kiosk.reading");
      }
      li.classList.toggle("review", !!n.review);
      li.classList.toggle("pending", !n.read);
    }
  }
})();
