#!/usr/bin/env node
// The `nexora` command. Sources are TypeScript with explicit .ts imports (so Deno and Bun run
// them as they are); on Node, tsx's loader is registered first.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('./cli.ts')
process.exitCode = await main(process.argv.slice(2))
