/**
 * model-remote's test and bench kit: a second Nexora process serving the demo readmission-risk
 * model over OIP REST and real gRPC (h2c), the same model loaded directly, and `remote` manifests
 * that front it.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readModelDir, readModelFiles } from '../bin/model-dir.ts'
import { MODELS_DIR } from '../bin/demo-models.ts'
import type { LoadedModel, ModelManifest, Row } from '../core/index.ts'
import { generateCohort } from '../models/readmission-risk/cohort.ts'
import { linearModelPlugin } from '../plugins/model-linear/index.ts'
import type { RemoteSection } from '../plugins/model-remote/index.ts'
import { startServe } from './serve-process.ts'

export interface RemoteBackend {
  /** The HTTP port (OIP REST under /v2). */
  url: string
  /** The h2c port (OIP gRPC). */
  grpcUrl: string
  /** Its dev-mode token (nexora/predict among its scopes). */
  token: string
  /** GET a path with the token: what the backend says about itself (e.g. its OIP statistics). */
  get(path: string): Promise<unknown>
  close(): Promise<void>
}

/** `nexora serve --grpc-port 0` in dev mode, in a temporary data directory, without the dev FHIR server. */
export async function startRemoteBackend(): Promise<RemoteBackend> {
  const dir = mkdtempSync(join(tmpdir(), 'nexora-remote-backend-'))
  const serve = await startServe(dir, { NEXORA_DEV_FHIR_PORT: 'off' }, { args: ['--grpc-port', '0'] })
  let grpcUrl: string | undefined
  for (let i = 0; i < 100 && !grpcUrl; i++) {
    grpcUrl = /gRPC:\s+(http:\/\/\S+)/.exec(serve.stderr())?.[1]
    if (!grpcUrl) await new Promise((r) => setTimeout(r, 50))
  }
  if (!grpcUrl) throw new Error(`no gRPC line from the backend: ${serve.stderr()}`)
  return {
    url: serve.url,
    grpcUrl: grpcUrl.replace('localhost', '127.0.0.1'),
    token: serve.token,
    async get(path) {
      return (await fetch(`${serve.url}${path}`, { headers: { authorization: `Bearer ${serve.token}` } })).json()
    },
    async close() {
      serve.child.kill('SIGTERM')
      await serve.exited
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

const demo = () => readModelDir(join(MODELS_DIR, 'readmission-risk'))

/** readmission-risk loaded in this process: the reference a remote score must equal. */
export async function directModel(): Promise<LoadedModel> {
  const model = demo()
  return linearModelPlugin.load({ manifest: model.manifest, files: readModelFiles(model) })
}

/** A `remote` manifest fronting the backend's readmission-risk (same inputs, threshold and labels). */
export function remoteManifest(protocol: 'rest' | 'grpc', endpoint: string, over: Partial<RemoteSection> & { name?: string } = {}): ModelManifest {
  const { name = `readmission-remote-${protocol}`, ...section } = over
  const { inputs, outputs, threshold, labels } = demo().manifest
  return {
    name,
    version: '1.0.0',
    kind: 'remote',
    description: 'readmission-risk, scored by another server',
    inputs,
    outputs,
    ...(threshold !== undefined ? { threshold } : {}),
    ...(labels ? { labels } : {}),
    remote: { protocol, endpoint, model: 'readmission-risk', version: '1.0.0', ...section },
  } as ModelManifest
}

/** Rows and outcomes from the demo's synthetic cohort. */
export function cohortRows(n: number, seed = 7): { rows: Row[]; labels: number[] } {
  const cohort = generateCohort(n, seed)
  return {
    rows: cohort.map(({ readmitted_30d: _outcome, ...features }) => ({ features })),
    labels: cohort.map((r) => r.readmitted_30d),
  }
}
