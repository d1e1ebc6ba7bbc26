"""CleanRL-style PPO on CartPole-v1 in PyTorch: the reference of rxgym's learner-throughput benchmark.

Written after CleanRL's ppo.py (same settings: 4 envs x 128 steps, 4 epochs x 4 minibatches, 64x64 tanh actor and
critic with orthogonal init, Adam lr 2.5e-4 annealed, eps 1e-5, GAE 0.95, clip 0.2 on the surrogate and the value,
entropy 0.01, value 0.5, global grad-norm clip 0.5, advantages normalised per minibatch). Gymnasium is not installed
on the benchmark machine, so CartPole-v1 is written out here with Gymnasium's dynamics (Euler, 500-step limit,
same-step autoreset like gym's SyncVectorEnv). Run only by test/bench/learner-throughput.mjs, with Debian's
python3-torch:

    /usr/bin/python3 test/bench/peers/cleanrl_ppo_cartpole.py --total-timesteps 100000 --seed 1

It prints one JSON line: steps, wall seconds, steps/s, CPU seconds of the training loop, the mean return of the last
20 episodes, torch's threads.
"""

import argparse
import json
import math
import random
import time

import numpy as np
import torch
import torch.nn as nn
from torch.distributions.categorical import Categorical


class CartPole:
    """CartPole-v1 as in Gymnasium (classic_control/cartpole.py): Euler integration, 500 steps, reward 1 a step."""

    def __init__(self, rng):
        self.rng = rng
        self.state = None
        self.steps = 0

    def reset(self):
        self.state = self.rng.uniform(-0.05, 0.05, size=4)
        self.steps = 0
        return self.state.astype(np.float32)

    def step(self, action):
        x, x_dot, theta, theta_dot = self.state
        force = 10.0 if action == 1 else -10.0
        costheta, sintheta = math.cos(theta), math.sin(theta)
        total_mass, polemass_length = 1.1, 0.05
        temp = (force + polemass_length * theta_dot * theta_dot * sintheta) / total_mass
        thetaacc = (9.8 * sintheta - costheta * temp) / (0.5 * (4.0 / 3.0 - 0.1 * costheta * costheta / total_mass))
        xacc = temp - polemass_length * thetaacc * costheta / total_mass
        x, x_dot = x + 0.02 * x_dot, x_dot + 0.02 * xacc
        theta, theta_dot = theta + 0.02 * theta_dot, theta_dot + 0.02 * thetaacc
        self.state = np.array((x, x_dot, theta, theta_dot))
        self.steps += 1
        terminated = x < -2.4 or x > 2.4 or theta < -12 * 2 * math.pi / 360 or theta > 12 * 2 * math.pi / 360
        truncated = self.steps >= 500
        return self.state.astype(np.float32), 1.0, terminated, truncated


class SyncVec:
    """N CartPoles stepped in turn; a finished episode resets in the same step (gym's SyncVectorEnv)."""

    def __init__(self, n, seed):
        self.envs = [CartPole(np.random.default_rng(seed + i)) for i in range(n)]
        self.returns = np.zeros(n)
        self.finished = []

    def reset(self):
        return np.stack([e.reset() for e in self.envs])

    def step(self, actions):
        obs, rew, done = [], [], []
        for i, (e, a) in enumerate(zip(self.envs, actions)):
            o, r, term, trunc = e.step(int(a))
            self.returns[i] += r
            if term or trunc:
                self.finished.append(self.returns[i])
                self.returns[i] = 0.0
                o = e.reset()
            obs.append(o)
            rew.append(r)
            done.append(term or trunc)
        return np.stack(obs), np.array(rew, dtype=np.float32), np.array(done, dtype=np.float32)


def layer_init(layer, std=np.sqrt(2), bias_const=0.0):
    torch.nn.init.orthogonal_(layer.weight, std)
    torch.nn.init.constant_(layer.bias, bias_const)
    return layer


