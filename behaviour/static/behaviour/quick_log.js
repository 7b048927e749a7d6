// Quick log pupil picker: a search result button adds the pupil as a removable chip
// carrying a hidden input, so the chosen pupils travel with the form.
(function () {
  const picker = document.getElementById("pupil-picker");
  if (!picker) return;
  const chosen = document.getElementById("chosen-pupils");
  const results = document.getElementById("pupil-picker-results");
  const input = document.getElementById("id_pupils");
  const status = document.getElementById("pupil-picker-status");

  const addChip = (code, label) => {
    if (chosen.querySelector(`input[value="${code}"]`)) return;
    const chip = document.createElement("li");
    chip.className = "badge text-bg-primary fs-6 d-inline-flex align-items-center gap-1";
    chip.textContent = label + " ";
    const hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = "pupils";
    hidden.value = code;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "btn-close btn-close-white";
    remove.setAttribute("aria-label", `Remove ${label}`);
    remove.dataset.remove = "1";
    chip.append(hidden, remove);
    chosen.append(chip);
    status.textContent = `${label} added.`;
    // Tell the page (the cards beside the pupils, say) that the choice changed.
    chosen.dispatchEvent(new Event("change", { bubbles: true }));
  };

  results.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-code]");
    if (!button) return;
    addChip(button.dataset.code, button.dataset.label);
    results.innerHTML = "";
    input.value = "";
    input.focus();
  });
  chosen.addEventListener("click", (event) => {
    if (!event.target.dataset.remove) return;
    const chip = event.target.closest("li");
    status.textContent = `${chip.textContent.trim()} removed.`;
    chip.remove();
    chosen.dispatchEvent(new Event("change", { bubbles: true }));
    input.focus();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      // Enter picks the first match instead of submitting a half-filled form.
      event.preventDefault();
      const first = results.querySelector("button[data-code]");
      if (first) first.click();
    } else if (event.key === "ArrowDown") {
      const first = results.querySelector("button");
      if (first) { event.preventDefault(); first.focus(); }
    }
  });
  results.addEventListener("keydown", (event) => {
    const buttons = Array.from(results.querySelectorAll("button"));
    const index = buttons.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && index < buttons.length - 1) { event.preventDefault(); buttons[index + 1].focus(); }
    if (event.key === "ArrowUp") { event.preventDefault(); (index > 0 ? buttons[index - 1] : input).focus(); }
    if (event.key === "Escape") { results.innerHTML = ""; input.focus(); }
  });
})();
