import parsePrometheusTextFormat from 'parse-prometheus-text-format';

/** One family of a scrape: its type and help, and each sample's value by its label set. */
export interface Family {
  type: string;
  help: string;
  /** Key: the labels as `a="1",b="2"` in name order ('' for none). */
  samples: Map<string, number>;
}

/**
 * A Prometheus text exposition, parsed by a parser that is not ours (parse-prometheus-text-format,
 * a port of the Python client's), as families by name. Throws on text it cannot parse.
 */
export function prometheusSamples(text: string): Map<string, Family> {
  const out = new Map<string, Family>();
  for (const f of parsePrometheusTextFormat(text)) {
    const samples = new Map<string, number>();
    for (const m of f.metrics) samples.set(labelKey(m.labels ?? {}), Number(m.value));
    out.set(f.name, { type: f.type, help: f.help, samples });
  }
  return out;
}

/** `a="1",b="2"`, labels in name order: the key `prometheusSamples` files a sample under. */
export function labelKey(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',');
}

/** The value of `name{labels}` in a parsed scrape, or undefined. */
export function sample(
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  return families.get(name)?.samples.get(labelKey(labels));
}
