/** A broker URL in the parts an AsyncAPI server has, secrets left out. */
export interface BrokerUrl {
  /** The scheme without `:` (`nats`, `amqps`, `http`). */
  scheme: string;
  /** `host[:port]`, with `{NAME}` where the URL held `${env:NAME}`. */
  host: string;
  /** The path (`/vhost`, `/hooks/orders`), `{NAME}` for placeholders; "" for none. */
  pathname: string;
  /** The environment variables the URL names (`${env:NAME}`, SPEC §10). */
  variables: string[];
}

const ENV = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Split a broker URL for documentation. User name and password are dropped: a generated
 * document is shared, and secrets never leave the graph (SPEC §10). `${env:NAME}` placeholders
 * become AsyncAPI server variables (`{NAME}`); a URL that is one placeholder as a whole has an
 * unknown scheme and host, and gives null (the caller names the protocol).
 */
export function parseBrokerUrl(url: string | undefined): BrokerUrl | null {
  if (!url) return null;
  const variables: string[] = [];
  // Placeholders become lower-case tokens first, so URL parsing (which lower-cases hosts) keeps them.
  const tokenised = url.replace(ENV, (_, name: string) => {
    variables.push(name);
    return `sluiceenv${variables.length - 1}x`;
  });
  let parsed: URL;
  try {
    parsed = new URL(tokenised);
  } catch {
    return null;
  }
  const restore = (s: string): string => s.replace(/sluiceenv(\d+)x/gi, (_, i: string) => `{${variables[Number(i)]}}`);
  const pathname = parsed.pathname === '/' ? '' : restore(decodeURIComponent(parsed.pathname));
  const host = restore(parsed.host);
  // A placeholder in the dropped user info (a password) is not a variable of the server.
  const used = variables.filter((v) => host.includes(`{${v}}`) || pathname.includes(`{${v}}`));
  return { scheme: parsed.protocol.replace(/:$/, ''), host, pathname, variables: [...new Set(used)] };
}
