export { startPlatform, type Platform } from './server';
export { PlatformConfig } from './config';
export { Home } from './home';
export type { PlatformContext, PlatformModule } from './platform-module';
