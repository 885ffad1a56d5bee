import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  GenesisError,
  LATEST,
  formatRef,
  parseRef,
  type ErrorIssue,
  type Job,
  type JobSpec,
  type AccessLevel,
  type Principal
} from '@genesis-lab/contract';
import { facilityCleared, facilityRefusal } from '../access/policy';
import type { CatalogService } from '../catalog/service';
import { inside, type StagingPolicy } from './staging-policy';
import { writeDatasetCsv } from './stage-csv';

/** A stage target must stay inside the job directory. */
function targetIssue(target: string, at: string): ErrorIssue | undefined {
  const norm = path.posix.normalize(target);
  if (path.isAbsolute(target) || norm === '..' || norm.startsWith('../') || norm === '.')
    return { path: at, message: 'must be a relative path inside the job directory' };
  return undefined;
}

/** What in the stage-in/out lists cannot be done, before anything is submitted. */
export function checkStaging(
  spec: JobSpec,
  catalog: CatalogService | undefined,
  principal: Principal,
  facilityClearance: AccessLevel,
  policy?: StagingPolicy
): ErrorIssue[] {
  const issues: ErrorIssue[] = [];
  spec.stageIn.forEach((item, i) => {
    const t = targetIssue(item.target, `body.stageIn[${i}].target`);
    if (t) issues.push(t);
    if ('source' in item) {
      const refused = policy?.sourceIssue(item.source, `body.stageIn[${i}].source`);
      if (refused) issues.push(refused);
      else if (!fs.existsSync(item.source))
        issues.push({ path: `body.stageIn[${i}].source`, message: `no such file: ${item.source}` });
    } else if (!catalog) {
      issues.push({
        path: `body.stageIn[${i}].dataset`,
        message: 'dataset stage-in needs the catalog module, which this platform does not run'
      });
    } else if (item.format === 'parquet') {
      issues.push({
        path: `body.stageIn[${i}].format`,
        message: 'datasets are staged in as Arrow IPC files or CSV; use format "arrow" or "csv"'
      });
    } else {
      try {
        const ref = parseRef(item.dataset);
        const { record } = catalog.resolve(ref.id, ref.version ?? LATEST, principal);
        if (!facilityCleared(facilityClearance, record.accessLevel))
          issues.push({
            path: `body.stageIn[${i}].dataset`,
            message: facilityRefusal(record.id, spec.facility, facilityClearance, record.accessLevel)
          });
      } catch (err) {
        issues.push({ path: `body.stageIn[${i}].dataset`, message: (err as Error).message });
      }
    }
  });
  spec.stageOut.forEach((item, i) => {
    const t = targetIssue(item.source, `body.stageOut[${i}].source`);
    if (t) issues.push(t);
    // Relative targets land in the job directory; absolute ones are checked against the policy.
    if (path.isAbsolute(item.target)) {
      const refused = policy?.targetIssue(item.target, `body.stageOut[${i}].target`);
      if (refused) issues.push(refused);
    }
  });
  return issues;
}

/**
 * The spec as it is stored: every dataset stage-in without a version names the version it
 * resolves to now, at submit, so the job stages (also when sent again after a restart) and its
 * lineage records that version, however many versions are published before it runs.
 */
export function pinStageIn(spec: JobSpec, catalog: CatalogService | undefined, principal: Principal): JobSpec {
  if (!catalog || !spec.stageIn.some((s) => 'dataset' in s && parseRef(s.dataset).version === undefined)) return spec;
  return {
    ...spec,
    stageIn: spec.stageIn.map((item) => {
      if (!('dataset' in item)) return item;
      const ref = parseRef(item.dataset);
      if (ref.version !== undefined) return item;
      const { version } = catalog.getVersion(ref.id, LATEST, principal);
      return { ...item, dataset: formatRef({ id: ref.id, version }) };
    })
  };
}

/** Copy stage-in items into the job directory (datasets as their immutable Arrow file, or as CSV). */
export async function stageIn(
  spec: JobSpec,
  workDir: string,
  catalog: CatalogService | undefined,
  principal: Principal,
  facilityClearance: AccessLevel
): Promise<void> {
  for (const item of spec.stageIn) {
    const dest = path.join(workDir, item.target);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    if ('source' in item) {
      fs.cpSync(item.source, dest, { recursive: true });
    } else {
      if (!catalog) throw new GenesisError('unprocessable', 'dataset stage-in needs the catalog module');
      const ref = parseRef(item.dataset);
      const resolved = catalog.resolve(ref.id, ref.version ?? LATEST, principal);
      // Checked again where the bytes move: nothing reaches a facility not cleared for it.
      if (!facilityCleared(facilityClearance, resolved.record.accessLevel))
        throw new GenesisError(
          'forbidden',
          facilityRefusal(resolved.record.id, spec.facility, facilityClearance, resolved.record.accessLevel)
        );
      if (item.format === 'csv') await writeDatasetCsv(resolved.objectPath, dest);
      else fs.copyFileSync(resolved.objectPath, dest);
    }
  }
}

/**
 * Refuse a stage-out source that is, or contains, a symlink leading outside the job directory:
 * the job wrote the links, and the platform must not copy (or hand out a link to) files the
 * job could name but that are not its own outputs.
 */
function checkInside(workDir: string, src: string, source: string): void {
  const root = fs.realpathSync(workDir);
  const visit = (p: string) => {
    const real = fs.realpathSync(p);
    if (!inside(real, root))
      throw new Error(`"${source}" leads outside the job directory (${path.relative(workDir, p) || '.'} -> ${real})`);
    if (fs.statSync(real).isDirectory()) for (const e of fs.readdirSync(p)) visit(path.join(p, e));
  };
  visit(src);
}

/** Copy stage-out items from the job directory to their targets once the job COMPLETED. */
export function stageOut(spec: JobSpec, workDir: string, policy?: StagingPolicy): Job['outputs'] {
  return spec.stageOut.map((item, i) => {
    const src = path.join(workDir, item.source);
    checkInside(workDir, src, item.source);
    const target = path.resolve(workDir, item.target);
    const refused = policy?.targetIssue(target, `stageOut[${i}].target`);
    if (refused) throw new GenesisError('forbidden', `stage-out target ${item.target} ${refused.message}`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    // Content, not links: a link into the job directory would break when the directory goes.
    fs.cpSync(src, target, { recursive: true, dereference: true });
    return { source: item.source, target, bytes: fs.statSync(target).size };
  });
}
