/** One character cell of an ANSI frame with the SGR state that colours it ('' = default). */
export interface AnsiCell {
  ch: string;
  sgr: string;
}

const ESC_RE = /\x1b\[([0-9;?]*)([A-Za-z])/y;

/**
 * Split an ANSI text frame into rows of cells. Only SGR (colour) sequences are kept; cursor movement,
 * screen clearing and other control sequences are dropped so a frame can never corrupt the layout.
 */
export function parseAnsi(text: string): AnsiCell[][] {
  const rows: AnsiCell[][] = [];
  let row: AnsiCell[] = [];
  let sgr = '';
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    if (c === '\x1b') {
      ESC_RE.lastIndex = i;
      const m = ESC_RE.exec(text);
      if (m) {
        if (m[2] === 'm') {
          const params = m[1] ?? '';
          sgr =
            params === '' || params === '0'
              ? ''
              : params.startsWith('0;')
                ? params.slice(2)
                : sgr
                  ? `${sgr};${params}`
                  : params;
        }
        i += m[0].length;
      } else {
        i += 1;
      }
      continue;
    }
    if (c === '\n') {
      rows.push(row);
      row = [];
    } else if (c !== '\r' && c >= ' ') {
      row.push({ ch: c, sgr });
    }
    i += 1;
  }
  if (row.length > 0) rows.push(row);
  return rows;
}

/** Cells back to text with minimal SGR sequences, each row reset at its end. */
export function cellsToAnsi(rows: readonly (readonly AnsiCell[])[]): string {
  const out: string[] = [];
  for (const row of rows) {
    let line = '';
    let cur = '';
    for (const cell of row) {
      if (cell.sgr !== cur) {
        line += cell.sgr ? `\x1b[0;${cell.sgr}m` : '\x1b[0m';
        cur = cell.sgr;
      }
      line += cell.ch;
    }
    if (cur) line += '\x1b[0m';
    out.push(line);
  }
  return out.join('\n');
}

/** The text of an ANSI string without any escape sequence. */
export function stripAnsi(text: string): string {
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}

/**
 * Fit a frame into `width x height` cells: if it is larger, keep the window around the non-blank content,
 * centred on the player ('@') when the content itself is still too large.
 */
export function fitAnsi(text: string, width: number, height: number): string {
  const rows = parseAnsi(text);
  let maxW = 0;
  for (const r of rows) maxW = Math.max(maxW, r.length);
  if (maxW <= width && rows.length <= height) return cellsToAnsi(rows);
  // Bounding box of the visible content, and the player's cell.
  let top = Infinity;
  let bottom = -1;
  let left = Infinity;
  let right = -1;
  let px = -1;
  let py = -1;
  rows.forEach((r, y) => {
    r.forEach((cell, x) => {
      if (cell.ch !== ' ') {
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
        left = Math.min(left, x);
        right = Math.max(right, x);
      }
      if (cell.ch === '@' && px < 0) {
        px = x;
        py = y;
      }
    });
  });
  if (bottom < 0) return '';
  const [y0, y1] = window1d(top, bottom, py, height, rows.length);
  const [x0, x1] = window1d(left, right, px, width, maxW);
  return cellsToAnsi(rows.slice(y0, y1).map((r) => r.slice(x0, x1)));
}

/** A window of `size` over [0, total) covering [lo, hi], or centred on `focus` when [lo, hi] is wider. */
function window1d(lo: number, hi: number, focus: number, size: number, total: number): [number, number] {
  if (total <= size) return [0, total];
  let start: number;
  if (hi - lo + 1 <= size) start = Math.max(0, Math.min(lo - Math.floor((size - (hi - lo + 1)) / 2), total - size));
  else {
    const centre = focus >= 0 ? focus : Math.floor((lo + hi) / 2);
    start = Math.max(lo, Math.min(centre - Math.floor(size / 2), hi + 1 - size));
  }
  return [start, start + size];
}
