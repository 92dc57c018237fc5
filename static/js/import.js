// The CSV import's confirmation: once submitted, the button says what is happening
// ("Importing 30 projects…") and cannot be pressed twice while the server works.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.matches || !form.matches("form[data-busy-form]")) return;
  var button = form.querySelector("[data-busy-text]");
  if (button) {
    if (button.disabled) {
      event.preventDefault();
      return;
    }
    // Disabled after this event: a disabled button's form would not be submitted.
    window.setTimeout(function () {
      button.disabled = true;
      button.textContent = button.getAttribute("data-busy-text");
    }, 0);
  }
  form.setAttribute("aria-busy", "true");
  var status = form.querySelector("[data-busy-status]");
  if (status) status.textContent = "Creating the projects and their lifecycle steps; this page changes when they are ready.";
});
