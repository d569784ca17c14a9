// Vite build config: bundles the dashboard into the jar's static/ resources (dir given by Maven).
import { defineConfig } from "vite";

declare const process: { env: Record<string, string | undefined> };

// Maven passes ${project.build.outputDirectory}/static; standalone builds use the same default.
const outDir = process.env.TRAINSCOPE_STATIC_DIR ?? "../target/classes/static";

export default defineConfig({
  base: "./",
  build: {
    outDir,
    emptyOutDir: true,
    assetsDir: "assets",
    target: "es2022",
  },
  server: {
    // Dev loop: `npx vite` with the Java server on :8080.
    proxy: { "/trainscope.v1.": "http://127.0.0.1:8080" },
  },
});
