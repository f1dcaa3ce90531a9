// The JavaScript each route loads, gzip-compressed, from the Vite manifest:
// the entry with its static imports plus the route's view chunk with its
// own. Fails (exit 1) when the POS route loads more than its budget, or when
// ECharts is loaded at start-up or by the POS or login (charts belong to the
// dashboard and report pages, in their own chunks).
// Usage (after `vite build`): node scripts/size.mjs [distDir]
import { readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

const BUDGET = 500 * 1024 // bytes of gzip, for /pos
const dist = process.argv[2] ?? 'dist'
const manifestPath = join(dist, '.vite', 'manifest.json')
if (!existsSync(manifestPath)) {
  console.error(`size: ${manifestPath} is missing (build with build.manifest: true)`)
  process.exit(1)
}
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'))

/** The chunk key and every chunk it imports statically, transitively. */
function closure(key, out = new Set()) {
  if (out.has(key) || !manifest[key]) return out
  out.add(key)
  for (const k of manifest[key].imports ?? []) closure(k, out)
  return out
}

const gz = new Map()
function gzipSize(file) {
  if (!gz.has(file)) gz.set(file, gzipSync(readFileSync(join(dist, file)), { level: 9 }).length)
  return gz.get(file)
}
const isEcharts = (file) => /echarts|zrender/i.test(file) || /\bechartsVersion\b|__ec_inner_/.test(readFileSync(join(dist, file), 'utf8'))

const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry)
if (!entryKey) {
  console.error('size: no entry chunk in the manifest')
  process.exit(1)
}
const entry = closure(entryKey)
// What the entry loads at start-up on every route besides the views: the
// service worker's registration (virtual modules and packages, not src/).
const startup = (key) => {
  for (const d of manifest[key].dynamicImports ?? [])
    if (!d.startsWith('src/') && !entry.has(d)) {
      closure(d, entry)
      startup(d)
    }
}
startup(entryKey)

// One row per routed view: src/views/<area>/…View.vue and the not-found page.
const views = Object.keys(manifest)
  .filter((k) => /^src\/views\/.+\.vue$/.test(k) && manifest[k].isDynamicEntry)
  .sort()
// The frame (layout) loads with every back-office view.
const layoutKey = Object.keys(manifest).find((k) => /^src\/layouts\/AppLayout\.vue$/.test(k))

const kb = (n) => `${(n / 1024).toFixed(1).padStart(7)} KB`
const rows = []
let failed = false
for (const v of views) {
  const files = new Set(entry)
  closure(v, files)
  const bare = /^src\/views\/(pos|login)\//.test(v)
  if (!bare && layoutKey) closure(layoutKey, files)
  const jsFiles = [...files].map((k) => manifest[k].file).filter((f) => f.endsWith('.js'))
  const total = jsFiles.reduce((s, f) => s + gzipSize(f), 0)
  const charts = jsFiles.filter(isEcharts)
  rows.push({ view: v.replace(/^src\/views\//, ''), total, chunks: jsFiles.length, charts: charts.length > 0 })
  if (charts.length && (bare || [...entry].some((k) => isEcharts(manifest[k].file)))) {
    console.error(`size: ${v} loads ECharts (${charts.join(', ')}); it belongs in the chunks of the pages with charts only`)
    failed = true
  }
}

console.log('\nJavaScript loaded per route (gzip):')
console.log(`  ${'view'.padEnd(44)} ${'size'.padStart(10)}  chunks`)
for (const r of rows) console.log(`  ${r.view.padEnd(44)} ${kb(r.total)}  ${String(r.chunks).padStart(6)}${r.charts ? '  (ECharts)' : ''}`)
const entryTotal = [...entry].map((k) => manifest[k].file).filter((f) => f.endsWith('.js')).reduce((s, f) => s + gzipSize(f), 0)
console.log(`  ${'(entry and start-up alone)'.padEnd(44)} ${kb(entryTotal)}`)

const pos = rows.filter((r) => r.view.startsWith('pos/'))
if (!pos.length) {
  console.error('size: no POS view chunk (src/views/pos/*.vue) in the manifest')
  failed = true
}
for (const r of pos) {
  const ok = r.total <= BUDGET
  console.log(`\n/pos loads ${kb(r.total).trim()} of JavaScript (budget ${BUDGET / 1024} KB): ${ok ? 'ok' : 'OVER BUDGET'}`)
  if (!ok) failed = true
}
process.exit(failed ? 1 : 0)
