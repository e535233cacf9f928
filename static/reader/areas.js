/* 显示/隐藏热区: the button over a page scan that shows every article's area clearly or hides them.
   Areas start shown on touch screens (no hover to find them by) and faint with a mouse;
   hidden areas still open their article when tapped. Markup: figure.scan holding
   [data-areas-toggle] and the svg.scan-areas (or the deep-zoom viewer's areas). */
(function () {
  "use strict";
  function setUp(button) {
    var figure = button.closest(".scan") || document.body;
    var touch = window.matchMedia && window.matchMedia("(hover: none)").matches;
    function show(on) {
      figure.classList.toggle("areas-shown", on);
      figure.classList.toggle("areas-hidden", !on);
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.textContent = on ? "隐藏热区" : "显示热区";
    }
    var shown = touch;
    button.textContent = touch ? "隐藏热区" : "显示热区";
    button.setAttribute("aria-pressed", touch ? "true" : "false");
    button.hidden = false;
    button.addEventListener("click", function () {
      shown = !shown;
      show(shown);
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-areas-toggle]"), setUp);
})();
