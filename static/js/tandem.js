// Keep matrix cells coloured by role as the user changes them.
document.addEventListener("change", function (event) {
  var select = event.target;
  if (select.matches && select.matches("select[data-role-cell]")) {
    select.className = select.className.replace(/\brole-[RACI]\b/g, "").trim();
    if (select.value) select.classList.add("role-" + select.value);
  }
});
// Ask before any form marked data-confirm is submitted.
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) event.preventDefault();
});
// A button marked data-print prints the page (the print stylesheet keeps what a steering committee needs).
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-print]");
  if (button) window.print();
});
// "Go back" links (the 403 page) return to the previous page when there is one;
// their href (home) is the way out otherwise. No javascript: URL, which the CSP forbids.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a[data-go-back]");
  if (link && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});
// A message about what the person just did is where they acted (the part the URL's
// fragment names, e.g. a step's card: projects.placed_messages), or else at the top:
// move the focus to it, so it is in view and read out by screen readers.
function focusFlash() {
  var target = null;
  if (window.location.hash.length > 1) {
    try {
      target = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    } catch (error) {
      target = null;
    }
  }
  var flash = (target && target.querySelector("[data-flash]")) || document.querySelector("[data-flash]");
  if (!flash) return;
  flash.focus();
  flash.scrollIntoView({ block: "center" });
}
// After the load: a browser moves the focus away once it scrolls to the URL's fragment.
if (document.readyState === "complete") {
  focusFlash();
} else {
  window.addEventListener("load", function () {
    window.setTimeout(focusFlash, 0);
  });
}
// "Fill in the suggested dates" on the plan page: each date takes the suggestion shown beside it.
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-fill-suggested]");
  if (!button) return;
  event.preventDefault();
  document.querySelectorAll("input[data-suggested]").forEach(function (input) {
    input.value = input.getAttribute("data-suggested");
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });
  var status = document.getElementById(button.getAttribute("aria-controls") + "-status");
  if (status) status.textContent = "Every date now shows its suggestion. Adjust any, then save the plan.";
});
