import type { TrainFeedback } from './prompt.js';

/** What a trainer is asked: train on the reward module at `file`, writing the run into `dir`. */
export interface TrainRequest {
  file: string;
  dir: string;
  envId: string;
  steps: number;
  seed: number;
}

/**
 * Trains one candidate and summarises it for the reflection; `error` when training failed. The Eureka loop is given
 * one by the application (src/train/code-trainer.ts runs rxgym's own trainer), so this plug-in never starts runs.
 */
export type TrainFn = (req: TrainRequest) => Promise<TrainFeedback & { error?: string }>;
