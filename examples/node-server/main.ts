/** `node --import tsx examples/node-server/main.ts`: Nexora on Node with the committed demo models; see README.md. */
import { serveNode } from '../../adapters/node.ts'
import { importModels } from '../../bin/demo-models.ts'
import { loadConfig } from '../../core/index.ts'
import { serverAuth } from '../../plugins/auth-jwt/node.ts'

// The one configuration (the NEXORA_* variables, docs/configuration.md), and authentication as on Deno and Bun:
// the configured key set, or in dev mode a local dev key (never unverified tokens).
const settings = loadConfig({ get: (name) => process.env[name] })
const auth = await serverAuth(settings)
const { url } = await serveNode({
  settings,
  plugins: [auth.plugin],
  prepare: async (nexora) => {
    await importModels(nexora)
  },
})
console.error(auth.banner)
console.log(`listening on ${url}`)
