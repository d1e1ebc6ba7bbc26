/** The standard wrappers, one file each. */
export { TimeLimit } from './time-limit.js';
export { OrderEnforcing } from './order-enforcing.js';
export {
  RecordEpisodeStatistics,
  type RecordEpisodeStatisticsOptions,
  type EpisodeStats,
} from './record-episode-statistics.js';
export { NormalizeObservation, type NormalizeObservationOptions } from './normalize-observation.js';
export { NormalizeReward, type NormalizeRewardOptions } from './normalize-reward.js';
export { ClipAction } from './clip-action.js';
export { RescaleAction } from './rescale-action.js';
export { FlattenObservation } from './flatten-observation.js';
export { FrameStackObservation, type FrameStackOptions } from './frame-stack-observation.js';
export { TransformObservation } from './transform-observation.js';
export { TransformReward } from './transform-reward.js';
