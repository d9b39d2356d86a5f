/**
 * Every error code Nexora can raise: core's, plus each plugin's `errors.ts`, found on disk so a
 * new plugin's codes are covered (by the docs and gRPC tests) without editing any list.
 */
import { readdirSync } from 'node:fs'
import { errorCodes, type ErrorCode, type ErrorInfo } from '../core/index.ts'

const PLUGINS = new URL('../plugins/', import.meta.url)

/** Which plugins keep an `errors.ts`. */
export const pluginsWithErrors = (): string[] =>
  readdirSync(PLUGINS, { withFileTypes: true }).filter((d) => d.isDirectory() && readdirSync(new URL(`${d.name}/`, PLUGINS)).includes('errors.ts')).map((d) => d.name)

/**
 * Load every plugin's codes and return the whole registry.
 * @example
 * for (const [code, { status }] of await allErrorCodes()) expect(status).toBeGreaterThanOrEqual(400)
 */
export async function allErrorCodes(): Promise<ReadonlyMap<ErrorCode, Readonly<ErrorInfo>>> {
  for (const plugin of pluginsWithErrors()) await import(new URL(`${plugin}/errors.ts`, PLUGINS).href)
  return errorCodes()
}
