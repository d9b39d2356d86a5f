import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

// Biome formats to 160 columns but leaves a long string, comment or regex alone; this holds the
// rest of the line to the same width. Generated files are the ones biome.json leaves out.
const ROOT = new URL('../../', import.meta.url).pathname
const MAX = 160
const SOURCE = /\.(ts|tsx|mjs|js|cjs)$/
const SKIP_DIRS = new Set(['node_modules', '.git', 'data', 'dist'])
const generated = (JSON.parse(readFileSync(join(ROOT, 'biome.json'), 'utf8')) as { files: { includes: string[] } }).files.includes
  .filter((glob) => glob.startsWith('!**/'))
  .map((glob) => glob.slice(4))

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') && entry.name !== '.dependency-cruiser.cjs') continue
    const path = join(dir, entry.name)
    const rel = relative(ROOT, path)
    if (generated.some((g) => rel === g || rel.startsWith(`${g}/`))) continue
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) yield* sources(path)
    } else if (SOURCE.test(entry.name)) yield rel
  }
}

describe('line length', () => {
  it(`keeps every source line at ${MAX} characters or fewer, outside generated files`, () => {
    const long: string[] = []
    const files = [...sources(ROOT)]
    for (const file of files) {
      readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if ([...line].length > MAX) long.push(`${file}:${i + 1} (${[...line].length})`)
        })
    }
    expect(files.length).toBeGreaterThan(300)
    expect(generated).toContain('plugins/grpc/gen')
    expect(long).toEqual([])
  })
})
