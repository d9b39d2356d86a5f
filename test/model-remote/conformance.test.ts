/**
 * model-remote against a second Nexora process (`nexora serve --grpc-port 0`) serving the demo
 * readmission-risk model: the remote conformance suite over OIP REST and over real gRPC (h2c),
 * scores and explanations equal to the model's own in this process to 1e-12, and a registered
 * remote model scoring through this server's /predict with its audit events.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { createNexora, definePlugin, memoryAuditSink, memoryModelStore, type LoadedModel } from '../../core/index.ts'
import { createNodeRemoteModelPlugin, nodeRemoteModel, type NodeRemoteEndpoint } from '../../plugins/model-remote/node.ts'
import { remoteModelPluginConformance } from '../../testing/index.ts'
import { cohortRows, directModel, remoteManifest, startRemoteBackend, type RemoteBackend } from '../../testkit/remote-model.ts'

let started: Promise<RemoteBackend> | undefined
const backend = () => (started ??= startRemoteBackend())
let direct: Promise<LoadedModel> | undefined
const reference = () => (direct ??= directModel())
afterAll(async () => {
  await (await started)?.close()
})

const endpoints = (b: RemoteBackend): NodeRemoteEndpoint[] => [
  { origin: b.url, token: b.token },
  { origin: b.grpcUrl, token: b.token },
]
const { rows, labels } = cohortRows(60)
const score = rows.slice(0, 12)

for (const protocol of ['rest', 'grpc'] as const) {
  remoteModelPluginConformance(`remote over ${protocol} against a second Nexora`, async () => {
    const b = await backend()
    const model = await reference()
    const endpoint = protocol === 'rest' ? b.url : b.grpcUrl
    return {
      plugin: createNodeRemoteModelPlugin({ endpoints: endpoints(b) }),
      artifact: { manifest: remoteManifest(protocol, endpoint, { explain: true, additivity: 'logit', baseline: model.describe().baseline }), files: {} },
      broken: { manifest: remoteManifest(protocol, 'http://192.0.2.1:9'), files: {} },
      score,
      evaluate: { rows, labels },
      expected: (await model.predict(score)).map((p) => p.score),
      metrics: ['auroc', 'auprc', 'brier'],
      tolerance: { batch: 1e-12 },
    }
  })
}

remoteModelPluginConformance('remote over rest, without explanations', async () => {
  const b = await backend()
  return {
    plugin: createNodeRemoteModelPlugin({ endpoints: endpoints(b) }),
    artifact: { manifest: remoteManifest('rest', b.url), files: {} },
    broken: { manifest: { ...remoteManifest('rest', b.url), remote: { protocol: 'rest' } } as never, files: {} },
    score,
    evaluate: { rows, labels },
    expected: (await (await reference()).predict(score)).map((p) => p.score),
    metrics: ['auroc'],
    explains: false,
  }
})

describe('model-remote: explanations and the pipeline', () => {
  it.each(['rest', 'grpc'] as const)('explains over %s exactly as the model does directly', { timeout: 60_000 }, async (protocol) => {
    const b = await backend()
    const model = await reference()
    const plugin = createNodeRemoteModelPlugin({ endpoints: endpoints(b) })
    const remote = await plugin.load({ manifest: remoteManifest(protocol, protocol === 'rest' ? b.url : b.grpcUrl, { explain: true }), files: {} })
    const [mine, theirs] = [await model.explain(score), await remote.explain(score)]
    theirs.forEach((contributions, i) => {
      const byFeature = new Map(mine[i]!.map((c) => [c.feature, c.contribution]))
      expect(contributions.length).toBe(byFeature.size)
      for (const c of contributions) expect(Math.abs(c.contribution - byFeature.get(c.feature)!)).toBeLessThanOrEqual(1e-12)
    })
    await remote.dispose?.()
  })

  it('scores a registered remote model through /predict, audited here, scored there', { timeout: 60_000 }, async () => {
    const b = await backend()
    const audit = memoryAuditSink()
    const nexora = await createNexora({
      plugins: [
        definePlugin({ name: 'store', provides: 'modelStore', setup: () => memoryModelStore() }),
        definePlugin({ name: 'audit', provides: 'auditSink', setup: () => audit }),
        nodeRemoteModel({ endpoints: endpoints(b) }),
      ],
    })
    try {
      await nexora.registry.register(remoteManifest('rest', b.url, { explain: true }), {})
      await nexora.registry.register(remoteManifest('grpc', b.grpcUrl), {})
      const expected = (await (await reference()).predict(score.slice(0, 3))).map((p) => p.score)
      const statsBefore = (await b.get('/v2/models/readmission-risk/stats')) as { model_stats: { inference_count: number }[] }
      for (const [model, explain] of [
        ['readmission-remote-rest', true],
        ['readmission-remote-grpc', false],
      ] as const) {
        const response = await nexora.app.request('/predict', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': `remote-${model}` },
          body: JSON.stringify({ model, rows: score.slice(0, 3).map((r, i) => ({ patientId: `Patient/r-${i}`, ...r })), explain }),
        })
        expect(response.status).toBe(200)
        const body = (await response.json()) as { predictions: { score: number; label: string; explanation?: unknown[] }[] }
        body.predictions.forEach((p, i) => {
          expect(Math.abs(p.score - expected[i]!)).toBeLessThanOrEqual(1e-12)
          expect(p.label).toBe(p.score >= 0.5 ? 'high' : 'low')
          expect(Boolean(p.explanation?.length)).toBe(explain)
        })
        const { events } = await audit.query({}, { limit: 100 })
        const mine = events.filter((e) => e.context.correlationId === `remote-${model}`)
        expect(mine.map((e) => [e.action, e.outcome, e.model])).toEqual([
          ['predict.request', 'success', model],
          ['predict.response', 'success', model],
        ])
      }
      // Scored by the backend: its OIP statistics count the rows (3 + 3 scored, 3 explained).
      const statsAfter = (await b.get('/v2/models/readmission-risk/stats')) as { model_stats: { inference_count: number }[] }
      expect(statsAfter.model_stats[0]!.inference_count - (statsBefore.model_stats[0]?.inference_count ?? 0)).toBeGreaterThanOrEqual(6)
    } finally {
      await nexora.close()
    }
  })
})
