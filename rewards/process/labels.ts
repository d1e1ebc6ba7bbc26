import { RxgymError } from '../../src/core/env.js';
import type { StepLabelBatch, TransitionBatch } from '../../src/stream/batch.js';

/** The step labels of a batch, or a clear error when the env has none. */
export function labelsOf(batch: TransitionBatch, name: string): StepLabelBatch {
  if (!batch.stepLabels) {
    throw new RxgymError(
      `reward source "${name}" scores reasoning steps, but this env reports none (it does not ` +
        'declare the stepLabels capability); use a Reason-* env or drop the component',
    );
  }
  return batch.stepLabels;
}

/** The outcome of the episode that ended at transition k: success where the env reports it, else reward > 0. */
export function outcomeAt(batch: TransitionBatch, k: number): number {
  return batch.success ? batch.success[k]! : batch.rewards[k]! > 0 ? 1 : 0;
}
