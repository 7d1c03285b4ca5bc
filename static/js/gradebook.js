// The gradebook grid: a virtualised table (only the rows and columns in view are in the page),
// drawn from one JSON payload, with one editor moving over plain cells; each change is saved
// in place and its outcome told next to the cell.
(function () {
  "use strict";

  var moduleSwitch = document.querySelector("[data-module-switch]");
  if (moduleSwitch) {
    moduleSwitch.addEventListener("change", function () { window.location.href = moduleSwitch.value; });
  }

  var scroller = document.getElementById("grid");
  var dataNode = document.getElementById("grid-data");
  if (!scroller || !dataNode) { return; }
  var data = JSON.parse(dataNode.textContent);
  var canvas = scroller.querySelector(".vgrid-canvas");
  var columns = data.columns;
  var rows = data.rows;  // [enrolment id, full name, status badge, status, gradable, owes]
  var ROWS = rows.length;
  var COLS = columns.length;
  var editable = data.editable;
  var authors = data.authors;
  var infoLine = document.getElementById("cell-info");
  var statusBox = document.getElementById("cell-status");
  var bubble = document.getElementById("cell-bubble");
  var historyBox = document.getElementById("cell-history");
  var historyList = document.getElementById("cell-history-list");
  var historyTitle = document.getElementById("cell-history-title");
  var csrfInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  var csrfToken = csrfInput ? csrfInput.value : "";

  // Cells as dense arrays indexed by row × COLS + column; the payload lists only grade rows.
  var size = ROWS * COLS;
  var values = new Array(size).fill("");
  var versions = new Float64Array(size);
  var authorIds = new Float64Array(size);
  var flags = new Uint8Array(size);  // 1: a passing value, 2: «н/я»
  var points = new Array(size).fill(null);
  (function () {
    var cells = data.cells;
    var rowOf = {};
    var columnOf = {};
    rows.forEach(function (row, r) { rowOf[row[0]] = r * COLS; });
    columns.forEach(function (column, c) { columnOf[column.id] = c; });
    for (var i = 0; i < cells.enrollment.length; i++) {
      var at = rowOf[cells.enrollment[i]] + columnOf[cells.assessment[i]];
      values[at] = cells.value[i];
      points[at] = cells.points[i];
      versions[at] = cells.version[i];
      authorIds[at] = cells.by[i];
      flags[at] = cells.flags[i];
    }
  })();

  // Python's round(): halves go to the even neighbour.
  function roundHalfEven(value) {
    var floor = Math.floor(value);
    var rest = value - floor;
    if (rest > 0.5) { return floor + 1; }
    if (rest < 0.5) { return floor; }
    return floor % 2 === 0 ? floor : floor + 1;
  }

  // A row's weighted result, as selectors.weighted_result computes it on the server: the filled
  // cells in column order, «н/я» as 0, empty cells skipped. A save answers the server's figure.
  function rowResult(r) {
    var total = 0;
    var weightSum = 0;
    for (var c = 0; c < COLS; c++) {
      var index = r * COLS + c;
      if (values[index] !== "" && points[index] !== null) {
        total += columns[c].weight * points[index];
        weightSum += columns[c].weight;
      }
    }
    return weightSum ? roundHalfEven(total / weightSum) : null;
  }
  var results = [];
  for (var r = 0; r < ROWS; r++) { results.push(rowResult(r)); }
  var entryTimes = {};   // index → seconds since the epoch, learned from the history
  var states = {};       // index → "saving" | "saved" | "invalid" | "conflict"
  var refused = {};      // index → the text the server refused, shown until corrected
  var titles = {};       // index → the hover line

  // Geometry: fixed row height, columns sized to the widest value their scale allows.
  var ROW_H = 30;
  var HEAD_H = 54;
  var FOOT_H = data.mayFill ? 34 : 0;
  var N_W = 44;
  var RESULT_W = 68;
  var OVERSCAN_ROWS = 6;
  var OVERSCAN_COLS = 2;
  var style = window.getComputedStyle(scroller);
  var measure = document.createElement("canvas").getContext("2d");
  var measureWeight = "";
  // Setting a canvas's font parses the CSS font text: once per weight, not once per text.
  function textWidth(text, weight) {
    if (weight !== measureWeight) {
      measure.font = weight + " " + style.fontSize + " " + style.fontFamily;
      measureWeight = weight;
    }
    return measure.measureText(text).width;
  }
  var widest = 0;
  rows.forEach(function (row) {
    widest = Math.max(widest, textWidth(row[1], "400") + (row[2] ? textWidth(row[2], "400") + 24 : 0));
  });
  var measured = {};  // columns of one scale share their widest texts

  var WHO_W = Math.min(Math.max(Math.ceil(widest) + 24, 180), 420);
  var STICKY_W = N_W + WHO_W;
  var colX = [];
  var colW = [];
  var x = STICKY_W;
  columns.forEach(function (column) {
    var key = column.widest.join("\u0000");
    var w = measured[key];
    if (w === undefined) {
      w = 0;
      column.widest.forEach(function (text) { w = Math.max(w, textWidth(text, "600")); });
      w = measured[key] = Math.max(Math.ceil(w) + 18, 58);
    }
    colX.push(x);
    colW.push(w);
    x += w;
  });
  var RESULT_X = x;
  var TOTAL_W = x + RESULT_W;
  var TOTAL_H = HEAD_H + ROWS * ROW_H + FOOT_H;
  scroller.style.scrollPaddingTop = HEAD_H + "px";
  scroller.style.scrollPaddingLeft = STICKY_W + "px";
  canvas.style.width = TOTAL_W + "px";
  canvas.style.height = TOTAL_H + "px";
  scroller.setAttribute("aria-rowcount", String(ROWS + 1 + (FOOT_H ? 1 : 0)));
  scroller.setAttribute("aria-colcount", String(COLS + 3));

  function formatTime(epochSeconds) {
    if (!epochSeconds) { return ""; }
    return new Date(epochSeconds * 1000).toLocaleString("ru-RU", {
      timeZone: "Europe/Moscow", day: "2-digit", month: "2-digit", year: "numeric",
      hour: "2-digit", minute: "2-digit"
    }).replace(",", "");
  }

  function isGradable(r) { return editable && rows[r][4] === 1; }
  function cellName(r, c) { return rows[r][1] + " — " + columns[c].title + " (" + columns[c].date + ")"; }

  function authorLine(index) {
    if (values[index] === "") { return "Оценка не выставлена"; }
    var name = authors[String(authorIds[index])] || "";
    var at = entryTimes[index];
    return "Выставлена: " + name + (at ? ", " + formatTime(at) : "");
  }

  function historyUrl(r, c) {
    return scroller.dataset.historyUrl + "?assessment=" + columns[c].id + "&enrollment=" + rows[r][0];
  }

  // ---- Drawing -------------------------------------------------------------------------

  var head = document.createElement("div");
  head.className = "vg-head";
  head.setAttribute("role", "row");
  head.setAttribute("aria-rowindex", "1");
  head.style.width = TOTAL_W + "px";
  head.style.height = HEAD_H + "px";
  function fixedCell(tag, role, className, colIndex, text) {
    var el = document.createElement(tag);
    el.setAttribute("role", role);
    el.setAttribute("aria-colindex", String(colIndex));
    el.className = className;
    el.textContent = text;
    return el;
  }
  head.appendChild(fixedCell("div", "columnheader", "vg-n", 1, "№"));
  var whoHead = fixedCell("div", "columnheader", "vg-who", 2, "Слушатель");
  whoHead.style.left = N_W + "px";
  whoHead.style.width = WHO_W + "px";
  head.appendChild(whoHead);
  canvas.appendChild(head);
  var headCells = new Map();

  var rowEls = new Map();  // row index (ROWS: the footer) → {el, cells: Map(column index → el)}
  var active = null;       // {r, c} of the editor's cell
  var editor = null;

  function place(el, c) {
    el.style.left = (c === COLS ? RESULT_X : colX[c]) + "px";
    el.style.width = (c === COLS ? RESULT_W : colW[c]) + "px";
  }

  function makeHeadCell(c) {
    var el = document.createElement("div");
    el.setAttribute("role", "columnheader");
    el.setAttribute("aria-colindex", String(c + 3));
    place(el, c);
    if (c === COLS) {
      el.className = "vg-col vg-result";
      el.title = "Взвешенный текущий результат, % (н/я — 0)";
      el.textContent = "Итог, %";
      return el;
    }
    var column = columns[c];
    el.className = "vg-col" + (column.past ? " past" : "");
    el.title = column.title + ": " + column.about;
    var date = document.createElement("span");
    date.className = "date";
    date.textContent = column.date;
    var title = document.createElement("span");
    title.className = "title";
    title.textContent = column.title;
    el.appendChild(date);
    el.appendChild(title);
    if (data.editUrl) {
      var link = document.createElement("a");
      link.className = "col-actions";
      link.href = data.editUrl.replace("{}", column.id);
      link.title = "Изменить мероприятие";
      link.setAttribute("aria-label", "Изменить мероприятие «" + column.title + "»");
      link.textContent = "✎";
      el.appendChild(link);
    }
    return el;
  }

  function cellClass(r, c) {
    var index = r * COLS + c;
    var css = "vg-c";
    if (values[index] === "") {
      if (columns[c].past && rows[r][5] === 1) { css += " overdue"; }
    } else if (flags[index] & 2) {
      css += " absent";
    } else if (!(flags[index] & 1)) {
      css += " fail";
    }
    if (states[index]) { css += " " + states[index]; }
    if (active && active.r === r && active.c === c) { css += " active"; }
    return css;
  }

  function paintCell(el, r, c) {
    var index = r * COLS + c;
    el.className = cellClass(r, c);
    if (editor && active && active.r === r && active.c === c) {
      if (editor.parentNode !== el) { el.textContent = ""; el.appendChild(editor); }
      return;
    }
    el.textContent = refused[index] !== undefined ? refused[index] : values[index];
    el.title = titles[index] || "";
  }

  function makeCell(r, c) {
    var el = document.createElement("div");
    el.setAttribute("aria-colindex", String(c + 3));
    el.dataset.c = String(c);
    place(el, c);
    if (r === ROWS) {  // the footer: fill the column's empty cells with one value
      el.setAttribute("role", "gridcell");
      el.className = "vg-c vg-fill";
      if (c < COLS) {
        var select = document.createElement("select");
        select.setAttribute("aria-label", "Заполнить пустые ячейки: " + columns[c].title);
        select.dataset.c = String(c);
        [""].concat(columns[c].values).forEach(function (value) {
          var option = document.createElement("option");
          option.value = value;
          option.textContent = value || "…";
          select.appendChild(option);
        });
        el.appendChild(select);
      }
      return el;
    }
    el.setAttribute("role", "gridcell");
    if (c === COLS) {
      el.className = "vg-c vg-result";
      el.textContent = results[r] === null ? "" : String(results[r]);
      return el;
    }
    paintCell(el, r, c);
    return el;
  }

  function makeRow(r) {
    var el = document.createElement("div");
    el.setAttribute("role", "row");
    el.setAttribute("aria-rowindex", String(r + 2));
    el.className = "vg-row" + (r === ROWS ? " vg-foot" : "") + (r < ROWS && !rows[r][4] ? " inactive" : "");
    el.dataset.r = String(r);
    el.style.top = (HEAD_H + r * ROW_H) + "px";
    el.style.width = TOTAL_W + "px";
    el.style.height = (r === ROWS ? FOOT_H : ROW_H) + "px";
    if (r === ROWS) {
      el.appendChild(fixedCell("div", "gridcell", "vg-n", 1, ""));
      var label = fixedCell("div", "rowheader", "vg-who", 2, "Заполнить пустые");
      el.appendChild(label);
    } else {
      el.appendChild(fixedCell("div", "gridcell", "vg-n", 1, String(r + 1)));
      var who = fixedCell("div", "rowheader", "vg-who", 2, rows[r][1]);
      if (rows[r][2]) {
        var badge = document.createElement("span");
        badge.className = "badge " + rows[r][3];
        badge.textContent = rows[r][2];
        who.appendChild(document.createTextNode(" "));
        who.appendChild(badge);
      }
      who.title = rows[r][1];
      el.appendChild(who);
    }
    el.children[1].style.left = N_W + "px";
    el.children[1].style.width = WHO_W + "px";
    return { el: el, cells: new Map() };
  }

  function syncCells(cells, wanted, parent, make) {
    cells.forEach(function (el, c) {
      if (!wanted.has(c)) { el.remove(); cells.delete(c); }
    });
    wanted.forEach(function (c) {
      if (!cells.has(c)) {
        var el = make(c);
        parent.appendChild(el);
        cells.set(c, el);
      }
    });
  }

  function visibleColumns() {
    var left = scroller.scrollLeft + STICKY_W;
    var right = scroller.scrollLeft + scroller.clientWidth;
    var wanted = new Set();
    var first = -1;
    var last = -1;
    for (var c = 0; c < COLS; c++) {
      if (colX[c] + colW[c] > left && colX[c] < right) {
        if (first < 0) { first = c; }
        last = c;
      }
    }
    if (first >= 0) {
      for (c = Math.max(0, first - OVERSCAN_COLS); c <= Math.min(COLS - 1, last + OVERSCAN_COLS); c++) { wanted.add(c); }
    }
    if (RESULT_X < right) { wanted.add(COLS); }
    if (active) { wanted.add(active.c); }
    return wanted;
  }

  function visibleRows() {
    var top = scroller.scrollTop;
    var height = scroller.clientHeight;
    var first = Math.max(0, Math.floor(top / ROW_H) - OVERSCAN_ROWS);
    var last = Math.min(ROWS - 1, Math.ceil((top + height - HEAD_H) / ROW_H) + OVERSCAN_ROWS);
    var wanted = new Set();
    for (var r = first; r <= last; r++) { wanted.add(r); }
    if (FOOT_H && HEAD_H + ROWS * ROW_H < top + height) { wanted.add(ROWS); }
    if (active) { wanted.add(active.r); }
    return wanted;
  }

  function render() {
    var wantedColumns = visibleColumns();
    syncCells(headCells, wantedColumns, head, makeHeadCell);
    var wantedRows = visibleRows();
    rowEls.forEach(function (row, r) {
      if (!wantedRows.has(r)) { row.el.remove(); rowEls.delete(r); }
    });
    wantedRows.forEach(function (r) {
      var row = rowEls.get(r);
      if (!row) {
        row = makeRow(r);
        canvas.appendChild(row.el);
        rowEls.set(r, row);
      }
      syncCells(row.cells, wantedColumns, row.el, function (c) { return makeCell(r, c); });
    });
  }

  function cellEl(r, c) {
    var row = rowEls.get(r);
    return row ? row.cells.get(c) || null : null;
  }

  function repaint(r, c) {
    var el = cellEl(r, c);
    if (el) { paintCell(el, r, c); }
    var result = cellEl(r, COLS);
    if (result) { result.textContent = results[r] === null ? "" : String(results[r]); }
  }

  var framePending = false;
  function renderSoon() {
    if (framePending) { return; }
    framePending = true;
    window.requestAnimationFrame(function () { framePending = false; render(); followBubble(); });
  }
  scroller.addEventListener("scroll", renderSoon, { passive: true });
  window.addEventListener("resize", renderSoon);

  // ---- Messages next to the cell --------------------------------------------------------

  var bubbleTimer = null;
  var OFF_VIEW = -1;  // the bubble's index when its cell is scrolled out of the drawn area
  // Below the cell when the window has room, else above it; never outside the window.
  function placeBubble(rect) {
    var height = bubble.offsetHeight;
    var top = rect.bottom + 4;
    if (top + height > window.innerHeight - 4) { top = rect.top - 4 - height; }
    top = Math.max(4, Math.min(top, window.innerHeight - 4 - height));
    bubble.style.left = Math.max(4, Math.min(rect.left, document.documentElement.clientWidth - 344)) + "px";
    bubble.style.top = top + "px";
  }
  // A message about a cell out of view (a save answered after the cursor moved far on) is
  // shown at the grid's lower edge, naming the cell; a success then needs no bubble.
  function gridEdge() {
    var box = scroller.getBoundingClientRect();
    var bottom = Math.min(box.bottom, window.innerHeight);
    return { left: box.left + 8, top: bottom - 8, bottom: bottom - 8 };
  }
  function say(r, c, text, kind) {
    statusBox.textContent = text;
    clearTimeout(bubbleTimer);
    if (!bubble) { return; }
    var el = cellEl(r, c);
    if (!el && kind === "ok") { return; }
    bubble.textContent = el ? text : cellName(r, c) + ": " + text;
    bubble.className = "cell-bubble " + (kind || "");
    bubble.hidden = false;
    bubble.dataset.index = String(el ? r * COLS + c : OFF_VIEW);
    placeBubble(el ? el.getBoundingClientRect() : gridEdge());
    if (kind === "ok") {
      bubbleTimer = setTimeout(function () { bubble.hidden = true; }, 2500);
    }
  }
  // The bubble follows its cell as the grid or the page scrolls, and goes when the cell does.
  function followBubble() {
    if (!bubble || bubble.hidden) { return; }
    var index = Number(bubble.dataset.index);
    if (index === OFF_VIEW) { placeBubble(gridEdge()); return; }
    var el = cellEl(Math.floor(index / COLS), index % COLS);
    if (!el) { bubble.hidden = true; return; }
    var rect = el.getBoundingClientRect();
    var box = scroller.getBoundingClientRect();
    if (rect.bottom < box.top + HEAD_H || rect.top > box.bottom) { bubble.hidden = true; return; }
    placeBubble(rect);
  }
  window.addEventListener("scroll", followBubble, { passive: true });

  function describe(r, c) {
    var index = r * COLS + c;
    infoLine.textContent = cellName(r, c) + ": " + authorLine(index) + ". Допустимо: " + columns[c].hint + ".";
  }

  // Hover: who entered the value and when (built lazily; 60,000 titles would slow the page).
  function fetchEntryTime(r, c) {
    var index = r * COLS + c;
    if (entryTimes[index] || !authorIds[index] || titles[index] === "asked") { return; }
    fetch(historyUrl(r, c), { credentials: "same-origin" }).then(function (response) { return response.json(); })
      .then(function (answer) {
        if (answer.changes.length) { entryTimes[index] = answer.changes[0].at; }
        titles[index] = authorLine(index);
        var el = cellEl(r, c);
        if (el) { el.title = titles[index]; }
      }).catch(function () { /* the author alone is still shown */ });
  }

  canvas.addEventListener("mouseover", function (event) {
    var el = event.target.closest(".vg-c[data-c]");
    if (!el || el.classList.contains("vg-result") || el.classList.contains("vg-fill")) { return; }
    var r = Number(el.parentElement.dataset.r);
    var c = Number(el.dataset.c);
    var index = r * COLS + c;
    if (!titles[index]) { titles[index] = authorLine(index); }
    el.title = titles[index];
    fetchEntryTime(r, c);
  });

  var historyTimer = null;
  function showHistory(r, c) {
    if (!historyBox) { return; }
    clearTimeout(historyTimer);
    historyTimer = setTimeout(function () {
      fetch(historyUrl(r, c), { credentials: "same-origin" }).then(function (response) { return response.json(); }).then(function (answer) {
        historyBox.hidden = false;
        historyTitle.textContent = rows[r][1] + " · " + columns[c].title;
        var index = r * COLS + c;
        if (answer.changes.length) {
          entryTimes[index] = answer.changes[0].at;
          if (active && active.r === r && active.c === c) { describe(r, c); }
        }
        historyList.innerHTML = "";
        if (!answer.changes.length) {
          var empty = document.createElement("li");
          empty.textContent = "Изменений не было.";
          historyList.appendChild(empty);
        }
        answer.changes.forEach(function (change) {
          var item = document.createElement("li");
          item.textContent = formatTime(change.at) + " — " + change.by + ": «" + (change.old || "пусто") +
            "» → «" + (change.new || "пусто") + "»" + (change.reason ? " (основание: " + change.reason + ")" : "");
          historyList.appendChild(item);
        });
      }).catch(function () { /* history is a convenience; the cell itself stays usable */ });
    }, 250);
  }

  // ---- Printing: the whole grid, not only the rows in view -------------------------------

  var printBox = document.getElementById("grid-print");
  function escapeHtml(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }
  window.addEventListener("beforeprint", function () {
    var parts = ["<table class=\"grid\"><thead><tr><th>№</th><th>Слушатель</th>"];
    columns.forEach(function (column) {
      parts.push("<th>" + escapeHtml(column.date) + " " + escapeHtml(column.title) + "</th>");
    });
    parts.push("<th>Итог, %</th></tr></thead><tbody>");
    for (var r = 0; r < ROWS; r++) {
      parts.push("<tr><td>" + (r + 1) + "</td><th>" + escapeHtml(rows[r][1]) + (rows[r][2] ? " (" + escapeHtml(rows[r][2]) + ")" : "") + "</th>");
      for (var c = 0; c < COLS; c++) { parts.push("<td>" + escapeHtml(values[r * COLS + c]) + "</td>"); }
      parts.push("<td>" + (results[r] === null ? "" : results[r]) + "</td></tr>");
    }
    parts.push("</tbody></table>");
    printBox.innerHTML = parts.join("");
  });
  window.addEventListener("afterprint", function () { printBox.innerHTML = ""; });

  // ---- Editing -------------------------------------------------------------------------

  if (!editable) { render(); return; }

  var firstRow = -1;
  for (var r0 = 0; r0 < ROWS; r0++) { if (isGradable(r0)) { firstRow = r0; break; } }
  if (firstRow < 0 || !COLS) { render(); return; }

  editor = document.createElement("input");
  editor.className = "vg-editor";
  editor.autocomplete = "off";
  editor.spellcheck = false;
  editor.setAttribute("aria-describedby", "cell-info");
  active = { r: firstRow, c: 0 };
  var original = "";  // what the cell held when the editor came to it (Esc brings it back)
  var moving = false;

  function fillEditor() {
    var index = active.r * COLS + active.c;
    original = values[index];
    editor.value = refused[index] !== undefined ? refused[index] : values[index];
    editor.setAttribute("aria-label", cellName(active.r, active.c));
  }
  fillEditor();
  render();

  function scrollToCell(r, c) {
    var left = scroller.scrollLeft;
    var top = scroller.scrollTop;
    var x0 = colX[c];
    var y0 = HEAD_H + r * ROW_H;
    if (x0 < left + STICKY_W) { left = x0 - STICKY_W; }
    else if (x0 + colW[c] > left + scroller.clientWidth) { left = x0 + colW[c] - scroller.clientWidth; }
    if (y0 < top + HEAD_H) { top = y0 - HEAD_H; }
    else if (y0 + ROW_H > top + scroller.clientHeight) { top = y0 + ROW_H - scroller.clientHeight; }
    scroller.scrollLeft = left;
    scroller.scrollTop = top;
  }

  function moveTo(r, c) {
    var old = active;
    moving = true;
    active = { r: r, c: c };
    scrollToCell(r, c);
    render();
    repaint(old.r, old.c);
    fillEditor();
    repaint(r, c);
    // The grid is already scrolled to the cell; focusing scrolls the page only if the cell is
    // below or above the window (the padding keeps it clear of the sticky header and names).
    editor.focus();
    moving = false;
  }

  function nextGradableRow(r, step) {
    for (var next = r + step; next >= 0 && next < ROWS; next += step) {
      if (isGradable(next)) { return next; }
    }
    return -1;
  }

  // Where a key leads from the active cell, or null at the grid's edge.
  function target(rowStep, columnStep, wrap) {
    var r = active.r;
    var c = active.c + columnStep;
    if (rowStep) {
      r = nextGradableRow(r, rowStep);
      return r < 0 ? null : { r: r, c: active.c };
    }
    if (c >= 0 && c < COLS) { return { r: r, c: c }; }
    if (!wrap) { return null; }
    r = nextGradableRow(r, columnStep);
    return r < 0 ? null : { r: r, c: columnStep > 0 ? 0 : COLS - 1 };
  }

  function needsReason(index) {
    return data.reasonAlways || (columns[index % COLS].past && values[index] !== "");
  }

  // Leave the active cell: save what was typed, unless the change needs a reason first (then
  // the editor stays here until the reason is given or the edit is cancelled).
  function commit(then) {
    var index = active.r * COLS + active.c;
    var typed = editor.value.trim();
    var shown = refused[index] !== undefined ? refused[index] : values[index];
    if (typed === shown) { if (then) { then(); } return; }
    if (needsReason(index)) {
      askReason(active.r, active.c, typed, "", then);
      return;
    }
    queueSave(active.r, active.c, typed, "");
    if (then) { then(); }
  }

  function go(rowStep, columnStep, wrap) {
    var next = target(rowStep, columnStep, wrap);
    if (!next) { return false; }
    commit(function () { moveTo(next.r, next.c); });
    return true;
  }

  // ---- Saving --------------------------------------------------------------------------

  var saving = Promise.resolve();
  function queueSave(r, c, typed, reason) {
    var index = r * COLS + c;
    states[index] = "saving";
    delete refused[index];
    repaint(r, c);
    // Saves run one after another, in the order typed: a cell's next save carries the version
    // its previous save returned, and the server never sees two writes of one page at once.
    saving = saving.then(function () { return save(r, c, typed, reason); });
  }

  function applyCell(r, c, cell) {
    var index = r * COLS + c;
    values[index] = cell.value;
    versions[index] = cell.version;
    flags[index] = (cell.passing ? 1 : 0) + (cell.absent ? 2 : 0);
    if (cell.version) {
      authorIds[index] = cell.by_id;
      entryTimes[index] = cell.at;
      authors[String(cell.by_id)] = authors[String(cell.by_id)] || cell.by;
    }
    delete titles[index];
    delete refused[index];
    if (cell.result !== undefined) { results[r] = cell.result === "" ? null : Number(cell.result); }
    if (active && active.r === r && active.c === c && editor.value.trim() !== cell.value && document.activeElement === editor) {
      // The editor still shows what was typed («отл»): show what was stored («5»).
      original = cell.value;
      editor.value = cell.value;
      editor.select();
    } else if (active && active.r === r && active.c === c) {
      original = cell.value;
    }
  }

  function save(r, c, typed, reason) {
    var index = r * COLS + c;
    var learner = rows[r][1];
    return fetch(scroller.dataset.saveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify({
        assessment: columns[c].id, enrollment: rows[r][0], value: typed,
        version: versions[index], reason: reason || ""
      })
    }).then(function (response) {
      return response.json().then(function (answer) { return { status: response.status, data: answer }; });
    }).then(function (answer) {
      delete states[index];
      if (answer.status === 200) {
        applyCell(r, c, answer.data);
        states[index] = "saved";
        repaint(r, c);
        say(r, c, "Сохранено: " + learner + " — «" + (answer.data.value || "пусто") + "».", "ok");
        return;
      }
      if (answer.status === 428) {
        // The server asks a reason this page did not expect: go back to the cell and ask it.
        repaint(r, c);
        var back = function () {
          if (active.r !== r || active.c !== c) { moveTo(r, c); }
          editor.value = typed;
          askReason(r, c, typed, answer.data.error, null);
        };
        if (active.r !== r || active.c !== c) { commit(back); } else { back(); }
        return;
      }
      if (answer.status === 409) {
        delete answer.data.cell.result;  // not worked out for a refused save: the row keeps its own
        applyCell(r, c, answer.data.cell);
        states[index] = "conflict";
        repaint(r, c);
        say(r, c, answer.data.error, "bad");
        return;
      }
      states[index] = "invalid";
      refused[index] = typed;
      titles[index] = answer.data.error || "Не сохранено.";
      repaint(r, c);
      say(r, c, cellName(r, c) + ": " + (answer.data.error || "Не сохранено."), "bad");
    }).catch(function () {
      states[index] = "invalid";
      refused[index] = typed;
      repaint(r, c);
      say(r, c, "Нет связи с сервером: значение не сохранено. Повторите ввод.", "bad");
    });
  }

  // ---- The reason for a late correction, asked next to the cell ---------------------------

  var dialog = document.getElementById("reason-dialog");
  var reasonForm = document.getElementById("reason-form");
  var reasonInput = document.getElementById("reason-input");
  var reasonTitle = document.getElementById("reason-title");
  var asking = null;  // {r, c, typed, then}

  function askReason(r, c, typed, message, then) {
    asking = { r: r, c: c, typed: typed, then: then };
    var column = columns[c];
    var why = message || (data.reasonAlways
      ? "Журнал модуля закрыт: укажите основание исправления."
      : "Срок внесения оценок истёк " + column.due + ": укажите причину исправления.");
    reasonTitle.textContent = rows[r][1] + ", «" + column.title + "» (" + column.date + "): «" +
      (values[r * COLS + c] || "пусто") + "» → «" + (typed || "пусто") + "». " + why;
    reasonInput.value = "";
    dialog.show();
    var rect = (cellEl(r, c) || scroller).getBoundingClientRect();
    dialog.style.left = Math.max(4, Math.min(rect.left, document.documentElement.clientWidth - dialog.offsetWidth - 4)) + "px";
    dialog.style.top = Math.min(rect.bottom + 4, window.innerHeight - dialog.offsetHeight - 4) + "px";
    statusBox.textContent = reasonTitle.textContent;
    reasonInput.focus();
  }

  function closeReason() {
    dialog.close();
    var was = asking;
    asking = null;
    return was;
  }

  reasonForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var reason = reasonInput.value.trim();
    if (!reason) { reasonInput.focus(); return; }
    var was = closeReason();
    queueSave(was.r, was.c, was.typed, reason);
    editor.focus({ preventScroll: true });
    if (was.then) { was.then(); }
  });

  function cancelReason() {
    var was = closeReason();
    if (!was) { return; }
    if (active.r === was.r && active.c === was.c) {
      editor.value = values[was.r * COLS + was.c];
      editor.focus({ preventScroll: true });
      editor.select();
    }
    say(was.r, was.c, "Изменение отменено: не указано основание.", "warn");
  }
  document.getElementById("reason-cancel").addEventListener("click", cancelReason);
  dialog.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { event.preventDefault(); cancelReason(); }
  });

  // ---- Keys, clicks and focus ------------------------------------------------------------

  editor.addEventListener("focus", function () {
    editor.select();
    describe(active.r, active.c);
    showHistory(active.r, active.c);
  });

  editor.addEventListener("blur", function () {
    // Focus left the grid (a click elsewhere, Tab past the last cell): keep what was typed.
    if (moving || asking) { return; }
    window.setTimeout(function () {
      if (document.activeElement !== editor && !asking && !moving) { commit(null); }
    }, 0);
  });

  editor.addEventListener("keydown", function (event) {
    var all = editor.selectionStart === 0 && editor.selectionEnd === editor.value.length;
    switch (event.key) {
      case "Enter":
        event.preventDefault();
        if (!go(event.shiftKey ? -1 : 1, 0, false)) { commit(null); }
        break;
      case "Tab":
        if (go(0, event.shiftKey ? -1 : 1, true)) { event.preventDefault(); }
        break;
      case "ArrowDown":
        event.preventDefault();
        go(1, 0, false);
        break;
      case "ArrowUp":
        event.preventDefault();
        go(-1, 0, false);
        break;
      case "ArrowRight":
        if (all || editor.selectionStart === editor.value.length) { event.preventDefault(); go(0, 1, false); }
        break;
      case "ArrowLeft":
        if (all || editor.selectionEnd === 0) { event.preventDefault(); go(0, -1, false); }
        break;
      case "Escape":
        editor.value = original;
        editor.select();
        break;
      default:
        break;
    }
  });

  canvas.addEventListener("mousedown", function (event) {
    var el = event.target.closest(".vg-c[data-c]");
    if (!el || el.contains(editor) || el.classList.contains("vg-result") || el.classList.contains("vg-fill")) { return; }
    var r = Number(el.parentElement.dataset.r);
    var c = Number(el.dataset.c);
    if (!isGradable(r) || asking) { return; }
    event.preventDefault();
    commit(function () { moveTo(r, c); });
  });

  canvas.addEventListener("change", function (event) {
    var select = event.target;
    if (select.tagName !== "SELECT" || !select.value) { return; }
    var column = columns[Number(select.dataset.c)];
    if (window.confirm("Заполнить все пустые ячейки столбца «" + column.title + "» значением «" + select.value + "»?")) {
      var form = document.getElementById("fill-form");
      form.action = data.fillUrl.replace("{}", column.id);
      form.elements.value.value = select.value;
      form.submit();
    } else {
      select.value = "";
    }
  });
})();
