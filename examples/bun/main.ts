/** `bun run examples/bun/main.ts`: Nexora on Bun with the committed demo models; see README.md. */
import { serveBun } from '../../adapters/bun.ts'
import { importModels } from '../../bin/demo-models.ts'

// serveBun reads PORT, HOST, NEXORA_DB and the NEXORA_JWT* / NEXORA_JWKS settings from Bun.env.
const { url } = await serveBun({ prepare: async (nexora) => { await importModels(nexora) } })
console.log(`listening on ${url}`)
