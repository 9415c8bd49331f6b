// One line per event: `level module event key=value ...` (house rule 10). Sinks are injected:
// stderr on the command line, syslog on boards, a ring buffer for the web UI.
import type { LogSink } from './sinks';

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogValue = string | number | boolean | null | undefined;
export type LogFields = Record<string, LogValue>;

export interface Logger {
  readonly level: LogLevel;
  enabled(level: LogLevel): boolean;
  error(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  debug(event: string, fields?: LogFields): void;
  /** A logger for one module: the same sinks and level, another module name. */
  child(module: string): Logger;
}

const rank: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/** Values with spaces, quotes or '=' are quoted so that lines stay machine-readable. */
export function formatValue(v: LogValue): string {
  if (v === null || v === undefined) return '-';
  const s = String(v);
  if (s.length === 0) return '""';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c === 0x22 || c === 0x3d || c === 0x5c || c >= 0x7f) return JSON.stringify(s);
  }
  return s;
}

export function formatLine(level: LogLevel, module: string, event: string, fields?: LogFields): string {
  let line = `${level} ${module} ${event}`;
  if (fields) for (const k in fields) line += ` ${k}=${formatValue(fields[k])}`;
  return line;
}

export function createLogger(module: string, level: LogLevel, sinks: readonly LogSink[]): Logger {
  const max = rank[level];
  const emit = (l: LogLevel, event: string, fields?: LogFields): void => {
    if (rank[l] > max) return;
    const line = formatLine(l, module, event, fields);
    for (const s of sinks) s.write(l, line);
  };
  return {
    level,
    enabled: (l) => rank[l] <= max,
    error: (e, f) => emit('error', e, f),
    warn: (e, f) => emit('warn', e, f),
    info: (e, f) => emit('info', e, f),
    debug: (e, f) => emit('debug', e, f),
    child: (m) => createLogger(m, level, sinks),
  };
}
