/**
 * The plugin's second public entry, for server runtimes with node:fs (Node, Deno, Bun): serving
 * the built site from a folder. Kept out of index.ts so a Worker bundle never reaches node:fs;
 * only adapters/ and bin/ import it (the dependency rules say so).
 *
 * @example
 * import { folderFiles } from 'nexora/plugins/web-ui/node'
 * webUi({ files: folderFiles('site/dist') })
 */
export * from './node-files.ts'
