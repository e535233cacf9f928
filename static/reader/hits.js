/* 上一处/下一处: move between the places an article matches the reader's search.

   Markup (article_detail.html, when the article is opened from a search result):
     <nav class="search-hits" data-hits="N">
       <span data-hits-status aria-live="polite">…</span>
       <a href="#hit-N" data-hit-step="-1">上一处</a> <a href="#hit-1" data-hit-step="1">下一处</a>
     </nav>
   and the body's <mark id="hit-1" tabindex="-1"> … <mark id="hit-N" tabindex="-1">.
   Without this script the links still reach the first and the last place. */
(function () {
  "use strict";
  var nav = document.querySelector("[data-hits]");
  if (!nav) return;
  var total = Number(nav.getAttribute("data-hits"));
  var status = nav.querySelector("[data-hits-status]");
  var current = 0;

  function go(step) {
    current = ((current - 1 + step + total) % total) + 1;
    var mark = document.getElementById("hit-" + current);
    if (!mark) return;
    var before = document.querySelector("mark.is-current");
    if (before) before.classList.remove("is-current");
    mark.classList.add("is-current");
    mark.focus({ preventScroll: true });
    mark.scrollIntoView({ block: "center" });
    status.textContent = "第 " + current + " 处，共 " + total + " 处";
  }

  nav.addEventListener("click", function (event) {
    var link = event.target.closest("[data-hit-step]");
    if (!link) return;
    event.preventDefault();
    go(Number(link.getAttribute("data-hit-step")));
  });
})();
