import { LRUCache } from 'lru-cache'
import semver from 'semver'
import { NexoraError, safeName } from '../errors.ts'
import type { LoadedModel, ModelManifest, ModelPlugin } from '../ports/model.ts'
import type { ModelStore, StoredVersion } from '../ports/model-store.ts'
import type { Clock, MetricsRegistry } from '../ports/runtime.ts'
import { codedModelStore } from './coded-store.ts'
import { withCalibration } from './calibrated-model.ts'
import { checkFiles, hashFiles } from './integrity.ts'
import { ModelManifestSchema } from './manifest-schema.ts'
import { withSpan } from '../tracing.ts'

/** Aliases a caller may name. `latest` is derived (highest non-archived release), the others are stored. */
export const ALIASES = ['production', 'staging', 'latest'] as const
export type Alias = (typeof ALIASES)[number]

export interface ModelSummary {
  name: string
  versions: { version: string; stage: StoredVersion['stage']; createdAt: string; kind: string }[]
  aliases: Partial<Record<Alias, string>>
}

export interface VersionRef {
  version?: string
  alias?: string
}

/** A registry or lifecycle step for the audit trail (the caller adds the time and outcome). */
export type RecordEvent = (event: {
  action: string
  actor: string
  model: string
  version: string
  reason?: string
  context?: Record<string, unknown>
}) => Promise<unknown>

export interface ModelRegistry {
  /** Register a version: validate the manifest, hash the files and store both atomically. `by` is audited. */
  register(manifest: ModelManifest, files: Record<string, Uint8Array>, by?: string): Promise<StoredVersion>
  list(): Promise<ModelSummary[]>
  get(name: string): Promise<ModelSummary>
  getVersion(name: string, version: string): Promise<StoredVersion>
  /** `name@version`, or an alias; with neither, `production` if set, else `latest`. */
  resolve(name: string, ref?: VersionRef): Promise<StoredVersion>
  /** Move the alias (no governance: see createLifecycle for the governed promotion). */
  promote(name: string, version: string, stage: 'staging' | 'production', by?: string): Promise<void>
  archive(name: string, version: string, by?: string): Promise<void>
  /** The cached LoadedModel for a resolved version; concurrent first loads share one load. */
  load(stored: StoredVersion): Promise<LoadedModel>
  /** Run the `verify` hook (e.g. the signature policy) for a purpose; a no-op without one. */
  check(manifest: ModelManifest, purpose: 'load' | 'production'): Promise<void>
  /** Drop a loaded version from memory (its engine is disposed); the next `load` loads it again. */
  evict(name: string, version: string): void
  close(): Promise<void>
}

export interface RegistryOptions {
  store: ModelStore
  plugins: () => ModelPlugin[]
  clock: Clock
  metrics?: MetricsRegistry
  /** How many loaded models stay in memory (LRU). Default 16. */
  cacheSize?: number
  /**
   * How long a resolved `name@ref` is reused before the store is asked again (ms). Keeps
   * storage off the /predict hot path; a promotion made by another replica is seen within it.
   * Default 2000. When a refresh finds the store down, the request fails with
   * `storage.unavailable` (503) rather than reusing the expired entry: the audit trail lives in
   * the same database with every shipped store, so the prediction could not be answered anyway,
   * and an archive or demotion made meanwhile by a replica that can reach the store must take
   * effect within this TTL, not whenever this replica's outage ends.
   */
  resolveTtlMs?: number
  /**
   * Checks a version's manifest before it is loaded (`load`) and before it may serve patients
   * (`production`: promotion and canaries), e.g. its signature; throws a NexoraError to refuse.
   */
  verify?: (manifest: ModelManifest, purpose: 'load' | 'production') => Promise<void>
  /** Audit each register, promote and archive that names who did it (`model.register`, `model.promote`, `model.archive`). */
  record?: RecordEvent
}

/** Parse `name@version` into its parts (the version may also come separately). */
export function parseModelRef(ref: string): { name: string; version?: string } {
  const at = ref.lastIndexOf('@')
  return at > 0 ? { name: ref.slice(0, at), version: ref.slice(at + 1) } : { name: ref }
}

