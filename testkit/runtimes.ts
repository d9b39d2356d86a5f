/**
 * The server runtimes Nexora ships an entry script for, each as a descriptor: which binary runs
 * which script with which flags. The runtime runners and bench/runtimes.ts iterate this list;
 * another runtime (workerd) joins by adding a descriptor with its own `start`.
 */
import { findBinary, spawnRuntime, type RuntimeProcess } from './runtime-process.ts'
import { startWorkerdServer } from './workerd.ts'

/** What every runtime's server gives back: a spawned binary's RuntimeProcess, or e.g. a Miniflare worker. */
export interface RuntimeServer {
  url: string
  close(): Promise<void>
}

export interface RuntimeDescriptor<S extends RuntimeServer = RuntimeProcess> {
  name: string
  /** Start the runtime's server with `env` added (auth, log level), its data in `dir` if given; resolves once it is listening. */
  start(env?: Record<string, string>, dir?: string): Promise<S>
}

/**
 * The least Deno needs to serve with libSQL. `sys`: @libsql/client picks its glibc/musl addon via
 * detect-libc, which calls process.report.getReport() (cpus, network interfaces, host name).
 * `ffi`: the addon itself. `read`: the repository (code, node_modules, models) and the data folder;
 * `write`: only the data folder. `net` and `env` stay open: a JWKS URL or a FHIR server may be
 * anywhere, and a name missing from an env allow-list throws. deno.json's `start` task mirrors this.
 */
export const denoFlags = (dataDir: string) => [
  '--no-prompt',
  '--allow-net',
  '--allow-env',
  `--allow-read=.,${dataDir}`,
  `--allow-write=${dataDir}`,
  '--allow-ffi=node_modules/@libsql',
  '--allow-sys=cpus,networkInterfaces,hostname',
]

export const node: RuntimeDescriptor = {
  name: 'node',
  start: (env, dir) =>
    spawnRuntime({
      name: 'node',
      dir,
      command: process.execPath,
      env,
      args: () => ['--import', 'tsx', 'examples/node-server/main.ts'],
    }),
}

export const deno: RuntimeDescriptor = {
  name: 'deno',
  start: async (env, dir) =>
    spawnRuntime({
      name: 'deno',
      dir,
      env: { DENO_NO_UPDATE_CHECK: '1', ...env },
      command: findBinary(
        'deno',
        ['node_modules/.bin/deno', `node_modules/@deno/${process.platform}-${process.arch}-glibc/deno`],
        'It comes from the `deno` devDependency: run `npm install` (without --ignore-scripts).',
      ),
      args: (dataDir) => ['run', ...denoFlags(dataDir), 'examples/deno/main.ts'],
    }),
}

export const bun: RuntimeDescriptor = {
  name: 'bun',
  start: async (env, dir) =>
    spawnRuntime({
      name: 'bun',
      dir,
      env,
      // bun's postinstall moves the platform binary to bun/bin/bun.exe; without it, the package still holds it.
      command: findBinary(
        'bun',
        ['node_modules/.bin/bun', `node_modules/@oven/bun-${process.platform}-${process.arch}/bin/bun`],
        'It comes from the `bun` devDependency: run `npm install`.',
      ),
      args: () => ['run', 'examples/bun/main.ts'],
    }),
}

/** workerd through Miniflare: the example Worker on a real port, with a local D1 database. */
export const workerd: RuntimeDescriptor<RuntimeServer> = { name: 'workerd', start: (env) => startWorkerdServer(env) }

/** Every server runtime, Node first: benchmarks report the others as ratios to it. */
export const RUNTIMES: RuntimeDescriptor<RuntimeServer>[] = [node, deno, bun, workerd]
