/** `node --import tsx examples/node-server/main.ts`: Nexora on Node with the committed demo models; see README.md. */
import { serveNode } from '../../adapters/node.ts'
import { importModels } from '../../bin/demo-models.ts'
import { serverAuthFromEnv } from '../../plugins/auth-jwt/server-auth.ts'

// serveNode takes its settings as options; this script reads the same variables the Deno and Bun adapters do,
// and authenticates as they do: the configured key set, or in dev mode a local dev key (never unverified tokens).
const env = (name: string) => process.env[name]
const auth = await serverAuthFromEnv(env)
const { url } = await serveNode({
  port: Number(env('PORT') ?? 8000), host: env('HOST'), db: env('NEXORA_DB'),
  plugins: [auth.plugin], prepare: async (nexora) => { await importModels(nexora) },
})
console.error(auth.banner)
console.log(`listening on ${url}`)
