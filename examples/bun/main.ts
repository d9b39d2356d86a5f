/** `bun run examples/bun/main.ts`: Nexora on Bun with the committed demo models; see README.md. */
import { serveBun } from '../../adapters/bun.ts'
import { importModels } from '../../bin/demo-models.ts'
import { webUiFromEnv } from '../../plugins/web-ui/index.ts'
import { folderFiles } from '../../plugins/web-ui/node.ts'

// serveBun reads the one configuration from Bun.env (NEXORA_CONFIG, PORT, HOST, NEXORA_DB, NEXORA_JWKS*, …: docs/configuration.md).
const { url } = await serveBun({
  prepare: async (nexora) => {
    await importModels(nexora)
  },
  // The web UI (site/dist, `npm run build:site`) when NEXORA_OIDC_ISSUER and NEXORA_OIDC_CLIENT_ID are set.
  plugins: webUiFromEnv((n) => process.env[n], folderFiles(new URL('../../site/dist/', import.meta.url).pathname)),
})
console.log(`listening on ${url}`)
