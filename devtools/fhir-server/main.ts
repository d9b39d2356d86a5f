/**
 * Serve the synthetic cohort for manual use:
 *   node --import tsx devtools/fhir-server/main.ts [port=8080] [patients=200]
 * Open by default; set DEV_FHIR_TOKEN to require `Authorization: Bearer $DEV_FHIR_TOKEN`.
 * DEV_FHIR_POPULATION=100000 serves a generated population instead (population.ts: Bulk Data
 * `$export` streams it, nothing is held), seeded by DEV_FHIR_SEED, dated DEV_FHIR_NOW (default today).
 */
import { serve } from '@hono/node-server'
import { createDevFhirServer } from './server.ts'

const port = Number(process.argv[2] ?? 8080)
const patients = Number(process.argv[3] ?? 200)
const token = process.env.DEV_FHIR_TOKEN
const generated = process.env.DEV_FHIR_POPULATION ? Number(process.env.DEV_FHIR_POPULATION) : undefined
const population =
  generated === undefined
    ? undefined
    : {
        patients: generated,
        ...(process.env.DEV_FHIR_SEED ? { seed: Number(process.env.DEV_FHIR_SEED) } : {}),
        ...(process.env.DEV_FHIR_NOW ? { now: process.env.DEV_FHIR_NOW } : {}),
      }
const { app, store } = createDevFhirServer({
  ...(population ? { population } : { cohort: { patients } }),
  ...(token ? { staticTokens: [token] } : {}),
})

serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => {
  const served = population ? `a generated population of ${population.patients} patients` : `${patients} patients`
  console.log(`dev FHIR server: http://127.0.0.1:${info.port} (${served}, ${store.count()} resources${token ? ', bearer token required' : ''})`)
  console.log(`  try: curl http://127.0.0.1:${info.port}/Patient/${population ? 'pp-000001' : 'pt-0001'}/\\$everything?_count=5`)
})