/**
 * The model registry (the seed's ModelRegistry: get_model, register_model, list_models),
 * on top of the ModelStore port, with an LRU of loaded models.
 * @example
 * const registry = createRegistry({ store: memoryModelStore(), plugins: () => [linearModelPlugin], clock: systemClock })
 */
export function createRegistry(options: RegistryOptions): ModelRegistry {
  const { clock } = options
  const store = codedModelStore(options.store)
  const loadSeconds = options.metrics?.histogram('nexora_model_load_seconds', 'Time to load a model version into memory')

  // Registering names a kind (the client's choice: 400 if none serves it); loading a version already
  // registered finds the server short of a plugin, which is its operator's gap to fill, not the caller's.
  const pluginFor = (kind: string, registered?: string) => {
    const plugin = options.plugins().find((p) => p.kind === kind)
    if (plugin) return plugin
    if (!registered) throw new NexoraError('model.kind_unknown', { detail: `no model plugin of kind "${safeName(kind)}" is installed` })
    throw new NexoraError('model.kind_unavailable', {
      detail:
        `${registered} is of kind "${safeName(kind)}", which no loaded plugin serves: install the plugin that provides it and name it in "plugins" ` +
        '(nexora.config.json) or with --plugin; see docs/configuration.md',
    })
  }

  const cache = new LRUCache<string, LoadedModel, StoredVersion>({
    max: options.cacheSize ?? 16,
    dispose: (model) => {
      void model.dispose?.()
    },
    fetchMethod: async (_key, _stale, { context: stored }) => {
      const started = clock.now()
      const files = await store.getFiles(stored.name, stored.version)
      if (!files) throw new NexoraError('model.version_not_found', { detail: `${stored.name}@${stored.version}` })
      await checkFiles(`${stored.name}@${stored.version}`, stored.manifest.files, files)
      // A production version is held to the production rule on every load, not only when promoted: a signature
      // stripped in the database afterwards must not let it load.
      await options.verify?.(stored.manifest, stored.stage === 'production' ? 'production' : 'load')
      try {
        const base = await pluginFor(stored.manifest.kind, `${stored.name}@${stored.version}`).load({ manifest: stored.manifest, files })
        const model = stored.manifest.calibration ? withCalibration(base, stored.manifest.calibration) : base
        loadSeconds?.observe({ model: stored.name, version: stored.version }, (clock.now() - started) / 1000)
        return model
      } catch (cause) {
        if (cause instanceof NexoraError) throw cause
        throw new NexoraError('model.load_failed', { detail: `${stored.name}@${stored.version}`, cause })
      }
    },
  })

  const resolved = new Map<string, { stored: StoredVersion; expires: number }>()
  const ttl = options.resolveTtlMs ?? 2000

  async function versionsOf(name: string) {
    const versions = await store.listVersions(name)
    if (versions.length === 0) throw new NexoraError('model.not_found', { detail: `model "${safeName(name)}" is not registered` })
    return versions
  }

  async function aliasesOf(name: string, versions: StoredVersion[]): Promise<Partial<Record<Alias, string>>> {
    const stored = await store.getAliases(name)
    const live = versions
      .filter((v) => v.stage !== 'archived')
      .map((v) => v.version)
      .sort(semver.rcompare)
    // A release outranks a pre-release for `latest`; a model with only pre-releases gets its highest.
    const latest = live.find((v) => !semver.prerelease(v)) ?? live[0]
    return { ...stored, ...(latest ? { latest } : {}) }
  }

  async function summary(name: string): Promise<ModelSummary> {
    const versions = await versionsOf(name)
    return {
      name,
      versions: versions
        .sort((a, b) => semver.compare(a.version, b.version))
        .map((v) => ({ version: v.version, stage: v.stage, createdAt: v.createdAt, kind: v.manifest.kind })),
      aliases: await aliasesOf(name, versions),
    }
  }

  async function getVersion(name: string, version: string) {
    const found = await store.getVersion(name, version)
    if (found) return found
    await versionsOf(name)
    throw new NexoraError('model.version_not_found', { detail: `model "${safeName(name)}" has no version "${safeName(version)}"` })
  }

  async function resolveUncached(name: string, ref: VersionRef): Promise<StoredVersion> {
    if (ref.version) return getVersion(name, ref.version)
    const aliases = await aliasesOf(name, await versionsOf(name))
    const alias = ref.alias ?? (aliases.production ? 'production' : 'latest')
    if (!(ALIASES as readonly string[]).includes(alias)) throw new NexoraError('request.invalid', { detail: `alias must be one of ${ALIASES.join(', ')}` })
    const version = aliases[alias as Alias]
    if (!version) throw new NexoraError('model.alias_not_found', { detail: `model "${safeName(name)}" has no "${alias}" version` })
    return getVersion(name, version)
  }

  return {
    async register(manifest, files, by) {
      resolved.clear()
      const parsed = ModelManifestSchema.safeParse(manifest)
      if (!parsed.success) {
        throw new NexoraError('model.invalid_manifest', { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) })
      }
      if (!semver.valid(manifest.version)) throw new NexoraError('model.invalid_manifest', { detail: `version "${manifest.version}" is not semver` })
      pluginFor(manifest.kind)
      // A manifest that declares its files' hashes (as models/<id>/manifest.json does) must match them.
      if (manifest.files) await checkFiles(`${manifest.name}@${manifest.version}`, manifest.files, files)
      const withHashes: ModelManifest = { ...manifest, files: await hashFiles(files) }
      await store.putVersion(withHashes, files, new Date(clock.now()).toISOString())
      const stored = await getVersion(manifest.name, manifest.version)
      if (by)
        await options.record?.({ action: 'model.register', actor: by, model: stored.name, version: stored.version, context: { kind: stored.manifest.kind } })
      return stored
    },
    async list() {
      return Promise.all((await store.listModels()).map(summary))
    },
    get: summary,
    getVersion,
    async resolve(name, ref = {}) {
      // The name is the caller's until the store knows it: only a resolved version names its model.
      return withSpan(
        'registry.resolve',
        { 'nexora.alias': ref.alias && (ALIASES as readonly string[]).includes(ref.alias) ? ref.alias : undefined },
        async (span) => {
          const key = `${name}\u0000${ref.version ?? ''}\u0000${ref.alias ?? ''}`
          const hit = resolved.get(key)
          const fresh = hit && hit.expires > clock.now()
          const stored = fresh ? hit.stored : await resolveUncached(name, ref)
          if (!fresh) resolved.set(key, { stored, expires: clock.now() + ttl })
          span.set({ 'nexora.model': stored.name, 'nexora.model_version': stored.version, 'nexora.cache_hit': Boolean(fresh) })
          return stored
        },
      )
    },
    async promote(name, version, stage, by) {
      resolved.clear()
      const target = await getVersion(name, version)
      if (target.stage === 'archived') throw new NexoraError('model.version_archived', { detail: `${safeName(name)}@${safeName(version)}` })
      const previous = (await store.getAliases(name))[stage]
      if (previous && previous !== version) await store.setStage(name, previous, 'none')
      await store.setAlias(name, stage, version)
      await store.setStage(name, version, stage)
      if (by) await options.record?.({ action: 'model.promote', actor: by, model: name, version, context: { stage, previous: previous ?? null } })
    },
    async archive(name, version, by) {
      resolved.clear()
      await getVersion(name, version)
      for (const [alias, pointed] of Object.entries(await store.getAliases(name))) {
        if (pointed === version) await store.setAlias(name, alias, null)
      }
      await store.setStage(name, version, 'archived')
      cache.delete(`${name}@${version}`)
      if (by) await options.record?.({ action: 'model.archive', actor: by, model: name, version, context: {} })
    },
    async load(stored) {
      const key = `${stored.name}@${stored.version}`
      const attributes = { 'nexora.model': stored.name, 'nexora.model_version': stored.version, 'nexora.model_kind': stored.manifest.kind }
      return withSpan('model.load', { ...attributes, 'nexora.cache_hit': cache.has(key) }, async () => {
        if (stored.stage === 'archived') throw new NexoraError('model.version_archived', { detail: key })
        const model = await cache.fetch(key, { context: stored })
        if (!model) throw new NexoraError('model.load_failed', { detail: key })
        return model
      })
    },
    async check(manifest, purpose) {
      await options.verify?.(manifest, purpose)
    },
    evict(name, version) {
      cache.delete(`${name}@${version}`)
    },
    async close() {
      cache.clear()
    },
  }
}
