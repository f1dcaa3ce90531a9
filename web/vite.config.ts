/// <reference types="vitest/config" />
// Vite build of the browser UI: Element Plus imported per component, the
// service worker that keeps the app shell for offline selling, and Vitest.
import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import { VitePWA } from 'vite-plugin-pwa'

export default defineConfig({
  plugins: [
    vue(),
    Components({
      resolvers: [ElementPlusResolver({ importStyle: 'css' })],
      dts: 'components.d.ts',
    }),
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: false,
      manifest: {
        name: 'Tersa',
        short_name: 'Tersa',
        description: 'Terminal sales management',
        start_url: '/',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#1f2d3d',
        icons: [{ src: '/favicon.svg', sizes: 'any', type: 'image/svg+xml' }],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,woff2,webmanifest}'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/metrics/],
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
      },
    }),
  ],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  build: {
    manifest: true,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    // `TERSA_API=http://127.0.0.1:18300 npm run dev` for a server on another port.
    proxy: { '/api': process.env.TERSA_API ?? 'http://127.0.0.1:8080' },
  },
  test: {
    environment: 'jsdom',
    include: ['tests/unit/**/*.test.ts'],
    // Element Plus's per-component styles are .css imports: let Vite handle them.
    server: { deps: { inline: ['element-plus'] } },
    // The first mount compiles Element Plus: slow on a busy machine, not a failure.
    testTimeout: 30000,
  },
})
