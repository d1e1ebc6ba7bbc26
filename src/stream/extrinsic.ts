import type { AnnotatedBatch, BatchAnnotator, TransitionBatch } from './batch.js';

/**
 * The minimal reward stack: the env's reward as the only (extrinsic, episodic) component. Used when no reward
 * stack factory is wired (rewards/stack.ts provides the full one).
 */
export function extrinsicAnnotator(): BatchAnnotator {
  return {
    annotate(batch: TransitionBatch): AnnotatedBatch {
      const a = batch as AnnotatedBatch;
      const zeros =
        a.groups?.intrinsic?.length === batch.rewards.length
          ? a.groups.intrinsic
          : new Float32Array(batch.rewards.length);
      a.components = { extrinsic: { raw: batch.rewards, scaled: batch.rewards, group: 'extrinsic' } };
      a.total = batch.rewards;
      a.groups = { extrinsic: batch.rewards, intrinsic: zeros };
      a.episodic = { extrinsic: true, intrinsic: true };
      return a;
    },
  };
}
