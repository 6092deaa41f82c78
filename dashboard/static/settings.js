// settings.js: edit a workshop, its colour legend and vocabulary, renew the
// kiosk code, and make or revoke share links.
"use strict";
(() => {
  const form = document.getElementById("workshop-form");
  const errBox = document.getElementById("settings-error");
  // A line "Label: term, term" is a theme of the workshop's own
  // (wallscan.ParseVocabularyEntry); other lines hold comma-separated words.
  const isThemeLine = (line) => /^[^:]*\p{L}[^:]*:(?!.*\/\/)[\s,]*[^\s,]/u.test(line.trim());
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    errBox.hidden = true;
    const legend = [];
    for (const inp of form.querySelectorAll("input.perspective")) {
      const name = inp.value.trim();
      if (name) legend.push({ color: inp.dataset.color, name });
    }
    const vocabulary = form.vocabulary.value.split("\n").flatMap((line) =>
      isThemeLine(line) ? [line.trim()] : line.split(","),
    ).map((s) => s.trim()).filter(Boolean);
    try {
      await api("PATCH", "/api/v1/workshops/" + WORKSHOP_ID, {
        title: form.title.value.trim(), case: form.case.value.trim(), date: form.date.value, legend, vocabulary,
      });
      toast(t("settings.saved"));
      loadUnknown().catch((e) => toast(e.message, true));
    } catch (err) {
      errBox.textContent = err.message;
      errBox.hidden = false;
    }
  });

  // Words of the notes that the grouping does not know: a click adds one to
  // the words line of the vocabulary, where saving teaches it.
  const unknownBox = document.getElementById("unknown-words");
  const unknownList = document.getElementById("unknown-list");
  async function loadUnknown() {
    const words = await api("GET", `/api/v1/workshops/${WORKSHOP_ID}/unknown-words`);
    unknownList.textContent = "";
    for (const w of words) {
      unknownList.append(el("button", { type: "button", class: "word-chip", "data-word": w.word,
        title: w.example, text: `${w.word} · ${w.notes}`, onclick: (e) => {
          addWord(w.word);
          e.currentTarget.remove();
        } }));
    }
    unknownBox.hidden = words.length === 0;
  }
  function addWord(word) {
    const lines = form.vocabulary.value.split("\n");
    if (lines[0].trim() === "") lines[0] = word;
    else if (isThemeLine(lines[0])) lines.unshift(word);
    else lines[0] = lines[0].trimEnd().replace(/,$/, "") + ", " + word;
    form.vocabulary.value = lines.join("\n");
    form.vocabulary.focus();
  }
  loadUnknown().catch((e) => toast(e.message, true));

  document.getElementById("renew-code").addEventListener("click", async () => {
    if (!confirm(t("settings.renewconfirm"))) return;
    try {
      const r = await api("POST", `/api/v1/workshops/${WORKSHOP_ID}/joincode`);
      document.getElementById("joincode").textContent = r.join_code;
      toast(t("settings.renewed"));
    } catch (err) {
      toast(err.message, true);
    }
  });

  const list = document.getElementById("share-list");
  async function loadShares() {
    const links = await api("GET", `/api/v1/workshops/${WORKSHOP_ID}/shares`);
    list.textContent = "";
    for (const l of links) {
      const url = location.origin + l.path;
      const li = el("li", { class: l.revoked ? "revoked" : "", "data-share": l.id });
      if (l.revoked) {
        li.append(el("span", { class: "muted", text: t("share.revoked") + " · " + new Date(l.created_at).toLocaleString() }));
      } else {
        li.append(el("a", { href: l.path, class: "share-url", text: url }), " ",
          el("button", { type: "button", class: "revoke", text: t("share.revoke"), onclick: async () => {
            try {
              await api("POST", `/api/v1/workshops/${WORKSHOP_ID}/shares/${l.id}/revoke`);
              loadShares();
            } catch (err) {
              toast(err.message, true);
            }
          } }));
      }
      list.append(li);
    }
  }
  document.getElementById("new-share").addEventListener("click", async () => {
    try {
      await api("POST", `/api/v1/workshops/${WORKSHOP_ID}/shares`);
      loadShares();
    } catch (err) {
      toast(err.message, true);
    }
  });
  loadShares().catch((e) => toast(e.message, true));
})();
