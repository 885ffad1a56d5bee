import { z } from 'zod';

/**
 * The JupyterLab extension's settings, one schema per plugin. JupyterLab reads JSON Schema
 * files (`schema/*.json`, generated from these by `npm run schemas`, checked by
 * extension/test/settings-schemas.test.ts); the extension types its settings with `z.infer`
 * and reads the values (defaults included) from the settings registry's composite.
 */

export const ClientSettings = z
  .strictObject({
    platformUrl: z.string().default('').meta({
      title: 'Platform URL',
      description:
        "Leave empty to use the platform behind this Jupyter server (its /genesis/ proxy). Otherwise the base URL of a remote platform, e.g. https://genesis.example.org; that platform must allow this page's origin (genesis serve --cors-origin)."
    }),
    platformToken: z.string().default('').meta({
      title: 'Platform token',
      description:
        'Token for a remote platform (Platform URL set). Not needed through the Jupyter proxy, which adds it.'
    }),
    requestTimeoutMs: z.number().int().min(1000).max(600000).default(30000).meta({
      title: 'Request timeout (ms)',
      description: 'How long to wait for the platform to answer a request before calling it unreachable.'
    })
  })
  .meta({
    title: 'Genesis Lab: platform connection',
    description: 'Where the extension finds the Genesis platform.'
  });
export type ClientSettings = z.infer<typeof ClientSettings>;

export const CatalogSettings = z
  .strictObject({
    searchDebounceMs: z.number().int().min(0).max(2000).default(60).meta({
      title: 'Search delay (ms)',
      description:
        'How long after the last keystroke the catalog is searched. Results must update within 150 ms of the last keystroke, so keep it well below that.'
    }),
    pageSize: z.number().int().min(1).max(100).default(25).meta({
      title: 'Results per page',
      description: 'How many records each search (and each scroll to the end) loads.'
    }),
    previewRows: z.number().int().min(1).max(10000).default(100).meta({
      title: 'Preview rows',
      description: 'How many first rows of a dataset the preview grid streams and shows.'
    })
  })
  .meta({
    title: 'Genesis Lab: catalog',
    description: 'The Genesis catalog panel: search and dataset previews.',
    'jupyter.lab.setting-icon': 'genesis-lab:genesis',
    'jupyter.lab.setting-icon-label': 'Genesis catalog'
  });
export type CatalogSettings = z.infer<typeof CatalogSettings>;

export const JobsSettings = z
  .strictObject({
    defaultFacility: z.string().default('').meta({
      title: 'Default facility',
      description: 'The facility the submit form starts with (empty: the first one the platform lists).'
    }),
    logTailBytes: z.number().int().min(1024).max(16777216).default(65536).meta({
      title: 'Log tail (bytes)',
      description: 'How much of the end of a log a job view first shows before following it live.'
    }),
    pageSize: z.number().int().min(1).max(1000).default(200).meta({
      title: 'Jobs per page',
      description: 'How many jobs the panel lists at first, and how many more each "Show older jobs" adds.'
    })
  })
  .meta({
    title: 'Genesis Lab: jobs',
    description: 'The Genesis jobs panel.',
    'jupyter.lab.setting-icon': 'genesis-lab:job',
    'jupyter.lab.setting-icon-label': 'Genesis jobs'
  });
export type JobsSettings = z.infer<typeof JobsSettings>;

export const ProvenanceSettings = z
  .strictObject({
    capture: z.boolean().default(true).meta({
      title: 'Record cell executions',
      description:
        'Record every executed cell (code, outputs, the datasets and jobs it used) with the platform. Recording never holds up the notebook; what cannot be sent yet waits in the browser.'
    }),
    batchSize: z.number().int().min(1).max(500).default(100).meta({
      title: 'Executions per request',
      description: 'How many queued executions one request sends to the platform at most.'
    }),
    retryMaxMs: z.number().int().min(1000).max(600000).default(30000).meta({
      title: 'Longest wait between retries (ms)',
      description: 'While the platform cannot be reached, sending is retried with growing waits up to this.'
    }),
    graphCollapseAbove: z.number().int().min(10).max(5000).default(60).meta({
      title: 'Collapse the graph above (nodes)',
      description:
        'A lineage graph with more nodes than this starts with its outputs and cell sources folded into their cells (expand them in the graph).'
    }),
    captureInWorker: z.boolean().default(true).meta({
      title: 'Record in a background thread',
      description:
        'Hash and normalise recorded outputs in a Web Worker, so the notebook\u2019s page only takes a snapshot (off: in the page, after the cell ended).'
    }),
    reproduceFacility: z.string().min(1).default('local').meta({
      title: 'Reproduce on facility',
      description:
        'The facility Reproduce runs the notebook on (the command "Reproduce this notebook\u2019s run" takes another as its facility argument).'
    })
  })
  .meta({
    title: 'Genesis Lab: provenance',
    description: 'Recording of cell executions and the Provenance panel.',
    'jupyter.lab.setting-icon': 'genesis-lab:genesis',
    'jupyter.lab.setting-icon-label': 'Genesis provenance'
  });
export type ProvenanceSettings = z.infer<typeof ProvenanceSettings>;

/** Each settings schema by the file JupyterLab reads it from (`schema/<name>.json` = plugin `genesis-lab:<name>`). */
export const LAB_SETTINGS = {
  client: ClientSettings,
  catalog: CatalogSettings,
  jobs: JobsSettings,
  provenance: ProvenanceSettings
} as const;
export type LabSettingsName = keyof typeof LAB_SETTINGS;

/** The JSON Schema JupyterLab's settings registry validates against (draft-07, no `$schema`). */
export function labSettingsJsonSchema(name: LabSettingsName): Record<string, unknown> {
  const { $schema: _drop, ...schema } = z.toJSONSchema(LAB_SETTINGS[name], { io: 'input', target: 'draft-7' });
  return schema;
}
