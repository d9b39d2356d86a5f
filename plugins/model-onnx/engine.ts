import { importOptional, lazy, NexoraError } from '../../core/index.ts'

/**
 * What the plugin uses of an ONNX Runtime JS module. `onnxruntime-web` (and its `/wasm` and
 * `/webgpu` builds) and `onnxruntime-node` all fit it, so any of them can be injected.
 */
export interface OrtModule {
  InferenceSession: { create(model: Uint8Array, options?: { executionProviders?: string[]; graphOptimizationLevel?: 'all' }): Promise<OrtSession> }
  Tensor: new (type: 'float32' | 'float64', data: Float32Array | Float64Array, dims: readonly number[]) => unknown
  env: { wasm?: { numThreads?: number; wasmPaths?: unknown } }
}

export interface OrtSession {
  readonly inputNames: readonly string[]
  readonly outputNames: readonly string[]
  run(feeds: Record<string, unknown>): Promise<Record<string, { data: unknown; dims: readonly number[] }>>
  release?(): Promise<void>
}

/**
 * One execution provider: its ORT name, the module that provides it (loaded once, on first use),
 * and an optional cheap availability check made before anything is downloaded.
 * @example
 * // onnxruntime-node (not a dependency; install it yourself) as the first choice on a server:
 * const cpu: ExecutionProvider = { name: 'cpu', engine: lazy(() => import('onnxruntime-node')) }
 * onnxModel({ providers: [cpu, 'wasm'] })
 */
export interface ExecutionProvider {
  name: string
  engine: () => Promise<OrtModule>
  available?: () => boolean | Promise<boolean>
}

export type ProviderChoice = 'webgpu' | 'wasm' | ExecutionProvider

export interface EngineOptions {
  /** Execution providers in priority order. Default: `['webgpu', 'wasm']` in a page (a `document`), else `['wasm']`. */
  providers?: ProviderChoice[]
  /** wasm threads. Default: 1, or ORT's own choice (0) when `crossOriginIsolated` (COOP + COEP) allows threads. */
  numThreads?: number
  /** Where the browser fetches ORT's `.wasm` files, e.g. `'/ort/'` (`ort.env.wasm.wasmPaths`). Not needed in Node. */
  wasmPaths?: string | Record<string, string>
}

// The WebGPU build also carries the wasm EP: once a page has loaded it, wasm reuses it instead of
// downloading a second ORT build.
// Both are typed against OrtModule, so an ORT upgrade that breaks the contract fails typechecking.
let webgpuModule: OrtModule | undefined
const ONNX = 'ONNX models'
const loadWebgpu = lazy(async (): Promise<OrtModule> => (webgpuModule = await importOptional('onnxruntime-web', () => import('onnxruntime-web/webgpu'), ONNX)))
const loadWasm = lazy(async (): Promise<OrtModule> => importOptional('onnxruntime-web', () => import('onnxruntime-web/wasm'), ONNX))

async function hasWebgpuAdapter(): Promise<boolean> {
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<unknown> } } | undefined)?.gpu
  return Boolean(gpu && (await gpu.requestAdapter()))
}

const BUILT_IN: Record<'webgpu' | 'wasm', ExecutionProvider> = {
  webgpu: { name: 'webgpu', engine: loadWebgpu, available: hasWebgpuAdapter },
  wasm: { name: 'wasm', engine: async () => webgpuModule ?? loadWasm() },
}

/** The default priority: a GPU first in a page, wasm everywhere (Node, Deno, Bun, workers). */
export function defaultProviders(): ProviderChoice[] {
  return typeof (globalThis as { document?: unknown }).document !== 'undefined' ? ['webgpu', 'wasm'] : ['wasm']
}

const configured = new WeakSet<object>()

/** ORT reads `env.wasm` once, when its wasm first starts, so each module is set up before its first session. */
function configure(ort: OrtModule, o: EngineOptions) {
  if (configured.has(ort)) return
  configured.add(ort)
  if (!ort.env?.wasm) return
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true
  ort.env.wasm.numThreads = o.numThreads ?? (isolated ? 0 : 1)
  if (o.wasmPaths !== undefined) ort.env.wasm.wasmPaths = o.wasmPaths
}

export interface StartedSession {
  ort: OrtModule
  session: OrtSession
  /** The provider that runs the session. */
  provider: string
  /** `name: reason` for each provider tried before it, in priority order. */
  failures: string[]
}

const reason = (e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 300)

/**
 * Create a session on the first provider that works, one provider per attempt (so the one that
 * runs is known, not guessed), and report every failure in one error when none does.
 * @example
 * const { session, provider } = await startSession(bytes, { providers: ['webgpu', 'wasm'] })
 */
export async function startSession(model: Uint8Array, o: EngineOptions = {}): Promise<StartedSession> {
  const failures: string[] = []
  let modelRejected = false
  let missing: NexoraError | undefined
  for (const choice of o.providers ?? defaultProviders()) {
    const p = typeof choice === 'string' ? BUILT_IN[choice] : choice
    if (!p) {
      failures.push(`${String(choice)}: not a known provider`)
      continue
    }
    try {
      if (p.available && !(await p.available())) {
        failures.push(`${p.name}: not available here`)
        continue
      }
      const ort = await p.engine()
      configure(ort, o)
      const session = await ort.InferenceSession.create(model, { executionProviders: [p.name], graphOptimizationLevel: 'all' }).catch((e: unknown) => {
        // ORT starts its backend inside create(): only a failure after that is about the model.
        if (!/no available backend/.test(reason(e))) modelRejected = true
        throw e
      })
      return { ort, session, provider: p.name, failures }
    } catch (e) {
      if (e instanceof NexoraError && e.code === 'dependency.missing') missing = e
      failures.push(`${p.name}: ${reason(e)}`)
    }
  }
  // onnxruntime-web is an optional peer: say which package to install, not only that nothing ran.
  if (missing && !modelRejected) throw missing
  throw new NexoraError(modelRejected ? 'model.load_failed' : 'engine.load_failed', {
    detail: `no ONNX Runtime execution provider could run model.onnx (${failures.join('; ') || 'none listed'})`,
  })
}
