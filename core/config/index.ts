/** One configuration for `nexora serve` and every runtime adapter: schema, environment overrides, loader, redaction. */
export { serverConfigSchema, type ServerConfig, type ServerConfigInput } from './schema.ts'
export { ENV_VARIABLES, type EnvVariable } from './env.ts'
export { checkConfig, loadConfig, type ConfigCheck, type LoadConfigOptions } from './load-config.ts'
export { redactConfig, REDACTED } from './redact.ts'
export { nexoraConfigFrom } from './to-nexora-config.ts'
export { modelSignaturesFrom, withTrustedKeysFile } from './model-keys.ts'
