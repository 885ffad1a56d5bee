/** Where the Jupyter server side of Genesis Lab answers (see ../lab.ts for its shapes). */
export const LAB_PLATFORM_PATH = 'genesis-lab/platform';
