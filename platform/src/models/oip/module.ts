import type { PlatformModule } from '../../platform-module';
import { MODEL_SERVICE } from '../service';
import { RegistryServedModels } from './registry-served';
import { oipRoutes } from './serve';

/**
 * The platform's registered models over the Open Inference Protocol v2 (`/v2/...`), through the
 * model service the `/api/models` routes use. After the models module (it needs its service).
 */
export const oipModule: PlatformModule = {
  name: 'oip',
  routes(app, ctx) {
    oipRoutes(app, new RegistryServedModels(ctx.services.require(MODEL_SERVICE)), {
      name: 'genesis-lab',
      version: ctx.version,
      ready: () => true
    });
  }
};
