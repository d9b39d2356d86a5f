/**
 * What fronting a model server costs: the same single-row predictions, interleaved so machine
 * drift hits every variant alike, (1) on the model in this process (the baseline), (2) as a
 * hand-written OIP REST call to a second Nexora process (`nexora serve --grpc-port 0`, dev mode,
 * its audit trail on a libSQL file), (3) through model-remote over REST and (4) over gRPC (h2c)
 * to that same process. The added latency is each variant's p50/p95 minus the baseline's; (3)
 * minus (2) is what model-remote itself adds over calling the server by hand. Both processes on
 * one machine: no network time, only the loopback.
 */
import type { Row } from '../core/index.ts'
import { createNodeRemoteModelPlugin } from '../plugins/model-remote/node.ts'
import { cohortRows, directModel, remoteManifest, startRemoteBackend } from '../testkit/remote-model.ts'

const CALLS = Number(process.env.BENCH_REMOTE_CALLS ?? 500)
const WARM_UP = 50

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)]!
const figures = (xs: number[]) => ({ p50ms: Number(quantile(xs, 0.5).toFixed(3)), p95ms: Number(quantile(xs, 0.95).toFixed(3)) })

export async function modelRemoteBench() {
  const backend = await startRemoteBackend()
  try {
    const direct = await directModel()
    const plugin = createNodeRemoteModelPlugin({
      endpoints: [
        { origin: backend.url, token: backend.token },
        { origin: backend.grpcUrl, token: backend.token },
      ],
    })
    const rest = await plugin.load({ manifest: remoteManifest('rest', backend.url), files: {} })
    const grpc = await plugin.load({ manifest: remoteManifest('grpc', backend.grpcUrl), files: {} })
    const byHand = async ([row]: Row[]) => {
      const inputs = Object.entries(row!.features).map(([name, v]) => ({
        name,
        shape: [1],
        datatype: typeof v === 'number' ? 'FP64' : typeof v === 'boolean' ? 'BOOL' : 'BYTES',
        data: [v],
      }))
      const res = await fetch(`${backend.url}/v2/models/readmission-risk/versions/1.0.0/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${backend.token}` },
        body: JSON.stringify({ inputs, outputs: [{ name: 'score' }] }),
      })
      return ((await res.json()) as { outputs: { data: number[] }[] }).outputs[0]!.data.map((score) => ({ score }))
    }
    const variants = { direct: (rows: Row[]) => direct.predict(rows), restByHand: byHand, remoteRest: rest.predict, remoteGrpc: grpc.predict }
    const times = Object.fromEntries(Object.keys(variants).map((k) => [k, [] as number[]])) as Record<keyof typeof variants, number[]>
    const { rows } = cohortRows(CALLS + WARM_UP, 11)
    for (const [i, row] of rows.entries()) {
      for (const [name, predict] of Object.entries(variants) as [keyof typeof variants, (rows: Row[]) => Promise<{ score: number }[]>][]) {
        const t = performance.now()
        await predict([row])
        if (i >= WARM_UP) times[name].push(performance.now() - t)
      }
    }
    const base = figures(times.direct)
    const added = (xs: number[]) => {
      const f = figures(xs)
      return { ...f, addedP50ms: Number((f.p50ms - base.p50ms).toFixed(3)), addedP95ms: Number((f.p95ms - base.p95ms).toFixed(3)) }
    }
    const byHandFigures = figures(times.restByHand)
    const remoteRest = added(times.remoteRest)
    return {
      calls: CALLS,
      direct: base,
      restByHand: added(times.restByHand),
      remoteRest: { ...remoteRest, p50VsByHand: Number((remoteRest.p50ms / byHandFigures.p50ms).toFixed(2)) },
      remoteGrpc: added(times.remoteGrpc),
      note: 'added = p50/p95 minus the in-process model (baseline, same run); the second Nexora runs its whole pipeline and audit per call',
    }
  } finally {
    await backend.close()
  }
}
