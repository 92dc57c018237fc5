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
