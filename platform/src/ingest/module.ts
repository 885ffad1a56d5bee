import type { PlatformModule } from '../platform-module';
import { CATALOG_SERVICE } from '../catalog/service';
import { JOBS_SERVICE } from '../jobs/module';
import { PROVENANCE_SERVICE } from '../provenance/store';
import { registerPublishingRoutes } from './publishing';

/**
 * Publishing over HTTP as a platform module: new dataset versions from a request body or a job's
 * files. After the catalog, jobs and provenance modules, whose services it uses.
 */
export const publishingModule: PlatformModule = {
  name: 'publishing',
  routes(app, ctx) {
    const jobs = ctx.services.get(JOBS_SERVICE);
    const provenance = ctx.services.get(PROVENANCE_SERVICE);
    registerPublishingRoutes(app, {
      home: ctx.home,
      catalog: ctx.services.require(CATALOG_SERVICE),
      ...(jobs ? { jobs } : {}),
      ...(provenance ? { provenance } : {})
    });
  }
};
