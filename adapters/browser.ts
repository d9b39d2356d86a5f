/**
 * Browser adapter: no server. `createBrowserNexora()` runs the one pipeline in the tab, with
 * IndexedDB storage, models fetched from a URL once and kept on the device, and an audit trail
 * that stays on the device until the user exports it. Nothing here sends patient data anywhere:
 * the only requests are for model files (and the engines' own wasm files).
 */
import {
  createNexora,
  DEMO_MODEL_KEY,
  ensureRegistered,
  toAuditEventBundle,
  type AuditEvent,
  type ModelManifest,
  type Nexora,
  type NexoraConfig,
  type Plugin,
  type PredictionRequest,
  type PredictionResult,
} from '../core/index.ts'
import { indexedDbStorage } from '../plugins/storage-indexeddb/index.ts'

// The in-tab engine (ONNX Runtime Web: WebGPU first, WASM fallback), so a page reaches engines only through this adapter.
export { onnxModel, type OnnxModelOptions } from '../plugins/model-onnx/index.ts'

export interface BrowserNexoraOptions {
  /** Model plugins, e.g. `[onnxModel(), linearModel()]`. */
  models: Plugin[]
  /** Default: IndexedDB (database `nexora`). Pass `memoryStorage()` for nothing kept on the device. */
  storage?: Plugin[]
  /** Who is scoring, as the audit trail records it. Default `local-user`. */
  user?: string
  plugins?: Plugin[]
  /**
   * `modelSignatures` defaults to the demo key and no requirement: a signed model is verified
   * before it scores, an unsigned one is accepted (so trusting the public demo key accepts nothing
   * more). An app shipping its own models passes `{ trustedKeys: [its key], require: 'always' }`.
   */
  config?: NexoraConfig
}

export interface BrowserNexora {
  /** Score in the tab; the request and response audit events are committed on the device first. */
  predict(request: Omit<PredictionRequest, 'requestId'>): Promise<PredictionResult>
  /**
   * Register a model from `<url>/manifest.json` and the files it lists (hash-checked). Fetched once:
   * a version already on the device is not downloaded again, and offline the device copy is used.
   */
  loadModel(baseUrl: string): Promise<{ name: string; version: string }>
  /** The on-device audit trail, as JSON events or a FHIR R4 Bundle of AuditEvents, for the user to save. */
  exportAudit(format?: 'json' | 'fhir'): Promise<Blob>
  nexora: Nexora
  close(): Promise<void>
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url)
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`)
  return new Uint8Array(await res.arrayBuffer())
}

/**
 * @example
 * const nexora = await createBrowserNexora({ models: [onnxModel()] })
 * await nexora.loadModel('/models/readmission-onnx/')
 * const { predictions } = await nexora.predict({ model: 'readmission-onnx', rows: [{ features }] })
 */
export async function createBrowserNexora(options: BrowserNexoraOptions): Promise<BrowserNexora> {
  const user = options.user ?? 'local-user'
  const nexora = await createNexora({
    plugins: [...(options.storage ?? indexedDbStorage()), ...options.models, ...(options.plugins ?? [])],
    config: {
      rateLimits: false,
      devCaller: { subject: user, scopes: ['nexora/admin'], roles: ['local'] },
      modelSignatures: { trustedKeys: [DEMO_MODEL_KEY], require: 'off' },
      ...options.config,
    },
  })
  const caller = { subject: user, scopes: ['nexora/predict'], roles: ['local'], via: 'in-process' as const }

  async function loadModel(baseUrl: string) {
    const base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`, location.href)
    let manifest: ModelManifest
    try {
      manifest = JSON.parse(new TextDecoder().decode(await fetchBytes(new URL('manifest.json', base).href))) as ModelManifest
    } catch (error) {
      // Offline (an installed app): use the copy on the device if there is one.
      const name = base.pathname.split('/').filter(Boolean).at(-1) ?? ''
      const stored = await nexora.registry.resolve(name).catch(() => undefined)
      if (stored) return { name: stored.name, version: stored.version }
      throw error
    }
    const known = await nexora.registry.get(manifest.name).catch(() => undefined)
    if (!known?.versions.some((v) => v.version === manifest.version)) {
      const paths = Object.keys(manifest.files ?? {})
      const files = Object.fromEntries(await Promise.all(paths.map(async (p) => [p, await fetchBytes(new URL(p, base).href)] as const)))
      await ensureRegistered(nexora.registry, manifest, files)
    } else {
      await ensureRegistered(nexora.registry, manifest, {})
    }
    return { name: manifest.name, version: manifest.version }
  }

  async function exportAudit(format: 'json' | 'fhir' = 'json') {
    const events: AuditEvent[] = []
    for (let after: number | undefined = 0; after !== undefined; ) {
      const page: { events: AuditEvent[]; nextAfterSeq?: number } = await nexora.ports.get('auditSink').query({}, { limit: 1000, afterSeq: after })
      events.push(...page.events)
      after = page.nextAfterSeq
    }
    const body = format === 'fhir' ? toAuditEventBundle(events) : { events }
    return new Blob([JSON.stringify(body, null, 2)], { type: format === 'fhir' ? 'application/fhir+json' : 'application/json' })
  }

  return {
    predict: (request) => nexora.predict({ ...request, requestId: crypto.randomUUID() }, caller),
    loadModel,
    exportAudit,
    nexora,
    close: () => nexora.close(),
  }
}
