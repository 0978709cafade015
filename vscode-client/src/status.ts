// The status bar item, as a pure function of the server's last `schemalens/status`.

export type ServerState = "starting" | "in-sync" | "drift" | "pending" | "unreachable" | "error";

export interface ServerStatus {
  uri: string;
  state: ServerState;
  changes: number;
  pending: number;
  message?: string;
}

export interface StatusAction {
  label: string;
  command: string; // a client command id
}

export interface StatusView {
  text: string;
  tooltip: string;
  warning: boolean;
  actions: StatusAction[];
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
const BASELINE = { label: "Baseline… (record as applied, run nothing)", command: "schemalens.client.baseline" };

// Pending migrations on a database that already matches the schema files: it was managed by push (a
// migration generated after pushing). Running them would fail on objects that exist; recording them is the fix.
function alreadyThere(status: ServerStatus): boolean {
  return status.state === "pending" && status.changes === 0;
}

// Said once, when a project comes to that state (the status bar keeps saying it after).
export function baselineHint(previous: ServerStatus | undefined, current: ServerStatus): string | undefined {
  if (!alreadyThere(current) || (previous && alreadyThere(previous) && previous.pending === current.pending)) return undefined;
  return `${plural(current.pending, "migration")} pending, but the database already has the schema (it was pushed?). Record ${current.pending === 1 ? "it" : "them"} as applied without running: Baseline…`;
}

export function statusView(status: ServerStatus | undefined): StatusView {
  const checkAgain = { label: "Check again", command: "schemalens.client.check" };
  const logs = { label: "Show logs", command: "schemalens.client.showLogs" };
  // Before the server's first word (it may take seconds to start on a loaded machine) and
  // from its "starting" status until the first check: never "error".
  if (!status || status.state === "starting") {
    return { text: "$(sync~spin) schemalens starting…", tooltip: "schemalens: the language server is starting; the first check follows", warning: false, actions: [logs] };
  }
  switch (status.state) {
    case "in-sync":
      return {
        text: "$(check) schema in sync",
        tooltip: "The database matches the schema files",
        warning: false,
        actions: [{ label: "Open Studio", command: "schemalens.client.studio" }, { label: "Show migration status", command: "schemalens.client.status" }],
      };
    case "drift":
      return {
        text: `$(diff) ${plural(status.changes, "change")}`,
        tooltip: `The database differs from the schema files by ${plural(status.changes, "change")}`,
        warning: true,
        actions: [
          { label: "Preview SQL", command: "schemalens.client.previewSql" },
          { label: "Push schema to database", command: "schemalens.client.push" },
          { label: "Generate migration", command: "schemalens.client.generate" },
        ],
      };
    case "pending":
      if (alreadyThere(status)) {
        return {
          text: `$(history) ${plural(status.pending, "pending migration")}`,
          tooltip: `${plural(status.pending, "migration")} not recorded as applied, but the database already matches the schema files (it was pushed?): Baseline records them as applied without running them`,
          warning: true,
          actions: [BASELINE, { label: "Run pending migrations", command: "schemalens.client.migrate" }, { label: "Show migration status", command: "schemalens.client.status" }],
        };
      }
      return {
        text: `$(history) ${plural(status.pending, "pending migration")}`,
        tooltip: `${plural(status.pending, "migration")} not yet applied to the database`,
        warning: true,
        actions: [{ label: "Run pending migrations", command: "schemalens.client.migrate" }, { label: "Show migration status", command: "schemalens.client.status" }],
      };
    case "unreachable":
      return {
        text: "$(debug-disconnect) database unreachable",
        tooltip: status.message ?? "The database could not be reached",
        warning: true,
        actions: [checkAgain, logs],
      };
    default:
      return {
        text: "$(error) schemalens error",
        tooltip: status.message ?? "The last check failed; see the logs",
        warning: true,
        actions: [checkAgain, logs],
      };
  }
}
