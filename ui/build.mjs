// Copies YASGUI's browser build (from node_modules, installed by `npm ci`) into the Python
// package, src/kg/web/static/yasgui/, with its licence notices, and checks that nothing in it
// loads scripts, styles or fonts from another site (kg serve must work offline, no CDN).
//
//   cd ui && npm ci && npm run build      (or: make ui)
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(here, "../src/kg/web/static/yasgui");
const pkgDir = path.join(here, "node_modules/@zazuko/yasgui");
const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8"));
const lock = JSON.parse(fs.readFileSync(path.join(here, "package-lock.json"), "utf8"));

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });

// The bundle and its style sheet, without the source-map reference (the maps are not shipped:
// 3.5 MB each, and a browser with developer tools open would ask the server for them).
for (const name of ["yasgui.min.js", "yasgui.min.css"]) {
  const text = fs.readFileSync(path.join(pkgDir, "build", name), "utf8")
    .replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, "\n")
    .replace(/\n?\/\*# sourceMappingURL=\S+ \*\/\s*$/, "\n");
  fs.writeFileSync(path.join(out, name), text);
}

// No loads from other sites: a URL of a script, style sheet or font, a CDN host, or an
// @import / url() to an absolute http(s) address.
const problems = [];
const cdn = /https?:\/\/[^\s"'`)]*(cdn|unpkg|jsdelivr|googleapis|gstatic|cloudflare|fontawesome|bootstrapcdn)[^\s"'`)]*/gi;
const asset = /https?:\/\/[^\s"'`)]+\.(js|mjs|css|woff2?|ttf|otf|eot)(\?[^\s"'`)]*)?(?=["'`)\s])/gi;
const cssLoad = /(@import|url\()\s*["']?https?:\/\//gi;
for (const name of fs.readdirSync(out)) {
  const text = fs.readFileSync(path.join(out, name), "utf8");
  for (const re of [cdn, asset, cssLoad]) {
    for (const m of text.matchAll(re)) problems.push(`${name}: ${m[0]}`);
  }
}
if (problems.length) {
  console.error("The YASGUI build loads files from other sites:\n  " + problems.join("\n  "));
  process.exit(1);
}

// Licence notices: YASGUI's (MIT; the npm package ships none, so its text is written here)
// and those of the packages npm installed with it, which its bundle contains.
const year = "2019";
let notice = `YASGUI ${pkg.name} ${pkg.version} (${pkg.homepage})
yasgui.min.js and yasgui.min.css in this folder are its browser build, copied unchanged
(source-map comment removed) by ui/build.mjs.

MIT License

Copyright (c) ${year} Triply B.V.; Copyright (c) Zazuko GmbH and contributors

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
`;
fs.writeFileSync(path.join(out, "LICENSE"), notice);

const parts = ["Third-party packages installed with YASGUI (ui/package-lock.json); its bundle contains them.\n"];
for (const [key, info] of Object.entries(lock.packages).sort()) {
  if (!key || info.dev) continue;
  const dir = path.join(here, key);
  const name = key.replace(/^.*node_modules\//, "");
  let licence = info.license;
  if (!licence) {
    try { licence = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).license; } catch {}
  }
  parts.push("=".repeat(78) + `\n${name} ${info.version} -- ${licence || "see the package"}\n`);
  const file = fs.existsSync(dir) && fs.readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
  if (file) parts.push(fs.readFileSync(path.join(dir, file), "utf8").trim() + "\n");
}
fs.writeFileSync(path.join(out, "THIRD-PARTY-NOTICES.txt"), parts.join("\n"));

fs.writeFileSync(path.join(out, "VERSION"), `${pkg.name} ${pkg.version}\n`);
const sizes = fs.readdirSync(out).map((f) => `${f} ${fs.statSync(path.join(out, f)).size}`);
console.log(`YASGUI ${pkg.version} -> ${path.relative(process.cwd(), out)}\n  ` + sizes.join("\n  "));
