import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createNexora, modelSignaturesFrom, withTrustedKeysFile, type Nexora, type NexoraConfig, type Plugin } from '../../core/index.ts'
import { sqlStorage } from '../../plugins/storage-sql/index.ts'
import { loadServeConfig } from '../config-file.ts'
import { importModels } from '../demo-models.ts'
import { allModelPlugins } from '../model-kinds.ts'
import { loadPluginModules } from '../plugin-modules.ts'

const sha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest())

export interface OpenOptions {
  /** Register the committed demo models. Default true. */
  models?: boolean
  plugins?: Plugin[]
  /** Plugin modules (`--plugin`) beside the configuration's `plugins`. */
  pluginModules?: string[]
  config?: NexoraConfig
}

/**
 * An in-process Nexora on the same database and with the same plugin modules as `nexora serve`
 * (nexora.config.json or NEXORA_CONFIG, under the NEXORA_* environment), the demo models registered.
 */
export async function openNexora(db: string | undefined, options: OpenOptions = {}): Promise<Nexora> {
  const settings = await withTrustedKeysFile(await loadServeConfig(undefined), (path) => readFile(path, 'utf8'))
  const modules = [...new Set([...settings.plugins, ...(options.pluginModules ?? [])])]
  const nexora = await createNexora({
    plugins: [
      sqlStorage({ url: db ?? settings.storage.url, durability: settings.storage.durability, sha256 }),
      ...(await allModelPlugins()),
      ...(await loadPluginModules(modules)),
      ...(options.plugins ?? []),
    ],
    // The CLI checks model signatures as `nexora serve` does with the same configuration.
    config: { title: 'Nexora CLI', modelSignatures: modelSignaturesFrom(settings), ...options.config },
  })
  if (options.models !== false) await importModels(nexora)
  return nexora
}
