/** `node --import tsx examples/node-server/main.ts`: Nexora on Node with the committed demo models; see README.md. */
import { serveNode } from '../../adapters/node.ts'
import { importModels } from '../../bin/demo-models.ts'
import { jwtAuthFromEnv } from '../../plugins/auth-jwt/index.ts'

// serveNode takes its settings as options; this script reads the same variables the Deno and Bun adapters do.
const env = (name: string) => process.env[name]
const auth = jwtAuthFromEnv(env)
const { url } = await serveNode({
  port: Number(env('PORT') ?? 8000), host: env('HOST'), db: env('NEXORA_DB'),
  plugins: auth ? [auth] : [], prepare: async (nexora) => { await importModels(nexora) },
})
console.log(`listening on ${url}`)
