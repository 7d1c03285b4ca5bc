// Issue form: choosing a series of blanks fills in its first free number.
(function () {
  "use strict";
  var data = document.getElementById("first-free-blanks");
  var series = document.getElementById("id_series");
  var first = document.getElementById("id_first_number");
  if (!data || !series || !first) return;
  var firstFree = JSON.parse(data.textContent);
  series.addEventListener("change", function () {
    if (Object.prototype.hasOwnProperty.call(firstFree, series.value)) {
      first.value = firstFree[series.value];
    }
  });
})();
