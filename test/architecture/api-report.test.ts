import { execFile } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const root = new URL('../../', import.meta.url).pathname
const entries = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: object }).exports).length
const check = (env: Record<string, string> = {}) =>
  run(process.execPath, ['scripts/api-report.mjs'], { cwd: root, env: { ...process.env, ...env } }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  )
const scratch = mkdtempSync(join(tmpdir(), 'nexora-api-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe('the public API report (api/, API Extractor)', () => {
  it('matches the declarations of every public entry: a change to the surface needs `npm run api:report -- --update`', async () => {
    const result = await check()
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`${entries} reports match`)
  })

  it('fails, naming the entry, when a report and the code disagree, and when an entry has disappeared', async () => {
    const reports = join(scratch, 'api')
    cpSync(join(root, 'api'), reports, { recursive: true })
    const index = join(reports, 'index.api.md')
    writeFileSync(index, readFileSync(index, 'utf8').replace(/^export function createNexora.*$/m, ''))
    writeFileSync(join(reports, 'plugins-gone.api.md'), 'a removed entry')
    const result = await check({ NEXORA_API_REPORTS: reports })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/The public API changed in: .*plugins-gone \(removed\).*index|index.*plugins-gone \(removed\)/)
  })
})
