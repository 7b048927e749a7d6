// Body map on the raise-a-concern form: click an outline to place a mark, then type a note for it.
// Each mark is a list row carrying hidden side/x/y inputs, so marks travel with the form. The
// "Add this mark" button places one from a named part of the body, for keyboard users.
(function () {
  const map = document.querySelector("[data-body-map]");
  const list = document.getElementById("mark-list");
  if (!map || !list) return;
  const status = document.getElementById("mark-status");
  const regions = JSON.parse(document.getElementById("body-regions").textContent);
  const NS = "http://www.w3.org/2000/svg";

  const hidden = (name, value) => {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    return input;
  };

  const redraw = () => {
    map.querySelectorAll("svg .marks").forEach((g) => g.replaceChildren());
    Array.from(list.children).forEach((row, index) => {
      const side = row.querySelector("[name=mark_side]").value;
      const x = row.querySelector("[name=mark_x]").value;
      const y = row.querySelector("[name=mark_y]").value;
      const g = map.querySelector(`svg[data-side="${side}"] .marks`);
      const dot = document.createElementNS(NS, "circle");
      dot.setAttribute("cx", x); dot.setAttribute("cy", y); dot.setAttribute("r", "3.5"); dot.setAttribute("fill", "#b02a37");
      const label = document.createElementNS(NS, "text");
      label.setAttribute("x", x); label.setAttribute("y", y); label.setAttribute("dy", "-5");
      label.setAttribute("text-anchor", "middle"); label.setAttribute("font-size", "7");
      label.textContent = String(index + 1);
      g.append(dot, label);
      row.querySelector(".mark-number").textContent = String(index + 1);
      const note = row.querySelector("[name=mark_note]");
      note.setAttribute("aria-label", `Note for mark ${index + 1} (${side})`);
    });
  };

  const addMark = (side, x, y, noteText) => {
    const row = document.createElement("li");
    row.className = "d-flex align-items-center gap-2 mb-2";
    const number = document.createElement("span");
    number.className = "badge text-bg-danger mark-number";
    const note = document.createElement("input");
    note.type = "text";
    note.name = "mark_note";
    note.className = "form-control";
    note.maxLength = 300;
    note.placeholder = "What you saw here (size, colour, shape)";
    note.value = noteText || "";
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "btn btn-outline-secondary btn-sm";
    remove.textContent = "Remove";
    remove.addEventListener("click", () => {
      row.remove();
      redraw();
      status.textContent = "Mark removed.";
    });
    const sideLabel = document.createElement("span");
    sideLabel.className = "text-body-secondary small";
    sideLabel.textContent = side === "front" ? "Front" : "Back";
    row.append(number, sideLabel, hidden("mark_side", side), hidden("mark_x", x), hidden("mark_y", y), note, remove);
    list.append(row);
    redraw();
    status.textContent = `Mark ${list.children.length} placed on the ${side}. Type a note for it.`;
    return note;
  };

  list.querySelectorAll("button[data-remove-mark]").forEach((button) => {
    button.addEventListener("click", () => { button.closest("li").remove(); redraw(); });
  });

  map.querySelectorAll("svg[data-side]").forEach((svg) => {
    svg.addEventListener("click", (event) => {
      const point = svg.createSVGPoint();
      point.x = event.clientX;
      point.y = event.clientY;
      const local = point.matrixTransform(svg.getScreenCTM().inverse());
      const x = Math.max(0, Math.min(100, local.x)).toFixed(1);
      const y = Math.max(0, Math.min(200, local.y)).toFixed(1);
      addMark(svg.dataset.side, x, y).focus();
    });
  });

  const addButton = document.getElementById("add-mark");
  addButton.hidden = false;
  addButton.addEventListener("click", () => {
    const side = document.getElementById("id_fallback_side").value || "front";
    const regionField = document.getElementById("id_fallback_region");
    const noteField = document.getElementById("id_fallback_note");
    const region = regions[regionField.value];
    if (!region) {
      status.textContent = "Choose the part of the body first.";
      regionField.focus();
      return;
    }
    const x = side === "back" ? 100 - region[1] : region[1];
    addMark(side, x, region[2], noteField.value);
    regionField.value = "";
    noteField.value = "";
    regionField.focus();
  });
})();
