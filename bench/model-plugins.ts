/**
 * Each shipped model through `nexora.predict()` (validation, audit on a memory sink, the model):
 * single-row latency p50/p99 and batch throughput, with the linear model measured in the same run
 * as the baseline. Training time comes from each model's own training data via `trainers`.
 */
import { createHash } from 'node:crypto'
import { createNexora, definePlugin, memoryAuditSink, memoryModelStore, type FeatureDef, type Nexora, type Row } from '../core/index.ts'
import { readFileSync } from 'node:fs'
import Papa from 'papaparse'
import { importModels } from '../bin/demo-models.ts'
import { allModelPlugins, MODEL_KINDS } from '../bin/model-kinds.ts'
import { generateSequenceCohort, INPUTS as SEQUENCE_INPUTS } from '../models/mortality-transformer/cohort.ts'
import { FEATURES, type CohortRow } from '../models/readmission-risk/cohort.ts'

const sha256 = (d: Uint8Array) => new Uint8Array(createHash('sha256').update(d).digest())
const SINGLE = Number(process.env.BENCH_SINGLE ?? 400)
const BATCH = 1000

/** A valid row for any manifest: mid-range numbers, true booleans, the first category, a short sequence. */
export function typicalRow(inputs: FeatureDef[]): Row {
  const features = Object.fromEntries(
    inputs.map((i) => [i.name, i.type === 'number' ? ((i.min ?? 0) + (i.max ?? 2)) / 2 : i.type === 'boolean' ? true : (i.categories?.[0] ?? 'x')]),
  )
  const sequence = Array.from({ length: 24 }, (_, k) => ({
    code: ['ICD10:I50', 'LOINC:2160-0:H', 'RXNORM:4603', 'ENC:IMP'][k % 4]!,
    time: new Date(Date.UTC(2025, 0, 1 + k * 7)).toISOString(),
  }))
  return { features, sequence }
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!

async function measure(nexora: Nexora, model: string, row: Row) {
  const times: number[] = []
  for (let i = 0; i < SINGLE; i++) {
    const t = performance.now()
    await nexora.predict({ model, rows: [row] })
    times.push(performance.now() - t)
  }
  const rows = Array.from({ length: BATCH }, () => row)
  const t = performance.now()
  await nexora.predict({ model, rows })
  const batchSeconds = (performance.now() - t) / 1000
  return {
    p50ms: Number(percentile(times, 0.5).toFixed(3)),
    p99ms: Number(percentile(times, 0.99).toFixed(3)),
    batchRowsPerSecond: Math.round(BATCH / batchSeconds),
  }
}

export async function modelPlugins() {
  const nexora = await createNexora({
    plugins: [
      definePlugin({ name: 'store', provides: 'modelStore', setup: () => memoryModelStore() }),
      definePlugin({ name: 'audit', provides: 'auditSink', setup: () => memoryAuditSink({ sha256 }) }),
      ...(await allModelPlugins()),
    ],
    config: { sha256, scheduleCommit: setImmediate },
  })
  await importModels(nexora)
  const models = (await nexora.registry.list()).map((m) => m.name)
  const rows = Object.fromEntries(
    await Promise.all(models.map(async (name) => [name, typicalRow((await nexora.registry.resolve(name)).manifest.inputs)] as const)),
  )
  // Warm every model up first (load, JIT), so the order of measurement favours none.
  for (const name of models) for (let i = 0; i < 50; i++) await nexora.predict({ model: name, rows: [rows[name]!] })
  const baselineName = 'readmission-risk'
  const baseline = await measure(nexora, baselineName, rows[baselineName]!)
  const out: Record<string, unknown> = { [baselineName]: { kind: 'linear', ...baseline } }
  for (const name of models.filter((m) => m !== baselineName)) {
    const stored = await nexora.registry.resolve(name)
    const figures = await measure(nexora, name, rows[name]!)
    out[name] = { kind: stored.manifest.kind, ...figures, p50VsLinear: Number((figures.p50ms / baseline.p50ms).toFixed(2)) }
  }
  await nexora.close()
  return { singleRowCalls: SINGLE, batchRows: BATCH, models: out, trainingSeconds: await trainingTimes(), target: 'deepfm single-row p50 ≤ 3× linear' }
}

/** Training time of each plugin on its demo data (the transformer on a smaller cohort and config, to keep the bench short). */
async function trainingTimes() {
  const cohort = Papa.parse<CohortRow>(readFileSync(new URL('../models/readmission-risk/cohort.csv', import.meta.url), 'utf8'), {
    header: true,
    dynamicTyping: true,
    skipEmptyLines: true,
  }).data.slice(0, 3200)
  const tabular = { rows: cohort.map(({ readmitted_30d: _y, ...features }) => ({ features })), labels: cohort.map((r) => r.readmitted_30d) }
  const inputs = FEATURES.map((f) => ({ ...f, categories: 'categories' in f ? [...f.categories] : undefined })) as FeatureDef[]
  const lung = Papa.parse<Record<string, number>>(readFileSync(new URL('../models/survival-cox/lung.csv', import.meta.url), 'utf8'), {
    header: true,
    dynamicTyping: true,
    skipEmptyLines: true,
  }).data
  const sequences = generateSequenceCohort(1000, 5)
  const time = async (run: () => Promise<unknown>) => {
    const t = performance.now()
    await run()
    return Number(((performance.now() - t) / 1000).toFixed(2))
  }
  return {
    'linear (3,200 rows)': await time(async () => (await MODEL_KINDS.linear()).train!(tabular, { name: 'b', version: '1.0.0', inputs })),
    'deepfm (3,200 rows, shipped settings)': await time(async () =>
      (await MODEL_KINDS.deepfm()).train!(tabular, { name: 'b', version: '1.0.0', inputs, seed: 1, learningRate: 0.002, dropout: 0.2 }),
    ),
    'cox (lung, 227 rows)': await time(async () =>
      (await MODEL_KINDS.cox()).train!(
        {
          rows: lung.map((r) => ({ features: { age: r.age!, sex: r.sex!, ph_ecog: r.ph_ecog! } })),
          labels: lung.map((r) => r.status!),
          times: lung.map((r) => r.time!),
        },
        { name: 'b', version: '1.0.0', inputs: ['age', 'sex', 'ph_ecog'].map((name) => ({ name, type: 'number' as const })), horizonDays: 365 },
      ),
    ),
    'transformer (1,000 sequences, dim 32, 2 layers, 1 epoch)': await time(async () =>
      (await MODEL_KINDS.transformer()).train!(
        { rows: sequences.map((p) => p.row), labels: sequences.map((p) => p.label) },
        { name: 'b', version: '1.0.0', inputs: SEQUENCE_INPUTS, seed: 1, dim: 32, layers: 2, heads: 4, ffDim: 64, epochs: 1, maxLength: 64 },
      ),
    ),
  }
}
