import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = new URL('..', import.meta.url).pathname
const json = (file: string) => JSON.parse(readFileSync(join(root, file), 'utf8'))
const pkg = json('package.json')
const deno = json('deno.json')

function walk(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const rel = join(dir, name)
    return statSync(join(root, rel)).isDirectory() ? walk(rel) : [rel]
  })
}

describe('package layout (ARCHITECTURE.md §9-10)', () => {
  type Target = { 'nexora-source': string; types: string; default: string }
  const targets = Object.entries(pkg.exports as Record<string, Target>)

  it('gives every entry its TypeScript source (this repository, JSR), declarations and built JavaScript, in that order', () => {
    for (const [key, target] of targets) {
      expect(Object.keys(target), key).toEqual(['nexora-source', 'types', 'default'])
      const built = target['nexora-source'].replace(/^\.\//, './dist/').replace(/\.ts$/, '')
      expect(target, key).toEqual({ 'nexora-source': target['nexora-source'], types: `${built}.d.ts`, default: `${built}.js` })
    }
  })

  it('package.json and deno.json (JSR, which publishes the sources) export the same keys and sources', () => {
    expect(deno.exports).toEqual(Object.fromEntries(targets.map(([key, target]) => [key, target['nexora-source']])))
  })

  it('exports core, the conformance suites, every plugin (and its node.ts entry) and every adapter, and nothing that does not exist', () => {
    const plugins = readdirSync(join(root, 'plugins')).filter((d) => readdirSync(join(root, 'plugins', d)).includes('index.ts'))
    const adapters = readdirSync(join(root, 'adapters'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.replace(/\.ts$/, ''))
    // A plugin's node.ts is its second public entry, for node:* code kept out of Worker and browser bundles.
    const nodeEntries = plugins.filter((p) => readdirSync(join(root, 'plugins', p)).includes('node.ts')).map((p) => `./plugins/${p}/node`)
    const expected = [
      '.',
      './testing',
      './models/readmission-risk',
      ...plugins.map((p) => `./plugins/${p}`),
      ...nodeEntries,
      ...adapters.map((a) => `./adapters/${a}`),
    ].sort()
    expect(Object.keys(pkg.exports).sort()).toEqual(expected)
    for (const [, target] of targets) expect(statSync(join(root, target['nexora-source'])).isFile()).toBe(true)
  })

  it("is an ES module package for Node 20 and later, whose only side effects are the plugins' error-code registrations", () => {
    expect(pkg).toMatchObject({
      name: 'nexora',
      type: 'module',
      sideEffects: ['./dist/plugins/*/errors.js', './plugins/*/errors.ts'],
      engines: { node: '>=20' },
    })
    expect(pkg.bin.nexora).toBe('./bin/nexora.mjs')
    // A bundler keeps only the files listed there when nothing uses their exports: registration must happen in no other file.
    const registering = walk('plugins').filter((f) => /\.tsx?$/.test(f) && /defineErrorCodes\(/.test(readFileSync(join(root, f), 'utf8')))
    expect(registering.length).toBeGreaterThan(0)
    for (const file of registering) expect(file).toMatch(/^plugins\/[^/]+\/errors\.ts$/)
  })

  it('keeps core free of runtime-specific and heavy imports', () => {
    const forbidden = /from ['"](node:|fs['"]|path['"]|@tensorflow|onnxruntime|@libsql|libsql|pg['"]|postgres|drizzle-orm|@hono\/node-server)/
    const offenders = walk('core')
      .filter((f) => f.endsWith('.ts'))
      .filter((f) =>
        readFileSync(join(root, f), 'utf8')
          .split('\n')
          .some((line) => !line.trim().startsWith('import type') && forbidden.test(line)),
      )
    expect(offenders).toEqual([])
  })

  it('keeps every adapter a single file under 150 lines', () => {
    for (const file of readdirSync(join(root, 'adapters')).filter((f) => f.endsWith('.ts'))) {
      expect(readFileSync(join(root, 'adapters', file), 'utf8').split('\n').length, file).toBeLessThan(150)
    }
  })

  it('imports with explicit .ts extensions everywhere', () => {
    const bad = ['core', 'plugins', 'adapters', 'bin']
      .flatMap(walk)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) =>
        readFileSync(join(root, f), 'utf8')
          .split('\n')
          .filter((l) => /from '\.\.?\/[^']*(?<!\.ts)'/.test(l))
          .map((l) => `${f}: ${l}`),
      )
    expect(bad).toEqual([])
  })
})
