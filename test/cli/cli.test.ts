import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { cliRunner } from '../../testkit/cli.ts'

const dir = mkdtempSync(join(tmpdir(), 'nexora-cli-'))
const db = `file:${join(dir, 'cli.db')}`
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const nexora = cliRunner({ env: { NEXORA_DB: db } })

describe('nexora CLI', () => {
  it('prints help for the tool and for every command', async () => {
    const top = await nexora('--help')
    expect(top.code).toBe(0)
    expect(top.stdout).toMatch(/serve[\s\S]*models[\s\S]*predict/)
    for (const command of ['serve', 'models', 'predict', 'audit']) {
      const help = await nexora(command, '--help')
      expect(help.code, command).toBe(0)
      expect(help.stdout).toContain(`nexora ${command}`)
    }
  })

  it('rejects a wrong flag or command with a clear message and exit code 2', async () => {
    const flag = await nexora('models', 'list', '--colour')
    expect(flag.code).toBe(2)
    expect(flag.stderr).toContain("Unknown option '--colour'")
    const command = await nexora('fly')
    expect([command.code, command.stderr.includes('unknown command "fly"')]).toEqual([2, true])
    const port = await nexora('serve', '--port', 'eighty')
    expect([port.code, port.stderr.includes('--port must be')]).toEqual([2, true])
  })

  it('lists models and predicts in-process as JSON', async () => {
    const list = JSON.parse((await nexora('models', 'list')).stdout)
    expect(list.models.map((m: { name: string }) => m.name)).toEqual([
      'mortality-transformer',
      'readmission-deepfm',
      'readmission-fhir',
      'readmission-onnx',
      'readmission-risk',
      'survival-cox',
    ])
    expect(list.models.find((m: { name: string }) => m.name === 'readmission-risk')).toMatchObject({ aliases: { production: '1.0.0' } })
    const features = JSON.stringify({
      age: 71,
      sex: 'F',
      systolic_bp: 150,
      hba1c: 8.1,
      egfr: 48,
      prior_admissions: 2,
      length_of_stay: 6,
      on_anticoagulant: true,
    })
    const out = await nexora('predict', '--model', 'readmission-risk', '--features', features, '--explain')
    expect(out.code).toBe(0)
    const result = JSON.parse(out.stdout)
    expect(result.predictions[0]).toMatchObject({ label: 'high' })
    expect(result.auditIds).toHaveLength(2)
  })

  it('verifies the audit chain (exit 0), reports, and exits 1 with the first bad seq after tampering', async () => {
    const ok = await nexora('audit', 'verify')
    expect(ok.code).toBe(0)
    const result = JSON.parse(ok.stdout)
    expect(result).toMatchObject({ ok: true })
    expect(result.events).toBeGreaterThanOrEqual(2)
    const report = JSON.parse((await nexora('audit', 'report', '--from', '2000-01-01')).stdout)
    expect(report.byAction['predict.request']).toBeGreaterThanOrEqual(1)
    expect((await nexora('audit', 'report', '--from', 'yesterday-ish')).code).toBe(2)
    const { openLibsql } = await import('../../plugins/storage-sql/index.ts')
    const c = await openLibsql(db, 'full')
    await c.db.run("update audit_events set actor = 'mallory' where seq = 2")
    await c.close()
    const bad = await nexora('audit', 'verify')
    expect(bad.code).toBe(1)
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, firstBadSeq: 2 })
  })

  it('exits 1 with a coded error for a bad prediction, without echoing values', async () => {
    const out = await nexora('predict', '--model', 'readmission-risk', '--features', '{"age":"seventy-secret"}')
    expect(out.code).toBe(1)
    expect(JSON.parse(out.stderr)).toMatchObject({ code: 'features.missing' })
    expect(out.stderr).not.toContain('seventy-secret')
    expect((await nexora('predict', '--model', 'x', '--features', 'not json')).code).toBe(2)
  })
})

describe('nexora fhir', () => {
  it('extracts features from a Bundle file and from NDJSON, with the report', async () => {
    const { writeFileSync } = await import('node:fs')
    const { generateFhirCohort } = await import('../../devtools/fhir-server/index.ts')
    const cohort = generateFhirCohort({ patients: 3, seed: 5 })
    const bundlePath = join(dir, 'cohort.json')
    writeFileSync(bundlePath, JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: cohort.resources.map((resource) => ({ resource })) }))
    const ndjsonPath = join(dir, 'cohort.ndjson')
    writeFileSync(ndjsonPath, cohort.resources.map((r) => JSON.stringify(r)).join('\n') + '\n')
    const spec = new URL('../../models/readmission-fhir/feature-spec.json', import.meta.url).pathname
    const fromBundle = await nexora('fhir', 'features', '--bundle', bundlePath, '--spec', spec, '--index-time', '2026-06-01', '--json')
    expect(fromBundle.code).toBe(0)
    const parsed = JSON.parse(fromBundle.stdout)
    expect(parsed.patients.map((p: { patientId: string }) => p.patientId)).toEqual(['pt-0001', 'pt-0002', 'pt-0003'])
    expect(Object.keys(parsed.patients[0].features)).toContain('charlson')
    expect(parsed.report.patients).toBe(3)
    const fromNdjson = JSON.parse((await nexora('fhir', 'features', '--bundle', ndjsonPath, '--spec', spec, '--index-time', '2026-06-01', '--json')).stdout)
    expect(fromNdjson.patients).toEqual(parsed.patients)
    expect((await nexora('fhir', 'features', '--bundle', bundlePath)).code).toBe(2)
  })
})

describe('nexora fhir pull', () => {
  it("prints a patient's record from a FHIR server as a Bundle, and a coded error for an unknown patient", async () => {
    const { serve } = await import('@hono/node-server')
    const { createDevFhirServer } = await import('../../devtools/fhir-server/index.ts')
    const dev = createDevFhirServer({ cohort: { patients: 2, seed: 1 }, staticTokens: ['cli-token'] })
    const { url, close } = await new Promise<{ url: string; close: () => void }>((resolve) => {
      const s = serve({ fetch: dev.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
        resolve({ url: `http://127.0.0.1:${info.port}`, close: () => s.close() }),
      )
    })
    try {
      const out = await nexora('fhir', 'pull', '--server', url, '--patient', 'pt-0001', '--token', 'cli-token')
      expect(out.code).toBe(0)
      const bundle = JSON.parse(out.stdout)
      const expected = dev.cohort!.resources.filter(
        (r) => r.id === 'pt-0001' || (r.subject as { reference?: string } | undefined)?.reference === 'Patient/pt-0001',
      ).length
      expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' })
      expect(bundle.entry).toHaveLength(expected)
      const missing = await nexora('fhir', 'pull', '--server', url, '--patient', 'nobody', '--token', 'cli-token')
      expect([missing.code, JSON.parse(missing.stderr).code]).toEqual([1, 'fhir.not_found'])
      expect((await nexora('fhir', 'pull', '--server', url)).code).toBe(2)
    } finally {
      close()
    }
  })
})
