// The steering committee's meeting page: a Print button (the print stylesheet, committee-print.css, does the rest).
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-print]");
  if (button) window.print();
});
