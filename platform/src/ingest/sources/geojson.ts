/**
 * GeoJSON features as table rows: `properties` become columns, the feature `id` a column
 * `id` (unless a property has that name). When every geometry is a Point (or null) it
 * becomes `longitude`, `latitude` and, if any point has a third coordinate, `depth`
 * columns; otherwise the geometry is kept as GeoJSON text in a `geometry` column.
 */
export interface GeometryShape {
  allPoints: boolean;
  hasZ: boolean;
}

interface Feature {
  type?: unknown;
  id?: unknown;
  properties?: unknown;
  geometry?: { type?: unknown; coordinates?: unknown } | null;
}

export function isFeature(v: unknown): v is Feature {
  return typeof v === 'object' && v !== null && (v as Feature).type === 'Feature';
}

export class GeometryScan implements GeometryShape {
  allPoints = true;
  hasZ = false;
  observe(f: Feature): void {
    const g = f.geometry;
    if (g === null || g === undefined) return;
    if (g.type !== 'Point' || !Array.isArray(g.coordinates)) {
      this.allPoints = false;
      return;
    }
    if (g.coordinates.length > 2) this.hasZ = true;
  }
}

export function featureRow(f: Feature, shape: GeometryShape): Record<string, unknown> {
  const props =
    typeof f.properties === 'object' && f.properties !== null ? (f.properties as Record<string, unknown>) : {};
  const row: Record<string, unknown> = { ...props };
  if (f.id !== undefined && !('id' in row)) row.id = f.id;
  const g = f.geometry;
  if (shape.allPoints) {
    const c = g && Array.isArray(g.coordinates) ? (g.coordinates as unknown[]) : [];
    row.longitude = c[0] ?? null;
    row.latitude = c[1] ?? null;
    if (shape.hasZ) row.depth = c[2] ?? null;
  } else {
    row.geometry = g ? JSON.stringify(g) : null;
  }
  return row;
}
