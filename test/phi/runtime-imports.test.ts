import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

/** Runtime code must run in browsers/Workers: no `node:` modules and no faker (a devDependency). */
describe('plugins/phi runtime imports', () => {
  const root = join(import.meta.dirname, '../../plugins/phi')
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      const p = join(dir, f)
      return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('build.ts') ? [p] : []
    })
  it('has runtime files to check', () => expect(files(root).length).toBeGreaterThan(5))
  it.each(files(root).map((f) => [f.slice(root.length + 1), f]))('%s imports neither node: nor faker', (_n, f) => {
    const src = readFileSync(f, 'utf8')
    expect(src).not.toMatch(/from ['"]node:|import\(['"]node:/)
    expect(src).not.toMatch(/from ['"]@faker-js|import\(['"]@faker-js/)
  })
})
