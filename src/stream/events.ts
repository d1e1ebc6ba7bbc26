/** Statistics one learning update reports (losses, entropy, KL, learning rate ...). */
export type TrainStats = Record<string, number>;

/** Every event of a run, one discriminated union. */
export type RunEvent =
  | { type: 'start'; runId: string; env: string; agent: string; numEnvs: number; seed: number; config?: unknown; time: number }
  | { type: 'episode'; step: number; envIndex: number; return: number; length: number; success?: boolean; components?: Record<string, number>; time: number }
  | { type: 'batch'; step: number; steps: number; sps: number; time: number }
  | { type: 'rewards'; step: number; components: Record<string, { rawMean: number; scaledMean: number; rawStd: number; min: number; max: number }>; time: number }
  | { type: 'annotation'; source: string; labelled: number; queued: number; cacheHits: number; failures: number; pending: number; samples?: { message: string; label: string | number; model: string }[]; time: number }
  | { type: 'train'; step: number; stats: TrainStats; time: number }
  | { type: 'eval'; step: number; meanReturn: number; stdReturn: number; successRate?: number; episodes: number; time: number }
  | { type: 'explore'; step: number; metrics: Record<string, number>; time: number }
  | { type: 'checkpoint'; step: number; dir: string; time: number }
  | { type: 'frame'; step: number; envIndex: number; frame: string | { width: number; height: number; data: Uint8Array }; messages?: string[]; time: number }
  | { type: 'error'; source: string; message: string; fatal: boolean; time: number }
  | { type: 'end'; step: number; reason: 'budget' | 'stopped' | 'error'; summary?: Record<string, number>; time: number };

/** The event with a given `type`. */
export type RunEventOf<K extends RunEvent['type']> = Extract<RunEvent, { type: K }>;
