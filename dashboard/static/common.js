// common.js: what every page's script shares: the catalogue, calls to the
// JSON API (with the CSRF token), small DOM helpers, and the wall view (a
// photo with its notes outlined).
"use strict";

const I18N = JSON.parse(document.getElementById("i18n").textContent || "{}");

// t returns the catalogue string of key with %d/%s filled from args.
function t(key, ...args) {
  let s = I18N[key];
  if (s === undefined) return "[" + key + "]";
  for (const a of args) s = s.replace(/%[ds]/, String(a));
  s = s.replace(/%%/g, "%");
  return s;
}

// tn is t for a count: it takes the key's ".one" form when n is 1.
function tn(key, n) {
  return n === 1 && I18N[key + ".one"] !== undefined ? t(key + ".one", n) : t(key, n);
}

const csrfMeta = document.querySelector('meta[name="csrf-token"]');
const CSRF = csrfMeta ? csrfMeta.content : "";

// ApiError carries the API's error code and message.
class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// api calls the JSON API; body may be an object (sent as JSON) or FormData;
// headers, if given, are sent as well.
async function api(method, url, body, headers) {
  const opts = { method, headers: Object.assign({}, headers), credentials: "same-origin" };
  if (CSRF && method !== "GET") opts.headers["X-CSRF-Token"] = CSRF;
  if (body instanceof FormData) {
    opts.body = body;
  } else if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(url, opts);
  } catch (e) {
    throw new ApiError(0, "network", t("error.network"));
  }
  if (res.status === 204) return null;
  let data = null;
  try {
    data = await res.json();
  } catch (e) {
    data = null;
  }
  if (!res.ok) {
    if (res.status === 401 && CSRF) {
      location.href = "/login?next=" + encodeURIComponent(location.pathname);
    }
    const err = (data && data.error) || {};
    throw new ApiError(res.status, err.code || "http_" + res.status, errorText(err.code, err.message));
  }
  return data;
}

// errorText puts the localised sentence for an error code before the
// server's detail.
function errorText(code, message) {
  const k = "apierror." + code;
  const local = I18N[k];
  if (local && message) return local + " (" + message + ")";
  return local || message || t("error.other");
}

// el builds an element: el("p", {class: "x", text: "hi"}, child, ...).
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") e.textContent = v;
    else if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

const SVGNS = "http://www.w3.org/2000/svg";
function svgEl(tag, attrs) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

let toastTimer = 0;
// toast shows a short message that screen readers announce.
function toast(msg, bad) {
  const box = document.getElementById("toast");
  if (!box) return;
  box.textContent = msg;
  box.classList.toggle("bad", !!bad);
  box.classList.add("show");
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => box.classList.remove("show"), 4000);
}

// statusText says where a photo is in the pipeline.
function statusText(p) {
  switch (p.status) {
    case "queued": return t("status.queued");
    case "segmenting": return t("status.segmenting");
    case "reading": return t("status.reading", p.notes_read, p.notes_found);
    case "grouping": return t("status.grouping");
    case "done": return t("status.done");
    case "failed": return t("status.failed") + (p.error ? ": " + p.error : "");
  }
  return p.status;
}

// progressValue gives a 0..100 figure for a progress bar.
function progressValue(p) {
  switch (p.status) {
    case "queued": return 5;
    case "segmenting": return 20;
    case "reading": return 25 + (p.notes_found ? Math.round(60 * p.notes_read / p.notes_found) : 0);
    case "grouping": return 90;
    default: return 100;
  }
}

// adviceFor turns a photo's quality warnings into advice in words.
function adviceFor(q) {
  const out = [];
  for (const w of (q && q.warnings) || []) {
    if (w === "glare" && q.glare_notes) out.push(tn("advice.glare_n", q.glare_notes));
    else if (I18N["advice." + w]) out.push(t("advice." + w));
  }
  return out;
}

const NOTE_COLORS = {
  yellow: "#f5d90a", orange: "#f08c00", pink: "#e64980", green: "#2f9e44",
  blue: "#1c7ed6", purple: "#7048e8", white: "#868e96", other: "#495057",
};

