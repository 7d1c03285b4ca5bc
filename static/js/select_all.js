// «Выбрать всех»: a checkbox with data-select-all="NAME" ticks every checkbox NAME of its form
// and follows them. Without JavaScript the form still works: the server reads `all` itself.
(function () {
  "use strict";
  document.querySelectorAll("input[data-select-all]").forEach(function (all) {
    var boxes = Array.prototype.filter.call(all.form.elements, function (element) {
      return element.type === "checkbox" && element.name === all.dataset.selectAll;
    });
    all.addEventListener("change", function () {
      boxes.forEach(function (box) {
        box.checked = all.checked;
      });
    });
    boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        all.checked = boxes.every(function (other) {
          return other.checked;
        });
      });
    });
  });
})();
