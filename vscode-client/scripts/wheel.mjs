// Build the schemalens wheel into bundled/, so the .vsix can install the server itself.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync } from "node:fs";

const python = process.env.SCHEMALENS_PYTHON || "python3";
mkdirSync("bundled", { recursive: true });
for (const f of readdirSync("bundled")) if (f.endsWith(".whl")) rmSync(`bundled/${f}`);
execFileSync(python, ["-m", "pip", "wheel", "--no-deps", "--quiet", "-w", "bundled", ".."], { stdio: "inherit" });
console.log(readdirSync("bundled").join("\n"));
