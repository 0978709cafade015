// The settings the server reads. The server asks for the "schemalens" section through
// workspace/configuration (answered by VS Code); the same values go in initializationOptions
// so the first check does not wait for a round trip.

export interface ServerSettings {
  databaseUrl?: string;
  schema?: string[];
  migrations?: string;
  dialect?: string;
}

// Only non-empty values: an empty setting means "use the project's configuration".
export function serverSettings(get: (key: string) => unknown): ServerSettings {
  const out: ServerSettings = {};
  const text = (key: string): string | undefined => {
    const value = get(key);
    return typeof value === "string" && value.trim() ? value.trim() : undefined;
  };
  const databaseUrl = text("databaseUrl");
  if (databaseUrl) out.databaseUrl = databaseUrl;
  const schema = get("schema");
  if (Array.isArray(schema)) {
    const paths = schema.filter((p): p is string => typeof p === "string" && p.trim() !== "");
    if (paths.length) out.schema = paths;
  }
  const migrations = text("migrations");
  if (migrations) out.migrations = migrations;
  const dialect = text("dialect");
  if (dialect) out.dialect = dialect;
  return out;
}

// Settings whose change needs a new server process (the rest the server re-reads itself).
export function needsRestart(changed: (section: string) => boolean): boolean {
  return changed("schemalens.python") || changed("schemalens.trace.server");
}

// Passwords never reach the output channel. The server's text rule (schemalens.connect.mask_secrets),
// checked against the same cases (tests/data/masking_cases.json): a URL's secret runs from its
// userinfo's first ":" to the token's last "@" (libpq stops at the first "@" and ends userinfo at
// a "/", but a password holding "?#/@" was still meant as one), "?password=" to the next "&", a
// keyword/value "password=" to its end (quoted values included). As on the server, the URL rule is
// tried token by token, only up to the token's last "@" (else a long word without one was quadratic).
const URL_SECRET = /((?<![a-z0-9+.-])[0-9+.-]*[a-z][a-z0-9+.-]*:\/\/[^\s:/@"'<>]*:)[^\s"'<>]*(?=@)/gi;
const TOKEN = /[^\s"'<>]+/g;
const QUERY_SECRET = /([?&]password=)[^&\s"'<>]*/gi;
const KEYWORD_SECRET = /((?<![?&\p{L}\p{N}_])password\s*=\s*)(?:'(?:[^'\\]|\\.)*'|[^\s'"]+)/giu;

function maskUrlSecret(token: string): string {
  const end = token.lastIndexOf("@");
  if (end < 0 || !token.includes("://")) return token;
  return token.slice(0, end + 1).replace(URL_SECRET, "$1***") + token.slice(end + 1);
}

export function maskSecrets(text: string): string {
  const urls = text.replace(TOKEN, maskUrlSecret);
  return [QUERY_SECRET, KEYWORD_SECRET].reduce((masked, rule) => masked.replace(rule, "$1***"), urls);
}
