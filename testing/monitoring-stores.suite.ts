import { describe, expect, it } from 'vitest'
import type { AdverseEvent, AdverseEventStore, LoggedPrediction, PredictionLog } from '../core/index.ts'

const DAY = 86_400_000
const at = (day: number, hour = 0) => new Date(Date.UTC(2026, 0, 1 + day, hour)).toISOString()
const logged = (id: string, day: number, over: Partial<LoggedPrediction> = {}): LoggedPrediction => ({
  id,
  ts: at(day),
  model: 'm',
  version: '1.0.0',
  subjectKey: `k-${id}`,
  featuresHash: 'h',
  score: 0.5,
  label: null,
  features: { age: 70, sex: 'F', ok: true, gap: null },
  ...over,
})

/** The PredictionLog contract: window selection, the outcome join rule, and subject lookup. */
export function predictionLogConformance(label: string, open: () => Promise<{ log: PredictionLog; close(): Promise<void> }>) {
  describe(`PredictionLog conformance: ${label}`, () => {
    it('selects a window by model, version and time, oldest first, and keeps features and nulls', async () => {
      const { log, close } = await open()
      await log.append([
        logged('c', 3),
        logged('a', 1),
        logged('b', 2, { version: '2.0.0', label: 'high', features: null, subjectKey: null }),
        logged('x', 2, { model: 'other' }),
      ])
      const all = await log.window({ model: 'm' }, DAY)
      expect(all.map((r) => r.id)).toEqual(['a', 'b', 'c'])
      expect(all[0]).toEqual({ ...logged('a', 1), outcome: null })
      expect(all[1]).toMatchObject({ subjectKey: null, features: null, label: 'high' })
      expect((await log.window({ model: 'm', version: '1.0.0' }, DAY)).map((r) => r.id)).toEqual(['a', 'c'])
      expect((await log.window({ model: 'm', from: at(2), to: at(3) }, DAY)).map((r) => r.id)).toEqual(['b'])
      expect((await log.window({ model: 'm', limit: 2 }, DAY)).map((r) => r.id)).toEqual(['a', 'b'])
      expect(await log.window({ model: 'none' }, DAY)).toEqual([])
      await close()
    })

    it('joins outcomes by prediction id, or by subject inside the horizon, and an event wins', async () => {
      const { log, close } = await open()
      await log.append([
        logged('p1', 1, { subjectKey: 's1' }),
        logged('p2', 10, { subjectKey: 's1' }),
        logged('p3', 1, { subjectKey: 's2' }),
        logged('p4', 1, { subjectKey: 's3' }),
        logged('p5', 1, { subjectKey: 's4' }),
      ])
      await log.addOutcomes([
        { model: 'm', subjectKey: 's1', predictionId: null, value: 1, observedAt: at(5), source: 'api' }, // p1 (4 days), not p2
        { model: 'm', subjectKey: 's2', predictionId: null, value: 0, observedAt: at(3), source: 'api' },
        { model: 'm', subjectKey: 's2', predictionId: null, value: 1, observedAt: at(4), source: 'fhir:readmit' }, // an event wins
        { model: 'm', subjectKey: 's3', predictionId: null, value: 1, observedAt: at(40), source: 'api' }, // past the horizon
        { model: 'other', subjectKey: 's4', predictionId: null, value: 1, observedAt: at(2), source: 'api' }, // another model
        { model: 'm', subjectKey: null, predictionId: 'p5', value: 0, observedAt: at(60), source: 'api' }, // direct, any time
      ])
      const joined = await log.window({ model: 'm' }, 30 * DAY)
      expect(Object.fromEntries(joined.map((r) => [r.id, r.outcome]))).toEqual({ p1: 1, p3: 1, p4: null, p5: 0, p2: null })
      await close()
    })

    it('keeps shadow rows apart: a window reads served or shadow rows, and an outcome for the served row reaches its shadow', async () => {
      const { log, close } = await open()
      await log.append([
        logged('r1#0', 1, { score: 0.2 }),
        logged('r1#0~2.0.0', 1, { version: '2.0.0', score: 0.4, shadowOf: '1.0.0', championScore: 0.2 }),
        logged('r2#0', 2, { subjectKey: 'k-2' }),
        logged('r2#0~2.0.0', 2, { version: '2.0.0', subjectKey: 'k-2', shadowOf: '1.0.0', championScore: 0.5 }),
      ])
      await log.addOutcomes([
        { model: 'm', subjectKey: null, predictionId: 'r1#0', value: 1, observedAt: at(5), source: 'api' },
        { model: 'm', subjectKey: 'k-2', predictionId: null, value: 0, observedAt: at(2, 5), source: 'api' },
      ])
      expect((await log.window({ model: 'm' }, DAY)).map((r) => [r.id, r.outcome])).toEqual([
        ['r1#0', 1],
        ['r2#0', 0],
      ])
      const shadow = await log.window({ model: 'm', version: '2.0.0', shadow: true }, DAY)
      expect(shadow.map((r) => [r.id, r.shadowOf, r.championScore, r.score, r.outcome])).toEqual([
        ['r1#0~2.0.0', '1.0.0', 0.2, 0.4, 1],
        ['r2#0~2.0.0', '1.0.0', 0.5, 0.5, 0],
      ])
      // A served-rows window of the challenger's version sees none of its shadow rows.
      expect(await log.window({ model: 'm', version: '2.0.0' }, DAY)).toEqual([])
      await close()
    })

    it('tells which subject keys have predictions for a model', async () => {
      const { log, close } = await open()
      await log.append([logged('a', 1, { subjectKey: 's1' }), logged('b', 1, { subjectKey: 's2', model: 'other' })])
      expect([...(await log.knownSubjects('m', ['s1', 's2', 's3']))]).toEqual(['s1'])
      expect((await log.knownSubjects('m', [])).size).toBe(0)
      await close()
    })
  })
}

