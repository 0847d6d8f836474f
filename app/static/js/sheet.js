// Coaching sheet in a browser: each quote's button plays the recording from that moment.
(function () {
  "use strict";
  const player = document.getElementById("player");
  if (!player) return;
  document.querySelectorAll("button.at[data-start]").forEach((button) => {
    button.addEventListener("click", () => {
      player.currentTime = Math.max(0, parseFloat(button.dataset.start) - 0.2);
      player.play().catch(() => {});
    });
  });
})();
