import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { cliRunner } from '../../testkit/cli.ts'

const dir = mkdtempSync(join(tmpdir(), 'nexora-plugin-new-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const nexora = cliRunner({ env: { NEXORA_DATA_DIR: join(dir, 'data') } })
const root = new URL('../../', import.meta.url).pathname

describe('nexora plugin new', () => {
  it('scaffolds a plugin whose own test runs the model conformance suite and passes, and which nexora train loads with --plugin', async () => {
    const made = await nexora('plugin', 'new', 'ward-risk', '--dir', dir)
    expect(made.code, made.stderr).toBe(0)
    const plugin = join(dir, 'ward-risk')
    expect(made.stdout.trim()).toBe(plugin)
    for (const file of ['index.ts', 'index.test.ts', 'train.csv', 'package.json', 'README.md']) expect(existsSync(join(plugin, file)), file).toBe(true)
    expect(readFileSync(join(plugin, 'index.ts'), 'utf8')).toContain("kind: 'ward-risk'")
    expect(readFileSync(join(plugin, 'index.test.ts'), 'utf8')).toContain("from 'nexora/testing'")

    // As after `npm install` in the plugin's own repository: nexora and vitest in its node_modules.
    mkdirSync(join(plugin, 'node_modules'))
    symlinkSync(root, join(plugin, 'node_modules', 'nexora'))
    symlinkSync(join(root, 'node_modules', 'vitest'), join(plugin, 'node_modules', 'vitest'))
    const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs')
    const tested = await promisify(execFile)(process.execPath, [vitest, 'run', '--root', plugin], { cwd: plugin, env: { ...process.env, CI: 'true' } })
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the colour codes are what this removes
    expect(tested.stdout.replace(/\u001b\[[0-9;]*m/g, '')).toMatch(/Tests\s+7 passed \(7\)/)

    const trained = await nexora(
      'train',
      '--plugin',
      join(plugin, 'index.ts'),
      '--model-type',
      'ward-risk',
      '--data',
      join(plugin, 'train.csv'),
      '--target',
      'outcome',
      '--name',
      'ward-model',
      '--db',
      `file:${join(dir, 'nexora.db')}`,
    )
    expect(trained.code, trained.stderr).toBe(0)
    expect(JSON.parse(trained.stdout)).toMatchObject({ kind: 'ward-risk', rows: 400 })
  })

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
