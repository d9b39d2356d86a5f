/**
 * Every error code Nexora can raise: core's, plus each plugin's `errors.ts`, found on disk so a
 * new plugin's codes are covered (by the docs and gRPC tests) without editing any list.
 */
import { readdirSync } from 'node:fs'
import { CORE_ERROR_CODES, type ErrorCode, type ErrorInfo } from '../core/index.ts'

const PLUGINS = new URL('../plugins/', import.meta.url)

/** Which plugins keep an `errors.ts`. */
export const pluginsWithErrors = (): string[] =>
  readdirSync(PLUGINS, { withFileTypes: true })
    .filter((d) => d.isDirectory() && readdirSync(new URL(`${d.name}/`, PLUGINS)).includes('errors.ts'))
    .map((d) => d.name)

/**
 * Core's codes and every plugin's, read from the tables the modules export rather than from the
 * process-wide registry, so a code a test registers for itself never shows up here.
 * @example
 * for (const [code, { status }] of await allErrorCodes()) expect(status).toBeGreaterThanOrEqual(400)
 */
export async function allErrorCodes(): Promise<ReadonlyMap<ErrorCode, Readonly<ErrorInfo>>> {
  const codes = new Map(Object.entries(CORE_ERROR_CODES) as [ErrorCode, ErrorInfo][])
  for (const plugin of pluginsWithErrors()) {
    const module = (await import(new URL(`${plugin}/errors.ts`, PLUGINS).href)) as Record<string, Record<string, ErrorInfo>>
    for (const table of Object.values(module)) for (const [code, info] of Object.entries(table)) codes.set(code as ErrorCode, info)
  }
  return codes
}
