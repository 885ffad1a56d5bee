import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import {
  GenesisError,
  LATEST,
  ModelPublish,
  OWNER,
  RecordId,
  closest,
  parseOrThrow,
  parseRef,
  type ModelDataRef,
  type ModelPublishInput,
  type ModelRecord,
  type ModelSummary,
  type ModelUpload,
  type ModelVersion,
  type ModelVersionList,
  type Principal,
  type VersionSelector
} from '@genesis-lab/contract';
import type { Db } from '../db/database';
import type { Home } from '../home';
import { fsyncDir } from '../util/atomic';
import { dataReadable, dataRefusal, recordVisible, requirePublishRole, visibleSql } from '../access/policy';
import type { StoredMetadata } from '../catalog/record-rows';
import type { CatalogService } from '../catalog/service';
import { defaultVersionLabel } from '../catalog/sqlite-catalog';
import type { RuntimeSet } from './runtimes';

interface ModelRow {
  rid: number;
  id: string;
  kind: string;
  access_level: ModelRecord['accessLevel'];
  /** Generated from the metadata (catalog migration 3): who may see the model when not open. */
  project: string;
  metadata: string;
  latest_version: string | null;
  created_at: string;
  updated_at: string;
}

interface ModelVersionRow {
  rid: number;
  version: string;
  seq: number;
  sha256: string;
  size_bytes: number;
  format: 'onnx';
  runtime: string;
  signature: string;
  card: string;
  origin: string;
  notes: string | null;
  created_at: string;
}

/** A published version resolved for use: the record, the version and where its weights are. */
export interface ResolvedModel {
  /** What a use of the model needs of its record (the full record is `get`: a predict does not parse it). */
  record: Pick<ModelRecord, 'id'>;
  version: ModelVersion;
  weightsPath: string;
}

export interface PublishedModel {
  version: ModelVersion;
  /** False when the identical version was already there (a re-register is a no-op). */
  created: boolean;
}

/** Extension of content-addressed weights files under objects/. */
const WEIGHTS_EXT = '.onnx';
/** Staged uploads live in tmp/ under their digest until published (swept at the next start otherwise). */
const UPLOAD_PREFIX = 'model-upload-';

/**
 * Model records on SQLite beside the catalog: the record is a catalog row of kind `model`
 * (written through the catalog, so search and access rules are the catalog's), versions are
 * rows of `model_versions`, weights are content-addressed objects under the home. Publishing
 * is atomic: the runtime checks the weights before anything is written, then the object is
 * renamed into place and every row is written in one transaction.
 */
export class ModelRegistry {
  private readonly byId;
  private readonly versionsOf;
  /** Parsed versions by row: a version is immutable, so a predict does not parse its card and signature again. */
  private readonly parsed = new Map<string, ModelVersion>();

  constructor(
    private readonly db: Db,
    private readonly home: Home,
    private readonly catalog: CatalogService,
    private readonly runtimes: RuntimeSet
  ) {
    this.byId = db.prepare<[string], ModelRow>("SELECT * FROM catalog_records WHERE id = ? AND kind = 'model'");
    this.versionsOf = db.prepare<[number], ModelVersionRow>(
      'SELECT * FROM model_versions WHERE rid = ? ORDER BY seq DESC'
    );
    catalog.registerKind('model', (id, principal) => this.get(id, principal));
  }

  // ---- reads -------------------------------------------------------------------------------

  list(principal: Principal): ModelSummary[] {
    const where = visibleSql(principal);
    const rows = this.db
      .prepare<unknown[], ModelRow>(`SELECT * FROM catalog_records WHERE kind = 'model' AND (${where.sql}) ORDER BY id`)
      .all(...where.params);
    return rows.map((row) => {
      const meta = JSON.parse(row.metadata) as StoredMetadata;
      const latest = this.versionsOf.all(row.rid)[0]!;
      return {
        id: row.id,
        title: meta.title,
        description: meta.description,
        license: meta.license,
        accessLevel: row.access_level,
        ...(meta.domain ? { domain: meta.domain } : {}),
        latestVersion: latest.version,
        runtime: (JSON.parse(latest.runtime) as ModelVersion['runtime']).kind,
        sha256: latest.sha256,
        updatedAt: row.updated_at
      };
    });
  }

