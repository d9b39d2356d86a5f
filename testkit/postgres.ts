import { execFileSync, spawn } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'

/** Debian's PostgreSQL binaries (initdb, pg_ctl), or a clear error naming the missing package. */
function binDir(): string {
  const root = '/usr/lib/postgresql'
  const version = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a))[0] : undefined
  const dir = version && join(root, version, 'bin')
  if (!dir || !existsSync(join(dir, 'initdb'))) throw new Error('PostgreSQL server binaries not found: install Debian\'s "postgresql" package (.ci/run does)')
  return dir
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })

/** initdb refuses to run as root: run the server binaries as the postgres user when we are root. */
const asServerUser = (cmd: string, args: string[]) =>
  process.getuid?.() === 0 ? (['runuser', ['-u', 'postgres', '--', cmd, ...args]] as const) : ([cmd, args] as const)

export interface PostgresServer {
  port: number
  /** A fresh, empty database, and its URL. */
  createDatabase(): Promise<string>
  /** `pg_ctl restart -m fast`: every session is terminated, and it resolves once the server accepts connections again. */
  restart(): Promise<void>
  /** `pg_ctl stop -m fast`, keeping the data: the server is down until `resume`. */
  pause(): Promise<void>
  /** `pg_ctl start` on the same port and data after `pause`; resolves once it accepts connections. */
  resume(): Promise<void>
  /** `pg_terminate_backend` on every other session connected to the database `url` names; resolves with how many it ended. */
  terminateSessions(url: string): Promise<number>
  stop(): Promise<void>
}

/** Start a throwaway PostgreSQL server on a free port in a temporary directory (initdb + pg_ctl). */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = binDir()
  const dir = mkdtempSync(join(tmpdir(), 'nexora-pg-'))
  if (process.getuid?.() === 0)
    chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()))
  const data = join(dir, 'data')
  const [initCmd, initArgs] = asServerUser(join(bin, 'initdb'), ['-D', data, '-U', 'nexora', '--auth=trust', '--no-sync', '-E', 'UTF8'])
  execFileSync(initCmd, initArgs, { stdio: 'ignore' })
  // A port found free may be taken before the server binds it (another test's listener, or any
  // outgoing connection's ephemeral port): start again on another one.
  let port = 0
  let startArgs: string[] = []
  for (let attempt = 1; ; attempt++) {
    port = await freePort()
    startArgs = ['-D', data, '-l', join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']
    const [ctlCmd, ctlArgs] = asServerUser(join(bin, 'pg_ctl'), startArgs)
    try {
      execFileSync(ctlCmd, ctlArgs, { stdio: 'ignore' })
      break
    } catch (error) {
      if (attempt >= 5) throw error
    }
  }
  const ctl = async (args: string[]) => {
    const [cmd, full] = asServerUser(join(bin, 'pg_ctl'), args)
    const code = await new Promise((resolve) => spawn(cmd, full, { stdio: 'ignore' }).once('exit', resolve))
    if (code !== 0) throw new Error(`pg_ctl ${args.at(-1)} exited with ${code}`)
  }
  let n = 0
  return {
    port,
    async createDatabase() {
      const name = `t${process.pid}_${n++}`
      const client = new pg.Client({ host: '127.0.0.1', port, user: 'nexora', database: 'postgres' })
      await client.connect()
      await client.query(`CREATE DATABASE ${name}`)
      await client.end()
      return `postgres://nexora@127.0.0.1:${port}/${name}`
    },
    restart: () => ctl(['-D', data, '-l', join(dir, 'log'), '-m', 'fast', '-w', 'restart']),
    pause: () => ctl(['-D', data, '-m', 'fast', '-w', 'stop']),
    resume: () => ctl(startArgs),
    async terminateSessions(url) {
      const client = new pg.Client({ host: '127.0.0.1', port, user: 'nexora', database: 'postgres' })
      await client.connect()
      try {
        const { rows } = await client.query('SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [
          new URL(url).pathname.slice(1),
        ])
        return rows.filter((r: { ended: boolean }) => r.ended).length
      } finally {
        await client.end()
      }
    },
    async stop() {
      const [cmd, args] = asServerUser(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop'])
      await new Promise((resolve) => spawn(cmd, args, { stdio: 'ignore' }).once('exit', resolve))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
