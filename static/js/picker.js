// The picker of pupils, staff and incidents (pastoral/pickers.py): an ARIA combobox whose listbox of
// matches comes from the search endpoint. One choice puts its code in a hidden input; several choices
// become chips, each posting its code. Without JavaScript the text box is posted and the server resolves it.
(function () {
  let counter = 0;

  const setUp = (picker) => {
    if (picker.dataset.ready) return;
    picker.dataset.ready = "1";
    const multiple = picker.hasAttribute("data-multiple");
    const input = picker.querySelector("[data-picker-input]");
    const results = picker.querySelector("[data-picker-results]");
    const status = picker.querySelector("[data-picker-status]");
    const url = picker.dataset.searchUrl;
    const plural = picker.dataset.plural || "matches";
    const code = picker.querySelector("[data-picker-code]");
    const chips = picker.querySelector("[data-picker-chips]");
    const fallback = picker.querySelector("[data-picker-fallback]");
    const prefix = `${input.id || "picker"}-${++counter}`;
    let timer = null;
    let asked = 0;
    let active = -1;

    input.setAttribute("role", "combobox");

    const options = () => Array.from(results.querySelectorAll("[role=option]"));

    const close = () => {
      results.innerHTML = "";
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    };

    const highlight = (index) => {
      const all = options();
      if (!all.length) return;
      active = (index + all.length) % all.length;
      all.forEach((option, i) => {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
        option.classList.toggle("active", i === active);
      });
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    };

    const announce = (text) => { status.textContent = text; };

    const search = () => {
      const text = input.value.trim();
      const ticket = ++asked;
      if (text.length < 2) { close(); return; }
      const join = url.includes("?") ? "&" : "?";
      fetch(`${url}${join}q=${encodeURIComponent(text)}`, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
        .then((response) => (response.ok ? response.text() : ""))
        .then((html) => {
          if (ticket !== asked) return;
          results.innerHTML = html;
          active = -1;
          const all = options();
          all.forEach((option, i) => { option.id = `${prefix}-option-${i}`; });
          const listbox = results.querySelector("[role=listbox]");
          if (listbox) listbox.id = `${prefix}-listbox`;
          input.setAttribute("aria-expanded", all.length ? "true" : "false");
          input.removeAttribute("aria-activedescendant");
          announce(all.length
            ? `${all.length} ${all.length === 1 ? "match" : "matches"}; use the down arrow to choose.`
            : `No ${plural} match.`);
        });
    };

    const chosenCodes = () => Array.from(chips ? chips.querySelectorAll("input[data-picker-value]") : []).map((el) => el.value);

    const roleTemplate = picker.querySelector("template[data-picker-role-template]");

    // A role picker's chips each carry a select of the pupil's role: the server's own (keeping its choice),
    // or a copy of the template with the default role.
    const roleSelect = (value, label, existing) => {
      if (!roleTemplate) return null;
      const select = existing || roleTemplate.content.querySelector("select").cloneNode(true);
      select.name = `${picker.dataset.name}_role_${value}`;
      select.setAttribute("aria-label", `Role of ${label}`);
      return select;
    };

    const makeChip = (value, label, existingRole) => {
      const chip = document.createElement("li");
      chip.className = "picker-chip";
      chip.dataset.pickerChip = "1";
      const hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = picker.dataset.name;
      hidden.value = value;
      hidden.dataset.pickerValue = "1";
      const text = document.createElement("span");
      text.className = "picker-chip-label";
      text.dataset.pickerLabel = "1";
      text.textContent = label;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "picker-chip-remove";
      remove.dataset.pickerRemove = "1";
      remove.setAttribute("aria-label", `Remove ${label}`);
      remove.innerHTML = '<span aria-hidden="true">×</span>';
      const role = roleSelect(value, label, existingRole);
      if (role) chip.append(hidden, text, role, remove);
      else chip.append(hidden, text, remove);
      return chip;
    };

    const changed = (target) => target.dispatchEvent(new Event("change", { bubbles: true }));

    const choose = (option) => {
      const value = option.dataset.code;
      const label = option.dataset.label;
      close();
      if (multiple) {
        if (chosenCodes().includes(value)) {
          announce(`${label} is already chosen.`);
        } else {
          chips.append(makeChip(value, label));
          announce(`${label} added. ${chosenCodes().length} chosen.`);
          changed(chips);
        }
        input.value = "";
      } else {
        code.value = value;
        input.value = label;
        const line = picker.querySelector("[data-picker-chosen]");
        if (line) line.remove();
        announce(`${label} chosen.`);
        // Tell the page (the cards beside the pupil, say) that the choice changed.
        changed(code);
      }
      input.focus();
    };

    if (multiple) {
      // The server's chips are ticked boxes (they work without JavaScript); here they become hidden inputs
      // with a remove button.
      chips.querySelectorAll("[data-picker-chip]").forEach((chip) => {
        const box = chip.querySelector("input[data-picker-value]");
        const label = chip.querySelector("[data-picker-label]").textContent;
        chip.replaceWith(makeChip(box.value, label, chip.querySelector("select[data-picker-role]")));
      });
      picker.querySelector("[data-picker-search]").hidden = false;
      // Typed names stay visible after a refused submit, so they can be corrected; otherwise the box goes.
      if (fallback && !fallback.querySelector("textarea").value.trim()) fallback.hidden = true;
      chips.addEventListener("click", (event) => {
        const remove = event.target.closest("[data-picker-remove]");
        if (!remove) return;
        const chip = remove.closest("[data-picker-chip]");
        const label = chip.querySelector("[data-picker-label]").textContent;
        chip.remove();
        announce(`${label} removed. ${chosenCodes().length} chosen.`);
        changed(chips);
        input.focus();
      });
    }

    input.addEventListener("input", () => {
      if (!multiple && code.value) {
        code.value = "";
        changed(code);
      }
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    input.addEventListener("keydown", (event) => {
      const all = options();
      if (event.key === "ArrowDown") {
        if (!all.length) return;
        event.preventDefault();
        highlight(active + 1);
      } else if (event.key === "ArrowUp") {
        if (!all.length) return;
        event.preventDefault();
        highlight(active < 0 ? all.length - 1 : active - 1);
      } else if (event.key === "Enter") {
        // Enter chooses (the highlighted match, or the first) rather than submitting a half-filled form.
        if (!all.length) {
          if (multiple || input.getAttribute("aria-expanded") === "true") event.preventDefault();
          return;
        }
        event.preventDefault();
        choose(all[active >= 0 ? active : 0]);
      } else if (event.key === "Escape") {
        if (all.length || results.textContent.trim()) {
          event.preventDefault();
          close();
        }
      } else if (event.key === "Backspace" && multiple && !input.value) {
        const last = chips.querySelector("[data-picker-chip]:last-child [data-picker-remove]");
        if (last) last.click();
      }
    });
    results.addEventListener("mousedown", (event) => {
      // Keep the focus in the box while a match is clicked.
      if (event.target.closest("[role=option]")) event.preventDefault();
    });
    results.addEventListener("click", (event) => {
      const option = event.target.closest("[role=option]");
      if (option) choose(option);
    });
  };

  const start = () => document.querySelectorAll("[data-picker]").forEach(setUp);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
