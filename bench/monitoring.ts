/**
 * The monitoring plugin's cost. (1) Throughput of in-process predictions (32 concurrent callers,
 * patient ids, a libSQL file with synchronous=FULL audit) with the prediction log on, against the
 * same set-up with it off, alternating rounds. (2) The reports over 10,000 logged predictions with
 * outcomes, against the baseline of reading that window from the log alone.
 */
import { createHash, createHmac } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createNexora, type Nexora } from '../core/index.ts'
import { importModels } from '../bin/demo-models.ts'
import { generateCohort } from '../models/readmission-risk/cohort.ts'
import { linearModel } from '../plugins/model-linear/index.ts'
import { monitoring } from '../plugins/monitoring/index.ts'
import { sqlStorage } from '../plugins/storage-sql/index.ts'

const sha256 = (d: Uint8Array) => new Uint8Array(createHash('sha256').update(d).digest())
const hmac = (k: Uint8Array, d: Uint8Array) => new Uint8Array(createHmac('sha256', k).update(d).digest())
const cohort = generateCohort(4000)
const CALLER = { subject: 'bench', scopes: ['nexora/predict'], roles: [], via: 'in-process' as const }
const PER_ROUND = Number(process.env.BENCH_MONITORING_PREDICTIONS ?? 3000)

async function open(dir: string, name: string, withMonitoring: boolean) {
  const nexora = await createNexora({
    plugins: [
      sqlStorage({ url: `file:${join(dir, `${name}.db`)}`, sha256 }),
      linearModel(),
      ...(withMonitoring ? monitoring({ key: 'bench-monitoring-key-0123456789', hmac }) : []),
    ],
    config: { sha256, scheduleCommit: setImmediate, rateLimits: false },
  })
  await importModels(nexora)
  return nexora
}

async function throughput(nexora: Nexora, offset: number) {
  let next = 0
  const t = performance.now()
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      for (let i = next++; i < PER_ROUND; i = next++) {
        const { readmitted_30d: _y, ...features } = cohort[(offset + i) % cohort.length]!
        await nexora.predict({ model: 'readmission-risk', rows: [{ patientRef: `Patient/b${(offset + i) % 5000}`, features }] }, CALLER)
      }
    }),
  )
  return PER_ROUND / ((performance.now() - t) / 1000)
}

async function timed<T>(fn: () => Promise<T>): Promise<number> {
  const t = performance.now()
  await fn()
  return performance.now() - t
}

export async function monitoringBench() {
  const dir = mkdtempSync(join(tmpdir(), 'nexora-bench-monitoring-'))
  try {
    const off = await open(dir, 'off', false)
    const on = await open(dir, 'on', true)
    const rates = { off: [] as number[], on: [] as number[] }
    for (let round = 0; round < 4; round++) {
      for (const [label, nexora] of (round % 2 === 0
        ? [
            ['off', off],
            ['on', on],
          ]
        : [
            ['on', on],
            ['off', off],
          ]) as [keyof typeof rates, Nexora][]) {
        rates[label].push(await throughput(nexora, round * PER_ROUND))
      }
    }
    await Promise.all(on.ports.getAll('predictionObserver').map((o) => o.flush?.()))
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
    // Outcomes for every logged prediction, then the reports over the last 10,000.
    const log = on.ports.get('predictionLog')
    const rows = await log.window({ model: 'readmission-risk' }, 30 * 86_400_000)
    await log.addOutcomes(
      rows.map((r, i) => ({
        model: 'readmission-risk',
        subjectKey: null,
        predictionId: r.id,
        value: cohort[i % cohort.length]!.readmitted_30d,
        observedAt: r.ts,
        source: 'bench',
      })),
    )
    const window = { model: 'readmission-risk', from: rows[Math.max(0, rows.length - 10_000)]!.ts }
    const get = async (path: string) => (await on.app.request(path)).text()
    const q = `model=readmission-risk&from=${encodeURIComponent(window.from)}`
    const read = await timed(() => log.window(window, 30 * 86_400_000))
    const performance500 = await timed(() => get(`/monitoring/performance?${q}&bootstrap=500`))
    const fairness = await timed(() => get(`/monitoring/fairness?${q}&attribute=sex`))
    const drift = await timed(() => get(`/monitoring/drift?${q}`))
    await Promise.all([off.close(), on.close()])
    return {
      predictionsPerSecond: { withoutLog: Math.round(median(rates.off)), withLog: Math.round(median(rates.on)) },
      ratioWithLogToWithout: Number((median(rates.on) / median(rates.off)).toFixed(3)),
      reportsOver: Math.min(10_000, rows.length),
      windowReadMs: Math.round(read),
      reportMs: { performanceBootstrap500: Math.round(performance500), fairness: Math.round(fairness), drift: Math.round(drift) },
      ratioToWindowRead: {
        performanceBootstrap500: Number((performance500 / read).toFixed(2)),
        fairness: Number((fairness / read).toFixed(2)),
        drift: Number((drift / read).toFixed(2)),
      },
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