const event = (id: string, over: Partial<AdverseEvent> = {}): AdverseEvent => ({
  id,
  type: 'missed-deterioration',
  severity: 'moderate',
  description: 'score low, patient deteriorated',
  status: 'reported',
  occurredAt: at(1),
  predictionId: null,
  model: 'm',
  version: '1.0.0',
  patientRef: 'Patient/1',
  reporter: 'dr-a',
  createdAt: at(1, 1),
  updatedAt: at(1, 1),
  ...over,
})

/** The AdverseEventStore contract: create, get, filtered newest-first pages, and patches. */
export function adverseEventStoreConformance(label: string, open: () => Promise<{ store: AdverseEventStore; close(): Promise<void> }>) {
  describe(`AdverseEventStore conformance: ${label}`, () => {
    it('stores, filters, pages and patches events', async () => {
      const { store, close } = await open()
      await store.create(event('e1'))
      await store.create(event('e2', { severity: 'death', createdAt: at(2), occurredAt: at(2), predictionId: 'r#0', patientRef: null }))
      await store.create(event('e3', { model: 'other', createdAt: at(3), occurredAt: at(3) }))
      expect(await store.get('e2')).toEqual(event('e2', { severity: 'death', createdAt: at(2), occurredAt: at(2), predictionId: 'r#0', patientRef: null }))
      expect(await store.get('nope')).toBeUndefined()
      expect((await store.list({}, { limit: 10, offset: 0 })).map((e) => e.id)).toEqual(['e3', 'e2', 'e1'])
      expect((await store.list({ model: 'm' }, { limit: 10, offset: 0 })).map((e) => e.id)).toEqual(['e2', 'e1'])
      expect((await store.list({ severity: 'death' }, { limit: 10, offset: 0 })).map((e) => e.id)).toEqual(['e2'])
      expect((await store.list({ patientRef: 'Patient/1', from: at(1), to: at(3) }, { limit: 10, offset: 0 })).map((e) => e.id)).toEqual(['e1'])
      expect((await store.list({}, { limit: 1, offset: 1 })).map((e) => e.id)).toEqual(['e2'])
      const updated = await store.update('e1', { status: 'confirmed', severity: 'severe' }, at(4))
      expect(updated).toEqual(event('e1', { status: 'confirmed', severity: 'severe', updatedAt: at(4) }))
      expect(await store.get('e1')).toEqual(updated)
      expect(await store.update('nope', { status: 'closed' }, at(4))).toBeUndefined()
      expect((await store.list({ status: 'confirmed' }, { limit: 10, offset: 0 })).map((e) => e.id)).toEqual(['e1'])
      await close()
    })
  })
}
