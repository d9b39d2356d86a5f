/**
 * The package version, as `package.json` says it. A plain module rather than a JSON import, so
 * every runtime and bundler reads it the same way and a Worker bundle does not carry package.json;
 * test/config/version.test.ts fails (naming the fix) when the two differ.
 */
export const VERSION = '0.1.0'
