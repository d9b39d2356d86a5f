/** `npm run bench`: every benchmark, each reported as a ratio against a baseline from the same run. */
import { auditAppend } from './audit-append.ts'
import { cdsHooksBench } from './cds-hooks.ts'
import { fhirFeatures } from './fhir-features.ts'
import { modelPlugins } from './model-plugins.ts'
import { modelRemoteBench } from './model-remote.ts'
import { monitoringBench } from './monitoring.ts'
import { phiDeid } from './phi-deid.ts'
import { phiReal } from './phi-real.ts'
import { populationBench } from './population.ts'
import { predictVsBare } from './predict-vs-bare.ts'
import { profilePredict } from './profile-predict.ts'
import { runtimesBench } from './runtimes.ts'
import { serveStart } from './serve-start.ts'
import { tracingBench } from './tracing.ts'
import { vsSeed } from './vs-seed.ts'
import { workersBench } from './workers.ts'

const benches: Record<string, () => Promise<Record<string, unknown>>> = {
  'predict-vs-bare': predictVsBare,
  'audit-append': auditAppend,
  'fhir-features': fhirFeatures,
  'model-plugins': modelPlugins,
  'model-remote': modelRemoteBench,
  'phi-deid': phiDeid,
  'phi-real': phiReal,
  monitoring: monitoringBench,
  runtimes: runtimesBench,
  'cds-hooks': cdsHooksBench,
  'serve-start': serveStart,
  workers: workersBench,
  population: populationBench,
  tracing: tracingBench,
}
// Opt-in: named on the command line only (the seed's Python stack; a profiling run).
const optIn: Record<string, () => Promise<Record<string, unknown>>> = { 'vs-seed': vsSeed, profile: profilePredict }

const only = process.argv.slice(2)
for (const [name, bench] of [...Object.entries(benches), ...Object.entries(optIn)]) {
  if (only.length ? !only.includes(name) : name in optIn) continue
  const result = await bench()
  console.log(JSON.stringify({ bench: name, ...result }))
}
