import { describe, expect, it } from 'vitest'
import { createLogger, createMetricsRegistry, manualClock, memoryFeatureStore, memoryFhirSource, memoryRateLimitStore, seededRandom } from '../../core/index.ts'

describe('in-memory ports', () => {
  it('FhirSource reads, searches by patient and gathers a patient record', async () => {
    const fhir = memoryFhirSource([
      { resourceType: 'Patient', id: 'p1' },
      { resourceType: 'Patient', id: 'p2' },
      { resourceType: 'Observation', id: 'o1', subject: { reference: 'Patient/p1' } },
      { resourceType: 'Observation', id: 'o2', subject: { reference: 'Patient/p2' } },
      { resourceType: 'Condition', id: 'c1', subject: { reference: 'Patient/p1' } },
    ])
    expect((await fhir.read('Patient', 'p2')).id).toBe('p2')
    await expect(fhir.read('Patient', 'zz')).rejects.toMatchObject({ status: 404 })
    const found = []
    for await (const r of fhir.search('Observation', { patient: 'p1' })) found.push(r.id)
    expect(found).toEqual(['o1'])
    expect((await fhir.everything('p1')).map((r) => r.id).sort()).toEqual(['c1', 'o1', 'p1'])
    const created = await fhir.create({ resourceType: 'RiskAssessment', subject: { reference: 'Patient/p1' } })
    expect((await fhir.read('RiskAssessment', created.id!)).subject).toEqual({ reference: 'Patient/p1' })
  })

  it('FeatureStore answers point-in-time reads', async () => {
    const store = memoryFeatureStore()
    await store.put('pt', { hr: 80 }, 100)
    await store.put('pt', { hr: 95, bp: 120 }, 200)
    expect(await store.get('pt', ['hr', 'bp'], 150)).toEqual({ hr: 80 })
    expect(await store.get('pt', ['hr', 'bp'])).toEqual({ hr: 95, bp: 120 })
    expect(await store.get('other', ['hr'])).toEqual({})
  })

  it('RateLimitStore is a token bucket: drains, refuses, refills', async () => {
    const store = memoryRateLimitStore()
    const rule = { capacity: 3, refillPerSecond: 1 }
    const takes = [await store.take('k', 1, rule, 0), await store.take('k', 1, rule, 0), await store.take('k', 1, rule, 0), await store.take('k', 1, rule, 0)]
    expect(takes.map((t) => t.allowed)).toEqual([true, true, true, false])
    expect(takes[2]!.remaining).toBe(0)
    expect(takes[3]!.resetAt).toBe(3000)
    expect((await store.take('k', 1, rule, 1500)).allowed).toBe(true)
    expect((await store.take('other', 1, rule, 0)).remaining).toBe(2)
  })

  it('MetricsRegistry exposes counters, gauges and histograms in Prometheus text', () => {
    const m = createMetricsRegistry()
    m.counter('req_total', 'Requests').inc({ route: '/p', status: '200' })
    m.counter('req_total', 'Requests').inc({ route: '/p', status: '200' }, 2)
    m.gauge('psi', 'PSI').set({ model: 'a"b' }, 0.25)
    m.histogram('lat_seconds', 'Latency', [0.1, 1]).observe({}, 0.5)
    const text = m.expose()
    expect(text).toContain('# TYPE req_total counter\nreq_total{route="/p",status="200"} 3')
    expect(text).toContain('psi{model="a\\"b"} 0.25')
    expect(text).toContain(
      'lat_seconds_bucket{le="0.1"} 0\nlat_seconds_bucket{le="1"} 1\nlat_seconds_bucket{le="+Inf"} 1\nlat_seconds_sum 0.5\nlat_seconds_count 1',
    )
  })

  it('Logger drops every field outside its allowlist', () => {
    const lines: string[] = []
    const logger = createLogger({ write: (l) => lines.push(l), clock: manualClock(0) })
    logger.info('predict.done', { requestId: 'r1', status: 200, patientId: 'Patient/123', age: 71, note: 'John Smith' } as never)
    expect(JSON.parse(lines[0]!)).toEqual({ ts: '1970-01-01T00:00:00.000Z', level: 'info', event: 'predict.done', requestId: 'r1', status: 200 })
    createLogger({ write: (l) => lines.push(l), level: 'warn' }).info('quiet')
    expect(lines).toHaveLength(1)
  })

  it('seededRandom repeats its stream for a seed and differs across seeds', () => {
    const a = seededRandom(7),
      b = seededRandom(7),
      c = seededRandom(8)
    const take = (r: { next(): number }) => Array.from({ length: 5 }, () => r.next())
    const [x, y, z] = [take(a), take(b), take(c)]
    expect(x).toEqual(y)
    expect(x).not.toEqual(z)
    expect(x.every((v) => v >= 0 && v < 1)).toBe(true)
  })
})
