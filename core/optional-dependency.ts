import { NexoraError } from './errors.ts'

/**
 * Heavy engines (tfjs, ONNX Runtime, libSQL, pg, the gRPC stack) are optional peer dependencies:
 * a vendor installs only what its models and storage use. This turns "module not found" for one
 * of them into `dependency.missing`, naming the package to install; any other failure (a broken
 * install, a WASM that will not start) passes through unchanged for the caller to classify.
 * `load` stays a literal `import('pkg')` at the call site so bundlers still see the dependency.
 * Several packages that go together (drizzle-orm and a driver) are named in one install line.
 *
 * @example
 * const ort = await importOptional('onnxruntime-web', () => import('onnxruntime-web/wasm'), 'ONNX models')
 */
export async function importOptional<T>(packages: string | readonly string[], load: () => Promise<T>, neededFor: string): Promise<T> {
  const names = typeof packages === 'string' ? [packages] : packages
  try {
    return await load()
  } catch (error) {
    if (!names.some((pkg) => isMissingModule(error, pkg))) throw error
    const what = names.length === 1 ? `the package "${names[0]}" is not installed` : `it needs the packages ${names.map((n) => `"${n}"`).join(' and ')}`
    throw new NexoraError('dependency.missing', { detail: `${neededFor}: ${what} (npm install ${names.join(' ')})`, cause: error })
  }
}

/** Node (ERR_MODULE_NOT_FOUND), Bun ("Cannot find package") and Deno ("Could not find package") each say it their way. */
function isMissingModule(error: unknown, pkg: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
  if (typeof message !== 'string' || !message.includes(pkg)) return false
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /cannot find (module|package)|could not (find|resolve)/i.test(message)
}
