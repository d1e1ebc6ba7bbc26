import type { RewardComponentConfig, RewardRegistry } from '../../src/core/reward.js';
import { countInfo, CountSource } from './count.js';
import { e3bInfo, E3BSource } from './e3b.js';
import { novelDInfo, NovelDSource } from './noveld.js';
import { rndInfo, RndSource } from './rnd.js';
import { oniInfo, OniSource } from './oni/oni.js';

const nameOf = (cfg: RewardComponentConfig, def: string): string => (typeof cfg.name === 'string' ? cfg.name : def);

/** Registers count, rnd, noveld and e3b. */
export function registerIntrinsic(sources: RewardRegistry): void {
  sources.register('count', (cfg, ctx) => new CountSource(nameOf(cfg, 'count'), cfg, ctx), countInfo);
  sources.register('rnd', (cfg, ctx) => new RndSource(nameOf(cfg, 'rnd'), cfg, ctx), rndInfo);
  sources.register('noveld', (cfg, ctx) => new NovelDSource(nameOf(cfg, 'noveld'), cfg, ctx), novelDInfo);
  sources.register('e3b', (cfg, ctx) => new E3BSource(nameOf(cfg, 'e3b'), cfg, ctx), e3bInfo);
}

/** Registers ONI (retrieval / classification / ranking reward models). */
export function registerOni(sources: RewardRegistry): void {
  sources.register('oni', (cfg, ctx) => new OniSource(nameOf(cfg, 'oni'), cfg, ctx), oniInfo);
}
