// What "Show migration status" and "Check schema against database" tell the user, from the server's
// `schemalens.status` / `schemalens.check` result: a one-line summary for the notification and the
// whole report for the output channel.

export interface ChangeInfo {
  id: string;
  description: string;
  dataLoss?: string | null;
  lock?: string | null;
}

export interface StatusResult {
  ok: boolean;
  message?: string | null;
  state?: string;
  database?: string; // already masked by the server
  databaseState?: string;
  changes?: ChangeInfo[];
  pending?: string[];
  ahead?: number;
}

export interface Report {
  summary: string;
  lines: string[];
  warning: boolean;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

export function statusReport(result: StatusResult | undefined): Report {
  if (!result) return { summary: "schemalens: no answer from the server", lines: [], warning: true };
  if (!result.ok) return { summary: `schemalens: ${result.message ?? "the check failed"}`, lines: [], warning: true };
  const database = result.database ?? "the database";
  const changes = result.changes ?? [];
  const pending = result.pending ?? [];
  const parts: string[] = [];
  if (result.state === "unreachable" || result.state === "error") parts.push(result.message ?? `${database} cannot be checked`);
  if (changes.length) parts.push(`${plural(changes.length, "change")} between the schema files and ${database}`);
  if (pending.length) parts.push(`${plural(pending.length, "pending migration")}`);
  if (result.ahead) parts.push(`${plural(result.ahead, "migration")} applied that the folder does not have`);
  const summary = parts.length ? parts.join("; ") : `${database} matches the schema files; no pending migrations`;
  const lines = [`database: ${database}`, `state: ${result.state ?? "unknown"}`];
  if (result.message) lines.push(`message: ${result.message}`);
  for (const change of changes) {
    const hazards = [change.dataLoss && `data loss: ${change.dataLoss}`, change.lock && `lock: ${change.lock}`].filter(Boolean);
    lines.push(`change: ${change.description}${hazards.length ? ` (${hazards.join("; ")})` : ""}`);
  }
  for (const tag of pending) lines.push(`pending migration: ${tag}`);
  return { summary: `schemalens: ${summary}`, lines, warning: parts.length > 0 };
}
