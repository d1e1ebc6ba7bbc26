/** Where rxgym warnings go (stderr by default); tests and UIs may redirect them. */
export type WarningHandler = (message: string) => void;

let handler: WarningHandler = (m) => process.stderr.write(`rxgym warning: ${m}\n`);
const seen = new Set<string>();

/** Redirect warnings; returns the previous handler. */
export function setWarningHandler(h: WarningHandler): WarningHandler {
  const prev = handler;
  handler = h;
  return prev;
}

/** Emit `message` (a caller that warns once per run keeps its own record). */
export function warn(message: string): void {
  handler(message);
}

/** Emit `message` once per process. */
export function warnOnce(message: string): void {
  if (seen.has(message)) return;
  seen.add(message);
  handler(message);
}
