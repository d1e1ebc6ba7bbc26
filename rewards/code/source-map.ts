const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** One decoded segment: generated column -> original line and column (all 0-based). */
interface Segment {
  genCol: number;
  line: number;
  col: number;
}

function decodeVlq(text: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of text) {
    const digit = B64.indexOf(ch);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/** Maps positions in transpiled JavaScript back to the TypeScript source, from a v3 source map's `mappings`. */
export class LineMapper {
  private readonly lines: Segment[][] = [];

  constructor(mappings: string) {
    let line = 0;
    let col = 0;
    for (const genLine of mappings.split(';')) {
      let genCol = 0;
      const segs: Segment[] = [];
      for (const raw of genLine.split(',')) {
        if (!raw) continue;
        const v = decodeVlq(raw);
        genCol += v[0] ?? 0;
        if (v.length >= 4) {
          line += v[2]!;
          col += v[3]!;
          segs.push({ genCol, line, col });
        }
      }
      this.lines.push(segs);
    }
  }

  /** The original 1-based line and column of a generated 1-based position (nearest segment at or before it). */
  original(line: number, column: number): { line: number; column: number } | undefined {
    const segs = this.lines[line - 1];
    if (!segs || segs.length === 0) return undefined;
    let best = segs[0]!;
    for (const s of segs) if (s.genCol <= column - 1) best = s;
    return { line: best.line + 1, column: best.col + 1 };
  }
}
