import { NexoraError } from '../errors.ts'
import { isPort, type MultiPort, type PortMap, type PortName, type SinglePort } from './port-map.ts'

/** What `setup` sees: the configuration and the ports resolved before it. */
export interface PluginContext {
  config: Readonly<Record<string, unknown>>
  /** A port this plugin listed in `requires` (or a core default such as `clock`). */
  get<K extends SinglePort>(port: K): PortMap[K]
  getAll<K extends MultiPort>(port: K): PortMap[K][]
}

export interface Plugin<P extends PortName = PortName> {
  name: string
  provides: P
  requires: readonly PortName[]
  /** Higher wins among providers of one port; the next one is the fallback. Default 0. */
  priority: number
  setup(ctx: PluginContext): PortMap[P] | Promise<PortMap[P]>
}

export interface PluginDefinition<P extends PortName> {
  name: string
  provides: P
  requires?: readonly PortName[]
  priority?: number
  setup(ctx: PluginContext): PortMap[P] | Promise<PortMap[P]>
}

/**
 * Declare a plugin: the one port it provides, the ports it requires, and how to set it up.
 * Heavy engines are imported inside `setup` (or on first use), never at module top level.
 * @example
 * export const clockPlugin = definePlugin({ name: 'fixed-clock', provides: 'clock', setup: () => ({ now: () => 0 }) })
 */
export function definePlugin<P extends PortName>(def: PluginDefinition<P>): Plugin<P> {
  if (!def.name || typeof def.name !== 'string') throw new NexoraError('plugin.invalid', { detail: 'a plugin needs a name' })
  if (!isPort(def.provides)) throw new NexoraError('plugin.invalid', { detail: `plugin "${def.name}" provides unknown port "${String(def.provides)}"` })
  for (const r of def.requires ?? []) {
    if (!isPort(r)) throw new NexoraError('plugin.invalid', { detail: `plugin "${def.name}" requires unknown port "${String(r)}"` })
  }
  if (typeof def.setup !== 'function') throw new NexoraError('plugin.invalid', { detail: `plugin "${def.name}" has no setup()` })
  return Object.freeze({
    name: def.name,
    provides: def.provides,
    requires: Object.freeze([...(def.requires ?? [])]),
    priority: def.priority ?? 0,
    setup: def.setup,
  })
}
