// Blank screen: hide everything at once when a pupil walks up.
(function () {
  const blank = document.getElementById("blank-screen");
  const button = document.getElementById("blank-screen-button");
  const restore = document.getElementById("unblank-button");
  if (blank && button) {
    const hide = () => {
      document.body.classList.add("blanked");
      blank.hidden = false;
      document.title = "…";
      blank.focus();
    };
    const show = () => {
      document.body.classList.remove("blanked");
      blank.hidden = true;
      document.title = blank.dataset.title || document.title;
      button.focus();
    };
    blank.dataset.title = document.title;
    button.addEventListener("click", hide);
    restore.addEventListener("click", show);
    let lastEsc = 0;
    document.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || !blank.hidden) return;
      const now = Date.now();
      if (now - lastEsc < 600) hide();
      lastEsc = now;
    });
  }

  // After the idle timeout the server session has ended; reload so a page left
  // open on a shared computer does not keep showing pupil data.
  const minutes = parseInt(document.body.dataset.idleTimeoutMinutes || "0", 10);
  if (document.body.dataset.signedIn && minutes > 0) {
    let timer;
    const reset = () => {
      clearTimeout(timer);
      timer = setTimeout(() => window.location.reload(), minutes * 60 * 1000 + 5000);
    };
    ["click", "keydown", "touchstart"].forEach((name) => document.addEventListener(name, reset, { passive: true }));
    reset();
  }

  // Behaviours declared in markup, so no page needs inline handlers (our CSP forbids them):
  // data-confirm on a form asks before it is sent; data-submit-on-change sends a select's form
  // as soon as it changes; data-print prints the page.
  document.addEventListener("submit", (event) => {
    const message = event.target.dataset && event.target.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  });
  document.addEventListener("change", (event) => {
    if (event.target.matches("[data-submit-on-change]") && event.target.form) event.target.form.requestSubmit();
  });
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-print]")) window.print();
  });

  // Type-ahead: arrow down from the search box moves into the results.
  const input = document.getElementById("pupil-search-input");
  const results = document.getElementById("pupil-search-results");
  if (input && results) {
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown") {
        const first = results.querySelector("a");
        if (first) { event.preventDefault(); first.focus(); }
      }
    });
    results.addEventListener("keydown", (event) => {
      const links = Array.from(results.querySelectorAll("a"));
      const index = links.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && index < links.length - 1) { event.preventDefault(); links[index + 1].focus(); }
      if (event.key === "ArrowUp") { event.preventDefault(); (index > 0 ? links[index - 1] : input).focus(); }
      if (event.key === "Escape") { results.innerHTML = ""; input.focus(); }
    });
  }
})();

// A table wider than the screen scrolls inside its .table-responsive box; keyboard users must be able to reach
// and scroll it (WCAG 2.1.1), so an overflowing box becomes a focusable, named region. Runs again when content
// arrives later (pupil cards, htmx swaps) or the window changes size.
(function () {
  const mark = () => {
    document.querySelectorAll(".table-responsive").forEach((box) => {
      const overflows = box.scrollWidth > box.clientWidth + 1;
      if (overflows && !box.hasAttribute("tabindex")) {
        const caption = box.querySelector("caption");
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table (scrolls sideways)");
        box.dataset.scrollMarked = "1";
      } else if (!overflows && box.dataset.scrollMarked) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        delete box.dataset.scrollMarked;
      }
    });
  };
  let queued = false;
  const later = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      mark();
    });
  };
  mark();
  window.addEventListener("resize", later);
  new MutationObserver(later).observe(document.body, { childList: true, subtree: true });
})();

// Alt+L opens the quick log from any page (the header's "Log" link carries the address).
document.addEventListener("keydown", (event) => {
  if (!event.altKey || event.ctrlKey || event.metaKey || event.key.toLowerCase() !== "l") return;
  const link = document.querySelector('a[data-shortcut="quick-log"]');
  if (!link) return;
  event.preventDefault();
  window.location.assign(link.href);
});
