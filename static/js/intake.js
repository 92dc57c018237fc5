// The request form: the kinds of personal data are asked only when the request
// says it stores or processes customer or personal data. Without this script
// both stay visible and the server checks them the same way.
(function () {
  var box = document.querySelector("[data-intake-personal]");
  var kinds = document.getElementById("div_id_personal_data_kinds");
  if (!box || !kinds) return;
  function sync() {
    var anyChecked = kinds.querySelector("input:checked") !== null;
    kinds.classList.toggle("d-none", !box.checked && !anyChecked);
  }
  box.addEventListener("change", sync);
  sync();
})();
