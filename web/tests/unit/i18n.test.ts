// Every visible string goes through i18n: both languages hold the same keys
// in every locale file, and every literal key used in src/ exists.
import { describe, it, expect } from 'vitest'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

const SRC = join(__dirname, '../../src')
const LOCALES = join(SRC, 'locales')
type Tree = { [k: string]: string | Tree }

function flatten(tree: Tree, prefix = ''): Map<string, string | Tree> {
  const out = new Map<string, string | Tree>()
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k
    out.set(key, v)
    if (typeof v === 'object') for (const [kk, vv] of flatten(v, key)) out.set(kk, vv)
  }
  return out
}

const langs = readdirSync(LOCALES).filter((d) => statSync(join(LOCALES, d)).isDirectory())
/** lang → full key (file.key…) → value */
const keys = new Map<string, Map<string, string | Tree>>()
for (const lang of langs) {
  const tree: Tree = {}
  for (const f of readdirSync(join(LOCALES, lang)).filter((f) => f.endsWith('.json')))
    tree[f.replace(/\.json$/, '')] = JSON.parse(readFileSync(join(LOCALES, lang, f), 'utf8')) as Tree
  keys.set(lang, flatten(tree))
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    if (statSync(p).isDirectory()) return p === LOCALES ? [] : sources(p)
    return /\.(ts|vue)$/.test(f) && !f.endsWith('.d.ts') ? [p] : []
  })
}

describe('locale files', () => {
  it('exist for zh-CN and English', () => {
    expect(langs.sort()).toEqual(['en', 'zh-CN'])
  })

  for (const lang of langs) {
    for (const other of langs.filter((l) => l !== lang)) {
      it(`every ${lang} key is in ${other}`, () => {
        const missing = [...keys.get(lang)!.keys()].filter((k) => !keys.get(other)!.has(k))
        expect(missing, `in ${lang}, missing in ${other}`).toEqual([])
      })
    }
  }

  it('have no empty strings, and the same shape (text vs group) in every language', () => {
    const bad: string[] = []
    for (const [lang, m] of keys)
      for (const [k, v] of m) {
        if (v === '') bad.push(`${lang}: ${k} is empty`)
        for (const other of langs) {
          const o = keys.get(other)!.get(k)
          if (o !== undefined && typeof o !== typeof v) bad.push(`${k}: text in one language, group in another`)
        }
      }
    expect(bad).toEqual([])
  })
})

describe('keys used in src/', () => {
  // t('a.b'), $t("a.b"), i18n.global.t('a.b'): literal keys only.
  const CALL = /(?:^|[^\w$.])\$?t\(\s*(['"])([A-Za-z0-9_.-]+)\1/g
  const used: { file: string; key: string }[] = []
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(CALL)) used.push({ file: relative(SRC, file), key: m[2] })
    for (const m of text.matchAll(/i18n\.global\.t\(\s*(['"])([A-Za-z0-9_.-]+)\1/g)) used.push({ file: relative(SRC, file), key: m[2] })
  }

  it('are found by the scan', () => {
    expect(used.length).toBeGreaterThan(10)
  })

  it('each name a text in at least one language', () => {
    const unknown = used.filter(({ key }) => !langs.some((l) => typeof keys.get(l)!.get(key) === 'string'))
    expect(unknown.map((u) => `${u.file}: ${u.key}`)).toEqual([])
  })
})
