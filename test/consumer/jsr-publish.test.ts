/**
 * The JSR package: `deno publish --dry-run` against deno.json, from the sources (not the packed
 * tarball, which holds dist/ only), with no test, testkit, bench or script file in it.
 */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../../testkit/packed.ts'
import { findBinary } from '../../testkit/runtime-process.ts'

const run = promisify(execFile)
const nodeEnv = { ...process.env, NODE_OPTIONS: '' }

describe('JSR', () => {
  it('passes deno publish --dry-run against deno.json (the sources, with slow types allowed)', async () => {
    const deno = findBinary('deno', [join(ROOT, 'node_modules/.bin/deno')], 'run npm install')
    const { stderr } = await run(deno, ['publish', '--dry-run', '--allow-dirty', '--allow-slow-types'], {
      cwd: ROOT,
      env: { ...nodeEnv, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
      maxBuffer: 64 * 1024 * 1024,
    })
    expect(stderr).toContain('Dry run complete')
    expect(stderr).not.toMatch(/file:\/\/\/[^\s]*\/(test|testkit|bench|scripts)\//)
  })
})
