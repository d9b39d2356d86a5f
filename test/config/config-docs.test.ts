import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ENV_VARIABLES, serverConfigSchema } from '../../core/index.ts'

const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8')

describe('docs/configuration.md', () => {
  it('names every environment variable the loader reads, and every top-level key', () => {
    for (const variable of ENV_VARIABLES) {
      expect(doc, variable.name).toContain(`\`${variable.name}`)
      expect(doc, variable.path.join('.')).toContain(variable.path.join('.').split('.').at(-1))
    }
    for (const key of Object.keys(serverConfigSchema.shape)) expect(doc, key).toContain(`\`${key}`)
  })

  it('leads with an example that passes the schema', () => {
    const example = /```json\n([\s\S]*?)```/.exec(doc)![1]!
    expect(serverConfigSchema.safeParse(JSON.parse(example)).success).toBe(true)
  })
})
