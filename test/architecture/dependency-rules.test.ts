/**
 * The plugin arrows are enforced by `.dependency-cruiser.cjs` (`npm run lint:deps`) and drawn in
 * docs/architecture.md ("Plugin dependencies"): the table and the diagram say what the rules do.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'

interface Rule {
  name: string
  to: { pathNot?: string | string[] }
}
const root = new URL('../../', import.meta.url)
const config = createRequire(import.meta.url)('../../.dependency-cruiser.cjs') as { forbidden: Rule[] }
const plugins = readdirSync(new URL('plugins/', root), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort()

/** plugin → the plugins its `arrows-from-<plugin>` rule lets it import. */
const enforced = Object.fromEntries(
  config.forbidden
    .filter((r) => r.name.startsWith('arrows-from-'))
    .map((r) => {
      const name = r.name.slice('arrows-from-'.length)
      const allowed = /^\^plugins\/\((.*)\)\/$/
        .exec(String(r.to.pathNot))![1]!
        .split('|')
        .filter((p) => p !== name)
      return [name, allowed.sort()]
    }),
)

const doc = readFileSync(new URL('docs/architecture.md', root), 'utf8')
const section = doc.slice(doc.indexOf('## Plugin dependencies'), doc.indexOf('\n## ', doc.indexOf('## Plugin dependencies') + 1))
const names = (text: string) => [...text.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]!)

describe('plugin dependency rules (docs/architecture.md, .dependency-cruiser.cjs)', () => {
  it('give every plugin an arrows rule, so a new plugin starts with no arrows', () => {
    expect(Object.keys(enforced).sort()).toEqual(plugins)
  })

  it('are drawn in the table exactly as the rules file allows them', () => {
    const rows = [...section.matchAll(/^\| `([a-z0-9-]+)` \| (.*) \|$/gm)].map((m) => [m[1]!, names(m[2]!).sort()] as const)
    const drawn = Object.fromEntries(plugins.map((p) => [p, rows.find(([name]) => name === p)?.[1] ?? []]))
    expect(drawn).toEqual(enforced)
  })

  it('are drawn in the diagram exactly as the rules file allows them', () => {
    const diagram = /```mermaid\n([\s\S]*?)```/.exec(section)![1]!
    const drawn = Object.fromEntries(plugins.map((p) => [p, [] as string[]]))
    for (const [, from, to] of diagram.matchAll(/^\s*([a-z0-9-]+) --> (.+)$/gm)) drawn[from!]!.push(...to!.split('&').map((t) => t.trim()))
    for (const list of Object.values(drawn)) list.sort()
    expect(drawn).toEqual(enforced)
  })

  it('keep model plugins off monitoring', () => {
    for (const [name, allowed] of Object.entries(enforced)) if (name.startsWith('model-')) expect(allowed, name).not.toContain('monitoring')
  })
})
