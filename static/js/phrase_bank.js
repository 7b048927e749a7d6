// The quick log's phrase bank: the school's common phrases for the chosen category, as buttons that add the
// phrase to "What happened". Phrases without a category go with every category. Without JavaScript the bank
// stays hidden and a list in its place adds the phrase when the form is saved.
(function () {
  const bank = document.querySelector("[data-phrase-bank]");
  if (!bank) return;
  const form = bank.closest("form");
  const description = form.querySelector("textarea[name=description]");
  const status = bank.querySelector("[data-phrase-status]");
  const buttons = Array.from(bank.querySelectorAll("button[data-phrase]"));

  const show = () => {
    const chosen = form.querySelector("input[name=category]:checked");
    let shown = 0;
    buttons.forEach((button) => {
      const fits = chosen !== null && (button.dataset.category === "" || button.dataset.category === chosen.value);
      button.hidden = !fits;
      if (fits) shown += 1;
    });
    bank.hidden = shown === 0;
  };

  form.addEventListener("change", (event) => {
    if (event.target.name === "category") show();
  });
  bank.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-phrase]");
    if (!button || !description) return;
    const text = description.value.trimEnd();
    description.value = text ? `${text} ${button.dataset.phrase}` : button.dataset.phrase;
    status.textContent = `Added “${button.dataset.phrase}” to what happened.`;
  });
  show();
})();
