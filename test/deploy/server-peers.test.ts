/**
 * deploy/image/server-peers.mjs, the step that decides what the image's `npm install --omit=dev` installs
 * beyond the package's own dependencies: the server's optional peers, pinned to package-lock.json, and
 * nothing that is not a declared peer.
 */
import { execFile } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const ROOT = new URL('../../', import.meta.url).pathname
const SCRIPT = join(ROOT, 'deploy/image/server-peers.mjs')
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> }

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nexora-peers-'))
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'))
  copyFileSync(join(ROOT, 'package-lock.json'), join(dir, 'package-lock.json'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))
const manifest = () => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))

describe('server-peers.mjs', () => {
  it('makes the server peers (and any extra) dependencies at the locked versions, and drops the build scripts', async () => {
    const before = manifest()
    await run(process.execPath, [SCRIPT, 'onnxruntime-web'], { cwd: dir })
    const after = manifest()
    const added = Object.keys(after.dependencies).filter((n) => !(n in before.dependencies))
    expect(added.sort()).toEqual([
      '@libsql/client',
      '@medplum/core',
      '@opentelemetry/core',
      '@opentelemetry/otlp-transformer',
      '@opentelemetry/resources',
      '@opentelemetry/sdk-trace-base',
      'drizzle-orm',
      'fhirpath',
      'onnxruntime-web',
      'pg',
      'pg-boss',
      'swagger-ui-dist',
    ])
    for (const name of added) {
      expect(after.dependencies[name], name).toBe(lock.packages[`node_modules/${name}`]!.version)
      expect(before.peerDependencies[name], name).toBeDefined()
      expect(after.devDependencies[name], name).toBeUndefined()
    }
    // The package's own dependencies are untouched, and no lifecycle script can run in the install.
    for (const [name, range] of Object.entries(before.dependencies)) expect(after.dependencies[name]).toBe(range)
    expect(after.scripts).toBeUndefined()
  })

  it('refuses a name that is not a peer of nexora, leaving package.json as it was', async () => {
    const before = readFileSync(join(dir, 'package.json'), 'utf8')
    const failure = await run(process.execPath, [SCRIPT, 'left-pad'], { cwd: dir }).catch((e: { code: number; stderr: string }) => e)
    expect(failure).toMatchObject({ code: 1, stderr: expect.stringContaining('left-pad is not a peer dependency of nexora') })
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe(before)
  })
})
