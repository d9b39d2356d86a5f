import { createRequire } from 'node:module'
import { isAbsolute, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { NexoraError, pluginsFromModule, type Plugin } from '../core/index.ts'

/** A path (`./my-plugin.ts`, relative to `cwd`) or a package name installed where the command runs. */
export function pluginModuleUrl(spec: string, cwd = process.cwd()): string {
  if (spec.startsWith('.') || isAbsolute(spec)) return pathToFileURL(resolve(cwd, spec)).href
  try {
    return pathToFileURL(createRequire(join(cwd, 'package.json')).resolve(spec)).href
  } catch {
    // An import-only package (no "require" condition) resolves through import() itself.
    return spec
  }
}

/** Import a plugin module by path or package name; one that cannot be loaded is `plugin.invalid`, naming it. */
export async function importPluginModule(spec: string, cwd = process.cwd()): Promise<Record<string, unknown>> {
  try {
    return (await import(pluginModuleUrl(spec, cwd))) as Record<string, unknown>
  } catch (cause) {
    throw new NexoraError('plugin.invalid', { detail: `cannot load plugin module "${spec}": ${(cause as Error).message}`, cause })
  }
}

/**
 * Load the plugin modules the command line names (`--plugin`), in order (core's `pluginsFromModule`
 * says what a module may export). The servers load the configuration's `plugins` the same way.
 * @example const plugins = await loadPluginModules(['./stumps.ts', 'nexora-plugin-foo'])
 */
export async function loadPluginModules(specs: string[], cwd = process.cwd()): Promise<Plugin[]> {
  const out: Plugin[] = []
  for (const spec of specs) out.push(...(await pluginsFromModule(await importPluginModule(spec, cwd), spec)))
  return out
}
