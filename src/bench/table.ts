/** A table: header cells, rows of cells, and the sentences that say what its columns are. */
export interface Table {
  header: string[];
  rows: string[][];
  notes: string[];
}
