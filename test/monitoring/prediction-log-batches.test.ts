import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createLogger, createMetricsRegistry, memoryPredictionLog, NexoraError, type LoggedPrediction, type PredictionLog } from '../../core/index.ts'
import { predictionRecorder } from '../../plugins/monitoring/service/recorder.ts'
import { createPseudonyms } from '../../plugins/monitoring/service/pseudonym.ts'
import { sqlStorage } from '../../plugins/storage-sql/index.ts'
import { MONITORING_KEY, monitoredNexora } from '../../testkit/monitoring.ts'

const dir = mkdtempSync(join(tmpdir(), 'nexora-plog-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const features = { age: 70, sex: 'F', systolic_bp: 130, hba1c: 7.1, egfr: 60, prior_admissions: 2, length_of_stay: 5, on_anticoagulant: false }

describe('the prediction log under a reused X-Request-Id', () => {
  it("keeps every request's row when forty clients send the same id at once (libSQL file)", async () => {
    const { nexora, flush } = await monitoredNexora({}, sqlStorage({ url: `file:${join(dir, 'reused.db')}` }))
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        nexora.fetch(
          new Request('http://nexora.test/predict', {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-request-id': 'same-id' },
            body: JSON.stringify({ model: 'readmission-risk', rows: [{ patientId: `Patient/r${i}`, features }] }),
          }),
        ),
      ),
    )
    expect(answers.map((r) => r.status)).toEqual(Array(40).fill(200))
    const ids = answers.map((r) => r.headers.get('x-request-id'))
    expect(new Set(ids).size).toBe(40)
    expect(answers.every((r) => r.headers.get('x-correlation-id') === 'same-id')).toBe(true)
    await flush()
    const logged = await nexora.ports.get('predictionLog').window({ model: 'readmission-risk' }, 0)
    expect(logged).toHaveLength(40)
    expect(new Set(logged.map((p) => p.id)).size).toBe(40)
    await nexora.close()
  })
})

describe('the prediction recorder', () => {
  const event = (i: number) => ({
    ts: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    requestId: `r${i}`,
    model: 'm',
    version: '1.0.0',
    rows: [{ patientRef: `Patient/${i}`, features: { x: i } }],
    predictions: [{ score: 0.5 }],
  })

  async function record(log: PredictionLog, events: number) {
    const metrics = createMetricsRegistry()
    const recorder = predictionRecorder({
      log,
      pseudonyms: await createPseudonyms(MONITORING_KEY),
      logger: createLogger({ write: () => {} }),
      metrics,
      flushMs: 10_000,
    })
    for (let i = 0; i < events; i++) recorder.observe(event(i))
    await recorder.flush!()
    return metrics.expose()
  }

  it('writes every other row of a batch that holds one the store refuses', async () => {
    const memory = memoryPredictionLog()
    let attempts = 0
    const picky: PredictionLog = {
      ...memory,
      append: async (records: LoggedPrediction[]) => {
        attempts += 1
        if (records.some((r) => r.id === 'r17#0')) throw new Error('UNIQUE constraint failed: prediction_log.id')
        return memory.append(records)
      },
    }
    const exposed = await record(picky, 40)
    expect(memory.records.map((r) => r.id).sort()).toEqual(
      Array.from({ length: 40 }, (_, i) => `r${i}#0`)
        .filter((id) => id !== 'r17#0')
        .sort(),
    )
    expect(exposed).toMatch(/nexora_prediction_log_dropped_total\{reason="write_failed"\} 1\b/)
    expect(exposed).toMatch(/nexora_prediction_log_rows_total 39\b/)
    expect(attempts).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(40)) + 1)
  })

  it('does not split a batch during a storage outage', async () => {
    let attempts = 0
    const down: PredictionLog = {
      ...memoryPredictionLog(),
      append: async () => {
        attempts += 1
        throw new NexoraError('storage.unavailable')
      },
    }
    const exposed = await record(down, 40)
    expect(attempts).toBe(1)
    expect(exposed).toMatch(/nexora_prediction_log_dropped_total\{reason="write_failed"\} 40\b/)
  })
})
