/**
 * Serve the synthetic cohort for manual use:
 *   node --import tsx devtools/fhir-server/main.ts [port=8080] [patients=200]
 * Open by default; set DEV_FHIR_TOKEN to require `Authorization: Bearer $DEV_FHIR_TOKEN`.
 */
import { serve } from '@hono/node-server'
import { createDevFhirServer } from './server.ts'

const port = Number(process.argv[2] ?? 8080)
const patients = Number(process.argv[3] ?? 200)
const token = process.env.DEV_FHIR_TOKEN
const { app, store } = createDevFhirServer({ cohort: { patients }, ...(token ? { staticTokens: [token] } : {}) })

serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => {
  console.log(`dev FHIR server: http://127.0.0.1:${info.port} (${patients} patients, ${store.count()} resources${token ? ', bearer token required' : ''})`)
  console.log(`  try: curl http://127.0.0.1:${info.port}/Patient/pt-0001/\\$everything?_count=5`)
})
