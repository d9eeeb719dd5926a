import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

// GOV.UK Frontend components, from a file so pages need no inline script (Content-Security-Policy).
initAll();
// Components inside content swapped in by htmx need initialising too.
document.addEventListener("htmx:afterSwap", (event) => initAll({ scope: event.detail.target }));
