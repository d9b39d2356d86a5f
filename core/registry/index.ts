export { createRegistry, parseModelRef, ALIASES, type Alias, type ModelRegistry, type ModelSummary, type RegistryOptions, type VersionRef } from './registry.ts'
export { ModelManifestSchema, FeatureDefSchema, OutputDefSchema } from './manifest-schema.ts'
export { hashFiles } from './integrity.ts'
export { ensureRegistered } from './ensure-registered.ts'
