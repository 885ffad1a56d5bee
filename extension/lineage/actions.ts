/** What a lineage chip can do when clicked: the app's commands, handed to the renderer by its plugin. */
export interface IChipActions {
  openDataset(ref: string): void;
  openJob(id: string): void;
}
