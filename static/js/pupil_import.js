// Move focus to the summary so screen readers announce the problems first.
document.getElementById("error-summary")?.focus();
