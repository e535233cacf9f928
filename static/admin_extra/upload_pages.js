/* 上传整期版面: send each chosen file in its own request and show what became of it as it comes,
   then the summary. Without this script the form posts all files at once (the same view). */
(function () {
  "use strict";
  var form = document.querySelector("[data-upload-pages]");
  if (!form || !window.fetch || !window.FormData) return;
  var box = document.querySelector("[data-upload-progress]");
  var list = box.querySelector("[data-upload-list]");
  var bar = box.querySelector("[data-upload-bar]");
  var summary = box.querySelector("[data-upload-summary]");
  var input = form.querySelector("input[type=file]");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function line(file, status, message, ok) {
    var li = document.createElement("li");
    li.className = ok ? "upload-ok" : "upload-refused";
    var name = document.createElement("strong");
    name.textContent = file;
    li.appendChild(name);
    li.appendChild(document.createTextNode("：" + status + "。" + message));
    list.appendChild(li);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var files = Array.prototype.slice.call(input.files);
    if (!files.length) return;
    var submit = form.querySelector("[type=submit]");
    submit.disabled = true;
    list.textContent = "";
    box.hidden = false;
    bar.max = files.length;
    bar.value = 0;
    var ok = 0, refused = 0;
    function next(i) {
      if (i >= files.length) {
        summary.textContent = "完成：导入 " + ok + " 个，拒绝 " + refused + " 个";
        submit.disabled = false;
        return;
      }
      summary.textContent = "正在上传第 " + (i + 1) + " 个，共 " + files.length + " 个：" + files[i].name;
      var data = new FormData();
      data.append("csrfmiddlewaretoken", token);
      data.append("files", files[i], files[i].name);
      fetch(form.action || window.location.href, {
        method: "POST", body: data, credentials: "same-origin",
        headers: {"Accept": "application/json", "X-CSRFToken": token}
      }).then(function (response) {
        if (!response.ok) throw new Error("服务器返回 " + response.status);
        return response.json();
      }).then(function (answer) {
        answer.results.forEach(function (r) {
          var good = r.status !== "拒绝";
          if (good) ok += 1; else refused += 1;
          line(r.file, r.status, r.message, good);
        });
      }).catch(function (error) {
        refused += 1;
        line(files[i].name, "拒绝", "上传失败：" + error.message, false);
      }).then(function () {
        bar.value = i + 1;
        next(i + 1);
      });
    }
    next(0);
  });
})();
