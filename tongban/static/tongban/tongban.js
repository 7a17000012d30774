// Small progressive enhancements; every page works without them.
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("[data-autosubmit]")) {
    el.form.submit();
  }
});

// An oversized file is refused as soon as it is chosen, before any upload; the input carries
// the server's limit (data-max-bytes) and the server checks again (core.attachments).
document.addEventListener("change", function (event) {
  var el = event.target;
  if (!el.matches || !el.matches("input[type=file][data-max-bytes]")) return;
  var max = parseInt(el.getAttribute("data-max-bytes"), 10);
  var english = (document.documentElement.lang || "").indexOf("en") === 0;
  var big = Array.prototype.filter.call(el.files || [], function (f) { return f.size > max; });
  var note = el.parentNode.querySelector(".file-too-large[data-for='" + el.name + "']");
  if (!big.length) {
    el.classList.remove("is-invalid");
    if (note) note.remove();
    return;
  }
  var mb = Math.floor(max / 1024 / 1024);
  var size = (big[0].size / 1024 / 1024).toFixed(1);
  var text = english
    ? "“" + big[0].name + "” is too large (" + size + " MB); the limit is " + mb + " MB per file. Please compress or split it and choose again."
    : "“" + big[0].name + "”文件过大（" + size + " MB），单个文件上限 " + mb + " MB，请压缩或拆分后重新选择。";
  el.value = "";
  el.classList.add("is-invalid");
  if (!note) {
    note = document.createElement("div");
    note.className = "invalid-feedback d-block file-too-large";
    note.setAttribute("data-for", el.name);
    note.setAttribute("role", "alert");
    el.insertAdjacentElement("afterend", note);
  }
  note.textContent = text;
});
