// Results of a draft protocol typed like a paper list: Enter or ↓ moves to the next learner's
// field, ↑ to the previous one; Enter on the last field saves the form. Signing is refused while
// the results on screen are not saved.
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

  // The results go as one JSON field: a field per learner would pass Django's limit of 1,000
  // fields a request in a large group. The inputs lose their names so they are not sent too
  // (and keep them in data-name for a page the browser restores from its history).
  const lines = Array.from(
    form.querySelectorAll("input[name^='value-'], input[name^='topic-'], input[name^='grade-']")
  );
  // The sign button sends this form to the sign view. A signature covers the saved results, so
  // it is refused here while any field differs from what the page was loaded with (the server
  // refuses it too, for a browser without this script).
  const refused = document.getElementById("sign-refused");
  form.addEventListener("submit", function (event) {
    const signing = event.submitter && event.submitter.hasAttribute("data-sign");
    if (signing) {
      const dirty = lines.some(function (input) { return input.value !== input.defaultValue; });
      if (refused) refused.hidden = !dirty;
      if (dirty) {
        event.preventDefault();
        return;
      }
    }
    const packed = {};
    lines.forEach(function (input) {
      const name = input.dataset.name || input.name;
      packed[name] = input.value;
      input.dataset.name = name;
      input.removeAttribute("name");
    });
    let holder = form.querySelector("input[name='results']");
    if (!holder) {
      holder = document.createElement("input");
      holder.type = "hidden";
      holder.name = "results";
      form.appendChild(holder);
    }
    holder.value = JSON.stringify(packed);
  });
})();
