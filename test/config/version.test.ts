import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createNexora, memoryStorage, VERSION } from '../../core/index.ts'

describe('the version', () => {
  it("is package.json's (after `npm version`, set core/version.ts to match)", () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
    expect(VERSION).toBe(pkg.version)
  })

  it('is the version /openapi.json reports', async () => {
    const nexora = await createNexora({ plugins: [memoryStorage()] })
    const doc = (await (await nexora.fetch(new Request('http://x/openapi.json'))).json()) as { info: { version: string } }
    expect(doc.info.version).toBe(VERSION)
    await nexora.close()
  })
})
