import { encodeWeights, type ModelManifest, type NexoraConfig } from '../core/index.ts'
import { oip, type OipOptions } from '../plugins/oip/index.ts'
import { toyNexora } from './nexora.ts'

/** A synthetic model of kind `toy` (score = sigmoid(bias + Σ w·x)) under any name and inputs. */
export function syntheticModel(name: string, weights: Record<string, number>, bias = 0, over: Partial<ModelManifest> = {}) {
  const manifest: ModelManifest = {
    name,
    version: '1.0.0',
    kind: 'toy',
    outputs: [{ name: 'p', type: 'probability' }],
    inputs: Object.keys(weights).map((n) => ({ name: n, type: 'number' as const })),
    ...over,
  }
  return { manifest, files: encodeWeights({ weights, bias }) }
}

/** The toy Nexora (memory ports, `toy` in production) with the OIP front door and the spec examples' models. */
export async function oipNexora(config: NexoraConfig = {}, options: OipOptions = {}) {
  const toy = await toyNexora(config, [], [oip(options)])
  for (const m of [
    syntheticModel('mymodel', { a: 1, b: 1 }),
    syntheticModel('matrix', { x1: 0.1, x2: -0.2 }, 0.3),
    syntheticModel('lightgbm-v2-iris', { sepal_length: 0.2, sepal_width: -0.4, petal_length: 0.3, petal_width: 0.5 }, -1),
  ])
    await toy.nexora.registry.register(m.manifest, m.files)
  const request = (path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') =>
    toy.nexora.app.request(path, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
    })
  return { ...toy, request }
}

export const sigmoid = (z: number) => 1 / (1 + Math.exp(-z))
