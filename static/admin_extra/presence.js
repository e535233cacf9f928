// Who else has this change form open (unionpaper/adminkit/presence.py): a
// heartbeat every data-interval seconds records this reader and brings back
// the others' names, and whether the object was saved since the form opened.
// No lock: a closed page just stops beating and drops out after a while.
(function () {
  var box = document.getElementById("presence-notice");
  if (!box || !box.dataset.url || !window.fetch) {
    return;
  }
  var form = box.closest("form");
  var token = form ? form.querySelector("input[name=csrfmiddlewaretoken]") : null;
  var version = form ? form.querySelector("input[name=version]") : null;
  var saved = document.getElementById("presence-saved");
  var seconds = Math.max(Number(box.dataset.interval) || 30, 1);
  if (!token) {
    return;
  }

  function body(extra) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", token.value);
    if (version) {
      data.append("version", version.value);
    }
    if (extra) {
      data.append(extra, "1");
    }
    return data;
  }

  function show(element, text) {
    if (!element) {
      return;
    }
    element.textContent = text || "";
    element.hidden = !text;
  }

  function beat() {
    fetch(box.dataset.url, { method: "POST", body: body(), credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (answer) {
        if (answer) {
          show(box, answer.notice);
          show(saved, answer.saved);
        }
      })
      .catch(function () {});
  }

  window.setInterval(beat, seconds * 1000);
  window.addEventListener("pagehide", function () {
    if (navigator.sendBeacon) {
      navigator.sendBeacon(box.dataset.url, body("leave"));
    }
  });
})();
