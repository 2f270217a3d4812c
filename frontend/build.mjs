// Copies the pinned GOV.UK Frontend build and govdoor's own styles into dist/ (served as /static/).
import { cpSync, mkdirSync, rmSync } from "node:fs";

const src = "node_modules/govuk-frontend/dist/govuk";
rmSync("dist/govuk", { recursive: true, force: true });
mkdirSync("dist/govuk", { recursive: true });
cpSync(`${src}/govuk-frontend.min.css`, "dist/govuk/govuk-frontend.min.css");
cpSync(`${src}/govuk-frontend.min.js`, "dist/govuk/govuk-frontend.min.js");
cpSync(`${src}/assets`, "dist/govuk/assets", { recursive: true });
cpSync("src", "dist/govdoor", { recursive: true });
console.log("front-end assets built into frontend/dist");
