/**
 * `npm run bench -- profile`: where a /predict request's time goes. The bench server runs under
 * `node --cpu-prof` while autocannon loads /predict (32 connections); the samples taken during
 * the load are attributed to one stage each by the innermost frame on their stack that belongs
 * to a stage, and reported as a share of the server's time and as µs per answered request.
 * docs/performance.md keeps the breakdowns before and after each change.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { load, startPredictServer } from './predict-load.ts'

/** Stages, tested in order against each frame's file and function; the innermost frame that matches wins. */
const STAGES: [string, RegExp][] = [
  ['audit write (libSQL insert + commit)', /node_modules\/(libsql|@libsql)\/|plugins\/storage-sql\/|plugins\/sql-stores\/audit-sink/],
  ['monitoring log', /prediction-log|plugins\/monitoring\//],
  [
    'audit hash (canonical JSON + SHA-256)',
    /core\/audit\/(hash-chain|storable)|safe-stable-stringify|core\/canonical-json|core\/digest|internal\/crypto\/hash/,
  ],
  ['audit writer (group commit)', /core\/audit\//],
  ['model', /plugins\/model-/],
  ['validation (zod)', /node_modules\/zod\/|validate-rows|zod-openapi/],
  ['auth (JWT)', /node_modules\/jose\/|plugins\/auth-jwt\//],
  ['rate limit', /core\/security\/admission|rate-limit/],
  ['logging', /core\/memory\/runtime|access-log/],
  ['metrics', /metrics/],
  ['pipeline and registry', /core\/pipeline\/|core\/registry\/|node_modules\/lru-cache\//],
  ['middleware (request id, headers, limits)', /core\/http\/|core\/security\/|node_modules\/hono\/dist\/middleware\//],
  [
    'HTTP (node:http, node-server, Hono routing, JSON)',
    /node:_http|node:net|node:internal\/(streams|deps\/undici)|node:events|@hono\/node-server|node_modules\/hono\/|^(writev|writeBuffer)$/,
  ],
]

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string }
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  startTime: number
  samples: number[]
  timeDeltas: number[]
}

/** Share of each stage among the samples whose timestamp (µs, the monotonic clock) lies in [from, to]. */
export function breakdown(profile: Profile, from: number, to: number): Record<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const stageOf = new Map<number, string>()
  const classify = (id: number): string => {
    const known = stageOf.get(id)
    if (known) return known
    const { functionName, url } = byId.get(id)!.callFrame
    const own = STAGES.find(([, rx]) => rx.test(url) || rx.test(functionName))?.[0]
    const stage = own ?? (parent.has(id) ? classify(parent.get(id)!) : 'other')
    stageOf.set(id, stage)
    return stage
  }
  const totals: Record<string, number> = {}
  let t = profile.startTime
  let all = 0
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i]!
    if (t < from || t > to) return
    const fn = byId.get(id)!.callFrame.functionName
    const stage = ['(idle)', '(garbage collector)', '(program)'].includes(fn) ? fn : classify(id)
    totals[stage] = (totals[stage] ?? 0) + profile.timeDeltas[i]!
    all += profile.timeDeltas[i]!
  })
  return Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, v / all]))
}

const micros = () => Number(process.hrtime.bigint() / 1000n)

export async function profilePredict() {
  const dir = mkdtempSync(join(tmpdir(), 'nexora-profile-'))
  const server = await startPredictServer(['--cpu-prof', `--cpu-prof-dir=${dir}`])
  try {
    await load(`${server.base}/predict`, { token: server.token }) // warm-up
    const from = micros()
    const figures = await load(`${server.base}/predict`, { token: server.token })
    const to = micros()
    await server.close()
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))
    if (!file) throw new Error('the server wrote no CPU profile')
    const shares = breakdown(JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile, from, to)
    const perRequest = 1e6 / figures.rps // µs of wall time per answer on one event loop
    const stages = Object.entries(shares)
      .sort((a, b) => b[1] - a[1])
      .map(([stage, share]) => ({ stage, share: Number(share.toFixed(3)), usPerRequest: Math.round(share * perRequest) }))
    return { rps: Math.round(figures.rps), p50: figures.p50, p99: figures.p99, usPerRequest: Math.round(perRequest), stages }
  } finally {
    await server.close().catch(() => {})
    rmSync(dir, { recursive: true, force: true })
  }
}
