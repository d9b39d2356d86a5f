import { NexoraError } from '../errors.ts'
import type { ModelPlugin } from '../ports/model.ts'
import { definePlugin, type Plugin } from './define-plugin.ts'

const isPlugin = (value: unknown): value is Plugin =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Plugin).name === 'string' &&
  typeof (value as Plugin).provides === 'string' &&
  typeof (value as Plugin).setup === 'function'
const isModelPlugin = (value: unknown): value is ModelPlugin =>
  typeof value === 'object' && value !== null && typeof (value as ModelPlugin).kind === 'string' && typeof (value as ModelPlugin).load === 'function'

async function toPlugins(value: unknown, spec: string): Promise<Plugin[]> {
  if (typeof value === 'function') return toPlugins(await (value as () => unknown)(), spec)
  if (Array.isArray(value)) return (await Promise.all(value.map((v) => toPlugins(v, spec)))).flat()
  if (isPlugin(value)) return [value]
  if (isModelPlugin(value)) return [definePlugin({ name: `model-${value.kind}`, provides: 'model', setup: () => value })]
  throw new NexoraError('plugin.invalid', {
    detail: `plugin module "${spec}" exports no plugin: export default a definePlugin(...), a ModelPlugin, a list, or a factory`,
  })
}

/**
 * The plugins a module named in the configuration's `plugins` provides. Its default export (else
 * `plugin` or `plugins`) is a Plugin, a ModelPlugin (installed as `model-<kind>`), a list of them,
 * or a no-argument factory of any of those. Importing the module is the runtime's job.
 * @example const plugins = await pluginsFromModule(await import(url), './stumps.ts')
 */
export function pluginsFromModule(module: Record<string, unknown>, spec: string): Promise<Plugin[]> {
  return toPlugins(module.default ?? module.plugin ?? module.plugins, spec)
}
