/**
 * Sequential `POST /predict` latency of the same server under each runtime (testkit/runtimes.ts:
 * node, deno, bun; a descriptor added there joins), every one started from its entry script under
 * its real binary in this run. Rounds alternate the runtimes so drift on a shared machine hits
 * each alike; each runtime's p50 is reported as a ratio to Node's p50 from the same run.
 */
import { RUNTIMES, type RuntimeDescriptor, type RuntimeServer } from '../testkit/runtimes.ts'
import { AUDIENCE, ISSUER, makeKey, sign } from '../testkit/tokens.ts'

const requests = Number(process.env.BENCH_REQUESTS ?? 300)
const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
const warmup = Number(process.env.BENCH_WARMUP ?? 200)
const body = JSON.stringify({
  model: 'readmission-risk',
  rows: [
    {
      patientId: 'bench-1',
      features: { age: 71, sex: 'F', systolic_bp: 150, hba1c: 8.1, egfr: 48, prior_admissions: 2, length_of_stay: 6, on_anticoagulant: true },
    },
  ],
})

export interface RuntimeLatency {
  p50: number
  p99: number
  p50VsNode: number
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
const round3 = (x: number) => Number(x.toFixed(3))

/** One request, timed to the last byte of the answer; anything but a 200 voids the figures. */
async function timedPredict(url: string, token: string): Promise<number> {
  const start = performance.now()
  const res = await fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body })
  await res.arrayBuffer()
  const ms = performance.now() - start
  if (res.status !== 200) throw new Error(`${url}/predict answered ${res.status}`)
  return ms
}

/**
 * @example
 * const { runtimes } = await runtimesBench() // { node: { p50, p99, p50VsNode: 1 }, deno: {...}, bun: {...} }
 */
export async function runtimesBench(runtimes: RuntimeDescriptor<RuntimeServer>[] = RUNTIMES) {
  if (runtimes[0]?.name !== 'node') throw new Error('runtimesBench: node must come first, it is the baseline')
  const key = await makeKey('ES384', 'bench-runtimes')
  const env = { NEXORA_JWKS: JSON.stringify({ keys: [key.jwk] }), NEXORA_JWT_ISSUERS: ISSUER, NEXORA_JWT_AUDIENCE: AUDIENCE, NEXORA_LOG_LEVEL: 'warn' }
  // Rate limits are per subject (predict: a burst of 200, then 100/s), so each request carries its
  // own subject's token, signed before any timing, and none is refused.
  const tokens = await Promise.all(Array.from({ length: warmup + requests }, (_, i) => sign(key, { sub: `bench-${i}`, scope: 'nexora/predict' })))
  const servers: RuntimeServer[] = []
  try {
    for (const runtime of runtimes) servers.push(await runtime.start(env))
    // Warm-up: JIT, the model cache, the WAL and the connection pool, before any timing.
    for (const server of servers) for (let i = 0; i < warmup; i++) await timedPredict(server.url, tokens[i]!)
    const samples = servers.map(() => [] as number[])
    const perRound = Math.ceil(requests / rounds)
    for (let r = 0; r < rounds; r++) {
      for (const [s, server] of servers.entries()) {
        for (let i = r * perRound; i < Math.min(requests, (r + 1) * perRound); i++) samples[s]!.push(await timedPredict(server.url, tokens[warmup + i]!))
      }
    }
    const figures = samples.map((xs) => xs.sort((a, b) => a - b)).map((xs) => ({ p50: quantile(xs, 0.5), p99: quantile(xs, 0.99) }))
    const result: Record<string, RuntimeLatency> = {}
    for (const [s, runtime] of runtimes.entries()) {
      result[runtime.name] = { p50: round3(figures[s]!.p50), p99: round3(figures[s]!.p99), p50VsNode: round3(figures[s]!.p50 / figures[0]!.p50) }
    }
    return { runtimes: result, unit: 'ms', requests, rounds, warmup, sequential: true }
  } finally {
    await Promise.allSettled(servers.map((s) => s.close()))
  }
}
