// Review screen: select words in the transcript to add them as evidence (segment index + character span,
// sent in a hidden field as JSON); a selection does not also start playback.
(function () {
  "use strict";
  const form = document.getElementById("review-form");
  const box = document.getElementById("selection-box");
  if (!form || !box) return;
  const hidden = document.getElementById("new-evidence");
  const list = document.getElementById("pending-evidence");
  let current = null;

  function show(item) {
    const li = document.createElement("li");
    li.className = "ev " + (item.sign > 0 ? "ev-plus" : "ev-minus");
    li.textContent = (item.sign > 0 ? "+ " : "− ") + "« " + (item.quote || "") + " » " + item.note;
    list.appendChild(li);
  }

  // After a refused save the hidden field comes back filled: show what is still pending.
  let pending = [];
  try { pending = JSON.parse(hidden.value || "[]"); } catch (e) { pending = []; }
  pending.forEach(show);

  function offsetIn(said, node, offset) {
    const range = document.createRange();
    range.selectNodeContents(said);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  function readSelection() {
    const sel = window.getSelection();
    if (!sel || sel.isCollapsed || !sel.rangeCount) return null;
    const range = sel.getRangeAt(0);
    const said = range.startContainer.parentElement && range.startContainer.parentElement.closest(".said");
    if (!said || !said.contains(range.endContainer)) return null;  // one line at a time
    const line = said.closest(".line");
    const start = offsetIn(said, range.startContainer, range.startOffset);
    const end = offsetIn(said, range.endContainer, range.endOffset);
    if (end <= start) return null;
    return { segment: parseInt(line.dataset.index, 10), start: start, end: end, quote: said.textContent.slice(start, end) };
  }

  // Capture phase: runs before the line's click-to-play handler and stops it when words were selected.
  document.addEventListener("click", (e) => {
    if (e.target.closest && e.target.closest(".conversation .said") && readSelection()) e.stopPropagation();
  }, true);

  // The box opens right under the selected words (kept inside the window), not where the form happens to end.
  function placeNextToSelection() {
    const rect = window.getSelection().getRangeAt(0).getBoundingClientRect();
    box.classList.add("floating");
    const width = box.offsetWidth;
    const left = Math.max(8, Math.min(rect.left, document.documentElement.clientWidth - width - 8));
    const below = rect.bottom + box.offsetHeight + 8 <= window.innerHeight;
    const top = below ? rect.bottom + 8 : Math.max(8, rect.top - box.offsetHeight - 8);
    box.style.left = (left + window.scrollX) + "px";
    box.style.top = (top + window.scrollY) + "px";
    document.getElementById("selection-note").focus({ preventScroll: true });
  }

  document.addEventListener("mouseup", (e) => {
    if (box.contains(e.target)) return;
    const picked = readSelection();
    if (!picked) return;
    current = picked;
    document.getElementById("selection-quote").textContent = picked.quote;
    box.hidden = false;
    placeNextToSelection();
  });

  document.addEventListener("keydown", (e) => { if (e.key === "Escape" && !box.hidden) box.hidden = true; });

  document.getElementById("selection-add").addEventListener("click", () => {
    const note = document.getElementById("selection-note");
    if (!current || !note.value.trim()) { note.focus(); return; }
    const item = Object.assign({}, current, {
      criterion: document.getElementById("selection-criterion").value,
      sign: parseInt(document.getElementById("selection-sign").value, 10),
      note: note.value.trim(),
    });
    pending.push(item);
    hidden.value = JSON.stringify(pending);
    show(item);
    note.value = "";
    box.hidden = true;
    current = null;
    window.getSelection().removeAllRanges();
  });

  const finalise = form.querySelector("[name=finalise]");
  if (finalise) {
    finalise.addEventListener("click", (e) => { if (!window.confirm(finalise.dataset.confirm)) e.preventDefault(); });
  }
})();
