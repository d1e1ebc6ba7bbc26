/**
 * InfoToy-v0, a tiny env for the WorkerVectorEnv info tests, written in JS so worker threads can import it.
 * `registerInfoToy(api)` registers it with the given rxgym API: src/core in the test thread, dist/ in the workers
 * (info-toy-worker.mjs). Its infos mix every kind the workers must carry: numbers and booleans every step, keys
 * that come and go, strings and objects, a key that turns from number to string, one from boolean to number, NaN,
 * and once per episode more keys than the workers' shared info table holds. Action 2 throws; `stallMs` makes each
 * step sleep that long.
 */
export function registerInfoToy(api) {
  const { Box, Discrete, Rng, RxgymError, register } = api;

  class InfoToyEnv {
    observationSpace = new Box(-1000, 1000, [2], 'float32');
    actionSpace = new Discrete(3);
    metadata = { renderModes: [] };
    rng = new Rng(0);
    count = 0;
    length = 5;
    obs = new Float32Array(2);

    constructor(kwargs) {
      this.stallMs = Number(kwargs.stallMs ?? 0);
    }

    reset(opts = {}) {
      if (opts.seed !== undefined) this.rng = new Rng(opts.seed);
      this.count = 0;
      this.length = this.rng.int(3, 10);
      this.obs[0] = this.rng.uniform(-1, 1);
      this.obs[1] = 0;
      return { obs: this.obs.slice(), info: { start: true, length: this.length } };
    }

    step(action) {
      if (action === 2) throw new RxgymError('InfoToy: action 2 asks for a failure');
      if (this.stallMs > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, this.stallMs);
      const c = ++this.count;
      this.obs[0] += action - 0.5;
      this.obs[1] = c;
      const info = {
        n: c,
        flag: c % 2 === 0,
        nan: c === 3 ? NaN : -c,
        mixed: c % 4 === 0 ? 'four' : c * 0.5,
        boolnum: c % 6 === 0 ? 7 : true,
      };
      if (c % 3 === 0) info.sometimes = c * 10;
      if (c % 5 === 0) info.label = `s${c}`;
      if (c === 2) info.obj = { at: c, list: [c, 'x'] };
      if (c === 4) for (let k = 0; k < 40; k++) info[`w${k}`] = k + this.obs[0];
      return {
        obs: this.obs.slice(),
        reward: action + this.rng.uniform(0, 1),
        terminated: c >= this.length,
        truncated: false,
        info,
      };
    }

    render() {
      return undefined;
    }

    close() {}
  }

  register({ id: 'InfoToy-v0', entryPoint: (kwargs) => new InfoToyEnv(kwargs), maxEpisodeSteps: 100 });
}
