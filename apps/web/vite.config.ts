import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The dev server proxies to the API server `pnpm dev` starts beside it, on that server's PORT.
const apiTarget = process.env.VITE_API_TARGET || `http://127.0.0.1:${process.env.PORT || 3000}`;

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      "/trpc": { target: apiTarget, ws: true, changeOrigin: true },
      "/api": { target: apiTarget, changeOrigin: true },
      "/healthz": { target: apiTarget },
    },
  },
  build: { outDir: "dist", sourcemap: true },
});