  get(id: string, principal: Principal): ModelRecord {
    const row = this.visibleRow(id, principal);
    const versions = this.versionsOf.all(row.rid).map((v) => this.versionOf(v));
    const latest = versions[0]!;
    const {
      fieldInfo: _f,
      source: _s,
      temporalCoverage: _t,
      spatialCoverage: _c,
      formats: _x,
      ...meta
    } = JSON.parse(row.metadata) as StoredMetadata;
    return {
      ...meta,
      kind: 'model',
      id: row.id,
      card: latest.card,
      signature: latest.signature,
      runtime: latest.runtime,
      versions,
      latestVersion: latest.version,
      createdAt: row.created_at,
      updatedAt: row.updated_at
    };
  }

  versions(id: string, principal: Principal): ModelVersionList {
    const row = this.visibleRow(id, principal);
    return { id: row.id, versions: this.versionsOf.all(row.rid).map((v) => this.versionOf(v)) };
  }

  getVersion(id: string, selector: VersionSelector, principal: Principal): ModelVersion {
    const row = this.visibleRow(id, principal);
    return this.versionOf(this.versionRow(row, selector));
  }

  /** Called for every use (weights, predict, OIP) of a non-open model: the platform audits it. */
  onModelUse?: (principal: Principal, id: string, version: string, accessLevel: ModelRecord['accessLevel']) => void;

  /** Resolve for use (predict, weights): needs data clearance for a controlled model. */
  resolve(id: string, selector: VersionSelector, principal: Principal): ResolvedModel {
    const row = this.visibleRow(id, principal);
    const owned = { accessLevel: row.access_level, project: row.project };
    if (!dataReadable(principal, owned)) throw dataRefusal(row.id, principal, owned);
    const version = this.versionOf(this.versionRow(row, selector));
    if (row.access_level !== 'open') this.onModelUse?.(principal, row.id, version.version, row.access_level);
    return {
      record: { id: row.id },
      version,
      weightsPath: this.home.objectPath(version.sha256, WEIGHTS_EXT)
    };
  }

  private versionOf(row: ModelVersionRow): ModelVersion {
    const key = `${row.rid}\0${row.seq}\0${row.version}\0${row.sha256}`;
    let v = this.parsed.get(key);
    if (!v) {
      if (this.parsed.size >= 1024) this.parsed.clear();
      v = versionFromRow(row);
      this.parsed.set(key, v);
    }
    return v;
  }

  private visibleRow(id: string, principal: Principal): ModelRow {
    const row = this.byId.get(id);
    if (row && recordVisible(principal, { accessLevel: row.access_level, project: row.project })) return row;
    const where = visibleSql(principal);
    const ids = this.db
      .prepare<unknown[], { id: string }>(`SELECT id FROM catalog_records WHERE kind = 'model' AND (${where.sql})`)
      .all(...where.params)
      .map((r) => r.id);
    const suggestions = closest(id, ids);
    throw new GenesisError('not_found', `No model "${id}" in the catalog`, {
      ...(suggestions.length ? { suggestions } : {}),
      hint: 'List models with: genesis models list, or search with: genesis search <words> --kind model'
    });
  }

  private versionRow(row: ModelRow, selector: VersionSelector): ModelVersionRow {
    const versions = this.versionsOf.all(row.rid);
    if (selector === LATEST) return versions[0]!;
    const v = versions.find((x) => x.version === selector);
    if (v) return v;
    const near = closest(
      selector,
      versions.map((x) => x.version)
    );
    throw new GenesisError('not_found', `Model "${row.id}" has no version "${selector}"`, {
      ...(near.length ? { suggestions: near.map((s) => `${row.id}@${s}`) } : {}),
      hint: `Its versions: ${versions
        .slice(0, 10)
        .map((x) => x.version)
        .join(', ')}; or use "latest"`
    });
  }

  // ---- writes ------------------------------------------------------------------------------

