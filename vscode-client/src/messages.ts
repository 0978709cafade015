// How the server's messages reach the user. The server writes for every editor (one text, line
// breaks included); VS Code toasts flatten line breaks and hide long text, so: a short toast with the
// full text one click away, questions with a list as a modal dialog, and an action when the server's
// text names the fix. No `vscode` import here, so it is testable in Node.

export type Remedy = "baseline";

export interface ShapedMessage {
  summary: string;
  detail?: string; // the full text, when the summary leaves something out
  remedy?: Remedy;
}

const SUMMARY_MAX = 160;
// The server's advice when pending migrations create what the database already has (history/run.py).
const BASELINE_ADVICE = "migrate --baseline";
const PREFIX = /^schemalens: /;

export const BASELINE_SUMMARY =
  "migrate refused: the pending migrations create objects the database already has (it was changed by push or by hand). Nothing was executed.";

function shorten(line: string): string {
  if (line.length <= SUMMARY_MAX) return line;
  const cut = line.slice(0, SUMMARY_MAX);
  const stop = Math.max(cut.lastIndexOf("; "), cut.lastIndexOf(". "), cut.lastIndexOf(", "), cut.lastIndexOf(": "));
  return `${cut.slice(0, stop > SUMMARY_MAX / 2 ? stop : SUMMARY_MAX).trimEnd()}…`;
}

export function shapeMessage(text: string): ShapedMessage {
  const body = text.replace(PREFIX, "");
  if (body.includes(BASELINE_ADVICE)) return { summary: BASELINE_SUMMARY, detail: body, remedy: "baseline" };
  const summary = shorten(body.split("\n", 1)[0].trim());
  return summary === body.trim() ? { summary } : { summary, detail: body };
}

export interface Dialog {
  message: string;
  detail?: string;
  modal: boolean;
}

// A question with a list ("These changes lose data:\n- ...\nPush them?") is a modal dialog: the
// list goes in `detail`, where VS Code keeps its line breaks; a one-line question stays a toast.
export function questionDialog(text: string): Dialog {
  const lines = text.replace(PREFIX, "").split("\n").map((l) => l.trimEnd()).filter((l) => l.trim() !== "");
  if (lines.length < 2) return { message: lines[0] ?? text, modal: false };
  const first = lines[0].replace(/:$/, "");
  const last = lines[lines.length - 1];
  if (lines.length > 2 && last.endsWith("?")) {
    return { message: `${first}. ${last}`, detail: lines.slice(1, -1).join("\n"), modal: true };
  }
  return { message: first, detail: lines.slice(1).join("\n"), modal: true };
}