class Agent(nn.Module):
    def __init__(self, obs_dim, n_actions):
        super().__init__()
        self.critic = nn.Sequential(
            layer_init(nn.Linear(obs_dim, 64)), nn.Tanh(),
            layer_init(nn.Linear(64, 64)), nn.Tanh(),
            layer_init(nn.Linear(64, 1), std=1.0),
        )
        self.actor = nn.Sequential(
            layer_init(nn.Linear(obs_dim, 64)), nn.Tanh(),
            layer_init(nn.Linear(64, 64)), nn.Tanh(),
            layer_init(nn.Linear(64, n_actions), std=0.01),
        )

    def get_value(self, x):
        return self.critic(x)

    def get_action_and_value(self, x, action=None):
        logits = self.actor(x)
        probs = Categorical(logits=logits)
        if action is None:
            action = probs.sample()
        return action, probs.log_prob(action), probs.entropy(), self.critic(x)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--total-timesteps", type=int, default=100000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    args = p.parse_args()
    num_envs, num_steps, num_minibatches, update_epochs = 4, 128, 4, 4
    lr, gamma, gae_lambda, clip_coef, ent_coef, vf_coef, max_grad_norm = 2.5e-4, 0.99, 0.95, 0.2, 0.01, 0.5, 0.5
    batch_size = num_envs * num_steps
    minibatch_size = batch_size // num_minibatches
    num_iterations = args.total_timesteps // batch_size

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.backends.cudnn.deterministic = True
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    device = torch.device("cpu")

    envs = SyncVec(num_envs, args.seed)
    agent = Agent(4, 2).to(device)
    optimizer = torch.optim.Adam(agent.parameters(), lr=lr, eps=1e-5)

    obs = torch.zeros((num_steps, num_envs, 4)).to(device)
    actions = torch.zeros((num_steps, num_envs)).to(device)
    logprobs = torch.zeros((num_steps, num_envs)).to(device)
    rewards = torch.zeros((num_steps, num_envs)).to(device)
    dones = torch.zeros((num_steps, num_envs)).to(device)
    values = torch.zeros((num_steps, num_envs)).to(device)

    global_step = 0
    start = time.time()
    cpu0 = time.process_time()
    next_obs = torch.Tensor(envs.reset()).to(device)
    next_done = torch.zeros(num_envs).to(device)

    for iteration in range(1, num_iterations + 1):
        frac = 1.0 - (iteration - 1.0) / num_iterations
        optimizer.param_groups[0]["lr"] = frac * lr

        for step in range(0, num_steps):
            global_step += num_envs
            obs[step] = next_obs
            dones[step] = next_done
            with torch.no_grad():
                action, logprob, _, value = agent.get_action_and_value(next_obs)
                values[step] = value.flatten()
            actions[step] = action
            logprobs[step] = logprob
            o, r, d = envs.step(action.cpu().numpy())
            rewards[step] = torch.tensor(r).to(device).view(-1)
            next_obs, next_done = torch.Tensor(o).to(device), torch.Tensor(d).to(device)

        with torch.no_grad():
            next_value = agent.get_value(next_obs).reshape(1, -1)
            advantages = torch.zeros_like(rewards).to(device)
            lastgaelam = 0
            for t in reversed(range(num_steps)):
                if t == num_steps - 1:
                    nextnonterminal = 1.0 - next_done
                    nextvalues = next_value
                else:
                    nextnonterminal = 1.0 - dones[t + 1]
                    nextvalues = values[t + 1]
                delta = rewards[t] + gamma * nextvalues * nextnonterminal - values[t]
                advantages[t] = lastgaelam = delta + gamma * gae_lambda * nextnonterminal * lastgaelam
            returns = advantages + values

        b_obs = obs.reshape((-1, 4))
        b_logprobs = logprobs.reshape(-1)
        b_actions = actions.reshape(-1)
        b_advantages = advantages.reshape(-1)
        b_returns = returns.reshape(-1)
        b_values = values.reshape(-1)

        b_inds = np.arange(batch_size)
        for epoch in range(update_epochs):
            np.random.shuffle(b_inds)
            for s in range(0, batch_size, minibatch_size):
                mb_inds = b_inds[s:s + minibatch_size]
                _, newlogprob, entropy, newvalue = agent.get_action_and_value(b_obs[mb_inds], b_actions.long()[mb_inds])
                logratio = newlogprob - b_logprobs[mb_inds]
                ratio = logratio.exp()
                mb_advantages = b_advantages[mb_inds]
                mb_advantages = (mb_advantages - mb_advantages.mean()) / (mb_advantages.std() + 1e-8)
                pg_loss1 = -mb_advantages * ratio
                pg_loss2 = -mb_advantages * torch.clamp(ratio, 1 - clip_coef, 1 + clip_coef)
                pg_loss = torch.max(pg_loss1, pg_loss2).mean()
                newvalue = newvalue.view(-1)
                v_loss_unclipped = (newvalue - b_returns[mb_inds]) ** 2
                v_clipped = b_values[mb_inds] + torch.clamp(newvalue - b_values[mb_inds], -clip_coef, clip_coef)
                v_loss_clipped = (v_clipped - b_returns[mb_inds]) ** 2
                v_loss = 0.5 * torch.max(v_loss_unclipped, v_loss_clipped).mean()
                entropy_loss = entropy.mean()
                loss = pg_loss - ent_coef * entropy_loss + v_loss * vf_coef
                optimizer.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(agent.parameters(), max_grad_norm)
                optimizer.step()

    wall = time.time() - start
    cpu = time.process_time() - cpu0
    last = envs.finished[-20:]
    print(json.dumps({
        "steps": global_step, "wallSeconds": wall, "stepsPerSecond": global_step / wall, "cpuSeconds": cpu,
        "returnMean": float(np.mean(last)) if last else None, "episodes": len(envs.finished),
        "threads": torch.get_num_threads(),
    }))


if __name__ == "__main__":
    main()
