/**
 * The cost of tracing on /predict, in process: requests per second with the otel plugin exporting
 * every span (to an exporter that discards them, so the collector's network is not measured)
 * against the same Nexora untraced. Rounds alternate so drift on a noisy machine hits both; the
 * ratio (traced / untraced) is the result.
 */
import type { SpanExporter } from '@opentelemetry/sdk-trace-base'
import { importModels } from '../bin/demo-models.ts'
import { createNexora, memoryStorage } from '../core/index.ts'
import { linearModel } from '../plugins/model-linear/index.ts'
import { otelNode } from '../plugins/otel/node.ts'
import { PREDICT_BODY } from './predict-load.ts'

const REQUESTS = Number(process.env.BENCH_TRACING_REQUESTS ?? 3000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)

const discard: SpanExporter = {
  export: (_spans, done) => done({ code: 0 }),
  shutdown: async () => {},
}

async function requestsPerSecond(traced: boolean): Promise<number> {
  const plugins = [memoryStorage(), linearModel(), ...(traced ? [otelNode({ env: {}, exporter: discard })] : [])]
  const nexora = await createNexora({ plugins, config: { rateLimits: false } })
  try {
    await importModels(nexora)
    const call = () =>
      nexora.fetch(new Request('http://bench/predict', { method: 'POST', headers: { 'content-type': 'application/json' }, body: PREDICT_BODY }))
    for (let i = 0; i < 200; i++) await (await call()).arrayBuffer() // warm-up: JIT, model cache
    const started = performance.now()
    for (let i = 0; i < REQUESTS; i++) await (await call()).arrayBuffer()
    return REQUESTS / ((performance.now() - started) / 1000)
  } finally {
    await nexora.close()
  }
}

export async function tracingBench() {
  const untraced: number[] = []
  const traced: number[] = []
  for (let i = 0; i < ROUNDS; i++) {
    untraced.push(await requestsPerSecond(false))
    traced.push(await requestsPerSecond(true))
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
  return {
    untracedRps: Math.round(mean(untraced)),
    tracedRps: Math.round(mean(traced)),
    ratio: Number((mean(traced) / mean(untraced)).toFixed(3)),
    requests: REQUESTS,
    rounds: ROUNDS,
  }
}
