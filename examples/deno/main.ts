/** `deno task start`: Nexora on Deno with the committed demo models; see README.md. */
import { serveDeno } from '../../adapters/deno.ts'
import { importModels } from '../../bin/demo-models.ts'
import { webUiFromEnv } from '../../plugins/web-ui/index.ts'
import { folderFiles } from '../../plugins/web-ui/node.ts'

// serveDeno reads the one configuration from Deno.env (NEXORA_CONFIG, PORT, HOST, NEXORA_DB, NEXORA_JWKS*, …: docs/configuration.md).
const { url } = await serveDeno({
  prepare: async (nexora) => {
    await importModels(nexora)
  },
  // The web UI (site/dist, `npm run build:site`) when NEXORA_OIDC_ISSUER and NEXORA_OIDC_CLIENT_ID are set.
  plugins: webUiFromEnv((n) => process.env[n], folderFiles(new URL('../../site/dist/', import.meta.url).pathname)),
})
console.log(`listening on ${url}`)
