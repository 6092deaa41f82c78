// board.js: the cluster board. Clusters are columns of note cards; a card
// is dragged (mouse, pen or touch) or moved with its menu (keyboard) to
// another cluster. Columns can be renamed, locked, merged, split and
// deleted; undo and re-grouping act on the whole board.
"use strict";
(() => {
  const board = document.getElementById("board");
  const state = document.getElementById("board-state");
  const base = `/api/v1/workshops/${WORKSHOP_ID}`;
  let clusters = [];
  let notes = new Map();
  let dragging = null;
  let reloadWanted = false;

  async function load() {
    const [cs, ns] = await Promise.all([api("GET", base + "/clusters"), api("GET", base + "/notes")]);
    clusters = cs;
    // A duplicate (the same note on an earlier photo) is not on the board:
    // its first appearance is.
    notes = new Map(ns.filter((n) => !n.duplicate_of).map((n) => [n.id, n]));
    render();
  }
  const reload = debounce(() => {
    if (dragging) {
      reloadWanted = true;
      return;
    }
    load().catch((e) => toast(e.message, true));
  }, 200);

  // act runs a change, then reloads the board.
  async function act(method, url, body, done) {
    state.textContent = t("board.saving");
    try {
      await api(method, url, body);
      state.textContent = done || t("board.saved");
    } catch (err) {
      state.textContent = "";
      toast(err.message, true);
    }
    await load().catch((e) => toast(e.message, true));
  }

  function columns() {
    const cols = [];
    let unsorted = clusters.find((c) => c.unsorted);
    const grouped = new Set();
    for (const c of clusters) for (const id of c.note_ids) grouped.add(id);
    const loose = [...notes.keys()].filter((id) => !grouped.has(id));
    if (!unsorted) unsorted = { id: 0, label: t("board.unsorted"), unsorted: true, note_ids: [], locked: false };
    cols.push({ ...unsorted, note_ids: [...unsorted.note_ids, ...loose] });
    for (const c of clusters) if (!c.unsorted) cols.push(c);
    return cols;
  }

  // lockIcon draws a padlock (no emoji font is needed).
  function lockIcon() {
    const svg = svgEl("svg", { viewBox: "0 0 16 18", width: "14", height: "16", class: "lock", role: "img", "aria-label": t("board.locked") });
    const title = svgEl("title", {});
    title.textContent = t("board.locked");
    svg.append(title,
      svgEl("path", { d: "M4 8V5a4 4 0 0 1 8 0v3", fill: "none", stroke: "currentColor", "stroke-width": "2" }),
      svgEl("rect", { x: "1", y: "8", width: "14", height: "10", rx: "2", fill: "currentColor" }));
    return svg;
  }

  function card(n, col, cols) {
    const move = el("select", { class: "move", "aria-label": t("board.moveto") });
    move.append(el("option", { value: "", text: t("board.moveto") }));
    for (const c of cols) {
      if (c.id === col.id) continue;
      move.append(el("option", { value: String(c.unsorted ? 0 : c.id), text: c.unsorted ? t("board.unsorted") : c.label }));
    }
    move.addEventListener("change", () => {
      if (move.value !== "") act("POST", `${base}/notes/${n.id}/move`, { cluster_id: Number(move.value) }, t("board.moved"));
    });
    const pick = el("input", { type: "checkbox", class: "pick", "aria-label": t("board.pick"), "data-note": n.id });
    const c = el("article", { class: "card" + (n.review ? " review" : ""), tabindex: "0", "data-note": n.id, "aria-label": n.text || t("note.empty") },
      pick,
      el("img", { src: "/api/v1/notes/" + n.id + "/crop", alt: "", loading: "lazy", draggable: "false" }),
      el("p", { class: "card-text", text: n.text || t("note.empty") }),
      move);
    c.style.borderLeftColor = NOTE_COLORS[n.color] || NOTE_COLORS.other;
    c.addEventListener("pointerdown", (e) => startDrag(e, c, n, col));
    return c;
  }

  function column(col, cols) {
    const count = col.note_ids.length;
    const head = el("header", { class: "col-head" });
    const title = el("h2", { class: "col-title" },
      el("span", { class: "label", text: col.unsorted ? t("board.unsorted") : col.label }),
      el("span", { class: "count", text: String(count) }),
      col.locked ? lockIcon() : null);
    head.append(title);
    // Why these notes are together: the lexicon theme and the words they
    // share, so the facilitator can judge a suggestion before renaming it.
    const why = col.unsorted ? "" : [col.theme, (col.keywords || []).join(", ")].filter(Boolean).join(" · ");
    if (why) head.append(el("p", { class: "col-why", title: t("board.why"), text: why }));
    const tools = el("div", { class: "col-tools" });
    if (!col.unsorted) {
      tools.append(
        el("button", { type: "button", class: "rename", text: t("board.rename"), onclick: () => rename(col, head, title) }),
        el("button", { type: "button", class: "lock-toggle", "aria-pressed": String(!!col.locked),
          text: col.locked ? t("board.unlock") : t("board.lock"),
          onclick: () => act("PATCH", `${base}/clusters/${col.id}`, { locked: !col.locked }) }),
        el("button", { type: "button", class: "split", text: t("board.split"), onclick: () => splitMode(sec, col) }));
      const merge = el("select", { class: "merge", "aria-label": t("board.mergeinto") });
      merge.append(el("option", { value: "", text: t("board.mergeinto") }));
      for (const c of cols) if (!c.unsorted && c.id !== col.id) merge.append(el("option", { value: String(c.id), text: c.label }));
      merge.addEventListener("change", () => {
        if (merge.value) act("POST", `${base}/clusters/${merge.value}/merge`, { from: col.id }, t("board.merged"));
      });
      tools.append(merge, el("button", { type: "button", class: "delete", text: t("board.delete"), onclick: () => {
        if (confirm(t("board.deleteconfirm", col.label))) act("DELETE", `${base}/clusters/${col.id}`);
      } }));
    }
    head.append(tools);
    const list = el("div", { class: "cards" });
    for (const id of col.note_ids) {
      const n = notes.get(id);
      if (n) list.append(card(n, col, cols));
    }
    if (!count) list.append(el("p", { class: "muted empty", text: t("board.dropHere") }));
    const sec = el("section", { class: "column" + (col.locked ? " locked" : "") + (col.unsorted ? " unsorted" : ""),
      "data-cluster": String(col.unsorted ? 0 : col.id), "aria-label": col.unsorted ? t("board.unsorted") : col.label }, head, list);
    return sec;
  }

  function rename(col, head, title) {
    const input = el("input", { class: "rename-input", maxlength: "200", "aria-label": t("board.rename") });
    input.value = col.label;
    title.replaceWith(input);
    input.focus();
    input.select();
    let done = false;
    const finish = (save) => {
      if (done) return;
      done = true;
      const v = input.value.trim();
      if (save && v && v !== col.label) act("PATCH", `${base}/clusters/${col.id}`, { label: v });
      else input.replaceWith(title);
    };
    input.addEventListener("keydown", (e) => {
      if (e.key === "Enter") finish(true);
      if (e.key === "Escape") finish(false);
    });
    input.addEventListener("blur", () => finish(true));
  }

  function splitMode(sec, col) {
    sec.classList.add("splitting");
    const form = el("form", { class: "split-form" });
    const label = el("input", { maxlength: "200", required: true, placeholder: t("board.newlabel"), "aria-label": t("board.newlabel") });
    form.append(el("p", { class: "small", text: t("board.splithelp") }), label,
      el("button", { type: "submit", class: "primary", text: t("board.splitgo") }),
      el("button", { type: "button", text: t("board.cancel"), onclick: () => { sec.classList.remove("splitting"); form.remove(); } }));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const ids = [...sec.querySelectorAll("input.pick:checked")].map((i) => Number(i.dataset.note));
      if (!ids.length) {
        toast(t("board.splitnone"), true);
        return;
      }
      act("POST", `${base}/clusters/${col.id}/split`, { note_ids: ids, label: label.value.trim() });
    });
    sec.querySelector(".col-head").after(form);
    label.focus();
  }

  function render() {
    const cols = columns();
    const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.note : null;
    board.textContent = "";
    for (const c of cols) board.append(column(c, cols));
    if (focused) {
      const f = board.querySelector(`.card[data-note="${focused}"]`);
      if (f) f.focus();
    }
  }

  // Dragging with pointer events works for mouse, pen and touch alike.
  function startDrag(e, cardEl, n, col) {
    if (e.button !== 0 || e.target.closest("select, button, input")) return;
    const startX = e.clientX, startY = e.clientY;
    let ghost = null, over = null;
    const move = (ev) => {
      if (!ghost) {
        if (Math.hypot(ev.clientX - startX, ev.clientY - startY) < 6) return;
        dragging = n.id;
        ghost = cardEl.cloneNode(true);
        ghost.classList.add("ghost");
        ghost.style.width = cardEl.offsetWidth + "px";
        document.body.append(ghost);
        cardEl.classList.add("dragged");
      }
      ghost.style.left = ev.clientX - 20 + "px";
      ghost.style.top = ev.clientY - 20 + "px";
      const target = document.elementFromPoint(ev.clientX, ev.clientY);
      const colEl = target && target.closest(".column");
      if (over && over !== colEl) over.classList.remove("drop");
      over = colEl;
      if (over) over.classList.add("drop");
    };
    const up = () => {
      document.removeEventListener("pointermove", move);
      document.removeEventListener("pointerup", up);
      document.removeEventListener("pointercancel", up);
      if (!ghost) return;
      ghost.remove();
      cardEl.classList.remove("dragged");
      dragging = null;
      if (over) over.classList.remove("drop");
      const to = over ? Number(over.dataset.cluster) : null;
      const from = col.unsorted ? 0 : col.id;
      if (to !== null && to !== from) act("POST", `${base}/notes/${n.id}/move`, { cluster_id: to }, t("board.moved"));
      else if (reloadWanted) {
        reloadWanted = false;
        reload();
      }
    };
    document.addEventListener("pointermove", move);
    document.addEventListener("pointerup", up);
    document.addEventListener("pointercancel", up);
  }

  document.getElementById("new-cluster").addEventListener("submit", (e) => {
    e.preventDefault();
    const inp = document.getElementById("nc-label");
    const label = inp.value.trim();
    if (!label) return;
    inp.value = "";
    act("POST", base + "/clusters", { label });
  });
  document.getElementById("undo").addEventListener("click", () => act("POST", base + "/undo", undefined, t("board.undone")));
  document.getElementById("regroup").addEventListener("click", () => act("POST", base + "/regroup", undefined, t("board.regrouped")));
  document.addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === "z" && !e.target.closest("input, textarea")) {
      e.preventDefault();
      act("POST", base + "/undo", undefined, t("board.undone"));
    }
  });

  liveEvents(base + "/events", (type) => {
    if (type === "clusters_changed" || type === "note_edited" || type === "note_read") reload();
  });
  load().catch((e) => toast(e.message, true));
})();
