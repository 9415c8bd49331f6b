// Creates extensions in a data folder with the daemon's own command line (`sipbox ext add`),
// before or while the daemon runs.
import { spawnSync } from 'node:child_process';
import { BUNDLE, requireBundle } from './daemon';

export function addExtension(dataDir: string, number: string, password: string, name = `Phone ${number}`): void {
  requireBundle();
  const r = spawnSync(process.execPath, [BUNDLE, 'ext', 'add', number, '--name', name, '--password', password, '--data', dataDir], { encoding: 'utf8', timeout: 15_000 });
  if (r.status !== 0) throw new Error(`ext add ${number} failed (${r.status}): ${r.stderr}${r.stdout}`);
}

export function runExt(dataDir: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  requireBundle();
  const r = spawnSync(process.execPath, [BUNDLE, 'ext', ...args, '--data', dataDir], { encoding: 'utf8', timeout: 15_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
