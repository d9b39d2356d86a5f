/**
 * The browser library as one ES module, for pages without a bundler:
 * `<script type="module">import { createBrowserNexora, onnxModel } from './dist/nexora-browser.js'</script>`.
 * ONNX Runtime is split into its own chunks and loads only when a model needs it.
 */
export { createBrowserNexora, type BrowserNexora, type BrowserNexoraOptions } from '../../adapters/browser.ts'
export { onnxModel } from '../../plugins/model-onnx/index.ts'
export { linearModel } from '../../plugins/model-linear/index.ts'
export { memoryStorage } from '../../core/index.ts'
