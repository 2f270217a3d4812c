// Starts GOV.UK Frontend. A static file, not an inline script: the CSP allows script-src 'self'.
// GOV.UK Frontend's components only run when <body> has govuk-frontend-supported, which the
// GOV.UK template sets inline; we set it here instead (a module script runs only where ES
// modules are supported, which is the test GOV.UK Frontend asks for).
import { initAll } from "../govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
