/**
 * A plugin from outside plugins/ (testkit/plugins/stumps.ts), as its author would use it:
 * `nexora train --plugin` trains and registers a version of its kind, a real `nexora serve` with
 * the module under "plugins" in nexora.config.json serves it, and a server without the plugin
 * says at start-up which version it cannot serve and answers 500 model.kind_unavailable (a
 * server set-up gap), not 400.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { cliRunner } from '../../testkit/cli.ts'
import { startServe, type ServeProcess } from '../../testkit/serve-process.ts'
import { DEMO_FEATURES } from '../conformance/runtime-server.suite.ts'

const dir = mkdtempSync(join(tmpdir(), 'nexora-plugin-'))
const db = `file:${join(dir, 'nexora.db')}`
const plugin = new URL('../../testkit/plugins/stumps.ts', import.meta.url).pathname
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const nexora = cliRunner({ env: { NEXORA_DATA_DIR: dir } })

const predict = (server: ServeProcess) =>
  fetch(`${server.url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
    body: JSON.stringify({ model: 'stumpy', rows: [{ features: DEMO_FEATURES }] }),
  })

async function stop(server: ServeProcess) {
  server.child.kill('SIGTERM')
  await server.exited
}

describe('plugins from the configuration', () => {
  it('train --plugin trains the plugin kind; --model-type lists only kinds that can train', { timeout: 120_000 }, async () => {
    const csv = readFileSync(new URL('../../models/readmission-risk/cohort.csv', import.meta.url), 'utf8')
      .split('\n')
      .slice(0, 301)
      .join('\n')
    writeFileSync(join(dir, 'cohort.csv'), csv)
    const out = await nexora(
      'train',
      '--plugin',
      plugin,
      '--model-type',
      'stumps',
      '--data',
      join(dir, 'cohort.csv'),
      '--target',
      'readmitted_30d',
      '--name',
      'stumpy',
      '--db',
      db,
    )
    expect(out.stderr).toBe('')
    expect(out.code).toBe(0)
    expect(JSON.parse(out.stdout)).toMatchObject({ name: 'stumpy', version: '1.0.0', kind: 'stumps', rows: 300 })

    const onnx = await nexora('train', '--model-type', 'onnx', '--data', join(dir, 'cohort.csv'), '--target', 'readmitted_30d', '--db', db)
    expect(onnx.code).toBe(2)
    expect(onnx.stderr).toContain('--model-type must be one of linear, deepfm, transformer, cox (more with --plugin)')
  })

  it('a server without the plugin reports the version at start-up and answers 500 model.kind_unavailable saying how to add it', {
    timeout: 120_000,
  }, async () => {
    const server = await startServe(dir, { NEXORA_LOG_LEVEL: 'warn', NEXORA_DEV_FHIR_PORT: 'off' })
    try {
      expect(server.stderr()).toContain(
        'cannot serve stumpy@1.0.0: no loaded plugin serves kind "stumps"; add it to "plugins" in nexora.config.json or pass --plugin',
      )
      const res = await predict(server)
      expect(res.status).toBe(500)
      const problem = (await res.json()) as { code: string; detail: string }
      expect(problem.code).toBe('model.kind_unavailable')
      expect(problem.detail).toContain('name it in "plugins" (nexora.config.json) or with --plugin')
    } finally {
      await stop(server)
    }
  })

  it('a server with the module under "plugins" in nexora.config.json serves the version', { timeout: 120_000 }, async () => {
    const config = join(dir, 'nexora.config.json')
    writeFileSync(config, JSON.stringify({ plugins: [plugin], fhir: { devServer: { port: false } } }))
    const server = await startServe(dir, { NEXORA_LOG_LEVEL: 'warn' }, { args: ['--config', config] })
    try {
      expect(server.stderr()).not.toContain('cannot serve')
      const res = await predict(server)
      expect(res.status).toBe(200)
      const body = (await res.json()) as { model: { name: string; version: string }; predictions: { score: number }[] }
      expect(body.model).toEqual({ name: 'stumpy', version: '1.0.0' })
      expect(body.predictions[0]!.score).toBeGreaterThanOrEqual(0)
    } finally {
      await stop(server)
    }
  })

  it('the other commands use the same configuration: nexora predict scores the plugin kind from the database nexora.config.json names', {
    timeout: 120_000,
  }, async () => {
    const config = join(dir, 'cli.config.json')
    writeFileSync(config, JSON.stringify({ storage: { url: db }, plugins: [plugin] }))
    const out = await nexora('predict', '--model', 'stumpy', '--features', JSON.stringify(DEMO_FEATURES), '--db', db)
    expect(out.code).toBe(1)
    expect(out.stderr).toContain('model.kind_unavailable')
    const configured = await cliRunner({ env: { NEXORA_DATA_DIR: dir, NEXORA_CONFIG: config } })(
      'predict',
      '--model',
      'stumpy',
      '--features',
      JSON.stringify(DEMO_FEATURES),
    )
    expect(configured.code).toBe(0)
    expect(JSON.parse(configured.stdout)).toMatchObject({ model: { name: 'stumpy', version: '1.0.0' } })
  })
})
