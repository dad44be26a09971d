/* Progressive enhancement only: without this script every evidence row is shown. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var buttons = Array.prototype.slice.call(document.querySelectorAll("button.val"));
  var pointer = false;

  function set(b, open, pinned) {
    b.setAttribute("aria-expanded", open ? "true" : "false");
    b.setAttribute("data-pinned", open && pinned ? "1" : "");
    var row = document.getElementById(b.getAttribute("aria-controls"));
    if (row) row.hidden = !open;
    var tr = b.closest("tr");
    if (tr) tr.classList.toggle("open", open);
  }

  buttons.forEach(function (b) {
    set(b, false, false);
    b.addEventListener("mousedown", function () { pointer = true; });
    /* Keyboard focus previews a value's evidence; leaving it hides the preview again. */
    b.addEventListener("focus", function () {
      if (!pointer && b.getAttribute("aria-expanded") !== "true") set(b, true, false);
      pointer = false;
    });
    b.addEventListener("blur", function () {
      if (!b.getAttribute("data-pinned")) set(b, false, false);
    });
    /* Click, Enter or Space pins the evidence open, or closes it when it is pinned. */
    b.addEventListener("click", function () {
      pointer = false;
      if (b.getAttribute("data-pinned")) set(b, false, false);
      else set(b, true, true);
    });
    b.addEventListener("keydown", function (e) {
      if (e.key === "Escape") set(b, false, false);
    });
  });

  /* A link to a cited span also lights up that span's highlight in the source text. */
  function showTarget() {
    var hits = document.querySelectorAll("mark.hit");
    for (var i = 0; i < hits.length; i++) hits[i].classList.remove("hit");
    var id = "";
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (err) { id = ""; }
    if (!id) return;
    var marks = document.querySelectorAll("mark[data-spans]");
    for (var j = 0; j < marks.length; j++) {
      var ids = " " + marks[j].getAttribute("data-spans") + " ";
      if (ids.indexOf(" " + id + " ") >= 0) marks[j].classList.add("hit");
    }
  }
  window.addEventListener("hashchange", showTarget);
  showTarget();
})();
