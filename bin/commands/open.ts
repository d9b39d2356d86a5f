import { createHash } from 'node:crypto'
import { createNexora, type Nexora, type NexoraConfig, type Plugin } from '../../core/index.ts'
import { sqlStorage } from '../../plugins/storage-sql/index.ts'
import { importModels } from '../demo-models.ts'
import { allModelPlugins } from '../model-kinds.ts'

const sha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest())

/** An in-process Nexora on the same database as `nexora serve`, with the demo models registered. */
export async function openNexora(db: string | undefined, options: { models?: boolean; plugins?: Plugin[]; config?: NexoraConfig } = {}): Promise<Nexora> {
  const nexora = await createNexora({
    plugins: [sqlStorage({ url: db ?? process.env.NEXORA_DB, sha256 }), ...(await allModelPlugins()), ...(options.plugins ?? [])],
    config: { title: 'Nexora CLI', ...options.config },
  })
  if (options.models !== false) await importModels(nexora)
  return nexora
}
