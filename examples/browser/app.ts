/**
 * The same demo as index.html's inline script, through a bundler: the app imports the adapter and
 * the plugin from source and esbuild bundles them (see build.ts).
 */
import { createBrowserNexora } from '../../adapters/browser.ts'
import { onnxModel } from '../../plugins/model-onnx/index.ts'
import { exposeDemo } from './demo.ts'

const providers = (new URLSearchParams(location.search).get('providers') ?? 'webgpu,wasm').split(',') as ('webgpu' | 'wasm')[]
const nexora = await createBrowserNexora({ models: [onnxModel({ providers, wasmPaths: '/ort/' })] })
await exposeDemo(nexora, '/models/readmission-onnx/')
