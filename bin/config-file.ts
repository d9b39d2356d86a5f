import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { checkConfig, loadConfig, type ConfigCheck, type ServerConfig, type ServerConfigInput } from '../core/index.ts'
import { UsageError } from './args.ts'

/** The configuration file `nexora serve` reads when `--config` and `NEXORA_CONFIG` name none, if it exists. */
export const DEFAULT_CONFIG_FILE = 'nexora.config.json'
/** Tried after the JSON file: a module whose default export is the configuration (`.ts` in an ESM package, else `.mts`). */
const DEFAULT_CONFIG_MODULES = ['nexora.config.ts', 'nexora.config.mts']
const MODULE = /\.(ts|mts|js|mjs)$/

/** A configuration module's default export (the schema still checks it, as it checks a JSON file). */
async function importConfig(path: string): Promise<ConfigFile> {
  try {
    return { file: ((await import(pathToFileURL(resolve(path)).href)) as { default?: unknown }).default, source: path }
  } catch (error) {
    throw new UsageError(`cannot load the configuration module ${path}: ${(error as Error).message}`)
  }
}

export interface ConfigFile {
  /** The parsed JSON, or undefined without a file. */
  file?: unknown
  /** Its path as given, for messages. */
  source?: string
}

/**
 * The configuration file: `--config FILE`, else `NEXORA_CONFIG`, else `nexora.config.json` (or
 * `nexora.config.ts`) in the working directory when there is one. JSON, or a module whose default
 * export is the configuration. A named file that is missing or not JSON is a usage error.
 */
export async function readConfigFile(flag: string | undefined, env = process.env): Promise<ConfigFile> {
  const named = flag ?? env.NEXORA_CONFIG
  const path = named ?? [DEFAULT_CONFIG_FILE, ...DEFAULT_CONFIG_MODULES].find((file) => existsSync(file))
  if (!path) return {}
  if (MODULE.test(path)) return importConfig(path)
  let text: string
  try {
    text = await readFile(resolve(path), 'utf8')
  } catch {
    throw new UsageError(`cannot read the configuration file ${path}`)
  }
  try {
    return { file: JSON.parse(text) as unknown, source: path }
  } catch (error) {
    throw new UsageError(`${path} is not JSON: ${(error as Error).message}`)
  }
}

/** Check a configuration as `nexora serve` would load it: file, then `NEXORA_*` environment, then flags. */
export async function checkServeConfig(flag: string | undefined, overrides?: ServerConfigInput): Promise<ConfigCheck & { source?: string }> {
  const { file, source } = await readConfigFile(flag)
  return { ...checkConfig({ file, get: (name) => process.env[name], overrides }), source }
}

/** The configuration `nexora serve` runs with; an invalid one throws `config.invalid` with every issue. */
export async function loadServeConfig(flag: string | undefined, overrides?: ServerConfigInput): Promise<ServerConfig> {
  const { file, source } = await readConfigFile(flag)
  return loadConfig({ file, source: source ?? 'environment', get: (name) => process.env[name], overrides })
}
