/** A unit of response output: chunks written in order, then `release` once they are all out. */
export interface Piece {
  chunks: (Uint8Array | string)[];
  release?: () => void;
}
