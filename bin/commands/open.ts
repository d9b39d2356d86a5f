import { createNexora, type Nexora } from '../../core/index.ts'
import { linearModel } from '../../plugins/model-linear/index.ts'
import { sqlStorage } from '../../plugins/storage-sql/index.ts'
import { importModels } from '../demo-models.ts'

/** An in-process Nexora on the same database as `nexora serve`, with the demo models registered. */
export async function openNexora(db: string | undefined): Promise<Nexora> {
  const nexora = await createNexora({
    plugins: [sqlStorage({ url: db ?? process.env.NEXORA_DB }), linearModel()],
    config: { title: 'Nexora CLI' },
  })
  await importModels(nexora)
  return nexora
}
