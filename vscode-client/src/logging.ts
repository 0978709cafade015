// The output channel's levels. vscode-languageclient writes its own "[Error - 10:00:00] ..." lines and
// the server's stderr into one channel; a log channel would file all of them as info, and a normal
// restart's "Server process exited with code 0." as an error. Each line gets its real level here.

export type Level = "trace" | "debug" | "info" | "warn" | "error";

export interface LogLine {
  level: Level;
  text: string;
}

const CLIENT_LINE = /^\[(Trace|Debug|Info|Warn|Error)\s*- [^\]]*\] ?(.*)$/s;
const CLIENT_LEVELS: Record<string, Level> = { Trace: "trace", Debug: "debug", Info: "info", Warn: "warn", Error: "error" };
// The server's logging format: "%(asctime)s %(name)s %(levelname)s %(message)s".
const SERVER_LINE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \S+ (DEBUG|INFO|WARNING|ERROR|CRITICAL) (.*)$/s;
const SERVER_LEVELS: Record<string, Level> = { DEBUG: "debug", INFO: "info", WARNING: "warn", ERROR: "error", CRITICAL: "error" };
const NORMAL_EXIT = /^Server process exited with code 0\.?$/;

export function classify(line: string, previous: Level = "info"): LogLine {
  const client = CLIENT_LINE.exec(line);
  if (client) {
    const text = client[2];
    return { level: NORMAL_EXIT.test(text) ? "info" : CLIENT_LEVELS[client[1]], text };
  }
  const server = SERVER_LINE.exec(line);
  if (server) return { level: SERVER_LEVELS[server[1]], text: line };
  // A traceback's or a message's continuation keeps the level of the line it continues.
  return { level: previous, text: line };
}

// `append` gets stderr in arbitrary chunks: whole lines come out, the rest waits for its end.
export class LineBuffer {
  private pending = "";

  push(chunk: string): string[] {
    const text = this.pending + chunk;
    const lines = text.split(/\r?\n/);
    this.pending = lines.pop() ?? "";
    return lines;
  }
}
