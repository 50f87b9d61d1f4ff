// Bundles the dashboard into dist/: app.js (TypeScript and uPlot), app.css (uPlot's styles and ours) and the
// static files in public/. No inline script or style anywhere, so the WebApi's CSP can stay 'self'-only.
import { build } from "esbuild";
import { cp, mkdir, rm } from "node:fs/promises";

const out = "dist";
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await build({
  entryPoints: { app: "src/main.ts" },
  bundle: true,
  minify: true,
  sourcemap: true,
  format: "esm",
  target: ["es2022"],
  outdir: out,
  logLevel: "warning",
});
await cp("public", out, { recursive: true });
