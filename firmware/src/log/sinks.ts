// Where log lines go. stderr for the command line and boards' supervisor; a ring buffer keeps the
// last lines in memory for the web UI and the management API.
import type { LogLevel } from './logger';

export interface LogSink {
  write(level: LogLevel, line: string): void;
}

export function stderrSink(stream: NodeJS.WritableStream = process.stderr): LogSink {
  return { write: (_level, line) => void stream.write(line + '\n') };
}

export class RingSink implements LogSink {
  private readonly lines: string[] = [];
  private next = 0;
  constructor(readonly capacity: number) {}
  write(_level: LogLevel, line: string): void {
    if (this.lines.length < this.capacity) this.lines.push(line);
    else this.lines[this.next] = line;
    this.next = (this.next + 1) % this.capacity;
  }
  /** Oldest first. */
  snapshot(): string[] {
    if (this.lines.length < this.capacity) return this.lines.slice();
    return this.lines.slice(this.next).concat(this.lines.slice(0, this.next));
  }
}
