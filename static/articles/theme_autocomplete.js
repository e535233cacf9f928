/* Suggest existing themes for the theme being typed (after the last 、，, or space). */
(function () {
  "use strict";
  var SEP = /[,，、;；\s]+/;

  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.dataset.themeSuggest;
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var value = input.value;
        var parts = value.split(SEP);
        var term = parts[parts.length - 1];
        if (!term) { list.innerHTML = ""; return; }
        var head = value.slice(0, value.length - term.length);
        fetch(url + "?q=" + encodeURIComponent(term), { credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (data) {
            list.innerHTML = "";
            data.results.forEach(function (name) {
              var option = document.createElement("option");
              option.value = head + name;
              list.appendChild(option);
            });
          });
      }, 150);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-theme-suggest]").forEach(attach);
  });
})();
