import { afterEach } from 'vitest';
import { RewardSandbox } from '../../rewards/code/index.js';

/** `compile` for tests: every sandbox it builds is disposed after each test. */
export function sandboxCompiler(): (code: string, opts?: Parameters<typeof RewardSandbox.compile>[1]) => RewardSandbox {
  const open: RewardSandbox[] = [];
  afterEach(() => {
    while (open.length) open.pop()!.dispose();
  });
  return (code, opts = {}) => {
    const sb = RewardSandbox.compile(code, opts);
    open.push(sb);
    return sb;
  };
}
