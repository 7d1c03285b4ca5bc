// A background job's page: asks for its state once a second and shows the progress bar, the
// stage («страница 12 из 40») and, when the job is done, the link to its file.
(function () {
  "use strict";
  const box = document.querySelector("[data-job-status-url]");
  if (!box) return;
  const url = box.dataset.jobStatusUrl;
  const bar = box.querySelector("[data-job-progress]");
  const label = box.querySelector("[data-job-label]");
  const count = box.querySelector("[data-job-count]");
  const stage = box.querySelector("[data-job-stage]");
  const error = box.querySelector("[data-job-error]");
  const file = box.querySelector("[data-job-file]");
  const link = box.querySelector("[data-job-file-link]");
  const fileName = box.querySelector("[data-job-file-name]");
  const summary = box.querySelector("[data-job-summary]");
  const resultLink = box.querySelector("[data-job-link]");
  const resultAnchor = box.querySelector("[data-job-link-anchor]");
  let failures = 0;

  function show(state) {
    box.dataset.jobStatus = state.status;
    label.textContent = state.status_label;
    // A running stage of unknown length (a PDF being laid out) has no count: the bar then
    // only shows that work goes on.
    if (state.status === "running" && !state.total) bar.removeAttribute("value");
    else bar.value = state.percent;
    bar.textContent = state.percent + "%";
    if (count) count.textContent = state.total ? state.done + " из " + state.total : "";
    stage.textContent = state.stage;
    error.textContent = state.error;
    error.hidden = !state.error;
    if (state.file_url) {
      link.href = state.file_url;
      fileName.textContent = state.file_name;
      file.hidden = false;
    }
    if (state.summary) {
      summary.textContent = state.summary;
      summary.hidden = false;
    }
    if (state.link_url) {
      resultAnchor.href = state.link_url;
      resultAnchor.textContent = state.link_text;
      resultLink.hidden = false;
    }
  }

  async function poll() {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
      if (!response.ok) throw new Error(String(response.status));
      const state = await response.json();
      failures = 0;
      show(state);
      if (state.status === "queued" || state.status === "running") setTimeout(poll, 1000);
    } catch (e) {
      failures += 1;
      stage.textContent = "Нет связи с сервером, пробуем снова…";
      setTimeout(poll, Math.min(10000, 1000 * 2 ** failures));
    }
  }

  if (box.dataset.jobStatus === "queued" || box.dataset.jobStatus === "running") poll();
})();
