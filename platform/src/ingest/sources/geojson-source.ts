import type { Hash } from 'node:crypto';
import type { ReadProgress, TextScan } from '../source';
import { featureRow, GeometryScan, isFeature, type GeometryShape } from './geojson';
import { JsonSource } from './json-source';

/**
 * A GeoJSON FeatureCollection: each feature is a row (see `featureRow`). How geometries become
 * columns depends on all of them (points become longitude/latitude), so the scan reads the
 * features twice: once for the geometry shape, once for the columns' types.
 */
export class GeoJsonSource extends JsonSource {
  protected override readonly expected = 'a GeoJSON Feature';
  private shape: GeometryShape = { allPoints: true, hasZ: false };

  constructor(file: string) {
    super(file, 'geojson');
  }

  protected override isRow(v: unknown): v is Record<string, unknown> {
    return isFeature(v);
  }

  protected override whereOf(i: number): string {
    return `feature ${i}`;
  }

  protected override rowOf(obj: Record<string, unknown>): Record<string, unknown> {
    return featureRow(obj, this.shape);
  }

  override async scan(hash: Hash, progress: ReadProgress): Promise<TextScan> {
    // The shape pass reads (and hashes) the bytes; the type pass then reports nothing new.
    const geometry = new GeometryScan();
    for await (const { obj } of this.objects((bytes) => progress(bytes, 0), hash)) geometry.observe(obj);
    this.shape = { allPoints: geometry.allPoints, hasZ: geometry.hasZ };
    return super.scan(undefined, undefined);
  }
}
