import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { cliRunner } from '../../testkit/cli.ts'

const dir = mkdtempSync(join(tmpdir(), 'nexora-plugin-new-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const nexora = cliRunner({ env: { NEXORA_DATA_DIR: join(dir, 'data') } })

// The scaffold's own test, run against the packed package, is in test/consumer/packed-package.test.ts.
describe('nexora plugin new', () => {
  it('refuses a name that is not lower-case hyphenated words, and a folder that exists, with exit 2', async () => {
    expect((await nexora('plugin', 'new', 'Bad Name', '--dir', dir)).code).toBe(2)
    expect((await nexora('plugin', 'new', '../escape', '--dir', dir)).code).toBe(2)
    mkdirSync(join(dir, 'taken'))
    const taken = await nexora('plugin', 'new', 'taken', '--dir', dir)
    expect(taken.code).toBe(2)
    expect(taken.stderr).toContain('exists already')
    expect((await nexora('plugin', 'old', 'x')).code).toBe(2)
  })
})
