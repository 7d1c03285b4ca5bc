// The gradebook grid: spreadsheet-like keyboard entry, each cell saved in place.
(function () {
  "use strict";

  var moduleSwitch = document.querySelector("[data-module-switch]");
  if (moduleSwitch) {
    moduleSwitch.addEventListener("change", function () { window.location.href = moduleSwitch.value; });
  }

  var table = document.getElementById("grid");
  if (!table) { return; }
  var editable = table.dataset.editable === "1";
  var authors = JSON.parse(document.getElementById("grid-authors").textContent);
  var statusBox = document.getElementById("cell-status");
  var historyBox = document.getElementById("cell-history");
  var historyList = document.getElementById("cell-history-list");
  var historyTitle = document.getElementById("cell-history-title");
  var columns = Array.prototype.map.call(table.querySelectorAll("thead th.col"), function (th) { return th; });
  var csrfInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  var csrfToken = csrfInput ? csrfInput.value : "";
  var FIRST_GRADE_COLUMN = 2;

  function formatTime(epochSeconds) {
    if (!epochSeconds) { return ""; }
    return new Date(epochSeconds * 1000).toLocaleString("ru-RU", {
      timeZone: "Europe/Moscow", day: "2-digit", month: "2-digit", year: "numeric",
      hour: "2-digit", minute: "2-digit"
    }).replace(",", "");
  }

  function cellInfo(td) {
    var column = columns[td.cellIndex - FIRST_GRADE_COLUMN];
    return {
      assessment: column ? column.dataset.a : null,
      enrollment: td.parentElement.dataset.e,
      column: column,
      learner: td.parentElement.querySelector("th.who").textContent.trim()
    };
  }

  function authorLine(td) {
    if (!td.dataset.by) { return "Оценка не выставлена"; }
    var name = authors[td.dataset.by] || "";
    return "Выставлена: " + name + (td.dataset.at ? ", " + formatTime(Number(td.dataset.at)) : "");
  }

  function historyUrl(td) {
    var info = cellInfo(td);
    return table.dataset.historyUrl + "?assessment=" + info.assessment + "&enrollment=" + info.enrollment;
  }

  // The time of entry is not in the page (it would cost 60,000 dates); it comes with the history.
  function fetchEntryTime(td) {
    if (td.dataset.at || !td.dataset.by || td.dataset.asked) { return; }
    td.dataset.asked = "1";
    fetch(historyUrl(td), { credentials: "same-origin" }).then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.changes.length) { td.dataset.at = data.changes[0].at; }
        td.title = authorLine(td);
      }).catch(function () { /* the author alone is still shown */ });
  }

  function say(text, kind) {
    statusBox.textContent = text;
    statusBox.className = "cell-status" + (kind ? " " + kind : "");
  }

  // Hover: who entered the value and when (built lazily; 60,000 titles would slow the page).
  table.addEventListener("mouseover", function (event) {
    var td = event.target.closest("td");
    if (!td || td.cellIndex < FIRST_GRADE_COLUMN || td.classList.contains("result") || td.title) { return; }
    if (!cellInfo(td).column) { return; }
    td.title = authorLine(td);
    fetchEntryTime(td);
  });

  var historyTimer = null;
  function showHistory(td) {
    var info = cellInfo(td);
    if (!info.column || !historyBox) { return; }
    clearTimeout(historyTimer);
    historyTimer = setTimeout(function () {
      fetch(historyUrl(td), { credentials: "same-origin" }).then(function (response) { return response.json(); }).then(function (data) {
        historyBox.hidden = false;
        historyTitle.textContent = info.learner + " · " + info.column.querySelector(".title").textContent;
        if (data.changes.length) {
          td.dataset.at = data.changes[0].at;
          say(authorLine(td) + ". Допустимо: " + info.column.dataset.hint + ".");
        }
        historyList.innerHTML = "";
        if (!data.changes.length) {
          var empty = document.createElement("li");
          empty.textContent = "Изменений не было.";
          historyList.appendChild(empty);
        }
        data.changes.forEach(function (change) {
          var item = document.createElement("li");
          item.textContent = formatTime(change.at) + " — " + change.by + ": «" + (change.old || "пусто") +
            "» → «" + (change.new || "пусто") + "»" + (change.reason ? " (основание: " + change.reason + ")" : "");
          historyList.appendChild(item);
        });
      }).catch(function () { /* history is a convenience; the cell itself stays usable */ });
    }, 250);
  }

  function inputAt(rowIndex, columnIndex) {
    var row = table.tBodies[0].rows[rowIndex];
    if (!row) { return null; }
    var td = row.cells[columnIndex];
    return td ? td.querySelector("input") : null;
  }

  function move(input, rowStep, columnStep) {
    var td = input.parentElement;
    var rowIndex = td.parentElement.sectionRowIndex;
    var columnIndex = td.cellIndex;
    var rows = table.tBodies[0].rows.length;
    for (var step = 1; step < rows + columns.length + 2; step++) {
      var target = inputAt(rowIndex + rowStep * step, columnIndex + columnStep * step);
      if (target) { target.focus(); return; }
      if (rowIndex + rowStep * step < 0 || rowIndex + rowStep * step >= rows) { return; }
    }
  }

  function applyCell(td, cell) {
    var input = td.querySelector("input");
    td.dataset.v = cell.version;
    if (cell.version) {
      td.dataset.by = cell.by_id;
      td.dataset.at = cell.at;
      authors[cell.by_id] = authors[cell.by_id] || cell.by;
    }
    td.title = "";
    if (input) {
      input.value = cell.value;
      input.dataset.original = cell.value;
    }
    td.classList.toggle("fail", Boolean(cell.value) && !cell.passing && !cell.absent);
    td.classList.toggle("absent", Boolean(cell.absent));
    if (cell.value) { td.classList.remove("overdue"); }
    if (cell.result !== undefined) {
      td.parentElement.querySelector("td.result").textContent = cell.result;
    }
  }

  function save(td, reason) {
    var input = td.querySelector("input");
    var info = cellInfo(td);
    var value = input.value.trim();
    td.classList.remove("saved", "invalid", "conflict");
    td.classList.add("saving");
    return fetch(table.dataset.saveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify({
        assessment: info.assessment, enrollment: info.enrollment, value: value,
        version: Number(td.dataset.v || 0), reason: reason || ""
      })
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (answer) {
      td.classList.remove("saving");
      if (answer.status === 200) {
        applyCell(td, answer.data);
        td.classList.add("saved");
        say("Сохранено: " + info.learner + " — «" + (answer.data.value || "пусто") + "».", "ok");
        return;
      }
      if (answer.status === 428) {
        var given = window.prompt(answer.data.error + "\nОснование:");
        if (given && given.trim()) { return save(td, given.trim()); }
        input.value = input.dataset.original || "";
        say("Изменение отменено: не указано основание.", "warn");
        return;
      }
      if (answer.status === 409) {
        applyCell(td, answer.data.cell);
        td.classList.add("conflict");
        say(answer.data.error, "bad");
        return;
      }
      td.classList.add("invalid");
      td.title = answer.data.error || "Не сохранено.";
      say(answer.data.error || "Не сохранено.", "bad");
    }).catch(function () {
      td.classList.remove("saving");
      td.classList.add("invalid");
      say("Нет связи с сервером: значение не сохранено. Повторите ввод.", "bad");
    });
  }

  if (!editable) { return; }
  var saving = Promise.resolve();

  Array.prototype.forEach.call(table.querySelectorAll("tbody input"), function (input) {
    input.dataset.original = input.value;
  });

  table.addEventListener("focusin", function (event) {
    var input = event.target;
    if (input.tagName !== "INPUT" || !input.closest("tbody")) { return; }
    input.select();
    var td = input.parentElement;
    say(authorLine(td) + ". Допустимо: " + cellInfo(td).column.dataset.hint + ".");
    showHistory(td);
  });

  table.addEventListener("change", function (event) {
    var input = event.target;
    if (input.tagName !== "INPUT" || !input.closest("tbody")) { return; }
    var td = input.parentElement;
    // Saves run one after another, in the order typed: a cell's next save carries the version
    // its previous save returned, and the server never sees two writes of one page at once.
    saving = saving.then(function () { return save(td); });
  });

  table.addEventListener("keydown", function (event) {
    var input = event.target;
    if (input.tagName !== "INPUT" || !input.closest("tbody")) { return; }
    var all = input.selectionStart === 0 && input.selectionEnd === input.value.length;
    switch (event.key) {
      case "Enter":
        event.preventDefault();
        move(input, event.shiftKey ? -1 : 1, 0);
        break;
      case "ArrowDown":
        event.preventDefault();
        move(input, 1, 0);
        break;
      case "ArrowUp":
        event.preventDefault();
        move(input, -1, 0);
        break;
      case "ArrowRight":
        if (all || input.selectionStart === input.value.length) { event.preventDefault(); move(input, 0, 1); }
        break;
      case "ArrowLeft":
        if (all || input.selectionEnd === 0) { event.preventDefault(); move(input, 0, -1); }
        break;
      case "Escape":
        input.value = input.dataset.original || "";
        input.select();
        break;
      default:
        break;
    }
  });

  Array.prototype.forEach.call(table.querySelectorAll("form.fill select"), function (select) {
    select.addEventListener("change", function () {
      if (!select.value) { return; }
      if (window.confirm("Заполнить все пустые ячейки столбца значением «" + select.value + "»?")) {
        select.form.submit();
      } else {
        select.value = "";
      }
    });
  });
})();
