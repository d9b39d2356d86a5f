/**
 * A Worker with tracing: the demo model, anonymous callers, and the otel plugin configured from the
 * Worker's bindings. Bundled and run under workerd by test/otel/worker.test.ts, with the
 * `nodejs_als` compatibility flag that makes node:async_hooks' AsyncLocalStorage available.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { createWorker } from '../adapters/cloudflare.ts'
import { otel } from '../plugins/otel/index.ts'
import manifest from '../models/readmission-risk/manifest.json' with { type: 'json' }
import model from '../models/readmission-risk/model.json' with { type: 'json' }
import profile from '../models/readmission-risk/profile.json' with { type: 'json' }

export default createWorker({
  bundledModels: [{ manifest, files: { 'model.json': model, 'profile.json': profile } }],
  allowAnonymous: true,
  plugins: (env) => [otel({ env, AsyncLocalStorage })],
})
