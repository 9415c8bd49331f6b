// `npm run fuzz -- --count N --seed S [--from F] [--calls C] [--keep-going]`: the fuzz campaign of fuzz.test.ts
// run longer, outside vitest. On a failure it replays each suspect input alone against a fresh
// daemon and saves the one that reproduces (else the input that preceded the failure) as
// test/fuzz/crashers/<seed>-<index>.bin, which crashers.test.ts then replays on every `npm test`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatReport, runCampaign, startTarget, type CampaignReport } from './campaign';
import type { FuzzInput } from './inputs';
import { parseSeed } from './prng';
import { CRASHERS_DIR, replayInput } from './replay';

const DEFAULT_SEED = 0x5eed;
const DEFAULT_COUNT = 20_000;
const DEFAULT_CALLS = 1_000;
/** Suspects replayed one by one on a fresh daemon each; past this many, the rest are skipped. */
const MAX_SUSPECTS = 40;
/** Malformed answers saved as crashers per run, one per kind. */
const MAX_MALFORMED_CRASHERS = 3;

interface Args { seed: number; count: number; from: number; calls: number; keepGoing: boolean }

function parseArgs(argv: string[]): Args {
  const a: Args = { seed: DEFAULT_SEED, count: DEFAULT_COUNT, from: 0, calls: DEFAULT_CALLS, keepGoing: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const count = (v: string): number => {
      if (!/^\d+$/.test(v)) throw new Error(`${flag} wants a whole number, got ${v}`);
      return Number(v);
    };
    if (flag === '--seed') a.seed = parseSeed(value(), DEFAULT_SEED);
    else if (flag === '--count') a.count = count(value());
    else if (flag === '--from') a.from = count(value());
    else if (flag === '--calls') a.calls = count(value());
    else if (flag === '--keep-going') a.keepGoing = true;
    else throw new Error(`unknown flag ${flag} (use --count N --seed S [--from F] [--calls C] [--keep-going])`);
  }
  return a;
}

/**
 * Replays the candidates one by one, each on a fresh daemon, from the last backwards (the input
 * right before a failure is the likeliest cause); saves the first that fails alone, else (given
 * a replay hint) the last one.
 */
async function saveCrasher(seed: number, candidates: FuzzInput[], replayHint: string | null): Promise<string> {
  mkdirSync(CRASHERS_DIR, { recursive: true });
  const suspects = candidates.slice(-MAX_SUSPECTS).reverse();
  for (const input of suspects) {
    const target = await startTarget();
    try {
      const r = await replayInput(target.daemon, input);
      if (!r.ok) {
        const file = join(CRASHERS_DIR, `${seed}-${input.index}.bin`);
        writeFileSync(file, input.bytes);
        return `${file} (${input.proto}, ${input.label}) reproduces alone: ${r.detail}`;
      }
    } finally {
      await target.stop();
    }
  }
  const last = suspects[0];
  if (last === undefined) return 'nothing to save: no input was sent before it';
  if (replayHint === null) return `not saved: input ${last.index} (${last.label}) does not reproduce it alone on a fresh daemon`;
  const file = join(CRASHERS_DIR, `${seed}-${last.index}.bin`);
  writeFileSync(file, last.bytes);
  return `${file}: the input right before it (${last.proto}, ${last.label}); none of the last ${suspects.length} fails alone (${replayHint})`;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const target = await startTarget();
  let report: CampaignReport;
  try {
    report = await runCampaign(target.daemon, {
      seed: args.seed, count: args.count, from: args.from, dialogCalls: args.calls, stopOnFailure: !args.keepGoing,
      progress: (l) => console.log(l),
    });
  } finally {
    await target.stop();
  }
  console.log(formatReport(report));
  if (report.failures.length === 0 && report.malformed.count === 0) return 0;
  for (const f of report.failures) {
    const hint = `it may need the ones before it: npm run fuzz -- --seed ${args.seed} --from ${f.suspects[0]} --count ${f.suspects[1] - f.suspects[0] + 1}`;
    console.log(`\nfailure: ${f.kind} after input ${f.atIndex}: ${f.detail}`);
    console.log(`  saved: ${await saveCrasher(args.seed, f.inputs, hint)}`);
  }
  // One crasher per kind of malformation is enough to show it.
  const kinds = new Set<string>();
  for (const m of report.malformed.samples) {
    const kind = m.why.replace(/\d+/g, 'N').split(':')[0];
    if (m.input === null || kinds.has(kind) || kinds.size >= MAX_MALFORMED_CRASHERS) continue;
    kinds.add(kind);
    console.log(`\nmalformed answer to input ${m.index}: ${m.why}`);
    console.log(`  ${await saveCrasher(args.seed, [m.input], null)}`);
  }
  return 1;
}

main().then((code) => process.exit(code), (err: Error) => {
  console.error(`fuzz: ${err.stack ?? err.message}`);
  process.exit(2);
});
