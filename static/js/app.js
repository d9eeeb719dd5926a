// Move focus to the error summary when a swapped-in form has errors (GOV.UK pattern).
document.addEventListener("htmx:afterSettle", (event) => {
  const summary = event.detail.target.querySelector(".govuk-error-summary");
  if (summary) { summary.setAttribute("tabindex", "-1"); summary.focus(); }
});
