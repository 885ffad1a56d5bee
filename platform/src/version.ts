// The platform version, from its package.json (read once at load).
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const PLATFORM_VERSION: string = (require('../package.json') as { version: string }).version;
