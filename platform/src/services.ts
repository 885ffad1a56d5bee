/**
 * A typed name for a service that one platform module provides and others use, as JupyterLab's
 * `Token`: whoever holds the key gets the service's type, so no caller casts.
 */
export class ServiceKey<T> {
  /** Only for the type checker: keys of different services are not interchangeable. */
  declare private readonly service: T;

  constructor(readonly name: string) {}
}

/**
 * The services the modules of one platform publish for each other (per platform, so several
 * platforms in one process share nothing). Modules run in dependency order: a module may
 * `require` what a module before it provided.
 */
export class PlatformServices {
  private readonly byKey = new Map<ServiceKey<unknown>, unknown>();

  provide<T>(key: ServiceKey<T>, service: T): void {
    if (this.byKey.has(key)) throw new Error(`platform service "${key.name}" is provided twice`);
    this.byKey.set(key, service);
  }

  /** The service, or undefined when no module provides it (an optional dependency). */
  get<T>(key: ServiceKey<T>): T | undefined {
    // Sound by construction: `provide` stored a T under this key.
    return this.byKey.get(key) as T | undefined;
  }

  require<T>(key: ServiceKey<T>): T {
    const service = this.get(key);
    if (service === undefined) throw new Error(`platform service "${key.name}" is not provided; check module order`);
    return service;
  }
}
