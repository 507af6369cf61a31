/**
 * Starting worker threads from TypeScript sources and from the built JavaScript alike:
 * under tsx or Vitest the worker module is a `.ts` file and needs the tsx loader; in
 * `dist/` it is plain JavaScript.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * The URL of a sibling worker module, with the extension of the calling module.
 * @example const url = siblingModule(import.meta.url, 'audit-verify-worker');
 */
export function siblingModule(callerUrl: string, name: string): URL {
  const ext = callerUrl.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${name}${ext}`, callerUrl);
}

/**
 * Starts a worker. A `.ts` module is loaded through tsx's API (a development
 * dependency; `--import tsx` in a worker's execArgv does not apply to workers on Node 20).
 */
export function startWorker(url: URL, workerData: unknown): Worker {
  // Built JavaScript needs none of the parent's loader flags (e.g. tsx's, when a script run
  // through tsx uses the built modules): a worker would pay for them at every start.
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData, execArgv: [] });
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/** Runs a worker to completion and resolves with the one message it posts. */
export function runWorker<T>(url: URL, workerData: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(url, workerData);
    let answered = false;
    worker.once('message', (message: T) => {
      answered = true;
      resolve(message);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`worker ${url.pathname} exited with code ${code} without an answer`));
    });
  });
}
