import { denoOutput } from './deno';
import { tslabOutput, type NotebookOutput } from './tslab';

/** The running cell's outputs in whichever TypeScript kernel this is (tslab or Deno's), or undefined in plain Node. */
export function kernelOutput(): NotebookOutput | undefined {
  return tslabOutput() ?? denoOutput();
}
