import type { Context } from 'hono'
import type { AppEnv } from '../../core/index.ts'

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])
const LOOPBACK_IP = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/

/** Is this socket address a loopback one (IPv4 127/8, IPv6 ::1, IPv4-mapped 127/8)? */
export const isLoopbackAddress = (ip: string | undefined): boolean => ip !== undefined && LOOPBACK_IP.test(ip)

/**
 * The host a `Host` header names, lower-cased and without its port (`LOCALHOST:8000` → `localhost`,
 * `[::1]:8000` → `[::1]`); undefined when there is none or it is not a bare host.
 */
export function hostOf(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::\d{1,5})?$/i.exec(header.trim())
  return match ? match[1]!.toLowerCase() : undefined
}

/**
 * The socket's local address where the runtime exposes it: @hono/node-server passes the Node
 * request as `c.env.incoming` (the same binding its getConnInfo reads). Undefined elsewhere.
 */
function localAddressOf(c: Context<AppEnv>): string | undefined {
  const env = c.env as { incoming?: { socket?: { localAddress?: unknown } }; server?: { incoming?: { socket?: { localAddress?: unknown } } } } | undefined
  const address = (env?.server ?? env)?.incoming?.socket?.localAddress
  return typeof address === 'string' ? address : undefined
}

/**
 * True only for a browser on this machine talking to a server bound to it. Every one of these
 * must hold, because each alone is forgeable:
 * - the client address is loopback (a server started with `--host 0.0.0.0` stays closed to the network);
 * - the socket's local address, where the runtime tells it, is loopback;
 * - the `Host` header names a loopback host (a DNS-rebinding page sends its own name);
 * - the request URL's host does too: an absolute-form target (`GET http://localhost/… HTTP/1.1`)
 *   sets the URL in node-server whatever the Host header says, so neither is trusted alone.
 */
export function isLoopbackRequest(c: Context<AppEnv>, clientIp: string | undefined): boolean {
  const local = localAddressOf(c)
  const header = hostOf(c.req.header('host'))
  const url = new URL(c.req.url).hostname.toLowerCase()
  return (
    isLoopbackAddress(clientIp) &&
    (local === undefined || isLoopbackAddress(local)) &&
    header !== undefined &&
    LOOPBACK_HOSTS.has(header) &&
    LOOPBACK_HOSTS.has(url)
  )
}
