import { LabIcon } from '@jupyterlab/ui-components';

/* Icons use JupyterLab's `jp-icon3` class so they follow the theme; the root `fill="none"` keeps stroked shapes hollow. */

const genesisSvg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none">
  <g class="jp-icon3" stroke="#616161" stroke-width="2">
    <circle cx="12" cy="12" r="3"/>
    <ellipse cx="12" cy="12" rx="10" ry="4"/>
    <ellipse cx="12" cy="12" rx="10" ry="4" transform="rotate(60 12 12)"/>
    <ellipse cx="12" cy="12" rx="10" ry="4" transform="rotate(120 12 12)"/>
  </g>
</svg>`;

const datasetSvg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none">
  <g class="jp-icon3" stroke="#616161" stroke-width="2">
    <ellipse cx="12" cy="5.5" rx="7.5" ry="2.5"/>
    <path d="M4.5 5.5v13c0 1.4 3.4 2.5 7.5 2.5s7.5-1.1 7.5-2.5v-13"/>
    <path d="M4.5 12c0 1.4 3.4 2.5 7.5 2.5s7.5-1.1 7.5-2.5"/>
  </g>
</svg>`;

const jobSvg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none">
  <g class="jp-icon3" stroke="#616161" stroke-width="2">
    <rect x="2.5" y="4" width="19" height="16" rx="2"/>
    <path d="M6.5 9l3.5 3-3.5 3M12 15h5"/>
  </g>
</svg>`;

const facilitySvg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none">
  <g class="jp-icon3" stroke="#616161" stroke-width="2">
    <rect x="3" y="3" width="18" height="7" rx="1"/>
    <rect x="3" y="14" width="18" height="7" rx="1"/>
  </g>
  <g class="jp-icon3" fill="#616161">
    <circle cx="7" cy="6.5" r="1.2"/>
    <circle cx="7" cy="17.5" r="1.2"/>
  </g>
</svg>`;

/* A small network: inputs, one hidden layer, an output (a model). */
const modelSvg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none">
  <g class="jp-icon3" stroke="#616161" stroke-width="1.6">
    <path d="M5 6l7 6M5 18l7-6M5 6l7-2M5 18l7 2M12 4l7 8M12 12l7 0M12 20l7-8"/>
    <circle cx="5" cy="6" r="2"/>
    <circle cx="5" cy="18" r="2"/>
    <circle cx="12" cy="4" r="2"/>
    <circle cx="12" cy="12" r="2"/>
    <circle cx="12" cy="20" r="2"/>
    <circle cx="19" cy="12" r="2"/>
  </g>
</svg>`;

export const genesisIcon = new LabIcon({ name: 'genesis-lab:genesis', svgstr: genesisSvg });
export const datasetIcon = new LabIcon({ name: 'genesis-lab:dataset', svgstr: datasetSvg });
export const modelIcon = new LabIcon({ name: 'genesis-lab:model', svgstr: modelSvg });
export const jobIcon = new LabIcon({ name: 'genesis-lab:job', svgstr: jobSvg });
export const facilityIcon = new LabIcon({ name: 'genesis-lab:facility', svgstr: facilitySvg });