  /** Stage a weights file (HTTP upload or a local file): hashed as it is written, fsynced, named by its digest. */
  async stage(source: Readable): Promise<ModelUpload> {
    const tmp = this.home.tmpPath('model-staging');
    const hash = createHash('sha256');
    let sizeBytes = 0;
    try {
      await pipeline(
        source,
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            hash.update(chunk);
            sizeBytes += chunk.length;
            yield chunk;
          }
        },
        fs.createWriteStream(tmp, { flags: 'wx', mode: 0o644 })
      );
      const fd = fs.openSync(tmp, 'r');
      fs.fsyncSync(fd);
      fs.closeSync(fd);
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw err;
    }
    const sha256 = hash.digest('hex');
    if (sizeBytes === 0) {
      fs.rmSync(tmp, { force: true });
      throw new GenesisError('bad_request', 'The weights file is empty');
    }
    fs.renameSync(tmp, this.stagedPath(sha256));
    return { sha256, sizeBytes };
  }

  private stagedPath(sha256: string): string {
    return path.join(this.home.tmpDir, `${UPLOAD_PREFIX}${sha256}`);
  }

  /**
   * Publish a version from staged weights. Order: validate the body; resolve the training and
   * evaluation datasets (pinning their digests); let the runtime inspect the weights against the
   * signature (invalid ONNX: 422, nothing written); then, in one transaction, move the weights
   * under their digest and write the version, the record and its search document.
   */
  async publish(rawId: string, input: ModelPublishInput, principal: Principal = OWNER): Promise<PublishedModel> {
    const id = parseOrThrow(RecordId, rawId, 'id', 'invalid_ref');
    const body = parseOrThrow(ModelPublish, input, 'body');
    const staged = this.stagedPath(body.weightsSha256);
    const existingRow = this.byId.get(id);
    // As for datasets: a model the caller may not see is "not found"; writing needs the contributor role.
    requirePublishRole(principal, [existingRow ? this.get(id, principal).project : undefined, body.project]);
    const existing = existingRow ? this.versionsOf.all(existingRow.rid) : [];
    const label = body.version ?? defaultVersionLabel(existing, body.weightsSha256);
    const card = {
      ...body.card,
      trainingData: body.card.trainingData.map((d, i) => this.pinData(d, `card.trainingData[${i}]`, principal)),
      evaluationData: body.card.evaluationData.map((d, i) => this.pinData(d, `card.evaluationData[${i}]`, principal))
    };
    const origin = {
      ...body.origin,
      trainedOn: body.origin.trainedOn.map((d, i) => this.pinData(d, `origin.trainedOn[${i}]`, principal))
    };
    const same = existing.find((v) => v.version === label);
    if (same) {
      if (same.sha256 === body.weightsSha256) {
        fs.rmSync(staged, { force: true });
        return { version: this.versionOf(same), created: false };
      }
      throw new GenesisError(
        'conflict',
        `"${id}@${label}" already exists with other weights (sha256 ${same.sha256.slice(0, 12)}…, these ${body.weightsSha256.slice(0, 12)}…); versions are immutable`,
        { hint: 'Publish it under a new version, or leave the version out to get the next number' }
      );
    }
    const target = this.home.objectPath(body.weightsSha256, WEIGHTS_EXT);
    const weightsPath = fs.existsSync(staged) ? staged : fs.existsSync(target) ? target : undefined;
    if (!weightsPath)
      throw new GenesisError('not_found', `No staged weights with sha256 ${body.weightsSha256}`, {
        hint: 'Upload the weights first: PUT /api/models/uploads (staged uploads do not survive a restart)'
      });
    await this.runtimes.get(body.runtime.kind).inspect({
      id,
      version: label,
      sha256: body.weightsSha256,
      runtime: body.runtime,
      signature: body.signature,
      weightsPath
    });

    const now = new Date().toISOString();
    const meta: StoredMetadata = {
      title: body.title,
      description: body.description,
      keywords: body.keywords,
      creators: body.creators,
      ...(body.publisher ? { publisher: body.publisher } : {}),
      license: body.license,
      ...(body.licenseUrl ? { licenseUrl: body.licenseUrl } : {}),
      accessLevel: body.accessLevel,
      project: body.project,
      ...(body.domain ? { domain: body.domain } : {}),
      ...(body.url ? { url: body.url } : {}),
      ...(body.citation ? { citation: body.citation } : {}),
      source: { wasDerivedFrom: origin.trainedOn.map((d) => d.ref) },
      // Search finds a model by its signature's names, units and descriptions.
      fieldInfo: Object.fromEntries(
        [...body.signature.inputs, ...body.signature.outputs].map((f) => [
          f.name,
          { ...(f.unit ? { unit: f.unit } : {}), ...(f.description ? { description: f.description } : {}) }
        ])
      )
    };
    const sizeBytes = fs.statSync(weightsPath).size;
    try {
      const version = this.db
        .transaction(() => {
          if (weightsPath !== target) {
            fs.mkdirSync(path.dirname(target), { recursive: true });
            fs.renameSync(weightsPath, target);
            fsyncDir(path.dirname(target));
          }
          const rid = this.catalog.writeKindRecord({
            kind: 'model',
            id,
            meta,
            latestVersion: label,
            sizeBytes,
            updatedAt: now
          });
          this.db
            .prepare(
              `INSERT INTO model_versions (rid, version, seq, sha256, size_bytes, format, runtime, signature, card, origin,
                 notes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
            )
            .run(
              rid,
              label,
              (existing[0]?.seq ?? 0) + 1,
              body.weightsSha256,
              sizeBytes,
              body.format,
              JSON.stringify(body.runtime),
              JSON.stringify(body.signature),
              JSON.stringify(card),
              JSON.stringify(origin),
              body.notes ?? null,
              now
            );
          return versionFromRow(this.versionsOf.all(rid)[0]!); // not cached: the transaction may still roll back
        })
        .immediate();
      return { version, created: true };
    } finally {
      this.catalog.searchChanged();
    }
  }

  /** Publish a local weights file (the CLI's register, the seed): stage, then publish. */
  async publishFile(
    id: string,
    file: string,
    cardFile: Omit<ModelPublishInput, 'weightsSha256'>,
    principal: Principal = OWNER
  ): Promise<PublishedModel> {
    if (!fs.existsSync(file) || !fs.statSync(file).isFile())
      throw new GenesisError('not_found', `Cannot read the weights file ${file}`);
    const staged = await this.stage(fs.createReadStream(file));
    try {
      return await this.publish(id, { ...cardFile, weightsSha256: staged.sha256 }, principal);
    } finally {
      fs.rmSync(this.stagedPath(staged.sha256), { force: true });
    }
  }

  /** A card's dataset ref must name a catalog dataset version the publisher can see; its digest is pinned. */
  private pinData(d: ModelDataRef, where: string, principal: Principal): ModelDataRef {
    const ref = parseRef(d.ref);
    let v;
    try {
      v = this.catalog.getVersion(ref.id, ref.version ?? LATEST, principal);
    } catch (err) {
      if (err instanceof GenesisError && err.code === 'not_found')
        throw new GenesisError('unprocessable', `${where}: ${err.message}`, {
          ...(err.suggestions?.length ? { suggestions: err.suggestions } : {}),
          hint: 'Training and evaluation data must be catalog datasets (ingest them first)'
        });
      throw err;
    }
    if (d.sha256 && d.sha256 !== v.sha256)
      throw new GenesisError('unprocessable', `${where}: ${d.ref} has sha256 ${v.sha256}, not ${d.sha256}`);
    return { ...d, ref: `${ref.id}@${v.version}`, sha256: v.sha256 };
  }
}

function versionFromRow(v: ModelVersionRow): ModelVersion {
  return {
    version: v.version,
    sha256: v.sha256,
    sizeBytes: v.size_bytes,
    format: v.format,
    runtime: JSON.parse(v.runtime) as ModelVersion['runtime'],
    signature: JSON.parse(v.signature) as ModelVersion['signature'],
    card: JSON.parse(v.card) as ModelVersion['card'],
    origin: JSON.parse(v.origin) as ModelVersion['origin'],
    createdAt: v.created_at,
    ...(v.notes ? { notes: v.notes } : {})
  };
}
