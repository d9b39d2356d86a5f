/**
 * Each shipped model through `nexora.predict()` (validation, audit on a memory sink, the model):
 * single-row latency p50/p99 and batch throughput, with the linear model measured in the same run
 * as the baseline. Training time comes from each model's own training data via `trainers`.
 */
import { createHash } from 'node:crypto'
import { createNexora, definePlugin, memoryAuditSink, memoryModelStore, type FeatureDef, type Nexora, type Row } from '../core/index.ts'
import { importModels } from '../bin/demo-models.ts'
import { allModelPlugins } from '../bin/model-kinds.ts'

const sha256 = (d: Uint8Array) => new Uint8Array(createHash('sha256').update(d).digest())
const SINGLE = Number(process.env.BENCH_SINGLE ?? 400)
const BATCH = 1000

/** A valid row for any manifest: mid-range numbers, true booleans, the first category, a short sequence. */
export function typicalRow(inputs: FeatureDef[]): Row {
  const features = Object.fromEntries(inputs.map((i) => [i.name, i.type === 'number' ? ((i.min ?? 0) + (i.max ?? 2)) / 2 : i.type === 'boolean' ? true : i.categories?.[0] ?? 'x']))
  const sequence = Array.from({ length: 24 }, (_, k) => ({ code: ['ICD10:I50', 'LOINC:2160-0:H', 'RXNORM:4603', 'ENC:IMP'][k % 4]!, time: new Date(Date.UTC(2025, 0, 1 + k * 7)).toISOString() }))
  return { features, sequence }
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!

async function measure(nexora: Nexora, model: string, row: Row) {
  await nexora.predict({ model, rows: [row] }) // warm-up: load, JIT
  for (let i = 0; i < 20; i++) await nexora.predict({ model, rows: [row] })
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
  return { p50ms: Number(percentile(times, 0.5).toFixed(3)), p99ms: Number(percentile(times, 0.99).toFixed(3)), batchRowsPerSecond: Math.round(BATCH / batchSeconds) }
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
  const out: Record<string, unknown> = {}
  const models = (await nexora.registry.list()).map((m) => m.name)
  const baselineName = 'readmission-risk'
  const baseline = await measure(nexora, baselineName, typicalRow((await nexora.registry.resolve(baselineName)).manifest.inputs))
  out[baselineName] = { kind: 'linear', ...baseline }
  for (const name of models.filter((m) => m !== baselineName)) {
    const stored = await nexora.registry.resolve(name)
    const figures = await measure(nexora, name, typicalRow(stored.manifest.inputs))
    out[name] = { kind: stored.manifest.kind, ...figures, p50VsLinear: Number((figures.p50ms / baseline.p50ms).toFixed(2)) }
  }
  await nexora.close()
  return { singleRowCalls: SINGLE, batchRows: BATCH, models: out, target: 'deepfm single-row p50 ≤ 3× linear' }
}
