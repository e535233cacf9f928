/* Zoom and pan a page scan on a phone: +/- buttons and two-finger pinch.
   The image and its clickable areas live in one canvas that is widened,
   so the areas stay over their articles at every zoom level; the viewport
   scrolls to pan. Without this script the scan still shows at full width. */
(function () {
  "use strict";
  var MIN = 1, MAX = 4, STEPS = [1, 1.5, 2, 3, 4];

  function setup(root) {
    var viewport = root.querySelector("[data-zoom-viewport]");
    var canvas = root.querySelector("[data-zoom-canvas]");
    var tools = root.querySelector("[data-zoom-tools]");
    var label = root.querySelector("[data-zoom-level]");
    if (!viewport || !canvas || !tools) return;
    var level = 1;

    function apply(next, cx, cy) {
      next = Math.min(MAX, Math.max(MIN, next));
      var rect = viewport.getBoundingClientRect();
      // Keep the point under the fingers (or the centre) where it was.
      var px = cx === undefined ? rect.width / 2 : cx - rect.left;
      var py = cy === undefined ? rect.height / 2 : cy - rect.top;
      var fx = (viewport.scrollLeft + px) / canvas.offsetWidth;
      var fy = (viewport.scrollTop + py) / canvas.offsetHeight;
      level = next;
      canvas.style.width = (level * 100) + "%";
      viewport.scrollLeft = fx * canvas.offsetWidth - px;
      viewport.scrollTop = fy * canvas.offsetHeight - py;
      if (label) label.textContent = Math.round(level * 100) + "%";
      root.classList.toggle("is-zoomed", level > 1);
    }

    function step(direction) {
      var i, next = level;
      if (direction > 0) {
        for (i = 0; i < STEPS.length; i++) if (STEPS[i] > level + 0.01) { next = STEPS[i]; break; }
      } else {
        for (i = STEPS.length - 1; i >= 0; i--) if (STEPS[i] < level - 0.01) { next = STEPS[i]; break; }
      }
      apply(next);
    }

    tools.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) return;
      if (button.hasAttribute("data-zoom-reset")) apply(1);
      else step(Number(button.getAttribute("data-zoom-step")));
    });

    var pinch = null;
    function distance(touches) {
      var dx = touches[0].clientX - touches[1].clientX, dy = touches[0].clientY - touches[1].clientY;
      return Math.sqrt(dx * dx + dy * dy);
    }
    viewport.addEventListener("touchstart", function (event) {
      if (event.touches.length === 2) pinch = { start: distance(event.touches), level: level };
    }, { passive: true });
    viewport.addEventListener("touchmove", function (event) {
      if (!pinch || event.touches.length !== 2) return;
      event.preventDefault();
      var cx = (event.touches[0].clientX + event.touches[1].clientX) / 2;
      var cy = (event.touches[0].clientY + event.touches[1].clientY) / 2;
      apply(pinch.level * distance(event.touches) / pinch.start, cx, cy);
    }, { passive: false });
    viewport.addEventListener("touchend", function (event) {
      if (event.touches.length < 2) pinch = null;
    });

    tools.hidden = false;
    document.documentElement.classList.add("js-zoom");
  }

  var roots = document.querySelectorAll("[data-zoom]");
  for (var i = 0; i < roots.length; i++) setup(roots[i]);
})();
