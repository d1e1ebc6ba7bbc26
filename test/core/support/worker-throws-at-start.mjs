// Passed in a WorkerVectorEnv's `imports`: a module that throws while the worker starts, outside any call the
// worker answers (a stray callback of a broken user module). The worker dies before it signals that it started.
queueMicrotask(() => {
  throw new Error('thrown at start, outside any call');
});
