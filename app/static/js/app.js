// Controls that submit their form as soon as they change (the language switch); no inline handlers, so the
// Content-Security-Policy can forbid inline script.
document.querySelectorAll("[data-submit-on-change]").forEach((el) => {
  el.addEventListener("change", () => el.form.submit());
});

// Buttons whose action cannot be undone ask first (data-confirm holds the question).
document.querySelectorAll("button[data-confirm]").forEach((button) => {
  button.addEventListener("click", (e) => { if (!window.confirm(button.dataset.confirm)) e.preventDefault(); });
});

// Progress bars poll the API while a call is being processed, so the page updates without reloading.
(function () {
  "use strict";
  const POLL_MS = 2000;

  function update(el, data) {
    const status = el.querySelector('[data-role="status"]');
    const bar = el.querySelector(".bar");
    const fill = el.querySelector(".bar-fill");
    const message = el.querySelector('[data-role="message"]');
    status.textContent = data.status_label;
    status.className = "badge badge-" + data.status;
    bar.hidden = !data.active;
    bar.setAttribute("aria-valuenow", data.progress);
    fill.style.width = data.progress + "%";
    message.textContent = data.active ? data.stage_label + " " + data.progress + "%" : (data.error || "");
  }

  function poll(el, wasActive) {
    fetch(el.dataset.progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
      .then((data) => {
        update(el, data);
        if (data.active) {
          setTimeout(() => poll(el, true), POLL_MS);
        } else if (wasActive && el.closest("[data-reload-when-done]")) {
          window.location.reload();  // the call page shows the new transcript and scores
        }
      })
      .catch(() => setTimeout(() => poll(el, wasActive), POLL_MS * 3));
  }

  document.querySelectorAll(".progress[data-active='1']").forEach((el) => poll(el, true));
})();

// Call page: click a line (or a piece of evidence) to play from there; the line being heard is highlighted.
(function () {
  "use strict";
  const player = document.getElementById("player");
  const lines = Array.from(document.querySelectorAll(".conversation .line"));
  if (!player || !lines.length) return;

  function playFrom(seconds) {
    player.currentTime = Math.max(0, seconds - 0.2);
    player.play().catch(() => {});
  }

  function highlightWords(line, start, end) {
    document.querySelectorAll(".line mark").forEach((m) => m.replaceWith(document.createTextNode(m.textContent)));
    const said = line.querySelector(".said");
    said.normalize();
    const text = said.textContent;
    if (!(end > start) || end > text.length) return;
    const mark = document.createElement("mark");
    mark.textContent = text.slice(start, end);
    said.replaceChildren(document.createTextNode(text.slice(0, start)), mark, document.createTextNode(text.slice(end)));
  }

  lines.forEach((line) => {
    const go = () => playFrom(parseFloat(line.dataset.start));
    line.addEventListener("click", go);
    line.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); go(); } });
  });

  document.querySelectorAll(".ev-link").forEach((button) => {
    button.addEventListener("click", () => {
      const line = document.getElementById("seg-" + button.dataset.segment);
      if (line) {
        highlightWords(line, parseInt(button.dataset.charStart, 10), parseInt(button.dataset.charEnd, 10));
        line.scrollIntoView({ block: "center", behavior: "smooth" });
      }
      playFrom(parseFloat(button.dataset.start));
    });
  });

  let current = null;
  player.addEventListener("timeupdate", () => {
    const t = player.currentTime;
    const active = lines.find((l) => t >= parseFloat(l.dataset.start) && t < parseFloat(l.dataset.end) + 0.3);
    if (active !== current) {
      if (current) current.classList.remove("playing");
      if (active) active.classList.add("playing");
      current = active;
    }
  });
})();
