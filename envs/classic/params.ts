/** The `renderMode` kwarg every classic-control env accepts. */
export const RENDER_MODE = {
  kind: 'enum',
  values: ['ansi', 'rgb_array'],
  optional: true,
  doc: "'ansi' text or 'rgb_array' frames; unset: none",
} as const;
