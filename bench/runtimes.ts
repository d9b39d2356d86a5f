/**
 * Sequential `POST /predict` latency of the same server under each runtime (testkit/runtimes.ts:
 * node, deno, bun; a descriptor added there joins), every one started from its entry script under
 * its real binary in this run. Rounds alternate the runtimes so drift on a shared machine hits
 * each alike; each runtime's p50 is reported as a ratio to Node's p50 from the same run. Then the
 * same servers at 32 connections (`underLoad`), requests/s as a ratio to Node's.
 */
import { RUNTIMES, type RuntimeDescriptor, type RuntimeServer } from '../testkit/runtimes.ts'
import { AUDIENCE, ISSUER, makeKey, sign } from '../testkit/tokens.ts'
import { type Figures, load, rounds as loadRounds, summary } from './predict-load.ts'

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
 * The same servers under 32 connections (autocannon, as predict-vs-bare), one service account's
 * token, rounds alternating the runtimes; requests/s as a ratio to Node's. A runtime whose answers
 * are not all 2xx reports why instead of figures.
 */
async function underLoad(runtimes: RuntimeDescriptor<RuntimeServer>[], servers: RuntimeServer[], token: string) {
  const runs = servers.map(() => [] as Figures[])
  const failed: (string | undefined)[] = servers.map(() => undefined)
  for (let r = 0; r < loadRounds; r++) {
    for (const [s, server] of servers.entries()) {
      if (failed[s]) continue
      await load(`${server.url}/predict`, { token }).then(
        (f) => void runs[s]!.push(f),
        (error: Error) => void (failed[s] = error.message),
      )
    }
  }
  const node = summary(runs[0]!)
  return Object.fromEntries(
    runtimes.map((runtime, s) => {
      if (failed[s] || runs[s]!.length === 0) return [runtime.name, { failed: failed[s] }]
      const f = summary(runs[s]!)
      return [runtime.name, { ...f, rpsVsNode: round3(f.rps / node.rps) }]
    }),
  )
}

/**
 * @example
 * const { runtimes } = await runtimesBench() // { node: { p50, p99, p50VsNode: 1 }, deno: {...}, bun: {...} }
 */
export async function runtimesBench(runtimes: RuntimeDescriptor<RuntimeServer>[] = RUNTIMES) {
  if (runtimes[0]?.name !== 'node') throw new Error('runtimesBench: node must come first, it is the baseline')
  const key = await makeKey('ES384', 'bench-runtimes')
  const unlimited = { capacity: 1e9, refillPerSecond: 1e9 }
  const env = {
    NEXORA_JWKS: JSON.stringify({ keys: [key.jwk] }),
    NEXORA_JWT_ISSUERS: ISSUER,
    NEXORA_JWT_AUDIENCE: AUDIENCE,
    NEXORA_LOG_LEVEL: 'warn',
    // Only the load phase's one service account needs it; the sequential phase signs a subject per request anyway.
    NEXORA_RATE_LIMITS: JSON.stringify({ predict: unlimited }),
  }
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
    return {
      runtimes: result,
      unit: 'ms',
      requests,
      rounds,
      warmup,
      sequential: true,
      underLoad: await underLoad(runtimes, servers, await sign(key, { sub: 'ehr-service', scope: 'nexora/predict' })),
    }
  } finally {
    await Promise.allSettled(servers.map((s) => s.close()))
  }
}