// WallView shows a photo with its notes outlined as SVG polygons over it.
// onSelect(note) is called when a note is clicked or chosen by keyboard.
class WallView {
  constructor(container, onSelect) {
    this.box = container;
    this.onSelect = onSelect;
    this.box.textContent = "";
    this.img = el("img", { alt: "" });
    this.svg = svgEl("svg", { class: "outlines", preserveAspectRatio: "none" });
    this.box.append(this.img, this.svg);
    this.src = "";
    // photoName names a photo in "already on photo %s"; a page that knows
    // the workshop's photos replaces it.
    this.photoName = (id) => "#" + id;
  }
  show(src, photo, notes, label) {
    if (this.src !== src) {
      this.src = src;
      this.img.src = src;
    }
    this.img.alt = label || "";
    const w = photo.width || this.img.naturalWidth || 1;
    const h = photo.height || this.img.naturalHeight || 1;
    this.svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
    this.svg.textContent = "";
    const stroke = Math.max(2, Math.round(Math.max(w, h) / 400));
    const badge = Math.max(12, Math.round(Math.max(w, h) / 60));
    for (const n of notes) {
      const corners = (n.polygon || []).map((p) => (Array.isArray(p) ? p : [p.X, p.Y]));
      const pts = corners.map((p) => p.join(",")).join(" ");
      // A dark line with a light one on top shows on every note colour and wall.
      // A duplicate (the same note on an earlier photo of the wall) is
      // outlined apart: it is counted, read and grouped on that photo.
      const dup = !!n.duplicate_of;
      const g = svgEl("g", {
        class: "note-outline" + (dup ? " duplicate" : n.review ? " review" : "") + (n.read ? " read" : ""),
        tabindex: "0", role: "button", "data-note": n.id,
        "aria-label": t("wall.note", n.index) + (dup ? ": " + t("note.duplicate", this.photoName(n.duplicate_of_photo))
          : n.text ? ": " + n.text : ""),
      });
      if (dup) {
        const title = svgEl("title", {});
        title.textContent = t("note.duplicate", this.photoName(n.duplicate_of_photo));
        g.append(title);
      }
      g.append(
        svgEl("polygon", { points: pts, class: "halo", "stroke-width": stroke * 3 }),
        svgEl("polygon", { points: pts, class: "line", "stroke-width": stroke, "data-note": n.id }));
      if (corners.length) {
        const [x, y] = corners[0];
        g.append(svgEl("circle", { cx: x, cy: y, r: badge, class: "badge" }));
        const label = svgEl("text", { x, y, "font-size": Math.round(badge * 1.2), class: "badge-text",
          "text-anchor": "middle", "dominant-baseline": "central" });
        label.textContent = String(n.index);
        g.append(label);
      }
      if (this.onSelect) {
        g.addEventListener("click", () => this.select(n, g));
        g.addEventListener("keydown", (e) => {
          if (e.key === "Enter" || e.key === " ") {
            e.preventDefault();
            this.select(n, g);
          }
        });
      }
      this.svg.append(g);
    }
  }
  select(n, poly) {
    for (const p of this.svg.querySelectorAll(".selected")) p.classList.remove("selected");
    poly.classList.add("selected");
    this.onSelect(n);
  }
}

// liveEvents opens the server-sent event stream at url and calls onEvent
// for each event; it shows the connection state in stateEl if given.
function liveEvents(url, onEvent, stateEl) {
  const es = new EventSource(url);
  const types = ["photo_added", "photo_status", "notes_found", "note_read", "note_edited", "clusters_changed"];
  for (const ty of types) es.addEventListener(ty, (e) => onEvent(ty, JSON.parse(e.data)));
  es.addEventListener("ready", () => {
    if (stateEl) stateEl.textContent = t("live.on");
  });
  es.onerror = () => {
    if (stateEl) stateEl.textContent = t("live.off");
  };
  return es;
}

// debounce runs fn at most once per ms, after the last call.
function debounce(fn, ms) {
  let timer = 0;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

// clock shows a time in the page's language.
function clock(iso) {
  return new Date(iso).toLocaleTimeString(document.documentElement.lang, { hour: "2-digit", minute: "2-digit" });
}

const WORKSHOP_ID = document.body.dataset.workshop || "";

// newUploadKey returns a random Idempotency-Key for one photo. A photo sent
// again under its key after a lost answer is stored once. crypto.randomUUID
// needs a secure context, which a kiosk on the workshop's LAN is not.
function newUploadKey() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

// sendPhoto uploads form under key and, when the network drops the answer
// or the server is briefly unavailable, sends it again under the same key
// (so the photo is stored once), waiting 1, 2 and 4 s. onRetry(n) is
// called before the n-th extra try. Other errors are thrown at once.
async function sendPhoto(url, form, key, onRetry) {
  const waits = [1000, 2000, 4000];
  for (let n = 0; ; n++) {
    try {
      return await api("POST", url, form, { "Idempotency-Key": key });
    } catch (err) {
      const transient = err.status === 0 || err.status === 502 || err.status === 503 || err.status === 504;
      if (!transient || n >= waits.length) throw err;
      if (onRetry) onRetry(n + 1);
      await new Promise((r) => setTimeout(r, waits[n]));
    }
  }
}
