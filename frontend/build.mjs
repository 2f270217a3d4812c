// Builds govdoor's front-end assets into dist/ (served as /static/ through STATICFILES_DIRS).
//
// Why compile GOV.UK Frontend's Sass instead of copying its precompiled CSS: the precompiled file
// embeds GDS Transport and the GOV.UK asset paths, which a service outside GOV.UK must not use.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as sass from "sass";

const govuk = "node_modules/govuk-frontend/dist/govuk";

rmSync("dist/govuk", { recursive: true, force: true });
rmSync("dist/govdoor", { recursive: true, force: true });
mkdirSync("dist/govuk", { recursive: true });

const css = sass.compile("src/govuk.scss", {
  loadPaths: ["node_modules"],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync("dist/govuk/govuk-frontend.min.css", css.css);
cpSync(`${govuk}/govuk-frontend.min.js`, "dist/govuk/govuk-frontend.min.js");

// Our own files: branding, the JavaScript that starts GOV.UK Frontend, the icon.
mkdirSync("dist/govdoor", { recursive: true });
for (const file of ["govdoor.css", "govdoor.js", "favicon.svg"]) {
  cpSync(`src/${file}`, `dist/govdoor/${file}`);
}
console.log("front-end assets built into frontend/dist");
