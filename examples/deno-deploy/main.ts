/**
 * Nexora on Deno Deploy: `deno serve examples/deno-deploy/main.ts` (locally) or the same file as a
 * Deploy entry point. Deploy has no writable file system and loads no native addons, so there is no
 * libSQL file as in examples/deno: the demo model is bundled (models/readmission-risk/bundled.ts),
 * and the store is PostgreSQL when NEXORA_DB is a postgres:// URL, else memory (a demo: the audit
 * trail then lasts as long as the isolate). Like a Worker it is public: without NEXORA_JWKS (or
 * NEXORA_JWKS_URL), NEXORA_JWT_ISSUERS and NEXORA_JWT_AUDIENCE every request is refused.
 */
import {
  createNexora,
  ensureRegistered,
  lazy,
  loadConfig,
  memoryStorage,
  nexoraConfigFrom,
  NexoraError,
  problemResponse,
  toNexoraError,
} from '../../core/index.ts'
import { readmissionRisk } from '../../models/readmission-risk/bundled.ts'
import { jwtAuthFromConfig } from '../../plugins/auth-jwt/index.ts'
import { linearModel } from '../../plugins/model-linear/index.ts'
import { sqlStorage } from '../../plugins/storage-sql/index.ts'

// The slice of Deno's API used here, declared locally so the file typechecks under Node's types too.
declare const Deno: { env: { get(name: string): string | undefined } }
interface ServeInfo {
  remoteAddr: { hostname: string }
}

/** One Nexora per isolate, built on the first request; a failed start is retried by the next. */
const start = lazy(async () => {
  const settings = loadConfig({ get: (name) => Deno.env.get(name), source: 'the Deno Deploy environment' })
  const auth = jwtAuthFromConfig(settings.auth)
  if (!auth) throw new NexoraError('plugin.invalid', { detail: 'set NEXORA_JWKS (or NEXORA_JWKS_URL), NEXORA_JWT_ISSUERS and NEXORA_JWT_AUDIENCE' })
  const url = Deno.env.get('NEXORA_DB')
  const storage = url?.startsWith('postgres') ? sqlStorage({ url }) : memoryStorage()
  const nexora = await createNexora({
    plugins: [storage, linearModel(), auth],
    config: { ...nexoraConfigFrom(settings), getClientIp: (c) => (c.env as ServeInfo | undefined)?.remoteAddr?.hostname },
  })
  await ensureRegistered(nexora.registry, readmissionRisk.manifest, readmissionRisk.files)
  return nexora
})

export default {
  async fetch(request: Request, info: ServeInfo): Promise<Response> {
    try {
      return (await start()).fetch(request, info)
    } catch (error) {
      const problem = toNexoraError(error)
      console.error(JSON.stringify({ event: 'nexora.start_failed', code: problem.code }))
      return problemResponse(problem)
    }
  },
}
