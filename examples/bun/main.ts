/** `bun run examples/bun/main.ts`: Nexora on Bun with the committed demo models; see README.md. */
import { serveBun } from '../../adapters/bun.ts'
import { importModels } from '../../bin/demo-models.ts'
import { webUiFromEnv } from '../../plugins/web-ui/index.ts'
import { folderFiles } from '../../plugins/web-ui/node.ts'

// serveBun reads PORT, HOST, NEXORA_DB and the NEXORA_JWT* / NEXORA_JWKS settings from Bun.env.
const { url } = await serveBun({
  prepare: async (nexora) => { await importModels(nexora) },
  // The web UI (site/dist, `npm run build:site`) when NEXORA_OIDC_ISSUER and NEXORA_OIDC_CLIENT_ID are set.
  plugins: webUiFromEnv((n) => process.env[n], folderFiles(new URL('../../site/dist/', import.meta.url).pathname)),
})
console.log(`listening on ${url}`)
