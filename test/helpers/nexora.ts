import { createNexora, definePlugin, memoryAuditSink, memoryModelStore, type ComplianceStage, type NexoraConfig } from '../../core/index.ts'
import { toyFiles, toyManifest, toyPlugin } from './models.ts'

/** A Nexora on memory ports with the toy model registered and in production. */
export async function toyNexora(config: NexoraConfig = {}, stages: ComplianceStage[] = []) {
  const audit = memoryAuditSink()
  const store = memoryModelStore()
  const nexora = await createNexora({
    plugins: [
      definePlugin({ name: 'store', provides: 'modelStore', setup: () => store }),
      definePlugin({ name: 'audit', provides: 'auditSink', setup: () => audit }),
      definePlugin({ name: 'toy', provides: 'model', setup: () => toyPlugin() }),
      ...stages.map((s) => definePlugin({ name: `stage-${s.name}`, provides: 'complianceStage', setup: () => s })),
    ],
    config: { resolveTtlMs: 0, ...config },
  })
  await nexora.registry.register(toyManifest('1.0.0'), toyFiles())
  await nexora.registry.promote('toy', '1.0.0', 'production')
  return { nexora, audit, store }
}

export const post = (path: string, body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body),
})
