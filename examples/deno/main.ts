/** `deno task start`: Nexora on Deno with the committed demo models; see README.md. */
import { serveDeno } from '../../adapters/deno.ts'
import { importModels } from '../../bin/demo-models.ts'

// serveDeno reads PORT, HOST, NEXORA_DB and the NEXORA_JWT* / NEXORA_JWKS settings from Deno.env.
const { url } = await serveDeno({ prepare: async (nexora) => { await importModels(nexora) } })
console.log(`listening on ${url}`)
