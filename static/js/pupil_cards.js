// Cards beside the pupil: when a form's pupil picker changes, fetch /pupils/<code>/cards/ for each chosen
// pupil and show the cards in the form's [data-pupil-cards-beside] box. Without JavaScript the server has
// already drawn the cards of the pupils chosen when the page was built.
(function () {
  const codePattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

  const chosenCodes = (box) => {
    const scope = box.closest("form") || document;
    const codes = [];
    scope.querySelectorAll(`input[name="${box.dataset.field}"]`).forEach((input) => {
      const value = input.value.trim();
      if (codePattern.test(value) && !codes.includes(value)) codes.push(value);
    });
    return codes;
  };

  const refresh = (box) => {
    const codes = chosenCodes(box);
    box.querySelectorAll("[data-pupil-cards-for], [data-pupil-cards-empty]").forEach((section) => {
      const code = section.dataset.pupilCardsFor || section.dataset.pupilCardsEmpty;
      if (!codes.includes(code)) section.remove();
    });
    codes.forEach((code) => {
      if (box.querySelector(`[data-pupil-cards-for="${code}"], [data-pupil-cards-empty="${code}"]`)) return;
      // A marker so a second change does not fetch the same pupil twice while the first answer is on its way.
      const holder = document.createElement("div");
      holder.dataset.pupilCardsEmpty = code;
      box.append(holder);
      fetch(box.dataset.url.replace(box.dataset.placeholder, code), { credentials: "same-origin" })
        .then((response) => (response.ok ? response.text() : ""))
        .then((html) => {
          if (!holder.isConnected) return;
          const template = document.createElement("template");
          template.innerHTML = html.trim();
          const section = template.content.firstElementChild;
          if (section) holder.replaceWith(section);
        });
    });
  };

  const start = () => {
    // A box without a field shows pupils fixed by the page (the events' pupils on an incident): nothing to watch.
    const boxes = Array.from(document.querySelectorAll("[data-pupil-cards-beside]")).filter((box) => box.dataset.field);
    if (!boxes.length) return;
    boxes.forEach(refresh);
    // The pupil pickers announce a new choice with a bubbling "change" event.
    document.addEventListener("change", () => boxes.forEach(refresh));
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
