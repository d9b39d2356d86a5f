import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startServe } from '../../testkit/serve-process.ts'

/** Identifiable-looking synthetic patients: ids and values distinctive enough to find in any log line. */
const patients = Array.from({ length: 20 }, (_, i) => ({
  patientId: `Patient/jane-doe-19${50 + i}-mrn-88${1000 + i}`,
  features: {
    age: 60 + i,
    sex: i % 2 ? 'F' : 'M',
    systolic_bp: 141.37 + i,
    hba1c: 8.913 + i / 100,
    egfr: 47.281 + i,
    prior_admissions: 3,
    length_of_stay: 5,
    on_anticoagulant: true,
  },
}))

describe('application logs carry no PHI', () => {
  it('logs every request of a predictive workload (good and bad) without a patient id or feature value', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexora-phi-logs-'))
    const server = await startServe(dir, { NEXORA_LOG_LEVEL: 'info' })
    try {
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${server.token}` }
      const statuses: number[] = []
      const send = async (body: unknown, h: Record<string, string> = headers) => {
        const res = await fetch(`${server.url}/predict`, { method: 'POST', headers: h, body: JSON.stringify(body) })
        statuses.push(res.status)
        await res.arrayBuffer()
      }
      await send({ model: 'readmission-risk', rows: patients, explain: true })
      for (const p of patients.slice(0, 5)) await send({ model: 'readmission-risk', rows: [p], explain: true })
      await send({ model: 'readmission-risk', rows: [{ ...patients[0], features: { ...patients[0]!.features, hba1c: 'jane-doe-typed-this' } }] })
      await send({ model: 'readmission-risk', rows: [{ patientId: patients[1]!.patientId, features: { age: 'x', diagnosis_jane_doe: 1 } }] })
      await send({ model: 'no-such-model-for-jane-doe', rows: patients.slice(0, 2) })
      await send({ model: 'readmission-risk', rows: patients.slice(0, 2) }, { 'content-type': 'application/json' })
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 422, 422, 404, 401])
      await fetch(`${server.url}/audit/events?patient=${encodeURIComponent(patients[3]!.patientId)}`, { headers })
      await new Promise((r) => setTimeout(r, 200))
      const lines = server
        .stderr()
        .split('\n')
        .filter((l) => l.startsWith('{'))
      const requests = lines.map((l) => JSON.parse(l)).filter((l) => l.event === 'http.request')
      expect(requests.length).toBeGreaterThanOrEqual(11)
      const needles = [
        ...new Set(
          patients.flatMap((p) => [p.patientId, p.patientId.split('/')[1]!, String(p.features.systolic_bp), String(p.features.hba1c), String(p.features.egfr)]),
        ),
      ]
      needles.push('jane-doe', 'jane', 'mrn-88')
      const leaks = lines.flatMap((line) => needles.filter((needle) => line.includes(needle)).map((needle) => `${needle} in ${line}`))
      expect(leaks).toEqual([])
    } finally {
      server.child.kill('SIGTERM')
      await server.exited
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
