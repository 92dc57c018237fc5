// Wide tables scroll inside their box (.table-responsive, .table-scroll), never the page. A box that does
// scroll at the current width becomes reachable by keyboard (once focused, the arrow keys scroll it) and
// is named after its table's caption; a box that fits is left alone. Runs again when the window is
// resized and after htmx swaps part of the page.
(function () {
  var BOXES = ".table-responsive, .table-scroll";

  function nameOf(box) {
    var caption = box.querySelector("caption");
    var text = caption ? caption.textContent.replace(/\s+/g, " ").trim() : "";
    return text ? "Table, scrolls sideways: " + text.slice(0, 150) : "Table, scrolls sideways";
  }

  function mark(box) {
    var scrolls = box.scrollWidth > box.clientWidth + 1;
    var marked = box.hasAttribute("data-scroll-region");
    if (scrolls && !marked && !box.hasAttribute("tabindex")) {
      var named = !box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby");
      box.setAttribute("data-scroll-region", named ? "named" : "");
      box.setAttribute("tabindex", "0");
      if (!box.hasAttribute("role")) box.setAttribute("role", "region");
      if (named) box.setAttribute("aria-label", nameOf(box));
    } else if (!scrolls && marked) {
      if (box.getAttribute("data-scroll-region") === "named") box.removeAttribute("aria-label");
      if (box.getAttribute("role") === "region") box.removeAttribute("role");
      box.removeAttribute("tabindex");
      box.removeAttribute("data-scroll-region");
    }
  }

  function markAll() {
    document.querySelectorAll(BOXES).forEach(mark);
  }

  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(markAll, 100);
  });
  document.addEventListener("htmx:afterSettle", markAll);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", markAll);
  } else {
    markAll();
  }
})();
