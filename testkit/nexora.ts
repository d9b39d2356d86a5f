import {
  createLogger,
  createNexora,
  definePlugin,
  memoryAuditSink,
  memoryModelStore,
  type ComplianceStage,
  type NexoraConfig,
  type Plugin,
} from '../core/index.ts'
import { toyFiles, toyManifest, toyPlugin } from './models.ts'

/** A Nexora on memory ports with the toy model registered and in production. */
export async function toyNexora(config: NexoraConfig = {}, stages: ComplianceStage[] = [], extra: Plugin[] = []) {
  const logs: string[] = []
  const audit = memoryAuditSink()
  const store = memoryModelStore()
  const nexora = await createNexora({
    plugins: [
      definePlugin({ name: 'store', provides: 'modelStore', setup: () => store }),
      definePlugin({ name: 'audit', provides: 'auditSink', setup: () => audit }),
      definePlugin({ name: 'toy', provides: 'model', setup: () => toyPlugin() }),
      definePlugin({ name: 'captured-logs', provides: 'logger', setup: () => createLogger({ write: (line) => logs.push(line) }) }),
      ...stages.map((s) => definePlugin({ name: `stage-${s.name}`, provides: 'complianceStage', setup: () => s })),
      ...extra,
    ],
    config: { resolveTtlMs: 0, ...config },
  })
  await nexora.registry.register(toyManifest('1.0.0'), toyFiles())
  await nexora.registry.promote('toy', '1.0.0', 'production')
  return { nexora, audit, store, logs }
}

export const post = (path: string, body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
})
