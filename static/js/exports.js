// My exports: poll the status of files still being prepared and offer the download when ready.
// Without JavaScript the page refreshes itself instead (a <noscript> meta refresh).
(function () {
  // The bar's width is set here, through the CSSOM, because our CSP refuses style="" attributes.
  document.querySelectorAll(".progress-bar[data-progress]").forEach((bar) => {
    bar.style.width = bar.dataset.progress + "%";
  });
  const rows = Array.from(document.querySelectorAll("tr[data-export-status-url]")).filter((row) => row.dataset.exportStatusUrl);
  if (!rows.length) return;
  const announcer = document.getElementById("export-announcer");
  const label = (row) => row.querySelector("th").textContent.trim();

  const render = (row, data) => {
    const status = row.querySelector("[data-export-status]");
    const action = row.querySelector("[data-export-action]");
    if (data.status === "done" && data.download_url) {
      status.textContent = "Ready";
      const link = document.createElement("a");
      link.className = "btn btn-sm btn-primary";
      link.href = data.download_url;
      link.textContent = "Download";
      action.replaceChildren(link);
      announcer.textContent = label(row) + " is ready to download.";
      return true;
    }
    if (data.status === "failed") {
      const failed = document.createElement("span");
      failed.className = "text-danger";
      failed.textContent = "Failed: ";
      status.replaceChildren(failed, document.createTextNode(data.error));
      announcer.textContent = label(row) + " failed. Reload the page to try again.";
      return true;
    }
    const bar = status.querySelector(".progress-bar");
    const progress = status.querySelector(".progress");
    if (bar && progress) {
      bar.style.width = data.progress + "%";
      bar.textContent = data.progress + "%";
      progress.setAttribute("aria-valuenow", data.progress);
    }
    return false;
  };

  const poll = (row, delay) => {
    setTimeout(() => {
      fetch(row.dataset.exportStatusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
        .then((data) => {
          if (!render(row, data)) {
            poll(row, Math.min(delay * 1.5, 10000));
          }
        })
        .catch(() => poll(row, 15000));
    }, delay);
  };
  rows.forEach((row) => poll(row, 1000));
})();
