// Move focus to the error summary when a swapped-in form has errors (GOV.UK pattern).
document.addEventListener("htmx:afterSettle", (event) => {
  const summary = event.detail.target.querySelector(".govuk-error-summary");
  if (summary) { summary.setAttribute("tabindex", "-1"); summary.focus(); }
});

// Keyboard first. In a quick-search box, Tab goes straight to the first person found (not to
// the Search button and the links in between); Shift+Tab still goes back.
document.addEventListener("keydown", (event) => {
  const box = event.target.closest ? event.target.closest("[data-quick-search]") : null;
  if (!box || event.key !== "Tab" || event.shiftKey) return;
  const results = document.querySelector(box.dataset.results);
  const first = results && results.querySelector("a[href]");
  if (first) { event.preventDefault(); first.focus(); }
});

// "/" from any page (outside a text field) reaches the quick search: the box on this page,
// or the home page's, where the box has focus.
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName)) return;
  event.preventDefault();
  const box = document.querySelector("[data-quick-search]");
  if (box) { box.focus(); box.select(); return; }
  const home = document.querySelector("[data-home-url]");
  if (home) window.location.href = home.dataset.homeUrl;
});

// Report bars: their width comes from a data attribute (an inline style attribute would break
// the Content-Security-Policy).
document.querySelectorAll("[data-bar-width]").forEach((bar) => {
  bar.style.width = `${bar.dataset.barWidth}%`;
});
