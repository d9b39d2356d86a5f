/** `npm run bench`: every benchmark, each reported as a ratio against a baseline from the same run. */
import { auditAppend } from './audit-append.ts'
import { cdsHooksBench } from './cds-hooks.ts'
import { fhirFeatures } from './fhir-features.ts'
import { modelPlugins } from './model-plugins.ts'
import { monitoringBench } from './monitoring.ts'
import { phiDeid } from './phi-deid.ts'
import { phiReal } from './phi-real.ts'
import { predictVsBare } from './predict-vs-bare.ts'
import { runtimesBench } from './runtimes.ts'

const benches: Record<string, () => Promise<Record<string, unknown>>> = {
  'predict-vs-bare': predictVsBare,
  'audit-append': auditAppend,
  'fhir-features': fhirFeatures,
  'model-plugins': modelPlugins,
  'phi-deid': phiDeid,
  'phi-real': phiReal,
  monitoring: monitoringBench,
  runtimes: runtimesBench,
  'cds-hooks': cdsHooksBench,
}

const only = process.argv.slice(2)
for (const [name, bench] of Object.entries(benches)) {
  if (only.length && !only.includes(name)) continue
  const result = await bench()
  console.log(JSON.stringify({ bench: name, ...result }))
}
