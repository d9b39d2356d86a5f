import { createRequire } from 'node:module'
import { isAbsolute, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { definePlugin, NexoraError, type ModelPlugin, type Plugin } from '../core/index.ts'

const isPlugin = (value: unknown): value is Plugin =>
  typeof value === 'object' && value !== null && typeof (value as Plugin).name === 'string' && typeof (value as Plugin).provides === 'string'
  && typeof (value as Plugin).setup === 'function'
const isModelPlugin = (value: unknown): value is ModelPlugin =>
  typeof value === 'object' && value !== null && typeof (value as ModelPlugin).kind === 'string' && typeof (value as ModelPlugin).load === 'function'

/** A module's export as plugins: a Plugin, a ModelPlugin (wrapped), a list of them, or a no-argument factory of any of those. */
async function toPlugins(value: unknown, spec: string): Promise<Plugin[]> {
  if (typeof value === 'function') return toPlugins(await (value as () => unknown)(), spec)
  if (Array.isArray(value)) return (await Promise.all(value.map((v) => toPlugins(v, spec)))).flat()
  if (isPlugin(value)) return [value]
  if (isModelPlugin(value)) return [definePlugin({ name: `model-${value.kind}`, provides: 'model', setup: () => value })]
  throw new NexoraError('plugin.invalid', { detail: `plugin module "${spec}" exports no plugin: export default a definePlugin(...), a ModelPlugin, a list, or a factory` })
}

/** A path (`./my-plugin.ts`, relative to `cwd`) or a package name installed where the server runs. */
function specifierUrl(spec: string, cwd: string): string {
  if (spec.startsWith('.') || isAbsolute(spec)) return pathToFileURL(resolve(cwd, spec)).href
  try {
    return pathToFileURL(createRequire(join(cwd, 'package.json')).resolve(spec)).href
  } catch {
    // An import-only package (no "require" condition) resolves through import() itself.
    return spec
  }
}

/**
 * Load the plugin modules the configuration names (`plugins`, `--plugin`), in order. Each module's
 * default export (else its `plugin` or `plugins` export) is a Plugin, a ModelPlugin, a list, or a
 * factory. A module that cannot be loaded stops start-up with `plugin.invalid`, naming it.
 * @example const plugins = await loadPluginModules(['./stumps.ts', 'nexora-plugin-foo'])
 */
export async function loadPluginModules(specs: string[], cwd = process.cwd()): Promise<Plugin[]> {
  const out: Plugin[] = []
  for (const spec of specs) {
    let module: Record<string, unknown>
    try {
      module = await import(specifierUrl(spec, cwd)) as Record<string, unknown>
    } catch (cause) {
      throw new NexoraError('plugin.invalid', { detail: `cannot load plugin module "${spec}": ${(cause as Error).message}`, cause })
    }
    out.push(...await toPlugins(module.default ?? module.plugin ?? module.plugins, spec))
  }
  return out
}
