// Results of a draft protocol typed like a paper list: Enter or ↓ moves to the next learner's
// field, ↑ to the previous one; Enter on the last field saves the form.
(function () {
  "use strict";
  const form = document.getElementById("results");
  if (!form) return;
  const fields = Array.from(form.querySelectorAll("input[name^='value-']"));
  fields.forEach(function (field, index) {
    field.addEventListener("keydown", function (event) {
      let target = null;
      if (event.key === "Enter" || event.key === "ArrowDown") target = fields[index + 1];
      else if (event.key === "ArrowUp") target = fields[index - 1];
      else return;
      if (target) {
        event.preventDefault();
        target.focus();
        target.select();
      } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
      }
      // Enter on the last field falls through to the browser: the form is submitted.
    });
  });
  const firstEmpty = fields.find(function (field) { return field.value === ""; });
  if (firstEmpty) firstEmpty.focus();
})();
