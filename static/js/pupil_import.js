// Pupil import pages. Without JavaScript the error summary still lists every problem and the
// progress page has a Refresh link; this only moves focus and keeps the progress up to date.
(function () {
  // Move focus to the error summary so screen readers announce the problems first.
  const summary = document.querySelector("[data-focus-on-load]");
  if (summary) summary.focus();

  const panel = document.querySelector("[data-import-status-url]");
  if (!panel) return;
  const heading = panel.querySelector("[data-import-status]");
  const count = panel.querySelector("[data-import-count]");
  const bar = panel.querySelector("[data-import-progress]");

  const render = (data) => {
    heading.textContent = data.status_label;
    bar.value = data.percent;
    bar.textContent = data.percent + "%";
    if (data.total) count.textContent = "Checked " + data.processed + " of " + data.total + " rows.";
  };

  const poll = (delay) => {
    setTimeout(() => {
      fetch(panel.dataset.importStatusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
        .then((data) => {
          if (data.finished) {
            // The finished page carries the report or the problems; the server renders it.
            window.location.reload();
            return;
          }
          render(data);
          poll(Math.min(delay * 1.5, 5000));
        })
        .catch(() => poll(15000));
    }, delay);
  };
  poll(1000);
})();
