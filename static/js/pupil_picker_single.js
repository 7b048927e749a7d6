// Single-pupil picker: typing searches (name or UPN); choosing a result puts its code in the
// hidden input. Without JavaScript the typed text is posted and the server resolves it.
(function () {
  const setUp = (picker) => {
    if (picker.dataset.ready) return;
    picker.dataset.ready = "1";
    const code = picker.querySelector("[data-picker-code]");
    const input = picker.querySelector("[data-picker-text]");
    const results = picker.querySelector("[data-picker-results]");
    const status = picker.querySelector("[data-picker-status]");
    const chosenLine = picker.querySelector("[data-picker-chosen]");
    const url = picker.dataset.searchUrl;
    let timer = null;
    let asked = 0;

    const search = () => {
      const text = input.value.trim();
      const ticket = ++asked;
      if (text.length < 2) { results.innerHTML = ""; return; }
      const join = url.includes("?") ? "&" : "?";
      fetch(`${url}${join}q=${encodeURIComponent(text)}`, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
        .then((response) => (response.ok ? response.text() : ""))
        .then((html) => {
          if (ticket !== asked) return;
          results.innerHTML = html;
          const count = results.querySelectorAll("button[data-code]").length;
          status.textContent = count ? `${count} match${count === 1 ? "" : "es"}; press the down arrow to choose.` : "No matches.";
        });
    };

    const choose = (button) => {
      code.value = button.dataset.code;
      input.value = button.dataset.label;
      if (chosenLine) chosenLine.remove();
      results.innerHTML = "";
      status.textContent = `${button.dataset.label} chosen.`;
      // Tell the page (the cards beside the pupil, say) that the choice changed.
      code.dispatchEvent(new Event("change", { bubbles: true }));
      input.focus();
    };

    input.addEventListener("input", () => {
      if (code.value) {
        code.value = "";
        code.dispatchEvent(new Event("change", { bubbles: true }));
      }
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    input.addEventListener("keydown", (event) => {
      const first = results.querySelector("button[data-code]");
      if (event.key === "Enter" && first) {
        // Enter picks the first match rather than submitting the form half-filled.
        event.preventDefault();
        choose(first);
      } else if (event.key === "ArrowDown" && first) {
        event.preventDefault();
        first.focus();
      } else if (event.key === "Escape") {
        results.innerHTML = "";
      }
    });
    results.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-code]");
      if (button) choose(button);
    });
    results.addEventListener("keydown", (event) => {
      const buttons = Array.from(results.querySelectorAll("button[data-code]"));
      const index = buttons.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && index < buttons.length - 1) { event.preventDefault(); buttons[index + 1].focus(); }
      if (event.key === "ArrowUp") { event.preventDefault(); (index > 0 ? buttons[index - 1] : input).focus(); }
      if (event.key === "Escape") { results.innerHTML = ""; input.focus(); }
    });
  };
  const start = () => document.querySelectorAll("[data-pupil-picker-single]").forEach(setUp);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
