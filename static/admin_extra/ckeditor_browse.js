// The editor's image browser: a click hands the image's address back to the
// CKEditor window that opened it. CKEditorFuncNum is read as a number only.
document.addEventListener("click", function (event) {
  var button = event.target.closest("button.embed");
  if (!button) {
    return;
  }
  var funcNum = new URLSearchParams(window.location.search).get("CKEditorFuncNum");
  if (!/^\d+$/.test(funcNum || "") || !window.opener || !window.opener.CKEDITOR) {
    return;
  }
  window.opener.CKEDITOR.tools.callFunction(Number(funcNum), button.dataset.src);
  window.close();
});
